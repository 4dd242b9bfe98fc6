"""The fast row writer writes what XlsxWriter's own write_row writes, byte for byte: the
same workbook made both ways has the same parts. This is also what fails first if an
XlsxWriter release changes the internals the writer relies on (reports/xlsx_rows.py)."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dispstats.errors import InputError
from dispstats.reports import excel, xlsx_sheet
from dispstats.reports.xlsx_rows import RowWriter, fits
from dispstats.reports.xlsx_sheet import Formats, Reference, Sheet, open_workbook

ROWS = [
    ["plain", 1, 2.5, date(2018, 9, 16), datetime(2018, 9, 16, 13, 45, 7), "wrapped"],
    ["Fish & chips <b>", -3, 0.1, None, datetime(2018, 9, 16, 13, 45, tzinfo=UTC), ""],
    ["  leading", 10**20, 1e-7, date(1900, 3, 1), None, "a\nb\nc"],
    ["trailing\t", 0, 3.0, date(2018, 1, 1), None, "x " * 300],
    ["_x0041_ stays literal", 45_000, 1234567.891, None, None, "\ufffe and \uffff"],
    ["مخيم الهول", None, None, None, None, "=1+1 stays text"],
    [Reference(date(2018, 9, 1), "month", "2018-09"), 7, None, None, None, "tab\there"],
    [Reference(date(2018, 9, 3), "period", "2018-09-03/2018-09-20"), 8, None, None, None, "x"],
    [date(2018, 9, 17), "a date outside a date column", None, None, None, None],
]
KINDS = ["text", "count", "percent", "day", "datetime", "wrap"]


def _workbook(path: Path) -> None:
    workbook = open_workbook(path)
    formats = Formats(workbook)
    sheet = Sheet(workbook, formats, "Rows")
    sheet.set_kinds(KINDS)
    sheet.header([f"Column {n}" for n in range(len(KINDS))])
    sheet.append(["#a", "#b", "#c", "#d", "#e", "#f"], formats.hxl)
    for row in ROWS:
        sheet.append(row)
    sheet.title_row("A bold row after the data")
    sheet.append(["and data again", 1, None, None, None, None])
    sheet.fit_columns()
    workbook.close()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        # The creation time is the only part that differs from one run to the next.
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def _both_ways(tmp_path: Path, monkeypatch, make) -> tuple[dict, dict]:
    fast = tmp_path / "fast.xlsx"
    make(fast)
    monkeypatch.setattr(xlsx_sheet, "fits", lambda values: False)
    slow = tmp_path / "slow.xlsx"
    make(slow)
    return _parts(fast), _parts(slow)


def test_rows_written_fast_are_the_bytes_xlsxwriter_writes(tmp_path, monkeypatch):
    fast, slow = _both_ways(tmp_path, monkeypatch, _workbook)
    assert fast.keys() == slow.keys()
    for name in slow:
        assert fast[name] == slow[name], name


class _Frozen(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2018, 9, 23, 12, 0, 59, 999_999, tzinfo=tz)


def test_the_demo_workbook_is_the_same_written_fast(tmp_path, monkeypatch, demo_store):
    # The Readme's "Generated" second would differ when the two exports straddle a second.
    monkeypatch.setattr(excel, "datetime", _Frozen)
    fast, slow = _both_ways(tmp_path, monkeypatch, lambda path: excel.export_xlsx(demo_store, path))
    assert fast == slow


def test_values_of_other_types_go_through_xlsxwriter():
    assert fits(["text", 1, 2.5, date(2018, 1, 1), None])
    assert not fits([True])  # a bool is written as Excel's boolean by XlsxWriter
    assert not fits([float("nan")])
    assert not fits(["x" * 20_000])  # may need XlsxWriter's truncation to 32,767 units


def test_a_row_cannot_be_written_twice_or_over_a_formatted_one(tmp_path):
    workbook = open_workbook(tmp_path / "w.xlsx")
    ws = workbook.add_worksheet()
    rows = RowWriter(ws)
    rows.write(1, ["one"])
    with pytest.raises(ValueError, match="row 1 was written"):
        rows.write(0, ["back"])
    ws.set_row(3, 30)
    with pytest.raises(ValueError, match="row 4 was written or formatted"):
        rows.write(3, ["over a set_row"])
    with pytest.raises(ValueError, match="past the 1,048,576 rows"):
        rows.write(1_048_576, ["too far"])
    workbook.close()


def test_an_export_too_large_for_a_sheet_is_refused_and_writes_nothing(run, tmp_path, monkeypatch):
    # Excel's 1,048,576 rows, made small: the demo's 7 figures and their 2 header rows.
    monkeypatch.setattr(xlsx_sheet, "SHEET_ROWS", 7)
    out = tmp_path / "too-big.xlsx"
    result = run("export", "xlsx", "-o", str(out))
    assert result.exit_code == 1
    assert "7 figures and the Figures sheet's 2 header rows are more than Excel's 7 rows" in (
        result.output
    )
    assert "dispstats export hxl" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_sheet_never_drops_rows_past_excels_last(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_sheet, "SHEET_ROWS", 3)
    workbook = open_workbook(tmp_path / "w.xlsx")
    sheet = Sheet(workbook, Formats(workbook), "History")
    for n in range(3):
        sheet.append([n])
    with pytest.raises(
        InputError, match="History sheet would need more than Excel's 3 rows per sheet"
    ):
        sheet.append([3])


def test_a_sheet_refused_half_way_leaves_no_file_and_no_temporary_rows(run, tmp_path, monkeypatch):
    # Figures (6 and 2 header rows) fit; the Weekly series sheet (26 weeks) does not.
    monkeypatch.setattr(xlsx_sheet, "SHEET_ROWS", 20)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "half.xlsx"
    result = run("export", "xlsx", "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "sheet would need more than Excel's 20 rows per sheet" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(scratch.iterdir()) == []
