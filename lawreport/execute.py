"""Running part notebooks with papermill, each in a fresh ``lawreport`` kernel.

Kernels start through :func:`kernel_manager_class`: forked from a warm process
(:class:`lawreport.kernel.ForkServer`) where the system allows it, started as a
plain ``python -m lawreport.kernel`` process otherwise, or when the environment
variable ``LAWREPORT_KERNEL_START=plain`` is set. Either way each part runs in a
new kernel process with an empty namespace.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
import uuid
import weakref
from importlib import resources

from .exceptions import BuildError, PartExecutionError, PartTimeoutError

__all__ = ["part_notebooks", "execute_part", "check_parameters", "kernel_manager_class", "KERNEL_NAME",
           "normalize_notebook"]

KERNEL_NAME = "lawreport"
_NB_NAME = re.compile(r"(\d\d)-([a-z_]+)\.ipynb")
#: ``plain`` starts every kernel as a new interpreter; ``fork`` (default) forks it from
#: a warm process where the system allows it.
KERNEL_START_ENV = "LAWREPORT_KERNEL_START"


def part_notebooks(folder):
    """``[(key, path)]`` of the part notebooks ``NN-<key>.ipynb`` in ``folder``, in order."""
    out = []
    for name in sorted(os.listdir(folder)):
        m = _NB_NAME.fullmatch(name)
        if m:
            out.append((m.group(2), os.path.join(folder, name)))
    return out


def fast_start_enabled():
    """Whether kernels are forked from a warm process (unless the system cannot)."""
    return os.environ.get(KERNEL_START_ENV, "fork").strip().lower() != "plain"


_KERNEL_CLASSES = {}


def kernel_manager_class(bound=None):
    """A kernel manager that finds the ``lawreport`` kernelspec shipped in the package.

    The spec's argv starts with ``python``, which jupyter_client replaces by
    this interpreter, so a user-level kernelspec of the same name, or a
    ``python3`` kernel of another environment, cannot shadow it.

    Its kernels are forked from the warm :class:`lawreport.kernel.ForkServer`
    of this process (a provisioner of its own); where that is not available
    (no pidfd, the server could not start, ``LAWREPORT_KERNEL_START=plain``),
    they start the plain way, as jupyter_client's local provisioner does.

    With a batch's ``bound`` (:class:`lawreport.pipeline.NotebookBound`), a
    kernel asked for once the bound is stopped does not start, by either way:
    a part that took its slot just before a Ctrl-C finds the fork server gone,
    and must not start a plain kernel to run its notebook to the end.
    """
    if "manager" not in _KERNEL_CLASSES:
        _KERNEL_CLASSES["manager"] = _make_kernel_manager_class()
    base = _KERNEL_CLASSES["manager"]
    if bound is None:
        return base
    with _KERNEL_CLASSES_LOCK:
        if bound not in _BOUND_CLASSES:
            _BOUND_CLASSES[bound] = type(base.__name__, (base,), {"bound": bound})
        return _BOUND_CLASSES[bound]


_KERNEL_CLASSES_LOCK = threading.Lock()
#: the kernel manager class of each batch bound, for as long as the bound lives
_BOUND_CLASSES = weakref.WeakKeyDictionary()


def _refuse_if_stopped(bound):
    if bound is not None and bound.stopped:
        raise BuildError("the batch was stopped before this part started")


def _make_kernel_manager_class():
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from traitlets import default

    spec_dir = str(resources.files("lawreport").joinpath("kernelspecs"))
    provisioner_class = _fork_provisioner_class()

    class LawreportKernelManager(AsyncKernelManager):
        # Kernels talk over Unix sockets with a unique path each: TCP ports picked
        # by one kernel manager can be taken by another process's connection before
        # the kernel binds them ("Address already in use") when many kernels start
        # side by side; a path of its own cannot be.
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return os.path.join(tempfile.gettempdir(), f"lawreport-{uuid.uuid4().hex[:16]}")

        @default("kernel_spec_manager")
        def _default_ksm(self):
            ksm = KernelSpecManager(parent=self, kernel_dirs=[spec_dir])
            ksm.ensure_native_kernel = False
            return ksm

        @default("client_factory")
        def _default_client_factory(self):
            return client_class

        #: the batch's NotebookBound, in the class made for it by kernel_manager_class
        bound = None

        async def _async_pre_start_kernel(self, **kw):
            _refuse_if_stopped(self.bound)
            if self.provisioner is None and fast_start_enabled():
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = provisioner_class(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

        async def _async_wait(self, pollinterval=0.1):
            # a killed kernel is gone within milliseconds: do not sleep a tenth of a
            # second before looking again (jupyter_client's interval)
            await super()._async_wait(pollinterval=min(pollinterval, 0.005))

        # what nbclient calls, without the 10 ms sleep after each
        start_kernel = _async_start_kernel = _without_test_sleep(
            AsyncKernelManager._async_start_kernel)
        shutdown_kernel = _async_shutdown_kernel = _without_test_sleep(
            AsyncKernelManager._async_shutdown_kernel)

    client_class = _kernel_client_class()
    return LawreportKernelManager


def _without_test_sleep(method):
    """A kernel manager's start or shutdown, as jupyter_client's ``in_pending_state``
    wraps it (the manager's ``ready`` future set when it ends), less the 10 ms sleep
    that wrapper adds before ``ready`` "to ensure tests can capture the state": 20 ms
    of waiting in every part (a start and a shutdown). A jupyter_client whose
    method is not wrapped that way keeps its own."""
    import asyncio
    from concurrent.futures import Future as ThreadFuture

    undecorated = getattr(method, "__wrapped__", None)
    if undecorated is None or getattr(method.__code__, "co_qualname", "") != \
            "in_pending_state.<locals>.wrapper":
        return method

    async def wrapper(self, *args, **kwargs):
        if self._attempted_start or not self._ready:
            try:  # as jupyter_client's _get_future: an asyncio future in a running loop
                asyncio.get_running_loop()
                self._ready = asyncio.Future()
            except RuntimeError:
                self._ready = ThreadFuture()
        try:
            out = await undecorated(self, *args, **kwargs)
        except Exception as exc:
            self._ready.set_exception(exc)
            self.log.exception(self._ready.exception())  # read, so never "not retrieved"
            raise
        if self.owns_kernel:
            self._ready.set_result(None)
        return out

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


def _kernel_client_class():
    """jupyter_client's asynchronous client, ready as soon as the kernel answers.

    jupyter_client waits, once the kernel has answered ``kernel_info``, until
    its IOPub channel has been quiet for 0.2 s. That is a fifth of a second of
    every part for messages of the start, which nbclient ignores anyway (it
    takes only the messages of the cell it runs); here IOPub is drained of what
    has already arrived instead. Its sockets try to connect every 5 ms rather
    than every 100 ms while the kernel is not listening yet.
    """
    import time
    from queue import Empty

    import zmq
    from jupyter_client.asynchronous import AsyncKernelClient
    from traitlets import default

    class LawreportKernelClient(AsyncKernelClient):
        @default("context")
        def _default_context(self):
            # The client connects before a forked kernel (ready in some 50 ms) has
            # bound its sockets; zmq tries again after 100 ms by default.
            context = AsyncKernelClient._context_default(self)
            context.setsockopt(zmq.RECONNECT_IVL, 5)
            return context

        async def wait_for_ready(self, timeout=None):
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if msg["msg_type"] == "kernel_info_reply":
                        try:  # IOPub is connected once it carries this request's status
                            await self.iopub_channel.get_msg(timeout=0.2)
                        except Empty:
                            pass
                        else:
                            self._handle_kernel_info_reply(msg)
                            break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0.01)
                except Empty:
                    break

    return LawreportKernelClient


def _fork_provisioner_class():
    """jupyter_client's local provisioner, forking ``lawreport`` kernels where it can."""
    import asyncio
    import select
    import signal

    from jupyter_client.provisioning import LocalProvisioner

    from .kernel import ForkServer, ForkServerUnavailable

    class ForkProvisioner(LocalProvisioner):
        """Starts a kernel by forking it from this process's fork server.

        A command other than ``python -m lawreport.kernel …``, or a fork server
        that is not available, starts the kernel the plain way. The kernel is
        not a child of this process: it is followed through a pidfd, and
        signalled as a process group (it leads its own session).
        """

        pidfd = None
        server = None
        _exit_code = None

        @property
        def has_process(self):
            return self.process is not None or self.pidfd is not None

        async def launch_kernel(self, cmd, **kwargs):
            args = _kernel_args(cmd)
            if args is not None:
                try:
                    self.server = ForkServer.shared()
                    pid, self.pidfd = self.server.start_kernel(
                        args, kwargs.get("env") or os.environ, kwargs.get("cwd"))
                except ForkServerUnavailable as exc:
                    # a stopped batch closed the server under this start: no plain start
                    _refuse_if_stopped(getattr(self.parent, "bound", None))
                    self.log.debug("starting the kernel the plain way: %s", exc)
                else:
                    self.pid = self.pgid = pid
                    self.cwd = kwargs.get("cwd") or os.getcwd()
                    return self.connection_info
            return await super().launch_kernel(cmd, **kwargs)

        def _ended(self):
            return bool(select.select([self.pidfd], [], [], 0)[0])

        async def poll(self):
            if self.pidfd is None:
                return await super().poll()
            if not self._ended():
                return None
            if self._exit_code is None:
                code = self.server.exit_status(self.pid)
                self._exit_code = code if code is not None else -signal.SIGKILL
            return self._exit_code

        async def wait(self):
            if self.pidfd is None:
                return await super().wait()
            while await self.poll() is None:
                await asyncio.sleep(0.02)
            os.close(self.pidfd)
            self.pidfd = None
            return self._exit_code

        async def send_signal(self, signum):
            if self.pidfd is None:
                return await super().send_signal(signum)
            if self._ended():
                return None
            try:
                os.killpg(self.pgid, signum)
            except OSError:
                signal.pidfd_send_signal(self.pidfd, signum)
            return None

        async def kill(self, restart=False):
            if self.pidfd is None:
                return await super().kill(restart)
            try:
                await self.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
            return None

        async def terminate(self, restart=False):
            if self.pidfd is None:
                return await super().terminate(restart)
            try:
                await self.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            return None

        async def cleanup(self, restart=False):
            if self.pidfd is not None and self._ended():
                os.close(self.pidfd)
                self.pidfd = None
            return await super().cleanup(restart)

    return ForkProvisioner


def _kernel_args(cmd):
    """The arguments after ``python -m lawreport.kernel`` in ``cmd``, or None."""
    if (len(cmd) >= 3 and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
            and cmd[1:3] == ["-m", "lawreport.kernel"]):
        return cmd[3:]
    return None


def normalize_notebook(nb, input_name):
    """Make an executed notebook byte-reproducible.

    Drops papermill's and nbclient's timestamps and durations, gives the
    injected-parameters cell a fixed id, and records the input notebook by
    name rather than by the temporary paths it ran under.
    """
    pm = nb.metadata.get("papermill", {})
    for k in ("start_time", "end_time", "duration", "exception"):
        pm.pop(k, None)
    pm["input_path"] = input_name
    pm["output_path"] = input_name
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill")
        if cpm is not None:
            for k in ("start_time", "end_time", "duration", "exception"):
                cpm.pop(k, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not getattr(cell, "id", None):
            cell.id = f"cell-{i}"
    return nb


def check_parameters(parameters):
    """Make sure every parameter reaches the notebook as data, never as code.

    papermill writes parameters into the notebook as Python source; a string
    whose translation does not read back as the very same value (a path with
    a backslash before a quote, say) could end the string literal early. Such
    a value is refused.
    """
    import ast

    from papermill.translators import PythonTranslator

    from .exceptions import InputError

    for name, value in parameters.items():
        source = PythonTranslator.translate(value)
        try:
            same = ast.literal_eval(source) == value
        except (ValueError, SyntaxError):
            same = False
        if not same:
            raise InputError(f"parameter {name}={value!r} cannot be passed to a notebook "
                             "safely: use a path without quotes or backslashes")


_IMPORT_LOCK = threading.Lock()


def _import_jsonschema_lean():
    """Import jsonschema (nbformat's validator) without its optional IRI checker.

    With rfc3987-syntax installed (JupyterLab brings it), importing jsonschema
    compiles some forty grammars for the ``iri`` formats: about a second of every
    build process, for formats no notebook schema uses. That module is left out
    of this one import; a later explicit import of it still works.
    """
    with _IMPORT_LOCK:
        if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
            return
        sys.modules["rfc3987_syntax"] = None  # read as "not installed"
        try:
            import jsonschema  # noqa: F401
        except ImportError:
            pass
        finally:
            if sys.modules.get("rfc3987_syntax", True) is None:
                del sys.modules["rfc3987_syntax"]


def start_fork_server():
    """Start this process's warm process for kernels, if kernels start that way (it is
    shared by every part of every build of the process): whether one runs."""
    if not fast_start_enabled():
        return False
    from .kernel import ForkServer, ForkServerUnavailable

    try:
        ForkServer.shared()
    except ForkServerUnavailable:  # the kernels start the plain way
        return False
    return True


def prefetch():
    """Import what running parts needs (papermill) and then what the export after them
    needs (nbconvert's exporter, run once on an empty report), in a thread of its own:
    started while this process's first fork server warms up, it uses time the process
    would otherwise spend waiting for the first kernel, and takes the exporter's first
    use off the critical path. Once per process."""
    with _IMPORT_LOCK:
        if _prefetched:
            return
        _prefetched.append(True)

    def run():
        try:
            _import_jsonschema_lean()
            import nbformat  # noqa: F401
            import papermill  # noqa: F401

            from .export import warm

            warm()
        except Exception:  # the build itself imports these and reports what fails
            pass

    threading.Thread(target=run, name="lawreport-prefetch", daemon=True).start()


_prefetched = []


def execute_part(key, notebook, output, parameters, *, cwd=None, timeout=600, bound=None):
    """Execute one part notebook into ``output``; with a batch's ``bound``, its kernel
    does not start once the bound is stopped (:exc:`BuildError`).

    Raises
    ------
    PartExecutionError
        A cell raised; the executed notebook is saved at ``output`` with the
        failing cell marked.
    PartTimeoutError
        A cell ran longer than ``timeout`` seconds.
    """
    start_fork_server()  # the warm process gets ready while papermill is imported
    _import_jsonschema_lean()
    import nbformat
    import papermill as pm

    notebook, output = os.path.abspath(notebook), os.path.abspath(output)
    check_parameters(parameters)
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        nb = pm.execute_notebook(
            notebook, output, parameters=parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, execution_timeout=timeout,
            # the kernel's working folder, without papermill's process-wide chdir
            # (parts run in threads side by side)
            resources={"metadata": {"path": os.fspath(cwd) if cwd else None}},
            request_save_on_cell_execute=False,
            kernel_manager_class=kernel_manager_class(bound), shutdown_kernel="immediate",
            record_timing=False)
    except pm.PapermillExecutionError as exc:
        raise PartExecutionError(key, os.fspath(output), exc.cell_index, exc.ename,
                                 exc.evalue, exc.source) from None
    except CellTimeoutError:
        raise PartTimeoutError(key, os.fspath(output), timeout) from None
    except DeadKernelError as exc:
        raise PartExecutionError(key, os.fspath(output), None, "DeadKernelError",
                                 str(exc)) from None
    nb = normalize_notebook(nb, os.path.basename(notebook))
    nbformat.write(nb, output)
    return nb
