"""The `dispstats` command group: the --db option, opening the store, and turning the
library's errors into one red line with exit code 1."""

from __future__ import annotations

import os
import sys

import click
from click.exceptions import NoArgsIsHelpError

from dispstats import __version__
from dispstats.errors import DispstatsError
from dispstats.store import Store
from dispstats.store.engine import ENV_VAR


class UserError(click.ClickException):
    """One red line on stderr, exit code 1, no traceback."""

    def show(self, file=None) -> None:
        click.secho(f"Error: {self.format_message()}", err=True, fg="red", file=file)


class DispstatsGroup(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """As click's, but a usage error (unknown flag or command, missing option) is one line
        with its "did you mean" and exit code 1, like every other error."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except NoArgsIsHelpError as exc:  # a group named alone: its help is the answer
            click.echo(exc.format_message())
            sys.exit(0)
        except click.UsageError as exc:
            where = f" See '{exc.ctx.command_path} --help'." if exc.ctx else ""
            click.secho(f"Error: {exc.format_message()}{where}", err=True, fg="red")
            sys.exit(1)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.secho("Aborted: nothing was written.", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DispstatsError as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            # Every write is one transaction: an interrupted one was rolled back.
            click.secho("Interrupted: nothing of the unfinished command was written.", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug of ours: one line for the user, the trace on request
            if os.environ.get("DISPSTATS_DEBUG"):
                raise
            raise UserError(
                f"unexpected {type(exc).__name__}: {exc}. This is a fault in dispstats, not in "
                "your input; please report it with the command you ran (DISPSTATS_DEBUG=1 "
                "shows the details)"
            ) from None


class State:
    """What every command shares: where the store is, opened on first use."""

    def __init__(self, db: str | None):
        self.db = db
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.db)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


@click.group(
    cls=DispstatsGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    metavar="PATH|URL",
    envvar=ENV_VAR,
    show_envvar=True,
    help="The store: a SQLite file path or a SQLAlchemy URL "
    "(postgresql+psycopg://user@host/dbname). Default: ./dispstats.db",
)
@click.version_option(__version__, prog_name="dispstats")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """dispstats: keep every displacement figure as its source reported it, work out best
    estimates by a rule you can show, and publish briefs and exports that trace each number.

    \b
    Start here:
      dispstats init --demo        create ./dispstats.db with the demo data
      dispstats list               the figures, newest last
      dispstats add --help         record a figure
    """
    state = State(db)
    ctx.obj = state
    ctx.call_on_close(state.close)


def state_of(ctx: click.Context) -> State:
    return ctx.find_object(State)
