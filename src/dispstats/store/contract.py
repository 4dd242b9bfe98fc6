"""What a store answers: the questions every reader (series, reports, the CLI) asks of it.

Two stores answer them (`Store` through SQLAlchemy, any database; `LiteStore` through the
standard library's sqlite3, for commands that must start at once) and one view (`PublicView`,
public data only). tests/test_store_contract.py holds all three to these signatures and the
two stores to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Literal, Protocol, runtime_checkable

from dispstats.model.records import Figure, Site, Source
from dispstats.store.filters import FigureFilter

# Which figures latest-as-of is worked out on: all, or public ones whose every end is public.
Scope = Literal["all", "public"]


@runtime_checkable
class StoreReader(Protocol):
    """The reads. `is_public`: every answer is public data only (a PublicView)."""

    is_public: bool

    def sites(self) -> list[Site]: ...

    def find_site(self, ref: str) -> Site: ...

    def find_sites(self, refs: Sequence[str]) -> list[Site]: ...

    def source(self, source_id: str) -> Source: ...

    def sources(self) -> list[Source]: ...

    def find_source(self, ref: str) -> Source: ...

    def figure(self, figure_id: int) -> Figure: ...

    def figures(self, where: FigureFilter | None = None) -> list[Figure]: ...

    def iter_figures(self, where: FigureFilter | None = None) -> Iterator[Figure]: ...

    def iter_versions(self, revised_only: bool = False) -> Iterator[Figure]: ...

    def latest_as_of(
        self, as_of: date, indicator: str | None = None, site_ids: Sequence[str] = ()
    ) -> list[Figure]: ...

    def has_parts(self) -> bool: ...

    def has_restricted(self) -> bool: ...

    def setting(self, key: str) -> str | None: ...


@runtime_checkable
class FigureWriter(StoreReader, Protocol):
    """A reader that also records figures (what `dispstats add` needs of a store)."""

    def add_figure(self, figure: Figure, *, new_source: Source | None = None) -> Figure: ...


@runtime_checkable
class Stored(StoreReader, Protocol):
    """A store itself (what a PublicView reads through): latest-as-of in either scope."""

    def latest_as_of(
        self,
        as_of: date,
        indicator: str | None = None,
        site_ids: Sequence[str] = (),
        *,
        scope: Scope = "all",
    ) -> list[Figure]: ...
