"""HTML fragments of the report: headings, numbered items, exhibits, data check.

Every text from a data file goes through :func:`html.escape` here, and nowhere
else is data text turned into HTML: narrative is plain text, never markup.
"""

from __future__ import annotations

import base64
import html
import os

from .charts import chart_png, trend_png
from .history import comparison_table, placeholder_figures, trend_table
from .narrative import cn_date, heading_label, render, text_context
from .stats import breakdown_table, exhibits_for

__all__ = ["PartView", "front_html", "closing_html", "data_check_html", "table_html",
           "values_of", "numbered_parts", "comparison_html", "trends_html", "png_html"]


def values_of(data):
    return {**data.figures, **text_context(data)}


def _paragraphs(text, cls, label=""):
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    out = []
    for i, p in enumerate(paras):
        lab = f'<span class="lr-num">{html.escape(label)}</span>' if (label and i == 0) else ""
        body = html.escape(" ".join(p.split("\n")) if not _cjk(p) else p.replace("\n", ""))
        out.append(f'<p class="{cls}">{lab}{body}</p>')
    return "\n".join(out)


def _cjk(text):
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def table_html(df, caption=None, cls="lr-table"):
    """A DataFrame as an escaped HTML table (no random ids)."""
    out = df.to_html(index=False, escape=True, border=0, classes=cls, na_rep="")
    if caption:
        out = out.replace(">\n  <thead>",
                          f">\n  <caption>{html.escape(caption)}</caption>\n  <thead>", 1)
    return out


def numbered_parts(data, outline):
    """(number, PartSpec) of the parts present in the data, in outline order."""
    present = [p for p in outline.parts if p.key in data.parts]
    return [(i + 1, p) for i, p in enumerate(present)]


def _render_args(catalog, previous):
    if catalog is None:
        return {}
    return {"kinds": {k: i.kind for k, i in catalog.indicators.items()},
            "units": {k: i.unit for k, i in catalog.indicators.items()},
            "previous": previous.figures if previous is not None else None}


def png_html(png, caption, eid):
    """An inline PNG figure with its caption."""
    data = base64.b64encode(png).decode()
    cap = html.escape(caption)
    return (f'<figure class="lr-exhibit" id="lr-{html.escape(eid)}">'
            f'<img src="data:image/png;base64,{data}" alt="{cap}">'
            f'<figcaption>{cap}</figcaption></figure>')


def comparison_html(data, previous, catalog, ids, eid):
    """与上年比较 table, or '' without a previous year."""
    if previous is None:
        return ""
    df = comparison_table(data, previous, catalog, ids)
    if df.empty:
        return ""
    return (f'<figure class="lr-exhibit lr-comparison" id="lr-{html.escape(eid)}">'
            f'{table_html(df, f"与{previous.year}年比较")}</figure>')


def trends_html(data, history, catalog, ids, eid, title="主要数据变化趋势"):
    """Trend chart over every available year, or '' with fewer than two years."""
    trend, units = trend_table(data, history, catalog, ids)
    if trend.empty:
        return ""
    years = f"（{int(trend.index[0])}—{int(trend.index[-1])}年）"
    return png_html(trend_png(trend, title + years, units), title + years, eid)


def front_html(data, outline, previous=None, catalog=None):
    """Title block and preamble."""
    values = values_of(data)
    title = render(data.title or outline.title, values)
    out = [f'<header class="lr-title"><p class="lr-org">{html.escape(data.org_name)}</p>',
           f'<h1>{html.escape(title)}</h1></header>']
    if data.preamble:
        out.append(_paragraphs(render(data.preamble.text, values,
                                      **_render_args(catalog, previous)), "lr-para"))
    return "\n".join(out)


def closing_html(data):
    """Signature and date."""
    sig = data.signature or data.org_name
    return (f'<footer class="lr-signature"><p>{html.escape(sig)}</p>'
            f'<p>{html.escape(cn_date(data.report_date))}</p></footer>')


def data_check_html(findings):
    """The 数据核验 section: warnings for the analyst, separate from the narrative."""
    out = ['<section class="lr-datacheck"><h2>数据核验</h2>',
           '<p class="lr-note">本节由 lawreport 根据数据自动核验生成，供起草人员核对，不属于报告正文。</p>']
    warnings = [f for f in findings if f.level == "warning"]
    if not warnings:
        out.append("<p>未发现数据不一致。</p>")
    else:
        out.append("<ol>")
        for f in warnings:
            where = os.path.basename(f.file) + (f" 第 {f.line} 行" if f.line else "")
            out.append(f"<li>{html.escape(f.zh or f.message)}<br><small>{html.escape(where)}，"
                       f"字段 {html.escape(f.field)}</small></li>")
        out.append("</ol>")
    out.append("</section>")
    return "\n".join(out)


class PartView:
    """One part of one department-year, as the notebook shows it."""

    def __init__(self, loaded, key):
        self.loaded = loaded
        data, outline, catalog = loaded.data, loaded.outline, loaded.catalog
        self.data, self.outline, self.catalog, self.key = data, outline, catalog, key
        self.spec = outline.part(key)
        self.text = data.parts.get(key)
        numbers = dict((p.key, n) for n, p in numbered_parts(data, outline))
        self.number = numbers.get(key)
        self.values = values_of(data)
        self.args = _render_args(catalog, loaded.previous)

    @property
    def present(self):
        return self.text is not None

    def _r(self, text):
        return render(text, self.values, **self.args)

    def texts(self):
        if not self.present:
            return []
        out = [self.text.intro.text] if self.text.intro else []
        for area in self.text.areas:
            out += [i.text for i in area.items]
        return out

    def figure_ids(self):
        """Figures this part speaks of: its placeholders and its exhibits, in order."""
        ids = []
        for text in self.texts():
            ids += [n for n, _f in placeholder_figures(text) if n in self.catalog.indicators]
        for e, _ in self.exhibits():
            for bid in (e.breakdown, e.extra):
                if bid:
                    b = self.catalog.breakdowns[bid]
                    ids += ([b.total] if b.total else []) + list(b.parts)
        return [i for n, i in enumerate(ids) if i in self.data.figures and i not in ids[:n]]

    def comparison_html(self):
        return comparison_html(self.data, self.loaded.previous, self.catalog,
                               self.figure_ids(), f"{self.key}-comparison")

    def trends_html(self):
        ids = self.figure_ids()
        keyed = [i for i in ids if self.catalog.indicators[i].key]
        return trends_html(self.data, self.loaded.history, self.catalog, keyed or ids,
                           f"{self.key}-trends")

    def heading_html(self):
        if not self.present:
            return ""
        label = heading_label(self.outline.numbering["part"], self.number)
        return f'<h2 class="lr-part">{html.escape(label + self._r(self.spec.heading))}</h2>'

    def exhibits(self):
        """(Exhibit, area key or None) placed in this part."""
        if not self.present:
            return []
        return exhibits_for(self.catalog, self.key, self.data)

    def exhibit_html(self, exhibit):
        table = breakdown_table(self.data, self.catalog, exhibit.breakdown)
        if exhibit.kind == "table":
            if exhibit.extra:
                import pandas as pd
                extra = breakdown_table(self.data, self.catalog, exhibit.extra)
                table = pd.concat([table, extra], ignore_index=True)[["类别", "数值", "单位"]]
            return (f'<figure class="lr-exhibit" id="lr-{html.escape(exhibit.id)}">'
                    f'{table_html(table, exhibit.title)}</figure>')
        return png_html(chart_png(table, exhibit.title, exhibit.kind), exhibit.title,
                        exhibit.id)

    def body_html(self):
        """Intro, areas with their items, and the exhibits where they belong."""
        if not self.present:
            return ""
        placed = {}
        for e, where in self.exhibits():
            placed.setdefault(where, []).append(e)
        out = []
        if self.text.intro:
            out.append(_paragraphs(self._r(self.text.intro.text), "lr-para"))
        n_item = 0
        for i, area in enumerate(self.text.areas, start=1):
            heading = area.title if area.title is not None else self.spec.area(area.key).heading
            label = heading_label(self.outline.numbering["area"], i)
            out.append(f'<h3 class="lr-area">{html.escape(label + self._r(heading))}</h3>')
            if self.spec.items == "per_area":
                n_item = 0
            for item in area.items:
                n_item += 1
                lab = ("" if self.spec.items == "none"
                       else heading_label(self.outline.numbering["item"], n_item))
                out.append(_paragraphs(self._r(item.text), "lr-item", lab))
            for e in placed.pop(area.key, []) if area.key else []:
                out.append(self.exhibit_html(e))
        for es in placed.values():
            for e in es:
                out.append(self.exhibit_html(e))
        return "\n".join(out)
