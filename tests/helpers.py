"""What the kit's tests share: the tree's own lists, nbgrader and `sahelkit grade` runners, and
the JupyterLab and Chromium plumbing of the browser tests.

Everything is discovered from the tree (countries from datasets/profiles/, assignments from
solutions/, notebooks from modules/), so a new module or a new country is tested without new
test code. This is the one country list of the suite.

The browser tests drive the kit the way a participant meets it: `make lab`'s own command line
(read from the Makefile with `make -n`, so a change to the lab target is what gets tested), in
a throw-away copy of the course so that nothing is written into the working tree, with a
private Jupyter configuration so that the tester's ~/.jupyter does not change the result.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sahelkit.workspace import FOLDER

REPO = Path(__file__).resolve().parents[1]
COUNTRIES = sorted(p.stem for p in (REPO / "datasets" / "profiles").glob("*.yaml"))
PROFILE_FIXTURES = REPO / "tests" / "fixtures" / "profiles"  # countries the kit does not ship (a sixth one)
ASSIGNMENTS = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and p.name[:2].isdigit())
MODULES = sorted((REPO / "modules").glob("[0-9][0-9]-*.ipynb"))
BIN = Path(sys.executable).parent
# Every check on every country (and every seed of the signal sweep); a normal run spreads them.
FULL_MATRIX = os.environ.get("SAHELKIT_FULL_MATRIX") == "1"
PER_ITEM = 2  # countries each teaching notebook and each assignment's grading run on in a normal run


def countries_for(index: int, countries: list[str] | None = None, per_item: int = PER_ITEM) -> list[str]:
    """The countries the index-th item (a teaching notebook, an assignment) is checked on: all of them
    under SAHELKIT_FULL_MATRIX=1, else `per_item` of them taken in turn, so that every few items
    cover every country and each item still meets more than one country."""
    countries = COUNTRIES if countries is None else countries
    if FULL_MATRIX or per_item >= len(countries):
        return list(countries)
    return [countries[(index * per_item + k) % len(countries)] for k in range(per_item)]


LANGUAGES = ("fr", "en")  # the workshop's languages: French notebooks in the kit's root, English in en/


def languages_for(index: int, k: int = 0) -> list[str]:
    """The language(s) the index-th item is checked in on the k-th of its countries: both under
    SAHELKIT_FULL_MATRIX=1, else one, alternating, so that every item and every country meet both."""
    if FULL_MATRIX:
        return list(LANGUAGES)
    return [LANGUAGES[(index + k) % len(LANGUAGES)]]


def in_language(path: Path, lang: str) -> Path:
    """A French notebook's (or folder's) counterpart in `lang`: the same path under en/ for English."""
    return path if lang == "fr" else REPO / lang / Path(path).relative_to(REPO)


KERNEL_NEVER_STARTED = "Kernel died before replying to kernel_info"
"""jupyter_client's words when a kernel dies before running anything (its ports, chosen free, were
taken by another process starting at the same moment): the machine's doing, not the notebook's."""


def run_nbval(notebooks: list[str], env: dict, timeout: int = 1500) -> subprocess.CompletedProcess:
    """nbval (lax) on notebooks in a pytest of its own, run again once if a kernel never started."""
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", *notebooks]
    proc = subprocess.run(cmd, cwd=REPO, env=env, text=True, capture_output=True, timeout=timeout)
    if proc.returncode != 0 and KERNEL_NEVER_STARTED in proc.stdout:
        print(f"a kernel never started ({KERNEL_NEVER_STARTED}): running again once")
        proc = subprocess.run(cmd, cwd=REPO, env=env, text=True, capture_output=True, timeout=timeout)
    return proc


def read_profile(path: Path) -> dict:
    """A profile file as plain YAML data, to copy and change in a test."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def case_from_profile(data: Path, profile: dict, calls: int | None = None) -> Path:
    """A data folder as $SAHELKIT_DATA expects one: the profile in data/profiles/<slug>.yaml, its
    generated case in data/<slug>/ (workshop size unless `calls` is given). Returns the case folder."""
    from sahelkit.generator.case import WORKSHOP_CALLS, generate

    path = Path(data) / "profiles" / f"{profile['slug']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return generate(profile_file=path, out=Path(data) / profile["slug"], calls=calls or WORKSHOP_CALLS)


def next_year(profile: dict) -> dict:
    """A copy of a profile whose period is moved one year later: next year's workshop."""
    import copy

    moved = copy.deepcopy(profile)
    for key in ("start", "end"):
        day = moved["period"][key]
        moved["period"][key] = day.replace(year=day.year + 1)
    return moved


def docstring_positions(tree) -> set[tuple[int, int]]:
    """(line, column) where each docstring of a parsed module starts: the text that explains, not acts."""
    import ast

    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add((value.lineno, value.col_offset))
    return found


def nbgrader(args: list[str], course: Path, country: str | None = None, check: bool = True,
             timeout: int = 900, lang: str = "fr") -> subprocess.CompletedProcess:
    """Run the real `nbgrader` command in a course folder, with the case data of one country, in a
    workshop language (its solutions and exercises folders, its stubs: grader_config.py)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", SAHELKIT_LANG=lang)
    if country:
        env["SAHELKIT_COUNTRY"] = country
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, text=True,
                          capture_output=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def make_course(root: Path, assignments: list[str], lang: str = "fr") -> Path:
    """A throw-away course folder using the kit's own grader_config.py, with the assignments' solutions
    in one language (where grader_config.py looks for them when SAHELKIT_LANG is that language)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "solutions").mkdir(exist_ok=True)
    home = root if lang == "fr" else root / lang
    for name in assignments:
        shutil.copytree(in_language(REPO / "solutions" / name, lang), home / "solutions" / name)
    for extra in (REPO / "solutions").glob("*.ipynb"):  # a shared header notebook
        shutil.copy(extra, root / "solutions" / extra.name)
    write_config(root)
    return root


def write_config(root: Path) -> None:
    """nbgrader_config.py for a course folder: the kit's settings, rooted in that folder."""
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"load_subconfig({str(REPO / 'grader_config.py')!r})\n"
        f"c.CourseDirectory.root = {str(root)!r}\n",
        encoding="utf-8")


# --------------------------------------------------------------------------- grading
FIXTURE = REPO / "tests" / "fixtures" / "grading"


def grading_course(root: Path) -> tuple[Path, str]:
    """A throw-away course on the first real assignment (or the fixture one while solutions/ is empty)."""
    if ASSIGNMENTS:
        name = ASSIGNMENTS[0]
        return make_course(root, [name]), name
    course = make_course(root, [])
    shutil.copytree(FIXTURE / "00-fixture", course / "solutions" / "00-fixture")
    return course, "00-fixture"


def graded_course(root: Path):
    """A throw-away course and, for its assignment, a notebook with every answer right and a blank one."""
    from sahelkit.grading import simulate

    course, name = grading_course(root / "course")
    good = simulate.participant_notebook(course, name, name)
    blank = simulate.participant_notebook(course, name, name, right=set())
    return course, name, good, blank


def run_grade(course: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), SAHELKIT_COUNTRY=COUNTRIES[0] if COUNTRIES else "mali")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.run([sys.executable, "-m", "sahelkit.grading", *args, "--no-progress"], cwd=course,
                          env=env, text=True, capture_output=True, timeout=timeout)


def gradebook_scores(course: Path, assignment: str) -> dict:
    """Every gradebook value autograde writes, per participant and cell."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                for g in nb.grades:
                    out[(sub.student.id, g.name)] = (g.auto_score, g.needs_manual_grade)
                for c in nb.comments:
                    out[(sub.student.id, "comment", c.name)] = c.auto_comment
    return out


WRONG = REPO / "tests" / "wrong_answers"


def wrong_answers(assignment: str) -> list[dict]:
    path = WRONG / f"{assignment}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []



def participant_notebook(assignment: str, cells: dict[str, str] | None = None):
    """The released exercise as a participant who answered every part with the solution's code,
    except the answer cells named in `cells` (a wrong answer's `cells:`): what Validate sees."""
    import nbformat

    source = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            code = "\n".join(line for line in answers[gid].splitlines()
                             if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
            cell.source = (cells or {}).get(gid, code)
    return nb


def validate_as_participant(nb, folder: Path, country: str) -> dict:
    """What the kit's Validate button answers for a notebook (sahelkit.lab.validate), on one country."""
    import nbformat
    from nbgrader.apps import NbGrader

    from sahelkit.lab.validate import ParticipantValidator

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "exercise.ipynb"
    nbformat.write(nb, path)
    app = NbGrader()
    app.config_file_paths.append([str(REPO)])
    app.load_config_file()
    old = os.environ.get("SAHELKIT_COUNTRY")
    os.environ["SAHELKIT_COUNTRY"] = country
    try:
        return ParticipantValidator(config=app.config).validate(str(path))
    finally:
        if old is None:
            os.environ.pop("SAHELKIT_COUNTRY")
        else:
            os.environ["SAHELKIT_COUNTRY"] = old


# --------------------------------------------------------------------------- browser
# What the browser tests copy of the kit: the notebooks, the case data and the nbgrader settings.
COURSE_PARTS = ("modules", "exercises", "solutions", "en", "datasets", "grader_config.py", "nbgrader_config.py")
PARTICIPANT = "Aminata Traoré"
"""The participant the browser tests open `make lab` as (its first start would ask for the name)."""

CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_or_skip() -> str:
    """Debian's chromium; skipped when absent, except in CI (`make browser` installs it there)."""
    found = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")
    if found:
        return found
    reason = ("chromium is not installed (neither /usr/bin/chromium nor `chromium` on PATH): "
              "run `make browser` as root or `sudo apt-get install chromium`")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_course(dest: Path) -> Path:
    """The parts of the repository JupyterLab needs, copied so the test never writes into it."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COURSE_PARTS:
        src = REPO / name
        if not src.exists():
            raise AssertionError(f"{name} is missing from the repository: the browser test needs it")
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(
                ".ipynb_checkpoints", "__pycache__", "gradebook.db"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def make_lab_command(course: Path, port: int, target: str = "lab", lang: str | None = None) -> list[str]:
    """The command line that starts JupyterLab in `make lab` (the participant's workspace) or
    `make lab-trainer` (the whole kit), as the Makefile writes it, for `course` and `port`.

    `make -n` prints the recipe without running it; `-o` keeps make from (re)building the venv.
    """
    stamp = Path(sys.prefix) / ".installed"
    proc = subprocess.run(
        ["make", "-n", "--no-print-directory", "-C", str(course), "-f", str(REPO / "Makefile"), target,
         f"VENV={sys.prefix}", f"PORT={port}", "HOST=127.0.0.1", f"PARTICIPANT={PARTICIPANT}", "-o", str(stamp),
         *([f"LANG={lang}"] if lang else [])],
        text=True, capture_output=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError(f"`make -n {target}` failed:\n{proc.stdout}\n{proc.stderr}")
    recipe = proc.stdout.replace("\\\n", " ")
    lines = [line for line in recipe.splitlines()
             if re.search(r"\bjupyter\S*\s+lab\b|\bsahelkit\.workspace\s+lab\b", line)]
    if len(lines) != 1:
        raise AssertionError(f"cannot find the single line starting JupyterLab in `make -n {target}`:\n{proc.stdout}")
    return shlex.split(lines[0])


@dataclass
class LabServer:
    url: str          # the address the server prints, with the token filled in
    base: str         # http://127.0.0.1:PORT
    token: str
    course: Path      # the copy of the kit
    root: Path        # the server's root_dir: the participant's workspace, or the kit for the trainer
    log: Path
    proc: subprocess.Popen

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def private_jupyter_env(home: Path) -> dict[str, str]:
    """The environment of the server: the venv's sys-prefix config, nothing from ~/.jupyter."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "JUPYTERLAB", "IPYTHON")) and k != "SAHELKIT_COUNTRY"}
    for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "0"
    # The kit's Jupyter settings, which `make setup` copies into the venv (a venv set up before they
    # changed gets them here): the French Validate, and short errors in the kernels.
    env["JUPYTER_CONFIG_PATH"] = str(REPO / "jupyter-config")
    profile = home / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "jupyter-config" / "ipython_kernel_config.json", profile)
    # As the Makefile's `export PATH`: nbgrader runs `alembic` and `jupyter` as subprocesses.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_lab(workdir: Path, token: str, timeout: float = 90, target: str = "lab",
              lang: str | None = None) -> LabServer:
    """Start the JupyterLab of `make lab` (or `make lab-trainer`) on a free port in a copy of the
    course, in the workshop language `lang` (`make lab LANG=en`; None: the default); wait until it answers."""
    course = copy_course(workdir / "course")
    env = private_jupyter_env(workdir / "jupyter-home")
    last_error = ""
    for attempt in range(3):  # a free port can be taken by another process before the server binds it
        port = free_port()
        cmd = make_lab_command(course, port, target, lang) + [
            f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
        log = workdir / f"jupyter-lab-{attempt}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        else:
            last_error = log.read_text(encoding="utf-8", errors="replace")
            stop_lab_process(proc)
            if proc.returncode not in (None, 0) and "already in use" in last_error:
                continue
            raise AssertionError(f"JupyterLab did not answer on {base} within {timeout} s:\n{last_error[-4000:]}")
        # The address the server prints for the participant (it masks a token it was given).
        deadline = time.monotonic() + 15
        pattern = re.compile(rf"(http://127\.0\.0\.1:{port}/\S*?)\?token=")
        while not (match := pattern.search(log.read_text(errors="replace"))) and time.monotonic() < deadline:
            time.sleep(0.2)
        printed = match.group(1) if match else None
        if printed is None:
            stop_lab_process(proc)
            raise AssertionError(f"JupyterLab printed no address with a token:\n{log.read_text()[-4000:]}")
        root = course / FOLDER if target == "lab" else course
        return LabServer(url=f"{printed}?token={token}", base=base, token=token, course=course, root=root,
                         log=log, proc=proc)
    raise AssertionError(f"JupyterLab could not bind a free port:\n{last_error[-4000:]}")


def stop_lab_process(proc: subprocess.Popen) -> None:
    """Stop the server and its kernels (its own process group, started by us)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


# --- JupyterLab in the page ---------------------------------------------------------------

# For every code cell of a notebook panel: its prompt and the text of its error/stderr outputs.
CELLS_JS = """panel => Array.from(panel.querySelectorAll('.jp-Cell.jp-CodeCell')).map(cell => ({
    prompt: (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '',
    source: ((cell.querySelector('.jp-InputArea-editor') || {}).textContent || '').slice(0, 120),
    errors: Array.from(cell.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).map(o => o.textContent),
}))"""

# True once Run All has gone through: the first cell ran, nothing is queued or running.
RUN_DONE_JS = """panel => {
    const prompts = Array.from(panel.querySelectorAll('.jp-Cell.jp-CodeCell .jp-InputArea-prompt'))
        .map(p => p.textContent);
    const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    return prompts.length > 0 && /\\[\\d+\\]/.test(prompts[0]) && !prompts.some(p => p.includes('*'))
        && (!indicator || indicator.getAttribute('data-status') === 'idle');
}"""


# What the page shows when Run All did not finish: which tab is current, the kernel's status,
# and the prompts of the panel's code cells (`[ ]` never ran, `[*]` queued or running).
STATE_JS = """panel => ({
    current: (document.querySelector('#jp-main-dock-panel li.lm-TabBar-tab.lm-mod-current') || {}).title,
    status: (panel.querySelector('.jp-Notebook-ExecutionIndicator') || {getAttribute: () => null})
        .getAttribute('data-status'),
    prompts: Array.from(panel.querySelectorAll('.jp-Cell.jp-CodeCell .jp-InputArea-prompt'))
        .map(p => p.textContent),
    dialogs: Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText.slice(0, 300)),
})"""


def notebook_panel(page, path: str, timeout: float = 60_000):
    """The main-area panel showing the notebook at `path` (relative to the server root)."""
    tab = page.locator(f'#jp-main-dock-panel li.lm-TabBar-tab{tab_title(path)}').first
    tab.wait_for(state="attached", timeout=timeout)
    panel = page.locator(f'#jp-main-dock-panel [aria-labelledby="{tab.get_attribute("id")}"]')
    panel.locator(".jp-Notebook").wait_for(state="visible", timeout=timeout)
    return panel


def wait_kernel_ready(lab: LabServer, path: str, timeout: float = 60.0) -> None:
    """Wait until the server says the notebook's kernel is idle with the page connected to it.

    The toolbar's indicator alone cannot tell: JupyterLab shows "idle" for a notebook it has just
    opened, before its session and kernel exist.
    """
    def get(url: str):
        with urllib.request.urlopen(f"{lab.base}{url}?token={lab.token}", timeout=10) as resp:
            return json.load(resp)
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        try:
            kernels = [s["kernel"] for s in get("/api/sessions") if s.get("path") == path and s.get("kernel")]
            seen = get(f"/api/kernels/{kernels[0]['id']}") if kernels else None
        except (urllib.error.URLError, OSError, ValueError):
            seen = None
        if seen and seen.get("execution_state") == "idle" and seen.get("connections", 0) > 0:
            return
        time.sleep(0.3)
    raise AssertionError(f"the kernel of {path} was not idle and connected within {timeout:.0f} s: {seen}")


MENU_LABELS = {"Run": "Exécution", "View": "Affichage", "File": "Fichier", "Kernel": "Noyau", "Edit": "Édition",
               "Settings": "Paramètres", "Help": "Aide"}
"""JupyterLab's menu bar in English and as its French language pack labels it (the workshop's language)."""


def open_menu(page, english: str) -> None:
    """Open a menu of JupyterLab's menu bar, whatever the interface's language."""
    label = re.escape(english) + (f"|{re.escape(MENU_LABELS[english])}" if english in MENU_LABELS else "")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^({label})$")).click()


def tab_title(path: str) -> str:
    """A CSS selector's part for a tab by its path ("Path: x" in English, "Chemin : x" in French)."""
    return f'[title*=": {path}"]'


def run_all_cells(page, panel, lab: LabServer, path: str, timeout: float = 90_000) -> list[dict]:
    """Menu Run > Run All Cells, wait until the kernel is done, return each code cell's errors."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    wait_kernel_ready(lab, path)
    panel.locator(".jp-Notebook").click(position={"x": 5, "y": 5})  # make this notebook current
    page.locator(f'#jp-main-dock-panel li.lm-TabBar-tab.lm-mod-current{tab_title(path)}').wait_for(
        state="attached", timeout=10_000)
    open_menu(page, "Run")
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]:not(.lm-mod-disabled)').click()
    try:
        page.wait_for_function(RUN_DONE_JS, arg=panel.element_handle(), timeout=timeout)
    except PlaywrightTimeout:
        state = page.evaluate(STATE_JS, panel.element_handle())
        raise AssertionError(f"Run All in {path} did not finish within {timeout / 1000:.0f} s: {state}") from None
    return panel.evaluate(CELLS_JS)


# --------------------------------------------------------------------------- the classroom server
HUB_PARTS = (*COURSE_PARTS, "src", "jupyter-config")
"""What the classroom tests copy of the kit: the course, and the package and Jupyter settings that every
account's server runs (so the hub's rights are given to the copy, never to the working tree)."""
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
"""util-linux's command to run a program as another account (root only)."""
PROXY = Path(sys.prefix) / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
"""Where `make proxy` (a prerequisite of `make hub` and `make test`) installs JupyterHub's proxy."""


def root_or_skip() -> None:
    """The classroom server makes system users: only root can. Skipped otherwise, except in CI."""
    if os.geteuid() == 0:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but the tests do not run as root: the classroom server's test makes system users")
    pytest.skip("the classroom server's test makes system users: run it as root")


def proxy_or_skip() -> Path:
    if os.access(PROXY, os.X_OK):
        return PROXY
    reason = f"configurable-http-proxy is not installed at {PROXY}: run `make proxy`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def make_hub_command(kit: Path, port: int, roster: Path, exchange: Path, lang: str | None = None) -> list[str]:
    """The command line `make hub` runs, as the Makefile writes it, for a copy of the kit (see make_lab_command)."""
    stamp = Path(sys.prefix) / ".installed"
    proc = subprocess.run(
        ["make", "-n", "--no-print-directory", "-C", str(kit), "-f", str(REPO / "Makefile"), "hub",
         f"VENV={sys.prefix}", f"HUB_PORT={port}", "HUB_IP=127.0.0.1", f"ROSTER={roster}",
         f"HUB_EXCHANGE={exchange}", "-o", str(stamp), "-o", str(PROXY), *([f"LANG={lang}"] if lang else [])],
        text=True, capture_output=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError(f"`make -n hub` failed:\n{proc.stdout}\n{proc.stderr}")
    lines = [line for line in proc.stdout.replace("\\\n", " ").splitlines() if "sahelkit.hub start" in line]
    if len(lines) != 1:
        raise AssertionError(f"cannot find the single line starting the hub in `make -n hub`:\n{proc.stdout}")
    return shlex.split(lines[0])


def closed_folders_above(paths: list[Path]) -> dict[Path, int]:
    """Folders above `paths` that other accounts cannot cross, with their mode (a pyenv Python under /root)."""
    from sahelkit.hub.permissions import unreachable_parents

    return {folder: os.stat(folder).st_mode for path in paths for folder in unreachable_parents(path)}


@contextlib.contextmanager
def python_crossable_by_all():
    """While the hub's accounts run this venv's Python (tests and benchmark only): the closed folders
    above it (a pyenv under /root) may be crossed by others (o+x, never listed); their modes come
    back afterwards, even on failure. `make hub` itself refuses such a Python (permissions.py)."""
    import stat

    opened = closed_folders_above([Path(os.path.realpath(sys.executable)), Path(sys.base_prefix), Path(sys.prefix)])
    for folder, mode in opened.items():
        os.chmod(folder, stat.S_IMODE(mode) | stat.S_IXOTH)
    try:
        yield
    finally:
        for folder, mode in opened.items():
            os.chmod(folder, stat.S_IMODE(mode))


SHOTS = REPO / "screenshots"
"""Where the browser tests leave their screenshots (git-ignored), to look at after a run."""


# The text a participant reads in the dialog: French frame (CSS) and the server's message.
VALIDATE_DIALOG_JS = """dialog => {
    const after = el => el ? getComputedStyle(el, '::after').content : '';
    const header = dialog.querySelector('.jp-Dialog-header');
    return {
        title: header ? getComputedStyle(header, '::before').content : '',
        titleHeight: header ? header.getBoundingClientRect().height : 0,
        frame: Array.from(dialog.querySelectorAll('#validation-message > div:not(.jp-RenderedText) > p')).map(after),
        body: Array.from(dialog.querySelectorAll('#validation-message pre')).map(p => p.innerText),
    };
}"""


def shot(page, name: str) -> Path:
    """A screenshot of the page as screenshots/<name>.png; its path is printed, so a failure's report
    shows how far the test went."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshots/{name}.png")
    return path


@dataclass
class Hub:
    base: str         # http://127.0.0.1:PORT
    kit: Path         # the copy of the kit the hub serves
    state: Path       # the hub's own folder (accounts, database)
    exchange: Path
    roster: Path
    log: Path
    proc: subprocess.Popen
    people: dict[str, str]   # login -> role

    def password(self, login: str) -> str:
        return json.loads((self.state / "comptes.json").read_text(encoding="utf-8"))[login]["password"]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def python_as(self, login: str, code: str, timeout: int = 120) -> subprocess.CompletedProcess:
        """Run the kit's Python as one of the hub's accounts, with the environment its server has."""
        from sahelkit.hub.config import HubSettings, server_environment

        env = server_environment(HubSettings.load(self.state / "reglages.json"))
        env["HOME"] = f"/home/{login}"
        return subprocess.run([RUNUSER, "-u", login, "--", sys.executable, "-c", code], env=env, cwd="/",
                              text=True, capture_output=True, timeout=timeout)


def start_hub(base: Path, people: list[tuple[str, str, str, str]], country: str, timeout: float = 120) -> Hub:
    """Start `make hub`'s command on a copy of the kit under `base` (a folder every account can cross),
    with a roster of (login, first name, last name, role); wait until the hub answers."""
    kit = base / "kit"
    kit.mkdir(parents=True)
    for name in HUB_PARTS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, kit / name, ignore=shutil.ignore_patterns(
                ".ipynb_checkpoints", "__pycache__", "gradebook.db", "*.egg-info"))
        else:
            shutil.copy2(src, kit / name)
    roster = base / "participants.csv"
    roster.write_text("identifiant;prenom;nom;role\n" + "".join(";".join(p) + "\n" for p in people), encoding="utf-8")
    port = free_port()
    cmd = make_hub_command(kit, port, roster, base / "echange") + ["--state", str(base / "etat")]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env.update(PYTHONPATH=str(kit / "src"), SAHELKIT_COUNTRY=country, PYTHONUNBUFFERED="1",
               PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    log = base / "hub.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=kit, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", kit, base / "etat", base / "echange", roster, log, proc,
              {p[0]: p[3] for p in people})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{hub.base}/hub/api/", timeout=5) as resp:
                if resp.status == 200:
                    return hub
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    stop_hub(hub)
    raise AssertionError(f"the hub did not answer on {hub.base} within {timeout} s:\n{hub.log_text()[-4000:]}")


def stop_hub(hub: Hub) -> None:
    """Stop the hub (it stops its proxy and every account's server), then whatever still runs as an
    account it made, and remove those accounts with `python -m sahelkit.hub remove-accounts`."""
    stop_lab_process(hub.proc)
    if (hub.state / "comptes.json").exists():
        env = dict(os.environ, PYTHONPATH=str(hub.kit / "src"))
        done = subprocess.run([sys.executable, "-m", "sahelkit.hub", "remove-accounts", "--state", str(hub.state)],
                              env=env, text=True, capture_output=True, timeout=120)
        if done.returncode != 0:
            raise AssertionError(f"removing the hub's accounts failed:\n{done.stdout}\n{done.stderr}")


def hub_login(page, hub: Hub, login: str) -> None:
    """Type the account's login and password on the hub's page and sign in (the server then starts)."""
    page.goto(f"{hub.base}/hub/login")
    page.fill("#username_input", login)
    page.fill("#password_input", hub.password(login))
    page.click("#login_submit", no_wait_after=True)


def wait_hub_lab(page, login: str, timeout: float = 240_000) -> None:
    """Wait until the account's JupyterLab, started by the hub after login, shows a notebook."""
    page.wait_for_url(re.compile(rf".*/user/{re.escape(login)}/lab.*"), timeout=timeout)
    page.locator(".jp-Notebook:visible").first.wait_for(timeout=timeout)


# --------------------------------------------------------------------------- a page and its translation
# Two Markdown pages that say the same thing in English and French (README.md and LISEZMOI.md, the
# data dictionary's README.md and LISEZMOI.md) share their skeleton: prose and `#` comments are
# translated, the structure and what a reader runs are not. These read the skeleton.
MD_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


def md_prose(text: str) -> str:
    """The page without its code blocks."""
    return MD_FENCE.sub("", text)


def md_headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of every heading outside code blocks, in order."""
    return [(len(m.group(1)), m.group(2)) for m in re.finditer(r"^(#+) (.+)$", md_prose(text), re.M)]


def md_code_blocks(text: str) -> list[tuple[str, list[str]]]:
    """(language, what must not be translated) of each code block: a shell block's command lines
    without their `#` comments; any other block (a layout) the names it lists at the start of a line."""
    blocks = []
    for lang, body in MD_FENCE.findall(text):
        if lang == "sh":
            lines = [re.sub(r"\s+#.*$", "", line).rstrip() for line in body.splitlines()]
            blocks.append((lang, [line for line in lines if line and not line.lstrip().startswith("#")]))
        else:
            blocks.append((lang, [line.split()[0] for line in body.splitlines()
                                  if line.strip() and len(line) - len(line.lstrip()) < 8]))
    return blocks


def md_table_rows(text: str) -> list[int]:
    """The number of rows of each table, in order."""
    sizes, previous = [], False
    for line in md_prose(text).splitlines():
        row = line.startswith("|")
        if row and not previous:
            sizes.append(0)
        if row:
            sizes[-1] += 1
        previous = row
    return sizes


def md_differences(en: str, fr: str) -> list[str]:
    """What an English page and its French translation do not share, one line each: heading levels,
    code blocks (commands, listed names), table sizes. Empty when the skeletons match."""
    found = []
    levels_en, levels_fr = [lvl for lvl, _ in md_headings(en)], [lvl for lvl, _ in md_headings(fr)]
    if levels_en != levels_fr:
        found.append(f"heading levels differ: English {levels_en}, French {levels_fr}")
    blocks_en, blocks_fr = md_code_blocks(en), md_code_blocks(fr)
    if len(blocks_en) != len(blocks_fr):
        found.append(f"the English has {len(blocks_en)} code blocks, the French {len(blocks_fr)}")
    for i, (a, b) in enumerate(zip(blocks_en, blocks_fr), start=1):
        if a != b:
            found.append(f"code block {i} differs: English {a}, French {b}")
    if md_table_rows(en) != md_table_rows(fr):
        found.append(f"table rows differ: English {md_table_rows(en)}, French {md_table_rows(fr)}")
    return found
