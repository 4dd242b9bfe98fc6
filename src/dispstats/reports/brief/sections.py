"""The brief's sections, one function each: key figures, area totals, highlights, the quiet
week, movements, disagreements, stale figures and findings. Each reads the Context, cites and
uses the figures it shows (in the order the brief shows them, so footnotes number in reading
order) and returns its typed rows (brief/data.py)."""

from __future__ import annotations

from collections.abc import Sequence

from dispstats.model.parse import Quantity
from dispstats.model.records import Figure
from dispstats.reports import wording
from dispstats.reports.brief.data import (
    AreaTotal,
    Cited,
    Context,
    Disagreement,
    KeyFigure,
    Movement,
    Sentence,
)
from dispstats.reports.brief.words import (
    counts_words,
    movement_sentence,
    population_news,
    recommended_words,
)
from dispstats.series import Estimate, site_estimates
from dispstats.series.checks import Finding, disagreements, stale_findings, stock_flow_findings
from dispstats.series.rule import Kind, SeriesKey, estimate_of
from dispstats.series.weekly import previous_estimate
from dispstats.store.settings import withheld_below

# A brief is read in minutes: longer lists are cut, saying how many more there are.
MAX_FINDINGS = 25
MAX_MOVEMENTS = 60
MAX_HIGHLIGHTS = 25
NEWEST_SHOWN = 5


def key_figures(ctx: Context, estimates: Sequence[Estimate]) -> list[KeyFigure]:
    """A card per key series with a number: its best estimate, the other sources' figures
    beside it and earlier ones, who recommended it, what it counts and its parts' shares."""
    threshold = withheld_below(ctx.store)
    cards = []
    for e in estimates:
        if e.figure is None:
            continue
        ctx.use(e.figure, *e.competitors, *e.earlier)
        cards.append(
            KeyFigure(
                ctx.sites[e.site_id],
                e.indicator,
                e,
                ctx.cite(e.figure),
                [ctx.cite(f) for f in e.competitors],
                [ctx.cite(f) for f in e.earlier],
                recommended_words(e, ctx.lang),
                counts=counts_words(ctx.lang, e.key),
                shares=wording.share_lines(ctx.lang, e.figure, threshold),
            )
        )
    return cards


def estimates_of(ctx: Context, keys: Sequence[SeriesKey]) -> list[Estimate]:
    """The best estimate of each key series, with everything beside it."""
    return [
        estimate_of(key, ctx.series.get(key, []), ctx.sources, ctx.as_of,
                    window_weeks=ctx.window_weeks, stale_weeks=ctx.stale_weeks)
        for key in keys
    ]  # fmt: skip


def histories(ctx: Context, cards: Sequence[KeyFigure]) -> dict[SeriesKey, list[Figure]]:
    """Each key figure's numbers on record, oldest first: what its chart draws."""
    return {
        k.key: sorted(
            (f for f in ctx.series.get(k.key, []) if not f.is_retracted and f.low is not None),
            key=lambda f: f.ref.start,
        )
        for k in cards
    }


def area_totals(ctx: Context, keys: Sequence[SeriesKey]) -> list[AreaTotal]:
    """The totals table, largest first: for each area holding a key site, its sites' total
    with every figure it adds up cited, the coverage, the sites stale or never reported, and
    the area's own figure beside it."""
    parents = list(
        dict.fromkeys(
            parent
            for key in keys
            if key.site_id in ctx.sites and (parent := ctx.sites[key.site_id].parent_id)
        )
    )
    if not parents:  # no area holds a key site: nothing to total, nothing to read
        return []
    kinds = dict.fromkeys(Kind(k.indicator, k.group, k.unit) for k in keys)
    return [row for kind in kinds for row in _kind_totals(ctx, kind, parents)]


def _kind_totals(ctx: Context, kind: Kind, parents: list[str]) -> list[AreaTotal]:
    estimates = site_estimates(ctx.store, kind, ctx.as_of, ctx.stale_weeks, under=parents)
    name = {s.id: s.name_in(ctx.lang.code) for s in estimates.sites.values()}
    rows = []
    for parent in parents:
        total = estimates.site_total(parent)
        if not total.parts:
            continue
        ctx.use(*total.figures)
        own = total.own_figure
        if own:
            ctx.use(own)
        quantity = Quantity(total.low, total.high, total.quantifier)
        rows.append(
            AreaTotal(
                area=name.get(parent, parent),
                words=wording.counted(ctx.lang, wording.quantity_words(ctx.lang, quantity),
                                      total.group, total.unit),
                notes=sorted({ctx.cite(f).note for f in total.figures}),
                recent=total.recent,
                children=total.children,
                stale=[name.get(i, i) for i in total.stale],
                unreported=[name.get(i, i) for i in total.unreported],
                own=ctx.cite(own) if own else None,
                high=total.high,
            )
        )  # fmt: skip
    return sorted(rows, key=lambda row: (-row.high, row.area))


def highlights(ctx: Context) -> tuple[list[Sentence], int]:
    """Sentences about what was reported during the brief's week, each with its footnotes,
    and how many more there were.

    A figure is new this week when its source was published during the week (or, without a
    publication date, when its reference date falls in the week), and its reference date is
    in the comparison window (a source published this week with a year of history is news for
    its recent figures; the older ones are in the charts and the attached CSV). The newest
    MAX_HIGHLIGHTS are sentences.
    """

    def is_new(f: Figure) -> bool:
        source = ctx.sources.get(f.source_id)
        day = source.published if source and source.published else f.ref.start
        return ctx.week_start <= day <= ctx.as_of

    new = [
        f
        for f in ctx.figures
        if is_new(f) and not f.is_retracted and f.site_id in ctx.names and f.ref.start > ctx.since
    ]
    new.sort(key=lambda f: (f.ref.start, f.id))
    more = max(0, len(new) - MAX_HIGHLIGHTS)
    sentences = []
    for f in new[-MAX_HIGHLIGHTS:] if more else new:
        ctx.use(f)
        sentence = _news(ctx, f, ctx.cite(f))
        if sentence:
            sentences.append(sentence)
    return sentences, more


def _news(ctx: Context, f: Figure, c: Cited) -> Sentence | None:
    lang, names = ctx.lang, ctx.names
    if f.indicator == "population" and f.low is not None:
        before = _previous(ctx, f)
        if before is not None:
            ctx.use(before)
        cited = ctx.cite(before) if before is not None else None
        return Sentence(*population_news(lang, c, names[f.site_id], cited))
    if f.indicator == "new_displacements" and f.low is not None:
        text = lang.gettext("%(publisher)s reports %(value)s newly displaced at %(site)s "
                            "(%(date)s).")  # fmt: skip
        values = {"publisher": c.publisher, "value": wording.who_words(lang, f),
                  "site": names[f.site_id], "date": c.when}  # fmt: skip
        return Sentence(text % values, [c.note])
    if f.is_movement:
        what = movement_sentence(f, c.words, names, lang)
        text = lang.gettext("%(publisher)s reports that %(movement)s (%(date)s).")
        if not f.movement_status:
            text = lang.gettext("%(publisher)s reports %(movement)s (%(date)s).")
        return Sentence(
            text % {"publisher": c.publisher, "movement": what, "date": c.when}, [c.note]
        )
    return None


def _previous(ctx: Context, f: Figure) -> Figure | None:
    """The figure of the estimate a new figure changed (None when there was none)."""
    own = ctx.series.get(SeriesKey(f.site_id, f.indicator, f.population_group, f.unit), [])
    return previous_estimate(own, ctx.sources, f, ctx.window_weeks, ctx.stale_weeks).figure


def newest_when_quiet(ctx: Context, news: Sequence[Sentence]) -> list[Cited]:
    """For a week with nothing reported, the newest figures on record with their dates (a
    brief of an old store must not read as if its figures were this week's); else nothing."""
    numbers = [f for f in ctx.figures if not f.is_retracted and f.low is not None]
    if news or any(f.ref.end >= ctx.week_start for f in numbers):
        return []
    newest = sorted(numbers, key=lambda f: (f.ref.start, f.id), reverse=True)[:NEWEST_SHOWN]
    ctx.use(*newest)
    return [ctx.cite(f) for f in newest]


def movements(ctx: Context) -> tuple[list[Movement], int]:
    """The movements of the comparison window, oldest first, and how many older ones were
    cut (all of them are in the attached CSV)."""
    flows = [
        m for m in ctx.figures if m.is_movement and not m.is_retracted and m.ref.start > ctx.since
    ]
    flows.sort(key=lambda m: m.ref.start, reverse=True)
    ctx.use(*flows)
    rows = []
    for m in sorted(flows[:MAX_MOVEMENTS], key=lambda m: (m.ref.start, m.id)):
        origin, destination = m.ends
        rows.append(
            Movement(
                origin=ctx.names.get(origin, "") if origin else "",
                destination=ctx.names.get(destination, "") if destination else "",
                cited=ctx.cite(m),
                status=wording.status(ctx.lang, m.movement_status) or ctx.lang.gettext("unknown"),
                indicator=m.indicator,
                group=m.description or "",
                excerpt=m.excerpt if m.excerpt and m.low is None else "",
            )
        )
    return rows, max(0, len(flows) - MAX_MOVEMENTS)


def disagreement_rows(
    ctx: Context, estimates: Sequence[Estimate], several: bool
) -> list[Disagreement]:
    """Key sites whose sources disagree, most first; with `several` series, each says whose."""
    rows = []
    for d in disagreements(estimates):
        ctx.use(*d.figures)
        whose = SeriesKey(d.site_id, d.indicator, d.group, d.unit)
        rows.append(
            Disagreement(
                site=ctx.names[d.site_id]
                + (f" ({counts_words(ctx.lang, whose)})" if several else ""),
                low=d.low,
                high=d.high,
                spread=d.spread,
                cited=[ctx.cite(f) for f in d.figures],
            )
        )
    return rows


def stale(ctx: Context, estimates: Sequence[Estimate]) -> list[tuple[Finding, Cited]]:
    """Key figures older than the staleness threshold, with the figure that is."""
    by_id = {e.figure.id: e.figure for e in estimates if e.figure}
    return [
        (finding, ctx.cite(by_id[finding.figure_ids[0]])) for finding in stale_findings(estimates)
    ]


def findings(ctx: Context) -> tuple[list[Sentence], int]:
    """This week's news among the checks: findings that involve a figure of the comparison
    window, capped (the full list is `dispstats check`), and how many more there are."""
    by_id = {f.id: f for f in ctx.figures}
    recent = [
        finding
        for finding in stock_flow_findings(ctx.figures, ctx.sources, ctx.as_of)
        if any(by_id[i].ref.start > ctx.since for i in finding.figure_ids if i in by_id)
    ]
    publishers = {s.id: s.publisher for s in ctx.sources.values()}
    words = wording.FindingWords(ctx.lang, ctx.names, publishers)
    rows = []
    for finding in recent[:MAX_FINDINGS]:
        involved = [by_id[i] for i in finding.figure_ids if i in by_id]
        ctx.use(*involved)
        rows.append(Sentence(words(finding), sorted({ctx.cite(f).note for f in involved})))
    return rows, max(0, len(recent) - MAX_FINDINGS)
