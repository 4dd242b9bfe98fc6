"""Speed work must not change what a reader gets: the demo brief's text and the workbook's
cell values, on the demo store and on a generated one, equal the recorded ones.

After an intended change of an output, record it again with
    DISPSTATS_UPDATE_GOLDEN=1 pytest tests/test_outputs_golden.py
and read the diff of tests/data/golden/ before committing it.
"""

from __future__ import annotations

import json
import os
import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dispstats.model.dates import DateRef
from dispstats.model.parse import Quantity
from dispstats.model.records import Figure, Site, Source
from dispstats.reports.brief import render_brief
from dispstats.reports.excel import export_xlsx
from dispstats.store import Store

from .helpers import pdf_text

GOLDEN = Path(__file__).parent / "data" / "golden"
W38_END = date(2018, 9, 23)


def _brief_text(store: Store, path: Path, end: date) -> str:
    text = pdf_text(render_brief(store, path, as_of=end).path)
    return re.sub(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d", "Generated (time)", text)


def _workbook_values(store: Store, path: Path, end: date) -> dict:
    """Every cell value by sheet, as text; the moments of entry and generation left out."""
    sheets = {}
    for sheet in load_workbook(export_xlsx(store, path, date_to=end).path).worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        header = rows[0] if rows else []
        cut = header.index("Entered at") if "Entered at" in header else None
        sheets[sheet.title] = [
            [str(v) if v is not None else None for i, v in enumerate(row) if i != cut]
            for row in rows
            if not row or row[0] != "Generated"
        ]
    return sheets


def _generated(path: Path) -> Store:
    """30 sites in 3 zones, 2 sources, a year of figures (ranges and numbers) and movements."""
    rng = random.Random(20181)
    store, _ = Store.init(str(path))
    zones = [Site(f"zone-{z}", f"Zone {z}", kind="zone") for z in range(3)]
    sites = [Site(f"camp-{n:02d}", f"Camp {n:02d}", kind="camp", parent_id=f"zone-{n % 3}")
             for n in range(30)]  # fmt: skip
    sources = [
        Source("ocha", "OCHA", "un", reliability="B", published=date(2018, 9, 20)),
        Source("local", "Local network", "local_network", reliability="C"),
    ]
    figures = []
    for site in sites:
        size = rng.randrange(500, 60_000)
        for week in range(0, 52, rng.choice([3, 4, 6])):
            day = W38_END - timedelta(weeks=51 - week, days=rng.randrange(7))
            size = max(100, size + rng.randrange(-2_000, 2_500))
            low, high = (size, size) if rng.random() < 0.7 else (max(0, size - 500), size + 500)
            source = rng.choice(sources).id
            figures.append(
                Figure(site_id=site.id, indicator="population",
                       quantity=Quantity(low, high, "about" if low == high else "exact"),
                       value_text=f"{low:,}" if low == high else f"{low:,}-{high:,}",
                       ref=DateRef(day, day, "day"), source_id=source)
            )  # fmt: skip
        if rng.random() < 0.3:
            day = W38_END - timedelta(days=rng.randrange(40))
            figures.append(
                Figure(site_id=site.id, indicator="departures",
                       quantity=Quantity(300, 300, "exact"), value_text="300",
                       ref=DateRef(day, day, "day"), source_id="local",
                       destination_site_id=rng.choice(sites).id, movement_status="completed")
            )  # fmt: skip
    store.add_records([*zones, *sites], sources, figures)
    return store


def _check(name: str, found) -> None:
    path = GOLDEN / name
    text = found if isinstance(found, str) else json.dumps(found, indent=1, ensure_ascii=False)
    if os.environ.get("DISPSTATS_UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert path.exists(), f"no recorded {name}: see this module's docstring"
    assert text + "\n" == path.read_text(encoding="utf-8"), f"{name} changed"


@pytest.mark.parametrize("what", ["brief", "workbook"])
def test_the_demo_outputs_are_the_recorded_ones(demo_sqlite, tmp_path, what):
    if what == "brief":
        _check("demo-brief.txt", _brief_text(demo_sqlite, tmp_path / "b.pdf", W38_END))
    else:
        _check("demo-workbook.json", _workbook_values(demo_sqlite, tmp_path / "w.xlsx", W38_END))


@pytest.mark.parametrize("what", ["brief", "workbook"])
def test_a_generated_stores_outputs_are_the_recorded_ones(tmp_path, what):
    with _generated(tmp_path / "g.db") as store:
        if what == "brief":
            _check("generated-brief.txt", _brief_text(store, tmp_path / "b.pdf", W38_END))
        else:
            values = _workbook_values(store, tmp_path / "w.xlsx", W38_END)
            _check("generated-workbook.json", values)
