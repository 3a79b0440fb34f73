"""Grade one cohort two ways, side by side: serial plain `nbgrader autograde`, and `sahelkit grade --jobs N`.

    .venv/bin/python benchmarks/grading.py [--participants 16] [--jobs 2] [--keep]

A cohort of simulated participants (the released notebook with a random 70 % of the answers
filled from the solution; one perfect, one blank) on every assignment in solutions/ is copied
into two throw-away courses. Course A is graded by the baseline, course B by the kit. The
script asserts that both gradebooks hold identical grades (auto score, needs-manual flag, auto
comment of every cell of every submission), then prints the times and the throughput ratio.
The kit's time includes everything it does on top (registration, feedback, CSV export and the
cohort report); the baseline is timed for autograde alone and for autograde + generate_feedback,
and the ratios are printed for both. Run it on an otherwise idle machine: the ratio measures
how two workers use two cores, which other processes' load distorts. SAHELKIT_FORK_KERNELS=0
measures the kit with nbgrader's own kernel launcher instead of forked kernels (grading/zygote.py).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from sahelkit.grading import simulate
from sahelkit.grading.autograde import prepare_environment
from sahelkit.paths import REPO

BIN = Path(sys.executable).parent


def make_course(root: Path, assignments: list[str]) -> Path:
    (root / "solutions").mkdir(parents=True)
    for name in assignments:
        shutil.copytree(REPO / "solutions" / name, root / "solutions" / name)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"load_subconfig({str(REPO / 'grader_config.py')!r})\n"
        f"c.CourseDirectory.root = {str(root)!r}\n", encoding="utf-8")
    return root


def grades(course: Path) -> dict:
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for a in gb.assignments:
            for sub in gb.assignment_submissions(a.name):
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(a.name, sub.student.id, nb.name, "grade", g.name)] = (g.auto_score, g.needs_manual_grade)
                    for c in nb.comments:
                        out[(a.name, sub.student.id, nb.name, "comment", c.name)] = c.auto_comment
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--participants", type=int, default=16)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the two course folders")
    ap.add_argument("--assignments", nargs="+", metavar="ASSIGNMENT", help="only these (default: every one)")
    args = ap.parse_args()
    assignments = args.assignments or sorted(
        p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and p.name[:2].isdigit())
    if not assignments:
        print("no assignment in solutions/", file=sys.stderr)
        return 2
    prepare_environment(os.environ.get("SAHELKIT_COUNTRY"))
    tmp = Path(tempfile.mkdtemp(prefix="sahelkit-bench-"))
    a_course, b_course = make_course(tmp / "plain", assignments), make_course(tmp / "kit", assignments)
    subs = tmp / "submissions"
    for name in assignments:
        for pid, notebooks in simulate.cohort(a_course, name, args.participants).items():
            for nb_name, nb in notebooks.items():
                for folder in (a_course / "submitted" / pid / name, subs / pid / name):
                    folder.mkdir(parents=True, exist_ok=True)
                    nbformat.write(nb, folder / f"{nb_name}.ipynb")
    n = args.participants * len(assignments)
    print(f"cohort: {args.participants} participants x {len(assignments)} assignment(s) = {n} submissions; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")

    for name in assignments:  # the release step, done before grading in both workflows
        subprocess.run([str(BIN / "nbgrader"), "generate_assignment", name, "--force"], cwd=a_course,
                       check=True, capture_output=True)
    t0 = time.perf_counter()
    for name in assignments:
        proc = subprocess.run([str(BIN / "nbgrader"), "autograde", name, "--force"], cwd=a_course,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
    plain = time.perf_counter() - t0
    print(f"plain nbgrader autograde (serial):          {plain:7.1f} s  ({n / plain * 60:5.1f} submissions/min)")
    t0 = time.perf_counter()
    for name in assignments:
        subprocess.run([str(BIN / "nbgrader"), "generate_feedback", name, "--force"], cwd=a_course, capture_output=True)
    feedback = time.perf_counter() - t0
    print(f"plain nbgrader generate_feedback (serial):  {feedback:7.1f} s")

    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sahelkit.grading", "--all", "--submissions", str(subs),
                           "--jobs", str(args.jobs), "--no-progress"], cwd=b_course, capture_output=True, text=True)
    kit = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        return 1
    phase = re.search(r"correction ([\d.]+) s", proc.stdout)
    print(f"sahelkit grade --jobs {args.jobs} (everything): {kit:7.1f} s  ({n / kit * 60:5.1f} submissions/min)"
          + (f"; of which autograde+merge {phase.group(1)} s" if phase else ""))

    a, b = grades(a_course), grades(b_course)
    diff = [k for k in set(a) | set(b) if a.get(k, "missing") != b.get(k, "missing")]
    assert len(a) > 0 and not diff, f"{len(diff)} grades differ, e.g. {sorted(diff)[:5]}"
    print(f"identical grades: {len(a)} gradebook entries compared, 0 differences")
    print(f"throughput ratio, plain autograde / whole kit command:             {plain / kit:.2f}")
    print(f"throughput ratio, plain autograde+feedback / whole kit command:    {(plain + feedback) / kit:.2f}")
    if phase:
        print(f"throughput ratio, plain autograde+feedback / kit grading phase:   "
              f"{(plain + feedback) / float(phase.group(1)):.2f}")
    if args.keep:
        print(f"courses kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
