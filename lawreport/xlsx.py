"""Yearly data as an Excel workbook (``data/<org>/<year>.xlsx``): reader and writer.

A workbook holds the same content as a YAML data file, in four sheets:

- ``说明``: how to fill the workbook (read by people, ignored by lawreport);
- ``基本信息``: one row per field (字段 | 内容 | 说明): ``org.slug``, ``org.name``,
  ``org.region``, ``org.level``, ``year``, ``report_date``, ``outline``, ``title``,
  ``narrative.addressee`` and ``narrative.signature``;
- ``数据``: one row per figure (id | 指标 | 数值 | 单位 | 说明), the value a number cell;
- ``正文``: one row per paragraph (part | area | title | role | lead | text), ``role``
  being ``preamble``, ``intro`` or ``item``.

The reader builds the same tree of :class:`lawreport.yamlread.Scalar` that the YAML
reader builds, each value located by its cell (:class:`lawreport.findings.Cell`)
instead of a line, so :func:`lawreport.load.build_model` and validation are shared
and every finding prints as ``2021.xlsx: 数据!C14: …``. What only a workbook can get
wrong (text or a date in a number cell, a formula without a value, merged cells,
an extra sheet, an encrypted file) is found here.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import warnings
import zipfile
from decimal import Decimal

from .findings import Cell, Finding, has_errors
from .yamlread import Scalar

__all__ = ["read_xlsx", "load_xlsx", "write_xlsx", "excel_hints", "SHEETS", "MAX_BYTES"]

#: The sheets of a data workbook, in order.
SHEETS = ("说明", "基本信息", "数据", "正文")
_ORDER = {"基本信息": 1, "数据": 2, "正文": 3}
#: A data workbook is tens of kilobytes.
MAX_BYTES = 20 * 1024 * 1024
#: Refuse a zip that would inflate past this (a zip bomb).
MAX_UNPACKED = 200 * 1024 * 1024

INFO_HEADER = ("字段", "内容", "说明")
DATA_HEADER = ("id", "指标", "数值", "单位", "说明")
TEXT_HEADER = ("part", "area", "title", "role", "lead", "text")
ROLES = ("preamble", "intro", "item")

#: 基本信息 rows: (field, required, what it is).
INFO_FIELDS = (
    ("org.slug", True, "单位代码：英文小写字母、数字和 -，与数据文件夹名相同，如 yuncheng-kjj"),
    ("org.name", True, "单位名称，印在标题和落款中，如 运城市科学技术局"),
    ("org.region", False, "可选：汇总索引中的分组（市、县），如 运城市"),
    ("org.level", False, "可选：第二层分组，如 市/县/乡 或 部门/政府"),
    ("year", True, "报告年度，四位数字（数值单元格），须与文件名相同"),
    ("report_date", False, "可选：落款日期，写作 2021-12-30（文本或日期单元格）"),
    ("outline", True, "提纲：yuncheng-2021、gangyao-2021，或提纲文件的路径"),
    ("title", False, "可选：报告标题，空着则用提纲的标题；可用 {year}"),
    ("narrative.addressee", False, "可选：主送机关，如 市委、市政府："),
    ("narrative.signature", False, "可选：落款单位；没有这一行时用单位名称，"
     "这一行内容为空表示不落款"),
)
_OPTIONAL_EMPTY_ABSENT = {f for f, req, _ in INFO_FIELDS if not req} - {"narrative.signature"}

GUIDE = (
    "法治政府建设年度报告 数据工作簿（lawreport）",
    "",
    "本工作簿与 data/<单位代码>/<年度>.yaml 内容相同，可用 lawreport convert 互相转换。"
    "请只改下列三张表的内容，不要增删工作表，不要合并单元格。",
    "",
    "【基本信息】每行一个字段：A 列为字段名（不要改），B 列填内容，C 列是说明。",
    "  org.slug 单位代码、org.name 单位名称、year 年度（数字）、outline 提纲 必填；"
    "其余可空。",
    "  narrative.signature 落款：删去这一行则落款为单位名称；保留这一行而内容为空则不落款。",
    "",
    "【数据】每行一个数字：A 列 id 为指标代码（见 lawreport catalog），C 列 数值 "
    "只能填数字：",
    "  计数填整数，百分比不带 % 号（99.5 表示 99.5%）；不要填文字、日期或公式的错误值。",
    "  B 列 指标、D 列 单位、E 列 说明 仅供参考，lawreport 不读取。"
    "不需要的指标整行删除。",
    "",
    "【正文】每行一段文字（单元格内可换行，空一行分段）：",
    "  part：部分代码（见 lawreport outlines，如 measures、shortcomings、leadership、plan）；",
    "  area：提纲中的方面代码；或者不填 area，在 title 写本单位自拟的方面标题；"
    "两者都空表示直接属于该部分；",
    "  role：preamble 前言（part 留空）、intro 部分或方面的导语、item 编号条目（默认）；",
    "  lead：可选，条目的引题（加粗，接在编号后），text：正文。",
    "  相邻且 part、area、title 相同的行属于同一方面；行的先后即报告中的先后。",
    "",
    "正文中可用占位符 {指标代码} 引用【数据】中的数字，如 {disclosure.total}；"
    "还有 {year}、{next_year}、{prev_year}、{org.name}，",
    "以及 {id:cn} 中文数字、{id:prev} 上年数、{id:yoy} 同比。字面的大括号写作 {{ 和 }}。",
    "",
    "检查：lawreport validate data/<单位代码>/<年度>.xlsx —— 每个问题都指出工作表和单元格，"
    "如 2021.xlsx: 数据!C14，并给出改法。",
    "生成报告：lawreport build --org <单位代码> --year <年度>",
    "详见 docs/data-format.md。",
)


class _Fatal(Exception):
    def __init__(self, findings):
        self.findings = findings


# -- reading ---------------------------------------------------------------------------


def _sniff(path):
    """Refuse what is not a readable .xlsx, with a reason the user can act on."""
    def fail(msg, hint):
        raise _Fatal([Finding("error", path, None, "", msg, hint)])

    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(8)
            if size > MAX_BYTES:
                fail(f"the workbook is {size / 1_048_576:.1f} MB; a data workbook is at most "
                     f"{MAX_BYTES // 1_048_576} MB",
                     "give the department's yearly data workbook; remove pictures and "
                     "sheets that are not data")
            if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2 compound file
                fh.seek(0)
                raw = fh.read()
                if "EncryptedPackage".encode("utf-16-le") in raw:
                    fail("the workbook is password-protected (encrypted), so it cannot be "
                         "read", "open it in Excel or WPS, remove the password (文件 → 信息 → "
                         "保护工作簿 → 用密码进行加密: clear the password) and save it again "
                         "as .xlsx")
                fail("this is an old-format Excel workbook (.xls), not .xlsx",
                     "open it in Excel or WPS and save it as 'Excel 工作簿 (*.xlsx)'")
    except OSError as exc:
        fail(f"cannot read the file: {exc.strerror or exc}", "check the path")
    if not zipfile.is_zipfile(path):
        fail("this is not an Excel workbook: an .xlsx file is a zip archive and this file "
             "is not one (a renamed file, or a damaged copy?)",
             "save the workbook from Excel or WPS as 'Excel 工作簿 (*.xlsx)', or give the "
             ".yaml data file instead")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        fail(f"the workbook is damaged ({exc})", "save it again from Excel or WPS")
    if "xl/workbook.xml" not in names:
        fail("this zip archive is not an Excel workbook (it has no xl/workbook.xml)",
             "save the data from Excel or WPS as 'Excel 工作簿 (*.xlsx)'")
    if unpacked > MAX_UNPACKED:
        fail(f"the workbook unpacks to {unpacked / 1_048_576:.0f} MB; a data workbook is "
             "far smaller", "give the department's yearly data workbook")


def _open(path):
    """(formulas workbook, values workbook) or a fatal finding."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions, data validation, …
            wf = openpyxl.load_workbook(path, data_only=False)
            wv = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise _Fatal([Finding(
            "error", path, None, "", f"cannot read the workbook: {type(exc).__name__}: {exc}",
            "open it in Excel or WPS and save it again as 'Excel 工作簿 (*.xlsx)'")]) from None
    return wf, wv


def _num_text(v):
    """A number as plain digits (no exponent), as a YAML file would write it."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return str(v)
    t = format(Decimal(repr(float(v))), "f")
    return t


class _Reader:
    def __init__(self, path, wf, wv):
        self.path, self.wf, self.wv = path, wf, wv
        self.findings, self.lines = [], {}

    def cell(self, sheet, ref):
        return Cell(sheet, ref, _ORDER.get(sheet, 0))

    def error(self, sheet, ref, field, msg, hint):
        self.findings.append(Finding("error", self.path, self.cell(sheet, ref), field, msg,
                                     hint))

    def value(self, sheet, row, col):
        """(value, kind) of a cell: kind is 'empty', 'number', 'text', 'date', 'bool',
        'percent' (a number formatted as a percentage) or 'bad' (reported)."""
        fc = self.wf[sheet].cell(row, col)
        vc = self.wv[sheet].cell(row, col)
        ref = fc.coordinate
        v = vc.value
        if fc.data_type == "f" or (isinstance(fc.value, str) and fc.value.startswith("=")
                                   and fc.data_type != "s"):
            formula = str(fc.value)
            if v is None:
                self.error(sheet, ref, "", f"the formula {formula[:60]} has no computed value "
                           "(the workbook was last saved by a program that does not "
                           "calculate formulas)",
                           "open the workbook in Excel or WPS and save it again, or type the "
                           "value instead of the formula")
                return None, "bad"
            if vc.data_type == "e" or (isinstance(v, str) and re.fullmatch(
                    r"#(?:DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!)", v)):
                self.error(sheet, ref, "", f"the formula {formula[:60]} gives the error {v}",
                           "correct the formula, or type the value instead")
                return None, "bad"
        elif vc.data_type == "e":
            self.error(sheet, ref, "", f"the cell holds the error value {v}",
                       "type the value instead")
            return None, "bad"
        if v is None or (isinstance(v, str) and not v.strip()):
            return None, "empty"
        if isinstance(v, bool):
            return v, "bool"
        if isinstance(v, (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)):
            return v, "date"
        if isinstance(v, (int, float)):
            return v, ("percent" if "%" in (fc.number_format or "") else "number")
        return str(v), "text"

    def text(self, sheet, row, col):
        """A text cell: (text or None, its Cell); numbers and dates become their text."""
        v, kind = self.value(sheet, row, col)
        cell = self.cell(sheet, self.wf[sheet].cell(row, col).coordinate)
        if kind in ("empty", "bad"):
            return None, cell
        if kind == "date":
            v = v.date().isoformat() if isinstance(v, _dt.datetime) else str(v)
        elif kind == "bool":
            v = "TRUE" if v else "FALSE"
        elif kind in ("number", "percent"):
            v = _num_text(v)
        return v, cell

    def number(self, sheet, row, col, field):
        """A number cell → Scalar (plain digits), or None when reported.

        An empty cell gives an empty Scalar, which the shared loader reports as a
        missing number, so a draft's empty figures read like a YAML draft's.
        """
        v, kind = self.value(sheet, row, col)
        ref = self.wf[sheet].cell(row, col).coordinate
        cell = self.cell(sheet, ref)
        if kind == "number":
            return Scalar(_num_text(v), False, None, cell)
        if kind == "empty":
            return Scalar("", False, None, cell)
        if kind == "bad":
            self.findings[-1] = Finding(**{**self.findings[-1].to_dict(), "field": field,
                                           "line": cell})
            return None
        if kind == "percent":
            shown = format((Decimal(repr(v)) * 100).normalize(), "f")
            self.error(sheet, ref, field, f"the cell is formatted as a percentage (it holds "
                       f"{_num_text(v)}, shown as {shown}%)",
                       "format the cell as 常规 (General) or 数值 and type the percentage "
                       f"without %: {shown}")
        elif kind == "date":
            shown = v.date().isoformat() if isinstance(v, _dt.datetime) else str(v)
            self.error(sheet, ref, field, f"expected a number, the cell holds a date ({shown})",
                       "format the cell as 常规 (General) or 数值 and type the number again "
                       "(Excel turns entries such as 3-5 or 3/5 into dates)")
        elif kind == "bool":
            self.error(sheet, ref, field, f"expected a number, the cell holds "
                       f"{'TRUE' if v else 'FALSE'}", "type the number")
        else:
            t = v.strip()
            plain = t.replace(",", "").replace("，", "")
            if plain.endswith(("%", "％")) and re.fullmatch(r"[+-]?\d+(?:\.\d+)?",
                                                           plain[:-1], re.ASCII):
                hint = f"write percentages without the % sign: type {plain[:-1]} as a number"
            elif re.fullmatch(r"[+-]?\d+(?:\.\d+)?", plain, re.ASCII):
                hint = (f"the number is stored as text: select the cell and choose 转换为数字 "
                        f"(Convert to Number), or type {plain} again in a cell formatted as "
                        "常规 (General); remove a leading apostrophe (')")
            else:
                hint = ("type the figure as a number (digits only, e.g. 12); explanations go "
                        "in the 说明 column")
            self.error(sheet, ref, field, f"expected a number, the cell holds text '{t[:40]}'",
                       hint)
        return None

    # -- structure ---------------------------------------------------------------------

    def check_sheets(self):
        names = list(self.wf.sheetnames)
        problems = []
        for name in names:
            if name not in SHEETS:
                problems.append(Finding(
                    "error", self.path, None, "",
                    f"the workbook has a sheet '{name}' that a data workbook does not have",
                    "delete the sheet (or move it to another workbook): a data workbook has "
                    f"exactly the sheets {', '.join(SHEETS)}"))
        for name in SHEETS[1:]:
            if name not in names:
                problems.append(Finding(
                    "error", self.path, None, "", f"the workbook has no sheet '{name}'",
                    f"add the sheet '{name}' (lawreport init --format xlsx writes a complete "
                    "workbook to copy from), or check the sheet's name"))
        for chart in getattr(self.wf, "chartsheets", []):
            problems.append(Finding(
                "error", self.path, None, "", f"the workbook has a chart sheet "
                f"'{chart.title}'", "delete it: a data workbook holds data only"))
        if problems:
            raise _Fatal(problems)
        merged = []
        for name in SHEETS[1:]:
            for rng in sorted(self.wf[name].merged_cells.ranges, key=lambda r: (r.min_row,
                                                                               r.min_col)):
                first = str(rng).split(":")[0]
                merged.append(Finding(
                    "error", self.path, self.cell(name, first), "",
                    f"the cells {rng} are merged: only {first} holds a value, the others "
                    "read as empty", "unmerge them (取消单元格合并) and write the value in "
                    "every row that needs it"))
        if merged:
            raise _Fatal(merged)

    def check_header(self, sheet, header):
        ws = self.wf[sheet]
        for col, want in enumerate(header, 1):
            got = ws.cell(1, col).value
            if str(got or "").strip() != want:
                raise _Fatal([Finding(
                    "error", self.path, self.cell(sheet, ws.cell(1, col).coordinate), "",
                    f"the header of sheet {sheet} should read {' | '.join(header)}; this "
                    f"cell says '{got or ''}' instead of '{want}'",
                    f"restore the header row of {sheet} (row 1): {' | '.join(header)}; "
                    "insert or delete whole rows only, never columns")])

    def rows(self, sheet, ncols):
        """The rows below the header with something in their first ``ncols`` columns.

        Only the cells the file holds are looked at: a sheet formatted down to row
        1048576 costs nothing (asking for every cell would create them all).
        """
        rows = set()
        for ws in (self.wf[sheet], self.wv[sheet]):
            for (row, col), cell in ws._cells.items():
                if row > 1 and col <= ncols and cell.value is not None and \
                        str(cell.value).strip():
                    rows.add(row)
        yield from sorted(rows)

    # -- sheets ------------------------------------------------------------------------

    def info(self):
        sheet = "基本信息"
        self.check_header(sheet, INFO_HEADER)
        known = {f for f, _r, _w in INFO_FIELDS}
        seen, out = {}, {}
        for row in self.rows(sheet, 2):
            key, kcell = self.text(sheet, row, 1)
            key = (key or "").strip()
            if not key:
                self.error(sheet, f"A{row}", "", "a value without a field name in column A",
                           "write the field name (e.g. org.name) in column A, or delete the "
                           "row")
                continue
            if key in seen:
                self.error(sheet, f"A{row}", key, f"the field '{key}' is given twice (first "
                           f"in {seen[key]})", "keep one of the two rows")
                continue
            seen[key] = kcell
            if key in ("figures", "narrative", "narrative.parts", "narrative.preamble") or \
                    key.startswith("figures."):
                where = "数据" if key.startswith("figures") else "正文"
                self.error(sheet, f"A{row}", key, f"'{key}' is not written in 基本信息",
                           f"write it in the sheet {where}, and delete this row")
                continue
            vcell = self.cell(sheet, f"B{row}")
            if key == "year":
                v = self.number(sheet, row, 2, "year")
                if v is not None and v.text:
                    out[key] = (v, vcell)
                elif v is not None:
                    out[key] = (Scalar("", False, None, vcell), vcell)
                continue
            if key == "report_date":
                v, kind = self.value(sheet, row, 2)
                if kind == "number":
                    self.error(sheet, f"B{row}", key, f"expected a date, the cell holds the "
                               f"number {_num_text(v)}",
                               "type the date as text, e.g. 2021-12-30, or format the cell "
                               "as a date")
                    continue
            text, _c = self.text(sheet, row, 2)
            if text is None:
                if key in _OPTIONAL_EMPTY_ABSENT or key not in known:
                    if key in known:
                        continue  # an optional field left empty: absent
                    out[key] = (Scalar("", False, None, vcell), vcell)
                    continue
                out[key] = (Scalar("", key == "narrative.signature", None, vcell), vcell)
            else:
                out[key] = (Scalar(text, True, None, vcell), vcell)
        for key in out:
            self.lines[key] = out[key][1] if key in known else seen[key]
        for req in ("org.slug", "org.name", "year", "outline"):
            if req not in seen:
                self.findings.append(Finding(
                    "error", self.path, self.cell(sheet, "A1"), req,
                    f"the sheet 基本信息 has no row '{req}'",
                    f"add a row with '{req}' in column A and its value in column B"))
        return out

    def figures(self):
        sheet = "数据"
        self.check_header(sheet, DATA_HEADER)
        out, seen = {}, {}
        self.lines["figures"] = self.cell(sheet, "A1")
        for row in self.rows(sheet, 3):
            fid, _c = self.text(sheet, row, 1)
            fid = (fid or "").strip()
            if not fid:
                if self.value(sheet, row, 3)[1] == "empty":
                    continue  # a heading or note row without a figure
                self.error(sheet, f"A{row}", "", "a value without a figure id in column A",
                           "write the figure's id (lawreport catalog lists them) in column "
                           "A, or delete the row")
                continue
            field = f"figures.{fid}"
            if fid in seen:
                self.error(sheet, f"A{row}", field, f"figure '{fid}' is given twice: here and "
                           f"in {seen[fid]}", "keep one of the two rows")
                continue
            seen[fid] = self.cell(sheet, f"A{row}")
            v = self.number(sheet, row, 3, field)
            if v is not None:
                out[fid] = v
                self.lines[field] = v.line
        return out

    def narrative(self):
        sheet = "正文"
        self.check_header(sheet, TEXT_HEADER)
        self.lines["narrative"] = self.lines["narrative.parts"] = self.cell(sheet, "A1")
        preamble, parts = None, {}
        last = {}  # part key → (area, title) of its last area row, and that area's index
        for row in self.rows(sheet, 6):
            part, pcell = self.text(sheet, row, 1)
            area, acell = self.text(sheet, row, 2)
            title, tcell = self.text(sheet, row, 3)
            role, rcell = self.text(sheet, row, 4)
            part, area = (part or "").strip(), (area or "").strip() or None
            title = title if title and title.strip() else None
            role = (role or "item").strip()
            if role not in ROLES:
                self.error(sheet, f"D{row}", "", f"unknown role '{role}'",
                           "write preamble, intro or item (empty means item)")
                continue
            item = self.item(sheet, row)
            if role == "preamble":
                if part or area or title:
                    self.error(sheet, f"A{row}", "narrative.preamble",
                               "the preamble belongs to no part, area or title",
                               "leave part, area and title empty on the preamble's row")
                    continue
                if preamble is not None:
                    self.error(sheet, f"D{row}", "narrative.preamble", "a second preamble "
                               f"row (the first is row {int(preamble[1])})",
                               "write the whole preamble in one cell (blank lines separate "
                               "paragraphs), and delete this row")
                    continue
                preamble = (item, pcell)
                self._item_lines("narrative.preamble", item, row, sheet)
                continue
            if not part:
                self.error(sheet, f"A{row}", "", "the row has no part",
                           "write the part's key (lawreport outlines lists them) in column "
                           "A; for the preamble write preamble in column D")
                continue
            pp = f"narrative.parts.{part}"
            ptree = parts.setdefault(part, {})
            self.lines.setdefault(pp, pcell)
            if area is None and title is None:
                target, tp = ptree, pp
            else:
                areas = ptree.setdefault("areas", [])
                if last.get(part, (None,))[0] != (area, title):
                    areas.append({})
                    if area is not None:
                        areas[-1]["area"] = Scalar(area, True, None, acell)
                    if title is not None:
                        areas[-1]["title"] = Scalar(title, True, None, tcell)
                    last[part] = ((area, title), len(areas) - 1)
                    ap = f"{pp}.areas.{len(areas) - 1}"
                    self.lines[ap] = acell if area is not None else tcell
                    self.lines[f"{pp}.areas"] = self.lines.get(f"{pp}.areas", self.lines[ap])
                    if area is not None:
                        self.lines[f"{ap}.area"] = acell
                    if title is not None:
                        self.lines[f"{ap}.title"] = tcell
                target, tp = areas[-1], f"{pp}.areas.{len(areas) - 1}"
            if role == "intro":
                if "intro" in target:
                    self.error(sheet, f"D{row}", f"{tp}.intro", "a second intro row here",
                               "write the whole intro in one cell (blank lines separate "
                               "paragraphs), and delete this row")
                    continue
                target["intro"] = item
                self._item_lines(f"{tp}.intro", item, row, sheet)
            else:
                items = target.setdefault("items", [])
                self.lines.setdefault(f"{tp}.items", self.cell(sheet, f"F{row}"))
                self._item_lines(f"{tp}.items.{len(items)}", item, row, sheet)
                items.append(item)
        out = {}
        if preamble is not None:
            out["preamble"] = preamble[0]
        out["parts"] = parts
        return out

    def item(self, sheet, row):
        lead, lcell = self.text(sheet, row, 5)
        text, tcell = self.text(sheet, row, 6)
        t = Scalar(text, True, None, tcell) if text is not None else \
            Scalar("", False, None, tcell)
        if lead is None:
            return t
        out = {"lead": Scalar(lead, True, None, lcell)}
        if text is not None:
            out["text"] = t
        return out

    def _item_lines(self, fp, item, row, sheet):
        if isinstance(item, dict):
            self.lines[fp] = self.cell(sheet, f"E{row}")
            self.lines[f"{fp}.lead"] = self.cell(sheet, f"E{row}")
            self.lines[f"{fp}.text"] = self.cell(sheet, f"F{row}")
        else:
            self.lines[fp] = self.cell(sheet, f"F{row}")


def read_xlsx(path):
    """Read one data workbook.

    Returns
    -------
    (tree, lines, findings)
        ``tree`` is the same nested dicts/lists of :class:`Scalar` that
        :func:`lawreport.yamlread.read_yaml` gives for a YAML file, located by
        :class:`Cell`; it is None when the workbook cannot be read. ``findings``
        holds what is wrong in the cells themselves (their values are left out of
        ``tree``).
    """
    path = os.fspath(path)
    try:
        _sniff(path)
        wf, wv = _open(path)
        r = _Reader(path, wf, wv)
        r.check_sheets()
        info = r.info()
        figures = r.figures()
        narrative = r.narrative()
    except _Fatal as f:
        return None, {}, f.findings
    tree = {}
    for key in ("org", "year", "report_date", "outline", "title"):
        if key == "org":
            org = {k[4:]: v for k, (v, _c) in info.items() if k.startswith("org.")}
            if org:
                tree["org"] = org
                r.lines["org"] = min(c for k, (_v, c) in info.items() if k.startswith("org."))
                for k, (_v, c) in info.items():
                    if k.startswith("org."):
                        r.lines[k] = c
        elif key in info:
            tree[key] = info[key][0]
    for key, (v, _c) in info.items():  # unknown fields: the shared loader names them
        if key.split(".")[0] not in ("org", "narrative") and key not in tree:
            tree[key] = v
    tree["figures"] = figures
    nar = {}
    if "narrative.addressee" in info:
        nar["addressee"] = info["narrative.addressee"][0]
    nar.update(narrative)
    if "narrative.signature" in info:
        nar["signature"] = info["narrative.signature"][0]
    for key, (v, _c) in info.items():
        if key.startswith("narrative.") and key[10:] not in ("addressee", "signature"):
            nar[key[10:]] = v
    tree["narrative"] = nar
    return tree, r.lines, r.findings


#: YAML wording in the shared loader's and validation's fix hints → a workbook's.
_HINTS = (
    (re.compile(r"write its value after '[^']*:' \(e\.g\. [^)]*\), or delete the line"),
     "type the figure in this cell as a number (e.g. 12), or delete the row"),
    (re.compile(r"write the (.+?) after '[^']*:'"), r"write the \1 in this cell"),
    (re.compile(r"write each paragraph as '- text' under 'items:'"),
     "add a row for each paragraph in the sheet 正文 (role item, the paragraph in column "
     "text)"),
    (re.compile(r"write the date like \"(.+?)\" \(quoted\)"),
     r"type the date as text, e.g. \1, or as a date cell"),
    (re.compile(r"write an existing date like \"(.+?)\" \(YYYY-MM-DD\)"),
     r"type an existing date, e.g. \1"),
    (re.compile(r"check the indentation of this line: it belongs at the level of "
                r"figures: (\S+)"), r"write the id as \1"),
    (re.compile(r"nest it under its group, indented, e\.g\. figures: (\S+): (\S+)"),
     r"write the id with its group: \1.\2"),
    (re.compile(r"add 'narrative: parts: (\S+):' with its areas and items"),
     r"add rows with part \1 to the sheet 正文"),
    (re.compile(r"or write 'title: <heading>' for an area of your own"),
     "or, for an area of your own, leave area empty and write its heading in the title "
     "column"),
    (re.compile(r"write 'title: <heading>' instead"),
     "leave area empty and write the heading in the title column"),
    (re.compile(r"rename the file to (\d{4})\.yaml"), r"rename the file to \1.xlsx"),
    (re.compile(r"the file name (\d{4})\.yaml"), r"the file name \1.xlsx"),
    (re.compile(r"write (slug|year): (\S+), or"), r"write \2 in 基本信息 (\1), or"),
    (re.compile(r"write the key as '([^']*)', indented with ordinary half-width spaces "
                r"\(半角空格\) only"), r"write the field as '\1'"),
)


def excel_hints(findings):
    """The findings of a workbook with their YAML wording (``key:``, indentation, the
    ``.yaml`` file name) put in a workbook's terms."""
    out = []
    for f in findings:
        msg, hint = f.message, f.hint
        for pattern, repl in _HINTS:
            hint = pattern.sub(repl, hint)
            msg = pattern.sub(repl, msg)
        if f.line is not None and not isinstance(f.line, Cell):
            f = Finding(f.level, f.file, None, f.field, msg, hint, f.zh)
        elif (msg, hint) != (f.message, f.hint):
            f = Finding(f.level, f.file, f.line, f.field, msg, hint, f.zh)
        out.append(f)
    return out


def load_xlsx(path, partial=False):
    """Read and load one data workbook, like :func:`lawreport.load.load_yaml`.

    Returns
    -------
    (YearData or None, list of Finding)
    """
    from .load import build_model

    path = os.fspath(path)
    tree, lines, findings = read_xlsx(path)
    if tree is None:
        return None, findings
    data, more = build_model(tree, lines, path, partial=True)
    done = {f.field for f in findings if f.field}
    everything = findings + excel_hints([f for f in more if f.field not in done])
    if data is not None:
        data.bad_fields = set(data.bad_fields) | {f.field for f in everything}
    if has_errors(everything):
        return (data if partial else None), everything
    return data, everything


# -- writing ---------------------------------------------------------------------------


def write_xlsx(doc, path, catalog=None, outline=None):
    """Write a plain document (see :mod:`lawreport.convert`) as a data workbook.

    With ``outline``, the first cell of each part and outline area carries its heading
    as a cell note, for the analyst. The bytes depend on the content only (fixed
    document dates and zip times), so the same data gives the same file.
    """
    from openpyxl.comments import Comment

    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")

    def put(ws, row, col, value, *, text=False, align=top):
        c = ws.cell(row, col)
        c.value = value
        if text and isinstance(value, str):
            c.data_type = "s"  # '=…' stays text, never a formula
            c.number_format = "@"
        c.alignment = align
        return c

    def header(ws, names, widths):
        for col, (name, width) in enumerate(zip(names, widths), 1):
            c = put(ws, 1, col, name, text=True)
            c.font, c.fill = bold, head_fill
            ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = width
        ws.freeze_panes = "A2"

    guide = wb.active
    guide.title = "说明"
    guide.column_dimensions["A"].width = 110
    for i, line in enumerate(GUIDE, 1):
        c = put(guide, i, 1, line, text=True, align=wrap)
        if i == 1:
            c.font = Font(bold=True, size=14)

    info = wb.create_sheet("基本信息")
    header(info, INFO_HEADER, (22, 50, 70))
    org = doc.get("org") or {}
    nar = doc.get("narrative") or {}
    values = {"org.slug": org.get("slug"), "org.name": org.get("name"),
              "org.region": org.get("region"), "org.level": org.get("level"),
              "year": doc.get("year"), "report_date": doc.get("report_date"),
              "outline": doc.get("outline"), "title": doc.get("title"),
              "narrative.addressee": nar.get("addressee"),
              "narrative.signature": nar.get("signature")}
    row = 2
    for key, _req, what in INFO_FIELDS:
        v = values[key]
        if key == "narrative.signature" and v is None:
            continue  # no row: the department's name signs
        put(info, row, 1, key, text=True)
        if key == "year" and isinstance(v, int):
            put(info, row, 2, v)
        elif v is not None:
            put(info, row, 2, str(v), text=True, align=wrap)
        else:
            info.cell(row, 2).number_format = "@" if key != "year" else "General"
        put(info, row, 3, what, text=True, align=wrap)
        row += 1

    data = wb.create_sheet("数据")
    header(data, DATA_HEADER, (44, 30, 14, 8, 40))
    indicators = catalog.indicators if catalog is not None else {}
    kinds = {"count": "计数：整数", "percentage": "百分比：0–100，不带 %",
             "number": "数值"}
    figures = doc.get("figures") or []
    for row, (fid, value) in enumerate(figures, 2):
        put(data, row, 1, fid, text=True)
        ind = indicators.get(fid)
        if ind is not None:
            put(data, row, 2, ind.name, text=True)
            put(data, row, 4, ind.unit, text=True)
            put(data, row, 5, kinds.get(ind.kind, ind.kind), text=True)
        c = put(data, row, 3, value, text=isinstance(value, str))
        if not isinstance(value, str):
            c.number_format = "General"
    last = max(len(figures) + 1, 2) + 200
    dv = DataValidation(type="decimal", operator="between", formula1="-1000000000000",
                        formula2="1000000000000", allow_blank=True, showErrorMessage=True,
                        errorTitle="数值", error="请填写数字（计数为整数，百分比不带 % 号）。",
                        promptTitle="数值", prompt="数字；百分比不带 % 号", showInputMessage=True)
    dv.add(f"C2:C{last}")
    data.add_data_validation(dv)

    text = wb.create_sheet("正文")
    header(text, TEXT_HEADER, (16, 22, 30, 10, 24, 100))
    roles = DataValidation(type="list", formula1='"preamble,intro,item"', allow_blank=True,
                           showErrorMessage=True, error="role：preamble、intro 或 item")
    row = 2
    noted = set()

    def note(col, key, heading):
        if heading and key not in noted:
            noted.add(key)
            text.cell(row, col).comment = Comment(heading, "lawreport", width=300, height=60)

    def item_row(part, area, title, role, item):
        nonlocal row
        put(text, row, 1, part, text=True)
        put(text, row, 2, area, text=True)
        if outline is not None and part is not None and outline.part(part) is not None:
            spec = outline.part(part)
            note(1, part, spec.heading)
            if area is not None and spec.area(area) is not None:
                note(2, (part, area), spec.area(area).heading)
        put(text, row, 3, title, text=True, align=wrap)
        put(text, row, 4, role, text=True)
        if isinstance(item, dict):
            put(text, row, 5, item.get("lead"), text=True, align=wrap)
            put(text, row, 6, item.get("text"), text=True, align=wrap)
        else:
            put(text, row, 6, item, text=True, align=wrap)
            text.cell(row, 6).number_format = "@"
        row += 1

    if nar.get("preamble") is not None or "preamble" in nar:
        item_row(None, None, None, "preamble", nar.get("preamble"))
    for key, part in (nar.get("parts") or {}).items():
        if part.get("intro") is not None or "intro" in part:
            item_row(key, None, None, "intro", part.get("intro"))
        for it in part.get("items") or []:
            item_row(key, None, None, "item", it)
        for area in part.get("areas") or []:
            a, t = area.get("area"), area.get("title")
            if "intro" in area:
                item_row(key, a, t, "intro", area.get("intro"))
            for it in area.get("items") or []:
                item_row(key, a, t, "item", it)
    roles.add(f"D2:D{row + 200}")
    text.add_data_validation(roles)

    fixed = _dt.datetime(2000, 1, 1)
    wb.properties.creator = "lawreport"
    wb.properties.created = wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    _write_reproducible(buf.getvalue(), os.fspath(path))


def _write_reproducible(raw, path):
    """Rewrite the zip with fixed entry times and document dates, then move it in place."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
            z.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as fh:
        fh.write(out.getvalue())
    os.replace(tmp, path)
