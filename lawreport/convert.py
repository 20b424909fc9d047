"""A yearly data file from one format to the other: YAML ⇄ Excel workbook, without loss.

Both readers give the same tree (:func:`lawreport.load.read_tree`); it becomes a
*plain document* of Python values, which either writer writes:

``{"org": {"slug", "name", "region"?, "level"?}, "year", "report_date"?, "outline",
"title"?, "figures": [(id, value)], "narrative": {"addressee"?, "preamble"?,
"parts": {key: {"intro"?, "items"?, "areas"?: [{"area"?, "title"?, "intro"?,
"items"?}]}}, "signature"?}}``

An item is a text, or ``{"lead", "text"?}``; a figure's value is a number, None (empty,
as in a draft) or, for a value that is not a number, its text, kept as it is so that
validation still reports it after the conversion. Texts are copied character for
character; only YAML comments are not carried over.
"""

from __future__ import annotations

import json
import os
import re

import yaml

from .exceptions import DataValidationError, InputError
from .findings import Finding, has_errors
from .load import TOP_KEYS
from .yamlread import Scalar

__all__ = ["read_document", "write_document", "write_yaml", "convert", "FORMATS"]

FORMATS = ("yaml", "xlsx")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


class _Shape(Exception):
    """The tree has a value of a type its field cannot have."""


def _is_nothing(v):
    return v is None or (isinstance(v, Scalar) and not v.quoted and
                         v.text in ("", "~", "null", "Null", "NULL"))


def _text(v):
    if _is_nothing(v):
        return None
    if not isinstance(v, Scalar):
        raise _Shape
    return v.text


def _list(v):
    if _is_nothing(v):
        return []
    if not isinstance(v, list):
        raise _Shape
    return v


def _dict(v):
    if _is_nothing(v):
        return {}
    if not isinstance(v, dict):
        raise _Shape
    return v


def _item(v):
    if isinstance(v, dict):
        if set(v) - {"lead", "text"}:
            raise _Shape
        out = {"lead": _text(v.get("lead"))}
        if "text" in v:
            out["text"] = _text(v["text"])
        return out
    return _text(v)


def _value(v):
    """A figure's value: a number, None when empty, else its text as written."""
    if _is_nothing(v):
        return None
    if not isinstance(v, Scalar):
        raise _Shape
    t = v.text.strip()
    if not v.quoted:
        plain = t.replace(",", "")
        if _NUMBER.fullmatch(plain) and not re.fullmatch(r"[+-]?0\d+", plain):
            return int(plain) if "." not in plain else float(plain)
    return v.text


def _flatten(tree, prefix, out):
    for key, v in tree.items():
        fid = f"{prefix}.{key}" if prefix else key
        if isinstance(v, dict):
            _flatten(v, fid, out)
        else:
            out.append((fid, _value(v)))


def to_plain(tree):
    """A loaded tree (see :func:`lawreport.load.read_tree`) → a plain document."""
    doc = {}
    if not isinstance(tree, dict) or set(tree) - set(TOP_KEYS):
        raise _Shape
    org = _dict(tree.get("org"))
    if set(org) - {"slug", "name", "region", "level"}:
        raise _Shape
    doc["org"] = {k: _text(org[k]) for k in ("slug", "name", "region", "level") if k in org}
    if "year" in tree:
        y = _text(tree["year"])
        doc["year"] = int(y) if y is not None and re.fullmatch(r"\d{4}", y) else y
    for key in ("report_date", "outline", "title"):
        if key in tree and not _is_nothing(tree[key]):
            doc[key] = _text(tree[key])
    figures = []
    _flatten(_dict(tree.get("figures")), "", figures)
    doc["figures"] = figures
    nar = _dict(tree.get("narrative"))
    if set(nar) - {"addressee", "preamble", "parts", "signature"}:
        raise _Shape
    plain = {}
    if "addressee" in nar:
        plain["addressee"] = _text(nar["addressee"])
    if "preamble" in nar:
        plain["preamble"] = _item(nar["preamble"])
    parts = {}
    for key, p in _dict(nar.get("parts")).items():
        p = _dict(p)
        if set(p) - {"intro", "items", "areas"}:
            raise _Shape
        part = {}
        if "intro" in p:
            part["intro"] = _item(p["intro"])
        if "items" in p:
            part["items"] = [_item(i) for i in _list(p["items"])]
        if "areas" in p:
            areas = []
            for a in _list(p["areas"]):
                a = _dict(a)
                if set(a) - {"area", "title", "intro", "items"}:
                    raise _Shape
                area = {k: _text(a[k]) for k in ("area", "title") if k in a}
                if "intro" in a:
                    area["intro"] = _item(a["intro"])
                if "items" in a:
                    area["items"] = [_item(i) for i in _list(a["items"])]
                areas.append(area)
            part["areas"] = areas
        parts[key] = part
    plain["parts"] = parts
    if "signature" in nar:
        plain["signature"] = _text(nar["signature"])
    doc["narrative"] = plain
    return doc


def read_document(path):
    """Read a data file of either format as a plain document.

    Returns
    -------
    (dict or None, list of Finding)
        None, with the findings, when the file cannot be read or its structure is
        wrong (anything but a figure's value: such values are carried over as they
        are and reported by validation).
    """
    from .load import build_model, read_tree

    path = os.fspath(path)
    tree, lines, findings = read_tree(path)
    if tree is None or has_errors(findings):
        return None, findings
    try:
        return to_plain(tree), []
    except _Shape:
        pass
    _data, more = build_model(tree, lines, path, partial=True)
    if path.lower().endswith(".xlsx"):
        from .xlsx import excel_hints

        more = excel_hints(more)
    return None, [f for f in more if f.level == "error"] or [Finding(
        "error", path, None, "", "the file's structure cannot be converted",
        "run lawreport validate on it and correct what it lists")]


# -- YAML writer -----------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Texts with line breaks as '|' blocks, nothing as nothing, lists indented."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _str(dumper, v):
    if "\n" in v:
        return dumper.represent_scalar("tag:yaml.org,2002:str", v, style="|")
    return dumper.represent_str(v)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(type(None), lambda d, _v: d.represent_scalar(
    "tag:yaml.org,2002:null", ""))


def _dump(obj):
    return yaml.dump(obj, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=10**9, default_flow_style=False)


def _scalar_yaml(v):
    """A figure's value as YAML text."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return json.dumps(str(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        from decimal import Decimal

        return format(Decimal(repr(v)), "f")
    return json.dumps(v, ensure_ascii=False)


def _key(k):
    return k if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", k) else json.dumps(k,
                                                                         ensure_ascii=False)


def _figures_yaml(figures, catalog=None):
    """The figures block, nested by the ids' dotted groups, a catalogue note on each."""
    tree = {}
    for fid, value in figures:
        node, segs = tree, fid.split(".")
        ok = all(isinstance(node.get(s, {}), dict) for s in segs[:-1])
        if ok:
            for s in segs[:-1]:
                node = node.setdefault(s, {})
                if not isinstance(node, dict):
                    ok = False
                    break
        if not ok or segs[-1] in node:
            tree[fid] = ("leaf", fid, value)  # cannot nest: keep the dotted id
        else:
            node[segs[-1]] = ("leaf", fid, value)
    lines = ["figures:"]

    def emit(node, depth):
        for k, v in node.items():
            pad = "  " * depth
            if isinstance(v, dict):
                lines.append(f"{pad}{_key(k)}:")
                emit(v, depth + 1)
                continue
            _tag, fid, value = v
            text = f"{pad}{_key(k)}: {_scalar_yaml(value)}".rstrip()
            ind = catalog.indicators.get(fid) if catalog is not None else None
            if ind is not None:
                text = f"{text:<44} # {ind.name}（{ind.unit}）"
            lines.append(text)

    emit(tree, 1)
    if len(lines) == 1:
        return "figures: {}\n"
    return "\n".join(lines) + "\n"


def write_yaml(doc, path, catalog=None, header=()):
    """Write a plain document as a YAML data file (``header``: comment lines on top)."""
    top = {"org": doc.get("org") or {}}
    for key in ("year", "report_date", "outline", "title"):
        if key in doc:
            top[key] = doc[key]
    out = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header)
    out += _dump(top) + "\n" + _figures_yaml(doc.get("figures") or [], catalog) + "\n"
    out += _dump({"narrative": doc.get("narrative") or {"parts": {}}})
    tmp = f"{os.fspath(path)}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(out)
    os.replace(tmp, path)


def write_document(doc, path, fmt, catalog=None, header=(), outline=None):
    """Write a plain document as ``fmt`` (yaml or xlsx); ``outline`` gives a workbook
    the headings of its parts and areas as cell notes."""
    if fmt == "xlsx":
        from .xlsx import write_xlsx

        write_xlsx(doc, path, catalog, outline)
    else:
        write_yaml(doc, path, catalog, header)


def _catalog_for(path):
    from .api import catalog_files_for
    from .catalog import load_catalog
    from .exceptions import CatalogError

    folder = os.path.dirname(os.path.abspath(path))
    try:
        return load_catalog(catalog_files_for(os.path.dirname(folder), (),
                                              os.path.basename(folder)))
    except CatalogError:
        return None


def _outline_for(doc, path):
    from .catalog import load_outline
    from .exceptions import CatalogError

    try:
        return load_outline(doc.get("outline") or "", os.path.dirname(os.path.abspath(path)))
    except (CatalogError, OSError, TypeError):
        return None


def convert(src, to, out, *, force=False):
    """Convert the data file ``src`` to format ``to`` (yaml or xlsx), written to ``out``.

    The written file is read back and compared with ``src``: the conversion is refused
    rather than lossy.

    Returns
    -------
    list of str
        Notes for the user (e.g. that a data folder now holds both formats).

    Raises
    ------
    DataValidationError
        ``src`` cannot be read or its structure is wrong.
    InputError
        Bad arguments, or ``out`` exists and ``force`` is false.
    """
    src, out = os.fspath(src), os.fspath(out)
    if to not in FORMATS:
        raise InputError(f"--to must be one of {', '.join(FORMATS)}, not '{to}'")
    want = (".xlsx",) if to == "xlsx" else (".yaml", ".yml")
    if not out.lower().endswith(want):
        raise InputError(f"--out {out}: --to {to} writes a file whose name ends with "
                         f"{' or '.join(want)}: give such a path")
    from .batch import check_input_file, check_output_path

    check_input_file(src, None, "one data file (<org>/<year>.yaml or .xlsx) to convert")
    if os.path.abspath(src) == os.path.abspath(out):
        raise InputError("--out is the file being converted")
    stem = os.path.splitext(os.path.basename(src))[0]
    check_output_path(out, "--out", example=f"{stem}.{to}")
    if os.path.exists(out) and not force:
        raise InputError(f"{out} exists; it is never overwritten without --force")
    doc, findings = read_document(src)
    if doc is None:
        raise DataValidationError(findings or [Finding(
            "error", src, None, "", "the file cannot be read", "check it with lawreport "
            "validate")])
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(folder, exist_ok=True)
    write_document(doc, out, to, _catalog_for(src),
                   header=(f"converted from {os.path.basename(src)} by lawreport convert",),
                   outline=_outline_for(doc, src))
    back, findings = read_document(out)
    if back != doc:
        raise InputError(f"{out}: the conversion would lose data (it reads back "
                         "differently); the file was written for inspection, please "
                         "report this")
    notes = []
    m = re.fullmatch(r"(\d{4})\.(?:ya?ml|xlsx)", os.path.basename(out))
    if m:
        twins = [n for n in os.listdir(folder) if n != os.path.basename(out) and
                 re.fullmatch(rf"{m.group(1)}\.(?:ya?ml|xlsx)", n)]
        if twins:
            notes.append(f"note: {folder} now holds {', '.join(twins)} and "
                         f"{os.path.basename(out)} for {m.group(1)}: keep one (delete or "
                         "move the other) before validating or building the folder")
    return notes
