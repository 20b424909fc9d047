"""What the part notebooks call: load a department-year, show a part.

A part notebook holds a ``parameters`` cell, then::

    import lawreport.notebook as lr
    part = lr.open_part("measures", data_dir, org, year, catalog_files, part=part_key)
    part.heading()
    part.body()

Each call returns an object Jupyter displays as HTML; charts are inline PNGs.
"""

from __future__ import annotations

import json
import os

from .api import load_year
from .render import PartView, data_check_html, drawing_html, table_html
from .stats import figures_record, figures_table

__all__ = ["open_part", "open_summary", "Part", "Summary"]


class _HTML:
    """A minimal rich-display object: Jupyter renders ``_repr_html_``."""

    def __init__(self, html):
        self.html = html

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return "<HTML fragment; open in Jupyter to see it>"


class Part:
    """One report part of a department-year, ready to show."""

    def __init__(self, loaded, key):
        self.loaded = loaded
        self.data, self.catalog = loaded.data, loaded.catalog
        self.view = PartView(loaded, key)
        self.key = key

    def heading(self):
        """The part heading, numbered per the outline (一、…)."""
        return _HTML(self.view.heading_html())

    def body(self):
        """Intro, areas, numbered items, with charts and tables where they belong."""
        return _HTML(self.view.body_html())

    def comparison(self):
        """与上年比较: this part's figures against the previous year (同比)."""
        return _HTML(self.view.comparison_html())

    def trends(self):
        """This part's key figures over every available year, as a chart."""
        return _HTML(self.view.trends_html())

    def statistics(self):
        """The figures this part speaks of (text and charts), as a DataFrame."""
        ids = self.view.figure_ids()
        df = figures_table(self.data, self.catalog)
        return df[df["id"].isin(ids)].reset_index(drop=True)


class Summary:
    """The appendix: key figures and the data check."""

    def __init__(self, loaded):
        self.loaded = loaded
        self.data, self.catalog, self.findings = loaded.data, loaded.catalog, loaded.findings

    def key_figures(self):
        """主要数据一览: the key figures (compared with the previous year when there is
        one), a chart of them and their trend over time."""
        from .exhibits import key_figures

        drawings = key_figures(self.loaded)
        if not drawings:  # a report with no key figures prints no empty table
            return _HTML("")
        out = ['<section class="lr-keyfigures"><h2>主要数据一览</h2>']
        for d in drawings:
            # the plain table without a previous year keeps its caption-less look
            out.append(table_html(d.table) if d.role == "key_figures" else drawing_html(d))
        out.append("</section>")
        return _HTML("\n".join(out))

    def data_check(self):
        """数据核验: warnings found in the data, then the findings of ``lawreport check``
        on the report (contents, dates, figures, text), for the analyst."""
        from .check import load_rules, rule_files_for

        root = os.path.dirname(os.path.dirname(os.path.abspath(self.data.path)))
        try:
            from .check import check_loaded

            checks = check_loaded(self.loaded, load_rules(rule_files_for(root)),
                                  os.path.basename(self.data.path))
        except Exception as exc:  # a review problem never stops the report: it is said
            import html

            out = data_check_html(self.findings)
            why = str(exc).replace(root + os.sep, "")  # no path of the build machine
            note = f'<p class="lr-note">报告核查未能运行：{html.escape(why)}</p></section>'

            return _HTML(out[:out.rindex("</section>")] + note)
        return _HTML(data_check_html(self.findings, checks))

    def write_figures(self, out_dir):
        """Write ``<out_dir>/<org>/<year>/figures.json``; returns its path."""
        folder = os.path.join(out_dir, self.data.org_slug, str(self.data.year))
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "figures.json")
        record = figures_record(self.data, self.catalog, self.findings)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(record, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.write("\n")
        return path


def open_part(kind, data_dir, org, year, catalog_files=(), part=None):
    """Load and validate the department-year and return one of its parts.

    ``kind`` is the notebook's kind of part (measures, shortcomings, leadership,
    plan, other); ``part`` the key of the part in the outline, when the outline has
    several parts of that kind (default: the first of them). A department-year
    without such a part shows nothing.
    """
    from .exceptions import InputError

    shown = Part(load_year(data_dir, org, year, catalog_files), part or kind)
    if part is not None and (not shown.view.present or shown.view.part.kind != kind):
        have = [f"{p.key} ({p.kind})" for p in shown.view.doc.parts]
        raise InputError(f"{org} {year} has no part '{part}' of kind '{kind}': its parts "
                         f"are {', '.join(have) or 'none'}; set part = None or one of those")
    return shown


def open_summary(data_dir, org, year, catalog_files=()):
    """Load and validate the department-year and return its appendix."""
    return Summary(load_year(data_dir, org, year, catalog_files))
