"""One pilot in memory: its labels as integer codes and the names the codes stand for.

:class:`PilotDataset` is what reading a pilot file (:mod:`advisor.pilot.reading`) and simulating a
pilot (:mod:`advisor.pilot.simulation`) both produce and what a summary
(:mod:`advisor.pilot.summary`) takes. It narrows itself to one question (items, raters and classes
re-coded densely), previews its first rows for an import wizard and writes itself back as CSV.
:func:`class_order` is the one rule for the order of class names (numeric when every name is a
number, so that an ordinal scale keeps its order), shared by the reader and by the narrowing to a
question.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from advisor.files.input_limits import quote, quote_list

__all__ = ["ImportReport", "NameList", "PilotDataset", "class_order", "frozen_array"]


def frozen_array(array: np.ndarray) -> np.ndarray:
    """``array`` C-contiguous and read-only (a view when it already is contiguous), as every
    array of a :class:`PilotDataset` is."""
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


class NameList(Sequence[str]):
    """Names held as one array of UTF-8 bytes: what a pilot of millions of items keeps instead of a
    tuple of Python strings (10 million names: about 160 MB instead of 700 MB).

    A read-only sequence of ``str``: ``len``, indexing (an ``int`` gives a name, a slice a
    :class:`NameList`), iteration and :meth:`index`.

    Parameters
    ----------
    encoded
        A 1-D numpy array of dtype ``S`` (fixed-width bytes, NUL-padded), one UTF-8 name each.
    """

    def __init__(self, encoded: np.ndarray):
        array = np.asarray(encoded)
        if array.ndim != 1 or array.dtype.kind != "S":
            raise ValueError(f"NameList needs a 1-D bytes array, got {array.dtype} {array.shape}")
        self._names = frozen_array(array)

    def __len__(self) -> int:
        return int(self._names.size)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return NameList(self._names[index])
        return self._names[int(index)].decode("utf-8")

    def __iter__(self):
        return (name.decode("utf-8") for name in self._names)

    def index(self, value: str, start: int = 0, stop: int | None = None) -> int:  # type: ignore[override]
        hits = np.flatnonzero(self._names[start:stop] == value.encode("utf-8"))
        if hits.size == 0:
            raise ValueError(f"{value!r} is not in the names")
        return int(hits[0]) + start

    def __repr__(self) -> str:
        return f"NameList({len(self)} names)"


@dataclass(frozen=True)
class ImportReport:
    """What reading a pilot file kept, turned into gold, and left out.

    Attributes
    ----------
    format : str
        The shape the file was read as (``"csv"``, ``"label_studio_json"``, ``"mturk"`` …).
    labels : int
        Labels kept: raters' own answers only.
    cancelled : int
        Annotations a rater cancelled or skipped (Label Studio ``was_cancelled``), rejected
        assignments (MTurk ``Rejected``) and discarded or draft responses (Argilla), left out.
    ground_truth : int
        Ground-truth annotations read as the item's gold answer, not as a rater's label.
    skipped : tuple of (str, int)
        Other answers left out, by reason (an answer type with no single label, an empty answer …).
    warnings : tuple of str
        What the reader assumed or noticed (time per item estimated from a HIT's time, …).
    """

    format: str = "csv"
    labels: int = 0
    cancelled: int = 0
    ground_truth: int = 0
    skipped: tuple[tuple[str, int], ...] = ()
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "format": self.format, "labels": self.labels, "cancelled": self.cancelled,
            "ground_truth": self.ground_truth, "skipped": dict(self.skipped), "warnings": list(self.warnings),
        }


@dataclass(frozen=True, eq=False)
class PilotDataset:
    """An imported (or simulated) pilot: labels as codes plus the names they stand for.

    Arrays are read-only; every per-label array has one entry per label row, in file order.

    Attributes
    ----------
    name : str
        File name or description.
    items, raters, labels : numpy.ndarray of int64
        Codes into :attr:`item_names`, :attr:`rater_names`, :attr:`class_names`.
    gold : numpy.ndarray of int64, shape (n_items,)
        Gold class code per item, -1 where unknown.
    seconds : numpy.ndarray of float or None
        Seconds per label (NaN where a row left it empty); None without a seconds column.
    questions, contexts : numpy.ndarray of int64 or None
        Codes into :attr:`question_names`, :attr:`context_names`; None without the column.
    item_names, rater_names, class_names, question_names, context_names : tuple of str
        Names in code order (item and rater names may be a :class:`NameList` on a very large
        pilot). Classes are in order of first appearance, or numeric order when every
        class name is a number (so that an ordinal scale keeps its order).
    encoding, delimiter : str
        What the importer detected (informational).
    timestamps : numpy.ndarray of float or None
        When each label was given, seconds since 1970-01-01 UTC (NaN where unknown); None
        without timestamps. Orders each rater's labels in time (drift).
    report : ImportReport or None
        What the reader kept and left out (None for a simulated pilot).
    """

    name: str
    items: np.ndarray
    raters: np.ndarray
    labels: np.ndarray
    gold: np.ndarray
    item_names: tuple[str, ...]
    rater_names: tuple[str, ...]
    class_names: tuple[str, ...]
    seconds: np.ndarray | None = None
    questions: np.ndarray | None = None
    question_names: tuple[str, ...] = ()
    contexts: np.ndarray | None = None
    context_names: tuple[str, ...] = ()
    encoding: str = "utf-8"
    delimiter: str = ","
    timestamps: np.ndarray | None = None
    report: ImportReport | None = None

    @property
    def n_labels(self) -> int:
        """Number of label rows."""
        return int(self.labels.size)

    @property
    def n_items(self) -> int:
        return len(self.item_names)

    @property
    def n_raters(self) -> int:
        return len(self.rater_names)

    @property
    def has_gold(self) -> bool:
        """True when at least one item has a gold answer."""
        return bool(np.any(self.gold >= 0))

    def describe(self) -> dict[str, Any]:
        """Sizes and columns, JSON-ready (for a preview)."""
        return {
            "name": self.name,
            "labels": self.n_labels,
            "items": self.n_items,
            "raters": self.n_raters,
            "classes": list(self.class_names),
            "gold_items": int(np.sum(self.gold >= 0)),
            "timed_labels": int(np.sum(np.isfinite(self.seconds))) if self.seconds is not None else 0,
            "questions": list(self.question_names),
            "contexts": list(self.context_names),
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "timestamped_labels": int(np.sum(np.isfinite(self.timestamps))) if self.timestamps is not None else 0,
            "import": None if self.report is None else self.report.to_dict(),
        }

    def preview(self, rows: int = 20) -> list[dict[str, str]]:
        """The first ``rows`` label rows as name dictionaries (for an import wizard)."""
        count = min(max(int(rows), 0), self.n_labels)
        out = []
        for position in range(count):
            item = int(self.items[position])
            row = {
                "item": self.item_names[item],
                "rater": self.rater_names[int(self.raters[position])],
                "label": self.class_names[int(self.labels[position])],
                "gold": self.class_names[int(self.gold[item])] if self.gold[item] >= 0 else "",
            }
            if self.seconds is not None:
                value = float(self.seconds[position])
                row["seconds"] = "" if math.isnan(value) else f"{value:g}"
            if self.questions is not None:
                row["question"] = self.question_names[int(self.questions[position])]
            if self.contexts is not None:
                row["context"] = self.context_names[int(self.contexts[position])]
            out.append(row)
        return out

    def for_question(self, question: str | None = None) -> "PilotDataset":
        """The labels of one question, re-coded densely (items, raters, classes of that question only).

        Parameters
        ----------
        question
            A name from :attr:`question_names`; may be None when there is at most one question.

        Raises
        ------
        ValueError
            When the question is unknown, or None while the pilot has several questions.
        """
        if self.questions is None or len(self.question_names) <= 1:
            if question is not None and question not in self.question_names:
                raise ValueError(f"question: this pilot has no question {quote(question)}" + (
                    f"; it has {quote_list(self.question_names)}" if self.question_names else " (no question column)"
                ))
            return self
        if question is None:
            raise ValueError(
                f"question: this pilot has {len(self.question_names)} questions "
                f"({quote_list(self.question_names)}); name one"
            )
        if question not in self.question_names:
            raise ValueError(f"question: this pilot has no question {quote(question)}; it has {quote_list(self.question_names)}")
        rows = np.flatnonzero(self.questions == self.question_names.index(question))
        return _subset(self, rows, question)

    def to_csv_text(self) -> str:
        """The pilot as CSV text (header ``item,rater,label,gold`` plus any optional columns;
        timestamps as seconds since 1970-01-01 UTC)."""
        buffer = io.StringIO()
        self.write_csv(buffer)
        return buffer.getvalue()

    def write_csv(self, stream: Any) -> None:
        """Write the pilot as UTF-8 CSV to a text stream or a path."""
        if isinstance(stream, (str, Path)):
            with open(stream, "w", encoding="utf-8", newline="") as handle:
                self.write_csv(handle)
            return
        writer = csv.writer(stream, lineterminator="\n")
        header = ["item", "rater", "label", "gold"]
        if self.seconds is not None:
            header.append("seconds")
        if self.questions is not None:
            header.append("question")
        if self.contexts is not None:
            header.append("context")
        if self.timestamps is not None:
            header.append("timestamp")
        writer.writerow(header)
        items = np.asarray(self.item_names, dtype=object)[self.items]
        raters = np.asarray(self.rater_names, dtype=object)[self.raters]
        labels = np.asarray(self.class_names, dtype=object)[self.labels]
        gold_names = np.asarray(list(self.class_names) + [""], dtype=object)
        gold = gold_names[np.where(self.gold >= 0, self.gold, len(self.class_names))][self.items]
        columns = [items, raters, labels, gold]
        if self.seconds is not None:
            columns.append(np.array(["" if math.isnan(s) else f"{s:.3f}".rstrip("0").rstrip(".") for s in self.seconds.tolist()], dtype=object))
        if self.questions is not None:
            columns.append(np.asarray(self.question_names, dtype=object)[self.questions])
        if self.contexts is not None:
            columns.append(np.asarray(self.context_names, dtype=object)[self.contexts])
        if self.timestamps is not None:
            columns.append(np.array(["" if math.isnan(t) else f"{t:.3f}" for t in self.timestamps.tolist()], dtype=object))
        writer.writerows(zip(*(c.tolist() for c in columns)))


def _recode(codes: np.ndarray, names: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    """Dense codes for the subset, keeping first-appearance order; also the old->new map."""
    used, first = np.unique(codes, return_index=True)
    order = used[np.argsort(first)]
    mapping = np.full(len(names), -1, dtype=np.int64)
    mapping[order] = np.arange(order.size)
    return mapping[codes], tuple(names[i] for i in order), mapping


def _subset(dataset: PilotDataset, rows: np.ndarray, question: str) -> PilotDataset:
    items, item_names, item_map = _recode(dataset.items[rows], dataset.item_names)
    raters, rater_names, _ = _recode(dataset.raters[rows], dataset.rater_names)
    kept_items = np.flatnonzero(item_map >= 0)
    old_item_of_new = np.empty(len(item_names), dtype=np.int64)
    old_item_of_new[item_map[kept_items]] = kept_items
    old_gold = dataset.gold[old_item_of_new]
    label_codes = dataset.labels[rows]
    present = np.zeros(len(dataset.class_names), dtype=bool)
    present[label_codes] = True
    present[old_gold[old_gold >= 0]] = True
    # Drop the classes of other questions; this question's own classes may all be numbers even when
    # the whole file's are not, so order them again.
    kept_names = [name for name, keep in zip(dataset.class_names, present) if keep]
    class_names = tuple(class_order(kept_names))
    position = {name: i for i, name in enumerate(class_names)}
    class_map = np.array([position.get(name, -1) for name in dataset.class_names], dtype=np.int64)
    gold = np.where(old_gold >= 0, class_map[np.maximum(old_gold, 0)], -1)
    contexts = context_names = None
    if dataset.contexts is not None:
        contexts, context_names, _ = _recode(dataset.contexts[rows], dataset.context_names)
    return PilotDataset(
        name=dataset.name,
        items=frozen_array(items),
        raters=frozen_array(raters),
        labels=frozen_array(class_map[label_codes]),
        gold=frozen_array(gold.astype(np.int64)),
        item_names=item_names,
        rater_names=rater_names,
        class_names=class_names,
        seconds=None if dataset.seconds is None else frozen_array(dataset.seconds[rows]),
        questions=None,
        question_names=(question,),
        contexts=None if contexts is None else frozen_array(contexts),
        context_names=context_names or (),
        encoding=dataset.encoding,
        delimiter=dataset.delimiter,
        timestamps=None if dataset.timestamps is None else frozen_array(dataset.timestamps[rows]),
        report=dataset.report,
    )


def class_order(values: list[str]) -> list[str]:
    """Numeric order when every class name is a number, else order of first appearance."""
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return values
    if all(math.isfinite(n) for n in numbers):
        return [v for _, v in sorted(zip(numbers, values), key=lambda pair: pair[0])]
    return values
