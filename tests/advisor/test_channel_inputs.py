"""channel_inputs(): every argument of question_channel read from the right scenario field."""

from __future__ import annotations

import dataclasses

import pytest

from advisor.evaluation.channel_inputs import ChannelInputs, channel_inputs
from advisor.scenario.schema import ResponseFormat, Scenario
from models.channel import question_channel


def _scenario() -> Scenario:
    # Every number differs from its default and from the others, so a field read from the
    # wrong place shows.
    return Scenario(
        name="inputs",
        contexts=[
            {"name": "easy", "difficulty": 1.3, "reading_words": 40},
            {"name": "hard", "difficulty": 0.7, "reading_words": 90},
        ],
        questions=[
            {"name": "essay", "format": {"kind": "free_text", "max_chars": 140}, "slip_rate": 0.04, "span": 2.2,
             "aspects": 4, "bits_per_char": 1.3, "chars_per_second": 2.9},
            {"name": "scale", "format": {"kind": "ordinal", "k": 6}, "slip_rate": 0.07, "span": 3.4},
        ],
        raters={"per_item": 4, "correlation": 0.15, "discriminability": 2.7, "accrual_rate": 0.21,
                "base_time": 1.1},
    )


def test_inputs_come_from_the_question_the_context_and_the_raters():
    scenario = _scenario()
    essay, scale = scenario.questions
    inputs = channel_inputs(scenario, essay, scenario.contexts[1], 12)
    assert inputs == ChannelInputs(
        kind="free_text", k=None, seconds=12.0, discriminability=2.7, accrual_rate=0.21, base_time=1.1,
        difficulty=0.7, slip_rate=0.04, correlation=0.15, span=2.2, aspects=4, max_chars=140, bits_per_char=1.3,
        chars_per_second=2.9,
    )
    assert type(inputs.seconds) is float
    other = channel_inputs(scenario, scale, scenario.contexts[0], 7.5)
    assert (other.kind, other.k, other.difficulty, other.slip_rate, other.span) == ("ordinal", 6, 1.3, 0.07, 3.4)


def test_a_response_replaces_only_the_format():
    scenario = _scenario()
    scale = scenario.questions[1]
    own = channel_inputs(scenario, scale, scenario.contexts[0], 9.0)
    tried = channel_inputs(scenario, scale, scenario.contexts[0], 9.0, response=ResponseFormat(kind="pairwise", k=3))
    assert (tried.kind, tried.k, tried.max_chars) == ("pairwise", 3, None)
    assert dataclasses.replace(tried, kind=own.kind, k=own.k) == own


@pytest.mark.parametrize("index", [0, 1])
def test_channel_is_question_channel_of_the_inputs(index):
    scenario = _scenario()
    question = scenario.questions[index]
    inputs = channel_inputs(scenario, question, scenario.contexts[1], 10.0)
    expected = question_channel(
        question.format.kind, question.format.k, seconds=10.0, discriminability=2.7, accrual_rate=0.21,
        base_time=1.1, difficulty=0.7, slip_rate=question.slip_rate, raters=3, correlation=0.15, span=question.span,
        aspects=question.aspects, max_chars=question.format.max_chars, bits_per_char=question.bits_per_char,
        chars_per_second=question.chars_per_second, max_work=5e6,
    )
    assert inputs.channel(3, max_work=5e6) == expected
