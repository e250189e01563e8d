"""Calibrating a scenario's raters from a pilot summary, with provenance.

:func:`apply_to_scenario` has two models. ``population`` (the default, the method §9) writes the
rater population fitted to the pilot (:attr:`~advisor.pilot.summary.PilotSummary.population`: response
bias, item difficulty classes, rater types, the class prior and the slip rate, fitted jointly by EM)
into the question's ``bias`` (or ``option_bias``), ``prior`` and ``slip_rate`` and the raters'
``difficulty_classes`` and ``rater_types``, sets ρ to 0 (the classes carry the correlation) and the
discriminability from the fitted mean d′, so nothing is inverted through an accuracy curve and an
accurate pilot is never refused. ``symmetric`` is the simpler model: ρ from the pilot's excess
unanimity and, from the speed–accuracy fit when the pilot had seconds (else by inverting its
single-rater accuracy), the discriminability, accrual rate and base time. Both convert the pilot's
seconds per item to the scenario's effective seconds, clip each value to the limits below, and add a
:class:`~advisor.scenario.schema.Provenance` entry that records what was set, how and from which pilot.
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
from advisor.scenario.schema import BIAS_KINDS, Provenance, Question, RaterType, Scenario

__all__ = ["ACCRUAL_LIMIT", "BASE_TIME_LIMIT", "CALIBRATION_MODELS", "LAMBDA_LIMIT", "RHO_LIMIT", "apply_to_scenario",
           "calibration_scale", "calibration_summary_options"]

CALIBRATION_MODELS = ("population", "symmetric")
"""``population``: the method §9's rater population; ``symmetric``: the simpler model's pooled
accuracy, symmetric kernel and ρ."""

RHO_LIMIT = 0.99
"""Largest rater correlation ρ a calibration sets (the smallest is 0)."""
LAMBDA_LIMIT = 20.0
"""Largest discriminability λ a calibration sets (the smallest is 1e-6)."""
ACCRUAL_LIMIT = 100.0
"""Largest accrual rate β a calibration sets, per second (the smallest is 1e-6)."""
BASE_TIME_LIMIT = 3600.0
"""Largest base time δ₀ a calibration sets, seconds (the smallest is 0)."""
SLIP_AT_ZERO = 1e-12
"""A fitted slip rate below this is written as 0: the fit's bound, reached to within rounding."""


def _context_means(scenario: Scenario) -> tuple[float, float]:
    """Context-weighted reading seconds and difficulty."""
    weights = scenario.context_weights
    reading = sum(w * timing.reading_seconds(c.reading_words, scenario.raters.reading_wpm) for w, c in zip(weights, scenario.contexts))
    difficulty = sum(w * c.difficulty for w, c in zip(weights, scenario.contexts))
    return float(reading), float(difficulty)


def calibration_scale(kind: str) -> str | None:
    """The pilot scale a question format is calibrated on: ``"nominal"`` (binary, categorical),
    ``"ordinal"`` (ordinal, pairwise), or None for a format a pilot cannot calibrate."""
    if kind in NOMINAL_KINDS:
        return "nominal"
    if kind in ORDINAL_KINDS:
        return "ordinal"
    return None


def calibration_summary_options(scenario: Scenario, question: Question, *, pilot_names_contexts: bool) -> dict[str, Any]:
    """The :func:`~advisor.pilot.summary.summarize` arguments that calibrating ``question`` of
    ``scenario`` takes: the question's scale, slip rate and ordinal span, and the scenario's contexts
    (difficulty and reading time) when the pilot names its items' contexts. The command line's
    ``pilot apply`` and the window's pilot wizard both summarise with these, so the same pilot and
    scenario calibrate alike (the wizard had summarised with no slip, the default span and no
    contexts)."""
    kind = question.format.kind
    scale = calibration_scale(kind)
    if scale is None:
        raise ValueError(f"question {question.name!r}: pilots calibrate binary, categorical, ordinal and pairwise questions, not {kind}")
    return {
        "scale": scale,
        "slip_rate": question.slip_rate,
        "span": question.span,
        "contexts": scenario_contexts(scenario) if pilot_names_contexts else None,
    }


def _check_compatible(question: Question, summary: PilotSummary) -> None:
    kind = question.format.kind
    wanted = calibration_scale(kind)
    if wanted is None:
        raise ValueError(f"question {question.name!r}: pilots calibrate binary, categorical, ordinal and pairwise questions, not {kind}")
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
    model: str = "population",
) -> Scenario:
    """A copy of ``scenario`` calibrated from a pilot summary, with a provenance entry.

    With ``model="population"`` (the default; the symmetric model stands in, with a note, when the
    summary has no population fit) what is set is:

    * ``questions.i.prior``: the fitted class prior (gold, Dawid–Skene elsewhere; Krichevsky–Trofimov),
      when the pilot has the question's k classes (the pilot's classes in their order are the
      question's answers in order);
    * ``questions.i.bias`` (binary, multi-select, ordinal, pairwise, scale): the type-weighted mean
      criterion ``c̄ = Σ v_t c_t``; ``questions.i.option_bias`` (categorical) the option biases (a
      two-class pilot's criterion becomes ``(0, −√2 c)``, the same kernel);
    * ``questions.i.slip_rate``: the fitted slip (0 where the kernel's d′ and c already span every
      two-class kernel, as :func:`~models.rater_population.fit_rater_population` says);
    * ``raters.difficulty_classes``: the fitted classes ``(w_h, a_h)`` (none for one class);
    * ``raters.rater_types``: with more than one type, ``(v_t, d_t / d̄, c_t − c̄)``;
    * ``raters.correlation``: 0, since the difficulty classes carry the raters' correlation;
    * ``raters.discriminability``: the mean d′ ``d̄ = Σ v_t d_t``, converted to the method §3's
      convention (÷ √2 for a yes/no question; × 2 / span for a two-class ordinal or pairwise one)
      and divided by what the scenario's time buys, ``Σ_s w_s difficulty_s (1 − e^(−β (t_eff,s − δ₀)))``;
      with a speed–accuracy fit, λ, β and δ₀ come from it as below, λ scaled by ``d̄ / d̂``, ``d̂``
      the d′ of the fit's own symmetric model at the pilot's pooled accuracy (so that the model
      reproduces the pilot at its own times).

    With ``model="symmetric"`` (the simpler model):

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
    model
        One of :data:`CALIBRATION_MODELS`.

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
    if model not in CALIBRATION_MODELS:
        raise ValueError(f"model must be one of {', '.join(CALIBRATION_MODELS)}, got {model!r}")
    index = question_index(scenario, question)
    target = scenario.questions[index]
    _check_compatible(target, summary)
    if model == "population" and summary.population is not None:
        return _apply_population(scenario, summary, index, source)
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
    if model == "population":
        details.append("the summary has no rater population fit: the symmetric calibration (pooled accuracy, ρ) is used")
    clip = _Clip()
    speed = summary.speed_accuracy
    if speed is not None:
        asymptote = speed.discriminability
        if abs(summary.slip_rate - target.slip_rate) > 1e-12:
            asymptote = _rematch_slip(summary, target, asymptote)
            details.append(
                f"λ re-matched from the pilot's assumed slip {summary.slip_rate:g} to the question's {target.slip_rate:g} at the asymptote"
            )
        changes.update(_speed_changes(scenario, summary, target, share, effort, asymptote, clip, details))
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
            effective, growth = _growth(scenario, target, share, effort, context_reading, label)
            try:
                needed = curve.inverse(accuracy)
            except InvalidArgumentError as error:
                raise ValueError(f"pilot accuracy {accuracy:.4f} ({label}) cannot be inverted: {error}") from None
            lam_sum += weight * needed / (context_difficulty * growth)
            details.append(
                f"no seconds ({label}): accuracy {accuracy:.4f} → d′ {needed:.4g} at the scenario's effective time {effective:.4g} s"
            )
        changes["raters.discriminability"] = clip("discriminability", lam_sum, 1e-6, LAMBDA_LIMIT)
        details.append(f"β {raters.accrual_rate:g}/s and δ₀ {raters.base_time:g} s kept")
        method = "pilot: accuracy inversion + excess unanimity"
    changes["raters.correlation"] = clip("correlation", summary.rho, 0.0, RHO_LIMIT)
    details.append(
        f"ρ {summary.rho:.4f} from unanimity {summary.observed_unanimity:.4f} observed vs {summary.independent_unanimity:.4f} if independent"
    )
    return _recorded(scenario, summary, source, method, changes, details + clip.notes)


class _Clip:
    """Clips a calibrated value to its limits and remembers what it clipped."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def __call__(self, name: str, value: float, low: float, high: float) -> float:
        if value > high or value < low:
            self.notes.append(f"{name} {value:.4g} clipped to [{low:g}, {high:g}]")
        return float(min(max(value, low), high))


def _growth(scenario: Scenario, target: Question, share: float, effort: float, reading: float,
            label: str) -> tuple[float, float]:
    """The scenario's effective seconds ``t_eff = share · (T − reading) / e`` for the question and the
    share of λ they buy, ``1 − e^(−β (t_eff − δ₀))``; refused when t_eff is not past δ₀."""
    raters = scenario.raters
    effective = share * max(0.0, scenario.campaign.seconds_per_item - reading) / effort
    growth = -math.expm1(-raters.accrual_rate * (effective - raters.base_time)) if effective > raters.base_time else 0.0
    if growth <= 0:
        raise ValueError(
            f"question {target.name!r} ({label}): the scenario's effective time {effective:.3g} s is not past the base "
            f"time {raters.base_time:g} s, so no discriminability reproduces the pilot's accuracy"
        )
    return effective, growth


def _speed_changes(scenario: Scenario, summary: PilotSummary, target: Question, share: float, effort: float,
                   asymptote: float, clip: _Clip, details: list[str]) -> dict[str, float]:
    """λ, β and δ₀ of the speed–accuracy fit (asymptote ``asymptote``), converted from the pilot's
    seconds per item to the scenario's effective seconds."""
    speed = summary.speed_accuracy
    assert speed is not None
    reading, difficulty = _context_means(scenario)
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
    details.append(
        f"speed–accuracy fit in pilot seconds: λ {speed.discriminability:.4g}, β {speed.accrual_rate:.4g}/s, "
        f"δ₀ {speed.base_time:.4g} s{_fit_intervals(speed)}; converted with share {share:.4g}, effort {effort:.4g}, {how}"
    )
    return {
        "raters.discriminability": clip("discriminability", asymptote / context_difficulty, 1e-6, LAMBDA_LIMIT),
        "raters.accrual_rate": clip("accrual_rate", speed.accrual_rate * effort / share, 1e-6, ACCRUAL_LIMIT),
        "raters.base_time": clip("base_time", (speed.base_time - context_reading) * share / effort, 0.0, BASE_TIME_LIMIT),
    }


def _recorded(scenario: Scenario, summary: PilotSummary, source: str | None, method: str, changes: dict[str, Any],
              details: list[str]) -> Scenario:
    """``scenario`` with ``changes`` and a provenance entry naming them, the method and the details."""
    record = Provenance(
        source=(source or summary.source)[:500],
        method=method,
        fields=tuple(sorted(changes)),
        detail="; ".join(list(details) + list(summary.notes))[:5000],
        created=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )
    changes = dict(changes)
    changes["provenance"] = [p.model_dump() for p in scenario.provenance] + [record.model_dump()]
    return scenario.with_changes(changes)


def _apply_population(scenario: Scenario, summary: PilotSummary, index: int, source: str | None) -> Scenario:
    """:func:`apply_to_scenario` with the method §9's rater population (see there)."""
    target = scenario.questions[index]
    fitted = summary.population
    assert fitted is not None
    population = fitted["population"]
    kind = fitted["kind"]
    base = f"questions.{index}"
    k = summary.k
    same_k = k == (target.format.k or 2)
    share = question_share(scenario, index)
    effort = timing.hick_hyman_effort(target.format.kind, target.format.k or 2)
    clip = _Clip()
    details: list[str] = [
        f"{summary.labels} labels on {summary.items} items by {summary.raters} raters; truth from {fitted['truth_source']}",
        f"rater population by EM ({fitted['difficulty_model']} difficulty, {len(population['difficulty_weights'])} "
        f"class(es), {len(population['dprime'])} rater type(s), AIC among {len(fitted['candidates'])} models; "
        f"log-likelihood {fitted['log_likelihood']:.2f})",
        f"single-rater accuracy {summary.single_rater_accuracy:.4f}",
    ]
    # d′ of each type in the method §3's convention of the question's format.
    factor = _dprime_factor(kind, target)
    dprimes = np.asarray(population["dprime"], dtype=float) / factor
    shares = np.asarray(population["type_weights"], dtype=float)
    biases = np.asarray(population["bias"], dtype=float)
    mean_dprime = float(shares @ dprimes)
    changes: dict[str, Any] = {}
    # The criterion (or the option biases) and the prior belong to the question's answers.
    if not same_k:
        details.append(f"the pilot had {k} classes, question {target.name!r} has {target.format.k}: bias and prior are "
                       "not carried over; d′, the difficulty classes, the rater types and the slip are")
    if kind == "nominal":
        if same_k and target.format.kind == "categorical":
            changes[f"{base}.option_bias"] = [clip("option bias", float(b), -5.0, 5.0) for b in biases[0]]
        mean_criterion = 0.0
        shifts = np.zeros(shares.size)
    else:
        criteria = biases[:, 0]
        mean_criterion = float(shares @ criteria)
        shifts = criteria - mean_criterion
        if same_k and target.format.kind == "categorical":
            # Two options: a yes/no criterion c is the forced choice with option biases (0, −√2 c).
            changes[f"{base}.option_bias"] = [0.0, clip("option bias", -math.sqrt(2.0) * mean_criterion, -5.0, 5.0)]
            if np.any(shifts != 0):
                details.append("categorical questions have no per-type criterion: the rater types' bias shifts are left out")
            shifts = np.zeros(shares.size)
        elif same_k and target.format.kind in BIAS_KINDS:
            changes[f"{base}.bias"] = clip("bias", mean_criterion, -5.0, 5.0)
    if same_k:
        changes[f"{base}.prior"] = [float(p) for p in population["prior"]]
    slip = float(population["slip"])
    # A fit at the slip's bound of 0 ends within rounding of it (2.3e-18 on RTE): that is 0.
    changes[f"{base}.slip_rate"] = clip("slip rate", 0.0 if slip < SLIP_AT_ZERO else slip, 0.0, 0.49)
    weights = np.asarray(population["difficulty_weights"], dtype=float)
    multipliers = np.asarray(population["difficulty_multipliers"], dtype=float)
    changes["raters.difficulty_classes"] = [] if weights.size == 1 and multipliers[0] == 1.0 else [
        {"weight": float(max(w, 1e-9)), "multiplier": clip("difficulty multiplier", float(a), -5.0, 10.0)}
        for w, a in zip(weights, multipliers)
    ]
    types: list[dict[str, float]] = []
    if shares.size > 1 and mean_dprime > 0:
        types = [RaterType(weight=float(max(v, 1e-9)),
                           dprime_multiplier=clip("type d′ multiplier", float(d / mean_dprime), 0.0, 10.0),
                           bias=clip("type bias shift", float(c), -5.0, 5.0)).model_dump()
                 for v, d, c in zip(shares, dprimes, shifts)]
    changes["raters.rater_types"] = types
    changes["raters.correlation"] = 0.0
    details.append(
        f"prior {', '.join(f'{p:.3f}' for p in population['prior'])}; mean d′ {mean_dprime:.4g} (question's convention); "
        f"criterion {mean_criterion:+.3f}; slip {float(population['slip']):.4f}; difficulty classes "
        + ", ".join(f"{w:.3f} × {a:.3g}" for w, a in zip(weights, multipliers))
        + f"; ρ set to 0 (the classes carry the raters' correlation; excess unanimity said {summary.rho:.4f})"
    )
    speed = summary.speed_accuracy
    if speed is not None:
        # The speed–accuracy fit gives the time course; its symmetric model's d′ at the pilot's
        # pooled accuracy against the population's mean d′ gives the level.
        level = 1.0
        curve = scale_accuracy_curve(summary.scale, k, summary.slip_rate, summary.span,
                                     np.asarray(population["prior"], dtype=float))
        try:
            symmetric = curve.inverse(summary.single_rater_accuracy)
            level = mean_dprime / symmetric if symmetric > 0 else 1.0
            details.append(f"λ scaled by {level:.4g}: the population's mean d′ {mean_dprime:.4g} against the "
                           f"symmetric model's {symmetric:.4g} at the pilot's pooled accuracy")
        except InvalidArgumentError:
            details.append("the pilot's pooled accuracy is beyond the symmetric model's range: λ of the speed–accuracy "
                           "fit kept unscaled")
        changes.update(_speed_changes(scenario, summary, target, share, effort, speed.discriminability * level, clip,
                                      details))
        method = "pilot: rater population (EM) + speed–accuracy maximum likelihood"
    else:
        raters = scenario.raters
        bought = 0.0
        for weight, context in zip(scenario.context_weights, scenario.contexts):
            reading = timing.reading_seconds(context.reading_words, raters.reading_wpm)
            effective, growth = _growth(scenario, target, share, effort, reading, context.name)
            bought += weight * context.difficulty * growth
        changes["raters.discriminability"] = clip("discriminability", mean_dprime / bought, 1e-6, LAMBDA_LIMIT)
        if len(scenario.contexts) > 1:
            details.append("the population is fitted on the pooled pilot: its difficulty classes also hold any "
                           "difference between the pilot's contexts")
        details.append(f"no seconds: λ = mean d′ / {bought:.4g} (what the scenario's time buys); β {raters.accrual_rate:g}/s "
                       f"and δ₀ {raters.base_time:g} s kept")
        method = "pilot: rater population (EM: bias, difficulty classes, rater types, prior, slip)"
    return _recorded(scenario, summary, source, method, changes, details + clip.notes)


def _dprime_factor(kind: str, target: Question) -> float:
    """The population's d′ over the method §3's d′ of the question's format: √2 for a yes/no fit of
    a binary, multi-select or categorical question (forced choice ``Φ(d′/√2)``), span / 2 for a
    yes/no fit of a two-level ordinal, pairwise or scale question, 1 otherwise."""
    if kind != "binary":
        return 1.0
    if target.format.kind in ("ordinal", "pairwise", "scale"):
        return target.span / 2.0
    return math.sqrt(2.0)


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
