"""Commands that publish: brief."""

from __future__ import annotations

from pathlib import Path

import click

from dispstats.cli.app import cli, state_of
from dispstats.model.parse import parse_dateref


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
@click.option("--lang", default="en", show_default=True, help="Language of the document.")
@click.option(
    "--public", is_flag=True, help="Leave out every restricted site and figure (for publication)."
)
@click.option(
    "--template-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder with brief.html and/or brief.css overriding the built-in ones.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PDF to write (default: reports/brief-<week>.pdf).",
)
@click.pass_context
def brief(ctx, week, as_of, sites, top, title, organisation, lang, public, template_dir, output):
    """Render the weekly PDF brief: key figures with footnotes, what is new, charts,
    movements, disagreements, stale figures, sources and method; the figures used are
    attached as CSV.

    \b
    Examples:
      dispstats brief --week 2018-W38
      dispstats brief --week 2018-W38 --public --organisation "NGO Forum" \\
          -o reports/brief-public.pdf
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
        output = Path("reports") / f"brief-{label}{'-public' if public else ''}.pdf"
        output.parent.mkdir(exist_ok=True)
    result = render_brief(
        state_of(ctx).store(),
        output,
        chosen,
        cutoff,
        list(sites) or None,
        title,
        organisation,
        public,
        template_dir,
        lang,
        top,
    )
    click.echo(
        f"Wrote {result.path} ({result.data.week}, {len(result.data.key_figures)} key "
        f"sites, {len(result.data.sources)} sources)"
    )
