"""Module 08 (flow and maps): the exercise's solution earns full marks on another seed, and the
notebooks' convoy window is the generator's.

The solution's hidden tests are asserts in its cells, so running it top to bottom (nbval) on a case
generated with another seed passes only if every autograded part is right there too. One country
per run, in turn by seed, every country with SAHELKIT_FULL_MATRIX=1.
"""
from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from sahelkit.generator.signals import CONVOY_WINDOW_S, whole_minutes
from tests.helpers import COUNTRIES, REPO

NAME = "08-flow-and-maps"
OTHER_SEED = 7
NOTEBOOKS = [REPO / "modules" / f"{NAME}.ipynb", REPO / "solutions" / NAME / f"{NAME}.ipynb"]


@pytest.mark.parametrize("country", COUNTRIES)
def test_solution_earns_full_marks_on_another_seed(country: str, tmp_path):
    from sahelkit.generator.case import generate

    full = os.environ.get("SAHELKIT_FULL_MATRIX") == "1"
    if not full and country != COUNTRIES[OTHER_SEED % len(COUNTRIES)]:
        pytest.skip("one country per run; SAHELKIT_FULL_MATRIX=1 runs them all")
    data = tmp_path / "datasets"
    profile = REPO / "datasets" / "profiles" / f"{country}.yaml"
    generate(profile_file=profile, out=data / country, seed=OTHER_SEED, progress=False)
    (data / "profiles").mkdir()
    (data / "profiles" / profile.name).write_bytes(profile.read_bytes())
    env = dict(os.environ, SAHELKIT_COUNTRY=country, SAHELKIT_DATA=str(data), MPLBACKEND="agg",
               PYTHONWARNINGS="error::FutureWarning,error::UserWarning,error::RuntimeWarning")
    proc = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", str(NOTEBOOKS[1])], cwd=REPO, env=env, text=True, capture_output=True,
                          timeout=900)
    assert proc.returncode == 0, f"{NAME} on {country}, seed {OTHER_SEED}:\n{proc.stdout[-4000:]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_the_convoy_window_is_the_generator_s(path):
    """'Together' in the notebooks is the window the generator keeps other pairs apart with."""
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    assert f"pd.Timedelta(minutes={whole_minutes(CONVOY_WINDOW_S)})" in text
    assert f"{whole_minutes(CONVOY_WINDOW_S)} minutes" in text
