"""The classroom server's JupyterHub configuration, from the settings `make hub` settled.

JupyterHub reads <state>/jupyterhub_config.py, which only calls `apply` with the settings saved
beside it (reglages.json): what the trainer chose (address, port, country, roster) and what the
start found (the kit, its Python, the proxy, the exchange). Everything here is JupyterHub's and
nbgrader's own machinery, configured: PAM logins (accounts.py says why), LocalProcessSpawner
starting each server as its account's system user, the configurable-http-proxy from npm.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..i18n import _

SETTINGS_FILE = "reglages.json"
CONFIG_FILE = "jupyterhub_config.py"
SERVER_START_SECONDS = 300
"""How long a server may take to start before the hub gives up: 16 starting at once on 2 cores
take about a minute (benchmarks/hub_capacity.py); a margin for a slower machine."""
SERVER_HTTP_SECONDS = 240
"""How long the hub waits for a started server to answer on its port."""
SERVER_PORTS = 20000
"""Each account's server listens on 127.0.0.1 at this port plus its rank on the roster: below Linux's
ephemeral ports (32768 and up), where kernels take theirs. JupyterHub's default, a random free port,
can be taken by a kernel in the seconds a server needs to start on a busy machine."""
SERVER_PORT_SPAN = 1000
"""How far above its own port an account's server looks for a free one (another program on the machine)."""
ROLE_ENV = "SAHELKIT_ROLE"
KIT_ENV = "SAHELKIT_KIT"
EXCHANGE_ENV = "SAHELKIT_EXCHANGE"
"""Read by grader_config.py: the trainer's nbgrader (Formgrader, `nbgrader collect`) uses the shared exchange."""


@dataclass
class HubSettings:
    kit: str              # the course: the kit's root, the trainer's server's root
    state: str            # the server's own folder (database, secrets, accounts), root's only
    exchange: str         # nbgrader's exchange, shared by every account
    country: str          # SAHELKIT_COUNTRY for every server
    ip: str
    port: int
    hub_port: int         # the hub's internal API, on 127.0.0.1
    proxy_api_port: int   # the proxy's API, on 127.0.0.1
    proxy: str            # the configurable-http-proxy command
    python: str           # the kit's Python, which every server runs
    src: str              # the folder that holds the sahelkit package every server imports
    language: str = "fr"  # SAHELKIT_LANG for every server: the notebooks' and JupyterLab's language
    trainers: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    server_ports: int = SERVER_PORTS

    def save(self, state: Path) -> Path:
        path = Path(state) / SETTINGS_FILE
        path.write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False), encoding="utf-8")
        config = Path(state) / CONFIG_FILE
        config.write_text(
            "# Written by `make hub` (sahelkit.hub); each start rewrites it. The settings: reglages.json.\n"
            "from sahelkit.hub.config import apply\n\n"
            f"apply(c, {str(path)!r})  # noqa: F821 -- c is JupyterHub's config object\n", encoding="utf-8")
        return config

    @classmethod
    def load(cls, path: Path) -> HubSettings:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def server_environment(s: HubSettings) -> dict[str, str]:
    """What every single-user server (and its kernels) finds in its environment."""
    bindir = str(Path(s.python).parent)
    return {
        "SAHELKIT_COUNTRY": s.country,
        "SAHELKIT_LANG": s.language,
        KIT_ENV: s.kit,
        EXCHANGE_ENV: s.exchange,
        "PYTHONPATH": s.src,
        "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
        # the kit's Jupyter settings (French Validate, short errors), as `make setup` puts in the venv
        "JUPYTER_CONFIG_PATH": str(Path(s.kit) / "jupyter-config"),
        "JUPYTER_PLATFORM_DIRS": "0",
        "PYTHONUNBUFFERED": "1",
    }


def apply(c, settings_file: str) -> None:
    """Fill JupyterHub's config object `c` for the classroom."""
    from ..grading.collect import PARTICIPANT_ROLE, TRAINER_ROLE

    s = HubSettings.load(Path(settings_file))
    state = Path(s.state)
    c.JupyterHub.ip = s.ip
    c.JupyterHub.port = s.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = s.hub_port
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True        # stopping the hub stops every participant's server
    c.JupyterHub.cleanup_proxy = True
    c.JupyterHub.shutdown_on_logout = False
    c.JupyterHub.template_vars = {"announcement_login": (
        "Serveur de la classe. Identifiant (Username) et mot de passe (Password) : ceux de votre fiche.")}

    c.ConfigurableHTTPProxy.command = [s.proxy]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.ConfigurableHTTPProxy.should_start = True

    c.JupyterHub.authenticator_class = "pam"
    c.Authenticator.allowed_users = set(s.participants) | set(s.trainers)
    c.Authenticator.admin_users = set(s.trainers)   # /hub/admin: stop and start a stuck participant's server
    c.JupyterHub.admin_access = False                # ...without opening the participant's files
    c.PAMAuthenticator.open_sessions = False
    c.LocalAuthenticator.create_system_users = False  # accounts come from the roster, made by `make hub`

    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
    c.Spawner.cmd = [s.python, "-m", "sahelkit.hub.singleuser"]
    c.Spawner.environment = server_environment(s)
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = SERVER_START_SECONDS
    c.Spawner.http_timeout = SERVER_HTTP_SECONDS
    trainers = set(s.trainers)
    rank = {name: i for i, name in enumerate(sorted(trainers | set(s.participants)))}

    def before_start(spawner) -> None:
        """The account's role (what its server opens) and its port."""
        name = spawner.user.name
        spawner.environment = dict(spawner.environment, **{
            ROLE_ENV: TRAINER_ROLE if name in trainers else PARTICIPANT_ROLE})
        spawner.port = server_port(s.server_ports, rank.get(name, len(rank)), len(rank))

    c.Spawner.pre_spawn_hook = before_start


def server_port(base: int, rank: int, accounts: int) -> int:
    """The account's own port (base + rank) if nothing listens there, else the first free one above
    every account's own, so that it never takes the port of another account whose server is not up yet."""
    import socket
    spare = base + accounts
    for candidate in [base + rank, *range(spare, spare + SERVER_PORT_SPAN)]:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no obstacle
            try:
                sock.bind(("127.0.0.1", candidate))
                return candidate
            except OSError:
                continue
    raise RuntimeError(_("no free port from {first} to {last} on 127.0.0.1").format(first=spare,
                                                                                  last=spare + SERVER_PORT_SPAN))
