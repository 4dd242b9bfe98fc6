"""The bundled demo dataset: the founding example (The Defense Post, 17 Sep 2018) and the
earlier Rukban estimates, as HXL-tagged CSVs in data/."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from dispstats.errors import InputError
from dispstats.model.breakdown import parts_from_text
from dispstats.model.columns import (
    FIGURE_COLUMNS,
    PARTS_COLUMN,
    SITE_COLUMNS,
    SOURCE_COLUMNS,
    read_tagged_rows,
)
from dispstats.model.fields import figure_from_fields, site_from_fields, source_from_fields
from dispstats.store.store import Store

FILES = ("sites.csv", "sources.csv", "figures.csv")


def demo_folder() -> Path:
    """Where the demo CSVs are: inside the installed package, or data/ in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "demo_data"
    if (packaged / FILES[0]).exists():
        return packaged
    return Path(__file__).resolve().parents[3] / "data"


def read_csv_rows(path: Path) -> list[list[str]]:
    """All rows of a UTF-8 CSV file (a byte-order mark is allowed)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return list(csv.reader(handle))
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


@dataclass(frozen=True)
class DemoLoad:
    sites: int
    sources: int
    figures: int
    already_loaded: bool = False


def load_demo(store: Store, folder: Path | None = None) -> DemoLoad:
    """Load the demo sites, sources and figures in one transaction; returns what was added.

    Loading twice adds nothing (`already_loaded`). Raises InputError naming the file and row
    of any bad cell.
    """
    folder = folder or demo_folder()
    sites_path, sources_path, figures_path = (folder / name for name in FILES)
    sites = [
        site_from_fields(fields, row)
        for row, fields in read_tagged_rows(
            read_csv_rows(sites_path), SITE_COLUMNS, ("id", "name"), str(sites_path)
        )
    ]
    sources = [
        source_from_fields(fields, row)
        for row, fields in read_tagged_rows(
            read_csv_rows(sources_path), SOURCE_COLUMNS, ("id", "publisher"), str(sources_path)
        )
    ]
    figures = [
        figure_from_fields({**fields, "parts": parts_from_text(fields.get("parts"))}, row)
        for row, fields in read_tagged_rows(
            read_csv_rows(figures_path),
            (*FIGURE_COLUMNS, PARTS_COLUMN),
            ("site_id", "indicator", "reference", "source_id"),
            str(figures_path),
        )
    ]
    known = {s.id for s in store.sites()}
    if any(s.id in known for s in sites):
        return DemoLoad(0, 0, 0, already_loaded=True)
    added_sites, added_sources, added_figures = store.add_records(sites, sources, figures)
    return DemoLoad(len(added_sites), len(added_sources), len(added_figures))
