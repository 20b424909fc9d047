"""lawreport check: each rule on a data file and a published text, with the mistake and
without it (tests/fixtures/check, written by make_fixtures.py); the sample; exit codes;
the rule catalogue a user extends; the pages and the 数据核验 section."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from lawreport.check import (CheckResult, check_loaded, check_page_html, check_path,
                             check_paths, load_rules, write_check_files)
from lawreport.cli import main
from lawreport.document import Document, Item, Part, Section

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures", "check")
SAMPLE = os.path.join(ROOT, "data", "yuncheng-kjj", "2021.yaml")
REFERENCE = os.path.join(ROOT, "tests", "fixtures", "reference", "yuncheng-kjj-2021.txt")

#: case → the rule its mistake breaks
CASES = {
    "contents": "content.missing", "late": "date.late", "early": "date.early",
    "nodate": "date.missing", "year": "date.year", "total": "figures.total",
    "conflict": "figures.conflict", "jump": "figures.jump", "plan": "plan.followup",
    "repeat": "text.repeat", "doubled": "text.doubled", "name": "text.name",
    "term": "text.term", "fazhi": "text.fazhi", "bracket": "text.bracket",
    "halfwidth": "text.halfwidth", "spacing": "text.spacing", "numbering": "text.numbering",
    "jiezhi": "text.jiezhi",
}
TEXT_ONLY = {"labels": "text.numbering"}


def _data(case, variant):
    return os.path.join(FIX, "data", f"{case}-{variant}", "2022.yaml")


def _report(case, variant):
    path = os.path.join(FIX, "reports", f"{case}-{variant}.txt")
    prev = path[:-4] + "-previous.txt"
    return path, (prev if os.path.exists(prev) else None)


@pytest.mark.parametrize("case", sorted(CASES))
def test_data_rule_fires_once_and_not_on_the_clean_file(case):
    bad = check_path(_data(case, "bad")).findings
    assert [f.rule for f in bad] == [CASES[case]], [f.format() for f in bad]
    assert bad[0].file.endswith("2022.yaml")
    assert bad[0].message and bad[0].suggestion and bad[0].source
    assert check_path(_data(case, "clean")).findings == []


@pytest.mark.parametrize("case", sorted({**CASES, **TEXT_ONLY}))
def test_published_text_rule_fires_once_and_not_on_the_clean_text(case):
    rule = {**CASES, **TEXT_ONLY}[case]
    path, prev = _report(case, "bad")
    bad = check_path(path, previous=prev).findings
    assert [f.rule for f in bad] == [rule], [f.format() for f in bad]
    assert bad[0].where  # a place in the text: part, item or paragraph
    path, prev = _report(case, "clean")
    assert check_path(path, previous=prev).findings == []


def test_text_findings_carry_line_place_and_quote():
    path, _ = _report("name", "bad")
    (f,) = check_path(path).findings
    assert f.line == 21 and f.where.startswith("一、（二）")
    assert "河冬市" in f.quote and "河东市" in f.suggestion
    (f,) = check_path(_data("name", "bad")).findings
    assert f.line == 27 and f.where == "narrative.parts.measures.areas.1.items.1"
    assert f.place == "一、（二）5."


def test_sample_data_reports_its_known_mistakes_with_lines():
    found = check_path(SAMPLE).findings
    by = {(f.rule, f.line): f for f in found}
    assert "过城市" in by[("text.name", 103)].message
    assert "普法对象" in by[("text.repeat", 129)].message
    total = by[("figures.total", 59)]
    assert "179" in total.message and "168" in total.message
    # 法制 judged by phrase: 法制审核 and 学法用法制度 are right
    fazhi = [f for f in found if f.rule == "text.fazhi"]
    assert fazhi and not any("法制审核" in f.message or "法制度" in f.message for f in fazhi)
    # a heading that comes from the outline names the outline's file and line
    (heading,) = [f for f in fazhi if "法制社会" in f.message]
    assert heading.outline.endswith("yuncheng-2021.yaml:21")


def test_published_reference_reports_the_same_mistakes():
    found = check_path(REFERENCE).findings
    lines = {(f.rule, f.line) for f in found}
    assert {("text.name", 45), ("text.repeat", 77), ("figures.total", 67)} <= lines


@pytest.mark.parametrize("path", [
    os.path.join(FIX, "data", "late-missing", "2022.yaml"),
    os.path.join(FIX, "reports", "late-missing.txt")])
def test_part_removed_and_dated_after_1_april(path, capsys):
    assert main(["check", path]) == 1
    out = capsys.readouterr().out
    assert "[content.missing]" in out and "存在的不足和原因" in out
    assert "[date.late]" in out and "4月1日" in out


def test_a_content_told_within_a_thematic_part_is_a_warning_not_missing(tmp_path, capsys):
    p = tmp_path / "themes.txt"
    body = ("某某局2023年法治政府建设年度报告\n"
            "一、扛牢主体责任，夯实法治根基\n局主要负责人严格履行推进法治建设第一责任人职责，"
            "全年主持专题学法4次。\n"
            "二、聚焦关键环节，提升执法质效\n全年开展执法检查120次。\n"
            "三、正视问题，明确努力方向\n执法力量仍显不足。下一步，我局将继续加强执法队伍建设。\n"
            "某某局\n2024年2月20日\n")
    p.write_text(body, encoding="utf-8")
    assert main(["check", str(p)]) == 1
    out = capsys.readouterr().out
    assert "[content.missing]" not in out
    lines = [ln for ln in out.splitlines() if "[content.unheaded]" in ln]
    # the head's duty and the shortcomings; 努力方向 makes the third part the plan
    assert len(lines) == 2, out
    assert "warning" in lines[0] and "第一责任人职责" in lines[0] and ":3:" in lines[0]
    assert "存在的不足和原因" in lines[1] and ":7:" in lines[1]
    # without a word of it anywhere, a content is missing
    p.write_text(body.replace("推进法治建设第一责任人职责", "推进依法行政的职责"), encoding="utf-8")
    assert main(["check", str(p)]) == 1
    out = capsys.readouterr().out
    assert "error [content.missing]" in out and "第一责任人职责" in out
    assert len([ln for ln in out.splitlines() if "[content.unheaded]" in ln]) == 1


def test_clean_input_exits_0(capsys):
    assert main(["check", _data("total", "clean"), _report("total", "clean")[0]]) == 0
    assert capsys.readouterr().out == ""


def test_invalid_data_is_reported_as_findings(capsys):
    assert main(["check", os.path.join(FIX, "data", "invalid-bad", "2022.yaml")]) == 1
    out = capsys.readouterr().out
    assert "[data.invalid]" in out and "no_such_figure" in out and "2022.yaml:14" in out


@pytest.mark.parametrize("name,content", [
    ("2022.yaml", b"\x00\x01\x02binary"),
    ("2022.yaml", b"org: [unclosed\n"),
    ("report.txt", b""),
    ("report.rtf", b"{\\rtf1 text}"),
    ("missing.yaml", None),
])
def test_unreadable_input_exits_2_without_traceback(tmp_path, capsys, name, content):
    path = tmp_path / "org" / name
    path.parent.mkdir()
    if content is not None:
        path.write_bytes(content)
    assert main(["check", str(path), _data("total", "clean")]) == 2
    err = capsys.readouterr().err
    assert "lawreport: error:" in err and str(path) in err and "Traceback" not in err


def test_json_output(capsys):
    assert main(["check", "--format", "json", _data("repeat", "bad")]) == 1
    out = json.loads(capsys.readouterr().out)
    (entry,) = out["files"]
    assert entry["counts"] == {"error": 0, "warning": 1, "info": 0}
    (f,) = entry["findings"]
    assert f["rule"] == "text.repeat" and f["severity"] == "warning" and f["line"] == 29
    assert {"file", "where", "quote", "message", "suggestion", "source"} <= set(f)


def test_a_data_folder_checks_every_department_year():
    results, errors = check_paths([os.path.join(FIX, "data")])
    assert not errors
    files = [n for d in os.listdir(os.path.join(FIX, "data"))
             for n in os.listdir(os.path.join(FIX, "data", d))]
    assert len(results) == len(files)


def test_user_rules_switch_off_add_a_pattern_and_phrases(tmp_path):
    rules = os.path.join(FIX, "user-rules.yaml")
    assert check_path(_data("spacing", "bad"), rule_files=[rules]).findings == []
    folder = tmp_path / "user-org"
    folder.mkdir()
    text = open(_data("spacing", "clean"), encoding="utf-8").read()
    text = (text.replace("slug: spacing-clean", "slug: user-org")
            .replace("outline: ../../outline.yaml", f"outline: {FIX}/outline.yaml")
            .replace("编制政务服务事项办事指南", "在微博发布办事指南")
            .replace("科技创新促进条例", "科技创新促近条例"))
    (folder / "2022.yaml").write_text(text, encoding="utf-8")
    found = check_path(str(folder / "2022.yaml"), rule_files=[rules]).findings
    assert sorted(f.rule for f in found) == ["local.weibo", "text.term"]
    # the same file read from a data folder holding rules.yaml
    shutil.copy(rules, tmp_path / "rules.yaml")
    found = check_path(str(folder / "2022.yaml")).findings
    assert sorted(f.rule for f in found) == ["local.weibo", "text.term"]


def test_bad_rules_file_is_refused(tmp_path, capsys):
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules:\n  x.y:\n    severity: fatal\n    message: m\n", encoding="utf-8")
    assert main(["check", "--rules", str(bad), _data("total", "clean")]) == 2
    assert "severity must be one of" in capsys.readouterr().err


def test_every_shipped_rule_has_wording_and_a_source():
    rs = load_rules()
    for rid, spec in rs.rules.items():
        assert spec["severity"] in ("error", "warning", "info"), rid
        assert spec.get("source") and spec.get("message") and "suggestion" in spec, rid
    assert "法治政府" in rs.phrases["terms"] and "法制审核" in rs.phrases["fazhi_right"]


def _doc(*texts, year=2022, date="2023年2月1日"):
    part = Part(key="measures", kind="measures", heading="主要举措和成效", label="一、",
                sections=[Section(heading="依法行政", label="（一）",
                                  items=[Item(t, f"{i}. ", where=f"一、（一）第{i}项", line=i)
                                         for i, t in enumerate(texts, 1)])])
    others = [Part(key=k, kind=k, heading=h, label=f"{n}、",
                   items=[Item("按要求开展相关工作。", where=f"{n}、第1段")])
              for n, (k, h) in zip("二三四", [("shortcomings", "存在的不足"),
                                              ("leadership", "主要负责人履职情况"),
                                              ("plan", "下一年度安排")])]
    return Document(title=f"关于{year}年法治政府建设的年度报告", org_name="河东市司法局",
                    year=year, parts=[part, *others], signature="河东市司法局", date=date)


@pytest.mark.parametrize("date,fixed", [
    ("2023年2月1日", None), ("2023.2.1", "2023年2月1日"), ("2023-02-01", "2023年2月1日"),
    ("二〇二三年二月一日", "2023年2月1日"), ("二○二三年二月一日", "2023年2月1日"),  # ○: a circle
    ("２０２３年２月１日", "2023年2月1日"),  # full-width digits
    ("2023年02月01日", "2023年2月1日"),
    ("2023年2月", "2023年2月×日（写全年、月、日）"),
])
def test_the_date_written_as_the_official_layout_writes_it(date, fixed):
    from lawreport.check import check_document

    found = [f for f in check_document(_doc("按要求开展相关工作。", date=date), "hand.txt")
             if f.rule.startswith("date.")]
    assert [(f.rule, f.severity) for f in found] == ([("date.format", "info")] if fixed else [])
    if fixed:
        assert found[0].suggestion == f"写作 {fixed}"


@pytest.mark.parametrize("text,rule", [
    ("严格落实法制审核制度，建立法制机构。", None),
    ("健全学法用法制度和党组中心组学法制度。", None),
    ("加快建设法制政府。", "text.fazhi"),
    ("推进法冶政府建设。", "text.term"),
    ("依法依规开展双随机一公开抽查。", None),
    ("深入学习习近平法治思想，学习贯彻宪法。", None),
    ("组织开展“谁执法谁普法”履职评议。", None),
    ("开展《宪法》宣传（宪法宣传周", "text.bracket"),
    ("共办理案件20件，其中行政案件8件，民事案件7件。", "figures.total"),
    ("共办理案件20件，其中行政案件8件，民事案件12件。", None),
    ("共办理案件20件，分别为行政案件8件、民事案件7件。", "figures.total"),
    ("推进法政治府建设。", "text.term"),
    ("落实“放管服“改革要求。", "text.bracket"),
    ("完成年度工作.下一步继续推进。", "text.halfwidth"),
    ("对执法案卷进行集中进行评查。", "text.doubled"),
    ("一是加强学习，二是强化培训，四是完善制度。", "text.numbering"),
    ("截止目前已完成评查。", "text.jiezhi"),
    ("截止日期为6月30日。", None),
    ("学习《宪法》《民法典》《宪法》等法律法规。", "text.repeat"),
    ("在河冬市开展普法宣传。", "text.name"),
    ("与河西市、河南市司法局签订执法协作协议。", None),  # neighbours among others: no typos
    ("与河西市司法局签订执法协作协议。", None),
    ("在河冬市开展普法、法律援助。", "text.name"),
    ("河冬市司法局、市公安局联合开展普法。", "text.name"),  # its own name first in a list
    ("推进智慧城市建设。", None),
    ("党组主要负责人带头学法。", None),
    ("党攻主要负责人带头学法。", "text.term"),
    ("办理行政确认1项、行政奖励1项，共计3项。", "figures.total"),
    ("办理行政确认1项、行政奖励2项，共计3项。", None),
    ("明确普法内容、普法对象和普法对象。", "text.repeat"),
    ("构建和谐社会、法治社会和平安社会。", None),
    ("严格落实“第一责任人”责任。", None),
    ('严格落实"第一责任人"责任。', "text.halfwidth"),  # a quote is no typo of 职
])
def test_rules_on_a_document_built_by_hand(text, rule):
    from lawreport.check import check_document

    found = check_document(_doc(text), "hand.txt")
    assert [f.rule for f in found] == ([rule] if rule else []), [f.format() for f in found]


def test_a_year_copied_from_last_years_report():
    from lawreport.check import check_document

    doc = _doc("依法开展工作。")
    doc.preamble = Item("2021年，我局认真落实法治政府建设各项任务。", where="preamble")
    found = check_document(doc, "hand.txt")
    assert [f.rule for f in found] == ["date.year"] and "2021" in found[0].message
    doc = _doc("依法开展工作。")
    doc.parts[-1].intro = Item("2022年，我局将继续推进依法行政。", where="四、导语")
    found = check_document(doc, "hand.txt")
    assert [f.rule for f in found] == ["date.year"] and "2023" in found[0].message


def test_numbering_that_skips_repeats_or_mixes_levels():
    from lawreport.check import check_document

    doc = _doc("甲。", "乙。", "丙。")
    items = doc.parts[0].sections[0].items
    items[1].label, items[2].label = "（2）", "3. "
    found = check_document(doc, "hand.txt")
    assert [f.rule for f in found] == ["text.numbering"] and "层级混用" in found[0].message
    doc = _doc("甲。", "乙。", "丙。")
    doc.parts[0].sections[0].items[2].label = "2. "
    found = check_document(doc, "hand.txt")
    assert [f.rule for f in found] == ["text.numbering"] and "重复" in found[0].message


def test_check_page_and_json_beside_a_report(tmp_path):
    from lawreport.api import load_year

    loaded = load_year(os.path.join(ROOT, "data"), "yuncheng-kjj", 2021)
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    findings = write_check_files(loaded, str(tmp_path))
    page = (tmp_path / "check.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "<script" not in page
    assert "Content-Security-Policy" in page and "script-src 'none'" in page
    assert "过城市" in page and 'href="report.html"' in page
    record = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert record["counts"]["warning"] == sum(f.severity == "warning" for f in findings)
    assert record["total"] == len(findings) and record["page"] == "check.html"
    assert ROOT not in (tmp_path / "check.json").read_text(encoding="utf-8")


def test_check_page_escapes_text():
    from lawreport.check import CheckFinding

    f = CheckFinding("text.repeat", "warning", "x.txt", 1, "<b>", "<script>alert(1)</script>")
    page = check_page_html(CheckResult("x.txt", [f], "report", "org", 2022))
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_data_check_section_lists_check_findings_once():
    from lawreport.api import load_year
    from lawreport.render import data_check_html

    loaded = load_year(os.path.join(ROOT, "data"), "yuncheng-kjj", 2021)
    html = data_check_html(loaded.findings, check_loaded(loaded))
    assert html.count("179") == 1  # the total is a data warning, not listed twice
    assert "报告核查" in html and "过城市" in html and "普法对象" in html


def test_demo_plan_follow_through():
    found = check_path(os.path.join(ROOT, "data", "demo-sfj", "2022.yaml")).findings
    plan = [f for f in found if f.rule == "plan.followup"]
    assert len(plan) == 1 and "合法性审核" in plan[0].message
    assert "2021.yaml" in plan[0].where


def test_a_workbook_is_checked_like_its_yaml(tmp_path, capsys):
    pytest.importorskip("openpyxl")
    book = tmp_path / "yuncheng-kjj" / "2021.xlsx"
    book.parent.mkdir()
    if main(["convert", SAMPLE, "--to", "xlsx", "--out", str(book)]) != 0:
        pytest.skip("no workbook writer")
    capsys.readouterr()
    found = check_path(str(book)).findings
    names = [f for f in found if f.rule == "text.name"]
    assert len(names) == 1 and "过城市" in names[0].message
    assert names[0].line == "正文!F15"  # sheet!cell
    assert main(["check", "--format", "json", str(book)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert "正文!F15" in [f["line"] for f in out["files"][0]["findings"]]


def test_a_report_names_the_previous_year_by_file_name_not_by_the_build_machines_path():
    from lawreport.api import load_year

    loaded = load_year(os.path.join(ROOT, "data"), "demo-sfj", 2022, [])
    # as a build calls it for 数据核验 and check.html: the data file by its name
    followups = [f for f in check_loaded(loaded, None, "2022.yaml") if f.rule == "plan.followup"]
    assert followups and all(f.where.startswith("上年计划 2021.yaml:") for f in followups)
    assert not any(ROOT in json.dumps(f.to_dict(), ensure_ascii=False) for f in followups)


def test_previous_of_the_same_year_is_refused(tmp_path, capsys):
    from lawreport.cli import main

    report = tmp_path / "r.txt"
    report.write_text("某某局2023年法治政府建设年度报告\n　　现将有关情况报告如下：\n"
                      "　　一、主要举措和成效\n　　全年开展执法检查45次。\n　　二、存在的不足\n"
                      "　　执法力量不足。\n　　三、下一步工作安排\n　　加强队伍建设。\n",
                      encoding="utf-8")
    assert main(["check", str(report), "--previous", str(report)]) == 2
    assert "is the 2023 report, not an earlier year's" in capsys.readouterr().err
