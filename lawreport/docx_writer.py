"""The Word writer: ``report.docx`` from the document tree, in the official-document
layout of GB/T 9704-2012 (党政机关公文格式).

- A4 portrait; top margin 37 mm, binding (left) margin 28 mm, text block 156 × 225 mm;
  22 lines of 28 characters: exact line spacing 28.95 pt (579 twips) on a line grid of
  that pitch, and 3号 characters set 0.25 pt tighter (28 × 15.75 pt fit the 442.25 pt
  line). A ``linesAndChars`` grid would do the characters in Word, but LibreOffice
  gives each 16 pt character two cells of such a grid (14 to a line); letter-spacing
  gives 28 in Word, WPS and LibreOffice alike.
- Title 2号 (22 pt) 方正小标宋简体, broken between words when it takes two lines; body 3号
  (16 pt) 仿宋_GB2312; 一、 headings 黑体, （一） 楷体_GB2312, areas numbered 1. / （1）
  仿宋 (Heading 3), items (1. / （1）) 仿宋 with their run-in lead bold. The fonts are named
  as East Asian fonts (``w:eastAsia``) with the theme fonts removed, so Chinese text is
  set in them and not in a theme's face.
- Page numbers "— 1 —" in 4号 宋体, odd pages right and even pages left, one character in.
- Signature and date as for a document without a seal: a line below the body, the
  signature two characters from the right, the date below it starting two characters
  further right (both shifted when the date is the longer).
- Charts as pictures with their captions; tables as Word tables.

Every look is a paragraph style (Title, Heading 1, Heading 2, Heading 3, Normal, Salutation,
Signature, Date, Caption, Figure, Table Text): with ``template=`` a department's
reference .docx, its styles, page setup and footers are used as they are (as
pandoc's reference-doc), and only styles it lacks are added in the layout above.

The output is the same bytes for the same tree: fixed core-property dates and zip
entry times.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile

from .document import title_lines

__all__ = ["write_docx", "docx_bytes", "signature_lines", "FONTS", "LINE_PITCH_TWIPS"]

FONTS = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "page": "宋体",
}
LATIN = "Times New Roman"
LINE_PITCH_TWIPS = 579  # 28.95 pt: exactly 22 lines in the 225 mm text block
CHAR_SPACING = -5  # twentieths of a point: 16 pt characters 15.75 pt apart, 28 a line
BODY_PT, TITLE_PT, PAGE_PT, TABLE_PT = 16, 22, 14, 14
CHAR_TWIPS = BODY_PT * 20

# page in twips (1 mm = 56.6929 twips)
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1587, 1474
FOOTER_DISTANCE = 1304  # 23 mm: the page number's top 7 mm below the text block

# name → (font, size pt, alignment, first-line chars, exact line spacing, outline level,
#         space before / after in twips, keep with next)
_STYLES = {
    "Normal": ("body", BODY_PT, "both", 2, True, None, 0, 0, False),
    "Title": ("title", TITLE_PT, "center", 0, True, None, 0, 0, False),
    "Heading 1": ("heading1", BODY_PT, "both", 2, True, 0, 0, 0, True),
    "Heading 2": ("heading2", BODY_PT, "both", 2, True, 1, 0, 0, True),
    "Heading 3": ("body", BODY_PT, "both", 2, True, 2, 0, 0, True),
    "Heading 4": ("body", BODY_PT, "both", 2, True, 3, 0, 0, True),
    "Salutation": ("body", BODY_PT, "left", 0, True, None, 0, 0, False),
    "Signature": ("body", BODY_PT, "right", 0, True, None, LINE_PITCH_TWIPS, 0, False),
    "Date": ("body", BODY_PT, "right", 0, True, None, 0, 0, False),
    "Caption": ("body", TABLE_PT, "center", 0, False, None, 60, 120, False),
    "Figure": ("body", BODY_PT, "center", 0, False, None, 120, 0, True),
    "Table Text": ("body", TABLE_PT, "center", 0, False, None, 0, 0, False),
}


def _qn(tag):
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag, **attrs):
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(_qn(f"w:{k}"), str(v))
    return el


def _strip_theme_fonts(rfonts):
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(_qn(f"w:{attr}"), None)


def _rfonts(east_asian, latin=LATIN):
    return _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asian, cs=latin,
               hint="eastAsia")


def _set_fonts(rpr, east_asian, latin=LATIN):
    """Put the East Asian font (and the Latin one) on a run or style ``w:rPr``."""
    old = rpr.find(_qn("w:rFonts"))
    new = _rfonts(east_asian, latin)
    if old is not None:
        rpr.replace(old, new)
    else:
        rpr.insert(0, new)


def _style_xml(style, spec):
    """Replace a style's paragraph and run properties by the layout's."""
    font, size, align, indent, exact, outline, before, after, keep = spec
    el = style.element
    for tag in ("w:pPr", "w:rPr"):
        old = el.find(_qn(tag))
        if old is not None:
            el.remove(old)
    ppr = _el("w:pPr")
    if keep:
        ppr.append(_el("w:keepNext"))
    ppr.append(_el("w:widowControl", val=0))
    if not exact or size != BODY_PT:  # off the line grid: pictures, tables, the title
        ppr.append(_el("w:snapToGrid", val=0))
    ppr.append(_el("w:spacing", before=before, after=after,
                   line=LINE_PITCH_TWIPS if exact else 240,
                   lineRule="exact" if exact else "auto"))
    ppr.append(_el("w:ind", firstLineChars=indent * 100, firstLine=indent * CHAR_TWIPS,
                   left=0, right=0))
    ppr.append(_el("w:jc", val=align))
    if outline is not None:
        ppr.append(_el("w:outlineLvl", val=outline))
    rpr = _el("w:rPr")
    rpr.append(_rfonts(FONTS[font]))
    rpr.append(_el("w:b", val=0))
    rpr.append(_el("w:bCs", val=0))
    rpr.append(_el("w:color", val="000000"))
    if size == BODY_PT:
        rpr.append(_el("w:spacing", val=CHAR_SPACING))
    rpr.append(_el("w:sz", val=size * 2))
    rpr.append(_el("w:szCs", val=size * 2))
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    # pPr before rPr, both after name/basedOn/next/link/uiPriority/qFormat
    el.append(ppr)
    el.append(rpr)


def _ensure_style(doc, name, spec, restyle):
    from docx.enum.style import WD_STYLE_TYPE

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"] if name != "Normal" else None
        restyle = True
    if restyle:
        _style_xml(style, spec)
    style.hidden = False
    style.quick_style = True
    return style


def _doc_defaults(doc):
    """Document defaults without theme fonts: 仿宋_GB2312 3号, Chinese language."""
    styles = doc.styles.element
    rpr = styles.find(_qn("w:docDefaults") + "/" + _qn("w:rPrDefault") + "/" + _qn("w:rPr"))
    if rpr is not None:
        _set_fonts(rpr, FONTS["body"])
        # the document grid's character pitch is reckoned from the default size: 3号
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(_qn(tag))
            if el is not None:
                el.set(_qn("w:val"), str(BODY_PT * 2))
        lang = rpr.find(_qn("w:lang"))
        if lang is not None:
            lang.set(_qn("w:eastAsia"), "zh-CN")
    ppr = styles.find(_qn("w:docDefaults") + "/" + _qn("w:pPrDefault") + "/" + _qn("w:pPr"))
    if ppr is not None:
        sp = ppr.find(_qn("w:spacing"))
        if sp is not None:
            ppr.remove(sp)
    # python-docx's template reads East Asian theme fonts as Japanese
    lang = doc.settings.element.find(_qn("w:themeFontLang"))
    if lang is not None:
        lang.set(_qn("w:eastAsia"), "zh-CN")
    # no style falls back on a theme font (theirs would win over w:eastAsia)
    for rfonts in styles.iter(_qn("w:rFonts")):
        _strip_theme_fonts(rfonts)
        if rfonts.get(_qn("w:eastAsia")) is None:
            rfonts.set(_qn("w:eastAsia"), FONTS["body"])


def _page_setup(section):
    """A4 portrait, GB/T 9704 margins, a line grid of 22 lines, odd/even footers."""
    from docx.shared import Twips

    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.gutter = Twips(0)
    section.header_distance, section.footer_distance = Twips(851), Twips(FOOTER_DISTANCE)
    sect = section._sectPr
    old = sect.find(_qn("w:docGrid"))
    if old is not None:
        sect.remove(old)
    sect.append(_el("w:docGrid", type="lines", linePitch=LINE_PITCH_TWIPS))


def _page_number_paragraph(footer, side):
    """"— N —" with a PAGE field, 4号 宋体, on the outer side one character in."""
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    for r in list(p.runs):
        r._r.getparent().remove(r._r)
    ppr = p._p.get_or_add_pPr()
    ppr.append(_el("w:snapToGrid", val=0))
    ppr.append(_el("w:spacing", before=0, after=0, line=240, lineRule="auto"))
    one_char = PAGE_PT * 20
    if side == "right":
        ppr.append(_el("w:ind", right=one_char, firstLine=0))
        ppr.append(_el("w:jc", val="right"))
    else:
        ppr.append(_el("w:ind", left=one_char, firstLine=0))
        ppr.append(_el("w:jc", val="left"))

    def run(text=None, fld=None, instr=None):
        r = _el("w:r")
        rpr = _el("w:rPr")
        rpr.append(_rfonts(FONTS["page"], FONTS["page"]))
        rpr.append(_el("w:sz", val=PAGE_PT * 2))
        rpr.append(_el("w:szCs", val=PAGE_PT * 2))
        r.append(rpr)
        if fld:
            r.append(_el("w:fldChar", fldCharType=fld))
        if instr:
            t = _el("w:instrText")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = instr
            r.append(t)
        if text is not None:
            t = _el("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = text
            r.append(t)
        p._p.append(r)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _footers(doc, section):
    doc.settings.odd_and_even_pages_header_footer = True
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    _page_number_paragraph(section.footer, "right")
    _page_number_paragraph(section.even_page_footer, "left")


def _has_footers(section):
    return any(section._sectPr.findall(_qn("w:footerReference")))


def _text_width(text, half=0.5):
    """Width in characters of 3号 text: full-width 1, half-width ``half``."""
    return sum(1 if unicodedata.east_asian_width(c) in "FW" else half for c in text)


def signature_lines(signature, date):
    """``[(text, characters from the right)]`` of the signature and the date of a
    document without a seal (GB/T 9704-2012 7.3.5.2): the signature two characters from
    the right, the date below it starting two characters further right; when the date
    is the longer, it keeps two characters and the signature moves left."""
    if signature and date:
        ws, wd = _text_width(signature), _text_width(date)
        if 2 + wd <= ws:
            return [(signature, 2), (date, 2 + ws - 2 - wd)]
        return [(signature, 2 + (2 + wd - ws)), (date, 2)]
    return [(x, 2) for x in (signature, date) if x]


def _right_indent(p, chars):
    ppr = p._p.get_or_add_pPr()
    old = ppr.find(_qn("w:ind"))
    if old is not None:
        ppr.remove(old)
    ind = _el("w:ind", rightChars=round(chars * 100), right=round(chars * CHAR_TWIPS),
              firstLineChars=0, firstLine=0)
    jc = ppr.find(_qn("w:jc"))
    if jc is not None:
        jc.addprevious(ind)
    else:
        ppr.append(ind)


def _fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        return f"{v:g}"
    return str(v)


class _Writer:
    def __init__(self, doc, drawings):
        self.doc, self.drawings = doc, drawings

    def para(self, text="", style="Normal", label="", lead=None):
        p = self.doc.add_paragraph(style=style)
        if label:
            p.add_run(label)
        if lead:
            p.add_run(lead).bold = True
        if text:
            p.add_run(text)
        return p

    def item(self, item, style="Normal"):
        paras = item.paragraphs or [""]
        self.para(paras[0], style, item.label, item.lead)
        for text in paras[1:]:
            self.para(text, style)

    def drawing(self, d):
        from docx.shared import Mm

        if d is None:
            return
        if d.is_chart:
            p = self.doc.add_paragraph(style="Figure")
            # at the size it was drawn for (a print chart: 140 mm at 300 dpi), as in the PDF
            px = int.from_bytes(d.png[16:20], "big")  # the PNG header's width
            p.add_run().add_picture(io.BytesIO(d.png), width=Mm(min(140, px / d.dpi * 25.4)))
            self.para(d.caption, "Caption")
            return
        cap = self.para(d.caption, "Caption")
        cap.paragraph_format.keep_with_next = True
        self.table(d.table)

    def table(self, df):
        from docx.enum.table import WD_TABLE_ALIGNMENT

        cols = [str(c) for c in df.columns]
        t = self.doc.add_table(rows=1 + len(df), cols=len(cols))
        try:
            t.style = self.doc.styles["Table Grid"]
        except KeyError:
            pass
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = t.rows[0]
        trpr = header._tr.get_or_add_trPr()
        trpr.append(_el("w:tblHeader"))
        for j, c in enumerate(cols):
            cell = header.cells[j]
            cell.paragraphs[0].style = self.doc.styles["Table Text"]
            cell.paragraphs[0].add_run(c).bold = True
        rows = [[_fmt(v) for v in row] for row in df.itertuples(index=False)]
        for i, row in enumerate(rows, start=1):
            cells = t.rows[i].cells
            for j, v in enumerate(row):
                cells[j].paragraphs[0].style = self.doc.styles["Table Text"]
                cells[j].paragraphs[0].add_run(v)
        _column_widths(t, [cols, *rows])
        # a blank line of body text after the table
        self.doc.add_paragraph(style="Normal")

    def front(self, tree):
        if tree.show_org and tree.org_name:
            self.para(tree.org_name, "Title")
        title = self.doc.add_paragraph(style="Title")
        for i, line in enumerate(title_lines(tree.title)):  # broken where GB/T 9704 asks
            if i:
                title.add_run().add_break()
            title.add_run(line)
        title.paragraph_format.space_after = _twips(LINE_PITCH_TWIPS)
        if tree.addressee:
            self.para(tree.addressee, "Salutation")
        if tree.preamble:
            self.item(tree.preamble)

    def part(self, part, parts=()):
        self.para(part.label + part.heading, "Heading 1")
        if part.intro:
            self.item(part.intro)
        for it in part.items:
            self.item(it)
        for sec in part.sections:
            self.para(sec.label + sec.heading, "Heading 3" if sec.arabic else "Heading 2")
            if sec.intro:
                self.item(sec.intro)
            for it in sec.items:
                self.item(it)
            if self.drawings is not None:
                for ref in sec.exhibits:
                    self.drawing(self.drawings.of(ref))
        if self.drawings is not None:
            for ref in part.exhibits:
                self.drawing(self.drawings.of(ref))
            for d in self.drawings.after_part(part, parts):
                self.drawing(d)

    def closing(self, tree):
        """Signature and date as :func:`signature_lines` places them."""
        lines = signature_lines(tree.signature, tree.date)
        if lines and self.doc.paragraphs:  # not alone on a page: the body's end goes along
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        for n, (text, chars) in enumerate(lines):  # the first a line below the body
            _right_indent(self.para(text, "Signature" if n == 0 else "Date"), chars)

    def appendix(self):
        if self.drawings is None:
            return
        drawings = self.drawings.appendix()
        findings = [f for f in self.drawings.findings if f.level == "warning"]
        # each on a page of its own (the heading's own break: no empty line above it);
        # 数据核验 is the drafters', to leave out of what is published
        if drawings:
            self.para("主要数据一览", "Heading 1").paragraph_format.page_break_before = True
            for d in drawings:
                self.drawing(d)
        self.para("数据核验", "Heading 1").paragraph_format.page_break_before = True
        self.para("本节由 lawreport 根据数据自动核验生成，供起草人员核对，不属于报告正文。")
        if not findings:
            self.para("未发现数据不一致。")
        import os

        for n, f in enumerate(findings, start=1):
            where = os.path.basename(f.file) + (f" 第 {f.line} 行" if f.line else "")
            self.para(f"{f.zh or f.message}（{where}，字段 {f.field}）", label=f"{n}. ")


def _column_widths(table, texts):
    """Columns as wide as their text (14 pt characters, half of one each side), within the
    text block: numbers, units and changes on one line; the first
    column, the names, takes what is left and wraps."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Pt

    block = 156 / 25.4 * 72 / TABLE_PT  # the text block in table characters (31.6)
    # a digit or letter of the table's face, bold in the header, is 0.6 of a character
    need = [max(_text_width(r[j], 0.6) for r in texts) + 1 for j in range(len(texts[0]))]
    if sum(need) > block:  # the first column wraps
        need[0] = max(4, block - sum(need[1:]))
    if sum(need) > block:
        need = [n * block / sum(need) for n in need]
    table.autofit = False
    for j, n in enumerate(need):
        table.columns[j].width = Pt(n * TABLE_PT)
        for cell in table.columns[j].cells:
            cell.width = Pt(n * TABLE_PT)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _twips(n):
    from docx.shared import Twips

    return Twips(n)


def _report_datetime(tree):
    m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", tree.date or "")
    if m:
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=dt.timezone.utc)
    if tree.year:
        return dt.datetime(int(tree.year), 12, 31, tzinfo=dt.timezone.utc)
    return dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _core_properties(doc, tree):
    cp = doc.core_properties
    when = _report_datetime(tree)
    cp.title = (tree.org_name + tree.title) if tree.show_org else tree.title
    cp.author = cp.last_modified_by = tree.org_name or ""
    cp.subject, cp.keywords, cp.comments, cp.category = "法治政府建设年度报告", "", "", ""
    cp.created = cp.modified = cp.last_printed = when
    cp.revision = 1
    cp.language = "zh-CN"


def _clear_body(doc):
    """Empty the starting document: its text, and the thumbnail picturing it."""
    body = doc.element.body
    for child in list(body):
        if child.tag != _qn("w:sectPr"):
            body.remove(child)
    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
        rels.pop(rid)


def _fixed_zip(raw):
    """The .docx with every entry dated 1980-01-01, in a fixed order."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        first = [n for n in names if n == "[Content_Types].xml"]
        for name in first + [n for n in names if n not in first]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def docx_bytes(tree, drawings=None, template=None):
    """The Word file of a :class:`lawreport.document.Document` as bytes.

    Parameters
    ----------
    tree : lawreport.document.Document
        The report.
    drawings : lawreport.exhibits.Drawings, optional
        Its exhibits (charts and tables) and data check; without it, the text only.
    template : str, optional
        A reference .docx whose styles, page setup and footers are used.
    """
    import docx

    doc = docx.Document(template) if template else docx.Document()
    _clear_body(doc)
    if template is None:
        _doc_defaults(doc)
    for name, spec in _STYLES.items():
        _ensure_style(doc, name, spec, restyle=template is None)
    section = doc.sections[0]
    if template is None:
        _page_setup(section)
    if template is None or not _has_footers(section):
        _footers(doc, section)
    w = _Writer(doc, drawings)
    w.front(tree)
    for part in tree.parts:
        w.part(part, tree.parts)
    w.closing(tree)
    w.appendix()
    _core_properties(doc, tree)
    _font_table(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


#: what a machine without the official fonts has of the same face: Windows 10 and 11 have
#: 仿宋 and 楷体 (not the _GB2312 ones), every Chinese Windows 宋体 and 黑体
FONT_ALT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体",
                  "黑体": "SimHei", "宋体": "SimSun"}


def _font_table(doc):
    """Declare the Chinese fonts in the font table (GB2312 charset, an alternate name),
    so that Word or WPS without 仿宋_GB2312 sets 仿宋, not a font of its own choice."""
    from docx.oxml import parse_xml
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts()
                 if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = parse_xml(part.blob)
    have = {f.get(_qn("w:name")) for f in root.findall(_qn("w:font"))}
    for name in dict.fromkeys(FONTS.values()):
        if name in have:
            continue
        font = _el("w:font", name=name)
        if name in FONT_ALT_NAMES:
            font.append(_el("w:altName", val=FONT_ALT_NAMES[name]))
        for tag, val in (("w:charset", "86"), ("w:family", "modern"), ("w:pitch", "fixed")):
            font.append(_el(tag, val=val))
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                standalone=True)


def write_docx(tree, path, drawings=None, template=None):
    """Write ``report.docx`` (see :func:`docx_bytes`); returns ``path``."""
    data = docx_bytes(tree, drawings, template)
    with open(path, "wb") as fh:
        fh.write(data)
    return path
