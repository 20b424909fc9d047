"""Layouts as real reports use them, expressed as data (tests/fixtures/layouts) and built.

Each layout is built once (module fixture); the tests read the printed order and
numbering back from report.html.
"""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser

import pytest

import lawreport
from conftest import ROOT

LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"


class _Blocks(HTMLParser):
    """(tag, class, text, lead) of the headings and paragraphs of the report's <main>."""

    WANT = {"h1", "h2", "h3", "p"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self._cur, self._main, self._lead = [], None, False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self._main = True
        if self._main and tag in self.WANT:
            self._cur = [tag, a.get("class") or "", "", None]
        if self._cur is not None and tag == "strong":
            self._lead = ""

    def handle_endtag(self, tag):
        if tag == "main":
            self._main = False
        if tag == "strong" and self._cur is not None:
            self._cur[3] = self._lead
            self._lead = None
        if self._cur is not None and tag == self._cur[0]:
            self.blocks.append(tuple(self._cur))
            self._cur = None

    def handle_data(self, data):
        if self._cur is not None:
            self._cur[2] += data
            if self._lead is not None:
                self._lead += data


def blocks(folder):
    p = _Blocks()
    p.feed((folder / "report.html").read_text(encoding="utf-8"))
    return p.blocks


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data = tmp_path_factory.mktemp("layouts") / "data"
    shutil.copytree(LAYOUTS, data)
    out = data.parent / "out"
    folders = {}
    for org, year in (("layout-leadfirst", 2023), ("layout-thematic", 2022),
                      ("layout-bare", 2022)):
        lawreport.build(data, org, year, out, notebooks_dir=ROOT / "notebooks")
        folders[org] = out / org / str(year)
    return folders


def test_parts_follow_the_outline_order(built):
    heads = [t for tag, cls, t, _ in blocks(built["layout-leadfirst"]) if cls == "lr-part"]
    assert heads == ["一、党政主要负责人履行推进法治建设第一责任人职责情况",
                     "二、2023 年推进法治政府建设的主要举措和成效",
                     "三、存在的不足和原因",
                     "四、2024 年推进法治政府建设的主要安排"]
    # the executed notebooks are named by their printed place
    names = sorted(p.name for p in (built["layout-leadfirst"] / "notebooks").iterdir())
    assert names[:4] == ["01-leadership.ipynb", "02-measures.ipynb", "03-shortcomings.ipynb",
                         "04-plan.ipynb"]


def test_items_are_numbered_per_area_when_the_outline_says_so(built):
    b = blocks(built["layout-leadfirst"])
    items = [t for tag, cls, t, _ in b if cls == "lr-item"]
    assert items[1:4] == ["1. 严格执行重大行政决策程序。", "2. 落实法律顾问制度。",
                          "1. 全面推行行政执法三项制度。"]


def test_thematic_parts_of_one_kind_in_order(built):
    heads = [t for tag, cls, t, _ in blocks(built["layout-thematic"]) if cls == "lr-part"]
    assert heads == ["一、坚持依法决策，提升决策质量", "二、规范执法行为，严格执法监督",
                     "三、存在的不足和原因", "四、党政主要负责人履行推进法治建设第一责任人职责情况",
                     "五、2023年工作安排"]
    names = sorted(p.name for p in (built["layout-thematic"] / "notebooks").iterdir())
    assert names[:5] == ["01-decisions.ipynb", "02-enforcement.ipynb", "03-problems.ipynb",
                         "04-duty.ipynb", "05-next.ipynb"]


def test_items_directly_under_a_part_with_run_in_leads(built):
    b = blocks(built["layout-thematic"])
    part1 = b[b.index(next(x for x in b if x[2] == "一、坚持依法决策，提升决策质量")) + 1:][:3]
    assert part1[0] == ("p", "lr-para", "本年度，我局把依法决策作为依法行政的首要环节。", None)
    assert part1[1] == ("p", "lr-item", "（一）健全依法决策机制。本年度修订重大行政决策程序规定，"
                        "重大决策全部履行法定程序。", "健全依法决策机制。")
    assert part1[2][2].startswith("（二）落实法律顾问制度。") and part1[2][3] == "落实法律顾问制度。"
    # a plan item with a lead, then one without: 1. 2.
    items = [(t, lead) for tag, cls, t, lead in b if cls == "lr-item"]
    assert ("1.持续深化依法行政。严格落实重大行政决策程序。", "持续深化依法行政。") in items
    assert ("2.持续加强普法宣传。", None) in items


def test_area_intro_and_numbering_styles_at_any_level(built):
    b = [(cls, t) for tag, cls, t, _ in blocks(built["layout-thematic"])]
    i = b.index(("lr-area", "（一）全面推行行政执法三项制度"))
    assert b[i + 1] == ("lr-para", "执法公示、全过程记录和法制审核全面落实。")
    assert b[i + 2] == ("lr-item", "（1）执法公示信息全部按时公开。")
    assert ("lr-item", "①部分执法人员法治思维有待增强。") in b
    assert ("lr-item", "②基层执法装备和信息化水平有待提升。") in b


def test_addressee_title_with_the_name_and_own_signature(built):
    b = blocks(built["layout-thematic"])
    classes = [cls for _tag, cls, _t, _l in b]
    assert "lr-org" not in classes  # the title already names the department
    assert b[0] == ("h1", "", "某某区市场监督管理局2022年法治政府建设年度报告", None)
    assert b[1] == ("p", "lr-addressee", "区委、区政府：", None)
    assert b[2][1] == "lr-para"  # the preamble after the addressee
    html = (built["layout-thematic"] / "report.html").read_text(encoding="utf-8")
    sig = html[html.index('class="lr-signature"'):]
    assert "某某区市场监督管理局办公室" in sig and "2023年2月20日" in sig


def test_no_figures_no_key_figure_table(built):
    for org in ("layout-thematic", "layout-bare"):
        html = (built[org] / "report.html").read_text(encoding="utf-8")
        assert "主要数据一览" not in html, org


def test_no_numbering_no_signature_no_date(built):
    b = blocks(built["layout-bare"])
    heads = [t for tag, cls, t, _ in b if cls in ("lr-part", "lr-area")]
    assert heads == ["主要举措和成效", "依法决策", "存在的问题", "下一步工作计划"]
    html = (built["layout-bare"] / "report.html").read_text(encoding="utf-8")
    assert 'class="lr-signature"' not in html
    rec = json.loads((built["layout-bare"] / "figures.json").read_text(encoding="utf-8"))
    assert rec["report_date"] is None
    assert rec["figures"]["permits"]["value"] == 342


def test_an_outline_part_key_must_have_a_kind(tmp_path):
    from lawreport.catalog import load_outline
    from lawreport.exceptions import CatalogError

    p = tmp_path / "o.yaml"
    p.write_text("name: o\nparts:\n  - {key: decisions, heading: 依法决策}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="needs 'kind:'"):
        load_outline(str(p))
    p.write_text("name: o\nparts:\n  - {key: decisions, kind: measures, heading: 依法决策,"
                 " numbering: {item: 'x'}}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="has no number in it"):
        load_outline(str(p))
