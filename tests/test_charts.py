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
        png = chart_png(_table(), kind)
        again = chart_png(_table(), kind)
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 2000
    assert png == again


def test_chart_kinds_and_data_differ():
    bar = chart_png(_table(), "bar")
    assert bar != chart_png(_table(), "pie")
    other = _table().assign(数值=[118, 19, 10, 9])
    assert bar != chart_png(other, "bar")


def test_chart_png_has_no_timestamp_or_software_metadata():
    png = chart_png(_table(), "bar")
    assert b"Software" not in png
    assert b"tIME" not in png


# -- the exhibits of the reference report, drawn once for every writer -----------------


@pytest.fixture(scope="module")
def reference_year():
    from conftest import SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
    from lawreport import load_year

    return load_year(SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR)


def test_reference_gets_five_charts(reference_year):
    """Four charts placed in the parts (one of them the 互联网+监管 completion rates)
    and the key-figures chart of the appendix, each with Chinese labels."""
    from lawreport.document import from_loaded
    from lawreport.exhibits import Drawings

    doc = from_loaded(reference_year)
    drawings = Drawings(reference_year)
    refs = [r for p in doc.parts for s in p.sections for r in s.exhibits]
    refs += [r for p in doc.parts for r in p.exhibits]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph fails
        placed = [drawings.of(r) for r in refs]
        appendix = drawings.appendix()
    charts = [d for d in placed + appendix if d.is_chart]
    assert [d.caption for d in charts] == [
        "权责清单事项（按职权类别）", "“互联网+监管”完成情况（%）", "执法人员（按证件类别）",
        "政务公开信息发布情况（按类别）", "2021年主要数据"]
    assert all(d.png.startswith(PNG_MAGIC) for d in charts)
    tables = [d for d in placed + appendix if not d.is_chart]
    assert [d.caption for d in tables] == ["“互联网+监管”工作情况", "主要数据"]
    # the same drawing object for the second writer: drawn once
    assert drawings.of(refs[0]) is placed[0]


def test_key_figures_chart_labels_carry_units(reference_year):
    from lawreport.exhibits import key_figures_chart

    d = key_figures_chart(reference_year.data, reference_year.catalog)
    assert d.role == "key_chart" and d.caption == "2021年主要数据"
    again = key_figures_chart(reference_year.data, reference_year.catalog)
    assert d.png == again.png


def test_the_key_figures_table_writes_counts_as_whole_numbers():
    # demo-sfj 2021 has no earlier year: 主要数据 is the plain table, its counts beside
    # rates (9.5 %) in the data; a count is printed 38, not 38.0
    from conftest import ROOT
    from lawreport import load_year
    from lawreport.exhibits import key_figures
    from lawreport.render import drawing_html

    loaded = load_year(ROOT / "data", "demo-sfj", 2021)
    table = key_figures(loaded)[0]
    assert table.role == "key_figures"
    assert list(table.table["数值"])[:2] == ["38", "21"]
    assert "<td>38</td>" in drawing_html(table) and ".0<" not in drawing_html(table)


def test_a_breakdown_table_keeps_counts_whole_beside_an_amount():
    # demo-scjgj's 市场监管执法情况: 2860 次, 684 件 and 512.6 万元 in one table
    from conftest import ROOT
    from lawreport import load_year
    from lawreport.render import table_html
    from lawreport.stats import breakdown_table

    loaded = load_year(ROOT / "data", "demo-scjgj", 2021)
    df = breakdown_table(loaded.data, loaded.catalog, "market_enforcement")
    assert list(df["数值"]) == [2860, 684, 512.6]
    html = table_html(df)
    assert "<td>2860</td>" in html and "<td>512.6</td>" in html and "2860.0" not in html


def test_a_single_key_figure_gets_its_table_and_no_chart(reference_year, monkeypatch):
    from lawreport import exhibits, stats

    one = stats.key_figures(reference_year.data, reference_year.catalog).head(1)
    monkeypatch.setattr(stats, "key_figures", lambda data, catalog: one)
    assert exhibits.key_figures_chart(reference_year.data, reference_year.catalog) is None
    roles = [d.role for d in exhibits.key_figures(reference_year)]
    assert "key_chart" not in roles and roles[0] in ("key_figures", "comparison")


def test_five_charts_in_html(built_formats):
    import re

    html = (built_formats / "report.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img[^>]*alt="([^"]*)"', html)
    assert len(alts) == 5
    assert "“互联网+监管”完成情况（%）" in alts and "2021年主要数据" in alts


@pytest.mark.parametrize("kind", ["bar", "pie"])
def test_a_chart_is_drawn_once_and_looks_the_same(monkeypatch, kind):
    """tight_layout's leftover layout engine would make savefig draw a second time."""
    import io

    from matplotlib.figure import Figure

    from lawreport import charts

    def two_passes(fig, dpi):  # the layout engine left in place: savefig lays out again
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()

    draws = []
    draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: draws.append(1) or draw(self, r))
    png = chart_png(_table(), kind)
    assert len(draws) == 1
    monkeypatch.setattr(charts, "png_bytes", two_passes)
    assert chart_png(_table(), kind) == png
    assert len(draws) == 3


def test_counts_get_whole_numbers_on_their_scale(monkeypatch):
    # 25, 27, 26 人: no 25.5 or 27.5 on the axis
    from matplotlib.figure import Figure

    from lawreport import charts

    seen = []
    monkeypatch.setattr(charts, "png_bytes", lambda fig, dpi=100: seen.append(fig) or b"")
    charts.trend_png(pd.DataFrame({"执法人员": [25, 27, 26]}, index=[2021, 2022, 2023]),
                     {"执法人员": "人"})
    charts.chart_png(pd.DataFrame({"类别": ["甲", "乙"], "数值": [3, 4], "单位": ["件"] * 2}))
    for fig in seen:
        assert isinstance(fig, Figure)
        ticks = fig.axes[0].get_yticks()
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks
