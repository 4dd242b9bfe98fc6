"""The best-estimate rule, in one place, and the estimate it produces for a site and date.

The rule (worded for readers in reports/wording.py, shown in every brief): among figures not
retracted whose reference date is on or before the date, take the newest reference date; among
those, a figure marked recommended wins; otherwise the highest source reliability, then the
most recent publication, then the figure entered first. Other sources' figures in the same
window are shown beside it as a range.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from dispstats.model.records import Figure, Source
from dispstats.model.vocab import INDICATORS, POPULATION_GROUPS

DEFAULT_WINDOW_WEEKS = 8
DEFAULT_STALE_WEEKS = 8
# E (known to be unreliable) ranks below F (reliability cannot be judged): an unknown source
# is not worse than one known to be wrong.
_RELIABILITY_RANK = {grade: rank for rank, grade in enumerate("ABCDFE")}


class SeriesKey(NamedTuple):
    """What a series is: figures of one site, indicator, population group and unit. Nothing
    compares, picks between or adds figures of two series."""

    site_id: str
    indicator: str
    group: str | None
    unit: str

    @property
    def kind(self) -> Kind:
        return Kind(self.indicator, self.group, self.unit)


def series_key(f: Figure) -> SeriesKey:
    return SeriesKey(f.site_id, f.indicator, f.population_group, f.unit)


class Kind(NamedTuple):
    """A series without its site: indicator, population group and unit."""

    indicator: str
    group: str | None
    unit: str


def kind_of(f: Figure) -> Kind:
    return Kind(f.indicator, f.population_group, f.unit)


@dataclass(frozen=True)
class Estimate:
    """The best estimate of one series (site, indicator, population group, unit) as of a date,
    with what it beat."""

    site_id: str
    indicator: str
    as_of: date
    figure: Figure | None
    # Why it won: only, recommended, reliability, publication or entry_order.
    reason: str | None
    competitors: tuple[Figure, ...] = ()
    earlier: tuple[Figure, ...] = ()
    reports: tuple[Figure, ...] = ()
    stale_weeks: int = DEFAULT_STALE_WEEKS
    population_group: str | None = None
    unit: str = "people"

    @property
    def key(self) -> SeriesKey:
        return SeriesKey(self.site_id, self.indicator, self.population_group, self.unit)

    @property
    def low(self) -> int | None:
        """Lowest value of the estimate and its competitors (ranges count by their low)."""
        values = [f.quantity.low for f in self._in_window if f.quantity.low is not None]
        return min(values) if values else None

    @property
    def high(self) -> int | None:
        values = [f.quantity.high for f in self._in_window if f.quantity.high is not None]
        return max(values) if values else None

    @property
    def _in_window(self) -> list[Figure]:
        return [f for f in (self.figure, *self.competitors) if f is not None]

    @property
    def age_days(self) -> int | None:
        """Days from the end of the winning figure's reference period to the as-of date."""
        if self.figure is None:
            return None
        return max(0, (self.as_of - min(self.figure.ref.end, self.as_of)).days)

    @property
    def age_weeks(self) -> int | None:
        return None if self.age_days is None else self.age_days // 7

    @property
    def is_stale(self) -> bool:
        return self.age_days is not None and self.age_days > self.stale_weeks * 7


def reliability_rank(source: Source | None) -> int:
    """0 for A (best) ... 5 for E; an unknown source ranks with F."""
    return _RELIABILITY_RANK[source.reliability if source else "F"]


def choose_best(candidates: list[Figure], sources: Mapping[str, Source]) -> tuple[Figure, str]:
    """The winner among figures of the same reference date, and why it won (see Estimate.reason)."""
    if len(candidates) == 1:
        return candidates[0], "only"

    def published(f: Figure) -> date:
        source = sources.get(f.source_id)
        return source.published if source and source.published else date.min

    def key(f: Figure) -> tuple:
        return (
            f.role != "recommended",
            reliability_rank(sources.get(f.source_id)),
            -published(f).toordinal(),
            f.id or 0,
        )

    ranked = sorted(candidates, key=key)
    winner, runner_up = ranked[0], ranked[1]
    for reason, part in (("recommended", 0), ("reliability", 1), ("publication", 2)):
        if key(winner)[part] != key(runner_up)[part]:
            return winner, reason
    return winner, "entry_order"


def best_estimate(
    figures: Iterable[Figure],
    sources: Mapping[str, Source],
    site_id: str,
    indicator: str,
    as_of: date,
    *,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    kind: Kind | None = None,
) -> Estimate:
    """Apply the rule to current figure versions (others are ignored) of one series.

    The series is the site, the indicator and `kind`'s group and unit; without `kind`, the
    figures of the site and indicator must all be of one group and unit (ValueError
    otherwise: picking between groups or units would be a choice the rule must never make).
    A figure's reference date is the start of its period. Unquantified reports never win; they
    are listed in `reports` when they fall in the window. `competitors` holds the latest figure
    of every other source in the window ending at `as_of`; `earlier`, the latest of every
    other source before it.
    """
    mine = [f for f in figures if f.site_id == site_id and f.indicator == indicator]
    if kind is None:
        kinds = {kind_of(f) for f in mine}
        if len(kinds) > 1:
            raise ValueError(f"figures of several series of {site_id}, {indicator}: {kinds}")
        kind = kinds.pop() if kinds else Kind(indicator, None, "people")
    usable = [
        f
        for f in mine
        if f.population_group == kind.group
        and f.unit == kind.unit
        and not f.is_retracted
        and f.ref.start <= as_of
    ]
    named: dict[str, Any] = {
        "stale_weeks": stale_weeks,
        "population_group": kind.group,
        "unit": kind.unit,
    }
    numbers = [f for f in usable if f.quantity.low is not None]
    window_start = as_of - timedelta(weeks=window_weeks)
    reports = tuple(f for f in usable if f.quantity.low is None and f.ref.start > window_start)
    if not numbers:
        return Estimate(site_id, indicator, as_of, None, None, reports=reports, **named)
    newest = max(f.ref.start for f in numbers)
    winner, reason = choose_best([f for f in numbers if f.ref.start == newest], sources)
    latest_per_source: dict[str, Figure] = {}
    for f in sorted(numbers, key=lambda f: (f.ref.start, f.id or 0)):
        if f.id != winner.id:
            latest_per_source[f.source_id] = f
    others = [f for f in latest_per_source.values() if f.source_id != winner.source_id]
    # The winner's own source may have a second figure of the same date: it competes too.
    others += [
        f
        for f in numbers
        if f.ref.start == newest and f.id != winner.id and f.source_id == winner.source_id
    ]
    competitors = tuple(sorted((f for f in others if f.ref.start > window_start), key=_order))
    earlier = tuple(sorted((f for f in others if f.ref.start <= window_start), key=_order))
    return Estimate(
        site_id, indicator, as_of, winner, reason, competitors, earlier, reports, **named
    )


def estimate_of(
    key: SeriesKey,
    figures: Iterable[Figure],
    sources: Mapping[str, Source],
    as_of: date,
    *,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
) -> Estimate:
    """best_estimate of the series `key` (figures of other series are ignored)."""
    kind = Kind(key.indicator, key.group, key.unit)
    return best_estimate(
        figures,
        sources,
        key.site_id,
        key.indicator,
        as_of,
        window_weeks=window_weeks,
        stale_weeks=stale_weeks,
        kind=kind,
    )


def by_series(figures: Iterable[Figure]) -> dict[SeriesKey, list[Figure]]:
    """Figures grouped by series, each group in the given order. best_estimate keeps only its
    own series' figures; handing it its group, not a whole store's list, keeps an estimate
    per series from rescanning every figure (quadratic on a large store)."""
    groups: dict[SeriesKey, list[Figure]] = defaultdict(list)
    for f in figures:
        groups[SeriesKey(f.site_id, f.indicator, f.population_group, f.unit)].append(f)
    return dict(groups)


def kinds_present(figures: Iterable[Figure], indicator: str | None = None) -> list[Kind]:
    """The series kinds (indicator, group, unit) the figures hold, in a stable order: groups
    by the vocabulary's order (not stated last), people before households."""
    found = {kind_of(f) for f in figures if indicator is None or f.indicator == indicator}
    return sorted(found, key=kind_order)


def kind_order(kind: Kind) -> tuple:
    group = POPULATION_GROUPS.index(kind.group) if kind.group in POPULATION_GROUPS else 99
    indicator = INDICATORS.index(kind.indicator) if kind.indicator in INDICATORS else 99
    return (indicator, group, kind.unit != "people", kind.unit)


def shown_kinds(kinds: Iterable[Kind], unit: str | None = None, group: object = None) -> list[Kind]:
    """The series a view shows when the user did not name a unit: per indicator and group,
    people, or households where a group has nothing counted in people. With `unit`, that
    unit only; with `group` (a group key, or NOT_STATED for None), that group only."""
    kinds = sorted(set(kinds), key=kind_order)
    if group is not None:
        wanted = None if group is NOT_STATED else group
        kinds = [k for k in kinds if k.group == wanted]
    if unit is not None:
        return [k for k in kinds if k.unit == unit]
    people = {(k.indicator, k.group) for k in kinds if k.unit == "people"}
    return [k for k in kinds if k.unit == "people" or (k.indicator, k.group) not in people]


# A --group value that asks for the figures whose source named no group.
NOT_STATED = "not_stated"


def _order(f: Figure) -> tuple:
    return (-f.ref.start.toordinal(), f.id or 0)
