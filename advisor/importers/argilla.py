"""Argilla 2.x dataset settings → questions and raters per item.

Reads the JSON written by ``rg.Settings.to_json()`` (also found as
``.argilla/settings.json`` in datasets exported to the Hugging Face Hub): a
``questions`` list whose entries carry ``name`` and ``settings`` with a
``type`` and, for choice questions, ``options``; and a task ``distribution``
``{"strategy": "overlap", "min_submitted": N}``, the responses each record
needs, which becomes ``raters.per_item``.

| Argilla question | format |
|---|---|
| ``label_selection`` with k labels | binary (k = 2) or categorical(k) |
| ``multi_label_selection`` with k labels | multi_select(k) |
| ``rating`` with values v₁…v_k | ordinal(k) |
| ``ranking`` of n values | ranking(n) |
| ``text`` | free_text (500 characters assumed, warned) |
| ``span``, ``image_annotation`` | not mapped: region annotation |
"""

from __future__ import annotations

from typing import Any

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.importers.common import (
    ImportLog,
    ImportResult,
    build_result,
    free_text_format,
    multi_select_format,
    ordinal_format,
    parse_json_config,
    ranking_format,
    single_choice_format,
)
from advisor.scenario.schema import DEFAULT_FREE_TEXT_CHARS, MAX_RATERS, Question, ResponseFormat

ARGILLA_DEFAULT_MIN_SUBMITTED = 1
"""Responses per record Argilla 2.x requires when the settings name no
distribution (``TaskDistribution.default()``)."""

_REGION_TYPES = {
    "span": "labelled spans of a text field",
    "image_annotation": "labelled shapes on an image",
}


def import_argilla(text: str, *, source: str = "<text>", name: str | None = None) -> ImportResult:
    """Build a scenario from Argilla 2.x dataset settings JSON.

    Parameters
    ----------
    text
        The settings JSON.
    source
        Where it came from, for messages.
    name
        Scenario name; default ``"Argilla dataset"``.

    Raises
    ------
    ImportFormatError
        For invalid JSON (with line and column), a settings shape that is not
        Argilla's (the message names the entry), and settings with no
        question the model can represent.
    """
    data = parse_json_config(text, source)
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ImportFormatError(f"{source}: Argilla settings must be a JSON object with a 'questions' list")
    log = ImportLog()
    questions = [
        question
        for index, entry in enumerate(data["questions"])
        if (question := _question(entry, index, source, log)) is not None
    ]
    settings = {"raters.per_item": _raters_per_item(data.get("distribution"), source, log)}
    return build_result(
        format="argilla",
        source=source,
        name=name or "Argilla dataset",
        questions=questions,
        log=log,
        settings=settings,
        notes=f"Imported from Argilla dataset settings ({source}).",
    )


def _question(entry: Any, index: int, source: str, log: ImportLog) -> Question | None:
    where = f"questions[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise ImportFormatError(f"{source}: {where} must be an object with a non-empty 'name'")
    name = entry["name"].strip()
    settings = entry.get("settings")
    if not isinstance(settings, dict):
        raise ImportFormatError(f"{source}: {where} ('{name}') has no 'settings' object")
    question_type = settings.get("type", entry.get("type"))
    if not isinstance(question_type, str):
        raise ImportFormatError(
            f"{source}: {where} ('{quote(name, 40)[1:-1]}'): the question type must be a text such as "
            f"'label_selection', got {quote(question_type, 40)}"
        )
    subject = f"{question_type} question '{name}'"
    options = settings.get("options")
    if question_type in ("label_selection", "multi_label_selection", "rating", "ranking"):
        if not isinstance(options, list):
            raise ImportFormatError(f"{source}: {where} ('{name}'): settings.options must be a list")
        count = len(options)
    else:
        count = 0
    fmt: ResponseFormat | None
    if question_type == "label_selection":
        fmt = single_choice_format(count, subject, log)
    elif question_type == "multi_label_selection":
        fmt = multi_select_format(count, subject, log)
    elif question_type == "rating":
        fmt = ordinal_format(count, subject, log)
    elif question_type == "ranking":
        fmt = ranking_format(count, subject, log)
    elif question_type == "text":
        log.warn(
            subject,
            f"Argilla sets no length limit on text answers; max_chars = {DEFAULT_FREE_TEXT_CHARS} is assumed",
            kind="default",
        )
        fmt = free_text_format(DEFAULT_FREE_TEXT_CHARS)
    elif question_type in _REGION_TYPES:
        log.unsupported(
            subject,
            f"span/region annotation ({_REGION_TYPES[question_type]}) has no finite per-item alphabet in this "
            f"model: the answer is any number of regions of any position and size",
        )
        return None
    else:
        log.unsupported(subject, f"unknown Argilla question type {quote(question_type)}")
        return None
    if fmt is None:
        return None
    log.mapped(subject, fmt)
    return Question(name=name, format=fmt)


def _raters_per_item(distribution: Any, source: str, log: ImportLog) -> int:
    if distribution is None:
        log.warn(
            "raters.per_item",
            f"the settings have no task distribution; Argilla's default of {ARGILLA_DEFAULT_MIN_SUBMITTED} "
            f"submitted response per record is used",
            kind="default",
        )
        return ARGILLA_DEFAULT_MIN_SUBMITTED
    if not isinstance(distribution, dict):
        raise ImportFormatError(f"{source}: distribution must be an object, got {type(distribution).__name__}")
    strategy = distribution.get("strategy", "overlap")
    if strategy != "overlap":
        raise ImportFormatError(f"{source}: distribution.strategy must be 'overlap' (Argilla 2.x), got {quote(strategy)}")
    min_submitted = distribution.get("min_submitted")
    if isinstance(min_submitted, bool) or not isinstance(min_submitted, int) or not 1 <= min_submitted <= MAX_RATERS:
        raise ImportFormatError(
            f"{source}: distribution.min_submitted must be a whole number from 1 to {MAX_RATERS}, got {quote(min_submitted)}"
        )
    return min_submitted
