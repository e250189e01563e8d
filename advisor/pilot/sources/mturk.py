"""Amazon Mechanical Turk batch results (``Batch_<id>_batch_results.csv``) as a pilot.

One row per assignment: ``HITId``, ``WorkerId`` (the rater), ``AssignmentStatus``,
``AcceptTime``, ``SubmitTime``, ``WorkTimeInSeconds``, the HIT's inputs ``Input.*`` and the
worker's answers ``Answer.*``. Rejected assignments are left out and counted with the cancelled
annotations.

Which answers are labels:

* ``Answer.taskAnswers`` (the JSON that crowd-html-elements templates submit): each key is a
  question on the HIT's item; a radio group ``{"option": {"on": true}, …}`` gives its chosen option;
* ``Answer.<question>.label`` (the crowd-classifier element): a question on the HIT's item;
* a numbered group ``Answer.<stem>1``, ``Answer.<stem>2``, … is one question on several items of
  one HIT; an item is named by a column echoing it (``Input.<stem>1_id``, ``Answer.<stem>1_url``,
  ``Input.id1``, … ) or else by the HIT and the position (``<HITId>/<stem>1``);
* any other ``Answer.<question>`` column: a question on the HIT's item, named by an ``Input.id``
  (or ``item_id``, ``item``, ``uid``) column when there is one, else by the HIT.

When the answers are ambiguous (several groups or columns and none of them with item names), the
reader stops and lists them: name the ones to read. The time per item is ``WorkTimeInSeconds``
divided by the items the assignment labelled, which includes idle time (a warning says so);
``SubmitTime`` orders each worker's labels in time.
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.numeric import NumericScale
from advisor.pilot.reading import parse_csv_stream
from advisor.pilot.sources.rows import LabelRows, json_text, label_text

__all__ = ["read_mturk"]

REQUIRED = ("HITId", "WorkerId")
ITEM_INPUTS = ("id", "item_id", "itemid", "item", "uid", "task_id")
_NUMBERED = re.compile(r"^(.*?)(\d+)$")
_MTURK_TIME = re.compile(r"^\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\w+) (\d{4})$")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_ZONES = {"UTC": 0, "GMT": 0, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CST": -6, "CDT": -5, "EST": -5, "EDT": -4}


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def mturk_time(text: str) -> float | None:
    """``Thu Nov 07 16:45:50 PST 2019`` (MTurk's format) as seconds since 1970 UTC; None if unreadable."""
    match = _MTURK_TIME.match(text.strip())
    if not match or match.group(1) not in _MONTHS or match.group(6) not in _ZONES:
        return None
    month, day, hour, minute, second, zone, year = match.groups()
    moment = datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second),
                      tzinfo=timezone(timedelta(hours=_ZONES[zone])))
    return moment.timestamp()


class _Question:
    """One question read from the answers: how to get each (item key, label) of an assignment."""

    def __init__(self, name: str, columns: list[tuple[str | None, str | None]]):
        self.name = name
        # (answer column, item column or None) per position; a None answer column means taskAnswers.
        self.columns = columns


def _plan(header: list[str], questions: tuple[str, ...] | None, rows: LabelRows) -> list[_Question]:
    answers = [h for h in header if h.startswith("Answer.")]
    inputs = [h for h in header if h.startswith("Input.")]
    if not answers:
        raise ImportFormatError("line 1: no Answer.* column: this batch file holds no worker answers")
    by_norm = {_norm(h.split(".", 1)[1]): h for h in answers + inputs}
    item_input = next((h for h in inputs if _norm(h.split(".", 1)[1]) in ITEM_INPUTS), None)
    if "Answer.taskAnswers" in answers:
        return [_Question("taskAnswers", [(None, item_input)])]

    plain: dict[str, str] = {}
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for column in answers:
        bare = column.split(".", 1)[1]
        if bare.endswith(".label"):
            plain[bare[: -len(".label")]] = column
            continue
        match = _NUMBERED.match(bare)
        if match and match.group(1):
            groups[match.group(1)].append((int(match.group(2)), column))
        else:
            plain[bare] = column
    # A stem with one numbered column is a plain answer whose name ends in a digit.
    for stem in [s for s, members in groups.items() if len(members) == 1]:
        number, column = groups.pop(stem)[0]
        plain[f"{stem}{number}"] = column

    def companion(stem: str, number: int) -> str | None:
        wanted = [_norm(f"{stem}{number}") + suffix for suffix in ("url", "id", "itemid", "item", "uid")]
        wanted += [f"{prefix}{number}" for prefix in ("id", "itemid", "item", "uid", "url")]
        return next((by_norm[w] for w in wanted if w in by_norm), None)

    def group_question(stem: str) -> _Question:
        members = sorted(groups[stem])
        return _Question(stem, [(column, companion(stem, number)) for number, column in members])

    named = {stem: all(companion(stem, n) for n, _ in members) for stem, members in groups.items()}
    if questions is not None:
        chosen = []
        for question in questions:
            if question in groups:
                chosen.append(group_question(question))
            elif question in plain:
                chosen.append(_Question(question, [(plain[question], item_input)]))
            else:
                raise ImportFormatError(
                    f"no answer {quote(question)} in the batch file; its answers are "
                    f"{_candidates(plain, groups)}"
                )
        return chosen
    if any(named.values()):
        chosen = [group_question(stem) for stem, ok in named.items() if ok]
        others = [stem for stem, ok in named.items() if not ok] + list(plain)
        if others:
            rows.warn(f"answers read: {', '.join(q.name for q in chosen)} (their items are named); not read: "
                      f"{', '.join(others[:12])}{' …' if len(others) > 12 else ''}; name the answers to read others")
        return chosen
    if len(plain) + len(groups) == 1:
        if plain:
            question, column = next(iter(plain.items()))
            return [_Question(question, [(column, item_input)])]
        return [group_question(next(iter(groups)))]
    raise ImportFormatError(
        f"the batch file has several answers and none names its items: {_candidates(plain, groups)}; "
        "name the question(s) to read"
    )


def _candidates(plain: dict[str, str], groups: dict[str, list[tuple[int, str]]]) -> str:
    parts = [f"{stem} ({len(members)} items per HIT)" for stem, members in groups.items()]
    parts += list(plain)
    return ", ".join(parts[:20]) + (" …" if len(parts) > 20 else "")


def _task_answers(text: str, where: str, rows: LabelRows) -> dict[str, str]:
    value = json_text(text)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict):
        raise ImportFormatError(f"{where}: Answer.taskAnswers is not the JSON of one answer object: {quote(text)}")
    labels = {}
    for question, answer in value.items():
        if isinstance(answer, dict) and "label" in answer:
            answer = answer["label"]
        elif isinstance(answer, dict) and answer and all(isinstance(v, dict) and "on" in v for v in answer.values()):
            picked = [option for option, state in answer.items() if state.get("on")]
            if len(picked) != 1:
                rows.skip("radio groups with no or several options on")
                continue
            answer = picked[0]
        label = label_text(answer)
        if label is None:
            rows.skip("answers that are no single label")
            continue
        labels[str(question)] = label
    return labels


def read_mturk(content: bytes, *, name: str, max_rows: int, questions: tuple[str, ...] | None = None, numeric: NumericScale | None = None) -> PilotDataset:
    """An MTurk batch results CSV as a pilot (see the module notes).

    Parameters
    ----------
    content
        The file's bytes.
    name
        What to call the pilot.
    max_rows
        Most labels kept, >= 1.
    questions
        The answers to read (a numbered group's stem, or an answer's name without ``Answer.``);
        None reads the unambiguous ones.

    Raises
    ------
    ImportFormatError
        Naming the line: a missing ``HITId`` or ``WorkerId``, a non-numeric ``WorkTimeInSeconds``,
        ambiguous answers, or as :func:`~advisor.pilot.reading.build_dataset` does.
    """
    def parse(reader: Any) -> LabelRows:
        # Made afresh on every attempt: a second reading (as Windows-1252) starts from nothing.
        rows = LabelRows(max_rows, unit="line", numeric=numeric)
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ImportFormatError(f"line 1: missing MTurk column(s) {', '.join(missing)}")
        position = {h: i for i, h in enumerate(header)}
        plan = _plan(header, questions, rows)
        unreadable_times = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"line {reader.line_num}"
            if len(row) < len(header) and all(h in ("Approve", "Reject") for h in header[len(row):]):
                # MTurk leaves the trailing review columns out of rows nobody reviewed.
                row = row + [""] * (len(header) - len(row))
            if len(row) != len(header):
                raise ImportFormatError(f"{where}: expected {len(header)} fields like the header, found {len(row)}")
            cell = lambda column: row[position[column]] if column in position else ""  # noqa: E731
            if cell("AssignmentStatus").strip().lower() == "rejected":
                rows.cancelled += 1
                continue
            worker, hit = cell("WorkerId").strip(), cell("HITId").strip()
            if not worker or not hit:
                raise ImportFormatError(f"{where}: the {'WorkerId' if not worker else 'HITId'} field is empty")
            labelled: list[tuple[str, str, str]] = []
            for question in plan:
                for answer_column, item_column in question.columns:
                    if answer_column is None:
                        item = cell(item_column).strip() if item_column else hit
                        for name_, label in _task_answers(cell("Answer.taskAnswers"), where, rows).items():
                            labelled.append((item or hit, name_, label))
                        continue
                    label = label_text(json_text(cell(answer_column)))
                    if label is None:
                        rows.skip("empty answers")
                        continue
                    if item_column is not None:
                        item = cell(item_column).strip() or f"{hit}/{answer_column.split('.', 1)[1]}"
                    elif len(question.columns) > 1:
                        item = f"{hit}/{answer_column.split('.', 1)[1]}"
                    else:
                        item = hit
                    labelled.append((item, question.name, label))
            if not labelled:
                continue
            items_in_hit = len({item for item, _, _ in labelled})
            seconds = math.nan
            work = cell("WorkTimeInSeconds").strip()
            if work:
                try:
                    seconds = float(work) / items_in_hit
                except ValueError:
                    raise ImportFormatError(f"{where}: WorkTimeInSeconds must be a number, got {quote(work)}") from None
                if not math.isfinite(seconds) or seconds < 0:
                    raise ImportFormatError(f"{where}: WorkTimeInSeconds must be a finite number >= 0, got {quote(work)}")
            stamp = mturk_time(cell("SubmitTime")) if cell("SubmitTime").strip() else None
            if stamp is None and cell("SubmitTime").strip():
                unreadable_times += 1
            for item, question_name, label in labelled:
                rows.add(item, worker, label, reader.line_num, question=question_name, seconds=seconds,
                         timestamp=math.nan if stamp is None else stamp)
            if items_in_hit > 1:
                rows.warn("time per item is WorkTimeInSeconds divided by the items of the HIT; it includes the "
                          "worker's idle time and reading the instructions")
            elif work:
                rows.warn("time per item is WorkTimeInSeconds, which includes the worker's idle time")
        if unreadable_times:
            rows.warn(f"{unreadable_times:,} SubmitTime value(s) not in MTurk's format: no timestamp for their labels")
        return rows

    rows, encoding, delimiter = parse_csv_stream(io.BytesIO(content), name, parse)
    return rows.build(name=name, format="mturk", encoding=encoding, delimiter=delimiter)
