"""The package never hands a participant an exercise's answer.

The kit teaches in the notebook: whatever an exercise asks a participant to compute lives in
the package, if at all, as a private helper (the generator needs the source-grading rule to
plant inconsistent reports), never as a public function and never named in the data dictionary
a participant reads.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re

import nbformat

import sahelkit
from tests.helpers import ASSIGNMENTS, REPO

# Helpers the package once exposed that computed an answer (exercise 02, parts 1 and 2).
FORMER_ANSWER_HELPERS = {"expected_grade"}


def _answer_names() -> set[str]:
    """The variables and functions the exercises ask for, read from the solutions' answer cells: the
    names a cell defines at its top level (a function's own local names are not answers)."""
    names = set(FORMER_ANSWER_HELPERS)
    for name in ASSIGNMENTS:
        nb = nbformat.read(REPO / "solutions" / name / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
                continue
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    names.add(node.name)
                elif isinstance(node, ast.Assign):
                    names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return {n for n in names if not n.startswith("_")}


def _public_functions() -> dict[str, str]:
    found = {}
    for info in pkgutil.walk_packages(sahelkit.__path__, "sahelkit."):
        if info.name.endswith("__main__") or info.name == "sahelkit.grading.zygote":
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == info.name:
                found[f"{info.name}.{name}"] = name
    return found


def test_no_public_function_computes_an_answer():
    answers = _answer_names()
    assert "derived_grade" in answers and "normalise_name" in answers  # the solutions were read
    exposed = sorted(path for path, name in _public_functions().items() if name in answers)
    assert not exposed, f"public functions named after an exercise's answer: {exposed}"


def test_data_dictionary_names_only_the_public_api():
    text = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`sahelkit\.([A-Za-z_][\w.]*)", text))
    assert named, "the dictionary should name sahelkit.load"
    assert named <= set(sahelkit.__all__), f"datasets/README.md names {sorted(named - set(sahelkit.__all__))}"
