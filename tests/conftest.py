"""Fixtures shared by the whole suite; plain helpers live in tests/helpers.py."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO, make_course, nbgrader, write_config

# The suite runs in the default language (French) whatever the shell says; a test that wants English
# sets SAHELKIT_LANG itself (monkeypatch, or the env of the process it starts).
os.environ.pop("SAHELKIT_LANG", None)


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """A function giving a fresh course folder in which an assignment is already generated
    (released, and registered in the gradebook) in one language; generating is done once per
    assignment and language."""
    generated: dict[tuple[str, str], Path] = {}

    def fresh(assignment: str, dest: Path, lang: str = "fr") -> Path:
        if (assignment, lang) not in generated:
            course = make_course(tmp_path_factory.mktemp(f"generated-{assignment}-{lang}"), [assignment], lang)
            nbgrader(["generate_assignment", assignment, "--force"], course, lang=lang)
            generated[assignment, lang] = course
        shutil.copytree(generated[assignment, lang], dest)
        write_config(dest)
        return dest

    return fresh


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
