"""How the process runs, below every layer: Python's cyclic garbage collector paused while
large lists of records are made or worked through.

Figures, sites and estimates hold no reference cycles, yet with the collector on it walks the
growing heap again and again while they are made: about 40% of reading 936,000 figures, and a
tenth of a brief (bench/series_bench.py and bench/brief_bench.py measure it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic collector paused for the block (also as a decorator); it runs again,
    as before, when the block ends, and stays paused when the caller had paused it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def many_records():
    """Around building a large list of records, or working through one (see the module's
    docstring)."""
    return collector_paused()
