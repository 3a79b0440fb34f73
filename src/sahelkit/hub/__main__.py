"""The classroom server's commands (run by `make hub`, as root):

    python -m sahelkit.hub start --roster participants.csv [--ip 0.0.0.0] [--port 8000] --proxy PATH
    python -m sahelkit.hub password aminata.traore      # a new first password, and its slip
    python -m sahelkit.hub remove-accounts              # after the workshop: the accounts it made, no other

`start` makes the accounts of the roster, gives the kit its classroom rights, checks as a
participant that the kit's Python runs and that solutions/ and truth/ are refused, writes the
slips, prints the address, then becomes JupyterHub (the same process: Ctrl-C stops the hub, the
proxy and every participant's server).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from ..cli import KitParser
from ..grading.collect import TRAINER_ROLE, UsageError
from ..i18n import ENV, LANGUAGES, LanguageError, _, language, ngettext
from . import accounts as acc
from .config import SERVER_PORTS, HubSettings
from .permissions import lock_kit, unreachable_parents

STATE = "serveur-classe"
"""The server's own folder in the kit (git-ignored): database, secrets, accounts, slips."""
EXCHANGE = "/srv/nbgrader/exchange"
"""nbgrader's own default exchange folder, shared by every account."""
EXCHANGE_MODE = 0o3777
"""As nbgrader asks of a shared exchange: everyone writes, nobody removes another's files (sticky); what
is made in it belongs to the trainers' group (setgid), so that any trainer collects what another released."""
DEFAULT_PORT = 8000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def addresses(ip: str, port: int) -> list[str]:
    """The addresses participants type: the machine's own on the classroom network when listening on all."""
    if ip not in ("0.0.0.0", ""):
        return [f"http://{ip}:{port}/"]
    found = []
    if shutil.which("hostname"):
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
        found = [a for a in out if ":" not in a]
    return [f"http://{a}:{port}/" for a in found] or [_("http://<address of this machine>:{port}/").format(port=port)]


def _state(args) -> Path:
    return Path(args.state).resolve() if args.state else Path(args.kit).resolve() / STATE


def _require_root() -> None:
    if os.geteuid() != 0:
        raise UsageError(_("the classroom server runs as root (sudo make hub): it makes a system account for each "
                           "person of the list and runs everyone's JupyterLab under their account"))


def closed_folders(kit: Path, python: Path, src: Path) -> list[tuple[str, Path, Path]]:
    """(what, path, closed folder above it) for each place every account must reach and cannot:
    the kit, its venv, the Python the venv was made from (a pyenv under /root, say), the package."""
    places = ((_("the kit"), kit), (_("the kit's venv"), python.parent),
              (_("the venv's Python"), Path(os.path.realpath(python))),
              (_("Python's library"), Path(sys.base_prefix)), (_("the sahelkit package"), src))
    return [(what, path, blocked[0]) for what, path in places if (blocked := unreachable_parents(path))]


def _check_reachable(kit: Path, python: Path, src: Path) -> None:
    closed = closed_folders(kit, python, src)
    if closed:
        what, path, folder = closed[0]
        raise UsageError(_("{what} ({path}) is in {folder}, which the participants' accounts cannot go through. "
                           "Install the kit and its Python elsewhere: for example git clone ... /srv/sahelkit then, "
                           "in that folder, make clean-venv and sudo make hub PYTHON=/usr/bin/python3 (the venv is "
                           "made again with the system's Python)").format(what=what, path=path, folder=folder))


def check_as(user: str, kit: Path, python: Path, src: Path, country: str) -> list[str]:
    """Run the kit's Python as `user`: it must start, import the kit, and be refused the trainer's files.

    Returns what went wrong, in the workshop's language (empty: all is well). The same checks the browser
    test makes."""
    secret = [kit / "solutions", kit / "datasets" / country / "truth", kit / "grader_config.py"]
    code = ("import sys, jupyterhub, sahelkit, pathlib\n"
            "for p in sys.argv[1:]:\n"
            "    try:\n"
            "        q = pathlib.Path(p); list(q.iterdir()) if q.is_dir() else q.read_bytes(); print('LU', p)\n"
            "    except PermissionError:\n"
            "        pass\n")
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    proc = subprocess.run([runuser, "-u", user, "--", str(python), "-c", code, *map(str, secret)],
                          capture_output=True, text=True, env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
                          cwd="/")
    if proc.returncode != 0:
        return [_("the kit's Python does not start under the account {user}: {error}").format(
            user=user, error=proc.stderr.strip()[-500:])]
    return [_("the account {user} reads {path}").format(user=user, path=line[3:])
            for line in proc.stdout.splitlines() if line.startswith("LU ")]


def start(args) -> int:
    _require_root()
    from ..countries import resolve_country

    kit = Path(args.kit).resolve()
    state = _state(args)
    python = Path(sys.executable)
    import sahelkit
    src = Path(sahelkit.__file__).resolve().parents[1]
    proxy = Path(args.proxy).resolve()
    if not os.access(proxy, os.X_OK):
        raise UsageError(_("{path}: configurable-http-proxy not found; {command} installs it (npm)").format(
            path=proxy, command="`make hub`"))
    country = resolve_country(args.country or os.environ.get("SAHELKIT_COUNTRY") or None)
    if args.lang:
        os.environ[ENV] = args.lang
    try:
        language()  # checked before any account is made
    except LanguageError as err:
        raise UsageError(str(err)) from None
    if not (kit / "datasets" / country / "profile.yaml").is_file():
        raise UsageError(_("{folder}: no data for this country; {command}, or choose another country "
                           "(SAHELKIT_COUNTRY)").format(folder=kit / "datasets" / country,
                                                        command=f"sahelkit generate --country {country}"))
    _check_reachable(kit, python, src)
    people = acc.roster_people(Path(args.roster))

    os.umask(0o077)  # the database, secrets and passwords of the server: root's alone (JupyterHub's too)
    state.mkdir(parents=True, exist_ok=True)
    os.chown(state, 0, 0)
    os.chmod(state, 0o711)
    accounts = acc.create_accounts(people, state)
    trainers = sorted(p for p, person in people.items() if person.role == TRAINER_ROLE)
    participants = sorted(p for p in people if p not in trainers)
    trainers_gid = acc.ensure_group(acc.TRAINERS_GROUP, state)
    exchange = Path(args.exchange)
    exchange.mkdir(parents=True, exist_ok=True)
    os.chown(exchange, 0, trainers_gid)
    os.chmod(exchange, EXCHANGE_MODE)
    lock_kit(kit, trainers_gid, skip=(state, exchange))
    problems = check_as(participants[0], kit, python, src, country)
    if problems:
        raise UsageError(_("checking the rights: {problems}").format(problems=_("; ").join(problems)))
    print(_("Checked under the account {user}: the kit's Python starts, solutions/ and truth/ are refused.").format(
        user=participants[0]))

    settings = HubSettings(kit=str(kit), state=str(state), exchange=str(exchange), country=country,
                           language=language(), ip=args.ip,
                           port=args.port, hub_port=_free_port(), proxy_api_port=_free_port(), proxy=str(proxy),
                           python=str(python), src=str(src), trainers=trainers, participants=participants,
                           server_ports=args.server_ports)
    config = settings.save(state)
    where = addresses(args.ip, args.port)
    slips = _slips(state, {p: accounts[p] for p in people}, where[0])
    print(_("Accounts: {participants}, {trainers} ({names}).").format(
        participants=ngettext("{n} participant", "{n} participants", len(participants)).format(n=len(participants)),
        trainers=ngettext("{n} trainer", "{n} trainers", len(trainers)).format(n=len(trainers)),
        names=", ".join(trainers)))
    print(_("Slips to print and cut (id and first password): {path}").format(path=slips))
    print(_("Country of the data: {country}. nbgrader exchange: {folder}.").format(country=country, folder=exchange))
    print(_("The participants type in their browser: {addresses}").format(addresses=_("  or  ").join(where)))
    if args.ip == "127.0.0.1":
        print(_("(This address only works on this machine; for the classroom: {command})").format(
            command="make hub HUB_IP=0.0.0.0"))
    print(_("Stop: Ctrl-C (also stops everyone's JupyterLab; their work stays in their folder)."))
    sys.stdout.flush()
    os.execv(str(python), [str(python), "-m", "jupyterhub", "-f", str(config)])
    return 0  # not reached


def _slips(state: Path, accounts: dict, address: str) -> Path:
    path = acc.write_slips(state / acc.SLIPS_FILE, accounts, address, "sahel-ci")
    owner = os.environ.get("SUDO_UID")
    if owner and owner.isdigit():  # `sudo make hub`: the trainer's own desktop account opens the slips
        os.chown(path, int(owner), -1)
    return path


def password(args) -> int:
    _require_root()
    state = _state(args)
    accounts = acc.load_accounts(state)
    if args.id not in accounts:
        raise UsageError(_("{id}: no account of this name made by the classroom server (accounts: {accounts})")
                         .format(id=args.id, accounts=", ".join(sorted(accounts)) or _("none")))
    account = accounts[args.id]
    account.password = acc.new_password()
    acc._run("chpasswd", stdin=f"{account.id}:{account.password}\n")
    acc.save_accounts(state, accounts)
    settings = HubSettings.load(state / "reglages.json") if (state / "reglages.json").is_file() else None
    address = addresses(settings.ip, settings.port)[0] if settings else _("(address of the server)")
    slip = acc.write_slips(state / f"fiche-{account.id}.html", {account.id: account}, address, "sahel-ci")
    print(_("New password of {id}: {password}  (slip: {path})").format(id=account.id, password=account.password,
                                                                        path=slip))
    return 0


def remove(args) -> int:
    _require_root()
    removed = acc.remove_accounts(_state(args))
    print(_("Accounts removed (with their home folder): {accounts}.").format(
        accounts=", ".join(removed) or _("none")))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = KitParser(prog="python -m sahelkit.hub", description=_("the classroom server (JupyterHub)"))
    sub = p.add_subparsers(dest="command", required=True)
    for name, helptext in (("start", _("make the accounts and start the server")),
                           ("password", _("give an account a new password")),
                           ("remove-accounts", _("remove the accounts made by the server, and only those"))):
        q = sub.add_parser(name, help=helptext)
        q.add_argument("--kit", default=".", help=_("root of the kit (default: current folder)"))
        q.add_argument("--state", help=_("folder of the server (default: {folder})").format(folder=f"<kit>/{STATE}"))
        if name == "start":
            q.add_argument("--roster", required=True, help=_("list of the participants and trainers (CSV)"))
            q.add_argument("--ip", default="127.0.0.1", help=_("address to listen on (0.0.0.0: the classroom network)"))
            q.add_argument("--port", type=int, default=DEFAULT_PORT, help=_("port (default: %(default)s)"))
            q.add_argument("--proxy", required=True, help=_("the configurable-http-proxy command"))
            q.add_argument("--exchange", default=EXCHANGE,
                           help=_("nbgrader's exchange folder (default: %(default)s)"))
            q.add_argument("--country", help=_("country of the data (default: SAHELKIT_COUNTRY, else the first)"))
            q.add_argument("--lang", choices=LANGUAGES,
                           help=_("the workshop's language (default: SAHELKIT_LANG, else fr)"))
            q.add_argument("--server-ports", type=int, default=SERVER_PORTS,
                           help=_("first port of everyone's JupyterLab, on 127.0.0.1 (default: %(default)s)"))
        if name == "password":
            q.add_argument("id", help=_("id of the account"))
    args = p.parse_args(argv)
    try:
        return {"start": start, "password": password, "remove-accounts": remove}[args.command](args)
    except UsageError as exc:
        print(_("sahelkit hub: {error}").format(error=exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
