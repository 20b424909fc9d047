"""The HTML of the index pages, from what :func:`lawreport.rollup.collect` found.

Three kinds of page, all linking to one another (paths relative to the out
folder):

- ``index.html``: the overview (expected, submitted, built, late, failed per
  year; who is missing; who was late), then one folding section per group of
  departments (``org.region`` · ``org.level``): a table of its reports by year
  and the latest year's key figures, and the one chart of reports per year;
- ``index-<year>.html``: the same for one year, with each report's date and
  Word/PDF files, and the charts comparing departments (made with a single
  year too: the charts and the dates stay off the index, which stays small);
- ``<org>/index.html`` (a department with a report built): every year of one
  department, its key figures over the years and their trend.

Tables put one department per row and the indicators as columns, inside a box
that scrolls sideways on its own (the department column stays visible). Every
text from a data or figures file is escaped.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from .rollup import INDEX_TITLE, STATUS_TEXT, UNGROUPED

__all__ = ["Pages", "scroll_table", "year_page", "department_page", "OPEN_UP_TO",
           "LIST_OPEN_UP_TO"]

#: The groups of the index are unfolded when it has at most this many departments.
OPEN_UP_TO = 40
#: A list of names is unfolded when it has at most this many entries.
LIST_OPEN_UP_TO = 30
DEADLINE_NOTE = ("逾期：报告日期晚于次年4月1日（《法治政府建设与责任落实督察工作规定》第二十四条："
                 "每年4月1日之前向社会公开）；报告日期不详的不计。")
STATUS_NOTE = ("应报：索引中的全部部门；已报送：有该年度数据文件或报告；未报送：无该年度数据文件；"
               "未生成：有数据文件但尚未生成报告；生成失败：最近一次生成失败；核查 a/b/c：报告核查发现的"
               "错误、警告、提示条数。")


def esc(text):
    return html.escape(str(text), quote=True)


def year_page(year):
    """File name of a year's page, relative to the out folder."""
    return f"index-{int(year)}.html"


def department_page(org):
    """Path of a department's page, relative to the out folder."""
    return f"{quote(org)}/index.html"


def _str(value):
    """A text of a DataFrame, or None (pandas may hold a missing text as NaN)."""
    return value if isinstance(value, str) else None


def _fmt(value):
    from .narrative import format_value

    if value is None or value != value:  # NaN
        return "—"
    return format_value(value)


def _labels(orgs):
    """Department slug → label: its name, with the slug if two names clash."""
    counts = {}
    for name in orgs.values():
        counts[name] = counts.get(name, 0) + 1
    return {o: (n if counts[n] == 1 else f"{n}（{o}）") for o, n in orgs.items()}


def scroll_table(head, rows, caption=None, cls="", top=None):
    """A table in a box that scrolls sideways on its own; its first column stays visible.

    Parameters
    ----------
    head : list of str
        The column headings, as HTML (escaped by the caller).
    rows : list of (str, list of (str, str))
        Per row: the row heading (HTML) and its cells as (HTML, CSS class or "").
    caption : str, optional
        Plain text.
    top : list of (str, int), optional
        A heading row above ``head[1:]``: (plain text, how many columns it spans).
    """
    out = [f'<div class="lr-scroll"><table class="lr-table lr-wide{" " + cls if cls else ""}">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    if top:
        spans = "".join(f'<th colspan="{n}">{esc(t)}</th>' for t, n in top if n)
        out.append(f'<thead><tr><th rowspan="2">{head[0]}</th>{spans}</tr>'
                   f'<tr>{"".join(f"<th>{h}</th>" for h in head[1:])}</tr></thead>')
    else:
        out.append("<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>")
    out.append("<tbody>")
    for th, cells in rows:
        tds = "".join(f'<td class="{c}">{v}</td>' if c else f"<td>{v}</td>" for v, c in cells)
        out.append(f"<tr><th>{th}</th>{tds}</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _link(href, text):
    return f'<a href="{esc(href)}">{esc(text)}</a>'


class Pages:
    """The fragments of every index page.

    Parameters
    ----------
    rollup : lawreport.rollup.Rollup
    catalog : Catalog
        For the names, units and ``key`` marks of the figures.
    """

    def __init__(self, rollup, catalog):
        r = self.rollup = rollup
        self.catalog = catalog
        self.labels = _labels(r.orgs)
        self.cells = {(o, int(y)): {"has_data": bool(h), "built": bool(b), "status": s,
                                    "date": d if isinstance(d, str) else None,
                                    "late": bool(lt)}
                      for o, y, h, b, s, d, lt in zip(r.cells["org"], r.cells["year"],
                                                      r.cells["has_data"], r.cells["built"],
                                                      r.cells["status"], r.cells["report_date"],
                                                      r.cells["late"])}
        self.reports = {(o, int(y)): {"report": rep, "docx": _str(dx), "pdf": _str(pdf),
                                      "check": _str(ck),
                                      "counts": [int(e), int(w), int(i)] if _str(ck) else None}
                        for o, y, rep, dx, pdf, ck, e, w, i in zip(
                            r.reports["org"], r.reports["year"], r.reports["report"],
                            r.reports["docx"], r.reports["pdf"], r.reports["check"],
                            r.reports["check_error"], r.reports["check_warning"],
                            r.reports["check_info"])}
        self.values, self.meta = {}, {}
        for o, y, fid, name, unit, v in zip(r.figures["org"], r.figures["year"],
                                            r.figures["id"], r.figures["name"],
                                            r.figures["unit"], r.figures["value"]):
            self.values.setdefault((o, int(y)), {})[fid] = v.item() if hasattr(v, "item") else v
            self.meta.setdefault(fid, (name, unit))
        for fid, ind in catalog.indicators.items():
            self.meta[fid] = (ind.name, ind.unit)
        self.group_of = {}
        if r.departments is not None:
            self.group_of = dict(zip(r.departments["org"], r.departments["group"]))
        self.latest = max((y for _o, y in self.reports), default=None)
        self.with_reports = {o for o, _y in self.reports}

    # ------------------------------------------------------------ data helpers

    def key_ids(self, year, orgs=None):
        """The catalogue's ``key`` figures reported by any of ``orgs`` in ``year``."""
        present = set()
        for o in self.rollup.orgs if orgs is None else orgs:
            present.update(self.values.get((o, year), ()))
        return [fid for fid, ind in self.catalog.indicators.items()
                if ind.key and fid in present]

    def counts(self, year, orgs=None):
        """Per ``year``: expected, submitted, built, late, built_late, failed, not_built, no_data."""
        orgs = list(self.rollup.orgs if orgs is None else orgs)
        n = dict.fromkeys(("submitted", "built", "late", "built_late", "failed", "not_built",
                           "no_data"), 0)
        n["expected"] = len(orgs)
        for o in orgs:
            c = self.cells[(o, year)]
            n["submitted"] += c["has_data"] or c["built"]
            n["late"] += c["late"]
            n["built_late"] += c["late"] and c["built"]
            n[c["status"]] += 1
        return n

    def _head(self, fid):
        """A column heading: the figure's name, its unit below."""
        name, unit = self.meta.get(fid, (fid, ""))
        return f"{esc(name)}<br><small>{esc(unit)}</small>" if unit else esc(name)

    def _row_head(self, fid):
        """A row heading: the figure's name, its unit after it."""
        name, unit = self.meta.get(fid, (fid, ""))
        return esc(f"{name}（{unit}）" if unit else name)

    def has_page(self, org):
        """Whether a department has its page: one report built at least (a department
        with none gets no folder under the out folder)."""
        return org in self.with_reports

    def _dept(self, org, base):
        if not self.has_page(org):
            return esc(self.labels[org])
        return _link(base + department_page(org), self.labels[org])

    def _status(self, org, year, base, late=True):
        """(HTML, class) of a (department, year): a link to the report, or its status."""
        c = self.cells[(org, year)]
        if c["built"]:
            out, cls = _link(base + self.reports[(org, year)]["report"], "查看"), "lr-status"
            if late and (self.reports[(org, year)] or {}).get("check"):
                # the index: the review's findings (errors/warnings/infos) beside the report
                out += " " + self._check(org, year, base, short=True)[0]
        else:
            out, cls = esc(STATUS_TEXT[c["status"]]), f"lr-status lr-{c['status']}"
        if late and c["late"]:
            out += '<span class="lr-late">逾期</span>'
        return out, cls

    def _check(self, org, year, base, short=False):
        """(HTML, class) of a report's review: its findings by severity, linking to its
        check.html; — without one."""
        rep = self.reports.get((org, year)) or {}
        if not rep.get("check"):
            return "—", "lr-text"
        e, w, i = rep["counts"]
        text = (f"核查 {e}/{w}/{i}" if short else f"错误 {e} · 警告 {w} · 提示 {i}")
        cls = "lr-text lr-check" + (" lr-check-error" if e else "")
        return _link(base + rep["check"], text), cls

    def _date(self, org, year):
        c = self.cells[(org, year)]
        if not c["date"]:
            return "—", "lr-text"
        late = '<span class="lr-late">逾期</span>' if c["late"] else ""
        return esc(c["date"]) + late, "lr-text"

    def _files(self, org, year, base):
        rep = self.reports.get((org, year)) or {}
        return [(_link(base + rep[k], label) if rep.get(k) else "—", "lr-text")
                for k, label in (("docx", "Word"), ("pdf", "PDF"))]

    def _has_files(self, pairs):
        return any((self.reports.get(p) or {}).get(k) for p in pairs for k in ("docx", "pdf"))

    # ------------------------------------------------------------ shared pieces

    def nav(self, base="", current=None, home=True):
        """Links to the index and to every year's page."""
        links = [_link(base + "index.html", "返回索引")] if home else []
        for y in sorted(self.rollup.years, reverse=True):
            links.append(f"<b>{y}年</b>" if y == current
                         else _link(base + year_page(y), f"{y}年"))
        if not links:
            return ""
        lead = "分年度：" if not home else ""
        return f'<p class="lr-nav">{lead}{" · ".join(links)}</p>'

    def overview(self, years, base="", link_years=True):
        """概况: the counts per year, who is missing, who was late."""
        r = self.rollup
        out = ['<section class="lr-overview"><h2 class="lr-part">概况</h2>']
        if not r.orgs:
            out += ["<p>暂无数据或报告。</p>", "</section>"]
            return "\n".join(out)
        head = ["年度", "应报", "已报送", "已生成", "逾期", "生成失败", "未生成", "未报送"]
        rows = []
        for y in sorted(years, reverse=True):
            n = self.counts(y)
            th = _link(base + year_page(y), f"{y}年") if link_years else f"{y}年"
            rows.append((th, [(str(n[k]), "") for k in ("expected", "submitted", "built",
                                                           "late", "failed", "not_built",
                                                           "no_data")]))
        out.append(scroll_table(head, rows, "报告情况", "lr-counts"))
        out.append(f'<p class="lr-note">{esc(STATUS_NOTE)}{esc(DEADLINE_NOTE)}</p>')
        out.append('<h3>缺报名单</h3>')
        out.append(self._name_lists(years, base, self._missing_of, "缺报", "无缺报。"))
        out.append('<h3>逾期名单</h3>')
        out.append(self._name_lists(years, base, self._late_of, "逾期", "无逾期。"))
        out.append("</section>")
        return "\n".join(out)

    def _missing_of(self, year):
        return [(o, STATUS_TEXT[self.cells[(o, year)]["status"]]) for o in self.rollup.orgs
                if not self.cells[(o, year)]["built"]]

    def _late_of(self, year):
        return [(o, self.cells[(o, year)]["date"]) for o in self.rollup.orgs
                if self.cells[(o, year)]["late"]]

    def _name_lists(self, years, base, entries_of, what, none):
        out = []
        for y in sorted(years, reverse=True):
            entries = entries_of(y)
            if not entries:
                continue
            by_group = {}
            for org, note in entries:
                by_group.setdefault(self.group_of.get(org, UNGROUPED), []).append(
                    f"{self._dept(org, base)}（{esc(note)}）")
            items = []
            for label, _members in self.rollup.groups:
                if label in by_group:
                    lead = f"<b>{esc(label)}</b>：" if len(self.rollup.groups) > 1 else ""
                    items.append(f"<li>{lead}{'、'.join(by_group[label])}</li>")
            opened = " open" if len(entries) <= LIST_OPEN_UP_TO else ""
            out.append(f'<details class="lr-list"{opened}><summary>{y}年：{what} '
                       f'{len(entries)} 个部门</summary><ul class="lr-names">'
                       f'{"".join(items)}</ul></details>')
        return "\n".join(out) if out else f"<p>{none}</p>"

    def _group(self, i, label, members, body, year=None):
        total = len(self.rollup.orgs)
        opened = " open" if total <= OPEN_UP_TO or len(self.rollup.groups) == 1 else ""
        years = [year] if year is not None else self.rollup.years
        built = sum(self.cells[(o, y)]["built"] for o in members for y in years)
        late = sum(self.cells[(o, y)]["late"] for o in members for y in years)
        facts = [f"{len(members)} 个部门", f"已生成 {built}/{len(members) * len(years)} 份"]
        if late:
            facts.append(f"逾期 {late} 份")
        return (f'<details class="lr-group" id="lr-g{i}"{opened}><summary><b>{esc(label)}</b>'
                f'<span>{" · ".join(facts)}</span></summary>\n{body}\n</details>')

    # ------------------------------------------------------------ index.html

    def index_title(self):
        r = self.rollup
        span = ""
        if r.years:
            span = (f"（{r.years[0]}年）" if len(r.years) == 1
                    else f"（{r.years[0]}—{r.years[-1]}年）")
        line = (f"共 {len(r.orgs)} 个部门、{len(r.years)} 个年度{span}；"
                f"已生成报告 {len(r.reports)} 份，缺报 {len(r.missing)} 项。")
        return (f'<header class="lr-title"><h1>{esc(INDEX_TITLE)}</h1>'
                f'<p class="lr-note">{esc(line)}</p></header>\n' + self.nav(home=False))

    def index_overview(self):
        return self.overview(self.rollup.years)

    def index_groups(self):
        """One folding section per group, one table in each: a row per department, its
        reports by year, then the latest year's key figures."""
        r = self.rollup
        out = ['<section class="lr-groups"><h2 class="lr-part">各部门报告</h2>']
        if not r.orgs:
            out += ["<p>暂无数据或报告。</p>", "</section>"]
            return "\n".join(out)
        note = "部门名称链接到该部门的历年报告页（已生成报告的部门）；" + ("按地区与层级分组，点击组名展开或收起。"
                                              if len(r.groups) > 1 else "")
        if self.latest is not None:
            note += f"主要数据为 {self.latest} 年，各年度的主要数据、报告日期和部门对比图见各年度页。"
        out.append(f'<p class="lr-note">{esc(note)}</p>')
        for i, (label, members) in enumerate(r.groups, 1):
            ids = self.key_ids(self.latest, members) if self.latest is not None else []
            head = ["部门", *[f"{y}年" for y in r.years], *map(self._head, ids)]
            top = [("报告", len(r.years))] + ([(f"{self.latest}年主要数据", len(ids))]
                                              if ids else [])
            rows = []
            for o in members:
                vals = self.values.get((o, self.latest), {})
                rows.append((self._dept(o, ""), [self._status(o, y, "") for y in r.years]
                             + [(_fmt(vals.get(fid)), "") for fid in ids]))
            out.append(self._group(i, label, members,
                                   scroll_table(head, rows, None, "lr-reports", top=top)))
        out.append("</section>")
        return "\n".join(out)

    def index_charts(self, charts=True):
        """The reports per year (the comparisons are on the year pages)."""
        from .render import png_html

        r = self.rollup
        if not r.years or not charts:
            return ""
        from .index_charts import status_png

        out = ['<section class="lr-charts"><h2 class="lr-part">图表</h2>',
               png_html(status_png(r.years, [self.counts(y) for y in r.years]),
                        "各年度报告情况", "rollup-reports")]
        out.append('<p class="lr-note">各指标的部门对比图见各年度页，各部门的变化趋势见部门页。</p>')
        out.append("</section>")
        return "\n".join(out)

    def comparisons(self, year):
        """Per key figure of ``year``: the departments compared (top and bottom 15 at most)."""
        from .index_charts import EXTREMES, comparison_png
        from .render import png_html

        out = []
        for fid in self.key_ids(year):
            items = [(self.labels[o], float(self.values[(o, y)][fid]))
                     for (o, y) in sorted(self.values) if y == year
                     and fid in self.values[(o, y)]]
            if len(items) < 2:
                continue
            name, unit = self.meta[fid]
            title = f"{name}（{unit}）" if unit else name
            if len(items) > 2 * EXTREMES:
                cap = (f"{year}年{title}：数值最高的 {EXTREMES} 个部门与最低的 {EXTREMES} 个部门"
                       f"（共 {len(items)} 个部门，中间 {len(items) - 2 * EXTREMES} 个未列出）")
            else:
                cap = f"{year}年{title}：{len(items)} 个部门对比"
            out.append(png_html(comparison_png(items, title), cap, f"compare-{year}-{fid}"))
        if not out:
            return ""
        return (f'<h3>{year}年各部门主要数据对比</h3>\n<p class="lr-note">每个指标一图；部门多于 '
                f'{2 * EXTREMES} 个时只列出数值最高与最低的各 {EXTREMES} 个。</p>\n'
                + "\n".join(out))

    # ------------------------------------------------------------ index-<year>.html

    def year_fragments(self, year, charts=True):
        """The page of one year: title, overview, the groups, the comparison charts."""
        r = self.rollup
        n = self.counts(year)
        line = (f"应报 {n['expected']} 个部门，已生成报告 {n['built']} 份，"
                f"缺报 {n['expected'] - n['built']} 项，逾期 {n['late']} 份。")
        title = (f'<header class="lr-title"><p class="lr-org">{esc(INDEX_TITLE)}</p>'
                 f'<h1>{year}年度报告一览</h1><p class="lr-note">{esc(line)}</p></header>\n'
                 + self.nav(current=year))
        groups = ['<section class="lr-groups"><h2 class="lr-part">各部门报告</h2>']
        for i, (label, members) in enumerate(r.groups, 1):
            ids = self.key_ids(year, members)
            files = self._has_files([(o, year) for o in members])
            head = ["部门", "报告", "报告日期", "核查（错误/警告/提示）",
                    *(["Word", "PDF"] if files else []), *map(self._head, ids)]
            rows = []
            for o in members:
                cells = [self._status(o, year, "", late=False), self._date(o, year),
                         self._check(o, year, "")]
                if files:
                    cells += self._files(o, year, "")
                vals = self.values.get((o, year), {})
                cells += [(_fmt(vals.get(fid)), "") for fid in ids]
                rows.append((self._dept(o, ""), cells))
            groups.append(self._group(i, label, members,
                                      scroll_table(head, rows, f"{year}年报告与主要数据",
                                                   "lr-year"), year=year))
        groups.append("</section>")
        out = [title, self.overview([year], link_years=False), "\n".join(groups)]
        if charts:
            comp = self.comparisons(year)
            if comp:
                out.append(f'<section class="lr-charts"><h2 class="lr-part">图表</h2>\n{comp}'
                           "\n</section>")
        return out

    # ------------------------------------------------------------ <org>/index.html

    def department_fragments(self, org, charts=True):
        """The page of one department: its years, its key figures over them, their trend."""
        r = self.rollup
        base = "../"
        name = self.labels[org]
        group = self.group_of.get(org, UNGROUPED)
        built = [y for y in r.years if self.cells[(org, y)]["built"]]
        line = f"{len(r.years)} 个年度中已生成报告 {len(built)} 份。"
        title = (f'<header class="lr-title"><p class="lr-org">{esc(group)}</p>'
                 f'<h1>{esc(name)}</h1><p class="lr-note">{esc(line)}</p></header>\n'
                 + self.nav(base))
        files = self._has_files([(org, y) for y in r.years])
        head = ["年度", "报告", "报告日期", "核查（错误/警告/提示）",
                *(["Word", "PDF"] if files else [])]
        rows = []
        for y in sorted(r.years, reverse=True):
            th = _link(base + year_page(y), f"{y}年")
            cells = [self._status(org, y, base, late=False), self._date(org, y),
                     self._check(org, y, base)]
            if files:
                cells += self._files(org, y, base)
            rows.append((th, cells))
        reports = ('<section class="lr-overview"><h2 class="lr-part">各年度报告</h2>\n'
                   + scroll_table(head, rows, None, "lr-reports") + "\n</section>")
        out = [title, reports]
        present = set()
        for y in built:
            present.update(self.values.get((org, y), ()))
        ids = [fid for fid, ind in self.catalog.indicators.items()
               if ind.key and fid in present]
        if ids:
            rows = [(self._row_head(fid), [(_fmt(self.values.get((org, y), {}).get(fid)), "")
                                       for y in built]) for fid in ids]
            key = scroll_table(["指标", *[f"{y}年" for y in built]], rows, None, "lr-key")
            out.append('<section class="lr-keyfigures-years"><h2 class="lr-part">主要数据</h2>\n'
                       f"{key}\n</section>")
            if charts:
                out.append(self._trends(org, built, ids))
        return out

    def _trends(self, org, years, ids):
        from .index_charts import trend_png
        from .render import png_html

        series, units = {}, {}
        for fid in ids:
            if not self.catalog.indicators[fid].comparable:
                continue
            s = {y: self.values[(org, y)][fid] for y in years
                 if fid in self.values.get((org, y), {})}
            if len(s) >= 2:
                name, unit = self.meta[fid]
                series[name], units[name] = s, unit
        if not series:
            return ""
        span = f"（{min(years)}—{max(years)}年）"
        pngs = trend_png(series, units)
        figs = [png_html(p, "主要数据变化趋势" + span, f"trend-{i}") for i, p in enumerate(pngs)]
        return ('<section class="lr-charts"><h2 class="lr-part">变化趋势</h2>\n'
                + "\n".join(figs) + "\n</section>")
