"""Module 08 (flow and maps): the notebooks' convoy window is the generator's. (Its solution on
another seed: tests/notebooks/test_other_seed.py.)"""
from __future__ import annotations

import nbformat
import pytest

from sahelkit.course.curriculum import teaching_name
from sahelkit.generator.signals import CONVOY_WINDOW_S, whole_minutes
from tests.helpers import REPO

NAME = "08-flow-and-maps"
NOTEBOOKS = [REPO / "modules" / teaching_name(NAME), REPO / "solutions" / NAME / f"{NAME}.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_the_convoy_window_is_the_generator_s(path):
    """'Together' in the notebooks is the window the generator keeps other pairs apart with."""
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    assert f"pd.Timedelta(minutes={whole_minutes(CONVOY_WINDOW_S)})" in text
    assert f"{whole_minutes(CONVOY_WINDOW_S)} minutes" in text
