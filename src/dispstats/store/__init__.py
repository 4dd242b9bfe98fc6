"""The store layer: SQLite by default, PostgreSQL by URL; append-only; Alembic migrations."""

from dispstats.store.store import FigureFilter, Store

__all__ = ["FigureFilter", "Store"]
