"""The weekly PDF brief: jinja2 template -> HTML -> WeasyPrint -> tagged PDF/A-3 with the
figures used attached as CSV.

Safety: every text from data is autoescaped by jinja2; charts are inline SVG made here; the
URL fetcher serves only files inside the template folders (the package's and the user's) and
refuses everything else: other files, the network, data: URLs.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from dispstats import __version__
from dispstats.errors import InputError
from dispstats.model.columns import FIGURE_COLUMNS, figure_row
from dispstats.output import written
from dispstats.reports import wording
from dispstats.reports.brief.data import BriefData
from dispstats.reports.brief.gather import gather, report_day
from dispstats.reports.brief.pictures import picture_plans
from dispstats.reports.drawing import Drawer
from dispstats.reports.hxl import csv_cell
from dispstats.reports.i18n import Lang, get_lang, plain
from dispstats.runtime import collector_paused

if TYPE_CHECKING:
    from dispstats.store.contract import StoreReader

TEMPLATES = Path(__file__).parent.with_name("templates")
PDF_VARIANT = "pdf/a-3a"  # tagged (accessible) and allows the attached CSV


@dataclass
class BriefResult:
    """Where the brief went, and how its time was spent (seconds)."""

    path: Path
    data: BriefData
    timings: dict[str, float] = field(default_factory=dict)
    refused_urls: list[str] = field(default_factory=list)
    # Characters of chart and map labels that no chart font has: drawn as empty boxes.
    missing_glyphs: list[str] = field(default_factory=list)
    # Whether a helper process drew the charts and map (reports/drawing.py).
    drawn_aside: bool = False


def make_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher that serves files under `roots` only (records the rest)."""
    import mimetypes

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = [root.resolve() for root in roots]

    class TemplateOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.served: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if path.is_file() and any(path.is_relative_to(root) for root in allowed):
                    self.served.append(url)
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, body=path.read_bytes(), headers={"Content-Type": kind}
                    )
            self.refused.append(url)
            raise ValueError(f"dispstats briefs fetch nothing outside their templates: {url}")

    return TemplateOnlyFetcher()


# Longer text (a pasted report, a name without spaces) is cut in the PDF, where it would take
# pages to lay out; the attached CSV keeps it whole.
MAX_SHOWN_CHARS = 400


def clip(value: object) -> object:
    """Every value the template prints: long text is shortened, with a marker saying so."""
    if isinstance(value, str) and not hasattr(value, "__html__") and len(value) > MAX_SHOWN_CHARS:
        return value[:MAX_SHOWN_CHARS] + " [\u2026 cut; whole in the attached CSV]"
    return value


TEMPLATE_FILES = ("brief.html", "brief.css")


def copy_templates(folder: Path) -> list[Path]:
    """Copy the built-in brief.html and brief.css into `folder` (made if missing) to edit and
    pass as --template-dir. Never overwrites: an existing file there is refused, nothing
    copied."""
    if not folder.parent.is_dir():
        raise InputError(f"folder {folder.parent} does not exist", field="folder")
    targets = [folder / name for name in TEMPLATE_FILES]
    if taken := [t for t in targets if t.exists()]:
        raise InputError(
            f"{', '.join(str(t) for t in taken)} already exists; nothing was copied (move it "
            "away, or edit it and pass the folder as --template-dir)",
            field="folder",
        )
    folder.mkdir(exist_ok=True)
    for target in targets:
        target.write_bytes((TEMPLATES / target.name).read_bytes())
    return targets


def _template_errors(template_dir: Path | None, render):
    """A broken override template is the user's own file: one line naming it, no traceback."""
    from jinja2 import TemplateError

    try:
        return render()
    except TemplateError as exc:
        where = f" in {template_dir}" if template_dir else ""
        message = getattr(exc, "message", None) or str(exc)
        lineno = getattr(exc, "lineno", None)
        line = f", line {lineno}" if lineno else ""
        raise InputError(
            f"the brief template{where} failed{line}: {type(exc).__name__}: {message}",
            field="template-dir",
        ) from None


def figures_csv(data: BriefData) -> str:
    """The figures a brief uses, one row per figure version, with site and publisher names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Site name", "Publisher", *(c.header for c in FIGURE_COLUMNS)])
    writer.writerow(["#loc+name", "#org+reporting+name", *(c.hxl for c in FIGURE_COLUMNS)])
    for f in data.figures_used:
        row = figure_row(f)
        writer.writerow(
            [
                csv_cell(data.stored_names.get(f.site_id, f.site_id)),
                csv_cell(data.publishers.get(f.source_id, f.source_id)),
                *(csv_cell(v) for v in row.values()),
            ]
        )
    return out.getvalue()


def render_html(
    data: BriefData,
    charts: list[dict],
    template_dir: Path | None,
    brief_map: dict | None = None,
) -> str:
    """The brief as HTML in `data.lang` (templates from `template_dir` override the
    package's)."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    lang = data.lang
    loaders = [FileSystemLoader(str(template_dir))] if template_dir else []
    env = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(str(TEMPLATES))]),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=clip,
    )
    env.globals |= template_words(lang)
    env.filters["b"] = lambda value: Markup(lang.isolate("%s")) % value
    env.globals |= {
        "plural": plural,
        "L": lang,
        "plain": plain,
        "indicator": lambda key: wording.indicator(lang, key),
        "percent": lang.percent,
        "command": lambda text: Markup("<code>%s</code>") % text,
        "page_counter": Markup(page_counter_css(lang)),
    }
    return env.get_template("brief.html").render(
        d=data, charts=charts, lang=lang.code, version=__version__, map=brief_map
    )


def template_words(lang: Lang) -> dict:
    """The template's `_`, `ngettext` and `pgettext` (the names pybabel extracts): the message
    from the catalog is trusted markup; every value put into it is escaped, and isolated in a
    right-to-left brief. `num` defaults to the count, in the reader's digits."""
    from markupsafe import Markup

    def fill(text: str, values: dict) -> Markup:
        return Markup(text) % {k: Markup(lang.isolate("%s")) % v for k, v in values.items()}

    def gettext(message: str, **values) -> Markup:
        return fill(lang.translations.gettext(message), values)

    def ngettext(singular: str, plural: str, n: int, **values) -> Markup:
        values.setdefault("num", lang.number(n))
        return fill(lang.translations.ngettext(singular, plural, n), values)

    def pgettext(context: str, message: str, **values) -> Markup:
        return fill(lang.translations.pgettext(context, message), values)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext}


def page_counter_css(lang: Lang) -> str:
    """CSS `content` for "Page 2 of 5" in `lang`, with the reader's digits."""
    words = lang.gettext("Page %(page)s of %(pages)s")
    style = ", arabic-indic" if lang.digits == "arab" else ""
    parts = []
    for text in re.split(r"(%\(pages?\)s)", words):
        if text in ("%(page)s", "%(pages)s"):
            parts.append(f"counter({text[2:-2]}{style})")
        elif text:
            parts.append(css_string(text))
    return " ".join(parts)


def css_string(text: str) -> str:
    """`text` as a CSS string literal: every character outside plain letters escaped."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def plural(n: int, one: str, many: str) -> str:
    """English words for a count, kept for brief templates copied before the catalogs:
    `many` may hold %(n)s for the number."""
    return one if n == 1 else many % {"n": f"{n:,}"}


def render_brief(
    store: StoreReader,
    output: Path,
    week: date | None = None,
    as_of: date | None = None,
    *,
    sites: list[str] | None = None,
    title: str | None = None,
    organisation: str = "dispstats",
    template_dir: Path | None = None,
    lang: str = "en",
    digits: str = "latn",
    top: int = 6,
    draw_where: str = "here",
) -> BriefResult:
    """Write the brief for the ISO week containing `week` (default: last complete week), with
    figures as of its Sunday, or as of `as_of` (its week) when that is given; from a
    PublicView, of public data only.

    `draw_where` says where its charts and map are drawn: "here" (this process), "aside" (a
    helper process on another core, see reports/drawing.py) or "auto" (aside while this
    process has not loaded matplotlib yet: what `dispstats brief` does); the pictures are the
    same."""
    if (
        template_dir is not None
        and not (template_dir / "brief.html").exists()
        and not (template_dir / "brief.css").exists()
    ):
        raise InputError(
            f"{template_dir} has neither brief.html nor brief.css to override", field="template-dir"
        )
    if not output.parent.is_dir():
        raise InputError(f"folder {output.parent} does not exist", field="output")
    end_day = report_day(week, as_of)
    with (
        tempfile.TemporaryDirectory(prefix="dispstats-brief-") as folder,
        Drawer(Path(folder), draw_where) as drawer,  # a helper may start importing now
        _settled_heap() as settle,
    ):
        start = time.perf_counter()
        data = gather(
            store,
            end_day,
            sites,
            title=title,
            organisation=organisation,
            top=top,
            lang=get_lang(lang, digits),
        )
        timings = {"data": time.perf_counter() - start}
        settle()  # the data too lives until the brief is written
        return _write_brief(
            output,
            data,
            end_day,
            template_dir=template_dir,
            timings=timings,
            drawer=drawer,
            settle=settle,
        )


@contextmanager
def _settled_heap() -> Iterator[Callable[[], None]]:
    """Keep what is alive when the given function is called out of the collector's walks
    until the brief is written: modules, the store and the brief's data live to the end
    anyway. Walking them again and again was a tenth of a brief (counted with gc.callbacks;
    bench/brief_bench.py). A caller's own freeze is left alone."""
    if gc.get_freeze_count():  # the caller froze its own heap: leave that as it is
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _import_layout() -> None:
    with collector_paused():
        import weasyprint  # noqa: F401


def _write_brief(
    output: Path,
    data: BriefData,
    end_day: date,
    *,
    template_dir: Path | None,
    timings: dict[str, float],
    drawer: Drawer,
    settle: Callable[[], None],
) -> BriefResult:
    """Draw the charts and map, lay out and write the PDF (render_brief's second half).
    WeasyPrint is imported while a helper draws. PNG pictures go into a folder of their own
    inside the drawer's, the only one besides the templates that the brief's fetcher serves
    (the drawer's exchange files stay out of its reach)."""
    folder = drawer.folder / "pictures"
    folder.mkdir()
    start = time.perf_counter()
    waiting = drawer.draw(picture_plans(data, end_day, folder))
    timings["charts"] = time.perf_counter() - start
    _import_layout()
    settle()
    from weasyprint import HTML, Attachment

    start = time.perf_counter()
    pictures = waiting()
    timings["charts"] += time.perf_counter() - start

    start = time.perf_counter()
    html = _template_errors(
        template_dir, lambda: render_html(data, pictures.charts, template_dir, pictures.map)
    )
    roots = [TEMPLATES, folder, *([template_dir] if template_dir else [])]
    fetcher = make_fetcher(roots)
    base = (template_dir or TEMPLATES).resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=fetcher).render()
    timings["layout"] = time.perf_counter() - start

    # Still inside the folder: WeasyPrint reads PNG charts when it writes.
    start = time.perf_counter()
    attachment = Attachment(
        string=figures_csv(data),
        name=f"figures-{data.week}.csv",
        description=data.lang.gettext("The figures used in this brief (HXL-tagged CSV)"),
        relationship="Data",
        url_fetcher=fetcher,
    )
    with written(output) as target:
        document.write_pdf(
            target, pdf_variant=PDF_VARIANT, attachments=[attachment], custom_metadata=True
        )
    timings["write"] = time.perf_counter() - start
    return BriefResult(
        output,
        data,
        timings,
        fetcher.refused,
        sorted(pictures.missing_glyphs),
        drawn_aside=drawer.drew_aside,
    )
