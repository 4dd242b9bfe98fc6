"""A Frictionless data package of the store: figures, sites and sources as CSV, described by
datapackage.json (types, allowed values, keys between the tables, each column's HXL hashtag,
the sources the figures come from, and the licence)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispstats import __version__
from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.breakdown import suppressed
from dispstats.model.columns import (
    FIGURE_COLUMNS,
    SITE_COLUMNS,
    SOURCE_COLUMNS,
    Column,
    site_row,
    source_row,
)
from dispstats.output import written
from dispstats.reports.hxl import RESTRICTED_NOTICE, csv_cell, hxl_records
from dispstats.store.settings import withheld_below

if TYPE_CHECKING:
    from dispstats.store.contract import StoreReader

_INTEGER = {"version", "low", "high"}
_DATE = {"ref_start", "ref_end", "published", "accessed"}
_NUMBER = {"latitude", "longitude"}
_ENUMS = {
    "indicator": vocab.INDICATORS,
    "population_group": vocab.POPULATION_GROUPS,
    "unit": vocab.UNITS,
    "quantifier": vocab.TABLE_QUANTIFIERS,
    "movement_status": vocab.MOVEMENT_STATUSES,
    "confidence": vocab.CONFIDENCE,
    "role": vocab.ROLES,
    "sensitivity": vocab.SENSITIVITY,
    "excerpt_sensitivity": vocab.SENSITIVITY,
    "revision": vocab.REVISION_KINDS,
    "kind": vocab.SITE_KINDS,
    "publisher_type": vocab.PUBLISHER_TYPES,
    "reliability": tuple(vocab.RELIABILITY),
}
_REQUIRED = {
    "id",
    "site_id",
    "indicator",
    "unit",
    "quantifier",
    "ref_start",
    "ref_end",
    "source_id",
    "name",
    "publisher",
}
LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution Share-Alike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    "PDDL-1.0": (
        "Open Data Commons Public Domain Dedication and License 1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
    ),
}


@dataclass(frozen=True)
class PackageResult:
    folder: Path
    figures: int
    sites: int
    sources: int


def _field(column: Column, table: str) -> dict:
    key = column.key
    if key in _INTEGER or (key == "id" and table == "figures"):
        kind = "integer"
    elif key in _DATE:
        kind = "date"
    elif key == "entered_at":
        kind = "datetime"
    elif key in _NUMBER:
        kind = "number"
    else:
        kind = "string"
    field: dict = {
        "name": key,
        "title": column.header,
        "type": kind,
        "description": column.help,
        "hxl": column.hxl,
    }
    constraints: dict = {}
    if key in _ENUMS and not (key == "kind" and table != "sites"):
        constraints["enum"] = list(_ENUMS[key])
    if key in _REQUIRED:
        constraints["required"] = True
    if key in ("low", "high"):
        constraints["minimum"] = 0
    if constraints:
        field["constraints"] = constraints
    return field


PART_COLUMNS = (
    Column("figure_id", "Figure id", "#meta+id", "The figure the part belongs to"),
    Column("sex", "Sex", "#meta+sex", "female, male or other; empty when not split by sex"),
    Column("age", "Age", "#meta+age", "An age range (0-4, 60+) or group; empty when not split"),
    Column("cause", "Cause", "#meta+cause", "conflict, disaster, other, or the source's words"),
    Column("origin", "Origin", "#meta+origin", "Where the people came from, as the source says"),
    Column("value", "Value", "#affected+num", "How many the part counts (the figure's unit)"),
)


def _part_rows(figure_rows: list[dict], threshold: int):
    for row in figure_rows:
        parts = row.get("part_list") or ()
        total = row["low"] if row["low"] == row["high"] else None
        hidden = suppressed(parts, threshold, total) if threshold > 1 else set()
        for part in parts:
            if part not in hidden:
                yield {"figure_id": row["id"], **dict(part.key), "value": part.value}


def _parts_schema() -> dict:
    fields = []
    for c in PART_COLUMNS:
        kind = "integer" if c.key in ("figure_id", "value") else "string"
        field: dict[str, Any] = {
            "name": c.key,
            "title": c.header,
            "type": kind,
            "description": c.help,
            "hxl": c.hxl,
        }
        if c.key in ("figure_id", "value"):
            field["constraints"] = {"required": True, "minimum": 0}
        fields.append(field)
    return {
        "fields": fields,
        "foreignKeys": [
            {"fields": ["figure_id"], "reference": {"resource": "figures", "fields": ["id"]}}
        ],
    }


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return csv_cell(value)


def _write(path: Path, columns, rows) -> int:
    n = 0
    with written(path) as target, target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        for row in rows:
            writer.writerow([_cell(row.get(c.key)) for c in columns])
            n += 1
    return n


def export_datapackage(
    store: StoreReader,
    folder: Path,
    licence: str = "CC-BY-4.0",
    title: str = "Displacement figures",
) -> PackageResult:
    """Write the package into `folder` (created; it must not hold files already); from a
    PublicView, of public data only."""
    public = store.is_public
    _check_target(folder, licence)
    folder.mkdir(exist_ok=True)
    _, sites, sources, records = hxl_records(store, provenance=True)
    figure_rows = list(records)
    n_figures = _write(folder / "figures.csv", FIGURE_COLUMNS, figure_rows)
    threshold = withheld_below(store)
    _write(folder / "parts.csv", PART_COLUMNS, _part_rows(figure_rows, threshold))
    shown = {s.id for s in sites}
    n_sites = _write(
        folder / "sites.csv",
        SITE_COLUMNS,
        # A parent left out (restricted, in a public package) is not named either.
        (
            {**site_row(s), "parent_id": s.parent_id if s.parent_id in shown else None}
            for s in sites
        ),
    )
    n_sources = _write(folder / "sources.csv", SOURCE_COLUMNS, (source_row(s) for s in sources))
    restricted = not public and store.has_restricted()
    descriptor = {
        "profile": "tabular-data-package",
        "name": "dispstats-figures",
        "title": f"RESTRICTED: {title}" if restricted else title,
        "description": (
            "Displacement figures, each as its source reported it (current versions), with "
            "the sites they are about and the sources that reported them. "
            + ("Public version: restricted sites and figures are left out. " if public else "")
            + (RESTRICTED_NOTICE + " " if restricted else "")
            + "Cells that would start a spreadsheet formula begin with an apostrophe."
        ),
        "version": date.today().isoformat(),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [
            {"name": licence, "title": LICENCES[licence][0], "path": LICENCES[licence][1]}
        ],
        "contributors": [{"title": f"dispstats {__version__}", "role": "author"}],
        "sources": [
            {
                k: v
                for k, v in (("title", f"{s.publisher}: {s.title or s.id}"), ("path", s.url))
                if v
            }
            for s in sources
        ],
        "resources": _resources(threshold),
    }
    with written(folder / "datapackage.json") as target:
        target.write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return PackageResult(folder, n_figures, n_sites, n_sources)


def _check_target(folder: Path, licence: str) -> None:
    if licence not in LICENCES:
        raise InputError(
            f"unknown licence '{licence}'; one of: {', '.join(LICENCES)}",
            field="licence",
            value=licence,
        )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(
            f"{folder} exists and is not an empty folder; choose a new one", field="output"
        )
    if not folder.parent.is_dir():
        raise InputError(f"folder {folder.parent} does not exist", field="output")


def _resources(threshold: int) -> list[dict]:
    """The resources; `threshold` (a public package) is the size below which parts are
    withheld."""
    site_keys = [_key(end, "sites") for end in ("site_id", "origin_site_id", "destination_site_id")]
    parts = _resource(
        "parts",
        PART_COLUMNS,
        [_key("figure_id", "figures")],
        "The parts of figures (their breakdown by sex, age, cause or origin): one row per part, "
        "keyed by its value on each dimension it splits; never figures of their own"
        + (f"; parts under {threshold} people are withheld" if threshold else ""),
    )
    return [
        _resource(
            "figures",
            FIGURE_COLUMNS,
            [*site_keys, _key("source_id", "sources")],
            "One row per figure: its current version",
        ),
        _resource(
            "sites",
            SITE_COLUMNS,
            [_key("parent_id", "")],  # "": this resource (a site's parent is a site)
            "Camps, settlements, zones and areas the figures are about",
        ),
        _resource("sources", SOURCE_COLUMNS, [], "Who reported the figures"),
        {**parts, "schema": _parts_schema()},
    ]


def _key(field: str, resource: str) -> dict:
    return {"fields": [field], "reference": {"resource": resource, "fields": ["id"]}}


def _resource(name: str, columns, keys: list[dict], description: str) -> dict:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": description,
        "schema": {
            "fields": [_field(c, name) for c in columns],
            "primaryKey": ["id"],
            **({"foreignKeys": keys} if keys else {}),
        },
    }
