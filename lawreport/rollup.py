"""The cross-department index: every built report, side by side.

``collect`` reads the ``figures.json`` written beside every built report
(``<out>/<org>/<year>/``) and the data files under ``data_dir``;
``open_rollup`` gives the rollup notebook (``notebooks/rollup.ipynb``) its
HTML fragments; ``build_index`` runs that notebook with papermill and exports
``<out>/index.html``, one self-contained page linking every report::

    import lawreport.rollup as lr
    index = lr.open_rollup(data_dir, out_dir, catalog_files)
    index.title()
    index.overview()

Every text read from a data or figures file is escaped; output is sorted and
carries no timestamps, so the same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd

from .exceptions import InputError
from .load import data_files

__all__ = ["collect", "Rollup", "open_rollup", "RollupView", "build_index", "STATUS_TEXT",
           "INDEX_TITLE"]

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
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_YEAR = re.compile(r"\d{4}")


def _valid_slug(name):
    return name.isascii() and _SLUG.fullmatch(name) is not None


@dataclass
class Rollup:
    """What ``collect`` found.

    Attributes
    ----------
    reports : DataFrame
        One row per built department-year: ``org``, ``year``, ``org_name``,
        ``report`` (path relative to the out folder), ``figures_json`` (absolute).
    figures : DataFrame
        The figures of every built report, long: ``org``, ``year``, ``id``,
        ``name``, ``unit``, ``kind``, ``value``.
    cells : DataFrame
        Every (department, year) of the grid: ``org``, ``year``, ``has_data``,
        ``built``, ``status`` (a key of :data:`STATUS_TEXT`).
    missing : DataFrame
        The cells without a report: ``org``, ``org_name``, ``year``, ``status``,
        ``reason`` (未报送 / 未生成 / 生成失败).
    orgs : dict
        Department slug → name, sorted by slug.
    years : list of int
        Every year in which any department has data or a report, ascending.
    """

    out_dir: str
    data_dir: str
    reports: pd.DataFrame
    figures: pd.DataFrame
    cells: pd.DataFrame
    missing: pd.DataFrame
    orgs: dict
    years: list

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


def _data_name(path):
    """``org.name`` of a data file, read without validating it (None if absent)."""
    from .yamlread import read_yaml

    try:
        tree, _lines, _findings = read_yaml(path)
        name = tree["org"]["name"]
        return name.text.strip() or None
    except Exception:  # an unreadable file: the index shows the slug instead
        return None


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
    rep_rows, fig_rows, names = [], [], {}
    for org, year, fj in _built(out_dir):
        record = _read_figures(fj)
        name = str((record.get("org") or {}).get("name") or org)
        names[org] = name  # the latest year's name wins (years ascend)
        rep_rows.append((org, year, name, f"{quote(org)}/{year}/report.html", fj))
        for fid, f in sorted(record.get("figures", {}).items()):
            if isinstance(f, dict) and isinstance(f.get("value"), (int, float)):
                fig_rows.append((org, year, fid, str(f.get("name", fid)),
                                 str(f.get("unit", "")), str(f.get("kind", "count")),
                                 f["value"]))
    reports = pd.DataFrame(rep_rows, columns=["org", "year", "org_name", "report",
                                              "figures_json"])
    figures = pd.DataFrame(fig_rows, columns=["org", "year", "id", "name", "unit", "kind",
                                              "value"])
    data = {}
    for path in data_files(data_dir):
        org = os.path.basename(os.path.dirname(path))
        if not _valid_slug(org):
            continue
        data[(org, int(os.path.basename(path)[:4]))] = path
    for (org, _year), path in sorted(data.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if org not in names:
            names[org] = _data_name(path) or org
    built = {(o, y) for o, y in zip(reports["org"], reports["year"])}
    orgs = dict(sorted(names.items()))
    years = sorted({y for _o, y in built} | {y for _o, y in data})
    cell_rows, miss_rows = [], []
    for org in orgs:
        for year in years:
            has_data, is_built = (org, year) in data, (org, year) in built
            if is_built:
                status = "built"
            elif not has_data:
                status = "no_data"
            elif os.path.isdir(os.path.join(out_dir, STATE_DIR, "failed", org, str(year))):
                status = "failed"
            else:
                status = "not_built"
            cell_rows.append((org, year, has_data, is_built, status))
            if not is_built:
                miss_rows.append((org, orgs[org], year, status, STATUS_TEXT[status]))
    cells = pd.DataFrame(cell_rows, columns=["org", "year", "has_data", "built", "status"])
    missing = pd.DataFrame(miss_rows, columns=["org", "org_name", "year", "status", "reason"])
    missing = missing.sort_values(["year", "org"], kind="stable").reset_index(drop=True)
    return Rollup(out_dir, data_dir, reports, figures, cells, missing, orgs, years)


# ---------------------------------------------------------------- fragments

def _fmt(value):
    from .narrative import format_value

    if value is None or value != value:  # NaN
        return "—"
    return format_value(value)


def _labels(orgs):
    """Department slug → column label: its name, with the slug if two names clash."""
    counts = {}
    for name in orgs.values():
        counts[name] = counts.get(name, 0) + 1
    return {o: (n if counts[n] == 1 else f"{n}（{o}）") for o, n in orgs.items()}


class RollupView:
    """The index, as the rollup notebook shows it: each method returns HTML."""

    def __init__(self, rollup, catalog):
        self.rollup, self.catalog = rollup, catalog

    # -- helpers returning plain strings (tests and build_index use them) --
    def key_ids(self, year):
        """The catalogue's ``key`` figures present in any report of ``year``, catalogue order."""
        f = self.rollup.figures
        present = set(f.loc[f["year"] == year, "id"])
        return [fid for fid, ind in self.catalog.indicators.items()
                if ind.key and fid in present]

    def key_table(self, year):
        """DataFrame: 指标, 单位, then one column per department with a report in ``year``."""
        r = self.rollup
        f = r.figures[r.figures["year"] == year]
        orgs = [o for o in r.orgs if ((r.reports["org"] == o) & (r.reports["year"] == year)).any()]
        labels = _labels(r.orgs)
        rows = []
        for fid in self.key_ids(year):
            ind = self.catalog.indicators[fid]
            row = [ind.name, ind.unit]
            for o in orgs:
                hit = f[(f["org"] == o) & (f["id"] == fid)]
                row.append(_fmt(hit["value"].iloc[0]) if len(hit) else "—")
            rows.append(row)
        return pd.DataFrame(rows, columns=["指标", "单位", *[labels[o] for o in orgs]])

    def title_html(self):
        r = self.rollup
        span = ""
        if r.years:
            span = (f"（{r.years[0]}年）" if len(r.years) == 1
                    else f"（{r.years[0]}—{r.years[-1]}年）")
        line = (f"共 {len(r.orgs)} 个部门、{len(r.years)} 个年度{span}；"
                f"已生成报告 {len(r.reports)} 份，缺报 {len(r.missing)} 项。")
        return (f'<header class="lr-title"><h1>{html.escape(INDEX_TITLE)}</h1>'
                f'<p class="lr-note">{html.escape(line)}</p></header>')

    def overview_html(self):
        r = self.rollup
        if not r.orgs:
            return '<section class="lr-overview"><h2 class="lr-part">报告一览</h2>' \
                   '<p>暂无数据或报告。</p></section>'
        status = {(o, y): s for o, y, s in zip(r.cells["org"], r.cells["year"],
                                               r.cells["status"])}
        head = "".join(f"<th>{y}年</th>" for y in r.years)
        out = ['<section class="lr-overview"><h2 class="lr-part">报告一览</h2>',
               '<table class="lr-table lr-overview-table">',
               f"<thead><tr><th>部门</th>{head}</tr></thead>", "<tbody>"]
        for org, name in r.orgs.items():
            cells = []
            for y in r.years:
                s = status[(org, y)]
                if s == "built":
                    href = html.escape(r.report_path(org, y), quote=True)
                    cells.append(f'<td><a href="{href}">查看</a></td>')
                else:
                    cells.append(f'<td class="lr-{s}">{html.escape(STATUS_TEXT[s])}</td>')
            out.append(f"<tr><th>{html.escape(name)}</th>{''.join(cells)}</tr>")
        out += ["</tbody>", "</table>",
                '<p class="lr-note">未报送：无该年度数据文件；未生成：有数据文件但尚未生成报告；'
                "生成失败：最近一次生成失败。</p>", "</section>"]
        return "\n".join(out)

    def key_figures_html(self):
        from .render import table_html

        r = self.rollup
        out = ['<section class="lr-keyfigures"><h2>主要数据对比</h2>']
        years = sorted(set(r.reports["year"]), reverse=True)
        shown = 0
        for year in years:
            df = self.key_table(year)
            if df.empty:
                continue
            out.append(table_html(df, f"{year}年主要数据"))
            shown += 1
        if not shown:
            out.append("<p>暂无主要数据。</p>")
        out.append("</section>")
        return "\n".join(out)

    def key_figures_png(self, year):
        """Small multiples: one bar chart per key figure of ``year``, departments compared."""
        from .charts import PALETTE, png_bytes, setup_font
        from matplotlib.figure import Figure

        setup_font()
        df = self.key_table(year)
        depts = list(df.columns[2:])
        ncol = min(2, len(df))
        nrow = -(-len(df) // ncol)
        fig = Figure(figsize=(3.4 * ncol + 1.6, (0.34 * len(depts) + 1.0) * nrow + 0.6))
        axes = fig.subplots(nrow, ncol, sharey=True, squeeze=False)
        ys = list(range(len(depts)))[::-1]
        for i, ax in enumerate(axes.flat):
            if i >= len(df):
                ax.set_visible(False)
                continue
            row = df.iloc[i]
            texts = [row[d] for d in depts]
            values = [0.0 if t == "—" else float(t) for t in texts]
            bars = ax.barh(ys, values, color=PALETTE[0], height=0.6)
            ax.bar_label(bars, labels=texts, padding=3, fontsize=9)
            ax.set_yticks(ys, depts, fontsize=9)
            unit = row["单位"]
            ax.set_title(f"{row['指标']}（{unit}）" if unit else row["指标"], fontsize=10)
            ax.margins(x=0.3)
            if max(values, default=0) <= 0:
                ax.set_xlim(0, 1)
            ax.tick_params(axis="x", labelsize=8)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        fig.suptitle(f"{year}年主要数据部门对比", fontsize=12)
        return png_bytes(fig)

    def reports_png(self):
        """Per year: reports built and cells missing, stacked bars."""
        from .charts import PALETTE, png_bytes, setup_font
        from matplotlib.figure import Figure

        setup_font()
        r = self.rollup
        years = list(r.years)
        built = [int(((r.cells["year"] == y) & r.cells["built"]).sum()) for y in years]
        gap = [int(((r.cells["year"] == y) & ~r.cells["built"]).sum()) for y in years]
        fig = Figure(figsize=(max(3.6, 1.1 * len(years) + 2.0), 3.4))
        ax = fig.add_subplot()
        xs = list(range(len(years)))
        b1 = ax.bar(xs, built, color=PALETTE[0], width=0.6, label="已生成")
        b2 = ax.bar(xs, gap, bottom=built, color="#d9d4cc", width=0.6, label="缺报")
        ax.bar_label(b1, labels=[str(v) if v else "" for v in built], label_type="center",
                     color="white", fontsize=9)
        ax.bar_label(b2, labels=[str(v) if v else "" for v in gap], label_type="center",
                     fontsize=9)
        ax.set_xticks(xs, [f"{y}年" for y in years])
        ax.set_ylabel("份")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(0, max([b + g for b, g in zip(built, gap)], default=0) * 1.3 + 1)
        ax.legend(frameon=False, fontsize=9, loc="upper left", ncols=2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title("各年度报告生成情况", fontsize=12)
        return png_bytes(fig)

    def charts_html(self):
        from .render import png_html

        r = self.rollup
        out = ['<section class="lr-charts"><h2 class="lr-part">图表</h2>']
        if r.reports.empty:
            out.append("<p>暂无已生成的报告。</p>")
        else:
            latest = int(r.reports["year"].max())
            if not self.key_table(latest).empty:
                out.append(png_html(self.key_figures_png(latest),
                                    f"{latest}年主要数据部门对比", "rollup-key-figures"))
        if r.years:
            out.append(png_html(self.reports_png(), "各年度报告生成情况", "rollup-reports"))
        out.append("</section>")
        return "\n".join(out)

    def missing_html(self):
        m = self.rollup.missing
        out = ['<section class="lr-missing"><h2 class="lr-part">缺报情况</h2>']
        if m.empty:
            out.append("<p>无缺报。</p>")
        else:
            out.append("<ul>")
            for year, group in m.groupby("year", sort=True):
                items = "、".join(f"{html.escape(n)}（{html.escape(t)}）"
                                 for n, t in zip(group["org_name"], group["reason"]))
                out.append(f"<li>{int(year)}年：{items}</li>")
            out.append("</ul>")
        out.append("</section>")
        return "\n".join(out)

    # -- what the notebook calls --
    def title(self):
        """The heading 法治政府建设年度报告索引 and a line with the counts."""
        return _display(self.title_html())

    def overview(self):
        """Departments × years: a link to each report, or 未报送 / 未生成 / 生成失败."""
        return _display(self.overview_html())

    def key_figures(self):
        """The catalogue's key figures, one table per year, departments side by side."""
        return _display(self.key_figures_html())

    def charts(self):
        """Key figures of the latest year by department; reports per year."""
        return _display(self.charts_html())

    def missing(self):
        """Which departments have no report for which year (or 无缺报)."""
        return _display(self.missing_html())


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


def build_index(data_dir, out_dir, *, notebooks_dir=None, catalog_files=(), timeout=600):
    """Run ``notebooks/rollup.ipynb`` and write ``<out_dir>/index.html``.

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
    from .export import export_html
    from .pipeline import default_notebooks_dir

    data_dir, out_dir = os.path.abspath(data_dir), os.path.abspath(out_dir)
    notebooks_dir = os.path.abspath(notebooks_dir or default_notebooks_dir())
    nb_path = os.path.join(notebooks_dir, NOTEBOOK)
    if not os.path.isfile(nb_path):
        raise InputError(f"no {NOTEBOOK} in {notebooks_dir}: give the notebooks folder "
                         "that holds it (--notebooks DIR)")
    catalog_files = [os.path.abspath(p) for p in catalog_files]
    view = open_rollup(data_dir, out_dir, catalog_files)  # input errors before any kernel
    parameters = {"data_dir": data_dir, "out_dir": out_dir, "catalog_files": catalog_files}
    os.makedirs(os.path.join(out_dir, STATE_DIR), exist_ok=True)
    with _lock(out_dir):
        executed = execute_part("rollup", nb_path, os.path.join(out_dir, STATE_DIR, NOTEBOOK),
                                parameters, cwd=notebooks_dir, timeout=timeout)
        n = len(view.rollup.reports)
        line = (f"由 lawreport {__version__} 依据 {n} 份报告的 figures.json 生成；"
                "各报告的输入哈希与软件版本见其目录下的 provenance.json。")
        html_text = export_html(_index_notebook(executed), title=INDEX_TITLE,
                                version=__version__, provenance_line=line)
        final = os.path.join(out_dir, "index.html")
        tmp = os.path.join(out_dir, f".index.html.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(html_text)
            os.replace(tmp, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(tmp)
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
