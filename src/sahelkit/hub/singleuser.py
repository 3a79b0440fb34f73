"""What the hub starts for each account, as that account: prepare its JupyterLab, then become
JupyterHub's own single-user server (`jupyterhub-singleuser`).

A participant gets the workspace `make lab` builds (sahelkit.workspace), in their home: the teaching
notebooks and the case data of the workshop's country without truth/, copied from the kit's
readable parts and refreshed at each start without losing their changes; nbgrader's Assignments
panel on the shared exchange under their login; no instructor panel; the server's root is that
workspace. A trainer's server opens the whole kit, Formgrader included, as `make lab-trainer` does,
with nbgrader on the same shared exchange (grader_config.py reads SAHELKIT_EXCHANGE).

Run by the hub, never by hand: the environment it reads is the spawner's (config.server_environment).
"""
from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

from ..grading.collect import TRAINER_ROLE
from ..workspace import FOLDER, LANDING, OFFLINE_PLUGINS, Paths, configure, set_lab_language, sync, wanted_files
from .config import EXCHANGE_ENV, KIT_ENV, ROLE_ENV

PARTICIPANT_UMASK = 0o077
"""A participant's files are theirs alone (their home is 0700 too)."""
TRAINER_UMASK = 0o007
"""What a trainer writes in the kit (gradebook, feedback) stays writable by the other trainers."""


def participant_server(kit: Path, exchange: Path, country: str, home: Path) -> tuple[Path, dict[str, str]]:
    """Build or refresh the participant's workspace; return its root and the server's environment."""
    ws = Paths(home / FOLDER, shared_exchange=exchange)
    sync(wanted_files(kit, kit / "datasets", cases=[country]), ws)
    ws.exercises.mkdir(exist_ok=True)  # where the Assignments panel fetches to: it fails while it is missing
    configure(ws, getpass.getuser())
    return ws.root, {"JUPYTER_CONFIG_DIR": str(ws.config), "IPYTHONDIR": str(ws.ipython),
                     "JUPYTERLAB_SETTINGS_DIR": str(ws.lab_settings), "SAHELKIT_DATA": str(ws.root / "datasets")}


def trainer_server(kit: Path, home: Path) -> tuple[Path, dict[str, str]]:
    """The trainer's Jupyter configuration (news pop-up off, the workshop's language); the server's
    root is the kit."""
    config = home / ".sahelkit" / "jupyter"
    lab_settings = set_lab_language(home / ".sahelkit" / "lab-settings").parents[2]
    page = config / "labconfig" / "page_config.json"
    page.parent.mkdir(parents=True, exist_ok=True)
    off = {name: True for name in OFFLINE_PLUGINS}
    page.write_text(json.dumps({"disabledExtensions": off, "lockedExtensions": off}, indent=1), encoding="utf-8")
    os.chdir(kit)  # nbgrader reads the course's nbgrader_config.py from the folder it starts in
    return kit, {"JUPYTER_CONFIG_DIR": str(config), "JUPYTERLAB_SETTINGS_DIR": str(lab_settings)}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    kit, exchange = Path(os.environ[KIT_ENV]), Path(os.environ[EXCHANGE_ENV])
    home = Path.home()
    if os.environ.get(ROLE_ENV) == TRAINER_ROLE:
        os.umask(TRAINER_UMASK)
        root, env = trainer_server(kit, home)
    else:
        os.umask(PARTICIPANT_UMASK)
        root, env = participant_server(kit, exchange, os.environ["SAHELKIT_COUNTRY"], home)
    os.environ.update(env)
    command = [sys.executable, "-m", "jupyterhub.singleuser", f"--ServerApp.root_dir={root}",
               f"--ServerApp.default_url=/lab/tree/{LANDING}", *args]
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
