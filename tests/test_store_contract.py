"""One store contract: `Store`, `LiteStore` and `PublicView` answer the reader's questions
(store/contract.py) with the same signatures, and the public view answers from public data
only. tests/test_lite_store.py holds the two stores to the same answers."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import date

import pytest

from dispstats.errors import NotFound
from dispstats.model.records import Figure, Site
from dispstats.store import Store
from dispstats.store.contract import FigureWriter, Stored, StoreReader
from dispstats.store.data_entry import add_figure
from dispstats.store.lite import LiteStore
from dispstats.store.public import PublicView

from .conftest import TODAY

W38_END = date(2018, 9, 23)


def _methods(protocol) -> list[str]:
    return [
        name
        for name, value in vars(protocol).items()
        if callable(value) and not name.startswith("_")
    ]


@pytest.mark.parametrize("kind", [Store, LiteStore, PublicView])
def test_every_reader_has_the_contracts_methods_with_the_same_parameters(kind):
    for name in _methods(StoreReader):
        wanted = inspect.signature(getattr(StoreReader, name)).parameters
        given = inspect.signature(getattr(kind, name)).parameters
        assert list(given)[: len(wanted)] == list(wanted), (kind.__name__, name)
        extra = [p for p in list(given.values())[len(wanted) :] if p.default is p.empty]
        assert not extra, (kind.__name__, name, extra)


def test_both_stores_and_their_public_views_satisfy_the_protocols(with_restricted, sqlite_db):
    with LiteStore.open(str(sqlite_db)) as lite:
        for store in (with_restricted, lite):
            assert isinstance(store, Stored) and isinstance(store, FigureWriter)
            assert store.is_public is False
            view = PublicView(store)
            assert isinstance(view, StoreReader) and not isinstance(view, FigureWriter)
            assert view.is_public is True


def test_the_public_view_answers_public_sites_and_figures_only(with_restricted):
    view = PublicView(with_restricted)
    assert "secret" not in {s.id for s in view.sites()}
    shown = view.figures()
    assert shown and all(f.sensitivity == "public" for f in shown)
    assert all(f.site_id != "secret" for f in shown)
    assert all(f.entered_by is None for f in shown)  # who entered a figure is internal
    restricted = [f for f in with_restricted.figures() if f.sensitivity == "restricted"]
    for f in restricted:
        with pytest.raises(NotFound, match=f"no figure {f.id}"):
            view.figure(f.id)
    with pytest.raises(NotFound) as refused:
        view.find_sites(["Secret Camp Zeta"])
    assert "Zeta" not in str(refused.value).replace("'Secret Camp Zeta'", "")  # no suggestion


def test_a_public_figure_with_a_restricted_end_is_not_public_data(with_restricted):
    departure = add_figure(
        with_restricted,
        {"site": "Rukban", "indicator": "departures", "value": "40", "date": "2018-09-16",
         "source": "ocha-2018-09", "destination": "secret", "status": "planned"},
        today=TODAY,
    )  # fmt: skip
    assert departure.id in {f.id for f in with_restricted.figures()}
    view = PublicView(with_restricted)
    assert departure.id not in {f.id for f in view.figures()}
    assert departure.id not in {f.id for f in view.latest_as_of(W38_END, "departures")}
    with pytest.raises(NotFound):
        view.figure(departure.id)


def test_a_restricted_excerpt_is_withheld_by_the_view(with_restricted):
    withheld = [f for f in with_restricted.figures() if f.excerpt_sensitivity == "restricted"]
    assert withheld and all(f.excerpt for f in withheld)
    shown = {f.id: f for f in PublicView(with_restricted).figures()}
    assert all(shown[f.id].excerpt != f.excerpt for f in withheld if f.id in shown)


def test_the_views_newest_figures_are_worked_out_on_public_data(with_restricted):
    # The restricted 43,210 of 22 September at Rukban is newer than OCHA's public 45,000: it
    # neither wins nor hides the older public figure.
    everything = with_restricted.latest_as_of(W38_END, "population", ["rukban"])
    public = PublicView(with_restricted).latest_as_of(W38_END, "population", ["rukban"])
    assert {f.low for f in everything if f.unit == "people"} == {43_210}
    assert {f.low for f in public if f.unit == "people"} == {45_000}


def test_a_public_site_inside_a_restricted_one_is_shown_inside_nothing(sqlite_db):
    with Store.open(str(sqlite_db)) as store:
        store.add_site(Site("hidden", "Hidden zone", kind="zone", sensitivity="restricted"))
        store.add_site(Site("camp", "Camp", kind="camp", parent_id="hidden"))
        (camp,) = [s for s in PublicView(store).sites() if s.id == "camp"]
        assert camp.parent_id is None
        assert PublicView(store).site("camp") == camp
        with pytest.raises(NotFound):
            PublicView(store).site("hidden")


def test_the_view_streams_public_versions_only(with_restricted):
    f: Figure = next(f for f in with_restricted.figures() if f.sensitivity == "public")
    with_restricted.correct(f.id, "marked restricted", sensitivity="restricted")
    versions = list(PublicView(with_restricted).iter_versions(revised_only=True))
    assert [(v.id, v.version) for v in versions if v.id == f.id] == [(f.id, 1)]
    assert replace(versions[0], entered_by=None) == versions[0]
