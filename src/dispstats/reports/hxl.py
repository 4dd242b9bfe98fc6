"""HXL-tagged CSV of figures: a header row, a hashtag row, one row per figure (current version).

Each row carries what it says about its site and source, so the file stands alone: imported
into an empty store (`dispstats import FILE --create-sites`) and exported again, it comes back
the same. With `provenance`, the store's own bookkeeping (figure id, version, who entered it
and when) is added; an import notes those columns and leaves them. A figure's parts are
written as the standard wide columns (#affected+idps+ind+f, +age0_4, +cause+conflict ...),
one per part the exported figures have; parts no HXL attribute can say (an origin, a cause in
the source's own words) go in the #meta+parts column as JSON.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispstats.errors import InputError
from dispstats.model.breakdown import parts_text, sort_key, suppressed
from dispstats.model.columns import (
    FIGURE_COLUMNS,
    HXL_COLUMNS,
    PARTS_COLUMN,
    PROVENANCE_KEYS,
    Column,
    as_spreadsheet_text,
    figure_row,
)
from dispstats.model.count_tags import part_tag
from dispstats.model.records import Site, Source
from dispstats.output import written
from dispstats.store import FigureFilter
from dispstats.store.settings import withheld_below

if TYPE_CHECKING:
    from dispstats.store.contract import StoreReader

RESTRICTED_NOTICE = (
    "RESTRICTED: this file holds restricted sites, figures or excerpts. Do not publish it; "
    "export with --public for partners."
)
PROVENANCE_COLUMNS = tuple(c for c in FIGURE_COLUMNS if c.key in PROVENANCE_KEYS)


def hxl_columns(provenance: bool = False, parts: tuple[Column, ...] = ()) -> tuple[Column, ...]:
    """The export's columns: provenance first when asked, the figure's parts (see
    part_columns) after the figure's own columns."""
    columns = (*PROVENANCE_COLUMNS, *HXL_COLUMNS) if provenance else HXL_COLUMNS
    if not parts:
        return columns
    at = next(i for i, c in enumerate(columns) if c.key == "origin_name")
    return (*columns[:at], *parts, *columns[at:])


def part_columns(figures) -> tuple[Column, ...]:
    """One wide column per part the figures have that a standard hashtag can say (in the
    order of groups, units and parts), then the #meta+parts column when some part cannot."""
    from dispstats.model import vocab

    tags: dict[str, tuple] = {}
    other = False
    for f in figures:
        for part in f.parts:
            tag = part_tag(f.population_group, f.unit, part.key)
            if tag is None:
                other = True
            elif tag not in tags:
                group = vocab.POPULATION_GROUPS.index(f.population_group)
                tags[tag] = (group, f.unit != "people", sort_key(part), f, part)
    columns = [
        Column(f"part:{tag}", _part_header(f, part), tag, "A part of the figure")
        for tag, (*_, f, part) in sorted(tags.items(), key=lambda item: item[1][:3])
    ]
    return (*columns, PARTS_COLUMN) if other else tuple(columns)


def _part_header(f, part) -> str:
    from dispstats.model import vocab

    return f"{vocab.label(f.population_group)} ({f.unit}): {part.spelled}"


def _part_cells(f, keys: set[str], threshold: int) -> dict[str, object]:
    """A figure's parts as cells of the part columns (`keys` the column keys present); with a
    small-cell `threshold` (public outputs), the parts to withhold are left empty."""
    cells: dict[str, object] = {}
    others = []
    hidden = suppressed(f.parts, threshold, f.quantity.high) if threshold > 1 else set()
    for part in f.parts:
        if part in hidden:
            continue
        tag = part_tag(f.population_group, f.unit, part.key)
        if tag is not None and f"part:{tag}" in keys:
            cells[f"part:{tag}"] = part.value
        else:
            others.append(part)
    cells["parts"] = parts_text(others)
    return cells


def hxl_records(
    store: StoreReader, provenance: bool = False
) -> tuple[tuple[Column, ...], list[Site], list[Source], Iterator[dict[str, object]]]:
    """The columns, the sites and sources used, and one {key: value} per figure."""
    all_sites, figures = store.sites(), store.figures(FigureFilter())
    sites = {s.id: s for s in all_sites}
    sources = {s.id: s for s in store.sources()}
    used_sources = [sources[i] for i in dict.fromkeys(f.source_id for f in figures)]
    used_sites = {
        i: sites[i]
        for f in figures
        for i in (f.site_id, f.origin_site_id, f.destination_site_id)
        if i in sites
    }
    for site in list(used_sites.values()):  # and the sites they lie in
        parent = site.parent_id
        while parent in sites and parent not in used_sites:
            used_sites[parent] = sites[parent]
            parent = sites[parent].parent_id
    parts = part_columns(figures)
    records = _records(figures, sites, sources, parts=parts, threshold=withheld_below(store))
    return hxl_columns(provenance, parts), list(used_sites.values()), used_sources, records


def hxl_rows(
    store: StoreReader, provenance: bool = False
) -> tuple[tuple[Column, ...], Iterator[dict[str, object]]]:
    """The columns and the records of `hxl_records`, the figures read from the store as the
    records are consumed: what a file of every figure needs, at a few MB whatever the store's
    size (reading a million figures at once took 1.5 GB)."""
    all_sites = store.sites()

    def figures():
        return store.iter_figures(FigureFilter())

    # A second pass over the figures only when some have parts: their columns come first.
    parts = part_columns(figures()) if store.has_parts() else ()
    sites = {s.id: s for s in all_sites}
    sources = {s.id: s for s in store.sources()}
    columns = hxl_columns(provenance, parts)
    return columns, _records(
        figures(), sites, sources, parts=parts, threshold=withheld_below(store)
    )


def _records(
    figures,
    sites: dict,
    sources: dict,
    *,
    parts: tuple[Column, ...] = (),
    threshold: int = 0,
) -> Iterator[dict[str, object]]:
    keys = {c.key for c in parts}
    # What a site or source adds to a row is the same for all its figures: made once each.
    site_parts = {
        site_id: {f"site_{key}": value for key, value in site.__dict__.items()}
        | {"site_aliases": ";".join(site.aliases), "site_name": site.name}
        for site_id, site in sites.items()
    }
    source_parts = {
        source_id: {f"source_{key}": value for key, value in source.__dict__.items()}
        for source_id, source in sources.items()
    }
    for f in figures:
        row = figure_row(f)
        row.update(site_parts.get(f.site_id, ()))
        origin, destination = sites.get(f.origin_site_id), sites.get(f.destination_site_id)
        row["origin_name"] = origin.name if origin else None
        row["destination_name"] = destination.name if destination else None
        row.update(source_parts.get(f.source_id, ()))
        if parts:
            row.update(_part_cells(f, keys, threshold))
        row["part_list"] = f.parts
        yield row


def csv_cell(value: Any) -> str:
    """A value as CSV text: empty for None, dates ISO, text that a spreadsheet would run as a
    formula prefixed with an apostrophe."""
    kind = value.__class__
    if kind is str:
        return as_spreadsheet_text(value)
    if value is None:
        return ""
    if kind is int and value >= 0:  # digits never start a formula
        return str(value)
    if kind is float:
        return repr(value)
    return as_spreadsheet_text(value.isoformat() if hasattr(value, "isoformat") else str(value))


def export_hxl_csv(store: StoreReader, output: Path, provenance: bool = False) -> int:
    """Write the figures as UTF-8 HXL CSV; returns how many rows were written (from a
    PublicView, public data only; otherwise a first line says when it holds restricted data)."""
    if not output.parent.is_dir():
        raise InputError(f"folder {output.parent} does not exist", field="output")
    columns, records = hxl_rows(store, provenance)
    n = 0
    with written(output) as target, target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if (
            not store.is_public and store.has_restricted()
        ):  # a line above the headers; import skips it
            writer.writerow([RESTRICTED_NOTICE])
        writer.writerow([c.header for c in columns])
        writer.writerow([c.hxl for c in columns])
        keys = [c.key for c in columns]
        for record in records:
            writer.writerow([csv_cell(record.get(key)) for key in keys])
            n += 1
    return n
