"""The bad-input corpus (``tests/bad_inputs/``): every bad data file is refused.

Each case is a department folder ``tests/bad_inputs/<case>/<year>.yaml`` written by
``tests/bad_inputs/generate.py``; ``tests/bad_inputs/EXPECTED.yaml`` gives the error
it must produce (field, line, message fragment). For every case:

- the Python API (:func:`lawreport.validate_file`) refuses it with that finding, and
  every finding carries a fix;
- ``lawreport validate FILE`` exits 2 and prints ``FILE:LINE: error: FIELD: …`` with
  the message and a ``fix:`` line, and no traceback;
- for the cases marked ``build`` (and the generated 50 MB and alias-bomb files),
  ``lawreport build`` exits 2 too and leaves the output folder exactly as it was.

docs/bad-input.md lists what the user sees for each class.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys

import pytest
import yaml

import lawreport
from conftest import ROOT, SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
from lawreport.validate import SLUG

CORPUS = ROOT / "tests" / "bad_inputs"
EXPECTED = yaml.safe_load((CORPUS / "EXPECTED.yaml").read_text(encoding="utf-8"))
STATIC = sorted(EXPECTED)
BUILD = sorted(c for c, e in EXPECTED.items() if e.get("build"))
#: Bytes of the "previous report" a refused build must leave alone.
OLD_REPORT = b"<!doctype html><title>previous report</title>\n\xe6\x97\xa7\n"
KEEP = b"a user's file in the output folder\n"


def _generator():
    spec = importlib.util.spec_from_file_location("bad_inputs_generate",
                                                  CORPUS / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


GEN = _generator()


@pytest.fixture(scope="module")
def catalog():
    return lawreport.load_catalog()


def case_file(case):
    return CORPUS / case / f"{EXPECTED[case]['year']}.yaml"


def where(path, line):
    """The ``file:line`` prefix of :meth:`lawreport.Finding.format`."""
    return f"{path}:{line}" if line else f"{path}"


def assert_reported(output, path, field, line, message):
    """``output`` holds the formatted finding ``path:line: error: field: …message…``
    followed by its ``fix:`` line."""
    head = f"{where(path, line)}: error: {field or '(file)'}: "
    lines = output.splitlines()
    hits = [i for i, text in enumerate(lines) if head in text and message in text]
    assert hits, f"no line with {head!r} and {message!r} in:\n{output}"
    i = hits[0]
    assert i + 1 < len(lines) and lines[i + 1].startswith("    fix: ") and \
        lines[i + 1][len("    fix: "):].strip(), f"no fix hint after:\n{lines[i]}"


def assert_no_traceback(proc):
    for stream in (proc.stdout, proc.stderr):
        assert "Traceback" not in stream, stream
        assert "internal error" not in stream, stream


# -- the output folder a refused build must leave unchanged ----------------------------


def prepare_out(out, org, year):
    """An output folder holding a user's file and a previous report of ``org`` ``year``."""
    (out / str(org) / str(year)).mkdir(parents=True, exist_ok=True)
    (out / "keep.txt").write_bytes(KEEP)
    (out / str(org) / str(year) / "report.html").write_bytes(OLD_REPORT)
    return snapshot(out)


def snapshot(out):
    """Every path under ``out`` outside ``out/.lawreport``, with the bytes of the files."""
    state = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out)
        if rel.parts[0] == ".lawreport":
            continue
        state[rel.as_posix()] = p.read_bytes() if p.is_file() else None
    return state


def run_build(cli, data, org, year, out, report_org=None):
    """``lawreport build`` must exit 2, print no traceback and change nothing in ``out``."""
    before = prepare_out(out, report_org or org, year)
    proc = cli("build", "--data", data, "--org", org, "--year", year, "--out", out,
               timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert_no_traceback(proc)
    assert snapshot(out) == before, "a refused build changed the output folder"
    return proc


# -- the corpus itself -----------------------------------------------------------------


def test_corpus_is_up_to_date():
    """The files in the tree are what generate.py writes (rerun it after a change)."""
    wanted = GEN.files()
    for rel, data in wanted.items():
        path = CORPUS / rel
        assert path.is_file(), f"{rel} missing: run python tests/bad_inputs/generate.py"
        assert path.read_bytes() == data, f"{rel} is stale: run python " \
            "tests/bad_inputs/generate.py"
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and p.name[0] not in "_."}
    assert folders == {rel.split("/")[0] for rel in wanted if "/" in rel}
    assert len(STATIC) >= 40
    # small enough to keep in git: the large cases are generated at test time
    assert max(len(d) for d in wanted.values()) < 100_000


def test_corpus_folders_follow_the_path_rules():
    for case in STATIC:
        assert SLUG.fullmatch(case), case
        assert [p.name for p in (CORPUS / case).iterdir()] == [f"{EXPECTED[case]['year']}.yaml"]


# -- every case: Python API and `lawreport validate` --------------------------------------


@pytest.mark.parametrize("case", STATIC)
def test_validate_file_refuses(case, catalog):
    e = EXPECTED[case]
    path = case_file(case)
    data, outline, findings = lawreport.validate_file(path, catalog)
    if e.get("cli_only"):
        # the year-over-year check needs the other years: load_year runs it
        assert data is not None
        with pytest.raises(lawreport.DataValidationError) as ei:
            lawreport.load_year(CORPUS, case, e["year"])
        findings = ei.value.findings
    else:
        assert data is None and outline is None
    errors = [f for f in findings if f.level == "error"]
    assert any(f.field == e["field"] and f.line == e["line"] and e["message"] in f.message
               for f in errors), "\n".join(f.format() for f in findings)
    for f in findings:
        assert f.file == str(path)
        assert f.hint.strip(), f"a finding without a fix: {f.format()}"
        assert f.line is None or f.line >= 1


@pytest.mark.parametrize("case", STATIC)
def test_cli_validate_refuses(case, cli):
    e = EXPECTED[case]
    path = case_file(case)
    proc = cli("validate", path, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert_no_traceback(proc)
    assert_reported(proc.stdout, path, e["field"], e["line"], e["message"])
    assert "1 file(s) checked" in proc.stderr


# -- representative cases: `lawreport build` ---------------------------------------------


@pytest.mark.parametrize("case", BUILD)
def test_cli_build_refuses_and_writes_nothing(case, cli, tmp_path):
    e = EXPECTED[case]
    data = tmp_path / "data"
    shutil.copytree(CORPUS / case, data / case)
    path = data / case / f"{e['year']}.yaml"
    proc = run_build(cli, data, case, e["year"], tmp_path / "out")
    assert_reported(proc.stderr, path, e["field"], e["line"], e["message"])


BAD_ORGS = {"dotdot-x": "../x", "dotdot": "..", "slash": "a/b", "absolute": "/etc",
            "chinese": "中文", "space": "with space", "uppercase": "UPPER",
            "trailing-dash": "x-"}


@pytest.mark.parametrize("org", list(BAD_ORGS.values()), ids=list(BAD_ORGS))
def test_cli_build_refuses_a_bad_org_argument(org, cli, tmp_path):
    """``--org`` is a slug, never a path: a valid department just outside the data
    folder (``<tmp>/x/2021.yaml``) must not be reached with ``--org ../x``."""
    data = tmp_path / "data"
    (data / SAMPLE_ORG).mkdir(parents=True)
    shutil.copy(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", data / SAMPLE_ORG)
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / f"{SAMPLE_YEAR}.yaml").write_text(
        GEN.base_text("x"), encoding="utf-8")
    proc = run_build(cli, data, org, SAMPLE_YEAR, tmp_path / "out", report_org=SAMPLE_ORG)
    assert f"'{org}'" in proc.stderr or f" {org} " in proc.stderr, proc.stderr
    assert not (tmp_path / "out" / "x").exists()


# -- generated at test time: too large to keep ------------------------------------------


def test_a_50_mb_file_is_refused_unread(cli, tmp_path, catalog):
    case = "file-50-mb"
    path = GEN.huge_file(_case_path(tmp_path, case))
    assert path.stat().st_size == 50 * 1024 * 1024
    data, _outline, findings = lawreport.validate_file(path, catalog)
    assert data is None
    (f,) = findings
    assert (f.field, f.line) == ("", None) and "50.0 MB" in f.message and f.hint
    proc = cli("validate", path, timeout=120)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert_reported(proc.stdout, path, "", None, "the file is 50.0 MB")
    proc = run_build(cli, tmp_path / "data", case, 2021, tmp_path / "out")
    assert_reported(proc.stderr, path, "", None, "the file is 50.0 MB")


def test_exponential_aliases_are_refused_unexpanded(cli, tmp_path, catalog):
    """A billion-laughs file (10**30 values if expanded) costs no more than its text."""
    case = "yaml-billion-laughs"
    path = GEN.billion_laughs(_case_path(tmp_path, case))
    text = path.read_text(encoding="utf-8")
    lol0 = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("lol0:"))
    data, _outline, findings = lawreport.validate_file(path, catalog)
    assert data is None
    assert findings[0].field == "lol0" and findings[0].line == lol0
    assert "an anchor (&l0) is not allowed" in findings[0].message
    assert any(f.field == "figures.body_cameras" and "an alias (*l29)" in f.message
               for f in findings)
    proc = cli("validate", path, timeout=120)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert_reported(proc.stdout, path, "lol0", lol0, "an anchor (&l0) is not allowed")
    proc = run_build(cli, tmp_path / "data", case, 2021, tmp_path / "out")
    assert_reported(proc.stderr, path, "lol0", lol0, "an anchor (&l0) is not allowed")


def _case_path(tmp_path, case, year=2021):
    folder = tmp_path / "data" / case
    folder.mkdir(parents=True)
    return folder / f"{year}.yaml"


# -- traps that must be accepted: values kept as the text the user wrote ---------------


TRAPS = {
    # folder, change to the sample (its slug is the folder), check on the loaded data
    "slug-0101": ("0101", ("slug: 0101", "slug: 0101"),
                  lambda d: d.org_slug == "0101"),
    "org-name-a-number": ("dept", ("name: 运城市科学技术局", "name: 12345"),
                          lambda d: d.org_name == "12345"),
    "org-name-yes": ("dept", ("name: 运城市科学技术局", "name: yes"),
                     lambda d: d.org_name == "yes"),
    "org-name-octal-looking": ("dept", ("name: 运城市科学技术局", "name: 0101"),
                               lambda d: d.org_name == "0101"),
    "report-date-unquoted": ("dept", ('report_date: "2021-12-30"', "report_date: 2021-12-30"),
                             lambda d: d.report_date == dt.date(2021, 12, 30)),
    "crlf-line-endings": ("dept", ("\n", "\r\n"),
                          lambda d: d.figures["body_cameras"] == 3),
    "figure-quoted-key": ("dept", ("  body_cameras: 3", '  "body_cameras": 3'),
                          lambda d: d.figures["body_cameras"] == 3),
}


@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_traps_that_are_accepted(trap, tmp_path, catalog):
    folder, (old, new), check = TRAPS[trap]
    text = GEN.base_text(folder)
    assert old in text
    text = text.replace(old, new)
    path = tmp_path / folder / "2021.yaml"
    path.parent.mkdir()
    path.write_bytes(text.encode("utf-8"))
    data, _outline, findings = lawreport.validate_file(path, catalog)
    assert data is not None, "\n".join(f.format() for f in findings)
    assert check(data)
