"""The `dispstats` command group: the --db option, opening the store, and turning the
library's errors into one red line with exit code 1."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

import click
from click.exceptions import NoArgsIsHelpError

from dispstats import __version__
from dispstats.errors import DispstatsError
from dispstats.output import disk_full, no_space
from dispstats.store.location import ENV_VAR

if TYPE_CHECKING:  # the commands' modules import them when they run
    from dispstats.store import Store
    from dispstats.store.contract import StoreReader
    from dispstats.store.lite import LiteStore


class UserError(click.ClickException):
    """One red line on stderr, exit code 1, no traceback."""

    def show(self, file=None) -> None:
        click.secho(f"Error: {self.format_message()}", err=True, fg="red", file=file)


# Where each command lives, and its one-line help: `dispstats --help` lists commands without
# importing them (and SQLAlchemy, pandas, weasyprint behind them); a command's module is
# imported when it runs. A test keeps these lines equal to the commands' own.
LAZY_COMMANDS = {
    "add": ("entry", "Record one figure exactly as its source reported it."),
    "brief": ("reports", "Render the weekly PDF brief: key figures with footnotes..."),
    "brief-template": ("reports", "Copy the brief's template (brief.html, brief.css) into..."),
    "check": ("overviews", "Findings to look at: stale estimates, sources that..."),
    "correct": ("entry", "Correct a figure: a new version with the changed fields..."),
    "estimate": ("estimates", "The best estimate for a site as of a date, why it won, and..."),
    "export": ("reports", "Export figures for partners: Excel workbook, HXL-tagged..."),
    "form": ("reports", "XLSForm for field data collection in KoboToolbox or ODK..."),
    "history": ("views", "Show every version of a figure: the original, corrections..."),
    "import": ("interchange", "Import figures from an HXL-tagged CSV or XLSX file..."),
    "init": ("entry", "Create the store, or upgrade an existing one to this..."),
    "list": ("views", "List figures (their current versions) by site, indicator..."),
    "map": ("reports", "Draw the brief's map alone: key sites as circles sized by..."),
    "recommend": ("estimates", "Mark a figure as recommended: among figures of its date it..."),
    "retract": ("entry", "Withdraw a figure."),
    "series": ("overviews", "Weekly best estimates for sites: the value at each week's..."),
    "settings": ("entry", "Show the store's settings, or set one for everyone who..."),
    "show": ("views", "Show a figure's current version with its source and excerpt."),
    "site": ("views", "Add, list and show sites (camps, settlements, zones..."),
    "source": ("views", "Add, list and show sources (who reported figures, where..."),
    "totals": ("overviews", "Totals up the site hierarchy: each parent's children's..."),
}


def short_help(text: str, limit: int) -> str:
    """`text` cut at a word to at most `limit` characters, "..." marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "..."


class DispstatsGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(LAZY_COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str):
        if name in LAZY_COMMANDS:
            module = f"dispstats.cli.{LAZY_COMMANDS[name][0]}"
            # The module registers its commands on this group as it is imported. Imported
            # even when the command is there already: `site` and `source` are made in entry
            # (with `add`), and views adds their `list` and `show`.
            if module not in sys.modules:
                import importlib

                importlib.import_module(module)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from LAZY_COMMANDS: no command module is imported for --help."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)  # as click does
        rows = [(n, short_help(LAZY_COMMANDS[n][1], limit)) for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
        except (KeyboardInterrupt, Terminated) as exc:
            # Every write is one transaction: an interrupted one was rolled back; the folders
            # and files of the unfinished command were removed on the way out.
            click.secho("Interrupted: nothing of the unfinished command was written.", err=True)
            ctx.exit(143 if isinstance(exc, Terminated) else 130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader left (`dispstats check | head`): nothing to say, and nobody to say it
            # to. Python's own flush at exit would fail again, so stdout is pointed at nothing.
            with contextlib.suppress(OSError, ValueError):  # not a file: a test's capture
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except Exception as exc:  # a bug of ours: one line for the user, the trace on request
            if disk_full(exc):  # the standard output on a full disk (files name themselves)
                raise UserError(str(no_space("the standard output"))) from None
            if os.environ.get("DISPSTATS_DEBUG"):
                raise
            raise UserError(
                f"unexpected {type(exc).__name__}: {exc}. This is a fault in dispstats, not in "
                "your input; please report it with the command you ran (DISPSTATS_DEBUG=1 "
                "shows the details)"
            ) from None


class Terminated(BaseException):
    """SIGTERM (a `kill`, a service stopping, a CI timeout) raised where the command is, as
    Ctrl-C is: temporary folders (a brief's, with its data) are removed on the way out."""


def stop_on_sigterm() -> None:
    """From now on SIGTERM ends the command as Ctrl-C does (see Terminated)."""
    import signal

    def stop(_signum, _frame):
        raise Terminated

    signal.signal(signal.SIGTERM, stop)


class State:
    """What every command shares: where the store is, opened on first use."""

    def __init__(self, db: str | None):
        self.db = db
        self._store: Store | None = None
        self._lite: LiteStore | None = None

    def store(self) -> Store:
        """The store (dispstats.store.Store), opened on first use."""
        if self._store is None:
            from dispstats.store import Store

            self._store = Store.open(self.db)
        return self._store

    def entry_store(self) -> Store | LiteStore:
        """For add, list, show, brief and map: a SQLite file through the standard library's
        sqlite3 (store.lite, no SQLAlchemy to import), any other store as `store()` opens
        it."""
        if self._lite is None and self._store is None:
            from dispstats.store.lite import LiteStore

            self._lite = LiteStore.open(self.db)
        return self._lite or self.store()

    def reader(self, public: bool, *, entry: bool = False) -> StoreReader:
        """What a command reads: the store (`entry_store` with `entry`), or with --public its
        PublicView, chosen here once: nothing below the CLI carries the choice."""
        from dispstats.store.public import PublicView

        store = self.entry_store() if entry else self.store()
        return PublicView(store) if public else store

    def close(self) -> None:
        for opened in (self._lite, self._store):
            if opened is not None:
                opened.close()


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
    state = ctx.find_object(State)
    if state is None:  # the `dispstats` group sets it up (and closes the store)
        raise click.UsageError("run the command as 'dispstats COMMAND'")
    return state
