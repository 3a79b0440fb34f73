"""The classroom's accounts: one system user per person of the roster, with a first password on a slip.

Why system users and PAM (JupyterHub's default authenticator) rather than the native or first-use
authenticators: each participant's server must run as a user of its own, so that the operating
system, not a setting, keeps one participant out of another's files, the solutions and the truth.
Those users exist anyway; PAM checks their password with nothing more to install or to keep in
sync, offline. A first-use authenticator lets whoever logs in first choose the password of any
name on the roster; a native one adds a sign-up page and an approval step the trainer does not need.

Every account this module makes is recorded in the server's state folder (comptes.json, readable
by root only, with the first password for reprinting a slip). `remove_accounts` removes those and
no other: a system user that was there before, with the same name, is refused, never adopted.
"""
from __future__ import annotations

import html
import json
import os
import re
import secrets
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from ..grading.collect import TRAINER_ROLE, Participant, UsageError, read_people
from ..i18n import _, language

TRAINERS_GROUP = "sahelkit-formateurs"
"""The trainers' system group: it gets the kit owner's rights on the kit (solutions, gradebook, truth)."""
PARTICIPANTS_GROUP = "sahelkit-participants"
"""Every participant's account is in it: the sign a user was made for the classroom."""
ACCOUNTS_FILE = "comptes.json"
SLIPS_FILE = "fiches-comptes.html"
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""No 0/o, 1/l/i: a password copied from paper by someone who has never typed one on this keyboard."""
PASSWORD_GROUPS = 3
PASSWORD_GROUP_LENGTH = 4
"""Three groups of four (31^12, about 10^18): out of reach of guessing through the login page."""
MAX_LOGIN = 32
"""The longest user name Linux's useradd accepts."""
LOGIN_PATTERN = re.compile(r"[a-z_][a-z0-9_.-]*")
"""What useradd accepts as a user name (Debian's default NAME_REGEX, with dots)."""


class AccountError(UsageError):
    """A roster entry or a system user the server cannot make an account of; the message is French."""


@dataclass
class Account:
    id: str
    name: str
    role: str
    password: str
    created: bool = True


def new_password() -> str:
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _letter in range(PASSWORD_GROUP_LENGTH))
                    for _group in range(PASSWORD_GROUPS))


def roster_people(roster: Path) -> dict[str, Participant]:
    """Everyone on the roster, each id checked to be a login Linux accepts; at least one trainer."""
    people = read_people(roster)
    for pid, person in people.items():
        if len(pid) > MAX_LOGIN or not LOGIN_PATTERN.fullmatch(pid):
            raise AccountError(_("{path}, line {line}: the id “{id}” cannot serve as an account (at most {max} "
                                 "characters, starting with a letter); shorten it").format(
                path=roster, line=person._row, id=pid, max=MAX_LOGIN))  # type: ignore[attr-defined]
    if not any(p.role == TRAINER_ROLE for p in people.values()):
        raise AccountError(_("{path}: no trainer in the list; add a column role and a line whose role is {role} "
                             "(their account opens Formgrader)").format(path=roster, role=_("“trainer”")))
    if not any(p.role != TRAINER_ROLE for p in people.values()):
        raise AccountError(_("{path}: no participant in the list").format(path=roster))
    return people


# --------------------------------------------------------------------------- the state file
def load_accounts(state: Path) -> dict[str, Account]:
    path = state / ACCOUNTS_FILE
    if not path.is_file():
        return {}
    return {pid: Account(**entry) for pid, entry in json.loads(path.read_text(encoding="utf-8")).items()}


def save_accounts(state: Path, accounts: dict[str, Account]) -> None:
    path = state / ACCOUNTS_FILE
    partial = path.with_name(path.name + ".part")
    partial.touch(mode=0o600)
    partial.write_text(json.dumps({k: asdict(v) for k, v in sorted(accounts.items())}, indent=1,
                                  ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


# --------------------------------------------------------------------------- system users
def _run(*cmd: str, stdin: str | None = None) -> None:
    proc = subprocess.run(cmd, input=stdin, text=True, capture_output=True)
    if proc.returncode != 0:
        raise AccountError(_("{command} failed ({code}): {error}").format(
            command=f"“{' '.join(cmd[:2])} ...”", code=proc.returncode, error=proc.stderr.strip()))


def user_exists(name: str) -> bool:
    import pwd
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def home_of(name: str) -> Path:
    import pwd
    return Path(pwd.getpwnam(name).pw_dir)


GROUPS_FILE = "groupes.json"
"""The system groups this server made (removed with the last account), beside the accounts."""


def ensure_group(name: str, state: Path | None = None) -> int:
    """The group's id, making the group (and recording it in `state`) when the machine has none."""
    import grp
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        _run("groupadd", "--system", name)
        if state is not None:
            path = state / GROUPS_FILE
            made = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
            path.write_text(json.dumps(sorted({*made, name})), encoding="utf-8")
        return grp.getgrnam(name).gr_gid


LOCK = Path("/run/lock/sahelkit-hub.lock") if Path("/run/lock").is_dir() else Path("/tmp/sahelkit-hub.lock")
"""Held while users and groups are made or removed: two servers on one machine (a test beside a
classroom) never remove a shared group between another's check and its use."""


def _machine_lock():
    import contextlib
    import fcntl

    @contextlib.contextmanager
    def held():
        with open(LOCK, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    return held()


def create_accounts(people: dict[str, Participant], state: Path) -> dict[str, Account]:
    """Make the system user of everyone on the roster who has none yet; return every account of the state.

    A name already taken by a system user this server did not make is refused before anything is
    created, so a bad roster changes nothing."""
    with _machine_lock():
        return _create_accounts(people, state)


def _create_accounts(people: dict[str, Participant], state: Path) -> dict[str, Account]:
    accounts = load_accounts(state)
    taken = sorted(pid for pid in people if user_exists(pid) and pid not in accounts)
    if taken:
        raise AccountError(_("these ids of the list are already users of this machine, which the classroom server "
                             "did not make: {ids}; change them in the list (for example by adding the initial of the "
                             "service) and run again").format(ids=", ".join(taken)))
    ensure_group(TRAINERS_GROUP, state)
    ensure_group(PARTICIPANTS_GROUP, state)
    for pid, person in people.items():
        group = TRAINERS_GROUP if person.role == TRAINER_ROLE else PARTICIPANTS_GROUP
        if pid in accounts and user_exists(pid):
            _run("usermod", "--append", "--groups", group, pid)
            continue
        account = Account(pid, person.name or pid, person.role, new_password())
        accounts[pid] = account
        save_accounts(state, accounts)  # recorded before it exists: a crash cannot leave an unknown user
        _run("useradd", "--create-home", "--shell", "/bin/bash", "--groups", group, pid)
        os.chmod(home_of(pid), 0o700)  # nobody else reads a participant's work
        _run("chpasswd", stdin=f"{pid}:{account.password}\n")
    return accounts


def processes_of(uid: int) -> list[int]:
    """The processes running as `uid` (read from /proc), to stop an account's server before removing it."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def stop_processes(name: str) -> None:
    """SIGKILL every process of an account this server made (its server, kernels, terminals)."""
    import pwd
    import signal
    import time
    uid = pwd.getpwnam(name).pw_uid
    for _attempt in range(50):
        pids = processes_of(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)


def remove_accounts(state: Path) -> list[str]:
    """Remove the system users this server made (and their homes), none other; return their names."""
    with _machine_lock():
        return _remove_accounts(state)


def _remove_accounts(state: Path) -> list[str]:
    accounts = load_accounts(state)
    removed = []
    for pid in sorted(accounts):
        if user_exists(pid):
            stop_processes(pid)
            _run("userdel", "--remove", pid)
            removed.append(pid)
        del accounts[pid]
        save_accounts(state, accounts)
    _remove_groups(state)
    return removed


def _remove_groups(state: Path) -> None:
    """Remove the groups this server made, once nobody is in them any more."""
    import grp
    path = state / GROUPS_FILE
    made = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    kept = []
    for name in made:
        try:
            group = grp.getgrnam(name)
        except KeyError:
            continue
        if group.gr_mem:
            kept.append(name)
        else:
            _run("groupdel", name)
    if kept:
        path.write_text(json.dumps(kept), encoding="utf-8")
    elif path.exists():
        path.unlink()


# --------------------------------------------------------------------------- the slips
def write_slips(path: Path, accounts: dict[str, Account], address: str, course: str) -> Path:
    """One HTML page the trainer prints and cuts: one slip per account, with the address to type."""
    e = html.escape
    slips = []
    for account in sorted(accounts.values(), key=lambda a: (a.role == TRAINER_ROLE, a.name.lower())):
        name = _("{name} (trainer)").format(name=account.name) if account.role == TRAINER_ROLE else account.name
        slips.append(
            '<div class="fiche">'
            f"<p class='nom'>{e(name)}</p>"
            "<p>" + _("Address to type in the browser: {address}").format(address=f"<b>{e(address)}</b>") + "</p>"
            "<p>" + _("Id: {id}").format(id=f"<code>{e(account.id)}</code>") + "</p>"
            "<p>" + _("Password: {password}").format(password=f"<code>{e(account.password)}</code>") + "</p>"
            "<p class='petit'>" + e(_("Keep this slip to yourself. The password is typed with its dashes.")) + "</p>"
            "</div>")
    page = (
        f"<!doctype html><html lang='{language()}'><head><meta charset='utf-8'>"
        "<title>" + e(_("Accounts of the class: {course}").format(course=course)) + "</title><style>"
        "body{font-family:sans-serif;margin:1cm} .fiche{border:1px dashed #000;padding:0.4cm;margin:0 0 0.3cm;"
        "page-break-inside:avoid} .nom{font-size:1.2em;font-weight:bold;margin:0 0 0.2cm} p{margin:0.1cm 0}"
        " code{font-size:1.3em} .petit{font-size:0.8em}</style></head><body>"
        "<h1>" + e(_("Accounts of the class ({course})").format(course=course)) + "</h1>"
        "<p>" + e(_("Print this page, cut along the dotted lines, give each person their slip.")) + "</p>"
        + "".join(slips) + "</body></html>")
    partial = path.with_name(path.name + ".part")
    partial.touch(mode=0o600)
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
    return path
