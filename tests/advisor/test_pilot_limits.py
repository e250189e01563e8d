"""Pilot files: a bounded label alphabet, bounded memory, and CSV errors as one line.

A pilot with 10,000 distinct labels used to die with ArrayMemoryError after
allocating gigabytes; a cell over 131,072 characters raised ``_csv.Error``.
"""

from __future__ import annotations

import io
import tracemalloc

import numpy as np
import pytest

from advisor import pilot as pilots
from advisor.cli import main
from advisor.errors import ImportFormatError
from advisor.pilot import rater_quality, reading


def _csv(rows: list[tuple[str, ...]], header: str = "item,rater,label") -> bytes:
    lines = [header] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _distinct_labels(count: int, *, question: str | None = None) -> list[tuple[str, ...]]:
    rows = []
    for index in range(count):
        extra = (question,) if question is not None else ()
        rows.append((f"item{index}", "r1", f"label{index}", *extra))
        rows.append((f"item{index}", "r2", f"label{index}", *extra))
    return rows


def test_ten_thousand_distinct_labels_are_refused_naming_the_limit_and_numeric_scales(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    path.write_bytes(_csv(_distinct_labels(10_000)))
    tracemalloc.start()
    try:
        status = main(["pilot", "summary", str(path), "--boot", "0"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    err = capsys.readouterr().err
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert "10,000 distinct labels" in lines[0]
    assert f"at most {pilots.MAX_LABELS}" in lines[0]
    assert "--numeric LOW:HIGH" in lines[0] and "--bins" in lines[0]
    # Refused before any k×k array: the old code asked for 3.7 GB.
    assert peak < 200 * 2**20


def test_the_limit_is_inclusive():
    accepted = pilots.read_pilot(_csv(_distinct_labels(pilots.MAX_LABELS)))
    assert len(accepted.class_names) == pilots.MAX_LABELS
    with pytest.raises(ImportFormatError, match=f"{pilots.MAX_LABELS + 1} distinct labels"):
        pilots.read_pilot(_csv(_distinct_labels(pilots.MAX_LABELS + 1)))


def test_gold_answers_count_towards_the_alphabet():
    rows = [(f"item{i}", "r1", "a", f"g{i}") for i in range(pilots.MAX_LABELS)]
    with pytest.raises(ImportFormatError, match=f"{pilots.MAX_LABELS + 1} distinct labels"):
        pilots.read_pilot(_csv(rows, header="item,rater,label,gold"))


def test_the_limit_is_per_question():
    # Two questions of 80 labels each: 160 in the file, 80 per question.
    rows = _distinct_labels(80, question="q1") + [
        (f"other{i}", r, f"x{i}", "q2") for i in range(80) for r in ("r1", "r2")
    ]
    dataset = pilots.read_pilot(_csv(rows, header="item,rater,label,question"))
    assert len(dataset.class_names) == 160
    summary = pilots.summarize(dataset, question="q2", n_boot=0)
    assert len(summary.classes) == 80
    too_wide = rows + [(f"more{i}", "r1", f"y{i}", "q2") for i in range(30)]
    with pytest.raises(ImportFormatError, match="question 'q2' of the pilot has 110 distinct labels"):
        pilots.read_pilot(_csv(too_wide, header="item,rater,label,question"))


def test_a_cell_over_the_csv_field_limit_is_one_line_with_its_line_number(tmp_path, capsys):
    path = tmp_path / "cell.csv"
    path.write_bytes(_csv([("i1", "r1", "a"), ("i1", "r2", "b"), ("i2", "r1", "x" * 200_000)]))
    status = main(["pilot", "summary", str(path), "--boot", "0"])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert "line 4" in line and "longer than 131,072 characters" in line
    assert len(line) < 400


def _reference_spam_scores(confusion: np.ndarray) -> np.ndarray:
    """Largest total-variation distance between two rows, pair by pair."""
    scores = []
    for matrix in confusion:
        k = matrix.shape[0]
        scores.append(max(0.5 * np.abs(matrix[a] - matrix[b]).sum() for a in range(k) for b in range(k)))
    return np.array(scores)


def test_spam_scores_in_blocks_equal_the_pairwise_definition():
    rng = np.random.default_rng(7)
    confusion = rng.dirichlet(np.ones(6), size=(300, 6))
    np.testing.assert_allclose(rater_quality._spam_scores(confusion), _reference_spam_scores(confusion), rtol=0, atol=1e-12)


def test_spam_scores_memory_is_bounded_by_blocks_not_by_raters():
    rng = np.random.default_rng(3)
    confusion = rng.dirichlet(np.ones(50), size=(400, 50))
    # All raters at once would need 400 × 50³ × 8 bytes = 400 MB per temporary.
    tracemalloc.start()
    try:
        scores = rater_quality._spam_scores(confusion)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 150 * 2**20
    np.testing.assert_allclose(scores[:3], _reference_spam_scores(confusion[:3]), atol=1e-12)


def test_rater_flag_uses_a_given_spam_score():
    lazy = np.full((3, 3), 1 / 3)
    assert pilots.rater_flag(lazy, 10) == "lazy"
    # The same matrix with a (wrong) large score passed in is judged by the score given.
    assert pilots.rater_flag(lazy, 10, spam_score=0.9) == "ok"


def test_a_stream_source_with_many_labels_is_refused_too():
    with pytest.raises(ImportFormatError, match="distinct labels"):
        pilots.read_pilot(io.BytesIO(_csv(_distinct_labels(500))))


def test_a_pilot_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(_csv(_distinct_labels(50)))
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    with pytest.raises(ImportFormatError, match="too large for a pilot file"):
        pilots.read_pilot(path)
    assert main(["pilot", "summary", str(path), "--boot", "0"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "bytes is too large for a pilot file (at most 100 bytes)" in line


def test_a_fifo_is_not_opened_as_a_pilot(tmp_path, capsys):
    import os

    fifo = tmp_path / "labels.csv"
    os.mkfifo(fifo)
    with pytest.raises(ImportFormatError, match="not a regular file"):
        pilots.read_pilot(fifo)
    assert main(["pilot", "summary", str(fifo)]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_a_pilot_of_many_nominal_classes_is_summarised_without_a_population_fit():
    """80 nominal classes: the k⁴ option-bias fit is not attempted (it would take tens of
    gigabytes); the summary says why and still aggregates."""
    from models.rater_population import MAX_NOMINAL_FIT_CLASSES

    rows = [(f"item{i}", r, f"x{i % 80}", "q") for i in range(160) for r in ("r1", "r2", "r3")]
    dataset = pilots.read_pilot(_csv(rows, header="item,rater,label,question"))
    summary = pilots.summarize(dataset, question="q", n_boot=0)
    assert len(summary.classes) == 80 > MAX_NOMINAL_FIT_CLASSES
    assert summary.population is None
    assert any(f"fitted up to {MAX_NOMINAL_FIT_CLASSES} classes" in note for note in summary.notes)


def test_a_large_pilot_fits_its_population_on_a_random_subset_of_whole_items():
    from advisor.pilot.summary import POPULATION_FIT_LABELS, _item_subset
    from models.aggregation import Annotations

    rng = np.random.default_rng(3)
    per_item = rng.integers(1, 9, 30_000)
    items = np.repeat(np.arange(per_item.size), per_item)
    # Each item's labels come from a rater of its own, so a label of the subset names its item.
    data = Annotations.from_arrays(items, items, rng.integers(0, 2, items.size))
    gold = rng.integers(0, 2, per_item.size)
    subset, kept_gold = _item_subset(data, gold, POPULATION_FIT_LABELS, seed=0)
    assert subset.items.size <= POPULATION_FIT_LABELS < subset.items.size + per_item.max()
    original = np.full(subset.n_items, -1)
    original[subset.items] = subset.raters
    # One original item per subset item, with all its labels, and its gold beside it.
    assert np.all(np.bincount(subset.items, minlength=subset.n_items) == per_item[original])
    assert len(set(original.tolist())) == subset.n_items
    assert np.array_equal(kept_gold, gold[original])
