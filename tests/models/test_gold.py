"""Gold questions (models.gold): standard errors and the spam test against their definitions and
simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from models.gold import (
    accuracy_standard_error,
    delta_method_standard_error,
    gold_labels_for_power,
    spam_detection_power,
    spam_flag_count,
)


def test_accuracy_standard_error_matches_the_spread_of_simulated_estimates():
    rng = np.random.default_rng(3)
    accuracy, labels = 0.82, 150
    estimates = rng.binomial(labels, accuracy, size=200_000) / labels
    assert accuracy_standard_error(accuracy, labels) == pytest.approx(estimates.std(), rel=0.01)


@pytest.mark.parametrize(("accuracy", "labels", "alpha"), [(0.8, 20, 0.05), (0.9, 7, 0.05), (0.6, 50, 0.01),
                                                           (0.75, 3, 0.05)])
def test_flag_count_is_the_largest_that_keeps_the_false_flag_rate(accuracy, labels, alpha):
    c = spam_flag_count(accuracy, labels, alpha)
    # Brute force over the binomial probabilities.
    cdf = np.cumsum([math.comb(labels, j) * accuracy**j * (1 - accuracy) ** (labels - j) for j in range(labels + 1)])
    allowed = [j for j in range(labels + 1) if cdf[j] <= alpha + 1e-15]
    assert c == (max(allowed) if allowed else -1)


def test_spam_power_matches_a_simulation_of_random_raters():
    rng = np.random.default_rng(11)
    accuracy, chance, labels, alpha = 0.78, 0.25, 12, 0.05
    c = spam_flag_count(accuracy, labels, alpha)
    flagged_spam = (rng.binomial(labels, chance, size=100_000) <= c).mean()
    flagged_genuine = (rng.binomial(labels, accuracy, size=100_000) <= c).mean()
    power = spam_detection_power(accuracy, chance, labels, alpha)
    assert abs(flagged_spam - power) <= 4 * math.sqrt(power * (1 - power) / 100_000)
    assert flagged_genuine <= alpha + 4 * math.sqrt(alpha * (1 - alpha) / 100_000)


def test_too_few_labels_give_no_test():
    assert spam_detection_power(0.8, 0.5, 1, 0.05) == 0.0
    assert spam_detection_power(0.8, 0.5, 0, 0.05) == 0.0


@pytest.mark.parametrize(("accuracy", "chance"), [(0.8, 0.5), (0.6, 0.5), (0.9, 0.25), (0.7, 1 / 12)])
def test_labels_for_power_is_the_first_count_that_reaches_it(accuracy, chance):
    n = gold_labels_for_power(accuracy, chance, 0.95, 0.05)
    assert spam_detection_power(accuracy, chance, n, 0.05) >= 0.95
    assert all(spam_detection_power(accuracy, chance, m, 0.05) < 0.95 for m in range(1, n))


def test_no_test_separates_a_rater_no_better_than_chance():
    assert gold_labels_for_power(0.5, 0.5) is None


def test_delta_method_standard_error():
    # A parameter theta with p = Phi(theta): SE(theta) ≈ SE(p) / phi(theta), checked by simulation.
    rng = np.random.default_rng(5)
    theta, labels = 0.9, 400
    p = stats.norm.cdf(theta)
    estimates = stats.norm.ppf(rng.binomial(labels, p, size=100_000) / labels)
    predicted = delta_method_standard_error(accuracy_standard_error(p, labels), stats.norm.pdf(theta))
    assert predicted == pytest.approx(estimates.std(), rel=0.03)
    assert delta_method_standard_error(0.01, 0.0) is None
