"""Pilot labels from where they live: the plain CSV and the exports of annotation tools.

:func:`read_pilot_file` reads a pilot file (or a Potato output folder), recognising its shape by
its content, not its name:

======================  ===============================================================================
shape                   recognised by
======================  ===============================================================================
``csv``                 any other CSV/TSV: ``item, rater, label [, gold, seconds, question, context,
                        timestamp]`` (crowd-kit's ``task, worker, label`` too), :mod:`~advisor.pilot.reading`
``pairwise``            a CSV with ``worker, left, right, label`` (crowd-kit's pairwise shape)
``mturk``               a CSV with ``HITId`` and ``WorkerId`` or ``AssignmentId`` (MTurk batch results)
``label_studio_csv``    a CSV with ``annotator`` and ``annotation_id`` (Label Studio's CSV export)
``label_studio_json``   JSON tasks with ``annotations`` (Label Studio's JSON export)
``label_studio_json_min``  JSON records with ``annotator`` and ``annotation_id`` (its JSON_MIN export)
``argilla``             JSON records with ``<question>.responses`` or nested ``responses`` (Argilla 2.x)
``potato``              JSON (lines) with ``label_annotations``, a ``user_state.json``, a table with
                        ``user``, ``instance_id`` and ``scheme:::option`` columns, or a folder of
                        annotator folders (Potato)
======================  ===============================================================================

Past :data:`~advisor.pilot.reading.MAX_ROWS` labels (and for Parquet), plain label tables go to
the DuckDB reader (``engine``, :data:`ENGINES`), up to
:data:`~advisor.pilot.sources.large.MAX_LARGE_LABELS`.

Every reader keeps only the raters' own answers as labels and says what it left out in the
dataset's :class:`~advisor.pilot.dataset.ImportReport` (cancelled and ground-truth annotations
apart; ground truth becomes gold); problems are :class:`~advisor.errors.ImportFormatError` naming
the line or record.
"""

from __future__ import annotations

import codecs
import csv
import os
from pathlib import Path
from typing import Any

from advisor.errors import ImportFormatError
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.numeric import NumericScale
from advisor.pilot.reading import MAX_BYTES, MAX_ROWS, SAMPLE_BYTES, check_pilot_size, read_pilot
from advisor.pilot.sources.argilla import is_argilla, read_argilla
from advisor.pilot.sources.label_studio import (
    control_names,
    read_label_studio_csv,
    read_label_studio_json,
    read_label_studio_min,
)
from advisor.pilot.sources.mturk import read_mturk
from advisor.pilot.sources.pairwise import is_pairwise_header, read_pairwise
from advisor.pilot.sources.potato import is_potato, is_potato_table, read_potato, read_potato_folder, read_potato_table
from advisor.pilot.sources.large import duckdb_available, read_large_pilot
from advisor.pilot.sources.rows import pilot_json
from advisor.progress import ProgressCallback

__all__ = ["ENGINES", "FORMATS", "detect_format", "read_pilot_file"]

ENGINES = ("auto", "stdlib", "duckdb")
"""How a plain label table is read: ``stdlib`` (:func:`~advisor.pilot.reading.read_pilot`, up to
:data:`~advisor.pilot.reading.MAX_ROWS` rows), ``duckdb`` (:mod:`advisor.pilot.sources.large`, up
to :data:`~advisor.pilot.sources.large.MAX_LARGE_LABELS`), or ``auto``: the standard reader, and
DuckDB (when installed) for Parquet, files over :data:`~advisor.pilot.reading.MAX_BYTES` or beyond
the standard reader's row limit."""

FORMATS: dict[str, str] = {
    "csv": "item, rater, label CSV or TSV (crowd-kit's task, worker, label)",
    "pairwise": "pairwise comparisons: worker, left, right, label (crowd-kit)",
    "mturk": "MTurk batch results CSV",
    "label_studio_csv": "Label Studio CSV export",
    "label_studio_json": "Label Studio JSON export",
    "label_studio_json_min": "Label Studio JSON_MIN export",
    "argilla": "Argilla 2.x records (flat or nested JSON)",
    "potato": "Potato output (annotated_instances.jsonl, user_state.json or the output folder)",
}
"""Every shape :func:`read_pilot_file` reads, with a short description."""


def _header(content: bytes) -> list[str]:
    """The first line of a CSV, split by whichever of comma, tab, semicolon and bar splits it most."""
    head = content[:SAMPLE_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8-sig", errors="ignore")
    line = next((line for line in text.splitlines() if line.strip()), "")
    best: list[str] = []
    for delimiter in (",", "\t", ";", "|"):
        fields = next(csv.reader([line], delimiter=delimiter), [])
        if len(fields) > len(best):
            best = fields
    return best


def detect_format(content: bytes) -> str:
    """The shape of a pilot file from its content (a key of :data:`FORMATS`).

    JSON is recognised by its first character; a JSON document is then told apart by its keys,
    which needs the parsed document: use :func:`read_pilot_file` to read it. For JSON this returns
    ``"json"``.
    """
    start = content[:SAMPLE_BYTES].lstrip(codecs.BOM_UTF8).lstrip()
    if start[:1] in (b"[", b"{"):
        return "json"
    names = {h.strip().lstrip("\ufeff").strip().lower() for h in _header(content)}
    if "hitid" in names and names & {"workerid", "assignmentid"}:
        return "mturk"
    if {"annotator", "annotation_id"} <= names:
        return "label_studio_csv"
    if is_pairwise_header(list(names)):
        return "pairwise"
    if is_potato_table(list(names)):
        return "potato_table"
    return "csv"


def _json_format(document: Any) -> str:
    if is_potato(document):
        return "potato"
    if is_argilla(document):
        return "argilla"
    records = document if isinstance(document, list) else [document]
    first = next((r for r in records if isinstance(r, dict)), None)
    if first is not None and ("annotations" in first or "completions" in first or isinstance(first.get("data"), dict)):
        # Tasks with task data but no annotations are a Label Studio task list: its reader says so.
        return "label_studio_json"
    if first is not None and "annotator" in first and "annotation_id" in first:
        return "label_studio_json_min"
    keys = ", ".join(sorted(first)[:12]) if first is not None else type(document).__name__
    raise ImportFormatError(
        f"a JSON file that is no pilot export this app reads (keys: {keys}); it reads "
        + "; ".join(FORMATS[f] for f in FORMATS if f != "csv")
    )


def _large(path: Path, engine: str) -> bool:
    """Whether a file goes to the DuckDB reader (see :data:`ENGINES`)."""
    if engine == "duckdb":
        return True
    if engine == "stdlib" or not path.is_file():
        return False
    if path.suffix.lower() == ".parquet":
        return True
    return path.stat().st_size > MAX_BYTES and duckdb_available()


def read_pilot_file(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    max_rows: int = MAX_ROWS,
    questions: tuple[str, ...] | list[str] | None = None,
    label_config: str | None = None,
    numeric: NumericScale | None = None,
    engine: str = "auto",
    progress: ProgressCallback | None = None,
) -> PilotDataset:
    """Read a pilot in any shape of :data:`FORMATS`, recognised by content.

    Parameters
    ----------
    source
        A file, a Potato output folder, or a file's bytes.
    name
        What to call the pilot (default: the file or folder name).
    max_rows
        Most labels kept, 1 to :data:`~advisor.pilot.reading.MAX_ROWS`.
    questions
        Read only these questions (Label Studio controls, MTurk answers, Argilla questions, Potato
        schemes); None reads every question with single-label answers. For Label Studio's
        JSON_MIN and CSV exports and ambiguous MTurk answers, this names the answer fields.
    label_config
        A Label Studio labeling config (XML); its control names are the questions.
    numeric
        A declared numeric scale: its labels are read as numbers (``"-0"``, ``"00"``, ``"1.0"``
        written canonically), optionally binned (:mod:`advisor.pilot.numeric`).
    engine
        One of :data:`ENGINES`, for a plain label table given as a file.
    progress
        ``progress(done, total)`` of the DuckDB reader; False cancels
        (:class:`~advisor.errors.Cancelled`).

    Returns
    -------
    PilotDataset
        With its :class:`~advisor.pilot.dataset.ImportReport`.

    Raises
    ------
    ImportFormatError
        For a file that cannot be read, is too large, or is malformed (naming the line or record).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if not 1 <= int(max_rows) <= MAX_ROWS:
        raise ValueError(f"max_rows must be an integer from 1 to {MAX_ROWS}, got {max_rows}")
    if not isinstance(source, (bytes, bytearray, memoryview)) and _large(Path(source), engine):
        if questions or label_config:
            raise ImportFormatError("the large-pilot reader reads plain label tables: questions are chosen in the summary")
        return read_large_pilot(source, name=name, numeric=numeric, progress=progress)
    wanted = tuple(questions) if questions else None
    if label_config is not None:
        controls = control_names(label_config)
        wanted = tuple(q for q in wanted if q in controls) if wanted else controls
        if not wanted:
            raise ImportFormatError("the labeling config has no control tag (a tag with name and toName)")
    folder = None
    rater = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        content = bytes(source)
        check_pilot_size(len(content), name or "pilot")
        label = name or "pilot"
    else:
        path = Path(source)
        label = name or path.name
        if path.is_dir():
            folder = path
        elif not path.is_file():
            raise ImportFormatError(f"{path}: not a regular file" if path.exists() else f"{path}: no such file")
        else:
            try:
                check_pilot_size(path.stat().st_size, str(path))
                content = path.read_bytes()
            except OSError as error:
                raise ImportFormatError(f"{path}: cannot read ({error.strerror})") from None
            rater = path.resolve().parent.name or None
    if folder is not None:
        return read_potato_folder(folder, max_rows=max_rows, questions=wanted, numeric=numeric)
    shape = detect_format(content)
    if shape == "csv":
        if wanted is not None:
            raise ImportFormatError("questions are chosen after reading a plain label CSV (summary --question)")
        try:
            return read_pilot(content, name=label, max_rows=max_rows, numeric=numeric)
        except ImportFormatError as error:
            if engine == "auto" and folder is None and "label rows; split" in str(error) and duckdb_available():
                return read_large_pilot(source, name=name, numeric=numeric, progress=progress)  # type: ignore[arg-type]
            raise
    if shape == "mturk":
        return read_mturk(content, name=label, max_rows=max_rows, questions=wanted, numeric=numeric)
    if shape == "label_studio_csv":
        return read_label_studio_csv(content, name=label, max_rows=max_rows, questions=wanted, numeric=numeric)
    if shape == "pairwise":
        return read_pairwise(content, name=label, max_rows=max_rows, numeric=numeric)
    if shape == "potato_table":
        return read_potato_table(content, name=label, max_rows=max_rows, questions=wanted, numeric=numeric)
    document = pilot_json(content, label)
    shape = _json_format(document)
    if shape == "potato":
        return read_potato(document, name=label, max_rows=max_rows, rater=rater, questions=wanted, numeric=numeric)
    if shape == "argilla":
        return read_argilla(document, name=label, max_rows=max_rows, questions=wanted, numeric=numeric)
    if shape == "label_studio_json":
        return read_label_studio_json(document, name=label, max_rows=max_rows, questions=wanted, numeric=numeric)
    return read_label_studio_min(document, name=label, max_rows=max_rows, questions=wanted, numeric=numeric)
