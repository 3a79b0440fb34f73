"""Exercise 07's solution earns every autograded point on a case generated with another seed.

Its hidden tests recompute the seizure, the courier's line and the expected answers from the case
being graded, never from numbers of the committed data: a case made with seed 7 must grade the
solution in full. One country per run, in turn by the day of the year (SAHELKIT_FULL_MATRIX=1: all).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from sahelkit.generator.case import generate
from tests.helpers import COUNTRIES, nbgrader

ASSIGNMENT = "07-event-chart"
SEED = 7
FULL = os.environ.get("SAHELKIT_FULL_MATRIX") == "1"
TODAY = COUNTRIES[dt.date.today().toordinal() % len(COUNTRIES)]


@pytest.mark.pipeline
@pytest.mark.parametrize("country", [c for c in COUNTRIES if FULL or c == TODAY])
def test_solution_full_marks_on_another_seed(tmp_path: Path, released_course, monkeypatch, country: str):
    data = tmp_path / "data"
    generate(country, seed=SEED, out=data / country)
    monkeypatch.setenv("SAHELKIT_DATA", str(data))
    course = released_course(ASSIGNMENT, tmp_path / "course")
    folder = course / "submitted" / "solution" / ASSIGNMENT
    folder.mkdir(parents=True)
    source = nbformat.read(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    nbformat.write(source, folder / f"{ASSIGNMENT}.ipynb")
    nbgrader(["autograde", ASSIGNMENT, "--force"], course, country=country)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grades = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "solution").grades
        scores = {g.name: (g.auto_score or 0.0, g.max_score) for g in grades if g.cell.cell_type == "code"}
    assert scores and all(score == top for score, top in scores.values()), f"{country} seed {SEED}: {scores}"
