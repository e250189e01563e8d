"""Simulating a pilot from a scenario.

:func:`simulate_pilot` draws a synthetic pilot, with gold, seconds and contexts, through the
question's single-rater cascade kernel at each item's effective time and with the scenario's rater
correlation, so that a pipeline can be tested and so that calibration can be checked to recover the
parameters it was simulated with.
"""

from __future__ import annotations

import numpy as np

from models import timing
from models.population_channel import class_kernels

from advisor.evaluation.channel_inputs import rater_model
from advisor.pilot.dataset import PilotDataset, frozen_array
from advisor.pilot.kernels import NOMINAL_KINDS, ORDINAL_KINDS, cascade_kernel
from advisor.pilot.scenario_quantities import question_index, question_share
from advisor.scenario.schema import Question, Scenario

__all__ = ["simulate_pilot"]


def simulate_pilot(
    scenario: Scenario,
    *,
    items: int,
    seed: int,
    question: str | None = None,
    time_spread: float = 0.8,
    pool: int | None = None,
    name: str | None = None,
) -> PilotDataset:
    """Simulate a pilot of ``items`` items from a scenario.

    Each item gets a gold class drawn uniformly, a context drawn by the context weights, and a
    time ``t`` drawn log-normally around the scenario's seconds per item (mean ``T``, log-scale
    standard deviation ``time_spread``), rounded to 0.01 s; its ``raters.per_item`` raters all
    spend that time. Varying the time from item to item is what makes λ, β and δ₀ identifiable.
    The raters answer through the question's single-rater cascade kernel
    ``K_cog(d′(t_eff)) @ K_art`` (the method §3) with
    ``t_eff = share · max(0, t − reading) / e`` and ``d′ = λ · difficulty · (1 − exp(−β (t_eff − δ₀)))``,
    and with probability ρ all raters of an item copy one draw (the §4 mixture).

    Where the question has raters as they are (the method §9: a bias, item difficulty classes,
    rater types; :func:`advisor.evaluation.channel_inputs.rater_model`), gold is drawn from the
    question's prior (when set), each item draws its difficulty class, and each label its rater
    type and answer through that class's and type's kernel
    (:func:`models.population_channel.class_kernels`); the pool is split among the types by their
    shares, so a rater keeps one type. Without them the draws are exactly the symmetric model's.

    Parameters
    ----------
    scenario
        The scenario.
    items
        Items to simulate, 1 to 1 000 000 (labels = items × raters per item, at most 10 000 000).
    seed
        Random seed, >= 0: the same seed gives the same pilot.
    question
        Which question (may be omitted when the scenario has one); binary, categorical, ordinal
        or pairwise.
    time_spread
        Log-scale standard deviation of the time per item, in [0, 2].
    pool
        Number of distinct raters, >= raters per item (default: about 20 labels per rater, at
        least raters per item, at most 1 000).
    name
        Dataset name (default ``"simulated <scenario name>"``).

    Returns
    -------
    PilotDataset
        With gold for every item, seconds, the question name and, with several contexts, contexts.
    """
    if isinstance(items, bool) or not isinstance(items, (int, np.integer)) or not 1 <= items <= 1_000_000:
        raise ValueError(f"items must be an integer from 1 to 1000000, got {items!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if not 0.0 <= time_spread <= 2.0:
        raise ValueError(f"time_spread must be in [0, 2], got {time_spread}")
    index = question_index(scenario, question)
    target = scenario.questions[index]
    kind = target.format.kind
    if kind not in NOMINAL_KINDS + ORDINAL_KINDS:
        raise ValueError(f"question {target.name!r}: pilots can be simulated for binary, categorical, ordinal and pairwise questions, not {kind}")
    k = int(target.format.k or 2)
    per_item = scenario.raters.per_item
    labels_total = items * per_item
    if labels_total > 10_000_000:
        raise ValueError(f"items × raters per item must be at most 10000000, got {labels_total}")
    if pool is None:
        pool = int(min(1000, max(per_item, labels_total // 20)))
    if not per_item <= pool <= 1_000_000:
        raise ValueError(f"pool must be an integer from {per_item} (raters per item) to 1000000, got {pool}")
    rng = np.random.default_rng(int(seed))
    raters = scenario.raters
    share = question_share(scenario, index)
    effort = timing.hick_hyman_effort(kind, k)

    model = rater_model(scenario, target)
    gold = rng.integers(0, k, size=items) if target.prior is None else rng.choice(k, size=items, p=target.prior)
    weights = np.asarray(scenario.context_weights)
    context_of_item = rng.choice(len(weights), size=items, p=weights) if len(weights) > 1 else np.zeros(items, dtype=np.int64)
    mean = scenario.campaign.seconds_per_item
    seconds = np.round(mean * rng.lognormal(-0.5 * time_spread**2, time_spread, size=items), 2) if time_spread > 0 else np.full(items, float(mean))
    reading = np.array([timing.reading_seconds(c.reading_words, raters.reading_wpm) for c in scenario.contexts])[context_of_item]
    difficulty = np.array([c.difficulty for c in scenario.contexts])[context_of_item]
    effective = share * np.maximum(0.0, seconds - reading) / effort
    elapsed = np.maximum(effective - raters.base_time, 0.0)
    dprimes = raters.discriminability * difficulty * -np.expm1(-raters.accrual_rate * elapsed)

    # Kernels on a fine d' grid, interpolated linearly: a convex mixture of two row-stochastic
    # kernels is row-stochastic, and at this step the interpolation error is below 1e-5.
    grid = np.linspace(0.0, max(float(dprimes.max()), 1e-9), 2049)
    position = np.interp(dprimes, grid, np.arange(grid.size))
    lower = np.minimum(np.floor(position).astype(np.int64), grid.size - 2)
    fraction = (position - lower)[:, None]
    if model is None:
        table = np.stack([cascade_kernel(target, float(d), k) for d in grid])
        rows = (1.0 - fraction) * table[lower, gold] + fraction * table[lower + 1, gold]
    else:
        # Per item its difficulty class; the cells of a row are (rater type, answer) pairs.
        kernels = [class_kernels(kind, k, float(d), target.span, target.slip_rate, model) for d in grid]
        classes = rng.choice(len(model.difficulty), size=items, p=kernels[0][0])
        table = np.stack([typed for _, typed in kernels])  # (grid, H, k, T·k)
        rows = (1.0 - fraction) * table[lower, classes, gold] + fraction * table[lower + 1, classes, gold]
    cumulative = np.cumsum(rows, axis=1)
    cumulative[:, -1] = 1.0
    draws = rng.random((items, per_item))
    cells = (draws[:, :, None] > cumulative[:, None, :]).sum(axis=2)
    herded = rng.random(items) < raters.correlation
    cells[herded] = cells[herded, :1]
    answers = cells % k

    start = rng.integers(0, pool, size=items)
    permutation = rng.permutation(pool)
    rater_codes = permutation[(start[:, None] + np.arange(per_item)[None, :]) % pool]
    if model is not None and model.n_types > 1:
        # Each type has its own part of the pool (at least one rater), in proportion to its share.
        sizes = np.maximum(1, np.floor(pool * np.array([v for v, _, _ in model.types])).astype(np.int64))
        offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        types = cells // k
        rater_codes = offsets[types] + (start[:, None] + np.arange(per_item)[None, :]) % sizes[types]
        pool = int(sizes.sum())

    item_codes = np.repeat(np.arange(items, dtype=np.int64), per_item)
    class_names = _simulated_class_names(target, k)
    contexts = context_names = None
    if len(scenario.contexts) > 1:
        contexts = frozen_array(np.repeat(context_of_item.astype(np.int64), per_item))
        context_names = tuple(c.name for c in scenario.contexts)
    return PilotDataset(
        name=name or f"simulated {scenario.name}",
        items=frozen_array(item_codes),
        raters=frozen_array(rater_codes.ravel().astype(np.int64)),
        labels=frozen_array(answers.ravel().astype(np.int64)),
        gold=frozen_array(gold.astype(np.int64)),
        item_names=tuple(f"item{i + 1}" for i in range(items)),
        rater_names=tuple(f"rater{j + 1}" for j in range(pool)),
        class_names=class_names,
        seconds=frozen_array(np.repeat(seconds, per_item)),
        questions=frozen_array(np.zeros(items * per_item, dtype=np.int64)),
        question_names=(target.name,),
        contexts=contexts,
        context_names=context_names or (),
    )


def _simulated_class_names(question: Question, k: int) -> tuple[str, ...]:
    if question.format.kind == "binary":
        return ("0", "1")
    # Numbers keep an ordinal scale's order when the file is read back.
    return tuple(str(i + 1) for i in range(k))
