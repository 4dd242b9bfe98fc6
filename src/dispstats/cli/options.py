"""Options shared by several commands, defined once so their meaning cannot drift apart."""

import click

from dispstats.model.vocab import INDICATORS
from dispstats.series.estimate import DEFAULT_STALE_WEEKS, DEFAULT_WINDOW_WEEKS

indicator_option = click.option(
    "--indicator",
    default="population",
    show_default=True,
    help=f"One of: {', '.join(INDICATORS)}.",
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
