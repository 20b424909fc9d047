"""Scheduled runs: the deploy/ files, build --log-file and --summary-json, report paths.

A scheduled run must be checkable afterwards: the summary JSON says what was built,
unchanged and failed (with the reasons and the exit code), the log file keeps every
message with its time, and both are written whatever the outcome.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil

import pytest

from conftest import ROOT, SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
from lawreport.batch import show_path
from lawreport.cli import _parser

DEPLOY = ROOT / "deploy"


def _lawreport_args(command):
    """The arguments after '.../lawreport' in a shell command line."""
    words = shlex.split(command)
    i = next(i for i, w in enumerate(words) if w.endswith("/lawreport"))
    return words[i + 1:]


def _unit(path):
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    cp.read_string(text)
    return cp


def test_the_systemd_service_runs_an_incremental_checkable_build():
    unit = _unit(DEPLOY / "lawreport-build.service")
    assert unit["Service"]["Type"] == "oneshot"
    args = _parser().parse_args(_lawreport_args(unit["Service"]["ExecStart"]))
    assert args.command == "build" and not args.force
    assert args.log_file and args.summary_json
    timer = _unit(DEPLOY / "lawreport-build.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"


def test_the_cron_line_is_the_readme_one_and_valid():
    lines = [ln for ln in (DEPLOY / "crontab").read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5])
    assert "flock -n" in fields[5]  # a slow run is not started twice
    args = _parser().parse_args(_lawreport_args(fields[5].split("&&", 1)[1].split(">")[0]))
    assert args.command == "build" and args.log_file and args.summary_json
    assert lines[0] in (ROOT / "README.md").read_text(encoding="utf-8")


def test_show_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    assert show_path(tmp_path / "out" / "r.html") == "out/r.html"
    assert show_path("/elsewhere/r.html") == "/elsewhere/r.html"
    assert show_path(tmp_path.parent / "x") == str(tmp_path.parent / "x")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A data folder with the sample and a department-year that fails validation."""
    data = tmp_path_factory.mktemp("sched") / "data"
    (data / SAMPLE_ORG).mkdir(parents=True)
    shutil.copy(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", data / SAMPLE_ORG)
    (data / "bad-dept").mkdir()
    text = (SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml").read_text(encoding="utf-8")
    (data / "bad-dept" / "2021.yaml").write_text(
        text.replace("slug: yuncheng-kjj", "slug: bad-dept").replace("body_cameras: 3",
                                                                     "body_cameras: 三台"),
        encoding="utf-8")
    return data


def test_a_scheduled_run_is_checkable(batch, cli, tmp_path):
    out, logs = tmp_path / "outputs", tmp_path / "logs"
    args = ("build", "--data", batch, "--out", out, "--no-index",
            "--log-file", logs / "build.log", "--summary-json", logs / "last-run.json")
    proc = cli(*args, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    report = out / SAMPLE_ORG / str(SAMPLE_YEAR) / "report.html"
    # a report outside the current folder prints as an absolute path
    assert f"report: {report}" in proc.stdout and "../" not in proc.stdout
    summary = json.loads((logs / "last-run.json").read_text(encoding="utf-8"))
    assert summary["exit_code"] == 1 and summary["error"] is None
    assert summary["counts"] == {"built": 1, "unchanged": 0, "failed": 1}
    assert summary["built"] == [{"org": SAMPLE_ORG, "year": SAMPLE_YEAR,
                                 "report": str(report), "warnings": 1}]
    (failed,) = summary["failed"]
    assert failed["org"] == "bad-dept" and failed["exit_code"] == 2
    assert "body_cameras" in failed["error"] and "三台" in failed["error"]
    assert summary["started"] <= summary["finished"]
    log = (logs / "build.log").read_text(encoding="utf-8")
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ lawreport build: start", log, re.M)
    assert "FAILED bad-dept 2021" in log and "exit code 1" in log

    # the next run: nothing changed; printed relative to a current folder above it
    proc = cli(*args, cwd=tmp_path)
    assert proc.returncode == 1
    assert f"report: outputs/{SAMPLE_ORG}/{SAMPLE_YEAR}/report.html" in proc.stdout
    summary = json.loads((logs / "last-run.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"built": 0, "unchanged": 1, "failed": 1}
    assert summary["unchanged"][0]["org"] == SAMPLE_ORG
    log = (logs / "build.log").read_text(encoding="utf-8")
    assert log.count("lawreport build: start") == 2  # appended, not replaced


def test_a_run_that_selects_nothing_still_writes_its_summary(batch, cli, tmp_path):
    proc = cli("build", "--data", batch, "--out", tmp_path / "out", "--org", "nobody",
               "--summary-json", tmp_path / "s.json", "--log-file", tmp_path / "b.log")
    assert proc.returncode == 2
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert summary["exit_code"] == 2 and "no data for nobody" in summary["error"]
    assert "no data for nobody" in (tmp_path / "b.log").read_text(encoding="utf-8")


def test_one_invalid_department_year_exits_2_with_its_summary(batch, cli, tmp_path):
    proc = cli("build", "--data", batch, "--out", tmp_path / "out", "--org", "bad-dept",
               "--summary-json", tmp_path / "s.json")
    assert proc.returncode == 2
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert summary["exit_code"] == 2 and summary["failed"][0]["org"] == "bad-dept"
    assert not (tmp_path / "out" / "bad-dept").exists()


def test_readme_shows_the_papermill_call_and_the_deploy_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("deploy/lawreport-build.service", "deploy/lawreport-build.timer",
                 "--summary-json", "--log-file", "papermill notebooks/"):
        assert name in readme
