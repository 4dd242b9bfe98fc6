"""The command line: thin click commands over the library (parse, call, print).

Command modules are imported when their command runs (see app.LAZY_COMMANDS)."""

from dispstats.cli.app import cli


def main() -> None:
    cli(prog_name="dispstats")


__all__ = ["cli", "main"]
