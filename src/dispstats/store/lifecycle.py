"""The SQLAlchemy store's ground floor: its engine, read connections, write transactions
(retried when the database reports a transient conflict), who is writing, and the
database's failures turned into one line a user can act on.
"""

from __future__ import annotations

import getpass
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Self, TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from dispstats.errors import Conflict, StoreError
from dispstats.store import latest
from dispstats.store.engine import driver_of


class Database:
    """An engine and the way every read and write of the store goes through it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        # What the last `init` changed in the stored figures while upgrading the schema.
        self.upgrade_notes: list[str] = []

    def close(self) -> None:
        self.engine.dispose()

    def rebuild_latest(self) -> None:
        """Rebuild the latest_figures table (see store/latest.py) from the figures."""

        def work(connection: Connection) -> None:
            with statements(connection) as execute:
                latest.rebuild(execute, postgres=connection.dialect.name == "postgresql")

        self._transaction(work)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one write transaction, retried (bounded) when the database reports a
        transient conflict: a PostgreSQL serialization failure or deadlock, a locked SQLite."""
        with database_errors(self.url):
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    with self.engine.connect() as connection:
                        connection = connection.execution_options(dispstats_write=True)
                        with connection.begin():
                            return work(connection)
                except DBAPIError as exc:
                    if attempt == WRITE_ATTEMPTS or not _is_transient(exc):
                        raise
                    time.sleep(random.uniform(0.02, 0.1) * 2**attempt)
        raise AssertionError("unreachable: the loop returns or raises")

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with database_errors(self.url), self.engine.connect() as connection:
            yield connection

    def current_user(self, connection: Connection) -> str:
        """Who is writing: the database role on PostgreSQL, the OS user on SQLite."""
        if connection.dialect.name == "postgresql":
            return connection.execute(text("SELECT current_user")).scalar_one()
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"


T = TypeVar("T")


# A write that meets a transient conflict is tried this many times in all.
WRITE_ATTEMPTS = 6


_TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


def _is_transient(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn the database's own failures into one line a user can act on."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(f"the store refused the write: {_first_line(exc)}") from None
    except (OperationalError, ProgrammingError) as exc:
        detail = _first_line(exc)
        if "readonly" in detail.lower() or "permission denied" in detail.lower():
            raise StoreError(f"no permission to write to {url}: {detail}") from None
        raise StoreError(f"database error at {url}: {detail}") from None


def _first_line(exc: Exception) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__


@contextmanager
def statements(connection: Connection) -> Iterator[Callable[[str, dict], Any]]:
    """`execute(sql, params)` in the connection's transaction. On SQLite, through the driver:
    an import refreshes thousands of series, three statements each, and SQLAlchemy's work per
    statement was most of that (bench/import_bench.py)."""
    if connection.dialect.name == "postgresql":
        yield lambda sql, params: connection.execute(text(sql), params)
        return
    cursor = driver_of(connection).cursor()
    try:
        yield cursor.execute
    finally:
        cursor.close()


def refresh_latest(connection: Connection, series: list[latest.Series]) -> None:
    with statements(connection) as execute:
        latest.refresh(execute, series, postgres=connection.dialect.name == "postgresql")
