"""The DuckDB reader of large pilots (``annotation-advisor[scale]``) against the standard reader.

Every check compares with the standard reader of :mod:`advisor.pilot.reading` on the same table
(an independent parser: :mod:`csv`), or counts the cases the checks must catch.
"""

from __future__ import annotations

import json
import tracemalloc
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

with warnings.catch_warnings():
    # DuckDB's extension module trips an importlib deprecation notice of Python 3.11 on its first import.
    warnings.simplefilter("ignore", DeprecationWarning)
    import duckdb  # in the test extra: a missing install fails rather than skipping

from advisor.cli import main
from advisor.errors import Cancelled, ImportFormatError
from advisor.pilot.dataset import NameList
from advisor.pilot.reading import read_pilot
from advisor.pilot.simulation import simulate_pilot
from advisor.pilot.sources import read_pilot_file
from advisor.pilot.numeric import NumericScale
from advisor.pilot.sources.large import read_large_pilot
from advisor.pilot.summary import summarize
from advisor.scenario.schema import scenario_from_dict

RTE = Path(__file__).parents[2].parent / "shared" / "data" / "pilots" / "snow2008_rte.csv"


def _rows(dataset) -> Counter:
    """Every label as names (and its seconds, question, context), order-free."""
    columns = [[dataset.item_names[i] for i in dataset.items], [dataset.rater_names[r] for r in dataset.raters],
               [dataset.class_names[c] for c in dataset.labels]]
    if dataset.seconds is not None:
        columns.append([round(float(s), 3) for s in dataset.seconds])
    for codes, names in ((dataset.questions, dataset.question_names), (dataset.contexts, dataset.context_names)):
        if codes is not None:
            columns.append([names[c] for c in codes])
    return Counter(zip(*columns))


def _gold(dataset) -> dict[str, str]:
    return {dataset.item_names[i]: dataset.class_names[g] for i, g in enumerate(dataset.gold) if g >= 0}


@pytest.fixture(scope="module")
def simulated_csv(tmp_path_factory) -> Path:
    scenario = scenario_from_dict({
        "name": "large", "questions": [{"name": "q", "format": {"kind": "categorical", "k": 3}}],
        "contexts": [{"name": "easy", "weight": 2}, {"name": "hard", "weight": 1, "difficulty": 0.6}],
        "raters": {"per_item": 3, "correlation": 0.1}, "campaign": {"seconds_per_item": 12.0},
    })
    path = tmp_path_factory.mktemp("large") / "simulated.csv"
    simulate_pilot(scenario, items=3000, seed=9).write_csv(path)
    return path


def test_the_duckdb_reader_reads_what_the_standard_reader_reads(simulated_csv):
    standard = read_pilot(simulated_csv)
    large = read_large_pilot(simulated_csv)
    assert isinstance(large.item_names, NameList) and large.items.dtype == np.int32
    assert large.class_names == standard.class_names
    assert _rows(large) == _rows(standard)
    assert _gold(large) == _gold(standard)
    assert large.report.format == "large_csv" and large.report.labels == standard.n_labels


@pytest.mark.parametrize("shape", ["parquet", "json"])
def test_parquet_and_json_lines_read_the_same_table(simulated_csv, tmp_path, shape):
    target = tmp_path / f"pilot.{shape}"
    option = "(FORMAT PARQUET)" if shape == "parquet" else "(FORMAT JSON)"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{simulated_csv}', all_varchar = true)) TO '{target}' {option}")
    assert _rows(read_pilot_file(target, engine="duckdb" if shape == "json" else "auto")) == _rows(read_pilot(simulated_csv))


def test_a_summary_of_either_reading_is_the_same(simulated_csv):
    # Ties counted as a share: no tie-break depends on the (different) order of the labels.
    options = {"n_boot": 0, "ties": "half", "slip_rate": 0.02}
    standard = summarize(read_pilot(simulated_csv), **options)
    large = summarize(read_large_pilot(simulated_csv), **options)
    for method in ("majority_vote", "one_coin", "dawid_skene"):
        assert large.methods[method].accuracy_vs_gold == pytest.approx(standard.methods[method].accuracy_vs_gold, abs=1e-9)
    assert large.capacity_nats == pytest.approx(standard.capacity_nats, abs=1e-9)
    assert large.rho == pytest.approx(standard.rho, abs=1e-9)
    assert large.speed_accuracy.accrual_rate == pytest.approx(standard.speed_accuracy.accrual_rate, rel=1e-6)


@pytest.mark.parametrize("text, message", [
    ("item,rater,label\n1,a,x\n1,a,y\n2,b,x\n", "rater 'a' labels item '1' 2 times"),
    ("item,rater,label,gold\n1,a,x,x\n1,b,y,y\n2,b,x,\n", "item '1' is given gold 'x' and 'y'"),
    ("item,rater,label\n1,a,x\n,b,y\n", "1 label row(s) have an empty item field"),
    ("item,rater,label,gold,seconds\n1,a,x,,abc\n2,a,y,,3\n", "seconds that are not a finite number >= 0, e.g. 'abc'"),
    ("item,rater,label,gold,seconds\n1,a,x,,-2\n2,a,y,,3\n", "seconds that are not a finite number >= 0, e.g. '-2'"),
    ("item,rater,label\n1,a,x\n2,a,x\n", "only one distinct label ('x')"),
])
def test_the_duckdb_reader_refuses_what_the_standard_reader_refuses(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError) as error:
        read_large_pilot(path)
    assert message in str(error.value)
    with pytest.raises(ImportFormatError):
        read_pilot(path)


@pytest.mark.parametrize("rows, message", [
    ("1,a,0,9\n1,b,1,9\n2,a,1,1\n", "the gold label '9' lies off the declared scale"),
    ("1,a,0,0\n1,b,x,0\n2,a,1,1\n", "the label 'x' is not a number on the declared scale"),
])
def test_a_value_off_a_declared_scale_is_named_as_the_standard_reader_names_it(tmp_path, rows, message):
    """The DuckDB reader read labels and gold in one query and called a bad gold value a label."""
    path = tmp_path / "scale.csv"
    path.write_text("item,rater,label,gold\n" + rows, encoding="utf-8")
    with pytest.raises(ImportFormatError) as large:
        read_large_pilot(path, numeric=NumericScale(0, 2, 1))
    assert str(large.value).startswith(message)
    with pytest.raises(ImportFormatError) as standard:
        read_pilot(path, numeric=NumericScale(0, 2, 1))
    assert str(standard.value).startswith("line ") and str(standard.value).endswith(str(large.value))


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("item,worker_name,label\n1,a,x\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="missing column"):
        read_large_pilot(path)


def test_progress_reaches_its_total_and_false_cancels(simulated_csv):
    reports: list[tuple[int, int]] = []
    read_large_pilot(simulated_csv, progress=lambda done, total: reports.append((done, total)))
    assert reports[-1][0] == reports[-1][1] and [d for d, _ in reports] == sorted(d for d, _ in reports)
    with pytest.raises(Cancelled):
        read_large_pilot(simulated_csv, progress=lambda done, total: done < 2)


def test_auto_engine_falls_back_to_duckdb_past_the_row_limit(simulated_csv):
    standard = read_pilot(simulated_csv)
    with pytest.raises(ImportFormatError, match="more than 500 label rows"):
        read_pilot_file(simulated_csv, max_rows=500, engine="stdlib")
    assert read_pilot_file(simulated_csv, max_rows=500).n_labels == standard.n_labels


def test_cli_summarises_a_parquet_pilot(capsys, simulated_csv, tmp_path):
    target = tmp_path / "pilot.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{simulated_csv}', all_varchar = true)) TO '{target}' (FORMAT PARQUET)")
    assert main(["pilot", "summary", str(target), "--boot", "0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["labels"] == read_pilot(simulated_csv).n_labels
    assert data["import_report"]["format"] == "large_parquet"


@pytest.mark.parametrize("engine", ["stdlib", "duckdb"])
@pytest.mark.parametrize("content, message", [
    ("item,rater,label\n", "the file has a header but no label rows"),
    ("item,rater,label\n1,a,x\n2,a,x\n", "the pilot has only one distinct label ('x')"),
])
def test_the_cli_names_the_file_once_whichever_reader_refuses_it(capsys, tmp_path, engine, content, message):
    """Through DuckDB the command line wrote "…/hdr.csv: hdr.csv: the file has a header …"."""
    path = tmp_path / "hdr.csv"
    path.write_text(content, encoding="utf-8")
    assert main(["pilot", "summary", str(path), "--engine", engine]) == 2
    error = capsys.readouterr().err
    assert f"{path}: {message}" in error and error.count("hdr.csv") == 1


def _traced_peak(per_item: int) -> int:
    """Peak traced memory of a summary of 100,000 items × ``per_item`` labels of 10 classes."""
    from advisor.pilot.dataset import PilotDataset, frozen_array

    rng = np.random.default_rng(0)
    n_items = 100_000
    items = np.repeat(np.arange(n_items, dtype=np.int32), per_item)
    gold = rng.integers(0, 10, n_items)
    labels = np.where(rng.random(items.size) < 0.7, gold[items], rng.integers(0, 10, items.size)).astype(np.int32)
    raters = ((items.astype(np.int64) * 7 + np.tile(np.arange(per_item), n_items)) % 500).astype(np.int32)
    pilot = PilotDataset(name="wide", items=frozen_array(items), raters=frozen_array(raters), labels=frozen_array(labels),
                         gold=frozen_array(gold), item_names=NameList(np.array([b"i%d" % i for i in range(n_items)])),
                         rater_names=tuple(f"r{j}" for j in range(500)), class_names=tuple(str(c) for c in range(10)))
    tracemalloc.start()
    try:
        summarize(pilot, n_boot=20)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_summary_memory_grows_with_items_not_with_labels_times_classes():
    """Four times the labels on the same items: the summary's memory grows by less than 40 bytes per
    extra label (one label-by-class float array of 10 classes alone would add 80)."""
    extra_labels = 100_000 * (12 - 3)
    assert _traced_peak(12) - _traced_peak(3) < 40 * extra_labels
