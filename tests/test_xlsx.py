"""Excel workbooks as data files (lawreport.xlsx) and lawreport convert.

- yaml → xlsx → yaml gives the same data for every sample file, and the report built
  from the workbook is the report built from the YAML file;
- a workbook's findings name the sheet and the cell (``2021.xlsx: 数据!C14: …``) with
  a fix, and the shared checks (catalogue, outline, placeholders) apply unchanged;
- bad workbooks (not a zip, encrypted, old .xls, a formula without a value or with an
  error, merged cells, an extra or missing sheet, a date, text or a percentage where a
  number should be) are refused: exit 2, a located message and a fix, no traceback,
  nothing written.
"""

from __future__ import annotations

import datetime as dt
import pickle
import re
import shutil
import zipfile

import openpyxl
import pytest

import lawreport
from conftest import ROOT, SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
from lawreport.convert import convert, read_document
from lawreport.findings import Cell, Finding
from lawreport.load import data_files, load_data
from lawreport.xlsx import SHEETS, read_xlsx

SAMPLES = sorted(SAMPLE_DATA.glob("*/*.yaml"), key=str)


def _model(data):
    """A YearData as plain values, without its file and positions."""
    import dataclasses

    def plain(o):
        if dataclasses.is_dataclass(o):
            return {k: plain(v) for k, v in vars(o).items()
                    if k not in ("line", "lines", "path")}
        if isinstance(o, dict):
            return {k: plain(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [plain(v) for v in o]
        return o

    return plain(data)


@pytest.fixture
def workbook(tmp_path):
    """The sample 2021 as a workbook in a data folder of its own: its path."""
    dest = tmp_path / "data" / SAMPLE_ORG / f"{SAMPLE_YEAR}.xlsx"
    dest.parent.mkdir(parents=True)
    convert(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", "xlsx", dest)
    return dest


def _row_of(ws, column, value):
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, column).value == value:
            return row
    raise AssertionError(f"{value} not in {ws.title}")


# -- round trip --------------------------------------------------------------------------


@pytest.mark.parametrize("src", SAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_yaml_to_xlsx_to_yaml_keeps_the_data(src, tmp_path):
    xlsx = tmp_path / "x" / src.parent.name / f"{src.stem}.xlsx"
    back = tmp_path / "y" / src.parent.name / f"{src.stem}.yaml"
    convert(src, "xlsx", xlsx)
    convert(xlsx, "yaml", back)
    original, _ = read_document(src)
    assert read_document(xlsx)[0] == original
    assert read_document(back)[0] == original
    models = [load_data(p) for p in (src, xlsx, back)]
    assert all(m is not None for m, _f in models), [f for _m, fs in models for f in fs]
    assert _model(models[0][0]) == _model(models[1][0]) == _model(models[2][0])


def test_the_workbook_is_reproducible_and_laid_out_for_analysts(tmp_path):
    src = SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"
    convert(src, "xlsx", tmp_path / "a.xlsx")
    convert(src, "xlsx", tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == list(SHEETS)
    assert "lawreport convert" in "\n".join(str(c.value) for c in wb["说明"]["A"])
    data = wb["数据"]
    assert [c.value for c in data[1]] == ["id", "指标", "数值", "单位", "说明"]
    row = _row_of(data, 1, "disclosure.total")
    assert data.cell(row, 3).value == 179 and data.cell(row, 3).data_type == "n"
    assert data.cell(row, 2).value == "政务公开信息" and data.cell(row, 4).value == "条"
    # number cells are validated as numbers in Excel itself
    (dv,) = data.data_validations.dataValidation
    assert dv.type == "decimal" and "C2" in str(dv.sqref)
    text = wb["正文"]
    assert [c.value for c in text[1]] == ["part", "area", "title", "role", "lead", "text"]
    assert text.cell(2, 4).value == "preamble"
    assert text.cell(2, 6).alignment.wrap_text


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    doc, _ = read_document(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml")
    doc["narrative"]["preamble"] = "=SUM(A1:A3) 不是公式\n\n第二段 "
    from lawreport.convert import write_document

    write_document(doc, tmp_path / "a.xlsx", "xlsx")
    assert read_document(tmp_path / "a.xlsx")[0] == doc


def test_the_same_report_from_either_file(tmp_path):
    """The report built from the workbook is the report built from the YAML file: the
    same bytes but for the data file's name, its hash and where a warning points."""
    src = SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"
    reports = {}
    for fmt in ("yaml", "xlsx"):
        data = tmp_path / fmt / "data"
        (data / SAMPLE_ORG).mkdir(parents=True)
        dest = data / SAMPLE_ORG / f"{SAMPLE_YEAR}.{fmt}"
        if fmt == "yaml":
            shutil.copy(src, dest)
        else:
            convert(src, "xlsx", dest)
        out = tmp_path / fmt / "outputs"
        lawreport.build(data, SAMPLE_ORG, SAMPLE_YEAR, out, notebooks_dir=ROOT / "notebooks")
        reports[fmt] = (out / SAMPLE_ORG / str(SAMPLE_YEAR) / "report.html").read_text(
            encoding="utf-8")

    def neutral(html):
        html = re.sub(r"2021\.(?:yaml|xlsx)(?: 第 \d+ 行| 第 [^\s!]+![A-Z]+\d+ 行"
                      r"|:? [^\s!]+![A-Z]+\d+|:\d+)?", "DATA", html)
        return re.sub(r"[0-9a-f]{64}|[0-9a-f]{12}…?", "HASH", html)

    assert "运城市科学技术局" in reports["xlsx"]
    assert "报送监管行为 233 次" in reports["xlsx"]
    assert neutral(reports["yaml"]) == neutral(reports["xlsx"])


# -- discovery ---------------------------------------------------------------------------


def test_batch_discovery_and_data_path_find_workbooks(workbook):
    data = workbook.parent.parent
    assert data_files(data) == [str(workbook)]
    assert lawreport.api.data_path(data, SAMPLE_ORG, SAMPLE_YEAR) == str(workbook)
    from lawreport.batch import select

    assert select(data) == [(SAMPLE_ORG, SAMPLE_YEAR)]


def test_one_year_in_two_files_is_an_error(workbook, cli, tmp_path):
    shutil.copy(SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml", workbook.parent)
    data = workbook.parent.parent
    for args in (("validate", data), ("validate", workbook.parent),
                 ("build", "--data", data, "--out", tmp_path / "out")):
        proc = cli(*args)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "2021.xlsx" in proc.stderr and "2021.yaml" in proc.stderr
        assert "keep one" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
    with pytest.raises(lawreport.InputError, match="keep one"):
        lawreport.api.data_path(data, SAMPLE_ORG, SAMPLE_YEAR)


# -- located findings --------------------------------------------------------------------


def test_a_cell_prints_as_sheet_and_cell_and_survives_pickling():
    c = Cell("数据", "C14", 2)
    f = Finding("error", "2021.xlsx", c, "figures.x", "bad", "fix it")
    assert f.format().startswith("2021.xlsx: 数据!C14: error: figures.x: bad")
    assert pickle.loads(pickle.dumps(f)) == f
    assert f.to_dict()["line"] == "数据!C14"
    assert sorted([Cell("正文", "A2", 3), c, Cell("数据", "B14", 2)]) == [
        Cell("数据", "B14", 2), c, Cell("正文", "A2", 3)]


def test_text_in_a_number_cell_exits_2_naming_the_sheet_and_cell(workbook, cli):
    wb = openpyxl.load_workbook(workbook)
    ws = wb["数据"]
    row = _row_of(ws, 1, "body_cameras")
    ws.cell(row, 3).value = "三台"
    wb.save(workbook)
    proc = cli("validate", workbook)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    head = f"{workbook}: 数据!C{row}: error: figures.body_cameras: expected a number, " \
           "the cell holds text '三台'"
    lines = proc.stdout.splitlines()
    i = next(i for i, t in enumerate(lines) if t.startswith(head))
    assert lines[i + 1].startswith("    fix: type the figure as a number")
    assert "Traceback" not in proc.stdout + proc.stderr
    # the placeholder using it is not reported a second time
    assert "{body_cameras}" not in proc.stdout
    _build_refused(workbook, cli, workbook.parent.parent.parent / "out")


def _edit(path, change):
    wb = openpyxl.load_workbook(path)
    where = change(wb)
    wb.save(path)
    return where


def _set(sheet, col, key, value, *, key_col=1, fmt=None):
    def change(wb):
        ws = wb[sheet]
        row = _row_of(ws, key_col, key)
        ws.cell(row, col).value = value
        if fmt:
            ws.cell(row, col).number_format = fmt
        return f"{sheet}!{ws.cell(row, col).coordinate}"
    return change


def _rename_figure(fid, new):
    """Rename a figure's id; its findings point at its value's cell."""
    def change(wb):
        ws = wb["数据"]
        row = _row_of(ws, 1, fid)
        ws.cell(row, 1).value = new
        return f"数据!C{row}"
    return change


def _text_row(part, area=None):
    def find(ws):
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, 1).value == part and (area is None or
                                                  ws.cell(row, 2).value == area):
                return row
        raise AssertionError(part)
    return find


def _set_text(col, value, part="measures"):
    def change(wb):
        ws = wb["正文"]
        row = _text_row(part)(ws)
        ws.cell(row, col).value = value
        return f"正文!{ws.cell(row, col).coordinate}"
    return change


def _merge(wb):
    ws = wb["数据"]
    row = _row_of(ws, 1, "body_cameras")
    ws.merge_cells(start_row=row, start_column=3, end_row=row + 1, end_column=3)
    return f"数据!C{row}"


def _extra_sheet(wb):
    wb.create_sheet("汇总")


def _drop_sheet(wb):
    del wb["数据"]


def _formula(wb):
    ws = wb["数据"]
    row = _row_of(ws, 1, "body_cameras")
    ws.cell(row, 3).value = "=1+2"
    return f"数据!C{row}"


def _header(wb):
    wb["数据"]["C1"].value = "值"
    return "数据!C1"


#: (case, change, expected location or None, message fragment, field)
CELL_CASES = [
    ("text-number", _set("数据", 3, "body_cameras", "'12"), "expected a number, the cell "
     "holds text", "figures.body_cameras"),
    ("number-as-text", _set("数据", 3, "body_cameras", "12"), "the cell holds text '12'",
     "figures.body_cameras"),
    ("percent-text", _set("数据", 3, "internet_supervision.claim_rate", "100%"),
     "the cell holds text '100%'", "figures.internet_supervision.claim_rate"),
    ("date-number", _set("数据", 3, "body_cameras", dt.datetime(2021, 3, 5),
                         fmt="yyyy-mm-dd"), "the cell holds a date (2021-03-05)",
     "figures.body_cameras"),
    ("percent-format", _set("数据", 3, "internet_supervision.claim_rate", 1, fmt="0%"),
     "formatted as a percentage", "figures.internet_supervision.claim_rate"),
    ("bool-number", _set("数据", 3, "body_cameras", True), "the cell holds TRUE",
     "figures.body_cameras"),
    ("empty-number", _set("数据", 3, "body_cameras", None), "expected a number, found "
     "nothing", "figures.body_cameras"),
    ("count-fraction", _set("数据", 3, "body_cameras", 2.5), "not a whole number",
     "figures.body_cameras"),
    ("unknown-figure", _rename_figure("body_cameras", "body_camera"), "unknown figure "
     "'body_camera'", "figures.body_camera"),
    ("duplicate-figure", _set("数据", 1, "disclosure.notices", "disclosure.total"),
     "given twice", "figures.disclosure.total"),
    ("year-text", _set("基本信息", 2, "year", "2021"), "the cell holds text '2021'", "year"),
    ("year-wrong", _set("基本信息", 2, "year", 2020), "contradicts the file name 2021.xlsx",
     "year"),
    ("slug-missing", _set("基本信息", 2, "org.slug", None), "slug is missing", "org.slug"),
    ("date-impossible", _set("基本信息", 2, "report_date", "2021-02-30"),
     "not a date of the calendar", "report_date"),
    ("date-number-cell", _set("基本信息", 2, "report_date", 44560),
     "expected a date, the cell holds the number 44560", "report_date"),
    ("unknown-field", _set("基本信息", 1, "title", "titel"), "unknown field 'titel'",
     "titel"),
    ("outline-unknown", _set("基本信息", 2, "outline", "yuncheng-2012"), "outline",
     "outline"),
    ("area-unknown", _set_text(2, "function"), "area 'function' is not in part",
     "narrative.parts.measures.areas.0.area"),
    ("placeholder-unknown", _set_text(6, "共 {body_camera} 台"), "names an unknown figure",
     "narrative.parts.measures.areas.0.items.0"),
    ("role-unknown", _set_text(4, "para"), "unknown role 'para'", ""),
    ("part-unknown", _set_text(1, "measure"), "part 'measure' is not in outline",
     "narrative.parts.measure"),
    ("formula-no-value", _formula, "the formula =1+2 has no computed value",
     "figures.body_cameras"),
    ("merged", _merge, "are merged", ""),
    ("header", _header, "the header of sheet 数据", ""),
]


@pytest.mark.parametrize("case,change,fragment,field", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_a_bad_cell_is_reported_at_its_sheet_and_cell(case, change, fragment, field,
                                                      workbook, cli, tmp_path):
    where = _edit(workbook, change)
    catalog = lawreport.load_catalog()
    data, _outline, findings = lawreport.validate_file(workbook, catalog)
    assert data is None
    hits = [f for f in findings if fragment in f.message and f.level == "error"]
    assert hits, "\n".join(f.format() for f in findings)
    f = hits[0]
    assert f.field == field and f.hint
    if where is not None:
        assert str(f.line) == where, f.format()
    # YAML wording never reaches a workbook's user
    for g in findings:
        assert not re.search(r"after '[\w.]+:'|indent|\.yaml\b|remove the quotes", g.hint), \
            g.format()
    proc = cli("validate", workbook)
    assert proc.returncode == 2
    expected = f"{workbook}: {where}: error: " if where else f"{workbook}: error: "
    assert expected in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "internal error" not in proc.stderr


def _write(path, raw):
    path.write_bytes(raw)


def _ole(extra=b""):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + extra + b"\0" * 1024


def _error_value(path):
    """A formula whose saved value is #DIV/0! (as Excel saves it)."""
    with zipfile.ZipFile(path) as z:
        items = {n: z.read(n) for n in z.namelist()}
    wb = openpyxl.load_workbook(path)
    ws = wb["数据"]
    row = _row_of(ws, 1, "body_cameras")
    sheet = f"xl/worksheets/sheet{wb.sheetnames.index('数据') + 1}.xml"
    items[sheet] = re.sub(rf'<c r="C{row}"[^>]*?(?:/>|>.*?</c>)'.encode(),
                          f'<c r="C{row}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'.encode(),
                          items[sheet], flags=re.S)
    with zipfile.ZipFile(path, "w") as z:
        for n, b in items.items():
            z.writestr(n, b)
    return f"数据!C{row}"


def _not_xlsx_zip(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")


#: (case, make(path) → location or None, message fragment)
FILE_CASES = [
    ("not-a-zip", lambda p: _write(p, "org:\n  slug: x\n".encode()), "not an Excel workbook"),
    ("empty", lambda p: _write(p, b""), "not an Excel workbook"),
    ("encrypted", lambda p: _write(p, _ole("EncryptedPackage".encode("utf-16-le"))),
     "password-protected"),
    ("old-xls", lambda p: _write(p, _ole()), "old-format Excel workbook (.xls)"),
    ("zip-not-workbook", _not_xlsx_zip, "not an Excel workbook (it has no xl/workbook.xml)"),
    ("damaged-zip", lambda p: _write(p, p.read_bytes()[:2000]), "not an Excel workbook"),
    ("formula-error", _error_value, "gives the error #DIV/0!"),
    ("extra-sheet", lambda p: _edit(p, _extra_sheet), "a sheet '汇总'"),
    ("missing-sheet", lambda p: _edit(p, _drop_sheet), "has no sheet '数据'"),
]


@pytest.mark.parametrize("case,make,fragment", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_a_bad_workbook_is_refused_clearly(case, make, fragment, workbook, cli, tmp_path):
    where = make(workbook)
    tree, _lines, findings = read_xlsx(workbook)
    hits = [f for f in findings if fragment in f.message]
    assert hits, "\n".join(f.format() for f in findings)
    assert all(f.hint for f in findings)
    if where:
        assert str(hits[0].line) == where
    proc = cli("validate", workbook)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert fragment in proc.stdout and "    fix: " in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    _build_refused(workbook, cli, tmp_path / "out")


def _build_refused(workbook, cli, out):
    """``lawreport build`` exits 2 without a traceback and leaves the previous report."""
    old = out / SAMPLE_ORG / str(SAMPLE_YEAR) / "report.html"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"<!doctype html><title>previous report</title>\n")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    proc = cli("build", "--data", workbook.parent.parent, "--org", SAMPLE_ORG, "--year",
               SAMPLE_YEAR, "--out", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert old.read_bytes() == b"<!doctype html><title>previous report</title>\n"
    after = sorted(p.relative_to(out) for p in out.rglob("*") if ".lawreport" not in p.parts)
    assert after == before


def test_convert_refuses_a_bad_workbook_and_an_existing_file(workbook, cli, tmp_path):
    out = tmp_path / "back.yaml"
    out.write_text("mine\n", encoding="utf-8")
    proc = cli("convert", workbook, "--to", "yaml", "--out", out)
    assert proc.returncode == 2 and "never overwritten" in proc.stderr
    assert out.read_text(encoding="utf-8") == "mine\n"
    proc = cli("convert", workbook, "--to", "yaml", "--out", tmp_path / "x.xlsx")
    assert proc.returncode == 2 and "ends with .yaml" in proc.stderr
    _edit(workbook, _extra_sheet)
    proc = cli("convert", workbook, "--to", "yaml", "--out", tmp_path / "new.yaml")
    assert proc.returncode == 2 and "汇总" in proc.stderr
    assert not (tmp_path / "new.yaml").exists()


def test_convert_command_line_round_trip(cli, tmp_path):
    src = SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"
    proc = cli("convert", src, "--to", "xlsx", "--out", tmp_path / "2021.xlsx")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"wrote {tmp_path / '2021.xlsx'}"
    proc = cli("convert", tmp_path / "2021.xlsx", "--to", "yaml", "--out",
               tmp_path / "2021.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "keep one" in proc.stderr  # the folder now holds both
    assert read_document(tmp_path / "2021.yaml")[0] == read_document(src)[0]


def test_earlier_years_in_either_format_give_the_comparisons(tmp_path, cli):
    """A department whose years are partly workbooks: year-over-year placeholders and
    trends see every earlier year, whatever its format."""
    org = "demo-sfj"
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA / org, data / org)
    shutil.copy(SAMPLE_DATA / "catalog.yaml", data)
    for year in (2022, 2023):
        convert(data / org / f"{year}.yaml", "xlsx", data / org / f"{year}.xlsx")
        (data / org / f"{year}.yaml").unlink()
    loaded = lawreport.api.load_year(data, org, 2023)
    assert sorted(loaded.history) == [2021, 2022]
    yaml_loaded = lawreport.api.load_year(SAMPLE_DATA, org, 2023)
    assert _model(loaded.previous) == _model(yaml_loaded.previous)
    proc = cli("validate", data)
    assert proc.returncode == 0, proc.stdout + proc.stderr
