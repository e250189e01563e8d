"""Sweeps over one value: each point is evaluate() of the hand-changed scenario, the crossings
of the target are the thresholds ``annotation-advisor solve`` prints, the curves move the way
the model says, bad ranges are refused before anything is computed, and the named analyses
agree with the code paths they stand for."""

from __future__ import annotations

import csv
import io
import json

import pytest

import advisor.planning.sweep as sweep_module
from advisor.cli import main
from advisor.errors import SweepRangeError
from advisor.evaluation.evaluate import evaluate
from advisor.scenario.schema import examples_dir, load_scenario_file
from advisor.planning.solve import solve
from advisor.planning.sweep import (
    MAX_POINTS,
    TARGET_RISK_RESOLUTION,
    X_VARIABLES,
    a_priori,
    changes_at,
    compromise,
    crossings,
    first_meeting,
    post_hoc,
    sensitivity,
    sweep,
    sweep_grid,
    sweeps_to_csv,
)

CHATBOT = examples_dir() / "chatbot_rubric_likert.json"
XRAY = examples_dir() / "medical_xray_binary.json"
TREC = examples_dir() / "search_relevance_trec.json"


def cli_solve(capsys, tmp_path, path, unknown: str) -> dict:
    status = main(["--db", f"sqlite:///{tmp_path / 'cli.db'}", "solve", str(path), "--for", unknown, "--json"])
    out = capsys.readouterr().out
    assert status == 0
    return json.loads(out)


# ------------------------------------------------------- against the CLI's solve
EXAMPLES = sorted(examples_dir().glob("*.json"))


def _first_verdict(result, accepted) -> int | float | None:
    return next((x for x, verdict in zip(result.xs, result.verdicts) if verdict in accepted), None)


def _check_threshold(result, solved: dict, key: str, curve: str, accepted: tuple[str, ...]) -> bool:
    """The sweep's first grid value with an accepted verdict is the CLI's threshold; where the
    curve alone decides the verdict there, the curve's crossing of the target is that value.
    Returns whether a crossing was compared."""
    threshold = solved[key]
    in_range = threshold is not None and result.xs[0] <= threshold <= result.xs[-1]
    assert _first_verdict(result, accepted) == (threshold if in_range else None)
    if not in_range:
        return False
    index = result.xs.index(threshold)
    target = result.target_risk
    values = result.column(curve)
    if index == 0 or not (values[index] <= target < values[index - 1]):
        return False  # the items the value model needs decide there, not this curve
    found = crossings(result, curve)
    assert [c.grid_value for c in found if c.direction == "falls"][:1] == [threshold]
    assert first_meeting(result, curve) == threshold
    return True


def test_crossings_of_the_target_are_the_cli_solve_thresholds(capsys, tmp_path):
    compared = []
    for path in EXAMPLES:
        scenario = load_scenario_file(path)
        solved = cli_solve(capsys, tmp_path, path, "raters")
        result = sweep(scenario, "raters", 1, 12, step=1, y=["floor", "achievable"])
        assert result.xs == tuple(range(1, 13))
        for key, curve, accepted in (("value", "achievable", ("meets",)), ("at_least", "floor", ("meets", "undecided"))):
            if _check_threshold(result, solved, key, curve, accepted):
                compared.append((path.stem, "raters", key, solved[key]))
        solved = cli_solve(capsys, tmp_path, path, "seconds")
        assert solved["step"] == 0.01
        for key, curve, accepted in (("value", "achievable", ("meets",)), ("at_least", "floor", ("meets", "undecided"))):
            threshold = solved[key]
            if threshold is None or threshold < 0.5:
                continue
            # A window on the CLI's 0.01 s grid, placed off-centre around the threshold.
            window = sweep(scenario, "seconds", round(threshold - 0.37, 2), round(threshold + 0.23, 2), step=0.01,
                           y=["floor", "achievable"])
            assert len(window.xs) == 61 and threshold in window.xs
            index = window.xs.index(threshold)
            assert window.verdicts[index] in accepted and window.verdicts[index - 1] not in accepted
            if _check_threshold(window, solved, key, curve, accepted):
                found = next(c for c in crossings(window, curve) if c.grid_value == threshold)
                assert threshold - 0.01 <= found.x <= threshold
                compared.append((path.stem, "seconds", key, threshold))
    print("compared with annotation-advisor solve:", compared)
    assert {unknown for _, unknown, _, _ in compared} == {"raters", "seconds"}
    assert len(compared) >= 4


# -------------------------------------------------- each point is evaluate() of it
FIELDS = {
    "raters": ("raters", "per_item"), "seconds": ("campaign", "seconds_per_item"), "items": ("campaign", "items"),
    "log2_m": ("target", "log2_m"), "model_bits": ("target", "model_bits"),
    "lambda": ("raters", "discriminability"), "rho": ("raters", "correlation"),
}


def _hand_changed(scenario, x: str, value):
    """The scenario with one value replaced through pydantic's model_copy (not with_changes)."""
    def part(name: str, **update):
        return scenario.model_copy(update={name: getattr(scenario, name).model_copy(update=update)})

    if x in FIELDS:
        group, name = FIELDS[x]
        return part(group, **{name: value})
    if x == "budget":
        c, r = scenario.campaign, scenario.raters
        per_item = r.per_item * c.seconds_per_item / 3600 * c.wage_per_hour * (1 + c.platform_fee)
        return part("campaign", budget_cap=value, items=int(value // per_item))
    assert x == "k"
    question = scenario.questions[0]
    changed = question.model_copy(update={"format": question.format.model_copy(update={"k": value})})
    return scenario.model_copy(update={"questions": (changed, *scenario.questions[1:])})


RANGES = {
    "raters": (1, 5), "seconds": (20.0, 200.0), "items": (50, 50_000), "log2_m": (0.5, 6.0),
    "model_bits": (10.0, 5000.0), "k": (2, 6), "lambda": (0.5, 4.0), "rho": (0.0, 0.6), "budget": (500.0, 40_000.0),
}


@pytest.mark.parametrize("x", list(X_VARIABLES))
def test_every_output_equals_evaluate_of_the_hand_changed_scenario(x):
    scenario = load_scenario_file(TREC)
    start, stop = RANGES[x]
    result = sweep(scenario, x, start, stop, points=4, question_index=0 if x == "k" else None)
    assert len(result.xs) == 4 and result.columns[:4] == ("floor", "achievable", "ceiling", "items_needed")
    for index in (0, 2, 3):
        value = result.xs[index]
        evaluation = evaluate(_hand_changed(scenario, x, value), curves=False)
        assert result.column("floor")[index] == evaluation.floor
        assert result.column("achievable")[index] == evaluation.achievable
        assert result.column("ceiling")[index] == evaluation.ceiling
        assert result.column("cost")[index] == evaluation.cost
        assert result.column("items_needed")[index] == evaluation.items_needed.estimate
        assert result.column("items_needed_at_least")[index] == evaluation.items_needed.at_least
        assert result.column("items_needed_at_most")[index] == evaluation.items_needed.at_most
        assert result.verdicts[index] == evaluation.verdict
    if x == "budget":
        assert all(cost <= budget for cost, budget in zip(result.column("cost"), result.xs))


def test_whole_number_variables_get_whole_numbers_and_decimal_steps_are_exact():
    assert sweep_grid("raters", 1, 10, points=4) == (1, 4, 7, 10)
    assert all(isinstance(v, int) for v in sweep_grid("items", 10, 10**6, points=7, log=True))
    assert sweep_grid("items", 10, 10**6, points=7, log=True)[-1] == 10**6
    grid = sweep_grid("seconds", 8.5, 8.8, step=0.01)
    assert len(grid) == 31 and grid[16] == 8.66 and grid[-1] == 8.8
    assert sweep_grid("rho", 0.0, 0.5, points=6) == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


# ------------------------------------------------------------------ monotonicity
def _pairs(values):
    return list(zip(values, values[1:]))


def test_floor_never_rises_with_raters_time_or_discriminability():
    scenario = load_scenario_file(CHATBOT)
    for x, start, stop in (("raters", 1, 10), ("seconds", 10.0, 400.0), ("lambda", 0.3, 6.0)):
        result = sweep(scenario, x, start, stop, points=10, y=["floor", "cost"])
        floors = result.column("floor")
        assert all(b <= a + 1e-12 for a, b in _pairs(floors)), (x, floors)
        assert floors[-1] < floors[0]


def test_floor_rises_with_target_complexity_and_cost_is_linear_in_the_design():
    scenario = load_scenario_file(XRAY)
    floors = sweep(scenario, "log2_m", 0.5, 12.0, points=12, y=["floor"]).column("floor")
    assert all(b >= a - 1e-12 for a, b in _pairs(floors)) and floors[-1] > floors[0]
    for x, start, stop in (("raters", 1, 8), ("items", 100, 10_000)):
        result = sweep(scenario, x, start, stop, step=1 if x == "raters" else 900, y=["cost"])
        per_unit = {round(cost / value, 9) for cost, value in zip(result.column("cost"), result.xs)}
        assert len(per_unit) == 1


def test_items_a_value_model_needs_never_fall_as_it_grows():
    result = sweep(load_scenario_file(TREC), "model_bits", 10.0, 1e5, points=9, log=True, y=["items_needed"])
    for name in ("items_needed", "items_needed_at_least", "items_needed_at_most"):
        values = [v for v in result.column(name) if v is not None]
        assert all(b >= a for a, b in _pairs(values)) and values[-1] > values[0]


# ------------------------------------------------------------------- refusals
BAD = [
    (dict(x="raters", start=0, stop=5, points=5), "raters per item r must be a whole number from 1 to 100, got 0"),
    (dict(x="raters", start=1, stop=101, points=5), "got 101"),
    (dict(x="raters", start=1.5, stop=4, points=3), "takes whole numbers"),
    (dict(x="raters", start=1, stop=8, step=1.5), "the step must be whole"),
    (dict(x="rho", start=0.0, stop=1.0, points=5), "rater correlation ρ (items whose raters share one draw) must be a number at least 0 and below 1"),
    (dict(x="seconds", start=-1.0, stop=5.0, points=5), "above 0"),
    (dict(x="seconds", start=10.0, stop=5.0, points=5), "start must be below stop"),
    (dict(x="seconds", start=1.0, stop=500.0, step=0.01), "at most 2000"),
    (dict(x="seconds", start=1.0, stop=5.0, points=1), f"points must be a whole number from 2 to {MAX_POINTS}"),
    (dict(x="seconds", start=1.0, stop=5.0, points=5, step=1.0), "either points or step"),
    (dict(x="lambda", start=1.0, stop=float("nan"), points=5), "stop must be a finite number"),
    (dict(x="log2_m", start=0.0, stop=5.0, points=3, log=True), "above 0"),
    (dict(x="k", start=2, stop=5, points=4), "needs question_index"),
    (dict(x="k", start=2, stop=5, points=4, question_index=7), "question_index must be an integer from 0 to 0"),
    (dict(x="k", start=2, stop=51, step=1, question_index=0), "from 2 to 50, got 51"),
    (dict(x="budget", start=1.0, stop=5000.0, points=4), "buys no item"),
    (dict(x="capacity", start=1.0, stop=2.0, points=2), "x must be one of"),
    (dict(x="raters", start=1, stop=3, points=3, y=["power"]), "y must be one or more of"),
]


@pytest.mark.parametrize("arguments, message", BAD, ids=[f"{a['x']}-{i}" for i, (a, _) in enumerate(BAD)])
def test_bad_ranges_are_refused_before_anything_is_computed(monkeypatch, arguments, message):
    calls = []
    monkeypatch.setattr(sweep_module, "evaluate", lambda *a, **k: calls.append(a))
    with pytest.raises(SweepRangeError) as raised:
        sweep(load_scenario_file(TREC), **arguments)
    assert message in str(raised.value)
    assert calls == []


def test_formats_without_a_range_of_k_and_invalid_points_are_refused(monkeypatch):
    calls = []
    monkeypatch.setattr(sweep_module, "evaluate", lambda *a, **k: calls.append(a))
    with pytest.raises(SweepRangeError, match="binary: its k is always 2"):
        sweep(load_scenario_file(XRAY), "k", 2, 4, step=1, question_index=0)
    # A question with a prior of k shares makes every other k an invalid scenario.
    scenario = load_scenario_file(TREC).with_changes({"questions.0.prior": [0.4, 0.3, 0.2, 0.1]})
    with pytest.raises(SweepRangeError, match="k of .* = 2 does not make a valid scenario.*prior"):
        sweep(scenario, "k", 2, 6, step=1, question_index=0)
    assert calls == []


# -------------------------------------------------------- progress and cancelling
def test_progress_can_stop_a_sweep_and_cancel_stops_it_before_the_next_point():
    scenario = load_scenario_file(XRAY)
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 3

    result = sweep(scenario, "raters", 1, 8, step=1, progress=progress)
    assert seen == [(0, 8), (1, 8), (2, 8), (3, 8)]
    assert result.cancelled and result.xs == (1, 2, 3) and len(result.column("floor")) == 3 and result.requested == 8
    stopped = sweep(scenario, "raters", 1, 8, step=1, progress=lambda done, total: False)
    assert stopped.cancelled and stopped.xs == () and stopped.verdicts == ()
    full = sweep(scenario, "raters", 1, 8, step=1, progress=lambda done, total: None)
    assert not full.cancelled and full.xs == tuple(range(1, 9))


# ------------------------------------------------------------------------ CSV
def test_csv_has_one_row_per_point_of_each_sweep_its_target_and_the_verdict_in_words():
    from advisor.evaluation.evaluate import VERDICT_WORDS

    scenario = load_scenario_file(XRAY)
    first = sweep(scenario, "raters", 1, 4, step=1)
    second = sweep(scenario.with_changes({"name": "other", "raters.correlation": 0.4,
                                          "target.target_risk": 0.2}), "raters", 1, 4, step=1)
    rows = list(csv.reader(io.StringIO(sweeps_to_csv([first, second]))))
    assert rows[0] == ["scenario", "raters", "floor", "achievable", "ceiling", "items_needed",
                       "items_needed_at_least", "items_needed_at_most", "cost", "target_risk", "verdict"]
    assert len(rows) == 1 + 8 and {r[0] for r in rows[1:]} == {scenario.name, "other"}
    for row, (result, expected) in zip(rows[1:], [(first, r) for r in first.rows()] + [(second, r) for r in second.rows()]):
        assert int(row[1]) == expected["raters"]
        assert float(row[2]) == pytest.approx(expected["floor"], rel=1e-14, abs=1e-300)
        assert float(row[8]) == pytest.approx(expected["cost"], rel=1e-14)
        # The verdict in the window's words, beside the target it is about.
        assert float(row[9]) == result.target_risk and row[10] == VERDICT_WORDS[expected["verdict"]]
    with pytest.raises(SweepRangeError, match="same value"):
        sweeps_to_csv([first, sweep(scenario, "seconds", 10.0, 20.0, points=2)])


def test_csv_numbers_have_no_float_noise():
    """A cost was written 55000.00000000001."""
    from dataclasses import replace

    result = sweep(load_scenario_file(XRAY), "raters", 1, 3, step=1, y=["floor", "cost"])
    noisy = replace(result, values={"floor": (1e-20, 0.1 + 0.2, 0.015789473684210527),
                                    "cost": (55000.00000000001, 1234.5, 7)})
    rows = list(csv.reader(io.StringIO(sweeps_to_csv([noisy]))))
    assert [row[2] for row in rows[1:]] == ["1e-20", "0.3", "0.0157894736842105"]
    assert [row[3] for row in rows[1:]] == ["55000", "1234.5", "7"]
    for row in rows[1:]:
        for text in row[1:4]:
            digits = text.split("e")[0].replace(".", "").replace("-", "").lstrip("0")
            assert len(digits) <= 15, text


def test_changes_at_set_the_value_a_click_names():
    scenario = load_scenario_file(XRAY)
    result = sweep(scenario, "budget", 2000.0, 20_000.0, points=3, y=["cost"])
    changed = scenario.with_changes(changes_at(scenario, result, result.xs[1]))
    assert changed.campaign.budget_cap == result.xs[1]
    assert evaluate(changed, curves=False).cost == result.column("cost")[1]
    with pytest.raises(SweepRangeError):
        changes_at(scenario, sweep(scenario, "raters", 1, 3, step=1, y=["floor"]), 0)


# ------------------------------------------------------------------- analyses
def test_a_priori_is_solve():
    scenario = load_scenario_file(CHATBOT)
    assert a_priori(scenario, "raters") == solve(scenario, "raters")


def test_sensitivity_finds_the_smallest_target_risk_the_design_meets():
    scenario = load_scenario_file(CHATBOT)
    result = sensitivity(scenario)
    evaluation = evaluate(scenario, curves=False)
    assert (result.floor, result.achievable) == (evaluation.floor, evaluation.achievable)

    def verdict(risk: float) -> str:
        return evaluate(scenario.with_changes({"target.target_risk": risk}), curves=False).verdict

    assert result.smallest_target_risk >= evaluation.achievable
    assert verdict(result.smallest_target_risk) == "meets"
    assert verdict(result.smallest_target_risk - TARGET_RISK_RESOLUTION) != "meets"
    assert evaluation.floor <= result.smallest_target_risk_allowed < evaluation.floor + TARGET_RISK_RESOLUTION
    assert verdict(result.smallest_target_risk_allowed - TARGET_RISK_RESOLUTION) == "cannot"
    solved = solve(scenario, "log2_m")
    assert (result.largest_log2_m, result.largest_log2_m_allowed) == (solved.value, solved.at_least)


def test_post_hoc_reports_the_interval_and_an_observed_risk_below_the_floor():
    scenario = load_scenario_file(CHATBOT)
    evaluation = evaluate(scenario, curves=False)
    plain = post_hoc(scenario)
    assert (plain.floor, plain.achievable, plain.ceiling) == (evaluation.floor, evaluation.achievable, evaluation.ceiling)
    assert plain.observed_risk is None and plain.ceiling_source == "predicted" and not plain.below_floor
    low = post_hoc(scenario, observed_risk=evaluation.floor / 2)
    assert low.below_floor and low.ceiling_source == "observed" and "below the floor" in low.message
    assert low.ceiling == evaluate(scenario.with_changes({"bounds.observed_risk": evaluation.floor / 2}),
                                   curves=False).ceiling
    with pytest.raises(SweepRangeError, match="observed risk"):
        post_hoc(scenario, observed_risk=1.5)


def test_compromise_picks_the_lowest_achievable_risk_within_the_budget():
    scenario = load_scenario_file(XRAY)
    budget = evaluate(scenario, curves=False).cost
    result = compromise(scenario, budget)
    assert result.best is not None and result.best_cost <= budget
    best = evaluate(result.best, curves=False)
    assert best.achievable == pytest.approx(result.best_achievable) and best.cost == pytest.approx(result.best_cost)
    assert [q.format for q in result.best.questions] == [q.format for q in scenario.questions]
    # In this example the optimiser's frontier holds a design at most as costly as the
    # scenario's own with a lower achievable risk.
    assert result.best_achievable <= evaluate(scenario, curves=False).achievable + 1e-9
    assert result.cheapest_meeting_cost is not None and result.cheapest_meeting_cost <= budget
    assert evaluate(result.cheapest_meeting, curves=False).verdict == "meets"
    with pytest.raises(SweepRangeError, match="budget must be a number above 0"):
        compromise(scenario, -5.0)



# ------------------------------------------------------------------ stretches
def _brute_force_sides(result, column, level):
    """Each grid point's side of ``level``, read off the table one row at a time."""
    return [None if value is None else value <= level for value in result.column(column)]


def _sides_of(runs, count):
    sides = [None] * count
    for run in runs:
        for index in range(run.first, run.last + 1):
            assert sides[index] is None, "stretches overlap"
            sides[index] = run.meets
    return sides


CURVES = {
    "rises": [0.0, 0.01, 0.05, 0.12, 0.2, 0.3],
    "falls": [0.6, 0.4, 0.2, 0.1, 0.05, 0.01],
    "dips_and_rises": [0.3, 0.08, 0.02, 0.09, 0.15, 0.4],
    "rises_and_dips": [0.02, 0.2, 0.3, 0.05, 0.12, 0.03],
    "touches_the_level": [0.2, 0.1, 0.2, 0.1, 0.1, 0.3],
    "all_below": [0.0, 0.0, 0.01, 0.02, 0.03, 0.04],
    "all_above": [0.5, 0.5, 0.6, 0.7, 0.8, 0.9],
    "with_gaps": [0.05, None, 0.06, 0.2, None, 0.3],
}


@pytest.mark.parametrize("name", list(CURVES))
def test_stretches_are_the_tables_sides_of_the_target_whichever_way_the_curve_goes(name):
    """A rising risk (log₂ M) was described as a falling one: the floor at 0 read "> ε over the
    whole range" and an achievable risk that met ε at the first point read "> ε from" it."""
    from dataclasses import replace

    base = sweep(load_scenario_file(XRAY), "seconds", 10.0, 60.0, points=6, y=["floor"])
    result = replace(base, values={"floor": tuple(CURVES[name])}, target_risk=0.1)
    runs = sweep_module.stretches(result, "floor")
    assert _sides_of(runs, len(result.xs)) == _brute_force_sides(result, "floor", 0.1)
    for before, after in zip(runs, runs[1:]):
        assert before.last < after.first
        # Neighbouring runs are on opposite sides unless a point without a value lies between.
        assert before.meets != after.meets or any(
            result.column("floor")[i] is None for i in range(before.last + 1, after.first))


def test_stretches_of_a_risk_that_rises_with_target_complexity():
    result = sweep(load_scenario_file(TREC), "log2_m", 1.0, 1.5, points=11, y=["floor", "achievable"])
    for column in ("floor", "achievable"):
        runs = sweep_module.stretches(result, column)
        assert _sides_of(runs, len(result.xs)) == _brute_force_sides(result, column, result.target_risk)
    floor = sweep_module.stretches(result, "floor")
    assert [(run.meets, run.first, run.last) for run in floor] == [(True, 0, 10)]
    achievable = sweep_module.stretches(result, "achievable")
    assert achievable[0].meets and not achievable[-1].meets


def test_rho_has_one_name_in_the_sweep_the_levers_and_the_report():
    # It was "herding ρ" in the X–Y plot, "rater correlation ρ" among the levers and "error
    # correlation ρ" in the report.
    from advisor.planning.levers import rank_levers
    from advisor.evaluation.evaluate import evaluate
    from advisor.report import build_report
    from advisor.report.model import KeyValues
    from advisor.scenario.schema import example_scenarios

    name = "rater correlation ρ"
    assert X_VARIABLES["rho"].label.startswith(name)
    scenario = next(s for s in example_scenarios() if s.raters.correlation > 0)
    levers = rank_levers(scenario, evaluate(scenario, curves=False))
    assert any(name in lever.title for lever in levers if lever.key == "diverse-pool")
    report = build_report([scenario], sections=["inputs"], include_optimizer=False)
    labels = [row.label for section in report.sections for block in section.blocks if isinstance(block, KeyValues)
              for row in block.rows]
    assert name in labels and not any("error correlation" in label or "herding" in label for label in labels)
    # And the diagnosis's reading of a rater-pooling limit.
    from advisor.evaluation.diagnosis import diagnose

    meanings = [c.meaning for c in diagnose(scenario, evaluate(scenario, curves=False)).contexts]
    pooled = [m for m in meanings if "pooling the raters" in m]
    assert pooled and all(f"{name} = " in m for m in pooled)
