"""lawreport extract: published reports in (text, HTML, DOCX, PDF) → data → the same report.

The round trip: every fixture is extracted, then all are built in one batch (module
fixture); each built report must reproduce its published text (≥ 99% of the
reference's characters in order, ≥ 98% for the other layouts), with its quantities
as figures.
"""

from __future__ import annotations

import difflib
import html as _html
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser

import pytest
import yaml

from conftest import REFERENCE, ROOT, run_cli
from lawreport.extract import kind_of, numbering_of, read_document, read_extracted
from lawreport.load import load_yaml
from lawreport.narrative import format_value, render
from lawreport.todata import find_quantities

FIXTURES = ROOT / "tests" / "fixtures" / "reports"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

#: slug → (input file, the published text it must reproduce, year)
CASES = {
    "ref-kjj": (REFERENCE, REFERENCE, 2021),
    "fx-thematic": (FIXTURES / "thematic.txt", FIXTURES / "thematic.txt", 2022),
    "fx-page": (FIXTURES / "thematic-page.html", FIXTURES / "thematic.txt", 2022),
    "fx-leader": (FIXTURES / "leader-first.txt", FIXTURES / "leader-first.txt", 2023),
    "fx-plain": (FIXTURES / "plain-parts.txt", FIXTURES / "plain-parts.txt", 2022),
    "fx-webcopy": (FIXTURES / "webcopy.txt", FIXTURES / "webcopy.expected.txt", 2023),
    "fx-docx": ("leader-first.docx", FIXTURES / "leader-first.txt", 2023),
    "fx-pdf": ("webcopy.pdf", FIXTURES / "webcopy.expected.txt", 2023),
}


def squeeze(text):
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))


def ratio(published, built_text):
    ref, text = squeeze(published), squeeze(built_text)
    sm = difflib.SequenceMatcher(None, ref, text, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks()) / len(ref)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "title", "script")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "title", "script")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def report_text(folder):
    p = _Text()
    p.feed((folder / "report.html").read_text(encoding="utf-8"))
    return "".join(p.out)


def make_docx(path):
    """leader-first.txt as a Word file: bold run-in leads, and Word's own list numbering
    (not in the paragraph text) for the plan's items."""
    import docx

    d = docx.Document()
    auto = False
    for p in FIXTURES.joinpath("leader-first.txt").read_text(encoding="utf-8").split("\n\n"):
        p = p.strip()
        auto = auto or p.startswith("四、")
        m = re.match(r"^(\d\.)(.*?。)(.+)$", p)
        if auto and re.match(r"^\d\.", p):
            d.add_paragraph(p[2:], style="List Number")
        elif m:
            para = d.add_paragraph()
            para.add_run(m.group(1))
            para.add_run(m.group(2)).bold = True
            para.add_run(m.group(3))
        else:
            d.add_paragraph(p)
    d.save(path)


def make_pdf(path, tmp):
    """webcopy.expected.txt printed to PDF by Chromium: indented paragraphs, lines
    broken inside sentences, page breaks."""
    paras = FIXTURES.joinpath("webcopy.expected.txt").read_text(encoding="utf-8").split("\n\n")
    body = "".join(
        f'<p style="text-indent:2em;margin:0">{_html.escape(p.strip().strip("　"))}</p>' if i
        else f'<h1 style="text-align:center;font-size:20pt">{_html.escape(p.strip())}</h1>'
        for i, p in enumerate(paras))
    src = tmp / "print.html"
    src.write_text('<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><style>'
                   '@page{size:A4;margin:25mm} body{font-family:"Noto Serif CJK SC",'
                   '"Noto Sans CJK SC";font-size:16pt;line-height:1.6}</style></head>'
                   f"<body>{body}</body></html>", encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp / 'chromium-profile'}", f"--print-to-pdf={path}",
                    src.as_uri()], check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """Every case extracted with the CLI, then built in one batch."""
    tmp = tmp_path_factory.mktemp("extract")
    make_docx(tmp / "leader-first.docx")
    make_pdf(tmp / "webcopy.pdf", tmp)
    data, out = tmp / "data", tmp / "out"
    logs = {}
    for slug, (src, _pub, _year) in CASES.items():
        src = src if src.__class__ is not str else tmp / src
        r = run_cli("extract", src, "--org", slug, "--data", data)
        assert r.returncode == 0, r.stderr
        logs[slug] = r.stdout
    # a changed figure: the reference with 233 → 250 as a department of its own
    shutil.copytree(data / "ref-kjj", data / "ref-changed")
    changed = data / "ref-changed" / "2021.yaml"
    text = changed.read_text(encoding="utf-8")
    assert text.count("actions_reported: 233") == 1
    changed.write_text(text.replace("actions_reported: 233", "actions_reported: 250")
                       .replace("slug: ref-kjj", "slug: ref-changed"), encoding="utf-8")
    r = run_cli("build", "--data", data, "--out", out, "--jobs", "2", "--no-index",
                "--notebooks", ROOT / "notebooks", timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    return data, out, logs


def test_reference_reproduced(round_trip):
    _data, out, _logs = round_trip
    assert ratio(REFERENCE.read_text(encoding="utf-8"),
                 report_text(out / "ref-kjj" / "2021")) >= 0.99


@pytest.mark.parametrize("slug", [s for s in CASES if s != "ref-kjj"])
def test_layouts_reproduced(round_trip, slug):
    _data, out, _logs = round_trip
    _src, published, year = CASES[slug]
    assert ratio(published.read_text(encoding="utf-8"),
                 report_text(out / slug / str(year))) >= 0.98


def test_reference_figures_of_part_one_are_placeholders(round_trip):
    data, _out, _logs = round_trip
    d, findings = load_yaml(data / "ref-kjj" / "2021.yaml")
    assert d is not None, findings
    values = set(d.figures.values())
    assert {233, 179, 118, 26, 14, 28, 19, 10, 7, 8, 6} <= values
    part = d.parts["measures"]
    for area in part.areas:
        for item in area.items:
            assert find_quantities(item.text) == [], item.text
    # matched to the catalogue by wording
    assert d.figures["internet_supervision.actions_reported"] == 233
    assert d.figures["disclosure.work_news"] == 118
    assert d.outline == "yuncheng-2021"


def test_changed_figure_changes_text_and_figures(round_trip):
    _data, out, _logs = round_trip
    folder = out / "ref-changed" / "2021"
    text = squeeze(report_text(folder))
    assert "报送监管行为250次" in text and "报送监管行为233次" not in text
    rec = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
    assert rec["figures"]["internet_supervision.actions_reported"]["value"] == 250


def test_new_layout_gets_an_outline_and_catalogue(round_trip):
    data, out, logs = round_trip
    folder = data / "fx-thematic"
    assert (folder / "outline-2022.yaml").is_file()
    assert (folder / "catalog.yaml").is_file()
    d, _f = load_yaml(folder / "2022.yaml")
    assert d.outline == "outline-2022.yaml"
    assert list(d.parts) == ["measures_1", "measures_2", "measures_3", "shortcomings",
                             "leadership", "plan"]
    assert 5 in d.figures.values() and 12560 in d.figures.values()
    # what extract printed: parts with their kinds, and the files
    assert "[measures, key measures_1]" in logs["fx-thematic"]
    assert "[leadership, key leadership]" in logs["fx-thematic"]
    assert str(folder / "2022.yaml") in logs["fx-thematic"]


def test_web_metadata_is_not_in_the_report(round_trip):
    _data, out, _logs = round_trip
    for slug, year in (("fx-webcopy", 2023), ("fx-page", 2022)):
        text = report_text(out / slug / str(year))
        for junk in ("索引号", "浏览次数", "发布机构", "打印本页", "网站标识码", "当前位置"):
            assert junk not in text, (slug, junk)


def test_docx_list_numbers_and_bold_leads(round_trip):
    data, _out, _logs = round_trip
    d, _f = load_yaml(data / "fx-docx" / "2023.yaml")
    lead = d.parts["leadership"].items[0]
    assert lead.lead == "强化组织领导，压实工作责任。"
    plan = d.parts["plan"]
    assert [it.text for it in plan.items][0].startswith("深入学习贯彻习近平法治思想")
    assert d.addressee == "县委、县政府："


def test_leaders_duty_first_is_printed_first(round_trip):
    _data, out, _logs = round_trip
    html = (out / "fx-leader" / "2023" / "report.html").read_text(encoding="utf-8")
    heads = re.findall(r'<h2 class="lr-part">(.*?)</h2>', html)
    assert heads[0] == "一、党政主要负责人履行推进法治建设第一责任人职责情况"
    assert heads[1].startswith("二、") and "主要举措和成效" in heads[1]


# -- reading ---------------------------------------------------------------------------


def test_numbering_levels_and_variants():
    assert numbering_of("一、主要举措").style == "cn_dun"
    assert numbering_of("（二）健全机制").style == "cn_paren"
    assert numbering_of("(三)健全机制").number == 3
    assert numbering_of("12. 加强").number == 12
    assert numbering_of("3、加强").style == "ar_dot"
    assert numbering_of("（1）查处").style == "ar_paren"
    assert numbering_of("③查处").number == 3
    assert numbering_of("十一、其他").number == 11
    assert numbering_of("第二部分 存在的不足").style == "cn_part"
    assert numbering_of("第三部分：主要安排").number == 3
    for text in ("一是加强学习", "1.5万元", "2021.3月", "2021年工作"):
        assert numbering_of(text) is None, text


def test_part_kinds_from_wording():
    assert kind_of("2021年推进法治政府建设的主要举措和成效") == "measures"
    assert kind_of("存在的不足和原因") == "shortcomings"
    assert kind_of("推进法治政府建设存在的问题") == "shortcomings"
    assert kind_of("党政主要负责人履行推进法治建设第一责任人职责情况") == "leadership"
    assert kind_of("2022年度推进法治政府建设工作计划") == "plan"
    assert kind_of("下一步工作安排") == "plan"
    assert kind_of("其他需要报告的情况") == "other"
    assert kind_of("2023年法治政府建设工作回顾") == "measures"
    assert kind_of("存在的短板弱项") == "shortcomings"
    assert kind_of("2024年工作谋划") == "plan"
    assert kind_of("下一年度工作展望") == "plan"
    assert kind_of("坚持依法决策，提升决策质量") is None


def test_counted_units_are_read_whole():
    assert [(q[2], q[3]) for q in find_quantities(
        "开展活动120余场次，检查企业35户次，完成12批次，培训500人次。")] == [
        ("120", "场次"), ("35", "户次"), ("12", "批次"), ("500", "人次")]
    # measures of land, weight and length
    assert [(q[2], q[3]) for q in find_quantities(
        "涉及面积12.8公顷，治理35平方公里，销毁2.5吨，查扣渔船3艘。")] == [
        ("12.8", "公顷"), ("35", "平方公里"), ("2.5", "吨"), ("3", "艘")]


def test_quantities_not_years_dates_ordinals_or_document_numbers():
    text = ("2021年12月30日，第一批不涉及，第3期培训，依据〔2021〕3号文件和《2021年工作要点》，"
            "报送监管行为 233 次，覆盖率100%，投入12.5亿元，培训200余人，2018-2020年26项。")
    found = [(v, u) for _s, _e, v, u, _c in find_quantities(text)]
    assert found == [("233", "次"), ("100", "%"), ("12.5", "亿元"), ("200", "人"), ("26", "项")]


@pytest.mark.parametrize("text,expected", [
    # the words before a number name it, not the next clause's
    ("办理行政复议案件4件，行政应诉案件2件，均未败诉。",
     ["reconsideration.cases", "litigation.cases"]),
    ("全年办理行政复议案件12件，行政诉讼案件3件，无败诉案件。",
     ["reconsideration.cases", "litigation.cases"]),
    # neighbours' words do not make up a name: 规范性文件 + 合法性审查 ≠ this 41件
    ("制定行政规范性文件2件，合法性审查率100%，清理现行有效文件41件。",
     ["normative_documents.issued", None, None]),
    ("全年审查区政府规范性文件23件、重大行政决策事项9件。", [None, "major_decisions"]),
    # a name around the number, and a name shared with the clause before
    ("其中包括1项2018-2020年出台的政策措施。", ["fair_competition.in_force_2018_2020"]),
    ("认领、录入监管事项 2 项，认领率 100%。",
     ["internet_supervision.items_claimed", "internet_supervision.claim_rate"]),
    # the words just before the number end with what it counts: 决定 are no 决策, posts
    # (编制) no staff
    ("审签重大行政执法决定17件。", [None]),
    ("组建综合行政执法队伍6支，核定执法人员编制180名。", [None, None]),
    ("全局仅有执法人员56名。", ["enforcement_staff.total"]),
    # a verb or a counting word after the thing counted
    ("政务公开信息共发布356条。", ["disclosure.total"]),
    ("执法人员总数56名。", ["enforcement_staff.total"]),
    ("行政复议案件达到12件。", ["reconsideration.cases"]),
])
def test_a_quantity_is_the_catalogue_figure_its_own_words_name(text, expected):
    from lawreport import load_catalog
    from lawreport.api import catalog_files_for
    from lawreport.todata import _Figures

    figs = _Figures(load_catalog(catalog_files_for(ROOT / "data", [])))
    found = [figs._match(c[0], c[1], u, float(v)) for _s, _e, v, u, c in find_quantities(text)]
    assert found == expected


def test_a_web_pages_title_broken_by_a_line_break_is_read_once(tmp_path):
    # <h2>某某市卫生健康委员会<br>2023年度…报告</h2> above the article's paragraphs
    p = tmp_path / "r.html"
    p.write_text('<html><head><meta charset="utf-8"></head><body><div class="article">'
                 '<h2 class="title">某某市卫生健康委员会<br>2023年度法治政府建设情况报告</h2>'
                 '<div class="content"><p>市委、市政府：</p>'
                 '<p>2023年，我委深入贯彻落实习近平法治思想，现将有关情况报告如下：</p>'
                 '<p>一、主要举措和成效</p><p>全年开展执法检查45次，立案查处违法案件12件。</p>'
                 '<p>二、存在的不足</p><p>执法力量不足。</p><p>三、下一步工作安排</p>'
                 '<p>加强队伍建设。</p></div></div></body></html>', encoding="utf-8")
    doc = read_document(p)
    assert (doc.org_name, doc.title) == ("某某市卫生健康委员会", "2023年度法治政府建设情况报告")
    assert doc.addressee == "市委、市政府："
    assert doc.preamble.text.startswith("2023年，我委")


@pytest.mark.parametrize("wrap", ["<font size=\"4\">{}</font>", "<span>{}</span>"])
def test_an_old_sites_article_in_font_or_span_is_read(tmp_path, wrap):
    # a page laid out in tables, its article's lines in <td><font>…<br>…</font></td>,
    # a footer cell with a line of its own text
    lines = ["2023年，我局坚持依法行政，现将有关情况报告如下：", "一、主要举措和成效",
             "全年开展执法检查45次，立案查处违法案件12件。", "二、存在的不足", "执法力量不足。",
             "三、下一步工作安排", "加强队伍建设。", "某某县司法局", "2024年3月15日"]
    article = wrap.format("<br>\n".join("&nbsp;&nbsp;" + t for t in lines))
    page = ('<html><head><meta charset="utf-8"></head><body><table><tr><td>'
            '<a href="/">网站首页</a></td></tr><tr><td><font size="5"><b>某某县司法局2023年度法治'
            f'政府建设情况报告</b></font></td></tr><tr><td>{article}</td></tr></table>'
            '<table><tr><td>版权所有：某某县人民政府办公室 技术支持：某某网络科技有限公司</td></tr>'
            '</table></body></html>')
    p = tmp_path / "r.html"
    p.write_text(page, encoding="utf-8")
    doc = read_document(p)
    assert [x.heading for x in doc.parts] == ["主要举措和成效", "存在的不足", "下一步工作安排"]
    assert (doc.signature, doc.date) == ("某某县司法局", "2024年3月15日")


def test_a_text_wrapped_by_hand_at_a_fixed_width_joins_its_lines(tmp_path):
    # every line cut at 28 characters; a paragraph whose first line has no comma in it
    # (…总体应急预案》等专项 / 预案11部，…) still runs on
    import textwrap

    paras = ["2023年，我局坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻习近平法治思想，"
             "全面推进应急管理领域法治建设，现将有关情况报告如下：",
             "一、主要举措和成效",
             "（一）健全应急预案体系。修订完善《某某县突发事件总体应急预案》等专项预案11部，"
             "组织开展综合应急演练5次，参演人员1200余人次。",
             "（二）推进安全生产领域普法。以“安全生产月”为契机，组织开展各类宣传活动23场，"
             "受教育群众达1.8万人次。",
             "二、存在的不足", "基层执法力量薄弱，执法装备保障不足，专业执法人员占比偏低。",
             "三、下一步工作安排", "加强执法队伍建设，提升执法人员专业能力和依法行政水平。"]
    text = "某某县应急管理局2023年度法治政府建设情况报告\n\n" + "\n\n".join(
        "\n".join(textwrap.wrap(p, 28)) for p in paras) + "\n"
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    doc = read_document(p)
    assert [i.text for i in doc.parts[0].all_items()] == [paras[2][3:].split("。", 1)[1],
                                                          paras[3][3:].split("。", 1)[1]]


def test_cut_lines_joined_and_headings_kept(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("某某局2022年法治政府建设年度报告\n"
                 "现将有关情况报告如下：\n"
                 "一、主要举措和成效\n"
                 "全年开展执法检查120次，查处违法案件15起，有效维护了\n"
                 "\n— 2 —\n\n"
                 "市场秩序。\n"
                 "二、存在的问题\n执法力量不足。\n"
                 "三、下一步工作计划\n加强执法队伍建设。\n", encoding="utf-8")
    doc = read_document(p)
    assert [x.heading for x in doc.parts] == ["主要举措和成效", "存在的问题", "下一步工作计划"]
    assert doc.parts[0].items[0].text == "全年开展执法检查120次，查处违法案件15起，有效维护了市场秩序。"
    assert doc.title == "某某局2022年法治政府建设年度报告"


SITE_LINES = ("今天是：2024年3月28日 星期四 农历二月十九\n无障碍 简体｜繁体\n某某市人民政府网\n"
              "法治政府建设年度报告专栏\n您所在的位置：政务公开 > 法治政府建设\n年度报告\n")
BODY = ("时间：2024-03-28  浏览次数：\n栏目：法治政府建设 发布时间：2024-03-28\n"
        "2023年，某某区坚持依法行政，现将有关情况报告如下：\n"
        "一、主要举措和成效\n全年开展执法检查120次。\n二、存在的问题\n执法力量不足。\n")


@pytest.mark.parametrize("title, expected, org", [
    ("2023年某某区法治政府建设情况报告\n", "2023年某某区法治政府建设情况报告", "某某区"),
    ("某某县交通运输局关于2023年度法治政府\n建设情况的报告\n",
     "某某县交通运输局关于2023年度法治政府建设情况的报告", "某某县交通运输局"),
    ("某某县交通运输局\n2023年法治政府建设年度报告\n", "2023年法治政府建设年度报告",
     "某某县交通运输局"),
])
def test_a_sites_lines_above_the_title_are_not_the_report(tmp_path, title, expected, org):
    p = tmp_path / "page.txt"
    p.write_text(SITE_LINES + title + BODY, encoding="utf-8")
    doc = read_document(p)
    assert (doc.title, doc.year, doc.org_name) == (expected, 2023, org)
    assert doc.preamble.text == "2023年，某某区坚持依法行政，现将有关情况报告如下："
    assert not doc.addressee
    assert [x.heading for x in doc.parts] == ["主要举措和成效", "存在的问题"]


def test_a_bulleted_metadata_block_is_not_the_report(tmp_path):
    p = tmp_path / "page.txt"
    p.write_text("某某县人民政府\n政府信息公开\n  • 索引号： 0100/2023-00025\n  • 发文字号：\n"
                 "  • 发布机构： 某某县教育局\n  • 性：\n  • 题： 某某县教育局2022年度法治政府建设工作报告\n"
                 "  • 内容概述：\n某某县教育局2022年度法治政府建设工作报告\n发布时间： 2023-03-06   【字体：\n"
                 "县政府：\n2022年，我局坚持依法行政，现将有关情况报告如下：\n"
                 "一、主要举措和成效\n全年开展执法检查120次。\n", encoding="utf-8")
    doc = read_document(p)
    assert (doc.title, doc.org_name, doc.addressee) == (
        "某某县教育局2022年度法治政府建设工作报告", "某某县教育局", "县政府：")
    assert doc.preamble.text == "2022年，我局坚持依法行政，现将有关情况报告如下："


def test_parts_numbered_di_yi_bufen_hold_their_own_numbered_areas(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("某某局2023年法治政府建设年度报告\n"
                 "第一部分 主要举措和成效\n一、强化组织领导\n全年专题研究6次。\n"
                 "二、严格规范执法\n办理案件86件。\n"
                 "第二部分 存在的不足和原因\n执法力量不足。\n"
                 "第三部分 主要负责人履行推进法治建设第一责任人职责情况\n带头学法4次。\n"
                 "第四部分 2024年工作安排\n加强队伍建设。\n", encoding="utf-8")
    ex = read_extracted(p)
    doc = ex.doc
    assert [(x.label.strip(), x.kind) for x in doc.parts] == [
        ("第一部分", "measures"), ("第二部分", "shortcomings"), ("第三部分", "leadership"),
        ("第四部分", "plan")]
    assert [a.heading for a in doc.parts[0].sections] == ["强化组织领导", "严格规范执法"]
    assert ex.numbering["_part"] == "第{cn}部分 "


def test_the_year_under_the_title_is_part_of_it(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("法治政府建设年度报告专栏\n某某县司法局\n法治政府建设年度报告\n（2023年度）\n县委、县政府：\n"
                 "现将有关情况报告如下：\n一、主要举措和成效\n全年办理案件23件。\n"
                 "某某县司法局\n二〇二四年三月十日\n", encoding="utf-8")
    doc = read_document(p)
    assert (doc.title, doc.year, doc.org_name, doc.addressee) == (
        "法治政府建设年度报告（2023年度）", 2023, "某某县司法局", "县委、县政府：")
    assert doc.date == "二〇二四年三月十日"


def test_full_width_years_and_grouped_numbers_are_written_back_as_read(tmp_path):
    src = tmp_path / "r.txt"
    src.write_text("某某县市场监督管理局２０２２年度法治政府建设工作报告\n县政府：\n"
                   "２０２２年，我局坚持依法行政，现将有关情况报告如下。\n"
                   "一、２０２２年度主要举措和成效\n全年新登记市场主体1,234户，办理许可356件。\n"
                   "二、存在的不足\n执法力量不足。\n"
                   "三、主要负责人履行推进法治建设第一责任人职责情况\n带头学法4次。\n"
                   "四、２０２３年度工作安排\n加强队伍建设。\n", encoding="utf-8")
    data = tmp_path / "data"
    r = run_cli("extract", src, "--org", "fw", "--data", data)
    assert r.returncode == 0, r.stderr
    draft = yaml.safe_load((data / "fw" / "2022.yaml").read_text(encoding="utf-8"))
    outline = yaml.safe_load((data / "fw" / "outline-2022.yaml").read_text(encoding="utf-8"))
    assert draft["title"] == "某某县市场监督管理局{year}年度法治政府建设工作报告"
    assert [p["heading"] for p in outline["parts"]][::3] == [
        "{year}年度主要举措和成效", "{next_year}年度工作安排"]
    assert draft["narrative"]["preamble"].startswith("{year}年，")
    text = draft["narrative"]["parts"]["measures"]["items"][0]
    ids = re.findall(r"\{([a-z_.0-9]+)(:sep)?\}", text)
    assert [sep for _id, sep in ids] == [":sep", ""]
    assert render(text, {ids[0][0]: 1234, ids[1][0]: 356}) == "全年新登记市场主体1,234户，办理许可356件。"


@pytest.mark.parametrize("opening,org", [
    ("2024年，某某街道坚持以习近平法治思想为指导，现将有关情况报告如下：", "某某街道"),
    ("2024年，某某区紧紧围绕全区中心工作，现将有关情况报告如下：", "某某区"),
    ("2024年，我局坚持依法行政，现将有关情况报告如下：", None),
    ("今年以来，全区上下坚持依法行政，现将有关情况报告如下：", None),
])
def test_a_report_read_without_its_title(tmp_path, opening, org):
    # a web page's text that starts at the preamble: the department from its opening
    # words, and the usual title in the outline
    src = tmp_path / "r.txt"
    src.write_text(opening + "\n一、主要举措和成效\n全年办理案件23件。\n二、存在的不足\n"
                   "执法力量不足。\n", encoding="utf-8")
    doc = read_document(src)
    assert (doc.title, doc.org_name) == ("", org)
    data = tmp_path / "data"
    r = run_cli("extract", src, "--org", "nt", "--year", "2024", "--data", data)
    assert r.returncode == 0, r.stderr
    assert "the outline gives 2024年度法治政府建设情况报告" in r.stdout
    outline = yaml.safe_load((data / "nt" / "outline-2024.yaml").read_text(encoding="utf-8"))
    assert outline["title"] == "{year}年度法治政府建设情况报告"


def test_the_sep_format_groups_thousands():
    assert [format_value(v, "sep") for v in (12, 1234, 1234567, 12345.5, 99.5)] == [
        "12", "1,234", "1,234,567", "12,345.5", "99.5"]
    assert format_value(1234) == "1234"


def test_a_pdf_paragraphs_indented_first_line_is_not_read_as_centred(tmp_path):
    # an official document printed to PDF: paragraphs indented two characters, lines
    # broken inside words, a heading wrapped; a first line that ends a few points short
    # of the longest line (digits set narrower) is as far from both margins as a centred
    # line would be within two characters, and must still start its paragraph
    import weasyprint

    paras = ["某某市教育局关于2023年度法治政府建设情况的报告", "市委全面依法治市办：",
             "现将我局2023年度法治政府建设情况报告如下：",
             "一、2023年度推进法治政府建设的主要举措和成效",
             "13.强化执法监督。全年评查行政执法案卷39卷，发现问题13个，均已整改到位。",
             "二、存在的不足和原因", "执法力量薄弱，执法人员仅6名。",
             "三、党政主要负责人履行推进法治建设第一责任人职责情况",
             "局党组书记、局长认真履行第一责任人职责，带头讲法治课2次。",
             "四、2024年度推进法治政府建设的主要安排", "持续提升依法行政水平。",
             "某某市教育局", "2024年3月15日"]
    body = "".join(f'<p style="text-indent:2em;margin:0">{_html.escape(p)}</p>' for p in paras)
    pdf = tmp_path / "r.pdf"
    weasyprint.HTML(string=(
        '<html lang="zh"><head><style>@page{size:A4;margin:37mm 26mm 35mm 28mm;'
        '@bottom-center{content:"— " counter(page) " —"}}'
        'body{font-family:"Noto Serif CJK SC";font-size:16pt;line-height:28pt;'
        f'text-align:justify}}</style></head><body>{body}</body></html>')).write_pdf(pdf)
    doc = read_document(pdf)
    assert [p.heading for p in doc.parts][2] == "党政主要负责人履行推进法治建设第一责任人职责情况"
    assert [i.text for i in doc.parts[2].all_items()] == [
        "局党组书记、局长认真履行第一责任人职责，带头讲法治课2次。"]
    assert (doc.title, doc.signature, doc.date) == (
        "某某市教育局关于2023年度法治政府建设情况的报告", "某某市教育局", "2024年3月15日")


def test_a_pdf_pages_number_lines_are_left_out():
    from lawreport.readers import _PAGE_NUMBER

    pages = ["— 1 —", "- 12 -", "－ 4 －", "·5·", "3", "3/12", "第1页 共5页", "第 1 页",
             "第1页/共5页", "共5页 第1页", "Page 2 of 5"]
    text = ["2023年", "1.5", "一、主要举措", "12件", "（3）"]
    assert [bool(_PAGE_NUMBER.match(t)) for t in pages + text] == [True] * len(pages) + \
        [False] * len(text)


@pytest.mark.parametrize("date,iso", [
    ("2024年3月15日", "2024-03-15"), ("2024年03月15日", "2024-03-15"),
    ("二〇二四年三月十五日", "2024-03-15"), ("二○二四年三月十五日", "2024-03-15"),
    ("2024.3.15", "2024-03-15"),
    ("2024-03-15", "2024-03-15"), ("2024/3/15", "2024-03-15"),
    ("2024年3月", None), ("二〇二四年三月", None), ("２０２４年３月１５日", "2024-03-15"),
])
def test_the_date_under_the_signature_in_each_way_reports_write_it(tmp_path, date, iso):
    from lawreport.todata import extract_to_data

    src = tmp_path / "r.txt"
    src.write_text("某某局2023年法治政府建设年度报告\n　　现将有关情况报告如下：\n"
                   "　　一、主要举措和成效\n　　全年开展执法检查45次。\n　　二、存在的不足\n"
                   "　　执法力量不足。\n　　三、下一步工作安排\n　　加强队伍建设。\n\n某某局\n"
                   f"{date}\n", encoding="utf-8")
    result = extract_to_data(src, "dated", data_dir=tmp_path / "data")
    doc = result.doc
    assert (doc.signature, doc.date) == ("某某局", date)
    assert [i.text for i in doc.parts[-1].all_items()] == ["加强队伍建设。"]
    draft = yaml.safe_load((tmp_path / "data" / "dated" / "2023.yaml").read_text(encoding="utf-8"))
    assert draft.get("report_date") == iso
    assert ("no day: set report_date" in result.summary()) == (iso is None)


def test_an_official_documents_head_and_foot_are_not_the_report(tmp_path):
    # 版头 (the issuer's 文件 line, the document number), the release note under the
    # date and 版记 (抄送, 印发) are listed as not placed
    p = tmp_path / "r.txt"
    p.write_text("某某市教育局文件\n\n某教发〔2024〕5号\n\n某某市教育局关于2023年度法治政府建设情况的报告\n\n"
                 "市人民政府：\n　　现将有关情况报告如下：\n　　一、主要举措和成效\n　　全年开展执法检查45次。\n"
                 "　　全年审查规范性文件5件。\n　　聘请法律顾问2名。\n　　开展普法活动12场。\n"
                 "　　二、存在的不足和原因\n　　执法力量薄弱。\n　　三、下一步工作安排\n　　持续提升依法行政水平。\n\n"
                 "某某市教育局\n2024年3月15日\n（此件公开发布）\n\n抄送：市委全面依法治市办，市司法局。\n"
                 "某某市教育局办公室                2024年3月15日印发\n", encoding="utf-8")
    ex = read_extracted(p)
    doc = ex.doc
    assert (doc.title, doc.signature, doc.date) == (
        "某某市教育局关于2023年度法治政府建设情况的报告", "某某市教育局", "2024年3月15日")
    assert [i.text for i in doc.parts[-1].all_items()] == ["持续提升依法行政水平。"]
    unplaced = [text for _where, text in ex.unplaced]
    assert unplaced[:3] == ["某某市教育局文件", "某教发〔2024〕5号", "（此件公开发布）"]
    assert unplaced[3].startswith("抄送：") and unplaced[-1].endswith("2024年3月15日印发")


_TABLE_REPORT = ["某某局2023年法治政府建设年度报告", "2023年，我局坚持依法行政，现将有关情况报告如下：",
                 "一、主要举措和成效", "全年办理行政许可356件，具体如下表：", None,
                 "二、存在的不足", "执法力量不足。", "三、下一步工作安排", "加强队伍建设。"]
_TABLE = [["类别", "件数"], ["新办", "200"], ["变更", "156"]]


def _table_html(layout=False):
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in _TABLE)
    body = "".join(f"<table>{rows}</table>" if t is None else f"<p>{t}</p>"
                   for t in _TABLE_REPORT)
    if layout:  # an old site's page: the whole article laid out in a table's cell
        body = f'<table><tr><td width="20%"><a href="/">首页</a></td><td>{body}</td></tr></table>'
    return f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'


def _table_docx(path):
    import docx

    d = docx.Document()
    for t in _TABLE_REPORT:
        if t is None:
            table = d.add_table(rows=len(_TABLE), cols=2)
            for r, row in enumerate(_TABLE):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        else:
            d.add_paragraph(t)
    d.save(path)


def test_line_breaks_inside_a_word_paragraph(tmp_path):
    # a title set on two lines, a heading and its text in one paragraph, a sentence
    # broken by hand: lines of the paragraph, joined where they continue it
    import docx

    d = docx.Document()
    for lines in (["某某局关于2023年度", "法治政府建设情况的报告"],
                  ["一、主要举措和成效", "全年开展执法检查45次，", "立案查处3起。"],
                  ["二、存在的不足", "执法力量不足。"], ["三、下一步工作安排", "加强队伍建设。"]):
        p = d.add_paragraph(lines[0])
        for line in lines[1:]:
            p.add_run().add_break()
            p.add_run(line)
    path = tmp_path / "r.docx"
    d.save(path)
    doc = read_document(path)
    assert doc.title == "某某局关于2023年度法治政府建设情况的报告"
    assert [p.heading for p in doc.parts] == ["主要举措和成效", "存在的不足", "下一步工作安排"]
    assert [i.text for i in doc.parts[0].all_items()] == ["全年开展执法检查45次，立案查处3起。"]


def test_word_heading_styles_mark_unnumbered_parts_and_areas(tmp_path):
    # Heading 1 parts and Heading 2 areas with no number typed, items in Word's own
    # numbered list: the styles say the structure, whatever a heading's length
    import docx

    d = docx.Document()
    d.add_paragraph("某某镇人民政府2023年度法治政府建设情况报告", style="Title")
    d.add_paragraph("2023年，某某镇扎实推进法治政府建设，现报告如下：")
    d.add_paragraph("2023年推进法治政府建设的主要举措和成效", style="Heading 1")
    d.add_paragraph("加强组织领导", style="Heading 2")
    d.add_paragraph("镇党委召开专题会议研究法治工作6次。", style="List Number")
    d.add_paragraph("制定年度法治政府建设工作要点。", style="List Number")
    d.add_paragraph("化解矛盾纠纷", style="Heading 2")
    d.add_paragraph("全年调解矛盾纠纷138件。", style="List Number")
    d.add_paragraph("存在的不足和原因", style="Heading 1")
    d.add_paragraph("法治宣传覆盖面还不够广。")
    d.add_paragraph("党政主要负责人履行推进法治建设第一责任人职责情况", style="Heading 1")
    d.add_paragraph("镇党委书记认真履行第一责任人职责。")
    d.add_paragraph("2024年推进法治政府建设的主要安排", style="Heading 1")
    d.add_paragraph("持续深化基层依法治理。")
    path = tmp_path / "r.docx"
    d.save(path)
    doc = read_document(path)
    assert [(p.kind, p.heading) for p in doc.parts] == [
        ("measures", "2023年推进法治政府建设的主要举措和成效"), ("shortcomings", "存在的不足和原因"),
        ("leadership", "党政主要负责人履行推进法治建设第一责任人职责情况"),
        ("plan", "2024年推进法治政府建设的主要安排")]
    assert [(s.label, s.heading) for s in doc.parts[0].sections] == [
        ("", "加强组织领导"), ("", "化解矛盾纠纷")]
    assert [[i.text for i in s.items] for s in doc.parts[0].sections] == [
        ["镇党委召开专题会议研究法治工作6次。", "制定年度法治政府建设工作要点。"], ["全年调解矛盾纠纷138件。"]]
    # drawn back as written: areas without a number, Word's list numbers running on
    from lawreport import load_year
    from lawreport.document import from_loaded
    from lawreport.todata import extract_to_data

    extract_to_data(path, "zhen", data_dir=tmp_path / "data")
    part = from_loaded(load_year(tmp_path / "data", "zhen", 2023)).parts[0]
    assert [(s.label, s.heading, [i.label for i in s.items]) for s in part.sections] == [
        ("", "加强组织领导", ["1.", "2."]), ("", "化解矛盾纠纷", ["3."])]


def _table_report(folder, fmt):
    """The report with its table, as a web page or a Word file: its path."""
    path = folder / f"r.{fmt}"
    if fmt == "html":
        path.write_text(_table_html(), encoding="utf-8")
    else:
        _table_docx(path)
    return path


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_tables_rows_are_listed_as_not_placed(tmp_path, fmt):
    ex = read_extracted(_table_report(tmp_path, fmt))
    assert [i.text for i in ex.doc.parts[0].all_items()] == ["全年办理行政许可356件，具体如下表："]
    assert [t for _w, t in ex.unplaced] == ["table: 类别　件数", "table: 新办　200", "table: 变更　156"]
    assert [p.heading for p in ex.doc.parts] == ["主要举措和成效", "存在的不足", "下一步工作安排"]


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_table_of_figures_becomes_figures_drawn_back_as_a_table(tmp_path, fmt):
    from lawreport import load_year
    from lawreport.document import from_loaded
    from lawreport.todata import extract_to_data

    data = tmp_path / "data"
    result = extract_to_data(_table_report(tmp_path, fmt), "tbl", data_dir=data)
    assert result.tables == 1 and not any(t.startswith("table") for _w, t in result.unplaced)
    loaded = load_year(data, "tbl", 2023)
    ids = loaded.catalog.breakdowns["table_2023_1"].parts
    assert [(loaded.catalog.indicators[i].name, loaded.data.figures[i],
             loaded.catalog.indicators[i].unit) for i in ids] == [("新办", 200, "件"),
                                                                  ("变更", 156, "件")]
    doc = from_loaded(loaded)
    assert [e.id for e in doc.parts[0].exhibits] == ["table_2023_1"]
    assert "tables: 1 of figures" in result.summary()


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_table_is_drawn_after_the_area_it_follows(tmp_path, fmt, monkeypatch):
    # the table sits in （一）, before （二）: drawn back there, not at the part's end
    from lawreport import load_year
    from lawreport.document import from_loaded
    from lawreport.todata import extract_to_data

    monkeypatch.setattr(sys.modules[__name__], "_TABLE_REPORT", [
        *_TABLE_REPORT[:3], "（一）深化审批改革", _TABLE_REPORT[3], None,
        "（二）加强执法监督", "开展执法检查45次。", *_TABLE_REPORT[5:]])
    data = tmp_path / "data"
    result = extract_to_data(_table_report(tmp_path, fmt), "tbl", data_dir=data)
    assert result.tables == 1
    part = from_loaded(load_year(data, "tbl", 2023)).parts[0]
    assert [s.heading for s in part.sections] == ["深化审批改革", "加强执法监督"]
    assert [[e.id for e in s.exhibits] for s in part.sections] == [["table_2023_1"], []]
    assert part.exhibits == []


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_tables_caption_is_its_title_not_a_paragraph(tmp_path, fmt, monkeypatch):
    # 表1 … above the table (an HTML <caption>, a Word 题注 below it): the exhibit's title
    from lawreport import load_year
    from lawreport.todata import extract_to_data

    monkeypatch.setattr(sys.modules[__name__], "_TABLE_REPORT", [
        *_TABLE_REPORT[:4], "表1　行政许可办理情况", None, *_TABLE_REPORT[5:]])
    data = tmp_path / "data"
    result = extract_to_data(_table_report(tmp_path, fmt), "tbl", data_dir=data)
    assert result.tables == 1 and result.unplaced == []
    loaded = load_year(data, "tbl", 2023)
    assert loaded.catalog.exhibits[-1].title == "表1　行政许可办理情况"
    assert "表1" not in "".join(i.text for p in result.doc.parts for i in p.all_items())


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_caption_the_source_marks_is_the_tables_title(tmp_path, fmt):
    # HTML's <caption>, Word's Caption style (题注) set under the table
    if fmt == "html":
        src = tmp_path / "r.html"
        src.write_text(_table_html().replace("<table>", "<table><caption>审批情况</caption>"),
                       encoding="utf-8")
    else:
        import docx

        src = tmp_path / "r.docx"
        _table_docx(src)
        d = docx.Document(src)
        cap = d.add_paragraph("审批情况", style="Caption")
        d.tables[0]._tbl.addnext(cap._p)
        d.save(src)
    ex = read_extracted(src)
    assert [t.title for t in ex.tables] == ["审批情况"]
    assert "审批情况" not in "".join(i.text for p in ex.doc.parts for i in p.all_items())


def test_two_tables_with_the_same_header_keep_both_headers(tmp_path):
    # a header row repeated near the top is no title given twice
    def table(rows):
        return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
                                   for r in rows) + "</table>"

    body = ("<p>某某局2023年法治政府建设年度报告</p><p>一、主要举措和成效</p>"
            + table([["类别", "件数"], ["新办", "200"], ["变更", "156"]])
            + "<p>全年办理行政许可356件，行政处罚42件。</p>"
            + table([["类别", "件数"], ["警告", "12"], ["罚款", "30"]])
            + "<p>二、存在的不足</p><p>执法力量不足。</p>"
            "<p>三、下一步工作安排</p><p>加强队伍建设。</p>")
    src = tmp_path / "r.html"
    src.write_text(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>',
                   encoding="utf-8")
    ex = read_extracted(src)
    assert [t.rows[0] for t in ex.tables] == [["类别", "件数"], ["类别", "件数"]]


def test_a_caption_between_two_tables_is_one_tables_title(tmp_path):
    # 表1 … set under the first table (its number says so) and before a second; 图1 … under a
    # table is a figure's caption, not the table's title
    import docx

    d = docx.Document()
    d.add_paragraph("某某局2023年法治政府建设年度报告")
    d.add_paragraph("一、主要举措和成效")
    d.add_paragraph("全年办理行政许可356件。")
    for rows, caption in (([["类别", "件数"], ["新办", "200"]], "表1　行政许可办理情况"),
                          ([["类别", "件数"], ["罚款", "30"]], "图1　近三年办理趋势")):
        t = d.add_table(rows=len(rows), cols=2)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
        d.add_paragraph(caption, style="Caption")
    for text in ("二、存在的不足", "执法力量不足。", "三、下一步工作安排", "加强队伍建设。"):
        d.add_paragraph(text)
    path = tmp_path / "r.docx"
    d.save(path)
    ex = read_extracted(path)
    assert [t.title for t in ex.tables] == ["表1　行政许可办理情况", None]
    assert [t for _w, t in ex.unplaced].count("table caption: 表1　行政许可办理情况") == 1


def test_a_table_of_a_report_lawreport_built_reads_back_as_a_table(tmp_path):
    # extract → build → extract again: the built page's table (caption, 占比) is a
    # table of figures again, not lost with the page's charts
    import lawreport
    from lawreport.todata import extract_to_data

    src = tmp_path / "r.html"
    src.write_text(_table_html(), encoding="utf-8")
    extract_to_data(src, "tbl", data_dir=tmp_path / "a")
    built = lawreport.build(tmp_path / "a", "tbl", 2023, tmp_path / "out",
                            notebooks_dir=ROOT / "notebooks")
    again = extract_to_data(built.report, "tbl", data_dir=tmp_path / "b")
    assert again.tables == 1 and again.unplaced == []
    catalog = lawreport.load_year(tmp_path / "b", "tbl", 2023).catalog
    assert catalog.exhibits[-1].title == "表1"
    assert catalog.exhibits[-1].columns == ("类别", "件数")  # its own header, kept
    assert [catalog.indicators[i].name for i in catalog.breakdowns["table_2023_1"].parts] == [
        "新办", "变更"]


def test_a_tables_own_header_and_unit_column_are_drawn_back(tmp_path):
    # 项目 | 数量 | 单位: three columns, the unit in its own
    from lawreport import load_year
    from lawreport.exceptions import CatalogError
    from lawreport.exhibits import draw
    from lawreport.todata import extract_to_data

    rows = [["项目", "数量", "单位"], ["培训", "12", "场"], ["检查", "45", "次"]]
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    src = tmp_path / "r.html"
    src.write_text(_table_html().replace(
        "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in _TABLE), body),
        encoding="utf-8")
    extract_to_data(src, "tbl", data_dir=tmp_path / "data")
    loaded = load_year(tmp_path / "data", "tbl", 2023)
    table = draw(loaded.data, loaded.catalog, loaded.catalog.exhibits[-1]).table
    assert list(table.columns) == ["项目", "数量", "单位"]
    assert [list(r) for r in table.itertuples(index=False)] == [["培训", 12, "场"],
                                                                ["检查", 45, "次"]]
    # a catalogue's columns are two or three headers of a table
    cat = tmp_path / "data" / "tbl" / "catalog.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace(
        'columns: ["项目", "数量", "单位"]', 'columns: [a, b, c, d]'), encoding="utf-8")
    with pytest.raises(CatalogError, match="columns are a table's own headers"):
        load_year(tmp_path / "data", "tbl", 2023)


def test_a_tables_total_row_is_checked_against_its_other_rows(tmp_path):
    from lawreport import load_year
    from lawreport.todata import extract_to_data
    from lawreport.validate import check_data

    rows = [["类别", "件数"], ["新办", "200"], ["变更", "156"], ["合计", "366"]]
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    src = tmp_path / "r.html"
    src.write_text(_table_html().replace(
        "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in _TABLE), body),
        encoding="utf-8")
    data = tmp_path / "data"
    extract_to_data(src, "tbl", data_dir=data)
    loaded = load_year(data, "tbl", 2023)
    b = loaded.catalog.breakdowns["table_2023_1"]
    assert [loaded.data.figures[i] for i in b.parts] == [200, 156]
    assert loaded.data.figures[b.total] == 366
    _outline, findings = check_data(loaded.data, loaded.catalog)
    assert any("366" in f.message and "356" in f.message for f in findings)  # 200 + 156
    # drawn back with its 合计 row under the others, as the report printed it
    from lawreport.exhibits import draw

    table = draw(loaded.data, loaded.catalog, loaded.catalog.exhibits[-1]).table
    assert list(table.columns) == ["类别", "件数"]  # its own header, as printed
    assert [list(r) for r in table.itertuples(index=False)] == [
        ["新办", 200], ["变更", 156], ["合计", 366]]


def test_a_table_stays_listed_where_the_catalogue_has_tables_of_its_own(tmp_path):
    from lawreport.todata import extract_to_data

    src = tmp_path / "r.html"
    src.write_text(_table_html(), encoding="utf-8")
    data = tmp_path / "data"
    (data / "tbl").mkdir(parents=True)
    own = "indicators:\n  x.a: {name: 甲, unit: 件, kind: count}\nbreakdowns: {}\n"
    (data / "tbl" / "catalog.yaml").write_text(own, encoding="utf-8")
    result = extract_to_data(src, "tbl", data_dir=data)
    assert result.tables == 0
    assert [t for _w, t in result.unplaced] == [
        "table: 类别　件数", "table: 新办　200", "table: 变更　156"]
    # the new figure goes into the catalogue's indicators, before its other sections
    text = (data / "tbl" / "catalog.yaml").read_text(encoding="utf-8").split("\n")
    assert text[:2] == own.split("\n")[:2] and text[2].startswith("  measures.q01: ")
    assert text[3:] == ["breakdowns: {}", ""]


@pytest.mark.parametrize("rows,expected", [
    ([["类别", "件数"], ["新办", "200"], ["变更", "156"]], [("新办", "200", "件"), ("变更", "156", "件")]),
    ([["新办", "200件"], ["变更", "1,560件"]], [("新办", "200", "件"), ("变更", "1,560", "件")]),
    ([["项目", "数量", "单位"], ["培训", "12", "场"], ["检查", "45", "次"]],
     [("培训", "12", "场"), ("检查", "45", "次")]),
    ([["金额（万元）", "罚没款（万元）"], ["罚款", "12.5"], ["没收", "3"]],
     [("罚款", "12.5", "万元"), ("没收", "3", "万元")]),
    ([["类别", "数量"], ["新办", "200"], ["变更", "156"]], None),  # no unit anywhere
    ([["新办", "200件"]], None),  # one row
    ([["事项", "说明"], ["培训", "全年开展培训"], ["检查", "全年检查"]], None),  # no figures
    ([["年份", "2022", "2023"], ["案件", "12", "15"], ["培训", "3", "4"]], None),  # years
    # lawreport's own table: a share column, computed from the others
    ([["类别", "数值", "单位", "占比（%）"], ["邻里纠纷", "318", "件", "46.1"], ["劳动争议", "127", "件",
                                                                         "18.4"]],
     [("邻里纠纷", "318", "件"), ("劳动争议", "127", "件")]),
])
def test_which_tables_are_tables_of_figures(rows, expected):
    from lawreport.todata import table_figures

    assert table_figures(rows) == expected


def test_an_article_laid_out_in_a_table_is_read_as_text(tmp_path):
    p = tmp_path / "r.html"
    p.write_text(_table_html(layout=True), encoding="utf-8")
    ex = read_extracted(p)
    assert [p.heading for p in ex.doc.parts] == ["主要举措和成效", "存在的不足", "下一步工作安排"]
    assert ex.doc.title == "某某局2023年法治政府建设年度报告"
    assert [t for _w, t in ex.unplaced if t.startswith("table")] == [
        "table: 类别　件数", "table: 新办　200", "table: 变更　156"]


@pytest.mark.parametrize("encoding,bom", [("gb18030", b""), ("utf-16-le", b"\xff\xfe"),
                                          ("utf-16-be", b"\xfe\xff"), ("utf-8", b"\xef\xbb\xbf")])
def test_text_in_each_encoding_word_saves_is_read(tmp_path, encoding, bom):
    # GB18030 (GBK), UTF-16 with its BOM (Word's and Notepad's "Unicode"), UTF-8 with one
    p = tmp_path / "r.txt"
    p.write_bytes(bom + "某某局2022年法治政府建设年度报告\r\n\r\n一、主要举措和成效\r\n\r\n"
                  "开展普法活动12场。\r\n".encode(encoding))
    doc = read_document(p)
    assert (doc.title, doc.parts[0].items[0].text) == (
        "某某局2022年法治政府建设年度报告", "开展普法活动12场。")


# -- refusing bad input ----------------------------------------------------------------


def _no_pdf_text(path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 2))
    fig.add_artist(plt.Rectangle((0.2, 0.2), 0.5, 0.5))
    fig.savefig(path, format="pdf")
    plt.close(fig)


@pytest.mark.parametrize("name,make,message", [
    ("empty.txt", lambda p: p.write_bytes(b""), "empty"),
    ("blank.txt", lambda p: p.write_text("  \n\n　\n", encoding="utf-8"), "empty"),
    ("binary.txt", lambda p: p.write_bytes(bytes(range(256)) * 40), "binary"),
    ("scan.pdf", _no_pdf_text, "no text layer"),
    ("picture.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200)),
     "unknown format"),
    ("old.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(600)), ".docx"),
    ("report.rtf", lambda p: p.write_bytes(b"{\\rtf1\\ansi\\ansicpg936 {\\'d6\\'d0}\\par}"),
     "RTF"),
    ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04" + bytes(100)), "Word document"),
    ("notes.txt", lambda p: p.write_text("会议记录：今天开会。\n", encoding="utf-8"),
     "no numbered parts"),
    ("hello.md", lambda p: p.write_text("hello\n", encoding="utf-8"), "too little text"),
    ("cut.pdf", lambda p: (_no_pdf_text(p), p.write_bytes(p.read_bytes()[:400])),
     "export it again"),
])
def test_bad_inputs_exit_2_and_write_nothing(tmp_path, name, make, message):
    src = tmp_path / name
    make(src)
    data = tmp_path / "data"
    r = run_cli("extract", src, "--org", "bad-input", "--year", "2022", "--data", data)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert not data.exists()


def test_a_year_given_against_the_titles_is_pointed_out(tmp_path):
    from lawreport.todata import extract_to_data

    src = tmp_path / "r.txt"
    src.write_text("某某局2023年法治政府建设年度报告\n　　现将有关情况报告如下：\n"
                   "　　一、主要举措和成效\n　　全年开展执法检查45次。\n　　二、存在的不足\n"
                   "　　执法力量不足。\n　　三、下一步工作安排\n　　加强队伍建设。\n", encoding="utf-8")
    given = extract_to_data(src, "y", year=2022, data_dir=tmp_path / "a").summary()
    assert "the title says 2023, --year gives 2022" in given
    assert "the title says" not in extract_to_data(src, "y", data_dir=tmp_path / "b").summary()


def test_never_overwrites_without_force(tmp_path):
    data = tmp_path / "data"
    r = run_cli("extract", FIXTURES / "plain-parts.txt", "--org", "eco", "--data", data)
    assert r.returncode == 0, r.stderr
    target = data / "eco" / "2022.yaml"
    target.write_text("# my edits\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    r = run_cli("extract", FIXTURES / "plain-parts.txt", "--org", "eco", "--data", data)
    assert r.returncode == 2 and "--force" in r.stderr
    assert target.read_text(encoding="utf-8").startswith("# my edits")
    r = run_cli("extract", FIXTURES / "plain-parts.txt", "--org", "eco", "--data", data,
                "--force")
    assert r.returncode == 0
    assert not target.read_text(encoding="utf-8").startswith("# my edits")


def test_document_nodes_say_where_they_come_from():
    doc = read_document(REFERENCE)
    item = doc.parts[0].sections[0].items[2]
    assert item.where == "一、（一）3." and item.line > 1
    assert doc.date == "2021年12月30日" and doc.signature == "运城市科学技术局"
    assert [p.kind for p in doc.parts] == ["measures", "shortcomings", "leadership", "plan"]


# -- any text: a tree or a clear refusal, never a crash ----------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["一、", "二、", "（一）", "(二)", "1.", "2、", "（1）", "①", "报告", "局", "。", "，",
           "：", "2021年", "12月30日", "233次", "100%", "《条例》", "“", "”", "{", "}", " ",
           "　", "\n", "\n\n", "加强法治建设", "存在的问题", "工作计划", "第一责任人", "\ufffd",
           "索引号：1", "字号：大 中 小", "某某县司法局", "#", "- ", ": ", "'", '"', "|",
           ">", "&", "*", "!", "\\", "\t", "<b>", "1.5万元", "第3期", "〔2021〕3号",
           "2022年3月1日", "（", "）", "二〇二二年一月八日", "x" * 30]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), max_size=80))
def test_any_text_gives_a_tree_or_a_clear_refusal(tmp_path, pieces):
    """Whatever the text, extract writes a draft that validates, or refuses it with an
    InputError that is not its own failure to write valid data."""
    _tree_or_refusal(tmp_path, "txt", "".join(pieces))


def _tree_or_refusal(folder, ext, text):
    import uuid

    from lawreport.exceptions import InputError
    from lawreport.todata import extract_to_data

    p = folder / f"{uuid.uuid4().hex}.{ext}"
    p.write_text(text, encoding="utf-8")
    data = folder / uuid.uuid4().hex
    try:
        read_document(p)
        extract_to_data(p, "any-dept", year=2021, data_dir=data)
    except InputError as exc:
        assert "does not validate" not in str(exc), str(exc)
        assert not data.exists() or not any(data.rglob("*.yaml"))


_HTML_PIECES = _PIECES[:40] + ["<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "<th>",
                              "</th>", "<p>", "</p>", "<br>", "<div>", "</div>", "12", "件数",
                              "<td><p>一段较长的正文文字。</p></td>"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_HTML_PIECES), max_size=80))
def test_any_web_page_gives_a_tree_or_a_clear_refusal(tmp_path, pieces):
    """The same for a web page, tables (of figures, or laying text out) among its text."""
    _tree_or_refusal(tmp_path, "html", "<html><body>" + "".join(pieces) + "</body></html>")


def test_a_table_the_catalogue_draws_is_not_drawn_twice(built_formats, tmp_path):
    # a Word file lawreport wrote: its “互联网+监管” table is the catalogue's exhibit
    from lawreport.todata import extract_to_data

    result = extract_to_data(built_formats / "report.docx", "yk", data_dir=tmp_path / "data")
    assert result.tables == 0
    assert not any("监管行为数据覆盖度" in text for _w, text in result.unplaced)
    catalog = (tmp_path / "data" / "yk" / "catalog.yaml").read_text(encoding="utf-8")
    assert "breakdowns:" not in catalog and "exhibits:" not in catalog


@pytest.mark.parametrize("name", ["report.html", "report.docx", "report.pdf"])
def test_reads_back_what_lawreport_writes(built_formats, name):
    """A report lawreport built, in each format, reads back as the same tree: its
    appendix (主要数据一览, 数据核验) and charts are not taken for report text."""
    doc = read_document(built_formats / name)
    assert doc.title.endswith("关于2021年法治政府建设的年度报告".replace("2021", "2021"))  \
        or "法治政府建设的年度报告" in doc.title
    assert [p.kind for p in doc.parts] == ["measures", "shortcomings", "leadership", "plan"]
    assert len(doc.parts[0].sections) == 8
    assert len(doc.parts[0].all_items()) == 27
    assert doc.signature == "运城市科学技术局" and doc.date == "2021年12月30日"
    text = doc.plain_text()
    assert "数据核验" not in text and "主要数据一览" not in text
