"""Judging the raters of a pilot from their Dawid–Skene confusion matrices.

:func:`rater_flag` classifies one rater as ``"ok"``, ``"lazy"`` (the answer hardly depends on the
truth), ``"malicious"`` (informative but inverted) or ``"few_labels"`` (not judged);
:func:`judge_raters` gives every rater of a pilot question a :class:`RaterReport` (labels,
accuracy against gold, balanced accuracy, spam score, flag, confusion matrix) and lists the flagged
ones by name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.aggregation import Aggregation, Annotations

from advisor.pilot.dataset import PilotDataset

__all__ = ["MIN_LABELS_TO_FLAG", "SPAM_THRESHOLD", "RaterReport", "judge_raters", "rater_flag"]

SPAM_THRESHOLD = 0.2
"""Largest total-variation distance between two rows of a rater's confusion matrix at which the
rater counts as lazy/spammer (their answer hardly depends on the truth)."""
MIN_LABELS_TO_FLAG = 5
BLOCK = 1 << 22
"""Labels tabulated at a time."""
"""Raters with fewer labels are not judged: their confusion matrix is mostly the prior."""


@dataclass(frozen=True)
class RaterReport:
    """One rater: how many labels, how good, and the flag.

    ``balanced_accuracy`` is the mean of the Dawid–Skene confusion diagonal (1/k for a rater
    whose answers ignore the truth); ``spam_score`` the largest total-variation distance between two
    rows of that matrix (0: the answer does not depend on the truth; 1: rows never overlap).
    """

    name: str
    labels: int
    accuracy_vs_gold: float | None
    balanced_accuracy: float
    spam_score: float
    flag: str
    confusion: tuple[tuple[float, ...], ...]


def _spam_scores(confusion: np.ndarray) -> np.ndarray:
    """Per rater, the largest total-variation distance between two rows of the confusion matrix.

    ``confusion`` has shape (R, k, k). The pairwise differences of one rater take k³ numbers, so
    raters go in blocks of at most about four million numbers: memory stays bounded, and time is
    linear in the number of raters.
    """
    raters, k = confusion.shape[0], confusion.shape[-1]
    scores = np.empty(raters)
    block = max(1, (1 << 22) // max(k**3, 1))
    for start in range(0, raters, block):
        part = confusion[start:start + block]
        differences = np.abs(part[:, :, None, :] - part[:, None, :, :]).sum(axis=3) / 2.0
        scores[start:start + block] = differences.max(axis=(1, 2))
    return scores


def rater_flag(confusion: np.ndarray, labels: int, *, spam_threshold: float = SPAM_THRESHOLD, min_labels: int = MIN_LABELS_TO_FLAG,
               spam_score: float | None = None) -> str:
    """Classify one rater from their Dawid–Skene confusion matrix.

    The rule, in order:

    1. ``"few_labels"`` when the rater gave fewer than ``min_labels`` labels (not judged);
    2. ``"lazy"`` (lazy or spammer) when every two rows of the confusion matrix are within total
       variation distance ``spam_threshold``: the answer hardly depends on the truth, whether the
       rater always gives the same answer or answers at random. For two classes this is
       ``|sensitivity + specificity − 1| <= spam_threshold``;
    3. ``"malicious"`` when the rows do differ but the balanced accuracy (mean of the diagonal)
       is below chance, ``1/k``: the rater's answers carry information, inverted;
    4. ``"ok"`` otherwise.

    Parameters
    ----------
    confusion
        Row-stochastic (k, k) matrix, rows true classes.
    labels
        Labels the rater gave, >= 0.
    spam_threshold
        Total-variation threshold in [0, 1).
    min_labels
        Fewest labels to judge a rater, >= 1.
    spam_score
        The rater's largest row distance when already computed (it costs k³); None computes it.
    """
    matrix = np.asarray(confusion, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"confusion must be a square matrix, got shape {matrix.shape}")
    if not 0.0 <= spam_threshold < 1.0:
        raise ValueError(f"spam_threshold must be in [0, 1), got {spam_threshold}")
    if labels < min_labels:
        return "few_labels"
    spam = float(_spam_scores(matrix[None])[0]) if spam_score is None else float(spam_score)
    if spam <= spam_threshold:
        return "lazy"
    if float(np.mean(np.diagonal(matrix))) < 1.0 / matrix.shape[0]:
        return "malicious"
    return "ok"


def judge_raters(pilot: PilotDataset, data: Annotations, ds: Aggregation, gold: np.ndarray):
    """A :class:`RaterReport` for every rater of one pilot question, and the flagged raters.

    Parameters
    ----------
    pilot
        One question of the pilot (for the rater names).
    data
        The same labels as aggregation input.
    ds
        The Dawid–Skene result, whose per-rater confusion matrices are judged.
    gold
        Gold class per item, shape (n_items,), -1 where unknown.

    Returns
    -------
    tuple
        ``(reports, flagged)``: the reports in rater-code order, and ``{"malicious": names,
        "lazy": names}``.
    """
    confusion = np.asarray(ds.confusion)
    per_rater = data.labels_per_rater()
    spam = _spam_scores(confusion)
    balanced = ds.rater_accuracy()
    gold_labels = np.zeros(data.n_raters)
    gold_correct = np.zeros(data.n_raters)
    # In blocks of labels: a label-sized copy of the gold would be 400 MB on a 50-million-label pilot.
    for start in range(0, data.n_labels, BLOCK):
        block = slice(start, start + BLOCK)
        label_gold = gold[data.items[block]]
        raters = data.raters[block]
        gold_labels += np.bincount(raters, weights=label_gold >= 0, minlength=data.n_raters)
        gold_correct += np.bincount(raters, weights=data.labels[block] == label_gold, minlength=data.n_raters)
    reports = []
    flagged: dict[str, list[str]] = {"malicious": [], "lazy": []}
    for rater in range(data.n_raters):
        flag = rater_flag(confusion[rater], int(per_rater[rater]), spam_score=spam[rater])
        name = pilot.rater_names[rater]
        if flag in flagged:
            flagged[flag].append(name)
        reports.append(
            RaterReport(
                name=name,
                labels=int(per_rater[rater]),
                accuracy_vs_gold=float(gold_correct[rater] / gold_labels[rater]) if gold_labels[rater] > 0 else None,
                balanced_accuracy=float(balanced[rater]),
                spam_score=float(spam[rater]),
                flag=flag,
                confusion=tuple(tuple(float(v) for v in row) for row in confusion[rater]),
            )
        )
    return tuple(reports), {key: tuple(names) for key, names in flagged.items()}
