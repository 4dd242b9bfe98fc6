"""Commands that write: init, site add, source add, add, correct, retract."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from dispstats.cli import prompts
from dispstats.cli.app import UserError, cli, state_of
from dispstats.cli.options import if_version_option, new_source_options
from dispstats.cli.render import (
    figure_json,
    figure_line,
    print_json,
    similar_publisher_lines,
    site_labels,
)
from dispstats.errors import DuplicateFigure, InputError
from dispstats.model import vocab
from dispstats.store import data_entry

if TYPE_CHECKING:
    from dispstats.store.contract import StoreReader


@cli.command()
@click.option(
    "--demo",
    is_flag=True,
    help="Also load the bundled demo data (the Rukban / "
    "55-km zone example of September 2018). Loading it twice adds nothing.",
)
@click.option(
    "--roles",
    is_flag=True,
    help="PostgreSQL: also create the dispstats_reader and "
    "dispstats_editor roles (editors can add, never update or delete).",
)
@click.pass_context
def init(ctx: click.Context, demo: bool, roles: bool) -> None:
    """Create the store, or upgrade an existing one to this version's schema.

    \b
    Examples:
      dispstats init
      dispstats init --demo
      dispstats --db team.db init
      DISPSTATS_DB=postgresql+psycopg://me@dbhost/displacement dispstats init --roles
    """
    from dispstats.store import Store
    from dispstats.store.demo import load_demo

    store, before = Store.init(state_of(ctx).db)
    with store:
        if before is None:
            click.echo(f"Created a dispstats store at {store.url}")
        else:
            click.echo(f"Store at {store.url} is ready (schema {before} checked)")
        for note in store.upgrade_notes:
            click.echo(f"Upgraded: {note}")
        if demo:
            loaded = load_demo(store)
            if loaded.already_loaded:
                click.echo("The demo data is there already; nothing added.")
            else:
                click.echo(
                    f"Loaded the demo data: {loaded.sites} sites, {loaded.sources} "
                    f"sources, {loaded.figures} figures."
                )
        if roles:
            from dispstats.store.roles import EDITOR, READER, create_roles

            create_roles(store)
            click.echo(
                f"Roles {READER} (read) and {EDITOR} (read and add) are ready. Give "
                f"people access with: GRANT {EDITOR} TO alice;"
            )


def _interactive(flag: bool | None) -> bool:
    return sys.stdin.isatty() if flag is None else flag


FIGURE_OPTIONS = [
    click.option("--site", help="Site name, alias or id (e.g. Rukban)."),
    click.option("--indicator", help=f"One of: {', '.join(vocab.INDICATORS)}."),
    click.option(
        "--value",
        help="The number as the source words it: '45,000', 'about "
        "45,000', '~45k', 'more than 20', '40,000-50,000'.",
    ),
    click.option(
        "--unquantified",
        is_flag=True,
        default=None,
        help="A report with no number ('hundreds of civilians'): keep the words in --excerpt.",
    ),
    click.option(
        "--date",
        help="Reference date: 2018-09-16, '16 Sep 2018', 16/09/2018 "
        "(day first), a month 2018-09, an ISO week 2018-W38, or a period A..B.",
    ),
    click.option("--unit", help="people (default) or households."),
    click.option(
        "--group",
        help="Who is counted: idps, refugees, asylum seekers, returnees, idp returnees, "
        "refugee returnees, host community, others of concern, all affected. Leave it out when "
        "the source does not say.",
    ),
    click.option(
        "--description",
        help="Who the people are in your or the source's words, e.g. 'Qaryatayn tribe'.",
    ),
    click.option(
        "--part",
        "parts",
        multiple=True,
        help="A part of the figure, repeatable: female=23,400; 'age 0-17=24,000'; "
        "'sex female, age 0-4=1,200'; 'cause conflict=500'; 'origin Borno=800'.",
    ),
    click.option("--destination", help="For departures and relocations: where to (site)."),
    click.option("--origin", help="For arrivals and returns: where from (site)."),
    click.option("--status", help="For movements: planned, under way or completed."),
    click.option("--excerpt", help="The source's words that support the number."),
    click.option("--confidence", help="Your confidence: high, medium (default) or low."),
    click.option("--note", help="Why you hold that confidence."),
    click.option("--sensitivity", help="public (default) or restricted."),
    click.option(
        "--excerpt-sensitivity",
        help="public (default) or restricted: a restricted excerpt stays out of public "
        "outputs even when the figure is public.",
    ),
]


def figure_options(func):
    for option in reversed(FIGURE_OPTIONS):
        func = option(func)
    return func


@cli.command()
@figure_options
@click.option(
    "--source",
    help="Id of an existing source (or a publisher with one source). "
    "With --publisher: the id for the new source.",
)
@new_source_options
@click.option("--role", help="automatic (default), recommended or triangulation.")
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for missing fields. Default: ask only when run in a terminal.",
)
@click.option(
    "--allow-duplicate",
    is_flag=True,
    help="Store it even if a figure with the same site, indicator, date, source and value is "
    "on record (the source really reported it twice).",
)
@click.option(
    "--allow-after-publication",
    is_flag=True,
    help="Store a population figure dated after its source was published (a projection); "
    "refused otherwise, as a mistyped date.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stored figure as JSON.")
@click.pass_context
def add(
    ctx: click.Context,
    interactive: bool | None,
    allow_duplicate: bool,
    allow_after_publication: bool,
    as_json: bool,
    **fields,
) -> None:
    """Record one figure exactly as its source reported it.

    Run in a terminal with fields missing, it asks for them (sites and sources by name, with
    suggestions for typos). The figure, and a new source given with --publisher, are stored
    together or not at all.

    \b
    Examples:
      dispstats add --site Rukban --indicator population --value "about 45,000" \\
          --date 2018-09-16 --source ocha-2018-09 \\
          --excerpt "approximately 45,000 displaced people"
      dispstats add --site Rukban --indicator population --value 45,000 --group idps \\
          --part female=23,400 --part male=21,600 --date 2018-09-16 --source ocha-2018-09
      dispstats add --site "55-km zone" --indicator departures --value 3,000 --group idps \\
          --destination "northern Aleppo" --status planned --description "Qaryatayn tribe" \\
          --date 2018-09-17 --publisher "Hammurabi's Justice" \\
          --publisher-type "party to conflict" --published 2018-09-17 --reliability D
    """
    store = state_of(ctx).entry_store()
    for line in similar_publisher_lines(store.sources(), fields.get("publisher")):
        click.secho(line, fg="yellow", err=True)
    asking = _interactive(interactive)
    if asking:
        prompts.prompt_missing(store, fields)
    while True:
        try:
            figure = data_entry.add_figure(
                store,
                fields,
                allow_duplicate=allow_duplicate,
                allow_after_publication=allow_after_publication,
            )
            break
        except DuplicateFigure as exc:
            if not asking:
                raise
            click.echo(f"Already on record: {figure_line(exc.existing, names=_names(store))}")
            if not click.confirm("Store this figure again anyway?", default=False):
                raise UserError("nothing was added: the figure is already on record") from None
            allow_duplicate = True
        except InputError as exc:
            # In a terminal a refusal asks again for the field it names: nothing typed is lost.
            if not (asking and prompts.ask_again(store, fields, exc)):
                raise
    if as_json:
        print_json(figure_json(figure))
    else:
        sources = {figure.source_id: store.source(figure.source_id)}
        click.echo(f"Added {figure_line(figure, sources, _names(store))}")


@cli.command()
@click.argument("figure_id", type=int)
@figure_options
@click.option("--source", help="Another source id.")
@click.option("--role", help="automatic, recommended or triangulation.")
@click.option("--no-parts", is_flag=True, help="Remove the figure's parts (--part replaces them).")
@click.option("--reason", required=True, help="Why the figure is corrected (kept in history).")
@click.option(
    "--keep-excerpt",
    is_flag=True,
    help="With a new --value: the figure's excerpt still supports it (else give --excerpt).",
)
@if_version_option
@click.pass_context
def correct(
    ctx: click.Context,
    figure_id: int,
    reason: str,
    keep_excerpt: bool,
    expected_version: int | None,
    **changes,
) -> None:
    """Correct a figure: a new version with the changed fields; the old one stays in history.

    A new value needs the source's words for it (--excerpt) or --keep-excerpt. Correcting a
    restricted figure to --sensitivity public lists what it carries into public outputs.

    \b
    Examples:
      dispstats correct 4 --value "about 42,000" --excerpt "some 42,000 people" \\
          --reason "OCHA revised its estimate"
      dispstats correct 5 --status completed --date 2018-09-30 --reason "Buses left" \\
          --if-version 1
    """
    store = state_of(ctx).store()
    before = store.figure(figure_id)
    figure = data_entry.correct_figure(
        store, figure_id, reason, changes, expected_version, keep_excerpt=keep_excerpt
    )
    click.echo(
        f"Corrected, now version {figure.version}: {figure_line(figure, names=_names(store))}"
    )
    carried = data_entry.declassified_fields(before, figure)
    if carried is not None:
        click.echo("Now public. Public outputs will show, carried from the restricted version:")
        for key in carried:
            click.echo(f"  {DECLASSIFIED_LABELS[key]}: “{getattr(figure, key)}”")
        if not carried:
            click.echo("  no excerpt, note, group or reported wording")
        if figure.excerpt and figure.excerpt_sensitivity == "restricted":
            click.echo("  The excerpt stays withheld (its own sensitivity is restricted).")
        click.echo(
            "  The reasons of its restricted versions stay internal; this correction's reason "
            "is public."
        )


def _names(store: StoreReader) -> dict[str, str]:
    return site_labels(store.sites())


DECLASSIFIED_LABELS = {
    "excerpt": "Excerpt",
    "confidence_note": "Confidence note",
    "description": "Who they are",
    "value_text": "Value as reported",
}


@cli.command()
@click.argument("figure_id", type=int)
@click.option("--reason", required=True, help="Why the figure is withdrawn (kept in history).")
@if_version_option
@click.pass_context
def retract(ctx: click.Context, figure_id: int, reason: str, expected_version: int | None) -> None:
    """Withdraw a figure. It stays in the store and its history; it never wins an estimate.

    \b
    Example:
      dispstats retract 6 --reason "Duplicate of figure 5, same report"
    """
    if not reason.strip():
        raise UserError("say why the figure is retracted (--reason)")
    figure = state_of(ctx).store().retract(figure_id, reason.strip(), expected_version)
    click.echo(f"Retracted figure {figure.id} (version {figure.version}).")


@cli.group()
def site() -> None:
    """Add, list and show sites (camps, settlements, zones, areas, cities)."""


@site.command("add")
@click.argument("name")
@click.option("--id", "id_", help="Short stable id (default: made from the name).")
@click.option(
    "--kind", default="camp", show_default=True, help=f"One of: {', '.join(vocab.SITE_KINDS)}."
)
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    help="Another name or spelling; repeatable. A name in a language of the outputs takes its "
    "code: --alias ar:الركبان names the site in Arabic briefs (en, fr and ar).",
)
@click.option("--pcode", help="The site's own p-code.")
@click.option("--country", help="Country: ISO3 (SYR), ISO2 (SY) or English name (Syria).")
@click.option("--admin1", help="Admin 1 name (governorate).")
@click.option("--admin1-pcode", help="Admin 1 p-code, e.g. SY04.")
@click.option("--admin2", help="Admin 2 name (district).")
@click.option("--admin2-pcode", help="Admin 2 p-code.")
@click.option("--lat", help="Latitude, decimal degrees.")
@click.option("--lon", help="Longitude, decimal degrees.")
@click.option("--parent", help="The site this one lies in (name or id).")
@click.option("--sensitivity", default="public", show_default=True, help="public or restricted.")
@click.pass_context
def site_add(
    ctx: click.Context, name: str, id_: str | None, aliases: tuple[str, ...], **fields
) -> None:
    """Add a site.

    \b
    Example:
      dispstats site add Rukban --kind camp --country SYR --admin1 Homs \\
          --admin1-pcode SY04 --parent "55-km zone" --alias "Al-Rukban" --alias "ar:الركبان"
    """
    for alias in aliases:
        if ";" in alias:
            raise InputError(
                f"'{alias}' contains ';', which separates names in exports; give "
                f"each alias with its own --alias",
                field="alias",
                value=alias,
            )
    stored = data_entry.add_site(
        state_of(ctx).store(),
        {
            "id": id_,
            "name": name,
            "aliases": ";".join(aliases),
            "kind": fields["kind"],
            "pcode": fields["pcode"],
            "country_iso3": fields["country"],
            "admin1_name": fields["admin1"],
            "admin1_pcode": fields["admin1_pcode"],
            "admin2_name": fields["admin2"],
            "admin2_pcode": fields["admin2_pcode"],
            "latitude": fields["lat"],
            "longitude": fields["lon"],
            "parent_id": fields["parent"],
            "sensitivity": fields["sensitivity"],
        },
    )
    click.echo(f"Added site {stored.name} (id {stored.id}).")


@cli.group()
def source() -> None:
    """Add, list and show sources (who reported figures, where, when, how reliable)."""


@source.command("add")
@click.option("--publisher", required=True, help="Organisation or outlet, e.g. OCHA.")
@click.option("--id", "id_", help="Short stable id (default: publisher and date).")
@click.option(
    "--type",
    "publisher_type",
    default="media",
    show_default=True,
    help=f"One of: {', '.join(vocab.label(t) for t in vocab.PUBLISHER_TYPES)}.",
)
@click.option("--title", help="Title of the report, article or dataset.")
@click.option("--url", help="Web address (http or https).")
@click.option("--published", help="Publication date.")
@click.option("--accessed", help="Date you read it.")
@click.option(
    "--reliability",
    default="F",
    show_default=True,
    help="Admiralty grade: A completely reliable, B usually, C fairly, D not "
    "usually, E unreliable, F cannot be judged.",
)
@click.pass_context
def source_add(ctx: click.Context, id_: str | None, **fields) -> None:
    """Add a source.

    \b
    Example:
      dispstats source add --publisher OCHA --type un --id ocha-2018-09 \\
          --title "Syria: Rukban situation update" --published 2018-09-16 --reliability B
    """
    stored = data_entry.add_source(state_of(ctx).store(), {"id": id_, **fields})
    click.echo(f"Added source {stored.publisher} (id {stored.id}).")


@cli.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.pass_context
def settings(ctx: click.Context, key: str | None, value: str | None) -> None:
    """Show the store's settings, or set one for everyone who uses the store.

    small_cells: parts of a figure (its breakdown by sex, age, cause, origin) below this many
    people are withheld from public outputs (default 5).

    \b
    Examples:
      dispstats settings
      dispstats settings small_cells 10
    """
    from dispstats.store.settings import SETTINGS, check_setting

    store = state_of(ctx).store()
    if key is None:
        for setting in SETTINGS.values():
            stored = store.setting(setting.key)
            shown = stored or f"{setting.default} (default)"
            click.echo(f"{setting.key} = {shown}: {setting.help}")
        return
    if value is None:
        check_setting(key, SETTINGS[key].default if key in SETTINGS else "")
        click.echo(f"{key} = {store.setting(key) or SETTINGS[key].default}")
        return
    store.set_setting(key, check_setting(key, value))
    click.echo(f"Set {key} = {check_setting(key, value)}.")
