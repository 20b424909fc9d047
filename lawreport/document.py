"""The document model: one tree for a report, whatever it was read from or is written to.

A report is a tree::

    Document: title, addressee, preamble, parts, signature, date
      Part: number label, heading, kind, intro, items, sections, exhibits
        Section (an area): label, heading, intro, items, exhibits
          Item: label, optional run-in lead, text (paragraphs)

:func:`from_loaded` makes it from a validated department-year (data + outline +
catalogue, placeholders filled); ``lawreport.extract`` makes it from a published
text. Writers (``lawreport.render`` for HTML) only ever read the tree; the part
notebooks display one part of it each.

Every text here is plain text: a writer escapes it for its format.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

__all__ = ["Item", "ExhibitRef", "Section", "Part", "Document", "from_loaded",
           "place_exhibits", "paragraphs", "title_lines"]


#: where a title may be broken without breaking a word: around 关于, after its year
#: (2023年度), before what the report is about (法治政府…, 推进…, 依法行政)
_TITLE_BREAK = re.compile(r"(?=关于)|(?<=关于)|(?<=\d年度)(?!报告)|(?<=\d年)(?![度\d报])|"
                          r"(?=法治政府)|(?=法治建设)|(?=推进法治)|(?=依法行政)")


def _title_width(text):
    """Width in full-width characters: a space counts half; an ASCII letter or digit
    0.6, as the title's face sets them (a digit of Noto Serif CJK SC Bold is 0.59 of a
    character: 2023 is 2.4 characters wide, not 2)."""
    return sum(1 if ord(c) >= 0x2E80 else 0.5 if c.isspace() else 0.6 for c in text)


def title_lines(title, per_line=20):
    """A title too long for one line of ``per_line`` characters (2号, 22 pt, in the
    156 mm = 442 pt text block of GB/T 9704: 20; 20.3 as the page sets them 0.21 pt
    tighter, so a line of 20 fits and one of 20.4 leaves a character alone on the
    next line), broken as GB/T 9704 asks
    (回行时词意完整, 排列对称): at a break that splits no word (after 关于, after the
    year, before 法治政府…), into lines as even as can be; the title whole when it fits
    one line or no such break makes it fit (the page then breaks it)."""
    title = title.strip()
    if _title_width(title) <= per_line:
        return [title]
    cuts = sorted({m.start() for m in _TITLE_BREAK.finditer(title)} - {0, len(title)})

    def lines(at):
        bounds = [0, *at, len(title)]
        return [title[a:b].strip() for a, b in zip(bounds, bounds[1:])]

    best = None
    for n in (1, 2):  # two lines if they can be, else three
        for at in itertools.combinations(cuts, n):
            parts = lines(at)
            widths = [_title_width(x) for x in parts]
            if not all(parts) or max(widths) > per_line:
                continue
            key = (max(widths) - min(widths), widths[0] > widths[-1])  # even, then 正梯形
            if best is None or key < best[0]:
                best = (key, parts)
        if best is not None:
            return best[1]
    return [title]


def paragraphs(text):
    """The paragraphs of a text: separated by blank lines, inner line breaks joined."""
    out = []
    for p in (text or "").split("\n\n"):
        p = p.strip()
        if p:
            lines = [ln.strip() for ln in p.split("\n")]
            out.append(_join_lines(lines))
    return out


def _join_lines(lines):
    out = lines[0]
    for ln in lines[1:]:
        # Chinese text joins without a space; Latin words keep one
        if out and ln and out[-1].isascii() and out[-1].isalnum() and ln[0].isascii() \
                and ln[0].isalnum():
            out += " " + ln
        else:
            out += ln
    return out


@dataclass
class Item:
    """A numbered paragraph (or several): ``label`` as printed (``1. ``, ``（一）`` or
    ``""``), an optional run-in ``lead`` printed bold before the text."""

    text: str
    label: str = ""
    lead: str | None = None
    where: str = ""  # the data field (narrative.parts.x.items.0) or a place in a text
    line: int | None = None

    @property
    def paragraphs(self):
        return paragraphs(self.text)

    def plain(self):
        """The item as printed, one line per paragraph."""
        paras = self.paragraphs
        first = self.label + (self.lead or "") + (paras[0] if paras else "")
        return "\n".join([first, *paras[1:]])


@dataclass
class ExhibitRef:
    """A chart or table of the catalogue placed in a part (drawn by the writer)."""

    id: str
    title: str
    kind: str  # bar | barh | pie | table
    spec: object = None  # lawreport.model.Exhibit


@dataclass
class Section:
    """An area of a part: heading, optional intro, items, exhibits placed after it."""

    heading: str
    label: str = ""
    key: str | None = None
    intro: Item | None = None
    items: list[Item] = field(default_factory=list)
    exhibits: list[ExhibitRef] = field(default_factory=list)
    where: str = ""
    line: int | None = None

    @property
    def arabic(self):
        """Numbered 1. or （1）: the official layout sets such a heading in 仿宋, as the
        body, not in the 楷体 of （一） (GB/T 9704's third and fourth levels)."""
        from .check_text import label_level

        level = label_level(self.label)
        return level is not None and level[0] in (3, 4)


@dataclass
class Part:
    """A numbered part (一、…) of one kind: measures, shortcomings, leadership, plan, other."""

    key: str
    kind: str
    heading: str
    label: str = ""
    number: int = 0
    intro: Item | None = None
    items: list[Item] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    exhibits: list[ExhibitRef] = field(default_factory=list)  # at the part's end
    where: str = ""
    line: int | None = None

    def all_items(self):
        """Every item of the part, in printed order."""
        out = list(self.items)
        for s in self.sections:
            out += s.items
        return out


@dataclass
class Document:
    """One report."""

    title: str
    org_name: str = ""
    org_slug: str = ""
    year: int | None = None
    show_org: bool = False  # print the department's name above a title that lacks it
    addressee: str | None = None
    preamble: Item | None = None
    parts: list[Part] = field(default_factory=list)
    signature: str | None = None
    date: str | None = None  # as printed: 2021年12月30日
    #: where the title, addressee, signature and date come from: {"title": line, …}
    lines: dict = field(default_factory=dict)

    def part(self, key):
        return next((p for p in self.parts if p.key == key), None)

    def parts_of_kind(self, kind):
        return [p for p in self.parts if p.kind == kind]

    def plain_text(self):
        """The report as printed, a line per heading or paragraph."""
        out = []
        if self.show_org and self.org_name:
            out.append(self.org_name)
        out.append(self.title)
        if self.addressee:
            out.append(self.addressee)
        if self.preamble:
            out += self.preamble.paragraphs
        for p in self.parts:
            out.append(p.label + p.heading)
            if p.intro:
                out += p.intro.paragraphs
            out += [i.plain() for i in p.items]
            for s in p.sections:
                out.append(s.label + s.heading)
                if s.intro:
                    out += s.intro.paragraphs
                out += [i.plain() for i in s.items]
        if self.signature:
            out.append(self.signature)
        if self.date:
            out.append(self.date)
        return "\n".join(out) + "\n"


# -- from data -------------------------------------------------------------------------


def place_exhibits(catalog, data, outline):
    """{part key: [(Exhibit, area key or None)]}: where each exhibit of the catalogue goes.

    An exhibit names a part (by key, or by kind when the outline's parts have keys of
    their own) and the areas it follows: it goes after the first area of the data with
    one of those keys (an area of the data's own, ``- title:``, is named by that title
    as written), in the part holding that area, else at the end of the part.
    Exhibits whose figures are absent are left out.
    """
    order = [p for p in outline.parts if p.key in data.parts]
    out = {}
    for e in catalog.exhibits:
        # (what stats.breakdown_table finds, without pandas: the HTML export needs none)
        if not any(p in data.figures for p in catalog.breakdowns[e.breakdown].parts):
            continue
        candidates = ([p for p in order if p.key == e.part] or
                      [p for p in order if p.kind == e.part])
        if not candidates:
            continue
        target, where = candidates[0], None
        for spec in candidates:
            keys = [_area_name(a) for a in data.parts[spec.key].areas]
            hit = next((k for k in e.areas if k in keys), None)
            if hit is not None:
                target, where = spec, hit
                break
        out.setdefault(target.key, []).append((e, where))
    return out


def _area_name(area):
    """How an exhibit's ``areas`` name an area of the data: its key, else its title."""
    return area.key if area.key is not None else area.title


def from_loaded(loaded):
    """The document of a validated department-year (:class:`lawreport.api.LoadedYear`)."""
    from .narrative import cn_date, heading_label, render, text_context

    data, outline, catalog = loaded.data, loaded.outline, loaded.catalog
    values = {**data.figures, **text_context(data)}
    args = {}
    if catalog is not None:
        args = {"kinds": {k: i.kind for k, i in catalog.indicators.items()},
                "units": {k: i.unit for k, i in catalog.indicators.items()},
                "previous": loaded.previous.figures if loaded.previous is not None else None}

    def r(text):
        return render(text, values, **args)

    def item(it, label, where):
        return Item(r(it.text), label, r(it.lead) if it.lead is not None else None,
                    where, it.line)

    title = r(data.title or outline.title)
    signature = data.org_name if data.signature is None else (data.signature or None)
    doc = Document(title=title, org_name=data.org_name, org_slug=data.org_slug,
                   year=data.year, show_org=bool(data.org_name) and data.org_name not in title,
                   addressee=r(data.addressee) if data.addressee else None,
                   preamble=item(data.preamble, "", "narrative.preamble")
                   if data.preamble else None,
                   signature=signature,
                   date=cn_date(data.report_date) if data.report_date else None)
    doc.lines = {k: data.lines.get(f) for k, f in (
        ("title", "title"), ("addressee", "narrative.addressee"),
        ("signature", "narrative.signature"), ("date", "report_date")) if data.lines.get(f)}
    placed = place_exhibits(catalog, data, outline) if catalog is not None else {}
    number = 0
    for spec in outline.parts:
        text = data.parts.get(spec.key)
        if text is None:
            continue
        number += 1
        numbering = outline.numbering_of(spec)
        pw = f"narrative.parts.{spec.key}"
        part = Part(key=spec.key, kind=spec.kind, heading=r(spec.heading),
                    label=heading_label(numbering["part"], number), number=number,
                    intro=item(text.intro, "", f"{pw}.intro") if text.intro else None,
                    where=pw, line=text.line)
        counter = [0]  # the item number, continuous or per area

        def label_item(spec=spec, numbering=numbering, counter=counter):
            counter[0] += 1
            return "" if spec.items == "none" else heading_label(numbering["item"], counter[0])

        part.items = [item(it, label_item(), f"{pw}.items.{j}")
                      for j, it in enumerate(text.items)]
        exhibits = placed.get(spec.key, [])
        for i, area in enumerate(text.areas, start=1):
            if spec.items == "per_area":
                counter[0] = 0
            heading = area.title if area.title is not None else spec.area(area.key).heading
            aw = f"{pw}.areas.{i - 1}"
            sec = Section(heading=r(heading), label=heading_label(numbering["area"], i),
                          key=area.key, where=aw, line=area.line,
                          intro=item(area.intro, "", f"{aw}.intro") if area.intro else None)
            sec.items = [item(it, label_item(), f"{aw}.items.{j}")
                         for j, it in enumerate(area.items)]
            name = _area_name(area)
            sec.exhibits = [ExhibitRef(e.id, e.title, e.kind, e) for e, where in exhibits
                            if where == name]
            exhibits = [(e, w) for e, w in exhibits if w != name]
            part.sections.append(sec)
        part.exhibits = [ExhibitRef(e.id, e.title, e.kind, e) for e, _w in exhibits]
        doc.parts.append(part)
    return doc
