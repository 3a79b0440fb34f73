"""A resubmission that cannot be graded does not wipe out the grades a participant already has.

Two evenings of one cohort. The first evening everyone hands in the solution and is graded in
full. The second evening three of them hand in again: one a notebook that kills Python, one a
file that is not a notebook, one a valid but blank notebook. The first two keep the grades,
autograded copy and feedback of their first submission, and the summary and the cohort report
say so; the third is graded on what it handed in, as any resubmission.
"""
from __future__ import annotations

import csv
import shutil
from html import escape as html_escape

import nbformat
import pytest

from sahelkit.grading.statuses import STATUSES
from tests.helpers import graded_course, run_grade

KEPT = STATUSES["kept-earlier"].label
PEOPLE = ("killer", "broken", "worse", "steady")


def _notes(course) -> dict[str, dict]:
    text = (course / "grading" / "rapport" / "notes.csv").read_text(encoding="utf-8-sig")
    return {r["participant"]: r for r in csv.DictReader(text.splitlines(), delimiter=";")}


@pytest.fixture(scope="module")
def evenings(tmp_path_factory):
    root = tmp_path_factory.mktemp("resubmission")
    course, name, good, blank = graded_course(root)
    roster = root / "participants.csv"
    roster.write_text("identifiant;prenom;nom;service\n" + "".join(f"{p};{p.title()};Test;Police\n" for p in PEOPLE),
                      encoding="utf-8")
    first = root / "soir-1"
    for pid in PEOPLE:
        (first / pid).mkdir(parents=True)
        nbformat.write(good, first / pid / f"{name}.ipynb")
    proc1 = run_grade(course, name, "--submissions", str(first), "--roster", str(roster), "--jobs", "2")
    assert "Traceback" not in proc1.stderr, proc1.stderr[-3000:]
    before = _notes(course)
    feedback = {pid: (course / "feedback" / pid / name / f"{name}.html").read_bytes() for pid in PEOPLE}

    second = root / "soir-2"
    shutil.copytree(first, second)
    killer = nbformat.from_dict(good)
    answer = next(c for c in killer.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source += "\nimport os\nos._exit(1)\n"
    nbformat.write(killer, second / "killer" / f"{name}.ipynb")
    (second / "broken" / f"{name}.ipynb").write_text('{"cells": [', encoding="utf-8")
    nbformat.write(blank, second / "worse" / f"{name}.ipynb")
    proc2 = run_grade(course, name, "--submissions", str(second), "--roster", str(roster), "--jobs", "2")
    assert "Traceback" not in proc2.stderr, proc2.stderr[-3000:]
    return {"course": course, "name": name, "before": before, "after": _notes(course), "proc": proc2,
            "feedback": feedback}


def test_first_evening_graded_everyone_in_full(evenings):
    points = {pid: float(evenings["before"][pid]["points"]) for pid in PEOPLE}
    assert len(set(points.values())) == 1 and points["steady"] > 0


@pytest.mark.parametrize("pid", ["killer", "broken"])
def test_failed_resubmission_keeps_the_earlier_grades(evenings, pid):
    course, name = evenings["course"], evenings["name"]
    row = evenings["after"][pid]
    assert row["points"] == evenings["before"][pid]["points"]
    assert KEPT in row["statuts"]
    assert any(line.strip().startswith(f"- {pid} /") and KEPT in line for line in evenings["proc"].stdout.splitlines())
    assert (course / "autograded" / pid / name / f"{name}.ipynb").exists()
    assert (course / "feedback" / pid / name / f"{name}.html").read_bytes() == evenings["feedback"][pid]


def test_why_it_failed_is_reported_too(evenings):
    assert "Python s'est arrêté" in evenings["after"]["killer"]["statuts"]
    assert "Fichier illisible" in evenings["after"]["broken"]["statuts"]


def test_cohort_report_shows_the_kept_grades(evenings):
    html = (evenings["course"] / "grading" / "rapport" / "rapport-cohorte.html").read_text(encoding="utf-8")
    attention = html.split("id='attention'", 1)[1].split("</table>", 1)[0]
    for pid in ("killer", "broken"):
        row = next(r for r in attention.split("<tr>") if f"<td>{pid}<br>" in r)
        assert KEPT in row and f"{evenings['before'][pid]['points']}/" in row
    assert html_escape(STATUSES["kept-earlier"].meaning) in html  # in the legend


def test_a_valid_resubmission_replaces_the_grades(evenings):
    assert float(evenings["after"]["worse"]["points"]) < float(evenings["before"]["worse"]["points"])
    assert KEPT not in evenings["after"]["worse"]["statuts"]
    assert evenings["after"]["steady"]["points"] == evenings["before"]["steady"]["points"]
