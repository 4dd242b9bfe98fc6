"""An excerpt may be restricted while its figure is public (the words of a confidential
report behind a number that may be published).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing versions keep what they had: their excerpt was as public as their figure.
    with op.batch_alter_table("figure_versions") as batch:
        batch.add_column(
            sa.Column("excerpt_sensitivity", sa.String(16), nullable=False, server_default="public")
        )


def downgrade() -> None:
    with op.batch_alter_table("figure_versions") as batch:
        batch.drop_column("excerpt_sensitivity")
