"""Module 13's draft JIT proposal, as a trainer hands it over: the .docx holds what the case says.

The teaching notebook runs in a folder of its own (nbclient), where a page of the same name that
it did not write is waiting; the .docx it writes is opened with python-docx and read against
values recomputed here from the case data: the core of the network, the covering team, its
states, the period, every element of the model agreement, the action plan's same-day actions.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import docx
import nbformat
import networkx as nx
import pandas as pd
import phonenumbers
import pytest
from babel import Locale
from nbclient import NotebookClient

import sahelkit
from sahelkit.course.bundle import generated
from sahelkit.document import written_here
from tests.helpers import COUNTRIES, REPO

HEADINGS = ["Projet de proposition d'équipe commune d'enquête", "1. Pourquoi une équipe commune",
            "2. Le noyau du réseau", "3. Ce que chaque service atteint (fiches par ligne)", "4. L'équipe proposée",
            "5. Projet de convention", "6. Plan d'action opérationnel", "7. Limites et vérifications"]
# The elements of the JIT model agreement, in its order (module 13, § 9).
ELEMENTS = ["parties", "objet", "période", "prolongation", "États", "responsables", "membres", "membres détachés",
            "informations et preuves", "communication et langues", "frais", "évaluation"]
NAMES = Locale("fr").territories
FOREIGN_PAGE = "<p>la page d'un autre</p>"


def _e164(phone: str, region: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(phone, region), phonenumbers.PhoneNumberFormat.E164)


def _expected(country: str) -> dict:
    """The core, the covering team and its states, from the data (the rules of module 13)."""
    case = sahelkit.load(country)
    g = nx.from_pandas_edgelist(case.calls, "caller", "callee")
    per = (pd.Series(sahelkit.betweenness(g)) / pd.Series(dict(g.degree()))).rename("v").rename_axis("m").reset_index()
    broker = per.sort_values(["v", "m"], ascending=[False, True])["m"].iloc[0]
    core = sorted({broker, *g.neighbors(broker)})
    services = case.services.set_index("code")
    reach = {}
    for code in services.index:
        phones = case.extracts[code]["phone"]
        phones = phones[phones != ""]
        regions = (services.loc[code, "country"], case.profile["iso"])
        reach[code] = {_e164(p, region) for p in phones for region in regions} & set(core)
    needed = set().union(*reach.values())
    combos = (combo for size in range(1, len(reach) + 1) for combo in itertools.combinations(sorted(reach), size))
    team = next(list(combo) for combo in combos if set().union(*map(reach.get, combo)) == needed)
    period = case.profile["period"]
    return {"broker": broker, "core": core, "team": team, "states": sorted(set(services.loc[team, "country"])),
            "start": str(pd.Timestamp(period["start"]).date()), "end": str(pd.Timestamp(period["end"]).date())}


@pytest.fixture(scope="module", params=COUNTRIES)
def proposal(request, tmp_path_factory) -> tuple[str, Path, docx.document.Document]:
    country = request.param
    folder = tmp_path_factory.mktemp(f"m13-{country}")
    (folder / f"proposition_ece_{country}.html").write_text(FOREIGN_PAGE, encoding="utf-8")
    notebook = nbformat.read(REPO / "modules" / "13-cours-joint-team.ipynb", as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAHELKIT_COUNTRY", country)
        patch.setenv("MPLBACKEND", "agg")
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
    return country, folder, docx.Document(str(folder / f"proposition_ece_{country}-2.docx"))


def _tables(document) -> dict[str, list[list[str]]]:
    """Each table of the document under the heading that precedes it."""
    found, heading = {}, None
    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            found[heading] = [[cell.text for cell in row.cells] for row in item.rows]
        elif item.style.name.startswith("Heading"):
            heading = item.text
    return found


def test_the_proposal_keeps_a_file_it_did_not_write(proposal):
    country, folder, _ = proposal
    assert (folder / f"proposition_ece_{country}.html").read_text(encoding="utf-8") == FOREIGN_PAGE
    written = sorted(p.name for p in folder.iterdir())
    assert written == sorted(f"proposition_ece_{country}{suffix}" for suffix in (".html", "-2.html", "-2.docx"))
    assert all(written_here(folder / f"proposition_ece_{country}-2{suffix}") for suffix in (".html", ".docx"))
    assert all(generated(Path(name)) for name in written), "the bundle would ship a proposal (bundle.GENERATED)"


def test_the_docx_has_every_section(proposal):
    _, _, document = proposal
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == HEADINGS
    assert document.core_properties.language == "fr"


def test_the_docx_core_and_team_are_the_case_s(proposal):
    country, _, document = proposal
    expected, tables = _expected(country), _tables(document)
    header, *rows = tables["2. Le noyau du réseau"]
    assert header[:2] == ["msisdn", "role"]
    assert [row[0] for row in rows] == expected["core"]
    assert [row[0] for row in rows if row[1] == "courtier"] == [expected["broker"]]
    assert [row[0] for row in tables["4. L'équipe proposée"][1:]] == expected["team"]


def test_the_docx_agreement_has_every_element_filled_for_the_case(proposal):
    country, _, document = proposal
    expected = _expected(country)
    header, *rows = _tables(document)["5. Projet de convention"]
    assert header == ["élément", "contenu"]
    assert [row[0] for row in rows] == ELEMENTS, "an element of the model agreement is missing or out of order"
    agreement = dict(rows)
    assert all(agreement[element].strip() for element in ELEMENTS)
    assert agreement["période"] == f"du {expected['start']} au {expected['end']}"
    assert agreement["États"] == ", ".join(NAMES[iso] for iso in expected["states"])
    assert [part.split(" (")[0] for part in agreement["parties"].split("), ")] == expected["team"]
    assert expected["broker"] in agreement["objet"]
    for iso in expected["states"]:
        assert f"{NAMES[iso]} : " in agreement["responsables"] and f"{NAMES[iso]} : " in agreement["membres"]


def test_the_docx_action_plan_acts_the_same_day_in_every_state(proposal):
    country, _, document = proposal
    expected = _expected(country)
    header, *rows = _tables(document)["6. Plan d'action opérationnel"]
    assert header == ["phase", "tâche", "responsable", "début", "échéance", "même jour des deux côtés"]
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    assert {row[0] for row in rows} == {"1. préparation", "2. collecte", "3. action", "4. exploitation"}
    assert all(expected["start"] <= row[3] <= row[4] <= expected["end"] for row in rows)
    action = [row for row in rows if row[0] == "3. action"]
    assert len({row[3] for row in action}) == 1 and all(row[3] == row[4] and row[5] == "oui" for row in action)
    for iso in expected["states"]:
        assert any(f"({NAMES[iso]})" in row[1] for row in action), f"no action in {NAMES[iso]} on day J"
