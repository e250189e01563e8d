"""Pilot files from where they live: Label Studio, MTurk, Potato, Argilla and crowd-kit exports.

The fixtures in ``tests/data/pilots/`` are real exports of those tools (see the README and NOTICE
there); the converted ones hold real labels (Snow et al.'s RTE) written by the tools' own
converters. Every expectation is checked against an independent reading of the same file (the
shared RTE CSV, :mod:`csv`, :mod:`json`), not against the importer's own output. Hostile files
end in one :class:`ImportFormatError` naming the line or record, or in a warning count.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from advisor.cli import main
from advisor.errors import ImportFormatError
from advisor.pilot.sources import detect_format, read_pilot_file
from advisor.pilot.summary import summarize

DATA = Path(__file__).parents[1] / "data" / "pilots"
RTE = Path(__file__).parents[2].parent / "shared" / "data" / "pilots" / "snow2008_rte.csv"
LS = DATA / "label-studio"
MTURK = DATA / "mturk"
POTATO = DATA / "potato"
ARGILLA = DATA / "argilla"


def _rte40() -> list[dict[str, str]]:
    with open(RTE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    items = list(dict.fromkeys(row["item"] for row in rows))[:40]
    return [row for row in rows if row["item"] in set(items)]


def _triples(dataset) -> Counter:
    """(item, label) counts of a dataset, by name."""
    return Counter((dataset.item_names[i], dataset.class_names[c]) for i, c in zip(dataset.items, dataset.labels))


# ================================================================ Label Studio
def test_label_studio_json_keeps_raters_answers_and_reads_ground_truth_as_gold():
    dataset = read_pilot_file(LS / "rte40.json")
    rows = _rte40()
    assert dataset.report.format == "label_studio_json"
    assert dataset.report.labels == dataset.n_labels == len(rows) == 400
    assert dataset.report.cancelled == 5 and dataset.report.ground_truth == 10
    assert _triples(dataset) == Counter((row["item"], row["label"]) for row in rows)
    # Raters are the completed_by e-mails; every RTE worker of these items is one rater.
    assert set(dataset.rater_names) == {f"{row['rater']}@mturk.example" for row in rows}
    gold = {dataset.item_names[i]: dataset.class_names[g] for i, g in enumerate(dataset.gold) if g >= 0}
    reference = {row["item"]: row["gold"] for row in rows}
    items = list(dict.fromkeys(row["item"] for row in rows))
    assert gold == {item: reference[item] for item in items[::4]}
    assert dataset.question_names == ("entailment",)


def test_label_studio_json_min_and_csv_from_the_converter_read_the_same_labels():
    from_min = read_pilot_file(LS / "rte40.json_min.json")
    from_csv = read_pilot_file(LS / "rte40.csv")
    assert (from_min.report.format, from_csv.report.format) == ("label_studio_json_min", "label_studio_csv")
    # The converter drops cancelled annotations and does not mark ground truth: the reviewer's
    # ground-truth answers are read as a rater's labels, and a warning says so.
    rows = _rte40()
    expected = Counter((row["item"], row["label"]) for row in rows)
    expected.update((row["item"], row["gold"]) for row in {r["item"]: r for r in rows}.values()
                    if list(dict.fromkeys(r["item"] for r in rows)).index(row["item"]) % 4 == 0)
    for dataset in (from_min, from_csv):
        assert dataset.n_labels == 410 and dataset.report.cancelled == 0
        assert _triples(dataset) == expected
        assert "reviewer@example.org" in dataset.rater_names
        assert not dataset.has_gold
        assert any("do not mark ground truth" in w for w in dataset.report.warnings)
        assert any("answer fields read as 'entailment'" in w for w in dataset.report.warnings)


def test_label_studio_config_names_the_answer_fields():
    config = (LS / "rte40.config.xml").read_text(encoding="utf-8")
    dataset = read_pilot_file(LS / "rte40.csv", label_config=config)
    assert dataset.question_names == ("entailment",)
    assert not any("answer fields read as" in w for w in dataset.report.warnings)


def test_label_studio_real_exports_rater_seconds_timestamps_and_ground_truth():
    tasks = []
    for name in ("csv_test_history.json", "previous_export.json", "humor_dataset_2_annotations.json"):
        document = json.loads((LS / name).read_text(encoding="utf-8"))
        tasks.extend(document if isinstance(document, list) else [document])
    dataset = read_pilot_file(json.dumps(tasks).encode("utf-8"), name="three exports")
    assert dataset.report.ground_truth == 1  # the humour task marked ground_truth
    by_item = {dataset.item_names[i]: (dataset.rater_names[r], dataset.class_names[c], s, t)
               for i, r, c, s, t in zip(dataset.items, dataset.raters, dataset.labels, dataset.seconds, dataset.timestamps)}
    assert by_item["6141"][:3] == ("sergei@heartex.test", "Positive", pytest.approx(1.849))
    assert by_item["6141"][3] == pytest.approx(datetime(2024, 5, 15, 12, 9, 16, 789536, tzinfo=timezone.utc).timestamp())
    assert by_item["1234"][:3] == ("annotator_from_past@project.com", "Cat", pytest.approx(346193.271))
    # The second humour task's annotation is the only rater's answer on that question; the first
    # task's only annotation is ground truth, so that task has gold and no label.
    assert by_item["task 4"][:2] == ("test_suites_user@heartex.com", "Not Humor")
    assert "task 3" not in by_item
    assert dataset.question_names == ("sentiment", "label")


def test_label_studio_region_only_export_is_refused_saying_what_was_left_out():
    with pytest.raises(ImportFormatError) as error:
        read_pilot_file(LS / "csv_test.json")
    message = str(error.value)
    assert "no rater's answer that is a single label" in message
    assert "2 model predictions" in message and "region annotations (rectanglelabels)" in message


def test_label_studio_multi_select_control_is_left_out_entirely():
    tasks = [{"id": i, "annotations": [
        {"completed_by": r, "result": [
            {"from_name": "topic", "type": "choices", "value": {"choices": ["a", "b"] if (i, r) == (0, 1) else ["a"]}},
            {"from_name": "ok", "type": "choices", "value": {"choices": ["yes" if (i + r) % 2 else "no"]}},
        ]} for r in (1, 2)]} for i in range(3)]
    dataset = read_pilot_file(json.dumps(tasks).encode(), name="multi")
    assert dataset.question_names == ("ok",)
    assert dict(dataset.report.skipped)["answers to the multi-select question 'topic'"] == 5


def test_label_studio_names_a_long_question_short_in_what_it_skipped_and_in_a_gold_conflict():
    """A control named with 300 characters: the skip count and the conflict between two ground-truth
    annotations quote its start and its length (one short line), never the whole name."""
    long_name = "topic " + "x" * 294
    tasks = [{"id": i, "annotations": [
        {"completed_by": r, "result": [
            {"from_name": long_name, "type": "choices", "value": {"choices": ["a", "b"] if (i, r) == (0, 1) else ["a"]}},
            {"from_name": "ok", "type": "choices", "value": {"choices": ["yes" if (i + r) % 2 else "no"]}},
        ]} for r in (1, 2)]} for i in range(3)]
    dataset = read_pilot_file(json.dumps(tasks).encode(), name="multi")
    (skipped, count), = [(text, n) for text, n in dataset.report.skipped if "multi-select question" in text]
    assert count == 5 and long_name not in skipped and len(skipped) < 120
    assert "'topic xxx" in skipped and "(300 characters)" in skipped

    gold = [{"ground_truth": True, "result": [{"from_name": long_name, "type": "choices",
                                                "value": {"choices": [answer]}}]} for answer in ("yes", "no")]
    raters = [{"completed_by": r, "result": [{"from_name": long_name, "type": "choices",
                                              "value": {"choices": ["yes"]}}]} for r in (1, 2)]
    with pytest.raises(ImportFormatError) as error:
        read_pilot_file(json.dumps([{"id": 7, "annotations": [*gold, *raters]}]).encode(), name="gold")
    message = str(error.value)
    assert message.startswith("task 1 (id 7), annotation 2: a second ground-truth annotation gives 'topic xxx")
    assert "(300 characters) the answer 'no', another gave 'yes'" in message
    assert long_name not in message and len(message) < 200


# ====================================================================== MTurk
def _batch_rows(name: str) -> list[dict[str, str]]:
    with open(MTURK / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_mturk_numbered_answers_are_items_of_one_hit_with_time_shared_out():
    dataset = read_pilot_file(MTURK / "Batch_3824355_batch_results.csv", questions=["num"])
    rows = _batch_rows("Batch_3824355_batch_results.csv")
    assert dataset.report.format == "mturk"
    assert dataset.n_labels == 5 * len(rows) and dataset.n_items == 5 and dataset.n_raters == len(rows)
    hit = rows[0]["HITId"]
    expected = Counter((f"{row['HITId']}/num{n}", row[f"Answer.num{n}"]) for row in rows for n in range(1, 6))
    assert _triples(dataset) == expected
    first = np.flatnonzero(dataset.raters == dataset.rater_names.index(rows[0]["WorkerId"]))
    assert dataset.seconds[first] == pytest.approx(np.full(5, float(rows[0]["WorkTimeInSeconds"]) / 5))
    pst = timezone(timedelta(hours=-8))
    assert dataset.timestamps[first[0]] == datetime(2019, 11, 4, 22, 33, 52, tzinfo=pst).timestamp()
    assert dataset.item_names[0] == f"{hit}/num1"
    assert any("idle time" in w for w in dataset.report.warnings)


def test_mturk_ambiguous_answers_are_refused_listing_them():
    with pytest.raises(ImportFormatError) as error:
        read_pilot_file(MTURK / "Batch_3824355_batch_results.csv")
    message = str(error.value)
    assert "num (5 items per HIT)" in message and "1_gender" in message and "name the question" in message


def test_mturk_items_named_by_echoed_urls_and_short_review_columns():
    dataset = read_pilot_file(MTURK / "Batch_257568_batch_results.csv")
    row = _batch_rows("Batch_257568_batch_results.csv")[0]
    assert dataset.question_names == ("q",)
    expected = Counter((row[f"Answer.Q{n}_URL"], row[f"Answer.q{n}"]) for n in range(1, 13))
    assert _triples(dataset) == expected
    assert dataset.seconds == pytest.approx(np.full(12, float(row["WorkTimeInSeconds"]) / 12))


def test_mturk_rejected_assignments_are_counted_not_labels():
    text = (MTURK / "Batch_3824355_batch_results.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    rejected = "".join(line.replace('"Submitted"', '"Rejected"', 1) if 1 <= i <= 10 else line for i, line in enumerate(lines))
    dataset = read_pilot_file(rejected.encode("utf-8"), name="rejected.csv", questions=["num"])
    assert dataset.report.cancelled == 10
    assert dataset.n_labels == 5 * (len(lines) - 1 - 10)


def test_mturk_windows_1252_file_is_read_and_missing_worker_column_named():
    content = (MTURK / "Batch_257568_batch_results.csv").read_bytes().replace(b"speech, listen", "speech, \u00e9coute".encode("cp1252"))
    assert b"\xe9" in content
    assert read_pilot_file(content, name="cp1252.csv").encoding == "cp1252"
    broken = (MTURK / "Batch_257568_batch_results.csv").read_bytes().replace(b'"WorkerId"', b'"Worker"', 1)
    with pytest.raises(ImportFormatError, match="line 1: missing MTurk column"):
        read_pilot_file(broken, name="broken.csv")


# ===================================================================== Potato
def test_potato_annotated_instances_rater_from_folder_and_time_spent():
    path = POTATO / "sentiment_analysis" / "pedropei@umich.edu" / "annotated_instances.jsonl"
    dataset = read_pilot_file(path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert dataset.rater_names == ("pedropei@umich.edu",)
    assert _triples(dataset) == Counter((r["id"], next(iter(r["label_annotations"]["sentiment"]))) for r in records)
    assert sorted(dataset.seconds) == [1.0, 5.0]


def test_potato_output_folder_of_user_states_drops_multi_select_schemes():
    dataset = read_pilot_file(POTATO / "dataset-publishing")
    assert dataset.report.format == "potato" and dataset.rater_names == ("alice", "bob")
    expected = Counter()
    for user in ("alice", "bob"):
        state = json.loads((POTATO / "dataset-publishing" / user / "user_state.json").read_text(encoding="utf-8"))
        for item, entries in state["instance_id_to_label_to_value"].items():
            expected.update((item, key["name"]) for key, value in entries if key["schema"] == "sentiment")
    assert dataset.question_names == ("sentiment",)
    assert _triples(dataset) == expected
    skipped = dict(dataset.report.skipped)
    assert skipped["answers to the multi-select question 'aspects'"] > 0


def test_potato_table_reads_users_and_refuses_a_single_class():
    with pytest.raises(ImportFormatError, match="only one distinct label .'neutral'."):
        read_pilot_file(POTATO / "dialogue_analysis" / "annotated_instances.tsv")
    assert detect_format((POTATO / "dialogue_analysis" / "annotated_instances.tsv").read_bytes()) == "potato_table"


# ==================================================================== Argilla
def test_argilla_flat_records_keep_submitted_responses_only():
    dataset = read_pilot_file(ARGILLA / "rte40.flat.json")
    records = json.loads((ARGILLA / "rte40.flat.json").read_text(encoding="utf-8"))
    expected = Counter((r["id"], value) for r in records
                       for value, status in zip(r["entailment.responses"], r["entailment.responses.status"]) if status == "submitted")
    assert dataset.report.cancelled == 3 and dataset.n_labels == 397
    assert _triples(dataset) == expected
    assert dict(dataset.report.skipped)["suggestions (a model's pre-labels)"] == 40


def test_argilla_nested_records_have_no_status_and_say_so():
    dataset = read_pilot_file(ARGILLA / "rte40.nested.json")
    rows = _rte40()
    assert _triples(dataset) == Counter((row["item"], row["label"]) for row in rows)
    assert any("without a status were read as submitted" in w for w in dataset.report.warnings)


# ================================================================== crowd-kit
def test_pairwise_comparisons_become_binary_answers_about_unordered_pairs():
    # crowd-kit's own BradleyTerry test data (data_abc), with a second worker who saw the pairs
    # the other way round.
    text = "worker,task,left,right,label\nw1,t1,a,b,a\nw1,t2,b,c,b\nw1,t3,c,a,a\nw2,t1,b,a,a\nw2,t2,c,b,c\nw2,t3,a,c,tie\n"
    dataset = read_pilot_file(text.encode(), name="pairs.csv")
    assert dataset.report.format == "pairwise"
    assert _triples(dataset) == Counter({("a | b", "first"): 2, ("b | c", "first"): 1, ("b | c", "second"): 1,
                                         ("a | c", "first"): 1, ("a | c", "tie"): 1})
    with pytest.raises(ImportFormatError, match="line 3: the label 'z' is neither side"):
        read_pilot_file(b"worker,left,right,label\nw1,a,b,a\nw1,b,c,z\n", name="bad.csv")


def test_every_shape_is_recognised_by_content():
    assert detect_format(RTE.read_bytes()) == "csv"
    assert detect_format((MTURK / "Batch_257568_batch_results.csv").read_bytes()) == "mturk"
    assert detect_format((LS / "rte40.csv").read_bytes()) == "label_studio_csv"
    assert detect_format(b"worker,left,right,label\nw,a,b,a\n") == "pairwise"
    assert detect_format((LS / "rte40.json").read_bytes()) == "json"


# ==================================================================== hostile
def _ls(tasks) -> bytes:
    return json.dumps(tasks).encode("utf-8")


@pytest.mark.parametrize("content, message", [
    (b'[{"id": 1, "annotations": [{"completed_by": 1, "result": []}]}, \xff]', "not UTF-8"),
    (b'[{"id": 1, "annotations": [', "not valid JSON"),
    (b'[{"id": 1, "annotations": [{"completed_by": 1, "lead_time": NaN, "result": []}]}]', "not a number"),
    (b"[" * 100 + b"]" * 100, "nested 100 levels"),
    (_ls([{"id": 1, "data": {}}]), "task 1: no 'annotations' list"),
    (_ls([{"id": 7, "annotations": [{"completed_by": 1, "lead_time": -3,
                                      "result": [{"from_name": "q", "value": {"choices": ["a"]}}]}]}]), "task 1 (id 7), annotation 1: lead_time"),
    (_ls([{"id": 1, "annotations": [{"completed_by": 1, "result": "yes"}]}]), "'result' must be a list"),
    (_ls({"records": []}), "no pilot export this app reads"),
])
def test_hostile_json_exports_end_in_one_clear_error(content, message):
    with pytest.raises(ImportFormatError) as error:
        read_pilot_file(content, name="hostile.json")
    assert message in str(error.value)


def test_cancelled_only_export_says_what_it_left_out():
    tasks = [{"id": i, "annotations": [{"completed_by": 1, "was_cancelled": True, "result": []}]} for i in range(4)]
    with pytest.raises(ImportFormatError, match=r"no rater's answer that is a single label \(4 cancelled\)"):
        read_pilot_file(_ls(tasks), name="cancelled.json")


def test_missing_fields_are_counted_or_named():
    tasks = [
        {"id": 1, "annotations": [{"result": [{"from_name": "q", "value": {"choices": ["a"]}}]},  # no rater
                                   {"completed_by": 2, "result": [{"value": {"choices": ["a"]}}]},  # no from_name
                                   {"completed_by": 3, "result": [{"from_name": "q", "value": {"choices": ["a"]}}]}]},
        {"id": 2, "annotations": [{"completed_by": 3, "result": [{"from_name": "q", "value": {"choices": ["b"]}}]}]},
    ]
    dataset = read_pilot_file(_ls(tasks), name="missing.json")
    assert dataset.n_labels == 2
    assert dict(dataset.report.skipped) == {"annotations without a rater (no completed_by)": 1, "results without from_name": 1}


def test_an_item_with_ten_thousand_labels_gives_a_warning_count_and_a_summary(capsys, tmp_path):
    crowd = {"id": "crowded", "annotations": [
        {"completed_by": f"r{j}", "result": [{"from_name": "q", "value": {"choices": ["yes" if j % 3 else "no"]}}]}
        for j in range(10_000)]}
    others = [{"id": f"t{i}", "annotations": [
        {"completed_by": f"r{j}", "result": [{"from_name": "q", "value": {"choices": ["yes" if (i + j) % 2 else "no"]}}]}
        for j in range(3)]} for i in range(50)]
    path = tmp_path / "crowded.json"
    path.write_text(json.dumps([crowd] + others), encoding="utf-8")
    dataset = read_pilot_file(path)
    assert dataset.n_labels == 10_150
    assert any("1 item(s) have more than 1,000 labels (most: 'crowded' with 10,000)" in w for w in dataset.report.warnings)
    status = main(["pilot", "summary", str(path), "--boot", "0"])
    out, err = capsys.readouterr()
    assert status == 0 and "Traceback" not in err
    assert "warning: 1 item(s) have more than 1,000 labels" in out


def test_the_same_rater_ten_thousand_times_on_one_item_is_one_clear_error(capsys, tmp_path):
    crowd = [{"id": "x", "annotations": [{"completed_by": "same", "result": [{"from_name": "q", "value": {"choices": [str(j % 2)]}}]}
                                         for j in range(10_000)]}]
    path = tmp_path / "same.json"
    path.write_text(json.dumps(crowd), encoding="utf-8")
    status = main(["pilot", "summary", str(path), "--boot", "0"])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "rater 'same' labels item 'x' a second time" in err


def test_summary_json_counts_raters_answers_as_labels_and_the_rest_apart(capsys):
    status = main(["pilot", "summary", str(LS / "rte40.json"), "--json", "--boot", "0"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert data["labels"] == 400
    assert data["import_report"]["cancelled"] == 5 and data["import_report"]["ground_truth"] == 10
    assert data["gold_items"] == 10
    summary = summarize(read_pilot_file(LS / "rte40.json"), n_boot=0)
    assert summary.methods["majority_vote"].accuracy_vs_gold == data["methods"]["majority_vote"]["accuracy_vs_gold"]


def test_pilot_import_stores_a_tool_export_as_its_labels(capsys, tmp_path):
    db = ["--db", f"sqlite:///{tmp_path}/t.db"]
    assert main([*db, "pilot", "import", str(POTATO / "dataset-publishing"), "--name", "potato", "--boot", "0"]) == 0
    capsys.readouterr()
    assert main([*db, "pilot", "summary", "potato", "--json", "--boot", "0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["labels"] == 12 and data["raters"] == 2


def test_the_projects_labeling_config_gives_the_scenario_the_pilot_calibrates(tmp_path):
    """import-interface builds a scenario from the project's config; the export's questions have
    the same names and formats, so the pilot calibrates it directly."""
    from advisor.importers import import_interface
    from advisor.pilot.calibration import apply_to_scenario

    config = LS / "rte40.config.xml"
    scenario = import_interface(config).scenario
    pilot = read_pilot_file(LS / "rte40.json", label_config=config.read_text(encoding="utf-8"))
    assert pilot.question_names == tuple(q.name for q in scenario.questions) == ("entailment",)
    assert scenario.questions[0].format.kind == "binary" and len(pilot.class_names) == 2
    calibrated = apply_to_scenario(scenario, summarize(pilot, n_boot=0))
    record = calibrated.provenance[-1]
    assert "raters.discriminability" in record.fields and "rte40.json" in record.source
    assert "400 labels on 40 items by 17 raters" in record.detail


@pytest.mark.parametrize("records, message", [
    ([{"id": "a", "q.responses": ["x", "y"], "q.responses.users": ["u1"]}], "record 1 (id a): 'q.responses.users' must list one user per response"),
    ([{"id": "a", "q.responses": "x", "q.responses.users": ["u1"]}], "record 1 (id a): 'q.responses' must be a list"),
    ([{"q.responses": ["x"], "q.responses.users": ["u1"]}], "record 1: no record id"),
    ([{"id": "a", "fields": {}, "responses": {"q": ["x"]}}], "a response of 'q' is not an object"),
])
def test_hostile_argilla_records_name_the_record(records, message):
    with pytest.raises(ImportFormatError) as error:
        read_pilot_file(json.dumps(records).encode(), name="argilla.json")
    assert message in str(error.value)


@pytest.mark.parametrize("content, message", [
    (b'{"label_annotations": {"s": {"a": "true"}}}\n', "record 1: no item id"),
    (b'{"id": "1", "user": "u", "label_annotations": ["a"]}\n', "label_annotations must be an object"),
    (b'{"user_id": "u", "instance_id_to_label_to_value": {"1": [["a", "true"]]}}', "expected [{schema, name}, value] pairs"),
])
def test_hostile_potato_output_names_the_record(content, message):
    with pytest.raises(ImportFormatError) as error:
        read_pilot_file(content, name="potato.jsonl")
    assert message in str(error.value)


def test_potato_records_without_an_annotator_outside_a_folder_are_refused(tmp_path):
    path = POTATO / "sentiment_analysis" / "pedropei@umich.edu" / "annotated_instances.jsonl"
    with pytest.raises(ImportFormatError, match="names no annotator"):
        read_pilot_file(path.read_bytes(), name="annotated_instances.jsonl")
