"""`sahelkit grade`: one command for the evening's grading.

    sahelkit grade 01-intelligence-cycle --submissions ~/rendus --roster participants.csv
    sahelkit grade --all --submissions submitted/

Collect and normalise the submissions, import the roster, autograde in parallel through
nbgrader, generate feedback, export the grades, write the cohort report, print what needs the
trainer's attention. Exit code: 0 all clean, 1 something to look at, 2 usage error.
Run it again at will: an unchanged submission is not regraded, manual grades stay.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from ..i18n import _, ngettext
from .statuses import STATUSES, label, needs_attention

# nbgrader, nbformat and the grading modules are imported inside run_grade, so that building
# the `sahelkit` parser (and `sahelkit --help`) stays instant.

STATE_VERSION = 1


def grade_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `sahelkit grade` (for cli.py's register())."""
    _arguments(p)


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                   help=_("exercise(s) to grade, e.g. 01-intelligence-cycle"))
    p.add_argument("--all", action="store_true", help=_("grade every exercise of solutions/"))
    p.add_argument("--submissions", required=True, type=Path, metavar="PATH",
                   help=_("folder of the submissions: one folder per participant, .zip/.ipynb files named after "
                          "them, or nbgrader's submitted/ tree"))
    p.add_argument("--roster", type=Path, metavar="FILE",
                   help=_("list of the participants (CSV: id, first name, last name, service)"))
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help=_("gradings in parallel (default: number of cores, %(default)s here)"))
    p.add_argument("--course", type=Path, default=Path.cwd(), metavar="DIR",
                   help=_("folder of the course (holds nbgrader_config.py and solutions/); default: current folder"))
    p.add_argument("--country", help=_("country of the data (else the variable SAHELKIT_COUNTRY)"))
    p.add_argument("--timeout", type=int, metavar="SECONDS",
                   help=_("limit per cell (default: Execute.timeout of grader_config.py)"))
    p.add_argument("--low-score", type=float, default=50.0, metavar="PERCENT",
                   help=_("below this score (in %%), the participant is “to follow up” (default: 50)"))
    p.add_argument("--report", type=Path, metavar="DIR",
                   help=_("folder of the report (default: <course>/grading/rapport)"))
    p.add_argument("--no-progress", action="store_true", help=_("no progress bar"))


# --------------------------------------------------------------------------- state
def _state_path(course: Path) -> Path:
    return course / "grading" / "state.json"


def _load_state(course: Path) -> dict:
    try:
        state = json.loads(_state_path(course).read_text(encoding="utf-8"))
        if state.get("version") == STATE_VERSION:
            return state
    except (OSError, ValueError):
        pass
    return {"version": STATE_VERSION, "sources": {}, "graded": {}}


def _save_state(course: Path, state: dict) -> None:
    path = _state_path(course)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


# --------------------------------------------------------------------------- the command
def run_grade(args: argparse.Namespace) -> int:
    from .collect import UsageError
    try:
        return _run(args)
    except UsageError as exc:
        print(_("sahelkit grade: {error}").format(error=exc), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    import warnings

    from . import autograde as ag
    from .collect import UsageError, assignment_info, collect, read_roster
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy chatter from nbgrader's gradebook
    course = Path(args.course).resolve()
    if not (course / "solutions").is_dir():
        raise UsageError(_("{course}: no solutions/ folder: is this really the course folder? (--course)")
                         .format(course=course))
    available = sorted(p.name for p in (course / "solutions").iterdir()
                       if p.is_dir() and any(p.glob("*.ipynb")))
    if args.all:
        wanted = available
    else:
        wanted = list(dict.fromkeys(args.assignments))
        if not wanted:
            raise UsageError(_("name an exercise or --all (exercises: {available})")
                             .format(available=", ".join(available)))
        unknown = [a for a in wanted if a not in available]
        if unknown:
            raise UsageError(_("unknown exercise: {unknown} (exercises: {available})")
                             .format(unknown=", ".join(unknown), available=", ".join(available)))
    if args.jobs < 1:
        raise UsageError(_("--jobs must be at least 1"))
    if args.timeout is not None and args.timeout < 1:
        raise UsageError(_("--timeout must be at least 1 second"))
    roster = read_roster(args.roster) if args.roster else {}
    submissions_root = Path(args.submissions).resolve()
    infos = {a: assignment_info(course, a) for a in wanted}
    collected = collect(submissions_root, infos, set(available), roster or None)
    ag.prepare_environment(args.country)
    if args.timeout is None and os.environ.get("SAHELKIT_GRADE_TIMEOUT"):
        args.timeout = int(os.environ["SAHELKIT_GRADE_TIMEOUT"])

    state = _load_state(course)
    templates = {}
    for a in wanted:
        digest = ag.source_digest(course, a)
        templates[a] = ag.register(course, a, digest, state["sources"].get(a))
        if state["sources"].get(a) != digest:
            state["graded"].pop(a, None)      # solutions changed: everything of it is regraded
        state["sources"][a] = digest
    _save_state(course, state)
    gb = ag.open_gradebook(course)
    try:
        return _grade(args, course, wanted, roster, collected, state, templates, gb)
    finally:
        gb.close()


def _grade(args: argparse.Namespace, course: Path, wanted: list[str], roster: dict, collected,
           state: dict, templates: dict[str, Path], gb) -> int:
    """Grade what changed, merge it into the course gradebook `gb`, export, report, summarise."""
    from . import autograde as ag
    from .collect import stage
    url = ag.db_url(course)
    if roster:
        ag.ensure_students(gb, roster)

    # ---- stage and decide what to grade
    records: dict[tuple[str, str], dict] = {}
    jobs = []
    refeedback: list[tuple[str, str]] = []
    for (pid, a), sub in sorted(collected.submissions.items()):
        issues = list(sub.issues)
        if roster and pid not in roster:
            issues.append(("unknown-participant", _("file(s): {files}").format(
                files=", ".join(c.origin for c in sub.files.values()))))
        rec = {"participant": pid, "assignment": a, "issues": issues,
               "files": [c.origin for c in sub.files.values()], "graded_now": False}
        records[(pid, a)] = rec
        prev = state["graded"].get(a, {}).get(pid)
        if not sub.valid:
            if prev and ag.in_gradebook(gb, a, pid):
                rec["issues"].append(_kept_earlier(prev))
            continue
        stage(sub, course)
        digest = sub.digest()
        if prev and prev.get("sha") == digest and ag.in_gradebook(gb, a, pid):
            rec["issues"] += [tuple(i) for i in prev.get("issues", [])]
            rec["unchanged"] = True
            if ag.manual_fingerprint(gb, a, pid) != prev.get("manual", ""):
                refeedback.append((pid, a))   # grades entered in Formgrader since: show them in the feedback
            continue
        rec["sha"] = digest
        # graded against the hidden tests of the submission's own language (French when the course
        # lacks that language's solutions)
        lang = ag.submission_language(course / "submitted" / pid / a)
        lang = lang if lang in templates[a] else "fr"
        jobs.append({"course": str(course), "assignment": a, "participant": pid, "lang": lang,
                     "template": str(templates[a][lang]), "timeout": args.timeout, "country": args.country})
    for pid in roster:
        for a in wanted:
            if (pid, a) not in records:
                records[(pid, a)] = {"participant": pid, "assignment": a, "files": [], "graded_now": False,
                                     "issues": [("missing", _("no file found in {folder}").format(
                                         folder=args.submissions))]}

    # ---- grade in parallel, merge under one writer
    import time
    t_start = time.perf_counter()
    if jobs:
        from tqdm import tqdm
        bar = tqdm(total=len(jobs), desc=_("Grading"), unit=_("submission"), disable=args.no_progress,
                   file=sys.stderr)
        workers = min(args.jobs, len(jobs))
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(ag.grade_one, job): job for job in jobs}
            for fut in as_completed(futures):
                job = futures[fut]
                key = (job["participant"], job["assignment"])
                try:
                    result = fut.result()
                except Exception as exc:  # a worker that crashed outright: report, keep going
                    result = {"participant": key[0], "assignment": key[1], "success": False, "issues": [
                        ("error", f"{type(exc).__name__}: {exc}")],
                        "work": str(course / "grading" / "work" / key[1] / key[0])}
                rec = records[key]
                rec["issues"] += [tuple(i) for i in result["issues"]]
                rec["graded_now"] = True
                prev = state["graded"].get(key[1], {}).get(key[0])
                if not result["success"] and prev and ag.in_gradebook(gb, key[1], key[0]):
                    # a resubmission that could not be graded: the earlier grades, autograded copy and
                    # feedback stay; the state still describes them, so the next run tries again
                    rec["issues"].append(_kept_earlier(prev))
                else:
                    if ag.merge(course, gb, result):
                        refeedback.append(key)
                    state["graded"].setdefault(key[1], {})[key[0]] = {
                        "sha": rec["sha"], "issues": [list(i) for i in result["issues"]],
                        "when": dt.datetime.now().isoformat(timespec="seconds")}
                    _save_state(course, state)
                ag.work_dir_cleanup(result)
                bar.set_postfix_str(key[0], refresh=False)
                bar.update()
        bar.close()
    for pid, a in refeedback:
        if ag.feedback_in_course(course, a, pid) and pid in state["graded"].get(a, {}):
            state["graded"][a][pid]["manual"] = ag.manual_fingerprint(gb, a, pid)
    _save_state(course, state)
    grading_seconds = time.perf_counter() - t_start

    # ---- export, report, summary
    from .report import build_report
    report_dir = (args.report or course / "grading" / "rapport").resolve()
    ag.export_csv(gb, report_dir / "nbgrader-grades.csv")
    roster_all = dict(roster)
    summary = build_report(course, url, wanted, records, roster_all, report_dir, args.low_score,
                           collected.unattributed)
    parallel = min(args.jobs, max(1, len(jobs)))
    print(ngettext("Time: grading {seconds:.1f} s ({n} submission, {parallel} in parallel)",
                   "Time: grading {seconds:.1f} s ({n} submissions, {parallel} in parallel)", len(jobs))
          .format(seconds=grading_seconds, n=len(jobs), parallel=parallel))
    return _print_summary(summary, records, jobs, collected.unattributed, report_dir)


def _kept_earlier(prev: dict) -> tuple[str, str]:
    """The issue saying that the grades of an earlier submission stay in the gradebook."""
    try:
        when = dt.datetime.fromisoformat(prev["when"])
    except (KeyError, TypeError, ValueError):
        return ("kept-earlier", _("grades of the submission graded earlier kept (this new submission could not "
                                  "be graded)"))
    return ("kept-earlier", _("grades of the submission graded on {date} at {time} kept (this new submission "
                              "could not be graded)").format(date=when.strftime("%d/%m/%Y"),
                                                             time=when.strftime("%H:%M")))


def _print_summary(summary: dict, records: dict, jobs: list, unattributed: list, report_dir: Path) -> int:
    rows = summary["rows"]
    graded = sum(1 for r in records.values() if r["graded_now"])
    unchanged = sum(1 for r in records.values() if r.get("unchanged"))
    print("\n" + _("Graded now: {graded}; already graded (unchanged): {unchanged}; participants: {participants}; "
                   "exercises: {exercises}").format(graded=graded, unchanged=unchanged,
                                                    participants=summary["participants"],
                                                    exercises=", ".join(summary["assignments"])))
    print("\n".join(summary_lines(rows, unattributed)))
    print("\n" + _("Report: {path}").format(path=report_dir / "rapport-cohorte.html"))
    print(_("Grades: {path}  (and notes-par-partie.csv, nbgrader-grades.csv)").format(path=report_dir / "notes.csv"))
    status = 1 if unattributed or any(needs_attention(c for c, _d in r["issues"]) for r in rows) else 0
    print(_("Result: some points need your attention (code 1).") if status
          else _("Result: everything is in order (code 0)."))
    return status


def summary_lines(rows: list[dict], unattributed: list) -> list[str]:
    """What needs attention, one line per problem; then the parts to grade by hand, one line per
    part (every evening they concern most of the cohort); then the other information."""
    lines = []
    attention = [r for r in rows if needs_attention(c for c, _d in r["issues"])]
    if attention or unattributed:
        lines.append("\n" + _("TO LOOK AT:"))
        for r in attention:
            for code, detail in r["issues"]:
                if STATUSES.get(code) and STATUSES[code].attention:
                    lines.append(_issue_line(r, code, detail))
        lines += ["  - " + _("file not attributed: {origin} — {why}").format(origin=origin, why=why)
                  for origin, why in unattributed]
    by_hand: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        if any(c == "manual" for c, _d in r["issues"]):
            for gid, (_score, pending) in r["parts"].items():
                if pending:
                    by_hand.setdefault((r["assignment"], gid), []).append(r["participant"])
    if by_hand:
        lines.append("\n" + _("{to_grade_by_hand} in Formgrader, then run the same command again:")
                     .format(to_grade_by_hand=label("manual")))
        for (a, gid), who in sorted(by_hand.items()):
            names = ", ".join(who[:5])
            if len(who) > 5:
                names = ngettext("{names} and {n} other", "{names} and {n} others", len(who) - 5).format(
                    names=names, n=len(who) - 5)
            lines.append("  - " + ngettext("{assignment} · {part}: {n} submission ({names})",
                                           "{assignment} · {part}: {n} submissions ({names})", len(who))
                         .format(assignment=a, part=gid, n=len(who), names=names))
    info = [(r, code, detail) for r in rows for code, detail in r["issues"]
            if code != "manual" and not (STATUSES.get(code) and STATUSES[code].attention)]
    if info:
        lines.append("\n" + _("For information:"))
        lines += [_issue_line(r, code, detail) for r, code, detail in info]
    return lines


def _issue_line(row: dict, code: str, detail: str) -> str:
    return "  - " + _("{participant} / {assignment}: {status} — {detail}").format(
        participant=row["participant"], assignment=row["assignment"], status=label(code), detail=detail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sahelkit.grading", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _arguments(parser)
    args = parser.parse_args(argv)
    return run_grade(args)
