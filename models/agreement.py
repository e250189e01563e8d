"""Inter-rater agreement: percent agreement, Fleiss' κ and Krippendorff's α.

All three read a *vote-count matrix* ``counts[u, c]``: how many raters put unit (item) ``u`` in
category ``c``. That matrix is a sufficient statistic for all of them (none depends on which rater
gave which value), it handles any number of raters per unit and missing values (a rater who did
not rate a unit simply adds nothing to its row), and it is built from label codes in one
``np.bincount`` (:func:`vote_counts`). Units with fewer than two values carry no information about
agreement and are left out ("pairable" units, Krippendorff 2011).

References
----------
Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
Bulletin 76(5), 378–382.
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
Communication, University of Pennsylvania, https://repository.upenn.edu/asc_papers/43.
"""

from __future__ import annotations

import numpy as np

from .errors import InvalidArgumentError, check_choice, check_integer

__all__ = [
    "ALPHA_METRICS",
    "vote_counts",
    "percent_agreement",
    "fleiss_kappa",
    "krippendorff_alpha",
]

#: Difference functions (levels of measurement) :func:`krippendorff_alpha` knows.
ALPHA_METRICS = ("nominal", "ordinal", "interval")


def vote_counts(units: object, values: object, *, n_units: int | None = None, n_categories: int | None = None) -> np.ndarray:
    """Count matrix ``counts[u, c]`` from one unit code and one category code per rating.

    Parameters
    ----------
    units, values : array_like of int, shape (n_ratings,)
        Unit code (>= 0) and category code (>= 0) of each rating.
    n_units, n_categories : int, optional
        Sizes of the code spaces; default one more than the largest code.

    Returns
    -------
    numpy.ndarray of int64, shape (n_units, n_categories)
    """
    unit_codes = np.asarray(units)
    value_codes = np.asarray(values)
    if unit_codes.shape != value_codes.shape or unit_codes.ndim != 1:
        raise InvalidArgumentError(f"units and values must be 1-D arrays of equal length, got shapes {unit_codes.shape} and {value_codes.shape}")
    for name, codes in (("units", unit_codes), ("values", value_codes)):
        if codes.size and (not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0):
            raise InvalidArgumentError(f"{name} must hold integer codes >= 0")
    rows = int(unit_codes.max()) + 1 if unit_codes.size else 0
    columns = int(value_codes.max()) + 1 if value_codes.size else 0
    rows = rows if n_units is None else check_integer("n_units", n_units, low=rows)
    columns = columns if n_categories is None else check_integer("n_categories", n_categories, low=columns)
    flat = np.bincount(unit_codes.astype(np.int64) * columns + value_codes, minlength=rows * columns)
    return flat.reshape(rows, columns)


def _check_counts(counts: object) -> np.ndarray:
    """The pairable rows (>= 2 values) of a validated count matrix, as floats."""
    try:
        matrix = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidArgumentError("counts must be a 2-D array of non-negative vote counts") from error
    if matrix.ndim != 2 or matrix.shape[1] < 1:
        raise InvalidArgumentError(f"counts must be a 2-D array (units x categories), got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0) or np.any(matrix != np.round(matrix)):
        raise InvalidArgumentError("counts must hold non-negative integer vote counts")
    pairable = matrix[matrix.sum(axis=1) >= 2]
    if pairable.shape[0] == 0:
        raise InvalidArgumentError("counts must have at least one unit with two or more ratings")
    return pairable


def _pair_agreement(pairable: np.ndarray) -> np.ndarray:
    """Per unit, the share of ordered rater pairs that agree: ``sum_c n_c (n_c - 1) / (n (n - 1))``."""
    per_unit = pairable.sum(axis=1)
    return (pairable * (pairable - 1.0)).sum(axis=1) / (per_unit * (per_unit - 1.0))


def percent_agreement(counts: object) -> float:
    """Mean pairwise percent agreement.

    For each unit with ``n >= 2`` ratings, the share of the ``n (n - 1)`` ordered pairs of its
    ratings that are equal; averaged over those units with equal weight (Fleiss' ``P̄``).

    Parameters
    ----------
    counts : array_like, shape (n_units, n_categories)
        Vote counts (non-negative integers).

    Returns
    -------
    float
        Agreement in [0, 1]; 1 when every unit is unanimous.
    """
    return float(_pair_agreement(_check_counts(counts)).mean())


def fleiss_kappa(counts: object) -> float:
    """Fleiss' κ (Fleiss 1971): pairwise agreement corrected for chance.

    ``κ = (P̄ − P_e) / (1 − P_e)`` with ``P̄`` the mean per-unit pairwise agreement and
    ``P_e = Σ_c p_c²``, ``p_c`` the share of all ratings in category ``c``. With the same number of
    ratings per unit this is exactly Fleiss' statistic; with unequal numbers every pairable unit
    counts once in ``P̄`` and every rating once in ``p_c`` (the usual generalisation).

    Parameters
    ----------
    counts : array_like, shape (n_units, n_categories)
        Vote counts.

    Returns
    -------
    float
        κ in [−1, 1]: 1 for perfect agreement, 0 for chance, negative for systematic disagreement.

    Raises
    ------
    InvalidArgumentError
        When every rating falls in one category (``P_e = 1``): κ is undefined.
    """
    pairable = _check_counts(counts)
    observed = float(_pair_agreement(pairable).mean())
    shares = pairable.sum(axis=0) / pairable.sum()
    expected = float(np.sum(shares**2))
    if expected >= 1.0 - 1e-12:
        raise InvalidArgumentError("counts: every rating is in one category, so Fleiss' kappa is undefined")
    return (observed - expected) / (1.0 - expected)


def _squared_differences(metric: str, totals: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Krippendorff's ``δ²(c, k)`` for every pair of categories, shape (K, K)."""
    if metric == "nominal":
        return 1.0 - np.eye(totals.size)
    if metric == "interval":
        return (values[:, None] - values[None, :]) ** 2
    # Ordinal: the distance between ranks c <= k is the number of values from c to k, counting the
    # two ends half: (sum_{g=c}^{k} n_g - (n_c + n_k) / 2)^2.
    cumulative = np.concatenate(([0.0], np.cumsum(totals)))
    low = np.minimum.outer(np.arange(totals.size), np.arange(totals.size))
    high = np.maximum.outer(np.arange(totals.size), np.arange(totals.size))
    between = cumulative[high + 1] - cumulative[low]
    return (between - (totals[:, None] + totals[None, :]) / 2.0) ** 2


def krippendorff_alpha(counts: object, metric: str = "nominal", *, values: object | None = None) -> float:
    """Krippendorff's α reliability (Krippendorff 2011).

    ``α = 1 − D_o / D_e`` with the observed disagreement ``D_o = Σ_ck o_ck δ²_ck / n`` from the
    coincidence matrix ``o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1)`` over pairable units
    (``m_u >= 2`` values), and the expected ``D_e = Σ_ck n_c n_k δ²_ck / (n (n − 1))`` with
    ``n_c = Σ_k o_ck`` and ``n = Σ_c n_c``.

    Parameters
    ----------
    counts : array_like, shape (n_units, n_categories)
        Vote counts; for ``ordinal`` and ``interval`` the columns must be in the scale's order.
    metric : {"nominal", "ordinal", "interval"}
        Difference function: nominal ``δ² = [c ≠ k]``; ordinal
        ``δ² = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²``; interval ``δ² = (v_c − v_k)²``.
    values : array_like, shape (n_categories,), optional
        Numeric value of each category for ``interval`` (default ``0, 1, 2, ...``).

    Returns
    -------
    float
        α <= 1: 1 for perfect reliability, 0 for chance, negative for systematic disagreement.

    Raises
    ------
    InvalidArgumentError
        On a bad argument, or when fewer than two distinct values occur among pairable units
        (``D_e = 0``: α is undefined).
    """
    check_choice("metric", metric, ALPHA_METRICS)
    pairable = _check_counts(counts)
    n_categories = pairable.shape[1]
    if values is None:
        scale = np.arange(n_categories, dtype=float)
    else:
        scale = np.asarray(values, dtype=float)
        if scale.shape != (n_categories,) or not np.all(np.isfinite(scale)):
            raise InvalidArgumentError(f"values must be {n_categories} finite numbers, one per category")
    weights = 1.0 / (pairable.sum(axis=1) - 1.0)
    coincidence = (pairable * weights[:, None]).T @ pairable - np.diag((pairable * weights[:, None]).sum(axis=0))
    totals = coincidence.sum(axis=1)
    n = float(totals.sum())
    delta = _squared_differences(metric, totals, scale)
    observed = float(np.sum(coincidence * delta))
    expected = float(totals @ delta @ totals) / (n - 1.0)
    if expected <= 0.0:
        raise InvalidArgumentError("counts: fewer than two distinct values among units with two or more ratings, so alpha is undefined")
    return 1.0 - observed / expected
