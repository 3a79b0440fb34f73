"""The classroom server (`make hub`) in headless Chromium, with real accounts: the whole nbgrader cycle.

`make hub`'s own command line (read with `make -n hub`) starts JupyterHub on loopback for a copy of
the kit, with a roster of one trainer and three participants, each a system user it makes. The
trainer releases exercise 00 from Formgrader; each participant signs in, fetches it in the
Assignments panel, answers it (right, wrong, blank) and submits; the first checks from a notebook
that the kernel reads the workshop's case data and is refused another's work, the solutions and the
truth, and Validate answers in French. The trainer collects in Formgrader, grades with
`sahelkit grade` as their own account, and the grades are plain nbgrader's for the same notebooks;
feedback is released in Formgrader and each participant fetches it.

The hub, its proxy and every server are stopped at the end, whatever happened, and the accounts
the hub made are removed by `python -m sahelkit.hub remove-accounts` (it removes no other).
On a machine whose Python lives under a folder other accounts cannot cross (pyenv under /root),
the test lets them cross it (o+x, nothing listed) while it runs, and puts the mode back after.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from sahelkit.grading import simulate
from sahelkit.hub.accounts import user_exists
from sahelkit.hub.config import HubSettings, server_environment
from sahelkit.workspace import COURSE_ID
from tests.helpers import (
    CHROMIUM_ARGS,
    COUNTRIES,
    RUNUSER,
    SHOTS,
    chromium_or_skip,
    gradebook_scores,
    hub_login,
    make_course,
    nbgrader,
    notebook_panel,
    open_menu,
    proxy_or_skip,
    python_crossable_by_all,
    root_or_skip,
    shot,
    start_hub,
    stop_hub,
    wait_hub_lab,
    wrong_answers,
)

pytestmark = pytest.mark.browser

ASSIGNMENT = "00-get-started"
EXERCISE = f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
COUNTRY = COUNTRIES[0]
TAG = secrets.token_hex(2)
TRAINER = f"hub{TAG}.awa"
RIGHT, WRONG, BLANK = f"hub{TAG}.aminata", f"hub{TAG}.moussa", f"hub{TAG}.fatou"
PEOPLE = [(TRAINER, "Awa", "Diop", "formateur"), (RIGHT, "Aminata", "Traoré", ""),
          (WRONG, "Moussa", "Diallo", "participant"), (BLANK, "Fatou", "Sow", "participant")]


@pytest.fixture(scope="module")
def hub():
    chromium_or_skip()
    root_or_skip()
    proxy_or_skip()
    assert not any(user_exists(p[0]) for p in PEOPLE), "the test's logins exist already on this machine"
    base = Path(tempfile.mkdtemp(prefix="sahelkit-hub-"))
    base.chmod(0o755)
    server = None
    with python_crossable_by_all():
        try:
            server = start_hub(base, PEOPLE, COUNTRY)
            yield server
        finally:
            try:
                if server is not None:
                    stop_hub(server)
                    SHOTS.mkdir(exist_ok=True)
                    shutil.copy(server.log, SHOTS / "hub.log")  # the hub's and every server's log, to read after
            finally:
                shutil.rmtree(base, ignore_errors=True)
        assert not any(user_exists(p[0]) for p in PEOPLE), "an account the hub made is still there"


def put_notebook(page, login: str, path: str, nb) -> int:
    """Save a notebook into the account's server as JupyterLab does (contents API, with the XSRF cookie)."""
    return page.evaluate("""async ([url, model]) => {
        const xsrf = decodeURIComponent((document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '');
        const r = await fetch(url, {method: 'PUT', headers: {'X-XSRFToken': xsrf, 'Content-Type': 'application/json'},
                                    body: JSON.stringify(model)});
        return r.status;
    }""", [f"/user/{login}/api/contents/{path}", {"type": "notebook", "format": "json", "content": nb}])


def open_assignments(page):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click(timeout=120_000)
    page.locator('.lm-Menu-item[data-command="nbgrader:open-assignment-list"]').click()


def click_retrying(locator, attempts: int = 6) -> None:
    """nbgrader's panel redraws its lists while it polls the exchange: a button can be replaced under the click."""
    for attempt in range(attempts):
        try:
            locator.click(timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def formgrader(page, login: str, base: str, action: str) -> None:
    """In the trainer's Formgrader (Manage Assignments), press `action` on exercise 00 and close the success box."""
    page.goto(f"{base}/user/{login}/formgrader/manage_assignments")
    row = page.locator("tr", has=page.locator("td a", has_text=re.compile(rf"^{ASSIGNMENT}$")))
    row.locator(f".{action} a").click()
    ok = page.locator("#success-modal")
    expect(ok).to_be_visible(timeout=180_000)
    page.wait_for_timeout(500)  # the box fades in: the screenshot shows it whole
    shot(page, f"hub-trainer-{action}")
    ok.locator("button").first.click()


def answers() -> dict[str, nbformat.NotebookNode]:
    """Exercise 00 as each participant hands it in: every part right, one plausible mistake, untouched."""
    course = make_course(Path(tempfile.mkdtemp(prefix="sahelkit-answers-")), [ASSIGNMENT])
    try:
        release = simulate.release_notebooks(course, ASSIGNMENT)
        right = simulate.participant_notebook(course, ASSIGNMENT, ASSIGNMENT, None, release)
        mistake = wrong_answers(ASSIGNMENT)[0]
        wrong = simulate.participant_notebook(course, ASSIGNMENT, ASSIGNMENT, None, release)
        for cell in wrong.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in mistake["cells"]:
                cell.source = mistake["cells"][gid]
        return {RIGHT: right, WRONG: wrong, BLANK: release[ASSIGNMENT]}
    finally:
        shutil.rmtree(course, ignore_errors=True)


def probe(hub) -> nbformat.NotebookNode:
    """A notebook a participant runs: the case it reads, widgets, and what it may open of others'."""
    targets = {
        "another participant's exercise": f"/home/{WRONG}/atelier/{EXERCISE}",
        "another participant's home": f"/home/{WRONG}",
        "the solutions": str(hub.kit / "solutions"),
        "the solution of exercise 00": str(hub.kit / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        "the truth": str(hub.kit / "datasets" / COUNTRY / "truth"),
        "the grader's settings": str(hub.kit / "grader_config.py"),
        "the submissions in the exchange": str(hub.exchange / COURSE_ID / "inbound"),
    }
    code = (
        "import json, pathlib, ipywidgets, sahelkit\n"
        f"targets = {targets!r}\n"
        "seen = {}\n"
        "for name, path in targets.items():\n"
        "    p = pathlib.Path(path)\n"
        "    try:\n"
        "        list(p.iterdir()) if p.is_dir() else p.read_bytes()\n"
        "        seen[name] = 'read'\n"
        "    except PermissionError:\n"
        "        seen[name] = 'refused'\n"
        "    except FileNotFoundError:\n"
        "        seen[name] = 'missing'\n"
        "print('PROBE ' + json.dumps({'country': sahelkit.load().country, 'files': seen,\n"
        "                             'widgets': ipywidgets.__version__}))\n")
    kernel = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)], metadata={"kernelspec": kernel})


def run_probe(page, hub, login: str) -> dict:
    assert put_notebook(page, login, "essai.ipynb", probe(hub)) in (200, 201)
    page.goto(f"{hub.base}/user/{login}/lab/tree/essai.ipynb")
    panel = notebook_panel(page, "essai.ipynb", timeout=120_000)
    panel.locator(".jp-Notebook").click(position={"x": 5, "y": 5})  # make this notebook the current one
    open_menu(page, "Run")
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]:not(.lm-mod-disabled)').click()
    out = panel.locator(".jp-OutputArea-output", has_text="PROBE")
    try:
        out.wait_for(timeout=120_000)
    except PlaywrightTimeout:
        shot(page, "hub-participant-probe-failed")
        texts = page.locator('.jp-OutputArea').all_inner_texts()
        raise AssertionError(f"the probe notebook printed nothing: {texts}") from None
    shot(page, "hub-participant-probe")
    return json.loads(out.inner_text().split("PROBE ", 1)[1])


def test_release_fetch_submit_collect_grade_feedback(hub, tmp_path):
    work = answers()
    participants = [RIGHT, WRONG, BLANK]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)
        try:
            pages = {}
            for login in [TRAINER, *participants]:  # all sign in at once: the hub starts the servers side by side
                pages[login] = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR").new_page()
                pages[login].set_default_timeout(60_000)
                hub_login(pages[login], hub, login)
            for login, page in pages.items():
                wait_hub_lab(page, login)
            trainer = pages[TRAINER]
            shot(pages[RIGHT], "hub-participant-lab")

            # The trainer releases exercise 00 from Formgrader, into the exchange every account shares.
            formgrader(trainer, TRAINER, hub.base, "release")
            assert (hub.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()

            # Each participant fetches it in the Assignments panel, answers and submits.
            for login in participants:
                page = pages[login]
                open_assignments(page)
                released = page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)
                expect(released).to_be_visible(timeout=60_000)
                click_retrying(released.locator("button", has_text="Fetch"))
                fetched = page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT)
                expect(fetched.first).to_be_visible(timeout=60_000)
                assert put_notebook(page, login, EXERCISE, work[login]) == 200
                if login == WRONG:  # Validate answers in French, from the kit's server extension
                    page.goto(f"{hub.base}/user/{login}/lab/tree/{EXERCISE}")
                    notebook_panel(page, EXERCISE).locator(".validate-button").click()
                    dialog = page.locator(".jp-Dialog:has(#validation-message)")
                    dialog.wait_for(state="visible", timeout=120_000)
                    title = dialog.evaluate("d => getComputedStyle(d.querySelector('.jp-Dialog-header'), "
                                            "'::before').content")
                    assert title == '"Validate : vérifications visibles"', title
                    shot(page, "hub-participant-validate")
                    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
                    open_assignments(page)
                    fetched = page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT)
                click_retrying(fetched.first.locator("button", has_text="Submit"))
                submitted = page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT)
                expect(submitted.first).to_be_visible(timeout=60_000)
            shot(pages[RIGHT], "hub-participant-submitted")

            # The participant's kernel: the workshop's case, widgets, and nobody else's files.
            seen = run_probe(pages[RIGHT], hub, RIGHT)
            assert seen["country"] == COUNTRY and seen["widgets"], seen
            assert set(seen["files"].values()) == {"refused"}, seen["files"]
            config = pages[RIGHT].evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)")
            assert "@jupyterlab/apputils-extension:announcements" in config["disabledExtensions"]
            assert "@jupyter/nbgrader:formgrader" in config["disabledExtensions"]
            assert any(e["name"] == "@jupyter-widgets/jupyterlab-manager" for e in config["federated_extensions"])
            # ...nor reaches another's server, Formgrader, or a path outside the workspace.
            request = pages[RIGHT].request
            for url in (f"/user/{WRONG}/api/contents/{EXERCISE}", f"/user/{TRAINER}/formgrader/manage_assignments",
                        f"/user/{RIGHT}/files/../../{WRONG}/atelier/{EXERCISE}", f"/user/{RIGHT}/formgrader"):
                answer = request.get(hub.base + url, max_redirects=5)
                assert answer.status in (403, 404) or "nbformat" not in answer.text(), (url, answer.status)
                assert ASSIGNMENT not in answer.text() or answer.status >= 400, (url, answer.status)

            # The trainer collects in Formgrader and grades with `sahelkit grade`, as their own account.
            formgrader(trainer, TRAINER, hub.base, "collect")
            collected = sorted(p.name for p in (hub.kit / "submitted").iterdir())
            assert collected == sorted(participants), collected
            graded = grade_as_trainer(hub)
            assert graded.returncode in (0, 1), graded.stdout + graded.stderr[-3000:]
            ours = gradebook_scores(hub.kit, ASSIGNMENT)
            plain = make_course(tmp_path / "plain", [ASSIGNMENT])
            shutil.copytree(hub.kit / "submitted", plain / "submitted")
            nbgrader(["generate_assignment", ASSIGNMENT, "--force"], plain)
            nbgrader(["autograde", ASSIGNMENT, "--force"], plain, country=COUNTRY)
            assert ours and ours == gradebook_scores(plain, ASSIGNMENT)
            total = {login: sum(v[0] or 0 for k, v in ours.items() if len(k) == 2 and k[0] == login)
                     for login in participants}
            assert total[RIGHT] > total[WRONG] > total[BLANK] == 0, total

            # Feedback released in Formgrader; each participant fetches it in the Assignments panel.
            formgrader(trainer, TRAINER, hub.base, "release-feedback")
            for login in participants:
                page = pages[login]
                page.goto(f"{hub.base}/user/{login}/lab")  # the Assignments panel lists the feedback anew
                open_assignments(page)
                item = page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first
                click_retrying(item.locator("button", has_text="Fetch Feedback"))
                expect(page.locator("#submitted_assignments_list", has_text="view feedback")).to_be_visible(
                    timeout=60_000)
                if login == RIGHT:
                    shot(page, "hub-participant-feedback")
                feedback = Path(f"/home/{login}/atelier/exercises/{ASSIGNMENT}/feedback")
                found = list(feedback.glob(f"*/{ASSIGNMENT}.html"))
                assert len(found) == 1, (login, found)
        finally:
            browser.close()


def grade_as_trainer(hub) -> subprocess.CompletedProcess:
    """`sahelkit grade` on what Formgrader collected, run by the trainer's account in the kit, as in a terminal."""
    env = server_environment(HubSettings.load(hub.state / "reglages.json"))
    env["HOME"] = f"/home/{TRAINER}"
    return subprocess.run([RUNUSER, "-u", TRAINER, "--", sys.executable, "-m", "sahelkit.grading", ASSIGNMENT,
                           "--submissions", "submitted", "--roster", str(hub.roster), "--no-progress", "--jobs", "2"],
                          cwd=hub.kit, env=env, text=True, capture_output=True, timeout=600)
