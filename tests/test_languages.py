"""Briefs, workbooks and terminal output in French and Arabic, from the same data: the words
from the catalogs, numbers and dates by Babel, Arabic right to left."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dispstats.model.records import Site
from dispstats.reports.brief import render_brief
from dispstats.reports.excel import export_xlsx
from dispstats.reports.i18n import FSI, LANGUAGES, PDI, get_lang, plain
from dispstats.reports.wording import quantity_words
from dispstats.series.checks import Finding
from dispstats.store import Store
from dispstats.store.demo import load_demo

from .conftest import require_tool
from .helpers import pdf_text

W38 = date(2018, 9, 17)
ROOT = Path(__file__).resolve().parents[1]
NNBSP = "\u202f"

# Words of the English template and its sentences; none may be left in a translated brief
# (data such as "Qaryatayn tribe" or a source's English title is removed before looking).
ENGLISH = [
    "Key figures", "Totals by area", "This week", "Population over time", "Movements",
    "Where sources disagree", "Stale figures", "Stock and flow", "Method", "Best estimate",
    "best estimate", "people", "reports", "previous estimate", "Earlier", "Reliability",
    "Generated", "figures as of", "Figures as of", "ISO week", "weeks", "range across sources",
    "are to leave", "different source", "about", "Page", "follow up", "Not on the map",
    "Public version", "disagree", "Each site counts once", "none",
]  # fmt: skip
# ... except the words the language writes the same way.
SAME_WORD = {"fr": {"Page"}, "ar": set()}
HEADINGS = {
    "fr": ["Chiffres clés", "Cette semaine", "Évolution de la population", "Mouvements",
           "Divergences entre sources", "Chiffres non actualisés", "Stocks et flux", "Sources",
           "Méthode", "Note sur les déplacements, 2018-W38"],
    "ar": ["الأرقام الرئيسية", "هذا الأسبوع", "تطور عدد السكان", "التحركات", "حيث تختلف المصادر",
           "أرقام غير محدَّثة", "الأعداد والتدفقات", "المصادر", "المنهجية", "موجز النزوح"],
}  # fmt: skip


def logical_text(path: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it: right-to-left runs in logical order
    (the order they are typed and searched in), bidi controls left out."""
    pdftotext = require_tool("pdftotext", "poppler-utils")
    out = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True, text=True).stdout  # fmt: skip
    out = re.sub("[\u202a-\u202e\u2066-\u2069]", " ", out)
    return " ".join(out.split())


def _data_words(store) -> list[str]:
    """Text from the store that a brief shows as it is, in whichever language it was given."""
    texts = [s.name for s in store.sites()]
    texts += [a for s in store.sites() for a in s.aliases]
    for s in store.sources():
        texts += [s.publisher, s.title or "", s.url or ""]
    for f in store.figures():
        texts += [f.excerpt or "", f.population_group or ""]
    return sorted({t for t in texts if t}, key=len, reverse=True)


def _without_data(text: str, store) -> str:
    text = plain(text)
    for words in _data_words(store):
        text = text.replace(" ".join(words.split()), " ")
    return text


@pytest.fixture(scope="module")
def briefs(tmp_path_factory):
    """The demo brief of 2018-W38 in each language, rendered once for these tests."""
    folder = tmp_path_factory.mktemp("briefs")
    store = Store.init(str(folder / "demo.db"))[0]
    load_demo(store)
    made = {}
    for lang in LANGUAGES:
        made[lang] = render_brief(store, folder / f"brief-{lang}.pdf", W38, lang=lang)
    made["arab"] = render_brief(store, folder / "brief-arab.pdf", W38, lang="ar", digits="arab")
    yield store, made
    store.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_translated_brief_keeps_no_english_word_of_the_template(briefs, lang):
    store, made = briefs
    text = _without_data(pdf_text(made[lang].path), store)
    english = [w for w in ENGLISH if w not in SAME_WORD[lang]]
    left = [w for w in english if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    assert not left, (left, text)
    for heading in HEADINGS[lang]:
        assert heading in text, heading


def test_the_english_brief_has_the_words_the_check_looks_for(briefs):
    store, made = briefs
    text = _without_data(pdf_text(made["en"].path), store)
    found = [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    # The list is only a check if the English brief says (nearly) all of it.
    assert len(found) >= len(ENGLISH) - 4, sorted(set(ENGLISH) - set(found))


def test_numbers_and_dates_are_the_locales_own(briefs):
    _, made = briefs
    # French groups thousands with a narrow no-break space (text extraction makes it a space).
    key = made["fr"].data.key_figures[0]
    assert (key.best.words, key.others[0].words) == (f"45{NNBSP}000", f"environ 45{NNBSP}000")
    assert key.shares == ["52\xa0% de femmes et de filles, 55\xa0% d’enfants"]  # CLDR: no-break
    fr = pdf_text(made["fr"].path)
    assert "environ 45 000" in fr and "16 sept. 2018" in fr
    assert "du 17 septembre au 23 septembre 2018" in fr
    assert "entre 70 000 et 80 000" in fr  # a range, worded
    # Latin digits by default in Arabic, as OCHA's Arabic products print them.
    assert plain(made["ar"].data.key_figures[0].others[0].words) == "حوالي 45,000"
    ar = logical_text(made["ar"].path)
    assert "حوالي 45,000" in ar and "16 سبتمبر 2018" in ar
    assert plain(made["arab"].data.key_figures[0].others[0].words) == "حوالي ٤٥٬٠٠٠"
    arab = logical_text(made["arab"].path)
    assert made["arab"].data.key_figures[0].others[0].when == "١٦ سبتمبر ٢٠١٨"
    assert "نساء وفتيات" in plain(made["ar"].data.key_figures[0].shares[0])
    assert "حوالي ٤٥٬٠٠٠" in arab and "٢٠١٨" in arab
    # Only a source's own words, quoted as it wrote them, keep their Latin digits.
    assert (
        "approximately" in arab and arab.count("45,000") == 2
    )  # quoted on the card and in the news


def test_the_arabic_brief_is_right_to_left_and_its_text_reads_in_logical_order(briefs):
    _, made = briefs
    result = made["ar"]
    assert result.data.lang.direction == "rtl"
    assert result.refused_urls == []  # its chart and map PNGs come from the brief's own folder
    text = logical_text(result.path)
    for phrase in ("الأرقام الرئيسية", "موجز النزوح", "من المقرر أن يغادر"):
        assert phrase in text and phrase[::-1] not in text
    # A Latin name or an ISO date inside an Arabic sentence is isolated, so it keeps its own
    # order ("2018-09-17", not "17-09-2018"); the reader sees it whole.
    news = " ".join(text for text, _ in result.data.highlights)
    assert f"{FSI}Hammurabi's Justice{PDI}" in news
    assert any(f"{FSI}2018-09-17{PDI}" in finding for finding, _ in result.data.findings)
    assert "Hammurabi's Justice" in text


def test_a_site_is_named_in_the_briefs_language_where_the_store_has_the_name(briefs):
    _, made = briefs
    assert "الركبان" in pdf_text(made["ar"].path)
    assert made["ar"].data.site_names["rukban"] == "الركبان"
    assert made["fr"].data.site_names["rukban"] == "Rukban"  # no French name: the main one
    assert made["fr"].data.site_names["syr-euphrates-shield"].startswith("Zone Bouclier")


def test_a_language_alias_is_found_by_its_name_and_refused_without_one(run, sqlite_db):
    added = run("site", "add", "Camp Nord", "--kind", "camp", "--alias", "ar:المخيم الشمالي")
    assert added.exit_code == 0, added.output
    shown = run("estimate", "المخيم الشمالي")
    assert shown.exit_code == 0 and "Camp Nord" in shown.output, shown.output
    refused = run("site", "add", "Camp Sud", "--kind", "camp", "--alias", "fr:")
    assert refused.exit_code == 1 and "'fr:' gives a language but no name" in refused.output
    assert Site("x", "X", aliases=("ar:إكس",)).name_in("ar") == "إكس"
    assert Site("x", "X", aliases=("km:55",)).name_in("km") == "X"  # not a language we write


def test_arabic_plurals_have_their_six_forms():
    ar = get_lang("ar", document=False)
    said = {
        n: ar.ngettext("Last confirmed %(num)s week ago", "Last confirmed %(num)s weeks ago", n)
        for n in (0, 1, 2, 3, 11, 100)
    }
    # Five wordings: zero and 100 both say "%(num)s أسبوع" (forms zero and other).
    assert len(set(said.values())) == 5 and said[0] == said[100]
    assert said[1] == "آخر تأكيد منذ أسبوع واحد" and said[2] == "آخر تأكيد منذ أسبوعين"
    assert "أسابيع" in said[3] and "أسبوعًا" in said[11]


def test_quantities_are_worded_per_language():
    from dispstats.model.parse import parse_quantity

    about, span = parse_quantity("about 45,000")[0], parse_quantity("40,000-50,000")[0]
    assert quantity_words(get_lang("fr"), about) == f"environ 45{NNBSP}000"
    assert quantity_words(get_lang("fr"), span) == f"entre 40{NNBSP}000 et 50{NNBSP}000"
    ar = get_lang("ar", document=False)
    assert quantity_words(ar, about) == "حوالي 45,000"
    assert quantity_words(ar, span) == "بين 40,000 و50,000"
    assert quantity_words(get_lang(), span) == "40,000–50,000"


def test_the_series_layer_returns_facts_and_no_sentences():
    fields = set(Finding.__dataclass_fields__)
    assert fields == {"kind", "site_id", "figure_ids", "severity", "facts"}
    import dispstats.series.rule as estimate

    assert not hasattr(estimate, "RULE") and not hasattr(estimate, "REASONS")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_translated_workbook_names_its_sheets_headers_and_charts_in_its_language(
    demo_sqlite, tmp_path, lang
):
    english = load_workbook(export_xlsx(demo_sqlite, tmp_path / "en.xlsx", date_to=W38).path)
    path = export_xlsx(demo_sqlite, tmp_path / f"{lang}.xlsx", date_to=W38, lang=lang).path
    book = load_workbook(path)
    readme, figures, first_header, chart_title = {
        "fr": ("Lisez-moi", "Chiffres", "Id du chiffre", "Population : meilleure estimation"),
        "ar": ("اقرأني", "الأرقام", "معرّف الرقم", "السكان: أفضل تقدير"),
    }[lang]
    assert book.sheetnames[0] == readme and figures in book.sheetnames
    sheet, original = book[figures], english["Figures"]
    assert sheet.cell(1, 1).value == first_header
    # The HXL row and every value stay as stored: partners re-use them.
    assert [c.value for c in sheet[2]] == [c.value for c in original[2]]
    assert [[c.value for c in r] for r in sheet.iter_rows(min_row=3)] == [
        [c.value for c in r] for r in original.iter_rows(min_row=3)
    ]
    with zipfile.ZipFile(path) as parts:
        charts = " ".join(
            parts.read(n).decode() for n in parts.namelist() if n.startswith("xl/charts/")
        )
    assert chart_title in charts and "weekly best estimate" not in charts
    rtl = [ws.sheet_view.rightToLeft for ws in book.worksheets]
    assert all(rtl) if lang == "ar" else not any(rtl)


def test_terminal_output_follows_lang_or_the_environment(run, monkeypatch):
    fr = run("estimate", "Rukban", "--as-of", "2018-09-17", "--lang", "fr")
    assert fr.exit_code == 0, fr.output
    assert fr.output.splitlines()[1].startswith(
        f"Meilleure estimation{NNBSP}: environ 45{NNBSP}000"
    )
    monkeypatch.setenv("LANG", "ar_SY.UTF-8")
    ar = run("check", "--as-of", "2018-09-17")
    assert ar.exit_code == 0 and "التحقق حتى 2018-09-17" in ar.output, ar.output
    assert FSI not in ar.output  # isolates are for documents, not for a terminal
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # a language we do not write: English
    assert "Check as of 2018-09-17" in run("check", "--as-of", "2018-09-17").output


def _catalog_tools():
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "tools" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pybabel_extract_finds_no_untranslated_string_in_fr_and_ar(tmp_path):
    from babel.messages.pofile import read_po

    pot = tmp_path / "dispstats.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-o", str(pot), "src"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as source:
        template = read_po(source)
    assert len(template) > 300  # the brief, the workbook and the terminal
    tools = _catalog_tools()
    for code in ("fr", "ar"):
        assert tools.problems(template, tools.read(code)) == [], code


def test_a_catalog_edited_after_its_mo_was_built_is_read_from_the_po(tmp_path, monkeypatch):
    """Whatever the files' times (a wheel's are all alike), a .mo made from another .po is
    not used."""
    import shutil

    from dispstats.reports import i18n

    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "dispstats.po"
    shutil.copy(i18n.catalog_path("fr"), po)
    (folder / "dispstats.mo").write_bytes(i18n.compile_catalog(po))
    text = po.read_text(encoding="utf-8").replace(
        'msgstr "Chiffres clés"', 'msgstr "Chiffres-clés"'
    )
    po.write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n._translations("fr").gettext("Key figures") == "Chiffres-clés"
    (folder / "dispstats.mo").write_bytes(i18n.compile_catalog(po))  # rebuilt: used as is
    assert i18n._translations("fr").gettext("Key figures") == "Chiffres-clés"


def test_an_import_finds_a_site_by_its_name_in_a_language(demo_sqlite, tmp_path):
    """A file naming Rukban in Arabic files its figure under the demo's Rukban, whose Arabic
    name is the alias "ar:الركبان" — not under a new site called "الركبان"."""
    from dispstats.store.importer import ImportOptions, import_file

    path = tmp_path / "arabic.csv"
    path.write_text(
        "Site,Date,IDPs\n#loc+name,#date+reported,#affected+idps\nالركبان,2018-09-20,41000\n",
        encoding="utf-8",
    )
    before = {s.id for s in demo_sqlite.sites()}
    import_file(demo_sqlite, path, ImportOptions(today=date(2026, 1, 1), source="un-2018-01",
                                                 create_sites=True))  # fmt: skip
    assert {s.id for s in demo_sqlite.sites()} == before
    assert 41_000 in {f.quantity.low for f in demo_sqlite.figures() if f.site_id == "rukban"}


def test_the_map_alone_speaks_the_language_asked_for(run, tmp_path):
    svg = tmp_path / "map.svg"
    result = run("map", "--week", "2018-W38", "--lang", "fr", "-o", str(svg))
    assert result.exit_code == 0, result.output
    text = svg.read_text(encoding="utf-8")
    assert "Chiffres au 23 sept. 2018" in text and "SYRIE" in text and "Figures as of" not in text
    png = tmp_path / "map.png"
    assert run("map", "--week", "2018-W38", "--lang", "ar", "-o", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
