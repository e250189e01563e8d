"""Response formats in the form: which question fields a format uses, and switching a question
to another format kind.

The limits of ``k`` and the defaults of free text are the schema's
(:data:`advisor.scenario.schema.FORMAT_K_LIMITS`, :class:`advisor.scenario.schema.ResponseFormat`);
this module adds what a person editing a question needs on top of them.
"""

from __future__ import annotations

from advisor.scenario.schema import FORMAT_K_LIMITS, ResponseFormat

USUAL_K: dict[str, int] = {"categorical": 4, "ordinal": 5, "pairwise": 3, "ranking": 4, "multi_select": 5,
                           "best_worst": 4}
"""The ``k`` a question gets when switched to a format whose limits its own ``k`` does not fit
(pairwise 3: forced choice with a tie; best–worst 4: the tuples Kiritchenko & Mohammad 2017 use)."""

SPAN_KINDS: tuple[str, ...] = ("ordinal", "pairwise", "ranking", "best_worst")
"""Formats on an ordered scale, whose ``span`` (d′ between the ends of the scale) matters."""

FREE_TEXT_KINDS: tuple[str, ...] = ("free_text",)
"""Formats whose ``aspects``, ``bits_per_char`` and ``chars_per_second`` matter."""


def uses_span(response: ResponseFormat) -> bool:
    """Whether a question's ``span`` enters its channel (:data:`SPAN_KINDS`)."""
    return response.kind in SPAN_KINDS


def uses_free_text_fields(response: ResponseFormat) -> bool:
    """Whether a question's ``aspects``, ``bits_per_char`` and ``chars_per_second`` enter its channel."""
    return response.kind in FREE_TEXT_KINDS


def switched_format(current: ResponseFormat, kind: str) -> ResponseFormat:
    """The format a question has after switching it to ``kind``.

    ``k`` is kept when ``kind`` allows it (and the question was not binary,
    whose ``k = 2`` is no choice); otherwise ``kind`` gets its :data:`USUAL_K`.
    Free text gets the schema's default longest answer, binary its two answers.

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
    low, high = FORMAT_K_LIMITS[kind]
    keeps_k = current.k is not None and low <= current.k <= high and current.kind != "binary"
    return ResponseFormat(kind=kind, k=current.k if keeps_k else USUAL_K[kind])
