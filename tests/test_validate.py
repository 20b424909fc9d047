"""lawreport.validate: one test per kind of error, each located by line and field.

Every test writes a small data file to ``<tmp>/data/<slug>/<year>.yaml``: the
minimal valid file below, changed in one place.
"""

from __future__ import annotations

import pytest

from conftest import SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
from lawreport import load_catalog, validate_file

#: A minimal valid data file: no findings at all (see test_minimal_file_is_valid).
MINIMAL = """\
# a minimal valid data file
org:
  slug: test-dept
  name: 测试局
year: 2022
report_date: "2022-12-30"
outline: yuncheng-2021

figures:
  body_cameras: 3
  internet_supervision:
    claim_rate: 99.5
  disclosure:
    total: 10
    work_news: 10

narrative:
  preamble: 现将我局 {year} 年法治建设工作报告如下：
  parts:
    measures:
      areas:
        - area: functions
          items:
            - 领取执法记录仪{body_cameras}台。
            - 监管事项认领率 {internet_supervision.claim_rate}%。
        - area: oversight
          items:
            - 共发布信息 {disclosure.total} 条，其中工作动态 {disclosure.work_news} 条。
    shortcomings:
      areas:
        - title: 依法行政意识有待提高
          items:
            - 个别执法人员依法行政的观念比较淡薄。
    leadership:
      areas:
        - title: 加强领导
          items:
            - 成立了法治政府建设工作领导小组。
    plan:
      intro: "{next_year} 年，我局将进一步加强依法行政工作。"
      areas:
        - title: 加强组织领导
          items:
            - 建立健全组织机制。
"""

#: Three errors of three kinds on three lines: a negative count, a percentage
#: above 100 and an unknown area key (also used by test_cli).
THREE_ERRORS = (MINIMAL.replace("body_cameras: 3", "body_cameras: -3")
                .replace("claim_rate: 99.5", "claim_rate: 120")
                .replace("- area: oversight", "- area: oversite"))
THREE_ERRORS_EXPECTED = [  # (needle locating the line, field)
    ("body_cameras: -3", "figures.body_cameras"),
    ("claim_rate: 120", "figures.internet_supervision.claim_rate"),
    ("- area: oversite", "narrative.parts.measures.areas.1.area"),
]


def write_data(root, text, slug="test-dept", year=2022):
    """Write ``text`` to ``<root>/data/<slug>/<year>.yaml``; returns the path."""
    path = root / "data" / slug / f"{year}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text, needle):
    """1-based number of the first line of ``text`` containing ``needle``."""
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in the text")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def check(tmp_path, catalog, text, **kw):
    """Validate ``text``; returns its errors (data must be refused)."""
    data, outline, findings = validate_file(write_data(tmp_path, text, **kw), catalog)
    errors = [f for f in findings if f.level == "error"]
    assert errors, "expected at least one error"
    assert data is None and outline is None
    for f in findings:
        assert f.hint.strip(), f"finding without a fix: {f}"
    return errors


def only_error(tmp_path, catalog, text, **kw):
    errors = check(tmp_path, catalog, text, **kw)
    assert len(errors) == 1, [f.format() for f in errors]
    return errors[0]


def test_minimal_file_is_valid(tmp_path, catalog):
    data, outline, findings = validate_file(write_data(tmp_path, MINIMAL), catalog)
    assert findings == []
    assert data is not None and outline.name == "yuncheng-2021"


def test_sample_has_exactly_one_warning(catalog):
    path = SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"
    data, outline, findings = validate_file(path, catalog)
    assert data is not None and outline is not None
    assert len(findings) == 1
    (w,) = findings
    assert w.level == "warning"
    assert w.field == "figures.disclosure.total"
    text = path.read_text(encoding="utf-8")
    assert w.line == line_of(text, "total: 179")
    assert "179" in w.message and "168" in w.message
    assert w.hint


def test_malformed_yaml_reports_line(tmp_path, catalog):
    text = MINIMAL.replace("  name: 测试局", "  name: 测试局: 科技局")
    f = only_error(tmp_path, catalog, text)
    assert f.line == line_of(text, "name: 测试局: 科技局")
    assert f.field == ""
    assert "malformed YAML" in f.message


# (id, replace this, with that, the line it lands on, field, in the message, in the hint)
ONE_ERROR = [
    ("wrong-type", "body_cameras: 3", "body_cameras: 三台", "body_cameras: 三台",
     "figures.body_cameras", "三台", ""),
    ("negative-count", "body_cameras: 3", "body_cameras: -3", "body_cameras: -3",
     "figures.body_cameras", "-3", ""),
    ("percentage-above-100", "claim_rate: 99.5", "claim_rate: 100.5", "claim_rate: 100.5",
     "figures.internet_supervision.claim_rate", "100.5", ""),
    ("unknown-figure-id", "body_cameras: 3", "body_cameras: 3\n  body_camras: 4",
     "body_camras: 4", "figures.body_camras", "body_cameras", ""),  # did you mean …
    ("placeholder-unknown-figure", "{body_cameras}台", "{body_camera}台", "{body_camera}台",
     "narrative.parts.measures.areas.0.items.0", "{body_camera}", ""),
    # litigation.cases is in the catalogue, but not in this file's figures
    ("placeholder-without-value", "个别执法人员", "应诉案件 {litigation.cases} 件，个别执法人员",
     "{litigation.cases}", "narrative.parts.shortcomings.areas.0.items.0", "litigation.cases",
     "litigation.cases"),
    ("unbalanced-brace", "{body_cameras}台", "{body_cameras台", "{body_cameras台",
     "narrative.parts.measures.areas.0.items.0", "unbalanced", "{{"),
    ("unknown-area-key", "- area: oversight", "- area: oversite", "- area: oversite",
     "narrative.parts.measures.areas.1.area", "oversight", "title:"),
]


@pytest.mark.parametrize("old, new, at, field, in_message, in_hint",
                         [c[1:] for c in ONE_ERROR], ids=[c[0] for c in ONE_ERROR])
def test_one_error_located(tmp_path, catalog, old, new, at, field, in_message, in_hint):
    text = MINIMAL.replace(old, new)
    assert text != MINIMAL
    f = only_error(tmp_path, catalog, text)
    assert f.line == line_of(text, at)
    assert f.field == field
    assert in_message in f.message
    assert in_hint in f.hint


def test_percent_sign_is_refused_with_a_fix(tmp_path, catalog):
    text = MINIMAL.replace("claim_rate: 99.5", "claim_rate: 99.5%")
    f = only_error(tmp_path, catalog, text)
    assert f.line == line_of(text, "claim_rate: 99.5%")
    assert f.field == "figures.internet_supervision.claim_rate"
    assert "99.5" in f.hint and "%" not in f.hint.split(":")[-1]


def test_missing_required_part(tmp_path, catalog):
    text = MINIMAL[:MINIMAL.index("    plan:")]
    f = only_error(tmp_path, catalog, text)
    assert f.field == "narrative.parts.plan"
    assert f.line == line_of(text, "  parts:")  # the nearest parent that has a line
    assert "plan" in f.message


def test_a_part_without_text_is_named_in_chinese_by_its_number(tmp_path, catalog):
    # the warning of 数据核验 speaks of the printed part (第四部分), not its key
    text = MINIMAL[:MINIMAL.index("    plan:")] + "    plan: {}\n"
    _data, _outline, findings = validate_file(write_data(tmp_path, text), catalog)
    assert [(f.level, f.field, f.zh) for f in findings] == [
        ("warning", "narrative.parts.plan", "第四部分只有标题，没有内容")]


def test_unknown_area_key(tmp_path, catalog):
    text = MINIMAL.replace("- area: oversight", "- area: oversite")
    f = only_error(tmp_path, catalog, text)
    assert f.line == line_of(text, "- area: oversite")
    assert f.field == "narrative.parts.measures.areas.1.area"
    assert "oversight" in f.message  # did you mean …
    assert "title:" in f.hint


def test_year_contradicting_file_name(tmp_path, catalog):
    text = MINIMAL.replace("year: 2022", "year: 2023")
    f = only_error(tmp_path, catalog, text, year=2022)
    assert f.field == "year"
    assert f.line == line_of(text, "year: 2023")
    assert "2022" in f.message and "2023" in f.message


def test_invalid_slug(tmp_path, catalog):
    text = MINIMAL.replace("slug: test-dept", "slug: Test_Dept")
    f = only_error(tmp_path, catalog, text, slug="Test_Dept")
    assert f.field == "org.slug"
    assert f.line == line_of(text, "slug: Test_Dept")
    assert "Test_Dept" in f.message


def test_slug_differing_from_folder(tmp_path, catalog):
    f = only_error(tmp_path, catalog, MINIMAL, slug="other-dept")
    assert f.field == "org.slug"
    assert f.line == line_of(MINIMAL, "slug: test-dept")
    assert "other-dept" in f.message


def test_three_errors_on_three_lines(tmp_path, catalog):
    errors = check(tmp_path, catalog, THREE_ERRORS)
    got = [(f.line, f.field) for f in errors]
    want = [(line_of(THREE_ERRORS, needle), field) for needle, field in THREE_ERRORS_EXPECTED]
    assert got == want
    assert len({f.line for f in errors}) == 3


def test_load_error_does_not_hide_other_errors(tmp_path, catalog):
    """Every error at once (README): a type error in one figure must not hide an
    unknown area key elsewhere in the file."""
    text = (MINIMAL.replace("body_cameras: 3", "body_cameras: 三台")
            .replace("- area: oversight", "- area: oversite"))
    errors = check(tmp_path, catalog, text)
    assert {f.field for f in errors} == {"figures.body_cameras",
                                         "narrative.parts.measures.areas.1.area"}
