"""What a count means: a series is (site, indicator, population group, unit); parts of a figure
are never added to it; flows are not stocks; households are never read as people.

The five files of the issue that reported what went wrong are imported through the command
line on SQLite and PostgreSQL, and every result below was worked out by hand from them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispstats.cli import cli
from dispstats.store import FigureFilter, Store

# Each a whole CSV; row 2 is the hashtag row.
PARTS_OF_A_TOTAL = """\
Country,Ward Pcode,IDPs,IDPs insurgency,State of origin,Date
#country+code,#adm3+code,#affected+idps+ind,#affected+idps+ind+cause+conflict+insurgency,\
#adm1+name+origin,#date+reported
NGA,NG002001001,534,534,Adamawa,2021-07-30
"""
RETURNEES_IN_TWO_UNITS = """\
Country,Region pcode,Returnee HH,Returnee ind,Date
#country+code,#adm1+code,#affected+returnees+hh,#affected+returnees+ind,#date+reported
MLI,MLI07,16678,78430,2021-09-30
MLI,MLI06,20000,90000,2021-09-30
"""
REFUGEES_AND_IDPS = """\
Year,Origin,Asylum,Refugees,IDPs
#date+year,#country+origin+code,#country+asylum+code,#affected+refugees,#affected+idps
2008,IRN,AFG,30,0
2008,IRQ,AFG,7,0
2008,AFG,AFG,0,230670
"""
NEW_DISPLACEMENTS = """\
ISO3,Year,Conflict Stock Displacement,Disaster Internal Displacements
#country+code,#date+year,#affected+idps+ind+stock+conflict,#affected+idps+ind+internaldisp+disaster
TZA,2011,,22000
"""
PARTS_IN_ROWS = """\
Country,Level,IDPs,Date,Reason
#country+code,#adm+level,#affected+idps,#date+reported,#cause+type
AFG,0,179956,2017-03-30,Conflict
AFG,0,98,2017-03-30,Natural disaster
"""


@pytest.fixture
def cli_on(db_url: str, tmp_path: Path):
    """Run the command line on a new, empty store (SQLite, and PostgreSQL when reachable)."""
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "init"]).exit_code == 0

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--db", db_url, *args], input=input, catch_exceptions=True)

    def imported(text: str) -> None:
        path = tmp_path / "file.csv"
        path.write_text(text, encoding="utf-8")
        result = invoke("import", str(path), "--create-sites", "--publisher", "Test")
        assert result.exit_code == 0, result.output

    invoke.url, invoke.imported = db_url, imported
    return invoke


def figures_json(run) -> list[dict]:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_part_in_a_column_is_kept_with_its_total_never_added_to_it(cli_on):
    cli_on.imported(PARTS_OF_A_TOTAL)
    (ward,) = figures_json(cli_on)
    assert (ward["low"], ward["high"], ward["population_group"], ward["unit"]) == (
        534, 534, "idps", "people"
    )  # fmt: skip
    # The row's one origin splits nothing in the file: perhaps the ward's main origin, no part.
    assert ward["parts"] == [{"cause": "conflict – insurgency", "value": 534}]
    shown = cli_on("show", str(ward["id"])).output
    assert "cause conflict – insurgency: 534" in shown
    totals = json.loads(cli_on("totals", "--by", "country", "--json").output)
    assert [(t["area"], t["low"]) for t in totals] == [("NGA", 534)]


def test_returnees_in_households_are_never_shown_as_people(cli_on):
    cli_on.imported(RETURNEES_IN_TWO_UNITS)
    people = json.loads(
        cli_on("totals", "--by", "country", "--group", "returnees", "--json").output
    )
    assert [(t["area"], t["low"], t["unit"], t["population_group"]) for t in people] == [
        ("MLI", 78430 + 90000, "people", "returnees")
    ]
    households = json.loads(
        cli_on("totals", "--by", "country", "--unit", "households", "--json").output
    )
    assert [(t["low"], t["unit"]) for t in households] == [(16678 + 20000, "households")]
    table = cli_on("totals", "--by", "country").output
    assert "168,430 people" in table and "36,678" not in table
    region = cli_on("estimate", "MLI07").output
    assert "78,430 people" in region and "16,678" not in region
    asked = cli_on("estimate", "MLI07", "--unit", "households").output
    assert "16,678 households" in asked and "78,430" not in asked


def test_refugees_and_idps_are_two_series_never_one_estimate(cli_on):
    cli_on.imported(REFUGEES_AND_IDPS)
    idps = json.loads(cli_on("estimate", "AFG", "--group", "idps", "--json").output)
    refugees = json.loads(cli_on("estimate", "AFG", "--group", "refugees", "--json").output)
    assert (idps["figure"]["low"], idps["population_group"], idps["unit"]) == (
        230670, "idps", "people"
    )  # fmt: skip
    assert (refugees["figure"]["low"], refugees["population_group"]) == (37, "refugees")
    assert refugees["figure"]["value_text"] == "37 (sum of 3 parts by origin)"
    # Afghanistan's own row counts 0 refugees: a part of 0, kept as the file gives it.
    assert [(p["origin"], p["value"]) for p in refugees["figure"]["parts"]] == [
        ("AFG", 0),
        ("IRN", 30),
        ("IRQ", 7),
    ]
    both = cli_on("estimate", "AFG")
    assert both.exit_code == 0
    assert "AFG · population (IDPs)" in both.output
    assert "AFG · population (refugees)" in both.output
    one = cli_on("estimate", "AFG", "--json")  # JSON answers one series: say which
    assert one.exit_code == 1 and "--group" in one.output and "refugees (people)" in one.output


def test_new_displacements_are_a_flow_over_their_period_never_a_population(cli_on):
    cli_on.imported(NEW_DISPLACEMENTS)
    (figure,) = figures_json(cli_on)
    assert (figure["indicator"], figure["low"], figure["ref_start"], figure["ref_end"]) == (
        "new_displacements", 22000, "2011-01-01", "2011-12-31"
    )  # fmt: skip
    population = json.loads(cli_on("estimate", "TZA", "--json").output)
    assert population["figure"] is None  # no population of IDPs was reported
    no_period = cli_on("estimate", "TZA", "--indicator", "new_displacements")
    assert no_period.exit_code == 1 and "--period" in no_period.output
    year = json.loads(
        cli_on("estimate", "TZA", "--indicator", "new displacements", "--period", "2011",
               "--json").output
    )  # fmt: skip
    assert (year["low"], year["days_covered"], len(year["counted"])) == (22000, 365, 1)
    half = json.loads(
        cli_on("estimate", "TZA", "--indicator", "newdisp", "--period", "2011-01..2011-06",
               "--json").output
    )  # fmt: skip
    assert half["low"] is None  # a year's figure is not cut into halves
    cli_on.imported(
        "#country+code,#adm1+code,#date+reported,#affected+idps+ind+newdisp\n"
        "TZA,TZ01,2011-03,1000\nTZA,TZ01,2011-08,250\nTZA,TZ02,2011,500\nTZA,TZ02,2012,900\n"
    )
    totals = json.loads(
        cli_on("totals", "--by", "country", "--indicator", "new_displacements", "--period",
               "2011", "--json").output
    )  # fmt: skip
    # Each region's flow over 2011 (two months; a year), added up; the country's own figure
    # beside the total, never replaced by it; 2012 left out.
    ((tza),) = totals
    assert (tza["area"], tza["low"], tza["unit"]) == ("TZA", 1000 + 250 + 500, "people")
    assert tza["own_flow"]["low"] == 22000 and tza["own_figure"] is None


def test_rows_that_differ_only_by_cause_are_parts_of_one_figure(cli_on):
    cli_on.imported(PARTS_IN_ROWS)
    (afg,) = figures_json(cli_on)
    assert (afg["low"], afg["value_text"]) == (180054, "180,054 (sum of 2 parts by cause)")
    assert afg["parts"] == [
        {"cause": "conflict", "value": 179956},
        {"cause": "disaster", "value": 98},
    ]
    shown = cli_on("estimate", "AFG", "--as-of", "2017-04-01").output
    assert "by cause: conflict 179,956 (100%); disaster 98 (0%)" in shown


ONE_ORIGIN_PER_PLACE = """\
Ward,Date,Origin,IDPs,Returnees
#adm3+code,#date+reported,#adm1+name+origin,#affected+idps+ind,#affected+returnees+ind
NG001,2021-07-30,Borno,300,40
NG002,2021-07-30,Yobe,120,
"""


def test_an_origin_given_once_for_each_place_is_no_part_and_the_import_says_why(cli_on, tmp_path):
    """DTM lists give each place's majority origin in one row: reading it as the origin of
    everyone counted (and of the returnees beside the IDPs) would be a guess."""
    path = tmp_path / "origins.csv"
    path.write_text(ONE_ORIGIN_PER_PLACE, encoding="utf-8")
    result = cli_on("import", str(path), "--create-sites", "--publisher", "Test")
    assert result.exit_code == 0, result.output
    assert (
        "#adm1+name+origin: one origin for each place, never splitting a figure in this file"
        in result.output
    )
    found = figures_json(cli_on)
    assert sorted((f["site_id"], f["low"], f["parts"]) for f in found) == [
        ("ng001", 40, []),
        ("ng001", 300, []),
        ("ng002", 120, []),
    ]


FEMALE_BY_ORIGIN = {
    "one figure per row": """\
Site,Indicator,Group,Value,Date,Origin,Female
#loc+name,#indicator+code,#meta+group+code,#indicator+text,#date+reported,#adm1+name+origin,\
#affected+idps+ind+f
Camp A,population,idps,100,2024-01-31,Borno,60
Camp A,population,idps,50,2024-01-31,Yobe,20
Camp B,population,idps,80,2024-01-31,Borno,30
""",
    "counts in columns": """\
Site,Date,Origin,IDPs,Female
#loc+name,#date+reported,#adm1+name+origin,#affected+idps+ind,#affected+idps+ind+f
Camp A,2024-01-31,Borno,100,60
Camp A,2024-01-31,Yobe,50,20
Camp B,2024-01-31,Borno,80,30
""",
}


@pytest.mark.parametrize("layout", list(FEMALE_BY_ORIGIN))
def test_part_columns_of_rows_by_origin_are_parts_by_origin_and_sex_in_either_layout(
    cli_on, layout
):
    cli_on.imported(FEMALE_BY_ORIGIN[layout])
    found = {f["site_id"]: f for f in figures_json(cli_on)}
    assert found["camp-a"]["low"] == 150 and found["camp-a"]["parts"] == [
        {"origin": "Borno", "value": 100},
        {"origin": "Yobe", "value": 50},
        {"origin": "Borno", "sex": "female", "value": 60},
        {"origin": "Yobe", "sex": "female", "value": 20},
    ]
    # Camp B's one row names its origin in a file whose rows split figures by origin.
    assert found["camp-b"]["low"] == 80 and found["camp-b"]["parts"] == [
        {"sex": "female", "value": 30},
        {"origin": "Borno", "value": 80},
    ]


def test_totals_and_estimates_json_carry_the_group_and_the_unit(cli_on):
    cli_on.imported(REFUGEES_AND_IDPS)
    totals = cli_on("totals", "--by", "country", "--indicator", "population", "--group", "idps",
                    "--unit", "people", "--json")  # fmt: skip
    assert totals.exit_code == 0, totals.output
    (total,) = json.loads(totals.output)
    assert (total["area"], total["population_group"], total["unit"]) == ("AFG", "idps", "people")
    # Afghanistan's figure is its own (no area below it reported): beside an empty total.
    assert (total["low"], total["own_figure"]["low"]) == (None, 230670)
    estimate = json.loads(
        cli_on("estimate", "AFG", "--indicator", "population", "--group", "refugees",
               "--json").output
    )  # fmt: skip
    assert (estimate["population_group"], estimate["unit"]) == ("refugees", "people")


# --- typed entry ------------------------------------------------------------------------------


def test_a_group_in_free_words_is_refused_naming_the_description_option(run):
    result = run("add", "--site", "Rukban", "--indicator", "population", "--value", "3,000",
                 "--date", "2018-09-17", "--source", "ocha-2018-09", "--group",
                 "Qaryatayn tribe", "--no-interactive")  # fmt: skip
    assert result.exit_code == 1
    assert "'Qaryatayn tribe' is not a population group" in result.output
    assert "--description" in result.output
    old = run("add", "--site", "Rukban", "--indicator", "households", "--value", "3,000",
              "--date", "2018-09-17", "--source", "ocha-2018-09", "--no-interactive")  # fmt: skip
    assert old.exit_code == 1
    assert "--indicator population --unit households" in old.output


def test_parts_are_entered_kept_by_a_correction_and_replaced_when_given(run, sqlite_db):
    added = run("add", "--site", "Rukban", "--indicator", "population", "--group", "idps",
                "--value", "45,000", "--part", "female=23,400", "--part", "male=21,600",
                "--part", "age 0-17=24,000", "--date", "2018-09-18", "--source", "un-2018-01",
                "--description", "mostly women and children", "--no-interactive")  # fmt: skip
    assert added.exit_code == 0, added.output
    with Store.open(str(sqlite_db)) as store:
        figure_id = max(f.id for f in store.figures())
    kept = run("correct", str(figure_id), "--value", "45,500", "--keep-excerpt",
               "--reason", "recount")  # fmt: skip
    assert kept.exit_code == 0, kept.output
    replaced = run("correct", str(figure_id), "--part", "female=23,700", "--part",
                   "male=21,800", "--reason", "sex split revised")  # fmt: skip
    assert replaced.exit_code == 0, replaced.output
    with Store.open(str(sqlite_db)) as store:
        versions = store.history(figure_id)
    assert [len(v.parts) for v in versions] == [3, 3, 2]
    assert versions[0].parts == versions[1].parts
    assert [p.value for p in versions[2].parts] == [23_700, 21_800]
    assert versions[0].description == "mostly women and children"
    history = run("history", str(figure_id)).output
    assert "sex female: 23,400" in history and "sex female: 23,700" in history
    removed = run("correct", str(figure_id), "--no-parts", "--reason", "split withdrawn")
    assert removed.exit_code == 0 and "Parts" not in run("show", str(figure_id)).output


@pytest.mark.parametrize(
    ("part", "problem"),
    [
        ("female 40", "is not a part: write it as WHAT=NUMBER"),
        ("sex female=about 40", "one whole number"),
        ("age 17-4=40", "low > high"),
        ("nobody=4", "which dimension is 'nobody'"),
        ("Borno=4", "'origin Borno'"),
    ],
)
def test_a_part_that_cannot_be_read_is_refused_and_nothing_is_stored(run, part, problem):
    before = run("list", "--json").output
    result = run("add", "--site", "Rukban", "--indicator", "population", "--value", "100",
                 "--part", part, "--date", "2018-09-18", "--source", "un-2018-01",
                 "--no-interactive")  # fmt: skip
    assert result.exit_code == 1 and problem in result.output
    assert run("list", "--json").output == before


def test_parts_that_do_not_add_up_are_a_check_finding_and_never_counted(run):
    added = run("add", "--site", "Rukban", "--indicator", "population", "--group", "idps",
                "--value", "1,000", "--part", "female=700", "--part", "male=600",
                "--part", "cause conflict=1,500", "--date", "2018-09-18",
                "--source", "un-2018-01", "--no-interactive")  # fmt: skip
    assert added.exit_code == 0, added.output
    findings = json.loads(run("check", "--as-of", "2018-09-18", "--json").output)["findings"]
    parts = [f["message"] for f in findings if f["kind"] == "parts"]
    assert len(parts) == 2
    assert any("by sex add up to 1,300 people, more than the figure (1,000 people)" in m
               for m in parts)  # fmt: skip
    assert any("by cause add up to 1,500 people, more than" in m for m in parts)
    totals = json.loads(run("totals", "--as-of", "2018-09-18", "--json").output)
    assert [t["low"] for t in totals] == [1_000]  # the figure, never its parts


def test_complete_parts_that_add_up_to_less_are_reported_within_rounding_not_below():
    from dispstats.model.breakdown import Part, part_problems

    sex = [Part.of({"sex": "female"}, 500), Part.of({"sex": "male"}, 499)]
    assert part_problems(1_000, 1_000, "exact", sex) == []  # off by one: rounding
    short = [Part.of({"sex": "female"}, 400), Part.of({"sex": "male"}, 400)]
    (problem,) = part_problems(1_000, 1_000, "exact", short)
    assert (problem.kind, problem.total) == ("short", 800)
    ages = [Part.of({"age": "0-17"}, 300), Part.of({"age": "18+"}, 300)]
    assert part_problems(1_000, 1_000, "exact", ages)[0].kind == "short"
    some_ages = [Part.of({"age": "0-4"}, 300)]  # not every age: no finding
    assert part_problems(1_000, 1_000, "exact", some_ages) == []
    hundreds = [Part.of({"sex": "female"}, 23_400), Part.of({"sex": "male"}, 21_600)]
    assert part_problems(45_050, 45_050, "about", hundreds) == []


# --- small cells ------------------------------------------------------------------------------


def test_a_small_part_is_withheld_in_public_and_cannot_be_worked_out_by_subtraction():
    from dispstats.model.breakdown import Part, suppressed

    sex = [Part.of({"sex": "female"}, 3), Part.of({"sex": "male"}, 997)]
    assert suppressed(sex, 5, 1_000) == set(sex)  # 997 would give the 3 away
    three = [Part.of({"age": a}, v) for a, v in (("0-4", 2), ("5-17", 400), ("18+", 598))]
    hidden = suppressed(three, 5, 1_000)
    assert hidden == {three[0], three[1]}  # the next smallest hides it
    causes = [Part.of({"cause": "conflict"}, 3), Part.of({"cause": "disaster"}, 997)]
    assert suppressed(causes, 5, 1_000) == {causes[0]}  # causes never cover: nothing follows
    cross = [
        Part.of({"sex": s, "age": a}, v)
        for (s, a), v in {("female", "0-17"): 2, ("female", "18+"): 500,
                          ("male", "0-17"): 300, ("male", "18+"): 198}.items()
    ]  # fmt: skip
    margins = [Part.of({"sex": "female"}, 502), Part.of({"sex": "male"}, 498)]
    hidden = suppressed([*cross, *margins], 5, 1_000)
    assert cross[0] in hidden and cross[1] in hidden  # the row of the small cell
    assert sum(1 for p in hidden if p.get("age") == "0-17") >= 2  # and its column


def test_public_outputs_withhold_small_parts_and_internal_ones_show_them(run, tmp_path):
    added = run("add", "--site", "Rukban", "--indicator", "population", "--group", "idps",
                "--value", "1,000", "--part", "female=3", "--part", "male=997",
                "--date", "2018-09-22", "--source", "un-2018-01", "--no-interactive")  # fmt: skip
    assert added.exit_code == 0, added.output
    public, internal = tmp_path / "public.csv", tmp_path / "internal.csv"
    assert run("export", "hxl", "--public", "-o", str(public)).exit_code == 0
    assert run("export", "hxl", "-o", str(internal)).exit_code == 0
    import csv

    def part_cells(path: Path) -> list[tuple[str, str]]:
        rows = list(csv.reader(path.open(encoding="utf-8")))
        tags = rows[1]
        row = next(r for r in rows[2:] if r[tags.index("#indicator+text")] == "1,000")
        return [(t, row[i]) for i, t in enumerate(tags) if t.endswith(("+f", "+m"))]

    assert part_cells(internal) == [("#affected+idps+ind+f", "3"), ("#affected+idps+ind+m", "997")]
    assert part_cells(public) == [("#affected+idps+ind+f", ""), ("#affected+idps+ind+m", "")]
    assert run("settings", "small_cells", "2").exit_code == 0
    assert run("export", "hxl", "--public", "-o", str(public)).exit_code == 0
    assert part_cells(public) == [("#affected+idps+ind+f", "3"), ("#affected+idps+ind+m", "997")]


# --- round trip --------------------------------------------------------------------------------


def test_parts_go_out_as_standard_wide_tags_and_come_back_byte_for_byte(db_url, tmp_path):
    from dispstats.reports.hxl import export_hxl_csv
    from dispstats.store.importer import ImportOptions, import_file

    first = tmp_path / "first.db"
    with Store.init(str(first))[0] as store:
        for n, text in enumerate((PARTS_OF_A_TOTAL, REFUGEES_AND_IDPS, PARTS_IN_ROWS,
                                  NEW_DISPLACEMENTS, RETURNEES_IN_TWO_UNITS)):  # fmt: skip
            path = tmp_path / f"in{n}.csv"
            path.write_text(text, encoding="utf-8")
            report = import_file(store, path, ImportOptions(
                create_sites=True, new_source={"publisher": f"Publisher {n}"}))  # fmt: skip
            assert report.written, report.errors
        exported = tmp_path / "a.csv"
        export_hxl_csv(store, exported)
    header = exported.read_text(encoding="utf-8").splitlines()[1]
    assert "#affected+idps+ind+cause+conflict+insurgency" in header  # a standard wide tag
    assert "#meta+parts" in header  # origins and the source's own words for a cause
    with Store.init(db_url)[0] as again:
        report = import_file(again, exported, ImportOptions(create_sites=True))
        assert report.written and not report.errors, report.errors
        second = tmp_path / "b.csv"
        export_hxl_csv(again, second)
    assert second.read_bytes() == exported.read_bytes()


# --- the store of an earlier version ------------------------------------------------------------

# Made with dispstats at 399f84f (schema 0004): init --demo; an IOM DTM source; import of
# tests/data/real/dtm_somalia_returnees.csv and dtm_iraq_households.csv; Rukban 37 with
# --group refugees; Rukban households with --group "Qaryatayn tribe"; correct 10; an import of
# one #affected+refugees row for AFG.
EARLIER = Path(__file__).parent / "data" / "store-0004.db"


def test_a_store_of_the_previous_release_migrates_and_says_what_it_changed(tmp_path):
    import shutil

    path = tmp_path / "old.db"
    shutil.copy(EARLIER, path)
    result = CliRunner().invoke(cli, ["--db", str(path), "init"])
    assert result.exit_code == 0, result.output
    said = result.output
    assert "4 figures had their population group in free words" in said
    assert "2 figures named a population group ('refugees' ...): kept as it" in said
    assert (
        "3 figures of the indicator 'households' are now population counted in households" in said
    )
    assert (
        "4 figures of the indicator 'returnees' are now population of the group returnees" in said
    )
    assert "figures name no population group" in said and "--group idps" in said
    with Store.open(str(path)) as store:
        figures = {f.id: f for f in store.figures(FigureFilter(include_retracted=True))}
        assert len(figures) == 19
        assert {f.indicator for f in figures.values()} == {"population", "departures"}
        assert (figures[4].population_group, figures[4].description) == (
            None, "displaced people, mostly women and children"
        )  # fmt: skip
        assert (figures[5].description, figures[5].population_group) == ("Qaryatayn tribe", None)
        assert (figures[13].indicator, figures[13].unit) == ("population", "households")
        assert (figures[7].population_group, figures[7].unit) == ("returnees", "people")
        assert (figures[17].population_group, figures[19].population_group) == (
            "refugees", "refugees"
        )  # fmt: skip
        households = figures[18]  # households, with a group in free words before
        assert (households.indicator, households.unit, households.description) == (
            "population", "households", "Qaryatayn tribe"
        )  # fmt: skip
        history = store.history(10)  # a corrected returnees figure: both versions carried
        assert [(v.indicator, v.population_group) for v in history] == [
            ("population", "returnees"), ("population", "returnees")
        ]  # fmt: skip
        # Rukban's refugees (37) no longer compete with its people of no stated group.
        from dispstats.series import estimates

        found = {e.population_group: e.figure.id for e in estimates(store, "Rukban")}
        assert found == {None: 4, "refugees": 17}
    again = CliRunner().invoke(cli, ["--db", str(path), "init"])
    assert again.exit_code == 0 and "Upgraded" not in again.output


# --- the rule, as a property ----------------------------------------------------------------------


WIDE = {
    "#affected+idps+ind+f": ("sex", "female"),
    "#affected+idps+ind+m": ("sex", "male"),
    "#affected+idps+ind+age0_17": ("age", "0-17"),
    "#affected+idps+ind+age18plus": ("age", "18+"),
    "#affected+idps+ind+cause+conflict": ("cause", "conflict"),
}
_CELL = st.one_of(st.none(), st.just(0), st.integers(0, 5_000))
_WIDE_ROW = st.fixed_dictionaries({"total": _CELL, **{tag: _CELL for tag in WIDE}})
_LONG_FIGURE = st.fixed_dictionaries(
    {"total": _CELL, "f": _CELL, "m": _CELL}  # rows: gender all, f, m
)


def _expected_whole(total, parts: dict[tuple, int]) -> int | None:
    """What the figure must be: the total cell, else the sum of the one breakdown that can
    stand for the whole (the only one, else the first that covers its dimension), else none
    (the row is refused)."""
    if total is not None:
        return total
    by: dict[str, dict[str, int]] = {}
    for (dimension, value), n in parts.items():
        by.setdefault(dimension, {})[value] = n
    if len(by) == 1:
        return sum(next(iter(by.values())).values())
    covering = [
        d for d, values in by.items() if set(values) in ({"female", "male"}, {"0-17", "18+"})
    ]
    return sum(by[covering[0]].values()) if covering else None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(wide=st.lists(_WIDE_ROW, min_size=1, max_size=6), long=st.lists(_LONG_FIGURE, max_size=4))
def test_every_stored_figure_is_its_total_or_the_sum_of_its_parts_never_both(
    tmp_path_factory, wide, long
):
    from dispstats.model.records import Source
    from dispstats.store.importer import ImportOptions, import_file

    folder = tmp_path_factory.mktemp("parts")
    tags = ["#adm1+code", "#date+reported", "#affected+idps+ind", *WIDE]
    lines = [",".join(tags)]
    for n, row in enumerate(wide):
        cells = [row["total"], *(row[t] for t in WIDE)]
        lines.append(",".join([f"W{n:02d}", "2024-03-31", *("" if c is None else str(c)
                                                            for c in cells)]))  # fmt: skip
    wide_path = folder / "wide.csv"
    wide_path.write_text("\n".join(lines) + "\n")
    long_lines = ["#adm1+code,#date+reported,#gender,#affected+idps+ind"]
    for n, figure in enumerate(long):
        for gender, key in (("all", "total"), ("f", "f"), ("m", "m")):
            if figure[key] is not None:
                long_lines.append(f"L{n:02d},2024-03-31,{gender},{figure[key]}")
    long_path = folder / "long.csv"
    long_path.write_text("\n".join(long_lines) + "\n")
    with Store.init(str(folder / "store.db"))[0] as store:
        store.add_source(Source("dtm", "IOM DTM", "un", reliability="B"))
        options = ImportOptions(source="dtm", create_sites=True, on_error="skip",
                                rejects=folder / "rejects.csv")  # fmt: skip
        import_file(store, wide_path, options)
        if len(long_lines) > 1:
            import_file(store, long_path, options)
        stored = {f.site_id: f for f in store.figures()}
        for n, row in enumerate(wide):
            parts = {WIDE[t]: row[t] for t in WIDE if row[t] is not None}
            whole = _expected_whole(row["total"], parts)
            figure = stored.get(f"w{n:02d}")
            if whole is None:
                assert figure is None, (row, figure)
                continue
            assert (figure.low, figure.high) == (whole, whole), (row, figure)
            assert {p.key[0]: p.value for p in figure.parts} == parts
        for n, figure_cells in enumerate(long):
            parts = {("sex", s): figure_cells[k] for s, k in (("female", "f"), ("male", "m"))
                     if figure_cells[k] is not None}  # fmt: skip
            whole = _expected_whole(figure_cells["total"], parts)
            figure = stored.get(f"l{n:02d}")
            if whole is None:
                assert figure is None
                continue
            assert (figure.low, figure.high) == (whole, whole), (figure_cells, figure)
            assert {p.key[0]: p.value for p in figure.parts} == parts
        # A part is never a figure of its own: one figure per place at most.
        assert len(store.figures()) == len(stored)


# --- a real file -------------------------------------------------------------------------------

NIGERIA = Path(__file__).parent / "data" / "real" / "dtm_nigeria_baseline_r38.xlsx"


def test_a_dtm_baseline_with_parts_by_cause_is_counted_once_as_an_independent_reading_says(
    tmp_path,
):
    """IOM DTM Nigeria, round 38: each ward's IDPs with the same IDPs again by cause
    (+cause+conflict+insurgency ...) and by origin in rows. Its totals by state and country
    equal pandas' own sum of its 'Estimated Number of IDP' column, not twice it."""
    import pandas as pd
    from openpyxl import load_workbook

    from dispstats.model.records import Source
    from dispstats.store.importer import ImportOptions, import_file

    book = load_workbook(NIGERIA)
    swapped = {"#adm2+code": "#adm2+name", "#adm2+name": "#adm2+code",
               "#adm3+code": "#adm3+name", "#adm3+name": "#adm3+code"}  # fmt: skip
    for cell in book.active[2]:  # the file tags its LGA and ward names as codes, and back
        cell.value = swapped.get(cell.value, cell.value)
    fixed = tmp_path / "nigeria.xlsx"
    book.save(fixed)
    read = pd.read_excel(NIGERIA, header=0, skiprows=[1])
    by_state = read.groupby("State Pcode")["Estimated Number of IDP"].sum().to_dict()
    with Store.init(str(tmp_path / "store.db"))[0] as store:
        store.add_source(Source("dtm", "IOM DTM", "un", reliability="B"))
        report = import_file(store, fixed, ImportOptions(source="dtm", create_sites=True))
        assert report.written and not report.errors, report.errors[:3]
        from dispstats.series import hierarchy_totals

        states = hierarchy_totals(store, "admin1", indicator="population", group="idps",
                                  unit="people")  # fmt: skip
        assert {t.area: t.low for t in states} == by_state
        (country,) = hierarchy_totals(store, "country", group="idps", unit="people")
        assert country.low == int(read["Estimated Number of IDP"].sum()) == 2_182_613
        households = hierarchy_totals(store, "country", group="idps", unit="households")
        assert households[0].low == int(read["Estimated Household Number"].sum())
        # A ward's figure keeps its parts by cause, never adds them to itself.
        ward = next(f for f in store.figures() if f.site_id == "ng002002008" and f.unit == "people")
        assert ward.low == int(read.loc[read["CODs PCODE"] == "NG002002008",
                                        "Estimated Number of IDP"].sum())  # fmt: skip
        assert [(p.key, p.value) for p in ward.parts] == [
            ((("cause", "conflict – insurgency"),), 622),
            ((("origin", "ADAMAWA (MADAGALI)"),), 622),  # its one row's state and LGA of origin
        ]
