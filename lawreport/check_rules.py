"""The rules of ``lawreport check``: each reads a :class:`Subject` and emits findings.

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
from dataclasses import dataclass, field

__all__ = ["TextUnit", "Subject", "RULES", "levenshtein", "cn_to_int", "parse_cn_date",
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

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
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


_DATE = re.compile(r"([0-9]{4}|[〇零一二三四五六七八九]{4})\s*年\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})"
                   r"\s*月\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日")


def parse_cn_date(text):
    """The first date written 2021年12月30日 (or in Chinese numerals) in ``text``."""
    if not text:
        return None
    m = _DATE.search(text)
    if not m:
        try:
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
                         "narrative.parts")
    for kind, words in CONTENTS.items():
        if kind in OPTIONAL_CONTENTS or kind in kinds:
            continue
        emit("content.missing", title, content=words, quote="")


# -- 2. dates ------------------------------------------------------------------------------

_YEAR = re.compile(r"((?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})\s*年")


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
                     "report_date" if s.is_data else "日期")
        emit("date.missing", u, example=f"{year + 1}年1月20日", quote="")
    else:
        shown = f"{s.date.year}年{s.date.month}月{s.date.day}日"
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
        elif u.kind == "preamble":
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
                         f"figures.{b.total}")
            emit("figures.total", u, name=b.name, total=f"{_fmt(total)} {unit}".strip(),
                 sum=f"{_fmt(tot)} {unit}".strip(), parts=parts, quote=_figure_quote(s, total))
            s.total_keys.add((total, tot))


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
            u = TextUnit("", "figure", s.file, s.figure_lines.get(fid), f"figures.{fid}")
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
            out.append((key, float(m.group(2)), m.group(3), u, m.span()))
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


# -- 4. text -------------------------------------------------------------------------------

def _text_units(s):
    return [u for u in s.units if u.kind not in ("date",) and u.text]


def rule_repeats(s, emit):
    """A phrase repeated in a list (A、B、B) and a word doubled (进行进行)."""
    ok = set(s.phrases.get("doubled_ok", []))
    verbs = s.phrases.get("doubled_near", [])
    near = re.compile("(" + "|".join(map(re.escape, verbs)) + rf")([{HAN}]{{1,8}}?)\1") \
        if verbs else None
    for u in _text_units(s):
        text = u.text
        # lists: items between 、 inside one clause
        for cm in re.finditer(r"[^，。；：！？\n]+", text):
            clause = cm.group(0)
            if "、" not in clause:
                continue
            pos = cm.start()
            seen = set()
            for piece in clause.split("、"):
                p = piece.strip()
                core = p.strip("《》“”‘’「」")
                if len(core) >= 2 and core in seen and _HAN.search(core):
                    i = text.find(piece, pos)
                    emit("text.repeat", u, phrase=core, quote=quote_at(text, i, i + len(piece)))
                seen.add(core)
                pos = text.find(piece, pos) + len(piece) + 1 if piece else pos + 1
        # doubled words, and a verb said twice in one short clause (进行对…进行)
        for m in re.finditer(rf"([{HAN}]{{2,6}})\1", text):
            w = m.group(1)
            if w + w in ok or w in ok:
                continue
            emit("text.doubled", u, word=w, match=m.group(0),
                 quote=quote_at(text, m.start(), m.end()))
        if near:
            for m in near.finditer(text):
                emit("text.doubled", u, word=m.group(1), match=m.group(0),
                     quote=quote_at(text, m.start(), m.end()))


_PUNCT = set("“”‘’《》（）()、，。；：！？…—·「」 ")


def _near_misses(text, target, known_spans, known_words, *, allow_indel=True, edges=False):
    """Spans of ``text`` one edit away from ``target``, not a known word."""
    n = len(target)
    lengths = [n] + ([n - 1, n + 1] if allow_indel else [])
    out = []
    for L in lengths:
        for i in range(0, len(text) - L + 1):
            w = text[i:i + L]
            if w == target or w in known_words or not _HAN.match(w[0]) or \
                    not _HAN.match(w[-1]):
                continue
            if L != n and (w[0] != target[0] or w[-1] != target[-1]):
                continue  # a character added or left out inside, not at an edge
            if L == n and (w[0] != target[0] or w[-1] != target[-1]) and not edges:
                continue
            if any(c in _PUNCT and c not in target for c in w):
                continue
            if any(a <= i and i + L <= b for a, b in known_spans):
                continue
            if w[1:] in known_words or w[:-1] in known_words or target in (w[1:], w[:-1]):
                continue  # a known word with a neighbouring character
            if levenshtein(w, target, 1) == 1:
                out.append((i, i + L, w))
    return out


def _spans(text, words):
    out = []
    for w in words:
        start = text.find(w)
        while start >= 0:
            out.append((start, start + len(w)))
            start = text.find(w, start + 1)
    return out


def own_names(s):
    """The department's own names: its name, city and county, and the phrase list's."""
    names = []
    for org in dict.fromkeys(x for x in (s.doc.org_name, s.doc.signature) if x):
        names.append(org)
        m = re.match(rf"^([{HAN}]{{1,6}}?(?:省|自治区))?([{HAN}]{{1,5}}?[市州盟])?"
                     rf"([{HAN}]{{1,5}}?[县区旗])?", org)
        if m:
            names += [g for g in m.groups() if g]
    region = getattr(s.data, "region", None) if s.data is not None else None
    if region:
        names.append(region)
    names += list(s.phrases.get("names", []))
    return [n for i, n in enumerate(names) if len(n) >= 3 and n not in names[:i]]


_ORG_AFTER = re.compile(r"^(?:人民政府|政府|市委|县委|区委|委员会|党委|人大|政协|中级|" 
                        r"[^，。；、\s]{0,8}(?:局|委|办|厅|院|中心))")


def rule_names(s, emit):
    """Near misses of the department's own names (过城市 for 运城市)."""
    names = own_names(s)
    if not names:
        return
    known = set(names) | set(s.phrases.get("terms", [])) | set(s.phrases.get("not_mistakes", []))
    for u in _text_units(s):
        text = u.text
        spans = _spans(text, known)
        hits = []
        for name in sorted(names, key=len, reverse=True):
            for a, b, w in _near_misses(text, name, spans, known, allow_indel=len(name) >= 5,
                                        edges=len(name) <= 4):
                if len(name) <= 4:
                    # a place name: its suffix kept, the change in its own part, and in the
                    # place of a name (after a bracket or punctuation, or before an office)
                    if w[-1] != name[-1] or len(w) != len(name):
                        continue
                    before = text[a - 1] if a > 0 else ""
                    if before and _HAN.match(before) and not _ORG_AFTER.match(text[b:]):
                        continue
                if any(a < hb and ha < b for ha, hb, _n, _w in hits):
                    continue
                hits.append((a, b, name, w))
        for a, b, name, w in hits:
            emit("text.name", u, found=w, name=name, quote=quote_at(text, a, b))


def _confusable(w, term, pairs):
    """A 4-character term with one character changed for a look- or sound-alike."""
    if len(w) != len(term):
        return False
    diff = [k for k, (a, b) in enumerate(zip(w, term)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1:  # two characters swapped: 法政治府
        return w[diff[0]] == term[diff[1]] and w[diff[1]] == term[diff[0]]
    return len(diff) == 1 and any({w[diff[0]], term[diff[0]]} <= set(p) for p in pairs)


def rule_terms(s, emit):
    """Near misses of the fixed official terms (a shipped, extensible phrase list)."""
    terms = list(s.phrases.get("terms", []))
    known = (set(terms) | set(s.phrases.get("variants", []))
             | set(s.phrases.get("not_mistakes", [])) | set(own_names(s)))
    confusables = s.phrases.get("confusable_chars", [])
    for u in _text_units(s):
        text = u.text
        spans = _spans(text, known)
        hits = []
        for term in sorted(terms, key=len, reverse=True):
            if len(term) < 4:
                continue
            for a, b, w in _near_misses(text, term, spans, known, allow_indel=len(term) >= 5):
                if "法制" in w and w.replace("法制", "法治") == term:
                    continue  # the 法制 rule says it
                if len(term) == 4 and not _confusable(w, term, confusables):
                    continue
                if any(a < hb and ha < b for ha, hb, _t, _w in hits):
                    continue
                hits.append((a, b, term, w))
        for a, b, term, w in hits:
            emit("text.term", u, found=w, term=term, quote=quote_at(text, a, b))


def rule_fazhi(s, emit):
    """法制 where the fixed term is 法治: by phrase (法制审核, 学法用法制度 are right)."""
    wrong = sorted(s.phrases.get("fazhi_wrong", []), key=len, reverse=True)
    right = list(s.phrases.get("fazhi_right", []))
    if not wrong:
        return
    pat = re.compile("法制(" + "|".join(re.escape(w) for w in wrong) + ")")
    for u in _text_units(s):
        text = u.text
        spans = _spans(text, right)
        for m in pat.finditer(text):
            a = m.start()
            if any(x <= a and a + 2 <= y for x, y in spans):
                continue
            emit("text.fazhi", u, found=m.group(0), right="法治" + m.group(1),
                 quote=quote_at(text, m.start(), m.end()))


_PAIRS = {"《": "》", "“": "”", "（": "）", "‘": "’", "【": "】", "〔": "〕"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def rule_brackets(s, emit):
    """Unmatched 《》“”（）‘’【】 in a paragraph or heading."""
    for u in _text_units(s):
        text = u.text
        stack = []
        bad = []
        for i, c in enumerate(text):
            if c in _PAIRS:
                if c in "“‘" and stack and stack[-1][0] == c:
                    bad.append((c, i))  # a closing quote written the opening way
                    stack.pop()
                    continue
                stack.append((c, i))
            elif c in _CLOSERS:
                want = _CLOSERS[c]
                if stack and stack[-1][0] == want:
                    stack.pop()
                elif any(o == want for o, _i in stack):
                    while stack and stack[-1][0] != want:
                        bad.append(stack.pop())
                    stack.pop()
                else:
                    bad.append((c, i))
        bad += stack
        for c, i in sorted(bad, key=lambda x: x[1]):
            if c == "（" and ")" in text[i:]:
                continue  # （…) : the half-width rule says it
            if c == "）" and "(" in text[:i]:
                continue
            pair = _PAIRS.get(c) or _CLOSERS[c]
            emit("text.bracket", u, mark=c, pair=pair, quote=quote_at(text, i, i + 1))


_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）", ".": "。",
         '"': "“”", "()": "（）"}


def rule_halfwidth(s, emit):
    """Half-width punctuation inside Chinese text: 报告(包括…), 事项,包括."""
    han = f"[{HAN}“”《》，。；：]"
    for u in _text_units(s):
        text = u.text
        taken = []
        for m in re.finditer(r"\(([^()]*)\)", text):
            if _HAN.search(m.group(1)) or (m.start() > 0 and _HAN.match(text[m.start() - 1])):
                taken.append(m.span())
                emit("text.halfwidth", u, mark="()", full="（）",
                     quote=quote_at(text, m.start(), m.start() + 1))
        for m in re.finditer(rf"(?<={han})[,;:!?()\"]|[,;:!?()\"](?={han})"
                             rf"|(?<=[{HAN}])\.(?=[{HAN}]|\s*$)", text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            c = m.group(0)
            if c == ":" and re.match(r"\d", text[m.end():m.end() + 1]):
                continue
            emit("text.halfwidth", u, mark=c, full=_FULL[c], quote=quote_at(text, m.start(),
                                                                           m.end()))


def rule_spacing(s, emit):
    """Numbers and units written both with and without a space in one report (the
    percent sign, always written close, left out)."""
    units_re = "|".join(re.escape(x) for x in sorted(s.phrases.get("units", []), key=len,
                                                      reverse=True) if x != "%") or "项"
    pat = re.compile(rf"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)([ \u00a0]*)({units_re})")
    spaced, tight = [], []
    for u in _text_units(s):
        if u.kind not in ("item", "intro", "preamble", "heading", "title"):
            continue
        for m in pat.finditer(u.text):
            (spaced if m.group(2) else tight).append((u, m))
    if not spaced or not tight:
        return
    u, m = spaced[0]
    emit("text.spacing", u, spaced=len(spaced), tight=len(tight), spaced_example=m.group(0),
         tight_example=tight[0][1].group(0), fixed=m.group(1) + m.group(3),
         quote=quote_at(u.text, m.start(), m.end()))


# numbering ------------------------------------------------------------------------------

_LEVELS = [
    (1, re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、．.，]")),
    (2, re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]")),
    (3, re.compile(r"^(\d{1,3})\s*[．.、](?!\d)")),
    (4, re.compile(r"^[（(](\d{1,3})[）)]")),
    (5, re.compile(r"^([①-⑳])")),
]


def label_level(label):
    """(level, number) of a printed label such as 一、 （二） 3. （4） ⑤; None if none."""
    label = (label or "").strip()
    for level, pat in _LEVELS:
        m = pat.match(label)
        if m:
            g = m.group(1)
            n = ord(g) - 0x2460 + 1 if level == 5 else cn_to_int(g)
            return level, n
    return None


def rule_numbering(s, emit):
    """Numbering that skips, repeats, or changes level out of order."""
    def unit_of(node, fallback):
        return s.node_units.get(id(node)) or fallback

    def check_seq(nodes, what, fallback):
        prev = None
        for node in nodes:
            ll = label_level(node.label)
            if ll is None:
                continue
            n = ll[1]
            u = unit_of(node, fallback)
            if prev is not None and n == prev:
                emit("text.numbering", u, problem="重复", detail=f"{what}序号 {node.label.strip()} "
                     "与上一项相同", hint="按顺序重新编号", quote=node.label.strip())
            elif prev is not None and n > prev + 1:
                emit("text.numbering", u, problem="跳号",
                     detail=f"{what}序号从 {prev} 跳到 {n}", hint="按顺序重新编号",
                     quote=node.label.strip())
            elif prev is not None and n < prev and n != 1:
                emit("text.numbering", u, problem="倒序",
                     detail=f"{what}序号 {n} 排在 {prev} 之后", hint="按顺序重新编号",
                     quote=node.label.strip())
            elif prev is None and n != 1 and what != "条目":
                emit("text.numbering", u, problem="不从一开始",
                     detail=f"第一个{what}的序号是 {n}", hint="从一（1）开始编号",
                     quote=node.label.strip())
            prev = n

    first = s.units[0] if s.units else None
    check_seq(s.doc.parts, "部分", first)
    for part in s.doc.parts:
        pu = unit_of(part, first)
        check_seq(part.sections, "层次", pu)
        items = part.all_items()
        nums = [label_level(i.label) for i in items]
        if items and all(x is not None for x in nums):
            seq = [x[1] for x in nums]
            continuous = seq == list(range(1, len(seq) + 1))
            per_section = all([label_level(i.label)[1] for i in sec.items] ==
                              list(range(1, len(sec.items) + 1)) for sec in part.sections) \
                and [label_level(i.label)[1] for i in part.items] == \
                list(range(1, len(part.items) + 1))
            if not continuous and not per_section:
                if part.sections and any(label_level(sec.items[0].label)[1] == 1
                                         for sec in part.sections if sec.items):
                    check_seq(part.items, "条目", pu)
                    for sec in part.sections:
                        check_seq(sec.items, "条目", unit_of(sec, pu))
                else:
                    check_seq(items, "条目", pu)
        # siblings numbered at one level
        for siblings in [part.items, *[sec.items for sec in part.sections]]:
            levels = [(label_level(i.label), i) for i in siblings]
            levels = [(ll[0], i) for ll, i in levels if ll]
            if levels and len({lv for lv, _i in levels}) > 1:
                first_level = levels[0][0]
                odd = next(i for lv, i in levels if lv != first_level)
                emit("text.numbering", unit_of(odd, pu), problem="层级混用",
                     detail=f"同一层的序号“{levels[0][1].label.strip()}”和“{odd.label.strip()}”"
                     "属于不同层级", hint="同一层统一用一种序号（一、/（一）/1./（1））",
                     quote=odd.label.strip())
        # level order: parts above sections above items
        pl = label_level(part.label)
        for sec in part.sections:
            sl = label_level(sec.label)
            if pl and sl and sl[0] <= pl[0]:
                emit("text.numbering", unit_of(sec, pu), problem="层级错乱",
                     detail=f"“{sec.label.strip()}”与上级“{part.label.strip()}”同级或更高",
                     hint="下一层用（一）、1.、（1）依次编号", quote=sec.label.strip())
            for it in sec.items:
                il = label_level(it.label)
                if sl and il and il[0] <= sl[0]:
                    emit("text.numbering", unit_of(it, pu), problem="层级错乱",
                         detail=f"“{it.label.strip()}”与上级“{sec.label.strip()}”同级或更高",
                         hint="下一层用 1.、（1）依次编号", quote=it.label.strip())
                    break
    # enumerations inside a paragraph: 一是…二是…三是
    for u in _text_units(s):
        found = [(cn_to_int(m.group(1)), m) for m in
                 re.finditer(r"(?<![第\d])([一二三四五六七八九十]{1,2})是", u.text)]
        found = [(n, m) for n, m in found if n]
        if len(found) < 2 or found[0][0] != 1:
            continue
        prev = 1
        for n, m in found[1:]:
            if n == prev + 1:
                prev = n
            elif n == prev:
                emit("text.numbering", u, problem="重复", detail=f"段内列举“{m.group(0)}”重复",
                     hint="按一是、二是、三是顺序列举", quote=quote_at(u.text, m.start(), m.end()))
                break
            elif n > prev + 1:
                emit("text.numbering", u, problem="跳号",
                     detail=f"段内列举从“{cn_num(prev)}是”跳到“{m.group(0)}”",
                     hint="按一是、二是、三是顺序列举", quote=quote_at(u.text, m.start(), m.end()))
                break
            else:
                break


def cn_num(n):
    from .narrative import cn_number
    return cn_number(n)


def rule_patterns(s, emit, rules):
    """Rules of the catalogue with a ``pattern``: shipped (截止/截至) or the user's."""
    for rid, spec in rules.items():
        pat = spec.get("pattern")
        if not pat or spec.get("enabled") is False:
            continue
        rx = re.compile(pat)
        excepts = [re.compile(e) for e in spec.get("except") or []]
        for u in _text_units(s):
            for m in rx.finditer(u.text):
                around = u.text[max(0, m.start() - 10):m.end() + 10]
                if any(e.search(around) for e in excepts):
                    continue
                emit(rid, u, match=m.group(0), quote=quote_at(u.text, m.start(), m.end()))


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
                     first.line if first else None, ("上年计划 " + place).strip(), part=None)
        emit("plan.followup", u, plan=short, quote=short)


#: (rule function, the rule ids it emits) in the order findings are listed
RULES = [rule_contents, rule_dates, rule_totals_data, rule_totals_text, rule_jumps_data,
         rule_jumps_text,
         rule_conflicts, rule_repeats, rule_names, rule_terms, rule_fazhi, rule_brackets,
         rule_halfwidth, rule_spacing, rule_numbering, rule_plan]
