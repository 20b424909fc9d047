"""HTML fragments of the report: headings, numbered items, exhibits, data check.

Every text from a data file goes through :func:`html.escape` here, and nowhere
else is data text turned into HTML: narrative is plain text, never markup.
"""

from __future__ import annotations

import base64
import html

from .charts import chart_png
from .narrative import cn_date, heading_label, render, text_context
from .stats import breakdown_table, exhibits_for

__all__ = ["PartView", "front_html", "closing_html", "data_check_html", "table_html",
           "values_of", "numbered_parts"]


def values_of(data):
    return {**data.figures, **text_context(data)}


def _kinds(catalog):
    return {k: i.kind for k, i in catalog.indicators.items()}


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


def front_html(data, outline):
    """Title block and preamble."""
    values = values_of(data)
    title = render(data.title or outline.title, values)
    out = [f'<header class="lr-title"><p class="lr-org">{html.escape(data.org_name)}</p>',
           f'<h1>{html.escape(title)}</h1></header>']
    if data.preamble:
        out.append(_paragraphs(render(data.preamble.text, values), "lr-para"))
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
            where = f"{f.file}" + (f" 第 {f.line} 行" if f.line else "")
            out.append(f"<li>{html.escape(f.message)}<br><small>{html.escape(where)}，"
                       f"字段 {html.escape(f.field)}；{html.escape(f.hint)}</small></li>")
        out.append("</ol>")
    out.append("</section>")
    return "\n".join(out)


class PartView:
    """One part of one department-year, as the notebook shows it."""

    def __init__(self, data, outline, catalog, key):
        self.data, self.outline, self.catalog, self.key = data, outline, catalog, key
        self.spec = outline.part(key)
        self.text = data.parts.get(key)
        numbers = dict((p.key, n) for n, p in numbered_parts(data, outline))
        self.number = numbers.get(key)
        self.values = values_of(data)
        self.kinds = _kinds(catalog)

    @property
    def present(self):
        return self.text is not None

    def _r(self, text):
        return render(text, self.values, self.kinds)

    def heading_html(self):
        if not self.present:
            return ""
        label = heading_label(self.outline.numbering["part"], self.number)
        return f'<h2 class="lr-part">{html.escape(label + self._r(self.spec.heading))}</h2>'

    def exhibits(self):
        """(Exhibit, area key or None) placed in this part."""
        if not self.present:
            return []
        return exhibits_for(self.catalog, self.outline, self.key, self.data)

    def exhibit_html(self, exhibit):
        table = breakdown_table(self.data, self.catalog, exhibit.breakdown)
        cap = html.escape(exhibit.title)
        if exhibit.kind == "table":
            if exhibit.extra:
                import pandas as pd
                extra = breakdown_table(self.data, self.catalog, exhibit.extra)
                table = pd.concat([table, extra], ignore_index=True)[["类别", "数值", "单位"]]
            return (f'<figure class="lr-exhibit" id="lr-{html.escape(exhibit.id)}">'
                    f'{table_html(table, exhibit.title)}</figure>')
        png = base64.b64encode(chart_png(table, exhibit.title, exhibit.kind)).decode()
        return (f'<figure class="lr-exhibit" id="lr-{html.escape(exhibit.id)}">'
                f'<img src="data:image/png;base64,{png}" alt="{cap}">'
                f'<figcaption>{cap}</figcaption></figure>')

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
