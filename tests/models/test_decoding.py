"""What a design achieves (method §8.1): MAP accuracy, codebooks and the prior-aware floor.

References: Sheng, Provost & Ipeirotis (KDD 2008) majority-vote accuracies; brute force over all
answer tuples; Monte Carlo of raters answering one by one; Fano's inequality.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

import models
from models.channel import question_decoding, rater_kernel
from models.decoding import (
    CodebookChoice,
    codebook_error,
    codebook_errors,
    decode_kernel,
    decoding_panel,
    hypotheses_log2,
    map_accuracy,
    subset_successes,
)
from models.panel import compositions, count_kernel, joint_panel_kernel


def symmetric(p: float) -> np.ndarray:
    return np.array([[p, 1 - p], [1 - p, p]])


# Sheng, Provost & Ipeirotis (2008), Figure 1: majority vote of r independent labelers of
# accuracy p (binary, balanced classes, odd r): the MAP decoder of the vote histogram.
SHENG = {
    0.6: (0.648, 0.683, 0.753),
    0.7: (0.784, 0.837, 0.922),
    0.8: (0.896, 0.942, 0.988),
}


@pytest.mark.parametrize("p", sorted(SHENG))
def test_sheng_provost_ipeirotis_majority_vote_accuracies(p):
    for raters, published in zip((3, 5, 11), SHENG[p]):
        decoding = decode_kernel(symmetric(p), raters, 0.0, None, symmetric=True)
        assert decoding.label_accuracy == pytest.approx(published, abs=1e-3)
        # and the closed form of majority vote
        exact = sum(math.comb(raters, k) * p**k * (1 - p) ** (raters - k) for k in range(raters // 2 + 1, raters + 1))
        assert decoding.label_accuracy == pytest.approx(exact, abs=1e-12)


def test_map_accuracy_equals_brute_force_over_answer_tuples():
    rng = np.random.default_rng(3)
    kernel = rng.dirichlet(np.ones(3), size=3)
    prior = np.array([0.5, 0.3, 0.2])
    for raters in (1, 2, 3, 4):
        for rho in (0.0, 0.4):
            histogram = count_kernel(kernel, raters, correlation=rho)
            joint = joint_panel_kernel(kernel, raters, correlation=rho)
            assert map_accuracy(histogram, prior) == pytest.approx(map_accuracy(joint, prior), abs=1e-12)


def test_subset_successes_match_exhaustive_search():
    rng = np.random.default_rng(7)
    kernel = count_kernel(rng.dirichlet(np.ones(5) * 0.7, size=5), 2)
    found = subset_successes(kernel, symmetric=False)
    for size in range(1, 6):
        best = max(kernel[list(s)].max(axis=0).sum() / size for s in itertools.combinations(range(5), size))
        assert found[size - 1] == pytest.approx(best, abs=1e-12)


def test_symmetric_codebooks_use_any_subset():
    kernel = count_kernel(models.symmetric_kernel(6, 0.7), 3)
    assert subset_successes(kernel, symmetric=True) == pytest.approx(subset_successes(kernel, symmetric=False))


def test_a_sub_panel_is_used_where_histograms_are_too_many_and_is_achievable():
    kernel = rater_kernel("ordinal", 7, 1.5, span=3.0, slip_rate=0.02)
    panel, used = decoding_panel(kernel, 30, correlation=0.1, max_outcomes=2_000)
    assert used < 30 and math.comb(used + 6, 6) <= 2_000 < math.comb(used + 7, 6)
    small = decode_kernel(kernel, used, 0.1, None, max_outcomes=10**9)
    big = decode_kernel(kernel, 30, 0.1, None, max_outcomes=2_000)
    assert not big.exact and big.raters_used == used
    assert big.label_accuracy == pytest.approx(small.label_accuracy)


def test_accuracy_never_falls_with_more_raters_or_time():
    for kind, k in (("binary", 2), ("ordinal", 5), ("pairwise", 3), ("categorical", 4), ("ranking", 3)):
        previous = 0.0
        for raters in range(1, 8):
            accuracy = question_decoding(kind, k, dprime_value=1.0, raters=raters, correlation=0.2).label_accuracy
            assert accuracy >= previous - 1e-12, (kind, raters)
            previous = accuracy
        previous = 0.0
        for d in np.linspace(0.0, 3.0, 13):
            accuracy = question_decoding(kind, k, dprime_value=float(d), raters=3, correlation=0.2).label_accuracy
            assert accuracy >= previous - 1e-12, (kind, d)
            previous = accuracy


def _simulate_map_error(kernel: np.ndarray, raters: int, rho: float, prior: np.ndarray, trials: int,
                        rng: np.random.Generator) -> int:
    """Raters answer one by one; the decoder sees only the histogram and decides by MAP."""
    panel = count_kernel(kernel, raters, correlation=rho)
    table = compositions(raters, kernel.shape[1])
    index = {tuple(row): i for i, row in enumerate(table)}
    decision = np.argmax(prior[:, None] * panel, axis=0)
    errors = 0
    truth = rng.choice(len(prior), size=trials, p=prior)
    for x in truth:
        if rng.random() < rho:
            answers = np.full(raters, rng.choice(kernel.shape[1], p=kernel[x]))
        else:
            answers = rng.choice(kernel.shape[1], size=raters, p=kernel[x])
        histogram = tuple(np.bincount(answers, minlength=kernel.shape[1]))
        errors += int(decision[index[histogram]] != x)
    return errors


def test_simulated_map_decoder_matches_the_exact_accuracy():
    rng = np.random.default_rng(11)
    kernel = rater_kernel("ordinal", 4, 1.2, span=3.0, slip_rate=0.05)
    prior = np.array([0.1, 0.2, 0.3, 0.4])
    trials = 20_000
    errors = _simulate_map_error(kernel, 3, 0.25, prior, trials, rng)
    exact = 1.0 - decode_kernel(kernel, 3, 0.25, tuple(prior)).label_accuracy
    interval = stats.binomtest(errors, trials).proportion_ci(confidence_level=0.999)
    assert interval.low <= exact <= interval.high


def test_prior_aware_floor_is_below_the_map_error_and_uniform_fano_is_not_always():
    # A 20/80 binary task: the prior-aware floor never exceeds what MAP achieves; the uniform
    # floor with ln 2 can exceed it (method §8.1).
    kernel = symmetric(0.7)
    prior = (0.8, 0.2)
    for raters in (1, 3, 5):
        decoding = decode_kernel(kernel, raters, 0.0, prior, symmetric=True)
        floor = models.fano_floor_prior(decoding.prior_entropy_nats, decoding.prior_information_nats,
                                        decoding.log_alphabet)
        assert floor <= 1.0 - decoding.label_accuracy + 1e-12
    one = decode_kernel(kernel, 1, 0.0, prior, symmetric=True)
    capacity = models.binary_symmetric_capacity(0.3)
    uniform_floor = models.fano_floor(capacity, 1.0)
    assert uniform_floor > 1.0 - one.label_accuracy  # ln 2 overstates the entropy of a 20/80 truth


def test_prior_floor_is_fano_solved():
    for entropy, information, alphabet in ((math.log(4), 0.3, math.log(4)), (0.5, 0.1, math.log(2)), (2.0, 2.5, 3.0)):
        p = models.fano_floor_prior(entropy, information, alphabet)
        remaining = entropy - information
        if remaining <= 0:
            assert p == 0.0
            continue
        h = -p * math.log(p) - (1 - p) * math.log1p(-p)
        assert h + p * math.log(math.exp(alphabet) - 1) == pytest.approx(remaining, abs=1e-9)


# ------------------------------------------------------------------ codebooks
def _dimension(kernel: np.ndarray, raters: int) -> models.decoding.Dimension:
    return decode_kernel(kernel, raters, 0.0, None).dimensions[0]


def test_codebook_of_one_question_is_its_best_subset():
    kernel = rater_kernel("ordinal", 5, 1.0, span=3.0, slip_rate=0.02)
    dimension = _dimension(kernel, 3)
    for bits, size in ((1.0, 2), (math.log2(3), 3), (2.0, 4), (math.log2(5), 5)):
        choice = codebook_error([[dimension]], [1.0], bits)
        assert choice.sizes == (size,)
        assert choice.error == pytest.approx(1.0 - dimension.codebook_success[size - 1], abs=1e-12)
        assert choice.expressible


def test_a_target_beyond_the_interface_shares_answer_tuples():
    # 2 binary questions: N = 4 tuples; M = 6 hypotheses (2.58 bits) → success (4/6) P_c.
    dimension = _dimension(symmetric(0.9), 1)
    choice = codebook_error([[dimension, dimension]], [1.0], math.log2(6))
    assert not choice.expressible and choice.sizes == (2, 2)
    assert choice.error == pytest.approx(1.0 - (4 / 6) * 0.9**2, abs=1e-12)


def test_non_integer_m_uses_the_ceiling():
    assert hypotheses_log2(2.5) == pytest.approx(math.log2(6))
    assert hypotheses_log2(3.0) == pytest.approx(3.0)
    assert hypotheses_log2(100.5) == 100.5


def test_product_codebook_error_is_the_simulated_product_decoder():
    # M' = 3 x 2 codewords, one per hypothesis: the product ML decoder's error, simulated.
    rng = np.random.default_rng(5)
    first = rater_kernel("ordinal", 3, 1.5, span=3.0, slip_rate=0.02)
    second = symmetric(0.8)
    dimensions = [[_dimension(first, 1), _dimension(second, 1)]]
    choice = codebook_error(dimensions, [1.0], math.log2(6))
    assert choice.sizes == (3, 2) and isinstance(choice, CodebookChoice)
    trials = 20_000
    x1 = rng.integers(0, 3, trials)
    x2 = rng.integers(0, 2, trials)
    y1 = np.array([rng.choice(3, p=first[x]) for x in x1])
    y2 = np.array([rng.choice(2, p=second[x]) for x in x2])
    wrong = (np.argmax(first[:, y1], axis=0) != x1) | (np.argmax(second[:, y2], axis=0) != x2)
    interval = stats.binomtest(int(wrong.sum()), trials).proportion_ci(confidence_level=0.999)
    assert interval.low <= choice.error <= interval.high


def _best_product_code(dimensions, weights, bits):
    """Brute force: the smallest error of any product code (every choice of sizes)."""
    target = hypotheses_log2(bits)
    best = 1.0
    for sizes in itertools.product(*(range(1, d.alphabet + 1) for d in dimensions[0])):
        success = sum(w * math.prod(row[i].codebook_success[j - 1] for i, j in enumerate(sizes))
                      for w, row in zip(weights, dimensions))
        factor = min(1.0, 2.0 ** (sum(math.log2(j) for j in sizes) - target))
        best = min(best, 1.0 - factor * min(1.0, success))
    return min(best, 1.0 - 2.0**-target)


def test_codebooks_over_a_curve_of_targets_match_the_best_product_code():
    rng = np.random.default_rng(11)
    for _ in range(25):
        count = int(rng.integers(1, 4))
        rows = []
        for _context in range(2):
            row = []
            for _d in range(count):
                k = int(rng.integers(2, 6))
                kernel = rater_kernel("ordinal", k, float(rng.uniform(0.3, 3.0)), span=3.0, slip_rate=0.02)
                row.append((k, kernel))
            rows.append(row)
        # The same alphabets in both contexts (the second context's kernels are other draws).
        rows[1] = [(k, rater_kernel("ordinal", k, float(rng.uniform(0.3, 3.0)), span=3.0, slip_rate=0.02))
                   for k, _ in rows[0]]
        dimensions = [[_dimension(kernel, 2) for _, kernel in row] for row in rows]
        weights = [0.6, 0.4]
        grid = np.linspace(0.5, 8.0, 16)
        choices = codebook_errors(dimensions, weights, grid)
        for bits, choice in zip(grid, choices):
            best = _best_product_code(dimensions, weights, float(bits))
            # Few enough size tuples to try them all: the best product code itself.
            assert choice.error == pytest.approx(best, abs=1e-12)
            assert codebook_error(dimensions, weights, float(bits)).error == pytest.approx(best, abs=1e-12)


def test_codebooks_beyond_the_exhaustive_limit_come_close_to_the_best_product_code():
    # Five 6-answer dimensions: 7,776 size tuples, more than models.decoding.EXHAUSTIVE_CODES, so
    # the sizes come from the dynamic programme; brute force over every tuple is the reference.
    assert 6**5 > models.decoding.EXHAUSTIVE_CODES
    rng = np.random.default_rng(12)
    for _ in range(3):
        dimensions = [[_dimension(rater_kernel("ordinal", 6, float(rng.uniform(0.3, 3.0)), span=3.0,
                                               slip_rate=0.02), 1) for _d in range(5)] for _context in range(2)]
        weights = [0.7, 0.3]
        grid = np.array([1.0, 3.0, 5.5, 8.0, 11.0, 12.5])
        for bits, choice in zip(grid, codebook_errors(dimensions, weights, grid)):
            best = _best_product_code(dimensions, weights, float(bits))
            # A product code: never better than the best one, and found up to the bins' resolution.
            assert best - 1e-12 <= choice.error <= best + 0.02
            single = codebook_error(dimensions, weights, float(bits))
            assert best - 1e-12 <= single.error <= best + 0.02


def test_codebook_error_is_never_below_the_fano_floor():
    rng = np.random.default_rng(2)
    for _ in range(40):
        k = int(rng.integers(2, 7))
        d = float(rng.uniform(0.0, 3.0))
        raters = int(rng.integers(1, 5))
        kernel = rater_kernel("ordinal", k, d, span=3.0, slip_rate=0.02)
        dimension = _dimension(kernel, raters)
        capacity = models.panel_capacity(kernel, raters).nats
        bits = float(rng.uniform(0.2, 2 * math.log2(k)))
        choice = codebook_error([[dimension, dimension]], [1.0], bits)
        floor = models.fano_floor(2 * capacity + 1e-9, bits)
        assert floor <= choice.error + 1e-12
