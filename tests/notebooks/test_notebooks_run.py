"""Every notebook in modules/ and solutions/ runs top to bottom on every country's data.

nbval (lax mode: outputs are not compared, errors fail) runs in a subprocess per country, since
the country is chosen by the SAHELKIT_COUNTRY environment variable the kernels inherit. Python
warnings are turned into errors, because a warning written to stderr makes nbgrader fail the
participant's test cell.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import COUNTRIES, REPO


@pytest.mark.parametrize("country", COUNTRIES)
def test_notebooks_run(country: str):
    env = dict(os.environ, SAHELKIT_COUNTRY=country, MPLBACKEND="agg",
               PYTHONWARNINGS="error::FutureWarning,error::UserWarning,error::RuntimeWarning")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "modules", "solutions"],
        cwd=REPO, env=env, text=True, capture_output=True, timeout=1500,
    )
    tail = proc.stdout[-6000:]
    assert proc.returncode == 0, f"notebooks failed on {country}:\n{tail}\n{proc.stderr[-2000:]}"
    assert " passed" in tail and "no tests ran" not in tail, tail


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
