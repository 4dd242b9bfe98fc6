"""What partners receive: HXL CSV checked by libhxl (the standard's own library), the data
package checked by frictionless (the specification's own validator)."""

from __future__ import annotations

import csv
import json

import pytest

from dispstats.model.columns import DATE_KEYS, HXL_COLUMNS, IMPORT_PATTERNS
from dispstats.model.hxl_columns import plan_columns
from dispstats.reports.datapackage import export_datapackage
from dispstats.reports.hxl import export_hxl_csv
from dispstats.store.public import PublicView

from .conftest import RESTRICTED_MARKS, TODAY


def hxl_dataset(path):
    import hxl
    from hxl.input import InputOptions, make_input

    return hxl.data(make_input(str(path), InputOptions(allow_local=True)))


def test_the_hxl_export_is_valid_hxl_by_libhxl(demo_sqlite, tmp_path):
    import hxl

    path = tmp_path / "figures.csv"
    assert export_hxl_csv(demo_sqlite, path) == 7
    data = hxl_dataset(path)
    parts = [
        "#affected+idps+ind+f", "#affected+idps+ind+m", "#affected+idps+ind+age0_4",
        "#affected+idps+ind+age5_17", "#affected+idps+ind+age18_59", "#affected+idps+ind+age60plus",
    ]  # fmt: skip
    at = [c.key for c in HXL_COLUMNS].index("origin_name")
    tags = [c.hxl for c in HXL_COLUMNS]
    assert [c.display_tag for c in data.columns] == [*tags[:at], *parts, *tags[at:]]
    rows = list(data)
    assert len(rows) == 7
    assert {r.get("#loc+code") for r in rows} == {"rukban", "syr-55km-zone"}
    ocha = next(r for r in rows if r.get("#meta+source") == "ocha-2018-09")
    assert ocha.get("#indicator+num+min") == "45000" and ocha.get("#org+reporting+name") == "OCHA"
    issues = []
    assert hxl.schema(None, callback=issues.append).validate(hxl_dataset(path)), [
        i.message for i in issues
    ]


def test_every_exported_column_is_read_back_by_the_importer(tmp_path):
    plan = plan_columns([c.hxl for c in HXL_COLUMNS])
    assert not plan.ignored
    assert sorted(plan.fields) == sorted(c.key for c in HXL_COLUMNS)
    dates = {"reference", "ref_start", "ref_end", *DATE_KEYS}
    assert all(key in IMPORT_PATTERNS or key in dates for key in plan.fields)


def test_the_public_hxl_export_leaves_out_restricted_data(with_restricted, tmp_path):
    public, internal = tmp_path / "public.csv", tmp_path / "internal.csv"
    export_hxl_csv(PublicView(with_restricted), public)
    export_hxl_csv(with_restricted, internal, provenance=True)
    public_text = public.read_text(encoding="utf-8")
    assert not [m for m in RESTRICTED_MARKS if m in public_text]
    assert "Secret Camp Zeta" in internal.read_text(encoding="utf-8")
    rows = list(csv.reader(internal.open(encoding="utf-8")))
    assert rows[0][0].startswith("RESTRICTED: this file holds restricted")
    assert rows[2][:6] == [
        "#meta+id",
        "#meta+version",
        "#meta+revision",
        "#description+reason",
        "#meta+enteredby",
        "#date+entered",
    ]


def test_text_that_would_run_as_a_formula_is_written_as_text(demo_sqlite, tmp_path):
    from dispstats.store.data_entry import add_figure

    add_figure(
        demo_sqlite,
        {
            "site": "Rukban",
            "indicator": "population",
            "value": "44,000",
            "date": "2018-09-20",
            "source": "un-2018-01",
            "description": '=HYPERLINK("http://evil.example","click")',
        },
        today=TODAY,
    )
    path = tmp_path / "figures.csv"
    export_hxl_csv(demo_sqlite, path)
    cells = [c for row in csv.reader(path.open(encoding="utf-8")) for c in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_the_data_package_is_valid_by_frictionless(with_restricted, tmp_path):
    from frictionless import validate

    result = export_datapackage(with_restricted, tmp_path / "package", licence="CC-BY-4.0")
    assert (result.figures, result.sites, result.sources) == (
        10,
        4,
        9,
    )  # the demo's 7 sources, the insider and OCHA's update
    report = validate(tmp_path / "package" / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])
    descriptor = json.loads((tmp_path / "package" / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert any(s["title"].startswith("OCHA: ") for s in descriptor["sources"])
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["site_id"]["hxl"] == "#loc+code"
    assert fields["indicator"]["constraints"]["enum"][0] == "population"
    assert fields["population_group"]["constraints"]["enum"][0] == "idps"
    # The parts of figures: a table of their own, keyed to the figures.
    parts = list(csv.DictReader((tmp_path / "package" / "parts.csv").open(encoding="utf-8")))
    assert len(parts) == 6 and {"figure_id": "7", "sex": "female", "age": "", "cause": "",
                                "origin": "", "value": "23400"} in parts  # fmt: skip
    names = [r["name"] for r in descriptor["resources"]]
    assert names == ["figures", "sites", "sources", "parts"]


def test_the_public_data_package_is_valid_and_holds_nothing_restricted(with_restricted, tmp_path):
    from frictionless import validate

    folder = tmp_path / "public"
    export_datapackage(PublicView(with_restricted), folder)
    assert validate(folder / "datapackage.json").valid
    text = " ".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert not [m for m in RESTRICTED_MARKS if m in text]


def test_the_data_package_never_overwrites_a_folder(demo_sqlite, tmp_path, run):
    from dispstats.errors import InputError

    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not an empty folder"):
        export_datapackage(demo_sqlite, tmp_path / "full")
    with pytest.raises(InputError, match="unknown licence 'WTFPL'"):
        export_datapackage(demo_sqlite, tmp_path / "new", licence="WTFPL")
    result = run("export", "datapackage", "-o", str(tmp_path / "cli"))
    assert result.exit_code == 0 and "7 figures, 3 sites, 7 sources" in result.output
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_the_hxl_export_holds_a_few_thousand_figures_at_a_time_not_the_store(db_url, tmp_path):
    import tracemalloc
    from datetime import date, timedelta

    from dispstats.model.records import Site, Source
    from dispstats.store import Store
    from dispstats.store.importer import ImportOptions, import_file

    store, _ = Store.init(db_url)
    start = date(2000, 1, 1)
    lines = (f"site-{n % 5},{start + timedelta(days=n // 5)},{n + 1}\n" for n in range(30_000))
    source = tmp_path / "many.csv"
    source.write_text("#loc+code,#date+reported,#affected+idps+ind\n" + "".join(lines))
    with store:
        store.add_records(
            [Site(f"site-{n}", f"Site {n}") for n in range(5)],
            [Source("ocha", "OCHA", "un", reliability="B")],
        )
        assert import_file(store, source, ImportOptions(source="ocha", today=TODAY)).added

        def peak(work) -> int:
            tracemalloc.start()
            try:
                work()
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

        holding_all = peak(lambda: len(store.figures()))
        out = tmp_path / "all.csv"
        exporting = peak(lambda: export_hxl_csv(PublicView(store), out, provenance=True))
        # Batches of 5,000 of the 30,000 figures, and each row written as it is made.
        assert exporting < holding_all / 2, (exporting, holding_all)
        with out.open(encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        low = table[1].index("#indicator+num+min")
        assert sorted(int(row[low]) for row in table[2:]) == list(range(1, 30_001))
