"""`sahelkit bundle`: what one participant takes home for offline work, as one zip.

    sahelkit bundle --country mali --out sahel-ci-mali.zip [--wheels --platform win_amd64 --python-version 3.12]

The zip holds the teaching notebooks (modules/), the exercises as released (exercises/), without
the files a trainer's run left beside them (module 13's draft JIT proposals: GENERATED), one
country's case data without its ground truth (datasets/<country>/ minus truth/, its profile,
datasets/README.md), the part of the sahelkit package that loads the data, a pyproject.toml and
requirements.lock to install it, and a read-me in the workshop's language (LISEZMOI.md in French,
README.md in English: read_me). Nothing that holds
answers goes in: no solutions/, no hidden tests, no truth/, no generator (which could rebuild
the truth from the seed), no grading code. --wheels adds the wheels of every pinned dependency
so that a laptop without network installs everything from the zip: wheels are made for one
operating system and one Python version, so --platform and --python-version name the
participants' (a bundle made on the trainer's Linux for their Windows laptops), and the read-me
tells them which Python to install.
"""
from __future__ import annotations

import argparse
import ast
import fnmatch
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..i18n import LANGUAGES, LOCALE_DIR, N_, LanguageError, _, language, speaking
from ..paths import PACKAGE, REPO

# Never shipped, by role: the generator rebuilds the answers from the seed; course/, grading/ and
# the command line are the trainer's tools. Participants get the top-level modules that load data.
NEVER = ("generator", "course", "grading", "cli")
SKIP = ("__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store")
# What notebooks write next to themselves when a trainer runs them (module 13's draft JIT proposal,
# as HTML and Word; module 07's event chart as CSV): one case's results, never handed to participants.
GENERATED = ("proposition_ece_*.html", "proposition_ece_*.docx", "frise_*.csv", "note_synthese_*.html",
             "note_synthese_*.docx")
LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME")


class BundleError(ValueError):
    pass


# Named on the read-me's install command line, so never missing from the wheels.
INSTALLED_ANYWAY = {"setuptools", "wheel", "pip"}
# The Python versions the kit runs on (pyproject.toml's requires-python), oldest first.
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")


@dataclass(frozen=True)
class Platform:
    """A participant's laptop as pip sees it (a wheel platform tag) and as the read-me names it."""

    tag: str        # what the trainer names (--platform)
    system: str     # "windows", "macos" or "linux": which install instructions the read-me gives
    name: str       # an English message, for the participant (shown through _())
    markers: tuple  # environment markers of that system, to find its own dependencies (colorama...)
    tags: tuple = ()  # every tag pip may take for it (pip expands macOS tags itself, not manylinux_2_x)


def _markers(sys_platform: str, system: str, os_name: str, machine: str) -> tuple:
    return (("sys_platform", sys_platform), ("platform_system", system), ("os_name", os_name),
            ("platform_machine", machine))


# The oldest system each wheel set installs on is set by the pins: scipy's macOS wheels need
# macOS 12, argon2-cffi-bindings' Linux wheels glibc 2.26 (tests/course/test_bundle.py asks PyPI).
PLATFORMS = {p.tag: p for p in [
    Platform("win_amd64", "windows", N_("Windows 64-bit"), _markers("win32", "Windows", "nt", "AMD64")),
    Platform("macosx_12_0_arm64", "macos", N_("macOS 12 or later, Apple chip (M1, M2…)"),
             _markers("darwin", "Darwin", "posix", "arm64")),
    Platform("macosx_12_0_x86_64", "macos", N_("macOS 12 or later, Intel processor"),
             _markers("darwin", "Darwin", "posix", "x86_64")),
    Platform("manylinux_2_28_x86_64", "linux", N_("Linux 64-bit (glibc 2.28 or later: Ubuntu 20.04, "
             "Debian 10 and later)"), _markers("linux", "Linux", "posix", "x86_64"),
             tuple(f"manylinux_2_{m}_x86_64" for m in range(28, 16, -1)) + ("manylinux2014_x86_64",)),
]}


def target_environment(platform: Platform, python_version: str) -> dict[str, str]:
    """The environment markers of the participants' laptops, to evaluate `requires` against."""
    return {**dict(platform.markers), "python_version": python_version, "python_full_version": f"{python_version}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def pip_target_arguments(platform: Platform | None, python_version: str | None) -> list[str]:
    """pip's options for wheels of another machine than this one (none for this machine)."""
    args = ["--only-binary=:all:"]
    for tag in (platform.tags or (platform.tag,)) if platform else ():
        args += ["--platform", tag]
    if python_version:
        args += ["--python-version", python_version, "--implementation", "cp"]
    return args


def bundle_arguments(p: argparse.ArgumentParser) -> None:
    from ..countries import country_help

    p.add_argument("--country", required=True, help=country_help())
    p.add_argument("--out", required=True, type=Path, metavar="FILE.zip", help=_("archive to write"))
    p.add_argument("--wheels", action="store_true",
                   help=_("add the wheels of the dependencies (install without network; needs access to PyPI "
                          "here)"))
    platforms = ", ".join(f"{tag} ({_(platform.name)})" for tag, platform in PLATFORMS.items())
    p.add_argument("--platform", choices=sorted(PLATFORMS), metavar="TAG",
                   help=_("system of the participants' laptops, for the wheels: {platforms} (default: this "
                          "machine's)").format(platforms=platforms))
    p.add_argument("--python-version", choices=PYTHON_VERSIONS, metavar="X.Y",
                   help=_("Python version of the participants: {versions} (default: this machine's, {here})").format(
                       versions=", ".join(PYTHON_VERSIONS), here=f"{sys.version_info.major}.{sys.version_info.minor}"))
    p.add_argument("--lang", choices=LANGUAGES,
                   help=_("the workshop's language: notebooks, exercises and JupyterLab's menus "
                          "(default: SAHELKIT_LANG, else fr)"))
    p.add_argument("--repo", type=Path, default=REPO, help=argparse.SUPPRESS)


def _skipped(rel: Path) -> bool:
    return any(fnmatch.fnmatch(part, pat) for part in rel.parts for pat in SKIP)


def generated(rel: Path) -> bool:
    """True for a file a notebook wrote when it ran (GENERATED), which the bundle leaves out."""
    return any(fnmatch.fnmatch(rel.name, pattern) for pattern in GENERATED)


def package_modules(pkg: Path = PACKAGE, notebooks: list[Path] = ()) -> list[str]:
    """The package files the loader and the notebooks import, following relative imports."""
    wanted = {"__init__", "workspace"}  # workspace: the participant opens JupyterLab and hands in with it
    for nb in notebooks:
        text = nb.read_text(encoding="utf-8")
        wanted |= set(re.findall(r"(?:from|import) sahelkit\.([a-z_]+)", text))
        for names in re.findall(r"from sahelkit import ([a-z_, ]+)", text):  # `from sahelkit import maps`
            wanted |= {n.strip() for n in names.split(",")}
    todo, seen = sorted(wanted), set()
    while todo:
        name = todo.pop()
        path = pkg / f"{name}.py"
        if name in seen or not (path.exists() or (pkg / name).is_dir()):
            continue
        seen.add(name)
        if not path.exists():  # a subpackage: every one is a trainer's tool (NEVER), refused below
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    todo.append(node.module.split(".")[0])
                else:
                    todo += [a.name for a in node.names]
    leaked = sorted(n for n in seen if n in NEVER)
    if leaked:
        raise BundleError(_("the participant's package would need {modules}, which must not be shipped").format(
            modules=", ".join(leaked)))
    return sorted(f"{n}.py" for n in seen)


def runtime_requirements(repo: Path, environment: dict[str, str] | None = None) -> list[str]:
    """Exact pins (from requirements.lock) of the package's runtime dependencies and theirs.

    The test tools of requirements.lock (pytest, playwright, faker...) are left out: a
    participant's laptop does not need them. `environment` holds the markers of the
    participants' laptops (target_environment): a dependency of theirs only (colorama and
    pywinpty on Windows, appnope on macOS) is added by name, since the lock is made on Linux and
    pip, downloading for another system, evaluates markers against this one.
    """
    import tomllib
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lock = {}
    for line in (repo / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            lock[canonicalize_name(name.strip())] = (name.strip(), version.strip())
    roots = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    todo = [Requirement(r) for r in roots]
    seen: set[str] = set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            reqs = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue
        for r in map(Requirement, reqs):
            if r.marker is None or r.marker.evaluate(dict(environment or {}, extra="")):
                todo.append(r)
    missing = sorted(n for n in seen if n not in lock and n not in INSTALLED_ANYWAY)
    pins = [f"{lock[n][0]}=={lock[n][1]}" for n in sorted(seen) if n in lock]
    return pins + ([f"# not in requirements.lock, needed on the participants' system: {', '.join(missing)}"]
                   + missing if missing else [])


def _pyproject(repo: Path, modules: list[str]) -> str:
    import tomllib
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = "".join(f'    "{d}",\n' for d in project["dependencies"])
    return (
        "# The participant's copy of the kit: installs the data loader and the pinned tools.\n"
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "sahelkit"\nversion = "{project["version"]}"\n'
        'description = "Sahel Criminal Intelligence Training Kit (participant edition)"\n'
        f'requires-python = "{project.get("requires-python", ">=3.11")}"\n'
        f"dependencies = [\n{deps}]\n\n"
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n\n'
        '[tool.setuptools.package-data]\n"sahelkit" = ["locale/*/LC_MESSAGES/*.po"]\n"sahelkit.lab" = ["*.css"]\n')


# The participant's read-me, in the workshop's language (read_me): English messages, one per section.
README_FILES = {"fr": "LISEZMOI.md", "en": "README.md"}
README_SECTIONS = (
    N_("""# Criminal intelligence analysis kit — participant's copy ({country})

All the data in this folder is **fictitious** (see `datasets/README.md`)."""),
    N_("""## What is in this folder

| folder | contents |
|---|---|
| `modules/` | the course notebooks, in order (`01-…`, `02-…`) |
| `exercises/` | the graded exercises: one folder per exercise, with its notebook |
| `datasets/{country}/` | the data of the case ({country}) |
| `src/sahelkit/` | the small program that loads the data (`sahelkit.load()`) |
| `wheels/` | (if present) everything there is to install, without Internet |"""),
    N_("""## Install (once only)

{python}

Then open a terminal **in this folder**, and:
{install}"""),
    N_("""## Open JupyterLab (every day)

In a terminal opened in this folder:

    .venv\\Scripts\\activate          (Windows)   or   source .venv/bin/activate   (Linux, macOS)
    python -m sahelkit.workspace lab

The first time, the command asks for your first name and last name: they name what you hand in, do not
change them afterwards. It prints an address; open it in the browser. On the left, open
`modules/` for the course, `exercises/` for the exercises. The country's data is loaded
automatically (`case = sahelkit.load()`). Save often (Ctrl+S). A notebook left without
running anything for an hour is stopped to spare the laptop's memory: run it again with
*Run* > *Run All Cells*."""),
    N_("""## Hand in an exercise

1. In the exercise's notebook: menu *Kernel* > *Restart Kernel and Run All Cells*, and check
   that there is no error in red. Save (Ctrl+S).
2. **Do not rename** the notebook, **do not delete** nor change the test cells
   (they are put back as they were at grading).
3. Menu *Nbgrader* > *Assignment List*: next to the exercise, click **Submit**. It appears
   in *Submitted assignments*, with the time. You may hand in several times: the most
   recent submission counts.
4. To give your submissions to the trainer, plug in their USB stick and type, in a terminal opened
   in this folder (environment activated):

       python -m sahelkit.workspace handin --to E:\\        (Windows: the letter of the stick)
       python -m sahelkit.workspace handin --to /media/CLE  (Linux, macOS: the folder of the stick)

   This writes on the stick **a single archive in your name** (`firstname.lastname.zip`), with the latest
   submission of each exercise. Nothing to name or compress by hand.

The next day, the trainer gives you your feedback (`feedback`): an HTML page with your points per
part and the message of each test that failed."""),
)

PYTHON_ANY = N_("""You need Python {versions} (recommended: Python {version}). Check with `python --version`
(Windows: `py --list`). Otherwise, download it from python.org; on Windows, tick “Add
python.exe to PATH” during the installation.""")

PYTHON_EXACT = N_("""You need **Python {version}** (any {version}.x), for {name}: the files of the folder
`wheels/` are made for this version and this system, and for no other. {where}""")

WHERE = {
    "windows": N_("Download the “Windows installer (64-bit)” of Python {version} from python.org and, during the "
                  "installation, tick “Add python.exe to PATH”. Check with `py -{version} --version`."),
    "macos": N_("Download the “macOS 64-bit universal2 installer” of Python {version} from python.org. "
                "Check with `python{version} --version`."),
    "linux": N_("Install the package `python{version}` and `python{version}-venv` of your distribution "
                "(Ubuntu 24.04 has Python 3.12). Check with `python{version} --version`."),
}

COMMANDS = {
    "windows": (N_("On Windows"), "py -{version} -m venv .venv", ".venv\\Scripts\\activate"),
    "linux": (N_("On Linux or macOS"), "python{version} -m venv .venv", "source .venv/bin/activate"),
}


def install_text(version: str, install: str, platform: Platform | None) -> tuple[str, str]:
    """What the read-me says about Python and the install commands, for one system or for all."""
    if platform:
        python = _(PYTHON_EXACT).format(version=version, name=_(platform.name),
                                        where=_(WHERE[platform.system]).format(version=version))
    else:
        versions = _("{versions} or {last}").format(versions=", ".join(PYTHON_VERSIONS[:-1]),
                                                    last=PYTHON_VERSIONS[-1])
        python = _(PYTHON_ANY).format(versions=versions, version=version)
    systems = ["windows"] if platform and platform.system == "windows" else \
        ["linux"] if platform else ["windows", "linux"]
    blocks = []
    for system in systems:
        title, venv, activate = COMMANDS[system]
        lines = [venv.format(version=version), activate, install, "pip install --no-deps --no-build-isolation -e ."]
        blocks.append("\n" + _("{title}:").format(title=_(title)) + "\n\n"
                      + "\n".join("    " + line for line in lines) + "\n")
    return python, "".join(blocks)


def read_me(country: str, python: str, install: str) -> tuple[str, str]:
    """(file name, text) of the participant's read-me in the workshop's language: LISEZMOI.md in French,
    README.md in English."""
    text = "\n\n".join(_(section).format(country=country, python=python, install=install)
                       for section in README_SECTIONS)
    return README_FILES[language()], text + "\n"


def build_bundle(country: str, out: Path, wheels: bool = False, repo: Path = REPO,
                 platform: str | None = None, python_version: str | None = None, lang: str | None = None) -> dict:
    """Write the zip, wholly in one language (the workshop's by default): its notebooks, exercises,
    read-me and interface; return what went in (for the summary and tests)."""
    with speaking(lang or language()) as lang:
        return _build_bundle(country, out, wheels, repo, platform, python_version, lang)


def _build_bundle(country: str, out: Path, wheels: bool, repo: Path, platform: str | None,
                  python_version: str | None, lang: str) -> dict:
    from ..countries import resolve_country
    from ..workspace import DICTIONARY, language_folder
    slug = resolve_country(country)
    notebooks_root = language_folder(repo, lang)
    if not (notebooks_root / "exercises").is_dir():
        raise BundleError(f"no {lang} notebooks in {notebooks_root}: run `make exercises`")
    target = PLATFORMS.get(platform) if platform else None
    if platform and not target:
        raise BundleError(_("unknown platform {platform}; known: {known}").format(platform=repr(platform),
                                                                                 known=", ".join(PLATFORMS)))
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    version = python_version or here
    if version not in PYTHON_VERSIONS:
        raise BundleError(_("Python {version} is not supported by the kit ({versions}): give --python-version")
                          .format(version=version, versions=", ".join(PYTHON_VERSIONS)))
    data = repo / "datasets" / slug
    if not data.is_dir():
        raise BundleError(_("no data for {country} in {folder}: run {command}").format(
            country=slug, folder=repo / "datasets", command=f"`sahelkit generate --country {slug}`"))
    notebooks = sorted((notebooks_root / "modules").glob("*.ipynb")) + \
        sorted((notebooks_root / "exercises").rglob("*.ipynb"))
    pkg_files = package_modules(repo / "src" / "sahelkit", notebooks)
    files: dict[str, bytes] = {}

    def add_tree(folder: Path, prefix: str, exclude=lambda rel: False) -> None:
        for p in sorted(folder.rglob("*")):
            rel = p.relative_to(folder)
            if p.is_file() and not _skipped(rel) and not exclude(rel):
                files[f"{prefix}/{rel.as_posix()}"] = p.read_bytes()

    add_tree(notebooks_root / "modules", "modules", exclude=generated)
    add_tree(notebooks_root / "exercises", "exercises", exclude=generated)
    # The same exercises as released in the workspace's nbgrader exchange, so that the Assignments
    # panel lists them and Submit hands them in (sahelkit/workspace.py).
    from ..workspace import COURSE_ID, Paths
    outbound = (Paths(Path()).exchange / COURSE_ID / "outbound").as_posix()
    add_tree(notebooks_root / "exercises", outbound, exclude=generated)
    # The workspace opens in the bundle's language (sahelkit.workspace.settle_language).
    files[Paths(Path()).language.as_posix()] = f"{lang}\n".encode()
    add_tree(data, f"datasets/{slug}", exclude=lambda rel: rel.parts[0] == "truth")
    dictionary = repo / "datasets" / DICTIONARY[lang]
    dictionary = dictionary if dictionary.is_file() else repo / "datasets" / "README.md"
    files[f"datasets/{dictionary.name}"] = dictionary.read_bytes()
    borders = repo / "datasets" / "maps" / "borders.geojson"  # the maps' outlines (sahelkit.maps), offline
    if "maps.py" in pkg_files and borders.exists():
        files["datasets/maps/borders.geojson"] = borders.read_bytes()
    profile = repo / "datasets" / "profiles" / f"{slug}.yaml"
    if profile.exists():
        files[f"datasets/profiles/{slug}.yaml"] = profile.read_bytes()
    for name in pkg_files:
        files[f"src/sahelkit/{name}"] = (repo / "src" / "sahelkit" / name).read_bytes()
    if "i18n.py" in pkg_files:  # the messages' translations, read by sahelkit.i18n
        add_tree(repo / "src" / "sahelkit" / LOCALE_DIR.name, f"src/sahelkit/{LOCALE_DIR.name}",
                 exclude=lambda rel: rel.suffix != ".po")
    # The participant's Jupyter (sahelkit.lab: Validate in French, short errors) and the settings that
    # switch it on (jupyter-config/), which the workspace writes into its own configuration folder.
    add_tree(repo / "src" / "sahelkit" / "lab", "src/sahelkit/lab")
    if "i18n.py" in pkg_files:  # the messages' French (gettext catalogue)
        add_tree(repo / "src" / "sahelkit" / "locale", "src/sahelkit/locale")
    add_tree(repo / "jupyter-config", "jupyter-config")
    files["pyproject.toml"] = _pyproject(repo, pkg_files).encode()
    pins = runtime_requirements(repo, target_environment(target, version) if target else None)
    files["requirements.lock"] = ("# Exact versions for the participant's laptop (runtime only).\n"
                                  + "\n".join(pins) + "\n").encode()
    # setuptools and wheel: to install the kit itself (second command), older venvs lack them
    install = ("pip install --no-index --find-links wheels -r requirements.lock setuptools wheel" if wheels
               else "pip install -r requirements.lock setuptools wheel")
    python, commands = install_text(version, install, target if wheels else None)
    name, text = read_me(slug, python, commands)
    files[name] = text.encode()

    problems = [f"{name}: {m}" for name, content in files.items() if name.endswith((".ipynb", ".py", ".md"))
                for m in LEAK_MARKERS if m.encode() in content]
    if problems:
        raise BundleError(_("answers would leak into the bundle:") + "\n" + "\n".join(problems))
    warnings = [name for name, content in files.items() if name.endswith(".ipynb") and b"load_truth" in content]

    wheel_files: list[Path] = []
    if wheels:
        tmp = Path(tempfile.mkdtemp(prefix="sahelkit-wheels-"))
        req = tmp / "requirements.lock"
        req.write_bytes(files["requirements.lock"])
        extra = ["setuptools", "wheel"]  # the install command names them too
        wanted = pip_target_arguments(target, version if target or python_version else None)
        cmd = [sys.executable, "-m", "pip", "download", *wanted, "-d", str(tmp / "wheels"), "-r", str(req), *extra]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BundleError(_("pip download failed (network to PyPI needed for --wheels):") + "\n"
                              + proc.stderr[-2000:])
        wheel_files = sorted((tmp / "wheels").iterdir())

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    top = f"sahel-ci-{slug}"
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in sorted(files.items()):
            zf.writestr(f"{top}/{name}", content)
        for w in wheel_files:
            zf.write(w, f"{top}/wheels/{w.name}", compress_type=zipfile.ZIP_STORED)
    partial.replace(out)
    return {"country": slug, "files": sorted(files), "wheels": [w.name for w in wheel_files],
            "package": pkg_files, "needs_truth": warnings, "top": top, "python": version,
            "platform": target.tag if target else None}


def run_bundle(args: argparse.Namespace) -> int:
    from ..countries import UnknownCountryError
    try:
        info = build_bundle(args.country, args.out, args.wheels, Path(args.repo), args.platform, args.python_version,
                            args.lang or language())
    except (BundleError, UnknownCountryError, LanguageError) as exc:
        print(_("sahelkit bundle: {error}").format(error=exc), file=sys.stderr)
        return 2
    size = Path(args.out).stat().st_size / 1e6
    if info["wheels"]:
        what = _("{out}: {files} files + {wheels} wheels ({size:.1f} MB) for {country}")
    else:
        what = _("{out}: {files} files ({size:.1f} MB) for {country}")
    what = what.format(out=args.out, files=len(info["files"]), wheels=len(info["wheels"]), size=size,
                       country=info["country"])
    if info["platform"]:
        what += _(", Python {version} on {system}").format(version=info["python"],
                                                          system=_(PLATFORMS[info["platform"]].name))
    print(what)
    for name in info["needs_truth"]:
        print(_("warning: {notebook} calls load_truth(), which will not work on the participant's laptop "
                "(the ground truth is not in the archive)").format(notebook=name), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sahelkit.course.bundle", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    bundle_arguments(p)
    return run_bundle(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
