"""A MAP decoder never beats the exact Fano floor (the method §7).

A target index J, uniform over M values, is written in mixed radix onto the questions' answers
(J's digits are the truths x_q), ``r`` raters per question answer through the question's composite
kernel with the correlation mixture, and a maximum-a-posteriori decoder reads J back from the vote
histograms. Fano says its error is at least ``fano_floor(sum_q C_q(r), log2 M)``. We check it twice:

- exactly: the codebook is a bijection onto the product of the questions' alphabets and the
  questions are independent, so the MAP decoder decodes each digit separately and
  ``P(correct) = prod_q sum_c max_x P(c | x) / a_q``;
- by simulation (seeded): the one-sided 99.9 % Clopper-Pearson *upper* limit of the simulated error
  rate must reach the floor. (A lower confidence limit above the floor would be a stronger claim
  than Fano makes: the floor may be nearly tight. What would contradict Fano is an error rate
  significantly *below* it, i.e. an upper limit under the floor.) The exact error must also lie
  inside the two-sided interval, which checks the simulator against the enumeration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

import models


@dataclass
class Question:
    kernel: np.ndarray  # composite single-rater kernel, a x k
    raters: int
    correlation: float

    @property
    def alphabet(self) -> int:
        return self.kernel.shape[0]


def panel_likelihoods(question: Question) -> tuple[np.ndarray, np.ndarray]:
    histograms = models.compositions(question.raters, question.kernel.shape[1])
    return histograms, models.count_kernel(question.kernel, question.raters, correlation=question.correlation)


def exact_map_error(questions: list[Question]) -> float:
    correct = 1.0
    for question in questions:
        _, likelihood = panel_likelihoods(question)
        correct *= likelihood.max(axis=0).sum() / question.alphabet
    return 1.0 - correct


def simulate_map_error(questions: list[Question], trials: int, seed: int) -> int:
    rng = np.random.default_rng(seed)
    alphabets = [q.alphabet for q in questions]
    targets = rng.integers(0, math.prod(alphabets), size=trials)
    decoded = np.zeros(trials, dtype=np.int64)
    place = 1
    for question, alphabet in zip(questions, alphabets):
        truth = (targets // place) % alphabet
        histograms, likelihood = panel_likelihoods(question)
        index = {tuple(row): i for i, row in enumerate(histograms)}
        answers = question.kernel.shape[1]
        cumulative = np.cumsum(question.kernel, axis=1)
        draws = rng.random((trials, question.raters))
        votes = (draws[:, :, None] >= cumulative[truth][:, None, :]).sum(axis=2)
        votes = np.minimum(votes, answers - 1)
        shared = rng.random(trials) < question.correlation
        votes[shared] = votes[shared, :1]
        counts = (votes[:, :, None] == np.arange(answers)).sum(axis=1)
        columns = np.array([index[row] for row in map(tuple, counts.tolist())])
        # Uniform digits: MAP is maximum likelihood; ties go to the smallest digit.
        decoded += place * np.argmax(likelihood[:, columns], axis=0)
        place *= alphabet
    return int(np.sum(decoded != targets))


def composite(kind: str, k: int, d: float, slip: float) -> np.ndarray:
    if kind == "nominal":
        return models.compose(models.nominal_kernel(d, k), models.nominal_slip_kernel(k, slip))
    return models.compose(models.ordinal_kernel(d, k), models.ordinal_slip_kernel(k, slip))


SCENARIOS = {
    "M=4, two binary questions": [Question(composite("nominal", 2, 0.9, 0.02), 3, 0.2)] * 2,
    "M=8, three binary questions": [Question(composite("nominal", 2, 1.2, 0.05), 2, 0.0)] * 3,
    "M=16, four binary questions": [Question(composite("nominal", 2, 1.6, 0.02), 3, 0.3)] * 4,
    "M=16, two categorical(4)": [Question(composite("nominal", 4, 1.0, 0.02), 3, 0.1)] * 2,
    "M=16, two ordinal(4)": [Question(composite("ordinal", 4, 0.8, 0.05), 2, 0.3)] * 2,
    "M=6, binary + ordinal(3)": [
        Question(composite("nominal", 2, 1.0, 0.02), 2, 0.1),
        Question(composite("ordinal", 3, 1.1, 0.02), 3, 0.2),
    ],
    "M=9, two categorical(3), one rater": [Question(composite("nominal", 3, 0.7, 0.0), 1, 0.0)] * 2,
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_map_decoder_never_beats_the_exact_fano_floor(name):
    questions = SCENARIOS[name]
    size = math.prod(q.alphabet for q in questions)
    log2_m = math.log2(size)
    capacity = sum(
        models.panel_capacity(q.kernel, q.raters, correlation=q.correlation).nats for q in questions
    )
    floor = models.fano_floor(capacity, log2_m)
    assert floor > 0.05, "the scenario should make the floor bite"

    exact = exact_map_error(questions)
    assert exact >= floor - 1e-12
    assert floor >= models.fano_floor(capacity, log2_m, form="paper") - 1e-12

    trials = 20_000
    errors = simulate_map_error(questions, trials, seed=sum(map(ord, name)))
    upper = stats.binomtest(errors, trials, alternative="less").proportion_ci(confidence_level=0.999).high
    assert upper >= floor
    interval = stats.binomtest(errors, trials).proportion_ci(confidence_level=0.999, method="exact")
    assert interval.low <= exact <= interval.high


def test_the_floor_is_not_vacuous_for_a_near_noiseless_panel():
    """With enough raters the decoder's error and the floor both approach 0 together."""
    questions = [Question(composite("nominal", 2, 3.0, 0.0), 9, 0.0)] * 3
    capacity = sum(models.panel_capacity(q.kernel, q.raters).nats for q in questions)
    floor = models.fano_floor(capacity, 3.0)
    exact = exact_map_error(questions)
    assert floor <= exact < 0.01
