"""Rater timing: β and δ₀ recovered from simulated pilots, intervals, raters' speed, fast raters, drift.

Every pilot here is drawn by :func:`advisor.pilot.simulation.simulate_pilot` (or directly from the
d′(t) model) with known λ, β and δ₀, so the reference is the truth the data were drawn from.
Tolerances are stated with each test; coverage counts are judged against the binomial law of 20
independent 95 % intervals (P(fewer than 16 cover) = 0.016).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.empirical import accuracy_curve
from models.kernels import percent_correct
from models.speed_accuracy import accuracy_drift, fit_rater_speeds, fit_speed_accuracy

from advisor.cli import main
from advisor.pilot.calibration import apply_to_scenario
from advisor.pilot.dataset import PilotDataset, frozen_array
from advisor.pilot.rater_timing import FAST_SHARE, time_raters
from advisor.pilot.simulation import simulate_pilot
from advisor.pilot.summary import summarize
from advisor.scenario.schema import scenario_from_dict

TRUE_LAMBDA, TRUE_BETA, TRUE_DELTA = 2.5, 0.3, 1.0
SEEDS = 20


def _scenario(kind: str = "binary", k: int | None = None):
    question = {"name": "q", "format": {"kind": kind, **({"k": k} if k else {})}, "slip_rate": 0.02}
    return scenario_from_dict({
        "name": "timed pilot",
        "questions": [question],
        "raters": {"per_item": 2, "correlation": 0.0, "discriminability": TRUE_LAMBDA,
                   "accrual_rate": TRUE_BETA, "base_time": TRUE_DELTA},
        "campaign": {"seconds_per_item": 6.0},
    })


@pytest.fixture(scope="module")
def fits():
    """The speed–accuracy fit of 20 pilots of 2,000 items × 2 raters, binary, ρ = 0."""
    scenario = _scenario()
    out = []
    for seed in range(SEEDS):
        pilot = simulate_pilot(scenario, items=2000, seed=seed, time_spread=0.8)
        out.append(summarize(pilot, n_boot=0, slip_rate=0.02).speed_accuracy)
    return out


@pytest.mark.parametrize("key, truth", [("accrual_rate", TRUE_BETA), ("base_time", TRUE_DELTA), ("discriminability", TRUE_LAMBDA)])
def test_beta_and_delta_are_recovered_within_their_profile_intervals(fits, key, truth):
    estimates = np.array([getattr(fit, key) for fit in fits])
    covered = sum(fit.intervals[key][0] <= truth <= fit.intervals[key][1] for fit in fits)
    # Stated tolerance: the median of 20 estimates within 10 % of the truth, and at least 16 of 20
    # 95 % profile intervals cover it.
    assert abs(np.median(estimates) - truth) <= 0.10 * truth
    assert covered >= 16
    for fit in fits:
        low, high = fit.intervals[key]
        assert low <= getattr(fit, key) <= high


def test_intervals_shrink_with_the_pilot():
    scenario = _scenario()
    small = summarize(simulate_pilot(scenario, items=500, seed=7), n_boot=0, slip_rate=0.02).speed_accuracy
    large = summarize(simulate_pilot(scenario, items=8000, seed=7), n_boot=0, slip_rate=0.02).speed_accuracy
    for key in ("accrual_rate", "base_time"):
        width = lambda fit: fit.intervals[key][1] - fit.intervals[key][0]  # noqa: E731
        assert width(large) < 0.75 * width(small)


def test_pilot_apply_converts_the_fit_back_to_the_scenario_through_the_effort():
    # categorical(4): Hick–Hyman effort 2, so pilot seconds run at half the scenario's rate.
    scenario = _scenario("categorical", 4)
    pilot = simulate_pilot(scenario, items=6000, seed=3, time_spread=0.8)
    summary = summarize(pilot, n_boot=0, slip_rate=0.02)
    speed = summary.speed_accuracy
    low, high = speed.intervals["accrual_rate"]
    assert low <= TRUE_BETA / 2 <= high
    calibrated = apply_to_scenario(scenario, summary)
    assert calibrated.raters.accrual_rate == pytest.approx(speed.accrual_rate * 2)
    assert calibrated.raters.base_time == pytest.approx(speed.base_time / 2)
    assert "profile intervals" in calibrated.provenance[-1].detail


def _model_labels(rng, times, rates, lam=TRUE_LAMBDA, delay=TRUE_DELTA):
    curve = accuracy_curve(lambda d: np.array([[percent_correct(d, 2), 1 - percent_correct(d, 2)],
                                               [1 - percent_correct(d, 2), percent_correct(d, 2)]]), np.array([0.5, 0.5]))
    d = lam * -np.expm1(-rates * np.maximum(times - delay, 0.0))
    return rng.random(times.size) < curve(d), curve


def test_raters_of_two_speeds_keep_beta_and_delta_unbiased_and_get_their_own_rates():
    rng = np.random.default_rng(11)
    true_rates = np.repeat([0.1, 0.4], 10)
    raters = np.repeat(np.arange(20), 400)
    times = rng.lognormal(math.log(5.0), 0.8, raters.size)
    correct, curve = _model_labels(rng, times, true_rates[raters])
    pooled = fit_speed_accuracy(times, correct, curve, level=None)
    fit, rates = fit_rater_speeds(times, correct, raters, curve)
    # One β for the mixed pool biases δ₀ (measured 0.5 s for the true 1 s); with each rater's speed it is back.
    assert abs(pooled.base_time - TRUE_DELTA) > abs(fit.base_time - TRUE_DELTA)
    assert fit.intervals[2][0] <= TRUE_DELTA <= fit.intervals[2][1]
    # β is the typical rater's: the geometric mean of the two speeds, 0.2 /s.
    assert fit.intervals[1][0] <= math.sqrt(0.1 * 0.4) <= fit.intervals[1][1]
    covered = np.mean((rates.low <= true_rates) & (true_rates <= rates.high))
    assert covered >= 0.8  # 20 raters, 95 % profile intervals
    assert np.median(rates.rate[:10]) == pytest.approx(0.1, rel=0.2)
    assert np.median(rates.rate[10:]) == pytest.approx(0.4, rel=0.2)


def test_drift_slope_is_recovered_and_absent_drift_is_not_found():
    covered = still = 0
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        position = rng.random(5000)
        falling = rng.random(position.size) < 1 / (1 + np.exp(-(1.5 - 1.0 * position)))
        fit = accuracy_drift(position, falling)
        covered += fit.slope_interval[0] <= -1.0 <= fit.slope_interval[1]
        assert fit.bins[0][3] > fit.bins[-1][3]
        steady = accuracy_drift(position, rng.random(position.size) < 0.8)
        still += steady.slope_interval[0] <= 0.0 <= steady.slope_interval[1]
    assert covered >= 16 and still >= 16


def test_fast_raters_are_flagged_and_drift_read_from_timestamps():
    scenario = _scenario()
    pilot = simulate_pilot(scenario, items=1500, seed=2, time_spread=0.5)
    seconds = np.array(pilot.seconds)
    fast = pilot.raters == 0
    seconds[fast] = 0.4  # below δ₀ = 1 s and far below the pool's pace
    # Timestamps: each rater's labels in item order, one minute apart.
    stamps = np.arange(pilot.n_labels, dtype=float) * 60.0
    timed = PilotDataset(
        name="timed", items=pilot.items, raters=pilot.raters, labels=pilot.labels, gold=pilot.gold,
        item_names=pilot.item_names, rater_names=pilot.rater_names, class_names=pilot.class_names,
        seconds=frozen_array(seconds), timestamps=frozen_array(stamps),
    )
    notes: list[str] = []
    correct = pilot.labels == pilot.gold[pilot.items]
    timing = time_raters(timed, pilot.raters, correct, np.ones(pilot.n_labels, dtype=bool), None, notes)
    assert timing.fast == (pilot.rater_names[0],)
    medians = [r.median_seconds for r in timing.raters if r.timed_labels >= 5]
    assert timing.fast_threshold == pytest.approx(FAST_SHARE * np.median(medians))
    assert timing.drift is not None and timing.drift.raters >= 1
    # The simulation has no drift: the slope's interval holds 0.
    assert timing.drift.slope_interval[0] <= 0.0 <= timing.drift.slope_interval[1]


def test_cli_summary_shows_intervals_timing_and_json(capsys, tmp_path):
    path = tmp_path / "timed.csv"
    simulate_pilot(_scenario(), items=1000, seed=4).write_csv(path)
    assert main(["pilot", "summary", str(path), "--boot", "0"]) == 0
    out = capsys.readouterr().out
    assert "95% profile-likelihood intervals" in out and "β 0." in out and "time per label: median rater's median" in out
    # Without resamples there is no capacity interval to print (it read "interval 0.162–0.162, 0 resamples").
    assert "(no interval: --boot 0)" in out and "0 resamples" not in out
    assert main(["pilot", "summary", str(path), "--boot", "0", "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    low, high = data["speed_accuracy"]["intervals"]["accrual_rate"]
    assert low <= data["speed_accuracy"]["accrual_rate"] <= high
    assert data["rater_timing"]["median_seconds"] > 0
