"""Running part notebooks with papermill, each in a fresh ``lawreport`` kernel."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from importlib import resources

from .exceptions import PartExecutionError, PartTimeoutError

__all__ = ["part_notebooks", "execute_part", "check_parameters", "kernel_manager_class", "KERNEL_NAME",
           "normalize_notebook"]

KERNEL_NAME = "lawreport"
_NB_NAME = re.compile(r"(\d\d)-([a-z_]+)\.ipynb")


def part_notebooks(folder):
    """``[(key, path)]`` of the part notebooks ``NN-<key>.ipynb`` in ``folder``, in order."""
    out = []
    for name in sorted(os.listdir(folder)):
        m = _NB_NAME.fullmatch(name)
        if m:
            out.append((m.group(2), os.path.join(folder, name)))
    return out


def kernel_manager_class():
    """A kernel manager that finds the ``lawreport`` kernelspec shipped in the package.

    The spec's argv starts with ``python``, which jupyter_client replaces by
    this interpreter, so a user-level kernelspec of the same name, or a
    ``python3`` kernel of another environment, cannot shadow it.
    """
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from traitlets import default

    spec_dir = str(resources.files("lawreport").joinpath("kernelspecs"))

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

    return LawreportKernelManager


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


def execute_part(key, notebook, output, parameters, *, cwd=None, timeout=600):
    """Execute one part notebook into ``output``.

    Raises
    ------
    PartExecutionError
        A cell raised; the executed notebook is saved at ``output`` with the
        failing cell marked.
    PartTimeoutError
        A cell ran longer than ``timeout`` seconds.
    """
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
            kernel_manager_class=kernel_manager_class(), shutdown_kernel="immediate",
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
