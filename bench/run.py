#!/usr/bin/env python3
"""Benchmarks of lawreport against the plain papermill-CLI + nbconvert-CLI pipeline.

Run from the project root with the project's environment: ``make bench`` or
``.venv/bin/python bench/run.py [--repeat N]``. Every figure is measured in
this run, on this machine, and printed as a ratio with its target:

a. one report (the 2021 sample), ``lawreport build --force``, against
   ``../shared/baseline/plain.sh`` on the same part notebooks and parameters;
b. an unchanged rebuild of the whole sample against its full build;
c. a batch of every sample department-year (>= 12) with ``--jobs 2`` against
   ``--jobs 1``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PLAIN = ROOT.parent / "shared" / "baseline" / "plain.sh"
SAMPLE = ("yuncheng-kjj", 2021)


def timed(cmd, **kw):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"benchmark command failed ({r.returncode}): {' '.join(map(str, cmd))}\n"
                 f"{r.stderr[-2000:]}")
    return elapsed


def median_of(n, fn):
    return statistics.median(fn() for _ in range(n))


def lawreport(*args):
    return [str(BIN / "lawreport"), *map(str, args)]


def bench_one_report(tmp, repeat):
    org, year = SAMPLE
    params = tmp / "params.yaml"
    params.write_text(f"org: {org}\nyear: {year}\ndata_dir: {ROOT / 'data'}\n"
                      f"out_dir: {tmp / 'plain-figures'}\ncatalog_files: []\n", encoding="utf-8")
    # the notebooks a build of the sample executes: its parts and the summary
    notebooks = [str(ROOT / "notebooks" / n) for n in
                 ("01-measures.ipynb", "02-shortcomings.ipynb", "03-leadership.ipynb",
                  "04-plan.ipynb", "06-summary.ipynb")]
    env = dict(os.environ, BIN=str(BIN))

    def plain():
        out = tmp / "plain"
        shutil.rmtree(out, ignore_errors=True)
        return timed(["bash", str(PLAIN), str(out), str(params), *notebooks], env=env, cwd=ROOT)

    def ours():
        return timed(lawreport("build", "--force", "--data", ROOT / "data", "--org", org,
                               "--year", year, "--out", tmp / "ours"), cwd=ROOT)

    ours()  # warm the file cache and the font cache once, for both
    return median_of(repeat, ours), median_of(repeat, plain)


def bench_noop(tmp, repeat):
    out = tmp / "sample"

    def full():
        return timed(lawreport("build", "--force", "--data", ROOT / "data", "--out", out),
                     cwd=ROOT)

    def noop():
        return timed(lawreport("build", "--data", ROOT / "data", "--out", out), cwd=ROOT)

    f = full()
    return median_of(max(repeat, 3), noop), f


def bench_batch(tmp):
    from lawreport.batch import select

    n = len(select(str(ROOT / "data")))

    def run(jobs):
        return timed(lawreport("build", "--force", "--no-index", "--jobs", jobs, "--data",
                               ROOT / "data", "--out", tmp / f"batch-{jobs}"), cwd=ROOT)

    return run(2), run(1), n


def versions():
    from importlib.metadata import version

    names = ("lawreport", "papermill", "nbclient", "nbconvert", "ipykernel", "pandas",
             "matplotlib")
    return ", ".join(f"{n} {version(n)}" for n in names)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}, "
          f"{platform.platform()}")
    print(f"versions: {versions()}")
    with tempfile.TemporaryDirectory(prefix="lawreport-bench-") as d:
        tmp = Path(d)
        ours, plain = bench_one_report(tmp, args.repeat)
        print(f"a. one report: lawreport build --force {ours:.2f} s, plain papermill+nbconvert "
              f"{plain:.2f} s: ratio {ours / plain:.2f} (target <= 0.5)")
        noop, full = bench_noop(tmp, args.repeat)
        print(f"b. unchanged rebuild of the sample {noop:.2f} s, full build {full:.2f} s: "
              f"ratio {noop / full:.3f} (target <= 0.05)")
        j2, j1, n = bench_batch(tmp)
        print(f"c. batch of {n} department-years: --jobs 2 {j2:.1f} s, --jobs 1 {j1:.1f} s: "
              f"ratio {j2 / j1:.2f} (target <= 0.6)")


if __name__ == "__main__":
    main()
