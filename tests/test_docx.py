"""report.docx: the reference text, GB/T 9704 layout, fonts, page numbers, exhibits —
checked by reading the file back (python-docx and the XML parts)."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from conftest import text_ratio
from lawreport.document import Document, Item, Part, Section
from lawreport.docx_writer import docx_bytes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 1440 / 25.4  # twips


@pytest.fixture(scope="module")
def path(built_formats):
    return built_formats / "report.docx"


@pytest.fixture(scope="module")
def word(path):
    return docx.Document(str(path))


@pytest.fixture(scope="module")
def parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _style_fonts(word, name):
    """(eastAsia, size in pt, bold) of a paragraph style, following basedOn."""
    style = word.styles[name]
    ea = size = bold = None
    while style is not None:
        rpr = style.element.find(qn("w:rPr"))
        if rpr is not None:
            f = rpr.find(qn("w:rFonts"))
            if ea is None and f is not None:
                ea = f.get(qn("w:eastAsia"))
            sz = rpr.find(qn("w:sz"))
            if size is None and sz is not None:
                size = int(sz.get(qn("w:val"))) / 2
            b = rpr.find(qn("w:b"))
            if bold is None and b is not None:
                bold = b.get(qn("w:val")) not in ("0", "false")
        style = style.base_style
    return ea, size, bool(bold)


def test_reproduces_the_reference_text(word, reference_text):
    text = "\n".join(p.text for p in word.paragraphs)
    assert text_ratio(reference_text, text) >= 0.98


def test_a4_margins_and_text_block(word):
    s = word.sections[0]
    assert len(word.sections) == 1
    assert (s.page_width.twips, s.page_height.twips) == (11906, 16838)  # 210 × 297 mm
    assert s.orientation == 0  # portrait
    assert abs(s.top_margin.twips / MM - 37) < 0.1
    assert abs(s.left_margin.twips / MM - 28) < 0.1  # binding margin
    width = (s.page_width.twips - s.left_margin.twips - s.right_margin.twips) / MM
    height = (s.page_height.twips - s.top_margin.twips - s.bottom_margin.twips) / MM
    assert abs(width - 156) < 0.1 and abs(height - 225) < 0.1


def test_22_lines_of_28_characters(word):
    s = word.sections[0]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    pitch = int(grid.get(qn("w:linePitch")))
    height = s.page_height.twips - s.top_margin.twips - s.bottom_margin.twips
    assert 22 * pitch <= height < 23 * pitch  # exactly 22 lines: 28.95 pt
    assert pitch == 579
    spacing = word.styles["Normal"].element.find(qn("w:pPr")).find(qn("w:spacing"))
    assert spacing.get(qn("w:lineRule")) == "exact" and spacing.get(qn("w:line")) == "579"
    # 3号 characters set tighter: 28 of them, not 29, across the text block
    width_pt = (s.page_width.twips - s.left_margin.twips - s.right_margin.twips) / 20
    rpr = word.styles["Normal"].element.find(qn("w:rPr"))
    char = 16 + int(rpr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert 28 * char <= width_pt < 29 * char


def test_fonts_by_level_set_as_east_asian_fonts(word, parts):
    assert _style_fonts(word, "Title") == ("方正小标宋简体", 22, False)
    assert _style_fonts(word, "Normal") == ("仿宋_GB2312", 16, False)
    assert _style_fonts(word, "Heading 1")[:2] == ("黑体", 16)
    assert _style_fonts(word, "Heading 2")[:2] == ("楷体_GB2312", 16)
    styles = {p.text[:3]: p.style.name for p in word.paragraphs if p.text}
    assert styles["一、推"] == "Heading 1"
    assert styles["（一）"] == "Heading 2"
    assert styles["1. "] == "Normal"
    assert word.paragraphs[0].style.name == "Title"
    assert word.paragraphs[1].text == "关于 2021 年法治政府建设的年度报告"
    # no theme font anywhere: it would win over w:eastAsia
    assert b"Theme=" not in parts["word/styles.xml"].replace(b"cstheme", b"")
    assert b"w:cstheme" not in parts["word/styles.xml"]
    assert b'w:eastAsia="zh-CN"' in parts["word/styles.xml"]
    assert b"ja-JP" not in parts["word/settings.xml"] + parts["word/styles.xml"]
    assert not any("thumbnail" in n for n in parts)  # no picture of another document
    # runs carry no font of their own: the styles decide (and a template's can)
    assert b"w:rFonts" not in parts["word/document.xml"]


def test_page_numbers_odd_right_even_left(parts):
    assert b"<w:evenAndOddHeaders/>" in parts["word/settings.xml"]
    doc = parts["word/document.xml"].decode()
    refs = dict(re.findall(r'<w:footerReference w:type="(\w+)" r:id="(\w+)"', doc))
    rels = parts["word/_rels/document.xml.rels"].decode()
    target = {i: re.search(rf'Id="{i}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{i}"',
                           rels) for i in refs.values()}
    footers = {kind: parts["word/" + next(g for g in target[rid].groups() if g)].decode()
               for kind, rid in refs.items()}
    assert set(footers) == {"default", "even"}
    for kind, side in (("default", "right"), ("even", "left")):
        xml = footers[kind]
        assert 'w:fldCharType="begin"' in xml and "PAGE" in xml
        assert 'w:fldCharType="end"' in xml
        assert "— " in xml and " —" in xml
        assert f'<w:jc w:val="{side}"/>' in xml
        assert f'w:{side}="280"' in xml  # one 4号 character in
        assert 'w:eastAsia="宋体"' in xml and '<w:sz w:val="28"/>' in xml  # 4号 宋体


def test_signature_and_date_without_a_seal(word):
    paras = [p for p in word.paragraphs if p.text]
    i = next(n for n, p in enumerate(paras) if p.text == "运城市科学技术局" and n > 0)
    sig, date = paras[i], paras[i + 1]
    assert date.text == "2021年12月30日"
    assert sig.style.name == "Signature" and date.style.name == "Date"

    def right_chars(p):
        return int(p._p.pPr.find(qn("w:ind")).get(qn("w:rightChars"))) / 100

    # the date (7 characters wide) starts two characters right of the signature (8):
    # it is the longer, so it keeps two characters from the right, the signature three
    assert right_chars(date) == 2 and right_chars(sig) == 3
    sig_style = word.styles["Signature"].element.find(qn("w:pPr")).find(qn("w:spacing"))
    assert sig_style.get(qn("w:before")) == "579"  # one line below the body
    # never alone on a page: the body's last paragraph keeps with the signature
    allp = word.paragraphs
    k = next(n for n, p in enumerate(allp) if p._p is sig._p)
    assert allp[k - 1].paragraph_format.keep_with_next


def test_five_charts_and_real_tables(word, parts):
    media = [n for n in parts if n.startswith("word/media/") and n.endswith(".png")]
    assert len(media) == 5
    assert parts["word/document.xml"].count(b"<wp:inline") == 5
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    for title in ("权责清单事项（按职权类别）", "“互联网+监管”完成情况（%）",
                  "执法人员（按证件类别）", "政务公开信息发布情况（按类别）", "2021年主要数据",
                  "“互联网+监管”工作情况"):
        assert title in captions
    assert len(word.tables) >= 2
    cells = [[c.text for c in row.cells] for t in word.tables for row in t.rows]
    assert ["报送监管行为", "233", "次"] in cells
    assert ["政务公开信息", "179", "条"] in cells


def test_table_columns_fit_their_text_within_the_text_block(word):
    # not equal columns: 单位 narrow, a number or a change on its line; all within 156 mm
    for t in word.tables:
        widths = [c.width.pt for c in t.columns]
        assert sum(widths) <= 156 / 25.4 * 72 + 1
        for j, col in enumerate(t.columns):
            longest = max(len(c.text) for c in col.cells)
            if j:  # beyond the names' column: as wide as its longest text, at 14 pt
                assert widths[j] >= longest * 0.5 * 14
        assert all(c._tc.tcPr.find(qn("w:vAlign")) is not None for r in t.rows for c in r.cells)
    units = [t for t in word.tables if t.rows[0].cells[2].text == "单位"]
    assert units and all(t.columns[2].width.pt < t.columns[0].width.pt for t in units)


def test_the_chinese_fonts_are_declared_with_the_names_windows_has(parts):
    # Windows 10 and 11 have 仿宋 and 楷体, not 仿宋_GB2312 and 楷体_GB2312: the font table
    # names them as alternates, in the GB2312 character set
    from lxml import etree

    fonts = {f.get(qn("w:name")): f for f in etree.fromstring(
        parts["word/fontTable.xml"]).findall(qn("w:font"))}
    for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
        assert fonts[name].find(qn("w:altName")).get(qn("w:val")) == alt
        assert fonts[name].find(qn("w:charset")).get(qn("w:val")) == "86"
    assert "黑体" in fonts and "宋体" in fonts


def test_charts_drawn_for_the_printed_page(word):
    # 300 dpi at the size they are placed (140 mm, the text block's width, or less):
    # their text keeps its point size in print
    for shape in word.inline_shapes:
        blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        png = word.part.related_parts[blob].blob
        px = int.from_bytes(png[16:20], "big")
        inches = shape.width.inches
        assert inches <= 140 / 25.4 + 0.01 and px / inches == pytest.approx(300, abs=2)


def test_the_appendix_and_the_data_check_each_start_a_page(word, parts):
    # by their headings' own page break (no empty paragraph above them)
    heads = {p.text: p for p in word.paragraphs if p.text in ("主要数据一览", "数据核验")}
    assert set(heads) == {"主要数据一览", "数据核验"}
    assert all(p.paragraph_format.page_break_before for p in heads.values())
    assert b'w:type="page"' not in parts["word/document.xml"]


def test_same_bytes_fixed_dates(path, word):
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    cp = word.core_properties
    assert cp.created.date().isoformat() == "2021-12-30" == cp.modified.date().isoformat()
    assert cp.author == "运城市科学技术局"


# -- the writer on trees the sample does not have ------------------------------------


def _tree(**kw):
    part = Part(key="measures", kind="measures", heading="主要举措", label="一、", number=1,
                intro=Item("本部分导语。"),
                items=[Item("直接在部分下的事项。", "1. ", lead="一是加强领导。")],
                sections=[Section("依法行政", "（一）", intro=Item("领域导语。"),
                                  items=[Item("第一段。\n\n第二段。", "（1）")])])
    args = dict(title="某某局2022年法治政府建设年度报告", org_name="某某局", year=2022,
                show_org=False, parts=[part])
    args.update(kw)
    return Document(**args)


def _read(data):
    return docx.Document(io.BytesIO(data))


def test_leads_bold_intros_and_items_under_parts():
    d = _read(docx_bytes(_tree(addressee="市司法局：", signature=None, date=None)))
    texts = [p.text for p in d.paragraphs]
    assert texts[:3] == ["某某局2022年法治政府建设年度报告", "市司法局：", "一、主要举措"]
    assert d.paragraphs[1].style.name == "Salutation"
    assert "本部分导语。" in texts and "领域导语。" in texts
    item = next(p for p in d.paragraphs if p.text.startswith("1. "))
    assert [(r.text, bool(r.bold)) for r in item.runs] == [
        ("1. ", False), ("一是加强领导。", True), ("直接在部分下的事项。", False)]
    assert "（1）第一段。" in texts and "第二段。" in texts
    assert texts.count("某某局") == 0  # title holds the name; no signature given
    assert not any(p.style.name in ("Signature", "Date") for p in d.paragraphs)


def test_department_name_above_a_title_without_it():
    d = _read(docx_bytes(_tree(title="关于2022年法治政府建设的报告", show_org=True,
                               signature="某某局", date="2023年1月8日")))
    assert [p.text for p in d.paragraphs[:2]] == ["某某局", "关于2022年法治政府建设的报告"]
    assert [p.style.name for p in d.paragraphs[:2]] == ["Title", "Title"]
    assert [p.text for p in d.paragraphs if p.style.name in ("Signature", "Date")] == [
        "某某局", "2023年1月8日"]


def test_a_long_title_is_broken_between_words_and_reads_back_whole(tmp_path):
    from lawreport.extract import read_document

    title = "某某市教育局关于2022年度法治政府建设情况的报告"
    data = docx_bytes(_tree(title=title))
    d = _read(data)
    assert d.paragraphs[0].text == "某某市教育局关于2022年度\n法治政府建设情况的报告"
    assert len(d.paragraphs[0]._p.findall(".//" + qn("w:br"))) == 1
    path = tmp_path / "r.docx"
    path.write_bytes(data)
    assert read_document(path).title == title


def test_an_area_numbered_in_arabic_numerals_is_set_as_the_body():
    part = Part(key="measures", kind="measures", heading="主要举措", label="一、", number=1,
                sections=[Section("加强组织领导。", "1."), Section("依法行政", "（一）")])
    d = _read(docx_bytes(_tree(parts=[part])))
    styles = {p.text: p.style for p in d.paragraphs}
    assert styles["1.加强组织领导。"].name == "Heading 3"
    assert styles["（一）依法行政"].name == "Heading 2"
    font = styles["1.加强组织领导。"].element.rPr.rFonts.get(qn("w:eastAsia"))
    assert font == "仿宋_GB2312"


def test_same_tree_same_bytes():
    assert docx_bytes(_tree()) == docx_bytes(_tree())


def test_template_styles_are_used(tmp_path):
    from docx.shared import Pt

    ref = docx.Document()
    ref.styles["Normal"].font.size = Pt(12)
    ref.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(
        qn("w:eastAsia"), "微软雅黑")
    ref.sections[0].left_margin = docx.shared.Mm(20)
    path = tmp_path / "dept.docx"
    ref.save(str(path))
    d = _read(docx_bytes(_tree(), template=str(path)))
    assert d.styles["Normal"].font.size == Pt(12)
    ea = d.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia"))
    assert ea == "微软雅黑"
    assert abs(d.sections[0].left_margin.mm - 20) < 0.1  # the template's page setup
    assert "一、主要举措" in [p.text for p in d.paragraphs]
    # styles the template lacks are added in the standard's layout
    assert _style_fonts(d, "Signature")[0] == "仿宋_GB2312"


@pytest.mark.parametrize("args, message", [
    (["--format", "html,word"], "unknown format word"),
    (["--format", "html,docx", "--docx-template", "missing.docx"], "Word template not found"),
    (["--format", "pdf", "--docx-template", __file__], "add docx to --format"),
    (["--format", "docx", "--docx-template", __file__], "not a Word document"),
])
def test_build_refuses_bad_format_options(cli, tmp_path, args, message):
    from conftest import SAMPLE_DATA

    r = cli("build", "--data", SAMPLE_DATA, "--org", "yuncheng-kjj", "--year", "2021",
            "--out", tmp_path / "out", *args)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert not (tmp_path / "out" / "yuncheng-kjj").exists()
