"""The README's two commands are the ones CI runs, and the demo command's steps work."""

import re
from pathlib import Path

from click.testing import CliRunner

from dispstats.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text())[:2]


def test_ci_runs_exactly_the_readme_test_command():
    _, test_command = readme_commands()
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text()


def test_the_readme_demo_command_creates_the_store_and_lists_the_demo(tmp_path, monkeypatch):
    demo_command, _ = readme_commands()
    steps = [s.strip().removeprefix(".venv/bin/") for s in demo_command.split("&&")]
    dispstats_steps = [s.split()[1:] for s in steps if s.startswith("dispstats ")]
    assert dispstats_steps == [
        ["init", "--demo"],
        ["list"],
        ["brief", "--week", "2018-W38"],
        ["export", "xlsx", "--to", "2018-09-23"],
    ]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISPSTATS_DB", raising=False)
    runner = CliRunner()
    outputs = [runner.invoke(cli, args) for args in dispstats_steps]
    assert [o.exit_code for o in outputs] == [0, 0, 0, 0]
    assert (tmp_path / "reports" / "dispstats-2018-09-23.xlsx").exists()
    assert "about 45,000 people" in outputs[1].output
    assert (tmp_path / "reports" / "brief-2018-W38.pdf").stat().st_size > 10_000


def test_a_missing_checking_tool_skips_locally_and_fails_under_ci(monkeypatch):
    import pytest

    from .conftest import require_tool

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Debian package nothing-here"):
        require_tool("no-such-tool-dispstats", "nothing-here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"\.ci/run installs it"):
        require_tool("no-such-tool-dispstats", "nothing-here")


def tour_commands() -> list[list[str]]:
    """The tour's command lines, continuation lines joined, comments dropped, as argv lists."""
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = text[text.index("## A short tour") :]
    block = re.search(r"```sh\n(.+?)\n```", tour, flags=re.DOTALL).group(1)
    lines = block.replace("\\\n", " ").splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.strip()]


def test_the_readme_tour_runs_as_written_on_a_new_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISPSTATS_DB", raising=False)
    runner = CliRunner()
    commands = tour_commands()
    assert len(commands) > 20 and all(argv[0] == "dispstats" for argv in commands)
    for argv in commands:
        result = runner.invoke(cli, argv[1:])
        assert result.exit_code == 0, f"{' '.join(argv)}\n{result.output}"
    assert (tmp_path / "team.db").exists()
    assert (tmp_path / "my-look" / "brief.css").exists()
    for made in ("brief-2018-W38.pdf", "brief-2018-W38-public.pdf", "figures.csv",
                 "dispstats-2018-09-23.xlsx", "rukban-public.xlsx"):  # fmt: skip
        assert (tmp_path / "reports" / made).stat().st_size > 1000, made
    history = runner.invoke(cli, ["history", "1"]).output
    assert "OCHA revised its estimate" in history


def test_the_tour_says_how_dispstats_is_found_after_the_set_up():
    """The set-up installs into .venv: a newcomer typing the tour's bare `dispstats` must be
    told to activate it first (issue 30, item 12)."""
    text = (Path(__file__).parents[1] / "README.md").read_text()
    before_tour = text.split("## A short tour", 1)[1].split("```sh", 1)[0]
    assert "source .venv/bin/activate" in before_tour
    assert ".venv/bin/dispstats" in before_tour
