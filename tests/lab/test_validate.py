"""The Validate button as a participant meets it (sahelkit/lab/validate.py): French, from the cell
that went wrong, honest that hidden checks decide the grade, silent on teaching notebooks; kernels
that print an error's last line only (sahelkit/lab/errors.py); and, for every wrong answer in
tests/wrong_answers/, what Validate says of it."""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import time
import urllib.error
import urllib.request

import nbformat
import pytest
from nbclient import NotebookClient

from sahelkit.i18n import _
from sahelkit.lab import errors, validate
from sahelkit.lab.validate import NOTHING_TO_GRADE, PASSED, ParticipantValidator
from tests.helpers import (
    ASSIGNMENTS,
    BIN,
    COUNTRIES,
    REPO,
    free_port,
    participant_notebook,
    private_jupyter_env,
    stop_lab_process,
    validate_as_participant,
    wrong_answers,
)

CONFIG = REPO / "jupyter-config"
PYTHON_ERROR = re.compile(r"\w+(Error|Exception): ")   # an English error a participant should not meet first


def test_a_typo_in_an_answer_is_reported_from_that_cell_with_its_own_error(tmp_path):
    typo = 'seizures_per_town = seizures["towns"].value_counts()'
    result = validate_as_participant(participant_notebook("00-get-started", {"00-seizures-per-town": typo}),
                                     tmp_path, COUNTRIES[0])
    [failure] = result["failed"]
    assert failure["source"] == typo
    assert "Partie 1" in failure["raw_error"] and "KeyError: 'towns'" in failure["raw_error"], failure
    assert "NameError" not in failure["raw_error"]


def test_an_untouched_exercise_says_each_part_is_not_answered_yet(tmp_path):
    nb = nbformat.read(REPO / "exercises" / "00-get-started" / "00-get-started.ipynb", as_version=4)
    result = validate_as_participant(nb, tmp_path, COUNTRIES[0])
    messages = [f["raw_error"] for f in result["failed"]]
    assert len(messages) == 4, messages   # one per part, not the answer cell and its test cell both
    assert all("pas encore de réponse" in m for m in messages), messages


def test_the_solution_passes_the_visible_checks_and_the_dialog_says_they_are_not_the_grade(tmp_path):
    assert validate_as_participant(participant_notebook("00-get-started"), tmp_path, COUNTRIES[0]) == {}
    # nbgrader's dialog prints a fixed English sentence for an empty answer; the kit's CSS replaces it
    css = validate.frame_css()
    assert f'content: "{_(PASSED)}";' in css and "$" not in css
    assert "cachées" in _(PASSED) and "visibles" in _(PASSED)


def test_a_teaching_notebook_has_nothing_to_grade():
    result = ParticipantValidator().validate(str(REPO / "modules" / "00-cours-get-started.ipynb"))
    assert result == {"nothing_to_grade": _(NOTHING_TO_GRADE)}


def test_in_english_validate_speaks_english(tmp_path, monkeypatch):
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    nb = nbformat.read(REPO / "exercises" / "00-get-started" / "00-get-started.ipynb", as_version=4)
    messages = [f["raw_error"] for f in validate_as_participant(nb, tmp_path, COUNTRIES[0])["failed"]]
    assert messages and all("no answer yet: write it and delete the line raise NotImplementedError." in m
                            for m in messages), messages
    css = validate.frame_css()
    assert 'content: "The visible checks pass: your answers have the right form.' in css
    assert "vérifications" not in css


def test_setup_installs_the_kits_jupyter_config():
    """`make setup` copies jupyter-config/ into the venv; the server config swaps nbgrader's Validate for the kit's."""
    recipe = subprocess.run(["make", "-n", "-B", "setup"], cwd=REPO, capture_output=True, text=True).stdout
    assert "cp jupyter-config/jupyter_server_config.d/sahelkit.json .venv/etc/jupyter/jupyter_server_config.d/" \
        in recipe
    assert "cp jupyter-config/jupyter_lab_config.json .venv/etc/jupyter/" in recipe
    assert "cp jupyter-config/ipython_kernel_config.json .venv/etc/ipython/" in recipe
    server = json.loads((CONFIG / "jupyter_server_config.d" / "sahelkit.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.validate_assignment": False, "sahelkit.lab.validate": True}
    # LabApp reads its own file (a .d folder only enables server extensions): it links custom.css in the page
    assert json.loads((CONFIG / "jupyter_lab_config.json").read_text()) == {"LabApp": {"custom_css": True}}
    kernel = json.loads((CONFIG / "ipython_kernel_config.json").read_text())
    assert kernel["IPKernelApp"]["extensions"] == [errors.__name__]


def test_the_server_answers_validate_in_french(tmp_path):
    """A JupyterLab with the kit's config serves the kit's Validate route, nbgrader's version route and the CSS."""
    env = private_jupyter_env(tmp_path / "home")   # with the kit's jupyter-config/, as `make setup` installs it
    token, port = secrets.token_hex(8), free_port()
    log = open(tmp_path / "lab.log", "wb")
    proc = subprocess.Popen([str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                             f"--ServerApp.root_dir={REPO}", f"--IdentityProvider.token={token}",
                             "--ServerApp.port_retries=0", "--allow-root"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}

    def call(path: str, body: dict | None = None) -> bytes:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.read()

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                call("/api/status")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                assert time.monotonic() < deadline and proc.poll() is None, (tmp_path / "lab.log").read_text()
                time.sleep(0.3)
        answer = json.loads(call("/assignments/validate", {"path": "modules/00-cours-get-started.ipynb"}))
        assert answer == {"success": False, "value": _(NOTHING_TO_GRADE)}
        import nbgrader
        assert json.loads(call(f"/nbgrader_version?version={nbgrader.__version__}")) == {"success": True}
        assert _(PASSED).encode() in call("/custom/custom.css")
        assert b'href="/custom/custom.css"' in call("/lab")
    finally:
        stop_lab_process(proc)
        log.close()


def test_participant_kernels_print_only_the_last_line_of_an_error(tmp_path):
    """With the kit's kernel config, a pandas typo prints one line; `%xmode Context` shows the whole path."""
    profile = tmp_path / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.json").write_text((CONFIG / "ipython_kernel_config.json").read_text())
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('import pandas as pd\npd.DataFrame({"town": ["Gao"]})["towns"]'),
        nbformat.v4.new_code_cell('%xmode Context\npd.DataFrame({"town": ["Gao"]})["towns"]'),
    ])
    old = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(tmp_path / "ipython")
    try:
        NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    finally:
        os.environ.pop("IPYTHONDIR") if old is None else os.environ.__setitem__("IPYTHONDIR", old)
    short, full = ([o for o in cell.outputs if o.output_type == "error"][0] for cell in nb.cells)
    assert len(short.traceback) == 1 and "KeyError" in short.traceback[0], short.traceback
    assert len(full.traceback) > 3


@pytest.mark.pipeline
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_names_each_wrong_answer_it_flags(tmp_path, assignment: str):
    """For every wrong answer: what Validate (the visible checks only) says. An entry's `hint:` is the French
    words that name its mistake: Validate must flag the entry with a message holding them. An entry
    without `hint:` is one the visible checks cannot catch without giving the answer away: Validate must
    pass it (so the coverage printed here is the truth)."""
    country = COUNTRIES[ASSIGNMENTS.index(assignment) % len(COUNTRIES)]
    problems, flagged, wrong = [], 0, 0
    for entry in wrong_answers(assignment):
        nb = participant_notebook(assignment, entry["cells"])
        result = validate_as_participant(nb, tmp_path / entry["name"], country)
        messages = [f["raw_error"] for f in result.get("failed", [])]
        print(f"{assignment} {entry['name']}: {' | '.join(messages) or 'les vérifications visibles passent'}")
        wrong += bool(entry["loses"])
        flagged += bool(messages and entry["loses"])
        hint = entry.get("hint")
        if hint is None and messages:
            problems.append(f"{entry['name']}: Validate flags it ({messages}); write the words that name the "
                            "mistake as its hint:")
        elif hint is not None and not any(hint in m for m in messages):
            problems.append(f"{entry['name']}: Validate should say {hint!r}, it says {messages or 'nothing'}")
        elif hint is not None and any(PYTHON_ERROR.search(m) for m in messages):
            problems.append(f"{entry['name']}: an untranslated Python error reaches the participant: {messages}")
    print(f"{assignment} on {country}: Validate flags {flagged} of {wrong} wrong answers")
    assert not problems, f"{assignment} on {country}:\n" + "\n".join(problems)
