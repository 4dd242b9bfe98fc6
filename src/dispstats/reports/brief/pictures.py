"""The brief's pictures: what its charts and map are drawn from (reports/drawing.py draws
them, maybe in a helper process), and the map alone (`dispstats map`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from dispstats.errors import InputError
from dispstats.output import written
from dispstats.reports.brief.data import BriefData
from dispstats.reports.brief.gather import gather, report_day
from dispstats.reports.drawing import ChartPlan, PicturePlans
from dispstats.reports.i18n import Lang, get_lang
from dispstats.series.weekly import weekly_estimates

if TYPE_CHECKING:
    from dispstats.store.contract import StoreReader

CHART_WEEKS = 104
# Above this many plotted points a chart is embedded as PNG: WeasyPrint draws SVG in Python.
SVG_MAX_POINTS = 200


def picture_plans(data: BriefData, end_day: date, folder: Path) -> PicturePlans:
    """What the brief's charts and map are drawn from (PNGs are written into `folder`)."""
    shown = map_of(data, end_day)
    png_map = raster_text(data.lang)
    return PicturePlans(
        charts=tuple(_chart_plans(data, end_day, folder)),
        publishers=data.publishers,
        end_day=end_day,
        lang=data.lang,
        map=shown if shown.places else None,
        map_png=folder / "map.png" if shown.places and png_map else None,
    )


def raster_text(lang: Lang) -> bool:
    """Whether charts and the map go in as images: WeasyPrint draws SVG text without shaping
    or bidi, and an SVG whose Arabic labels are glyph outlines takes it half a second more
    per brief than a PNG (bench/lang_bench.py); matplotlib shapes them in a PNG itself."""
    return lang.direction == "rtl"


def map_of(data: BriefData, end_day: date):
    """What the brief's map shows: its key sites, the areas holding them and the movements it
    lists, with the sites the brief may show (public ones only in a public brief)."""
    from dispstats.reports.maps import map_data

    parents = [k.site.parent_id for k in data.key_figures if k.site.parent_id]
    # Circles of one kind of series (the largest key figure's: IDPs in people, say), never a
    # group's circle standing for another's; the legend names it when the brief has several.
    kind = data.key_figures[0].key.kind if data.key_figures else None
    apart = [k.site.id for k in data.key_figures if k.key.kind != kind]  # places, no circle
    return map_data(
        data.site_records,
        [k.estimate for k in data.key_figures if k.key.kind == kind],
        [(m.cited.figure, m.cited.words) for m in data.movements],
        end_day,
        others=[*parents, *apart],
        names=data.site_names,
        lang=data.lang,
    )


MAP_FORMATS = ("png", "svg", "pdf")


def render_map(
    store: StoreReader,
    output: Path,
    week: date | None = None,
    as_of: date | None = None,
    *,
    sites: list[str] | None = None,
    top: int = 6,
    lang: str = "en",
    digits: str = "latn",
):
    """Write the brief's map alone (PNG, SVG or PDF by the file's suffix); returns its
    MapData (what it shows, which places have no coordinates, which characters of its labels
    no font has)."""
    from dispstats.reports.charts import glyph_gaps
    from dispstats.reports.maps import draw_map

    kind = output.suffix.lower().lstrip(".")
    if kind not in MAP_FORMATS:
        raise InputError(
            f"cannot write a map as '{output.suffix or output.name}': name the file .png, .svg "
            "or .pdf",
            field="output",
            value=str(output),
        )
    if not output.parent.is_dir():
        raise InputError(f"folder {output.parent} does not exist", field="output")
    end_day = report_day(week, as_of)
    data = gather(store, end_day, sites, top=top, lang=get_lang(lang, digits))
    shown = map_of(data, end_day)
    with glyph_gaps() as gaps:
        drawn = draw_map(shown, kind)
    shown.missing_glyphs = sorted(gaps)
    with written(output) as target:
        if isinstance(drawn, str):
            target.write_text(drawn, encoding="utf-8")
        else:
            target.write_bytes(drawn)
    return shown


def _chart_plans(data: BriefData, end_day: date, folder: Path) -> Iterator[ChartPlan]:
    """One chart per key site: inline SVG when small, else a PNG file in `folder`."""
    lang = data.lang
    for n, k in enumerate(data.key_figures, 1):
        name = data.site_names[k.site.id]
        # Two years at most: a weekly brief shows the trend, the store keeps the rest.
        since = end_day - timedelta(weeks=CHART_WEEKS)
        if data.several_series:
            name = f"{name} · {k.counts}"
        history = [f for f in data.history[k.key] if f.ref.start > since]
        if not history:  # an empty chart over years would read as "nothing happened"
            last = k.best.figure.ref.start
            note = lang.gettext(
                "No population figure for %(site)s in the two years to %(day)s; the last one "
                "is of %(last)s, so no chart."
            )
            yield ChartPlan(
                name, note=note % {"site": name, "day": lang.day(end_day), "last": lang.day(last)}
            )
            continue
        first = history[0].ref.start
        weeks = min(CHART_WEEKS, (end_day - first).days // 7 + 2)
        ends = [end_day - timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
        weekly = weekly_estimates(history, data.source_records, [k.site.id], [k.key.kind], ends)[
            k.key
        ]
        small = len(history) + len(weekly) <= SVG_MAX_POINTS and not raster_text(lang)
        png = None if small else folder / f"chart-{n}.png"
        yield ChartPlan(name, tuple(history), tuple(weekly), png)
