"""Where the store lives: a SQLite file by default, any SQLAlchemy URL (PostgreSQL) otherwise."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from dispstats.errors import StoreError
from dispstats.store.location import BUSY_TIMEOUT_MS, DEFAULT_PATH, ENV_VAR, resolve_url

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DEFAULT_PATH",
    "ENV_VAR",
    "make_engine",
    "resolve_url",
    "sqlite_path",
]


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    """An engine with the settings dispstats relies on for each backend."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's begin listener below issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL lets readers go on while one analyst writes; a read-only file keeps its mode.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            with contextlib.suppress(sqlite3.OperationalError):  # read-only media: reads work
                cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A write transaction takes the write lock at once: a deferred one that later upgrades
        # can fail with "database is locked" without waiting for the busy timeout.
        if connection.get_execution_options().get("dispstats_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def driver_of(connection: Connection) -> Any:
    """The DB-API connection (sqlite3's or psycopg's) under a SQLAlchemy connection, for the
    bulk paths that go through the driver."""
    raw = connection.connection.driver_connection
    if raw is None:  # SQLAlchemy says a pooled connection may have lost it
        raise StoreError("the database connection was closed")
    return raw
