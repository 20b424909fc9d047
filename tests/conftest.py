"""Shared fixtures. Expensive ones (a built sample report) are session-scoped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "data"
SAMPLE_ORG, SAMPLE_YEAR = "yuncheng-kjj", 2021
# the published report the sample reproduces (copied in; see fixtures/reference/README.md)
REFERENCE = ROOT / "tests" / "fixtures" / "reference" / "yuncheng-kjj-2021.txt"


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture
def sample_copy(tmp_path):
    """A private copy of the sample data folder (only the reference department)."""
    dest = tmp_path / "data"
    (dest / SAMPLE_ORG).mkdir(parents=True)
    shutil.copy(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", dest / SAMPLE_ORG)
    return dest


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory):
    """The 2021 reference sample built once for the whole session: its output folder."""
    import lawreport

    out = tmp_path_factory.mktemp("built") / "outputs"
    data = tmp_path_factory.mktemp("sampledata") / "data"
    (data / SAMPLE_ORG).mkdir(parents=True)
    shutil.copy(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", data / SAMPLE_ORG)
    lawreport.build(data, SAMPLE_ORG, SAMPLE_YEAR, out, notebooks_dir=ROOT / "notebooks")
    return out / SAMPLE_ORG / str(SAMPLE_YEAR)


def run_cli(*args, cwd=None, timeout=600):
    """Run ``python -m lawreport ARGS`` in a subprocess; returns CompletedProcess."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "lawreport", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture
def cli():
    return run_cli
