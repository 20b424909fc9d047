"""build(): validate → execute the part notebooks → export → publish.

Outputs are written under ``<out>/.lawreport/staging`` first and moved into
``<out>/<org>/<year>/`` only when the whole report is ready, one
``os.replace`` per file with ``report.html`` last, so a reader never sees a
half-written file and a failed build leaves the previous report in place.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import sys
import threading
from dataclasses import dataclass, field

from .api import catalog_files_for, data_path, load_year
from .exceptions import BuildLockedError, InputError
from .execute import execute_part, part_notebooks, prefetch, start_fork_server

__all__ = ["build", "BuildResult", "build_key", "default_notebooks_dir", "provenance",
           "part_runs", "FORMATS", "check_formats"]

STATE_DIR = ".lawreport"
FORMATS = ("html", "docx", "pdf")  # report.<format>, in this order
#: Word and PDF are drawn with matplotlib and typeset with WeasyPrint, neither made for
#: threads: builds running side by side in one process write them one at a time
_DRAWING_LOCK = threading.Lock()


def check_formats(formats, docx_template=None):
    """The requested formats in :data:`FORMATS` order, and the Word template's absolute
    path; raises InputError on an unknown format, none, or a missing template."""
    if isinstance(formats, str):
        formats = formats.split(",")
    asked = [f.strip().lower() for f in formats if f.strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown or not asked:
        raise InputError(f"unknown format {', '.join(unknown) or '(none)'}: give --format "
                         f"with one or more of {', '.join(FORMATS)}, e.g. --format html,docx,pdf")
    if docx_template is not None:
        docx_template = os.path.abspath(docx_template)
        if not os.path.isfile(docx_template):
            raise InputError(f"Word template not found: {docx_template} (give --docx-template "
                             "a reference .docx whose styles the report should use)")
        if "docx" not in asked:
            raise InputError("--docx-template is for the Word file: add docx to --format")
        import zipfile

        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            docx.Document(docx_template)
        except (ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError) as exc:
            raise InputError(f"not a Word document: {docx_template} ({exc}); give a .docx "
                             "(a .dotx or .doc: open it in Word or WPS and save as .docx)"
                             ) from None
    return tuple(f for f in FORMATS if f in asked), docx_template


@dataclass
class BuildResult:
    """What a build did: ``status`` is ``"built"`` or ``"unchanged"``."""

    org: str
    year: int
    report: str
    folder: str
    warnings: list = field(default_factory=list)
    status: str = "built"
    n_warnings: int = 0


def default_notebooks_dir():
    """``./notebooks`` if it holds part notebooks, else the project's own."""
    here = os.path.join(os.getcwd(), "notebooks")
    if os.path.isdir(here) and part_notebooks(here):
        return here
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "notebooks")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _package_inputs():
    """Files of the package that shape a report: catalogue, outlines, templates."""
    root = os.path.dirname(os.path.abspath(__file__))
    out = []
    for sub in ("catalog", "templates", "kernelspecs", "rules"):
        for dirpath, _dirs, files in os.walk(os.path.join(root, sub)):
            out += [os.path.join(dirpath, f) for f in files if not f.endswith(".pyc")]
    return sorted(out)


@functools.lru_cache(maxsize=None)
def _installed_versions():
    """The versions provenance records: read once per process (each lookup scans the
    installed packages' metadata, some 8 ms a build of a batch)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": ".".join(map(str, sys.version_info[:3]))}
    for name in ("lawreport", "papermill", "nbconvert", "nbclient", "nbformat", "ipykernel",
                 "pandas", "matplotlib", "PyYAML", "python-docx", "weasyprint"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def provenance(data, notebooks, catalog_files, parameters, history=None):
    """What ran, on which inputs (sha256), with which versions."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def rel(p):
        p = os.path.abspath(p)
        return os.path.relpath(p, root) if p.startswith(root + os.sep) else p

    inputs = {"data": {rel(data.path): _sha256(data.path)},
              "earlier_years": {rel(h.path): _sha256(h.path)
                                for _y, h in sorted((history or {}).items())},
              "catalog": {rel(p): _sha256(p) for p in catalog_files},
              "notebooks": {os.path.basename(p): _sha256(p) for _k, p in notebooks},
              "package": {rel(p): _sha256(p) for p in _package_inputs()}}
    return {"org": data.org_slug, "year": data.year, "inputs": inputs,
            "versions": dict(_installed_versions()), "parameters": parameters}


@contextlib.contextmanager
def _lock(out_dir, org, year, wait=True):
    import fcntl

    folder = os.path.join(out_dir, STATE_DIR, "locks")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{org}-{year}.lock")
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildLockedError(
                    f"another build of {org} {year} is running (lock {path})") from None
            print(f"waiting for another build of {org} {year} to finish…", file=sys.stderr)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _publish(staging, final):
    """Move every file of ``staging`` into ``final``, the reports last (report.html
    last of all); a report of a format this build did not make is removed, so no file
    of an earlier build stays beside the new one."""
    files = []
    for dirpath, _dirs, names in os.walk(staging):
        files += [os.path.relpath(os.path.join(dirpath, n), staging) for n in names]
    reports = [f"report.{fmt}" for fmt in FORMATS]
    files.sort(key=lambda f: (f in reports, f == "report.html", f))
    for rel in files:
        dest = os.path.join(final, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.replace(os.path.join(staging, rel), dest)
    for name in reports:
        if name not in files and os.path.isfile(os.path.join(final, name)):
            os.remove(os.path.join(final, name))
    shutil.rmtree(staging, ignore_errors=True)


def _close_thread_loop():
    """Close the event loop nbclient made for this worker thread (and its sockets)."""
    import asyncio

    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return
    if not loop.is_closed() and not loop.is_running():
        loop.close()
    asyncio.set_event_loop(None)


class NotebookBound:
    """How many part notebooks execute at once across builds running side by side in
    one process (a batch's ``--jobs``), and a stop: once stopped, no notebook starts."""

    def __init__(self, n):
        self._slots = threading.BoundedSemaphore(n)
        self._stopped = threading.Event()

    def acquire(self):
        from .execute import _refuse_if_stopped

        self._slots.acquire()
        if self._stopped.is_set():
            self._slots.release()
            _refuse_if_stopped(self)

    def release(self):
        self._slots.release()

    @property
    def stopped(self):
        return self._stopped.is_set()

    def stop(self):
        """Start no further notebook, and end the running ones forked from this
        process's warm process (their builds fail; a kernel started the plain way
        finishes the notebook it runs)."""
        from .kernel import stop_shared

        self._stopped.set()
        stop_shared()


def _run_parts(runs, staging, parameters, notebooks_dir, timeout, data, out_dir, log, jobs,
               bound=None):
    """Execute the part notebooks side by side, each in its own fresh kernel.

    ``runs`` holds ``(key, notebook, output name, extra parameters)``: one run per
    report part (a kind's notebook runs once for each part of that kind), then the
    summary. At most ``jobs`` run at once, and a :class:`NotebookBound` shared with
    other builds bounds them all together. Returns ``{key: executed notebook}``.
    """
    from concurrent.futures import ThreadPoolExecutor

    def run(key, nb_path, name, extra):
        if bound is not None:
            bound.acquire()
        log(f"{data.org_slug} {data.year}: running {name}")
        target = os.path.join(staging, "notebooks", name)
        try:
            return execute_part(key, nb_path, target, {**parameters, **extra},
                                cwd=notebooks_dir, timeout=timeout, bound=bound)
        finally:
            _close_thread_loop()
            if bound is not None:
                bound.release()

    # the summary, the longest part, starts first; results are read in part order
    order = sorted(runs, key=lambda r: r[0] != "summary")
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(runs)))) as pool:
        submitted = {k: pool.submit(run, k, p, n, x) for k, p, n, x in order}
        futures = [(k, submitted[k]) for k, _p, _n, _x in runs]
        errors, executed = [], {}
        for key, fut in futures:
            try:
                executed[key] = fut.result()
            except Exception as exc:  # report the first failing part, in part order
                errors.append(exc)
    if errors:
        # keep the failed notebooks where the message says, outside the staging
        failed = os.path.join(out_dir, STATE_DIR, "failed", data.org_slug, str(data.year))
        shutil.rmtree(failed, ignore_errors=True)
        nbdir = os.path.join(staging, "notebooks")
        os.makedirs(failed, exist_ok=True)
        for name in os.listdir(nbdir):
            os.replace(os.path.join(nbdir, name), os.path.join(failed, name))
        shutil.rmtree(staging, ignore_errors=True)
        exc = errors[0]
        if hasattr(exc, "notebook"):
            exc.notebook = os.path.join(failed, os.path.basename(exc.notebook))
        raise exc
    return executed


def part_runs(loaded, notebooks):
    """The notebook runs of a report: one per part in the outline's order, then the summary.

    ``notebooks`` is ``[(kind, path)]`` as :func:`part_notebooks` finds them. Each part
    runs its kind's notebook with ``part_key`` set; the executed notebook is named
    ``NN-<part key>.ipynb`` by its printed place.
    """
    by_kind = dict(notebooks)
    parts = [p for p in loaded.outline.parts if p.key in loaded.data.parts]
    missing = sorted({p.kind for p in parts if p.kind not in by_kind})
    if missing:
        raise InputError(f"no notebook for part kind(s) {', '.join(missing)}: add "
                         f"NN-<kind>.ipynb to the notebooks folder")
    runs = [(p.key, by_kind[p.kind], f"{i:02d}-{p.key}.ipynb", {"part_key": p.key})
            for i, p in enumerate(parts, start=1)]
    if "summary" in by_kind:
        runs.append(("summary", by_kind["summary"], os.path.basename(by_kind["summary"]), {}))
    return runs


def build_key(data_file, notebooks, catalog_files, parameters):
    """sha256 of everything a report depends on, by content, without parsing anything.

    The data file, the same department's earlier years (comparisons and
    trends use them), the user's catalogue files, an outline file the data
    names by path, the part notebooks, the package's catalogue, outlines,
    templates, kernelspec and source, the lawreport version and the parameters.
    """
    from . import __version__
    from .history import earlier_files

    h = hashlib.sha256()

    def add(label, path):
        h.update(f"{label}\0{os.path.basename(path)}\0".encode())
        h.update(_sha256(path).encode())

    add("data", data_file)
    for _year, path in earlier_files(data_file):
        add("earlier", path)
    for path in catalog_files:
        add("catalog", path)
    with open(data_file, "rb") as fh:
        m = re.search(rb"^outline:\s*[\"']?([^\s\"'#]+\.ya?ml)", fh.read(), re.M)
    if m:
        outline = os.path.join(os.path.dirname(data_file), m.group(1).decode("utf-8", "replace"))
        if os.path.isfile(outline):
            add("outline", outline)
    for path in notebooks:
        add("notebook", path)
    root = os.path.dirname(os.path.abspath(__file__))
    for path in _package_inputs() + sorted(
            os.path.join(root, f) for f in os.listdir(root) if f.endswith(".py")):
        add("package", path)
    h.update(json.dumps([__version__, parameters], sort_keys=True).encode())
    return h.hexdigest()


def _previous_key(final, formats=("html",)):
    try:
        with open(os.path.join(final, "provenance.json"), encoding="utf-8") as fh:
            prov = json.load(fh)
    except (OSError, ValueError):
        return None, 0
    if not all(os.path.isfile(os.path.join(final, f"report.{f}")) for f in formats):
        return None, 0
    return prov.get("build_key"), prov.get("warnings", 0)


def build(data_dir, org, year, out_dir="outputs", *, notebooks_dir=None, catalog_files=(),
          timeout=600, wait_for_lock=True, force=False, jobs=None, log=None,
          formats=("html",), docx_template=None, bound=None):
    """Build the report of one department-year.

    Parameters
    ----------
    data_dir : str
        The data folder (``<data_dir>/<org>/<year>.yaml``).
    org, year : str, int
        The department slug and the reporting year.
    out_dir : str
        Reports go to ``<out_dir>/<org>/<year>/``.
    notebooks_dir : str, optional
        The part notebooks (``NN-<part>.ipynb``); default :func:`default_notebooks_dir`.
    catalog_files : sequence of str
        Extra catalogue files merged over the shipped one.
    timeout : float
        Seconds a cell may run before the build is stopped.
    wait_for_lock : bool
        If another build of the same department-year runs, wait for it
        (default) or raise :class:`BuildLockedError`.
    force : bool
        Rebuild even if no input changed since the last build.
    jobs : int, optional
        How many part notebooks run at once (default: the machine's cores).
    formats : sequence of str or str
        Which reports to write: ``html``, ``docx``, ``pdf`` (any of them; a string is
        split at commas). ``report.<format>`` each, beside each other.
    docx_template : str, optional
        A reference .docx whose styles, page setup and footers the Word file uses.
    bound : NotebookBound, optional
        Shared with other builds of this process running side by side (a batch): it
        bounds their notebooks executing at once together.

    Returns
    -------
    BuildResult
        ``status`` is ``"built"`` or ``"unchanged"`` (inputs identical by
        content hash to the last build's, which is kept as it is).

    Raises
    ------
    DataValidationError, InputError
        Invalid input (nothing ran, nothing was written).
    PartExecutionError, PartTimeoutError
        A part failed; the previous report stays in place.
    """
    log = log or (lambda msg: None)
    formats, docx_template = check_formats(formats, docx_template)
    data_dir, out_dir = os.path.abspath(data_dir), os.path.abspath(out_dir)
    notebooks_dir = os.path.abspath(notebooks_dir or default_notebooks_dir())
    if not os.path.isdir(notebooks_dir) or not part_notebooks(notebooks_dir):
        raise InputError(f"no part notebooks (NN-<part>.ipynb) in {notebooks_dir}: "
                         "give --notebooks DIR")
    data_file = data_path(data_dir, org, year)
    cat_files = catalog_files_for(data_dir, catalog_files, org)
    staging_root = os.path.join(out_dir, STATE_DIR, "staging")
    final = os.path.join(out_dir, str(org), str(int(year)))
    parameters = {"org": str(org), "year": int(year), "data_dir": data_dir,
                  "out_dir": staging_root, "catalog_files": list(cat_files)}
    all_notebooks = part_notebooks(notebooks_dir)
    outputs = {"formats": list(formats),
               "docx_template": _sha256(docx_template) if docx_template else None}
    from .check import rule_files_for

    # the review rules of the data folder shape check.html and 数据核验 like a catalogue
    key = build_key(data_file, [p for _k, p in all_notebooks],
                    cat_files + rule_files_for(data_dir),
                    {**parameters, "timeout": timeout, **outputs})
    report = os.path.join(final, f"report.{formats[0]}")
    if not force:
        old_key, n_warn = _previous_key(final, formats)
        if old_key == key:
            return BuildResult(str(org), int(year), report, final,
                               status="unchanged", n_warnings=n_warn)
    warming = start_fork_server()  # it warms up while the data is read and checked
    loaded = load_year(data_dir, org, year, catalog_files)
    data = loaded.data
    _check_rules(data_dir)
    if warming:
        prefetch()
    runs = part_runs(loaded, all_notebooks)
    used = {p for _k, p, _n, _x in runs}
    notebooks = [(k, p) for k, p in all_notebooks if p in used]
    with _lock(out_dir, data.org_slug, data.year, wait=wait_for_lock):
        staging = os.path.join(staging_root, data.org_slug, str(data.year))
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(os.path.join(staging, "notebooks"))
        executed = _run_parts(runs, staging, parameters, notebooks_dir, timeout,
                              data, out_dir, log, jobs or os.cpu_count() or 1, bound)
        log(f"{data.org_slug} {data.year}: exporting "
            + ", ".join(f"report.{f}" for f in formats))
        prov = provenance(data, notebooks, cat_files, parameters, loaded.history)
        prov["parameters"] = {**parameters, "data_dir": os.path.relpath(data_dir, out_dir),
                              "out_dir": os.path.relpath(staging_root, out_dir),
                              "catalog_files": [os.path.relpath(p, out_dir)
                                                for p in cat_files],
                              "timeout": timeout}
        prov["formats"] = list(formats)
        if docx_template:
            prov["inputs"]["docx_template"] = {os.path.basename(docx_template):
                                               outputs["docx_template"]}
        prov["build_key"] = key
        warnings = [f for f in loaded.findings if f.level == "warning"]
        prov["warnings"] = len(warnings)
        _export(loaded, runs, executed, prov, staging, formats, docx_template)
        _publish(staging, final)
        shutil.rmtree(os.path.join(out_dir, STATE_DIR, "failed", data.org_slug,
                                   str(data.year)), ignore_errors=True)
    return BuildResult(data.org_slug, data.year, report, final,
                       warnings, status="built", n_warnings=len(warnings))


def _check_rules(data_dir):
    """Refuse a data folder's rules.yaml that cannot be read before any notebook runs."""
    from .check import load_rules, rule_files_for

    load_rules(rule_files_for(data_dir))


def _export(loaded, runs, executed, prov, staging, formats=("html",), docx_template=None):
    """Write the reports of ``formats`` and provenance.json to staging: report.html
    from the executed parts assembled in the document's order; report.docx and
    report.pdf by their writers from the same document tree, the exhibits drawn once
    for both."""
    from . import __version__
    from .document import from_loaded
    from .export import assemble, export_html
    from .render import closing_html, front_html

    data = loaded.data
    doc = from_loaded(loaded)
    digest = next(iter(prov["inputs"]["data"].values()))
    line = (f"由 lawreport {__version__} 依据数据文件 {os.path.basename(data.path)}"
            f"（sha256 {digest[:12]}）生成；输入哈希、参数与软件版本见同目录 provenance.json。")
    if "html" in formats:
        parts = [executed[k] for k, _p, _n, _x in runs if k != "summary"]
        appendix = [executed["summary"]] if "summary" in executed else []
        nb = assemble(parts, front_html(doc), closing_html(doc), appendix)
        title = doc.title if not doc.show_org else f"{data.org_name}{doc.title}"
        html = export_html(nb, title=title, version=__version__, provenance_line=line)
        with open(os.path.join(staging, "report.html"), "w", encoding="utf-8") as fh:
            fh.write(html)
    if "docx" in formats or "pdf" in formats:
        with _DRAWING_LOCK:
            _write_print_formats(doc, loaded, staging, formats, docx_template)
    with open(os.path.join(staging, "provenance.json"), "w", encoding="utf-8") as fh:
        json.dump(prov, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
    from .check import write_check_files  # the review beside the report: check.html, .json

    write_check_files(loaded, staging)


def _write_print_formats(doc, loaded, staging, formats, docx_template):
    """report.docx and report.pdf from the document tree, the exhibits drawn once."""
    from .exhibits import Drawings

    drawings = Drawings(loaded)
    if "docx" in formats:
        from .docx_writer import write_docx

        write_docx(doc, os.path.join(staging, "report.docx"), drawings, docx_template)
    if "pdf" in formats:
        from .pdf_writer import write_pdf

        write_pdf(doc, os.path.join(staging, "report.pdf"), drawings)
