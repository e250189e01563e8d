"""Reading pilot files: CSV or TSV bytes to a :class:`~advisor.pilot.dataset.PilotDataset`.

:func:`read_pilot` takes a path, bytes or a binary stream with columns ``item``, ``rater``,
``label`` and optional ``gold``, ``seconds``, ``question``, ``context`` (crowd-kit's
``task``/``worker`` names and a few other common spellings are accepted, :data:`COLUMN_ALIASES`),
detects the encoding and the delimiter, and reports every problem as an
:class:`~advisor.errors.ImportFormatError` naming its line. The limits a pilot must stay within live
here too: :data:`MAX_ROWS` label rows, :data:`MAX_BYTES` bytes (:func:`check_pilot_size`) and
:data:`MAX_LABELS` distinct labels per question (:func:`too_many_labels_error`, which the summary
raises as well when one question of a wider file is summarised).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.pilot.dataset import ImportReport, PilotDataset, class_order, frozen_array
from advisor.pilot.numeric import NumericScale

__all__ = [
    "MAX_ROWS",
    "MAX_BYTES",
    "MAX_LABELS",
    "COLUMN_ALIASES",
    "build_dataset",
    "check_pilot_size",
    "map_columns",
    "parse_csv_stream",
    "parse_timestamp",
    "read_pilot",
    "too_many_labels_error",
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
    "timestamp": ("timestamp", "time_stamp", "submitted_at", "submit_time", "created_at"),
}
"""Accepted header names per column (compared case-insensitively, spaces and hyphens as ``_``)."""

REQUIRED_COLUMNS = ("item", "rater", "label")
DELIMITERS = (",", "\t", ";", "|")
SAMPLE_BYTES = 1 << 16


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


def map_columns(header: list[str]) -> dict[str, int]:
    """Which header position holds each pilot column (:data:`COLUMN_ALIASES`).

    Raises
    ------
    ImportFormatError
        For a column two headers could be, or a missing item, rater or label column.
    """
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


def _stripped_uniques(values: list[str]) -> dict[str, str]:
    """Each distinct raw value (first-appearance order) and its stripped form.

    Stripping the distinct values only, not every cell, keeps a million-row import fast.
    """
    return {raw: raw.strip() for raw in dict.fromkeys(values)}


def _codes(values: list[str], code_of_raw: dict[str, int]) -> np.ndarray:
    return np.fromiter(map(code_of_raw.__getitem__, values), dtype=np.int64, count=len(values))


def _encode(values: list[str], column: str, lines: np.ndarray, unit: str = "line") -> tuple[np.ndarray, list[str]]:
    """Codes in order of first appearance of the stripped value; an empty value is an error."""
    stripped = _stripped_uniques(values)
    names: dict[str, int] = {}
    code_of_raw = {raw: names.setdefault(clean, len(names)) for raw, clean in stripped.items()}
    if "" in names:
        first_blank = next(raw for raw, clean in stripped.items() if not clean)
        raise ImportFormatError(f"{unit} {lines[values.index(first_blank)]}: the {column} field is empty")
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


def _parse_rows(reader: Any, max_rows: int) -> dict[str, Any]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFormatError("the file is empty: expected a header row with item, rater and label columns") from None
    positions = map_columns(header)
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


def _build_dataset(parsed: dict[str, Any], name: str, encoding: str, delimiter: str, numeric: NumericScale | None = None) -> PilotDataset:
    return build_dataset(parsed["columns"], parsed["lines"], name=name, encoding=encoding, delimiter=delimiter,
                         report=ImportReport(format="csv", labels=int(parsed["lines"].size)), numeric=numeric)


def build_dataset(
    columns: dict[str, Any],
    lines: np.ndarray,
    *,
    name: str,
    encoding: str = "utf-8",
    delimiter: str = ",",
    unit: str = "line",
    report: ImportReport | None = None,
    numeric: NumericScale | None = None,
) -> PilotDataset:
    """Encode label rows into a :class:`PilotDataset`, checking them as the CSV reader does.

    Parameters
    ----------
    columns
        ``item``, ``rater``, ``label``: lists of strings, one entry per label; optional ``gold``
        (strings, empty where unknown), ``seconds`` (strings, empty where unknown, or floats, NaN
        where unknown), ``question``, ``context`` (strings) and ``timestamp`` (seconds since
        1970-01-01 UTC as floats, NaN where unknown).
    lines
        Where each label came from (a line or record number), int64, same length.
    name, encoding, delimiter
        Recorded on the dataset.
    unit
        What ``lines`` count (``"line"``, ``"record"``), for messages.
    report
        What the reader kept and left out.
    numeric
        A declared numeric scale: the labels and gold answers of its question (or of every
        question) are read as numbers and written canonically (``"-0"``, ``"00"``, ``"0.0"`` are one
        class ``"0"``), or binned; a question on it may have up to
        :data:`~advisor.pilot.numeric.MAX_SCALE_LEVELS` classes.

    Raises
    ------
    ImportFormatError
        Naming the line or record: an empty field, a negative or non-numeric time, an item with
        two gold answers, a rater labelling one item twice, fewer than two distinct labels, or
        more than :data:`MAX_LABELS` labels on a question.
    """
    items, item_names = _encode(columns["item"], "item", lines, unit)
    raters, rater_names = _encode(columns["rater"], "rater", lines, unit)
    label_values = columns["label"]
    gold_values = columns.get("gold")
    limit = MAX_LABELS
    if numeric is not None:
        label_values, gold_values = _on_scale(numeric, columns, lines, unit)
        limit = max(MAX_LABELS, numeric.levels)
    label_uniques = _stripped_uniques(label_values)
    if "" in label_uniques.values():
        first_blank = next(raw for raw, clean in label_uniques.items() if not clean)
        raise ImportFormatError(f"{unit} {lines[label_values.index(first_blank)]}: the label field is empty")
    first_seen: dict[str, None] = dict.fromkeys(label_uniques.values())
    gold_uniques = _stripped_uniques(gold_values) if gold_values is not None else {}
    first_seen.update(dict.fromkeys(clean for clean in gold_uniques.values() if clean))
    class_names = class_order(list(first_seen))
    if len(class_names) > limit and "question" not in columns:
        raise too_many_labels_error(None, len(class_names))
    class_index = {c: i for i, c in enumerate(class_names)}
    labels = _codes(label_values, {raw: class_index[clean] for raw, clean in label_uniques.items()})
    if len(class_names) < 2:
        raise ImportFormatError(f"the pilot has only one distinct label ({quote(class_names[0])}); at least two are needed")

    gold = np.full(len(item_names), -1, dtype=np.int64)
    row_gold = None
    if gold_values is not None:
        row_gold = _codes(gold_values, {raw: class_index[clean] if clean else -1 for raw, clean in gold_uniques.items()})
        _check_gold_consistency(items, row_gold, lines, item_names, class_names, unit)
        known = row_gold >= 0
        gold[items[known]] = row_gold[known]

    seconds = None
    if "seconds" in columns:
        seconds = _parse_seconds(columns["seconds"], lines, unit)
    timestamps = None
    if "timestamp" in columns:
        timestamps = _parse_timestamps(columns["timestamp"], lines, unit)

    questions = question_names = None
    if "question" in columns:
        questions, question_list = _encode(columns["question"], "question", lines, unit)
        question_names = tuple(question_list)
        _check_label_counts(questions, labels, row_gold, question_names, len(class_names), limit)
    contexts = context_names = None
    if "context" in columns:
        contexts, context_list = _encode(columns["context"], "context", lines, unit)
        context_names = tuple(context_list)

    _check_duplicates(items, raters, questions, lines, item_names, rater_names, unit)
    return PilotDataset(
        name=name,
        items=frozen_array(items),
        raters=frozen_array(raters),
        labels=frozen_array(labels),
        gold=frozen_array(gold),
        item_names=tuple(item_names),
        rater_names=tuple(rater_names),
        class_names=tuple(class_names),
        seconds=None if seconds is None else frozen_array(seconds),
        questions=None if questions is None else frozen_array(questions),
        question_names=question_names or (),
        contexts=None if contexts is None else frozen_array(contexts),
        context_names=context_names or (),
        encoding=encoding,
        delimiter=delimiter,
        timestamps=None if timestamps is None else frozen_array(timestamps),
        report=report,
    )


def _on_scale(numeric: NumericScale, columns: dict[str, Any], lines: np.ndarray, unit: str) -> tuple[list[str], list[str] | None]:
    """Labels and gold answers with the values on the declared scale written canonically."""
    labels = list(columns["label"])
    gold = list(columns["gold"]) if columns.get("gold") is not None else None
    questions = columns.get("question")
    if numeric.question is not None and questions is None and numeric.question:
        raise ImportFormatError(f"the numeric scale is declared for question {quote(numeric.question)}, but the pilot has no question column")
    cache: dict[str, str] = {}

    def canonical(raw: str, position: int, what: str) -> str:
        text = raw.strip()
        if text not in cache:
            try:
                cache[text] = numeric.normalise(text, what)
            except ImportFormatError as error:
                raise ImportFormatError(f"{unit} {lines[position]}: the {error}") from None
        return cache[text]

    for position in range(len(labels)):
        if numeric.question is not None and questions[position].strip() != numeric.question:
            continue
        labels[position] = canonical(labels[position], position, "label")
        if gold is not None and gold[position].strip():
            gold[position] = canonical(gold[position], position, "gold label")
    return labels, gold


def too_many_labels_error(question: str | None, count: int) -> ImportFormatError:
    """The error for a pilot question with ``count`` distinct labels, over :data:`MAX_LABELS`.

    Parameters
    ----------
    question
        The question's name, or None for a pilot without a question column.
    count
        Distinct labels found (gold answers included), > :data:`MAX_LABELS`.
    """
    which = f"question {quote(question)} of the pilot" if question is not None else "the pilot"
    return ImportFormatError(
        f"{which} has {count:,} distinct labels; a pilot question may have at most {MAX_LABELS} (the calibration "
        f"keeps a {MAX_LABELS}×{MAX_LABELS} confusion matrix per rater). Numeric labels (scores, measurements) "
        f"belong on a declared numeric scale (pilot summary --numeric LOW:HIGH[:STEP], optionally --bins N): "
        f"they are then read as numbers, \"0\", \"-0\" and \"00\" being one value"
    )


def _check_label_counts(questions: np.ndarray, labels: np.ndarray, row_gold: np.ndarray | None,
                        question_names: tuple[str, ...], classes: int, limit: int = MAX_LABELS) -> None:
    """Refuse a question with more than ``limit`` distinct labels (gold answers included)."""
    if classes <= limit:
        return
    pairs = [questions * classes + labels]
    if row_gold is not None:
        known = row_gold >= 0
        pairs.append(questions[known] * classes + row_gold[known])
    distinct = np.unique(np.concatenate(pairs)) // classes
    counts = np.bincount(distinct, minlength=len(question_names))
    worst = int(np.argmax(counts))
    if counts[worst] > limit:
        raise too_many_labels_error(question_names[worst], int(counts[worst]))


def _parse_seconds(values: Any, lines: np.ndarray, unit: str = "line") -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        seconds = values.astype(np.float64, copy=False)
        bad = np.flatnonzero(~np.isnan(seconds) & (~np.isfinite(seconds) | (seconds < 0)))
        if bad.size:
            raise ImportFormatError(f"{unit} {lines[bad[0]]}: seconds must be a finite number >= 0, got {seconds[bad[0]]:g}")
        return seconds
    try:
        # numpy parses a list of numeric strings in C; empty cells (no time) need the slow path.
        seconds = np.array(values, dtype=np.float64)
    except ValueError:
        seconds = np.empty(len(values))
        for position, value in enumerate(values):
            try:
                seconds[position] = float(value) if value.strip() else math.nan
            except ValueError:
                raise ImportFormatError(f"{unit} {lines[position]}: seconds must be a number, got {quote(value)}") from None
    bad = np.flatnonzero(~np.isnan(seconds) & (~np.isfinite(seconds) | (seconds < 0)))
    if bad.size:
        raise ImportFormatError(f"{unit} {lines[bad[0]]}: seconds must be a finite number >= 0, got {quote(values[bad[0]])}")
    return seconds


def _parse_timestamps(values: Any, lines: np.ndarray, unit: str = "line") -> np.ndarray:
    """Seconds since 1970-01-01 UTC from numbers or ISO 8601 text (a time without a zone is UTC)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values.astype(np.float64, copy=False)
    out = np.full(len(values), math.nan)
    parsed: dict[str, float] = {}
    for position, raw in enumerate(values):
        text = raw.strip()
        if not text:
            continue
        if text not in parsed:
            parsed[text] = parse_timestamp(text, f"{unit} {lines[position]}")
        out[position] = parsed[text]
    return out


def parse_timestamp(text: str, where: str) -> float:
    """One timestamp (a number of seconds since 1970, or ISO 8601 text) as seconds since 1970 UTC.

    Raises
    ------
    ImportFormatError
        Naming ``where`` and the text.
    """
    try:
        value = float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise ImportFormatError(
                f"{where}: timestamp must be seconds since 1970 or an ISO 8601 date and time, got {quote(text)}"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    if not math.isfinite(value):
        raise ImportFormatError(f"{where}: timestamp must be finite, got {quote(text)}")
    return value


def _check_gold_consistency(items: np.ndarray, row_gold: np.ndarray, lines: np.ndarray, item_names: list[str], class_names: list[str],
                            unit: str = "line") -> None:
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
            f"{unit} {lines[later]}: item {quote(item_names[items[later]])} has gold {quote(class_names[row_gold[later]])}, "
            f"but {unit} {lines[earlier]} gave it gold {quote(class_names[row_gold[earlier]])}"
        )


def _check_duplicates(items, raters, questions, lines, item_names, rater_names, unit: str = "line") -> None:
    question_codes = np.zeros_like(items) if questions is None else questions
    keys = (question_codes * (int(items.max()) + 1) + items) * (int(raters.max()) + 1) + raters
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if repeated.size:
        first, second = order[repeated[0]], order[repeated[0] + 1]
        raise ImportFormatError(
            f"{unit} {lines[second]}: rater {quote(rater_names[raters[second]])} labels item {quote(item_names[items[second]])} "
            f"a second time (first at {unit} {lines[first]}); keep one label per rater, item and question"
        )


def read_pilot(source: str | os.PathLike[str] | bytes | BinaryIO, *, name: str | None = None, max_rows: int = MAX_ROWS,
               numeric: NumericScale | None = None) -> PilotDataset:
    """Read a pilot CSV or TSV.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary stream.
    name
        What to call the dataset (default: the file name, or ``"pilot"``).
    max_rows
        Most label rows accepted, 1 to :data:`MAX_ROWS`.
    numeric
        A declared numeric scale (:func:`build_dataset`).

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
        return _read_binary(io.BytesIO(bytes(source)), name or "pilot", max_rows, numeric)
    if hasattr(source, "read"):
        return _read_binary(source, name or Path(str(getattr(source, "name", "pilot"))).name, max_rows, numeric)  # type: ignore[arg-type]
    path = Path(source)
    try:
        if not path.is_file():
            raise ImportFormatError(f"{path}: not a regular file" if path.exists() else f"{path}: no such file")
        check_pilot_size(path.stat().st_size, str(path))
        with open(path, "rb") as handle:
            return _read_binary(handle, name or path.name, max_rows, numeric)
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


def _read_binary(handle: BinaryIO, name: str, max_rows: int, numeric: NumericScale | None = None) -> PilotDataset:
    parsed, encoding, delimiter = parse_csv_stream(handle, name, lambda reader: _parse_rows(reader, max_rows))
    return _build_dataset(parsed, name, encoding, delimiter, numeric)


def parse_csv_stream(handle: BinaryIO, name: str, parse_rows: Callable[[Any], Any]) -> tuple[Any, str, str]:
    """Detect the encoding and delimiter of a CSV stream and hand a :func:`csv.reader` to ``parse_rows``.

    The one way every CSV-shaped pilot file (plain labels, Label Studio's CSV export, MTurk batch
    results, crowd-kit's pairwise shape) is opened: UTF-8 (with or without BOM), UTF-16 with BOM or
    Windows-1252, a text that is UTF-8 in its first 64 KiB but not later read again as
    Windows-1252, and a :mod:`csv` error reported with its line.

    Parameters
    ----------
    handle
        A binary stream at its start (it is read from the start again on a second attempt).
    name
        The file name (a ``.tsv`` name prefers tabs when the header is ambiguous).
    parse_rows
        ``parse_rows(reader) -> result``; may raise :class:`ImportFormatError`.

    Returns
    -------
    tuple
        ``(result, encoding, delimiter)``.
    """
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
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            return parse_rows(reader), attempt, delimiter
        except csv.Error as error:
            raise _csv_problem(error, max(reader.line_num, 1)) from None
        except UnicodeDecodeError as error:
            if attempt == attempts[-1]:
                raise ImportFormatError(
                    f"the text is not {attempt} (byte {error.object[error.start:error.start + 1]!r} cannot be decoded); "
                    "save the file as UTF-8"
                ) from None
            continue  # UTF-8 failed past the sample: read it again as Windows-1252.
        finally:
            stream.detach()
    raise AssertionError("unreachable")
