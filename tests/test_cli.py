"""The command line: every command works, explains itself, and fails with one clear line."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dispstats.cli import cli
from dispstats.store import Store

from .helpers import assert_clean_failure


def snapshot(path: Path) -> tuple[str, list[str]]:
    """The store file's bytes (hashed) and the files beside it: enough to prove no write."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, sorted(p.name for p in path.parent.iterdir())


def test_init_demo_creates_a_store_and_loading_twice_adds_nothing(tmp_path):
    db = str(tmp_path / "new.db")
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", db, "init", "--demo"])
    assert first.exit_code == 0, first.output
    assert "Created a dispstats store" in first.output
    assert "3 sites, 8 sources, 7 figures" in first.output
    second = runner.invoke(cli, ["--db", db, "init", "--demo"])
    assert second.exit_code == 0
    assert "nothing added" in second.output
    with Store.open(db) as store:
        assert store.counts()["figures"] == 7


def test_the_store_can_be_chosen_by_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("DISPSTATS_DB", str(tmp_path / "env.db"))
    assert CliRunner().invoke(cli, ["init"]).exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_the_default_store_is_dispstats_db_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("DISPSTATS_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init"]).exit_code == 0
    assert (tmp_path / "dispstats.db").exists()


def test_a_command_on_a_missing_store_says_how_to_create_it(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "list"])
    assert_clean_failure(result, "dispstats init")
    assert not (tmp_path / "none.db").exists()


def test_list_shows_the_demo_figures(run):
    result = run("list")
    assert result.exit_code == 0, result.output
    for words in (
        "about 45,000 people",
        "OCHA",
        "3,000 people",
        "Hammurabi's Justice",
        "with hundreds of civilians",
        "7 figures",
    ):
        assert words in result.output


def test_list_filters_and_prints_json(run):
    result = run("list", "--site", "Rukban", "--indicator", "pop", "--from", "2018", "--json")
    rows = json.loads(result.output)
    assert [(r["value_text"], r["source_id"], r["reference"]) for r in rows] == [
        ("about 50,000", "un-2018-01", "2018-01"),
        ("approximately 45,000", "ocha-2018-09", "2018-09-16"),
        ("45,000", "demo-illustrative-2018-09-21", "2018-09-21"),
    ]
    assert rows[1]["low"] == 45000 and rows[1]["quantifier"] == "about"
    assert (rows[1]["population_group"], rows[1]["unit"], rows[1]["parts"]) == (
        "idps",
        "people",
        [],
    )
    assert {"sex": "female", "value": 23_400} in rows[2]["parts"]


def test_add_stores_a_figure_given_by_flags(run, sqlite_db):
    result = run(
        "add",
        "--site",
        "rukban",
        "--indicator",
        "population",
        "--value",
        "about 44,000",
        "--date",
        "2018-09-17",
        "--source",
        "ocha-2018-09",
        "--excerpt",
        "some 44,000 people",
        "--no-interactive",
    )
    assert result.exit_code == 0, result.output
    assert "Added #8 · Rukban · population · about 44,000 people · 2018-09-17" in result.output
    with Store.open(str(sqlite_db)) as store:
        stored = store.figure(8)
    assert (stored.quantity.low, stored.excerpt) == (44000, "some 44,000 people")


def test_add_creates_a_new_source_given_inline(run, sqlite_db):
    result = run(
        "add",
        "--site",
        "55-km zone",
        "--indicator",
        "departures",
        "--value",
        "250",
        "--destination",
        "northern aleppo",
        "--status",
        "under way",
        "--date",
        "2018-09-25",
        "--publisher",
        "Syrian Arab Red Crescent",
        "--publisher-type",
        "ngo",
        "--published",
        "2018-09-26",
        "--reliability",
        "B",
        "--url",
        "https://example.org/sarc",
        "--no-interactive",
    )
    assert result.exit_code == 0, result.output
    with Store.open(str(sqlite_db)) as store:
        source = store.find_source("Syrian Arab Red Crescent")
        assert source.id == "syrian-arab-red-crescent-2018-09-26"
        assert store.figure(8).movement_status == "under_way"


def test_a_typo_in_the_site_name_gets_a_suggestion_and_stores_nothing(run, sqlite_db):
    before = snapshot(sqlite_db)
    result = run(
        "add",
        "--site",
        "Rukbaan",
        "--indicator",
        "population",
        "--value",
        "45,000",
        "--date",
        "2018-09-16",
        "--source",
        "ocha-2018-09",
        "--no-interactive",
    )
    assert_clean_failure(result, "no site 'Rukbaan'", "did you mean 'Rukban'?")
    assert snapshot(sqlite_db) == before


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--value", "hundreds", "not a number"),
        ("--value", "-300", "negative"),
        ("--value", "50,000-40,000", "low end"),
        ("--date", "2099-01-01", "in the future"),
        ("--date", "1850-01-01", "before 1900"),
        ("--indicator", "refugees", "'refugees' is not one of"),
        ("--source", "ocha-2019", "did you mean 'ocha-2018-09'"),
        ("--status", "finished", "'finished' is not one of"),
    ],
)
def test_a_bad_value_leaves_the_store_byte_for_byte_unchanged(
    run, sqlite_db, flag, value, expected
):
    args = {
        "--site": "Rukban",
        "--indicator": "departures",
        "--value": "3,000",
        "--date": "2018-09-16",
        "--source": "ocha-2018-09",
    }
    args[flag] = value
    before = snapshot(sqlite_db)
    result = run("add", *[x for pair in args.items() for x in pair], "--no-interactive")
    assert_clean_failure(result, expected, value)
    assert snapshot(sqlite_db) == before


def test_missing_fields_are_named_when_not_in_a_terminal(run):
    result = run("add", "--site", "Rukban", "--no-interactive")
    assert_clean_failure(result, "missing indicator, value, date, source")


def test_in_a_terminal_add_asks_for_missing_fields_and_suggests_names(run, sqlite_db):
    answers = "\n".join(
        [
            "Rukbaan",
            "",
            "populaton",
            "population",
            "Qaryatayn tribe",
            "IDPs",
            "Qaryatayn tribe",  # who they are
            "hundreds",
            "about 44,500",
            "17 Sep 2018",
            "",  # no excerpt
            "OCHA",
            "",
        ]
    )
    result = run("add", "--interactive", input=answers)
    assert result.exit_code == 0, result.output
    assert "did you mean 'Rukban'?" in result.output
    assert "did you mean 'population'?" in result.output
    assert "not a number" in result.output
    assert "'Qaryatayn tribe' is not a population group" in result.output
    assert "--" not in result.output  # advice speaks of answers, not of flags
    with Store.open(str(sqlite_db)) as store:
        stored = store.figure(8)
    assert stored.description == "Qaryatayn tribe"
    assert (stored.site_id, stored.quantity.low, stored.source_id, stored.population_group) == (
        "rukban",
        44500,
        "ocha-2018-09",
        "idps",
    )


def test_in_a_terminal_an_unknown_source_is_described_as_a_new_one(run, sqlite_db):
    # No group, no description, no excerpt; an unknown publisher becomes a new source once
    # the analyst says so ("y").
    answers = "\n".join(
        ["", "", "", "Badia 24 updates", "y", "local network", "Update", "", "2018-09-18", "C"]
    )
    result = run(
        "add",
        "--interactive",
        "--site",
        "Rukban",
        "--indicator",
        "population",
        "--value",
        "40,000",
        "--date",
        "2018-09-18",
        input=answers + "\n",
    )
    assert result.exit_code == 0, result.output
    with Store.open(str(sqlite_db)) as store:
        source = store.source(store.figure(8).source_id)
    assert (source.publisher, source.publisher_type, source.reliability) == (
        "Badia 24 updates",
        "local_network",
        "C",
    )


def test_correct_retract_and_history_keep_every_version(run):
    corrected = run(
        "correct", "4", "--value", "about 42,000", "--keep-excerpt", "--reason", "OCHA revised"
    )
    assert corrected.exit_code == 0
    assert run("retract", "4", "--reason", "wrong camp").exit_code == 0
    result = run("history", "4", "--json")
    versions = json.loads(result.output)
    assert [(v["version"], v["revision"], v["low"], v["reason"]) for v in versions] == [
        (1, "original", 45000, None),
        (2, "correction", 42000, "OCHA revised"),
        (3, "retraction", 42000, "wrong camp"),
    ]
    assert "about 45,000" not in run("list").output
    assert "(retracted)" in run("list", "--include-retracted").output


def test_a_correction_on_a_stale_version_is_refused(run):
    first = run("correct", "4", "--value", "44,000", "--keep-excerpt", "--reason", "a")
    assert first.exit_code == 0
    result = run("correct", "4", "--value", "43,000", "--reason", "b", "--if-version", "1")
    assert_clean_failure(result, "changed since you read it", "version 2")


def test_show_prints_the_figure_with_its_source_and_excerpt(run):
    result = run("show", "4")
    assert result.exit_code == 0
    assert "about 45,000 people" in result.output
    assert "“approximately 45,000 displaced people" in result.output
    assert "OCHA" in result.output and "reliability B" in result.output


def test_unknown_figures_sites_and_sources_fail_cleanly(run):
    assert_clean_failure(run("show", "99"), "no figure 99")
    assert_clean_failure(run("site", "show", "Rukbn"), "did you mean 'Rukban'?")
    assert_clean_failure(run("source", "show", "unhcr-2016"), "did you mean 'unhcr-2016-10'?")


def test_sites_and_sources_are_added_listed_and_shown(run):
    added = run(
        "site",
        "add",
        "Hadalat",
        "--kind",
        "informal settlement",
        "--country",
        "syr",
        "--parent",
        "55-km zone",
        "--alias",
        "Hadalat camp",
        "--lat",
        "32.9",
        "--lon",
        "38.6",
    )
    assert added.exit_code == 0, added.output
    assert "id hadalat" in added.output
    shown = json.loads(run("site", "show", "hadalat camp", "--json").output)
    assert shown["parent_id"] == "syr-55km-zone" and shown["country_iso3"] == "SYR"
    assert "Hadalat" in run("site", "list").output
    source = run(
        "source",
        "add",
        "--publisher",
        "UNICEF",
        "--type",
        "un",
        "--published",
        "2018-10-01",
        "--reliability",
        "b",
    )
    assert "id unicef-2018-10-01" in source.output
    assert "UNICEF" in run("source", "list").output
    assert_clean_failure(run("site", "add", "al-rukban"), "names a site already: Rukban", "--id")
    assert run("site", "add", "Rukban", "--id", "jor-rukban", "--country", "JOR").exit_code == 0
    assert_clean_failure(run("site", "add", "Other", "--id", "rukban"), "exists already")


def _all_commands(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # loads the lazily imported commands
        command = group.get_command(ctx, name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


@pytest.mark.parametrize(
    "path", [p for p, c in _all_commands(cli) if not isinstance(c, click.Group)], ids=" ".join
)
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"dispstats {' '.join(path)} --help has no example"


def test_help_lists_every_command_in_its_own_words_without_importing_it():
    from dispstats.cli.app import LAZY_COMMANDS, short_help

    listed = dict(_all_commands(cli))
    for name, (_, words) in LAZY_COMMANDS.items():
        assert words == short_help(listed[(name,)].get_short_help_str(limit=1000), 62), name
    assert {path[0] for path in listed} == set(LAZY_COMMANDS)


def test_help_imports_no_command_module_and_no_database_library():
    script = """
import sys
from dispstats.cli import cli
try:
    cli(["--help"], standalone_mode=False)
finally:
    loaded = sorted(m for m in sys.modules if m.startswith(("dispstats", "sqlalchemy", "rich")))
    print("LOADED:" + ",".join(loaded))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    loaded = done.stdout.split("LOADED:")[1].strip().split(",")
    assert set(loaded) <= {
        "dispstats", "dispstats.cli", "dispstats.cli.app", "dispstats.errors",
        "dispstats.output",  # the standard output and files written whole (a few lines)
        "dispstats.store", "dispstats.store.filters", "dispstats.store.location",
    }, loaded  # fmt: skip


# What the entry commands may import beyond the standard library: click, dispstats' own model,
# lookup and SQLite entry path. SQLAlchemy, Alembic, rich (tables), pandas and the report stack
# are for the commands that need them.
ENTRY_PACKAGES = {"click", "dispstats"}


def _imported_by(argv: list[str]) -> tuple[str, set[str]]:
    script = f"""
import sys
from dispstats.cli import cli
try:
    cli({argv!r}, standalone_mode=False)
finally:
    print("MODULES:" + ",".join(sorted({{m.split(".")[0] for m in sys.modules}})))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    top = set(done.stdout.split("MODULES:")[1].strip().split(","))
    stdlib = set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    return done.stdout, {m for m in top if m not in stdlib and not m.startswith("_")}


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "--site", "Rukban", "--indicator", "population", "--value", "44,000",
         "--date", "2018-09-17", "--source", "ocha-2018-09", "--no-interactive"],
        ["show", "4"],
        ["list", "--json"],
    ],
    ids=["add", "show", "list-json"],
)  # fmt: skip
def test_entry_commands_import_only_the_allowed_modules(sqlite_db, argv):
    output, outside = _imported_by(["--db", str(sqlite_db), *argv])
    assert outside <= ENTRY_PACKAGES, outside
    if argv[0] == "add":
        assert "Added #8" in output


def test_a_brief_on_a_sqlite_file_imports_no_database_library_nor_matplotlib(sqlite_db, tmp_path):
    # SQLite through sqlite3 (store.lite); matplotlib in the drawing helper (reports/drawing.py).
    out = tmp_path / "b.pdf"
    output, outside = _imported_by(["--db", str(sqlite_db), "brief", "--week", "2018-W38",
                                    "-o", str(out)])  # fmt: skip
    assert "Wrote" in output and out.read_bytes()[:5] == b"%PDF-"
    assert not outside & {"sqlalchemy", "alembic", "pandas", "matplotlib", "numpy"}, outside
    assert {"weasyprint", "jinja2"} <= outside


def test_list_as_a_table_adds_only_rich(sqlite_db):
    _, outside = _imported_by(["--db", str(sqlite_db), "list"])
    assert outside <= ENTRY_PACKAGES | {"rich", "pygments", "markdown_it", "mdurl"}, outside


def test_an_unexpected_fault_is_one_line_not_a_traceback(run, monkeypatch):
    from dispstats.store import Store

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    from dispstats.store.lite import LiteStore

    monkeypatch.setattr(Store, "figures", broken)
    monkeypatch.setattr(LiteStore, "figures", broken)  # list on SQLite takes the entry path
    result = run("list")
    assert result.exit_code == 1
    assert "unexpected RuntimeError: disk on fire" in result.output
    assert "fault in dispstats" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("DISPSTATS_DEBUG", "1")
    assert isinstance(run("list").exception, RuntimeError)  # the trace, when asked for


def test_ctrl_c_says_nothing_unfinished_was_written(run, monkeypatch):
    from dispstats.store import Store

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    from dispstats.store.lite import LiteStore

    monkeypatch.setattr(Store, "figures", interrupted)
    monkeypatch.setattr(LiteStore, "figures", interrupted)
    result = run("list")
    assert result.exit_code == 130 and "Interrupted" in result.output


def test_site_and_source_subcommands_are_all_there_whichever_module_loaded_first():
    import subprocess
    import sys

    # A fresh interpreter: entry (which makes the groups) imported before views.
    code = (
        "import dispstats.cli.entry\n"
        "from click.testing import CliRunner\n"
        "from dispstats.cli import cli\n"
        "r = CliRunner().invoke(cli, ['source', 'show', '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(cli, ['site', 'list', '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_reader_who_stops_reading_gets_no_fault_message(sqlite_db):
    """`dispstats check | head -1`: the pipe closes early; no "fault in dispstats" follows."""
    import subprocess
    import sys

    base = [sys.executable, "-m", "dispstats", "--db", str(sqlite_db)]
    for args, code in (
        (["check", "--as-of", "2018-09-17"], 141),  # 128 + SIGPIPE, as a shell tool exits
        (["series", "Rukban", "--weeks", "520", "--end", "2018-09-17"], 1),  # rich's own exit
    ):
        process = subprocess.Popen([*base, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # before the command has written anything
        errors = process.stderr.read().decode()
        assert process.wait(timeout=60) == code, errors
        assert not errors, errors


def test_the_program_ends_with_its_commands_exit_code_and_all_it_printed(sqlite_db, run):
    # The program skips Python's tear-down once a command is done (cli.main): what it printed
    # into a pipe's buffer is flushed first, and the exit code is the command's.
    base = [sys.executable, "-m", "dispstats", "--db", str(sqlite_db)]
    listed = subprocess.run([*base, "list", "--json"], capture_output=True, text=True)
    assert listed.returncode == 0 and listed.stderr == ""
    assert listed.stdout == run("list", "--json").output
    assert len(json.loads(listed.stdout)) == 7
    missing = subprocess.run([*base, "show", "999"], capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.startswith("Error: ") and "Traceback" not in missing.stderr
    usage = subprocess.run([*base, "lsit"], capture_output=True, text=True)
    assert usage.returncode == 1 and "No such command 'lsit'" in usage.stderr


def test_under_a_tracer_or_profiler_the_program_ends_as_python_does(sqlite_db):
    # coverage and cProfile write what they found at exit: the quick end would lose it.
    script = f"""
import atexit, sys
atexit.register(lambda: print("exit handlers ran"))
if sys.argv[1] == "traced":
    sys.settrace(lambda *args: None)
sys.argv = ["dispstats", "--db", {str(sqlite_db)!r}, "show", "4"]
from dispstats.cli import main
main()
"""
    for mode, handlers_run in (("traced", True), ("plain", False)):
        done = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Figure        4 (version 1, original)" in done.stdout
        assert ("exit handlers ran" in done.stdout) is handlers_run, mode


def test_in_a_terminal_a_movement_is_asked_its_destination_and_status(run, sqlite_db):
    answers = "\n".join(
        [
            "idps",
            "",
            "2,500",
            "2018-09-17",
            "northern Aleppo",
            "planned",
            "",
            "hammurabi-2018-09-17",
        ]
    )
    result = run("add", "--interactive", "--site", "55-km zone", "--indicator", "departures",
                 input=answers + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Destination (site name; Enter if the source does not say)" in result.output
    assert "Status (planned, under way, completed" in result.output
    with Store.open(str(sqlite_db)) as store:
        stored = store.figure(8)
    assert (stored.destination_site_id, stored.movement_status, stored.quantity.low) == (
        "syr-euphrates-shield", "planned", 2500
    )  # fmt: skip


def test_in_a_terminal_an_unquantified_report_is_asked_for_the_sources_words(run, sqlite_db):
    answers = "\n".join(["", "", "hundreds", "unquantified", "2018-09-16", "",
                         "hundreds of families arrived", "badia24-2018-09-16"])  # fmt: skip
    result = run("add", "--interactive", "--site", "Rukban", "--indicator", "arrivals",
                 "--origin", "northern Aleppo", "--status", "completed",
                 input=answers + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "an unquantified report is kept as the source's words: give them" in result.output
    assert "--value" not in result.output and "--unquantified" not in result.output
    with Store.open(str(sqlite_db)) as store:
        stored = store.figure(8)
    assert (stored.quantity.quantifier, stored.excerpt) == (
        "unquantified", "hundreds of families arrived"
    )  # fmt: skip


def test_in_a_terminal_a_refusal_at_the_end_asks_that_field_again_keeping_the_rest(run, sqlite_db):
    # OCHA's source was published on 17 September: a figure of 4 December is refused, and only
    # the date is asked again.
    answers = "\n".join(["idps", "", "44,000", "2018-12-04", "", "ocha-2018-09", "2018-09-15"])
    result = run("add", "--interactive", "--site", "Rukban", "--indicator", "population",
                 input=answers + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "after its source was published (2018-09-17)" in result.output
    assert result.output.count("Reference date") == 2 and result.output.count("Value as") == 1
    with Store.open(str(sqlite_db)) as store:
        stored = store.figure(8)
    assert (stored.ref.start.isoformat(), stored.quantity.low) == ("2018-09-15", 44000)
