"""The store keeps every version, writes all-or-nothing, and answers "latest as of" correctly.

Each test runs on a SQLite file and on PostgreSQL (see conftest.py).
"""

from datetime import date

import pytest
from sqlalchemy import create_engine, text

from dispstats.errors import Conflict, InputError, NotFound, StoreError
from dispstats.model.fields import figure_from_fields
from dispstats.model.parse import Quantity
from dispstats.model.records import Site, Source
from dispstats.store import FigureFilter, Store
from dispstats.store.schema import SCHEMA_REVISION

from .conftest import TODAY


def figure(site="camp-a", value="1,000", when="2018-09-16", source="src-a", **more):
    fields = {
        "site_id": site,
        "indicator": "population",
        "value": value,
        "reference": when,
        "source_id": source,
        **more,
    }
    return figure_from_fields(fields, today=TODAY)


@pytest.fixture
def filled(store: Store) -> Store:
    """Two camps in one zone, three sources of different reliability."""
    store.add_records(
        [
            Site("zone", "The Zone", kind="zone"),
            Site("camp-a", "Camp A", parent_id="zone", aliases=("Kamp A", "مخيم أ")),
            Site("camp-b", "Camp B", parent_id="zone"),
        ],
        [
            Source("src-a", "OCHA", "un", reliability="B", published=date(2018, 9, 16)),
            Source("src-b", "Local network", "local_network", reliability="C"),
            Source("src-c", "Press", "media", reliability="D"),
        ],
    )
    return store


def test_a_figure_is_stored_with_its_source_site_and_who_entered_it(filled):
    stored = filled.add_figure(figure(excerpt="about 1,000 people", value="about 1,000"))
    again = filled.figure(stored.id)
    assert again == stored
    assert again.quantity == Quantity(1000, 1000, "about")
    assert again.value_text == "about 1,000"
    assert again.version == 1 and again.revision == "original"
    assert again.entered_by and again.entered_at.tzinfo is not None


def test_a_new_source_is_stored_in_the_same_transaction_as_its_figure(filled):
    new = Source("src-new", "UNHCR", "un", reliability="B")
    stored = filled.add_figure(figure(source="src-new"), new_source=new)
    assert filled.source("src-new") == new
    assert filled.figure(stored.id).source_id == "src-new"


def test_a_failed_write_stores_nothing(filled):
    before = filled.counts()
    with pytest.raises(NotFound, match="no site with id 'nowhere'"):
        filled.add_records(
            new_sources=[Source("src-x", "X")], new_figures=[figure(), figure(site="nowhere")]
        )
    assert filled.counts() == before
    with pytest.raises(NotFound):
        filled.source("src-x")


def test_ids_that_are_taken_are_refused_clearly(filled):
    with pytest.raises(Conflict, match="site with id 'camp-a' exists already"):
        filled.add_site(Site("camp-a", "Another"))
    with pytest.raises(Conflict, match="source with id 'src-a' exists already"):
        filled.add_source(Source("src-a", "Someone"))


def test_sites_can_be_given_children_before_parents_in_one_batch(store):
    store.add_records(
        [Site("child", "Child", parent_id="parent"), Site("parent", "Parent", kind="zone")]
    )
    assert store.site("child").parent_id == "parent"


def test_a_loop_of_parent_sites_is_refused(store):
    with pytest.raises(InputError, match="loop"):
        store.add_records([Site("a", "A", parent_id="b"), Site("b", "B", parent_id="a")])
    assert store.sites() == []


def test_a_site_is_found_by_alias_ignoring_case_and_accents_with_suggestions(filled):
    assert filled.find_site("kamp a").id == "camp-a"
    assert filled.find_site("مخيم أ").id == "camp-a"
    assert filled.find_site("CAMP-B").id == "camp-b"
    with pytest.raises(NotFound) as missing:
        filled.find_site("Camp AA")
    assert missing.value.suggestions[0] == "Camp A"


def test_a_source_is_found_by_id_or_by_a_publisher_with_one_source(filled):
    assert filled.find_source("ocha").id == "src-a"
    with pytest.raises(NotFound) as missing:
        filled.find_source("src-aa")
    assert "src-a" in missing.value.suggestions


def test_a_correction_is_a_new_version_and_the_original_stays(filled):
    original = filled.add_figure(figure(value="1,000"))
    corrected = filled.correct(
        original.id,
        "typo in the report",
        quantity=Quantity(1100, 1100, "exact"),
        value_text="1,100",
    )
    assert (corrected.id, corrected.version, corrected.revision) == (original.id, 2, "correction")
    assert filled.figure(original.id).quantity.low == 1100
    history = filled.history(original.id)
    assert [(v.version, v.revision, v.quantity.low) for v in history] == [
        (1, "original", 1000),
        (2, "correction", 1100),
    ]
    assert history[1].reason == "typo in the report"
    assert filled.counts()["figures"] == 1 and filled.counts()["versions"] == 2


def test_a_retracted_figure_is_withdrawn_but_kept(filled):
    kept = filled.add_figure(figure(when="2018-09-01"))
    withdrawn = filled.add_figure(figure(when="2018-09-10", value="5,000"))
    filled.retract(withdrawn.id, "duplicate of another report")
    assert [f.id for f in filled.figures()] == [kept.id]
    assert {f.id for f in filled.figures(FigureFilter(include_retracted=True))} == {
        kept.id,
        withdrawn.id,
    }
    assert [f.id for f in filled.latest_as_of(date(2018, 9, 30))] == [kept.id]
    assert filled.history(withdrawn.id)[-1].revision == "retraction"
    with pytest.raises(Conflict, match="retracted"):
        filled.correct(withdrawn.id, "too late", value_text="1")


def test_corrections_and_retractions_need_a_reason(filled):
    stored = filled.add_figure(figure())
    with pytest.raises(InputError, match="needs a reason"):
        filled.retract(stored.id, "")
    assert len(filled.history(stored.id)) == 1


def test_a_stale_version_is_refused_when_the_figure_changed_since_it_was_read(filled):
    stored = filled.add_figure(figure())
    filled.correct(
        stored.id, "first analyst", expected_version=1, quantity=Quantity(1200, 1200, "exact")
    )
    with pytest.raises(Conflict, match="changed since you read it"):
        filled.correct(
            stored.id, "second analyst", expected_version=1, quantity=Quantity(1300, 1300, "exact")
        )
    assert [v.reason for v in filled.history(stored.id)] == [None, "first analyst"]


def test_latest_as_of_takes_the_newest_reference_date_on_or_before_the_date(filled):
    old = filled.add_figure(figure(when="2018-08-01", value="900"))
    new = filled.add_figure(figure(when="2018-09-16", value="1,000"))
    filled.add_figure(figure(when="2018-10-01", value="1,100"))  # after the as-of date
    other_site = filled.add_figure(figure(site="camp-b", when="2018-07-01", value="50"))
    latest = filled.latest_as_of(date(2018, 9, 16))
    assert [f.id for f in latest] == [new.id, other_site.id]
    assert [f.id for f in filled.latest_as_of(date(2018, 8, 31))] == [old.id, other_site.id]
    assert filled.latest_as_of(date(2018, 1, 1)) == []


def test_latest_as_of_keeps_every_figure_sharing_the_newest_date(filled):
    a = filled.add_figure(figure(when="2018-09-16", value="1,000", source="src-a"))
    b = filled.add_figure(figure(when="2018-09-16", value="900-1,200", source="src-b"))
    assert [f.id for f in filled.latest_as_of(date(2018, 9, 20), "population")] == [a.id, b.id]


def test_a_month_figure_counts_from_the_first_of_its_month(filled):
    month = filled.add_figure(figure(when="2018-09", value="1,000"))
    assert [f.id for f in filled.latest_as_of(date(2018, 9, 1))] == [month.id]
    assert filled.latest_as_of(date(2018, 8, 31)) == []


def test_latest_as_of_uses_the_corrected_version(filled):
    stored = filled.add_figure(figure(when="2018-09-16", value="1,000"))
    filled.correct(stored.id, "date was wrong", ref=figure(when="2018-10-02").ref)
    assert filled.latest_as_of(date(2018, 9, 30)) == []
    assert filled.latest_as_of(date(2018, 10, 2))[0].version == 2


def test_a_site_with_no_figures_has_no_latest_figure(filled):
    filled.add_figure(figure(site="camp-a"))
    assert filled.latest_as_of(date(2018, 12, 31), site_ids=["camp-b"]) == []


def test_list_filters_by_site_indicator_source_and_overlapping_dates(filled):
    a = filled.add_figure(figure(when="2018-09", source="src-a"))
    filled.add_figure(figure(site="camp-b", when="2018-07-01", source="src-b"))
    assert [f.id for f in filled.figures(FigureFilter(site_ids=["camp-a"]))] == [a.id]
    assert [f.id for f in filled.figures(FigureFilter(source_id="src-a"))] == [a.id]
    assert [f.id for f in filled.figures(FigureFilter(date_from=date(2018, 9, 30)))] == [a.id]
    assert filled.figures(FigureFilter(indicator="arrivals")) == []


def test_opening_a_missing_file_says_how_to_create_it_and_creates_nothing(tmp_path):
    path = tmp_path / "nothing.db"
    with pytest.raises(StoreError, match="dispstats init"):
        Store.open(str(path))
    assert not path.exists()


def test_opening_a_database_that_is_not_a_store_is_refused(tmp_path):
    path = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    with pytest.raises(StoreError, match="not a dispstats store"):
        Store.open(str(path))


def test_init_twice_keeps_the_data(db_url):
    first, before = Store.init(db_url)
    with first:
        assert before is None
        first.add_site(Site("camp-a", "Camp A"))
    second, before = Store.init(db_url)
    with second:
        assert before == SCHEMA_REVISION
        assert [s.id for s in second.sites()] == ["camp-a"]


def test_the_migrations_build_exactly_the_schema_the_code_uses(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dispstats.store.schema import metadata

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_sqlite_stores_use_wal_and_foreign_keys(tmp_path):
    store, _ = Store.init(str(tmp_path / "w.db"))
    with store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_latest_figure_of_a_series_is_an_index_seek_on_sqlite(tmp_path):
    store, _ = Store.init(str(tmp_path / "plan.db"))
    with store, store.engine.connect() as connection:
        plan = " ".join(
            row[-1]
            for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT max(ref_start) FROM figure_versions "
                "WHERE site_id = 'a' AND indicator = 'population' AND unit = 'people' "
                "AND population_group IS 'idps' AND ref_start <= '2018-09-16'"
            )
        )
    assert (
        "ix_figure_versions_series_ref (site_id=? AND indicator=? AND unit=? AND "
        "population_group=? AND ref_start<?)"
    ) in plan


def test_public_outputs_drop_figures_touching_any_restricted_site():
    from dispstats.model.records import public_only

    sites = [Site("a", "A"), Site("b", "B"), Site("hidden", "Hidden", sensitivity="restricted")]
    shown = figure(site="a")
    to_hidden = figure(site="a").revised(indicator="departures", destination_site_id="hidden")
    restricted = figure(site="b").revised(sensitivity="restricted")
    at_hidden = figure(site="hidden")
    kept_sites, kept = public_only(sites, [shown, to_hidden, restricted, at_hidden])
    assert [s.id for s in kept_sites] == ["a", "b"]
    assert kept == [shown]


def test_a_store_of_schema_0001_is_upgraded_by_init_and_keeps_its_figures(db_url):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from dispstats.store.engine import make_engine, resolve_url
    from dispstats.store.migrate import MIGRATIONS

    engine = make_engine(resolve_url(db_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        now = "2018-09-17 00:00:00"
        connection.execute(
            text(
                "INSERT INTO sites (id, name, kind, sensitivity, entered_by, entered_at) "
                "VALUES ('rukban', 'Rukban', 'camp', 'public', 'old', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO sources (id, publisher, publisher_type, reliability, entered_by, "
                "entered_at) VALUES ('ocha', 'OCHA', 'un', 'B', 'old', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text("INSERT INTO figures (id, entered_by, entered_at) VALUES (1, 'old', :now)"),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO figure_versions (figure_id, version, revision, site_id, indicator, "
                "unit, low, high, quantifier, ref_start, ref_end, ref_precision, source_id, "
                "excerpt, confidence, role, sensitivity, entered_by, entered_at) VALUES (1, 1, "
                "'original', 'rukban', 'population', 'people', 45000, 45000, 'about', "
                "'2018-09-16', '2018-09-16', 'day', 'ocha', 'about 45,000', 'medium', "
                "'automatic', 'public', 'old', :now)"
            ),
            {"now": now},
        )
    engine.dispose()
    with pytest.raises(StoreError, match="dispstats init"):
        Store.open(db_url)
    store, before = Store.init(db_url)
    with store:
        assert before == "0001"
        (figure,) = store.figures()
        assert (figure.low, figure.excerpt, figure.excerpt_sensitivity) == (
            45000,
            "about 45,000",
            "public",
        )


def test_reading_figures_in_batches_gives_what_reading_them_at_once_gives(demo_store):
    for where in (
        None,
        FigureFilter(site_ids=["rukban"]),
        FigureFilter(indicator="population", date_to=date(2018, 9, 10)),
        FigureFilter(include_retracted=True),
    ):
        assert list(demo_store.iter_figures(where)) == demo_store.figures(where)
    assert len(demo_store.figures()) > 1
