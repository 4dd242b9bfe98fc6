"""The tables (SQLAlchemy Core). Changing one needs an Alembic migration in migrations/versions.

Figures are append-only: `figures` holds one row per figure (its identity), `figure_versions`
one row per version; the current version is the one with the highest version number.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from dispstats.store.revision import SCHEMA_REVISION

__all__ = ["SCHEMA_REVISION", "figure_versions", "figures", "latest_figures", "metadata",
           "settings", "site_aliases", "sites", "sources"]  # fmt: skip

metadata = MetaData()

sites = Table(
    "sites",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("pcode", String(64)),
    Column("country_iso3", String(3)),
    Column("admin1_name", Text),
    Column("admin1_pcode", String(64)),
    Column("admin2_name", Text),
    Column("admin2_pcode", String(64)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("parent_id", String(64), ForeignKey("sites.id")),
    Column("sensitivity", String(16), nullable=False),
    Column("entered_by", Text, nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    # 0003: the source's own words for the kind of place (DTM's #loc+type).
    Column("location_type", Text),
)

site_aliases = Table(
    "site_aliases",
    metadata,
    Column("site_id", String(64), ForeignKey("sites.id"), primary_key=True),
    Column("alias", Text, primary_key=True),
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("publisher", Text, nullable=False),
    Column("publisher_type", String(32), nullable=False),
    Column("title", Text),
    Column("url", Text),
    Column("published", Date),
    Column("accessed", Date),
    Column("reliability", String(1), nullable=False),
    Column("entered_by", Text, nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
)

figures = Table(
    "figures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entered_by", Text, nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
)

figure_versions = Table(
    "figure_versions",
    metadata,
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("figure_id", Integer, ForeignKey("figures.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("revision", String(16), nullable=False),
    Column("reason", Text),
    Column("site_id", String(64), ForeignKey("sites.id"), nullable=False),
    Column("indicator", String(24), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("low", BigInteger),
    Column("high", BigInteger),
    Column("quantifier", String(16), nullable=False),
    Column("value_text", Text),
    Column("ref_start", Date, nullable=False),
    Column("ref_end", Date, nullable=False),
    Column("ref_precision", String(8), nullable=False),
    Column("origin_site_id", String(64), ForeignKey("sites.id")),
    Column("destination_site_id", String(64), ForeignKey("sites.id")),
    Column("movement_status", String(16)),
    # 0005: a controlled group (vocab.POPULATION_GROUPS), NULL when the source did not say;
    # the free words that were here before are in `description`.
    Column("population_group", Text),
    Column("source_id", String(64), ForeignKey("sources.id"), nullable=False),
    Column("excerpt", Text),
    # 0002: a restricted excerpt stays out of public outputs even when its figure is public.
    Column("excerpt_sensitivity", String(16), nullable=False, server_default="public"),
    Column("confidence", String(8), nullable=False),
    Column("confidence_note", Text),
    Column("role", String(16), nullable=False),
    Column("sensitivity", String(16), nullable=False),
    Column("entered_by", Text, nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    # 0005: who the people are in free words; the figure's parts (model/breakdown.parts_text).
    Column("description", Text),
    Column("parts", Text),
    # Two analysts revising the same figure at once: the second insert of a version fails here.
    UniqueConstraint("figure_id", "version", name="uq_figure_versions_figure_version"),
    # "Latest figure of a series as of a date" is an index seek (0005: a series is site,
    # indicator, unit and population group).
    Index(
        "ix_figure_versions_series_ref",
        "site_id",
        "indicator",
        "unit",
        "population_group",
        "ref_start",
    ),
    Index("ix_figure_versions_source", "source_id"),
)

# 0004: for each series, the current figures of the newest reference date (scope "all"), and
# the same over public figures ("public"). Derived from figure_versions and kept in step with
# it by store/latest.py in every write's transaction; `init` rebuilds it. 0005: a series is
# (site, indicator, unit, population group), keyed by site and indicator first: a write deletes
# and inserts the rows of the series it touched.
latest_figures = Table(
    "latest_figures",
    metadata,
    Column("site_id", String(64), primary_key=True),
    Column("indicator", String(24), primary_key=True),
    Column("scope", String(8), primary_key=True),
    Column("row_id", Integer, ForeignKey("figure_versions.row_id"), primary_key=True),
    Column("ref_start", Date, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("population_group", String(32)),
)

# 0005: the store's settings (key, value as text), such as the small-cell threshold of public
# outputs.
settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
