"""The best-estimate rule, on small hand-made sets whose answers were worked out by hand."""

import json
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispstats.errors import InputError
from dispstats.model.fields import figure_from_fields
from dispstats.model.records import Source
from dispstats.series import best_estimate, estimate
from dispstats.series.checks import stock_flow_findings
from dispstats.series.rule import choose_best

from .conftest import TODAY

SOURCES = {
    "ocha": Source("ocha", "OCHA", "un", reliability="B", published=date(2018, 9, 16)),
    "unhcr": Source("unhcr", "UNHCR", "un", reliability="B", published=date(2018, 9, 18)),
    "press": Source("press", "Press", "media", reliability="C", published=date(2018, 9, 20)),
    "party": Source("party", "Party", "party_to_conflict", reliability="E"),
    "unknown": Source("unknown", "Unknown", "media", reliability="F"),
}
AS_OF = date(2018, 9, 17)


def fig(id, value, when, source, site="rukban", **more):
    f = figure_from_fields(
        {
            "site_id": site,
            "indicator": "population",
            "value": value,
            "reference": when,
            "source_id": source,
            **more,
        },
        today=TODAY,
    )
    return f.revised(id=id)


def best(figures, as_of=AS_OF, **kw):
    return best_estimate(figures, SOURCES, "rukban", "population", as_of, **kw)


def test_the_newest_reference_date_wins_over_reliability():
    e = best([fig(1, "50,000", "2018-09-01", "ocha"), fig(2, "40,000", "2018-09-10", "press")])
    assert (e.figure.id, e.reason) == (2, "only")
    assert [f.id for f in e.competitors] == [1]
    assert (e.low, e.high) == (40000, 50000)


def test_a_recommended_figure_wins_among_figures_of_the_same_date():
    e = best(
        [
            fig(1, "45,000", "2018-09-16", "ocha"),
            fig(2, "60,000", "2018-09-16", "party", role="recommended"),
        ]
    )
    assert (e.figure.id, e.reason) == (2, "recommended")


def test_the_more_reliable_source_wins_among_figures_of_the_same_date():
    e = best([fig(1, "60,000", "2018-09-16", "press"), fig(2, "45,000", "2018-09-16", "ocha")])
    assert (e.figure.id, e.reason) == (2, "reliability")
    assert (e.low, e.high) == (45000, 60000)


def test_equal_reliability_goes_to_the_most_recent_publication():
    e = best([fig(1, "45,000", "2018-09-16", "ocha"), fig(2, "47,000", "2018-09-16", "unhcr")])
    assert (e.figure.id, e.reason) == (2, "publication")


def test_a_full_tie_goes_to_the_figure_entered_first():
    e = best([fig(7, "45,000", "2018-09-16", "ocha"), fig(3, "46,000", "2018-09-16", "ocha")])
    assert (e.figure.id, e.reason) == (3, "entry_order")
    assert [f.id for f in e.competitors] == [7]


def test_an_unjudged_source_ranks_above_one_known_to_be_unreliable():
    winner, reason = choose_best(
        [fig(1, "10", "2018-09-16", "party"), fig(2, "20", "2018-09-16", "unknown")], SOURCES
    )
    assert (winner.id, reason) == (2, "reliability")


def test_ranges_count_by_their_low_and_high():
    e = best(
        [fig(1, "45,000", "2018-09-16", "ocha"), fig(2, "40,000-80,000", "2018-09-01", "press")]
    )
    assert (e.figure.id, e.low, e.high) == (1, 40000, 80000)


def test_a_retracted_figure_never_wins():
    newest = fig(2, "90,000", "2018-09-16", "ocha").revised(revision="retraction", reason="x")
    e = best([fig(1, "45,000", "2018-09-10", "press"), newest])
    assert e.figure.id == 1
    assert e.competitors == ()


def test_figures_after_the_as_of_date_are_ignored():
    e = best([fig(1, "45,000", "2018-09-10", "ocha"), fig(2, "10", "2018-09-18", "press")])
    assert e.figure.id == 1 and e.competitors == ()


def test_a_month_figure_counts_from_the_first_of_its_month_and_loses_to_a_later_day():
    month = fig(1, "45,000", "2018-09", "ocha")
    assert best([month], as_of=date(2018, 9, 1)).figure.id == 1
    assert best([month, fig(2, "44,000", "2018-09-05", "press")]).figure.id == 2


def test_a_source_counts_once_in_the_range_with_its_latest_figure():
    e = best(
        [
            fig(1, "30,000", "2018-08-01", "press"),
            fig(2, "50,000", "2018-09-01", "press"),
            fig(3, "45,000", "2018-09-16", "ocha"),
        ]
    )
    assert [f.id for f in e.competitors] == [2]
    assert (e.low, e.high) == (45000, 50000)


def test_older_figures_of_other_sources_are_earlier_estimates_not_the_range():
    e = best([fig(1, "85,000", "2016-10", "unhcr"), fig(2, "45,000", "2018-09-16", "ocha")])
    assert e.competitors == () and [f.id for f in e.earlier] == [1]
    assert (e.low, e.high) == (45000, 45000)


def test_unquantified_reports_never_win_and_are_listed():
    report = fig(2, "", "2018-09-16", "press", unquantified=True, excerpt="hundreds")
    e = best([fig(1, "45,000", "2018-09-01", "ocha"), report])
    assert e.figure.id == 1 and [f.id for f in e.reports] == [2]


def test_a_site_with_no_figures_has_no_estimate():
    e = best([fig(1, "45,000", "2018-09-16", "ocha", site="elsewhere")])
    assert (e.figure, e.reason, e.low, e.high, e.is_stale) == (None, None, None, None, False)


def test_an_estimate_older_than_the_threshold_is_stale_with_its_age():
    e = best([fig(1, "45,000", "2018-06-01", "ocha")], as_of=date(2018, 8, 15))
    assert (e.age_days, e.age_weeks, e.is_stale) == (75, 10, True)
    assert not best(
        [fig(1, "45,000", "2018-06-01", "ocha")], as_of=date(2018, 8, 15), stale_weeks=12
    ).is_stale


def test_a_correction_replaces_its_original_in_the_store(demo_store):
    demo_store.correct(4, "revised", quantity=fig(0, "42,000", "2018-09-16", "x").quantity)
    e = estimate(demo_store, "Rukban", as_of=AS_OF)
    assert (e.figure.id, e.figure.version, e.figure.quantity.low) == (4, 2, 42000)


def test_recommending_a_figure_makes_it_win_and_is_kept_in_history(demo_store):
    from dispstats.store.data_entry import add_figure

    rival = add_figure(
        demo_store,
        {
            "site": "Rukban",
            "indicator": "population",
            "value": "50,000",
            "date": "2018-09-16",
            "source": "un-2018-01",
            "group": "idps",
        },
        today=TODAY,
    )
    assert estimate(demo_store, "Rukban", as_of=AS_OF).figure.id == 4  # B, more recent
    demo_store.recommend(rival.id, "registration-based")
    e = estimate(demo_store, "Rukban", as_of=AS_OF)
    assert (e.figure.id, e.reason) == (rival.id, "recommended")
    assert [v.revision for v in demo_store.history(rival.id)] == ["original", "recommendation"]


def test_demo_rukban_as_of_17_september_2018_is_45000_from_ocha(run):
    result = run("estimate", "Rukban", "--as-of", "2018-09-17")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("Best estimate: about 45,000 people")
    assert "OCHA, 2018-09-16" in lines[1]
    for other in ("about 50,000 people", "United Nations", "70,000–80,000", "about 85,000"):
        assert other in result.output
    data = json.loads(run("estimate", "rukban", "--as-of", "2018-09-17", "--json").output)
    assert (data["figure"]["low"], data["figure"]["source_id"]) == (45000, "ocha-2018-09")
    assert [f["source_id"] for f in data["earlier"]] == [
        "un-2018-01",
        "press-2017",
        "unhcr-2016-10",
    ]
    assert "recommended" in data["rule"]


def test_recommend_on_the_command_line(run):
    assert run("recommend", "3", "--reason", "analyst's choice").exit_code == 0
    history = json.loads(run("history", "3", "--json").output)
    assert history[-1]["role"] == "recommended" and history[-1]["revision"] == "recommendation"


@pytest.mark.parametrize(
    "args", [["Rukbn"], ["Rukban", "--as-of", "soon"], ["Rukban", "--indicator", "refugees"]]
)
def test_estimate_refuses_bad_input_cleanly(run, args):
    result = run("estimate", *args)
    assert result.exit_code == 1 and "Error:" in result.output


# What the rise check walked before it walked each site's dates once: the rule applied anew
# at every date a figure gives. Kept here as the reference the fast walk must agree with.
def rises_by_the_rule_at_every_date(figures, arrivals, tolerance=0.1):
    dates = sorted({f.ref.start for f in figures})
    steps = [best(figures, as_of=d).figure for d in dates]
    steps = [f for f in steps if f is not None]
    return [
        (a.id, b.id)
        for a, b in pairwise(steps)
        if a.quantity.high > 0
        and (b.quantity.low - a.quantity.high) / a.quantity.high > tolerance
        and not any(a.ref.start < m.ref.start <= b.ref.start for m in arrivals)
    ]


site_figures = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 5000)),  # None: a report with no number
        st.integers(0, 6),  # day of September 2018
        st.sampled_from(sorted(SOURCES)),
        st.booleans(),  # recommended
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(site_figures, st.lists(st.integers(0, 6), max_size=3))
def test_the_rise_check_finds_what_the_rule_applied_at_every_date_finds(drawn, arrival_days):
    figures = [
        fig(
            n,
            "" if value is None else f"{value:,}",
            f"2018-09-{day + 1:02d}",
            source,
            unquantified=value is None,
            excerpt="some" if value is None else None,
            role="recommended" if recommended else "automatic",
        )
        for n, (value, day, source, recommended) in enumerate(drawn, start=1)
    ]
    arrivals = [
        fig(100 + n, "50", f"2018-09-{day + 1:02d}", "ocha", indicator="arrivals",
            origin_site_id="town", movement_status="completed")
        for n, day in enumerate(arrival_days)
    ]  # fmt: skip
    found = stock_flow_findings(figures + arrivals, SOURCES, date(2018, 9, 30), tolerance=0.1)
    assert [f.figure_ids for f in found if f.kind == "rise_without_arrivals"] == (
        rises_by_the_rule_at_every_date(figures, arrivals)
    )


def test_recommend_says_at_once_when_a_newer_figure_is_still_the_estimate(run):
    # Figure 3 (United Nations, January 2018) is older than OCHA's and the demo's September ones.
    said = run("recommend", "3", "--reason", "analyst's choice")
    assert said.exit_code == 0, said.output
    assert "It is not the best estimate of Rukban today: figure 7" in said.output
    assert "it is newer (a recommendation chooses among figures of the same date" in said.output


def test_recommend_says_when_the_figure_is_the_estimate_now(run):
    said = run("recommend", "7", "--reason", "the demo's own count")
    assert said.exit_code == 0, said.output
    assert "It is the best estimate of Rukban today." in said.output


def test_a_repeated_recommendation_is_refused_and_adds_no_version(run):
    assert run("recommend", "4", "--reason", "registration").exit_code == 0
    again = run("recommend", "4", "--reason", "registration")
    assert again.exit_code == 1
    assert "figure 4 is recommended already (version 2); nothing was changed" in again.output
    assert len(json.loads(run("history", "4", "--json").output)) == 2


def test_recommend_needs_a_reason_like_correct_and_retract(run, demo_store):
    missing = run("recommend", "4")
    assert missing.exit_code != 0 and "--reason" in missing.output
    blank = run("recommend", "4", "--reason", "  ")
    assert blank.exit_code == 1 and "say why the figure is recommended" in blank.output
    with pytest.raises(InputError, match="say why"):
        demo_store.recommend(4, "")
    assert len(json.loads(run("history", "4", "--json").output)) == 1
