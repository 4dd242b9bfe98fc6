"""The twelve real published files of tests/data/real/ (IOM DTM, IDMC, UNHCR, HDX HAPI; see
SOURCES.md there): each imports with the plain command a new user types, or is refused with a
message naming the option that makes it import, and then imports with it. Either way, pandas'
own reading of the file (never our export) gives the same IDPs (people) by country and admin 1
as `dispstats totals`; for files of refugees, the same refugees and asylum seekers by country.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dispstats.cli.app import cli
from dispstats.series import hierarchy_totals
from dispstats.store.store import Store

REAL = Path(__file__).parent / "data" / "real"
AS_OF = date(2026, 12, 31)


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def imported(tmp_path: Path, name: str, *options: str) -> tuple[Store, object]:
    db = tmp_path / "store.db"
    assert run(db, "init").exit_code == 0
    result = run(db, "import", str(REAL / name), "--create-sites", "--publisher", "P", *options)
    return Store.open(str(db)), result


def totals(store: Store, by: str, group: str = "idps", *, own: bool = False) -> dict[str, int]:
    """`dispstats totals --by BY`: each area's total of its sites (its own figure where it has
    no sites with figures); with `own`, the area's own figure (its "Own figure" column)."""
    found = {}
    for t in hierarchy_totals(store, by, as_of=AS_OF, group=group, unit="people"):
        value = t.own.low if t.own is not None else None
        if t.parts and not own:
            value = t.low
        if value is not None:
            found[t.area.upper()] = value
    return found


def sums(frame: pd.DataFrame, by: str, count: str) -> dict[str, int]:
    counted = frame[frame[count].notna()]
    summed = counted.groupby(counted[by].astype(str).str.strip().str.upper())[count].sum()
    return {k: int(v) for k, v in summed.items()}


def sheet(name: str, sheet_name=0, header: int = 0) -> pd.DataFrame:
    """A DTM workbook's sheet by its header row, the hashtag row under it skipped."""
    skip = [*range(header), header + 1]
    return pd.read_excel(REAL / name, sheet_name=sheet_name, header=0, skiprows=skip)


@dataclass(frozen=True)
class Baseline:
    """A DTM baseline: IDPs by place in one column, admin 1 and country codes in others."""

    name: str
    idps: str
    admin1: str
    country: str | None
    sheet: object = 0
    header: int = 0


BASELINES = {
    "dtm_car_baseline_r14.xlsx": Baseline(
        "dtm_car_baseline_r14.xlsx", "B1.b. Nombre TOTAL d'individus PDI actuels",
        "prefecture code", "Country Pcode"),
    "dtm_chad_site_village_r16.xlsx": Baseline(
        "dtm_chad_site_village_r16.xlsx", "Personnes Déplacées Internes",
        "P-code admin 1 (Province)", None, "Round16_data", 1),
    "dtm_ethiopia_site_r28.xlsx": Baseline(
        "dtm_ethiopia_site_r28.xlsx", "2.1.b.1: Total IDP (Individuals)", "OCHA Region P-Code2",
        "Country Code"),
    "dtm_nigeria_baseline_r38.xlsx": Baseline(
        "dtm_nigeria_baseline_r38.xlsx", "Estimated Number of IDP", "State Pcode",
        "Country Code"),
    "dtm_mali_baseline_r72.xlsx": Baseline(
        "dtm_mali_baseline_r72.xlsx", "Total No# of IDPs Ind#", "Admin 1 pcode",
        "Admin 0 pcode"),
    "dtm_somalia_b2_r1.xlsx": Baseline(
        "dtm_somalia_b2_r1.xlsx", "IDPs ind Total", "Region code", "Country Code",
        "B2, Dataset"),
    "dtm_sudan_master_list_r3.xlsx": Baseline(
        "dtm_sudan_master_list_r3.xlsx", "IND", "StateCode", None, "IDPs Dataset"),
}  # fmt: skip


def check_baseline(store: Store, case: Baseline, refused_rows=frozenset()) -> None:
    """The store's IDPs by admin 1 and country are pandas' sums of the file's rows; rows the
    import refused are left out of both."""
    read = sheet(case.name, case.sheet, case.header)
    first_row = case.header + 3  # the file row of the first data row
    read = read[~(read.index + first_row).isin(refused_rows)]
    # A row that repeats another in every cell is one row (the import counts it once).
    read = read.drop_duplicates()
    assert totals(store, "admin1") == sums(read, case.admin1, case.idps)
    if case.country:
        assert totals(store, "country") == sums(read, case.country, case.idps)


# --- imported with the plain command ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["dtm_mali_baseline_r72.xlsx", "dtm_sudan_master_list_r3.xlsx"],
)
def test_a_dtm_baseline_imports_as_published_and_its_totals_are_pandas_totals(tmp_path, name):
    store, result = imported(tmp_path, name)
    assert result.exit_code == 0, result.output
    check_baseline(store, BASELINES[name])


def test_sudan_is_read_from_its_data_sheet_with_its_month_first_dates(tmp_path):
    store, result = imported(tmp_path, "dtm_sudan_master_list_r3.xlsx")
    assert "read sheet 'IDPs Dataset'; skipped 'Summary' (no hashtag row)" in result.output
    assert "dates with slashes read month first (M/D/YYYY), as its value 2/18/2021" in (
        result.output
    )
    read = sheet("dtm_sudan_master_list_r3.xlsx", "IDPs Dataset")
    slashed = read[read["DoA"].astype(str).str.contains("/")].iloc[0]
    month, day, year = (int(x) for x in str(slashed["DoA"]).split("/"))
    (figure, *_) = [
        f for f in store.figures() if f.site_id == str(slashed["location DTM Code"]).lower()
    ]
    assert figure.ref.start == date(year, month, day)


def test_idmc_country_figures_are_pandas_latest_stock_with_abyei_as_its_own_area(tmp_path):
    store, result = imported(tmp_path, "idmc_idps_download-displacement-data.csv")
    assert result.exit_code == 0, result.output
    read = pd.read_csv(REAL / "idmc_idps_download-displacement-data.csv", skiprows=[1])
    stocks = ["Conflict Stock Displacement", "Disaster Stock Displacement"]
    read = read[read[stocks].notna().any(axis=1)]
    latest = read.loc[read.groupby("ISO3")["Year"].idxmax()]
    expected = {row.ISO3: int(row[stocks].fillna(0).sum()) for _, row in latest.iterrows()}
    assert totals(store, "country") == expected
    assert expected["AB9"] > 0


def _latest_single_report(read, place: str, keys: list[str], date_column: str, count: str):
    """Each place's figure at its latest date, where one report alone gives that date."""
    per_report = read.groupby([place, date_column, *keys])[count].sum().reset_index()
    expected, ambiguous = {}, {}
    for code, rows in per_report.groupby(place):
        last = rows[rows[date_column] == rows[date_column].max()]
        values = [int(v) for v in last[count]]
        (expected if len(values) == 1 else ambiguous)[str(code).upper()] = values
    return {k: v[0] for k, v in expected.items()}, ambiguous


@pytest.mark.parametrize(
    ("name", "date_column", "count", "reports", "level_column", "codes"),
    [
        ("dtm_api_global_admin0-2.csv", "reportingDate", "numPresentIdpInd",
         ["assessmentType", "roundNumber", "operation"], "adminLevel",
         {0: "admin0Pcode", 1: "admin1Pcode"}),
        ("hapi_idps_global.csv", "reference_period_start", "population",
         ["assessment_type", "reporting_round", "operation"], "admin_level",
         {0: "location_code", 1: "admin1_code"}),
    ],
)  # fmt: skip
def test_dtm_api_and_hapi_areas_have_the_figure_of_their_latest_report(
    tmp_path, name, date_column, count, reports, level_column, codes
):
    store, result = imported(tmp_path, name)
    assert result.exit_code == 0, result.output
    read = pd.read_csv(REAL / name, skiprows=[1] if name.startswith("dtm") else None,
                       dtype={c: str for c in codes.values()}, encoding="utf-8-sig")  # fmt: skip
    read[date_column] = read[date_column].str[:10]
    for level, by in ((0, "country"), (1, "admin1")):
        rows = read[read[level_column] == level]
        expected, ambiguous = _latest_single_report(rows, codes[level], reports, date_column,
                                                    count)  # fmt: skip
        found = totals(store, by, own=True)  # the rows of each level are its own figures
        assert {k: found.get(k) for k in expected} == expected
        # Several reports of one latest date: the best-estimate rule picks one of them.
        assert all(found[k] in values for k, values in ambiguous.items())


def test_unhcr_situation_refugees_and_asylum_seekers_are_pandas_latest_per_country(tmp_path):
    store, result = imported(tmp_path, "unhcr-situations.csv")
    assert result.exit_code == 0, result.output
    assert "read as UNHCR situation data" in result.output
    read = pd.read_csv(REAL / "unhcr-situations.csv")
    for words, group in (("Refugees", "refugees"), ("Asylum-Seekers", "asylum_seekers")):
        rows = read[read["Population type"] == words]
        by_date = rows.groupby(["ISO3", "Date"])["Individuals"].sum().reset_index()
        latest = by_date.loc[by_date.groupby("ISO3")["Date"].idxmax()]
        expected = {r.ISO3: int(r.Individuals) for r in latest.itertuples()}
        assert totals(store, "country", group) == expected


# --- refused as published, with the option that makes them import -------------------------------


def imported_skipping(tmp_path: Path, name: str, *options: str) -> tuple[Store, dict, set]:
    """Import with --on-error skip: the store, the --json report and the rows refused."""
    tmp_path.mkdir()
    rejects = tmp_path / "rejects.csv"
    store, result = imported(tmp_path, name, *options, "--on-error", "skip",
                             "--rejects", str(rejects), "--json")  # fmt: skip
    assert result.exit_code == 0, result.output[-2000:]
    report = json.loads(result.output)
    refused = {int(re.match(r"row (\d+)", e).group(1)) for e in report["errors"]}
    if refused:  # the reject file holds them, under the file's own header and hashtag rows
        assert len(pd.read_csv(rejects, skiprows=[1])) == report["rejected"] == len(refused)
    return store, report, refused


@pytest.mark.parametrize(
    ("name", "said", "options", "contradicted"),
    [
        ("dtm_car_baseline_r14.xlsx", "--sum-rows", ("--sum-rows",), 0),
        # Two woredas' p-codes stand under two regions each: those 18 rows are refused.
        ("dtm_ethiopia_site_r28.xlsx", "--sum-rows", ("--sum-rows",), 18),
        ("dtm_chad_site_village_r16.xlsx", "'P-code localité'",
         ("--tag", "P-code localité=#loc+code", "--tag", "Nom localité=#loc+name"), 0),
        ("dtm_nigeria_baseline_r38.xlsx",
         '--tag "LGA=#adm2+name" --tag "LGA Pcode=#adm2+code"',
         ("--tag", "LGA=#adm2+name", "--tag", "LGA Pcode=#adm2+code",
          "--tag", "Ward=#adm3+name", "--tag", "CODs PCODE=#adm3+code"), 0),
    ],
)  # fmt: skip
def test_a_refused_dtm_file_names_the_option_and_imports_with_it(
    tmp_path, name, said, options, contradicted
):
    store, refused = imported(tmp_path, name)
    assert refused.exit_code == 1 and said in refused.output, refused.output[-2000:]
    assert "Nothing was written" in refused.output and not store.figures()
    store, report, rows = imported_skipping(tmp_path / "again", name, *options)
    assert report["rejected"] == contradicted
    assert all("contradicts itself" in e for e in report["errors"])
    check_baseline(store, BASELINES[name], rows)


def test_rows_of_villages_summed_say_so_and_list_their_rows(tmp_path):
    store, result = imported(tmp_path, "dtm_car_baseline_r14.xlsx", "--sum-rows")
    assert "the sum of several rows of one place (--sum-rows)" in result.output
    read = sheet("dtm_car_baseline_r14.xlsx")
    column = "B1.b. Nombre TOTAL d'individus PDI actuels"
    read = read.drop_duplicates()  # a row that repeats another in every cell counts once
    bangassou = read[(read["commune code"] == "CAF6211") & read[column].notna()]
    (figure,) = [f for f in store.figures() if f.site_id == "caf6211" and f.unit == "people"]
    assert figure.low == int(bangassou[column].sum())
    rows = ", ".join(str(i + 3) for i in bangassou.index[:2])
    assert figure.value_text.startswith(
        f"{figure.low:,} (sum of {len(bangassou)} rows of the file:"
    )
    assert rows.split(", ")[0] in figure.value_text


def test_somalia_rows_the_file_contradicts_are_refused_listed_and_the_rest_imports(tmp_path):
    store, refused = imported(tmp_path, "dtm_somalia_b2_r1.xlsx")
    assert refused.exit_code == 1 and "the file contradicts itself" in refused.output
    store, report, rows = imported_skipping(tmp_path / "skip", "dtm_somalia_b2_r1.xlsx")
    assert report["written"] and 0 < report["rejected"] < 20
    assert all("contradicts itself" in e for e in report["errors"])
    check_baseline(store, BASELINES["dtm_somalia_b2_r1.xlsx"], rows)


def test_iraq_asks_for_a_date_then_for_its_place_ids_then_imports(tmp_path):
    """IOM DTM Iraq's master list: no date column; 'Individuals' tagged #affected+displaced
    (no group named); location names that recur in one district, told apart by 'Place id'."""
    store, refused = imported(tmp_path, "dtm_iraq_master_list_r123.xlsx")
    assert refused.exit_code == 1 and "give --date" in refused.output
    (tmp_path / "dated").mkdir()
    store, dated = imported(
        tmp_path / "dated", "dtm_iraq_master_list_r123.xlsx", "--date", "2021-09"
    )
    assert dated.exit_code == 1 and "'Place id'" in dated.output
    assert '--tag "Individuals=#affected+idps+ind"' in dated.output
    (tmp_path / "tagged").mkdir()
    store, result = imported(
        tmp_path / "tagged", "dtm_iraq_master_list_r123.xlsx", "--date", "2021-09",
        "--tag", "Place id=#loc+code", "--tag", "Location name in English=#loc+name",
        "--tag", "Individuals=#affected+idps+ind",
    )  # fmt: skip
    assert result.exit_code == 0, result.output[-2000:]
    assert "'#adm1+name\\t' (column 2) as #adm1+name" in result.output
    read = sheet("dtm_iraq_master_list_r123.xlsx", "DTM Dataset")
    by_name = {
        t.area: t.low
        for t in hierarchy_totals(store, "site", as_of=AS_OF, group="idps", unit="people")
        if store.site(t.area).parent_id is None
    }
    expected = read.groupby(read["Governorate"].str.strip())["Individuals"].sum()
    assert {store.site(k).name: v for k, v in by_name.items()} == {
        k: int(v) for k, v in expected.items()
    }
