"""A participant works exercise 00 in Chromium, once in a French workshop (`make lab`) and once in an
English one (`make lab LANG=en`): JupyterLab's menus, the notebook, what the kit's code prints, the
nbgrader stub and the Validate dialog are all in the workshop's language, and nothing of the other.

The participant types part 1 with a typo, runs it and reads the error, corrects it, runs the check
cell, saves, and presses Validate with parts 2 to 4 still to write.
"""
from __future__ import annotations

import re
import secrets

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from tests.helpers import (
    CHROMIUM_ARGS,
    REPO,
    VALIDATE_DIALOG_JS,
    chromium_or_skip,
    notebook_panel,
    shot,
    start_lab,
    stop_lab_process,
    wait_kernel_ready,
)

pytestmark = pytest.mark.browser

ASSIGNMENT = "00-get-started"
EXERCISE = f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
TYPO = 'seizures_per_town = seizures["towns"].value_counts()'
ANSWER = 'seizures_per_town = seizures["town"].value_counts()'
RUN_MS = 120_000

EXPECTED = {
    "fr": {"menus": {"Fichier", "Édition", "Affichage", "Exécution", "Noyau", "Paramètres", "Aide"},
           "heading": "Exercice 00", "printed": "Pays du cas :", "stub": "réponse pas encore écrite",
           "foreign": ["Exercise 00", "Case country", "answer not written yet"]},
    "en": {"menus": {"File", "Edit", "View", "Run", "Kernel", "Settings", "Help"},
           "heading": "Exercise 00", "printed": "Case country:", "stub": "answer not written yet",
           "foreign": ["Exercice 00", "Pays du cas", "réponse pas encore écrite", "Partie", "À corriger",
                       "votre cellule", "vérifications"]},
}


def _cell_index(grade_id: str) -> int:
    nb = nbformat.read(REPO / EXERCISE, as_version=4)
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _type_and_run(page, cell, code: str) -> None:
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    page.keyboard.press("Shift+Enter")
    _wait_run(cell)


def _wait_run(cell) -> None:
    """Until the cell's prompt shows its execution count: the kernel has run it (a slow laptop, or CI)."""
    expect(cell.locator(".jp-InputArea-prompt")).to_have_text(re.compile(r"\[\d+\]"), timeout=RUN_MS)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_participant_works_exercise_00_in_the_workshop_s_language(tmp_path, lang: str):
    chromium_or_skip()
    want = EXPECTED[lang]
    lab = start_lab(tmp_path, token=secrets.token_hex(16), lang=lang)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)
            try:
                page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
                page.set_default_timeout(RUN_MS)
                page.goto(f"{lab.base}/lab/tree/{EXERCISE}?token={lab.token}")
                panel = notebook_panel(page, EXERCISE)
                menus = {t.strip() for t in page.locator(".lm-MenuBar-itemLabel").all_inner_texts()}
                assert want["menus"] <= menus, f"JupyterLab's menus in a {lang} workshop: {sorted(menus)}"
                expect(panel.locator(".jp-MarkdownOutput h1").first).to_contain_text(want["heading"])
                wait_kernel_ready(lab, EXERCISE)

                cells = panel.locator(".jp-Notebook .jp-Cell")
                setup = cells.nth(_cell_index("00-setup"))
                setup.locator(".cm-content").click()
                page.keyboard.press("Shift+Enter")
                _wait_run(setup)
                expect(setup.locator(".jp-OutputArea-output").first).to_contain_text(want["printed"], timeout=RUN_MS)

                answer = cells.nth(_cell_index("00-seizures-per-town"))
                _type_and_run(page, answer, TYPO)
                expect(answer.locator(".jp-OutputArea-output")).to_contain_text("KeyError", timeout=RUN_MS)
                shot(page, f"languages-{lang}-01-typo")
                _type_and_run(page, answer, ANSWER)
                expect(answer.locator(".jp-OutputArea-output")).to_have_count(0, timeout=RUN_MS)
                check = cells.nth(_cell_index("00-seizures-per-town-test"))
                check.locator(".cm-content").click()
                page.keyboard.press("Shift+Enter")
                _wait_run(check)
                expect(check.locator(".jp-OutputArea-output")).to_have_count(0)
                page.keyboard.press("Control+s")

                panel.locator(".validate-button").click()
                dialog = page.locator(".jp-Dialog:has(#validation-message)")
                # Under load the server may see the file as newer than the page's copy (JupyterLab's
                # "File Changed" dialog): the participant keeps the open version, which is their work.
                changed = page.locator(".jp-Dialog:not(:has(#validation-message)) .jp-Dialog-button.jp-mod-warn")
                try:
                    dialog.or_(changed).first.wait_for(state="visible", timeout=RUN_MS)
                    if changed.is_visible():
                        changed.click()
                    dialog.wait_for(state="visible", timeout=RUN_MS)
                except PlaywrightTimeout:
                    shot(page, f"languages-{lang}-validate-never-answered")
                    raise
                text = dialog.inner_text()
                seen = dialog.evaluate(VALIDATE_DIALOG_JS)  # what the kit's CSS writes around the message
                text += "\n" + seen["title"] + "\n" + "\n".join(seen["frame"])
                shot(page, f"languages-{lang}-02-validate")
                assert want["stub"] in text, text
                page_text = page.locator("body").inner_text()
                for foreign in want["foreign"]:
                    assert foreign not in page_text + text, f"{foreign!r} in a {lang} workshop"
            finally:
                browser.close()
    finally:
        stop_lab_process(lab.proc)
