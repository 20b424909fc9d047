"""Statistics of a department-year: pure computations on the model."""

from __future__ import annotations

import pandas as pd

from .narrative import round_half_up

__all__ = ["figures_table", "breakdown_table", "key_figures", "figures_record"]


def figures_table(data, catalog):
    """Every figure of the data: id, 指标, 数值, 单位 (catalogue order)."""
    rows = [(fid, ind.name, data.figures[fid], ind.unit)
            for fid, ind in catalog.indicators.items() if fid in data.figures]
    df = pd.DataFrame(rows, columns=["id", "指标", "数值", "单位"])
    # each value as the data gives it: a count stays 38, not 38.0 beside a rate of 95.5
    df["数值"] = pd.Series([r[2] for r in rows], dtype=object)
    return df


def breakdown_table(data, catalog, breakdown_id):
    """The parts of a breakdown present in the data, with their share of the sum.

    Returns an empty frame when the data has none of its parts.
    """
    b = catalog.breakdowns[breakdown_id]
    rows = [(catalog.indicators[p].name, data.figures[p], catalog.indicators[p].unit)
            for p in b.parts if p in data.figures]
    df = pd.DataFrame(rows, columns=["类别", "数值", "单位"])
    df["数值"] = pd.Series([r[1] for r in rows], dtype=object)  # 2860 stays 2860 beside 95.5
    kinds = {catalog.indicators[p].kind for p in b.parts}
    if len(df) and kinds == {"count"}:
        total = df["数值"].sum()
        df["占比（%）"] = [round_half_up(100 * v / total, 1) if total else 0.0
                          for v in df["数值"]]
    return df


def key_figures(data, catalog):
    """The figures the catalogue marks ``key``, present in the data."""
    df = figures_table(data, catalog)
    keys = {fid for fid, ind in catalog.indicators.items() if ind.key}
    return df[df["id"].isin(keys)].reset_index(drop=True)


def figures_record(data, catalog, findings=()):
    """The computed figures as a JSON-ready dict (written beside each report)."""
    figures = {}
    for fid, ind in catalog.indicators.items():
        if fid in data.figures:
            figures[fid] = {"name": ind.name, "unit": ind.unit, "kind": ind.kind,
                            "value": data.figures[fid]}
    breakdowns = {}
    for b in catalog.breakdowns.values():
        present = [p for p in b.parts if p in data.figures]
        if not present:
            continue
        s = sum(data.figures[p] for p in present)
        entry = {"name": b.name, "parts": {p: data.figures[p] for p in present},
                 "sum_of_parts": s}
        if b.total and b.total in data.figures:
            entry["total"] = b.total
            entry["stated_total"] = data.figures[b.total]
            entry["rule"] = b.rule
            entry["consistent"] = (data.figures[b.total] == s if b.rule == "equal"
                                   else data.figures[b.total] >= s if b.rule == "at_least"
                                   else None)
        breakdowns[b.id] = entry
    return {
        "org": {"slug": data.org_slug, "name": data.org_name},
        "year": data.year,
        "report_date": data.report_date.isoformat() if data.report_date else None,
        "figures": figures,
        "breakdowns": breakdowns,
        # a workbook's place is a cell (数据!C14), written as text
        "data_check": [{"level": f.level, "field": f.field,
                        "line": f.line if isinstance(f.line, int) or f.line is None
                        else str(f.line), "message": f.message, "zh": f.zh}
                       for f in findings],
    }
