"""Grading keeps the answers out of the participants' code, and flags the code that reaches for them.

On the trainer's machine the ground truth (datasets/<country>/truth/) is next to the notebooks,
and some hidden tests read it (`sahelkit.load_truth()`: the real duplicates of exercise 03, the
planted broker of exercise 05). A participant's cell that reads it too would pass them. Two
preprocessors around nbgrader's Execute, in the autograde pipeline (grader_config.py), and the
kernel's seal (seal.py) stop that:

- `SealAnswers`, before Execute: the kernel that runs the notebook is sealed (seal.py: no truth/,
  no generator, no solutions or gradebook, no other program). The hidden tests still get the
  truth: each trusted test cell's ``sahelkit.load_truth()`` is replaced, for the run only, by
  the truth itself, packed into the cell's source by this (unsealed) grading process. Trusted
  means restored by nbgrader from the gradebook: a locked grade cell, after OverwriteCells.
  Hidden tests must therefore write exactly ``sahelkit.load_truth()``.
- `FlagAnswerReading`, after Execute: a participant's cell (answer cell or a cell they added)
  whose code names the truth (``load_truth``, a ``truth`` path, ``sahelkit.generator``, even
  through ``getattr`` and string pieces), or that was stopped by the seal, is flagged.

What is graded zero: every test cell that runs after the first flagged cell, to the end of the
notebook. Whatever that cell computed can feed its own answer and any later one, so its part and
the following parts get no marks; the parts before it were tested before the truth was reached
and keep theirs. A written part (graded by hand) is left to the trainer, whom the summary and the
cohort report tell (status "Ground truth read"). The test cells show why, in the workshop's
language, in the autograded notebook and the feedback.
"""
from __future__ import annotations

import ast
import base64
import os
import pickle
import re
import zlib
from pathlib import Path

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

from ..i18n import N_, _
from .seal import SEALED_ENV

TRUTH_CALL = re.compile(r"\bsahelkit\.load_truth\(\s*\)")
# What a participant's cell must not name: the truth loader, a truth folder, the generator.
WORD = r"(?<![A-Za-z0-9]){}(?![A-Za-z0-9])"
TRUTH_WORD = re.compile(WORD.format("truth"), re.I)
GENERATOR_WORD = re.compile(WORD.format("generator"))
# Names of the package that only serve the truth (a participant's own variable may be called `truth`).
TRUTH_NAMES = {"load_truth", "Truth", "TRUTH_TABLES", "unpack_truth", "pack_truth"}
FLAG_NAME = N_("ForbiddenRead")  # the name of the error the flagged test cells show (a message: one word)

# What FlagAnswerReading found in the notebooks graded since the worker last cleared it.
FLAGGED: dict[str, list[str]] = {}


# --------------------------------------------------------------------------- what a cell names
def _as_python(source: str) -> str:
    """IPython syntax (``!cat …``, ``%run``) as the Python the kernel runs."""
    from IPython.core.inputtransformer2 import TransformerManager
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 -- unparseable input is scanned as plain text below
        return source


def truth_reasons(source: str) -> list[str]:
    """Why a participant's cell reaches for the answers, in the workshop's language; empty when it does not."""
    code = _as_python(source)
    names_truth, imports_generator = N_("names the ground truth (truth)"), N_("imports sahelkit.generator")
    calls_truth, reads_truth = N_("calls load_truth"), N_("reads the ground truth (truth)")
    try:
        tree = ast.parse(code)
    except SyntaxError:
        found = []
        if TRUTH_WORD.search(code):
            found.append(_(names_truth))
        if re.search(r"sahelkit\s*\.\s*generator", code):
            found.append(_(imports_generator))
        return found
    reasons: set[str] = set()
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name in TRUTH_NAMES:
            reasons.add(calls_truth)
        if isinstance(node, ast.Attribute) and node.attr == "generator":
            reasons.add(imports_generator)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sahelkit"):
            modules = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            if any(m.startswith("sahelkit.generator") for m in modules):
                reasons.add(imports_generator)
            if any(a.name in TRUTH_NAMES for a in node.names):
                reasons.add(calls_truth)
        if isinstance(node, ast.Import) and any(a.name.startswith("sahelkit.generator") for a in node.names):
            reasons.add(imports_generator)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if TRUTH_WORD.search(node.value):
                reasons.add(reads_truth)
            if GENERATOR_WORD.search(node.value):
                reasons.add(imports_generator)
    return sorted(_(reason) for reason in reasons)


# --------------------------------------------------------------------------- cells
def trusted(cell: NotebookNode) -> bool:
    """A cell nbgrader restored from the gradebook (run after OverwriteCells): a locked grade or
    read-only cell of the trainer's, never a participant's answer or added cell."""
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade_id")) and bool(meta.get("locked")) and not meta.get("solution")


def _is_test(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def pack_truth(source: str) -> str:
    """The truth tables a cell uses (all of them if it names none), packed for seal.unpack_truth."""
    from ..load import load_truth
    truth = load_truth()
    tables = [k for k in vars(truth) if k != "country"]
    used = [k for k in tables if re.search(rf"\.{k}\b", source)] or tables
    for k in set(tables) - set(used):
        delattr(truth, k)
    return base64.b85encode(zlib.compress(pickle.dumps(truth), 9)).decode("ascii")


# --------------------------------------------------------------------------- the preprocessors
class SealAnswers(NbGraderPreprocessor):
    """Before Execute: seal the kernel, and write the truth into the hidden tests that read it."""

    course_roots = List(Unicode(), help="Course folders whose answers the kernel must not read "
                        "(solutions, gradebook, everyone's work); grader_config.py names its own.").tag(config=True)
    sealed_names = List(Unicode(), ["solutions", "source", "gradebook.db", "submitted", "autograded", "feedback",
                                    "grading"], help="What, in a course folder, holds answers or other "
                        "participants' work.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        roots = list(self.course_roots)
        db = str(resources.get("nbgrader", {}).get("db_url", ""))
        if db.startswith("sqlite:///"):
            roots.append(str(Path(db[len("sqlite:///"):]).parent))
        # the kernel, started by Execute right after, reads this once, before the first cell
        os.environ[SEALED_ENV] = os.pathsep.join(str(Path(r) / n) for r in dict.fromkeys(roots)
                                                 for n in self.sealed_names)
        from ..load import CaseDataError
        originals = {}
        for cell in nb.cells:
            if cell.cell_type == "code" and trusted(cell) and TRUTH_CALL.search(cell.source):
                try:
                    blob = pack_truth(cell.source)
                except CaseDataError as exc:  # no truth/ here: the test fails as it would have anyway
                    self.log.warning(_("ground truth not found for {part}: {error}").format(
                        part=cell.metadata["nbgrader"]["grade_id"], error=exc))
                    continue
                originals[cell.metadata["nbgrader"]["grade_id"]] = cell.source
                cell.source = TRUTH_CALL.sub(f"sahelkit.grading.seal.unpack_truth({blob!r})", cell.source)
        resources.setdefault("sahelkit", {})["truth_cells"] = originals
        return nb, resources


class FlagAnswerReading(NbGraderPreprocessor):
    """After Execute: flag a participant's cell that reaches for the answers, and take the marks
    of the tests that run after it."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        originals = resources.get("sahelkit", {}).get("truth_cells", {})
        for cell in nb.cells:  # the autograded copy keeps the test as the trainer wrote it
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in originals and trusted(cell):
                cell.source = originals[gid]
        first = None
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or trusted(cell):
                continue
            reasons = truth_reasons(cell.source)
            if any(o.get("ename") == "SealedError" for o in cell.get("outputs", []) if o.get("output_type") == "error"):
                reasons.append(_("was stopped by the protection of the answers"))
            if reasons:
                where = cell.metadata.get("nbgrader", {}).get("grade_id") or _("cell no. {n}").format(n=i + 1)
                FLAGGED.setdefault("cells", []).append(f"{where} ({', '.join(reasons)})")
                first = i if first is None else first
        if first is None:
            return nb, resources
        where = nb.cells[first].metadata.get("nbgrader", {}).get("grade_id") or _("no. {n}").format(n=first + 1)
        message = _("part without points: the cell {cell} reads the ground truth or the answers; see the "
                    "trainer").format(cell=where)
        flag = _(FLAG_NAME)
        for cell in nb.cells[first:]:
            if _is_test(cell):
                cell.outputs = [from_dict({"output_type": "error", "ename": flag, "evalue": message,
                                           "traceback": [f"{flag}: {message}"]})]
                FLAGGED.setdefault("parts", []).append(cell.metadata["nbgrader"]["grade_id"])
        self.log.warning("%s: %s", message, "; ".join(FLAGGED["cells"]))
        return nb, resources


def autograde_preprocessors() -> list:
    """nbgrader's autograde pipeline with the answers sealed around Execute (for grader_config.py)."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute
    default = list(Autograde.class_traits()["autograde_preprocessors"].default())
    at = default.index(Execute)
    return default[:at] + [SealAnswers, Execute, FlagAnswerReading] + default[at + 1:]
