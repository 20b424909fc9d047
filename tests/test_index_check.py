"""The reviewer's view in the index: each report's check findings by severity, linked to
the check.html beside it (the counts come from the check.json a build writes)."""

from __future__ import annotations

import json
import re

import lawreport.rollup as lr
from conftest import ROOT
from test_index_scale import make_site


def test_index_links_each_report_to_its_check_page(tmp_path):
    data, out, depts = make_site(tmp_path, regions=("示例县",), n=3, years=(2022, 2023))
    slug = next(d[0] for d in depts if (out / d[0] / "2023" / "figures.json").is_file())
    folder = out / slug / "2023"
    (folder / "check.json").write_text(json.dumps(
        {"org": slug, "year": 2023, "counts": {"error": 1, "warning": 2, "info": 3},
         "total": 6, "page": "check.html", "findings": []}), encoding="utf-8")
    (folder / "check.html").write_text('<!DOCTYPE html><html lang="zh"></html>',
                                       encoding="utf-8")
    lr.build_index(data, out, notebooks_dir=ROOT / "notebooks", charts=False)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{slug}/2023/check.html">核查 1/2/3</a>' in index
    year = (out / "index-2023.html").read_text(encoding="utf-8")
    assert f'<a href="{slug}/2023/check.html">错误 1 · 警告 2 · 提示 3</a>' in year
    dept = (out / slug / "index.html").read_text(encoding="utf-8")
    assert '<a href="../' + slug + '/2023/check.html">错误 1 · 警告 2 · 提示 3</a>' in dept
    # a report without a review shows none, and every link resolves
    for page in (out / "index.html", out / "index-2023.html", out / slug / "index.html"):
        for href in re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8")):
            assert (page.parent / href).resolve().exists(), (page, href)
    # a changed review reaches the pages
    (folder / "check.json").write_text(json.dumps(
        {"org": slug, "year": 2023, "counts": {"error": 0, "warning": 0, "info": 1},
         "total": 1, "page": "check.html", "findings": []}), encoding="utf-8")
    lr.build_index(data, out, notebooks_dir=ROOT / "notebooks", charts=False)
    assert "核查 0/0/1" in (out / "index.html").read_text(encoding="utf-8")
