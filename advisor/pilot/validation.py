"""``pilot validate``: how well the calibrated rater model predicts the user's own pilot.

The protocol of :mod:`models.validation` (the method §9, PASS-style) run on a pilot file with
gold: random half-splits of the items, a pilot of a few labels per item on half A, the model
calibrated on it, and its predictions for r = 1 … R raters per item checked on half B against
majority vote (exact over the r-subsets of each item's labels, ties split at random), Dawid–Skene,
and the information of the r-vote histogram with its 95 % jackknife interval. ``docs/validation.md``
has the same protocol on the shared real pilots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from models import empirical
from models.errors import ModelError
from models.validation import Validation, calibrate_baseline, calibrate_population, validate

from advisor.errors import Cancelled, ImportFormatError
from advisor.pilot.dataset import PilotDataset
from advisor.progress import ProgressCallback

MODELS = {"population": calibrate_population, "baseline": calibrate_baseline}
"""The calibrations a validation can compare: the method §9's rater population (bias, item
difficulty, prior, slip; the posterior predictive) and the symmetric baseline (pooled accuracy, a
symmetric kernel and ρ: ``pilot apply --model symmetric``)."""
MODEL_NAMES = {"population": "population model", "baseline": "symmetric baseline"}
"""How the window and the command line name :data:`MODELS` in words (the JSON keeps the keys)."""
MAX_SPLITS = 100
"""Most half-splits a validation runs (each fits the model once)."""


@dataclass(frozen=True)
class PilotValidation:
    """A validation of one pilot question.

    Attributes
    ----------
    pilot, question
        The pilot's name and the question validated (None for a one-question pilot).
    kind
        How the labels were modelled: ``"binary"``, ``"nominal"`` or ``"ordinal"``.
    classes
        The class names in code order.
    validation
        The protocol's measurements and each model's predictions.
    notes
        What the reader should know (labels per item, items left out, one-label rows).
    """

    pilot: str
    question: str | None
    kind: str
    classes: tuple[str, ...]
    validation: Validation
    notes: tuple[str, ...]

    def to_dict(self, model: str = "population") -> dict[str, Any]:
        """The contract of ``pilot validate --json``: ``rows`` (one per r) and the error summary of
        ``model``, the protocol, the other models' summaries, and the notes. Information in bits."""
        chosen = self.validation.models[model].to_dict()
        others = {name: {key: value for key, value in result.to_dict().items() if key != "rows"}
                  for name, result in self.validation.models.items() if name != model}
        return {
            "pilot": self.pilot,
            "question": self.question,
            "kind": self.kind,
            "classes": list(self.classes),
            "protocol": self.validation.to_dict()["protocol"],
            **chosen,
            "other_models": others,
            "notes": list(self.notes) + list(chosen["notes"]),
        }


def validate_pilot(dataset: PilotDataset, *, question: str | None = None, splits: int = 10,
                   pilot_raters: int = 3, seed: int = 0, scale: str = "nominal",
                   models: tuple[str, ...] = ("population", "baseline"),
                   progress: ProgressCallback | None = None) -> PilotValidation:
    """Run the validation protocol on one question of a pilot with gold.

    Parameters
    ----------
    dataset
        The pilot (:func:`advisor.pilot.reading.read_pilot`).
    question
        Which question, when the pilot has several.
    splits
        Random half-splits, 1 to :data:`MAX_SPLITS`.
    pilot_raters
        Labels per item of the pilot drawn on half A (≥ 1, fewer than the labels per item).
    seed
        Seed of the splits, pilots and subsamples (≥ 0): the same seed gives the same numbers.
    scale
        ``"nominal"`` (binary, categorical) or ``"ordinal"`` (a rating scale, classes in numeric
        order); a two-class pilot is binary either way.
    models
        Keys of :data:`MODELS` to calibrate and compare.
    progress
        ``progress(done, total)`` after each split (:mod:`advisor.progress`); False stops.

    Raises
    ------
    ImportFormatError
        Without gold, with too few labels per item for the pilot, or with too few items.
    advisor.errors.Cancelled
        When ``progress`` returned False.
    """
    one = dataset.for_question(question)
    if not one.has_gold:
        raise ImportFormatError(f"{one.name}: pilot validate needs gold labels (a gold column) to check predictions against")
    if scale not in ("nominal", "ordinal"):
        raise ImportFormatError(f"scale must be nominal or ordinal, got {scale!r}")
    if not 1 <= splits <= MAX_SPLITS:
        raise ImportFormatError(f"--splits must be an integer from 1 to {MAX_SPLITS}, got {splits}")
    unknown = [name for name in models if name not in MODELS]
    if unknown or not models:
        raise ImportFormatError(f"models must be some of {', '.join(MODELS)}, got {', '.join(unknown) or 'none'}")
    k = len(one.class_names)
    kind = "binary" if k == 2 else ("ordinal" if scale == "ordinal" else "nominal")
    with_gold = one.gold[one.items] >= 0
    counts = np.bincount(one.items[with_gold])
    per_item = [int(n) for n in counts if n > 0]
    fewest = min(per_item, default=0)
    if fewest <= pilot_raters:
        raise ImportFormatError(
            f"{one.name}: every item with gold needs more labels than the pilot's {pilot_raters} so that "
            f"half B can be measured at more raters; the fewest on an item is {fewest} (lower --pilot-raters)")
    notes = [f"r runs from 1 to {fewest}, the fewest labels on an item with gold"]
    if len(set(per_item)) > 1:
        notes.append(f"items carry {min(per_item)} to {max(per_item)} labels; each r draws r of an item's labels")
    try:
        result = validate(one.items, one.raters, one.labels, one.gold, kind=kind,
                          calibrators={name: MODELS[name] for name in models}, splits=splits,
                          pilot_labels=pilot_raters, seed=seed, progress=progress)
    except empirical.Cancelled as stopped:
        raise Cancelled(str(stopped)) from None
    except ModelError as error:
        raise ImportFormatError(f"{one.name}: {error}") from None
    return PilotValidation(one.name, question, kind, one.class_names, result, tuple(notes))
