"""Autograde participants in parallel with nbgrader itself, and merge the grades under one writer.

nbgrader's gradebook is one SQLite file and its autograde app is not meant to run twice at
once on it. So each worker grades one participant in a throw-away course folder of its own
(grading/work/<assignment>/<participant>/: the course's config, that assignment's solutions,
and a copy of a template gradebook in which the assignment is registered), running nbgrader's
own Autograde and GenerateFeedback there (its kernels forked ready-imported: zygote.py), and
hands back the scores nbgrader wrote. The main process holds the course's gradebook open and is
its only writer: for each finished participant it copies the autograded scores and comments exactly as
nbgrader's SaveAutoGrades would have written them (manual scores and comments entered in
Formgrader are never touched; a regraded part that had a manual score is flagged for review,
as nbgrader does), retrying while Formgrader holds the database, then moves the autograded
notebook and the feedback into the course. benchmarks/grading.py checks that the grades are
identical to a serial plain `nbgrader autograde`.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Integer
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..i18n import _, ngettext
from ..paths import PACKAGE

# What the observer saw in the notebook that is being graded (one per worker process).
OBSERVED: dict[str, list[str]] = {}
LONG_OUTPUT_LINES = 200


class RecordOutputs(Preprocessor):
    """Notes timeouts, stderr and very long outputs right after execution, before nbgrader
    drops the warnings (IgnorePattern) and cuts long outputs (LimitOutput). Changes nothing."""

    enabled = Bool(True)  # nbconvert preprocessors are off unless enabled
    max_lines = Integer(LONG_OUTPUT_LINES).tag(config=True)  # set from LimitOutput.max_lines

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            gid = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id", "?")
            lines = 0
            for out in cell.get("outputs", []):
                if out.output_type == "stream":
                    lines += out.text.count("\n")
                    if out.name == "stderr" and out.text.strip():
                        OBSERVED.setdefault("stderr", []).append(gid)
                elif out.output_type == "error" and out.ename == "CellTimeoutError":
                    OBSERVED.setdefault("timeout", []).append(gid)
            if lines > self.max_lines:
                OBSERVED.setdefault("long-output", []).append(
                    ngettext("{cell} ({n} line)", "{cell} ({n} lines)", lines).format(cell=gid, n=lines))
        return nb, resources


# --------------------------------------------------------------------------- environment
def prepare_environment(country: str | None = None) -> None:
    """Make kernels and nbgrader find what they need, whoever started us.

    nbgrader creates a new gradebook by running `alembic` from PATH, and notebooks import
    sahelkit: both must work even when the venv is not activated.
    """
    bindir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + path
    pkg_root = str(PACKAGE.parent)
    pp = os.environ.get("PYTHONPATH", "")
    if pkg_root not in pp.split(os.pathsep):
        os.environ["PYTHONPATH"] = pkg_root + (os.pathsep + pp if pp else "")
    if country:
        os.environ["SAHELKIT_COUNTRY"] = country


def remember_alembic_head() -> None:
    """Give nbgrader the gradebook schema version without a subprocess.

    nbgrader's Gradebook runs the `alembic heads` command (one to several seconds) each time it
    creates a database, to stamp it with the schema version of the installed nbgrader. The kit
    creates a template gradebook per assignment, so it reads the version once, in process, from
    nbgrader's own migration scripts (the same answer: tests/grading/test_grade_command.py checks it).
    """
    import nbgrader.api as api
    if getattr(api.get_alembic_version, "in_process", False):
        return
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", ALEMBIC_DIR)
    head = ScriptDirectory.from_config(cfg).get_current_head()

    def get_alembic_version() -> str:
        return head
    get_alembic_version.in_process = True
    get_alembic_version.original = api.get_alembic_version
    api.get_alembic_version = get_alembic_version


def load_config(course: Path, root: Path | None = None, timeout: int | None = None) -> Config:
    """The course's nbgrader configuration (nbgrader_config.py), optionally re-rooted elsewhere.

    A folder of our own (`root`: a template or a worker's) holds one language's solutions in
    solutions/, whatever the workshop's language says."""
    cfg_file = course / "nbgrader_config.py"
    cfg = Config()
    if cfg_file.exists():
        cfg.merge(PyFileConfigLoader(cfg_file.name, path=str(course)).load_config())
    cfg.CourseDirectory.root = str(root or course)
    if root is not None:
        cfg.CourseDirectory.source_directory = "solutions"
    if timeout:
        cfg.Execute.timeout = int(timeout)
    return cfg


def db_url(course: Path) -> str:
    from nbgrader.coursedir import CourseDirectory
    return CourseDirectory(config=load_config(course)).db_url


def _api(cfg: Config):
    from nbgrader.apps import NbGraderAPI
    return NbGraderAPI(config=cfg)


def solutions_folder(course: Path, assignment: str, lang: str = "fr") -> Path:
    """An assignment's solutions in one language: solutions/ for French, en/solutions/ for English
    (built from the French by sahelkit.course.translate, same grade ids and points)."""
    return (course if lang == "fr" else course / lang) / "solutions" / assignment


def languages(course: Path, assignment: str) -> list[str]:
    """The languages this course has the assignment's solutions in (French always first)."""
    from ..i18n import LANGUAGES
    return [lang for lang in LANGUAGES if solutions_folder(course, assignment, lang).is_dir()]


def submission_language(folder: Path) -> str:
    """The language of a submitted assignment: its notebooks' metadata.sahelkit.lang (set in the English
    notebooks when they are built), French when absent or unreadable (nbgrader reports those)."""
    import json
    for nb in sorted(folder.glob("*.ipynb")):
        try:
            lang = json.loads(nb.read_text(encoding="utf-8")).get("metadata", {}).get("sahelkit", {}).get("lang")
        except (OSError, ValueError, AttributeError):
            continue
        if lang:
            return lang
    return "fr"


def source_digest(course: Path, assignment: str) -> str:
    """What the assignment's solutions hold, in every language: a change regrades the assignment."""
    h = hashlib.sha256()
    for lang in languages(course, assignment):
        folder = solutions_folder(course, assignment, lang)
        for p in sorted(folder.rglob("*")):
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts:
                h.update(f"{lang}/{p.relative_to(folder)}".encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def _assignment_registered(url: str, assignment: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry
    try:
        with Gradebook(url) as gb:
            return len(gb.find_assignment(assignment).notebooks) > 0
    except MissingEntry:
        return False


def register(course: Path, assignment: str, digest: str, known_digest: str | None) -> dict[str, Path]:
    """Register the assignment in the course gradebook, and in a template gradebook per language for
    workers (a submission is graded against its own language's hidden tests, so its feedback reads
    in that language; grade ids and points are the same, so the scores merge into one gradebook).

    All run nbgrader's own generate_assignment. The course's release is written to
    grading/release/, never to exercises/ (the committed participants' version).
    Returns each language's template folder. Skipped when the solutions did not change since last time.
    """
    remember_alembic_head()
    work = course / "grading" / "work" / assignment
    templates = {lang: work / ("_template" if lang == "fr" else f"_template-{lang}")
                 for lang in languages(course, assignment)}
    main_url = db_url(course)
    if (known_digest == digest and all((t / "gradebook.db").exists() for t in templates.values())
            and _assignment_registered(main_url, assignment)):
        return templates
    for lang, template in templates.items():
        shutil.rmtree(template, ignore_errors=True)
        (template / "solutions").mkdir(parents=True)
        shutil.copytree(solutions_folder(course, assignment, lang), template / "solutions" / assignment)
        cfg = load_config(course, template)
        res = _api(cfg).generate_assignment(assignment, force=True, create=True)
        if not res["success"]:
            raise RuntimeError(_("nbgrader generate_assignment {assignment} (template) failed:").format(
                assignment=assignment) + f" ({lang})\n" + (res.get("error") or res.get("log") or ""))
    cfg = load_config(course)
    cfg.CourseDirectory.release_directory = os.path.join("grading", "release")
    res = _api(cfg).generate_assignment(assignment, force=True, create=True)
    if not res["success"]:
        raise RuntimeError(_("nbgrader generate_assignment {assignment} failed:").format(assignment=assignment)
                           + "\n" + (res.get("error") or res.get("log") or ""))
    return templates


# --------------------------------------------------------------------------- the worker
@functools.lru_cache(maxsize=32)
def _master_cells(template_db: Path, assignment: str, mtime_ns: int) -> dict[str, list[str]]:
    """The code grade cells of each notebook of the assignment, read once per worker process
    (and again if the template gradebook changed: mtime_ns is part of the key)."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{template_db}") as gb:
        return {nb.name: sorted(gc.name for gc in nb.grade_cells if gc.cell_type == "code")
                for nb in gb.find_assignment(assignment).notebooks}


def inspect_cells(submitted: Path, template_db: Path, assignment: str) -> list[tuple[str, str]]:
    """Deleted or edited locked cells, found by comparing with the gradebook's master copies."""
    from nbgrader import utils
    issues: list[tuple[str, str]] = []
    for nb_name, test_cells in _master_cells(template_db, assignment, template_db.stat().st_mtime_ns).items():
        path = submitted / f"{nb_name}.ipynb"
        if not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        present = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        deleted = [name for name in test_cells if name not in present]
        if deleted:
            issues.append(("test-deleted", _("cell(s) put back: {cells}").format(cells=", ".join(deleted))))
        modified = []
        for gid, cell in present.items():
            meta = cell.metadata.get("nbgrader", {})
            # a released locked cell carries the checksum of its released content (nbgrader
            # validate checks the same); a locked cell edited by the participant no longer matches
            if gid and meta.get("locked") and meta.get("checksum") and not meta.get("solution"):
                if utils.compute_checksum(cell) != meta["checksum"]:
                    modified.append(gid)
        if modified:
            issues.append(("test-modified", _("cell(s) replaced by the original: {cells}").format(
                cells=", ".join(sorted(modified)))))
    return issues


@contextlib.contextmanager
def _quiet(log_path: Path):
    """Send file descriptor 2 (this process and the kernels it starts) to a log file."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log_path, "ab") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def grade_one(job: dict) -> dict:
    """Autograde one participant's assignment in its own course folder (runs in a worker process)."""
    course, assignment, pid = Path(job["course"]), job["assignment"], job["participant"]
    prepare_environment(job.get("country"))
    work = course / "grading" / "work" / assignment / pid
    template = Path(job["template"])
    shutil.rmtree(work, ignore_errors=True)
    (work / "solutions").mkdir(parents=True)
    shutil.copy(template / "gradebook.db", work / "gradebook.db")
    shutil.copytree(solutions_folder(course, assignment, job.get("lang", "fr")), work / "solutions" / assignment)
    shutil.copytree(course / "submitted" / pid / assignment, work / "submitted" / pid / assignment)
    (work / "nbgrader_config.py").write_text(
        "# Working copy for one participant, made by `sahelkit grade`; safe to delete.\n"
        "c = get_config()\n"
        f"load_subconfig('nbgrader_config.py', path={str(course)!r})\n"
        f"c.CourseDirectory.root = {str(work)!r}\n", encoding="utf-8")
    url = f"sqlite:///{work / 'gradebook.db'}"
    issues: list[tuple[str, str]] = []
    try:
        issues += inspect_cells(work / "submitted" / pid / assignment, template / "gradebook.db", assignment)
    except Exception as exc:  # a notebook nbformat cannot read is reported by autograde below
        issues.append(("error", _("cannot be read: {error}").format(error=exc)))

    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from . import truthguard, zygote
    cfg = load_config(course, work, job.get("timeout"))
    pps = list(cfg.Autograde.autograde_preprocessors) if "autograde_preprocessors" in cfg.Autograde \
        else list(Autograde.class_traits()["autograde_preprocessors"].default())
    at = next((i for i, p in enumerate(pps) if p is Execute or getattr(p, "__name__", str(p)).endswith("Execute")), 0)
    if pps[at] is Execute and zygote.enabled():
        pps[at] = zygote.ForkingExecute  # the same Execute, its kernels forked ready-imported
    cfg.Autograde.autograde_preprocessors = pps[:at + 1] + [RecordOutputs] + pps[at + 1:]
    if "max_lines" in cfg.LimitOutput:
        cfg.RecordOutputs.max_lines = int(cfg.LimitOutput.max_lines)
    OBSERVED.clear()
    truthguard.FLAGGED.clear()
    started = time.monotonic()
    # the kernel's and SQLAlchemy's chatter goes to a log in the working folder, not the terminal
    warnings.simplefilter("ignore")
    with _quiet(work / "stderr.log"):
        res = _api(cfg).autograde(assignment, pid, force=True, create=True)
    log = res.get("log", "") + (res.get("error") or "")
    success = bool(res["success"]) and (work / "autograded" / pid / assignment).is_dir()
    if not success:
        if "Kernel died" in log or "DeadKernelError" in log:
            issues.append(("kernel-died", _("the Python kernel stopped while running")))
        elif "unresponsive" in log:
            issues.append(("timeout", _("the kernel no longer answered, even after an interrupt")))
        else:
            last = [ln for ln in log.splitlines() if ln.strip() and "INFO" not in ln][-3:]
            issues.append(("error", " / ".join(last)[-400:]))
    for code in ("timeout", "stderr", "long-output"):
        if OBSERVED.get(code):
            detail = _("cell(s) interrupted: {cells}") if code == "timeout" else _("in: {cells}")
            issues.append((code, detail.format(cells=", ".join(dict.fromkeys(OBSERVED[code])))))
    if truthguard.FLAGGED.get("cells"):
        parts = truthguard.FLAGGED.get("parts", [])
        cells = "; ".join(truthguard.FLAGGED["cells"])
        issues.append(("truth-access", _("{cells} — parts without points: {parts}").format(
            cells=cells, parts=", ".join(parts)) if parts else cells))
    feedback_ok = False
    if success:
        with _quiet(work / "stderr.log"):
            fb = _api(load_config(course, work)).generate_feedback(assignment, pid, force=True)
        feedback_ok = bool(fb["success"])
        if not feedback_ok:
            issues.append(("error", _("feedback not generated: {error}").format(error=(fb.get("error") or "")[-300:])))
    return {"participant": pid, "assignment": assignment, "work": str(work), "success": success,
            "feedback": feedback_ok, "issues": issues, "seconds": time.monotonic() - started,
            "grades": read_grades(url, assignment, pid)}


def read_grades(url: str, assignment: str, pid: str) -> dict | None:
    """What nbgrader's autograde wrote for one submission in a worker's gradebook, as plain data
    (None if it wrote nothing), for the main process to merge without opening that database."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(url) as gb:
        try:
            sub = gb.find_submission(assignment, pid)
        except MissingEntry:
            return None
        return {"timestamp": sub.timestamp, "notebooks": [
            {"name": nb.name, "late_submission_penalty": nb.late_submission_penalty,
             "grades": [(g.name, g.auto_score, g.needs_manual_grade) for g in nb.grades],
             "comments": [(c.name, c.auto_comment) for c in nb.comments]}
            for nb in sub.notebooks]}


# --------------------------------------------------------------------------- the merge
def _retry(gb, fn, attempts: int = 20):
    """Run fn() on the course gradebook, retrying while another program (Formgrader) holds it."""
    import sqlalchemy.exc
    for i in range(attempts):
        try:
            return fn()
        except sqlalchemy.exc.OperationalError:
            gb.db.rollback()
            if i == attempts - 1:
                raise
            time.sleep(min(0.2 * (i + 1), 2.0))


def open_gradebook(course: Path):
    """The course's gradebook, opened once by the main process, the only writer while grading."""
    from nbgrader.api import Gradebook
    remember_alembic_head()
    return Gradebook(db_url(course))


def ensure_students(gb, roster: dict) -> None:
    def run():
        for pid, p in roster.items():
            kwargs = {k: v for k, v in (("first_name", p.first_name), ("last_name", p.last_name),
                                        ("email", p.email)) if v}
            gb.update_or_create_student(pid, **kwargs)
    _retry(gb, run)


def in_gradebook(gb, assignment: str, pid: str) -> bool:
    from nbgrader.api import MissingEntry
    try:
        gb.find_submission(assignment, pid)
        return True
    except MissingEntry:
        return False


def merge(course: Path, gb, result: dict) -> bool:
    """Copy one participant's autograde results into the course gradebook and folders.

    Returns True when the gradebook holds manual grades or comments for this submission (then
    the feedback must be regenerated from the course gradebook to show them).
    """
    from nbgrader.api import MissingEntry
    pid, assignment, work = result["participant"], result["assignment"], Path(result["work"])
    graded = result.get("grades")
    manual = False

    def run() -> bool:
        nonlocal manual
        manual = False
        try:
            gb.find_student(pid)
        except MissingEntry:
            gb.add_student(pid)
        gb.update_or_create_submission(assignment, pid, timestamp=graded["timestamp"])
        for wnb in graded["notebooks"]:
            nb = gb.find_submission_notebook(wnb["name"], assignment, pid)
            nb.late_submission_penalty = wnb["late_submission_penalty"]
            grades = {g.name: g for g in nb.grades}      # one query, not one per cell
            comments = {c.name: c for c in nb.comments}
            for name, auto_score, needs_manual in wnb["grades"]:
                g = grades[name]
                g.auto_score = auto_score
                # as nbgrader's SaveAutoGrades: a part graded by hand is flagged for review
                g.needs_manual_grade = True if g.manual_score is not None else needs_manual
                manual |= g.manual_score is not None or g.extra_credit is not None
            for name, auto_comment in wnb["comments"]:
                cm = comments[name]
                cm.auto_comment = auto_comment
                manual |= bool(cm.manual_comment)
        gb.db.commit()
        return True
    merged = _retry(gb, run) if graded else False
    for step in ("autograded", "feedback"):
        src, dest = work / step / pid / assignment, course / step / pid / assignment
        if dest.exists():
            shutil.rmtree(dest)
        if src.is_dir():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(src, dest)
    return bool(merged) and manual


def manual_fingerprint(gb, assignment: str, pid: str) -> str:
    """A digest of what a trainer entered in Formgrader for one submission ("" if nothing)."""
    from nbgrader.api import MissingEntry
    values = []
    try:
        gb.db.expire_all()  # read what Formgrader may have written since
        for nb in gb.find_submission(assignment, pid).notebooks:
            values += [(g.name, g.manual_score, g.extra_credit) for g in nb.grades
                       if g.manual_score is not None or g.extra_credit is not None]
            values += [(c.name, c.manual_comment) for c in nb.comments if c.manual_comment]
    except MissingEntry:
        return ""
    return hashlib.sha256(repr(sorted(values, key=repr)).encode()).hexdigest() if values else ""


def feedback_in_course(course: Path, assignment: str, pid: str) -> bool:
    """Regenerate feedback from the course gradebook (used when it holds manual grades)."""
    res = _api(load_config(course)).generate_feedback(assignment, pid, force=True)
    return bool(res["success"])


def export_csv(gb, dest: Path) -> None:
    """nbgrader's own CSV export of the whole gradebook."""
    from nbgrader.plugins import CsvExportPlugin
    dest.parent.mkdir(parents=True, exist_ok=True)
    CsvExportPlugin(to=str(dest)).export(gb)


def work_dir_cleanup(result: dict) -> None:
    """Working copies are kept only for submissions that went wrong (to look at), else removed."""
    if not any(code in ("error", "kernel-died") for code, _detail in result["issues"]):
        shutil.rmtree(result["work"], ignore_errors=True)


