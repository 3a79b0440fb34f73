"""Module 10's case data: ranking the routes by most confirmations names another route than Heuer's rule,
and one item of evidence is the same for every route.

Exercise 10 (solutions/10-hypotheses) scores each report on the pills against each route of the profile
(C if every town it names is on the route, I if none is, N otherwise) and ranks the routes by the fewest
I, not the most C; an item with the same score for every route is not diagnostic. The generator plants
reports on the pills (intel._plant_ach) so that the route with the most C leads every other by
ACH_LEAD while another route has ACH_LEAD fewer I than any other, and ACH_NON_DIAGNOSTIC reports name no town.
The evidence and the scores are recomputed here from the tables, the way the exercise does.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

import sahelkit
from sahelkit.generator.case import generate_case
from sahelkit.generator.signals import ACH_LEAD, ACH_NON_DIAGNOSTIC
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

OTHER_SEEDS = (5, 11)
PILL_CRIMES = {"amphetamine_pills", "tramadol", "falsified_medicine"}


def _matrix(reports: pd.DataFrame, profile: dict) -> pd.DataFrame:
    """Exercise 10's matrix: one row per report on the pills, one column per route, C / I / N."""
    words = list(profile["pills"]["product_names"]) + [
        c["commodity"] for c in profile["crimes"] if c["kind"] in PILL_CRIMES]
    ev = reports[reports["text"].str.contains("|".join(re.escape(w) for w in words), case=False, regex=True)]
    names = sorted({t["name"] for t in profile["towns"]}, key=len, reverse=True)
    pattern = r"(?<!\w)(" + "|".join(re.escape(t) for t in names) + r")(?!\w)"
    markets = {m["name"]: m["town"] for m in profile["markets"]}
    towns = [set(re.findall(pattern, t)) | {town for m, town in markets.items() if m in t} for t in ev["text"]]
    routes = {r["name"]: set(r["towns"]) for r in profile["routes"]}

    def rule(named: set, route: set) -> str:
        return "N" if not named or (named & route and not named <= route) else ("C" if named <= route else "I")

    return pd.DataFrame({h: [rule(t, r) for t in towns] for h, r in routes.items()}, index=ev["report_id"].tolist())


def _check(reports: pd.DataFrame, profile: dict, where: str) -> None:
    m = _matrix(reports, profile)
    against, support = (m == "I").sum().sort_values(), (m == "C").sum().sort_values(ascending=False)
    assert against.iloc[0] + ACH_LEAD <= against.iloc[1], f"{where}: no route has the fewest I alone: {dict(against)}"
    assert support.iloc[0] >= support.iloc[1] + ACH_LEAD, f"{where}: no route has the most C alone: {dict(support)}"
    assert against.index[0] != support.index[0], \
        f"{where}: the route with the most C, {support.index[0]}, also has the fewest I: Heuer's rule changes nothing"
    same = m.index[m.nunique(axis=1) == 1]
    assert len(same) >= ACH_NON_DIAGNOSTIC, f"{where}: every item of evidence is diagnostic"


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_rankings_by_support_and_by_heuer_disagree(country):
    case = sahelkit.load(country)
    _check(case.reports, case.profile, country)


@pytest.mark.parametrize("seed", OTHER_SEEDS)
@pytest.mark.parametrize("country", COUNTRIES[:2])
def test_any_seed_rankings_by_support_and_by_heuer_disagree(country, seed):
    profile = load_profile(country)
    _check(generate_case(profile, seed=seed)["reports"], profile, f"{country} seed {seed}")
