"""The scenario: everything a practitioner describes about a labeling campaign.

The schema follows the method's table of inputs (``docs/method.md``, "The
scenario"): a target, contexts of items, questions with their response formats,
the rater pool, the campaign and its cost, and the terms of the bounds. It is a
pydantic v2 model so that every field is validated with a message that names
the field, the value and what is allowed, and so that the JSON shape
(``schema_version``, ``name``, ``notes``, ``tags``, ``target``, ``contexts``,
``questions``, ``raters``, ``campaign``, ``bounds``) is one checked contract.

Scenarios are immutable: edits make a new scenario (:meth:`Scenario.with_changes`),
which keeps undo, comparison and levers simple.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from advisor.errors import ImportFormatError, InputLimitError, ScenarioValidationError
from advisor.files.input_limits import (
    SCENARIO_LIMITS,
    check_scenario_counts,
    json_name,
    load_json,
    non_finite_fields,
    non_finite_message,
    quote,
    read_text_file,
)
from advisor.units import range_end_text

SCHEMA_VERSION = 2
"""Version of the scenario JSON shape. Raise it, and add a step to
:func:`upgrade_scenario_dict`, whenever a field changes meaning or name.

Version 2 added ``target.model_bits``, ``questions[].prior`` and ``questions[].part`` (all
optional, so a version-1 file reads unchanged) and defined herding (ρ) per question."""

FormatKind = Literal["binary", "categorical", "ordinal", "pairwise", "ranking", "multi_select", "free_text", "best_worst",
                     "scale"]
FORMAT_KINDS: tuple[str, ...] = ("binary", "categorical", "ordinal", "pairwise", "ranking", "multi_select", "free_text",
                                 "best_worst", "scale")
CeilingForm = Literal["expectation", "kl", "mcallester", "catoni"]
CEILING_FORMS: tuple[str, ...] = ("expectation", "kl", "mcallester", "catoni")

# Upper limits keep every computation finite and fast; they are far beyond
# what a real interface uses (Miller's 7 ± 2 for absolute judgments).
MAX_CATEGORIES = 50
MAX_RANKED_ITEMS = 10
MAX_MULTI_SELECT = 30
MAX_RATERS = 100
MAX_LOG2_M = 10_000.0
MAX_FREE_TEXT_CHARS = 100_000
MAX_BEST_WORST_ITEMS = 5
"""Largest best–worst tuple (``models.best_worst.MAX_BEST_WORST_ITEMS``: 120 orders, 20 answers)."""
DEFAULT_FREE_TEXT_CHARS = 500
"""Longest free-text answer (``max_chars``) when none is given, characters."""
MAX_SCALE_LEVELS = 101
"""Most levels of a ``scale`` (a 0–100 slider in steps of 1)."""
DEFAULT_SCALE_STEP = 1.0
"""Step of a scale when none is given."""
MAX_DIFFICULTY_CLASSES = 3
"""Most latent item difficulty classes (``raters.difficulty_classes``)."""
MAX_RATER_TYPES = 3
"""Most rater types of a mixed pool (``raters.rater_types``)."""
BIAS_KINDS: tuple[str, ...] = ("binary", "ordinal", "pairwise", "scale", "multi_select")
"""Formats whose ``bias`` (a criterion c) enters the channel; categorical ones take ``option_bias``."""
FORMAT_K_LIMITS: dict[str, tuple[int, int]] = {
    "binary": (2, 2),
    "categorical": (2, MAX_CATEGORIES),
    "ordinal": (2, MAX_CATEGORIES),
    "pairwise": (2, MAX_CATEGORIES),
    "ranking": (2, MAX_RANKED_ITEMS),
    "multi_select": (1, MAX_MULTI_SELECT),
    "best_worst": (2, MAX_BEST_WORST_ITEMS),
}
"""Allowed ``k`` (inclusive range) of each format with alternatives."""


@functools.lru_cache(maxsize=None)
def _takes_numbers(annotation: Any) -> bool:
    """Whether a field's type is a number, or holds numbers (``float | None``, ``tuple[float, ...]``)."""
    if annotation in (int, float):
        return True
    return any(_takes_numbers(argument) for argument in typing.get_args(annotation))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_values(cls, value: Any, info: ValidationInfo) -> Any:
        # Pydantic reads true as 1 and false as 0 for a number. No field of a scenario is a truth
        # value, so one given anywhere is a mistake.
        if isinstance(value, bool) or (isinstance(value, (list, tuple)) and any(isinstance(v, bool) for v in value)):
            numeric = _takes_numbers(cls.model_fields[info.field_name].annotation)
            raise ValueError("must be a number, not true or false" if numeric else "cannot be true or false")
        return value


class ResponseFormat(_Strict):
    """How a rater answers one question.

    ``k`` is the number of alternatives (categorical), levels (ordinal, pairwise
    strength levels: 2 forced choice, 3 with a tie), options (multi-select) or
    items to order (ranking) or in a best–worst tuple (best_worst: the rater
    picks the best and the worst of ``k`` items). Binary always has ``k = 2``. Free text has no
    ``k``; ``max_chars`` caps the answer length. A scale (a slider or rating)
    declares its ``minimum``, ``maximum`` and ``step``; its ``k`` is the number
    of levels they give (2 to :data:`MAX_SCALE_LEVELS`).
    """

    kind: FormatKind = Field(description="response format")
    k: int | None = Field(default=None, description="alternatives, levels, options or items")
    max_chars: int | None = Field(default=None, description="free text: longest answer in characters")
    minimum: float | None = Field(default=None, ge=-1e9, le=1e9, description="scale: the smallest value a rater can give")
    maximum: float | None = Field(default=None, ge=-1e9, le=1e9, description="scale: the largest value a rater can give")
    step: float | None = Field(default=None, gt=0, le=1e9, description="scale: the step between neighbouring values")

    @model_validator(mode="after")
    def _check_k(self) -> "ResponseFormat":
        limits = FORMAT_K_LIMITS
        if self.kind == "scale":
            return self._check_scale()
        if (self.minimum, self.maximum, self.step) != (None, None, None):
            raise ValueError(f"minimum, maximum and step apply to scale only, not to {self.kind}")
        if self.kind == "free_text":
            if self.max_chars is None:
                object.__setattr__(self, "max_chars", DEFAULT_FREE_TEXT_CHARS)
            elif not 1 <= self.max_chars <= MAX_FREE_TEXT_CHARS:
                raise ValueError(f"max_chars must be an integer from 1 to {MAX_FREE_TEXT_CHARS}, got {self.max_chars}")
            if self.k is not None:
                raise ValueError(f"free_text takes no k (got {self.k}); set max_chars instead")
            return self
        if self.max_chars is not None:
            raise ValueError(f"max_chars applies to free_text only, not to {self.kind}")
        low, high = limits[self.kind]
        if self.k is None:
            if self.kind == "binary":
                object.__setattr__(self, "k", 2)
                return self
            raise ValueError(f"{self.kind} needs k, an integer from {low} to {high}")
        if not low <= self.k <= high:
            what = "binary has exactly 2 alternatives" if self.kind == "binary" else f"an integer from {low} to {high}"
            raise ValueError(f"k for {self.kind} must be {what}, got {self.k}")
        return self

    @model_serializer(mode="wrap")
    def _without_an_unused_range(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A format other than a scale is written without the scale's range and step (its JSON is
        as before scales existed)."""
        data = handler(self)
        if self.kind != "scale":
            for key in ("minimum", "maximum", "step"):
                data.pop(key, None)
        return data

    def _check_scale(self) -> "ResponseFormat":
        """A scale's k is its number of levels, derived from the declared range and step (any k
        given is replaced, so that editing the range keeps the format consistent)."""
        if self.max_chars is not None:
            raise ValueError("max_chars applies to free_text only, not to scale")
        if self.minimum is None or self.maximum is None:
            raise ValueError("scale needs minimum and maximum (the declared range of the slider or rating)")
        if self.step is None:
            object.__setattr__(self, "step", DEFAULT_SCALE_STEP)
        if not self.maximum > self.minimum:
            raise ValueError(f"scale maximum must be above its minimum, got {self.minimum:g} to {self.maximum:g}")
        steps = (self.maximum - self.minimum) / self.step
        levels = round(steps) + 1
        if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
            raise ValueError(f"scale step {self.step:g} must divide the range {self.minimum:g} to {self.maximum:g} "
                             "into whole steps")
        if not 2 <= levels <= MAX_SCALE_LEVELS:
            raise ValueError(f"scale from {self.minimum:g} to {self.maximum:g} in steps of {self.step:g} has {levels} "
                             f"levels; a scale has 2 to {MAX_SCALE_LEVELS}")
        object.__setattr__(self, "k", int(levels))
        return self

    @property
    def alternatives(self) -> int:
        """Distinct answers one rater can give (0 for free text: unbounded)."""
        if self.kind == "free_text":
            return 0
        if self.kind == "ranking":
            return math.factorial(self.k or 2)
        if self.kind == "multi_select":
            return 2 ** (self.k or 1)
        if self.kind == "best_worst":
            return int(self.k or 2) * (int(self.k or 2) - 1)
        return int(self.k or 2)

    def label(self) -> str:
        """Short human name, e.g. ``"ordinal(5)"``."""
        if self.kind == "free_text":
            return f"free_text({self.max_chars} chars)"
        if self.kind == "binary":
            return "binary"
        if self.kind == "scale":
            return f"scale({self.minimum:g}–{self.maximum:g} step {self.step:g})"
        return f"{self.kind}({self.k})"


class Target(_Strict):
    """What the feedback must pin down, and how well."""

    log2_m: float = Field(default=8.0, gt=0, le=MAX_LOG2_M, description="value complexity log2 M, bits")
    separation: float = Field(default=1.0, gt=0, le=1, description="loss separation Δ of the codebook")
    target_risk: float = Field(default=0.10, gt=0, lt=1, description="the risk wanted, ε")
    model_bits: float = Field(
        default=1000.0, gt=0, le=1e9,
        description="complexity of the value model the labels must teach, log2 M_g, bits (sets the items needed)",
    )


class Context(_Strict):
    """A stratum of items (e.g. "code", "medical")."""

    name: str = Field(min_length=1, max_length=200, description="context name")
    weight: float = Field(default=1.0, gt=0, le=1e6, description="share of items, normalised over contexts")
    difficulty: float = Field(default=1.0, gt=0, le=10, description="multiplier on rater discriminability")
    reading_words: float = Field(default=0.0, ge=0, le=100_000, description="words a rater reads per item")


class Question(_Strict):
    """One question a rater answers about every item."""

    name: str = Field(min_length=1, max_length=200, description="question name")
    format: ResponseFormat = Field(description="response format")
    time_share: float | None = Field(
        default=None, gt=0, le=1e6,
        description="share of the judgment time (normalised); empty: allocated by water-filling",
    )
    slip_rate: float = Field(default=0.02, ge=0, lt=0.5, description="articulation error rate (mis-click)")
    span: float = Field(default=3.0, gt=0, le=20,
                        description="ordinal/pairwise/ranking/best_worst: scale range in d′ units")
    aspects: int = Field(default=3, ge=1, le=50, description="free text: independent aspects described")
    bits_per_char: float = Field(default=1.0, gt=0, le=8, description="free text: information per character, bits")
    chars_per_second: float = Field(default=3.3, gt=0, le=50, description="free text: typing speed")
    prior: tuple[float, ...] | None = Field(
        default=None,
        description="share of items whose true answer is each of the k answers (normalised); empty: uniform",
    )
    part: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="questions with the same part answer about the same part of the target (e.g. a split "
        "question); their joint information is at most that part's",
    )
    bias: float = Field(
        default=0.0, ge=-5, le=5,
        description="response bias c in noise SDs (binary, multi-select, ordinal, pairwise, scale); "
        "above 0: raters say no, or a lower level, more often",
    )
    option_bias: tuple[float, ...] | None = Field(
        default=None,
        description="categorical: a bias towards each of the k options, noise SDs (only differences matter); "
        "empty: none",
    )

    @model_validator(mode="after")
    def _check_option_bias(self) -> "Question":
        if self.option_bias is None:
            return self
        if self.format.kind != "categorical":
            raise ValueError(f"option_bias applies to categorical questions, not {self.format.kind}; "
                             "other formats take bias")
        if len(self.option_bias) != self.format.k:
            raise ValueError(f"option_bias must have one value per option ({self.format.k}), got {len(self.option_bias)}")
        if any(not math.isfinite(v) or abs(v) > 5 for v in self.option_bias):
            raise ValueError("option_bias values must be finite and in [-5, 5]")
        return self

    @model_validator(mode="after")
    def _check_prior(self) -> "Question":
        if self.prior is None:
            return self
        if self.format.kind not in ("binary", "categorical", "ordinal", "pairwise", "scale"):
            raise ValueError(f"prior applies to binary, categorical, ordinal, pairwise and scale questions, "
                             f"not {self.format.kind}")
        if len(self.prior) != self.format.k:
            raise ValueError(f"prior must have one share per answer ({self.format.k}), got {len(self.prior)}")
        if any(not math.isfinite(v) or v < 0 for v in self.prior) or sum(self.prior) <= 0:
            raise ValueError("prior shares must be finite, non-negative and not all zero")
        total = sum(self.prior)
        object.__setattr__(self, "prior", tuple(v / total for v in self.prior))
        return self


class DifficultyClass(_Strict):
    """A latent class of items: its share and how much harder or easier its items are (the method §9)."""

    weight: float = Field(gt=0, le=1e6, description="share of items in this class (normalised over the classes)")
    multiplier: float = Field(
        ge=-5, le=10,
        description="multiplier on the raters' d′ for items of this class (below 0: the item looks like another answer)",
    )


class RaterType(_Strict):
    """One type of rater in a mixed pool (the method §9)."""

    weight: float = Field(gt=0, le=1e6, description="share of labels given by raters of this type (normalised)")
    dprime_multiplier: float = Field(default=1.0, ge=0, le=10, description="multiplier on λ (the type's d′ relative to λ)")
    bias: float = Field(default=0.0, ge=-5, le=5, description="shift of every question's criterion c for this type")


class Raters(_Strict):
    """The rater pool."""

    per_item: int = Field(default=3, ge=1, le=MAX_RATERS, description="raters per item r")
    correlation: float = Field(
        default=0.1, ge=0, lt=1,
        description="ρ: share of items whose raters copy one answer, drawn independently for each question",
    )
    discriminability: float = Field(default=2.0, gt=0, le=20, description="λ: asymptotic d′ with unlimited time")
    accrual_rate: float = Field(default=0.15, gt=0, le=100, description="β: 1/s, speed of evidence accrual")
    base_time: float = Field(default=1.5, ge=0, le=3600, description="δ₀: seconds before information accrues")
    reading_wpm: float = Field(default=238.0, gt=0, le=2000, description="reading speed, words per minute")
    difficulty_classes: tuple[DifficultyClass, ...] = Field(
        default=(), max_length=MAX_DIFFICULTY_CLASSES,
        description="latent item difficulty: up to 3 classes of items unknown to the decoder, drawn independently "
        "for each question; empty: every item equally hard",
    )
    rater_types: tuple[RaterType, ...] = Field(
        default=(), max_length=MAX_RATER_TYPES,
        description="a mixed pool: up to 3 rater types, each label's type drawn at random and known to the decoder; "
        "empty: one type",
    )

    @property
    def difficulty_mixture(self) -> tuple[tuple[float, float], ...]:
        """``(w_h, a_h)`` per difficulty class, shares normalised; one class (1, 1) when none is set."""
        if not self.difficulty_classes:
            return ((1.0, 1.0),)
        total = sum(c.weight for c in self.difficulty_classes)
        return tuple((c.weight / total, c.multiplier) for c in self.difficulty_classes)

    @property
    def type_mixture(self) -> tuple[tuple[float, float, float], ...]:
        """``(v_t, m_t, s_t)`` per rater type, shares normalised; one type (1, 1, 0) when none is set."""
        if not self.rater_types:
            return ((1.0, 1.0, 0.0),)
        total = sum(t.weight for t in self.rater_types)
        return tuple((t.weight / total, t.dprime_multiplier, t.bias) for t in self.rater_types)


class Campaign(_Strict):
    """Size, time and money of the campaign."""

    items: int = Field(default=10_000, ge=1, le=10**12, description="labelled items m")
    seconds_per_item: float = Field(default=30.0, gt=0, le=86_400, description="time per rater per item T, s")
    wage_per_hour: float = Field(default=15.0, ge=0, le=10_000, description="rater wage per hour")
    platform_fee: float = Field(default=0.2, ge=0, le=10, description="platform fee as a share of wages")
    currency: str = Field(default="USD", min_length=1, max_length=8, description="currency code")
    budget_cap: float | None = Field(default=None, gt=0, description="optimiser: most money to spend")
    deadline_hours: float | None = Field(default=None, gt=0, description="optimiser: wall-clock hours available")
    raters_available: int | None = Field(default=None, ge=1, description="optimiser: raters working in parallel")


class Bounds(_Strict):
    """Terms of the risk ceiling."""

    delta: float = Field(default=0.05, gt=0, lt=1, description="δ: failure probability of the PAC-Bayes bound")
    eta: float = Field(default=0.05, gt=0, lt=1, description="η: Markov term on the expected KL")
    observed_risk: float = Field(default=0.0, ge=0, lt=1, description="R̂: the learner's observed risk")
    residual_nats: float = Field(default=0.0, ge=0, le=1e12, description="ρ_res: information on rater noise, nats")
    context_nats: float = Field(default=0.0, ge=0, le=1e12, description="I_ctx: information on contexts, nats")
    ceiling_form: CeilingForm = Field(default="expectation", description="which ceiling to report")
    catoni_lambda: float = Field(default=1.0, gt=0, le=1e6, description="Catoni's λ")

    @model_validator(mode="after")
    def _check_confidence(self) -> "Bounds":
        if self.delta + self.eta >= 1:
            raise ValueError(f"delta + eta must be below 1 (the bound holds with probability 1 − δ − η), got {self.delta + self.eta:g}")
        return self


OverlapMode = Literal["fixed", "adaptive", "partial"]
OVERLAP_MODES: tuple[str, ...] = ("fixed", "adaptive", "partial")
StopRule = Literal["agreement", "posterior"]
STOP_RULES: tuple[str, ...] = ("agreement", "posterior")
ADAPTIVE_MAX_OUTCOMES = 20_000
"""Most vote histograms (all panel sizes together) of the question an adaptive design watches:
its stopped channel is decoded exactly (``models.decoding.DECODING_MAX_OUTCOMES``)."""
ADAPTIVE_KINDS: tuple[str, ...] = ("binary", "categorical", "ordinal", "pairwise", "ranking", "best_worst")
"""Formats whose votes an adaptive design can watch (one answer per rater from a finite alphabet)."""


def adaptive_outcomes(watched: ResponseFormat, start: int, max_raters: int) -> int:
    """Vote histograms of an adaptive design's watched question, all panel sizes from ``start`` to
    ``max(start, max_raters)`` together (:func:`models.overlap.adaptive_outcome_count`): a scenario
    holds at most :data:`ADAPTIVE_MAX_OUTCOMES`, and a curve over raters stops where its designs
    would pass it."""
    # Imported here: the models package loads scipy, and reading a scenario (every command,
    # the window's start) should not pay for it unless the scenario is adaptive.
    from models.overlap import adaptive_outcome_count

    return adaptive_outcome_count(watched.alternatives, start, max(start, max_raters))


def adaptive_fits(scenario: "Scenario", raters: int) -> bool:
    """Whether ``scenario`` with ``raters`` per item is a design a scenario may hold: always for a
    fixed or partial overlap; for an adaptive one, while its watched question's vote histograms stay
    within :data:`ADAPTIVE_MAX_OUTCOMES` (curves, solve-for and the budget split stay among these)."""
    if scenario.overlap.mode != "adaptive" or scenario.questions[0].format.kind not in ADAPTIVE_KINDS:
        return True
    return adaptive_outcomes(scenario.questions[0].format, raters, scenario.overlap.max_raters) <= ADAPTIVE_MAX_OUTCOMES


def rater_range(scenario: "Scenario", high: int = MAX_RATERS) -> tuple[int, int]:
    """The raters per item a search over them may try: the unbroken run of counts around the
    scenario's own for which :func:`adaptive_fits` holds, within ``1 … high`` (``1, high`` for a
    fixed or partial overlap). An adaptive design may fit only from some count up (starting with
    fewer raters of many answers it may grow through more histograms) and only up to some count;
    the run is empty (``low > high``) when ``high`` is below its start."""
    own = scenario.raters.per_item
    low, top = own, own
    while low > 1 and adaptive_fits(scenario, low - 1):
        low -= 1
    while top < high and adaptive_fits(scenario, top + 1):
        top += 1
    return low, min(top, high)


class Overlap(_Strict):
    """How many raters each item gets: a fixed number (``raters.per_item``), adaptively more
    until the votes are decisive, or more for a share of the items."""

    mode: OverlapMode = Field(default="fixed", description="fixed, adaptive or partial overlap")
    max_raters: int = Field(default=5, ge=1, le=MAX_RATERS,
                            description="adaptive: most raters an item can get, r_max (at most the raters per item: "
                            "none is added)")
    stop_rule: StopRule = Field(default="agreement",
                                description="adaptive: decisive when the top answer's share (agreement) or the "
                                "posterior's largest value (posterior) reaches the threshold")
    stop_threshold: float = Field(default=0.6, gt=0, le=1,
                                  description="adaptive: share or posterior probability that stops adding raters")
    extra_share: float = Field(default=0.1, ge=0, le=1, description="partial: share f of items with the other count")
    extra_raters: int = Field(default=5, ge=1, le=MAX_RATERS, description="partial: raters r₂ of that share")


class Gold(_Strict):
    """Gold questions: items with known answers mixed into the tasks to calibrate and check raters."""

    share: float = Field(default=0.0, ge=0, le=0.5,
                         description="share g of the tasks that are gold items (the data items are the rest)")
    authoring_cost: float = Field(default=0.0, ge=0, le=1e6, description="cost of writing one gold item's answer")
    pool_size: int | None = Field(default=None, ge=1, le=10**7,
                                  description="raters sharing the work (per-rater gold labels); empty: raters available")
    false_flag_rate: float = Field(default=0.05, gt=0, lt=0.5,
                                   description="spam check: most genuine raters flagged, α")


class Provenance(_Strict):
    """A record of where some of the scenario's numbers came from."""

    source: str = Field(min_length=1, max_length=500, description="file, dataset or tool the numbers came from")
    method: str = Field(min_length=1, max_length=200, description="how they were derived (e.g. dawid_skene)")
    fields: tuple[str, ...] = Field(default=(), description="dotted paths of the fields it set")
    detail: str = Field(default="", max_length=5000, description="numbers and caveats, in words")
    created: str = Field(default="", max_length=40, description="ISO 8601 time")


NUMBER_FREE_FIELDS = frozenset({"schema_version", "name", "notes", "tags", "provenance"})
"""Top-level scenario fields no computation reads: editing them changes no number."""


class Scenario(_Strict):
    """A complete description of a labeling campaign (see the module docstring)."""

    schema_version: int = Field(default=SCHEMA_VERSION, description="version of this JSON shape")
    name: str = Field(min_length=1, max_length=200, description="scenario name")
    notes: str = Field(default="", max_length=20_000, description="free notes, e.g. where the numbers come from")
    tags: tuple[str, ...] = Field(default=(), description="labels for search")
    target: Target = Field(default_factory=Target)
    contexts: tuple[Context, ...] = Field(default=(Context(name="all items"),), min_length=1, max_length=50)
    questions: tuple[Question, ...] = Field(min_length=1, max_length=50)
    raters: Raters = Field(default_factory=Raters)
    campaign: Campaign = Field(default_factory=Campaign)
    bounds: Bounds = Field(default_factory=Bounds)
    overlap: Overlap = Field(default_factory=Overlap)
    gold: Gold = Field(default_factory=Gold)
    provenance: tuple[Provenance, ...] = Field(default=(), description="where calibrated or imported numbers came from")

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"schema_version must be {SCHEMA_VERSION} after upgrade, got {value}")
        return value

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be blank")
        return value.strip()

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned: list[str] = []
        for tag in value:
            tag = tag.strip()
            if not tag:
                continue
            if len(tag) > 50:
                raise ValueError(f"a tag must have at most 50 characters, got {len(tag)}")
            if tag not in cleaned:
                cleaned.append(tag)
        return tuple(cleaned)

    @model_validator(mode="after")
    def _unique_names(self) -> "Scenario":
        for group in ("contexts", "questions"):
            names = [part.name for part in getattr(self, group)]
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                raise ValueError(f"{group} names must be unique, repeated: {', '.join(duplicates)}")
        fixed = [q.time_share for q in self.questions if q.time_share is not None]
        if fixed and len(fixed) < len(self.questions) and sum(fixed) >= 1:
            raise ValueError(
                "questions: when some time shares are automatic, the fixed ones are fractions of the "
                f"judgment time and must sum to less than 1, got {sum(fixed):g}"
            )
        return self

    @model_validator(mode="after")
    def _check_overlap(self) -> "Scenario":
        overlap, start = self.overlap, self.raters.per_item
        if overlap.mode != "adaptive":
            return self
        watched = self.questions[0].format
        if watched.kind not in ADAPTIVE_KINDS:
            raise ValueError(f"adaptive overlap watches the first question's votes; {watched.label()} has no single "
                             f"answer per rater (use {', '.join(ADAPTIVE_KINDS)})")
        count = adaptive_outcomes(watched, start, overlap.max_raters)
        if count > ADAPTIVE_MAX_OUTCOMES:
            raise ValueError(f"adaptive overlap: {start} to {max(start, overlap.max_raters)} raters on {watched.label()} give "
                             f"{count:,} vote histograms, more than {ADAPTIVE_MAX_OUTCOMES:,}; allow fewer raters or "
                             "watch a question with fewer answers")
        return self

    # ------------------------------------------------------------------ helpers
    @property
    def context_weights(self) -> tuple[float, ...]:
        """Context weights normalised to sum to one."""
        total = sum(c.weight for c in self.contexts)
        return tuple(c.weight / total for c in self.contexts)

    @property
    def fixed_time_shares(self) -> bool:
        """True when every question has a fixed share (no water-filling)."""
        return all(q.time_share is not None for q in self.questions)

    def with_changes(self, changes: dict[str, Any]) -> "Scenario":
        """A validated copy with dotted-path changes applied.

        Parameters
        ----------
        changes
            ``{"raters.per_item": 4, "questions.0.format.k": 5, "name": "x"}``.
            Paths follow the JSON; list entries are addressed by index.

        Raises
        ------
        ScenarioValidationError
            When the result is not a valid scenario; nothing is changed.
        """
        data = self.to_dict()
        for path, value in changes.items():
            set_path(data, path, value)
        return scenario_from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (tuples become lists)."""
        return json.loads(self.model_dump_json())

    def to_json(self, *, indent: int | None = 2) -> str:
        """The scenario as JSON text, keys in schema order."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON (sorted keys, no spaces): equal iff equal content."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def same_numbers(self, other: Scenario) -> bool:
        """Whether ``other`` gives the same numbers: it differs at most in
        :data:`NUMBER_FREE_FIELDS` (name, notes, tags, provenance), which no
        computation reads. Views use it to skip recomputing on such edits."""
        return all(getattr(self, name) == getattr(other, name)
                   for name in type(self).model_fields if name not in NUMBER_FREE_FIELDS)


# ---------------------------------------------------------------------- paths
def get_path(data: Any, path: str) -> Any:
    """Read a dotted path (``"questions.0.format.k"``) from nested dicts and lists, or from a
    scenario's models and tuples (``get_path(scenario, "raters.per_item")``)."""
    node = data
    for part in path.split("."):
        if isinstance(node, (list, tuple)):
            node = node[int(part)]
        elif isinstance(node, BaseModel):
            node = getattr(node, part)
        else:
            node = node[part]
    return node


def set_path(data: Any, path: str, value: Any) -> None:
    """Write a dotted path into nested dicts and lists, in place.

    Raises
    ------
    ScenarioValidationError
        When the path does not exist in the scenario's shape.
    """
    parts = path.split(".")
    node = data
    try:
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            if not isinstance(node, dict):
                raise KeyError(last)
            node[last] = value
    except (KeyError, IndexError, ValueError, TypeError):
        raise ScenarioValidationError(f"{path}: no such field in a scenario", [(path, "no such field")]) from None


# ---------------------------------------------------------------- conversion
_BOUND_WORDS = {"greater_than": ("gt", "more than"), "greater_than_equal": ("ge", "at least"),
                "less_than": ("lt", "less than"), "less_than_equal": ("le", "at most")}
"""Pydantic's range errors, as this application words them ("must be more than 0")."""


def _limit_text(limit: float) -> str:
    """A range's end as the form's hints write it (``10¹²`` rather than ``1e+12``; ``10,000``)."""
    return range_end_text(limit)


def _finite_input(value: Any) -> bool:
    """False for an input that reads as NaN or an infinity (a float, or text such as ``"nan"``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return True
    try:
        return math.isfinite(float(value))
    except (ValueError, OverflowError):
        return True


def _describe_error(error: dict[str, Any]) -> tuple[str, str]:
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    bound = _BOUND_WORDS.get(error.get("type", ""))
    if bound is not None and bound[0] in (error.get("ctx") or {}):
        limit = error["ctx"][bound[0]]
        message = f"must be {bound[1]} {_limit_text(limit)}" if isinstance(limit, (int, float)) else message
        if not _finite_input(error.get("input")):
            # "nan" or "-1e999" typed or read: no bound describes it.
            return location or "scenario", f"{quote(error['input'])} is not a number; give a finite value"
    if "input" in error and error.get("type") not in ("missing", "value_error") and not isinstance(error["input"], (dict, list)):
        message = f"{message}, got {quote(error['input'])}"
    if error.get("type") == "extra_forbidden":
        message = "unknown field (check the spelling)"
    return location or "scenario", message


def validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into ``(field path, message)`` pairs.

    A list whose entry failed is also reported by pydantic as "too short";
    that echo is dropped so each problem is named once.
    """
    problems = [_describe_error(e) for e in error.errors()]
    failed_lists = {field.split(".")[0] for field, _ in problems if field.count(".") >= 2}
    return [
        (field, message)
        for field, message in problems
        if not (field in failed_lists and "at least 1 item" in message)
    ]


def upgrade_scenario_dict(data: dict[str, Any]) -> dict[str, Any]:
    """Bring older JSON shapes up to :data:`SCHEMA_VERSION` (a copy).

    A missing ``schema_version`` is read as the current one, so hand-written
    files stay short.
    """
    data = dict(data)
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version < 1 or version > SCHEMA_VERSION:
        raise ScenarioValidationError(
            f"schema_version: this app reads versions 1 to {SCHEMA_VERSION}, got {quote(version)}",
            [("schema_version", f"must be 1 to {SCHEMA_VERSION}")],
        )
    data["schema_version"] = SCHEMA_VERSION
    return data


def scenario_from_dict(data: Any) -> Scenario:
    """Validate data into a :class:`Scenario`.

    Raises
    ------
    ScenarioValidationError
        With one ``(field, message)`` pair per problem.
    """
    if not isinstance(data, dict):
        raise ScenarioValidationError(
            f"scenario: expected a JSON object, got {type(data).__name__}", [("scenario", "expected an object")]
        )
    data = upgrade_scenario_dict(data)
    try:
        check_scenario_counts(data)
    except InputLimitError as error:
        raise ScenarioValidationError(str(error), [(error.field, str(error))]) from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems = validation_problems(error)
        message = "; ".join(f"{field}: {msg}" for field, msg in problems)
        raise ScenarioValidationError(message, problems) from None
    # pydantic reads "inf", "Infinity" and 1e400 as valid floats; no number of a scenario may be infinite.
    bad = [(field, non_finite_message(field, json_name(value), optional=optional))
           for field, value, optional in non_finite_fields(scenario)]
    if bad:
        raise ScenarioValidationError("; ".join(message for _, message in bad), bad)
    return scenario


def scenario_from_json(text: str | bytes) -> Scenario:
    """Parse and validate scenario JSON text, within :data:`advisor.files.input_limits.SCENARIO_LIMITS`.

    Raises
    ------
    ImportFormatError
        For text that is not JSON, or beyond a limit (size, nesting, string
        length, a number that is ``NaN``, ``Infinity`` or too large).
    ScenarioValidationError
        For JSON that is not a valid scenario.
    """
    return scenario_from_dict(load_json(text, source="", limits=SCENARIO_LIMITS))


def load_scenario_file(path: str | Path) -> Scenario:
    """Read a scenario from a JSON file."""
    path = Path(path)
    # Size and file type are checked before reading: a FIFO would block, a huge file fill memory.
    text = read_text_file(path, limits=SCENARIO_LIMITS)
    try:
        return scenario_from_json(text)
    except (ImportFormatError, ScenarioValidationError) as error:
        raise type(error)(f"{path}: {error}", *([error.problems] if isinstance(error, ScenarioValidationError) else [])) from None


def save_scenario_file(scenario: Scenario, path: str | Path, *, database_path: str | Path | None = None) -> Path:
    """Write a scenario as JSON, atomically (a crash leaves the old file).

    Parameters
    ----------
    scenario
        What to write.
    path
        The file; an existing regular file is replaced.
    database_path
        The open SQLite database, which (with its sidecars and backups) is
        never written; see :func:`advisor.files.output_paths.check_output_path`.

    Returns
    -------
    Path
        The absolute path written.

    Raises
    ------
    advisor.errors.OutputPathError
        For the database, a symbolic link, FIFO, device or folder, a missing
        folder, or a failed write; nothing is changed then.
    """
    from advisor.files.output_paths import write_output_atomically

    return write_output_atomically(path, scenario.to_json() + "\n", database_path=database_path)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Annotation Advisor scenario"
    return schema


def examples_dir() -> Path:
    """Folder of the example scenarios shipped with the app."""
    return Path(__file__).resolve().parents[2] / "resources" / "scenarios"


def example_files() -> list[tuple[Path, Scenario]]:
    """The shipped examples with their files, in the files' order.

    Each file is read and validated once per process while it is unchanged (same size and
    modification time): the examples seed every new database and are listed by the window, the
    command line and the previews, and a scenario is immutable, so the same object can be handed
    out again."""
    found = []
    for path in sorted(examples_dir().glob("*.json")):
        status = path.stat()
        found.append((path, _example_file(str(path), status.st_mtime_ns, status.st_size)))
    return found


@functools.lru_cache(maxsize=64)
def _example_file(path: str, _mtime_ns: int, _size: int) -> Scenario:
    return load_scenario_file(path)


def example_scenarios() -> list[Scenario]:
    """The shipped examples, sorted by name."""
    return sorted((scenario for _, scenario in example_files()), key=lambda s: s.name)
