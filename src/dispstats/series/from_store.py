"""The series layer's functions that read a store: estimates, flows, weekly series, latest
changes, totals, check. The rules they apply live in rule.py, flows.py, weekly.py,
totals.py and checks.py and work on plain lists of records. They read what the reader given
answers (store/contract.py): a public output passes a PublicView and so computes from public
data only, with no flag to carry.

Those that read many figures and then estimate series after series run with Python's cyclic
collector paused (`many_records`, dispstats/runtime.py): the figures hold no cycles, yet with
the collector on it walks them again and again while the estimates and findings are made
(bench/check_bench.py and bench/series_bench.py measure it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.records import Figure, Site
from dispstats.runtime import many_records
from dispstats.series.checks import (
    DEFAULT_TOLERANCE,
    Disagreement,
    Finding,
    after_publication_findings,
    disagreement_findings,
    disagreements,
    stale_findings,
    stock_flow_findings,
)
from dispstats.series.flows import FlowSum, flow_sum
from dispstats.series.parts_checks import part_findings
from dispstats.series.rule import (
    DEFAULT_STALE_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    NOT_STATED,
    Estimate,
    Kind,
    SeriesKey,
    by_series,
    choose_best,
    estimate_of,
    kind_of,
    kind_order,
    series_key,
    shown_kinds,
)
from dispstats.series.totals import Estimates, Total, total_findings
from dispstats.series.weekly import Change, series_frame, week_ends
from dispstats.store.filters import FigureFilter

if TYPE_CHECKING:
    import pandas as pd

    from dispstats.store.contract import StoreReader


def estimates(
    store: StoreReader,
    site_ref: str,
    indicator: str = "population",
    as_of: date | None = None,
    *,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    group: str | None = None,
    unit: str | None = None,
) -> list[Estimate]:
    """The best estimate of each series of a site (found by name, alias or id) and indicator
    as of a date (default today): one per population group, in people (in households where a
    group has nothing in people, or when `unit` asks). `group` (a group key, or NOT_STATED)
    keeps one group."""
    (site,) = store.find_sites([site_ref])
    as_of = as_of or date.today()
    figures = store.figures(FigureFilter(site_ids=[site.id], indicator=indicator, date_to=as_of))
    sources = {s.id: s for s in store.sources()}
    found = {kind_of(f) for f in figures}
    if not found:  # a zone with no figure of its own: the series its sites have
        below = _descendants(store.sites(), [site.id])[1:]
        if below:
            newest = store.latest_as_of(as_of, indicator, below)
            found = {kind_of(f) for f in newest}
    kinds = shown_kinds(found, unit, group)
    if not kinds:
        wanted = None if group in (None, NOT_STATED) else group
        kinds = [Kind(indicator, wanted, unit or "people")]
    return [
        estimate_of(
            SeriesKey(site.id, *kind),
            figures,
            sources,
            as_of,
            window_weeks=window_weeks,
            stale_weeks=stale_weeks,
        )
        for kind in kinds
    ]


def estimate(
    store: StoreReader,
    site_ref: str,
    indicator: str = "population",
    as_of: date | None = None,
    *,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    group: str | None = None,
    unit: str | None = None,
) -> Estimate:
    """The best estimate of one series of a site (see `estimates`); InputError when the site
    has figures of several groups or units and `group`/`unit` do not say which."""
    found = estimates(store, site_ref, indicator, as_of, window_weeks=window_weeks,
                      stale_weeks=stale_weeks, group=group, unit=unit)  # fmt: skip
    if len(found) > 1:
        raise several_series(site_ref, [Kind(e.indicator, e.population_group, e.unit)
                                        for e in found])  # fmt: skip
    return found[0]


def estimate_of_figure(store: StoreReader, figure: Figure, as_of: date | None = None) -> Estimate:
    """The best estimate, as of a date (default today), of the series a figure belongs to:
    whether the figure is it, and if not, which is and why."""
    as_of = as_of or date.today()
    where = FigureFilter(site_ids=[figure.site_id], indicator=figure.indicator, date_to=as_of)
    sources = {s.id: s for s in store.sources()}
    return estimate_of(series_key(figure), store.figures(where), sources, as_of)


def several_series(what: str, kinds: Sequence[Kind]) -> InputError:
    """The refusal of a question that several series answer: it names them and the options."""
    listed = ", ".join(
        f"{vocab.label(k.group) if k.group else 'group not stated'} ({k.unit})" for k in kinds
    )
    return InputError(
        f"{what} has {vocab.label(kinds[0].indicator)} figures of several series: {listed}; "
        "say which with --group (e.g. --group idps, or --group 'not stated') and --unit",
        field="group",
    )


def flow(
    store: StoreReader,
    site_ref: str,
    indicator: str,
    period: tuple[date, date],
    *,
    group: str | None = None,
    unit: str | None = None,
) -> list[FlowSum]:
    """A site's flows over a period (start, end), one per series shown (see `estimates`):
    new displacements added up by period, never a best estimate of a stock."""
    (site,) = store.find_sites([site_ref])
    start, end = period
    where = FigureFilter(site_ids=[site.id], indicator=indicator, date_from=start, date_to=end)
    figures = store.figures(where)
    sources = {s.id: s for s in store.sources()}
    kinds = shown_kinds({kind_of(f) for f in figures}, unit, group)
    if not kinds:
        kinds = [Kind(indicator, None if group in (None, NOT_STATED) else group, unit or "people")]
    return [flow_sum(figures, sources, SeriesKey(site.id, *k), start, end) for k in kinds]


@many_records()
def weekly_series(
    store: StoreReader,
    site_refs: Sequence[str],
    indicator: str = "population",
    weeks: int = 12,
    end: date | None = None,
    *,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    group: str | None = None,
    unit: str | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """Best estimate per site and series at the end of each of the last `weeks` ISO weeks up
    to `end` (series as `estimates` shows them: one per group, people unless asked); the
    current week's as of `today`, not of its Sunday still to come. A parent with no figure of
    its own shows the total of its sites (reason "total_of_sites").

    One row per site, series and week (see weekly.SERIES_COLUMNS), oldest week first; values
    are carried forward from the last figure, with its age, never interpolated. For a flow
    (new displacements), a week's value is its flow over that week, never carried forward.
    """
    from dispstats.series.weekly import weekly_estimates, weekly_flows

    site_ids = [site.id for site in store.find_sites(site_refs)]
    # A week still under way is as of today: no age counts to a day still to come.
    today = today or date.today()
    ends = [min(day, today) for day in week_ends(end or today, weeks)]
    figures = store.figures(FigureFilter(site_ids=site_ids, indicator=indicator, date_to=ends[-1]))
    sources = {s.id: s for s in store.sources()}
    kinds = shown_kinds({kind_of(f) for f in figures}, unit, group) or [
        Kind(indicator, None if group in (None, NOT_STATED) else group, unit or "people")
    ]
    if indicator in vocab.FLOW_INDICATORS and indicator not in vocab.MOVEMENT_INDICATORS:
        return series_frame(weekly_flows(figures, sources, site_ids, kinds, ends), sources)
    estimates: dict[SeriesKey, Sequence[Estimate | Total]] = dict(
        weekly_estimates(
            figures,
            sources,
            site_ids,
            kinds,
            ends,
            window_weeks=window_weeks,
            stale_weeks=stale_weeks,
        )
    )
    own = {f.site_id for f in figures}
    for parent in (s for s in site_ids if s not in own):
        totals = _weekly_totals(store, parent, indicator, ends, stale_weeks, group=group,
                                unit=unit)  # fmt: skip
        if totals:
            estimates = {k: v for k, v in estimates.items() if k.site_id != parent} | totals
    return series_frame(estimates, sources)


def _weekly_totals(
    store: StoreReader,
    parent: str,
    indicator: str,
    ends: Sequence[date],
    stale_weeks: int,
    *,
    group: str | None,
    unit: str | None,
) -> dict[SeriesKey, list[Total]]:
    """A parent with no figure of its own, week by week: the total of its sites, one series
    per kind its sites have (as `estimates` shows a zone), as `totals` and `estimate` give it.
    The sites' figures are read once; each week's estimates are worked out from them."""
    sites = store.sites()
    below = _descendants(sites, [parent])[1:]
    if not below:
        return {}
    where = FigureFilter(site_ids=below, indicator=indicator, date_to=ends[-1])
    figures = store.figures(where)
    sources = {s.id: s for s in store.sources()}
    return {
        SeriesKey(parent, *kind): [
            Estimates.of(sites, figures, sources, kind, end, stale_weeks=stale_weeks).site_total(
                parent
            )
            for end in ends
        ]
        for kind in shown_kinds({kind_of(f) for f in figures}, unit, group)
    }


@many_records()
def latest_changes(
    store: StoreReader,
    site_refs: Sequence[str] = (),
    indicator: str = "population",
    as_of: date | None = None,
) -> list[Change]:
    """Per series with an estimate (default: every site's), the change its current figure
    made from the previous estimate (see Change)."""
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
        for key in sorted((k for k in series if k.site_id == site.id), key=_key_order):
            own = series[key]
            change = latest_change(own, sources, estimate_of(key, own, sources, when))
            if change is not None:
                changes.append(change)
    return changes


def _key_order(key: SeriesKey) -> tuple:
    return (key.site_id, kind_order(Kind(key.indicator, key.group, key.unit)))


def latest_estimates(
    store: StoreReader,
    as_of: date,
    indicator: str | None = None,
    site_ids: Sequence[str] = (),
    stale_weeks: int = DEFAULT_STALE_WEEKS,
) -> dict[SeriesKey, Estimate]:
    """The best estimate of every series with a number as of a date (of one indicator and of
    the given sites when named): its figure and why it won, by the rule, but without the
    other sources' figures beside it (`competitors`, `earlier` and `reports` stay empty).
    What totals add up; `estimate` gives one site's in full.

    Read from the latest_figures table; a series whose newest figures give no number (an
    unquantified report) has its figures read in full, as the rule then falls back to an older
    number."""
    newest = store.latest_as_of(as_of, indicator, site_ids)
    sources = {s.id: s for s in store.sources()}
    found: dict[SeriesKey, Estimate] = {}
    unnumbered: set[SeriesKey] = set()
    with many_records():  # one Estimate per series: thousands of records, no cycles
        for key, figures in by_series(newest).items():
            numbers = [f for f in figures if f.quantity.low is not None]
            if not numbers:
                unnumbered.add(key)
                continue
            winner, reason = choose_best(numbers, sources)
            found[key] = Estimate(
                key.site_id, key.indicator, as_of, winner, reason, stale_weeks=stale_weeks,
                population_group=key.group, unit=key.unit,
            )  # fmt: skip
    if unnumbered:
        where = FigureFilter(site_ids=sorted({k.site_id for k in unnumbered}), date_to=as_of)
        series = by_series(store.figures(where))
        for key in sorted(unnumbered, key=_key_order):
            e = estimate_of(key, series.get(key, []), sources, as_of, stale_weeks=stale_weeks)
            if e.figure is not None:
                found[key] = replace(e, competitors=(), earlier=(), reports=())
    return dict(sorted(found.items(), key=lambda item: _key_order(item[0])))


def site_estimates(
    store: StoreReader,
    kind: Kind | str = "population",
    as_of: date | None = None,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    *,
    under: Sequence[str] = (),
) -> Estimates:
    """Every site's best estimate of one kind of series (indicator, group, unit) as of a date
    (default today), with the site tree: what totals are computed from. `kind` may be an
    indicator alone when the store holds one group of it (in people, or only in households);
    InputError naming the groups otherwise. With `under` (site ids), only those sites and
    their descendants are estimated. The estimates are those of `latest_estimates`: the
    winning figure and why, nothing beside it."""
    as_of = as_of or date.today()
    sites = store.sites()
    wanted = _descendants(sites, under) if under else ()
    indicator = kind if isinstance(kind, str) else kind.indicator
    found = latest_estimates(store, as_of, indicator, wanted, stale_weeks)
    if isinstance(kind, str):
        kinds = shown_kinds(Kind(k.indicator, k.group, k.unit) for k in found)
        if len(kinds) > 1:
            raise several_series("the store", kinds)
        kind = kinds[0] if kinds else Kind(indicator, None, "people")
    return Estimates.from_estimates(sites, found.values(), kind, as_of)


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
    store: StoreReader,
    by: str = "site",
    *,
    site_refs: Sequence[str] = (),
    country: str | None = None,
    indicator: str = "population",
    as_of: date | None = None,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    group: str | None = None,
    unit: str | None = None,
    period: tuple[date, date] | None = None,
) -> list[Total]:
    """Totals up the hierarchy, one list per series kind shown (a group's totals never hold
    another's): of the given parent sites (default: every site with children) when `by` is
    "site", else of every admin1, admin2 or country code the sites name (within `country`, an
    ISO3). A flow (new displacements) is totalled over `period` (start, end), required."""
    as_of = as_of or date.today()
    if indicator in vocab.FLOW_INDICATORS and indicator not in vocab.MOVEMENT_INDICATORS:
        if period is None:
            raise InputError(
                f"{vocab.label(indicator)} are a flow, added up over a period: give one "
                "(--period 2023, 2023-03, 2023-W12 or 2023-01-01..2023-06-30)",
                field="period",
            )
        flows = _flow_estimates(store, indicator, period)
        per_kind: dict[Kind, list[Estimate | FlowSum]] = {k: list(v) for k, v in flows.items()}
    else:
        found = latest_estimates(store, as_of, indicator, (), stale_weeks)
        per_kind = {}
        for e in found.values():
            per_kind.setdefault(Kind(e.indicator, e.population_group, e.unit), []).append(e)
    sites = store.sites()
    totals: list[Total] = []
    for kind in shown_kinds(per_kind, unit, group):
        estimates = Estimates.from_estimates(sites, per_kind[kind], kind, as_of)
        if by == "site":
            parents = (
                [s.id for s in store.find_sites(site_refs)] if site_refs else estimates.parents()
            )
            totals += [estimates.site_total(site_id) for site_id in parents]
        else:
            totals += [estimates.area_total(by, code) for code in estimates.areas(by, country)]
    return totals


def _flow_estimates(
    store: StoreReader, indicator: str, period: tuple[date, date]
) -> dict[Kind, list[FlowSum]]:
    """Every series' flow over the period, by kind."""
    start, end = period
    where = FigureFilter(indicator=indicator, date_from=start, date_to=end)
    figures = store.figures(where)
    sources = {s.id: s for s in store.sources()}
    out: dict[Kind, list[FlowSum]] = {}
    for key, own in by_series(figures).items():
        found = flow_sum(own, sources, key, start, end)
        if found.counted:
            out.setdefault(Kind(key.indicator, key.group, key.unit), []).append(found)
    return out


@dataclass(frozen=True)
class CheckReport:
    """Everything `dispstats check` reports, as of one date."""

    as_of: date
    stale: list[Finding]
    disagreements: list[Disagreement]
    disagreement_findings: list[Finding]
    stock_flow: list[Finding]
    totals: list[Finding]
    parts: list[Finding]
    dates: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [
            *self.stale, *self.disagreement_findings, *self.stock_flow, *self.totals, *self.parts,
            *self.dates,
        ]  # fmt: skip


@many_records()
def check(
    store: StoreReader,
    as_of: date | None = None,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    tolerance: float = DEFAULT_TOLERANCE,
) -> CheckReport:
    """Staleness and disagreement of every stock series, stock-flow findings, parents against
    their sites' totals, and parts that do not square with their figures."""
    as_of = as_of or date.today()
    sites = store.sites()
    figures = store.figures(FigureFilter(date_to=as_of))
    sources = {s.id: s for s in store.sources()}
    series = by_series(figures)
    keys = sorted((k for k in series if k.indicator in vocab.STOCK_INDICATORS), key=_key_order)
    found_estimates = [
        estimate_of(
            key, series[key], sources, as_of, window_weeks=window_weeks, stale_weeks=stale_weeks
        )
        for key in keys
    ]
    found = disagreements(found_estimates, tolerance)
    kinds = sorted({Kind(k.indicator, k.group, k.unit) for k in keys}, key=kind_order)
    return CheckReport(
        as_of,
        stale_findings(found_estimates),
        found,
        disagreement_findings(found),
        stock_flow_findings(figures, sources, as_of, tolerance),
        [
            finding
            for kind in kinds
            for finding in total_findings(
                Estimates.from_estimates(sites, found_estimates, kind, as_of),
                tolerance,
            )
        ],
        part_findings(figures),
        after_publication_findings(figures, sources),
    )
