"""A site keeps its source's own words for the kind of place (DTM site lists say "Rural",
"Host community", "Collective centre"), beside the kind dispstats reads from them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("location_type", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("location_type")
