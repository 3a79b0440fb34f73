"""Module 13's case data: a foreign service reaches the cross-border cell, and only reading its
numbers with both countries finds every core line it holds.

Exercise 13 (solutions/13-joint-team, part 2) reads each number of a service's extract with the
service's country and with the case's, and keeps the readings that are lines of the core (the
broker and his contacts in the call network). The generator makes the cell live in the country of
a foreign police service of the profile (world.choose_networks) and has that service hold every
cell member of the core, and a home member, with numbers some written without the calling code
(intel._partner_holds_core): so either reading alone reaches fewer lines than both.
"""
from __future__ import annotations

import networkx as nx
import pandas as pd
import phonenumbers
import pytest

import sahelkit
from sahelkit.generator.case import generate_case
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES

OTHER_SEEDS = (5, 11)


def _e164(phone: str, region: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(phone, region), phonenumbers.PhoneNumberFormat.E164)


def _core(calls: pd.DataFrame) -> set[str]:
    """The broker (highest betweenness per contact, ties by smallest msisdn) and his contacts, as exercise 13."""
    g = nx.from_pandas_edgelist(calls, "caller", "callee")
    per = (pd.Series(sahelkit.betweenness(g)) / pd.Series(dict(g.degree()))).rename("v").rename_axis("m").reset_index()
    broker = per.sort_values(["v", "m"], ascending=[False, True])["m"].iloc[0]
    return set(g.neighbors(broker)) | {broker}


def _readings(services: pd.DataFrame, extracts: dict, home: str, core: set[str]) -> dict[str, dict[str, set]]:
    """Service -> {"own", "home", "both"} -> core lines reached reading with that country."""
    out = {}
    for _, s in services.iterrows():
        phones = extracts[s["code"]]["phone"]
        phones = phones[phones != ""]
        own = set(phones.map(lambda x, region=s["country"]: _e164(x, region))) & core
        at_home = set(phones.map(lambda x: _e164(x, home))) & core
        out[s["code"]] = {"own": own, "home": at_home, "both": own | at_home}
    return out


def _check(services: pd.DataFrame, extracts: dict, calls: pd.DataFrame, profile: dict, where: str) -> None:
    home, code = profile["iso"], profile["phone"]["calling_code"]
    core = _core(calls)
    cell = {m for m in core if phonenumbers.parse(m).country_code != code}
    countries = {phonenumbers.region_code_for_number(phonenumbers.parse(m)) for m in cell}
    assert cell and len(countries) == 1, f"{where}: the core holds no line of one foreign country: {sorted(cell)}"
    partner = services[(services["kind"] == "foreign_police") & services["country"].isin(countries)]
    assert len(partner), f"{where}: no foreign police of the cell's country {countries} among the services"
    reach = _readings(services, extracts, home, core)[partner["code"].iloc[0]]
    assert cell <= reach["both"], f"{where}: the partner does not hold every cell member of the core"
    assert reach["own"] < reach["both"], f"{where}: reading with the service's country alone reaches every line"
    assert reach["home"] < reach["both"], f"{where}: reading with the case's country alone reaches every line"


@pytest.mark.parametrize("country", COUNTRIES)
def test_committed_partner_reaches_the_cell_only_with_both_readings(country):
    case = sahelkit.load(country)
    _check(case.services, case.extracts, case.calls, case.profile, country)


@pytest.mark.parametrize("seed", OTHER_SEEDS)
@pytest.mark.parametrize("country", COUNTRIES[:2])
def test_any_seed_partner_reaches_the_cell_only_with_both_readings(country, seed):
    profile = load_profile(country)
    t = generate_case(profile, seed=seed)
    extracts = {k.split("/", 1)[1]: v for k, v in t.items() if k.startswith("extracts/")}
    _check(t["services"], extracts, t["calls"], profile, f"{country} seed {seed}")
