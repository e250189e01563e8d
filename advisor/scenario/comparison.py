"""Several scenarios' inputs side by side, aligned by meaning.

The Compare tab shows these rows as a table with the differences highlighted;
scalars are aligned by field, contexts and questions by name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from advisor.scenario.fields import field_help
from advisor.scenario.schema import Scenario

MISSING = "—"
"""The text of a value a scenario does not have (a question it does not ask)."""
THOUSANDS_FROM = 10_000
"""From this size up a compared number is written with thousands separators (``50,000``)."""
FIXED_BELOW = 1e15
"""Below this size a large real number is written in fixed notation; above, a double's digits past the
15th are noise (1e23 in fixed notation is 99,999,999,999,999,991,611,392), so it keeps its exponent."""


def value_text(value: Any) -> str:
    """How a comparison shows one input value: six significant digits, thousands separated from
    10,000 up (as the results' rows write counts and money), lists joined, a model's fields by the
    form's names (``share 0.900886, d′ × 1.12574; share 0.0991138, d′ × 0.25``)."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= THOUSANDS_FROM else str(value)
    if isinstance(value, float):
        if not THOUSANDS_FROM <= abs(value) < FIXED_BELOW:  # small, huge, NaN or infinite
            return f"{value:.6g}"
        # Six significant digits in fixed notation ("2.5e+06" read as a formula): 2,500,000.
        decimals = 5 - math.floor(math.log10(abs(value)))
        text = f"{round(value, decimals):,.{max(decimals, 0)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, BaseModel):
        # A difficulty class or a rater type: its fields by the form's names (its repr is the
        # model's source text).
        group = MODEL_FIELDS.get(type(value).__name__)
        return ", ".join(f"{_part_label(group, key)} {value_text(getattr(value, key))}" for key in type(value).model_fields)
    if isinstance(value, (list, tuple)):
        # Entries that are themselves lists of named values are told apart by semicolons.
        separator = "; " if any(isinstance(v, BaseModel) for v in value) else ", "
        return separator.join(value_text(v) for v in value) or MISSING
    return str(value)


MODEL_FIELDS = {"DifficultyClass": "raters.difficulty_classes.*", "RaterType": "raters.rater_types.*"}
"""Where the form names the fields of the models a comparison shows inside a row."""


def _part_label(group: str | None, key: str) -> str:
    """A model's field as the form names it (``Share``, ``d′ ×``), else by its own name."""
    if group is not None:
        try:
            label = field_help(f"{group}.{key}").label
            return label[:1].lower() + label[1:]  # inside a row: "share 0.9, d′ × 1.1"
        except KeyError:
            pass
    return key.replace("_", " ")


def field_label(path: str) -> str:
    """The form's label of a field path (``"raters.per_item"``), or a readable last part."""
    try:
        return field_help(path).label
    except KeyError:
        last = path.rsplit(".", 1)[-1].replace("_", " ")
        return last[:1].upper() + last[1:]


MONEY_FIELDS = frozenset({"campaign.wage_per_hour", "campaign.budget_cap", "gold.authoring_cost"})
"""The inputs in the scenario's currency: their row names it ("Wage (USD per hour)"), or each value
does where the compared scenarios' currencies differ."""


def _row_label(path: str, currency: str | None = None) -> str:
    """A comparison row's label: the field's label and its unit (``Time per item T (s)``), a money
    field's with ``currency``; the values beside it are bare numbers."""
    try:
        unit = field_help(path).unit
    except KeyError:
        unit = ""
    if currency and path in MONEY_FIELDS:
        unit = f"{currency} {unit}".strip()
    label = field_label(path)
    # A label that names its unit already ("Items m", "Bits/char") is not followed by it again.
    named = unit and unit.lower() in re.split(r"[^\w]+", label.lower())
    return f"{label} ({unit})" if unit and not named else label


PARTS = (("contexts", "Context"), ("questions", "Question"))
"""The named parts aligned by name, and their groups' titles."""


def part_group(title: str, name: str) -> str:
    """The group of a context's or question's rows: ``Question “helpfulness”``."""
    return f"{title} “{name}”"


def partial_groups(scenarios: Sequence[Scenario]) -> set[str]:
    """The groups of the contexts and questions that not every scenario has (their rows differ by
    being absent)."""
    return {part_group(title, name)
            for group, title in PARTS
            for name in {part.name for s in scenarios for part in getattr(s, group)}
            if not all(any(part.name == name for part in getattr(s, group)) for s in scenarios)}


def input_rows(scenarios: Sequence[Scenario]) -> list[tuple[str, str, list[str]]]:
    """The inputs of several scenarios aligned by meaning.

    Scalars are aligned by field; contexts and questions by name (a question
    missing from a scenario shows "—").

    Parameters
    ----------
    scenarios
        One or more scenarios, in column order.

    Returns
    -------
    list of (group, label, values)
        One row per field, one value (as text) per scenario.
    """
    rows: list[tuple[str, str, list[str]]] = [("Scenario", "Tags", [value_text(s.tags) for s in scenarios])]
    currencies = {s.campaign.currency for s in scenarios}
    currency = next(iter(currencies)) if len(currencies) == 1 else None  # one currency: said in the label
    for group, title in (("target", "Target"), ("raters", "Raters"), ("campaign", "Campaign"), ("bounds", "Bounds"),
                         ("overlap", "Overlap"), ("gold", "Gold")):
        keys = list(type(getattr(scenarios[0], group)).model_fields)
        for key in keys:
            path = f"{group}.{key}"
            values = [value_text(getattr(getattr(s, group), key)) for s in scenarios]
            if path in MONEY_FIELDS and currency is None:
                values = [value if value == MISSING else f"{value} {s.campaign.currency}"
                          for value, s in zip(values, scenarios)]
            rows.append((title, _row_label(path, currency), values))
    for group, title in PARTS:
        names: list[str] = []
        for scenario in scenarios:
            for part in getattr(scenario, group):
                if part.name not in names:
                    names.append(part.name)
        for name in names:
            parts = [next((p for p in getattr(s, group) if p.name == name), None) for s in scenarios]
            present = next(p for p in parts if p is not None)
            for key in type(present).model_fields:
                if key == "name":
                    continue
                values = []
                for part in parts:
                    if part is None:
                        values.append(MISSING)
                    elif key == "format":
                        values.append(part.format.label())
                    elif key == "time_share" and part.time_share is None:
                        values.append("auto")
                    else:
                        values.append(value_text(getattr(part, key)))
                rows.append((part_group(title, name), _row_label(f"{group}.*.{key}"), values))
    return rows
