"""What a brief shows, as typed rows, and the context its sections are gathered in.

Every number carries the footnote number of its source; sources are numbered in the order the
brief first cites them (`Context.cite`). The figures a brief uses (`Context.use`) are attached
to the PDF as CSV. The context reads from a store reader: given a PublicView, everything is
computed from public data only, so nothing restricted can reach a number, a range or a chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from dispstats.model.records import Figure, Site, Source
from dispstats.reports import wording
from dispstats.reports.i18n import Lang, get_lang
from dispstats.series.checks import DEFAULT_TOLERANCE, Finding
from dispstats.series.rule import (
    DEFAULT_STALE_WEEKS,
    DEFAULT_WINDOW_WEEKS,
    Estimate,
    SeriesKey,
    by_series,
)
from dispstats.store import FigureFilter

if TYPE_CHECKING:
    from dispstats.store.contract import StoreReader


class Notes:
    """Footnote numbers for sources, in order of first citation."""

    def __init__(self, sources: dict[str, Source]):
        self.sources = sources
        self.order: list[str] = []

    def cite(self, figure: Figure) -> int:
        if figure.source_id not in self.order:
            self.order.append(figure.source_id)
        return self.order.index(figure.source_id) + 1

    def listed(self) -> list[tuple[int, Source]]:
        return [(n, self.sources[s]) for n, s in enumerate(self.order, 1)]


@dataclass(frozen=True)
class Cited:
    """A figure as a brief shows it: words, date, publisher and footnote."""

    words: str
    when: str
    publisher: str
    note: int
    figure: Figure
    # The source's own words for the number when they say more than `words` ("approximately").
    reported: str | None = None


@dataclass(frozen=True)
class KeyFigure:
    site: Site
    indicator: str
    estimate: Estimate
    best: Cited
    others: list[Cited]
    earlier: list[Cited]
    # Said on the card when an analyst's recommendation, not the rule, chose the figure.
    recommended: str | None = None
    # Who and what the number counts ("IDPs", "refugees, households", "people").
    counts: str = ""
    # The shares of its parts a reader expects ("52% women and girls, 55% children").
    shares: list[str] = field(default_factory=list)

    @property
    def key(self) -> SeriesKey:
        return self.estimate.key


class Sentence(NamedTuple):
    """A highlight or a finding: its words and the footnotes of the figures it speaks of."""

    text: str
    notes: list[int]


@dataclass(frozen=True)
class AreaTotal:
    """An area holding a key site: its sites' total, coverage, and its own figure beside."""

    area: str
    words: str
    notes: list[int]
    recent: int
    children: int
    stale: list[str]
    unreported: list[str]
    own: Cited | None
    high: int


@dataclass(frozen=True)
class Movement:
    """A row of the movements table."""

    origin: str
    destination: str
    cited: Cited
    status: str
    indicator: str
    group: str
    excerpt: str


@dataclass(frozen=True)
class Disagreement:
    """A key site whose sources disagree beyond the tolerance."""

    site: str
    low: int
    high: int
    spread: float
    cited: list[Cited]


@dataclass
class BriefData:
    title: str
    organisation: str
    week: str
    week_start: date
    week_end: date
    as_of: date
    generated_at: datetime
    # "public": a public version (restricted data left out); "restricted": it holds some; "".
    sensitivity: str
    lang: Lang = field(default_factory=get_lang)
    key_figures: list[KeyFigure] = field(default_factory=list)
    highlights: list[Sentence] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    stale: list[tuple[Finding, Cited]] = field(default_factory=list)
    findings: list[Sentence] = field(default_factory=list)
    more_findings: int = 0
    more_movements: int = 0
    more_highlights: int = 0
    sources: list[tuple[int, Source]] = field(default_factory=list)
    method: str = ""
    figures_used: list[Figure] = field(default_factory=list)
    # Sites as the brief names them (in its language where the store has the name) and as
    # stored (the attached CSV's values, for re-use).
    site_names: dict[str, str] = field(default_factory=dict)
    stored_names: dict[str, str] = field(default_factory=dict)
    publishers: dict[str, str] = field(default_factory=dict)
    # As read once from the store: the sites the brief may show (public ones in a public
    # brief) and every source, for its charts and map.
    site_records: dict[str, Site] = field(default_factory=dict)
    source_records: dict[str, Source] = field(default_factory=dict)
    # Figures this far apart (or nearer) do not disagree; said beside an empty table.
    tolerance: float = DEFAULT_TOLERANCE
    stale_weeks: int = DEFAULT_STALE_WEEKS
    # When nothing was reported for the week: the newest figures on record, to say so plainly.
    quiet: bool = False
    newest: list[Cited] = field(default_factory=list)
    totals: list[AreaTotal] = field(default_factory=list)
    history: dict[SeriesKey, list[Figure]] = field(default_factory=dict)
    # Whether the key figures count more than one group or unit (then every number says whose).
    several_series: bool = False

    # What templates copied before `sensitivity` (dispstats brief-template) still read.
    @property
    def public(self) -> bool:
        return self.sensitivity == "public"

    @property
    def has_restricted(self) -> bool:
        return self.sensitivity == "restricted"


@dataclass
class Context:
    """What every section reads (the store's sites, sources and the figures of the brief's
    sites up to its day) and the bookkeeping they share: footnotes and figures used."""

    store: StoreReader
    as_of: date
    lang: Lang
    sites: dict[str, Site]
    sources: dict[str, Source]
    figures: list[Figure]
    window_weeks: int = DEFAULT_WINDOW_WEEKS
    stale_weeks: int = DEFAULT_STALE_WEEKS
    notes: Notes = field(init=False)
    used: dict[tuple[int | None, int], Figure] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.notes = Notes(self.sources)
        self.series = by_series(self.figures)
        self.names = {s.id: s.name_in(self.lang.code) for s in self.sites.values()}

    @classmethod
    def read(
        cls,
        store: StoreReader,
        as_of: date,
        sites: Sequence[Site],
        scope: list[str],
        lang: Lang,
        *,
        window_weeks: int = DEFAULT_WINDOW_WEEKS,
        stale_weeks: int = DEFAULT_STALE_WEEKS,
    ) -> Context:
        """The context of a brief about the sites `scope` (ids) as of `as_of`; `sites` are
        the store's, as read once."""
        return cls(
            store,
            as_of,
            lang,
            {s.id: s for s in sites},
            {s.id: s for s in store.sources()},
            store.figures(FigureFilter(site_ids=scope, date_to=as_of)),
            window_weeks,
            stale_weeks,
        )

    @property
    def week_start(self) -> date:
        return self.as_of - timedelta(days=self.as_of.weekday())

    @property
    def since(self) -> date:
        """The start of the comparison window."""
        return self.as_of - timedelta(weeks=self.window_weeks)

    def cite(self, f: Figure) -> Cited:
        source = self.sources.get(f.source_id)
        return Cited(
            wording.quantity_words(self.lang, f.quantity),
            wording.short_date(self.lang, f.ref),
            source.publisher if source else f.source_id,
            self.notes.cite(f),
            f,
            wording.reported_words(f),
        )

    def use(self, *figures: Figure) -> None:
        for f in figures:
            self.used[(f.id, f.version)] = f

    def figures_used(self) -> list[Figure]:
        return sorted(self.used.values(), key=lambda f: (f.site_id, f.ref.start, f.id or 0))
