"""Flows over a period: how many people were newly displaced (or moved) at a site during a
window, added up from the figures of the periods it holds, never read as a stock.

For one series and a window (start to end, inclusive): the figures whose reference periods lie
wholly inside the window count. Sources giving a figure for the same period compete by the
best-estimate rule (one figure per period). Where periods overlap (a year and its months), the
longest wins and the others are shown beside it, never added to it: a year's figure already
holds its months. The periods kept are added up; the days they leave uncovered are said.

Movements by route (`route_months`): the reports of one route, status and month are reports of
one movement, of which the best-estimate rule keeps one; they are never added together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from dispstats.model.parse import sum_quantifier
from dispstats.model.records import Figure, Source
from dispstats.series.rule import SeriesKey, choose_best, series_key


@dataclass(frozen=True)
class FlowSum:
    """A series' flow over a window: the figures added up and those left beside them."""

    key: SeriesKey
    start: date
    end: date
    counted: tuple[Figure, ...] = ()
    beside: tuple[Figure, ...] = ()

    @property
    def site_id(self) -> str:
        return self.key.site_id

    @property
    def low(self) -> int | None:
        return sum(f.quantity.low or 0 for f in self.counted) if self.counted else None

    @property
    def high(self) -> int | None:
        return sum(f.quantity.high or 0 for f in self.counted) if self.counted else None

    @property
    def quantifier(self) -> str:
        return sum_quantifier(f.quantity.quantifier for f in self.counted)

    @property
    def days_covered(self) -> int:
        return sum((f.ref.end - f.ref.start).days + 1 for f in self.counted)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def complete(self) -> bool:
        """Whether the periods counted cover the whole window."""
        return self.days_covered == self.days


def flow_sum(
    figures: Iterable[Figure], sources: Mapping[str, Source], key: SeriesKey, start: date, end: date
) -> FlowSum:
    """The flow of the series `key` over start..end (see the module's rule)."""
    periods: dict[tuple[date, date], list[Figure]] = defaultdict(list)
    for f in figures:
        if (
            series_key(f) == key
            and not f.is_retracted
            and f.quantity.low is not None
            and start <= f.ref.start
            and f.ref.end <= end
        ):
            periods[f.ref.start, f.ref.end].append(f)
    best = {period: choose_best(found, sources)[0] for period, found in periods.items()}
    beside = [f for period, found in periods.items() for f in found if f is not best[period]]
    kept: list[Figure] = []
    longest_first = sorted(best.values(), key=lambda f: (f.ref.start - f.ref.end, f.ref.start))
    for f in longest_first:
        if any(f.ref.start <= k.ref.end and k.ref.start <= f.ref.end for k in kept):
            beside.append(f)
        else:
            kept.append(f)
    return FlowSum(
        key,
        start,
        end,
        tuple(sorted(kept, key=lambda f: f.ref.start)),
        tuple(sorted(beside, key=lambda f: (f.ref.start, f.id or 0))),
    )


@dataclass(frozen=True)
class RouteMonth:
    """The people of one route (origin to destination), status and month: the best estimate
    among the reports of that movement (a departure report and an arrival report of one move
    are two reports of it, never added), and how many reports there were."""

    origin: str | None
    destination: str | None
    status: str | None
    month: date  # its first day
    figure: Figure
    reports: int


def route_months(figures: Iterable[Figure], sources: Mapping[str, Source]) -> list[RouteMonth]:
    """Every route, status and month with a number, largest first (ties by route and month)."""
    found: dict[tuple, list[Figure]] = defaultdict(list)
    for f in figures:
        if not f.is_movement or f.is_retracted or f.quantity.low is None:
            continue
        found[(*f.ends, f.movement_status, f.ref.start.replace(day=1))].append(f)
    out = [
        RouteMonth(
            origin, destination, status, month, choose_best(reports, sources)[0], len(reports)
        )
        for (origin, destination, status, month), reports in found.items()
    ]
    return sorted(out, key=lambda r: (-(r.figure.quantity.low or 0), str(r.origin),
                                      str(r.destination), r.month, str(r.status)))  # fmt: skip
