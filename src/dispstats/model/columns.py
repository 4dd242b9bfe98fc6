"""The one mapping between our fields, column headers and HXL hashtags.

Every format (demo data, HXL CSV, Excel, data package, importer) uses these lists, so a column
is named and tagged the same way everywhere. `help` is the column's meaning for readme sheets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dispstats.errors import InputError
from dispstats.model.dates import format_dateref
from dispstats.model.hashtags import looks_like_hashtag_row, parse_tag


def N_(text: str) -> str:
    """Marks a header or meaning for the translation catalogs (the reports layer translates
    it for a workbook in French or Arabic); the HXL hashtag never translates."""
    return text


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    hxl: str
    help: str


SITE_COLUMNS = (
    Column("id", N_("Site id"), "#loc+code", N_("Short stable id of the site used in dispstats")),
    Column("name", N_("Site name"), "#loc+name", N_("Name of the site as usually written")),
    Column(
        "kind",
        N_("Kind"),
        "#loc+type",
        N_("camp, informal settlement, zone, administrative area or city"),
    ),
    Column(
        "aliases",
        N_("Other names"),
        "#loc+name+alt",
        N_("Other spellings and names (e.g. Arabic), separated by semicolons"),
    ),
    Column("pcode", N_("Site p-code"), "#loc+pcode", N_("The site's own p-code, if it has one")),
    Column("country_iso3", N_("Country"), "#country+code", N_("ISO 3166-1 alpha-3 country code")),
    Column(
        "admin1_name", N_("Admin 1"), "#adm1+name", N_("First administrative level (governorate)")
    ),
    Column("admin1_pcode", N_("Admin 1 p-code"), "#adm1+code", N_("P-code of the admin 1 area")),
    Column(
        "admin2_name", N_("Admin 2"), "#adm2+name", N_("Second administrative level (district)")
    ),
    Column("admin2_pcode", N_("Admin 2 p-code"), "#adm2+code", N_("P-code of the admin 2 area")),
    Column("latitude", N_("Latitude"), "#geo+lat", N_("Decimal degrees, WGS 84")),
    Column("longitude", N_("Longitude"), "#geo+lon", N_("Decimal degrees, WGS 84")),
    Column(
        "parent_id", N_("Inside site"), "#loc+code+parent", N_("Id of the site this one lies in")
    ),
    Column(
        "location_type",
        N_("Type of place"),
        "#loc+type+name",
        N_("The source's own words for the kind of place (e.g. Host community, Collective centre)"),
    ),
    Column(
        "sensitivity",
        N_("Sensitivity"),
        "#meta+sensitivity",
        N_("public, or restricted (left out of public outputs)"),
    ),
)

SOURCE_COLUMNS = (
    Column("id", N_("Source id"), "#meta+source", N_("Short stable id of the source")),
    Column(
        "publisher", N_("Publisher"), "#org+name", N_("Organisation or outlet that published it")
    ),
    Column(
        "publisher_type",
        N_("Publisher type"),
        "#org+type",
        N_("UN, NGO, government, party to the conflict, media or local network"),
    ),
    Column("title", N_("Title"), "#meta+title", N_("Title of the report, article or dataset")),
    Column("url", N_("URL"), "#meta+url", N_("Web address, where public")),
    Column("published", N_("Published"), "#date+published", N_("Date the source was published")),
    Column("accessed", N_("Accessed"), "#date+accessed", N_("Date the analyst read it")),
    Column(
        "reliability",
        N_("Reliability"),
        "#meta+reliability",
        N_("Admiralty grade: A completely reliable ... E unreliable, F cannot be judged"),
    ),
)

FIGURE_COLUMNS = (
    Column("id", N_("Figure id"), "#meta+id", N_("Id of the figure, the same across its versions")),
    Column(
        "version", N_("Version"), "#meta+version", N_("1 for the original, then one per revision")
    ),
    Column(
        "site_id", N_("Site id"), "#loc+code", N_("Site the figure is about (for movements: from)")
    ),
    Column(
        "indicator",
        N_("Indicator"),
        "#indicator+code",
        N_(
            "population (a stock at a date); arrivals, departures, returns, relocation or "
            "new_displacements (flows over the reference period)"
        ),
    ),
    Column(
        "value_text",
        N_("Value as reported"),
        "#indicator+text",
        N_("The number in the source's words, e.g. 'about 45,000'"),
    ),
    Column(
        "low",
        N_("Value (low)"),
        "#indicator+num+min",
        N_("The number, or the low end of a range; empty when unquantified"),
    ),
    Column(
        "high",
        N_("Value (high)"),
        "#indicator+num+max",
        N_("The number, or the high end of a range; empty when unquantified"),
    ),
    Column(
        "quantifier",
        N_("Quantifier"),
        "#meta+quantifier",
        N_("exact, about, at least, at most, more than, fewer than, unquantified"),
    ),
    Column("unit", N_("Unit"), "#meta+unit", N_("people or households")),
    Column(
        "population_group",
        N_("Population group"),
        "#meta+group+code",
        N_(
            "Who is counted: idps, refugees, asylum_seekers, returnees, idp_returnees, "
            "refugee_returnees, host_community, others_of_concern or all_affected; empty when "
            "the source did not say"
        ),
    ),
    Column(
        "reference",
        N_("Reference date"),
        "#date+reported",
        N_("Date, month (2018-09), ISO week (2018-W38) or period the figure refers to"),
    ),
    Column("ref_start", N_("Reference start"), "#date+start", N_("First day the figure refers to")),
    Column("ref_end", N_("Reference end"), "#date+end", N_("Last day the figure refers to")),
    Column(
        "origin_site_id",
        N_("Origin site id"),
        "#loc+code+origin",
        N_("For arrivals and returns: where people came from"),
    ),
    Column(
        "destination_site_id",
        N_("Destination site id"),
        "#loc+code+dest",
        N_("For departures and relocations: where people went or are going"),
    ),
    Column(
        "movement_status",
        N_("Movement status"),
        "#status+movement",
        N_("planned, under way or completed"),
    ),
    Column(
        "description",
        N_("Who they are"),
        "#meta+group",
        N_("The people in the source's or analyst's own words, e.g. 'Qaryatayn tribe'"),
    ),
    Column("source_id", N_("Source id"), "#meta+source", N_("Id of the source (see Sources)")),
    Column(
        "excerpt",
        N_("Excerpt"),
        "#description+excerpt",
        N_("The source's words that support the number"),
    ),
    Column(
        "excerpt_sensitivity",
        N_("Excerpt sensitivity"),
        "#meta+sensitivity+excerpt",
        N_("public, or restricted (the excerpt is left out of public outputs)"),
    ),
    Column(
        "confidence",
        N_("Confidence"),
        "#meta+confidence",
        N_("Analyst confidence: high, medium, low"),
    ),
    Column(
        "confidence_note",
        N_("Confidence note"),
        "#description+confidence",
        N_("Why the analyst holds that confidence"),
    ),
    Column(
        "role",
        N_("Role"),
        "#meta+role",
        N_("recommended (analyst's choice), triangulation, or automatic"),
    ),
    Column(
        "sensitivity",
        N_("Sensitivity"),
        "#meta+sensitivity",
        N_("public, or restricted (left out of public outputs)"),
    ),
    Column(
        "revision",
        N_("Revision"),
        "#meta+revision",
        N_("original, correction, retraction or recommendation"),
    ),
    Column(
        "reason",
        N_("Reason"),
        "#description+reason",
        N_("Why the figure was corrected or retracted"),
    ),
    Column("entered_by", N_("Entered by"), "#meta+enteredby", N_("Who entered this version")),
    Column(
        "entered_at", N_("Entered at"), "#date+entered", N_("When this version was entered (UTC)")
    ),
)


# A figure's parts that no standard HXL attribute names (an origin, a cause in the source's own
# words), as their stored JSON (model/breakdown.parts_text); HXL exports write the others as
# wide columns such as #affected+idps+ind+f.
PARTS_COLUMN = Column(
    "parts",
    N_("Parts"),
    "#meta+parts",
    N_('The figure\'s parts as JSON, e.g. [[{"origin": "Borno"}, 800]]'),
)


# A spreadsheet runs a cell starting with one of these as a formula. CSV exports write such
# text with a leading apostrophe (the spreadsheet convention for "this is text"); imports
# remove it again, so the text itself travels unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_spreadsheet_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def from_spreadsheet_text(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


# Columns describing the exporting store's bookkeeping, not what a source reported: an HXL
# export leaves them out unless asked, and an import notes and skips them.
PROVENANCE_KEYS = ("id", "version", "revision", "reason", "entered_by", "entered_at")
PROVENANCE_TAGS = frozenset(c.hxl for c in FIGURE_COLUMNS if c.key in PROVENANCE_KEYS)
# The analyst's judgement of a figure, not what its source reported.
JUDGEMENT_KEYS = ("excerpt_sensitivity", "confidence", "confidence_note", "role", "sensitivity")
# What a figure's identity is made of when looking for duplicates: what its source reported,
# the reference as its start, end and precision, and its parts (their stored text).
CONTENT_KEYS = (
    *(
        c.key
        for c in FIGURE_COLUMNS
        if c.key not in (*PROVENANCE_KEYS, *JUDGEMENT_KEYS, "reference")
    ),
    "ref_precision",
    "parts",
)

# What a figure row says about its site and source, so that an HXL file stands alone: an
# empty store can be filled from it (sites with --create-sites, sources from these columns).
# The site's own columns, keys prefixed "site_"; its sensitivity gets +loc so that it is not
# taken for the figure's.
SITE_CONTEXT_COLUMNS = tuple(
    Column(
        f"site_{c.key}",
        "Site sensitivity" if c.key == "sensitivity" else c.header,
        "#meta+sensitivity+loc" if c.key == "sensitivity" else c.hxl,
        c.help,
    )
    for c in SITE_COLUMNS
    if c.key != "id"
)
FLOW_CONTEXT_COLUMNS = (
    Column(
        "origin_name", N_("Origin site name"), "#loc+name+origin", N_("Name of the origin site")
    ),
    Column(
        "destination_name", N_("Destination name"), "#loc+name+dest", N_("Name of the destination")
    ),
)
SOURCE_CONTEXT_COLUMNS = (
    Column("source_publisher", N_("Publisher"), "#org+reporting+name", SOURCE_COLUMNS[1].help),
    Column(
        "source_publisher_type", N_("Publisher type"), "#org+reporting+type", N_("UN, NGO, ...")
    ),
    Column("source_title", N_("Source title"), "#meta+title", SOURCE_COLUMNS[3].help),
    Column("source_url", N_("Source URL"), "#meta+url", SOURCE_COLUMNS[4].help),
    Column("source_published", N_("Published"), "#date+published", SOURCE_COLUMNS[5].help),
    Column("source_accessed", N_("Accessed"), "#date+accessed", SOURCE_COLUMNS[6].help),
    Column("source_reliability", N_("Reliability"), "#meta+reliability", SOURCE_COLUMNS[7].help),
)


def _figure_column(key: str) -> Column:
    return next(c for c in FIGURE_COLUMNS if c.key == key)


# The HXL export, in reading order: where, what, how many, when, who said it. Every column
# can be read back by `dispstats import`, so export -> import -> export gives the same file.
HXL_COLUMNS = (
    _figure_column("site_id"),
    *SITE_CONTEXT_COLUMNS,
    *(
        c
        for c in FIGURE_COLUMNS
        if c.key not in PROVENANCE_KEYS and c.key not in ("site_id", "source_id")
    ),
    *FLOW_CONTEXT_COLUMNS,
    _figure_column("source_id"),
    *SOURCE_CONTEXT_COLUMNS,
)


# Site columns that describe where the site lies: on import they must not take a column that
# says where people came from or went to (#adm1+name+origin).
_NOT_FLOW_END = "-origin-dest"
_ADMIN_IMPORT_PATTERNS = {
    "site_country_iso3": ("#country+code", "#adm0+code", "#adm0+pcode"),
    "site_admin1_name": ("#adm1+name",),
    "site_admin1_pcode": ("#adm1+code", "#adm1+pcode"),
    "site_admin2_name": ("#adm2+name",),
    "site_admin2_pcode": ("#adm2+code", "#adm2+pcode"),
    # Read to place rows and build the hierarchy; a site stores admin 1 and 2 only.
    "country_name": ("#country+name", "#adm0+name"),
    "admin3_name": ("#adm3+name",),
    "admin3_pcode": ("#adm3+code", "#adm3+pcode"),
}

# Field key -> HXL tag patterns that fill it on import. Besides our own export's tags: the
# source-table tags of the demo files, admin areas as DTM, HDX HAPI and IDMC write them, and
# the row's admin level. Dates (#date...) and counts (#affected...) are read by their own
# rules in hxl.py and count_tags.py.
IMPORT_PATTERNS: dict[str, tuple[str, ...]] = {
    **{c.key: (c.hxl,) for c in HXL_COLUMNS if not c.hxl.startswith("#date")},
    **{k: tuple(p + _NOT_FLOW_END for p in v) for k, v in _ADMIN_IMPORT_PATTERNS.items()},
    "admin_level": ("#adm+level",),
    # How rows were collected (DTM): rows of different assessment types, rounds or operations
    # are different reports, never parts of one another (store/importer.py).
    "report_assessment": ("#assessment+type",),
    "report_round": ("#round", "#meta+round"),
    "report_operation": ("#operation+name",),
    "parts": (PARTS_COLUMN.hxl,),
    "source_publisher": ("#org+reporting+name", "#org+name", "#org+reporting"),
    "source_publisher_type": ("#org+reporting+type", "#org+type"),
}
# Date fields that the #date columns fill (see hxl.plan_dates); published and accessed belong
# to the source.
DATE_KEYS = {"source_published": "published", "source_accessed": "accessed"}


def normalise_hashtag(tag: str) -> tuple[str, frozenset[str]]:
    """A hashtag's name and set of attributes, case and order ignored (parsed by libhxl).

    Raises InputError when the text is not a hashtag, e.g. an attribute not starting with a
    letter ("#loc+1st").
    """
    column = parse_tag(tag)
    return column.tag.lower(), frozenset(a.lower() for a in column.attributes)


def match_columns(hashtags: Sequence[str], columns: Sequence[Column]) -> dict[str, int]:
    """Map column keys to positions in a hashtag row; a tag must match name and attributes.

    Empty cells are skipped; an unknown tag is ignored; a tag present twice is refused.
    """
    wanted = {normalise_hashtag(c.hxl): c.key for c in columns}
    found: dict[str, int] = {}
    for position, tag in enumerate(hashtags):
        if not str(tag or "").strip():
            continue
        key = wanted.get(normalise_hashtag(str(tag)))
        if key is None:
            continue
        if key in found:
            raise InputError(
                f"hashtag {tag} appears twice (columns {found[key] + 1} and {position + 1})",
                field=str(tag),
            )
        found[key] = position
    return found


def read_tagged_rows(
    rows: Sequence[Sequence[str]],
    columns: Sequence[Column],
    required: Sequence[str] = (),
    where: str = "file",
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a table with an HXL hashtag row, as (row number, {key: text}).

    Rows above the hashtag row (titles, human headers) are skipped; blank rows are skipped.
    Row numbers are 1-based, as a spreadsheet shows them. Raises InputError when there is no
    hashtag row or a `required` column is missing.
    """
    for index, row in enumerate(rows[:25]):
        if looks_like_hashtag_row(row):
            tag_row = index
            break
    else:
        raise InputError(
            f"{where} has no HXL hashtag row (a row of tags such as #loc+name) in its first 25 rows"
        )
    positions = match_columns(rows[tag_row], columns)
    by_key = {c.key: c for c in columns}
    for key in required:
        if key not in positions:
            raise InputError(
                f"{where} has no column tagged {by_key[key].hxl} ({by_key[key].header})"
            )
    out = []
    for index in range(tag_row + 1, len(rows)):
        row = rows[index]
        if not any(str(c or "").strip() for c in row):
            continue
        out.append(
            (index + 1, {key: row[pos] if pos < len(row) else "" for key, pos in positions.items()})
        )
    return out


def site_row(site) -> dict[str, object]:
    """A site as {column key: value}, aliases joined by semicolons."""
    row = {c.key: getattr(site, c.key) for c in SITE_COLUMNS if c.key != "aliases"}
    row["aliases"] = ";".join(site.aliases)
    return row


def source_row(source) -> dict[str, Any]:
    """A source as {column key: value}."""
    return {c.key: getattr(source, c.key) for c in SOURCE_COLUMNS}


def figure_row(figure) -> dict[str, Any]:
    """A figure version as {column key: value}: typed values (int, date, datetime, None)."""
    q, ref = figure.quantity, figure.ref
    derived = {
        "low": q.low,
        "high": q.high,
        "quantifier": q.table_quantifier,
        "reference": format_dateref(ref),
        "ref_start": ref.start,
        "ref_end": ref.end,
    }
    return {
        c.key: derived[c.key] if c.key in derived else getattr(figure, c.key)
        for c in FIGURE_COLUMNS
    }
