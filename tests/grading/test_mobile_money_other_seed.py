"""Exercise 09's solution earns full marks on a case made with another seed, in every country: its hidden
tests take their answers from the case being graded (transfers, the profile's threshold and calling code),
never from one country's or one seed's numbers."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from sahelkit.generator.case import generate
from sahelkit.profiles import load_profile, profile_path
from tests.helpers import COUNTRIES, REPO, nbgrader

ASSIGNMENT = "09-mobile-money"
OTHER_SEED = 7


def _one_per_currency() -> list[str]:
    """By default the first country of each currency (each has its own threshold); every country with
    SAHELKIT_FULL_MATRIX=1."""
    if os.environ.get("SAHELKIT_FULL_MATRIX") == "1":
        return COUNTRIES
    first: dict[str, str] = {}
    for country in COUNTRIES:
        first.setdefault(load_profile(country)["currency"], country)
    return sorted(first.values())


@pytest.mark.pipeline
@pytest.mark.parametrize("country", _one_per_currency())
def test_solution_earns_full_marks_on_another_seed(tmp_path: Path, released_course, monkeypatch, country: str):
    data = tmp_path / "datasets"
    (data / "profiles").mkdir(parents=True)
    shutil.copy(profile_path(country), data / "profiles" / f"{country}.yaml")
    generate(profile_file=data / "profiles" / f"{country}.yaml", out=data / country, seed=OTHER_SEED)
    monkeypatch.setenv("SAHELKIT_DATA", str(data))

    course = released_course(ASSIGNMENT, tmp_path / "course")
    folder = course / "submitted" / "solution" / ASSIGNMENT
    folder.mkdir(parents=True)
    source = REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(nbformat.read(source, as_version=4), folder / f"{ASSIGNMENT}.ipynb")
    nbgrader(["autograde", ASSIGNMENT, "--force"], course, country=country)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grades = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "solution").grades
        lost = {g.name: (g.auto_score, g.max_score) for g in grades
                if g.cell.cell_type == "code" and g.auto_score != g.max_score}
    assert not lost, f"{country}, seed {OTHER_SEED}: the solution lost points {lost}"
