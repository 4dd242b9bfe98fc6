"""Which sources an import's figures are from: the one given (--source or a new one described
by --publisher), or those the file's rows name, matched against the store's; new ones
reported."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dispstats.errors import DispstatsError, InputError
from dispstats.model.fields import source_from_fields
from dispstats.model.hxl_columns import ColumnPlan
from dispstats.model.parse import slugify
from dispstats.model.records import Source
from dispstats.model.table_cells import Checked
from dispstats.model.table_figures import (
    SOURCE_KEYS,
)
from dispstats.store.data_entry import new_source_from_fields
from dispstats.store.lookup import find_source
from dispstats.store.store import Store

if TYPE_CHECKING:  # importer.py imports this module
    from dispstats.store.importer import ImportOptions

# progress(phase, done, total): done and total are None while a phase cannot count.


def given_source(store: Store, options: ImportOptions) -> Source | None:
    """The source of rows without a source cell: --source, or a new one from --publisher."""
    if options.new_source and options.new_source.get("publisher"):
        fields = {**options.new_source, "id": options.source}
        return new_source_from_fields(store, fields, options.today)
    if options.source is None:
        return None
    try:
        return find_source(store.sources(), options.source)
    except DispstatsError as exc:
        raise InputError(str(exc), field="source", value=options.source) from None


def resolve_sources(
    store: Store, checked: Checked, plan: ColumnPlan, given: Source | None
) -> list[Source]:
    """Source ids for every line: the row's #meta+source (a source id, or a publisher with one
    source in the store), else its publisher (#org+name), else the given source. Sources the
    store lacks are returned to be created, when the file or the options describe them."""
    frame = checked.frame
    stored = store.sources()
    known = {s.id for s in stored}
    new: list[Source] = [given] if given is not None and given.id not in known else []
    column = plan.label("source_id") if "source_id" in plan.fields else "--source"
    _source_ids_by_publisher(frame, stored)
    _source_ids_by_reference(frame, stored, known)
    missing = frame["source_id"].isna().to_numpy()
    if missing.any():
        checked.fail(
            frame["row"][missing],
            column,
            "no source given (give --source, or --publisher to describe a new one)",
        )
    for _, line in _first_rows(frame, "source_id").iterrows():
        source_id = line["source_id"]
        if source_id in known or (given is not None and source_id == given.id):
            continue
        rows = frame["row"][(frame["source_id"] == source_id).to_numpy()]
        if not line["source_publisher"]:
            checked.fail(
                rows,
                column,
                f"no source '{source_id}' in the store: add it with 'dispstats source add', "
                "give --publisher (with --title, --url, --published) to describe it, or its "
                "publisher in a #org+name column",
            )
            continue
        fields = {key.removeprefix("source_"): line[key] for key in SOURCE_KEYS}
        fields["id"] = source_id
        try:
            new.append(source_from_fields(fields))
        except InputError as exc:
            checked.fail(rows, _source_column(exc, plan), f"source '{source_id}': {exc.reason}")
    return new


def report_sources(store: Store, frame, new: list[Source]) -> list[str]:
    """In a file whose rows come from several reports (DTM assessment types, rounds or
    operations), each report of a source is a source of its own: never summed with the
    others, never taken for a copy of them. Returns the note saying so."""
    if "report" not in frame.columns or frame["report"].nunique() < 2:
        return []
    known = {s.id: s for s in (*store.sources(), *new)}
    ids = frame["source_id"].to_numpy(dtype=object).copy()
    made = []
    pairs = frame[["source_id", "report"]].fillna("")
    for (source_id, label), index in pairs.groupby(["source_id", "report"]).indices.items():
        base = known.get(source_id)
        if base is None or not label:
            continue
        short = label.replace("assessment ", "").replace("round ", "r").replace("operation ", "")
        new_id = f"{source_id}-{slugify(short)}"[:80]
        if new_id not in known:
            title = f"{base.title or base.publisher} ({label})"
            known[new_id] = replace(base, id=new_id, title=title)
            new.append(known[new_id])
            made.append(new_id)
        ids[index] = new_id
    frame["source_id"] = ids
    reports = frame["report"].nunique()
    return [
        f"the rows come from {reports:,} reports (assessment type, round or operation): each "
        f"is a source of its own, never added to another ({', '.join(made[:3])}"
        + (" ..." if len(made) > 3 else "")
        + ")"
    ]


def _source_ids_by_publisher(frame, stored: list[Source]) -> None:
    """Rows that name only a publisher: its one source in the store, else a new source id
    made from its name."""
    only_publisher = frame["source_id"].isna() & frame["source_publisher"].notna()
    _ids_from_store(frame, only_publisher, "source_publisher", stored, slugify)


def _source_ids_by_reference(frame, stored: list[Source], known: set[str]) -> None:
    """A #meta+source cell that is not a source id may name a publisher with one source."""
    given = frame["source_id"].notna() & ~frame["source_id"].isin(known)
    _ids_from_store(frame, given, "source_id", stored, lambda ref: ref)


def _ids_from_store(frame, rows, key: str, stored: list[Source], otherwise) -> None:
    """Set source_id of `rows` from their `key` cell: the source it names in the store (by id
    or as its one publisher), else `otherwise(cell)`. Each distinct cell is looked up once."""
    if not rows.any():
        return
    ids = {}
    for ref in frame.loc[rows, key].unique():
        try:
            ids[ref] = find_source(stored, ref).id
        except DispstatsError:
            ids[ref] = otherwise(ref)
    frame.loc[rows, "source_id"] = frame.loc[rows, key].map(ids)


def _source_column(exc: InputError, plan: ColumnPlan) -> str:
    key = "source_" + (exc.field or "").replace(" ", "_")
    return plan.label(key) if key in plan.fields else (exc.field or "")


def _first_rows(frame, key: str):
    """The first line for each distinct non-empty value of `key`."""
    present = frame[frame[key].notna()]
    return present.drop_duplicates(key)
