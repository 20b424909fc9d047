"""The ``lawreport`` Jupyter kernel: ipykernel, with the report's libraries preloaded.

``python -m lawreport.kernel -f CONNECTION_FILE`` imports pandas, matplotlib and
lawreport's notebook helpers into ``sys.modules`` before the kernel starts, so
a part notebook's import cell costs nothing while the kernel's namespace stays
empty: every part still runs in a clean state. This is how JupyterLab and
plain ``papermill`` start it (``kernelspecs/lawreport/kernel.json``).

The fork server
---------------
A build starts its kernels faster, through :class:`ForkServer` (used by the
kernel manager of :mod:`lawreport.execute`): one warm process per build
process (``python -m lawreport.kernel --fork-server FD``) imports everything a
kernel needs once (pandas, matplotlib, ipykernel, lawreport), reads the
shipped catalogue and outlines, draws a throw-away chart, and then forks a
kernel for each part notebook. A forked kernel is a new process that has run
no user code: ipykernel starts in it as it would in a fresh interpreter, with
an empty user namespace; only the module imports and lawreport's caches keyed
by file content are inherited.

Fork-safety: the server holds no zmq context, event loop or thread other than
the main one (BLAS libraries are told to start none: ``OPENBLAS_NUM_THREADS=1``)
and no open file besides its socket: it refuses to fork otherwise, and the
build falls back to starting kernels the plain way. A forked kernel opens its
own font files, starts its own session (``setsid``) and dies with the server
(``PR_SET_PDEATHSIG`` and ipykernel's parent poller); the server kills its
kernels and exits when the build process that started it goes away (the end of
its socket). The build process tracks each kernel through a pidfd (Linux 5.3+).
"""

import os
import sys
import threading

#: Environment of the fork server: no BLAS or OpenMP thread pools before a fork.
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                     "MKL_NUM_THREADS": "1"}


def _preload():
    os.environ.setdefault("MPLBACKEND", "agg")
    import lawreport.notebook  # noqa: F401  (pulls in pandas and matplotlib)
    from lawreport.charts import setup_font

    try:
        setup_font()
    except Exception:  # a missing font is reported where a chart is drawn
        pass


def main():
    _preload()
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()


# -- the server side ------------------------------------------------------------------


#: Modules a kernel imports as it starts and runs a part notebook (besides those of
#: :func:`_preload`): imported once in the fork server.
_KERNEL_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "ipykernel.comm", "ipykernel.eventloops", "matplotlib.figure",
    "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.logger",
    "IPython.core.oinspect", "IPython.extensions.storemagic", "IPython.utils.wildcard",
    "tornado.gen", "tornado.locks", "tornado.queues", "tornado.platform.asyncio",
    "zmq.utils.garbage", "sqlite3", "pdb", "pydoc", "code", "http.client", "xmlrpc.client",
    "mimetypes", "pkgutil", "email.parser", "encodings.idna",
    "pandas.io.formats.html", "pandas.io.formats.string", "matplotlib.backends.backend_agg",
    "lawreport.api", "lawreport.history", "lawreport.document", "lawreport.check", "faulthandler",
    "runpy")


def _warm():
    """Import and exercise once what every kernel needs, in the server before it forks."""
    import gc
    import importlib

    gc.disable()  # imports make objects to keep, not garbage: no collections meanwhile
    # A build's kernels run no debugger: without debugpy (a twentieth of a second to
    # import) ipykernel starts them without one, as it does where debugpy is missing.
    # JupyterLab's kernels start the plain way, debugger included.
    sys.modules.setdefault("debugpy", None)
    _preload()

    from matplotlib import font_manager

    for name in _KERNEL_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # an optional module of ipykernel or lawreport
            pass

    from lawreport import catalog, charts

    try:  # the shipped catalogue and outlines, parsed once for every kernel
        catalog.load_catalog()
        for name in catalog.shipped_outlines():
            catalog.load_outline(name)
    except Exception:
        pass
    try:  # the lazy imports and caches of a first chart
        import pandas as pd

        charts.trend_png(pd.DataFrame({"年度数据": [1, 2]}, index=[2021, 2022]),
                         {"年度数据": "件"})
    except Exception:
        pass
    # FT2Font reads its file through a file object: a forked copy would share its
    # offset with the other kernels, so each kernel opens the fonts anew.
    font_manager._get_font.cache_clear()
    # the warm state stays out of every kernel's collections; what little garbage the
    # imports left is frozen with it rather than collected (a collection of all this
    # costs a twentieth of a second before the first kernel can start)
    gc.freeze()
    gc.enable()


def _fork_unsafe():
    """Why this process must not fork now, or None."""
    if threading.active_count() > 1:
        return f"{threading.active_count()} threads"
    try:
        if len(os.listdir("/proc/self/task")) > 1:
            return "native threads"
    except OSError:
        pass
    zmq = sys.modules.get("zmq")
    if zmq is not None and getattr(zmq.Context, "_instance", None) is not None:
        return "a zmq context"
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        local = getattr(asyncio.get_event_loop_policy(), "_local", None)
        if asyncio.events._get_running_loop() or getattr(local, "_loop", None):
            return "an event loop"
    files = _open_files()
    if files:
        return f"open files ({', '.join(files)})"
    return None


def _open_files():
    """Regular files this process holds open beyond stdin, stdout and stderr."""
    out = []
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return out
    for fd in fds:
        if int(fd) <= 2:
            continue
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # the descriptor of the listing itself
        if target.startswith("/") and not target.startswith(("/dev/", "/proc/")):
            out.append(target)
    return out


def _set_pdeathsig():
    """Ask Linux to kill this process when its parent (the server) exits."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # ipykernel's parent poller still ends the kernel
        pass


def _child(request, server_pid, conn):
    """The forked kernel: never returns."""
    import signal

    code = 1
    try:
        os.setsid()
        _set_pdeathsig()
        if os.getppid() != server_pid:
            os._exit(1)
        conn.close()
        # the dispositions of a fresh interpreter
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        if request.get("cwd"):
            os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(server_pid)
        # what ``python -m lawreport.kernel`` started in this folder would have
        if sys.path and sys.path[0] == _START_DIR:
            sys.path[0] = os.getcwd()
        # ipykernel reads JPY_PARENT_PID when it is imported: here, before the fork
        sys.argv = [sys.argv[0], *request["args"], f"--IPKernelApp.parent_handle={server_pid}"]
        numpy = sys.modules.get("numpy")
        if numpy is not None:  # its own random state, as a new interpreter has
            numpy.random.seed()
        _preload()
        from ipykernel.kernelapp import launch_new_instance

        launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _serve(fd):
    """The fork server's loop on the socket ``fd`` (SOCK_SEQPACKET)."""
    import json
    import select
    import signal
    import socket

    conn = socket.socket(fileno=fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build process decides
    try:
        _warm()
        why = _fork_unsafe()
    except BaseException as exc:
        why = f"warm-up failed: {type(exc).__name__}: {exc}"
    conn.send(json.dumps({"ready": why is None, "why": why, "pid": os.getpid()}).encode())
    if why is not None:
        return
    server_pid = os.getpid()
    kernels, status = set(), {}

    def reap(which=-1):
        """Collect the exit status of ended kernels (of ``which`` only, if given)."""
        while kernels:
            try:
                pid, st = os.waitpid(which, os.WNOHANG)
            except ChildProcessError:
                kernels.discard(which)
                return
            if pid == 0:
                return
            kernels.discard(pid)
            status[pid] = os.waitstatus_to_exitcode(st)
            if which != -1:
                return

    try:
        while True:
            ready, _w, _x = select.select([conn], [], [], 0.5)
            reap()
            if not ready:
                continue
            msg = conn.recv(1 << 20)
            if not msg:
                break  # the build process has gone
            req = json.loads(msg)
            if req["op"] == "status":
                pid = req["pid"]
                if pid in kernels:
                    reap(pid)
                conn.send(json.dumps({"status": status.pop(pid, None)}).encode())
                continue
            why = _fork_unsafe()
            if why:
                conn.send(json.dumps({"error": f"cannot fork: {why}"}).encode())
                continue
            sys.stdout.flush()  # nothing buffered here is written twice
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(req, server_pid, conn)
            kernels.add(pid)
            pidfd = os.pidfd_open(pid)
            try:
                socket.send_fds(conn, [json.dumps({"pid": pid}).encode()], [pidfd])
            finally:
                os.close(pidfd)
    finally:
        import time

        for pid in list(kernels):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        deadline = time.monotonic() + 10
        while kernels and time.monotonic() < deadline:
            reap()
            time.sleep(0.01)


# -- the build side ---------------------------------------------------------------------


class ForkServerUnavailable(Exception):
    """The fork server cannot start kernels here; start them the plain way."""


class ForkServer:
    """A warm process of this interpreter that forks ``lawreport`` kernels on request.

    Thread-safe; one per process (:meth:`shared`). Closing it (or the end of
    this process) makes the server kill the kernels it started and exit.
    """

    _shared = None
    _shared_pid = None

    def __init__(self):
        import socket
        import subprocess

        if not hasattr(os, "pidfd_open") or not hasattr(socket, "send_fds"):
            raise ForkServerUnavailable("no pidfd_open on this system")
        self._lock = threading.Lock()
        self._sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ, **SINGLE_THREAD_ENV)
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "lawreport.kernel", "--fork-server",
                 str(theirs.fileno())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env,
                start_new_session=True)
        finally:
            theirs.close()
        self._ready = None

    @classmethod
    def shared(cls):
        """This process's server, started on first use; raises ForkServerUnavailable."""
        import atexit

        with _SHARED_LOCK:
            if cls._shared_pid != os.getpid():  # none yet, or inherited over a fork
                cls._shared, cls._shared_pid = None, os.getpid()
            if cls._shared is None:
                try:
                    cls._shared = cls()
                except ForkServerUnavailable as exc:
                    cls._shared = exc
                except OSError as exc:
                    cls._shared = ForkServerUnavailable(str(exc))
                else:
                    atexit.register(cls._shared.close)
            server = cls._shared
        if isinstance(server, ForkServerUnavailable):  # a new one: no traceback piles up
            raise ForkServerUnavailable(str(server))
        return server

    def _wait_ready(self):
        import json

        if self._ready is None:
            self._sock.settimeout(120)
            try:
                msg = self._sock.recv(1 << 16)
                hello = json.loads(msg) if msg else {"ready": False, "why": "it exited"}
            except (OSError, ValueError) as exc:
                hello = {"ready": False, "why": str(exc)}
            finally:
                self._sock.settimeout(None)
            self._ready = hello
            self.pid = hello.get("pid")
        if not self._ready.get("ready"):
            raise ForkServerUnavailable(f"the fork server is not ready: {self._ready['why']}")

    def start_kernel(self, args, env, cwd):
        """Fork a kernel with argv ``args`` (after ``-m lawreport.kernel``): (pid, pidfd)."""
        import json
        import socket

        with self._lock:
            self._wait_ready()
            try:
                self._sock.send(json.dumps({"op": "fork", "args": list(args), "env": dict(env),
                                            "cwd": os.fspath(cwd) if cwd else None}).encode())
                msg, fds, _flags, _addr = socket.recv_fds(self._sock, 1 << 16, 1)
            except OSError as exc:
                self._ready = {"ready": False, "why": str(exc)}
                raise ForkServerUnavailable(str(exc)) from None
        if not msg:
            self._ready = {"ready": False, "why": "it exited"}
            raise ForkServerUnavailable("the fork server exited")
        reply = json.loads(msg)
        if "error" in reply or not fds:
            for fd in fds:
                os.close(fd)
            raise ForkServerUnavailable(reply.get("error", "no pidfd"))
        return reply["pid"], fds[0]

    def exit_status(self, pid):
        """The exit code of a kernel that has exited (None if unknown)."""
        import json

        with self._lock:
            try:
                self._sock.send(json.dumps({"op": "status", "pid": pid}).encode())
                msg = self._sock.recv(1 << 16)
            except OSError:
                return None
        return json.loads(msg).get("status") if msg else None

    def close(self):
        """Stop the server (and any kernel it still runs)."""
        import subprocess

        try:
            self._sock.close()
        except OSError:
            pass
        if self._ready is None:  # still warming up: it has no kernel to stop
            self._proc.kill()
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def stop_shared():
    """Stop this process's fork server, killing every kernel it forked (a stopped batch:
    their builds fail at once instead of running on); a kernel asked for later starts a
    new one."""
    with _SHARED_LOCK:
        server = ForkServer._shared if ForkServer._shared_pid == os.getpid() else None
        if isinstance(server, ForkServer):
            ForkServer._shared = None
    if isinstance(server, ForkServer):
        server.close()


_SHARED_LOCK = threading.Lock()
_START_DIR = os.getcwd()


def _forget_inherited_server():
    """In a child forked from a process with a server: that server is not ours."""
    server = ForkServer._shared
    if isinstance(server, ForkServer):
        try:
            server._sock.close()
        except OSError:
            pass
    ForkServer._shared, ForkServer._shared_pid = None, None


os.register_at_fork(after_in_child=_forget_inherited_server)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--fork-server":
        _serve(int(sys.argv[2]))
        # its kernels are gone and it has nothing to save: skip the interpreter's
        # finalization of everything it imported
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    else:
        main()
