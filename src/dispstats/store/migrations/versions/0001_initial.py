"""Initial schema: sites, aliases, sources, figures and their versions.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Written out in full rather than from schema.py: a migration is a frozen record of one step.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("pcode", sa.String(64)),
        sa.Column("country_iso3", sa.String(3)),
        sa.Column("admin1_name", sa.Text),
        sa.Column("admin1_pcode", sa.String(64)),
        sa.Column("admin2_name", sa.Text),
        sa.Column("admin2_pcode", sa.String(64)),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("parent_id", sa.String(64), sa.ForeignKey("sites.id")),
        sa.Column("sensitivity", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.Text, nullable=False),
        sa.Column("entered_at", TS, nullable=False),
    )
    op.create_table(
        "site_aliases",
        sa.Column("site_id", sa.String(64), sa.ForeignKey("sites.id"), primary_key=True),
        sa.Column("alias", sa.Text, primary_key=True),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("publisher", sa.Text, nullable=False),
        sa.Column("publisher_type", sa.String(32), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("accessed", sa.Date),
        sa.Column("reliability", sa.String(1), nullable=False),
        sa.Column("entered_by", sa.Text, nullable=False),
        sa.Column("entered_at", TS, nullable=False),
    )
    op.create_table(
        "figures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entered_by", sa.Text, nullable=False),
        sa.Column("entered_at", TS, nullable=False),
    )
    op.create_table(
        "figure_versions",
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("figure_id", sa.Integer, sa.ForeignKey("figures.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("revision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("site_id", sa.String(64), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("indicator", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("low", sa.BigInteger),
        sa.Column("high", sa.BigInteger),
        sa.Column("quantifier", sa.String(16), nullable=False),
        sa.Column("value_text", sa.Text),
        sa.Column("ref_start", sa.Date, nullable=False),
        sa.Column("ref_end", sa.Date, nullable=False),
        sa.Column("ref_precision", sa.String(8), nullable=False),
        sa.Column("origin_site_id", sa.String(64), sa.ForeignKey("sites.id")),
        sa.Column("destination_site_id", sa.String(64), sa.ForeignKey("sites.id")),
        sa.Column("movement_status", sa.String(16)),
        sa.Column("population_group", sa.Text),
        sa.Column("source_id", sa.String(64), sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("excerpt", sa.Text),
        sa.Column("confidence", sa.String(8), nullable=False),
        sa.Column("confidence_note", sa.Text),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("sensitivity", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.Text, nullable=False),
        sa.Column("entered_at", TS, nullable=False),
        sa.UniqueConstraint("figure_id", "version", name="uq_figure_versions_figure_version"),
    )
    op.create_index(
        "ix_figure_versions_site_indicator_ref",
        "figure_versions",
        ["site_id", "indicator", "ref_start"],
    )
    op.create_index("ix_figure_versions_source", "figure_versions", ["source_id"])


def downgrade() -> None:
    for table in ("figure_versions", "figures", "sources", "site_aliases", "sites"):
        op.drop_table(table)
