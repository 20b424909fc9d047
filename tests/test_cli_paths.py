"""Paths and arguments the command refuses up front: exit code 2, a message naming the
path (or option) and what to give instead, no traceback, and nothing written.

None of these start a kernel: every check runs before anything is built.
"""

from __future__ import annotations

import pytest

from conftest import SAMPLE_DATA

DATA_FILE = SAMPLE_DATA / "demo-sfj" / "2023.yaml"

REPORT = """某某局2023年法治政府建设年度报告
一、主要举措和成效
全年开展执法检查45次。
二、存在的不足
执法力量不足。
三、下一步工作安排
加强队伍建设。
"""


def _tree(folder):
    """Every file under ``folder`` with its bytes (None when the folder is absent)."""
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}


def _refused(r, *needles):
    """Exit 2 with a message holding every needle, and no internal error."""
    out = r.stdout + r.stderr
    assert r.returncode == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    for needle in needles:
        assert str(needle) in r.stderr, r.stderr


@pytest.fixture
def afile(tmp_path):
    """A regular file: a path under it can never be written (even as root)."""
    path = tmp_path / "afile"
    path.write_text("keep me", encoding="utf-8")
    return path


@pytest.fixture
def outputs(tmp_path):
    """An output folder holding a previous report, which a refused run must keep."""
    out = tmp_path / "outputs"
    (out / "demo-sfj" / "2023").mkdir(parents=True)
    (out / "demo-sfj" / "2023" / "report.html").write_text("previous report")
    return out


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def _build(cli, tmp_path, *args):
    return cli("build", "--data", SAMPLE_DATA, "--org", "demo-sfj", "--year", "2023",
               *args, cwd=tmp_path)


def test_build_out_under_a_file(cli, tmp_path, afile):
    r = _build(cli, tmp_path, "--out", afile / "out")
    _refused(r, "--out", afile / "out", f"{afile} is a file", "give a path under a folder")
    assert afile.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "outputs").exists()


def test_build_out_is_an_existing_file(cli, tmp_path, afile):
    r = _build(cli, tmp_path, "--out", afile)
    _refused(r, f"--out {afile}", "is a file, not a folder", "give the folder")
    assert afile.read_text(encoding="utf-8") == "keep me"


def test_build_log_file_under_a_file(cli, tmp_path, afile, outputs):
    before = _tree(outputs)
    r = _build(cli, tmp_path, "--out", outputs, "--log-file", afile / "log")
    _refused(r, "--log-file", afile / "log", f"{afile} is a file")
    assert _tree(outputs) == before
    assert afile.read_text(encoding="utf-8") == "keep me"


def test_build_summary_json_under_a_file_is_refused_before_building(cli, tmp_path, afile,
                                                                    outputs):
    before = _tree(outputs)
    r = _build(cli, tmp_path, "--out", outputs, "--summary-json", afile / "s.json")
    _refused(r, "--summary-json", afile / "s.json", f"{afile} is a file")
    assert "report:" not in r.stdout  # nothing was built
    assert _tree(outputs) == before
    assert afile.read_text(encoding="utf-8") == "keep me"


def test_build_summary_json_is_a_folder(cli, tmp_path, outputs):
    folder = tmp_path / "records"
    folder.mkdir()
    before = _tree(outputs)
    r = _build(cli, tmp_path, "--out", outputs, "--summary-json", folder)
    _refused(r, f"--summary-json {folder}", "is a folder", "summary.json")
    assert _tree(outputs) == before
    assert list(folder.iterdir()) == []


def test_build_catalog_not_found(cli, tmp_path, outputs):
    before = _tree(outputs)
    r = _build(cli, tmp_path, "--out", outputs, "--catalog", "nocat.yaml")
    _refused(r, "--catalog nocat.yaml", "catalogue file not found", "check the path")
    assert _tree(outputs) == before


def test_build_data_is_a_file(cli, tmp_path, afile):
    r = cli("build", "--data", afile, "--out", tmp_path / "outputs", cwd=tmp_path)
    _refused(r, f"--data {afile}", "is a file, not a folder", "give the data folder")
    assert not (tmp_path / "outputs").exists()


def test_build_year_not_four_digits(cli, tmp_path):
    r = cli("build", "--org", "demo-sfj", "--year", "23", cwd=tmp_path)
    _refused(r, "lawreport build", "--year", "23", "four-digit year")
    assert not (tmp_path / "outputs").exists()


def test_build_misspelled_option_shows_build_usage_and_suggests(cli, tmp_path):
    r = cli("build", "--yaer", "2023", cwd=tmp_path)
    _refused(r, "usage: lawreport build", "--yaer", "did you mean --year?",
             "lawreport build -h")
    assert not (tmp_path / "outputs").exists()


def test_extract_data_is_a_file(cli, tmp_path, afile, report):
    r = cli("extract", report, "--org", "x", "--data", afile, cwd=tmp_path)
    _refused(r, f"--data {afile}", "is a file, not a folder", "give the folder")
    assert afile.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("args,fix,written", [
    (["extract", "{folder}", "--org", "x", "--data", "data"], "give the published report's file",
     "data"),
    (["convert", "{folder}", "--to", "xlsx", "--out", "y.xlsx"], "give one data file", "y.xlsx"),
])
def test_a_folder_given_for_the_input_file(cli, tmp_path, args, fix, written):
    folder = tmp_path / "somefolder"
    folder.mkdir()
    r = cli(*[str(folder) if a == "{folder}" else a for a in args], cwd=tmp_path)
    _refused(r, folder, "is a folder, not a file", fix)
    assert not (tmp_path / written).exists()


def test_extract_year_is_checked_before_reading(cli, tmp_path, report):
    r = cli("extract", report, "--org", "x", "--year", "23", "--data", tmp_path / "data",
            cwd=tmp_path)
    _refused(r, "lawreport extract", "--year", "23", "four-digit year")
    assert "/tmp" not in r.stderr.replace(str(tmp_path), "")  # no temporary file named
    assert not (tmp_path / "data").exists()


def test_init_data_is_a_file(cli, tmp_path, afile):
    r = cli("init", "--org", "x", "--year", "2024", "--data", afile, cwd=tmp_path)
    _refused(r, f"--data {afile}", "is a file, not a folder")
    assert afile.read_text(encoding="utf-8") == "keep me"


def test_init_year_not_a_number(cli, tmp_path):
    r = cli("init", "--org", "x", "--year", "abc", "--data", tmp_path / "data",
            cwd=tmp_path)
    _refused(r, "lawreport init", "--year", "'abc' is not a year", "four-digit year")
    assert not (tmp_path / "data").exists()


def test_convert_out_under_a_file(cli, tmp_path, afile):
    r = cli("convert", DATA_FILE, "--to", "xlsx", "--out", afile / "x.xlsx", cwd=tmp_path)
    _refused(r, "--out", afile / "x.xlsx", f"{afile} is a file")
    assert afile.read_text(encoding="utf-8") == "keep me"


def test_convert_out_is_a_folder(cli, tmp_path):
    folder = tmp_path / "y.xlsx"
    folder.mkdir()
    r = cli("convert", DATA_FILE, "--to", "xlsx", "--out", folder, cwd=tmp_path)
    _refused(r, f"--out {folder}", "is a folder", "2023.xlsx")
    assert list(folder.iterdir()) == []


def test_check_previous_is_a_folder(cli, tmp_path, report):
    folder = tmp_path / "somefolder"
    folder.mkdir()
    r = cli("check", DATA_FILE, "--previous", folder, cwd=tmp_path)
    _refused(r, f"--previous {folder}", "is a folder, not a file", "last year's")


def test_check_previous_not_found(cli, tmp_path, report):
    r = cli("check", report, "--previous", tmp_path / "none.txt", cwd=tmp_path)
    _refused(r, f"--previous {tmp_path / 'none.txt'}", "no such file", "last year's")


def test_validate_catalog_not_found(cli, tmp_path):
    r = cli("validate", DATA_FILE, "--catalog", "nocat.yaml", cwd=tmp_path)
    _refused(r, "--catalog nocat.yaml", "catalogue file not found")


def test_validate_a_published_report(cli, tmp_path, report):
    r = cli("validate", report, cwd=tmp_path)
    _refused(r, report, "published report", "lawreport extract", "lawreport check")
    assert "执法检查" not in r.stdout + r.stderr  # the text is not pasted back


def test_output_cut_short_by_its_reader_is_no_internal_error():
    # lawreport catalog | head -1: the pipe closes under the listing
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "lawreport", "catalog"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "internal error" not in err and "Traceback" not in err, err


def test_build_out_is_a_dangling_link(cli, tmp_path):
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "nowhere" / "zz")
    r = cli("build", "--org", "demo-sfj", "--year", "2023", "--out", link, cwd=tmp_path)
    _refused(r, "--out", "does not exist", "remove the link")
