"""The capstone grades a case the participants have never seen.

A trainer makes a fresh case with `sahelkit generate --country C --seed N --out DIR/C` (the
commands of trainers/fr/capstone.md and trainers/en/capstone.md) and grades with SAHELKIT_DATA=DIR:
the same hidden tests must give the solution every point there, because they recompute each
answer from the loaded case. One fresh seed per country, never the committed one, through the
real CLI and nbgrader: two countries in turn in a normal run (`countries_for`), all five under
SAHELKIT_FULL_MATRIX=1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.helpers import ASSIGNMENTS, COUNTRIES, REPO, countries_for, nbgrader

CAPSTONE = "14-capstone"


def fresh_seed(country: str) -> int:
    """A seed other than the committed case's, and another for each country."""
    committed = json.loads((REPO / "datasets" / country / "sahelkit-case.json").read_text(encoding="utf-8"))["seed"]
    return committed + 1 + COUNTRIES.index(country)


def generate_fresh(data: Path, country: str, seed: int) -> Path:
    """`sahelkit generate --country C --seed N --out DATA/C`, as the trainer types it."""
    proc = subprocess.run([sys.executable, "-m", "sahelkit.cli", "generate", "--country", country,
                           "--seed", str(seed), "--out", str(data / country)],
                          cwd=REPO, text=True, capture_output=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
    assert proc.returncode == 0, f"sahelkit generate failed:\n{proc.stdout}\n{proc.stderr}"
    return data / country


@pytest.mark.pipeline
@pytest.mark.parametrize("country", COUNTRIES)
def test_capstone_solution_earns_full_marks_on_a_fresh_seed(tmp_path: Path, released_course, monkeypatch,
                                                             country: str):
    chosen = countries_for(ASSIGNMENTS.index(CAPSTONE))
    if country not in chosen:
        pytest.skip(f"graded on a fresh case of {', '.join(chosen)} in a normal run (SAHELKIT_FULL_MATRIX=1: all)")
    seed = fresh_seed(country)
    folder = generate_fresh(tmp_path / "data", country, seed)
    case = json.loads((folder / "sahelkit-case.json").read_text(encoding="utf-8"))
    committed = json.loads((REPO / "datasets" / country / "sahelkit-case.json").read_text(encoding="utf-8"))
    assert case["seed"] == seed != committed["seed"]
    assert (folder / "calls.csv").read_bytes() != (REPO / "datasets" / country / "calls.csv").read_bytes()

    course = released_course(CAPSTONE, tmp_path / "course")
    submitted = course / "submitted" / "solution" / CAPSTONE
    submitted.mkdir(parents=True)
    source = nbformat.read(course / "solutions" / CAPSTONE / f"{CAPSTONE}.ipynb", as_version=4)
    nbformat.write(source, submitted / f"{CAPSTONE}.ipynb")
    monkeypatch.setenv("SAHELKIT_DATA", str(tmp_path / "data"))
    nbgrader(["autograde", CAPSTONE, "--force"], course, country=country)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook(CAPSTONE, CAPSTONE, "solution")
        scores = {g.name: (g.auto_score or 0.0, g.max_score) for g in sub.grades if g.cell.cell_type == "code"}
    assert len(scores) >= 8, f"the capstone has {len(scores)} autograded parts, at least 8 expected"
    lost = {gid: f"{score}/{top}" for gid, (score, top) in scores.items() if score != top}
    assert not lost, f"{CAPSTONE} on {country}, seed {seed}: the solution lost {lost}"
