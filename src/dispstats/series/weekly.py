"""Weekly series of best estimates, and the change from one week to the next.

A week's value is the best estimate as of the end of that ISO week (Sunday), carried forward
from the last figure: never interpolated. Each point says which figure and source it uses and
how old that figure is, so a reader sees when a number is only carried forward.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dispstats.model.records import Figure, Source
from dispstats.series.flows import FlowSum, flow_sum
from dispstats.series.rule import (
    DEFAULT_STALE_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    Estimate,
    Kind,
    SeriesKey,
    estimate_of,
)
from dispstats.series.totals import Total

if TYPE_CHECKING:
    import pandas as pd

SERIES_COLUMNS = [
    "site_id",
    "indicator",
    "population_group",
    "unit",
    "week",
    "week_end",
    "low",
    "high",
    "quantifier",
    "value_text",
    "figure_id",
    "version",
    "source_id",
    "publisher",
    "reference",
    "age_days",
    "stale",
    "reason",
    "range_low",
    "range_high",
    "figures_in_range",
    "total_of_sites",
]


def week_end(day: date) -> date:
    """The Sunday that ends the ISO week of `day`."""
    return day + timedelta(days=6 - day.weekday())


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_ends(last: date, weeks: int) -> list[date]:
    """The ends of the `weeks` ISO weeks up to the one containing `last`, oldest first."""
    end = week_end(last)
    return [end - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weekly_estimates(
    figures: Sequence[Figure],
    sources: Mapping[str, Source],
    site_ids: Sequence[str],
    kinds: Sequence[Kind],
    ends: Sequence[date],
    *,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
) -> dict[SeriesKey, list[Estimate]]:
    """For each site and kind of series, the best estimate at each date of `ends` (figures
    grouped once)."""
    by_site: dict[str, list[Figure]] = defaultdict(list)
    for f in figures:
        by_site[f.site_id].append(f)
    return {
        key: [
            estimate_of(
                key,
                by_site[site_id],
                sources,
                end,
                window_weeks=window_weeks,
                stale_weeks=stale_weeks,
            )
            for end in ends
        ]
        for site_id in site_ids
        for key in (SeriesKey(site_id, *kind) for kind in kinds)
    }


def weekly_flows(
    figures: Sequence[Figure],
    sources: Mapping[str, Source],
    site_ids: Sequence[str],
    kinds: Sequence[Kind],
    ends: Sequence[date],
) -> dict[SeriesKey, list[FlowSum]]:
    """For each site and kind of a flow, its flow over each ISO week ending at `ends`."""
    by_site: dict[str, list[Figure]] = defaultdict(list)
    for f in figures:
        by_site[f.site_id].append(f)
    return {
        key: [flow_sum(by_site[site_id], sources, key, end - timedelta(days=6), end)
              for end in ends]
        for site_id in site_ids
        for key in (SeriesKey(site_id, *kind) for kind in kinds)
    }  # fmt: skip


def series_frame(
    points: Mapping[SeriesKey, Sequence[Estimate | FlowSum | Total]], sources: Mapping[str, Source]
) -> pd.DataFrame:
    """One row per series and week (columns: SERIES_COLUMNS); weeks with no figure are empty.
    A flow's week (FlowSum) is its figures added up, with no age and nothing carried."""
    import pandas as pd

    rows = [
        {"site_id": key.site_id, "indicator": key.indicator, "population_group": key.group,
         "unit": key.unit, **_any_row(e, sources)}
        for key, series in points.items()
        for e in series
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=SERIES_COLUMNS)
    for column in ("low", "high", "figure_id", "version", "age_days", "range_low", "range_high"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _any_row(e: Estimate | FlowSum | Total, sources: Mapping[str, Source]) -> dict:
    if isinstance(e, FlowSum):
        return _flow_row(e)
    return _row(e, sources) if isinstance(e, Estimate) else _total_row(e)


def _total_row(t: Total) -> dict:
    """A parent with no figure of its own: the total of its sites that week (see totals.py),
    never carried as a figure of its own; stale when a site it counts is."""
    counted = bool(t.parts)
    return {
        "week": week_label(t.as_of),
        "week_end": t.as_of,
        "low": t.low if counted else None,
        "high": t.high if counted else None,
        "quantifier": t.quantifier if counted else None,
        "stale": bool(t.stale),
        "reason": "total_of_sites" if counted else None,
        "figures_in_range": len(t.figures),
        "total_of_sites": len(t.parts) if counted else None,
    }


def _row(e: Estimate, sources: Mapping[str, Source]) -> dict:
    from dispstats.model.dates import format_dateref

    f = e.figure
    source = sources.get(f.source_id) if f else None
    return {
        "week": week_label(e.as_of),
        "week_end": e.as_of,
        "low": f.quantity.low if f else None,
        "high": f.quantity.high if f else None,
        "quantifier": f.quantity.quantifier if f else None,
        "value_text": f.value_text if f else None,
        "figure_id": f.id if f else None,
        "version": f.version if f else None,
        "source_id": f.source_id if f else None,
        "publisher": source.publisher if source else None,
        "reference": format_dateref(f.ref) if f else None,
        "age_days": e.age_days,
        "stale": e.is_stale,
        "reason": e.reason,
        "range_low": e.low,
        "range_high": e.high,
        "figures_in_range": len(e.competitors) + 1 if f else 0,
    }


def _flow_row(e: FlowSum) -> dict:
    return {
        "week": week_label(e.end),
        "week_end": e.end,
        "low": e.low,
        "high": e.high,
        "quantifier": e.quantifier if e.counted else None,
        "stale": False,
        "reason": "flow" if e.counted else None,
        "figures_in_range": len(e.counted),
    }


@dataclass(frozen=True)
class Change:
    """How a site's best estimate moved from the previous estimate to the current one, and why.

    The previous estimate is the best estimate on the day before the current figure's
    reference period starts: what was known of the site before that figure. The brief's "This
    week" and the workbook's Summary both use this one definition.

    `cause` is "first" (nothing before), "unchanged" (same figure), "same_source" (the same
    publisher gave a new figure) or "source_switch" (another publisher's figure now wins: the
    change may come from counting differently, not from people moving).

    A range moves by its two ends; no midpoint is made up: `absolute` and `relative` exist
    only when both estimates are single numbers.
    """

    site_id: str
    indicator: str
    before: Estimate
    after: Estimate
    cause: str

    @property
    def low(self) -> int | None:
        """Change of the low ends (of the single numbers, when they are)."""
        before, after = self.before.figure, self.after.figure
        if before is None or after is None or before.low is None or after.low is None:
            return None
        return after.low - before.low

    @property
    def high(self) -> int | None:
        before, after = self.before.figure, self.after.figure
        if before is None or after is None or before.high is None or after.high is None:
            return None
        return after.high - before.high

    @property
    def absolute(self) -> int | None:
        return self.low if self.low == self.high else None

    @property
    def relative(self) -> float | None:
        base = self.before.figure.low if self.before.figure else None
        if self.absolute is None or not base:
            return None
        return self.absolute / base


def previous_estimate(
    figures: Sequence[Figure],
    sources: Mapping[str, Source],
    figure: Figure,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
) -> Estimate:
    """The best estimate of `figure`'s series on the day before its reference period starts:
    what the figure changed."""
    day = figure.ref.start - timedelta(days=1)
    key = SeriesKey(figure.site_id, figure.indicator, figure.population_group, figure.unit)
    return estimate_of(
        key, figures, sources, day, window_weeks=window_weeks, stale_weeks=stale_weeks
    )


def latest_change(
    figures: Sequence[Figure],
    sources: Mapping[str, Source],
    current: Estimate,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
) -> Change | None:
    """The change that the current estimate's figure made (None when there is no figure)."""
    if current.figure is None:
        return None
    before = previous_estimate(figures, sources, current.figure, window_weeks, stale_weeks)
    return change_between(before, current, sources)


def change_between(before: Estimate, after: Estimate, sources: Mapping[str, Source]) -> Change:
    """Classify the move from one estimate to the next (see Change.cause)."""
    if after.figure is None or before.figure is None:
        cause = "first" if after.figure is not None else "unchanged"
    elif (before.figure.id, before.figure.version) == (after.figure.id, after.figure.version):
        cause = "unchanged"
    else:

        def publisher(f: Figure) -> str:
            source = sources.get(f.source_id)
            return source.publisher.casefold() if source else f.source_id

        same = publisher(before.figure) == publisher(after.figure)
        cause = "same_source" if same else "source_switch"
    return Change(after.site_id, after.indicator, before, after, cause)
