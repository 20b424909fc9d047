"""Kernels forked from a warm process: each part still runs in a new process with an
empty namespace, gives the same bytes as a plainly started kernel, falls back to a
plain start, and dies with the build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import nbformat
import pytest

from lawreport import execute, kernel, pipeline
from lawreport.exceptions import BuildError, PartExecutionError
from conftest import ROOT, SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR

FORKING = hasattr(os, "pidfd_open") and sys.platform.startswith("linux")
needs_fork = pytest.mark.skipif(not FORKING, reason="kernels are forked on Linux only")


def _notebook(folder, name, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "lawreport", "display_name": "Python (lawreport)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src, id=f"c{i}") for i, src in enumerate(sources)]
    path = folder / name
    nbformat.write(nb, path)
    return path


def _text(nb, cell=0):
    return "".join(o.get("text", "") for o in nb.cells[cell].outputs)


@pytest.fixture(params=["fork", "plain"])
def start(request, monkeypatch):
    if request.param == "fork" and not FORKING:
        pytest.skip("kernels are forked on Linux only")
    monkeypatch.setenv(execute.KERNEL_START_ENV, request.param)
    return request.param


def test_a_name_defined_in_one_part_is_not_defined_in_the_next(tmp_path, start):
    first = _notebook(tmp_path, "01-a.ipynb", "leaked_name = 42\nimport os\nprint(os.getpid())")
    second = _notebook(tmp_path, "02-b.ipynb",
                       "import os\nprint(os.getpid())\n"
                       "assert 'leaked_name' not in globals()\n"
                       "try:\n    leaked_name\nexcept NameError:\n    print('clean')")
    a = execute.execute_part("a", first, tmp_path / "out-a.ipynb", {}, cwd=tmp_path)
    b = execute.execute_part("b", second, tmp_path / "out-b.ipynb", {}, cwd=tmp_path)
    pid_a, (pid_b, clean) = _text(a).split(), _text(b).split()
    assert clean == "clean" and pid_a[0] != pid_b


def test_a_kernel_namespace_holds_only_what_ipython_puts_there(tmp_path, start):
    nb = _notebook(tmp_path, "ns.ipynb",
                   "print(sorted(k for k in globals() if not k.startswith('_')))")
    out = execute.execute_part("ns", nb, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    names = set(eval(_text(out)))  # a list of names the kernel printed
    assert names <= {"In", "Out", "exit", "get_ipython", "open", "quit"}


@needs_fork
def test_kernels_are_forked_from_the_warm_process_unless_told_otherwise(tmp_path,
                                                                        monkeypatch):
    nb = _notebook(tmp_path, "pid.ipynb",
                   "import os, sys\nprint(os.getppid(), os.getcwd(), sys.path[0])")
    monkeypatch.setenv(execute.KERNEL_START_ENV, "fork")
    out = execute.execute_part("pid", nb, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    server = kernel.ForkServer.shared()
    assert _text(out).split() == [str(server.pid), str(tmp_path), str(tmp_path)]
    monkeypatch.setenv(execute.KERNEL_START_ENV, "plain")
    out = execute.execute_part("pid", nb, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    assert _text(out).split() == [str(os.getpid()), str(tmp_path), str(tmp_path)]


@needs_fork
def test_without_the_fork_server_kernels_start_the_plain_way(tmp_path, monkeypatch):
    def unavailable():
        raise kernel.ForkServerUnavailable("not here")

    monkeypatch.setenv(execute.KERNEL_START_ENV, "fork")
    monkeypatch.setattr(kernel.ForkServer, "shared", staticmethod(unavailable))
    nb = _notebook(tmp_path, "pid.ipynb", "import os\nprint(os.getppid())")
    out = execute.execute_part("pid", nb, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    assert _text(out).strip() == str(os.getpid())


@needs_fork
def test_forked_and_plain_kernels_write_the_same_notebook(tmp_path, monkeypatch):
    params = {"org": SAMPLE_ORG, "year": SAMPLE_YEAR, "data_dir": str(SAMPLE_DATA),
              "out_dir": str(tmp_path / "figures"), "catalog_files": []}
    written = {}
    for mode in ("fork", "plain"):
        monkeypatch.setenv(execute.KERNEL_START_ENV, mode)
        target = tmp_path / f"{mode}.ipynb"
        execute.execute_part("measures", ROOT / "notebooks" / "01-measures.ipynb", target,
                             params, cwd=ROOT / "notebooks")
        written[mode] = target.read_bytes()
    assert b"image/png" in written["fork"]
    assert written["fork"] == written["plain"]


@needs_fork
def test_a_kernel_that_dies_fails_its_part(tmp_path, monkeypatch):
    monkeypatch.setenv(execute.KERNEL_START_ENV, "fork")
    nb = _notebook(tmp_path, "dead.ipynb", "x = 1", "import os\nos._exit(3)")
    with pytest.raises(PartExecutionError, match="DeadKernelError"):
        execute.execute_part("dead", nb, tmp_path / "out.ipynb", {}, cwd=tmp_path)


@needs_fork
def test_forked_kernels_run_without_the_debugger_and_plain_ones_keep_it(tmp_path,
                                                                     monkeypatch):
    nb = _notebook(tmp_path, "dbg.ipynb",
                   "import sys\nprint(sys.modules.get('debugpy') is None)")
    seen = {}
    for mode in ("fork", "plain"):
        monkeypatch.setenv(execute.KERNEL_START_ENV, mode)
        out = execute.execute_part("dbg", nb, tmp_path / f"{mode}.ipynb", {}, cwd=tmp_path)
        seen[mode] = _text(out).strip()
    assert seen == {"fork": "True", "plain": "False"}


def test_the_kernel_manager_does_not_sleep_after_a_start_or_a_shutdown(tmp_path, start,
                                                                        monkeypatch):
    # jupyter_client's pending-state wrapper sleeps 10 ms after each (for its tests)
    import asyncio

    slept, real_sleep = [], asyncio.sleep

    async def sleep(delay, *args, **kwargs):
        slept.append(delay)
        return await real_sleep(delay, *args, **kwargs)

    monkeypatch.setattr(asyncio, "sleep", sleep)

    async def run():
        km = execute.kernel_manager_class()(kernel_name=execute.KERNEL_NAME)
        await km.start_kernel(cwd=str(tmp_path))
        started = km.ready.done() and km.ready.exception() is None and await km.is_alive()
        await km.shutdown_kernel(now=True)
        return started, km.ready.done(), await km.is_alive()

    assert asyncio.run(run()) == (True, True, False)
    assert 0.01 not in slept


def test_a_refused_start_is_the_managers_ready_exception(tmp_path):
    import asyncio

    bound = pipeline.NotebookBound(1)
    bound._stopped.set()

    async def run():
        km = execute.kernel_manager_class(bound)(kernel_name=execute.KERNEL_NAME)
        with pytest.raises(BuildError, match="stopped"):
            await km.start_kernel(cwd=str(tmp_path))
        return km.ready.exception()

    assert isinstance(asyncio.run(run()), BuildError)


def test_a_stopped_batch_starts_no_kernel(tmp_path, start):
    bound = pipeline.NotebookBound(1)
    bound._stopped.set()  # what stop() does first, without ending this process's server
    nb = _notebook(tmp_path, "x.ipynb", "print('ran')")
    with pytest.raises(BuildError, match="stopped"):
        execute.execute_part("x", nb, tmp_path / "out.ipynb", {}, cwd=tmp_path, bound=bound)


@needs_fork
def test_a_part_whose_fork_server_a_stop_closed_does_not_start_a_plain_kernel(
        tmp_path, monkeypatch):
    # the race of a Ctrl-C: the part passed the stop check, then the stop closed the
    # server its kernel was to be forked from
    bound = pipeline.NotebookBound(1)

    def closed_by_the_stop():
        bound._stopped.set()
        raise kernel.ForkServerUnavailable("the fork server exited")

    monkeypatch.setenv(execute.KERNEL_START_ENV, "fork")
    monkeypatch.setattr(execute, "start_fork_server", lambda: False)  # not started early
    monkeypatch.setattr(kernel.ForkServer, "shared", staticmethod(closed_by_the_stop))
    nb = _notebook(tmp_path, "x.ipynb", "print('ran')")
    with pytest.raises(BuildError, match="stopped"):
        execute.execute_part("x", nb, tmp_path / "out.ipynb", {}, cwd=tmp_path, bound=bound)
    # without a stop, the same unavailable server sends the part to the plain start
    monkeypatch.setattr(kernel.ForkServer, "shared", staticmethod(
        lambda: (_ for _ in ()).throw(kernel.ForkServerUnavailable("not here"))))
    out = execute.execute_part("x", nb, tmp_path / "out.ipynb", {}, cwd=tmp_path,
                               bound=pipeline.NotebookBound(1))
    assert _text(out).strip() == "ran"


@needs_fork
def test_a_server_still_warming_up_is_killed_when_it_is_closed():
    server = kernel.ForkServer()
    server.close()  # at once: it is still importing what kernels need
    assert server._proc.returncode == -signal.SIGKILL


def test_a_process_with_threads_is_not_forked():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert "threads" in kernel._fork_unsafe()
    finally:
        stop.set()
        t.join()


def _processes_with(marker):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                if marker in fh.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


@needs_fork
def test_a_killed_build_leaves_no_kernel_and_no_fork_server_behind(tmp_path):
    data = tmp_path / "data"
    (data / SAMPLE_ORG).mkdir(parents=True)
    shutil.copy(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", data / SAMPLE_ORG)
    marker = f"lawreport-test-{uuid.uuid4().hex}"
    env = dict(os.environ, LAWREPORT_TEST_MARK=marker, LAWREPORT_KERNEL_START="fork")
    proc = subprocess.Popen([sys.executable, "-m", "lawreport", "build", "--data", data,
                             "--org", SAMPLE_ORG, "--year", str(SAMPLE_YEAR), "--out",
                             tmp_path / "out"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    mark = marker.encode()
    deadline = time.monotonic() + 120
    # wait for the fork server and a kernel of this build (its processes carry the marker)
    while len(_processes_with(mark)) < 3 and time.monotonic() < deadline \
            and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before its kernels were seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while _processes_with(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(mark) == []
