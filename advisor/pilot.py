"""Pilot annotations: import, summarise, calibrate a scenario, simulate.

A *pilot* is a small labelling run whose labels (and, where known, gold answers and the seconds
raters spent) tell what the interface really carries. This module

* reads pilot files (:func:`read_pilot`): CSV or TSV with columns ``item``, ``rater``, ``label``
  and optional ``gold``, ``seconds``, ``question``, ``context`` (crowd-kit's ``task``/``worker``
  names and a few other common spellings are accepted), detecting the delimiter and the encoding
  and reporting problems with their line number;
* summarises one question of a pilot (:func:`summarize`): majority vote, one-coin and full
  Dawid–Skene with their accuracy against gold, agreement statistics, the empirical capacity of the
  pooled single-rater kernel with a bootstrap interval, the rater correlation ρ, the speed–accuracy
  parameters when seconds are present, and raters flagged as malicious or lazy;
* calibrates a scenario from a summary (:func:`apply_to_scenario`), recording provenance;
* simulates a pilot from a scenario (:func:`simulate_pilot`), so that a pipeline can be tested and
  so that calibration can be checked to recover the parameters it was simulated with.

The numerics live in :mod:`models.aggregation`, :mod:`models.agreement` and
:mod:`models.empirical`; this module turns files into their inputs and their outputs into a
:class:`PilotSummary`.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, Literal

import numpy as np

from models import agreement, empirical, timing
from models.aggregation import Aggregation, Annotations, dawid_skene, majority_vote, one_coin_dawid_skene
from models.channel import rater_kernel
from models.errors import InvalidArgumentError

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.scenario.schema import Provenance, Question, Scenario

__all__ = [
    "MAX_ROWS",
    "MAX_LABELS",
    "MAX_BYTES",
    "check_pilot_size",
    "COLUMN_ALIASES",
    "PilotDataset",
    "PilotSummary",
    "MethodResult",
    "RaterReport",
    "read_pilot",
    "summarize",
    "rater_flag",
    "apply_to_scenario",
    "simulate_pilot",
    "cascade_kernel",
    "storage_summary",
    "summary_options",
    "scenario_contexts",
]

MAX_ROWS = 1_000_000
"""Most label rows a pilot file may have."""

MAX_BYTES = 256 * 2**20
"""Largest pilot file read, bytes (256 MiB): a million label rows with names of a hundred characters."""

MAX_LABELS = 100
"""Most distinct labels one pilot question may have. The calibration keeps a k×k confusion matrix
per rater and bootstraps the k×k pooled kernel's capacity, so its cost grows with k² to k³: at 100
labels a summary takes seconds, at 300 about a minute and 1.5 GB. A scenario question has at most
50 categories (``advisor.scenario.schema.MAX_CATEGORIES``); the margin leaves room for pilots whose
labels are later merged."""

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "item": ("item", "task", "item_id", "task_id", "object", "unit", "example"),
    "rater": ("rater", "worker", "annotator", "rater_id", "worker_id", "annotator_id", "performer", "coder", "labeler"),
    "label": ("label", "answer", "response", "rating", "annotation"),
    "gold": ("gold", "true_label", "gold_label", "truth", "golden", "ground_truth", "gt"),
    "seconds": ("seconds", "time", "duration", "time_seconds", "duration_seconds", "seconds_spent", "time_spent"),
    "question": ("question", "question_id", "field"),
    "context": ("context", "stratum", "domain"),
}
"""Accepted header names per column (compared case-insensitively, spaces and hyphens as ``_``)."""

REQUIRED_COLUMNS = ("item", "rater", "label")
DELIMITERS = (",", "\t", ";", "|")
SAMPLE_BYTES = 1 << 16
Scale = Literal["nominal", "ordinal"]
GoldUse = Literal["evaluate", "clamp"]
NOMINAL_KINDS = ("binary", "categorical")
ORDINAL_KINDS = ("ordinal", "pairwise")
SPAM_THRESHOLD = 0.2
"""Largest total-variation distance between two rows of a rater's confusion matrix at which the
rater counts as lazy/spammer (their answer hardly depends on the truth)."""
MIN_LABELS_TO_FLAG = 5
"""Raters with fewer labels are not judged: their confusion matrix is mostly the prior."""
TIME_BINS = 10
RHO_LIMIT = 0.99
LAMBDA_LIMIT = 20.0
ACCRUAL_LIMIT = 100.0
BASE_TIME_LIMIT = 3600.0


# ====================================================================== dataset
def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


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
        Names in code order. Classes are in order of first appearance, or numeric order when every
        class name is a number (so that an ordinal scale keeps its order).
    encoding, delimiter : str
        What the importer detected (informational).
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
                    f"; it has {', '.join(map(repr, self.question_names))}" if self.question_names else " (no question column)"
                ))
            return self
        if question is None:
            raise ValueError(
                f"question: this pilot has {len(self.question_names)} questions "
                f"({', '.join(map(repr, self.question_names))}); name one"
            )
        if question not in self.question_names:
            raise ValueError(f"question: this pilot has no question {quote(question)}; it has {', '.join(quote(q, 40) for q in self.question_names[:20])}")
        rows = np.flatnonzero(self.questions == self.question_names.index(question))
        return _subset(self, rows, question)

    def to_csv_text(self) -> str:
        """The pilot as CSV text (header ``item,rater,label,gold`` plus any optional columns)."""
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
    class_names = tuple(_class_order(kept_names))
    position = {name: i for i, name in enumerate(class_names)}
    class_map = np.array([position.get(name, -1) for name in dataset.class_names], dtype=np.int64)
    gold = np.where(old_gold >= 0, class_map[np.maximum(old_gold, 0)], -1)
    contexts = context_names = None
    if dataset.contexts is not None:
        contexts, context_names, _ = _recode(dataset.contexts[rows], dataset.context_names)
    return PilotDataset(
        name=dataset.name,
        items=_frozen(items),
        raters=_frozen(raters),
        labels=_frozen(class_map[label_codes]),
        gold=_frozen(gold.astype(np.int64)),
        item_names=item_names,
        rater_names=rater_names,
        class_names=class_names,
        seconds=None if dataset.seconds is None else _frozen(dataset.seconds[rows]),
        questions=None,
        question_names=(question,),
        contexts=None if contexts is None else _frozen(contexts),
        context_names=context_names or (),
        encoding=dataset.encoding,
        delimiter=dataset.delimiter,
    )


# ====================================================================== reading
def _normalise_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def _detect_encoding(head: bytes) -> str:
    """Encoding from a byte-order mark, else UTF-8 if the first bytes decode, else Windows-1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:4096]:
        raise ImportFormatError(
            "the file contains NUL bytes: it looks like UTF-16 without a byte-order mark or a binary file; "
            "save it as UTF-8 CSV"
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _detect_delimiter(sample: str, name: str) -> str:
    """csv.Sniffer on the first lines; falls back to the candidate that splits the header most."""
    lines = [line for line in sample.splitlines() if line.strip()]
    if not lines:
        raise ImportFormatError("the file is empty: expected a header row with item, rater and label columns")
    header = lines[0]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed is not None and len(next(csv.reader([header], delimiter=sniffed))) >= len(REQUIRED_COLUMNS):
        return sniffed
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in DELIMITERS}
    if name.lower().endswith((".tsv", ".tab")) and counts["\t"] >= len(REQUIRED_COLUMNS):
        return "\t"
    best = max(DELIMITERS, key=lambda d: counts[d])
    # Two fields already show the delimiter; the column check then names what is missing.
    if counts[best] < 2:
        raise ImportFormatError(
            f"line 1: found {counts[best]} column(s) in the header {header[:80]!r}; expected at least item, rater "
            "and label separated by commas, tabs, semicolons or bars"
        )
    return best


def _map_columns(header: list[str]) -> dict[str, int]:
    names = [_normalise_header(h) for h in header]
    positions: dict[str, int] = {}
    for column, aliases in COLUMN_ALIASES.items():
        matches = [i for i, name in enumerate(names) if name in aliases]
        if len(matches) > 1:
            raise ImportFormatError(
                f"line 1: more than one column can be the {column} column: {', '.join(repr(header[i]) for i in matches)}"
            )
        if matches:
            positions[column] = matches[0]
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        accepted = "; ".join(f"{c}: {', '.join(COLUMN_ALIASES[c])}" for c in missing)
        raise ImportFormatError(
            f"line 1: missing column(s) {', '.join(missing)} (found {', '.join(repr(h) for h in header)}; accepted names — {accepted})"
        )
    return positions


def _class_order(values: list[str]) -> list[str]:
    """Numeric order when every class name is a number, else order of first appearance."""
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return values
    if all(math.isfinite(n) for n in numbers):
        return [v for _, v in sorted(zip(numbers, values), key=lambda pair: pair[0])]
    return values


def _stripped_uniques(values: list[str]) -> dict[str, str]:
    """Each distinct raw value (first-appearance order) and its stripped form.

    Stripping the distinct values only, not every cell, keeps a million-row import fast.
    """
    return {raw: raw.strip() for raw in dict.fromkeys(values)}


def _codes(values: list[str], code_of_raw: dict[str, int]) -> np.ndarray:
    return np.fromiter(map(code_of_raw.__getitem__, values), dtype=np.int64, count=len(values))


def _encode(values: list[str], column: str, lines: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes in order of first appearance of the stripped value; an empty value is an error."""
    stripped = _stripped_uniques(values)
    names: dict[str, int] = {}
    code_of_raw = {raw: names.setdefault(clean, len(names)) for raw, clean in stripped.items()}
    if "" in names:
        first_blank = next(raw for raw, clean in stripped.items() if not clean)
        raise ImportFormatError(f"line {lines[values.index(first_blank)]}: the {column} field is empty")
    return _codes(values, code_of_raw), list(names)


def _csv_problem(error: csv.Error, line: int) -> ImportFormatError:
    """A :mod:`csv` error as one line naming the line of the file."""
    reason = str(error)
    if "field larger than field limit" in reason:
        reason = (
            f"a field is longer than {csv.field_size_limit():,} characters; a pilot field holds an item, rater, "
            "label, time, question or context, not a document (is a quote left open?)"
        )
    return ImportFormatError(f"line {line}: cannot read the CSV: {reason}")


def _parse(stream: io.TextIOBase, delimiter: str, max_rows: int) -> dict[str, Any]:
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        return _parse_rows(reader, max_rows)
    except csv.Error as error:
        raise _csv_problem(error, max(reader.line_num, 1)) from None


def _parse_rows(reader: Any, max_rows: int) -> dict[str, Any]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFormatError("the file is empty: expected a header row with item, rater and label columns") from None
    positions = _map_columns(header)
    width = len(header)
    columns: dict[str, list[str]] = {column: [] for column in positions}
    item_at, rater_at, label_at = (positions[c] for c in REQUIRED_COLUMNS)
    add_item, add_rater, add_label = (columns[c].append for c in REQUIRED_COLUMNS)
    optional = [(columns[c].append, positions[c]) for c in positions if c not in REQUIRED_COLUMNS]
    lines: list[int] = []
    add_line = lines.append
    count = 0
    for row in reader:
        if len(row) != width:
            if not any(cell.strip() for cell in row):
                continue
            raise ImportFormatError(
                f"line {reader.line_num}: expected {width} fields like the header, found {len(row)}"
                + (" (is a field with the delimiter missing its quotes?)" if len(row) > width else "")
            )
        count += 1
        if count > max_rows:
            raise ImportFormatError(f"line {reader.line_num}: more than {max_rows:,} label rows; split the pilot into smaller files")
        add_item(row[item_at])
        add_rater(row[rater_at])
        add_label(row[label_at])
        for append, position in optional:
            append(row[position])
        add_line(reader.line_num)
    if count == 0:
        raise ImportFormatError("the file has a header but no label rows")
    return {"columns": columns, "lines": np.asarray(lines, dtype=np.int64)}


def _build_dataset(parsed: dict[str, Any], name: str, encoding: str, delimiter: str) -> PilotDataset:
    columns: dict[str, list[str]] = parsed["columns"]
    lines: np.ndarray = parsed["lines"]
    items, item_names = _encode(columns["item"], "item", lines)
    raters, rater_names = _encode(columns["rater"], "rater", lines)
    label_values = columns["label"]
    gold_values = columns.get("gold")
    label_uniques = _stripped_uniques(label_values)
    if "" in label_uniques.values():
        first_blank = next(raw for raw, clean in label_uniques.items() if not clean)
        raise ImportFormatError(f"line {lines[label_values.index(first_blank)]}: the label field is empty")
    first_seen: dict[str, None] = dict.fromkeys(label_uniques.values())
    gold_uniques = _stripped_uniques(gold_values) if gold_values is not None else {}
    first_seen.update(dict.fromkeys(clean for clean in gold_uniques.values() if clean))
    class_names = _class_order(list(first_seen))
    if len(class_names) > MAX_LABELS and "question" not in columns:
        raise _too_many_labels(None, len(class_names))
    class_index = {c: i for i, c in enumerate(class_names)}
    labels = _codes(label_values, {raw: class_index[clean] for raw, clean in label_uniques.items()})
    if len(class_names) < 2:
        raise ImportFormatError(f"the pilot has only one distinct label ({quote(class_names[0])}); at least two are needed")

    gold = np.full(len(item_names), -1, dtype=np.int64)
    if gold_values is not None:
        row_gold = _codes(gold_values, {raw: class_index[clean] if clean else -1 for raw, clean in gold_uniques.items()})
        _check_gold_consistency(items, row_gold, lines, item_names, class_names)
        known = row_gold >= 0
        gold[items[known]] = row_gold[known]

    seconds = None
    if "seconds" in columns:
        seconds = _parse_seconds(columns["seconds"], lines)

    questions = question_names = None
    if "question" in columns:
        questions, question_list = _encode(columns["question"], "question", lines)
        question_names = tuple(question_list)
        _check_label_counts(questions, labels, row_gold if gold_values is not None else None, question_names,
                            len(class_names))
    contexts = context_names = None
    if "context" in columns:
        contexts, context_list = _encode(columns["context"], "context", lines)
        context_names = tuple(context_list)

    _check_duplicates(items, raters, questions, lines, item_names, rater_names)
    return PilotDataset(
        name=name,
        items=_frozen(items),
        raters=_frozen(raters),
        labels=_frozen(labels),
        gold=_frozen(gold),
        item_names=tuple(item_names),
        rater_names=tuple(rater_names),
        class_names=tuple(class_names),
        seconds=None if seconds is None else _frozen(seconds),
        questions=None if questions is None else _frozen(questions),
        question_names=question_names or (),
        contexts=None if contexts is None else _frozen(contexts),
        context_names=context_names or (),
        encoding=encoding,
        delimiter=delimiter,
    )


def _too_many_labels(question: str | None, count: int) -> ImportFormatError:
    which = f"question {quote(question)} of the pilot" if question is not None else "the pilot"
    return ImportFormatError(
        f"{which} has {count:,} distinct labels; a pilot question may have at most {MAX_LABELS} (the calibration "
        f"keeps a {MAX_LABELS}×{MAX_LABELS} confusion matrix per rater). Numeric labels (scores, measurements) "
        f"belong on a numeric scale: bin them into at most {MAX_LABELS} levels, or wait for the numeric 'scale' "
        f"question format, which is planned for them"
    )


def _check_label_counts(questions: np.ndarray, labels: np.ndarray, row_gold: np.ndarray | None,
                        question_names: tuple[str, ...], classes: int) -> None:
    """Refuse a question with more than :data:`MAX_LABELS` distinct labels (gold answers included)."""
    if classes <= MAX_LABELS:
        return
    pairs = [questions * classes + labels]
    if row_gold is not None:
        known = row_gold >= 0
        pairs.append(questions[known] * classes + row_gold[known])
    distinct = np.unique(np.concatenate(pairs)) // classes
    counts = np.bincount(distinct, minlength=len(question_names))
    worst = int(np.argmax(counts))
    if counts[worst] > MAX_LABELS:
        raise _too_many_labels(question_names[worst], int(counts[worst]))


def _parse_seconds(values: list[str], lines: np.ndarray) -> np.ndarray:
    try:
        # numpy parses a list of numeric strings in C; empty cells (no time) need the slow path.
        seconds = np.array(values, dtype=np.float64)
    except ValueError:
        seconds = np.empty(len(values))
        for position, value in enumerate(values):
            try:
                seconds[position] = float(value) if value.strip() else math.nan
            except ValueError:
                raise ImportFormatError(f"line {lines[position]}: seconds must be a number, got {quote(value)}") from None
    bad = np.flatnonzero(~np.isnan(seconds) & (~np.isfinite(seconds) | (seconds < 0)))
    if bad.size:
        raise ImportFormatError(f"line {lines[bad[0]]}: seconds must be a finite number >= 0, got {quote(values[bad[0]])}")
    return seconds


def _check_gold_consistency(items: np.ndarray, row_gold: np.ndarray, lines: np.ndarray, item_names: list[str], class_names: list[str]) -> None:
    known = np.flatnonzero(row_gold >= 0)
    if known.size == 0:
        return
    order = known[np.lexsort((known, items[known]))]
    same_item = items[order][1:] == items[order][:-1]
    conflict = np.flatnonzero(same_item & (row_gold[order][1:] != row_gold[order][:-1]))
    if conflict.size:
        # Report the conflicting row that comes latest in the sorted pair, i.e. the later line.
        first, second = order[conflict[0]], order[conflict[0] + 1]
        later, earlier = (second, first) if lines[second] > lines[first] else (first, second)
        raise ImportFormatError(
            f"line {lines[later]}: item {quote(item_names[items[later]])} has gold {quote(class_names[row_gold[later]])}, "
            f"but line {lines[earlier]} gave it gold {quote(class_names[row_gold[earlier]])}"
        )


def _check_duplicates(items, raters, questions, lines, item_names, rater_names) -> None:
    question_codes = np.zeros_like(items) if questions is None else questions
    keys = (question_codes * (int(items.max()) + 1) + items) * (int(raters.max()) + 1) + raters
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if repeated.size:
        first, second = order[repeated[0]], order[repeated[0] + 1]
        raise ImportFormatError(
            f"line {lines[second]}: rater {quote(rater_names[raters[second]])} labels item {quote(item_names[items[second]])} "
            f"a second time (first at line {lines[first]}); keep one label per rater, item and question"
        )


def read_pilot(source: str | os.PathLike[str] | bytes | BinaryIO, *, name: str | None = None, max_rows: int = MAX_ROWS) -> PilotDataset:
    """Read a pilot CSV or TSV.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary stream.
    name
        What to call the dataset (default: the file name, or ``"pilot"``).
    max_rows
        Most label rows accepted, 1 to :data:`MAX_ROWS`.

    Returns
    -------
    PilotDataset

    Raises
    ------
    ImportFormatError
        With the line number, for a missing column, a wrong number of fields, an empty required
        field, a non-numeric or negative time, an item given two different gold answers, a rater
        labelling the same item twice, text that is neither UTF-8 (with or without BOM), UTF-16
        with BOM nor Windows-1252, or more than ``max_rows`` rows.

    Notes
    -----
    The file is parsed as a stream (one pass through :mod:`csv`), so memory grows with the number
    of rows, not with the size of the text. The delimiter is found by :class:`csv.Sniffer` on the
    first 64 KiB, falling back to whichever of comma, tab, semicolon and bar splits the header into
    the most fields.
    """
    if not 1 <= int(max_rows) <= MAX_ROWS:
        raise ValueError(f"max_rows must be an integer from 1 to {MAX_ROWS}, got {max_rows}")
    if isinstance(source, (bytes, bytearray, memoryview)):
        check_pilot_size(len(source), name or "pilot")
        return _read_binary(io.BytesIO(bytes(source)), name or "pilot", max_rows)
    if hasattr(source, "read"):
        return _read_binary(source, name or Path(str(getattr(source, "name", "pilot"))).name, max_rows)  # type: ignore[arg-type]
    path = Path(source)
    try:
        if not path.is_file():
            raise ImportFormatError(f"{path}: not a regular file" if path.exists() else f"{path}: no such file")
        check_pilot_size(path.stat().st_size, str(path))
        with open(path, "rb") as handle:
            return _read_binary(handle, name or path.name, max_rows)
    except OSError as error:
        raise ImportFormatError(f"{path}: cannot read ({error.strerror})") from None


def check_pilot_size(size: int, name: str) -> None:
    """Refuse a pilot file over :data:`MAX_BYTES` before it is read.

    Raises
    ------
    ImportFormatError
        Naming the size and the limit.
    """
    if size > MAX_BYTES:
        raise ImportFormatError(
            f"{name}: {size:,} bytes is too large for a pilot file (at most {MAX_BYTES:,} bytes); split it into smaller files"
        )


def _read_binary(handle: BinaryIO, name: str, max_rows: int) -> PilotDataset:
    head = handle.read(SAMPLE_BYTES)
    if not head:
        raise ImportFormatError("the file is empty: expected a header row with item, rater and label columns")
    encoding = _detect_encoding(head)
    attempts = [encoding] + (["cp1252"] if encoding == "utf-8" else [])
    for attempt in attempts:
        handle.seek(0)
        sample = head.decode(attempt, errors="ignore")
        delimiter = _detect_delimiter(sample, name)
        stream = io.TextIOWrapper(handle, encoding=attempt, newline="")
        try:
            parsed = _parse(stream, delimiter, max_rows)
        except UnicodeDecodeError as error:
            if attempt == attempts[-1]:
                raise ImportFormatError(
                    f"the text is not {attempt} (byte {error.object[error.start:error.start + 1]!r} cannot be decoded); "
                    "save the file as UTF-8"
                ) from None
            continue  # UTF-8 failed past the sample: read it again as Windows-1252.
        finally:
            stream.detach()
        return _build_dataset(parsed, name, attempt, delimiter)
    raise AssertionError("unreachable")


# ==================================================================== kernels
def cascade_kernel(question: Question, dprime: float, classes: int | None = None) -> np.ndarray:
    """A single rater's kernel ``K_cog(d′) @ K_art(slip)`` for a nominal or ordinal question
    (:func:`models.channel.rater_kernel`, the kernel the evaluation uses).

    Parameters
    ----------
    question
        A binary, categorical, ordinal or pairwise question.
    dprime
        Discriminability d′ >= 0.
    classes
        Number of answers, >= 2 (default: the question's k).

    Returns
    -------
    numpy.ndarray
        Row-stochastic (classes, classes) kernel, read-only.

    Raises
    ------
    ValueError
        For ranking, multi-select and free-text questions (no single-label kernel to calibrate).
    """
    kind = question.format.kind
    if kind not in NOMINAL_KINDS + ORDINAL_KINDS:
        raise ValueError(
            f"question {question.name!r}: pilots calibrate binary, categorical, ordinal and pairwise questions, not {kind}"
        )
    scale = "nominal" if kind in NOMINAL_KINDS else "ordinal"
    return _scale_kernel(scale, int(classes or question.format.k or 2), dprime, question.slip_rate, question.span)


def _scale_kernel(scale: str, k: int, dprime: float, slip_rate: float, span: float) -> np.ndarray:
    """The single rater's kernel of a nominal or ordinal scale of k answers. A pilot's classes
    may outnumber a binary question's two, so nominal scales are built as categorical ones (the
    same kernel at k = 2), and pairwise ones as the ordinal scale they are."""
    kind = "categorical" if scale == "nominal" else "ordinal"
    return rater_kernel(kind, k, dprime, span=span, slip_rate=slip_rate)  # type: ignore[return-value]


def _pilot_curve(scale: str, k: int, slip_rate: float, span: float, class_weights: np.ndarray) -> empirical.AccuracyCurve:
    return empirical.accuracy_curve(lambda d: _scale_kernel(scale, k, d, slip_rate, span), class_weights)


# ===================================================================== summary
@dataclass(frozen=True)
class MethodResult:
    """One aggregation method's result on the pilot."""

    accuracy_vs_gold: float | None
    class_priors: tuple[float, ...]
    iterations: int
    converged: bool
    log_likelihood: float | None


@dataclass(frozen=True)
class RaterReport:
    """One rater: how many labels, how good, and the flag.

    ``balanced_accuracy`` is the mean of the Dawid–Skene confusion diagonal (1/k for a rater
    whose answers ignore the truth); ``spam_score`` the largest total-variation distance between two
    rows of that matrix (0: the answer does not depend on the truth; 1: rows never overlap).
    """

    name: str
    labels: int
    accuracy_vs_gold: float | None
    balanced_accuracy: float
    spam_score: float
    flag: str
    confusion: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class SpeedAccuracy:
    """Fitted ``d′(t) = λ (1 − exp(−β (t − δ₀)))`` in the pilot's own seconds per item."""

    discriminability: float
    accrual_rate: float
    base_time: float
    standard_errors: tuple[float, float, float] | None
    log_likelihood: float
    chance_log_likelihood: float
    labels: int
    truth: str


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

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.classes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (lists for tuples, finite floats, None where not available)."""
        data = asdict(self)
        data["capacity_bits"] = self.capacity_nats / math.log(2.0)
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


def _spam_scores(confusion: np.ndarray) -> np.ndarray:
    """Per rater, the largest total-variation distance between two rows of the confusion matrix.

    ``confusion`` has shape (R, k, k). The pairwise differences of one rater take k³ numbers, so
    raters go in blocks of at most about four million numbers: memory stays bounded, and time is
    linear in the number of raters.
    """
    raters, k = confusion.shape[0], confusion.shape[-1]
    scores = np.empty(raters)
    block = max(1, (1 << 22) // max(k**3, 1))
    for start in range(0, raters, block):
        part = confusion[start:start + block]
        differences = np.abs(part[:, :, None, :] - part[:, None, :, :]).sum(axis=3) / 2.0
        scores[start:start + block] = differences.max(axis=(1, 2))
    return scores


def rater_flag(confusion: np.ndarray, labels: int, *, spam_threshold: float = SPAM_THRESHOLD, min_labels: int = MIN_LABELS_TO_FLAG,
               spam_score: float | None = None) -> str:
    """Classify one rater from their Dawid–Skene confusion matrix.

    The rule, in order:

    1. ``"few_labels"`` when the rater gave fewer than ``min_labels`` labels (not judged);
    2. ``"lazy"`` (lazy or spammer) when every two rows of the confusion matrix are within total
       variation distance ``spam_threshold``: the answer hardly depends on the truth, whether the
       rater always gives the same answer or answers at random. For two classes this is
       ``|sensitivity + specificity − 1| <= spam_threshold``;
    3. ``"malicious"`` when the rows do differ but the balanced accuracy (mean of the diagonal)
       is below chance, ``1/k``: the rater's answers carry information, inverted;
    4. ``"ok"`` otherwise.

    Parameters
    ----------
    confusion
        Row-stochastic (k, k) matrix, rows true classes.
    labels
        Labels the rater gave, >= 0.
    spam_threshold
        Total-variation threshold in [0, 1).
    min_labels
        Fewest labels to judge a rater, >= 1.
    spam_score
        The rater's largest row distance when already computed (it costs k³); None computes it.
    """
    matrix = np.asarray(confusion, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"confusion must be a square matrix, got shape {matrix.shape}")
    if not 0.0 <= spam_threshold < 1.0:
        raise ValueError(f"spam_threshold must be in [0, 1), got {spam_threshold}")
    if labels < min_labels:
        return "few_labels"
    spam = float(_spam_scores(matrix[None])[0]) if spam_score is None else float(spam_score)
    if spam <= spam_threshold:
        return "lazy"
    if float(np.mean(np.diagonal(matrix))) < 1.0 / matrix.shape[0]:
        return "malicious"
    return "ok"


def _time_bins(seconds: np.ndarray | None, n_labels: int) -> np.ndarray:
    """Label -> time-bin code: deciles of the label times, untimed labels in a bin of their own."""
    if seconds is None or not np.any(np.isfinite(seconds)):
        return np.zeros(n_labels, dtype=np.int64)
    timed = np.isfinite(seconds)
    distinct = np.unique(seconds[timed]).size
    bins = max(1, min(TIME_BINS, distinct))
    edges = np.quantile(seconds[timed], np.linspace(0.0, 1.0, bins + 1)[1:-1])
    codes = np.full(n_labels, bins, dtype=np.int64)
    codes[timed] = np.searchsorted(edges, seconds[timed], side="right")
    return codes


def _binned_kernels(data: Annotations, truth_weights: np.ndarray, bins: np.ndarray, pooled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One pooled kernel per time bin (rows without data fall back to the overall kernel)."""
    k = data.n_classes
    used_bins, index = np.unique(bins, return_inverse=True)
    flat = (index[:, None] * k + np.arange(k)[None, :]) * k + data.labels[:, None]
    counts = np.bincount(flat.ravel(), weights=truth_weights[data.items].ravel(), minlength=used_bins.size * k * k)
    counts = counts.reshape(used_bins.size, k, k)
    totals = counts.sum(axis=2, keepdims=True)
    table = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), pooled[None, :, :])
    return table, index.astype(np.int64)


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
    progress: Callable[[int, int], bool] | None = None,
    contexts: Mapping[str, tuple[float, float]] | None = None,
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
        ``progress(done, total) -> bool`` for the bootstrap; False cancels
        (:class:`models.empirical.Cancelled`).
    contexts
        ``{context name: (difficulty, reading seconds)}`` of the scenario the pilot will calibrate.
        When given and the pilot has a context column, the speed–accuracy fit multiplies λ by each
        label's context difficulty and starts its clock after the context's reading time, so that
        λ, β and δ₀ come out free of the contexts (:func:`apply_to_scenario` then converts only
        the time share and the effort). Every context of the pilot must be named.

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
    """
    if scale not in ("nominal", "ordinal"):
        raise ValueError(f"scale must be 'nominal' or 'ordinal', got {scale!r}")
    if gold_use not in ("evaluate", "clamp"):
        raise ValueError(f"gold_use must be 'evaluate' or 'clamp', got {gold_use!r}")
    if not 0.0 <= slip_rate < 0.5:
        raise ValueError(f"slip_rate must be in [0, 0.5), got {slip_rate}")
    if not span > 0:
        raise ValueError(f"span must be > 0, got {span}")
    pilot = dataset.for_question(question)
    if len(pilot.class_names) > MAX_LABELS:
        raise _too_many_labels(question, len(pilot.class_names))
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

    results: dict[str, Aggregation] = {
        "majority_vote": majority_vote(data),
        "one_coin": one_coin_dawid_skene(data, gold=clamp),
        "dawid_skene": dawid_skene(data, gold=clamp),
    }
    methods = {}
    for method, result in results.items():
        scored = has_gold and (clamp is None or method == "majority_vote")
        methods[method] = MethodResult(
            accuracy_vs_gold=result.accuracy_against(gold) if scored else None,
            class_priors=tuple(float(p) for p in result.class_priors),
            iterations=result.iterations,
            converged=result.converged,
            log_likelihood=result.log_likelihood,
        )
    ds = results["dawid_skene"]
    if not ds.converged:
        notes.append(f"Dawid–Skene stopped at its iteration cap ({ds.iterations}) before converging")

    agreement_stats = _agreement(data)

    truth = gold if has_gold else np.asarray(ds.posteriors)
    kernel_source = "gold" if has_gold else "dawid_skene"
    capacity = empirical.empirical_capacity(data, truth, n_boot=n_boot, level=level, seed=seed, progress=progress)
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
        bins = np.asarray(pilot.contexts) * (TIME_BINS + 1) + bins
    table, kernel_index = _binned_kernels(data, kernel_weights, bins, full_kernel)
    try:
        correlation = empirical.excess_unanimity_correlation(data, truth_weights, table, kernel_index)
        rho, observed_u, independent_u = correlation.rho, correlation.observed_unanimity, correlation.independent_unanimity
        if not correlation.identifiable:
            notes.append("raters are (nearly) always unanimous: ρ cannot be seen and is reported as 0")
        if not has_gold:
            notes.append("no gold: ρ is estimated against Dawid–Skene, which assumes independent raters, so it is a lower estimate")
    except InvalidArgumentError:
        rho, observed_u, independent_u = 0.0, 1.0, 1.0
        notes.append("no item has two labels: ρ cannot be estimated and is reported as 0")

    context_model = _context_model(pilot, contexts)
    speed = _fit_speed(pilot, data, gold, ds, has_gold, scale, k, slip_rate, span, context_model, notes)
    context_accuracy = _context_accuracy(pilot, data, truth_weights if has_gold else np.asarray(ds.posteriors))

    reports, flagged = _rater_reports(pilot, data, ds, gold)
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
    )


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


def _fit_speed(pilot, data, gold, ds, has_gold, scale, k, slip_rate, span, context_model, notes) -> SpeedAccuracy | None:
    if pilot.seconds is None:
        return None
    truth_per_item = gold if has_gold else np.asarray(ds.labels)
    truth_per_label = truth_per_item[data.items]
    usable = np.isfinite(pilot.seconds) & (truth_per_label >= 0)
    if not np.any(usable):
        notes.append("no timed label has a known true class: no speed–accuracy fit")
        return None
    class_shares = np.bincount(truth_per_label[usable], minlength=k).astype(float)
    class_shares /= class_shares.sum()
    curve = _pilot_curve(scale, k, slip_rate, span, class_shares)
    try:
        multiplier = offset = None
        if context_model is not None:
            difficulty = np.array([context_model[name][0] for name in pilot.context_names])
            reading = np.array([context_model[name][1] for name in pilot.context_names])
            multiplier = difficulty[np.asarray(pilot.contexts)[usable]]
            offset = reading[np.asarray(pilot.contexts)[usable]]
        fit = empirical.fit_speed_accuracy(
            pilot.seconds[usable], data.labels[usable] == truth_per_label[usable], curve, multiplier=multiplier, offset=offset
        )
    except InvalidArgumentError as error:
        notes.append(f"no speed–accuracy fit: {error}")
        return None
    if fit.discriminability >= curve.dprimes[-1] * 0.999:
        notes.append("the fitted discriminability reached the top of the tabulated range: accuracy is near perfect at every time")
    return SpeedAccuracy(
        discriminability=fit.discriminability,
        accrual_rate=fit.accrual_rate,
        base_time=fit.base_time,
        standard_errors=fit.standard_errors,
        log_likelihood=fit.log_likelihood,
        chance_log_likelihood=fit.chance_log_likelihood,
        labels=fit.n_labels,
        truth="gold" if has_gold else "dawid_skene",
    )


def _rater_reports(pilot: PilotDataset, data: Annotations, ds: Aggregation, gold: np.ndarray):
    confusion = np.asarray(ds.confusion)
    per_rater = data.labels_per_rater()
    spam = _spam_scores(confusion)
    balanced = ds.rater_accuracy()
    label_gold = gold[data.items]
    on_gold = label_gold >= 0
    gold_labels = np.bincount(data.raters[on_gold], minlength=data.n_raters)
    gold_correct = np.bincount(data.raters[on_gold], weights=(data.labels[on_gold] == label_gold[on_gold]).astype(float), minlength=data.n_raters)
    reports = []
    flagged: dict[str, list[str]] = {"malicious": [], "lazy": []}
    for rater in range(data.n_raters):
        flag = rater_flag(confusion[rater], int(per_rater[rater]), spam_score=spam[rater])
        name = pilot.rater_names[rater]
        if flag in flagged:
            flagged[flag].append(name)
        reports.append(
            RaterReport(
                name=name,
                labels=int(per_rater[rater]),
                accuracy_vs_gold=float(gold_correct[rater] / gold_labels[rater]) if gold_labels[rater] else None,
                balanced_accuracy=float(balanced[rater]),
                spam_score=float(spam[rater]),
                flag=flag,
                confusion=tuple(tuple(float(v) for v in row) for row in confusion[rater]),
            )
        )
    return tuple(reports), {key: tuple(names) for key, names in flagged.items()}


def summary_options(summary: dict[str, Any]) -> dict[str, Any]:
    """The options a stored summary dictionary was computed with (to decide whether it can be reused)."""
    return {
        "question": summary.get("question"),
        "scale": summary.get("scale"),
        "slip_rate": summary.get("slip_rate"),
        "span": summary.get("span"),
        "gold_use": summary.get("gold_use"),
        "n_boot": summary.get("bootstrap_resamples"),
        "level": summary.get("capacity_level"),
        "seed": summary.get("bootstrap_seed"),
    }


def storage_summary(dataset: PilotDataset, *, progress: Callable[[int, int], bool] | None = None, **options: Any) -> dict[str, Any]:
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


# ===================================================================== apply
def question_index(scenario: Scenario, question: str | None) -> int:
    """Index of the named question; the only question when ``question`` is None.

    Raises
    ------
    ValueError
        When the name is unknown, or None while the scenario has several questions.
    """
    names = [q.name for q in scenario.questions]
    if question is None:
        if len(names) == 1:
            return 0
        raise ValueError(f"question: the scenario has {len(names)} questions ({', '.join(map(repr, names))}); name the one the pilot measured")
    if question not in names:
        raise ValueError(f"question: the scenario has no question {question!r}; it has {', '.join(map(repr, names))}")
    return names.index(question)


def _question_share(scenario: Scenario, index: int) -> float:
    """The question's share of the judgment time, as the evaluation uses it."""
    if len(scenario.questions) == 1:
        return 1.0
    # Fixed shares are normalised and water-filled ones depend on every question's capacity
    # curve: ask the evaluation.
    from advisor.evaluation.evaluate import time_shares

    return float(time_shares(scenario)[index])


def _context_means(scenario: Scenario) -> tuple[float, float]:
    """Context-weighted reading seconds and difficulty."""
    weights = scenario.context_weights
    reading = sum(w * timing.reading_seconds(c.reading_words, scenario.raters.reading_wpm) for w, c in zip(weights, scenario.contexts))
    difficulty = sum(w * c.difficulty for w, c in zip(weights, scenario.contexts))
    return float(reading), float(difficulty)


def _check_compatible(question: Question, summary: PilotSummary) -> None:
    kind = question.format.kind
    if kind not in NOMINAL_KINDS + ORDINAL_KINDS:
        raise ValueError(f"question {question.name!r}: pilots calibrate binary, categorical, ordinal and pairwise questions, not {kind}")
    wanted = "nominal" if kind in NOMINAL_KINDS else "ordinal"
    if summary.scale != wanted:
        raise ValueError(
            f"question {question.name!r} is {kind}, but the pilot was summarised on the {summary.scale} scale; "
            f"summarise it with scale={wanted!r}"
        )


def apply_to_scenario(
    scenario: Scenario,
    summary: PilotSummary,
    *,
    question: str | None = None,
    source: str | None = None,
) -> Scenario:
    """A copy of ``scenario`` calibrated from a pilot summary, with a provenance entry.

    What is set:

    * ``raters.correlation`` from ρ (capped at 0.99);
    * with a speed–accuracy fit: ``raters.discriminability``, ``raters.accrual_rate`` and
      ``raters.base_time``, converted from the pilot's seconds per item to the scenario's
      effective seconds ``t_eff = share · (t − R_s) / e`` (e the Hick–Hyman effort, share the
      question's time share, R_s the context's reading time). When the summary was made with this
      scenario's contexts (``summarize(..., contexts=...)``) the fit already holds per-context
      difficulty and reading time: ``λ = λ̂``, ``β = β̂ · e / share``, ``δ₀ = δ̂₀ · share / e``.
      Otherwise the context-weighted means R and D stand in:
      ``λ = λ̂ / D``, ``β = β̂ · e / share``, ``δ₀ = (δ̂₀ − R) · share / e``;
    * without one: ``raters.discriminability`` only, inverting the single-rater accuracy of the
      pilot through the question's kernel (with its slip rate) at the scenario's effective time,
      i.e. assuming the pilot ran with the scenario's time per item — per context when the pilot
      has every context of the scenario (``λ = Σ_s w_s d′_s / (difficulty_s · growth_s)``), else
      pooled with the mean difficulty.

    Parameters
    ----------
    scenario
        The scenario to calibrate.
    summary
        From :func:`summarize`, on the scale matching the question's format.
    question
        The scenario question the pilot measured (may be omitted when there is one).
    source
        Where the pilot came from, for the provenance (default: the summary's source).

    Returns
    -------
    Scenario
        A validated copy; the original is unchanged.

    Raises
    ------
    ValueError
        When the question is unknown or unsupported, the scale does not match, or the pilot's
        accuracy cannot be inverted (at or below chance, or the scenario's effective time is not
        past the base time).
    """
    index = question_index(scenario, question)
    target = scenario.questions[index]
    _check_compatible(target, summary)
    share = _question_share(scenario, index)
    effort = timing.hick_hyman_effort(target.format.kind, summary.k)
    reading, difficulty = _context_means(scenario)
    raters = scenario.raters
    changes: dict[str, Any] = {}
    details: list[str] = [
        f"{summary.labels} labels on {summary.items} items by {summary.raters} raters; kernel from {summary.kernel_source}",
        f"single-rater accuracy {summary.single_rater_accuracy:.4f}; capacity {summary.capacity_nats:.4f} nats "
        f"({summary.capacity_level:.0%} CI {summary.capacity_ci[0]:.4f}–{summary.capacity_ci[1]:.4f})",
    ]
    if summary.k != (target.format.k or 2):
        details.append(f"the pilot had {summary.k} classes, question {target.name!r} has {target.format.k}: λ is carried over as a rater property")
    clipped: list[str] = []

    def limited(name: str, value: float, low: float, high: float) -> float:
        if value > high or value < low:
            clipped.append(f"{name} {value:.4g} clipped to [{low:g}, {high:g}]")
        return float(min(max(value, low), high))

    speed = summary.speed_accuracy
    if speed is not None:
        asymptote = speed.discriminability
        if abs(summary.slip_rate - target.slip_rate) > 1e-12:
            asymptote = _rematch_slip(summary, target, asymptote)
            details.append(
                f"λ re-matched from the pilot's assumed slip {summary.slip_rate:g} to the question's {target.slip_rate:g} at the asymptote"
            )
        if share <= 0:
            raise ValueError(f"question {target.name!r} has no judgment time (share 0): cannot convert the pilot's times")
        if summary.context_model is not None:
            _check_context_model(scenario, summary.context_model)
            context_reading, context_difficulty = 0.0, 1.0
            how = "per-context difficulty and reading time inside the fit"
        else:
            context_reading, context_difficulty = reading, difficulty
            how = f"context-weighted reading {reading:.4g} s and difficulty {difficulty:.4g}"
            if len(scenario.contexts) > 1:
                details.append("the pilot's fit ignores contexts, so mean reading time and difficulty stand in for them")
        lam = limited("discriminability", asymptote / context_difficulty, 1e-6, LAMBDA_LIMIT)
        beta = limited("accrual_rate", speed.accrual_rate * effort / share, 1e-6, ACCRUAL_LIMIT)
        delta = limited("base_time", (speed.base_time - context_reading) * share / effort, 0.0, BASE_TIME_LIMIT)
        changes.update({"raters.discriminability": lam, "raters.accrual_rate": beta, "raters.base_time": delta})
        details.append(
            f"speed–accuracy fit in pilot seconds: λ {speed.discriminability:.4g}, β {speed.accrual_rate:.4g}/s, "
            f"δ₀ {speed.base_time:.4g} s; converted with share {share:.4g}, effort {effort:.4g}, {how}"
        )
        method = "pilot: speed–accuracy maximum likelihood + excess unanimity"
    else:
        curve = _pilot_curve(summary.scale, summary.k, target.slip_rate, target.span, np.full(summary.k, 1.0 / summary.k))
        names = [c.name for c in scenario.contexts]
        if len(names) > 1 and all(name in summary.context_accuracy for name in names):
            strata = [
                (w, c.difficulty, timing.reading_seconds(c.reading_words, raters.reading_wpm), summary.context_accuracy[c.name], c.name)
                for w, c in zip(scenario.context_weights, scenario.contexts)
            ]
        else:
            strata = [(1.0, difficulty, reading, summary.single_rater_accuracy, "all contexts")]
        lam_sum = 0.0
        for weight, context_difficulty, context_reading, accuracy, label in strata:
            effective = share * max(0.0, scenario.campaign.seconds_per_item - context_reading) / effort
            growth = -math.expm1(-raters.accrual_rate * (effective - raters.base_time)) if effective > raters.base_time else 0.0
            if growth <= 0:
                raise ValueError(
                    f"question {target.name!r} ({label}): the scenario's effective time {effective:.3g} s is not past the base "
                    f"time {raters.base_time:g} s, so no discriminability reproduces the pilot's accuracy"
                )
            try:
                needed = curve.inverse(accuracy)
            except InvalidArgumentError as error:
                raise ValueError(f"pilot accuracy {accuracy:.4f} ({label}) cannot be inverted: {error}") from None
            lam_sum += weight * needed / (context_difficulty * growth)
            details.append(
                f"no seconds ({label}): accuracy {accuracy:.4f} → d′ {needed:.4g} at the scenario's effective time {effective:.4g} s"
            )
        changes["raters.discriminability"] = limited("discriminability", lam_sum, 1e-6, LAMBDA_LIMIT)
        details.append(f"β {raters.accrual_rate:g}/s and δ₀ {raters.base_time:g} s kept")
        method = "pilot: accuracy inversion + excess unanimity"
    changes["raters.correlation"] = limited("correlation", summary.rho, 0.0, RHO_LIMIT)
    details.append(
        f"ρ {summary.rho:.4f} from unanimity {summary.observed_unanimity:.4f} observed vs {summary.independent_unanimity:.4f} if independent"
    )
    details.extend(clipped)
    details.extend(summary.notes)
    record = Provenance(
        source=(source or summary.source)[:500],
        method=method,
        fields=tuple(sorted(changes)),
        detail="; ".join(details)[:5000],
        created=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )
    changes["provenance"] = [p.model_dump() for p in scenario.provenance] + [record.model_dump()]
    return scenario.with_changes(changes)


def scenario_contexts(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """``{context name: (difficulty, reading seconds)}``, the ``contexts`` argument of :func:`summarize`."""
    return {
        c.name: (float(c.difficulty), timing.reading_seconds(c.reading_words, scenario.raters.reading_wpm))
        for c in scenario.contexts
    }


def _check_context_model(scenario: Scenario, model: Mapping[str, tuple[float, float]]) -> None:
    wanted = scenario_contexts(scenario)
    for name, (difficulty, reading) in model.items():
        if name not in wanted or not np.allclose(wanted[name], (difficulty, reading), rtol=1e-9, atol=1e-12):
            raise ValueError(
                f"the pilot was summarised with context {name!r} = (difficulty {difficulty:g}, reading {reading:g} s), which "
                "this scenario does not have; summarise it again with contexts=scenario_contexts(scenario)"
            )


def _rematch_slip(summary: PilotSummary, target: Question, asymptote: float) -> float:
    weights = np.full(summary.k, 1.0 / summary.k)
    fitted = _pilot_curve(summary.scale, summary.k, summary.slip_rate, summary.span, weights)
    wanted = _pilot_curve(summary.scale, summary.k, target.slip_rate, target.span, weights)
    accuracy = float(fitted(asymptote))
    if accuracy <= wanted.chance or accuracy >= wanted.ceiling:
        return asymptote
    return wanted.inverse(accuracy)


# ==================================================================== simulate
def simulate_pilot(
    scenario: Scenario,
    *,
    items: int,
    seed: int,
    question: str | None = None,
    time_spread: float = 0.8,
    pool: int | None = None,
    name: str | None = None,
) -> PilotDataset:
    """Simulate a pilot of ``items`` items from a scenario.

    Each item gets a gold class drawn uniformly, a context drawn by the context weights, and a
    time ``t`` drawn log-normally around the scenario's seconds per item (mean ``T``, log-scale
    standard deviation ``time_spread``), rounded to 0.01 s; its ``raters.per_item`` raters all
    spend that time. Varying the time from item to item is what makes λ, β and δ₀ identifiable.
    The raters answer through the question's single-rater cascade kernel
    ``K_cog(d′(t_eff)) @ K_art`` (the method §3) with
    ``t_eff = share · max(0, t − reading) / e`` and ``d′ = λ · difficulty · (1 − exp(−β (t_eff − δ₀)))``,
    and with probability ρ all raters of an item copy one draw (the §4 mixture).

    Parameters
    ----------
    scenario
        The scenario.
    items
        Items to simulate, 1 to 1 000 000 (labels = items × raters per item, at most 10 000 000).
    seed
        Random seed, >= 0: the same seed gives the same pilot.
    question
        Which question (may be omitted when the scenario has one); binary, categorical, ordinal
        or pairwise.
    time_spread
        Log-scale standard deviation of the time per item, in [0, 2].
    pool
        Number of distinct raters, >= raters per item (default: about 20 labels per rater, at
        least raters per item, at most 1 000).
    name
        Dataset name (default ``"simulated <scenario name>"``).

    Returns
    -------
    PilotDataset
        With gold for every item, seconds, the question name and, with several contexts, contexts.
    """
    if isinstance(items, bool) or not isinstance(items, (int, np.integer)) or not 1 <= items <= 1_000_000:
        raise ValueError(f"items must be an integer from 1 to 1000000, got {items!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if not 0.0 <= time_spread <= 2.0:
        raise ValueError(f"time_spread must be in [0, 2], got {time_spread}")
    index = question_index(scenario, question)
    target = scenario.questions[index]
    kind = target.format.kind
    if kind not in NOMINAL_KINDS + ORDINAL_KINDS:
        raise ValueError(f"question {target.name!r}: pilots can be simulated for binary, categorical, ordinal and pairwise questions, not {kind}")
    k = int(target.format.k or 2)
    per_item = scenario.raters.per_item
    labels_total = items * per_item
    if labels_total > 10_000_000:
        raise ValueError(f"items × raters per item must be at most 10000000, got {labels_total}")
    if pool is None:
        pool = int(min(1000, max(per_item, labels_total // 20)))
    if not per_item <= pool <= 1_000_000:
        raise ValueError(f"pool must be an integer from {per_item} (raters per item) to 1000000, got {pool}")
    rng = np.random.default_rng(int(seed))
    raters = scenario.raters
    share = _question_share(scenario, index)
    effort = timing.hick_hyman_effort(kind, k)

    gold = rng.integers(0, k, size=items)
    weights = np.asarray(scenario.context_weights)
    context_of_item = rng.choice(len(weights), size=items, p=weights) if len(weights) > 1 else np.zeros(items, dtype=np.int64)
    mean = scenario.campaign.seconds_per_item
    seconds = np.round(mean * rng.lognormal(-0.5 * time_spread**2, time_spread, size=items), 2) if time_spread > 0 else np.full(items, float(mean))
    reading = np.array([timing.reading_seconds(c.reading_words, raters.reading_wpm) for c in scenario.contexts])[context_of_item]
    difficulty = np.array([c.difficulty for c in scenario.contexts])[context_of_item]
    effective = share * np.maximum(0.0, seconds - reading) / effort
    elapsed = np.maximum(effective - raters.base_time, 0.0)
    dprimes = raters.discriminability * difficulty * -np.expm1(-raters.accrual_rate * elapsed)

    # Kernels on a fine d' grid, interpolated linearly: a convex mixture of two row-stochastic
    # kernels is row-stochastic, and at this step the interpolation error is below 1e-5.
    grid = np.linspace(0.0, max(float(dprimes.max()), 1e-9), 2049)
    table = np.stack([cascade_kernel(target, float(d), k) for d in grid])
    position = np.interp(dprimes, grid, np.arange(grid.size))
    lower = np.minimum(np.floor(position).astype(np.int64), grid.size - 2)
    fraction = (position - lower)[:, None]
    rows = (1.0 - fraction) * table[lower, gold] + fraction * table[lower + 1, gold]
    cumulative = np.cumsum(rows, axis=1)
    cumulative[:, -1] = 1.0
    draws = rng.random((items, per_item))
    answers = (draws[:, :, None] > cumulative[:, None, :]).sum(axis=2)
    herded = rng.random(items) < raters.correlation
    answers[herded] = answers[herded, :1]

    start = rng.integers(0, pool, size=items)
    permutation = rng.permutation(pool)
    rater_codes = permutation[(start[:, None] + np.arange(per_item)[None, :]) % pool]

    item_codes = np.repeat(np.arange(items, dtype=np.int64), per_item)
    class_names = _simulated_class_names(target, k)
    contexts = context_names = None
    if len(scenario.contexts) > 1:
        contexts = _frozen(np.repeat(context_of_item.astype(np.int64), per_item))
        context_names = tuple(c.name for c in scenario.contexts)
    return PilotDataset(
        name=name or f"simulated {scenario.name}",
        items=_frozen(item_codes),
        raters=_frozen(rater_codes.ravel().astype(np.int64)),
        labels=_frozen(answers.ravel().astype(np.int64)),
        gold=_frozen(gold.astype(np.int64)),
        item_names=tuple(f"item{i + 1}" for i in range(items)),
        rater_names=tuple(f"rater{j + 1}" for j in range(pool)),
        class_names=class_names,
        seconds=_frozen(np.repeat(seconds, per_item)),
        questions=_frozen(np.zeros(items * per_item, dtype=np.int64)),
        question_names=(target.name,),
        contexts=contexts,
        context_names=context_names or (),
    )


def _simulated_class_names(question: Question, k: int) -> tuple[str, ...]:
    if question.format.kind == "binary":
        return ("0", "1")
    # Numbers keep an ordinal scale's order when the file is read back.
    return tuple(str(i + 1) for i in range(k))
