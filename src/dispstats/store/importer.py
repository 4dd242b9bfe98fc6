"""Importing figures from an HXL-tagged CSV or XLSX file: read, check every row, then write
all of it in one transaction (or nothing).

Each row is placed at the most specific place it names (import_sites.py); places the store
does not know are created only when asked (`create_sites`), otherwise listed. Sources are
matched by id or publisher (import_sources.py); a source the store does not know is created
when the file or the options describe it (its publisher). In DTM-style files, rows of one
source for one place and date are added up when they are parts (model/table_parts.py).
Figures already in the store with the same content, or repeated in the file, are duplicates:
counted, not added.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.columns import as_spreadsheet_text
from dispstats.model.hxl_columns import ColumnPlan, plan_columns
from dispstats.model.parse import counted
from dispstats.model.records import Site, Source, after_publication_error
from dispstats.model.table_cells import Checked, RowError
from dispstats.model.table_checks import check_figures, content_keys
from dispstats.model.table_figures import (
    read_figures,
)
from dispstats.model.table_parts import RowsRule, combine_parts
from dispstats.model.table_tags import columns_apart, given_tags, standard_tags, swapped_tags
from dispstats.model.tables import (
    Limits,
    NoHeaderRow,
    Table,
    read_mapping,
    read_table,
    tagged_sheets,
)
from dispstats.output import written
from dispstats.store.import_sites import SiteIndex, resolve_ends, resolve_parents, resolve_sites
from dispstats.store.import_sources import given_source, report_sources, resolve_sources
from dispstats.store.store import Store

# progress(phase, done, total): done and total are None while a phase cannot count.
Progress = Callable[[str, int | None, int | None], None]


@dataclass
class ImportOptions:
    source: str | None = None
    dry_run: bool = False
    on_error: str = "stop"  # or "skip": write the good rows, the bad ones to a reject file
    mapping: Path | None = None
    create_sites: bool = False
    sheet: str | None = None
    rejects: Path | None = None
    limits: Limits = field(default_factory=Limits)
    today: date | None = None
    # The reference date of every row of a file without date columns (--date).
    reference: str | None = None
    # A new source for the rows without a source cell: publisher, publisher_type, title, url,
    # published, accessed, reliability (as `dispstats add` takes them); `source` is its id.
    new_source: dict[str, str | None] | None = None
    # The analyst's tags for this import: (column header or hashtag, hashtag) pairs (--tag).
    tags: tuple[tuple[str, str], ...] = ()
    # Rows of one place that differ only in columns not read are its parts, added up.
    sum_rows: bool = False
    # Country names the analyst says are these ISO3 codes (--country "Burma=MMR").
    countries: tuple[tuple[str, str], ...] = ()
    # Population figures dated after their source's publication are taken (projections).
    allow_after_publication: bool = False


@dataclass
class ImportReport:
    """What an import found and did; `written` says whether the store changed."""

    file: str
    rows_read: int = 0
    figures_read: int = 0
    added: int = 0
    valid: int = 0  # figures that passed every check (added, or duplicates)
    duplicates: int = 0
    duplicates_in_file: int = 0  # rows that repeat another row of a DTM-style file exactly
    rejected_rows: int = 0
    blank_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    sites_created: list[str] = field(default_factory=list)
    sources_created: list[str] = field(default_factory=list)
    unknown_sites: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What would make a refused file import (--tag options that swap two tags back ...).
    advice: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    rejects_file: str | None = None
    first_id: int | None = None
    last_id: int | None = None

    def as_dict(self, max_errors: int = 100) -> dict:
        return {
            "file": self.file,
            "rows_read": self.rows_read,
            "figures_read": self.figures_read,
            "added": self.added,
            "valid": self.valid,
            "duplicates": self.duplicates,
            "rejected": self.rejected_rows,
            "blank_rows": self.blank_rows,
            "dry_run": self.dry_run,
            "written": self.written,
            "sites_created": self.sites_created,
            "sources_created": self.sources_created,
            "unknown_sites": self.unknown_sites,
            "ignored_columns": self.ignored_columns,
            "notes": self.notes,
            "advice": self.advice,
            "rejects_file": self.rejects_file,
            "figure_ids": [self.first_id, self.last_id] if self.first_id else None,
            "errors": [str(e) for e in self.errors[:max_errors]],
            "errors_total": len(self.errors),
        }


def _silent(_phase: str, _done: int | None = None, _total: int | None = None) -> None:
    pass


def import_file(
    store: Store, path: Path, options: ImportOptions | None = None, progress: Progress | None = None
) -> ImportReport:
    """Import the figures of one file. Raises InputError for a file that cannot be read at all;
    row problems are in the report (nothing is written when there are any, unless
    `on_error="skip"`)."""
    options = options or ImportOptions()
    say: Progress = progress or _silent
    report = ImportReport(str(path), dry_run=options.dry_run)
    say("reading", None, None)
    table, plan = _read_and_plan(path, options, report)
    say("checking", None, None)
    given = given_source(store, options)
    source = given.id if given else None
    try:
        checked = read_figures(table, plan, source, options.today, reference=options.reference,
                               countries=dict(options.countries))  # fmt: skip
    except InputError as exc:
        raise _with_sheets(exc, table, options.sheet) from None
    report.notes.extend(checked.notes)
    report.blank_rows += checked.blank_rows
    new_sources = resolve_sources(store, checked, plan, given)
    report.notes.extend(report_sources(store, checked.frame, new_sources))
    index = SiteIndex(store.sites())
    new_sites, unknown = resolve_sites(index, checked, plan, options.create_sites)
    for end in ("origin", "destination"):
        resolve_ends(checked.frame, checked, plan, index, end, create=options.create_sites,
                     new=new_sites, unknown=unknown)  # fmt: skip
    resolve_parents(new_sites, index, report.notes)
    if index.padded:
        read = ", ".join(f"{a} as {b}" for a, b in list(index.padded.items())[:5])
        report.notes.append(
            f"p-codes with extra zeros read as the store's own: {read}"
            + (f" and {len(index.padded) - 5} more" if len(index.padded) > 5 else "")
        )
    report.unknown_sites = sorted(set(unknown))
    check_figures(checked, plan)
    if not options.allow_after_publication:
        _refuse_after_publication(checked, plan, [*store.sources(), *new_sources])
    if plan.values or plan.breakdowns:
        _combine(checked, plan, report, _rows_rule(table, options.sum_rows))
    frame = checked.frame
    report.figures_read = len(frame)

    say("finding duplicates", None, None)
    bad_rows = {e.row for e in checked.errors}
    good = ~frame["row"].isin(bad_rows).to_numpy()
    fresh = _not_duplicates(store, frame, good, new_sources)
    report.duplicates = int((good & ~fresh).sum()) + report.duplicates_in_file
    report.valid = int(good.sum())
    report.errors = sorted(dict.fromkeys(checked.errors), key=lambda e: e.row)
    report.rejected_rows = len(bad_rows)
    if report.errors:
        report.advice = swapped_tags(table.frame, table.hashtags, table.headers)

    if report.errors and options.on_error != "skip":
        return report
    if report.errors and not options.dry_run:
        report.rejects_file = str(_write_rejects(table, plan, report.errors, options.rejects))
    to_add = frame[good & fresh]
    used_sites = set(to_add["site_id"]) | set(to_add["origin_site_id"].dropna())
    used_sites |= set(to_add["destination_site_id"].dropna())
    new_sites = _with_parents([s for s in new_sites if s.id in used_sites], new_sites)
    new_sources = [s for s in new_sources if s.id in set(to_add["source_id"])]
    report.sites_created = [s.id for s in new_sites]
    report.sources_created = [s.id for s in new_sources]
    report.added = len(to_add)
    if options.dry_run or (not len(to_add) and not new_sites and not new_sources):
        return report
    say("writing", 0, len(to_add))
    ids = store.add_bulk(
        new_sites, new_sources, to_add, lambda done, total: say("writing", done, total)
    )
    report.written = True
    if ids:
        report.first_id, report.last_id = min(ids), max(ids)
    return report


# Columns KoboToolbox and ODK add to every submission: who sent it and when, not figures.
_FORM_META = frozenset(
    {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
     "username", "instanceid", "instancename", "audit"}
)  # fmt: skip


def _why_untagged(header: str) -> str:
    name = header.strip().rsplit("/", 1)[-1].casefold()
    if name.startswith("_") or name in _FORM_META:
        return "the form's record of the submission (KoboToolbox/ODK metadata), not a figure"
    return "no hashtag"


def _with_sheets(exc: InputError, table: Table, asked: str | None) -> InputError:
    """A refusal of the columns of a workbook's sheet, naming the sheet read and every sheet
    with a hashtag row (the data may be on another)."""
    if table.sheet is None or asked is not None or exc.field not in ("hashtag", "date"):
        return exc
    tagged = [name for name in tagged_sheets(table.path) if name != table.sheet]
    if not tagged and exc.field == "date":  # the data sheet lacks dates: --date, not --sheet
        return exc
    others = (
        f"; sheets with a hashtag row: {', '.join(repr(n) for n in tagged)} (choose one with "
        "--sheet)"
        if tagged
        else "; no other sheet has a hashtag row"
    )
    return InputError(f"sheet '{table.sheet}': {exc.reason}{others}", field=exc.field)


def _no_group_notes(plan: ColumnPlan, headers) -> list[str]:
    """A count column that names no population group (#affected+displaced): its figures are
    of no group, never IDPs; the note names the --tag that says who they are."""
    notes: list[str] = []
    if "population_group" in plan.fields:  # each row names its group
        return notes
    for position, meaning in plan.values.items():
        if meaning.group is not None or meaning.part:
            continue
        tag = plan.tags[position]
        header = " ".join(str(headers[position]).split()) if position < len(headers) else ""
        unit = "hh" if meaning.unit == "households" else "ind"
        notes.append(
            f"{tag.label} names no population group: its figures are of displaced people of "
            "no stated group, never counted as IDPs or refugees; if the source counts IDPs, "
            f'import with --tag "{header or tag.text}=#affected+idps+{unit}"'
        )
    return notes


def _read_and_plan(path: Path, options: ImportOptions, report: ImportReport):
    """The file's table (its tags as the analyst gave or the standard writes them) and which
    column is which field; the summary gets what was read and left out."""
    mapping = read_mapping(options.mapping) if options.mapping else None
    try:
        table = read_table(path, mapping, options.sheet, options.limits)
    except NoHeaderRow:
        if mapping is not None or not options.tags:
            raise
        # A file of plain headers tagged column by column with --tag: the tags are its mapping.
        table = read_table(path, dict(options.tags), options.sheet, options.limits)
    report.rows_read, report.blank_rows = len(table.frame), table.blank_rows
    report.notes.extend(table.warnings + table.notes)
    report.notes.extend(given_tags(table.hashtags, table.headers, options.tags))
    report.notes.extend(standard_tags(table.hashtags))
    plan = plan_columns(table.hashtags, table.headers)
    report.ignored_columns = [f"{tag.label}: {reason}" for tag, reason in plan.ignored]
    report.ignored_columns += [
        f"'{' '.join(h.split())}' (column {p + 1}): {_why_untagged(h)}"
        for p, h in enumerate(table.headers)
        if h.strip() and p not in plan.tags
    ]
    report.notes.extend(_no_group_notes(plan, table.headers))
    return table, plan


def _rows_rule(table: Table, sum_rows: bool) -> RowsRule:
    """Rows of a figure are copies only when all their cells are equal; the columns in which
    clashing rows differ are named."""

    hashes: dict[int, int] = {}

    def cells(row: int) -> int:
        if not hashes:  # every row's cells hashed at once, when a file has rows to compare
            import pandas as pd

            stripped = table.frame.astype(str).apply(lambda column: column.str.strip())
            found = pd.util.hash_pandas_object(stripped, index=False).to_numpy()
            hashes.update(zip((int(r) for r in table.row_numbers), found.tolist(), strict=True))
        return hashes[row]

    return RowsRule(cells, lambda rows: columns_apart(table, rows), sum_rows)


def _combine(checked: Checked, plan: ColumnPlan, report: ImportReport, rule: RowsRule) -> None:
    """Make each figure of one source's lines with its parts (DTM style) and say so."""
    good = ~checked.frame["row"].isin({e.row for e in checked.errors}).to_numpy()
    combined = combine_parts(checked, good, rule)
    report.duplicates_in_file = combined.copies
    if combined.summed:
        report.notes.append(
            counted(combined.summed, "figure is", "figures are")
            + " the sum of several rows of one place (--sum-rows): each value text lists its rows"
        )
    if combined.with_parts:
        columns = [plan.tags[p].text for p, m in plan.values.items() if m.part]
        rows = [plan.tags[p].text for p, d in plan.breakdowns.items() if d not in combined.unsplit]
        sources = []
        if columns:
            sources.append(f"columns ({', '.join(columns[:4])}{' ...' * (len(columns) > 4)})")
        if rows:
            sources.append(f"rows that differ by {', '.join(rows)}")
        report.notes.append(
            counted(combined.with_parts, "figure has", "figures have")
            + f" parts from {' and from '.join(sources)} (e.g. {'; '.join(combined.examples)}): "
            "kept with the figure, never added to it or counted as figures"
        )
    if combined.unsplit:
        kept_out = [plan.tags[p].text for p, d in plan.breakdowns.items() if d in combined.unsplit]
        what = " and ".join(sorted(combined.unsplit))
        report.notes.append(
            f"{', '.join(kept_out)}: one {what} for each place, never splitting a figure in "
            f"this file, so perhaps each place's main {what} rather than that of everyone it "
            f"counts: no parts are made of {'it' if len(kept_out) == 1 else 'them'} (a file "
            f"with a row for each {what} gives parts by {what})"
        )
    if combined.sums:
        report.notes.append(
            counted(
                combined.sums,
                "figure is the sum of its parts",
                "figures are the sum of their parts",
            )
            + ", as the file gives no total; the value text says so"
        )
    if combined.problems:
        shown = [p for p in combined.problems if p]
        report.notes.append(
            counted(len(combined.problems), "figure's parts do", "figures' parts do")
            + f" not add up to it within rounding ({'; '.join(shown)}); "
            "'dispstats check' lists them"
        )
    if combined.copies:
        copied = len(combined.copied_rows)
        report.notes.append(
            counted(copied, "row repeats", "rows repeat")
            + " another row of the file in every cell and "
            + ("was" if copied == 1 else "were")
            + " counted once"
        )


def _refuse_after_publication(checked: Checked, plan: ColumnPlan, sources: list[Source]):
    """Population figures dated after their source was published: refused, as `add` does
    (see records.after_publication)."""
    import pandas as pd

    frame = checked.frame
    published = frame["source_id"].map({s.id: s.published for s in sources if s.published})
    late = (
        frame["indicator"].isin(vocab.STOCK_INDICATORS)
        & published.notna()
        & (pd.to_datetime(frame["ref_start"]) > pd.to_datetime(published))
    ).to_numpy()
    if not late.any():
        return
    column = plan.label("reference") if "reference" in plan.fields else "--date"
    found = pd.DataFrame(
        {
            "row": frame["row"][late].to_numpy(),
            "start": pd.to_datetime(frame["ref_start"][late]).dt.date.to_numpy(),
            "published": pd.to_datetime(published[late]).dt.date.to_numpy(),
        }
    )
    for (start, day), rows in found.groupby(["start", "published"])["row"]:
        checked.fail(rows, column, after_publication_error(start, day))


# --- sites -------------------------------------------------------------------------------------


def _with_parents(chosen: list[Site], new: list[Site]) -> list[Site]:
    """The chosen new sites plus any new site one of them lies in."""
    by_id = {s.id: s for s in new}
    out = {s.id: s for s in chosen}
    for site in chosen:
        parent = site.parent_id
        while parent in by_id and parent not in out:
            out[parent] = by_id[parent]
            parent = by_id[parent].parent_id
    return list(out.values())


# --- duplicates and rejects ---------------------------------------------------------------------


def _not_duplicates(store: Store, frame, good, new_sources: list[Source]):
    """True for lines whose content is neither in the store nor earlier in the file."""
    import numpy as np

    fresh = np.ones(len(frame), dtype=bool)
    if not good.any():
        return fresh
    keys = content_keys(frame[good])
    known_sources = set(frame["source_id"][good]) - {s.id for s in new_sources}
    stored = store.stored_contents(sorted(known_sources)) if known_sources else None
    seen = stored or set()
    if len(set(keys)) == len(keys):  # no line repeats another: passes in C, not in Python
        if not seen.isdisjoint(keys):  # a file imported again, or an updated one
            fresh[np.flatnonzero(good)] = ~np.fromiter(
                map(seen.__contains__, keys), dtype=bool, count=len(keys)
            )
        return fresh
    found: set[tuple] = set()
    duplicate = np.zeros(len(keys), dtype=bool)
    for i, key in enumerate(keys):
        if key in seen or key in found:
            duplicate[i] = True
        else:
            found.add(key)
    fresh[np.flatnonzero(good)] = ~duplicate
    return fresh


def _write_rejects(table: Table, plan: ColumnPlan, errors: list[RowError], path) -> Path:
    """The rejected rows, as they were, under the file's own header and hashtag rows, with
    the reasons in a last column."""
    if path is None:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        # The current folder, never beside the input: that may be shared or read-only.
        path = Path.cwd() / f"{table.path.stem}.rejected-{stamp}.csv"
    reasons: dict[int, list[str]] = {}
    for error in errors:
        reasons.setdefault(error.row, []).append(str(error))
    wanted = set(reasons)
    with written(path) as target, target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if any(h.strip() for h in table.headers):
            writer.writerow([as_spreadsheet_text(h) for h in (*table.headers, "Why rejected")])
        writer.writerow([*table.hashtags, "#meta+error"])
        for row_number, cells in zip(
            table.row_numbers, table.frame.itertuples(index=False), strict=True
        ):
            if int(row_number) in wanted:
                reason = "; ".join(reasons[int(row_number)])
                writer.writerow([as_spreadsheet_text(str(c)) for c in (*cells, reason)])
    return Path(path)
