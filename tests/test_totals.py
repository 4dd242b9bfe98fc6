"""Totals up the site hierarchy: a parent's children's best estimates added up, ranges as
ranges, each child counted once, the parent's own figure kept beside the total, coverage and
stale children shown, and public totals computed from public data only."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pandas as pd

from dispstats.model.dates import DateRef
from dispstats.model.parse import Quantity
from dispstats.model.records import Figure, Site, Source
from dispstats.series import check, hierarchy_totals, site_estimates
from dispstats.store import Store
from dispstats.store.public import PublicView

AS_OF = date(2024, 3, 31)
OCHA = Source("ocha", "OCHA", "un", reliability="B")


def _figure(
    site: str,
    low: int,
    high: int | None = None,
    day: date = AS_OF,
    source: str = "ocha",
    group: str | None = None,
) -> Figure:
    high = low if high is None else high
    return Figure(
        site_id=site,
        indicator="population",
        population_group=group,
        quantity=Quantity(low, high),
        value_text=f"{low:,}" if low == high else f"{low:,}-{high:,}",
        ref=DateRef(day, day),
        source_id=source,
    )


def test_the_demo_zone_total_includes_rukban_with_its_coverage(demo_store):
    (zone,) = hierarchy_totals(demo_store, as_of=date(2018, 9, 17))
    assert zone.area == "syr-55km-zone"
    assert (zone.low, zone.high) == (45_000, 45_000)
    assert [p.site_id for p in zone.parts] == ["rukban"]
    assert (zone.recent, zone.children, zone.own) == (1, 1, None)


def test_ranges_add_as_ranges_and_each_child_counts_once(store):
    store.add_records(
        [
            Site("gov", "Governorate", kind="admin_area"),
            Site("zone", "Zone", kind="zone", parent_id="gov"),
            Site("camp-a", "Camp A", parent_id="zone"),
            Site("camp-b", "Camp B", parent_id="zone"),
            Site("camp-c", "Camp C", parent_id="zone"),
            Site("town", "Town", kind="city", parent_id="gov"),
            Site("village", "Village", kind="location", parent_id="gov"),
        ],
        [OCHA],
        [
            _figure("camp-a", 1_000, 1_200),
            _figure("camp-b", 500, day=AS_OF - timedelta(weeks=20)),  # stale
            _figure("town", 8_000),
            _figure("town", 9_999, day=AS_OF + timedelta(days=1)),  # after the date
            _figure("gov", 30_000),  # the parent's own figure
        ],
    )
    found = site_estimates(store, as_of=AS_OF)
    gov = found.site_total("gov")
    # The zone has no figure of its own: it counts by its camps' total (A and B; C has none).
    assert [(p.site_id, p.low, p.high) for p in gov.parts] == [
        ("town", 8_000, 8_000),
        ("zone", 1_500, 1_700),
    ]
    assert gov.parts[1].estimate is None and gov.parts[1].subtotal.unreported == ("camp-c",)
    assert (gov.low, gov.high) == (9_500, 9_700)
    assert gov.unreported == ("village",)
    assert gov.own.figure.quantity.low == 30_000  # beside the total, not replaced by it
    assert gov.stale == ("zone",) and gov.recent == 1 and gov.children == 3
    assert found.site_total("zone").stale == ("camp-b",)


def test_a_parent_whose_own_figure_contradicts_its_sites_is_a_check_finding(store):
    store.add_records(
        [
            Site("zone", "Zone", kind="zone"),
            Site("camp-a", "Camp A", parent_id="zone"),
            Site("camp-b", "Camp B", parent_id="zone"),
            Site("other", "Other zone", kind="zone"),
            Site("camp-c", "Camp C", parent_id="other"),
            Site("camp-d", "Camp D", parent_id="other"),
        ],
        [OCHA],
        [
            _figure("zone", 10_000),
            _figure("camp-a", 8_000),
            _figure("camp-b", 7_000),  # 15,000 in a zone of 10,000: a contradiction
            _figure("other", 10_000),
            _figure("camp-c", 4_000),  # camp D has not reported: a partial total, no finding
        ],
    )
    report = check(store, AS_OF)
    assert [(f.kind, f.site_id) for f in report.totals] == [("total_disagrees", "zone")]
    from dispstats.reports.i18n import get_lang
    from dispstats.reports.wording import FindingWords

    said = FindingWords(get_lang(), {}, {})(report.totals[0])
    assert "15,000" in said and "10,000" in said
    assert report.totals[0] in report.findings


def test_totals_by_admin1_equal_a_pandas_groupby_of_the_best_estimates(tmp_path):
    """1,500 sites in 3 countries, admin 1 -> admin 2 -> sites, some with ranges, some
    never reported; totals by admin 1 equal pandas' sum of each site's newest figure."""
    rng = random.Random(15)
    sites, figures = [], []
    for iso3 in ("SYR", "IRQ", "SDN"):
        for a in range(5):
            admin1 = f"{iso3[:2]}{a:02d}"
            sites.append(Site(admin1.lower(), f"Admin1 {admin1}", kind="admin_area",
                              pcode=admin1, country_iso3=iso3, admin1_pcode=admin1))  # fmt: skip
            for b in range(4):
                admin2 = f"{admin1}{b:02d}"
                sites.append(Site(admin2.lower(), f"Admin2 {admin2}", kind="admin_area",
                                  pcode=admin2, country_iso3=iso3, admin1_pcode=admin1,
                                  admin2_pcode=admin2, parent_id=admin1.lower()))  # fmt: skip
                for n in range(25):
                    site_id = f"{admin2.lower()}-{n:02d}"
                    sites.append(Site(site_id, f"Site {site_id}", country_iso3=iso3,
                                      admin1_pcode=admin1, admin2_pcode=admin2,
                                      parent_id=admin2.lower()))  # fmt: skip
                    if rng.random() < 0.1:
                        continue  # never reported
                    for week in sorted(rng.sample(range(30), 3)):
                        low = rng.randrange(100, 20_000)
                        high = low + rng.choice([0, 0, 0, 500])
                        day = AS_OF - timedelta(weeks=week)
                        figures.append(_figure(site_id, low, high, day))
    assert sum(1 for s in sites if s.kind != "admin_area") == 1_500
    store, _ = Store.init(str(tmp_path / "big.db"))
    with store:
        store.add_records(sites, [OCHA], figures)
        totals = {t.area: t for t in hierarchy_totals(store, "admin1", as_of=AS_OF)}

    frame = pd.DataFrame(
        [(f.site_id, f.ref.start, f.quantity.low, f.quantity.high) for f in figures],
        columns=["site_id", "day", "low", "high"],
    )
    newest = frame.sort_values("day").groupby("site_id").last()
    admin1 = pd.Series({s.id: s.admin1_pcode for s in sites}, name="admin1")
    expected = newest.join(admin1).groupby("admin1")[["low", "high"]].sum()
    assert sorted(totals) == sorted(expected.index)
    for code, row in expected.iterrows():
        assert (totals[code].low, totals[code].high) == (row["low"], row["high"]), code
        assert totals[code].children == 4 and totals[code].own is None
    assert len({t.area for t in hierarchy_totals(store, "admin1", country="IRQ")}) == 5


def test_a_public_total_leaves_restricted_sites_out_and_says_so(demo_store):
    demo_store.add_records(
        [
            Site(
                "hidden-camp",
                "Hidden camp",
                parent_id="syr-55km-zone",
                sensitivity="restricted",
                latitude=33.3,
                longitude=38.7,
            )
        ],
        [],
        [_figure("hidden-camp", 7_777, day=date(2018, 9, 16), source="ocha-2018-09", group="idps")],
    )
    (internal,) = hierarchy_totals(demo_store, as_of=date(2018, 9, 17))
    assert internal.low == 45_000 + 7_777
    (public,) = hierarchy_totals(PublicView(demo_store), as_of=date(2018, 9, 17))
    assert (public.low, public.children) == (45_000, 1)


def test_the_totals_command_prints_totals_and_public_json_has_no_restricted_site(
    restricted_db, run
):
    # As of the 22nd, Rukban's newest figure (43,210, the 22nd) is restricted.
    result = run("totals", "--as-of", "2018-09-22", db=restricted_db)
    assert result.exit_code == 0, result.output
    assert "55-km At Tanf deconfliction zone" in result.output and "43,210" in result.output
    public = run("totals", "--as-of", "2018-09-22", "--public", "--json", db=restricted_db)
    assert public.exit_code == 0, public.output
    data = json.loads(public.output)
    assert [(t["area"], t["low"], t["unit"]) for t in data] == [("syr-55km-zone", 45_000, "people")]
    assert all(t["excluding_restricted_sites"] for t in data)
    for secret in ("43210", "43,210", "98765", "secret", "33.123"):
        assert secret not in public.output
    by_area = run("totals", "--by", "admin1", "--country", "SYR", "--as-of", "2018-09-22",
                  "--public", db=restricted_db)  # fmt: skip
    assert by_area.exit_code == 0, by_area.output
    assert "Homs (SY04)" in by_area.output and "excluding restricted sites" in by_area.output
    assert "43,210" not in by_area.output


def test_estimate_of_a_parent_shows_its_sites_total_beside_its_own_figure(run):
    result = run("estimate", "55-km zone", "--as-of", "2018-09-17")
    assert result.exit_code == 0, result.output
    assert "population (IDPs)" in result.output.splitlines()[0]
    # OCHA's "approximately 45,000": the total of an approximate figure is approximate.
    assert "Total of its 1 site: about 45,000 people (1 of 1 reported in the last 8 weeks)" in (
        result.output
    )
    assert "Rukban: about 45,000 people" in result.output
    data = json.loads(run("estimate", "Rukban", "--as-of", "2018-09-17", "--json").output)
    assert data["total"] is None
    assert "totals" in run("--help").output


def test_totals_take_a_country_by_name_and_refuse_an_unknown_one(run):
    named = run("totals", "--by", "admin1", "--country", "Syria", "--as-of", "2018-09-17")
    assert named.exit_code == 0 and "Homs (SY04)" in named.output
    unknown = run("totals", "--by", "admin1", "--country", "Atlantis")
    assert unknown.exit_code == 1 and "'Atlantis' is not a country" in unknown.output
