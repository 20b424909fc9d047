"""The HTML writer: fragments of the report from the document tree
(:mod:`lawreport.document`): title block, headings, numbered items with run-in
leads, exhibits, signature, data check.

Every text from a data file goes through :func:`html.escape` here, and nowhere
else is data text turned into HTML: narrative is plain text, never markup.
"""

from __future__ import annotations

import base64
import html
import os

from . import exhibits

__all__ = ["PartView", "front_html", "closing_html", "data_check_html", "table_html",
           "comparison_html", "trends_html", "png_html", "drawing_html",
           "part_heading_html", "part_body_html", "item_html"]


def _paragraphs(text, cls, label="", lead=None):
    """Escaped <p> elements of a text; the first carries the label and the run-in lead."""
    from .document import paragraphs

    paras = paragraphs(text)
    if not paras and (label or lead):
        paras = [""]
    out = []
    for i, p in enumerate(paras):
        head = ""
        if i == 0:
            if label:
                head += f'<span class="lr-num">{html.escape(label)}</span>'
            if lead:
                head += f'<strong class="lr-lead">{html.escape(lead)}</strong>'
        out.append(f'<p class="{cls}">{head}{html.escape(p)}</p>')
    return "\n".join(out)


def table_html(df, caption=None, cls="lr-table"):
    """A DataFrame as an escaped HTML table (no random ids)."""
    out = df.to_html(index=False, escape=True, border=0, classes=cls, na_rep="")
    # headers centred, as a browser sets th, not right as pandas' inline style would
    out = out.replace('<tr style="text-align: right;">', "<tr>")
    if caption:
        out = out.replace(">\n  <thead>",
                          f">\n  <caption>{html.escape(caption)}</caption>\n  <thead>", 1)
    return out


def png_html(png, caption, eid):
    """An inline PNG figure with its caption."""
    data = base64.b64encode(png).decode()
    cap = html.escape(caption)
    return (f'<figure class="lr-exhibit" id="lr-{html.escape(eid)}">'
            f'<img src="data:image/png;base64,{data}" alt="{cap}">'
            f'<figcaption>{cap}</figcaption></figure>')


def drawing_html(drawing):
    """A :class:`lawreport.exhibits.Drawing` as a figure: an inline PNG or a table."""
    if drawing is None:
        return ""
    if drawing.is_chart:
        return png_html(drawing.png, drawing.caption, drawing.id)
    cls = " lr-comparison" if drawing.role == "comparison" else ""
    return (f'<figure class="lr-exhibit{cls}" id="lr-{html.escape(drawing.id)}">'
            f'{table_html(drawing.table, drawing.caption)}</figure>')


def comparison_html(data, previous, catalog, ids, eid):
    """与上年比较 table, or '' without a previous year."""
    return drawing_html(exhibits.comparison(data, previous, catalog, ids, eid))


def trends_html(data, history, catalog, ids, eid, title="主要数据变化趋势"):
    """Trend chart over every available year, or '' with fewer than two years."""
    return drawing_html(exhibits.trends(data, history, catalog, ids, eid, title))


def front_html(doc, page=False):
    """Title block (the department's name above a title that lacks it), addressee and
    preamble of a :class:`lawreport.document.Document`. For a printed ``page`` a long
    title is broken into lines as GB/T 9704 asks (a screen breaks it at its width)."""
    from .document import title_lines

    out = ['<header class="lr-title">']
    if doc.show_org:
        out.append(f'<p class="lr-org">{html.escape(doc.org_name)}</p>')
    lines = title_lines(doc.title) if page else [doc.title]
    out.append(f'<h1>{"<br>".join(html.escape(x) for x in lines)}</h1></header>')
    if doc.addressee:
        out.append(f'<p class="lr-addressee">{html.escape(doc.addressee)}</p>')
    if doc.preamble:
        out.append(_paragraphs(doc.preamble.text, "lr-para"))
    return "\n".join(out)


def closing_html(doc):
    """Signature and date, each only if the report has one."""
    lines = [x for x in (doc.signature, doc.date) if x]
    if not lines:
        return ""
    return ('<footer class="lr-signature">' +
            "".join(f"<p>{html.escape(x)}</p>" for x in lines) + "</footer>")


def part_heading_html(part):
    """一、… heading of a document part."""
    return f'<h2 class="lr-part">{html.escape(part.label + part.heading)}</h2>'


def item_html(item):
    return _paragraphs(item.text, "lr-item", item.label, item.lead)


def part_body_html(part, exhibit_html=None):
    """Intro, items, areas (heading, intro, items, exhibits) and the part's exhibits."""
    draw = exhibit_html or (lambda ref: "")
    out = []
    if part.intro:
        out.append(_paragraphs(part.intro.text, "lr-para"))
    out += [item_html(i) for i in part.items]
    for sec in part.sections:
        cls = "lr-area lr-arabic" if sec.arabic else "lr-area"
        out.append(f'<h3 class="{cls}">{html.escape(sec.label + sec.heading)}</h3>')
        if sec.intro:
            out.append(_paragraphs(sec.intro.text, "lr-para"))
        out += [item_html(i) for i in sec.items]
        out += [draw(ref) for ref in sec.exhibits]
    out += [draw(ref) for ref in part.exhibits]
    return "\n".join(x for x in out if x)


def data_check_html(findings, checks=()):
    """The 数据核验 section: warnings for the analyst, separate from the narrative.

    ``checks`` are the findings of ``lawreport check`` on the report
    (:class:`lawreport.check.CheckFinding`), listed after the data warnings; the
    narrative itself is printed as written. A stated total its parts do not add up to
    is a data warning already and is not listed twice.
    """
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
    checks = [c for c in checks if c.rule != "figures.total"]
    if checks:
        from .check import SEVERITY_ZH

        out.append('<h3>报告核查</h3><p class="lr-note">lawreport check 对报告内容、日期、数字和'
                   "文字的核查结果（正文按原文印出，未作改动）。</p><ol>")
        for c in checks:
            where = os.path.basename(c.file) + (f" 第 {c.line} 行" if c.line else "")
            quote = f"：“{c.quote}”" if c.quote else ""
            out.append(f"<li>[{html.escape(SEVERITY_ZH.get(c.severity, c.severity))}] "
                       f"{html.escape(c.message)}{html.escape(quote)}<br><small>"
                       f"{html.escape(where)}，{html.escape(c.place or c.where)}；"
                       f"建议：{html.escape(c.suggestion)}</small></li>")
        out.append("</ol>")
    out.append("</section>")
    return "\n".join(out)


class PartView:
    """One part of one department-year, as the notebook shows it.

    ``key`` is the part's key in the outline, or a kind (measures, plan, …): then
    the first part of that kind. A part the data does not have shows nothing.
    """

    def __init__(self, loaded, key, doc=None):
        from .document import from_loaded

        self.loaded = loaded
        data, outline, catalog = loaded.data, loaded.outline, loaded.catalog
        self.data, self.outline, self.catalog = data, outline, catalog
        self.doc = doc if doc is not None else from_loaded(loaded)
        part = self.doc.part(key)
        if part is None:
            kinds = self.doc.parts_of_kind(key)
            part = kinds[0] if kinds else None
        self.part = part
        self.key = part.key if part is not None else key
        self.number = part.number if part is not None else None

    @property
    def present(self):
        return self.part is not None

    def exhibits(self):
        """The catalogue exhibits placed in this part."""
        if not self.present:
            return []
        refs = [r for s in self.part.sections for r in s.exhibits] + self.part.exhibits
        return [r.spec for r in refs]

    def figure_ids(self):
        """Figures this part speaks of: its placeholders and its exhibits, in order."""
        if not self.present:
            return []
        return exhibits.part_figure_ids(self.loaded, self.part)

    def comparison_html(self):
        return comparison_html(self.data, self.loaded.previous, self.catalog,
                               self.figure_ids(), f"{self.key}-comparison")

    def trends_html(self):
        if not self.present:
            return ""
        ids = exhibits.part_trend_ids(self.loaded, self.doc.parts, self.part)
        return trends_html(self.data, self.loaded.history, self.catalog, ids,
                           f"{self.key}-trends")

    def heading_html(self):
        return part_heading_html(self.part) if self.present else ""

    def exhibit_html(self, exhibit):
        return drawing_html(exhibits.draw(self.data, self.catalog, exhibit))

    def body_html(self):
        """Intro, items, areas with their items, and the exhibits where they belong."""
        if not self.present:
            return ""
        return part_body_html(self.part, self.exhibit_html)
