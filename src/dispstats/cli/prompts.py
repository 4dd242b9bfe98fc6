"""`dispstats add` in a terminal: it asks for every field the figure needs and the flags did
not give, in order (site, indicator, group, value, date, the ends and status of a movement,
the source's words, the source), with "did you mean …?" for names; and when the figure is
refused at the end, it asks for the refused field again instead of losing what was typed.

Advice here speaks of answers, never of flags: the analyst is answering questions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from dispstats.cli.render import similar_publisher_lines
from dispstats.errors import Conflict, DispstatsError, InputError, NotFound
from dispstats.model import vocab
from dispstats.model.dates import parse_dateref
from dispstats.model.fields import parse_group, parse_indicator
from dispstats.model.parse import parse_choice, parse_quantity

if TYPE_CHECKING:
    from dispstats.store.contract import FigureWriter

# A refusal of the whole figure names a field: the question that asks for it again.
Asker = Callable[["FigureWriter", dict], None]


def ask(question: str, parse, default: str | None = None) -> str:
    """Prompt until `parse` accepts the answer; shows the library's message on refusal."""
    while True:
        answer = click.prompt(question, default=default, show_default=bool(default))
        try:
            parse(answer)
            return answer
        except NotFound as exc:
            click.secho(str(exc).split("; ")[0], fg="yellow", err=True)
            default = exc.suggestions[0] if exc.suggestions else None
        except DispstatsError as exc:
            click.secho(_as_answers(str(exc)), fg="yellow", err=True)


def _as_answers(message: str) -> str:
    """A library message as advice for a prompt: the flags it names are answers here."""
    for flag, answer in (("--value ", ""), ("--unquantified", "answer 'unquantified'"),
                         ("--excerpt", "the excerpt"),
                         ("use --description", "answer the next question")):  # fmt: skip
        message = message.replace(flag, answer)
    return message


def prompt_missing(store: FigureWriter, fields: dict) -> None:
    """Ask for what a figure needs and the flags did not give (only in a terminal)."""
    for name, asker in ASKERS.items():
        if name == "source":
            if not fields["source"] and not fields["publisher"]:
                asker(store, fields)
        elif _needed(name, fields) and not fields.get(name):
            asker(store, fields)


def ask_again(store: FigureWriter, fields: dict, refused: InputError) -> bool:
    """After a refusal naming a field: say why, clear it and ask it again. False when the
    refusal names no field a question asks for."""
    name = {
        "publisher": "source",
        "reference": "date",
        "unquantified": "value",
        "population group": "group",
    }.get(refused.field or "", refused.field or "")
    if name not in ASKERS:
        return False
    click.secho(_as_answers(str(refused)), fg="yellow", err=True)
    if name == "source":
        fields["source"] = fields["publisher"] = None
    else:
        fields[name] = None
    if name == "value":
        fields["unquantified"] = None
    ASKERS[name](store, fields)
    return True


def _needed(name: str, fields: dict) -> bool:
    indicator = parse_indicator(fields.get("indicator") or "population")
    movement = indicator in vocab.MOVEMENT_INDICATORS
    if name == "destination":
        return movement and indicator not in vocab.INBOUND_INDICATORS
    if name == "origin":
        return movement and indicator in vocab.INBOUND_INDICATORS
    if name == "status":
        return movement
    if name == "value":
        return not fields.get("unquantified")
    return True


def _site(store: FigureWriter, fields: dict) -> None:
    fields["site"] = ask("Site (name, alias or id)", store.find_site)


def _indicator(store: FigureWriter, fields: dict) -> None:
    fields["indicator"] = ask(f"Indicator ({', '.join(vocab.INDICATORS)})", parse_indicator)


def _group(store: FigureWriter, fields: dict) -> None:
    answer = ask("Population group (idps, refugees, returnees ...; Enter if not said)",
                 lambda text: text and parse_group(text), default="")  # fmt: skip
    fields["group"] = answer or None


def _description(store: FigureWriter, fields: dict) -> None:
    answer = click.prompt(
        "Who they are, in the source's words (e.g. 'Qaryatayn tribe'; Enter to skip)",
        default="",
        show_default=False,
    ).strip()
    fields["description"] = answer or None


def _value(store: FigureWriter, fields: dict) -> None:
    answer = ask(
        "Value as the source words it (e.g. 'about 45,000', '200-900'; 'unquantified' to keep "
        "only the source's words)",
        parse_quantity,
    )
    quantity, _ = parse_quantity(answer, "value")
    if quantity.quantifier == "unquantified":
        fields["value"], fields["unquantified"] = None, True
    else:
        fields["value"] = answer


def _date(store: FigureWriter, fields: dict) -> None:
    fields["date"] = ask("Reference date (2018-09-16, 2018-09, 2018-W38)", parse_dateref)


def _end(name: str) -> Asker:
    def asker(store: FigureWriter, fields: dict) -> None:
        answer = ask(f"{name.capitalize()} (site name; Enter if the source does not say)",
                     lambda text: text and store.find_site(text), default="")  # fmt: skip
        fields[name] = answer or None

    return asker


def _status(store: FigureWriter, fields: dict) -> None:
    answer = ask(
        "Status (planned, under way, completed; Enter if the source does not say)",
        lambda text: text and parse_choice(text, "status", vocab.MOVEMENT_STATUSES),
        default="",
    )
    fields["status"] = answer or None


def _excerpt(store: FigureWriter, fields: dict) -> None:
    """The source's words: required for an unquantified report, else Enter skips it."""
    required = bool(fields.get("unquantified"))
    question = "The source's words (excerpt)" + ("" if required else "; Enter to skip")
    while True:
        answer = click.prompt(question, default="", show_default=False).strip()
        if answer or not required:
            fields["excerpt"] = answer or None
            return
        click.secho("an unquantified report is kept as the source's words: give them",
                    fg="yellow", err=True)  # fmt: skip


def prompt_source(store: FigureWriter, fields: dict) -> None:
    """The figure's source: an existing one by id or publisher, a close match offered for a
    typo ("North Pres"), and a new one only once the analyst says so."""
    default, refused = None, None
    while True:
        answer = click.prompt(
            "Source id or publisher (Enter for a new source)",
            default=default or "",
            show_default=bool(default),
        ).strip()
        if not answer:
            break
        try:
            fields["source"] = store.find_source(answer).id
            return
        except NotFound as exc:
            click.secho(str(exc).split("; ")[0], fg="yellow", err=True)
            if exc.suggestions and answer != refused:
                default, refused = exc.suggestions[0], answer  # Enter takes the suggestion
                continue
        except Conflict as exc:
            click.secho(str(exc), fg="yellow", err=True)
            continue
        if click.confirm(f"Describe a new source published by '{answer}'?", default=False):
            fields["publisher"] = answer
            break
        default = None
    _describe_new_source(store, fields)


def _describe_new_source(store: FigureWriter, fields: dict) -> None:
    fields["publisher"] = fields["publisher"] or click.prompt("Publisher")
    for line in similar_publisher_lines(store.sources(), fields["publisher"]):
        click.secho(line, fg="yellow", err=True)
    fields["publisher_type"] = click.prompt(
        f"Publisher type ({', '.join(vocab.PUBLISHER_TYPES)})", default="media"
    )
    fields["title"] = click.prompt("Title", default="", show_default=False) or None
    fields["url"] = click.prompt("URL", default="", show_default=False) or None
    fields["published"] = click.prompt("Published (date)", default="", show_default=False) or None
    fields["reliability"] = click.prompt("Reliability A-F", default="F")


ASKERS: dict[str, Asker] = {
    "site": _site,
    "indicator": _indicator,
    "group": _group,
    "description": _description,
    "value": _value,
    "date": _date,
    "destination": _end("destination"),
    "origin": _end("origin"),
    "status": _status,
    "excerpt": _excerpt,
    "source": prompt_source,
}
