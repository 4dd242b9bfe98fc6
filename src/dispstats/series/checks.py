"""Findings an analyst should look at: stale estimates, sources that disagree, and movements
that do not square with the population figures (stock-flow). Findings, never errors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from dispstats.model import vocab
from dispstats.model.records import Figure, Site, Source
from dispstats.series.estimate import Estimate, best_estimate

# Relative change that counts as a real rise or drop (10 %), for stock-flow checks.
DEFAULT_TOLERANCE = 0.10


@dataclass(frozen=True)
class Finding:
    """Something to look at. `kind`: stale, disagreement, planned_movement, movement_exceeds_
    origin, no_drop_at_origin, no_rise_at_destination, rise_without_arrivals."""

    kind: str
    site_id: str
    message: str
    figure_ids: tuple[int, ...]
    severity: str = "warning"


def _n(value: float | int | None) -> str:
    return "?" if value is None else f"{round(value):,}"


def span(f: Figure) -> str:
    """A figure's number or range, never one end of a range standing for it."""
    return span_words(f.quantity.low, f.quantity.high)


def span_words(low: float | int | None, high: float | int | None) -> str:
    """A number, or a range by both ends ("40,000–50,000"): the one way every output writes
    a range."""
    return _n(low) if low == high else f"{_n(low)}–{_n(high)}"


def stale_findings(
    estimates: Sequence[Estimate], names: Mapping[str, str] | None = None
) -> list[Finding]:
    """Estimates whose winning figure is older than their threshold (sites named by `names`,
    else by id)."""
    names = names or {}
    return [
        Finding(
            "stale",
            e.site_id,
            f"{names.get(e.site_id, e.site_id)} {e.indicator}: {span(e.figure)} was last "
            "confirmed "
            f"{e.age_weeks} weeks ago ({e.figure.ref.end.isoformat()})",
            (e.figure.id,),
        )
        for e in estimates
        if e.is_stale
    ]


@dataclass(frozen=True)
class Disagreement:
    """Sources' estimates for one site side by side; spread = highest high / lowest low."""

    site_id: str
    indicator: str
    figures: tuple[Figure, ...]
    low: int
    high: int

    @property
    def spread(self) -> float:
        return float("inf") if self.low == 0 else self.high / self.low


def disagreements(
    estimates: Sequence[Estimate], tolerance: float = DEFAULT_TOLERANCE
) -> list[Disagreement]:
    """Where figures in an estimate's window cannot all be right, most disagreeing first.

    Two figures disagree when what each says (a number, a range, "at least", "at most"),
    widened by `tolerance` on both sides, leaves no value both allow: "about 42,000" lies
    inside "40,000-50,000", and "more than 20" fits 45. A range's own width is no
    disagreement, nor are two equal numbers.
    """
    found = []
    for e in estimates:
        if e.figure is None or not e.competitors:
            continue
        shown = (e.figure, *e.competitors)
        numbers = [f for f in shown if f.quantity.low is not None]
        if any(_apart(a, b, tolerance) for i, a in enumerate(numbers) for b in numbers[i + 1 :]):
            found.append(Disagreement(e.site_id, e.indicator, shown, e.low, e.high))
    return sorted(found, key=lambda d: -d.spread)


def bounds(f: Figure) -> tuple[float, float]:
    """The values a figure allows: its number or range, open-ended for "at least" and
    "more than", down to 0 for "at most" and "fewer than"."""
    q = f.quantity
    low, high = float(q.low), float(q.high)
    if q.quantifier in ("at_least", "more_than"):
        high = float("inf")
    elif q.quantifier in ("at_most", "fewer_than"):
        low = 0.0
    return low, high


def _apart(a: Figure, b: Figure, tolerance: float) -> bool:
    (a_low, a_high), (b_low, b_high) = bounds(a), bounds(b)
    return a_high * (1 + tolerance) < b_low * (1 - tolerance) or b_high * (
        1 + tolerance
    ) < a_low * (1 - tolerance)


def disagreement_findings(
    found: Sequence[Disagreement],
    sources: Mapping[str, Source],
    names: Mapping[str, str] | None = None,
) -> list[Finding]:
    names = names or {}
    out = []
    for d in found:
        sides = "; ".join(
            f"{_publisher(f, sources)} {_n(f.quantity.low)}"
            + (f"-{_n(f.quantity.high)}" if f.quantity.is_range else "")
            + f" ({f.ref})"
            for f in d.figures
        )
        out.append(
            Finding(
                "disagreement",
                d.site_id,
                f"{names.get(d.site_id, d.site_id)} {d.indicator}: sources disagree, "
                f"{_n(d.low)} to "
                f"{_n(d.high)} ({d.spread:.1f}x): {sides}",
                tuple(f.id for f in d.figures),
                "info",
            )
        )
    return out


def _publisher(f: Figure, sources: Mapping[str, Source]) -> str:
    source = sources.get(f.source_id)
    return source.publisher if source else f.source_id


def stock_flow_findings(
    figures: Sequence[Figure],
    sources: Mapping[str, Source],
    sites: Sequence[Site],
    as_of: date,
    tolerance: float = DEFAULT_TOLERANCE,
) -> list[Finding]:
    """Compare movements with the population series of their origin and destination.

    Planned and under-way movements are reported so they are followed up. A completed one is
    checked: it should not exceed the origin's population before it, the origin should drop and
    the destination rise by about its size (within `tolerance` of the movement) by `as_of`.
    A population rising by more than `tolerance` with no arrivals or returns recorded into the
    site in between is reported too.
    """
    live = [f for f in figures if not f.is_retracted and f.ref.start <= as_of]
    population = [f for f in live if f.indicator == "population"]
    names = {s.id: s.name for s in sites}
    out: list[Finding] = []

    def pop_at(site_id: str | None, day: date) -> Estimate | None:
        if site_id is None:
            return None
        e = best_estimate(population, sources, site_id, "population", day)
        return e if e.figure is not None else None

    for m in live:
        if not m.is_flow or m.quantity.low is None:
            continue
        origin, destination = _ends(m)
        route = (
            f"{names.get(origin, origin or '?')} to {names.get(destination, destination or '?')}"
        )
        size = f"{_n(m.quantity.low)}" + (f"-{_n(m.quantity.high)}" if m.quantity.is_range else "")
        what = f"{size} {m.indicator} from {route}"
        if m.movement_status in (None, "planned", "under_way"):
            status = vocab.label(m.movement_status) if m.movement_status else "status unknown"
            out.append(
                Finding(
                    "planned_movement",
                    origin or m.site_id,
                    f"{what} ({status}, {m.ref}, {_publisher(m, sources)}): follow "
                    f"up; not yet expected in the population figures",
                    (m.id,),
                    "info",
                )
            )
            continue
        before_day = m.ref.start - timedelta(days=1)
        origin_before = pop_at(origin, before_day)
        if origin_before and m.quantity.low > origin_before.figure.quantity.high:
            out.append(
                Finding(
                    "movement_exceeds_origin",
                    origin,
                    f"{what} (completed) is larger than the population there before "
                    f"it ({_n(origin_before.figure.quantity.high)}, "
                    f"{origin_before.figure.ref})",
                    (m.id, origin_before.figure.id),
                )
            )
        expected = m.quantity.low * (1 - tolerance)
        origin_after = pop_at(origin, as_of)
        if origin_before and origin_after and origin_after.figure.id != origin_before.figure.id:
            # The largest drop the figures allow (a range read at its ends, never its middle);
            # no more people can leave than were there: that case is reported above.
            before_q, after_q = origin_before.figure.quantity, origin_after.figure.quantity
            drop = before_q.high - after_q.low
            if drop < min(expected, before_q.high * (1 - tolerance)):
                out.append(
                    Finding(
                        "no_drop_at_origin",
                        origin,
                        f"{what} (completed) but the population there went from "
                        f"{span(origin_before.figure)} to {span(origin_after.figure)}",
                        (m.id, origin_before.figure.id, origin_after.figure.id),
                    )
                )
        dest_before, dest_after = pop_at(destination, before_day), pop_at(destination, as_of)
        if dest_before and dest_after and dest_after.figure.id != dest_before.figure.id:
            # The largest rise the figures allow.
            rise = dest_after.figure.quantity.high - dest_before.figure.quantity.low
            if rise < expected:
                out.append(
                    Finding(
                        "no_rise_at_destination",
                        destination,
                        f"{what} (completed) but the population there went from "
                        f"{span(dest_before.figure)} to {span(dest_after.figure)}",
                        (m.id, dest_before.figure.id, dest_after.figure.id),
                    )
                )
    out += _rises_without_arrivals(live, population, sources, names, tolerance)
    return out


def _ends(m: Figure) -> tuple[str | None, str | None]:
    """(origin, destination) of a movement: arrivals and returns happen at their site."""
    if m.indicator in ("arrivals", "returns"):
        return m.origin_site_id, m.site_id
    return m.site_id, m.destination_site_id


def _rises_without_arrivals(live, population, sources, names, tolerance):
    inflows: dict[str, list[Figure]] = defaultdict(list)
    for m in live:
        if m.is_flow and m.quantity.low is not None:
            destination = _ends(m)[1]
            if destination:
                inflows[destination].append(m)
    out = []
    for site_id in sorted({f.site_id for f in population}):
        dates = sorted({f.ref.start for f in population if f.site_id == site_id})
        steps = [best_estimate(population, sources, site_id, "population", d) for d in dates]
        for before, after in pairwise(steps):
            # The smallest rise the figures allow: a range's width is not a rise.
            old, new = before.figure.quantity.high, after.figure.quantity.low
            if old <= 0 or (new - old) / old <= tolerance:
                continue
            arrived = [
                m
                for m in inflows[site_id]
                if before.figure.ref.start < m.ref.start <= after.figure.ref.start
            ]
            if not arrived:
                out.append(
                    Finding(
                        "rise_without_arrivals",
                        site_id,
                        f"{names.get(site_id, site_id)} population rose from "
                        f"{span(before.figure)} ({before.figure.ref}) to "
                        f"{span(after.figure)} ({after.figure.ref}) with no arrivals or "
                        "returns recorded",
                        (before.figure.id, after.figure.id),
                    )
                )
    return out
