"""Kernels forked by sahelkit.grading.zygote behave as kernels nbgrader launches itself."""
from __future__ import annotations

import os
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from sahelkit.grading import zygote

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked kernels: Linux only")


def run(cells: list[str], folder, **kw) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    kw.setdefault("timeout", 60)
    NotebookClient(nb, kernel_manager_class=zygote.ForkingKernelManager,
                   resources={"metadata": {"path": str(folder)}}, **kw).execute()
    return nb


def text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_a_forked_kernel_is_new_each_time(tmp_path, monkeypatch):
    monkeypatch.setenv("SAHELKIT_ZYGOTE_TEST", "visible")
    first = run(["leftover = 42\nimport numpy as np\nprint(np.random.randint(1 << 30))"], tmp_path)
    second = run(["print('leftover' in globals())",
                  "import numpy as np\nprint(np.random.randint(1 << 30))",
                  "import os\nprint(os.getcwd()); print(os.environ.get('SAHELKIT_ZYGOTE_TEST'))"], tmp_path)
    assert text(second.cells[0]).strip() == "False", "a variable survived into the next kernel"
    assert text(first.cells[0]) != text(second.cells[1]), "two kernels drew the same random numbers"
    cwd, env = text(second.cells[2]).split()
    assert os.path.samefile(cwd, tmp_path), "the kernel does not run in the notebook's folder"
    assert env == "visible", "the kernel did not get the grading process's environment"


def test_figures_are_shown_inline_as_in_a_normal_kernel(tmp_path):
    nb = run(["import matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [1, 2]);"], tmp_path)
    assert any("image/png" in o.get("data", {}) for o in nb.cells[0].outputs), "no inline figure"


def test_an_endless_loop_is_interrupted(tmp_path):
    nb = run(["import time\nwhile True:\n    time.sleep(0.01)", "print('after')"], tmp_path,
             allow_errors=True, timeout=3, interrupt_on_timeout=True)
    assert any(o.output_type == "error" for o in nb.cells[0].outputs)
    assert text(nb.cells[1]).strip() == "after", "the kernel did not survive the interrupt"


def test_a_kernel_that_exits_is_seen_dead(tmp_path):
    from nbclient.exceptions import DeadKernelError
    with pytest.raises(DeadKernelError):
        run(["import os\nos._exit(1)", "print('never')"], tmp_path)


def test_fork_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("SAHELKIT_FORK_KERNELS", "0")
    assert not zygote.enabled()
    monkeypatch.setenv("SAHELKIT_FORK_KERNELS", "1")
    assert zygote.enabled()


def test_a_kernel_of_another_python_is_launched_as_usual(tmp_path, monkeypatch):
    """A kernelspec pointing at another interpreter must not get the helper's Python."""
    import asyncio

    launched = []

    async def usual(self, kernel_cmd, **kw):
        launched.append(kernel_cmd)
        raise RuntimeError("stop here")

    monkeypatch.setattr(zygote.AsyncKernelManager, "_async_launch_kernel", usual)
    km = zygote.ForkingKernelManager(kernel_name="python3")
    other = ["/opt/other-python/bin/python", "-m", "ipykernel_launcher", "-f", str(tmp_path / "k.json")]
    with pytest.raises(RuntimeError, match="stop here"):
        asyncio.run(km._async_launch_kernel(other))
    assert launched == [other]


def test_the_kernel_is_the_helper_s_child_with_libraries_already_imported(tmp_path):
    nb = run(["import os, sys\nprint(os.getppid(), 'pandas' in sys.modules)"], tmp_path)
    parent, preloaded = text(nb.cells[0]).split()
    assert int(parent) == zygote._Helper._proc.pid, "the kernel was not forked by the helper"
    assert preloaded == "True", "the helper's imports did not reach the kernel"


def test_without_the_helper_the_kernel_is_launched_as_usual(tmp_path, monkeypatch):
    """If the helper cannot start, the notebook is still graded, by nbgrader's own launcher."""
    def broken(*args, **kwargs):
        raise RuntimeError("helper unavailable")

    monkeypatch.setattr(zygote._Helper, "fork", broken)
    nb = run(["import os\nprint(os.getpid())"], tmp_path)
    assert text(nb.cells[0]).strip().isdigit()
