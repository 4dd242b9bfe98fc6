"""A table's figures held to the Figure's own rules once per distinct shape of row (not once
per row), and the keys that say whether two figures are the same (duplicates)."""

from __future__ import annotations

from dispstats.errors import InputError
from dispstats.model.breakdown import (
    parts_from_text,
)
from dispstats.model.columns import CONTENT_KEYS
from dispstats.model.dates import DateRef
from dispstats.model.hxl_columns import ColumnPlan
from dispstats.model.parse import Quantity
from dispstats.model.records import Figure
from dispstats.model.table_cells import (
    Checked,
)
from dispstats.model.table_figures import _SAME_NAME

_SHAPE = (
    "indicator",
    "unit",
    "quantifier",
    "movement_status",
    "confidence",
    "role",
    "sensitivity",
    "excerpt_sensitivity",
)


def check_figures(checked: Checked, plan: ColumnPlan) -> None:
    """Hold every figure to Figure's checks. Rows already in error are left out."""
    import numpy as np
    import pandas as pd

    frame = checked.frame
    bad_rows = {e.row for e in checked.errors}
    ok = ~frame["row"].isin(bad_rows).to_numpy()
    if not ok.any():
        return
    view = frame[ok]
    low, high = view["low"], view["high"]
    shape = pd.DataFrame({key: view[key].to_numpy() for key in _SHAPE})
    shape["no_low"] = low.isna().to_numpy()
    shape["no_high"] = high.isna().to_numpy()
    with np.errstate(invalid="ignore"):
        numbers = ~(shape["no_low"] | shape["no_high"])
        shape["order"] = np.where(
            numbers,
            pd.to_numeric(low, errors="coerce").to_numpy()
            <= pd.to_numeric(high, errors="coerce").to_numpy(),
            True,
        )
    shape["negative"] = np.where(numbers, pd.to_numeric(low, errors="coerce").to_numpy() < 0, False)
    for end in ("origin_site_id", "destination_site_id"):
        shape[end] = view[end].notna().to_numpy()
        shape[end + "_same"] = (view[end] == view["site_id"]).to_numpy()
    shape["excerpt"] = view["excerpt"].notna().to_numpy()
    groups = shape.groupby(list(shape.columns), dropna=False, sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(groups))).groupby(groups).first()
    rows = view["row"].to_numpy()
    for group, position in first.items():
        record = view.iloc[int(position)]
        try:
            _figure(record)
        except InputError as exc:
            column = _column_of(exc.field, plan)
            value = f"'{exc.value}': " if exc.value not in (None, "") else ""
            checked.fail(rows[groups == group], column, value + exc.reason)


def _figure(r) -> Figure:
    return Figure(
        **{name: r[name] for name in _SAME_NAME},
        site_id=r["site_id"] or "",
        source_id=r["source_id"] or "",
        quantity=Quantity(r["low"], r["high"], r["quantifier"]),
        parts=parts_from_text(r["parts"]),
        ref=DateRef(r["ref_start"], r["ref_end"], r["ref_precision"]),
    )


_FIELD_KEYS = {
    "value": "value_text",
    "unit": "unit",
    "origin": "origin_site_id",
    "destination": "destination_site_id",
    "status": "movement_status",
    "excerpt": "excerpt",
    "site": "site_id",
    "source": "source_id",
}


def _column_of(field_name: str | None, plan: ColumnPlan) -> str:
    key = _FIELD_KEYS.get(field_name or "", field_name or "")
    if key in plan.fields:
        return plan.label(key)
    if key == "value_text" and plan.values:
        return ", ".join(plan.tags[p].text for p in plan.values)
    return field_name or ""


def content_keys(frame) -> list[tuple]:
    """What each figure's source reported (CONTENT_KEYS) as a tuple, in one canonical form
    (dates as ISO text, counts as int) whether it comes from a file or from the store."""
    columns = []
    for key in CONTENT_KEYS:
        values = frame[key].to_numpy(dtype=object)
        if key in ("ref_start", "ref_end"):
            values = iso_dates(values)
        elif key in ("low", "high"):
            values = [None if v is None else int(v) for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


def iso_dates(values):
    """Dates (or ISO text, as SQLite returns them) as ISO text, converting each distinct value
    once."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    text = [u if isinstance(u, str) else u.isoformat() for u in uniques]
    return np.array([*text, None], dtype=object)[codes]
