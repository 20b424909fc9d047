"""Validation of a yearly data file against the catalogue and its outline.

Everything is checked before any kernel starts, and every problem is reported
at once. Errors stop a build; warnings (a stated total its parts do not add up
to, …) are listed in the report's 数据核验 section.
"""

from __future__ import annotations

import difflib
import os
import re

from .catalog import load_outline
from .exceptions import CatalogError
from .findings import Finding, has_errors
from .load import load_data
from .model import Item
from .narrative import (KNOWN_FORMATS, PlaceholderError, cn_number, format_value,
                        parse_placeholders)

__all__ = ["validate_file", "check_data", "texts_of", "SLUG"]

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
CONTEXT_NAMES = ("year", "next_year", "prev_year", "org.name")


def texts_of(data):
    """Every narrative text with its field path: (fieldpath, Item)."""
    out = []

    def items(prefix, its):
        for j, item in enumerate(its):
            if item.lead is not None:
                out.append((f"{prefix}.{j}.lead", Item(item.lead, item.line)))
                out.append((f"{prefix}.{j}.text", item))
            else:
                out.append((f"{prefix}.{j}", item))

    if data.addressee:
        out.append(("narrative.addressee", Item(data.addressee, data.lines.get(
            "narrative.addressee"))))
    if data.preamble:
        out.append(("narrative.preamble", data.preamble))
    for key, part in data.parts.items():
        if part.intro:
            out.append((f"narrative.parts.{key}.intro", part.intro))
        items(f"narrative.parts.{key}.items", part.items)
        for i, area in enumerate(part.areas):
            if area.intro:
                out.append((f"narrative.parts.{key}.areas.{i}.intro", area.intro))
            items(f"narrative.parts.{key}.areas.{i}.items", area.items)
    return out


def _near(name, options):
    m = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{m[0]}'?)" if m else ""


def _unknown_figure(fid, indicators):
    """(message, hint) for a figure id the catalogue does not declare.

    A known id nested under the wrong group, or written without its group, is
    almost always an indentation slip: say so.
    """
    hint = ("use an id of the catalogue (lawreport catalog), or declare it in your own "
            "catalogue file (--catalog)")
    segs = fid.split(".")
    for i in range(1, len(segs)):
        tail = ".".join(segs[i:])
        if tail in indicators:
            return (f"unknown figure '{fid}': '{tail}' is a figure of the catalogue, but "
                    f"here it is nested under '{'.'.join(segs[:i])}'",
                    "check the indentation of this line: it belongs at the level of "
                    f"figures: {tail}")
    groups = sorted(i for i in indicators if i.rpartition(".")[2] == fid and "." in i)
    if groups:
        return (f"unknown figure '{fid}' (it is the name of a figure inside a group: "
                f"{', '.join(groups[:4])})",
                "nest it under its group, indented, e.g. "
                f"figures: {groups[0].rpartition('.')[0]}: {fid}")
    return f"unknown figure '{fid}'{_near(fid, indicators)}", hint


_FULLWIDTH = re.compile(r"｛\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:[:：]\s*([a-z]+)\s*)?｝")
_BRACED = re.compile(r"\{([^{}｛｝\n]{0,60})[}｝]")
_BRACE_HINT = "write {{ and }} for literal braces; a placeholder is {figure.id}"


def _placeholder_problem(text, exc):
    """(message, hint) for a :class:`PlaceholderError` in ``text``."""
    msg = str(exc)
    if msg.startswith("unknown format"):
        return msg, (f"use {{id}} or {{id:format}} with a format of {KNOWN_FORMATS} "
                     "(see docs/data-format.md)")
    col = (exc.column or 1) - 1
    m = _BRACED.match(text, col) if text[col:col + 1] == "{" else None
    if not m or not m.group(1).strip():
        # a figure id next to the lone brace: the other brace is missing
        if text[col:col + 1] == "{":
            near = re.match(r"\{([A-Za-z_][A-Za-z0-9_.]*(?::[a-z]+)?)", text[col:])
        else:
            near = re.search(r"([A-Za-z_][A-Za-z0-9_.]*(?::[a-z]+)?)$", text[:col])
        if near:
            return msg, (f"if this is a placeholder, write {{{near.group(1)}}}; "
                         + _BRACE_HINT)
        return msg, _BRACE_HINT
    name, colon, fmt = m.group(1).replace("：", ":").partition(":")
    fixed = "{" + name.strip() + (":" + fmt.strip().lower() if colon else "") + "}"
    try:
        ok = len(parse_placeholders(fixed)) == 1 and not isinstance(
            parse_placeholders(fixed)[0], str)
    except PlaceholderError:
        ok = False
    how = (f"write it as {fixed}" if ok else
           "a placeholder is {figure.id} or {figure.id:format}")
    return (f"malformed placeholder '{m.group(0)}' at character {col + 1}",
            f"{how}: no spaces, an ASCII figure id, half-width braces and a lowercase "
            f"format ({KNOWN_FORMATS}); write {{{{ and }}}} for literal braces")


def check_data(data, catalog, outline=None):
    """Semantic findings for a loaded :class:`YearData`. Returns (outline, findings)."""
    f = []

    def add(level, fieldpath, msg, hint="", zh=""):
        f.append(Finding(level, data.path, data.line_of(fieldpath), fieldpath, msg, hint, zh))

    # identity: slug, year, path (each only when it could be read)
    folder = os.path.basename(os.path.dirname(os.path.abspath(data.path)))
    stem = os.path.splitext(os.path.basename(data.path))[0]
    if data.org_slug is not None:
        if not SLUG.fullmatch(data.org_slug):
            add("error", "org.slug", f"'{data.org_slug}' is not a valid slug",
                "use lowercase ASCII letters, digits and '-' only (no '/', '..', spaces or "
                "Chinese), e.g. yuncheng-kjj")
        elif re.fullmatch(r"\d{4}", stem) and folder != data.org_slug:
            add("error", "org.slug", f"slug '{data.org_slug}' differs from the folder "
                f"'{folder}'", f"write slug: {folder}, or move the file to "
                f"data/{data.org_slug}/")
    if data.year is not None:
        if re.fullmatch(r"\d{4}", stem) and int(stem) != data.year:
            add("error", "year", f"year {data.year} contradicts the file name {stem}.yaml",
                f"write year: {stem}, or rename the file to {data.year}.yaml")
        if not 1990 <= data.year <= 2100:
            add("error", "year", f"year {data.year} is out of range",
                "write the reporting year")
        if data.report_date is not None and \
                data.report_date.year not in (data.year, data.year + 1):
            add("warning", "report_date", f"report date {data.report_date} is not in "
                f"{data.year} or {data.year + 1}", "check the date printed under the signature",
                f"落款日期 {data.report_date} 不在 {data.year} 年或 {data.year + 1} 年内，"
                "请核对。")

    # figures
    for fid, value in data.figures.items():
        fp = f"figures.{fid}"
        ind = catalog.indicators.get(fid)
        if ind is None:
            add("error", fp, *_unknown_figure(fid, catalog.indicators))
            continue
        low, high = ind.bounds
        if ind.kind == "count" and not float(value).is_integer():
            add("error", fp, f"{ind.name} is a count; {value} is not a whole number",
                "write a whole number")
        elif value < low:
            what = "a count" if ind.kind == "count" else ind.kind
            add("error", fp, f"{ind.name} is {what}; {format_value(value)} is below {low}",
                f"write a value of at least {low}")
        elif value > high:
            pct = ind.kind == "percentage" and high == 100
            add("error", fp, f"{ind.name} = {format_value(value)} is above its bound "
                f"{format_value(high)}" + (" (percentages are 0-100)" if pct else ""),
                "check the figure: write a percentage as a number from 0 to 100 (99.5 "
                "for 99.5%)" if pct else
                "check the figure; if it is right, raise 'max' for it in your catalogue")

    # relations
    for b in catalog.breakdowns.values():
        if not b.total or not b.rule:
            continue
        present = [p for p in b.parts if p in data.figures]
        if b.total not in data.figures or not present:
            continue
        total = data.figures[b.total]
        s = sum(data.figures[p] for p in present)
        names = " + ".join(f"{catalog.indicators[p].name} {format_value(data.figures[p])}"
                           for p in present)
        unit = catalog.indicators[b.total].unit
        bad = (total != s) if b.rule == "equal" else (total < s)
        if bad:
            add("warning", f"figures.{b.total}",
                f"{b.name}: stated total {format_value(total)} {unit} but the parts add up "
                f"to {format_value(s)} {unit} ({names})",
                "check the categories for a missing one, or correct the total",
                f"{b.name}：所列合计 {format_value(total)} {unit}，各分项之和为 "
                f"{format_value(s)} {unit}（{names.replace(' + ', '、')}），二者"
                + ("不一致" if b.rule == "equal" else "不符（合计小于分项之和）")
                + "。请核对是否遗漏分类，或更正合计数。")

    # outline and narrative
    if outline is None and data.outline is not None:
        try:
            outline = load_outline(data.outline, os.path.dirname(os.path.abspath(data.path)))
        except CatalogError as exc:
            add("error", "outline", str(exc), "write one of the shipped outline names")
            outline = None
    if outline is not None:
        for key, part in data.parts.items():
            spec = outline.part(key)
            if spec is None:
                add("error", f"narrative.parts.{key}",
                    f"part '{key}' is not in outline '{outline.name}'"
                    f"{_near(key, [p.key for p in outline.parts])}",
                    f"use one of: {', '.join(p.key for p in outline.parts)}")
                continue
            for i, area in enumerate(part.areas):
                if area.key is not None and spec.area(area.key) is None:
                    keys = [a.key for a in spec.areas]
                    add("error", f"narrative.parts.{key}.areas.{i}.area",
                        f"area '{area.key}' is not in part '{key}' of outline '{outline.name}'"
                        f"{_near(area.key, keys)}",
                        f"use one of: {', '.join(keys)}; or write 'title: <heading>' for an "
                        "area of your own" if keys else "write 'title: <heading>' instead")
        parts_unread = bool({"narrative", "narrative.parts"} & data.bad_fields)
        printed = [p.key for p in outline.parts if p.key in data.parts]  # as numbered
        for spec in outline.parts:
            if spec.key not in data.parts and (parts_unread or
                                               f"narrative.parts.{spec.key}" in data.bad_fields):
                continue  # already reported as unreadable
            if spec.required and spec.key not in data.parts:
                add("error", f"narrative.parts.{spec.key}",
                    f"required part '{spec.key}' ({spec.heading}) is missing",
                    f"add 'narrative: parts: {spec.key}:' with its areas and items")
            elif spec.key in data.parts and not (data.parts[spec.key].areas or
                                                 data.parts[spec.key].intro or
                                                 data.parts[spec.key].items):
                add("warning", f"narrative.parts.{spec.key}",
                    f"part '{spec.key}' has no text: only its heading is printed",
                    "write its intro, items or areas, or remove it if the outline allows",
                    zh=f"第{cn_number(printed.index(spec.key) + 1)}部分只有标题，没有内容")

    # placeholders
    known = set(catalog.indicators) | set(CONTEXT_NAMES)
    texts = texts_of(data)
    if data.title:
        texts.append(("title", type("T", (), {"text": data.title, "line": None})()))
    for fp, item in texts:
        for m in _FULLWIDTH.finditer(item.text):
            if m.group(1) in known:
                fixed = "{" + m.group(1) + (f":{m.group(2)}" if m.group(2) else "") + "}"
                add("error", fp, f"placeholder '{m.group(0)}' is written with full-width "
                    "braces ｛｝", f"write it with half-width (半角) braces: {fixed}")
        try:
            pieces = parse_placeholders(item.text)
        except PlaceholderError as exc:
            add("error", fp, *_placeholder_problem(item.text, exc))
            continue
        for piece in pieces:
            if isinstance(piece, str):
                continue
            name, _fmt = piece
            if name not in known:
                add("error", fp, f"placeholder {{{name}}} names an unknown figure"
                    f"{_near(name, known)}", "use a figure id of the catalogue, or "
                    "{year}, {next_year}, {prev_year}, {org.name}")
            elif (name in catalog.indicators and name not in data.figures
                  and f"figures.{name}" not in data.bad_fields):
                add("error", fp, f"placeholder {{{name}}} has no value in figures",
                    f"add figures: {name} (its value), or remove the placeholder")
    return outline, f


def validate_file(path, catalog):
    """Load and check one data file.

    Returns
    -------
    (YearData or None, Outline or None, list of Finding)
        data and outline are None when there are errors.
    """
    data, findings = load_data(path, partial=True)
    if data is None:
        return None, None, findings
    outline, more = check_data(data, catalog)
    if os.fspath(path).lower().endswith(".xlsx"):
        from .xlsx import excel_hints

        more = excel_hints(more)
    seen = {(f.field, f.line) for f in findings}
    findings = findings + [f for f in more if (f.field, f.line) not in seen]
    findings.sort(key=lambda x: (x.level != "error", x.line or 0))
    if has_errors(findings):
        return None, None, findings
    return data, outline, findings
