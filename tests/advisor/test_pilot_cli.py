"""``annotation-advisor pilot import|summary|apply|simulate|list``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.pilot.reading import read_pilot
from advisor.scenario.schema import load_scenario_file, save_scenario_file, scenario_from_dict

PILOTS = Path(__file__).parents[2].parent / "shared" / "data" / "pilots"
RTE = PILOTS / "snow2008_rte.csv"
TOY = PILOTS / "ipeirotis_adultcontent_toy.csv"


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{tmp_path}/t.db"]


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    scenario = scenario_from_dict({
        "name": "binary pilot target",
        "questions": [{"name": "entailment", "format": {"kind": "binary"}}],
        "raters": {"per_item": 3, "correlation": 0.2, "discriminability": 2.0},
        "campaign": {"seconds_per_item": 30.0},
    })
    path = tmp_path / "scenario.json"
    save_scenario_file(scenario, path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_summary_json_shape(capsys, db):
    status, out, _ = run(capsys, *db, "pilot", "summary", str(RTE), "--json", "--boot", "50")
    assert status == 0
    data = json.loads(out)
    assert set(data["methods"]) == {"majority_vote", "one_coin", "dawid_skene"}
    for method in data["methods"].values():
        assert 0.5 < method["accuracy_vs_gold"] <= 1.0
    assert data["methods"]["dawid_skene"]["accuracy_vs_gold"] >= 0.9275
    assert data["capacity_nats"] > 0
    low, high = data["capacity_ci"]
    assert low <= data["capacity_nats"] <= high
    assert data["bootstrap_resamples"] == 50


def test_summary_json_without_gold_has_no_accuracy(capsys, db, tmp_path):
    text = TOY.read_text(encoding="utf-8")
    path = tmp_path / "toy_nogold.csv"
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in text.splitlines()) + "\n", encoding="utf-8")
    status, out, _ = run(capsys, *db, "pilot", "summary", str(path), "--json", "--boot", "0")
    assert status == 0
    data = json.loads(out)
    assert all(method["accuracy_vs_gold"] is None for method in data["methods"].values())
    assert data["kernel_source"] == "dawid_skene"


def test_summary_table_names_flagged_raters(capsys, db):
    status, out, _ = run(capsys, *db, "pilot", "summary", str(TOY), "--boot", "20")
    assert status == 0
    assert "dawid_skene" in out and "bits" in out
    assert "malicious raters (1): worker5" in out and "lazy raters (1): worker1" in out


def test_format_error_is_one_line_with_exit_2(capsys, db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("item,rater,label\n1,a,x\n2,b\n", encoding="utf-8")
    status, out, err = run(capsys, *db, "pilot", "summary", str(bad))
    assert status == 2 and out == ""
    assert "line 3: expected 3 fields" in err and len(err.strip().splitlines()) == 1


def test_missing_file_and_unknown_pilot_exit_2(capsys, db, tmp_path):
    status, _, err = run(capsys, *db, "pilot", "summary", str(tmp_path / "absent.csv"))
    assert status == 2 and "no such file" in err
    assert err.count("absent.csv") == 1  # named once, not "absent.csv: absent.csv: no such file"
    status, _, err = run(capsys, *db, "pilot", "summary", "never-imported")
    assert status == 2 and "never-imported" in err


def test_import_then_summary_and_list_from_the_database(capsys, db):
    status, out, _ = run(capsys, *db, "pilot", "import", str(TOY), "--name", "toy", "--boot", "30")
    assert status == 0 and "stored pilot" in out and "'toy'" in out
    status, out, _ = run(capsys, *db, "pilot", "summary", "toy", "--json", "--boot", "30")
    assert status == 0
    assert json.loads(out)["flagged"] == {"malicious": ["worker5"], "lazy": ["worker1"]}
    status, out, _ = run(capsys, *db, "pilot", "list", "--json")
    listed = json.loads(out)
    assert [p["name"] for p in listed] == ["toy"] and listed[0]["dataset"]["labels"] == 25
    status, _, err = run(capsys, *db, "pilot", "import", str(TOY), "--name", "toy", "--boot", "0")
    assert status == 2 and "already exists" in err


def test_simulate_then_apply_to_a_scenario_file(capsys, db, tmp_path, scenario_file):
    pilot_csv = tmp_path / "sim.csv"
    status, out, _ = run(capsys, *db, "pilot", "simulate", str(scenario_file), "--items", "800", "--seed", "3", "-o", str(pilot_csv))
    assert status == 0 and "2400 labels" in out
    assert read_pilot(pilot_csv).n_labels == 2400
    calibrated_path = tmp_path / "calibrated.json"
    status, out, _ = run(
        capsys, *db, "pilot", "apply", str(pilot_csv), "--scenario", str(scenario_file), "--boot", "0", "-o", str(calibrated_path)
    )
    assert status == 0 and "raters.correlation" in out
    calibrated = load_scenario_file(calibrated_path)
    assert calibrated.provenance[-1].source == str(pilot_csv)
    assert calibrated.raters.discriminability == pytest.approx(2.0, rel=0.2)


def test_apply_prints_json_or_saves_to_the_database(capsys, db, scenario_file):
    status, out, _ = run(capsys, *db, "pilot", "apply", str(RTE), "--scenario", str(scenario_file), "--boot", "0")
    assert status == 0
    printed = json.loads(out)
    assert printed["provenance"][-1]["method"].startswith("pilot: rater population")
    status, out, _ = run(capsys, *db, "pilot", "apply", str(RTE), "--scenario", str(scenario_file), "--boot", "0",
                         "--model", "symmetric")
    assert status == 0 and json.loads(out)["provenance"][-1]["method"].startswith("pilot: accuracy inversion")
    status, out, _ = run(
        capsys, *db, "pilot", "apply", str(RTE), "--scenario", str(scenario_file), "--boot", "0", "--save-as", "rte calibrated"
    )
    assert status == 0 and "'rte calibrated'" in out


def test_apply_refuses_an_unsupported_question(capsys, db, tmp_path):
    scenario = scenario_from_dict({"name": "ranker", "questions": [{"name": "order", "format": {"kind": "ranking", "k": 3}}]})
    path = tmp_path / "ranker.json"
    save_scenario_file(scenario, path)
    status, _, err = run(capsys, *db, "pilot", "apply", str(TOY), "--scenario", str(path), "--boot", "0")
    assert status == 2 and "not ranking" in err


def test_pilot_without_subcommand_prints_help(capsys, db):
    status, _, err = run(capsys, *db, "pilot")
    assert status == 2 and "import" in err and "simulate" in err


def test_apply_says_when_the_population_model_it_was_asked_for_could_not_be_fitted(capsys, db, scenario_file,
                                                                                    monkeypatch):
    # The symmetric model then stands in: the provenance said so, the command line did not.
    import advisor.pilot.summary as summary_module

    def refused(data, gold, scale, span, rater_types, notes, seed=0):
        notes.append("no rater population could be fitted: a reason")
        return None

    monkeypatch.setattr(summary_module, "_population_fit", refused)
    status, out, err = run(capsys, *db, "pilot", "apply", str(RTE), "--scenario", str(scenario_file), "--boot", "0")
    assert status == 0
    assert json.loads(out)["provenance"][-1]["method"].startswith("pilot: accuracy inversion")
    assert "no rater population could be fitted (a reason); the symmetric model was applied" in err
    monkeypatch.undo()
    status, _, err = run(capsys, *db, "pilot", "apply", str(RTE), "--scenario", str(scenario_file), "--boot", "0")
    assert status == 0 and "symmetric model was applied" not in err


def test_apply_prints_the_check_of_the_model_against_a_tiny_pilot(capsys, db, tmp_path):
    """The toy pilot's 5 items on the example scenario: the warnings the window shows, on standard
    error, and in ``--json`` as a list of strings."""
    from advisor.pilot.model_check import check_calibration
    from advisor.pilot.summary import summarize
    from advisor.pilot.calibration import apply_to_scenario, calibration_summary_options

    example = Path(__file__).resolve().parents[2] / "resources" / "scenarios" / "personal_attack_adaptive_overlap.json"
    out_path = tmp_path / "calibrated.json"
    status, out, err = run(capsys, *db, "pilot", "apply", str(TOY), "--scenario", str(example), "-o", str(out_path))
    assert status == 0 and "wrote calibrated scenario" in out
    assert ("warning: The calibrated model gives 0.447 bits per rater, above the 0.000–0.125 bits the pilot "
            "measured (95 %)") in err
    assert "warning: The pilot's 5 items are too few to trust" in err
    status, out, err = run(capsys, *db, "pilot", "apply", str(TOY), "--scenario", str(example), "--json")
    assert status == 0 and "warning:" not in err
    data = json.loads(out)
    scenario = load_scenario_file(example)
    question = scenario.questions[0]
    summary = summarize(read_pilot(TOY), rater_types="auto", n_boot=1000,
                        **calibration_summary_options(scenario, question, pilot_names_contexts=False))
    check = check_calibration(summary, apply_to_scenario(scenario, summary, source=str(TOY)))
    assert data["warnings"] == list(check.warnings) and len(data["warnings"]) == 3
    assert data["model_check"]["items"] == 5 and data["scenario"]["name"] == scenario.name
