"""Solve-for and the optimiser record their result in the protocol, not only
report exports; an analysis entry has no file and its SHA-256 is the hash of
the recorded result."""

from __future__ import annotations

import hashlib
import json

import pytest

import advisor.cli
from advisor.storage.protocol import record_analysis, result_sha256
from advisor.scenario.schema import examples_dir, load_scenario_file
from advisor.storage.store import ScenarioStore

EXAMPLE = examples_dir() / "search_relevance_trec.json"


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "protocol.sqlite"
    ScenarioStore.open(path, seed=False).close()
    return str(path)


def _entries(db: str):
    with ScenarioStore.open(db, seed=False) as store:
        return store.list_exports()


def test_result_sha256_is_the_hash_of_canonical_json():
    data = {"b": 1, "a": [1.5, "x"]}
    expected = hashlib.sha256(b'{"a":[1.5,"x"],"b":1}').hexdigest()
    assert result_sha256(data) == expected == result_sha256({"a": [1.5, "x"], "b": 1})


def test_solve_is_recorded_with_its_result(capsys, db):
    assert advisor.cli.main(["--db", db, "solve", str(EXAMPLE), "--for", "raters", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    [entry] = _entries(db)
    assert entry.what == "solve" and entry.path == "" and entry.fmt == "json"
    assert entry.scenario_names == (load_scenario_file(EXAMPLE).name,)
    assert entry.detail["result"] == printed and entry.detail["for"] == "raters"
    assert entry.sha256 == result_sha256(printed)
    assert entry.detail["sources"][0]["content_sha256"] == load_scenario_file(EXAMPLE).content_hash()


def test_optimize_is_recorded_with_its_constraints(capsys, db):
    assert advisor.cli.main(["--db", db, "optimize", str(EXAMPLE), "--max-raters", "2", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    [entry] = _entries(db)
    assert entry.what == "optimize" and entry.detail["constraints"]["max_raters"] == 2
    assert entry.detail["result"]["frontier"] == printed["frontier"]


def test_a_bad_solve_records_nothing(capsys, db):
    assert advisor.cli.main(["--db", db, "solve", "no-such-file.json", "--for", "raters"]) == 2
    assert _entries(db) == []


def test_protocol_verify_lists_an_analysis_as_no_file(capsys, db):
    with ScenarioStore.open(db, seed=False) as store:
        record_analysis(store, what="solve", scenario_names=["x"], result={"value": 3})
    assert advisor.cli.main(["--db", db, "protocol", "--verify", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["status"] == "no file" and row["what"] == "solve"
