"""Where the kit's folders are, computed once.

The package lives in src/sahelkit of a checkout (or of a participant's bundle), so the
repository root is two folders above it. Every other module asks here instead of counting
`.parent` itself.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parents[1]
DATASETS = REPO / "datasets"
PROFILES = DATASETS / "profiles"


def data_dir() -> Path:
    """The datasets folder in use: $SAHELKIT_DATA when set, else the repository's datasets/."""
    env = os.environ.get("SAHELKIT_DATA")
    return Path(env) if env else DATASETS
