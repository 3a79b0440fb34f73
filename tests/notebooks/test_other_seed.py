"""Every solution earns full marks on a case made with another seed: its hidden tests recompute the
answers from the case and read the planted signals from its truth, so nothing in them may be a
number of the committed case.

The case is generated into a data folder of its own ($SAHELKIT_DATA); the solution notebook runs top
to bottom there, hidden tests included (nbval, lax: an assertion that fails is an error). Each
assignment runs on two countries in turn (`countries_for`), all five under SAHELKIT_FULL_MATRIX=1.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import ASSIGNMENTS, REPO, countries_for, run_nbval

SEED = 7


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """The data folder holding `country`'s case made with SEED (made once per test session)."""
    made: dict[str, Path] = {}

    def folder(country: str) -> Path:
        if country not in made:
            from sahelkit.generator.case import generate

            data = tmp_path_factory.mktemp(f"seed{SEED}-{country}") / "datasets"
            (data / "profiles").mkdir(parents=True)
            shutil.copy(REPO / "datasets" / "profiles" / f"{country}.yaml", data / "profiles" / f"{country}.yaml")
            generate(country=country, seed=SEED, out=data / country)
            committed = (REPO / "datasets" / country / "truth" / "signals.csv").read_bytes()
            assert (data / country / "truth" / "signals.csv").read_bytes() != committed, \
                f"seed {SEED} made the committed case of {country}"
            made[country] = data
        return made[country]

    return folder


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_full_marks_on_another_seed(assignment: str, seeded):
    for country in countries_for(ASSIGNMENTS.index(assignment)):
        env = dict(os.environ, SAHELKIT_COUNTRY=country, SAHELKIT_DATA=str(seeded(country)), MPLBACKEND="agg",
                   PYTHONWARNINGS="error::FutureWarning,error::UserWarning,error::RuntimeWarning")
        proc = run_nbval([str(REPO / "solutions" / assignment / f"{assignment}.ipynb")], env, timeout=900)
        assert proc.returncode == 0, f"{assignment} on {country}, seed {SEED}:\n{proc.stdout[-6000:]}"
        assert " passed" in proc.stdout and " failed" not in proc.stdout, proc.stdout[-2000:]
