"""Module and exercise 09 read each number with a meaning from one place: the band watched under the
reporting threshold is the generator's (signals.STRUCTURING_WATCH), and no country's threshold or calling
code is written in figures in a notebook (they come from the profile)."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from sahelkit.generator import signals as S
from sahelkit.profiles import load_profile
from tests.helpers import COUNTRIES, REPO

NOTEBOOKS = [REPO / "modules" / "09-cours-mobile-money.ipynb",
             REPO / "solutions" / "09-mobile-money" / "09-mobile-money.ipynb",
             REPO / "exercises" / "09-mobile-money" / "09-mobile-money.ipynb"]


def _code(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_the_band_is_the_generators(path: Path):
    found = re.findall(r"^BANDE = ([0-9.]+)", _code(path), flags=re.M)
    assert found == [repr(S.STRUCTURING_WATCH)], f"{path.name}: BANDE should be set once to {S.STRUCTURING_WATCH}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_no_country_number_in_figures(path: Path):
    code = _code(path).replace("_", "")
    for country in COUNTRIES:
        profile = load_profile(country)
        for number in (profile["mobile_money"]["threshold"], profile["phone"]["calling_code"]):
            assert not re.search(rf"(?<![0-9.]){number}(?![0-9])", code), \
                f"{path.name} writes {number} ({country}) in figures: read it from case.profile"
