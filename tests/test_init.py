"""lawreport init: next year's data file from the latest earlier year, or a template.

The draft parses, and validation lists every empty figure with its line (YAML) or
its cell (workbook) until it is filled; an existing file is never overwritten.
"""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest
import yaml

import lawreport
from conftest import SAMPLE_DATA
from lawreport.convert import read_document
from lawreport.draft import init_year

ORG = "demo-sfj"


@pytest.fixture
def data(tmp_path):
    dest = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA / ORG, dest / ORG)
    shutil.copy(SAMPLE_DATA / "catalog.yaml", dest)
    return dest


def _figure_errors(output):
    return re.findall(r"^(\S+?):?(\d+|: \S+!C\d+): error: figures\.(\S+): expected a number, "
                      r"found nothing$", output, re.M)


def test_init_then_validate_lists_each_empty_figure_with_its_line(data, cli):
    proc = cli("init", "--org", ORG, "--year", 2024, "--data", data)
    assert proc.returncode == 0, proc.stderr
    path = data / ORG / "2024.yaml"
    assert proc.stdout.strip() == f"wrote {path}: from {data / ORG / '2023.yaml'}"
    last, _ = read_document(data / ORG / "2023.yaml")
    draft, _ = read_document(path)
    # same outline and text, every figure emptied, this year's year, no stale date
    assert draft["outline"] == last["outline"] and draft["org"] == last["org"]
    assert draft["narrative"] == last["narrative"]
    assert draft["year"] == 2024 and "report_date" not in draft
    assert [fid for fid, _v in draft["figures"]] == [fid for fid, _v in last["figures"]]
    assert all(v is None for _fid, v in draft["figures"])

    proc = cli("validate", path)
    assert proc.returncode == 2
    errors = _figure_errors(proc.stdout)
    assert sorted(fid for _f, _l, fid in errors) == sorted(fid for fid, _v in last["figures"])
    text = path.read_text(encoding="utf-8").splitlines()
    for _file, line, fid in errors:  # each at the line of its empty figure
        assert re.match(rf"\s*{re.escape(fid.rpartition('.')[2])}:\s*(#.*)?$",
                        text[int(line) - 1]), (fid, text[int(line) - 1])
    # only the figures are missing: no other error
    assert proc.stdout.count(": error: ") == len(errors)
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_filled_draft_validates(data, cli):
    init_year(data, ORG, 2024)
    path = data / ORG / "2024.yaml"
    last, _ = read_document(data / ORG / "2023.yaml")
    values = dict(last["figures"])
    lines = []
    in_figures = False
    for line in path.read_text(encoding="utf-8").splitlines():
        in_figures = line == "figures:" or (in_figures and line[:1] in (" ", ""))
        m = re.match(r"(\s+)([\w-]+):(\s*)(#.*)?$", line)
        lines.append(line)
        if in_figures and m and m.group(4):  # an empty figure with its catalogue note
            fid = [f for f in values if f.rpartition(".")[2] == m.group(2)]
            lines[-1] = f"{m.group(1)}{m.group(2)}: 1 {m.group(4)}"
            assert fid
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = cli("validate", path)
    assert ": error: " not in proc.stdout, proc.stdout


def test_init_as_a_workbook_lists_the_empty_cells(data, cli):
    proc = cli("init", "--org", ORG, "--year", 2024, "--data", data, "--format", "xlsx")
    assert proc.returncode == 0, proc.stderr
    path = data / ORG / "2024.xlsx"
    proc = cli("validate", path)
    assert proc.returncode == 2
    found = re.findall(rf"^{re.escape(str(path))}: 数据!C(\d+): error: figures\.(\S+): "
                       r"expected a number, found nothing$", proc.stdout, re.M)
    ws = openpyxl.load_workbook(path)["数据"]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value]
    assert sorted(fid for _r, fid in found) == sorted(ids)
    for row, fid in found:
        assert ws.cell(int(row), 1).value == fid and ws.cell(int(row), 3).value is None
    assert "fix: type the figure in this cell" in proc.stdout


def test_init_drafts_from_the_latest_earlier_year_in_either_format(data):
    from lawreport.convert import convert

    convert(data / ORG / "2023.yaml", "xlsx", data / ORG / "2023.xlsx")
    (data / ORG / "2023.yaml").unlink()
    path, source = init_year(data, ORG, 2025)
    assert source == str(data / ORG / "2023.xlsx") and path.endswith("2025.yaml")
    # a year between earlier ones drafts from the one before it
    path, source = init_year(data, ORG, 2020)
    assert source is None  # nothing earlier than 2020: a template


def test_init_never_overwrites(data, cli):
    before = (data / ORG / "2023.yaml").read_bytes()
    for fmt in ("yaml", "xlsx"):
        proc = cli("init", "--org", ORG, "--year", 2023, "--data", data, "--format", fmt)
        assert proc.returncode == 2
        assert "never overwrites" in proc.stderr and "Traceback" not in proc.stderr
    assert (data / ORG / "2023.yaml").read_bytes() == before
    assert not (data / ORG / "2023.xlsx").exists()


def test_init_without_an_earlier_year_writes_a_template(data, cli):
    proc = cli("init", "--org", "new-dept", "--year", 2024, "--data", data)
    assert proc.returncode == 0, proc.stderr
    assert "a template" in proc.stdout
    path = data / "new-dept" / "2024.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    outline = lawreport.load_outline("gangyao-2021")
    assert raw["outline"] == "gangyao-2021" and raw["org"]["slug"] == "new-dept"
    parts = raw["narrative"]["parts"]
    assert list(parts) == [p.key for p in outline.parts if p.required]
    assert [a["area"] for a in parts["measures"]["areas"]] == \
        [a.key for a in outline.part("measures").areas]
    # the headings are there as comments for the analyst
    assert outline.part("measures").areas[0].heading in path.read_text(encoding="utf-8")
    catalog = lawreport.load_catalog([data / "catalog.yaml"])
    doc, _ = read_document(path)
    assert sorted(fid for fid, _v in doc["figures"]) == sorted(catalog.indicators)
    proc = cli("validate", path)
    assert proc.returncode == 2
    assert "org.name: department name is missing" in proc.stdout
    assert "narrative.preamble: text is missing" in proc.stdout
    assert len(_figure_errors(proc.stdout)) == len(catalog.indicators)


def test_init_template_with_another_outline_and_as_a_workbook(data, cli):
    proc = cli("init", "--org", "new-dept", "--year", 2024, "--data", data,
               "--outline", "yuncheng-2021", "--format", "xlsx")
    assert proc.returncode == 0, proc.stderr
    doc, _ = read_document(data / "new-dept" / "2024.xlsx")
    assert doc["outline"] == "yuncheng-2021"
    proc = cli("init", "--org", "other", "--year", 2024, "--data", data,
               "--outline", "no-such-outline")
    assert proc.returncode == 2 and "--outline" in proc.stderr


@pytest.mark.parametrize("args,fragment", [
    (("--org", "Bad Slug", "--year", "2024"), "invalid department slug"),
    (("--org", "x", "--year", "24"), "out of range"),
])
def test_init_refuses_bad_arguments(args, fragment, data, cli):
    proc = cli("init", *args, "--data", data)
    assert proc.returncode == 2 and fragment in proc.stderr


def test_a_draft_converts_to_a_workbook_and_back_with_its_gaps(data, tmp_path):
    from lawreport.convert import convert

    path, _ = init_year(data, "new-dept", 2024)
    convert(path, "xlsx", tmp_path / "2024.xlsx")
    convert(tmp_path / "2024.xlsx", "yaml", tmp_path / "2024.yaml")
    doc, _ = read_document(path)
    assert doc is not None
    assert read_document(tmp_path / "2024.xlsx")[0] == doc == \
        read_document(tmp_path / "2024.yaml")[0]
