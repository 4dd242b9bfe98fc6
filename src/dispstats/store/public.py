"""A store as a public output may read it: DESIGN's "restricted items are removed first" as
one place instead of a flag carried through every function.

`PublicView(store)` answers the reader's questions (store/contract.py) from public data only:
- sites: the public ones, a restricted parent left out (a public site inside a restricted one
  is shown inside nothing; site ids are made from names);
- figures: public ones whose every end (site, origin, destination) is a public site, a
  restricted excerpt withheld, who entered them blank (that is internal);
- latest-as-of: worked out on public figures (a restricted newer figure neither wins nor hides
  an older public one), then held to the same rule.
A restricted site or figure asked for by name or id is answered as an unknown one. Series and
reports given a view compute from what it answers; they never see what it leaves out. Writes
are not part of a view.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from dispstats.errors import NotFound
from dispstats.model.records import Figure, Site, Source, public_figures, public_sites
from dispstats.store import lookup
from dispstats.store.contract import Stored
from dispstats.store.filters import FigureFilter


class PublicView:
    """The public data of `store` (a Store or LiteStore), read through it."""

    is_public = True

    def __init__(self, store: Stored):
        self.store = store
        self._sites: list[Site] | None = None

    def sites(self) -> list[Site]:
        if self._sites is None:  # read once: a view lives for one output
            self._sites = public_sites(self.store.sites())
        return self._sites

    def _shown(self, figures: Iterable[Figure]) -> Iterator[Figure]:
        return public_figures({s.id for s in self.sites()}, figures)

    def site(self, site_id: str) -> Site:
        for site in self.sites():
            if site.id == site_id:
                return site
        raise NotFound(f"no site with id '{site_id}'")

    def find_site(self, ref: str) -> Site:
        return lookup.find_site(self.sites(), ref)

    def find_sites(self, refs: Sequence[str]) -> list[Site]:
        """Among public sites only: a restricted name is answered as an unknown one, with no
        suggestion drawn from it."""
        return [lookup.find_site(self.sites(), ref) for ref in refs]

    def source(self, source_id: str) -> Source:
        return self.store.source(source_id)

    def sources(self) -> list[Source]:
        return self.store.sources()

    def find_source(self, ref: str) -> Source:
        return self.store.find_source(ref)

    def figure(self, figure_id: int) -> Figure:
        shown = list(self._shown([self.store.figure(figure_id)]))
        if not shown:
            raise NotFound(f"no figure {figure_id}")
        return shown[0]

    def figures(self, where: FigureFilter | None = None) -> list[Figure]:
        return list(self._shown(self.store.figures(where)))

    def iter_figures(self, where: FigureFilter | None = None) -> Iterator[Figure]:
        """As `figures`, streamed (large exports)."""
        return self._shown(self.store.iter_figures(where))

    def iter_versions(self, revised_only: bool = False) -> Iterator[Figure]:
        """Every public version: an earlier version may have been restricted, or its
        excerpt."""
        return self._shown(self.store.iter_versions(revised_only))

    def latest_as_of(
        self, as_of: date, indicator: str | None = None, site_ids: Sequence[str] = ()
    ) -> list[Figure]:
        newest = self.store.latest_as_of(as_of, indicator, site_ids, scope="public")
        return list(self._shown(newest))

    def has_parts(self) -> bool:
        return self.store.has_parts()

    def has_restricted(self) -> bool:
        """Whether the store holds restricted data, all of it left out here."""
        return self.store.has_restricted()

    def setting(self, key: str) -> str | None:
        return self.store.setting(key)
