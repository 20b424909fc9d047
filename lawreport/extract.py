"""From a published report to the document tree, and to a draft data file.

``read_document(path)`` reads a published report (:mod:`lawreport.readers`: text,
HTML, DOCX, PDF), joins its lines into paragraphs, and classifies them into a
:class:`lawreport.document.Document`: title, addressee, preamble, parts (their kind
from their heading's wording, or their place), areas, items with run-in leads,
intros, signature and date. Heading levels come from their numbering (GB/T 9704:
第一部分 / 一、 /（一）/ 1. /（1）/ ①, half-width variants) in the order the report uses
them.

:mod:`lawreport.todata` writes that tree as a draft data file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Document, Item, Part, Section
from .exceptions import InputError
from .readers import clean_lines, read_lines

__all__ = ["read_document", "read_extracted", "Extracted", "classify", "kind_of",
           "numbering_of", "template_of", "join_paragraphs"]

_CN = "一二三四五六七八九十百"
_STYLES = (
    ("cn_part", re.compile(rf"^第\s*([{_CN}]{{1,3}})\s*(?:部分|篇|章)\s*[：:、，,．.]?\s*")),
    # 一、 (or 一．): a comma after a numeral is a sentence's word (…单 / 一，针对性…)
    ("cn_dun", re.compile(rf"^([{_CN}]{{1,3}})\s*[、．.]\s*")),
    ("cn_paren", re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[）)]\s*[、.．]?\s*")),
    ("ar_dot", re.compile(r"^(\d{1,3})\s*[.．、](?![\d.．])\s*")),
    ("ar_paren", re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*")),
    ("ar_rparen", re.compile(r"^(\d{1,3})\s*[)）](?!\d)\s*")),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*")),
)
_TERMINAL = "。！？；：!?;:…"
_CLOSERS = "”’」』）)》"
_DATE = re.compile(r"^[（(]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[）)]?$")
_CN_DATE = re.compile(r"^[（(]?([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                      r"([一二三四五六七八九十]{1,3})日[）)]?$")
#: a date written with stops, hyphens or slashes: 2024.3.15, 2024-03-15, 2024/3/15
_NUM_DATE = re.compile(r"^[（(]?(\d{4})([.．\-/])(\d{1,2})\2(\d{1,2})[）)]?$")
#: a date without its day, as some reports are signed: 2024年3月, 二〇二四年三月
_MONTH_DATE = re.compile(r"^[（(]?(?:\d{4}年\d{1,2}月|[〇○零一二三四五六七八九]{4}年"
                         r"[一二三四五六七八九十]{1,3}月)[）)]?$")
_ORG_END = ("局", "委员会", "委", "办公室", "办", "厅", "院", "中心", "政府", "部", "署", "会",
            "队", "站", "处", "镇", "乡", "街道", "街道办事处", "所", "馆", "公司", "管委会")

#: part kinds by the wording of their headings, tried in this order
KIND_WORDS = (
    ("other", ("其他需要报告", "其他事项", "其他情况")),
    ("leadership", ("第一责任人", "主要负责人", "负责同志", "履行推进法治建设", "履职情况",
                    "领导干部履行")),
    ("shortcomings", ("不足", "存在的问题", "存在问题", "问题和", "问题与", "短板", "差距",
                      "薄弱环节", "困难", "弱项")),
    ("plan", ("工作计划", "主要安排", "工作安排", "工作打算", "工作思路", "下一步", "下步",
              "下一年度", "下年度", "明年", "工作重点", "重点工作", "努力方向", "工作设想",
              "计划", "打算", "工作谋划", "展望")),
    ("measures", ("举措", "成效", "主要工作", "工作情况", "开展情况", "推进情况", "主要做法",
                  "工作开展", "落实情况", "取得", "完成情况", "主要成绩", "工作成果",
                  "基本情况", "总体情况", "工作回顾")),
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


def _heading_like(text, limit=40):
    """A numbered heading line (一、…, （一）… with no sentence in it)."""
    num = numbering_of(text)
    if num is None:
        return False
    rest = num.rest.strip()
    if rest.endswith(("。", "；", "！", "？")):
        # a sentence, unless very short (（一）加强组织领导。)
        return _clen(rest) <= 12 and not re.search("[。；！？，]", rest[:-1])
    return _clen(rest) <= limit and not re.search("[。；！？]", rest)


def _is_date(text):
    t = re.sub(r"\s+", "", text)
    return bool(_DATE.match(t) or _CN_DATE.match(t) or _NUM_DATE.match(t) or
                _MONTH_DATE.match(t))


def join_paragraphs(lines):
    """Lines → paragraphs: a line that continues a sentence cut short (at a page or line
    break) joins the one before it. A numbered line, a date and a signature always start
    their own."""
    paras = []
    wrap = _wrap_width(lines)
    for ln in lines:
        text = ln.text.strip()
        if not paras:
            paras.append(_Para(text, ln))
            continue
        prev = paras[-1]
        own = numbering_of(text) is not None or _is_date(text) or ln.heading or \
            prev.line.heading or ln.table_row or prev.line.table_row
        # a line ending in a comma is a sentence cut short, whatever its length
        mid_clause = prev.text[-1] in "，,、"
        heading = _heading_like(prev.text) and not mid_clause
        if ln.new_para is False and not own and not (heading and prev.short) and \
                not (_org_like(text) and not mid_clause):
            prev.append(text, ln)
            continue
        cut = (prev.text[-1] not in _TERMINAL + _CLOSERS or
               (prev.text[-1] in _CLOSERS and prev.text[-2:-1] not in tuple(_TERMINAL)))
        # a title or heading (short, no clause in it) is never continued; a long
        # paragraph cut at a page break is, even across a blank line
        clauses = re.search("[，,、；;]", prev.text) is not None
        size = _clen(prev.text)
        long_enough = mid_clause or size >= 50 or clauses and size >= (24 if ln.new_para
                                                                       else 20)
        # a text wrapped by hand at a fixed width: a line that fills it runs on
        long_enough = long_enough or (wrap is not None and not ln.new_para and
                                      _clen(prev.last) >= wrap - 1)
        if (cut and long_enough and not heading and not own
                and not (ln.new_para and ln.bold_lead)):
            prev.append(text, ln)
            continue
        paras.append(_Para(text, ln))
    return paras


def _wrap_width(lines):
    """The width a text was wrapped at by hand (28 characters a line, as an official
    document's), or None: the length a good share of its longer lines have."""
    sizes = [_clen(ln.text) for ln in lines if _clen(ln.text) >= 16]
    if len(sizes) < 6:
        return None
    width = max(set(sizes), key=lambda n: (sizes.count(n), n))
    return width if sizes.count(width) >= max(3, len(sizes) // 5) else None


class _Para:
    def __init__(self, text, line):
        self.text, self.line = text, line
        self.last = text  # its last line
        self.short = line.short  # its last line ends before the right margin (PDF)

    def append(self, text, line):
        self.last = text
        self.short = line.short
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


def _split_lead(tok):
    """(lead, text) of a numbered paragraph: a run-in heading and what follows it."""
    rest = tok.num.rest if tok.num else tok.text
    bold = tok.para.line.bold_lead
    if bold:
        b = bold[len(tok.num.label.strip()):].strip() if tok.num and bold.startswith(
            tok.num.label.strip()) else bold
        if b and rest.startswith(b) and len(rest) > len(b):
            return b, rest[len(b):]
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
    tables: list = field(default_factory=list)  # ReadTable, their rows also in unplaced


@dataclass
class ReadTable:
    """A table of the report (HTML, DOCX, a ruled one in a PDF): its rows' cells, where
    its rows are (and its caption), its first row's line, and the index of the part it
    sits in (None: before the first part) and of the area of that part it follows (None:
    before the part's first area)."""

    rows: list
    wheres: list
    line: int
    part: int | None = None
    area: int | None = None
    title: str | None = None  # its caption (表1 全年行政许可办理情况), if it has one
    after: object = None  # the paragraph it follows (a _Tok), None at the text's start


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
            not re.search(r"[，。；：、]|关于|\d{4}年", t))


#: what a department's or a government's name ends with in a title (区, 县 and 市 name
#: the government of that area: 静海区2023年度法治政府建设情况报告)
_TITLE_ORG_END = _ORG_END + ("区", "县", "市", "省", "州", "旗", "盟")
_YEAR_WORD = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年度?"


def _title_org(title):
    """The department or government a report's title names, or None: before 关于 or
    the year (某某局2023年…, 某某市人民政府关于…), or right after the year
    (2020年某某区法治政府建设情况报告)."""
    t = re.sub(r"\s+", "", title)
    m = re.match(rf"^(.{{2,30}}?)(?:关于|{_YEAR_WORD})", t)
    if m and m.group(1).endswith(_TITLE_ORG_END):
        return m.group(1)
    m = re.match(rf"^(?:关于)?{_YEAR_WORD}(.{{2,30}}?)(?:法治|法制|依法行政|推进)", t)
    if m and m.group(1).endswith(_TITLE_ORG_END):
        return m.group(1)
    return None


#: the release note under an official document's date (GB/T 9704 附注): （此件公开发布）
_RELEASE_NOTE = re.compile(r"[（(]此件[^（）()]{0,10}[）)]$")

_PREAMBLE_ORG = re.compile(
    rf"^(?:{_YEAR_WORD}(?:以来)?[，,]\s*)?([^，,。；：:\s]{{2,20}}?)"
    r"(?:坚持|认真|深入|全面|紧紧|紧密|始终|紧扣|围绕|严格|持续|聚焦|按照|在)")


def _preamble_org(text):
    """The department or government a preamble opens with (2024年，某某街道坚持…), or None
    (我局, 我区: no name)."""
    m = _PREAMBLE_ORG.match(re.sub(r"\s+", "", text))
    if m and not m.group(1).startswith(("我", "本", "全")) and \
            m.group(1).endswith(_TITLE_ORG_END + ("街",)) and not re.search(r"\d|年", m.group(1)):
        return m.group(1)
    return None


def _title_like(text):
    """Whether a line reads as the title of a report on building a law-based government."""
    t = re.sub(r"\s+", "", text)
    return (4 <= len(t) <= 70 and not re.search("[，。；！？]", t) and
            ("报告" in t or t.endswith(("总结", "情况"))) and
            re.search("法治|法制|依法行政", t) is not None)


def _title_start(toks, window=12):
    """Where the title block begins: the first line near the top that reads as the
    report's title (alone, or wrapped over two lines), with the department's name
    over it; one that names a year before one that does not (a column of the site:
    法治政府建设年度报告专栏); 0 when no line there does."""
    found = []  # (line, whether it names a year)
    for k in range(min(window, len(toks))):
        tok = toks[k]
        if tok.num is not None or (_clen(tok.text) > 70 and re.search("[，。；]", tok.text)):
            break  # the body began: the title is not below
        nxt = toks[k + 1].text if k + 1 < len(toks) else ""
        # a title's first line: what does not read as a title alone, unless the next
        # does and this one is no title's head (某某局关于2023年度 / 法治政府建设…报告)
        head = re.search(rf"(?:关于|{_YEAR_WORD})$", re.sub(r"\s+", "", tok.text))
        wrapped = ("报告" not in tok.text and _clen(tok.text) <= 40 and
                   not re.search("[，。；]", tok.text) and _title_like(tok.text + nxt) and
                   (head is not None or not _title_like(nxt)))
        if _title_like(tok.text) or wrapped:
            # its year in it, or on the line under it: （2023年度）
            text = re.sub(r"\s+", "", tok.text + nxt if wrapped or nxt[:1] in "（(" else
                          tok.text)
            found.append((k, re.search(_YEAR_WORD, text) is not None))
    if not found:
        return 0
    k = next((k for k, dated in found if dated), found[0][0])
    if k > 0 and _org_like(toks[k - 1].text):
        return k - 1
    return k


def classify(paras, fmt="text"):
    """Paragraphs → :class:`Extracted` (the document tree and what was not placed)."""
    toks = []
    for p in paras:
        num = numbering_of(p.text)
        toks.append(_Tok(p, num))
    doc = Document(title="")
    unplaced = []
    # a web copy may put a site's own lines above the title (its name, a column, a date
    # banner): where a line near the top reads as this report's title, what is above it
    # (besides the department's name over the title) is not the report
    i = _title_start(toks)
    for tok in toks[:i]:
        unplaced.append((tok.para.line.where, tok.text))
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
    # the year under the title: 法治政府建设年度报告 / （2023年度）
    if title_lines and i < len(toks) and re.fullmatch(
            rf"[（(]\s*{_YEAR_WORD}\s*[）)]", re.sub(r"\s+", "", toks[i].text)):
        title_lines.append(toks[i].text.strip())
        i += 1
    # lines before the title proper (a site's menu, a column name) are not the title
    # (short words of a menu: 首页, 政务公开); a title wrapped over lines is kept whole
    first = i - len(title_lines)
    while len(title_lines) > 1 and _clen(title_lines[0]) <= 8 and \
            not _org_like(title_lines[0]) and "报告" not in title_lines[0]:
        unplaced.append((toks[first].para.line.where, title_lines.pop(0)))
        first += 1
    if title_lines and _org_like(title_lines[0]) and len(title_lines) > 1:
        doc.org_name = re.sub(r"\s+", "", title_lines[0])
        doc.show_org = True
        title_lines = title_lines[1:]
    doc.title = "".join(title_lines) if title_lines else ""
    if title_lines:
        doc.lines["title"] = toks[i - len(title_lines)].para.line.line
    if not doc.org_name and doc.title:
        doc.org_name = _title_org(doc.title)
    y = re.search(r"(\d{4})\s*年", doc.title) or re.search(r"(\d{4})\s*年度?", doc.title)
    if y:
        doc.year = int(y.group(1))
    # the addressee: 市委、市政府：
    if i < len(toks) and toks[i].num is None:
        t = toks[i].text
        if t.endswith(("：", ":")) and _clen(t) <= 40 and not re.search("[。；]", t) and \
                not re.search("如下[：:]$", t):
            doc.addressee = t
            doc.lines["addressee"] = toks[i].para.line.line
            i += 1
    # the end: signature and date (what follows the date, an appendix, is not placed)
    end = len(toks)
    for j in range(len(toks) - 1, i - 1, -1):
        # the date may carry the document's release note: 2024年3月15日（此件公开发布）
        t = re.sub(r"\s+", "", toks[j].text)
        note = _RELEASE_NOTE.search(t)
        t = t[:note.start()] if note else t
        m = re.match(r"^(.{2,30}?)(\d{4}年\d{1,2}月\d{1,2}日)$", t)
        if _is_date(t) or (m and _org_like(m.group(1))):
            if note:
                unplaced.append((toks[j].para.line.where, note.group(0)))
            for k in range(j + 1, len(toks)):
                unplaced.append((toks[k].para.line.where, toks[k].text))
            doc.lines["date"] = toks[j].para.line.line
            if m and not _is_date(t):
                doc.signature, date_text = m.group(1), m.group(2)
                doc.lines["signature"] = toks[j].para.line.line
            else:
                date_text = t
                if j - 1 >= i and _clen(toks[j - 1].text) <= 30 and \
                        not re.search("[，。；：]", toks[j - 1].text) and toks[j - 1].num is None:
                    doc.signature = toks[j - 1].text.strip()
                    j -= 1
                    doc.lines["signature"] = toks[j].para.line.line
            doc.date = date_text.strip("（）()")
            end = j
            break
    else:
        # a signature alone at the end
        t = toks[-1].text if toks else ""
        if len(toks) > i + 1 and _org_like(t):
            doc.signature = t.strip()
            doc.lines["signature"] = toks[-1].para.line.line
            end = len(toks) - 1
    if doc.signature and not doc.org_name:
        doc.org_name = re.sub(r"\s+", "", doc.signature)
    body = toks[i:end]
    # a table's rows are listed as not placed, not read as the text's paragraphs (the
    # draft may make a table of figures of it: todata)
    tables, captions = [], set()
    for k, tok in enumerate(body):
        if not tok.para.line.table_row:
            continue
        unplaced.append((tok.para.line.where, "table: " + tok.text))
        if k == 0 or not body[k - 1].para.line.table_row:
            tables.append(ReadTable([], [], tok.para.line.line))
            # its caption, set above it (or, in Word, below it, unless it is the next
            # table's, above that one, as its number may tell): its title, once
            above = body[k - 1] if k else None
            n = next((j for j in range(k, len(body)) if not body[j].para.line.table_row), None)
            below = body[n] if n is not None and (
                not (n + 1 < len(body) and body[n + 1].para.line.table_row) or
                re.match(rf"附?表\s*{len(tables)}(?!\d)", body[n].text.strip())) else None
            cap = (above if above is not None and _is_caption(above, True) else
                   below if below is not None and _is_caption(below, False) else None)
            if cap is not None and id(cap) not in captions:
                tables[-1].title = cap.text.strip()
                tables[-1].wheres.append(cap.para.line.where)
                unplaced.append((cap.para.line.where, "table caption: " + cap.text.strip()))
                captions.add(id(cap))
            j = k - 1  # the paragraph it follows: not its caption, not another table
            while j >= 0 and (body[j].para.line.table_row or id(body[j]) in captions):
                j -= 1
            tables[-1].after = body[j] if j >= 0 else None
        tables[-1].rows.append(tok.text.split("\u3000"))
        tables[-1].wheres.append(tok.para.line.where)
    body = [tok for tok in body if not tok.para.line.table_row and id(tok) not in captions]
    # mark unnumbered short headings: a short line with no punctuation before a paragraph
    for k, tok in enumerate(body):
        t = tok.text
        if tok.num is None and _clen(t) <= 30 and not re.search(r"[，。；：！？,;:!?]", t) \
                and k + 1 < len(body) and _clen(body[k + 1].text) > _clen(t):
            tok.head = True
    # the parts: the style of the first heading
    top = None
    for tok in body:
        if tok.num is not None and _heading_like(tok.text, 60):
            top = tok.num.style
            break
    if top is None:
        # a Word file's own heading styles (Heading 1, 标题 1) say where unnumbered parts
        # begin, whatever their length
        levels = [t.para.line.level for t in body if t.num is None and t.para.line.level]
        if levels:
            for tok in body:
                tok.head = tok.num is None and tok.para.line.level == min(levels)
    if top is None and any(t.head for t in body):
        top = "head"
    if top != "head":
        for tok in body:
            tok.head = False
    starts = [k for k, t in enumerate(body) if t.style == top and
              (top == "head" or _heading_like(t.text, 60))] if top else []
    pre = body[:starts[0]] if starts else body
    if pre:
        doc.preamble = Item("\n\n".join(t.text for t in pre),
                            where="preamble", line=pre[0].para.line.line)
        if not doc.org_name:
            doc.org_name = _preamble_org(doc.preamble.text)
    numbering = {}
    part_of, area_of = {}, {}  # a paragraph's part, and its area in that part
    for n, s in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(body)
        head = body[s]
        heading = head.num.rest if head.num else head.text
        part = Part(key="", kind="", heading=heading.strip(),
                    label=head.num.label if head.num else "", number=n + 1,
                    where=f"{head.num.label.strip() if head.num else heading}",
                    line=head.para.line.line)
        numbering[n] = _fill_part(part, body[s + 1:stop], area_of)
        part_of.update((id(tok), n) for tok in body[s:stop])
        doc.parts.append(part)
    _assign_kinds(doc)
    numbering = {doc.parts[n].key: v for n, v in numbering.items()}
    if doc.parts and doc.parts[0].label:
        numbering["_part"] = template_of(numbering_of(doc.parts[0].label + "x"))
    for t in tables:  # in the part and area of the paragraph it follows
        t.part, t.area = part_of.get(id(t.after)), area_of.get(id(t.after))
    return Extracted(doc, fmt, unplaced, numbering, tables)


def _is_caption(tok, above):
    """Whether a line beside a table is its caption: marked so (Word's 题注, HTML's
    <caption>), or, above it, a short line 表1 … (表一, 附表2)."""
    t = tok.text.strip()
    if tok.para.line.caption:
        return not t.startswith("图")  # a figure's caption (图1 …), not a table's
    return above and _clen(t) <= 40 and not re.search("[，。；]", t) and re.match(
        r"(附)?表\s*[0-9一二三四五六七八九十]+(?![0-9一二三四五六七八九十])", t) is not None


def _fill_part(part, toks, area_of=None):
    """Areas, items and intros of one part from its paragraphs; returns its numbering.
    ``area_of`` gets each paragraph's area (its index in the part) where it has one."""
    area_of = {} if area_of is None else area_of
    styles = []
    for t in toks:
        if t.num is not None and t.num.style not in styles:
            styles.append(t.num.style)
    info = {"area": None, "item": None, "items": "none"}
    where = part.where

    def item_of(tok, place=""):
        if tok.num is None:
            return Item(tok.text, where=place, line=tok.para.line.line)
        lead, text = _split_lead(tok)
        return Item(text.strip(), tok.num.label, lead, place, tok.para.line.line)

    # headings of a Word style (Heading 2) with no number, in a part without numbered ones
    subs = [t for t in toks if t.num is None and t.para.line.level]
    if subs and not any(t.num is not None and (t.para.line.level or _heading_like(t.text) and
                                               not _is_run_in(t)) for t in toks):
        return _fill_styled_areas(part, toks, min(t.para.line.level for t in subs), info,
                                  item_of, area_of)
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
    heading_only = [t for t in c1_toks if _heading_like(t.text) and not _is_run_in(t)]
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
        area_of[id(t)] = len(part.sections) - (t.style != c1)
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


def _fill_styled_areas(part, toks, level, info, item_of, area_of):
    """A part whose areas a Word file marks by a heading style (Heading 2) without a
    number: each such heading an area, what follows it its items (numbered, if every
    one is)."""
    where = part.where
    first = next(k for k, t in enumerate(toks) if t.num is None and t.para.line.level == level)
    if first:
        part.intro = Item("\n\n".join(t.text for t in toks[:first]), where=f"{where} 导语",
                          line=toks[0].para.line.line)
    body = toks[first:]
    heads = [t for t in body if t.num is None and t.para.line.level == level]
    rest = [t for t in body if t not in heads]
    numbered = bool(rest) and all(t.num is not None for t in rest)
    info["area"] = ""
    restart = False
    sec = None
    for t in body:
        area_of[id(t)] = len(part.sections) - (t not in heads)
        if t in heads:
            sec = Section(heading=t.text.strip(), where=f"{where}「{t.text.strip()[:12]}」",
                          line=t.para.line.line)
            part.sections.append(sec)
            continue
        place = f"{sec.where} 第{len(sec.items) + 1}段"
        if numbered:
            if info["item"] is None:
                info["item"] = template_of(t.num)
            if t.num.number == 1 and any(s.items for s in part.sections[:-1]):
                restart = True
            sec.items.append(item_of(t, place=place))
        else:  # a number typed in some paragraphs only stays in their text
            sec.items.append(Item(t.text, where=place, line=t.para.line.line))
    if numbered:
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


