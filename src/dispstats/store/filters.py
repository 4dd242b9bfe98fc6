"""Which figures a read asks for: shared by the SQLAlchemy store and the SQLite entry path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FigureFilter:
    """Which figures to list; dates select figures whose reference period overlaps them."""

    site_ids: Sequence[str] = ()
    indicator: str | None = None
    source_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    include_retracted: bool = False
