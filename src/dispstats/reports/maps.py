"""The brief's map, drawn offline with matplotlib: sites as circles sized by their best estimate
(hollow when stale), other places (areas, movement ends) as small diamonds, movements as arrows
from origin to destination (planned dashed, completed solid) with their numbers, country
outlines and names from Natural Earth (geo/countries.geojson, public domain), a scale bar and
the data's date. Places without coordinates are returned to be listed under the map.

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
from pathlib import Path

from dispstats.model.records import Figure, Site
from dispstats.reports.charts import RC, chart_label
from dispstats.series.checks import span_words
from dispstats.series.estimate import Estimate

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


def map_data(
    sites: Mapping[str, Site],
    estimates: Sequence[Estimate],
    movements: Sequence[tuple[Figure, str]],
    as_of: date,
    others: Sequence[str] = (),
) -> MapData:
    """What the map shows: the sites of `estimates` (by their best estimate), the places in
    `others` (site ids) and the ends of `movements` (figure, words for its number). `sites`
    holds only what the output may show: a public map is given public sites only."""
    data = MapData(as_of)
    placed: dict[str, Place] = {}
    missing: dict[str, None] = {}

    def place(site_id: str | None, estimate: Estimate | None = None) -> Place | None:
        if site_id is None or site_id not in sites:
            return None
        site = sites[site_id]
        if site.latitude is None or site.longitude is None:
            missing[site.name] = None
            return None
        if site_id not in placed or (estimate and placed[site_id].low is None):
            q = estimate.figure.quantity if estimate and estimate.figure else None
            placed[site_id] = Place(
                site_id, site.name, site.latitude, site.longitude,
                q.low if q else None, q.high if q else None,
                bool(estimate and estimate.is_stale),
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

    with rc_context(RC):
        canvas = _canvas(data)
        buffer = io.BytesIO() if image_format != "svg" else io.StringIO()
        options = {"metadata": {"Date": None}} if image_format == "svg" else {}
        canvas.savefig(buffer, format=image_format, dpi=150, **options)
    if image_format != "svg":
        return buffer.getvalue()
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _canvas(data: MapData):
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
    _countries(ax, (west, east, south, north))
    for n, move in enumerate(data.moves):
        _arrow(ax, move, n)
    _places(ax, data.places)
    _scale_bar(ax, (west, east, south, north), middle)
    ax.text(0.99, 0.98, f"Figures as of {data.as_of.day} {data.as_of:%b %Y}",
            transform=ax.transAxes, ha="right", va="top", fontsize=7, color="#555555")  # fmt: skip
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
def _outlines() -> list[tuple[str, list[list[tuple[float, float]]]]]:
    collection = json.loads(COUNTRIES.read_text(encoding="utf-8"))
    return [
        (f["properties"]["name"], [ring for polygon in f["geometry"]["coordinates"]
                                   for ring in polygon])
        for f in collection["features"]
    ]  # fmt: skip


def _countries(ax, box: tuple[float, float, float, float]) -> None:
    from matplotlib.collections import PolyCollection

    west, east, south, north = box
    rings, labels = [], []
    for name, country in _outlines():
        inside = [
            ring
            for ring in country
            if min(x for x, _ in ring) < east and max(x for x, _ in ring) > west
            and min(y for _, y in ring) < north and max(y for _, y in ring) > south
        ]  # fmt: skip
        rings += inside
        if inside:
            biggest = max(inside, key=len)
            x = sum(p[0] for p in biggest) / len(biggest)
            y = sum(p[1] for p in biggest) / len(biggest)
            if west < x < east and south < y < north:
                labels.append((x, y, name))
    ax.add_collection(PolyCollection(rings, facecolors=LAND, edgecolors=BORDER, linewidths=0.6,
                                     zorder=0))  # fmt: skip
    for x, y, name in labels:
        ax.text(x, y, chart_label(name.upper()), ha="center", va="center", fontsize=7,
                color="#8a867d", zorder=1)  # fmt: skip


def _places(ax, places: Sequence[Place]) -> None:
    largest = max((p.high for p in places if p.high), default=0)
    taken: list[tuple[float, float, float, float]] = []  # label boxes placed, in points
    for p in places:  # largest first: their labels choose first
        if p.high:
            size = LARGEST_AREA * p.high / largest
            ax.scatter([p.lon], [p.lat], s=size, zorder=4, linewidths=1.2,
                       facecolors="none" if p.stale else CIRCLE, edgecolors=CIRCLE,
                       alpha=0.85)  # fmt: skip
            label = chart_label(
                f"{p.name}\n{span_words(p.low, p.high)}" + (" (stale)" if p.stale else ""), 60
            )
            style = {"fontsize": 7.5, "fontweight": "bold", "color": "#111111"}
            gap = math.sqrt(size) / 2 + 3  # beside the circle, whatever its size
        else:
            ax.scatter([p.lon], [p.lat], marker="D", s=14, color="#555555", zorder=4)
            label = chart_label(p.name)
            style = {"fontsize": 7, "color": "#333333"}
            gap = 6
        dx, dy, ha, va = _free_spot(ax, (p.lon, p.lat), label, style["fontsize"], gap, taken)
        ax.annotate(label, (p.lon, p.lat), xytext=(dx, dy), textcoords="offset points",
                    ha=ha, va=va, zorder=5, **style)  # fmt: skip
    if largest:
        _size_legend(ax, largest)


def _free_spot(ax, point, label: str, fontsize: float, gap: float, taken: list) -> tuple:
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


def _size_legend(ax, largest: int) -> None:
    """Circles of round values, the largest no bigger than the largest site."""
    step = 10 ** max(0, int(math.log10(largest)))
    values = sorted({v for v in (step, step * (largest // step)) if 0 < v <= largest})
    handles = [
        ax.scatter([], [], s=LARGEST_AREA * v / largest, color=CIRCLE, alpha=0.85) for v in values
    ]
    legend = ax.legend(handles, [f"{v:,} people" for v in values], loc="lower left",
                       frameon=True, fontsize=7, labelspacing=2.4, borderpad=1.2, handletextpad=1.8,
                       title="Best estimate; hollow: stale", title_fontsize=7)  # fmt: skip
    legend.set_zorder(6)


def _arrow(ax, move: Move, n: int) -> None:
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
    # The arc bulges to one side of the chord: the label sits on the bulge.
    x, y = x + bend * dy / 2, y - bend * dx / 2
    status = move.status or "status unknown"
    ax.text(x, y, chart_label(f"{move.words} ({status})", 50), fontsize=7, color=ARROW,
            ha="center", va="center", zorder=5,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.8})  # fmt: skip


def _scale_bar(ax, box: tuple[float, float, float, float], middle: float) -> None:
    west, east, south, north = box
    km_per_degree = 111.32 * middle
    target = (east - west) * km_per_degree / 4
    length = max(v for v in (10, 20, 50, 100, 200, 500, 1000) if v <= max(target, 10))
    degrees = length / km_per_degree
    x0 = east - (east - west) * 0.04 - degrees
    y0 = south + (north - south) * 0.05
    ax.plot([x0, x0 + degrees], [y0, y0], color="#333333", linewidth=2, zorder=6,
            solid_capstyle="butt")  # fmt: skip
    ax.text(x0 + degrees / 2, y0 + (north - south) * 0.015, f"{length:,} km", ha="center",
            va="bottom", fontsize=7, zorder=6)  # fmt: skip
