"""Design checks name the problem with its numbers: reading that takes the whole
time per item, free-text boxes that water-filling hands the ratings' time, and
pilots whose classes are not the question's."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.evaluation.evaluate import evaluate
from advisor.evaluation.guardrails import design_findings, design_warnings, pilot_class_warnings
from advisor.importers import import_interface
from advisor.scenario.schema import Context, Question, ResponseFormat, Scenario

CHAT_RLHF = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml"


def _reading(words: float, seconds: float) -> Scenario:
    return Scenario(
        name="reading",
        contexts=(Context(name="long answers", reading_words=words),),
        questions=(Question(name="quality", format=ResponseFormat(kind="ordinal", k=5)),),
    ).with_changes({"campaign.seconds_per_item": seconds})


def test_reading_longer_than_the_time_per_item_is_named_with_its_numbers():
    scenario = _reading(300, 45)
    # 300 words at 238 words per minute: 60 * 300 / 238 = 75.6 s > 45 s.
    assert 60 * 300 / 238 > 45
    [message] = design_warnings(scenario)
    assert "'long answers'" in message and "300 words at 238 words per minute takes 76 s" in message
    assert "45 s per item" in message and "0 bits" in message and "more than 76 s" in message
    # The evaluation agrees that nothing is left to judge.
    assert evaluate(scenario, curves=False).capacity_nats == 0.0
    assert design_findings(scenario)[0].paths[0] == "campaign.seconds_per_item"


def test_reading_that_leaves_little_time_is_reported_and_enough_time_is_not():
    # 160 words: 40.3 s of 45 s, 4.7 s (10 %) left to judge.
    [message] = design_warnings(_reading(160, 45))
    assert "leaving 4.7 s to judge (10 %)" in message
    assert design_warnings(_reading(100, 45)) == []  # 25 s of 45 s
    assert design_warnings(_reading(0, 45)) == []


def test_free_text_boxes_that_take_the_ratings_time_are_named():
    scenario = import_interface(CHAT_RLHF).scenario.with_changes({"campaign.seconds_per_item": 45})
    evaluation = evaluate(scenario, curves=False)
    seconds = {q.name: q.judgment_seconds for q in evaluation.contexts[0].questions}
    texts = [q.name for q in scenario.questions if q.format.kind == "free_text" and q.time_share is None]
    messages = design_warnings(scenario)
    if sum(seconds[name] for name in texts) < 0.5 * 45:
        # The importer gives the comment boxes fixed shares: nothing to warn about.
        assert messages == []
        return
    [message] = messages
    for name in seconds:
        assert repr(name) in message
    for name in texts:
        assert f"{repr(name)} ({100 * seconds[name] / 45:.0f} %, {seconds[name]:.0f} s)" in message
    assert "fixed time share" in message and "water-filling" in message


def test_free_text_with_a_fixed_share_is_not_reported():
    scenario = Scenario(
        name="comment fixed",
        questions=(
            Question(name="rating", format=ResponseFormat(kind="ordinal", k=5)),
            Question(name="comment", format=ResponseFormat(kind="free_text", max_chars=500), time_share=0.05),
        ),
    )
    assert design_warnings(scenario) == []
    automatic = scenario.with_changes({"questions.1.time_share": None})
    [message] = design_warnings(automatic)
    assert "'comment'" in message and "'rating'" in message


@pytest.mark.parametrize("classes, expected", [
    (("no", "yes"), None),
    (("a", "b", "c"), "The pilot has 3 classes for question 'quality' ('a', 'b', 'c'), but the question is ordinal(5) "
                      "with k = 5: 2 of the question's answers never occur"),
    (tuple("abcdef"), "has answers the question does not offer"),
])
def test_pilot_classes_are_checked_against_k(classes, expected):
    question = Question(name="quality", format=ResponseFormat(kind="ordinal", k=5 if expected else 2))
    messages = pilot_class_warnings(question, classes)
    if expected is None:
        assert messages == []
    else:
        [message] = messages
        assert expected in message and f"set k to {len(classes)}" in message


def test_free_text_alone_is_said_to_decode_into_no_target_value():
    # A question turned into free text kept a floor from its capacity, but the warning said its
    # answers formed "2^0.0 tuples" and the card quoted a label error of 0.000.
    scenario = Scenario(
        name="only text",
        questions=(Question(name="why", format=ResponseFormat(kind="free_text", max_chars=500)),),
    ).with_changes({"target.log2_m": 4.0})
    evaluation = evaluate(scenario, curves=False)
    assert evaluation.codebook_sizes == () and evaluation.capacity_nats > 0
    assert evaluation.achievable == pytest.approx(1 - 2.0 ** -4)  # guessing among 16 values
    [message] = [w for w in evaluation.warnings if "cannot express the target" in w]
    assert "free-text answers carry information" in message and "2^0.0" not in message
    assert f"guessing, {1 - 2.0 ** -4:.3f}" in message
