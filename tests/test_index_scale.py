"""The index at the scale of a county (17 departments) and a province (200 × 3 years).

The sites are generated: a tiny catalogue, minimal data files (valid, with
``org.region`` and ``org.level``), and for every built department-year the
``figures.json`` and ``report.html`` the rollup reads, written directly rather
than by running hundreds of notebooks. ``make_site`` is shared with the browser
tests (``tests/test_browser.py``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import ROOT

import lawreport.rollup as lr

YEARS = (2021, 2022, 2023)
REGIONS_9 = ("甲县", "乙县", "丙县", "丁县", "戊县", "己县", "庚县", "辛县", "壬县")
DEPTS = ("司法局", "公安局", "教育局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局",
         "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
         "卫生健康委员会", "应急管理局")
TOWNS = ("城关镇", "东关镇", "西河乡", "南山乡")
CATALOG = """\
# a tiny catalogue for generated sites
indicators:
  scale.cases:       {name: 行政执法案件, unit: 件, kind: count, key: true}
  scale.staff:       {name: 持证执法人员, unit: 人, kind: count, key: true}
  scale.disclosure:  {name: 主动公开政府信息, unit: 条, kind: count, key: true}
  scale.rate:        {name: 行政复议纠错率, unit: "%", kind: percentage, key: true}
  scale.training:    {name: 法治培训, unit: 次, kind: count}
  scale.mediation:   {name: 调解矛盾纠纷, unit: 件, kind: count, key: true}
  scale.inspections: {name: 双随机一公开抽查, unit: 次, kind: count, key: true}
"""
INDICATORS = {  # id → (name, unit, kind, key)
    "scale.cases": ("行政执法案件", "件", "count"),
    "scale.staff": ("持证执法人员", "人", "count"),
    "scale.disclosure": ("主动公开政府信息", "条", "count"),
    "scale.rate": ("行政复议纠错率", "%", "percentage"),
    "scale.training": ("法治培训", "次", "count"),
    "scale.mediation": ("调解矛盾纠纷", "件", "count"),
    "scale.inspections": ("双随机一公开抽查", "次", "count"),
}


def departments(regions, n=None):
    """(slug, region, level, name): per region its 人民政府, 15 departments, 4 towns;
    region None gives departments with neither region nor level."""
    out = []
    for r, region in enumerate(regions):
        prefix = region or "示例市"
        units = ([("政府", f"{prefix}人民政府")] + [("部门", prefix + d) for d in DEPTS]
                 + [("乡", f"{prefix}{t}人民政府") for t in TOWNS])
        for k, (level, name) in enumerate(units):
            out.append((f"d{r:02d}-{k:02d}", region, level if region else None, name))
    return out[:n] if n else out


def default_status(i, year):
    """Deterministic gaps: some departments did not submit, some were not built or failed."""
    j = year - 2000
    if (i * 7 + j) % 23 == 0:
        return "no_data"
    if (i * 5 + j) % 31 == 0:
        return "not_built"
    if (i * 3 + j) % 37 == 0:
        return "failed"
    return "built"


def default_late(i, year):
    return (i + year) % 13 == 0


def figures_of(i, level, year):
    j = year - 2000
    f = {"scale.cases": 10 + (i * 37 + j * 11) % 400,
         "scale.staff": 5 + (i * 13 + j * 3) % 90,
         "scale.disclosure": 50 + (i * 101 + j * 7) % 900,
         "scale.rate": 80 + ((i * 7 + j) % 200) / 10,
         "scale.training": 1 + (i + j) % 12}
    if level == "乡":
        f = {"scale.mediation": 20 + (i * 17 + j) % 300, "scale.training": f["scale.training"]}
    elif i % 3 == 0:
        f["scale.inspections"] = 3 + (i * 29 + j) % 500
    return f


def report_date(i, year, late):
    return f"{year + 1}-04-{10 + i % 15:02d}" if late else f"{year + 1}-02-{10 + i % 18:02d}"


def data_text(slug, region, level, name, year, date, figures):
    lines = ["org:", f"  slug: {slug}", f"  name: {name}"]
    if region:
        lines.append(f"  region: {region}")
    if level:
        lines.append(f"  level: {level}")
    lines += [f"year: {year}", f'report_date: "{date}"', "outline: gangyao-2021", "",
              "figures:", "  scale:"]
    lines += [f"    {fid.split('.')[1]}: {v:g}" for fid, v in figures.items()]
    first = next(iter(figures))
    lines += ["", "narrative:", "  preamble: |-", "    {year} 年，{org.name}法治政府建设情况报告如下：",
              "  parts:"]
    for part, text in (("measures", f"全年{INDICATORS[first][0]} {{{first}}} "
                                    f"{INDICATORS[first][1]}。"),
                       ("shortcomings", "基层法治力量仍显不足。"),
                       ("leadership", "主要负责人履行第一责任人职责。"),
                       ("plan", "下一年度继续推进法治政府建设。")):
        lines += [f"    {part}:", "      areas:", "        - title: 主要情况", "          items:",
                  f"            - {text}"]
    return "\n".join(lines) + "\n"


def record(slug, name, year, date, figures):
    """The ``figures.json`` a build writes (see lawreport.stats.figures_record)."""
    return {"org": {"slug": slug, "name": name}, "year": year, "report_date": date,
            "figures": {fid: {"name": INDICATORS[fid][0], "unit": INDICATORS[fid][1],
                              "kind": INDICATORS[fid][2], "value": v}
                        for fid, v in sorted(figures.items(), key=lambda kv: list(
                            INDICATORS).index(kv[0]))},
            "breakdowns": {}, "data_check": []}


def make_site(root, regions=REGIONS_9 + (None,), n=None, years=YEARS, status=default_status,
              late=default_late, unknown_date=lambda i, year: False, files=lambda i, y: ()):
    """Data and built reports for the departments of ``regions``; returns (data, out, depts).

    ``status(i, year)`` says what became of department ``i`` that year: built,
    no_data, not_built or failed; ``late(i, year)`` whether its report date is
    after 1 April of the next year; ``unknown_date`` whether its figures.json
    carries no date; ``files(i, year)`` which of report.docx / report.pdf exist.
    """
    root = Path(root)
    data, out = root / "data", root / "outputs"
    data.mkdir(parents=True)
    (data / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    depts = departments(regions, n)
    for i, (slug, region, level, name) in enumerate(depts):
        for year in years:
            s = status(i, year)
            if s == "no_data":
                continue
            figures = figures_of(i, level, year)
            date = report_date(i, year, late(i, year))
            (data / slug).mkdir(exist_ok=True)
            (data / slug / f"{year}.yaml").write_text(
                data_text(slug, region, level, name, year, date, figures), encoding="utf-8")
            if s == "failed":
                (out / ".lawreport" / "failed" / slug / str(year)).mkdir(parents=True)
            if s != "built":
                continue
            folder = out / slug / str(year)
            folder.mkdir(parents=True)
            rec = record(slug, name, year, None if unknown_date(i, year) else date, figures)
            (folder / "figures.json").write_text(json.dumps(rec, ensure_ascii=False),
                                                 encoding="utf-8")
            (folder / "report.html").write_text('<!DOCTYPE html><html lang="zh"></html>',
                                                encoding="utf-8")
            for f in files(i, year):
                (folder / f).write_bytes(b"")
    return data, out, depts


def county_status(i, year):
    """The county case: 17 departments × 3 years, 48 reports (one of each kind of gap)."""
    return {(5, 2021): "no_data", (9, 2022): "not_built", (12, 2023): "failed"}.get(
        (i, year), "built")


def make_county(root):
    """17 departments of one county (政府, 15 部门, a town) over 2021–2023: 48 reports,
    two late, Word and PDF beside a few."""
    return make_site(root, regions=("示例县",), n=17, status=county_status,
                     late=lambda i, y: (i, y) in {(3, 2022), (7, 2023)},
                     files=lambda i, y: (("report.docx", "report.pdf") if i < 3 else ()))


# ---------------------------------------------------------------- the generator is honest

def test_generated_data_validate_and_match_a_build(tmp_path):
    """A generated data file is valid, and its record is what a build would write."""
    from lawreport import load_year
    from lawreport.stats import figures_record

    data, out, depts = make_site(tmp_path, regions=("甲县",), n=20)
    for i in (0, 1, 19):  # 政府, a department, a town
        slug, region, level, _name = depts[i]
        loaded = load_year(data, slug, 2022)
        assert (loaded.data.region, loaded.data.level) == (region, level)
        rec = json.loads((out / slug / "2022" / "figures.json").read_text(encoding="utf-8"))
        built = json.loads(json.dumps(figures_record(loaded.data, loaded.catalog,
                                                     loaded.findings), ensure_ascii=False))
        assert rec == built


# ---------------------------------------------------------------- the province

@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """200 departments × 3 years, the index built with charts off: (data, out, depts)."""
    root = tmp_path_factory.mktemp("province")
    data, out, depts = make_site(root, unknown_date=lambda i, y: (i + 2 * y) % 41 == 0)
    lr.build_index(data, out, notebooks_dir=ROOT / "notebooks", charts=False)
    return data, out, depts


def _expected(depts, unknown=lambda i, y: (i + 2 * y) % 41 == 0):
    """Per year: the counts the overview must show, computed from the generator's rules."""
    rows = {}
    for year in YEARS:
        n = dict(expected=len(depts), submitted=0, built=0, late=0, failed=0, not_built=0,
                 no_data=0)
        for i in range(len(depts)):
            s = default_status(i, year)
            n[s] += 1
            if s != "no_data":
                n["submitted"] += 1
                # a built report's date comes from figures.json, which may not carry one
                n["late"] += default_late(i, year) and not (s == "built" and unknown(i, year))
        rows[year] = n
    return rows


def test_province_size_groups_and_overview(province):
    data, out, depts = province
    assert len(depts) == 200
    page = (out / "index.html").read_text(encoding="utf-8")
    size = len(page.encode("utf-8"))
    # 600 department-years (and at most 30 KB more with the index's one chart)
    assert size < 270_000, size
    # groups: 9 counties × (政府, 部门, 乡) and the ungrouped, in that order, folded
    summaries = re.findall(r'<details class="lr-group" id="lr-g\d+"><summary><b>([^<]*)</b>',
                           page)
    assert summaries == [f"{r} · {lv}" for r in REGIONS_9 for lv in ("政府", "部门", "乡")] \
        + ["未分组"]
    assert 'id="lr-g1" open' not in page  # a province's groups start folded
    # the overview: per year expected, submitted, built, late, failed, not built, no data
    want = _expected(depts)
    table = page[page.index("<caption>报告情况</caption>"):]
    table = table[:table.index("</table>")]
    for year in YEARS:
        row = re.search(rf'<th><a href="index-{year}.html">{year}年</a></th>(.*?)</tr>',
                        table).group(1)
        got = [int(v) for v in re.findall(r"<td>(\d+)</td>", row)]
        n = want[year]
        assert got == [n["expected"], n["submitted"], n["built"], n["late"], n["failed"],
                       n["not_built"], n["no_data"]], (year, got, n)
    assert all(want[y]["no_data"] and want[y]["late"] and want[y]["failed"] for y in YEARS)
    # who is missing is listed, by group, with the reason
    i = next(i for i in range(200) if default_status(i, 2022) == "no_data")
    slug, _region, _level, name = depts[i]
    missing = page[page.index("<h3>缺报名单</h3>"):page.index("<h3>逾期名单</h3>")]
    assert any(default_status(i, y) == "built" for y in YEARS)
    assert f'<a href="{slug}/index.html">{name}</a>（未报送）' in missing
    assert "2022年：缺报" in missing


def test_province_tables_put_departments_in_rows(province):
    data, out, depts = province
    page = (out / "index.html").read_text(encoding="utf-8")
    groups = re.findall(r'<details class="lr-group".*?</details>', page, re.S)
    town = next(g for g in groups if "<b>甲县 · 乡</b>" in g)
    dept = next(g for g in groups if "<b>甲县 · 部门</b>" in g)
    # one table, one row per department: its reports by year, then the latest key figures
    towns = [i for i, d in enumerate(depts) if d[0].startswith("d00-") and d[2] == "乡"]
    assert len(towns) == 4 and town.count("<table") == 1
    assert town.count('<tr><th><a href="d00-') == len(towns)
    assert ('<th rowspan="2">部门</th><th colspan="3">报告</th><th colspan="1">2023年主要数据'
            "</th></tr><tr><th>2021年</th><th>2022年</th><th>2023年</th><th>调解矛盾纠纷") in town
    assert '<th colspan="5">2023年主要数据</th>' in dept
    # only the indicators some department of the group reports
    assert "调解矛盾纠纷" in town and "行政执法案件" not in town
    assert "调解矛盾纠纷" not in dept and "行政执法案件" in dept and "双随机一公开抽查" in dept
    assert "法治培训" not in page  # not a key figure
    # every table scrolls sideways in its own box
    assert page.count('<div class="lr-scroll">') == page.count("<table")


def test_province_pages_link_both_ways(province):
    data, out, depts = province
    index = (out / "index.html").read_text(encoding="utf-8")
    for year in YEARS:
        assert f'href="index-{year}.html"' in index
        page = (out / f"index-{year}.html").read_text(encoding="utf-8")
        assert 'href="index.html"' in page
        assert len(page.encode()) < 300_000
        for other in YEARS:
            assert (f'href="index-{other}.html"' in page) == (other != year)
    slug, *_ = depts[1]
    dept = (out / slug / "index.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in dept
    for year in YEARS:
        assert f'href="../index-{year}.html"' in dept
        assert f'href="{slug}/index.html"' in (out / f"index-{year}.html").read_text("utf-8")
        if default_status(1, year) == "built":
            assert f'href="../{slug}/{year}/report.html"' in dept
    assert f'href="{slug}/index.html"' in index
    # every department with a report has its page, every link of the index points to a file
    with_report = {d[0] for i, d in enumerate(depts)
                   if any(default_status(i, y) == "built" for y in YEARS)}
    assert len(with_report) == 200
    assert all((out / s / "index.html").is_file() for s in with_report)
    for href in set(re.findall(r'href="([^"]*)"', index)):
        assert (out / href).is_file(), href


def test_province_rollup_is_incremental(province):
    data, out, depts = province

    def state():
        return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*")
                if p.is_file() and ".lawreport" not in p.parts}

    before = state()
    lr.build_index(data, out, notebooks_dir=ROOT / "notebooks", charts=False)
    assert state() == before  # nothing rewritten
    # one department's 2023 figures change: its page, the index, the 2023 page; nothing else
    slug = next(s for i, (s, *_r) in enumerate(depts) if default_status(i, 2023) == "built")
    fj = out / slug / "2023" / "figures.json"
    rec = json.loads(fj.read_text(encoding="utf-8"))
    rec["figures"]["scale.staff"]["value"] += 1
    fj.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    lr.build_index(data, out, notebooks_dir=ROOT / "notebooks", charts=False)
    after = state()
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert changed == sorted([f"{slug}/2023/figures.json", f"{slug}/index.html",
                              "index-2023.html", "index.html"])


def test_the_batch_index_key_sees_what_the_pages_show(tmp_path):
    """A region, a Word file, a failed build change the key; an unchanged site does not."""
    from lawreport.batch import index_key

    data, out, depts = make_county(tmp_path)
    nbs = ROOT / "notebooks"
    key = index_key(str(data), str(out), str(nbs), [])
    assert index_key(str(data), str(out), str(nbs), []) == key
    slug = depts[4][0]
    path = data / slug / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("region: 示例县", "region: 另一县"),
                    encoding="utf-8")
    key2 = index_key(str(data), str(out), str(nbs), [])
    assert key2 != key
    (out / slug / "2023" / "report.pdf").write_bytes(b"")
    key3 = index_key(str(data), str(out), str(nbs), [])
    assert key3 != key2
    (out / ".lawreport" / "failed" / depts[12][0] / "2023").mkdir(parents=True, exist_ok=True)
    assert index_key(str(data), str(out), str(nbs), []) == key3  # already failed: same
    (out / ".lawreport" / "failed" / depts[9][0] / "2022").mkdir(parents=True)  # not built
    assert index_key(str(data), str(out), str(nbs), []) != key3  # → failed


# ---------------------------------------------------------------- the county

@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """17 departments × 3 years, 48 reports, built with charts: (data, out, depts)."""
    data, out, depts = make_county(tmp_path_factory.mktemp("county"))
    lr.build_index(data, out, notebooks_dir=ROOT / "notebooks")
    return data, out, depts


def test_county_index(county):
    data, out, depts = county
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "共 17 个部门、3 个年度（2021—2023年）；已生成报告 48 份，缺报 3 项。" in page
    # a county's groups are unfolded: 政府, 部门, 乡
    assert re.findall(r'<details class="lr-group" id="lr-g\d+" open=""><summary><b>([^<]*)</b>',
                      page) == ["示例县 · 政府", "示例县 · 部门", "示例县 · 乡"]
    missing = page[page.index("<h3>缺报名单</h3>"):page.index("<h3>逾期名单</h3>")]
    assert f"{depts[5][3]}</a>（未报送）" in missing and "2021年：缺报 1 个部门" in missing
    assert f"{depts[9][3]}</a>（未生成）" in missing
    assert f"{depts[12][3]}</a>（生成失败）" in missing
    late = page[page.index("<h3>逾期名单</h3>"):]
    assert f"{depts[3][3]}</a>（2023-04-13）" in late
    assert f"{depts[7][3]}</a>（2024-04-17）" in late
    assert page.count('<span class="lr-late">逾期</span>') == 2
    assert page.count("data:image/png;base64,") == 1  # the reports per year; no more
    assert "<script" not in page


def test_county_department_page(county):
    data, out, depts = county
    slug, _region, _level, name = depts[1]
    page = (out / slug / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{name}</h1>" in page and "示例县 · 部门" in page
    for year in YEARS:
        assert f'href="../{slug}/{year}/report.html"' in page
        assert f'href="../{slug}/{year}/report.docx"' in page
        assert f'href="../{slug}/{year}/report.pdf"' in page
    assert "主要数据" in page and "行政执法案件（件）" in page
    assert page.count("data:image/png;base64,") == 1  # the trend
    # without Word or PDF files, no such columns
    other = (out / depts[4][0] / "index.html").read_text(encoding="utf-8")
    assert "report.docx" not in other and "<th>Word</th>" not in other


def test_county_year_page_compares_departments(county):
    data, out, depts = county
    page = (out / "index-2023.html").read_text(encoding="utf-8")
    assert "<h1>2023年度报告一览</h1>" in page
    # 16 department-level figures compared, fewer than 30: all shown, and said
    assert "2023年行政执法案件（件）：15 个部门对比" in page
    # one chart per key figure at least two departments report (not 调解矛盾纠纷: one town)
    assert page.count("data:image/png;base64,") == 5


def test_comparison_keeps_top_and_bottom():
    from lawreport.index_charts import comparison_png, extremes

    items = [(f"部门{i:03d}", float(i % 97)) for i in range(200)]
    top, bottom, omitted = extremes(items)
    assert len(top) == len(bottom) == 15 and omitted == 170
    assert [v for _n, v in top] == sorted((v for _n, v in items), reverse=True)[:15]
    assert [v for _n, v in bottom] == sorted(v for _n, v in items)[:15][::-1]
    few = extremes(items[:30])
    assert len(few[0]) == 30 and few[1:] == ([], 0)
    png = comparison_png(items, "行政执法案件（件）")
    assert png.startswith(b"\x89PNG") and len(png) < 40_000
    assert comparison_png(items, "行政执法案件（件）") == png


def test_a_year_page_says_when_it_leaves_departments_out(tmp_path):
    data, out, depts = make_site(tmp_path, regions=("甲县", "乙县"), status=lambda i, y: "built",
                                 years=(2023,))
    view = lr.open_rollup(data, out)
    # a single year has its page too: the comparisons are there, not on the index
    assert 'href="index-2023.html"' in view.title_html()
    assert view.charts_html().count("data:image/png;base64,") == 1
    charts = "".join(view.pages.year_fragments(2023))
    assert ("2023年主动公开政府信息（条）：数值最高的 15 个部门与最低的 15 个部门"
            "（共 32 个部门，中间 2 个未列出）") in charts
    assert "2023年调解矛盾纠纷（件）：8 个部门对比" in charts


def test_a_department_gone_takes_its_page(tmp_path):
    data, out, depts = make_site(tmp_path, regions=("甲县",), n=5)
    nbs = ROOT / "notebooks"
    lr.build_index(data, out, notebooks_dir=nbs, charts=False)
    slug = depts[4][0]
    assert (out / slug / "index.html").is_file()
    import shutil

    shutil.rmtree(data / slug)
    shutil.rmtree(out / slug / "2021")
    shutil.rmtree(out / slug / "2022")
    shutil.rmtree(out / slug / "2023")
    lr.build_index(data, out, notebooks_dir=nbs, charts=False)
    assert not (out / slug).exists()  # its page, then its empty folder
    assert slug not in (out / "index.html").read_text(encoding="utf-8")
    assert os.listdir(out / depts[0][0])  # the others stay


def test_five_hundred_departments_in_one_year_stay_small(tmp_path):
    """The other shape of 500 department-years: one year, every department on the index."""
    from lawreport.index_pages import page_html

    regions = tuple(f"第{i:02d}县" for i in range(25))
    data, out, depts = make_site(tmp_path, regions=regions, years=(2023,),
                                 status=lambda i, y: "built")
    view = lr.open_rollup(data, out)
    assert len(view.rollup.reports) == len(depts) == 500
    page = page_html([view.title_html(), view.overview_html(), view.groups_html(),
                      view.charts_html()], title=lr.INDEX_TITLE, provenance_line="")
    assert page.count('<tr><th><a href="d') == 500  # a row per department
    assert len(page.encode("utf-8")) < 300_000, len(page.encode("utf-8"))
