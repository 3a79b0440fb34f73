"""Exercise 03's case data separates the taught collation from its plausible wrong neighbours.

The taught method (solutions/03-collate-records, parts 3 and 4) blocks candidate pairs on the
birth date or the phone and keeps those whose normalised names score at least 90. Matching on a
key alone, without the name check, must lose precision on every country and seed: the generator
plants different people sharing a birth date or a phone (generator/confusers.py). Matching on the
name alone must lose too: it plants homonyms. Each method is computed here on the generated tables as the
exercise computes it, and scored as its hidden tests score it.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest
from rapidfuzz import fuzz

from sahelkit.course.dictionary import README_PATH, planted_case_rows
from sahelkit.generator.case import DEFAULT_SEED, generate_case
from sahelkit.generator.signals import (
    COLLATION_CONFUSER_SCORE_MAX,
    COLLATION_KEY_ONLY_PRECISION,
    COLLATION_NAME_ONLY_PRECISION,
)
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

DUPLICATE_PRECISION, DUPLICATE_RECALL = 0.95, 0.80  # exercise 03's hidden test of part 3
MATCH_PRECISION, MATCH_RECALL = 0.95, 0.85  # and of part 4
OTHER_SEEDS = (7, 2024)
CASES = [(c, DEFAULT_SEED) for c in COUNTRIES] + [(c, s) for s in OTHER_SEEDS for c in COUNTRIES[:2]]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def _prepare(table: pd.DataFrame, date_format: str, variants: dict) -> pd.DataFrame:
    """The exercise's prepared extract (born, phone_national) with the normalised name as `key`."""
    ref = {_ascii(f): _ascii(r) for r, forms in variants.items() for f in forms}
    table = table.copy()
    born = pd.to_datetime(table["birth_date"], format=date_format)
    table["born"] = born.mask(born > pd.Timestamp("2026-12-31"), born - pd.DateOffset(years=100))
    table["phone_national"] = table["phone"].str.replace(r"\D", "", regex=True).str[-8:]
    table["key"] = [" ".join(sorted(ref.get(w, w) for w in re.sub(r"[^A-Z ]", " ", _ascii(n)).split()))
                    for n in table["name"]]
    return table


def _candidates(a: pd.DataFrame, b: pd.DataFrame, keys: tuple[str, ...], same: bool) -> pd.DataFrame:
    cols = ["record_id_x", "record_id_y", "key_x", "key_y"]
    found = []
    for k in keys:
        left = a.dropna(subset=["born"]) if k == "born" else a[a[k] != ""]
        right = b.dropna(subset=["born"]) if k == "born" else b[b[k] != ""]
        merged = left.merge(right, on=k)
        if k == "key":
            merged["key_x"] = merged["key_y"] = merged["key"]
        found.append(merged[cols])
    pairs = pd.concat(found).drop_duplicates(["record_id_x", "record_id_y"])
    return pairs[pairs["record_id_x"] < pairs["record_id_y"]] if same else pairs


def _taught(a, b, same):
    pairs = _candidates(a, b, ("born", "phone_national"), same)
    score = pd.Series([fuzz.token_sort_ratio(x, y) for x, y in zip(pairs["key_x"], pairs["key_y"])],
                      index=pairs.index, dtype=float)
    return pairs[score >= 90]


METHODS = {
    "taught": _taught,
    "birth date alone": lambda a, b, same: _candidates(a, b, ("born",), same),
    "phone alone": lambda a, b, same: _candidates(a, b, ("phone_national",), same),
    "either key, no name": lambda a, b, same: _candidates(a, b, ("born", "phone_national"), same),
    "name alone": lambda a, b, same: _candidates(a, b, ("key",), same),
}


def collation_scores(country: str, seed: int) -> dict[tuple[str, str], tuple[float, float]]:
    """(part, method) -> (precision, recall) of each method on the case of this country and seed."""
    profile = load_profile(country)
    t = generate_case(profile, seed=seed, calls=2000)
    services = t["services"].set_index("code")
    dedup = services.index[services["kind"] == "narcotics"][0]
    other = services.index[services["kind"].isin(["counter_terrorism", "police"])][0]
    prep = {c: _prepare(t[f"extracts/{c}"], services.loc[c, "date_format"], profile["names"]["variants"])
            for c in (dedup, other)}
    truth = t["truth/records"]
    d = truth[truth["service"] == dedup].merge(truth[truth["service"] == dedup], on="person_id")
    m = truth[truth["service"] == other].merge(truth[truth["service"] == dedup], on="person_id")
    parts = {"duplicates": (prep[dedup], prep[dedup], True,
                            {(x, y) for x, y in zip(d["record_id_x"], d["record_id_y"]) if x < y}),
             "links": (prep[other], prep[dedup], False, set(zip(m["record_id_x"], m["record_id_y"])))}
    out = {}
    for name, method in METHODS.items():
        for part, (a, b, same, expected) in parts.items():
            found = method(a, b, same)
            found = {tuple(sorted(p)) if same else p for p in zip(found["record_id_x"], found["record_id_y"])}
            right = len(found & expected)
            out[part, name] = (right / max(1, len(found)), right / len(expected))
    return out


@pytest.fixture(scope="module")
def scores() -> dict[tuple[str, int], dict[tuple[str, str], tuple[float, float]]]:
    """(country, seed) -> (part, method) -> (precision, recall), computed once."""
    return {(country, seed): collation_scores(country, seed) for country, seed in CASES}


@pytest.mark.parametrize("country,seed", CASES)
def test_taught_collation_passes_the_hidden_tests(scores, country, seed):
    got = scores[country, seed]
    assert got["duplicates", "taught"][0] >= DUPLICATE_PRECISION and \
        got["duplicates", "taught"][1] >= DUPLICATE_RECALL, got["duplicates", "taught"]
    assert got["links", "taught"][0] >= MATCH_PRECISION and got["links", "taught"][1] >= MATCH_RECALL, \
        got["links", "taught"]


@pytest.mark.parametrize("method", [m for m in METHODS if m != "taught"])
@pytest.mark.parametrize("country,seed", CASES)
def test_wrong_collation_loses_precision(scores, country, seed, method):
    """Each wrong neighbour finds a different set of pairs, and fails the hidden test's precision."""
    for part in ("duplicates", "links"):
        value, _ = scores[country, seed][part, method]
        limit = COLLATION_NAME_ONLY_PRECISION if method == "name alone" else COLLATION_KEY_ONLY_PRECISION
        assert value < limit, f"{country} seed {seed}, {part}, {method}: precision {value:.3f} not below {limit}"


def test_dictionary_lists_the_planted_cases():
    """datasets/README.md names each planted case with the numbers of signals.py."""
    text = README_PATH.read_text(encoding="utf-8")
    for case, what, defeats in planted_case_rows():
        assert f"| {case} | {what} | {defeats} |" in text, f"datasets/README.md does not state {case!r}"
    assert f"at most {COLLATION_CONFUSER_SCORE_MAX}" in text
