"""`sahelkit grade`: submissions in any shape, roster, parallel grading identical to nbgrader's,
feedback and exports, and a second run that changes nothing already graded."""
from __future__ import annotations

import csv
import os
import shutil
import time
import zipfile

import nbformat
import pytest
from nbgrader.api import Gradebook

from sahelkit.grading import simulate
from sahelkit.grading.command import main as grade_main
from tests.helpers import gradebook_scores as scores
from tests.helpers import grading_course, make_course, nbgrader, run_grade


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("grade")
    course, name = grading_course(root / "course")
    release = simulate.release_notebooks(course, name)
    ids = simulate.answer_ids(release[name])
    perfect = simulate.participant_notebook(course, name, name, None, release)
    half = simulate.participant_notebook(course, name, name, set(ids[: len(ids) // 2]), release)
    blank = simulate.participant_notebook(course, name, name, set(), release)
    subs = root / "rendus"
    (subs / "fatou.sow" / name).mkdir(parents=True)
    nbformat.write(blank, subs / "fatou.sow" / name / f"{name}.ipynb")
    nbformat.write(half, subs / f"moussa-{name}.ipynb")
    with zipfile.ZipFile(subs / "Aminata Traoré.zip", "w") as zf:
        zf.writestr(f"{name}/{name}.ipynb", nbformat.writes(perfect))
    roster = root / "participants.csv"
    roster.write_text("identifiant,prenom,nom,service\naminata.traore,Aminata,Traoré,Douanes\n"
                      "moussa,Moussa,Diallo,Police\nfatou.sow,Fatou,Sow,Gendarmerie\n", encoding="utf-8")
    proc = run_grade(course, name, "--submissions", str(subs), "--roster", str(roster), "--jobs", "2")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr[-3000:]
    return {"course": course, "name": name, "subs": subs, "roster": roster, "proc": proc, "ids": ids,
            "release": release}


def test_every_shape_of_submission_is_found_and_named(run):
    course, name = run["course"], run["name"]
    for pid in ("aminata.traore", "moussa", "fatou.sow"):
        assert (course / "submitted" / pid / name / f"{name}.ipynb").exists(), pid
        assert (course / "submitted" / pid / name / "timestamp.txt").exists()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        st = gb.find_student("aminata.traore")
        assert (st.first_name, st.last_name) == ("Aminata", "Traoré")
        submitted = sorted(s.student.id for s in gb.assignment_submissions(name))
        assert submitted == ["aminata.traore", "fatou.sow", "moussa"]
        perfect = gb.find_submission(name, "aminata.traore").code_score
        blank = gb.find_submission(name, "fatou.sow").code_score
        assert perfect > 0 and blank == 0


def test_grades_are_identical_to_plain_nbgrader(run, tmp_path):
    plain = make_course(tmp_path / "plain", [])
    shutil.copytree(run["course"] / "solutions" / run["name"], plain / "solutions" / run["name"])
    shutil.copytree(run["course"] / "submitted", plain / "submitted")
    nbgrader(["generate_assignment", run["name"], "--force"], plain)
    nbgrader(["autograde", run["name"], "--force"], plain, country=os.environ.get("SAHELKIT_COUNTRY", "mali"))
    ours, theirs = scores(run["course"], run["name"]), scores(plain, run["name"])
    assert ours and ours == theirs


def test_feedback_and_exports(run):
    course, name = run["course"], run["name"]
    for pid in ("aminata.traore", "moussa", "fatou.sow"):
        html = (course / "feedback" / pid / name / f"{name}.html").read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in html
    report = course / "grading" / "rapport"
    exported = list(csv.DictReader((report / "nbgrader-grades.csv").read_text(encoding="utf-8").splitlines()))
    assert {r["student_id"] for r in exported if r["assignment"] == name} == {"aminata.traore", "moussa", "fatou.sow"}
    notes = {r["participant"]: r for r in csv.DictReader(
        (report / "notes.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";")}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for pid, row in notes.items():
            assert float(row["points"]) == pytest.approx(gb.find_submission(name, pid).score)
    assert notes["aminata.traore"]["service"] == "Douanes"
    assert "Résultat" in run["proc"].stdout and (report / "rapport-cohorte.html").exists()


def test_second_run_changes_nothing_and_keeps_manual_grades(run):
    course, name = run["course"], run["name"]
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gb:
        sub = gb.find_submission_notebook(name, name, "aminata.traore")
        grade = sub.grades[0]
        grade.manual_score = 0.5
        comment = sub.comments[0]
        comment.manual_comment = "Bien vu, mais citez la source."
        gb.db.commit()
        graded_part, commented = grade.name, comment.name
    autograded = course / "autograded" / "aminata.traore" / name / f"{name}.ipynb"
    stamp = autograded.stat().st_mtime_ns
    before = scores(course, name)

    again = run_grade(course, name, "--submissions", str(run["subs"]), "--roster", str(run["roster"]))
    assert "Corrigés maintenant : 0" in again.stdout, again.stdout
    assert autograded.stat().st_mtime_ns == stamp
    assert scores(course, name) == before
    # the comment entered in Formgrader reaches the participant's feedback
    feedback = course / "feedback" / "aminata.traore" / name / f"{name}.html"
    assert "Bien vu, mais citez la source." in feedback.read_text(encoding="utf-8")

    # moussa hands in a corrected notebook: only he is graded again
    better = simulate.participant_notebook(course, name, name, None, run["release"])
    path = run["subs"] / f"moussa-{name}.ipynb"
    nbformat.write(better, path)
    os.utime(path, (time.time() + 5, time.time() + 5))
    third = run_grade(course, name, "--submissions", str(run["subs"]), "--roster", str(run["roster"]))
    assert "Corrigés maintenant : 1" in third.stdout, third.stdout
    with Gradebook(url) as gb:
        kept = gb.find_grade(graded_part, name, name, "aminata.traore")
        assert kept.manual_score == 0.5
        assert gb.find_comment(commented, name, name, "aminata.traore").manual_comment.startswith("Bien vu")
    after = scores(course, name)
    # moussa's new notebook is the perfect one: every autograded cell now scores as aminata's did
    assert {k[1:]: v for k, v in after.items() if k[0] == "moussa"} == \
        {k[1:]: v for k, v in before.items() if k[0] == "aminata.traore"}
    assert {k: v for k, v in after.items() if k[0] != "moussa"} == {k: v for k, v in before.items() if k[0] != "moussa"}
    assert autograded.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("args, message", [
    (["99-nothing"], "exercice inconnu"),
    ([], "--all"),
    (["{name}", "--submissions", "/nonexistent/rendus"], "introuvable"),
    (["{name}", "--roster", "{bad_roster}"], "identifiant"),
])
def test_usage_errors_exit_with_2(run, tmp_path, capsys, args, message):
    bad = tmp_path / "roster.csv"
    bad.write_text("nom;service\nTraoré;Douanes\n", encoding="utf-8")
    argv = [a.format(name=run["name"], bad_roster=bad) for a in args]
    if "--submissions" not in argv:
        argv += ["--submissions", str(run["subs"])]
    code = grade_main(argv + ["--course", str(run["course"]), "--no-progress"])
    assert code == 2
    assert message in capsys.readouterr().err


def test_gradebook_schema_version_read_in_process_is_nbgrader_s():
    """The kit stamps new gradebooks with the version `alembic heads` gives nbgrader, without the subprocess."""
    import nbgrader.api as api

    from sahelkit.grading.autograde import prepare_environment, remember_alembic_head
    prepare_environment()  # `alembic` on PATH for nbgrader's own subprocess
    remember_alembic_head()
    assert api.get_alembic_version.in_process
    assert api.get_alembic_version() == api.get_alembic_version.original()
    assert len(api.get_alembic_version()) >= 8


def test_merge_waits_while_another_program_holds_the_gradebook(tmp_path):
    """Formgrader writing at the same moment: the kit's write waits and retries, and loses nothing."""
    import sqlite3
    import threading

    from sahelkit.grading import autograde as ag
    ag.prepare_environment()
    ag.remember_alembic_head()
    db = tmp_path / "gradebook.db"
    gb = Gradebook(f"sqlite:///{db}")
    other = sqlite3.connect(db, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")      # longer than SQLite's own 5 s wait: the kit must retry
    released = threading.Timer(6.5, other.commit)
    released.start()
    try:
        ag._retry(gb, lambda: (gb.update_or_create_student("participant.01"), gb.db.commit()))
    finally:
        released.join()
        other.close()
    assert [s.id for s in gb.students] == ["participant.01"]
    gb.close()


def test_an_unreadable_notebook_is_described_in_the_workshop_s_language(tmp_path, monkeypatch):
    """The JSON parser's own message is English: the detail keeps only where the file is damaged."""
    from sahelkit.grading.collect import AssignmentInfo, collect
    (tmp_path / "awa.keita").mkdir()
    (tmp_path / "awa.keita" / "01-x.ipynb").write_text('{"cells": [', encoding="utf-8")
    info = {"01-x": AssignmentInfo("01-x", ["01-x"], set())}

    def issues() -> list:
        return collect(tmp_path, info, {"01-x"}).submissions[("awa.keita", "01-x")].issues

    monkeypatch.delenv("SAHELKIT_LANG", raising=False)
    assert issues() == [("invalid", "awa.keita/01-x.ipynb : notebook illisible : JSON abîmé ligne 1, colonne 12")]
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    assert issues() == [("invalid", "awa.keita/01-x.ipynb: unreadable notebook: damaged JSON at line 1, column 12")]
