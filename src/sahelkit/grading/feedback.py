"""Feedback that tells participants which parts failed without giving the hidden tests away.

nbgrader's feedback is the autograded notebook, hidden tests included. The kit is reused from
cohort to cohort, so feedback must not publish the checks: this preprocessor removes the hidden
test region from each test cell and shortens a failed test's traceback to its last line (the
assertion message written for the participant), since a traceback quotes the failing line.
"""
from __future__ import annotations

import jinja2
from nbconvert.exporters import HTMLExporter
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests

from ..i18n import _


class HideHiddenTests(ClearHiddenTests):
    """Remove hidden tests from feedback and reduce their tracebacks to the message."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        had_hidden = self.begin_test_delimeter in cell.source
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if had_hidden and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    message = f"{output.ename}: {output.evalue}" if output.evalue else output.ename
                    output.traceback = [message]
            if cell.source.strip():
                cell.source += "\n"
            cell.source += "# " + _("(hidden tests were run here)")
        return cell, resources


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled Jinja templates kept in memory for the life of the process. Jinja checks each
    against its template's source before use, so an edited template is compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _CompiledTemplates()


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback page (HTMLExporter), without compiling its templates again for every
    participant: nbgrader makes a new exporter per run, and `sahelkit grade` runs nbgrader once per
    participant, where compiling the page templates took about half a second."""

    def _create_environment(self) -> jinja2.Environment:
        environment = super()._create_environment()
        environment.bytecode_cache = _TEMPLATES
        return environment
