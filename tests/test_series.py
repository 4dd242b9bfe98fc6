"""Weekly series, week-on-week changes, and the checks (stale, disagreement, stock-flow)."""

import json
from datetime import date

import pytest

from dispstats.model.records import Site, Source
from dispstats.reports.i18n import get_lang
from dispstats.reports.wording import FindingWords
from dispstats.series import check, latest_changes, weekly_series
from dispstats.series.weekly import week_ends
from dispstats.store.data_entry import add_figure

from .conftest import TODAY


@pytest.fixture
def camps(store):
    """Camp A and B in a zone; OCHA (B), UNHCR (B), Press (C)."""
    store.add_records(
        [
            Site("zone", "Zone", kind="zone"),
            Site("camp-a", "Camp A", parent_id="zone"),
            Site("camp-b", "Camp B", parent_id="zone"),
            Site("town", "Town", kind="city"),
        ],
        [
            Source("ocha", "OCHA", "un", reliability="B"),
            Source("ocha-2", "OCHA", "un", reliability="B"),
            Source("unhcr", "UNHCR", "un", reliability="B"),
            Source("press", "Press", "media", reliability="C"),
        ],
    )
    return store


def said(store, finding, lang: str = "en") -> str:
    """A finding as the brief and `dispstats check` word it."""
    names = {s.id: s.name for s in store.sites()}
    publishers = {s.id: s.publisher for s in store.sources()}
    return FindingWords(get_lang(lang, document=False), names, publishers)(finding)


def add(store, site, value, when, source="ocha", indicator="population", **more):
    fields = {
        "site": site,
        "indicator": indicator,
        "value": value,
        "date": when,
        "source": source,
        **more,
    }
    return add_figure(store, fields, today=TODAY)


def plan_departure(store):
    """3,000 people planned to leave the zone for the town (17 Sep 2018)."""
    return add(
        store,
        "zone",
        "3,000",
        "2018-09-17",
        indicator="departures",
        destination="town",
        status="planned",
    )


def test_week_ends_are_the_sundays_of_the_iso_weeks_oldest_first():
    assert week_ends(date(2018, 9, 17), 3) == [
        date(2018, 9, 9),
        date(2018, 9, 16),
        date(2018, 9, 23),
    ]


def test_the_weekly_series_carries_the_last_figure_forward_with_its_age(camps):
    add(camps, "camp-a", "1,000", "2018-09-04")  # Tuesday of 2018-W36
    second = add(camps, "camp-a", "1,200", "2018-09-19", source="press")  # W38
    frame = weekly_series(camps, ["Camp A"], weeks=4, end=date(2018, 9, 23))
    assert list(frame["week"]) == ["2018-W35", "2018-W36", "2018-W37", "2018-W38"]
    assert frame["low"].isna().tolist() == [True, False, False, False]  # nothing invented
    assert frame["low"].tolist()[1:] == [1000, 1000, 1200]
    assert frame["age_days"].tolist()[1:] == [5, 12, 4]
    assert frame["figure_id"].tolist()[3] == second.id
    assert frame["publisher"].tolist()[1:] == ["OCHA", "OCHA", "Press"]


def test_a_week_value_is_flagged_stale_once_the_figure_is_too_old(camps):
    add(camps, "camp-a", "1,000", "2018-07-01")
    frame = weekly_series(camps, ["camp-a"], weeks=12, end=date(2018, 9, 23))
    # 2018-07-01 is a Sunday: 8 weeks later (56 days) is still current, 63 days is stale.
    stale = dict(zip(frame["age_days"], frame["stale"], strict=True))
    assert stale[56] is False or not stale[56]
    assert bool(stale[63]) is True


def test_a_new_figure_from_the_same_publisher_is_a_change_of_that_source(camps):
    add(camps, "camp-a", "1,000", "2018-09-12", source="ocha")
    add(camps, "camp-a", "1,500", "2018-09-18", source="ocha-2")
    (change,) = latest_changes(camps, ["camp-a"], as_of=date(2018, 9, 23))
    assert (change.cause, change.absolute, change.relative) == ("same_source", 500, 0.5)


def test_the_change_is_from_the_estimate_before_the_current_figure_even_weeks_earlier(camps):
    # The brief's "previous estimate was" and the workbook's Summary use this one definition:
    # a figure dated last week still shows the change it made, not "no change since last week".
    add(camps, "camp-a", "50,000", "2018-01-15", source="ocha")
    add(camps, "camp-a", "about 45,000", "2018-09-16", source="ocha-2")
    (change,) = latest_changes(camps, ["camp-a"], as_of=date(2018, 9, 30))
    assert (change.before.figure.low, change.after.figure.low, change.absolute) == (
        50000,
        45000,
        -5000,
    )


def test_a_change_to_or_from_a_range_is_given_by_its_ends_never_by_a_midpoint(camps):
    add(camps, "camp-a", "1,000", "2018-09-12", source="ocha")
    add(camps, "camp-a", "800-1,200", "2018-09-18", source="press")
    (change,) = latest_changes(camps, ["camp-a"], as_of=date(2018, 9, 23))
    assert (change.cause, change.low, change.high) == ("source_switch", -200, 200)
    assert change.absolute is None and change.relative is None


def test_a_site_with_only_one_figure_has_a_first_change_and_others_none(camps):
    add(camps, "camp-b", "300", "2018-09-18")
    changes = latest_changes(camps, as_of=date(2018, 9, 18))
    assert [(c.site_id, c.cause, c.absolute) for c in changes] == [("camp-b", "first", None)]


def test_check_reports_stale_estimates_with_their_age(camps):
    add(camps, "camp-a", "1,000", "2018-06-01")
    report = check(camps, date(2018, 9, 17))
    assert [f.kind for f in report.stale] == ["stale"]
    assert "last confirmed 15 weeks ago" in said(camps, report.stale[0])


def test_check_lists_disagreements_most_divergent_first(camps):
    add(camps, "camp-a", "1,000", "2018-09-10", source="ocha")
    add(camps, "camp-a", "1,400", "2018-09-12", source="press")
    add(camps, "camp-b", "300", "2018-09-10", source="ocha")
    add(camps, "camp-b", "900", "2018-09-12", source="press")
    report = check(camps, date(2018, 9, 17))
    assert [(d.site_id, d.low, d.high) for d in report.disagreements] == [
        ("camp-b", 300, 900),
        ("camp-a", 1000, 1400),
    ]
    assert report.disagreements[0].spread == 3.0
    assert "OCHA 300" in said(camps, report.disagreement_findings[0])


def test_check_reads_and_estimates_with_the_cyclic_collector_paused_then_restores_it(
    camps, monkeypatch
):
    import gc

    from dispstats.series import from_store

    add(camps, "camp-a", "1,000", "2018-09-10", source="ocha")
    add(camps, "camp-a", "1,400", "2018-09-12", source="press")
    expected = check(camps, date(2018, 9, 17)).findings
    seen = []

    def spy(work):
        def watched(*args, **kwargs):
            seen.append((work.__name__, gc.isenabled()))
            return work(*args, **kwargs)

        return watched

    monkeypatch.setattr(camps, "figures", spy(camps.figures))
    monkeypatch.setattr(from_store, "estimate_of", spy(from_store.estimate_of))
    monkeypatch.setattr(from_store, "stock_flow_findings", spy(from_store.stock_flow_findings))
    assert check(camps, date(2018, 9, 17)).findings == expected
    assert gc.isenabled()
    assert sorted(set(seen)) == [
        ("estimate_of", False),
        ("figures", False),
        ("stock_flow_findings", False),
    ]
    # The weekly series and latest changes of every site read and estimate the same way.
    seen.clear()
    weekly_series(camps, ["camp-a"], "population", 4, date(2018, 9, 17))
    latest_changes(camps, as_of=date(2018, 9, 17))
    assert gc.isenabled()
    assert sorted(set(seen)) == [("estimate_of", False), ("figures", False)]
    gc.disable()
    try:  # a caller that paused the collector finds it paused still
        check(camps, date(2018, 9, 17))
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("about 42,000", "40,000-50,000"),  # inside the other's range
        ("45,000", "45,000"),  # two sources, one number
        ("1,000", "1,080"),  # within the 10 % tolerance
        ("more than 20", "45"),  # "more than" allows it
        ("at most 500", "300"),
    ],
)
def test_figures_that_can_both_be_right_do_not_disagree(camps, first, second):
    add(camps, "camp-a", first, "2018-09-10", source="ocha")
    add(camps, "camp-a", second, "2018-09-12", source="press")
    assert check(camps, date(2018, 9, 17)).disagreements == []


def test_a_planned_departure_is_reported_to_follow_up(camps):
    m = plan_departure(camps)
    (finding,) = check(camps, date(2018, 9, 17)).stock_flow
    assert (finding.kind, finding.figure_ids) == ("planned_movement", (m.id,))
    assert "3,000 departures from Zone to Town (planned" in said(camps, finding)


def test_a_completed_departure_larger_than_the_origin_is_reported(camps):
    add(camps, "camp-a", "1,000", "2018-09-01")
    add(camps, "camp-a", "0", "2018-09-20")
    add(
        camps,
        "camp-a",
        "2,500",
        "2018-09-10",
        indicator="departures",
        destination="town",
        status="completed",
    )
    kinds = [f.kind for f in check(camps, date(2018, 9, 30)).stock_flow]
    assert kinds == ["movement_exceeds_origin"]


def test_a_completed_movement_should_show_as_a_drop_and_a_rise(camps):
    add(camps, "camp-a", "5,000", "2018-09-01")
    add(camps, "camp-a", "4,900", "2018-09-20")  # only 100 fewer
    add(camps, "town", "10,000", "2018-09-01")
    add(camps, "town", "13,000", "2018-09-20")  # rose by the 3,000 that arrived
    add(
        camps,
        "camp-a",
        "3,000",
        "2018-09-10",
        indicator="departures",
        destination="town",
        status="completed",
    )
    kinds = sorted(f.kind for f in check(camps, date(2018, 9, 30)).stock_flow)
    assert kinds == ["no_drop_at_origin"]


def test_a_population_rise_without_arrivals_is_reported_beyond_the_tolerance(camps):
    add(camps, "camp-a", "1,000", "2018-09-01")
    add(camps, "camp-a", "1,050", "2018-09-08")  # +5 %: within tolerance
    add(camps, "camp-a", "1,500", "2018-09-15")  # +43 %: no arrivals recorded
    add(camps, "camp-b", "100", "2018-09-01")
    add(camps, "camp-b", "400", "2018-09-15")
    add(
        camps,
        "camp-b",
        "300",
        "2018-09-10",
        indicator="arrivals",
        origin="town",
        status="completed",
    )
    findings = check(camps, date(2018, 9, 17)).stock_flow
    assert [(f.kind, f.site_id) for f in findings] == [("rise_without_arrivals", "camp-a")]
    assert "from 1,050 people (2018-09-08) to 1,500 people (2018-09-15)" in said(camps, findings[0])


def test_retracted_movements_are_not_reported(camps):
    m = plan_departure(camps)
    camps.retract(m.id, "never happened")
    assert check(camps, date(2018, 9, 17)).stock_flow == []


def test_demo_check_reports_the_planned_3000_departure(run):
    result = run("check", "--as-of", "2018-09-17")
    assert result.exit_code == 0, result.output
    assert "3,000 departures from 55-km At Tanf deconfliction zone to Euphrates Shield" in (
        result.output.replace("\n", " ")
    )
    findings = json.loads(run("check", "--as-of", "2018-09-17", "--json").output)["findings"]
    assert [(f["kind"], f["figure_ids"]) for f in findings] == [("planned_movement", [5])]


def test_demo_series_on_the_command_line(run):
    result = run("series", "Rukban", "--weeks", "3", "--end", "2018-09-17")
    assert result.exit_code == 0, result.output
    assert "about 45,000" in result.output and "about 50,000" in result.output
    rows = json.loads(run("series", "rukban", "--weeks", "2", "--end", "2018-W38", "--json").output)
    assert [(r["week"], r["low"], r["source_id"]) for r in rows] == [
        ("2018-W37", 45000, "ocha-2018-09"),
        ("2018-W38", 45000, "demo-illustrative-2018-09-21"),  # the demo's illustrative figure
    ]


def test_a_range_read_at_its_ends_is_not_a_rise_and_findings_never_quote_a_midpoint(camps):
    add(camps, "camp-a", "40,000-50,000", "2018-08-01", source="ocha")
    add(camps, "camp-a", "48,000", "2018-09-01", source="ocha-2")  # inside the range
    add(camps, "camp-b", "1,000-2,000", "2018-08-01", source="ocha")
    add(camps, "camp-b", "9,000", "2018-09-01", source="ocha-2")  # a rise, whichever end
    findings = check(camps, as_of=date(2018, 9, 30)).stock_flow
    rises = [f for f in findings if f.kind == "rise_without_arrivals"]
    assert [f.site_id for f in rises] == ["camp-b"]
    assert "from 1,000–2,000 people (2018-08-01) to 9,000 people" in said(camps, rises[0])
    assert "1,500" not in said(camps, rises[0])


def test_a_site_whose_first_report_has_no_number_is_checked_from_its_first_number(camps):
    add(camps, "camp-a", "hundreds", "2018-09-01", unquantified=True, excerpt="hundreds")
    add(camps, "camp-a", "1,000", "2018-09-08")
    add(camps, "camp-a", "1,500", "2018-09-15")  # +50 %: no arrivals recorded
    add(camps, "camp-a", "many more", "2018-09-16", unquantified=True, excerpt="many more")
    findings = check(camps, date(2018, 9, 17)).stock_flow
    assert [(f.kind, f.site_id) for f in findings] == [("rise_without_arrivals", "camp-a")]
    assert "from 1,000 people (2018-09-08) to 1,500 people (2018-09-15)" in said(camps, findings[0])


def test_a_zone_without_its_own_figure_shows_the_total_of_its_sites_marked_as_one(demo_store, run):
    frame = weekly_series(demo_store, ["55-km zone"], weeks=2, end=date(2018, 9, 23))
    zone = frame[frame["site_id"] == "syr-55km-zone"]
    assert list(zone["low"]) == [45_000, 45_000]
    assert list(zone["reason"]) == ["total_of_sites", "total_of_sites"]
    assert list(zone["total_of_sites"]) == [1, 1]
    assert list(zone["quantifier"]) == ["about", "exact"]  # OCHA's "approximately", then 45,000
    shown = run("series", "55-km zone", "--weeks", "2", "--end", "2018-09-23")
    assert shown.exit_code == 0, shown.output
    assert "no figure yet" not in shown.output
    assert "about 45,000 people (total of 1 site)" in shown.output
    as_json = json.loads(run("series", "55-km zone", "--weeks", "1", "--end", "2018-W38",
                             "--json").output)  # fmt: skip
    assert [(r["low"], r["total_of_sites"]) for r in as_json] == [(45_000, 1)]


def test_a_week_still_under_way_is_counted_to_today_not_to_its_sunday(demo_store):
    # Saturday 22 September 2018: its week ends on Sunday the 23rd.
    saturday = date(2018, 9, 22)
    frame = weekly_series(demo_store, ["Rukban"], weeks=2, end=saturday, today=saturday)
    last = frame.iloc[-1]
    assert (last["week"], last["week_end"]) == ("2018-W38", saturday)
    assert last["age_days"] == 1  # the demo's figure of the 21st, one day before today


def test_severity_grows_with_the_gap_on_one_scale_for_every_kind(camps):
    from dispstats.series.checks import gap, severity

    pairs = ((100, 110), (100, 130), (100, 199), (100, 200), (300, 960))
    assert [severity(gap(a, b)) for a, b in pairs] == [
        "info", "warning", "warning", "serious", "serious"
    ]  # fmt: skip
    camps.add_site(Site("camp-c", "Camp C", parent_id="zone"))
    add(camps, "camp-a", "1,000", "2018-09-10", source="ocha")
    add(camps, "camp-a", "1,100", "2018-09-12", source="press")  # 10 % apart: not a finding
    add(camps, "camp-b", "300", "2018-09-10", source="ocha")
    add(camps, "camp-b", "960", "2018-09-12", source="press")  # 3.2 times
    add(camps, "camp-c", "1,000", "2018-09-10", source="ocha")
    add(camps, "camp-c", "1,400", "2018-09-12", source="press")  # 40 % apart
    add(camps, "town", "1,000", "2018-01-10", source="ocha")  # 35 weeks: past twice 8
    report = check(camps, date(2018, 9, 17))
    by_site = {f.site_id: f.severity for f in report.disagreement_findings}
    assert by_site == {"camp-b": "serious", "camp-c": "warning"}
    assert {f.site_id: f.severity for f in report.stale}["town"] == "serious"


def test_check_prints_the_most_serious_first_and_says_the_scale_in_its_help(camps, tmp_path):
    from click.testing import CliRunner

    from dispstats.cli import cli

    add(camps, "camp-a", "1,000", "2018-09-10", source="ocha")
    add(camps, "camp-a", "1,400", "2018-09-12", source="press")
    add(camps, "camp-b", "300", "2018-09-10", source="ocha")
    add(camps, "camp-b", "960", "2018-09-12", source="press")
    url = camps.engine.url.render_as_string(hide_password=False)
    shown = CliRunner().invoke(cli, ["--db", url, "check", "--as-of", "2018-09-17"])
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.output.splitlines() if line.startswith("  [")]
    assert lines[0].startswith("  [serious]") and lines[1].startswith("  [warning]")
    helped = CliRunner().invoke(cli, ["check", "--help"]).output
    assert "double the other or more" in " ".join(helped.split())
