"""The map, in the brief and alone: key sites as circles by their best estimate, other places
and movement ends, movements as arrows (planned dashed), country outlines, a scale bar, the
data's date; places without coordinates listed; public maps from public sites only."""

from __future__ import annotations

import math
import re
import warnings
from datetime import date

import pytest

from dispstats.model.records import Site
from dispstats.reports.brief import gather, map_of, render_brief, render_map
from dispstats.reports.charts import glyph_gaps
from dispstats.store.data_entry import add_figure
from dispstats.store.public import PublicView

from .conftest import RESTRICTED_MARKS
from .helpers import pdf_text

W38_END = date(2018, 9, 23)


def test_the_demo_brief_maps_rukban_the_zone_and_the_planned_departure(demo_sqlite, tmp_path):
    result = render_brief(demo_sqlite, tmp_path / "b.pdf", as_of=W38_END)
    shown = map_of(result.data, W38_END)
    places = {p.site_id: p for p in shown.places}
    assert (places["rukban"].low, places["rukban"].high) == (45_000, 45_000)
    assert places["syr-55km-zone"].low is None  # an area, drawn as a place
    planned = [m for m in shown.moves if m.words == "3,000"]
    assert [(m.origin.site_id, m.destination.site_id, m.status) for m in planned] == [
        ("syr-55km-zone", "syr-euphrates-shield", "planned")
    ]
    assert shown.not_on_map == []


def test_the_map_svg_draws_its_parts_as_text_and_dashes(demo_sqlite, tmp_path):
    from dispstats.reports.maps import draw_map

    data = gather(demo_sqlite, W38_END)
    svg = draw_map(map_of(data, W38_END))
    assert re.search(r">\d+ km<|\b(10|20|50|100|200|500) km\b", svg)  # the scale bar
    for words in ("Rukban", "45,000", "3,000 (planned)", "SYRIA",
                  "Figures as of 23 Sep 2018", "40,000 people"):  # fmt: skip
        assert words in svg, words
    assert "stroke-dasharray" in svg  # the planned movement's arrow is dashed
    assert "<image" not in svg and 'href="http' not in svg  # nothing to fetch


def test_country_names_sit_whole_inside_the_frame_clear_of_labels_marks_and_the_legend(
    demo_sqlite,
):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    from dispstats.reports.maps import LARGEST_AREA, map_canvas

    shown = map_of(gather(demo_sqlite, W38_END), W38_END)
    canvas = map_canvas(shown)
    (ax,) = canvas.axes
    renderer = FigureCanvasAgg(canvas).get_renderer()
    frame = ax.get_window_extent(renderer)
    countries = {
        t.get_text(): t.get_window_extent(renderer) for t in ax.texts if t.get_text().isupper()
    }
    # Countries only partly on the map are named where they have room; before, Lebanon sat
    # under the legend and Cyprus ran off the frame.
    assert {"SYRIA", "LEBANON", "JORDAN", "TURKEY", "IRAQ"} <= set(countries)
    legend = ax.get_legend().get_window_extent(renderer)
    others = [t.get_window_extent(renderer) for t in ax.texts if not t.get_text().isupper()]
    # Rukban's circle, the largest: LARGEST_AREA points squared, so sqrt of it across.
    x, y = next(ax.transData.transform((p.lon, p.lat)) for p in shown.places if p.high)
    radius = math.sqrt(LARGEST_AREA) / 2 * canvas.dpi / 72
    circle = Bbox([[x - radius, y - radius], [x + radius, y + radius]])
    for name, box in countries.items():
        assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), name
        assert not box.overlaps(legend), name
        assert not any(box.overlaps(other) for other in others), name
        assert not any(box.overlaps(c) for n, c in countries.items() if n != name), name
        assert not box.overlaps(circle), name


@pytest.mark.parametrize("code", ["en", "fr"])
def test_no_place_label_runs_over_another_places_circle(demo_sqlite, code):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from dispstats.reports.i18n import get_lang
    from dispstats.reports.maps import _marks, map_canvas

    # In French the zone's name is long enough to reach Rukban's circle from its right side.
    data = gather(demo_sqlite, W38_END, lang=get_lang(code))
    canvas = map_canvas(map_of(data, W38_END))
    (ax,) = canvas.axes
    renderer = FigureCanvasAgg(canvas).get_renderer()
    marks = _marks(ax)
    labels = [t for t in ax.texts if hasattr(t, "xy")]  # the places' annotations
    assert len(labels) == len(marks) == 3
    for label in labels:
        box = label.get_window_extent(renderer)
        x, y = ax.transData.transform(label.xy)
        own = min(marks, key=lambda m: abs(m.x0 + m.x1 - 2 * x) + abs(m.y0 + m.y1 - 2 * y))
        others = [m for m in marks if m is not own]
        assert not any(box.overlaps(m) for m in others), label.get_text()


def test_a_country_name_with_no_free_spot_is_left_off_and_the_next_spot_is_tried():
    from matplotlib.figure import Figure as Canvas

    from dispstats.reports.maps import _country_names

    ax = Canvas(figsize=(4, 3)).add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.text(5, 5, "A place label", ha="center", va="center", fontsize=7)
    _country_names(
        ax,
        [
            (9.0, [(5, 5)], "Blocked"),  # its one spot is taken
            (5.0, [(5, 5), (9.9, 2), (3, 8)], "Moved"),  # taken, then off the frame, then free
        ],
    )
    names = {t.get_text(): t.get_position() for t in ax.texts}
    assert "BLOCKED" not in names
    assert names["MOVED"] == (3, 8)


def test_places_without_coordinates_are_listed_under_the_map(demo_sqlite, tmp_path):
    demo_sqlite.add_site(Site("camp-x", "Camp X", parent_id="syr-55km-zone"))

    add_figure(
        demo_sqlite,
        {
            "site": "camp-x",
            "indicator": "population",
            "value": "900",
            "date": "2018-09-20",
            "source": "un-2018-01",
            "excerpt": "900 people",
        },
        today=W38_END,
    )
    result = render_brief(demo_sqlite, tmp_path / "b.pdf", as_of=W38_END)
    text = pdf_text(result.path)
    assert "Not on the map (no coordinates): Camp X." in text


def test_a_public_map_holds_no_restricted_site_or_coordinate(with_restricted, tmp_path):
    with_restricted.add_site(
        Site(
            "hidden",
            "Hidden Camp",
            parent_id="syr-55km-zone",
            sensitivity="restricted",
            latitude=33.777,
            longitude=38.555,
        )
    )
    shown = render_map(PublicView(with_restricted), tmp_path / "m.svg", as_of=W38_END)
    shown_ids = {p.site_id for p in shown.places}
    assert shown_ids == {"rukban", "syr-55km-zone", "syr-euphrates-shield"}
    svg = (tmp_path / "m.svg").read_text(encoding="utf-8")
    for secret in (*RESTRICTED_MARKS, "Hidden Camp", "43,210"):
        assert secret not in svg, secret
    internal = render_map(with_restricted, tmp_path / "i.svg", as_of=W38_END)
    assert "secret" in {p.site_id for p in internal.places}


def test_the_map_command_writes_png_svg_and_pdf_and_refuses_other_names(run, tmp_path):
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<svg"), (".pdf", b"%PDF")):
        out = tmp_path / f"map{suffix}"
        result = run("map", "--week", "2018-W38", "-o", str(out))
        assert result.exit_code == 0, result.output
        assert re.search(r"Wrote .* \(3 places, 2 movements\)", result.output)
        assert out.read_bytes().startswith(magic) or magic in out.read_bytes()[:400]
    refused = run("map", "--week", "2018-W38", "-o", str(tmp_path / "map.jpg"))
    assert refused.exit_code == 1
    assert "name the file .png, .svg or .pdf" in refused.output
    assert not (tmp_path / "map.jpg").exists()


def _camp_with_emoji(store) -> None:
    store.add_site(
        Site("camp-e", "Camp 🏕👨", parent_id="syr-55km-zone", latitude=33.2, longitude=38.6)
    )
    add_figure(
        store,
        {
            "site": "camp-e",
            "indicator": "population",
            "value": "60000",
            "date": "2018-09-20",
            "source": "un-2018-01",
            "excerpt": "60,000 people",
        },
        today=W38_END,
    )


def test_characters_no_chart_font_has_are_listed_once_not_warned_per_glyph(demo_sqlite, tmp_path):
    import warnings

    _camp_with_emoji(demo_sqlite)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = render_brief(demo_sqlite, tmp_path / "b.pdf", as_of=W38_END)
        shown = render_map(demo_sqlite, tmp_path / "m.png", as_of=W38_END)
    assert "camp-e" in {k.site.id for k in result.data.key_figures}
    assert result.missing_glyphs == ["🏕", "👨"]
    assert shown.missing_glyphs == ["🏕", "👨"]
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_map_and_brief_commands_say_in_one_line_which_characters_show_as_boxes(
    demo_sqlite, run, tmp_path
):
    _camp_with_emoji(demo_sqlite)
    for command in ("map", "brief"):
        result = run(command, "--week", "2018-W38", "-o", str(tmp_path / f"{command}.pdf"))
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines() == [
            "Warning: the fonts of charts and maps have no glyph for 🏕 (U+1F3D5), "
            "👨 (U+1F468); labels holding them show an empty box there."
        ]
        assert "Warning" not in result.stdout


def test_other_warnings_pass_through_while_glyph_gaps_are_collected():
    missing = "Glyph 128104 (\\N{MAN}) missing from font(s) DejaVu Sans."
    with pytest.warns(DeprecationWarning, match="something else"), glyph_gaps() as gaps:
        warnings.warn(missing, UserWarning, stacklevel=1)
        warnings.warn("something else", DeprecationWarning, stacklevel=1)
    assert gaps == {"👨"}
