"""Record analyses (solve-for, optimisation, an applied lever) in the protocol.

The protocol (:meth:`advisor.storage.store.ScenarioStore.record_export`) began as the
list of written reports; like G*Power's protocol of power analyses it also
keeps every analysis whose result someone may act on. An analysis writes no
file, so its entry has an empty path and, as its SHA-256, the hash of the
result's canonical JSON (kept in the entry's detail), so that the recorded
result can be checked against the hash later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

ANALYSIS_FORMAT = "json"
"""The format of an analysis entry: its result is JSON data in the detail."""

NO_FILE = ""
"""The path of an entry that wrote no file."""


def result_sha256(result: Any) -> str:
    """SHA-256 of ``result`` as canonical JSON (sorted keys, no spaces), 64 hex digits."""
    canonical = json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_analysis(path: str) -> bool:
    """True for a protocol entry of an analysis (it wrote no file)."""
    return path == NO_FILE


def record_analysis(store: Any, *, what: str, scenario_names: Sequence[str], result: dict[str, Any],
                    detail: dict[str, Any] | None = None) -> int:
    """Write a protocol entry for an analysis; returns its id.

    Parameters
    ----------
    store
        An :class:`advisor.storage.store.ScenarioStore`.
    what
        The analysis: ``"solve"``, ``"optimize"``, ``"lever"`` (1 to 100 characters).
    scenario_names
        The scenarios analysed.
    result
        The result as JSON data (finite numbers only); stored in the detail
        under ``"result"`` and hashed into the entry's SHA-256.
    detail
        Anything else worth keeping (the command, where the scenario came
        from, its content hash).
    """
    return store.record_export(
        what=what, scenario_names=list(scenario_names), fmt=ANALYSIS_FORMAT, path=NO_FILE,
        sha256=result_sha256(result), detail={**(detail or {}), "result": result},
    )
