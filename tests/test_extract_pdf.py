"""lawreport extract on PDFs: lines cut by the page's width read back as the paragraphs
and headings they are (a wrapped line is never a heading, whatever it starts with; the
text's own right margin, not the page's; a title cut mid-word is one title), and the
titles lawreport prints are broken where they leave no character alone.

The PDFs are made here with WeasyPrint (a dependency) in the face the built reports use.
"""

from __future__ import annotations

import html as _html
import io

import pdfplumber
import pytest

from lawreport.extract import numbering_of, read_document

_PAGE = '@page{size:A4;margin:37mm 26mm 35mm 28mm;@bottom-center{content:"— " counter(page) " —"}}'
_FONT = 'font-family:"Noto Serif CJK SC"'


def _pdf(path, body, css=""):
    """A PDF of ``body`` (HTML) on A4: 16 px text, paragraphs indented two characters,
    not justified (a line ends where the next word does not fit)."""
    import weasyprint

    weasyprint.HTML(string=(
        f'<html lang="zh"><head><meta charset="utf-8"><style>{_PAGE} body{{{_FONT};'
        "font-size:16px;line-height:1.6}p{text-indent:2em;margin:0}"
        f"p.noind{{text-indent:0}}p.sig{{text-align:right}}{css}</style></head>"
        f"<body>{body}</body></html>")).write_pdf(path)
    return path


def _paras(paras, cls=""):
    return "".join(f'<p{cls}>{_html.escape(p)}</p>' for p in paras)


def _lines(path):
    with pdfplumber.open(path) as pdf:
        return [ln["text"] for page in pdf.pages for ln in page.extract_text_lines()]


HEAD = ["县人民政府：", "现将有关情况报告如下："]
TAIL = ["三、党政主要负责人履行推进法治建设第一责任人职责情况", "局主要负责人专题研究法治工作4次。",
        "四、2024年推进法治政府建设的主要安排", "加强执法队伍建设。"]
END = '<p class="sig">某某县交通运输局</p><p class="sig">2024年3月15日</p>'


# -- labels ----------------------------------------------------------------------------


def test_a_numeral_and_a_comma_are_no_heading_label():
    # 一， starts a wrapped line's words (…形式较为单 / 一，针对性…), not a part
    assert numbering_of("一，针对性和实效性有待增强。") is None
    assert numbering_of("三,加强学习。") is None
    assert numbering_of("一、主要举措").style == "cn_dun"
    assert numbering_of("一．主要举措").style == "cn_dun"
    assert numbering_of("第一部分，主要举措").style == "cn_part"


def test_a_paragraph_starting_with_a_numeral_and_a_comma_is_not_a_part(tmp_path):
    src = tmp_path / "r.txt"
    src.write_text("某某局2023年度法治政府建设情况报告\n\n　　现将有关情况报告如下：\n\n"
                   "　　一、主要举措和成效\n\n　　全年开展执法检查45次。\n\n"
                   "　　二、存在的不足和原因\n\n　　一是执法力量不足。\n\n"
                   "　　一，针对性和实效性有待增强。\n\n"
                   "　　三、下一步工作安排\n\n　　加强队伍建设。\n", encoding="utf-8")
    doc = read_document(src)
    assert [p.label for p in doc.parts] == ["一、", "二、", "三、"]
    assert [i.text for i in doc.parts[1].all_items()] == [
        "一是执法力量不足。", "一，针对性和实效性有待增强。"]


# -- wrapped lines ---------------------------------------------------------------------


def test_a_wrapped_line_starting_with_a_label_continues_its_paragraph(tmp_path):
    # a column of 20 characters: a paragraph's first line holds 18, the next ones 20; a
    # line cut before 三、 or （二）、（三） (which a break cannot split: it ends its line
    # four characters short) goes on in the next, which is no heading
    body = [
        "一、2023年推进法治政府建设的主要举措和成效",
        "（一）严格规范公正文明执法",
        "为保障安全会同交警部门分别在一、二、三、四季度开展专项检查。",
        "对轻微违法行为依据条例第十条第（二）、（三）项规定，依法不予处罚7起。",
        "（二）深化普法宣传",
        "组织法治讲座等普法活动。",
        "二、存在的不足和原因",
        "三是普法宣传方式方法比较传统，形式单一，针对性和实效性有待增强。",
    ]
    pdf = _pdf(tmp_path / "r.pdf", "<h1>某某县交通运输局2023年度法治政府建设情况报告</h1>" +
               _paras(HEAD[:1], ' class="noind"') + _paras(HEAD[1:] + body + TAIL) + END,
               "body{width:20em}h1{font-size:16px;text-align:center}")
    lines = _lines(pdf)
    # as laid out: lines that start with a label in the middle of a paragraph
    assert "三、四季度开展专项检查。" in lines
    assert any(ln.startswith("（二）、（三）项规定") for ln in lines)
    assert any(ln.startswith("一，针对性") for ln in lines)
    doc = read_document(pdf)
    assert [p.label + p.heading for p in doc.parts] == [
        "一、2023年推进法治政府建设的主要举措和成效", "二、存在的不足和原因",
        TAIL[0], TAIL[2]]
    texts = [i.text for p in doc.parts for i in p.all_items()]
    assert body[2] in texts and body[3] in texts and body[7] in texts
    assert [s.heading for s in doc.parts[0].sections] == ["严格规范公正文明执法", "深化普法宣传"]
    assert (doc.signature, doc.date) == ("某某县交通运输局", "2024年3月15日")


def test_a_right_aligned_date_does_not_run_on_into_the_next_page(tmp_path):
    # the date ends at the right margin, the appendix' heading starts the next page:
    # a line set to the right is not a paragraph that runs on
    body = HEAD[1:] + ["一、主要举措和成效", "全年开展执法检查45次。"] + TAIL
    pdf = _pdf(tmp_path / "r.pdf", "<h1>某某局2023年度法治政府建设情况报告</h1>" +
               _paras(HEAD[:1], ' class="noind"') + _paras(body) + END +
               '<p style="page-break-before:always">主要数据一览</p>',
               "h1{font-size:22px;text-align:center}")
    doc = read_document(pdf)
    assert (doc.signature, doc.date) == ("某某县交通运输局", "2024年3月15日")


# -- the text's own margins ------------------------------------------------------------


def test_a_column_narrower_than_the_page_is_read_by_its_own_margin(tmp_path):
    # a web page printed to PDF: the article a column of 20 characters, its title set
    # wider over it; lines end at the column's edge, far from the page's
    body = ["2023年，县交通运输局以习近平法治思想为指导，认真贯彻落实上级关于法治政府建设的"
            "各项部署，现将有关情况报告如下：",
            "一、2023年推进法治政府建设的主要举措和成效",
            "（一）严格规范公正文明执法",
            "1.加大执法力度。全年查处违法案件，依法作出处罚罚没款2.5万元，同比下降10%。",
            "二、存在的不足和原因", "执法人员专业化水平有待提高，执法装备仍显不足。",
            "三、党政主要负责人履行推进法治建设第一责任人职责情况",
            "局主要负责人专题研究法治工作4次。",
            "四、2024年推进法治政府建设的主要安排", "一是加强执法队伍建设；二是深化普法宣传。"]
    pdf = _pdf(tmp_path / "r.pdf",
               '<div style="width:20em"><h1>某某县交通运输局2023年度<br>法治政府建设情况报告</h1>'
               + _paras(HEAD[:1], ' class="noind"') + _paras(body) + END + "</div>",
               "h1{font-size:22px;text-align:center;width:20em}")
    assert "一、2023年推进法治政府建设的主要举" in _lines(pdf)  # a heading wrapped
    doc = read_document(pdf)
    assert doc.title == "某某县交通运输局2023年度法治政府建设情况报告"
    assert doc.addressee == "县人民政府："
    assert doc.preamble.text == body[0]
    assert [p.label + p.heading for p in doc.parts] == [body[1], body[4], body[6], body[8]]
    assert [i.text for i in doc.parts[0].all_items()] == [body[3][2:]] or \
        [i.lead + i.text for i in doc.parts[0].all_items()] == [body[3][2:]]
    assert [i.text for i in doc.parts[1].all_items()] == [body[5]]


# -- titles ----------------------------------------------------------------------------


def test_a_centred_title_cut_mid_word_reads_back_whole(tmp_path):
    # a title of 2号 (22 pt) in the 156 mm text block, too long for one line by a
    # fraction of a character: the page leaves 告 alone under it
    title = "某某区司法局2023年度法治政府建设情况报告"
    body = ["2023年，区司法局坚持以习近平法治思想为指导，扎实推进法治政府建设。现将有关情况报告如下。",
            "一、2023年推进法治政府建设的主要举措和成效", "全年审查规范性文件23件。",
            "二、存在的不足和原因", "基层法治力量仍然薄弱。"] + TAIL
    pdf = _pdf(tmp_path / "r.pdf", f"<h1>{title}</h1>" + _paras(["区委、区政府："], ' class="noind"')
               + _paras(body) + END.replace("某某县交通运输局", "某某区司法局"),
               "body{font-size:16pt}h1{font-size:22pt;text-align:center;margin:0}")
    assert _lines(pdf)[:2] == [title[:-1], "告"]
    doc = read_document(pdf)
    assert doc.title == title
    assert doc.addressee == "区委、区政府："
    assert doc.preamble.text == body[0]


@pytest.mark.parametrize("title,lines", [
    ("某某区司法局2023年度法治政府建设情况报告", ["某某区司法局2023年度", "法治政府建设情况报告"]),
    ("某某县市场监督管理局2023年度法治政府建设情况报告",
     ["某某县市场监督管理局2023年度", "法治政府建设情况报告"]),
    ("某某区司法局2023年法治政府建设情况报告", ["某某区司法局2023年法治政府建设情况报告"]),
])
def test_a_printed_title_leaves_no_character_alone(tmp_path, title, lines):
    # 20 characters of 2号 fit the 156 mm line; its digits are wider than half a
    # character, so 某某区司法局2023年度法治政府建设情况报告 does not
    from lawreport.document import Document, Item, Part, title_lines
    from lawreport.pdf_writer import pdf_bytes

    assert title_lines(title) == lines
    part = Part(key="measures", kind="measures", heading="主要举措和成效", label="一、",
                number=1, items=[Item("全年开展执法检查45次。")])
    data = pdf_bytes(Document(title=title, org_name="某某区司法局", year=2023, parts=[part]))
    with pdfplumber.open(io.BytesIO(data)) as doc:
        printed = [ln["text"] for ln in doc.pages[0].extract_text_lines()]
    assert printed[:len(lines)] == lines
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    assert read_document(path).title == title


def test_a_ruled_table_in_a_pdf_is_read_as_a_table_of_figures(tmp_path):
    # a Word table printed to PDF: its rows are a table (here a table of figures drawn
    # back as one), not lines of text run into the paragraph around them
    from lawreport.todata import extract_to_data

    def ruled(cells):
        return ('<table style="border-collapse:collapse;margin:0 auto">' + "".join(
            "<tr>" + "".join(f'<td style="border:1px solid #000;padding:2px 8px">{c}</td>'
                             for c in r) + "</tr>" for r in cells) + "</table>")

    table = ruled([["类别", "件数"], ["新办", "200"], ["变更", "156"]])
    # another table on the same page, of no figures a draft takes: listed as not placed
    other = ruled([["项目", "2022年", "2023年"], ["行政许可", "300", "356"]])
    long = "深入贯彻落实习近平法治思想，坚持依法行政，严格规范公正文明执法，" * 3
    body = (_paras(["某某局2023年法治政府建设年度报告"], ' class="noind"')
            + _paras([f"2023年，我局{long}现将有关情况报告如下：", "一、主要举措和成效",
                      "全年办理行政许可356件，具体如下表："])
            + '<p class="noind">表1　行政许可办理情况</p>' + table
            + _paras(["二、存在的不足", f"执法力量不足，{long}仍需加强。"]) + other
            + _paras(["三、下一步工作安排", "加强队伍建设。"]))
    src = _pdf(tmp_path / "r.pdf", body)
    doc = read_document(src)
    assert [i.text for i in doc.parts[0].all_items()] == ["全年办理行政许可356件，具体如下表："]
    result = extract_to_data(src, "tbl", data_dir=tmp_path / "data")
    assert result.tables == 1 and [t for _w, t in result.unplaced] == [
        "table: 项目　2022年　2023年", "table: 行政许可　300　356"]
    catalog = (tmp_path / "data" / "tbl" / "catalog.yaml").read_text(encoding="utf-8")
    assert 'title: "表1 行政许可办理情况"' in catalog and "part: measures" in catalog


def test_a_flush_heading_after_a_sentence_ending_a_full_line_is_a_heading(tmp_path):
    # 依法作出行政处罚决定书十二份。 fills its line; 二、… set flush left under it is the next
    # part, not the paragraph running on
    full = "全年开展执法检查四十五次，查处违法案件十二起，" + "依法作出行政处罚决定书十二份。"
    body = (_paras(HEAD[1:]) + '<p class="noind">一、主要举措和成效</p>' + _paras([full])
            + '<p class="noind">二、存在的不足和原因</p>' + _paras(["执法力量不足。"])
            + '<p class="noind">三、党政主要负责人履行职责情况</p>' + _paras(["专题研究法治工作4次。"])
            + '<p class="noind">四、下一步工作安排</p>' + _paras(["加强队伍建设。"]))
    pdf = _pdf(tmp_path / "r.pdf", "<h1>某某县交通运输局2023年度法治政府建设情况报告</h1>"
               + _paras(HEAD[:1], ' class="noind"') + body + END,
               "body{width:20em}h1{font-size:16px;text-align:center}")
    doc = read_document(pdf)
    assert [p.label for p in doc.parts] == ["一、", "二、", "三、", "四、"]
    assert [i.text for i in doc.parts[0].all_items()] == [full]
