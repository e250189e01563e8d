"""Calibrating a scenario's raters from a pilot summary, with provenance.

:func:`apply_to_scenario` sets ``raters.correlation`` from the pilot's ρ and, from the speed–accuracy
fit when the pilot had seconds (else by inverting its single-rater accuracy), the discriminability,
accrual rate and base time, converted from the pilot's seconds per item to the scenario's effective
seconds; each value is clipped to the limits below, and a :class:`~advisor.scenario.schema.Provenance`
entry records what was set, how and from which pilot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import numpy as np

from models import timing
from models.errors import InvalidArgumentError

from advisor.pilot.kernels import NOMINAL_KINDS, ORDINAL_KINDS, scale_accuracy_curve
from advisor.pilot.scenario_quantities import question_index, question_share, scenario_contexts
from advisor.pilot.summary import PilotSummary
from advisor.scenario.schema import Provenance, Question, Scenario

__all__ = ["ACCRUAL_LIMIT", "BASE_TIME_LIMIT", "LAMBDA_LIMIT", "RHO_LIMIT", "apply_to_scenario"]

RHO_LIMIT = 0.99
"""Largest rater correlation ρ a calibration sets (the smallest is 0)."""
LAMBDA_LIMIT = 20.0
"""Largest discriminability λ a calibration sets (the smallest is 1e-6)."""
ACCRUAL_LIMIT = 100.0
"""Largest accrual rate β a calibration sets, per second (the smallest is 1e-6)."""
BASE_TIME_LIMIT = 3600.0
"""Largest base time δ₀ a calibration sets, seconds (the smallest is 0)."""


def _context_means(scenario: Scenario) -> tuple[float, float]:
    """Context-weighted reading seconds and difficulty."""
    weights = scenario.context_weights
    reading = sum(w * timing.reading_seconds(c.reading_words, scenario.raters.reading_wpm) for w, c in zip(weights, scenario.contexts))
    difficulty = sum(w * c.difficulty for w, c in zip(weights, scenario.contexts))
    return float(reading), float(difficulty)


def _check_compatible(question: Question, summary: PilotSummary) -> None:
    kind = question.format.kind
    if kind not in NOMINAL_KINDS + ORDINAL_KINDS:
        raise ValueError(f"question {question.name!r}: pilots calibrate binary, categorical, ordinal and pairwise questions, not {kind}")
    wanted = "nominal" if kind in NOMINAL_KINDS else "ordinal"
    if summary.scale != wanted:
        raise ValueError(
            f"question {question.name!r} is {kind}, but the pilot was summarised on the {summary.scale} scale; "
            f"summarise it with scale={wanted!r}"
        )


def apply_to_scenario(
    scenario: Scenario,
    summary: PilotSummary,
    *,
    question: str | None = None,
    source: str | None = None,
) -> Scenario:
    """A copy of ``scenario`` calibrated from a pilot summary, with a provenance entry.

    What is set:

    * ``raters.correlation`` from ρ (capped at 0.99);
    * with a speed–accuracy fit: ``raters.discriminability``, ``raters.accrual_rate`` and
      ``raters.base_time``, converted from the pilot's seconds per item to the scenario's
      effective seconds ``t_eff = share · (t − R_s) / e`` (e the Hick–Hyman effort, share the
      question's time share, R_s the context's reading time). When the summary was made with this
      scenario's contexts (``summarize(..., contexts=...)``) the fit already holds per-context
      difficulty and reading time: ``λ = λ̂``, ``β = β̂ · e / share``, ``δ₀ = δ̂₀ · share / e``.
      Otherwise the context-weighted means R and D stand in:
      ``λ = λ̂ / D``, ``β = β̂ · e / share``, ``δ₀ = (δ̂₀ − R) · share / e``;
    * without one: ``raters.discriminability`` only, inverting the single-rater accuracy of the
      pilot through the question's kernel (with its slip rate) at the scenario's effective time,
      i.e. assuming the pilot ran with the scenario's time per item — per context when the pilot
      has every context of the scenario (``λ = Σ_s w_s d′_s / (difficulty_s · growth_s)``), else
      pooled with the mean difficulty.

    Parameters
    ----------
    scenario
        The scenario to calibrate.
    summary
        From :func:`~advisor.pilot.summary.summarize`, on the scale matching the question's format.
    question
        The scenario question the pilot measured (may be omitted when there is one).
    source
        Where the pilot came from, for the provenance (default: the summary's source).

    Returns
    -------
    Scenario
        A validated copy; the original is unchanged.

    Raises
    ------
    ValueError
        When the question is unknown or unsupported, the scale does not match, or the pilot's
        accuracy cannot be inverted (at or below chance, or the scenario's effective time is not
        past the base time).
    """
    index = question_index(scenario, question)
    target = scenario.questions[index]
    _check_compatible(target, summary)
    share = question_share(scenario, index)
    effort = timing.hick_hyman_effort(target.format.kind, summary.k)
    reading, difficulty = _context_means(scenario)
    raters = scenario.raters
    changes: dict[str, Any] = {}
    details: list[str] = [
        f"{summary.labels} labels on {summary.items} items by {summary.raters} raters; kernel from {summary.kernel_source}",
        f"single-rater accuracy {summary.single_rater_accuracy:.4f}; capacity {summary.capacity_nats:.4f} nats "
        f"({summary.capacity_level:.0%} CI {summary.capacity_ci[0]:.4f}–{summary.capacity_ci[1]:.4f})",
    ]
    if summary.k != (target.format.k or 2):
        details.append(f"the pilot had {summary.k} classes, question {target.name!r} has {target.format.k}: λ is carried over as a rater property")
    clipped: list[str] = []

    def limited(name: str, value: float, low: float, high: float) -> float:
        if value > high or value < low:
            clipped.append(f"{name} {value:.4g} clipped to [{low:g}, {high:g}]")
        return float(min(max(value, low), high))

    speed = summary.speed_accuracy
    if speed is not None:
        asymptote = speed.discriminability
        if abs(summary.slip_rate - target.slip_rate) > 1e-12:
            asymptote = _rematch_slip(summary, target, asymptote)
            details.append(
                f"λ re-matched from the pilot's assumed slip {summary.slip_rate:g} to the question's {target.slip_rate:g} at the asymptote"
            )
        if share <= 0:
            raise ValueError(f"question {target.name!r} has no judgment time (share 0): cannot convert the pilot's times")
        if summary.context_model is not None:
            _check_context_model(scenario, summary.context_model)
            context_reading, context_difficulty = 0.0, 1.0
            how = "per-context difficulty and reading time inside the fit"
        else:
            context_reading, context_difficulty = reading, difficulty
            how = f"context-weighted reading {reading:.4g} s and difficulty {difficulty:.4g}"
            if len(scenario.contexts) > 1:
                details.append("the pilot's fit ignores contexts, so mean reading time and difficulty stand in for them")
        lam = limited("discriminability", asymptote / context_difficulty, 1e-6, LAMBDA_LIMIT)
        beta = limited("accrual_rate", speed.accrual_rate * effort / share, 1e-6, ACCRUAL_LIMIT)
        delta = limited("base_time", (speed.base_time - context_reading) * share / effort, 0.0, BASE_TIME_LIMIT)
        changes.update({"raters.discriminability": lam, "raters.accrual_rate": beta, "raters.base_time": delta})
        details.append(
            f"speed–accuracy fit in pilot seconds: λ {speed.discriminability:.4g}, β {speed.accrual_rate:.4g}/s, "
            f"δ₀ {speed.base_time:.4g} s{_fit_intervals(speed)}; converted with share {share:.4g}, effort {effort:.4g}, {how}"
        )
        method = "pilot: speed–accuracy maximum likelihood + excess unanimity"
    else:
        curve = scale_accuracy_curve(summary.scale, summary.k, target.slip_rate, target.span, np.full(summary.k, 1.0 / summary.k))
        names = [c.name for c in scenario.contexts]
        if len(names) > 1 and all(name in summary.context_accuracy for name in names):
            strata = [
                (w, c.difficulty, timing.reading_seconds(c.reading_words, raters.reading_wpm), summary.context_accuracy[c.name], c.name)
                for w, c in zip(scenario.context_weights, scenario.contexts)
            ]
        else:
            strata = [(1.0, difficulty, reading, summary.single_rater_accuracy, "all contexts")]
        lam_sum = 0.0
        for weight, context_difficulty, context_reading, accuracy, label in strata:
            effective = share * max(0.0, scenario.campaign.seconds_per_item - context_reading) / effort
            growth = -math.expm1(-raters.accrual_rate * (effective - raters.base_time)) if effective > raters.base_time else 0.0
            if growth <= 0:
                raise ValueError(
                    f"question {target.name!r} ({label}): the scenario's effective time {effective:.3g} s is not past the base "
                    f"time {raters.base_time:g} s, so no discriminability reproduces the pilot's accuracy"
                )
            try:
                needed = curve.inverse(accuracy)
            except InvalidArgumentError as error:
                raise ValueError(f"pilot accuracy {accuracy:.4f} ({label}) cannot be inverted: {error}") from None
            lam_sum += weight * needed / (context_difficulty * growth)
            details.append(
                f"no seconds ({label}): accuracy {accuracy:.4f} → d′ {needed:.4g} at the scenario's effective time {effective:.4g} s"
            )
        changes["raters.discriminability"] = limited("discriminability", lam_sum, 1e-6, LAMBDA_LIMIT)
        details.append(f"β {raters.accrual_rate:g}/s and δ₀ {raters.base_time:g} s kept")
        method = "pilot: accuracy inversion + excess unanimity"
    changes["raters.correlation"] = limited("correlation", summary.rho, 0.0, RHO_LIMIT)
    details.append(
        f"ρ {summary.rho:.4f} from unanimity {summary.observed_unanimity:.4f} observed vs {summary.independent_unanimity:.4f} if independent"
    )
    details.extend(clipped)
    details.extend(summary.notes)
    record = Provenance(
        source=(source or summary.source)[:500],
        method=method,
        fields=tuple(sorted(changes)),
        detail="; ".join(details)[:5000],
        created=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )
    changes["provenance"] = [p.model_dump() for p in scenario.provenance] + [record.model_dump()]
    return scenario.with_changes(changes)


def _fit_intervals(speed) -> str:
    """The fit's profile-likelihood intervals, in pilot units, for the provenance."""
    if not speed.intervals:
        return ""
    (l_lo, l_hi), (b_lo, b_hi), (d_lo, d_hi) = (speed.intervals[key] for key in ("discriminability", "accrual_rate", "base_time"))
    return (f" ({speed.level:.0%} profile intervals λ {l_lo:.3g}–{l_hi:.3g}, β {b_lo:.3g}–{b_hi:.3g}/s, "
            f"δ₀ {d_lo:.3g}–{d_hi:.3g} s)")


def _check_context_model(scenario: Scenario, model: Mapping[str, tuple[float, float]]) -> None:
    wanted = scenario_contexts(scenario)
    for name, (difficulty, reading) in model.items():
        if name not in wanted or not np.allclose(wanted[name], (difficulty, reading), rtol=1e-9, atol=1e-12):
            raise ValueError(
                f"the pilot was summarised with context {name!r} = (difficulty {difficulty:g}, reading {reading:g} s), which "
                "this scenario does not have; summarise it again with contexts=scenario_contexts(scenario)"
            )


def _rematch_slip(summary: PilotSummary, target: Question, asymptote: float) -> float:
    weights = np.full(summary.k, 1.0 / summary.k)
    fitted = scale_accuracy_curve(summary.scale, summary.k, summary.slip_rate, summary.span, weights)
    wanted = scale_accuracy_curve(summary.scale, summary.k, target.slip_rate, target.span, weights)
    accuracy = float(fitted(asymptote))
    if accuracy <= wanted.chance or accuracy >= wanted.ceiling:
        return asymptote
    return wanted.inverse(accuracy)
