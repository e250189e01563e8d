"""``annotation-advisor pilot validate``: the validation protocol on the user's own pilot."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from advisor.cli import main
from advisor.errors import Cancelled, ImportFormatError
from advisor.pilot.reading import read_pilot
from advisor.pilot.validation import validate_pilot

PILOTS = Path(__file__).parents[2].parent / "shared" / "data" / "pilots"
TOY = PILOTS / "ipeirotis_adultcontent_toy.csv"
WSD = PILOTS / "snow2008_wsd.csv"
ROW_KEYS = {"r", "empirical_majority", "predicted_majority", "empirical_dawid_skene", "predicted_map",
            "empirical_information_bits", "information_ci_bits", "predicted_information_bits", "floor"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_has_one_row_per_r_and_the_error_summary(capsys, tmp_path):
    status, out, _ = run(capsys, "--db", f"sqlite:///{tmp_path}/t.db", "pilot", "validate", str(TOY),
                         "--splits", "2", "--json")
    assert status == 0
    data = json.loads(out)
    assert [row["r"] for row in data["rows"]] == [1, 2, 3, 4, 5]  # every toy item has 5 labels
    assert all(ROW_KEYS <= set(row) for row in data["rows"])
    for row in data["rows"]:
        low, high = row["information_ci_bits"]
        assert low <= row["empirical_information_bits"] <= high
        # Fano: under the predicted population no decoder of the r votes errs less than the floor.
        assert 0.0 <= row["floor"] <= 1.0 - row["predicted_map"] + 1e-9
    errors = [abs(row["predicted_majority"] - row["empirical_majority"]) for row in data["rows"]]
    assert data["mean_abs_error_majority"] == pytest.approx(np.mean(errors))
    assert data["max_abs_error_majority"] == pytest.approx(max(errors))
    # A share of the 2 splits × 5 values of r.
    cases = data["protocol"]["splits"] * len(data["rows"])
    assert data["information_ci_coverage"] * cases == pytest.approx(round(data["information_ci_coverage"] * cases))
    assert data["rows"][0]["dawid_skene_identifiable"] is False  # one label per item
    assert "baseline" in data["other_models"] and data["protocol"]["splits"] == 2
    # The floor can pass at most where Dawid-Skene erred at all; the two-sample agreement is the
    # wider comparison (the prediction's own noise beside the measurement's).
    assert data["floor_at_or_below_dawid_skene"] <= data["positive_floor_ceiling"] + 1e-12 or min(
        row["floor"] for row in data["rows"]) == 0.0
    assert data["information_agreement"] >= data["information_ci_coverage"]
    assert data["other_models"]["baseline"]["information_agreement"] is None  # a point model has no interval


def test_the_same_seed_gives_the_same_numbers_and_the_table_names_the_errors(capsys, tmp_path):
    db = ["--db", f"sqlite:///{tmp_path}/t.db"]
    first = run(capsys, *db, "pilot", "validate", str(TOY), "--splits", "2", "--seed", "4", "--json")[1]
    again = run(capsys, *db, "pilot", "validate", str(TOY), "--splits", "2", "--seed", "4", "--json")[1]
    assert json.loads(first) == json.loads(again)
    status, out, _ = run(capsys, *db, "pilot", "validate", str(TOY), "--splits", "2")
    assert status == 0 and "Majority-vote accuracy: mean error" in out and "Dawid-Skene cannot be identified" in out
    assert "Dawid-Skene erred at all in" in out and "within both halves' noise" in out


def test_a_pilot_without_gold_or_with_too_few_labels_is_refused_in_one_line(capsys, tmp_path):
    no_gold = tmp_path / "no_gold.csv"
    no_gold.write_text("item,rater,label\n" + "".join(f"i{i},r{j},{(i + j) % 2}\n" for i in range(6) for j in range(4)))
    db = ["--db", f"sqlite:///{tmp_path}/t.db"]
    status, _, err = run(capsys, *db, "pilot", "validate", str(no_gold))
    assert status == 2 and "needs gold" in err and len(err.strip().splitlines()) == 1
    status, _, err = run(capsys, *db, "pilot", "validate", str(TOY), "--pilot-raters", "5")
    assert status == 2 and "lower --pilot-raters" in err and len(err.strip().splitlines()) == 1
    status, _, err = run(capsys, *db, "pilot", "validate", str(TOY), "--splits", "0")
    assert status == 2 and "--splits" in err


def test_a_wsd_split_predicts_majority_vote_within_a_few_points_and_can_be_cancelled():
    dataset = read_pilot(WSD)
    result = validate_pilot(dataset, splits=1, models=("population",))
    rows = result.to_dict()["rows"]
    assert len(rows) == 10 and result.kind == "nominal"
    # Snow et al.'s WSD raters are accurate: majority vote above 0.97 from one rater on, and the
    # calibrated model (fitted on a 3-rater pilot of the other half) within 3 points at every r.
    assert all(row["empirical_majority"] > 0.97 for row in rows)
    assert all(abs(row["predicted_majority"] - row["empirical_majority"]) < 0.03 for row in rows)
    with pytest.raises(Cancelled):
        validate_pilot(dataset, splits=2, models=("baseline",), progress=lambda done, total: False)
    with pytest.raises(ImportFormatError, match="models"):
        validate_pilot(dataset, splits=1, models=("oracle",))
