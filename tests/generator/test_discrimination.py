"""The case data separates each exercise's method from its plausible wrong neighbours, on every country
and on other seeds: computed on the tables exactly as the exercise's solution computes it, each wrong
method listed in the data dictionary gives another answer than the right one.

The right methods are those of solutions/NN-*/NN-*.ipynb, the wrong ones those of
tests/wrong_answers/NN-*.yaml and of the data dictionary's table of cases
(sahelkit.course.dictionary.discrimination_rows). The committed data is read with sahelkit.load, as
notebooks do; the other seeds are generated in memory at the workshop size.
"""
from __future__ import annotations

import functools
import operator

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import sahelkit
from sahelkit.generator.case import generate_case
from sahelkit.generator.margins import case_tables
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

OTHER_SEEDS = [("mali", 7), ("chad", 36), ("mauritania", 123)]  # seeds the signal sweep also needs guarantees on
CASES = [(c, None) for c in COUNTRIES] + OTHER_SEEDS


def case_id(case: tuple[str, int | None]) -> str:
    country, seed = case
    return country if seed is None else f"{country}-seed{seed}"


@functools.cache
def tables(country: str, seed: int | None) -> dict[str, pd.DataFrame]:
    """The case's tables by schema name: the committed data, or a generated seed."""
    if seed is None:
        return case_tables(sahelkit.load(country), sahelkit.load_truth(country))
    return generate_case(load_profile(country), seed=seed)


# --------------------------------------------------------------------------- exercise 00
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_00_counting_plates_names_another_post(case):
    passages = tables(*case)["passages"]
    right = passages["post_id"].value_counts().idxmax()
    assert passages.groupby("post_id")["plate"].nunique().idxmax() != right


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_00_a_month_window_off_by_one_day_loses_a_report(case):
    reports = tables(*case)["reports"].assign(date=lambda r: pd.to_datetime(r["date"]))
    service = reports["service"].value_counts().idxmax()
    month = reports.loc[reports["service"] == service, "date"].dt.strftime("%Y-%m").value_counts().idxmax()
    right = reports[(reports["service"] == service) & (reports["date"].dt.strftime("%Y-%m") == month)]
    first = pd.Timestamp(f"{month}-01")
    last = first + pd.offsets.MonthEnd(0)
    mine = reports[reports["service"] == service]
    late_start = mine[(mine["date"] > first) & (mine["date"] <= last)]
    early_end = mine[(mine["date"] >= first) & (mine["date"] < last)]
    period = load_profile(case[0])["period"]
    start, end = pd.Timestamp(period["start"]), pd.Timestamp(period["end"]) - pd.Timedelta(days=1)  # days with data
    assert start <= first and last <= end, \
        f"the busiest month {month} is cut by the period {start:%Y-%m-%d}..{end:%Y-%m-%d}"
    assert len(late_start) != len(right), "no report on the first day of the month"
    assert len(early_end) != len(right), "no report on the last day of the month"


# --------------------------------------------------------------------------- exercise 02
def derived_grade(sources: pd.DataFrame, x_below=operator.lt, share_at_least=operator.ge,
                  false_at_most=operator.le, none_false_for_a: bool = True, false_cap_for_b: bool = True) -> pd.Series:
    """02 part 1's rule as the solution computes it; the keywords give its misreadings."""
    total = sources["reports_total"]
    share = sources["reports_confirmed"] / total
    false_share = sources["reports_false"] / total
    conditions = [
        x_below(total, 5),
        share_at_least(share, 0.9) & ((sources["reports_false"] == 0) if none_false_for_a else True),
        share_at_least(share, 0.6) & (false_at_most(false_share, 0.1) if false_cap_for_b else True),
    ]
    return pd.Series(np.select(conditions, ["X", "A", "B"], default="C"), index=sources["source_id"])


MISREADINGS = {
    "at most 5 reports for X": {"x_below": operator.le},
    "more than 90 % / 60 % confirmed": {"share_at_least": operator.gt},
    "less than 10 % false": {"false_at_most": operator.lt},
    "A without 'none false'": {"none_false_for_a": False},
    "B without 'at most 10 % false'": {"false_cap_for_b": False},
}


@pytest.mark.parametrize("misreading", MISREADINGS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_02_each_misreading_of_the_grading_rule_grades_a_source_differently(case, misreading):
    sources = tables(*case)["sources"]
    reports = tables(*case)["reports"]
    right, wrong = derived_grade(sources), derived_grade(sources, **MISREADINGS[misreading])
    differ = right.index[right != wrong]
    assert len(differ), f"{misreading}: every source keeps its grade"
    # and the source it changes writes a report: the misreading changes part 2's list too
    assert reports.source_id.isin(differ).any(), f"{misreading}: the sources it changes write no report"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_02_some_reports_are_graded_worse_than_deserved(case):
    sources, reports = tables(*case)["sources"], tables(*case)["reports"]
    justified = reports["source_id"].map(derived_grade(sources))
    inconsistent = sorted(reports.loc[reports["source_grade"] != justified, "report_id"])
    rank = {"A": 0, "B": 1, "C": 2, "X": 3}
    better = reports["source_grade"].map(rank) < justified.map(rank)
    assert sorted(reports.loc[better, "report_id"]) != inconsistent, "only reports graded too high"
    assert better.any(), "no report graded too high"


def partner_lists(case, exclude_own: bool = True, national_author_for_h2: bool = True,
                  h2_abroad: bool = False) -> tuple[list[str], list[str]]:
    """02 part 3's (for_foreign, for_national) as the solution computes them; the keywords give the misreadings."""
    reports = tables(*case)["reports"]
    services = tables(*case)["services"].set_index("code")
    profile = sahelkit.load(case[0]).profile if case[1] is None else load_profile(case[0])
    foreign_partner = services.index[services["kind"] == "foreign_police"][0]
    national_partner = services.index[services["kind"] == "customs"][0]
    code = reports["handling_code"]
    others_f = reports["service"] != foreign_partner if exclude_own else True
    abroad = code.isin(["H1", "H2"]) if h2_abroad else code == "H1"
    for_foreign = sorted(reports.loc[others_f & abroad, "report_id"])
    others_n = reports["service"] != national_partner if exclude_own else True
    national_author = reports["service"].map(services["country"]) == profile["iso"]
    allowed_n = (code == "H1") | ((code == "H2") & (national_author if national_author_for_h2 else True))
    return for_foreign, sorted(reports.loc[others_n & allowed_n, "report_id"])


@pytest.mark.parametrize("misreading", [{"exclude_own": False}, {"national_author_for_h2": False},
                                        {"h2_abroad": True}], ids=["own-reports", "foreign-h2-home", "h2-abroad"])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_02_each_misreading_of_the_sharing_rule_changes_a_list(case, misreading):
    right_f, right_n = partner_lists(case)
    wrong_f, wrong_n = partner_lists(case, **misreading)
    assert wrong_f != right_f or wrong_n != right_n
    if misreading == {"exclude_own": False}:  # both partners' own reports count
        assert wrong_f != right_f and wrong_n != right_n


# --------------------------------------------------------------------------- exercise 05
def _top(scores: dict, ascending_msisdn: bool = True, k: int = 5) -> list[str]:
    """05 part 1's ranking: value decreasing, then msisdn increasing (or, the wrong way, decreasing)."""
    table = pd.Series(scores, name="value").rename_axis("msisdn").reset_index()
    return table.sort_values(["value", "msisdn"], ascending=[False, ascending_msisdn])["msisdn"].head(k).tolist()


def _first(scores: pd.Series) -> str:
    """The line of highest value, the smallest msisdn at equal value (05 part 2's rule)."""
    table = scores.rename("value").rename_axis("msisdn").reset_index()
    return table.sort_values(["value", "msisdn"], ascending=[False, True])["msisdn"].iloc[0]


@functools.cache
def call_network(country: str, seed: int | None):
    """(graph, betweenness, closeness) of the call network, built as exercise 05's setup cell builds it."""
    graph = nx.from_pandas_edgelist(tables(country, seed)["calls"], "caller", "callee")
    return graph, sahelkit.betweenness(graph), sahelkit.closeness(graph)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_05_degree_ties_need_the_msisdn_tie_break(case):
    graph, _, _ = call_network(*case)
    degree = nx.degree_centrality(graph)
    assert _top(degree, ascending_msisdn=False) != _top(degree), \
        "breaking degree ties by msisdn decreasing gives the same top 5"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_05_the_broker_needs_betweenness_per_contact(case):
    graph, betweenness, closeness = call_network(*case)
    btw = pd.Series(betweenness)
    right = _first(btw / pd.Series(dict(graph.degree())))
    signals = tables(*case)["truth/signals"]
    assert right in signals.loc[signals.signal == "broker", "ids"].iloc[0].split(";"), "the right method misses"
    assert _first(btw) != right, "raw betweenness finds the broker too"
    assert _first(btw / pd.Series(closeness)) != right, "betweenness / closeness finds the broker too"
