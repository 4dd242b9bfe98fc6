"""Findings an analyst should look at: stale estimates, sources that disagree, movements that
do not square with the population figures (stock-flow), and stocks dated after their source
was published. Findings, never errors."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from dispstats.model.records import Figure, Source, after_publication
from dispstats.series.rule import Estimate, SeriesKey, choose_best, estimate_of

# Relative change that counts as a real rise or drop (10 %), for stock-flow checks.
DEFAULT_TOLERANCE = 0.10

# One severity scale for every finding, by the size of its gap: how far apart the two numbers
# that should agree are, as a share of the smaller (sources' figures, a parent's own figure and
# its sites' total, a population before and after a movement, a figure and its parts), or how
# far past the staleness limit an estimate is. Under a quarter: info; up to double: warning;
# one number double the other or more (or twice the staleness limit): serious. A planned
# movement is info (nothing disagrees); a stock dated after its source was published is a
# warning (a date to check, whatever the numbers).
SEVERITY_STEPS = ((1.0, "serious"), (0.25, "warning"))
SEVERITIES = ("info", "warning", "serious")


def severity(gap: float) -> str:
    """The severity of a gap (see SEVERITY_STEPS)."""
    return next((name for least, name in SEVERITY_STEPS if gap >= least), "info")


def gap(a: float, b: float) -> float:
    """How far apart two counts are, as a share of the smaller (of at least one person)."""
    return max(a, b) / max(min(a, b), 1) - 1


@dataclass(frozen=True)
class Finding:
    """Something to look at, as facts for the reports layer to word in a reader's language.

    `kind` and its `facts`:
    - stale: indicator, group, unit, figure, age_weeks
    - disagreement: indicator, group, unit, figures, low, high, spread
    - planned_movement: movement, origin, destination (site ids or None)
    - movement_exceeds_origin: movement, origin, destination, before (the origin's figure)
    - no_drop_at_origin, no_rise_at_destination: movement, origin, destination, before, after
    - rise_without_arrivals: before, after (the site's two figures)
    - total_disagrees: indicator, group, unit, own (the parent's figure), low, high, recent,
      children, tolerance
    - parts: figure, problem ("exceed" or "short"), dimensions, sum (series/parts_checks.py)
    - after_publication: figure, publisher, published (a stock dated after its source appeared)
    """

    kind: str
    site_id: str
    figure_ids: tuple[int, ...]
    severity: str = "warning"
    facts: dict[str, Any] = field(default_factory=dict, compare=False)


def after_publication_findings(
    figures: Sequence[Figure], sources: Mapping[str, Source]
) -> list[Finding]:
    """Stocks dated after their source was published (stored with the analyst's leave, or
    before dispstats refused them): each date is to be checked."""
    return [
        Finding(
            "after_publication",
            f.site_id,
            (f.id,),
            "warning",  # a date to check, whatever the numbers
            facts={
                "figure": f,
                "publisher": sources[f.source_id].publisher,
                "published": sources[f.source_id].published,
            },
        )
        for f in figures
        if not f.is_retracted and after_publication(f, sources.get(f.source_id))
    ]


def stale_findings(estimates: Sequence[Estimate]) -> list[Finding]:
    """Estimates whose winning figure is older than their threshold."""
    return [
        Finding(
            "stale",
            e.site_id,
            (e.figure.id,),
            severity(e.age_days / max(e.stale_weeks * 7, 1) - 1),
            facts={
                "indicator": e.indicator,
                "group": e.population_group,
                "unit": e.unit,
                "figure": e.figure,
                "age_weeks": e.age_weeks,
            },
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
    group: str | None = None
    unit: str = "people"

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
            found.append(
                Disagreement(
                    e.site_id, e.indicator, shown, e.low, e.high, e.population_group, e.unit
                )
            )
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


def disagreement_findings(found: Sequence[Disagreement]) -> list[Finding]:
    return [
        Finding(
            "disagreement",
            d.site_id,
            tuple(f.id for f in d.figures),
            severity(gap(d.low, d.high)),
            facts={
                "indicator": d.indicator,
                "group": d.group,
                "unit": d.unit,
                "figures": d.figures,
                "low": d.low,
                "high": d.high,
                "spread": d.spread,
            },
        )
        for d in found
    ]


def stock_flow_findings(
    figures: Sequence[Figure],
    sources: Mapping[str, Source],
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
    populations = _Populations(live, sources)
    out: list[Finding] = []
    for m in live:
        if not m.is_movement or m.quantity.low is None:
            continue
        origin, destination = m.ends
        facts = {"movement": m, "origin": origin, "destination": destination}
        if m.movement_status in (None, "planned", "under_way"):
            out.append(Finding("planned_movement", origin or m.site_id, (m.id,), "info", facts))
            continue
        before_day = m.ref.start - timedelta(days=1)
        origin_before = populations.at(origin, m.population_group, before_day)
        if origin_before and m.quantity.low > origin_before.figure.quantity.high:
            out.append(
                Finding(
                    "movement_exceeds_origin",
                    origin,
                    (m.id, origin_before.figure.id),
                    severity(gap(m.quantity.low, origin_before.figure.quantity.high)),
                    facts=facts | {"before": origin_before.figure},
                )
            )
        expected = m.quantity.low * (1 - tolerance)
        origin_after = populations.at(origin, m.population_group, as_of)
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
                        (m.id, origin_before.figure.id, origin_after.figure.id),
                        severity(gap(max(before_q.high - m.quantity.low, 0), after_q.low)),
                        facts=facts
                        | {"before": origin_before.figure, "after": origin_after.figure},
                    )
                )
        dest_before = populations.at(destination, m.population_group, before_day)
        dest_after = populations.at(destination, m.population_group, as_of)
        if dest_before and dest_after and dest_after.figure.id != dest_before.figure.id:
            # The largest rise the figures allow.
            rise = dest_after.figure.quantity.high - dest_before.figure.quantity.low
            expected_after = dest_before.figure.quantity.low + m.quantity.low
            if rise < expected:
                out.append(
                    Finding(
                        "no_rise_at_destination",
                        destination,
                        (m.id, dest_before.figure.id, dest_after.figure.id),
                        severity(gap(expected_after, dest_after.figure.quantity.high)),
                        facts=facts | {"before": dest_before.figure, "after": dest_after.figure},
                    )
                )
    out += _rises_without_arrivals(live, populations.series, sources, tolerance)
    return out


class _Populations:
    """Each population series in people, grouped once: an estimate reads its own series only."""

    def __init__(self, live: Sequence[Figure], sources: Mapping[str, Source]):
        self.series: dict[tuple[str, str | None], list[Figure]] = defaultdict(list)
        for f in live:
            if f.indicator == "population" and f.unit == "people":
                self.series[f.site_id, f.population_group].append(f)
        self.groups_at: dict[str, list[str | None]] = defaultdict(list)
        for site_id, group in self.series:
            self.groups_at[site_id].append(group)
        self.sources = sources

    def at(self, site_id: str | None, group: str | None, day: date) -> Estimate | None:
        """The site's population of the movement's group; of its only group when the
        movement names none; None when that would mean choosing between groups."""
        if site_id is None:
            return None
        if (site_id, group) not in self.series:
            if group is not None or len(self.groups_at.get(site_id, ())) != 1:
                return None
            group = self.groups_at[site_id][0]
        key = SeriesKey(site_id, "population", group, "people")
        e = estimate_of(key, self.series[site_id, group], self.sources, day)
        return e if e.figure is not None else None


def _rises_without_arrivals(live, population: dict[tuple, list[Figure]], sources, tolerance):
    # The days movements arrived at each site, sorted: "any arrival between two figures" is
    # then one binary search, not a scan of the site's movements for every pair of figures.
    inflows: dict[str, list[date]] = defaultdict(list)
    for m in live:
        if m.is_movement and m.quantity.low is not None:
            destination = m.ends[1]
            if destination:
                inflows[destination].append(m.ref.start)
    for days in inflows.values():
        days.sort()
    out = []
    for site_id, group in sorted(population, key=lambda key: (key[0], key[1] or "")):
        for before, after in pairwise(_winners(population[site_id, group], sources)):
            # The smallest rise the figures allow: a range's width is not a rise.
            old, new = before.quantity.high, after.quantity.low
            if old <= 0 or (new - old) / old <= tolerance:
                continue
            days = inflows.get(site_id, [])
            first_after = bisect_right(days, before.ref.start)
            if first_after == len(days) or days[first_after] > after.ref.start:
                out.append(
                    Finding(
                        "rise_without_arrivals",
                        site_id,
                        (before.id, after.id),
                        severity(gap(old, new)),
                        facts={"before": before, "after": after},
                    )
                )
    return out


def _winners(population: Sequence[Figure], sources: Mapping[str, Source]) -> list[Figure]:
    """The figure the rule picks on each date one of a site's (live) figures gives a number,
    oldest first: the site's best estimate each time it changed, in one walk of its dates.
    (Dates with only unquantified reports leave the estimate as it was, so they add no step.)"""
    by_date: dict[date, list[Figure]] = defaultdict(list)
    for f in population:
        if f.quantity.low is not None:
            by_date[f.ref.start].append(f)
    return [choose_best(by_date[day], sources)[0] for day in sorted(by_date)]
