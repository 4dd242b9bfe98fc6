"""The weekly PDF brief, read back from the PDF as a reader (and a machine) would."""

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader

from dispstats.model.records import Site, Source
from dispstats.reports.brief import TEMPLATES, make_fetcher, render_brief
from dispstats.store.data_entry import add_figure
from dispstats.store.public import PublicView

from .conftest import RESTRICTED_MARKS, TODAY, add_dense_history, require_tool
from .helpers import pdf_text

W38 = date(2018, 9, 17)


@pytest.fixture
def demo_brief(demo_sqlite, tmp_path):
    return render_brief(demo_sqlite, tmp_path / "brief.pdf", W38)


def test_the_demo_brief_shows_rukban_its_sources_and_the_planned_departure(demo_brief):
    text = pdf_text(demo_brief.path)
    assert "Displacement brief, 2018-W38" in text
    assert "17 September – 23 September 2018" in text
    # The demo's illustrative figure (21 Sep) is the newest: its card shows its parts' shares.
    assert "Rukban 45,0001 IDPs · Demo data (illustrative), 21 Sep 2018" in text  # footnote 1
    assert "52% women and girls, 55% children1" in text
    assert "(OCHA about 45,000 (as reported: “approximately 45,000”)2)" in text
    assert "Earlier: about 50,000 (United Nations, Jan 2018)3" in text
    assert "3,000 IDPs (Qaryatayn tribe) are to leave 55-km At Tanf deconfliction zone for" in (
        text
    )
    assert "“with hundreds of civilians”" in text
    assert "Population over time" in text and "Rukban: figures by publisher" in text
    sources = text[text.index("Sources") :]
    assert sources.startswith("Sources Demo data (illustrative), “Illustrative sex and age")
    assert "Hammurabi's Justice" in sources
    assert "newest reference date" in text  # the method note states the rule


def test_the_chart_is_vector_art_drawn_from_the_rukban_history(demo_brief):
    (page,) = [
        p for p in PdfReader(demo_brief.path).pages if "Population over time" in p.extract_text()
    ]
    content = page.get_contents().get_data()
    # Markers and lines are vector paths: many path operators, no embedded raster image.
    assert content.count(b" l\n") + content.count(b" c\n") > 200
    assert not page.images


def test_the_pdf_has_metadata_bookmarks_tags_fonts_and_the_figures_attached(demo_brief):
    reader = PdfReader(demo_brief.path)
    assert reader.metadata.title == "Displacement brief, 2018-W38"
    assert reader.metadata.producer.startswith("WeasyPrint")
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()

    def titles(items):
        for item in items:
            yield from titles(item) if isinstance(item, list) else [item.title]

    outline = list(titles(reader.outline))
    assert "Key figures" in outline and "Sources" in outline
    for page in reader.pages:  # every font is embedded (a font file in its descriptor)
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]
    (name,) = reader.attachments
    rows = list(csv.reader(io.StringIO(reader.attachments[name][0].decode())))
    assert name == "figures-2018-W38.csv"
    assert rows[1][:3] == ["#loc+name", "#org+reporting+name", "#meta+id"]
    ocha = [r for r in rows[2:] if r[1] == "OCHA"]
    assert ocha and "approximately 45,000" in ocha[0]


@pytest.mark.parametrize(
    "hostile",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        "<style>@import url(file:///etc/passwd)</style>",
        '<svg><image href="http://127.0.0.1:9/x.png"/></svg>',
    ],
)
def test_hostile_text_is_printed_as_text_and_fetches_nothing(demo_sqlite, tmp_path, hostile):
    demo_sqlite.add_source(Source("evil", "Evil Corp", "media", title=hostile, reliability="A"))
    add_figure(
        demo_sqlite,
        {
            "site": "Rukban",
            "indicator": "population",
            "value": "44,000",
            "date": "2018-09-17",
            "source": "evil",
            "excerpt": hostile,
        },
        today=TODAY,
    )
    result = render_brief(demo_sqlite, tmp_path / "hostile.pdf", W38)
    assert result.refused_urls == []  # no resource was even asked for
    reader = PdfReader(result.path)
    assert list(reader.attachments) == ["figures-2018-W38.csv"]
    assert " ".join(hostile.split()) in pdf_text(result.path)


def test_the_fetcher_serves_template_files_only(tmp_path):
    fetcher = make_fetcher([TEMPLATES])
    css = (TEMPLATES / "brief.css").resolve().as_uri()
    assert b"@page" in fetcher.fetch(css).read()
    for url in (
        "file:///etc/passwd",
        (TEMPLATES / ".." / "brief.py").resolve().as_uri(),
        "http://127.0.0.1:9/",
        "data:text/plain,hello",
        "file://otherhost/x",
    ):
        with pytest.raises(ValueError, match="fetch nothing"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_public_briefs_leave_out_restricted_sites_and_figures(with_restricted, tmp_path):
    result = render_brief(PublicView(with_restricted), tmp_path / "public.pdf", W38)
    text = pdf_text(result.path)
    attachment = PdfReader(result.path).attachments["figures-2018-W38.csv"][0].decode()
    for secret in RESTRICTED_MARKS:
        assert secret not in text and secret not in attachment, secret
    assert "Public version" in text and "about 45,000" in text


def test_internal_briefs_say_on_the_first_page_that_they_hold_restricted_data(
    with_restricted, tmp_path
):
    result = render_brief(with_restricted, tmp_path / "internal.pdf", W38)
    first_page = PdfReader(result.path).pages[0].extract_text()
    assert "Contains restricted data" in first_page
    assert "Secret Camp Zeta" in pdf_text(result.path)


def test_an_organisation_can_override_the_stylesheet(demo_sqlite, tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    css = (TEMPLATES / "brief.css").read_text()
    (mine / "brief.css").write_text(css + '\n.org::after { content: " · Protection Cluster"; }')
    result = render_brief(
        demo_sqlite, tmp_path / "custom.pdf", W38, template_dir=mine, organisation="NGO Forum"
    )
    assert "NGO FORUM · PROTECTION CLUSTER" in pdf_text(result.path).upper()


def test_brief_on_the_command_line_writes_the_pdf(run, tmp_path):
    out = tmp_path / "cli.pdf"
    result = run("brief", "--week", "2018-W38", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "2018-W38" in result.output and out.exists()
    bad = run("brief", "--week", "2018-W99", "-o", str(out))
    assert bad.exit_code == 1 and "not a real date" in bad.output
    missing = run("brief", "--week", "2018-W38", "-o", str(tmp_path / "no" / "x.pdf"))
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_a_dense_history_is_charted_as_an_image_served_by_the_fetcher(demo_sqlite, tmp_path):
    add_dense_history(demo_sqlite)
    result = render_brief(demo_sqlite, tmp_path / "dense.pdf", W38)
    assert result.refused_urls == []
    images = PdfReader(result.path).pages[0].images
    assert len(images) == 1 and images[0].image.width >= 1000  # 150 dpi raster, about 1,000 px wide
    assert "Rukban: figures by publisher" in pdf_text(result.path)


@pytest.mark.parametrize(
    ("status", "indicator", "expected"),
    [
        ("planned", "departures", "3,000 people (Qaryatayn tribe) are to leave Zone for Town"),
        ("completed", "departures", "3,000 people (Qaryatayn tribe) left Zone for Town"),
        (None, "departures", "3,000 people (Qaryatayn tribe) leaving Zone for Town (status not"),
        ("under_way", "arrivals", "3,000 people (Qaryatayn tribe) are arriving at Zone from Town"),
    ],
)
def test_movement_sentences_follow_the_status(status, indicator, expected):
    from dispstats.model.fields import figure_from_fields
    from dispstats.reports.brief.words import movement_sentence

    end = "origin_site_id" if indicator == "arrivals" else "destination_site_id"
    f = figure_from_fields(
        {
            "site_id": "zone",
            "indicator": indicator,
            "value": "3,000",
            "reference": "2018-09-17",
            "source_id": "s",
            end: "town",
            "movement_status": status,
            "description": "Qaryatayn tribe",
        },
        today=TODAY,
    )
    from dispstats.reports.i18n import get_lang

    names = {"zone": "Zone", "town": "Town"}
    assert movement_sentence(f, "3,000", names, get_lang()).startswith(expected)


def test_the_pdf_is_structurally_valid_pdf_a_3_with_an_output_intent(demo_brief):
    import subprocess

    root = PdfReader(demo_brief.path).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfaid" in xmp and "3" in xmp.split("pdfaid:part")[1][:8]
    assert "/OutputIntents" in root and root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert "/AF" in root  # the CSV is an associated file, as PDF/A-3 wants
    qpdf = require_tool("qpdf", "qpdf")
    check = subprocess.run([qpdf, "--check", str(demo_brief.path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout


def test_as_of_cuts_the_figures_at_that_day_within_its_week(run, tmp_path):
    out = tmp_path / "asof.pdf"
    result = run("brief", "--as-of", "2018-09-16", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    assert "2018-W37" in text and "figures as of 16 September 2018" in text
    assert "about 45,000" in text
    assert "3,000" not in text and "Hammurabi" not in text  # reported on the 17th
    both = run("brief", "--week", "2018-W38", "--as-of", "2018-09-17", "-o", str(out))
    assert both.exit_code == 1 and "not both" in both.output


def test_the_demo_brief_totals_the_55_km_zone_with_rukban_and_its_coverage(demo_brief):
    text = pdf_text(demo_brief.path)
    assert "Totals by area" in text
    assert "55-km At Tanf deconfliction zone 45,000 IDPs1 1 of 1 none none" in text
    assert demo_brief.data.totals[0].notes == [1]  # the Rukban figure's footnote


def test_a_public_brief_totals_public_sites_only_and_says_so(with_restricted, tmp_path):
    with_restricted.add_site(
        Site("hidden", "Hidden Camp", parent_id="syr-55km-zone", sensitivity="restricted")
    )
    add_figure(
        with_restricted,
        {
            "site": "hidden",
            "indicator": "population",
            "group": "idps",
            "value": "6,543",
            "date": "2018-09-16",
            "source": "ocha-2018-09",
            "excerpt": "hidden count",
        },
        today=TODAY,
    )
    internal = render_brief(with_restricted, tmp_path / "i.pdf", W38)
    # Internally, Rukban's newest figure is the restricted 43,210 of 22 September.
    assert internal.data.totals[0].words == f"{43_210 + 6_543:,} IDPs"
    public = render_brief(PublicView(with_restricted), tmp_path / "p.pdf", W38)
    text = pdf_text(public.path)
    assert public.data.totals[0].words == "45,000 IDPs"
    assert "Public figures only: excluding restricted sites." in text
    for secret in ("49,753", "Hidden Camp", "6,543", "43,210"):
        assert secret not in text


def test_a_brief_leaves_pythons_garbage_collector_as_it_found_it(demo_sqlite, tmp_path):
    import gc

    # The brief keeps its long-lived objects out of the collector's walks while it works.
    assert gc.isenabled() and gc.get_freeze_count() == 0
    render_brief(demo_sqlite, tmp_path / "a.pdf", date(2018, 9, 17))
    assert gc.isenabled() and gc.get_freeze_count() == 0
    # A caller that froze its own heap (before forking workers, say) finds it frozen still.
    gc.freeze()
    try:
        render_brief(demo_sqlite, tmp_path / "b.pdf", date(2018, 9, 17))
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        render_brief(demo_sqlite, tmp_path / "c.pdf", date(2018, 9, 17))
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert (tmp_path / "c.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("week", "as_of", "today", "expected"),
    [
        (date(2026, 12, 5), None, date(2026, 12, 5), date(2026, 12, 5)),  # Saturday: not Sunday
        (date(2026, 11, 30), None, date(2026, 12, 7), date(2026, 12, 6)),  # a past week: Sunday
        (None, None, date(2026, 12, 5), date(2026, 11, 29)),  # default: last week's Sunday
        (date(2026, 12, 5), date(2026, 12, 1), date(2026, 12, 5), date(2026, 12, 1)),
    ],
)
def test_a_brief_is_never_as_of_a_day_still_to_come(week, as_of, today, expected):
    """A brief of this week run on Saturday 5 December is as of that Saturday, not of Sunday
    the 6th (issue 30, item 5)."""
    from dispstats.reports.brief import report_day

    assert report_day(week, as_of, today) == expected


def test_a_template_copied_before_the_brief_had_typed_rows_still_renders(with_restricted, tmp_path):
    from dispstats.reports.brief import gather, render_html

    old = tmp_path / "old-look"
    old.mkdir()
    # What brief.html of the previous release read: flags, and rows as dicts.
    (old / "brief.html").write_text(
        "{% if d.has_restricted %}restricted{% elif d.public %}public{% endif %}:"
        "{% for m in d.movements %}{{ m['cited'].words }} {{ m['status'] }};{% endfor %}"
        "{% for t in d.totals %}{{ t['words'] }}{% endfor %}"
    )
    public = render_html(gather(PublicView(with_restricted), W38), [], old)
    internal = render_html(gather(with_restricted, W38), [], old)
    assert public.startswith("public:") and "3,000 planned;" in public
    assert internal.startswith("restricted:")
    assert "45,000 IDPs" in public
