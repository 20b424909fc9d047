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


def _data_file(data, org, name, year):
    text = (SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml").read_text(encoding="utf-8")
    text = text.replace(f"  slug: {SAMPLE_ORG}\n", f"  slug: {org}\n", 1)
    text = text.replace("  name: 运城市科学技术局\n", f"  name: {json.dumps(name, ensure_ascii=False)}\n", 1)
    text = text.replace(f"\nyear: {SAMPLE_YEAR}\n", f"\nyear: {year}\n", 1)
    (data / org).mkdir(parents=True, exist_ok=True)
    (data / org / f"{year}.yaml").write_text(text, encoding="utf-8")


def _report(out, record, org, name, year, scale):
    r = copy.deepcopy(record)
    r["org"] = {"slug": org, "name": name}
    r["year"] = year
    for f in r["figures"].values():
        f["value"] = round(f["value"] * scale)
    folder = out / org / str(year)
    folder.mkdir(parents=True)
    (folder / "figures.json").write_text(json.dumps(r, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    (folder / "report.html").write_text("<!DOCTYPE html><html lang=\"zh\"></html>",
                                        encoding="utf-8")


@pytest.fixture
def site(tmp_path, sample_record):
    """alpha 2021+2022 and beta 2021 built; beta 2022 has data but no report;
    gamma has data for 2022 only, whose build failed (so 2021 has no data file)."""
    data, out = tmp_path / "data", tmp_path / "out"
    for org, name, year in [(ALPHA, ALPHA_NAME, 2021), (ALPHA, ALPHA_NAME, 2022),
                            (BETA, BETA_NAME, 2021), (BETA, BETA_NAME, 2022),
                            (GAMMA, GAMMA_NAME, 2022)]:
        _data_file(data, org, name, year)
    _report(out, sample_record, ALPHA, ALPHA_NAME, 2021, 1)
    _report(out, sample_record, ALPHA, ALPHA_NAME, 2022, 2)
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


def test_collect_empty(tmp_path):
    r = lr.collect(tmp_path / "nothing", tmp_path / "nodata")
    assert r.reports.empty and r.missing.empty and r.orgs == {} and r.years == []
    view = lr.RollupView(r, _catalog())
    assert "无缺报" in view.missing_html()
    assert "暂无" in view.overview_html()


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

    overview = index.overview()._repr_html_()
    hrefs = re.findall(r'href="([^"]*)"', overview)
    assert hrefs == [f"{ALPHA}/2021/report.html", f"{ALPHA}/2022/report.html",
                     f"{BETA}/2021/report.html"]
    assert all(not h.startswith(("/", "http")) for h in hrefs)
    assert overview.count("查看") == 3
    assert "未报送" in overview and "未生成" in overview and "生成失败" in overview

    everything = "".join(getattr(index, m)()._repr_html_()
                         for m in ("title", "overview", "key_figures", "charts", "missing"))
    assert "<script" not in everything
    assert "乙市&lt;script&gt;alert(1)&lt;/script&gt;司法局" in everything

    key = index.key_figures()._repr_html_()
    assert "2022年主要数据" in key and "2021年主要数据" in key
    assert key.index("2022年主要数据") < key.index("2021年主要数据")
    assert "政务公开信息" in key and "358" in key and "537" in key

    charts = index.charts()._repr_html_()
    assert charts.count("data:image/png;base64,") == 2
    assert "2022年主要数据部门对比" in charts

    missing = index.missing()._repr_html_()
    assert "2021年：丙县司法局（未报送）" in missing
    assert "2022年：乙市&lt;script&gt;" in missing and "丙县司法局（生成失败）" in missing

    # deterministic: the same inputs, the same bytes
    again = lr.open_rollup(data, out)
    assert again.charts_html() == index.charts_html()
    assert again.overview_html() == index.overview_html()


def test_no_missing(tmp_path, sample_record):
    out = tmp_path / "out"
    _report(out, sample_record, ALPHA, ALPHA_NAME, 2021, 1)
    index = lr.open_rollup(tmp_path / "data", out)
    assert "无缺报" in index.missing_html()


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
    first = (out / "index.html").read_bytes()
    lr.build_index(data, out, notebooks_dir=ROOT / "notebooks")
    assert (out / "index.html").read_bytes() == first


def test_build_index_without_notebook(site, tmp_path):
    from lawreport.exceptions import InputError

    data, out = site
    with pytest.raises(InputError, match="rollup.ipynb"):
        lr.build_index(data, out, notebooks_dir=tmp_path)
    assert not (out / "index.html").exists()
