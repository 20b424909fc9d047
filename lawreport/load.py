"""Yearly data files (YAML; Excel workbooks through :mod:`lawreport.xlsx`) →
:class:`lawreport.model.YearData`.

Only the shape and the types are checked here, each problem located by file,
line and field; what the values mean is checked in :mod:`lawreport.validate`.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import os
import re

from .findings import Finding
from .model import Area, Item, PartText, YearData
from .yamlread import Scalar, read_yaml

__all__ = ["load_yaml", "load_data", "read_tree", "data_files", "year_files", "DATA_FILE",
           "TOP_KEYS"]

TOP_KEYS = ("org", "year", "report_date", "outline", "title", "figures", "narrative")
# ASCII digits only: full-width (１２) or Arabic-Indic digits are refused, not guessed
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_EXPONENT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+", re.ASCII)


class _Ctx:
    def __init__(self, path, lines):
        self.path, self.lines, self.findings = path, lines, []
        self.figure_lines = {}  # figure id → the line that gave it

    def error(self, fieldpath, message, hint="", line=None):
        if line is None:
            line = self.lines.get(fieldpath)
            probe = fieldpath
            while line is None and probe:
                probe = probe.rpartition(".")[0]
                line = self.lines.get(probe)
        self.findings.append(Finding("error", self.path, line, fieldpath, message, hint))


def _is_nothing(v):
    """True for a missing value: nothing after the colon, ``~`` or ``null``."""
    return v is None or (isinstance(v, Scalar) and not v.quoted and
                         v.text in ("", "~", "null", "Null", "NULL"))


def _describe(v):
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if _is_nothing(v):
        return "nothing"
    return f"'{v.text}'"


def _text(ctx, v, fieldpath, *, required=True, what="text"):
    """A string field: the raw scalar text, whatever YAML 1.1 would retype it to."""
    if _is_nothing(v):
        if required:
            ctx.error(fieldpath, f"{what} is missing", f"write the {what} after '{fieldpath.rsplit('.', 1)[-1]}:'")
        return None
    if not isinstance(v, Scalar):
        ctx.error(fieldpath, f"expected {what}, found {_describe(v)}",
                  "write it as one text value (use '|' for several paragraphs)")
        return None
    return v.text


def _number(ctx, v, fieldpath):
    if _is_nothing(v) or (isinstance(v, Scalar) and not v.text.strip()):
        key = fieldpath.rsplit(".", 1)[-1]
        ctx.error(fieldpath, f"expected a number, found {_describe(v)}",
                  f"write its value after '{key}:' (e.g. {key}: 12), or delete the line")
        return None
    if not isinstance(v, Scalar):
        ctx.error(fieldpath, f"expected a number, found {_describe(v)}",
                  "write a number such as 12, or nest figures as 'name: number' pairs")
        return None
    t = v.text.strip().replace(",", "") if not v.quoted else v.text.strip()
    if t.endswith("%"):
        ctx.error(fieldpath, f"'{v.text}' is not a number",
                  f"write percentages without the % sign: {t[:-1]}")
        return None
    if not _NUMBER.fullmatch(t) or v.quoted:
        hint = "write digits only, e.g. 12 or 99.5"
        if v.quoted:
            hint = f"remove the quotes: {t}" if _NUMBER.fullmatch(t) else hint
        elif _EXPONENT.fullmatch(t):
            hint = "write the number in plain digits, without an exponent (e or E)"
        ctx.error(fieldpath, f"expected a number, found '{v.text}'", hint)
        return None
    if re.fullmatch(r"[+-]?0\d+", t):
        digits = t.lstrip("+-")
        octal = (f"the octal number {int(digits, 8)}" if set(digits) <= set("01234567")
                 else "text, or an invalid octal number")
        ctx.error(fieldpath, f"'{t}' has a leading zero, which YAML 1.1 tools read as "
                  f"{octal}", f"write {int(t)} without the leading zero")
        return None
    value = float(t)
    if not math.isfinite(value):
        ctx.error(fieldpath, f"'{t[:12]}…' ({len(t)} characters) is too large to be a figure",
                  "check the figure: write the number in plain digits")
        return None
    return int(t) if "." not in t else value


def _figures(ctx, tree, prefix, out):
    if not isinstance(tree, dict):
        ctx.error(prefix, f"expected figures as 'name: number' pairs, found {_describe(tree)}",
                  "see docs/data-format.md")
        return
    for key, v in tree.items():
        fieldpath = f"{prefix}.{key}"
        if isinstance(v, dict):
            _figures(ctx, v, fieldpath, out)
        else:
            fid = fieldpath[len("figures."):]
            line = v.line if isinstance(v, Scalar) else None
            if fid in ctx.figure_lines:
                ctx.error(fieldpath, f"figure '{fid}' is given twice: here and on line "
                          f"{ctx.figure_lines[fid]}",
                          "keep one of the two: a dotted key 'a.b:' and 'b:' nested under "
                          "'a:' are the same figure", line=line)
                continue
            ctx.figure_lines[fid] = line
            n = _number(ctx, v, fieldpath)
            if n is not None:
                out[fid] = n


def _item(ctx, v, fieldpath):
    if isinstance(v, dict):
        return _run_in_item(ctx, v, fieldpath)
    t = _text(ctx, v, fieldpath, what="text")
    if t is None:
        return None
    if not t.strip():
        ctx.error(fieldpath, "the text is empty", "write the paragraph, or delete the entry")
        return None
    return Item(t.strip(), ctx.lines.get(fieldpath))


def _run_in_item(ctx, v, fieldpath):
    """``{lead: 健全依法决策机制。, text: 本年度……}``: a run-in heading and its text."""
    for k in v:
        if k not in ("lead", "text"):
            ctx.error(f"{fieldpath}.{k}", f"unknown field '{k}' in an item",
                      "an item is a text, or 'lead:' (its run-in heading) and 'text:'")
    lead = _text(ctx, v.get("lead"), f"{fieldpath}.lead", what="lead")
    text = _text(ctx, v.get("text"), f"{fieldpath}.text", what="text", required=False)
    if lead is None:
        return None
    if not lead.strip():
        ctx.error(f"{fieldpath}.lead", "the lead is empty",
                  "write the run-in heading, or write the item as plain text")
        return None
    return Item((text or "").strip(), ctx.lines.get(fieldpath), lead=lead.strip())


def _items(ctx, raw, fieldpath, what="a part"):
    if not isinstance(raw, list) or not raw:
        ctx.error(fieldpath, f"{what} needs 'items', a list of paragraphs",
                  "write each paragraph as '- text' under 'items:'")
        return []
    return [it for j, v in enumerate(raw) if (it := _item(ctx, v, f"{fieldpath}.{j}")) is not None]


def _part(ctx, key, tree, fieldpath):
    if not isinstance(tree, dict):
        ctx.error(fieldpath, f"expected the part as a mapping with 'intro' and 'areas', "
                  f"found {_describe(tree)}", "see docs/data-format.md")
        return None
    for k in tree:
        if k not in ("intro", "items", "areas"):
            ctx.error(f"{fieldpath}.{k}", f"unknown field '{k}' in a part",
                      "a part has 'intro', 'items' and 'areas' (each optional)")
    intro = _item(ctx, tree["intro"], f"{fieldpath}.intro") if "intro" in tree else None
    part_items = _items(ctx, tree["items"], f"{fieldpath}.items") \
        if "items" in tree else []
    areas = []
    raw_areas = tree.get("areas") or []
    if not isinstance(raw_areas, list):
        ctx.error(f"{fieldpath}.areas", "expected a list of areas ('- area: key' or "
                  "'- title: heading', each with 'items')", "see docs/data-format.md")
        raw_areas = []
    for i, a in enumerate(raw_areas):
        ap = f"{fieldpath}.areas.{i}"
        if not isinstance(a, dict):
            ctx.error(ap, f"expected an area mapping, found {_describe(a)}",
                      "write '- area: <key>' or '- title: <heading>' followed by 'items:'")
            continue
        for k in a:
            if k not in ("area", "title", "intro", "items"):
                ctx.error(f"{ap}.{k}", f"unknown field '{k}' in an area",
                          "an area has 'area' or 'title', 'intro' (optional) and 'items'")
        akey = _text(ctx, a["area"], f"{ap}.area", what="area key") if "area" in a else None
        title = _text(ctx, a["title"], f"{ap}.title", what="heading") if "title" in a else None
        if akey is None and title is None and "area" not in a and "title" not in a:
            ctx.error(ap, "an area needs 'area: <key of the outline>' or 'title: <heading>'",
                      "add one of the two")
        area_intro = _item(ctx, a["intro"], f"{ap}.intro") if "intro" in a else None
        # an area may be a heading alone (no 'items', no 'intro'), as some reports print
        items = _items(ctx, a["items"], f"{ap}.items", "an area") if "items" in a else []
        areas.append(Area(akey, title, items, ctx.lines.get(ap), intro=area_intro))
    return PartText(key, intro, areas, ctx.lines.get(fieldpath), items=part_items)


def build_model(tree, lines, path, partial=False):
    """A parsed tree → (YearData or None, findings).

    With errors, the model is None, or with ``partial=True`` the part of it
    that could be read, its ``bad_fields`` naming the fields in error.
    """
    ctx = _Ctx(path, lines)
    if not isinstance(tree, dict):
        ctx.error("", f"expected a mapping of fields ({', '.join(TOP_KEYS)}), "
                  f"found {_describe(tree)}", "write the fields as 'org:', 'year:', … each at "
                  "the start of a line, with no '-' before them (see docs/data-format.md)",
                  line=1)
        return None, ctx.findings
    for k in tree:
        if k not in TOP_KEYS:
            near = difflib.get_close_matches(k, TOP_KEYS, n=1, cutoff=0.6)
            ctx.error(k, f"unknown field '{k}'" + (f" (did you mean '{near[0]}'?)" if near
                                                   else ""),
                      (f"rename it to '{near[0]}'; " if near else "") +
                      f"the fields are: {', '.join(TOP_KEYS)}")
    for k in ("org", "year", "outline", "figures", "narrative"):
        if k not in tree:
            ctx.error(k, f"required field '{k}' is missing",
                      f"add '{k}:' (see docs/data-format.md)", line=1)
    org = tree.get("org")
    slug = name = region = level = None
    if isinstance(org, dict):
        slug = _text(ctx, org.get("slug"), "org.slug", what="slug")
        name = _text(ctx, org.get("name"), "org.name", what="department name")
        for k in org:
            if k not in ("slug", "name", "region", "level"):
                ctx.error(f"org.{k}", f"unknown field '{k}' in org",
                          "org has 'slug', 'name' and optionally 'region' and 'level'")
        region = (_text(ctx, org["region"], "org.region", what="region", required=False)
                  if "region" in org else None)
        level = (_text(ctx, org["level"], "org.level", what="level", required=False)
                 if "level" in org else None)
    elif "org" in tree:
        ctx.error("org", f"expected 'slug' and 'name' under org, found {_describe(org)}",
                  "write 'org:' on its own line, with 'slug: my-dept' and 'name: 某某局' "
                  "indented under it")
    year = None
    if "year" in tree:
        y = tree["year"]
        if isinstance(y, Scalar) and not y.quoted and re.fullmatch(r"\d{4}", y.text):
            year = int(y.text)
        elif isinstance(y, Scalar) and y.quoted and re.fullmatch(r"\d{4}", y.text.strip()):
            # like every number of the file, the year is written without quotes
            ctx.error("year", f"the year is written as quoted text (\"{y.text}\"), not as "
                      "a number", f"remove the quotes: year: {y.text.strip()}")
        else:
            ctx.error("year", f"expected a four-digit year, found {_describe(y)}",
                      "write the year as digits, e.g. year: 2021")
    report_date = None
    if "report_date" in tree and not _is_nothing(tree["report_date"]):
        d = tree["report_date"]
        t = d.text.strip() if isinstance(d, Scalar) else ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
            ctx.error("report_date", f"expected a date YYYY-MM-DD, found {_describe(d)}",
                      "write the date like \"2021-12-30\" (quoted)")
        else:
            try:
                report_date = _dt.date.fromisoformat(t)
            except ValueError as exc:
                ctx.error("report_date", f"'{t}' is not a date of the calendar ({exc})",
                          "write an existing date like \"2021-12-30\" (YYYY-MM-DD)")
    outline = _text(ctx, tree.get("outline"), "outline", what="outline name") \
        if "outline" in tree else None
    title = _text(ctx, tree["title"], "title", what="title") if "title" in tree else None
    figures = {}
    if "figures" in tree:
        _figures(ctx, tree["figures"], "figures", figures)
    narrative = tree.get("narrative")
    preamble, parts, signature, addressee = None, {}, None, None
    if isinstance(narrative, dict):
        for k in narrative:
            if k not in ("addressee", "preamble", "parts", "signature"):
                ctx.error(f"narrative.{k}", f"unknown field '{k}' in narrative",
                          "narrative has 'addressee', 'preamble', 'parts' and 'signature'")
        if "addressee" in narrative:
            addressee = _text(ctx, narrative["addressee"], "narrative.addressee",
                              what="addressee")
        if "preamble" in narrative:
            preamble = _item(ctx, narrative["preamble"], "narrative.preamble")
        if "signature" in narrative:
            signature = _text(ctx, narrative["signature"], "narrative.signature",
                              what="signature")
        raw_parts = narrative.get("parts")
        if isinstance(raw_parts, dict):
            for key, ptree in raw_parts.items():
                p = _part(ctx, key, ptree, f"narrative.parts.{key}")
                if p is not None:
                    parts[key] = p
        else:
            ctx.error("narrative.parts", "expected the parts as a mapping "
                      "(measures:, shortcomings:, leadership:, plan:)", "see docs/data-format.md")
    elif "narrative" in tree:
        ctx.error("narrative", f"expected 'preamble' and 'parts' under narrative, "
                  f"found {_describe(narrative)}", "see docs/data-format.md")
    data = YearData(path=path, org_slug=slug, org_name=name, year=year,
                    report_date=report_date, outline=outline, title=title, figures=figures,
                    preamble=preamble, parts=parts, signature=signature, lines=dict(lines),
                    addressee=addressee,
                    region=region, level=level)
    if ctx.findings:
        # a partial model: what could be read, for the checks that do not depend on
        # the fields in error (so one typo does not hide the file's other problems)
        data.bad_fields = {f.field for f in ctx.findings}
        return (data if partial else None), ctx.findings
    return data, ctx.findings


def load_yaml(path, partial=False):
    """Read one yearly YAML data file.

    Returns
    -------
    (YearData or None, list of Finding)
        The model is None when there are errors; with ``partial=True`` it is
        whatever could be read past type errors (see :func:`build_model`).
    """
    path = os.fspath(path)
    tree, lines, findings = read_yaml(path)
    if tree is None or findings:
        return None, findings
    return build_model(tree, lines, path, partial)


#: The name of a data file: ``<year>.yaml``, ``<year>.yml`` or ``<year>.xlsx``.
DATA_FILE = re.compile(r"(\d{4})\.(?:ya?ml|xlsx)")


def load_data(path, partial=False):
    """Read one yearly data file, YAML or Excel workbook (``.xlsx``), by its extension.

    Returns what :func:`load_yaml` returns.
    """
    if os.fspath(path).lower().endswith(".xlsx"):
        from .xlsx import load_xlsx

        return load_xlsx(path, partial)
    return load_yaml(path, partial)


def read_tree(path):
    """The parsed tree of a data file of either format: (tree, lines, findings)."""
    if os.fspath(path).lower().endswith(".xlsx"):
        from .xlsx import read_xlsx

        return read_xlsx(path)
    return read_yaml(path)


def year_files(folder):
    """``[(year, path)]`` of the data files in one department's folder, sorted.

    Raises
    ------
    InputError
        When one year is given by two files (``2021.yaml`` and ``2021.xlsx``).
    """
    from .exceptions import InputError

    by_year = {}
    for name in sorted(os.listdir(folder)):
        m = DATA_FILE.fullmatch(name)
        if m and os.path.isfile(os.path.join(folder, name)):
            by_year.setdefault(int(m.group(1)), []).append(name)
    for year, names in by_year.items():
        if len(names) > 1:
            raise InputError(
                f"{folder}: {' and '.join(names)} both hold the data of {year}: keep one "
                "(delete or move the other; lawreport convert turns one format into the "
                "other)")
    return [(y, os.path.join(folder, names[0])) for y, names in sorted(by_year.items())]


def data_files(root):
    """Every ``<org>/<year>.yaml`` (or ``.yml``, ``.xlsx``) under ``root``, sorted.

    Raises InputError when a department gives one year twice (see :func:`year_files`).
    """
    out = []
    if not os.path.isdir(root):
        return out
    for org in sorted(os.listdir(root)):
        d = os.path.join(root, org)
        if not os.path.isdir(d) or org.startswith("."):
            continue
        out += [p for _y, p in year_files(d)]
    return out
