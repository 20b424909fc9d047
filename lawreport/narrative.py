"""Narrative text: placeholders, Chinese numerals, numbering, change wording."""

from __future__ import annotations

import datetime as _dt
import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "parse_placeholders",
    "PlaceholderError",
    "render",
    "format_value",
    "cn_number",
    "round_half_up",
    "heading_label",
    "cn_date",
    "text_context",
    "FORMATS",
    "KNOWN_FORMATS",
]

FORMATS = ("", "cn", "cnq", "sep", "prev", "yoy")
#: the formats as a message lists them: ":cn, :cnq, :sep, :prev, :yoy"
KNOWN_FORMATS = ", ".join(":" + f for f in FORMATS if f)
_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.]*)(?::([a-z]+))?\}|[{}]")
_DIGITS = "零一二三四五六七八九"


class PlaceholderError(ValueError):
    """A brace that opens or closes no placeholder, or an unknown format."""

    def __init__(self, message, column):
        super().__init__(message)
        self.column = column


def parse_placeholders(text):
    """Split ``text`` into literal strings and ``(name, format)`` placeholders.

    Raises
    ------
    PlaceholderError
        On an unbalanced brace or an unknown format.
    """
    out, pos = [], 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        tok = m.group(0)
        if tok in ("{{", "}}"):
            out.append(tok[0])
        elif m.group(1):
            fmt = m.group(2) or ""
            if fmt not in FORMATS:
                raise PlaceholderError(
                    f"unknown format ':{fmt}' in '{tok}' (known: {KNOWN_FORMATS})", m.start() + 1)
            out.append((m.group(1), fmt))
        else:
            snippet = text[max(0, m.start() - 8): m.start() + 9]
            raise PlaceholderError(
                f"unbalanced '{tok}' at character {m.start() + 1} (near '{snippet}')",
                m.start() + 1)
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def round_half_up(value, ndigits=0):
    """Round like Chinese statistical practice (四舍五入): 2.5 → 3, 0.125 → 0.13."""
    q = Decimal(1).scaleb(-ndigits)
    return float(Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP))


def format_value(value, fmt="", kind="count"):
    """A figure as it is written in the text."""
    if fmt in ("cn", "cnq"):
        if float(value).is_integer() and value >= 0:
            n = int(value)
            return "两" if (fmt == "cnq" and n == 2) else cn_number(n)
        fmt = ""
    sep = "," if fmt == "sep" else ""
    if float(value).is_integer():
        return f"{int(value):{sep}d}"
    text = f"{round_half_up(value, 2):{sep}.2f}".rstrip("0").rstrip(".")
    return text


def cn_number(n):
    """Chinese numerals for a whole number 0 ≤ n < 10^8: 28 → 二十八, 105 → 一百零五."""
    n = int(n)
    if n < 0:
        return "负" + cn_number(-n)
    if n < 10:
        return _DIGITS[n]
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        out = cn_number(high) + "万"
        if low:
            out += ("零" if low < 1000 else "") + cn_number(low)
        return out
    units = ((1000, "千"), (100, "百"), (10, "十"))
    out, zero = "", False
    for size, name in units:
        d, n = divmod(n, size)
        if d:
            if zero:
                out += "零"
            out += _DIGITS[d] + name
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    if out.startswith("一十"):
        out = out[1:]
    return out


def cn_date(d):
    """2021-12-30 → 2021年12月30日."""
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d)
    return f"{d.year}年{d.month}月{d.day}日"


def text_context(data):
    """The values a placeholder may name besides figures."""
    return {"year": data.year, "next_year": data.year + 1, "prev_year": data.year - 1,
            "org.name": data.org_name}


def render(text, values, kinds=None, previous=None, units=None):
    """Fill the placeholders of ``text`` from ``values`` (figures and context).

    ``previous`` holds the previous year's figures, for ``{id:prev}`` (its
    value) and ``{id:yoy}`` (同比 wording); ``kinds`` and ``units`` come from
    the catalogue.
    """
    from .history import change_wording

    kinds, units, previous = kinds or {}, units or {}, previous or {}
    out = []
    for piece in parse_placeholders(text):
        if isinstance(piece, str):
            out.append(piece)
            continue
        name, fmt = piece
        value = values[name]
        if fmt == "prev":
            out.append(format_value(previous[name]))
            continue
        if fmt == "yoy":
            out.append(change_wording(value, previous[name], kinds.get(name, "count"),
                                      units.get(name, "")))
            continue
        if isinstance(value, str):
            out.append(value)
        else:
            out.append(format_value(value, fmt, kinds.get(name, "count")))
    return "".join(out)


def circled(n):
    """① … ⑳ for 1 … 20, then ㉑ … ㊿ up to 50; beyond, the number in brackets."""
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return f"({n})"


def heading_label(template, n):
    """Apply a numbering template: ("{cn}、", 2) → 二、; ("（{cn}）", 1) → （一）;
    ("{circled}", 3) → ③; "" → "" (no numbering)."""
    return (template.replace("{cn}", cn_number(n)).replace("{n}", str(n))
            .replace("{circled}", circled(n)))

