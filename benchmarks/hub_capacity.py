"""How many participants one machine's classroom server holds: 16 sign in and run exercise 00 at once.

`make hub`'s command (through tests/helpers.start_hub, a copy of the kit, accounts it makes and
removes) serves 17 participants. One signs in alone first and runs exercise 00 (every part answered)
through its own server's kernel, as Run All does: the baseline, measured in the same run. Then 16
sign in at the same moment and do the same. Printed: the time from signing in to a ready server,
the Run All time and its ratio to the baseline (median and worst), and the memory each participant
takes (proportional set size of their server and kernel, shared libraries counted once).

    sudo make bench-hub    (or: sudo PYTHONPATH=src:. .venv/bin/python benchmarks/hub_capacity.py --participants 16)
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from sahelkit.grading import simulate
from sahelkit.hub.accounts import processes_of
from tests.helpers import COUNTRIES, make_course, python_crossable_by_all, start_hub, stop_hub

ASSIGNMENT = "00-get-started"


def answered_cells() -> list[str]:
    course = make_course(Path(tempfile.mkdtemp(prefix="sahelkit-bench-")), [ASSIGNMENT])
    try:
        nb = simulate.participant_notebook(course, ASSIGNMENT, ASSIGNMENT)
        return [c.source for c in nb.cells if c.cell_type == "code"]
    finally:
        shutil.rmtree(course, ignore_errors=True)


def sign_in(base: str, login: str, password: str) -> tuple[requests.Session, float]:
    """Sign in as a browser does, then wait for the account's server; seconds from sign-in to ready."""
    s = requests.Session()
    s.get(f"{base}/hub/login", timeout=60)
    started = time.monotonic()
    s.post(f"{base}/hub/login", data={"username": login, "password": password, "_xsrf": s.cookies.get("_xsrf")},
           timeout=600)
    while time.monotonic() - started < 600:
        # the hub's waiting page until the server is up; then JupyterLab, after the OAuth round trip
        r = s.get(f"{base}/user/{login}/lab", timeout=60)
        if r.ok and f"/user/{login}/lab" in r.url and "jupyter-config-data" in r.text:
            return s, time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(f"{login}: no server after 600 s")


async def _run_cells(base: str, login: str, s: requests.Session, cells: list[str]) -> float:
    xsrf = [c.value for c in s.cookies if c.name == "_xsrf" and c.path.startswith(f"/user/{login}")][0]
    kernel = s.post(f"{base}/user/{login}/api/kernels", json={"name": "python3"},
                    headers={"X-XSRFToken": xsrf}, timeout=120).json()
    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies if c.path.startswith(f"/user/{login}"))
    ws = await websocket_connect(HTTPRequest(
        f"{base.replace('http', 'ws')}/user/{login}/api/kernels/{kernel['id']}/channels",
        headers={"Cookie": cookie}), max_message_size=100 * 1024 * 1024)
    session = uuid.uuid4().hex
    started = time.monotonic()
    for code in cells:
        msg_id = uuid.uuid4().hex
        await ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": login, "session": session, "msg_type": "execute_request",
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        while True:
            reply = json.loads(await ws.read_message())
            if reply.get("msg_type") == "execute_reply" and reply["parent_header"].get("msg_id") == msg_id:
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"{login}: a cell failed: {reply['content'].get('evalue')}")
                break
    elapsed = time.monotonic() - started
    ws.close()
    return elapsed


def participant(base: str, login: str, password: str, cells: list[str], out: dict) -> None:
    try:
        s, ready = sign_in(base, login, password)
        run = asyncio.run(_run_cells(base, login, s, cells))
        out[login] = {"ready": ready, "run": run}
    except Exception as exc:  # reported with the figures, never hidden
        out[login] = {"error": f"{type(exc).__name__}: {exc}"}


def memory_mib(login: str) -> float:
    """Proportional set size of every process of the account, in MiB (shared pages split among users)."""
    import pwd
    total = 0
    for pid in processes_of(pwd.getpwnam(login).pw_uid):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--participants", type=int, default=16)
    args = p.parse_args()
    if os.geteuid() != 0:
        print("run as root: the classroom server makes system users", file=sys.stderr)
        return 2
    cells = answered_cells()
    logins = [f"bench.p{i:02d}" for i in range(args.participants + 1)]
    people = [("bench.trainer", "Awa", "Diop", "formateur")] + [(x, "P", x[-2:], "") for x in logins]
    base_dir = Path(tempfile.mkdtemp(prefix="sahelkit-hub-bench-"))
    base_dir.chmod(0o755)
    hub = None
    with python_crossable_by_all():
        try:
            hub = start_hub(base_dir, people, COUNTRIES[0])
            alone: dict = {}
            participant(hub.base, logins[0], hub.password(logins[0]), cells, alone)
            print(f"alone: {json.dumps(alone)}", flush=True)
            crowd: dict = {}
            threads = [threading.Thread(target=participant, args=(hub.base, x, hub.password(x), cells, crowd))
                       for x in logins[1:]]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            memory = {x: memory_mib(x) for x in logins}
            errors = {k: v["error"] for k, v in crowd.items() if "error" in v}
            ok = [v for v in crowd.values() if "error" not in v]
            base_run = alone[logins[0]]["run"]
            ready = sorted(v["ready"] for v in ok)
            runs = sorted(v["run"] for v in ok)
            print(f"\n{len(ok)} of {args.participants} participants at once on {os.cpu_count()} cores "
                  f"({os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB)")
            print(f"sign-in to ready server: alone {alone[logins[0]]['ready']:.1f} s; "
                  f"at once median {statistics.median(ready):.1f} s, worst {ready[-1]:.1f} s")
            print(f"Run All exercise 00: alone {base_run:.1f} s; at once median {statistics.median(runs):.1f} s "
                  f"(x{statistics.median(runs) / base_run:.1f}), worst {runs[-1]:.1f} s (x{runs[-1] / base_run:.1f})")
            crowd_mem = [memory[x] for x in logins[1:]]
            print(f"memory per participant (server + kernel, PSS): median {statistics.median(crowd_mem):.0f} MiB, "
                  f"max {max(crowd_mem):.0f} MiB; all {args.participants + 1}: {sum(memory.values()) / 1024:.1f} GiB")
            if errors:
                print(f"errors: {errors}")
            return 1 if errors else 0
        finally:
            if hub is not None:
                stop_hub(hub)
            shutil.rmtree(base_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
