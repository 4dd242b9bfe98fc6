"""What a count means: a series is (site, indicator, unit, population group), groups are a
controlled list, figures carry parts (their breakdown), the store keeps settings.

What this revision changes in the figures already stored, each counted in the notes that
`dispstats init` prints:
- a population group written in free words ("Qaryatayn tribe", "displaced people, mostly
  women and children") moves to the new `description`; the group is then "not stated";
- a group that names a controlled group ("refugees", "IDPs") becomes that group;
- the indicator "households" becomes population counted in households (its unit already said
  so), and "returnees" becomes population of the group returnees (returnees of IDPs or of
  refugees where the figure's group said which);
- no group is inferred for a figure whose source did not name one: such figures form series of
  their own, shown as "group not stated", until an analyst corrects them (--group).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The groups and the words read as each, as this revision knew them (a later vocabulary must
# not change what this migration did).
GROUPS = {
    "idps": ("idps", "idp", "internally displaced", "internally displaced people",
             "internally displaced persons"),
    "refugees": ("refugees", "refugee"),
    "asylum_seekers": ("asylum seekers", "asylum-seekers", "asylum seeker", "asylum_seekers"),
    "returnees": ("returnees", "returnee"),
    "idp_returnees": ("idp returnees", "idp_returnees", "returned idps"),
    "refugee_returnees": ("refugee returnees", "refugee_returnees", "returned refugees"),
    "host_community": ("host community", "host_community", "host communities"),
    "others_of_concern": ("others of concern", "others_of_concern", "other people of concern"),
    "all_affected": ("all affected", "all_affected", "all affected people"),
}  # fmt: skip
RETURNEES_OF = {"idps": "idp_returnees", "refugees": "refugee_returnees"}


def upgrade() -> None:
    notes = context.config.attributes.setdefault("notes", [])
    bind = op.get_bind()
    # Derived rows that point at figure_versions, which SQLite copies below: made again after.
    op.drop_table("latest_figures")
    op.drop_index("ix_figure_versions_site_indicator_ref", table_name="figure_versions")
    with op.batch_alter_table("figure_versions") as batch:
        batch.add_column(sa.Column("description", sa.Text))
        batch.add_column(sa.Column("parts", sa.Text))
        # "new_displacements" is 17 characters (SQLite copies the table once for this).
        batch.alter_column("indicator", type_=sa.String(24), existing_nullable=False)
    op.create_index(
        "ix_figure_versions_series_ref",
        "figure_versions",
        ["site_id", "indicator", "unit", "population_group", "ref_start"],
    )
    _groups(bind, notes)
    _indicators(bind, notes)
    unstated = bind.execute(
        sa.text(
            "SELECT count(DISTINCT figure_id) FROM figure_versions WHERE population_group IS NULL"
        )
    ).scalar()
    if unstated:
        notes.append(
            f"{unstated:,} figures name no population group (their sources did not, or it was "
            "not recorded before): none is guessed, they form series of their own shown as "
            "'group not stated'; give one with: dispstats correct ID --group idps --reason ..."
        )
    op.create_table(  # filled by Store.init, which rebuilds it after every upgrade
        "latest_figures",
        sa.Column("site_id", sa.String(64), primary_key=True),
        sa.Column("indicator", sa.String(24), primary_key=True),
        sa.Column("scope", sa.String(8), primary_key=True),
        sa.Column("row_id", sa.Integer, sa.ForeignKey("figure_versions.row_id"), primary_key=True),
        sa.Column("ref_start", sa.Date, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("population_group", sa.String(32)),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def _groups(bind, notes: list[str]) -> None:
    """Free words move to the description; words naming a controlled group become it."""
    words = {w: key for key, spellings in GROUPS.items() for w in spellings}
    moved = named = 0
    values = bind.execute(
        sa.text(
            "SELECT population_group, count(DISTINCT figure_id) FROM figure_versions "
            "WHERE population_group IS NOT NULL GROUP BY population_group"
        )
    ).all()
    for value, figures in values:
        key = words.get(" ".join(value.replace("_", " ").split()).lower())
        if key is None:
            bind.execute(
                sa.text(
                    "UPDATE figure_versions SET description = population_group, "
                    "population_group = NULL WHERE population_group = :value"
                ),
                {"value": value},
            )
            moved += figures
        else:
            bind.execute(
                sa.text("UPDATE figure_versions SET population_group = :key WHERE "
                        "population_group = :value"),
                {"key": key, "value": value},
            )  # fmt: skip
            named += figures
    if moved:
        notes.append(
            f"{moved:,} figures had their population group in free words: the words are now "
            "their description ('Who they are', --description), and their group is not stated"
        )
    if named:
        notes.append(f"{named:,} figures named a population group ('refugees' ...): kept as it")


def _indicators(bind, notes: list[str]) -> None:
    households = bind.execute(
        sa.text(
            "SELECT count(DISTINCT figure_id) FROM figure_versions WHERE indicator = 'households'"
        )
    ).scalar()
    bind.execute(
        sa.text(
            "UPDATE figure_versions SET indicator = 'population', unit = 'households' "
            "WHERE indicator = 'households'"
        )
    )
    returnees = bind.execute(
        sa.text(
            "SELECT count(DISTINCT figure_id) FROM figure_versions WHERE indicator = 'returnees'"
        )
    ).scalar()
    for group, now in RETURNEES_OF.items():
        bind.execute(
            sa.text(
                "UPDATE figure_versions SET indicator = 'population', population_group = :now "
                "WHERE indicator = 'returnees' AND population_group = :group"
            ),
            {"group": group, "now": now},
        )
    bind.execute(
        sa.text(
            "UPDATE figure_versions SET indicator = 'population', population_group = 'returnees' "
            "WHERE indicator = 'returnees'"
        )
    )
    if households:
        notes.append(
            f"{households:,} figures of the indicator 'households' are now population counted "
            "in households (--indicator population --unit households)"
        )
    if returnees:
        notes.append(
            f"{returnees:,} figures of the indicator 'returnees' are now population of the "
            "group returnees (--indicator population --group returnees)"
        )


def downgrade() -> None:
    raise NotImplementedError(
        "schema 0005 keeps population groups, units and parts that 0004 cannot hold: restore "
        "a backup of the store instead"
    )
