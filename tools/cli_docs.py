"""docs/cli.md: every command's --help, as the program prints it, in one page.

    python tools/cli_docs.py          # write docs/cli.md
    python tools/cli_docs.py --check  # exit 1 when docs/cli.md is not what the code says

The help is taken from the commands themselves (click), at a fixed width of 100 columns, so
the page is the same on every machine; tests/test_docs.py fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from dispstats.cli import cli  # noqa: E402

DOCS = ROOT / "docs" / "cli.md"
WIDTH = 100


def _helps(command: click.Command, path: list[str], parent: click.Context | None):
    """(command path, help text) of a command and of every command under it, in order."""
    # As the program makes it (its context settings: -h too), without running anything.
    ctx = command.make_context(path[-1], [], parent=parent, resilient_parsing=True,
                               terminal_width=WIDTH, max_content_width=WIDTH)  # fmt: skip
    yield path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _helps(sub, [*path, name], ctx)


def page() -> str:
    """The page: a heading and a block of help text per command."""
    lines = [
        "# dispstats command reference",
        "",
        "Generated from each command's `--help` by `python tools/cli_docs.py`; do not edit by",
        "hand (a test fails when this page and the commands differ).",
        "",
    ]
    for path, text in _helps(cli, ["dispstats"], None):
        lines += [f"## {' '.join(path)}", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(lines)


def main() -> int:
    wanted = page()
    if "--check" in sys.argv:
        if not DOCS.exists() or DOCS.read_text(encoding="utf-8") != wanted:
            print(f"{DOCS} is stale: run python tools/cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOCS.parent.mkdir(exist_ok=True)
    DOCS.write_text(wanted, encoding="utf-8")
    print(f"Wrote {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
