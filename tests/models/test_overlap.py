"""Adaptive and partial overlap channels (models.overlap) against closed forms, brute force and
Monte Carlo simulation of the rater process."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.capacity import blahut_arimoto
from models.decoding import map_accuracy
from models.errors import InvalidArgumentError
from models.info import mutual_information
from models.overlap import adaptive_outcome_count, adaptive_panel, composition_index, length_law_panel
from models.panel import compositions, count_kernel

Z = 4.0
"""Monte Carlo checks accept the exact value within Z standard errors (two-sided, p ≈ 6e-5)."""


def symmetric(k: int, accuracy: float) -> np.ndarray:
    kernel = np.full((k, k), (1.0 - accuracy) / (k - 1))
    np.fill_diagonal(kernel, accuracy)
    return kernel


def ordinal_like() -> np.ndarray:
    return np.array([[0.70, 0.25, 0.05], [0.20, 0.60, 0.20], [0.05, 0.30, 0.65]])


@pytest.mark.parametrize(("total", "parts"), [(0, 3), (1, 4), (5, 3), (7, 2), (4, 5), (9, 1)])
def test_composition_index_is_the_row_of_the_compositions_table(total, parts):
    table = compositions(total, parts)
    assert np.array_equal(composition_index(table, total), np.arange(table.shape[0]))


def test_outcome_count_is_the_sum_of_the_levels():
    for answers, start, most in ((2, 1, 9), (3, 2, 6), (12, 3, 4), (5, 5, 5)):
        assert adaptive_outcome_count(answers, start, most) == sum(
            math.comb(n + answers - 1, answers - 1) for n in range(start, most + 1))


@pytest.mark.parametrize("rho", [0.0, 0.3])
def test_without_room_to_grow_the_adaptive_panel_is_the_fixed_panel(rho):
    kernel = ordinal_like()
    panel = adaptive_panel(kernel, 4, 4, correlation=rho)
    assert np.allclose(panel.kernel, count_kernel(kernel, 4, correlation=rho), atol=1e-15)
    assert panel.expected_raters() == 4.0


@pytest.mark.parametrize("p", [0.6, 0.7, 0.8])
def test_second_opinion_only_on_disagreement_matches_its_closed_form(p):
    # Two raters; a third only when they disagree (share 1/2 < 0.6): E[N] = 2 + 2p(1 - p), and the
    # MAP decision is the majority of three, whose accuracies Sheng, Provost & Ipeirotis tabulate.
    panel = adaptive_panel(symmetric(2, p), 2, 3, rule="agreement", threshold=0.6)
    assert panel.expected_raters() == pytest.approx(2 + 2 * p * (1 - p), abs=1e-14)
    majority = p**3 + 3 * p**2 * (1 - p)
    assert map_accuracy(panel.kernel) == pytest.approx(majority, abs=1e-14)
    assert round(map_accuracy(panel.kernel), 3) == {0.6: 0.648, 0.7: 0.784, 0.8: 0.896}[p]


def test_the_stopping_law_and_the_kernel_are_distributions():
    panel = adaptive_panel(ordinal_like(), 1, 7, correlation=0.2, rule="posterior", threshold=0.85,
                           prior=[0.2, 0.5, 0.3])
    assert np.allclose(panel.kernel.sum(axis=1), 1.0)
    assert np.allclose(panel.stopping.sum(axis=1), 1.0)
    assert np.all(panel.kernel >= 0.0)
    # E[N] is the mean stopped length under the kernel: Σ_x π(x) Σ_o P(o | x) n(o).
    prior = np.array([0.2, 0.5, 0.3])
    assert panel.expected_raters(prior) == pytest.approx(float(prior @ (panel.kernel @ panel.lengths)), abs=1e-12)
    # The posterior rule really varies the panel: items stop at more than one length.
    law = {int(n): float(prior @ panel.kernel[:, panel.lengths == n].sum(axis=1)) for n in np.unique(panel.lengths)}
    assert sum(share > 1e-6 for share in law.values()) >= 2
    assert set(np.unique(panel.lengths)) <= set(range(1, 8))
    assert np.array_equal(panel.histograms.sum(axis=1), panel.lengths)


def test_more_room_never_loses_information_or_accuracy():
    kernel = ordinal_like()
    capacities, accuracies = [], []
    for most in range(2, 7):
        panel = adaptive_panel(kernel, 2, most, correlation=0.1, rule="agreement", threshold=0.75)
        capacities.append(blahut_arimoto(panel.kernel).nats)
        accuracies.append(map_accuracy(panel.kernel))
    assert all(b >= a - 1e-9 for a, b in zip(capacities, capacities[1:]))
    assert all(b >= a - 1e-12 for a, b in zip(accuracies, accuracies[1:]))


def test_too_many_histograms_are_refused():
    with pytest.raises(InvalidArgumentError, match="vote histograms"):
        adaptive_panel(symmetric(10, 0.5), 1, 12, max_outcomes=1000)


def _simulate_adaptive(kernel, prior, start, most, rule, threshold, rho, items, rng):
    """Simulate the rater process item by item: independent raters or, with probability rho, one
    shared draw; add raters until the rule stops. Returns (truth, stopped histograms, lengths).

    The posterior rule is only simulated at rho = 0, where it is the product of the votes'
    likelihoods (the path's probability), computed here from the kernel directly."""
    k = kernel.shape[1]
    log_kernel = np.log(kernel)
    truth = rng.choice(len(prior), size=items, p=prior)
    herding = rng.random(items) < rho
    histograms = np.zeros((items, k), dtype=np.int64)
    lengths = np.zeros(items, dtype=np.int64)
    for item in range(items):
        x = truth[item]
        votes = np.zeros(k, dtype=np.int64)
        shared = rng.choice(k, p=kernel[x]) if herding[item] else None
        n = 0
        while True:
            for _ in range(start if n == 0 else 1):
                votes[shared if shared is not None else rng.choice(k, p=kernel[x])] += 1
                n += 1
            if n >= most:
                break
            if rule == "agreement":
                decisive = votes.max() >= (threshold - 1e-12) * n
            else:
                log_post = np.log(prior) + log_kernel @ votes
                post = np.exp(log_post - log_post.max())
                decisive = post.max() / post.sum() >= threshold - 1e-12
            if decisive:
                break
        histograms[item] = votes
        lengths[item] = n
    return truth, histograms, lengths


@pytest.mark.parametrize(("rule", "threshold", "rho", "prior", "start"), [
    ("agreement", 0.7, 0.25, (1 / 3, 1 / 3, 1 / 3), 2),
    ("posterior", 0.9, 0.0, (0.2, 0.5, 0.3), 1),
])
def test_adaptive_panel_matches_a_simulation_of_the_raters(rule, threshold, rho, prior, start):
    rng = np.random.default_rng(20240611)
    kernel = ordinal_like()
    most = 6
    panel = adaptive_panel(kernel, start, most, correlation=rho, rule=rule, threshold=threshold, prior=prior)
    # The rule must really vary the number of raters for the check to mean anything.
    assert start + 0.5 < panel.expected_raters(prior) < most - 1
    items = 20_000
    truth, histograms, lengths = _simulate_adaptive(kernel, np.array(prior), start, most, rule, threshold, rho, items,
                                                    rng)
    # Expected raters: the simulated mean within Z standard errors of the exact E[N].
    expected = panel.expected_raters(prior)
    assert abs(lengths.mean() - expected) <= Z * lengths.std(ddof=1) / math.sqrt(items)
    # MAP accuracy: decode each simulated outcome with the exact kernel; the hit rate estimates
    # sum_o max_x pi(x) P(o | x) without bias.
    index = {(int(n), tuple(int(v) for v in h)): o for o, (n, h) in enumerate(zip(panel.lengths, panel.histograms))}
    outcomes = np.array([index[(int(n), tuple(int(v) for v in h))] for n, h in zip(lengths, histograms)])
    decision = np.argmax(np.asarray(prior)[:, None] * panel.kernel, axis=0)
    hits = decision[outcomes] == truth
    accuracy = map_accuracy(panel.kernel, prior)
    assert abs(hits.mean() - accuracy) <= Z * math.sqrt(accuracy * (1 - accuracy) / items)
    # Every outcome's frequency given the truth against its exact probability.
    for x in range(3):
        chosen = outcomes[truth == x]
        frequencies = np.bincount(chosen, minlength=panel.kernel.shape[1]) / chosen.size
        spread = np.sqrt(panel.kernel[x] * (1 - panel.kernel[x]) / chosen.size) + 1.0 / chosen.size
        assert np.all(np.abs(frequencies - panel.kernel[x]) <= Z * spread)


def test_length_law_panel_mixes_informations_and_accuracies():
    kernel = ordinal_like()
    law = {2: 0.7, 5: 0.3}
    panel, lengths = length_law_panel(kernel, law, correlation=0.15)
    assert np.allclose(panel.sum(axis=1), 1.0)
    assert np.array_equal(np.unique(lengths), [2, 5])
    parts = {n: count_kernel(kernel, n, correlation=0.15) for n in law}
    prior = np.array([0.5, 0.2, 0.3])
    # The decoder knows n: information and MAP accuracy are the mixtures of the panels'.
    assert mutual_information(prior, panel) == pytest.approx(
        sum(p * mutual_information(prior, parts[n]) for n, p in law.items()), abs=1e-12)
    assert map_accuracy(panel, prior) == pytest.approx(
        sum(p * map_accuracy(parts[n], prior) for n, p in law.items()), abs=1e-12)
    # Capacity: at most the mixture of the capacities, at least the best single input's mixture.
    capacity = blahut_arimoto(panel).nats
    assert capacity <= sum(p * blahut_arimoto(parts[n]).nats for n, p in law.items()) + 1e-9
    uniform = np.full(3, 1 / 3)
    assert capacity >= mutual_information(uniform, panel) - 1e-12


def test_length_law_panel_of_symmetric_kernels_has_the_mixture_of_capacities():
    kernel = symmetric(3, 0.6)
    law = {1: 0.25, 3: 0.5, 4: 0.25}
    panel, _ = length_law_panel(kernel, law)
    expected = sum(p * blahut_arimoto(count_kernel(kernel, n)).nats for n, p in law.items())
    assert blahut_arimoto(panel).nats == pytest.approx(expected, abs=1e-9)


def test_partial_overlap_matches_a_simulation():
    rng = np.random.default_rng(7)
    kernel = symmetric(2, 0.68)
    share, low, high = 0.3, 1, 3
    panel, lengths = length_law_panel(kernel, {low: 1 - share, high: share})
    items = 40_000
    truth = rng.integers(0, 2, size=items)
    sizes = np.where(rng.random(items) < share, high, low)
    correct = rng.random((items, high)) < 0.68
    votes_for_truth = np.array([correct[i, :n].sum() for i, n in enumerate(sizes)])
    # The MAP decision given (n, votes) comes from the exact kernel's columns.
    decision = np.argmax(panel, axis=0)
    column = {}
    for o, (n, h) in enumerate(zip(lengths, compositions_by_length(lengths))):
        column[(int(n), int(h))] = o
    hits = []
    for x, n, good in zip(truth, sizes, votes_for_truth):
        ones = good if x == 1 else n - good
        hits.append(decision[column[(int(n), int(n - ones))]] == x)
    hits = np.array(hits)
    accuracy = map_accuracy(panel)
    assert abs(hits.mean() - accuracy) <= Z * math.sqrt(accuracy * (1 - accuracy) / items)


def compositions_by_length(lengths: np.ndarray) -> list[int]:
    """The first part (votes for answer 0) of each column of a binary length-law panel, in order."""
    first = []
    for n in sorted(set(int(v) for v in lengths)):
        first += [int(row[0]) for row in compositions(n, 2)]
    return first


def _sequences_reference(kernels, weights, start, most, rho, rule, threshold, prior):
    """``P((n, histogram) | x)`` of an adaptive panel over items of several classes, by walking every
    sequence of votes: class h with weight w_h; within it each rater votes by K_h, or with probability ρ
    all copy one draw. The rule is checked on each prefix's histogram from ``start`` votes on; the
    posterior rule's posterior is the prefix's, over the classes' mixture."""
    import itertools

    kernels = np.asarray(kernels, dtype=float)
    classes, inputs, answers = kernels.shape
    law = np.full(inputs, 1.0 / inputs) if prior is None else np.asarray(prior, dtype=float)

    def likelihood(sequence):
        # P(sequence | x) for every x: the classes' mixture of independent and herding votes.
        value = np.zeros(inputs)
        for h in range(classes):
            independent = np.prod([kernels[h][:, y] for y in sequence], axis=0)
            herd = kernels[h][:, sequence[0]] if len(set(sequence)) == 1 else np.zeros(inputs)
            value += weights[h] * ((1.0 - rho) * independent + rho * herd)
        return value

    def stops(sequence):
        n = len(sequence)
        if n == most:
            return True
        counts = np.bincount(sequence, minlength=answers)
        if rule == "agreement":
            return counts.max() >= (threshold - 1e-12) * n
        joint = law * likelihood(sequence)
        return joint.sum() == 0.0 or joint.max() / joint.sum() >= threshold - 1e-12

    found: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}
    for n in range(start, most + 1):
        for sequence in itertools.product(range(answers), repeat=n):
            prefixes_go_on = all(not stops(sequence[:m]) for m in range(start, n))
            if prefixes_go_on and stops(sequence):
                key = (n, tuple(np.bincount(sequence, minlength=answers)))
                found[key] = found.get(key, np.zeros(inputs)) + likelihood(sequence)
    return found


@pytest.mark.parametrize("rule, threshold", [("agreement", 0.7), ("posterior", 0.9)])
@pytest.mark.parametrize("rho", [0.0, 0.3])
def test_items_of_several_classes_are_the_mixture_of_their_stopped_panels(rule, threshold, rho):
    """Items of latent difficulty: an easy class, and one whose raters answer at random. The panel is the
    classes' mixture, with the rule applied to the same histograms in both (checked by walking every
    sequence of votes); one class of weight 1 is the plain panel to the last bit."""
    easy = symmetric(3, 0.85)
    hard = np.full((3, 3), 1.0 / 3.0)
    kernels = np.stack([easy, hard])
    weights = np.array([0.6, 0.4])
    prior = np.array([0.5, 0.3, 0.2])
    panel = adaptive_panel(kernels, 2, 4, correlation=rho, rule=rule, threshold=threshold, prior=prior,
                           class_weights=weights)
    reference = _sequences_reference(kernels, weights, 2, 4, rho, rule, threshold, prior)
    # Every stopped histogram the sequences reach is a column; the columns no sequence reaches hold 0.
    columns = {(int(n), tuple(int(c) for c in histogram)): column
               for column, (n, histogram) in enumerate(zip(panel.lengths, panel.histograms))}
    assert set(reference) <= set(columns)
    for key, column in columns.items():
        assert panel.kernel[:, column] == pytest.approx(reference.get(key, np.zeros(3)), abs=1e-13), key
    plain = adaptive_panel(easy, 2, 4, correlation=rho, rule=rule, threshold=threshold, prior=prior)
    alone = adaptive_panel(easy[None], 2, 4, correlation=rho, rule=rule, threshold=threshold, prior=prior,
                           class_weights=[1.0])
    assert np.array_equal(plain.kernel, alone.kernel) and np.array_equal(plain.stopping, alone.stopping)
    # Random answers on two fifths of the items: less information than the easy items alone.
    assert mutual_information(prior, panel.kernel) < mutual_information(prior, plain.kernel)


def test_class_weights_are_checked():
    with pytest.raises(InvalidArgumentError, match="class_weights"):
        adaptive_panel(np.stack([symmetric(2, 0.8)] * 2), 1, 3, class_weights=[0.5])
    with pytest.raises(InvalidArgumentError, match="shape"):
        adaptive_panel(symmetric(2, 0.8), 1, 3, class_weights=[1.0])
