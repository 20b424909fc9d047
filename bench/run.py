#!/usr/bin/env python3
"""Benchmarks of lawreport: against the floor and against the plain pipeline.

Run from the project root with the project's environment: ``make bench`` or
``.venv/bin/python bench/run.py [--repeat N]``. Every figure is measured in
this run, on this machine, side by side, and printed with its target:

1. the floor: the part notebooks' own code for one report (demo-sfj 2023), in
   one plain Python process, no Jupyter (``bench/floor.py``), against the same
   with the code of :data:`BEFORE` (the commit before the speed work);
2. one report, ``lawreport build --force``: wall and CPU time (all processes)
   against the floor's, and wall time against ``bench/baseline/plain.sh`` (the
   plain papermill-CLI + nbconvert-CLI pipeline) on the same notebooks;
3. a batch of every sample department-year with ``--jobs 2``: CPU time per
   report against the floor's, and wall time against ``--jobs 1`` (the median
   ratio of ``--repeat`` pairs run back to back), beside what the machine allows:
   two floors side by side against one alone;
4. an unchanged rebuild of the whole sample against its full build.

CPU time is user + system time of the command and of every process it waited
for (kernels, the fork server), from ``getrusage``. The floor is sampled beside
each run of one report and of the batch, and each ratio takes the samples
nearest its other timing: a machine's speed drifts over minutes.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
PLAIN = BENCH / "baseline" / "plain.sh"
SAMPLE = ("demo-sfj", 2023)
#: The code the floor is compared with: the last commit before the speed work.
BEFORE = "2af3a79"


class Run:
    """Wall and CPU seconds of one command (CPU of all the processes it waited for)."""

    def __init__(self, wall, cpu, stdout=""):
        self.wall, self.cpu, self.stdout = wall, cpu, stdout


def timed(cmd, **kw):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        failed(cmd, r.returncode, r.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, r.stdout)


def failed(cmd, code, stderr):
    sys.exit(f"benchmark command failed ({code}): {' '.join(map(str, cmd))}\n{stderr[-3000:]}")


def median(runs):
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def median_of(n, fn):
    return median([fn() for _ in range(n)])


def lawreport(*args):
    return [BIN / "lawreport", *args]


def sample_parameters(tmp):
    """The parameters and notebooks a build of :data:`SAMPLE` runs (as lawreport passes them)."""
    from lawreport.api import catalog_files_for, load_year
    from lawreport.execute import part_notebooks

    org, year = SAMPLE
    data_dir = str(ROOT / "data")
    try:
        catalogs = catalog_files_for(data_dir, [], org)
    except TypeError:  # an API without department catalogues
        catalogs = catalog_files_for(data_dir, [])
    parts = load_year(data_dir, org, year, []).data.parts
    names = [os.path.basename(p) for k, p in part_notebooks(ROOT / "notebooks")
             if k == "summary" or k in parts]
    params = {"org": org, "year": year, "data_dir": data_dir,
              "out_dir": str(tmp / "floor-figures"), "catalog_files": list(catalogs)}
    return params, names


class Floor:
    """The floor, with today's code and with :data:`BEFORE`'s, sampled between the other
    measurements: a machine's speed drifts over minutes (other work, a shared host), and a
    ratio of two timings taken side by side does not."""

    def __init__(self, tmp, params, names):
        self.params, self.names, self.now, self.before = params, names, [], []
        self.old = tmp / "before"
        self.old.mkdir()
        r = subprocess.run(f"git archive {BEFORE} lawreport notebooks | tar -x -C '{self.old}'",
                           shell=True, cwd=ROOT, capture_output=True)
        if r.returncode != 0 or not (self.old / "lawreport" / "__init__.py").is_file():
            self.old = None  # a clone without that commit
        else:  # with its bytecode, as today's code has it (make setup): a like comparison
            compileall.compile_dir(self.old / "lawreport", quiet=1)

    def _cmd(self, root):
        return [str(c) for c in (sys.executable, BENCH / "floor.py", json.dumps(self.params),
                                 *[root / "notebooks" / n for n in self.names])]

    def _run(self, root, env=None):
        return timed(self._cmd(root), env=env, cwd=root)

    def sample(self):
        self.now.append(self._run(ROOT))
        if self.old is not None:
            self.before.append(self._run(self.old, dict(os.environ, PYTHONPATH=str(self.old))))

    def side_by_side(self):
        """Two floors at once against one alone (the latest sample, taken just before):
        what this machine's cores give two busy processes at once (they share caches,
        memory and, on a virtual machine, a host). ``--jobs 2`` can at best take half
        this of ``--jobs 1``."""
        cmd = self._cmd(ROOT)
        t = time.perf_counter()
        procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for proc in procs:
            _out, err = proc.communicate()
            if proc.returncode != 0:
                failed(cmd, proc.returncode, err)
        return (time.perf_counter() - t) / self.now[-1].wall


def bench_one_report(tmp, repeat, params, names, floor):
    """One report, each run beside a sample of the floor; then the plain pipeline."""
    org, year = SAMPLE
    plain_params = tmp / "params.yaml"
    plain_params.write_text(json.dumps({**params, "out_dir": str(tmp / "plain-figures")}),
                            encoding="utf-8")  # JSON is YAML
    env = dict(os.environ, BIN=str(BIN))

    def plain():
        out = tmp / "plain"
        shutil.rmtree(out, ignore_errors=True)
        return timed(["bash", PLAIN, out, plain_params,
                      *[ROOT / "notebooks" / n for n in names]], env=env, cwd=ROOT)

    def ours():
        return timed(lawreport("build", "--force", "--data", ROOT / "data", "--org", org,
                               "--year", year, "--out", tmp / "ours"), cwd=ROOT)

    ours()  # warm the file cache and the font cache once, for both
    runs = []
    for _ in range(repeat):
        floor.sample()
        runs.append(ours())
    return median(runs), median_of(repeat, plain)


def bench_batch(tmp, repeat, floor):
    """The batch with --jobs 2 and with --jobs 1, run as ``repeat`` pairs back to back (in
    turns the one and the other first, so that a drift of the machine's speed weighs on
    both alike); each pair gives a ratio, and the median of those ratios is reported."""
    from lawreport.batch import select

    n = len(select(str(ROOT / "data")))

    def run(jobs):
        return timed(lawreport("build", "--force", "--no-index", "--jobs", jobs, "--data",
                               ROOT / "data", "--out", tmp / f"batch-{jobs}"), cwd=ROOT)

    twos, ones, scaling = [], [], []
    for i in range(repeat):
        floor.sample()
        scaling.append(floor.side_by_side())
        if i % 2:
            ones.append(run(1))
            twos.append(run(2))
        else:
            twos.append(run(2))
            ones.append(run(1))
    ratios = [a.wall / b.wall for a, b in zip(twos, ones)]
    return median(twos), median(ones), n, ratios, statistics.median(scaling)


def bench_noop(tmp, repeat):
    out = tmp / "sample"
    full = timed(lawreport("build", "--force", "--data", ROOT / "data", "--out", out),
                 cwd=ROOT)
    runs = []
    for _attempt in range(max(repeat, 3) + 3):
        run = timed(lawreport("build", "--data", ROOT / "data", "--out", out), cwd=ROOT)
        # a run that rebuilt something saw its inputs change (an edit of the checkout
        # meanwhile): it was no unchanged rebuild
        if "[unchanged]" in run.stdout and "report:" in run.stdout and all(
                "[unchanged]" in line for line in run.stdout.splitlines()
                if line.startswith(("report:", "index:"))):
            runs.append(run)
        if len(runs) == max(repeat, 3):
            break
    if not runs:
        sys.exit("the unchanged rebuild rebuilt something every time: are inputs changing?")
    noop = Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))
    return noop, full


def versions():
    from importlib.metadata import version

    names = ("lawreport", "papermill", "nbclient", "nbconvert", "ipykernel", "pandas",
             "matplotlib", "PyYAML")
    return ", ".join(f"{n} {version(n)}" for n in names)


def kernel_start():
    from lawreport.execute import fast_start_enabled
    from lawreport.kernel import ForkServer, ForkServerUnavailable

    if not fast_start_enabled():
        return "plain (LAWREPORT_KERNEL_START=plain)"
    try:
        ForkServer.shared()._wait_ready()
    except ForkServerUnavailable as exc:
        return f"plain ({exc})"
    finally:
        if isinstance(ForkServer._shared, ForkServer):
            ForkServer._shared.close()
            ForkServer._shared = None
    return "forked from a warm process"


def check(ratio, target):
    digits = 3 if target < 0.1 else 2
    return f"{ratio:.{digits}f} (target <= {target}: {'met' if ratio <= target else 'NOT met'})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    args = ap.parse_args()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, "
          f"{platform.python_implementation()} {platform.python_version()}, "
          f"{platform.platform()}; load average {os.getloadavg()[0]:.2f}")
    print(f"versions: {versions()}")
    print(f"kernels: {kernel_start()}")
    org, year = SAMPLE
    compileall.compile_dir(ROOT / "lawreport", quiet=1)  # as make setup does
    with tempfile.TemporaryDirectory(prefix="lawreport-bench-") as d:
        tmp = Path(d)
        params, names = sample_parameters(tmp)
        floor = Floor(tmp, params, names)
        ours, plain = bench_one_report(tmp, args.repeat, params, names, floor)
        now = median(floor.now)
        print(f"1. floor ({org} {year}, {len(names)} notebooks' code in one process): "
              f"{now.wall:.2f} s wall, {now.cpu:.2f} s CPU")
        if floor.before:
            before = median(floor.before)
            print(f"   the same before the speed work ({BEFORE}): {before.wall:.2f} s wall, "
                  f"{before.cpu:.2f} s CPU")
            print(f"   floor / before: wall {check(now.wall / before.wall, 0.5)}, "
                  f"CPU {check(now.cpu / before.cpu, 0.5)}")
        else:
            print(f"   before ({BEFORE}): not measured (no git history of that commit)")
        print(f"2. one report ({org} {year}): lawreport build --force {ours.wall:.2f} s wall, "
              f"{ours.cpu:.2f} s CPU")
        print(f"   wall / floor's {check(ours.wall / now.wall, 1.5)}")
        print(f"   CPU / floor's {check(ours.cpu / now.cpu, 2.5)}")
        print(f"   wall / plain papermill+nbconvert's ({plain.wall:.2f} s wall, "
              f"{plain.cpu:.2f} s CPU) {check(ours.wall / plain.wall, 0.2)}")
        j2, j1, n, ratios, scaling = bench_batch(tmp, args.repeat, floor)
        floor.sample()
        now = median(floor.now[-(args.repeat + 1):])  # the floor's samples beside the batch
        print(f"3. batch of {n} department-years (median of {len(ratios)} pairs): --jobs 2 "
              f"{j2.wall:.1f} s wall, {j2.cpu:.1f} s CPU; --jobs 1 {j1.wall:.1f} s wall, "
              f"{j1.cpu:.1f} s CPU")
        print(f"   CPU per report / floor's ({now.cpu:.2f} s): {j2.cpu / n:.2f} s, "
              f"{check(j2.cpu / n / now.cpu, 2)}")
        print(f"   --jobs 2 / --jobs 1 {check(statistics.median(ratios), 0.55)} "
              f"(pairs: {', '.join(f'{r:.2f}' for r in ratios)})")
        print(f"   this machine: two floors side by side take {scaling:.2f} x one alone "
              f"(median of {len(ratios)}), so --jobs 2 can at best take {scaling / 2:.2f} of "
              f"--jobs 1; the batch reached {scaling / 2 / statistics.median(ratios):.0%} of that")
        noop, full = bench_noop(tmp, args.repeat)
        print(f"4. unchanged rebuild of the sample {noop.wall:.2f} s, full build "
              f"{full.wall:.2f} s: {check(noop.wall / full.wall, 0.02)}")


if __name__ == "__main__":
    main()
