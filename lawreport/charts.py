"""Charts in one house style, with Chinese labels drawn in a CJK font.

The font is registered once, by file path (``fontManager.addfont``), from the
first of: ``$LAWREPORT_FONT``, Debian's ``fonts-noto-cjk`` (installed by
``make setup``). Charts are PNG bytes with fixed metadata, so the same data
gives the same bytes.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

from .exceptions import BuildError

__all__ = ["setup_font", "chart_png", "trend_png", "png_bytes", "FONT_FAMILY", "FONT_CANDIDATES",
           "MEDIA"]

FONT_FAMILY = "Noto Sans CJK SC"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
)
PALETTE = ("#9e2a2b", "#d08c60", "#3d5a80", "#98c1d9", "#6b705c", "#b5838d", "#e0a458")
_ready = False


@dataclass(frozen=True)
class Medium:
    """Where a chart is shown: its width (inches), resolution, and the trend panels' width
    and number a row. A chart is drawn at the size it is shown at, so that its text keeps
    its point size."""

    width: float
    dpi: int
    panel: float
    trend_cols: int


#: a screen page (640 px wide), and a printed page's text block (140 mm, at 300 dpi)
MEDIA = {"screen": Medium(6.4, 100, 3.0, 3), "print": Medium(5.5, 300, 2.55, 2)}


def setup_font():
    """Register the CJK font and the house rc settings (idempotent)."""
    global _ready
    if _ready:
        return FONT_FAMILY
    import matplotlib
    from matplotlib import font_manager

    path = os.environ.get("LAWREPORT_FONT") or next(
        (p for p in FONT_CANDIDATES if os.path.isfile(p)), None)
    if path is None or not os.path.isfile(path):
        raise BuildError(
            "no CJK font found for chart labels: run 'make setup' (it installs Debian's "
            "fonts-noto-cjk), or set LAWREPORT_FONT to the path of a Noto Sans CJK SC file")
    font_manager.fontManager.addfont(path)
    names = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
    family = FONT_FAMILY if FONT_FAMILY in names else sorted(names)[0]
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.hashsalt": "lawreport",
        "figure.dpi": 100,
    })
    _ready = True
    return family


def chart_png(table, kind="bar", medium="screen"):
    """Draw a breakdown table (类别, 数值, 单位) as a PNG for a ``medium`` of
    :data:`MEDIA`; returns the bytes. Its title is the caption the report prints under
    it, not drawn in the picture a second time."""
    setup_font()
    from matplotlib.figure import Figure

    m = MEDIA[medium]
    labels = list(table["类别"])
    values = [float(v) for v in table["数值"]]
    unit = table["单位"].iloc[0] if len(table) else ""
    fig = Figure(figsize=(m.width, m.width * 9 / 16 if kind != "barh" else
                          0.45 * len(labels) + 1.4))
    ax = fig.add_subplot()
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(labels))]
    if kind == "pie":
        ax.pie(values, labels=[f"{lab}\n{v:g} {unit}" for lab, v in zip(labels, values)],
               colors=colors, startangle=90, counterclock=False,
               wedgeprops={"linewidth": 1, "edgecolor": "white"})
        ax.set_aspect("equal")
    elif kind == "barh":
        bars = ax.barh(labels[::-1], values[::-1], color=colors[0])
        ax.bar_label(bars, labels=[f"{v:g}" for v in values[::-1]], padding=3)
        ax.set_xlabel(unit)
        ax.margins(x=0.12)
        _whole_ticks(ax.xaxis, values)
    else:
        bars = ax.bar(labels, values, color=colors[0], width=0.6)
        ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=3)
        ax.set_ylabel(unit)
        ax.margins(y=0.15)
        _whole_ticks(ax.yaxis, values)
    _despine(ax)
    return png_bytes(fig, m.dpi)


def _whole_ticks(axis, values):
    """Whole numbers on the scale of counts: no 25.0, 27.5 人."""
    from matplotlib.ticker import MaxNLocator

    if all(float(v).is_integer() for v in values if v == v):
        axis.set_major_locator(MaxNLocator(integer=True))


def _despine(ax):
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def png_bytes(fig, dpi=100):
    """A figure as PNG bytes with fixed metadata: the same figure gives the same bytes.

    The figure is laid out once (``tight_layout``) and drawn once: the layout
    engine that ``tight_layout`` leaves behind would make ``savefig`` draw the
    whole figure a second time, for a layout that is already done. Layout and
    drawing use one Agg renderer, so the text measured for the layout is not
    measured again for the drawing.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.tight_layout()
    fig.set_layout_engine(None)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def trend_png(trend, units, medium="screen"):
    """Small multiples: one line per figure over the years (columns of ``trend``).

    ``trend`` is a DataFrame indexed by year with one column per figure name;
    ``units`` maps a column to its unit. The chart's title is its caption.
    """
    setup_font()
    from matplotlib.figure import Figure

    m = MEDIA[medium]
    cols = list(trend.columns)
    ncol = min(m.trend_cols, len(cols))
    nrow = -(-len(cols) // ncol)
    fig = Figure(figsize=(m.panel * ncol + 0.4, m.panel * 0.8 * nrow + 0.3))
    years = [int(y) for y in trend.index]
    for i, col in enumerate(cols):
        ax = fig.add_subplot(nrow, ncol, i + 1)
        values = trend[col]
        ax.plot(years, values, marker="o", color=PALETTE[0], linewidth=2)
        for x, y in zip(years, values):
            if y == y:  # not NaN
                ax.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 6),
                            ha="center", fontsize=8)
        ax.set_title(f"{col}（{units.get(col, '')}）" if units.get(col) else col, fontsize=10)
        ax.set_xticks(years, [str(y) for y in years])
        _whole_ticks(ax.yaxis, values)
        ax.margins(y=0.25, x=0.15)
        _despine(ax)
    return png_bytes(fig, m.dpi)
