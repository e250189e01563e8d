"""The forms values take in the database: time stamps in UTC, JSON text, and a
scenario's canonical JSON with its content hash.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from advisor.scenario.schema import Scenario


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (how every stored time stamp is taken)."""
    return datetime.now(timezone.utc)


def canonical_json(scenario: Scenario) -> str:
    """A scenario's JSON as stored in a revision (on one line)."""
    return scenario.to_json(indent=None)


def json_hash(text: str) -> str:
    """The content hash of stored JSON, computed the way :meth:`Scenario.content_hash` does."""
    canonical = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def json_text(value: Any, what: str) -> str:
    """``value`` as JSON text for a column (sorted keys).

    Raises
    ------
    ValueError
        Naming ``what``, when ``value`` is not JSON data (finite numbers,
        strings, lists, objects).
    """
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what}: must be JSON data (finite numbers, strings, lists, objects): {error}") from None
