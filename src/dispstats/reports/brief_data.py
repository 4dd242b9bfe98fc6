"""What goes into a weekly brief, gathered from the store and the series layer.

Every number carries the footnote number of its source; sources are numbered in the order the
brief first cites them. With `public=True`, restricted sites and figures are left out before
anything is computed, so nothing restricted can leak into a number, a range or a chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dispstats.model import vocab
from dispstats.model.parse import Quantity
from dispstats.model.records import Figure, Site, Source, public_only
from dispstats.reports import wording
from dispstats.reports.i18n import N_, Lang, get_lang
from dispstats.series import Estimate, site_estimates
from dispstats.series.checks import (
    DEFAULT_TOLERANCE,
    Finding,
    disagreements,
    stale_findings,
    stock_flow_findings,
)
from dispstats.series.estimate import (
    DEFAULT_STALE_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    Kind,
    SeriesKey,
    by_series,
    estimate_of,
    kind_order,
    shown_kinds,
)
from dispstats.series.totals import Estimates
from dispstats.series.weekly import previous_estimate, week_label
from dispstats.store import FigureFilter
from dispstats.store.settings import small_cells

if TYPE_CHECKING:
    from dispstats.store import Store
    from dispstats.store.lite import LiteStore

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
    # The source's own words for the number when they say more than `words` ("approximately").
    reported: str | None = None


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
    # Who and what the number counts ("IDPs", "refugees, households", "people").
    counts: str = ""
    # The shares of its parts a reader expects ("52% women and girls, 55% children").
    shares: list[str] = field(default_factory=list)

    @property
    def key(self) -> SeriesKey:
        return self.estimate.key


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
    lang: Lang = field(default_factory=get_lang)
    key_figures: list[KeyFigure] = field(default_factory=list)
    highlights: list[tuple[str, list[int]]] = field(default_factory=list)
    movements: list[dict] = field(default_factory=list)
    disagreements: list[dict] = field(default_factory=list)
    stale: list[tuple[Finding, Cited]] = field(default_factory=list)
    findings: list[tuple[str, list[int]]] = field(default_factory=list)
    more_findings: int = 0
    more_movements: int = 0
    more_highlights: int = 0
    sources: list[tuple[int, Source]] = field(default_factory=list)
    method: str = ""
    figures_used: list[Figure] = field(default_factory=list)
    # Sites as the brief names them (in its language where the store has the name) and as
    # stored (the attached CSV's values, for re-use).
    site_names: dict[str, str] = field(default_factory=dict)
    stored_names: dict[str, str] = field(default_factory=dict)
    publishers: dict[str, str] = field(default_factory=dict)
    # As read once from the store: the sites the brief may show (public ones in a public
    # brief) and every source, for its charts and map.
    site_records: dict[str, Site] = field(default_factory=dict)
    source_records: dict[str, Source] = field(default_factory=dict)
    # Figures this far apart (or nearer) do not disagree; said beside an empty table.
    tolerance: float = DEFAULT_TOLERANCE
    stale_weeks: int = DEFAULT_STALE_WEEKS
    # When nothing was reported for the week: the newest figures on record, to say so plainly.
    quiet: bool = False
    newest: list[Cited] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)
    history: dict[SeriesKey, list[Figure]] = field(default_factory=dict)
    # Whether the key figures count more than one group or unit (then every number says whose).
    several_series: bool = False


def gather(
    store: Store | LiteStore,
    as_of: date,
    site_refs: list[str] | None = None,
    title: str | None = None,
    organisation: str = "dispstats",
    public: bool = False,
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    top: int = KEY_SITES,
    lang: Lang | None = None,
) -> BriefData:
    """Everything the brief for the ISO week containing `as_of` shows, with figures as of
    that day (the week's Sunday for a whole week), worded in `lang` (default English)."""
    lang = lang or get_lang()
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

    key_series = _key_series(store, as_of, site_refs, all_sites, top=top, public=public)
    key_ids = list(dict.fromkeys(key.site_id for key in key_series))
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
        return Cited(
            wording.quantity_words(lang, f.quantity),
            wording.short_date(lang, f.ref),
            publisher,
            notes.cite(f),
            f,
            wording.reported_words(f),
        )

    series = by_series(all_figures)
    threshold = small_cells(store) if public else 0

    data = BriefData(
        title=title
        or lang.gettext("Displacement brief, %(week)s")
        % {"week": lang.digits_of(week_label(as_of))},
        organisation=organisation,
        week=week_label(as_of),
        week_start=week_start,
        week_end=week_start + timedelta(days=6),
        as_of=as_of,
        generated_at=datetime.now().replace(microsecond=0),
        public=public,
        has_restricted=has_restricted and not public,
        lang=lang,
        method=wording.rule(lang, window_weeks),
        stale_weeks=stale_weeks,
        site_names={s.id: s.name_in(lang.code) for s in all_sites},
        stored_names={s.id: s.name for s in all_sites},
        publishers={s.id: s.publisher for s in sources.values()},
        site_records=sites,
        source_records=sources,
    )
    used: dict[tuple[int, int], Figure] = {}

    def use(f: Figure) -> None:
        used[(f.id, f.version)] = f

    estimates = []
    several = len({(k.indicator, k.group, k.unit) for k in key_series}) > 1
    for key in key_series:
        e = estimate_of(
            key,
            series.get(key, []),
            sources,
            as_of,
            window_weeks=window_weeks,
            stale_weeks=stale_weeks,
        )
        estimates.append(e)
        if e.figure is None:
            continue
        for f in (e.figure, *e.competitors, *e.earlier):
            use(f)
        data.key_figures.append(
            KeyFigure(
                sites[key.site_id],
                key.indicator,
                e,
                cite(e.figure),
                [cite(f) for f in e.competitors],
                [cite(f) for f in e.earlier],
                recommended_words(e, public, lang),
                counts=counts_words(lang, key),
                shares=wording.share_lines(lang, e.figure, threshold),
            )
        )
        data.history[key] = sorted(
            (f for f in series.get(key, []) if not f.is_retracted and f.quantity.low is not None),
            key=lambda f: f.ref.start,
        )
    data.several_series = several

    parents = [sites[k].parent_id for k in key_ids if k in sites and sites[k].parent_id]
    if parents:  # no area holds a key site: nothing to total, nothing to read
        for kind in dict.fromkeys(Kind(k.indicator, k.group, k.unit) for k in key_series):
            data.totals += area_totals(
                site_estimates(store, kind, as_of, stale_weeks, public=public, under=parents),
                list(dict.fromkeys(parents)),
                cite,
                use,
                lang,
            )  # fmt: skip

    def previous(f: Figure) -> Estimate:
        own = series.get(SeriesKey(f.site_id, f.indicator, f.population_group, f.unit), [])
        return previous_estimate(own, sources, f, window_weeks, stale_weeks)

    since = as_of - timedelta(weeks=window_weeks)
    _highlights(data, all_figures, sources, previous, cite, use, (week_start, since))
    _quiet_week(data, all_figures, cite, use, week_start)
    flows = [
        m
        for m in all_figures
        if m.is_movement
        and not m.is_retracted
        and m.ref.start > as_of - timedelta(weeks=window_weeks)
    ]
    flows.sort(key=lambda m: m.ref.start, reverse=True)
    for m in flows:  # those cut from the table are still in the attached CSV
        use(m)
    data.more_movements = max(0, len(flows) - MAX_MOVEMENTS)
    for m in sorted(flows[:MAX_MOVEMENTS], key=lambda m: (m.ref.start, m.id)):
        use(m)
        origin, destination = m.ends
        data.movements.append(
            {
                "origin": data.site_names.get(origin, "") if origin else "",
                "destination": data.site_names.get(destination, "") if destination else "",
                "cited": cite(m),
                "status": wording.status(lang, m.movement_status) or lang.gettext("unknown"),
                "indicator": m.indicator,
                "group": m.description or "",
                "excerpt": m.excerpt if m.quantity.low is None else "",
            }
        )
    for d in disagreements(estimates):
        for f in d.figures:
            use(f)
        data.disagreements.append(
            {
                "site": data.site_names[d.site_id]
                + (
                    f" ({counts_words(lang, SeriesKey(d.site_id, d.indicator, d.group, d.unit))})"
                    if several
                    else ""
                ),
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
        for finding in stock_flow_findings(all_figures, sources, as_of)
        if any(by_id[i].ref.start > since for i in finding.figure_ids if i in by_id)
    ]
    data.more_findings = max(0, len(recent) - MAX_FINDINGS)
    words = wording.FindingWords(lang, data.site_names, data.publishers)
    for finding in recent[:MAX_FINDINGS]:
        involved = [by_id[i] for i in finding.figure_ids if i in by_id]
        for f in involved:
            use(f)
        data.findings.append((words(finding), sorted({cite(f).note for f in involved})))
    data.sources = notes.listed()
    data.figures_used = sorted(used.values(), key=lambda f: (f.site_id, f.ref.start, f.id))
    return data


def _key_series(store, as_of: date, site_refs, all_sites, *, top: int, public: bool) -> list:
    """The brief's key series: of the named sites, or the largest by their newest population
    figures (found by index seeks; a public brief ranks by public figures only: filtered
    first, never afterwards); each site's groups apart, in people (households where a group
    has nothing in people)."""
    newest = store.latest_as_of(as_of, "population", public=public)
    if public:
        newest = public_only(all_sites, newest)[1]
    kinds: dict[str, set[Kind]] = {}
    size: dict[SeriesKey, int] = {}
    for f in newest:
        key = SeriesKey(f.site_id, f.indicator, f.population_group, f.unit)
        kinds.setdefault(f.site_id, set()).add(Kind(f.indicator, f.population_group, f.unit))
        size[key] = max(size.get(key, 0), f.quantity.high or 0)
    if site_refs:
        from dispstats.store.lookup import find_site

        chosen = [find_site(all_sites, ref).id for ref in site_refs]
        return [
            SeriesKey(site_id, *kind)
            for site_id in dict.fromkeys(chosen)
            for kind in shown_kinds(kinds.get(site_id, {Kind("population", None, "people")}))
        ]
    shown = [
        SeriesKey(site_id, *kind) for site_id, found in kinds.items() for kind in shown_kinds(found)
    ]
    return sorted(shown, key=lambda k: (-size.get(k, 0), k.site_id, kind_order(k.kind)))[:top]


def counts_words(lang: Lang, key: SeriesKey) -> str:
    """What a key figure counts, for its card: "IDPs", "refugees · households", "people"."""
    unit = lang.gettext(wording.UNIT_WORDS.get(key.unit, key.unit))
    if key.group is None:
        return unit
    if key.unit == "people":
        return wording.group(lang, key.group)
    return lang.gettext("%(group)s · %(unit)s") % {
        "group": wording.group(lang, key.group),
        "unit": unit,
    }


def area_totals(estimates: Estimates, parents: list[str], cite, use, lang: Lang) -> list[dict]:
    """The totals table, largest first: for each area containing a key site, its sites' total
    with every figure it adds up cited, the coverage, the sites stale or never reported, and
    the area's own figure beside it."""
    rows = []
    name = {s.id: s.name_in(lang.code) for s in estimates.sites.values()}
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
                "words": wording.counted(
                    lang,
                    wording.quantity_words(lang, Quantity(total.low, total.high, total.quantifier)),
                    total.group,
                    total.unit,
                ),
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


def recommended_words(e: Estimate, public: bool, lang: Lang) -> str | None:
    """ "Recommended by amina, not chosen by the rule: only count based on a registration"
    when an analyst's choice won the rule (a public brief does not name who; the reason is
    the analyst's own words, kept in the figure's history)."""
    if e.reason != "recommended" or e.figure is None:
        return None
    f = e.figure
    if public:
        words = lang.gettext("Recommended by an analyst, not chosen by the rule")
    else:
        words = lang.gettext("Recommended by %(who)s, not chosen by the rule") % {
            "who": f.entered_by
        }
    if f.revision == "recommendation" and f.reason:
        return lang.gettext("%(recommended)s: %(reason)s") % {
            "recommended": words,
            "reason": f.reason,
        }
    return lang.gettext("%(recommended)s (see the history of figure %(id)s)") % {
        "recommended": words,
        "id": f.id,
    }


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


def _highlights(data, all_figures, sources, previous, cite, use, period):
    """Sentences about what was reported during the brief's week, each with its footnotes.

    A figure is new this week when its source was published during the week (or, without a
    publication date, when its reference date falls in the week), and its reference date is
    in the comparison window (`period` = week start, window start). The newest
    MAX_HIGHLIGHTS are sentences; the brief says how many more there are.
    """
    week_start, since = period
    lang, names = data.lang, data.site_names

    def is_new(f: Figure) -> bool:
        source = sources.get(f.source_id)
        day = source.published if source and source.published else f.ref.start
        return week_start <= day <= data.as_of

    # A source published this week with a year of history is news for its recent figures;
    # the older ones are in the charts and the attached CSV, not sentences.
    new = [
        f
        for f in all_figures
        if is_new(f) and not f.is_retracted and f.site_id in names and f.ref.start > since
    ]
    new.sort(key=lambda f: (f.ref.start, f.id))
    data.more_highlights = max(0, len(new) - MAX_HIGHLIGHTS)
    for f in new[-MAX_HIGHLIGHTS:] if data.more_highlights else new:
        use(f)
        c = cite(f)
        if f.indicator == "population" and f.quantity.low is not None:
            data.highlights.append(_population_news(lang, c, names[f.site_id], previous, cite, use))
        elif f.indicator == "new_displacements" and f.quantity.low is not None:
            text = lang.gettext("%(publisher)s reports %(value)s newly displaced at %(site)s "
                                "(%(date)s).")  # fmt: skip
            values = {"publisher": c.publisher, "value": wording.who_words(lang, f),
                      "site": names[f.site_id], "date": c.when}  # fmt: skip
            data.highlights.append((text % values, [c.note]))
        elif f.is_movement:
            what = movement_sentence(f, c.words, names, lang)
            text = lang.gettext("%(publisher)s reports that %(movement)s (%(date)s).")
            if not f.movement_status:
                text = lang.gettext("%(publisher)s reports %(movement)s (%(date)s).")
            data.highlights.append(
                (text % {"publisher": c.publisher, "movement": what, "date": c.when}, [c.note])
            )


def _population_news(lang: Lang, c: Cited, place: str, previous, cite, use):
    """ "OCHA reports about 45,000 people at Rukban (16 Sep 2018); the previous estimate was
    ..." with its footnotes (one source cited once)."""
    value = wording.who_words(lang, c.figure)
    if c.reported:  # the source's own words where the brief says what it reports
        value += " " + lang.gettext("(as reported: “%(words)s”)") % {"words": c.reported}
    text = lang.gettext("%(publisher)s reports %(value)s at %(site)s (%(date)s)") % {
        "publisher": c.publisher,
        "value": value,
        "site": place,
        "date": c.when,
    }
    notes_used = [c.note]
    before = previous(c.figure)
    if before.figure is not None:
        b = cite(before.figure)
        use(before.figure)
        change = (
            lang.gettext("a different source")
            if b.publisher != c.publisher
            else lang.gettext("the same source")
        )
        text = lang.gettext(
            "%(news)s; the previous estimate was %(value)s (%(publisher)s, %(date)s, %(change)s)"
        ) % {"news": text, "value": b.words, "publisher": b.publisher, "date": b.when,
             "change": change}  # fmt: skip
        if b.note not in notes_used:
            notes_used.append(b.note)
    return lang.gettext("%(sentence)s.") % {"sentence": text}, notes_used


# (status, direction) -> the sentence; direction "out" leaves a site, "in" arrives at one.
_MOVES = {
    ("planned", "out"): N_("%(people)s are to leave %(origin)s"),
    ("under_way", "out"): N_("%(people)s are leaving %(origin)s"),
    ("completed", "out"): N_("%(people)s left %(origin)s"),
    (None, "out"): N_("%(people)s leaving %(origin)s"),
    ("planned", "in"): N_("%(people)s are expected to arrive at %(destination)s"),
    ("under_way", "in"): N_("%(people)s are arriving at %(destination)s"),
    ("completed", "in"): N_("%(people)s arrived at %(destination)s"),
    (None, "in"): N_("%(people)s arriving at %(destination)s"),
}


def movement_sentence(f: Figure, words: str, names: dict[str, str], lang: Lang) -> str:
    """'3,000 people (Qaryatayn tribe) are to leave A for B' and the like."""
    origin, destination = f.ends

    def name(site_id: str | None) -> str:
        return names[site_id] if site_id in names else lang.gettext("an unnamed site")

    if f.quantity.low is not None:
        people = wording.who_words(lang, f)
    else:
        people = lang.gettext("an unknown number of people")
    if f.description:
        people = lang.gettext("%(people)s (%(group)s)") % {
            "people": people,
            "group": f.description,
        }
    places = {"people": people, "origin": name(origin), "destination": name(destination)}
    if f.indicator in vocab.INBOUND_INDICATORS:
        text = lang.gettext(_MOVES[(f.movement_status, "in")]) % places
        if origin:
            text = lang.gettext("%(movement)s from %(origin)s") % (places | {"movement": text})
    else:
        text = lang.gettext(_MOVES[(f.movement_status, "out")]) % places
        if destination:
            text = lang.gettext("%(movement)s for %(destination)s") % (places | {"movement": text})
    if f.movement_status is None:
        text = lang.gettext("%(movement)s (status not given)") % {"movement": text}
    if f.quantity.low is None and f.excerpt:
        text = lang.gettext("%(movement)s, “%(excerpt)s”") % {
            "movement": text,
            "excerpt": f.excerpt,
        }
    return text
