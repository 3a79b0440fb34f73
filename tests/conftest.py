"""Fixtures shared by the whole suite; plain helpers live in tests/helpers.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO, make_course, nbgrader, write_config


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
