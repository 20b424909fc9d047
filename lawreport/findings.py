"""Located findings: what is wrong, where, and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Finding", "has_errors"]


@dataclass(frozen=True)
class Finding:
    """One problem in an input file.

    ``level`` is ``"error"`` (stops a build) or ``"warning"`` (listed in the
    report's 数据核验 section). ``field`` is a dotted path such as
    ``figures.disclosure.total``. A warning also carries ``zh``, its wording
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
        where = f"{self.file}:{self.line}" if self.line else self.file
        out = f"{where}: {self.level}: {self.field or '(file)'}: {self.message}"
        if self.hint:
            out += f"\n    fix: {self.hint}"
        return out

    def to_dict(self):
        return asdict(self)


def has_errors(findings):
    return any(f.level == "error" for f in findings)
