"""Shared paths and helpers for the kit's tests.

Everything is discovered from the tree (countries from datasets/profiles/, assignments from
solutions/, notebooks from modules/), so a new module or a new country is tested without new
test code.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COUNTRIES = sorted(p.stem for p in (REPO / "datasets" / "profiles").glob("*.yaml"))
ASSIGNMENTS = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and p.name[:2].isdigit())
MODULES = sorted((REPO / "modules").glob("[0-9][0-9]-*.ipynb"))
BIN = Path(sys.executable).parent


def nbgrader(args: list[str], course: Path, country: str | None = None, check: bool = True,
             timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the real `nbgrader` command in a course folder, with the case data of one country."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if country:
        env["SAHELKIT_COUNTRY"] = country
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, text=True,
                          capture_output=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def make_course(root: Path, assignments: list[str]) -> Path:
    """A throw-away course folder using the kit's own grader_config.py."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "solutions").mkdir(exist_ok=True)
    for name in assignments:
        shutil.copytree(REPO / "solutions" / name, root / "solutions" / name)
    for extra in (REPO / "solutions").glob("*.ipynb"):  # a shared header notebook
        shutil.copy(extra, root / "solutions" / extra.name)
    write_config(root)
    return root


def write_config(root: Path) -> None:
    """nbgrader_config.py for a course folder: the kit's settings, rooted in that folder."""
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"load_subconfig({str(REPO / 'grader_config.py')!r})\n"
        f"c.CourseDirectory.root = {str(root)!r}\n",
        encoding="utf-8")


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """A function giving a fresh course folder in which an assignment is already generated
    (released, and registered in the gradebook); generating is done once per assignment."""
    generated: dict[str, Path] = {}

    def fresh(assignment: str, dest: Path) -> Path:
        if assignment not in generated:
            course = make_course(tmp_path_factory.mktemp(f"generated-{assignment}"), [assignment])
            nbgrader(["generate_assignment", assignment, "--force"], course)
            generated[assignment] = course
        shutil.copytree(generated[assignment], dest)
        write_config(dest)
        return dest

    return fresh


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
