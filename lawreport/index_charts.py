"""Charts of the index pages, made to scale to a province.

A comparison of departments draws at most the top and the bottom ``EXTREMES``
departments of an indicator (and says how many it leaves out), never one bar
per department of a province. Charts are PNG bytes with fixed metadata (see
:func:`lawreport.charts.png_bytes`), reduced to a 32-colour palette: a chart of
flat bars and text loses nothing visible and weighs a quarter as much, which
counts on pages a province opens by the thousand.
"""

from __future__ import annotations

__all__ = ["EXTREMES", "extremes", "comparison_png", "status_png", "trend_png", "small_png"]

#: A comparison chart shows at most this many departments at the top and at the bottom.
EXTREMES = 15
#: Colours of the palette the charts are reduced to.
COLOURS = 32


def small_png(png):
    """PNG bytes reduced to a :data:`COLOURS`-colour palette, without dithering (the same
    chart gives the same bytes)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        small = im.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT,
                                           dither=Image.Dither.NONE)
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def extremes(items, n=EXTREMES):
    """The departments a comparison chart shows.

    Parameters
    ----------
    items : sequence of (str, float)
        (label, value) of every department reporting the indicator.
    n : int
        How many to keep at each end.

    Returns
    -------
    (top, bottom, omitted)
        ``top`` and ``bottom`` are (label, value) lists, highest value first (ties
        by label); with at most ``2 n`` items ``top`` holds them all, ``bottom``
        is empty and ``omitted`` is 0; otherwise ``omitted`` is how many were
        left out between them.
    """
    ordered = sorted(items, key=lambda kv: (-kv[1], kv[0]))
    if len(ordered) <= 2 * n:
        return ordered, [], 0
    return ordered[:n], ordered[-n:], len(ordered) - 2 * n


def comparison_png(items, title, n=EXTREMES):
    """One horizontal bar per department shown (see :func:`extremes`), highest on top."""
    from matplotlib.figure import Figure

    from .charts import PALETTE, png_bytes, setup_font
    from .narrative import format_value

    setup_font()
    top, bottom, omitted = extremes(items, n)
    rows = top + ([None] if omitted else []) + bottom
    fig = Figure(figsize=(6.4, 0.25 * len(rows) + 1.0))
    ax = fig.add_subplot()
    ys = list(range(len(rows)))[::-1]
    values = [0 if r is None else r[1] for r in rows]
    colors = ([PALETTE[0]] * len(top) + (["#ffffff"] if omitted else [])
              + [PALETTE[2]] * len(bottom))
    bars = ax.barh(ys, values, color=colors, height=0.65)
    ax.bar_label(bars, labels=["" if r is None else format_value(r[1]) for r in rows],
                 padding=3, fontsize=8)
    ax.set_yticks(ys, [f"……中间 {omitted} 个部门未列出……" if r is None else r[0]
                       for r in rows], fontsize=8)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.margins(x=0.15)
    if max(values, default=0) <= 0:
        ax.set_xlim(0, 1)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, fontsize=11)
    return small_png(png_bytes(fig))


def status_png(years, counts):
    """Per year: reports built on time, built late, not built or failed, no data."""
    from matplotlib.figure import Figure

    from .charts import PALETTE, png_bytes, setup_font

    setup_font()
    series = [("按时生成", [c["built"] - c["built_late"] for c in counts], PALETTE[0], "white"),
              ("逾期", [c["built_late"] for c in counts], PALETTE[1], "black"),
              ("未生成或失败", [c["not_built"] + c["failed"] for c in counts], "#b5838d",
               "black"),
              ("未报送", [c["no_data"] for c in counts], "#d9d4cc", "black")]
    fig = Figure(figsize=(max(4.2, 1.0 * len(years) + 2.6), 3.2))
    ax = fig.add_subplot()
    xs = list(range(len(years)))
    bottom = [0] * len(years)
    tall = max((c["expected"] for c in counts), default=0)
    for label, values, color, ink in series:
        bars = ax.bar(xs, values, bottom=bottom, color=color, width=0.6, label=label)
        # a segment too thin for its number leaves it to the overview table
        ax.bar_label(bars, labels=[str(v) if v and v >= 0.07 * tall else "" for v in values],
                     label_type="center", color=ink, fontsize=8)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xticks(xs, [f"{y}年" for y in years])
    ax.set_ylabel("个部门")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(0, max(bottom, default=0) * 1.35 + 1)
    ax.legend(frameon=False, fontsize=8, loc="upper left", ncols=4)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title("各年度报告情况", fontsize=12)
    return small_png(png_bytes(fig))


def trend_png(series, units, per_chart=9):
    """A department's figures over the years: a list of PNGs, ``per_chart`` figures each.

    ``series`` maps a figure name to ``{year: value}`` (two years or more each).
    """
    import pandas as pd

    from .charts import trend_png as draw

    names = list(series)
    out = []
    for i in range(0, len(names), per_chart):
        chunk = names[i:i + per_chart]
        table = pd.DataFrame({n: series[n] for n in chunk}).sort_index()
        out.append(small_png(draw(table, {n: units.get(n, "") for n in chunk})))
    return out
