"""How long each notebook takes, against a floor measured in the same run.

The floor for a notebook is a notebook that only starts a kernel and runs the same import lines:
what no participant can avoid on their laptop. The target for every notebook is at most 3 times
its floor. Each timing is the best of --repeat runs, to keep a busy machine from deciding.

    .venv/bin/python benchmarks/notebooks.py [--country mali] [--repeat 2] [paths...]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from sahelkit.paths import REPO

TARGET = 3.0
IMPORT = re.compile(r"^\s*(import\s+\S.*|from\s+\S+\s+import\s+.*)$")


def floor_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A notebook holding only the import lines of `nb` (plus matplotlib's inline backend)."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines += [line.strip() for line in cell.source.splitlines() if IMPORT.match(line)]
    unique = list(dict.fromkeys(lines))
    return new_notebook(cells=[new_code_cell("\n".join(unique) or "pass")],
                        metadata=nb.metadata)


def run(nb: nbformat.NotebookNode, cwd: Path) -> float:
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no "running over TCP" warnings
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def best_of(nb: nbformat.NotebookNode, cwd: Path, repeat: int) -> float:
    return min(run(nbformat.from_dict(nb), cwd) for _ in range(repeat))


def notebook_arguments(description: str, default: str, argv: list[str] | None) -> argparse.Namespace:
    """The options every notebook benchmark takes; sets the country and a quiet plotting backend."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("paths", nargs="*", type=Path, help=f"notebooks (default: {default})")
    parser.add_argument("--country", default=os.environ.get("SAHELKIT_COUNTRY", "mali"))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ["SAHELKIT_COUNTRY"] = args.country
    os.environ.setdefault("MPLBACKEND", "agg")
    return args


def main(argv: list[str] | None = None) -> int:
    args = notebook_arguments(__doc__.splitlines()[0], "modules/ and solutions/", argv)
    every = [*(REPO / "modules").glob("*.ipynb"), *(REPO / "solutions").glob("*/*.ipynb")]
    paths = [p.resolve() for p in args.paths] or sorted(every)

    print(f"country: {args.country}; best of {args.repeat}; target: notebook <= {TARGET:g} x floor")
    print(f"{'notebook':52} {'floor s':>8} {'notebook s':>11} {'ratio':>6}")
    worst = 0.0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        floor = best_of(floor_notebook(nb), path.parent, args.repeat)
        full = best_of(nb, path.parent, args.repeat)
        ratio = full / floor
        worst = max(worst, ratio)
        flag = "" if ratio <= TARGET else "  <-- over target"
        print(f"{str(path.relative_to(REPO)):52} {floor:8.2f} {full:11.2f} {ratio:6.2f}{flag}", flush=True)
    print(f"worst ratio: {worst:.2f} (target {TARGET:g})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
