"""crowd-kit's pairwise shape, ``worker, left, right, label``, as a pilot.

Each row is one comparison: the worker saw ``left`` and ``right`` and ``label`` names the one
preferred (crowd-kit's ``BradleyTerry`` and ``NoisyBT`` input). A pilot item is the unordered pair
(named ``"a | b"`` with the two in sorted order, so that a pair shown either way round is one item)
and the answer is which of the two won: ``first`` or ``second`` of that order — a binary, pairwise
question. A label naming neither (``tie``, ``equal``, ``draw``, ``same``, or an empty cell) is a
third answer, ``tie``, when the file uses one; anything else is an error naming the line. Optional
``gold``, ``seconds``, ``question`` and ``timestamp`` columns are read as in the plain CSV.
"""

from __future__ import annotations

import io
import math
from typing import Any

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.numeric import NumericScale
from advisor.pilot.reading import COLUMN_ALIASES, parse_csv_stream, parse_timestamp
from advisor.pilot.sources.rows import LabelRows

__all__ = ["is_pairwise_header", "read_pairwise"]

TIES = ("tie", "equal", "draw", "same", "")


def _normalise(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def is_pairwise_header(header: list[str]) -> bool:
    """Whether a header has a worker, ``left``, ``right`` and ``label`` column."""
    names = {_normalise(h) for h in header}
    return {"left", "right"} <= names and bool(names & set(COLUMN_ALIASES["rater"])) and bool(names & set(COLUMN_ALIASES["label"]))


def read_pairwise(content: bytes, *, name: str, max_rows: int, numeric: NumericScale | None = None) -> PilotDataset:
    """A pairwise comparison CSV (see the module notes) as a pilot.

    Raises
    ------
    ImportFormatError
        Naming the line: an empty worker, left or right, a label naming neither side, a pair of an
        item with itself, or as :func:`~advisor.pilot.reading.build_dataset` does.
    """

    def parse(reader: Any) -> LabelRows:
        rows = LabelRows(max_rows, unit="line", numeric=numeric)
        header = [_normalise(h) for h in next(reader)]
        at = {name_: header.index(name_) for name_ in ("left", "right")}
        for column in ("rater", "label", "gold", "seconds", "question", "timestamp"):
            found = [i for i, h in enumerate(header) if h in COLUMN_ALIASES[column]]
            if found:
                at[column] = found[0]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = reader.line_num
            if len(row) != len(header):
                raise ImportFormatError(f"line {where}: expected {len(header)} fields like the header, found {len(row)}")
            left, right, worker = row[at["left"]].strip(), row[at["right"]].strip(), row[at["rater"]].strip()
            for column, value in (("worker", worker), ("left", left), ("right", right)):
                if not value:
                    raise ImportFormatError(f"line {where}: the {column} field is empty")
            if left == right:
                raise ImportFormatError(f"line {where}: {quote(left)} is compared with itself")
            first, second = sorted((left, right))
            label = _side(row[at["label"]].strip(), first, second, where, "label")
            gold = _side(row[at["gold"]].strip(), first, second, where, "gold", empty="") if "gold" in at else ""
            seconds = math.nan
            if "seconds" in at and row[at["seconds"]].strip():
                try:
                    seconds = float(row[at["seconds"]])
                except ValueError:
                    raise ImportFormatError(f"line {where}: seconds must be a number, got {quote(row[at['seconds']])}") from None
            stamp = parse_timestamp(row[at["timestamp"]].strip(), f"line {where}") if "timestamp" in at and row[at["timestamp"]].strip() else math.nan
            question = row[at["question"]].strip() if "question" in at else ""
            rows.add(f"{first} | {second}", worker, label, where, question=question, gold=gold, seconds=seconds, timestamp=stamp)
        return rows

    rows, encoding, delimiter = parse_csv_stream(io.BytesIO(content), name, parse)
    return rows.build(name=name, format="pairwise", encoding=encoding, delimiter=delimiter)


def _side(value: str, first: str, second: str, where: int, column: str, empty: str = "tie") -> str:
    if value == first:
        return "first"
    if value == second:
        return "second"
    if value.lower() in TIES:
        return empty if not value else "tie"
    raise ImportFormatError(
        f"line {where}: the {column} {quote(value)} is neither side of the pair ({quote(first)}, {quote(second)}) nor a tie"
    )
