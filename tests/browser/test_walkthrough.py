"""The kit in a real browser: JupyterLab as `make lab` starts it, driven in headless Chromium.

What a participant and a trainer meet on day one: in the participant's lab (`make lab`) the
landing notebook opens, the Nbgrader menu is there, no pop-up asks to fetch news (the workshop is
offline), an exercise runs down to its first unanswered stub, ipywidgets render and nbgrader's
Validate button runs the validator; in the trainer's lab (`make lab-trainer`) Formgrader lists the
course's assignments. A screenshot of each step is saved in screenshots/ (git-ignored) for a person
to look at.
"""
from __future__ import annotations

import re
import secrets
import subprocess
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from sahelkit.course.curriculum import teaching_name
from tests.helpers import (
    BIN,
    CHROMIUM_ARGS,
    chromium_or_skip,
    notebook_panel,
    private_jupyter_env,
    run_all_cells,
    start_lab,
    stop_lab_process,
    tab_title,
)
from tests.helpers import shot as helpers_shot

pytestmark = pytest.mark.browser

ASSIGNMENT = "01-intelligence-cycle"
EXERCISE = f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
TEACHING = f"modules/{teaching_name(ASSIGNMENT)}"
LANDING = "modules/index.ipynb"

# Generous: kernels start slowly on a 2-core laptop with other tests running beside them.
KERNEL_MS = 60_000
RUN_MS = 90_000


def test_lab_extensions_are_enabled(tmp_path):
    """nbgrader's and ipywidgets' JupyterLab extensions are installed and enabled in the venv."""
    proc = subprocess.run([str(BIN / "jupyter"), "labextension", "list"], text=True,
                          env=private_jupyter_env(tmp_path), capture_output=True, timeout=120)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)  # drop colour codes
    for name in ("@jupyter/nbgrader", "@jupyter-widgets/jupyterlab-manager"):
        assert re.search(rf"^\s*{re.escape(name)} v\S+ enabled\s+OK", listing, re.M), \
            f"{name} is not 'enabled OK' in `jupyter labextension list`:\n{listing}"


@pytest.fixture
def chromium():
    return chromium_or_skip()


@pytest.fixture
def lab(tmp_path, chromium):
    server = start_lab(tmp_path, token=secrets.token_hex(16))
    try:
        yield server
    finally:
        stop_lab_process(server.proc)


@pytest.fixture
def page(chromium):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.t0 = time.monotonic()
            yield page
        finally:
            browser.close()


def shot(page, name: str) -> None:
    """helpers.shot, with the time since the walk began: a failure report shows how long each step took."""
    helpers_shot(page, name)
    print(f"{time.monotonic() - page.t0:6.1f} s")


def unexpected_errors(cells: list[dict]) -> list[dict]:
    """Error or stderr output other than the NotImplementedError of an unanswered stub."""
    return [c for c in cells for e in c["errors"] if "NotImplementedError" not in e]


@pytest.fixture
def trainer_lab(tmp_path, chromium):
    server = start_lab(tmp_path / "trainer", token=secrets.token_hex(16), target="lab-trainer")
    try:
        yield server
    finally:
        stop_lab_process(server.proc)


def test_participant_walkthrough(lab, page):
    # 1. The address `make lab` prints opens the landing notebook, with the Nbgrader menu.
    print(f"JupyterLab log: {lab.log}")
    page.goto(lab.url)
    page.locator("#jp-main-dock-panel li.lm-TabBar-tab").first.wait_for(state="attached")  # lab is up
    try:
        landing = notebook_panel(page, LANDING, timeout=30_000)
    except PlaywrightTimeout:
        shot(page, "01-landing")
        pytest.fail(f"the address `make lab` prints ({lab.url.split('?')[0]}?token=...) does not open "
                    f"{LANDING}: JupyterLab only opens a file given on its command line when it launches "
                    "the browser itself; add --LabApp.default_url=/lab/tree/modules/index.ipynb to the "
                    "Makefile's lab target so that the printed address opens it")
    landing.locator(".jp-RenderedMarkdown h1").first.wait_for(state="visible")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).wait_for(state="visible")
    # Its one code cell is the participant's "does everything work?" check: run it.
    cells = run_all_cells(page, landing, lab, LANDING, timeout=RUN_MS)
    assert not [c for c in cells if c["errors"]], f"{LANDING} fails: {cells}"
    expect(landing.locator(".jp-CodeCell .jp-OutputArea-output").first).to_contain_text(re.compile(r"\S"))
    shot(page, "01-landing")
    config = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)")
    assert config.get("disabledExtensions", {}) and any(
        "announcements" in name for name in config["disabledExtensions"]), \
        "the announcements (news) plugin is not disabled: participants would be asked to fetch news"

    # 2. The landing notebook's link opens the exercise, which runs down to its first
    #    unanswered stub and fails only there.
    landing.locator("a", has_text=re.compile(r"^exercice 01$")).click()
    exercise = notebook_panel(page, EXERCISE)
    cells = run_all_cells(page, exercise, lab, EXERCISE, timeout=RUN_MS)
    exercise.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").first \
        .scroll_into_view_if_needed()
    shot(page, "02-exercise-run-all")
    assert cells and re.search(r"\[\d+\]", cells[0]["prompt"]), cells[:1]
    assert not cells[0]["errors"], f"the exercise's first cell fails: {cells[0]}"
    assert not unexpected_errors(cells), f"unexpected errors in {EXERCISE}: {unexpected_errors(cells)}"
    assert any("NotImplementedError" in e for c in cells for e in c["errors"]), \
        "Run All did not reach an unanswered stub (NotImplementedError)"

    # 3. nbgrader's Validate button runs the validator, which reports the unanswered parts.
    exercise.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.wait_for(state="visible", timeout=RUN_MS)
    text = dialog.inner_text()
    shot(page, "03-validate")
    assert re.search(r"fail|error", text, re.I), f"the Validate dialog does not report failures:\n{text}"
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    dialog.wait_for(state="detached")

    # 4. The landing notebook's link opens the teaching notebook, which runs clean; its
    #    ipywidgets drop-down renders and answers (a round trip through the kernel).
    page.locator(f'#jp-main-dock-panel li.lm-TabBar-tab{tab_title(LANDING)}').click()
    landing.locator("a", has_text=re.compile(r"^01\. ")).click()
    teaching = notebook_panel(page, TEACHING)
    cells = run_all_cells(page, teaching, lab, TEACHING, timeout=RUN_MS)
    errors = [c for c in cells if c["errors"]]
    assert not errors, f"{TEACHING} writes errors or warnings: {errors}"
    dropdown = ".jupyter-widgets.widget-dropdown select"
    select = teaching.locator(dropdown).first
    select.wait_for(state="visible", timeout=KERNEL_MS)
    output = teaching.locator(".jp-CodeCell", has=page.locator(dropdown)).locator(".widget-output").first
    expect(output).to_contain_text(re.compile(r"\S"), timeout=KERNEL_MS)
    before = output.inner_text()
    options = select.locator("option").all_inner_texts()
    assert len(options) > 1, f"the widget offers fewer than two choices: {options}"
    select.select_option(label=options[-1])
    expect(output).not_to_have_text(before, timeout=KERNEL_MS)
    select.scroll_into_view_if_needed()
    shot(page, "04-teaching-widget")

    # 5. Still no news pop-up after the whole session.
    toasts = page.locator(".Toastify__toast", has_text=re.compile(r"news|nouvelles", re.I))
    assert toasts.count() == 0, f"a news notification appeared: {toasts.all_inner_texts()}"


def test_trainer_opens_formgrader(trainer_lab, page):
    """`make lab-trainer` opens the whole kit, where Formgrader (Nbgrader menu) lists the course's assignments."""
    page.goto(trainer_lab.url)
    notebook_panel(page, LANDING)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click()
    page.locator('.lm-Menu-item[data-command="nbgrader:open-formgrader"]').click()
    frame = page.frame_locator("#jp-main-dock-panel iframe").first
    frame.locator("body", has_text=ASSIGNMENT).wait_for(state="visible", timeout=KERNEL_MS)
    frame.locator(f"a:text-is('{ASSIGNMENT}'), td:text-is('{ASSIGNMENT}')").first.wait_for(state="visible")
    shot(page, "05-formgrader")
