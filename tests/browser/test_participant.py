"""The participant's JupyterLab (`make lab`) in headless Chromium: nothing of the trainer's in reach,
and an exercise handed in from the browser all the way to `sahelkit grade`.

`make lab` serves a workspace (atelier/) built from a copy of the kit that holds everything
(solutions/, truth/, grader_config.py): the test asks for those through the file browser, /files/,
/api/contents/ and Formgrader's address, and looks for nbgrader's instructor panels. Then it plays
a participant: the Assignments panel fetches exercise 00 again after its folder was deleted,
Submit hands in an answered copy, `make handin`'s command writes the zip for the USB stick, and
`sahelkit grade` grades it exactly as plain `nbgrader autograde` grades the same notebook.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from sahelkit.grading import simulate
from sahelkit.workspace import COURSE_ID, INSTRUCTOR_PLUGINS, normalise_id
from tests.helpers import (
    CHROMIUM_ARGS,
    COUNTRIES,
    PARTICIPANT,
    chromium_or_skip,
    gradebook_scores,
    make_course,
    nbgrader,
    notebook_panel,
    open_menu,
    run_grade,
    shot,
    start_lab,
    stop_lab_process,
)

pytestmark = pytest.mark.browser

ASSIGNMENT = "00-get-started"
EXERCISE = f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
COUNTRY = COUNTRIES[0]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    chromium_or_skip()
    server = start_lab(tmp_path_factory.mktemp("participant"), token=secrets.token_hex(16))
    try:
        yield server
    finally:
        stop_lab_process(server.proc)


@pytest.fixture
def page(lab):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR").new_page()
            page.set_default_timeout(60_000)
            page.goto(lab.url)
            notebook_panel(page, "modules/index.ipynb")
            yield page
        finally:
            browser.close()


def status(lab, path: str, method: str = "GET") -> int:
    request = urllib.request.Request(f"{lab.base}{path}", method=method,
                                     headers={"Authorization": f"token {lab.token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def api(lab, path: str, method: str = "GET", body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{lab.base}{path}", data=data, method=method,
                                     headers={"Authorization": f"token {lab.token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        text = resp.read()
    return json.loads(text) if text else None


def test_the_trainer_s_material_is_out_of_reach(lab, page):
    """No URL of the participant's server reaches solutions, truth, tests or the gradebook."""
    truth = sorted((lab.course / "datasets" / COUNTRY / "truth").glob("*"))
    assert truth and (lab.course / "solutions" / ASSIGNMENT).is_dir(), "the copied kit lacks what the test asks for"
    secret = [f"solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", f"datasets/{COUNTRY}/truth/{truth[0].name}",
              "grader_config.py", "nbgrader_config.py", "tests"]
    for rel in secret:
        for prefix in ("/files/", "/api/contents/", f"/files/{lab.root.name}/../", "/api/contents/../"):
            assert status(lab, prefix + rel) in (400, 403, 404), f"{prefix}{rel} is served to the participant"
    assert status(lab, f"/api/contents/datasets/{COUNTRY}/truth") == 404
    assert status(lab, "/formgrader") == 404, "Formgrader's pages are served to the participant"
    assert status(lab, "/api/terminals") == 404, "the participant's server opens terminals"
    top = {item["name"] for item in api(lab, "/api/contents")["content"]}
    assert top == {"modules", "exercises", "datasets"}, top
    case = {item["name"] for item in api(lab, f"/api/contents/datasets/{COUNTRY}")["content"]}
    assert "truth" not in case and len(case) > 3, case

    # The file browser shows the same three folders.
    names = page.locator(".jp-DirListing-content .jp-DirListing-itemText")
    expect(names.first).to_be_visible()
    page.locator(".jp-BreadCrumbs-home").click()
    expect(names).to_have_count(3)
    assert set(names.all_inner_texts()) == {"modules", "exercises", "datasets"}

    # nbgrader: the Assignments list and Validate stay, the instructor panels are gone.
    config = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)")
    assert set(INSTRUCTOR_PLUGINS) <= set(config["disabledExtensions"]), config["disabledExtensions"]
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click()
    menu = page.locator(".lm-Menu").last
    expect(menu.locator('[data-command="nbgrader:open-assignment-list"]')).to_be_visible()
    shot(page, "participant-01-nbgrader-menu")
    # nbgrader's menu adds every item; an item whose plugin is disabled has no command and is hidden.
    for command in ("open-formgrader", "open-formgrader-local", "open-create-assignment", "open-course-list"):
        expect(menu.locator(f'[data-command="nbgrader:{command}"]')).to_be_hidden()
    assert [t.strip() for t in menu.locator(".lm-Menu-itemLabel").all_inner_texts() if t.strip()] == \
        ["Assignment List"], menu.inner_text()
    page.keyboard.press("Escape")
    assert page.locator("#nbgrader-create_assignemnt, .lm-TabBar-tab[title*='Create Assignment']").count() == 0
    notebook_panel(page, "modules/index.ipynb").locator(".jp-Notebook").click()
    open_menu(page, "View")
    assert "Create Assignment" not in page.locator(".lm-Menu").last.inner_text()
    page.keyboard.press("Escape")


def answered(tmp_path) -> nbformat.NotebookNode:
    """Exercise 00 with half of its parts answered right, as a participant would hand it in."""
    course = make_course(tmp_path / "answers", [ASSIGNMENT])
    release = simulate.release_notebooks(course, ASSIGNMENT)
    ids = simulate.answer_ids(release[ASSIGNMENT])
    return simulate.participant_notebook(course, ASSIGNMENT, ASSIGNMENT, set(ids[: len(ids) // 2]), release)


# What the page holds when a click in the Assignments panel does not land: the main area's tabs,
# how many Assignments panels exist, and which of their buttons show.
PANEL_STATE_JS = """() => ({
    tabs: Array.from(document.querySelectorAll('#jp-main-dock-panel .lm-TabBar-tab')).map(
        t => t.textContent + (t.classList.contains('lm-mod-current') ? ' (current)' : '')),
    lists: document.querySelectorAll('#released_assignments_list').length,
    buttons: Array.from(document.querySelectorAll(
        '#released_assignments_list button, #fetched_assignments_list button')).map(
        b => b.textContent + ':' + (b.offsetParent === null ? 'hidden' : 'shown')),
})"""


def click_in_assignments(page, tab, button, name: str, tries: int = 6) -> None:
    """Click a button of nbgrader's Assignments panel. The panel redraws its lists while it polls the
    exchange, so on a busy machine the button can be replaced under the click: it is tried again (the
    test still fails if it never lands). JupyterLab may also bring the landing notebook back to the
    front while it restores its layout, hiding the panel: its tab is made current before each try.
    A click that never lands fails with a screenshot and the panel's state."""
    for _ in range(tries):
        try:
            tab.click(timeout=10_000)
            button.click(timeout=20_000)
            return
        except PlaywrightTimeout:
            pass
    shot(page, f"participant-{name}-failed")
    raise AssertionError(f"the {name} click never landed: {page.evaluate(PANEL_STATE_JS)}")


def test_fetch_submit_hand_in_and_grade(lab, page, tmp_path):
    # A participant who deleted the exercise to start again fetches it from the Assignments panel.
    api(lab, f"/api/contents/exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", "DELETE")
    api(lab, f"/api/contents/exercises/{ASSIGNMENT}", "DELETE")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click()
    page.locator('.lm-Menu-item[data-command="nbgrader:open-assignment-list"]').click()
    released = page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)
    expect(released).to_be_visible(timeout=60_000)
    expect(page.locator("#course_list_dropdown, #assignments")).not_to_have_count(0)
    shot(page, "participant-02-assignments")
    assignments_tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="Assignments")
    click_in_assignments(page, assignments_tab, released.locator("button", has_text="Fetch"), "fetch")
    fetched = page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT)
    expect(fetched.first).to_be_visible(timeout=60_000)
    assert (lab.root / EXERCISE).is_file(), "Fetch did not bring the exercise back into exercises/"

    # The participant answers (written through the server, as JupyterLab saves) and submits.
    work = answered(tmp_path)
    api(lab, f"/api/contents/{EXERCISE}", "PUT", {"type": "notebook", "format": "json", "content": work})
    click_in_assignments(page, assignments_tab, fetched.first.locator("button", has_text="Submit"), "submit")
    submitted = page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT)
    expect(submitted.first).to_be_visible(timeout=60_000)
    shot(page, "participant-03-submitted")
    inbound = sorted((lab.root / ".sahelkit" / "echange" / COURSE_ID / "inbound").iterdir())
    assert [p.name.split("+")[0] for p in inbound] == [normalise_id(PARTICIPANT)], inbound

    # `make handin` writes one zip, named after the participant, on the stick.
    stick = tmp_path / "cle"
    stick.mkdir()
    handin = subprocess.run([sys.executable, "-m", "sahelkit.workspace", "handin", "--workspace", str(lab.root),
                             "--to", str(stick)], text=True, capture_output=True, timeout=120)
    assert handin.returncode == 0, handin.stderr
    assert [p.name for p in stick.iterdir()] == [f"{normalise_id(PARTICIPANT)}.zip"]
    with zipfile.ZipFile(stick / f"{normalise_id(PARTICIPANT)}.zip") as zf:
        handed = nbformat.reads(zf.read(f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb").decode(), as_version=4)
    assert [c.source for c in handed.cells] == [c.source for c in work.cells]

    # `sahelkit grade` collects the stick as it is; its grades are plain nbgrader's.
    course = make_course(tmp_path / "trainer", [ASSIGNMENT])
    started = time.monotonic()
    graded = run_grade(course, ASSIGNMENT, "--submissions", str(stick))
    assert graded.returncode in (0, 1), graded.stdout + graded.stderr[-3000:]
    print(f"sahelkit grade: {time.monotonic() - started:.1f} s")
    plain = make_course(tmp_path / "plain", [ASSIGNMENT])
    shutil.copytree(course / "submitted", plain / "submitted")
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], plain)
    nbgrader(["autograde", ASSIGNMENT, "--force"], plain, country=COUNTRY)
    ours, theirs = gradebook_scores(course, ASSIGNMENT), gradebook_scores(plain, ASSIGNMENT)
    assert ours and ours == theirs
    points = [value[0] for key, value in ours.items() if len(key) == 2 and key[0] == normalise_id(PARTICIPANT)
              and value[0]]
    assert points, f"the answered parts earned nothing: {ours}"
