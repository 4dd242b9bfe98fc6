"""Commands that publish: brief, map, brief-template, export."""

from __future__ import annotations

from pathlib import Path

import click

from dispstats.cli.app import cli, state_of
from dispstats.cli.options import (
    digits_option,
    lang_option,
    not_stdout,
    output_option,
    public_option,
)
from dispstats.cli.render import count_words
from dispstats.model.dates import parse_dateref


@cli.command()
@click.option("--week", help="The ISO week to report, e.g. 2018-W38 (default: last week).")
@click.option(
    "--as-of",
    help="Report figures as of this day, in its ISO week (instead of "
    "--week, which reports as of the week's Sunday).",
)
@click.option(
    "--sites",
    "sites",
    multiple=True,
    help="Key sites to show (name or id); repeatable. Default: the largest six.",
)
@click.option(
    "--top",
    type=click.IntRange(1, 50),
    default=6,
    show_default=True,
    help="Without --sites: how many of the largest sites are key sites.",
)
@click.option("--title", help="Title (default: 'Displacement brief, <week>').")
@click.option(
    "--organisation",
    default="dispstats",
    show_default=True,
    help="Producing organisation, shown in the header and PDF metadata.",
)
@lang_option("Language of the brief: its words, numbers, dates and direction.")
@digits_option
@public_option
@click.option(
    "--template-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder with brief.html and/or brief.css overriding the built-in ones.",
)
@output_option("PDF to write (default: reports/brief-<week>.pdf).")
@click.pass_context
def brief(
    ctx, *, week, as_of, sites, top, title, organisation, lang, digits, public, template_dir, output
):
    """Render the weekly PDF brief: key figures with footnotes, what is new, charts,
    movements, disagreements, stale figures, sources and method; the figures used are
    attached as CSV.

    \b
    Examples:
      dispstats brief --week 2018-W38
      dispstats brief --week 2018-W38 --public --organisation "NGO Forum" \\
          -o reports/brief-public.pdf
      dispstats brief --week 2018-W38 --lang ar --digits arab
    """
    from dispstats.errors import InputError
    from dispstats.reports.brief import render_brief
    from dispstats.series.weekly import week_label

    if week and as_of:
        raise InputError("give --week or --as-of, not both", field="week")
    chosen = parse_dateref(week, "week").end if week else None
    cutoff = parse_dateref(as_of, "as-of").end if as_of else None
    if output is None:
        from datetime import date, timedelta

        label = week_label(cutoff or chosen or date.today() - timedelta(days=7))
        suffix = ("-public" if public else "") + ("" if lang == "en" else f"-{lang}")
        output = Path("reports") / f"brief-{label}{suffix}.pdf"
        output.parent.mkdir(exist_ok=True)
    result = render_brief(
        state_of(ctx).reader(public, entry=True),  # SQLite through sqlite3: no SQLAlchemy
        output,
        chosen,
        cutoff,
        sites=list(sites) or None,
        title=title,
        organisation=organisation,
        template_dir=template_dir,
        lang=lang,
        digits=digits,
        top=top,
        draw_where="auto",  # a helper process draws while this one imports WeasyPrint
    )
    click.echo(
        f"Wrote {result.path} ({result.data.week}, "
        f"{count_words(len(result.data.key_figures), 'key site')}, "
        f"{count_words(len(result.data.sources), 'source')})"
    )
    warn_missing_glyphs(result.missing_glyphs)


@cli.command("map")
@click.option("--week", help="The ISO week, e.g. 2018-W38 (default: last week).")
@click.option("--as-of", help="Figures as of this day (instead of --week's Sunday).")
@click.option("--sites", "sites", multiple=True, help="Key sites (name or id); repeatable.")
@click.option("--top", type=click.IntRange(1, 50), default=6, show_default=True,
              help="Without --sites: how many of the largest sites are key sites.")  # fmt: skip
@public_option
@lang_option("Language of the map's labels, legend and place names.")
@digits_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    callback=not_stdout,
    help="The file to write: .png, .svg or .pdf.",
)
@click.pass_context
def map_command(ctx, *, week, as_of, sites, top, public, lang, digits, output):
    """Draw the brief's map alone: key sites as circles sized by their best estimate (hollow
    when stale), movements as arrows (planned dashed), country outlines, a scale bar. Works
    offline; places without coordinates are listed.

    \b
    Example:
      dispstats map --week 2018-W38 -o reports/map-2018-W38.png
    """
    from dispstats.errors import InputError
    from dispstats.reports.brief import render_map

    if week and as_of:
        raise InputError("give --week or --as-of, not both", field="week")
    shown = render_map(
        state_of(ctx).reader(public, entry=True),
        output,
        parse_dateref(week, "week").end if week else None,
        parse_dateref(as_of, "as-of").end if as_of else None,
        sites=list(sites) or None,
        top=top,
        lang=lang,
        digits=digits,
    )
    click.echo(
        f"Wrote {output} ({count_words(len(shown.places), 'place')}, "
        f"{count_words(len(shown.moves), 'movement')})"
    )
    if shown.not_on_map:
        click.echo(f"Not on the map (no coordinates): {', '.join(shown.not_on_map)}")
    warn_missing_glyphs(shown.missing_glyphs)


def warn_missing_glyphs(characters: list[str]) -> None:
    """One line on stderr for the characters of chart and map labels that no chart font has
    (instead of matplotlib's warning per glyph and chart)."""
    if characters:
        listed = ", ".join(f"{c} (U+{ord(c):04X})" for c in characters)
        click.echo(
            f"Warning: the fonts of charts and maps have no glyph for {listed}; labels "
            "holding them show an empty box there.",
            err=True,
        )


@cli.command("brief-template")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def brief_template(folder: Path) -> None:
    """Copy the brief's template (brief.html, brief.css) into FOLDER to change its look;
    then pass the folder to `dispstats brief --template-dir`. Existing files are never
    overwritten.

    \b
    Example:
      dispstats brief-template my-look
      dispstats brief --week 2018-W38 --template-dir my-look
    """
    from dispstats.reports.brief import copy_templates

    copied = copy_templates(folder)
    click.echo(f"Copied {', '.join(p.name for p in copied)} into {folder}: edit them, then "
               f"pass --template-dir {folder} to dispstats brief.")  # fmt: skip


@cli.command("form")
@public_option
@output_option("XLSForm to write (default: reports/dispstats-form-<date>.xlsx).")
@click.pass_context
def form_command(ctx, public, output):
    """XLSForm for field data collection in KoboToolbox or ODK: one submission is one figure
    (site, date, what and who is counted, the number as the source gives it, parts by sex and
    age, origin or destination of a movement) with its source. Labels in English, French and
    Arabic; the store's sites are the choices. Every question carries its HXL tag, so the
    form's export (CSV or XLSX, "include HXL tags") comes back with 'dispstats import'.

    \b
    Examples:
      dispstats form --public -o reports/field-form.xlsx
      dispstats import kobo-export.csv --create-sites
    """
    from dispstats.reports.xlsform import write_form

    sites = state_of(ctx).store().sites()
    if public:
        sites = [s for s in sites if s.sensitivity == "public"]
    output = output or _default_output("dispstats-form", ".xlsx")
    write_form(output, sites)
    click.echo(f"Wrote {output} ({len(sites):,} sites as choices); upload it to KoboToolbox or "
               "ODK Central, and import its exports with 'dispstats import FILE'")  # fmt: skip


@cli.group()
def export() -> None:
    """Export figures for partners: Excel workbook, HXL-tagged CSV, Frictionless data
    package."""


@export.command("xlsx")
@click.option("--sites", "sites", multiple=True, help="Only these sites (name or id); repeatable.")
@click.option("--from", "date_from", help="Only figures whose reference period ends on or after.")
@click.option("--to", "date_to", help="Only figures up to this date; the Summary is as of it.")
@public_option
@lang_option(
    "Language of the sheet names, headers, Readme and charts (ar: sheets right to left). "
    "Values and the HXL row stay as stored."
)
@digits_option
@output_option("Workbook to write (default: reports/dispstats-<date>.xlsx).")
@click.pass_context
def export_xlsx_command(ctx, *, sites, date_from, date_to, public, lang, digits, output):
    """Excel workbook: Readme, Summary, Charts (native), Figures (with HXL row), Weekly
    series, Movements, Sources, History. Text never becomes a formula.

    \b
    Examples:
      dispstats export xlsx
      dispstats export xlsx --to 2018-09-23 --public -o reports/rukban-public.xlsx
      dispstats export xlsx --to 2018-09-23 --lang fr
    """
    from dispstats.reports.excel import export_xlsx

    start = parse_dateref(date_from, "from").start if date_from else None
    end = parse_dateref(date_to, "to").end if date_to else None
    if output is None:
        from datetime import date

        suffix = "" if lang == "en" else f"-{lang}"
        output = Path("reports") / f"dispstats-{(end or date.today()).isoformat()}{suffix}.xlsx"
        output.parent.mkdir(exist_ok=True)
    with _progress("Writing workbook") as progress:
        result = export_xlsx(
            state_of(ctx).reader(public), output, site_refs=list(sites), date_from=start,
            date_to=end, progress=progress, lang=lang, digits=digits,
        )  # fmt: skip
    counts = ", ".join(f"{name} {n:,}" for name, n in result.rows.items())
    click.echo(f"Wrote {result.path} ({counts} rows)")


@export.command("hxl")
@public_option
@click.option(
    "--provenance",
    is_flag=True,
    help="Add this store's bookkeeping: figure id, version, revision, reason, entered by/at.",
)
@output_option("CSV file to write (default: reports/dispstats-figures-<date>.csv).")
@click.pass_context
def export_hxl_command(ctx, public, provenance, output):
    """HXL-tagged CSV of all current figures: a header row, a hashtag row, then one row per
    figure with its site and source, ready for HDX or for 'dispstats import' elsewhere.

    \b
    Examples:
      dispstats export hxl
      dispstats export hxl --public -o reports/figures-public.csv
    """
    from dispstats.reports.hxl import export_hxl_csv

    output = output or _default_output("dispstats-figures", ".csv")
    n = export_hxl_csv(state_of(ctx).reader(public), output, provenance)
    click.echo(f"Wrote {output} ({n:,} figures)")


@export.command("datapackage")
@public_option
@click.option(
    "--licence",
    default="CC-BY-4.0",
    show_default=True,
    help="SPDX id of the licence the data is shared under (e.g. CC-BY-4.0, CC-BY-SA-4.0, "
    "ODbL-1.0).",
)
@click.option(
    "--title", default="Displacement figures", show_default=True, help="Title of the package."
)
@output_option(
    "Folder to write (default: reports/dispstats-datapackage-<date>); must be new or empty.",
    folder=True,
)
@click.pass_context
def export_datapackage_command(ctx, public, licence, title, output):
    """Frictionless data package: datapackage.json (schema of every column with its HXL
    hashtag, the sources, the licence) with figures.csv, sites.csv and sources.csv.

    \b
    Examples:
      dispstats export datapackage --public
      dispstats export datapackage --licence CC-BY-SA-4.0 -o reports/rukban-package
    """
    from dispstats.reports.datapackage import export_datapackage

    output = output or _default_output("dispstats-datapackage", "")
    result = export_datapackage(state_of(ctx).reader(public), output, licence, title)
    click.echo(
        f"Wrote {result.folder} ({result.figures:,} figures, {result.sites:,} sites, "
        f"{result.sources:,} sources)"
    )


def _default_output(stem: str, suffix: str) -> Path:
    from datetime import date

    folder = Path("reports")
    folder.mkdir(exist_ok=True)
    return folder / f"{stem}-{date.today().isoformat()}{suffix}"


def _progress(label: str):
    """A rich progress bar on a terminal; a no-op elsewhere. Yields a (done, total) callback."""
    import contextlib
    import sys

    if not sys.stdout.isatty():
        return contextlib.nullcontext(None)

    @contextlib.contextmanager
    def bar():
        from rich.progress import Progress

        with Progress(transient=True) as rich_progress:
            task = rich_progress.add_task(label, total=None)

            def update(done: int, total: int) -> None:
                rich_progress.update(task, completed=done, total=total or None)

            yield update

    return bar()
