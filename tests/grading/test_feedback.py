"""Feedback tells a participant which part failed and why, without publishing the hidden tests."""
from __future__ import annotations

import copy
import html
from pathlib import Path

import nbformat
import pytest

from tests.helpers import ASSIGNMENTS, nbgrader, wrong_answers


@pytest.mark.pipeline
def test_feedback_hides_hidden_tests(tmp_path: Path, released_course):
    assignment = ASSIGNMENTS[0]
    entry = wrong_answers(assignment)[0]
    course = released_course(assignment, tmp_path / "course")
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    hidden_lines = [line.strip() for cell in source.cells
                    if "BEGIN HIDDEN TESTS" in cell.source
                    for line in cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                    .splitlines()
                    if len(line.strip()) > 12]
    assert hidden_lines
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in entry["cells"]:
            cell.source = entry["cells"][gid]
    folder = course / "submitted" / "participant" / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    nbgrader(["autograde", assignment], course)
    nbgrader(["generate_feedback", assignment], course)

    page = (course / "feedback" / "participant" / assignment / f"{assignment}.html").read_text(encoding="utf-8")
    text = html.unescape(page)
    assert "BEGIN HIDDEN TESTS" not in text
    for line in hidden_lines:
        assert line not in text, f"feedback shows hidden test code: {line!r}"
    assert "AssertionError" in text, "the failed part's message should be in the feedback"


def test_feedback_exporter_renders_nbgrader_s_page_and_keeps_compiled_templates():
    """FeedbackExporter is HTMLExporter with compiled templates kept between participants."""
    import nbformat
    from nbconvert.exporters import HTMLExporter

    from sahelkit.grading import feedback
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Titre"),
                                         nbformat.v4.new_code_cell("print('é')")])
    plain, _ = HTMLExporter().from_notebook_node(nb)
    first, _ = feedback.FeedbackExporter().from_notebook_node(nb)
    assert first == plain
    kept = len(feedback._TEMPLATES._code)
    assert kept > 0
    again, _ = feedback.FeedbackExporter().from_notebook_node(nb)
    assert again == plain and len(feedback._TEMPLATES._code) == kept
