"""A country is a profile file: the country list is read from the files, never written in code."""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml

import sahelkit
from sahelkit.countries import (
    UnknownCountryError,
    available,
    countries_in,
    country_help,
    known,
    read_identity,
    resolve_country,
)
from sahelkit.profiles import load_profile, profile_path
from tests.helpers import COUNTRIES, PROFILE_FIXTURES, REPO, docstring_positions, read_profile

SENEGAL = PROFILE_FIXTURES / "senegal.yaml"


def test_the_country_list_is_the_profile_files():
    files = {p.stem: read_profile(p)["iso"] for p in (REPO / "datasets" / "profiles").glob("*.yaml")}
    assert sahelkit.COUNTRIES == files and list(sahelkit.COUNTRIES) == COUNTRIES


def test_a_profile_in_the_data_folder_is_a_country(tmp_path, monkeypatch):
    (tmp_path / "profiles").mkdir()
    shutil.copy(SENEGAL, tmp_path / "profiles" / "senegal.yaml")
    with pytest.raises(UnknownCountryError, match="pays inconnu « SN » ; pays disponibles : .*mali \\(ML\\)"):
        resolve_country("SN")
    monkeypatch.setenv("SAHELKIT_DATA", str(tmp_path))
    assert resolve_country("SN") == resolve_country("senegal") == resolve_country("Senegal") == "senegal"
    assert profile_path("sn") == tmp_path / "profiles" / "senegal.yaml"
    assert load_profile("SN")["name"] == "Sénégal"
    assert "senegal (SN)" in available() and "senegal (SN)" in country_help()
    assert set(known()) == set(COUNTRIES) | {"senegal"}


def test_the_profile_copy_of_a_case_folder_is_a_country(tmp_path, monkeypatch):
    """A generated case carries a copy of its profile: <case>/profile.yaml names its country."""
    (tmp_path / "senegal").mkdir()
    shutil.copy(SENEGAL, tmp_path / "senegal" / "profile.yaml")
    assert countries_in(tmp_path) == {"senegal": "SN"}
    monkeypatch.setenv("SAHELKIT_DATA", str(tmp_path))
    assert resolve_country("sn") == "senegal"
    assert profile_path("SN") == tmp_path / "senegal" / "profile.yaml"


def test_identity_is_read_from_the_top_level_lines(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text('# a comment\nname: X\nslug: "guinee"   # the file name\niso: gn\nphone:\n  iso: ML\n',
                    encoding="utf-8")
    entry = read_identity(path)
    assert (entry.slug, entry.iso) == ("guinee", "GN")
    path.write_text("name: no slug here\n", encoding="utf-8")
    assert read_identity(path) is None  # loading it by its path gives the full error


def test_the_default_country_is_the_first_present(monkeypatch, tmp_path):
    monkeypatch.delenv("SAHELKIT_COUNTRY", raising=False)
    assert resolve_country(None) == COUNTRIES[0]
    (tmp_path / "profiles").mkdir()
    shutil.copy(SENEGAL, tmp_path / "profiles" / "senegal.yaml")
    for slug in COUNTRIES[-2:]:
        shutil.copytree(REPO / "datasets" / slug, tmp_path / slug, ignore=shutil.ignore_patterns("truth"))
    monkeypatch.setenv("SAHELKIT_DATA", str(tmp_path))
    assert sahelkit.load().country == COUNTRIES[-2]  # the first case present, not the first profile


# --------------------------------------------------------------------------- nothing names a country
def _countries() -> dict[str, set[str]]:
    """Every slug, ISO code and currency of the shipped profiles and of the test fixture."""
    names: dict[str, set[str]] = {"slug": set(), "iso": set(), "currency": set()}
    for path in [*sorted((REPO / "datasets" / "profiles").glob("*.yaml")), SENEGAL]:
        p = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in names:
            names[key].add(p[key])
    return names


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module that act in code: not docstrings, not a schema column's example."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstring_positions(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("C", "Column") and len(node.args) > 3:
            skip.add((node.args[3].lineno, node.args[3].col_offset))  # the example shown in the data dictionary
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and (n.lineno, n.col_offset) not in skip]


def test_no_country_is_named_in_the_code():
    names = _countries()
    wanted = names["slug"] | names["iso"] | names["currency"]
    found = [f"{path.relative_to(REPO)}:{line}: {value!r}"
             for path in sorted((REPO / "src" / "sahelkit").rglob("*.py"))
             for line, value in _code_strings(path) if value.strip() in wanted]
    assert found == []
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert [s for s in names["slug"] if re.search(rf"\b{s}\b", makefile)] == []
