"""Files dispstats writes, written whole or not at all: through a temporary file in the same
folder, renamed over the target once complete (a rename within one folder is atomic), so a
full disk or an interrupted write never leaves a corrupt workbook or an empty PDF behind, nor
destroys the file of the same name that was there before.

A write that fails because the disk is full (or a quota, or a file size limit) becomes
`OutputError`, "No space left on device while writing X", which the CLI prints as one line
with exit code 1; libraries report it in their own exception types (XlsxWriter's
FileCreateError), so the exception and what caused it are searched for the OS error.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dispstats.errors import DispstatsError

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class OutputError(DispstatsError):
    """A file or the standard output could not be written (a full disk); nothing was left
    half-written."""


def no_space(what: str) -> OutputError:
    return OutputError(f"No space left on device while writing {what}")


def disk_full(exc: BaseException | None) -> bool:
    """Whether an exception, or one it wraps or was raised from, is a full disk."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in FULL:
            return True
        inner = [a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)]
        exc = exc.__cause__ or exc.__context__ or (inner[0] if inner else None)
    return False


@contextmanager
def written(path: Path | str) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed to `path` when the block ends
    without an error, removed otherwise."""
    import tempfile  # not at startup: most commands write no file

    path = Path(path)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())  # as an ordinary new file (mkstemp: 0600)
        os.replace(temporary, path)
    except BaseException as exc:
        if disk_full(exc):
            _let_go(exc)
            temporary.unlink(missing_ok=True)
            raise no_space(str(path)) from None
        temporary.unlink(missing_ok=True)
        raise


def _let_go(exc: BaseException) -> None:
    """Free what the failed write left open (XlsxWriter's zip file, held by the frames of the
    traceback) now, without the "Exception ignored" trace its close on a full disk prints."""
    import gc
    import sys
    import traceback

    hook = sys.unraisablehook
    sys.unraisablehook = lambda u: None if disk_full(u.exc_value) else hook(u)
    try:
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            if current.__traceback__ is not None:
                traceback.clear_frames(current.__traceback__)
            current = current.__cause__ or current.__context__
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
