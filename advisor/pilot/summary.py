"""Summarising one question of a pilot: aggregation, agreement, capacity, correlation, raters.

:func:`summarize` runs majority vote, one-coin and full Dawid–Skene (scored against gold, or with
gold clamped), the agreement statistics, the empirical capacity of the pooled single-rater kernel
with a bootstrap interval, the rater correlation ρ from excess unanimity, the speed–accuracy fit
(:mod:`advisor.pilot.speed_accuracy`), the rater flags (:mod:`advisor.pilot.rater_quality`) and the
rater population of the method §9 (:func:`models.rater_population.fit_rater_population`: response
bias, item difficulty classes, rater types, prior and slip, fitted jointly by EM), and collects them
in a :class:`PilotSummary` (information in nats, JSON-ready via
:meth:`PilotSummary.to_dict`). :func:`storage_summary` is what the database keeps beside a pilot's
bytes (one summary per question) and :func:`summary_options` the options a stored summary was
computed with.

The numerics live in :mod:`models.aggregation`, :mod:`models.agreement` and
:mod:`models.empirical`; this module turns a pilot into their inputs and their outputs into a
:class:`PilotSummary`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from models import agreement, empirical
from models.aggregation import Aggregation, Annotations, dawid_skene, majority_vote, one_coin_dawid_skene, tie_credit_accuracy
from models.errors import InvalidArgumentError
from models.rater_population import fit_rater_population

from advisor.errors import Cancelled, ImportFormatError
from advisor.files.input_limits import quote
from advisor.progress import ProgressCallback, keeps_going, within
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.numeric import MAX_SCALE_LEVELS, mean_score_correlation
from advisor.pilot.rater_quality import RaterReport, judge_raters
from advisor.pilot.rater_timing import RaterTiming, time_raters
from advisor.pilot.reading import MAX_LABELS, too_many_labels_error
from advisor.pilot.speed_accuracy import SpeedAccuracy, fit_speed, label_truth
from advisor.units import nats_to_bits

__all__ = ["MethodResult", "PilotSummary", "storage_summary", "summarize", "summary_options"]

Scale = Literal["nominal", "ordinal"]
GoldUse = Literal["evaluate", "clamp"]
Ties = Literal["random", "half", "first"]
TIE_TEXT = {
    "random": "ties split at random (seeded)",
    "half": "ties counted as a share (a half for a two-way tie)",
    "first": "ties broken by the label seen first",
}
"""How each majority-vote tie rule is stated in the output."""
STAGES = 6
"""Steps of a summary besides its bootstrap resamples (each reported to ``progress``)."""
LABEL_BLOCK = 1 << 22
"""Entries (labels × classes) tabulated at a time: temporaries stay a few tens of megabytes."""
TIME_BINS = 10
"""Quantile bins of the label times, each with its own pooled kernel when ρ is estimated, so that
fast and slow labels differing in accuracy are not read as correlation."""
UNANIMITY_EXPECTED_AT_LEAST = 1.0
"""ρ is seen through unanimous items beyond those independent raters would give: where fewer than
this many are expected of independent raters and none is observed, the pilot cannot show ρ."""


@dataclass(frozen=True)
class MethodResult:
    """One aggregation method's result on the pilot.

    ``identifiable`` is False for Dawid–Skene on a pilot with one label per item, where a rater's
    confusion cannot be told from the class prior: no accuracy is reported for it then.
    """

    accuracy_vs_gold: float | None
    class_priors: tuple[float, ...]
    iterations: int
    converged: bool
    log_likelihood: float | None
    identifiable: bool = True


@dataclass(frozen=True)
class PilotSummary:
    """Everything :func:`summarize` finds, JSON-ready via :meth:`to_dict`. Information in nats."""

    source: str
    question: str | None
    scale: str
    slip_rate: float
    span: float
    gold_use: str
    classes: tuple[str, ...]
    labels: int
    items: int
    raters: int
    gold_items: int
    labels_per_item: float
    methods: dict[str, MethodResult]
    agreement: dict[str, float | None]
    kernel_source: str
    pooled_kernel: tuple[tuple[float, ...], ...]
    kernel_classes: tuple[str, ...]
    single_rater_accuracy: float
    capacity_nats: float
    capacity_ci: tuple[float, float]
    capacity_level: float
    bootstrap_resamples: int
    bootstrap_seed: int
    rho: float
    observed_unanimity: float
    independent_unanimity: float
    speed_accuracy: SpeedAccuracy | None
    rater_reports: tuple[RaterReport, ...]
    flagged: dict[str, tuple[str, ...]]
    context_model: dict[str, tuple[float, float]] | None = None
    context_accuracy: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    population: dict[str, Any] | None = None
    """The rater population fitted to the pilot (the method §9): ``kind`` (``binary``, ``nominal`` or
    ``ordinal``) and :meth:`models.rater_population.PopulationFit.to_dict` (its ``population`` holds
    the prior, each rater type's d′ and bias, the type shares, the difficulty classes and the slip);
    None when no model could be fitted (the reason is in the notes)."""
    majority_vote_ties: str = "first"
    import_report: dict[str, Any] | None = None
    numeric: bool = False
    numeric_readout: tuple[dict[str, float], ...] = ()
    rater_timing: RaterTiming | None = None

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.classes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (lists for tuples, finite floats, None where not available)."""
        data = asdict(self)
        data["capacity_bits"] = nats_to_bits(self.capacity_nats)
        return _jsonable(data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _time_bins(seconds: np.ndarray | None, n_labels: int) -> np.ndarray:
    """Label -> time-bin code (int16): deciles of the label times, untimed labels in a bin of their own."""
    if seconds is None or not np.any(np.isfinite(seconds)):
        return np.zeros(n_labels, dtype=np.int16)
    timed = np.isfinite(seconds)
    times = seconds[timed] if not np.all(timed) else seconds
    sample = times if times.size <= 2_000_000 else times[:: times.size // 2_000_000]
    distinct = np.unique(sample).size
    bins = max(1, min(TIME_BINS, distinct))
    edges = np.quantile(sample, np.linspace(0.0, 1.0, bins + 1)[1:-1])
    codes = np.full(n_labels, bins, dtype=np.int16)
    for start in range(0, n_labels, LABEL_BLOCK):
        block = slice(start, start + LABEL_BLOCK)
        where = timed[block]
        codes[block][where] = np.searchsorted(edges, seconds[block][where], side="right")
    return codes


def _binned_kernels(data: Annotations, truth_weights: np.ndarray, bins: np.ndarray, pooled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One pooled kernel per time bin (rows without data fall back to the overall kernel)."""
    k = data.n_classes
    # Bin codes are small: the table is indexed by the code itself (a bin without labels keeps the
    # pooled kernel), so no label-sized re-coding is made.
    size = int(bins.max()) + 1
    counts = np.zeros(size * k * k)
    step = max(1, LABEL_BLOCK // k)
    for start in range(0, data.n_labels, step):
        block = slice(start, start + step)
        flat = (bins[block, None].astype(np.int64) * k + np.arange(k)[None, :]) * k + data.labels[block, None]
        counts += np.bincount(flat.ravel(), weights=truth_weights[data.items[block]].ravel(), minlength=counts.size)
    counts = counts.reshape(size, k, k)
    totals = counts.sum(axis=2, keepdims=True)
    table = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), pooled[None, :, :])
    return table, bins


def summarize(
    dataset: PilotDataset,
    *,
    question: str | None = None,
    scale: Scale = "nominal",
    span: float = 3.0,
    slip_rate: float = 0.0,
    gold_use: GoldUse = "evaluate",
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    contexts: Mapping[str, tuple[float, float]] | None = None,
    rater_types: int | str = 1,
    ties: Ties = "random",
    numeric: bool = False,
) -> PilotSummary:
    """Summarise one question of a pilot.

    Parameters
    ----------
    dataset
        The pilot.
    question
        Which question, when the pilot has several.
    scale
        ``"nominal"`` (binary, categorical) or ``"ordinal"`` (ordinal, pairwise; classes in the
        dataset's order): selects the accuracy curve of the speed–accuracy fit.
    span
        Ordinal scale span in d′ units (the method §3), > 0.
    slip_rate
        Articulation slip rate assumed in the speed–accuracy fit, in [0, 0.5): the fitted λ is then
        the cognitive discriminability behind the slips.
    gold_use
        ``"evaluate"`` (default): aggregation ignores gold and ``accuracy_vs_gold`` scores it.
        ``"clamp"``: gold items are clamped in both Dawid–Skene variants (semi-supervised); their
        accuracy against gold would be 1 by construction and is reported as None.
    n_boot, level, seed
        Bootstrap resamples (0 to 100 000), confidence level in (0, 1) and seed of the capacity
        interval.
    progress
        ``progress(done, total)`` over the summary's steps: majority vote, one-coin and full
        Dawid–Skene, then one step per bootstrap resample, then ρ, the speed–accuracy fit and the
        raters (:data:`STAGES` steps besides the resamples; :mod:`advisor.progress`); False cancels
        (:class:`advisor.errors.Cancelled`).
    contexts
        ``{context name: (difficulty, reading seconds)}`` of the scenario the pilot will calibrate.
        When given and the pilot has a context column, the speed–accuracy fit multiplies λ by each
        label's context difficulty and starts its clock after the context's reading time, so that
        λ, β and δ₀ come out free of the contexts
        (:func:`~advisor.pilot.calibration.apply_to_scenario` then converts only the time share
        and the effort). Every context of the pilot must be named.
    rater_types
        Rater types of the population fit: 1 to 3, or ``"auto"`` (AIC chooses; slower, the fit is
        repeated for 1, 2 and 3 types). Nominal pilots of three or more classes are fitted with one
        type (a scenario's rater types shift a criterion, which categorical questions do not have).
    ties
        How majority vote treats a tie: ``"random"`` (default; uniformly among the tied classes,
        seeded with ``seed``), ``"half"`` (an item counts ``1/t`` when its gold is one of ``t`` tied
        classes: the expectation of the random rule) or ``"first"`` (the label seen first). The
        rule is stated in the summary.
    numeric
        The labels are numbers on a declared scale (read with a
        :class:`~advisor.pilot.numeric.NumericScale`; ``scale`` must be ``"ordinal"``): up to
        :data:`~advisor.pilot.numeric.MAX_SCALE_LEVELS` classes, and the accuracy readout is the
        correlation of the mean of r scores with gold (Snow et al. 2008).

    Returns
    -------
    PilotSummary

    Notes
    -----
    * The pooled kernel is tabulated against gold when any item has gold (only gold items
      count), else against the Dawid–Skene posteriors.
    * ρ compares the observed share of unanimous items with the share independent raters would
      give: with gold, given each item's gold class; without gold, averaged over the class priors.
      Labels get the pooled kernel of their context and time decile, so that differences between
      contexts and times in the pilot are not read as correlation. Without gold the kernel itself comes from
      a model that assumes independence, so ρ is then a lower estimate.
    * The speed–accuracy fit uses labels with seconds; a label is correct when it equals the gold
      class (gold items) or, without gold, the Dawid–Skene label.
    * The rater population is fitted on gold where known and the Dawid–Skene posteriors elsewhere,
      with 1 to 3 free difficulty classes chosen by AIC; two classes are a binary (yes/no) question,
      more a nominal or an ordinal one (``scale``, with ``span``).
    * With one label per item Dawid–Skene cannot tell a rater's errors from the class prior: its
      accuracy is not reported (majority vote stands, with a note).
    """
    if scale not in ("nominal", "ordinal"):
        raise ValueError(f"scale must be 'nominal' or 'ordinal', got {scale!r}")
    if gold_use not in ("evaluate", "clamp"):
        raise ValueError(f"gold_use must be 'evaluate' or 'clamp', got {gold_use!r}")
    if not 0.0 <= slip_rate < 0.5:
        raise ValueError(f"slip_rate must be in [0, 0.5), got {slip_rate}")
    if not span > 0:
        raise ValueError(f"span must be > 0, got {span}")
    if ties not in TIE_TEXT:
        raise ValueError(f"ties must be one of {', '.join(TIE_TEXT)}, got {ties!r}")
    if numeric and scale != "ordinal":
        raise ValueError("numeric labels are summarised on the ordinal scale: pass scale='ordinal'")
    pilot = dataset.for_question(question)
    if len(pilot.class_names) > (MAX_SCALE_LEVELS if numeric else MAX_LABELS):
        raise too_many_labels_error(question, len(pilot.class_names))
    if numeric:
        _check_numeric(pilot)
    if len(pilot.class_names) < 2:
        raise ImportFormatError(f"{pilot.name}: only one distinct label ({quote(pilot.class_names[0])}); at least two are needed")
    question_name = question if question is not None else (pilot.question_names[0] if pilot.question_names else None)
    try:
        data = Annotations.from_arrays(
            pilot.items, pilot.raters, pilot.labels,
            n_items=pilot.n_items, n_raters=pilot.n_raters, n_classes=max(2, len(pilot.class_names)),
        )
    except InvalidArgumentError as error:
        raise ImportFormatError(f"{pilot.name}: {error}") from None
    k = data.n_classes
    gold = np.asarray(pilot.gold)
    has_gold = bool(np.any(gold >= 0))
    clamp = gold if (has_gold and gold_use == "clamp") else None
    notes: list[str] = []

    total = STAGES + int(n_boot)

    def step(done: int) -> None:
        if not keeps_going(progress, done, total):
            raise Cancelled(f"summary cancelled after step {done} of {total}")

    results: dict[str, Aggregation] = {}
    results["majority_vote"] = majority_vote(data, ties="first" if ties == "first" else "random", seed=seed)
    step(1)
    results["one_coin"] = one_coin_dawid_skene(data, gold=clamp)
    step(2)
    results["dawid_skene"] = dawid_skene(data, gold=clamp)
    step(3)
    single_label = int(np.bincount(data.items, minlength=data.n_items).max()) == 1
    if single_label:
        notes.append(
            "one label per item: Dawid–Skene cannot tell a rater's errors from the class prior, so no Dawid–Skene "
            "accuracy is reported; majority vote (each item's one label) stands"
        )
    methods = {}
    for method, result in results.items():
        identifiable = method == "majority_vote" or not single_label
        scored = has_gold and identifiable and (clamp is None or method == "majority_vote")
        accuracy = result.accuracy_against(gold) if scored else None
        if scored and method == "majority_vote" and ties == "half":
            accuracy = tie_credit_accuracy(data.vote_counts(), gold)
        methods[method] = MethodResult(
            accuracy_vs_gold=accuracy,
            class_priors=tuple(float(p) for p in result.class_priors),
            iterations=result.iterations,
            converged=result.converged,
            log_likelihood=result.log_likelihood,
            identifiable=identifiable,
        )
    ds = results["dawid_skene"]
    # Only Dawid–Skene is used from here on; on a pilot of millions of items the others' posteriors
    # are hundreds of megabytes.
    results.clear()
    if not ds.converged and not single_label:
        # (With one label per item nothing is identified: the cap says nothing more.)
        notes.append(f"Dawid–Skene stopped at its iteration cap ({ds.iterations}) before converging")

    agreement_stats = _agreement(data)

    truth = gold if has_gold else np.asarray(ds.posteriors)
    kernel_source = "gold" if has_gold else "dawid_skene"
    try:
        capacity = empirical.empirical_capacity(data, truth, n_boot=n_boot, level=level, seed=seed,
                                                progress=within(progress, 3, int(n_boot), total))
    except empirical.Cancelled as stopped:
        raise Cancelled(str(stopped)) from None
    counts = capacity.counts
    single_accuracy = float(np.trace(counts) / counts.sum())
    full_kernel = np.full((k, k), 1.0 / k)
    full_kernel[capacity.present] = capacity.kernel
    if not np.all(capacity.present):
        missing = [pilot.class_names[c] for c in np.flatnonzero(~capacity.present)]
        notes.append(f"no {kernel_source} item of class {', '.join(map(repr, missing))}: the capacity uses the other classes")

    if has_gold:
        truth_weights = np.zeros((data.n_items, k))
        known = np.flatnonzero(gold >= 0)
        truth_weights[known, gold[known]] = 1.0
    else:
        truth_weights = np.tile(np.asarray(ds.class_priors), (data.n_items, 1))
    kernel_weights = truth_weights if has_gold else np.asarray(ds.posteriors)
    bins = _time_bins(pilot.seconds, data.n_labels)
    if pilot.contexts is not None:
        bins = (np.asarray(pilot.contexts) * (TIME_BINS + 1) + bins).astype(np.int32)
    table, kernel_index = _binned_kernels(data, kernel_weights, bins, full_kernel)
    try:
        correlation = empirical.excess_unanimity_correlation(data, truth_weights, table, kernel_index)
        rho, observed_u, independent_u = correlation.rho, correlation.observed_unanimity, correlation.independent_unanimity
        if not correlation.identifiable:
            notes.append("raters are (nearly) always unanimous: ρ cannot be seen and is reported as 0")
        elif observed_u == 0.0 and independent_u * data.n_items < UNANIMITY_EXPECTED_AT_LEAST:
            # Excess unanimity is ρ's evidence; where not one unanimous item is to be expected
            # even of independent raters, none observed says nothing about ρ.
            notes.append(f"with {data.n_labels / data.n_items:.0f} labels per item even independent raters would "
                         f"almost never be unanimous ({independent_u:.2g} of items): ρ cannot be seen and is "
                         "reported as 0")
        if not has_gold:
            notes.append("no gold: ρ is estimated against Dawid–Skene, which assumes independent raters, so it is a lower estimate")
    except InvalidArgumentError:
        rho, observed_u, independent_u = 0.0, 1.0, 1.0
        notes.append("no item has two labels: ρ cannot be estimated and is reported as 0")

    step(4 + int(n_boot))
    context_model = _context_model(pilot, contexts)
    truth_per_label = label_truth(gold, ds, has_gold, data.items)
    speed = fit_speed(pilot, data, truth_per_label, scale, k, slip_rate, span, context_model, notes,
                      "gold" if has_gold else "dawid_skene")
    population = _population_fit(data, gold if has_gold else None, scale, span, rater_types, notes, seed)
    context_accuracy = _context_accuracy(pilot, data, truth_weights if has_gold else np.asarray(ds.posteriors))
    step(5 + int(n_boot))
    timing = time_raters(pilot, data.raters, data.labels == truth_per_label, truth_per_label >= 0, speed, notes)
    readout: tuple[dict[str, float], ...] = ()
    if numeric:
        values = np.array([float(name) for name in pilot.class_names])
        gold_values = np.where(gold >= 0, values[np.maximum(gold, 0)], np.nan)
        readout = tuple(mean_score_correlation(values[data.labels], data.items, gold_values, seed=seed))
        if not has_gold:
            notes.append("numeric labels without gold: no correlation with gold can be reported")

    reports, flagged = judge_raters(pilot, data, ds, gold)
    step(total)
    return PilotSummary(
        source=pilot.name,
        question=question_name,
        scale=scale,
        slip_rate=float(slip_rate),
        span=float(span),
        gold_use=gold_use,
        classes=tuple(pilot.class_names),
        labels=data.n_labels,
        items=data.n_items,
        raters=data.n_raters,
        gold_items=int(np.sum(gold >= 0)),
        labels_per_item=data.n_labels / data.n_items,
        methods=methods,
        agreement=agreement_stats,
        kernel_source=kernel_source,
        pooled_kernel=tuple(tuple(float(v) for v in row) for row in full_kernel),
        kernel_classes=tuple(pilot.class_names[c] for c in np.flatnonzero(capacity.present)),
        single_rater_accuracy=single_accuracy,
        capacity_nats=capacity.nats,
        capacity_ci=(capacity.ci_low, capacity.ci_high),
        capacity_level=capacity.level,
        bootstrap_resamples=capacity.n_boot,
        bootstrap_seed=int(seed),
        rho=rho,
        observed_unanimity=observed_u,
        independent_unanimity=independent_u,
        speed_accuracy=speed,
        rater_reports=reports,
        flagged=flagged,
        context_model=context_model,
        context_accuracy=context_accuracy,
        notes=tuple(notes),
        population=population,
        majority_vote_ties=ties,
        import_report=None if pilot.report is None else pilot.report.to_dict(),
        numeric=numeric,
        numeric_readout=readout,
        rater_timing=timing,
    )


NO_POPULATION_NOTE = "no rater population could be fitted: "
"""How a summary's note that no rater population was fitted starts; the reason follows."""

POPULATION_FIT_LABELS = 50_000
"""Most labels the rater population is fitted on. A larger pilot is fitted on a random subset of
its items (all their labels, seeded): its few parameters are pinned down long before that, and the
fit's memory and time grow with the labels it sees (a 50-million-label pilot must summarise in
bounded memory)."""


def _population_fit(data: Annotations, gold: np.ndarray | None, scale: str, span: float, rater_types: int | str,
                    notes: list[str], seed: int = 0) -> dict[str, Any] | None:
    """The method §9's rater population of one pilot question (:func:`fit_rater_population`), as
    plain data; None with a note when it cannot be fitted. Pilots of more than
    :data:`POPULATION_FIT_LABELS` labels are fitted on a random subset of their items."""
    if data.items.size > POPULATION_FIT_LABELS:
        data, gold = _item_subset(data, gold, POPULATION_FIT_LABELS, seed)
        notes.append(f"the rater population is fitted on a random {data.n_items:,} of the items "
                     f"({data.items.size:,} labels)")
    k = data.n_classes
    kind = "binary" if k == 2 else ("ordinal" if scale == "ordinal" else "nominal")
    types = 1 if kind == "nominal" else rater_types
    try:
        fit = fit_rater_population(data, kind=kind, gold=gold, difficulty="classes", rater_types=types, span=span)
    except InvalidArgumentError as error:
        notes.append(f"{NO_POPULATION_NOTE}{error}")
        return None
    return {"kind": kind, "rater_types_requested": types, **fit.to_dict()}


def _item_subset(data: Annotations, gold: np.ndarray | None, max_labels: int,
                 seed: int) -> tuple[Annotations, np.ndarray | None]:
    """A random subset of the items (every label of each) with at most ``max_labels`` labels, and
    their gold; items are renumbered in the subset's order."""
    per_item = np.bincount(data.items, minlength=data.n_items)
    order = np.random.default_rng(seed).permutation(data.n_items)
    kept = order[: max(1, int(np.searchsorted(np.cumsum(per_item[order]), max_labels, side="right")))]
    code = np.full(data.n_items, -1, dtype=np.int64)
    code[kept] = np.arange(kept.size)
    rows = code[data.items] >= 0
    subset = Annotations.from_arrays(code[data.items][rows], data.raters[rows], data.labels[rows], n_items=kept.size,
                                     n_raters=data.n_raters, n_classes=data.n_classes)
    return subset, None if gold is None else np.asarray(gold)[kept]


def _check_numeric(pilot: PilotDataset) -> None:
    """Every class of a numeric question must be a number (read with the declared scale)."""
    for name in pilot.class_names:
        try:
            float(name)
        except ValueError:
            raise ImportFormatError(
                f"{pilot.name}: label {quote(name)} is not a number; declare the numeric scale when reading the pilot"
            ) from None


def _agreement(data: Annotations) -> dict[str, float | None]:
    counts = data.vote_counts()
    out: dict[str, float | None] = {}
    for key, compute in (
        ("percent_agreement", lambda: agreement.percent_agreement(counts)),
        ("fleiss_kappa", lambda: agreement.fleiss_kappa(counts)),
        ("krippendorff_alpha_nominal", lambda: agreement.krippendorff_alpha(counts, "nominal")),
        ("krippendorff_alpha_ordinal", lambda: agreement.krippendorff_alpha(counts, "ordinal")),
    ):
        try:
            out[key] = float(compute())
        except InvalidArgumentError:
            out[key] = None
    return out


def _context_model(pilot: PilotDataset, contexts: Mapping[str, tuple[float, float]] | None) -> dict[str, tuple[float, float]] | None:
    """The (difficulty, reading seconds) of each of the pilot's contexts, or None when not applicable."""
    if contexts is None or pilot.contexts is None:
        return None
    missing = [name for name in pilot.context_names if name not in contexts]
    if missing:
        raise ValueError(
            f"contexts: the pilot's context(s) {', '.join(map(repr, missing))} are not among "
            f"{', '.join(map(repr, contexts))}; rename them in the file or in the scenario"
        )
    model = {}
    for name in pilot.context_names:
        difficulty, reading = (float(v) for v in contexts[name])
        if not (difficulty > 0 and reading >= 0 and math.isfinite(difficulty) and math.isfinite(reading)):
            raise ValueError(f"contexts: {name!r} needs difficulty > 0 and reading seconds >= 0, got ({difficulty}, {reading})")
        model[name] = (difficulty, reading)
    return model


def _context_accuracy(pilot: PilotDataset, data: Annotations, truth_weights: np.ndarray) -> dict[str, float]:
    """Single-rater accuracy (share of labels equal to the truth, expected under posteriors) per context."""
    if pilot.contexts is None:
        return {}
    right = truth_weights[data.items, data.labels]
    known = truth_weights[data.items].sum(axis=1)
    codes = np.asarray(pilot.contexts)
    totals = np.bincount(codes, weights=known, minlength=len(pilot.context_names))
    hits = np.bincount(codes, weights=right, minlength=len(pilot.context_names))
    return {name: float(hits[i] / totals[i]) for i, name in enumerate(pilot.context_names) if totals[i] > 0}


def summary_options(summary: dict[str, Any]) -> dict[str, Any]:
    """The options a stored summary dictionary was computed with (to decide whether it can be reused)."""
    return {
        "ties": summary.get("majority_vote_ties", "first"),
        "numeric": summary.get("numeric", False),
        "question": summary.get("question"),
        "scale": summary.get("scale"),
        "slip_rate": summary.get("slip_rate"),
        "span": summary.get("span"),
        "gold_use": summary.get("gold_use"),
        "n_boot": summary.get("bootstrap_resamples"),
        "level": summary.get("capacity_level"),
        "seed": summary.get("bootstrap_seed"),
    }


def storage_summary(dataset: PilotDataset, *, progress: ProgressCallback | None = None, **options: Any) -> dict[str, Any]:
    """What the database keeps beside a pilot's bytes: its description and one summary per question.

    Parameters
    ----------
    dataset
        The pilot.
    progress
        Passed to :func:`summarize` for each question.
    **options
        Passed to :func:`summarize` (``scale``, ``gold_use``, ``n_boot``, ``seed`` ...).

    Returns
    -------
    dict
        ``{"dataset": dataset.describe(), "summaries": [summary.to_dict(), ...]}``, one summary per
        question (one with ``"question": None`` when the pilot has no question column).
    """
    questions: list[str | None] = list(dataset.question_names) if len(dataset.question_names) > 1 else [None]
    summaries = [summarize(dataset, question=q, progress=progress, **options).to_dict() for q in questions]
    return {"dataset": dataset.describe(), "summaries": summaries}
