"""What every account may read of a kit that serves a classroom, and what only the trainers may."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from sahelkit.hub.permissions import is_public, lock_kit


def others(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode) & 0o7


def test_participants_read_the_python_the_notebooks_and_the_data_but_no_truth(tmp_path):
    kit = tmp_path / "kit"
    for rel in (".venv/bin/python3", "src/sahelkit/load.py", "modules/00-cours-get-started.ipynb",
                "datasets/README.md", "datasets/mali/profile.yaml", "datasets/mali/calls.csv",
                "datasets/mali/truth/networks.csv", "datasets/profiles/mali.yaml",
                "solutions/00-get-started/00-get-started.ipynb", "tests/wrong_answers/00.yaml",
                "grader_config.py", "gradebook.db", "submitted/a/00/00.ipynb", "atelier/modules/x.ipynb"):
        (kit / rel).parent.mkdir(parents=True, exist_ok=True)
        (kit / rel).write_text("x")
    (kit / ".venv/bin/python3").chmod(0o755)
    lock_kit(kit, os.getgid())

    assert others(kit) == 0o1, "the kit's root is crossed, never listed"
    for rel in (".venv/bin/python3", "src/sahelkit/load.py", "modules/00-cours-get-started.ipynb", "datasets/README.md",
                "datasets/mali/calls.csv", "datasets/mali/profile.yaml"):
        assert others(kit / rel) & 0o4, rel
    assert others(kit / ".venv/bin/python3") == 0o5
    for rel in ("datasets/mali/truth", "datasets/mali/truth/networks.csv", "datasets/profiles", "solutions",
                "solutions/00-get-started/00-get-started.ipynb", "tests", "grader_config.py", "gradebook.db",
                "submitted", "atelier"):
        assert others(kit / rel) == 0, rel
    solutions = os.stat(kit / "solutions")
    assert solutions.st_mode & stat.S_ISGID and solutions.st_mode & 0o070 == 0o070, "trainers get the owner's rights"
    assert lock_kit(kit, os.getgid()) == 0, "a second start changes nothing"


def test_a_folder_is_private_until_named_public():
    kit = Path("/nonexistent")
    assert not is_public(("notes-du-formateur",), kit)
    assert not is_public(("datasets", "mali", "truth", "networks.csv"), kit)
    assert is_public((".venv", "lib"), kit) and is_public(("datasets",), kit)
    # the English teaching notebooks are copied by participants' servers; the English solutions are not theirs
    assert is_public(("en",), kit) and is_public(("en", "modules", "00-cours-get-started.ipynb"), kit)
    assert not is_public(("en", "solutions", "00-get-started"), kit) and not is_public(("en", "exercises"), kit)
    assert is_public(("datasets", "LISEZMOI.md"), kit)
