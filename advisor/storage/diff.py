"""What changed between two revisions of a scenario, in words (the summary of a revision
in its history: ``"raters.per_item 3 → 4; notes edited"``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested objects and lists as one dict from dotted paths (``"raters.per_item"``) to leaf values."""
    if isinstance(data, dict):
        items: Iterator[tuple[str, Any]] = ((str(k), v) for k, v in data.items())
    elif isinstance(data, list):
        items = ((str(i), v) for i, v in enumerate(data))
    else:
        return {prefix: data}
    flat: dict[str, Any] = {}
    for key, value in items:
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else key))
    if not flat and prefix:
        flat[prefix] = data  # an empty list or object is a value of its own
    return flat


def _short(value: Any) -> str:
    """A value as JSON, cut to at most 40 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_changes(before: dict[str, Any], after: dict[str, Any], limit: int = 4) -> str:
    """What changed between two scenario dicts, in words (``"raters.per_item 3 → 4"``).

    Parameters
    ----------
    before, after
        Scenario data as from :meth:`Scenario.to_dict`.
    limit
        Most changes spelled out; the rest are counted.
    """
    old, new = _flatten(before), _flatten(after)
    changes: list[str] = []
    for path in list(new) + [p for p in old if p not in new]:
        if path in old and path in new:
            if old[path] == new[path]:
                continue
            if isinstance(new[path], str) and max(len(new[path]), len(str(old[path]))) > 40:
                changes.append(f"{path} edited")
            else:
                changes.append(f"{path} {_short(old[path])} → {_short(new[path])}")
        elif path in new:
            changes.append(f"{path} = {_short(new[path])} added")
        else:
            changes.append(f"{path} removed")
    if not changes:
        return "no change"
    shown = "; ".join(changes[:limit])
    return shown if len(changes) <= limit else f"{shown}; and {len(changes) - limit} more"
