"""Building many department-years: selection, parallel or distributed runs, summary.

``--jobs N`` bounds how many notebooks execute at once: with several
department-years, up to N of them build side by side in threads of this
process (their notebooks run in kernels of their own, and one bound covers
them all); a single department-year runs up to N of its parts side by side.
With ``--scheduler ADDRESS`` the same builds run as tasks on a Dask
distributed cluster.
"""

from __future__ import annotations

import os
import re
import sys

from .exceptions import InputError, LawReportError
from .load import data_files

__all__ = ["select", "build_many", "Outcome", "show_path", "check_output_path",
           "check_input_file"]


def show_path(path):
    """``path`` relative to the current folder when it is under it, else absolute
    (a build into /tmp prints /tmp/…, not ../../tmp/…)."""
    path = os.path.abspath(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


def check_output_path(path, option, *, folder=False, example="output"):
    """Refuse, before anything is done, an output ``path`` that cannot be written: a
    folder where a file is wanted (or a file where a folder is), a path under a
    regular file, a folder that is not writable. ``option`` names it in the message
    (``--out``, ``--summary-json``); ``example`` is a file name to suggest inside a
    folder given for a file. Nothing is created."""
    given = os.fspath(path)
    path = os.path.abspath(given)

    def show(p):  # as the user wrote it: absolute, or relative to the current folder
        return p if os.path.isabs(given) else os.path.relpath(p)

    shown = f"{option} {given}"
    if os.path.islink(path) and not os.path.exists(path):
        raise InputError(f"{shown}: a link to {os.readlink(path)}, which does not exist: give "
                         "a path that does, or remove the link")
    if folder and os.path.exists(path) and not os.path.isdir(path):
        raise InputError(f"{shown}: this is a file, not a folder: give the folder to "
                         "write into (it is created if missing)")
    if not folder and os.path.isdir(path):
        raise InputError(f"{shown}: this is a folder: give the path of a file to write, "
                         f"e.g. {os.path.join(given, example)}")
    if not folder and os.path.exists(path) and not os.access(path, os.W_OK):
        raise InputError(f"{shown}: the file is not writable (permission denied): give "
                         "another path, or make it writable")
    here = path if folder else os.path.dirname(path)
    while not os.path.exists(here) and os.path.dirname(here) != here:
        here = os.path.dirname(here)
    if not os.path.isdir(here):
        raise InputError(f"{shown}: {show(here)} is a file, so no folder can be made "
                         "under it: give a path under a folder")
    if not os.access(here, os.W_OK | os.X_OK):
        raise InputError(f"{shown}: cannot write into {show(here)} (permission "
                         "denied): give a folder you can write to")
    return path


def check_input_file(path, option, what):
    """Refuse, before anything runs, an input file that is missing or a folder; ``option``
    names it in the message (None: a positional argument), ``what`` says what to give."""
    where = f"{option} {path}" if option else os.fspath(path)
    if os.path.isdir(path):
        raise InputError(f"{where}: this is a folder, not a file: give {what}")
    if not os.path.exists(path):
        raise InputError(f"{where}: no such file: give {what}")


def report_line(outcome, formats=("html",)):
    """``report: <path>`` of a built or unchanged department-year: the other formats
    written beside it, its data-check warnings, whether it was unchanged."""
    from .pipeline import check_formats

    try:
        formats = check_formats(formats)[0]
    except InputError:  # refused by the build itself, with its message
        formats = ()
    also = [f"report.{f}" for f in formats if not outcome.report.endswith(f".{f}")]
    return (f"report: {show_path(outcome.report)}"
            + (f" and {', '.join(also)} beside it" if also else "")
            + (f" ({outcome.n_warnings} data-check warning(s), see its 数据核验 section)"
               if outcome.n_warnings else "")
            + (" [unchanged]" if outcome.status == "unchanged" else ""))


def _now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _RunRecord:
    """The log file and the summary JSON of a (scheduled) run."""

    def __init__(self, log_file, summary_json, data_dir, out_dir):
        self.log_file, self.summary_json = log_file, summary_json
        self.summary = {"started": _now(), "finished": None, "data_dir": data_dir,
                        "out_dir": out_dir, "exit_code": None, "error": None,
                        "counts": {"built": 0, "unchanged": 0, "failed": 0},
                        "built": [], "unchanged": [], "failed": [], "index": None}
        if log_file:
            os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
            self.log(f"lawreport build: start (data {data_dir}, out {out_dir})")

    def log(self, msg):
        if self.log_file:
            with open(self.log_file, "a", encoding="utf-8") as fh:
                fh.write(f"{_now()} " + str(msg).replace("\n", "\n    ") + "\n")

    def outcome(self, o):
        entry = {"org": o.org, "year": o.year}
        if o.status == "failed":
            entry.update(error=o.error, exit_code=o.code)
        else:
            entry.update(report=os.path.abspath(o.report), warnings=o.n_warnings)
        self.summary.setdefault(o.status, []).append(entry)
        self.summary["counts"][o.status] = self.summary["counts"].get(o.status, 0) + 1

    def finish(self, code, error=None):
        from . import __version__

        self.summary.update(finished=_now(), exit_code=code, error=error,
                            lawreport=__version__)
        self.log(f"lawreport build: end, exit code {code}" + (f": {error}" if error else ""))
        if self.summary_json:
            import json

            path = os.path.abspath(self.summary_json)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.tmp{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(self.summary, fh, ensure_ascii=False, indent=2)
                fh.write("\n")
            os.replace(tmp, path)
        return code


class Outcome:
    """The result of one department-year in a batch (picklable, small)."""

    def __init__(self, org, year, status, report=None, n_warnings=0, error=None, code=0):
        self.org, self.year, self.status = org, year, status
        self.report, self.n_warnings, self.error, self.code = report, n_warnings, error, code

    def __repr__(self):
        return f"Outcome({self.org!r}, {self.year}, {self.status!r})"


def select(data_dir, orgs=None, years=None):
    """``[(org, year)]`` under ``data_dir``, filtered by ``orgs`` and ``years``."""
    if not os.path.isdir(data_dir):
        raise InputError(f"data folder not found: {data_dir} (give --data DIR)")
    from .api import check_slug

    for org in orgs or []:
        check_slug(org)
    out = []
    for path in data_files(data_dir):
        org = os.path.basename(os.path.dirname(path))
        year = int(re.match(r"\d{4}", os.path.basename(path)).group(0))
        if (not orgs or org in orgs) and (not years or year in years):
            out.append((org, year))
    if not out:
        what = " ".join([*(orgs or []), *map(str, years or [])]) or "any department-year"
        raise InputError(f"no data for {what} under {data_dir} (expected <org>/<year>.yaml)")
    return out


def _build_one(org, year, data_dir, out_dir, notebooks_dir, catalog_files, timeout, force,
               formats, docx_template, jobs, log=None, bound=None):
    """Build one department-year; never raises (runs in the batch's threads, or as a
    Dask task)."""
    from .pipeline import build

    try:
        r = build(data_dir, org, year, out_dir, notebooks_dir=notebooks_dir,
                  catalog_files=catalog_files, timeout=timeout, force=force, jobs=jobs,
                  log=log, formats=formats, docx_template=docx_template, bound=bound)
    except LawReportError as exc:
        return Outcome(org, year, "failed", error=str(exc), code=exc.exit_code)
    except Exception as exc:  # an internal error must not take the batch down
        return Outcome(org, year, "failed", error=f"internal error: {type(exc).__name__}: "
                       f"{exc}", code=1)
    return Outcome(org, year, r.status, r.report, r.n_warnings)


def _run_local(targets, args, jobs, log):
    if len(targets) == 1 or jobs == 1:
        for org, year in targets:
            yield _build_one(org, year, *args, jobs, log if len(targets) == 1 else None)
        return
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from .pipeline import NotebookBound

    # Builds run side by side in threads of this process: the work is in the kernels
    # (processes of their own), and one process keeps one warm process to fork them
    # from and one set of imports. One bound covers every build's notebooks, so a
    # build may run its parts side by side whenever the others leave a slot free (the
    # batch's last builds then use every core), and never more than --jobs run at once.
    bound = NotebookBound(jobs)
    pool = ThreadPoolExecutor(max_workers=min(jobs, len(targets)),
                              thread_name_prefix="lawreport-build")
    try:
        futures = [pool.submit(_build_one, org, year, *args, jobs, None, bound)
                   for org, year in _costliest_first(targets, args[0])]
        for fut in as_completed(futures):
            yield fut.result()
    except BaseException:  # Ctrl-C, or the caller stopped reading: start nothing more
        bound.stop()
        if sys.stderr.isatty():
            print("stopping: the notebooks running now are ended, no report is replaced…",
                  file=sys.stderr)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _costliest_first(targets, data_dir):
    """The builds with the most to do first (more earlier years, more text), so that no
    long build starts last and runs alone."""
    from .api import data_path
    from .history import earlier_files

    def cost(target):
        try:
            path = data_path(data_dir, *target)
            return (len(earlier_files(path)), os.path.getsize(path))
        except Exception:  # an unreadable target fails in its build, with its message
            return (0, 0)

    return sorted(targets, key=cost, reverse=True)


def _run_dask(targets, args, address):
    try:
        from distributed import Client, as_completed
    except ImportError:  # a dependency of lawreport, but an environment may lack it
        raise InputError("--scheduler needs dask.distributed: pip install "
                         "'dask[distributed]'") from None
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = [client.submit(_build_one, org, year, *args, 1, pure=False,
                                 key=f"lawreport-{org}-{year}") for org, year in targets]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()


def build_many(data_dir, out_dir, *, orgs=None, years=None, notebooks_dir=None,
               catalog_files=(), timeout=600, force=False, jobs=None, scheduler=None,
               index=True, echo=None, formats=("html",), docx_template=None,
               log_file=None, summary_json=None):
    """Build every selected department-year, then the index; print a summary.

    Returns the exit code: 0 if all were built or unchanged; for a single
    department-year its error's code (2 invalid input, 1 failure while
    running); for several, 1 if any failed. ``formats`` and ``docx_template`` are
    those of :func:`lawreport.pipeline.build`.

    ``log_file`` (appended to, a time on each line) and ``summary_json`` (what was
    built, unchanged and failed, with the reasons, the exit code) make a scheduled
    run checkable; the summary is written whatever the outcome, an invalid
    selection included.
    """
    # refused before anything is built: a summary that cannot be written at the end
    # would lose the record of the whole run
    if log_file:
        check_output_path(log_file, "--log-file", example="build.log")
    if summary_json:
        check_output_path(summary_json, "--summary-json", example="summary.json")
    record = _RunRecord(log_file, summary_json, os.path.abspath(data_dir),
                        os.path.abspath(out_dir))
    base_echo = echo or (lambda msg: print(msg, file=sys.stderr))

    def echo(msg):
        base_echo(msg)
        record.log(msg)

    def say(msg):
        print(msg)
        record.log(msg)

    try:
        code = _build_many(data_dir, out_dir, orgs, years, notebooks_dir, catalog_files,
                           timeout, force, jobs, scheduler, index, formats, docx_template,
                           echo, say, record)
    except LawReportError as exc:
        record.finish(exc.exit_code, str(exc))
        raise
    except BaseException as exc:
        record.finish(1 if isinstance(exc, Exception) else 130,
                      f"{type(exc).__name__}: {exc}")
        raise
    return record.finish(code)


def _build_many(data_dir, out_dir, orgs, years, notebooks_dir, catalog_files, timeout, force,
                jobs, scheduler, index, formats, docx_template, echo, say, record):
    from .pipeline import check_formats, default_notebooks_dir

    data_dir, out_dir = os.path.abspath(data_dir), os.path.abspath(out_dir)
    notebooks_dir = os.path.abspath(notebooks_dir or default_notebooks_dir())
    targets = select(data_dir, orgs, years)
    jobs = jobs or os.cpu_count() or 1
    formats, docx_template = check_formats(formats, docx_template)
    args = (data_dir, out_dir, notebooks_dir, [os.path.abspath(c) for c in catalog_files],
            timeout, force, formats, docx_template)
    tty = sys.stderr.isatty()
    bar = None
    if tty and len(targets) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(targets), unit="report", desc="building", file=sys.stderr)
    runner = (_run_dask(targets, args, scheduler) if scheduler
              else _run_local(targets, args, jobs, echo))
    outcomes = []
    for o in runner:
        outcomes.append(o)
        record.outcome(o)
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(f"{o.org} {o.year} {o.status}")
        elif len(targets) > 1:
            echo(f"[{len(outcomes)}/{len(targets)}] {o.org} {o.year}: {o.status}")
    if bar is not None:
        bar.close()
    outcomes.sort(key=lambda o: (o.org, o.year))
    failed = [o for o in outcomes if o.status == "failed"]
    for o in outcomes:
        if o.status != "failed":
            say(report_line(o, formats))
    if len(targets) == 1 and failed:
        echo(f"lawreport: error: {failed[0].error}")
        return failed[0].code
    if index and len(targets) > 1:
        path, status = _index(data_dir, out_dir, notebooks_dir, catalog_files, timeout, force)
        if path:
            record.summary["index"] = {"path": path, "status": status}
            say(f"index: {show_path(path)}" + (" [unchanged]" if status == "unchanged"
                                               else ""))
    if len(targets) > 1:
        n = {s: sum(o.status == s for o in outcomes) for s in ("built", "unchanged")}
        echo(f"{n['built']} built, {n['unchanged']} unchanged, {len(failed)} failed")
        for o in failed:
            echo(f"  FAILED {o.org} {o.year}: " + o.error.replace("\n", "\n    "))
    return 1 if failed else 0


def _index(data_dir, out_dir, notebooks_dir, catalog_files, timeout, force):
    """Build ``<out>/index.html`` unless its inputs are unchanged."""
    key = index_key(data_dir, out_dir, notebooks_dir, catalog_files)
    stamp = os.path.join(out_dir, ".lawreport", "index.key")
    index_html = os.path.join(out_dir, "index.html")
    from .index_pages import pages_present

    if not force and os.path.isfile(index_html) and pages_present(out_dir):
        try:
            with open(stamp, encoding="utf-8") as fh:
                if fh.read().strip() == key:
                    return index_html, "unchanged"
        except OSError:
            pass
    from .rollup import build_index  # pandas, nbconvert: only when the index is rebuilt

    path = build_index(data_dir, out_dir, notebooks_dir=notebooks_dir,
                       catalog_files=catalog_files, timeout=timeout)
    os.makedirs(os.path.dirname(stamp), exist_ok=True)
    with open(stamp, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return path, "built"


def index_key(data_dir, out_dir, notebooks_dir, catalog_files):
    """sha256 of what the index pages show: every report's figures and its Word/PDF
    files, every data file (names, regions, levels, dates), the failed builds, the
    rollup notebook, the catalogue and the package."""
    import hashlib
    import json

    from . import __version__
    from .api import catalog_files_for
    from .pipeline import _package_inputs, _sha256

    h = hashlib.sha256()
    for path in data_files(data_dir):
        h.update(f"{os.path.relpath(path, data_dir)}\0{_sha256(path)}\0".encode())
    for org in sorted(os.listdir(out_dir)):
        folder = os.path.join(out_dir, org)
        if org.startswith(".") or not os.path.isdir(folder):
            continue
        for year in sorted(os.listdir(folder)):
            fig = os.path.join(folder, year, "figures.json")
            if os.path.isfile(fig):
                files = [f for f in ("report.html", "report.docx", "report.pdf")
                         if os.path.isfile(os.path.join(folder, year, f))]
                h.update(f"{org}/{year}\0{_sha256(fig)}\0{' '.join(files)}\0".encode())
                check = os.path.join(folder, year, "check.json")
                if os.path.isfile(check):  # the review's counts the index shows
                    h.update(f"check\0{_sha256(check)}\0".encode())
    failed = os.path.join(out_dir, ".lawreport", "failed")
    if os.path.isdir(failed):
        for org in sorted(os.listdir(failed)):
            if os.path.isdir(os.path.join(failed, org)):
                h.update(f"failed\0{org}\0{sorted(os.listdir(os.path.join(failed, org)))}"
                         .encode())
    root = os.path.dirname(os.path.abspath(__file__))
    files = [os.path.join(notebooks_dir, "rollup.ipynb"),
             *catalog_files_for(data_dir, catalog_files), *_package_inputs(),
             *sorted(os.path.join(root, f) for f in os.listdir(root) if f.endswith(".py"))]
    for path in files:
        if os.path.isfile(path):
            h.update(f"{os.path.basename(path)}\0{_sha256(path)}".encode())
    h.update(json.dumps([__version__, data_dir, out_dir]).encode())
    return h.hexdigest()
