"""The participant's workspace (sahelkit/workspace.py): what it holds, what a rebuild keeps, who
hands in, and the settings only the participant's server reads. The browser tests
(tests/browser/test_participant.py) drive the same workspace in Chromium."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from sahelkit import workspace as wsm
from sahelkit.grading.collect import assignment_info, collect
from tests.helpers import BIN, COUNTRIES, REPO, private_jupyter_env


def small_kit(root):
    """A kit with one module, one released exercise and one case with its truth."""
    (root / "modules").mkdir(parents=True)
    nbformat.write(new_notebook(cells=[new_markdown_cell("v1")]), root / "modules" / "00-a.ipynb")
    (root / "exercises" / "00-a").mkdir(parents=True)
    answer = new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": "00-a-x", "solution": True}})
    for folder in ("exercises", "solutions"):
        (root / folder / "00-a").mkdir(parents=True, exist_ok=True)
        nbformat.write(new_notebook(cells=[answer]), root / folder / "00-a" / "00-a.ipynb")
    case = root / "datasets" / "mali"
    (case / "truth").mkdir(parents=True)
    (case / "profile.yaml").write_text("slug: mali\n", encoding="utf-8")
    (case / "calls.csv").write_text("a,b\n", encoding="utf-8")
    (case / "truth" / "members.csv").write_text("secret\n", encoding="utf-8")
    return root


@pytest.fixture
def kit(tmp_path):
    return small_kit(tmp_path / "kit")


def prepare(kit, ws):
    return wsm.prepare(ws, kit, "Aminata Traoré", data=kit / "datasets")


def test_workspace_holds_modules_exercises_and_data_but_no_answers(tmp_path):
    ws = tmp_path / "atelier"
    report = wsm.prepare(ws, REPO, "Aminata Traoré", data=REPO / "datasets")
    files = {p.relative_to(ws).as_posix() for p in ws.rglob("*") if p.is_file() and wsm.STATE not in p.parts}
    assert {f"modules/{p.name}" for p in (REPO / "modules").glob("*.ipynb")} <= files
    assert {p.relative_to(REPO).as_posix() for p in (REPO / "exercises").glob("*/*.ipynb")} <= files
    for country in COUNTRIES:
        case = {p.relative_to(REPO).as_posix() for p in (REPO / "datasets" / country).rglob("*")
                if p.is_file() and "truth" not in p.parts}
        assert case <= files, country
    assert not [f for f in files if f.split("/")[0] not in ("modules", "exercises", "datasets")]
    assert not [f for f in files if "truth" in f.split("/") or "solution" in f], files
    assert report["data"] == ws.resolve() / "datasets"


def test_rebuild_keeps_what_the_participant_wrote_and_deletes_nothing(kit, tmp_path):
    ws = tmp_path / "atelier"
    prepare(kit, ws)
    mine = ws / "modules" / "00-a.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8").replace("v1", "my notes"), encoding="utf-8")
    (ws / "modules" / "my-own.ipynb").write_text("{}", encoding="utf-8")
    answer = ws / "exercises" / "00-a" / "00-a.ipynb"
    answer.write_text(answer.read_text(encoding="utf-8").replace("x = 1", "x = 42"), encoding="utf-8")
    readme = ws / "datasets" / "mali" / "calls.csv"
    # The kit changes: a module is updated, a case file too, another module is removed.
    nbformat.write(new_notebook(cells=[new_markdown_cell("v2")]), kit / "modules" / "00-a.ipynb")
    (kit / "datasets" / "mali" / "calls.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    report = prepare(kit, ws)
    assert "my notes" in mine.read_text(encoding="utf-8") and report["sync"].kept == ["modules/00-a.ipynb"]
    assert (ws / "modules" / "my-own.ipynb").exists()
    assert "x = 42" in answer.read_text(encoding="utf-8")
    assert readme.read_text(encoding="utf-8") == "a,b\n1,2\n", "an untouched copy is not refreshed"
    (kit / "modules" / "00-a.ipynb").unlink()
    prepare(kit, ws)
    assert mine.exists()


def test_identity_is_asked_once_and_kept(kit, tmp_path):
    paths = wsm.Paths(tmp_path / "atelier")
    questions = []
    answers = iter(["  ", "Aminata Traoré"])

    def ask(question):
        questions.append(question)
        return next(answers)

    assert wsm.identity(paths, None, ask) == ("Aminata Traoré", "aminata.traore")
    assert len(questions) == 2  # a blank answer is asked again
    assert wsm.identity(paths, None, lambda q: pytest.fail("asked twice")) == ("Aminata Traoré", "aminata.traore")
    with pytest.raises(wsm.WorkspaceError, match="PARTICIPANT="):
        wsm.identity(wsm.Paths(tmp_path / "other"), None, None)


def test_jupyter_reads_the_participant_settings(kit, tmp_path):
    """The participant's server (its own JUPYTER_CONFIG_DIR) culls idle kernels, has no Formgrader, no terminal."""
    ws = tmp_path / "atelier"
    prepare(kit, ws)
    env = dict(private_jupyter_env(tmp_path / "home"), JUPYTER_CONFIG_DIR=str(wsm.Paths(ws).config))
    proc = subprocess.run([str(BIN / "jupyter"), "server", "--show-config-json"], env=env, text=True,
                          capture_output=True, timeout=120)
    config = json.loads(proc.stdout)
    assert config["MappingKernelManager"]["cull_idle_timeout"] == wsm.IDLE_KERNEL_MINUTES * 60
    assert config["MappingKernelManager"]["cull_connected"] is True
    assert config["ServerApp"]["terminals_enabled"] is False
    proc = subprocess.run([str(BIN / "jupyter"), "server", "extension", "list"], env=env, text=True,
                          capture_output=True, timeout=120)
    listing = proc.stdout + proc.stderr
    for name in wsm.INSTRUCTOR_SERVER_EXTENSIONS:
        assert f"{name} \x1b[31mdisabled" in listing or f"{name} disabled" in listing, listing
    assert "nbgrader.server_extensions.assignment_list \x1b[32menabled" in listing or \
        "nbgrader.server_extensions.assignment_list enabled" in listing


def submit(ws, assignment):
    from nbgrader.exchange.default import ExchangeSubmit

    paths = wsm.Paths(ws.resolve())
    config = wsm._exchange_config(paths, json.loads(paths.identity.read_text(encoding="utf-8"))["identifiant"])
    config.CourseDirectory.assignment_id = assignment
    cwd = os.getcwd()
    os.chdir(paths.exercises)  # where nbgrader's server extension runs it
    try:
        wsm._exchange(ExchangeSubmit, config).start()
    finally:
        os.chdir(cwd)


def test_hand_in_writes_the_newest_submission_of_each_exercise_for_sahelkit_grade(kit, tmp_path):
    ws = tmp_path / "atelier"
    prepare(kit, ws)
    answer = ws / "exercises" / "00-a" / "00-a.ipynb"
    submit(ws, "00-a")
    answer.write_text(answer.read_text(encoding="utf-8").replace("x = 1", "x = 42"), encoding="utf-8")
    submit(ws, "00-a")
    stick = tmp_path / "cle"
    stick.mkdir()
    proc = subprocess.run([sys.executable, "-m", "sahelkit.workspace", "handin", "--workspace", str(ws),
                           "--to", str(stick)], text=True, capture_output=True, timeout=120)
    assert proc.returncode == 0 and "aminata.traore.zip" in proc.stdout, proc.stderr
    with zipfile.ZipFile(stick / "aminata.traore.zip") as zf:
        assert "x = 42" in zf.read("00-a/00-a.ipynb").decode()
    found = collect(stick, {"00-a": assignment_info(kit, "00-a")}, {"00-a"})
    sub = found.submissions[("aminata.traore", "00-a")]
    assert b"x = 42" in sub.files["00-a"].data and not found.unattributed


def test_hand_in_before_any_submit_says_what_to_do(kit, tmp_path):
    ws = tmp_path / "atelier"
    prepare(kit, ws)
    (tmp_path / "cle").mkdir()
    proc = subprocess.run([sys.executable, "-m", "sahelkit.workspace", "handin", "--workspace", str(ws),
                           "--to", str(tmp_path / "cle")], text=True, capture_output=True, timeout=120)
    assert proc.returncode == 2 and "Submit" in proc.stderr and not list((tmp_path / "cle").iterdir())


def test_the_workshop_s_language_is_chosen_once_and_gives_notebooks_and_menus(tmp_path, monkeypatch):
    """`make lab LANG=en`: English notebooks under the same names, English exercises in the exchange,
    the English data dictionary, JupyterLab in English; the next start without LANG stays English."""
    ws = tmp_path / "atelier"
    paths = wsm.Paths(ws.resolve())
    locale = paths.lab_settings / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    report = wsm.prepare(ws, REPO, "John Smith", data=REPO / "datasets")
    assert report["language"] == "en"
    for nb in (REPO / "en" / "modules").glob("*.ipynb"):
        assert (ws / "modules" / nb.name).read_bytes() == nb.read_bytes(), nb.name
    for nb in (REPO / "en" / "exercises").glob("*/*.ipynb"):
        fetched = ws / "exercises" / nb.parent.name / nb.name
        assert json.loads(fetched.read_text(encoding="utf-8"))["metadata"]["sahelkit"]["lang"] == "en", fetched
    assert (ws / "datasets" / "README.md").is_file() and not (ws / "datasets" / "LISEZMOI.md").exists()
    assert json.loads(locale.read_text(encoding="utf-8")) == {"locale": "en"}
    monkeypatch.delenv("SAHELKIT_LANG")
    assert wsm.prepare(ws, REPO, None, data=REPO / "datasets")["language"] == "en"
    assert wsm.server_environment(paths, None)["SAHELKIT_LANG"] == "en"
    assert wsm.server_environment(paths, None)["JUPYTERLAB_SETTINGS_DIR"] == str(paths.lab_settings)


def test_a_workspace_is_french_unless_told_and_an_unknown_language_is_refused(kit, tmp_path, monkeypatch):
    monkeypatch.delenv("SAHELKIT_LANG", raising=False)
    ws = tmp_path / "atelier"
    assert prepare(kit, ws)["language"] == "fr"
    locale = wsm.Paths(ws).lab_settings / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    assert json.loads(locale.read_text(encoding="utf-8")) == {"locale": "fr_FR"}
    monkeypatch.setenv("SAHELKIT_LANG", "de")
    other = tmp_path / "autre"
    with pytest.raises(wsm.LanguageError, match="SAHELKIT_LANG='de'"):
        prepare(kit, other)
    assert not (other / "modules").exists()
    monkeypatch.setenv("SAHELKIT_LANG", "en")  # a kit whose English notebooks were never built
    with pytest.raises(wsm.WorkspaceError, match="make exercises"):
        prepare(kit, other)
    assert not (other / "modules").exists() and not wsm.Paths(other).language.exists()

def test_in_english_hand_in_says_what_to_do_in_english(kit, tmp_path, monkeypatch, capsys):
    import shutil
    for folder in ("modules", "exercises"):  # the kit's English notebooks (built by sahelkit translate)
        shutil.copytree(kit / folder, kit / "en" / folder)
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    ws = tmp_path / "atelier"
    prepare(kit, ws)
    monkeypatch.delenv("SAHELKIT_LANG")  # hand-in speaks the workspace's language
    (tmp_path / "stick").mkdir()
    assert wsm.main(["handin", "--workspace", str(ws), "--to", str(tmp_path / "stick")]) == 2
    assert capsys.readouterr().err == ("sahelkit: no exercise handed in yet: in JupyterLab, menu Nbgrader > "
                                       "Assignment List, click “Submit” next to the exercise, then run this command "
                                       "again\n")
