"""lawreport.load: the sample data file → YearData, with the line of every field."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

import lawreport
from conftest import SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
from lawreport.load import data_files, load_yaml

SAMPLE_FILE = SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"


@pytest.fixture(scope="module")
def sample():
    data, findings = load_yaml(SAMPLE_FILE)
    assert findings == []
    assert data is not None
    return data


@pytest.fixture(scope="module")
def sample_lines():
    return SAMPLE_FILE.read_text(encoding="utf-8").splitlines()


def _flatten(tree, prefix=""):
    out = {}
    for key, value in tree.items():
        fid = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, fid + "."))
        else:
            out[fid] = value
    return out


def _line_after(lines, *needles):
    """1-based number of the line holding the last needle, each searched after the previous."""
    start = 0
    for needle in needles:
        start = next(i for i in range(start, len(lines)) if needle in lines[i]) + 1
    return start


def test_identity(sample):
    assert sample.org_slug == "yuncheng-kjj"
    assert sample.org_name == "运城市科学技术局"
    assert sample.year == 2021 and isinstance(sample.year, int)
    assert sample.outline == "yuncheng-2021"
    assert sample.title is None  # the outline gives the default title
    assert sample.signature is None  # defaults to org.name


def test_report_date_is_a_date(sample):
    assert type(sample.report_date) is dt.date
    assert sample.report_date == dt.date(2021, 12, 30)


def test_figures_flattened_to_dotted_ids(sample):
    f = sample.figures
    assert f["internet_supervision.actions_reported"] == 233
    assert f["disclosure.total"] == 179
    assert f["disclosure.work_news"] == 118
    assert f["body_cameras"] == 3
    assert f["litigation.cases"] == 0
    assert f["internet_supervision.claim_rate"] == 100
    # counts stay whole numbers, not floats
    assert isinstance(f["internet_supervision.actions_reported"], int)
    # exactly the leaves of the YAML 'figures' tree, nothing more, nothing less
    raw = yaml.safe_load(SAMPLE_FILE.read_text(encoding="utf-8"))["figures"]
    assert f == _flatten(raw)


def test_parts_areas_items(sample):
    assert list(sample.parts) == ["measures", "shortcomings", "leadership", "plan"]
    counts = {k: (len(p.areas), sum(len(a.items) for a in p.areas))
              for k, p in sample.parts.items()}
    assert counts == {"measures": (8, 27), "shortcomings": (3, 3), "leadership": (3, 3),
                      "plan": (5, 7)}
    measures = sample.parts["measures"]
    assert [a.key for a in measures.areas] == [
        "functions", "institutions", "decisions", "enforcement", "oversight",
        "legal_education", "capacity", "organization"]
    assert all(a.title is None for a in measures.areas)
    assert [a.title for a in sample.parts["shortcomings"].areas] == [
        "依法行政意识有待提高", "执法队伍建设有待加强", "普法宣传形式有待丰富"]
    assert measures.intro is None
    assert sample.parts["leadership"].intro is not None
    assert sample.parts["plan"].intro.text.startswith("{next_year} 年")


def test_texts_keep_placeholders(sample):
    """Loading does not fill in placeholders: that is the narrative stage's job."""
    functions = sample.parts["measures"].areas[0]
    assert "{internet_supervision.actions_reported}" in functions.items[4].text
    assert "{year}" in sample.preamble.text
    assert not sample.preamble.text.endswith("\n")  # '|-' block: no trailing newline


def test_line_numbers(sample, sample_lines):
    total_line = _line_after(sample_lines, "  disclosure:", "total:")
    assert "179" in sample_lines[total_line - 1]
    assert sample.line_of("figures.disclosure.total") == total_line
    assert sample.line_of("figures.internet_supervision.actions_reported") == _line_after(
        sample_lines, "actions_reported:")
    assert sample.line_of("year") == _line_after(sample_lines, "year: 2021")
    assert sample.line_of("org.slug") == _line_after(sample_lines, "slug: yuncheng-kjj")
    # a field without its own line falls back to its nearest parent
    assert sample.line_of("figures.disclosure.nonexistent") == _line_after(
        sample_lines, "  disclosure:")
    # items carry the line of their text
    first = sample.parts["measures"].areas[0].items[0]
    assert first.line == _line_after(sample_lines, "- area: functions", "- |-")
    assert sample.parts["measures"].line == _line_after(sample_lines, "    measures:")


def test_data_files_lists_org_year_files(tmp_path, sample_copy):
    (sample_copy / "notes.txt").write_text("not data")
    (sample_copy / SAMPLE_ORG / "draft.yaml").write_text("org: {}")
    assert data_files(sample_copy) == [str(sample_copy / SAMPLE_ORG / "2021.yaml")]
    assert data_files(tmp_path / "absent") == []


def test_load_year_api():
    loaded = lawreport.load_year(SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR)
    assert loaded.data.figures["internet_supervision.actions_reported"] == 233
    assert loaded.outline.name == "yuncheng-2021"
    assert "internet_supervision.actions_reported" in loaded.catalog.indicators
    assert [(f.level, f.field) for f in loaded.findings] == [
        ("warning", "figures.disclosure.total")]


def test_load_year_refuses_unsafe_slug():
    with pytest.raises(lawreport.InputError):
        lawreport.load_year(SAMPLE_DATA, "../data", SAMPLE_YEAR)
