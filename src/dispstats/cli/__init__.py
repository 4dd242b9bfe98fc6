"""The command line: thin click commands over the library (parse, call, print).

Command modules are imported when their command runs (see app.LAZY_COMMANDS)."""

import os
import sys

from dispstats.cli.app import cli


def main() -> None:
    """The `dispstats` program. Once a command has finished (its store closed, its files
    written and closed, its helper processes ended), the process ends without Python's
    tear-down of every object it made: after a brief that walk takes 0.2 s and changes
    nothing. Under a tracer or profiler (coverage, cProfile), which write their results at
    exit, it ends as usual."""
    try:
        cli(prog_name="dispstats")
    except SystemExit as done:
        if _watched():
            raise
        code = done.code
    else:
        code = 0
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    _exit_now(code or 0)


def _watched() -> bool:
    if sys.gettrace() or sys.getprofile():
        return True
    monitoring = getattr(sys, "monitoring", None)  # Python >= 3.12 (coverage uses it)
    return bool(monitoring) and any(monitoring.get_tool(n) for n in range(6))


def _exit_now(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader left (`dispstats list | head`)
            code = code or 141
    os._exit(code)


__all__ = ["cli", "main"]
