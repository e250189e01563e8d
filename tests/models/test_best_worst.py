"""Best–worst scaling (models.best_worst): the Thurstonian kernel against Monte Carlo of its
percepts, MaxDiff's closed form against Monte Carlo of its random-utility model, the exact
capacity against Blahut–Arimoto, and the format in the question channel."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

import models
from models.best_worst import (
    best_worst_answers,
    best_worst_capacity,
    best_worst_kernel,
    best_worst_orders,
    best_worst_probabilities,
    best_worst_utilities,
)
from models.capacity import blahut_arimoto
from models.channel import question_channel, rater_kernel
from models.panel import count_kernel, joint_panel_kernel

Z = 4.5
"""Monte Carlo checks accept the exact value within Z standard errors (with n(n − 1) cells each)."""


def monte_carlo_check(exact: np.ndarray, counts: np.ndarray, draws: int) -> None:
    frequencies = counts / draws
    spread = np.sqrt(exact * (1 - exact) / draws) + 1.0 / draws
    assert np.all(np.abs(frequencies - exact) <= Z * spread), np.max(np.abs(frequencies - exact) / spread)


@pytest.mark.parametrize(("d", "n", "span"), [(0.4, 3, 3.0), (1.0, 4, 3.0), (0.7, 5, 2.0), (2.5, 4, 1.0)])
def test_thurstonian_probabilities_match_a_simulation_of_the_percepts(d, n, span):
    rng = np.random.default_rng(n * 100 + int(10 * d))
    exact = best_worst_probabilities(d, n, span=span)
    mu = best_worst_utilities(d, n, span=span)
    draws = 400_000
    percepts = mu + rng.standard_normal((draws, n))
    counts = np.zeros((n, n))
    np.add.at(counts, (percepts.argmax(axis=1), percepts.argmin(axis=1)), 1.0)
    monte_carlo_check(exact, counts, draws)


@pytest.mark.parametrize(("d", "n"), [(0.5, 3), (1.5, 4), (1.0, 5)])
def test_maxdiff_closed_form_matches_its_random_utility_model(d, n):
    # MaxDiff: the rater picks the ordered pair (a, b) with the largest v_a - v_b + eps_ab, eps
    # independent Gumbel for every ordered pair (Marley & Louviere 2005).
    rng = np.random.default_rng(n)
    exact = best_worst_probabilities(d, n, model="maxdiff")
    values = best_worst_utilities(d, n) / math.sqrt(math.pi)
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    draws = 300_000
    scores = np.array([values[a] - values[b] for a, b in pairs]) + rng.gumbel(size=(draws, len(pairs)))
    counts = np.zeros((n, n))
    for index, hits in enumerate(np.bincount(scores.argmax(axis=1), minlength=len(pairs))):
        counts[pairs[index]] = hits
    monte_carlo_check(exact, counts, draws)


def test_two_items_are_a_forced_pairwise_choice():
    for d in (0.0, 0.3, 1.2, 3.0):
        p = best_worst_probabilities(d, 2, span=3.0)
        assert p[0, 1] == pytest.approx(float(special.ndtr(3.0 * d / math.sqrt(2.0))), abs=1e-6)
        assert p[1, 0] == pytest.approx(1.0 - p[0, 1], abs=1e-12)


def test_without_discrimination_every_pair_is_equally_likely():
    for model in ("thurstone", "maxdiff"):
        p = best_worst_probabilities(0.0, 4, model=model)
        off = p[~np.eye(4, dtype=bool)]
        assert np.allclose(off, 1.0 / 12.0, atol=1e-12)


def test_kernel_rows_are_relabellings_of_one_another():
    kernel = best_worst_kernel(0.9, 4, slip_rate=0.03)
    assert kernel.shape == (24, 12)
    assert np.allclose(kernel.sum(axis=1), 1.0)
    first = np.sort(kernel[0])
    assert all(np.allclose(np.sort(row), first, atol=1e-15) for row in kernel)
    # The true best and worst of each order get the largest probability.
    orders, answers = best_worst_orders(4), best_worst_answers(4)
    for row, order in zip(kernel, orders):
        assert answers[int(np.argmax(row))] == (order[0], order[-1])


@pytest.mark.parametrize(("d", "n", "slip"), [(0.5, 3, 0.0), (1.1, 4, 0.02), (0.8, 5, 0.05), (4.0, 4, 0.01)])
def test_closed_form_capacity_is_blahut_arimotos(d, n, slip):
    closed = best_worst_capacity(d, n, slip_rate=slip)
    assert blahut_arimoto(best_worst_kernel(d, n, slip_rate=slip)).nats == pytest.approx(closed, abs=1e-9)


def test_capacity_grows_with_discriminability_and_falls_with_slips():
    values = [best_worst_capacity(d, 4) for d in (0.0, 0.3, 0.8, 1.5, 3.0)]
    assert values[0] == pytest.approx(0.0, abs=1e-12)
    assert all(b > a for a, b in zip(values, values[1:]))
    assert best_worst_capacity(1.0, 4, slip_rate=0.1) < best_worst_capacity(1.0, 4, slip_rate=0.01)


def test_hick_hyman_effort_counts_both_choices():
    assert models.hick_hyman_effort("best_worst", 4) == pytest.approx(math.log2(12))
    assert models.hick_hyman_effort("best_worst", 5) == pytest.approx(math.log2(20))


def test_question_channel_of_best_worst():
    one = question_channel("best_worst", 4, seconds=15.0, raters=1)
    kernel = rater_kernel("best_worst", 4, one.dprime, slip_rate=0.02)
    assert one.cascade_nats == pytest.approx(blahut_arimoto(kernel).nats, abs=1e-9)
    assert one.cascade_nats <= min(one.cognitive_nats, one.articulation_nats) + 1e-12
    assert one.alternatives == 12 and one.max_nats == pytest.approx(math.log(24))
    assert one.effort == pytest.approx(math.log2(12))
    panels = [question_channel("best_worst", 4, seconds=15.0, raters=r, correlation=0.1) for r in (1, 2, 3, 4)]
    assert all(p.panel_exact for p in panels)
    assert all(b.panel_nats >= a.panel_nats - 1e-9 for a, b in zip(panels, panels[1:]))
    # Several raters tell more than one, up to the 24 orders (one rater's answers are only 12).
    assert panels[-1].panel_nats > one.panel_nats + 0.1
    assert panels[-1].panel_nats <= math.log(24) + 1e-12


def test_panel_capacity_equals_brute_force_over_the_answer_tuples():
    kernel = best_worst_kernel(1.2, 3, slip_rate=0.02)
    histogram = blahut_arimoto(count_kernel(kernel, 2, correlation=0.2)).nats
    tuples = blahut_arimoto(joint_panel_kernel(kernel, 2, correlation=0.2)).nats
    assert histogram == pytest.approx(tuples, abs=1e-9)
    channel = question_channel("best_worst", 3, seconds=10.0, raters=2, correlation=0.2)
    own = rater_kernel("best_worst", 3, channel.dprime, slip_rate=0.02)
    assert channel.panel_nats == pytest.approx(blahut_arimoto(count_kernel(own, 2, correlation=0.2)).nats, abs=1e-9)


def test_perfect_raters_never_order_the_middle_items():
    # Best and worst say nothing about the order of the items between them, so as d′ grows (no
    # slips) every panel tends to ln(n(n − 1)): the best and the worst, exactly. At a moderate d′ the
    # raters' errors reveal the middle order, and a panel carries more than that limit.
    limit = math.log(12)
    sharp = best_worst_kernel(12.0, 4)
    for raters in (1, 3, 6):
        assert blahut_arimoto(count_kernel(sharp, raters)).nats == pytest.approx(limit, abs=1e-6)
    moderate = blahut_arimoto(count_kernel(best_worst_kernel(1.5, 4), 6)).nats
    assert moderate > limit + 0.3
    # One rater alone is monotone in d′.
    singles = [best_worst_capacity(d, 4) for d in np.linspace(0.0, 12.0, 25)]
    assert all(b >= a - 1e-12 for a, b in zip(singles, singles[1:]))
