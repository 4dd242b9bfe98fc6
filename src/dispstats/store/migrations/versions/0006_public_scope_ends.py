"""The public scope of latest_figures leaves out a figure with a restricted end (its site,
origin or destination) before the newest of a series is chosen: a newer departure to a
restricted site no longer hides an older public one. No column changes; the table's rows are
made again by Store.init, which rebuilds it after every upgrade.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM latest_figures")


def downgrade() -> None:
    op.execute("DELETE FROM latest_figures")
