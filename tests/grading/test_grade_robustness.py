"""`sahelkit grade` survives what participants actually hand in, and says so.

One cohort holds every awkward case at once and is graded in a single run (cell timeout cut to
a few seconds): an endless loop, a notebook that kills Python, a deleted test cell, a test
cell edited to pass, a renamed notebook, a file that is not a notebook, warnings on stderr, a
huge output, a participant with no submission, two submissions for one participant. Each case
must be reported for that participant (summary and notes.csv), the others graded normally,
and nothing received lost.
"""
from __future__ import annotations

import csv
import io
import os
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests.helpers import graded_course, run_grade

TIMEOUT = 5


def cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def kinds(nb, want):
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get(want)]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("robust")
    course, name, good, blank = graded_course(root)
    answers, tests = kinds(good, "solution"), [g for g in kinds(good, "grade") if g not in kinds(good, "solution")]
    subs = root / "rendus"
    subs.mkdir()

    def put(rel: str, nb) -> Path:
        path = subs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        return path

    put(f"good/{name}.ipynb", good)
    put(f"blank/{name}.ipynb", blank)
    nb = nbformat.from_dict(good)
    cell(nb, answers[-1]).source += "\nwhile True:\n    pass\n"
    put(f"loop/{name}.ipynb", nb)
    nb = nbformat.from_dict(good)
    cell(nb, answers[0]).source += "\nimport os\nos._exit(3)\n"
    put(f"killer/{name}.ipynb", nb)
    nb = nbformat.from_dict(good)
    nb.cells.remove(cell(nb, tests[0]))
    put(f"deleted/{name}.ipynb", nb)
    nb = nbformat.from_dict(blank)
    for gid in tests:
        cell(nb, gid).source = "pass  # j'ai simplifié le test"
    put(f"cheat/{name}.ipynb", nb)
    put("renamed/mon-travail-final.ipynb", good)
    (subs / "broken.ipynb").write_text('{"cells": [ {"cell_type": "code", ', encoding="utf-8")
    nb = nbformat.from_dict(good)
    cell(nb, answers[0]).source += ("\nimport sys\nget_ipython().events.register('post_run_cell', lambda r: "
                                    "print('FutureWarning: cette option va changer', file=sys.stderr))\n")
    put(f"noisy/{name}.ipynb", nb)
    nb = nbformat.from_dict(good)
    cell(nb, answers[0]).source += "\nfor _i in range(30000):\n    print('ligne', _i)\n"
    put(f"chatty/{name}.ipynb", nb)
    # two submissions for one participant: the older one is perfect, the later one blank
    old = put(f"twice-{name}.ipynb", good)
    buf = io.StringIO()
    nbformat.write(blank, buf)
    with zipfile.ZipFile(subs / "Twice.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo(f"{name}/{name}.ipynb", date_time=time.localtime(time.time() + 60)[:6]),
                    buf.getvalue())
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    roster = root / "participants.csv"
    people = ["good", "blank", "loop", "killer", "deleted", "cheat", "renamed", "broken", "noisy", "chatty",
              "twice", "absent"]
    roster.write_text("identifiant;prenom;nom;service\n" + "".join(f"{p};{p.title()};Test;Police\n" for p in people),
                      encoding="utf-8")
    before = {p: p.read_bytes() for p in subs.rglob("*") if p.is_file()}
    started = time.monotonic()
    proc = run_grade(course, name, "--submissions", str(subs), "--roster", str(roster), "--jobs", "2",
                     "--timeout", str(TIMEOUT))
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    rows = {r["participant"]: r for r in csv.DictReader(
        (course / "grading" / "rapport" / "notes.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";")}
    return {"course": course, "name": name, "proc": proc, "rows": rows, "subs": subs, "before": before,
            "tests": tests, "answers": answers, "elapsed": elapsed, "full": rows["good"]["points"],
            "auto_max": sum(float(c.metadata["nbgrader"].get("points", 0)) for c in good.cells
                            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
                            and not c.metadata["nbgrader"].get("solution"))}


def _status(graded, pid) -> str:
    return graded["rows"][pid]["statuts"]


def _summary_line(graded, pid, label) -> bool:
    return any(line.strip().startswith(f"- {pid} /") and label in line for line in graded["proc"].stdout.splitlines())


def test_exit_code_says_attention_needed(graded):
    assert graded["proc"].returncode == 1, graded["proc"].stdout + graded["proc"].stderr[-2000:]
    assert "À REGARDER" in graded["proc"].stdout


def test_clean_submissions_are_graded_normally(graded):
    rows = graded["rows"]
    # every autograded point; parts written in words wait for the trainer in Formgrader
    assert float(rows["good"]["points"]) == graded["auto_max"] > 0
    assert rows["good"]["statuts"] in ("Corrigé", "À noter à la main")
    assert float(rows["blank"]["points"]) < float(rows["good"]["points"])


def test_endless_loop_is_cut_and_reported(graded):
    assert "Temps dépassé" in _status(graded, "loop")
    assert _summary_line(graded, "loop", "Temps dépassé")
    # the loop came after the answer: the timeout cut it and every part was still graded
    assert graded["rows"]["loop"]["points"] == graded["full"]
    assert graded["elapsed"] < 400


def test_kernel_killer_is_reported_and_scores_zero(graded):
    assert "Python s'est arrêté" in _status(graded, "killer")
    assert _summary_line(graded, "killer", "Python s'est arrêté")
    assert float(graded["rows"]["killer"]["points"]) == 0
    # nothing half-written is left in the course for it
    assert not (graded["course"] / "autograded" / "killer" / graded["name"]).exists()


def test_deleted_test_cell_is_restored_and_graded(graded):
    assert "Test supprimé" in _status(graded, "deleted")
    assert graded["tests"][0] in graded["rows"]["deleted"]["details"]
    assert graded["rows"]["deleted"]["points"] == graded["full"]
    autograded = nbformat.read(graded["course"] / "autograded" / "deleted" / graded["name"] / f"{graded['name']}.ipynb",
                               as_version=4)
    assert graded["tests"][0] in {c.metadata.get("nbgrader", {}).get("grade_id") for c in autograded.cells}


def test_test_cell_edited_to_pass_changes_nothing(graded):
    assert "Test modifié" in _status(graded, "cheat")
    assert graded["rows"]["cheat"]["points"] == graded["rows"]["blank"]["points"]
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}") as gb:
        cheat = {g.name: g.score for g in gb.find_submission(graded["name"], "cheat").notebooks[0].grades}
        blank = {g.name: g.score for g in gb.find_submission(graded["name"], "blank").notebooks[0].grades}
    assert cheat == blank


def test_renamed_notebook_is_graded_under_its_name(graded):
    assert "Notebook renommé" in _status(graded, "renamed")
    assert graded["rows"]["renamed"]["points"] == graded["full"]
    assert (graded["course"] / "submitted" / "renamed" / graded["name"] / f"{graded['name']}.ipynb").exists()


def test_invalid_file_is_reported_not_graded(graded):
    assert "Fichier illisible" in _status(graded, "broken")
    assert _summary_line(graded, "broken", "Fichier illisible")
    assert float(graded["rows"]["broken"]["points"]) == 0


def test_warnings_on_stderr_do_not_cost_points(graded):
    assert "Avertissements" in _status(graded, "noisy")
    assert graded["rows"]["noisy"]["points"] == graded["full"]


def test_huge_output_is_cut_and_graded(graded):
    assert "Sortie très longue" in _status(graded, "chatty")
    assert graded["rows"]["chatty"]["points"] == graded["full"]
    path = graded["course"] / "autograded" / "chatty" / graded["name"] / f"{graded['name']}.ipynb"
    assert path.stat().st_size < 400_000


def test_missing_participant_is_listed(graded):
    assert _status(graded, "absent") == "Non rendu"
    assert _summary_line(graded, "absent", "Non rendu")


def test_later_of_two_submissions_counts(graded):
    assert "Plusieurs rendus" in _status(graded, "twice")
    assert "Twice.zip" in graded["rows"]["twice"]["details"]
    assert graded["rows"]["twice"]["points"] == graded["rows"]["blank"]["points"]


def test_nothing_received_is_lost_or_changed(graded):
    after = {p: p.read_bytes() for p in graded["subs"].rglob("*") if p.is_file()}
    assert after == graded["before"]
