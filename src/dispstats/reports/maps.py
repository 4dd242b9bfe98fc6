"""The brief's map, drawn offline with matplotlib: sites as circles sized by their best estimate
(hollow when stale), other places (areas, movement ends) as small diamonds, movements as arrows
from origin to destination (planned dashed, completed solid) with their numbers, country
outlines and names from Natural Earth (geo/countries.geojson, public domain), a scale bar and
the data's date. Places without coordinates are returned to be listed under the map.

Labels keep off each other: a place's label takes the first side of its mark that is clear
of the legend, the marks and the labels before it (else the side that covers least); country
names come last, each at the first point inside the country where it reads whole, or not at
all.

Coordinates are drawn as longitude and latitude, the longitude stretched by the cosine of the
map's middle latitude (an equirectangular view, true to scale in its middle at this size).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from dispstats.model.parse import Quantity
from dispstats.model.records import Figure, Site
from dispstats.reports import wording
from dispstats.reports.charts import chart_label, rc_for
from dispstats.reports.i18n import Lang, get_lang
from dispstats.series.rule import Estimate

COUNTRIES = Path(__file__).with_name("geo") / "countries.geojson"
CIRCLE = "#1f5f8b"
ARROW = "#c2501e"
LAND, BORDER = "#f1f0ec", "#b9b6ae"
# Inches: the page's text width, and a height that leaves room for the map on a brief's first
# page below its key figures.
SIZE = (6.7, 3.6)
# A circle's area is proportional to its people: this many points² for the largest.
LARGEST_AREA = 900.0


@dataclass(frozen=True)
class Place:
    site_id: str
    name: str
    lat: float
    lon: float
    low: int | None = None  # people, when the place is drawn by its best estimate
    high: int | None = None
    stale: bool = False
    quantifier: str = "exact"  # "about 45,000" stays about on the map


@dataclass(frozen=True)
class Move:
    origin: Place
    destination: Place
    words: str
    status: str | None


@dataclass
class MapData:
    as_of: date
    places: list[Place] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    not_on_map: list[str] = field(default_factory=list)  # names of places without coordinates
    missing_glyphs: list[str] = field(default_factory=list)  # set once drawn (render_map)
    lang: Lang = field(default_factory=get_lang)


def map_data(
    sites: Mapping[str, Site],
    estimates: Sequence[Estimate],
    movements: Sequence[tuple[Figure, str]],
    as_of: date,
    others: Sequence[str] = (),
    *,
    names: Mapping[str, str] | None = None,
    lang: Lang | None = None,
) -> MapData:
    """What the map shows: the sites of `estimates` (by their best estimate), the places in
    `others` (site ids) and the ends of `movements` (figure, words for its number). `sites`
    holds only what the output may show: a public map is given public sites only. Places are
    named by `names` (the brief's language), else by their main name."""
    data = MapData(as_of, lang=lang or get_lang())
    names = names or {}
    placed: dict[str, Place] = {}
    missing: dict[str, None] = {}

    def place(site_id: str | None, estimate: Estimate | None = None) -> Place | None:
        if site_id is None or site_id not in sites:
            return None
        site = sites[site_id]
        if site.latitude is None or site.longitude is None:
            missing[names.get(site_id, site.name)] = None
            return None
        if site_id not in placed or (estimate and placed[site_id].low is None):
            q = estimate.figure.quantity if estimate and estimate.figure else None
            placed[site_id] = Place(
                site_id, names.get(site_id, site.name), site.latitude, site.longitude,
                q.low if q else None, q.high if q else None,
                bool(estimate and estimate.is_stale), q.quantifier if q else "exact",
            )  # fmt: skip
        return placed[site_id]

    for e in estimates:
        place(e.site_id, e)
    for site_id in others:
        place(site_id)
    for figure, words in movements:
        origin = place(figure.origin_site_id or figure.site_id)
        destination = place(figure.destination_site_id or figure.site_id)
        if figure.indicator == "arrivals":
            origin, destination = place(figure.origin_site_id), place(figure.site_id)
        if origin and destination and origin is not destination:
            data.moves.append(Move(origin, destination, words, figure.movement_status))
    data.places = sorted(placed.values(), key=lambda p: -(p.high or 0))
    data.not_on_map = list(missing)
    return data


def draw_map(data: MapData, image_format: str = "svg") -> str | bytes:
    """The map as SVG text ("svg"), or PNG/PDF bytes ("png", "pdf")."""
    from matplotlib import rc_context

    with rc_context(rc_for(data.lang)):
        canvas = map_canvas(data)
        if image_format != "svg":
            picture = io.BytesIO()
            canvas.savefig(picture, format=image_format, dpi=150)
            return picture.getvalue()
        text = io.StringIO()
        canvas.savefig(text, format="svg", dpi=150, metadata={"Date": None})
    svg = text.getvalue()
    return svg[svg.index("<svg") :]


def map_canvas(data: MapData):
    """The map's matplotlib figure, drawn but not saved (see draw_map)."""
    from matplotlib.figure import Figure as Canvas

    canvas = Canvas(figsize=SIZE)
    ax = canvas.add_axes((0.01, 0.01, 0.98, 0.98))
    west, east, south, north = _extent(data.places)
    middle = math.cos(math.radians((south + north) / 2))
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / middle)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#ffffff")
    lang = data.lang
    countries = _countries(ax, (west, east, south, north), lang)
    for n, move in enumerate(data.moves):
        _arrow(ax, move, n, lang)
    _places(ax, data.places, lang)
    _scale_bar(ax, (west, east, south, north), middle, lang)
    as_of = lang.gettext("Figures as of %(day)s") % {"day": lang.day(data.as_of)}
    ax.text(0.99, 0.98, as_of, transform=ax.transAxes, ha="right", va="top", fontsize=7,
            color="#555555")  # fmt: skip
    _country_names(ax, countries)
    return canvas


def _extent(places: Sequence[Place]) -> tuple[float, float, float, float]:
    """West, east, south, north: the places with a margin, at least 3 degrees across, shaped
    to the canvas so that nothing is cut."""
    if not places:
        return 35.0, 43.0, 31.0, 38.0
    lons, lats = [p.lon for p in places], [p.lat for p in places]
    span = max(max(lons) - min(lons), max(lats) - min(lats), 3.0) * 1.35
    lon0, lat0 = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    middle = math.cos(math.radians(lat0))
    height = span
    width = max(span / middle, height * SIZE[0] / SIZE[1] / middle)
    height = width * middle * SIZE[1] / SIZE[0]
    return lon0 - width / 2, lon0 + width / 2, lat0 - height / 2, lat0 + height / 2


@lru_cache(maxsize=1)
def _outlines() -> list[tuple[str, str, list[list[tuple[float, float]]]]]:
    collection = json.loads(COUNTRIES.read_text(encoding="utf-8"))
    return [
        (f["properties"]["name"], f["properties"]["iso_a3"],
         [ring for polygon in f["geometry"]["coordinates"] for ring in polygon])
        for f in collection["features"]
    ]  # fmt: skip


def country_name(name: str, iso3: str, lang: Lang) -> str:
    """A country's name in `lang` (CLDR's, by its ISO code), else Natural Earth's English."""
    if lang.code == "en":
        return name
    import pycountry
    from babel import Locale

    country = pycountry.countries.get(alpha_3=iso3)
    territories = Locale.parse(lang.code).territories
    return territories.get(country.alpha_2, name) if country else name


def _countries(ax, box: tuple[float, float, float, float], lang: Lang) -> list[tuple]:
    """The country outlines within `box`; returns the names to place (see _country_names),
    each as (area, spots, name): the points of the country's largest ring on the map where
    its name may go, nearest the middle first."""
    from matplotlib.collections import PolyCollection

    west, east, south, north = box
    rings, labels = [], []
    for name, iso3, country in _outlines():
        inside = [
            ring
            for ring in country
            if min(x for x, _ in ring) < east and max(x for x, _ in ring) > west
            and min(y for _, y in ring) < north and max(y for _, y in ring) > south
        ]  # fmt: skip
        rings += inside
        if inside:
            biggest = max(inside, key=_area)
            spots = _spots(biggest, box)
            if spots:
                labels.append((_area(biggest), spots, country_name(name, iso3, lang)))
    ax.add_collection(PolyCollection(rings, facecolors=LAND, edgecolors=BORDER, linewidths=0.6,
                                     zorder=0))  # fmt: skip
    return labels


def _area(ring: Sequence[tuple[float, float]]) -> float:
    # The shoelace formula, in square degrees: enough to rank countries by size.
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))) / 2


def _spots(ring, box: tuple[float, float, float, float], steps: int = 6) -> list[tuple]:
    """Points inside `ring` and on the map: its vertices' mean first when it is one of them
    (where a wholly shown country's name sits), then a grid over the part shown, nearest that
    part's middle first."""
    from matplotlib.path import Path as Outline

    west, east, south, north = box
    outline = Outline(ring)
    left, right = max(min(x for x, _ in ring), west), min(max(x for x, _ in ring), east)
    bottom, top = max(min(y for _, y in ring), south), min(max(y for _, y in ring), north)
    mean = (sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring))
    grid = [
        (left + (right - left) * i / steps, bottom + (top - bottom) * j / steps)
        for i in range(1, steps)
        for j in range(1, steps)
    ]
    middle = ((left + right) / 2, (bottom + top) / 2)
    grid.sort(key=lambda p: (p[0] - middle[0]) ** 2 + (p[1] - middle[1]) ** 2)
    first = [mean] if west < mean[0] < east and south < mean[1] < north else []
    return [p for p in first + grid if outline.contains_point(p)]


def _marks(ax) -> list:
    """The boxes, in display pixels, of the places' circles and diamonds (scatter marks)."""
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import Bbox

    boxes = []
    for marks in ax.collections:
        if not isinstance(marks, PathCollection):
            continue  # the country outlines
        sizes = marks.get_sizes()
        for n, (x, y) in enumerate(ax.transData.transform(marks.get_offsets())):
            # A mark of size s (points squared) is about sqrt(s) points across.
            radius = math.sqrt(sizes[n % len(sizes)]) / 2 * ax.figure.dpi / 72
            boxes.append(Bbox([[x - radius, y - radius], [x + radius, y + radius]]))
    return boxes


def _country_names(ax, labels: Sequence[tuple]) -> None:
    """Country names, drawn last and largest country first, each at its first spot where it
    reads whole: inside the frame, clear of the legend, the marks, the scale bar, every other
    label and each other. A name with no such spot is left off; its outline still shows."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [a.get_window_extent(renderer) for a in [*ax.texts, *ax.lines]]
    taken += _marks(ax)
    if ax.get_legend() is not None:
        taken.append(ax.get_legend().get_window_extent(renderer))
    for _, spots, name in sorted(labels, key=lambda label: -label[0]):
        text = ax.text(0, 0, chart_label(name.upper()), ha="center", va="center", fontsize=7,
                       color="#8a867d", zorder=1)  # fmt: skip
        for spot in spots:
            text.set_position(spot)
            box = text.get_window_extent(renderer)
            whole = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if whole and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
        else:
            text.remove()


def _places(ax, places: Sequence[Place], lang: Lang) -> None:
    largest = max((p.high for p in places if p.high), default=0)
    taken: list[tuple[float, float, float, float]] = []  # boxes labels keep off, in points
    if largest:  # the legend first: labels keep off it (a long name would run under it)
        taken.append(_size_legend(ax, largest, lang))
    for p in places:
        if p.high:
            ax.scatter([p.lon], [p.lat], s=LARGEST_AREA * p.high / largest, zorder=4,
                       linewidths=1.2, facecolors="none" if p.stale else CIRCLE,
                       edgecolors=CIRCLE, alpha=0.85)  # fmt: skip
        else:
            ax.scatter([p.lon], [p.lat], marker="D", s=14, color="#555555", zorder=4)
    # Every mark before any label: no label runs over another place's circle.
    scale = 72 / ax.figure.dpi
    taken += [(b.x0 * scale, b.y0 * scale, b.x1 * scale, b.y1 * scale) for b in _marks(ax)]
    for p in places:  # largest first: their labels choose first
        if p.high:
            value = wording.quantity_words(lang, Quantity(p.low, p.high, p.quantifier))
            if p.stale:
                value = lang.gettext("%(value)s (stale)") % {"value": value}
            label = chart_label(f"{p.name}\n{value}", 60)
            size, style = 7.5, {"fontweight": "bold", "color": "#111111"}
            gap = math.sqrt(LARGEST_AREA * p.high / largest) / 2 + 3  # beside its circle
        else:
            label = chart_label(p.name)
            size, style = 7, {"color": "#333333"}
            gap = 6
        dx, dy, ha, va = _free_spot(ax, (p.lon, p.lat), label, size, gap=gap, taken=taken)
        ax.annotate(label, (p.lon, p.lat), xytext=(dx, dy), textcoords="offset points",
                    ha=ha, va=va, zorder=5, fontsize=size, **style)  # fmt: skip


def _free_spot(ax, point, label: str, fontsize: float, *, gap: float, taken: list) -> tuple:
    """Where a label goes: right, left, above or below its mark, the first side whose box
    (estimated from the text's length) overlaps no label placed before; else the side that
    overlaps least. The box is added to `taken`."""
    lines = label.split("\n")
    width = max(len(line) for line in lines) * fontsize * 0.62
    height = len(lines) * fontsize * 1.25
    x, y = ax.transData.transform(point) * 72 / ax.figure.dpi
    sides = [
        (gap, 0, "left", "center", (x + gap, y - height / 2)),
        (-gap, 0, "right", "center", (x - gap - width, y - height / 2)),
        (0, gap, "center", "bottom", (x - width / 2, y + gap)),
        (0, -gap, "center", "top", (x - width / 2, y - gap - height)),
    ]

    def overlap(corner) -> float:
        left, bottom = corner
        return sum(
            max(0.0, min(left + width, r) - max(left, l_))
            * max(0.0, min(bottom + height, t) - max(bottom, b))
            for l_, b, r, t in taken
        )

    best = min(sides, key=lambda side: overlap(side[4]))  # min keeps the first of equals
    left, bottom = best[4]
    taken.append((left, bottom, left + width, bottom + height))
    return best[:4]


def _size_legend(ax, largest: int, lang: Lang) -> tuple[float, float, float, float]:
    """Circles of round values, the largest no bigger than the largest site; returns the
    legend's box (left, bottom, right, top) in points, as labels are placed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    step = 10 ** max(0, int(math.log10(largest)))
    values = sorted({v for v in (step, step * (largest // step)) if 0 < v <= largest})
    handles = [
        ax.scatter([], [], s=LARGEST_AREA * v / largest, color=CIRCLE, alpha=0.85) for v in values
    ]
    words = [lang.gettext("%(value)s people") % {"value": lang.number(v)} for v in values]
    legend = ax.legend(handles, words, loc="lower left",
                       frameon=True, fontsize=7, labelspacing=2.4, borderpad=1.2, handletextpad=1.8,
                       title=lang.gettext("Best estimate; hollow: stale"),
                       title_fontsize=7)  # fmt: skip
    legend.set_zorder(6)
    box = legend.get_window_extent(FigureCanvasAgg(ax.figure).get_renderer())
    scale = 72 / ax.figure.dpi
    return box.x0 * scale, box.y0 * scale, box.x1 * scale, box.y1 * scale


def _arrow(ax, move: Move, n: int, lang: Lang) -> None:
    from matplotlib.patches import FancyArrowPatch

    planned = move.status == "planned"
    bend = 0.15 if n % 2 == 0 else -0.15
    arrow = FancyArrowPatch(
        (move.origin.lon, move.origin.lat), (move.destination.lon, move.destination.lat),
        connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>", mutation_scale=12,
        linestyle=(0, (4, 3)) if planned else "-", linewidth=1.4, color=ARROW, zorder=3,
        shrinkA=6, shrinkB=6,
    )  # fmt: skip
    ax.add_patch(arrow)
    x = (move.origin.lon + move.destination.lon) / 2
    y = (move.origin.lat + move.destination.lat) / 2
    dx, dy = move.destination.lon - move.origin.lon, move.destination.lat - move.origin.lat
    # The arc bulges to one side of the chord: the label starts on the bulge and reads away
    # from the chord, so the labels of two arrows on one route (bending either way) never
    # cover each other.
    out_x, out_y = bend * dy / 2, -bend * dx / 2
    x, y = x + out_x, y + out_y
    if abs(out_x) >= abs(out_y):
        ha, va = ("left" if out_x > 0 else "right"), "center"
    else:
        ha, va = "center", ("bottom" if out_y > 0 else "top")
    status = wording.status(lang, move.status) or lang.gettext("status unknown")
    label = lang.gettext("%(value)s (%(status)s)") % {"value": move.words, "status": status}
    ax.text(x, y, chart_label(label, 50), fontsize=7, color=ARROW, ha=ha, va=va, zorder=5,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.8})  # fmt: skip


def _scale_bar(ax, box: tuple[float, float, float, float], middle: float, lang: Lang) -> None:
    west, east, south, north = box
    km_per_degree = 111.32 * middle
    target = (east - west) * km_per_degree / 4
    length = max(v for v in (10, 20, 50, 100, 200, 500, 1000) if v <= max(target, 10))
    degrees = length / km_per_degree
    x0 = east - (east - west) * 0.04 - degrees
    y0 = south + (north - south) * 0.05
    ax.plot([x0, x0 + degrees], [y0, y0], color="#333333", linewidth=2, zorder=6,
            solid_capstyle="butt")  # fmt: skip
    km = lang.gettext("%(length)s km") % {"length": lang.number(length)}
    ax.text(x0 + degrees / 2, y0 + (north - south) * 0.015, km, ha="center", va="bottom",
            fontsize=7, zorder=6)  # fmt: skip
