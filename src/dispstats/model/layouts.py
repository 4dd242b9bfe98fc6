"""Published layouts of files without a hashtag row (HDX HAPI, UNHCR, IDMC downloads), known
by their header names and read through a built-in mapping: the same header,hashtag CSV that
--mapping takes, kept in layouts/ where anyone can read (or copy and edit) it.

A file is read as a layout when its header row holds nearly all of the layout's headers: a
layout's column list changes little between releases, and a file of other headers is refused
with the closest layout named, never read as one.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).with_name("layouts")
# Share of a layout's headers a header row must hold to be read as that layout; below it but
# above CLOSE, the layout is named as the closest one.
MATCH = 0.8
CLOSE = 0.3


@dataclass(frozen=True)
class Layout:
    name: str
    path: Path
    publisher: str
    mapping: dict[str, str]  # header -> hashtag, as the layout's file says


@cache
def layouts() -> tuple[Layout, ...]:
    """The built-in layouts, read once per process."""
    from dispstats.model.tables import read_mapping

    with (FOLDER / "index.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            Layout(
                row["layout"],
                FOLDER / row["file"],
                row["publisher"],
                read_mapping(FOLDER / row["file"]),
            )
            for row in csv.DictReader(handle)
        )


def _key(text: object) -> str:
    return " ".join(str(text).replace("\ufeff", "").split()).casefold()


def _share(layout: Layout, row: Sequence[object]) -> float:
    present = {_key(c) for c in row if c is not None and str(c).strip()}
    wanted = {_key(h) for h in layout.mapping}
    return len(wanted & present) / len(wanted) if wanted else 0.0


def recognise(rows: Sequence[Sequence[object]]) -> tuple[Layout | None, Layout | None]:
    """(the layout the first rows' header row is, the closest layout when none is)."""
    best: tuple[float, Layout | None] = (0.0, None)
    for row in rows:
        if not any(c is not None and str(c).strip() for c in row):
            continue
        for layout in layouts():
            share = _share(layout, row)
            if share > best[0]:
                best = (share, layout)
    share, closest = best
    if share >= MATCH:
        return closest, None
    return None, closest if share >= CLOSE else None
