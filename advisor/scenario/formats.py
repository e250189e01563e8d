"""Response formats in the form: which question fields a format uses, and switching a question
to another format kind.

The limits of ``k`` and the defaults of free text are the schema's
(:data:`advisor.scenario.schema.FORMAT_K_LIMITS`, :class:`advisor.scenario.schema.ResponseFormat`);
this module adds what a person editing a question needs on top of them.
"""

from __future__ import annotations

from typing import Any

from advisor.scenario.schema import BIAS_KINDS, FORMAT_K_LIMITS, MAX_SCALE_LEVELS, Question, ResponseFormat

USUAL_K: dict[str, int] = {"categorical": 4, "ordinal": 5, "pairwise": 3, "ranking": 4, "multi_select": 5,
                           "best_worst": 4}
"""The ``k`` a question gets when switched to a format whose limits its own ``k`` does not fit
(pairwise 3: forced choice with a tie; best–worst 4: the tuples Kiritchenko & Mohammad 2017 use)."""

SPAN_KINDS: tuple[str, ...] = ("ordinal", "pairwise", "ranking", "best_worst", "scale")
"""Formats on an ordered scale, whose ``span`` (d′ between the ends of the scale) matters."""

USUAL_SCALE: dict[str, float] = {"minimum": 0.0, "maximum": 100.0, "step": 10.0}
"""The range a question gets when switched to a scale from a format without levels to keep."""

PRIOR_KINDS: tuple[str, ...] = ("binary", "categorical", "ordinal", "pairwise", "scale")
"""Formats whose ``prior`` (share of items per true answer) the schema accepts."""

FREE_TEXT_KINDS: tuple[str, ...] = ("free_text",)
"""Formats whose ``aspects``, ``bits_per_char`` and ``chars_per_second`` matter."""


def uses_span(response: ResponseFormat) -> bool:
    """Whether a question's ``span`` enters its channel (:data:`SPAN_KINDS`)."""
    return response.kind in SPAN_KINDS


def uses_bias(response: ResponseFormat) -> bool:
    """Whether a question's ``bias`` (the criterion c) enters its channel."""
    return response.kind in BIAS_KINDS


def uses_option_bias(response: ResponseFormat) -> bool:
    """Whether a question's ``option_bias`` enters its channel (categorical questions)."""
    return response.kind == "categorical"


def uses_scale_range(response: ResponseFormat) -> bool:
    """Whether a question's format has a declared range and step (scale)."""
    return response.kind == "scale"


def uses_prior(response: ResponseFormat) -> bool:
    """Whether a question may have a ``prior`` (:data:`PRIOR_KINDS`)."""
    return response.kind in PRIOR_KINDS


def uses_free_text_fields(response: ResponseFormat) -> bool:
    """Whether a question's ``aspects``, ``bits_per_char`` and ``chars_per_second`` enter its channel."""
    return response.kind in FREE_TEXT_KINDS


def switched_format(current: ResponseFormat, kind: str) -> ResponseFormat:
    """The format a question has after switching it to ``kind``.

    ``k`` is kept when ``kind`` allows it (and the question was not binary,
    whose ``k = 2`` is no choice); otherwise ``kind`` gets its :data:`USUAL_K`.
    Free text gets the schema's default longest answer, binary its two answers.
    A scale keeps the levels of an ordinal, pairwise or categorical question as
    the values 1 … k, otherwise it gets :data:`USUAL_SCALE`; a scale's levels
    are its k when switched away from it.

    Parameters
    ----------
    current
        The question's format now.
    kind
        One of :data:`advisor.scenario.schema.FORMAT_KINDS`.

    Returns
    -------
    ResponseFormat
        ``current`` itself when ``kind`` is its kind.
    """
    if kind == current.kind:
        return current
    if kind in ("free_text", "binary"):
        return ResponseFormat(kind=kind)
    if kind == "scale":
        # An ordered format keeps its levels as the values 1 … k; others get a 0–100 scale in tens.
        if current.kind in ("ordinal", "pairwise", "categorical") and 2 <= (current.k or 0) <= MAX_SCALE_LEVELS:
            return ResponseFormat(kind="scale", minimum=1.0, maximum=float(current.k), step=1.0)
        return ResponseFormat(kind="scale", **USUAL_SCALE)
    low, high = FORMAT_K_LIMITS[kind]
    keeps_k = current.k is not None and low <= current.k <= high and current.kind != "binary"
    return ResponseFormat(kind=kind, k=current.k if keeps_k else USUAL_K[kind])


def format_changes(question: Question, base: str, response: ResponseFormat) -> dict[str, Any]:
    """Dotted-path changes that give a question another format (the optimiser's and the levers'
    designs): the format, and None for a ``prior`` or ``option_bias`` that does not fit it (they
    belong to the answers of the format they were set for).

    Parameters
    ----------
    question
        The question now.
    base
        Its path, e.g. ``"questions.0"``.
    response
        The format it gets.
    """
    changes: dict[str, Any] = {f"{base}.format": response.model_dump(exclude_none=True)}
    if question.prior is not None and not (uses_prior(response) and response.k == len(question.prior)):
        changes[f"{base}.prior"] = None
    if question.option_bias is not None and not (uses_option_bias(response) and response.k == len(question.option_bias)):
        changes[f"{base}.option_bias"] = None
    return changes
