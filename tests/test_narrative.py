"""lawreport.narrative: Chinese numerals, values as written, placeholders, labels."""

from __future__ import annotations

import datetime as dt

import pytest

from lawreport.narrative import (PlaceholderError, cn_date, cn_number, format_value,
                                 heading_label, parse_placeholders, render, round_half_up)


@pytest.mark.parametrize("n, text", [
    (0, "零"),
    (2, "二"),
    (10, "十"),
    (11, "十一"),
    (20, "二十"),
    (28, "二十八"),
    (105, "一百零五"),
    (110, "一百一十"),
    (1010, "一千零一十"),
    (10001, "一万零一"),
])
def test_cn_number(n, text):
    assert cn_number(n) == text


@pytest.mark.parametrize("value, text", [
    (0, "0"),
    (233, "233"),
    (99.5, "99.5"),
    (100.0, "100"),
    (12.25, "12.25"),
])
def test_format_value(value, text):
    assert format_value(value) == text


@pytest.mark.parametrize("value, fmt, text", [
    (2, "cn", "二"),
    (2, "cnq", "两"),
    (28, "cn", "二十八"),
    (28, "cnq", "二十八"),
    (12, "cnq", "十二"),
])
def test_format_value_chinese(value, fmt, text):
    assert format_value(value, fmt) == text


def test_round_half_up():
    assert round_half_up(2.5) == 3
    assert round(2.5) == 2  # what Python would do: the reason round_half_up exists
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(3.14159, 1) == 3.1
    assert round_half_up(70.238, 1) == 70.2


def test_parse_placeholders_plain_and_formats():
    assert parse_placeholders("报送监管行为 {internet_supervision.actions_reported} 次") == [
        "报送监管行为 ", ("internet_supervision.actions_reported", ""), " 次"]
    assert parse_placeholders("{a.b:cn}{c:cnq}") == [("a.b", "cn"), ("c", "cnq")]
    assert parse_placeholders("没有占位符") == ["没有占位符"]
    assert parse_placeholders("") == []


def test_parse_placeholders_escaped_braces():
    pieces = parse_placeholders("写作 {{year}} 与 }}")
    assert all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == "写作 {year} 与 }"


@pytest.mark.parametrize("text, column", [
    ("abc{def", 4),
    ("abc}def", 4),
    ("{year", 1),
    ("{year}}", 7),
    ("一二{x.y z}", 3),
])
def test_parse_placeholders_unbalanced(text, column):
    with pytest.raises(PlaceholderError) as ei:
        parse_placeholders(text)
    assert ei.value.column == column
    assert "unbalanced" in str(ei.value)


def test_parse_placeholders_unknown_format():
    with pytest.raises(PlaceholderError) as ei:
        parse_placeholders("共 {x:zz} 项")
    assert ei.value.column == 3
    assert ":zz" in str(ei.value)


def test_render():
    assert render("{x:cnq}个规范性文件", {"x": 2}) == "两个规范性文件"
    assert render("{x:cn}个", {"x": 2}) == "二个"
    assert render("{year} 年共 {n} 项，认领率 {r}%", {"year": 2021, "n": 7, "r": 100.0}) == \
        "2021 年共 7 项，认领率 100%"
    assert render("{org.name}{{注}}", {"org.name": "运城市科学技术局"}) == "运城市科学技术局{注}"


def test_render_missing_value_raises():
    with pytest.raises(KeyError):
        render("{absent}", {})


def test_heading_label():
    assert heading_label("{cn}、", 1) == "一、"
    assert heading_label("{cn}、", 4) == "四、"
    assert heading_label("（{cn}）", 8) == "（八）"
    assert heading_label("（{cn}）", 10) == "（十）"
    assert heading_label("{n}. ", 27) == "27. "


def test_cn_date():
    assert cn_date(dt.date(2021, 12, 30)) == "2021年12月30日"
    assert cn_date(dt.date(2022, 3, 1)) == "2022年3月1日"
    assert cn_date("2021-01-05") == "2021年1月5日"
