"""Feedback that tells participants which parts failed without giving the hidden tests away.

nbgrader's feedback is the autograded notebook, hidden tests included. The kit is reused from
cohort to cohort, so feedback must not publish the checks: this preprocessor removes the hidden
test region from each test cell and shortens a failed test's traceback to its last line (the
assertion message written for the participant), since a traceback quotes the failing line.
"""
from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests


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
            cell.source += "# (des tests cachés ont été exécutés ici)"
        return cell, resources
