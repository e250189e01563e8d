"""The optimiser: its design meets the target under the constraints, no frontier
point is dominated, the search covers the promised space, and it can be
cancelled from another thread."""

from __future__ import annotations

import itertools
import json
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.allocation import allocate_on_grid
from models.channel import question_channel
from models.panel import panel_capacity

from advisor.errors import FormatChoiceError
from advisor.evaluation.evaluate import evaluate, required_capacity
from advisor.planning.optimize import (
    FRONTIER_EVALUATIONS,
    MAX_CHECKS,
    MIN_CANDIDATES,
    REFINE_CHECKS,
    REFINE_SECONDS,
    SAME_COST_CHECKS,
    SCREEN_KERNEL_ENTRIES,
    SCREEN_MARGIN_NATS,
    SEARCH_TOLERANCE,
    _CapacityTables,
    _max_plus_total,
    _Search,
    _single_rater_kernel,
    _limits,
    default_formats,
    format_options,
    frontier_with_recommended,
    optimize,
)
from advisor.scenario.schema import Campaign, Context, Question, Raters, ResponseFormat, Scenario, Target, example_scenarios



def two_questions(**campaign) -> Scenario:
    return Scenario(
        name="optimiser test",
        target=Target(log2_m=2.5, target_risk=0.15),
        contexts=(Context(name="a", weight=0.5, reading_words=80), Context(name="b", weight=0.5, difficulty=0.8)),
        questions=(
            Question(name="quality", format=ResponseFormat(kind="binary"), time_share=0.5),
            Question(name="preference", format=ResponseFormat(kind="pairwise", k=2), time_share=0.5),
        ),
        raters=Raters(per_item=3, correlation=0.1),
        campaign=Campaign(**({"items": 5_000, "seconds_per_item": 30.0, "wage_per_hour": 15.0} | campaign)),
    )


@pytest.fixture(scope="module")
def result():
    return optimize(two_questions())


@pytest.fixture
def searched_afresh(monkeypatch):
    """No search kept from another test."""
    import advisor.planning.optimize as optimize_module

    monkeypatch.setattr(optimize_module, "_results", type(optimize_module._results)(optimize_module.RESULT_CACHE_SIZE))


class _KeepsNothing:
    def get(self, key):
        return None

    def put(self, key, value) -> None:
        pass


@pytest.fixture
def every_call_searches(monkeypatch):
    """Every call runs its search: the test watches the search (its progress, its cancel)."""
    import advisor.planning.optimize as optimize_module

    monkeypatch.setattr(optimize_module, "_results", _KeepsNothing())


def dominated(points) -> list[tuple[int, int]]:
    pairs = []
    for (i, a), (j, b) in itertools.permutations(enumerate(points), 2):
        if a.cost <= b.cost and a.floor <= b.floor and (a.cost < b.cost or a.floor < b.floor):
            pairs.append((i, j))
    return pairs


def test_the_recommended_design_meets_the_target(result):
    assert result.recommended is not None and not result.cancelled
    direct = evaluate(result.recommended, curves=False)
    # "Meets" is the achievable side (method §8.4), the floor alone is only necessary.
    assert direct.verdict == "meets"
    assert direct.floor <= direct.achievable <= 0.15
    assert direct.floor == result.recommended_evaluation.floor
    assert direct.achievable == result.recommended_evaluation.achievable
    assert result.cheapest_not_ruled_out is not None and result.cheapest_not_ruled_out <= direct.cost
    assert direct.cost == pytest.approx(result.recommended_evaluation.cost)
    # The design is a new scenario with the same target, items and pool.
    assert result.recommended.target == two_questions().target
    assert result.recommended.campaign.items == 5_000
    assert result.recommended.name != two_questions().name


def test_no_frontier_point_is_dominated(result):
    assert len(result.frontier) >= 3
    assert dominated(result.frontier) == []
    costs = [p.cost for p in result.frontier]
    floors = [p.floor for p in result.frontier]
    assert costs == sorted(costs) and floors == sorted(floors, reverse=True)
    # Every point is evaluated: its floor, achievable risk and verdict are those of its design.
    for point in result.frontier:
        assert point.checked and point.floor <= point.achievable <= 1.0
        assert point.verdict in ("meets", "cannot", "undecided")


def test_frontier_points_are_their_scenarios(result):
    for point in result.frontier[:: max(1, len(result.frontier) // 5)]:
        assert point.scenario.raters.per_item == point.raters
        assert point.scenario.campaign.seconds_per_item == point.seconds_per_item
        assert tuple(q.format.label() for q in point.scenario.questions) == point.formats
        direct = evaluate(point.scenario, curves=False)
        assert direct.cost == pytest.approx(point.cost)
        # Screened numbers are interpolated; they stay close to the exact ones.
        assert direct.capacity_nats == pytest.approx(point.capacity_nats, abs=SCREEN_MARGIN_NATS)


def test_no_cheaper_time_with_the_same_design_meets_the_target(result):
    # The least time per item that meets, to REFINE_SECONDS: the grid's design one step cheaper does
    # not meet, and nor does the recommended design a tenth of a second shorter.
    design = result.recommended
    search = _Search(two_questions(), format_options(two_questions()), _limits(two_questions(), None, None, None, None),
                     False, None)
    times = search.times
    seconds = design.campaign.seconds_per_item
    index = int(np.searchsorted(times, seconds - 1e-9))
    assert index < len(times) and seconds <= times[index]
    assert 0 < result.refinements <= REFINE_CHECKS
    if index > 0:
        assert times[index - 1] < seconds
        combo = tuple(opts.index(q.format) for opts, q in zip(search.options, design.questions))
        cheaper, _ = search.design(combo, design.raters.per_item, index - 1, "cheaper")
        assert evaluate(cheaper, curves=False).verdict != "meets"
        shorter = design.with_changes({"campaign.seconds_per_item": round(seconds - REFINE_SECONDS, 6)})
        assert evaluate(shorter, curves=False).verdict != "meets"


def test_the_default_search_covers_enough_designs(result):
    assert result.candidates >= MIN_CANDIDATES
    assert result.evaluated >= result.candidates
    assert result.time_ratio > 1.0


def test_an_interface_that_cannot_express_the_target_never_meets_it():
    # Two binary answers give 4 tuples; a 2.5-bit target has ⌈2^2.5⌉ = 6 values, so at least one
    # in three is confused whatever the raters (achievable ≥ 1 − 4/6).
    result = optimize(two_questions(), allowed_formats=[["binary"], ["pairwise(2)"]])
    assert result.recommended is None and "No design meets the target" in result.message
    assert all(p.achievable >= 1 - 4 / 6 - 1e-12 for p in result.frontier)


def test_constraints_are_respected():
    scenario = two_questions()
    formats = [["ordinal(3)"], ["pairwise(3)"]]
    free = optimize(scenario, allowed_formats=formats)
    cost = free.recommended_evaluation.cost
    hours = free.recommended_evaluation.rater_hours
    capped = optimize(scenario, budget_cap=cost * 0.5, allowed_formats=formats)
    assert capped.recommended is None and "No design meets the target" in capped.message
    assert all(p.cost <= cost * 0.5 for p in capped.frontier)
    limited = optimize(scenario, max_raters=2, raters_available=10, deadline_hours=hours / 10 * 2)
    assert limited.recommended.raters.per_item <= 2
    assert limited.recommended_evaluation.rater_hours / 10 <= hours / 10 * 2
    assert all(p.raters <= 2 and p.rater_hours / 10 <= hours / 10 * 2 for p in limited.frontier)
    assert limited.recommended.campaign.raters_available == 10


def test_a_deadline_without_raters_available_is_ignored_and_said():
    scenario = two_questions(deadline_hours=0.001)
    result = optimize(scenario, max_raters=3)
    assert result.recommended is not None
    assert "deadline is ignored" in result.message


def test_allowed_formats_are_the_only_formats_used():
    scenario = two_questions()
    result = optimize(scenario, allowed_formats={"quality": ["ordinal(5)", {"kind": "ordinal", "k": 7}]}, max_raters=3)
    for point in result.frontier:
        assert point.formats[0] in ("ordinal(5)", "ordinal(7)")
        assert point.formats[1] in [f.label() for f in default_formats(ResponseFormat(kind="pairwise", k=2))]


def test_format_options_read_texts_dicts_and_kinds():
    scenario = two_questions()
    options = format_options(scenario, [["binary", "ordinal"], [ResponseFormat(kind="pairwise", k=3), {"kind": "pairwise", "k": 4}]])
    assert [f.label() for f in options[0]] == ["binary", "ordinal(3)", "ordinal(5)", "ordinal(7)"]
    assert [f.label() for f in options[1]] == ["pairwise(3)", "pairwise(4)"]
    with pytest.raises(FormatChoiceError, match="name no question"):
        format_options(scenario, {"nope": ["binary"]})
    with pytest.raises(FormatChoiceError, match="one entry per question"):
        format_options(scenario, [["binary"]])
    with pytest.raises(FormatChoiceError, match="quality") as refused:
        format_options(scenario, [["ordinal(99)"], None])
    # In words, without pydantic's "[type=value_error, input_value=…]".
    assert str(refused.value).endswith("k for ordinal must be an integer from 2 to 50, got 99")
    with pytest.raises(FormatChoiceError, match="cannot read"):
        format_options(scenario, [["ordinal 5"], None])


@settings(max_examples=60, deadline=None)
@given(questions=st.integers(1, 4), steps=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_batched_max_plus_equals_the_grid_allocation(questions, steps, seed):
    rng = np.random.default_rng(seed)
    gains = np.cumsum(rng.uniform(0.0, 1.0, size=(5, questions, steps + 1)), axis=2)
    totals = _max_plus_total(gains)
    for design in range(5):
        assert totals[design] == pytest.approx(allocate_on_grid(gains[design]).value, abs=1e-12)


def test_screening_is_close_to_exact_evaluation():
    # Fixed shares (keep_time_shares) make each exact evaluation cheap; the
    # interpolated tables are the same ones the water-filled search uses.
    scenario = two_questions()
    search = _Search(scenario, format_options(scenario), _limits(scenario, None, None, None, None), True, None)
    combo = (2, 1)  # ordinal(5), pairwise(3)
    for raters in (1, 4):
        screened = search.screen(combo, raters)
        for index in (5, len(search.times) // 2, len(search.times) - 3):
            design, shares = search.design(combo, raters, index, "check")
            assert design.fixed_time_shares and shares == (0.5, 0.5)
            exact = evaluate(design, curves=False).capacity_nats
            assert exact == pytest.approx(screened[index], abs=SCREEN_MARGIN_NATS / 2)
    assert search.needed == required_capacity(scenario)


def test_water_filled_screening_matches_its_shares():
    # The max-plus total of a design equals the capacity of the tables at the
    # shares allocate_on_grid returns for it.
    scenario = two_questions()
    search = _Search(scenario, format_options(scenario), _limits(scenario, None, None, None, None), False, None)
    combo = (1, 2)
    screened = search.screen(combo, 2)
    _, tables = search.gains(combo, 2)
    for index in (3, len(search.times) // 2):
        shares = search.shares_of(combo, 2, index)
        units = [round(share * 40) for share in shares]
        assert screened[index] == pytest.approx(sum(tables[index, q, u] for q, u in enumerate(units)), abs=1e-12)


FORMATS = [
    ResponseFormat(kind="binary"),
    ResponseFormat(kind="categorical", k=4),
    ResponseFormat(kind="ordinal", k=5),
    ResponseFormat(kind="pairwise", k=3),
    ResponseFormat(kind="multi_select", k=3),
    ResponseFormat(kind="ranking", k=3),
]


@pytest.mark.parametrize("response", FORMATS, ids=lambda f: f.label())
def test_search_kernels_give_question_channels_panel(response):
    # The search runs the panel's Blahut–Arimoto itself, at its own tolerance, on
    # the single rater's kernel: its panels must be question_channel's.
    question = Question(name="q", format=response, slip_rate=0.03, span=2.5)
    for seconds in (4.0, 15.0):
        for raters in (2, 4):
            exact = question_channel(response.kind, response.k, seconds=seconds, raters=raters, correlation=0.2,
                                     slip_rate=0.03, span=2.5)
            kernel, copies = _single_rater_kernel(question, response, exact.dprime)
            assert kernel is not None
            value = copies * panel_capacity(kernel, raters, correlation=0.2, tol=SEARCH_TOLERANCE).nats
            assert value == pytest.approx(exact.panel_nats, abs=5 * SEARCH_TOLERANCE)


@pytest.mark.parametrize("response", FORMATS + [ResponseFormat(kind="ranking", k=6)], ids=lambda f: f.label())
def test_capacity_depends_on_time_and_difficulty_only_through_dprime(response):
    # The search shares its d′ nodes across contexts: two contexts reaching the
    # same d′ at different times must give the same channel.
    first = question_channel(response.kind, response.k, seconds=12.0, difficulty=1.0, raters=3, correlation=0.1)
    target = first.dprime
    # Find, by bisection on time, where a harder context (0.8) reaches that d′.
    low, high = 0.0, 10_000.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if question_channel(response.kind, response.k, seconds=middle, difficulty=0.8, raters=3,
                            correlation=0.1).dprime < target:
            low = middle
        else:
            high = middle
    second = question_channel(response.kind, response.k, seconds=high, difficulty=0.8, raters=3, correlation=0.1)
    assert second.dprime == pytest.approx(target, rel=1e-9)
    assert second.panel_nats == pytest.approx(first.panel_nats, abs=1e-7)


def test_cancel_from_another_thread_stops_promptly(every_call_searches):
    scenario = two_questions()
    cancel = threading.Event()
    started = threading.Event()
    seen: list[tuple[int, int]] = []
    outcome = {}

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        started.set()
        # Wait here until the other thread has pressed cancel: the next
        # checkpoint of the search must see it.
        cancel.wait(timeout=60)
        return not cancel.is_set()

    worker = threading.Thread(target=lambda: outcome.setdefault("result", optimize(scenario, progress=progress)))
    worker.start()
    assert started.wait(timeout=60)
    cancel.set()
    worker.join(timeout=120)
    assert not worker.is_alive()
    result = outcome["result"]
    assert result.cancelled
    assert len(seen) == 1 and seen[0][0] < result.candidates
    assert result.evaluated < result.candidates
    assert "cancelled" in result.message.lower()


def test_progress_returning_false_cancels_with_the_best_so_far(every_call_searches):
    scenario = two_questions()
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return done < total // 2

    result = optimize(scenario, progress=progress)
    assert result.cancelled and calls[-1] >= result.candidates // 2 and calls[-1] < result.candidates
    if result.recommended is not None:
        assert evaluate(result.recommended, curves=False).verdict == "meets"


def test_the_exact_checks_report_progress_and_a_cancel_among_them_keeps_what_was_checked(monkeypatch, every_call_searches):
    """After the screening come the exact evaluations (checks, then the frontier's points): each
    asks the progress callback first, so a cancel among them stops before the next one, and the
    result holds only designs that were evaluated."""
    import advisor.planning.optimize as optimize_module

    scenario = two_questions()
    evaluated: list = []
    exact = optimize_module.evaluate

    def recorded(design, **options):
        evaluated.append(design)
        return exact(design, **options)

    monkeypatch.setattr(optimize_module, "evaluate", recorded)
    seen: list[tuple[int, int]] = []
    full = optimize(scenario, progress=lambda done, total: seen.append((done, total)) or True)
    steps = full.candidates + MAX_CHECKS + SAME_COST_CHECKS + REFINE_CHECKS + FRONTIER_EVALUATIONS
    assert full.checks > 3 and not full.cancelled and full.recommended is not None
    assert {total for _, total in seen} == {steps}
    assert max(done for done, _ in seen) > full.candidates  # the checks move the bar on
    assert all(0 <= done <= total for done, total in seen)

    def only_evaluated(result) -> None:
        for point in result.frontier:
            assert any(point.scenario.same_numbers(design) for design in evaluated)
        if result.recommended is not None:
            assert evaluate(result.recommended, curves=False).verdict == "meets"
            assert any(result.recommended.same_numbers(design) for design in evaluated)

    # Stopped after three checks: no fourth evaluation, and no frontier point beyond them.
    evaluated.clear()
    among_checks = optimize(scenario, progress=lambda done, total: done < full.candidates + 3)
    assert among_checks.cancelled and "cancelled" in among_checks.message.lower()
    assert among_checks.checks == 3 and len(evaluated) == 3
    only_evaluated(among_checks)

    # Stopped after two of the frontier's evaluations: every check and refinement ran, two points
    # more, no others.
    evaluated.clear()
    before_frontier = full.candidates + full.checks + full.refinements
    among_frontier = optimize(scenario, progress=lambda done, total: done < before_frontier + 2)
    assert among_frontier.cancelled and among_frontier.checks == full.checks
    assert len(evaluated) == full.checks + full.refinements + 2
    assert among_frontier.recommended is not None and among_frontier.recommended.same_numbers(full.recommended)
    only_evaluated(among_frontier)


def test_a_node_the_work_cap_stops_is_screened_at_its_upper_end(monkeypatch):
    """With a cap too small to finish any panel, every node of a 7-point scale's three-rater panel is
    at least its exact capacity (the run's certified upper end), and some strictly above."""
    import advisor.planning.optimize as optimize_module

    scenario = two_questions()
    question = Question(name="scale", format=ResponseFormat(kind="ordinal", k=7))

    def nodes(work: float) -> np.ndarray:
        monkeypatch.setattr(optimize_module, "SCREEN_PANEL_WORK", work)
        tables = _CapacityTables(scenario, [60.0, 60.0], lambda: None)
        interpolant = tables._interpolant(question, question.format, 3)
        return interpolant(interpolant.x)

    exact, capped = nodes(1e12), nodes(2e3)
    assert np.all(capped >= exact - 1e-12)
    assert np.any(capped > exact + 1e-4)


def test_a_repeated_request_is_answered_with_the_search_it_would_run_again(searched_afresh):
    """The same scenario and constraints, given explicitly or left to their defaults, get the kept
    answer at once (progress: one call, all done); the kept answer is what a new search computes; a
    stopped search is not kept, and another constraint or scenario is searched (a search stopped at
    once shows it ran)."""
    import advisor.planning.optimize as optimize_module

    scenario = two_questions()
    first = optimize(scenario)
    limits = _limits(scenario, None, None, None, None)
    calls: list[tuple[int, int]] = []
    again = optimize(scenario, allowed_formats={q.name: [f.model_dump() for f in fs] for q, fs in
                                                zip(scenario.questions, format_options(scenario))},
                     max_raters=limits.max_raters, progress=lambda done, total: calls.append((done, total)) or True)
    assert again is first
    assert len(calls) == 1 and calls[0][0] == calls[0][1] > first.candidates

    def stop_at_once(done: int, total: int) -> bool:
        return False

    assert optimize(scenario, budget_cap=5_000.0, progress=stop_at_once).cancelled
    assert optimize(scenario.with_changes({"name": "another name"}), progress=stop_at_once).cancelled

    optimize_module._results.clear()
    assert optimize(scenario, progress=stop_at_once).cancelled
    recomputed = optimize(scenario)
    assert recomputed is not first and not recomputed.cancelled
    assert recomputed.to_dict() == first.to_dict()


@pytest.mark.parametrize("scenario", example_scenarios(), ids=lambda s: s.name)
def test_examples(scenario):
    result = optimize(scenario)
    assert dominated(result.frontier) == []
    assert result.candidates >= MIN_CANDIDATES
    if result.recommended is not None:
        assert evaluate(result.recommended, curves=False).verdict == "meets"
        # What the window draws and a report tabulates: the frontier with the recommended design on
        # it, at its own (refined) time per item and cost, in order of cost.
        shown, index = frontier_with_recommended(result)
        assert shown[index].seconds_per_item == result.recommended.campaign.seconds_per_item
        assert shown[index].cost == result.recommended_evaluation.cost
        assert [p.cost for p in shown] == sorted(p.cost for p in shown)
        assert [p for i, p in enumerate(shown) if i != index] == [
            p for p in result.frontier if not p.scenario.same_numbers(result.recommended)]
    json.dumps(result.to_dict(), allow_nan=False)


def test_a_0_to_100_slider_is_screened_without_its_17_million_entry_panel(monkeypatch):
    """Three raters on a 101-level slider have 176,851 vote histograms: a kernel of 17.9 million
    entries that took minutes per node to build and run. The screening takes the panel bound from
    two raters' panel instead; it is monotone in the raters and within the alphabet's ln 101."""
    import math

    import models.panel

    scenario = Scenario(
        name="slider",
        target=Target(log2_m=1.5, target_risk=0.15),
        contexts=(Context(name="a", weight=0.6, reading_words=300), Context(name="b", weight=0.4, difficulty=0.8)),
        questions=(Question(name="score", format=ResponseFormat(kind="scale", minimum=0, maximum=100)),),
        raters=Raters(per_item=1, correlation=0.15, discriminability=1.5),
        campaign=Campaign(items=50_000, seconds_per_item=600.0, wage_per_hour=15.0),
    )
    built: list[int] = []
    build = models.panel._shared_count_kernel

    def recorded(kernel, raters, correlation):
        matrix = build(kernel, raters, correlation)
        built.append(matrix.size)
        return matrix

    monkeypatch.setattr(models.panel, "_shared_count_kernel", recorded)
    tables = _CapacityTables(scenario, [600.0, 600.0], lambda: None)
    question = scenario.questions[0]
    two, three = (tables._interpolant(question, question.format, raters) for raters in (2, 3))
    assert built and max(built) <= SCREEN_KERNEL_ENTRIES
    assert math.comb(3 + 100, 100) * 101 > SCREEN_KERNEL_ENTRIES  # the exact panel is past the limit
    nodes = three.x
    assert np.all(three(nodes) >= two(nodes) - 1e-9)
    assert np.all(three(nodes) <= math.log(101) + 1e-9)
    assert three(nodes[-1]) > two(nodes[-1])  # more raters, more information where d′ is large
