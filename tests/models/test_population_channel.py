"""A question's channel with raters as they are (models.population_channel, the method §9).

References: :mod:`models.rater_population` (its own kernels, panels and predictions), brute-force
enumeration of every (type, answer) tuple of a small panel, Monte Carlo simulation of the same
model decoded label by label, a plain Blahut–Arimoto written here, and the first release's channel
(which the default model must reproduce to the last bit).
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest

from models.capacity import blahut_arimoto
from models.channel import question_channel, question_decoding, question_panel, rater_kernel
from models.errors import InvalidArgumentError
from models.panel import compositions
from models.population_channel import (
    RaterModel,
    class_kernels,
    population_decoding,
    population_panel,
    population_parts,
)
from models.rater_population import RaterPopulation, simulate_annotations
from tests.models.references import textbook_blahut_arimoto

SQRT2 = math.sqrt(2.0)
EVERYTHING = RaterModel(criterion=0.4, difficulty=((0.6, 1.4), (0.3, 0.5), (0.1, -0.6)),
                        types=((0.7, 1.1, 0.0), (0.3, 0.4, 0.6)))
CLASSES = RaterModel(criterion=-0.3, difficulty=((0.75, 1.3), (0.25, 0.1)))


def _population(kind: str, k: int, d: float, model: RaterModel, prior, slip: float, span: float = 3.0):
    """The models.rater_population population of an app question (d′ in the method §3's convention)."""
    factor = SQRT2 if kind == "binary" else 1.0
    name = {"binary": "binary", "categorical": "nominal"}.get(kind, "ordinal")
    dprimes = [factor * d * m for _, m, _ in model.types]
    if name == "nominal":
        bias = np.tile(np.asarray(model.option_bias or np.zeros(k)), (len(model.types), 1))
    else:
        bias = np.array([[model.criterion + s] for _, _, s in model.types])
    return RaterPopulation.create(
        name, prior, dprimes, bias=bias, type_weights=[v for v, _, _ in model.types],
        difficulty_weights=[w for w, _ in model.difficulty], difficulty_multipliers=[a for _, a in model.difficulty],
        slip=slip, span=span, normalise=False,
    )


# ---------------------------------------------------------------- the default
@pytest.mark.parametrize("kind, k", [("binary", 2), ("categorical", 4), ("ordinal", 5), ("pairwise", 3),
                                     ("multi_select", 3), ("ranking", 3), ("free_text", None)])
def test_the_default_model_is_the_first_release_channel_to_the_last_bit(kind, k):
    extra = {"max_chars": 200} if kind == "free_text" else {}
    plain = question_channel(kind, k, seconds=12.0, raters=4, correlation=0.15, **extra)
    explicit = RaterModel(difficulty=((1.0, 1.0),), types=((1.0, 1.0, 0.0),))
    assert question_channel(kind, k, seconds=12.0, raters=4, correlation=0.15, rater_model=explicit, **extra) == plain
    assert question_decoding(kind, k, dprime_value=1.3, raters=4, correlation=0.15, rater_model=explicit) == \
        question_decoding(kind, k, dprime_value=1.3, raters=4, correlation=0.15)


def test_a_ranking_or_free_text_question_has_no_rater_model():
    assert question_channel("ranking", 3, seconds=9.0, raters=3, rater_model=EVERYTHING) == \
        question_channel("ranking", 3, seconds=9.0, raters=3)


def test_the_model_validates_its_numbers():
    with pytest.raises(InvalidArgumentError, match="sum to 1"):
        RaterModel(difficulty=((0.5, 1.0), (0.4, 0.2)))
    with pytest.raises(InvalidArgumentError, match="1 to 3 classes"):
        RaterModel(difficulty=((0.25, 1.0),) * 4)
    with pytest.raises(InvalidArgumentError, match="type multipliers"):
        RaterModel(types=((1.0, -0.5, 0.0),))
    with pytest.raises(InvalidArgumentError, match="option_bias must have 3"):
        class_kernels("categorical", 3, 1.0, 3.0, 0.0, RaterModel(option_bias=(0.0, 1.0)))


# ---------------------------------------------------------------- kernels
@pytest.mark.parametrize("kind, k", [("binary", 2), ("categorical", 3), ("ordinal", 5), ("pairwise", 2),
                                     ("scale", 101), ("multi_select", 4)])
def test_every_class_and_type_kernel_is_row_stochastic(kind, k):
    model = EVERYTHING if kind != "categorical" else dataclasses.replace(EVERYTHING, option_bias=(0.0, 0.5, -0.4))
    weights, kernels = class_kernels(kind, k, 1.7, 3.0, 0.03, model)
    answers = 2 if kind == "multi_select" else k
    assert kernels.shape == (3, answers, 2 * answers)
    assert np.all(kernels >= 0) and np.allclose(kernels.sum(axis=2), 1.0, atol=1e-12)
    assert weights.sum() == pytest.approx(1.0)


def test_a_scale_is_the_ordinal_channel_of_its_levels():
    for k in (2, 11, 101):
        kernel = rater_kernel("scale", k, 2.5, slip_rate=0.02)
        assert kernel.shape == (k, k) and np.allclose(kernel.sum(axis=1), 1.0, atol=1e-12)
        assert np.array_equal(kernel, rater_kernel("ordinal", k, 2.5, slip_rate=0.02))
    scale = question_channel("scale", 21, seconds=40.0, raters=3, correlation=0.1)
    assert dataclasses.replace(scale, kind="ordinal") == question_channel("ordinal", 21, seconds=40.0, raters=3,
                                                                           correlation=0.1)


@pytest.mark.parametrize("k, d", [(11, 2.0), (41, 3.5), (101, 2.5)])
def test_scale_capacity_agrees_with_a_plain_blahut_arimoto(k, d):
    # One rater of a scale at d′ = d: the cascade capacity against the textbook iteration.
    seconds = 1e6  # d′ saturates at λ: choose λ so that it is d
    result = question_channel("scale", k, seconds=seconds, discriminability=d, raters=1, slip_rate=0.02)
    assert result.dprime == pytest.approx(d)
    # The textbook iteration's two ends bracket the capacity at every step; 1e-5 apart is enough to
    # pin the value (its own certificate is 1e-9 wide).
    lower, upper = textbook_blahut_arimoto(rater_kernel("scale", k, result.dprime, slip_rate=0.02), tol=1e-5,
                                           iterations=200_000)
    assert lower - 1e-9 <= result.cascade_nats <= upper + 1e-9
    assert result.cascade_nats <= math.log(k)


# ------------------------------------------------------- against rater_population
@pytest.mark.parametrize("kind, k, model, rho, prior", [
    ("binary", 2, CLASSES, 0.2, (0.3, 0.7)),
    ("binary", 2, EVERYTHING, 0.0, (0.25, 0.75)),
    ("ordinal", 4, CLASSES, 0.1, (0.1, 0.2, 0.3, 0.4)),
    ("ordinal", 3, EVERYTHING, 0.0, None),
    ("categorical", 3, RaterModel(option_bias=(0.0, 0.6, -0.2), difficulty=((0.8, 1.2), (0.2, 0.2))), 0.05,
     (0.5, 0.3, 0.2)),
])
@pytest.mark.parametrize("raters", [1, 3, 5])
def test_panels_capacities_and_decodings_are_rater_populations(kind, k, model, rho, prior, raters):
    d, slip = 1.6, 0.03
    law = np.full(k, 1.0 / k) if prior is None else np.asarray(prior)
    population = _population(kind, k, d, model, law, slip)
    if model.n_types > 1:
        reference = population.typed_panel(raters)
        assert rho == 0.0  # rater_population's typed panel has no herding
    else:
        reference = dataclasses.replace(population, herding=rho).panel(raters)
    panel, used = population_panel(kind, k, d, 3.0, slip, raters, rho, model)
    if raters == 1:
        # One label: the kernel's columns are the answers (cells) in order, the histograms' are
        # models.panel.compositions (1, cells), the last answer first.
        reference = reference[:, np.argsort(np.argmax(compositions(1, reference.shape[1]), axis=1))]
    assert used == raters and np.allclose(panel, reference, atol=1e-13)
    parts = population_parts(kind, k, d, 3.0, slip, raters, rho, model, 200_000)
    exact = blahut_arimoto(reference, tol=1e-11)
    assert parts[4] and parts[3] == pytest.approx(exact.nats, abs=1e-8)
    decoded = population_decoding(kind, k, dprime_value=d, span=3.0, slip_rate=slip, raters=raters, correlation=rho,
                                  prior=prior, model=model)
    predicted = dataclasses.replace(population, herding=rho).predict(raters)
    typed = model.n_types > 1
    assert decoded.label_accuracy == pytest.approx(predicted.typed_map_accuracy if typed else predicted.map_accuracy,
                                                   abs=1e-12)
    assert decoded.prior_information_nats == pytest.approx(
        predicted.typed_information_nats if typed else predicted.information_nats, abs=1e-12)


def test_the_histogram_panel_is_exact_against_every_answer_tuple():
    # Binary, two types, three difficulty classes, herding: the capacity and the MAP accuracy of
    # the (type, answer) histograms equal those of all (2·2)^3 tuples (histograms are sufficient).
    d, slip, rho, raters, prior = 1.3, 0.02, 0.15, 3, np.array([0.35, 0.65])
    weights, kernels = class_kernels("binary", 2, d, 3.0, slip, EVERYTHING)
    cells = kernels.shape[2]
    tuples = list(itertools.product(range(cells), repeat=raters))
    joint = np.zeros((2, len(tuples)))
    pooled = np.einsum("h,hxy->xy", weights, kernels)
    for column, labels in enumerate(tuples):
        independent = sum(w * np.prod([g[:, cell] for cell in labels], axis=0) for w, g in zip(weights, kernels))
        herded = pooled[:, labels[0]] if len(set(labels)) == 1 else 0.0
        joint[:, column] = (1 - rho) * independent + rho * herded
    assert np.allclose(joint.sum(axis=1), 1.0)
    parts = population_parts("binary", 2, d, 3.0, slip, raters, rho, EVERYTHING, 200_000)
    assert parts[3] == pytest.approx(blahut_arimoto(joint, tol=1e-12).nats, abs=1e-8)
    decoded = population_decoding("binary", 2, dprime_value=d, span=3.0, slip_rate=slip, raters=raters,
                                  correlation=rho, prior=tuple(prior), model=EVERYTHING)
    assert decoded.label_accuracy == pytest.approx((prior[:, None] * joint).max(axis=0).sum(), abs=1e-12)


def test_the_typed_map_accuracy_matches_a_simulation_of_the_pool():
    model = RaterModel(criterion=0.5, difficulty=((0.7, 1.3), (0.3, 0.3)), types=((0.6, 1.2, 0.0), (0.4, 0.3, 0.8)))
    d, slip, raters, prior = 1.5, 0.02, 4, (0.3, 0.7)
    population = _population("binary", 2, d, model, prior, slip)
    rng = np.random.default_rng(5)
    n, pool = 40_000, 20
    items, rater_codes, labels, gold = simulate_annotations(population, n, raters, rng, raters_per_type=pool)
    cells = (rater_codes // pool) * 2 + labels
    counts = np.zeros((n, 4), dtype=np.int64)
    np.add.at(counts, (items, cells), 1)
    panel, _ = population_panel("binary", 2, d, 3.0, slip, raters, 0.0, model)
    table = compositions(raters, 4)
    index = {tuple(row): i for i, row in enumerate(table)}
    columns = np.array([index[tuple(row)] for row in counts])
    decisions = np.argmax(np.asarray(prior)[:, None] * panel, axis=0)[columns]
    accuracy = population_decoding("binary", 2, dprime_value=d, span=3.0, slip_rate=slip, raters=raters,
                                   correlation=0.0, prior=prior, model=model).label_accuracy
    error = math.sqrt(accuracy * (1 - accuracy) / n)
    assert abs((decisions == gold).mean() - accuracy) <= 4 * error


# ----------------------------------------------------------------- the bound
@pytest.mark.parametrize("rho", [0.0, 0.3])
def test_beyond_the_exact_limit_the_panel_is_a_valid_bound(rho):
    model = EVERYTHING
    exact = population_parts("binary", 2, 1.4, 3.0, 0.02, 6, rho, model, 200_000)
    bound = population_parts("binary", 2, 1.4, 3.0, 0.02, 6, rho, model, 60)
    assert exact[4] and not bound[4]
    assert exact[3] <= bound[3] <= math.log(2.0)
    # A model that raters do not mix (one class, one type) is bounded like models.panel's linear bound.
    plain = RaterModel(criterion=0.7)
    assert population_parts("binary", 2, 1.4, 3.0, 0.02, 9, 0.0, plain, 40)[3] >= \
        population_parts("binary", 2, 1.4, 3.0, 0.02, 9, 0.0, plain, 200_000)[3]


def test_capacities_are_ordered_and_finite_with_a_misleading_class():
    values = population_parts("ordinal", 5, 1.2, 3.0, 0.04, 4, 0.1, EVERYTHING, 200_000)
    cognitive, articulation, cascade, panel, exact, upper, limited = values
    assert exact and not limited
    assert 0 <= cascade <= min(cognitive, articulation) + 1e-9
    assert cascade <= panel <= upper <= math.log(5)


def test_question_panel_is_the_models_panel_or_the_first_releases():
    panel, used = question_panel("binary", 2, dprime_value=1.1, raters=3, correlation=0.1, rater_model=CLASSES)
    assert used == 3 and np.allclose(panel, population_panel("binary", 2, 1.1, 3.0, 0.02, 3, 0.1, CLASSES)[0])
    assert question_panel("free_text", None, dprime_value=1.0, raters=2) is None
