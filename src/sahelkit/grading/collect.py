"""Find the participants' work wherever the trainer put it, and lay it out the way nbgrader wants.

Submissions arrive by USB stick, e-mail or JupyterLab's exchange, so they come in three shapes:
a folder per participant, a pile of zips or notebooks named after participants
(``aminata.traore.zip``, ``moussa-01-intelligence-cycle.ipynb``), or nbgrader's own
``submitted/<participant>/<assignment>/`` tree. Whatever the shape, the result is the same:
one `Submission` per participant and assignment, written to ``submitted/`` under the name
nbgrader expects, with every oddity (renamed notebook, second copy, unreadable file) recorded
so the report can say what happened. The files the trainer received are never modified.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..i18n import _
from ..workspace import normalise_id  # the one rule, shared with the participant's hand-in

JUNK = {"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".DS_Store", "Thumbs.db"}
MAX_ZIP_BYTES = 500 * 1024 * 1024  # a zip that unpacks to more than this is refused, not unpacked


class UsageError(ValueError):
    """A problem with what the trainer asked for (a path, a roster), reported with exit code 2."""


# --------------------------------------------------------------------------- roster
@dataclass
class Participant:
    id: str
    first_name: str = ""
    last_name: str = ""
    service: str = ""
    email: str = ""
    role: str = "participant"

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


ROSTER_COLUMNS = {
    "id": ("id", "participant", "participant_id", "identifiant", "student_id", "login"),
    "first_name": ("prenom", "first_name", "firstname", "given_name"),
    "last_name": ("nom", "last_name", "lastname", "family_name", "surname"),
    "service": ("service", "unite", "unit", "agency"),
    "email": ("email", "e_mail", "courriel", "mail"),
    "role": ("role", "statut"),
}
PARTICIPANT_ROLE = "participant"
TRAINER_ROLE = "formateur"
ROLES = {"participant": PARTICIPANT_ROLE, "participante": PARTICIPANT_ROLE, "stagiaire": PARTICIPANT_ROLE,
         "student": PARTICIPANT_ROLE, "formateur": TRAINER_ROLE, "formatrice": TRAINER_ROLE,
         "trainer": TRAINER_ROLE, "instructor": TRAINER_ROLE}
"""What the optional `role` column may say (normalised), and the role it means; empty means participant.
Trainers are on the same roster so that the classroom server (sahelkit.hub) makes their accounts too."""


def read_roster(path: Path) -> dict[str, Participant]:
    """The participants of the roster CSV (id, names, service), keyed by normalised id.

    Comma or semicolon separated, UTF-8 (with or without BOM). A missing id column, an empty id
    or an id given twice is an error naming the file and the row. Rows whose `role` is a
    trainer's are left out: nobody grades a trainer, nor reports one as missing.
    """
    return {pid: p for pid, p in read_people(path).items() if p.role == PARTICIPANT_ROLE}


def read_people(path: Path) -> dict[str, Participant]:
    """Everyone on the roster CSV, participants and trainers (the `role` column), keyed by normalised id."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(_("{path}: list of the participants not found").format(path=path))
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise UsageError(_("{path}: the list of the participants is empty").format(path=path))
    header = [normalise_id(h).replace(".", "_") for h in rows[0]]
    where: dict[str, int] = {}
    for key, names in ROSTER_COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                where[key] = i
                break
    if "id" not in where:
        raise UsageError(_("{path}, line 1: no column of participant ids (expected one of: {expected}; found: "
                           "{found})").format(path=path, expected=", ".join(ROSTER_COLUMNS["id"]),
                                              found=", ".join(rows[0])))
    roster: dict[str, Participant] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {k: (row[i].strip() if i < len(row) else "") for k, i in where.items()}
        pid = normalise_id(values["id"])
        if not pid:
            raise UsageError(_("{path}, line {line}: empty participant id").format(path=path, line=lineno))
        if pid in roster:
            raise UsageError(_("{path}, line {line}: the id {id} is already on line {first}").format(
                path=path, line=lineno, id=repr(values["id"]), first=roster[pid]._row))  # type: ignore[attr-defined]
        role = ROLES.get(normalise_id(values.get("role", "")) or PARTICIPANT_ROLE)
        if role is None:
            raise UsageError(_("{path}, line {line}: unknown role {role} (expected: participant or trainer, or "
                               "nothing for a participant)").format(path=path, line=lineno, role=repr(values["role"])))
        p = Participant(pid, values.get("first_name", ""), values.get("last_name", ""),
                        values.get("service", ""), values.get("email", ""), role)
        p._row = lineno  # type: ignore[attr-defined]
        roster[pid] = p
    return roster


def roster_aliases(roster: dict[str, Participant]) -> dict[str, str]:
    """Other names a participant's files may carry (first.last, last.first) -> roster id."""
    aliases: dict[str, str] = {}
    for pid, p in roster.items():
        for alias in (f"{p.first_name} {p.last_name}", f"{p.last_name} {p.first_name}", p.email.split("@")[0]):
            key = normalise_id(alias)
            if key and key not in roster:
                aliases.setdefault(key, pid)
    return aliases


# --------------------------------------------------------------------------- assignments
@dataclass
class AssignmentInfo:
    id: str
    notebooks: list[str]          # notebook names without .ipynb, as in solutions/<id>/
    grade_ids: set[str]

    @property
    def number(self) -> str:
        return self.id.split("-", 1)[0]


def assignment_info(course: Path, assignment: str) -> AssignmentInfo:
    folder = course / "solutions" / assignment
    names, gids = [], set()
    for nb_path in sorted(folder.glob("*.ipynb")):
        names.append(nb_path.stem)
        nb = nbformat.read(nb_path, as_version=4)
        gids |= {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id")}
    return AssignmentInfo(assignment, names, gids)


# --------------------------------------------------------------------------- candidates
@dataclass
class Candidate:
    """One notebook file found in the submissions (maybe inside a zip)."""
    participant: str              # normalised id from the file or folder name
    origin: str                   # what the trainer will recognise: path relative to the submissions folder
    data: bytes
    mtime: float
    hint_path: list[str]          # normalised path parts that may name the assignment
    stem: str
    assignment: str | None = None
    notebook: dict | None = None  # parsed JSON, None if unreadable
    error: str = ""
    flat: bool = False            # a loose file named after the participant (its name is not the notebook's)


@dataclass
class Submission:
    participant: str
    assignment: str
    files: dict[str, Candidate] = field(default_factory=dict)   # expected notebook name -> chosen file
    issues: list[tuple[str, str]] = field(default_factory=list)  # (status code, detail)
    ignored: list[Candidate] = field(default_factory=list)       # older copies
    extras: dict[str, bytes] = field(default_factory=dict)       # other files of the folder/zip
    timestamp: float = 0.0

    @property
    def valid(self) -> bool:
        return bool(self.files) and all(c.notebook is not None for c in self.files.values())

    def digest(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode())
            h.update(self.files[name].data)
        return h.hexdigest()


@dataclass
class Collected:
    submissions: dict[tuple[str, str], Submission]
    unattributed: list[tuple[str, str]]     # (origin, why)


def _participant_from_name(stem: str, assignments: dict[str, AssignmentInfo]) -> str:
    key = normalise_id(stem)
    for a in sorted(assignments, key=len, reverse=True):
        nid = normalise_id(a)
        key = key.replace(nid, ".")
        for nb in assignments[a].notebooks:
            key = key.replace(normalise_id(nb), ".")
    parts = [p for p in key.split(".") if p]
    numbers = {info.number for info in assignments.values()}
    while len(parts) > 1 and (parts[-1] in numbers or parts[-1] in {"tp", "exercice", "ex"}):
        parts.pop()
    while len(parts) > 1 and (parts[0] in numbers or parts[0] in {"tp", "exercice", "ex"}):
        parts.pop(0)
    return ".".join(parts)


def _read_timestamp(path: Path) -> float | None:
    """nbgrader's timestamp.txt (written by `nbgrader collect`), as seconds since the epoch."""
    try:
        from dateutil.parser import parse
        stamp = parse(path.read_text(encoding="utf-8").strip())
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)
        return stamp.timestamp()
    except (OSError, ValueError, OverflowError):
        return None


def _walk_folder(folder: Path, base: Path, participant: str, hint: list[str], out: list[Candidate],
                 extras: list[tuple[str, list[str], str, bytes]]) -> None:
    first = len(out)
    stamps = {p.parent: _read_timestamp(p) for p in folder.rglob("timestamp.txt")}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if any(part in JUNK or part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        parts = hint + [normalise_id(x) for x in rel.parts[:-1]]
        origin = str(p.relative_to(base))
        if p.suffix.lower() == ".ipynb":
            out.append(Candidate(participant, origin, p.read_bytes(), p.stat().st_mtime, parts, p.stem))
        elif p.suffix.lower() == ".zip":
            _walk_zip(p, base, participant, parts, out, extras)
        elif p.name != "timestamp.txt":
            extras.append((participant, parts, str(rel.parts[-1]), p.read_bytes()))
    for c in out[first:]:  # a submission collected by nbgrader keeps its submission time
        folder_of = (base / c.origin).parent if ":" not in c.origin else None
        if folder_of in stamps and stamps[folder_of] is not None:
            c.mtime = stamps[folder_of]


def _walk_zip(path: Path, base: Path, participant: str, hint: list[str], out: list[Candidate],
              extras: list[tuple[str, list[str], str, bytes]]) -> None:
    origin = str(path.relative_to(base))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
                out.append(Candidate(participant, origin, b"", path.stat().st_mtime, hint, path.stem,
                                     error=_("archive too large")))
                return
            for info in infos:
                parts = Path(info.filename.replace("\\", "/")).parts
                if any(x in JUNK or x.startswith(".") or x == ".." for x in parts) or not parts:
                    continue
                data = zf.read(info)
                mtime = time.mktime(info.date_time + (0, 0, -1))
                inner = hint + [normalise_id(x) for x in parts[:-1]]
                if parts[-1].lower().endswith(".ipynb"):
                    out.append(Candidate(participant, f"{origin}:{info.filename}", data, mtime, inner,
                                         Path(parts[-1]).stem))
                else:
                    extras.append((participant, inner, parts[-1], data))
    except (zipfile.BadZipFile, OSError) as exc:
        out.append(Candidate(participant, origin, b"", path.stat().st_mtime, hint, path.stem,
                             error=_("unreadable zip archive ({error})").format(error=exc)))


def find_candidates(root: Path, assignments: dict[str, AssignmentInfo], all_assignment_ids: set[str]
                    ) -> tuple[list[Candidate], list[tuple[str, list[str], str, bytes]]]:
    """Every notebook under the submissions folder, with the participant its location names."""
    out: list[Candidate] = []
    extras: list[tuple[str, list[str], str, bytes]] = []
    known = {normalise_id(a) for a in all_assignment_ids}

    def entry(p: Path, hint: list[str]) -> None:
        if p.name in JUNK or p.name.startswith("."):
            return
        if p.is_dir():
            if normalise_id(p.name) in known:       # a folder per assignment, participants inside
                for q in sorted(p.iterdir()):
                    entry(q, hint + [normalise_id(p.name)])
                return
            _walk_folder(p, root, normalise_id(p.name), hint, out, extras)
        elif p.suffix.lower() == ".zip":
            _walk_zip(p, root, _participant_from_name(p.stem, assignments), hint, out, extras)
        elif p.suffix.lower() == ".ipynb":
            out.append(Candidate(_participant_from_name(p.stem, assignments), str(p.relative_to(root)),
                                 p.read_bytes(), p.stat().st_mtime, hint, p.stem, flat=True))

    for p in sorted(root.iterdir()):
        entry(p, [])
    return out, extras


def _parse(c: Candidate) -> None:
    """Read a candidate's notebook, or say in the workshop's language why it cannot be read (the
    JSON and nbformat errors are English, whatever the workshop's language: only their place or
    kind is kept)."""
    if not c.error:
        c.notebook, c.error = _read_notebook(c.data)


def _read_notebook(data: bytes) -> tuple[dict | None, str]:
    """(notebook, "") when `data` is a notebook nbgrader can grade, else (None, why not)."""
    if not data.strip():
        return None, _("unreadable notebook: empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, _("unreadable notebook: not UTF-8 text (byte {position})").format(position=exc.start)
    try:
        nb = json.loads(text)
    except ValueError as exc:
        where = {"line": getattr(exc, "lineno", "?"), "column": getattr(exc, "colno", "?")}
        return None, _("unreadable notebook: damaged JSON at line {line}, column {column}").format(**where)
    if not isinstance(nb, dict) or "cells" not in nb:
        return None, _("unreadable notebook: no cells (not a Jupyter notebook)")
    try:
        nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises its own types
        return None, _("unreadable notebook: not a valid Jupyter notebook ({error})").format(error=type(exc).__name__)
    return nb, ""


def _attribute(c: Candidate, assignments: dict[str, AssignmentInfo]) -> str | None:
    ids = {normalise_id(a): a for a in assignments}
    for part in c.hint_path:
        if part in ids:
            return ids[part]
    stem = normalise_id(c.stem)
    for nid in sorted(ids, key=len, reverse=True):
        if nid in stem:
            return ids[nid]
        if any(normalise_id(nb) == stem for nb in assignments[ids[nid]].notebooks):
            return ids[nid]
    if c.notebook is not None:
        gids = {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in c.notebook.get("cells", [])
                if isinstance(cell, dict)}
        scored = sorted(((len(gids & info.grade_ids), a) for a, info in assignments.items()), reverse=True)
        if scored and scored[0][0] > 0:
            return scored[0][1]
    if len(assignments) == 1:
        return next(iter(assignments))
    return None


def collect(root: Path, assignments: dict[str, AssignmentInfo], all_assignment_ids: set[str],
            roster: dict[str, Participant] | None = None) -> Collected:
    """Group the notebooks found under `root` into one submission per participant and assignment."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(_("{folder}: submissions folder not found").format(folder=root))
    cands, extras = find_candidates(root, assignments, all_assignment_ids)
    aliases = roster_aliases(roster) if roster else {}
    subs: dict[tuple[str, str], Submission] = {}
    unattributed: list[tuple[str, str]] = []
    for c in cands:
        c.participant = aliases.get(c.participant, c.participant)
        if not c.participant:
            unattributed.append((c.origin, _("no way to tell which participant it belongs to")))
            continue
        _parse(c)
        c.assignment = _attribute(c, assignments)
        if c.assignment is None:
            if c.notebook is not None and not ({cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                                               for cell in c.notebook.get("cells", [])} - {None}):
                unattributed.append((c.origin, _("notebook with no graded cell and no exercise name")))
            elif c.notebook is None:
                unattributed.append((c.origin, c.error or _("unreadable file")))
            # a notebook of another assignment: not asked for in this run, silently skipped
            continue
        info = assignments[c.assignment]
        sub = subs.setdefault((c.participant, c.assignment), Submission(c.participant, c.assignment))
        expected = normalise_id(c.stem)
        target = next((nb for nb in info.notebooks if normalise_id(nb) == expected), None)
        if target is None and len(info.notebooks) == 1:
            target = info.notebooks[0]
            if c.notebook is not None and not c.error and not c.flat:
                c._renamed = True  # type: ignore[attr-defined]
        if target is None:
            unattributed.append((c.origin, _("unexpected notebook name for {assignment} (expected: {expected})")
                                 .format(assignment=c.assignment,
                                         expected=", ".join(n + ".ipynb" for n in info.notebooks))))
            continue
        previous = sub.files.get(target)
        if previous is None:
            sub.files[target] = c
        else:
            newer, older = (c, previous) if (c.mtime, c.origin) > (previous.mtime, previous.origin) else (previous, c)
            sub.files[target] = newer
            sub.ignored.append(older)

    for sub in subs.values():
        sub.timestamp = max(c.mtime for c in sub.files.values())
        for name, c in sorted(sub.files.items()):
            if c.notebook is None:
                sub.issues.append(("invalid", _("{origin}: {error}").format(origin=c.origin, error=c.error)))
            elif getattr(c, "_renamed", False):
                sub.issues.append(("renamed", _("{origin} graded under the name {name}").format(
                    origin=c.origin, name=f"{name}.ipynb")))
        if sub.ignored:
            chosen = ", ".join(f"{c.origin} ({_fmt(c.mtime)})" for c in sub.files.values())
            older = ", ".join(f"{c.origin} ({_fmt(c.mtime)})" for c in sub.ignored)
            sub.issues.append(("duplicate", _("{n} submissions: the most recent counts, {chosen}; ignored: {older}")
                               .format(n=len(sub.ignored) + len(sub.files), chosen=chosen, older=older)))
        hint_parts = {normalise_id(sub.assignment)}
        for pid, parts, name, data in extras:
            if pid == sub.participant and (hint_parts & set(parts) or len(assignments) == 1):
                sub.extras[name] = data
    return Collected(subs, unattributed)


def _fmt(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%d/%m/%Y %H:%M")


def stage(sub: Submission, course: Path, submitted_dir: str = "submitted") -> bool:
    """Write a valid submission to <course>/submitted/<participant>/<assignment>/; True if it changed.

    The notebook keeps its bytes; nbgrader's timestamp.txt carries the time of the chosen file, so
    Formgrader shows when it was saved. An unchanged submission is left untouched on disk.
    """
    dest = course / submitted_dir / sub.participant / sub.assignment
    wanted = {f"{name}.ipynb": c.data for name, c in sub.files.items()}
    wanted.update({k: v for k, v in sub.extras.items() if k not in wanted})
    stamp = dt.datetime.fromtimestamp(sub.timestamp, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    wanted["timestamp.txt"] = stamp.encode()
    if dest.is_dir():
        current = {p.name: p.read_bytes() for p in dest.iterdir() if p.is_file()}
        if current == wanted:
            return False
        tmp = dest.with_name(dest.name + ".staging")
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        tmp = dest.with_name(dest.name + ".staging")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, data in wanted.items():
        (tmp / name).write_bytes(data)
    if dest.exists():
        # the previous version is kept, never deleted: grading/replaced/<participant>/<assignment>/<time>/
        keep = course / "grading" / "replaced" / sub.participant / sub.assignment / dt.datetime.now().strftime(
            "%Y%m%d-%H%M%S-%f")
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(dest), str(keep))
        tmp.rename(dest)
    else:
        tmp.rename(dest)
    return True
