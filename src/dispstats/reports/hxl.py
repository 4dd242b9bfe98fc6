"""HXL-tagged CSV of figures: a header row, a hashtag row, one row per figure (current
version), with the same columns as the Excel export's Figures sheet."""

from __future__ import annotations

import csv
from pathlib import Path

from dispstats.errors import InputError
from dispstats.model.columns import FIGURE_COLUMNS
from dispstats.model.records import public_only
from dispstats.reports.excel import EXTRA_FIGURE_COLUMNS, figure_values
from dispstats.store import FigureFilter, Store


def export_hxl_csv(store: Store, output: Path, public: bool = False) -> int:
    """Write the figures as UTF-8 HXL CSV; returns how many rows were written."""
    if not output.parent.is_dir():
        raise InputError(f"folder {output.parent} does not exist", field="output")
    all_sites, figures = store.sites(), store.figures(FigureFilter())
    if public:
        all_sites, figures = public_only(all_sites, figures)
    sites = {s.id: s for s in all_sites}
    sources = {s.id: s for s in store.sources()}
    columns = [*FIGURE_COLUMNS, *EXTRA_FIGURE_COLUMNS]
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([c.header for c in columns])
        writer.writerow([c.hxl for c in columns])
        for f in figures:
            writer.writerow(
                ["" if v is None else v for v in figure_values(f, sites, sources, public)]
            )
    return len(figures)
