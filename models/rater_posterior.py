"""What a small pilot says about raters as they are, with its uncertainty (the method §9).

A 3-rater pilot pins a rater's bias and accuracy well but item difficulty hardly at all: the
spread of difficulty shows only as a slight excess of unanimous 3-vote histograms, which on 54
items is within sampling noise, yet it decides what 39 raters buy (their errors are correlated
through the item). A point estimate then sets the spread to 0 about half the time and predicts
that more raters buy far more than they do. This module keeps the uncertainty instead and predicts
by the **posterior predictive**: the mean over the parameters' posterior given the pilot of each
predicted quantity, with credible intervals, and a **credible floor** — the Fano floor that holds
with posterior probability ``level`` (by default 95 %), which is the floor a planner can rely on
when the channel's information is itself estimated.

Model: :class:`models.rater_population.RaterPopulation` with the *normal* difficulty model (the
d′ multiplier is ``1 + τ z`` with ``z`` on 9 Gauss–Hermite classes, one parameter τ, a random-
effects probit model in the sense of item response theory), response bias, slip and ``T`` rater
types; the class prior is drawn from its Dirichlet posterior given the truth weights (Jeffreys,
``Dirichlet(n + ½)``).

Priors (weakly informative, in the natural units of each parameter): d′ half-normal with scale 5;
each bias normal with SD 2; the spread of the items' d′, ``σ = τ d̄`` in noise SDs (``d̄`` the
label-weighted mean d′ of the types), half-normal with scale ``spread_scale`` (default 1: items
differ in d′ by about one noise SD, the unit in which item parameters are usually given priors in
item response theory); slip Beta(1, 49), mean 0.02 (the method's default slip rate). The spread's
prior is on the absolute scale because a prior on the multiplier τ itself implies, for accurate
raters (d′ ≈ 8), that one item in twenty is nearly impossible, which a 3-label pilot of unanimous
items cannot rule out: the posterior predictive accuracy of such a pilot then falls two standard
errors below the pilot's own (a posterior predictive check on the pilot, Gelman et al. §6.3,
reported as :attr:`PopulationPosterior.pilot_check`). The likelihood is that of :func:`models.rater_population.fit_rater_population` (each item's
labels given its true class).

Computation: the posterior mode in an unconstrained parametrisation (log d′, bias, σ,
logit slip) and its Laplace approximation (numerical Hessian) start short differential-evolution
Markov chains (ter Braak 2006), which explore the curved, skewed posteriors of small pilots (an
accurate pilot's d′ has a long upper tail; one unanimous wrong item bends σ against d′), where
importance sampling from the Laplace approximation alone kept about 1 % of its proposals. The
chains' second halves give the mean and covariance of a Student-t(4) proposal (1.5 times wider),
folded at σ = 0 because the likelihood is even in σ, whose importance weights (Geweke 1989) correct
what the short chains have not settled; ``draws`` parameter sets are resampled systematically.
The weights' effective sample size and the chains' Gelman–Rubin R̂ are reported.

All information is in nats.

References
----------
Geweke, J. (1989). Bayesian inference in econometric models using Monte Carlo integration.
Econometrica 57(6), 1317–1339.
ter Braak, C. J. F. (2006). A Markov chain Monte Carlo version of the genetic algorithm
differential evolution. Statistics and Computing 16, 239–249.
Gelman, A. & Rubin, D. B. (1992). Inference from iterative simulation using multiple sequences.
Statistical Science 7(4), 457–472.
Gelman, A. et al. (2013). Bayesian Data Analysis, 3rd ed. CRC.
Green, D. M. & Swets, J. A. (1966). Signal Detection Theory and Psychophysics. Wiley.
Dawid, A. P. & Skene, A. M. (1979). Journal of the Royal Statistical Society C 28(1), 20–28.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy import optimize, special

from .aggregation import Annotations
from .bounds import fano_floors_prior
from .errors import InvalidArgumentError, check_integer, check_real
from .info import log_sum_exp
from .panel import compositions, outcome_count
from .rater_population import (
    _NORMAL_NODES,
    _NORMAL_WEIGHTS,
    PanelPrediction,
    RaterPopulation,
    _bias_width,
    _check_kind,
    _kernels,
    _patterns,
    _Patterns,
    _rater_types,
    _tie_scores,
    _truth_weights,
    _value_and_gradient,
    fit_rater_population,
)

__all__ = ["PopulationPosterior", "posterior_population", "batch_predictions"]

_DPRIME_SCALE = 5.0
_BIAS_SD = 2.0
_SLIP_PRIOR = (1.0, 49.0)
_T_DEGREES = 4.0
_PROPOSAL_INFLATION = 1.5
# Chunk of parameter sets evaluated at once: bounds the working arrays to a few tens of MB.
_CHUNK_ENTRIES = 4_000_000
_MAX_OUTCOMES = 2_000_000


# ============================================================ batched predictions
def _batch_kernels(kind: str, k: int, dprime: np.ndarray, bias: np.ndarray, spread: np.ndarray,
                   slip: np.ndarray, span: float) -> np.ndarray:
    """Kernels ``K[s, h, t, x, y]`` of parameter sets ``s`` on the normal difficulty classes."""
    multipliers = 1.0 + spread[:, None] * _NORMAL_NODES[None, :]  # (S, H)
    d = multipliers[:, :, None] * dprime[:, None, :]  # (S, H, T)
    b = np.broadcast_to(bias[:, None, :, :], d.shape + (bias.shape[-1],))
    return _kernels(kind, k, d, b, slip[:, None, None], span)


def batch_predictions(
    kind: str,
    prior: np.ndarray,
    dprime: np.ndarray,
    bias: np.ndarray,
    spread: np.ndarray,
    slip: np.ndarray,
    type_weights: np.ndarray,
    raters: int,
    *,
    span: float = 3.0,
) -> dict[str, np.ndarray]:
    """Majority, MAP, information and floor for many parameter sets at once (exact over histograms).

    Parameters
    ----------
    kind : str
        One of :data:`models.rater_population.KINDS`.
    prior : numpy.ndarray, shape (S, k)
        Class prior of each set.
    dprime : numpy.ndarray, shape (S, T)
        Mean d′ per rater type.
    bias : numpy.ndarray, shape (S, T, width)
        Criterion (width 1) or option biases (nominal, width k).
    spread : numpy.ndarray, shape (S,)
        τ, the SD of the d′ multiplier (normal difficulty model), >= 0.
    slip : numpy.ndarray, shape (S,)
        Slip rate, in [0, 1].
    type_weights : numpy.ndarray, shape (T,)
        Label share of each type.
    raters : int
        ``r``, >= 1.
    span : float
        Ordinal span.

    Returns
    -------
    dict of str to numpy.ndarray, each shape (S,)
        ``majority`` (ties split at random), ``map``, ``information`` (nats) and ``floor`` (prior-aware
        Fano floor of each set).
    """
    pooled = _pooled_kernels(kind, np.asarray(prior).shape[1], dprime, bias, spread, slip, type_weights, span)
    return _predictions(np.asarray(prior, dtype=float), pooled, raters)


def _pooled_kernels(kind: str, k: int, dprime: np.ndarray, bias: np.ndarray, spread: np.ndarray, slip: np.ndarray,
                    type_weights: np.ndarray, span: float) -> np.ndarray:
    """``Σ_t v_t K[s, h, t]``, shape (S, H, k, k), computed in chunks."""
    count = dprime.shape[0]
    per_set = _NORMAL_NODES.size * dprime.shape[1] * k * k * (32 * k if kind == "nominal" else 2)
    chunk = max(1, _CHUNK_ENTRIES // per_set)
    pooled = np.empty((count, _NORMAL_NODES.size, k, k))
    for start in range(0, count, chunk):
        part = slice(start, min(count, start + chunk))
        kernels = _batch_kernels(kind, k, dprime[part], bias[part], spread[part], slip[part], span)
        pooled[part] = np.einsum("t,shtxy->shxy", type_weights, kernels)
    return pooled


def _predictions(prior: np.ndarray, pooled: np.ndarray, raters: int) -> dict[str, np.ndarray]:
    count, k = prior.shape
    r = check_integer("raters", raters, low=1)
    if outcome_count(r, k) > _MAX_OUTCOMES:
        raise InvalidArgumentError(f"raters={r} with k={k} gives more than {_MAX_OUTCOMES} histograms")
    table = compositions(r, k)
    counts = table.T.astype(float)
    coefficients = special.gammaln(r + 1.0) - special.gammaln(table + 1.0).sum(axis=1)
    scores = _tie_scores(table)  # (C, k)
    chunk = max(1, _CHUNK_ENTRIES // (_NORMAL_NODES.size * k * table.shape[0]))
    out = {key: np.empty(count) for key in ("majority", "map", "information", "floor")}
    log_k = math.log(k)
    log_pooled = np.log(np.maximum(pooled, 1e-300))
    for start in range(0, count, chunk):
        part = slice(start, min(count, start + chunk))
        log_panel = log_pooled[part] @ counts + coefficients  # (s, h, x, c)
        panel = np.einsum("h,shxc->sxc", _NORMAL_WEIGHTS, np.exp(log_panel))
        weights = prior[part]
        joint = weights[:, :, None] * panel
        out["majority"][part] = np.clip(np.einsum("sxc,cx->s", joint, scores), 0.0, 1.0)
        out["map"][part] = np.minimum(joint.max(axis=1).sum(axis=1), 1.0)
        marginal = joint.sum(axis=1)
        conditional = -special.xlogy(panel, panel).sum(axis=2)  # H(C | x), (s, x)
        entropy = -special.xlogy(weights, weights).sum(axis=1)
        information = -special.xlogy(marginal, marginal).sum(axis=1) - (weights * conditional).sum(axis=1)
        information = np.clip(information, 0.0, entropy)
        out["information"][part] = information
        out["floor"][part] = fano_floors_prior(entropy, information, log_k)
    return out


# ====================================================================== result
@dataclass(frozen=True, eq=False)
class PopulationPosterior:
    """Posterior draws of a rater population given a pilot, and predictions from them.

    Attributes
    ----------
    kind : str
        Question kind.
    mode : RaterPopulation
        The posterior mode (for display; predictions use the draws).
    prior, dprime, bias, spread, slip : numpy.ndarray
        The ``S`` resampled draws: class prior (S, k), d′ per type (S, T), bias (S, T, width),
        difficulty spread τ (S,), slip (S,).
    type_weights : numpy.ndarray, shape (T,)
        Label share of each type (fixed from the pilot).
    span : float
        Ordinal span.
    level : float
        Posterior probability of the credible floor and the width of the intervals, in (0, 1).
    effective_sample_size : float
        Kish's effective sample size of the importance weights (of ``proposals``).
    proposals : int
        Importance-sampling draws.
    rhat : float
        The largest Gelman–Rubin R̂ of the exploring chains' second halves (they only shape the
        proposal; the weights correct what they have not settled).
    chains, iterations : int
        Exploring-chain settings.
    spread_scale : float
        Scale of the half-normal prior on the items' d′ spread σ = τ d̄ (noise SDs).
    pilot_check : dict
        Posterior predictive check on the pilot: per true class, the observed share of labels on
        the class and the posterior mean of the predicted share (``observed``, ``predicted``,
        ``labels``); a gap of several binomial standard errors says the priors dominate.
    truth_source : str
        ``"gold"``, ``"dawid_skene"`` or ``"gold+dawid_skene"``.
    """

    kind: str
    mode: RaterPopulation
    prior: np.ndarray = field(repr=False)
    dprime: np.ndarray = field(repr=False)
    bias: np.ndarray = field(repr=False)
    spread: np.ndarray = field(repr=False)
    slip: np.ndarray = field(repr=False)
    type_weights: np.ndarray = field(repr=False)
    span: float = 3.0
    level: float = 0.95
    effective_sample_size: float = 0.0
    proposals: int = 0
    rhat: float = float("nan")
    chains: int = 0
    iterations: int = 0
    spread_scale: float = 1.0
    truth_source: str = "gold"
    pilot_check: dict = field(default_factory=dict)

    @property
    def k(self) -> int:
        """Number of classes."""
        return int(self.prior.shape[1])

    @property
    def draws(self) -> int:
        """Number of resampled parameter sets."""
        return int(self.spread.size)

    @cached_property
    def _pooled(self) -> np.ndarray:
        # The draws' kernels do not depend on r: computed once for every panel size asked.
        return _pooled_kernels(self.kind, self.k, self.dprime, self.bias, self.spread, self.slip, self.type_weights,
                               self.span)

    def samples(self, raters: int) -> dict[str, np.ndarray]:
        """Per-draw majority, MAP, information (nats) and floor for ``raters`` raters, each (S,)."""
        return _predictions(self.prior, self._pooled, raters)

    def predict(self, raters: int) -> PanelPrediction:
        """Posterior-mean majority, MAP and information; the credible floor.

        Parameters
        ----------
        raters : int
            ``r``, >= 1.

        Returns
        -------
        PanelPrediction
            ``majority``, ``map_accuracy`` and ``information_nats`` are posterior means with
            central ``level`` intervals; ``floor`` is the ``1 − level`` quantile of the draws'
            floors (the error is at least this with posterior probability ``level``) and
            ``point_floor`` their mean.
        """
        values = self.samples(raters)
        tail = (1.0 - self.level) / 2.0

        def interval(key: str) -> tuple[float, float]:
            low, high = np.quantile(values[key], [tail, 1.0 - tail])
            return float(low), float(high)

        entropy = float(np.mean(-special.xlogy(self.prior, self.prior).sum(axis=1)))
        return PanelPrediction(
            raters=int(raters),
            majority=float(values["majority"].mean()),
            map_accuracy=float(values["map"].mean()),
            information_nats=float(values["information"].mean()),
            floor=float(np.quantile(values["floor"], 1.0 - self.level)),
            prior_entropy_nats=entropy,
            majority_interval=interval("majority"),
            map_interval=interval("map"),
            information_interval_nats=interval("information"),
            point_floor=float(values["floor"].mean()),
        )

    def to_dict(self) -> dict:
        """Posterior summaries of the parameters (means and central intervals)."""
        tail = (1.0 - self.level) / 2.0

        def summary(values: np.ndarray) -> dict:
            low, high = np.quantile(values, [tail, 1.0 - tail], axis=0)
            return {"mean": np.mean(values, axis=0).tolist(), "low": np.asarray(low).tolist(), "high": np.asarray(high).tolist()}

        return {
            "kind": self.kind,
            "mode": self.mode.to_dict(),
            "prior": summary(self.prior),
            "dprime": summary(self.dprime),
            "bias": summary(self.bias),
            "difficulty_spread": summary(self.spread),
            "slip": summary(self.slip),
            "type_weights": self.type_weights.tolist(),
            "level": self.level,
            "draws": self.draws,
            "effective_sample_size": self.effective_sample_size,
            "proposals": self.proposals,
            "rhat": self.rhat,
            "chains": self.chains,
            "iterations": self.iterations,
            "spread_scale": self.spread_scale,
            "truth_source": self.truth_source,
            "pilot_check": self.pilot_check,
        }


# ===================================================================== fitting
class _Target:
    """Log posterior over ``u = [log d′ (T), free biases (T·f), σ, logit slip]``.

    σ is the items' d′ spread in noise SDs (the likelihood is even in σ); the multiplier spread is
    ``τ = σ / d̄``.
    """

    def __init__(self, kind: str, k: int, n_types: int, patterns: _Patterns, span: float, spread_scale: float,
                 type_weights: np.ndarray):
        self.kind, self.k, self.T, self.patterns, self.span = kind, k, n_types, patterns, span
        self.type_weights = type_weights
        self.width = _bias_width(kind, k)
        self.free = self.width - 1 if kind == "nominal" else 1
        self.spread_scale = spread_scale
        self.size = self.T + self.T * self.free + 2
        log_weights = np.log(_NORMAL_WEIGHTS)
        self.log_weights = log_weights
        self.mass = patterns.truth * patterns.multiplicity[:, None]  # (P, k)
        nodes = _NORMAL_NODES.size
        self.chunk = max(1, _CHUNK_ENTRIES // (nodes * n_types * k * k * (32 * k if kind == "nominal" else 2)))

    def natural(self, u: np.ndarray):
        """``u`` (N, size) -> d′ (N, T), bias (N, T, width), τ (N,), slip (N,)."""
        d = np.exp(np.clip(u[:, : self.T], -20.0, 5.0))
        free = u[:, self.T: self.T + self.T * self.free].reshape(-1, self.T, self.free)
        bias = np.concatenate((np.zeros((u.shape[0], self.T, 1)), free), axis=2) if self.kind == "nominal" else free
        spread = u[:, -2] / np.maximum(d @ self.type_weights, 1e-9)
        slip = special.expit(u[:, -1])
        return d, bias, spread, slip

    def log_prior(self, u: np.ndarray) -> np.ndarray:
        log_d = np.clip(u[:, : self.T], -20.0, 5.0)
        d = np.exp(log_d)
        # Half-normal(5) on d′ with the log-Jacobian log d′.
        value = (-0.5 * (d / _DPRIME_SCALE) ** 2 + log_d).sum(axis=1)
        free = u[:, self.T: self.T + self.T * self.free]
        value += (-0.5 * (free / _BIAS_SD) ** 2).sum(axis=1)
        value += -0.5 * (u[:, -2] / self.spread_scale) ** 2
        a, b = _SLIP_PRIOR
        # Beta(a, b) on the slip with the logit Jacobian s(1 − s): s^a (1 − s)^b.
        value += a * special.log_expit(u[:, -1]) + b * special.log_expit(-u[:, -1])
        return value

    def log_likelihood(self, u: np.ndarray) -> np.ndarray:
        out = np.empty(u.shape[0])
        for start in range(0, u.shape[0], self.chunk):
            part = slice(start, min(u.shape[0], start + self.chunk))
            d, bias, spread, slip = self.natural(u[part])
            kernels = _batch_kernels(self.kind, self.k, d, bias, spread, slip, self.span)  # (n, h, t, x, y)
            log_kernels = np.log(np.maximum(kernels, 1e-300))
            ll = np.einsum("pty,nhtxy->npxh", self.patterns.counts, log_kernels)
            mixture = log_sum_exp(ll + self.log_weights)  # (n, p, x)
            out[part] = np.einsum("px,npx->n", self.mass, mixture)
        return out

    def __call__(self, u: np.ndarray) -> np.ndarray:
        u = np.atleast_2d(u)
        return self.log_likelihood(u) + self.log_prior(u)


def _hessian(function, point: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """Central-difference Hessian of a scalar function of a vector (all evaluations in one batch)."""
    size = point.size
    steps = step * np.maximum(1.0, np.abs(point))
    shifts = []
    for i in range(size):
        for j in range(size):
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                shift = np.zeros(size)
                shift[i] += si * steps[i]
                shift[j] += sj * steps[j]
                shifts.append(shift)
    values = function(point[None, :] + np.array(shifts)).reshape(size, size, 4)
    return (values[..., 0] - values[..., 1] - values[..., 2] + values[..., 3]) / (4.0 * np.outer(steps, steps))


def _log_t(u: np.ndarray, centre: np.ndarray, chol: np.ndarray, log_det: float, nu: float) -> np.ndarray:
    """Log density of a multivariate Student-t with scale ``chol chol^T``."""
    size = centre.size
    solved = np.linalg.solve(chol, (u - centre).T).T
    quad = (solved**2).sum(axis=1)
    return (special.gammaln((nu + size) / 2) - special.gammaln(nu / 2) - 0.5 * size * math.log(nu * math.pi)
            - log_det - 0.5 * (nu + size) * np.log1p(quad / nu))


def _importance_draws(target: _Target, centre: np.ndarray, covariance: np.ndarray, count: int,
                      generator: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``count`` draws from a Student-t(4) proposal folded at σ = 0, and their log weights.

    The target is even in σ, so sampling ``|σ|`` with the folded proposal density
    ``q(u) + q(mirror(u))`` targets the same posterior on σ >= 0.
    """
    chol = np.linalg.cholesky(covariance)
    log_det = float(np.log(np.diag(chol)).sum())
    normal = generator.standard_normal((count, centre.size))
    chi = generator.chisquare(_T_DEGREES, size=count)
    proposal = centre + (normal @ chol.T) * np.sqrt(_T_DEGREES / chi)[:, None]
    proposal[:, -2] = np.abs(proposal[:, -2])
    mirrored = proposal.copy()
    mirrored[:, -2] *= -1.0
    log_q = np.logaddexp(_log_t(proposal, centre, chol, log_det, _T_DEGREES),
                         _log_t(mirrored, centre, chol, log_det, _T_DEGREES))
    return proposal, target(proposal) - log_q


def _differential_evolution_chains(target: _Target, start: np.ndarray, chains: int, iterations: int,
                                   generator: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Differential-evolution Markov chains (ter Braak 2006), updated a half-population at a time.

    Each chain of one half proposes ``x + γ (x_a − x_b) + ε`` with ``x_a, x_b`` two distinct chains
    of the other half (held fixed while this half moves, which keeps every update a valid
    Metropolis step and lets a whole half be evaluated in one batch); ``γ = 2.38 / √(2p)``, and 1
    on every tenth iteration so that chains can jump between modes. The σ coordinate is reflected
    at 0 (the target is even in σ, and a reflected symmetric proposal stays symmetric).

    Returns the states ``(iterations, chains, p)`` and the Gelman–Rubin R̂ of the second half of the
    iterations, per coordinate.
    """
    size = start.shape[1]
    states = np.empty((iterations, chains, size))
    current = start.copy()
    current[:, -2] = np.abs(current[:, -2])
    log_density = target(current)
    halves = (np.arange(0, chains, 2), np.arange(1, chains, 2))
    jitter = 1e-4 * np.maximum(current.std(axis=0), 1e-3)
    for step in range(iterations):
        gamma = 1.0 if step % 10 == 9 else 2.38 / math.sqrt(2.0 * size)
        for moving, fixed in (halves, halves[::-1]):
            pick = np.argsort(generator.random((moving.size, fixed.size)), axis=1)[:, :2]
            difference = current[fixed[pick[:, 0]]] - current[fixed[pick[:, 1]]]
            proposal = current[moving] + gamma * difference + jitter * generator.standard_normal((moving.size, size))
            proposal[:, -2] = np.abs(proposal[:, -2])
            proposed = target(proposal)
            accept = np.log(generator.random(moving.size)) < proposed - log_density[moving]
            current[moving[accept]] = proposal[accept]
            log_density[moving[accept]] = proposed[accept]
        states[step] = current
    kept = states[iterations // 2:]
    n = kept.shape[0]
    within = kept.var(axis=0, ddof=1).mean(axis=0)
    between = n * kept.mean(axis=0).var(axis=0, ddof=1)
    pooled = (n - 1) / n * within + between / n
    rhat = np.sqrt(pooled / np.maximum(within, 1e-300))
    return states, rhat


def posterior_population(
    data: Annotations,
    *,
    kind: str,
    gold: object | None = None,
    rater_types: int = 1,
    spread_scale: float = 1.0,
    draws: int = 400,
    chains: int = 24,
    iterations: int = 200,
    proposals: int = 4000,
    level: float = 0.95,
    span: float = 3.0,
    seed: int = 0,
) -> PopulationPosterior:
    """Posterior of a rater population given a pilot, for posterior-predictive planning.

    Parameters
    ----------
    data : Annotations
        The pilot's labels.
    kind : {"binary", "pairwise", "ordinal", "nominal"}
        Question kind.
    gold : array_like of int, shape (n_items,), optional
        Gold per item, -1 unknown (items without gold use Dawid–Skene posteriors).
    rater_types : int
        T in [1, 3] (raters clustered by accuracy, as in :func:`fit_rater_population`).
    spread_scale : float
        Scale of the half-normal prior on the items' d′ spread σ (noise SDs), in (0, 3].
    draws : int
        Parameter sets kept (evenly spaced over the chains' second halves), in [20, 5000].
    chains : int
        Differential-evolution chains, in [8, 200] (at least twice the parameters plus two).
    iterations : int
        Iterations per chain, in [50, 100 000]; the second halves set the proposal.
    proposals : int
        Importance-sampling draws, in [draws, 200 000].
    level : float
        Posterior probability of the credible floor and intervals, in (0, 1).
    span : float
        Ordinal span, > 0.
    seed : int
        Seed of the chains, >= 0.

    Returns
    -------
    PopulationPosterior
    """
    if not isinstance(data, Annotations):
        raise InvalidArgumentError(f"data must be an Annotations, got {type(data).__name__}")
    k = data.n_classes
    name = _check_kind(kind, k)
    n_types = check_integer("rater_types", rater_types, low=1, high=3)
    scale = check_real("spread_scale", spread_scale, low=0.0, high=3.0, low_open=True)
    keep = check_integer("draws", draws, low=20, high=5000)
    chains = check_integer("chains", chains, low=8, high=200)
    iterations = check_integer("iterations", iterations, low=50, high=100_000)
    count = check_integer("proposals", proposals, low=keep, high=200_000)
    confidence = check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    reach = check_real("span", span, low=0.0, low_open=True)
    generator = np.random.default_rng(check_integer("seed", seed, low=0))

    weights, source = _truth_weights(data, gold)
    if not np.any(weights.sum(axis=1) > 0):
        raise InvalidArgumentError("data: no item has a known true class")
    types = _rater_types(data, weights, n_types)
    patterns = _patterns(data, weights, types, n_types)
    type_weights = np.bincount(types[data.raters], minlength=n_types) / data.n_labels
    target = _Target(name, k, n_types, patterns, reach, scale, type_weights)

    # Start from the EM point fit of the same family; τ starts away from 0, where the gradient in
    # τ vanishes by symmetry.
    try:
        point = fit_rater_population(data, kind=name, gold=gold, difficulty="normal", rater_types=n_types, span=reach)
    except InvalidArgumentError:
        # Too few distinct patterns to identify a spread (e.g. a pilot that is nearly always
        # unanimous): start from one class; the prior then carries τ.
        point = fit_rater_population(data, kind=name, gold=gold, difficulty="none", rater_types=n_types, span=reach)
    start_d = np.maximum(point.population.dprime, 0.05)
    start_bias = point.population.bias[:, 1:] if name == "nominal" else point.population.bias
    start_spread = max((point.difficulty_spread or 0.0) * float(start_d @ type_weights), 0.3 * scale)
    start_slip = min(max(point.population.slip, 0.005), 0.2)
    start = np.concatenate((np.log(start_d), np.clip(start_bias, -4, 4).ravel(), [start_spread],
                            [special.logit(start_slip)]))
    labels = max(patterns.labels, 1.0)
    unbounded = [(-np.inf, np.inf)] * start.size
    result = optimize.minimize(lambda u: _value_and_gradient(lambda v: -target(v) / labels, u, unbounded), start,
                               jac=True, method="BFGS", options={"gtol": 1e-6, "maxiter": 400})
    mode = result.x if result.fun <= -float(target(start)[0]) / labels else start

    # Chains start from the Laplace approximation (numerical Hessian, eigenvalues floored so that a
    # flat direction gets the prior's own width), over-dispersed by a Student-t(4).
    curvature = -_hessian(lambda u: target(u), mode)
    curvature = 0.5 * (curvature + curvature.T)
    values, vectors = np.linalg.eigh(curvature)
    values = np.maximum(values, 1.0 / 9.0)
    covariance = (vectors / values) @ vectors.T
    chol = np.linalg.cholesky(covariance + 1e-12 * np.eye(mode.size))
    normal = generator.standard_normal((chains, mode.size))
    chi = generator.chisquare(_T_DEGREES, size=chains)
    start_states = mode + (normal @ chol.T) * np.sqrt(_T_DEGREES / chi)[:, None]
    states, rhat = _differential_evolution_chains(target, start_states, chains, iterations, generator)
    # The chains' second halves give the proposal's moments; importance weights then correct
    # whatever the short chains have not yet settled (a proposal from moments of many correlated
    # chain states is robust where weighted moments of a poor first proposal are not).
    explored = states[iterations // 2:].reshape(-1, mode.size)
    centre = explored.mean(axis=0)
    covariance = np.cov(explored, rowvar=False) * _PROPOSAL_INFLATION**2 + 1e-9 * np.eye(mode.size)
    proposal, log_w = _importance_draws(target, centre, covariance, count, generator)
    w = np.exp(log_w - log_w.max())
    w /= w.sum()
    effective = float(1.0 / np.sum(w**2))
    # Systematic resampling.
    positions = (generator.random() + np.arange(keep)) / keep
    chosen = np.minimum(np.searchsorted(np.cumsum(w), positions), count - 1)
    d, bias, spread, slip = target.natural(proposal[chosen])
    counts = weights.sum(axis=0)
    prior_draws = generator.dirichlet(counts + 0.5, size=keep)

    mode_d, mode_bias, mode_spread, mode_slip = target.natural(mode[None, :])
    prior_mean = (counts + 0.5) / (counts.sum() + 0.5 * k)
    mode_population = RaterPopulation.create(
        name, prior_mean, mode_d[0], bias=mode_bias[0], type_weights=type_weights,
        difficulty_weights=_NORMAL_WEIGHTS, difficulty_multipliers=1.0 + abs(float(mode_spread[0])) * _NORMAL_NODES,
        slip=float(mode_slip[0]), span=reach, normalise=False,
    )
    # Posterior predictive check on the pilot: each class's share of correct labels.
    kernels = _batch_kernels(name, k, d, bias, np.abs(spread), slip, reach)
    pooled = np.einsum("t,h,shtxy->sxy", type_weights, _NORMAL_WEIGHTS, kernels)
    label_truth = weights[data.items]
    labels_per_class = label_truth.sum(axis=0)
    observed = np.array([float(label_truth[data.labels == x, x].sum()) for x in range(k)])
    check = {
        "labels": labels_per_class.tolist(),
        "observed": [float(o / n) if n > 0 else None for o, n in zip(observed, labels_per_class)],
        "predicted": np.diagonal(pooled, axis1=1, axis2=2).mean(axis=0).tolist(),
    }
    return PopulationPosterior(
        kind=name, mode=mode_population, prior=prior_draws, dprime=d, bias=bias, spread=np.abs(spread), slip=slip,
        type_weights=type_weights, span=reach, level=confidence, effective_sample_size=effective, proposals=count,
        rhat=float(np.max(rhat)), chains=chains, iterations=iterations, spread_scale=scale, truth_source=source,
        pilot_check=check,
    )
