"""From a published report to the document tree, and to a draft data file.

``read_document(path)`` reads a published report (:mod:`lawreport.readers`: text,
HTML, DOCX, PDF), joins its lines into paragraphs, and classifies them into a
:class:`lawreport.document.Document`: title, addressee, preamble, parts (their kind
from their heading's wording, or their place), areas, items with run-in leads,
intros, signature and date. Heading levels come from their numbering (GB/T 9704:
一、 /（一）/ 1. /（1）/ ①, half-width variants) in the order the report uses them.

``extract_to_data(path, org, …)`` writes that tree as a draft data file
``<data>/<org>/<year>.yaml`` with every quantity of the text (233次, 100%, 12.5亿元 …)
as a figure placeholder, matched to an indicator of the catalogue by its wording or
declared in ``<data>/<org>/catalog.yaml``; and an outline file beside it when the
layout is not a shipped outline's.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import tempfile
from dataclasses import dataclass, field

from .document import Document, Item, Part, Section
from .exceptions import InputError
from .readers import _HAN, clean_lines, read_lines

__all__ = ["read_document", "extract_to_data", "ExtractResult", "classify", "kind_of",
           "find_quantities", "numbering_of"]

_CN = "一二三四五六七八九十百"
_STYLES = (
    ("cn_dun", re.compile(rf"^([{_CN}]{{1,3}})\s*[、，,．.]\s*")),
    ("cn_paren", re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[）)]\s*[、.．]?\s*")),
    ("ar_dot", re.compile(r"^(\d{1,3})\s*[.．、](?![\d.．])\s*")),
    ("ar_paren", re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*")),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*")),
)
_TERMINAL = "。！？；：!?;:…"
_CLOSERS = "”’」』）)》"
_DATE = re.compile(r"^[（(]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[）)]?$")
_CN_DATE = re.compile(r"^[（(]?([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                      r"([一二三四五六七八九十]{1,3})日[）)]?$")
_ORG_END = ("局", "委员会", "委", "办公室", "办", "厅", "院", "中心", "政府", "部", "署", "会",
            "队", "站", "处", "镇", "乡", "街道", "街道办事处", "所", "馆", "公司", "管委会")

#: part kinds by the wording of their headings, tried in this order
KIND_WORDS = (
    ("other", ("其他需要报告", "其他事项", "其他情况")),
    ("leadership", ("第一责任人", "主要负责人", "负责同志", "履行推进法治建设", "履职情况",
                    "领导干部履行")),
    ("shortcomings", ("不足", "存在的问题", "存在问题", "问题和", "问题与", "短板", "差距",
                      "薄弱环节", "困难")),
    ("plan", ("工作计划", "主要安排", "工作安排", "工作打算", "工作思路", "下一步", "下步",
              "下一年度", "下年度", "明年", "工作重点", "重点工作", "努力方向", "工作设想",
              "计划")),
    ("measures", ("举措", "成效", "主要工作", "工作情况", "开展情况", "推进情况", "主要做法",
                  "工作开展", "落实情况", "取得", "完成情况")),
)


def kind_of(heading):
    """The kind of a part by its heading's wording, or None when it does not say."""
    h = re.sub(r"\s+", "", heading)
    for kind, words in KIND_WORDS:
        if any(w in h for w in words):
            return kind
    return None


# -- numbering -------------------------------------------------------------------------


@dataclass
class Numbered:
    style: str
    number: int
    label: str  # as printed, e.g. "（一）" or "1. "
    rest: str


def _cn_value(s):
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if s == "十":
        return 10
    if "百" in s:
        h, _, t = s.partition("百")
        return digits.get(h, 1) * 100 + (_cn_value(t) if t else 0)
    if "十" in s:
        t, _, u = s.partition("十")
        return (digits[t] if t else 1) * 10 + (digits[u] if u else 0)
    return digits.get(s, 0)


def numbering_of(text):
    """The numbering a paragraph starts with, or None (一是 … is not numbering)."""
    for style, rx in _STYLES:
        m = rx.match(text)
        if m and len(text) > m.end():
            g = m.group(1)
            if style.startswith("cn"):
                n = _cn_value(g)
            elif style == "circled":
                n = ord(g) - 0x2460 + 1
            else:
                n = int(g)
            return Numbered(style, n, text[:m.end()], text[m.end():])
    return None


def template_of(num):
    """A numbering template from a printed label: （一） → （{cn}）, 1. → {n}. ."""
    label = num.label
    if num.style == "circled":
        return label.replace(label.strip()[0], "{circled}", 1)
    if num.style.startswith("cn"):
        return re.sub(rf"[{_CN}]{{1,3}}", "{cn}", label, count=1)
    return re.sub(r"\d{1,3}", "{n}", label, count=1)


# -- paragraphs ------------------------------------------------------------------------


def _clen(text):
    return len(re.sub(r"\s+", "", text))


def _heading_like(text):
    """A numbered heading line (一、…, （一）… with no sentence in it)."""
    num = numbering_of(text)
    if num is None:
        return False
    rest = num.rest.rstrip("。")
    return _clen(rest) <= 40 and not re.search("[。；！？]", rest)


def _is_date(text):
    t = re.sub(r"\s+", "", text)
    return bool(_DATE.match(t) or _CN_DATE.match(t))


def join_paragraphs(lines):
    """Lines → paragraphs: a line that continues a sentence cut short (at a page or line
    break) joins the one before it."""
    paras = []
    for ln in lines:
        text = ln.text.strip()
        if not paras:
            paras.append(_Para(text, ln))
            continue
        prev = paras[-1]
        if ln.new_para is False and not _heading_like(prev.text) and not prev.line.heading:
            prev.append(text)
            continue
        cut = (prev.text[-1] not in _TERMINAL + _CLOSERS or
               (prev.text[-1] in _CLOSERS and prev.text[-2:-1] not in tuple(_TERMINAL)))
        if (cut and _clen(prev.text) >= 20 and not _heading_like(prev.text)
                and numbering_of(text) is None and not _is_date(text) and not ln.heading
                and not prev.line.heading and not (ln.new_para and ln.bold_lead)):
            prev.append(text)
            continue
        paras.append(_Para(text, ln))
    return paras


class _Para:
    def __init__(self, text, line):
        self.text, self.line = text, line

    def append(self, text):
        a, b = self.text, text
        sep = " " if (a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii()
                      and b[:1].isalnum()) else ""
        self.text = a + sep + b


# -- the tree --------------------------------------------------------------------------


@dataclass
class _Tok:
    para: _Para
    num: Numbered | None
    head: bool = False  # an unnumbered short heading line

    @property
    def style(self):
        return self.num.style if self.num else ("head" if self.head else None)

    @property
    def text(self):
        return self.para.text


def _split_lead(tok, allow_plain=True):
    """(lead, text) of a numbered paragraph: a run-in heading and what follows it."""
    rest = tok.num.rest if tok.num else tok.text
    bold = tok.para.line.bold_lead
    if bold:
        b = bold[len(tok.num.label.strip()):].strip() if tok.num and bold.startswith(
            tok.num.label.strip()) else bold
        if b and rest.startswith(b) and len(rest) > len(b):
            return b, rest[len(b):]
    if not allow_plain:
        return None, rest
    m = re.search("[。！？：]", rest)
    if m and m.end() < len(rest) and rest[m.end():].strip() and _clen(rest[:m.end()]) <= 30:
        return rest[:m.end()], rest[m.end():]
    return None, rest


def _is_run_in(tok):
    lead, text = _split_lead(tok)
    return lead is not None and text.strip() != ""


@dataclass
class Extracted:
    """A published report, read: its tree and what could not be placed."""

    doc: Document
    fmt: str
    unplaced: list = field(default_factory=list)  # (where, text)
    numbering: dict = field(default_factory=dict)  # part key → {level: template, items: style}


def read_document(path, fmt=None):
    """The document tree of a published report (text, HTML, DOCX or PDF).

    Each node's ``where`` says its place (一、（二）第3项) and ``line`` its line,
    paragraph or page in the file.

    Raises
    ------
    InputError
        An empty, binary or unreadable file, a PDF without a text layer, an unknown format.
    """
    return read_extracted(path, fmt).doc


def read_extracted(path, fmt=None):
    fmt, lines = read_lines(path, fmt)
    lines = clean_lines(lines)
    if not lines:
        raise InputError(f"{path}: nothing but page metadata found")
    return classify(join_paragraphs(lines), fmt)


def _org_like(text):
    t = re.sub(r"\s+", "", text)
    return (len(t) <= 30 and t.endswith(_ORG_END) and "报告" not in t and
            not re.search("[，。；：、]", t))


def classify(paras, fmt="text"):
    """Paragraphs → :class:`Extracted` (the document tree and what was not placed)."""
    toks = []
    for p in paras:
        num = numbering_of(p.text)
        toks.append(_Tok(p, num))
    doc = Document(title="")
    unplaced = []
    i = 0
    # the title block: short lines with no sentence in them
    title_lines = []
    while i < len(toks) and len(title_lines) < 4:
        t = toks[i].text
        if toks[i].num is not None or re.search("[，。；]", t) or t.endswith(("：", ":")) \
                or _clen(t) > 50:
            break
        title_lines.append(t)
        i += 1
        if "报告" in t or "情况" in t[-4:]:
            break
    if title_lines and _org_like(title_lines[0]) and len(title_lines) > 1:
        doc.org_name = re.sub(r"\s+", "", title_lines[0])
        doc.show_org = True
        title_lines = title_lines[1:]
    doc.title = "".join(title_lines) if title_lines else ""
    if not doc.org_name and doc.title:
        m = re.match(r"^(.{2,30}?)(?:关于|\d{4}\s*年|[〇○零一二三四五六七八九]{4}年)", doc.title)
        if m and m.group(1).endswith(_ORG_END):
            doc.org_name = m.group(1).strip()
    y = re.search(r"(\d{4})\s*年", doc.title) or re.search(r"(\d{4})\s*年度?", doc.title)
    if y:
        doc.year = int(y.group(1))
    # the addressee: 市委、市政府：
    if i < len(toks) and toks[i].num is None:
        t = toks[i].text
        if t.endswith(("：", ":")) and _clen(t) <= 40 and not re.search("[。；]", t) and \
                not re.search("如下[：:]$", t):
            doc.addressee = t
            i += 1
    # the end: signature and date
    end = len(toks)
    for j in range(len(toks) - 1, max(i, len(toks) - 8) - 1, -1):
        t = re.sub(r"\s+", "", toks[j].text)
        m = re.match(r"^(.{2,30}?)(\d{4}年\d{1,2}月\d{1,2}日)$", t)
        if _is_date(t) or (m and _org_like(m.group(1))):
            for k in range(j + 1, len(toks)):
                unplaced.append((toks[k].para.line.where, toks[k].text))
            if m and not _is_date(t):
                doc.signature, date_text = m.group(1), m.group(2)
            else:
                date_text = t
                if j - 1 >= i and _clen(toks[j - 1].text) <= 30 and \
                        not re.search("[，。；：]", toks[j - 1].text) and toks[j - 1].num is None:
                    doc.signature = toks[j - 1].text.strip()
                    j -= 1
            doc.date = date_text.strip("（）()")
            end = j
            break
    else:
        # a signature alone at the end
        t = toks[-1].text if toks else ""
        if len(toks) > i + 1 and _org_like(t):
            doc.signature = t.strip()
            end = len(toks) - 1
    if doc.signature and not doc.org_name:
        doc.org_name = re.sub(r"\s+", "", doc.signature)
    body = toks[i:end]
    # mark unnumbered short headings: a short line with no punctuation before a paragraph
    for k, tok in enumerate(body):
        t = tok.text
        if tok.num is None and _clen(t) <= 30 and not re.search(r"[，。；：！？,;:!?]", t) \
                and k + 1 < len(body) and _clen(body[k + 1].text) > _clen(t):
            tok.head = True
    # the parts: the style of the first heading
    top = None
    for tok in body:
        if tok.num is not None and _heading_like(tok.text):
            top = tok.num.style
            break
    if top is None and any(t.head for t in body):
        top = "head"
    if top != "head":
        for tok in body:
            tok.head = False
    starts = [k for k, t in enumerate(body) if t.style == top and
              (top == "head" or _heading_like(t.text))] if top else []
    pre = body[:starts[0]] if starts else body
    if pre:
        doc.preamble = Item("\n\n".join(t.text for t in pre),
                            where="preamble", line=pre[0].para.line.line)
    numbering = {}
    for n, s in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(body)
        head = body[s]
        heading = head.num.rest if head.num else head.text
        part = Part(key="", kind="", heading=heading.strip(),
                    label=head.num.label if head.num else "", number=n + 1,
                    where=f"{head.num.label.strip() if head.num else heading}",
                    line=head.para.line.line)
        numbering[n] = _fill_part(part, body[s + 1:stop])
        doc.parts.append(part)
    _assign_kinds(doc)
    numbering = {doc.parts[n].key: v for n, v in numbering.items()}
    if doc.parts and doc.parts[0].label:
        numbering["_part"] = template_of(numbering_of(doc.parts[0].label + "x"))
    return Extracted(doc, fmt, unplaced, numbering)


def _fill_part(part, toks):
    """Areas, items and intros of one part from its paragraphs; returns its numbering."""
    styles = []
    for t in toks:
        if t.num is not None and t.num.style not in styles:
            styles.append(t.num.style)
    info = {"area": None, "item": None, "items": "none"}
    where = part.where

    def item_of(tok, lead_ok=True, place=""):
        if tok.num is None:
            return Item(tok.text, where=place, line=tok.para.line.line)
        lead, text = _split_lead(tok) if lead_ok else (None, tok.num.rest)
        return Item(text.strip(), tok.num.label, lead, place, tok.para.line.line)

    if not styles:
        # paragraphs only: each an unnumbered item
        part.items = [item_of(t, place=f"{where} 第{k + 1}段") for k, t in enumerate(toks)]
        return info
    c1 = styles[0]
    c2 = styles[1] if len(styles) > 1 else None
    first = next(k for k, t in enumerate(toks) if t.style == c1)
    if first:
        part.intro = Item("\n\n".join(t.text for t in toks[:first]), where=f"{where} 导语",
                          line=toks[0].para.line.line)
    body = toks[first:]
    c1_toks = [t for t in body if t.style == c1]
    heading_only = [t for t in c1_toks if not _is_run_in(t)]
    as_areas = c2 is not None or bool(heading_only)
    if not as_areas:
        # items directly under the part: 1. / （一） with run-in leads
        info["item"] = template_of(c1_toks[0].num)
        info["items"] = "continuous"
        cur = None
        for t in body:
            if t.style == c1:
                cur = item_of(t, place=f"{where}{t.num.label.strip()}")
                part.items.append(cur)
            else:
                cur.text = (cur.text + "\n\n" + t.text) if cur.text else t.text
        return info
    info["area"] = template_of(c1_toks[0].num)
    numbered_items = c2 is not None
    restart = False
    sec = None
    for t in body:
        if t.style == c1:
            lead, text = (_split_lead(t) if _is_run_in(t) else (None, t.num.rest))
            sec = Section(heading=(lead or text).strip(), label=t.num.label,
                          where=f"{where}{t.num.label.strip()}", line=t.para.line.line)
            if lead:
                sec.intro = Item(text.strip(), where=f"{sec.where} 导语", line=sec.line)
            part.sections.append(sec)
        elif c2 is not None and t.style == c2:
            if info["item"] is None:
                info["item"] = template_of(t.num)
            if t.num.number == 1 and len(part.sections) > 1 and any(
                    s.items for s in part.sections[:-1]):
                restart = True
            sec.items.append(item_of(t, place=f"{sec.where}{t.num.label.strip()}"))
        elif not numbered_items:
            sec.items.append(item_of(t, place=f"{sec.where} 第{len(sec.items) + 1}段"))
        elif sec.items:
            last = sec.items[-1]
            last.text = (last.text + "\n\n" + t.text) if last.text else t.text
        else:
            sec.intro = Item(((sec.intro.text + "\n\n") if sec.intro else "") + t.text,
                             where=f"{sec.where} 导语", line=t.para.line.line)
    if numbered_items:
        info["items"] = "per_area" if restart else "continuous"
    return info


def _assign_kinds(doc):
    """Each part's kind from its heading, else from its place; keys from kinds."""
    kinds = [kind_of(p.heading) for p in doc.parts]
    seen_other = False
    for n, k in enumerate(kinds):
        if k is None:
            # a thematic heading: measures while the report is still telling what it
            # did, else other
            kinds[n] = "other" if seen_other else "measures"
        elif k != "measures":
            seen_other = True
    counts = {}
    for k in kinds:
        counts[k] = counts.get(k, 0) + 1
    used = {}
    for p, k in zip(doc.parts, kinds):
        p.kind = k
        if counts[k] == 1:
            p.key = k
        else:
            used[k] = used.get(k, 0) + 1
            p.key = f"{k}_{used[k]}"


# -- figures ---------------------------------------------------------------------------

UNITS = ("个百分点", "个工作日", "万人次", "人次", "家次", "件次", "条次", "万元", "亿元",
         "千元", "万人", "万份", "万册", "万件", "万户", "平方米", "公里", "余人", "余件",
         "%", "％", "‰", "元", "次", "条", "人", "项", "件", "个", "家", "场", "期", "名", "台",
         "份", "篇", "户", "起", "宗", "部", "批", "天", "本", "册", "套", "所", "处", "座",
         "辆", "块", "张", "封", "课时", "学时", "小时", "单", "类", "种", "轮", "位", "支",
         "组", "条款", "款", "卷", "册次", "期次", "批次", "倍", "万", "亿")
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
    before = re.split(r"[，。；：、！？,;:（(“”《》\n]", text[:start])[-1]
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
    t = re.sub(r"(共计|累计|共有|达到|超过|合计|总计|共|达|约|近|计)$", "", t)
    return t


def _window(text, start, end):
    """The text around a quantity that names it: up to 30 characters before and 12
    after, and its own clause."""
    before = re.split(r"[，。；：！？,;:\n]", text[:start])[-1]
    after = re.split(r"[，。；：！？,;:\n]", text[end:])[0]
    return text[max(0, start - 30):start] + text[end:end + 12], before + after


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

    def __init__(self, catalog, existing=None):
        self.catalog = catalog
        self.existing = existing or {}  # id → (name, unit) of the department's catalogue
        self.figures = {}  # id → _Figure
        self.used = set()
        self.counters = {}

    def _match(self, name, around, unit, value):
        """The catalogue indicator a quantity is, by its unit and the words around it."""
        import difflib

        def common(a, b):
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            return sum(blk.size for blk in sm.get_matching_blocks())

        window, clause = around
        best, score = None, 0.0
        for iid, ind in self.catalog.indicators.items():
            if iid in self.used or _norm_unit(ind.unit) != _norm_unit(unit):
                continue
            if any(d not in clause for d in re.findall(r"\d+", ind.name)):
                continue
            if ind.kind == "count" and not float(value).is_integer():
                continue
            if ind.kind == "percentage" and not 0 <= float(value) <= 100:
                continue
            iname = re.sub(r"[（）()]", "", ind.name)
            coverage = common(iname, window) / max(len(iname), 1)
            near = common(iname, _name_words(clause)) >= 2
            s = coverage + len(iname) / 1000
            if coverage >= 0.75 and near and s > score:
                best, score = iid, s
        return best

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
            out.append("{" + figures.add(part_key, v, u, c) + "}")
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


def _heading_template(heading, year):
    """A heading with the report's years as placeholders."""
    if not year:
        return heading
    return (re.sub(rf"(?<!\d){year + 1}(?=\s*年)", "{next_year}",
                   re.sub(rf"(?<!\d){year}(?=\s*年)", "{year}", heading)))


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
                if p.sections and info.get("area") and \
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
    y.line(f"title: {_q(_heading_template(_escape_braces(doc.title), year))}")
    first = next(iter(ex.numbering.values()), {}) if ex.numbering else {}
    base = {"part": ex.numbering.get("_part", "{cn}、")}
    areas = [v["area"] for k, v in ex.numbering.items() if k != "_part" and v.get("area")]
    items = [v["item"] for k, v in ex.numbering.items() if k != "_part" and v.get("item")]
    base["area"] = areas[0] if areas else "（{cn}）"
    base["item"] = items[0] if items else "{n}. "
    del first
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
        if info.get("area") and info["area"] != base["area"]:
            own["area"] = info["area"]
        if info.get("item") and info["item"] != base["item"]:
            own["item"] = info["item"]
        if own:
            y.line("    numbering: {" + ", ".join(f"{k}: {_q(v)}" for k, v in own.items())
                   + "}")
    return str(y)


# -- extract ---------------------------------------------------------------------------


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

    def summary(self):
        d = self.doc
        out = [f"read {self.fmt}: {d.title or '(no title found)'}",
               f"  department: {d.org_name or '(not found: set org.name)'}"
               f"{'' if d.year is None else f', year {d.year}'}"]
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
        out.append(f"  signature: {d.signature or 'none'}; date: {d.date or 'none'}")
        shipped = sum(f.catalog for f in self.figures)
        out.append(f"  figures: {len(self.figures)} ({shipped} matched to catalogue "
                   f"indicators, {len(self.figures) - shipped} declared in "
                   f"{self.catalog_file or 'no file'})")
        if self.unplaced:
            out.append(f"  not placed ({len(self.unplaced)}):")
            out += [f"    {w}: {t[:60]}" for w, t in self.unplaced]
        out.append(f"outline: {self.outline}")
        out.append("wrote:")
        out += [f"  {p}" for p in self.written]
        return "\n".join(out)


def _date_iso(text):
    t = re.sub(r"\s+", "", text or "")
    m = _DATE.match(t)
    if m:
        y, mo, d = map(int, m.groups())
    else:
        m = _CN_DATE.match(t)
        if not m:
            return None
        digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
        digits.update({"○": 0, "零": 0})
        y = int("".join(str(digits[c]) for c in m.group(1)))
        mo, d = _cn_value(m.group(2)), _cn_value(m.group(3))
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


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
    existing = _read_own_catalog(catalog_file)
    figs = _Figures(catalog, existing)
    match = _shipped_match(ex, year)
    outline_name = match[0] if match else f"outline-{year}.yaml"
    if not match and os.path.exists(outline_file) and not force:
        raise InputError(f"{outline_file} exists: give --force to overwrite it")
    data_text = _data_yaml(ex, org, year, outline_name, match, figs)
    own = [f for f in figs.figures.values() if not f.catalog]
    files = {data_file: data_text}
    if not match:
        files[outline_file] = _outline_yaml(ex, f"{org}-{year}", year, doc.org_name)
    if own:
        files[catalog_file] = _catalog_yaml(catalog_file, own, existing)
    _check_written(files, data_file, data_dir, catalog_files, org)
    written = _write_all(files)
    return ExtractResult(doc, ex.fmt, data_file, outline_name,
                         catalog_file if own else None,
                         list(figs.figures.values()), ex.unplaced, written)


def _read_own_catalog(path):
    if not os.path.isfile(path):
        return {}
    from .catalog import _read

    try:
        tree, _lines = _read(path)
    except Exception as exc:  # an unreadable catalogue is the user's to fix
        raise InputError(f"{path}: cannot be read ({exc}): fix or remove it") from None
    inds = (tree or {}).get("indicators") or {}
    return {k: (str(v.get("name")), str(v.get("unit"))) for k, v in inds.items()
            if isinstance(v, dict)}


def _catalog_yaml(path, own, existing):
    """The department's catalogue: what it held, plus the new figures."""
    old = ""
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as fh:
            old = fh.read()
    new = [f for f in own if f.id not in existing]
    if not new:
        return old
    lines = []
    if not old.strip():
        lines += ["# Figures of this department found by lawreport extract: name them better",
                  "# and give ids of your own if you like (then change the data file too).",
                  "indicators:"]
    for f in sorted(new, key=lambda f: f.id):
        extra = ", max: 100000000" if f.kind == "number" else ""
        lines.append(f"  {f.id}: {{name: {_q(f.name)}, unit: {_q(f.unit)}, kind: {f.kind}"
                     f"{extra}}}")
    return (old.rstrip("\n") + "\n" if old.strip() else "") + "\n".join(lines) + "\n"


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
    for p in doc.parts:
        key = specs[p.key]
        body.line(f"    {key}:")
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
                if akey:
                    body.line(f"        - area: {akey}")
                else:
                    body.line(f"        - title: {_q(_escape_braces(sec.heading))}")
                ind = 10
                if sec.intro:
                    body.text(ind, "intro", templatize(sec.intro.text, year, figs, key))
                if sec.items:
                    body.line(" " * ind + "items:")
                    for it in sec.items:
                        _item_yaml(body, ind + 2, _templ_item(it, year, figs, key))
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
