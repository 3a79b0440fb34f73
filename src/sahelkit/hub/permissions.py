"""Who may read what of the kit once it serves a classroom: the operating system's file rights.

Participants' servers run the kit's own Python (.venv/, src/) and copy the teaching notebooks and
the case data into their home, so those stay readable by every account; the solutions, the
tests, the ground truth (datasets/<country>/truth/), the gradebook and the submissions become
readable by the kit's owner and the trainers' group only. The trainers' group gets the owner's
rights (Formgrader and `sahelkit grade` write the gradebook, submitted/, feedback/ in the kit),
and every folder passes its group on to what is made in it (setgid).

A whitelist, not a list of secrets: a folder added to the kit later is private until named here.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..paths import CASE_PROFILE

PUBLIC_TREES = (".venv", "src", "modules", "jupyter-config")
"""Top-level folders of the kit every account reads whole: the Python they run, the notebooks they copy."""
PUBLIC_FILES = ("datasets/README.md", "datasets/LISEZMOI.md")
LANGUAGE = "en"
"""The English notebooks (sahelkit.course.translate): en/modules is public like modules/; en/solutions is not."""
DATA = "datasets"
TRUTH = "truth"
OTHERS_READ = stat.S_IROTH | stat.S_IXOTH


def is_public(rel: tuple[str, ...], kit: Path) -> bool:
    """True for a path (parts relative to the kit) that participants' accounts may read."""
    if not rel:
        return False
    if rel[0] in PUBLIC_TREES or "/".join(rel) in PUBLIC_FILES or rel in ((DATA,), (LANGUAGE,)):
        return True
    if rel[0] == LANGUAGE:
        return len(rel) >= 2 and rel[1] == "modules"
    if rel[0] == DATA and len(rel) >= 2 and (kit / DATA / rel[1] / CASE_PROFILE).is_file():
        return len(rel) == 2 or rel[2] != TRUTH
    return False


def _wanted(mode: int, is_dir: bool, public: bool) -> int:
    user = mode & stat.S_IRWXU
    group = user >> 3
    others = (stat.S_IROTH | (stat.S_IXOTH if is_dir or mode & stat.S_IXUSR else 0)) if public else 0
    return user | group | others | (stat.S_ISGID if is_dir else 0)


def lock_kit(kit: Path, trainers_gid: int, skip: tuple[Path, ...] = ()) -> int:
    """Give the kit its classroom rights (see the module's docstring); return how many paths changed.

    Symbolic links are left as they are (their rights mean nothing), and so are the folders in
    `skip` (the server's own state). The kit's root is crossed, not listed, by every account."""
    kit = Path(kit).resolve()
    skipped = {Path(p).resolve() for p in skip}
    changed = 0

    def fix(path: Path, st: os.stat_result, want: int) -> int:
        done = 0
        if st.st_gid != trainers_gid:
            os.chown(path, -1, trainers_gid, follow_symlinks=False)
            done = 1
        if stat.S_IMODE(st.st_mode) != want:
            os.chmod(path, want)
            done = 1
        return done

    st = kit.lstat()
    changed += fix(kit, st, _wanted(st.st_mode, True, False) | stat.S_IXOTH)
    for folder, dirs, files in os.walk(kit):
        here = Path(folder)
        dirs[:] = [d for d in dirs if (here / d).resolve() not in skipped]
        for name in dirs + files:
            path = here / name
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                continue
            rel = path.relative_to(kit).parts
            changed += fix(path, st, _wanted(st.st_mode, stat.S_ISDIR(st.st_mode), is_public(rel, kit)))
    return changed


def unreachable_parents(path: Path) -> list[Path]:
    """The folders above `path` that another account cannot cross (no x for others): the kit must not sit there."""
    return [p for p in Path(path).resolve().parents if not os.stat(p).st_mode & stat.S_IXOTH]
