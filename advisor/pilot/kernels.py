"""The single-rater kernels and accuracy curves a pilot is measured and simulated with.

Pilots calibrate binary, categorical, ordinal, pairwise and scale questions: :data:`NOMINAL_KINDS` are read
on a nominal scale, :data:`ORDINAL_KINDS` on an ordinal one. :func:`cascade_kernel` is a question's
single-rater kernel ``K_cog(d′) @ K_art(slip)`` (the kernel the evaluation uses), and
:func:`scale_accuracy_curve` the single-rater accuracy as a function of d′ on a scale of k answers,
which the speed–accuracy fit and the calibration invert.
"""

from __future__ import annotations

import numpy as np

from models import empirical
from models.channel import rater_kernel

from advisor.scenario.schema import Question

__all__ = ["NOMINAL_KINDS", "ORDINAL_KINDS", "cascade_kernel", "scale_accuracy_curve"]

NOMINAL_KINDS = ("binary", "categorical")
ORDINAL_KINDS = ("ordinal", "pairwise", "scale")


def cascade_kernel(question: Question, dprime: float, classes: int | None = None) -> np.ndarray:
    """A single rater's kernel ``K_cog(d′) @ K_art(slip)`` for a nominal or ordinal question
    (:func:`models.channel.rater_kernel`, the kernel the evaluation uses).

    Parameters
    ----------
    question
        A binary, categorical, ordinal or pairwise question.
    dprime
        Discriminability d′ >= 0.
    classes
        Number of answers, >= 2 (default: the question's k).

    Returns
    -------
    numpy.ndarray
        Row-stochastic (classes, classes) kernel, read-only.

    Raises
    ------
    ValueError
        For ranking, multi-select and free-text questions (no single-label kernel to calibrate).
    """
    kind = question.format.kind
    if kind not in NOMINAL_KINDS + ORDINAL_KINDS:
        raise ValueError(
            f"question {question.name!r}: pilots calibrate binary, categorical, ordinal and pairwise questions, not {kind}"
        )
    scale = "nominal" if kind in NOMINAL_KINDS else "ordinal"
    return _scale_kernel(scale, int(classes or question.format.k or 2), dprime, question.slip_rate, question.span)


def _scale_kernel(scale: str, k: int, dprime: float, slip_rate: float, span: float) -> np.ndarray:
    """The single rater's kernel of a nominal or ordinal scale of k answers. A pilot's classes
    may outnumber a binary question's two, so nominal scales are built as categorical ones (the
    same kernel at k = 2), and pairwise ones as the ordinal scale they are."""
    kind = "categorical" if scale == "nominal" else "ordinal"
    return rater_kernel(kind, k, dprime, span=span, slip_rate=slip_rate)  # type: ignore[return-value]


def scale_accuracy_curve(scale: str, k: int, slip_rate: float, span: float, class_weights: np.ndarray) -> empirical.AccuracyCurve:
    """Single-rater accuracy as a function of d′ on a nominal or ordinal scale of k answers.

    Parameters
    ----------
    scale
        ``"nominal"`` or ``"ordinal"``.
    k
        Number of answers, >= 2.
    slip_rate
        Articulation slip rate in [0, 0.5).
    span
        Ordinal scale span in d′ units, > 0.
    class_weights
        Share of each true class, shape (k,), summing to 1.

    Returns
    -------
    models.empirical.AccuracyCurve
        Tabulated accuracy of :func:`_scale_kernel` over d′, invertible between chance and the
        ceiling.
    """
    return empirical.accuracy_curve(lambda d: _scale_kernel(scale, k, d, slip_rate, span), class_weights)
