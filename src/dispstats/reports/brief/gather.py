"""What goes into a weekly brief: the key series chosen, then each section gathered in the
order the brief shows it (brief/sections.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dispstats.model.records import Site
from dispstats.reports import wording
from dispstats.reports.brief import sections
from dispstats.reports.brief.data import BriefData, Context
from dispstats.reports.i18n import Lang, get_lang
from dispstats.series.rule import (
    DEFAULT_STALE_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    Kind,
    SeriesKey,
    kind_order,
    shown_kinds,
)
from dispstats.series.weekly import week_end, week_label
from dispstats.store.lookup import find_site

if TYPE_CHECKING:
    from dispstats.store.contract import StoreReader

KEY_SITES = 6


def gather(
    store: StoreReader,
    as_of: date,
    site_refs: Sequence[str] | None = None,
    *,
    title: str | None = None,
    organisation: str = "dispstats",
    window_weeks: int = DEFAULT_WINDOW_WEEKS,
    stale_weeks: int = DEFAULT_STALE_WEEKS,
    top: int = KEY_SITES,
    lang: Lang | None = None,
) -> BriefData:
    """Everything the brief for the ISO week containing `as_of` shows, with figures as of
    that day (the week's Sunday for a whole week), worded in `lang` (default English); from a
    PublicView, of public data only."""
    lang = lang or get_lang()
    sites = store.sites()
    keys = key_series(store, as_of, site_refs, sites, top=top)
    ctx = Context.read(store, as_of, sites, _scope(sites, keys), lang,
                       window_weeks=window_weeks, stale_weeks=stale_weeks)  # fmt: skip
    data = _heading(ctx, title, organisation)
    estimates = sections.estimates_of(ctx, keys)
    data.key_figures = sections.key_figures(ctx, estimates)
    data.history = sections.histories(ctx, data.key_figures)
    data.several_series = len({key.kind for key in keys}) > 1
    data.totals = sections.area_totals(ctx, keys)
    data.highlights, data.more_highlights = sections.highlights(ctx)
    data.newest = sections.newest_when_quiet(ctx, data.highlights)
    data.quiet = bool(data.newest)
    data.movements, data.more_movements = sections.movements(ctx)
    data.disagreements = sections.disagreement_rows(ctx, estimates, data.several_series)
    data.stale = sections.stale(ctx, estimates)
    data.findings, data.more_findings = sections.findings(ctx)
    data.sources = ctx.notes.listed()
    data.figures_used = ctx.figures_used()
    return data


def _heading(ctx: Context, title: str | None, organisation: str) -> BriefData:
    """The brief's data before its sections: title, week, dates, names, sources."""
    lang, week_start = ctx.lang, ctx.week_start
    return BriefData(
        title=title
        or lang.gettext("Displacement brief, %(week)s")
        % {"week": lang.digits_of(week_label(ctx.as_of))},
        organisation=organisation,
        week=week_label(ctx.as_of),
        week_start=week_start,
        week_end=week_start + timedelta(days=6),
        as_of=ctx.as_of,
        generated_at=datetime.now().replace(microsecond=0),
        sensitivity=_sensitivity(ctx.store),
        lang=lang,
        method=wording.rule(lang, ctx.window_weeks),
        stale_weeks=ctx.stale_weeks,
        site_names=ctx.names,
        stored_names={s.id: s.name for s in ctx.sites.values()},
        publishers={s.id: s.publisher for s in ctx.sources.values()},
        site_records=ctx.sites,
        source_records=ctx.sources,
    )


def _sensitivity(store: StoreReader) -> str:
    if store.is_public:
        return "public"
    return "restricted" if store.has_restricted() else ""


def _scope(sites: Sequence[Site], keys: Sequence[SeriesKey]) -> list[str]:
    """The sites a brief speaks of: its key sites and the areas holding them (a departure
    from the zone around a camp belongs beside the camp), not the whole store."""
    by_id = {s.id: s for s in sites}
    ids = list(dict.fromkeys(key.site_id for key in keys))
    parents = [p for i in ids if i in by_id and (p := by_id[i].parent_id)]
    return list(dict.fromkeys([*ids, *parents]))


def key_series(
    store: StoreReader,
    as_of: date,
    site_refs: Sequence[str] | None,
    sites: Sequence[Site],
    *,
    top: int,
) -> list[SeriesKey]:
    """The brief's key series: of the named sites, or the largest by their newest population
    figures (found by index seeks; from a PublicView, ranked by public figures only); each
    site's groups apart, in people (households where a group has nothing in people)."""
    kinds: dict[str, set[Kind]] = {}
    size: dict[SeriesKey, int] = {}
    for f in store.latest_as_of(as_of, "population"):
        key = SeriesKey(f.site_id, f.indicator, f.population_group, f.unit)
        kinds.setdefault(f.site_id, set()).add(key.kind)
        size[key] = max(size.get(key, 0), f.quantity.high or 0)
    if site_refs:
        chosen = [find_site(sites, ref).id for ref in site_refs]
        return [
            SeriesKey(site_id, *kind)
            for site_id in dict.fromkeys(chosen)
            for kind in shown_kinds(kinds.get(site_id, {Kind("population", None, "people")}))
        ]
    shown = [
        SeriesKey(site_id, *kind) for site_id, found in kinds.items() for kind in shown_kinds(found)
    ]
    return sorted(shown, key=lambda k: (-size.get(k, 0), k.site_id, kind_order(k.kind)))[:top]


def report_day(week: date | None, as_of: date | None, today: date | None = None) -> date:
    """The day a brief's figures are as of: `as_of`, else the Sunday of `week`'s ISO week
    (default: last week's), or today when that Sunday is still to come: a brief of this week
    run on Saturday is as of Saturday, never of tomorrow."""
    today = today or date.today()
    return as_of or min(week_end(week or today - timedelta(days=7)), today)
