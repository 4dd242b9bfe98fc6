"""Entry that cannot mislead: a new value needs its words, a figure on record is not added
twice silently, declassifying says what it publishes, usage errors and a newer store read as
one clear line. Through the command line, on SQLite and PostgreSQL."""

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from dispstats.cli import cli
from dispstats.store import Store
from dispstats.store.demo import load_demo

from .helpers import assert_clean_failure


@pytest.fixture
def on_both(db_url: str):
    """Run a command line on the demo store, on SQLite and on PostgreSQL."""
    with Store.init(db_url)[0] as store:
        load_demo(store)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--db", db_url, *args], input=input)

    return invoke


def _versions(run, figure_id: str) -> int:
    return run("history", figure_id).output.count("\nv") + 1


def test_a_new_value_needs_the_sources_words_or_keep_excerpt(on_both):
    refused = on_both("correct", "4", "--value", "about 42,000", "--reason", "revised")
    assert_clean_failure(refused, "--excerpt", "--keep-excerpt", "approximately 45,000")
    assert _versions(on_both, "4") == 1  # nothing written
    given = on_both(
        "correct", "4", "--value", "about 42,000", "--excerpt", "some 42,000 people",
        "--reason", "revised",
    )  # fmt: skip
    assert given.exit_code == 0, given.output
    assert "some 42,000 people" in on_both("show", "4").output
    kept = on_both("correct", "4", "--value", "41,000", "--keep-excerpt", "--reason", "again")
    assert kept.exit_code == 0, kept.output
    # A correction that leaves the value alone needs neither.
    assert on_both("correct", "4", "--confidence", "high", "--reason", "checked").exit_code == 0


ADD_AGAIN = (
    "add", "--site", "Rukban", "--indicator", "population", "--value", "about 45,000",
    "--date", "2018-09-16", "--source", "ocha-2018-09",
)  # fmt: skip


def test_adding_a_figure_already_on_record_is_refused_unless_allowed(on_both):
    before = on_both("list", "--json").output
    refused = on_both(*ADD_AGAIN)
    assert_clean_failure(refused, "figure 4 already records this", "--allow-duplicate")
    assert on_both("list", "--json").output == before
    # A different value, date or source is a new figure.
    assert on_both(*ADD_AGAIN[:-1], "un-2018-01").exit_code == 0
    allowed = on_both(*ADD_AGAIN, "--allow-duplicate")
    assert allowed.exit_code == 0 and "Added #9" in allowed.output


def test_in_a_terminal_adding_a_duplicate_asks_first(run):
    declined = run(*ADD_AGAIN, "--interactive", input="\n\n\nn\n")
    assert declined.exit_code == 1
    assert "Already on record: #4" in declined.output and "nothing was added" in declined.output
    # No group, description or excerpt, then yes.
    accepted = run(*ADD_AGAIN, "--interactive", input="\n\n\ny\n")
    assert accepted.exit_code == 0 and "Added #8" in accepted.output


def _run_all(run, steps) -> None:
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.output)


def _restricted_then_declassified(run) -> None:
    steps = [
        ("add", "--site", "Rukban", "--indicator", "population", "--value", "47,500",
         "--date", "2018-09-18", "--source", "un-2018-01", "--sensitivity", "restricted",
         "--excerpt", "47,500 counted at the berm", "--note", "camp committee list"),
        ("correct", "8", "--value", "47,800", "--keep-excerpt",
         "--reason", "informant Abu Zaid recounted the eastern sector"),
    ]  # fmt: skip
    _run_all(run, steps)


def test_declassifying_says_what_public_outputs_will_show(on_both):
    _restricted_then_declassified(on_both)
    result = on_both(
        "correct", "8", "--sensitivity", "public", "--reason", "cleared for release by OCHA"
    )
    assert result.exit_code == 0, result.output
    assert "Now public" in result.output
    assert "Excerpt: “47,500 counted at the berm”" in result.output
    assert "Confidence note: “camp committee list”" in result.output
    assert "reasons of its restricted versions stay internal" in result.output


def test_public_outputs_never_show_the_reason_of_a_restricted_version(on_both, tmp_path):
    _restricted_then_declassified(on_both)
    assert on_both("correct", "8", "--sensitivity", "public", "--reason", "cleared").exit_code == 0
    csv, xlsx = tmp_path / "p.csv", tmp_path / "p.xlsx"
    assert on_both("export", "hxl", "--public", "-o", str(csv)).exit_code == 0
    assert (
        on_both("export", "xlsx", "--to", "2018-09-23", "--public", "-o", str(xlsx)).exit_code == 0
    )
    text = csv.read_text(encoding="utf-8")
    cells = [
        str(v)
        for sheet in load_workbook(xlsx).worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    for output in (text, " ".join(cells)):
        assert "47,800" in output or "47800" in output  # the declassified figure is there
        assert "Abu Zaid" not in output and "eastern sector" not in output
    assert "cleared" in " ".join(cells)  # the declassifying reason is public by design


def test_usage_errors_are_one_line_with_exit_code_1_and_a_suggestion(run):
    cases = [
        (("add", "--sit", "Rukban"), "Did you mean one of: '--site'"),
        (("correct", "4", "--value", "3"), "Missing option '--reason'"),
        (("lst",), "Did you mean 'list'?"),
        (("--dbb", "x", "list"), "Did you mean '--db'?"),
    ]
    for args, phrase in cases:
        result = CliRunner().invoke(cli, list(args))
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and phrase in lines[0], args
        assert "--help" in lines[0]


def test_a_store_written_by_a_newer_dispstats_is_named_and_left_alone(tmp_path):
    db = tmp_path / "newer.db"
    Store.init(str(db))[0].close()
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0042'")
    for args in (["list"], ["init"]):
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        assert_clean_failure(result, "written by a newer dispstats (schema 0042", "upgrade")
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0042",)
        ]


def test_naming_a_command_group_alone_prints_its_help(tmp_path: Path):
    result = CliRunner().invoke(cli, ["site"])
    assert result.exit_code == 0 and "Add, list and show sites" in result.output


def _with_restricted(run) -> None:
    steps = [
        ("site", "add", "Hidden Enclave", "--kind", "camp", "--sensitivity", "restricted"),
        ("add", "--site", "Rukban", "--indicator", "population", "--value", "987,654",
         "--date", "2018-09-20", "--source", "un-2018-01", "--sensitivity", "restricted",
         "--group", "idps"),
        ("add", "--site", "Hidden Enclave", "--indicator", "population", "--value", "12,345",
         "--date", "2018-09-20", "--source", "un-2018-01"),
    ]  # fmt: skip
    _run_all(run, steps)


def test_public_views_show_on_screen_what_a_public_output_contains(on_both):
    _with_restricted(on_both)
    views = [
        ("list", "--public"),
        ("list", "--public", "--json"),
        ("estimate", "Rukban", "--as-of", "2018-09-23", "--public"),
        ("estimate", "Rukban", "--as-of", "2018-09-23", "--public", "--json"),
        ("series", "Rukban", "--end", "2018-09-23", "--weeks", "2", "--public", "--json"),
        ("check", "--as-of", "2018-09-23", "--public", "--json"),
    ]
    for args in views:
        result = on_both(*args)
        assert result.exit_code == 0, (args, result.output)
        for secret in ("987", "12,345", "12345", "Hidden", "hidden-enclave"):
            assert secret not in result.output, (args, secret)
    best = on_both("estimate", "Rukban", "--as-of", "2018-09-23", "--public")
    assert "about 45,000 people" in best.output  # the public figure, not the newer restricted
    internal = on_both("estimate", "Rukban", "--as-of", "2018-09-23")
    assert "987,654" in internal.output


def test_public_views_answer_a_restricted_name_or_figure_as_an_unknown_one(on_both):
    _with_restricted(on_both)

    def answer(*args: str, name: str) -> tuple[int, str]:
        result = on_both(*args)
        return result.exit_code, result.output.replace(name, "NAME")

    for command in (("estimate",), ("series",)):
        hidden = answer(*command, "Hidden Enclave", "--public", name="Hidden Enclave")
        assert hidden == answer(*command, "Zzzzzz Qqqqq", "--public", name="Zzzzzz Qqqqq")
        assert hidden[0] == 1 and "Hidden" not in hidden[1]
    restricted = answer("show", "8", "--public", name="8")
    assert restricted == answer("show", "999", "--public", name="999")
    shown = on_both("show", "4", "--public")
    assert shown.exit_code == 0 and "Entered" not in shown.output


def test_the_terminal_names_sites_and_every_column_has_a_header(run):
    listed = run("list", "--site", "Rukban").output
    assert "│ Rukban " in listed and "│ rukban " not in listed
    assert "to Euphrates Shield area (northern Aleppo)" in run("list").output
    series = run("series", "Rukban", "--weeks", "2", "--end", "2018-09-23").output
    header = next(line for line in series.splitlines() if "Week" in line)
    assert [h.strip() for h in header.strip("┃ ").split("┃")] == [
        "Site", "Week", "Value", "Source", "Reference", "Age", "Stale",
    ]  # fmt: skip
    assert (
        "Rukban · population (IDPs) · as of 2018-09-23"
        in run("estimate", "Rukban", "--as-of", "2018-09-23").output
    )


def test_a_name_without_latin_letters_gets_a_readable_id(run):
    plain = run("site", "add", "مخيم الهول")
    assert plain.exit_code == 0 and "(id mkhym-lhwl)" in plain.output
    coded = run("site", "add", "الحسكة", "--pcode", "SY08")
    assert coded.exit_code == 0 and "(id sy08)" in coded.output
    assert "(id bab-al-salam)" in run("site", "add", "Bab al-Salam").output


LATE = ("add", "--site", "Rukban", "--indicator", "population", "--value", "46,000",
        "--date", "2018-12-04", "--source", "ocha-2018-09", "--excerpt", "46,000",
        "--no-interactive")  # fmt: skip


def test_a_population_figure_dated_after_its_source_was_published_is_refused(run):
    before = run("list", "--json").output
    refused = run(*LATE)
    assert refused.exit_code == 1
    assert (
        "the figure is dated 2018-12-04, after its source was published (2018-09-17)"
        in refused.output
    )
    assert "--allow-after-publication" in refused.output
    assert run("list", "--json").output == before
    # A movement may be planned ahead of the report that announces it.
    planned = run("add", "--site", "55-km zone", "--indicator", "departures", "--value", "500",
                  "--destination", "northern Aleppo", "--status", "planned", "--date",
                  "2018-10-01", "--source", "hammurabi-2018-09-17", "--no-interactive")  # fmt: skip
    assert planned.exit_code == 0, planned.output


def test_the_analyst_can_say_a_late_dated_figure_is_meant_and_check_lists_it(run):
    allowed = run(*LATE, "--allow-after-publication")
    assert allowed.exit_code == 0, allowed.output
    said = run("check", "--as-of", "2018-12-05")
    assert "Dated after their source was published:" in said.output
    assert (
        "Rukban: 46,000 people is dated 2018-12-04, after OCHA published it (2018-09-17): "
        "check the date (figure 8)" in said.output
    )
    found = json.loads(run("check", "--as-of", "2018-12-05", "--json").output)["findings"]
    assert [f["kind"] for f in found if f["kind"] == "after_publication"] == ["after_publication"]


def test_an_import_refuses_late_dated_population_rows_unless_allowed(run, tmp_path):
    path = tmp_path / "late.csv"
    path.write_text(
        "Site,Date,IDPs\n#loc+name,#date+reported,#affected+idps\n"
        "Rukban,2018-09-16,44000\nRukban,2018-12-04,46000\n"
    )
    refused = run("import", str(path), "--source", "ocha-2018-09")
    assert refused.exit_code == 1
    assert "row 4, #date+reported: the figure is dated 2018-12-04, after its source" in (
        refused.output
    )
    assert "Nothing was written" in refused.output
    allowed = run("import", str(path), "--source", "ocha-2018-09", "--allow-after-publication")
    assert allowed.exit_code == 0, allowed.output
    assert "Added 2 figures" in allowed.output


PROMPTED = ("add", "--interactive", "--site", "Rukban", "--indicator", "population", "--group",
            "idps", "--value", "44,000", "--date", "2018-09-16", "--excerpt", "44,000",
            "--description", "camp residents")  # fmt: skip


def _with_north_press(run) -> None:
    added = run("source", "add", "--publisher", "North Press", "--type", "media",
                "--id", "north-press-2018-09", "--reliability", "C")  # fmt: skip
    assert added.exit_code == 0, added.output


def test_a_mistyped_source_at_the_prompt_is_offered_its_close_match(run):
    _with_north_press(run)
    done = run(*PROMPTED, input="North Pres\n\n")  # Enter takes the suggestion
    assert done.exit_code == 0, done.output
    assert "no source 'North Pres' (did you mean 'north-press-2018-09'?)" in done.output
    (figure,) = [f for f in json.loads(run("list", "--json").output) if f["id"] == 8]
    assert figure["source_id"] == "north-press-2018-09"
    assert len(json.loads(run("source", "list", "--json").output)) == 9  # none created


def test_a_new_source_at_the_prompt_is_created_only_when_the_analyst_says_so(run):
    _with_north_press(run)
    before = run("list", "--json").output
    declined = run(*PROMPTED, input="North Pres\nNorth Pres\nn\n")
    assert declined.exit_code != 0
    assert "Describe a new source published by 'North Pres'?" in declined.output
    assert run("list", "--json").output == before
    agreed = run(*PROMPTED, input="North Pres\nNorth Pres\ny\nmedia\n\n\n\nC\n")
    assert agreed.exit_code == 0, agreed.output
    assert "spelled like 'North Press'" in agreed.output


def test_publisher_on_the_command_line_warns_when_a_close_one_is_on_record(run):
    _with_north_press(run)
    added = run("add", "--site", "Rukban", "--indicator", "population", "--value", "44,000",
                "--date", "2018-09-16", "--publisher", "North Pres", "--excerpt", "44,000",
                "--no-interactive")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert (
        "note: the publisher 'North Pres' is spelled like 'North Press' (sources: "
        "north-press-2018-09); if it is the same, give --source north-press-2018-09 instead"
        in added.output
    )
