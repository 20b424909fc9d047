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


@pytest.fixture(scope="session")
def built_formats(tmp_path_factory):
    """The 2021 reference sample built once with every format (html, docx, pdf): its
    output folder."""
    import lawreport

    out = tmp_path_factory.mktemp("built-formats") / "outputs"
    data = tmp_path_factory.mktemp("sampledata-formats") / "data"
    (data / SAMPLE_ORG).mkdir(parents=True)
    shutil.copy(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", data / SAMPLE_ORG)
    lawreport.build(data, SAMPLE_ORG, SAMPLE_YEAR, out, notebooks_dir=ROOT / "notebooks",
                    formats=("html", "docx", "pdf"))
    return out / SAMPLE_ORG / str(SAMPLE_YEAR)


@pytest.fixture(scope="session")
def reference_text():
    """The published reference report's text (the fixture copy if there is one)."""
    copy = ROOT / "tests" / "fixtures" / "reference" / "yuncheng-kjj-2021.txt"
    return (copy if copy.is_file() else REFERENCE).read_text(encoding="utf-8")


def text_ratio(reference, text):
    """The share of the reference's characters found in ``text`` in order, whitespace
    ignored and both NFKC-folded (as test_build's reproduction test measures it)."""
    import difflib
    import re
    import unicodedata

    def squeeze(t):
        return unicodedata.normalize("NFKC", re.sub(r"\s+", "", t))

    ref, got = squeeze(reference), squeeze(text)
    sm = difflib.SequenceMatcher(None, ref, got, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks()) / len(ref)


def run_cli(*args, cwd=None, timeout=600):
    """Run ``python -m lawreport ARGS`` in a subprocess; returns CompletedProcess."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "lawreport", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture
def cli():
    return run_cli
