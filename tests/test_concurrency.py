"""Several analysts at once, and a process killed mid-write: nothing lost, nothing half-done.

Each test runs on SQLite and PostgreSQL. The figures (stored / lost / errors) are printed, so
`pytest -s tests/test_concurrency.py` shows them.
"""

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from dispstats.errors import Conflict
from dispstats.model.parse import Quantity
from dispstats.store import Store
from dispstats.store.data_entry import add_figure
from dispstats.store.demo import load_demo

PER_PROCESS = 200


def enter_figures(db: str, analyst: int, start_at: float, path: str) -> tuple[int, int]:
    """One analyst's session: separate `add` transactions, as the CLI makes them (path
    "entry": the CLI's own choice, sqlite3 for a SQLite file; "store": SQLAlchemy always).
    Returns (stored, errors)."""
    from dispstats.store.lite import LiteStore

    stored = errors = 0
    opened = (LiteStore.open(db) if path == "entry" else None) or Store.open(db)
    with opened as store:
        while time.time() < start_at:
            time.sleep(0.001)
        for n in range(PER_PROCESS):
            try:
                add_figure(
                    store,
                    {
                        "site": "Rukban",
                        "indicator": "population",
                        "value": str(10_000 * analyst + n),
                        "date": "2018-09-16",
                        "source": "ocha-2018-09",
                        "excerpt": f"analyst {analyst} #{n}",
                    },
                )
                stored += 1
            except Exception:  # counted: the test requires none
                errors += 1
    return stored, errors


def demo_at(db_url: str) -> int:
    with Store.init(db_url)[0] as store:
        load_demo(store)
        return store.counts()["figures"]


@pytest.mark.parametrize(("processes", "path"), [(2, "store"), (8, "entry")])
def test_analysts_adding_200_figures_each_at_once_lose_nothing(db_url, processes, path):
    before = demo_at(db_url)
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 1.0 + 0.4 * processes  # all start together, after spawning
    with context.Pool(processes) as pool:
        done = pool.starmap(enter_figures, [(db_url, a, start_at, path) for a in range(processes)])
    with Store.open(db_url) as store:
        mine = [f for f in store.figures() if (f.excerpt or "").startswith("analyst")]
        total = store.counts()["figures"]
    values = sorted(f.quantity.low for f in mine)
    expected = sorted(10_000 * a + n for a in range(processes) for n in range(PER_PROCESS))
    errors = sum(e for _, e in done)
    backend = "postgresql" if "://" in db_url else "sqlite"
    print(
        f"\n{backend}: {processes} x {PER_PROCESS} -> stored "
        f"{len(values)}, lost {len(set(expected) - set(values))}, errors {errors}"
    )
    assert errors == 0
    assert values == expected  # none lost, none duplicated
    assert total == before + processes * PER_PROCESS


def correct_at(db: str, value: int, start_at: float) -> str:
    with Store.open(db) as store:
        while time.time() < start_at:
            time.sleep(0.0005)
        try:
            store.correct(
                4,
                f"analyst says {value}",
                expected_version=1,
                quantity=Quantity(value, value, "about"),
            )
            return "stored"
        except Conflict as exc:
            return str(exc)


def test_two_analysts_correcting_one_figure_at_once_one_wins_the_other_is_told(db_url):
    demo_at(db_url)
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 2.0
    with context.Pool(2) as pool:
        outcomes = pool.starmap(
            correct_at, [(db_url, 41_000, start_at), (db_url, 43_000, start_at)]
        )
    assert sorted(o == "stored" for o in outcomes) == [False, True]
    refused = next(o for o in outcomes if o != "stored")
    assert "changed since you read it" in refused
    with Store.open(db_url) as store:
        history = store.history(4)
    assert [v.version for v in history] == [1, 2]  # exactly what happened, nothing more
    assert history[1].reason in ("analyst says 41000", "analyst says 43000")


BIG_WRITE = """
import sys
from dispstats.model.fields import figure_from_fields
from dispstats.store import Store
store = Store.open(sys.argv[1])
figures = [figure_from_fields({"site_id": "rukban", "indicator": "population",
                               "value": str(n), "reference": "2018-09-16",
                               "source_id": "ocha-2018-09"}) for n in range(30_000)]
print("writing", flush=True)
store.add_records(new_figures=figures)
print("done", flush=True)
"""


def test_a_process_killed_mid_import_leaves_all_or_nothing(db_url):
    before = demo_at(db_url)
    child = subprocess.Popen(
        [sys.executable, "-c", BIG_WRITE, db_url], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "writing"
    time.sleep(1.0)  # well inside the 30,000-figure transaction
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.stdout.read() == ""  # it never reached "done"
    with Store.open(db_url) as store, store.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        else:
            orphans = connection.execute(
                text(
                    "SELECT (SELECT count(*) FROM figures f WHERE NOT EXISTS (SELECT 1 FROM "
                    "figure_versions v WHERE v.figure_id = f.id)) + (SELECT count(*) FROM "
                    "figure_versions v WHERE NOT EXISTS (SELECT 1 FROM figures f WHERE "
                    "f.id = v.figure_id))"
                )
            ).scalar()
            assert orphans == 0
        after = store.counts()
    assert after["figures"] == before and after["versions"] == before  # none of it
