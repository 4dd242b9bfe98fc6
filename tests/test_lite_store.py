"""The SQLite entry path (store.lite, the standard library's sqlite3) reads and writes exactly
what the SQLAlchemy store does: the same records from the same rows, the same rows from the
same figures, the same refusals."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from dispstats.errors import Conflict, NotFound, StoreError
from dispstats.model.records import Source
from dispstats.store import FigureFilter, Store
from dispstats.store.data_entry import add_figure
from dispstats.store.lite import LiteStore
from dispstats.store.public import PublicView

from .conftest import TODAY, add_restricted

FILTERS = [
    FigureFilter(),
    FigureFilter(site_ids=["rukban"]),
    FigureFilter(indicator="population", date_to=date(2018, 1, 31)),
    FigureFilter(source_id="ocha-2018-09", date_from=date(2018, 9, 1)),
    FigureFilter(include_retracted=True),
    FigureFilter(site_ids=["rukban", "secret"], date_from=date(2017, 6, 15)),
]


@pytest.fixture
def both(sqlite_db):
    store = Store.open(str(sqlite_db))
    add_restricted(store)
    store.correct(4, "checked", confidence="high")
    store.retract(2, "duplicate")
    lite = LiteStore.open(str(sqlite_db))
    yield store, lite
    lite.close()
    store.close()


def test_every_read_answers_as_the_sqlalchemy_store_does(both):
    store, lite = both
    assert lite.sites() == store.sites()
    assert lite.sources() == store.sources()
    assert lite.source("unhcr-2016-10") == store.source("unhcr-2016-10")
    for where in FILTERS:
        assert lite.figures(where) == store.figures(where), where
    for figure_id in (1, 2, 4, 7, 8, 9):
        for seen, seen_lite in ((store, lite), (PublicView(store), PublicView(lite))):
            try:
                expected = seen.figure(figure_id)
            except NotFound as exc:
                with pytest.raises(NotFound, match=str(exc)):
                    seen_lite.figure(figure_id)
            else:
                assert seen_lite.figure(figure_id) == expected
    assert lite.find_sites(["al-rukban"]) == store.find_sites(["al-rukban"])
    assert list(lite.iter_versions()) == list(store.iter_versions())
    assert list(lite.iter_versions(revised_only=True)) == list(store.iter_versions(True))
    with pytest.raises(NotFound):
        PublicView(lite).find_sites(["Secret Camp Zeta"])


@pytest.mark.parametrize(
    "as_of", [date(2018, 9, 30), date(2018, 9, 16), date(2018, 1, 31), date(2016, 1, 1)]
)
def test_the_brief_reads_answer_as_the_sqlalchemy_store_does(both, as_of):
    # What a brief reads besides figures: the newest figures of every series (from the
    # latest_figures table, or by a seek when they are after the date) and the restricted flag.
    store, lite = both
    for indicator in (None, "population", "departures"):
        for site_ids in ((), ("rukban", "secret"), ("syr-55km-zone",)):
            for scope in ("all", "public"):
                got = lite.latest_as_of(as_of, indicator, site_ids, scope=scope)
                expected = store.latest_as_of(as_of, indicator, site_ids, scope=scope)
                assert got == expected, (indicator, site_ids, scope)
    assert lite.has_restricted() is store.has_restricted() is True


def test_a_store_without_restricted_data_says_so_on_both_paths(sqlite_db):
    with Store.open(str(sqlite_db)) as store, LiteStore.open(str(sqlite_db)) as lite:
        assert lite.has_restricted() is store.has_restricted() is False


def test_a_brief_from_the_entry_path_reads_as_one_from_the_sqlalchemy_store(both, tmp_path):
    from dispstats.reports.brief import render_brief

    from .helpers import pdf_text

    store, lite = both
    for public in (False, True):
        texts = [
            pdf_text(render_brief(s, tmp_path / f"{n}.pdf", date(2018, 9, 17)).path)
            for n, s in (
                ("full", PublicView(store) if public else store),
                ("lite", PublicView(lite) if public else lite),
            )
        ]
        assert texts[0] == texts[1]
        assert ("Secret Camp Zeta" in texts[0]) is not public


def _rows(path, table: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        cursor = connection.execute(f"SELECT * FROM {table} ORDER BY 1")
        names = [d[0] for d in cursor.description]
        keep = [i for i, n in enumerate(names) if n not in ("entered_at", "row_id")]
        return [tuple(r[i] for i in keep) for r in cursor.fetchall()]


def test_a_figure_added_through_either_path_is_stored_in_the_same_rows(tmp_path):
    fields = {
        "site": "Rukban", "indicator": "departures", "value": "between 2,000 and 2,500",
        "date": "2018-09", "destination": "syr-euphrates-shield", "status": "planned",
        "group": "idps", "description": "Qaryatayn tribe", "excerpt": "up to 2,500 people",
        "note": "one source", "parts": ["female=1,200"],
        "publisher": "Hammurabi's Justice", "publisher_type": "party to conflict",
        "published": "2018-09-17", "reliability": "D", "source": "hj-2",
    }  # fmt: skip
    from dispstats.store.demo import load_demo

    paths = {}
    for name in ("full", "lite"):
        path = tmp_path / f"{name}.db"
        with Store.init(str(path))[0] as store:
            load_demo(store)
        opened = Store.open(str(path)) if name == "full" else LiteStore.open(str(path))
        with opened as store:
            stored = add_figure(store, fields, today=TODAY)
            assert store.figure(stored.id).excerpt == "up to 2,500 people"
        paths[name] = path
    for table in ("figures", "figure_versions", "sources", "sites"):
        assert _rows(paths["lite"], table) == _rows(paths["full"], table), table
    # The SQLAlchemy store reads back what the entry path wrote, entry time included.
    with Store.open(str(paths["lite"])) as store, LiteStore.open(str(paths["lite"])) as lite:
        assert store.figures() == lite.figures()


def test_refusals_are_the_same(both):
    store, lite = both
    figure = store.figure(4)
    for target in (store, lite):
        with pytest.raises(NotFound, match="no site with id 'nowhere'"):
            target.add_figure(figure.revised(id=None, site_id="nowhere"))
        with pytest.raises(Conflict, match="a source with id 'ocha-2018-09' exists already"):
            target.add_figure(
                figure.revised(id=None), new_source=Source("ocha-2018-09", "OCHA", "un")
            )
    assert len(lite.figures()) == len(store.figures())  # nothing written by either


def test_only_a_plain_sqlite_file_takes_the_entry_path(tmp_path):
    assert LiteStore.open("postgresql+psycopg://u@h/db") is None
    assert LiteStore.open(f"sqlite:///{tmp_path}/x.db?mode=ro") is None
    with pytest.raises(StoreError, match="no dispstats store at"):
        LiteStore.open(str(tmp_path / "missing.db"))
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(StoreError, match="is not a dispstats store"):
        LiteStore.open(str(empty))
