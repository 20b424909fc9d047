"""lawreport extract on PDFs: lines cut by the page's width read back as the paragraphs
and headings they are (a wrapped line is never a heading, whatever it starts with; the
text's own right margin, not the page's; a title cut mid-word is one title), and the
titles lawreport prints are broken where they leave no character alone.

The PDFs are made here with WeasyPrint (a dependency) in the face the built reports use.
"""

from __future__ import annotations

import html as _html

import pdfplumber

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
