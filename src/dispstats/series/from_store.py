"""The series layer's functions that take a Store: estimate, weekly series, latest changes,
check. The rules they apply live in estimate.py, weekly.py and checks.py and work on plain
lists of records.

Those that read many figures and then estimate series after series run with Python's cyclic
collector paused (`many_records`): the figures hold no cycles, yet with the collector on it
walks them again and again while the estimates and findings are made (on 936,000 figures,
about 4 s of a 19 s check; on 234,000, 1 to 2 s of the latest changes of every site)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from dispstats.model import vocab
from dispstats.model.records import Figure, Site, public_only
from dispstats.series.checks import (
    DEFAULT_TOLERANCE,
    Disagreement,
    Finding,
    disagreement_findings,
    disagreements,
    stale_findings,
    stock_flow_findings,
)
from dispstats.series.estimate import (
    DEFAULT_STALE_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    Estimate,
    best_estimate,
    by_series,
    choose_best,
)
from dispstats.series.totals import Estimates, Total, total_findings
from dispstats.series.weekly import Change, series_frame, week_ends
from dispstats.store.filters import FigureFilter
from dispstats.store.rows import many_records

if TYPE_CHECKING:
    import pandas as pd

    from dispstats.store import Store
    from dispstats.store.lite import LiteStore


def estimate(
    store: Store,
    site_ref: str,
    indicator: str = "population",
    as_of: date | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    *,
    public: bool = False,
) -> Estimate:
    """The best estimate for a site (found by name, alias or id) as of a date (default today).
    With `public`, from public sites and figures only, as a public output computes it."""
    (site,) = store.find_sites([site_ref], public=public)
    as_of = as_of or date.today()
    figures = store.figures(FigureFilter(site_ids=[site.id], indicator=indicator, date_to=as_of))
    figures = _visible(store, figures, public)
    sources = {s.id: s for s in store.sources()}
    return best_estimate(figures, sources, site.id, indicator, as_of, window_weeks, stale_weeks)


@many_records()
def weekly_series(
    store: Store,
    site_refs: Sequence[str],
    indicator: str = "population",
    weeks: int = 12,
    end: date | None = None,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    *,
    public: bool = False,
) -> pd.DataFrame:
    """Best estimate per site at the end of each of the last `weeks` ISO weeks up to `end`.

    One row per site and week (see weekly.SERIES_COLUMNS), oldest week first; values are
    carried forward from the last figure, with its age, never interpolated.
    """
    from dispstats.series.weekly import weekly_estimates

    site_ids = [site.id for site in store.find_sites(site_refs, public=public)]
    ends = week_ends(end or date.today(), weeks)
    figures = store.figures(FigureFilter(site_ids=site_ids, indicator=indicator, date_to=ends[-1]))
    figures = _visible(store, figures, public)
    sources = {s.id: s for s in store.sources()}
    estimates = weekly_estimates(
        figures, sources, site_ids, indicator, ends, window_weeks, stale_weeks
    )
    return series_frame(estimates, sources)


@many_records()
def latest_changes(
    store: Store,
    site_refs: Sequence[str] = (),
    indicator: str = "population",
    as_of: date | None = None,
) -> list[Change]:
    """Per site with an estimate (default: every site), the change its current figure made
    from the previous estimate (see Change)."""
    from dispstats.series.weekly import latest_change

    sites = store.find_sites(site_refs) if site_refs else store.sites()
    when = as_of or date.today()
    sources = {s.id: s for s in store.sources()}
    figures = store.figures(
        FigureFilter(site_ids=[s.id for s in sites], indicator=indicator, date_to=when)
    )
    series = by_series(figures)
    changes = []
    for site in sites:
        own = series.get((site.id, indicator), [])
        change = latest_change(own, sources, best_estimate(own, sources, site.id, indicator, when))
        if change is not None:
            changes.append(change)
    return changes


def latest_estimates(
    store: Store | LiteStore,
    as_of: date,
    indicator: str | None = None,
    site_ids: Sequence[str] = (),
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    *,
    public: bool = False,
) -> dict[tuple[str, str], Estimate]:
    """The best estimate of every (site, indicator) series with a number as of a date (of one
    indicator and of the given sites when named): its figure and why it won, by the rule, but
    without the other sources' figures beside it (`competitors`, `earlier` and `reports` stay
    empty). What totals add up; `estimate` gives one site's in full.

    Read from the latest_figures table; a series whose newest figures give no number (an
    unquantified report) has its figures read in full, as the rule then falls back to an older
    number."""
    newest = store.latest_as_of(as_of, indicator, site_ids, public=public)
    if public:
        newest = public_only(store.sites(), newest)[1]
    sources = {s.id: s for s in store.sources()}
    estimates: dict[tuple[str, str], Estimate] = {}
    unnumbered: set[tuple[str, str]] = set()
    with many_records():  # one Estimate per series: thousands of records, no cycles
        for (site_id, name), figures in by_series(newest).items():
            numbers = [f for f in figures if f.quantity.low is not None]
            if not numbers:
                unnumbered.add((site_id, name))
                continue
            winner, reason = choose_best(numbers, sources)
            estimates[site_id, name] = Estimate(
                site_id, name, as_of, winner, reason, stale_weeks=stale_weeks
            )
    if unnumbered:
        where = FigureFilter(site_ids=sorted({site for site, _ in unnumbered}), date_to=as_of)
        series = by_series(_visible(store, store.figures(where), public))
        for pair in sorted(unnumbered):
            e = best_estimate(series.get(pair, []), sources, *pair, as_of, stale_weeks=stale_weeks)
            if e.figure is not None:
                estimates[pair] = replace(e, competitors=(), earlier=(), reports=())
    return dict(sorted(estimates.items()))


def site_estimates(
    store: Store | LiteStore,
    indicator: str = "population",
    as_of: date | None = None,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    *,
    public: bool = False,
    under: Sequence[str] = (),
) -> Estimates:
    """Every site's best estimate of `indicator` as of a date (default today), with the site
    tree: what totals are computed from (with `public`, from public data only). With `under`
    (site ids), only those sites and their descendants are estimated. The estimates are those
    of `latest_estimates`: the winning figure and why, nothing beside it."""
    as_of = as_of or date.today()
    sites = store.sites()
    wanted = _descendants(sites, under) if under else ()
    found = latest_estimates(store, as_of, indicator, wanted, stale_weeks, public=public)
    if public:
        sites = public_only(sites, [])[0]
    return Estimates.from_estimates(sites, found.values(), indicator, as_of, public=public)


def _descendants(sites: Sequence[Site], roots: Sequence[str]) -> list[str]:
    children: dict[str, list[str]] = {}
    for s in sites:
        if s.parent_id:
            children.setdefault(s.parent_id, []).append(s.id)
    found, todo = list(dict.fromkeys(roots)), list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found


def hierarchy_totals(
    store: Store,
    by: str = "site",
    *,
    site_refs: Sequence[str] = (),
    country: str | None = None,
    indicator: str = "population",
    as_of: date | None = None,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    public: bool = False,
) -> list[Total]:
    """Totals up the hierarchy: of the given parent sites (default: every site with
    children) when `by` is "site", else of every admin1, admin2 or country code the sites
    name (within `country`, an ISO3)."""
    found = site_estimates(store, indicator, as_of, stale_weeks=stale_weeks, public=public)
    if by == "site":
        parents = (
            [s.id for s in store.find_sites(site_refs, public=public)]
            if site_refs
            else found.parents()
        )
        return [found.site_total(site_id) for site_id in parents]
    return [found.area_total(by, code) for code in found.areas(by, country)]


@dataclass(frozen=True)
class CheckReport:
    """Everything `dispstats check` reports, as of one date."""

    as_of: date
    stale: list[Finding]
    disagreements: list[Disagreement]
    disagreement_findings: list[Finding]
    stock_flow: list[Finding]
    totals: list[Finding]

    @property
    def findings(self) -> list[Finding]:
        return [*self.stale, *self.disagreement_findings, *self.stock_flow, *self.totals]


@many_records()
def check(
    store: Store,
    as_of: date | None = None,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    public: bool = False,
) -> CheckReport:
    """Staleness and disagreement of every site's stock indicators, and stock-flow findings
    (with `public`, of public sites and figures only)."""
    as_of = as_of or date.today()
    sites = store.sites()
    figures = store.figures(FigureFilter(date_to=as_of))
    if public:
        sites, figures = public_only(sites, figures)
    sources = {s.id: s for s in store.sources()}
    series = by_series(figures)
    pairs = sorted(pair for pair in series if pair[1] in vocab.STOCK_INDICATORS)
    estimates = [
        best_estimate(series[pair], sources, *pair, as_of, window_weeks, stale_weeks)
        for pair in pairs
    ]
    found = disagreements(estimates, tolerance)
    return CheckReport(
        as_of,
        stale_findings(estimates),
        found,
        disagreement_findings(found),
        stock_flow_findings(figures, sources, as_of, tolerance),
        [
            finding
            for indicator in sorted({i for _, i in pairs})
            for finding in total_findings(
                Estimates.from_estimates(sites, estimates, indicator, as_of, public=public),
                tolerance,
            )
        ],
    )


def _visible(store: Store | LiteStore, figures: list[Figure], public: bool) -> list[Figure]:
    """The figures a public output may use (all of them when not public)."""
    return public_only(store.sites(), figures)[1] if public else figures
