"""Exercise 11's case data: reports that say what only the source could know, in fixed forms.

Exercise 11 (solutions/11-products, part 1) sanitises reports: it generalises an exact time and a
precise place to the town, drops the source's own words and withholds an H3 report's wording. The
generator writes these details into some human sources' reports (intel._source_details) in the forms
the data dictionary documents, in the numbers of signals.SOURCE_PLACE_TIME_REPORTS and
SOURCE_WORDS_REPORTS, on both sides of H3, so that each plausible wrong sanitiser (one that forgets
the place, drops the town with it, or strips every quotation, aliases included) changes some report
that is not H3, whatever the country and the seed.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

import sahelkit
from sahelkit.generator.case import generate_case
from sahelkit.generator.signals import SOURCE_PLACE_TIME_REPORTS, SOURCE_WORDS_REPORTS
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

OTHER_SEEDS = (5, 7)
PLACE_TIME = re.compile(r" La source était sur place à (\d{2}) h (\d{2}), ([^,.]+), à ([^.]+)\.")
WORDS = re.compile(r" Mots de la source : « ([^»]*) »\.$")


def _check(reports: pd.DataFrame, sources: pd.DataFrame, towns: list[str], where: str) -> None:
    text = reports["text"]
    h3 = reports["handling_code"].eq("H3")
    place_time, words = text.map(lambda t: bool(PLACE_TIME.search(t))), text.map(lambda t: bool(WORDS.search(t)))
    assert (place_time[~h3].sum(), place_time[h3].sum()) == SOURCE_PLACE_TIME_REPORTS, where
    assert (words[~h3].sum(), words[h3].sum()) == SOURCE_WORDS_REPORTS, where
    kinds = reports["source_id"].map(sources.set_index("source_id")["kind"])
    assert kinds[place_time | words].eq("human").all(), f"{where}: a detail in a report not of a human source"
    for match in text.str.extract(PLACE_TIME).dropna().itertuples(index=False):
        hour, minute, _, town = match
        assert int(hour) < 24 and int(minute) < 60 and town in towns, f"{where}: {match}"
    # a plain text carries no stray piece of either form
    plain = text.str.replace(PLACE_TIME, "", regex=True).str.replace(WORDS, "", regex=True)
    assert not plain.str.contains(r"\d{2} h \d{2}|Mots de la source|sur place").any(), where
    # the separating cases: outside H3, a report with both details, one with each alone, and aliases quoted
    assert (place_time & words & ~h3).any() and (place_time & ~words & ~h3).any(), where
    assert (words & ~place_time & ~h3).any(), where
    assert plain[~h3].str.contains("« ").any(), f"{where}: no quoted alias to keep"


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_reports_carry_source_details(country):
    case = sahelkit.load(country)
    towns = [t["name"] for t in case.profile["towns"] if t["country"] == case.profile["iso"]]
    _check(case.reports, case.sources, towns, country)


@pytest.mark.parametrize("seed", OTHER_SEEDS)
@pytest.mark.parametrize("country", COUNTRIES)
def test_any_seed_reports_carry_source_details(country, seed):
    profile = load_profile(country)
    t = generate_case(profile, seed=seed)
    towns = [town["name"] for town in profile["towns"] if town["country"] == profile["iso"]]
    _check(t["reports"], t["sources"], towns, f"{country} seed {seed}")
