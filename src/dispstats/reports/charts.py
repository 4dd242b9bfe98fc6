"""Charts for the brief, drawn with matplotlib: SVG to inline in the HTML, or PNG for dense
charts (WeasyPrint draws SVG in Python, which is slow for thousands of elements).

In SVG, text stays text (svg.fonttype "none"), escaped by matplotlib's XML writer, so chart
labels are searchable in the PDF and names from data can never become markup.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

from dispstats.model.records import Figure
from dispstats.series.estimate import Estimate

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
COLOURS = ("#1f5f8b", "#c2501e", "#3a8a3a", "#7a4e9e", "#b8860b", "#555555", "#a02c5a")
BEST_COLOUR = "#222222"
BAND_COLOUR = "#9dbbd6"


def population_chart(
    history: Sequence[Figure],
    weekly: Sequence[Estimate],
    publishers: Mapping[str, str],
    as_of: date,
    image_format: str = "svg",
) -> str | bytes:
    """Population over time: one marker style per publisher (ranges as bars), the weekly
    best-estimate line, and a band where sources in the window disagree.

    Returns SVG text (image_format "svg") or PNG bytes at 150 dpi ("png").
    """
    from matplotlib import rc_context
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure as Canvas
    from matplotlib.ticker import FuncFormatter

    with rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "dispstats",
            "font.size": 8,
            "font.family": "DejaVu Sans",
        }
    ):
        canvas = Canvas(figsize=(6.7, 2.5))
        # Fixed margins (room for "1,000,000" on the left, the legend on the right): a layout
        # engine would draw every chart twice.
        canvas.subplots_adjust(left=0.105, right=0.775, bottom=0.12, top=0.96)
        ax = canvas.subplots()
        points = [e for e in weekly if e.figure is not None]
        if points:
            days = [e.as_of for e in points]
            ax.fill_between(
                days,
                [e.low for e in points],
                [e.high for e in points],
                step="post",
                color=BAND_COLOUR,
                alpha=0.45,
                linewidth=0,
                label="range across sources",
            )
            ax.step(
                days,
                [(e.figure.quantity.low + e.figure.quantity.high) / 2 for e in points],
                where="post",
                color=BEST_COLOUR,
                linewidth=1.4,
                label="best estimate",
            )
        order = list(dict.fromkeys(publishers.get(f.source_id, f.source_id) for f in history))
        for n, publisher in enumerate(order):
            mine = [f for f in history if publishers.get(f.source_id, f.source_id) == publisher]
            style = {"color": COLOURS[n % len(COLOURS)], "marker": MARKERS[n % len(MARKERS)]}
            ax.plot(
                [f.ref.start for f in mine],
                [(f.quantity.low + f.quantity.high) / 2 for f in mine],
                linestyle="none",
                markersize=5,
                label=chart_label(publisher),
                **style,
            )
            ranges = [f for f in mine if f.quantity.is_range]
            if ranges:  # a reported range as a bar from its low to its high
                ax.vlines(
                    [f.ref.start for f in ranges],
                    [f.quantity.low for f in ranges],
                    [f.quantity.high for f in ranges],
                    color=style["color"],
                    linewidth=1,
                )
        ax.axvline(as_of, color="#999999", linewidth=0.8, linestyle=":")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        locator = AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_ylabel("people")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=7)
        if image_format == "png":
            png = io.BytesIO()
            canvas.savefig(png, format="png", dpi=150)
            return png.getvalue()
        buffer = io.StringIO()
        canvas.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def chart_label(text: str, limit: int = 40) -> str:
    """Text from data as a matplotlib label: shortened, '$' kept literal (not mathtext), and a
    leading '_' kept visible (matplotlib hides such labels)."""
    short = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    short = short.replace("$", r"\$")
    return "\u200b" + short if short.startswith("_") else short
