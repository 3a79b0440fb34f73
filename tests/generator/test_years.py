"""A year is data: next year's workshop is this year's profile with its period moved, nothing else.

Every date of a case (birth dates, line activations, source recruitments, company registrations,
records, laboratory references) is counted from the profile's period, so moving the period one year
moves every date one year and changes nothing else.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize

import pandas as pd
import pytest

from sahelkit.generator.case import generate_case
from sahelkit.profiles import load_profile
from sahelkit.schema import BY_NAME
from tests.helpers import REPO, case_from_profile, docstring_positions, next_year, read_profile

YEAR = re.compile(r"\b(19|20)\d\d\b")


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """The same small Mali case in the profile's year and in the next."""
    mali = read_profile(REPO / "datasets" / "profiles" / "mali.yaml")
    this = generate_case(load_profile("mali"), calls=2000)
    folder = case_from_profile(tmp_path_factory.mktemp("next") / "datasets", next_year(mali), calls=2000)
    later = generate_case(load_profile(folder.parent / "profiles" / "mali.yaml"), calls=2000)
    return this, later


def _as_dates(s: pd.Series, kind: str, fmt: str | None = None) -> pd.Series:
    return pd.to_datetime(s.where(s != ""), format=fmt or ("%Y-%m-%d" if kind == "date" else "%Y-%m-%dT%H:%M:%S"))


def test_every_date_moves_one_year_and_nothing_else(two_years):
    this, later = two_years
    assert this.keys() == later.keys()
    for name, df in this.items():
        other = later[name]
        table = BY_NAME.get(name)
        kinds = {c.name: c.kind for c in table.columns} if table else {}
        for col in df.columns:
            if kinds.get(col) in ("date", "datetime"):
                shift = (_as_dates(other[col], kinds[col]) - _as_dates(df[col], kinds[col])).dropna().dt.days
                assert shift.between(365, 366).all(), (name, col, sorted(set(shift)))
            elif col in ("lab_ref", "registration_number"):  # they carry the year
                y = str(load_profile("mali")["period"]["start"].year)
                assert (df[col].str.replace(r"-(\d{4})-", lambda m: f"-{int(m[1]) + 1}-", regex=True)
                        == other[col]).all(), (name, col)
                if col == "lab_ref":
                    assert df[col].str.contains(f"-{y}-").all()
            elif name.startswith("extracts/") and col in ("birth_date", "recorded"):
                continue  # dates as each service writes them: moved too, in the service's format
            else:
                assert df[col].equals(other[col]), (name, col)


@pytest.mark.parametrize("path", sorted((REPO / "src" / "sahelkit" / "generator").glob("*.py"))
                         + [REPO / "src" / "sahelkit" / "profiles.py"], ids=lambda p: p.name)
def test_no_year_is_written_in_the_generator(path):
    """Years come from the profile's period: no year in a number or a text, docstrings and seeds aside."""
    text = path.read_text(encoding="utf-8")
    docstrings = docstring_positions(ast.parse(text))
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NUMBER and YEAR.fullmatch(tok.string) and "SEED" not in tok.line:
            found.append(f"{tok.start[0]}: {tok.line.strip()}")
        elif tok.type == tokenize.STRING and tok.start not in docstrings and YEAR.search(tok.string):
            found.append(f"{tok.start[0]}: {tok.line.strip()}")
    assert found == []
