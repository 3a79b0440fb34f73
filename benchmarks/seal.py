"""What the grading kernel's seal costs: each solution notebook run in a sealed kernel (as graded)
against the same notebook in a plain kernel, in the same run.

The seal (sahelkit/grading/seal.py) is a Python audit hook that looks at every file opened while a
notebook runs; the hidden tests that read the truth get it packed in their source, as grading
does. The target is a ratio close to 1. Each timing is the best of --repeat runs.

    .venv/bin/python benchmarks/seal.py [--country mali] [--repeat 2] [paths...]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from notebooks import notebook_arguments  # benchmarks/notebooks.py: the script folder is on sys.path

from sahelkit.grading.truthguard import TRUTH_CALL, pack_truth, trusted
from sahelkit.paths import REPO

SEAL = "--IPKernelApp.extensions=sahelkit.grading.seal"


def run(nb: nbformat.NotebookNode, cwd: Path, sealed: bool) -> tuple[float, int]:
    """Seconds to run `nb`, and how many of its cells ended in an error."""
    nb = nbformat.from_dict(nb)
    extra = ["--IPKernelApp.log_level=ERROR"] + ([SEAL] if sealed else [])
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True, extra_arguments=extra,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    errors = sum(any(o.output_type == "error" for o in c.get("outputs", [])) for c in nb.cells)
    return time.perf_counter() - start, errors


def as_graded(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with the truth packed into its hidden tests, as truthguard.SealAnswers does."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and trusted(cell) and TRUTH_CALL.search(cell.source):
            cell.source = TRUTH_CALL.sub(f"sahelkit.grading.seal.unpack_truth({pack_truth(cell.source)!r})",
                                         cell.source)
    return nb


def main(argv: list[str] | None = None) -> int:
    args = notebook_arguments(__doc__.splitlines()[0], "solutions/", argv)
    paths = [p.resolve() for p in args.paths] or sorted((REPO / "solutions").glob("*/*.ipynb"))
    print(f"{'notebook':32} {'plain s':>8} {'sealed s':>9} {'ratio':>6}  errors (plain/sealed)")
    ratios = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        plain = min(run(nb, path.parent, False) for _ in range(args.repeat))
        sealed = min(run(as_graded(nb), path.parent, True) for _ in range(args.repeat))
        ratios.append(sealed[0] / plain[0])
        print(f"{path.stem:32} {plain[0]:8.2f} {sealed[0]:9.2f} {ratios[-1]:6.2f}  {plain[1]}/{sealed[1]}")
    print(f"sealed / plain, worst: {max(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
