"""exercises/ is exactly what `nbgrader generate_assignment` makes from solutions/, and leaks
nothing: no solution, no hidden test, no ground truth; in both languages (en/exercises/ from
en/solutions/, with the English stubs). Regenerate with `make exercises`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import ASSIGNMENTS, LANGUAGES, REPO, in_language, make_course, nbgrader

LEAKS = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
         "BEGIN MARK SCHEME", "load_truth", "truth/"]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    made: dict[str, Path] = {}

    def exercises(lang: str) -> Path:
        if lang not in made:
            course = make_course(tmp_path_factory.mktemp(f"release-{lang}"), ASSIGNMENTS, lang)
            for name in ASSIGNMENTS:
                nbgrader(["generate_assignment", name, "--force"], course, lang=lang)
            made[lang] = course / in_language(REPO / "exercises", lang).relative_to(REPO)
        return made[lang]
    return exercises


def _files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_exercises_match_generated(released, name: str, lang: str):
    committed, fresh = _files(in_language(REPO / "exercises", lang) / name), _files(released(lang) / name)
    assert committed.keys() == fresh.keys(), "exercises/ has drifted from solutions/: run `make exercises`"
    for rel, path in fresh.items():
        if path.suffix == ".ipynb":
            same = json.loads(path.read_text(encoding="utf-8")) == \
                json.loads(committed[rel].read_text(encoding="utf-8"))
        else:
            same = path.read_bytes() == committed[rel].read_bytes()
        assert same, f"exercises/{name}/{rel} differs from what generate_assignment makes: run `make exercises`"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_exercises_leak_nothing(name: str, lang: str):
    for path in (in_language(REPO / "exercises", lang) / name).rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for marker in LEAKS:
                assert marker not in text, f"{path.relative_to(REPO)} contains {marker!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_solution_is_released(lang: str):
    assert ASSIGNMENTS, "solutions/ holds no assignment"
    released = sorted(p.name for p in in_language(REPO / "exercises", lang).iterdir() if p.is_dir())
    assert released == ASSIGNMENTS
