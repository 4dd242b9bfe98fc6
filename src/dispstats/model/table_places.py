"""The place each row of an imported table is about (see places.row_level), read by whole
columns: its stated #adm+level, else the deepest level it names; Excel errors in place cells."""

from __future__ import annotations

from dispstats.errors import InputError
from dispstats.model.hxl_columns import ColumnPlan
from dispstats.model.places import (
    LEVEL_NAMES,
    LEVEL_OF_KEY,
    NO_PLACE,
    PLACE_KEYS,
    row_level,
    stated_level,
)
from dispstats.model.table_cells import Checked, factorize, none_if_missing, put
from dispstats.model.tables import EXCEL_ERRORS

# What a place cell holds when the source had no place to give: read as an empty cell ("NA"
# is no place but in a country column, where it is Namibia).
NOT_A_PLACE = frozenset(
    {"n/a", "na", "n.a.", "-", "--", "unknown", "not available", "not applicable", "none",
     "null", "nan", "inconnu", "non disponible", "غير معروف"}
)  # fmt: skip


def not_places(checked: Checked, base, plan: ColumnPlan) -> None:
    """Empty the place cells that say there is no place ('n/a', 'unknown', '-'), and say so."""
    found: dict[str, int] = {}
    for key in PLACE_KEYS:
        if key not in plan.fields or key not in base.columns:
            continue
        words = NOT_A_PLACE - {"na"} if key == "site_country_iso3" else NOT_A_PLACE
        cells = base[key]
        empty = cells.notna() & cells.astype(str).str.strip().str.casefold().isin(words)
        if empty.any():
            for value in cells[empty]:
                found[value] = found.get(value, 0) + 1
            base.loc[empty, key] = None
    if found:
        listed = ", ".join(f"'{v}' ({n:,})" for v, n in found.items())
        checked.notes.append(
            f"place cells that name no place read as empty: {listed}; a row with no other "
            "place is refused"
        )


def countries_by_name(checked: Checked, base, plan: ColumnPlan, given=None) -> None:
    """A row naming its country by name only (#country+name) gets the country's ISO3 code: the
    one the analyst gave for that name (`given`, name -> ISO3: --country), else the one ISO
    3166-1 or HDX's country names give it exactly; a name none knows is refused with the
    code a loose match suggests."""
    from dispstats.model.countries import UnknownCountry, parse_country

    given = {name.casefold(): code for name, code in (given or {}).items()}

    if "country_name" not in base.columns or "site_country_iso3" not in base.columns:
        return
    wanted = base["country_name"].notna() & base["site_country_iso3"].isna()
    if not wanted.any():
        return
    rows = base["row"].to_numpy()
    column = plan.label("country_name") if "country_name" in plan.fields else "country"
    codes = {}
    for name in base.loc[wanted, "country_name"].unique():
        try:
            codes[name] = given.get(name.casefold()) or parse_country(name, column)
        except UnknownCountry as exc:
            loose = exc.loose
            confirm = f' (or confirm it with --country "{name}={loose}")' if loose else ""
            checked.fail(rows[(wanted & (base["country_name"] == name)).to_numpy()], column,
                         exc.reason + confirm)  # fmt: skip
    base.loc[wanted, "site_country_iso3"] = base.loc[wanted, "country_name"].map(codes)


def place_errors(checked: Checked, frame, base, plan: ColumnPlan) -> None:
    """Refuse rows whose place cell below the level they would be filed at holds an Excel
    error: where such a row is cannot be read, and the level above is not where it is. An
    error in a column above the row's place (a commune code of a named site) only leaves that
    level out."""
    import numpy as np

    depth = {level: i for i, level in enumerate(LEVEL_NAMES)}
    rows = base["row"].to_numpy()
    row_depth = np.array([depth.get(level, -1) for level in base["level"]])
    for key in PLACE_KEYS:
        if key not in plan.fields:
            continue
        codes, uniques = factorize(frame[plan.fields[key]])
        bad = [i for i, u in enumerate(uniques) if str(u).strip() in EXCEL_ERRORS]
        below = row_depth < depth[LEVEL_OF_KEY[key]]
        for i in bad:
            refused = (np.asarray(codes) == i) & below
            checked.fail(
                rows[refused],
                plan.label(key),
                f"'{uniques[i]}' is an Excel error, not a place: fix the cell in the file",
            )


def row_levels(checked: Checked, base, stated, plan: ColumnPlan) -> None:
    """base["level"]: the place each row is about (see places.row_level)."""
    import numpy as np
    import pandas as pd

    keys = [k for k in PLACE_KEYS if k in plan.fields]
    if "admin_level" not in plan.fields:
        _deepest_levels(checked, base, keys, plan)
        return
    combos = pd.DataFrame({k: base[k] for k in keys}).assign(_stated=stated.to_numpy())
    codes = combos.groupby(list(combos.columns), dropna=False, sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(codes))).groupby(codes).first()
    levels = np.full(len(codes), None, dtype=object)
    rows = base["row"].to_numpy()
    column = plan.label("admin_level") if "admin_level" in plan.fields else keys[0]
    for code, position in first.items():
        line = {k: none_if_missing(combos.iloc[int(position)][k]) for k in keys}
        cell = none_if_missing(combos.iloc[int(position)]["_stated"])
        try:
            level = row_level(line, stated_level(cell) if cell else None)
        except InputError as exc:
            where = column if exc.field == "admin level" else plan.label(keys[-1])
            checked.fail(rows[codes == code], where, exc.reason)
            continue
        levels[codes == code] = level
    put(base, "level", levels)


def _deepest_levels(checked: Checked, base, keys: list[str], plan: ColumnPlan) -> None:
    """The deepest level each row names, by whole columns (no #adm+level column to read)."""
    import numpy as np
    import pandas as pd

    levels = np.full(len(base), None, dtype=object)
    for level in LEVEL_NAMES:
        named = np.zeros(len(base), dtype=bool)
        for key in keys:
            if LEVEL_OF_KEY[key] == level:
                named |= base[key].notna().to_numpy()
        levels[named] = level
    nowhere = pd.isna(levels)
    if nowhere.any():
        checked.fail(base["row"].to_numpy()[nowhere], plan.label(keys[-1]), NO_PLACE)
    put(base, "level", levels)
