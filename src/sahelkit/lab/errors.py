"""Short error messages for participants: the kernel prints only the error's last line.

A one-word typo in a pandas call prints some fifty lines of pandas' own code, above the one line a
beginner needs (`KeyError: 'towns'`). Loaded in every participant kernel (the kit's IPython kernel
config names this extension), it switches IPython to its minimal exception mode. Module 00 teaches
how to read that line and how to see the whole path again: `%xmode Context` in a cell, then run
the failing cell again (`%xmode Minimal` goes back).
"""
from __future__ import annotations

MODE = "Minimal"


def load_ipython_extension(ipython) -> None:
    ipython.InteractiveTB.set_mode(mode=MODE)
