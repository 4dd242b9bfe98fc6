"""Commands that read: list, show, history, site list|show, source list|show."""

from __future__ import annotations

import click

from dispstats.cli.app import cli, state_of
from dispstats.cli.entry import site, source
from dispstats.cli.options import public_view_option
from dispstats.cli.render import (
    count_words,
    figure_details,
    figure_json,
    figure_line,
    parts_words,
    print_json,
    print_pairs,
    print_table,
    site_json,
    site_labels,
    source_json,
    value_words,
)
from dispstats.model import vocab
from dispstats.model.dates import format_dateref, parse_dateref
from dispstats.model.parse import parse_choice
from dispstats.store import FigureFilter


@cli.command("list")
@click.option("--site", "sites", multiple=True, help="Only this site (name or id); repeatable.")
@click.option("--indicator", help=f"Only one of: {', '.join(vocab.INDICATORS)}.")
@click.option("--source", help="Only figures from this source (id or publisher).")
@click.option(
    "--from", "date_from", help="Only figures whose reference period ends on or after this date."
)
@click.option(
    "--to", "date_to", help="Only figures whose reference period starts on or before this date."
)
@click.option("--include-retracted", is_flag=True, help="Also list withdrawn figures.")
@public_view_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per figure).")
@click.pass_context
def list_(
    ctx: click.Context,
    *,
    sites,
    indicator,
    source,
    date_from,
    date_to,
    include_retracted,
    public,
    as_json,
) -> None:
    """List figures (their current versions) by site, indicator and date.

    \b
    Examples:
      dispstats list
      dispstats list --site Rukban --indicator population --from 2018-01-01
      dispstats list --json > figures.json
    """
    store = state_of(ctx).reader(public, entry=True)
    where = FigureFilter(
        site_ids=[site.id for site in store.find_sites(sites)],
        indicator=parse_choice(indicator, "indicator", vocab.INDICATORS, vocab.INDICATOR_SYNONYMS)
        if indicator
        else None,
        source_id=store.find_source(source).id if source else None,
        date_from=parse_dateref(date_from, "from").start if date_from else None,
        date_to=parse_dateref(date_to, "to").end if date_to else None,
        include_retracted=include_retracted,
    )
    all_sites = store.sites()
    figures = store.figures(where)
    if as_json:
        print_json([figure_json(f) for f in figures])
        return
    if not figures:
        click.echo(
            "No figures match."
            if any((sites, indicator, source, date_from, date_to))
            else "No figures yet: add one with 'dispstats add'."
        )
        return
    publishers = {s.id: s.publisher for s in store.sources()}
    names = site_labels(all_sites)
    print_table(
        ["Id", "Site", "Indicator", "Value", "Date", "Movement", "Source", "Conf."],
        [
            [
                str(f.id) + ("" if f.version == 1 else f" v{f.version}"),
                names.get(f.site_id, f.site_id),
                f.indicator
                + (f" ({vocab.label(f.population_group)})" if f.population_group else ""),
                value_words(f) + (" (retracted)" if f.is_retracted else ""),
                format_dateref(f.ref),
                _movement(f, names),
                publishers.get(f.source_id, f.source_id),
                f.confidence,
            ]
            for f in figures
        ],
        title=count_words(len(figures), "figure") + (" (public only)" if public else ""),
    )


def _movement(figure, names: dict[str, str]) -> str:
    if not figure.is_movement:
        return ""
    ends = []
    if figure.origin_site_id:
        ends.append(f"from {names.get(figure.origin_site_id, figure.origin_site_id)}")
    if figure.destination_site_id:
        ends.append(f"to {names.get(figure.destination_site_id, figure.destination_site_id)}")
    if figure.movement_status:
        ends.append(f"({vocab.label(figure.movement_status)})")
    return " ".join(ends)


@cli.command()
@click.argument("figure_id", type=int)
@public_view_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, figure_id: int, public: bool, as_json: bool) -> None:
    """Show a figure's current version with its source and excerpt.

    \b
    Example:
      dispstats show 4
    """
    store = state_of(ctx).reader(public, entry=True)
    figure = store.figure(figure_id)
    if as_json:
        print_json(figure_json(figure))
        return
    sites = {s.id: s for s in store.sites()}
    details = figure_details(figure, store.source(figure.source_id), sites)
    if public:  # as a public output shows it: who entered it is internal
        details = [(k, v) for k, v in details if k != "Entered"]
    print_pairs(details)


@cli.command()
@click.argument("figure_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per version).")
@click.pass_context
def history(ctx: click.Context, figure_id: int, as_json: bool) -> None:
    """Show every version of a figure: the original, corrections, retraction.

    \b
    Example:
      dispstats history 4
    """
    store = state_of(ctx).store()
    versions = store.history(figure_id)
    names = site_labels(store.sites())
    if as_json:
        print_json([figure_json(v) for v in versions])
        return
    for v in versions:
        reason = f" — {v.reason}" if v.reason else ""
        click.echo(
            f"v{v.version} {v.revision:<14} {v.entered_at:%Y-%m-%d %H:%M} UTC "
            f"{v.entered_by}: {figure_line(v, names=names)}{reason}"
        )
        if v.parts:
            click.echo(f"   parts: {parts_words(v)}")


@site.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def site_list(ctx: click.Context, as_json: bool) -> None:
    """List sites.

    \b
    Example:
      dispstats site list
    """
    sites = state_of(ctx).store().sites()
    if as_json:
        print_json([site_json(s) for s in sites])
        return
    if not sites:
        click.echo("No sites yet: add one with 'dispstats site add'.")
        return
    print_table(
        ["Id", "Name", "Kind", "Country", "Admin 1", "Inside", "Other names"],
        [
            [
                s.id,
                s.name,
                vocab.label(s.kind),
                s.country_iso3 or "",
                s.admin1_name or "",
                s.parent_id or "",
                "; ".join(s.aliases),
            ]
            for s in sites
        ],
    )


@site.command("show")
@click.argument("site_ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def site_show(ctx: click.Context, site_ref: str, as_json: bool) -> None:
    """Show a site found by name, alias, p-code or id.

    \b
    Example:
      dispstats site show rukban
    """
    s = state_of(ctx).store().find_site(site_ref)
    if as_json:
        print_json(site_json(s))
        return
    coordinates = f"{s.latitude}, {s.longitude}" if s.latitude is not None else ""
    admin1 = f"{s.admin1_name or ''} {f'({s.admin1_pcode})' if s.admin1_pcode else ''}"
    admin2 = f"{s.admin2_name or ''} {f'({s.admin2_pcode})' if s.admin2_pcode else ''}"
    print_pairs(
        [
            (k, v)
            for k, v in [
                ("Site", f"{s.name} ({s.id})"),
                ("Kind", vocab.label(s.kind)),
                ("Type", s.location_type or ""),
                ("Other names", "; ".join(s.aliases)),
                ("P-code", s.pcode or ""),
                ("Country", s.country_iso3 or ""),
                ("Admin 1", admin1.strip()),
                ("Admin 2", admin2.strip()),
                ("Coordinates", coordinates),
                ("Inside", s.parent_id or ""),
                ("Sensitivity", s.sensitivity),
            ]
            if v
        ]
    )


@source.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def source_list(ctx: click.Context, as_json: bool) -> None:
    """List sources, newest publication first.

    \b
    Example:
      dispstats source list
    """
    sources = state_of(ctx).store().sources()
    if as_json:
        print_json([source_json(s) for s in sources])
        return
    if not sources:
        click.echo("No sources yet: add one with 'dispstats source add'.")
        return
    print_table(
        ["Id", "Publisher", "Type", "Published", "Rel.", "Title"],
        [
            [
                s.id,
                s.publisher,
                vocab.label(s.publisher_type),
                str(s.published or ""),
                s.reliability,
                s.title or "",
            ]
            for s in sources
        ],
    )


@source.command("show")
@click.argument("source_ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def source_show(ctx: click.Context, source_ref: str, as_json: bool) -> None:
    """Show a source found by id (or by a publisher that has one source).

    \b
    Example:
      dispstats source show ocha-2018-09
    """
    s = state_of(ctx).store().find_source(source_ref)
    if as_json:
        print_json(source_json(s))
        return
    print_pairs(
        [
            (k, v)
            for k, v in [
                ("Source", s.id),
                ("Publisher", f"{s.publisher} ({vocab.label(s.publisher_type)})"),
                ("Title", s.title or ""),
                ("URL", s.url or ""),
                ("Published", str(s.published or "")),
                ("Accessed", str(s.accessed or "")),
                ("Reliability", f"{s.reliability} ({vocab.RELIABILITY[s.reliability]})"),
            ]
            if v
        ]
    )
