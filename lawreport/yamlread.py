"""Read YAML text safely, keeping the line of every value.

PyYAML's safe composer builds the node tree; we turn it into plain Python
ourselves so that we can (a) refuse duplicate keys, anchors and aliases,
(b) keep each value's line, and (c) keep every scalar's raw text, so that
YAML 1.1's silent retyping (``0101`` as octal, dates, ``yes`` as a boolean)
never decides what a field means: the field's expected type does.
"""

from __future__ import annotations

import codecs
import os

import yaml

from .findings import Finding

__all__ = ["Scalar", "read_yaml", "MAX_BYTES"]

#: Data files are a few kilobytes; anything past this is refused unread.
MAX_BYTES = 2 * 1024 * 1024


class Scalar:
    """A YAML scalar: raw text, whether it was quoted, the resolved tag, its line."""

    __slots__ = ("text", "quoted", "tag", "line")

    def __init__(self, text, quoted, tag, line):
        self.text, self.quoted, self.tag, self.line = text, quoted, tag, line

    def __repr__(self):
        return f"Scalar({self.text!r}, line={self.line})"


class _Fail(Exception):
    def __init__(self, finding):
        self.finding = finding


def _decode(raw, path):
    def err(msg, hint, line=None):
        raise _Fail(Finding("error", path, line, "", msg, hint))

    if not raw.strip():
        err("the file is empty", "write the department's data in it (see docs/data-format.md)")
    if b"\x00" in raw[:8192]:
        err("this is a binary file, not YAML text",
            "give the path of the department's .yaml data file (UTF-8 text)")
    if raw.startswith(codecs.BOM_UTF8):
        err("the file starts with a UTF-8 byte-order mark (BOM)",
            "save it as 'UTF-8' without BOM (in Notepad: 另存为 → 编码 UTF-8; "
            "in VS Code: 'Save with Encoding' → UTF-8)", 1)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        err("the file is UTF-16 encoded", "save it as UTF-8 (without BOM)", 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            err(f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line})",
                "save it with the encoding UTF-8", line)
        err("the file is encoded in GBK/GB18030 (common from Windows tools), not UTF-8",
            "save it as UTF-8: in Notepad 另存为 → 编码 选 UTF-8; in WPS/Excel-exported text "
            "choose UTF-8; or run: iconv -f GB18030 -t UTF-8 in.yaml > out.yaml", line)


def _yaml_error_finding(exc, path, text):
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    msg = f"malformed YAML: {problem}" + (f" ({context})" if context else "")
    hint = "check the indentation and punctuation on this line and the one before"
    if line is not None:
        src = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
        if "\t" in src or "'\\t'" in problem:
            hint = "YAML does not allow tabs for indentation: indent with spaces"
        elif ": " in src.split(":", 1)[-1]:
            hint = ("a value containing ': ' must be quoted or written as a block "
                    "(use '>-' and put the text on the next lines, indented)")
    return Finding("error", path, line, "", msg, hint)


def read_yaml(path, *, text=None, max_bytes=MAX_BYTES):
    """Read one YAML file.

    Returns
    -------
    (tree, lines, findings)
        ``tree`` is nested dicts/lists whose leaves are :class:`Scalar`, or None
        when the file cannot be read; ``lines`` maps dotted field paths to
        line numbers; ``findings`` holds the errors found.
    """
    path = os.fspath(path)
    try:
        if text is None:
            size = os.path.getsize(path)
            if size > max_bytes:
                raise _Fail(Finding(
                    "error", path, None, "",
                    f"the file is {size / 1_048_576:.1f} MB; a data file is at most "
                    f"{max_bytes // 1_048_576} MB",
                    "give the path of the department's yearly data file; split or trim "
                    "this one"))
            with open(path, "rb") as fh:
                raw = fh.read()
            text = _decode(raw, path)
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            raise _Fail(_yaml_error_finding(exc, path, text)) from None
        except RecursionError:
            raise _Fail(Finding("error", path, None, "", "the YAML nests too deeply",
                                "flatten the structure")) from None
    except OSError as exc:
        return None, {}, [Finding("error", path, None, "", f"cannot read the file: "
                                  f"{exc.strerror or exc}", "check the path")]
    except _Fail as f:
        return None, {}, [f.finding]
    if node is None:
        return None, {}, [Finding("error", path, None, "", "the file holds no data",
                                  "write the department's data in it")]
    lines, findings, seen = {}, [], set()
    tree = _walk(node, "", path, lines, findings, seen)
    return tree, lines, findings


def _walk(node, fieldpath, path, lines, findings, seen):
    line = node.start_mark.line + 1
    if id(node) in seen or getattr(node, "anchor", None):
        findings.append(Finding("error", path, line, fieldpath,
                                "anchors and aliases (& and *) are not allowed in data files",
                                "write the value out in full where it is used"))
        return None
    seen.add(id(node))
    if fieldpath:
        lines.setdefault(fieldpath, line)
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, node.style not in (None, ""), node.tag, line)
    if isinstance(node, yaml.SequenceNode):
        return [_walk(n, f"{fieldpath}.{i}" if fieldpath else str(i), path, lines, findings, seen)
                for i, n in enumerate(node.value)]
    out = {}
    for knode, vnode in node.value:
        kline = knode.start_mark.line + 1
        if not isinstance(knode, yaml.ScalarNode):
            findings.append(Finding("error", path, kline, fieldpath,
                                    "a key must be a plain name", "write the key as text"))
            continue
        key = knode.value
        if key == "<<":
            findings.append(Finding("error", path, kline, fieldpath,
                                    "merge keys (<<) are not allowed in data files",
                                    "write the values out in full"))
            continue
        sub = f"{fieldpath}.{key}" if fieldpath else key
        if key in out:
            findings.append(Finding("error", path, kline, sub,
                                    f"duplicate key '{key}' (first on line {lines.get(sub)})",
                                    "keep one of the two entries: YAML would silently "
                                    "drop the first"))
            continue
        lines[sub] = kline
        out[key] = _walk(vnode, sub, path, lines, findings, seen)
    return out
