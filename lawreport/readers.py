"""Readers of published reports: one per input format, each yielding the same
neutral lines (:class:`Line`), which :mod:`lawreport.extract` classifies into the
document tree.

- plain text (UTF-8, UTF-16 with a BOM, or GB18030 as old pages and files use);
- an HTML page: the article's content (the containers Chinese government sites use,
  else the block with the most Chinese text), not the site's menus;
- DOCX (python-docx), with Word's automatic list numbers put back into the text;
- PDF (pdfplumber): fake-bold doubles removed, spaces between Chinese characters
  dropped, page numbers left out, paragraphs found by their first-line indent and by
  where their lines end against the text's own right margin; a line that runs on from
  one that filled its line is joined to it (一，/三、/（二） there are no headings).

Every reader refuses what it cannot read with an :class:`InputError` that says
why and what to do.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .exceptions import InputError

__all__ = ["Line", "read_lines", "FORMATS", "format_of", "clean_lines"]

FORMATS = ("text", "html", "docx", "pdf")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u2014"


@dataclass
class Line:
    """One line or paragraph of a published report, as read.

    ``new_para``: True when the source says a paragraph starts here (a blank line
    before it, a first-line indent, a DOCX/HTML paragraph), False when it says the
    line continues the previous one, None when it does not say. ``bold_lead``: the
    bold text the line starts with (DOCX), a hint of a run-in heading.
    """

    text: str
    where: str  # "line 12", "paragraph 5", "page 2, line 7": one line's, no other's
    line: int  # the source line, paragraph or page number
    new_para: bool | None = None
    bold_lead: str | None = None
    heading: bool = False  # the source marks it as a title or heading
    level: int | None = None  # its heading level there (Word's Heading 1 → 1), if any
    short: bool = False  # the line ends well before the right margin (PDF)
    table_row: bool = False  # a row of a table (HTML, DOCX), its cells split by U+3000
    caption: bool = False  # the source marks it as a caption (Word's 题注, HTML <caption>)


def format_of(path, head):
    """The format of a file, by its first bytes and then its name."""
    ext = os.path.splitext(path)[1].lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if ext in (".docx", ".docm", ".dotx", "") or b"word/" in head[:4000] or \
                b"[Content_Types].xml" in head[:200]:
            return "docx"
        raise InputError(f"{path}: a zip archive, not a Word document (.docx): save the report "
                         "as .docx, .pdf, .html or .txt")
    if head.lstrip().startswith(b"{\\rtf"):
        raise InputError(f"{path}: a Rich Text (RTF) document: open it in Word or WPS and save "
                         "it as .docx (or as text), then extract that")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path}: an old Word (.doc) or Excel (.xls) file: open it in Word or "
                         "WPS and save it as .docx (or as text), then extract that")
    if ext in (".htm", ".html", ".shtml", ".xhtml", ".mht"):
        return "html"
    text_start = head.lstrip()[:200].lower()
    if text_start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head.lower():
        return "html"
    if ext in (".txt", ".text", ".md", "") or _looks_textual(head):
        return "text"
    raise InputError(f"{path}: unknown format '{ext}': give the report as .txt, .html, .docx "
                     "or .pdf")


def _looks_textual(head):
    if not head:
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Word's "Unicode text")
        chars = head[:len(head) // 2 * 2].decode("utf-16", errors="replace")
        controls = sum(1 for c in chars if ord(c) < 32 and c not in "\t\n\f\r")
        return controls / max(1, len(chars)) < 0.02
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) < 0.02


def read_lines(path, fmt=None):
    """``(format, [Line])`` of a published report."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    with open(path, "rb") as fh:
        raw = fh.read()
    if not raw.strip():
        raise InputError(f"{path}: the file is empty: give the published report's text, "
                         "page, Word file or PDF")
    fmt = fmt or format_of(path, raw[:8192])
    reader = {"text": _read_text, "html": _read_html, "docx": _read_docx,
              "pdf": _read_pdf}[fmt]
    lines = reader(path, raw)
    lines = [ln for ln in lines if ln.text.strip()]
    if not lines:
        raise InputError(f"{path}: no text found in this {fmt} file: it is empty, or holds "
                         "only blanks: give the published report's text")
    if sum(len(ln.text) for ln in lines) < 10:
        raise InputError(f"{path}: too little text in this {fmt} file to be a report: give "
                         "the published report's text, page, Word file or PDF")
    return fmt, lines


# -- plain text ------------------------------------------------------------------------


def decode(raw, path="", declared=None):
    """Bytes → text: a BOM, else UTF-8, else the declared or GB18030 encoding."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if declared and declared.lower().replace("-", "") not in ("utf8",):
        enc = declared.lower()
        if enc in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
            enc = "gb18030"
        try:
            return raw.decode(enc, errors="replace")
        except LookupError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        if text.count("\ufffd") > len(text) / 20:
            raise InputError(f"{path}: not text in UTF-8 or GB18030: save it as UTF-8 text, "
                             "or give the .docx, .pdf or .html") from None
        return text


def _read_text(path, raw):
    if not _looks_textual(raw[:65536]):
        raise InputError(f"{path}: a binary file, not text: give the report as .txt, .html, "
                         ".docx or .pdf")
    text = decode(raw, path)
    rows = text.splitlines()
    indents = [len(r) - len(r.lstrip(" \t\u3000")) for r in rows if r.strip()]
    # where most lines start indented, a line that is not continues the one before
    indented_text = len(indents) >= 6 and sum(i >= 2 for i in indents) / len(indents) > 0.5
    out, blank = [], True
    for i, ln in enumerate(rows, start=1):
        if not ln.strip():
            blank = True
            continue
        indent = len(ln) - len(ln.lstrip(" \t\u3000"))
        # a blank line before, or an indent, starts a paragraph; a plain line may
        # continue a line cut short (web copies, PDF copies)
        new = True if (blank or indent >= 2) else (False if indented_text else None)
        out.append(Line(ln.strip(" \t\u3000\r"), f"line {i}", i, new_para=new))
        blank = False
    return out


# -- HTML ------------------------------------------------------------------------------

#: the article containers of common Chinese government site systems
CONTENT_SELECTORS = ("#UCAP-CONTENT", ".TRS_Editor", ".TRS_UEDITOR", "#zoom", ".zoom",
                     ".xxgk_detail_content", ".article-content", ".article_content",
                     "#article", ".article", "#content", ".content", ".detail-content",
                     ".news_content", ".pages_content", "article", "main")
_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section",
           "article", "table", "ul", "ol", "blockquote", "center", "pre", "dd", "dt"}


def _html_charset(raw):
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", raw[:4096], re.I)
    return m.group(1).decode("ascii") if m else None


def _cjk_count(text):
    return len(re.findall(f"[{_HAN}]", text))


#: the most characters a cell of a table of figures holds (a longer one lays a page out)
_CELL_MAX = 60


def _table_cells(row):
    """The cells' texts of a table row ``<tr>``, or None when the row lays text out
    (a cell holds paragraphs or more than a short phrase) rather than tabulates it."""
    cells = row.find_all(["td", "th"], recursive=False)
    if len(cells) < 2 or any(c.find(["p", "div", "table", "ul", "ol", "br"]) is not None
                             for c in cells):
        return None
    texts = [re.sub(r"\s+", " ", c.get_text()).strip() for c in cells]
    if any(len(t) > _CELL_MAX for t in texts):
        return None
    return texts


def _block_lines(node, site=False):
    """The text of an element as ``[(text, table row?)]``, a line per block element and
    per row of a table of figures. ``site``: the element is the whole page, whose
    header and footer are the site's, not the article's."""
    from bs4 import NavigableString, Tag

    lines, cur = [], []  # (text, "row" | "caption" | None)

    def flush(kind=None):
        t = "".join(cur).strip()
        if t:
            lines.append((t, kind))
        cur.clear()

    def walk(n):
        for child in n.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ in ("Comment", "Doctype", "Declaration",
                                            "ProcessingInstruction"):
                    continue
                cur.append(re.sub(r"[\r\n\t]+", "", str(child)))
            elif isinstance(child, Tag):
                if child.name in ("script", "style", "noscript", "iframe", "form", "button",
                                  "select", "input", "nav") or \
                        (site and child.name in ("footer", "header")):
                    continue
                block = child.name in _BLOCKS
                if block or child.name == "caption":
                    flush()
                if child.name == "caption":
                    walk(child)
                    flush("caption")
                    continue
                cells = _table_cells(child) if child.name == "tr" else None
                if cells is not None:
                    if any(cells):
                        lines.append(("\u3000".join(cells), "row"))
                    continue
                walk(child)
                if block:
                    flush()

    walk(node)
    flush()
    return lines


def _read_html(path, raw):
    from bs4 import BeautifulSoup

    text = decode(raw, path, _html_charset(raw))
    soup = BeautifulSoup(text, "html.parser")
    # a report lawreport built: its appendix (主要数据一览, 数据核验), charts and
    # provenance line are not the published text
    for n in soup.select(".lr-keyfigures, .lr-datacheck, .lr-exhibit, .lr-provenance"):
        if n.decomposed:
            continue  # inside the appendix, gone with it
        # its tables of figures are read back (a chart or a comparison is drawn anew)
        classes = n.get("class") or []
        if "lr-exhibit" in classes and "lr-comparison" not in classes and \
                n.find("table") is not None:
            continue
        n.decompose()
    # menus: lists whose every entry is a link
    for lst in soup.find_all(["ul", "ol"]):
        entries = lst.find_all("li", recursive=False)
        if entries and all(li.find("a") is not None and
                           li.get_text(strip=True) == "".join(a.get_text(strip=True)
                                                              for a in li.find_all("a"))
                           for li in entries):
            lst.decompose()
    body = None
    for sel in CONTENT_SELECTORS:
        found = [n for n in soup.select(sel) if _cjk_count(n.get_text()) >= 50]
        if found:
            body = max(found, key=lambda n: _cjk_count(n.get_text()))
            break
    site = body is None
    if body is None:
        # the element whose own paragraphs hold the most Chinese text
        best, score = soup.body or soup, 0
        for n in soup.find_all(["body", "div", "td", "section", "article", "main"]):
            s = _own_text(n)
            if s > score:
                best, score = n, s
        body = best
    lines = _block_lines(body, site=site or body.name == "body")
    title = _html_title(soup)
    # the page's title, unless the text has it (on one line, or broken over two or three:
    # 某某市卫生健康委员会<br>2023年度…报告)
    top = [ln for ln, _kind in lines[:6]]
    if title and not any(_same(title, "".join(top[k:k + n])) for n in (1, 2, 3)
                         for k in range(len(top))):
        lines.insert(0, (title, None))
    return [Line(t, f"paragraph {i}", i, new_para=True, table_row=kind == "row",
                 caption=kind == "caption") for i, (t, kind) in enumerate(lines, start=1)]


#: elements that only dress text: an old site's article sits in <font> or <span>
_INLINE = {"font", "span", "b", "strong", "em", "i", "u", "small", "big"}


def _own_text(node):
    """How much Chinese text an element holds itself: its strings and paragraphs, and
    those of the inline elements that wrap them (<td><font>text<br>text…</font></td>),
    not those of the blocks inside it, which are candidates of their own."""
    from bs4 import NavigableString

    n = 0
    for child in node.children:
        if isinstance(child, NavigableString):
            n += _cjk_count(str(child))
        elif child.name == "p":
            n += _cjk_count(child.get_text())
        elif child.name in _INLINE:
            n += _own_text(child)
    return n


def _same(a, b):
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def _html_title(soup):
    for sel in ("meta[name=ArticleTitle]", "meta[name=articletitle]"):
        m = soup.select_one(sel)
        if m and m.get("content", "").strip():
            return m["content"].strip()
    for sel in ("h1", ".title", ".article-title", "#title", "h2"):
        n = soup.select_one(sel)
        if n and 4 <= len(n.get_text(strip=True)) <= 80 and "报告" in n.get_text():
            return n.get_text(strip=True)
    if soup.title and soup.title.string:
        t = re.split(r"[_|｜\-—–]{1,2}", soup.title.string.strip())[0].strip()
        if "报告" in t:
            return t
    return None


# -- DOCX ------------------------------------------------------------------------------


def _read_docx(path, raw):
    import zipfile

    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - a dependency of lawreport
        raise InputError(f"python-docx is needed to read {path}: {exc}") from None
    try:
        d = docx.Document(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a readable Word document ({exc}): open and save it "
                         "again as .docx") from None
    from docx.table import Table

    numbering = _DocxNumbering(d)
    out = []
    i = 0
    for block in d.iter_inner_content():
        i += 1
        if isinstance(block, Table):
            i = _docx_table(block, i, out)
            continue
        p = block
        text = p.text
        label = numbering.label(p)
        if label and not text.lstrip().startswith(label.strip()):
            text = label + text
        if not text.strip():
            continue
        bold = ""
        for run in p.runs:
            if run.bold or (run.style is not None and run.style.font.bold):
                bold += run.text
            elif run.text.strip():
                break
        style = (p.style.name or "").lower() if p.style is not None else ""
        # a line break inside the paragraph (a title set on two lines, a heading and
        # its text, a sentence broken by hand): lines joined as a text file's are
        for k, segment in enumerate(x for x in text.split("\n") if x.strip()):
            out.append(Line(segment.strip(" \t\u3000"), f"paragraph {i}", i,
                            new_para=True if k == 0 else None,
                            bold_lead=(bold.strip() or None) if k == 0 else None,
                            heading=style.startswith(("heading", "title", "标题")),
                            level=_docx_level(p, style), caption=style in ("caption", "题注")))
    if d.tables and all(ln.table_row for ln in out):
        raise InputError(f"{path}: the document holds only tables, no paragraphs of text")
    return out


def _docx_level(p, style):
    """A paragraph's heading level: its style's (Heading 2, 标题 2), else its outline level
    (w:outlineLvl, 0 for level 1); None for body text."""
    m = re.fullmatch(r"(?:heading|标题)\s*(\d)", style)
    if m:
        return int(m.group(1))
    from docx.oxml.ns import qn

    for ppr in (p._p.pPr, p.style.element.pPr if p.style is not None else None):
        lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if lvl is not None and lvl.get(qn("w:val"), "").isdigit() and \
                int(lvl.get(qn("w:val"))) < 9:
            return int(lvl.get(qn("w:val"))) + 1
    return None


def _docx_table(table, i, out):
    """A Word table's rows, as :func:`_table_cells` reads an HTML table's: a table of
    figures gives a line per row; one that lays text out gives its cells' paragraphs.
    Numbers the lines from ``i``; returns the last number used."""
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell._tc in [c._tc for c in cells]:
                continue  # a merged cell comes back once per grid column it spans
            cells.append(cell)
        texts = [re.sub(r"\s+", " ", c.text).strip() for c in cells]
        if len(cells) >= 2 and all(len(c.paragraphs) <= 1 and not c.tables for c in cells) \
                and all(len(t) <= _CELL_MAX for t in texts):
            if any(texts):
                out.append(Line("\u3000".join(texts), f"table row {i}", i, new_para=True,
                                table_row=True))
                i += 1
            continue
        for cell in cells:
            for p in cell.paragraphs:
                if p.text.strip():
                    out.append(Line(p.text.strip(" \t\u3000"), f"paragraph {i}", i,
                                    new_para=True))
                    i += 1
    return i - 1


class _DocxNumbering:
    """Word's automatic list numbers (not in ``paragraph.text``), put back as text."""

    def __init__(self, d):
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels = {}  # numId → {ilvl: (numFmt, lvlText, start)}
        self.counters = {}
        try:
            root = d.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for an in root.findall(qn("w:abstractNum")):
            lv = {}
            for lvl in an.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                txt = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                lv[int(lvl.get(qn("w:ilvl")))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    txt.get(qn("w:val")) if txt is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1)
            abstract[an.get(qn("w:abstractNumId"))] = lv
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def label(self, p):
        from .narrative import circled, cn_number

        qn = self.qn
        ppr = p._p.pPr
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None and p.style is not None and p.style.element.pPr is not None:
            numpr = p.style.element.pPr.find(qn("w:numPr"))
        if numpr is None:
            return ""
        nid = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        nid = nid.get(qn("w:val")) if nid is not None else None
        ilvl = int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
        if nid is None or nid == "0" or nid not in self.levels:
            return ""
        fmt, text, start = self.levels[nid].get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        counts = self.counters.setdefault(nid, {})
        counts[ilvl] = counts.get(ilvl, start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        n = counts[ilvl]
        if fmt == "bullet" or fmt == "none":
            return ""
        if fmt.startswith(("chinese", "ideograph", "japaneseCounting", "taiwanese")):
            s = cn_number(n)
        elif fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
            s = circled(n)
        else:
            s = str(n)
        return text.replace(f"%{ilvl + 1}", s)


# -- PDF -------------------------------------------------------------------------------

#: a page number in the flow of a text copied from a PDF: — 3 —, - 3 -, 第3页 共10页
_PAGE_MARK = re.compile(r"^[-—–－]+\s*\d{1,3}\s*[-—–－]+$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$")
#: a page's number alone on its line: — 3 —, -3-, ·3·, 3/12, 第3页 共12页, 共12页 第3页, Page 3 of 12
_PAGE_NUMBER = re.compile(r"^[-—–－·•\s]*\d{1,3}[-—–－·•\s]*$|^\d{1,3}\s*/\s*\d{1,3}$|"
                          r"^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$|"
                          r"^共\s*\d+\s*页\s*[/，,]?\s*第\s*\d+\s*页$|"
                          r"^(?i:page)\s*\d+(\s*(?i:of)\s*\d+)?$")


#: what a line cannot end with (opening brackets and quotes) and what a line cannot
#: start with (closing ones, the stops): a line's first unbreakable unit holds them
_OPENERS = "（(《〈「『【〔［[“‘"
_NON_STARTERS = "）)》〉」』】〕］]”’、，。；：！？,.;:!?%％…·"


def _median(values, default):
    values = sorted(values)
    return values[len(values) // 2] if values else default


def _lead_width(chars):
    """The width of a line's first unit that a line break cannot split: （二）, 2.5,
    一，, or one character."""
    cs = [c for c in chars if c["text"].strip()]
    if not cs:
        return 0.0
    k = 0
    while k < len(cs) - 1 and cs[k]["text"] in _OPENERS:
        k += 1
    if cs[k]["text"].isascii() and cs[k]["text"].isalnum():
        while k + 1 < len(cs) and cs[k + 1]["text"].isascii() and (
                cs[k + 1]["text"].isalnum() or cs[k + 1]["text"] in ".%" and k + 2 < len(cs)
                and cs[k + 2]["text"].isascii() and cs[k + 2]["text"].isalnum()):
            k += 1
    while k + 1 < len(cs) and cs[k + 1]["text"] in _NON_STARTERS:
        k += 1
    return cs[k]["x1"] - cs[0]["x0"]


def _right_edge(x1s, em):
    """A page's right margin, measured from its text: the furthest right edge that
    several lines share (within half a character), not the page's width nor a single
    wider line (a title set wider than a web page's narrow column); None when no edge is
    shared."""
    need = max(2, len(x1s) // 8)
    for x in sorted(x1s, reverse=True):
        if sum(1 for v in x1s if abs(v - x) <= em / 2) >= need:
            return x
    return None


def _read_pdf(path, raw):
    import logging

    import pdfplumber

    # pdfminer logs a warning per glyph of some embedded CJK fonts: noise, not news
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        raise InputError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc}): it "
                         "may be damaged or cut short: download or export it again") from None
    # (page number, its lines: (text, x0, x1, em of its characters, chars, top, table row?))
    pages = []
    with pdf:
        n_chars = 0
        for pno, page in enumerate(pdf.pages, start=1):
            page = page.dedupe_chars(tolerance=1)
            n_chars += len(page.chars)
            try:
                lines = page.extract_text_lines(layout=False, strip=True, return_chars=True)
            except Exception as exc:
                raise InputError(f"{path}: page {pno} cannot be read ({exc})") from None
            # ruled tables (a Word table printed to PDF): their rows, not lines of text
            boxes, kept = [], []
            for rows, box in _pdf_tables(page):
                boxes.append(box)
                kept += [("\u3000".join(r), box[0], box[2], None, [], box[1], True)
                         for r in rows]
            for ln in lines:
                if any(b[1] - 1 <= ln["top"] and ln["bottom"] <= b[3] + 1 for b in boxes):
                    continue
                text = ln["text"]
                if "(cid:" in text:
                    raise InputError(
                        f"{path}: page {pno}: the PDF's fonts carry no text map ('(cid:…)' "
                        "instead of characters): export the PDF again from Word/WPS, or "
                        "give the .docx or the web page")
                text = _unspace(text)
                if _PAGE_NUMBER.match(text):
                    continue
                wide = [c["x1"] - c["x0"] for c in ln["chars"]
                        if c["text"].strip() and not c["text"].isascii()]
                kept.append((text, ln["x0"], ln["x1"], _median(wide, None), ln["chars"],
                             ln["top"], False))
            kept.sort(key=lambda ln: ln[5])  # a table's rows where it stands (sort is stable)
            if kept:
                pages.append((pno, kept))
        if n_chars == 0:
            raise InputError(f"{path}: the PDF has no text layer (a scan?): run OCR on it "
                             "first, or give the .docx or the web page")
    out = []
    title_zone = True  # the lines so far are all centred: the title block
    right = None
    last = None  # the line before: its page, character size, indent, width, evenness
    after_table = False
    for n, (pno, lines) in enumerate(pages):
        text_lines = [ln for ln in lines if not ln[6]] or lines
        widths = sorted(c["x1"] - c["x0"] for ln in text_lines for c in ln[4]
                        if c["text"].strip())
        em = _median(widths, 10)
        left = min(ln[1] for ln in text_lines)
        # the text's own right margin (that of the page before when no edge is shared)
        right = (_right_edge([ln[2] for ln in text_lines], em) or right or
                 max(ln[2] for ln in text_lines))
        for k, (text, x0, x1, line_em, _chars, _top, row) in enumerate(lines):
            if row:
                out.append(Line(text, f"page {pno}, line {k + 1}", pno, new_para=True,
                                table_row=True))
                after_table, last = True, None
                continue
            size = max(em, line_em or em)  # a title's characters are larger
            indent, gap = x0 - left, right - x1
            # centred: as far from both margins; a paragraph's first line, indented
            # two characters and ending a few characters short, is not
            centred = abs(indent - gap) < 1.5 * em and indent > 2.5 * em and gap > 1.5 * em
            even = abs(indent - gap) < size  # as far from both margins (centred, or full)
            # a line ends its paragraph when it ends well before the right margin: by more
            # than what the next line starts with (（二）, 2.5, 一，), which a break cannot
            # split and so did not fit
            nxt = lines[k + 1][4] if k + 1 < len(lines) else (
                pages[n + 1][1][0][4] if n + 1 < len(pages) else [])
            short = gap > max(2 * size, _lead_width(nxt) + 0.5 * size)
            prev = out[-1] if out else None
            same_page = last is not None and last["page"] == pno
            same_size = last is not None and abs(last["size"] - size) < 0.15 * em
            # an indent, a centred line, the end of the line before, another font size, a
            # line set further in than a paragraph's indent before it (a title, a signature
            # or date set to the right)
            new = indent > 0.8 * em or centred or after_table or (same_page and prev.short) or (
                last is not None and (not same_size or last["indent"] > 3 * em))
            after_table = False
            # a line that continues a paragraph (the line before ran to the right margin,
            # this one is not indented) is part of it, whatever it starts with: 一，, 三、,
            # （二） there are words cut by the line's end, not headings
            cont = (prev is not None and not prev.short and not new and same_size and
                    not prev.heading and not prev.table_row and (same_page or k == 0) and
                    # a sentence ended by a full line, then a numbered heading set flush
                    not (prev.text[-1:] in "。！？；：" and _HEADING_LABEL.match(text)))
            # a centred title's line that runs to the margin, the rest of it centred under
            # it at the same size: one title cut mid-word (…情况报 / 告)
            cont = cont or (title_zone and same_page and centred and last["even"] and
                            not prev.short and same_size and x1 - x0 < last["width"])
            title_zone = title_zone and (centred or even)
            if cont:
                a = prev.text
                sep = " " if (a[-1:].isascii() and a[-1:].isalnum() and text[:1].isascii()
                              and text[:1].isalnum()) else ""
                prev.text = a + sep + text
                prev.short = short
                prev.heading = prev.heading or centred
            else:
                out.append(Line(text, f"page {pno}, line {k + 1}", pno, new_para=bool(new),
                                heading=centred, short=short))
            last = {"page": pno, "size": size, "indent": indent, "width": x1 - x0,
                    "even": even}
    return out


#: what a numbered heading starts with: 一、 （二） 3. 第一部分
_HEADING_LABEL = re.compile(r"[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十\d]{1,3}[）)]|"
                            r"\d{1,3}[.．、](?!\d)|第[一二三四五六七八九十]{1,3}部分")


def _pdf_tables(page):
    """``[(rows, bbox)]`` of a page's ruled tables of short cells (a Word table printed
    to PDF): each row its cells' text; a frame around paragraphs is text, not a table."""
    out = []
    try:
        found = page.find_tables()
    except Exception:  # pdfplumber on odd drawings: read the page as text
        return out
    for t in found:
        rows = [[_unspace(re.sub(r"\s+", " ", c or "").strip()) for c in r]
                for r in t.extract()]
        rows = [r for r in rows if any(r)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2 and \
                all(len(c) <= _CELL_MAX for r in rows for c in r):
            out.append((rows, t.bbox))
    return out


def _unspace(text):
    """Drop the spaces PDF text puts between Chinese characters and their punctuation."""
    return re.sub(f"(?<=[{_HAN}{_CJK_PUNCT}])[ \u3000]+(?=[{_HAN}{_CJK_PUNCT}])", "", text)


# -- cleaning --------------------------------------------------------------------------

_META_KEYS = ("索引号", "发布机构", "发文机关", "发布日期", "发布时间", "成文日期", "生成日期",
              "来源", "信息来源", "文章来源", "浏览次数", "浏览量", "点击数", "点击量", "阅读次数",
              "访问次数", "字号", "字体", "作者", "责任编辑", "编辑", "审核", "分享到", "主题分类",
              "公开方式", "公开范围", "公开时限", "文号", "发文字号", "有效性", "体裁分类",
              "组配分类", "所属机构", "时效", "信息分类", "分类", "关键词", "当前位置",
              "您的位置", "您当前的位置", "您所在的位置", "您现在的位置", "所在位置",
              "当前所在位置", "所属主题", "发布单位", "内容分类", "统一编号", "更新时间",
              "更新日期", "发稿时间", "录入时间", "网站标识码", "栏目", "所属栏目", "信息类别",
              "发布部门", "来源单位", "撰稿", "供稿")
_META = re.compile(r"^[【\[]?\s*(?:" + "|".join(sorted(_META_KEYS, key=len, reverse=True))
                   + r")\s*[:：]")
_BUTTONS = re.compile(r"^[\s【】\[\]（）()|｜·•/>＞]*(?:(?:打印本页|打印|关闭窗口|关闭|收藏|"
                      r"分享|返回顶部|返回|扫一扫|下载|加入收藏|大|中|小|默认|【|】|无障碍浏览|"
                      r"无障碍|简体中文|简体|繁體|繁体|长者模式|关怀版|适老化|English)"
                      r"[\s【】\[\]（）()|｜·•/]*)+$")
#: a "时间：2018-05-03" line under a page's title, or any short line that gives the
#: page's date of publication
_DATED = re.compile(r"^(?:时间|日期)\s*[:：]\s*\d{4}\s*[-/.年]|"
                    r"^.{0,40}(?:发布|更新|录入|发稿|发表)(?:时间|日期)\s*[:：]\s*\d{4}\s*[-/.年]")
#: a site's date banner: 今天是：…, or a date with its weekday (and a lunar date)
_TODAY = re.compile(r"^(?:今天是|今天|今日)\s*[:：]?\s*\d{4}\s*[-/.年]|"
                    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:星期|周)[一二三四五六日天]")
#: a breadcrumb: 政务公开 > 法治政府建设 > 年度报告
_CRUMBS = re.compile(r"^[^，。；：:>＞»›]{1,16}(?:\s*[>＞»›]\s*[^，。；：:>＞»›]{1,16}){1,6}$")


#: a list's bullet before a page's metadata (• 索引号：…)
_BULLET = re.compile(r"^[•·●▪◆■◇□\-*]\s*")
#: a bulleted "key：value" line with a short key (• 索引号：…, • 题：…)
_KEYED = re.compile(r"^[•·●▪◆■◇□\-*]\s*[\u4e00-\u9fff]{1,6}\s*[:：]")


def is_metadata(text):
    """A web page's metadata or button line (索引号, 发布日期, 字号 大 中 小, 打印 关闭 …)."""
    t = _BULLET.sub("", text.strip())
    if _META.match(t) or _BUTTONS.match(t) or _CRUMBS.match(t):
        return True
    if _DATED.match(t) and len(t) < 120:
        return True
    if re.search(r"(首页|主页)\s*[>＞»›]", t):
        return True
    if _TODAY.search(t) and len(t) < 50 and not re.search("[，。；]", t):
        return True
    if "扫一扫" in t and len(t) < 30:
        return True
    # several "key：value" pairs of the metadata block on one line
    keys = [k for k in _META_KEYS if re.search(re.escape(k) + r"\s*[:：]", t)]
    return len(keys) >= 2 and len(t) < 160


_RADICALS = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")
#: simplified-form radicals (CJK Radicals Supplement), which NFKC leaves alone
_SUPPLEMENT = dict(zip("⺠⺟⻄⻅⻆⻉⻋⻓⻔⻚⻛⻜⻝⻢⻥⻦⻨⻩⻬⻮⻰⻳⻏⻖⺼⺨⺗⻁⻂⻊⻗⻘⻣⻤⻪",
                       "民母西见角贝车长门页风飞食马鱼鸟麦黄齐齿龙龟阝阝月犭心虎衤足雨青骨鬼黾"))


def fold_radicals(text):
    """Kangxi radicals and compatibility ideographs (⼀ ⽴ ⻓, as PDF fonts map some
    glyphs) → the ideographs they stand for (一 立 长); nothing else is normalised."""
    import unicodedata

    return _RADICALS.sub(lambda m: _SUPPLEMENT.get(m.group(0)) or
                         unicodedata.normalize("NFKC", m.group(0)), text)


def clean_lines(lines):
    """Drop metadata lines, broken characters and a title given twice."""
    out = []
    in_block = False  # within a page's bulleted metadata block: unknown keys are metadata
    for ln in lines:
        text = fold_radicals(ln.text)
        text = text.replace("\ufffd", "").replace("\u00a0", " ").replace("\u200b", "")
        text = text.strip(" \t\u3000")
        if not text or _PAGE_MARK.match(text):
            continue
        if is_metadata(text):
            in_block = _BULLET.match(text) is not None
            continue
        if in_block and _KEYED.match(text) and len(text) < 80:
            continue  # 题：…, 性： (a key the page cut short) amid 索引号, 发布机构 …
        in_block = False
        ln.text = text
        out.append(ln)
    # the title given twice (the page's heading and the article's own)
    for i in range(min(len(out), 8)):
        for j in range(i + 1, min(len(out), 10)):
            if _same(out[i].text, out[j].text) and len(out[i].text) <= 60 and \
                    not out[j].table_row:  # two tables' header rows are both kept
                del out[j]
                break
    return out
