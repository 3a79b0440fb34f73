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

import networkx as nx
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
