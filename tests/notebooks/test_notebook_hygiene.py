"""Notebooks are committed clean: no outputs, no execution counts, cell ids, python3 kernel,
nbgrader metadata intact and grade ids named as the design says (NN-part-name, NN-part-name-test)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from sahelkit.course.curriculum import teaching_name
from tests.helpers import REPO

NOTEBOOKS = sorted(
    p for folder in ("modules", "solutions", "exercises") for p in (REPO / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def test_there_are_notebooks():
    assert any(p.parts[-2] == "modules" for p in NOTEBOOKS), "modules/ holds no notebook"
    assert any("solutions" in p.parts for p in NOTEBOOKS), "solutions/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_clean_and_valid(path: Path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert (raw["nbformat"], raw["nbformat_minor"]) >= (4, 5), "needs nbformat 4.5 (cell ids)"
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    ids = [cell.get("id") for cell in nb.cells]
    assert all(ids), "every cell needs an id"
    assert len(set(ids)) == len(ids), "cell ids must be unique"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {i} has outputs"
            assert cell.execution_count is None, f"cell {i} has an execution count"


def _graded_notebooks():
    return [p for p in NOTEBOOKS if p.parts[-3] in ("solutions", "exercises")]


@pytest.mark.parametrize("path", _graded_notebooks(), ids=lambda p: str(p.relative_to(REPO)))
def test_grade_ids(path: Path):
    nb = nbformat.read(path, as_version=4)
    number = path.parent.name[:2]
    seen, tests, answers = set(), set(), set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        gid = meta["grade_id"]
        assert gid not in seen, f"duplicate grade id {gid}"
        seen.add(gid)
        if meta.get("grade") or meta.get("solution"):
            assert re.fullmatch(rf"{number}-[a-z0-9]+(-[a-z0-9]+)*", gid), \
                f"grade id {gid!r} should look like {number}-part-name"
        if meta.get("grade") and not meta.get("solution"):
            assert gid.endswith("-test"), f"test cell {gid!r} should end in -test"
            assert meta.get("points", 0) > 0, f"test cell {gid!r} has no points"
            tests.add(gid)
        elif meta.get("solution") and cell.cell_type == "code":
            answers.add(gid)
    assert tests, "an exercise needs autograded test cells"
    for gid in answers:
        assert f"{gid}-test" in tests, f"answer {gid!r} has no test cell {gid}-test"


def test_modules_are_numbered_and_kebab_case():
    from sahelkit.course.curriculum import WEEK_2

    for path in (REPO / "modules").glob("*.ipynb"):
        numbered = re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb", path.name)
        assert path.name == "index.ipynb" or path.stem in WEEK_2 or numbered, path
    for folder in (REPO / "solutions").iterdir():
        if folder.is_dir():
            assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*", folder.name), folder
            assert (folder / f"{folder.name}.ipynb").exists(), f"{folder} needs {folder.name}.ipynb"
            assert (REPO / "modules" / teaching_name(folder.name)).exists(), \
                f"exercise {folder.name} has no teaching notebook modules/{teaching_name(folder.name)}"
