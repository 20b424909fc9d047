"""How a build runs its part notebooks: a batch's shared bound on notebooks at once, and
the summary (the longest part) started first. execute_part is replaced by a stand-in
that records when each run starts and how many run together."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from lawreport import pipeline
from lawreport.exceptions import BuildError


@pytest.fixture
def record(monkeypatch, tmp_path):
    state = {"now": 0, "most": 0, "started": []}
    lock = threading.Lock()

    def fake_execute(key, nb_path, target, parameters, cwd=None, timeout=600, bound=None):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            state["started"].append(key)
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return key

    monkeypatch.setattr(pipeline, "execute_part", fake_execute)
    (tmp_path / "notebooks").mkdir()
    return state, tmp_path


def _runs():
    parts = [(f"p{i}", "nb.ipynb", f"0{i}-p{i}.ipynb", {"part_key": f"p{i}"}) for i in range(5)]
    return parts + [("summary", "s.ipynb", "06-summary.ipynb", {})]


def _run(tmp_path, jobs, bound=None):
    data = SimpleNamespace(org_slug="x", year=2021)
    return pipeline._run_parts(_runs(), str(tmp_path), {}, str(tmp_path), 60, data,
                               str(tmp_path), lambda m: None, jobs, bound)


def test_the_batch_bound_holds_across_a_builds_parts(record):
    state, tmp = record
    executed = _run(tmp, jobs=6, bound=pipeline.NotebookBound(2))
    assert state["most"] == 2  # six could run; the shared bound lets two
    assert list(executed) == ["p0", "p1", "p2", "p3", "p4", "summary"]  # part order


def test_the_batch_bound_holds_across_builds_side_by_side(record):
    state, tmp = record
    bound = pipeline.NotebookBound(3)
    threads = [threading.Thread(target=_run, args=(tmp / str(i), 3, bound)) for i in range(3)]
    for i, t in enumerate(threads):
        (tmp / str(i)).mkdir()
        t.start()
    for t in threads:
        t.join()
    assert state["most"] == 3  # three builds could run nine parts together; the bound lets 3
    assert len(state["started"]) == 18


def test_a_stopped_bound_starts_no_further_part(record):
    state, tmp = record
    bound = pipeline.NotebookBound(2)
    bound.stop()
    with pytest.raises(BuildError, match="stopped"):
        _run(tmp, jobs=2, bound=bound)
    assert state["started"] == []


def test_without_a_batch_a_build_uses_its_own_jobs_and_starts_the_summary(record):
    state, tmp = record
    _run(tmp, jobs=3)
    assert state["most"] == 3
    assert state["started"][0] == "summary"
