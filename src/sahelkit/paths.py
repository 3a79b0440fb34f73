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

CASE_PROFILE = "profile.yaml"
"""In a generated case folder: the copy of the profile it was made from, read by `load()` first."""
CASE_MARKER = "sahelkit-case.json"
"""In a generated case folder: the manifest `generate` writes, the sign it may replace the folder."""


def data_dir() -> Path:
    """The folder holding the country folders: $SAHELKIT_DATA when set, else the repository's datasets/.

    The same meaning for `load()` (reads <data dir>/<country>) and `sahelkit generate` without
    --out (writes <data dir>/<country>); `--out` names one case folder instead."""
    env = os.environ.get("SAHELKIT_DATA")
    return Path(env) if env else DATASETS
