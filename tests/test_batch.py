"""Batch builds: every department-year, incremental rebuilds, failures, Dask.

One module-scoped batch of three department-years (two years of one
department, one of another) is built once; the tests after it change inputs
and check exactly what is rebuilt.
"""

import re
import shutil

import pytest

from conftest import ROOT, SAMPLE_DATA

NOTEBOOKS = ROOT / "notebooks"


def _sample(org, year, actions=233, extra=""):
    src = (SAMPLE_DATA / "yuncheng-kjj" / "2021.yaml").read_text(encoding="utf-8")
    src = src.replace("slug: yuncheng-kjj", f"slug: {org}")
    src = src.replace("year: 2021", f"year: {year}").replace('"2021-12-30"', f'"{year}-12-30"')
    src = src.replace("actions_reported: 233", f"actions_reported: {actions}")
    return src.replace("监管行为数据覆盖度", extra + "监管行为数据覆盖度", 1)


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _flat(text):
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    data = base / "data"
    for org, year, actions, extra in [
            ("dept-a", 2021, 233, ""),
            ("dept-a", 2022, 250, "{internet_supervision.actions_reported:yoy}，"),
            ("dept-b", 2021, 100, "")]:
        (data / org).mkdir(parents=True, exist_ok=True)
        (data / org / f"{year}.yaml").write_text(_sample(org, year, actions, extra),
                                                 encoding="utf-8")
    out = base / "out"
    from conftest import run_cli
    first = run_cli("build", "--all", "--data", data, "--out", out, "--notebooks", NOTEBOOKS,
                    "--jobs", "2")
    return data, out, first


def test_batch_builds_every_department_year_and_the_index(batch):
    data, out, first = batch
    assert first.returncode == 0, first.stderr
    for org, year in [("dept-a", 2021), ("dept-a", 2022), ("dept-b", 2021)]:
        assert (out / org / str(year) / "report.html").is_file()
        assert "report: " in first.stdout and f"{org}/{year}/report.html" in first.stdout
    assert (out / "index.html").is_file()
    assert "3 built, 0 unchanged, 0 failed" in first.stderr


def test_year_over_year_wording_comparison_and_trend(batch):
    _data, out, _ = batch
    html = (out / "dept-a" / "2022" / "report.html").read_text(encoding="utf-8")
    text = _flat(html)
    assert "报送监管行为250次" in text
    assert "同比增长7.3%" in text            # 250 vs 233: +7.296 % → 7.3 %
    assert "与2021年比较" in text
    assert 'id="lr-summary-trends"' in html and "2021—2022年" in text
    first_year = (out / "dept-a" / "2021" / "report.html").read_text(encoding="utf-8")
    assert "与2020年比较" not in first_year and "lr-summary-trends" not in first_year


def test_second_run_changes_no_byte(batch, cli):
    data, out, _ = batch
    before = _snapshot(out)
    again = cli("build", "--all", "--data", data, "--out", out, "--notebooks", NOTEBOOKS)
    assert again.returncode == 0, again.stderr
    assert "0 built, 3 unchanged, 0 failed" in again.stderr
    assert again.stdout.count("[unchanged]") == 4  # three reports and the index
    assert _snapshot(out) == before


def test_a_change_rebuilds_exactly_what_depends_on_it(batch, cli):
    data, out, _ = batch
    b_before = _snapshot(out / "dept-b")
    a22_before = (out / "dept-a" / "2022" / "report.html").read_bytes()
    path = data / "dept-a" / "2021.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("body_cameras: 3", "body_cameras: 4"),
                    encoding="utf-8")
    r = cli("build", "--all", "--data", data, "--out", out, "--notebooks", NOTEBOOKS)
    assert r.returncode == 0, r.stderr
    assert "2 built, 1 unchanged, 0 failed" in r.stderr
    assert re.search(r"dept-b/2021/report.html.*\[unchanged\]", r.stdout)
    assert _snapshot(out / "dept-b") == b_before
    assert "领取执法记录仪4台" in _flat((out / "dept-a" / "2021" / "report.html").read_text("utf-8"))
    # 2022 compares with 2021 and draws its trends: rebuilt (its bytes record the new input hash)
    assert (out / "dept-a" / "2022" / "report.html").read_bytes() != a22_before


def test_one_failure_does_not_stop_the_others(batch, cli):
    data, out, _ = batch
    bad = data / "dept-c"
    bad.mkdir()
    (bad / "2021.yaml").write_text(_sample("dept-c", 2021).replace("body_cameras: 3",
                                                                   "body_cameras: -3"),
                                   encoding="utf-8")
    try:
        r = cli("build", "--all", "--data", data, "--out", out, "--notebooks", NOTEBOOKS,
                "--force", "--org", "dept-b", "--org", "dept-c")
        assert r.returncode == 1
        assert "1 built, 0 unchanged, 1 failed" in r.stderr
        assert "FAILED dept-c 2021" in r.stderr and "body_cameras" in r.stderr
        assert "Traceback" not in r.stderr
        assert not (out / "dept-c").exists()
    finally:
        shutil.rmtree(bad)


def test_dask_cluster_gives_the_same_reports(batch, tmp_path):
    from distributed import LocalCluster

    from lawreport.batch import build_many

    data, out, _ = batch
    dask_out = tmp_path / "dask-out"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        code = build_many(data, dask_out, orgs=["dept-b"], notebooks_dir=NOTEBOOKS,
                          scheduler=cluster.scheduler_address, index=False, force=True)
    assert code == 0
    local = out / "dept-b" / "2021"
    remote = dask_out / "dept-b" / "2021"
    for name in ("report.html", "figures.json"):
        assert (remote / name).read_bytes() == (local / name).read_bytes(), name


def test_the_report_line_names_every_format_written():
    from lawreport.batch import Outcome, report_line

    built = Outcome("demo-sfj", 2023, "built", "/x/demo-sfj/2023/report.html", n_warnings=1)
    line = report_line(built, "html,docx,pdf")
    assert line.startswith("report: ") and line.endswith(
        "2023/report.html and report.docx, report.pdf beside it (1 data-check warning(s), "
        "see its 数据核验 section)")
    same = Outcome("demo-sfj", 2023, "unchanged", "/x/demo-sfj/2023/report.html")
    assert report_line(same).endswith("2023/report.html [unchanged]")
