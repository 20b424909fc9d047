"""The cross-department index: every built report, grouped, side by side.

``collect`` reads the ``figures.json`` written beside every built report
(``<out>/<org>/<year>/``) and the data files under ``data_dir`` (for the
departments' names, ``org.region`` and ``org.level``, and the report dates of
reports not built); ``open_rollup`` gives the rollup notebook
(``notebooks/rollup.ipynb``) its HTML fragments; ``build_index`` runs that
notebook with papermill, exports ``<out>/index.html``, then writes a page per
department (``<out>/<org>/index.html``) and a page per year
(``<out>/index-<year>.html``)::

    import lawreport.rollup as lr
    index = lr.open_rollup(data_dir, out_dir, catalog_files)
    index.title()
    index.overview()
    index.groups()
    index.charts()

Departments are grouped by ``org.region`` and ``org.level`` (one folding
section per group); every table puts one department per row and scrolls
sideways on its own. Every text read from a data or figures file is escaped;
output is sorted and carries no timestamps, so the same inputs give the same
bytes.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pandas as pd

from .exceptions import InputError
from .load import data_files

__all__ = ["collect", "Rollup", "open_rollup", "RollupView", "build_index", "STATUS_TEXT",
           "INDEX_TITLE", "is_late", "group_label"]

INDEX_TITLE = "法治政府建设年度报告索引"
STATE_DIR = ".lawreport"
NOTEBOOK = "rollup.ipynb"
#: Status of a (department, year) cell → what the index shows.
STATUS_TEXT = {
    "built": "已生成",
    "no_data": "未报送",      # no data file for that year
    "not_built": "未生成",    # a data file, but no report built from it
    "failed": "生成失败",     # a data file whose last build failed
}
#: Groups without a region nor a level.
UNGROUPED = "未分组"
#: Order of the usual ``org.level`` values (tiers, then a government before its
#: departments and its towns); others follow, in text order.
LEVEL_ORDER = ("省", "市", "州", "县", "区", "政府", "部门", "乡", "镇", "街道")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_YEAR = re.compile(r"\d{4}")


def _valid_slug(name):
    return name.isascii() and _SLUG.fullmatch(name) is not None


def _iso_date(value):
    """A report date as ``YYYY-MM-DD`` text, or None when absent or unreadable."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


def is_late(year, report_date):
    """Whether a report of ``year`` dated ``report_date`` came after 1 April of the next year.

    《法治政府建设与责任落实督察工作规定》(Article 24) asks for publication before
    1 April. ``report_date`` is a date, ``YYYY-MM-DD`` text, or None: an unknown
    date is not late.
    """
    iso = _iso_date(report_date)
    if iso is None:
        return False
    return datetime.date.fromisoformat(iso) > datetime.date(int(year) + 1, 4, 1)


def group_label(region, level):
    """The heading of a group: ``某县 · 部门``, one of them, or 未分组."""
    parts = [p for p in (region, level) if p]
    return " · ".join(parts) if parts else UNGROUPED


def _group_order(region, level, first):
    """Groups: regions in the order of their first department's slug (slugs are usually
    pinyin), the levels of a region in :data:`LEVEL_ORDER`; 未分组 last."""
    rank = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)
    return (region is None and level is None, region is None, first, region or "",
            level is None, rank, level or "")


@dataclass
class Rollup:
    """What ``collect`` found.

    Attributes
    ----------
    reports : DataFrame
        One row per built department-year: ``org``, ``year``, ``org_name``,
        ``report`` (path relative to the out folder), ``figures_json`` (absolute),
        ``report_date`` (``YYYY-MM-DD`` or None), ``late``, ``docx`` and ``pdf``
        (paths relative to the out folder of ``report.docx`` / ``report.pdf``
        beside the report, or None).
    figures : DataFrame
        The figures of every built report, long: ``org``, ``year``, ``id``,
        ``name``, ``unit``, ``kind``, ``value``.
    cells : DataFrame
        Every (department, year) of the grid: ``org``, ``year``, ``has_data``,
        ``built``, ``status`` (a key of :data:`STATUS_TEXT`), ``report_date``
        (of the report, else of the data file; None if unknown), ``late``.
    missing : DataFrame
        The cells without a report: ``org``, ``org_name``, ``year``, ``status``,
        ``reason`` (未报送 / 未生成 / 生成失败).
    orgs : dict
        Department slug → name, sorted by slug.
    years : list of int
        Every year in which any department has data or a report, ascending.
    departments : DataFrame
        One row per department, in ``orgs`` order: ``org``, ``org_name``,
        ``region``, ``level`` (None when the data do not say), ``group``.
    groups : list of (str, list of str)
        The groups in display order: (heading, department slugs).
    """

    out_dir: str
    data_dir: str
    reports: pd.DataFrame
    figures: pd.DataFrame
    cells: pd.DataFrame
    missing: pd.DataFrame
    orgs: dict
    years: list
    departments: pd.DataFrame = None
    groups: list = field(default_factory=list)

    def report_path(self, org, year):
        """``<org>/<year>/report.html`` relative to the out folder, URL-quoted, or None."""
        hit = self.reports[(self.reports["org"] == org) & (self.reports["year"] == year)]
        return None if hit.empty else hit["report"].iloc[0]


def _read_figures(path):
    try:
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
        if not isinstance(record, dict) or not isinstance(record.get("figures", {}), dict):
            raise ValueError("not a figures record")
        return record
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable figures file ({exc}); rebuild that report with "
                         "'lawreport build --org ORG --year YEAR', or delete its folder") from None


def _built(out_dir):
    """``[(org, year, path of figures.json)]`` of the reports under ``out_dir``."""
    out = []
    if not os.path.isdir(out_dir):
        return out
    for org in sorted(os.listdir(out_dir)):
        d = os.path.join(out_dir, org)
        if org == STATE_DIR or org.startswith(".") or not _valid_slug(org) \
                or not os.path.isdir(d):
            continue
        for year in sorted(os.listdir(d)):
            folder = os.path.join(d, year)
            fj = os.path.join(folder, "figures.json")
            if (_YEAR.fullmatch(year) and os.path.isfile(fj)
                    and os.path.isfile(os.path.join(folder, "report.html"))):
                out.append((org, int(year), fj))
    return out


def _text(value):
    """A free-text field of a data or figures file, stripped; None when empty or absent."""
    text = getattr(value, "text", value)
    if isinstance(text, (str, int, float)) and not isinstance(text, bool):
        text = str(text).strip()
        return text or None
    return None


def _data_info(path):
    """``org.name``, ``org.region``, ``org.level`` and ``report_date`` of a data file,
    read without validating it (None where absent or unreadable)."""
    try:  # either format (YAML or workbook), where the loader reads both
        from .load import read_tree
    except ImportError:
        from .yamlread import read_yaml as read_tree

    info = {"name": None, "region": None, "level": None, "report_date": None}
    try:
        tree, _lines, _findings = read_tree(path)
    except Exception:  # an unreadable file: the index shows the slug instead
        return info
    if not isinstance(tree, dict):
        return info
    org = tree.get("org")
    if isinstance(org, dict):
        for k in ("name", "region", "level"):
            info[k] = _text(org.get(k))
    info["report_date"] = _iso_date(_text(tree.get("report_date")))
    return info


def _check_counts(folder):
    """(check page, (errors, warnings, infos)) of a report's review (check.json beside
    it, as the build writes it), or (None, (-1, -1, -1)) without one."""
    import json

    try:
        with open(os.path.join(folder, "check.json"), encoding="utf-8") as fh:
            rec = json.load(fh)
        counts = rec.get("counts") or {}
        return (str(rec.get("page") or "check.html"),
                tuple(int(counts.get(k, 0)) for k in ("error", "warning", "info")))
    except (OSError, ValueError, TypeError, AttributeError):
        return None, (-1, -1, -1)


def collect(out_dir, data_dir):
    """Every built report and every data file, and the (department, year) cells missing.

    Parameters
    ----------
    out_dir : str
        The reports folder (``<out_dir>/<org>/<year>/figures.json``);
        ``<out_dir>/.lawreport`` is ignored.
    data_dir : str
        The data folder (``<data_dir>/<org>/<year>.yaml``).

    Returns
    -------
    Rollup

    Raises
    ------
    InputError
        A ``figures.json`` cannot be read.
    """
    out_dir, data_dir = os.path.abspath(out_dir), os.path.abspath(data_dir)
    rep_rows, fig_rows, names, record_org = [], [], {}, {}
    for org, year, fj in _built(out_dir):
        record = _read_figures(fj)
        org_rec = record.get("org") if isinstance(record.get("org"), dict) else {}
        name = _text(org_rec.get("name")) or org
        names[org] = name  # the latest year's name wins (years ascend)
        record_org[org] = org_rec
        date = _iso_date(record.get("report_date"))
        folder = os.path.join(out_dir, org, str(year))
        base = f"{quote(org)}/{year}/"
        docx, pdf = ((base + f if os.path.isfile(os.path.join(folder, f)) else None)
                     for f in ("report.docx", "report.pdf"))
        check, counts = _check_counts(folder)
        rep_rows.append((org, year, name, base + "report.html", fj, date, is_late(year, date),
                         docx, pdf, base + check if check else None, *counts))
        for fid, f in sorted(record.get("figures", {}).items()):
            if isinstance(f, dict) and isinstance(f.get("value"), (int, float)) \
                    and not isinstance(f.get("value"), bool):
                fig_rows.append((org, year, fid, str(f.get("name", fid)),
                                 str(f.get("unit", "")), str(f.get("kind", "count")),
                                 f["value"]))
    reports = pd.DataFrame(rep_rows, columns=["org", "year", "org_name", "report",
                                              "figures_json", "report_date", "late", "docx",
                                              "pdf", "check", "check_error", "check_warning",
                                              "check_info"])
    figures = pd.DataFrame(fig_rows, columns=["org", "year", "id", "name", "unit", "kind",
                                              "value"])
    data = {}
    for path in data_files(data_dir):
        org = os.path.basename(os.path.dirname(path))
        if not _valid_slug(org):
            continue
        data[(org, int(os.path.basename(path)[:4]))] = path  # <year>.yaml, .yml or .xlsx
    infos, latest = {}, {}
    for (org, _year), path in sorted(data.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if org not in latest:  # the latest data file says the name, region and level
            latest[org] = infos[path] = _data_info(path)
            if org not in names:
                names[org] = latest[org]["name"] or org
    built = {(o, y): (d, late) for o, y, d, late in zip(reports["org"], reports["year"],
                                                        reports["report_date"],
                                                        reports["late"])}
    orgs = dict(sorted(names.items()))
    years = sorted({y for _o, y in built} | {y for _o, y in data})
    cell_rows, miss_rows = [], []
    for org in orgs:
        for year in years:
            has_data, is_built = (org, year) in data, (org, year) in built
            date = None
            if is_built:
                status, date = "built", built[(org, year)][0]
            elif not has_data:
                status = "no_data"
            elif os.path.isdir(os.path.join(out_dir, STATE_DIR, "failed", org, str(year))):
                status = "failed"
            else:
                status = "not_built"
            if not is_built and has_data:
                path = data[(org, year)]
                if path not in infos:
                    infos[path] = _data_info(path)
                date = infos[path]["report_date"]
            cell_rows.append((org, year, has_data, is_built, status, date,
                              is_late(year, date)))
            if not is_built:
                miss_rows.append((org, orgs[org], year, status, STATUS_TEXT[status]))
    cells = pd.DataFrame(cell_rows, columns=["org", "year", "has_data", "built", "status",
                                             "report_date", "late"])
    missing = pd.DataFrame(miss_rows, columns=["org", "org_name", "year", "status", "reason"])
    missing = missing.sort_values(["year", "org"], kind="stable").reset_index(drop=True)
    dept_rows = []
    for org, name in orgs.items():
        src = latest.get(org) or record_org.get(org) or {}
        region, level = _text(src.get("region")), _text(src.get("level"))
        dept_rows.append((org, name, region, level, group_label(region, level)))
    departments = pd.DataFrame(dept_rows, columns=["org", "org_name", "region", "level",
                                                   "group"])
    first, order = {}, {}
    for org, _n, region, _level, _label in dept_rows:  # slugs ascend
        first.setdefault(region, org)
    for org, _n, region, level, label in dept_rows:
        order.setdefault((_group_order(region, level, first[region]), label), []).append(org)
    groups = [(label, members) for (_k, label), members in sorted(order.items())]
    return Rollup(out_dir, data_dir, reports, figures, cells, missing, orgs, years,
                  departments, groups)


# ---------------------------------------------------------------- fragments

class RollupView:
    """The index, as the rollup notebook shows it: each method returns HTML.

    The fragments come from :class:`lawreport.index_html.Pages`, which also
    draws the department and year pages.
    """

    def __init__(self, rollup, catalog):
        from .index_html import Pages

        self.rollup, self.catalog = rollup, catalog
        self.pages = Pages(rollup, catalog)

    # -- plain strings (tests and build_index use them) --
    def key_ids(self, year, orgs=None):
        """The catalogue's ``key`` figures reported in ``year`` (by ``orgs``), catalogue order."""
        return self.pages.key_ids(year, orgs)

    def title_html(self):
        return self.pages.index_title()

    def overview_html(self):
        return self.pages.index_overview()

    def groups_html(self):
        return self.pages.index_groups()

    def charts_html(self, charts=True):
        return self.pages.index_charts(charts)

    # -- what the notebook calls --
    def title(self):
        """The heading 法治政府建设年度报告索引, the counts, links to every year's page."""
        return _display(self.title_html())

    def overview(self):
        """概况: expected, submitted, built, late and failed per year; who is missing or late."""
        return _display(self.overview_html())

    def groups(self):
        """One folding section per region and level: each department's reports by year
        and the latest year's key figures, one department per row."""
        return _display(self.groups_html())

    def charts(self, charts=True):
        """Reports per year (and, with a single year, the departments compared)."""
        return _display(self.charts_html(charts))


def _display(fragment):
    from .notebook import _HTML

    return _HTML(fragment)


def open_rollup(data_dir, out_dir, catalog_files=()):
    """Collect the built reports and the data files; returns a :class:`RollupView`.

    ``catalog_files`` are extra catalogue files (``<data_dir>/catalog.yaml`` is
    read too), for the names and the ``key`` marks of the figures.
    """
    from .api import catalog_files_for
    from .catalog import load_catalog

    catalog = load_catalog(catalog_files_for(os.path.abspath(data_dir), catalog_files))
    return RollupView(collect(out_dir, data_dir), catalog)


# ---------------------------------------------------------------- build

@contextlib.contextmanager
def _lock(out_dir):
    import fcntl

    folder = os.path.join(out_dir, STATE_DIR, "locks")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "index.lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_index(data_dir, out_dir, *, notebooks_dir=None, catalog_files=(), timeout=600,
                charts=True):
    """Run ``notebooks/rollup.ipynb`` and write ``<out_dir>/index.html``, then the
    department pages (``<out_dir>/<org>/index.html``) and the year pages
    (``<out_dir>/index-<year>.html``).

    A page whose content is unchanged is not rewritten.

    Parameters
    ----------
    data_dir : str
        The data folder.
    out_dir : str
        The reports folder; the index is written to ``<out_dir>/index.html``,
        the executed notebook to ``<out_dir>/.lawreport/rollup.ipynb``.
    notebooks_dir : str, optional
        The folder holding ``rollup.ipynb``; default
        :func:`lawreport.pipeline.default_notebooks_dir`.
    catalog_files : sequence of str
        Extra catalogue files merged over the shipped one.
    timeout : float
        Seconds a cell may run.
    charts : bool
        Draw the charts (off, a province's pages are written in seconds).

    Returns
    -------
    str
        The path of ``index.html``.

    Raises
    ------
    InputError, CatalogError
        No rollup notebook, an unreadable ``figures.json`` or catalogue
        (nothing ran, nothing was written).
    PartExecutionError, PartTimeoutError
        The notebook failed; the previous ``index.html`` stays in place.
    """
    from . import __version__
    from .execute import execute_part
    from .index_pages import notebook_html, write_if_changed, write_pages
    from .pipeline import default_notebooks_dir

    data_dir, out_dir = os.path.abspath(data_dir), os.path.abspath(out_dir)
    notebooks_dir = os.path.abspath(notebooks_dir or default_notebooks_dir())
    nb_path = os.path.join(notebooks_dir, NOTEBOOK)
    if not os.path.isfile(nb_path):
        raise InputError(f"no {NOTEBOOK} in {notebooks_dir}: give the notebooks folder "
                         "that holds it (--notebooks DIR)")
    catalog_files = [os.path.abspath(p) for p in catalog_files]
    view = open_rollup(data_dir, out_dir, catalog_files)  # input errors before any kernel
    parameters = {"data_dir": data_dir, "out_dir": out_dir, "catalog_files": catalog_files,
                  "charts": bool(charts)}
    os.makedirs(os.path.join(out_dir, STATE_DIR), exist_ok=True)
    with _lock(out_dir):
        executed = execute_part("rollup", nb_path, os.path.join(out_dir, STATE_DIR, NOTEBOOK),
                                parameters, cwd=notebooks_dir, timeout=timeout)
        n = len(view.rollup.reports)
        line = (f"由 lawreport {__version__} 依据 {n} 份报告的 figures.json 生成；"
                "各报告的输入哈希与软件版本见其目录下的 provenance.json。")
        final = os.path.join(out_dir, "index.html")
        write_if_changed(final, notebook_html(_index_notebook(executed), title=INDEX_TITLE,
                                              provenance_line=line))
        write_pages(view.pages, charts=charts)
    return final


def _index_notebook(executed):
    """The executed rollup notebook's cells, in a fresh notebook for the exporter."""
    from nbformat.v4 import new_notebook

    nb = new_notebook(metadata={"language_info": {"name": "python"}})
    for c in executed.cells:
        c = c.copy()
        c.id = f"rollup-{c.get('id', '')}"
        nb.cells.append(c)
    return nb
