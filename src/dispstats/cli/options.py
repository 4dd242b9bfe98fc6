"""Options shared by several commands, defined once so their meaning cannot drift apart."""

from pathlib import Path

import click

from dispstats.model.vocab import INDICATORS
from dispstats.reports.i18n import DIGITS, LANGUAGES
from dispstats.series.rule import DEFAULT_STALE_WEEKS, DEFAULT_WINDOW_WEEKS

indicator_option = click.option(
    "--indicator",
    default="population",
    show_default=True,
    help=f"One of: {', '.join(INDICATORS)}.",
)

group_view_option = click.option(
    "--group",
    help="Only this population group (idps, refugees, returnees ..., or 'not stated' for "
    "figures whose source named none). Default: each group present, apart.",
)
unit_view_option = click.option(
    "--unit",
    type=click.Choice(["people", "households"]),
    help="Count in this unit. Default: people, or households where a group has nothing "
    "counted in people.",
)


def parse_group_view(text: str | None) -> str | None:
    """--group of a view: a population group key, NOT_STATED, or None for every group."""
    from dispstats.model.fields import parse_group
    from dispstats.model.vocab import normalise_key
    from dispstats.series.rule import NOT_STATED

    if text is None:
        return None
    if normalise_key(text) in (NOT_STATED, "not_given", "none", "unstated"):
        return NOT_STATED
    return parse_group(text)


period_option = click.option(
    "--period",
    help="For new displacements (a flow): the period to add up: 2011, 2011-03, 2011-W12 or "
    "2011-01-01..2011-06-30.",
)

window_weeks_option = click.option(
    "--window-weeks",
    type=click.IntRange(1, 520),
    default=DEFAULT_WINDOW_WEEKS,
    show_default=True,
    help="Other sources' figures this recent are set beside the estimate (its range).",
)
stale_weeks_option = click.option(
    "--stale-weeks",
    type=click.IntRange(1, 520),
    default=DEFAULT_STALE_WEEKS,
    show_default=True,
    help="An estimate whose figure is older than this is flagged stale.",
)
if_version_option = click.option(
    "--if-version",
    "expected_version",
    type=int,
    help="Refuse if the figure is no longer at this version (someone else changed it since "
    "you looked).",
)

public_option = click.option(
    "--public",
    is_flag=True,
    help="Leave out every restricted site, figure and excerpt (for publication).",
)


public_view_option = click.option(
    "--public",
    is_flag=True,
    help="Show only what a public output would: public sites and figures, restricted "
    "excerpts withheld (a restricted name or figure is answered as an unknown one).",
)


def lang_option(what: str, from_env: bool = False):
    """--lang: en, fr or ar; with `from_env`, the default is LC_ALL/LC_MESSAGES/LANG's
    language when it is one of them (terminal output), else English."""
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=_env_lang if from_env else "en",
        show_default="from LANG, else en" if from_env else True,
        help=what,
    )


def _env_lang() -> str:
    import os

    from dispstats.reports.i18n import lang_from_env

    return lang_from_env(dict(os.environ))


digits_option = click.option(
    "--digits",
    type=click.Choice(DIGITS),
    default="latn",
    show_default=True,
    help="Digits of numbers and dates: latn (0-9, as OCHA's Arabic products print them) or "
    "arab (Arabic-Indic).",
)


def output_option(what: str, folder: bool = False):
    """-o/--output: a file (or, with `folder`, a folder) to write; `what` says which."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=folder, file_okay=not folder, path_type=Path),
        callback=not_stdout,
        help=what,
    )


def not_stdout(_ctx, _param, value: Path | None) -> Path | None:
    """'-o -' would write a file named '-': the outputs are files (a PDF, a workbook), never
    the terminal."""
    if value is not None and str(value) == "-":
        raise click.BadParameter("'-' is not a file: give the file's name (e.g. -o reports/x)")
    return value


# A new source described on the command line, as `add` and `import` take it.
NEW_SOURCE_KEYS = (
    "publisher", "publisher_type", "title", "url", "published", "accessed", "reliability"
)  # fmt: skip
_NEW_SOURCE_OPTIONS = (
    click.option(
        "--publisher",
        help="Create a new source by this publisher (described by the options below), stored "
        "with the figures.",
    ),
    click.option(
        "--publisher-type",
        help="New source: un, ngo, government, party to conflict, media, local network.",
    ),
    click.option("--title", help="New source: title of the report, article or dataset."),
    click.option("--url", help="New source: web address."),
    click.option("--published", help="New source: publication date."),
    click.option("--accessed", help="New source: date you read or downloaded it."),
    click.option("--reliability", help="New source: Admiralty grade A-F (F: cannot be judged)."),
)


def new_source_options(func):
    """--publisher, --publisher-type, --title, --url, --published, --accessed, --reliability."""
    for option in reversed(_NEW_SOURCE_OPTIONS):
        func = option(func)
    return func
