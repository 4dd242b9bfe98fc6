"""Shared fixtures: real stores on real databases.

`store` runs each test on a SQLite file in tmp_path and, when a server is reachable, on
PostgreSQL (DISPSTATS_TEST_PG_URL). Locally without a server the PostgreSQL runs are skipped
with how to start one; under CI (CI=true) a missing server is an error, never a skip.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispstats.cli import cli
from dispstats.store import Store
from dispstats.store.demo import load_demo

PG_URL = os.environ.get(
    "DISPSTATS_TEST_PG_URL",
    "postgresql+psycopg://dispstats:dispstats@127.0.0.1:5432/dispstats_test",
)
PG_HELP = (
    "PostgreSQL not reachable at DISPSTATS_TEST_PG_URL; start one with "
    "'pg_ctlcluster 15 main start' and create the role and database as in .ci/run"
)
# A date after every fixture's data, so "the future" stays fixed whatever today is.
TODAY = date(2024, 1, 1)


def _pg_available() -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return str(exc).splitlines()[0]


_PG_PROBLEM: list[str | None] = []


def require_tool(command: str, package: str) -> str:
    """The path of a system tool a test checks outputs with. Skipped locally when it is
    missing, with the Debian package to install; under CI (which installs it) a failure."""
    import shutil

    path = shutil.which(command)
    if path is None:
        message = f"{command} not installed (Debian package {package}; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def pg_url_or_skip() -> str:
    """A URL to an empty PostgreSQL schema; skips (or fails under CI) when no server is there."""
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_pg_available())
    if _PG_PROBLEM[0] is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_HELP}: {_PG_PROBLEM[0]}")
        pytest.skip(f"{PG_HELP}: {_PG_PROBLEM[0]}")
    from sqlalchemy import create_engine, text

    # A schema of this test run's own, so two runs on one server never touch each other's
    # tables (the URL's search_path puts every table, Alembic's too, in it).
    schema = f"dispstats_test_{os.getpid()}"
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    _PG_SCHEMAS.add(schema)
    return f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"


_PG_SCHEMAS: set[str] = set()


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas():
    yield
    if not _PG_SCHEMAS:
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        for schema in _PG_SCHEMAS:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    """Where a fresh store goes: a SQLite file path, or an emptied PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return pg_url_or_skip()


@pytest.fixture
def store(db_url: str):
    store, _ = Store.init(db_url)
    yield store
    store.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    load_demo(store)
    return store


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    """An initialised SQLite store file with the demo data."""
    path = tmp_path / "demo.db"
    with Store.init(str(path))[0] as store:
        load_demo(store)
    return path


@pytest.fixture
def demo_sqlite(sqlite_db: Path):
    """The demo store on SQLite, open (for tests of outputs, which read one backend)."""
    store = Store.open(str(sqlite_db))
    yield store
    store.close()


# What the restricted test data holds: none of it may appear in a public output.
RESTRICTED_MARKS = (
    "informant counted",
    "eastern sector",
    "Secret Camp Zeta",
    "98765",
    "98,765",
    "43210",
    "43,210",
    "whispered",
    "Insider Network",
    "33.123",
)


def add_restricted(store: Store) -> Store:
    """To the demo store: a restricted site (with coordinates) whose only source and excerpt
    are its own, a restricted figure at the public site Rukban, and a public figure there whose
    excerpt is restricted."""
    from dispstats.model.records import Site, Source
    from dispstats.store.data_entry import add_figure

    store.add_site(
        Site(
            "secret",
            "Secret Camp Zeta",
            sensitivity="restricted",
            latitude=33.123,
            longitude=38.456,
        )
    )
    store.add_source(Source("insider", "Insider Network", "local_network"))
    # OCHA's update of the week after ocha-2018-09 (published 17 September) was published.
    store.add_source(Source("ocha-update", "OCHA", "un", reliability="B"))
    add_figure(
        store,
        {
            "site": "secret",
            "indicator": "population",
            "group": "idps",
            "value": "98,765",
            "date": "2018-09-18",
            "source": "insider",
            "excerpt": "whispered count",
        },
        today=TODAY,
    )
    add_figure(
        store,
        {
            "site": "Rukban",
            "indicator": "population",
            "group": "idps",
            "value": "43,210",
            "date": "2018-09-22",
            "source": "ocha-update",
            "sensitivity": "restricted",
        },
        today=TODAY,
    )
    add_figure(  # a public number whose supporting words are confidential
        store,
        {
            "site": "Rukban",
            "indicator": "population",
            "unit": "households",
            "group": "idps",
            "value": "7,700",
            "date": "2018-09-20",
            "source": "ocha-update",
            "excerpt": "informant counted 7,700 tents in the eastern sector",
            "excerpt_sensitivity": "restricted",
        },
        today=TODAY,
    )
    return store


@pytest.fixture
def with_restricted(demo_sqlite):
    """The demo store on SQLite with `add_restricted`'s data."""
    return add_restricted(demo_sqlite)


@pytest.fixture
def restricted_db(db_url: str) -> str:
    """The demo store with `add_restricted`'s data, on SQLite and on PostgreSQL (the --db)."""
    with Store.init(db_url)[0] as store:
        load_demo(store)
        add_restricted(store)
    return db_url


@pytest.fixture
def run(sqlite_db: Path):
    """Run a dispstats command line on the demo SQLite store; returns the click Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, db: Path | str | None = None):
        return runner.invoke(
            cli, ["--db", str(db or sqlite_db), *args], input=input, catch_exceptions=True
        )

    return invoke


def pytest_terminal_summary(terminalreporter):
    """Say how the PostgreSQL half went, so CI's log shows those tests ran (or why not)."""
    counts = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        reports = terminalreporter.stats.get(outcome, [])
        counts[outcome] = sum(1 for r in reports if "postgres" in getattr(r, "keywords", {}))
    if any(counts.values()):
        terminalreporter.write_line(
            "PostgreSQL tests: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        )


def add_dense_history(store: Store, figures: int = 230) -> None:
    """To the demo store: a figure for Rukban every third day from October 2016, so many that
    its chart is drawn as a PNG (brief.SVG_MAX_POINTS)."""
    from datetime import date, timedelta

    from dispstats.model.fields import figure_from_fields

    start = date(2016, 10, 3)
    store.add_records(
        new_figures=[
            figure_from_fields(
                {
                    "site_id": "rukban",
                    "indicator": "population",
                    "population_group": "idps",
                    "value": f"{60_000 - 60 * n:,}",
                    "reference": str(start + timedelta(days=3 * n)),
                    "source_id": "press-2017",
                },
                today=TODAY,
            )
            for n in range(figures)
        ]
    )
