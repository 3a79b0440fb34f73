"""JupyterHub's configuration for the classroom, and `make hub`'s command line."""
from __future__ import annotations

import socket
from types import SimpleNamespace

from traitlets.config import Config

from sahelkit.hub.config import HubSettings, apply, server_port
from tests.helpers import REPO, make_hub_command


def settings(tmp_path) -> HubSettings:
    s = HubSettings(kit=str(tmp_path / "kit"), state=str(tmp_path), exchange="/srv/nbgrader/exchange",
                    country="niger", ip="0.0.0.0", port=8000, hub_port=8081, proxy_api_port=8001,
                    proxy="/kit/.venv/proxy/node_modules/.bin/configurable-http-proxy", python="/kit/.venv/bin/python",
                    src="/kit/src", trainers=["awa.diop"], participants=["aminata.traore", "moussa.diallo"],
                    server_ports=24000)
    s.save(tmp_path)
    return s


def test_pam_logins_local_servers_and_the_workshop_s_country(tmp_path):
    s = settings(tmp_path)
    c = Config()
    apply(c, str(tmp_path / "reglages.json"))
    assert c.JupyterHub.authenticator_class == "pam" and c.JupyterHub.ip == "0.0.0.0"
    assert c.Authenticator.allowed_users == {"awa.diop", "aminata.traore", "moussa.diallo"}
    assert c.Authenticator.admin_users == {"awa.diop"} and c.JupyterHub.admin_access is False
    assert c.Spawner.cmd == [s.python, "-m", "sahelkit.hub.singleuser"]
    assert c.Spawner.environment["SAHELKIT_COUNTRY"] == "niger"
    assert c.Spawner.environment["SAHELKIT_LANG"] == "fr", "French unless the hub was started in English"
    assert c.Spawner.environment["PYTHONPATH"] == "/kit/src"

    def spawner(name):
        sp = SimpleNamespace(user=SimpleNamespace(name=name), environment=dict(c.Spawner.environment), port=0)
        c.Spawner.pre_spawn_hook(sp)
        return sp
    trainer, moussa = spawner("awa.diop"), spawner("moussa.diallo")
    assert trainer.environment["SAHELKIT_ROLE"] == "formateur" and moussa.environment["SAHELKIT_ROLE"] == "participant"
    assert (trainer.port, moussa.port) == (24001, 24002), "each account its own port, by rank on the roster"


def test_a_busy_port_is_never_another_account_s():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert server_port(port - 1, 1, 3) == port + 2, "past every account's own port, not the next account's"
        assert server_port(port - 1, 0, 3) == port - 1


def test_make_hub_listens_on_loopback_unless_asked(tmp_path):
    command = make_hub_command(REPO, 8000, tmp_path / "p.csv", tmp_path / "x")
    assert command[command.index("--ip") + 1] == "127.0.0.1"
    assert command[1:4] == ["-m", "sahelkit.hub", "start"]
    import subprocess
    import sys
    out = subprocess.run(["make", "-n", "-C", str(REPO), "hub", "HUB_IP=0.0.0.0", f"VENV={sys.prefix}",
                          "-o", f"{sys.prefix}/.installed", "-o", f"{sys.prefix}/proxy/node_modules/.bin/"
                          "configurable-http-proxy"], capture_output=True, text=True).stdout
    assert "--ip 0.0.0.0" in out


def test_the_hub_s_language_reaches_every_server(tmp_path):
    """`sudo make hub LANG=en`: the command says so, and every server (participants' workspaces,
    the trainer's Formgrader) runs with SAHELKIT_LANG=en."""
    command = make_hub_command(REPO, 8000, tmp_path / "p.csv", tmp_path / "x", lang="en")
    assert command[command.index("--lang") + 1] == "en"
    assert "--lang" not in make_hub_command(REPO, 8000, tmp_path / "p.csv", tmp_path / "x")
    s = settings(tmp_path)
    s.language = "en"
    s.save(tmp_path)
    c = Config()
    apply(c, str(tmp_path / "reglages.json"))
    assert c.Spawner.environment["SAHELKIT_LANG"] == "en"
