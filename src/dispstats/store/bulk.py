"""Writing and reading many figure versions at once, for imports.

Rows go through the database driver directly (sqlite3 executemany, PostgreSQL COPY) inside
the caller's SQLAlchemy transaction: a million rows in seconds, still all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import Connection, func, select, text

from dispstats.model.table_checks import iso_dates
from dispstats.model.table_figures import CONTENT_KEYS
from dispstats.store.engine import driver_of
from dispstats.store.schema import figure_versions, figures

# figure_versions columns a bulk insert fills, in order: all but the row id and the reason
# (a new figure has none).
VERSION_COLUMNS = tuple(
    c.name for c in figure_versions.columns if c.name not in ("row_id", "reason")
)
_FROM_FRAME = [
    c
    for c in VERSION_COLUMNS
    if c not in ("figure_id", "version", "revision", "entered_by", "entered_at")
]


def new_figure_ids(connection: Connection, n: int) -> list[int]:
    """Ids for n new figures, taken while this transaction holds the write lock."""
    if n == 0:
        return []
    if connection.dialect.name == "postgresql":
        return list(
            connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('figures', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": n},
            ).scalars()
        )
    # SQLite: BEGIN IMMEDIATE holds the database's write lock, so nobody else takes these.
    start = connection.execute(select(func.coalesce(func.max(figures.c.id), 0))).scalar_one()
    return list(range(start + 1, start + 1 + n))


def insert_figures(
    connection: Connection, frame, who: str, now: datetime, progress=None
) -> list[int]:
    """Insert each line of `frame` as a new figure (version 1, original); returns the ids.

    `progress(done, total)` is called every few thousand rows."""
    n = len(frame)
    ids = new_figure_ids(connection, n)
    if not n:
        return ids
    dialect = connection.dialect
    postgres = dialect.name == "postgresql"
    stamp = now if postgres else _bind(figures.c.entered_at, now, dialect)
    columns = []
    for key in _FROM_FRAME:
        values = frame[key].to_numpy(dtype=object)
        if key in ("ref_start", "ref_end") and not postgres:
            values = iso_dates(values)
        columns.append(values)
    raw = driver_of(connection)
    if postgres:
        figure_rows = ((i, who, stamp) for i in ids)
        version_rows = _counted(
            (
                (i, 1, "original", *cells, who, stamp)
                for i, *cells in zip(ids, *columns, strict=True)
            ),
            n,
            progress,
        )
        with raw.cursor() as cursor:
            _copy(cursor, "figures", ("id", "entered_by", "entered_at"), figure_rows)
            copied = ("figure_id", "version", "revision", *_FROM_FRAME, "entered_by", "entered_at")
            _copy(cursor, "figure_versions", copied, version_rows)
        return ids
    cursor = raw.cursor()
    try:
        rebuild = _sqlite_bulk_start(cursor, n)
        fixed = {"entered_by": who, "entered_at": stamp}
        sql, varying = _insert_sql("figures", ("id",), {}, fixed, n)
        cursor.executemany(sql, zip(ids, *varying, strict=True))
        fixed |= {"version": 1, "revision": "original"}
        frame_columns = dict(zip(_FROM_FRAME, columns, strict=True))
        sql, varying = _insert_sql("figure_versions", ("figure_id",), frame_columns, fixed, n)
        _insert_in_chunks(cursor, sql, [ids, *varying], n, progress)
        _sqlite_bulk_end(cursor, rebuild)
    finally:
        cursor.close()
    return ids


def _insert_sql(
    table: str, keys: tuple[str, ...], columns: dict, fixed: dict, n: int
) -> tuple[str, list]:
    """The INSERT of n rows into `table`, and the columns it binds after the `keys`.

    Values the same in every row (`fixed`, and a frame column holding one text or nothing
    throughout) are written into the statement as literals: binding is most of the cost of
    executemany (about 0.25 us a value), and an import's rows share most of their columns
    (version, revision, entered by and at, role, sensitivity, empty movement fields)."""
    names = VERSION_COLUMNS if table == "figure_versions" else (*keys, *fixed)
    places, varying = [], []
    for name in names:
        if name in keys:
            places.append("?")
            continue
        literal = _literal(fixed[name]) if name in fixed else _shared_literal(columns[name])
        if literal is not None:
            places.append(literal)
        else:
            places.append("?")
            varying.append(columns[name] if name in columns else [fixed[name]] * n)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(places)})",
        varying,
    )


def _shared_literal(values: np.ndarray) -> str | None:
    """The literal of the text (or nothing) every row of an object column holds, else None.
    Only text and None: == tells them apart from every other value exactly (1 == 1.0 does
    not hold for text), so a literal stores what binding would have."""
    first = values[0]
    if (first is not None and type(first) is not str) or len(values) < 2:
        return None
    if not np.asarray(values == first, dtype=bool).all():
        return None
    return _literal(first)


def _literal(value) -> str | None:
    """A SQLite literal for None, an int or a str (quotes doubled: SQLite's only escape), or
    None for anything else, which is bound instead."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


# SQLite page cache for a bulk insert (KiB): index pages stay in memory instead of being
# re-read; the default is 2 MB.
_BULK_CACHE_KIB = 262_144


def _sqlite_bulk_start(cursor, n: int) -> list[str]:
    """Make room for n rows; returns the index definitions to rebuild afterwards.

    When the import at least doubles the table, its secondary indexes are dropped and built
    again after the insert (a sort instead of n random B-tree inserts). Inside the transaction:
    a crash leaves them as they were, and readers keep seeing them.
    """
    cursor.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    existing = cursor.execute("SELECT count(*) FROM figure_versions").fetchone()[0]
    if n < max(existing, 50_000):
        return []
    indexes = cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'figure_versions' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


def _sqlite_bulk_end(cursor, rebuild: list[str]) -> None:
    for sql in rebuild:
        cursor.execute(sql)
    cursor.execute("PRAGMA cache_size = -2000")


def _insert_in_chunks(cursor, sql: str, columns: list, n: int, progress, *, every: int = 20_000):
    """executemany over slices of the columns, saying how far it got after each: a generator
    that counted row by row cost a tenth of the whole write."""
    columns = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns]
    for start in range(0, n, every):
        end = min(start + every, n)
        cursor.executemany(sql, zip(*(c[start:end] for c in columns), strict=True))
        if progress is not None:
            progress(end, n)


def _counted(rows, total: int, progress, every: int = 20_000):
    if progress is None:
        yield from rows
        return
    for done, row in enumerate(rows, start=1):
        yield row
        if done % every == 0 or done == total:
            progress(done, total)


def _copy(cursor, table: str, columns: Sequence[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _bind(column, value, dialect):
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process else value


def stored_contents(connection: Connection, source_ids: Sequence[str]) -> set[tuple]:
    """The content (CONTENT_KEYS) of every version of every figure from these sources, as
    tuples in the canonical form of `model.table_figures.content_keys`: what a new figure is
    compared with to find duplicates. Read through the driver: a million rows in a second or
    two."""
    names = ", ".join(CONTENT_KEYS)
    postgres = connection.dialect.name == "postgresql"
    placeholder = "%s" if postgres else "?"
    ids = sorted(set(source_ids))
    found: set[tuple] = set()
    dates = [i for i, key in enumerate(CONTENT_KEYS) if key in ("ref_start", "ref_end")]
    cursor = driver_of(connection).cursor()
    try:
        for start in range(0, len(ids), 500):  # stay under the bound-parameter limits
            chunk = ids[start : start + 500]
            cursor.execute(
                f"SELECT {names} FROM figure_versions WHERE source_id IN "
                f"({', '.join(placeholder for _ in chunk)})",
                chunk,
            )
            if postgres:  # dates come back as dates; SQLite already gives ISO text
                for row in cursor.fetchall():
                    row = list(row)
                    for i in dates:
                        row[i] = row[i].isoformat()
                    found.add(tuple(row))
            else:
                found.update(cursor.fetchall())
    finally:
        cursor.close()
    return found
