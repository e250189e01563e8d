"""Label Studio exports as pilots: JSON, JSON_MIN and CSV.

**JSON** (the full export, a list of tasks): each task's ``annotations[]`` are the raters'
answers. ``completed_by`` (a user id, or an object with ``email``) is the rater, ``lead_time``
the seconds, ``created_at`` the time it was given, ``result[].from_name`` the question and
``value.choices`` / ``.rating`` / ``.number`` / ``.selected`` / ``.ranker`` / ``.text`` the
label. An annotation with ``was_cancelled`` (or the older ``skipped``) is left out and counted; one
with ``ground_truth`` is read as the gold answer of its task, not as a rater's label. Regions
(``labels``, ``rectanglelabels`` …), several choices at once and ``predictions`` are no single
label of a rater: counted and left out.

**JSON_MIN** and **CSV** are what Label Studio's converter writes from the JSON: one record or row
per annotation with the task's data fields, ``id`` (the task), ``annotator``, ``annotation_id``,
``created_at``, ``updated_at``, ``lead_time`` and one field per control (``from_name``) holding the
answer (a choice as text; other answers as a list such as ``[{"rating": 4}]``, in CSV as JSON
text). The converter has already left out cancelled annotations and does not say which annotation
was ground truth, so these exports have no gold. Which fields are answers is read from the
labeling config when it is given (the ``name`` of every control tag); otherwise a field counts as
an answer when it holds a Label Studio value or differs between two annotations of one task
(task data never does), and the guess is reported.

Question names are the controls' ``name``, the same names
:func:`advisor.importers.label_studio.import_label_studio` gives the questions of the scenario it
builds from that config.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.numeric import NumericScale
from advisor.pilot.reading import parse_csv_stream, parse_timestamp
from advisor.pilot.sources.rows import LabelRows, json_text, label_text, records_of

__all__ = ["MIN_META", "control_names", "read_label_studio_csv", "read_label_studio_json", "read_label_studio_min"]

MIN_META = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement", "history"})
"""Fields of a JSON_MIN record or CSV row that describe the annotation, not the task or an answer."""

REGION_KEYS = ("x", "y", "start", "end", "points", "startOffset", "endOffset", "brushlabels", "rle")


def control_names(config: str) -> tuple[str, ...]:
    """The ``name`` of every control tag (a tag with ``name`` and ``toName``) of a labeling config.

    Raises
    ------
    ImportFormatError
        When the config is not XML.
    """
    try:
        root = ElementTree.fromstring(config)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise ImportFormatError(f"the labeling config is not readable XML: {error}") from None
    names = []
    for element in root.iter():
        attributes = {key.lower(): value for key, value in element.attrib.items()}
        if attributes.get("name") and attributes.get("toname"):
            names.append(attributes["name"].strip())
    return tuple(dict.fromkeys(names))


def answer_of(value: Any, kind: str) -> tuple[str | None, str]:
    """The label of one result's ``value``, or None and why it is no single label."""
    if not isinstance(value, dict):
        return label_text(value), "an answer that is no single label"
    if any(key in value for key in REGION_KEYS):
        return None, f"region annotations ({kind or 'regions'})"
    if "choices" in value:
        choices = value["choices"]
        if isinstance(choices, list) and len(choices) > 1:
            return None, "several choices in one answer (multi-select)"
        return label_text(choices), "empty choices"
    for key in ("rating", "number", "selected", "datetime"):
        if key in value:
            return label_text(value[key]), f"empty {key}"
    if "text" in value:
        text = value["text"]
        if isinstance(text, list) and len(text) > 1:
            return None, "free text of several entries"
        return label_text(text), "empty text"
    if "ranker" in value:
        buckets = value["ranker"]
        if isinstance(buckets, dict) and len(buckets) == 1:
            order = next(iter(buckets.values()))
            if isinstance(order, list) and order and all(isinstance(entry, (str, int)) for entry in order):
                return " > ".join(str(entry) for entry in order), "empty ranking"
        return None, "rankings sorted into several buckets"
    if "taxonomy" in value:
        return None, "taxonomy paths"
    return None, f"{kind or 'unknown'} answers"


def _rater(completed_by: Any) -> str | None:
    if isinstance(completed_by, dict):
        for key in ("email", "id", "username"):
            text = label_text(completed_by.get(key))
            if text:
                return text
        return None
    return label_text(completed_by)


def _timestamp(text: Any, where: str) -> float:
    if not isinstance(text, str) or not text.strip():
        return math.nan
    return parse_timestamp(text.strip(), where)


def _seconds(value: Any, where: str) -> float:
    if value is None or value == "":
        return math.nan
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ImportFormatError(f"{where}: lead_time must be a number of seconds, got {quote(value)}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ImportFormatError(f"{where}: lead_time must be a finite number of seconds >= 0, got {quote(value)}")
    return seconds


def _who_and_when(rater: str | None, annotation: dict[str, Any], where: str, rows: LabelRows,
                  field: str) -> tuple[str, float, float] | None:
    """The rater, seconds (``lead_time``) and time (``created_at``) of an annotation; None (counted)
    when it names no rater."""
    if rater is None:
        rows.skip(f"annotations without a rater (no {field})")
        return None
    return rater, _seconds(annotation.get("lead_time"), where), _timestamp(annotation.get("created_at"), where)


def read_label_studio_json(document: Any, *, name: str, max_rows: int, questions: tuple[str, ...] | None = None, numeric: NumericScale | None = None) -> PilotDataset:
    """A Label Studio JSON export (a task, or a list of tasks) as a pilot.

    Parameters
    ----------
    document
        The parsed JSON.
    name
        What to call the pilot.
    max_rows
        Most labels kept, >= 1.
    questions
        Keep only these controls (``from_name``); None keeps every control with single-label answers.

    Raises
    ------
    ImportFormatError
        Naming the task (record number and id) for a malformed task or annotation, or as
        :func:`~advisor.pilot.reading.build_dataset` does.
    """
    rows = LabelRows(max_rows, unit="task", numeric=numeric)
    for number, task in enumerate(records_of(document, "Label Studio tasks"), start=1):
        where = f"task {number}"
        if not isinstance(task, dict):
            raise ImportFormatError(f"{where}: expected a task object, got {type(task).__name__}")
        annotations = task.get("annotations", task.get("completions"))
        if annotations is None:
            raise ImportFormatError(f"{where}: no 'annotations' list (is this a Label Studio JSON export?)")
        if not isinstance(annotations, list):
            raise ImportFormatError(f"{where}: 'annotations' must be a list, got {type(annotations).__name__}")
        item = label_text(task.get("id")) or f"task {number}"
        where = f"task {number} (id {item})"
        predictions = task.get("predictions")
        if isinstance(predictions, list):
            rows.skip("model predictions", len(predictions))
        gold: dict[str, str] = {}
        answers = []
        for position, annotation in enumerate(annotations, start=1):
            place = f"{where}, annotation {position}"
            if not isinstance(annotation, dict):
                raise ImportFormatError(f"{place}: expected an annotation object, got {type(annotation).__name__}")
            if annotation.get("was_cancelled") or annotation.get("skipped"):
                rows.cancelled += 1
                continue
            results = annotation.get("result") or []
            if not isinstance(results, list):
                raise ImportFormatError(f"{place}: 'result' must be a list, got {type(results).__name__}")
            labels = _labels_of_results(results, questions, rows)
            if annotation.get("ground_truth"):
                rows.ground_truth += 1
                for question, label in labels.items():
                    if gold.get(question, label) != label:
                        raise ImportFormatError(
                            f"{place}: a second ground-truth annotation gives {quote(question, 40)} the answer {quote(label)}, "
                            f"another gave {quote(gold[question])}"
                        )
                    gold[question] = label
                continue
            who = _who_and_when(_rater(annotation.get("completed_by")), annotation, place, rows, "completed_by")
            if who is None:
                continue
            rater, seconds, stamp = who
            answers.extend((rater, question, label, seconds, stamp) for question, label in labels.items())
        for rater, question, label, seconds, stamp in answers:
            rows.add(item, rater, label, number, question=question, gold=gold.get(question, ""), seconds=seconds,
                     timestamp=stamp)
    return rows.build(name=name, format="label_studio_json")


def _labels_of_results(results: list[Any], questions: tuple[str, ...] | None, rows: LabelRows) -> dict[str, str]:
    by_question: dict[str, list[Any]] = defaultdict(list)
    for result in results:
        if not isinstance(result, dict) or not result.get("from_name"):
            rows.skip("results without from_name")
            continue
        question = str(result["from_name"])
        if questions is not None and question not in questions:
            continue
        by_question[question].append(result)
    labels = {}
    for question, entries in by_question.items():
        if len(entries) > 1:
            rows.skip("several results of one control in one annotation (regions or per-region answers)", len(entries))
            continue
        label, reason = answer_of(entries[0].get("value"), str(entries[0].get("type") or ""))
        if label is None:
            if reason.startswith("several choices"):
                rows.mark_multi_select(question)
            rows.skip(reason)
            continue
        labels[question] = label
    return labels


def _guess_answers(records: list[dict[str, Any]], questions: tuple[str, ...] | None, rows: LabelRows) -> list[str]:
    """The fields holding answers: the named ones, else those holding a Label Studio value or
    differing between two annotations of one task."""
    fields = list(dict.fromkeys(key for record in records for key in record if key not in MIN_META))
    if questions is not None:
        missing = [q for q in questions if q not in fields]
        if missing:
            raise ImportFormatError(
                f"no field {', '.join(map(quote, missing))} in the export; its fields are {', '.join(map(quote, fields[:30]))}"
            )
        return list(questions)
    answers = []
    seen: dict[tuple[str, str], Any] = {}
    for field in fields:
        varies = False
        for record in records:
            value = json_text(record.get(field))
            if isinstance(value, list) and value and isinstance(value[0], dict) and any(
                key in value[0] for key in ("choices", "rating", "number", "selected", "text", "ranker")
            ):
                varies = True
                break
            key = (field, str(record.get("id")))
            text = repr(value)
            if seen.setdefault(key, text) != text:
                varies = True
                break
        if varies:
            answers.append(field)
    if not answers:
        raise ImportFormatError(
            "cannot tell which fields hold the answers: every field is the same in all annotations of a task "
            f"({', '.join(map(quote, fields[:20]))}); give the labeling config or name the question fields"
        )
    data = [field for field in fields if field not in answers]
    rows.warn(
        f"answer fields read as {', '.join(map(repr, answers))} (they differ between annotations of a task); "
        + (f"{', '.join(map(repr, data[:10]))} read as task data; " if data else "")
        + "give the labeling config to name them for certain"
    )
    return answers


def _read_min_records(numbered: list[tuple[int, Any]], *, name: str, max_rows: int, questions: tuple[str, ...] | None,
                      unit: str, format: str, encoding: str = "utf-8", delimiter: str = "", numeric: NumericScale | None = None) -> PilotDataset:
    rows = LabelRows(max_rows, unit=unit, numeric=numeric)
    for number, record in numbered:
        if not isinstance(record, dict):
            raise ImportFormatError(f"{unit} {number}: expected an object, got {type(record).__name__}")
    answers = _guess_answers([record for _, record in numbered], questions, rows)
    for number, record in numbered:
        where = f"{unit} {number}"
        item = label_text(record.get("id"))
        if item is None:
            raise ImportFormatError(f"{where}: no task id ('id')")
        who = _who_and_when(label_text(record.get("annotator")), record, where, rows, "annotator")
        if who is None:
            continue
        rater, seconds, stamp = who
        for question in answers:
            value = json_text(record.get(question))
            if value is None or value == "":
                rows.skip("empty answers")
                continue
            if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
                label, reason = answer_of(value[0], str(value[0].get("type") or ""))
            elif isinstance(value, dict):
                label, reason = answer_of(value, str(value.get("type") or ""))
            else:
                label, reason = label_text(value), "answers that are no single label"
            if label is None:
                if reason.startswith("several choices"):
                    rows.mark_multi_select(question)
                rows.skip(reason)
                continue
            rows.add(item, rater, label, number, question=question, seconds=seconds, timestamp=stamp)
    rows.warn(
        "Label Studio's JSON_MIN and CSV exports leave out cancelled annotations and do not mark ground truth: "
        "export as JSON to count the cancelled ones and to read ground truth as gold"
    )
    return rows.build(name=name, format=format, encoding=encoding, delimiter=delimiter)


def read_label_studio_min(document: Any, *, name: str, max_rows: int, questions: tuple[str, ...] | None = None, numeric: NumericScale | None = None) -> PilotDataset:
    """A Label Studio JSON_MIN export as a pilot (see the module notes)."""
    records = records_of(document, "Label Studio JSON_MIN records")
    return _read_min_records(list(enumerate(records, start=1)), name=name, max_rows=max_rows,
                             questions=questions, unit="record", format="label_studio_json_min", numeric=numeric)


def read_label_studio_csv(content: bytes, *, name: str, max_rows: int, questions: tuple[str, ...] | None = None, numeric: NumericScale | None = None) -> PilotDataset:
    """A Label Studio CSV (or TSV) export as a pilot (see the module notes)."""

    def parse(reader: Any) -> list[tuple[int, dict[str, str]]]:
        header = next(reader)
        records: list[tuple[int, dict[str, str]]] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ImportFormatError(f"line {reader.line_num}: expected {len(header)} fields like the header, found {len(row)}")
            if len(records) >= max_rows:
                raise ImportFormatError(f"line {reader.line_num}: more than {max_rows:,} annotations")
            records.append((reader.line_num, dict(zip((h.strip().lstrip("\ufeff") for h in header), row))))
        return records

    records, encoding, delimiter = parse_csv_stream(io.BytesIO(content), name, parse)
    return _read_min_records(records, name=name, max_rows=max_rows, questions=questions, unit="line",
                             format="label_studio_csv", encoding=encoding, delimiter=delimiter, numeric=numeric)
