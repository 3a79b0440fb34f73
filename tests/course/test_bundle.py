"""`sahelkit bundle` gives a participant everything to work offline and nothing that holds answers."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from sahelkit.course.bundle import (
    LEAK_MARKERS,
    PLATFORMS,
    PYTHON_VERSIONS,
    build_bundle,
    install_text,
    package_modules,
    pip_target_arguments,
    runtime_requirements,
    target_environment,
)
from tests.helpers import COUNTRIES, REPO

NETWORK = pytest.mark.skipif(not os.environ.get("SAHELKIT_NETWORK_TESTS"),
                             reason="asks PyPI: set SAHELKIT_NETWORK_TESTS=1 to run")

COUNTRY = COUNTRIES[0] if COUNTRIES else "mali"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> tuple[Path, dict, dict[str, bytes]]:
    out = tmp_path_factory.mktemp("bundle") / f"{COUNTRY}.zip"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-m", "sahelkit.course.bundle", "--country", COUNTRY, "--out", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out) as zf:
        top = zf.namelist()[0].split("/")[0]
        files = {n[len(top) + 1:]: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    return out, {"top": top}, files


def test_bundle_has_what_a_participant_needs(bundle):
    _, _, files = bundle
    assert "LISEZMOI.md" in files and "pyproject.toml" in files and "requirements.lock" in files
    assert "datasets/LISEZMOI.md" in files, "the data dictionary, in the workshop's language (French by default)"
    for nb in sorted((REPO / "modules").glob("*.ipynb")):
        assert f"modules/{nb.name}" in files
    for nb in sorted((REPO / "exercises").rglob("*.ipynb")):
        assert f"exercises/{nb.relative_to(REPO / 'exercises').as_posix()}" in files
    data = sorted(p.relative_to(REPO / "datasets" / COUNTRY).as_posix()
                  for p in (REPO / "datasets" / COUNTRY).rglob("*") if p.is_file() and "truth" not in p.parts)
    assert data and all(f"datasets/{COUNTRY}/{rel}" in files for rel in data)
    assert f"datasets/{COUNTRY}/verified_records.csv" in files, "the verified sample (module 03) is missing"
    assert "src/sahelkit/__init__.py" in files and "src/sahelkit/load.py" in files
    assert "src/sahelkit/maps.py" in files, "module 08 draws its maps with sahelkit.maps"
    assert "datasets/maps/borders.geojson" in files, "the maps' country outlines are missing"
    readme = files["LISEZMOI.md"].decode()
    assert "python -m sahelkit.workspace lab" in readme and "pip install" in readme
    assert "Submit" in readme and "python -m sahelkit.workspace handin --to" in readme
    assert "## Rendre un exercice" in readme and "README.md" not in files
    # what the participant's commands and Validate say comes from the catalogue, read by sahelkit.i18n
    assert "src/sahelkit/i18n.py" in files and "src/sahelkit/locale/fr/LC_MESSAGES/sahelkit.po" in files


def test_in_english_the_bundle_s_read_me_is_readme_md_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("SAHELKIT_LANG", "en")
    info = build_bundle(COUNTRY, tmp_path / "en.zip")
    assert "README.md" in info["files"] and "LISEZMOI.md" not in info["files"]
    with zipfile.ZipFile(tmp_path / "en.zip") as zf:
        readme = zf.read(f"{info['top']}/README.md").decode()
    assert readme.startswith(f"# Criminal intelligence analysis kit — participant's copy ({COUNTRY})")
    assert "## Hand in an exercise" in readme and "\nOn Windows:\n" in readme and "\nOn Linux or macOS:\n" in readme
    assert "python -m sahelkit.workspace handin --to" in readme
    assert not [word for word in ("Rendre", "Sous Windows", "Il faut Python", "dossier") if word in readme]


def test_bundle_holds_no_answers(bundle):
    _, _, files = bundle
    assert not [n for n in files if "/truth/" in f"/{n}" or n.startswith(("solutions/", "tests/"))]
    assert not [n for n in files if n.startswith("src/sahelkit/grading") or n.endswith(
        ("generate.py", "world.py", "intel.py", "feedback.py", "gradebook.db"))]
    for name, content in files.items():
        if name.endswith((".ipynb", ".py", ".md", ".csv", ".txt", ".yaml", ".toml", ".lock")):
            for marker in LEAK_MARKERS:
                assert marker.encode() not in content, f"{name} contains {marker}"
    # no other country's data either
    assert not [n for n in files if n.startswith("datasets/") and n.count("/") > 1
                and n.split("/")[1] not in (COUNTRY, "profiles", "maps")]


def test_exercises_in_bundle_are_the_released_ones_without_solutions(bundle):
    _, _, files = bundle
    for sol in sorted((REPO / "solutions").rglob("*.ipynb")):
        name = sol.relative_to(REPO / "solutions").as_posix()
        shipped = json.loads(files[f"exercises/{name}"])
        solution = nbformat.read(sol, as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
                   if c.metadata.get("nbgrader", {}).get("solution")}
        hidden = [c.source for c in solution.cells if "BEGIN HIDDEN TESTS" in c.source]
        for cell in shipped["cells"]:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if gid in answers and "BEGIN SOLUTION" in answers[gid]:
                body = answers[gid].split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0].strip()
                assert body not in text, f"{name}: the solution of {gid} is in the bundle"
            for h in hidden:
                secret = h.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0].strip()
                assert not secret or secret not in text, f"{name}: hidden tests of {gid} are in the bundle"


def test_a_bundle_is_a_workspace_whose_exercises_are_released_in_its_exchange(bundle, tmp_path):
    """The bundle opens with the workspace command: the Assignments panel lists its exercises as
    fetched (released in its exchange, already in exercises/), and nothing is fetched twice."""
    out, meta, files = bundle
    outbound = ".sahelkit/echange/sahel-ci/outbound/"
    for name in [n for n in files if n.startswith("exercises/")]:
        assert files[outbound + name[len("exercises/"):]] == files[name], name
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / meta["top"]
    env = {k: v for k, v in os.environ.items() if k not in ("SAHELKIT_DATA", "PYTHONPATH")}
    env["PYTHONPATH"] = str(root / "src")
    proc = subprocess.run([sys.executable, "-m", "sahelkit.workspace", "lab", "--participant", "Aminata Traoré",
                           "--prepare-only"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "aminata.traore" in proc.stdout and "récupérés" not in proc.stdout, proc.stdout
    assert f"Données des cas : {root / 'datasets'}" in proc.stdout
    # The French Validate and the short errors come with it: its server and its kernels load them
    # from the bundle's own package (no `make setup` made the bundle's venv).
    config = root / ".sahelkit" / "jupyter"
    server = json.loads((config / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert server["ServerApp"]["jpserver_extensions"]["sahelkit.lab.validate"] is True
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.validate_assignment"] is False
    assert json.loads((config / "jupyter_lab_config.json").read_text(encoding="utf-8"))["LabApp"]["custom_css"]
    kernel = root / ".sahelkit" / "ipython" / "profile_default" / "ipython_kernel_config.json"
    assert json.loads(kernel.read_text(encoding="utf-8"))["IPKernelApp"]["extensions"] == ["sahelkit.lab.errors"]
    code = "import sahelkit.lab.validate as v, sahelkit.lab.errors; print(v.__file__, v.CUSTOM_CSS.is_file())"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    where, css = proc.stdout.split()
    assert Path(where).resolve().is_relative_to(root.resolve()) and css == "True", proc.stdout


def test_bundled_package_loads_the_data_offline(bundle, tmp_path):
    out, meta, _ = bundle
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / meta["top"]
    env = {k: v for k, v in os.environ.items() if k not in ("SAHELKIT_DATA", "PYTHONPATH")}
    env["PYTHONPATH"] = str(root / "src")
    code = ("import sahelkit, sys; c = sahelkit.load(sys.argv[1]); print(c.country, len(c.tables()));"
            "print(sys.modules['sahelkit.load'].data_dir())")
    proc = subprocess.run([sys.executable, "-c", code, COUNTRY], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[0] == COUNTRY
    assert Path(proc.stdout.split()[-1]).resolve() == (root / "datasets").resolve()
    truth = subprocess.run([sys.executable, "-c", "import sahelkit, sys; sahelkit.load_truth(sys.argv[1])", COUNTRY],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert truth.returncode != 0, "ground truth can be loaded from the bundle"


def test_requirements_are_exact_runtime_pins():
    pins = [line for line in runtime_requirements(REPO) if not line.startswith("#")]
    names = {p.split("==")[0].lower() for p in pins}
    assert all("==" in p for p in pins)
    assert {"pandas", "jupyterlab", "nbgrader"} <= names
    assert not names & {"pytest", "playwright", "faker", "nbval"}, "test tools shipped to participants"


def test_unknown_country_is_a_usage_error(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-m", "sahelkit.course.bundle", "--country", "atlantis", "--out",
                           str(tmp_path / "x.zip")], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "atlantis" in proc.stderr
    assert not (tmp_path / "x.zip").exists()


@NETWORK
def test_wheels_install_without_network(tmp_path):
    out = tmp_path / "w.zip"
    info = build_bundle(COUNTRY, out, wheels=True)
    assert any(w.startswith("pandas-") for w in info["wheels"])
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / info["top"]
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    # the participant's README commands for Linux, run as written, with the venv's pip
    readme = (root / "LISEZMOI.md").read_text(encoding="utf-8")
    linux = readme.split("Sous Linux ou macOS")[1].split("##")[0]
    commands = [line.split() for line in linux.splitlines() if line.strip().startswith("pip install")]
    assert len(commands) == 2 and "--no-index" in commands[0]
    for command in commands:
        proc = subprocess.run([str(tmp_path / "venv" / "bin" / "pip"), *command[1:]], cwd=root,
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(command)}\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}"
    proc = subprocess.run([str(tmp_path / "venv" / "bin" / "python"), "-c", "import sahelkit; sahelkit.load()"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_a_bundle_s_only_country_is_loaded_by_default(tmp_path, monkeypatch):
    """A participant's laptop has one country and no SAHELKIT_COUNTRY: sahelkit.load() finds it."""
    import importlib
    import shutil

    import sahelkit
    loader = importlib.import_module("sahelkit.load")
    country = COUNTRIES[-1]  # in the repository, the default is the first country: take another
    shutil.copytree(REPO / "datasets" / country, tmp_path / country, ignore=shutil.ignore_patterns("truth"))
    monkeypatch.setenv("SAHELKIT_DATA", str(tmp_path))
    monkeypatch.delenv("SAHELKIT_COUNTRY", raising=False)
    assert sahelkit.load().country == country
    monkeypatch.setenv("SAHELKIT_COUNTRY", "mali")  # asked for explicitly: a clear error, not a guess
    with pytest.raises(loader.CaseDataError, match="pas de cas pour mali"):
        sahelkit.load()


def _names(pins: list[str]) -> set[str]:
    return {p.split("==")[0].lower() for p in pins if not p.startswith("#")}


def test_each_laptop_gets_the_dependencies_of_its_own_system():
    """The lock is made on Linux; a Windows laptop also needs colorama and pywinpty, a Mac appnope."""
    here = _names(runtime_requirements(REPO))
    windows = _names(runtime_requirements(REPO, target_environment(PLATFORMS["win_amd64"], "3.12")))
    mac = _names(runtime_requirements(REPO, target_environment(PLATFORMS["macosx_12_0_arm64"], "3.13")))
    assert {"colorama", "pywinpty"} <= windows - here
    assert "appnope" in mac - here
    assert {"pandas", "jupyterlab", "nbgrader"} <= here & windows & mac


def test_lisezmoi_names_the_python_the_wheels_are_for():
    install = "pip install --no-index --find-links wheels -r requirements.lock setuptools wheel"
    python, commands = install_text("3.12", install, PLATFORMS["win_amd64"])
    assert "Python 3.12" in python and "Windows" in python and "python.org" in python
    assert "py -3.12 -m venv .venv" in commands and "Sous Linux" not in commands
    python, commands = install_text("3.13", install, PLATFORMS["macosx_12_0_arm64"])
    assert "Python 3.13" in python and "python3.13 -m venv .venv" in commands and "Sous Windows" not in commands
    python, commands = install_text("3.11", "pip install -r requirements.lock setuptools wheel", None)
    assert all(v in python for v in PYTHON_VERSIONS) and "Sous Windows" in commands and "Sous Linux" in commands


def test_unknown_platform_is_a_usage_error(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-m", "sahelkit.course.bundle", "--country", COUNTRY, "--wheels",
                           "--platform", "amiga", "--out", str(tmp_path / "x.zip")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "win_amd64" in proc.stderr
    assert not (tmp_path / "x.zip").exists()


@NETWORK
@pytest.mark.parametrize("version", PYTHON_VERSIONS)
@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_requirement_has_a_wheel_for_each_laptop(tmp_path, platform, version):
    """What `sahelkit bundle --wheels --platform P --python-version V` downloads exists on PyPI:
    pip resolves the participant's requirements for that system and Python from wheels only
    (package metadata only, nothing installed)."""
    target = PLATFORMS[platform]
    req = tmp_path / "requirements.txt"
    req.write_text("\n".join(runtime_requirements(REPO, target_environment(target, version))) + "\n",
                   encoding="utf-8")
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
           *pip_target_arguments(target, version), "--target", str(tmp_path / "t"), "-r", str(req),
           "setuptools", "wheel"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{platform} Python {version}:\n{proc.stderr[-3000:]}"


def test_proposals_a_run_left_behind_are_not_shipped(tmp_path):
    """Module 13 writes its draft JIT proposal (HTML and Word) and module 07 its event chart (CSV) beside
    the notebook: a trainer who ran them before making the bundle must not hand one case's results to
    every participant."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("exercises", "datasets", "src", "pyproject.toml", "requirements.lock"):
        (repo / name).symlink_to(REPO / name)
    shutil.copytree(REPO / "modules", repo / "modules")
    stray = ["proposition_ece_mali.html", "proposition_ece_mali.docx", "proposition_ece_niger-2.docx",
             "frise_mali_S0017.csv"]  # module 07 exports its event chart beside the notebook too
    for name in stray:
        (repo / "modules" / name).write_bytes(b"projet d'un cas")
    info = build_bundle(COUNTRY, tmp_path / "b.zip", repo=repo)
    modules = [name for name in info["files"] if name.startswith("modules/")]
    assert modules == sorted(f"modules/{nb.name}" for nb in (REPO / "modules").glob("*.ipynb"))
    assert not [name for name in info["files"] if "proposition_ece" in name or "frise_" in name]


def test_the_participant_package_writes_module_13_s_proposal():
    """Module 13 writes its proposal with sahelkit.document, which needs python-docx: both are shipped."""
    notebooks = sorted((REPO / "modules").glob("*.ipynb"))
    assert "document.py" in package_modules(REPO / "src" / "sahelkit", notebooks)
    assert {"python-docx", "lxml"} <= _names(runtime_requirements(REPO))


def test_an_english_bundle_holds_the_english_notebooks_and_opens_in_english(tmp_path):
    out = tmp_path / "en.zip"
    info = build_bundle(COUNTRY, out, lang="en")
    with zipfile.ZipFile(out) as zf:
        files = {n[len(info["top"]) + 1:]: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    for nb in (REPO / "en" / "modules").glob("*.ipynb"):
        assert files[f"modules/{nb.name}"] == nb.read_bytes(), nb.name
    for nb in (REPO / "en" / "exercises").glob("*/*.ipynb"):
        rel = nb.relative_to(REPO / "en").as_posix()
        assert files[rel] == nb.read_bytes() == files[f".sahelkit/echange/sahel-ci/outbound/{rel[len('exercises/'):]}"]
    assert files[".sahelkit/language"] == b"en\n"
    assert "datasets/README.md" in files and "datasets/LISEZMOI.md" not in files
    french = build_bundle(COUNTRY, tmp_path / "fr.zip")
    assert "datasets/LISEZMOI.md" in french["files"] and ".sahelkit/language" in french["files"]
