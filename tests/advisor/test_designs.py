"""Designs real campaigns use, through evaluate(): adaptive and partial overlap, gold questions and
best-worst scaling, checked against the models' numbers, simulation of the campaign and the
defaults that reproduce the fixed design."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize as scipy_optimize

from models.capacity import blahut_arimoto
from models.channel import rater_kernel
from models.decoding import map_accuracy
from models.gold import accuracy_standard_error, spam_detection_power
from models.overlap import adaptive_panel, length_law_panel
from models.panel import count_kernel

from advisor.evaluation.evaluate import campaign_cost, evaluate, expected_raters
from advisor.evaluation.gold import rater_accuracy
from advisor.evaluation.guardrails import design_warnings
from advisor.planning.levers import rank_levers
from advisor.planning.optimize import optimize
from advisor.planning.overlap_designs import change_text, cheapest_adaptive, compare_adaptive, equal_cost_changes
from advisor.scenario.schema import Scenario, examples_dir, load_scenario_file

Z = 4.0
"""Simulation checks accept the exact value within Z standard errors."""


def scenario(**changes) -> Scenario:
    base = Scenario(
        name="designs",
        target={"log2_m": 1.0, "target_risk": 0.1, "model_bits": 100.0},
        questions=[{"name": "label", "format": {"kind": "binary"}}],
        raters={"per_item": 2, "correlation": 0.1, "discriminability": 1.6},
        campaign={"items": 5_000, "seconds_per_item": 12.0},
    )
    return base.with_changes(changes)


HEADLINE = ("capacity_nats", "floor", "achievable", "label_error", "label_floor", "cost", "rater_hours")


@pytest.mark.parametrize("changes", [
    {"overlap.mode": "adaptive", "overlap.max_raters": 2},
    {"overlap.mode": "partial", "overlap.extra_share": 0.0},
    {"overlap.mode": "partial", "overlap.extra_raters": 2, "overlap.extra_share": 0.4},
])
def test_degenerate_overlap_designs_are_the_fixed_design(changes):
    two = scenario(**{"questions": [{"name": "a", "format": {"kind": "ordinal", "k": 4}},
                                    {"name": "b", "format": {"kind": "binary"}}]})
    fixed = evaluate(two, curves=False)
    design = evaluate(two.with_changes(changes), curves=False)
    for name in HEADLINE:
        assert getattr(design, name) == pytest.approx(getattr(fixed, name), rel=1e-9, abs=1e-12), name
    assert design.items_needed == fixed.items_needed and design.overlap.expected_raters == pytest.approx(2.0)


def test_default_fields_change_no_number():
    plain = scenario()
    explicit = Scenario.model_validate({**plain.to_dict(), "overlap": {"mode": "fixed"}, "gold": {"share": 0.0}})
    a, b = evaluate(plain, curves=False), evaluate(explicit, curves=False)
    assert a == b and a.overlap is None and a.gold is None
    assert campaign_cost(plain) == (5_000 * 2 * 12.0 / 3600 * 15.0 * 1.2, 5_000 * 2 * 12.0 / 3600)


def _simulate_campaign(design: Scenario, evaluation, items: int, rng: np.random.Generator):
    """Simulate items of a one-context, two-question adaptive design: the first question's raters
    arrive one at a time until the agreement rule stops; the second question gets as many raters.
    Herding: with probability ρ per question all raters copy one draw. Each question is decoded by
    MAP from the exact kernel of what it saw."""
    overlap, rho = design.overlap, design.raters.correlation
    first, second = design.questions
    results = evaluation.contexts[0].questions
    kernels = [rater_kernel(q.format.kind, q.format.k, r.dprime, span=q.span, slip_rate=q.slip_rate)
               for q, r in zip(design.questions, results)]
    start, most = design.raters.per_item, overlap.max_raters
    stopped = adaptive_panel(kernels[0], start, most, correlation=rho, threshold=overlap.stop_threshold)
    column = {(int(n), tuple(int(v) for v in h)): o for o, (n, h) in enumerate(zip(stopped.lengths, stopped.histograms))}
    decide_first = np.argmax(stopped.kernel, axis=0)
    decide_second = {n: np.argmax(count_kernel(kernels[1], n, correlation=rho), axis=0) for n in range(start, most + 1)}
    from models.overlap import composition_index

    lengths, correct_first, correct_second = [], [], []
    k1, k2 = kernels[0].shape[1], kernels[1].shape[1]
    for _ in range(items):
        x1, x2 = rng.integers(k1), rng.integers(k2)
        shared = rng.choice(k1, p=kernels[0][x1]) if rng.random() < rho else None
        votes = np.zeros(k1, dtype=np.int64)
        n = 0
        while True:
            for _ in range(start if n == 0 else 1):
                votes[shared if shared is not None else rng.choice(k1, p=kernels[0][x1])] += 1
                n += 1
            if n >= most or votes.max() >= (overlap.stop_threshold - 1e-12) * n:
                break
        other = np.zeros(k2, dtype=np.int64)
        if rng.random() < rho:
            other[rng.choice(k2, p=kernels[1][x2])] = n
        else:
            np.add.at(other, rng.choice(k2, size=n, p=kernels[1][x2]), 1)
        lengths.append(n)
        correct_first.append(decide_first[column[(n, tuple(int(v) for v in votes))]] == x1)
        correct_second.append(decide_second[n][composition_index(other[None], n)[0]] == x2)
    return np.array(lengths), np.array(correct_first), np.array(correct_second)


def test_adaptive_design_matches_a_simulation_of_the_campaign():
    design = scenario(**{
        "questions": [{"name": "category", "format": {"kind": "categorical", "k": 3}, "time_share": 0.6},
                      {"name": "flag", "format": {"kind": "binary"}, "time_share": 0.4}],
        "raters.per_item": 2, "raters.correlation": 0.15, "overlap.mode": "adaptive", "overlap.max_raters": 5,
        "overlap.stop_threshold": 0.7,
    })
    evaluation = evaluate(design, curves=False)
    assert 2.5 < evaluation.overlap.expected_raters < 4.0  # the rule really varies the raters
    items = 12_000
    lengths, first, second = _simulate_campaign(design, evaluation, items, np.random.default_rng(42))
    assert abs(lengths.mean() - evaluation.overlap.expected_raters) <= Z * lengths.std(ddof=1) / math.sqrt(items)
    for hits, result in ((first, evaluation.contexts[0].questions[0]), (second, evaluation.contexts[0].questions[1])):
        p = result.label_accuracy
        assert abs(hits.mean() - p) <= Z * math.sqrt(p * (1 - p) / items)
    # The item is right when both answers are; they are not independent (the number of raters
    # depends on the first question's votes), and the evaluation's item error is the exact one.
    both = first & second
    item = 1.0 - evaluation.label_error
    assert abs(both.mean() - item) <= Z * math.sqrt(item * (1 - item) / items)
    # Exactly: MAP decoding of the item's joint channel (x1, x2) → (stopped votes, the second
    # question's votes from as many raters), built outcome by outcome.
    results = evaluation.contexts[0].questions
    kernels = [rater_kernel(q.format.kind, q.format.k, r.dprime, span=q.span, slip_rate=q.slip_rate)
               for q, r in zip(design.questions, results)]
    stopped = adaptive_panel(kernels[0], 2, 5, correlation=0.15, threshold=0.7)
    blocks = []
    for n in range(2, 6):
        columns = stopped.kernel[:, stopped.lengths == n]
        panel = count_kernel(kernels[1], n, correlation=0.15)
        blocks.append(np.einsum("ao,bc->aboc", columns, panel).reshape(3 * 2, -1))
    joint = np.concatenate(blocks, axis=1)
    assert item == pytest.approx(map_accuracy(joint), abs=1e-12)
    product = results[0].label_accuracy * results[1].label_accuracy
    assert item < product - 1e-4  # more raters where the first answer is doubtful: the successes anti-correlate
    assert evaluation.cost == pytest.approx(campaign_cost(design, raters=evaluation.overlap.expected_raters)[0])
    assert expected_raters(design) == pytest.approx(evaluation.overlap.expected_raters)


def test_adaptive_capacity_is_the_stopped_channels():
    design = scenario(**{"overlap.mode": "adaptive", "overlap.max_raters": 6, "overlap.stop_rule": "posterior",
                         "overlap.stop_threshold": 0.95, "raters.per_item": 1,
                         "questions": [{"name": "label", "format": {"kind": "binary"}, "prior": [0.3, 0.7]}]})
    evaluation = evaluate(design, curves=False)
    question = evaluation.contexts[0].questions[0]
    kernel = rater_kernel("binary", 2, question.dprime, slip_rate=0.02)
    stopped = adaptive_panel(kernel, 1, 6, correlation=0.1, rule="posterior", threshold=0.95, prior=(0.3, 0.7))
    assert question.panel_nats == pytest.approx(blahut_arimoto(stopped.kernel).nats, abs=1e-9)
    assert question.label_accuracy == pytest.approx(map_accuracy(stopped.kernel, (0.3, 0.7)), abs=1e-12)
    assert evaluation.overlap.expected_raters == pytest.approx(stopped.expected_raters((0.3, 0.7)), abs=1e-12)
    assert evaluation.floor <= evaluation.achievable + 1e-12
    assert evaluation.label_floor <= evaluation.label_error + 1e-12


def test_partial_overlap_is_the_known_state_mixture():
    design = scenario(**{"questions": [{"name": "grade", "format": {"kind": "ordinal", "k": 5}}],
                         "overlap.mode": "partial", "overlap.extra_share": 0.25, "overlap.extra_raters": 5})
    evaluation = evaluate(design, curves=False)
    question = evaluation.contexts[0].questions[0]
    kernel = rater_kernel("ordinal", 5, question.dprime, span=3.0, slip_rate=0.02)
    mixture, _ = length_law_panel(kernel, {2: 0.75, 5: 0.25}, correlation=0.1)
    assert question.panel_nats == pytest.approx(blahut_arimoto(mixture).nats, abs=1e-8)
    assert question.label_accuracy == pytest.approx(map_accuracy(mixture), abs=1e-12)
    assert 1.0 - evaluation.label_error == pytest.approx(map_accuracy(mixture), abs=1e-12)
    assert evaluation.overlap.expected_raters == pytest.approx(2.75)
    assert evaluation.cost == pytest.approx(campaign_cost(design, raters=2.75)[0])
    assert evaluation.floor <= evaluation.achievable + 1e-12


@pytest.mark.parametrize("mode", ["adaptive", "partial"])
def test_overlap_designs_keep_the_floor_below_what_they_achieve(mode):
    rng = np.random.default_rng(3 if mode == "adaptive" else 4)
    kinds = [("binary", None), ("categorical", 3), ("ordinal", 4), ("pairwise", 3), ("best_worst", 3)]
    for _ in range(6):
        chosen = [kinds[i] for i in rng.choice(len(kinds), size=2, replace=False)]
        questions = [{"name": f"q{i}", "format": {"kind": kind, **({"k": k} if k else {})}}
                     for i, (kind, k) in enumerate(chosen)]
        design = scenario(**{"questions": questions, "target.log2_m": float(rng.uniform(0.5, 4.0)),
                             "raters.per_item": int(rng.integers(1, 3)), "overlap.mode": mode,
                             "overlap.max_raters": 4, "overlap.extra_raters": 4,
                             "overlap.extra_share": float(rng.uniform(0.1, 0.9)),
                             "campaign.seconds_per_item": float(rng.uniform(5, 40))})
        evaluation = evaluate(design, curves=False)
        assert evaluation.floor <= evaluation.achievable + 1e-12
        assert evaluation.label_floor <= evaluation.label_error + 1e-12


def test_adaptive_beats_the_fixed_rule_of_equal_cost_in_the_example():
    example = load_scenario_file(examples_dir() / "personal_attack_adaptive_overlap.json")
    comparison = compare_adaptive(example)
    adaptive, equal = comparison.adaptive, comparison.equal_cost
    assert equal.cost == pytest.approx(adaptive.cost, rel=1e-12)
    assert equal.expected_raters == pytest.approx(adaptive.expected_raters, rel=1e-12)
    assert comparison.label_error_gain > 0.05 and comparison.capacity_gain_nats > 0.0
    assert adaptive.verdict == "meets" and equal.verdict != "meets"
    # The fixed design that matches the adaptive one's error costs more.
    three = next(row for row in comparison.fixed if row.scenario.raters.per_item == 3)
    assert three.label_error == pytest.approx(adaptive.label_error, abs=1e-12) and three.cost > adaptive.cost * 1.2
    # Each row is evaluate()'s number for its design.
    for row in comparison.rows:
        direct = evaluate(row.scenario, curves=False)
        assert direct.label_error == pytest.approx(row.label_error, abs=1e-15)
        assert direct.verdict == row.verdict  # "meets" is said of a design only when its evaluation meets
    assert evaluate(adaptive.scenario, curves=False).achievable <= example.target.target_risk


def test_equal_cost_changes_spend_the_same_raters():
    base = scenario()
    for expected in (1.0, 2.0, 2.25, 3.6):
        changed = base.with_changes(equal_cost_changes(base, expected))
        assert expected_raters(changed) == pytest.approx(expected, abs=1e-12)


def test_adaptive_overlap_lever():
    base = scenario(**{"raters.per_item": 3})
    lever = next(result for result in rank_levers(base) if result.key == "adaptive-overlap")
    assert lever.applicable and lever.scenario.overlap.mode == "adaptive"
    assert lever.scenario.raters.per_item == 2 and lever.scenario.overlap.max_raters == 4
    assert lever.evaluation == evaluate(lever.scenario, curves=False)
    assert lever.delta_cost < 0  # fewer raters on the items whose two votes agree
    adaptive = lever.scenario
    again = next(result for result in rank_levers(adaptive) if result.key == "adaptive-overlap")
    assert not again.applicable and "already adaptive" in again.reason


def test_optimiser_with_adaptive_overlap_is_never_dearer():
    base = scenario(**{"target.target_risk": 0.12, "target.model_bits": 20.0, "raters.correlation": 0.0,
                       "raters.discriminability": 1.2})
    fixed = optimize(base, allowed_formats=[["binary"]], max_raters=5)
    both = optimize(base, allowed_formats=[["binary"]], max_raters=5, adaptive=True)
    assert fixed.recommended is not None and both.recommended is not None
    assert both.recommended_evaluation.cost <= fixed.recommended_evaluation.cost + 1e-9
    assert both.recommended_evaluation.verdict == "meets"
    assert evaluate(both.recommended, curves=False) == both.recommended_evaluation
    if both.recommended.overlap.mode == "adaptive":
        assert both.recommended_evaluation.cost < fixed.recommended_evaluation.cost
        assert "Adaptive overlap" in both.message


def test_an_optimisation_stopped_among_the_adaptive_designs_says_so_and_is_not_kept():
    """A stop among the adaptive designs returned the fixed design as if the search had ended ("No
    adaptive overlap design was cheaper"), and the optimiser kept that answer for the next request."""
    base = scenario(**{"target.target_risk": 0.12, "target.model_bits": 20.0, "raters.correlation": 0.0,
                       "raters.discriminability": 1.2, "name": "stopped among the adaptive designs"})
    options = {"allowed_formats": [["binary"]], "max_raters": 5, "adaptive": True}
    fixed_search_totals: list[int] = []

    def stop_among_adaptive(done: int, total: int) -> bool:
        # The fixed search counts its thousands of designs; the adaptive one its few panel pairs.
        if not fixed_search_totals or total == fixed_search_totals[0]:
            fixed_search_totals.append(total)
            return True
        return done < 1

    stopped = optimize(base, progress=stop_among_adaptive, **options)
    assert stopped.cancelled and "cancelled" in stopped.message
    assert "No adaptive overlap design was cheaper" not in stopped.message
    whole = optimize(base, **options)
    assert whole is not stopped and not whole.cancelled


def test_the_cheapest_adaptive_design_meets_the_target_and_no_cheaper_time_of_its_panel_does():
    base = scenario(**{"target.target_risk": 0.12, "target.model_bits": 20.0, "raters.correlation": 0.0,
                       "raters.discriminability": 1.2})
    times = [4.0 * 1.25**i for i in range(14)]
    choice = cheapest_adaptive(base, times, max_raters=4, below=math.inf)
    assert choice.scenario is not None and choice.scenario.overlap.mode == "adaptive"
    # The verdict it reports is the named design's own, evaluated afresh.
    evaluation = evaluate(choice.scenario, curves=False)
    assert evaluation.verdict == "meets" and evaluation == choice.evaluation
    # The same panel one step of time cheaper does not meet it (the search's bisection found the first).
    seconds = choice.scenario.campaign.seconds_per_item
    earlier = [t for t in times if t < seconds - 1e-9]
    if earlier:
        cheaper = choice.scenario.with_changes({"campaign.seconds_per_item": earlier[-1]})
        assert evaluate(cheaper, curves=False).verdict != "meets"


# ------------------------------------------------------------------------ gold
def test_gold_costs_and_standard_errors():
    design = scenario(**{"gold.share": 0.05, "gold.authoring_cost": 0.4, "gold.pool_size": 25,
                         "campaign.items": 10_000})
    evaluation = evaluate(design, curves=False)
    gold = evaluation.gold
    tasks = 10_000 / 0.95
    assert gold.items == pytest.approx(tasks - 10_000)
    assert gold.labels == pytest.approx(gold.items * 2)
    assert gold.labels_per_rater == pytest.approx(gold.labels / 25)
    hours = tasks * 2 * 12.0 / 3600
    assert evaluation.rater_hours == pytest.approx(hours)
    assert evaluation.cost == pytest.approx(hours * 15.0 * 1.2 + gold.items * 0.4)
    assert gold.cost == pytest.approx(gold.label_cost + gold.authoring_cost)
    without = evaluate(scenario(**{"campaign.items": 10_000}), curves=False)
    assert evaluation.cost - without.cost == pytest.approx(gold.cost)
    question = gold.questions[0]
    accuracy = rater_accuracy(design.questions[0], evaluation.contexts[0].questions[0].dprime)
    assert question.accuracy == pytest.approx(accuracy)
    assert question.accuracy_se == pytest.approx(accuracy_standard_error(accuracy, gold.labels))
    assert question.spam_power == pytest.approx(
        spam_detection_power(accuracy, 0.5, int(math.floor(gold.labels_per_rater)), 0.05))
    assert spam_detection_power(accuracy, 0.5, question.labels_for_power, 0.05) >= 0.95


def test_discriminability_standard_error_matches_simulated_calibrations():
    # Simulate the calibration the gold labels allow: count correct gold labels, invert the accuracy
    # curve to λ; the spread of those estimates is the standard error the plan reports.
    design = scenario(**{"gold.share": 0.02, "campaign.items": 5_000})
    evaluation = evaluate(design, curves=False)
    gold, question = evaluation.gold, design.questions[0]
    dprime = evaluation.contexts[0].questions[0].dprime
    scale = dprime / design.raters.discriminability
    labels = int(round(gold.labels))

    def accuracy_at(lam: float) -> float:
        return rater_accuracy(question, lam * scale)

    rng = np.random.default_rng(8)
    counts = rng.binomial(labels, gold.questions[0].accuracy, size=4_000)
    estimates = [scipy_optimize.brentq(lambda lam: accuracy_at(lam) - c / labels, 1e-6, 20.0) for c in counts
                 if accuracy_at(1e-6) < c / labels < accuracy_at(20.0)]
    assert len(estimates) > 3_900
    assert gold.discriminability_se == pytest.approx(np.std(estimates), rel=0.05)


def test_gold_of_a_best_worst_question_counts_the_right_pair():
    design = scenario(**{"questions": [{"name": "tuple", "format": {"kind": "best_worst", "k": 4}}],
                         "gold.share": 0.1})
    evaluation = evaluate(design, curves=False)
    question = evaluation.gold.questions[0]
    assert question.chance == pytest.approx(1 / 12)
    kernel = rater_kernel("best_worst", 4, evaluation.contexts[0].questions[0].dprime, slip_rate=0.02)
    assert question.accuracy == pytest.approx(float(kernel.max(axis=1).mean()))
    assert evaluation.gold.pool is None and question.spam_power is None


# ----------------------------------------------------------------- best-worst
def test_best_worst_question_in_a_scenario():
    example = load_scenario_file(examples_dir() / "intensity_best_worst_tweets.json")
    evaluation = evaluate(example, curves=False)
    question = evaluation.contexts[0].questions[0]
    assert question.kind == "best_worst" and question.alternatives == 12
    assert question.max_nats == pytest.approx(math.log(24))
    assert question.effective_seconds == pytest.approx(question.judgment_seconds / math.log2(12))
    kernel = rater_kernel("best_worst", 4, question.dprime, slip_rate=0.02)
    panel = count_kernel(kernel, 3, correlation=0.1)
    assert question.panel_nats == pytest.approx(blahut_arimoto(panel).nats, abs=1e-9)
    assert question.label_accuracy == pytest.approx(map_accuracy(panel), abs=1e-12)
    assert evaluation.floor <= evaluation.achievable + 1e-12
    # The best-worst answers of 4 items cannot express more than the 24 orders.
    assert evaluation.codebook_sizes[0] <= 24


def test_overlap_and_gold_round_trip_through_json():
    design = scenario(**{"overlap.mode": "adaptive", "overlap.max_raters": 4, "gold.share": 0.03})
    again = Scenario.model_validate_json(design.to_json())
    assert again == design and evaluate(again, curves=False) == evaluate(design, curves=False)
    data = evaluate(design, curves=False).to_dict(unit="bits")
    assert data["overlap"]["expected_raters"] > 2.0 and data["gold"]["items"] > 0


def test_adaptive_needs_room_and_a_watchable_first_question():
    from advisor.errors import ScenarioValidationError

    # No room above the first raters: the fixed design, and the editor says so.
    crowded = scenario(**{"overlap.mode": "adaptive", "overlap.max_raters": 1, "raters.per_item": 3})
    fixed = evaluate(crowded.with_changes({"overlap.mode": "fixed"}), curves=False)
    assert evaluate(crowded, curves=False).label_error == pytest.approx(fixed.label_error, abs=1e-12)
    assert any("adds no rater" in text for text in design_warnings(crowded))
    lonely = scenario(**{"overlap.mode": "adaptive", "raters.per_item": 1})
    assert any("stops after the first rater" in text for text in design_warnings(lonely))
    with pytest.raises(ScenarioValidationError, match="watches the first question"):
        scenario(**{"overlap.mode": "adaptive", "questions": [{"name": "t", "format": {"kind": "free_text"}}]})
    with pytest.raises(ScenarioValidationError, match="vote histograms"):
        scenario(**{"overlap.mode": "adaptive", "overlap.max_raters": 30,
                    "questions": [{"name": "c", "format": {"kind": "categorical", "k": 8}}]})


def test_curves_of_an_overlap_design_apply_it_at_every_point():
    design = scenario(**{"overlap.mode": "adaptive", "overlap.max_raters": 4})
    evaluation = evaluate(design)
    curve = evaluation.curves["raters"]
    for x, capacity in zip(curve.x, curve.capacity_nats):
        point = evaluate(design.with_changes({"raters.per_item": int(x),
                                              "overlap.max_raters": max(4, int(x))}), curves=False)
        assert capacity == pytest.approx(sum(c.panel_upper_nats * c.weight for c in point.contexts), abs=1e-9)
    seconds = evaluation.curves["seconds"]
    index = len(seconds.x) // 3
    point = evaluate(design.with_changes({"campaign.seconds_per_item": seconds.x[index]}), curves=False)
    assert seconds.achievable[index] == pytest.approx(point.achievable, abs=1e-12)


def test_an_adaptive_design_near_its_limit_has_a_curve_and_a_solve_among_valid_designs():
    """Adaptive overlap watching a best-worst question of 4 items (12 answers), 5 raters up to 5:
    a scenario holds at most ADAPTIVE_MAX_OUTCOMES vote histograms, which designs starting with 7
    raters or more pass. The curve over raters (2 r = 10 at most) asked for them and stopped the
    evaluation with a models error; solving for the raters and splitting a budget between raters and
    items refused the whole question. All three now stay among the designs a scenario can hold, and
    say so."""
    from advisor.evaluation.evaluate import evaluate
    from advisor.planning.solve import solve
    from advisor.scenario.schema import ADAPTIVE_MAX_OUTCOMES, adaptive_outcomes, example_scenarios

    base = next(s for s in example_scenarios() if s.name.startswith("Search relevance"))
    scenario = base.with_changes({"questions.0.format": {"kind": "best_worst", "k": 4}, "raters.per_item": 5,
                                  "overlap.mode": "adaptive", "overlap.max_raters": 5, "target.target_risk": 0.001})
    watched = scenario.questions[0].format
    largest = max(r for r in range(1, 11) if adaptive_outcomes(watched, r, 5) <= ADAPTIVE_MAX_OUTCOMES)
    assert largest == 6  # C(17, 11) = 12,376 histograms at 6; C(18, 11) = 31,824 at 7
    evaluation = evaluate(scenario, curves=True)
    xs = evaluation.curves["raters"].x
    assert max(xs) <= largest and 5 in xs
    result = solve(scenario, "raters")
    assert "an adaptive design starting with more raters has more than 20,000 vote histograms" in result.message
    assert not result.reachable and result.best_value is not None and result.best_value <= largest
    from advisor.planning.compromise import compromise

    split = compromise(scenario, budget=50_000, max_raters=10)
    assert [row.raters for row in split.rows] == list(range(1, largest + 1))
    assert "the rows stop at 6" in split.note
    # The X–Y plot's range over raters ends there too, and every point of it evaluates.
    from advisor.planning.sweep import sweep
    from advisor.planning.xy_plot import default_range

    start, stop, points = default_range(scenario, "raters")
    assert (start, stop) == (1, largest)
    assert len(sweep(scenario, "raters", start, stop, points=points).rows()) == largest


def test_an_adaptive_design_that_may_start_only_with_many_raters():
    """Adaptive overlap on an 8-way choice up to 10 raters, starting with 10: fewer at the start
    give more than ADAPTIVE_MAX_OUTCOMES histograms (10 is the only valid start). The budget split
    built a 1-rater design first and was refused; now its rows are the valid starts, solve-for
    searches them and says why the low end is where it is, and with fewer raters available than
    the least valid start it refuses in one line."""
    from advisor.errors import UnknownParameterError
    from advisor.planning.compromise import compromise
    from advisor.planning.solve import solve
    from advisor.planning.xy_plot import default_range
    from advisor.scenario.schema import ADAPTIVE_MAX_OUTCOMES, adaptive_outcomes, example_scenarios, rater_range

    base = next(s for s in example_scenarios() if s.name.startswith("Search relevance"))
    scenario = base.with_changes({"questions.0.format": {"kind": "categorical", "k": 8}, "raters.per_item": 10,
                                  "overlap.mode": "adaptive", "overlap.max_raters": 10})
    watched = scenario.questions[0].format
    assert adaptive_outcomes(watched, 9, 10) > ADAPTIVE_MAX_OUTCOMES >= adaptive_outcomes(watched, 10, 10)
    assert rater_range(scenario) == (10, 10)
    split = compromise(scenario, budget=200_000, max_raters=12)
    assert [row.raters for row in split.rows] == [10] and "the rows start at 10" in split.note
    assert default_range(scenario, "raters")[:2] == (10, 10)
    assert "starting with fewer" in solve(scenario, "raters").message
    with pytest.raises(UnknownParameterError, match="only 5 raters are available"):
        solve(scenario.with_changes({"campaign.raters_available": 5}), "raters")


@pytest.mark.parametrize("before, after, text", [
    (0.95012, 0.94968, "lowers the label error from 0.9501 to 0.9497"),
    (0.94968, 0.95012, "raises the label error from 0.9497 to 0.9501"),
    (0.9501, 0.9501 - 1e-9, "leaves the label error at 0.9501"),  # read "lowers … from 0.9501 to 0.9501"
    (0.9501, 0.9501, "leaves the label error at 0.9501"),
])
def test_a_change_too_small_to_show_leaves_the_value(before, after, text):
    assert change_text("the label error", before, after) == text
