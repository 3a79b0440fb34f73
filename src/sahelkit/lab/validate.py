"""The Validate button, as a participant reads it: in the workshop's language, from the cell that went wrong.

nbgrader's lab extension posts the notebook's path to `/assignments/validate` and shows the JSON
answer in a dialog. nbgrader's own handler builds a plain `Validator` (not a configurable class),
whose `validate()` only looks at test cells: a typo in an answer cell is reported as the
`NameError` of the test cell after it, a notebook with no graded cell "passes all the tests",
and passing the visible checks reads as if the grade were earned. The Validator's options
(`failed_warning`, `validate_all`...) only change the command line's printout, not that dialog.

So this module is a Jupyter server extension that serves the same route with a handler of its own
(nbgrader's `validate_assignment` extension is switched off in the kit's server config, and its
version route is served here too). It runs the notebook exactly as nbgrader does (the same
preprocessors and course config), then reports:

- the first failing cell of each part, and only that one: the participant's own answer cell with
  its own error, or, when the answer ran, the visible check's message;
- a notebook with no graded cell (a teaching notebook) as having nothing to grade;
- a pass as a pass of the *visible* checks only: the hidden checks decide the grade.

The lab extension's frame sentences ("Success! ...", "The following cell failed:") are fixed
English strings in its JavaScript; `custom.css` beside it, served with its sentences in the
workshop's language (`frame_css`), puts the kit's own in their place.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from string import Template

from jupyter_server.base.handlers import JupyterHandler
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.server_extensions.validate_assignment.handlers import (
    NbGraderVersionHandler,
    ValidateAssignmentHandler,
)
from nbgrader.validator import Validator
from tornado import web

from ..i18n import N_, _

CUSTOM_CSS = Path(__file__).with_name("custom.css")

NOTHING_TO_GRADE = N_(
    "This notebook has nothing to grade: it is a teaching module (or a notebook with no check cell). "
    "Validate is for the exercises, in the exercises/ folder."
)
PASSED = N_(
    "The visible checks pass: your answers have the right form. The grade depends on the trainer's hidden "
    "checks, run at grading; read your answers again before you hand in."
)
UNANSWERED = ("réponse pas encore écrite", "answer not written yet")
"""What the answer cells of an exercise raise until answered (grader_config.py's ClearSolutions stubs, French and
English notebooks)."""
FRAME = {  # custom.css's placeholders: the sentences of the dialog's frame
    "title": N_("Validate: visible checks"),
    "passed": PASSED,
    "failed": N_("To fix:"),
    "changed": N_("This check cell was modified: put it back as it was (Edit > Undo), otherwise grading will not "
                  "recognise it."),
    "type_changed": N_("The type of this cell was changed (code or text): put it back as before."),
    "other": N_("Validate:"),
}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CELL_LINE = re.compile(r"(?:Cell In\s*\[\d*\]|Input In\s*\[\d*\]|<ipython-input-[^>]*>)[^\n]*?line (\d+)")


def has_grades(nb: NotebookNode) -> bool:
    """Whether the notebook holds a graded cell: exercises do, teaching notebooks do not."""
    return any(utils.is_grade(cell) for cell in nb.cells)


def _error_output(cell: NotebookNode) -> NotebookNode | None:
    return next((out for out in cell.get("outputs", []) if out.output_type == "error"), None)


def _part_titles(nb: NotebookNode) -> list[str]:
    """The part each cell belongs to: the last `## ...` heading above it ("" before the first)."""
    titles, current = [], ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = next((line[3:].strip() for line in cell.source.splitlines() if line.startswith("## ")), None)
            current = heading or current
        titles.append(current)
    return titles


def error_line(error: NotebookNode) -> str:
    """The last line of a Python error, as a participant should read it first: `KeyError: 'towns'`."""
    value = _ANSI.sub("", str(error.get("evalue", ""))).strip()
    return f"{error.ename}: {value}" if value else error.ename


def cell_line(error: NotebookNode) -> int | None:
    """The line of the cell where the error was raised (the first frame in the cell), if known."""
    for frame in error.get("traceback", []):
        match = _CELL_LINE.search(_ANSI.sub("", frame))
        if match:
            return int(match.group(1))
    return None


def describe_failure(cell: NotebookNode, error: NotebookNode, part: str) -> str:
    """What the dialog says of one failing cell, in the workshop's language: the part, what happened, the message."""
    where = _("“{part}”").format(part=part) if part else _("The cell above")
    if utils.is_solution(cell) and any(stub in str(error.get("evalue", "")) for stub in UNANSWERED):
        return where + "\n" + _("no answer yet: write it and delete the line raise NotImplementedError.")
    if utils.is_grade(cell):
        if error.ename == "AssertionError" and str(error.get("evalue", "")).strip():
            return where + "\n" + _("the visible check does not pass:") + "\n" + error.get("evalue").strip()
        return where + "\n" + _("the visible check stops on an error coming from your answer:") + "\n" + \
            error_line(error)
    line = cell_line(error)
    stops = (_("your cell stops on an error (line {line}):").format(line=line) if line
             else _("your cell stops on an error:"))
    return where + "\n" + stops + "\n" + error_line(error)


def failures(nb: NotebookNode) -> list[dict[str, str]]:
    """The first failing cell of each part of an executed notebook, in order, as the dialog lists them.

    A part whose answer cell failed is reported from that cell: the test after it fails only
    because of it (often a NameError), which would send the participant to the wrong cell.
    """
    found, reported_parts = [], set()
    for cell, part in zip(nb.cells, _part_titles(nb)):
        if cell.cell_type != "code" or part in reported_parts:
            continue
        error = _error_output(cell)
        failed_grade = utils.is_grade(cell) and _grade_failed(cell)
        if error is None and not failed_grade:
            continue
        if error is None:   # a test cell that wrote to stderr: nbgrader scores it as failed
            error = NotebookNode(ename=_("Error output"), evalue=_stderr(cell), traceback=[])
        message = describe_failure(cell, error, part)
        found.append({"source": cell.source.strip(), "error": html.escape(message), "raw_error": message})
        reported_parts.add(part)
    return found


def _grade_failed(cell: NotebookNode) -> bool:
    score, max_score = utils.determine_grade(cell, None)
    return score is not None and (score < max_score or (max_score == 0 and utils.has_failed(cell)))


def _stderr(cell: NotebookNode) -> str:
    return "".join(out.get("text", "") for out in cell.get("outputs", [])
                   if out.output_type == "stream" and out.name == "stderr").strip()


class ParticipantValidator(Validator):
    """nbgrader's Validator, reporting as `failures` does and refusing notebooks with nothing to grade."""

    def validate(self, filename: str) -> dict:
        from nbformat import current_nbformat, read

        path = Path(filename)
        nb = read(path, as_version=current_nbformat)
        if not has_grades(nb):
            return {"nothing_to_grade": _(NOTHING_TO_GRADE)}
        if self._get_type_changed_cells(nb):
            return super().validate(filename)
        with utils.chdir(str(path.parent)):
            nb = self._preprocess(nb)
        changed = self._get_changed_cells(nb)
        if changed and not self.ignore_checksums:
            return {"changed": [{"source": cell.source.strip()} for cell in changed]}
        found = failures(nb)
        return {"failed": found} if found else {}


class ParticipantValidateHandler(ValidateAssignmentHandler):
    """nbgrader's validate route, answered by ParticipantValidator, in the workshop's language."""

    def validate_notebook(self, path: str) -> dict:
        root = Path(self.root_dir).resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            return {"success": False, "value": _("This notebook is outside the workshop's folder.")}
        try:
            result = ParticipantValidator(config=self.load_config()).validate(str(target))
        except Exception as exc:  # the dialog is the participant's only view of what went wrong
            self.log.exception("Validate failed on %s", target)
            return {"success": False, "value": _("Validate could not run this notebook: {error}").format(
                error=f"{type(exc).__name__}: {exc}")}
        if "nothing_to_grade" in result:
            return {"success": False, "value": result["nothing_to_grade"]}
        return {"success": True, "value": result}


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "sahelkit.lab.validate"}]


def frame_css() -> str:
    """custom.css with the frame's sentences (FRAME) in the workshop's language."""
    def quoted(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"', '\\"')
    return Template(CUSTOM_CSS.read_text(encoding="utf-8")).substitute(
        {key: quoted(_(message)) for key, message in FRAME.items()})


class FrameCssHandler(JupyterHandler):
    """custom.css: the frame of nbgrader's dialog in the workshop's language (JupyterLab links it when
    LabApp.custom_css is on)."""

    @web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.finish(frame_css().encode("utf-8"))


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.utils import url_path_join

    web_app = serverapp.web_app
    base = web_app.settings["base_url"]
    web_app.settings["root_dir"] = serverapp.root_dir   # as nbgrader's own extension does
    web_app.add_handlers(".*$", [
        (url_path_join(base, "assignments/validate"), ParticipantValidateHandler),
        (url_path_join(base, "nbgrader_version"), NbGraderVersionHandler),
        (url_path_join(base, "custom/custom.css"), FrameCssHandler),
    ])
    # tornado tries extensions' routes in the order they were added, and JupyterLab and Notebook both
    # serve /custom/custom.css from the user's config folder: the kit's routes go first.
    rules = web_app.default_router.rules
    rules.insert(0, rules.pop(-2))
    serverapp.log.info("sahelkit: Validate answers in the workshop's language (sahelkit.lab.validate)")
