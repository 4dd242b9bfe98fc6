"""Real public files import as published (IOM DTM, DTM API, IDMC, HDX HAPI), and every
figure lands at the place its own row names, with the indicator and unit its tag says.

The fixtures in tests/data/real reproduce the shapes of those files in a few rows each: their
header and hashtag rows as published, admin 0/1/2 rows with #adm+level, two date columns, ISO
datetimes, year and month columns, +hh/+ind/+households, returnees, +newdisp/+stock, origin
admin columns, several rows per place and date, #loc+type values such as "Rural".
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispstats.errors import InputError
from dispstats.model.records import Source
from dispstats.store import FigureFilter, Store
from dispstats.store.importer import ImportOptions, import_file

REAL = Path(__file__).parent / "data" / "real"
TODAY = date(2026, 1, 1)
IOM = Source("iom-dtm", "IOM DTM", "un", "Displacement Tracking Matrix", None, None, None, "B")


def imported(store: Store, name: str, **kwargs):
    options = {"source": "iom-dtm", "create_sites": True, **kwargs}
    return import_file(store, REAL / name, ImportOptions(today=TODAY, **options))


def figures_at(store: Store, site_id: str) -> set[tuple]:
    """(indicator, unit, value, reference start, precision) of each figure at one site."""
    return {
        (f.indicator, f.unit, f.low, f.ref.start.isoformat(), f.ref.precision)
        for f in store.figures(FigureFilter(site_ids=[site_id]))
    }


def parents(store: Store, site_id: str) -> list[str]:
    """The site and the chain of places it lies in, from the site up."""
    chain = [site_id]
    while (parent := store.site(chain[-1]).parent_id) is not None:
        chain.append(parent)
    return chain


@pytest.fixture
def iom_store(store: Store) -> Store:
    store.add_source(IOM)
    return store


# --- DTM API, admin 0 to 2 ---------------------------------------------------------------------


def test_dtm_api_rows_land_at_the_level_each_row_names(iom_store):
    report = imported(iom_store, "dtm_api_admin0_2.csv")
    assert report.written and not report.errors, report.errors
    # Chad's national figure is Chad's, not the Afghan district above it in the file.
    assert figures_at(iom_store, "tcd") == {
        ("population", "people", 147032, "2017-03-30", "day")  # ISO datetime read as a day
    }
    assert iom_store.site("tcd").kind == "country" and iom_store.site("tcd").name == "Chad"
    assert figures_at(iom_store, "af2201") == {("population", "people", 5120, "2017-03-30", "day")}
    assert parents(iom_store, "af2201") == ["af2201", "af22", "afg"]
    assert parents(iom_store, "ht0111") == ["ht0111", "ht01", "hti"]
    assert parents(iom_store, "td0702") == ["td0702", "td07", "tcd"]
    lac = iom_store.site("td07")
    assert (lac.kind, lac.name, lac.pcode, lac.country_iso3) == ("admin_area", "Lac", "TD07", "TCD")
    assert figures_at(iom_store, "td07") == {("population", "people", 147032, "2017-03-30", "day")}


def test_dtm_api_rows_of_different_rounds_or_operations_are_different_reports_never_summed(
    iom_store,
):
    """Haiti, 2016-12-31: the Haiti Earthquake operation's round 28 and Hurricane Matthew's
    round 2 are two reports: each a source of its own, neither added to nor dropped for the
    other (before, they were summed as parts by cause)."""
    report = imported(iom_store, "dtm_api_admin0_2.csv")
    assert report.written and not report.errors, report.errors
    haiti = iom_store.figures(FigureFilter(site_ids=["hti"]))
    on_the_day = {f.source_id: f.low for f in haiti if f.ref.start == date(2016, 12, 31)}
    assert on_the_day == {
        "iom-dtm-sa-r28-haiti-earthquake": 46691,
        "iom-dtm-sa-r2-hurricane-matthew": 42553,
    }
    sources = {s.id: s for s in iom_store.sources()}
    assert sources["iom-dtm-sa-r28-haiti-earthquake"].title == (
        "IOM DTM (assessment SA, round 28, operation Haiti Earthquake)"
    ) or sources["iom-dtm-sa-r28-haiti-earthquake"].title.endswith(
        "(assessment SA, round 28, operation Haiti Earthquake)"
    )
    assert sources["iom-dtm-sa-r28-haiti-earthquake"].publisher == IOM.publisher
    assert not any(f.parts for f in haiti)
    assert any("each is a source of its own" in n for n in report.notes)
    left_out = " ".join(report.ignored_columns)
    assert "#date+year+reported (column 12): another date" in left_out
    assert "#id+code (column 1)" in left_out


def test_no_row_takes_a_place_from_the_row_above(iom_store, tmp_path):
    blank = tmp_path / "blank.csv"
    blank.write_text(
        "#country+code,#adm1+code,#adm2+code,#loc+name,#date+reported,#affected+idps\n"
        "AFG,AF22,AF2201,Nili camp,2017-03-30,100\n"
        ",,,,2017-03-30,200\n"
    )
    refused = import_file(
        iom_store, blank, ImportOptions(source="iom-dtm", create_sites=True, today=TODAY)
    )
    assert [str(e) for e in refused.errors] == [
        "row 3, #loc+name: no place given: the row's #loc, #adm and #country cells are empty "
        "(or say n/a, unknown)"
    ]
    assert not refused.written


def test_an_admin_level_cell_must_agree_with_the_places_the_row_names(iom_store, tmp_path):
    odd = tmp_path / "levels.csv"
    odd.write_text(
        "#country+code,#adm1+code,#adm2+code,#adm+level,#date+reported,#affected+idps\n"
        "HTI,HT01,,2,2024-05-31,10\n"
        "HTI,HT01,HT0111,1,2024-05-31,20\n"
        "HTI,HT01,,one,2024-05-31,30\n"
    )
    report = import_file(
        iom_store, odd, ImportOptions(source="iom-dtm", create_sites=True, today=TODAY)
    )
    assert [str(e) for e in report.errors] == [
        "row 2, #adm+level: the row's admin level is 2 but it names no admin 2 area (#adm2)",
        "row 3, #adm+level: the row names the admin 2 area (#adm2) 'HT0111' below its admin "
        "level 1: which one is it about?",
        "row 4, #adm+level: 'one' is not an admin level: expected 0 (country), 1, 2 or 3",
    ]


# --- HDX HAPI ----------------------------------------------------------------------------------


def test_hapi_rows_join_the_places_the_dtm_api_made_by_p_code(iom_store):
    imported(iom_store, "dtm_api_admin0_2.csv")
    report = imported(iom_store, "hapi_idps.csv", source=None, new_source=HAPI)
    assert report.written and not report.errors, report.errors
    assert report.sites_created == []  # HT01 is "West" in HAPI, "Ouest" in the DTM API
    hapi = {
        (f.site_id, f.low, f.ref.start.isoformat(), f.ref.end.isoformat(), f.ref.precision)
        for source in report.sources_created  # one per operation and round
        for f in iom_store.figures(FigureFilter(source_id=source))
    }
    assert hapi == {
        ("hti", 578074, "2024-05-31", "2024-05-31", "day"),
        ("ht01", 211076, "2024-05-31", "2024-05-31", "day"),
        ("ht0111", 150012, "2024-05-31", "2024-05-31", "day"),
        ("td07", 98200, "2017-06-01", "2017-06-30", "period"),
    }
    assert any(
        "#adm1+name+provider (column 4): another column" in c for c in report.ignored_columns
    )


HAPI = {"publisher": "HDX HAPI", "publisher_type": "un", "title": "HDX HAPI IDPs"}


# --- IDMC --------------------------------------------------------------------------------------


def test_idmc_stocks_and_new_displacements_are_two_figures_each_with_parts_by_cause(
    iom_store,
):
    report = imported(iom_store, "idmc_country_year.csv")
    assert report.written and not report.errors, report.errors
    somalia = {f.indicator: f for f in iom_store.figures(FigureFilter(site_ids=["som"]))}
    stock, flow = somalia["population"], somalia["new_displacements"]
    assert (stock.low, stock.ref.precision, stock.ref.start, stock.ref.end) == (
        3864000 + 1180000, "year", date(2022, 1, 1), date(2022, 12, 31)
    )  # fmt: skip
    assert stock.value_text == "5,044,000 (sum of 2 parts by cause)"
    assert [(p.label, p.value) for p in stock.parts] == [
        ("conflict", 3864000),
        ("disaster", 1180000),
    ]
    # New displacements during 2022: a flow over the year, never a population.
    assert (flow.low, flow.is_flow, flow.population_group) == (621000 + 1153000, True, "idps")
    # Syria has no disaster stock: its figure is its one part, and says so.
    syria = {f.indicator: f for f in iom_store.figures(FigureFilter(site_ids=["syr"]))}
    assert (syria["population"].low, syria["population"].value_text) == (
        6184000, "6,184,000 (sum of 1 part by cause)"
    )  # fmt: skip
    assert report.ignored_columns == ["#country+name (column 2): no dispstats field uses this "
                                      "hashtag"] or not report.ignored_columns  # fmt: skip


# --- IOM DTM site and location lists ----------------------------------------------------------


def test_households_and_individuals_are_told_apart(iom_store):
    report = imported(iom_store, "dtm_iraq_households.csv")
    assert report.written and not report.errors, report.errors
    assert figures_at(iom_store, "IQ0101-0001") == {
        ("population", "households", 4, "2017-03-30", "day"),
        ("population", "people", 24, "2017-03-30", "day"),
    }
    assert parents(iom_store, "IQ0101-0001") == ["IQ0101-0001", "iq-d001", "iq-d01"]
    # The date of displacement is information, not the date the figure refers to.
    assert any(
        c.startswith("#date+occurred (column 7): another date") for c in report.ignored_columns
    )


def test_returnees_are_a_population_group_and_site_types_are_kept(iom_store):
    report = imported(iom_store, "dtm_somalia_returnees.csv")
    assert report.written and not report.errors, report.errors
    town = iom_store.figures(FigureFilter(site_ids=["balcad-town"]))
    assert {(f.indicator, f.population_group, f.unit, f.low) for f in town} == {
        ("population", "returnees", "people", 5112),
        ("population", "returnees", "households", 852),
        ("population", "idps", "people", 1200),  # +stock
        ("new_displacements", "idps", "people", 340),  # +newdisp: a flow
    }
    town, rural, host = (iom_store.site(s) for s in ("balcad-town", "kulmis", "tabelaha"))
    assert (town.kind, town.location_type) == ("location", "Urban")
    assert (rural.kind, rural.location_type) == ("location", "Rural")
    assert (host.kind, host.location_type) == ("location", "Host community")
    assert parents(iom_store, "kulmis") == ["kulmis", "balcad", "middle-shabelle"]
    assert not report.ignored_columns
    # A count of returnees is no movement: check finds no "returns from ? to" anything.
    assert not any(f.is_movement for f in iom_store.figures())


def test_origin_areas_are_parts_of_the_total_and_not_the_sites_own_area(iom_store):
    report = imported(iom_store, "dtm_by_origin.csv")
    assert report.written and not report.errors, report.errors
    (maiduguri,) = iom_store.figures(FigureFilter(site_ids=["ng008016"]))
    assert maiduguri.low == 120000 + 4500 + 800
    assert maiduguri.value_text == "125,300 (sum of 3 parts by origin)"
    assert [(p.label, p.value) for p in maiduguri.parts] == [
        ("Adamawa (NG002)", 800),
        ("Borno (NG008)", 120000),
        ("Yobe (NG036)", 4500),
    ]
    assert parents(iom_store, "ng008016") == ["ng008016", "ng008"]  # Borno, not Yobe
    # The file repeats Damaturu's one row: a copy, counted once, never summed.
    (damaturu,) = iom_store.figures(FigureFilter(site_ids=["ng036006"]))
    assert damaturu.low == 31000 and report.duplicates == 1
    assert parents(iom_store, "ng036006") == ["ng036006", "ng036"]


def test_one_source_never_disagrees_with_itself(iom_store):
    before = iom_store.counts()
    report = imported(iom_store, "dtm_one_source_clash.csv")
    assert not report.written and iom_store.counts() == before
    assert sorted({e.row for e in report.errors}) == [2, 3]  # Mamdi alone is fine
    assert "one source gives different numbers for the same population of td0702" in str(
        report.errors[0]
    )
    assert "nothing else in them differs" in str(report.errors[0])
    assert "--sum-rows" in str(report.errors[0])


def test_rows_of_two_assessment_types_are_two_reports_never_a_clash(iom_store, tmp_path):
    """A baseline (BA) and a site assessment (SA) of one area and day are two reports of one
    publisher: each its own source, neither summed with nor refused for the other."""
    both = tmp_path / "ba-sa.csv"
    both.write_text(
        "#adm1+pcode,#adm2+pcode,#date+reported,#affected+idps+ind,#assessment+type\n"
        "TD07,TD0702,2017-03-30,60150,BA\nTD07,TD0702,2017-03-30,41200,SA\n"
    )
    report = import_file(iom_store, both, ImportOptions(source="iom-dtm", create_sites=True))
    assert report.written and not report.errors, report.errors
    fouli = {f.source_id: f.low for f in iom_store.figures(FigureFilter(site_ids=["td0702"]))}
    assert fouli == {"iom-dtm-ba": 60150, "iom-dtm-sa": 41200}


def test_a_file_without_dates_asks_for_date(iom_store):
    with pytest.raises(InputError, match="give --date"):
        imported(iom_store, "dtm_no_date.csv")
    report = imported(iom_store, "dtm_no_date.csv", reference="2024-03")
    assert report.written and not report.errors, report.errors
    assert figures_at(iom_store, "SS-BEN-01") == {
        ("population", "people", 112000, "2024-03-01", "month")
    }
    assert parents(iom_store, "SS-BEN-01") == ["SS-BEN-01", "rubkona"]


def test_date_is_refused_for_a_file_with_its_own_dates(iom_store):
    with pytest.raises(InputError, match=r"gives its own reference dates \(#date\+reported\)"):
        imported(iom_store, "dtm_somalia_returnees.csv", reference="2024-03")


def test_a_year_and_a_month_column_make_a_month_and_org_name_names_the_source(store):
    report = imported(store, "dtm_year_month.csv", source=None)
    assert report.written and not report.errors, report.errors
    assert report.sources_created == ["iom-dtm-mali"]
    assert figures_at(store, "ml05") == {("population", "households", 12345, "2023-11-01", "month")}
    assert figures_at(store, "ml07") == {("population", "households", 4020, "2023-11-01", "month")}
    assert parents(store, "ml07") == ["ml07", "mli"]


# --- XLSX as DTM publishes it ------------------------------------------------------------------


def cached(path: Path, values: dict[str, tuple[str, str]]) -> None:
    """Give formula cells the value Excel would have saved ({cell: (type, value)}): openpyxl
    writes formulas without one."""
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    name = "xl/worksheets/sheet2.xml"
    xml = parts[name].decode()
    for ref, (kind, value) in values.items():
        xml, n = re.subn(
            rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
            rf'<c r="{ref}" t="{kind}"><f>\2</f><v>{value}</v>',
            xml,
        )
        assert n == 1, ref
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


def dtm_workbook(path: Path) -> Path:
    """A DTM-style workbook: a summary sheet first, then the site list with sub-locations of
    one commune, a HYPERLINK column, a =#N/A commune code, and a merged commune name."""
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append(["DTM Central African Republic, round 18"])
    summary.append(["Total IDPs", 4210])
    sites = workbook.create_sheet("Sites")
    sites.append(["Préfecture", "Commune", "Code commune", "Site", "Code site", "Date", "IDPs",
                  "Fiche"])  # fmt: skip
    sites.append(["#adm1+name", "#adm2+name", "#adm2+pcode", "#loc+name", "#loc+pcode",
                  "#date+reported", "#affected+idps+ind", "#meta+url"])  # fmt: skip
    sites.append(["Ouham", "Bossangoa", "CF3211", "Site A", "CF-S-001", date(2023, 3, 31), 1200,
                  '=HYPERLINK("https://dtm.iom.int/a","fiche")'])  # fmt: skip
    sites.append([None, None, "CF3211", "Site B", "CF-S-002", date(2023, 3, 31), 800,
                  '=HYPERLINK("https://dtm.iom.int/b","fiche")'])  # fmt: skip
    sites.append(["Ouham", "Nana-Bakassa", "=#N/A", "Site C", "CF-S-003", date(2023, 3, 31),
                  "=1000+10", None])  # fmt: skip
    sites.merge_cells("A3:A4")
    sites.merge_cells("B3:B4")
    workbook.save(path)
    cached(path, {"H3": ("str", "fiche"), "H4": ("str", "fiche"), "C5": ("e", "#N/A"),
                  "G5": ("n", "1010")})  # fmt: skip
    return path


def test_a_dtm_workbook_imports_from_its_tagged_sheet_with_saved_formula_values(
    iom_store, tmp_path
):
    report = imported(iom_store, dtm_workbook(tmp_path / "car.xlsx"))
    assert report.written and not report.errors, report.errors
    notes = " ".join(report.notes)
    assert "read sheet 'Sites'; skipped 'Summary' (no hashtag row)" in notes
    assert "formula cells read as the values Excel saved" in notes
    assert "Excel error values (#N/A, #REF! ...) read as empty cells: 1 in #adm2+pcode" in notes
    assert re.search(r"\b\d+ cells? of merged ranges took the value of their merged cell", notes)
    # Two sites of one commune are two sites, each under the commune.
    assert parents(iom_store, "site-a") == ["site-a", "cf3211", "ouham"]
    assert parents(iom_store, "site-b") == ["site-b", "cf3211", "ouham"]
    assert figures_at(iom_store, "site-b") == {("population", "people", 800, "2023-03-31", "day")}
    # Site C's commune code is #N/A: it lies in the commune named in its row, found by name.
    assert figures_at(iom_store, "site-c") == {("population", "people", 1010, "2023-03-31", "day")}
    assert parents(iom_store, "site-c") == ["site-c", "nana-bakassa", "ouham"]


# --- the rule, as a property -------------------------------------------------------------------

_CELLS = {
    "#country+code": st.sampled_from(["", "HTI", "TCD"]),
    "#adm1+code": st.sampled_from(["", "HT01", "TD07"]),
    "#adm1+name": st.sampled_from(["", "Ouest", "Lac"]),
    "#adm2+code": st.sampled_from(["", "HT0111", "TD0702"]),
    "#loc+name": st.sampled_from(["", "Site A", "Site B"]),
}
_ROWS = st.lists(st.fixed_dictionaries(_CELLS), min_size=1, max_size=12)


_LEVELS = (("#loc+name",), ("#adm2+code",), ("#adm1+code", "#adm1+name"), ("#country+code",))


def _named_by(row: dict[str, str], site) -> bool:
    """Whether a site is the most specific place its row names (by code, ISO3 or name)."""
    deepest = next(tags for tags in _LEVELS if any(row[t] for t in tags))
    named = {row[t] for t in deepest if row[t]}
    return bool({site.pcode, site.name, site.country_iso3 if site.kind == "country" else None}
                & named)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=_ROWS)
def test_every_figure_lands_at_a_place_its_own_row_names(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("property")
    path = folder / "admin.csv"
    tags = [*_CELLS, "#date+reported", "#affected+idps"]
    lines = [",".join(tags)]
    for number, row in enumerate(rows):  # one date per row: no two rows share a place and date
        day = date(2020, 1, 1).toordinal() + number
        cells = [row[tag] for tag in _CELLS]
        lines.append(",".join([*cells, date.fromordinal(day).isoformat(), str(number)]))
    path.write_text("\n".join(lines) + "\n")
    with Store.init(str(folder / "store.db"))[0] as store:
        store.add_source(IOM)
        report = import_file(
            store, path, ImportOptions(source="iom-dtm", create_sites=True, today=TODAY,
                                       on_error="skip", rejects=folder / "rejects.csv")
        )  # fmt: skip
        for figure in store.figures():
            row = rows[figure.low]
            assert _named_by(row, store.site(figure.site_id)), (row, figure.site_id)
        placed = {f.low for f in store.figures()}
        reasons = {e.row: e.reason for e in report.errors}
        for number, row in enumerate(rows):
            # A row that names no place is refused; a row that names one is placed, unless
            # its admin p-codes belong to another country than its own, or its name fits two
            # places (an area known by name and one known by code): then it is refused too,
            # and nothing is guessed.
            if not any(row.values()):
                assert number not in placed and "no place given" in reasons[number + 2]
            elif number not in placed and _mixes_countries(row):
                reason = reasons[number + 2]
                assert "does not belong to" in reason or "names several sites" in reason, reason
            elif number not in placed:
                assert "names several sites" in reasons[number + 2], reasons[number + 2]


def _mixes_countries(row: dict[str, str]) -> bool:
    """A row whose admin p-codes begin with another country's letters than its #country."""
    prefix = {"HTI": "HT", "TCD": "TD"}.get(row["#country+code"])
    codes = [row["#adm1+code"], row["#adm2+code"]]
    return bool(prefix) and any(code and not code.startswith(prefix) for code in codes)


def test_a_merged_site_cell_never_spans_two_districts(iom_store, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["#adm2+pcode", "#loc+name", "#date+reported", "#affected+idps+ind"])
    sheet.append(["CF3211", "Site A", date(2023, 3, 31), 1200])
    sheet.append(["CF3212", None, date(2023, 3, 31), 300])  # another commune below the merge
    sheet.merge_cells("B2:B3")
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    report = imported(iom_store, path)
    assert "1 merged range spans rows of different admin areas" in " ".join(report.notes)
    # The second row is filed at its own commune, not at Site A of the other one.
    assert report.written and not report.errors, report.errors
    assert figures_at(iom_store, "cf3212") == {("population", "people", 300, "2023-03-31", "day")}
    assert figures_at(iom_store, "site-a") == {("population", "people", 1200, "2023-03-31", "day")}


# --- the command line --------------------------------------------------------------------------


def test_import_describes_a_new_source_inline_as_add_does(run, tmp_path):
    result = run(
        "import", str(REAL / "idmc_country_year.csv"), "--create-sites", "--publisher", "IDMC",
        "--publisher-type", "ngo", "--title", "IDMC country displacement data",
        "--published", "2024-05-14", "--reliability", "B",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added 4 figures" in result.output and "new sources: idmc-2024-05-14" in result.output
    assert "Columns left out" not in result.output  # new displacements are read now
    assert "4 figures have parts from columns" in result.output
    shown = run("source", "show", "idmc-2024-05-14")
    assert shown.exit_code == 0 and "IDMC country displacement data" in shown.output, shown.output


def test_source_details_without_a_publisher_are_one_clear_line(run):
    result = run("import", str(REAL / "idmc_country_year.csv"), "--title", "IDMC data")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: --title, --url, --published ... describe a new source: give --publisher too"
    ]


def test_a_file_without_a_source_names_options_that_exist(run):
    result = run("import", str(REAL / "idmc_country_year.csv"), "--create-sites")
    assert result.exit_code == 1
    assert "give --source SOURCE" in result.output and "--publisher NAME" in result.output


# What each count hashtag means (count_tags.ATTRIBUTES), as docs/import.md's table says it:
# (indicator, unit, group, part) or why the column is left out.
README_COUNTS = [
    ("#affected+idps", ("population", "people", "idps", ())),
    ("#affected+idps+ind+stock", ("population", "people", "idps", ())),
    ("#affected+idps+hh", ("population", "households", "idps", ())),
    ("#affected+returnees", ("population", "people", "returnees", ())),
    ("#affected+returnees+hh", ("population", "households", "returnees", ())),
    ("#affected+returnees+idps", ("population", "people", "idp_returnees", ())),
    ("#affected+refugees", ("population", "people", "refugees", ())),
    ("#affected+asylum", ("population", "people", "asylum_seekers", ())),
    ("#affected+displaced", ("population", "people", None, ())),
    ("#affected+idps+ind+newdisp", ("new_displacements", "people", "idps", ())),
    ("#affected+idps+ind+internaldisp", ("new_displacements", "people", "idps", ())),
    ("#affected+idps+ind+f", ("population", "people", "idps", (("sex", "female"),))),
    ("#affected+idps+ind+m+age0_4",
     ("population", "people", "idps", (("sex", "male"), ("age", "0-4")))),
    ("#affected+idps+children", ("population", "people", "idps", (("age", "children"),))),
    ("#affected+idps+ind+stock+conflict",
     ("population", "people", "idps", (("cause", "conflict"),))),
    ("#affected+idps+ind+cause+conflict+insurgency",
     ("population", "people", "idps", (("cause", "conflict – insurgency"),))),
    ("#affected+hh", "does not say who is counted"),
    ("#affected+hh+ind", "says both individuals (+ind) and households (+hh)"),
    ("#affected+ind", "does not say who is counted"),
    ("#affected+idps+disabled", "people with disabilities"),
    ("#affected+idps+incamp", "+incamp is not an attribute dispstats reads"),
]  # fmt: skip


@pytest.mark.parametrize(("tag", "expected"), README_COUNTS)
def test_count_tags_mean_what_the_import_docs_table_says(tag, expected):
    from dispstats.model.count_tags import count_meaning
    from dispstats.model.hxl_columns import parse_tag

    readme = (Path(__file__).parents[1] / "docs" / "import.md").read_text(encoding="utf-8")
    meaning = count_meaning(parse_tag(tag))
    if isinstance(expected, str):
        assert isinstance(meaning, str) and meaning.startswith(expected)
    else:
        assert (meaning.indicator, meaning.unit, meaning.group, meaning.part) == expected
    attributes = tag.split("+")[1:]
    assert f"`{tag}" in readme or all(f"+{a}" in readme for a in attributes), tag


def test_every_attribute_of_the_count_table_is_in_the_import_docs():
    from dispstats.model.count_tags import ATTRIBUTES

    readme = (Path(__file__).parents[1] / "docs" / "import.md").read_text(encoding="utf-8")
    table = readme[readme.index("## What each hashtag becomes") :]
    missing = [a for a in ATTRIBUTES if f"+{a}" not in table]
    assert not missing, missing


def test_the_import_reads_back_every_part_tag_an_export_writes():
    from dispstats.model.count_tags import count_meaning, part_tag
    from dispstats.model.hxl_columns import parse_tag

    for group in ("idps", "refugees", "asylum_seekers", "idp_returnees", "host_community"):
        for unit in ("people", "households"):
            for key in ((("sex", "female"),), (("age", "60+"),), (("sex", "male"), ("age", "5-17")),
                        (("cause", "conflict – clash"),), (("age", "children"),)):  # fmt: skip
                meaning = count_meaning(parse_tag(part_tag(group, unit, key)))
                assert (meaning.group, meaning.unit, meaning.part) == (group, unit, key)


def test_imported_sites_named_in_another_script_get_readable_ids(iom_store, tmp_path):
    path = tmp_path / "arabic.csv"
    path.write_text(
        "Site,P-code,Date,IDPs\n#loc+name,#loc+pcode,#date+reported,#affected+idps\n"
        "مخيم الهول,SY0801C01,2019-04-01,70000\nالركبان,,2019-04-01,40000\n",
        encoding="utf-8",
    )
    import_file(iom_store, path, ImportOptions(today=TODAY, source="iom-dtm", create_sites=True))
    assert {s.id for s in iom_store.sites()} == {"sy0801c01", "lrkbn"}
