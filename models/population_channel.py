"""A question's channel with raters as they are: response bias, item difficulty, a mixed pool (the method §9).

:func:`models.channel.question_channel` describes one question by the d′ its judgment time buys and
a homogeneous, unbiased panel. :class:`RaterModel` adds what real pilots show, on top of that d′:

* **response bias**: the criterion ``c`` of signal detection theory (Green & Swets 1966) for binary
  questions, each decision of a multi-select, and ordinal, pairwise and scale questions (every
  threshold shifted by ``c``); per-option additive biases ``b_y`` for categorical questions;
* **latent item difficulty**: item classes ``h`` with weights ``w_h`` and d′ multipliers ``a_h``,
  unknown to the decoder; all raters of an item share its class;
* **a mixed pool**: up to three rater types ``t`` with shares ``v_t``, d′ multipliers ``m_t`` and
  criterion shifts ``s_t``, each label's type drawn independently. The decoder knows each label's
  type (as Dawid & Skene 1979 know each rater), so the labels are ``(type, answer)`` pairs.

One label of an item of class ``h`` and truth ``x`` is then ``(t, y)`` with probability
``G_h[x, (t, y)] = v_t K(a_h m_t d′, c + s_t)[x, y]``, ``K`` the kernels of
:func:`models.rater_population.response_kernel` (slips composed after the judgment), and ``r``
raters give the vote histogram ``n`` over the ``T·k`` cells with

    P(n | x) = (1 − ρ) Σ_h w_h Multinomial(n; r, G_h[x]) + ρ Σ_cell Ḡ[x, cell] 1[n = r e_cell],

``Ḡ = Σ_h w_h G_h`` (the method §4's herding ρ: with probability ρ the panel repeats one label).
With one class, one type and no bias this is the method §4's panel exactly, and
:func:`models.channel.question_channel` keeps its own (faster) computation there.

Conventions: the app's binary d′ is the forced-choice d′ of the method §3 (accuracy ``Φ(d′/√2)``),
so the yes/no kernel ``Φ(±d′_yn/2 − c)`` of :mod:`models.rater_population` takes ``d′_yn = √2 d′``;
ordinal, pairwise and scale questions use the Thurstonian kernel of the method §3 with span
``span · d′`` (``pairwise`` with two answers too, as the first release did); categorical ones the
k-alternative forced choice. Ranking and free-text questions have no bias model and are not
covered (:func:`supports`).

Capacities are Blahut–Arimoto over the vote-histogram kernel while its histograms fit
``max_outcomes``; beyond, the upper bound

    C_r ≤ min(ln k, ρ C_1 + (1 − ρ) Σ_h w_h min(ln k, (r / r0) C_r0(G_h))),

valid because revealing the herding branch and the item's class cannot lose information, the
class is independent of the truth, and within a class the raters are conditionally i.i.d., so
``C_r(G_h) ≤ (r / r0) C_r0(G_h)`` (the method §4's argument, :mod:`models.panel`). All in nats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .capacity import _capacity, _nominal_capacity, charge_work
from .decoding import (
    DECODING_MAX_OUTCOMES,
    _MINIMAL_LEVEL,
    PanelDecoding,
    _budget_panel,
    _dimensions,
    _entropy,
    _information_moments_many,
    _map_accuracies,
    _prior,
)
from .errors import InvalidArgumentError
from .kernels import _ordinal_slip
from .panel import _count_kernel, _histogram_tables
from .rater_population import _kernels

__all__ = [
    "MAX_DIFFICULTY_CLASSES",
    "MAX_RATER_TYPES",
    "RaterModel",
    "population_kind",
    "supports",
    "class_kernels",
    "population_panel",
    "population_parts",
    "population_decoding",
]

#: Most difficulty classes and rater types a question's model may have.
MAX_DIFFICULTY_CLASSES = 3
MAX_RATER_TYPES = 3
_TOLERANCE = 1e-9
_MAX_ITERATIONS = 100_000
# Shares of a work cap: each of the three single-rater runs, then the panel (what is left).
_SINGLE_SHARE = 0.05


@dataclass(frozen=True)
class RaterModel:
    """How a question's raters depart from the homogeneous, unbiased panel (hashable).

    Attributes
    ----------
    criterion : float
        Response bias ``c`` in noise SDs, in [-20, 20]: binary, multi-select decisions, ordinal,
        pairwise and scale questions (``c > 0``: "no" or lower levels more often).
    option_bias : tuple of float or None
        Categorical questions: additive bias ``b_y`` of each of the ``k`` options, noise SDs, each
        in [-20, 20] (only differences matter); None for none.
    difficulty : tuple of (float, float)
        ``(w_h, a_h)``: share of items and d′ multiplier of each difficulty class, 1 to
        :data:`MAX_DIFFICULTY_CLASSES` classes, shares summing to 1, multipliers in [-50, 50]
        (negative: the item looks like another answer).
    types : tuple of (float, float, float)
        ``(v_t, m_t, s_t)``: share of labels, d′ multiplier (>= 0) and criterion shift of each
        rater type, 1 to :data:`MAX_RATER_TYPES` types, shares summing to 1.
    """

    criterion: float = 0.0
    option_bias: tuple[float, ...] | None = None
    difficulty: tuple[tuple[float, float], ...] = ((1.0, 1.0),)
    types: tuple[tuple[float, float, float], ...] = ((1.0, 1.0, 0.0),)

    def __post_init__(self) -> None:
        values = [self.criterion] + list(self.option_bias or ())
        if not all(math.isfinite(v) and abs(v) <= 20.0 for v in values):
            raise InvalidArgumentError(f"criterion and option_bias must be finite and in [-20, 20], got {values}")
        if not 1 <= len(self.difficulty) <= MAX_DIFFICULTY_CLASSES:
            raise InvalidArgumentError(f"difficulty must have 1 to {MAX_DIFFICULTY_CLASSES} classes, got {len(self.difficulty)}")
        if not 1 <= len(self.types) <= MAX_RATER_TYPES:
            raise InvalidArgumentError(f"types must have 1 to {MAX_RATER_TYPES} entries, got {len(self.types)}")
        for name, rows, width in (("difficulty", self.difficulty, 2), ("types", self.types, 3)):
            if any(len(row) != width or not all(math.isfinite(v) for v in row) for row in rows):
                raise InvalidArgumentError(f"{name} rows must hold {width} finite numbers, got {rows}")
            shares = [row[0] for row in rows]
            if min(shares) < 0 or abs(sum(shares) - 1.0) > 1e-9:
                raise InvalidArgumentError(f"{name} shares must be >= 0 and sum to 1, got {shares}")
        if any(abs(a) > 50.0 for _, a in self.difficulty):
            raise InvalidArgumentError(f"difficulty multipliers must be in [-50, 50], got {self.difficulty}")
        if any(m < 0 or m > 50.0 or abs(s) > 20.0 for _, m, s in self.types):
            raise InvalidArgumentError(f"type multipliers must be in [0, 50] and shifts in [-20, 20], got {self.types}")

    def is_default(self, kind: str) -> bool:
        """True when, for a question of ``kind``, this is the method §4's homogeneous unbiased panel."""
        plain_types = len(self.types) == 1 and self.types[0][1] == 1.0
        plain_classes = len(self.difficulty) == 1 and self.difficulty[0][1] == 1.0
        if kind == "categorical":
            unbiased = not any(self.option_bias or ())
        else:
            unbiased = self.criterion == 0.0 and all(s == 0.0 for _, _, s in self.types)
        return plain_types and plain_classes and unbiased

    @property
    def n_types(self) -> int:
        """Number of rater types T."""
        return len(self.types)


def supports(kind: str) -> bool:
    """Whether questions of ``kind`` have a :class:`RaterModel` (all but ranking, best–worst scaling and free text)."""
    return kind in ("binary", "categorical", "ordinal", "pairwise", "scale", "multi_select")


def population_kind(kind: str, k: int) -> tuple[str, int, float, int]:
    """``(kind of models.rater_population, answers, d′ factor, copies)`` of an app question.

    The d′ factor converts the method §3's d′ into the population's: √2 for yes/no questions
    (binary and each multi-select decision), 1 otherwise; copies is the number of independent
    decisions (a multi-select's ``k``, else 1).
    """
    if kind == "binary":
        return "binary", 2, math.sqrt(2.0), 1
    if kind == "multi_select":
        return "binary", 2, math.sqrt(2.0), int(k)
    if kind == "categorical":
        return "nominal", int(k), 1.0, 1
    if kind in ("ordinal", "pairwise", "scale"):
        return "ordinal", int(k), 1.0, 1
    raise InvalidArgumentError(f"kind {kind!r} has no rater model (ranking and free text)")


def class_kernels(kind: str, k: int, dprime: float, span: float, slip: float,
                  model: RaterModel) -> tuple[np.ndarray, np.ndarray]:
    """Class weights ``w`` (H,) and typed kernels ``G`` (H, k, T·k) of one label, see the module docstring.

    Parameters
    ----------
    kind : str
        The app's format kind (:func:`supports`).
    k : int
        Answers (a multi-select's options count the decisions: each decision has 2 answers).
    dprime : float
        d′ of one elementary judgment (the method §3), >= 0.
    span : float
        Ordinal scale span in d′ units, > 0.
    slip : float
        Articulation slip rate, in [0, 0.5].
    model : RaterModel

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``w`` and ``G``; column ``t·k + y`` of ``G`` is type ``t`` answering ``y``.
    """
    return _class_kernels(kind, int(k), float(dprime), float(span), float(slip), model)


@lru_cache(maxsize=4096)
def _class_kernels(kind: str, k: int, dprime: float, span: float, slip: float,
                   model: RaterModel) -> tuple[np.ndarray, np.ndarray]:
    name, answers, factor, _ = population_kind(kind, k)
    weights = np.array([w for w, _ in model.difficulty], dtype=float)
    multipliers = np.array([a for _, a in model.difficulty], dtype=float)
    shares = np.array([v for v, _, _ in model.types], dtype=float)
    type_multipliers = np.array([m for _, m, _ in model.types], dtype=float)
    d = factor * dprime * multipliers[:, None] * type_multipliers[None, :]  # [h, t]
    if name == "nominal":
        bias = np.zeros(answers) if model.option_bias is None else np.asarray(model.option_bias, dtype=float)
        if bias.shape != (answers,):
            raise InvalidArgumentError(f"option_bias must have {answers} values, got {len(model.option_bias or ())}")
        biases = np.broadcast_to(bias, d.shape + (answers,))
    else:
        shifts = np.array([s for _, _, s in model.types], dtype=float)
        biases = np.broadcast_to((model.criterion + shifts)[None, :, None], d.shape + (1,))
    kernels = _kernels(name, answers, d, biases, slip, span)  # [h, t, x, y]
    typed = np.einsum("t,htxy->hxty", shares, kernels).reshape(weights.size, answers, shares.size * answers)
    for array in (weights, typed):
        array.setflags(write=False)
    return weights, typed


def _mixture_count_kernel(weights: np.ndarray, kernels: np.ndarray, raters: int, rho: float) -> np.ndarray:
    """``(1 − ρ) Σ_h w_h Multinomial(n; r, G_h[x]) + ρ Σ_cell Ḡ[x, cell] 1[n = r e_cell]``."""
    if raters == 1:
        return np.einsum("h,hxy->xy", weights, kernels)
    matrix = sum(w * _count_kernel(np.ascontiguousarray(g), raters, 0.0) for w, g in zip(weights, kernels) if w > 0)
    if rho > 0.0:
        unanimous = _histogram_tables(raters, kernels.shape[2])[3]
        matrix = (1.0 - rho) * matrix
        matrix[:, unanimous] += rho * np.einsum("h,hxy->xy", weights, kernels)
    return matrix


def population_panel(kind: str, k: int, dprime: float, span: float, slip: float, raters: int, rho: float,
                     model: RaterModel, *, max_outcomes: int = DECODING_MAX_OUTCOMES) -> tuple[np.ndarray, int]:
    """The vote-histogram kernel of the largest panel of at most ``raters`` whose histograms fit
    ``max_outcomes`` (>= 1), and that panel's size (as :func:`models.decoding.decoding_panel`).

    For a multi-select this is the kernel of one decision. Parameters as :func:`class_kernels`,
    with ``raters`` >= 1 and ``rho`` in [0, 1]."""
    weights, kernels = _class_kernels(kind, int(k), float(dprime), float(span), float(slip), model)
    used = _largest(raters, kernels.shape[2], max_outcomes)
    return _mixture_count_kernel(weights, kernels, used, rho), used


def _largest(raters: int, answers: int, max_outcomes: int) -> int:
    size = raters
    while size > 1 and math.comb(size + answers - 1, answers - 1) > max_outcomes:
        size -= 1
    return size


def _upper(result) -> float:
    return result.nats + result.gap


def population_parts(kind: str, k: int, dprime: float, span: float, slip: float, raters: int, rho: float,
                     model: RaterModel, max_outcomes: int, max_work: float = math.inf
                     ) -> tuple[float, float, float, float, bool, float, bool]:
    """Capacities of one question (one decision of a multi-select), in nats: cognitive (one label,
    no slip), articulation (the slip kernel alone), cascade (one label), panel of ``raters``,
    whether the panel is exact, its certified upper end and whether ``max_work`` stopped a run.

    The shape of the parts :func:`models.channel.question_channel` assembles. Parameters as
    :func:`class_kernels`; ``max_outcomes`` >= 1 bounds the exact histogram alphabet, ``max_work``
    (kernel entry visits, > 0, ``inf`` for none) the Blahut–Arimoto work."""
    return _population_parts(kind, int(k), float(dprime), float(span), float(slip), int(raters), float(rho),
                             model, int(max_outcomes), float(max_work))


@lru_cache(maxsize=4096)
def _population_parts(kind: str, k: int, dprime: float, span: float, slip: float, raters: int, rho: float,
                      model: RaterModel, max_outcomes: int, max_work: float
                      ) -> tuple[float, float, float, float, bool, float, bool]:
    name, answers, _, _ = population_kind(kind, k)
    single_work = max_work * _SINGLE_SHARE
    panel_work = max_work * (1.0 - 3 * _SINGLE_SHARE)
    weights, typed = _class_kernels(kind, k, dprime, span, slip, model)
    _, judged = _class_kernels(kind, k, dprime, span, 0.0, model)
    cognitive = _capacity(np.einsum("h,hxy->xy", weights, judged), _TOLERANCE, _MAX_ITERATIONS, single_work)
    if name == "ordinal":
        articulation = _capacity(_ordinal_slip(answers, slip), _TOLERANCE, _MAX_ITERATIONS, single_work)
        articulation_nats, articulation_stopped = articulation.nats, articulation.gap > _TOLERANCE
    else:
        articulation_nats, articulation_stopped = _nominal_capacity(1.0 - slip, answers), False
    single_kernel = np.einsum("h,hxy->xy", weights, typed)
    single = _capacity(single_kernel, _TOLERANCE, _MAX_ITERATIONS, single_work)
    limited = cognitive.gap > _TOLERANCE or articulation_stopped or single.gap > _TOLERANCE
    if raters == 1:
        return cognitive.nats, articulation_nats, single.nats, single.nats, True, _upper(single), limited
    cells = typed.shape[2]
    ceiling = math.log(answers)
    outcomes = math.comb(raters + cells - 1, cells - 1)
    # A work cap affords the histograms whose kernel it can build and evaluate about 50 times.
    affordable = max_outcomes if math.isinf(panel_work) else max(1, min(max_outcomes, int(panel_work / (answers * 50))))
    if outcomes <= affordable:
        panel = _capacity(_mixture_count_kernel(weights, typed, raters, rho), _TOLERANCE, _MAX_ITERATIONS, panel_work)
        limited = limited or panel.gap > _TOLERANCE or outcomes > max_outcomes
        return cognitive.nats, articulation_nats, single.nats, panel.nats, True, _upper(panel), limited
    reference = _largest(raters - 1, cells, affordable)
    independent = 0.0
    for weight, kernel in zip(weights, typed):
        if weight <= 0:
            continue
        if reference == 1:
            result = _capacity(np.ascontiguousarray(kernel), _TOLERANCE, _MAX_ITERATIONS, panel_work / len(weights))
        else:
            result = _capacity(_count_kernel(np.ascontiguousarray(kernel), reference, 0.0), _TOLERANCE,
                               _MAX_ITERATIONS, panel_work / len(weights))
        limited = limited or result.gap > _TOLERANCE
        independent += weight * min(ceiling, raters / reference * _upper(result))
    bound = min(ceiling, (1.0 - rho) * independent + rho * _upper(single))
    limited = limited or outcomes <= max_outcomes
    return cognitive.nats, articulation_nats, single.nats, bound, False, bound, limited


def population_decoding(kind: str, k: int, *, dprime_value: float, span: float, slip_rate: float, raters: int,
                        correlation: float, prior: tuple[float, ...] | None, model: RaterModel,
                        coding_terms: bool = True, max_work: float | None = None) -> PanelDecoding:
    """What a MAP decoder that knows the model (and each label's rater type) achieves with the
    panel (the method §8.1), as :func:`models.channel.question_decoding` for the homogeneous panel.

    The panel is the largest sub-panel whose histograms fit
    :data:`models.decoding.DECODING_MAX_OUTCOMES` and whose decoding fits ``max_work`` (kernel
    entry visits, > 0, or None); the numbers are those of :mod:`models.decoding`'s stacks: MAP
    accuracy at ``prior`` (uniform when None; ignored for a multi-select, whose decisions are
    taken as uniform), ``I_π``, and the dimension of each decision (codebook successes, Gallager's
    terms and the information moments at the uniform input when ``coding_terms``).
    """
    work = math.inf if max_work is None else float(max_work)
    law = tuple(float(v) for v in prior) if prior is not None and kind != "multi_select" else None
    return _population_decoding(kind, int(k), float(dprime_value), float(span), float(slip_rate), int(raters),
                                float(correlation), law, model, bool(coding_terms), work)


@lru_cache(maxsize=4096)
def _population_decoding(kind: str, k: int, dprime: float, span: float, slip: float, raters: int, rho: float,
                         prior: tuple[float, ...] | None, model: RaterModel, coding_terms: bool,
                         max_work: float) -> PanelDecoding:
    _, answers, _, copies = population_kind(kind, k)
    weights, typed = _class_kernels(kind, k, dprime, span, slip, model)
    used, level, limited = _budget_panel(raters, answers, typed.shape[2], DECODING_MAX_OUTCOMES, max_work, False,
                                         coding_terms)
    panel = _mixture_count_kernel(weights, typed, used, rho)
    panels = panel[None]
    law = _prior(prior, answers)[None]
    charge_work(3.0 * panels.size)
    accuracy = float(_map_accuracies(panels, law)[0])
    minimal = level == _MINIMAL_LEVEL
    entropy = _entropy(law[0])
    information = entropy if minimal else float(_information_moments_many(panels, law, variance=False)[0][0])
    dimension = _dimensions(panels, False, coding_terms, level)[0]
    return PanelDecoding(
        label_accuracy=accuracy**copies,
        exact=not minimal and used == raters,
        raters_used=used,
        dimensions=(dimension,) * copies,
        prior_information_nats=copies * information,
        prior_entropy_nats=copies * entropy,
        log_alphabet=copies * math.log(answers),
        budget_limited=limited,
    )
