"""The newest figures of every site and indicator in a table of their own (latest_figures), so
that "every site's best estimate today" is one read instead of a seek per site and indicator.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "latest_figures",
        sa.Column("scope", sa.String(8), primary_key=True),
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("indicator", sa.String(16), primary_key=True),
        sa.Column("row_id", sa.Integer, sa.ForeignKey("figure_versions.row_id"), primary_key=True),
        sa.Column("ref_start", sa.Date, nullable=False),
    )
    # Filled by Store.init, which rebuilds the table after every upgrade with the code of the
    # schema it upgraded to (a later revision may change the table's columns).


def downgrade() -> None:
    op.drop_table("latest_figures")
