"""HXL hashtags as text: parsing one (with libhxl, the standard's own library) and telling a
hashtag row from a row of data. The ground floor of the column mapping (columns.py) and of
column planning (hxl.py)."""

from __future__ import annotations

import re
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


# The hashtags of the HXL standard's dictionary (1.1): a row whose tags are all of other names
# ('#States', '#Individuals' in a summary sheet's title row) is a row of titles.
CORE_HASHTAGS = frozenset(
    {"access", "activity", "adm0", "adm1", "adm2", "adm3", "adm4", "adm5", "affected", "age",
     "assessment", "beneficiary", "capacity", "cause", "channel", "contact", "country",
     "crisis", "currency", "date", "delivery", "description", "event", "frequency", "gender",
     "geo", "group", "id", "impact", "indicator", "inneed", "item", "loc", "meta", "modality",
     "need", "operation", "operations", "org", "output", "population", "reached", "region",
     "respondee", "round", "sector", "service", "settlement", "severity", "sex", "status",
     "subsector", "targeted", "value", "village"}
)  # fmt: skip
# A hashtag as the standard writes it: no spaces; tabs and spaces around the text or its '+'
# are slips a file may make (read, and said so, by table_tags.standard_tags).
_HASHTAG = re.compile(r"#\s*([A-Za-z][A-Za-z0-9_]*)(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*")


def hashtag_name(text: str) -> str | None:
    """The name of a hashtag cell ('adm1' of '#adm1+name'), None when it is not one."""
    m = _HASHTAG.fullmatch(str(text).strip())
    return m.group(1).lower() if m else None


def looks_like_hashtag_row(cells: Sequence[object]) -> bool:
    """At least half of the non-empty cells are hashtags (as libhxl counts a hashtag row), at
    least two, and one of them a hashtag of the standard: '#IDP Households' (a space) is no
    hashtag, '#States', '#Individuals' are titles, and a pivot table's one '#adm1+name' cell
    tags no table."""
    texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    names = [hashtag_name(t) for t in texts]
    valid = [n for n in names if n]
    return (
        len(valid) >= 2 and len(valid) * 2 >= len(texts) and any(n in CORE_HASHTAGS for n in valid)
    )
