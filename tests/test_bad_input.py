"""Bad input for the command line and the importer: each gets one clear line, exit code 1, no
traceback, and the store as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from dispstats.store import Store

DATA = Path(__file__).parent / "data"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>#loc+code</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""


def good_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["#loc+code", "#indicator+code", "#indicator+text", "#date+reported"])
    sheet.append(["rukban", "population", "text in a shared string", "2018-09-30"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one part replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return out.getvalue()


def bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, what the error must say)."""
    files: dict[str, tuple[bytes, str]] = {}
    files["utf16.csv"] = (
        "#loc+code,#indicator+code\nrukban,population\n".encode("utf-16"),
        "UTF-16",
    )
    files["latin-garbage.csv"] = (b"#loc+code\n\x81\x8d\x8f\x90\x9d\n", "neither UTF-8 nor")
    files["empty.csv"] = (b"", "no HXL hashtag row")
    files["truncated.xlsx"] = (good_xlsx()[:900], "not an XLSX file")
    files["not-a-zip.xlsx"] = (b"PK\x03\x04 this is not really a zip", "not an XLSX file")
    files["laughs.xlsx"] = (
        with_part(good_xlsx(), "xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        "not a readable XLSX workbook",
    )
    files["external-entity.xlsx"] = (
        with_part(good_xlsx(), "xl/worksheets/sheet1.xml", EXTERNAL_ENTITY),
        "not a readable XLSX workbook",
    )
    files["old.xls"] = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel")
    files["thousand-columns.csv"] = (
        (",".join(f"#meta+c{i}" for i in range(1000)) + "\n" + ",".join("1" * 1000)).encode()
        + b"\n",
        "no column says what is counted",
    )
    files["misplaced-comma.csv"] = (
        b"#loc+code,#indicator+code,#indicator+text\nrukban,population,45,000,x\n",
        "row 2 has 5 cells but the hashtag row has 3",
    )
    out = {}
    for name, (content, message) in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        out[name] = (path, message)
    return out


NAMES = [
    "utf16.csv", "latin-garbage.csv", "empty.csv", "truncated.xlsx", "not-a-zip.xlsx",
    "laughs.xlsx", "external-entity.xlsx", "old.xls", "thousand-columns.csv",
    "misplaced-comma.csv",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_a_bad_file_is_one_clear_error_and_changes_nothing(run, sqlite_db, tmp_path, name):
    path, message = bad_files(tmp_path)[name]
    before = Store.open(str(sqlite_db)).counts()
    result = run("import", str(path), "--source", "ocha-2018-09")
    assert result.exit_code == 1, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output and result.output.count("\n") <= 2
    assert "root:" not in result.output  # /etc/passwd was never read into anything
    assert Store.open(str(sqlite_db)).counts() == before


def test_a_2_gb_file_is_refused_by_its_size_before_it_is_read(run, tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: 2 GB declared, nothing on disk
        handle.truncate(2 * 1024**3)
    result = run("import", str(huge))
    assert result.exit_code == 1
    assert "2,048 MB, above the limit of 512 MB (raise it with --max-mb)" in result.output


def test_a_thousand_unknown_columns_beside_real_ones_are_listed_briefly(run, tmp_path):
    path = tmp_path / "wide.csv"
    tags = ["#loc+code", "#indicator+code", "#indicator+text", "#date+reported"]
    path.write_text(
        ",".join(tags + [f"#x+c{i}" for i in range(1000)])
        + "\n"
        + ",".join(["rukban", "population", "44000", "2018-09-17"] + ["1"] * 1000)
        + "\n"
    )
    result = run("import", str(path), "--source", "ocha-2018-09")
    assert result.exit_code == 0, result.output
    assert "Added 1 figure (#8)" in result.output
    assert "Columns left out (1,000):" in result.output
    assert "  ... and 980 more (--json lists all)" in result.output


def test_output_paths_are_written_where_the_user_said(run, tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = run("brief", "--week", "2018-W38", "-o", "../../brief.pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brief.pdf").exists()
    missing = run("export", "hxl", "-o", "../../nowhere/x.csv")
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_a_template_cannot_include_files_outside_its_folder(run, tmp_path):
    templates = tmp_path / "look"
    templates.mkdir()
    (templates / "brief.html").write_text("{% include '../../../../etc/passwd' %}")
    result = run("brief", "--week", "2018-W38", "--template-dir", str(templates), "-o",
                 str(tmp_path / "x.pdf"))  # fmt: skip
    assert result.exit_code == 1
    assert "the brief template in" in result.output and "TemplateNotFound" in result.output
    assert "root:" not in result.output and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--value", "4O,000"], "'4O,000' is not a number"),
        (["--value", "45.000"], "ambiguous"),
        (["--value", "-5"], "negative"),
        (["--date", "31/02/2018"], "31/02/2018"),
        (["--date", "2018-13"], "2018-13"),
        (["--date", "18-09-16"], "18-09-16"),
        (["--indicator", "refugees"], "refugees"),
        (["--site", "Nowhere Camp"], "no site 'Nowhere Camp'"),
        (["--source", "nobody"], "no source 'nobody'"),
    ],
)
def test_bad_values_at_the_command_line_name_what_was_wrong(run, sqlite_db, args, message):
    base = {
        "--site": "Rukban",
        "--indicator": "population",
        "--value": "44,000",
        "--date": "2018-09-17",
        "--source": "ocha-2018-09",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    before = Store.open(str(sqlite_db)).counts()
    result = run("add", *[x for pair in base.items() for x in pair], "--no-interactive")
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert Store.open(str(sqlite_db)).counts() == before


# --- text too long to be what it claims -----------------------------------------------------


def test_a_site_name_or_publisher_past_its_length_limit_is_refused_naming_the_limit(run):
    long_name = "A" * 12_000
    refused = run("site", "add", long_name, "--kind", "camp")
    assert refused.exit_code == 1
    assert "is 12,000 characters long; a site name may have at most 200" in refused.output
    assert len(refused.output) < 400  # the name's start, not the name
    title = run("source", "add", "--publisher", "OCHA", "--type", "un",
                "--title", "T" * 5_000, "--reliability", "B")  # fmt: skip
    assert title.exit_code == 1 and "a title may have at most 1,000" in title.output


def test_an_import_refuses_a_row_whose_site_name_is_too_long(run, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "Site,Date,IDPs\n#loc+name,#date+reported,#affected+idps\n"
        + "B" * 12_000
        + ",2018-09-16,100\n"
    )
    refused = run("import", str(path), "--source", "un-2018-01", "--create-sites")
    assert refused.exit_code == 1
    assert "row 3, #loc+name: 'BBBB" in refused.output
    assert "is 12,000 characters long; a site name may have at most 200" in refused.output
    assert len(refused.output) < 1_000


def test_a_cell_longer_than_a_spreadsheet_cell_is_refused_before_the_file_is_parsed(run, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(
        "Site,Date,IDPs\n#loc+name,#date+reported,#affected+idps\nRukban,2018-09-16,"
        + "9" * 100_000
        + "\n"
    )
    refused = run("import", str(path), "--source", "un-2018-01")
    assert refused.exit_code == 1
    assert "line 3 holds a cell of more than 32,767 characters" in refused.output
    assert len(refused.output) < 400


def test_a_value_quoted_in_a_refusal_is_cut_to_its_start(run):
    refused = run("add", "--site", "Rukban", "--indicator", "population", "--value",
                  "x" * 5_000, "--date", "2018-09-16", "--source", "un-2018-01",
                  "--no-interactive")  # fmt: skip
    assert refused.exit_code == 1
    assert "…' (5,000 characters) is not a number" in refused.output
    assert len(refused.output) < 600


def test_a_cell_is_measured_in_characters_not_in_bytes(tmp_path):
    from dispstats.errors import InputError
    from dispstats.model.table_csv import refuse_long_cells as _refuse_long_cells

    arabic = "م" * 20_000  # 40,000 bytes in UTF-8, 20,000 characters: a cell may hold it
    _refuse_long_cells(tmp_path / "a.csv", f"a,b\n1,{arabic}\n".encode(), ",", 32_767)
    with pytest.raises(InputError, match="line 2 holds a cell of more than 32,767"):
        _refuse_long_cells(tmp_path / "a.csv", f"a,b\n1,{arabic * 2}\n".encode(), ",", 32_767)
