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

from dispstats.model.records import Figure, Source

DEFAULT_WINDOW_WEEKS = 8
DEFAULT_STALE_WEEKS = 8
# E (known to be unreliable) ranks below F (reliability cannot be judged): an unknown source
# is not worse than one known to be wrong.
_RELIABILITY_RANK = {grade: rank for rank, grade in enumerate("ABCDFE")}


@dataclass(frozen=True)
class Estimate:
    """The best estimate for one site and indicator as of a date, with what it beat."""

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

    @property
    def low(self) -> int | None:
        """Lowest value of the estimate and its competitors (ranges count by their low)."""
        values = [f.quantity.low for f in self._in_window]
        return min(values) if values else None

    @property
    def high(self) -> int | None:
        values = [f.quantity.high for f in self._in_window]
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
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
) -> Estimate:
    """Apply the rule to current figure versions (others are ignored) of one site/indicator.

    A figure's reference date is the start of its period. Unquantified reports never win; they
    are listed in `reports` when they fall in the window. `competitors` holds the latest figure
    of every other source in the window ending at `as_of`; `earlier`, the latest of every
    other source before it.
    """
    usable = [
        f
        for f in figures
        if f.site_id == site_id
        and f.indicator == indicator
        and not f.is_retracted
        and f.ref.start <= as_of
    ]
    numbers = [f for f in usable if f.quantity.low is not None]
    window_start = as_of - timedelta(weeks=window_weeks)
    reports = tuple(f for f in usable if f.quantity.low is None and f.ref.start > window_start)
    if not numbers:
        return Estimate(
            site_id, indicator, as_of, None, None, reports=reports, stale_weeks=stale_weeks
        )
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
        site_id, indicator, as_of, winner, reason, competitors, earlier, reports, stale_weeks
    )


def by_series(figures: Iterable[Figure]) -> dict[tuple[str, str], list[Figure]]:
    """Figures grouped by (site, indicator), each group in the given order. best_estimate
    keeps only its own series' figures; handing it its group, not a whole store's list, keeps
    an estimate per series from rescanning every figure (quadratic on a large store)."""
    groups: dict[tuple[str, str], list[Figure]] = defaultdict(list)
    for f in figures:
        groups[f.site_id, f.indicator].append(f)
    return dict(groups)


def _order(f: Figure) -> tuple:
    return (-f.ref.start.toordinal(), f.id or 0)
