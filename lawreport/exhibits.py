"""The exhibits of a report, drawn once for every writer.

A writer (HTML in :mod:`lawreport.render`, Word in :mod:`lawreport.docx_writer`,
PDF in :mod:`lawreport.pdf_writer`) asks here for what goes where and gets a
:class:`Drawing`: PNG bytes of a chart or a DataFrame of a table, with its
caption. Only the writer turns it into its format.

- :func:`draw` — a catalogue exhibit placed in a part (``ExhibitRef``);
- :func:`comparison`, :func:`trends` — 与上年比较 table and trend chart of some figures;
- :func:`part_figure_ids` — the figures a part speaks of (text and exhibits);
- :func:`key_figures` — the appendix's 主要数据一览: table or comparison, chart, trends;
- :class:`Drawings` — all of these for one department-year, each drawn once.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Drawing", "Drawings", "draw", "comparison", "trends", "key_figures",
           "key_figures_chart", "part_figure_ids"]


@dataclass
class Drawing:
    """One exhibit ready for a writer: ``png`` (a chart) or ``table`` (a DataFrame)."""

    id: str
    caption: str
    png: bytes | None = None
    table: object = None  # pandas.DataFrame
    role: str = "exhibit"  # exhibit | comparison | trends | key_figures | key_chart
    dpi: int = 100  # a chart's pixels per inch at the size it is meant to be shown

    @property
    def is_chart(self):
        return self.png is not None


def draw(data, catalog, exhibit, medium="screen"):
    """A catalogue exhibit (``lawreport.model.Exhibit`` or a document ``ExhibitRef``); a
    chart drawn for ``medium`` (``charts.MEDIA``: screen or print)."""
    from .charts import chart_png
    from .stats import breakdown_table

    exhibit = getattr(exhibit, "spec", None) or exhibit
    table = breakdown_table(data, catalog, exhibit.breakdown)
    if exhibit.kind == "table":
        if exhibit.extra:
            import pandas as pd

            extra = breakdown_table(data, catalog, exhibit.extra)
            table = pd.concat([table, extra], ignore_index=True)[["类别", "数值", "单位"]]
        if exhibit.columns:  # the table's own headers (纠纷类型 | 件数), as it was printed
            own = ["类别", "数值", "单位"][:len(exhibit.columns)]
            table = table[own].set_axis(list(exhibit.columns), axis=1)
        return Drawing(exhibit.id, exhibit.title, table=table)
    return Drawing(exhibit.id, exhibit.title, png=chart_png(table, exhibit.kind, medium),
                   dpi=_dpi(medium))


def _dpi(medium):
    from .charts import MEDIA

    return MEDIA[medium].dpi


def comparison(data, previous, catalog, ids, eid):
    """与上年比较 table of ``ids``, or None without a previous year."""
    from .history import comparison_table

    if previous is None:
        return None
    df = comparison_table(data, previous, catalog, ids)
    if df.empty:
        return None
    return Drawing(eid, f"与{previous.year}年比较", table=df, role="comparison")


def trends(data, history, catalog, ids, eid, title="主要数据变化趋势", medium="screen"):
    """Trend chart of ``ids`` over every available year, or None with fewer than two."""
    from .charts import trend_png
    from .history import trend_table

    trend, units = trend_table(data, history, catalog, ids)
    if trend.empty:
        return None
    if len(trend.columns) == 1:  # one figure: named, not 主要数据
        title = f"{trend.columns[0]}变化趋势"
    caption = title + f"（{int(trend.index[0])}—{int(trend.index[-1])}年）"
    return Drawing(eid, caption, png=trend_png(trend, units, medium), role="trends",
                   dpi=_dpi(medium))


def key_figures_chart(data, catalog, eid="summary-chart", medium="screen"):
    """The key figures of the year as one bar chart, each labelled with its unit."""
    import pandas as pd

    from .charts import chart_png
    from .stats import key_figures as key_table

    df = key_table(data, catalog)
    if len(df) < 2:  # one bar says no more than the table beside it
        return None
    labels = [f"{n}（{u}）" if u else n for n, u in zip(df["指标"], df["单位"])]
    table = pd.DataFrame({"类别": labels, "数值": list(df["数值"]), "单位": [""] * len(df)})
    caption = f"{data.year}年主要数据"
    return Drawing(eid, caption, png=chart_png(table, "barh", medium), role="key_chart",
                   dpi=_dpi(medium))


def key_figures(loaded, medium="screen"):
    """主要数据一览: the comparison with the previous year (else the plain table), the
    key-figures chart and the trends; [] when the report has no key figures."""
    from .narrative import format_value
    from .stats import key_figures as key_table

    data, catalog = loaded.data, loaded.catalog
    df = key_table(data, catalog)
    ids = list(df["id"])
    if not ids:
        return []
    out = [comparison(data, loaded.previous, catalog, ids, "summary-comparison")
           if loaded.previous is not None else
           Drawing("summary-table", "主要数据",
                   table=df[["指标", "数值", "单位"]].assign(
                       数值=[format_value(v) for v in df["数值"]]),
                   role="key_figures"),
           key_figures_chart(data, catalog, medium=medium),
           trends(data, loaded.history, catalog, ids, "summary-trends", medium=medium)]
    return [d for d in out if d is not None]


def _part_texts(data, key):
    text = data.parts.get(key)
    if text is None:
        return []
    out = [text.intro.text] if text.intro else []
    for it in text.items:
        out += [it.lead or "", it.text]
    for area in text.areas:
        out += [area.intro.text] if area.intro else []
        for it in area.items:
            out += [it.lead or "", it.text]
    return out


def part_figure_ids(loaded, part):
    """Figures a document part speaks of: its placeholders, then its exhibits', in order."""
    from .history import placeholder_figures

    data, catalog = loaded.data, loaded.catalog
    ids = []
    for text in _part_texts(data, part.key):
        ids += [n for n, _f in placeholder_figures(text) if n in catalog.indicators]
    refs = [r for s in part.sections for r in s.exhibits] + part.exhibits
    for ref in refs:
        e = ref.spec
        for bid in (e.breakdown, e.extra):
            if bid:
                b = catalog.breakdowns[bid]
                ids += ([b.total] if b.total else []) + list(b.parts)
    return [i for n, i in enumerate(ids) if i in data.figures and i not in ids[:n]]


def part_extras(loaded, parts, part, medium="screen"):
    """与上年比较 and the trend chart placed at the end of a part (each may be absent);
    ``parts`` are the document's, for :func:`part_trend_ids`."""
    out = [comparison(loaded.data, loaded.previous, loaded.catalog,
                      part_figure_ids(loaded, part), f"{part.key}-comparison"),
           trends(loaded.data, loaded.history, loaded.catalog,
                  part_trend_ids(loaded, parts, part), f"{part.key}-trends", medium=medium)]
    return [d for d in out if d is not None]


def part_trend_ids(loaded, parts, part):
    """The figures of a part's trend chart: its key figures (else all it speaks of), less
    those an earlier part's chart draws already (行政应诉案件 told in 一 and again in 二
    is drawn once)."""
    drawn = set()
    for p in parts:
        ids = part_figure_ids(loaded, p)
        keyed = [i for i in ids if loaded.catalog.indicators[i].key]
        mine = [i for i in keyed or ids if i not in drawn]
        if p.key == part.key:
            return mine
        drawn.update(mine)
    return []


class Drawings:
    """Every exhibit of one department-year, drawn on first use and kept for the next
    writer: ``of(ref)``, ``after_part(part, parts)``, ``appendix()``, ``findings``. Its
    charts are drawn for ``medium`` (print: the Word file and the PDF, at the width of
    the page's text block and 300 dpi)."""

    def __init__(self, loaded, medium="print"):
        self.loaded, self.medium = loaded, medium
        self._cache = {}

    @property
    def findings(self):
        return list(self.loaded.findings)

    def _memo(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def of(self, ref):
        """The drawing of a catalogue exhibit placed in the document."""
        return self._memo(("exhibit", ref.id),
                          lambda: draw(self.loaded.data, self.loaded.catalog, ref,
                                       self.medium))

    def after_part(self, part, parts):
        """The part's 与上年比较 table and trend chart (none without earlier years);
        ``parts`` are the document's."""
        return self._memo(("part", part.key),
                          lambda: part_extras(self.loaded, parts, part, self.medium))

    def appendix(self):
        """主要数据一览 drawings."""
        return self._memo(("appendix",), lambda: key_figures(self.loaded, self.medium))
