"""The code's habits are checked with the tests, so CI (which runs the README's test command)
fails on them: ruff's lint rules (pyproject's [tool.ruff]) and its formatting, on src, tests,
bench and tools, and mypy's reading of src's annotations ([tool.mypy]). ruff and mypy are in
the test extra: a new machine has them after `pip install -e ".[test]"`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_the_code_passes_every_lint_rule():
    done = _ruff("check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_is_formatted_as_ruff_formats_it():
    done = _ruff("format", "--check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_library_type_checks():
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_package_says_it_is_typed():
    assert (ROOT / "src" / "dispstats" / "py.typed").is_file()
