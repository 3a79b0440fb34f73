"""Module 11 writes its briefing note (HTML and Word) beside the notebook, as module 13 writes its proposal:
neither the participant's bundle nor the workspace refresh may carry one case's note to everyone."""
from __future__ import annotations

from pathlib import Path

import pytest

from sahelkit import workspace
from sahelkit.course import bundle

NOTES = ["note_synthese_mali.html", "note_synthese_mali.docx", "note_synthese_niger-2.docx"]


@pytest.mark.parametrize("name", NOTES)
def test_a_briefing_note_left_beside_the_module_is_not_shipped(name):
    assert bundle.generated(Path("modules") / name)
    assert workspace._skipped(Path("modules") / name)


def test_the_module_itself_is_shipped():
    assert not bundle.generated(Path("modules/11-cours-products.ipynb"))
    assert not workspace._skipped(Path("modules/11-cours-products.ipynb"))
