"""Module 07's case data: the seizure it studies is a network courier's, and the calls of the hours
before it tell each wrong method from the one taught.

Exercise 07 (solutions/07-event-chart) studies the latest seizure naming both a person and a
vehicle, and the calls of the SEIZURE_WINDOW_HOURS before its day. The generator makes that seizure
a planted network's (intel._network_seizure_last): its courier holds a line that calls in the
window. Then, from the courier's line, on every country and other seeds:

- the lines reached by chains of calls in time order are fewer than the lines of the courier's
  component of the window's call graph (any path, time ignored);
- following calls from caller to callee only reaches fewer lines than a call carrying news both ways;
- some seizure names a person and a vehicle he owns (the cross-border network's courier): the
  timeline reaches that seizure twice for him, so a timeline without deduplication differs.
"""
from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

import sahelkit
from sahelkit.generator.case import generate_case
from sahelkit.generator.signals import SEIZURE_WINDOW_HOURS
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

OTHER_SEEDS = (7, 12)


def studied_seizure(seizures: pd.DataFrame) -> pd.Series:
    """The latest seizure naming a person and a vehicle (ties: the largest id), as exercise 07's setup."""
    named = seizures[(seizures["person_ids"].fillna("") != "") & (seizures["plates"].fillna("") != "")]
    return named.sort_values(["date", "seizure_id"]).iloc[-1]


def reached_in_time(calls: pd.DataFrame, source: str, both_ways: bool = True) -> set[str]:
    informed = {source}
    for a, b in zip(calls["caller"], calls["callee"]):
        if a in informed or (both_ways and b in informed):
            informed |= {a, b}
    return informed


def _check(tables: dict[str, pd.DataFrame], where: str) -> None:
    seizure = studied_seizure(tables["seizures"])
    persons = seizure["person_ids"].split(";")
    members = tables["members"]
    assert set(persons) & set(members.loc[members["role"] == "courier", "person_id"]), \
        f"{where}: {seizure['seizure_id']} names no network courier: {persons}"
    owner = tables["vehicles"].set_index("plate")["owner_id"]
    named = tables["seizures"].dropna(subset=["person_ids", "plates"])
    named = named[(named["person_ids"] != "") & (named["plates"] != "")]
    pairs = zip(named["person_ids"], named["plates"])
    assert any(set(p.split(";")) & set(owner.reindex(v.split(";"))) for p, v in pairs), \
        f"{where}: no seizure names a person and a vehicle he owns (a timeline row reached twice)"
    lines = tables["phones"].loc[tables["phones"]["holder_id"].isin(persons), "msisdn"].tolist()
    assert lines, f"{where}: the courier of {seizure['seizure_id']} holds no line"
    calls = tables["calls"]
    end = seizure["date"]
    window = calls[(calls["start"] >= end - pd.Timedelta(hours=SEIZURE_WINDOW_HOURS)) & (calls["start"] < end)]
    window = window.sort_values("start", kind="stable")
    graph = nx.from_pandas_edgelist(window, "caller", "callee")
    source = sorted(lines)[0]  # the exercise's SOURCE: the courier's first line
    assert ((window["caller"] == source) | (window["callee"] == source)).any(), \
        f"{where}: the courier's line {source} makes no call in the window"
    in_time = reached_in_time(window, source)
    static = nx.node_connected_component(graph, source)
    assert in_time < static, f"{where}: time-respecting reach equals the static component ({len(in_time)})"
    assert reached_in_time(window, source, both_ways=False) < in_time, \
        f"{where}: following calls from caller to callee alone reaches the same lines"


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_seizure_window_separates_the_methods(country):
    case, truth = sahelkit.load(country), sahelkit.load_truth(country)
    _check({"seizures": case.seizures, "phones": case.phones, "calls": case.calls, "members": truth.members,
            "vehicles": case.vehicles}, country)


@pytest.mark.parametrize("seed", OTHER_SEEDS)
@pytest.mark.parametrize("country", COUNTRIES)
def test_any_seed_seizure_window_separates_the_methods(country, seed):
    t = generate_case(load_profile(country), seed=seed)
    calls = t["calls"].assign(start=pd.to_datetime(t["calls"]["start"], format="%Y-%m-%dT%H:%M:%S"))
    seizures = t["seizures"].assign(date=pd.to_datetime(t["seizures"]["date"], format="%Y-%m-%d"))
    _check({"seizures": seizures, "phones": t["phones"], "calls": calls, "members": t["truth/members"],
            "vehicles": t["vehicles"]}, f"{country} seed {seed}")
