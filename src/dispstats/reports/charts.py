"""Charts for the brief, drawn with matplotlib: SVG to inline in the HTML, or PNG for dense
charts (WeasyPrint draws SVG in Python, which is slow for thousands of elements).

In SVG, text stays text (svg.fonttype "none"), escaped by matplotlib's XML writer, so chart
labels are searchable in the PDF and names from data can never become markup. Right-to-left
text is the exception: WeasyPrint draws SVG text without shaping or bidi, so an Arabic brief
embeds its charts and map as PNG (brief.raster_text), and an Arabic SVG (`dispstats map -o
x.svg --lang ar`) draws its labels as glyph outlines; matplotlib (>= 3.11: HarfBuzz,
SheenBidi) shapes and orders them in both. A character no chart font has is drawn as an
empty box; `glyph_gaps` collects those for the brief and the map command to name.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta

from dispstats.model.records import Figure
from dispstats.reports.i18n import Lang, get_lang
from dispstats.reports.steps import Step, best_steps, runs
from dispstats.series.rule import Estimate

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
COLOURS = ("#1f5f8b", "#c2501e", "#3a8a3a", "#7a4e9e", "#b8860b", "#555555", "#a02c5a")
BEST_COLOUR = "#222222"
BAND_COLOUR = "#9dbbd6"
STALE_COLOUR = "#8a8a8a"
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "dispstats",
    "font.size": 8,
    # Arabic labels fall back to Noto Sans Arabic (Debian fonts-noto-core): matplotlib >= 3.11
    # shapes them and lays them out right to left itself.
    "font.family": ["DejaVu Sans", "Noto Sans Arabic"],
}


_MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from font")


@contextmanager
def glyph_gaps() -> Iterator[set[str]]:
    """Around drawing charts or a map: the characters of labels that no chart font has.
    matplotlib draws each as an empty box and warns on stderr, once per glyph and chart, in
    Python's words; they are collected here (the set is filled when the block ends) for the
    caller to report once. Other warnings pass on as they came."""
    found: set[str] = set()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
    for w in caught:
        missing = _MISSING_GLYPH.match(str(w.message))
        if missing and issubclass(w.category, UserWarning):
            found.add(chr(int(missing.group(1))))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)


def rc_for(lang: Lang) -> dict:
    """matplotlib settings for a chart in `lang` (see the module's docstring)."""
    return (RC | {"svg.fonttype": "path"}) if lang.direction == "rtl" else RC


def population_chart(
    history: Sequence[Figure],
    weekly: Sequence[Estimate],
    publishers: Mapping[str, str],
    as_of: date,
    image_format: str = "svg",
    *,
    lang: Lang | None = None,
) -> str | bytes:
    """Population over time: one marker style per publisher (a range drawn from its low to its
    high end, never as a midpoint), the weekly best estimate (two lines bounding a band while
    it is a range, one line while it is a number), and a band where sources in the window
    disagree.

    Returns SVG text (image_format "svg") or PNG bytes at 150 dpi ("png").
    """
    from matplotlib import rc_context

    lang = lang or get_lang()
    with rc_context(rc_for(lang)):
        canvas = population_canvas(history, weekly, publishers, as_of, lang)
        if image_format == "png":
            png = io.BytesIO()
            canvas.savefig(png, format="png", dpi=150)
            return png.getvalue()
        buffer = io.StringIO()
        canvas.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def population_canvas(
    history: Sequence[Figure],
    weekly: Sequence[Estimate],
    publishers: Mapping[str, str],
    as_of: date,
    lang: Lang | None = None,
):
    """The chart's matplotlib figure, drawn but not saved (see population_chart)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure as Canvas
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    lang = lang or get_lang()
    with rc_context(rc_for(lang)):
        canvas = Canvas(figsize=(6.7, 2.5))
        # Fixed margins (room for "1,000,000" on the left, the legend on the right): a layout
        # engine would draw every chart twice.
        canvas.subplots_adjust(left=0.115, right=0.775, bottom=0.12, top=0.96)
        ax = canvas.subplots()
        steps = best_steps(weekly)
        if steps:
            _draw_best(ax, steps, lang)
        _draw_reports(ax, history, publishers)
        # matplotlib's date units take a date; its annotations say float
        ax.axvline(as_of, color="#999999", linewidth=0.8, linestyle=":")  # type: ignore[arg-type]
        highest = max([f.quantity.high or 0 for f in history] + [s.band_high for s in steps] + [1])
        # Headroom above the highest value, so a range's top end is never cut by the frame.
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=3))
        ax.set_ylim(0, highest * 1.12)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: lang.number(v)))
        _date_axis(ax, [f.ref.start for f in history] + [s.start for s in steps[:1]] + [as_of],
                   lang)  # fmt: skip
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_ylabel(lang.gettext("people"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=7)
    return canvas


def _draw_reports(ax, history: Sequence[Figure], publishers: Mapping[str, str]) -> None:
    """One marker style per publisher; a range is a bar with the marker at both ends."""
    order = list(dict.fromkeys(publishers.get(f.source_id, f.source_id) for f in history))
    for n, publisher in enumerate(order):
        mine = [f for f in history if publishers.get(f.source_id, f.source_id) == publisher]
        style = {"color": COLOURS[n % len(COLOURS)], "marker": MARKERS[n % len(MARKERS)]}
        single = [f for f in mine if not f.quantity.is_range]
        ranges = [f for f in mine if f.quantity.is_range]
        ax.plot(
            [f.ref.start for f in single] + [f.ref.start for f in ranges for _ in "lh"],
            [f.quantity.low for f in single]
            + [v for f in ranges for v in (f.quantity.low, f.quantity.high)],
            linestyle="none",
            markersize=5,
            label=chart_label(publisher),
            **style,
        )
        if ranges:
            ax.vlines(
                [f.ref.start for f in ranges],
                [f.quantity.low for f in ranges],
                [f.quantity.high for f in ranges],
                color=style["color"],
                linewidth=1.2,
            )


def _draw_best(ax, steps: Sequence[Step], lang: Lang) -> None:
    """The best estimate as steps from the date of the figures behind each value (see
    reports/steps.py): a line while it is a number, two lines bounding a band while it is a
    range, a band where sources in the window disagree; a stale stretch grey and dashed."""
    for n, run in enumerate(runs(steps)):
        days = [s.start for s in run] + [run[-1].end]
        last = run[-1]
        ax.fill_between(
            days,
            _held([s.band_low for s in run]),
            _held([s.band_high for s in run]),
            step="post",
            color=BAND_COLOUR,
            alpha=0.2 if last.stale else 0.45,
            linewidth=0,
            label=lang.gettext("range across sources") if n == 0 else None,
        )
        lows, highs = _held([s.low for s in run]), _held([s.high for s in run])
        style = {"color": STALE_COLOUR, "linestyle": (0, (4, 2))} if last.stale else {
            "color": BEST_COLOUR
        }  # fmt: skip
        if lows != highs:
            ax.fill_between(days, lows, highs, step="post", alpha=0.18, linewidth=0,
                            color=style["color"])  # fmt: skip
            ax.step(days, highs, where="post", linewidth=1.0, **style)
        ax.step(days, lows, where="post", linewidth=1.4 if lows == highs else 1.0, **style)
    # One legend entry for each look, whichever runs there are.
    looks = {s.stale for s in steps}
    if False in looks:
        ax.plot([], [], color=BEST_COLOUR, linewidth=1.4, label=lang.gettext("best estimate"))
    if True in looks:
        ax.plot([], [], color=STALE_COLOUR, linewidth=1.4, linestyle=(0, (4, 2)),
                label=lang.gettext("stale estimate"))  # fmt: skip


def _held(values: list[int]) -> list[int]:
    """Values of steps drawn "post": the last one held to the end of its step."""
    return [*values, values[-1]]


def _date_axis(ax, days: Sequence[date], lang: Lang) -> None:
    """Ticks that say their year: the first tick and every new year carry it ("Sep 2016",
    "Jan 2017"), so no tick reads as a month of an unknown year."""
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter

    first, last = min(days), max(days)
    if first == last:  # one day: a week either side, so the axis has a span
        first, last = first - timedelta(days=7), last + timedelta(days=7)
    margin = max((last - first) * 0.03, timedelta(days=1))
    ax.set_xlim(first - margin, last + margin)
    locator = AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ticks = [num2date(t).date() for t in locator()]
    months = all(t.day == 1 for t in ticks)
    years = months and all(t.month == 1 for t in ticks)

    def label(value, position) -> str:
        day = num2date(value).date()
        if years:
            return lang.date(day, "y")
        before = [t for t in ticks if t < day]
        new_year = not before or before[-1].year != day.year
        if new_year:
            return lang.date(day, "MMM y" if months else "d MMM y")
        return lang.date(day, "MMM" if months else "d MMM")

    ax.xaxis.set_major_formatter(FuncFormatter(label))


def chart_label(text: str, limit: int = 40) -> str:
    """Text from data as a matplotlib label: shortened, '$' kept literal (not mathtext), and a
    leading '_' kept visible (matplotlib hides such labels)."""
    short = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    short = short.replace("$", r"\$")
    return "\u200b" + short if short.startswith("_") else short
