"""Overlap designs with raters as they are (the method §9): item difficulty classes, rater types and
response bias reach the adaptive and partial designs' channels, which used the homogeneous rater."""

from __future__ import annotations

import numpy as np
import pytest

from models.capacity import blahut_arimoto
from models.channel import rater_kernel
from models.overlap import adaptive_panel, length_law_panel

from advisor.evaluation.evaluate import evaluate
from advisor.scenario.schema import example_scenarios

HALF_IMPOSSIBLE = [{"weight": 1.0, "multiplier": 1.0}, {"weight": 1.0, "multiplier": 0.0}]


def _verdict_holds(evaluation) -> None:
    """The verdict printed is true of the evaluated design (method §8.4): "cannot" only where the floor is
    above the target or the items are fewer than any learner needs; "meets" only where the achievable
    risk meets the target and the items suffice for the value model."""
    needed, items, target = evaluation.items_needed, evaluation.items, evaluation.target_risk
    cannot = evaluation.floor > target or needed.at_least is None or items < needed.at_least
    meets = (not cannot and evaluation.achievable <= target and needed.at_most is not None
             and items >= needed.at_most)
    assert evaluation.verdict == ("cannot" if cannot else "meets" if meets else "undecided")


@pytest.fixture(scope="module")
def attacks():
    """The adaptive example: 2 raters, a third while the top answer's share is below 0.6 (binary)."""
    scenario = next(s for s in example_scenarios() if s.name.startswith("Personal attacks"))
    assert scenario.overlap.mode == "adaptive" and scenario.questions[0].format.kind == "binary"
    return scenario


def test_adaptive_overlap_sees_items_no_rater_can_judge(attacks):
    """Half the items impossible (d′ × 0): the adaptive design kept 0.60 bits and "meets the target", as if
    every item were easy. Its watched channel is now the two classes' mixture of stopped panels, checked
    against the classes' panels built one by one from the plain rater kernel and mixed here."""
    hard = attacks.with_changes({"raters.difficulty_classes": HALF_IMPOSSIBLE})
    plain, evaluation = evaluate(attacks), evaluate(hard)
    overlap, question = attacks.overlap, attacks.questions[0]
    first, most = attacks.raters.per_item, max(overlap.max_raters, attacks.raters.per_item)
    for context in evaluation.contexts:
        result = context.questions[0]
        panels = [adaptive_panel(rater_kernel("binary", 2, multiplier * result.dprime, span=question.span,
                                              slip_rate=question.slip_rate),
                                 first, most, correlation=attacks.raters.correlation, rule=overlap.stop_rule,
                                 threshold=overlap.stop_threshold)
                  for multiplier in (1.0, 0.0)]
        mixture = 0.5 * panels[0].kernel + 0.5 * panels[1].kernel
        assert result.panel_nats == pytest.approx(blahut_arimoto(mixture).nats, abs=1e-7)
    assert evaluation.capacity_nats < 0.5 * plain.capacity_nats
    _verdict_holds(evaluation)
    # The verdict is of this design: a floor above the target cannot meet it.
    assert evaluation.verdict != "meets"
    assert (evaluation.floor > evaluation.target_risk) == (evaluation.verdict == "cannot")


def test_a_mixture_of_equal_classes_or_types_is_the_homogeneous_design(attacks):
    """Classes or types that do not differ are one: the same numbers as without them."""
    plain = evaluate(attacks)
    for changes in ({"raters.difficulty_classes": [{"weight": 0.3, "multiplier": 1.0}, {"weight": 0.7, "multiplier": 1.0}]},
                    {"raters.rater_types": [{"weight": 0.5, "dprime_multiplier": 1.0, "bias": 0.0},
                                            {"weight": 0.5, "dprime_multiplier": 1.0, "bias": 0.0}]}):
        same = evaluate(attacks.with_changes(changes))
        assert same.capacity_nats == pytest.approx(plain.capacity_nats, rel=1e-9)
        assert same.overlap.expected_raters == pytest.approx(plain.overlap.expected_raters, rel=1e-9)
        assert same.verdict == plain.verdict
        _verdict_holds(same)


def test_adaptive_overlap_sees_a_pool_with_poor_raters(attacks):
    """Two thirds of the labels from raters of d′ × 0.2: the adaptive design's channel was the plain rater's."""
    pool = attacks.with_changes({"raters.rater_types": [{"weight": 1.0, "dprime_multiplier": 1.0, "bias": 0.0},
                                                        {"weight": 2.0, "dprime_multiplier": 0.2, "bias": 0.0}]})
    plain, evaluation = evaluate(attacks), evaluate(pool)
    assert evaluation.capacity_nats < 0.8 * plain.capacity_nats
    _verdict_holds(evaluation)


def test_partial_overlap_with_two_classes_of_items_is_the_known_state_mixture_of_their_panels():
    """A partial design's other questions took the homogeneous kernel's mixture: with half the items
    impossible its capacity is now the mixture of the classes' panels of each size, built here from the
    plain rater kernel (one class at a time, as known-state mixtures)."""
    base = next(s for s in example_scenarios() if s.questions[0].format.kind == "ordinal"
                and s.overlap.mode == "fixed" and len(s.questions) == 1)
    partial = base.with_changes({"overlap.mode": "partial", "overlap.extra_share": 0.25, "overlap.extra_raters": 4,
                                 "raters.difficulty_classes": HALF_IMPOSSIBLE, "raters.correlation": 0.0})
    evaluation = evaluate(partial)
    _verdict_holds(evaluation)
    question = partial.questions[0]
    law = {partial.raters.per_item: 0.75, 4: 0.25}
    for context in evaluation.contexts:
        result = context.questions[0]
        blocks = [length_law_panel(rater_kernel("ordinal", question.format.k, multiplier * result.dprime,
                                                span=question.span, slip_rate=question.slip_rate), law)[0]
                  for multiplier in (1.0, 0.0)]
        assert result.panel_nats == pytest.approx(blahut_arimoto(0.5 * blocks[0] + 0.5 * blocks[1]).nats, abs=1e-7)


def _typed_stopped_capacity(weights, typed, types, start, most, rho, threshold):
    """Capacity, nats, of an adaptive binary design's stopped channel with the raters' types told apart:
    every sequence of (type, answer) labels walked, the agreement rule reading the answers alone."""
    import itertools

    from models.capacity import blahut_arimoto

    answers = typed.shape[1]
    cells = types * answers

    def likelihood(sequence):
        value = np.zeros(answers)
        for h, w in enumerate(weights):
            independent = np.prod([typed[h][:, c] for c in sequence], axis=0)
            herd = typed[h][:, sequence[0]] if len(set(sequence)) == 1 else 0.0
            value += w * ((1.0 - rho) * independent + rho * herd)
        return value

    def stops(sequence):
        votes = np.bincount([c % answers for c in sequence], minlength=answers)
        return len(sequence) == most or votes.max() >= (threshold - 1e-12) * len(sequence)

    outcomes = {}
    for n in range(start, most + 1):
        for sequence in itertools.product(range(cells), repeat=n):
            if stops(sequence) and not any(stops(sequence[:m]) for m in range(start, n)):
                key = (n, tuple(np.bincount(sequence, minlength=cells)))
                outcomes[key] = outcomes.get(key, 0.0) + likelihood(sequence)
    return blahut_arimoto(np.array(list(outcomes.values())).T).nats


def test_with_rater_types_the_adaptive_floor_stays_a_floor(attacks):
    """Half the labels from raters four times as discriminating, half from raters who guess: the stopped
    channel of answers alone (types not told apart) had 0.25 nats, and the floor computed from it, above the
    target, said "cannot meet" of a design that always has the 2 raters of an "undecided" fixed design.
    The design's own channel (types told apart, walked label by label here) lies between the lower and the
    upper end shown, and the floor is at most the fixed 3-rater design's."""
    from advisor.evaluation.channel_inputs import rater_model
    from models.population_channel import class_kernels

    types = [{"weight": 0.5, "dprime_multiplier": 4.0, "bias": 0.0}, {"weight": 0.5, "dprime_multiplier": 0.0, "bias": 0.0}]
    pool = attacks.with_changes({"raters.rater_types": types})
    evaluation = evaluate(pool)
    question, overlap = pool.questions[0], pool.overlap
    model = rater_model(pool, question)
    most = max(overlap.max_raters, pool.raters.per_item)
    for context in evaluation.contexts:
        result = context.questions[0]
        weights, typed = class_kernels("binary", 2, result.dprime, question.span, question.slip_rate, model)
        truth = _typed_stopped_capacity(weights, typed, model.n_types, pool.raters.per_item, most,
                                        pool.raters.correlation, overlap.stop_threshold)
        assert result.panel_nats <= truth + 1e-7 <= result.panel_upper_nats + 2e-7
        assert not result.panel_exact
    fixed_most = evaluate(pool.with_changes({"overlap.mode": "fixed", "raters.per_item": most}))
    assert evaluation.floor <= fixed_most.floor + 1e-12
    fixed_first = evaluate(pool.with_changes({"overlap.mode": "fixed"}))
    assert fixed_first.verdict != "cannot" and evaluation.verdict != "cannot"
    for shown in (evaluation, fixed_most, fixed_first):
        _verdict_holds(shown)
