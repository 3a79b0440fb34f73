"""The participant's workspace: what a participant's JupyterLab shows, and how the work leaves it.

    python -m sahelkit.workspace lab [--source KIT] [--participant "Prénom Nom"] [jupyter lab options]
    python -m sahelkit.workspace handin --to /media/CLE

`make lab` opens JupyterLab in a folder of its own (atelier/, git-ignored), never at the root of
the kit: the modules, the exercises and the case data without truth/, nothing else. The folder is
the server's root_dir, so no file browser click, /files/ or /api/contents/ address can reach
solutions/, truth/, tests/ or the gradebook: Jupyter refuses any path outside its root. Hiding
them with ContentsManager.hide_globs would not do: it only hides names from listings, and the
same files stay one URL away. The server also reads a Jupyter configuration folder of its own
(JUPYTER_CONFIG_DIR=atelier/.sahelkit/jupyter), where nbgrader's instructor panels (Create
Assignment, Formgrader, Courses) are disabled and locked and Formgrader's server extension is off;
`make lab-trainer` opens the whole kit with the ordinary configuration, and is not touched by it.

The folder is refreshed at every start from the kit (--source): a file the participant changed is
kept as it is, and nothing is ever deleted (a manifest records what this command wrote). The
exercises go through nbgrader's own exchange, inside the folder (.sahelkit/echange): released from
the kit's exercises/, fetched into atelier/exercises/ once, so the Assignments panel lists them and
Submit hands one in under the participant's identity, asked at the first start and kept. `handin`
then writes everything handed in as one zip named after the participant, for the trainer's USB
stick, which `sahelkit grade --submissions` reads as it is.

A participant's bundle is such a workspace already (see sahelkit/course/bundle.py): the same
command, without --source, opens it.

The workshop's language (SAHELKIT_LANG, sahelkit.i18n; `make lab LANG=en`) chooses which notebooks
the workspace gets, French (modules/, exercises/) or English (en/modules/, en/exercises/: built
from the French, sahelkit.course.translate), under the same names, and the language of
JupyterLab's menus (its French language pack, or English).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import ENV, LANGUAGES, LanguageError, _, language, ngettext

COURSE_ID = "sahel-ci"
"""nbgrader's course id, for the trainer's gradebook (grader_config.py) and the participant's exchange."""
FOLDER = "atelier"
"""The workspace `make lab` builds at the root of the kit (git-ignored)."""
STATE = ".sahelkit"
"""Inside a workspace: its Jupyter configuration, the exchange, the identity and the manifest (hidden)."""
LANDING = "modules/index.ipynb"
EXERCISES = "exercises"
IDLE_KERNEL_MINUTES = 60
"""A kernel idle this long is shut down, even with its tab open: a module's session is 45 to 90
minutes, so a kernel untouched for an hour belongs to an earlier one; rerunning a notebook takes seconds."""
CULL_CHECK_MINUTES = 5
"""How often the server looks for idle kernels."""
INSTRUCTOR_PLUGINS = ("@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                      "@jupyter/nbgrader:course-list")
"""nbgrader's JupyterLab plugins for trainers; the participant keeps the Assignments list and Validate."""
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
OFFLINE_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)
"""The news pop-up: the workshop is offline (the Makefile disables it for the trainer's server too)."""
SKIP = ("__pycache__", ".ipynb_checkpoints", ".DS_Store", "*.pyc", "proposition_ece_*", "frise_*.csv",
        "note_synthese_*")


class WorkspaceError(ValueError):
    """A problem the participant or trainer can act on; the message (in the workshop's language) says what to do."""


def normalise_id(text: str) -> str:
    """A participant id that survives accents, case and separators: "Aminata Traoré" -> "aminata.traore".

    The one rule for the identity a participant gives, the zip `handin` writes and the names
    `sahelkit grade` reads from files."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", ".", text.lower())
    return text.strip(".")


@dataclass
class Paths:
    """Where each part of a workspace lives."""

    root: Path
    shared_exchange: Path | None = None
    """The classroom server's exchange, shared by every account (sahelkit.hub); else one inside the workspace."""

    @property
    def state(self) -> Path:
        return self.root / STATE

    @property
    def config(self) -> Path:
        return self.state / "jupyter"

    @property
    def lab_settings(self) -> Path:
        return self.state / "lab-settings"

    @property
    def ipython(self) -> Path:
        return self.state / "ipython"

    @property
    def exchange(self) -> Path:
        return self.shared_exchange or self.state / "echange"

    @property
    def cache(self) -> Path:
        return self.state / "cache"

    @property
    def exercises(self) -> Path:
        return self.root / EXERCISES

    @property
    def language(self) -> Path:
        return self.state / "language"

    @property
    def identity(self) -> Path:
        return self.state / "participant.json"

    @property
    def manifest(self) -> Path:
        return self.state / "copies.json"

    @property
    def inbound(self) -> Path:
        return self.exchange / COURSE_ID / "inbound"


# --------------------------------------------------------------------------- building from the kit
@dataclass
class Sync:
    """What a refresh did: files written, and files kept because the participant changed them."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _skipped(rel: Path) -> bool:
    import fnmatch
    return any(fnmatch.fnmatch(part, pattern) for part in rel.parts for pattern in SKIP)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def language_folder(source: Path, lang: str) -> Path:
    """Where the kit keeps a language's notebooks (modules/ and exercises/ in it): French at its
    root, English in en/."""
    return source if lang == "fr" else source / lang


DICTIONARY = {"fr": "LISEZMOI.md", "en": "README.md"}
"""The data dictionary's file in each language (datasets/, written by `sahelkit data-readme`)."""


def wanted_files(source: Path, data: Path, cases: list[str] | None = None,
                 lang: str | None = None) -> dict[str, Path]:
    """What a workspace holds from the kit, by path inside it: the modules in the workshop's language,
    and every case (or those named in `cases`) without truth/."""
    lang = lang or language()
    files: dict[str, Path] = {}
    notebooks = language_folder(source, lang)
    for p in sorted((notebooks / "modules").rglob("*")):
        rel = p.relative_to(notebooks)
        if p.is_file() and not _skipped(rel):
            files[rel.as_posix()] = p
    for readme in (source / "datasets" / DICTIONARY[lang], source / "datasets" / "README.md"):
        if readme.is_file():
            files[f"datasets/{readme.name}"] = readme
            break
    from .paths import CASE_PROFILE
    folders = [data / name for name in cases] if cases is not None else sorted(data.iterdir()) if data.is_dir() else []
    for case in (d for d in folders if (d / CASE_PROFILE).is_file()):
        for p in sorted(case.rglob("*")):
            rel = p.relative_to(case)
            if p.is_file() and rel.parts[0] != "truth" and not _skipped(rel):
                files[f"datasets/{case.name}/{rel.as_posix()}"] = p
    return files


def sync(files: dict[str, Path], ws: Paths) -> Sync:
    """Copy the kit's files into the workspace without losing a participant's change.

    A file is (re)written when it is missing, or when it still holds what this command wrote last
    time (the manifest's digest); a file the participant changed is kept and reported. Nothing is
    deleted, not even a file the kit no longer has."""
    manifest = json.loads(ws.manifest.read_text(encoding="utf-8")) if ws.manifest.is_file() else {}
    done = Sync()
    for rel, src in files.items():
        data = src.read_bytes()
        dest = ws.root / rel
        if dest.is_file():
            current = _digest(dest.read_bytes())
            if current == _digest(data):
                manifest[rel] = current
                continue
            if manifest.get(rel) != current:
                done.kept.append(rel)
                continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".part")
        partial.write_bytes(data)
        partial.replace(dest)
        manifest[rel] = _digest(data)
        done.written.append(rel)
    ws.manifest.parent.mkdir(parents=True, exist_ok=True)
    ws.manifest.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return done


def _exchange(cls, config):
    """An nbgrader exchange action, built as nbgrader's own apps build it."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    return cls(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config), config=config)


def _exchange_config(ws: Paths, student_id: str = "*"):
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.student_id = student_id
    c.Exchange.root = str(ws.exchange)
    c.Exchange.cache = str(ws.cache)
    c.Exchange.assignment_dir = str(ws.exercises)
    return c


def release(source: Path, ws: Paths, lang: str | None = None) -> list[str]:
    """Release the kit's exercises, in the workshop's language, into the workspace's exchange, with
    nbgrader's own exchange code. Both languages have the same assignment names.

    The outbound copies are the exchange's, never the participant's: replacing them loses nothing."""
    from nbgrader.exchange.default import ExchangeReleaseAssignment

    ws.exchange.mkdir(parents=True, exist_ok=True)
    exercises = language_folder(source, lang or language()) / EXERCISES
    names = sorted(p.name for p in exercises.iterdir() if p.is_dir() and p.name[:2].isdigit())
    for name in names:
        config = _exchange_config(ws)
        config.CourseDirectory.root = str(source)
        config.CourseDirectory.release_directory = str(exercises.relative_to(source))
        config.CourseDirectory.assignment_id = name
        config.CourseDirectory.ignore = [*SKIP, "feedback"]
        config.ExchangeReleaseAssignment.force = True
        _exchange(ExchangeReleaseAssignment, config).start()
    return names


def fetch_missing(ws: Paths) -> list[str]:
    """Fetch, with nbgrader's exchange, every released exercise the workspace does not have yet.

    Done at the start so that the landing notebook's links work from the first minute; a
    participant who deletes an exercise folder gets a fresh copy from the Assignments panel."""
    from nbgrader.exchange.default import ExchangeFetchAssignment

    outbound = ws.exchange / COURSE_ID / "outbound"
    fetched = []
    for folder in sorted(outbound.iterdir()) if outbound.is_dir() else ():
        if folder.is_dir() and not (ws.exercises / folder.name).exists():
            ws.exercises.mkdir(parents=True, exist_ok=True)
            config = _exchange_config(ws)
            config.CourseDirectory.assignment_id = folder.name
            _exchange(ExchangeFetchAssignment, config).start()
            fetched.append(folder.name)
    return fetched


# --------------------------------------------------------------------------- identity and configuration
def identity(ws: Paths, given: str | None, ask=None) -> tuple[str, str]:
    """(name, id) of the participant: given now, else kept from an earlier start, else asked once.

    `ask` puts the question (default: the terminal's input(), when there is a terminal)."""
    if not given and ws.identity.is_file():
        kept = json.loads(ws.identity.read_text(encoding="utf-8"))
        return kept["nom"], kept["identifiant"]
    if ask is None and sys.stdin is not None and sys.stdin.isatty():
        ask = input
    name = (given or "").strip()
    while not normalise_id(name):
        if ask is None:
            raise WorkspaceError(_("first start: give your first name and last name, for example {make} (or "
                                   "{option})").format(make='make lab PARTICIPANT="Aminata Traoré"',
                                                       option='--participant "Aminata Traoré"'))
        name = ask(_("First start. Your first name and last name (they will name what you hand in): ")).strip()
    ws.identity.parent.mkdir(parents=True, exist_ok=True)
    ws.identity.write_text(json.dumps({"nom": name, "identifiant": normalise_id(name)}, ensure_ascii=False),
                           encoding="utf-8")
    return name, normalise_id(name)


def kit_settings(kit: Path | None = None) -> dict[str, dict]:
    """The kit's own Jupyter settings (jupyter-config/ at the top of the kit, shipped in the bundle
    too): the French Validate in place of nbgrader's, the dialog's French frame, short errors.

    `make setup` copies them into the venv; the workspace writes them into its own configuration
    as well, so that a bundle's venv, which no `make setup` made, has them."""
    from .paths import REPO
    folder = (kit or REPO) / "jupyter-config"
    files = {"server": folder / "jupyter_server_config.d" / "sahelkit.json",
             "lab": folder / "jupyter_lab_config.json", "kernel": folder / "ipython_kernel_config.json"}
    try:
        return {key: json.loads(path.read_text(encoding="utf-8")) for key, path in files.items()}
    except (OSError, ValueError) as err:
        raise WorkspaceError(_("the kit's Jupyter settings are unreadable ({error}): the folder {folder} must come "
                               "from the kit unchanged (copy it again from the kit or the trainer's USB stick)")
                             .format(error=err, folder=folder)) from None


LAB_LOCALES = {"fr": "fr_FR", "en": "en"}
"""JupyterLab's name for each language (`en` is its own; `fr_FR` comes from the pinned language pack)."""


def set_lab_language(settings_dir: Path, lang: str | None = None) -> Path:
    """Write JupyterLab's interface language (its translation setting) into a user-settings folder,
    the JUPYTERLAB_SETTINGS_DIR of one server: French menus and dialogs, or English."""
    path = settings_dir / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"locale": LAB_LOCALES[lang or language()]}, indent=1), encoding="utf-8")
    return path


def configure(ws: Paths, student_id: str, lang: str | None = None) -> None:
    """The Jupyter configuration only the participant's server reads (its JUPYTER_CONFIG_DIR), its
    JupyterLab settings (JUPYTERLAB_SETTINGS_DIR: the interface's language) and its kernels' IPython
    profile (IPYTHONDIR, see server_environment)."""
    kit = kit_settings()
    set_lab_language(ws.lab_settings, lang)
    ws.config.mkdir(parents=True, exist_ok=True)
    c = _exchange_config(ws, student_id)
    # A .py file: nbgrader warns at every refresh of the Assignments panel when it finds none.
    nbgrader = "c = get_config()  # noqa: F821\n" + "".join(
        f"c.{section}.{key} = {value!r}\n" for section in ("CourseDirectory", "Exchange")
        for key, value in sorted(c[section].items()))
    extensions = dict(kit["server"]["ServerApp"]["jpserver_extensions"])
    extensions.update({name: False for name in INSTRUCTOR_SERVER_EXTENSIONS})
    server = {
        # No terminal: from one, a shell would reach the kit around the workspace (solutions, truth).
        "ServerApp": {"jpserver_extensions": extensions, "terminals_enabled": False},
        "MappingKernelManager": {"cull_idle_timeout": IDLE_KERNEL_MINUTES * 60,
                                 "cull_interval": CULL_CHECK_MINUTES * 60,
                                 "cull_connected": True, "cull_busy": False},
    }
    off = {name: True for name in INSTRUCTOR_PLUGINS + OFFLINE_PLUGINS}
    page = {"disabledExtensions": off, "lockedExtensions": off}
    for path, content in ((ws.config / "nbgrader_config.py", nbgrader),
                          (ws.config / "jupyter_server_config.json", server),
                          (ws.config / "jupyter_lab_config.json", kit["lab"]),
                          (ws.config / "labconfig" / "page_config.json", page),
                          (ws.ipython / "profile_default" / "ipython_kernel_config.json", kit["kernel"])):
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=1, sort_keys=True)
        path.write_text(text, encoding="utf-8")


def server_environment(ws: Paths, data: Path | None) -> dict[str, str]:
    """The server's (and its kernels') environment: its own Jupyter config, the workspace's data."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(ws.config), IPYTHONDIR=str(ws.ipython),
               JUPYTERLAB_SETTINGS_DIR=str(ws.lab_settings), SAHELKIT_LANG=language())
    if data is not None:
        env["SAHELKIT_DATA"] = str(data)
    return env


def lab_command(ws: Paths, extra: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ws.root}",
           f"--LabApp.default_url=/lab/tree/{LANDING}", "--no-browser"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")  # JupyterLab refuses to run as root unless told to
    return cmd + extra


def settle_language(ws: Paths) -> str:
    """The workspace's language, chosen once: SAHELKIT_LANG when given (`make lab LANG=en`), else the
    one it was made in (a bundle made with --lang en says so), else French. Set in this process so
    that every message and the server agree; `prepare` keeps it for the next start."""
    given = os.environ.get(ENV, "").strip()
    kept = ws.language.read_text(encoding="utf-8").strip() if ws.language.is_file() else ""
    os.environ[ENV] = given or kept or "fr"
    return language()  # a language the kit does not have stops here, named


def prepare(root: Path, source: Path | None, participant: str | None, data: Path | None = None) -> dict:
    """Build or refresh the workspace, settle the identity, write the configuration; say what was done."""
    ws = Paths(Path(root).resolve())
    report: dict = {"workspace": ws.root, "language": settle_language(ws)}
    if source is not None:
        source = Path(source).resolve()
        if ws.root == source:
            raise WorkspaceError(_("{folder}: the workspace must be another folder than the kit").format(
                folder=ws.root))
        notebooks = language_folder(source, report["language"])
        if not (notebooks / EXERCISES).is_dir():
            raise WorkspaceError(_("the kit has no notebooks in this language ({folder} is missing): run {command}, "
                                   "or choose another language").format(folder=notebooks / EXERCISES,
                                                                         command="`make exercises`"))
        from .paths import data_dir
        data = Path(data) if data else (data_dir() if os.environ.get("SAHELKIT_DATA") else source / "datasets")
        report["sync"] = sync(wanted_files(source, data), ws)
        report["released"] = release(source, ws)
    report["name"], report["id"] = identity(ws, participant)
    report["fetched"] = fetch_missing(ws)
    configure(ws, report["id"])
    ws.language.write_text(report["language"] + "\n", encoding="utf-8")  # kept for the next start
    report["data"] = ws.root / "datasets" if (ws.root / "datasets").is_dir() else None
    return report


def _print_report(report: dict) -> None:
    print(_("Participant's workspace: {folder}").format(folder=report["workspace"]))
    print(_("Participant: {name} (id {id}; to change it: --participant)").format(name=report["name"],
                                                                              id=report["id"]))
    done: Sync | None = report.get("sync")
    if done and done.written:
        print(ngettext("{n} file of the kit copied or updated.", "{n} files of the kit copied or updated.",
                       len(done.written)).format(n=len(done.written)))
    for rel in done.kept if done else ():
        print("  " + _("kept as it is (you changed it): {file}").format(file=rel))
    if report["fetched"]:
        print(_("Exercises fetched into {folder}: {exercises}").format(folder=f"{EXERCISES}/",
                                                                        exercises=", ".join(report["fetched"])))
    if report["data"]:
        print(_("Case data: {folder}").format(folder=report["data"]))


# --------------------------------------------------------------------------- hand-in
def latest_submissions(ws: Paths, student_id: str) -> dict[str, Path]:
    """The newest submission of each exercise this participant handed in (nbgrader's inbound folders)."""
    found: dict[str, tuple[str, Path]] = {}
    for folder in sorted(ws.inbound.iterdir()) if ws.inbound.is_dir() else ():
        parts = folder.name.split("+")
        stamp = folder / "timestamp.txt"
        if len(parts) >= 3 and parts[0] == student_id and stamp.is_file():
            when = stamp.read_text(encoding="utf-8").strip()
            if parts[1] not in found or when > found[parts[1]][0]:
                found[parts[1]] = (when, folder)
    return {name: folder for name, (_when, folder) in sorted(found.items())}


def _zip_time(stamp: str) -> tuple:
    from dateutil.parser import parse
    when = parse(stamp)
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)  # a zip stores local time
    return when.timetuple()[:6]


def handin(root: Path, dest: Path) -> tuple[Path, dict[str, Path]]:
    """Write <dest>/<participant id>.zip: the newest submission of each exercise, one folder each."""
    ws = Paths(Path(root).resolve())
    if not ws.identity.is_file():
        raise WorkspaceError(_("{folder} is not a workspace opened at least once (make lab): nothing to hand in")
                             .format(folder=ws.root))
    student_id = json.loads(ws.identity.read_text(encoding="utf-8"))["identifiant"]
    latest = latest_submissions(ws, student_id)
    if not latest:
        raise WorkspaceError(_("no exercise handed in yet: in JupyterLab, menu Nbgrader > Assignment List, click "
                               "“Submit” next to the exercise, then run this command again"))
    dest = Path(dest)
    if not dest.is_dir():
        raise WorkspaceError(_("{folder}: folder not found; plug in the USB stick and give its folder").format(
            folder=dest))
    out = dest / f"{student_id}.zip"
    partial = dest / f".{student_id}.zip.part"
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, folder in latest.items():
            when = _zip_time((folder / "timestamp.txt").read_text(encoding="utf-8").strip())
            for p in sorted(folder.rglob("*")):
                if p.is_file() and not _skipped(p.relative_to(folder)):
                    info = zipfile.ZipInfo(f"{name}/{p.relative_to(folder).as_posix()}", date_time=when)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, p.read_bytes())
    partial.replace(out)
    return out, latest


# --------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sahelkit.workspace", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("lab", help=_("prepare the workspace and open JupyterLab"))
    lab.add_argument("--workspace", type=Path, default=Path("."), help=_("folder of the workspace (default: here)"))
    lab.add_argument("--source", type=Path, help=_("root of the kit to copy modules, exercises and data from"))
    lab.add_argument("--participant", help=_("first name and last name of the participant (else asked at the first "
                                             "start)"))
    lab.add_argument("--lang", choices=LANGUAGES,
                     help=_("the workshop's language, chosen once (default: SAHELKIT_LANG, else the workspace's, "
                            "else fr)"))
    lab.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    out = sub.add_parser("handin", help=_("write the exercises you handed in into an archive on the USB stick"))
    out.add_argument("--workspace", type=Path, default=Path("."), help=_("folder of the workspace (default: here)"))
    out.add_argument("--to", type=Path, required=True, metavar=_("FOLDER"), help=_("folder of the USB stick"))
    args, extra = p.parse_known_args(argv)
    try:
        if args.command == "handin":
            kept = Paths(Path(args.workspace).resolve()).language  # say it in the workspace's language
            if not os.environ.get(ENV, "").strip() and kept.is_file():
                os.environ[ENV] = kept.read_text(encoding="utf-8").strip()
            if extra:
                p.error(_("unrecognized arguments: {arguments}").format(arguments=" ".join(extra)))
            path, latest = handin(args.workspace, args.to)
            print(ngettext("{path}: {n} exercise handed in: {exercises}. Give the stick to the trainer.",
                           "{path}: {n} exercises handed in: {exercises}. Give the stick to the trainer.",
                           len(latest)).format(path=path, n=len(latest), exercises=", ".join(latest)))
            return 0
        if getattr(args, "lang", None):
            os.environ[ENV] = args.lang
        report = prepare(args.workspace, args.source, args.participant)
    except (WorkspaceError, LanguageError) as exc:
        print(_("sahelkit: {error}").format(error=exc), file=sys.stderr)
        return 2
    _print_report(report)
    if args.prepare_only:
        return 0
    ws = Paths(report["workspace"])
    try:
        return subprocess.call(lab_command(ws, extra), env=server_environment(ws, report["data"]))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
