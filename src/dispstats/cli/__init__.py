"""The command line: thin click commands over the library (parse, call, print)."""

from dispstats.cli import (  # noqa: F401 - registers the commands
    entry,
    estimates,
    interchange,
    reports,
    views,
)
from dispstats.cli.app import cli


def main() -> None:
    cli(prog_name="dispstats")


__all__ = ["cli", "main"]
