"""The number of each figure of an imported table: the value as reported (a number, a range,
"about ..."), checked against stated low, high and quantifier columns, and its unit."""

from __future__ import annotations

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.parse import parse_choice, parse_quantity, quick_quantities
from dispstats.model.table_cells import factorize, parse_choices, per_unique, put


def read_quantities(checked, frame, value, text, plan, *, column) -> None:
    """low, high, quantifier, value_text (and a unit hint) from the value cells."""
    import numpy as np
    import pandas as pd

    n = len(frame)
    low = np.full(n, None, dtype=object)
    high = np.full(n, None, dtype=object)
    quantifier = np.full(n, None, dtype=object)
    hint = np.full(n, None, dtype=object)
    rows = frame["row"].to_numpy()
    value = value.reset_index(drop=True)
    present = value.notna().to_numpy()
    plain = np.zeros(n, dtype=bool)
    positions = np.flatnonzero(present)
    # Each distinct text read once: a site list repeats its counts (and a column of "0"s).
    codes, uniques = factorize(value[present])
    quick = quick_quantities(list(uniques))
    read = np.array([q is not None for q in quick], dtype=bool)[codes]
    if read.any():
        counts = np.array([None if q is None else q[0] for q in quick], dtype=object)[codes]
        words = np.array([None if q is None else q[1] for q in quick], dtype=object)[codes]
        at = positions[read]
        plain[at] = True
        low[at] = high[at] = counts[read]
        quantifier[at] = words[read]
    other = present & ~plain
    if other.any():
        parsed = per_unique(
            checked, rows[other], value[other], lambda v: parse_quantity(v, "value"), column
        )
        for i, result in zip(np.flatnonzero(other), parsed, strict=True):
            if result is not None:
                q, unit = result
                low[i], high[i], quantifier[i], hint[i] = q.low, q.high, q.quantifier, unit
    value_text = value.to_numpy(dtype=object).copy()
    if text is not None:
        _stated_quantities(checked, frame, text, plan, low=low, high=high, quantifier=quantifier,
                           value_text=value_text, present=present)  # fmt: skip
    missing = ~present & pd.isna(quantifier)
    if missing.any():
        checked.fail(
            rows[missing],
            column,
            "no value given (a number, a range, or 'unquantified' with the source's words "
            "in #description+excerpt)",
        )
    unquantified = quantifier == "unquantified"
    value_text[unquantified] = None
    for key, values in (
        ("low", low),
        ("high", high),
        ("quantifier", quantifier),
        ("value_text", value_text),
        ("unit_hint", hint),
    ):
        put(frame, key, values)


def _stated_quantities(checked, frame, text, plan, *, low, high, quantifier, value_text, present):
    """Quantifier, low and high columns: fill what the value text leaves open, and refuse rows
    where they contradict it."""
    import numpy as np

    rows = frame["row"].to_numpy()
    stated_q = text("quantifier")
    if stated_q.notna().any():
        q_column = plan.label("quantifier")
        parsed = np.asarray(
            parse_choices(
                checked,
                frame,
                stated_q,
                plan,
                "quantifier",
                default=None,
                choices=vocab.QUANTIFIERS,
                synonyms=vocab.QUANTIFIER_SYNONYMS,
            ),
            dtype=object,
        )
        has = parsed != None  # noqa: E711 (elementwise)
        fill = has & ((quantifier == None) | (quantifier == "exact"))  # noqa: E711
        clash = has & ~fill & (parsed != quantifier)
        quantifier[fill] = parsed[fill]
        if clash.any():
            checked.fail(rows[clash], q_column, "contradicts the quantifier in the value text")
    for key, target in (("low", low), ("high", high)):
        stated = text(key)
        given = stated.notna().to_numpy()
        if not given.any():
            continue
        column = plan.label(key)
        numbers = per_unique(
            checked, rows[given], stated[given], lambda v: one_count(v), column
        ).to_numpy()
        idx = np.flatnonzero(given)
        from_text = present[idx]
        clash = from_text & (target[idx] != numbers) & (numbers != None)  # noqa: E711
        if clash.any():
            checked.fail(rows[idx[clash]], column, "does not match the value as reported")
        fill = ~from_text
        target[idx[fill]] = numbers[fill]
    only_numbers = ~present & (low != None)  # noqa: E711
    high[only_numbers & (high == None)] = low[only_numbers & (high == None)]  # noqa: E711
    low[only_numbers & (low == None)] = high[only_numbers & (low == None)]  # noqa: E711
    quantifier[only_numbers & (quantifier == None)] = "exact"  # noqa: E711
    if only_numbers.any():
        value_text[only_numbers] = None


def one_count(text: str) -> int:
    quantity, _ = parse_quantity(text, "value")
    if quantity.low is None or quantity.low != quantity.high or quantity.quantifier != "exact":
        raise InputError(f"'{text}' is not a single whole number", field="value", value=text)
    return quantity.low


def read_units(checked, frame, plan) -> None:
    """The unit: stated, else named in the value ('45,000 people'), else by indicator."""
    import numpy as np

    stated = frame.pop("unit_text")
    hint = frame.pop("unit_hint")
    default = np.where(frame["indicator"] == "households", "households", "people")
    fallback = np.where(hint.notna(), hint, default)
    column = plan.label("unit") if "unit" in plan.fields else "unit"

    def parse(value: str) -> str:
        return parse_choice(value, "unit", vocab.UNITS, vocab.UNIT_SYNONYMS)

    stated = stated.reset_index(drop=True) if hasattr(stated, "reset_index") else stated
    import pandas as pd

    stated = pd.Series(stated, dtype=object)
    parsed = per_unique(checked, frame["row"], stated, parse, column)
    put(frame, "unit", np.where(stated.notna(), parsed, fallback))
