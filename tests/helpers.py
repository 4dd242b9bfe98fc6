"""What several test modules check the same way: a PDF's text, a clean refusal on the CLI."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """The PDF's text, pages joined, whitespace made single spaces."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def assert_clean_failure(result, *phrases: str) -> None:
    """A CLI refusal as users see it: exit code 1, no traceback, and the phrases said."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # no Python traceback reached the user
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output
