"""Start grading kernels by forking a process that has already imported the heavy libraries.

Each notebook nbgrader grades runs in a new kernel. Starting the kernel (ipykernel, IPython,
zmq) and running the notebook's first imports (pandas, matplotlib, networkx, sahelkit) take
about 2 s of CPU, two thirds of the cost of grading an exercise, and they are the same for every
notebook. So each `sahelkit grade` worker keeps one helper process, started once, that imports
all of that and waits; for every kernel, it forks a child that becomes a fresh IPython kernel
with the notebook's environment and folder. The kernel is new for every notebook, as with
nbgrader's own launcher: nothing a participant's code did survives into the next one.

Everything else is nbgrader's: its Execute preprocessor (time limit, interrupt, dead kernel)
drives the kernel through jupyter_client as usual; only the process launch differs. Linux only;
elsewhere, or with SAHELKIT_FORK_KERNELS=0, nbgrader launches its kernels itself.

    python -m sahelkit.grading.zygote      # the helper: reads one JSON request per line
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute

from ..i18n import _

# What the helper imports before forking: ipykernel, then what the exercises import.
PRELOAD = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "numpy", "pandas", "matplotlib.pyplot",
           "networkx", "scipy.sparse", "ipywidgets", "rapidfuzz", "phonenumbers", "sahelkit"]


def enabled() -> bool:
    """Linux only: macOS system libraries do not support fork() after they start threads."""
    return sys.platform.startswith("linux") and os.environ.get("SAHELKIT_FORK_KERNELS", "1") != "0"


# --------------------------------------------------------------------------- the helper process
def _reap(signum, frame) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict, helper_cwd: str) -> None:
    """In the forked child: take the kernel's environment, folder and arguments, run ipykernel."""
    os.setsid()  # its own process group, as jupyter_client's launcher does, for interrupts
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    if request.get("log"):  # where the worker's own stderr goes, as for a kernel it launched
        with suppress(OSError):
            os.dup2(os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644), 2)
    os.dup2(2, 1)  # the protocol pipe is not the kernel's: its stray prints go to the log
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    # as ipykernel_launcher: the launcher's folder leaves sys.path (IPython adds the notebook's)
    if sys.path and sys.path[0] in ("", helper_cwd):
        del sys.path[0]
    import numpy
    numpy.random.seed()  # a fresh process draws a new seed; a fork would share the helper's
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    from ipykernel import kernelapp
    kernelapp.launch_new_instance()


def serve() -> None:
    """The helper: import everything once, then fork one kernel per request line on stdin."""
    # the backend ipykernel chooses, set before matplotlib reads it at import
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the trainer's terminal stops the worker
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception as exc:  # a missing optional library is imported by the kernel instead
            print(_("zygote: {module} not preloaded: {error}").format(module=name, error=exc), file=sys.stderr)
    signal.signal(signal.SIGCHLD, _reap)
    helper_cwd = os.getcwd()
    out = sys.stdout
    print(json.dumps({"ready": os.getpid()}), file=out, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _become_kernel(request, helper_cwd)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                import traceback
                traceback.print_exc()
                code = 1
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        print(json.dumps({"pid": pid}), file=out, flush=True)


# --------------------------------------------------------------------------- the worker's side
class _Helper:
    """The helper process of this worker, started on first use."""

    _lock = threading.Lock()
    _proc: subprocess.Popen | None = None

    @classmethod
    def fork(cls, argv: list[str], env: dict, cwd: str) -> int:
        try:
            log = os.readlink("/proc/self/fd/2")  # the job's log while nbgrader runs (Linux)
        except OSError:
            log = ""
        with cls._lock:
            if cls._proc is None or cls._proc.poll() is not None:
                cls._proc = subprocess.Popen(
                    [sys.executable, "-m", "sahelkit.grading.zygote"], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
                    start_new_session=True)
                ready = cls._proc.stdout.readline()
                if not ready:
                    raise RuntimeError(_("the kernel helper process ({module}) did not start").format(
                        module="sahelkit.grading.zygote"))
            request = {"argv": argv, "env": env, "cwd": cwd, "log": log if log.startswith("/") else ""}
            cls._proc.stdin.write(json.dumps(request) + "\n")
            cls._proc.stdin.flush()
            reply = cls._proc.stdout.readline()
            if not reply:
                raise RuntimeError(_("the kernel helper process ({module}) stopped").format(
                    module="sahelkit.grading.zygote"))
            return int(json.loads(reply)["pid"])


class ForkedKernel:
    """What jupyter_client's LocalProvisioner needs of a kernel process (a subprocess.Popen's
    pid, poll, wait, send_signal, kill, terminate) for a kernel the helper forked. The helper,
    its parent, collects its exit; here a kernel is alive while its process exists and is not a
    zombie."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                alive = state not in ("Z", "X")
            except (FileNotFoundError, IndexError):
                try:
                    os.kill(self.pid, 0)
                    alive = True
                except ProcessLookupError:
                    alive = False
                except PermissionError:
                    alive = True
            if not alive:
                self.returncode = -1  # the exit code belongs to the helper; "ended" is what counts
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(["kernel", str(self.pid)], timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkingKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, with the kernel process forked by the helper."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        argv = list(kernel_cmd)
        ours = bool(argv) and os.path.abspath(argv[0]) == os.path.abspath(sys.executable)
        if not ours or "-f" not in argv or not any("ipykernel" in part for part in argv[:3]):
            # another kernel, or IPython in another Python environment: launched as usual
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        provisioner = self.provisioner
        env = dict(kw.get("env") or os.environ)
        env.setdefault("JPY_PARENT_PID", str(os.getpid()))
        cwd = str(kw.get("cwd") or os.getcwd())
        try:
            pid = _Helper.fork(argv[argv.index("-f"):], env, cwd)
        except (OSError, RuntimeError, ValueError) as exc:  # no helper: grade all the same, more slowly
            self.log.warning(_("sahelkit: kernel started without the helper process ({error})").format(error=exc))
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        provisioner.process = ForkedKernel(pid)
        provisioner.pid = provisioner.pgid = pid  # the child called setsid(): its own group
        provisioner.cwd = cwd
        self._reconcile_connection_info(provisioner.connection_info)


class ForkingExecute(Execute):
    """nbgrader's Execute preprocessor, whose kernels the helper forks."""

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = ForkingKernelManager
        super().__init__(*args, **kwargs)


if __name__ == "__main__":
    serve()
