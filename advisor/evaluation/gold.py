"""Gold questions in the plan: what items with known answers cost and what they buy.

A share ``g`` of the tasks are gold items (``m g / (1 − g)`` of them beside the ``m`` data items),
each labelled by as many raters as a data item (``E[N]`` on average) and authored at a cost each.
Their labels are Bernoulli trials of each rater's accuracy (:mod:`models.gold`), so they buy:

* the **accuracy** of every question, pooled over raters, with standard error
  ``sqrt(A (1 − A) / n)`` from the ``n`` gold labels, and per rater from the labels each rater
  answers (the gold labels shared among the rater pool);
* the **discriminability** λ the calibration fits, by the delta method: the accuracy depends on
  λ through ``d′ = λ · difficulty · (1 − e^{−β(t − δ₀)})``, so ``dA/dλ = Σ_s w_s A_s′(d′_s) d′_s / λ``;
  the questions' gold labels are independent evidence on λ, so their Fisher informations add;
* **spam detection**: the probability that a rater answering at random (correct with ``1 / answers``)
  is flagged by the exact binomial test at false-flag rate α after the gold labels that rater
  answers, and the gold labels per rater that give 95 % power.

A question's accuracy is the probability that one rater's answer is the true one (for best–worst
scaling: that both the best and the worst are right; for a multi-select, per checkbox), at the
question's prior and context weights; free-text questions have none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.best_worst import best_worst_answers, best_worst_orders
from models.channel import QuestionChannel, rater_kernel
from models.gold import accuracy_standard_error, delta_method_standard_error, gold_labels_for_power, spam_detection_power

from advisor.scenario.schema import Question, Scenario

__all__ = ["GOLD_POWER", "GoldQuestion", "GoldResult", "gold_result", "rater_accuracy"]

GOLD_POWER = 0.95
"""Power of the spam check the gold labels needed per rater are reported for."""


@dataclass(frozen=True)
class GoldQuestion:
    """What the gold labels tell about one question's raters.

    Attributes
    ----------
    name
        The question.
    accuracy
        A rater's probability of the true answer, context-weighted, in [0, 1].
    chance
        A random rater's, ``1 / answers``.
    labels
        Gold labels on the question (per checkbox for a multi-select: ``k`` per item).
    accuracy_se
        Standard error of the pooled accuracy from all gold labels.
    rater_accuracy_se
        Standard error of one rater's accuracy from the labels that rater answers (None when the
        pool size is unknown).
    discriminability_se
        Standard error of λ from this question's gold labels (None where they do not identify it:
        no judgment time, or a saturated accuracy).
    spam_power
        Probability that a random rater is flagged after the gold labels one rater answers (None
        when the pool size is unknown).
    labels_for_power
        Gold labels one rater must answer for :data:`GOLD_POWER` (None when a genuine rater is no
        better than chance).
    """

    name: str
    accuracy: float
    chance: float
    labels: float
    accuracy_se: float
    rater_accuracy_se: float | None
    discriminability_se: float | None
    spam_power: float | None
    labels_for_power: int | None


@dataclass(frozen=True)
class GoldResult:
    """Gold items: their cost and what they buy.

    Attributes
    ----------
    share
        ``g``, the share of the tasks that are gold.
    items
        Gold items, ``m g / (1 − g)``.
    labels
        Gold labels, ``items · E[N]``.
    labels_per_rater
        Gold labels each rater answers on average (None when the pool size is unknown).
    pool
        Raters sharing the work (``gold.pool_size`` or the raters available; None when neither).
    label_cost, authoring_cost, cost
        Money on the gold labels, on authoring and both, in the campaign's currency.
    false_flag_rate
        α of the spam check.
    questions
        Per question with a finite kernel.
    discriminability_se
        Standard error of λ from every question's gold labels together (None when none identifies it).
    """

    share: float
    items: float
    labels: float
    labels_per_rater: float | None
    pool: int | None
    label_cost: float
    authoring_cost: float
    cost: float
    false_flag_rate: float
    questions: tuple[GoldQuestion, ...]
    discriminability_se: float | None


def _correct_columns(question: Question, rows: int) -> np.ndarray:
    """Column of the true answer of each row of the question's kernel."""
    if question.format.kind == "best_worst":
        n = int(question.format.k or 2)
        index = {pair: position for position, pair in enumerate(best_worst_answers(n))}
        return np.array([index[(order[0], order[-1])] for order in best_worst_orders(n)])
    return np.arange(rows)


def rater_accuracy(question: Question, dprime: float) -> float | None:
    """One rater's probability of the true answer at the question's prior (uniform over a ranking's
    or best–worst tuple's orders), per checkbox for a multi-select; None for free text."""
    kernel = rater_kernel(question.format.kind, question.format.k, dprime, span=question.span,
                          slip_rate=question.slip_rate)
    if kernel is None:
        return None
    rows = kernel.shape[0]
    prior = (np.asarray(question.prior) if question.prior is not None and rows == len(question.prior)
             else np.full(rows, 1.0 / rows))
    return float(prior @ kernel[np.arange(rows), _correct_columns(question, rows)])


def _slope(question: Question, dprime: float) -> float:
    """``dA/dd′`` by central differences (one-sided at d′ = 0)."""
    step = 1e-4 * max(1.0, dprime)
    low = max(0.0, dprime - step)
    return (rater_accuracy(question, dprime + step) - rater_accuracy(question, low)) / (dprime + step - low)  # type: ignore[operator]


def gold_result(scenario: Scenario, channels: Sequence[Sequence[QuestionChannel]],
                expected: float | None = None) -> GoldResult | None:
    """Gold items of a scenario: cost, precision of the calibrated parameters, spam detection.

    Parameters
    ----------
    scenario
        Its ``gold`` fields; None is returned when ``gold.share`` is 0.
    channels
        The evaluation's channels per context and question (they give each d′).
    expected
        Raters per item on average (an overlap design's ``E[N]``); the fixed ``r`` when None.
    """
    gold = scenario.gold
    if gold.share <= 0.0:
        return None
    campaign = scenario.campaign
    raters = float(scenario.raters.per_item if expected is None else expected)
    items = campaign.items * gold.share / (1.0 - gold.share)
    labels = items * raters
    pool = gold.pool_size if gold.pool_size is not None else campaign.raters_available
    per_rater = None if pool is None else labels / pool
    label_cost = labels * campaign.seconds_per_item / 3600.0 * campaign.wage_per_hour * (1.0 + campaign.platform_fee)
    authoring = items * gold.authoring_cost
    weights = scenario.context_weights
    discriminability = scenario.raters.discriminability
    results = []
    fisher = 0.0
    for index, question in enumerate(scenario.questions):
        found = [rater_accuracy(question, row[index].dprime) for row in channels]
        if any(value is None for value in found):
            continue
        accuracy = float(np.dot(weights, found))
        copies = int(question.format.k or 1) if question.format.kind == "multi_select" else 1
        answers = 2 if question.format.kind == "multi_select" else question.format.alternatives
        chance = 1.0 / answers
        trials = labels * copies
        pooled = accuracy_standard_error(accuracy, trials)
        slope = sum(w * _slope(question, row[index].dprime) * row[index].dprime / discriminability
                    for w, row in zip(weights, channels))
        lambda_se = delta_method_standard_error(pooled, slope)
        if lambda_se is not None and lambda_se > 0.0:
            fisher += 1.0 / lambda_se**2
        own = None if per_rater is None else per_rater * copies
        results.append(GoldQuestion(
            name=question.name,
            accuracy=accuracy,
            chance=chance,
            labels=trials,
            accuracy_se=pooled,
            rater_accuracy_se=None if own is None or own <= 0.0 else accuracy_standard_error(accuracy, own),
            discriminability_se=lambda_se,
            spam_power=None if own is None else spam_detection_power(accuracy, chance, int(math.floor(own)),
                                                                     gold.false_flag_rate),
            labels_for_power=gold_labels_for_power(accuracy, chance, GOLD_POWER, gold.false_flag_rate),
        ))
    return GoldResult(
        share=gold.share, items=items, labels=labels, labels_per_rater=per_rater, pool=pool,
        label_cost=label_cost, authoring_cost=authoring, cost=label_cost + authoring,
        false_flag_rate=gold.false_flag_rate, questions=tuple(results),
        discriminability_se=None if fisher <= 0.0 else 1.0 / math.sqrt(fisher),
    )
