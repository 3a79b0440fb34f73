"""Exercise 06 (telephone records): on every country and on other seeds, each plausible wrong method of
tests/wrong_answers/06-phone-records.yaml gives another answer than the method of the solution.

Parts 1, 2 and 5 are also graded on small tables written in the hidden tests, which separate their
wrong methods whatever the case; the checks here are the ones that rest on the case data alone.
"""
from __future__ import annotations

import functools

import pandas as pd
import pytest

import sahelkit
from sahelkit.generator.case import generate_case
from sahelkit.generator.margins import case_tables
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

CASES = [(c, None) for c in COUNTRIES] + [("chad", 7), ("niger", 36)]


@functools.cache
def tables(country: str, seed: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Calls (times parsed) and truth/signals of the committed case or of a generated seed."""
    if seed is None:
        t = case_tables(sahelkit.load(country), sahelkit.load_truth(country))
    else:
        t = generate_case(load_profile(country), seed=seed)
    calls = t["calls"].assign(start=lambda d: pd.to_datetime(d["start"]))
    return calls, t["truth/signals"]


def _ids(signals: pd.DataFrame, kind: str) -> list[str]:
    return str(signals.loc[signals["signal"] == kind, "ids"].iloc[0]).split(";")


def _case_id(case) -> str:
    country, seed = case
    return country if seed is None else f"{country}-seed{seed}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_06_swap_sims_by_number_are_not_in_order_of_use(case):
    calls, signals = tables(*case)
    imei = _ids(signals, "sim_swap")[0]
    by_use = calls[calls["imei"] == imei].groupby("caller")["start"].min().sort_values().index.tolist()
    assert by_use == _ids(signals, "sim_swap")[1:]
    assert sorted(by_use) != by_use


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_06_sorting_the_imeis_mistakes_old_for_new(case):
    calls, _ = tables(*case)
    calls = calls.sort_values("start", kind="stable")
    n = calls.groupby("caller")["imei"].nunique()
    moved = calls[calls["caller"].isin(n[n > 1].index)].groupby("caller")["imei"]
    by_time = pd.DataFrame({"old": moved.first(), "new": moved.last()})
    by_sort = pd.DataFrame({"old": moved.min(), "new": moved.max()})
    assert not by_time.equals(by_sort)
