"""The rules of ``lawreport check`` on contents, dates, figures and plan follow-through
(the text rules are in :mod:`lawreport.check_text`): each reads a :class:`Subject` and
emits findings.

A subject is one report as a document tree (:mod:`lawreport.document`), read from a
data file or from a published text, with what the rules need beside it: its text
units (every heading and paragraph with its place), and for a data file the figures,
the catalogue and last year's data. Rules need no model and fetch nothing: phrase
lists (``lawreport/rules/phrases.yaml``), edit distance and patterns.

Every rule is a function ``rule(subject, emit)``; ``emit(rule_id, unit, quote=…,
**fields)`` makes a finding whose wording comes from the rule catalogue
(``lawreport/rules/rules.yaml``).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["TextUnit", "Subject", "levenshtein", "cn_to_int", "parse_cn_date",
           "quote_at", "quantities"]

HAN = "\u4e00-\u9fff"
_HAN = re.compile(f"[{HAN}]")

#: the five contents of 《法治政府建设与责任落实督察工作规定》 (2019), in its own words
CONTENTS = {
    "measures": "上一年度推进法治政府建设的主要举措和成效",
    "shortcomings": "存在的不足和原因",
    "leadership": "党政主要负责人履行推进法治建设第一责任人职责、加强法治政府建设的有关情况",
    "plan": "下一年度推进法治政府建设的主要安排",
    "other": "其他需要报告的情况",
}
OPTIONAL_CONTENTS = ("other",)
#: what says a content is reported where no part of its own is given to it (a report
#: whose parts are themes: 扛牢主体责任… with the head's duty in its text); ``{next}`` is
#: the year after the report's
CONTENT_MENTIONS = {
    "leadership": (r"第一责任人",),
    "shortcomings": (r"(存在|仍|还|尚)[^。；！？]{0,12}(不足|问题|短板|差距|薄弱)",),
    "plan": (r"(下一步|下步|下一年度|明年|{next}年)[^。；！？]{0,24}(将|继续|计划|打算|进一步|重点)",),
}


@dataclass
class TextUnit:
    """One heading or paragraph of a report, with where it is."""

    text: str
    kind: str  # title | addressee | preamble | heading | intro | item | signature | date
    file: str
    line: int | None
    where: str  # data field path, or a place in a published text
    place: str = ""  # the printed place: 一、（三）13.
    outline: str = ""  # outline file:line when the text comes from an outline
    part: object = None  # the Part it belongs to (None for the front and back matter)
    order: float = 0.0  # findings are listed in this order (the report's, whatever the format)


@dataclass
class Subject:
    """What the rules look at: one report and its context."""

    doc: object  # lawreport.document.Document
    file: str
    units: list = field(default_factory=list)
    phrases: dict = field(default_factory=dict)
    is_data: bool = False
    data: object = None  # YearData, for a data file
    catalog: object = None
    previous_data: object = None  # last year's YearData
    previous_doc: object = None  # last year's Document (data or a published report)
    previous_file: str = ""
    date: _dt.date | None = None
    date_unit: TextUnit | None = None
    figure_lines: dict = field(default_factory=dict)  # figure id -> line
    node_units: dict = field(default_factory=dict)  # id(document node) -> its TextUnit
    total_keys: set = field(default_factory=set)  # (total, sum) the catalogue check found

    rules: dict = field(default_factory=dict)  # the rule catalogue (id -> spec)

    @property
    def year(self):
        return self.doc.year

    def rule_param(self, rule_id, name, default):
        """A number the catalogue gives a rule (``min_value`` …), or ``default``."""
        value = (self.rules.get(rule_id) or {}).get(name, default)
        return value if isinstance(value, (int, float)) else default


# -- helpers -----------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


def cn_to_int(s):
    """一 → 1, 十二 → 12, 二十 → 20, 二〇二一 → 2021 (digit by digit), 12 → 12; None if not."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN_DIGITS and c not in "十百" for c in s):
        return None
    if "十" not in s and "百" not in s:
        n = 0
        for c in s:
            n = n * 10 + _CN_DIGITS[c]
        return n
    total, cur = 0, 0
    for c in s:
        if c == "百":
            total += (cur or 1) * 100
            cur = 0
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        else:
            cur = _CN_DIGITS[c]
    return total + cur


_DATE = re.compile(r"([0-9]{4}|[〇○零一二三四五六七八九]{4})\s*年\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})"
                   r"\s*月\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日")


def parse_cn_date(text):
    """The first date written 2021年12月30日 (or in Chinese numerals, or full-width
    digits) in ``text``."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)  # ２０２４年３月 → 2024年3月
    m = _DATE.search(text)
    if not m:
        ym = re.search(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月", text)
        if ym:  # a year and month only: the month's first day
            try:
                return _dt.date(int(ym.group(1)), int(ym.group(2)), 1)
            except ValueError:
                return None
        n = re.fullmatch(r"\s*([0-9]{4})[.．/\-]([0-9]{1,2})[.．/\-]([0-9]{1,2})\s*", text)
        try:
            if n:  # 2024.3.15, 2024/3/15, 2024-03-15
                return _dt.date(*map(int, n.groups()))
            return _dt.date.fromisoformat(text.strip())
        except ValueError:
            return None
    y, mo, d = (cn_to_int(g) for g in m.groups())
    try:
        return _dt.date(y, mo, d)
    except (TypeError, ValueError):
        return None


def levenshtein(a, b, limit=2):
    """Edit distance of two short strings, two neighbouring characters swapped counting
    as one edit (optimal string alignment); stops counting above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                d = min(d, before[j - 2] + 1)
            cur.append(d)
        if min(cur) > limit:
            return limit + 1
        before, prev = prev, cur
    return prev[-1]


def quote_at(text, start, end, width=14):
    """The text around [start, end), with … where it is cut."""
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a > 0 else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def _sentences(text):
    """(start, sentence) of each sentence, split after 。！？； and line breaks."""
    out, start = [], 0
    for m in re.finditer(r"[。！？；\n]", text):
        out.append((start, text[start:m.end()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


def _units_re(phrases):
    units = sorted(phrases.get("units", []), key=len, reverse=True)
    return "|".join(re.escape(u) for u in units) or "项"


# -- 1. required contents -----------------------------------------------------------------

def rule_contents(s, emit):
    """Each of the regulation's required contents is a part of some kind."""
    kinds = {p.kind for p in s.doc.parts}
    title = s.units[0] if s.units else None
    if s.is_data:
        title = TextUnit("", "field", s.file, s.data.line_of("narrative.parts"),
                         "narrative.parts", order=-3)
    for kind, words in CONTENTS.items():
        if kind in OPTIONAL_CONTENTS or kind in kinds:
            continue
        found = _mention(s, kind)
        if found is not None:
            unit, m = found
            emit("content.unheaded", unit, content=words,
                 place=unit.place or unit.where, quote=quote_at(unit.text, m.start(), m.end()))
        else:
            emit("content.missing", title, content=words, quote="")


def _mention(s, kind):
    """(unit, match) of the first heading or paragraph of the body that speaks of a
    required content, or None."""
    nxt = str(s.year + 1) if s.year else "----"
    patterns = [re.compile(p.replace("{next}", nxt)) for p in CONTENT_MENTIONS.get(kind, ())]
    for unit in s.units:
        if unit.part is None or unit.kind not in ("heading", "intro", "item"):
            continue
        for pat in patterns:
            m = pat.search(unit.text)
            if m:
                return unit, m
    return None


# -- 2. dates ------------------------------------------------------------------------------

_YEAR = re.compile(r"((?:19|20)\d{2}|[〇○零一二][〇○零一二三四五六七八九]{3})\s*年")


def _years_in(text):
    out = []
    for m in _YEAR.finditer(text or ""):
        y = cn_to_int(m.group(1))
        if y and 1990 <= y <= 2100:
            out.append((y, m))
    return out


def rule_dates(s, emit):
    year = s.year
    unit = s.date_unit or (s.units[-1] if s.units else None)
    if year is None:
        return
    deadline = _dt.date(year + 1, 4, 1)
    dl = f"{year + 1}年4月1日"
    if s.date is None:
        u = TextUnit("", "field", s.file, s.data.line_of("year") if s.is_data else None,
                     "report_date" if s.is_data else "日期", order=-2)
        emit("date.missing", u, example=f"{year + 1}年1月20日", quote="")
    else:
        shown = (s.doc.date or "").strip() or f"{s.date.year}年{s.date.month}月{s.date.day}日"
        # as GB/T 9704 writes it: 2024年3月15日 (not 二〇二四年…, 2024.3.15, 2024年03月15日)
        raw = re.sub(r"\s+", "", s.doc.date or "")
        if raw and not re.fullmatch(r"[0-9]{4}年[1-9][0-9]?月[1-9][0-9]?日", raw):
            fixed = (f"{s.date.year}年{s.date.month}月×日（写全年、月、日）"
                     if raw.rstrip("）)").endswith("月") else  # no day: 2024年3月
                     f"{s.date.year}年{s.date.month}月{s.date.day}日")
            emit("date.format", unit, date=raw, fixed=fixed, quote=raw)
        if s.date >= deadline:
            emit("date.late", unit, date=shown, deadline=dl, quote=shown)
        elif s.date.year <= year:
            emit("date.early", unit, date=shown, year=year, deadline=dl, quote=shown)
    # the title, the text and the date on the year
    for u in s.units:
        if u.kind == "title":
            for y, m in _years_in(u.text)[:1]:
                if y != year:
                    emit("date.year", u, detail=f"标题写 {y} 年，报告所述为 {year} 年度",
                         hint=f"标题改为 {year} 年，或核对报告年度",
                         quote=quote_at(u.text, m.start(), m.end()))
        elif u.kind == "heading" and u.part is not None and u.part.kind == "plan" \
                and u is _heading_unit(s, u.part):
            for y, m in _years_in(u.text)[:1]:
                if y != year + 1:
                    emit("date.year", u, detail=f"下一年度安排写作 {y} 年，应为 {year + 1} 年",
                         hint=f"改为 {year + 1} 年", quote=quote_at(u.text, m.start(), m.end()))
        elif u.kind == "intro" and u.part is not None and u.part.kind == "plan":
            m = re.match(r"\s*((?:19|20)\d{2})\s*年(?!度?报告)", u.text)
            if m and int(m.group(1)) != year + 1:
                emit("date.year", u, detail=f"下一年度安排写作 {m.group(1)} 年，应为 {year + 1} 年",
                     hint=f"改为 {year + 1} 年", quote=quote_at(u.text, m.start(1), m.end()))
        elif u.kind == "preamble":
            m = re.match(r"\s*((?:19|20)\d{2})\s*年(?:以来|度|，|,|我)", u.text)
            if m and int(m.group(1)) != year:
                emit("date.year", u, detail=f"导语开头写 {m.group(1)} 年，报告所述为 {year} 年度",
                     hint=f"核对年份，改为 {year} 年", quote=quote_at(u.text, m.start(1), m.end()))
                continue
            for m in re.finditer(r"现将[^。：:]{0,30}?报告如下", u.text):
                for y, ym in _years_in(m.group(0))[:1]:
                    if y != year:
                        emit("date.year", u, detail=f"导语写报告 {y} 年情况，标题为 {year} 年度",
                             hint=f"核对年份，改为 {year} 年",
                             quote=quote_at(u.text, m.start() + ym.start(),
                                            m.start() + ym.end()))
    if s.date is not None and s.date.year > year + 1:
        emit("date.year", unit, detail=f"落款日期为 {s.date.year} 年，报告所述为 {year} 年度",
             hint="核对落款日期或报告年度", quote=str(s.date))


def _heading_unit(s, part):
    for u in s.units:
        if u.part is part and u.kind == "heading":
            return u
    return None


# -- 3. figures ----------------------------------------------------------------------------

def _fmt(v):
    from .narrative import format_value
    return format_value(v)


def rule_totals_data(s, emit):
    """A data file: the catalogue's totals against their parts."""
    if not s.is_data or s.catalog is None:
        return
    figs = s.data.figures
    for b in s.catalog.breakdowns.values():
        if not b.total or not b.rule or b.total not in figs:
            continue
        present = [p for p in b.parts if p in figs]
        if not present:
            continue
        total, tot = figs[b.total], sum(figs[p] for p in present)
        if (total != tot) if b.rule == "equal" else (total < tot):
            unit = s.catalog.indicators[b.total].unit
            parts = "、".join(f"{s.catalog.indicators[p].name} {_fmt(figs[p])}" for p in present)
            u = TextUnit("", "figure", s.file, s.figure_lines.get(b.total),
                         f"figures.{b.total}", order=_figure_order(s, b.total))
            emit("figures.total", u, name=b.name, total=f"{_fmt(total)} {unit}".strip(),
                 sum=f"{_fmt(tot)} {unit}".strip(), parts=parts, quote=_figure_quote(s, total))
            s.total_keys.add((total, tot))


def _figure_order(s, fid):
    """Figures are listed before the text, in the data's order."""
    ids = list(s.data.figures)
    return -1 + (ids.index(fid) if fid in ids else 0) / (len(ids) + 1)


def _figure_quote(s, value):
    """The printed sentence that states ``value`` as a total (for a data file's finding)."""
    pat = re.compile(rf"(?:共|合计|总计|累计)[^。；]*?(?<![\d.]){re.escape(_fmt(value))}(?![\d.])")
    for u in s.units:
        m = pat.search(u.text)
        if m:
            return quote_at(u.text, m.start(), m.end(), 8)
    return ""


_PART_OF = re.compile(r"其中(?:包括)?|包括|分别为|分别是")


def rule_totals_text(s, emit):
    """A stated total followed by 其中 and its parts in the same unit."""
    units_re = _units_re(s.phrases)
    num = rf"(?<![\d.])(\d+(?:\.\d+)?)\s*({units_re})"
    for u in s.units:
        if u.kind not in ("item", "intro", "preamble"):
            continue
        sents = _sentences(u.text)
        for k, (start, sent) in enumerate(sents):
            for m in list(_PART_OF.finditer(sent))[:1]:
                before = sent[:m.start()]
                tot = list(re.finditer(num, before))
                if not tot and m.start() <= 1 and k > 0:
                    before = sents[k - 1][1]
                    tot = list(re.finditer(num, before))
                if not tot:
                    continue
                tm = tot[-1]
                if not re.search(r"(共|合计|总计|累计|总数|达到?)[^，。；]{0,20}$", before[:tm.start()]):
                    continue
                unit = tm.group(2)
                if unit in ("年", "月", "日", "%"):
                    continue
                after = sent[m.end():]
                found = [x for x in re.finditer(num, after) if x.group(2) == unit]
                parts = [float(x.group(1)) for x in found]
                if len(parts) < 2:
                    continue
                names = []
                for x in found:
                    lead = re.search(rf"([{HAN}]{{1,12}})\s*$", after[:x.start()])
                    names.append((lead.group(1) + " " if lead else "") + _fmt(float(x.group(1))))
                total, tot_sum = float(tm.group(1)), sum(parts)
                if abs(total - tot_sum) < 1e-9 or tot_sum < total and "等" in after:
                    continue
                if (total, tot_sum) in s.total_keys:
                    continue
                lead = re.search(rf"(?:共|合计|总计|累计)([{HAN}]{{0,16}})\s*$", before[:tm.start()])
                emit("figures.total", u, name=(lead.group(1) if lead and lead.group(1)
                                               else "合计"), total=f"{_fmt(total)} {unit}",
                     sum=f"{_fmt(tot_sum)} {unit}",
                     parts="、".join(names),
                     quote=quote_at(u.text, start + m.start(), start + m.end(), 20))
            # parts first, then the total: 行政确认1项，行政奖励1项，共计3项
            if _PART_OF.search(sent):
                continue
            for tm in re.finditer(rf"[，、；,]\s*(?:共计|合计|总计|共)\s*{num}", sent):
                unit = tm.group(2)
                if unit in ("年", "月", "日", "%"):
                    continue
                before = sent[:tm.start()]
                found = [x for x in re.finditer(num, before) if x.group(2) == unit]
                if len(found) < 2 or before[found[-1].end():].strip(" ，、；,"):
                    continue  # the parts run up to the total
                parts = [float(x.group(1)) for x in found]
                total, tot_sum = float(tm.group(1)), sum(parts)
                if abs(total - tot_sum) < 1e-9 or (total, tot_sum) in s.total_keys:
                    continue
                names = []
                for x in found:
                    lead = re.search(rf"([{HAN}]{{1,12}})\s*$", before[:x.start()])
                    names.append((lead.group(1) + " " if lead else "") + _fmt(float(x.group(1))))
                emit("figures.total", u, name="合计", total=f"{_fmt(total)} {unit}",
                     sum=f"{_fmt(tot_sum)} {unit}", parts="、".join(names),
                     quote=quote_at(u.text, start + tm.start(), start + tm.end(), 20))


def rule_jumps_data(s, emit):
    """A data file: a figure more than three times, or under a third of, last year's."""
    if not s.is_data or s.previous_data is None or s.catalog is None:
        return
    prev = s.previous_data.figures
    for fid, cur in s.data.figures.items():
        ind = s.catalog.indicators.get(fid)
        if ind is None or not ind.comparable or fid not in prev:
            continue
        before = prev[fid]
        if max(cur, before) < s.rule_param("figures.jump", "min_value", 5):
            continue
        change = _jump(cur, before)
        if change:
            u = TextUnit("", "figure", s.file, s.figure_lines.get(fid), f"figures.{fid}",
                         order=_figure_order(s, fid))
            emit("figures.jump", u, name=ind.name, cur=f"{_fmt(cur)} {ind.unit}".strip(),
                 prev=f"{_fmt(before)} {ind.unit}".strip(), change=change, quote="")


def _jump(cur, before):
    if before <= 0 or cur < 0:
        return ""
    if cur > 3 * before:
        return f"为上年的 {cur / before:.1f} 倍"
    if cur * 3 < before:
        return f"降至上年的 {cur / before * 100:.0f}%"
    return ""


_QTY_PREFIX = re.compile(r"^(?:我局|本局|全局|我单位|本单位|本部门|现有|目前|共计|共|合计|累计|全年|"
                         r"年内|其中|全市|全县|全区|已|新|均|依法|先后)+")


def quantities(doc_units, phrases):
    """(key, value, unit, unit_obj, match span) of the stated quantities of a report.

    The key is the run of Chinese characters before the number (to the last
    punctuation mark), without leading words such as 我局, 共, 全年. Clauses that
    compare with other years (上年, 同比, a year) are left out.
    """
    units_re = _units_re(phrases)
    pat = re.compile(rf"([{HAN}]{{2,16}})\s*(?<![\d.])(\d+(?:\.\d+)?)\s*({units_re})(?![{HAN}]?[\d])")
    out = []
    for u in doc_units:
        if u.kind not in ("item", "intro", "preamble"):
            continue
        for m in pat.finditer(u.text):
            key = _QTY_PREFIX.sub("", m.group(1))
            if len(key) < 4 or m.group(3) in ("年", "月", "日"):
                continue
            clause_start = max(u.text.rfind(c, 0, m.start()) for c in "，。；：、")
            clause = u.text[clause_start + 1:m.end()]
            if re.search(r"上年|去年|同比|较|比|增长|下降|减少|增加|\d{4}\s*年|第", clause):
                continue
            unit = "人" if m.group(3) == "名" else m.group(3)  # 10人, 10名: one unit
            out.append((key, float(m.group(2)), unit, u, m.span()))
    return out


def rule_conflicts(s, emit):
    """The same quantity given two different values in one report."""
    seen = {}
    for key, value, unit, u, span in quantities(s.units, s.phrases):
        k = (key, unit)
        if k in seen and seen[k][0] != value:
            first = seen[k]
            emit("figures.conflict", u, name=key, first=f"{_fmt(first[0])} {unit}（{first[1]}）",
                 second=f"{_fmt(value)} {unit}", quote=quote_at(u.text, *span, 6))
            seen[k] = (value, u.place or u.where)
        elif k not in seen:
            seen[k] = (value, u.place or u.where)


def rule_jumps_text(s, emit):
    """A published report with last year's: its quantities matched by key."""
    if s.is_data or s.previous_doc is None:
        return
    from .check import document_units

    prev = {}
    for key, value, unit, _u, _span in quantities(document_units(s.previous_doc, ""),
                                                  s.phrases):
        prev.setdefault((key, unit), value)
    done = set()
    for key, value, unit, u, span in quantities(s.units, s.phrases):
        before = prev.get((key, unit))
        if before is None or (key, unit) in done:
            continue
        if max(value, before) < s.rule_param("figures.jump", "min_value", 5):
            continue
        change = _jump(value, before)
        if change:
            done.add((key, unit))
            emit("figures.jump", u, name=key, cur=f"{_fmt(value)} {unit}",
                 prev=f"{_fmt(before)} {unit}", change=change,
                 quote=quote_at(u.text, *span, 6))


# -- 5. plan follow-through ----------------------------------------------------------------

def _clean(text, stop):
    """Chinese characters only, generic words blanked out."""
    han = "".join(c if _HAN.match(c) else " " for c in text)
    for w in sorted(stop, key=len, reverse=True):
        han = han.replace(w, " ")
    return han


def _bigrams(text, stop=()):
    out = set()
    for chunk in _clean(text, stop).split():
        out |= {chunk[i:i + 2] for i in range(len(chunk) - 1)}
    return out


def _longest_shared(a, b):
    """Length of the longest run of characters of ``a`` (cleaned) found in ``b``."""
    best = 0
    for chunk in a.split():
        for i in range(len(chunk)):
            for j in range(i + best + 1, len(chunk) + 1):
                if chunk[i:j] in b:
                    best = j - i
                else:
                    break
    return best


def plan_items(doc):
    """(heading, text, node) of each item of the plan parts of a document."""
    out = []
    for part in doc.parts:
        if part.kind != "plan":
            continue
        for it in part.items:
            out.append(("", (it.lead or "") + it.text, it))
        for sec in part.sections:
            if sec.items:
                for it in sec.items:
                    out.append((sec.heading, (it.lead or "") + it.text, it))
            elif sec.intro:
                out.append((sec.heading, sec.intro.text, sec))
        if not part.items and not part.sections and part.intro:
            for para in part.intro.paragraphs:
                out.append(("", para, part))
    return out


def rule_plan(s, emit, phrase=4, shared=8):
    """Each item of last year's plan matched to this year's measures, by area and wording.

    An item is followed when one of this year's measures (with its area's heading)
    shares a phrase of ``phrase`` characters with it, or ``shared`` character pairs,
    generic words (plan_stopwords) left out.
    """
    if s.previous_doc is None:
        return
    stop = s.phrases.get("plan_stopwords", [])
    measures = []
    for part in s.doc.parts:
        if part.kind != "measures":
            continue
        if part.intro:
            measures.append(part.intro.text)
        measures += [(it.lead or "") + it.text for it in part.items]
        for sec in part.sections:
            if sec.intro:
                measures.append(sec.heading + " " + sec.intro.text)
            measures += [sec.heading + " " + (it.lead or "") + it.text for it in sec.items]
    if not measures:
        return
    cleaned = [(_clean(m, stop), _bigrams(m, stop)) for m in measures]
    first = next((u for u in s.units if u.part is not None and u.part.kind == "measures"),
                 s.units[0] if s.units else None)
    for heading, text, node in plan_items(s.previous_doc):
        want = _clean(heading + " " + text, stop)
        grams = _bigrams(heading + " " + text, stop)
        if len(grams) < 3:
            continue
        if any(_longest_shared(want, c) >= phrase or len(grams & g) >= shared
               for c, g in cleaned):
            continue
        label = (heading + "：" if heading else "") + text
        short = label if len(label) <= 40 else label[:40] + "…"
        at = s.previous_file + (f":{node.line}" if getattr(node, "line", None) else "")
        place = " ".join(x for x in (at, getattr(node, "where", "")) if x)
        u = TextUnit(text, "plan", first.file if first else s.file,
                     first.line if first else None, ("上年计划 " + place).strip(), part=None,
                     order=1e9)
        emit("plan.followup", u, plan=short, quote=short)
