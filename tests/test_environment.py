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


def test_make_lab_explains_an_unsupported_python(tmp_path):
    """Before making the venv, `make lab` tells in French which Pythons work and how to name one."""
    import shutil
    import subprocess
    fake = tmp_path / "python3.14"
    fake.write_text('#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Python 3.14.0"; exit 0; fi\nexit 1\n')
    fake.chmod(0o755)
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(REPO / name, tmp_path / name)
    proc = subprocess.run(["make", "-s", "-C", str(tmp_path), "-f", str(REPO / "Makefile"), "lab",
                           f"PYTHON={fake}", f"VENV={tmp_path / 'venv'}"], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "Python 3.11, 3.12 ou 3.13" in proc.stderr and "Python 3.14.0" in proc.stderr
    assert "PYTHON=python3.12 make lab" in proc.stderr
    assert not (tmp_path / "venv").exists()


def test_make_and_pyproject_accept_the_same_pythons():
    import subprocess
    import sys
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11,<3.14"
    assert "Python 3.11, 3.12 or 3.13" in (REPO / "README.md").read_text(encoding="utf-8")
    proc = subprocess.run(["make", "-s", "-f", str(REPO / "Makefile"), "check-python", f"PYTHON={sys.executable}"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_bundle_offers_exactly_the_pythons_of_pyproject():
    from packaging.specifiers import SpecifierSet

    from sahelkit.course.bundle import PYTHON_VERSIONS
    accepted = SpecifierSet(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
                            ["project"]["requires-python"])
    minors = [f"3.{m}" for m in range(8, 20)]
    assert list(PYTHON_VERSIONS) == [v for v in minors if f"{v}.0" in accepted]
