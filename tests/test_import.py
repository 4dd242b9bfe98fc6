"""Importing HXL-tagged files: what is read, what is refused and why, and that the store only
ever changes by a whole, checked file."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from dispstats.errors import InputError
from dispstats.model.records import Site, Source
from dispstats.reports.hxl import export_hxl_csv
from dispstats.store import FigureFilter, Store
from dispstats.store.importer import ImportOptions, import_file

DATA = Path(__file__).parent / "data"
TODAY = date(2024, 1, 1)
IOM = Source("iom-dtm-2018-09", "IOM", "un", "DTM site list", None, date(2018, 10, 8), None, "B")


def options(**kwargs) -> ImportOptions:
    return ImportOptions(today=TODAY, **kwargs)


@pytest.fixture
def dtm_store(demo_store: Store) -> Store:
    demo_store.add_source(IOM)
    return demo_store


def snapshot(store: Store) -> tuple:
    """Everything a write could change."""
    return (store.counts(), [s.id for s in store.sites()], [s.id for s in store.sources()])


# --- a DTM-style site list -------------------------------------------------------------------


def test_a_dtm_site_list_lists_unknown_sites_and_writes_nothing(dtm_store):
    before = snapshot(dtm_store)
    report = import_file(dtm_store, DATA / "dtm_site_list.csv", options(source="iom-dtm-2018-09"))
    assert not report.written and snapshot(dtm_store) == before
    # Rukban is matched by name (the demo site has no p-code); the others are unknown.
    assert report.unknown_sites == ["CP000102", "CP000301", "CP000302"]
    assert all("--create-sites" in e.reason for e in report.errors)


def test_a_dtm_site_list_imports_counts_per_cell_with_create_sites(dtm_store):
    report = import_file(
        dtm_store,
        DATA / "dtm_site_list.csv",
        options(source="iom-dtm-2018-09", create_sites=True),
    )
    assert report.written and not report.errors, report.errors
    assert (report.rows_read, report.blank_rows, report.added) == (6, 1, 8)
    # The admin areas the rows name become the sites' parents (p-codes as ids, named by their
    # code where the file gives no name).
    assert sorted(report.sites_created) == [
        "al-waleed", "cp000301", "khan-dunoun", "sy03", "sy0305", "sy04", "sy0403"
    ]  # fmt: skip
    assert dtm_store.site("al-waleed").parent_id == "sy0403"
    assert dtm_store.site("sy0403").parent_id == "sy04"
    assert (dtm_store.site("sy04").kind, dtm_store.site("sy04").name) == ("admin_area", "Homs")
    # Rukban was in the store already: it is matched, and not moved.
    assert dtm_store.site("rukban").parent_id == "syr-55km-zone"
    figures = dtm_store.figures(FigureFilter(source_id="iom-dtm-2018-09"))
    got = {(f.site_id, f.indicator, f.low, f.ref.start.isoformat(), f.unit) for f in figures}
    assert got == {
        ("rukban", "population", 45000, "2018-09-16", "people"),
        ("rukban", "population", 7500, "2018-09-16", "households"),
        ("rukban", "population", 44200, "2018-09-23", "people"),
        ("al-waleed", "population", 1250, "2018-09-16", "people"),  # 16/09/2018, day first
        ("al-waleed", "population", 210, "2018-09-16", "households"),
        ("al-waleed", "population", 1300, "2018-09-23", "people"),  # "1 300"
        ("cp000301", "population", 850, "2018-09-01", "people"),  # month precision
        ("khan-dunoun", "population", 2000, "2018-09-16", "people"),  # Excel day 43359
    }
    assert {f.population_group for f in figures} == {"idps"}
    # The +f column is a part of Rukban's 45,000 IDPs, not a figure of its own.
    (rukban,) = [f for f in figures if f.low == 45000]
    assert [(p.key, p.value) for p in rukban.parts] == [((("sex", "female"),), 23_400)]
    khan = next(f for f in figures if f.site_id == "khan-dunoun")
    assert khan.quantity.quantifier == "about" and khan.value_text == "about 2,000"
    arabic = dtm_store.site("cp000301")
    assert arabic.name == "الهول الجديد" and arabic.pcode == "CP000301"
    assert (arabic.admin1_name, arabic.admin1_pcode, arabic.admin2_pcode) == (
        "Rif Dimashq",
        "SY03",
        "SY0305",
    )
    notes = " ".join(report.notes)
    assert "43359 = 2018-09-16" in notes
    assert "1 figure has parts from columns (#affected+idps+ind+f)" in notes
    ignored = " ".join(report.ignored_columns)
    assert "#affected+idps+ind+f" not in ignored
    assert "#meta+1st" in ignored and "start with a letter" in ignored


def test_reimporting_the_same_file_adds_nothing_and_reports_duplicates(dtm_store):
    first = import_file(
        dtm_store, DATA / "dtm_site_list.csv", options(source="iom-dtm-2018-09", create_sites=True)
    )
    counts = dtm_store.counts()
    again = import_file(
        dtm_store, DATA / "dtm_site_list.csv", options(source="iom-dtm-2018-09", create_sites=True)
    )
    assert first.added == 8
    assert (again.added, again.duplicates, again.sites_created) == (0, 8, [])
    assert dtm_store.counts() == counts


def test_a_corrected_figure_still_counts_as_imported(dtm_store):
    import_file(
        dtm_store, DATA / "dtm_site_list.csv", options(source="iom-dtm-2018-09", create_sites=True)
    )
    figure = next(
        f for f in dtm_store.figures(FigureFilter(source_id="iom-dtm-2018-09")) if f.low == 45000
    )
    dtm_store.correct(figure.id, "typo", quantity=figure.quantity.__class__(45100, 45100))
    again = import_file(dtm_store, DATA / "dtm_site_list.csv", options(source="iom-dtm-2018-09"))
    assert again.added == 0 and again.duplicates == 8  # the original version is on record


# --- bad rows ----------------------------------------------------------------------------------

BAD = {
    4: "#indicator+text: '1,2OO' is not a number",
    5: "#indicator+code: 'popluation' is not one of",
    6: "#indicator+text: '-40' is negative",
    7: "#indicator+text: 'hundreds' is not a number",
    8: "#date+reported: '2999-01-01' is in the future",
    9: "#meta+unit: the indicator 'households' counts households",
    10: "#meta+source: no source 'no-such-source'",
    11: "#loc+code: unknown site 'Rukbaan'",
    12: "#loc+code+dest: 'syr-euphrates-shield': destination applies to movements",
    13: "#indicator+text: range '50,000-40,000' has its low end (50,000) above",
    14: "#date+reported: the figure is dated 2018-09-30, after its source was published "
    "(2018-09-17)",
}


def test_bad_rows_are_each_named_and_nothing_is_written(demo_store):
    before = snapshot(demo_store)
    report = import_file(demo_store, DATA / "bad_rows.csv", options())
    assert not report.written and snapshot(demo_store) == before
    assert report.rejected_rows == len(BAD) and (report.valid, report.added) == (1, 0)
    messages = [str(e) for e in report.errors]
    for row, text in BAD.items():
        assert any(m.startswith(f"row {row}, {text}") for m in messages), (row, messages)


def test_on_error_skip_writes_good_rows_and_rejects_the_rest_with_reasons(demo_store, tmp_path):
    rejects = tmp_path / "rejects.csv"
    report = import_file(
        demo_store, DATA / "bad_rows.csv", options(on_error="skip", rejects=rejects)
    )
    assert report.written and report.added == 1
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[1].endswith(",#meta+error") and len(lines) == 2 + len(BAD)
    assert "'1,2OO' is not a number" in lines[2] and lines[2].startswith(
        'rukban,population,"1,2OO"'
    )
    assert lines[4].startswith("rukban,population,'-40,")  # a formula start stays text
    # The rejects file is itself importable once fixed: same header and hashtag rows.
    assert lines[0].startswith("Site id,Indicator,Value,Date,Source,Unit,Destination")


def test_the_command_line_reports_bad_rows_exits_1_and_json_lists_them(run, sqlite_db):
    result = run("import", str(DATA / "bad_rows.csv"))
    assert result.exit_code == 1
    assert "row 4, #indicator+text: '1,2OO' is not a number" in result.output
    assert "Nothing was written" in result.output
    as_json = run("import", str(DATA / "bad_rows.csv"), "--dry-run", "--json")
    summary = json.loads(as_json.stdout)
    assert as_json.exit_code == 1
    assert (summary["rows_read"], summary["rejected"], summary["valid"]) == (12, 11, 1)
    assert summary["errors_total"] == 11 and not summary["written"]


def test_a_file_that_cannot_be_read_is_one_clear_error(run, tmp_path):
    missing = run("import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "does not exist" in missing.output
    untagged = run("import", str(DATA / "partner_untagged.csv"))
    assert untagged.exit_code == 1
    assert "no HXL hashtag row" in untagged.output and "--mapping" in untagged.output
    assert "Traceback" not in missing.output + untagged.output
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("#loc+code,#indicator+code\nrukban,population,45000,extra\n")
    result = run("import", str(ragged), "--source", "ocha-2018-09")
    assert result.exit_code == 1 and "row 2 has 4 cells but the hashtag row has 2" in result.output


def test_a_field_tagged_twice_is_refused_naming_both_columns(demo_store, tmp_path):
    twice = tmp_path / "twice.csv"
    twice.write_text("#loc+code,#LOC+CODE+camp,#indicator+code\nrukban,rukban,population\n")
    with pytest.raises(InputError, match=r"column 2.*column 1.*both give the site id"):
        import_file(demo_store, twice, options())


# --- mapping, encodings, XLSX -----------------------------------------------------------------


def test_an_untagged_sheet_imports_with_a_mapping_file(demo_store):
    report = import_file(
        demo_store,
        DATA / "partner_untagged.csv",
        options(mapping=DATA / "partner_mapping.csv"),
    )
    assert report.written and report.added == 2, report.errors
    # "Rukban camp" is one of Rukban's other names.
    assert {f.low for f in demo_store.figures(FigureFilter(site_ids=["rukban"]))} >= {
        43000,
        42500,
    }


def test_a_bad_mapping_file_says_what_it_should_look_like(demo_store, tmp_path):
    mapping = tmp_path / "m.csv"
    mapping.write_text("column,tag\nCamp,#loc+name\n")
    with pytest.raises(InputError, match="header,hashtag"):
        import_file(demo_store, DATA / "partner_untagged.csv", options(mapping=mapping))
    mapping.write_text("header,hashtag\nCamp,#loc+2nd\n")
    with pytest.raises(InputError, match="start with a letter"):
        import_file(demo_store, DATA / "partner_untagged.csv", options(mapping=mapping))


def test_utf8_with_bom_and_windows_1252_files_are_read(dtm_store, tmp_path):
    text = (
        '#loc+name,#date+reported,#affected+idps+ind\nRukban,2018-09-30,"43,000"\n'
        "Al-Waléed,2018-09-30,900\n"
    )
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    windows = tmp_path / "windows.csv"
    windows.write_bytes(text.replace("43,000", "43,100").encode("cp1252"))
    first = import_file(dtm_store, bom, options(source="iom-dtm-2018-09", create_sites=True))
    assert first.added == 2 and not first.notes
    second = import_file(dtm_store, windows, options(source="iom-dtm-2018-09"))
    assert second.added == 1 and second.duplicates == 1  # Al-Waléed read back the same
    assert any("not UTF-8" in n and "Windows-1252" in n for n in second.notes)
    assert dtm_store.site("al-waleed").name == "Al-Waléed"


@pytest.mark.parametrize(
    ("codec", "prefix", "newline"),
    [("utf-8", b"\xef\xbb\xbf", "\r\n"), ("utf-8", b"", "\n"), ("cp1252", b"", "\r\n")],
)
def test_data_rows_start_right_after_non_ascii_title_and_header_rows(
    tmp_path, codec, prefix, newline
):
    # The header rows are found in the decoded text, the data rows parsed from the file's bytes:
    # a title and headers with accents (two bytes each in UTF-8, one in Windows-1252) must not
    # shift where the data starts.
    from dispstats.model.tables import read_table

    lines = [
        "Liste des sites déplacés, été 2018 — Région Nord,,",
        "Nom du site,Date de collecte,Ménages déplacés",
        "#loc+name,#date+reported,#affected+hh",
        'Al-Waléed,2018-09-30,"1,200"',
        '"Ça, c\'est ""Rukban""",2018-09-30,45',
    ]
    if codec == "cp1252":
        lines[0] = lines[0].replace("—", "-")
    path = tmp_path / "sites.csv"
    path.write_bytes(prefix + newline.join(lines).encode(codec) + newline.encode())
    table = read_table(path)
    assert table.hashtags == ["#loc+name", "#date+reported", "#affected+hh"]
    assert table.frame.values.tolist() == [
        ["Al-Waléed", "2018-09-30", "1,200"],
        ['Ça, c\'est "Rukban"', "2018-09-30", "45"],
    ]
    assert list(table.row_numbers) == [4, 5]


def write_xlsx(path: Path, rows: list[list], merged: str | None = None) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sites"
    for row in rows:
        sheet.append(row)
    if merged:
        sheet.merge_cells(merged)
    workbook.save(path)
    return path


XLSX_ROWS = [
    ["Site list, round 12", None, None],
    [None, None, None],
    ["Site", "Date", "IDPs"],
    ["#loc+name", "#date+reported", "#affected+idps+ind"],
    ["Rukban", date(2018, 9, 30), 43000],
    [None, 43380, "42,800"],  # merged site cell; an Excel day number typed as a number
]


def test_an_xlsx_sheet_with_titles_dates_and_merged_cells_imports(dtm_store, tmp_path):
    path = write_xlsx(tmp_path / "sites.xlsx", XLSX_ROWS, merged="A5:A6")
    report = import_file(dtm_store, path, options(source="iom-dtm-2018-09"))
    assert report.written and report.added == 2, report.errors
    got = {
        (f.low, f.ref.start) for f in dtm_store.figures(FigureFilter(source_id="iom-dtm-2018-09"))
    }
    assert got == {(43000, date(2018, 9, 30)), (42800, date(2018, 10, 7))}


def test_an_xlsx_formula_with_no_saved_value_refuses_its_row_by_cell(dtm_store, tmp_path):
    # openpyxl saves no computed value for a formula: nothing to read, and nothing is evaluated.
    rows = [*XLSX_ROWS[:5], ["Rukban", date(2018, 10, 7), "=C5-200"]]
    path = write_xlsx(tmp_path / "formula.xlsx", rows)
    before = snapshot(dtm_store)
    report = import_file(dtm_store, path, options(source="iom-dtm-2018-09"))
    assert [str(e) for e in report.errors] == [
        "row 6, #affected+idps+ind: a formula (=C5-200) with no value saved in the workbook: "
        "open it in Excel or LibreOffice and save it, or paste the column as values"
    ]
    assert not report.written and snapshot(dtm_store) == before


def test_an_xlsx_with_formatting_openpyxl_drops_imports_without_python_warnings(
    dtm_store, tmp_path
):
    """Excel's conditional-formatting extension (as in DTM Sudan's master list) holds no
    figures: openpyxl's warning about dropping it must not reach the analyst's screen."""
    import warnings

    plain = write_xlsx(tmp_path / "plain.xlsx", XLSX_ROWS[:5])
    path = tmp_path / "formatted.xlsx"
    extension = (
        b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD8CD2E0A}" xmlns:x14="http://schemas.'
        b'microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings/></ext>'
        b"</extLst></worksheet>"
    )
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", extension)
            target.writestr(item, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = import_file(dtm_store, path, options(source="iom-dtm-2018-09"))
    assert report.written and report.added == 1, report.errors
    assert [str(w.message) for w in caught] == []


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(demo_store, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 50_000_000 + b">")
    with pytest.raises(InputError, match="possible zip bomb"):
        import_file(demo_store, bomb, options())


def test_size_and_row_limits_are_clear(demo_store, tmp_path):
    from dispstats.model.tables import Limits

    with pytest.raises(InputError, match=r"12 data rows, above the limit of 2 \(raise it"):
        import_file(demo_store, DATA / "bad_rows.csv", options(limits=Limits(max_rows=2)))
    with pytest.raises(InputError, match="above the limit of 0 MB"):
        import_file(demo_store, DATA / "bad_rows.csv", options(limits=Limits(max_bytes=10)))


# --- all or nothing --------------------------------------------------------------------------


def test_an_interrupted_import_leaves_the_store_as_it_was(dtm_store, monkeypatch):
    from dispstats.store import bulk

    before = snapshot(dtm_store)
    original = bulk.insert_figures

    def insert_then_interrupt(*args, **kwargs):
        original(*args, **kwargs)  # every row is in, inside the transaction
        raise KeyboardInterrupt  # Ctrl-C before the commit

    monkeypatch.setattr(bulk, "insert_figures", insert_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        import_file(
            dtm_store,
            DATA / "dtm_site_list.csv",
            options(source="iom-dtm-2018-09", create_sites=True),
        )
    assert snapshot(dtm_store) == before  # nor the three new sites


# --- round trip -------------------------------------------------------------------------------


def test_export_import_export_gives_the_same_file(with_restricted, db_url, tmp_path):
    first = tmp_path / "first.csv"
    export_hxl_csv(with_restricted, first)
    target, _ = Store.init(db_url)
    with target:
        report = import_file(target, first, options(create_sites=True))
        assert report.written and not report.errors, report.errors
        second = tmp_path / "second.csv"
        export_hxl_csv(target, second)
        again = import_file(target, second, options())
    assert second.read_bytes() == first.read_bytes()
    assert again.added == 0 and again.duplicates == report.added
    # Restricted stays restricted: the public export of the copy leaves it out as well.
    assert "Secret Camp Zeta" in first.read_text(encoding="utf-8")


def test_the_command_line_round_trip(run, tmp_path):
    exported = tmp_path / "figures.csv"
    assert run("export", "hxl", "-o", str(exported)).exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert run("init", db=fresh).exit_code == 0
    result = run("import", str(exported), "--create-sites", db=fresh)
    assert result.exit_code == 0, result.output
    assert "Added 7 figures (#1-#7)" in result.output
    again = run("import", str(exported), db=fresh)
    assert "Added 0 figures; 7 duplicates not added" in again.output


def test_values_shared_by_every_imported_row_are_stored_exactly(db_url, tmp_path):
    # A bulk write puts a value every row shares into the statement itself: quotes and SQL
    # in it must come back as text, and nothing else may change.
    store, _ = Store.init(db_url)
    words = "O'Brien's IDPs'); DROP TABLE figures; --"
    rows = "".join(f'Rukban,2018-09-{day:02d},"4{day},000",{words}\n' for day in (2, 9, 16))
    path = tmp_path / "shared.csv"
    header = "#loc+name,#date+reported,#affected+idps+ind,#meta+group\n"
    path.write_text(header + rows)
    with store:
        store.add_records(
            [Site("rukban", "Rukban")], [Source("ocha", "OCHA", "un", reliability="B")]
        )
        one = tmp_path / "one.csv"
        one.write_text(header + rows.splitlines(keepends=True)[0])
        assert import_file(store, one, options(source="ocha")).added == 1
        assert import_file(store, path, options(source="ocha")).added == 2
        stored = store.figures()
        assert [f.description for f in stored] == [words] * 3
        assert [f.population_group for f in stored] == ["idps"] * 3
        assert [f.quantity.low for f in stored] == [42_000, 49_000, 416_000]
        assert {(f.version, f.revision, f.role, f.sensitivity) for f in stored} == {
            (1, "original", "automatic", "public")
        }
        assert len({f.entered_by for f in stored}) == 1 and stored[0].entered_at is not None


def test_a_large_import_reports_how_far_its_write_got_until_every_row_is_in(db_url, tmp_path):
    # 45,000 rows: more than two of the write's chunks of 20,000, the last one short.
    store, _ = Store.init(db_url)
    path = tmp_path / "many.csv"
    start = date(2000, 1, 1)
    lines = (f"site-{n % 7},{start + timedelta(days=n // 7)},{n + 100}\n" for n in range(45_000))
    path.write_text("#loc+code,#date+reported,#affected+idps+ind\n" + "".join(lines))
    seen = []
    with store:
        store.add_records(
            [Site(f"site-{n}", f"Site {n}") for n in range(7)],
            [Source("ocha", "OCHA", "un", reliability="B")],
        )
        report = import_file(store, path, options(source="ocha"), lambda *step: seen.append(step))
        assert report.written and report.added == 45_000, report.errors[:3]
        writing = [(done, total) for phase, done, total in seen if phase == "writing"]
        assert writing[0] == (0, 45_000) and writing[-1] == (45_000, 45_000)
        assert [done for done, _ in writing] == sorted(done for done, _ in writing)
        assert store.counts()["figures"] == 45_000
        assert sorted(f.quantity.low for f in store.figures()) == list(range(100, 45_100))


def test_repeated_value_texts_are_read_for_every_row_they_are_in(db_url, tmp_path):
    # Each distinct text is read once; every row must still get its own reading.
    texts = ["45,000", "about 3,000", "40-50k", "45,000", "7", "about 3,000", "40-50k", "7"]
    rows = "".join(f'Rukban,2018-09-{day:02d},"{t}"\n' for day, t in enumerate(texts, 1))
    path = tmp_path / "repeated.csv"
    path.write_text("#loc+name,#date+reported,#affected+idps+ind\n" + rows)
    store, _ = Store.init(db_url)
    with store:
        store.add_records(
            [Site("rukban", "Rukban")], [Source("ocha", "OCHA", "un", reliability="B")]
        )
        assert import_file(store, path, options(source="ocha")).added == len(texts)
        stored = sorted(store.figures(), key=lambda f: f.ref.start)
        readings = {
            "45,000": (45_000, 45_000, "exact"),
            "about 3,000": (3_000, 3_000, "about"),
            "40-50k": (40_000, 50_000, "exact"),
            "7": (7, 7, "exact"),
        }
        assert [(f.quantity.low, f.quantity.high, f.quantity.quantifier) for f in stored] == [
            readings[t] for t in texts
        ]
        assert [f.value_text for f in stored] == texts


def test_an_updated_file_adds_only_its_new_rows_and_one_of_each_repeated_row(db_url, tmp_path):
    header = "#loc+name,#date+reported,#affected+idps+ind\n"
    first = tmp_path / "first.csv"
    first.write_text(header + "Rukban,2018-09-02,41000\nRukban,2018-09-09,42000\n")
    updated = tmp_path / "updated.csv"
    # Both earlier rows again, two new ones, and one of the new ones once more.
    updated.write_text(
        header + "Rukban,2018-09-02,41000\nRukban,2018-09-09,42000\nRukban,2018-09-16,43000\n"
        "Rukban,2018-09-23,44000\n"
    )
    repeated = tmp_path / "repeated.csv"  # one figure per row: a repeat reaches the store check
    repeated.write_text(
        "#loc+name,#indicator+code,#meta+group+code,#indicator+text,#date+reported\n"
        "Rukban,population,idps,45000,2018-09-30\nRukban,population,idps,41000,2018-09-02\n"
        "Rukban,population,idps,45000,2018-09-30\n"
    )
    store, _ = Store.init(db_url)
    with store:
        store.add_records(
            [Site("rukban", "Rukban")], [Source("ocha", "OCHA", "un", reliability="B")]
        )
        assert import_file(store, first, options(source="ocha")).added == 2
        again = import_file(store, updated, options(source="ocha"))
        assert (again.added, again.duplicates) == (2, 2)
        twice = import_file(store, repeated, options(source="ocha"))
        assert (twice.added, twice.duplicates) == (1, 2), twice
        lows = sorted(f.quantity.low for f in store.figures())
        assert lows == [41_000, 42_000, 43_000, 44_000, 45_000]
