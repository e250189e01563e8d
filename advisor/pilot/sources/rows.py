"""Collecting the labels of a tool's export before they become a :class:`PilotDataset`.

Every reader of :mod:`advisor.pilot.sources` walks its file and hands each rater's answer to a
:class:`LabelRows` together with where it came from (a line or record number); answers it leaves
out are counted by reason (cancelled, ground truth, a type of answer that is no single label).
:meth:`LabelRows.build` then checks and encodes them exactly as the CSV reader does
(:func:`advisor.pilot.reading.build_dataset`) and attaches the :class:`ImportReport`.

Shared value helpers live here too: :func:`label_text` turns an answer (a string, a number, a
one-element list) into the text of a class, :func:`pilot_json` reads a JSON or JSON-lines file
within the pilot limits.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

import numpy as np

from advisor.errors import ImportFormatError
from advisor.files.input_limits import JsonLimits, load_json, quote
from advisor.pilot.dataset import ImportReport, PilotDataset
from advisor.pilot.numeric import NumericScale
from advisor.pilot.reading import MAX_BYTES, build_dataset

__all__ = ["CROWDED_ITEM", "LabelRows", "PILOT_JSON_LIMITS", "label_text", "pilot_json"]

CROWDED_ITEM = 1_000
"""An item with more labels than this is named in a warning: one item answered thousands of times
(a test item, a template left in the task list) weighs on every pooled statistic."""

PILOT_JSON_LIMITS = JsonLimits(
    max_bytes=MAX_BYTES, max_depth=64, max_string_chars=10_000_000, max_items=50_000_000,
    what="a pilot export",
)
"""Bounds on a JSON pilot export: the size limit of every pilot file, nesting far below Python's
recursion limit, and texts up to ten million characters (task data may embed whole documents)."""


class LabelRows:
    """The raters' answers of one export, each with where it came from, plus what was left out.

    Parameters
    ----------
    max_rows
        Most labels accepted, >= 1.
    unit
        What a position counts, ``"line"`` or ``"record"``.
    numeric
        A declared numeric scale for the labels (:func:`~advisor.pilot.reading.build_dataset`).
    """

    def __init__(self, max_rows: int, unit: str = "record", numeric: NumericScale | None = None):
        self.max_rows = int(max_rows)
        self.unit = unit
        self.numeric = numeric
        self.items: list[str] = []
        self.raters: list[str] = []
        self.labels: list[str] = []
        self.gold: list[str] = []
        self.questions: list[str] = []
        self.seconds: list[float] = []
        self.timestamps: list[float] = []
        self.where: list[int] = []
        self.cancelled = 0
        self.ground_truth = 0
        self.skipped: Counter[str] = Counter()
        self.warnings: list[str] = []
        self.multi_select: set[str] = set()

    def add(self, item: str, rater: str, label: str, where: int, *, question: str = "", gold: str = "",
            seconds: float = math.nan, timestamp: float = math.nan) -> None:
        """One rater's answer.

        Raises
        ------
        ImportFormatError
            When the answer is the one past ``max_rows``.
        """
        if len(self.items) >= self.max_rows:
            raise ImportFormatError(
                f"{self.unit} {where}: more than {self.max_rows:,} labels; split the export, or summarise it with the "
                f"large-pilot reader (annotation-advisor[scale]) after converting it to item,rater,label CSV"
            )
        self.items.append(item)
        self.raters.append(rater)
        self.labels.append(label)
        self.gold.append(gold)
        self.questions.append(question)
        self.seconds.append(seconds)
        self.timestamps.append(timestamp)
        self.where.append(where)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count ``count`` answers left out for ``reason``."""
        if count:
            self.skipped[reason] += count

    def mark_multi_select(self, question: str) -> None:
        """Declare ``question`` multi-select (some answer chose several options): :meth:`build` then
        leaves out all its answers, since one chosen option is no single label of such a question."""
        self.multi_select.add(question)

    def warn(self, message: str) -> None:
        """Record an assumption or an oddity once."""
        if message not in self.warnings:
            self.warnings.append(message)

    def build(self, *, name: str, format: str, encoding: str = "utf-8", delimiter: str = "") -> PilotDataset:
        """Check and encode the answers (:func:`~advisor.pilot.reading.build_dataset`).

        Raises
        ------
        ImportFormatError
            When no answer was kept (saying what was left out), or as ``build_dataset`` does.
        """
        if self.multi_select:
            self._drop_multi_select()
        if not self.items:
            left_out = self._left_out()
            raise ImportFormatError(
                "the export holds no rater's answer that is a single label"
                + (f" ({left_out})" if left_out else "")
            )
        lines = np.asarray(self.where, dtype=np.int64)
        columns: dict[str, Any] = {"item": self.items, "rater": self.raters, "label": self.labels}
        if any(self.gold):
            columns["gold"] = self.gold
        if any(self.questions):
            columns["question"] = [q or "(unnamed)" for q in self.questions]
        seconds = np.asarray(self.seconds, dtype=np.float64)
        if np.any(np.isfinite(seconds)):
            columns["seconds"] = seconds
        stamps = np.asarray(self.timestamps, dtype=np.float64)
        if np.any(np.isfinite(stamps)):
            columns["timestamp"] = stamps
        self._warn_crowded_items()
        report = ImportReport(
            format=format,
            labels=len(self.items),
            cancelled=self.cancelled,
            ground_truth=self.ground_truth,
            skipped=tuple(sorted(self.skipped.items())),
            warnings=tuple(self.warnings),
        )
        return build_dataset(columns, lines, name=name, encoding=encoding, delimiter=delimiter, unit=self.unit,
                             report=report, numeric=self.numeric)

    def _drop_multi_select(self) -> None:
        keep = [i for i, question in enumerate(self.questions) if question not in self.multi_select]
        for question in sorted(self.multi_select):
            dropped = sum(1 for q in self.questions if q == question)
            self.skip(f"answers to the multi-select question {quote(question, 40)}", dropped)
        for column in ("items", "raters", "labels", "gold", "questions", "seconds", "timestamps", "where"):
            values = getattr(self, column)
            setattr(self, column, [values[i] for i in keep])

    def _left_out(self) -> str:
        parts = []
        if self.cancelled:
            parts.append(f"{self.cancelled:,} cancelled")
        if self.ground_truth:
            parts.append(f"{self.ground_truth:,} ground truth")
        parts.extend(f"{count:,} {reason}" for reason, count in sorted(self.skipped.items()))
        return ", ".join(parts)

    def _warn_crowded_items(self) -> None:
        counts = Counter(zip(self.questions, self.items))
        crowded = [(count, item) for (_, item), count in counts.items() if count > CROWDED_ITEM]
        if crowded:
            count, item = max(crowded)
            self.warn(
                f"{len(crowded):,} item(s) have more than {CROWDED_ITEM:,} labels (most: {quote(item, 40)} with {count:,}); "
                "such an item weighs on every pooled statistic — check that it is a real item"
            )


def label_text(value: Any) -> str | None:
    """The class text of one answer: a string, a finite number or a one-element list of either.

    Returns
    -------
    str or None
        None for an answer that is no single label (a list of several, a mapping, an empty value).
    """
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and not math.isfinite(value) else f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def pilot_json(content: bytes, source: str) -> Any:
    """A JSON document, or JSON lines (one object per line) as a list, within :data:`PILOT_JSON_LIMITS`.

    Raises
    ------
    ImportFormatError
        For text that is not UTF-8 or not JSON, naming the line (JSON lines: the record).
    """
    try:
        return load_json(content, source="", limits=PILOT_JSON_LIMITS)
    except ImportFormatError as error:
        if "Extra data" not in str(error):
            raise
    # Several documents one after the other: JSON lines.
    records = []
    text = content.decode("utf-8-sig")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(load_json(line, source="", limits=PILOT_JSON_LIMITS))
        except ImportFormatError as error:
            raise ImportFormatError(f"line {number}: {error}") from None
    return records


def records_of(document: Any, what: str) -> list[Any]:
    """``document`` as a list of records (a single object becomes a list of one)."""
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return document
    raise ImportFormatError(f"expected {what} (a JSON array of objects), got {type(document).__name__}")


def json_text(value: Any) -> Any:
    """A string that holds JSON (as Label Studio's CSV export writes lists), parsed; else the value."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
