"""A public output is computed from public data only: for any store, adding restricted sites
and figures (newer, larger, at public sites, as parents of public sites, as ends of public
movements) leaves the --public brief data, workbook and HXL export exactly as they were."""

from __future__ import annotations

import tempfile
from dataclasses import fields, is_dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dispstats.model.dates import DateRef
from dispstats.model.parse import Quantity
from dispstats.model.records import Figure, Site, Source
from dispstats.reports.brief import Cited, gather
from dispstats.reports.excel import export_xlsx
from dispstats.reports.hxl import export_hxl_csv
from dispstats.series import hierarchy_totals, latest_estimates
from dispstats.store import Store
from dispstats.store.public import PublicView

AS_OF = date(2024, 3, 31)
START = date(2024, 1, 1)
SOURCES = [
    Source("ocha", "OCHA", "un", reliability="B", published=date(2024, 3, 26)),
    Source("press", "Press", "media", reliability="C"),
]
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

counts = st.tuples(st.integers(100, 90_000), st.sampled_from([0, 0, 0, 5_000]))
days = st.integers(0, (AS_OF - START).days)
public_figure = st.tuples(
    st.integers(0, 3),  # site
    counts,
    days,
    st.sampled_from(["ocha", "press"]),
    st.sampled_from(["population", "population", "departures"]),
    st.integers(0, 3),  # destination of a departure
)


def _figure(site_id, count, day, source, indicator="population", destination=None, **extra):
    low, width = count
    quantity = Quantity(low, low + width, "exact")
    ref_day = START + timedelta(days=day)
    return Figure(
        id=None,
        site_id=site_id,
        indicator=indicator,
        quantity=quantity,
        value_text=f"{low:,}" if not width else f"{low:,}-{low + width:,}",
        ref=DateRef(ref_day, ref_day, "day"),
        source_id=source,
        destination_site_id=destination if indicator == "departures" else None,
        movement_status="planned" if indicator == "departures" else None,
        **extra,
    )


def _build(db: Path, public: list, restricted: dict | None) -> Store:
    store, _ = Store.init(str(db))
    sites = [Site(f"camp-{n}", f"Camp {n}", kind="camp", country_iso3="SYR") for n in range(4)]
    secret = [Site(f"secret-{n}", f"Secret {n}", kind="zone", sensitivity="restricted")
              for n in range(2)]  # fmt: skip
    new_sites = list(sites)
    if restricted is not None:
        for n in restricted["children"]:  # public sites inside restricted ones
            new_sites[n] = replace(new_sites[n], parent_id="secret-0")
        new_sites = [*secret, *new_sites]
    figures = [
        _figure(f"camp-{s}", c, d, src, ind, f"camp-{dest}" if dest != s else None)
        for s, c, d, src, ind, dest in public
    ]
    store.add_records(new_sites, SOURCES, [])
    for f in figures:  # the public figures first: the same ids in both stores
        store.add_figure(f)
    if restricted is not None:
        for s, c, d, src in restricted["at_public"]:
            store.add_figure(_figure(f"camp-{s}", c, d, src, sensitivity="restricted"))
        for n, c, d, src in restricted["at_secret"]:
            store.add_figure(_figure(f"secret-{n}", c, d, src))
        for s, c, d in restricted["to_secret"]:
            store.add_figure(_figure(f"camp-{s}", c, d, "press", "departures", "secret-1"))
    return store


def _plain(value):
    """Brief data without what differs between two stores of the same figures (entry times)."""
    if isinstance(value, Cited):
        return (value.words, value.when, value.publisher, value.note, _plain(value.figure))
    if isinstance(value, Figure):
        return (value.id, value.version, value.site_id, value.low, value.high, value.source_id)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):  # the brief's rows
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _brief(store: Store) -> tuple:
    d = gather(PublicView(store), AS_OF)
    return _plain(
        (
            [(k.site.id, k.site.parent_id, k.best, k.others, k.earlier) for k in d.key_figures],
            d.highlights,
            d.movements,
            d.disagreements,
            [(f.kind, f.site_id, f.facts, c) for f, c in d.stale],
            d.findings,
            [(n, s.id) for n, s in d.sources],
            d.figures_used,
            d.site_names,
            d.sensitivity,
            d.newest,
        )
    )


def _workbook(store: Store, folder: Path) -> dict:
    path = export_xlsx(PublicView(store), folder / "w.xlsx", date_to=AS_OF).path
    sheets = {}
    for sheet in load_workbook(path).worksheets:
        rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] != "Generated"]
        # When a figure was entered differs between two stores made one after the other.
        cut = rows[0].index("Entered at") if rows and "Entered at" in rows[0] else None
        sheets[sheet.title] = [r[:cut] + r[cut + 1 :] if cut is not None else r for r in rows]
    return sheets


def _totals(store: Store) -> list:
    """Every public total by country and every public best estimate, of stocks and movements."""
    found = []
    for indicator in ("population", "departures"):
        for t in hierarchy_totals(PublicView(store), "country", indicator=indicator, as_of=AS_OF):
            found.append((t.area, t.indicator, t.low, t.high, t.unreported, _plain(t.figures)))
        best = latest_estimates(PublicView(store), AS_OF, indicator)
        found.append(sorted((str(k), _plain(e.figure)) for k, e in best.items()))
    return found


def _hxl(store: Store, folder: Path) -> str:
    out = folder / "f.csv"
    export_hxl_csv(PublicView(store), out)
    return out.read_text(encoding="utf-8")


restricted_parts = st.fixed_dictionaries(
    {
        "children": st.lists(st.integers(0, 3), max_size=2, unique=True),
        "at_public": st.lists(
            st.tuples(st.integers(0, 3), counts, days, st.sampled_from(["ocha", "press"])),
            max_size=4,
        ),
        "at_secret": st.lists(
            st.tuples(st.integers(0, 1), counts, days, st.sampled_from(["ocha", "press"])),
            max_size=3,
        ),
        "to_secret": st.lists(st.tuples(st.integers(0, 3), counts, days), max_size=2),
    }
)


@SETTINGS
@given(public=st.lists(public_figure, min_size=1, max_size=10), restricted=restricted_parts)
def test_restricted_data_never_changes_a_public_output(public, restricted):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        with _build(folder / "a.db", public, None) as plain:
            expected = (_brief(plain), _workbook(plain, folder / "a"), _hxl(plain, folder / "a"),
                        _totals(plain))  # fmt: skip
        with _build(folder / "b.db", public, restricted) as mixed:
            found = (_brief(mixed), _workbook(mixed, folder / "b"), _hxl(mixed, folder / "b"),
                     _totals(mixed))  # fmt: skip
    assert found[0] == expected[0]
    assert found[1] == expected[1]
    assert found[2] == expected[2]
    assert found[3] == expected[3]


def test_a_newer_departure_to_a_restricted_site_leaves_the_public_departure_total_as_it_was(
    tmp_path,
):
    # The older public departure (300, Camp 0 to Camp 1) is the public figure of the route; a
    # newer one to a restricted site is not public data and must not hide it.
    public = [(0, (300, 0), 10, "ocha", "departures", 1)]
    with _build(tmp_path / "a.db", public, None) as plain:
        expected = _totals(plain)
    restricted = {"children": [], "at_public": [], "at_secret": [], "to_secret": [(0, (50, 0), 40)]}
    with _build(tmp_path / "b.db", public, restricted) as mixed:
        found = _totals(mixed)
        (total,) = hierarchy_totals(PublicView(mixed), "country", indicator="departures",
                                    as_of=AS_OF)  # fmt: skip
    assert total.low == 300
    assert found == expected


# Made with dispstats at 7f321c4 (schema 0005): sites Al-Hol and Areesheh (public) and Safe
# house (restricted); OCHA's departures from Al-Hol of 300 to Areesheh (1 March 2024) and of 40
# to Safe house (10 March). Its public scope of latest_figures holds the 40 only.
EARLIER = Path(__file__).parent / "data" / "store-0005.db"


def test_a_store_of_the_previous_release_is_upgraded_and_its_public_totals_made_again(tmp_path):
    import shutil

    from click.testing import CliRunner

    from dispstats.cli import cli

    path = tmp_path / "old.db"
    shutil.copy(EARLIER, path)
    refused = CliRunner().invoke(cli, ["--db", str(path), "totals", "--indicator", "departures"])
    assert refused.exit_code != 0 and "run 'dispstats init' to upgrade" in refused.output
    assert CliRunner().invoke(cli, ["--db", str(path), "init"]).exit_code == 0
    with Store.open(str(path)) as store:
        (total,) = hierarchy_totals(PublicView(store), "country", indicator="departures",
                                    as_of=date(2024, 3, 31))  # fmt: skip
        assert (total.area, total.low) == ("SYR", 300)
