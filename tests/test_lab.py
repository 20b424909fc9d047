"""The analyst's loop: JupyterLab on notebooks/ with the lawreport kernel, and every
notebook running top to bottom with its defaults, as it does when opened there.

``make lab`` is started for real (headless, on a free loopback port, with a token),
asked over its REST API for its kernels and notebooks, made to start a lawreport
kernel, and stopped.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
VENV = Path(sys.executable).parent.parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(port, token, path, method="GET"):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
        return resp.status, (json.loads(body) if body and path.startswith("/api") else body)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_lab_starts_jupyterlab_with_the_lawreport_kernel(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    # -o setup: the environment running this test is the one set up already
    proc = subprocess.Popen(
        ["make", "-s", "-o", "setup", "lab", f"VENV={VENV}", f"LAB_PORT={port}",
         f"LAB_ARGS=--no-browser --ServerApp.token={token} --ServerApp.port_retries=0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        deadline, specs = time.monotonic() + 120, None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail("make lab stopped:\n" + proc.stdout.read().decode(errors="replace"))
            try:
                _status, specs = _api(port, token, "/api/kernelspecs")
                break
            except OSError:
                time.sleep(0.5)
        assert specs is not None, "JupyterLab did not answer"
        assert specs["default"] == "lawreport"
        assert "lawreport" in specs["kernelspecs"]
        spec = specs["kernelspecs"]["lawreport"]["spec"]
        assert spec["language"] == "python"
        # the lab itself, and notebooks/ as its root
        status, page = _api(port, token, "/lab")
        assert status == 200 and b"JupyterLab" in page
        _status, listing = _api(port, token, "/api/contents")
        names = {c["name"] for c in listing["content"]}
        assert {p.name for p in NOTEBOOKS} <= names
        # a lawreport kernel starts
        _status, kernel = _api(port, token, "/api/kernels", method="POST")
        assert kernel["name"] == "lawreport"
        _api(port, token, f"/api/kernels/{kernel['id']}", method="DELETE")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    """notebooks/ beside the sample data and an empty outputs/, as in the project, so that
    the defaults (../data, ../outputs) run without writing into the checkout."""
    base = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", base / "notebooks")
    shutil.copytree(ROOT / "data", base / "data")
    (base / "outputs").mkdir()
    return base


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_runs_with_its_defaults(path, project_copy):
    """Run All in JupyterLab: no parameter changed, the lawreport kernel, no error."""
    from nbclient import NotebookClient

    nb = nbformat.read(project_copy / "notebooks" / path.name, as_version=4)
    client = NotebookClient(nb, kernel_name="lawreport", timeout=600,
                            resources={"metadata": {"path": str(project_copy / "notebooks")}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert shown, "the notebook showed nothing"
