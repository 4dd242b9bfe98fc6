"""Importing figures from an HXL-tagged CSV or XLSX file: read, check every row, then write
all of it in one transaction (or nothing).

Sites are matched by code (id or p-code), then by name or alias; sites the store does not know
are created only when asked (`create_sites`), otherwise listed. Sources are matched by id; a
source the store does not know is created when the file describes it (its publisher). Figures
already in the store with the same content, or repeated in the file, are duplicates: counted,
not added.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from dispstats.errors import DispstatsError, InputError
from dispstats.model.bulk import (
    SITE_KEYS,
    SOURCE_KEYS,
    Checked,
    RowError,
    check_figures,
    content_keys,
    put,
    read_figures,
)
from dispstats.model.columns import as_spreadsheet_text
from dispstats.model.fields import site_from_fields, source_from_fields
from dispstats.model.hxl import ColumnPlan, plan_columns
from dispstats.model.records import Site, Source
from dispstats.model.tables import Limits, Table, read_mapping, read_table
from dispstats.store.lookup import find_source, normalise_name
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


@dataclass
class ImportReport:
    """What an import found and did; `written` says whether the store changed."""

    file: str
    rows_read: int = 0
    figures_read: int = 0
    added: int = 0
    valid: int = 0  # figures that passed every check (added, or duplicates)
    duplicates: int = 0
    rejected_rows: int = 0
    blank_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    sites_created: list[str] = field(default_factory=list)
    sources_created: list[str] = field(default_factory=list)
    unknown_sites: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
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
            "rejects_file": self.rejects_file,
            "figure_ids": [self.first_id, self.last_id] if self.first_id else None,
            "errors": [str(e) for e in self.errors[:max_errors]],
            "errors_total": len(self.errors),
        }


def import_file(
    store: Store, path: Path, options: ImportOptions | None = None, progress: Progress = None
) -> ImportReport:
    """Import the figures of one file. Raises InputError for a file that cannot be read at all;
    row problems are in the report (nothing is written when there are any, unless
    `on_error="skip"`)."""
    options = options or ImportOptions()
    say = progress or (lambda _phase, _done=None, _total=None: None)
    report = ImportReport(str(path), dry_run=options.dry_run)
    say("reading", None, None)
    mapping = read_mapping(options.mapping) if options.mapping else None
    table = read_table(path, mapping, options.sheet, options.limits)
    report.rows_read, report.blank_rows = len(table.frame), table.blank_rows
    report.notes.extend(table.warnings)
    plan = plan_columns(table.hashtags, table.headers)
    report.ignored_columns = [f"{tag.label}: {reason}" for tag, reason in plan.ignored]
    untagged = [h for p, h in enumerate(table.headers) if h.strip() and p not in plan.tags]
    if untagged:
        report.ignored_columns.append(f"untagged columns: {', '.join(untagged)}")

    say("checking", None, None)
    source = _given_source(store, options.source)
    checked = read_figures(table, plan, source, options.today)
    report.notes.extend(checked.notes)
    report.blank_rows += checked.blank_rows
    new_sources = _resolve_sources(store, checked, plan)
    new_sites = _resolve_sites(store, checked, plan, options.create_sites, report)
    check_figures(checked, plan)
    frame = checked.frame
    report.figures_read = len(frame)

    say("finding duplicates", None, None)
    bad_rows = {e.row for e in checked.errors}
    good = ~frame["row"].isin(bad_rows).to_numpy()
    fresh = _not_duplicates(store, frame, good, new_sources)
    report.duplicates = int((good & ~fresh).sum())
    report.valid = int(good.sum())
    report.errors = sorted(dict.fromkeys(checked.errors), key=lambda e: e.row)
    report.rejected_rows = len(bad_rows)

    if report.errors and options.on_error != "skip":
        return report
    if report.errors:
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


def _given_source(store: Store, ref: str | None) -> str | None:
    if ref is None:
        return None
    try:
        return find_source(store.sources(), ref).id
    except DispstatsError as exc:
        raise InputError(str(exc), field="source", value=ref) from None


def _first_rows(frame, key: str):
    """The first line for each distinct non-empty value of `key`."""
    present = frame[frame[key].notna()]
    return present.drop_duplicates(key)


def _resolve_sources(store: Store, checked: Checked, plan: ColumnPlan) -> list[Source]:
    frame = checked.frame
    known = {s.id for s in store.sources()}
    column = plan.label("source_id") if "source_id" in plan.fields else "--source"
    missing = frame["source_id"].isna().to_numpy()
    if missing.any():
        checked.fail(frame["row"][missing], column, "no source given (give --source)")
    new: list[Source] = []
    for _, line in _first_rows(frame, "source_id").iterrows():
        source_id = line["source_id"]
        if source_id in known:
            continue
        rows = frame["row"][(frame["source_id"] == source_id).to_numpy()]
        if not line["source_publisher"]:
            checked.fail(
                rows,
                column,
                f"no source '{source_id}' in the store: add it with 'dispstats source add', "
                "or give its publisher in a #org+reporting+name column",
            )
            continue
        fields = {key.removeprefix("source_"): line[key] for key in SOURCE_KEYS}
        fields["id"] = source_id
        try:
            new.append(source_from_fields(fields))
        except InputError as exc:
            checked.fail(rows, _source_column(exc, plan), f"source '{source_id}': {exc.reason}")
    return new


def _source_column(exc: InputError, plan: ColumnPlan) -> str:
    key = "source_" + (exc.field or "").replace(" ", "_")
    return plan.label(key) if key in plan.fields else (exc.field or "")


# --- sites -------------------------------------------------------------------------------------


class _SiteIndex:
    """The store's sites (and those this import creates) by id, p-code and name/alias."""

    def __init__(self, sites: list[Site]):
        self.by_id: dict[str, Site] = {}
        self.by_pcode: dict[str, list[Site]] = {}
        self.by_name: dict[str, list[Site]] = {}
        self.created: set[str] = set()
        for site in sites:
            self.add(site)

    def add(self, site: Site, created: bool = False) -> None:
        if created:
            self.created.add(site.id)
        self.by_id[site.id] = site
        if site.pcode:
            self.by_pcode.setdefault(site.pcode.casefold(), []).append(site)
        for name in {site.name, *site.aliases}:
            self.by_name.setdefault(normalise_name(name), []).append(site)

    def find(self, code, pcode, name, admin: tuple) -> list[Site]:
        """By code (a site id or p-code), then p-code, then name or alias. When the row gives
        a code, a site found by name is taken only if it has no p-code and was in the store
        before: a site of this file with another code is another site, whatever its name."""
        for ref in (code, pcode):
            if not ref:
                continue
            if ref in self.by_id:
                return [self.by_id[ref]]
            if found := self.by_pcode.get(ref.casefold()):
                return found
        given = {r.casefold() for r in (code, pcode) if r}
        matches = [
            s
            for s in self.by_name.get(normalise_name(name or ""), [])
            if not given or (not s.pcode and s.id not in self.created)
        ]
        if len(matches) > 1:  # the same name in several places: the admin p-codes decide
            narrowed = [
                s
                for s in matches
                if all(a is None or a in (s.admin1_pcode, s.admin2_pcode) for a in admin)
            ]
            return narrowed or matches
        return matches


def _resolve_sites(
    store: Store, checked: Checked, plan: ColumnPlan, create: bool, report: ImportReport
) -> list[Site]:
    """Replace site references with site ids; returns the sites to create."""
    frame = checked.frame
    index = _SiteIndex(store.sites())
    new: list[Site] = []
    unknown: list[str] = []
    site_column = next(
        (plan.label(k) for k in ("site_id", "site_pcode", "site_name") if k in plan.fields), ""
    )
    keys = ["site_id", "site_pcode", "site_name", "site_admin1_pcode", "site_admin2_pcode"]
    refs = frame[keys].astype(object).where(frame[keys].notna(), None)
    groups = refs.groupby(keys, dropna=False, sort=False)
    resolved = [None] * len(frame)
    for (code, pcode, name, adm1, adm2), positions in groups.indices.items():
        code, pcode, name, adm1, adm2 = (_none(v) for v in (code, pcode, name, adm1, adm2))
        rows = frame["row"].to_numpy()[positions]
        written = code or pcode or name
        if not written:
            checked.fail(rows, site_column, "no site given")
            continue
        matches = index.find(code, pcode, name, (adm1, adm2))
        if len(matches) > 1:
            listed = ", ".join(f"{s.name} ({s.id})" for s in matches[:5])
            checked.fail(rows, site_column, f"'{written}' names several sites: {listed}")
            continue
        if not matches:
            line = frame.iloc[positions[0]]
            if not create:
                unknown.append(written)
                checked.fail(
                    rows,
                    site_column,
                    f"unknown site '{written}' (check the name, add it with "
                    "'dispstats site add', or import with --create-sites)",
                )
                continue
            site = _new_site(line, code, pcode, name, index, checked, rows, plan)
            if site is None:
                continue
            index.add(site, created=True)
            new.append(site)
            matches = [site]
        for p in positions:
            resolved[p] = matches[0].id
    put(frame, "site_id", resolved)
    for end in ("origin", "destination"):
        _resolve_ends(frame, checked, plan, index, end, create, new, unknown)
    _resolve_parents(new, index, report)
    report.unknown_sites = sorted(set(unknown))
    return new


def _none(value):
    return None if value is None or value != value else value  # NaN from groupby keys


def _resolve_ends(frame, checked, plan, index, end, create, new, unknown) -> None:
    code_key, name_key = f"{end}_site_id", f"{end}_name"
    column = (
        plan.label(code_key)
        if code_key in plan.fields
        else (plan.label(name_key) if name_key in plan.fields else end)
    )
    out = [None] * len(frame)
    codes, names = frame[code_key].to_numpy(), frame[name_key].to_numpy()
    rows = frame["row"].to_numpy()
    cache: dict[tuple, tuple[str | None, str]] = {}  # (code, name) -> (site id, problem)
    for p in range(len(frame)):
        code, name = codes[p], names[p]
        if code is None and name is None:
            continue
        key = (code, name)
        if key not in cache:
            written = code or name
            matches = index.find(code, None, name, (None, None))
            if len(matches) == 1:
                cache[key] = (matches[0].id, "")
            elif len(matches) > 1:
                cache[key] = (None, f"'{written}' names several sites; give the {end} site id")
            elif create and code:  # known by its id and name only: its kind is a guess
                site = Site(id=code, name=name or code, kind="admin_area")
                index.add(site, created=True)
                new.append(site)
                cache[key] = (site.id, "")
            else:
                unknown.append(written)
                cache[key] = (
                    None,
                    f"unknown {end} site '{written}' (add it, or import with --create-sites "
                    f"and a {end} site id)",
                )
        out[p], problem = cache[key]
        if problem:
            checked.fail([rows[p]], column, problem)
    put(frame, code_key, out)


_SLUG = re.compile(r"[^a-z0-9]+")


def _new_site(line, code, pcode, name, index, checked, rows, plan) -> Site | None:
    slug = _SLUG.sub("-", normalise_name(name or "")).strip("-")
    site_id = code or slug or (pcode or "").lower() or "site"
    base, n = site_id, 2
    while site_id in index.by_id:
        site_id, n = f"{base}-{n}", n + 1
    fields = {key.removeprefix("site_"): line[key] for key in SITE_KEYS if key.startswith("site_")}
    fields.update(id=site_id, name=name or code or pcode, pcode=pcode, parent_id=None)
    try:
        site = site_from_fields(fields)
    except InputError as exc:
        key = "site_" + (exc.field or "")
        column = plan.label(key) if key in plan.fields else (exc.field or "")
        checked.fail(rows, column, f"new site '{site_id}': {exc.reason}")
        return None
    parent = _none(line["site_parent_id"])
    return replace(site, parent_id=parent) if parent else site


def _resolve_parents(new: list[Site], index: _SiteIndex, report: ImportReport) -> None:
    for i, site in enumerate(new):
        if site.parent_id and site.parent_id not in index.by_id:
            report.notes.append(
                f"site '{site.id}': its parent '{site.parent_id}' is not known, so it is "
                "created without one"
            )
            new[i] = replace(site, parent_id=None)


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
        path = table.path.with_name(f"{table.path.stem}.rejected-{stamp}.csv")
    reasons: dict[int, list[str]] = {}
    for error in errors:
        reasons.setdefault(error.row, []).append(str(error))
    wanted = set(reasons)
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
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
