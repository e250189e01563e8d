"""Raters as they are: response bias, latent item difficulty and a mixed pool (the method §9).

The first release described a rater by one pooled accuracy and a symmetric kernel. Real crowds
differ from that in three ways, each of which changes what more raters buy:

* **Response bias** (the criterion ``c`` of signal detection theory, Green & Swets 1966). Binary and
  two-way pairwise questions are yes/no detection: ``P(yes | x) = Φ(±d′/2 − c)``, ``+`` for a true
  "yes" (code 1), ``−`` for a true "no" (code 0); ``c > 0`` is a conservative rater who says "no"
  more often. Ordinal scales (and pairwise with a tie or strength levels) shift every threshold by
  ``c``. Nominal questions with ``k >= 3`` options are k-alternative forced choice with one additive
  bias ``b_y`` per option (``b_0 = 0``): the rater picks the largest of ``N(d′·1[y = x] + b_y, 1)``.
* **Latent item difficulty.** Items fall into ``H`` classes unknown to any decoder, with weights
  ``w_h`` and d′ multipliers ``a_h`` (``Σ_h w_h a_h = 1``; a negative ``a_h`` is an item that looks
  like another class, so that more raters confirm the wrong answer). All raters of an item share its
  class, which makes their errors correlated: the panel kernel over vote histograms ``c`` is
  ``P(c | x) = Σ_h w_h Multinomial(c; r, K_h[x])``. Herding (the method §4's ρ, "all copy one
  draw") is the special case of classes with deterministic kernels whose weights depend on ``x``
  (:func:`latent_class_panel` accepts such weights, and :class:`RaterPopulation` keeps ρ as
  ``herding``).
* **A mixed pool.** Up to three rater types (each its own d′ and bias) drawn at random per label
  with weights ``v_t``. A decoder that ignores who gave a label sees the pooled kernels
  ``K_h = Σ_t v_t K_{h,t}``; one that knows each label's type (as Dawid & Skene 1979 do for each
  rater) sees per-type histograms, which is why an exchangeable model cannot bound a rater-aware
  aggregator.

Slips (articulation errors, the method §3) are composed after the cognitive kernel.

**Predictions** for ``r`` raters, exact over all vote histograms (the compositions of ``r``):
majority-vote accuracy with ties split at random (a tie among ``t`` classes counts ``1/t`` when the
truth is among them), MAP accuracy under the class prior (the method §8.1), the mutual information
``I(X; histogram)`` at that prior and the prior-aware Fano floor
``h(P_e) + P_e ln(k − 1) ≥ H(π) − I`` (the method §8.1; Cover & Thomas Thm 2.10.1).

**Fitting** (:func:`fit_rater_population`): expectation–maximisation on the pilot's labels grouped by
item, with the item's true class known (gold) or weighted by Dawid–Skene posteriors; the E-step
gives each item's posterior over difficulty classes, the M-step sets the class weights in closed
form and the kernel parameters (d′, bias, multipliers, slip) by bounded quasi-Newton on the
expected complete-data log-likelihood. The number of classes (and of rater types, on request) is
chosen by BIC among the models the pilot's histograms identify. The class prior is the
Krichevsky–Trofimov estimate from the truth weights (so a class the pilot missed keeps a little
mass). The slip rate is fitted with the rest, so a pilot that is simply accurate is fitted, never
refused.

All information is in nats (the method §1).

References
----------
Green, D. M. & Swets, J. A. (1966). Signal Detection Theory and Psychophysics. Wiley.
Dawid, A. P. & Skene, A. M. (1979). Maximum likelihood estimation of observer error-rates using the
EM algorithm. Journal of the Royal Statistical Society C 28(1), 20–28.
Snow, R., O'Connor, B., Jurafsky, D. & Ng, A. Y. (2008). Cheap and fast — but is it good? EMNLP.
Sheng, V. S., Provost, F. & Ipeirotis, P. G. (2008). Get another label? KDD.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import special

from .aggregation import Annotations, dawid_skene
from .bounds import fano_floor_prior
from .errors import InvalidArgumentError, check_choice, check_integer, check_probability, check_real
from .info import as_distribution
from .kernels import ordinal_slip_kernel
from .panel import compositions, outcome_count

__all__ = [
    "KINDS",
    "response_kernel",
    "latent_class_panel",
    "PanelPrediction",
    "panel_predictions",
    "RaterPopulation",
    "PopulationFit",
    "fit_rater_population",
    "simulate_annotations",
]

#: Question kinds with a response-bias model.
KINDS = ("binary", "pairwise", "ordinal", "nominal")
#: Largest number of vote histograms enumerated exactly for the type-aware (typed) predictions.
TYPED_MAX_OUTCOMES = 200_000

# Logs of kernel cells are floored here: a cell of exactly 0 times a count of 0 must stay 0, and a
# count > 0 on it must give a negligible (not NaN) probability.
_LOG_FLOOR = math.log(1e-300)
# Gauss–Hermite (probabilists') nodes for the forced-choice integral E_u[Π Φ(u + Δ)]: the integrand
# is smooth and bounded; 32 nodes agree with a fine trapezoidal rule to a relative 5e-11 for
# d′ up to 15 and option biases up to ±2 (k = 3).
_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(32)
MAX_NOMINAL_FIT_CLASSES = 6
"""Most classes of a nominal pilot :func:`fit_rater_population` fits: the k-alternative forced-choice
kernel with option biases costs ``k³`` quadratures per kernel and the polish evaluates one kernel
per parameter (``k`` biases), so time grows as ``k⁴`` (on this machine 1.4 s at 5 classes, 28 s at
10) and memory with it (80 classes: tens of gigabytes)."""
_GH_WEIGHTS = _GH_WEIGHTS / math.sqrt(2.0 * math.pi)
# Bounds of the fitted parameters (noise SD units): wide enough never to bind on real pilots except
# where the pilot has no error at all, which the bound then represents (accuracy Φ(6) ≈ 1 − 1e-9).
_DPRIME_BOUNDS = (0.0, 12.0)
_BIAS_BOUNDS = (-5.0, 5.0)
_MULTIPLIER_BOUNDS = (-3.0, 6.0)
_SLIP_BOUNDS = (0.0, 0.25)


# ===================================================================== kernels
def _bias_width(kind: str, k: int) -> int:
    return k if kind == "nominal" else 1


@lru_cache(maxsize=64)
def _rivals(k: int) -> np.ndarray:
    """``(k, k − 1)``: row ``y`` lists the answers other than ``y`` in increasing order."""
    rivals = np.array([[other for other in range(k) if other != answer] for answer in range(k)], dtype=np.intp)
    rivals.setflags(write=False)
    return rivals


def _two_rivals(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``E_u[Φ(u + g₁) Φ(u + g₂)]``, u standard normal, in closed form.

    With ``V₁, V₂`` independent standard normals the expectation is ``P(V₁ − u ≤ g₁, V₂ − u ≤ g₂)``:
    a bivariate normal CDF with variances 2 and correlation ½, ``Φ₂(g₁/√2, g₂/√2; ½)``. Owen's (1956)
    formula writes it with his T function:

        Φ₂(h, k; ρ) = ½Φ(h) + ½Φ(k) − T(h, a_h) − T(k, a_k) − β,
        a_h = (k − ρh) / (h√(1 − ρ²)),  a_k = (h − ρk) / (k√(1 − ρ²)),
        β = ½ where hk < 0, or hk = 0 and h + k < 0; 0 otherwise.

    Φ₂ is continuous, so an argument of exactly 0 is moved to the smallest positive double (where
    the formula's limit is the value at 0). Two Owen's T and two normal CDFs per cell replace the
    Gauss–Hermite rule's 64 normal CDFs (five times faster; ``scipy.special.owens_t`` is accurate to
    about 1e-16), and the value is exact where the rule is accurate to 5e-11.
    """
    h = np.asarray(first, dtype=float) / math.sqrt(2.0)
    k = np.asarray(second, dtype=float) / math.sqrt(2.0)
    tiny = np.finfo(float).tiny
    h = np.where(h == 0.0, tiny, h)
    k = np.where(k == 0.0, tiny, k)
    root = math.sqrt(0.75)  # √(1 − ρ²) at ρ = ½
    with np.errstate(over="ignore"):
        a_h = (k - 0.5 * h) / (h * root)
        a_k = (h - 0.5 * k) / (k * root)
    value = 0.5 * (special.ndtr(h) + special.ndtr(k)) - special.owens_t(h, a_h) - special.owens_t(k, a_k)
    return value - np.where(h * k < 0.0, 0.5, 0.0)


def _kernels(kind: str, k: int, dprimes: np.ndarray, biases: np.ndarray, slip: float | np.ndarray, span: float) -> np.ndarray:
    """Row-stochastic kernels for every entry of ``dprimes`` (shape S) with its bias row and slip.

    ``dprimes`` has shape ``S``; ``biases`` shape ``S + (width,)``; ``slip`` a scalar or an array
    broadcastable to ``S``. Returns shape ``S + (k, k)``.
    """
    d = np.asarray(dprimes, dtype=float)
    b = np.asarray(biases, dtype=float)
    rate = np.asarray(slip, dtype=float)[..., None, None]
    if kind == "binary" or (kind == "pairwise" and k == 2):
        criterion = b[..., 0]
        yes = np.stack((special.ndtr(-d / 2.0 - criterion), special.ndtr(d / 2.0 - criterion)), axis=-1)
        cognitive = np.stack((1.0 - yes, yes), axis=-1)
    elif kind in ("ordinal", "pairwise"):
        reach = span * d[..., None]
        centres = (np.arange(k) + 0.5) / k * reach
        inner = np.arange(1, k) / k * reach + b[..., :1]
        upper = np.concatenate((inner, np.full(d.shape + (1,), np.inf)), axis=-1)
        lower = np.concatenate((np.full(d.shape + (1,), -np.inf), inner), axis=-1)
        # K[i, j] = Φ(upper_j − centre_i) − Φ(lower_j − centre_i), the method §3 with shifted thresholds.
        cognitive = special.ndtr(upper[..., None, :] - centres[..., :, None]) - special.ndtr(
            lower[..., None, :] - centres[..., :, None]
        )
    else:
        # Forced choice among k with option biases: mean of option y under truth x is
        # d·1[y = x] + b_y; P(y | x) = E_u[Π_{y' ≠ y} Φ(u + μ_y − μ_y')].
        means = d[..., None, None] * np.eye(k) + b[..., None, :]  # [..., x, y]
        # The k − 1 rivals y' ≠ y of each answer (the factor y' = y is 1 and is left out rather than
        # computed as Φ(∞): a third of the normal CDFs at k = 3, the bulk of a nominal pilot's fit).
        gaps = means[..., :, :, None] - means[..., :, _rivals(k)]  # [..., x, y, rival]
        if k == 2:
            # E_u[Φ(u + g)] = P(V − u ≤ g) with V − u ~ N(0, 2).
            cognitive = special.ndtr(gaps[..., 0] / math.sqrt(2.0))
        elif k == 3:
            cognitive = _two_rivals(gaps[..., 0], gaps[..., 1])
        else:
            terms = special.ndtr(gaps[..., None] + _GH_NODES).prod(axis=-2)  # [..., x, y, node]
            cognitive = terms @ _GH_WEIGHTS
    cognitive = np.clip(cognitive, 0.0, None)
    cognitive = cognitive / cognitive.sum(axis=-1, keepdims=True)
    # The articulation kernel (the method §3) composed after the judgment, written out so that the
    # slip can differ along the batch: nominal K(1 − s k/(k−1)) + s/(k−1); ordinal K + s K A with
    # A the adjacent-move generator.
    if kind in ("ordinal", "pairwise") and not (kind == "pairwise" and k == 2):
        generator = ordinal_slip_kernel(k, 1.0) - np.eye(k)
        return cognitive + rate * (cognitive @ generator)
    return cognitive * (1.0 - rate * k / (k - 1)) + rate / (k - 1)


def _check_kind(kind: object, k: int) -> str:
    name = check_choice("kind", kind, KINDS)
    if name == "binary" and k != 2:
        raise InvalidArgumentError(f"k must be 2 for a binary question, got {k}")
    return name


def response_kernel(
    kind: str, k: int, dprime: float, bias: object = 0.0, slip: float = 0.0, *, span: float = 3.0
) -> np.ndarray:
    """One rater's kernel with response bias, the method §9 (Green & Swets 1966).

    Parameters
    ----------
    kind : {"binary", "pairwise", "ordinal", "nominal"}
        ``binary`` (and ``pairwise`` with ``k = 2``): yes/no detection, ``P(yes | x) = Φ(±d′/2 − c)``
        with class 1 the "yes". ``ordinal`` (and ``pairwise`` with ``k >= 3``): Thurstonian scale of
        span ``span · d′`` with every threshold shifted by ``c`` (the method §3). ``nominal``:
        k-alternative forced choice with option biases ``b`` (at ``b = 0`` the method §3's kernel).
    k : int
        Number of answers, >= 2 (exactly 2 for binary).
    dprime : float
        Discriminability d′ in noise SDs, in [-50, 50] (negative: the truth looks like the other
        answers).
    bias : float or array_like
        The criterion ``c`` (binary, pairwise, ordinal), in [-20, 20], or for nominal a scalar 0 or
        ``k`` option biases ``b_y`` (only differences matter).
    slip : float
        Articulation slip rate, in [0, 1] (nominal: uniform to another option; ordinal: adjacent).
    span : float
        Ordinal scale span in d′ units, > 0.

    Returns
    -------
    numpy.ndarray, shape (k, k)
        Row-stochastic ``K[x, y] = P(y | x)``.
    """
    count = check_integer("k", k, low=2, high=50)
    name = _check_kind(kind, count)
    d = check_real("dprime", dprime, low=-50.0, high=50.0)
    rate = check_probability("slip", slip)
    reach = check_real("span", span, low=0.0, low_open=True)
    width = _bias_width(name, count)
    values = np.atleast_1d(np.asarray(bias, dtype=float))
    if values.size == 1 and width > 1:
        if values[0] != 0.0:
            raise InvalidArgumentError("bias of a nominal question must be 0 or one value per option")
        values = np.zeros(width)
    if values.shape != (width,) or not np.all(np.isfinite(values)) or np.any(np.abs(values) > 20.0):
        raise InvalidArgumentError(f"bias must be {width} finite value(s) in [-20, 20], got {bias!r}")
    return _kernels(name, count, np.asarray(d), values, rate, reach)


# ============================================================ panels over histograms
def _log_coefficients(table: np.ndarray) -> np.ndarray:
    raters = int(table[0].sum())
    return special.gammaln(raters + 1.0) - special.gammaln(table + 1.0).sum(axis=1)


def _mixture_panel(weights: np.ndarray, kernels: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``Σ_h W[h, x] Multinomial(c; r, K_h[x])``, shape (n_inputs, n_histograms)."""
    log_kernels = np.log(np.maximum(kernels, 1e-300))  # [h, x, y]
    log_probability = log_kernels @ table.T.astype(float) + _log_coefficients(table)  # [h, x, c]
    return np.einsum("hx,hxc->xc", weights, np.exp(log_probability))


def latent_class_panel(class_weights: object, class_kernels: object, raters: int) -> np.ndarray:
    """Panel kernel over vote histograms for raters who share an item's latent class, the method §9.

    ``P(c | x) = Σ_h W[h, x] Multinomial(c; r, K_h[x])``: the item's class ``h`` is drawn once,
    then the ``r`` raters answer independently through ``K_h``. With weights that do not depend on
    ``x`` this is latent item difficulty; the method §4's herding is the case of a class
    ``(1 − ρ, K)`` plus, per answer ``y``, a class with the deterministic kernel ``e_y`` and
    weight ``ρ K[x, y]``.

    Parameters
    ----------
    class_weights : array_like, shape (H,) or (H, n_inputs)
        Class weights, >= 0, summing to 1 over ``h`` (for every ``x`` when 2-D).
    class_kernels : array_like, shape (H, n_inputs, k)
        Row-stochastic kernel of each class.
    raters : int
        Raters per item ``r``, >= 1; ``C(r + k − 1, k − 1)`` must not exceed 10⁷.

    Returns
    -------
    numpy.ndarray, shape (n_inputs, C(r + k − 1, k − 1))
        Row-stochastic; columns follow :func:`models.panel.compositions` ``(r, k)``.
    """
    kernels = np.asarray(class_kernels, dtype=float)
    if kernels.ndim != 3 or 0 in kernels.shape:
        raise InvalidArgumentError(f"class_kernels must have shape (H, n_inputs, k), got {kernels.shape}")
    if not np.all(np.isfinite(kernels)) or np.any(kernels < 0) or np.any(np.abs(kernels.sum(axis=2) - 1.0) > 1e-9):
        raise InvalidArgumentError("class_kernels must be row-stochastic")
    weights = np.asarray(class_weights, dtype=float)
    if weights.ndim == 1:
        weights = np.repeat(weights[:, None], kernels.shape[1], axis=1)
    if weights.shape != kernels.shape[:2] or not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise InvalidArgumentError(f"class_weights must have shape (H,) or {kernels.shape[:2]} with entries >= 0")
    if np.any(np.abs(weights.sum(axis=0) - 1.0) > 1e-9):
        raise InvalidArgumentError("class_weights must sum to 1 over the classes")
    count = check_integer("raters", raters, low=1)
    if outcome_count(count, kernels.shape[2]) > 10_000_000:
        raise InvalidArgumentError(f"raters={count} with k={kernels.shape[2]} gives more than 1e7 histograms")
    return _mixture_panel(weights, kernels, compositions(count, kernels.shape[2]))


# ================================================================ predictions
@dataclass(frozen=True)
class PanelPrediction:
    """What ``r`` raters of a population deliver on one question.

    Attributes
    ----------
    raters : int
        Raters per item ``r``.
    majority : float
        Majority-vote accuracy, ties split at random (expected value), in [0, 1].
    map_accuracy : float
        MAP accuracy over vote histograms under the class prior, in [max π, 1] (the method §8.1).
    information_nats : float
        ``I(X; vote histogram)`` at the class prior, nats, in [0, H(π)].
    floor : float
        Prior-aware Fano floor on the error of any decoder of the histogram, in [0, 1 − 1/k].
    prior_entropy_nats : float
        ``H(π)``, nats.
    typed_map_accuracy : float or None
        MAP accuracy of a decoder that also knows each label's rater type (per-type histograms);
        None for a single type or when the typed histograms exceed the enumeration limit.
    typed_information_nats : float or None
        ``I(X; per-type histograms)``, nats; None as above.
    majority_interval, map_interval, information_interval_nats : tuple of float or None
        Credible intervals of a posterior prediction (:mod:`models.rater_posterior`); None for a
        point model.
    point_floor : float or None
        For a posterior prediction, the posterior mean of the floor (``floor`` is then the floor
        that holds with the stated posterior probability); None for a point model.
    """

    raters: int
    majority: float
    map_accuracy: float
    information_nats: float
    floor: float
    prior_entropy_nats: float
    typed_map_accuracy: float | None = None
    typed_information_nats: float | None = None
    majority_interval: tuple[float, float] | None = None
    map_interval: tuple[float, float] | None = None
    information_interval_nats: tuple[float, float] | None = None
    point_floor: float | None = None


def _tie_scores(table: np.ndarray) -> np.ndarray:
    """``score[c, x]`` = 1/t when class ``x`` is among the ``t`` classes with the most votes in ``c``."""
    winners = table == table.max(axis=1, keepdims=True)
    return winners / winners.sum(axis=1, keepdims=True)


def _entropy(p: np.ndarray) -> float:
    return float(-special.xlogy(p, p).sum())


def _information(prior: np.ndarray, panel: np.ndarray) -> float:
    joint = prior[:, None] * panel
    marginal = joint.sum(axis=0)
    value = _entropy(marginal) - float(prior @ np.array([_entropy(row) for row in panel]))
    return min(max(value, 0.0), _entropy(prior))


def _summaries(prior: np.ndarray, panel: np.ndarray, table: np.ndarray) -> tuple[float, float, float]:
    """Majority (tie-split), MAP accuracy and information of a panel over the histograms ``table``."""
    majority = float(np.einsum("x,xc,cx->", prior, panel, _tie_scores(table)))
    map_value = float(min(1.0, (prior[:, None] * panel).max(axis=0).sum()))
    return min(max(majority, 0.0), 1.0), map_value, _information(prior, panel)


def panel_predictions(prior: object, panel: object, raters: int) -> PanelPrediction:
    """Majority, MAP, information and floor of a panel kernel over the histograms of ``raters``.

    Parameters
    ----------
    prior : array_like, shape (k,)
        Class prior π.
    panel : array_like, shape (k, C(r + k − 1, k − 1))
        ``P(c | x)`` with columns in :func:`models.panel.compositions` order.
    raters : int
        ``r``, >= 1.

    Returns
    -------
    PanelPrediction
    """
    weights = as_distribution("prior", prior)
    count = check_integer("raters", raters, low=1)
    matrix = np.asarray(panel, dtype=float)
    k = weights.size
    table = compositions(count, k)
    if matrix.shape != (k, table.shape[0]) or not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise InvalidArgumentError(f"panel must have shape ({k}, {table.shape[0]}) with entries >= 0")
    majority, map_value, information = _summaries(weights, matrix, table)
    entropy = _entropy(weights)
    floor = fano_floor_prior(entropy, information, math.log(k))
    return PanelPrediction(count, majority, map_value, information, floor, entropy)


# ================================================================= the population
def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class RaterPopulation:
    """A question's raters as they are: bias, latent difficulty, a mixed pool, slips, a prior.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    prior : numpy.ndarray, shape (k,)
        Class prior π.
    dprime : numpy.ndarray, shape (T,)
        Each rater type's mean d′ (over difficulty classes), noise SDs.
    bias : numpy.ndarray, shape (T, width)
        Each type's criterion ``c`` (width 1) or option biases ``b_y`` (nominal, width k, ``b_0 = 0``).
    type_weights : numpy.ndarray, shape (T,)
        Share ``v_t`` of labels given by each type.
    difficulty_weights : numpy.ndarray, shape (H,)
        ``w_h``, the share of items in each difficulty class.
    difficulty_multipliers : numpy.ndarray, shape (H,)
        ``a_h``, d′ multipliers with ``Σ w_h a_h = 1``.
    slip : float
        Articulation slip rate, in [0, 1].
    span : float
        Ordinal span in d′ units (unused by binary and nominal kinds).
    herding : float
        ρ of the method §4: probability that an item's raters all copy one draw from the pooled
        kernel ``Σ_h w_h K_h``, in [0, 1); 0 for fitted populations (the difficulty classes carry
        the correlation instead).
    """

    kind: str
    prior: np.ndarray
    dprime: np.ndarray
    bias: np.ndarray
    type_weights: np.ndarray
    difficulty_weights: np.ndarray
    difficulty_multipliers: np.ndarray
    slip: float = 0.0
    span: float = 3.0
    herding: float = 0.0

    @classmethod
    def create(
        cls,
        kind: str,
        prior: object,
        dprime: object,
        *,
        bias: object = 0.0,
        type_weights: object | None = None,
        difficulty_weights: object = (1.0,),
        difficulty_multipliers: object = (1.0,),
        slip: float = 0.0,
        span: float = 3.0,
        herding: float = 0.0,
        normalise: bool = True,
    ) -> "RaterPopulation":
        """Validate the parameters into a population.

        Parameters
        ----------
        kind : str
            One of :data:`KINDS`.
        prior : array_like, shape (k,)
            Class prior, a probability vector, k >= 2.
        dprime : float or array_like, shape (T,)
            Mean d′ of each of T <= 3 rater types, in [0, 50].
        bias : float or array_like, shape (T, width) or broadcastable
            Criterion per type (binary, pairwise, ordinal) or option biases (nominal, k per type).
        type_weights : array_like, shape (T,), optional
            Type shares, uniform when omitted.
        difficulty_weights, difficulty_multipliers : array_like, shape (H,)
            ``w_h`` (probability vector) and ``a_h`` (each in [-50, 50]); H <= 12.
        slip : float
            In [0, 1].
        span : float
            > 0.
        herding : float
            In [0, 1).
        normalise : bool
            Rescale the multipliers so that ``Σ w_h a_h = 1`` (their mean then is 1 and ``dprime``
            the mean d′); requires ``Σ w_h a_h > 0``.
        """
        weights = as_distribution("prior", prior)
        k = weights.size
        if k < 2:
            raise InvalidArgumentError("prior must have at least 2 classes")
        name = _check_kind(kind, k)
        d = np.atleast_1d(np.asarray(dprime, dtype=float))
        if d.ndim != 1 or not 1 <= d.size <= 3 or not np.all(np.isfinite(d)) or np.any(d < 0) or np.any(d > 50):
            raise InvalidArgumentError(f"dprime must be 1 to 3 values in [0, 50], got {dprime!r}")
        width = _bias_width(name, k)
        b = np.asarray(bias, dtype=float)
        if b.ndim == 0:
            if name == "nominal" and b != 0.0:
                raise InvalidArgumentError("bias of a nominal question must be 0 or k option biases per type")
            b = np.full((d.size, width), float(b))
        elif b.ndim == 1 and width == 1 and b.size == d.size:
            b = b[:, None]
        elif b.ndim == 1 and b.size == width:
            b = np.tile(b, (d.size, 1))
        if b.shape != (d.size, width) or not np.all(np.isfinite(b)) or np.any(np.abs(b) > 20):
            raise InvalidArgumentError(f"bias must have shape ({d.size}, {width}) (or broadcast to it) with values in [-20, 20]")
        if name == "nominal":
            b = b - b[:, :1]
        v = np.full(d.size, 1.0 / d.size) if type_weights is None else as_distribution("type_weights", type_weights)
        if v.size != d.size:
            raise InvalidArgumentError(f"type_weights must have {d.size} entries, got {v.size}")
        w = as_distribution("difficulty_weights", difficulty_weights)
        a = np.atleast_1d(np.asarray(difficulty_multipliers, dtype=float))
        if w.size > 12 or a.shape != w.shape or not np.all(np.isfinite(a)) or np.any(np.abs(a) > 50):
            raise InvalidArgumentError("difficulty_multipliers must match difficulty_weights (H <= 12), values in [-50, 50]")
        if normalise:
            mean = float(w @ a)
            if mean <= 0:
                raise InvalidArgumentError("difficulty multipliers must have a positive weighted mean to be normalised")
            # The scale moves from the multipliers into d', keeping every product d' a_h (what the
            # kernels use). Where d' would pass its bound of 50 (a pilot whose easy items are never
            # got wrong), only as much moves as keeps it at 50: the multipliers' mean then stays
            # above 1, and the products are unchanged.
            scale = min(mean, 50.0 / float(d.max())) if d.max() > 0 else mean
            a = a / scale
            d = d * scale
        rate = check_probability("slip", slip)
        reach = check_real("span", span, low=0.0, low_open=True)
        rho = check_real("herding", herding, low=0.0, high=1.0, high_open=True)
        return cls(name, _frozen(weights), _frozen(d), _frozen(b), _frozen(v), _frozen(w), _frozen(a), rate, reach, rho)

    # ---------------------------------------------------------------- views
    @property
    def k(self) -> int:
        """Number of classes (answers)."""
        return int(self.prior.size)

    @property
    def n_types(self) -> int:
        """Number of rater types T."""
        return int(self.dprime.size)

    @property
    def n_difficulty_classes(self) -> int:
        """Number of difficulty classes H."""
        return int(self.difficulty_weights.size)

    def kernels(self) -> np.ndarray:
        """Kernels ``K[h, t, x, y]``, shape (H, T, k, k), each row-stochastic."""
        d = self.difficulty_multipliers[:, None] * self.dprime[None, :]
        b = np.broadcast_to(self.bias[None, :, :], d.shape + (self.bias.shape[1],))
        return _kernels(self.kind, self.k, d, b, self.slip, self.span)

    def pooled_kernels(self) -> np.ndarray:
        """Kernels of a rater of unknown type per difficulty class, ``Σ_t v_t K[h, t]``, shape (H, k, k)."""
        return np.einsum("t,htxy->hxy", self.type_weights, self.kernels())

    def single_rater_kernel(self) -> np.ndarray:
        """The pooled single-label kernel ``Σ_h w_h Σ_t v_t K[h, t]``, shape (k, k)."""
        return np.einsum("h,hxy->xy", self.difficulty_weights, self.pooled_kernels())

    def panel(self, raters: int) -> np.ndarray:
        """``P(c | x)`` over vote histograms of ``raters`` raters, shape (k, C(r + k − 1, k − 1)).

        ``(1 − ρ) Σ_h w_h Multinomial(c; r, K_h[x]) + ρ Σ_y K̄[x, y] 1[c = r e_y]`` with ``K̄`` the
        pooled single-label kernel.
        """
        count = check_integer("raters", raters, low=1)
        table = compositions(count, self.k)
        weights = np.repeat(self.difficulty_weights[:, None], self.k, axis=1)
        matrix = _mixture_panel(weights, self.pooled_kernels(), table)
        if self.herding > 0.0:
            matrix *= 1.0 - self.herding
            unanimous = np.flatnonzero(table.max(axis=1) == count)
            answers = np.argmax(table[unanimous], axis=1)
            matrix[:, unanimous] += self.herding * self.single_rater_kernel()[:, answers]
        return matrix

    def typed_panel(self, raters: int) -> np.ndarray | None:
        """``P(per-type histograms | x)``, shape (k, C(r + Tk − 1, Tk − 1)); None above the limit.

        Each label is a (type, answer) pair with probability ``v_t K[h, t, x, y]``; columns follow
        :func:`models.panel.compositions` ``(r, T·k)`` with cell ``t·k + y``. Herding is not typed
        (it copies one draw whatever the types), so this requires ``herding == 0``.
        """
        count = check_integer("raters", raters, low=1)
        cells = self.n_types * self.k
        if outcome_count(count, cells) > TYPED_MAX_OUTCOMES or self.herding > 0:
            return None
        typed = np.einsum("t,htxy->hxty", self.type_weights, self.kernels()).reshape(
            self.n_difficulty_classes, self.k, cells
        )
        weights = np.repeat(self.difficulty_weights[:, None], self.k, axis=1)
        return _mixture_panel(weights, typed, compositions(count, cells))

    def predict(self, raters: int) -> PanelPrediction:
        """Majority, MAP, information and floor for ``raters`` raters per item (exact).

        Parameters
        ----------
        raters : int
            ``r``, >= 1, with ``C(r + k − 1, k − 1) <= 10⁷``.

        Returns
        -------
        PanelPrediction
            The typed fields are filled when the population has more than one rater type and
            the typed histograms fit :data:`TYPED_MAX_OUTCOMES`.
        """
        count = check_integer("raters", raters, low=1)
        if outcome_count(count, self.k) > 10_000_000:
            raise InvalidArgumentError(f"raters={count} with k={self.k} gives more than 1e7 histograms")
        base = panel_predictions(self.prior, self.panel(count), count)
        if self.n_types == 1:
            return base
        typed = self.typed_panel(count)
        if typed is None:
            return base
        joint = self.prior[:, None] * typed
        typed_map = float(min(1.0, joint.max(axis=0).sum()))
        typed_information = _information(self.prior, typed)
        return PanelPrediction(
            base.raters, base.majority, base.map_accuracy, base.information_nats, base.floor,
            base.prior_entropy_nats, typed_map, typed_information,
        )

    def to_dict(self) -> dict:
        """Plain parameters (lists and floats)."""
        return {
            "kind": self.kind,
            "prior": self.prior.tolist(),
            "dprime": self.dprime.tolist(),
            "bias": self.bias.tolist(),
            "type_weights": self.type_weights.tolist(),
            "difficulty_weights": self.difficulty_weights.tolist(),
            "difficulty_multipliers": self.difficulty_multipliers.tolist(),
            "slip": self.slip,
            "span": self.span,
            "herding": self.herding,
        }


# =================================================================== simulation
def simulate_annotations(
    population: RaterPopulation,
    n_items: int,
    raters_per_item: int,
    rng: np.random.Generator,
    *,
    raters_per_type: int = 20,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Draw labels from a population: the reference for the exact predictions and the EM tests.

    Each item draws its class ``x ~ π`` and its difficulty class ``h ~ w``; each of its labels draws
    a type ``t ~ v`` (independently), a rater of that type uniformly from a pool of
    ``raters_per_type`` (with replacement across items, without within an item while the pool
    lasts), and an answer ``y ~ K[h, t, x]``. Herding copies the first label's answer to the item's
    other labels with probability ρ.

    Parameters
    ----------
    population : RaterPopulation
    n_items : int
        >= 1.
    raters_per_item : int
        >= 1.
    rng : numpy.random.Generator
    raters_per_type : int
        Pool size per type, >= 1 (rater codes ``t · raters_per_type + j``).

    Returns
    -------
    items, raters, labels : numpy.ndarray of int64, shape (n_items · raters_per_item,)
    gold : numpy.ndarray of int64, shape (n_items,)
    """
    if not isinstance(population, RaterPopulation):
        raise InvalidArgumentError("population must be a RaterPopulation")
    count = check_integer("n_items", n_items, low=1)
    per_item = check_integer("raters_per_item", raters_per_item, low=1)
    pool = check_integer("raters_per_type", raters_per_type, low=1)
    kernels = population.kernels()
    gold = rng.choice(population.k, size=count, p=population.prior)
    difficulty = rng.choice(population.n_difficulty_classes, size=count, p=population.difficulty_weights)
    types = rng.choice(population.n_types, size=(count, per_item), p=population.type_weights)
    rows = kernels[difficulty[:, None], types, gold[:, None]]  # (items, r, k)
    cumulative = np.cumsum(rows, axis=-1)
    draws = rng.random((count, per_item, 1))
    labels = np.minimum((draws > cumulative).sum(axis=-1), population.k - 1)
    if population.herding > 0:
        copied = rng.random(count) < population.herding
        labels[copied] = labels[copied, :1]
    # Distinct raters within an item where the pool allows: a random offset plus the label index.
    offsets = rng.integers(0, pool, size=(count, 1))
    within = (offsets + np.arange(per_item)[None, :]) % pool
    raters = types * pool + within
    items = np.repeat(np.arange(count), per_item)
    return items, raters.ravel().astype(np.int64), labels.ravel().astype(np.int64), gold.astype(np.int64)


# ====================================================================== fitting
#: Difficulty models :func:`fit_rater_population` knows: one class, a discretised normal spread of
#: the d′ multiplier, or H free classes; "auto" chooses among all of them, "classes" among one,
#: two and three free classes (the shapes a scenario's difficulty classes can hold).
DIFFICULTY_MODELS = ("auto", "none", "normal", "discrete", "classes")
# Gauss–Hermite classes of the "normal" difficulty model: a_j = 1 + τ z_j with the nodes' weights.
_NORMAL_NODES, _NORMAL_WEIGHTS = np.polynomial.hermite_e.hermegauss(9)
_NORMAL_WEIGHTS = _NORMAL_WEIGHTS / _NORMAL_WEIGHTS.sum()
_SPREAD_BOUNDS = (0.0, 3.0)
_LOGIT_BOUNDS = (-12.0, 12.0)
_EM_ITERATIONS = 5


@dataclass(frozen=True, eq=False)
class PopulationFit:
    """A population fitted to a pilot, with the evidence for its size.

    Attributes
    ----------
    population : RaterPopulation
        The selected model.
    difficulty_model : str
        ``"none"``, ``"normal"`` (spread ``difficulty_spread``) or ``"discrete"``.
    difficulty_spread : float or None
        τ, the standard deviation of the d′ multiplier in the normal model (else None).
    log_likelihood : float
        Observed-data log-likelihood of the pilot's labels given the items' true classes (weighted
        by the truth weights), nats.
    n_parameters : int
        Free parameters of the selected model (kernel, class weights, type cut points).
    criterion : str
        ``"aic"`` or ``"bic"``: what chose the model.
    score : float
        The selected model's criterion value (lower is better).
    candidates : tuple of dict
        Every model tried: ``difficulty_model``, ``difficulty_classes``, ``rater_types``,
        ``log_likelihood``, ``n_parameters``, ``aic``, ``bic``, ``em_iterations``.
    truth_source : str
        ``"gold"``, ``"dawid_skene"`` or ``"gold+dawid_skene"``.
    items, labels : int
        Pilot size used.
    rater_type : numpy.ndarray of int64, shape (n_raters,)
        The type each pilot rater was assigned (0 = most accurate).
    degrees_of_freedom : int
        Free frequencies in the pilot's item patterns (distinct patterns minus classes seen):
        models with more parameters are not identifiable and were not tried.
    """

    population: RaterPopulation
    difficulty_model: str
    difficulty_spread: float | None
    log_likelihood: float
    n_parameters: int
    criterion: str
    score: float
    candidates: tuple[dict, ...]
    truth_source: str
    items: int
    labels: int
    rater_type: np.ndarray = field(repr=False)
    degrees_of_freedom: int = 0

    def to_dict(self) -> dict:
        """Plain summary."""
        return {
            "population": self.population.to_dict(),
            "difficulty_model": self.difficulty_model,
            "difficulty_spread": self.difficulty_spread,
            "log_likelihood": self.log_likelihood,
            "n_parameters": self.n_parameters,
            "criterion": self.criterion,
            "score": self.score,
            "candidates": [dict(c) for c in self.candidates],
            "truth_source": self.truth_source,
            "items": self.items,
            "labels": self.labels,
            "degrees_of_freedom": self.degrees_of_freedom,
        }


def _truth_weights(data: Annotations, gold: object | None) -> tuple[np.ndarray, str]:
    k = data.n_classes
    truth = np.full(data.n_items, -1, dtype=np.int64) if gold is None else np.asarray(gold)
    if truth.shape != (data.n_items,) or not np.issubdtype(truth.dtype, np.integer):
        raise InvalidArgumentError(f"gold must be an integer array of shape ({data.n_items},)")
    if truth.min() < -1 or truth.max() >= k:
        raise InvalidArgumentError(f"gold must hold class codes in [0, {k - 1}] or -1 for unknown")
    weights = np.zeros((data.n_items, k))
    known = truth >= 0
    weights[np.flatnonzero(known), truth[known]] = 1.0
    if np.all(known):
        return weights, "gold"
    # Items without gold get Dawid–Skene posteriors, with the gold items clamped as anchors.
    posteriors = np.asarray(dawid_skene(data, gold=truth if np.any(known) else None).posteriors)
    weights[~known] = posteriors[~known]
    return weights, "dawid_skene" if not np.any(known) else "gold+dawid_skene"


def _rater_types(data: Annotations, weights: np.ndarray, n_types: int) -> np.ndarray:
    """Cluster raters by accuracy into ``n_types`` groups (type 0 the most accurate).

    Accuracy is the share of a rater's labels on the truth, shrunk towards the pooled share by four
    pseudo-labels so that a rater with two labels is not an extreme; the groups come from weighted
    1-D k-means (weights: labels). Raters without labels get the middle type.
    """
    if n_types == 1:
        return np.zeros(data.n_raters, dtype=np.int64)
    right = weights[data.items, data.labels]
    known = weights[data.items].sum(axis=1)
    per_rater = np.bincount(data.raters, weights=known, minlength=data.n_raters)
    correct = np.bincount(data.raters, weights=right, minlength=data.n_raters)
    pooled = correct.sum() / max(per_rater.sum(), 1e-12)
    accuracy = (correct + 4.0 * pooled) / (per_rater + 4.0)
    used = per_rater > 0
    values, mass = accuracy[used], per_rater[used]
    centres = np.quantile(values, (np.arange(n_types) + 0.5) / n_types)
    for _ in range(100):
        assignment = np.argmin(np.abs(values[:, None] - centres[None, :]), axis=1)
        updated = np.array([
            np.average(values[assignment == t], weights=mass[assignment == t]) if np.any(assignment == t) else centres[t]
            for t in range(n_types)
        ])
        if np.allclose(updated, centres):
            break
        centres = updated
    order = np.argsort(-centres)
    rank = np.empty(n_types, dtype=np.int64)
    rank[order] = np.arange(n_types)
    types = np.full(data.n_raters, n_types // 2, dtype=np.int64)
    types[used] = rank[np.argmin(np.abs(values[:, None] - centres[None, :]), axis=1)]
    return types


@dataclass
class _Patterns:
    """The pilot grouped by item pattern: truth weights (P, k), per-type label counts (P, T, k),
    multiplicities (P,)."""

    truth: np.ndarray
    counts: np.ndarray
    multiplicity: np.ndarray

    @property
    def labels(self) -> float:
        return float(self.multiplicity @ self.counts.sum(axis=(1, 2)))


def _patterns(data: Annotations, weights: np.ndarray, types: np.ndarray, n_types: int) -> _Patterns:
    k = data.n_classes
    cells = types[data.raters] * k + data.labels
    counts = np.bincount(data.items * (n_types * k) + cells, minlength=data.n_items * n_types * k).reshape(
        data.n_items, n_types * k
    )
    used = weights.sum(axis=1) > 0
    keys = np.concatenate((weights[used], counts[used].astype(float)), axis=1)
    unique, multiplicity = np.unique(keys, axis=0, return_counts=True)
    return _Patterns(unique[:, :k], unique[:, k:].reshape(-1, n_types, k), multiplicity.astype(float))


class _Model:
    """Parameter vector <-> kernels for one model size.

    ``theta = [d′_t (T), free biases (T × f), difficulty part, slip?]``; the difficulty part is
    ``a_1 .. a_{H-1}`` (discrete, ``a_0 = 1`` fixed during the fit and the scale normalised at the
    end), τ (normal: ``a_j = 1 + τ z_j`` on Gauss–Hermite nodes) or nothing (one class).
    """

    def __init__(self, kind: str, k: int, mode: str, n_classes: int, n_types: int, fit_slip: bool, slip: float, span: float):
        self.kind, self.k, self.mode, self.T = kind, k, mode, n_types
        self.H = _NORMAL_NODES.size if mode == "normal" else n_classes
        self.width = _bias_width(kind, k)
        self.free_bias = self.width - 1 if kind == "nominal" else 1
        self.fit_slip, self.fixed_slip, self.span = fit_slip, slip, span
        self.difficulty_size = {"none": 0, "normal": 1, "discrete": n_classes - 1}[mode]

    @property
    def size(self) -> int:
        return self.T + self.T * self.free_bias + self.difficulty_size + (1 if self.fit_slip else 0)

    @property
    def n_weights(self) -> int:
        """Free class weights (discrete only)."""
        return self.H - 1 if self.mode == "discrete" else 0

    def bounds(self) -> list[tuple[float, float]]:
        difficulty = {"none": [], "normal": [_SPREAD_BOUNDS], "discrete": [_MULTIPLIER_BOUNDS] * self.difficulty_size}
        return (
            [_DPRIME_BOUNDS] * self.T
            + [_BIAS_BOUNDS] * (self.T * self.free_bias)
            + difficulty[self.mode]
            + ([_SLIP_BOUNDS] if self.fit_slip else [])
        )

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        d = theta[: self.T]
        position = self.T
        free = theta[position: position + self.T * self.free_bias].reshape(self.T, self.free_bias)
        position += self.T * self.free_bias
        bias = np.concatenate((np.zeros((self.T, 1)), free), axis=1) if self.kind == "nominal" else free
        part = theta[position: position + self.difficulty_size]
        position += self.difficulty_size
        if self.mode == "normal":
            multipliers = 1.0 + part[0] * _NORMAL_NODES
        else:
            multipliers = np.concatenate(([1.0], part))
        slip = float(theta[position]) if self.fit_slip else self.fixed_slip
        return d, bias, multipliers, slip

    def pack(self, d, bias, difficulty, slip) -> np.ndarray:
        free = np.asarray(bias, float)[:, 1:] if self.kind == "nominal" else np.asarray(bias, float)
        parts = [np.asarray(d, float).ravel(), free.ravel(), np.asarray(difficulty, float).ravel()]
        if self.fit_slip:
            parts.append([slip])
        theta = np.concatenate(parts)
        low, high = np.array(self.bounds()).T
        return np.clip(theta, low, high)

    def fixed_weights(self) -> np.ndarray | None:
        if self.mode == "normal":
            return _NORMAL_WEIGHTS
        if self.mode == "none":
            return np.ones(1)
        return None

    def log_kernels_batch(self, thetas: np.ndarray) -> np.ndarray:
        """Log kernels of many parameter vectors at once, ``(N, size) -> (N, H, T, k, k)``."""
        count = thetas.shape[0]
        d = thetas[:, : self.T]
        position = self.T
        free = thetas[:, position: position + self.T * self.free_bias].reshape(count, self.T, self.free_bias)
        position += self.T * self.free_bias
        bias = np.concatenate((np.zeros((count, self.T, 1)), free), axis=2) if self.kind == "nominal" else free
        part = thetas[:, position: position + self.difficulty_size]
        position += self.difficulty_size
        if self.mode == "normal":
            multipliers = 1.0 + part[:, :1] * _NORMAL_NODES[None, :]
        else:
            multipliers = np.concatenate((np.ones((count, 1)), part), axis=1)
        slip = thetas[:, position] if self.fit_slip else np.full(count, self.fixed_slip)
        dprimes = multipliers[:, :, None] * d[:, None, :]
        b = np.broadcast_to(bias[:, None, :, :], dprimes.shape + (self.width,))
        kernels = _kernels(self.kind, self.k, dprimes, b, slip[:, None, None], self.span)
        return np.log(np.maximum(kernels, 1e-300))  # [n, h, t, x, y]

    def log_kernels(self, theta: np.ndarray) -> np.ndarray:
        return self.log_kernels_batch(np.asarray(theta, dtype=float)[None, :])[0]


def pattern_log_likelihoods(counts: np.ndarray, log_kernels: np.ndarray) -> np.ndarray:
    """``ll[..., p, x, h] = Σ_{t, y} counts[p, t, y] log K[..., h, t, x, y]`` as one matrix product.

    ``counts`` has shape ``(P, T, Y)``, ``log_kernels`` ``(..., H, T, X, Y)``; the result
    ``(..., P, X, H)``. The same sums as ``np.einsum("pty,...htxy->...pxh")`` to rounding
    (``np.einsum`` without a contraction path loops element by element: 30–75 times slower on a
    pilot's vote patterns, half of a population fit's time).
    """
    *batch, classes, types, answers, outputs = log_kernels.shape
    rows = np.moveaxis(log_kernels, -2, -3).reshape(-1, types * outputs)  # [..., h, x] × (t, y)
    products = counts.reshape(counts.shape[0], types * outputs) @ rows.T  # (P, ... h x)
    return np.swapaxes(np.moveaxis(products.reshape((counts.shape[0], *batch, classes, answers)), 0, -3), -1, -2)


def _log_likelihoods(patterns: _Patterns, log_kernels: np.ndarray) -> np.ndarray:
    """``ll[p, x, h] = Σ_{t, y} counts[p, t, y] log K[h, t, x, y]``."""
    return pattern_log_likelihoods(patterns.counts, log_kernels)


def _log_sum_exp(values: np.ndarray, axis: int) -> np.ndarray:
    top = values.max(axis=axis, keepdims=True)
    return np.squeeze(top, axis=axis) + np.log(np.exp(values - top).sum(axis=axis))


def _objective(patterns: _Patterns, log_weights: np.ndarray, ll: np.ndarray) -> float:
    mixture = _log_sum_exp(ll + log_weights[None, None, :], axis=2)  # [p, x]
    return float(patterns.multiplicity @ (patterns.truth * mixture).sum(axis=1))


def _objectives(patterns: _Patterns, log_weights: np.ndarray, log_kernels: np.ndarray) -> np.ndarray:
    """:func:`_objective` for a batch: log weights (N, H), log kernels (N, H, T, k, k) -> (N,)."""
    ll = pattern_log_likelihoods(patterns.counts, log_kernels)
    mixture = _log_sum_exp(ll + log_weights[:, None, None, :], axis=3)  # [n, p, x]
    return mixture.reshape(mixture.shape[0], -1) @ (patterns.multiplicity[:, None] * patterns.truth).ravel()


def _value_and_gradient(batch, point: np.ndarray, bounds: list[tuple[float, float]]) -> tuple[float, np.ndarray]:
    """Value and forward-difference gradient of a batched function, all points in one call (the
    optimiser's own differencing would call the function once per coordinate). Steps point
    inwards at an upper bound."""
    upper = np.array([b[1] for b in bounds])
    steps = 1e-7 * np.maximum(1.0, np.abs(point))
    steps = np.where(point + steps > upper, -steps, steps)
    values = batch(np.vstack((point, point + np.diag(steps))))
    return float(values[0]), (values[1:] - values[0]) / steps


def _em(model: _Model, patterns: _Patterns, theta: np.ndarray, weights: np.ndarray, iterations: int):
    """Expectation–maximisation (Dempster, Laird & Rubin 1977; with fixed quadrature weights it is
    Bock & Aitkin's 1981 marginal maximum likelihood). Returns (theta, weights, steps)."""
    from scipy import optimize  # imported where it is used: only fits need it, and it takes ~0.14 s
    bounds = model.bounds()
    scale = patterns.labels
    fixed = model.fixed_weights()
    log_weights = np.log(np.maximum(weights, 1e-300))
    ll = _log_likelihoods(patterns, model.log_kernels(theta))
    previous = _objective(patterns, log_weights, ll)
    steps = 0
    for steps in range(1, iterations + 1):
        # E-step: posterior over difficulty classes per (pattern, true class).
        joint = ll + log_weights[None, None, :]
        responsibility = np.exp(joint - _log_sum_exp(joint, axis=2)[:, :, None])
        mass = responsibility * (patterns.truth * patterns.multiplicity[:, None])[:, :, None]  # [p, x, h]
        if fixed is None:
            weights = mass.sum(axis=(0, 1))
            weights = np.maximum(weights / weights.sum(), 1e-12)
            weights /= weights.sum()
            log_weights = np.log(weights)
        # Expected counts S[h, t, x, y] = Σ_p mass[p, x, h] counts[p, t, y], as one matrix product.
        patterns_count, answers, classes = mass.shape
        expected = (mass.reshape(patterns_count, answers * classes).T
                    @ patterns.counts.reshape(patterns_count, -1)).reshape(
            answers, classes, *patterns.counts.shape[1:]).transpose(1, 2, 0, 3)
        # M-step for the kernel parameters: bounded quasi-Newton from the current point (a
        # generalised EM step: any increase of the expected complete log-likelihood keeps EM monotone).
        def m_step(points: np.ndarray) -> np.ndarray:
            log_kernels = model.log_kernels_batch(points)
            return -(log_kernels.reshape(log_kernels.shape[0], -1) @ expected.ravel()) / scale

        result = optimize.minimize(
            lambda t: _value_and_gradient(m_step, t, bounds), theta, jac=True, method="SLSQP", bounds=bounds,
            options={"maxiter": 15, "ftol": 1e-9},
        )
        theta = result.x
        ll = _log_likelihoods(patterns, model.log_kernels(theta))
        current = _objective(patterns, log_weights, ll)
        if abs(current - previous) <= 1e-6 * scale:
            break
        previous = current
    return theta, weights, steps


def _polish(model: _Model, patterns: _Patterns, theta: np.ndarray, weights: np.ndarray, tol: float):
    """Direct quasi-Newton on the observed-data log-likelihood from the EM point (EM's last steps
    are slow near a flat optimum; Jamshidian & Jennrich 1997). Returns (theta, weights, log L)."""
    from scipy import optimize  # see _em
    fixed = model.fixed_weights()
    scale = patterns.labels
    n = model.size

    def split(vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if fixed is not None:
            return vector, np.log(fixed)
        logits = np.concatenate(([0.0], vector[n:]))
        return vector[:n], logits - special.logsumexp(logits)

    def negatives(vectors: np.ndarray) -> np.ndarray:
        if fixed is not None:
            log_weights = np.broadcast_to(np.log(fixed), (vectors.shape[0], fixed.size))
        else:
            logits = np.concatenate((np.zeros((vectors.shape[0], 1)), vectors[:, n:]), axis=1)
            log_weights = logits - _log_sum_exp(logits, axis=1)[:, None]
        return -_objectives(patterns, log_weights, model.log_kernels_batch(vectors[:, :n])) / scale

    def negative(vector: np.ndarray) -> float:
        return float(negatives(vector[None, :])[0])

    start = theta if fixed is not None else np.concatenate(
        (theta, np.clip(np.log(np.maximum(weights[1:], 1e-12)) - math.log(max(weights[0], 1e-12)), *_LOGIT_BOUNDS))
    )
    bounds = model.bounds() + [_LOGIT_BOUNDS] * model.n_weights
    result = optimize.minimize(lambda v: _value_and_gradient(negatives, v, bounds), start, jac=True, method="SLSQP",
                               bounds=bounds, options={"maxiter": 500, "ftol": tol})
    best = result.x if result.fun <= negative(start) else start
    kernel_theta, log_weights = split(best)
    return kernel_theta, np.exp(log_weights), -negative(best) * scale


def _initial_dprime(k: int, accuracy: float) -> float:
    """A d′ whose unbiased kernel has roughly the pooled accuracy (a starting point only)."""
    chance = 1.0 / k
    share = min(max((accuracy - chance) / (1.0 - chance), 0.02), 0.995)
    return float(min(max(2.0 * special.ndtri(0.5 + 0.5 * share), 0.2), 8.0))


def _fit_model(model: _Model, patterns: _Patterns, starts: list[tuple[np.ndarray, np.ndarray]], tol: float):
    """Best of the starts, each EM (when there are latent classes) then polish."""
    best = None
    for theta, weights in starts:
        steps = 0
        if model.H > 1:
            theta, weights, steps = _em(model, patterns, theta, weights, _EM_ITERATIONS)
        theta, weights, log_likelihood = _polish(model, patterns, theta, weights, tol)
        if best is None or log_likelihood > best[2]:
            best = (theta, weights, log_likelihood, steps)
    return best


def fit_rater_population(
    data: Annotations,
    *,
    kind: str,
    gold: object | None = None,
    difficulty: str = "auto",
    difficulty_classes: int = 2,
    rater_types: int | str = 1,
    slip: float | None = None,
    span: float = 3.0,
    criterion: str = "aic",
    tol: float = 1e-10,
) -> PopulationFit:
    """Fit a :class:`RaterPopulation` to a pilot by EM, the method §9.

    The items' true classes are the gold where given, else the Dawid–Skene posteriors (with the
    gold items clamped). Raters are assigned to types by clustering their accuracy against that
    truth. Each candidate model maximises the likelihood of every item's labels given its true
    class, ``Σ_i Σ_x W[i, x] ln Σ_h w_h Π_{labels ℓ of i} K[h, t(ℓ), x, y_ℓ]``, by EM from a few
    starting points followed by a quasi-Newton polish, and ``criterion`` picks among them.

    Difficulty models: ``none`` (one class), ``normal`` (the d′ multiplier is normal with mean 1
    and spread τ, discretised on 9 Gauss–Hermite classes: one parameter, a random-effects probit
    model in the sense of item response theory) and ``discrete`` (``difficulty_classes`` free
    classes, ``2(H − 1)`` parameters). Only models with no more parameters than the pilot's
    patterns have free frequencies are tried (a 3-label binary pilot has at most 6).

    The default criterion is AIC, because the model is used to predict (Akaike 1974; AIC is
    asymptotically leave-one-out cross-validation, Stone 1977): BIC's heavier penalty on a 3-label
    pilot nearly always drops the difficulty spread, and a model without it over-states what more
    raters buy (their errors are correlated through the item).

    Parameters
    ----------
    data : Annotations
        The pilot's labels (any number per item; a 3-rater pilot is the design case).
    kind : {"binary", "pairwise", "ordinal", "nominal"}
        The question's kind (binary requires 2 classes).
    gold : array_like of int, shape (n_items,), optional
        Gold class per item, -1 where unknown.
    difficulty : {"auto", "none", "normal", "discrete", "classes"}
        Difficulty model; "auto" lets ``criterion`` choose among none, normal and discrete with
        2 and 3 classes, "classes" among none and discrete with 2 and 3 classes.
    difficulty_classes : int
        H for ``difficulty="discrete"``, in [2, 3].
    rater_types : int or "auto"
        T in [1, 3], or "auto" (the criterion chooses; the clustering's cut points count as
        parameters).
    slip : float or None
        Fixed slip rate in [0, 0.25], or None to fit it (in [0, 0.25]). A single binary class
        spans every above-chance 2×2 kernel with d′ and c alone, so there the slip is not
        identified and is set to 0.
    span : float
        Ordinal span in d′ units, > 0.
    criterion : {"aic", "bic"}
        Model choice.
    tol : float
        Relative tolerance of the final quasi-Newton step on the log-likelihood, > 0.

    Returns
    -------
    PopulationFit

    Raises
    ------
    InvalidArgumentError
        On bad arguments, or when no item has a truth distribution.
    """
    if not isinstance(data, Annotations):
        raise InvalidArgumentError(f"data must be an Annotations, got {type(data).__name__}")
    k = data.n_classes
    name = _check_kind(kind, k)
    if name == "nominal" and k > MAX_NOMINAL_FIT_CLASSES:
        raise InvalidArgumentError(
            f"a nominal pilot of {k} classes: the rater population is fitted up to {MAX_NOMINAL_FIT_CLASSES} "
            "classes (its option-bias kernel grows as k⁴); merge rare classes or declare a numeric scale"
        )
    mode = check_choice("difficulty", difficulty, DIFFICULTY_MODELS)
    classes = check_integer("difficulty_classes", difficulty_classes, low=2, high=3)
    check_choice("criterion", criterion, ("aic", "bic"))
    reach = check_real("span", span, low=0.0, low_open=True)
    tolerance = check_real("tol", tol, low=0.0, low_open=True)
    fixed_slip = None if slip is None else check_real("slip", slip, low=_SLIP_BOUNDS[0], high=_SLIP_BOUNDS[1])
    t_options = [1, 2, 3] if rater_types == "auto" else [check_integer("rater_types", rater_types, low=1, high=3)]
    # Every model grows from the smaller ones (starting points), so those are fitted too; only the
    # requested ones can be selected.
    sizes = {
        "auto": [("none", 1), ("normal", 1), ("discrete", 2), ("discrete", 3)],
        "none": [("none", 1)],
        "normal": [("normal", 1)],
        "discrete": [("discrete", classes)],
        "classes": [("none", 1), ("discrete", 2), ("discrete", 3)],
    }[mode]
    ladder = [("none", 1)] + ([("normal", 1)] if ("normal", 1) in sizes else []) + [
        ("discrete", c) for c in range(2, max([c for m, c in sizes if m == "discrete"], default=1) + 1)
    ]

    weights, source = _truth_weights(data, gold)
    used_items = int(np.sum(weights.sum(axis=1) > 0))
    if used_items == 0:
        raise InvalidArgumentError("data: no item has a known true class")
    # Krichevsky–Trofimov (add 1/2): a class absent from a small pilot keeps some prior mass.
    prior = (weights.sum(axis=0) + 0.5) / (weights.sum() + 0.5 * k)
    penalty = 2.0 if criterion == "aic" else math.log(max(used_items, 2))
    pooled_accuracy = float(weights[data.items, data.labels].sum() / max(weights[data.items].sum(), 1e-12))
    binary_like = name == "binary" or (name == "pairwise" and k == 2)

    candidates: list[dict] = []
    best = None
    for n_types in t_options:
        types = _rater_types(data, weights, n_types)
        if np.any(np.bincount(types[np.unique(data.raters)], minlength=n_types) == 0):
            continue
        patterns = _patterns(data, weights, types, n_types)
        classes_seen = int(np.sum(weights.sum(axis=0) > 0))
        freedom = max(int(patterns.truth.shape[0]) - classes_seen, 1)
        type_weights = np.bincount(types[data.raters], minlength=n_types) / data.n_labels
        fits: dict[tuple[str, int], tuple] = {}
        for difficulty_mode, n_classes in ladder:
            fit_slip = fixed_slip is None and not (binary_like and difficulty_mode == "none")
            model = _Model(name, k, difficulty_mode, n_classes, n_types, fit_slip,
                           0.0 if fixed_slip is None else fixed_slip, reach)
            n_parameters = model.size + model.n_weights + 2 * (n_types - 1)
            if n_parameters > freedom and difficulty_mode != "none":
                if difficulty_mode == "discrete":
                    break
                continue
            starts = _starts(model, fits, pooled_accuracy)
            theta, class_weights, log_likelihood, steps = _fit_model(model, patterns, starts, tolerance)
            fits[(difficulty_mode, n_classes)] = (model, theta, class_weights)
            aic = -2.0 * log_likelihood + 2.0 * n_parameters
            bic = -2.0 * log_likelihood + math.log(max(used_items, 2)) * n_parameters
            candidates.append({
                "difficulty_model": difficulty_mode, "difficulty_classes": model.H, "rater_types": n_types,
                "log_likelihood": log_likelihood, "n_parameters": n_parameters, "aic": aic, "bic": bic,
                "em_iterations": steps,
            })
            score = -2.0 * log_likelihood + penalty * n_parameters
            if (difficulty_mode, n_classes) in sizes and (best is None or score < best[0] - 1e-9):
                best = (score, model, theta, class_weights, log_likelihood, n_parameters, types, type_weights, freedom)
    if best is None:
        raise InvalidArgumentError("data: no model could be fitted (too few patterns for the requested size)")
    score, model, theta, class_weights, log_likelihood, n_parameters, types, type_weights, freedom = best
    d, bias, multipliers, slip_rate = model.unpack(theta)
    order = np.argsort(-multipliers, kind="stable")
    mean = float(class_weights @ multipliers)
    population = RaterPopulation.create(
        name, prior, d, bias=bias, type_weights=type_weights, difficulty_weights=class_weights[order],
        difficulty_multipliers=multipliers[order], slip=slip_rate, span=reach, normalise=mean > 0,
    )
    spread = float(theta[model.T + model.T * model.free_bias]) if model.mode == "normal" else None
    return PopulationFit(
        population=population, difficulty_model=model.mode, difficulty_spread=spread,
        log_likelihood=log_likelihood, n_parameters=n_parameters, criterion=criterion, score=score,
        candidates=tuple(candidates), truth_source=source, items=used_items, labels=data.n_labels,
        rater_type=types, degrees_of_freedom=freedom,
    )


def _starts(model: _Model, fits: dict, pooled_accuracy: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Starting points: one class from the pooled accuracy; larger models grow from smaller fits."""
    if model.mode == "none":
        d0 = _initial_dprime(model.k, pooled_accuracy) * np.linspace(1.2, 0.8, model.T) if model.T > 1 else np.array(
            [_initial_dprime(model.k, pooled_accuracy)]
        )
        return [(model.pack(d0, np.zeros((model.T, model.width)), [], 0.01), np.ones(1))]
    base_model, base_theta, _ = fits[("none", 1)]
    d, bias, _, slip = base_model.unpack(base_theta)
    slip = slip if base_model.fit_slip else 0.01
    if model.mode == "normal":
        return [(model.pack(d, bias, [spread], slip), _NORMAL_WEIGHTS) for spread in (0.3, 1.0)]
    previous = fits.get(("discrete", model.H - 1))
    if previous is None:
        multipliers, weights = np.ones(1), np.ones(1)
    else:
        d, bias, multipliers, slip = previous[0].unpack(previous[1])
        weights = previous[2]
    starts = []
    # The new class enters with a sixth to two fifths of the items, as a hard, an easy, a
    # misleading and a middling class in turn; the others keep their shape.
    for new_multiplier, share in ((0.0, 0.3), (2.0, 0.3), (-0.7, 0.15), (0.5, 0.4)):
        grown = np.concatenate((multipliers, [new_multiplier]))
        shares = np.concatenate((weights * (1.0 - share), [share]))
        starts.append((model.pack(d, bias, grown[1:], slip), shares))
    return starts
