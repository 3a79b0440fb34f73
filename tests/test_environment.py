"""The set-up is what the README promises: pins agree, the two commands exist, CI calls them."""
from __future__ import annotations

import re
import tomllib

import yaml

from tests.helpers import REPO


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    pins = {}
    for spec in specs:
        name, _, version = spec.partition("==")
        assert version, f"pyproject.toml: {spec!r} is not pinned with =="
        pins[name.lower()] = version
    return pins


def _environment_pins() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*==?\s*([0-9][^\s]*)", entry)
            if match and match.group(1) != "python":
                pins[match.group(1).lower()] = match.group(2)
    return pins


def test_environment_yml_has_the_same_pins_as_pyproject():
    assert _environment_pins() == _pyproject_pins()


def test_lock_file_agrees_with_pyproject():
    lock = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.strip().split("==")
            lock[name.lower().replace("_", "-")] = version
    for name, version in _pyproject_pins().items():
        assert lock.get(name.replace("_", "-")) == version, f"requirements.lock pins {name} differently"


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make lab" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:", makefile, re.M) and re.search(r"^lab:", makefile, re.M)


def test_nbgrader_config_is_a_shim():
    lines = [line for line in (REPO / "nbgrader_config.py").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == 2 and "grader_config.py" in lines[1]


def test_slow_iri_checker_is_not_installed():
    """`make setup` removes rfc3987-syntax: imported by jsonschema, it costs 2-3 s at every start
    of jupyter lab and nbgrader. Notebooks still validate without it."""
    import importlib.util

    import nbformat
    assert importlib.util.find_spec("rfc3987_syntax") is None
    nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]))
