"""docs/cli.md is every command's --help as the program prints it (tools/cli_docs.py writes
it): a command whose help changed without the page fails here, as sqlite-utils does with cog."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_command_reference_is_what_the_commands_say():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "cli_docs.py"), "--check"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr + " (run python tools/cli_docs.py and commit it)"


def test_the_reference_names_every_command_and_their_options():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for heading in ("## dispstats add", "## dispstats export xlsx", "## dispstats source add"):
        assert heading in text
    assert "--allow-after-publication" in text and "-h, --help" in text
