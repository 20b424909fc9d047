"""Writing the index pages: one exporter, pages rewritten only when they change.

Every page goes through nbconvert with the ``index`` template package
(``lawreport/templates/index``: the report's page and stylesheet, a wider
sheet, the same Content-Security-Policy). The department and year pages are
incremental: ``<out>/.lawreport/pages.json`` records, per page, a sha256 of
what it shows and of the code that draws it; a page whose key is unchanged is
not drawn again, a page whose bytes are unchanged is not rewritten, and a page
no longer wanted (a year or a department gone) is removed. Importing this
module loads neither pandas nor nbconvert.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re

__all__ = ["page_html", "notebook_html", "write_if_changed", "write_pages", "pages_present",
           "MANIFEST"]

STATE_DIR = ".lawreport"
MANIFEST = "pages.json"
#: What a page of the manifest may be called (nothing else is ever removed).
_PAGE = re.compile(r"index-\d{4}\.html|[A-Za-z0-9][A-Za-z0-9._-]*/index\.html")
_exporter = None


def _get_exporter():
    global _exporter
    if _exporter is None:
        from .export import make_exporter

        _exporter = make_exporter("index", "page.html.j2")
    return _exporter


def notebook_html(nb, *, title, provenance_line):
    """An executed notebook (the rollup's) as an index page."""
    from . import __version__

    body, _ = _get_exporter().from_notebook_node(
        nb, resources={"lawreport": {"title": title, "version": __version__,
                                     "provenance_line": provenance_line}})
    return body


def page_html(fragments, *, title, provenance_line):
    """HTML fragments, in order, as an index page."""
    from nbformat.v4 import new_notebook

    from .export import html_cell

    nb = new_notebook(metadata={"language_info": {"name": "python"}})
    nb.cells = [html_cell(f"lr-page-{i}", f) for i, f in enumerate(fragments) if f]
    return notebook_html(nb, title=title, provenance_line=provenance_line)


def write_if_changed(path, text):
    """Write ``text`` to ``path`` atomically unless it already holds it; True if written."""
    data = text.encode("utf-8")
    with contextlib.suppress(OSError):
        with open(path, "rb") as fh:
            if fh.read() == data:
                return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
    return True


#: The modules that draw a page (a change elsewhere in the package redraws none).
DRAWN_BY = ("rollup.py", "index_html.py", "index_charts.py", "index_pages.py", "charts.py",
            "render.py", "narrative.py", "export.py")


def _code_key():
    """sha256 of what draws a page: its modules and templates, the version."""
    from . import __version__

    root = os.path.dirname(os.path.abspath(__file__))
    files = [os.path.join(root, f) for f in DRAWN_BY]
    for sub in ("templates/index", "templates/lawreport"):
        d = os.path.join(root, sub)
        files += sorted(os.path.join(d, f) for f in os.listdir(d))
    h = hashlib.sha256(__version__.encode())
    for path in files:
        with open(path, "rb") as fh:
            h.update(os.path.basename(path).encode() + b"\0" + fh.read())
    return h.hexdigest()


def _key(code, what):
    blob = json.dumps(what, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256((code + "\0" + blob).encode("utf-8")).hexdigest()


def _read_manifest(out_dir):
    try:
        with open(os.path.join(out_dir, STATE_DIR, MANIFEST), encoding="utf-8") as fh:
            found = json.load(fh)
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def pages_present(out_dir):
    """Whether every page the last rollup wrote is still there."""
    return all(os.path.isfile(os.path.join(out_dir, rel)) for rel in _read_manifest(out_dir))


def _department_inputs(pages, org, charts):
    r = pages.rollup
    return {"page": "department", "org": org, "label": pages.labels[org],
            "group": pages.group_of.get(org), "years": r.years, "charts": charts,
            "cells": [pages.cells[(org, y)] for y in r.years],
            "reports": [pages.reports.get((org, y)) for y in r.years],
            "values": [pages.values.get((org, y)) for y in r.years],
            "catalog": _catalog_inputs(pages)}


def _year_inputs(pages, year, charts):
    r = pages.rollup
    return {"page": "year", "year": year, "years": r.years, "charts": charts,
            "labels": pages.labels, "groups": r.groups,
            "cells": [pages.cells[(o, year)] for o in r.orgs],
            "reports": [pages.reports.get((o, year)) for o in r.orgs],
            "values": [pages.values.get((o, year)) for o in r.orgs],
            "catalog": _catalog_inputs(pages)}


def _catalog_inputs(pages):
    return [(fid, ind.name, ind.unit, ind.key, ind.comparable)
            for fid, ind in pages.catalog.indicators.items() if ind.key]


def write_pages(pages, charts=True):
    """Write the page of every department with a report, and every year's page.

    Parameters
    ----------
    pages : lawreport.index_html.Pages
    charts : bool
        Draw the trend and comparison charts.

    Returns
    -------
    list of str
        The paths written or removed (empty when nothing changed).
    """
    from . import __version__
    from .index_html import year_page

    r = pages.rollup
    out_dir = r.out_dir
    old, new, changed = _read_manifest(out_dir), {}, []
    code = _code_key()
    wanted = []
    for org in filter(pages.has_page, r.orgs):
        built = sum(pages.cells[(org, y)]["built"] for y in r.years)
        wanted.append((f"{org}/index.html", _department_inputs(pages, org, charts),
                       lambda org=org, built=built: page_html(
                           pages.department_fragments(org, charts),
                           title=f"{pages.labels[org]}法治政府建设年度报告",
                           provenance_line=f"由 lawreport {__version__} 依据本部门 {built} 份报告的 "
                                           "figures.json 生成。")))
    for year in r.years:
        built = sum(pages.cells[(o, year)]["built"] for o in r.orgs)
        wanted.append((year_page(year), _year_inputs(pages, year, charts),
                       lambda year=year, built=built: page_html(
                           pages.year_fragments(year, charts),
                           title=f"{year}年度法治政府建设年度报告一览",
                           provenance_line=f"由 lawreport {__version__} 依据 {year} 年 {built} "
                                           "份报告的 figures.json 生成。")))
    for rel, inputs, draw in wanted:
        key = new[rel] = _key(code, inputs)
        path = os.path.join(out_dir, rel)
        if old.get(rel) == key and os.path.isfile(path):
            continue
        if write_if_changed(path, draw()):
            changed.append(path)
    for rel in sorted(set(old) - set(new)):
        path = os.path.join(out_dir, rel)
        if _PAGE.fullmatch(rel) and os.path.isfile(path):
            os.remove(path)
            changed.append(path)
            if "/" in rel:  # a department gone: its folder too, if nothing else is left
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.dirname(path))
    if new != old:
        write_if_changed(os.path.join(out_dir, STATE_DIR, MANIFEST),
                         json.dumps(new, indent=1, sort_keys=True) + "\n")
    return changed
