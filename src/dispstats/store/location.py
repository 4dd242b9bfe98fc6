"""Where the store is, worked out without any database library (so --help and the SQLite
entry path start fast): a SQLite file by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_PATH = "dispstats.db"
ENV_VAR = "DISPSTATS_DB"
# How long a writer waits for another one to finish before giving up, in milliseconds.
BUSY_TIMEOUT_MS = 30_000


def resolve_url(db: str | None = None) -> str:
    """The SQLAlchemy URL for `db` (a path or a URL), else $DISPSTATS_DB, else ./dispstats.db."""
    db = db or os.environ.get(ENV_VAR) or DEFAULT_PATH
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///path` URL (the default driver, no query options), or
    None: other databases, in-memory SQLite and URLs with options go through SQLAlchemy."""
    if not url.startswith("sqlite:///"):
        return None
    parts = urlsplit(url)
    if parts.query or parts.fragment or parts.netloc:
        return None
    path = unquote(url[len("sqlite:///") :])
    return Path(path) if path and path != ":memory:" else None
