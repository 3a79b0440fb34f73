"""One `sahelkit grade` grades a cohort that mixes French and English submissions: each is graded
against its own language's hidden tests (same grade ids and points, one gradebook), and its
feedback reads in its language."""
from __future__ import annotations

import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from sahelkit.grading import simulate
from tests.helpers import REPO, grading_course, run_grade


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    course, name = grading_course(root / "course")
    shutil.copytree(REPO / "en" / "solutions" / name, course / "en" / "solutions" / name)
    fr_release = simulate.release_notebooks(course, name)
    en_release = {p.stem: nbformat.read(p, as_version=4) for p in (REPO / "en" / "exercises" / name).glob("*.ipynb")}
    ids = simulate.answer_ids(fr_release[name])
    subs = root / "rendus"
    cohort = {  # participant: (release, answer cells right)
        "awa.diallo": (fr_release, None), "john.smith": (en_release, None),
        "ali.ba": (fr_release, set(ids[1:])), "mary.jones": (en_release, set(ids[1:]))}
    for pid, (release, right) in cohort.items():
        folder = subs / pid / name
        folder.mkdir(parents=True)
        nbformat.write(simulate.participant_notebook(course, name, name, right, release), folder / f"{name}.ipynb")
    proc = run_grade(course, name, "--submissions", str(subs), "--jobs", "2")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr[-3000:]
    return course, name


def test_both_languages_score_alike_in_one_gradebook(mixed):
    course, name = mixed
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        score = {pid: gb.find_submission(name, pid).score
                 for pid in ("awa.diallo", "john.smith", "ali.ba", "mary.jones")}
        top = gb.find_assignment(name).max_score
    assert score["awa.diallo"] == score["john.smith"] == top
    assert score["ali.ba"] == score["mary.jones"] < top


def test_each_feedback_reads_in_its_submission_language(mixed):
    course, name = mixed
    for pid, lang in (("awa.diallo", "fr"), ("john.smith", "en"), ("ali.ba", "fr"), ("mary.jones", "en")):
        html = (course / "feedback" / pid / name / f"{name}.html").read_text(encoding="utf-8")
        french, english = "Partie 1" in html, "Part 1" in html
        assert (french, english) == ((True, False) if lang == "fr" else (False, True)), pid
    # a failing hidden test explains itself in the participant's language
    en_tests = (REPO / "en" / "solutions" / name / f"{name}.ipynb").read_text(encoding="utf-8")
    wrong = (course / "feedback" / "mary.jones" / name / f"{name}.html").read_text(encoding="utf-8")
    assert "AssertionError" in wrong and "doit être" not in wrong and "must" in en_tests
