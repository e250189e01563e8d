"""Potato (the POrtable Text Annotation TOol) output as a pilot.

Potato keeps one folder per annotator under its output folder:

* ``<user>/annotated_instances.jsonl`` (Potato 1): one record per item,
  ``{"id", "label_annotations": {scheme: {label: value}}, "behavioral_data": {"time_string":
  "Time spent: 0d 0h 0m 5s "}}``;
* ``<user>/user_state.json`` (Potato 2): ``{"user_id", "instance_id_to_label_to_value": {item:
  [[{"schema", "name"}, value], …]}, "instance_id_to_behavioral_data": {item: {…}}}``.

and Potato 1 also writes all annotators into one table, ``annotated_instances.tsv``: ``user``,
``instance_id``, ``displayed_text`` and one column ``<scheme>:::<option>`` per option.

Each scheme is a question. A scheme with one answer is a label: the option's name when its value
is ``true`` (radio, select), else the value (likert, slider, number, text); a scheme with several
options on (multiselect) is no single label and is counted and left out. The annotator is the
record's ``user`` (or ``user_id``, ``annotator``), else the folder's name; the time spent on the
item is read from ``time_string``. A whole output folder reads every annotator's file.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Any

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.numeric import NumericScale
from advisor.pilot.reading import MAX_BYTES, parse_csv_stream
from advisor.pilot.sources.rows import LabelRows, label_text, pilot_json

__all__ = ["is_potato", "is_potato_table", "read_potato", "read_potato_folder", "read_potato_table", "time_spent"]

_TIME = re.compile(r"(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*$")
USER_KEYS = ("user", "user_id", "annotator", "username")
FILES = ("user_state.json", "annotated_instances.jsonl", "annotated_instances.json")


def time_spent(text: Any) -> float:
    """Seconds in Potato's ``"Time spent: 0d 0h 1m 50s "``; NaN when absent or unreadable."""
    if not isinstance(text, str):
        return math.nan
    body = text.split(":", 1)[1] if ":" in text else text
    match = _TIME.match(body.strip())
    if not match or not any(match.groups()):
        return math.nan
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def is_potato(document: Any) -> bool:
    """Whether a parsed JSON document is Potato output."""
    if isinstance(document, dict):
        return "instance_id_to_label_to_value" in document or "label_annotations" in document
    return isinstance(document, list) and bool(document) and all(
        isinstance(r, dict) and "label_annotations" in r for r in document[:20]
    )


def _scheme_label(options: dict[str, Any]) -> tuple[str | None, str]:
    chosen = {name: value for name, value in options.items() if value not in (None, "", False, "false")}
    if len(chosen) != 1:
        return None, "multi-select" if chosen else "empty answers"
    option, value = next(iter(chosen.items()))
    if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        return label_text(option), "empty answers"
    return label_text(value), "answers that are no single label"


def _add_record(rows: LabelRows, rater: str, item: str, schemes: dict[str, dict[str, Any]], seconds: float, where: int,
                questions: tuple[str, ...] | None) -> None:
    for scheme, options in schemes.items():
        if questions is not None and scheme not in questions:
            continue
        if not isinstance(options, dict):
            rows.skip("answers that are no single label")
            continue
        label, reason = _scheme_label(options)
        if reason == "multi-select" and label is None:
            rows.mark_multi_select(scheme)
            rows.skip("multi-select answers (several options on)")
            continue
        if label is None:
            rows.skip(reason)
            continue
        rows.add(item, rater, label, where, question=scheme, seconds=seconds)


def _read_into(rows: LabelRows, document: Any, rater: str | None, questions: tuple[str, ...] | None, file: str) -> None:
    if isinstance(document, dict) and "instance_id_to_label_to_value" not in document:
        document = [document]  # JSON lines with one record
    if isinstance(document, dict):
        user = label_text(document.get("user_id")) or rater
        if user is None:
            raise ImportFormatError(f"{file}: no user_id, and no folder names the annotator")
        answers = document.get("instance_id_to_label_to_value") or {}
        behaviour = document.get("instance_id_to_behavioral_data") or {}
        if not isinstance(answers, dict):
            raise ImportFormatError(f"{file}: instance_id_to_label_to_value must be an object")
        for number, (item, entries) in enumerate(answers.items(), start=1):
            schemes: dict[str, dict[str, Any]] = {}
            if not isinstance(entries, list):
                raise ImportFormatError(f"{file}, item {quote(item)}: expected a list of [label, value] pairs")
            for entry in entries:
                if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], dict)):
                    raise ImportFormatError(f"{file}, item {quote(item)}: expected [{{schema, name}}, value] pairs, got {quote(entry)}")
                key, value = entry
                schemes.setdefault(str(key.get("schema", "")), {})[str(key.get("name", ""))] = value
            data = behaviour.get(item) if isinstance(behaviour, dict) else None
            seconds = time_spent(data.get("time_string")) if isinstance(data, dict) else math.nan
            _add_record(rows, user, str(item), schemes, seconds, number, questions)
        return
    for number, record in enumerate(document, start=1):
        if not isinstance(record, dict):
            raise ImportFormatError(f"{file}, record {number}: expected an object, got {type(record).__name__}")
        item = label_text(record.get("id"))
        if item is None:
            raise ImportFormatError(f"{file}, record {number}: no item id ('id')")
        user = next((label_text(record.get(k)) for k in USER_KEYS if label_text(record.get(k))), None) or rater
        if user is None:
            raise ImportFormatError(
                f"{file}, record {number}: the record names no annotator; read the file from its annotator's folder "
                "(annotation_output/<user>/annotated_instances.jsonl) or the whole output folder"
            )
        schemes = record.get("label_annotations") or {}
        if not isinstance(schemes, dict):
            raise ImportFormatError(f"{file}, record {number}: label_annotations must be an object")
        behaviour = record.get("behavioral_data")
        seconds = time_spent(behaviour.get("time_string")) if isinstance(behaviour, dict) else math.nan
        if record.get("span_annotations"):
            rows.skip("span annotations")
        _add_record(rows, user, item, schemes, seconds, number, questions)


def read_potato(document: Any, *, name: str, max_rows: int, rater: str | None = None,
                questions: tuple[str, ...] | None = None, numeric: NumericScale | None = None) -> PilotDataset:
    """One annotator's Potato output (``annotated_instances.jsonl`` records or ``user_state.json``).

    Parameters
    ----------
    document
        The parsed file (a list of records, or the user state object).
    rater
        The annotator when the records do not name one (their folder's name).
    """
    rows = LabelRows(max_rows, numeric=numeric)
    _read_into(rows, document, rater, questions, name)
    return rows.build(name=name, format="potato")


def read_potato_folder(folder: Path, *, max_rows: int, questions: tuple[str, ...] | None = None, numeric: NumericScale | None = None) -> PilotDataset:
    """Every annotator of a Potato output folder (one sub-folder per annotator).

    Raises
    ------
    ImportFormatError
        When no sub-folder holds Potato output, the files together exceed the pilot size limit, or
        a file is malformed (naming it).
    """
    rows = LabelRows(max_rows, numeric=numeric)
    total = 0
    found = 0
    for user_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
        present = [user_folder / f for f in FILES if (user_folder / f).is_file()]
        if not present:
            continue
        if len(present) > 1:
            rows.warn(f"{user_folder.name}: several Potato files; read {present[0].name}")
        file = present[0]
        total += file.stat().st_size
        if total > MAX_BYTES:
            raise ImportFormatError(f"{folder}: the annotators' files hold more than {MAX_BYTES:,} bytes")
        _read_into(rows, pilot_json(file.read_bytes(), str(file)), user_folder.name, questions,
                   f"{user_folder.name}/{file.name}")
        found += 1
    if not found:
        raise ImportFormatError(f"{folder}: no annotator folder with {' or '.join(FILES)}")
    return rows.build(name=folder.name, format="potato")


def is_potato_table(header: list[str]) -> bool:
    """Whether a header is Potato's ``annotated_instances.tsv`` (``user``, ``instance_id``, ``scheme:::option``)."""
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    return "user" in names and "instance_id" in names and any(":::" in h for h in names)


def read_potato_table(content: bytes, *, name: str, max_rows: int, questions: tuple[str, ...] | None = None, numeric: NumericScale | None = None) -> PilotDataset:
    """Potato's ``annotated_instances.tsv`` (every annotator in one table) as a pilot.

    Raises
    ------
    ImportFormatError
        Naming the line: a row with a different number of fields, an empty user or instance, or as
        :func:`~advisor.pilot.reading.build_dataset` does.
    """

    def parse(reader: object) -> LabelRows:
        rows = LabelRows(max_rows, unit="line", numeric=numeric)
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]  # type: ignore[call-overload]
        lower = [h.lower() for h in header]
        user_at, item_at = lower.index("user"), lower.index("instance_id")
        options = [(i, *h.split(":::", 1)) for i, h in enumerate(header) if ":::" in h]
        for row in reader:  # type: ignore[attr-defined]
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num  # type: ignore[attr-defined]
            if len(row) != len(header):
                raise ImportFormatError(f"line {line}: expected {len(header)} fields like the header, found {len(row)}")
            user, item = row[user_at].strip(), row[item_at].strip()
            if not user or not item:
                raise ImportFormatError(f"line {line}: the {'user' if not user else 'instance_id'} field is empty")
            schemes: dict[str, dict[str, object]] = {}
            for position, scheme, option in options:
                value = row[position].strip()
                if value.startswith("[") or value.startswith("{"):
                    if value not in ("[]", "{}"):
                        rows.skip("span annotations")
                    continue
                schemes.setdefault(scheme, {})[option] = value
            _add_record(rows, user, item, schemes, math.nan, line, questions)
        return rows

    rows, encoding, delimiter = parse_csv_stream(io.BytesIO(content), name, parse)
    return rows.build(name=name, format="potato", encoding=encoding, delimiter=delimiter)
