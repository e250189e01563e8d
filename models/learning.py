"""How many items a value model needs, the method §8.2: converse, achievability and estimate.

The ``m`` labelled items are ``m`` uses of the per-item channel (contexts drawn from ``w``, known
to the decoder). A value model of ``M_g`` equiprobable hypotheses must be singled out from them.

* **Necessary** (Fano over the training set): any learner errs with probability at least the exact
  Fano floor at information ``m·C̄``, so ``m ≥ m_min = ⌈(ln M_g − h(ε) − ε ln(M_g − 1)) / C̄⌉``.
* **Sufficient** (Gallager 1965, random coding with maximum-likelihood decoding): averaged over
  random codebooks drawn from an input law ``p``, ``P_e(m) ≤ min_{ρ∈[0,1]} exp(ρ ln(M_g − 1) −
  m E₀(ρ))`` with ``E₀(ρ) = −ln Σ_s w_s Π_d g_{d,s}(ρ)`` (:func:`models.decoding.gallager_terms`),
  so some codebook reaches ε with ``m_ach = min_ρ ⌈(ρ ln(M_g − 1) + ln(1/ε)) / E₀(ρ)⌉`` items.
* **Estimate** (normal approximation, Polyanskiy, Poor & Verdú 2010): the smallest ``m`` with
  ``m C − sqrt(m V) Q⁻¹(ε) + ½ ln m ≥ ln M_g``, ``C`` and ``V`` the mean and variance of the per-item
  information density at the input law. Labelled an estimate; it is kept within
  ``[m_min, m_ach]``, where the true answer lies.

All information in nats; ``model_bits = log₂ M_g``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from .bounds import capacity_needed, fano_floors
from .errors import check_real
from .info import LN2

__all__ = ["ItemsNeeded", "random_coding_exponent", "items_needed_for_model", "learning_error_curves"]

#: Largest item count the searches consider.
MAX_ITEMS = 10**12


@dataclass(frozen=True)
class ItemsNeeded:
    """Items a value model needs: ``at_least`` (Fano), ``estimate`` (normal approximation),
    ``at_most`` (Gallager). None where no finite number suffices (no information) or the number
    exceeds :data:`MAX_ITEMS`."""

    at_least: int | None
    estimate: int | None
    at_most: int | None

    def to_dict(self) -> dict[str, int | None]:
        return {"at_least": self.at_least, "estimate": self.estimate, "at_most": self.at_most}


def _log_hypotheses_minus_one(model_bits: float) -> float:
    log_m = model_bits * LN2
    return log_m + math.log(-math.expm1(-log_m))


def random_coding_exponent(gallager_products: object) -> np.ndarray:
    """``E₀(ρ) = −ln g(ρ)`` from ``g(ρ) = Σ_s w_s Π_d g_{d,s}(ρ)``, nats per item, >= 0."""
    values = np.asarray(gallager_products, dtype=float)
    return np.maximum(0.0, -np.log(np.clip(values, np.finfo(float).tiny, 1.0)))


def _gallager_items(exponent: np.ndarray, rhos: np.ndarray, log_m1: float, error: float) -> int | None:
    best: float | None = None
    for rho, e0 in zip(rhos, exponent):
        if e0 <= 1e-15:
            continue
        needed = (rho * log_m1 + math.log(1.0 / error)) / e0
        best = needed if best is None else min(best, needed)
    if best is None or best > MAX_ITEMS:
        return None
    return max(1, int(math.ceil(best - 1e-9)))


def _normal_lhs(m: float, capacity: float, variance: float, quantile: float) -> float:
    return m * capacity - math.sqrt(m * variance) * quantile + 0.5 * math.log(m)


def _normal_items(capacity: float, variance: float, log_m: float, error: float) -> int | None:
    if capacity <= 0.0:
        return None
    quantile = float(special.ndtri(1.0 - error))
    low, high = 1, 1
    while _normal_lhs(high, capacity, variance, quantile) < log_m:
        low, high = high, 2 * high
        if high > MAX_ITEMS:
            return None
    if _normal_lhs(low, capacity, variance, quantile) >= log_m:
        return low
    while high - low > 1:
        middle = (low + high) // 2
        if _normal_lhs(middle, capacity, variance, quantile) >= log_m:
            high = middle
        else:
            low = middle
    return high


def items_needed_for_model(
    capacity_nats: float,
    exponent: object,
    rhos: object,
    information_nats: float,
    information_variance: float,
    model_bits: float,
    error: float,
) -> ItemsNeeded:
    """The interval of items a ``model_bits`` value model needs for learning error ``error``.

    Parameters
    ----------
    capacity_nats : float
        C̄, the per-item capacity (an upper bound on the information per item), nats, >= 0.
    exponent, rhos : array_like
        ``E₀(ρ)`` (nats per item) at the values ``ρ`` in (0, 1] (:func:`random_coding_exponent`).
    information_nats, information_variance : float
        Mean and variance of the per-item information density at the input law of the exponent.
    model_bits : float
        ``log₂ M_g``, > 0.
    error : float
        Learning error to reach, in (0, 1).

    Returns
    -------
    ItemsNeeded
        ``at_least ≤ estimate ≤ at_most`` wherever they are all finite.
    """
    capacity = check_real("capacity_nats", capacity_nats, low=0.0)
    bits = check_real("model_bits", model_bits, low=0.0, low_open=True)
    target = check_real("error", error, low=0.0, high=1.0, low_open=True, high_open=True)
    needed = capacity_needed(target, bits, form="exact")
    if needed <= 0.0:
        at_least: int | None = 0
    elif capacity <= 0.0 or needed / capacity > MAX_ITEMS:
        at_least = None
    else:
        at_least = int(math.ceil(needed / capacity - 1e-9))
    log_m1 = _log_hypotheses_minus_one(bits)
    at_most = _gallager_items(np.asarray(exponent, dtype=float), np.asarray(rhos, dtype=float), log_m1, target)
    if at_least == 0:
        at_most = 0 if at_most is None else at_most
    estimate = _normal_items(information_nats, information_variance, bits * LN2, target)
    if estimate is not None:
        if at_least is not None:
            estimate = max(estimate, at_least)
        if at_most is not None:
            estimate = min(estimate, at_most)
    elif at_most is not None:
        estimate = at_most
    if at_least == 0:
        estimate = 0
        at_most = 0
    return ItemsNeeded(at_least=at_least, estimate=estimate, at_most=at_most)


def learning_error_curves(
    items: object,
    capacity_nats: float,
    exponent: object,
    rhos: object,
    information_nats: float,
    information_variance: float,
    model_bits: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Learning error against ``m``: Fano's converse, Gallager's bound and the estimate.

    Returns
    -------
    (converse, estimate, achievable)
        Arrays over ``items``, each in [0, 1] and non-increasing in m;
        ``converse ≤ estimate ≤ achievable`` pointwise.
    """
    counts = np.asarray(items, dtype=float)
    bits = check_real("model_bits", model_bits, low=0.0, low_open=True)
    capacity = check_real("capacity_nats", capacity_nats, low=0.0)
    e0 = np.asarray(exponent, dtype=float)
    grid = np.asarray(rhos, dtype=float)
    log_m1 = _log_hypotheses_minus_one(bits)
    chance_error = -math.expm1(-bits * LN2)
    converse = fano_floors(np.minimum(counts * capacity, 1e300), bits)
    exponents = grid[None, :] * log_m1 - counts[:, None] * e0[None, :]
    achievable = np.minimum(chance_error, np.exp(np.minimum(0.0, exponents.min(axis=1))))
    if information_variance > 0.0:
        z = (counts * information_nats + 0.5 * np.log(counts) - bits * LN2) / np.sqrt(counts * information_variance)
        estimate = special.ndtr(-z)
    else:
        estimate = np.where(counts * information_nats + 0.5 * np.log(counts) >= bits * LN2, 0.0, 1.0)
    estimate = np.minimum(np.maximum(estimate, converse), achievable)
    # Running minima: more items never hurt a learner (it may ignore some).
    achievable = np.minimum.accumulate(achievable)
    estimate = np.minimum(np.minimum.accumulate(estimate), achievable)
    estimate = np.maximum(estimate, converse)
    return converse, estimate, achievable
