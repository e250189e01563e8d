"""Pilot import, summary, calibration and simulation (advisor.pilot)."""

from __future__ import annotations

import codecs
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from advisor.errors import ImportFormatError
from advisor.pilot.calibration import apply_to_scenario
from advisor.pilot.rater_quality import rater_flag
from advisor.pilot.reading import MAX_ROWS, read_pilot
from advisor.pilot.scenario_quantities import scenario_contexts
from advisor.pilot.simulation import simulate_pilot
from advisor.pilot.summary import storage_summary, summarize
from advisor.scenario.schema import scenario_from_dict

PILOTS = Path(__file__).parents[2].parent / "shared" / "data" / "pilots"
CROWD_KIT_DS_RTE = 0.9275  # crowd-kit 1.4 DawidSkene on the same file (bench/pilot.py)


def make_scenario(kind: str = "categorical", k: int = 4, **raters: float) -> object:
    fmt = {"kind": kind} if kind == "binary" else {"kind": kind, "k": k}
    settings = {"per_item": 3, "correlation": 0.2, "discriminability": 2.0, "accrual_rate": 0.15, "base_time": 1.5}
    settings.update(raters)
    return scenario_from_dict({
        "name": "pilot test",
        "questions": [{"name": "judgement", "format": fmt}],
        "raters": settings,
        "campaign": {"seconds_per_item": 30.0},
    })


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# ===================================================================== reading
@pytest.mark.parametrize(
    "file_name, labels, items, raters, classes",
    [
        ("snow2008_rte.csv", 8000, 800, 164, 2),
        ("snow2008_wsd.csv", 1770, 177, 34, 3),
        ("welinder2010_bluebirds.csv", 4212, 108, 39, 2),
        ("ipeirotis_adultcontent_toy.csv", 25, 5, 5, 2),
    ],
)
def test_shared_pilots_import_with_the_sizes_of_the_readme(file_name, labels, items, raters, classes):
    dataset = read_pilot(PILOTS / file_name)
    assert (dataset.n_labels, dataset.n_items, dataset.n_raters, len(dataset.class_names)) == (labels, items, raters, classes)
    assert dataset.has_gold and np.all(dataset.gold >= 0)
    assert dataset.encoding == "utf-8" and dataset.delimiter == ","


def test_dataset_is_immutable():
    dataset = read_pilot(PILOTS / "ipeirotis_adultcontent_toy.csv")
    with pytest.raises(ValueError):
        dataset.labels[0] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        dataset.name = "other"  # type: ignore[misc]


def test_crowd_kit_column_names_and_extra_columns_are_accepted(tmp_path):
    path = write(tmp_path, "ck.csv", "task,worker,label,true_label,comment\nt1,w1,a,a,x\nt1,w2,b,a,y\nt2,w1,b,,z\n")
    dataset = read_pilot(path)
    assert dataset.item_names == ("t1", "t2") and dataset.rater_names == ("w1", "w2")
    assert dataset.class_names == ("a", "b")
    assert dataset.gold.tolist() == [0, -1]


@pytest.mark.parametrize("delimiter", ["\t", ";", "|", ","])
def test_delimiters_are_detected(tmp_path, delimiter):
    rows = ["item", "rater", "label", "seconds"], ["1", "r1", "yes", "3.5"], ["1", "r2", "no", "4"], ["2", "r1", "yes", "2"]
    text = "\n".join(delimiter.join(row) for row in rows) + "\n"
    dataset = read_pilot(write(tmp_path, "pilot.txt", text))
    assert dataset.delimiter == delimiter
    assert dataset.n_labels == 3 and dataset.seconds.tolist() == [3.5, 4.0, 2.0]


def test_quoted_fields_may_hold_the_delimiter(tmp_path):
    text = 'item,rater,label\n"a, b",r1,"x, y"\n"a, b",r2,z\n'
    dataset = read_pilot(write(tmp_path, "quoted.csv", text))
    assert dataset.item_names == ("a, b",) and dataset.class_names == ("x, y", "z")


def test_header_decides_when_the_sniffer_is_misled(tmp_path):
    # Commas inside tab-separated values can mislead the sniffer; the header settles it.
    text = "item\trater\tlabel\nx\ty\tz,w\nx\tv\tu,w\n"
    dataset = read_pilot(write(tmp_path, "one.tsv", text))
    assert dataset.delimiter == "\t" and dataset.class_names == ("z,w", "u,w")


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8-sig", codecs.BOM_UTF8), ("utf-16", b""), ("cp1252", b"")],
)
def test_encodings_are_detected(tmp_path, encoding, prefix):
    text = "item,rater,label\ncafé,r1,oui\ncafé,r2,non\nthé,r1,oui\n"
    content = prefix + text.encode(encoding)
    dataset = read_pilot(write(tmp_path, f"{encoding}.csv", content))
    assert dataset.item_names == ("café", "thé")
    assert dataset.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16", "cp1252": "cp1252"}[encoding]


def test_windows_1252_after_the_sample_falls_back_too(tmp_path):
    rows = "".join(f"item{i},rater{i % 7},yes\n" for i in range(8000))
    content = b"item,rater,label\n" + rows.encode("ascii") + "naïve,r1,no\n".encode("cp1252")
    assert len(content) > 65536
    dataset = read_pilot(write(tmp_path, "late.csv", content))
    assert dataset.encoding == "cp1252" and dataset.item_names[-1] == "naïve"


@pytest.mark.parametrize(
    "content, message",
    [
        ("item,rater\n1,a\n", "line 1: missing column\\(s\\) label"),
        ("item,rater,label\n1,a,x\n2,b\n", "line 3: expected 3 fields like the header, found 2"),
        ("item,rater,label\n1,a,x\n2,,y\n", "line 3: the rater field is empty"),
        ("item,rater,label,seconds\n1,a,x,2\n1,b,y,soon\n", "line 3: seconds must be a number, got 'soon'"),
        ("item,rater,label,seconds\n1,a,x,-2\n1,b,y,3\n", "line 2: seconds must be a finite number >= 0"),
        ("item,rater,label\n1,a,x\n2,a,y\n1,a,y\n", "line 4: rater 'a' labels item '1' a second time \\(first at line 2\\)"),
        ("item,rater,label,gold\n1,a,x,x\n2,a,y,\n1,b,y,y\n", "line 4: item '1' has gold 'y', but line 2 gave it gold 'x'"),
        ("item,rater,label\n1,a,x\n2,b,x\n", "only one distinct label"),
        ("item,rater,label\n", "no label rows"),
        ("", "the file is empty"),
        ("item rater label\n1 a x\n", "line 1: found 1 column"),
        ("item,worker,rater,label\n1,a,b,x\n", "more than one column can be the rater column"),
    ],
)
def test_format_errors_name_the_line(tmp_path, content, message):
    with pytest.raises(ImportFormatError, match=message):
        read_pilot(write(tmp_path, "bad.csv", content))


def test_multi_line_quoted_fields_keep_physical_line_numbers(tmp_path):
    content = 'item,rater,label\n"first\nitem",a,x\n2,b\n'
    with pytest.raises(ImportFormatError, match="line 4: expected 3 fields"):
        read_pilot(write(tmp_path, "multiline.csv", content))


def test_bytes_that_no_supported_encoding_decodes_are_refused(tmp_path):
    # 0x81 is undefined in Windows-1252 and invalid as a lone byte in UTF-8.
    with pytest.raises(ImportFormatError, match="cannot be decoded\\); save the file as UTF-8"):
        read_pilot(write(tmp_path, "bad.csv", b"item,rater,label\n1,a,x\n2,b,\x81y\n"))


def test_nul_bytes_without_a_byte_order_mark_are_refused(tmp_path):
    content = "item,rater,label\n1,a,x\n".encode("utf-16-le")
    with pytest.raises(ImportFormatError, match="UTF-16 without a byte-order mark"):
        read_pilot(write(tmp_path, "nobom.csv", content))


def test_row_limit(tmp_path):
    path = write(tmp_path, "rows.csv", "item,rater,label\n1,a,x\n2,a,y\n3,a,x\n")
    assert read_pilot(path, max_rows=3).n_labels == 3
    with pytest.raises(ImportFormatError, match="line 4: more than 2 label rows"):
        read_pilot(path, max_rows=2)
    with pytest.raises(ValueError, match="max_rows must be"):
        read_pilot(path, max_rows=MAX_ROWS + 1)


@pytest.mark.slow
def test_a_million_rows_import(tmp_path):
    scenario = make_scenario(per_item=5)
    simulated = simulate_pilot(scenario, items=MAX_ROWS // 5, seed=1)
    path = tmp_path / "million.csv"
    simulated.write_csv(path)
    dataset = read_pilot(path)
    assert dataset.n_labels == MAX_ROWS
    assert np.array_equal(dataset.labels, simulated.labels)
    assert np.allclose(dataset.seconds, simulated.seconds)


def test_bytes_and_streams_read_like_files(tmp_path):
    path = PILOTS / "ipeirotis_adultcontent_toy.csv"
    from_file = read_pilot(path)
    from_bytes = read_pilot(path.read_bytes(), name="toy")
    with open(path, "rb") as handle:
        from_stream = read_pilot(handle)
    for other in (from_bytes, from_stream):
        assert np.array_equal(other.labels, from_file.labels) and other.class_names == from_file.class_names
    assert from_bytes.name == "toy"


def test_numeric_class_names_are_sorted_and_csv_round_trips(tmp_path):
    text = "item,rater,label,gold,seconds,question,context\n1,a,10,2,1.5,q1,easy\n1,b,2,2,,q1,easy\n2,a,1,,3,q2,hard\n2,b,2,,4,q2,hard\n"
    dataset = read_pilot(write(tmp_path, "numbers.csv", text))
    assert dataset.class_names == ("1", "2", "10")
    again = read_pilot(dataset.to_csv_text().encode("utf-8"))
    assert again.class_names == dataset.class_names
    assert np.array_equal(again.labels, dataset.labels) and np.array_equal(again.gold, dataset.gold)
    assert np.array_equal(np.isnan(again.seconds), np.isnan(dataset.seconds))
    assert again.question_names == ("q1", "q2") and again.context_names == ("easy", "hard")
    assert dataset.preview(2)[1] == {"item": "1", "rater": "b", "label": "2", "gold": "2", "seconds": "", "question": "q1", "context": "easy"}


# ===================================================================== summary
@pytest.fixture(scope="module")
def rte_summary():
    return summarize(read_pilot(PILOTS / "snow2008_rte.csv"), n_boot=200)


def test_rte_summary_accuracies(rte_summary):
    methods = rte_summary.methods
    # Ties split at random (the default), seeded: within the spread of the tie draws around Snow et al.'s 0.897.
    assert rte_summary.majority_vote_ties == "random"
    assert methods["majority_vote"].accuracy_vs_gold == pytest.approx(0.897, abs=0.006)
    assert methods["dawid_skene"].accuracy_vs_gold >= CROWD_KIT_DS_RTE
    assert methods["dawid_skene"].accuracy_vs_gold > methods["majority_vote"].accuracy_vs_gold
    assert rte_summary.single_rater_accuracy == pytest.approx(0.729, abs=5e-4)
    assert rte_summary.kernel_source == "gold"


def test_rte_summary_capacity_and_agreement(rte_summary):
    low, high = rte_summary.capacity_ci
    assert 0 < low <= rte_summary.capacity_nats <= high < np.log(2)
    assert rte_summary.bootstrap_resamples == 200
    stats = rte_summary.agreement
    assert 0 < stats["fleiss_kappa"] < stats["percent_agreement"] < 1
    # Two classes: nominal and ordinal α coincide.
    assert stats["krippendorff_alpha_ordinal"] == pytest.approx(stats["krippendorff_alpha_nominal"])
    assert 0.0 <= rte_summary.rho < 1.0
    assert rte_summary.speed_accuracy is None


def test_summary_dictionary_is_strict_json(rte_summary):
    data = rte_summary.to_dict()
    text = json.dumps(data, allow_nan=False)
    parsed = json.loads(text)
    assert set(parsed["methods"]) == {"majority_vote", "one_coin", "dawid_skene"}
    assert parsed["capacity_bits"] == pytest.approx(parsed["capacity_nats"] / np.log(2))
    assert len(parsed["rater_reports"]) == 164


def test_bluebirds_dawid_skene_beats_majority_vote():
    summary = summarize(read_pilot(PILOTS / "welinder2010_bluebirds.csv"), n_boot=0)
    assert summary.methods["majority_vote"].accuracy_vs_gold == pytest.approx(0.759, abs=6e-4)
    assert summary.methods["dawid_skene"].accuracy_vs_gold > summary.methods["majority_vote"].accuracy_vs_gold
    # 39 labels per item: independent raters are unanimous on 39 × … ≈ 3e-6 of items, so no unanimous
    # item says nothing about ρ. The summary reported ρ = 0.000 with "Notes: none".
    assert summary.rho == 0.0 and summary.independent_unanimity * summary.items < 1.0
    assert any("ρ cannot be seen" in note and "39 labels per item" in note for note in summary.notes)
    rte = summarize(read_pilot(PILOTS / "snow2008_rte.csv"), n_boot=0)
    assert not any("ρ cannot be seen" in note for note in rte.notes)


def test_adult_content_flags_the_lazy_and_the_malicious_worker():
    """Get-Another-Label's AdultContent README: worker1 always answers porn (lazy), worker5 always answers
    wrong (malicious), worker2 is mediocre, workers 3 and 4 are good."""
    summary = summarize(read_pilot(PILOTS / "ipeirotis_adultcontent_toy.csv"), n_boot=0)
    assert summary.flagged == {"malicious": ("worker5",), "lazy": ("worker1",)}
    flags = {report.name: report.flag for report in summary.rater_reports}
    assert flags == {"worker1": "lazy", "worker2": "ok", "worker3": "ok", "worker4": "ok", "worker5": "malicious"}


def test_adult_content_with_its_own_gold_file_clamped(tmp_path):
    # Get-Another-Label's gold file names only url1 (notporn) and url2 (porn); clamp those two.
    rows = (PILOTS / "ipeirotis_adultcontent_toy.csv").read_text(encoding="utf-8").splitlines()
    kept = [rows[0]] + [line if line.split(",")[0] in ("url1", "url2") else line.rsplit(",", 1)[0] + "," for line in rows[1:]]
    dataset = read_pilot(write(tmp_path, "toy.csv", "\n".join(kept) + "\n"))
    assert dataset.gold.tolist()[:2] != [-1, -1] and dataset.gold.tolist()[2:] == [-1, -1, -1]
    summary = summarize(dataset, gold_use="clamp", n_boot=0)
    assert summary.flagged == {"malicious": ("worker5",), "lazy": ("worker1",)}
    assert summary.methods["dawid_skene"].accuracy_vs_gold is None
    assert summary.methods["majority_vote"].accuracy_vs_gold is not None


def test_rater_flag_rule():
    assert rater_flag(np.array([[0.0, 1.0], [0.0, 1.0]]), 20) == "lazy"  # always the same answer
    assert rater_flag(np.array([[0.5, 0.5], [0.55, 0.45]]), 20) == "lazy"  # random
    assert rater_flag(np.array([[0.1, 0.9], [0.85, 0.15]]), 20) == "malicious"  # inverted
    assert rater_flag(np.array([[0.9, 0.1], [0.2, 0.8]]), 20) == "ok"
    assert rater_flag(np.array([[0.1, 0.9], [0.85, 0.15]]), 4) == "few_labels"
    # Three classes: a rater who cycles the classes carries information, inverted.
    assert rater_flag(np.roll(np.eye(3), 1, axis=1), 30) == "malicious"


def test_pilot_without_gold_uses_dawid_skene(tmp_path):
    text = (PILOTS / "snow2008_rte.csv").read_text(encoding="utf-8")
    no_gold = "\n".join(line.rsplit(",", 1)[0] for line in text.splitlines()) + "\n"
    summary = summarize(read_pilot(write(tmp_path, "rte_nogold.csv", no_gold)), n_boot=0)
    assert summary.kernel_source == "dawid_skene" and summary.gold_items == 0
    assert all(result.accuracy_vs_gold is None for result in summary.methods.values())
    assert any("lower estimate" in note for note in summary.notes)


def test_questions_are_summarised_one_at_a_time(tmp_path):
    text = "item,rater,label,question\n1,a,yes,relevant\n1,b,yes,relevant\n2,a,no,relevant\n2,b,yes,relevant\n" \
           "1,a,3,quality\n1,b,4,quality\n2,a,1,quality\n2,b,2,quality\n"
    dataset = read_pilot(write(tmp_path, "two.csv", text))
    with pytest.raises(ValueError, match="2 questions \\('relevant', 'quality'\\); name one"):
        summarize(dataset)
    quality = summarize(dataset, question="quality", n_boot=0, scale="ordinal")
    assert quality.classes == ("1", "2", "3", "4") and quality.items == 2 and quality.question == "quality"
    stored = storage_summary(dataset, n_boot=0)
    assert [s["question"] for s in stored["summaries"]] == ["relevant", "quality"]


# ================================================================ calibration
ROUND_TRIP_SEEDS = (1, 2, 3)


@pytest.mark.parametrize("seed", ROUND_TRIP_SEEDS)
def test_simulate_then_calibrate_recovers_the_parameters(seed):
    truth = make_scenario()
    pilot = simulate_pilot(truth, items=2000, seed=seed)
    question = truth.questions[0]
    summary = summarize(pilot, slip_rate=question.slip_rate, n_boot=0)
    start = make_scenario(discriminability=1.0, correlation=0.05, accrual_rate=0.4, base_time=0.2)
    calibrated = apply_to_scenario(start, summary, source="simulated", model="symmetric")
    assert calibrated.raters.discriminability == pytest.approx(2.0, rel=0.10)
    assert calibrated.raters.correlation == pytest.approx(0.2, abs=0.05)
    # β and δ₀ are less sharply identified; check them against their own standard errors
    # (converted like the estimates: effort 2 for four categories, share 1).
    se_lambda, se_beta, se_delta = summary.speed_accuracy.standard_errors
    assert abs(calibrated.raters.accrual_rate - 0.15) < 4 * se_beta * 2
    assert abs(calibrated.raters.base_time - 1.5) < 4 * se_delta / 2
    assert se_lambda < 0.1


EXAMPLES = Path(__file__).parents[2] / "resources" / "scenarios"


@pytest.mark.parametrize("seed", (1, 2))
def test_contexts_with_their_own_difficulty_and_reading_are_calibrated(seed):
    from advisor.scenario.schema import load_scenario_file

    truth = load_scenario_file(EXAMPLES / "medical_xray_binary.json")  # two contexts, difficulty 1.2 and 0.5
    pilot = simulate_pilot(truth, items=2000, seed=seed)
    assert pilot.context_names == tuple(c.name for c in truth.contexts)
    question = truth.questions[0]
    summary = summarize(pilot, slip_rate=question.slip_rate, n_boot=0, contexts=scenario_contexts(truth))
    calibrated = apply_to_scenario(truth.with_changes({"raters.discriminability": 1.0, "raters.correlation": 0.0}), summary,
                                   model="symmetric")
    assert calibrated.raters.discriminability == pytest.approx(truth.raters.discriminability, rel=0.10)
    assert calibrated.raters.correlation == pytest.approx(truth.raters.correlation, abs=0.05)
    # Without the contexts the pooled fit mixes an easy and a hard context and says so.
    pooled = apply_to_scenario(truth, summarize(pilot, slip_rate=question.slip_rate, n_boot=0), model="symmetric")
    assert "mean reading time and difficulty stand in" in pooled.provenance[-1].detail
    other = truth.with_changes({"contexts.0.difficulty": 2.0})
    with pytest.raises(ValueError, match="summarise it again"):
        apply_to_scenario(other, summary, model="symmetric")


def test_calibration_without_seconds_per_context():
    from advisor.scenario.schema import load_scenario_file

    truth = load_scenario_file(EXAMPLES / "medical_xray_binary.json")
    # Near-perfect accuracy in the easy context makes the inversion noisy; 6,000 items keep its SD near 2 %.
    pilot = simulate_pilot(truth, items=6000, seed=5, time_spread=0.0)
    summary = summarize(pilot, slip_rate=truth.questions[0].slip_rate, n_boot=0)
    assert set(summary.context_accuracy) == {"clear findings", "subtle findings"}
    calibrated = apply_to_scenario(truth.with_changes({"raters.discriminability": 1.0}), summary, model="symmetric")
    assert calibrated.raters.discriminability == pytest.approx(truth.raters.discriminability, rel=0.10)


def test_calibration_without_seconds_inverts_the_accuracy():
    truth = make_scenario()
    pilot = simulate_pilot(truth, items=2000, seed=4, time_spread=0.0)
    summary = summarize(pilot, slip_rate=truth.questions[0].slip_rate, n_boot=0)
    assert summary.speed_accuracy is None
    assert any("barely vary" in note for note in summary.notes)
    calibrated = apply_to_scenario(make_scenario(discriminability=1.0), summary, model="symmetric")
    assert calibrated.raters.discriminability == pytest.approx(2.0, rel=0.10)
    assert calibrated.raters.accrual_rate == truth.raters.accrual_rate
    assert calibrated.provenance[-1].fields == ("raters.correlation", "raters.discriminability")


def test_calibration_records_provenance_and_leaves_the_original_alone():
    truth = make_scenario(kind="binary")
    summary = summarize(simulate_pilot(truth, items=500, seed=5), slip_rate=0.02, n_boot=20)
    start = make_scenario(kind="binary", discriminability=1.0)
    calibrated = apply_to_scenario(start, summary, source="pilot.csv", model="symmetric")
    assert start.raters.discriminability == 1.0 and start.provenance == ()
    record = calibrated.provenance[-1]
    assert record.source == "pilot.csv" and record.created
    assert set(record.fields) == {"raters.discriminability", "raters.accrual_rate", "raters.base_time", "raters.correlation"}
    assert "speed–accuracy" in record.method and "ρ" in record.detail
    again = apply_to_scenario(calibrated, summary, model="symmetric")
    assert len(again.provenance) == 2


def test_calibration_refuses_mismatched_questions():
    summary = summarize(simulate_pilot(make_scenario(kind="binary"), items=200, seed=6), n_boot=0)
    with pytest.raises(ValueError, match="summarised on the nominal scale"):
        apply_to_scenario(make_scenario(kind="ordinal", k=5), summary)
    with pytest.raises(ValueError, match="no question 'other'"):
        apply_to_scenario(make_scenario(kind="binary"), summary, question="other")
    ranking = scenario_from_dict({"name": "r", "questions": [{"name": "rank", "format": {"kind": "ranking", "k": 3}}]})
    with pytest.raises(ValueError, match="not ranking"):
        apply_to_scenario(ranking, summary)


def test_ordinal_round_trip():
    truth = make_scenario(kind="ordinal", k=5)
    pilot = simulate_pilot(truth, items=2000, seed=7)
    assert pilot.class_names == ("1", "2", "3", "4", "5")
    summary = summarize(pilot, scale="ordinal", slip_rate=0.02, n_boot=0)
    calibrated = apply_to_scenario(make_scenario(kind="ordinal", k=5, discriminability=1.0), summary)
    se = summary.speed_accuracy.standard_errors[0]
    assert abs(calibrated.raters.discriminability - 2.0) < 4 * se + 0.02


# ================================================================= simulation
def test_simulation_is_seeded():
    scenario = make_scenario()
    first = simulate_pilot(scenario, items=300, seed=9)
    again = simulate_pilot(scenario, items=300, seed=9)
    other = simulate_pilot(scenario, items=300, seed=10)
    assert np.array_equal(first.labels, again.labels) and np.array_equal(first.seconds, again.seconds)
    assert not np.array_equal(first.labels, other.labels)
    assert first.n_labels == 900 and first.question_names == ("judgement",)
    per_item = np.bincount(first.items)
    assert np.all(per_item == 3)
    # Raters of one item are distinct people.
    pairs = first.raters.reshape(300, 3)
    assert all(len(set(row)) == 3 for row in pairs.tolist())


def test_simulated_herding_shows_as_unanimity():
    scenario = make_scenario(correlation=0.0)
    independent = summarize(simulate_pilot(scenario, items=1500, seed=11), n_boot=0)
    herded = summarize(simulate_pilot(make_scenario(correlation=0.6), items=1500, seed=11), n_boot=0)
    assert herded.observed_unanimity > independent.observed_unanimity + 0.3
    assert independent.rho < 0.05


def test_simulation_with_contexts_writes_them(tmp_path):
    scenario = scenario_from_dict({
        "name": "ctx",
        "contexts": [{"name": "short", "weight": 1}, {"name": "long", "weight": 1, "reading_words": 119, "difficulty": 0.5}],
        "questions": [{"name": "q", "format": {"kind": "binary"}}],
    })
    pilot = simulate_pilot(scenario, items=400, seed=12)
    assert pilot.context_names == ("short", "long")
    by_context = [np.mean(pilot.labels[pilot.contexts == c] == pilot.gold[pilot.items[pilot.contexts == c]]) for c in (0, 1)]
    assert by_context[0] > by_context[1]  # harder and shorter judgment time in the long context
    path = tmp_path / "sim.csv"
    pilot.write_csv(path)
    assert read_pilot(path).context_names == ("short", "long")


def test_simulation_validates_its_arguments():
    scenario = make_scenario()
    with pytest.raises(ValueError, match="items must be an integer from 1"):
        simulate_pilot(scenario, items=0, seed=1)
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        simulate_pilot(scenario, items=10, seed=-1)
    with pytest.raises(ValueError, match="time_spread must be in"):
        simulate_pilot(scenario, items=10, seed=1, time_spread=5.0)
    free_text = scenario_from_dict({"name": "f", "questions": [{"name": "why", "format": {"kind": "free_text"}}]})
    with pytest.raises(ValueError, match="not free_text"):
        simulate_pilot(free_text, items=10, seed=1)
