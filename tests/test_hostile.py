"""Hostile text through every output. Each string of tests/data/hostile_strings.json goes into
every text field (site name and other name, publisher, title, URL, excerpt, confidence note,
who-they-are description) and the store then goes through every output: PDF brief, xlsx, HXL CSV,
data package, --json and the terminal tables. Nothing may be fetched, run as a formula or
markup, or lost where the text is legitimate."""

from __future__ import annotations

import csv
import json
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from dispstats.cli import cli
from dispstats.errors import InputError
from dispstats.model.columns import FORMULA_STARTS
from dispstats.model.fields import clean_text, site_from_fields, source_from_fields
from dispstats.model.records import NAME_LIMIT
from dispstats.store import Store
from dispstats.store.data_entry import add_figure
from dispstats.store.demo import load_demo

from .conftest import TODAY, require_tool

DATA = Path(__file__).parent / "data"
HOSTILE = json.loads((DATA / "hostile_strings.json").read_text())
FIELDS = ("site name", "other name", "publisher", "title", "url", "excerpt", "note", "description")
W38 = TODAY.replace(2018, 9, 23)


def stored(text: str) -> str:
    """What the store keeps of a string: control characters out, ends trimmed."""
    return clean_text(text) or ""


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    store, _ = Store.init(str(path))
    with store:
        load_demo(store)
        for n, item in enumerate(HOSTILE):
            text = item["text"]
            store.add_site(
                site_from_fields({"id": f"h{n}", "name": text, "aliases": text, "kind": "camp"})
            )
            try:  # a hostile URL is refused at entry; the text rides in a query string then
                url = source_from_fields({"id": "x", "publisher": "x", "url": text}).url
            except InputError:
                url = "https://example.org/?q=" + quote(text[:200])
            store.add_source(
                source_from_fields(
                    {"id": f"s{n}", "publisher": text, "title": text, "url": url,
                     "published": "2018-09-18", "reliability": "A"},
                    today=TODAY,
                )
            )  # fmt: skip
            add_figure(
                store,
                {
                    "site": f"h{n}",
                    "indicator": "population",
                    "value": str(50_000 + n),
                    "date": "2018-09-18",
                    "source": f"s{n}",
                    "excerpt": text,
                    "note": text,
                    "description": text,
                },
                today=TODAY,
            )
    return path


@pytest.fixture
def hostile_store(hostile_db):
    store = Store.open(str(hostile_db))
    yield store
    store.close()


def test_a_url_that_is_not_http_is_refused_at_entry():
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>"):
        with pytest.raises(InputError, match="url"):
            source_from_fields({"id": "x", "publisher": "x", "url": bad})


def test_the_brief_prints_hostile_text_as_text_and_fetches_nothing(hostile_store, tmp_path):
    from pypdf import PdfReader

    from dispstats.reports.brief import render_brief

    sites = [f"h{n}" for n in range(len(HOSTILE))]
    result = render_brief(hostile_store, tmp_path / "brief.pdf", W38, sites=sites)
    assert result.refused_urls == []  # nothing outside the templates was even asked for
    reader = PdfReader(result.path)
    # poppler reads back the fallback fonts (Arabic, emoji) that pypdf garbles
    tool = require_tool("pdftotext", "poppler-utils")
    pdftotext = subprocess.run([tool, str(result.path), "-"], capture_output=True)
    text = "".join(pdftotext.stdout.decode("utf-8").split())
    for item in HOSTILE:
        plain = "".join(stored(item["text"]).split())
        if plain.isascii():
            assert plain[:300] in text, item["id"]
        else:  # right-to-left runs come back in display order: each word must be there
            words = stored(item["text"]).split()
            if item["id"] == "emoji":  # drawn only where the system has an emoji font
                words = [w for w in words if w.isascii()]
            assert all(word in text for word in words), item["id"]
    assert "49" not in text.replace("50049", "").split("{{7*7}}")[0][-3:]  # no template ran
    assert list(reader.attachments) == ["figures-2018-W38.csv"]
    attached = reader.attachments["figures-2018-W38.csv"][0].decode("utf-8")
    assert_no_formula_cells(csv.reader(attached.splitlines()))


def assert_no_formula_cells(rows) -> int:
    n = 0
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
            n += 1
    return n


def test_the_workbook_has_no_formula_cell_and_keeps_the_text(hostile_store, tmp_path):
    from openpyxl import load_workbook

    from dispstats.reports.excel import export_xlsx

    path = export_xlsx(hostile_store, tmp_path / "h.xlsx", date_to=W38).path
    workbook = load_workbook(path)
    values = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.add(cell.value)
    for item in HOSTILE:
        assert stored(item["text"]) in values, item["id"]
    heights = [d.height for s in workbook.worksheets for d in s.row_dimensions.values()]
    assert max(h or 0 for h in heights) <= 409  # Excel's tallest row, whatever the text
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        cells = " ".join(archive.read(n).decode() for n in names if n.startswith("xl/worksheets/"))
    assert "<f>" not in cells  # charts refer to cells with <f>; cells hold none
    assert not [n for n in names if "externalLink" in n or "connections" in n]


def test_the_hxl_export_escapes_formulas_and_reads_back_every_string(hostile_store, tmp_path):
    from dispstats.reports.hxl import export_hxl_csv
    from dispstats.store.importer import ImportOptions, import_file

    path = tmp_path / "h.csv"
    export_hxl_csv(hostile_store, path)
    assert assert_no_formula_cells(csv.reader(path.open(encoding="utf-8")))
    copy, _ = Store.init(str(tmp_path / "copy.db"))
    with copy:
        report = import_file(copy, path, ImportOptions(create_sites=True, today=TODAY))
        assert report.written and not report.errors, report.errors[:3]
        names = {s.name for s in copy.sites()}
        publishers = {s.publisher for s in copy.sources()}
        excerpts = {f.excerpt for f in copy.figures()}
    for item in HOSTILE:
        assert stored(item["text"]) in names & publishers & excerpts, item["id"]


def test_the_data_package_escapes_formulas_and_stays_valid(hostile_store, tmp_path):
    from frictionless import validate

    from dispstats.reports.datapackage import export_datapackage

    export_datapackage(hostile_store, tmp_path / "p")
    for name in ("figures.csv", "sites.csv", "sources.csv"):
        assert_no_formula_cells(csv.reader((tmp_path / "p" / name).open(encoding="utf-8")))
    assert validate(tmp_path / "p" / "datapackage.json").valid


def test_json_and_terminal_output_show_the_text_and_run_no_markup(hostile_db):
    runner = CliRunner()
    listed = runner.invoke(cli, ["--db", str(hostile_db), "list", "--json"])
    assert listed.exit_code == 0
    figures = json.loads(listed.stdout)
    excerpts = {f["excerpt"] for f in figures}
    for item in HOSTILE:
        assert stored(item["text"]) in excerpts, item["id"]
    table = runner.invoke(cli, ["--db", str(hostile_db), "site", "list"], color=True)
    assert table.exit_code == 0
    assert "[bold red]markup[/bold red]" in table.stdout  # printed, not applied
    assert "\x1b]8;;http://evil.example" not in table.stdout  # no hyperlink escape let through
    shown = runner.invoke(cli, ["--db", str(hostile_db), "source", "show", "s20"])
    assert "[link=file:///etc/passwd]x[/link]" in shown.stdout


def test_the_corpus_covers_every_kind_the_issue_names():
    texts = " ".join(item["text"] for item in HOSTILE)
    for needle in ("<script", "file:///", "@import", "url(", 'rel="attachment"', "=HYPERLINK",
                   "cmd|", "\x00", "\u202e", "\t=", "\r=", "مخيم", "🏕"):  # fmt: skip
        assert needle in texts, needle
    # As long as a name may be: longer text is refused at entry (tests/test_bad_input.py).
    assert max(len(item["text"]) for item in HOSTILE) == NAME_LIMIT
    assert len(HOSTILE) * len(FIELDS) >= 240


def test_the_brief_html_escapes_every_string(hostile_store):
    from dispstats.reports.brief import gather, render_html

    data = gather(hostile_store, W38, [f"h{n}" for n in range(len(HOSTILE))])
    html = render_html(data, [], None)
    for raw in ("<script>alert", '<img src="file', "<style>@import", '<link rel="attachment"',
                "<svg onload", '<a href="javascript', "<!DOCTYPE x"):  # fmt: skip
        assert raw not in html, raw
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html  # template syntax in data is text


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_translated_brief_escapes_hostile_text_too(hostile_store, lang):
    """The catalogs' words are markup; what goes into them (names, excerpts, titles, in
    bidi isolates in Arabic) is escaped like everywhere else."""
    from dispstats.reports.brief import gather, render_html
    from dispstats.reports.i18n import get_lang

    sites = [f"h{n}" for n in range(len(HOSTILE))]
    html = render_html(gather(hostile_store, W38, sites, lang=get_lang(lang)), [], None)
    assert "<script" not in html.split("<style>")[0] + html.split("</style>")[-1]
    assert "&lt;script" in html
    assert "{{ 7*7 }}" in html and "include &#39;/etc/passwd&#39;" in html  # printed, not run


def test_a_range_merged_across_every_column_is_clipped_to_the_columns_read(tmp_path):
    """A governorate cell merged from B to XFD (16,383 columns) down 2,000 rows of its sites
    fills only the columns the hashtag row tags: 1,999 cells, never 32 million (issue 30,
    item 15)."""
    import re

    from openpyxl import Workbook

    from dispstats.store.importer import ImportOptions, import_file

    book = Workbook()
    sheet = book.active
    sheet.append(["Country", "Governorate", "Site", "Date", "IDPs"])
    sheet.append(["#country+code", "#adm1+code", "#loc+code", "#date+reported",
                  "#affected+idps+ind"])  # fmt: skip
    for n in range(2000):
        sheet.append(["SYR", "SY04" if n == 0 else None, f"site-{n}", "2024-03-31", n + 1])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    merged = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(merged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"</sheetData>", b'</sheetData><mergeCells count="1">'
                              b'<mergeCell ref="B3:XFD2002"/></mergeCells>', data)  # fmt: skip
            target.writestr(item, data)
    with Store.init(str(tmp_path / "store.db"))[0] as store:
        report = import_file(store, merged, ImportOptions(
            create_sites=True, dry_run=True, new_source={"publisher": "P"}))  # fmt: skip
    assert not report.errors, report.errors[:3]
    assert "1,999 cells of merged ranges took the value of their merged cell" in report.notes
    assert report.figures_read == 2000


def test_a_module_planted_in_the_current_folder_never_runs_in_the_brief(tmp_path):
    """The brief draws its charts in a helper Python started with -I: a pickle.py in a
    folder of partner files is never imported in place of the standard module (issue 30,
    item 14)."""
    import sys

    folder = tmp_path / "partner-files"
    folder.mkdir()
    marker = tmp_path / "planted-module-ran"
    (folder / "pickle.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(9)\n")
    dispstats = Path(sys.executable).parent / "dispstats"
    db = tmp_path / "store.db"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run([str(dispstats), "--db", str(db), "init", "--demo"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)  # fmt: skip
    done = subprocess.run(
        [str(dispstats), "--db", str(db), "brief", "--week", "2018-W38", "-o",
         str(tmp_path / "brief.pdf")],
        cwd=folder, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not marker.exists() and (tmp_path / "brief.pdf").stat().st_size > 0


@pytest.mark.parametrize(
    "command",
    [["brief", "--week", "2018-W38"], ["export", "xlsx"], ["export", "hxl"], ["form"],
     ["map", "--week", "2018-W38"]],
)  # fmt: skip
def test_an_output_of_dash_is_refused_never_a_file_named_dash(run, tmp_path, monkeypatch, command):
    """`-o -` wrote a file named '-' (issue 30, item 18): the outputs are files, so it is
    refused with the reason, and nothing is written."""
    monkeypatch.chdir(tmp_path)
    result = run(*command, "-o", "-")
    assert result.exit_code == 1 and "'-' is not a file" in result.output
    assert not (tmp_path / "-").exists()
