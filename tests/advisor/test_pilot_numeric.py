"""Numeric scales, honest majority vote at ties, and no Dawid–Skene number from one label per item."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from models.aggregation import Annotations, majority_vote, tie_credit_accuracy

from advisor.cli import main
from advisor.errors import ImportFormatError
from advisor.pilot.numeric import NumericScale, mean_score_correlation, parse_scale
from advisor.pilot.reading import read_pilot
from advisor.pilot.summary import summarize

RTE = Path(__file__).parents[2].parent / "shared" / "data" / "pilots" / "snow2008_rte.csv"


# ============================================================== numeric scale
@pytest.mark.parametrize("written, canonical", [
    ("0", "0"), ("-0", "0"), ("00", "0"), ("0.0", "0"), ("+0", "0"), ("1.0", "1"), (" 7 ", "7"), ("100", "100"),
])
def test_every_spelling_of_a_value_is_one_class(written, canonical):
    assert NumericScale(0, 100, 1).normalise(written) == canonical


@pytest.mark.parametrize("rows, message", [
    ("1,a,0,0\n1,b,x,0\n", "line 3: the label 'x' is not a number on the declared scale"),
    ("1,a,0,0\n1,b,1,9\n", "line 3: the gold label '9' lies off the declared scale"),
])
def test_a_pilot_label_off_its_declared_scale_is_named_with_its_line(rows, message):
    content = ("item,rater,label,gold\n" + rows).encode()
    with pytest.raises(ImportFormatError) as refused:
        read_pilot(content, name="scale.csv", numeric=NumericScale(0, 2, 1))
    assert message in str(refused.value) and "label label" not in str(refused.value)


@pytest.mark.parametrize("written, message", [("101", "off the declared scale"), ("0.5", "between the steps"),
                                              ("high", "not a number"), ("nan", "not a finite number")])
def test_labels_off_the_scale_are_refused(written, message):
    with pytest.raises(ImportFormatError, match=message):
        NumericScale(0, 100, 1).value(written)


def test_a_slider_of_101_values_with_spellings_reads_as_its_values(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.integers(0, 101, size=3000)
    spellings = [str(v) if i % 3 else (f"{v:03d}" if i % 2 else f"{v}.0") for i, v in enumerate(values)]
    spellings[0], spellings[1] = "-0", "00"
    values[0] = values[1] = 0
    rows = [f"i{i // 3},r{i % 3},{s}" for i, s in enumerate(spellings)]
    content = ("item,rater,label\n" + "\n".join(rows) + "\n").encode()
    with pytest.raises(ImportFormatError, match="distinct labels"):
        read_pilot(content, name="slider.csv")
    dataset = read_pilot(content, name="slider.csv", numeric=NumericScale(0, 100, 1))
    assert set(map(float, dataset.class_names)) == set(map(float, values))
    assert [float(dataset.class_names[c]) for c in dataset.labels] == [float(v) for v in values]
    assert dataset.class_names == tuple(sorted(dataset.class_names, key=float))


def test_binning_puts_each_value_in_its_equal_width_bin():
    scale = parse_scale("0:100", bins=10)
    values = np.arange(0, 101)
    centres = [float(scale.normalise(str(v))) for v in values]
    reference = np.minimum(values // 10, 9) * 10 + 5
    assert centres == list(map(float, reference))
    with pytest.raises(ValueError, match="at most 101"):
        NumericScale(0, 1000, 1)


def test_mean_score_correlation_matches_enumeration():
    # Three items, two labels each: r = 1 has 2**3 equally likely draws, r = 2 one.
    values = np.array([1.0, 3.0, 2.0, 6.0, 5.0, 4.0])
    items = np.array([0, 0, 1, 1, 2, 2])
    gold = np.array([1.0, 4.0, 5.0])
    exact = np.mean([np.corrcoef([values[2 * i + c] for i, c in enumerate(choice)], gold)[0, 1]
                     for choice in itertools.product((0, 1), repeat=3)])
    rows = mean_score_correlation(values, items, gold, draws=4000, seed=1)
    assert rows[0]["r"] == 1 and rows[0]["pearson"] == pytest.approx(exact, abs=0.02)
    all_means = np.corrcoef([2.0, 4.0, 4.5], gold)[0, 1]
    assert rows[1]["r"] == 2 and rows[1]["pearson"] == pytest.approx(all_means, abs=1e-12)
    assert rows[1]["low"] == pytest.approx(rows[1]["high"])


def test_numeric_summary_reads_out_the_correlation_rising_with_raters(capsys, tmp_path):
    rng = np.random.default_rng(3)
    gold = rng.integers(1, 8, size=300)
    rows = []
    for item, truth in enumerate(gold):
        for rater in range(5):
            score = int(np.clip(round(truth + rng.normal(0, 1.5)), 1, 7))
            rows.append(f"i{item},r{(item + rater) % 40},{score}.0,{truth}")
    path = tmp_path / "ratings.csv"
    path.write_text("item,rater,label,gold\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["pilot", "summary", str(path), "--numeric", "1:7", "--boot", "0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["numeric"] and data["scale"] == "ordinal"
    assert data["classes"] == [str(v) for v in range(1, 8)]
    readout = data["numeric_readout"]
    assert [row["r"] for row in readout] == [1, 2, 3, 4, 5]
    assert all(a["pearson"] < b["pearson"] for a, b in zip(readout, readout[1:]))
    assert main(["pilot", "summary", str(path), "--numeric", "1:7", "--boot", "0"]) == 0
    out = capsys.readouterr().out
    assert "correlation of the mean of r scores with gold" in out and "exact match vs gold" in out


# ======================================================================= ties
def _rte():
    dataset = read_pilot(RTE)
    return Annotations.from_arrays(dataset.items, dataset.raters, dataset.labels), np.asarray(dataset.gold), dataset


def test_ties_counted_as_a_share_give_snow_et_al_rte_figure():
    data, gold, _ = _rte()
    # Snow et al. (2008): majority vote of 10 RTE labels, ties split at random, 0.897.
    assert round(tie_credit_accuracy(data.vote_counts(), gold), 3) == 0.897
    assert majority_vote(data, ties="first").accuracy_against(gold) == pytest.approx(0.9025)


def test_random_ties_average_to_the_share_rule():
    votes = np.array([[2, 2], [3, 1], [1, 1], [0, 4], [2, 2]])
    gold = np.array([0, 0, 1, 1, -1])
    sizes = votes.sum(axis=1)
    data = Annotations.from_arrays(np.repeat(np.arange(5), sizes), np.concatenate([np.arange(n) for n in sizes]),
                                   np.array([c for row in votes for c, n in enumerate(row) for _ in range(n)]))
    assert np.array_equal(data.vote_counts(), votes)
    draws = [majority_vote(data, ties="random", seed=s).accuracy_against(gold) for s in range(4000)]
    # Items 0 and 2 are two-way ties with gold among them: each counts a half.
    assert tie_credit_accuracy(votes, gold) == pytest.approx((0.5 + 1 + 0.5 + 1) / 4)
    assert np.mean(draws) == pytest.approx(0.75, abs=0.01)


def test_summary_states_its_tie_rule():
    _, _, dataset = _rte()
    half = summarize(dataset, n_boot=0, ties="half")
    assert half.majority_vote_ties == "half"
    assert half.methods["majority_vote"].accuracy_vs_gold == pytest.approx(0.896875)
    assert summarize(dataset, n_boot=0, ties="first").methods["majority_vote"].accuracy_vs_gold == pytest.approx(0.9025)


# ========================================================== one label per item
def test_one_label_per_item_reports_majority_vote_with_a_notice_not_dawid_skene(capsys, tmp_path):
    _, _, dataset = _rte()
    first = np.unique(np.asarray(dataset.items), return_index=True)[1]
    rows = [f"{dataset.item_names[dataset.items[i]]},{dataset.rater_names[dataset.raters[i]]},"
            f"{dataset.class_names[dataset.labels[i]]},{dataset.class_names[dataset.gold[dataset.items[i]]]}" for i in first]
    path = tmp_path / "single.csv"
    path.write_text("item,rater,label,gold\n" + "\n".join(rows) + "\n", encoding="utf-8")
    summary = summarize(read_pilot(path), n_boot=0)
    for method in ("dawid_skene", "one_coin"):
        assert summary.methods[method].accuracy_vs_gold is None and not summary.methods[method].identifiable
    single = np.mean([dataset.labels[i] == dataset.gold[dataset.items[i]] for i in first])
    assert summary.methods["majority_vote"].accuracy_vs_gold == pytest.approx(single)
    assert any("one label per item" in note for note in summary.notes)
    # Nothing identified, so no "stopped at its iteration cap" either (it said "500  NO").
    assert not any("iteration cap" in note for note in summary.notes)
    assert main(["pilot", "summary", str(path), "--boot", "0"]) == 0
    out = capsys.readouterr().out
    assert "— (one label per item)" in out
    dawid_skene = next(line for line in out.splitlines() if line.startswith("dawid_skene"))
    assert dawid_skene.split()[-2:] == ["—", "—"]
    assert "(no item has two labels)" in out and "unanimous items" not in out
