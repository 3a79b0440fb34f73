"""One `sahelkit grade` grades a cohort that mixes French and English submissions: each is graded
against its own language's hidden tests (same grade ids and points, one gradebook), and its
feedback reads in its language."""
from __future__ import annotations

import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from sahelkit.grading import simulate
from tests.helpers import REPO, grading_course, run_grade, wrong_answers


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    course, name = grading_course(root / "course")
    shutil.copytree(REPO / "en" / "solutions" / name, course / "en" / "solutions" / name)
    fr_release = simulate.release_notebooks(course, name)
    en_release = {p.stem: nbformat.read(p, as_version=4) for p in (REPO / "en" / "exercises" / name).glob("*.ipynb")}
    ids = simulate.answer_ids(fr_release[name])
    subs = root / "rendus"
    # ali and mary make the same mistake in part 1 (tests/wrong_answers/): it must cost them the same
    wrong = next(w for w in wrong_answers(name) if w["loses"] and set(w["cells"]) == {ids[0]})
    cohort = {"awa.diallo": fr_release, "john.smith": en_release, "ali.ba": fr_release, "mary.jones": en_release}
    for pid, release in cohort.items():
        nb = simulate.participant_notebook(course, name, name, None, release)
        if pid in ("ali.ba", "mary.jones"):
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == ids[0]:
                    cell.source = wrong["cells"][ids[0]]
        folder = subs / pid / name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")
    proc = run_grade(course, name, "--submissions", str(subs), "--jobs", "2")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr[-3000:]
    return course, name, wrong


def test_both_languages_score_alike_in_one_gradebook(mixed):
    course, name, _wrong = mixed
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        score = {pid: gb.find_submission(name, pid).score
                 for pid in ("awa.diallo", "john.smith", "ali.ba", "mary.jones")}
        top = gb.find_assignment(name).max_score
    assert score["awa.diallo"] == score["john.smith"] == top
    assert score["ali.ba"] == score["mary.jones"] < top


def test_each_feedback_reads_in_its_submission_language(mixed):
    course, name, wrong = mixed
    for pid, lang in (("awa.diallo", "fr"), ("john.smith", "en"), ("ali.ba", "fr"), ("mary.jones", "en")):
        html = (course / "feedback" / pid / name / f"{name}.html").read_text(encoding="utf-8")
        french, english = "Partie 1" in html, "Part 1" in html
        assert (french, english) == ((True, False) if lang == "fr" else (False, True)), pid
    # the same mistake is explained in each participant's language by that language's tests
    french = (course / "feedback" / "ali.ba" / name / f"{name}.html").read_text(encoding="utf-8")
    english = (course / "feedback" / "mary.jones" / name / f"{name}.html").read_text(encoding="utf-8")
    assert "AssertionError" in french and wrong["hint"] in french
    assert "AssertionError" in english and wrong["hint"] not in english
