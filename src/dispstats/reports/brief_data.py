"""What goes into a weekly brief, gathered from the store and the series layer.

Every number carries the footnote number of its source; sources are numbered in the order the
brief first cites them. With `public=True`, restricted sites and figures are left out before
anything is computed, so nothing restricted can leak into a number, a range or a chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dispstats.model import vocab
from dispstats.model.parse import format_dateref
from dispstats.model.records import Figure, Site, Source, public_only
from dispstats.series import RULE, Estimate, best_estimate, site_estimates
from dispstats.series.checks import (
    DEFAULT_TOLERANCE,
    Finding,
    disagreements,
    span_words,
    stale_findings,
    stock_flow_findings,
)
from dispstats.series.estimate import DEFAULT_STALE_WEEKS, DEFAULT_WINDOW_WEEKS
from dispstats.series.totals import Estimates
from dispstats.series.weekly import previous_estimate, week_label
from dispstats.store import FigureFilter, Store

KEY_SITES = 6
# A brief is read in minutes: longer lists are cut, saying how many more there are.
MAX_FINDINGS = 25
MAX_MOVEMENTS = 60
MAX_HIGHLIGHTS = 25


class Notes:
    """Footnote numbers for sources, in order of first citation."""

    def __init__(self, sources: dict[str, Source]):
        self.sources = sources
        self.order: list[str] = []

    def cite(self, figure: Figure) -> int:
        if figure.source_id not in self.order:
            self.order.append(figure.source_id)
        return self.order.index(figure.source_id) + 1

    def listed(self) -> list[tuple[int, Source]]:
        return [(n, self.sources[s]) for n, s in enumerate(self.order, 1)]


@dataclass(frozen=True)
class Cited:
    """A figure as a brief shows it: words, date, publisher and footnote."""

    words: str
    when: str
    publisher: str
    note: int
    figure: Figure


@dataclass(frozen=True)
class KeyFigure:
    site: Site
    indicator: str
    estimate: Estimate
    best: Cited
    others: list[Cited]
    earlier: list[Cited]
    # Said on the card when an analyst's recommendation, not the rule, chose the figure.
    recommended: str | None = None


@dataclass
class BriefData:
    title: str
    organisation: str
    week: str
    week_start: date
    week_end: date
    as_of: date
    generated_at: datetime
    public: bool
    has_restricted: bool
    key_figures: list[KeyFigure] = field(default_factory=list)
    highlights: list[tuple[str, list[int]]] = field(default_factory=list)
    movements: list[dict] = field(default_factory=list)
    disagreements: list[dict] = field(default_factory=list)
    stale: list[tuple[Finding, Cited]] = field(default_factory=list)
    findings: list[tuple[Finding, list[int]]] = field(default_factory=list)
    more_findings: int = 0
    more_movements: int = 0
    more_highlights: int = 0
    sources: list[tuple[int, Source]] = field(default_factory=list)
    method: str = ""
    figures_used: list[Figure] = field(default_factory=list)
    site_names: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[Figure]] = field(default_factory=dict)
    publishers: dict[str, str] = field(default_factory=dict)
    # Figures this far apart (or nearer) do not disagree; said beside an empty table.
    tolerance: float = DEFAULT_TOLERANCE
    stale_weeks: int = DEFAULT_STALE_WEEKS
    # When nothing was reported for the week: the newest figures on record, to say so plainly.
    quiet: bool = False
    newest: list[Cited] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)


def value_words(f: Figure) -> str:
    """ "about 45,000", "70,000–80,000", "unquantified" — the number as the brief prints it."""
    q = f.quantity
    if q.low is None:
        return "unquantified"
    number = f"{q.low:,}" if not q.is_range else f"{q.low:,}–{q.high:,}"
    return number if q.quantifier == "exact" else f"{vocab.label(q.quantifier)} {number}"


def short_date(f: Figure) -> str:
    ref = f.ref
    if ref.precision == "day":
        return f"{ref.start.day} {ref.start:%b %Y}"
    if ref.precision == "month":
        return f"{ref.start:%b %Y}"
    return format_dateref(ref)


def gather(
    store: Store,
    as_of: date,
    site_refs: list[str] | None = None,
    title: str | None = None,
    organisation: str = "dispstats",
    public: bool = False,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    top: int = KEY_SITES,
) -> BriefData:
    """Everything the brief for the ISO week containing `as_of` shows, with figures as of
    that day (the week's Sunday for a whole week)."""
    week_start = as_of - timedelta(days=as_of.weekday())
    all_sites = store.sites()
    has_restricted = store.has_restricted()
    if public:
        all_sites = public_only(all_sites, [])[0]
    sites = {s.id: s for s in all_sites}
    sources = {s.id: s for s in store.sources()}
    notes = Notes(sources)

    def visible(figures: list[Figure]) -> list[Figure]:
        return public_only(all_sites, figures)[1] if public else figures

    if site_refs:
        from dispstats.store.lookup import find_site

        key_ids = [find_site(all_sites, ref).id for ref in site_refs]
    else:
        # The largest sites by their newest population figures, found by index seeks.
        # Public briefs rank by public figures only: filtered first, never afterwards.
        newest = visible(store.latest_as_of(as_of, "population", public=public))
        size = {f.site_id: max(f.quantity.high or 0, 0) for f in newest}
        for f in newest:
            size[f.site_id] = max(size[f.site_id], f.quantity.high or 0)
        key_ids = sorted(size, key=lambda s: -size[s])[:top]
    # The brief speaks of its key sites and the areas containing them (a departure from the
    # zone around a camp belongs beside the camp), not of the whole store.
    scope = list(
        dict.fromkeys(
            [*key_ids, *(sites[k].parent_id for k in key_ids if k in sites and sites[k].parent_id)]
        )
    )
    all_figures = visible(store.figures(FigureFilter(site_ids=scope, date_to=as_of)))

    def cite(f: Figure) -> Cited:
        publisher = sources[f.source_id].publisher if f.source_id in sources else f.source_id
        return Cited(value_words(f), short_date(f), publisher, notes.cite(f), f)

    def estimate_of(site_id: str, day: date, indicator: str = "population") -> Estimate:
        return best_estimate(
            all_figures, sources, site_id, indicator, day, window_weeks, stale_weeks
        )

    data = BriefData(
        title=title or f"Displacement brief, {week_label(as_of)}",
        organisation=organisation,
        week=week_label(as_of),
        week_start=week_start,
        week_end=week_start + timedelta(days=6),
        as_of=as_of,
        generated_at=datetime.now().replace(microsecond=0),
        public=public,
        has_restricted=has_restricted and not public,
        method=RULE.format(window=window_weeks),
        stale_weeks=stale_weeks,
        site_names={s.id: s.name for s in all_sites},
        publishers={s.id: s.publisher for s in sources.values()},
    )
    used: dict[tuple[int, int], Figure] = {}

    def use(f: Figure) -> None:
        used[(f.id, f.version)] = f

    estimates = []
    for site_id in key_ids:
        e = estimate_of(site_id, as_of)
        estimates.append(e)
        if e.figure is None:
            continue
        for f in (e.figure, *e.competitors, *e.earlier):
            use(f)
        data.key_figures.append(
            KeyFigure(
                sites[site_id],
                "population",
                e,
                cite(e.figure),
                [cite(f) for f in e.competitors],
                [cite(f) for f in e.earlier],
                recommended_words(e, public),
            )
        )
        data.history[site_id] = sorted(
            (
                f
                for f in all_figures
                if f.site_id == site_id
                and f.indicator == "population"
                and not f.is_retracted
                and f.quantity.low is not None
            ),
            key=lambda f: f.ref.start,
        )

    parents = [sites[k].parent_id for k in key_ids if k in sites and sites[k].parent_id]
    if parents:  # no area holds a key site: nothing to total, nothing to read
        data.totals = area_totals(
            site_estimates(
                store, "population", as_of, window_weeks, stale_weeks, public=public,
                under=parents,
            ),
            list(dict.fromkeys(parents)),
            cite,
            use,
        )  # fmt: skip

    def previous(f: Figure) -> Estimate:
        return previous_estimate(all_figures, sources, f, window_weeks, stale_weeks)

    since = as_of - timedelta(weeks=window_weeks)
    _highlights(data, all_figures, sources, sites, previous, cite, use, (week_start, since))
    _quiet_week(data, all_figures, cite, use, week_start)
    flows = [
        m
        for m in all_figures
        if m.is_flow and not m.is_retracted and m.ref.start > as_of - timedelta(weeks=window_weeks)
    ]
    flows.sort(key=lambda m: m.ref.start, reverse=True)
    for m in flows:  # those cut from the table are still in the attached CSV
        use(m)
    data.more_movements = max(0, len(flows) - MAX_MOVEMENTS)
    for m in sorted(flows[:MAX_MOVEMENTS], key=lambda m: (m.ref.start, m.id)):
        use(m)
        origin, destination = _ends(m)
        data.movements.append(
            {
                "origin": sites[origin].name if origin in sites else "",
                "destination": sites[destination].name if destination in sites else "",
                "cited": cite(m),
                "status": vocab.label(m.movement_status) or "unknown",
                "indicator": m.indicator,
                "group": m.population_group or "",
                "excerpt": m.excerpt if m.quantity.low is None else "",
            }
        )
    for d in disagreements(estimates):
        for f in d.figures:
            use(f)
        data.disagreements.append(
            {
                "site": sites[d.site_id].name,
                "low": d.low,
                "high": d.high,
                "spread": d.spread,
                "cited": [cite(f) for f in d.figures],
            }
        )
    for finding in stale_findings(estimates):
        e = next(e for e in estimates if e.figure and e.figure.id == finding.figure_ids[0])
        data.stale.append((finding, cite(e.figure)))
    # This week's news: findings that involve a figure of the comparison window, capped; the
    # full list is `dispstats check`.
    by_id = {f.id: f for f in all_figures}
    since = as_of - timedelta(weeks=window_weeks)
    recent = [
        finding
        for finding in stock_flow_findings(all_figures, sources, all_sites, as_of)
        if any(by_id[i].ref.start > since for i in finding.figure_ids if i in by_id)
    ]
    data.more_findings = max(0, len(recent) - MAX_FINDINGS)
    for finding in recent[:MAX_FINDINGS]:
        involved = [by_id[i] for i in finding.figure_ids if i in by_id]
        for f in involved:
            use(f)
        data.findings.append((finding, sorted({cite(f).note for f in involved})))
    data.sources = notes.listed()
    data.figures_used = sorted(used.values(), key=lambda f: (f.site_id, f.ref.start, f.id))
    return data


def area_totals(estimates: Estimates, parents: list[str], cite, use) -> list[dict]:
    """The totals table, largest first: for each area containing a key site, its sites' total
    with every figure it adds up cited, the coverage, the sites stale or never reported, and
    the area's own figure beside it."""
    rows = []
    name = {s.id: s.name for s in estimates.sites.values()}
    for parent in parents:
        total = estimates.site_total(parent)
        if not total.parts:
            continue
        for f in total.figures:
            use(f)
        if total.own:
            use(total.own.figure)
        rows.append(
            {
                "area": name.get(parent, parent),
                "words": span_words(total.low, total.high),
                "notes": sorted({cite(f).note for f in total.figures}),
                "recent": total.recent,
                "children": total.children,
                "stale": [name.get(i, i) for i in total.stale],
                "unreported": [name.get(i, i) for i in total.unreported],
                "own": cite(total.own.figure) if total.own else None,
                "high": total.high,
            }
        )  # fmt: skip
    return sorted(rows, key=lambda row: (-row["high"], row["area"]))


def _ends(m: Figure) -> tuple[str | None, str | None]:
    if m.indicator in ("arrivals", "returns"):
        return m.origin_site_id, m.site_id
    return m.site_id, m.destination_site_id


def recommended_words(e: Estimate, public: bool) -> str | None:
    """ "Recommended by amina: only count based on a registration" when an analyst's choice
    won the rule (a public brief does not name who; the reason is the analyst's, kept in the
    figure's history)."""
    if e.reason != "recommended" or e.figure is None:
        return None
    f = e.figure
    who = "an analyst" if public else f.entered_by
    words = f"Recommended by {who}, not chosen by the rule"
    if f.revision == "recommendation" and f.reason:
        return f"{words}: {f.reason}"
    return f"{words} (see the history of figure {f.id})"


NEWEST_SHOWN = 5


def _quiet_week(data: BriefData, all_figures, cite, use, week_start: date) -> None:
    """A week with nothing reported says so, with the newest figures on record and their dates
    (a brief of an old store must not read as if its figures were this week's)."""
    numbers = [f for f in all_figures if not f.is_retracted and f.quantity.low is not None]
    if data.highlights or any(f.ref.end >= week_start for f in numbers):
        return
    data.quiet = True
    newest = sorted(numbers, key=lambda f: (f.ref.start, f.id), reverse=True)[:NEWEST_SHOWN]
    for f in newest:
        use(f)
    data.newest = [cite(f) for f in newest]


def _highlights(data, all_figures, sources, sites, previous, cite, use, period):
    """Sentences about what was reported during the brief's week, each with its footnotes.

    A figure is new this week when its source was published during the week (or, without a
    publication date, when its reference date falls in the week), and its reference date is
    in the comparison window (`period` = week start, window start). The newest
    MAX_HIGHLIGHTS are sentences; the brief says how many more there are.
    """
    week_start, since = period

    def is_new(f: Figure) -> bool:
        source = sources.get(f.source_id)
        day = source.published if source and source.published else f.ref.start
        return week_start <= day <= data.as_of

    # A source published this week with a year of history is news for its recent figures;
    # the older ones are in the charts and the attached CSV, not sentences.
    new = [
        f
        for f in all_figures
        if is_new(f) and not f.is_retracted and f.site_id in sites and f.ref.start > since
    ]
    new.sort(key=lambda f: (f.ref.start, f.id))
    data.more_highlights = max(0, len(new) - MAX_HIGHLIGHTS)
    for f in new[-MAX_HIGHLIGHTS:] if data.more_highlights else new:
        use(f)
        c = cite(f)
        place = sites[f.site_id].name
        if f.indicator == "population" and f.quantity.low is not None:
            before = previous(f)
            text = f"{c.publisher} reports {c.words} people at {place} ({c.when})"
            notes_used = [c.note]
            if before.figure is not None:
                b = cite(before.figure)
                use(before.figure)
                change = "a different source" if b.publisher != c.publisher else "the same source"
                text += f"; the previous estimate was {b.words} ({b.publisher}, {b.when}, {change})"
                if b.note not in notes_used:  # one source cited once
                    notes_used.append(b.note)
            data.highlights.append((text + ".", notes_used))
        elif f.is_flow:
            what = movement_sentence(f, c.words, sites)
            joiner = "reports that" if f.movement_status else "reports"
            data.highlights.append((f"{c.publisher} {joiner} {what} ({c.when}).", [c.note]))


_VERBS = {  # (status, direction) -> verb phrase
    ("planned", "out"): "are to leave",
    ("under_way", "out"): "are leaving",
    ("completed", "out"): "left",
    (None, "out"): "leaving",
    ("planned", "in"): "are expected to arrive at",
    ("under_way", "in"): "are arriving at",
    ("completed", "in"): "arrived at",
    (None, "in"): "arriving at",
}


def movement_sentence(f: Figure, words: str, sites: dict[str, Site]) -> str:
    """'3,000 people (Qaryatayn tribe) are to leave A for B' and the like."""
    origin, destination = _ends(f)

    def name(site_id: str | None) -> str:
        return sites[site_id].name if site_id in sites else "an unnamed site"

    subject = f"{words} people" if f.quantity.low is not None else "an unknown number of people"
    if f.population_group:
        subject += f" ({f.population_group})"
    if f.indicator in ("arrivals", "returns"):
        text = f"{subject} {_VERBS[(f.movement_status, 'in')]} {name(destination)}"
        text += f" from {name(origin)}" if origin else ""
    else:
        text = f"{subject} {_VERBS[(f.movement_status, 'out')]} {name(origin)}"
        text += f" for {name(destination)}" if destination else ""
    if f.movement_status is None:
        text += " (status not given)"
    if f.quantity.low is None and f.excerpt:
        text += f", “{f.excerpt}”"
    return text
