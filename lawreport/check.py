"""``lawreport check``: review a report before it is published.

Reads data files (``<org>/<year>.yaml``, or a data folder: every department-year) and
published reports (text, HTML, DOCX, PDF, read by :func:`lawreport.extract.read_document`),
makes the document tree (:mod:`lawreport.document`) of each, and runs the rules of
:mod:`lawreport.check_rules` over it. The rules' wording, severity and source are data:
``lawreport/rules/rules.yaml`` and the phrase lists ``lawreport/rules/phrases.yaml``,
extended by a user's file (``--rules FILE``, or ``rules.yaml`` in the data folder).

Every finding carries the rule id, a severity (error, warning, info), where it is
(file:line; for a data file the field path, and the outline's file:line for a heading
that comes from an outline; for a published report the part / item / paragraph), a
quote, what is wrong and a suggestion.
"""

from __future__ import annotations

import html
import json
import os
import re
import string
from dataclasses import asdict, dataclass, field, replace
from importlib import resources

from .exceptions import CatalogError, InputError

__all__ = ["CheckFinding", "CheckResult", "RuleSet", "load_rules", "rule_files_for",
           "check_loaded", "check_document", "check_path", "check_paths", "document_units",
           "format_text", "results_json", "check_page_html", "write_check_files",
           "SEVERITIES", "DATA_SUFFIXES", "REPORT_SUFFIXES"]

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
DATA_SUFFIXES = (".yaml", ".yml", ".xlsx")
REPORT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".docx", ".pdf")


@dataclass(frozen=True)
class CheckFinding:
    """One finding of ``lawreport check``."""

    rule: str
    severity: str  # error | warning | info
    file: str
    line: int | None
    where: str  # data field path, or a place in a published text (一、第3项 第1段)
    message: str
    suggestion: str = ""
    quote: str = ""
    place: str = ""  # the printed place of a data file's text: 一、（三）13.
    outline: str = ""  # outline file:line of a heading that comes from an outline
    source: str = ""  # where the rule comes from

    def __post_init__(self):
        # a workbook's place (sheet!cell) as its text, so findings stay plain data
        if self.line is not None and type(self.line) is not int:
            object.__setattr__(self, "line", str(self.line))

    @property
    def location(self):
        return f"{self.file}:{self.line}" if self.line else self.file

    def format(self):
        where = self.where + (f"（{self.place}）" if self.place else "")
        out = f"{self.location}: {self.severity} [{self.rule}] {self.message}"
        if where:
            out += f"\n    where: {where}"
        if self.outline:
            out += f"\n    outline: {self.outline}"
        if self.quote:
            out += f"\n    quote: {self.quote}"
        if self.suggestion:
            out += f"\n    fix: {self.suggestion}"
        return out

    def to_dict(self):
        return asdict(self)


@dataclass
class CheckResult:
    """The findings of one input."""

    file: str
    findings: list = field(default_factory=list)
    kind: str = "data"  # data | report
    org: str = ""
    year: int | None = None

    def counts(self):
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}


# -- the rule catalogue --------------------------------------------------------------------


@dataclass
class RuleSet:
    """Rules (id → severity, source, message, suggestion, pattern…) and phrase lists."""

    rules: dict = field(default_factory=dict)
    phrases: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)


def _shipped(name):
    return resources.files("lawreport").joinpath("rules", name)


def _read_rules_file(path):
    from .catalog import plain
    from .yamlread import read_yaml

    tree, _lines, findings = read_yaml(path)
    if findings:
        raise CatalogError("\n".join(f.format() for f in findings))
    data = plain(tree) if tree is not None else {}
    if not isinstance(data, dict) or set(data) - {"rules", "phrases"}:
        raise CatalogError(f"{path}: a rules file is a mapping with 'rules:' and/or "
                           "'phrases:' (see docs/check.md)")
    return data


def _merge(rs, data, path):
    for rid, spec in (data.get("rules") or {}).items():
        if not isinstance(spec, dict):
            raise CatalogError(f"{path}: rules.{rid}: a rule is a mapping with severity, "
                               "message, suggestion and source")
        merged = {**rs.rules.get(rid, {}), **spec}
        if merged.get("severity") not in SEVERITIES:
            raise CatalogError(f"{path}: rules.{rid}: severity must be one of "
                               f"{', '.join(SEVERITIES)}")
        if not merged.get("message"):
            raise CatalogError(f"{path}: rules.{rid}: a rule needs a message")
        if merged.get("pattern"):
            for p in [merged["pattern"], *(merged.get("except") or [])]:
                try:
                    re.compile(str(p))
                except re.error as exc:
                    raise CatalogError(f"{path}: rules.{rid}: bad regular expression "
                                       f"{p!r}: {exc}") from None
        rs.rules[str(rid)] = merged
    for key, values in (data.get("phrases") or {}).items():
        if not isinstance(values, list):
            raise CatalogError(f"{path}: phrases.{key}: a phrase list is a YAML list")
        have = rs.phrases.setdefault(str(key), [])
        have += [str(v) for v in values if str(v) not in have]
    rs.sources.append(str(path))


def load_rules(extra=()):
    """The shipped rules and phrases, then each file of ``extra`` merged over them."""
    rs = RuleSet()
    for name in ("rules.yaml", "phrases.yaml"):
        with resources.as_file(_shipped(name)) as p:
            _merge(rs, _read_rules_file(p), p)
    for path in extra:
        if not os.path.isfile(path):
            raise CatalogError(f"{path}: rules file not found")
        _merge(rs, _read_rules_file(path), path)
    return rs


def rule_files_for(data_dir, extra=()):
    """``<data_dir>/rules.yaml`` if present, then ``extra``."""
    own = os.path.join(data_dir, "rules.yaml") if data_dir else None
    return ([own] if own and os.path.isfile(own) else []) + [os.fspath(p) for p in extra]


# -- text units of a document -------------------------------------------------------------


def _display(path):
    if not path:
        return ""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else path


def document_units(doc, file, loaded=None):
    """Every heading and paragraph of ``doc`` as a :class:`TextUnit`, in printed order.

    With ``loaded`` (a data file's :class:`lawreport.api.LoadedYear`), each carries its
    data field and line, and headings that come from the outline the outline's file:line.
    Returns the list; ``units.node_units`` maps id(document node) → unit.
    """
    from .check_rules import TextUnit

    data = loaded.data if loaded is not None else None
    outline = loaded.outline if loaded is not None else None
    olines, ofile = {}, ""
    if outline is not None and outline.source:
        from .yamlread import read_yaml
        try:
            _t, olines, _f = read_yaml(outline.source)
        except (OSError, ValueError):
            olines = {}
        ofile = _display(outline.source)

    def oloc(fieldpath):
        line = olines.get(fieldpath)
        return f"{ofile}:{line}" if ofile and line else (ofile if ofile else "")

    def dline(fieldpath):
        return data.line_of(fieldpath) if data is not None else None

    units = _Units()

    def add(text, kind, node=None, where="", line=None, place="", outline="", part=None):
        # a published report's place is its ``where`` already
        u = TextUnit(text or "", kind, file, line, where, place if data is not None else "",
                     outline, part, order=-2 if kind == "date" else len(units))
        units.append(u)
        if node is not None:
            units.node_units[id(node)] = u
        return u

    title_out = ""
    if data is not None and not data.title:
        title_out = oloc("title")
    add(doc.title, "title", doc, "title" if data is not None else (getattr(doc, "where", "")
                                                                    or "标题"),
        dline("title") if data is not None and data.title else getattr(doc, "line", None),
        outline=title_out)
    if doc.addressee:
        add(doc.addressee, "addressee", None, "narrative.addressee" if data else "主送",
            dline("narrative.addressee"))
    if doc.preamble:
        p = doc.preamble
        add(p.text, "preamble", p, p.where or "导语", p.line)
    def add_body(node, place, part):
        """The intro and the items of a part or an area."""
        if node.intro:
            add(node.intro.text, "intro", node.intro, node.intro.where, node.intro.line,
                place, part=part)
        for it in node.items:
            add((it.lead or "") + it.text, "item", it, it.where, it.line,
                place + it.label.strip(), part=part)

    spec_index = {s.key: i for i, s in enumerate(outline.parts)} if outline else {}
    for part in doc.parts:
        pi = spec_index.get(part.key)
        spec = outline.parts[pi] if pi is not None else None
        place = part.label.strip()
        add(part.label + part.heading, "heading", part,
            part.where + (".heading" if data is not None else ""), part.line, place,
            oloc(f"parts.{pi}.heading") if spec is not None else "", part)
        add_body(part, place, part)
        for j, sec in enumerate(part.sections):
            splace = place + sec.label.strip()
            out, sw = "", sec.where
            if data is not None:
                area = data.parts[part.key].areas[j] if part.key in data.parts else None
                if area is not None and area.title is None and spec is not None:
                    ai = next((k for k, a in enumerate(spec.areas) if a.key == sec.key), None)
                    out = oloc(f"parts.{pi}.areas.{ai}.heading") if ai is not None else ""
                    sw += ".area"
                else:
                    sw += ".title"
            add(sec.label + sec.heading, "heading", sec, sw, sec.line, splace, out, part)
            add_body(sec, splace, part)
    if doc.signature:
        add(doc.signature, "signature", None, "narrative.signature" if data else "署名",
            dline("narrative.signature") or dline("org.name"))
    if doc.date:
        units.date_unit = add(doc.date, "date", None, "report_date" if data else "日期",
                              dline("report_date"))
    return units


class _Units(list):
    def __init__(self):
        super().__init__()
        self.node_units = {}
        self.date_unit = None


# -- running the rules ---------------------------------------------------------------------


class _Safe(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _fill(template, fields):
    try:
        return string.Formatter().vformat(str(template), (), _Safe(fields))
    except (ValueError, IndexError, KeyError):
        return str(template)


def run_rules(subject, ruleset):
    """Run every rule on ``subject``; findings sorted by line."""
    from . import check_rules as r
    from . import check_text as t

    rules = [r.rule_contents, r.rule_dates, r.rule_totals_data, r.rule_totals_text,
             r.rule_jumps_data, r.rule_jumps_text, r.rule_conflicts, t.rule_repeats,
             t.rule_names, t.rule_terms, t.rule_fazhi, t.rule_brackets, t.rule_halfwidth,
             t.rule_spacing, t.rule_numbering, r.rule_plan]
    subject.phrases = ruleset.phrases
    subject.rules = ruleset.rules
    out, seen = [], set()

    def emit(rule_id, unit, quote="", **fields):
        spec = ruleset.rules.get(rule_id)
        if spec is None or spec.get("enabled") is False:
            return
        f = CheckFinding(
            rule=rule_id, severity=spec["severity"],
            file=unit.file if unit is not None else subject.file,
            line=unit.line if unit is not None else None,
            where=unit.where if unit is not None else "",
            message=_fill(spec["message"], fields),
            suggestion=_fill(spec.get("suggestion", ""), fields), quote=quote,
            place=unit.place if unit is not None else "",
            outline=unit.outline if unit is not None else "",
            source=str(spec.get("source", "")))
        key = (f.rule, f.line, f.where, f.message, f.quote)
        if key not in seen:
            seen.add(key)
            out.append((unit.order if unit is not None else 0, len(out), f))

    for rule in rules:
        rule(subject, emit)
    t.rule_patterns(subject, emit, ruleset.rules)
    # in the report's order (the same for a YAML file and its workbook), then as found
    return [f for _o, _n, f in sorted(out, key=lambda x: (x[0], x[1]))]


def _subject(doc, file, units, **kw):
    from .check_rules import Subject, parse_cn_date

    return Subject(doc=doc, file=file, units=list(units), date=parse_cn_date(doc.date),
                   date_unit=units.date_unit, node_units=units.node_units, **kw)


def _previous_document(loaded):
    """Last year's document of a data file's department, or None."""
    from .api import LoadedYear
    from .catalog import load_outline
    from .document import from_loaded

    prev = loaded.previous
    if prev is None:
        return None
    try:
        outline = load_outline(prev.outline, os.path.dirname(os.path.abspath(prev.path)))
        history = {y: d for y, d in loaded.history.items() if y < prev.year}
        return from_loaded(LoadedYear(prev, outline, loaded.catalog, [], history))
    except Exception:  # last year's file is checked on its own
        return None


def check_loaded(loaded, ruleset=None, file=None):
    """Findings for a validated department-year (:class:`lawreport.api.LoadedYear`)."""
    from .document import from_loaded

    ruleset = ruleset or load_rules()
    doc = from_loaded(loaded)
    # the previous year's file is named as this one is: by its name alone in a report
    # (no path of the build machine in what is published), else as the caller shows it
    prev = ""
    if loaded.previous:
        prev = (os.path.basename(loaded.previous.path) if file and not os.path.dirname(file)
                else _display(loaded.previous.path))
    file = file or _display(loaded.data.path)
    units = document_units(doc, file, loaded)
    fig_lines = {fid: loaded.data.line_of(f"figures.{fid}") for fid in loaded.data.figures}
    s = _subject(doc, file, units, is_data=True, data=loaded.data, catalog=loaded.catalog,
                 previous_data=loaded.previous, previous_doc=_previous_document(loaded),
                 previous_file=prev,
                 figure_lines=fig_lines)
    return run_rules(s, ruleset)


def check_document(doc, file, ruleset=None, previous=None, previous_file=""):
    """Findings for a published report read as a :class:`lawreport.document.Document`.

    ``previous`` is last year's report (a Document) for the plan follow-through and
    the year-over-year figures.
    """
    ruleset = ruleset or load_rules()
    units = document_units(doc, file)
    _lines_of_front_and_back(units, file)
    s = _subject(doc, file, units, previous_doc=previous, previous_file=previous_file)
    return run_rules(s, ruleset)


def _lines_of_front_and_back(units, path):
    """The lines of a plain-text report's title, signature and date, which the document
    tree does not carry: the first line holding the title, the last holding the date."""
    if not path.lower().endswith((".txt", ".text", ".md")) or not os.path.isfile(path):
        return
    try:
        with open(path, encoding="utf-8-sig") as fh:
            lines = [re.sub(r"\s+", "", ln) for ln in fh]
    except (OSError, UnicodeDecodeError):
        return
    for u in units:
        if u.line is not None or u.kind not in ("title", "signature", "date"):
            continue
        want = re.sub(r"\s+", "", u.text)
        if not want:
            continue
        order = range(len(lines)) if u.kind == "title" else range(len(lines) - 1, -1, -1)
        for k in order:
            if lines[k] and (want in lines[k] or (u.kind == "title" and lines[k] in want
                                                  and len(lines[k]) >= 4)):
                u.line = k + 1
                break


# -- inputs --------------------------------------------------------------------------------


def _load_data_file(path, catalog_files=()):
    """(LoadedYear or None, findings of validation): InputError if unreadable."""
    from .api import LoadedYear, catalog_files_for
    from .catalog import load_catalog
    from .history import check_history, load_history
    from . import load
    from .validate import validate_file

    read = getattr(load, "load_data", None)  # YAML or an Excel workbook
    if read is None:
        if path.lower().endswith(".xlsx"):
            raise InputError(f"{path}: this version of lawreport reads YAML data files "
                             "only; save the workbook's data as <year>.yaml")
        read = load.load_yaml
    root = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    org = os.path.basename(os.path.dirname(os.path.abspath(path)))
    catalog = load_catalog(catalog_files_for(root, catalog_files, org))
    model, findings = read(path, partial=True)
    if model is None:
        msg = "\n".join(f.format() for f in findings) or f"{path}: cannot be read"
        raise InputError(f"{path}: cannot be read as a data file\n{msg}")
    data, outline, findings = validate_file(path, catalog)
    if data is None:
        return None, findings
    history, more = load_history(path, catalog)
    errors = check_history(data, catalog, history)
    if errors:
        return None, errors + findings
    return LoadedYear(data, outline, catalog, findings + more, history), []


def _invalid_findings(path, findings, ruleset):
    from .check_rules import TextUnit

    out = []
    spec = ruleset.rules.get("data.invalid")
    if spec is None or spec.get("enabled") is False:
        return out
    for f in findings:
        if f.level != "error":
            continue
        u = TextUnit("", "field", _display(path), f.line, f.field)
        out.append(CheckFinding("data.invalid", spec["severity"], u.file, u.line, u.where,
                                _fill(spec["message"], {"detail": f.message}),
                                _fill(spec.get("suggestion", ""), {"hint": f.hint}),
                                source=str(spec.get("source", ""))))
    return out


def read_report(path):
    """A published report as a Document (:func:`lawreport.extract.read_document`)."""
    try:
        from .extract import read_document
    except ImportError:
        raise InputError(f"{path}: reading published reports needs lawreport.extract, "
                         "which this installation lacks") from None
    return read_document(path)


def _is_data(path):
    return path.lower().endswith(DATA_SUFFIXES)


def check_path(path, rule_files=(), previous=None, catalog_files=()):
    """Check one data file or published report. Raises InputError if it cannot be read."""
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file or folder")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a folder (give it to check_paths)")
    if _is_data(path):
        root = os.path.dirname(os.path.dirname(os.path.abspath(path)))
        ruleset = load_rules(rule_files_for(root, rule_files))
        loaded, invalid = _load_data_file(path, catalog_files)
        org = os.path.basename(os.path.dirname(os.path.abspath(path)))
        stem = os.path.splitext(os.path.basename(path))[0]
        year = int(stem) if stem.isdigit() else None
        if loaded is None:
            return CheckResult(_display(path), _invalid_findings(path, invalid, ruleset),
                               "data", org, year)
        return CheckResult(_display(path), check_loaded(loaded, ruleset, _display(path)),
                           "data", loaded.data.org_slug, loaded.data.year)
    if not path.lower().endswith(REPORT_SUFFIXES):
        raise InputError(f"{path}: unknown kind of file: give a data file (.yaml) or a "
                         f"published report ({', '.join(REPORT_SUFFIXES)})")
    ruleset = load_rules(rule_files)
    doc = read_report(path)
    prev_doc = None
    if previous:
        prev_doc = _previous_for_report(previous, catalog_files)
        if prev_doc.year and doc.year and prev_doc.year >= doc.year:
            raise InputError(f"{path}: --previous {previous} is the {prev_doc.year} report, "
                             f"not an earlier year's: give last year's ({doc.year - 1}) "
                             "report or data file")
    findings = check_document(doc, _display(path), ruleset, prev_doc,
                              _display(previous) if previous else "")
    return CheckResult(_display(path), findings, "report", doc.org_slug, doc.year)


def _previous_for_report(previous, catalog_files=()):
    from .document import from_loaded

    if not os.path.isfile(previous):
        raise InputError(f"{previous}: no such file (--previous)")
    if _is_data(previous):
        loaded, invalid = _load_data_file(previous, catalog_files)
        if loaded is None:
            raise InputError(f"{previous}: the previous year's data has errors: run "
                             f"lawreport validate {previous}")
        return from_loaded(loaded)
    return read_report(previous)


def _expand(path):
    """The files a path stands for: a file, or every department-year of a data folder."""
    from .load import data_files

    if not os.path.isdir(path):
        return [path]
    found = data_files(path) or [os.path.join(path, n) for n in sorted(os.listdir(path))
                                 if re.fullmatch(r"\d{4}\.(?:ya?ml|xlsx)", n)]
    if not found:
        raise InputError(f"{path}: no <org>/<year>.yaml data files in this folder")
    return found


def check_paths(paths, rule_files=(), previous=None, catalog_files=()):
    """Check every input. Returns (results, errors): errors are (path, message) of the
    inputs that could not be read."""
    results, errors = [], []
    for path in paths:
        try:
            files = _expand(path)
        except InputError as exc:
            errors.append((path, str(exc)))
            continue
        for f in files:
            try:
                results.append(check_path(f, rule_files, previous, catalog_files))
            except InputError as exc:
                errors.append((f, str(exc)))
    return results, errors


# -- output --------------------------------------------------------------------------------


def format_text(results):
    out = []
    for r in results:
        for f in r.findings:
            out.append(f.format())
    return "\n".join(out)


def results_json(results, errors=()):
    return {"files": [{"file": r.file, "kind": r.kind, "org": r.org, "year": r.year,
                       "counts": r.counts(), "findings": [f.to_dict() for f in r.findings]}
                      for r in results],
            "unreadable": [{"file": p, "message": m} for p, m in errors]}


_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "script-src 'none'; base-uri 'none'; form-action 'none'")

_STYLE = """body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;
max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;
vertical-align:top;text-align:left}th{background:#f3f3f3}.error{color:#b00020}
.warning{color:#8a5a00}.info{color:#1f5f99}td.error,td.warning,td.info{white-space:nowrap}
q{background:#fff6d6;quotes:none}
small{color:#666}"""


def _at(line):
    """第 N 行 of a text file, or a workbook's sheet!cell."""
    if not line:
        return ""
    return f" 第 {line} 行" if isinstance(line, int) else f" {line}"


def check_page_html(result, title=None, report_href="report.html"):
    """A small self-contained page listing one report's findings (no scripts)."""
    counts = result.counts()
    title = title or f"{result.org} {result.year} 报告核查"
    rows = []
    for i, f in enumerate(result.findings, 1):
        place = os.path.basename(f.file) + _at(f.line)
        extra = f.where + (f"（{f.place}）" if f.place else "")
        if f.outline:
            extra += f"；提纲 {os.path.basename(f.outline)}"
        rows.append(
            f'<tr><td>{i}</td><td class="{f.severity}">{SEVERITY_ZH[f.severity]}</td>'
            f"<td>{html.escape(place)}<br><small>{html.escape(extra)}</small></td>"
            f"<td>{html.escape(f.message)}"
            + (f"<br><q>{html.escape(f.quote)}</q>" if f.quote else "")
            + f"</td><td>{html.escape(f.suggestion)}</td>"
            f"<td><code>{html.escape(f.rule)}</code><br><small>{html.escape(f.source)}</small>"
            "</td></tr>")
    summary = "，".join(f"{SEVERITY_ZH[s]} {counts[s]} 条" for s in SEVERITIES)
    body = ("<table><thead><tr><th>#</th><th>级别</th><th>位置</th><th>问题与原文</th>"
            "<th>建议</th><th>规则</th></tr></thead><tbody>" + "\n".join(rows)
            + "</tbody></table>") if rows else "<p>未发现问题。</p>"
    link = (f'<p><a href="{html.escape(report_href)}">打开报告</a></p>' if report_href else "")
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n"
            f"<p>由 lawreport check 自动核查，供审核人员参考；报告正文保持原样。{summary}。</p>\n"
            f"{link}\n{body}\n</body>\n</html>\n")


def write_check_files(loaded, folder, rule_files=()):
    """Write ``check.html`` and ``check.json`` (counts by severity) into ``folder``.

    Returns the findings.
    """
    data = loaded.data
    root = os.path.dirname(os.path.dirname(os.path.abspath(data.path)))
    ruleset = load_rules(rule_files_for(root, rule_files))
    findings = [replace(f, outline=os.path.basename(f.outline)) if f.outline else f
                for f in check_loaded(loaded, ruleset, os.path.basename(data.path))]
    result = CheckResult(os.path.basename(data.path), findings, "data", data.org_slug,
                         data.year)
    title = f"{data.org_name} {data.year} 年度报告核查"
    report = next((n for n in ("report.html", "report.pdf", "report.docx")
                   if os.path.isfile(os.path.join(folder, n))), None)
    with open(os.path.join(folder, "check.html"), "w", encoding="utf-8") as fh:
        fh.write(check_page_html(result, title, report))
    record = {"org": data.org_slug, "year": data.year, "counts": result.counts(),
              "total": len(findings), "page": "check.html",
              "findings": [f.to_dict() for f in findings]}
    with open(os.path.join(folder, "check.json"), "w", encoding="utf-8") as fh:
        json.dump(record, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
    return findings
