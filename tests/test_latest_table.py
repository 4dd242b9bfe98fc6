"""The latest_figures table always holds what it stands for: for every site and indicator, the
current, not retracted figures with the newest reference date (and the same over public
figures), whatever mix of adds, imports, corrections that move a figure, retractions and
recommendations wrote the store, through either store path. `latest_as_of` built on it gives
what a scan of all figures gives, for any date."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from dispstats.model.dates import DateRef
from dispstats.model.parse import Quantity
from dispstats.model.records import Figure, Site, Source, public_only
from dispstats.series import SeriesKey, latest_estimates
from dispstats.series.rule import estimate_of
from dispstats.store import Store
from dispstats.store.filters import FigureFilter
from dispstats.store.lite import LiteStore
from dispstats.store.public import PublicView
from dispstats.store.rows import version_values

START = date(2024, 1, 1)
SITES = ["a", "b", "c"]
# Kinds of series (indicator, population group, unit): each is a series of its own at a site.
KINDS = [
    ("population", "idps", "people"),
    ("population", "idps", "households"),
    ("population", "refugees", "people"),
    ("population", None, "people"),
    ("new_displacements", "idps", "people"),
]

new_figure = st.tuples(
    st.sampled_from(SITES),
    st.sampled_from(KINDS),
    st.integers(0, 12),  # day
    st.sampled_from(["public", "public", "restricted"]),
)
operation = st.one_of(
    st.tuples(st.just("add"), new_figure),
    st.tuples(st.just("lite-add"), new_figure),
    st.tuples(st.just("import"), st.lists(new_figure, min_size=1, max_size=4)),
    st.tuples(st.just("correct"), st.integers(0, 50), new_figure),
    st.tuples(st.just("retract"), st.integers(0, 50)),
    st.tuples(st.just("recommend"), st.integers(0, 50)),
)


def _figure(site: str, kind: tuple, day: int, sensitivity: str) -> Figure:
    when = START + timedelta(days=day)
    indicator, group, unit = kind
    return Figure(
        site_id=site,
        indicator=indicator,
        population_group=group,
        unit=unit,
        quantity=Quantity(100 + day, 100 + day),
        value_text=str(100 + day),
        ref=DateRef(when, when),
        source_id="ocha",
        sensitivity=sensitivity,
    )


def _apply(store: Store, db: str, operations) -> None:
    ids: list[int] = []
    for kind, *args in operations:
        if kind == "add":
            ids.append(store.add_figure(_figure(*args[0])).id)
        elif kind == "lite-add":
            with LiteStore.open(db) as lite:
                ids.append(lite.add_figure(_figure(*args[0])).id)
        elif kind == "import":
            rows = [version_values(_figure(*spec)) for spec in args[0]]
            ids += store.add_bulk([], [], pd.DataFrame(rows))
        elif ids:
            figure_id = ids[args[0] % len(ids)]
            current = store.figure(figure_id)
            if current.is_retracted:
                continue
            if kind == "correct":
                site, kind, day, sensitivity = args[1]
                moved = _figure(site, kind, day, sensitivity)
                store.correct(
                    figure_id,
                    "re-read",
                    site_id=site,
                    indicator=moved.indicator,
                    population_group=moved.population_group,
                    unit=moved.unit,
                    ref=moved.ref,
                    sensitivity=sensitivity,
                )
            elif kind == "retract":
                store.retract(figure_id, "withdrawn")
            elif current.role != "recommended":  # a repeated recommendation is refused
                store.recommend(figure_id, "chosen")


def _table(store: Store) -> dict[tuple, set[int]]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT l.scope, l.site_id, l.indicator, l.population_group, l.unit, "
                "v.figure_id, v.population_group, v.unit FROM latest_figures l "
                "JOIN figure_versions v ON v.row_id = l.row_id"
            )
        )
        found: dict[tuple, set[int]] = defaultdict(set)
        for scope, site, indicator, group, unit, figure_id, own_group, own_unit in rows:
            assert (group, unit) == (own_group, own_unit)  # the table's key is the figure's
            found[(scope, site, indicator, group, unit)].add(figure_id)
    return dict(found)


def _series(f: Figure) -> tuple:
    return (f.site_id, f.indicator, f.population_group, f.unit)


def _newest(figures: list[Figure], as_of: date | None = None) -> dict[tuple, set[int]]:
    """The definition, by a scan of every current figure: per series, the newest."""
    newest: dict[tuple, date] = {}
    for f in figures:
        if as_of is None or f.ref.start <= as_of:
            newest[_series(f)] = max(newest.get(_series(f), f.ref.start), f.ref.start)
    found: dict[tuple, set[int]] = defaultdict(set)
    for f in figures:
        if newest.get(_series(f)) == f.ref.start:
            found[_series(f)].add(f.id)
    return dict(found)


def _expected(store: Store) -> dict[tuple[str, str, str], set[int]]:
    current = store.figures(FigureFilter())
    expected = {}
    for scope, figures in (
        ("all", current),
        ("public", [f for f in current if f.sensitivity == "public"]),
    ):
        for pair, ids in _newest(figures).items():
            expected[(scope, *pair)] = ids
    return expected


def _new_store(path: Path) -> Store:
    store, _ = Store.init(str(path))
    store.add_records(
        [Site(s, s.upper()) for s in SITES], [Source("ocha", "OCHA", "un", reliability="B")]
    )
    return store


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=12))
def test_the_table_equals_the_newest_figures_after_any_writes(operations):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.db"
        with _new_store(path) as store:
            _apply(store, str(path), operations)
            assert _table(store) == _expected(store)
            current = store.figures(FigureFilter())
            public = [f for f in current if f.sensitivity == "public"]
            for day in (-1, 3, 7, 12):
                as_of = START + timedelta(days=day)
                for flag, figures in ((False, current), (True, public)):
                    got = defaultdict(set)
                    for f in store.latest_as_of(as_of, scope="public" if flag else "all"):
                        got[_series(f)].add(f.id)
                    assert dict(got) == _newest(figures, as_of)


def test_init_rebuilds_the_table_to_what_the_writes_kept(db_url):
    store, _ = Store.init(db_url)
    with store:
        store.add_records(
            [Site(s, s.upper()) for s in SITES], [Source("ocha", "OCHA", "un", reliability="B")]
        )
        idps = KINDS[0]
        first = store.add_figure(_figure("a", idps, 5, "public"))
        store.add_figure(_figure("a", idps, 5, "restricted"))
        store.add_figure(_figure("b", idps, 2, "public"))
        # Moving a figure from a to c: a's newest becomes the restricted one alone.
        store.correct(first.id, "it was camp C", site_id="c")
        kept = _table(store)
        assert kept == _expected(store)
        assert kept[("public", "c", "population", "idps", "people")] == {first.id}
        assert ("public", "a", "population", "idps", "people") not in kept
    again, _ = Store.init(db_url)
    with again:
        assert _table(again) == kept


estimated_figure = st.tuples(
    st.sampled_from(SITES),
    st.sampled_from(KINDS),
    st.integers(0, 12),  # day
    st.sampled_from(["public", "public", "restricted"]),
    st.one_of(st.none(), st.integers(0, 999)),  # None: a report with no number
    st.sampled_from(["ocha", "press"]),
    st.booleans(),  # recommended
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(estimated_figure, min_size=1, max_size=14), st.sampled_from([-1, 3, 7, 12]))
def test_latest_estimates_pick_what_the_rule_picks_from_every_figure(specs, day):
    with tempfile.TemporaryDirectory() as folder, _new_store(Path(folder) / "s.db") as store:
        store.add_records([], [Source("press", "Press", "media", reliability="C")])
        for site, kind, when, sensitivity, value, source, recommended in specs:
            f = replace(
                _figure(site, kind, when, sensitivity),
                source_id=source,
                role="recommended" if recommended else "automatic",
            )
            if value is None:
                f = replace(f, quantity=Quantity(None, None, "unquantified"),
                            value_text=None, excerpt="many")  # fmt: skip
            store.add_figure(f)
        as_of = START + timedelta(days=day)
        sources = {s.id: s for s in store.sources()}
        for public in (False, True):
            sites, figures = store.sites(), store.figures(FigureFilter())
            if public:
                sites, figures = public_only(sites, figures)
            expected = {}
            for key in {_series(f) for f in figures}:
                e = estimate_of(SeriesKey(*key), figures, sources, as_of)
                if e.figure is not None:
                    expected[key] = (e.figure.id, e.reason)
            found = latest_estimates(PublicView(store) if public else store, as_of)
            assert {tuple(k): (e.figure.id, e.reason) for k, e in found.items()} == expected
