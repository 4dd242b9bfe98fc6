"""A team's shared PostgreSQL store: reader and editor roles from `dispstats init --roles`."""

import os

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dispstats.cli import cli
from dispstats.errors import InputError, StoreError
from dispstats.series import estimate
from dispstats.store import Store
from dispstats.store.data_entry import add_figure
from dispstats.store.demo import load_demo
from dispstats.store.roles import EDITOR, READER, create_roles

from .conftest import PG_URL, TODAY, pg_url_or_skip

FIGURE = {
    "site": "Rukban",
    "indicator": "population",
    "value": "44,000",
    "date": "2018-09-20",
    "source": "un-2018-01",
}


@pytest.fixture
def team(request):
    """A PostgreSQL store with roles, and two people: a reader and an editor (login roles)."""
    url = pg_url_or_skip()
    with Store.init(url)[0] as store:
        load_demo(store)
        create_roles(store)
    people = {"reader": f"t_reader_{os.getpid()}", "editor": f"t_editor_{os.getpid()}"}
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        for kind, name in people.items():
            connection.execute(text(f"DROP ROLE IF EXISTS {name}"))
            connection.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD 'pw'"))
            connection.execute(text(f"GRANT {READER if kind == 'reader' else EDITOR} TO {name}"))
    urls = {
        kind: make_url(url).set(username=name, password="pw").render_as_string(False)
        for kind, name in people.items()
    }
    yield urls, people
    with admin.begin() as connection:
        for name in people.values():
            connection.execute(text(f"DROP ROLE IF EXISTS {name}"))
    admin.dispose()


@pytest.mark.postgres
def test_a_reader_can_read_but_any_write_fails_clearly(team):
    urls, _ = team
    with Store.open(urls["reader"]) as store:
        assert len(store.figures()) == 7
        assert estimate(store, "Rukban").figure.quantity.low == 45000
        with pytest.raises(StoreError, match="no permission to write"):
            add_figure(store, FIGURE, today=TODAY)
    result = CliRunner().invoke(cli, ["--db", urls["reader"], "retract", "4", "--reason", "x"])
    assert result.exit_code == 1 and "no permission to write" in result.output
    assert "Traceback" not in result.output


@pytest.mark.postgres
def test_an_editor_adds_and_revises_under_their_own_name_but_cannot_rewrite(team):
    urls, people = team
    with Store.open(urls["editor"]) as store:
        added = add_figure(store, FIGURE, today=TODAY)
        assert added.entered_by == people["editor"]
        corrected = store.retract(added.id, "entered twice")
        assert corrected.entered_by == people["editor"]
        with store.engine.begin() as connection, pytest.raises(Exception, match="permission"):
            connection.execute(text("UPDATE figure_versions SET low = 1"))
        with store.engine.begin() as connection, pytest.raises(Exception, match="permission"):
            connection.execute(text("DELETE FROM figure_versions"))


def test_roles_on_sqlite_are_refused_with_what_to_do_instead(tmp_path):
    with (
        Store.init(str(tmp_path / "solo.db"))[0] as store,
        pytest.raises(InputError, match="chmod"),
    ):
        create_roles(store)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "solo.db"), "init", "--roles"])
    assert result.exit_code == 1 and "PostgreSQL feature" in result.output
