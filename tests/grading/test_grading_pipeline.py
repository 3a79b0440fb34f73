"""Every exercise grades right through nbgrader's real pipeline, on every country's data.

For each assignment and country, one course folder receives:
- `solution`: the trainer's notebook, which must earn every autograded point;
- `blank`: the participant notebook as released, which must earn zero without breaking the run;
- one participant per entry of tests/wrong_answers/<assignment>.yaml: the solution with one
  plausible mistake filled in, which must lose exactly the points of the parts it names.

To keep the suite short, each assignment is graded on two countries, in turn (`countries_for`: the
solutions earn full marks on every country in tests/notebooks/test_notebooks_run.py, which runs
their hidden tests everywhere), and each wrong answer on one of those two, alternately, so that
every country grades solutions, blanks and wrong answers; SAHELKIT_FULL_MATRIX=1 grades every
assignment and every wrong answer on every country (worth running after changing a profile or the
generator).

Both languages: on the first of its two countries an assignment is graded in one language, on the
second in the other (`languages_for`), the English course holding en/solutions and en/exercises
(built from the French, same grade ids); the wrong answers, written in the answer cells' code, are
the same in both. SAHELKIT_FULL_MATRIX=1 grades every country in both languages.
"""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.helpers import (
    ASSIGNMENTS,
    COUNTRIES,
    FULL_MATRIX,
    LANGUAGES,
    REPO,
    countries_for,
    languages_for,
    nbgrader,
    wrong_answers,
)


def test_every_assignment_has_wrong_answers_for_every_part():
    for name in ASSIGNMENTS:
        nb = nbformat.read(REPO / "solutions" / name / f"{name}.ipynb", as_version=4)
        tests = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
        targeted = {gid for entry in wrong_answers(name) for gid in entry["loses"]}
        assert tests <= targeted, f"{name}: no wrong answer targets {sorted(tests - targeted)}"
        answers = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                   if c.metadata.get("nbgrader", {}).get("solution")}
        for entry in wrong_answers(name):
            assert set(entry["cells"]) <= answers, f"{name}/{entry['name']}: unknown answer cell"
            assert set(entry["loses"]) <= tests, f"{name}/{entry['name']}: unknown test cell"


def _submit(course: Path, student: str, assignment: str, nb) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")


def _scores(course: Path, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """Autograded score and maximum of every test cell of one participant's submission."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: (g.auto_score or 0.0, g.max_score) for g in sub.grades
                if g.cell.cell_type == "code"}


@pytest.mark.pipeline
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grades_through_nbgrader(tmp_path: Path, released_course, assignment: str, country: str, lang: str):
    index = ASSIGNMENTS.index(assignment)
    chosen = countries_for(index)
    if country not in chosen or lang not in languages_for(index, chosen.index(country)):
        pytest.skip(f"{assignment} is graded on {', '.join(chosen)}, in one language each, in a normal run "
                    "(SAHELKIT_FULL_MATRIX=1: all)")
    course = released_course(assignment, tmp_path / "course", lang)
    home = course if lang == "fr" else course / lang
    source = nbformat.read(home / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(home / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    _submit(course, "solution", assignment, source)
    _submit(course, "blank", assignment, release)
    entries = [entry for i, entry in enumerate(wrong_answers(assignment))
               if FULL_MATRIX or chosen[i % len(chosen)] == country]
    for entry in entries:
        nb = copy.deepcopy(source)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in entry["cells"]:
                cell.source = entry["cells"][gid]
        _submit(course, f"wrong-{entry['name']}", assignment, nb)

    nbgrader(["autograde", assignment, "--force"], course, country=country, lang=lang)

    problems = []
    full = _scores(course, assignment, "solution")
    for gid, (score, top) in full.items():
        if score != top:
            problems.append(f"solution: {gid} earned {score}/{top}")
    for gid, (score, top) in _scores(course, assignment, "blank").items():
        if score != 0:
            problems.append(f"blank: {gid} earned {score}/{top}, expected 0")
    for entry in entries:
        got = _scores(course, assignment, f"wrong-{entry['name']}")
        for gid, (score, top) in got.items():
            expected = 0 if gid in entry["loses"] else top
            if score != expected:
                problems.append(f"wrong answer {entry['name']!r}: {gid} earned {score}/{top}, expected {expected}")
    assert not problems, f"{assignment} on {country} ({lang}):\n" + "\n".join(problems)
    shutil.rmtree(course, ignore_errors=True)
