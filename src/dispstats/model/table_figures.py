"""Reading the figures of a whole table at once: the rules of typed entry, at columnar speed.

Each distinct cell value is parsed once, by the same functions `dispstats add` uses, and each
distinct combination of the fields Figure's own checks look at is checked once by building a
Figure from a row that has it. A file is thus held to exactly the rules of typed entry, with no
second copy of them, and a million rows cost a few thousand parses. The cells, dates, numbers
and places of a table are read by table_cells, table_dates, table_quantities and table_places.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.breakdown import (
    DIMENSIONS,
    Part,
    canonical,
    check_parts,
    merged_key,
    parts_from_text,
    parts_text,
)
from dispstats.model.columns import CONTENT_KEYS, PROVENANCE_KEYS, SITE_CONTEXT_COLUMNS
from dispstats.model.fields import parse_group
from dispstats.model.hxl_columns import REFERENCE_KEYS, ColumnPlan
from dispstats.model.parse import counted
from dispstats.model.places import PLACE_KEYS
from dispstats.model.records import Figure
from dispstats.model.table_cells import (
    Checked,
    clean_cells,
    factorize,
    parse_choices,
    per_unique,
    put,
    take,
    uncomputed_formulas,
    without_blank_rows,
)
from dispstats.model.table_dates import reference_dates
from dispstats.model.table_places import (
    NOT_A_PLACE,
    countries_by_name,
    not_places,
    place_errors,
    row_levels,
)
from dispstats.model.table_quantities import one_count, read_quantities, read_units

__all__ = ["CONTENT_KEYS", "SITE_KEYS", "SOURCE_KEYS", "Checked", "read_figures"]

# Text columns carried through as they are (cleaned of control characters).
_TEXT_KEYS = ("description", "excerpt", "confidence_note")
SITE_KEYS = (
    "site_id",
    *(c.key for c in SITE_CONTEXT_COLUMNS),
    "country_name",
    "admin3_name",
    "admin3_pcode",
    "origin_site_id",
    "origin_name",
    "destination_site_id",
    "destination_name",
)
SOURCE_KEYS = (
    "source_id",
    "source_publisher",
    "source_publisher_type",
    "source_title",
    "source_url",
    "source_published",
    "source_accessed",
    "source_reliability",
)


def read_figures(
    table,
    plan: ColumnPlan,
    source: str | None,
    today: date | None = None,
    *,
    reference: str | None = None,
    countries: dict[str, str] | None = None,
) -> Checked:
    """Parse every figure of a table; site and source references stay as written.

    One figure per row when the file has an indicator column (#indicator+code), else one per
    non-empty count cell (#affected+idps+ind and the like). `reference` is the reference date
    of every row of a file without date columns (`--date`); `countries` the ISO3 code of
    country names the analyst confirmed (`--country`). Each line gets the level of the
    place it is about ("loc", "adm3" ... "country") and, in DTM style, the part of a total it
    is ("part": its origin or cause, when the file says).
    """
    import pandas as pd

    _check_plan(plan, source, reference)
    frame = table.frame
    has_indicator = "indicator" in plan.fields
    frame, row_numbers, blank_rows = without_blank_rows(frame, table.row_numbers, plan)
    excel_errors: dict[str, int] = {}
    absent = pd.Series([None] * len(frame), dtype=object)

    def text(key: str):
        if key not in plan.fields:
            return absent
        return clean_cells(frame[plan.fields[key]], excel_errors, plan.label(key))

    base = pd.DataFrame({"row": row_numbers})
    for key in (*SITE_KEYS, *SOURCE_KEYS, *_TEXT_KEYS, "movement_status"):
        put(base, key, text(key))
    if source is not None:  # a row's own source (id or publisher) comes first
        named = base["source_id"].notna() | base["source_publisher"].notna()
        put(base, "source_id", base["source_id"].where(named, source))
    put(base, "report", _reports(text, plan))
    checked = Checked(base, blank_rows=blank_rows)
    uncomputed_formulas(checked, table, plan, row_numbers)
    not_places(checked, base, plan)
    countries_by_name(checked, base, plan, countries)
    row_levels(checked, base, text("admin_level"), plan)
    if excel_errors:
        place_errors(checked, frame, base, plan)
    put(base, "part_key", _row_parts(checked, frame, base, plan))
    put(base, "row_key", base["part_key"])
    put(base, "parts", None)
    put(base, "population_group", _groups(checked, base, text("population_group"), plan))
    _choices(checked, base, text, plan)
    reference_dates(checked, base, text, plan, today, given=reference)

    if has_indicator:
        _indicator_form(checked, base, text, plan)
        long = base
    else:
        long = _count_form(checked, frame, base, plan, excel_errors)
    read_units(checked, long, plan)
    if has_indicator:
        _wide_parts(checked, frame, long, plan, excel_errors)
    if excel_errors:
        listed = ", ".join(f"{n:,} in {column}" for column, n in excel_errors.items())
        checked.notes.append(f"Excel error values (#N/A, #REF! ...) read as empty cells: {listed}")
    checked.frame = long
    return checked


def _choices(checked: Checked, base, text, plan: ColumnPlan) -> None:
    """The columns of controlled words (confidence, role, sensitivities, movement status),
    each read as one of its words or the default."""
    for key, default, choices, synonyms in (
        ("confidence", "medium", vocab.CONFIDENCE, None),
        ("role", "automatic", vocab.ROLES, None),
        ("sensitivity", "public", vocab.SENSITIVITY, None),
        ("excerpt_sensitivity", "public", vocab.SENSITIVITY, None),
    ):
        put(
            base,
            key,
            parse_choices(
                checked,
                base,
                text(key),
                plan,
                key,
                default=default,
                choices=choices,
                synonyms=synonyms,
            ),
        )
    put(
        base,
        "movement_status",
        parse_choices(
            checked,
            base,
            base["movement_status"],
            plan,
            "movement_status",
            default=None,
            choices=vocab.MOVEMENT_STATUSES,
            synonyms=None,
        ),
    )


REPORT_KEYS = {"report_assessment": "assessment", "report_round": "round",
               "report_operation": "operation"}  # fmt: skip


def _reports(text, plan: ColumnPlan):
    """Each row's report as its collection columns name it ("assessment BA, round 1"), or None:
    rows of different reports are never parts or copies of one another."""
    import pandas as pd

    keys = [k for k in REPORT_KEYS if k in plan.fields]
    if not keys:
        return None
    cells = pd.DataFrame({k: text(k) for k in keys})
    return [
        ", ".join(f"{REPORT_KEYS[k]} {v}" for k, v in zip(keys, row, strict=True) if v) or None
        for row in cells.itertuples(index=False)
    ]


def _check_plan(plan: ColumnPlan, source: str | None, reference: str | None) -> None:
    """Refuse a file whose columns cannot make figures: nothing counted, no place, no source
    or no reference date."""
    has_indicator = "indicator" in plan.fields
    wholes = [p for p, meaning in plan.values.items() if not meaning.part]
    if has_indicator and wholes:
        counts = ", ".join(plan.tags[p].text for p in wholes)
        raise InputError(
            f"the file has both an indicator column ({plan.label('indicator')}) and count "
            f"columns ({counts}); use one form or the other",
            field="hashtag",
        )
    if not has_indicator and not plan.values:
        raise InputError(
            "no column says what is counted: tag one #indicator+code (with #indicator+text "
            "for the value), or give counts in columns such as #affected+idps+ind",
            field="hashtag",
        )
    if not any(key in plan.fields for key in PLACE_KEYS):
        raise InputError(
            "no column names a place: tag the site (#loc+name, #loc+code or #loc+pcode) or "
            "the admin area each row is about (#adm1+name, #adm2+code ..., #country+code)",
            field="hashtag",
        )
    if source is None and not {"source_id", "source_publisher"} & set(plan.fields):
        raise InputError(
            "no source for the figures: give --source SOURCE (a source in the store), "
            "--publisher NAME (with --title, --url, --published) for a new one, or a column "
            "#meta+source or #org+name",
            field="source",
        )
    if reference is not None and set(REFERENCE_KEYS) & set(plan.fields):
        used = ", ".join(plan.label(k) for k in REFERENCE_KEYS if k in plan.fields)
        raise InputError(
            f"the file gives its own reference dates ({used}); --date is for files without "
            "a date column",
            field="date",
            value=reference,
        )
    if reference is None and not set(REFERENCE_KEYS) & set(plan.fields):
        dates = [t.text for t, _ in plan.ignored if t.text.lower().startswith("#date")]
        raise InputError(
            "no column gives the date the figures refer to (#date+reported)"
            + (f"; the file's dates ({', '.join(dates)}) are not reference dates" if dates else "")
            + ": give --date (e.g. --date 2024-03-31, or a month 2024-03) for every row, "
            "or tag the column #date+reported",
            field="date",
        )


def _indicator_form(checked: Checked, base, text, plan: ColumnPlan) -> None:
    """One figure per row: its indicator (an earlier version's households and returnees read
    as what they are now) and its value."""
    indicators = text("indicator")
    codes, uniques = factorize(indicators)  # each distinct cell once: a file repeats them
    said = [vocab.LEGACY_INDICATORS.get(vocab.normalise_key(u)) for u in uniques]
    legacy = take(said, codes, indicators.index)
    old = legacy.notna().to_numpy()
    if old.any():
        put(base, "indicator_legacy", legacy)
        indicators = indicators.where(~old, "population")
        checked.notes.append(
            counted(int(old.sum()), "row gives", "rows give")
            + " an indicator of an earlier dispstats (households, returnees): read as "
            "population in households, or of the group returnees"
        )
    put(
        base,
        "indicator",
        parse_choices(checked, base, indicators, plan, "indicator", default=None,
                      choices=vocab.INDICATORS, synonyms=vocab.INDICATOR_SYNONYMS, required=True),
    )  # fmt: skip
    put(base, "unit_text", text("unit"))
    if old.any():
        _legacy_units_and_groups(checked, base, legacy, plan)
    column = plan.label("value_text") if "value_text" in plan.fields else "value"
    read_quantities(checked, base, text("value_text"), text, plan, column=column)


def _legacy_units_and_groups(checked: Checked, base, legacy, plan: ColumnPlan) -> None:
    """What an earlier indicator said: its unit (households) and group (returnees), refusing
    rows whose own unit or group columns say otherwise."""
    rows = base["row"].to_numpy()
    for position, said in enumerate(legacy):
        if not said:
            continue
        unit, group = said.get("unit"), said.get("population_group")
        stated_unit = base["unit_text"].iat[position]
        if unit and stated_unit and vocab.normalise_key(stated_unit) not in ("households", "hh"):
            checked.fail([rows[position]], plan.label("unit") if "unit" in plan.fields else
                         "unit", "the indicator 'households' counts households")  # fmt: skip
        if unit:
            base.at[base.index[position], "unit_text"] = unit
        if group:
            current = base["population_group"].iat[position]
            base.at[base.index[position], "population_group"] = (
                "idp_returnees" if current == "idps" else
                "refugee_returnees" if current == "refugees" else "returnees"
            )  # fmt: skip
    del base["indicator_legacy"]


def _count_form(checked: Checked, frame, base, plan: ColumnPlan, excel_errors: dict):
    """One line per non-empty count cell: the whole figures (#affected+idps+ind) and the
    parts (#affected+idps+ind+f), each with its row's breakdown cells."""
    import pandas as pd

    lines = []
    for position, meaning in plan.values.items():
        cells = clean_cells(frame[position], excel_errors, plan.tags[position].text)
        present = cells.notna().to_numpy()
        line = base[present].copy()
        put(line, "indicator", meaning.indicator)
        put(line, "unit_text", meaning.unit)
        _column_group(checked, line, meaning, plan.tags[position].text)
        if meaning.part:
            keys = [merged_key(meaning.part, key) for key in line["part_key"]]
            clash = [k is None for k in keys]
            if any(clash):
                checked.fail(
                    line["row"][clash],
                    plan.tags[position].text,
                    "the column and a breakdown column both give one dimension",
                )
            put(line, "part_key", keys)
        sub = Checked(line)
        read_quantities(sub, line, cells[present].reset_index(drop=True), None, plan,
                        column=plan.tags[position].text)  # fmt: skip
        checked.errors.extend(sub.errors)
        lines.append(line)
    long = pd.concat(lines, ignore_index=True) if lines else base.iloc[0:0]
    empty = len(base) - int(pd.Series(long["row"]).nunique()) if len(base) else 0
    if empty:
        checked.notes.append(
            counted(empty, "row has", "rows have") + " no count in any count column"
        )
    return long.sort_values("row", kind="stable").reset_index(drop=True)


def _column_group(checked: Checked, line, meaning, column: str) -> None:
    """The group a count column names; a row whose own group cell names another is refused. A
    column of no group (#affected+displaced, #affected+ind) counts the group its row names."""
    own = line["population_group"]
    if meaning.group is None:
        return
    differs = (own.notna() & (own != meaning.group)).to_numpy()
    if differs.any():
        counts = vocab.label(meaning.group) or "people of no stated group"
        checked.fail(
            line["row"][differs],
            column,
            f"the column counts {counts} but the row's population group says otherwise",
        )
    put(line, "population_group", meaning.group)


def _groups(checked: Checked, base, cells, plan: ColumnPlan):
    """A row's population group cell, read as one of the controlled groups."""
    column = plan.label("population_group") if "population_group" in plan.fields else "group"

    def parse(value: str) -> str:
        return parse_group(value)

    parsed = per_unique(checked, base["row"], cells, parse, column)
    return parsed.where(cells.notna(), None).to_numpy()


# What a long layout writes in a breakdown cell for the whole figure.
TOTAL_WORDS = frozenset({"all", "total", "*", "tous", "toutes", "ensemble", "both"})


def _row_parts(checked: Checked, frame, base, plan: ColumnPlan) -> list:
    """Each row's part key from its breakdown cells (#gender, #age+range, #cause+type, origin
    areas ...): () for a whole figure (empty cells, "all", "total")."""
    if not plan.breakdowns:
        return [()] * len(frame)
    by_dimension: dict[str, list] = {}
    for position, dimension in plan.breakdowns.items():
        cells = clean_cells(frame[position]).to_numpy(dtype=object)
        by_dimension.setdefault(dimension, []).append((position, cells))
    rows = base["row"].to_numpy()
    keys: list = []
    cache: dict = {}
    for i in range(len(frame)):
        key = []
        for dimension, columns in by_dimension.items():
            values = [c[i] for _, c in columns if c[i] is not None]
            value = _cell_value(dimension, values)
            if value is None:
                continue
            try:
                key.append(
                    (
                        dimension,
                        cache.get((dimension, value))
                        or cache.setdefault((dimension, value), canonical(dimension, value)),
                    )
                )
            except InputError as exc:
                checked.fail([rows[i]], plan.tags[columns[0][0]].text, exc.reason)
        keys.append(tuple(sorted(key, key=lambda pair: DIMENSIONS.index(pair[0]))))
    return keys


def _cell_value(dimension: str, values: list[str]) -> str | None:
    """The value of a dimension from its cells: an origin's name with its code ("Borno
    (NG008)"), other dimensions' one cell; None for a whole figure."""
    values = [v for v in values if v.strip().lower() not in TOTAL_WORDS]
    if dimension == "origin":  # "Not available": no origin given, the row is the whole
        values = [v for v in values if v.strip().casefold() not in NOT_A_PLACE]
    if not values:
        return None
    if dimension == "origin" and len(values) > 1:
        return f"{values[0]} ({', '.join(values[1:])})"
    return values[0]


_NOT_PARTS = 'not the JSON of parts ([[{"sex": "female"}, 23400], ...])'


def _wide_parts(checked: Checked, frame, lines, plan: ColumnPlan, excel_errors: dict) -> None:
    """In a file of one figure per row: count columns with part attributes
    (#affected+idps+ind+f) and the #meta+parts column give the parts of the row's figure; a
    part's group and unit must be the figure's."""
    import numpy as np

    if not plan.values and "parts" not in plan.fields:
        return  # "parts" stays None on every line (read_figures set it)
    rows = lines["row"].to_numpy()
    gathered: dict[int, list[Part]] = {}
    for position, meaning in plan.values.items():
        cells = clean_cells(frame[position], excel_errors, plan.tags[position].text)
        column = plan.tags[position].text
        values = per_unique(checked, rows, cells, one_count, column).to_numpy(dtype=object)
        for i in np.flatnonzero(cells.notna().to_numpy()):
            whole = (lines["unit"].iat[i], lines["population_group"].iat[i])
            # A part column of no group (#affected+ind+f) is a part of the row's group.
            group = whole[1] if meaning.group is None else meaning.group
            if (meaning.unit, group) != whole:
                checked.fail([rows[i]], column, "a part of another group or unit than the "
                             "row's figure")  # fmt: skip
            elif values[i] is not None:
                gathered.setdefault(int(i), []).append(Part(meaning.part, values[i]))
    if "parts" in plan.fields:
        stored = clean_cells(frame[plan.fields["parts"]], excel_errors, plan.label("parts"))
        for i in np.flatnonzero(stored.notna().to_numpy()):
            try:
                gathered.setdefault(int(i), []).extend(parts_from_text(stored.iat[i]))
            except (ValueError, TypeError, KeyError):
                checked.fail([rows[i]], plan.label("parts"), _NOT_PARTS)
    texts = np.full(len(lines), None, dtype=object)
    for line, parts in gathered.items():
        try:
            texts[line] = parts_text(check_parts(parts))
        except InputError as exc:
            checked.fail([rows[line]], "", exc.reason)
    put(lines, "parts", texts)


# --- Figure's own rules, once per distinct shape ----------------------------------------------


# Figure fields a frame line holds under the same name.
_SAME_NAME = tuple(
    f.name
    for f in fields(Figure)
    if f.name not in ("site_id", "source_id", "quantity", "ref", "parts", *PROVENANCE_KEYS)
)
