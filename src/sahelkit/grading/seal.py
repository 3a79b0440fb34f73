"""The grading kernel's seal: while a participant's notebook is graded, its code cannot reach the answers.

On the trainer's machine the answers sit next to the notebook being graded: the ground truth in
datasets/<country>/truth/, the generator that rebuilds it from the seed, the solutions and the
gradebook of the course. A participant's cell could call `sahelkit.load_truth()` (by any name:
``getattr(sahelkit, "load_" + "truth")``), open the CSV files by any path, or import the
generator, and pass the hidden tests that read the truth. Looking for such code in the
notebook (truthguard.py does) catches the plain cases; this module stops the rest at run time.

Every grading kernel loads it as an IPython extension before its first cell (grader_config.py
passes ``--IPKernelApp.extensions=sahelkit.grading.seal`` to the kernel). It adds a Python audit
hook (PEP 578), which nothing can remove once added, that raises `SealedError` when the
kernel's code:

- opens, lists, copies, links, renames or deletes anything under a ``truth`` folder of the case
  data, or under the generator subpackage (symbolic links and relative paths are resolved first);
- does the same under the paths listed in $SAHELKIT_SEALED (set by the grading run: the course's
  solutions, gradebook and the other participants' work), except the notebook's own folder;
- starts another program (a shell command could read any file).

The hidden tests that need the truth get it inside their own source, from the grading process
(`unpack_truth`, written in by truthguard.SealAnswers): it is not in the kernel before the test
cell runs, so no earlier cell can read it. What is left open is deliberate circumvention of the
machinery itself (ctypes, an IPython hook reading the next cell): the static check flags the
notebook for the trainer either way.
"""
from __future__ import annotations

import os
import sys

from ..i18n import N_, _

SEALED_ENV = "SAHELKIT_SEALED"

# Audit events that name a path, and the positions of the path arguments (PEP 578's table).
PATH_EVENTS = {
    "open": (0,), "os.listdir": (0,), "os.scandir": (0,), "os.link": (0, 1), "os.symlink": (0,),
    "os.rename": (0, 1), "os.remove": (0,), "os.rmdir": (0,), "os.truncate": (0,), "os.chmod": (0,),
    "os.utime": (0,), "shutil.copyfile": (0,), "shutil.copytree": (0,), "shutil.rmtree": (0,),
    "shutil.move": (0,), "sqlite3.connect": (0,), "glob.glob": (0,),
}
SPAWN_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile",
                "pty.spawn"}

_INSTALLED: list[bool] = []


class SealedError(PermissionError):
    """What a participant's code gets when it reaches for the answers during grading.

    Raised by the audit hook with an English message and the place reached (`what`, a message too);
    both are translated only when the error is shown, outside the hook: translating reads the
    catalogue, a file, which the hook would audit from inside itself."""

    def __init__(self, message: str, what: str = "", path: str = "") -> None:
        super().__init__(message)
        self.what, self.path = what, path

    def __str__(self) -> str:
        return _(self.args[0]).format(what=_(self.what), path=self.path)


def _real(path) -> str | None:
    if path is None or isinstance(path, int):
        return None
    try:
        return os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class _Seal:
    """The audit hook and what it guards, fixed when the kernel starts."""

    def __init__(self, data_roots: list[str], generator: str, sealed: list[str], allowed: str) -> None:
        self.data_roots = data_roots
        self.generator = generator
        self.sealed = sealed
        self.allowed = allowed

    def why(self, path: str) -> str | None:
        """Why `path` is out of reach, in the participant's words; None when it may be read."""
        for root in self.data_roots:
            if _inside(path, root) and "truth" in os.path.relpath(path, root).split(os.sep):
                return N_("the ground truth (truth/)")
        if _inside(path, self.generator):
            return N_("the data generator")
        if not _inside(path, self.allowed):
            for folder in self.sealed:
                if _inside(path, folder):
                    return N_("the solutions and the grades of the course")
        return None

    def __call__(self, event: str, args: tuple) -> None:
        positions = PATH_EVENTS.get(event)
        if positions is not None:
            for i in positions:
                real = _real(args[i]) if i < len(args) else None
                what = real and self.why(real)
                if what:
                    raise SealedError(N_("during grading, a notebook cannot read {what}: {path}"), what,
                                      os.fsdecode(args[i]))
        elif event in SPAWN_EVENTS:
            raise SealedError(N_("during grading, a notebook does not start another program"))


def install() -> None:
    """Seal this process (a grading kernel) for the rest of its life; once is enough."""
    if _INSTALLED:
        return
    from ..paths import DATASETS, PACKAGE, data_dir
    roots = sorted({_real(DATASETS), _real(data_dir())} - {None})
    sealed = [r for r in (_real(p) for p in os.environ.get(SEALED_ENV, "").split(os.pathsep) if p) if r]
    sys.addaudithook(_Seal(roots, _real(PACKAGE / "generator"), sealed, _real(os.getcwd())))
    _INSTALLED.append(True)


def load_ipython_extension(ipython) -> None:
    """IPython calls this when the kernel starts with --IPKernelApp.extensions=sahelkit.grading.seal."""
    install()


def unpack_truth(blob: str):
    """The ground truth a hidden test asked for, as `sahelkit.load_truth()` returns it, from the
    grading process (truthguard.pack_truth): the kernel itself cannot read truth/."""
    import base64
    import pickle
    import zlib
    return pickle.loads(zlib.decompress(base64.b85decode(blob)))
