"""The ``lawreport`` command (``python -m lawreport``): exit codes and messages.

None of these start a kernel: validation runs before anything executes.
"""

from __future__ import annotations

import lawreport
from conftest import SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
from test_validate import THREE_ERRORS, THREE_ERRORS_EXPECTED, line_of, write_data

SAMPLE_FILE = SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"


def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) \
        if folder.exists() else None


def test_validate_sample(cli):
    r = cli("validate", SAMPLE_FILE)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    line = line_of(SAMPLE_FILE.read_text(encoding="utf-8"), "total: 179")
    assert f"{SAMPLE_FILE}:{line}: warning: figures.disclosure.total" in r.stdout
    assert "179" in r.stdout and "168" in r.stdout
    assert "error" not in r.stdout
    assert "0 error(s), 1 warning(s)" in r.stderr


def test_validate_folder(cli):
    r = cli("validate", SAMPLE_DATA)
    assert r.returncode == 0, r.stderr
    assert "figures.disclosure.total" in r.stdout


def test_validate_a_department_folder_reads_the_data_folder_catalogue(cli):
    """data/demo-sfj uses figures declared in data/catalog.yaml, one level up."""
    r = cli("validate", SAMPLE_DATA / "demo-sfj")
    assert r.returncode == 0, r.stdout
    assert "3 file(s) checked: 0 error(s)" in r.stderr


def test_validate_three_errors(cli, tmp_path):
    path = write_data(tmp_path, THREE_ERRORS)
    r = cli("validate", path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    for needle, field in THREE_ERRORS_EXPECTED:
        assert f"{path}:{line_of(THREE_ERRORS, needle)}: error: {field}" in r.stdout
    assert r.stdout.count(": error: ") == 3
    assert r.stdout.count("fix: ") == 3  # every error says how to fix it
    assert "3 error(s)" in r.stderr


def test_validate_folder_with_a_bad_file_among_good_ones(cli, tmp_path):
    write_data(tmp_path, SAMPLE_FILE.read_text(encoding="utf-8"), SAMPLE_ORG, SAMPLE_YEAR)
    bad = write_data(tmp_path, THREE_ERRORS)
    r = cli("validate", tmp_path / "data")
    assert r.returncode == 2
    assert str(bad) in r.stdout
    assert "figures.disclosure.total" in r.stdout  # the good file was checked too
    assert "2 file(s) checked: 3 error(s), 1 warning(s)" in r.stderr


def test_validate_missing_path(cli, tmp_path):
    r = cli("validate", tmp_path / "nowhere.yaml")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "nowhere.yaml" in r.stderr


def test_catalog(cli):
    r = cli("catalog")
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stdout.splitlines()
             if ln.startswith("internet_supervision.actions_reported ")]
    assert len(lines) == 1
    assert "报送监管行为" in lines[0] and "count" in lines[0] and "次" in lines[0]


def test_outlines(cli):
    r = cli("outlines")
    assert r.returncode == 0, r.stderr
    assert "yuncheng-2021:" in r.stdout
    assert "gangyao-2021:" in r.stdout
    assert "推进法治政府建设的主要举措和成效" in r.stdout
    assert "legal_education" in r.stdout


def test_build_with_invalid_data_writes_nothing(cli, tmp_path):
    write_data(tmp_path, THREE_ERRORS)
    out = tmp_path / "out"
    r = cli("build", "--data", tmp_path / "data", "--out", out, cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    for needle, field in THREE_ERRORS_EXPECTED:
        assert f":{line_of(THREE_ERRORS, needle)}: error: {field}" in r.stderr
    assert not out.exists()
    assert not (tmp_path / "outputs").exists()


def test_build_with_invalid_data_leaves_existing_output_unchanged(cli, tmp_path):
    write_data(tmp_path, THREE_ERRORS)
    out = tmp_path / "out"
    (out / "test-dept" / "2022").mkdir(parents=True)
    (out / "test-dept" / "2022" / "report.html").write_text("previous report")
    before = _tree(out)
    r = cli("build", "--data", tmp_path / "data", "--out", out, "--org", "test-dept",
            "--year", "2022", cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert _tree(out) == before
    assert (out / "test-dept" / "2022" / "report.html").read_text() == "previous report"


def test_build_unknown_org(cli, tmp_path):
    r = cli("build", "--data", SAMPLE_DATA, "--out", tmp_path / "out", "--org", "no-such",
            cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "no-such" in r.stderr
    assert not (tmp_path / "out").exists()


def test_version(cli):
    r = cli("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"lawreport {lawreport.__version__}"


def test_no_command(cli):
    r = cli()
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "validate" in r.stdout + r.stderr  # the usage lists the commands


def test_unknown_command(cli):
    r = cli("frobnicate")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
