"""Read YAML text safely, keeping the line of every value.

PyYAML's safe composer builds the node tree; we turn it into plain Python
ourselves so that we can (a) refuse duplicate keys, anchors and aliases,
(b) keep each value's line, and (c) keep every scalar's raw text, so that
YAML 1.1's silent retyping (``0101`` as octal, dates, ``yes`` as a boolean)
never decides what a field means: the field's expected type does.

Aliases are never expanded: each ``*name`` becomes a node of its own, located
where it is written, and is refused there, so an exponential alias bomb costs
no more than its text. Nesting is bounded (:data:`MAX_DEPTH`), so a deeply
nested file is refused at its line instead of exhausting the stack.

Speed: the events come from LibYAML's C parser when PyYAML has it (it gives the
same events with the same line marks as the pure-Python one), and only a file
that LibYAML refuses is parsed again by the pure-Python parser, whose messages
the findings explain. Each file is parsed once per process: the result is
kept, keyed by the file's path and bytes, and every caller gets its own copy
of the containers.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import threading
from collections import OrderedDict

import yaml

from .findings import Finding

__all__ = ["Scalar", "read_yaml", "clear_cache", "MAX_BYTES", "MAX_DEPTH"]

#: Data files are a few kilobytes; anything past this is refused unread.
MAX_BYTES = 2 * 1024 * 1024
#: A data file nests about seven levels (narrative.parts.<part>.areas.<i>.items.<j>).
MAX_DEPTH = 32
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
#: Spaces YAML does not take for spaces; Chinese input methods type the first.
_ODD_SPACES = {"\u3000": "full-width space (全角空格, U+3000)",
               "\u00a0": "no-break space (U+00A0)"}
_ODD_INDENT = re.compile("[ \t]*([\u3000\u00a0])[ \u3000\u00a0]*"
                         "(?:-\\s|[A-Za-z0-9_.\"'-]+\\s*[:：])")
_ODD_COLON = re.compile(r"\s*(?:-\s+)?[A-Za-z_][\w.]*(?:\s*(：)|:([\u3000\u00a0]))")


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


class _TooDeep(Exception):
    def __init__(self, mark):
        self.mark = mark


class _Composing:
    """The safe composer, with aliases kept as nodes of their own and bounded nesting.

    An alias becomes a :class:`yaml.ScalarNode` with an ``alias`` attribute
    (the anchor's name) at the alias's own position; an anchored node gets an
    ``anchor`` attribute. Neither is registered or expanded, so undefined or
    duplicate anchors are no YAML error: :func:`_walk` refuses them all.
    """

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            node = yaml.ScalarNode("tag:lawreport,2024:alias", f"*{event.anchor}",
                                   event.start_mark, event.end_mark)
            node.alias = event.anchor
            return node
        event = self.peek_event()
        if self._depth >= MAX_DEPTH:
            raise _TooDeep(event.start_mark)
        self._depth += 1
        try:
            self.descend_resolver(parent, index)
            if self.check_event(yaml.ScalarEvent):
                node = self.compose_scalar_node(None)
            elif self.check_event(yaml.SequenceStartEvent):
                node = self.compose_sequence_node(None)
            else:
                node = self.compose_mapping_node(None)
            self.ascend_resolver()
        finally:
            self._depth -= 1
        node.anchor = event.anchor
        return node


class _Loader(_Composing, yaml.SafeLoader):
    """Pure-Python scanner and parser: the reference, and the messages of findings."""


try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # PyYAML built without LibYAML
    _CParser = None
if _CParser is not None:
    class _FastLoader(_Composing, yaml.composer.Composer, _CParser, yaml.resolver.Resolver):
        """LibYAML's scanner and parser (C) under the same Python composer."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:
    _FastLoader = None

#: Text on which LibYAML and the pure-Python parser disagree: LibYAML takes a tab
#: where YAML allows none, skips byte-order marks (U+FEFF) inside the text, and
#: places an empty value at the very end of a text without a final line break one
#: line further. Such a text is read by the pure-Python parser alone (data files
#: end with a line break and hold neither).
_FAST_PARSER_DIFFERS = re.compile("[\t\ufeff]|[^\n]\\Z", re.S)

#: Parsed files of this process: (path, sha256 of the bytes) → (tree, lines, findings).
_CACHE = OrderedDict()
_CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()


def _decode(raw, path):
    def err(msg, hint, line=None):
        raise _Fail(Finding("error", path, line, "", msg, hint))

    if not raw.strip():
        err("the file is empty", "write the department's data in it (see docs/data-format.md)")
    if raw.startswith(codecs.BOM_UTF8):
        err("the file starts with a UTF-8 byte-order mark (BOM)",
            "save it as 'UTF-8' without BOM (in Notepad: 另存为 → 编码 UTF-8; "
            "in VS Code: 'Save with Encoding' → UTF-8)", 1)
    # before the binary test: UTF-16 text is full of zero bytes
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        err("the file is UTF-16 encoded ('Unicode' in Notepad), not UTF-8",
            "save it as UTF-8 (without BOM)", 1)
    if b"\x00" in raw[:8192]:
        err("this is a binary file, not YAML text",
            "give the path of the department's .yaml data file (UTF-8 text)")
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


def _line_at(text, index):
    """1-based line of character ``index``, counting line breaks as YAML does."""
    return len(_LINE_BREAK.findall(text, 0, index)) + 1


def _odd_characters(src):
    """(what is wrong, how to fix it) for full-width input in the YAML syntax of ``src``."""
    m = _ODD_INDENT.match(src)
    if m:
        return (f"this line is indented with a {_ODD_SPACES[m.group(1)]}",
                "indent with ordinary half-width spaces (半角空格) only")
    m = _ODD_COLON.match(src)
    if m and m.group(1):
        return ("the key is followed by a full-width colon '：'",
                "write a half-width colon and a space after the key (key: value)")
    if m:
        return (f"the ':' after the key is followed by a {_ODD_SPACES[m.group(2)]}",
                "write an ordinary half-width space (半角空格) after the ':'")
    return None


def _explain(problem, context, src):
    """(what is wrong, how to fix it) in the user's terms, or None if unknown."""
    if context == "while scanning a quoted scalar":
        return ("a quoted value starts on this line and its closing quote is missing",
                "add the closing quote at the end of the value (or remove the opening one)")
    if "unknown escape character" in problem:
        return ("a backslash in double quotes starts an escape such as \\n",
                "inside double quotes write a backslash as \\\\, or use single quotes")
    if context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        o, c = ("[", "]") if "sequence" in context else ("{", "}")
        hint = f"close it with '{c}' on the same line"
        if o == "{":
            hint += (", or, if the value is text starting with a placeholder such as "
                     "{year}, quote the whole text or write it as a block ('|-' and the "
                     "text on the next line, indented)")
        else:
            hint += ", or write the list one '- item' per line"
        return f"the '{o}' on this line is never closed", hint
    if context == "while scanning a simple key":
        return ("this line is neither 'key: value' nor '- item' (no ':' after the key)",
                "add ': ' after the key; if the line continues the text above, write that "
                "text as a block ('|-' and the text on the next lines, indented)")
    if "'\\t'" in problem or "\t" in src[: len(src) - len(src.lstrip())]:
        return ("a tab is used for indentation",
                "YAML does not allow tabs for indentation: indent with spaces")
    if problem.startswith("mapping values are not allowed"):
        if ": " in src.split(":", 1)[-1] or src.rstrip().endswith(":") and src.count(":") > 1:
            return ("a ':' followed by a space inside a value",
                    "a value containing ': ' must be quoted or written as a block "
                    "(use '>-' and put the text on the next lines, indented)")
        return ("a 'key:' where YAML does not expect one",
                "check the indentation: this line is indented deeper than the other "
                "entries at its level")
    if problem.startswith("expected <block end>"):
        if re.match(r"\s*(?:-\s+|[^#{]*?:\s+)\{", src):
            return ("a value that starts with '{' is read as a YAML mapping",
                    "put the whole text in quotes, or write it as a block ('|-' and the "
                    "text on the next line, indented): a placeholder such as {year} may "
                    "not start an unquoted value")
        return ("this line is not indented like the lines above it",
                "indent it with as many spaces as the other entries at its level "
                "(compare it with the line before)")
    if "expected '<document start>'" in problem:
        return ("the file's top-level value ended before this line, so this line belongs "
                "to nothing",
                "start the top-level fields (org:, year:, …) at the left margin, with no "
                "indentation, and check the first lines of the file")
    if "expected a single document" in problem + context:
        return ("a second YAML document starts here ('---'); a data file holds one",
                "remove the '---' line, and what follows it if it is not this year's data")
    if context == "while scanning a block scalar":
        return ("after '|' or '>' only '-', '+' or a digit may follow on the same line",
                "start the text on the next line, indented under the key")
    if context == "while scanning a directive":
        return ("a line that starts with '%' is read as a YAML directive",
                "indent the line like the text it belongs to, or put the value in quotes")
    m = re.match(r"expected the node content, but found '(.+)'", problem)
    if m:
        return (f"a value cannot start with '{m.group(1)}' in YAML",
                "put the value in quotes, or write the missing value")
    if context in ("while scanning an alias", "while scanning an anchor"):
        return ("a value that starts with '*' or '&' is read as a YAML alias or anchor",
                "put the value in quotes")
    m = re.match(r"found character '(.+)' that cannot start any token", problem)
    if m:
        return (f"a value cannot start with '{m.group(1)}' in YAML", "put the value in quotes")
    return None


def _yaml_error_finding(exc, path, text):
    if isinstance(exc, yaml.reader.ReaderError):
        line = _line_at(text, exc.position) if isinstance(exc.position, int) else None
        code = exc.character if isinstance(exc.character, int) else None
        what = f" U+{code:04X}" if code is not None else ""
        return Finding("error", path, line, "",
                       f"the file contains the control character{what}, which YAML does "
                       "not allow",
                       "delete it: it is invisible in most editors and often comes with "
                       "text pasted from Word or a PDF")
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    pmark = getattr(exc, "problem_mark", None)
    cmark = getattr(exc, "context_mark", None)
    lines = _LINE_BREAK.split(text)
    pline = pmark.line + 1 if pmark is not None else None
    cline = cmark.line + 1 if cmark is not None else None
    # an unclosed quote or bracket is fixed where it opens, not where YAML gave up
    opened = context in ("while scanning a quoted scalar", "while parsing a flow sequence",
                         "while parsing a flow mapping", "while scanning a simple key")
    line = cline if opened and cline is not None else (pline or cline)
    src = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
    if "expected '<document start>'" in problem and line is not None:
        # YAML stopped reading at a '...' (end of document) or '%' (directive) line
        for n in range(min(line, len(lines)) - 1, 0, -1):
            if re.match(r"(?:%|\.\.\.(?:\s|$))", lines[n - 1]):
                return Finding(
                    "error", path, n, "",
                    f"malformed YAML: a line starting with "
                    f"'{'...' if lines[n - 1].startswith('...') else '%'}' ends the data "
                    f"here (YAML says: {problem} at line {line})",
                    "delete the line, or indent it like the text it belongs to")
    known = None
    # full-width spaces or colons on this line or the one before are the likely cause
    for n in (line, line - 1) if line is not None else ():
        if 0 < n <= len(lines) and (known := _odd_characters(lines[n - 1])):
            line = n
            break
    known = known or _explain(problem, context, src)
    if known is None:
        msg = f"malformed YAML: {problem}" + (f" ({context})" if context else "")
        hint = "check the indentation and punctuation on this line and the one before"
    else:
        what, hint = known
        where = f" at line {pline}" if pline is not None and pline != line else ""
        said = f"{context}, {problem}" if problem.startswith("but ") else problem
        msg = f"malformed YAML: {what} (YAML says: {said}{where})"
    return Finding("error", path, line, "", msg, hint)


def _compose(text, loader):
    """The node tree of ``text`` (None for an empty document) with ``loader``."""
    return yaml.compose(text, Loader=loader)


def _parse(text, path):
    """(tree, lines, findings) of decoded ``text``, LibYAML first."""
    if _FastLoader is not None and not _FAST_PARSER_DIFFERS.search(text):
        try:
            node = _compose(text, _FastLoader)
        except Exception:  # the pure parser says what is wrong
            pass
        else:
            return _tree_of(node, path)
    try:
        node = _compose(text, _Loader)
    except yaml.YAMLError as exc:
        raise _Fail(_yaml_error_finding(exc, path, text)) from None
    except _TooDeep as exc:
        raise _Fail(Finding(
            "error", path, exc.mark.line + 1, "",
            f"the data nests more than {MAX_DEPTH} levels deep here",
            "a data file needs a few levels (figures → group → figure); check the "
            "indentation and the brackets")) from None
    except RecursionError:
        raise _Fail(Finding("error", path, None, "", "the YAML nests too deeply",
                            "flatten the structure")) from None
    return _tree_of(node, path)


def _tree_of(node, path):
    if node is None:
        return None, {}, [Finding("error", path, None, "",
                                  "the file holds no data (only comments or blank lines)",
                                  "write the department's data in it (see "
                                  "docs/data-format.md)")]
    lines, findings = {}, []
    tree = _walk(node, "", path, lines, findings)
    return tree, lines, findings


def _copy(tree):
    """A copy of the containers of ``tree`` (scalars are shared: nobody changes them)."""
    if isinstance(tree, dict):
        return {k: _copy(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_copy(v) for v in tree]
    return tree


def _cached_parse(text, path):
    key = (path, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
    if hit is None:
        try:
            hit = ("ok", _parse(text, path))
        except _Fail as f:
            hit = ("fail", f.finding)
        with _CACHE_LOCK:
            _CACHE[key] = hit
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    if hit[0] == "fail":
        raise _Fail(hit[1])
    tree, lines, findings = hit[1]
    return _copy(tree), dict(lines), list(findings)


def clear_cache():
    """Forget the files parsed so far in this process."""
    with _CACHE_LOCK:
        _CACHE.clear()


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
        return _cached_parse(text, path)
    except OSError as exc:
        return None, {}, [Finding("error", path, None, "", f"cannot read the file: "
                                  f"{exc.strerror or exc}", "check the path")]
    except _Fail as f:
        return None, {}, [f.finding]


def _refused(node):
    """(message, hint) if ``node`` is an alias or carries an anchor, else None."""
    alias = getattr(node, "alias", None)
    if alias is not None:
        return (f"an alias (*{alias}) is not allowed in data files: it repeats the value "
                f"marked &{alias}", "write the value out in full here")
    anchor = getattr(node, "anchor", None)
    if anchor is not None:
        return (f"an anchor (&{anchor}) is not allowed in data files",
                f"remove '&{anchor}' and write the value out in full wherever it is used")
    return None


def _walk(node, fieldpath, path, lines, findings):
    line = node.start_mark.line + 1
    refused = _refused(node)
    if refused:
        findings.append(Finding("error", path, line, fieldpath, *refused))
        return None
    if fieldpath:
        lines.setdefault(fieldpath, line)
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, node.style not in (None, ""), node.tag, line)
    if isinstance(node, yaml.SequenceNode):
        return [_walk(n, f"{fieldpath}.{i}" if fieldpath else str(i), path, lines, findings)
                for i, n in enumerate(node.value)]
    out = {}
    for knode, vnode in node.value:
        kline = knode.start_mark.line + 1
        refused = _refused(knode)
        if refused:
            findings.append(Finding("error", path, kline, fieldpath, *refused))
            continue
        if not isinstance(knode, yaml.ScalarNode):
            findings.append(Finding("error", path, kline, fieldpath,
                                    "a key must be a plain name", "write the key as text"))
            continue
        key = knode.value
        odd = [c for c in key if c.isspace() and c not in " \t"]
        if odd or key != key.strip():
            what = _ODD_SPACES.get(odd[0], f"space U+{ord(odd[0]):04X}") if odd else "space"
            findings.append(Finding("error", path, kline, fieldpath,
                                    f"the key '{key}' contains a {what}",
                                    f"write the key as '{key.strip()}', indented with "
                                    "ordinary half-width spaces (半角空格) only"))
            continue
        if key == "<<" and not knode.style:
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
        out[key] = _walk(vnode, sub, path, lines, findings)
    return out
