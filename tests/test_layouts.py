"""Every layout the field publishes comes in (tests/data/layouts, a few rows each): plain-header
files read through a built-in layout, KoboToolbox exports of the form `dispstats form` writes,
the right sheet of a workbook, place and country cells, and cells as programs write them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from dispstats.store import FigureFilter, Store

LAYOUTS = Path(__file__).parent / "data" / "layouts"


def figures(db: Path, population_group: str | None = None, **where):
    with Store.open(str(db)) as store:
        found = store.figures(FigureFilter(**where))
    return [f for f in found if population_group in (None, f.population_group)]


# --- plain headers -------------------------------------------------------------------------------


def test_a_hapi_refugees_file_with_gender_and_age_rows_is_one_figure_with_its_parts(run, sqlite_db):
    result = run("import", str(LAYOUTS / "hapi_refugees_long.csv"), "--create-sites",
                 "--publisher", "HDX HAPI")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "read as HDX HAPI refugees and persons of concern" in result.output
    read = pd.read_csv(LAYOUTS / "hapi_refugees_long.csv")
    (refugees,) = figures(sqlite_db, site_ids=["uga"], population_group="refugees")
    whole = read[(read.population_group == "REF") & (read.gender == "all")
                 & (read.age_range == "all")]  # fmt: skip
    assert refugees.low == int(whole.population.iloc[0]) == 948191
    parts = {(p.key[0][0], p.key[0][1]): p.value for p in refugees.parts if len(p.key) == 1}
    assert parts[("sex", "female")] == 512023 and parts[("age", "60+")] == 37929
    (asylum,) = figures(sqlite_db, site_ids=["uga"], population_group="asylum_seekers")
    assert asylum.low == 526062


def test_unhcr_population_statistics_give_one_series_per_group_column(run, sqlite_db):
    result = run("import", str(LAYOUTS / "unhcr_population.csv"), "--create-sites",
                 "--publisher", "UNHCR")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "read as UNHCR population statistics (refugee data finder)" in result.output
    assert "#affected+stateless+ind" in result.output  # a group dispstats has not: left out
    (idps,) = figures(sqlite_db, site_ids=["syr"], population_group="idps")
    assert (idps.low, idps.ref.start.isoformat(), idps.ref.precision) == (7248855, "2023-01-01",
                                                                         "year")  # fmt: skip
    (in_turkey,) = figures(sqlite_db, site_ids=["tur"], population_group="refugees")
    assert in_turkey.low == 3214780


def test_an_idmc_download_without_hashtags_reads_as_the_idmc_layout(run, sqlite_db):
    result = run("import", str(LAYOUTS / "idmc_plain.csv"), "--create-sites",
                 "--publisher", "IDMC")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "read as IDMC country displacement data" in result.output
    (abyei,) = figures(sqlite_db, site_ids=["ab9"], indicator="population")
    assert abyei.low == 20000


def test_an_unknown_plain_file_is_refused_naming_the_closest_layout_to_copy(run, sqlite_db):
    before = Store.open(str(sqlite_db)).counts()
    result = run("import", str(LAYOUTS / "unknown_plain.csv"), "--publisher", "X")
    assert result.exit_code == 1
    assert "closest to the layout 'HDX HAPI IDPs'" in result.output
    assert "hdx-hapi-idps.csv" in result.output and "--mapping" in result.output
    assert Store.open(str(sqlite_db)).counts() == before


def test_a_copy_of_a_built_in_layout_edited_for_a_file_imports_it(run, sqlite_db, tmp_path):
    from dispstats.model.layouts import layouts

    hapi = next(layout for layout in layouts() if layout.name == "HDX HAPI IDPs")
    mapping = tmp_path / "mine.csv"
    mapping.write_text(
        hapi.path.read_text().replace("population,", "idp_count,")
        .replace("reference_period_start,", "start,").replace("reference_period_end,", "end,")
    )  # fmt: skip
    result = run("import", str(LAYOUTS / "unknown_plain.csv"), "--mapping", str(mapping),
                 "--create-sites", "--publisher", "X")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert figures(sqlite_db, site_ids=["ht01"])[0].low == 211076


def test_a_plain_file_tagged_column_by_column_with_tag_options_imports(run, sqlite_db, tmp_path):
    path = tmp_path / "partner.csv"
    path.write_text('Camp,When,People\nRukban,2024-03-31,"41,000"\n')
    result = run("import", str(path), "--source", "un-2018-01", "--tag", "Camp=#loc+name",
                 "--tag", "When=#date+reported", "--tag", "People=#affected+idps+ind")  # fmt: skip
    assert result.exit_code == 0, result.output
    (figure,) = [f for f in figures(sqlite_db, site_ids=["rukban"]) if f.low == 41000]
    assert figure.ref.start.isoformat() == "2024-03-31"


# --- KoboToolbox and the form ---------------------------------------------------------------------


def test_the_form_converts_with_pyxform_in_three_languages_with_the_sites_as_choices(run, tmp_path):
    from pyxform.xls2xform import convert

    form = tmp_path / "form.xlsx"
    result = run("form", "--public", "-o", str(form))
    assert result.exit_code == 0, result.output
    xform = convert(xlsform=str(form), validate=False).xform
    for words in ("Who is counted", "Qui est compté", "من يُحصى", "Rukban", "#affected+ind+f"):
        assert words in xform or words in _cells(form), words
    survey = {row[1]: row for row in load_workbook(form)["survey"].iter_rows(values_only=True)}
    assert survey["female"][-1] == "#affected+ind+f"  # the hxl column KoboToolbox exports


def test_the_public_form_leaves_out_restricted_sites_and_no_name_becomes_a_formula(
    run, with_restricted, tmp_path
):
    from dispstats.model.records import Site

    with_restricted.add_site(Site("formula", '=HYPERLINK("http://x","y")'))
    form = tmp_path / "form.xlsx"
    assert run("form", "--public", "-o", str(form)).exit_code == 0
    assert "Secret Camp Zeta" not in _cells(form)
    choices = load_workbook(form)["choices"]
    (cell,) = [row[2] for row in choices.iter_rows() if row[1].value == "formula"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    internal = tmp_path / "internal.xlsx"
    assert run("form", "-o", str(internal)).exit_code == 0
    assert "Secret Camp Zeta" in _cells(internal)


def _cells(path: Path) -> str:
    book = load_workbook(path)
    return " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)


def test_a_kobo_export_of_the_form_imports_with_its_parts_and_its_movement(run, sqlite_db):
    result = run("import", str(LAYOUTS / "kobo_export.csv"))
    assert result.exit_code == 0, result.output
    assert "cells separated by semicolons" in result.output
    assert "'_uuid' (column 20): the form's record of the submission" in result.output
    (count,) = figures(sqlite_db, site_ids=["rukban"], source_id="rukban-local-council")
    assert (count.low, count.quantity.quantifier, count.population_group) == (
        45000, "about", "idps"
    )  # fmt: skip
    assert {p.key: p.value for p in count.parts}[(("sex", "female"),)] == 23400
    (left,) = [
        f
        for f in figures(sqlite_db, indicator="departures", site_ids=["rukban"])
        if f.ref.start.isoformat() == "2024-03-03"
    ]
    assert (left.low, left.destination_site_id) == (3000, "syr-euphrates-shield")


def test_the_form_round_trips_a_submission_exported_as_xlsx(run, sqlite_db, tmp_path):
    """A submission of the form saved as KoboToolbox's XLSX export (group paths, hashtag row
    under the headers): import reads it as it reads the CSV."""
    csv = pd.read_csv(LAYOUTS / "kobo_export.csv", sep=";", dtype=str, keep_default_na=False)
    book = Workbook()
    sheet = book.active
    sheet.append(list(csv.columns))
    for row in csv.itertuples(index=False):
        sheet.append(list(row))
    path = tmp_path / "kobo.xlsx"
    book.save(path)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert len(figures(sqlite_db, source_id="rukban-local-council")) == 1


# --- sheets ------------------------------------------------------------------------------------


def test_a_summary_sheet_with_hash_titles_is_passed_over_and_a_sheet_without_counts_named(
    run, tmp_path
):
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["#States", "#Localities", "#IDP Households", "#Individuals"])
    summary.append([9, 83, 619971, 3086553])
    places = book.create_sheet("Places")
    places.append(["#adm1+name", "#adm1+code"])
    places.append(["Blue Nile", "SD08"])
    data = book.create_sheet("Data")
    data.append(["#adm1+code", "#date+reported", "#affected+idps+ind"])
    data.append(["SD08", "2021-03-30", "835"])
    path = tmp_path / "sudan.xlsx"
    book.save(path)
    refused = run("import", str(path), "--publisher", "DTM", "--create-sites")
    assert refused.exit_code == 1
    assert "sheet 'Places': no column says what is counted" in refused.output
    assert "sheets with a hashtag row: 'Data' (choose one with --sheet)" in refused.output
    done = run("import", str(path), "--publisher", "DTM", "--create-sites", "--sheet", "Data")
    assert done.exit_code == 0, done.output


# --- places, tags and cells --------------------------------------------------------------------


def test_a_place_cell_saying_n_a_is_empty_and_its_row_filed_at_the_level_above(
    run, sqlite_db, tmp_path
):
    path = tmp_path / "na.csv"
    path.write_text(
        "#country+code,#adm1+code,#adm2+code,#date+reported,#affected+idps+ind\n"
        "SYR,SY04,n/a,2024-03-31,15000\nSYR,SY04,SY0401,2024-03-31,9000\n"
        "SYR,unknown,-,2024-03-31,1200\n"
    )
    result = run("import", str(path), "--publisher", "P", "--create-sites")
    assert result.exit_code == 0, result.output
    assert "place cells that name no place read as empty:" in result.output
    assert all(f"'{word}' (1)" in result.output for word in ("n/a", "unknown", "-"))
    by_site = {f.site_id: f.low for f in figures(sqlite_db, source_id="p")}
    assert by_site == {"sy04": 15000, "sy0401": 9000, "syr": 1200}


def test_country_names_humanitarian_data_writes_are_read_and_a_loose_match_only_suggested(
    run, sqlite_db, tmp_path
):
    path = tmp_path / "names.csv"
    path.write_text(
        "#country+name,#date+reported,#affected+idps+ind\n"
        "DR Congo,2024-03-31,6900000\noPt,2024-03-31,1700000\n"
    )
    result = run("import", str(path), "--publisher", "P", "--create-sites")
    assert result.exit_code == 0, result.output
    assert {f.site_id for f in figures(sqlite_db, source_id="p")} == {"cod", "pse"}
    loose = tmp_path / "loose.csv"
    loose.write_text("#country+name,#date+reported,#affected+idps+ind\nBurma,2024-03-31,10\n")
    refused = run("import", str(loose), "--publisher", "P", "--create-sites")
    assert refused.exit_code == 1
    assert "come close to MMR (Myanmar), a loose match never taken without you" in refused.output
    assert '--country "Burma=MMR"' in refused.output
    confirmed = run("import", str(loose), "--publisher", "P", "--create-sites",
                    "--country", "Burma=MMR")  # fmt: skip
    assert confirmed.exit_code == 0, confirmed.output
    assert [f.site_id for f in figures(sqlite_db) if f.low == 10] == ["mmr"]


def test_a_p_code_with_extra_zeros_or_another_case_is_the_stores_area_and_said(
    run, sqlite_db, tmp_path
):
    first = tmp_path / "first.csv"
    first.write_text("#country+code,#adm1+code,#adm1+name,#date+reported,#affected+idps+ind\n"
                     "SYR,SY04,Homs,2024-03-31,10\n")  # fmt: skip
    assert run("import", str(first), "--publisher", "P", "--create-sites").exit_code == 0
    later = tmp_path / "later.csv"
    later.write_text(
        "#country+code,#adm1+code,#date+reported,#affected+idps+ind\n"
        "SYR,SY004,2024-04-30,12\nSYR,sy04,2024-05-31,13\nSYR,SY0004,2024-06-30,14\n"
    )
    result = run("import", str(later), "--publisher", "Q", "--create-sites")
    assert result.exit_code == 0, result.output
    assert "p-codes with extra zeros read as the store's own: SY004 as SY04" in result.output
    assert "new sites" not in result.output
    homs = sorted(f.low for f in figures(sqlite_db) if f.site_id == "sy04")
    assert homs == [10, 12, 13, 14]


def test_tag_variants_dtm_publishes_are_read_as_the_standard_tag_and_listed(
    run, sqlite_db, tmp_path
):
    path = tmp_path / "variants.csv"
    path.write_text(
        "Country,Admin 1,Date,IDPs\n"
        "Country+code,#adm1+code\t,#date+reported,#affected+idp+households\n"
        "SYR,SY04,2024-03-31,1e+03\n"
    )
    result = run("import", str(path), "--publisher", "P", "--create-sites")
    assert result.exit_code == 0, result.output
    assert "'Country+code' (column 1) as #country+code" in result.output
    assert "'#adm1+code\\t' (column 2) as #adm1+code" in result.output
    assert "'#affected+idp+households' (column 4) as #affected+idps+hh" in result.output
    (f,) = figures(sqlite_db, site_ids=["sy04"], source_id="p")
    assert (f.low, f.unit, f.population_group) == (1000, "households", "idps")


def test_a_date_column_holding_2_18_2021_is_month_first_for_all_its_dates(run, sqlite_db, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(
        "#adm1+code,#date+reported,#affected+idps+ind\nSY04,2/18/2021,10\nSY05,3/2/2021,20\n"
    )
    result = run("import", str(path), "--publisher", "P", "--create-sites")
    assert result.exit_code == 0, result.output
    (march,) = figures(sqlite_db, site_ids=["sy05"], source_id="p")
    assert march.ref.start.isoformat() == "2021-03-02"  # not 3 February


def test_a_day_first_date_column_stays_day_first(run, sqlite_db, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(
        "#adm1+code,#date+reported,#affected+idps+ind\nSY04,18/2/2021,10\nSY05,3/2/2021,20\n"
    )
    assert run("import", str(path), "--publisher", "P", "--create-sites").exit_code == 0
    (feb,) = figures(sqlite_db, site_ids=["sy05"], source_id="p")
    assert feb.ref.start.isoformat() == "2021-02-03"


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("Nowhere=#loc+code", "no column has the header or hashtag 'Nowhere'; the headers are"),
        ("Admin 1=#loc code", "'#loc code' is not an HXL hashtag"),
        ("#adm1+code", "expected COLUMN=HASHTAG"),
    ],
)
def test_a_tag_option_that_cannot_be_applied_is_refused_naming_the_columns(
    run, sqlite_db, tmp_path, given, said
):
    path = tmp_path / "plain.csv"
    path.write_text(
        "Admin 1,Date,IDPs\n#adm1+code,#date+reported,#affected+idps+ind\nSY04,2024-03,5\n"
    )
    before = Store.open(str(sqlite_db)).counts()
    result = run("import", str(path), "--publisher", "P", "--tag", given)
    assert result.exit_code != 0 and said in result.output, result.output
    assert Store.open(str(sqlite_db)).counts() == before


def test_a_reject_file_goes_to_the_current_folder_never_beside_the_input_nor_by_dry_run(
    run, tmp_path, monkeypatch
):
    shared = tmp_path / "shared"
    shared.mkdir()
    path = shared / "bad.csv"
    path.write_text(
        "#adm1+code,#date+reported,#affected+idps+ind\nSY04,2024-03,5\nSY05,2024-03,x\n"
    )
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    dry = run("import", str(path), "--publisher", "P", "--create-sites", "--on-error", "skip",
              "--dry-run")  # fmt: skip
    assert not list(here.iterdir()) and list(shared.iterdir()) == [path], dry.output
    done = run("import", str(path), "--publisher", "P", "--create-sites", "--on-error", "skip")
    assert done.exit_code == 0, done.output
    (rejects,) = here.iterdir()
    assert rejects.name.startswith("bad.rejected-") and list(shared.iterdir()) == [path]
