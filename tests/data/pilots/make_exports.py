"""Write the converted pilot exports of this folder from real crowd labels (see README.md).

The labels and gold answers are those of the RTE pilot of Snow et al. (2008) in the shared data
folder (``../../../../shared/data/pilots/snow2008_rte.csv``), first 40 items. They are written:

* as a Label Studio JSON export (``label-studio/rte40.json``), in the shape of Label Studio's own
  exports in this folder, with a ground-truth annotation holding the gold answer on every fourth
  task and five cancelled annotations;
* by Label Studio's own converter (``label_studio_sdk.converter.Converter``, label-studio-sdk
  2.1.2) from that JSON to JSON_MIN (``label-studio/rte40.json_min.json``) and CSV
  (``label-studio/rte40.csv``);
* by Argilla's own record serialisers (argilla 2.8.0: ``GenericIO.to_list(flatten=True)`` and
  ``JsonIO.to_json``) to ``argilla/rte40.flat.json`` and ``argilla/rte40.nested.json``, with two
  responses marked discarded and one draft.

Run once with label-studio-sdk and argilla installed (``python make_exports.py``); the tests only
read the files.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
RTE = HERE.parents[3] / "shared" / "data" / "pilots" / "snow2008_rte.csv"
ITEMS = 40
CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="entailment" toName="text" choice="single">
    <Choice value="0"/>
    <Choice value="1"/>
  </Choices>
</View>
"""


def rte_rows() -> list[dict[str, str]]:
    with open(RTE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    items = list(dict.fromkeys(row["item"] for row in rows))[:ITEMS]
    keep = set(items)
    return [row for row in rows if row["item"] in keep]


def label_studio_tasks(rows: list[dict[str, str]]) -> list[dict]:
    workers = {worker: index + 1 for index, worker in enumerate(dict.fromkeys(row["rater"] for row in rows))}
    tasks: dict[str, dict] = {}
    annotation_id = 1000
    for row in rows:
        task = tasks.setdefault(row["item"], {
            "id": int(row["item"]), "annotations": [], "predictions": [], "drafts": [],
            "data": {"text": f"RTE pair {row['item']}"}, "meta": {}, "project": 1,
        })
        annotation_id += 1
        minute = annotation_id - 1000
        task["annotations"].append({
            "id": annotation_id,
            "completed_by": {"id": workers[row["rater"]], "email": f"{row['rater']}@mturk.example", "first_name": "", "last_name": ""},
            "result": [{"id": f"r{annotation_id}", "type": "choices", "value": {"choices": [row["label"]]},
                        "origin": "manual", "to_name": "text", "from_name": "entailment"}],
            "was_cancelled": False, "ground_truth": False,
            "created_at": f"2024-05-15T{10 + minute // 60:02d}:{minute % 60:02d}:00.000000Z",
            "updated_at": f"2024-05-15T{10 + minute // 60:02d}:{minute % 60:02d}:00.000000Z",
            "lead_time": None, "task": int(row["item"]), "project": 1,
        })
    for position, (item, task) in enumerate(tasks.items()):
        gold = next(row["gold"] for row in rows if row["item"] == item)
        if position % 4 == 0:
            task["annotations"].append({
                "id": 5000 + position, "completed_by": {"id": 900, "email": "reviewer@example.org"},
                "result": [{"id": f"g{position}", "type": "choices", "value": {"choices": [gold]},
                            "origin": "manual", "to_name": "text", "from_name": "entailment"}],
                "was_cancelled": False, "ground_truth": True,
                "created_at": "2024-05-16T09:00:00.000000Z", "updated_at": "2024-05-16T09:00:00.000000Z",
                "lead_time": None, "task": int(item), "project": 1,
            })
        if position < 5:
            task["annotations"].append({
                "id": 6000 + position, "completed_by": {"id": 901, "email": "skipper@example.org"}, "result": [],
                "was_cancelled": True, "ground_truth": False,
                "created_at": "2024-05-16T10:00:00.000000Z", "updated_at": "2024-05-16T10:00:00.000000Z",
                "lead_time": None, "task": int(item), "project": 1,
            })
    return list(tasks.values())


def write_label_studio(rows: list[dict[str, str]]) -> None:
    from label_studio_sdk.converter import Converter

    folder = HERE / "label-studio"
    folder.mkdir(exist_ok=True)
    source = folder / "rte40.json"
    source.write_text(json.dumps(label_studio_tasks(rows)), encoding="utf-8")
    (folder / "rte40.config.xml").write_text(CONFIG, encoding="utf-8")
    converter = Converter(CONFIG, str(folder))
    with tempfile.TemporaryDirectory() as scratch:
        converter.convert_to_json_min(str(source), scratch, is_dir=False)
        shutil.copy(Path(scratch) / "result.json", folder / "rte40.json_min.json")
    with tempfile.TemporaryDirectory() as scratch:
        converter.convert_to_csv(str(source), scratch, is_dir=False, sep=",", header=True)
        shutil.copy(Path(scratch) / "result.csv", folder / "rte40.csv")


def write_argilla(rows: list[dict[str, str]]) -> None:
    import argilla as rg
    from argilla.records._io import GenericIO, JsonIO

    folder = HERE / "argilla"
    folder.mkdir(exist_ok=True)
    by_item: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_item.setdefault(row["item"], []).append(row)
    statuses = {(0, 0): "discarded", (1, 0): "discarded", (2, 0): "draft"}
    records = []
    for position, (item, labels) in enumerate(by_item.items()):
        responses = [
            rg.Response(question_name="entailment", value=row["label"],
                        user_id=uuid.uuid5(uuid.NAMESPACE_URL, row["rater"]),
                        status=statuses.get((position, index), "submitted"))
            for index, row in enumerate(labels)
        ]
        records.append(rg.Record(id=item, fields={"text": f"RTE pair {item}"}, responses=responses,
                                 suggestions=[rg.Suggestion(question_name="entailment", value="1", score=0.5, agent="baseline")]))
    flat = GenericIO.to_list(records, flatten=True)
    (folder / "rte40.flat.json").write_text(json.dumps(flat), encoding="utf-8")
    nested = folder / "rte40.nested.json"
    nested.unlink(missing_ok=True)
    JsonIO.to_json(records, nested)


if __name__ == "__main__":
    selected = rte_rows()
    write_label_studio(selected)
    write_argilla(selected)
