"""The planner's interval (method §8) through evaluate(), solve(), optimize() and the CLI.

Property tests over random valid scenarios (floor ≤ achievable ≤ 1, floor ≤ ceiling, the items
interval ordered), monotonicity in raters, time and discriminability, the audit's worked example,
the verdicts of the examples and of a 0-bit design, and the JSON contract of the commands.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import advisor.cli
from advisor.evaluation.evaluate import VERDICTS, evaluate
from advisor.scenario.schema import examples_dir, example_scenarios, load_scenario_file, scenario_from_dict
from advisor.planning.solve import solve

FORMATS = st.sampled_from([
    {"kind": "binary"}, {"kind": "categorical", "k": 3}, {"kind": "categorical", "k": 5},
    {"kind": "ordinal", "k": 3}, {"kind": "ordinal", "k": 5}, {"kind": "ordinal", "k": 7},
    {"kind": "pairwise", "k": 2}, {"kind": "pairwise", "k": 3}, {"kind": "ranking", "k": 3},
    {"kind": "multi_select", "k": 3}, {"kind": "free_text", "max_chars": 200},
])


@st.composite
def scenarios(draw):
    questions = []
    for index in range(draw(st.integers(1, 3))):
        question = {"name": f"q{index}", "format": draw(FORMATS),
                    "slip_rate": draw(st.floats(0.0, 0.2)), "time_share": draw(st.one_of(st.none(), st.floats(0.2, 3)))}
        # Questions about one part of the target (a split rubric), of one alphabet or of several.
        question["part"] = draw(st.sampled_from([None, None, "shared"]))
        if question["format"]["kind"] == "binary" and draw(st.booleans()):
            share = draw(st.floats(0.05, 0.95))
            question["prior"] = [share, 1 - share]
        questions.append(question)
    if any(q["time_share"] is None for q in questions) and any(q["time_share"] is not None for q in questions):
        for q in questions:
            q["time_share"] = None
    contexts = [{"name": f"c{i}", "weight": draw(st.floats(0.2, 3)), "difficulty": draw(st.floats(0.3, 2)),
                 "reading_words": draw(st.sampled_from([0.0, 50.0, 400.0]))} for i in range(draw(st.integers(1, 2)))]
    data = {
        "name": "random",
        "target": {"log2_m": draw(st.floats(0.3, 12)), "target_risk": draw(st.floats(0.02, 0.6)),
                   "separation": draw(st.floats(0.3, 1.0)), "model_bits": draw(st.floats(1, 2000))},
        "contexts": contexts,
        "questions": questions,
        "raters": {"per_item": draw(st.integers(1, 7)), "correlation": draw(st.floats(0.0, 0.8)),
                   "discriminability": draw(st.floats(0.2, 5))},
        "campaign": {"items": draw(st.integers(1, 100_000)), "seconds_per_item": draw(st.floats(2, 200))},
        "bounds": {"ceiling_form": draw(st.sampled_from(["expectation", "kl", "mcallester", "catoni"])),
                   "observed_risk": draw(st.sampled_from([0.0, 0.0, 0.05, 0.3]))},
    }
    return scenario_from_dict(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_interval_is_never_inverted(scenario):
    e = evaluate(scenario, curves=False)
    assert 0.0 <= e.floor <= e.achievable <= 1.0
    assert e.label_floor <= e.label_error + 1e-9
    if scenario.bounds.observed_risk == 0.0:
        # With the predicted risk the ceiling starts at the achievable risk, never below the floor.
        assert e.floor <= e.ceiling and e.ceiling_risk == pytest.approx(e.achievable)
    needed = e.items_needed
    if None not in (needed.at_least, needed.estimate, needed.at_most):
        assert needed.at_least <= needed.estimate <= needed.at_most
    assert e.verdict in VERDICTS
    if e.verdict == "meets":
        assert e.achievable <= scenario.target.target_risk and scenario.campaign.items >= needed.at_most
    if e.floor > scenario.target.target_risk:
        assert e.verdict == "cannot"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_curves_keep_the_interval_and_fall_with_m(scenario):
    e = evaluate(scenario)
    for curve in e.curves.values():
        assert all(f <= a + 1e-12 for f, a in zip(curve.floor, curve.achievable))
    items = e.curves["items"]
    for series in (items.ceiling, items.learning_converse, items.learning_estimate, items.learning_achievable):
        assert all(b <= a + 1e-12 for a, b in zip(series, series[1:]))
    assert all(c <= s + 1e-12 for c, s in zip(items.learning_converse, items.learning_estimate))
    assert all(s <= g + 1e-12 for s, g in zip(items.learning_estimate, items.learning_achievable))


@pytest.mark.parametrize("path,values", [
    ("raters.per_item", [1, 2, 3, 5, 8]),
    ("campaign.seconds_per_item", [4.0, 8.0, 16.0, 32.0, 64.0, 128.0]),
    ("raters.discriminability", [0.5, 1.0, 1.5, 2.5, 4.0]),
])
@pytest.mark.parametrize("example", example_scenarios(), ids=lambda s: s.name)
def test_floor_and_achievable_risk_do_not_rise_with_raters_time_or_skill(example, path, values):
    previous = None
    for value in values:
        e = evaluate(example.with_changes({path: value}), curves=False)
        if previous is not None:
            assert e.floor <= previous.floor + 1e-9, (path, value)
            assert e.achievable <= previous.achievable + 1e-9, (path, value)
        previous = e


def test_the_audit_worked_example():
    # Medical X-ray example panel, 20-bit model, ε = 0.1: Fano ≥ 21, estimate ≈ 25, Gallager ≤ 33.
    scenario = load_scenario_file(examples_dir() / "medical_xray_binary.json")
    e = evaluate(scenario.with_changes({"target.model_bits": 20.0, "target.target_risk": 0.1}), curves=False)
    assert e.items_needed.to_dict() == {"at_least": 21, "estimate": 25, "at_most": 33}


EXPECTED_VERDICTS = {
    "Chest X-ray screening, normal vs abnormal": "meets",
    "Chatbot rubric, three 7-point Likert questions": "undecided",
    "Search relevance, 4-point scale, 3 assessors": "undecided",
    "RLHF pairwise preference with tie": "cannot",
    "Ranking of 4 LLM responses": "cannot",
    "Content moderation, multi-label toxicity": "cannot",
    "Personal attacks, third rater on disagreement": "meets",
    "Tweet sentiment intensity, best-worst of 4": "meets",
}


@pytest.mark.parametrize("example", example_scenarios(), ids=lambda s: s.name)
def test_each_example_gets_a_verdict_true_of_its_design(example):
    e = evaluate(example, curves=False)
    assert e.verdict == EXPECTED_VERDICTS[example.name]
    target = example.target.target_risk
    if e.verdict == "cannot":
        assert e.floor > target or example.campaign.items < e.items_needed.at_least
    elif e.verdict == "undecided":
        assert e.floor <= target < e.achievable or example.campaign.items < e.items_needed.at_most


@pytest.mark.parametrize("example", example_scenarios(), ids=lambda s: s.name)
def test_no_reachable_answer_whose_design_does_not_meet_the_target(example):
    for unknown in ("raters", "seconds", "items", "log2_m"):
        result = solve(example, unknown)
        if result.reachable:
            assert evaluate(result.scenario, curves=False).verdict == "meets", unknown
        else:
            assert result.value is None


def test_a_zero_bit_design_is_ruled_out_everywhere():
    scenario = load_scenario_file(examples_dir() / "medical_xray_binary.json").with_changes({
        "contexts.0.reading_words": 300.0, "contexts.1.reading_words": 300.0, "campaign.seconds_per_item": 45.0})
    e = evaluate(scenario, curves=False)
    assert e.capacity_nats == pytest.approx(0.0, abs=1e-12)
    assert e.verdict == "cannot" and e.items_needed.at_least is None
    assert e.achievable == pytest.approx(0.5 * scenario.target.separation)  # a coin flip on the binary truth
    assert not solve(scenario, "items").reachable


# ------------------------------------------------------------------ CLI contract
def _json(capsys, argv: list[str]) -> dict:
    assert advisor.cli.main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_evaluate_json_contract(capsys):
    path = str(examples_dir() / "search_relevance_trec.json")
    data = _json(capsys, ["evaluate", path, "--json"])
    for key in ("capacity_nats", "floor", "ceiling", "cost"):
        assert key in data  # the first release's keys stay
    assert data["floor"] <= data["achievable"] <= 1.0
    assert data["verdict"] in ("meets", "cannot", "undecided")
    assert set(data["items_needed"]) == {"at_least", "estimate", "at_most"}
    assert data["model_bits"] == 1000.0
    for context in data["contexts"]:
        for question in context["questions"]:
            assert 0.0 <= question["label_accuracy"] <= 1.0


def test_solve_json_contract(capsys):
    path = str(examples_dir() / "search_relevance_trec.json")
    for unknown in ("raters", "items", "log2_m"):
        data = _json(capsys, ["solve", path, "--for", unknown, "--json"])
        assert {"for", "value", "reachable", "at_least"} <= set(data)
        assert data["reachable"] == (data["value"] is not None)
        if data["value"] is not None:
            assert scenario_from_dict(data["scenario"]) is not None
            assert evaluate(scenario_from_dict(data["scenario"]), curves=False).verdict == "meets"


def test_optimize_json_recommended_meets(capsys):
    path = str(examples_dir() / "medical_xray_binary.json")
    data = _json(capsys, ["optimize", path, "--json"])
    assert data["recommended"] is not None
    assert evaluate(scenario_from_dict(data["recommended"]), curves=False).verdict == "meets"
    assert data["recommended_evaluation"]["verdict"] == "meets"


def test_split_lever_does_not_count_the_same_information_twice():
    from advisor.planning.levers import rank_levers

    example = next(s for s in example_scenarios() if s.name.startswith("Chatbot"))
    base = evaluate(example, curves=False)
    for lever in rank_levers(example, base):
        if not lever.key.startswith("split:") or not lever.applicable:
            continue
        name = lever.key.split(":", 1)[1]
        before = next(q for q in base.contexts[0].questions if q.name == name)
        halves = [q for q in lever.evaluation.contexts[0].questions if q.part == name]
        assert len(halves) == 2
        joint = lever.evaluation.contexts[0].panel_nats - sum(
            q.panel_nats for q in lever.evaluation.contexts[0].questions if q.part != name)
        # Two answers about one part carry at most that part's ln k, and less than their sum.
        assert joint <= before.max_nats + 1e-9
        assert joint <= sum(q.panel_nats for q in halves) + 1e-9


def test_a_part_answered_in_two_alphabets_is_decoded_with_one_alphabet_in_every_context():
    """Two questions about one part, a pairwise choice (2 answers) and a ranking of 3 (6 answers),
    over two contexts of different difficulty. Each context decodes the part with one question; one
    codebook serves every context, so the alphabets must agree, which they did not (an IndexError
    in the codebook search, found by random scenarios). Now the interval holds and the order of the
    questions changes nothing."""
    base = next(s for s in example_scenarios() if s.name.startswith("Chatbot rubric")).model_dump()
    base["questions"] = [
        dict(base["questions"][0], name="helpfulness", format={"kind": "pairwise", "k": 2}, part="b", time_share=None),
        dict(base["questions"][1], name="factual accuracy", format={"kind": "ranking", "k": 3}, part="b",
             time_share=None),
    ]
    base["raters"]["per_item"] = 1
    base["campaign"]["seconds_per_item"] = 600.0
    scenario = scenario_from_dict(base)
    assert len(scenario.contexts) == 2
    e = evaluate(scenario, curves=True)
    assert 0.0 <= e.floor <= e.achievable <= 1.0
    assert {q.alternatives for context in e.contexts for q in context.questions} == {2, 6}
    swapped = evaluate(scenario.with_changes({"questions": [q.model_dump() for q in reversed(scenario.questions)]}),
                       curves=True)
    assert swapped.achievable == pytest.approx(e.achievable, abs=1e-12)
    assert swapped.curves["raters"].achievable == pytest.approx(e.curves["raters"].achievable, abs=1e-12)


@pytest.mark.parametrize("weights,chosen", [((0.7, 0.3), 2), ((0.3, 0.7), 6)])
def test_the_part_alphabet_is_the_one_whose_best_question_is_best_on_the_context_weighted_average(weights, chosen):
    """Worked by hand: the pairwise choice (2 answers) decodes at 0.9 and 0.5 in the two contexts,
    the ranking (6 answers) at 0.6 and 0.95. Weights 0.7 / 0.3: 0.78 against 0.705, the pairwise
    alphabet; weights 0.3 / 0.7: 0.62 against 0.845, the ranking's."""
    from types import SimpleNamespace

    from advisor.evaluation.evaluate import _part_alphabets

    base = next(s for s in example_scenarios() if s.name.startswith("Chatbot rubric")).model_dump()
    base["contexts"] = [dict(base["contexts"][0], name="a", weight=weights[0]),
                        dict(base["contexts"][0], name="b", weight=weights[1])]
    base["questions"] = [
        dict(base["questions"][0], name="helpfulness", format={"kind": "pairwise", "k": 2}, part="b"),
        dict(base["questions"][0], name="factual accuracy", format={"kind": "ranking", "k": 3}, part="b"),
    ]
    scenario = scenario_from_dict(base)
    decodings = [[SimpleNamespace(label_accuracy=0.9), SimpleNamespace(label_accuracy=0.6)],
                 [SimpleNamespace(label_accuracy=0.5), SimpleNamespace(label_accuracy=0.95)]]
    assert _part_alphabets(scenario, decodings) == {"b": chosen}
