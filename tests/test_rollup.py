"""The cross-department index: collect, the HTML fragments, build_index."""

from __future__ import annotations

import copy
import json
import re

import pytest

from conftest import ROOT, SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR

import lawreport.rollup as lr

ALPHA, BETA, GAMMA = "alpha-ju", "beta-ju", "gamma-ju"
ALPHA_NAME = "甲市科学技术局"
BETA_NAME = "乙市<script>alert(1)</script>司法局"
GAMMA_NAME = "丙县司法局"


@pytest.fixture(scope="module")
def sample_record():
    """figures.json of the sample, computed from the real data."""
    from lawreport import load_year
    from lawreport.stats import figures_record

    loaded = load_year(SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR)
    return figures_record(loaded.data, loaded.catalog, loaded.findings)


def _data_file(data, org, name, year, region=None, level=None, date=None):
    text = (SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml").read_text(encoding="utf-8")
    text = text.replace(f"  slug: {SAMPLE_ORG}\n", f"  slug: {org}\n", 1)
    extra = "".join(f"  {k}: {json.dumps(v, ensure_ascii=False)}\n"
                    for k, v in (("region", region), ("level", level)) if v)
    text = text.replace("  name: 运城市科学技术局\n",
                        f"  name: {json.dumps(name, ensure_ascii=False)}\n{extra}", 1)
    text = text.replace(f"\nyear: {SAMPLE_YEAR}\n", f"\nyear: {year}\n", 1)
    if date:
        text = text.replace('report_date: "2021-12-30"', f'report_date: "{date}"', 1)
    (data / org).mkdir(parents=True, exist_ok=True)
    (data / org / f"{year}.yaml").write_text(text, encoding="utf-8")


def _report(out, record, org, name, year, scale, date="same"):
    r = copy.deepcopy(record)
    r["org"] = {"slug": org, "name": name}
    r["year"] = year
    r["report_date"] = f"{year}-12-30" if date == "same" else date
    for f in r["figures"].values():
        f["value"] = round(f["value"] * scale)
    folder = out / org / str(year)
    folder.mkdir(parents=True)
    (folder / "figures.json").write_text(json.dumps(r, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    (folder / "report.html").write_text("<!DOCTYPE html><html lang=\"zh\"></html>",
                                        encoding="utf-8")


BETA_REGION = "乙市<b>区</b>"


@pytest.fixture
def site(tmp_path, sample_record):
    """alpha 2021+2022 and beta 2021 built; beta 2022 has data but no report;
    gamma has data for 2022 only, whose build failed (so 2021 has no data file).
    alpha and gamma are in 甲市 · 部门, beta (a hostile region) in its own group;
    alpha's 2022 report is dated after 1 April 2023 (late), beta's 2022 data too."""
    data, out = tmp_path / "data", tmp_path / "out"
    for org, name, year, region, date in [
            (ALPHA, ALPHA_NAME, 2021, "甲市", None), (ALPHA, ALPHA_NAME, 2022, "甲市", None),
            (BETA, BETA_NAME, 2021, BETA_REGION, None),
            (BETA, BETA_NAME, 2022, BETA_REGION, "2023-05-08"),
            (GAMMA, GAMMA_NAME, 2022, "甲市", None)]:
        _data_file(data, org, name, year, region, "部门" if region == "甲市" else None, date)
    _report(out, sample_record, ALPHA, ALPHA_NAME, 2021, 1)
    _report(out, sample_record, ALPHA, ALPHA_NAME, 2022, 2, "2023-04-02")
    _report(out, sample_record, BETA, BETA_NAME, 2021, 3)
    (out / ".lawreport" / "failed" / GAMMA / "2022").mkdir(parents=True)
    # state and stray folders are not reports
    (out / ".lawreport" / "staging" / ALPHA / "2023").mkdir(parents=True)
    (out / ".lawreport" / "staging" / ALPHA / "2023" / "figures.json").write_text("{}")
    (out / ALPHA / "notes").mkdir()
    return data, out


def test_collect(site):
    data, out = site
    r = lr.collect(out, data)
    assert list(zip(r.reports["org"], r.reports["year"])) == [
        (ALPHA, 2021), (ALPHA, 2022), (BETA, 2021)]
    assert list(r.reports["report"]) == [f"{ALPHA}/2021/report.html",
                                         f"{ALPHA}/2022/report.html",
                                         f"{BETA}/2021/report.html"]
    assert r.orgs == {ALPHA: ALPHA_NAME, BETA: BETA_NAME, GAMMA: GAMMA_NAME}
    assert r.years == [2021, 2022]
    assert len(r.cells) == 6
    missing = [(o, y, s) for o, y, s in zip(r.missing["org"], r.missing["year"],
                                            r.missing["status"])]
    assert missing == [(GAMMA, 2021, "no_data"), (BETA, 2022, "not_built"),
                       (GAMMA, 2022, "failed")]
    assert list(r.missing["reason"]) == ["未报送", "未生成", "生成失败"]
    beta22 = r.cells[(r.cells["org"] == BETA) & (r.cells["year"] == 2022)].iloc[0]
    assert bool(beta22["has_data"]) and not bool(beta22["built"])
    # the figures, long
    f = r.figures
    hit = f[(f["org"] == BETA) & (f["id"] == "disclosure.total")]
    assert list(hit["value"]) == [179 * 3]
    # dates and lateness: of the report when built, else of the data file
    late = {(o, y): (d, bool(lt)) for o, y, d, lt in zip(r.cells["org"], r.cells["year"],
                                                        r.cells["report_date"], r.cells["late"])}
    assert late[(ALPHA, 2022)] == ("2023-04-02", True)
    assert late[(ALPHA, 2021)] == ("2021-12-30", False)
    assert late[(BETA, 2022)] == ("2023-05-08", True)  # not built: the data file's date
    assert not late[(GAMMA, 2021)][1]
    assert list(r.reports["docx"]) == [None] * 3
    # groups: region · level, from the latest data file
    assert r.groups == [("甲市 · 部门", [ALPHA, GAMMA]), (BETA_REGION, [BETA])]
    dept = r.departments.set_index("org")
    assert dept.loc[ALPHA, "region"] == "甲市" and dept.loc[ALPHA, "level"] == "部门"
    assert dept.loc[BETA, "group"] == BETA_REGION


def test_late():
    assert lr.is_late(2022, "2023-04-02") and lr.is_late(2022, "2024-01-01")
    assert not lr.is_late(2022, "2023-04-01")  # on 1 April: not after it
    assert not lr.is_late(2022, "2023-03-31")
    assert not lr.is_late(2022, None) and not lr.is_late(2022, "someday")  # unknown
    import datetime

    assert lr.is_late(2021, datetime.date(2022, 6, 1))


def test_groups_order_and_labels():
    assert lr.group_label("某县", "部门") == "某县 · 部门"
    assert lr.group_label(None, "乡") == "乡" and lr.group_label("某县", None) == "某县"
    assert lr.group_label(None, None) == "未分组"


def test_collect_empty(tmp_path):
    r = lr.collect(tmp_path / "nothing", tmp_path / "nodata")
    assert r.reports.empty and r.missing.empty and r.orgs == {} and r.years == []
    view = lr.RollupView(r, _catalog())
    assert "暂无" in view.overview_html()
    assert "暂无" in view.groups_html()
    assert view.charts_html() == ""


def test_collect_broken_figures(site):
    from lawreport.exceptions import InputError

    data, out = site
    (out / BETA / "2021" / "figures.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="figures.json"):
        lr.collect(out, data)


def _catalog():
    from lawreport.catalog import load_catalog

    return load_catalog([])


def test_fragments(site):
    data, out = site
    index = lr.open_rollup(data, out)
    title = index.title()._repr_html_()
    assert "<h1>法治政府建设年度报告索引</h1>" in title
    assert "3 个部门" in title and "已生成报告 3 份" in title and "缺报 3 项" in title
    assert 'href="index-2022.html"' in title and 'href="index-2021.html"' in title

    overview = index.overview()._repr_html_()
    # per year: expected, submitted, built, late, failed, not built, no data
    assert re.search(r'<th><a href="index-2022.html">2022年</a></th><td>3</td><td>3</td>'
                     r"<td>1</td><td>2</td><td>1</td><td>1</td><td>0</td>", overview)
    assert re.search(r'<th><a href="index-2021.html">2021年</a></th><td>3</td><td>2</td>'
                     r"<td>2</td><td>0</td><td>0</td><td>0</td><td>1</td>", overview)
    missing = overview[overview.index("缺报名单"):overview.index("逾期名单")]
    assert "<b>甲市 · 部门</b>：丙县司法局（未报送）" in missing  # no report: no page
    assert "丙县司法局（生成失败）" in missing and "（未生成）" in missing
    late = overview[overview.index("逾期名单"):]
    assert f"{ALPHA_NAME}</a>（2023-04-02）" in late and "（2023-05-08）" in late

    groups = index.groups()._repr_html_()
    hrefs = re.findall(r'href="([^"]*report.html)"', groups)
    assert hrefs == [f"{ALPHA}/2021/report.html", f"{ALPHA}/2022/report.html",
                     f"{BETA}/2021/report.html"]
    assert all(not h.startswith(("/", "http")) for h in hrefs)
    assert groups.count("查看") == 3
    assert "未生成" in groups and "生成失败" in groups and "未报送" in groups
    assert groups.index("<b>甲市 · 部门</b>") < groups.index("<b>乙市&lt;b&gt;区&lt;/b&gt;</b>")
    # the latest year's key figures, one department per row
    assert "2022年主要数据" in groups and "政务公开信息" in groups and "358" in groups
    assert f'<tr><th><a href="{ALPHA}/index.html">{ALPHA_NAME}</a></th><td class="lr-status">' in groups

    everything = "".join(getattr(index, m)()._repr_html_()
                         for m in ("title", "overview", "groups", "charts"))
    assert "<script" not in everything and "<b>区</b>" not in everything
    assert "乙市&lt;script&gt;alert(1)&lt;/script&gt;司法局" in everything

    charts = index.charts()._repr_html_()
    assert charts.count("data:image/png;base64,") == 1  # reports per year; the rest elsewhere
    assert "各年度报告情况" in charts

    # deterministic: the same inputs, the same bytes
    again = lr.open_rollup(data, out)
    assert again.charts_html() == index.charts_html()
    assert again.groups_html() == index.groups_html()


def test_no_missing(tmp_path, sample_record):
    out = tmp_path / "out"
    _report(out, sample_record, ALPHA, ALPHA_NAME, 2021, 1)
    index = lr.open_rollup(tmp_path / "data", out)
    overview = index.overview_html()
    assert "无缺报。" in overview and "无逾期。" in overview
    # one year has its page too (for the dates, the files and the comparisons)
    assert 'href="index-2021.html"' in index.title_html()
    assert index.charts_html().count("data:image/png;base64,") == 1


def test_the_rollup_notebook_is_thin():
    import ast

    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "rollup.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "lawreport"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    for c in code:
        assert c.outputs == [] and c.execution_count is None
        for node in ast.walk(ast.parse(c.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While))


def test_build_index(site):
    data, out = site
    path = lr.build_index(data, out, notebooks_dir=ROOT / "notebooks")
    assert path == str(out / "index.html")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page
    assert "<title>法治政府建设年度报告索引</title>" in page
    assert "<script" not in page
    assert not re.search(r'(?:src|href)="https?:', page)
    assert "http" not in " ".join(re.findall(r'(?:src|href)="([^"]*)"', page))
    assert ALPHA_NAME in page and "乙市&lt;script&gt;alert(1)&lt;/script&gt;司法局" in page
    assert "data:image/png;base64" in page
    assert f'href="{ALPHA}/2022/report.html"' in page
    assert "依据 3 份报告的 figures.json 生成" in page
    assert str(out) not in page and str(data) not in page  # no absolute paths leak
    assert (out / ".lawreport" / "rollup.ipynb").is_file()
    assert not list(out.glob(".index.html*"))
    # a page per department and per year, linking back
    pages = sorted(str(p.relative_to(out)) for p in out.rglob("index*.html"))
    assert pages == [f"{ALPHA}/index.html", f"{BETA}/index.html",
                     "index-2021.html", "index-2022.html", "index.html"]
    assert not (out / GAMMA).exists()  # no report built, no folder
    for rel in pages:
        text = (out / rel).read_text(encoding="utf-8")
        assert "<script" not in text and "default-src 'none'" in text, rel
        assert str(out) not in text and str(data) not in text, rel
        for href in re.findall(r'href="([^"]*)"', text):
            assert not href.startswith(("/", "http")), (rel, href)
            assert ((out / rel).parent / href).is_file(), (rel, href)
    alpha = (out / ALPHA / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{ALPHA_NAME}</h1>" in alpha and 'href="../index.html"' in alpha
    assert alpha.count("data:image/png;base64,") == 1  # the trend over 2021–2022
    assert "2023-04-02" in alpha and "逾期" in alpha
    first = {p: (out / p).read_bytes() for p in pages}
    lr.build_index(data, out, notebooks_dir=ROOT / "notebooks")
    assert {p: (out / p).read_bytes() for p in pages} == first


def test_build_index_without_notebook(site, tmp_path):
    from lawreport.exceptions import InputError

    data, out = site
    with pytest.raises(InputError, match="rollup.ipynb"):
        lr.build_index(data, out, notebooks_dir=tmp_path)
    assert not (out / "index.html").exists()
