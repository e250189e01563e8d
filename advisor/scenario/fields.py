"""What each scenario field means, in what unit and over which range.

Labels, units and explanations for the editor's fields, table headers, hints
and tooltips. The range, the allowed length of a text and the one-line
description come from the pydantic schema itself (:mod:`advisor.scenario.schema`),
so they cannot drift from what validation accepts; the longer explanation
follows the method's table of inputs (MODEL.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from pydantic import BaseModel

from advisor.scenario.schema import (
    Bounds,
    Campaign,
    Context,
    DifficultyClass,
    Gold,
    Overlap,
    Question,
    Raters,
    RaterType,
    ResponseFormat,
    Scenario,
    Target,
)
from advisor.units import range_end_text

_MODELS: dict[str, type[BaseModel]] = {
    "target": Target,
    "raters": Raters,
    "campaign": Campaign,
    "bounds": Bounds,
    "contexts": Context,
    "questions": Question,
    "overlap": Overlap,
    "gold": Gold,
}
_LIST_MODELS: dict[tuple[str, str], type[BaseModel]] = {
    ("raters", "difficulty_classes"): DifficultyClass,
    ("raters", "rater_types"): RaterType,
}
"""Lists of models inside a group, whose entries' fields have paths ``group.list.*.field``."""


@dataclass(frozen=True)
class FieldHelp:
    """Presentation of one scenario field.

    Attributes
    ----------
    path
        Dotted path with ``*`` for list indices (``"questions.*.slip_rate"``).
    label
        Short label for the form or a table header.
    unit
        Unit shown beside the value ("s", "bits", "" for pure numbers).
    explanation
        What the field means and how it enters the model, in a sentence or two.
    """

    path: str
    label: str
    unit: str
    explanation: str

    @property
    def schema_description(self) -> str:
        """The schema's one-line description of the field."""
        info = _field_info(self.path)
        return (info.description or "") if info is not None else ""

    @property
    def range_text(self) -> str:
        """The allowed range in interval notation, e.g. ``"(0, 1]"`` or ``"≥ 1"``."""
        return range_text(self.path)

    def hint(self, unit: str | None = None) -> str:
        """Unit and range as the form shows them beside an input, e.g. ``"s, (0, 86 400]"``.

        Parameters
        ----------
        unit
            Shown instead of the field's own unit (a currency, or the bits or
            nats the user chose); None shows the field's unit.
        """
        shown = self.unit if unit is None else unit
        return ", ".join(part for part in (shown, self.range_text) if part)

    def tooltip(self) -> str:
        """Rich-text tooltip: label, unit and range, the schema's description,
        then the longer explanation."""
        head = f"<b>{escape(self.label)}</b>"
        details = []
        if self.unit:
            details.append(f"unit: {escape(self.unit)}")
        if self.range_text:
            details.append(f"range: {escape(self.range_text)}")
        if details:
            head += f" <span style='color:#555'>({'; '.join(details)})</span>"
        body = escape(self.schema_description)
        if body and not body.endswith("."):
            body += "."
        return f"<p style='white-space:pre-wrap'>{head}<br>{body} {escape(self.explanation)}</p>"


def _field_info(path: str):
    parts = path.split(".")
    if len(parts) == 1:
        return Scenario.model_fields.get(parts[0])
    listed = _LIST_MODELS.get((parts[0], parts[1])) if len(parts) > 3 else None
    model = listed or (ResponseFormat if "format" in parts[:-1] else _MODELS.get(parts[0]))
    if model is None:
        return None
    return model.model_fields.get(parts[-1])


def _fmt(value: float) -> str:
    return range_end_text(value, separator=" ")


@dataclass(frozen=True)
class _Interval:
    """A field's range as the schema's constraints give it (None: open-ended)."""

    low: float | None = None
    low_open: bool = False
    high: float | None = None
    high_open: bool = False


def _interval(path: str) -> _Interval:
    info = _field_info(path)
    if info is None:
        return _Interval()
    low = high = None
    low_open = high_open = False
    for constraint in info.metadata:
        for attribute, is_low, is_open in (("gt", True, True), ("ge", True, False),
                                           ("lt", False, True), ("le", False, False)):
            value = getattr(constraint, attribute, None)
            if value is None:
                continue
            if is_low:
                low, low_open = value, is_open
            else:
                high, high_open = value, is_open
    return _Interval(low, low_open, high, high_open)


def range_text(path: str) -> str:
    """The schema's range of a field as an interval (``""`` when unbounded), e.g. ``"(0, 1]"`` or ``"≥ 1"``."""
    # models.errors writes the same intervals into its messages, with >= and <= where the window
    # shows ≥ and ≤. Imported here, not at the top: the command line imports this module and loads
    # the numerics only for the commands that compute, and only the window asks for ranges.
    from models.errors import interval_text

    interval = _interval(path)
    return interval_text(interval.low, interval.high, interval.low_open, interval.high_open,
                         number=_fmt, at_least="≥", at_most="≤")


def count_range_text(path: str) -> str:
    """The range of a field in bits read as the count it is the logarithm of: ``"(1, 2^10 000]"`` for
    log₂ M in (0, 10 000] (the form's "M" entry)."""
    from models.errors import interval_text  # at the call, as in range_text

    interval = _interval(path)
    return interval_text(interval.low, interval.high, interval.low_open, interval.high_open,
                         number=lambda bits: "1" if bits == 0 else f"2^{_fmt(bits)}", at_least="≥", at_most="≤")


def bounds_of(path: str) -> tuple[float | None, float | None]:
    """The schema's closed hull ``(low, high)`` of a field's range (None: open-ended).

    Spin boxes use the hull so that an excluded end point (0 for ``gt=0``) can
    still be typed and is then rejected by validation with its message.
    """
    interval = _interval(path)
    return interval.low, interval.high


def length_text(path: str) -> str:
    """The schema's allowed length of a text field, e.g. ``"1–8 characters"`` (``""`` when unlimited)."""
    info = _field_info(path)
    shortest = longest = None
    for constraint in info.metadata if info is not None else ():
        shortest = getattr(constraint, "min_length", shortest)
        longest = getattr(constraint, "max_length", longest)
    if longest is None:
        return f"at least {_fmt(shortest)} characters" if shortest else ""
    if not shortest:
        return f"at most {_fmt(longest)} characters"
    return f"{_fmt(shortest)}–{_fmt(longest)} characters"


FIELDS: dict[str, FieldHelp] = {
    help_.path: help_
    for help_ in (
        FieldHelp("name", "Name", "", "Shown in the library, reports and comparisons; unique in the database."),
        FieldHelp("tags", "Tags", "", "Comma-separated labels for search and filtering in the library."),
        FieldHelp("notes", "Notes", "", "Where the numbers come from, assumptions, decisions."),
        FieldHelp("target.log2_m", "Target complexity log₂ M", "bits",
                  "The value complexity: the intended value is one of M equally likely hypotheses, so pinning it "
                  "down takes log₂ M bits. Switch to M to enter the number of hypotheses instead."),
        FieldHelp("target.separation", "Loss separation Δ", "",
                  "Loss between distinct hypotheses of the codebook: risk = Δ · probability of error. Default 1."),
        FieldHelp("target.target_risk", "Target risk ε", "",
                  "The risk you want the learner to reach. The floor must be at or below it for any number of "
                  "labels to suffice. Default 0.10."),
        FieldHelp("contexts.*.name", "Context", "", "A stratum of items, e.g. “code” or “medical”. At least one."),
        FieldHelp("contexts.*.weight", "Weight", "",
                  "Share of items in this context; weights are normalised over the contexts."),
        FieldHelp("contexts.*.difficulty", "Difficulty ×", "",
                  "Multiplier on the raters' discriminability λ in this context (below 1: harder items)."),
        FieldHelp("contexts.*.reading_words", "Reading", "words",
                  "Words a rater must read per item here; reading time is taken from the judgment time."),
        FieldHelp("questions.*.name", "Question", "", "What a rater answers about every item. At least one."),
        FieldHelp("questions.*.format.kind", "Format", "",
                  "Response format: binary, categorical(k), ordinal(k) (Likert), pairwise (A vs B), "
                  "ranking(n), multi_select(k), free_text(max chars), best_worst(n) (best–worst scaling: pick "
                  "the best and the worst of n items) or scale (a slider or rating over a declared numeric "
                  "range, up to 101 levels)."),
        FieldHelp("questions.*.format.k", "k / chars", "",
                  "Alternatives (categorical), levels (ordinal; pairwise: 2 forced choice, 3 with a tie), items "
                  "to order (ranking, 2–10), options (multi-select) or items per tuple (best–worst, 2–5; 4 is "
                  "usual). Free text: the longest answer in characters."),
        FieldHelp("questions.*.time_share", "Time share", "",
                  "Share of the per-item judgment time spent on this question. Automatic: allocated by "
                  "water-filling to maximise the total capacity."),
        FieldHelp("questions.*.slip_rate", "Slip rate", "",
                  "Articulation error: the chance that the answer given is not the one meant (mis-click, "
                  "mis-entry). Default 0.02."),
        FieldHelp("questions.*.span", "Span", "d′",
                  "Ordinal, pairwise, ranking and best–worst: the ends of the scale are this many clear "
                  "distinctions apart. "
                  "Default 3."),
        FieldHelp("questions.*.aspects", "Aspects", "",
                  "Free text: independent aspects a rater describes (a Gaussian channel each). Default 3."),
        FieldHelp("questions.*.bits_per_char", "Bits/char", "bits",
                  "Free text: information per typed character (Shannon 1951: about 1 bit). Default 1."),
        FieldHelp("questions.*.chars_per_second", "Chars/s", "1/s",
                  "Free text: typing speed (3.3 chars/s ≈ 40 words per minute)."),
        FieldHelp("questions.*.format.minimum", "Scale min", "",
                  "Scale: the smallest value of the slider or rating (e.g. 0 of a 0–100 slider)."),
        FieldHelp("questions.*.format.maximum", "Scale max", "",
                  "Scale: the largest value of the slider or rating (e.g. 100)."),
        FieldHelp("questions.*.format.step", "Scale step", "",
                  "Scale: the step between neighbouring values; (max − min)/step + 1 levels, at most 101. "
                  "The levels are a Thurstonian scale like ordinal(k): latent N(d′·position, 1), equally spaced "
                  "thresholds, slips to a neighbouring level. Default 1."),
        FieldHelp("questions.*.bias", "Bias c", "SD",
                  "Response bias (signal detection's criterion c, Green & Swets 1966), in noise SDs: binary and "
                  "multi-select answers P(yes | x) = Φ(±d′/√2 − c); ordinal, pairwise and scale thresholds all "
                  "shifted by c. Above 0 raters say “no” (or a lower level) more often; more raters then confirm "
                  "the lean instead of averaging it out. A pilot sets it. Default 0."),
        FieldHelp("questions.*.option_bias", "Option bias", "SD",
                  "Categorical: a bias towards each option, comma-separated, one per option, in noise SDs: the "
                  "rater picks the largest of N(d′·[option is true] + b_option, 1). Only differences matter. Empty: "
                  "no bias. A pilot sets it."),
        FieldHelp("questions.*.prior", "Prior", "",
                  "Share of items whose true answer is each of the k answers, comma-separated (normalised); empty: "
                  "uniform. Enters the achievable error (MAP decoding) and the prior-aware floor; a pilot sets it "
                  "from gold."),
        FieldHelp("raters.per_item", "Raters per item r", "",
                  "Independent raters who label each item; their votes are pooled (exact vote-count channel)."),
        FieldHelp("raters.correlation", "Correlation ρ", "",
                  "Probability that, on one question, an item's raters share one draw (herding, shared bias); "
                  "independent across questions. Default 0.1."),
        FieldHelp("raters.discriminability", "Discriminability λ", "d′",
                  "Asymptotic d′ of a rater with unlimited time. Default 2.0."),
        FieldHelp("raters.accrual_rate", "Accrual rate β", "1/s",
                  "Speed of evidence accrual in the speed–accuracy curve d′(t) = λ(1 − e^(−β(t − δ₀))). "
                  "Default 0.15."),
        FieldHelp("raters.base_time", "Base time δ₀", "s",
                  "Seconds before any information accrues (orientation, motor). Default 1.5."),
        FieldHelp("raters.reading_wpm", "Reading speed", "words/min",
                  "Silent reading rate (Brysbaert 2019: 238 words per minute for non-fiction)."),
        FieldHelp("raters.difficulty_classes", "Item difficulty classes", "",
                  "Latent item difficulty: up to 3 classes of items, each a share of the items and a multiplier on "
                  "d′, unknown to the decoder and shared by all raters of an item (drawn independently for each "
                  "question). Hard items make raters agree on the wrong answer, so more raters buy less than for "
                  "equally hard items. Empty: every item equally hard. ρ is the special case of a class whose "
                  "raters copy one answer. A pilot sets them (EM on its vote histograms)."),
        FieldHelp("raters.difficulty_classes.*.weight", "Share", "",
                  "Share of items in this class; shares are normalised over the classes."),
        FieldHelp("raters.difficulty_classes.*.multiplier", "d′ ×", "",
                  "Multiplier on every rater's d′ for items of this class: above 1 easy, below 1 hard, below 0 "
                  "misleading (the item looks like another answer)."),
        FieldHelp("raters.rater_types", "Rater types", "",
                  "A mixed pool: up to 3 types of raters, each label given by a type drawn at random with its "
                  "share. The decoder knows who gave each label (as Dawid–Skene does), so the capacity and the "
                  "achievable error use the per-type vote counts. Empty: one type. A pilot sets them (raters "
                  "clustered by accuracy)."),
        FieldHelp("raters.rater_types.*.weight", "Share", "",
                  "Share of the labels given by raters of this type; shares are normalised over the types."),
        FieldHelp("raters.rater_types.*.dprime_multiplier", "d′ ×", "",
                  "This type's discriminability relative to λ (λ is the d′ of a type with multiplier 1)."),
        FieldHelp("raters.rater_types.*.bias", "Bias shift", "SD",
                  "Added to every question's criterion c for raters of this type (not to categorical option "
                  "biases)."),
        FieldHelp("campaign.items", "Items m", "items", "Labelled items in the campaign."),
        FieldHelp("campaign.seconds_per_item", "Time per item T", "s",
                  "Time budget per rater per item, reading included."),
        FieldHelp("campaign.wage_per_hour", "Wage", "per hour", "Rater wage per hour, in the campaign's currency."),
        FieldHelp("campaign.platform_fee", "Platform fee", "× wages",
                  "Fee as a share of wages: cost = m · r · T/3600 · wage · (1 + fee)."),
        FieldHelp("campaign.currency", "Currency", "", "Currency code for costs, e.g. USD or EUR."),
        FieldHelp("campaign.budget_cap", "Budget cap", "",
                  "Optional: the most money the optimiser may spend (unchecked: no cap)."),
        FieldHelp("campaign.deadline_hours", "Deadline", "h",
                  "Optional: wall-clock hours available to the optimiser's designs."),
        FieldHelp("campaign.raters_available", "Raters available", "",
                  "Optional: raters working in parallel (with the deadline, bounds the work per hour)."),
        FieldHelp("bounds.ceiling_form", "Ceiling form", "",
                  "expectation: Xu & Raginsky's bound on the expected risk (default); kl (Seeger–Maurer), "
                  "mcallester, catoni: PAC-Bayes bounds holding with probability ≥ 1 − δ − η."),
        FieldHelp("bounds.delta", "Confidence δ", "", "Failure probability of the PAC-Bayes bound. Default 0.05."),
        FieldHelp("bounds.eta", "Markov term η", "",
                  "Markov's inequality on the expected KL budget: B = (m·C̄ + ρ_res + I_ctx)/η. Default 0.05."),
        FieldHelp("bounds.observed_risk", "Observed risk R̂", "",
                  "The learner's observed risk under the canonical observable loss. Below the floor, the excess "
                  "fit is to channel regularities. Default 0."),
        FieldHelp("bounds.catoni_lambda", "Catoni λ", "", "The free parameter of Catoni's bound (catoni form only)."),
        FieldHelp("bounds.residual_nats", "Rater-noise information ρ_res", "nats",
                  "Information the learner absorbs about rater noise (fitting channel regularities); adds to the "
                  "ceiling's budget. Default 0."),
        FieldHelp("bounds.context_nats", "Context information I_ctx", "nats",
                  "Information the learner absorbs about the contexts; adds to the ceiling's budget. Default 0."),
        FieldHelp("overlap.mode", "Overlap", "",
                  "fixed: every item gets the raters per item r. adaptive: r₀ = r raters first, then one more "
                  "at a time while the first question's votes are not decisive, up to r_max (cost by the expected "
                  "raters). partial: a share f of the items gets r₂ raters, the rest r."),
        FieldHelp("overlap.max_raters", "Most raters r_max", "",
                  "Adaptive overlap: no item gets more raters than this. At most the raters per item, no rater "
                  "is added (the fixed design)."),
        FieldHelp("overlap.stop_rule", "Stop rule", "",
                  "Adaptive overlap: agreement stops when the most frequent answer has at least the threshold's "
                  "share of the votes; posterior stops when the most probable answer's posterior (at the "
                  "question's prior) reaches the threshold."),
        FieldHelp("overlap.stop_threshold", "Stop threshold", "",
                  "Adaptive overlap: the share of agreeing votes or the posterior probability that is decisive "
                  "(e.g. 0.6 with 2 raters first: a third rater only when the two disagree)."),
        FieldHelp("overlap.extra_share", "Share with r₂", "",
                  "Partial overlap: share f of the items that get r₂ raters (the label file says which)."),
        FieldHelp("overlap.extra_raters", "Raters r₂", "", "Partial overlap: raters on that share of the items."),
        FieldHelp("gold.share", "Gold share g", "",
                  "Share of the tasks that are gold items with known answers (the m data items are the rest): "
                  "their labels calibrate the raters and catch spammers, and cost money. Default 0 (none)."),
        FieldHelp("gold.authoring_cost", "Authoring cost", "per gold item",
                  "Cost of writing one gold item's known answer, in the campaign's currency."),
        FieldHelp("gold.pool_size", "Rater pool", "raters",
                  "Raters who share the work, for the gold labels each one answers (unchecked: the raters available)."),
        FieldHelp("gold.false_flag_rate", "False-flag rate α", "",
                  "Spam check: a rater is flagged when their gold accuracy is so low that at most this share of "
                  "genuine raters would be. Default 0.05."),
    )
}


def field_help(path: str) -> FieldHelp:
    """Help for a dotted path; list indices may be numbers or ``*``.

    Raises
    ------
    KeyError
        For a path the editor does not present.
    """
    parts = ["*" if part.isdigit() else part for part in path.split(".")]
    return FIELDS[".".join(parts)]

