"""The data model of a yearly report, independent of any file format.

A loader (``lawreport.load`` for YAML; an Excel loader can be added beside it)
turns a file into these objects; validation, statistics, narrative and export
only ever see these.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

__all__ = [
    "Indicator",
    "Breakdown",
    "Exhibit",
    "Catalog",
    "AreaSpec",
    "PartSpec",
    "PART_KINDS",
    "Outline",
    "Item",
    "Area",
    "PartText",
    "YearData",
]


# -- catalogue and outline -------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One figure a data file may hold."""

    id: str
    name: str
    unit: str
    kind: str = "count"  # count | percentage | number
    min: float | None = None
    max: float | None = None
    key: bool = False
    comparable: bool = True

    @property
    def bounds(self):
        """(low, high) after the kind's defaults."""
        low = 0 if self.min is None else self.min
        if self.max is not None:
            high = self.max
        elif self.kind == "percentage":
            high = 100
        else:
            high = 10_000_000
        return low, high


@dataclass(frozen=True)
class Breakdown:
    """A stated total (optional) and its parts."""

    id: str
    name: str
    parts: tuple[str, ...]
    total: str | None = None
    rule: str | None = None  # equal | at_least | None


@dataclass(frozen=True)
class Exhibit:
    """A chart or table placed in a part of the report."""

    id: str
    title: str
    kind: str  # bar | barh | pie | table
    breakdown: str
    part: str
    areas: tuple[str, ...] = ()
    extra: str | None = None  # a second breakdown shown in the same table
    columns: tuple[str, ...] = ()  # a table's own headers: label, value (and unit)


@dataclass
class Catalog:
    """Indicators, breakdowns and exhibits, merged from one or more files."""

    indicators: dict[str, Indicator] = field(default_factory=dict)
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    exhibits: list[Exhibit] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AreaSpec:
    key: str
    heading: str


#: what a part of the report is about, whatever its key and heading say: the five
#: contents of 《法治政府建设与责任落实督察工作规定》 (2019)
PART_KINDS = ("measures", "shortcomings", "leadership", "plan", "other")


@dataclass(frozen=True)
class PartSpec:
    key: str
    heading: str
    required: bool = True
    items: str = "none"  # continuous | per_area | none
    areas: tuple[AreaSpec, ...] = ()
    kind: str = "measures"  # one of PART_KINDS; an outline may hold several parts of one kind
    numbering: tuple = ()  # (level, template) pairs overriding the outline's for this part

    def area(self, key):
        for a in self.areas:
            if a.key == key:
                return a
        return None


@dataclass(frozen=True)
class Outline:
    """Which parts and areas a report has, their headings and numbering."""

    name: str
    title: str
    parts: tuple[PartSpec, ...]
    numbering: dict = field(default_factory=dict)
    description: str = ""
    source: str = ""

    def part(self, key):
        for p in self.parts:
            if p.key == key:
                return p
        return None

    def numbering_of(self, spec):
        """The numbering templates of part ``spec``: the outline's, then its own."""
        return {**self.numbering, **dict(spec.numbering)}


# -- a department-year's data ----------------------------------------------------------


@dataclass
class Item:
    """A numbered paragraph (or several); ``lead`` is a run-in heading printed before
    the text in the same paragraph, in bold: （一）健全依法决策机制。本年度……"""

    text: str
    line: int | None = None
    lead: str | None = None


@dataclass
class Area:
    key: str | None
    title: str | None
    items: list[Item]
    line: int | None = None
    intro: Item | None = None


@dataclass
class PartText:
    key: str
    intro: Item | None
    areas: list[Area]
    line: int | None = None
    #: items directly under the part heading, before any area
    items: list[Item] = field(default_factory=list)


@dataclass
class YearData:
    """Everything one data file says about one department-year."""

    path: str
    org_slug: str
    org_name: str
    year: int
    report_date: _dt.date | None
    outline: str
    title: str | None
    figures: dict[str, float]
    preamble: Item | None
    parts: dict[str, PartText]
    signature: str | None = None  # None: the department's name; "": no signature
    addressee: str | None = None  # 主送, e.g. 市委、市政府：
    lines: dict[str, int] = field(default_factory=dict)
    #: optional grouping of departments for the index: e.g. 某县, and 市/县/乡 or 部门/政府
    region: str | None = None
    level: str | None = None
    #: fields that failed to load (a partial model, for validation only)
    bad_fields: set = field(default_factory=set)

    def line_of(self, fieldpath):
        """Line of ``fieldpath`` in the source file, or of its nearest parent."""
        while fieldpath:
            if fieldpath in self.lines:
                return self.lines[fieldpath]
            fieldpath = fieldpath.rpartition(".")[0]
        return None
