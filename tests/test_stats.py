"""lawreport.stats: breakdown tables, key figures and the figures record."""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
from lawreport import load_catalog
from lawreport.load import load_yaml
from lawreport.stats import breakdown_table, figures_record, figures_table, key_figures
from lawreport.validate import validate_file


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def sample():
    data, findings = load_yaml(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml")
    assert data is not None, findings
    return data


def test_breakdown_table_disclosure(sample, catalog):
    df = breakdown_table(sample, catalog, "disclosure")
    assert len(df) == 6
    assert list(df.columns) == ["类别", "数值", "单位", "占比（%）"]
    assert list(df["类别"]) == ["工作动态", "通知公告", "法规文件及解读", "财政信息",
                               "科技项目管理", "行政权力运行流程图"]
    assert list(df["数值"]) == [118, 19, 10, 7, 6, 8]
    assert df["数值"].sum() == 168  # the parts, not the stated total 179
    assert set(df["单位"]) == {"条"}
    assert abs(df["占比（%）"].sum() - 100) <= 0.5
    assert df["占比（%）"].iloc[0] == 70.2  # 118 / 168 = 70.238… → 70.2
    assert df["占比（%）"].iloc[2] == 6.0  # 10 / 168 = 5.952… → 6.0


def test_breakdown_table_of_percentages_has_no_shares(sample, catalog):
    df = breakdown_table(sample, catalog, "internet_supervision_rates")
    assert list(df["数值"]) == [100, 100, 100]
    assert "占比（%）" not in df.columns


def test_breakdown_table_without_data_is_empty(sample, catalog):
    assert breakdown_table(sample, catalog, "normative_cleanup").empty


def test_figures_table_in_catalogue_order(sample, catalog):
    df = figures_table(sample, catalog)
    assert len(df) == len(sample.figures)
    order = [i for i in catalog.indicators if i in sample.figures]
    assert list(df["id"]) == order
    row = df[df["id"] == "internet_supervision.actions_reported"].iloc[0]
    assert (row["指标"], row["数值"], row["单位"]) == ("报送监管行为", 233, "次")


def test_key_figures(sample, catalog):
    df = key_figures(sample, catalog)
    ids = list(df["id"])
    assert ids  # the sample has key figures
    assert all(catalog.indicators[i].key for i in ids)
    # every key figure present in the data is listed
    assert set(ids) == {i for i, ind in catalog.indicators.items()
                        if ind.key and i in sample.figures}
    values = dict(zip(df["id"], df["数值"]))
    assert values["internet_supervision.actions_reported"] == 233
    assert values["disclosure.total"] == 179
    assert "body_cameras" not in ids  # not a key figure
    assert list(df.index) == list(range(len(df)))


def test_figures_record(sample, catalog):
    _data, _outline, findings = validate_file(sample.path, catalog)
    rec = figures_record(sample, catalog, findings)
    json.dumps(rec, ensure_ascii=False)  # JSON-ready
    assert rec["org"] == {"slug": "yuncheng-kjj", "name": "运城市科学技术局"}
    assert rec["year"] == 2021
    assert rec["report_date"] == "2021-12-30"
    assert rec["figures"]["internet_supervision.actions_reported"]["value"] == 233
    assert rec["figures"]["internet_supervision.actions_reported"]["unit"] == "次"
    d = rec["breakdowns"]["disclosure"]
    assert d["consistent"] is False
    assert d["sum_of_parts"] == 168
    assert d["stated_total"] == 179
    assert d["total"] == "disclosure.total"
    assert d["parts"]["disclosure.work_news"] == 118
    # a breakdown whose parts add up
    e = rec["breakdowns"]["enforcement_certificates"]
    assert (e["stated_total"], e["sum_of_parts"], e["consistent"]) == (10, 10, True)
    # a breakdown with no figures in the data is left out
    assert "normative_cleanup" not in rec["breakdowns"]
    assert [(c["level"], c["field"]) for c in rec["data_check"]] == [
        ("warning", "figures.disclosure.total")]
