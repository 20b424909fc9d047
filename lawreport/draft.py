"""Next year's data file, drafted from the latest earlier year (``lawreport init``).

The draft keeps the earlier year's outline, title, addressee, signature and
narrative (a text to rewrite: the paragraphs are the previous year's) and empties
every figure, so that ``lawreport validate`` lists each one, with its line or cell,
until it is filled. With no earlier year, the draft is a template: the parts and
areas of an outline, an empty paragraph in each, and every figure of the catalogue.
An existing file is never overwritten.
"""

from __future__ import annotations

import os
import re

from .exceptions import DataValidationError, InputError

__all__ = ["init_year", "DEFAULT_OUTLINE"]

#: The outline of a template: the national 纲要 (2021—2025).
DEFAULT_OUTLINE = "gangyao-2021"


def _draft_from(doc, year):
    doc = dict(doc)
    doc["year"] = year
    doc.pop("report_date", None)
    doc["figures"] = [(fid, None) for fid, _v in doc.get("figures") or []]
    return doc


def _template(org, year, outline, catalog):
    parts = {}
    for spec in outline.parts:
        if not spec.required:
            continue
        if spec.areas:
            parts[spec.key] = {"areas": [{"area": a.key, "items": [None]} for a in spec.areas]}
        else:
            parts[spec.key] = {"items": [None]}
    return {"org": {"slug": org, "name": None}, "year": year, "outline": outline.name,
            "figures": [(fid, None) for fid in catalog.indicators],
            "narrative": {"preamble": None, "parts": parts}}


def _headings_as_comments(text, outline):
    """YAML comments naming each part's and area's heading, for the analyst."""
    if outline is None:
        return text
    heads = {p.key: p.heading for p in outline.parts}
    areas = {a.key: a.heading for p in outline.parts for a in p.areas}
    out, in_parts = [], False
    for line in text.split("\n"):
        if re.fullmatch(r"  parts:", line):
            in_parts = True
        m = re.fullmatch(r"    ([A-Za-z_][\w-]*):", line) if in_parts else None
        if m and m.group(1) in heads:
            line = f"{line:<40} # {heads[m.group(1)]}"
        m = re.fullmatch(r"\s+- area: ([A-Za-z_][\w-]*)", line) if in_parts else None
        if m and m.group(1) in areas:
            line = f"{line:<40} # {areas[m.group(1)]}"
        out.append(line)
    return "\n".join(out)


def init_year(data_dir, org, year, fmt="yaml", *, outline=None, catalog_files=()):
    """Write ``<data_dir>/<org>/<year>.<fmt>``, a draft of the department's year.

    Returns
    -------
    (str, str or None)
        The path written and the earlier file it was drafted from (None for a
        template).

    Raises
    ------
    InputError
        Bad arguments, or a data file of that year exists (never overwritten).
    DataValidationError
        The earlier year cannot be read (its structure is wrong).
    """
    from .api import catalog_files_for, check_slug
    from .catalog import load_catalog, load_outline
    from .convert import FORMATS, read_document, write_document
    from .exceptions import CatalogError
    from .load import year_files

    org = check_slug(org)
    year = int(year)
    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    if not 1990 <= year <= 2100:
        raise InputError(f"--year {year} is out of range")
    folder = os.path.join(data_dir, org)
    existing = year_files(folder) if os.path.isdir(folder) else []
    for y, path in existing:
        if y == year:
            raise InputError(f"{path} exists: lawreport init never overwrites a data file "
                             "(edit it, or move it away first)")
    target = os.path.join(folder, f"{year}.{fmt}")
    catalog = load_catalog(catalog_files_for(data_dir, catalog_files, org))
    earlier = [(y, p) for y, p in existing if y < year]
    source = earlier[-1][1] if earlier else None
    if source is not None:
        doc, findings = read_document(source)
        if doc is None:
            raise DataValidationError(findings)
        doc = _draft_from(doc, year)
        try:
            spec = load_outline(doc.get("outline") or "", os.path.abspath(folder))
        except CatalogError:
            spec = None
        header = (f"{org} {year}: a draft made by lawreport init from "
                  f"{os.path.basename(source)}.",
                  "The text is last year's: rewrite it for this year. Every figure is "
                  "empty: fill it in, or delete",
                  f"the line. Add report_date: \"{year + 1}-01-31\" (the date printed "
                  "under the signature) when known.",
                  f"lawreport validate {target} lists what is still empty.")
    else:
        try:
            spec = load_outline(outline or DEFAULT_OUTLINE, os.path.abspath(folder))
        except CatalogError as exc:
            raise InputError(f"--outline: {exc}") from None
        doc = _template(org, year, spec, catalog)
        header = (f"{org} {year}: a template made by lawreport init from the outline "
                  f"{spec.name} and the indicator catalogue.",
                  "Fill in org.name, the preamble, one paragraph per item (add items as "
                  "'- text'), and each figure;",
                  "delete the figures the department does not report. See "
                  "docs/data-format.md; lawreport catalog lists the figures.",
                  f"lawreport validate {target} lists what is still empty.")
    os.makedirs(folder, exist_ok=True)
    if fmt == "yaml":
        from .convert import write_yaml

        write_yaml(doc, target, catalog, header)
        with open(target, encoding="utf-8") as fh:
            text = _headings_as_comments(fh.read(), spec)
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        write_document(doc, target, fmt, catalog, outline=spec)
    return target, source
