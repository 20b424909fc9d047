"""Year over year: wording, placeholders, validation of comparisons."""

import shutil

import pytest

from lawreport.catalog import load_catalog
from lawreport.history import change_wording, check_history, earlier_files, load_history
from lawreport.narrative import render
from lawreport.validate import validate_file

from conftest import SAMPLE_DATA


@pytest.mark.parametrize("cur, prev, kind, expected", [
    (120, 100, "count", "同比增长 20.0%"),
    (80, 100, "count", "同比下降 20.0%"),
    (100, 100, "count", "与上年持平"),
    (100.04, 100, "number", "与上年持平"),       # rounds to 0.0 %
    (3, 8, "count", "同比下降 62.5%"),            # exactly .5 rounds half up
    (1, 8, "count", "同比下降 87.5%"),
    (5, 0, "count", "较上年增加 5 项"),
    (0, 0, "count", "与上年持平"),
    (98.5, 96, "percentage", "同比增长 2.5 个百分点"),
    (95, 97.25, "percentage", "同比下降 2.3 个百分点"),  # 2.25 → 2.3 half up
    (97, 97, "percentage", "与上年持平"),
])
def test_change_wording(cur, prev, kind, expected):
    assert change_wording(cur, prev, kind, "项") == expected


def test_render_prev_and_yoy():
    text = "报送 {x} 次，上年 {x:prev} 次，{x:yoy}；满意率 {r}%，{r:yoy}。"
    out = render(text, {"x": 250, "r": 99}, kinds={"x": "count", "r": "percentage"},
                 units={"x": "次", "r": "%"}, previous={"x": 233, "r": 98.5})
    assert out == "报送 250 次，上年 233 次，同比增长 7.3%；满意率 99%，同比增长 0.5 个百分点。"


def _two_years(tmp_path, text_2022_extra, value_2022=250, comparable_catalog=None):
    src = (SAMPLE_DATA / "yuncheng-kjj" / "2021.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "data" / "yuncheng-kjj"
    folder.mkdir(parents=True)
    (folder / "2021.yaml").write_text(src, encoding="utf-8")
    y2 = src.replace("year: 2021", "year: 2022").replace('"2021-12-30"', '"2022-12-30"')
    y2 = y2.replace("actions_reported: 233", f"actions_reported: {value_2022}")
    y2 = y2.replace("监管行为数据覆盖度", text_2022_extra + "监管行为数据覆盖度", 1)
    (folder / "2022.yaml").write_text(y2, encoding="utf-8")
    return folder


def test_yoy_placeholder_validates_with_previous_year(tmp_path):
    folder = _two_years(tmp_path, "{internet_supervision.actions_reported:yoy}，")
    cat = load_catalog()
    data, _o, findings = validate_file(folder / "2022.yaml", cat)
    assert data is not None
    history, more = load_history(str(folder / "2022.yaml"), cat)
    assert sorted(history) == [2021] and more == []
    assert check_history(data, cat, history) == []
    assert [y for y, _ in earlier_files(str(folder / "2022.yaml"))] == [2021]


def test_yoy_without_previous_year_is_an_error(tmp_path):
    folder = _two_years(tmp_path, "{internet_supervision.actions_reported:yoy}，")
    (folder / "2021.yaml").unlink()
    cat = load_catalog()
    data, _o, _f = validate_file(folder / "2022.yaml", cat)
    errors = check_history(data, cat, {})
    assert len(errors) == 1
    e = errors[0]
    assert e.level == "error" and "2021" in e.message and e.line and e.hint
    assert e.field.startswith("narrative.parts.measures.areas.0.items.4")
    # the fix names the file in the data folder given, wherever that is
    assert e.hint.startswith(f"add {folder / '2021.yaml'},")


def test_yoy_on_a_non_comparable_figure_is_an_error(tmp_path):
    folder = _two_years(tmp_path, "")
    y2 = (folder / "2022.yaml").read_text(encoding="utf-8")
    y2 = y2.replace("  body_cameras: 3", "  body_cameras: 3\n  public_services:\n    items: 12")
    y2 = y2.replace("监管行为数据覆盖度", "政务服务事项 {public_services.items:yoy}，", 1)
    (folder / "2022.yaml").write_text(y2, encoding="utf-8")
    y1 = (folder / "2021.yaml").read_text(encoding="utf-8")
    (folder / "2021.yaml").write_text(
        y1.replace("  body_cameras: 3", "  body_cameras: 3\n  public_services:\n    items: 10"),
        encoding="utf-8")
    cat = load_catalog()
    data, _o, findings = validate_file(folder / "2022.yaml", cat)
    assert data is not None, [f.format() for f in findings]
    history, _ = load_history(str(folder / "2022.yaml"), cat)
    errors = check_history(data, cat, history)
    assert len(errors) == 1 and "not comparable" in errors[0].message


def test_cli_validate_reports_history_errors(tmp_path, cli):
    folder = _two_years(tmp_path, "{internet_supervision.actions_reported:yoy}，")
    shutil.move(folder / "2021.yaml", tmp_path / "elsewhere.yaml")
    r = cli("validate", folder / "2022.yaml")
    assert r.returncode == 2
    assert "needs the 2021 data" in r.stdout and "Traceback" not in r.stderr


def test_a_figure_trended_in_one_part_is_not_trended_again_in_the_next():
    # demo-sfj 2023 tells 行政应诉案件 in 一 and again in 二: one trend chart of it
    from lawreport import load_year
    from lawreport.document import from_loaded
    from lawreport.exhibits import part_figure_ids, part_trend_ids

    loaded = load_year(SAMPLE_DATA, "demo-sfj", 2023)
    parts = from_loaded(loaded).parts
    told = {p.key: set(part_figure_ids(loaded, p)) for p in parts}
    assert "litigation.cases" in told["measures"] & told["shortcomings"]
    drawn = [part_trend_ids(loaded, parts, p) for p in parts]
    flat = [i for ids in drawn for i in ids]
    assert len(flat) == len(set(flat)) and "litigation.cases" in drawn[0]


def test_a_trend_of_one_figure_is_captioned_by_its_name():
    from lawreport import load_year
    from lawreport.exhibits import trends

    loaded = load_year(SAMPLE_DATA, "demo-sfj", 2023)
    args = (loaded.data, loaded.history, loaded.catalog)
    one = trends(*args, ["litigation.cases"], "t")
    assert one.caption == "行政应诉案件变化趋势（2021—2023年）"
    two = trends(*args, ["litigation.cases", "legal_aid.cases"], "t")
    assert two.caption == "主要数据变化趋势（2021—2023年）"
