"""A number keeps its source's words wherever it is shown: a total of approximate figures is
"about", a range says "range" in tables (and reads back as the same range), the brief quotes
the value as reported when its words say more than the number shown, and the map keeps
"about"."""

from __future__ import annotations

import csv
import json
from datetime import date

from openpyxl import load_workbook

from dispstats.model.parse import sum_quantifier
from dispstats.model.records import Site
from dispstats.reports.brief import gather, map_of, render_html
from dispstats.reports.excel import export_xlsx
from dispstats.reports.hxl import export_hxl_csv
from dispstats.series import hierarchy_totals
from dispstats.store.data_entry import add_figure

W38_END = date(2018, 9, 23)


def _add(store, site: str, value: str, day: str = "2018-09-22", source: str = "un-2018-01"):
    return add_figure(
        store,
        {"site": site, "indicator": "population", "value": value, "date": day, "source": source,
         "group": "idps"},
        today=W38_END,
    )  # fmt: skip


def test_a_sum_is_exact_only_when_every_number_is():
    assert sum_quantifier(["exact", "exact"]) == "exact"
    assert sum_quantifier(["about", "exact"]) == "about"
    assert sum_quantifier(["more_than", "exact", "at_least"]) == "at_least"
    assert sum_quantifier(["fewer_than", "exact"]) == "at_most"
    assert sum_quantifier(["at_least", "at_most"]) == "about"  # bounds both ways
    assert sum_quantifier([]) == "exact"


def test_a_total_of_an_approximate_figure_says_about_in_the_terminal_json_and_brief(
    demo_sqlite, run
):
    demo_sqlite.add_site(Site("camp-x", "Camp X", parent_id="syr-55km-zone"))
    _add(demo_sqlite, "Rukban", "approximately 45,000")
    _add(demo_sqlite, "camp-x", "3,000")
    (total,) = hierarchy_totals(demo_sqlite, as_of=W38_END)
    assert (total.low, total.quantifier) == (48_000, "about")
    shown = run("totals", "--as-of", "2018-09-23")
    assert "about 48,000 people" in shown.output, shown.output
    (found,) = json.loads(run("totals", "--as-of", "2018-09-23", "--json").output)
    assert (found["low"], found["quantifier"]) == (48_000, "about")
    assert {p["site_id"]: p["quantifier"] for p in found["parts"]} == {
        "rukban": "about", "camp-x": "exact"
    }  # fmt: skip
    data = gather(demo_sqlite, W38_END)
    assert [t.words for t in data.totals] == ["about 48,000 IDPs"]


def test_the_brief_quotes_the_value_as_reported_when_its_words_say_more(demo_sqlite):
    _add(demo_sqlite, "Rukban", "approximately 46,000")
    data = gather(demo_sqlite, W38_END)
    (card,) = [k for k in data.key_figures if k.site.id == "rukban"]
    assert (card.best.words, card.best.reported) == ("about 46,000", "approximately 46,000")
    html = render_html(data, [], None)
    assert "as reported: “approximately 46,000”" in html
    # Words that say no more than the number shown are not repeated.
    assert all(c.reported is None for c in card.others if c.figure.value_text == "about 45,000")


def test_a_quoted_value_is_escaped_and_cut_short(demo_sqlite):
    words = "approximately 46,000 <b>people</b> according to the camp council and elders"
    add_figure(
        demo_sqlite,
        {"site": "Rukban", "indicator": "population", "value": "approximately 46,000",
         "date": "2018-09-22", "source": "un-2018-01", "group": "idps"},
        today=W38_END,
    )  # fmt: skip
    # A value text as an import keeps it (the number read from its first words).
    demo_sqlite.engine.dispose()
    import sqlite3

    db = sqlite3.connect(demo_sqlite.engine.url.database)
    db.execute("UPDATE figure_versions SET value_text = ? WHERE value_text LIKE 'approx%'", [words])
    db.commit()
    db.close()
    data = gather(demo_sqlite, W38_END)
    (card,) = [k for k in data.key_figures if k.site.id == "rukban"]
    assert card.best.reported == words[:59] + "…"
    html = render_html(data, [], None)
    assert "&lt;b&gt;people&lt;/b&gt;" in html and "<b>people</b>" not in html


def test_the_map_keeps_about_on_a_site_label(demo_sqlite):
    from dispstats.reports.maps import draw_map

    _add(demo_sqlite, "Rukban", "about 46,000")
    shown = map_of(gather(demo_sqlite, W38_END), W38_END)
    places = {p.site_id: p for p in shown.places}
    assert places["rukban"].quantifier == "about"
    assert "about 46,000" in draw_map(shown)


def test_a_range_is_labelled_range_in_tables_and_reads_back_as_the_same_range(
    demo_sqlite, tmp_path, run
):
    out = tmp_path / "figures.csv"
    export_hxl_csv(demo_sqlite, out)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))[1:]  # no tags
    said = {r["Value as reported"]: r["Quantifier"] for r in rows}
    assert (said["70,000-80,000"], said["about 85,000"], said["45,000"]) == (
        "range", "about", "exact"
    )  # fmt: skip
    book = load_workbook(export_xlsx(demo_sqlite, tmp_path / "w.xlsx").path, read_only=True)
    figures = list(book["Figures"].iter_rows(values_only=True))
    column = figures[0].index("Quantifier")
    assert {"range", "about", "exact"} <= {row[column] for row in figures[1:]}
    new = tmp_path / "new.db"
    assert run("init", db=new).exit_code == 0
    imported = run("import", str(out), "--create-sites", db=new)
    assert imported.exit_code == 0, imported.output
    again = tmp_path / "again.csv"
    assert run("export", "hxl", "-o", str(again), db=new).exit_code == 0
    back = list(csv.DictReader(again.read_text(encoding="utf-8").splitlines()))[1:]
    assert sorted((r["Value (low)"], r["Value (high)"], r["Quantifier"]) for r in back) == sorted(
        (r["Value (low)"], r["Value (high)"], r["Quantifier"]) for r in rows
    )


def test_the_weeks_news_quotes_the_value_as_the_source_worded_it(demo_sqlite):
    data = gather(demo_sqlite, W38_END)
    (news,) = [text for text, _ in data.highlights if text.startswith("OCHA reports")]
    assert news.startswith(
        "OCHA reports about 45,000 IDPs (as reported: “approximately 45,000”) at Rukban"
    )
