"""The Validate button in Chromium, as a participant meets it: the dialog speaks French.

nbgrader's lab extension draws the dialog; the kit's server answers inside it (sahelkit.lab.validate)
and its custom.css puts French in place of the extension's English frame sentences. What the CSS shows
is read from the page (the ::before/::after content), and a screenshot of each dialog is kept.
"""
from __future__ import annotations

import secrets

import nbformat
import pytest
from playwright.sync_api import sync_playwright

from sahelkit.i18n import _
from sahelkit.lab.validate import NOTHING_TO_GRADE, PASSED
from tests.helpers import (
    CHROMIUM_ARGS,
    VALIDATE_DIALOG_JS,
    chromium_or_skip,
    notebook_panel,
    participant_notebook,
    start_lab,
    stop_lab_process,
)
from tests.helpers import shot as take_shot

pytestmark = pytest.mark.browser

EXERCISE = "exercises/00-get-started/00-get-started.ipynb"
TEACHING = "modules/00-cours-get-started.ipynb"
TYPO = 'seizures_per_town = seizures["towns"].value_counts()'
RUN_MS = 120_000




@pytest.fixture
def lab(tmp_path):
    chromium_or_skip()
    server = start_lab(tmp_path, token=secrets.token_hex(16))
    try:
        yield server
    finally:
        stop_lab_process(server.proc)


def _validate(page, lab, path: str, shot: str) -> dict:
    """Open `path`, press Validate, read the dialog, keep a screenshot, close it."""
    page.goto(f"{lab.base}/lab/tree/{path}?token={lab.token}")
    panel = notebook_panel(page, path)
    panel.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog:has(#validation-message)")
    dialog.wait_for(state="visible", timeout=RUN_MS)
    seen = dialog.evaluate(VALIDATE_DIALOG_JS)
    take_shot(page, shot)
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    dialog.wait_for(state="detached")
    return seen


def test_validate_speaks_french_in_the_browser(lab):
    nb = participant_notebook("00-get-started", {"00-seizures-per-town": TYPO})
    nbformat.write(nb, lab.root / EXERCISE)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR").new_page()
            page.set_default_timeout(60_000)

            typo = _validate(page, lab, EXERCISE, "validate-01-typo")
            assert typo["title"] == '"Validate : vérifications visibles"', typo
            assert typo["titleHeight"] > 10, typo
            assert typo["frame"] == ['"À corriger :"'], typo
            assert typo["body"][0] == TYPO and "KeyError: 'towns'" in typo["body"][1], typo

            nbformat.write(participant_notebook("00-get-started"), lab.root / EXERCISE)
            passed = _validate(page, lab, EXERCISE, "validate-02-visible-checks-pass")
            assert passed["frame"] == [f'"{_(PASSED)}"'], passed

            teaching = _validate(page, lab, TEACHING, "validate-03-teaching-notebook")
            assert teaching["body"] == [_(NOTHING_TO_GRADE)], teaching
            assert teaching["frame"] == ['"Validate :"'], teaching
        finally:
            browser.close()
