"""Does the calibrated model say what the pilot measured? Warnings in plain words.

A calibration writes a fitted rater model into a scenario; the pilot itself measured one rater's
information directly, the capacity of its pooled kernel with a bootstrap interval over items
(:func:`models.empirical.empirical_capacity`). :func:`check_calibration` puts the two side by side
and says, in words the window and the command line both print, where they disagree and why.

Two model numbers are compared, because they are different quantities:

* **per rater** (what the evaluation and the window show as the model's one-rater capacity): the
  capacity of one label *together with the type of the rater who gave it*, ``I(X; T, Y)``. The
  method §9's aggregator knows each label's rater, as Dawid–Skene learns each rater's confusion
  (:mod:`models.population_channel`), so with several rater types this is more than a label alone
  carries;
* **per label of a rater of unknown type**: the capacity of the pooled kernel
  ``Σ_h w_h Σ_t v_t K_ht``, the quantity the pilot's pooled kernel measures (the pilot's kernel
  mixes every rater's labels). A model that reproduces the pilot gives this inside the pilot's
  interval.

Both are taken where the pilot was: a calibration without the pilot's seconds assumes the pilot ran
at the scenario's time per item, so there they are the model at the scenario's time (the number the
window shows); a calibration from the speed–accuracy fit reproduces the pilot at its own times, so
there the model's kernels are averaged over the pilot's labels' times (in quantile bins), as the
pilot's pooled kernel averages its labels. (On a pilot simulated with times spread around 30 s the
model at 30 s gives 0.409 bits per rater, the pilot 0.301–0.335: d′(t) is concave, so the mean time
buys more than the times do on average.)

On Snow et al.'s RTE pilot (800 items, 10 labels each, three rater types fitted) the first is
0.273 bits and the second 0.164, inside the measured 0.145–0.177: the model reproduces the pilot,
and the 0.273 counts on knowing the raters' types. On the 5-item adult-content toy pilot (two types,
one of them a rater who answered every item wrongly, which a d′ ≥ 0 type cannot represent) they are
0.447 and 0.250, and the pilot measured 0.089 (0.000–0.125): the fitted raters do not reproduce it.

Thresholds come from the statistics, not from taste:

* outside the interval: the pilot's own bootstrap interval at its level (95 % by default); a model
  that reproduces the pilot's pooled kernel falls outside it with probability about 1 − level. No
  interval (0 resamples) means no comparison is made, and the warning says so;
* too few items: the rater population is chosen by AIC, which Burnham & Anderson (2002, §2.4,
  *Model Selection and Multimodel Inference*, 2nd ed.) trust only when the sample is more than about
  40 times the model's parameters (below that AIC's small-sample bias favours models too large;
  they recommend AICc). Items are the sample, because the likelihood factorises over items (labels
  of one item share its difficulty class) and the bootstrap resamples items;
* one label per item: with no item labelled twice, difficulty classes, rater correlation and a
  rater's confusion against the class prior are not identified (Dawid & Skene 1979);
* an interval that reaches 0: the pilot cannot tell its raters from guessing at its level.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from models import timing
from models.capacity import blahut_arimoto
from models.channel import question_dprime
from models.population_channel import RaterModel, class_kernels

from advisor.evaluation.channel_inputs import rater_model
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.kernels import cascade_kernel
from advisor.pilot.scenario_quantities import question_index, question_share
from advisor.pilot.summary import PilotSummary
from advisor.scenario.schema import Scenario
from advisor.units import info_text

__all__ = ["AIC_ITEMS_PER_PARAMETER", "ModelCheck", "check_calibration"]

AIC_ITEMS_PER_PARAMETER = 40
"""Items per fitted parameter below which AIC's choice is not trusted (Burnham & Anderson 2002, §2.4)."""
ZERO_NATS = 1e-6
"""An interval end at or below this is 0: the bootstrap's Blahut–Arimoto tolerance (1e-6 nats)."""
TIME_BINS = 40
"""Quantile bins of the pilot's label times the model's kernels are averaged over."""


@dataclass(frozen=True)
class ModelCheck:
    """The calibrated model's one-rater information beside the pilot's, and the warnings.

    Information in nats. ``model_nats`` is per rater at the scenario's time per item (the label and
    its rater's type: what the evaluation calls the one-rater cascade, context-weighted, as the
    window shows it); ``model_pilot_nats`` the same where the pilot was (at its own times when
    ``at_pilot_times``, else equal to ``model_nats`` up to mixing the contexts' kernels) and
    ``model_pooled_nats`` there per label of a rater of unknown type (what the pilot's pooled kernel
    measures). ``interval`` is None when the pilot was summarised without resamples.
    """

    question: str
    model_nats: float
    model_pilot_nats: float
    model_pooled_nats: float
    at_pilot_times: bool
    rater_types: int
    measured_nats: float
    interval: tuple[float, float] | None
    level: float
    items: int
    labels: int
    parameters: int | None
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (nats)."""
        return {
            "question": self.question, "model_nats": self.model_nats, "model_pilot_nats": self.model_pilot_nats,
            "model_pooled_nats": self.model_pooled_nats, "at_pilot_times": self.at_pilot_times,
            "rater_types": self.rater_types, "measured_nats": self.measured_nats,
            "interval_nats": None if self.interval is None else list(self.interval), "level": self.level,
            "items": self.items, "labels": self.labels, "parameters": self.parameters,
            "warnings": list(self.warnings),
        }


def check_calibration(summary: PilotSummary, calibrated: Scenario, *, question: str | None = None,
                      dataset: PilotDataset | None = None, evaluation: Any = None, unit: str = "bits") -> ModelCheck:
    """Compare the calibrated model's one-rater information with what the pilot measured.

    Parameters
    ----------
    summary
        The pilot's summary the scenario was calibrated from.
    calibrated
        The calibrated scenario (:func:`~advisor.pilot.calibration.apply_to_scenario`).
    question
        The scenario question the pilot measured (may be omitted when there is one).
    dataset
        The pilot itself: its label times, when the calibration used them (a speed–accuracy fit),
        place the model at the pilot's times. Without it the model is taken at the scenario's time.
    evaluation
        ``evaluate(calibrated)`` when already at hand (the window has it); else it is computed.
    unit
        ``"bits"`` or ``"nats"``: the unit of the numbers in the warnings.

    Returns
    -------
    ModelCheck
        The numbers and the warnings, each a sentence; none when the model reproduces the pilot
        and the pilot is large enough to say so.
    """
    index = question_index(calibrated, question)
    target = calibrated.questions[index]
    if evaluation is None:
        from advisor.evaluation.evaluate import evaluate

        evaluation = evaluate(calibrated, curves=False)
    model = rater_model(calibrated, target)
    shown = 0.0
    for context in evaluation.contexts:
        shown += sum(context.weight * result.cascade_nats for result in context.questions if result.name == target.name)
    times = _pilot_times(summary, dataset)
    typed, pooled = _model_at_pilot(calibrated, index, model, times)
    interval = tuple(summary.capacity_ci) if summary.bootstrap_resamples > 0 else None
    population = summary.population
    parameters = int(population["n_parameters"]) if population is not None else None
    check = ModelCheck(
        question=target.name, model_nats=float(shown), model_pilot_nats=typed, model_pooled_nats=pooled,
        at_pilot_times=times is not None,
        rater_types=1 if model is None else model.n_types, measured_nats=float(summary.capacity_nats),
        interval=interval, level=float(summary.capacity_level), items=int(summary.items),
        labels=int(summary.labels), parameters=parameters,
    )
    return replace(check, warnings=tuple(_warnings(check, unit)))


def _pilot_times(summary: PilotSummary, dataset: PilotDataset | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The pilot's label times in quantile bins ``(seconds, weights)`` when the calibration used them."""
    if dataset is None or summary.speed_accuracy is None:
        return None
    seconds = dataset.for_question(summary.question).seconds
    if seconds is None:
        return None
    timed = np.asarray(seconds, dtype=float)
    timed = timed[np.isfinite(timed)]
    if timed.size == 0:
        return None
    edges = np.quantile(timed, np.linspace(0.0, 1.0, TIME_BINS + 1))
    codes = np.clip(np.searchsorted(edges, timed, side="right") - 1, 0, TIME_BINS - 1)
    counts = np.bincount(codes, minlength=TIME_BINS).astype(float)
    sums = np.bincount(codes, weights=timed, minlength=TIME_BINS)
    used = counts > 0
    return sums[used] / counts[used], counts[used] / counts.sum()


def _model_at_pilot(scenario: Scenario, index: int, model: RaterModel | None,
                    times: tuple[np.ndarray, np.ndarray] | None) -> tuple[float, float]:
    """Capacities, nats, of one label with its rater's type and of one label alone, of the model's
    kernels mixed over the contexts (by weight) and the pilot's times (or the scenario's time)."""
    target = scenario.questions[index]
    raters = scenario.raters
    kind, k = target.format.kind, target.format.k or 2
    share = question_share(scenario, index)
    seconds, shares = times if times is not None else (np.array([scenario.campaign.seconds_per_item]), np.array([1.0]))
    typed_sum: np.ndarray | None = None
    for weight, context in zip(scenario.context_weights, scenario.contexts):
        for t, u in zip(seconds, shares):
            # The evaluation's own steps from a time per item to d′ (the method §3).
            judgment = timing.judgment_seconds(float(t), share, context.reading_words, raters.reading_wpm)
            d = question_dprime(kind, k, seconds=judgment, discriminability=raters.discriminability,
                                accrual_rate=raters.accrual_rate, base_time=raters.base_time,
                                difficulty=context.difficulty)
            if model is None:
                kernel = np.asarray(cascade_kernel(target, d))
            else:
                classes, typed = class_kernels(kind, k, d, target.span, target.slip_rate, model)
                kernel = np.einsum("h,hxy->xy", classes, typed)
            typed_sum = weight * u * kernel if typed_sum is None else typed_sum + weight * u * kernel
    assert typed_sum is not None
    answers = typed_sum.shape[0]
    pooled = typed_sum.reshape(answers, -1, answers).sum(axis=1)
    typed_nats, pooled_nats = float(blahut_arimoto(typed_sum).nats), float(blahut_arimoto(pooled).nats)
    # A label alone never carries more than with its rater's type; Blahut–Arimoto slack aside.
    return typed_nats, min(pooled_nats, typed_nats)


def _warnings(check: ModelCheck, unit: str) -> list[str]:
    def info(nats: float) -> str:
        return f"{info_text(nats, unit)} {unit}"

    level = f"{100 * check.level:.0f} %"
    out: list[str] = []
    if check.interval is None:
        out.append(f"The pilot was summarised without bootstrap resamples, so it has no interval to check the "
                   f"calibrated model's {info(check.model_nats)} per rater against.")
    else:
        low, high = check.interval
        measured = f"the {info_text(low, unit)}–{info(high)} the pilot measured ({level})"
        where = " at the pilot's own times per item" if check.at_pilot_times else ""
        def inside(nats: float) -> bool:
            return low - ZERO_NATS <= nats <= high + ZERO_NATS

        # With several rater types the like-for-like number is the pooled one: a model whose pooled
        # label lies inside the interval reproduces the pilot, and no warning is given (the window
        # shows both numbers and says which the pilot measures).
        pooled_inside = check.rater_types > 1 and inside(check.model_pooled_nats)
        if not inside(check.model_pilot_nats) and not pooled_inside:
            side = "above" if check.model_pilot_nats > high else "below"
            text = f"The calibrated model gives {info(check.model_pilot_nats)} per rater{where}, {side} {measured}."
            if check.rater_types > 1 and abs(check.model_pooled_nats - check.model_pilot_nats) > ZERO_NATS:
                text += (f" It counts on the aggregator knowing which of its {check.rater_types} rater types gave "
                         f"each label (as Dawid–Skene learns each rater); a label of a rater of unknown type, what "
                         f"the pilot measures, carries {info(check.model_pooled_nats)}, still outside it: the "
                         f"fitted raters do not reproduce the pilot.")
            else:
                text += " The fitted raters do not reproduce the pilot."
            out.append(text)
        elif check.rater_types > 1 and not pooled_inside:
            out.append(f"A label of a rater of unknown type carries {info(check.model_pooled_nats)} in the calibrated "
                       f"model{where}, outside {measured}: the fitted raters do not reproduce the pilot.")
        if low <= ZERO_NATS:
            out.append(f"The pilot's {level} interval of one rater's information reaches 0: it cannot tell its "
                       "raters from guessing.")
    if check.parameters is not None and check.items < AIC_ITEMS_PER_PARAMETER * check.parameters:
        out.append(f"The pilot's {check.items:,} items are too few to trust the fitted rater model's "
                   f"{check.parameters} parameters: AIC, which chose it, needs about {AIC_ITEMS_PER_PARAMETER} items "
                   f"per parameter (Burnham & Anderson 2002), {AIC_ITEMS_PER_PARAMETER * check.parameters:,} here.")
    if check.labels <= check.items:
        out.append("No item of the pilot has two labels: it cannot show how raters agree on an item, so item "
                   "difficulty and the raters' correlation are not identified.")
    return out
