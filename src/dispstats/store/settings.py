"""The settings a store keeps for everyone who uses it, with their defaults and checks.

- small_cells: parts of a figure below this many people are never shown in a public output
  (shown as "< N", left out of shares, with a second part hidden where the first could be
  worked out by subtraction). Default 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispstats.errors import InputError


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    help: str


SETTINGS = {
    "small_cells": Setting(
        "small_cells",
        "5",
        "parts below this many people are withheld from public outputs (1 withholds none)",
    ),
}


def check_setting(key: str, value: str) -> str:
    """The value as stored, or InputError naming the setting and what it takes."""
    if key not in SETTINGS:
        raise InputError(
            f"'{key}' is not a setting: expected one of {', '.join(SETTINGS)}",
            field="setting",
            value=key,
        )
    text = value.strip()
    if not text.isdigit() or int(text) < 1 or int(text) > 1_000:
        raise InputError(
            f"{key} is a whole number of people from 1 to 1000, not '{value}'",
            field=key,
            value=value,
        )
    return str(int(text))


def small_cells(store) -> int:
    """The store's small-cell threshold (Store or LiteStore)."""
    return int(store.setting("small_cells") or SETTINGS["small_cells"].default)


def withheld_below(store) -> int:
    """Parts under this many people are withheld: the small-cell threshold when `store` is a
    PublicView (a public output), none otherwise."""
    return small_cells(store) if store.is_public else 0
