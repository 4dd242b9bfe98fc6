"""The command line: thin click commands over the library (parse, call, print)."""

from dispstats.cli import entry, estimates, reports, views  # noqa: F401 - registers the commands
from dispstats.cli.app import cli


def main() -> None:
    cli(prog_name="dispstats")


__all__ = ["cli", "main"]
