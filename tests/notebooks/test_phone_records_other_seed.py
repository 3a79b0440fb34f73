"""Exercise 06's solution earns every point on a case made with another seed, in every country: its
hidden tests recompute the answers from the case and read the planted signals from its truth, so
nothing in them is a number of the committed case.

The case is generated into a data folder of its own ($SAHELKIT_DATA); the solution notebook runs top
to bottom there, hidden tests included (nbval, lax: an assertion that fails is an error).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import COUNTRIES, REPO

SEED = 7
ASSIGNMENT = "06-phone-records"


@pytest.mark.parametrize("country", COUNTRIES)
def test_solution_full_marks_on_another_seed(country: str, tmp_path):
    from sahelkit.generator.case import generate

    data = tmp_path / "datasets"
    (data / "profiles").mkdir(parents=True)
    shutil.copy(REPO / "datasets" / "profiles" / f"{country}.yaml", data / "profiles" / f"{country}.yaml")
    generate(country=country, seed=SEED, out=data / country)
    committed = (REPO / "datasets" / country / "truth" / "signals.csv").read_bytes()
    assert (data / country / "truth" / "signals.csv").read_bytes() != committed, "the seed made the committed case"
    env = dict(os.environ, SAHELKIT_COUNTRY=country, SAHELKIT_DATA=str(data), MPLBACKEND="agg",
               PYTHONWARNINGS="error::FutureWarning,error::UserWarning,error::RuntimeWarning")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         str(REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")],
        cwd=REPO, env=env, text=True, capture_output=True, timeout=900)
    assert proc.returncode == 0, f"{ASSIGNMENT} on {country}, seed {SEED}:\n{proc.stdout[-6000:]}"
    assert " passed" in proc.stdout and " failed" not in proc.stdout
