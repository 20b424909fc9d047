"""lawreport.charts: PNG charts with Chinese labels, reproducible byte for byte."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from lawreport.charts import chart_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _table():
    return pd.DataFrame({"类别": ["工作动态", "通知公告", "法规文件及解读", "行政权力运行流程图"],
                         "数值": [118, 19, 10, 8], "单位": ["条"] * 4})


@pytest.mark.parametrize("kind", ["bar", "barh", "pie"])
def test_chart_png_with_chinese_labels(kind):
    with warnings.catch_warnings():
        # a missing glyph (Chinese drawn as boxes) is a warning: make it fail the test
        warnings.simplefilter("error")
        png = chart_png(_table(), "政务公开信息发布情况（按类别）", kind)
        again = chart_png(_table(), "政务公开信息发布情况（按类别）", kind)
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 2000
    assert png == again


def test_chart_kinds_and_data_differ():
    bar = chart_png(_table(), "标题", "bar")
    assert bar != chart_png(_table(), "标题", "pie")
    other = _table().assign(数值=[118, 19, 10, 9])
    assert bar != chart_png(other, "标题", "bar")


def test_chart_png_has_no_timestamp_or_software_metadata():
    png = chart_png(_table(), "标题", "bar")
    assert b"Software" not in png
    assert b"tIME" not in png
