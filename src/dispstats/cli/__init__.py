"""The command line: thin click commands over the library (parse, call, print).

Command modules are imported when their command runs (see app.LAZY_COMMANDS)."""

import contextlib
import io
import os
import stat
import sys

from dispstats.cli.app import cli, stop_on_sigterm
from dispstats.output import disk_full, no_space


def main() -> None:
    """The `dispstats` program. Once a command has finished (its store closed, its files
    written and closed, its helper processes ended), the process ends without Python's
    tear-down of every object it made: after a brief that walk is a noticeable part of the
    run (bench/brief_bench.py measures both ways) and changes nothing. Under a tracer or
    profiler (coverage, cProfile), which write their results at exit, it ends as usual."""
    _whole_writes_to_a_file()
    stop_on_sigterm()
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
    return monitoring is not None and any(monitoring.get_tool(n) for n in range(6))


def _exit_now(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError as exc:
            if not disk_full(exc):  # the reader left (`dispstats list | head`)
                code = code or 141
                continue
            with contextlib.suppress(OSError, ValueError):
                print(f"Error: {no_space('the standard output')}", file=sys.stderr, flush=True)
            code = 1
        except ValueError:
            code = code or 141
    os._exit(code)


class _WholeWrites(io.RawIOBase):
    """A file descriptor written in full at each write, or an error: Python's buffered
    writer can drop the end of a write to a full disk and say nothing (`dispstats list
    --json > file` exited 0 with 8 of 12 KB written)."""

    def __init__(self, fd: int):
        self.fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data) -> int:
        view, done = memoryview(data), 0
        while done < len(view):
            done += os.write(self.fd, view[done:])
        return done


def _whole_writes_to_a_file() -> None:
    """Standard output redirected to a file is written through `_WholeWrites`, each write at
    once (a terminal or a pipe keeps Python's own writer)."""
    try:
        fd = sys.stdout.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        return
    sys.stdout = io.TextIOWrapper(
        _WholeWrites(fd), encoding=sys.stdout.encoding, errors=sys.stdout.errors,
        write_through=True,
    )  # fmt: skip


__all__ = ["cli", "main"]
