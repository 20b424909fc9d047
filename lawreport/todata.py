"""A published report's document tree (:mod:`lawreport.extract`) → a draft data file.

``extract_to_data(path, org, …)`` writes ``<data>/<org>/<year>.yaml`` with every
quantity of the text (233次, 100%, 12.5亿元 …) as a figure placeholder, matched to
an indicator of the catalogue by its unit and wording or declared in
``<data>/<org>/catalog.yaml``; and an outline file beside it when the layout is not
a shipped outline's. Nothing is written unless the draft validates, and no file is
overwritten without ``force``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from typing import NamedTuple

from .document import Document, Item
from .exceptions import InputError
from .extract import _MONTH_DATE, _clen, read_extracted
from .readers import _HAN

__all__ = ["extract_to_data", "ExtractResult", "find_quantities", "templatize", "UNITS"]


# -- figures ---------------------------------------------------------------------------

UNITS = ("个百分点", "个工作日", "万人次", "人次", "家次", "件次", "条次", "万元", "亿元",
         "千元", "万人", "万份", "万册", "万件", "万户", "平方米", "公里", "余人", "余件",
         "%", "％", "‰", "元", "次", "条", "人", "项", "件", "个", "家", "场", "期", "名", "台",
         "份", "篇", "户", "起", "宗", "部", "批", "天", "本", "册", "套", "所", "处", "座",
         "辆", "块", "张", "封", "课时", "学时", "小时", "单", "类", "种", "轮", "位", "支",
         "组", "条款", "款", "卷", "册次", "期次", "批次", "倍", "万", "亿", "场次", "户次",
         "车次", "架次", "公顷", "亩", "平方公里", "万平方米", "吨", "万吨", "公斤", "千克",
         "立方米", "千米", "米", "艘", "只", "头")
_UNIT_RX = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
QUANTITY = re.compile(r"(?<![\d.．/:：\-－—~～第])(\d+(?:,\d{3})*(?:\.\d+)?)(\s*)"
                      r"(余|多)?(\s*)(" + _UNIT_RX + r")")


def _protected_spans(text):
    """Spans not to touch: titles of documents 《…》, document numbers 〔2021〕3号."""
    spans = [m.span() for m in re.finditer(r"《[^《》]*》", text)]
    spans += [m.span() for m in re.finditer(r"[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号", text)]
    spans += [m.span() for m in re.finditer(r"\d+\s*号", text)]
    return spans


def find_quantities(text):
    """``[(start, end, value text, unit, context)]``: the quantities of a text.

    A quantity is a number with a unit (233次, 100%, 12.5亿元); years, dates,
    ordinals (第一批, 第3期), document numbers (〔2021〕3号) and numbers inside
    document titles 《…》 are not.
    """
    spans = _protected_spans(text)
    out = []
    for m in QUANTITY.finditer(text):
        s, e = m.span(1)
        if any(a <= s < b for a, b in spans):
            continue
        unit = m.group(5)
        after = text[m.end():m.end() + 1]
        if unit in ("万", "亿") and after and re.match(f"[{_HAN}]", after) is None and \
                after not in "，。；、":
            continue
        if unit == "期" and after in ("间",):
            continue
        num = m.group(1)
        if re.fullmatch(r"(19|20)\d\d", num) and unit in ("届", "版"):
            continue
        out.append((s, e, num, unit, (_context(text, s, m.end()),
                                       _window(text, s, m.end()))))
    return out


def _context(text, start, end):
    """The words a quantity counts: the clause before it, else the words after it."""
    before = re.split(r"[，。；：、！？,;:（(）)“”《》\n]", text[:start])[-1]
    after = re.split(r"[，。；：、！？,;:）)“”《\n]", text[end:])[0]
    name = _name_words(before)
    if _clen(name) < 2:
        name = _name_words(before + "" + after) if _clen(before) else _name_words(after)
    return name[-12:] if name else "数量"


def _name_words(text):
    """A clause made into a name: no figures, years, or connectives at its ends."""
    t = re.sub(r"\d{4}\s*[-－—~～至]\s*\d{4}\s*年|\d{4}\s*年(度)?", "", text)
    t = re.sub(r"\d+(?:\.\d+)?\s*(" + _UNIT_RX + r")?", "", t)
    t = re.sub(r"\s+", "", t)
    t = re.sub(r"^(其中|共计|累计|全年共|全年|本年度|今年|目前|我局|我委|我办|我厅|我中心|对|在|向|"
               r"共|将|把|经|已)+", "", t)
    t = re.sub(r"(共计|累计|共有|达到|超过|合计|总计|只有|仅有|提高到|提升到|不少于|不低于|"
               r"(?<=[率数量额])为|共|达|约|近|计)$", "", t)
    return t


#: what may follow the thing a number counts: a verb or a word of counting (政务公开信息共发布
#: 356条, 执法人员总数56名, 行政复议案件达12件)
_COUNTING = re.compile(r"(?:共|累计|合计|总计)?(?:发布|办理|受理|开展|查处|审查|审核|制定|"
                       r"出台|组织|举办|培训|完成|签订|配备)?(?:总数|总量|数量|数|人数|件数|"
                       r"次数|个数|达到?|为|有)?$")
#: years and spans of years, which belong to a quantity's words (2018-2020年出台的)
_YEARS = re.compile(r"\d{4}\s*[-－—~～至]\s*\d{4}\s*年度?|\d{4}\s*年度?")


def _window(text, start, end):
    """The words that may name a quantity: ``(own, after, clause, wide)``.

    ``own`` is what stands before it since the last stop, pause (、) or number (办理行政复议
    案件 in 办理行政复议案件4件); ``after`` what follows it up to the next one (12件行政复议
    案件); years do not end either. ``clause`` is its clause, ``wide`` up to 30 characters
    before it, across clauses (执法资格清理，5人辞职，1人调动)."""
    stop = r"[，。；：、！？,;:\n（）()]|\d"
    own = re.split(stop, _YEARS.sub("", text[:start]))[-1]
    after = re.split(stop, _YEARS.sub("", text[end:]))[0]
    before = re.split(r"[，。；：！？,;:\n]", text[:start])[-1]
    clause = before + re.split(r"[，。；：！？,;:\n]", text[end:])[0]
    return own, after, clause, text[max(0, start - 30):start]


# -- to data ---------------------------------------------------------------------------


@dataclass
class _Figure:
    id: str
    value: float
    unit: str
    name: str
    kind: str
    catalog: bool  # an indicator of the catalogue (shipped or the data folder's)


class _Figures:
    """Quantities → placeholders, matching catalogue indicators by their names."""

    def __init__(self, catalog, existing=None, tables=True):
        self.catalog = catalog
        self.existing = existing or {}  # id → (name, unit) of the department's catalogue
        self.figures = {}  # id → _Figure
        self.used = set()
        self.counters = {}
        self.make_tables = tables  # tables of figures become breakdowns with a table
        self.tables = []  # _Table
        self.drawn = []  # ReadTable: already drawn by an exhibit of the catalogue

    def same(self, name, value_text, unit):
        """The id of a figure already read with this name, unit and value, or None."""
        value = float(value_text.replace(",", ""))
        return next((f.id for f in self.figures.values() if f.name == name and
                     _norm_unit(f.unit) == _norm_unit(unit) and f.value == value), None)

    def _match(self, name, around, unit, value):
        """The catalogue indicator a quantity is, by its unit and the words naming it,
        nearest first: the words just before it, just after it, both; else words further
        before it in its sentence, if the indicator's name holds the quantity's own words
        (认领率 of 监管事项认领率). A neighbour's words never name it: in 办理行政复议案件4件，
        行政应诉案件2件 the 4件 are 行政复议案件."""
        import difflib

        def blocks(a, b):
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            return [blk.size for blk in sm.get_matching_blocks()]

        own, after, clause, wide = around
        fitting = []
        for iid, ind in self.catalog.indicators.items():
            if iid in self.used or _norm_unit(ind.unit) != _norm_unit(unit):
                continue
            if any(d not in clause for d in re.findall(r"\d+", ind.name)):
                continue
            if ind.kind == "count" and not float(value).is_integer():
                continue
            if ind.kind == "percentage" and not 0 <= float(value) <= 100:
                continue
            # its words: no brackets, no years (their digits were found in the clause)
            fitting.append((iid, _YEARS.sub("", re.sub(r"[（）()]", "", ind.name))))
        key = _name_words(own) or _name_words(after)
        # the words just before a number end with the thing it counts (审签重大行政执法
        # 决定17件 are 决定, not 决策; 执法人员编制180名 are posts, not 执法人员), once
        # the verbs and counting words after it are set aside (政务公开信息共发布, 执法人员总数)
        tails = {_name_words(own)[-1:], _COUNTING.sub("", _name_words(own))[-1:]}
        for words in (own, after, own + after if own and after else "", wide):
            best, score = None, None
            for iid, iname in fitting:
                if words is own and iname[-1:] not in tails:
                    continue
                found = blocks(iname, words)
                coverage = sum(found) / max(len(iname), 1)
                if coverage < 0.75:
                    continue
                if words is wide and (not key or sum(blocks(key, iname)) < 0.75 * len(key)):
                    continue  # words further off name it only if its own words are its name's
                s = (coverage, max(found), len(iname))
                if score is None or s > score:
                    best, score = iid, s
            if best is not None:
                return best
        return None

    def add(self, part_key, value_text, unit, context):
        value = float(value_text.replace(",", ""))
        value = int(value) if value.is_integer() and "." not in value_text else value
        kind = ("percentage" if _norm_unit(unit) == "%" and value <= 100 else
                "count" if isinstance(value, int) and unit not in ("万元", "亿元", "元", "千元",
                                                                    "万", "亿", "倍", "‰")
                else "number")
        name, window = context
        iid = self._match(name, window, unit, value)
        if iid is not None:
            self.used.add(iid)
            ind = self.catalog.indicators[iid]
            self.figures[iid] = _Figure(iid, value, ind.unit, ind.name, ind.kind, True)
            return iid
        # the same wording and value said twice: one figure
        for f in self.figures.values():
            if not f.catalog and f.name == name and f.unit == unit and f.value == value:
                return f.id
        # a figure of the department's catalogue with this wording (another year)
        for iid, (ename, eunit) in self.existing.items():
            if ename == name and eunit == unit and iid not in self.figures and \
                    iid.startswith(part_key + "."):
                self.figures[iid] = _Figure(iid, value, unit, name, kind, False)
                return iid
        n = self.counters.get(part_key, 0)
        while True:
            n += 1
            iid = f"{part_key}.q{n:02d}"
            if iid not in self.catalog.indicators and iid not in self.figures and \
                    iid not in self.existing:
                break
        self.counters[part_key] = n
        self.figures[iid] = _Figure(iid, value, unit, name, kind, False)
        return iid


def _norm_unit(u):
    return {"％": "%", "名": "人"}.get(u, u)


_CELL_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(" + _UNIT_RX + r")?")


def _header_unit(cell):
    """The unit a column's header names: 数量（件）, 件数, 人数, 金额（万元）, 件."""
    cell = re.sub(r"\s+", "", cell)
    m = re.search(r"[（(](" + _UNIT_RX + r")[）)]$", cell)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(" + _UNIT_RX + r")数", cell)
    if m:
        return m.group(1)
    return cell if cell in UNITS else None


def table_figures(rows):
    """``[(label, value text, unit)]`` of a table of figures: a label and a number on each
    row (the unit after the number, in a third column, or in the header), under at most
    one header row; None for any other table."""
    rows = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        return None
    if len(rows[0]) >= 3 and re.match(r"(占比|比例|比重|百分比)", rows[0][-1]):
        rows = [r[:-1] for r in rows]  # each row's share of the sum: computed, not data

    def data(row):
        cells = [c for c in row if c]
        if len(cells) not in (2, 3) or _CELL_NUMBER.fullmatch(cells[0]) or \
                not re.search(f"[{_HAN}]", cells[0]):
            return None
        m = _CELL_NUMBER.fullmatch(cells[1])
        if m is None:
            return None
        unit = m.group(2) or (cells[2] if len(cells) == 3 and cells[2] in UNITS else None)
        if len(cells) == 3 and unit != (m.group(2) or cells[2]):
            return None
        return cells[0], m.group(1), unit

    head_unit = None
    if data(rows[0]) is None:
        cells = [c for c in rows[0] if c]
        if len(cells) < 2:
            return None
        head_unit = _header_unit(cells[1])
        rows = rows[1:]
    out = []
    for row in rows:
        d = data(row)
        if d is None or (d[2] or head_unit) is None:
            return None
        out.append((d[0], d[1], d[2] or head_unit))
    return out if len(out) >= 2 else None


def _escape_braces(text):
    return text.replace("{", "{{").replace("}", "}}")


def templatize(text, year, figures, part_key):
    """The text with braces escaped, quantities as placeholders and the report's year
    as {year} (outside document titles)."""
    quantities = find_quantities(text)
    spans = _protected_spans(text)
    out, pos = [], 0
    events = [(s, e, "q", (v, u, c)) for s, e, v, u, c in quantities]
    if year:
        for m in re.finditer(r"(?<!\d至)(?<![\d\-－—~～])(\d{4})(?=\s*年)", text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            y = int(m.group(1))
            name = {year: "year", year + 1: "next_year", year - 1: "prev_year"}.get(y)
            nxt = text[m.end():m.end() + 6]
            if name and not re.match(r"\s*年\s*[-－—~～至]", nxt):
                events.append((m.start(), m.end(), "y", name))
    events.sort()
    for s, e, what, arg in events:
        if s < pos:
            continue
        out.append(_escape_braces(text[pos:s]))
        if what == "q":
            v, u, c = arg
            # 1,234 is printed back with its thousands separator
            out.append("{" + figures.add(part_key, v, u, c) + (":sep}" if "," in v else "}"))
        else:
            out.append("{" + arg + "}")
        pos = e
    out.append(_escape_braces(text[pos:]))
    return "".join(out)


# -- YAML ------------------------------------------------------------------------------


def _q(text):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _block(text, indent):
    """A text as a YAML scalar: a literal block ``|-`` when it reads back the same."""
    lines = text.split("\n")
    ok = (text and text == text.strip() and "\t" not in text and
          all(ln == ln.strip() for ln in lines) and
          not any(ch in text for ch in ("\r", "\u2028", "\u2029", "\x85", "\ufeff")))
    if not ok or "\n" not in text and len(text) < 40:
        return _q(text)
    pad = " " * indent
    return "|-\n" + "\n".join((pad + ln) if ln else "" for ln in lines)


class _Yaml:
    def __init__(self):
        self.out = []

    def line(self, s=""):
        self.out.append(s)

    def text(self, indent, key, value):
        pad = " " * indent
        self.out.append(f"{pad}{key}: {_block(value, indent + 2)}")

    def __str__(self):
        return "\n".join(self.out) + "\n"


def _item_yaml(y, indent, item):
    pad = " " * indent
    if item.lead is not None:
        y.line(f"{pad}- lead: {_q(item.lead)}")
        y.out.append(f"{pad}  text: {_block(item.text, indent + 4)}")
    else:
        y.out.append(f"{pad}- {_block(item.text, indent + 2)}")


# -- outlines --------------------------------------------------------------------------


def _squash(text):
    return re.sub(r"\s+", "", text)


def _year_pattern(year):
    """A year written in ASCII or full-width digits (２０２２年), as templatize reads it."""
    return "".join(f"[{d}{chr(ord(d) + 0xFEE0)}]" for d in str(year))


def _heading_template(heading, year):
    """A heading with the report's years as placeholders."""
    if not year:
        return heading
    return (re.sub(rf"(?<!\d){_year_pattern(year + 1)}(?=\s*年)", "{next_year}",
                   re.sub(rf"(?<!\d){_year_pattern(year)}(?=\s*年)", "{year}", heading)))


def _shipped_match(ex, year):
    """(outline name, {part key: spec key}, {(part key, area index): area key}) of a
    shipped outline the report's layout matches, or None."""
    from .catalog import load_outline, shipped_outlines
    from .narrative import render, heading_label

    doc = ex.doc
    ctx = {"year": year, "next_year": (year or 0) + 1, "prev_year": (year or 0) - 1}
    for name in shipped_outlines():
        o = load_outline(name)
        specs = {}
        for p in doc.parts:
            hit = next((s for s in o.parts if s.kind == p.kind and s.key not in specs.values()
                        and _squash(render(s.heading, ctx)) == _squash(p.heading)), None)
            if hit is None:
                break
            specs[p.key] = hit.key
        else:
            # same order, same numbering
            order = [s.key for s in o.parts if s.key in specs.values()]
            if order != [specs[p.key] for p in doc.parts]:
                continue
            ok = True
            areas = {}
            for n, p in enumerate(doc.parts, start=1):
                spec = o.part(specs[p.key])
                num = o.numbering_of(spec)
                info = ex.numbering.get(p.key, {})
                if _squash(heading_label(num["part"], n)) != _squash(p.label):
                    ok = False
                if p.items and not p.sections and spec.items == "none" and info.get("item"):
                    ok = False
                if p.sections and info.get("area") is not None and \
                        _squash(info["area"]) != _squash(num["area"]):
                    ok = False
                if info.get("item") and (spec.items != info.get("items") or
                                         _squash(info["item"]) != _squash(num["item"])):
                    ok = False
                if p.items and info.get("items") == "none" and spec.items != "none":
                    ok = False
                for i, sec in enumerate(p.sections):
                    a = next((a for a in spec.areas
                              if _squash(render(a.heading, ctx)) == _squash(sec.heading)), None)
                    if a is not None:
                        areas[(p.key, i)] = a.key
            if ok:
                return name, specs, areas
    return None


def _outline_yaml(ex, name, year, org_name):
    doc = ex.doc
    y = _Yaml()
    y.line(f"# The layout of {org_name or 'the report'}'s {year or ''} report, as read by "
           "lawreport extract.")
    y.line("# Edit headings and numbering here; the data file's narrative follows it.")
    y.line(f"name: {name}")
    y.line(f"description: {_q((org_name or '') + (str(year) if year else '') + ' 年度报告的提纲')}")
    # a report read without its title (a web page's text that starts at the preamble)
    # is given the usual one, the department's name printed above it
    title = _heading_template(_escape_braces(doc.title), year) if doc.title else DEFAULT_TITLE
    y.line(f"title: {_q(title)}")
    base = {"part": ex.numbering.get("_part", "{cn}、")}
    areas = [v["area"] for k, v in ex.numbering.items() if k != "_part" and v.get("area")]
    items = [v["item"] for k, v in ex.numbering.items() if k != "_part" and v.get("item")]
    base["area"] = areas[0] if areas else "（{cn}）"
    base["item"] = items[0] if items else "{n}. "
    if not any(p.label for p in doc.parts):
        base["part"] = ""
    y.line("numbering:")
    for k in ("part", "area", "item"):
        y.line(f"  {k}: {_q(base[k])}")
    y.line("parts:")
    for p in doc.parts:
        info = ex.numbering.get(p.key, {})
        y.line(f"  - key: {p.key}")
        y.line(f"    kind: {p.kind}")
        y.line(f"    heading: {_q(_heading_template(_escape_braces(p.heading), year))}")
        y.line(f"    required: {'false' if p.kind == 'other' else 'true'}")
        y.line(f"    items: {info.get('items', 'none')}")
        own = {}
        if info.get("area") is not None and info["area"] != base["area"]:
            own["area"] = info["area"]
        if info.get("item") and info["item"] != base["item"]:
            own["item"] = info["item"]
        if own:
            y.line("    numbering: {" + ", ".join(f"{k}: {_q(v)}" for k, v in own.items())
                   + "}")
    return str(y)


# -- extract ---------------------------------------------------------------------------

#: the title of a report read without one
DEFAULT_TITLE = "{year}年度法治政府建设情况报告"


def _default_title(year):
    return DEFAULT_TITLE.replace("{year}", str(year)) if year else DEFAULT_TITLE


@dataclass
class ExtractResult:
    """What ``extract`` found and wrote."""

    doc: Document
    fmt: str
    data_file: str
    outline: str  # a shipped outline's name or the outline file written
    catalog_file: str | None
    figures: list  # _Figure
    unplaced: list
    written: list
    year: int | None = None  # the year written (the title's, or the one given)
    tables: int = 0  # tables of figures the draft draws back as tables

    def summary(self):
        d = self.doc
        out = [f"read {self.fmt}: "
               f"{d.title or '(no title found: the outline gives ' + _default_title(self.year) + ')'}",
               f"  department: {d.org_name or '(not found: set org.name)'}"
               f"{'' if self.year is None else f', year {self.year}'}"]
        if d.year is not None and self.year is not None and d.year != self.year:
            out.append(f"  note: the title says {d.year}, --year gives {self.year}: the draft "
                       f"is {self.year}'s; check that this is the year you meant")
        if d.addressee:
            out.append(f"  addressee: {d.addressee}")
        if d.preamble:
            p = d.preamble.text.replace("\n", "")
            out.append(f"  preamble: {p[:40]}{'…' if len(p) > 40 else ''}")
        else:
            out.append("  preamble: none")
        for p in d.parts:
            n_items = len(p.all_items())
            out.append(f"  part {p.label.strip() or '·'} {p.heading} [{p.kind}, key {p.key}]: "
                       f"{len(p.sections)} area(s), {n_items} item(s)"
                       + (", intro" if p.intro else ""))
        dated = d.date and _date_iso(d.date) is None
        out.append(f"  signature: {d.signature or 'none'}; date: {d.date or 'none'}"
                   + (" (no day: set report_date in the data file)" if dated else ""))
        shipped = sum(f.catalog for f in self.figures)
        out.append(f"  figures: {len(self.figures)} ({shipped} matched to catalogue "
                   f"indicators, {len(self.figures) - shipped} declared in "
                   f"{self.catalog_file or 'no file'})")
        if self.tables:
            out.append(f"  tables: {self.tables} of figures, drawn as tables after their area "
                       f"or at the end of their part ({self.catalog_file}: breakdowns, "
                       "exhibits)")
        if self.unplaced:
            out.append(f"  not placed ({len(self.unplaced)}):")
            out += [f"    {w}: {t[:60]}" for w, t in self.unplaced]
        out.append(f"outline: {self.outline}")
        out.append("wrote:")
        out += [f"  {p}" for p in self.written]
        return "\n".join(out)


def _date_iso(text):
    """A report's date as YYYY-MM-DD (2024年3月15日, 二〇二四年三月十五日, 2024.3.15); None
    for a date without its day (2024年3月) or no date."""
    from .check_rules import parse_cn_date

    t = re.sub(r"\s+", "", text or "")
    d = None if _MONTH_DATE.match(t) else parse_cn_date(t)
    return d.isoformat() if d else None


def extract_to_data(report, org, *, year=None, data_dir="data", force=False, catalog_files=()):
    """Read a published report and write a draft data file (and outline and catalogue
    entries where needed) for ``org``. Returns :class:`ExtractResult`.

    Raises
    ------
    InputError
        The report cannot be read, the slug is invalid, no year is found or given, or
        a file exists (without ``force``). Nothing is written then.
    """
    from .api import catalog_files_for, check_slug
    from .catalog import load_catalog

    org = check_slug(org)
    ex = read_extracted(report)
    doc = ex.doc
    if year is None:
        year = doc.year
    if year is None:
        raise InputError(f"{report}: no year found in the title: give --year YYYY")
    year = int(year)
    if not doc.parts:
        raise InputError(f"{report}: no numbered parts (一、…) found: is this a 法治政府建设"
                         "年度报告? The text starts: " + (doc.title or "")[:40])
    folder = os.path.join(data_dir, org)
    data_file = os.path.join(folder, f"{year}.yaml")
    outline_file = os.path.join(folder, f"outline-{year}.yaml")
    catalog_file = os.path.join(folder, "catalog.yaml")
    if os.path.exists(data_file) and not force:
        raise InputError(f"{data_file} exists: give --force to overwrite it")
    catalog = load_catalog(catalog_files_for(data_dir, catalog_files))
    existing, has_sections = _read_own_catalog(catalog_file)
    match = _shipped_match(ex, year)
    outline_name = match[0] if match else f"outline-{year}.yaml"
    if not match and os.path.exists(outline_file) and not force:
        raise InputError(f"{outline_file} exists: give --force to overwrite it")
    # tables of figures become tables of the draft where the department's catalogue can
    # take their breakdowns; a draft that does not validate so is made without them
    tables = bool(ex.tables) and not has_sections
    while True:
        figs = _Figures(catalog, existing, tables=tables)
        data_text = _data_yaml(ex, org, year, outline_name, match, figs)
        own = [f for f in figs.figures.values() if not f.catalog]
        files = {data_file: data_text}
        if not match:
            files[outline_file] = _outline_yaml(ex, f"{org}-{year}", year, doc.org_name)
        if own or figs.tables:
            files[catalog_file] = _catalog_yaml(catalog_file, own, existing, figs.tables)
        try:
            _check_written(files, data_file, data_dir, catalog_files, org)
        except InputError:
            if not figs.tables:
                raise
            tables = False
            continue
        break
    written = _write_all(files)
    placed = {w for t in [t.read for t in figs.tables] + figs.drawn for w in t.wheres}
    unplaced = [(w, text) for w, text in ex.unplaced if w not in placed]
    return ExtractResult(doc, ex.fmt, data_file, outline_name,
                         catalog_file if (own or figs.tables) else None,
                         list(figs.figures.values()), unplaced, written, year,
                         len(figs.tables))


def _read_own_catalog(path):
    """The department's own catalogue: ``({indicator id: (name, unit)}, whether it
    declares breakdowns or exhibits)`` (new ones cannot simply be added at its end
    then)."""
    if not os.path.isfile(path):
        return {}, False
    from .catalog import _read

    try:
        tree, _lines = _read(path)
    except Exception as exc:  # an unreadable catalogue is the user's to fix
        raise InputError(f"{path}: cannot be read ({exc}): fix or remove it") from None
    tree = tree if isinstance(tree, dict) else {}
    inds = tree.get("indicators") or {}
    return ({k: (str(v.get("name")), str(v.get("unit"))) for k, v in inds.items()
             if isinstance(v, dict)}, "breakdowns" in tree or "exhibits" in tree)


def _catalog_yaml(path, own, existing, tables=()):
    """The department's catalogue: what it held, plus the new figures, and the tables
    read from the report as breakdowns drawn as tables."""
    old = ""
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as fh:
            old = fh.read()
    new = [f for f in own if f.id not in existing]
    if not new and not tables:
        return old
    entries = []
    for f in sorted(new, key=lambda f: f.id):
        extra = ", max: 100000000" if f.kind == "number" else ""
        entries.append(f"  {f.id}: {{name: {_q(f.name)}, unit: {_q(f.unit)}, kind: {f.kind}"
                       f"{extra}}}")
    lines = []
    if entries and not old.strip():
        lines += ["# Figures of this department found by lawreport extract: name them better",
                  "# and give ids of your own if you like (then change the data file too).",
                  "indicators:", *entries]
    elif entries:
        old = _add_indicators(old, entries)
    if tables:
        lines += ["# The report's tables of figures, drawn as tables after the area they follow",
                  "# (else at the end of their part): give each a title (name and title) of its",
                  "# own.",
                  "breakdowns:"]
        for t in tables:
            checked = f", total: {t.total}, rule: equal" if t.total else ""
            lines.append(f"  {t.id}: {{name: {_q(t.title)}, parts: [{', '.join(t.ids)}]"
                         f"{checked}}}")
            if t.total:  # its 合计 row, drawn under the others
                lines.append(f"  {t.id}_total: {{name: {_q(t.title + ' 合计')}, "
                             f"parts: [{t.total}]}}")
        lines.append("exhibits:")
        lines += [f"  - {{id: {t.id}, title: {_q(t.title)}, kind: table, breakdown: {t.id}, "
                  + (f"with: {t.id}_total, " if t.total else "")
                  + f"part: {t.part}" + (f", areas: [{_q(t.area)}]" if t.area else "")
                  + (f", columns: [{', '.join(_q(c) for c in t.columns)}]" if t.columns else "")
                  + "}" for t in tables]
    if not lines:
        return old
    return (old.rstrip("\n") + "\n" if old.strip() else "") + "\n".join(lines) + "\n"


def _add_indicators(text, entries):
    """A catalogue's text with indicator entries added at the end of its ``indicators:``
    block (other sections, breakdowns and exhibits, may follow it), or in a new one."""
    lines = text.rstrip("\n").split("\n")
    start = next((k for k, ln in enumerate(lines) if re.match(r"indicators\s*:", ln)), None)
    if start is None:
        return "\n".join(lines + ["indicators:", *entries]) + "\n"
    if re.match(r"indicators\s*:\s*\{\s*\}\s*$", lines[start]):
        lines[start] = "indicators:"
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t#"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # before the blank lines that end the block
    return "\n".join(lines[:end] + entries + lines[end:]) + "\n"


def _data_yaml(ex, org, year, outline_name, match, figs):
    doc = ex.doc
    specs = match[1] if match else {p.key: p.key for p in doc.parts}
    areas = match[2] if match else {}
    y = _Yaml()
    y.line(f"# {doc.org_name or org} {year}: a draft read from a published report by "
           "lawreport extract.")
    y.line("# Check the text and the figures; every quantity is a {figure} placeholder.")
    y.line("org:")
    y.line(f"  slug: {org}")
    y.line(f"  name: {_q(doc.org_name or org)}")
    y.line(f"year: {year}")
    iso = _date_iso(doc.date)
    if iso:
        y.line(f'report_date: "{iso}"')
    y.line(f"outline: {outline_name}")
    if doc.title:
        y.line(f"title: {_q(_heading_template(_escape_braces(doc.title), year))}")
    body = _Yaml()
    body.line("narrative:")
    if doc.addressee:
        body.line(f"  addressee: {_q(_escape_braces(doc.addressee))}")
    if doc.preamble:
        body.text(2, "preamble", templatize(doc.preamble.text, year, figs, "preamble"))
    body.line("  parts:")
    area_ids = {}  # (part index, area index): the area's key, or its title as written
    for n, p in enumerate(doc.parts):
        key = specs[p.key]
        empty = not (p.intro or p.items or p.sections)
        body.line(f"    {key}:" + (" {}" if empty else ""))
        if p.intro:
            body.text(6, "intro", templatize(p.intro.text, year, figs, key))
        if p.items:
            body.line("      items:")
            for it in p.items:
                _item_yaml(body, 8, _templ_item(it, year, figs, key))
        if p.sections:
            body.line("      areas:")
            for i, sec in enumerate(p.sections):
                akey = areas.get((p.key, i))
                area_ids[(n, i)] = akey or _escape_braces(sec.heading)
                if akey:
                    body.line(f"        - area: {akey}")
                else:
                    body.line(f"        - title: {_q(area_ids[(n, i)])}")
                ind = 10
                if sec.intro:
                    body.text(ind, "intro", templatize(sec.intro.text, year, figs, key))
                if sec.items:
                    body.line(" " * ind + "items:")
                    for it in sec.items:
                        _item_yaml(body, ind + 2, _templ_item(it, year, figs, key))
    if figs.make_tables:
        _tables(ex, year, figs, specs, area_ids)
    if doc.signature is None:
        body.line('  signature: ""')
    elif doc.signature != (doc.org_name or org):
        body.line(f"  signature: {_q(doc.signature)}")
    y.line("figures:" if figs.figures else "figures: {}")
    tree = {}
    for f in figs.figures.values():
        node = tree
        segs = f.id.split(".")
        for s in segs[:-1]:
            node = node.setdefault(s, {})
        node[segs[-1]] = f
    _figures_yaml(y, tree, 2)
    return str(y) + "\n" + str(body)


class _Table(NamedTuple):
    """A table of figures of the draft: its exhibit (and breakdown) id and title, its
    part's key, its figures' ids, its total's id, the table as read, and the area it
    follows (the area's key, or its title as the data file writes it; None: none)."""

    id: str
    title: str
    part: str
    ids: list
    total: str | None
    read: object  # extract.ReadTable
    area: str | None
    columns: list  # its own header (纠纷类型, 件数), [] when it has none or lawreport's


def _tables(ex, year, figs, specs, area_ids):
    """The report's tables of figures as figures of their part, each drawn back as a table
    (a breakdown and its exhibit in the department's catalogue) after the area it
    follows: ``figs.tables``. ``area_ids`` maps (part index, area index) to the area's
    key or title in the data file."""
    for t in ex.tables:
        rows = table_figures(t.rows) if t.part is not None else None
        if not rows:
            continue
        key = specs[ex.doc.parts[t.part].key]
        areas = {i: area_ids[(t.part, i)] for i in range(len(ex.doc.parts[t.part].sections))}
        # a row is a figure the text gave already (same name, unit and value), or a new
        # one named by its label
        ids = [figs.same(label, value, unit) or
               figs.add(key, value, unit, (label, (label, "", label, label)))
               for label, value, unit in rows]
        if len(set(ids)) != len(ids):
            continue  # two rows read as one figure: the table stays as read
        drawn = {p for e in figs.catalog.exhibits
                 for p in figs.catalog.breakdowns[e.breakdown].parts}
        if set(ids) <= drawn:
            figs.drawn.append(t)  # the catalogue's exhibits draw these (a report it wrote)
            continue
        # a last row 合计 (总计, 共计, 小计) is the others' total, checked as such
        total = ids.pop() if len(ids) >= 3 and re.fullmatch(
            r"[合总共小]\s*计", rows[-1][0]) else None
        n = len(figs.tables) + 1
        figs.tables.append(_Table(f"table_{year}_{n}", t.title or f"表{n}", key, ids, total, t,
                                  areas.get(t.area), _own_header(t.rows, len(rows))))


def _own_header(rows, n_figures):
    """A table's header cells (label, value, and unit if it has that column), when it has
    one of its own: not lawreport's 类别 | 数值 | 单位; its share column left out."""
    cells = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if len(cells) != n_figures + 1:
        return []  # no header row
    head = [c for c in cells[0] if c]
    if len(head) >= 3 and re.match(r"(占比|比例|比重|百分比)", head[-1]):
        head = head[:-1]
    if len(head) not in (2, 3) or head == ["类别", "数值", "单位"][:len(head)]:
        return []
    return head


def _figures_yaml(y, tree, indent):
    for k, v in tree.items():
        if isinstance(v, dict):
            y.line(" " * indent + f"{k}:")
            _figures_yaml(y, v, indent + 2)
        else:
            num = v.value if not isinstance(v.value, float) or not v.value.is_integer() \
                else int(v.value)
            y.line(" " * indent + f"{k}: {num}    # {v.name}（{v.unit}）")


def _templ_item(it, year, figs, key):
    lead = templatize(it.lead, year, figs, key) if it.lead is not None else None
    return Item(templatize(it.text, year, figs, key), it.label, lead)


def _check_written(files, data_file, data_dir, catalog_files, org):
    """Validate the draft in a scratch folder before writing anything for real."""
    from .api import catalog_files_for
    from .catalog import load_catalog
    from .exceptions import CatalogError
    from .validate import validate_file

    with tempfile.TemporaryDirectory() as tmp:
        mapping = {}
        for path, text in files.items():
            dest = os.path.join(tmp, org, os.path.basename(path))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w", encoding="utf-8") as fh:
                fh.write(text)
            mapping[path] = dest
        shared = os.path.join(data_dir, "catalog.yaml")
        extra = [shared] if os.path.isfile(shared) else []
        try:
            catalog = load_catalog(extra + catalog_files_for(tmp, catalog_files, org))
        except CatalogError as exc:
            raise InputError(f"the catalogue entries extract made do not load: {exc}") from None
        data, _o, findings = validate_file(mapping[data_file], catalog)
        if data is None:
            errors = "\n".join(f.format() for f in findings if f.level == "error")
            raise InputError(f"the draft read from the report does not validate (nothing was "
                             f"written):\n{errors}")


def _write_all(files):
    """Write each file through a temporary file and a rename; return the paths."""
    written = []
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                   prefix=".extract-", suffix=".yaml")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        written.append(path)
    return written
