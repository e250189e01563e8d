"""Pilots of up to 50 million labels, read with DuckDB (the optional ``annotation-advisor[scale]``).

The standard reader (:func:`advisor.pilot.reading.read_pilot`) parses with :mod:`csv` and stops at
:data:`~advisor.pilot.reading.MAX_ROWS` rows. :func:`read_large_pilot` hands a label table — CSV or
TSV, JSON (an array or JSON lines) or Parquet, with the plain pilot columns ``item, rater, label
[, gold, seconds, question, context, timestamp]`` (the same names and aliases,
:data:`~advisor.pilot.reading.COLUMN_ALIASES`) — to DuckDB, which loads it into a temporary
on-disk database, checks it with grouped queries (empty fields, times that are not numbers, an
item given two gold answers, a rater labelling an item twice, too many labels), codes items, raters
and classes densely, and hands back the codes in blocks: memory is the codes themselves (32-bit),
never the text of the file. Item names are kept as one bytes array
(:class:`~advisor.pilot.dataset.NameList`).

Differences from the standard reader: the order of the labels is not the file's (it matters only
for majority vote with ties broken by the first label, which the summary does not use by default),
items and raters are coded in sorted order, and errors name the offending values rather than a
line. As the standard reader's, they do not name the file (its caller does) unless it cannot be
opened. Progress is reported as ``progress(done, total)`` over the loading, the checks and the blocks
of codes; returning False cancels (:class:`~advisor.errors.Cancelled`).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from advisor.errors import Cancelled, ImportFormatError
from advisor.files.input_limits import quote
from advisor.pilot.dataset import ImportReport, NameList, PilotDataset, class_order, frozen_array
from advisor.pilot.numeric import NumericScale
from advisor.pilot.reading import MAX_LABELS, map_columns, too_many_labels_error
from advisor.progress import ProgressCallback, keeps_going

__all__ = ["FETCH_ROWS", "MAX_LARGE_LABELS", "duckdb_available", "read_large_pilot"]

MAX_LARGE_LABELS = 50_000_000
"""Most labels the DuckDB reader accepts."""
FETCH_ROWS = 2_000_000
"""Codes fetched from DuckDB at a time."""
MEMORY_LIMIT = "1GB"
"""DuckDB's own memory for loading and grouping (it spills to its temporary folder beyond)."""


def duckdb_available() -> bool:
    """Whether DuckDB (the ``scale`` extra) is installed."""
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def _source(path: Path) -> str:
    text = str(path).replace("'", "''")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"read_parquet('{text}')"
    if suffix in (".json", ".jsonl", ".ndjson"):
        return f"read_json_auto('{text}')"
    return f"read_csv('{text}', header = true, all_varchar = true)"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_large_pilot(
    source: str | os.PathLike[str],
    *,
    name: str | None = None,
    max_labels: int = MAX_LARGE_LABELS,
    numeric: NumericScale | None = None,
    progress: ProgressCallback | None = None,
) -> PilotDataset:
    """Read a label table of up to ``max_labels`` labels with DuckDB.

    Parameters
    ----------
    source
        A CSV/TSV, JSON or Parquet file (by suffix: ``.parquet``, ``.json``/``.jsonl``/``.ndjson``,
        anything else is CSV).
    name
        What to call the pilot (default: the file name).
    max_labels
        Most labels accepted, 1 to :data:`MAX_LARGE_LABELS`.
    numeric
        A declared numeric scale for the labels (every label of the pilot).
    progress
        ``progress(done, total)``; False cancels.

    Returns
    -------
    PilotDataset
        Codes in 32 bits, item names as a :class:`~advisor.pilot.dataset.NameList`.

    Raises
    ------
    ImportFormatError
        When DuckDB is not installed, the file cannot be read, a column is missing, or a check
        fails (naming the values).
    Cancelled
        When ``progress`` returned False.
    """
    if not 1 <= int(max_labels) <= MAX_LARGE_LABELS:
        raise ValueError(f"max_labels must be an integer from 1 to {MAX_LARGE_LABELS:,}, got {max_labels}")
    try:
        import duckdb
    except ImportError:
        raise ImportFormatError(
            "reading pilots beyond a million labels needs DuckDB: pip install 'annotation-advisor[scale]'"
        ) from None
    path = Path(source)
    if not path.is_file():
        raise ImportFormatError(f"{path}: not a regular file" if path.exists() else f"{path}: no such file")
    with tempfile.TemporaryDirectory(prefix="pilot-") as folder:
        connection = duckdb.connect(str(Path(folder) / "pilot.duckdb"), config={
            "threads": 2, "memory_limit": MEMORY_LIMIT, "temp_directory": str(Path(folder) / "spill"),
            "preserve_insertion_order": False,
        })
        try:
            return _read(connection, path, name or path.name, int(max_labels), numeric, progress)
        except duckdb.Error as error:
            raise ImportFormatError(str(error).splitlines()[0]) from None
        finally:
            connection.close()


class _Steps:
    """The reader's progress: four steps before the blocks of codes, then one per block."""

    def __init__(self, progress: ProgressCallback | None):
        self.progress = progress
        self.done = 0
        self.total = 4

    def step(self) -> None:
        self.done += 1
        if not keeps_going(self.progress, self.done, self.total):
            raise Cancelled(f"reading cancelled after step {self.done} of {self.total}")


def _read(con: Any, path: Path, name: str, max_labels: int, numeric: NumericScale | None,
          progress: ProgressCallback | None) -> PilotDataset:
    steps = _Steps(progress)
    source = _source(path)
    header = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    positions = map_columns(header)
    column = {key: _quoted(header[index]) for key, index in positions.items()}
    text = lambda key: f"trim(CAST({column[key]} AS VARCHAR))"  # noqa: E731
    parts = [f"{text('item')} AS item", f"{text('rater')} AS rater", f"{text('label')} AS label"]
    for key in ("gold", "question", "context"):
        if key in column:
            parts.append(f"coalesce({text(key)}, '') AS {key}")
    if "seconds" in column:
        parts.append(f"{text('seconds')} AS seconds_text, TRY_CAST({column['seconds']} AS DOUBLE) AS seconds")
    if "timestamp" in column:
        stamp = column["timestamp"]
        parts.append(f"{text('timestamp')} AS stamp_text, coalesce(TRY_CAST({stamp} AS DOUBLE), "
                     f"epoch(TRY_CAST(CAST({stamp} AS VARCHAR) AS TIMESTAMPTZ))) AS stamp")
    count = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
    if count == 0:
        raise ImportFormatError("the file has a header but no label rows")
    if count > max_labels:
        raise ImportFormatError(f"{count:,} label rows; at most {max_labels:,} are read")
    con.execute(f"CREATE TABLE raw AS SELECT {', '.join(parts)} FROM {source}")
    steps.total += math.ceil(count / FETCH_ROWS)
    steps.step()
    _check(con, column)
    steps.step()

    labels = [row[0] for row in con.execute("SELECT DISTINCT label FROM raw").fetchall()]
    golds = [row[0] for row in con.execute("SELECT DISTINCT gold FROM raw WHERE gold <> ''").fetchall()
             ] if "gold" in column else []
    limit = MAX_LABELS if numeric is None else max(MAX_LABELS, numeric.levels)
    if numeric is not None:
        def on_scale(text: str, what: str) -> str:
            try:
                return numeric.normalise(text, what)
            except ImportFormatError as error:
                raise ImportFormatError(f"the {error}") from None

        # Gold values first, as gold labels: a value that is only gold is named as one when refused.
        canonical = {gold: on_scale(gold, "gold label") for gold in golds}
        canonical.update({label: on_scale(label, "label") for label in labels})
        labels = list(canonical)
    else:
        labels = list(dict.fromkeys(labels + golds))
        if len(labels) > limit and "question" not in column:
            raise too_many_labels_error(None, len(labels))
        canonical = {label: label for label in labels}
    class_names = class_order(sorted(set(canonical.values())))
    if len(class_names) < 2:
        raise ImportFormatError(f"the pilot has only one distinct label ({quote(class_names[0])}); at least two are needed")
    code_of = {label: class_names.index(canonical[label]) for label in labels}
    con.execute("CREATE TABLE classes (label VARCHAR, code INTEGER)")
    con.executemany("INSERT INTO classes VALUES (?, ?)", list(code_of.items()))
    for key in ("item", "rater", "question", "context"):
        if key in column:
            con.execute(f"CREATE TABLE {key}s AS SELECT {key}, CAST(row_number() OVER (ORDER BY {key}) - 1 AS INTEGER) AS code "
                        f"FROM (SELECT DISTINCT {key} FROM raw)")
    steps.step()

    selected = ["items.code AS item", "raters.code AS rater", "classes.code AS label"]
    joins = ["JOIN items USING (item)", "JOIN raters USING (rater)", "JOIN classes USING (label)"]
    for key in ("question", "context"):
        if key in column:
            selected.append(f"{key}s.code AS {key}")
            joins.append(f"JOIN {key}s USING ({key})")
    if "seconds" in column:
        selected.append("seconds")
    if "timestamp" in column:
        selected.append("stamp")
    con.execute(f"CREATE TABLE codes AS SELECT {', '.join(selected)} FROM raw {' '.join(joins)}")
    con.execute("DROP TABLE raw")
    steps.step()

    arrays = _fetch_codes(con, count, column, steps)
    n_items = con.execute("SELECT count(*) FROM items").fetchone()[0]
    gold = np.full(n_items, -1, dtype=np.int64)
    if "gold" in column:
        coded_items, coded_gold = _gold_codes(con)
        gold[coded_items] = coded_gold
    item_names = _names(con, "items", "item")
    rater_names = tuple(row[0] for row in con.execute("SELECT rater FROM raters ORDER BY code").fetchall())
    extra: dict[str, Any] = {}
    for key in ("question", "context"):
        if key in column:
            names = tuple(row[0] for row in con.execute(f"SELECT {key} FROM {key}s ORDER BY code").fetchall())
            extra[f"{key}s"] = frozen_array(arrays[key])
            extra[f"{key}_names"] = names
    return PilotDataset(
        name=name,
        items=frozen_array(arrays["item"]),
        raters=frozen_array(arrays["rater"]),
        labels=frozen_array(arrays["label"]),
        gold=frozen_array(gold),
        item_names=item_names,  # type: ignore[arg-type]
        rater_names=rater_names,
        class_names=tuple(class_names),
        seconds=frozen_array(arrays["seconds"]) if "seconds" in arrays else None,
        timestamps=frozen_array(arrays["stamp"]) if "stamp" in arrays else None,
        report=ImportReport(format=f"large_{_source(path).split('(')[0].removeprefix('read_')}", labels=int(count)),
        **extra,
    )


def _check(con: Any, column: dict[str, str]) -> None:
    """The standard reader's checks as grouped queries, each naming an example."""
    for key in ("item", "rater", "label", "question", "context"):
        if key in column:
            empty = con.execute(f"SELECT count(*) FROM raw WHERE {key} IS NULL OR {key} = ''").fetchone()[0]
            if empty:
                raise ImportFormatError(f"{empty:,} label row(s) have an empty {key} field")
    if "seconds" in column:
        bad = con.execute(
            "SELECT count(*), any_value(seconds_text) FROM raw WHERE coalesce(seconds_text, '') <> '' "
            "AND (seconds IS NULL OR seconds < 0 OR NOT isfinite(seconds))"
        ).fetchone()
        if bad[0]:
            raise ImportFormatError(f"{bad[0]:,} row(s) have seconds that are not a finite number >= 0, "
                                    f"e.g. {quote(bad[1])}")
    if "timestamp" in column:
        bad = con.execute("SELECT count(*), any_value(stamp_text) FROM raw WHERE coalesce(stamp_text, '') <> '' AND stamp IS NULL").fetchone()
        if bad[0]:
            raise ImportFormatError(f"{bad[0]:,} row(s) have a timestamp that is neither seconds since 1970 "
                                    f"nor an ISO 8601 time, e.g. {quote(bad[1])}")
    question = ", question" if "question" in column else ""
    twice = con.execute(f"SELECT item, rater, count(*) AS n FROM raw GROUP BY item, rater{question} HAVING n > 1 LIMIT 1").fetchone()
    if twice:
        raise ImportFormatError(f"rater {quote(twice[1])} labels item {quote(twice[0])} {twice[2]} times; "
                                "keep one label per rater, item and question")
    if "gold" in column:
        conflict = con.execute(
            "SELECT item, min(gold), max(gold) FROM raw WHERE gold <> '' GROUP BY item HAVING min(gold) <> max(gold) LIMIT 1"
        ).fetchone()
        if conflict:
            raise ImportFormatError(f"item {quote(conflict[0])} is given gold {quote(conflict[1])} and {quote(conflict[2])}")
        con.execute("CREATE TABLE raw_gold AS SELECT item, any_value(gold) AS gold FROM raw WHERE gold <> '' GROUP BY item")


def _gold_codes(con: Any) -> tuple[np.ndarray, np.ndarray]:
    found = con.execute(
        "SELECT items.code AS item, classes.code AS gold FROM raw_gold JOIN items USING (item) "
        "JOIN classes ON raw_gold.gold = classes.label"
    ).fetchnumpy()
    return np.asarray(found["item"], dtype=np.int64), np.asarray(found["gold"], dtype=np.int64)


def _fetch_codes(con: Any, count: int, column: dict[str, str], steps: _Steps) -> dict[str, np.ndarray]:
    """The coded table in blocks of :data:`FETCH_ROWS` rows, into arrays made once."""
    arrays: dict[str, np.ndarray] = {key: np.empty(count, dtype=np.int32) for key in ("item", "rater", "label")}
    for key in ("question", "context"):
        if key in column:
            arrays[key] = np.empty(count, dtype=np.int32)
    if "seconds" in column:
        arrays["seconds"] = np.empty(count)
    if "timestamp" in column:
        arrays["stamp"] = np.empty(count)
    names = ", ".join(arrays)
    filled = 0
    for start in range(0, count, FETCH_ROWS):
        block = con.execute(f"SELECT {names} FROM codes WHERE rowid >= {start} AND rowid < {start + FETCH_ROWS}").fetchnumpy()
        size = len(block["item"])
        for key, values in block.items():
            data = np.ma.filled(values, np.nan) if np.ma.isMaskedArray(values) else values
            arrays[key][filled:filled + size] = data
        filled += size
        steps.step()
    if filled != count:
        raise ImportFormatError(f"read {filled:,} of {count:,} label rows (is a label outside the classes?)")
    return arrays


def _names(con: Any, table: str, key: str) -> NameList:
    """A table's names in code order as one bytes array, fetched in blocks."""
    size, width = con.execute(f"SELECT count(*), max(octet_length(encode({key}))) FROM {table}").fetchone()
    names = np.empty(size, dtype=f"S{max(int(width or 1), 1)}")
    for start in range(0, size, FETCH_ROWS):
        block = con.execute(f"SELECT {key} FROM {table} WHERE code >= {start} AND code < {start + FETCH_ROWS} ORDER BY code").fetchall()
        names[start:start + len(block)] = [row[0].encode("utf-8") for row in block]
    return NameList(names)
