"""The store layer: SQLite by default, PostgreSQL by URL; append-only; Alembic migrations.

What a store answers is contract.py (StoreReader), satisfied by `Store` (SQLAlchemy:
lifecycle.py, reads.py, writes.py), `LiteStore` (lite.py, sqlite3 for the commands that must
start at once) and `PublicView` (public.py: public data only). `Store` is imported on first
use, so modules that need only `FigureFilter` or where the store is (store.location) start
without a database library."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispstats.store.filters import FigureFilter

if TYPE_CHECKING:
    from dispstats.store.store import Store


def __getattr__(name: str):
    if name == "Store":
        from dispstats.store.store import Store

        return Store
    raise AttributeError(f"module 'dispstats.store' has no attribute {name!r}")


__all__ = ["FigureFilter", "Store"]
