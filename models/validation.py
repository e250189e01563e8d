"""Validation of rater models on real pilots with gold, PASS-style (the method §9).

Protocol, on arrays of item, rater, label and gold codes, with seeded generators:

1. ``splits`` times, shuffle the items and cut them in two halves, A (the first ``⌊n/2⌋``) and B.
2. On half A draw a **pilot**: ``pilot_labels`` labels per item, chosen at random among the item's
   labels (a 3-rater pilot by default). Each *calibrator* turns the pilot (and its gold) into a
   model that predicts, for ``r`` raters per item, the majority-vote accuracy, the MAP accuracy,
   the information ``I(gold; r-vote histogram)`` and the Fano floor.
3. On half B measure, for each ``r``:

   * **majority vote**: the exact expectation over every ``r``-subset of each item's labels and
     over random tie-breaks (a tie among ``t`` classes counts ``1/t`` when gold is among them).
     This is the limit of averaging infinitely many random subsamples, so it carries no
     subsampling noise; with ``r`` equal to the item's label count it is majority vote with ties
     split at random (RTE at 10 labels: 0.897, Snow et al. 2008).
   * **Dawid–Skene**: one random ``r``-subset of each item's labels (raters kept),
     :func:`models.aggregation.dawid_skene` without gold, scored against gold with ties among the
     top posteriors split as above. At ``r = 1`` Dawid–Skene cannot tell a rater's accuracy from
     the item's class (one label per item is unidentifiable), so the row carries the majority vote
     (the label accuracy) and ``dawid_skene_identifiable = False``.
   * **information** ``I(gold; histogram)`` in the plug-in form on the empirical joint
     ``P̂(x, c) = (1/n) Σ_i 1[gold_i = x] Hyp(c | item i's votes, r)`` — each item contributes the
     exact distribution of the histogram of a random ``r``-subset of its labels, an unbiased
     estimate of ``P(x, c)`` for exchangeable labels. Its 95 % interval comes from the
     **delete-one-item jackknife** (:func:`information_interval`): items, not labels, are the
     independent units; the plug-in mutual information is biased upwards by about
     ``(#cells − #rows − #columns + 1) / (2n)`` nats (Miller 1955), which is large here (up to 66
     histogram cells, 54 items); the jackknife removes the bias to first order and its variance
     errs on the large side. A bootstrap over items (basic interval) is available, but it cannot
     see the cells a sample leaves empty and under-corrects where histograms outnumber items; a
     Dirichlet posterior was not used because with more cells than items its prior dominates the
     mutual information (Archer, Park & Pillow 2013). Simulated coverage is checked in
     ``tests/models/test_validation.py``.
   * **floor check**: the model's floor at ``r`` against the realised Dawid–Skene error (and a
     binomial version that allows for the resolution of an error count on half B).

4. Compare predictions with measurements: per ``r`` the means over splits, per split the
   differences.

What the comparisons can and cannot show (each is reported, none replaces another):

* *predicted information inside the empirical interval* treats the prediction as exact. A
  prediction from a pilot is itself an estimate: when its sampling error is ``ρ`` times the
  empirical standard error, an unbiased predictor lands inside the empirical 95 % interval with
  probability ``2Φ(1.96 / √(1 + ρ²)) − 1`` (70 % at ``ρ = 1.6``, 80 % only for ``ρ <= 1.16``).
  The two-sample comparison, ``|predicted − empirical| <= z √(se_B² + se_pred²)``, is
  :attr:`ModelValidation.information_agreement` (``se_pred`` from the prediction's own credible
  interval, so only for posterior models).
* *floor at or below the realised Dawid–Skene error* compares a bound on an error **probability**
  with an error **count** on half B. Wherever Dawid–Skene made no error at all, no positive floor
  passes, however small; :attr:`ModelValidation.positive_floor_ceiling` is the share of
  splits × r where it made at least one, the most any positive floor can reach. And the floor
  bounds decoders of the vote *histogram*: Dawid–Skene also knows which rater gave each label and
  can fall below it where raters differ (the method §9); majority vote decodes the histogram, so
  :attr:`ModelValidation.floor_at_or_below_majority` compares the floor with an error it bounds.

Three calibrators are provided: :func:`calibrate_baseline`, the first release (pooled accuracy →
symmetric kernel with slip 0.02, ρ from excess unanimity, uniform prior, the uniform-target
floor); :func:`calibrate_point`, the EM point fit of :func:`models.rater_population.fit_rater_population`;
and :func:`calibrate_population`, the method §9's posterior predictive
(:func:`models.rater_posterior.posterior_population`), whose floor is the credible floor.

Information is computed in nats; :meth:`ModelValidation.to_dict` reports bits (the presentation
boundary) under keys ending in ``_bits``.

References
----------
Snow, R., O'Connor, B., Jurafsky, D. & Ng, A. Y. (2008). Cheap and fast — but is it good? EMNLP.
Sheng, V. S., Provost, F. & Ipeirotis, P. G. (2008). Get another label? KDD.
Dawid, A. P. & Skene, A. M. (1979). Journal of the Royal Statistical Society C 28(1), 20–28.
Davison, A. C. & Hinkley, D. V. (1997). Bootstrap Methods and their Application. Cambridge.
Quenouille, M. H. (1956). Notes on bias in estimation. Biometrika 43, 353–360.
Efron, B. & Stein, C. (1981). The jackknife estimate of variance. Annals of Statistics 9, 586–596.
Zahl, S. (1977). Jackknifing an index of diversity. Ecology 58, 907–913.
Archer, E., Park, I. M. & Pillow, J. W. (2013). Bayesian and quasi-Bayesian estimators for mutual
information from discrete data. Entropy 15, 1738–1755.
Miller, G. A. (1955). Note on the bias of information estimates. In Information Theory in
Psychology, 95–100.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy import special

from .aggregation import Annotations, dawid_skene
from .empirical import Cancelled, excess_unanimity_correlation
from .errors import InvalidArgumentError, check_choice, check_integer, check_real
from .kernels import symmetric_kernel
from .panel import compositions, count_kernel
from .rater_population import KINDS, PanelPrediction, fit_rater_population, panel_predictions
from .rater_posterior import posterior_population
from .info import LN2

__all__ = [
    "Predictor",
    "Calibrator",
    "SymmetricBaseline",
    "calibrate_baseline",
    "calibrate_population",
    "calibrate_point",
    "hypergeometric_histograms",
    "expected_majority",
    "information_interval",
    "ValidationRow",
    "ModelValidation",
    "Validation",
    "validate",
]



class Predictor(Protocol):
    """Anything with ``predict(r) -> PanelPrediction`` (a fitted model)."""

    def predict(self, raters: int) -> PanelPrediction:
        """Predictions for ``raters`` raters per item."""
        ...


#: ``calibrator(pilot, gold, kind) -> Predictor``: pilot labels, gold per pilot item (-1 unknown),
#: the question kind.
Calibrator = Callable[[Annotations, np.ndarray, str], Predictor]


# ================================================================== calibrators
@dataclass(frozen=True)
class SymmetricBaseline(Predictor):
    """The first release's calibration: one pooled accuracy, a symmetric kernel, herding ρ.

    Attributes
    ----------
    k : int
        Classes.
    accuracy : float
        Single-rater accuracy of the symmetric kernel (the pilot's pooled accuracy, capped below
        ``1 − slip``).
    rho : float
        Herding ρ from excess unanimity (the method §4).
    refused : bool
        True when the pilot's accuracy reached ``1 − slip``: the first release refuses such a
        pilot (its accuracy cannot be inverted); here the cap stands in.
    """

    k: int
    accuracy: float
    rho: float
    refused: bool

    def predict(self, raters: int) -> PanelPrediction:
        """Majority, MAP and information at the uniform prior, the uniform-target Fano floor."""
        kernel = symmetric_kernel(self.k, self.accuracy)
        return panel_predictions(np.full(self.k, 1.0 / self.k), count_kernel(kernel, raters, correlation=self.rho), raters)


def calibrate_baseline(pilot: Annotations, gold: np.ndarray, kind: str, *, slip: float = 0.02) -> SymmetricBaseline:
    """The first release's calibration of a pilot (the baseline of the validation).

    Parameters
    ----------
    pilot : Annotations
        Pilot labels.
    gold : numpy.ndarray of int, shape (pilot.n_items,)
        Gold per item (-1 unknown; at least one known).
    kind : str
        Ignored (the first release used the same symmetric kernel for every nominal kind).
    slip : float
        The question's slip rate, in [0, 0.5): accuracy is capped at ``1 − slip``.

    Returns
    -------
    SymmetricBaseline
    """
    rate = check_real("slip", slip, low=0.0, high=0.5, high_open=True)
    k = pilot.n_classes
    known = gold[pilot.items] >= 0
    if not np.any(known):
        raise InvalidArgumentError("gold: the baseline needs gold for at least one pilot item")
    accuracy = float(np.mean(pilot.labels[known] == gold[pilot.items][known]))
    ceiling = 1.0 - rate
    refused = accuracy >= ceiling
    accuracy = min(max(accuracy, 1.0 / k + 1e-9), ceiling - 1e-9)
    truth = np.zeros((pilot.n_items, k))
    has = np.flatnonzero(gold >= 0)
    truth[has, gold[has]] = 1.0
    counts = np.zeros((k, k))
    np.add.at(counts, (gold[pilot.items][known], pilot.labels[known]), 1.0)
    totals = counts.sum(axis=1, keepdims=True)
    pooled = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), 1.0 / k)
    try:
        estimate = excess_unanimity_correlation(pilot, truth, pooled[None], np.zeros(pilot.n_labels, dtype=np.int64))
        rho = min(estimate.rho, 0.99)
    except InvalidArgumentError:
        rho = 0.0
    return SymmetricBaseline(k, accuracy, float(rho), bool(refused))


def calibrate_population(pilot: Annotations, gold: np.ndarray, kind: str, **options) -> Predictor:
    """The method §9's calibration: the posterior predictive of :func:`models.rater_posterior.posterior_population`.

    Parameters
    ----------
    pilot : Annotations
    gold : numpy.ndarray of int, shape (pilot.n_items,)
    kind : str
        One of :data:`models.rater_population.KINDS`.
    **options
        Passed to :func:`models.rater_posterior.posterior_population` (spread_scale, draws, seed, ...).

    Returns
    -------
    PopulationPosterior
    """
    return posterior_population(pilot, kind=kind, gold=gold, **options)


def calibrate_point(pilot: Annotations, gold: np.ndarray, kind: str, **options) -> Predictor:
    """The EM point fit of :func:`models.rater_population.fit_rater_population` (AIC-chosen size).

    Parameters
    ----------
    pilot : Annotations
    gold : numpy.ndarray of int, shape (pilot.n_items,)
    kind : str
        One of :data:`models.rater_population.KINDS`.
    **options
        Passed to the fit (difficulty, rater_types, criterion, ...).

    Returns
    -------
    RaterPopulation
    """
    return fit_rater_population(pilot, kind=kind, gold=gold, **options).population


# ============================================================ empirical pieces
def hypergeometric_histograms(votes: object, raters: int) -> np.ndarray:
    """Distribution of the vote histogram of a random ``raters``-subset of each item's labels.

    Parameters
    ----------
    votes : array_like of int, shape (n_items, k)
        Each item's label counts; every item needs at least ``raters`` labels.
    raters : int
        Subset size ``r``, >= 1.

    Returns
    -------
    numpy.ndarray, shape (n_items, C(r + k − 1, k − 1))
        Rows sum to 1 (multivariate hypergeometric), columns in
        :func:`models.panel.compositions` ``(r, k)`` order.
    """
    counts = np.asarray(votes)
    if counts.ndim != 2 or not np.issubdtype(counts.dtype, np.integer) or np.any(counts < 0):
        raise InvalidArgumentError("votes must be a 2-D array of non-negative integer counts")
    count = check_integer("raters", raters, low=1)
    totals = counts.sum(axis=1)
    if np.any(totals < count):
        raise InvalidArgumentError(f"raters={count} exceeds the labels of an item ({int(totals.min())})")
    table = compositions(count, counts.shape[1])
    feasible = np.all(table[None, :, :] <= counts[:, None, :], axis=2)
    chosen = special.gammaln(counts[:, None, :] + 1.0) - special.gammaln(table[None] + 1.0) - special.gammaln(
        np.maximum(counts[:, None, :] - table[None], 0) + 1.0
    )
    log_total = special.gammaln(totals + 1.0) - special.gammaln(count + 1.0) - special.gammaln(totals - count + 1.0)
    probability = np.where(feasible, np.exp(chosen.sum(axis=2) - log_total[:, None]), 0.0)
    return probability / probability.sum(axis=1, keepdims=True)


def _tie_scores(table: np.ndarray) -> np.ndarray:
    winners = table == table.max(axis=1, keepdims=True)
    return winners / winners.sum(axis=1, keepdims=True)


def expected_majority(votes: object, gold: object, raters: int) -> float:
    """Majority-vote accuracy of ``raters`` labels per item, exact over subsets and tie-breaks.

    The expectation, over a uniformly random ``r``-subset of each item's labels and a uniformly
    random winner among tied classes, of the share of items whose winner is gold.

    Parameters
    ----------
    votes : array_like of int, shape (n_items, k)
        Label counts per item.
    gold : array_like of int, shape (n_items,)
        Gold class per item, in [0, k).
    raters : int
        ``r``, >= 1, at most every item's label count.

    Returns
    -------
    float
        In [0, 1].
    """
    counts = np.asarray(votes)
    truth = np.asarray(gold)
    if truth.shape != (counts.shape[0],) or np.any(truth < 0) or np.any(truth >= counts.shape[1]):
        raise InvalidArgumentError("gold must give a class in [0, k) for every item")
    distribution = hypergeometric_histograms(counts, raters)
    scores = _tie_scores(compositions(int(raters), counts.shape[1]))
    return float(np.mean(np.einsum("ic,ic->i", distribution, scores[:, truth].T)))


def _mutual_information(joints: np.ndarray) -> np.ndarray:
    """``I`` of joint tables (..., k, C), nats."""
    rows = joints.sum(axis=-1, keepdims=True)
    columns = joints.sum(axis=-2, keepdims=True)
    ratio = np.where(joints > 0, joints / np.where(rows * columns > 0, rows * columns, 1.0), 1.0)
    return np.maximum((special.xlogy(joints, ratio)).sum(axis=(-2, -1)), 0.0)


def information_interval(
    distributions: object, gold: object, k: int, *, method: str = "jackknife", n_boot: int = 1000,
    level: float = 0.95, rng: np.random.Generator | None = None,
) -> tuple[float, float, float, float]:
    """Information ``I(gold; histogram)`` with a resampling interval over items.

    Parameters
    ----------
    distributions : array_like, shape (n_items, n_histograms)
        Each item's histogram distribution (e.g. :func:`hypergeometric_histograms`); n_items >= 3.
    gold : array_like of int, shape (n_items,)
        Gold class per item, in [0, k).
    k : int
        Classes, >= 2.
    method : {"jackknife", "bootstrap"}
        ``jackknife`` (default): the delete-one-item jackknife's bias-corrected estimate
        ``n Î − (n − 1) mean(Î₍₋ᵢ₎)`` (Quenouille 1956; for entropies Zahl 1977) with the normal
        interval of half-width ``z · SE_jack`` (Efron & Stein 1981: the jackknife variance errs
        on the large side). ``bootstrap``: ``2Î − mean(I*)`` with the basic interval
        ``[2Î − q_hi, 2Î − q_lo]`` over ``n_boot`` item resamples. The bootstrap cannot see the
        cells a sample leaves empty, so it under-corrects the bias where histograms outnumber items
        (39 raters, 54 items); on pilots simulated in the shapes of the shared data sets the
        jackknife interval covers the true value in 81–96 % of runs, the bootstrap's in 51–95 %
        (``tests/models/test_validation.py``).
    n_boot : int
        Bootstrap resamples, in [100, 100 000] (bootstrap only).
    level : float
        Confidence level, in (0, 1).
    rng : numpy.random.Generator, optional
        Source of the bootstrap resamples (default: seed 0).

    Returns
    -------
    plug_in, corrected, low, high : float
        Plug-in estimate, bias-corrected estimate and interval, in nats; the last three clipped to
        ``[0, ln k]`` (not to the sample's gold entropy: the population's prior differs from the
        sample's, and its information may exceed the sample entropy).
    """
    matrix = np.asarray(distributions, dtype=float)
    truth = np.asarray(gold)
    count = check_integer("k", k, low=2)
    choice = check_choice("method", method, ("jackknife", "bootstrap"))
    confidence = check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    if matrix.ndim != 2 or truth.shape != (matrix.shape[0],) or np.any(truth < 0) or np.any(truth >= count):
        raise InvalidArgumentError("distributions (n_items, n_histograms) and gold (n_items,) in [0, k) must match")
    n = matrix.shape[0]
    if n < 3:
        raise InvalidArgumentError(f"distributions must cover at least 3 items, got {n}")
    # Each item's contribution to the joint table, flattened: row gold_i holds its distribution.
    contributions = np.zeros((n, count, matrix.shape[1]))
    contributions[np.arange(n), truth] = matrix
    contributions = contributions.reshape(n, -1)
    total = contributions.sum(axis=0)
    plug_in = float(_mutual_information((total / n).reshape(count, -1)))
    top = math.log(count)
    if choice == "jackknife":
        left_out = _mutual_information(((total[None, :] - contributions) / (n - 1)).reshape(n, count, -1))
        corrected = n * plug_in - (n - 1) * float(left_out.mean())
        error = math.sqrt((n - 1) / n * float(((left_out - left_out.mean()) ** 2).sum()))
        half = float(special.ndtri(0.5 + confidence / 2.0)) * error
        low, high = corrected - half, corrected + half
    else:
        resamples = check_integer("n_boot", n_boot, low=100, high=100_000)
        generator = np.random.default_rng(0) if rng is None else rng
        weights = generator.multinomial(n, np.full(n, 1.0 / n), size=resamples) / n
        replicates = _mutual_information((weights @ contributions).reshape(resamples, count, -1))
        tail = (1.0 - confidence) / 2.0
        q_low, q_high = np.quantile(replicates, [tail, 1.0 - tail])
        corrected = 2.0 * plug_in - float(replicates.mean())
        low, high = 2.0 * plug_in - q_high, 2.0 * plug_in - q_low

    def clip(value: float) -> float:
        return float(min(max(value, 0.0), top))

    return plug_in, clip(corrected), clip(low), clip(high)


def _dawid_skene_accuracy(items: np.ndarray, raters: np.ndarray, labels: np.ndarray, gold: np.ndarray, k: int) -> float:
    data = Annotations.from_arrays(items, raters, labels, n_items=gold.size, n_classes=k)
    posteriors = np.asarray(dawid_skene(data).posteriors)
    winners = posteriors >= posteriors.max(axis=1, keepdims=True) - 1e-12
    return float(np.mean(winners[np.arange(gold.size), gold] / winners.sum(axis=1)))


# ================================================================== results
#: Significance of the binomial check that a realised error count is consistent with a floor.
FLOOR_TEST_LEVEL = 0.05


@dataclass(frozen=True)
class ValidationRow:
    """One ``r`` of one model: means over splits (accuracies in [0, 1], information in nats).

    Attributes
    ----------
    r : int
        Raters per item.
    empirical_majority, predicted_majority : float
        Majority-vote accuracy on half B (exact over subsets and ties) and predicted.
    empirical_dawid_skene : float
        Dawid–Skene accuracy on half B (majority vote when ``dawid_skene_identifiable`` is False).
    dawid_skene_identifiable : bool
        False at ``r = 1`` (one label per item).
    predicted_map : float
        Predicted MAP accuracy over vote histograms.
    predicted_typed_map : float or None
        Predicted MAP accuracy of a decoder knowing each label's rater type (mixed pools only).
    empirical_information_nats : float
        Bias-corrected empirical ``I(gold; r-vote histogram)``.
    information_ci_nats : tuple of float
        Mean over splits of the empirical interval's ends.
    predicted_information_nats : float
        Predicted information.
    predicted_information_interval_nats : tuple of float or None
        Mean over splits of the prediction's own credible interval (posterior models only).
    floor : float
        Predicted Fano floor (for the posterior model: the credible floor).
    point_floor : float
        The floor at the model's point (posterior mean of the floor for the posterior model).
    half_a_majority : float
        Half A's own majority-vote accuracy with all its labels (a reference: what a model that
        knew half A perfectly would predict; its error is sampling noise alone).
    mean_abs_error_majority, max_abs_error_majority : float
        Mean and maximum over splits of ``|predicted − empirical|`` majority accuracy.
    reference_mean_abs_error_majority : float
        Mean over splits of ``|half_a − empirical|``.
    information_coverage : float
        Share of splits whose predicted information lies in the empirical interval.
    prediction_interval_coverage : float or None
        Share of splits whose prediction interval contains the empirical information.
    floor_below_dawid_skene : float
        Share of splits with floor ≤ the realised Dawid–Skene error.
    floor_consistent_with_dawid_skene : float
        Share of splits whose realised Dawid–Skene error count is not significantly below the
        floor (one-sided binomial test at :data:`FLOOR_TEST_LEVEL`; an error of 0 on 89 items
        is consistent with a floor of 0.0005, which ``floor_below_dawid_skene`` counts as a miss).
    positive_floor_ceiling : float
        Share of splits where Dawid–Skene made at least one error: the largest share of splits
        in which any floor > 0 can be at or below the realised error.
    floor_below_majority : float
        Share of splits with floor ≤ the majority-vote error on half B. Majority vote decodes the
        vote histogram, so the floor (a bound for every decoder of the histogram) holds for its
        error probability; Dawid–Skene also knows who gave each label, which the exchangeable
        histogram does not, and may legitimately fall below the floor where raters differ.
    information_agreement : float or None
        Share of splits with ``|predicted − empirical| <= z √(se_B² + se_pred²)`` (posterior
        models only; see the module docstring).
    """

    r: int
    empirical_majority: float
    predicted_majority: float
    empirical_dawid_skene: float
    dawid_skene_identifiable: bool
    predicted_map: float
    predicted_typed_map: float | None
    empirical_information_nats: float
    information_ci_nats: tuple[float, float]
    predicted_information_nats: float
    predicted_information_interval_nats: tuple[float, float] | None
    floor: float
    point_floor: float
    half_a_majority: float
    mean_abs_error_majority: float
    max_abs_error_majority: float
    reference_mean_abs_error_majority: float
    information_coverage: float
    prediction_interval_coverage: float | None
    floor_below_dawid_skene: float
    floor_consistent_with_dawid_skene: float
    positive_floor_ceiling: float = 1.0
    floor_below_majority: float = 1.0
    information_agreement: float | None = None

    def to_dict(self) -> dict:
        """Plain values; information in bits."""
        interval = self.predicted_information_interval_nats
        return {
            "r": self.r,
            "empirical_majority": self.empirical_majority,
            "predicted_majority": self.predicted_majority,
            "empirical_dawid_skene": self.empirical_dawid_skene,
            "dawid_skene_identifiable": self.dawid_skene_identifiable,
            "predicted_map": self.predicted_map,
            "predicted_typed_map": self.predicted_typed_map,
            "empirical_information_bits": self.empirical_information_nats / LN2,
            "information_ci_bits": [self.information_ci_nats[0] / LN2, self.information_ci_nats[1] / LN2],
            "predicted_information_bits": self.predicted_information_nats / LN2,
            "predicted_information_interval_bits": None if interval is None else [interval[0] / LN2, interval[1] / LN2],
            "floor": self.floor,
            "point_floor": self.point_floor,
            "half_a_majority": self.half_a_majority,
            "mean_abs_error_majority": self.mean_abs_error_majority,
            "max_abs_error_majority": self.max_abs_error_majority,
            "reference_mean_abs_error_majority": self.reference_mean_abs_error_majority,
            "information_coverage": self.information_coverage,
            "prediction_interval_coverage": self.prediction_interval_coverage,
            "floor_below_dawid_skene": self.floor_below_dawid_skene,
            "floor_consistent_with_dawid_skene": self.floor_consistent_with_dawid_skene,
            "positive_floor_ceiling": self.positive_floor_ceiling,
            "floor_below_majority": self.floor_below_majority,
            "information_agreement": self.information_agreement,
        }


@dataclass(frozen=True, eq=False)
class ModelValidation:
    """One calibrator's predictions against half B, per ``r`` and per split.

    Attributes
    ----------
    name : str
        Calibrator name.
    rows : tuple of ValidationRow
        One per ``r``, means over splits.
    predicted_majority, predicted_map, predicted_information_nats, floor : numpy.ndarray
        Per split and ``r``, shape (splits, len(raters)).
    predicted_information_low_nats, predicted_information_high_nats : numpy.ndarray
        Per split and ``r``: the prediction's own credible interval (NaN for point models).
    mean_abs_error_majority : float
        Mean over ``r`` of ``|mean predicted − mean empirical|`` (the rows' error), accuracy units.
    max_abs_error_majority : float
        Largest such row error.
    split_mean_abs_error_majority, split_max_abs_error_majority : float
        Mean and maximum of ``|predicted − empirical|`` over splits × r.
    information_ci_coverage : float
        Share of splits × r whose predicted information lies in the empirical interval.
    prediction_interval_coverage : float or None
        Share of splits × r whose prediction interval contains the empirical information.
    floor_at_or_below_dawid_skene : float
        Share of splits × r whose floor is at most the realised Dawid–Skene error.
    floor_at_or_below_dawid_skene_all_r : float
        Share of splits where that holds at every ``r``.
    point_floor_at_or_below_dawid_skene : float
        The same share for the point floor.
    floor_consistent_with_dawid_skene : float
        Share of splits × r passing the binomial check of :class:`ValidationRow`.
    positive_floor_ceiling : float
        Share of splits × r where Dawid–Skene made at least one error on half B: no floor > 0
        can be at or below the realised error in a larger share.
    floor_at_or_below_majority : float
        Share of splits × r whose floor is at most the majority-vote error on half B (a decoder of
        the histogram, which the floor bounds; see :class:`ValidationRow`).
    information_agreement : float or None
        Share of splits × r whose predicted and empirical information agree within the 95 %
        two-sample margin ``z √(se_B² + se_pred²)`` (None without a prediction interval).
    notes : tuple of str
        What the calibrator flagged (e.g. refused pilots).
    """

    name: str
    rows: tuple[ValidationRow, ...]
    predicted_majority: np.ndarray = field(repr=False)
    predicted_map: np.ndarray = field(repr=False)
    predicted_information_nats: np.ndarray = field(repr=False)
    floor: np.ndarray = field(repr=False)
    predicted_information_low_nats: np.ndarray | None = field(default=None, repr=False)
    predicted_information_high_nats: np.ndarray | None = field(default=None, repr=False)
    mean_abs_error_majority: float = 0.0
    max_abs_error_majority: float = 0.0
    split_mean_abs_error_majority: float = 0.0
    split_max_abs_error_majority: float = 0.0
    information_ci_coverage: float = 0.0
    prediction_interval_coverage: float | None = None
    floor_at_or_below_dawid_skene: float = 0.0
    floor_at_or_below_dawid_skene_all_r: float = 0.0
    point_floor_at_or_below_dawid_skene: float = 0.0
    floor_consistent_with_dawid_skene: float = 0.0
    positive_floor_ceiling: float = 1.0
    floor_at_or_below_majority: float = 1.0
    information_agreement: float | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """``rows`` (information in bits) and the aggregates."""
        return {
            "model": self.name,
            "rows": [row.to_dict() for row in self.rows],
            "mean_abs_error_majority": self.mean_abs_error_majority,
            "max_abs_error_majority": self.max_abs_error_majority,
            "split_mean_abs_error_majority": self.split_mean_abs_error_majority,
            "split_max_abs_error_majority": self.split_max_abs_error_majority,
            "information_ci_coverage": self.information_ci_coverage,
            "prediction_interval_coverage": self.prediction_interval_coverage,
            "floor_at_or_below_dawid_skene": self.floor_at_or_below_dawid_skene,
            "floor_at_or_below_dawid_skene_all_r": self.floor_at_or_below_dawid_skene_all_r,
            "point_floor_at_or_below_dawid_skene": self.point_floor_at_or_below_dawid_skene,
            "floor_consistent_with_dawid_skene": self.floor_consistent_with_dawid_skene,
            "positive_floor_ceiling": self.positive_floor_ceiling,
            "floor_at_or_below_majority": self.floor_at_or_below_majority,
            "information_agreement": self.information_agreement,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, eq=False)
class Validation:
    """The protocol's measurements on half B and every calibrator's predictions.

    Attributes
    ----------
    raters : tuple of int
        The ``r`` measured.
    splits, pilot_labels, seed : int
        Protocol settings.
    interval : str
        Method of the empirical information interval.
    n_boot : int
        Bootstrap resamples (bootstrap interval only).
    level : float
        Interval level.
    items, labels, k : int
        Data size (items with gold only) and classes.
    half_b_items : int
        Items in half B.
    empirical_majority, empirical_dawid_skene, half_a_majority : numpy.ndarray
        Per split and ``r``, shape (splits, len(raters)).
    empirical_information_nats, information_low_nats, information_high_nats : numpy.ndarray
        Per split and ``r``: bias-corrected information and its interval.
    models : dict of str to ModelValidation
    """

    raters: tuple[int, ...]
    splits: int
    pilot_labels: int
    seed: int
    interval: str
    n_boot: int
    level: float
    items: int
    labels: int
    k: int
    half_b_items: int
    empirical_majority: np.ndarray = field(repr=False)
    empirical_dawid_skene: np.ndarray = field(repr=False)
    half_a_majority: np.ndarray = field(repr=False)
    empirical_information_nats: np.ndarray = field(repr=False)
    information_low_nats: np.ndarray = field(repr=False)
    information_high_nats: np.ndarray = field(repr=False)
    models: dict[str, ModelValidation] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Protocol settings and, per model, rows and aggregates."""
        return {
            "protocol": {
                "splits": self.splits, "pilot_labels": self.pilot_labels, "seed": self.seed,
                "interval": self.interval, "n_boot": self.n_boot, "level": self.level, "raters": list(self.raters),
                "items": self.items, "labels": self.labels, "k": self.k, "half_b_items": self.half_b_items,
                "majority": "exact expectation over r-subsets of each item's labels and random tie-breaks",
            },
            "models": {name: result.to_dict() for name, result in self.models.items()},
        }


def _model_validation(name: str, table: dict, measured: tuple[int, ...], empirical_mv: np.ndarray,
                      empirical_ds: np.ndarray, reference: np.ndarray, info: np.ndarray, info_low: np.ndarray,
                      info_high: np.ndarray, half_b: int, identifiable: bool, notes: list[str],
                      level: float) -> ModelValidation:
    error = table["majority"] - empirical_mv
    covered = (table["information"] >= info_low - 1e-12) & (table["information"] <= info_high + 1e-12)
    has_interval = not np.all(np.isnan(table["information_low"]))
    inside = (info >= table["information_low"] - 1e-12) & (info <= table["information_high"] + 1e-12)
    # Two-sample agreement: both halves' standard errors. The empirical one from the wider side
    # of its interval (an end clipped at 0 or ln k is shorter), the prediction's from its credible
    # interval's width.
    z = float(special.ndtri(0.5 + level / 2.0))
    se_b = np.maximum(info_high - info, info - info_low) / z
    se_pred = (table["information_high"] - table["information_low"]) / (2.0 * z)
    agree = np.abs(table["information"] - info) <= z * np.sqrt(se_b**2 + se_pred**2) + 1e-12
    realised = 1.0 - empirical_ds
    below = table["floor"] <= realised + 1e-12
    # Where Dawid–Skene made no error, only a floor of 0 is at or below it.
    erred = realised > 1e-12
    below_majority = table["floor"] <= 1.0 - empirical_mv + 1e-12
    point_below = table["point_floor"] <= realised + 1e-12
    errors = np.rint(realised * half_b)
    # P(Binomial(n, floor) <= observed errors): a small value says the realised count is
    # significantly below the floor.
    consistent = special.bdtr(errors, half_b, np.clip(table["floor"], 0.0, 1.0)) >= FLOOR_TEST_LEVEL
    rows = []
    for column, r in enumerate(measured):
        typed = table["typed_map"][:, column]
        rows.append(ValidationRow(
            r=r,
            empirical_majority=float(empirical_mv[:, column].mean()),
            predicted_majority=float(table["majority"][:, column].mean()),
            empirical_dawid_skene=float(empirical_ds[:, column].mean()),
            dawid_skene_identifiable=bool(r > 1 and identifiable),
            predicted_map=float(table["map"][:, column].mean()),
            predicted_typed_map=None if np.all(np.isnan(typed)) else float(np.nanmean(typed)),
            empirical_information_nats=float(info[:, column].mean()),
            information_ci_nats=(float(info_low[:, column].mean()), float(info_high[:, column].mean())),
            predicted_information_nats=float(table["information"][:, column].mean()),
            predicted_information_interval_nats=(
                (float(table["information_low"][:, column].mean()), float(table["information_high"][:, column].mean()))
                if has_interval else None
            ),
            floor=float(table["floor"][:, column].mean()),
            point_floor=float(table["point_floor"][:, column].mean()),
            half_a_majority=float(reference[:, column].mean()),
            mean_abs_error_majority=float(np.abs(error[:, column]).mean()),
            max_abs_error_majority=float(np.abs(error[:, column]).max()),
            reference_mean_abs_error_majority=float(np.abs(reference[:, column] - empirical_mv[:, column]).mean()),
            information_coverage=float(covered[:, column].mean()),
            prediction_interval_coverage=float(inside[:, column].mean()) if has_interval else None,
            floor_below_dawid_skene=float(below[:, column].mean()),
            floor_consistent_with_dawid_skene=float(consistent[:, column].mean()),
            positive_floor_ceiling=float(erred[:, column].mean()),
            floor_below_majority=float(below_majority[:, column].mean()),
            information_agreement=float(agree[:, column].mean()) if has_interval else None,
        ))
    row_errors = np.abs(np.array([row.predicted_majority - row.empirical_majority for row in rows]))
    return ModelValidation(
        name=name,
        rows=tuple(rows),
        predicted_majority=table["majority"],
        predicted_map=table["map"],
        predicted_information_nats=table["information"],
        floor=table["floor"],
        predicted_information_low_nats=table["information_low"],
        predicted_information_high_nats=table["information_high"],
        mean_abs_error_majority=float(row_errors.mean()),
        max_abs_error_majority=float(row_errors.max()),
        split_mean_abs_error_majority=float(np.abs(error).mean()),
        split_max_abs_error_majority=float(np.abs(error).max()),
        information_ci_coverage=float(covered.mean()),
        prediction_interval_coverage=float(inside.mean()) if has_interval else None,
        floor_at_or_below_dawid_skene=float(below.mean()),
        floor_at_or_below_dawid_skene_all_r=float(np.all(below, axis=1).mean()),
        point_floor_at_or_below_dawid_skene=float(point_below.mean()),
        floor_consistent_with_dawid_skene=float(consistent.mean()),
        positive_floor_ceiling=float(erred.mean()),
        floor_at_or_below_majority=float(below_majority.mean()),
        information_agreement=float(agree.mean()) if has_interval else None,
        notes=tuple(notes),
    )


# ================================================================== protocol
def _codes(name: str, values: object) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer) or array.min() < 0:
        raise InvalidArgumentError(f"{name} must be a non-empty 1-D array of integer codes >= 0")
    return array.astype(np.int64)


def _pilot(rng: np.random.Generator, positions: np.ndarray, starts: np.ndarray, per_item: np.ndarray, size: int) -> np.ndarray:
    """Indices (into the item-sorted label arrays) of ``size`` random labels of each item in ``positions``."""
    chosen = []
    for item in positions:
        count = per_item[item]
        chosen.append(starts[item] + rng.choice(count, size=min(size, count), replace=False))
    return np.concatenate(chosen)


def validate(
    items: object,
    raters: object,
    labels: object,
    gold: object,
    *,
    kind: str,
    calibrators: Mapping[str, Calibrator] | None = None,
    raters_per_item: Sequence[int] | None = None,
    splits: int = 10,
    pilot_labels: int = 3,
    seed: int = 0,
    interval: str = "jackknife",
    n_boot: int = 1000,
    level: float = 0.95,
    dawid_skene_runs: bool = True,
    progress: Callable[[int, int], object] | None = None,
) -> Validation:
    """Run the validation protocol (module docstring) for every calibrator.

    Parameters
    ----------
    items, raters, labels : array_like of int, shape (n_labels,)
        Codes >= 0.
    gold : array_like of int, shape (n_items,)
        Gold class per item code, -1 where unknown (those items are left out).
    kind : str
        Question kind for the calibrators, one of :data:`models.rater_population.KINDS`.
    calibrators : mapping of str to Calibrator, optional
        Default: ``{"baseline": calibrate_baseline, "point": calibrate_point,
        "population": calibrate_population}``.
    raters_per_item : sequence of int, optional
        The ``r`` to measure, each in [1, R]; default ``1..R`` with R the smallest label count of
        an item.
    splits : int
        Random half-splits, in [1, 1000].
    pilot_labels : int
        Labels per pilot item, >= 1.
    seed : int
        Seed of the generators behind splits and pilots, Dawid–Skene subsamples and bootstraps
        (three independent streams), >= 0.
    interval : {"jackknife", "bootstrap"}
        Interval of the empirical information (:func:`information_interval`).
    n_boot : int
        Bootstrap resamples of the information interval, in [100, 100 000] (bootstrap only).
    level : float
        Interval level, in (0, 1).
    dawid_skene_runs : bool
        Run Dawid–Skene on half B (False leaves its column NaN-free but equal to majority vote and
        the floor check vacuous; for quick runs).
    progress : callable, optional
        ``progress(done, total)`` after each split; returning ``False`` stops the protocol
        (raises :class:`models.empirical.Cancelled`).

    Returns
    -------
    Validation
    """
    item_codes, rater_codes, label_codes = _codes("items", items), _codes("raters", raters), _codes("labels", labels)
    if not item_codes.size == rater_codes.size == label_codes.size:
        raise InvalidArgumentError("items, raters and labels must have equal lengths")
    truth = np.asarray(gold)
    if truth.ndim != 1 or not np.issubdtype(truth.dtype, np.integer) or truth.size <= item_codes.max():
        raise InvalidArgumentError("gold must be an integer array with one entry per item code")
    check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    count_splits = check_integer("splits", splits, low=1, high=1000)
    pilot_size = check_integer("pilot_labels", pilot_labels, low=1)
    # Independent streams, so that the splits and pilots do not depend on what else draws numbers
    # (Dawid–Skene subsamples, bootstrap resamples): the same seed gives the same splits always.
    streams = np.random.SeedSequence(check_integer("seed", seed, low=0)).spawn(3)
    generator, subsampler, resampler = (np.random.default_rng(stream) for stream in streams)
    check_integer("n_boot", n_boot, low=100, high=100_000)
    check_choice("interval", interval, ("jackknife", "bootstrap"))
    if kind not in KINDS:
        raise InvalidArgumentError(f"kind must be one of {KINDS}, got {kind!r}")
    k = int(max(label_codes.max(), truth.max()) + 1)
    if k < 2:
        raise InvalidArgumentError("labels and gold must span at least two classes")
    # Keep the items with gold and at least one label; renumber them 0..n-1 in code order.
    keep = truth[item_codes] >= 0
    item_codes, rater_codes, label_codes = item_codes[keep], rater_codes[keep], label_codes[keep]
    present = np.unique(item_codes)
    if present.size < 4:
        raise InvalidArgumentError("the protocol needs at least 4 items with gold and labels")
    renumber = np.full(truth.size, -1, dtype=np.int64)
    renumber[present] = np.arange(present.size)
    item_codes = renumber[item_codes]
    item_gold = truth[present].astype(np.int64)
    n_items = present.size
    n_raters = int(rater_codes.max()) + 1
    order = np.argsort(item_codes, kind="stable")
    item_codes, rater_codes, label_codes = item_codes[order], rater_codes[order], label_codes[order]
    per_item = np.bincount(item_codes, minlength=n_items)
    starts = np.concatenate(([0], np.cumsum(per_item)[:-1]))
    votes = np.zeros((n_items, k), dtype=np.int64)
    np.add.at(votes, (item_codes, label_codes), 1)
    largest = int(per_item.min())
    measured = tuple(range(1, largest + 1)) if raters_per_item is None else tuple(
        check_integer("raters_per_item", r, low=1, high=largest) for r in raters_per_item
    )
    chosen = dict(calibrators) if calibrators is not None else {
        "baseline": calibrate_baseline, "point": calibrate_point, "population": calibrate_population,
    }
    if not chosen:
        raise InvalidArgumentError("calibrators must name at least one calibrator")

    shape = (count_splits, len(measured))
    empirical_mv = np.zeros(shape)
    empirical_ds = np.zeros(shape)
    reference = np.zeros(shape)
    info = np.zeros(shape)
    info_low = np.zeros(shape)
    info_high = np.zeros(shape)
    keys = ("majority", "map", "information", "floor", "point_floor", "typed_map", "information_low", "information_high")
    predictions = {name: {key: np.zeros(shape) for key in keys} for name in chosen}
    notes: dict[str, list[str]] = {name: [] for name in chosen}

    for split in range(count_splits):
        permutation = generator.permutation(n_items)
        half_a, half_b = np.sort(permutation[: n_items // 2]), np.sort(permutation[n_items // 2:])
        pilot_index = _pilot(generator, half_a, starts, per_item, pilot_size)
        local = np.full(n_items, -1, dtype=np.int64)
        local[half_a] = np.arange(half_a.size)
        pilot = Annotations.from_arrays(
            local[item_codes[pilot_index]], rater_codes[pilot_index], label_codes[pilot_index],
            n_items=half_a.size, n_raters=n_raters, n_classes=k,
        )
        pilot_gold = item_gold[half_a]
        fitted = {}
        for name, calibrator in chosen.items():
            model = calibrator(pilot, pilot_gold, kind)
            if getattr(model, "refused", False):
                notes[name].append(f"split {split}: the pilot's accuracy reached 1 − slip (the first release refuses it; capped)")
            fitted[name] = model
        gold_b = item_gold[half_b]
        for column, r in enumerate(measured):
            distributions = hypergeometric_histograms(votes[half_b], r)
            scores = _tie_scores(compositions(r, k))
            empirical_mv[split, column] = float(np.mean(np.einsum("ic,ic->i", distributions, scores[:, gold_b].T)))
            reference[split, column] = expected_majority(votes[half_a], item_gold[half_a], r)
            _, corrected, low, high = information_interval(
                distributions, gold_b, k, method=interval, n_boot=n_boot, level=level, rng=resampler
            )
            info[split, column], info_low[split, column], info_high[split, column] = corrected, low, high
            if r == 1 or not dawid_skene_runs:
                empirical_ds[split, column] = empirical_mv[split, column]
            else:
                subset = _pilot(subsampler, half_b, starts, per_item, r)
                local_b = np.full(n_items, -1, dtype=np.int64)
                local_b[half_b] = np.arange(half_b.size)
                empirical_ds[split, column] = _dawid_skene_accuracy(
                    local_b[item_codes[subset]], rater_codes[subset], label_codes[subset], gold_b, k
                )
            for name, model in fitted.items():
                prediction = model.predict(r)
                table = predictions[name]
                table["majority"][split, column] = prediction.majority
                table["map"][split, column] = prediction.map_accuracy
                table["information"][split, column] = prediction.information_nats
                table["floor"][split, column] = prediction.floor
                table["point_floor"][split, column] = prediction.floor if prediction.point_floor is None else prediction.point_floor
                interval_nats = prediction.information_interval_nats
                table["information_low"][split, column] = np.nan if interval_nats is None else interval_nats[0]
                table["information_high"][split, column] = np.nan if interval_nats is None else interval_nats[1]
                table["typed_map"][split, column] = np.nan if prediction.typed_map_accuracy is None else prediction.typed_map_accuracy
        if progress is not None and progress(split + 1, count_splits) is False:
            raise Cancelled(f"validation cancelled after {split + 1} of {count_splits} splits")

    results = {
        name: _model_validation(name, predictions[name], measured, empirical_mv, empirical_ds, reference, info, info_low,
                                info_high, int(n_items - n_items // 2), dawid_skene_runs, notes[name], float(level))
        for name in chosen
    }
    return Validation(
        raters=measured, splits=count_splits, pilot_labels=pilot_size, seed=int(seed), interval=interval,
        n_boot=int(n_boot), level=float(level), items=n_items, labels=int(item_codes.size), k=k,
        half_b_items=int(n_items - n_items // 2),
        empirical_majority=empirical_mv, empirical_dawid_skene=empirical_ds, half_a_majority=reference,
        empirical_information_nats=info, information_low_nats=info_low, information_high_nats=info_high,
        models=results,
    )
