"""Which schema revisions this dispstats knows, checked without a database library."""

from __future__ import annotations

from pathlib import Path

from dispstats.errors import StoreError

# The schema version this code reads and writes; migrations/versions has one file per value.
SCHEMA_REVISION = "0006"
MIGRATIONS = Path(__file__).with_name("migrations")


def is_current(revision: str | None) -> bool:
    return revision == SCHEMA_REVISION


def known_revisions() -> set[str]:
    """The revisions this dispstats has migrations for (their files are named by them)."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def check_not_newer(revision: str | None) -> None:
    """A revision this dispstats does not know was written by a newer one: say so."""
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"this store was written by a newer dispstats (schema {revision}; this one "
            f"knows up to {SCHEMA_REVISION}): upgrade dispstats (pip install -U dispstats) "
            "to use it; nothing was changed"
        )


def check_openable(revision: str | None, where: str) -> None:
    """The messages of a store that is not one, is newer, or needs `dispstats init`."""
    if revision is None:
        raise StoreError(f"{where} is not a dispstats store: run 'dispstats init' to create one")
    check_not_newer(revision)
    if not is_current(revision):
        raise StoreError(
            f"the store's schema is at revision {revision}, this dispstats "
            f"expects {SCHEMA_REVISION}: run 'dispstats init' to upgrade"
        )


def no_store_at(path: Path) -> StoreError:
    return StoreError(
        f"no dispstats store at {path}: create it with 'dispstats init' "
        f"(or point --db / DISPSTATS_DB at an existing one)"
    )
