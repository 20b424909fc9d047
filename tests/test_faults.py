"""Faults: a raising cell, a hanging cell, a killed build, two builds at once, and
byte-identical output. A failed or interrupted build never leaves a reader a
half-written or missing report."""

import json
import math
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from conftest import ROOT, SAMPLE_ORG, SAMPLE_YEAR

NOTEBOOKS = ROOT / "notebooks"


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Sample data and a first good build of it: (data dir, out dir, report folder)."""
    import lawreport

    base = tmp_path_factory.mktemp("faults")
    data = base / "data"
    (data / SAMPLE_ORG).mkdir(parents=True)
    shutil.copy(ROOT / "data" / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", data / SAMPLE_ORG)
    out = base / "out"
    lawreport.build(data, SAMPLE_ORG, SAMPLE_YEAR, out, notebooks_dir=NOTEBOOKS)
    return data, out, out / SAMPLE_ORG / str(SAMPLE_YEAR)


def _notebooks_with(tmp_path, part_file, source, index=3):
    """A copy of the notebooks where ``part_file`` has an extra code cell."""
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    nb = nbformat.read(folder / part_file, as_version=4)
    nb.cells.insert(index, nbformat.v4.new_code_cell(source, id="injected-fault"))
    nbformat.write(nb, folder / part_file)
    return folder


def _build_args(data, out, notebooks, *extra):
    return ["build", "--data", data, "--org", SAMPLE_ORG, "--year", SAMPLE_YEAR, "--out", out,
            "--notebooks", notebooks, *extra]


def test_a_raising_cell_names_part_cell_and_notebook_and_keeps_the_report(built, tmp_path,
                                                                            cli):
    data, out, folder = built
    before = _snapshot(folder)
    notebooks = _notebooks_with(tmp_path, "02-shortcomings.ipynb",
                                "raise RuntimeError('数据库连接失败')")
    r = cli(*_build_args(data, out, notebooks))
    assert r.returncode == 1
    # the injected cell is the 4th of the notebook, the 5th once papermill added its own
    assert "part 'shortcomings' failed in cell 5 (raise RuntimeError('数据库连接失败'))" in r.stderr
    assert "RuntimeError: 数据库连接失败" in r.stderr
    assert "Traceback" not in r.stderr
    failed_nb = r.stderr.split("executed notebook to see the failing cell: ")[1].split()[0]
    nb = nbformat.read(failed_nb, as_version=4)
    errors = [c for c in nb.cells if c.cell_type == "code"
              and any(o.output_type == "error" for o in c.get("outputs", []))]
    assert len(errors) == 1 and "数据库连接失败" in errors[0].source
    assert _snapshot(folder) == before
    assert not (out / ".lawreport" / "staging" / SAMPLE_ORG / str(SAMPLE_YEAR)).exists()


def test_a_hanging_cell_is_stopped_after_the_timeout(built, tmp_path, cli):
    data, out, folder = built
    before = _snapshot(folder)
    # the cell would sleep for a day; the CLI runner gives up after 600 s
    notebooks = _notebooks_with(tmp_path, "03-leadership.ipynb", "import time\ntime.sleep(86400)")
    r = cli(*_build_args(data, out, notebooks, "--timeout", "3"))
    assert r.returncode == 1
    assert "part 'leadership' was stopped" in r.stderr and "--timeout" in r.stderr
    assert "Traceback" not in r.stderr
    assert _snapshot(folder) == before


@pytest.mark.parametrize("delay", [0.8, 2.5, 4.0])
def test_a_killed_build_leaves_the_previous_report_whole(built, delay):
    data, out, folder = built
    before = _snapshot(folder)
    proc = subprocess.Popen([sys.executable, "-m", "lawreport",
                             *map(str, _build_args(data, out, NOTEBOOKS, "--force"))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = _snapshot(folder)
    # every file a reader sees is whole: the previous version, or the same bytes rebuilt
    assert after == before


def test_two_builds_at_once_give_one_whole_report(built, cli):
    data, out, folder = built
    before = _snapshot(folder)
    args = [sys.executable, "-m", "lawreport", *map(str, _build_args(data, out, NOTEBOOKS,
                                                                      "--force"))]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert any("waiting for another build" in err for _out, err in results)
    assert _snapshot(folder) == before


def test_two_builds_give_byte_identical_outputs(built):
    import lawreport

    data, out, folder = built
    first = _snapshot(folder)
    lawreport.build(data, SAMPLE_ORG, SAMPLE_YEAR, out, notebooks_dir=NOTEBOOKS, force=True)
    second = _snapshot(folder)
    assert sorted(second) == sorted(first)
    names = [n for n in first if n.endswith((".html", ".json", ".ipynb"))]
    assert {"report.html", "figures.json", "provenance.json"} <= set(names)
    assert any(n.startswith("notebooks/") for n in names)
    for name in names:
        assert second[name] == first[name], name


def test_provenance_is_written_and_summarized_in_the_footer(built):
    _data, _out, folder = built
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    data_hash = next(iter(prov["inputs"]["data"].values()))
    assert len(data_hash) == 64 and prov["versions"]["papermill"] and prov["build_key"]
    assert prov["parameters"]["org"] == SAMPLE_ORG and prov["parameters"]["year"] == SAMPLE_YEAR
    assert any(k.endswith("01-measures.ipynb") for k in prov["inputs"]["notebooks"])
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f"sha256 {data_hash[:12]}" in html and "provenance.json" in html


def test_parameters_that_would_not_read_back_as_data_are_refused():
    from lawreport import InputError
    from lawreport.execute import check_parameters

    check_parameters({"org": "a-b", "year": 2021, "data_dir": "/tmp/路径 with 'quote\"s\\",
                      "catalog_files": []})
    with pytest.raises(InputError, match="cannot be passed to a notebook safely"):
        check_parameters({"year": math.nan})


def test_ctrl_c_stops_a_batch_at_once_and_leaves_its_reports_whole(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(ROOT / "data" / "demo-sfj", data / "demo-sfj")
    shutil.copy(ROOT / "data" / "catalog.yaml", data)
    batch = [sys.executable, "-m", "lawreport", "build", "--data", str(data), "--out", str(out),
             "--jobs", "2", "--no-index"]
    subprocess.run(batch, check=True, capture_output=True)
    before = _snapshot(out / "demo-sfj")
    notebooks = _notebooks_with(tmp_path, "03-leadership.ipynb", "import time\ntime.sleep(86400)")
    proc = subprocess.Popen([*batch, "--force", "--notebooks", str(notebooks)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    staging = out / ".lawreport" / "staging" / "demo-sfj"
    deadline = time.monotonic() + 60
    while not list(staging.glob("*/notebooks/*")) and time.monotonic() < deadline:
        time.sleep(0.1)  # parts have started running
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    # the day-long cells are not waited for: their kernels are stopped with the batch
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert _snapshot(out / "demo-sfj") == before
