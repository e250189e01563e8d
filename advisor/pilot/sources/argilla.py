"""Argilla 2.x records as a pilot.

Argilla exports a dataset's records in two shapes, both read here (a JSON array, or JSON lines):

* **flat** (``dataset.records.to_list(flatten=True)``, and the Hugging Face Hub export): per
  record ``id``, the fields, and per question ``<question>.responses`` (the answers),
  ``<question>.responses.users`` (who gave each) and ``<question>.responses.status``
  (``submitted``, ``discarded`` or ``draft``);
* **nested** (``dataset.records.to_json(path)``): ``{"id", "fields", "responses": {question:
  [{"value", "user_id"[, "status"]}, …]}, "suggestions", …}``.

A submitted response is a rater's label (a response without a status is taken as submitted, and a
warning counts them); discarded and draft responses are left out and counted with the cancelled
annotations. Suggestions (``<question>.suggestion``) are a model's pre-labels, never labels.
Answers that are no single label (multi-label selections, rankings, spans) are counted and left
out. Argilla records say nothing of time or gold.
"""

from __future__ import annotations

from typing import Any

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.numeric import NumericScale
from advisor.pilot.sources.rows import LabelRows, label_text, records_of

__all__ = ["is_argilla", "read_argilla"]

SUFFIX = ".responses"


def is_argilla(document: Any) -> bool:
    """Whether a parsed JSON document is Argilla records (flat or nested)."""
    records = document if isinstance(document, list) else [document]
    for record in records[:20]:
        if not isinstance(record, dict):
            return False
        if any(key.endswith(SUFFIX) for key in record) or (
            isinstance(record.get("responses"), dict) and "fields" in record
        ):
            return True
    return False


def _responses(record: dict[str, Any], where: str) -> list[tuple[str, Any, Any, Any]]:
    """``(question, value, user, status)`` of every response of one record."""
    out = []
    if isinstance(record.get("responses"), dict):
        for question, entries in record["responses"].items():
            if not isinstance(entries, list):
                raise ImportFormatError(f"{where}: responses of {quote(question)} must be a list")
            for entry in entries:
                if not isinstance(entry, dict):
                    raise ImportFormatError(f"{where}: a response of {quote(question)} is not an object")
                out.append((str(question), entry.get("value"), entry.get("user_id"), entry.get("status", None)))
        return out
    for key, values in record.items():
        if not key.endswith(SUFFIX) or values is None:
            continue
        question = key[: -len(SUFFIX)]
        users = record.get(f"{key}.users")
        statuses = record.get(f"{key}.status")
        if not isinstance(values, list):
            raise ImportFormatError(f"{where}: {quote(key)} must be a list of responses, got {quote(values)}")
        if not isinstance(users, list) or len(users) != len(values):
            raise ImportFormatError(
                f"{where}: {quote(key + '.users')} must list one user per response ({len(values)} responses)"
            )
        if statuses is None:
            statuses = [None] * len(values)
        if not isinstance(statuses, list) or len(statuses) != len(values):
            raise ImportFormatError(f"{where}: {quote(key + '.status')} must list one status per response")
        out.extend(zip([question] * len(values), values, users, statuses))
    return out


def read_argilla(document: Any, *, name: str, max_rows: int, questions: tuple[str, ...] | None = None, numeric: NumericScale | None = None) -> PilotDataset:
    """Argilla records (flat or nested, see the module notes) as a pilot.

    Raises
    ------
    ImportFormatError
        Naming the record: a record without ``id``, responses without their users, or as
        :func:`~advisor.pilot.reading.build_dataset` does.
    """
    rows = LabelRows(max_rows, numeric=numeric)
    unknown_status = 0
    for number, record in enumerate(records_of(document, "Argilla records"), start=1):
        where = f"record {number}"
        if not isinstance(record, dict):
            raise ImportFormatError(f"{where}: expected a record object, got {type(record).__name__}")
        item = label_text(record.get("id")) or label_text(record.get("_server_id"))
        if item is None:
            raise ImportFormatError(f"{where}: no record id ('id')")
        suggestions = sum(1 for key in record if key.endswith(".suggestion")) + (
            len(record["suggestions"]) if isinstance(record.get("suggestions"), dict) else 0
        )
        rows.skip("suggestions (a model's pre-labels)", suggestions)
        for question, value, user, status in _responses(record, f"{where} (id {item})"):
            if questions is not None and question not in questions:
                continue
            state = str(status).lower() if status is not None else None
            if state in ("discarded", "draft"):
                rows.cancelled += 1
                continue
            if state is None:
                unknown_status += 1
            rater = label_text(user)
            if rater is None:
                rows.skip("responses without a user")
                continue
            label = label_text(value)
            if label is None:
                rows.skip("answers that are no single label (multi-label, ranking, span)")
                continue
            rows.add(item, rater, label, number, question=question)
    if unknown_status:
        rows.warn(f"{unknown_status:,} response(s) without a status were read as submitted")
    return rows.build(name=name, format="argilla")
