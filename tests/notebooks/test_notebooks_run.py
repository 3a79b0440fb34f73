"""Every notebook in modules/ and solutions/ runs top to bottom on the countries' data.

nbval (lax mode: outputs are not compared, errors fail) runs in a subprocess per country, since
the country is chosen by the SAHELKIT_COUNTRY environment variable the kernels inherit. Python
warnings are turned into errors, because a warning written to stderr makes nbgrader fail the
participant's test cell.

Every solution runs on every country: its cells hold the hidden tests, so this shows that each
solution earns full marks on every country's data. Each teaching notebook runs on two countries, in
turn (`countries_for`), so that every country runs some, and on one of the two cases made from a
profile; SAHELKIT_FULL_MATRIX=1 runs every notebook everywhere.

Each run is in French or in English (en/: the same code, English prose), alternating over notebooks
and countries (`languages_for`), so that every notebook runs in both languages and every country
meets both; SAHELKIT_FULL_MATRIX=1 runs both everywhere.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import (
    COUNTRIES,
    PROFILE_FIXTURES,
    REPO,
    case_from_profile,
    countries_for,
    in_language,
    languages_for,
    next_year,
    read_profile,
    run_nbval,
)

WARNINGS_AS_ERRORS = "error::FutureWarning,error::UserWarning,error::RuntimeWarning"
TEACHING = sorted((REPO / "modules").glob("*.ipynb"))
SOLUTIONS = sorted((REPO / "solutions").glob("*/*.ipynb"))


def _run_notebooks(country: str, notebooks: list[Path], **env_extra: str) -> None:
    env = dict(os.environ, SAHELKIT_COUNTRY=country, MPLBACKEND="agg", PYTHONWARNINGS=WARNINGS_AS_ERRORS, **env_extra)
    proc = run_nbval([str(nb.relative_to(REPO)) for nb in notebooks], env)
    tail = proc.stdout[-6000:]
    assert proc.returncode == 0, f"notebooks failed on {country}:\n{tail}\n{proc.stderr[-2000:]}"
    assert " passed" in tail and "no tests ran" not in tail, tail


def notebooks_for(country: str) -> list[Path]:
    """What runs on a country: every solution, the teaching notebooks given to it, each in its language(s)."""
    chosen = [in_language(nb, lang) for i, nb in enumerate(TEACHING) if country in countries_for(i)
              for lang in languages_for(i, countries_for(i).index(country))]
    k = COUNTRIES.index(country)
    return chosen + [in_language(nb, lang) for i, nb in enumerate(SOLUTIONS) for lang in languages_for(i, k)]


@pytest.mark.parametrize("country", COUNTRIES)
def test_notebooks_run(country: str):
    _run_notebooks(country, notebooks_for(country))


def test_every_notebook_runs_in_both_languages_and_every_country_meets_both():
    runs = {c: notebooks_for(c) for c in COUNTRIES}
    for nb in TEACHING + SOLUTIONS:
        assert all(any(in_language(nb, lang) in r for r in runs.values()) for lang in ("fr", "en")), nb
    for country, notebooks in runs.items():
        assert any(p.is_relative_to(REPO / "en") for p in notebooks), country
        assert any(not p.is_relative_to(REPO / "en") for p in notebooks), country


def test_every_notebook_runs_somewhere_and_every_country_runs_some():
    """The spread of teaching notebooks over countries leaves no notebook and no country out."""
    runs = {c: [nb for i, nb in enumerate(TEACHING) if c in countries_for(i)] for c in COUNTRIES}
    assert set(TEACHING) == {nb for nbs in runs.values() for nb in nbs}
    assert all(runs.values()), runs


MALI = read_profile(REPO / "datasets" / "profiles" / "mali.yaml")
NEW_CASES = {  # made from a profile file alone, without touching the code
    "senegal": lambda: read_profile(PROFILE_FIXTURES / "senegal.yaml"),  # a sixth country, outside the G5
    f"mali-{MALI['period']['start'].year + 1}": lambda: next_year(MALI),  # next year's workshop
}


@pytest.mark.new_case
@pytest.mark.parametrize("case", sorted(NEW_CASES))
def test_notebooks_run_on_a_case_made_from_a_profile(case: str, tmp_path):
    """A coordinator's new profile (another country, or next year's period) is generated into a
    data folder of its own, passes check-data, and the notebooks run on it: every teaching notebook and
    solution on one of the two cases in turn, on both under SAHELKIT_FULL_MATRIX=1."""
    from sahelkit.course.checkdata import check_dataset

    profile = NEW_CASES[case]()
    folder = case_from_profile(tmp_path / "datasets", profile)
    assert check_dataset(folder) == []
    notebooks = [nb for i, nb in enumerate(TEACHING + SOLUTIONS) if case in countries_for(i, sorted(NEW_CASES), 1)]
    _run_notebooks(profile["slug"], notebooks, SAHELKIT_DATA=str(tmp_path / "datasets"))


def test_modules_run_as_participants_have_them(tmp_path):
    """Participants' laptops hold the case data without truth/ (see `sahelkit bundle`): every
    teaching notebook must still run there."""
    import shutil

    data = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets" / "profiles", data / "profiles")
    shutil.copytree(REPO / "datasets" / "mali", data / "mali", ignore=shutil.ignore_patterns("truth"))
    env = dict(os.environ, SAHELKIT_COUNTRY="mali", SAHELKIT_DATA=str(data), MPLBACKEND="agg")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "modules"],
        cwd=REPO, env=env, text=True, capture_output=True, timeout=1500,
    )
    tail = proc.stdout[-6000:]
    assert proc.returncode == 0, f"a module needs the ground truth:\n{tail}\n{proc.stderr[-2000:]}"


@pytest.mark.parametrize("style", ["A", "B"])
def test_mentoring_runs_on_a_service_extract(style: str, tmp_path):
    """The week-2 notebook runs on each foreign-format example extract given as a service's folder
    (A: `;`, Latin-1, JJ/MM/AAAA, numbers without country code; B: other column names, capitals,
    dates with a time), and writes only into the results folder it creates there."""
    import sahelkit
    from sahelkit import extracts

    folder = tmp_path / "service"
    source = extracts.write_example(folder, sahelkit.load("mali"), style)
    before = source.read_bytes()
    env = dict(os.environ, SAHELKIT_COUNTRY="mali", SAHELKIT_SERVICE_DIR=str(folder), MPLBACKEND="agg",
               PYTHONWARNINGS=WARNINGS_AS_ERRORS)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "modules/mentoring.ipynb"], cwd=REPO, env=env, text=True, capture_output=True, timeout=600)
    assert proc.returncode == 0, f"mentoring failed on extract {style}:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    assert sorted(p.name for p in folder.iterdir()) == sorted([source.name, extracts.RESULTS_FOLDER])
    assert source.read_bytes() == before
    written = {p.name for p in (folder / extracts.RESULTS_FOLDER).iterdir()}
    assert {extracts.RESULTS_MARK, "problemes.csv", "fiches_normalisees.csv", "mesures.csv", "schema.graphml",
            "chronologie.png", "schema.png"} <= written
