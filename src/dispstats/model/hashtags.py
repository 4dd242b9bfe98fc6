"""HXL hashtags as text: parsing one (with libhxl, the standard's own library) and telling a
hashtag row from a row of data. The ground floor of the column mapping (columns.py) and of
column planning (hxl.py)."""

from __future__ import annotations

from collections.abc import Sequence

from dispstats.errors import InputError


def parse_tag(text: str, column: int | None = None):
    """A libhxl Column for one hashtag; InputError naming the column when it is malformed."""
    import hxl.model

    try:
        return hxl.model.Column.parse(text.strip(), use_exception=True)
    except Exception:
        where = f"column {column}: " if column else ""
        raise InputError(
            f"{where}'{text.strip()}' is not an HXL hashtag: expected #name+attribute, where "
            "names and attributes start with a letter (e.g. #affected+idps+ind)",
            field="hashtag",
            value=text,
        ) from None


def looks_like_hashtag_row(cells: Sequence[object]) -> bool:
    """At least half of the non-empty cells start with '#', as libhxl counts a hashtag row."""
    texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    return bool(texts) and sum(t.startswith("#") for t in texts) * 2 >= len(texts)
