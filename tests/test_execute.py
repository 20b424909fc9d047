"""The kernel manager and the part-notebook discovery of lawreport.execute."""

import os

from lawreport.execute import KERNEL_NAME, kernel_manager_class, part_notebooks

from conftest import ROOT


def test_part_notebooks_in_order_and_rollup_excluded():
    keys = [k for k, _ in part_notebooks(ROOT / "notebooks")]
    assert keys == ["measures", "shortcomings", "leadership", "plan", "other", "summary"]


def test_each_kernel_gets_its_own_unix_socket_path():
    """Kernels started side by side must not compete for TCP ports."""
    cls = kernel_manager_class()
    a, b = cls(kernel_name=KERNEL_NAME), cls(kernel_name=KERNEL_NAME)
    assert a.transport == b.transport == "ipc"
    assert a.ip != b.ip and os.path.isabs(a.ip)


def test_the_shipped_kernelspec_runs_this_interpreter():
    km = kernel_manager_class()(kernel_name=KERNEL_NAME)
    spec = km.kernel_spec
    assert spec.argv[:3] == ["python", "-m", "lawreport.kernel"]
    assert spec.display_name == "Python (lawreport)"
