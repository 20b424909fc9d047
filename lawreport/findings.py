"""Located findings: what is wrong, where, and how to fix it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

__all__ = ["Finding", "Cell", "has_errors"]


class Cell(int):
    """A cell of a workbook where a line number of a text file would be.

    It prints as ``数据!C14``, orders by sheet, row and column, and is an
    ``int`` (its row) wherever a line number is expected.
    """

    def __new__(cls, sheet, ref, sheet_order=0):
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        obj = super().__new__(cls, int(m.group(2)) if m else 0)
        obj.sheet, obj.ref, obj.sheet_order = sheet, ref, sheet_order
        col = 0
        for ch in (m.group(1) if m else ""):
            col = col * 26 + ord(ch) - 64
        obj._key = (sheet_order, int(obj), col)
        return obj

    def __reduce__(self):
        return (Cell, (self.sheet, self.ref, self.sheet_order))

    def __str__(self):
        return f"{self.sheet}!{self.ref}"

    __repr__ = __str__

    def __format__(self, spec):
        return format(str(self), spec)

    def _other(self, other):
        return other._key if isinstance(other, Cell) else (-1, int(other), 0)

    def __eq__(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return self._key == self._other(other)

    def __hash__(self):
        return hash(self._key)

    def __lt__(self, other):
        return self._key < self._other(other) if isinstance(other, int) else NotImplemented

    def __le__(self, other):
        return self._key <= self._other(other) if isinstance(other, int) else NotImplemented

    def __gt__(self, other):
        return self._key > self._other(other) if isinstance(other, int) else NotImplemented

    def __ge__(self, other):
        return self._key >= self._other(other) if isinstance(other, int) else NotImplemented


@dataclass(frozen=True)
class Finding:
    """One problem in an input file.

    ``level`` is ``"error"`` (stops a build) or ``"warning"`` (listed in the
    report's 数据核验 section). ``field`` is a dotted path such as
    ``figures.disclosure.total``. ``line`` is a line number, or for a
    workbook a :class:`Cell`. A warning also carries ``zh``, its wording
    in Chinese for the report.
    """

    level: str
    file: str
    line: int | None
    field: str
    message: str
    hint: str = ""
    zh: str = ""

    def format(self):
        if isinstance(self.line, Cell):  # a workbook: 2021.xlsx: 数据!C14: …
            where = f"{self.file}: {self.line}"
        else:
            where = f"{self.file}:{self.line}" if self.line else self.file
        out = f"{where}: {self.level}: {self.field or '(file)'}: {self.message}"
        if self.hint:
            out += f"\n    fix: {self.hint}"
        return out

    def to_dict(self):
        out = asdict(self)
        if isinstance(self.line, Cell):
            out["line"] = str(self.line)
        return out


def has_errors(findings):
    return any(f.level == "error" for f in findings)
