"""Earlier years of a department: year-over-year wording, comparisons, trends.

同比 wording follows Chinese statistical practice: 增长 / 下降 / 持平 by the sign
of the change rounded 四舍五入 (half up) to one decimal; a percentage changes by
个百分点; a count grows by a rate in %. A figure the catalogue marks
``comparable: false`` (its definition changed) is never compared.
"""

from __future__ import annotations

import os

from .findings import Finding
from .narrative import format_value, parse_placeholders, round_half_up

__all__ = ["earlier_files", "load_history", "change_wording", "check_history",
           "placeholder_figures"]


def earlier_files(data_path):
    """``[(year, path)]`` of the same department's files before this one, oldest first
    (YAML files and workbooks alike)."""
    from .load import DATA_FILE, year_files

    folder = os.path.dirname(os.path.abspath(data_path))
    m = DATA_FILE.fullmatch(os.path.basename(data_path))
    if not m:
        return []
    year = int(m.group(1))
    return [(y, p) for y, p in year_files(folder) if y < year]


def load_history(data_path, catalog):
    """Load the earlier years of the department of ``data_path``.

    Returns
    -------
    (dict year → YearData, list of Finding)
        Only valid earlier files are returned; an earlier file with errors is
        left out with a warning (its errors are reported when it is built).
    """
    from .validate import validate_file

    history, findings = {}, []
    for year, path in earlier_files(data_path):
        data, _outline, fs = validate_file(path, catalog)
        if data is None:
            findings.append(Finding(
                "warning", data_path, None, "year",
                f"the {year} data ({os.path.basename(path)}) has errors and is left out of "
                "comparisons and trends", f"run: lawreport validate {path}",
                f"{year} 年数据（{os.path.basename(path)}）有错误，未纳入同比和趋势。"))
        else:
            history[year] = data
    return history, findings


def change_wording(cur, prev, kind="count", unit=""):
    """同比 wording: 同比增长 12.5% / 同比下降 2 个百分点 / 与上年持平."""
    if kind == "percentage":
        diff = round_half_up(cur - prev, 1)
        if diff == 0:
            return "与上年持平"
        word = "增长" if diff > 0 else "下降"
        return f"同比{word} {format_value(abs(diff))} 个百分点"
    if prev == 0:
        if cur == 0:
            return "与上年持平"
        return f"较上年增加 {format_value(cur)} {unit}".rstrip()
    rate = round_half_up((cur - prev) / prev * 100, 1)
    if rate == 0:
        return "与上年持平"
    word = "增长" if rate > 0 else "下降"
    return f"同比{word} {abs(rate):.1f}%"


def placeholder_figures(text):
    """(name, format) of every placeholder of ``text`` (text assumed valid)."""
    return [p for p in parse_placeholders(text) if not isinstance(p, str)]


def _beside(path, name):
    """The file ``name`` in ``path``'s folder, shown as the user would write it."""
    from .batch import show_path

    return show_path(os.path.join(os.path.dirname(path), name))


def check_history(data, catalog, history):
    """Errors for ``{id:prev}`` / ``{id:yoy}`` placeholders that cannot be honoured."""
    from .validate import texts_of

    prev = history.get(data.year - 1)
    out = []
    for fp, item in texts_of(data):
        try:
            pieces = placeholder_figures(item.text)
        except ValueError:
            continue  # reported by validation
        for name, fmt in pieces:
            if fmt not in ("prev", "yoy") or name not in catalog.indicators:
                continue
            ind = catalog.indicators[name]
            line = data.line_of(fp)
            if not ind.comparable:
                out.append(Finding(
                    "error", data.path, line, fp,
                    f"{{{name}:{fmt}}}: {ind.name} is not comparable across years (its "
                    "definition changed)", "state the two values in words instead of a "
                    "year-over-year placeholder"))
            elif prev is None:
                out.append(Finding(
                    "error", data.path, line, fp,
                    f"{{{name}:{fmt}}} needs the {data.year - 1} data of {data.org_slug}, "
                    "and there is none (or it has errors)",
                    f"add {_beside(data.path, f'{data.year - 1}.yaml')}, or remove the "
                    "comparison"))
            elif name not in prev.figures:
                out.append(Finding(
                    "error", data.path, line, fp,
                    f"{{{name}:{fmt}}}: the {data.year - 1} data has no value for {name}",
                    f"add {name} to figures in {os.path.basename(prev.path)}"))
    return out


def comparison_table(data, prev, catalog, ids):
    """与上年比较: 指标, <year-1>, <year>, 同比 for the figures ``ids`` of this year."""
    import pandas as pd

    rows = []
    for fid in ids:
        if fid not in data.figures:
            continue
        ind = catalog.indicators[fid]
        cur = data.figures[fid]
        if not ind.comparable:
            before, word = "", "口径调整，不作比较"
        elif fid not in prev.figures:
            before, word = "", "上年无此项数据"
        else:
            before = format_value(prev.figures[fid])
            word = change_wording(cur, prev.figures[fid], ind.kind, ind.unit)
        rows.append((ind.name, ind.unit, before, format_value(cur), word))
    return pd.DataFrame(rows, columns=["指标", "单位", f"{prev.year}年", f"{data.year}年", "同比"])


def trend_table(data, history, catalog, ids, limit=6):
    """Years × figures for the comparable ``ids`` present in at least two years.

    Returns (DataFrame indexed by year with one column per figure name, units).
    """
    import pandas as pd

    years = {**history, data.year: data}
    chosen, units = {}, {}
    for fid in ids:
        ind = catalog.indicators[fid]
        if not ind.comparable or fid not in data.figures:
            continue
        series = {y: d.figures[fid] for y, d in sorted(years.items()) if fid in d.figures}
        if len(series) >= 2:
            chosen[ind.name] = series
            units[ind.name] = ind.unit
        if len(chosen) == limit:
            break
    return pd.DataFrame(chosen).sort_index(), units
