"""An XLSForm for field data collection (KoboToolbox, ODK) whose exports `dispstats import`
reads back: one submission is one figure as its source gave it, with the HXL tag of every
question in the form's `hxl` column (KoboToolbox writes them as the export's hashtag row).

Labels are in English, French and Arabic from the catalogs; the store's sites are the choices
of the site, origin and destination questions, so a submission names a site by its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dispstats.model import vocab
from dispstats.output import written
from dispstats.reports import wording
from dispstats.reports.i18n import LANGUAGES, N_, get_lang

# The form's languages, as XLSForm names them in its label columns.
FORM_LANGUAGES = {"en": "English (en)", "fr": "Français (fr)", "ar": "العربية (ar)"}
FORM_ID = "dispstats_figure"


@dataclass(frozen=True)
class Question:
    type: str
    name: str
    label: str = ""
    hxl: str = ""
    hint: str = ""
    required: bool = False
    relevant: str = ""
    constraint: str = ""


_MOVES_FROM = "selected(${indicator}, 'arrivals') or selected(${indicator}, 'returns')"
_MOVES_TO = "selected(${indicator}, 'departures') or selected(${indicator}, 'relocation')"
_POPULATION = "selected(${indicator}, 'population')"
# The number is text ("about 45,000"): a part can only be checked to be a count here.
_PART = ". >= 0"

QUESTIONS = (
    Question("begin_group", "figure", N_("The figure")),
    Question("select_one site", "site", N_("Site"), "#loc+code", required=True),
    Question("date", "reported", N_("Date the figure refers to"), "#date+reported",
             required=True),
    Question("select_one indicator", "indicator", N_("What is counted"), "#indicator+code",
             required=True),
    Question("select_one group", "group", N_("Who is counted"), "#meta+group+code",
             required=True),
    Question("text", "value", N_("Number, as the source gives it"), "#indicator+text",
             N_("For example 45,000 or about 45,000"), required=True),
    Question("integer", "female", N_("Of them, women and girls"), "#affected+ind+f",
             relevant=_POPULATION, constraint=_PART),
    Question("integer", "male", N_("Of them, men and boys"), "#affected+ind+m",
             relevant=_POPULATION, constraint=_PART),
    Question("integer", "children", N_("Of them, children (under 18)"), "#affected+ind+children",
             relevant=_POPULATION, constraint=_PART),
    Question("select_one site", "origin", N_("Where they came from"), "#loc+code+origin",
             relevant=_MOVES_FROM),
    Question("select_one site", "destination", N_("Where they went"), "#loc+code+dest",
             relevant=_MOVES_TO),
    Question("end_group", "figure"),
    Question("begin_group", "source", N_("The source")),
    Question("text", "publisher", N_("Who reported it"), "#org+name", required=True),
    Question("select_one publisher_type", "publisher_type", N_("Kind of publisher"), "#org+type",
             required=True),
    Question("text", "title", N_("Title of the report or article"), "#meta+title"),
    Question("text", "url", N_("Web address"), "#meta+url"),
    Question("date", "published", N_("Date it was published"), "#date+published"),
    Question("text", "excerpt", N_("The source's own words"), "#description+excerpt"),
    Question("end_group", "source"),
)  # fmt: skip

PUBLISHER_TYPES = {
    "un": N_("UN agency"),
    "ngo": N_("NGO"),
    "government": N_("government"),
    "party_to_conflict": N_("party to the conflict"),
    "media": N_("media"),
    "local_network": N_("local network"),
}
FORM_TITLE = N_("Displacement figure")


def write_form(path: Path, sites) -> Path:
    """Write the XLSForm (survey, choices, settings sheets) to `path`; `sites` are the store's
    sites, the choices of the place questions."""
    from openpyxl import Workbook

    langs = {code: get_lang(code, document=False) for code in LANGUAGES if code in FORM_LANGUAGES}
    label_columns = [f"label::{FORM_LANGUAGES[c]}" for c in langs]
    hint_columns = [f"hint::{FORM_LANGUAGES[c]}" for c in langs]
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", *label_columns, *hint_columns, "required", "relevant",
                   "constraint", "hxl"])  # fmt: skip
    for q in QUESTIONS:
        labels = [lang.gettext(q.label) if q.label else "" for lang in langs.values()]
        hints = [lang.gettext(q.hint) if q.hint else "" for lang in langs.values()]
        survey.append([q.type, q.name, *labels, *hints, "yes" if q.required else "",
                       q.relevant, q.constraint, q.hxl])  # fmt: skip
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *label_columns])
    for site in sorted(sites, key=lambda s: s.id):
        choices.append(["site", site.id, *(site.name_in(code) for code in langs)])
    for key in vocab.INDICATORS:
        choices.append(["indicator", key, *(wording.indicator(g, key) for g in langs.values())])
    for key in vocab.POPULATION_GROUPS:
        choices.append(["group", key, *(wording.group(g, key) for g in langs.values())])
    for key in vocab.PUBLISHER_TYPES:
        labels = [g.gettext(PUBLISHER_TYPES[key]) for g in langs.values()]
        choices.append(["publisher_type", key, *labels])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language", "version"])
    settings.append([langs["en"].gettext(FORM_TITLE), FORM_ID, FORM_LANGUAGES["en"], "1"])
    for sheet in book.worksheets:  # text from data (site names) never becomes a formula
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    with written(path) as target:
        book.save(target)
    return path
