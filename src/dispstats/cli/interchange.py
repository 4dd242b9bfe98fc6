"""`dispstats import`: figures from HXL-tagged CSV or XLSX files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dispstats.cli.app import UserError, cli, state_of
from dispstats.cli.options import NEW_SOURCE_KEYS, new_source_options
from dispstats.cli.render import count_words, print_json, similar_publisher_lines

SHOWN_ERRORS = 20


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--source",
    help="Source of every row without a #meta+source or #org+name cell (source id, or a "
    "publisher with one source). With --publisher: the id for the new source.",
)
@new_source_options
@click.option(
    "--date",
    "reference",
    help="Reference date of every row, for files with no date column: 2024-03-31, a month "
    "2024-03, an ISO week 2024-W13, or a period A..B.",
)
@click.option("--dry-run", is_flag=True, help="Check everything and report; write nothing.")
@click.option(
    "--on-error",
    type=click.Choice(["stop", "skip"]),
    default="stop",
    show_default=True,
    help="stop: write nothing when any row is bad. skip: write the good rows and put the bad "
    "ones, with the reasons, in a reject file.",
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="For files without hashtags: a CSV with columns header,hashtag naming the hashtag of "
    "each column header (e.g. 'Camp name,#loc+name').",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="COLUMN=HASHTAG",
    help="Tag a column for this import without editing the file: COLUMN is its header (or "
    'the hashtag the file gives it), e.g. --tag "P-code localité=#loc+code". Repeat it; '
    "'COLUMN=' untags a column. Two --tag options swap two tags the file has swapped. In a "
    "file with no hashtag row, the --tag options name every column to read.",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    metavar="NAME=ISO3",
    help='Read a country name of the file as this ISO3 code, e.g. --country "Burma=MMR" '
    "(a name neither ISO 3166-1 nor HDX's names know exactly; the refusal suggests the code).",
)
@click.option(
    "--sum-rows",
    is_flag=True,
    help="Rows of one source, place and date that differ only in columns dispstats does not "
    "read (villages listed under their commune) are parts of that place: its figure is their "
    "sum, and its value text lists the rows. Without it such rows are refused.",
)
@click.option(
    "--allow-after-publication",
    is_flag=True,
    help="Take population figures dated after their source was published (projections); "
    "without it they are refused as mistyped dates.",
)
@click.option(
    "--create-sites",
    is_flag=True,
    help="Create sites the store does not know (from the row's #loc+ and #adm columns). "
    "Without it, unknown sites are listed and their rows refused.",
)
@click.option(
    "--sheet",
    help="XLSX: the sheet to read (default: the first sheet with a hashtag row; the summary "
    "says which was read).",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --on-error skip: where to write the rejected rows (default: "
    "<name of FILE>.rejected-<time>.csv in the current folder, never beside FILE; --dry-run "
    "writes none).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(1),
    default=5_000_000,
    show_default=True,
    help="Refuse files with more data rows.",
)
@click.option(
    "--max-mb",
    type=click.IntRange(1),
    default=512,
    show_default=True,
    help="Refuse files larger than this many megabytes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def import_command(ctx, file, *, max_rows, max_mb, as_json, reference, **given):
    """Import figures from an HXL-tagged CSV or XLSX file, checking every row first.

    Columns are recognised by their HXL hashtags (attributes in any order, any case): one
    figure per row (#loc+code, #indicator+code, #indicator+text, #date+reported,
    #meta+source, ... as 'dispstats export hxl' writes them), or one per count cell of
    columns such as #affected+idps+ind (people), #affected+idps+hh (households) and
    #affected+returnees+ind, as in IOM DTM, IDMC and HDX HAPI files. Each row is filed at
    the most specific place it names: its site (#loc), else its admin 3, 2 or 1 area, else
    its country (or the level its #adm+level cell says). Rows above the hashtag row are
    skipped; the README lists what each hashtag becomes and what is left out.

    Nothing is written unless every row passes (or --on-error skip); the import is one
    transaction. Figures already in the store, or repeated in the file, are counted as
    duplicates and not added again. Exit code 1 when rows were refused and nothing written.

    \b
    Examples:
      dispstats import dtm-round-12.xlsx --source iom-dtm-r12 --dry-run
      dispstats import dtm-round-12.xlsx --source iom-dtm-r12 --create-sites
      dispstats import idmc.csv --create-sites --publisher IDMC --publisher-type ngo \\
          --title "IDMC country displacement data" --published 2024-05-14 --reliability B
      dispstats import site-list.csv --date 2024-03 --source iom-dtm-r12 --create-sites
      dispstats import partner.csv --mapping partner-columns.csv --on-error skip
      dispstats import reports/figures.csv --create-sites --json
    """
    from dispstats.model.table_tags import parse_given_tag
    from dispstats.model.tables import Limits
    from dispstats.store.importer import ImportOptions, import_file

    new_source = {key: given.pop(key) for key in NEW_SOURCE_KEYS}
    given["tags"] = tuple(parse_given_tag(text) for text in given["tags"])
    given["countries"] = tuple(_country_option(text) for text in given["countries"])
    options = ImportOptions(
        **given,
        reference=reference,
        new_source=new_source if new_source["publisher"] else None,
        limits=Limits(max_bytes=max_mb * 1024**2, max_rows=max_rows),
    )
    if not new_source["publisher"] and any(new_source.values()):
        raise UserError(
            "--title, --url, --published ... describe a new source: give --publisher too"
        )
    store = state_of(ctx).store()
    for line in similar_publisher_lines(store.sources(), new_source["publisher"]):
        click.secho(line, fg="yellow", err=True)
    with _phases(not as_json) as progress:
        report = import_file(store, file, options, progress)
    if as_json:
        print_json(report.as_dict())
    else:
        _print_report(report)
    if report.errors and not report.written and options.on_error == "stop":
        ctx.exit(1)
    if options.dry_run and report.errors:
        ctx.exit(1)


def _country_option(text: str) -> tuple[str, str]:
    from dispstats.model.countries import parse_country

    name, sep, code = text.rpartition("=")
    if not sep or not name.strip() or not code.strip():
        raise UserError(f"--country '{text}': expected NAME=ISO3, e.g. --country \"Burma=MMR\"")
    return name.strip(), parse_country(code.strip(), "--country")


def _phases(show: bool):
    """On a terminal, a progress bar naming the phase (reading, checking, finding duplicates,
    writing); it counts rows while they are written."""
    import contextlib

    if not show or not sys.stderr.isatty():
        return contextlib.nullcontext(None)

    @contextlib.contextmanager
    def bar():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        columns = (TextColumn("Import: {task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as rich_progress:
            task = rich_progress.add_task("reading", total=None)

            def update(phase: str, done: int | None, total: int | None) -> None:
                rich_progress.update(task, description=phase, completed=done or 0, total=total)

            yield update

    return bar()


def _print_report(report) -> None:
    echo = click.echo
    what = "Checked" if report.dry_run else "Read"
    echo(
        f"{what} {report.file}: {count_words(report.rows_read, 'row')}, "
        f"{count_words(report.figures_read, 'figure')}"
        + (f" ({count_words(report.blank_rows, 'blank row')} skipped)" if report.blank_rows else "")
    )
    for note in report.notes:
        click.secho(f"Note: {note}", fg="yellow", err=True)
    if report.ignored_columns:
        echo(f"Columns left out ({len(report.ignored_columns):,}):")
    for column in report.ignored_columns[:SHOWN_ERRORS]:
        echo(f"  {column}")
    if len(report.ignored_columns) > SHOWN_ERRORS:
        echo(f"  ... and {len(report.ignored_columns) - SHOWN_ERRORS:,} more (--json lists all)")
    if report.errors:
        click.secho(
            f"{count_words(report.rejected_rows, 'row')} refused "
            f"({count_words(len(report.errors), 'problem')}):",
            fg="red",
            err=True,
        )
        for error in report.errors[:SHOWN_ERRORS]:
            click.secho(f"  {error}", err=True)
        if len(report.errors) > SHOWN_ERRORS:
            more = len(report.errors) - SHOWN_ERRORS
            click.secho(f"  ... and {more:,} more (--json lists the first 100)", err=True)
    for advice in report.advice:
        click.secho(f"To import it: {advice}", err=True)
    if report.unknown_sites:
        listed = ", ".join(report.unknown_sites[:15])
        extra = len(report.unknown_sites) - 15
        echo(
            f"Unknown sites ({len(report.unknown_sites)}): {listed}"
            + (f" and {extra} more" if extra > 0 else "")
            + ". Add them, fix the names, or use --create-sites."
        )
    if report.rejects_file:
        echo(f"Rejected rows written to {report.rejects_file}")
    verb = "Would add" if report.dry_run else "Added"
    if report.errors and not report.written and not report.dry_run and not report.rejects_file:
        echo("Nothing was written: fix the rows above, or use --on-error skip.")
        return
    ids = ""
    if report.first_id:
        ids = (
            f" (#{report.first_id})"
            if report.first_id == report.last_id
            else (f" (#{report.first_id}-#{report.last_id})")
        )
    echo(
        f"{verb} {count_words(report.added, 'figure')}{ids}; "
        f"{count_words(report.duplicates, 'duplicate')} not added"
        + (f"; new sites: {', '.join(report.sites_created[:10])}" if report.sites_created else "")
        + (
            f"; new sources: {', '.join(report.sources_created[:10])}"
            if report.sources_created
            else ""
        )
    )
