"""What the scenario form shows and reads, without Qt: the field table's hints
follow the schema, M is read from text and written back, a format switch keeps
what it can, and refusals name the field by its label."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from advisor.errors import ScenarioValidationError
import advisor.scenario.fields as fields_module
from advisor.scenario.fields import FIELDS, bounds_of, field_help, length_text, range_text
from advisor.scenario.form_text import (
    field_label,
    log2_m_from_text,
    m_text,
    not_a_number_message,
    out_of_range_message,
    rejection_message,
)
from advisor.scenario.formats import USUAL_K, switched_format, uses_free_text_fields, uses_span
from advisor.scenario.schema import (
    DEFAULT_FREE_TEXT_CHARS,
    FORMAT_K_LIMITS,
    FORMAT_KINDS,
    MAX_FREE_TEXT_CHARS,
    ResponseFormat,
    example_scenarios,
    get_path,
)


# ------------------------------------------------------------ the field table
def test_hint_is_the_unit_and_the_schemas_range():
    assert field_help("campaign.seconds_per_item").hint() == "s, (0, 86 400]"
    assert field_help("questions.*.slip_rate").hint() == "[0, 0.5)"
    assert field_help("campaign.wage_per_hour").hint(unit="EUR per hour") == "EUR per hour, [0, 10 000]"
    assert field_help("campaign.budget_cap").hint(unit="USD") == "USD, > 0"
    assert field_help("questions.*.bits_per_char").hint(unit="") == "(0, 8]"
    assert field_help("name").hint() == ""


@pytest.mark.parametrize("path", sorted(FIELDS))
def test_range_text_and_bounds_agree(path):
    low, high = bounds_of(path)
    text = range_text(path)
    assert (text == "") == (low is None and high is None)
    if low is not None and high is not None:
        assert text[0] in "([" and text[-1] in ")]"
    # What the brackets and signs say of each end is what validation does with it: tried on the first
    # example that has the field set, else (a scale's bounds, the rater types' rows, which no example
    # has) on the field alone, by pydantic with the schema's own field definition.
    if not text:
        return
    concrete = path.replace("*", "0")
    example = next((s for s in example_scenarios() if _set_in(s, concrete)), None)
    closed_low = text[0] == "[" or text.startswith("≥")
    closed_high = text[-1] == "]" or text.startswith("≤")
    for end, closed in ((low, closed_low), (high, closed_high)):
        if end is not None:
            accepted = _accepts(example, concrete, end) if example is not None else _field_accepts(path, end)
            assert accepted == closed, (text, end)


def _set_in(scenario, path: str) -> bool:
    try:
        return get_path(scenario, path) is not None
    except (KeyError, IndexError, TypeError, AttributeError):
        return False


def _field_accepts(path: str, value) -> bool:
    from typing import Annotated

    from pydantic import TypeAdapter

    info = fields_module._field_info(path)
    try:
        TypeAdapter(Annotated[info.annotation, info]).validate_python(value)
    except ValidationError:
        return False
    return True


def _accepts(scenario, path: str, value) -> bool:
    try:
        scenario.with_changes({path: value})
    except ScenarioValidationError:
        return False
    return True


def test_length_text_follows_the_schema():
    assert length_text("campaign.currency") == "1–8 characters"
    assert length_text("notes") == "at most 20 000 characters"
    assert length_text("raters.per_item") == ""


def test_get_path_reads_models_and_dicts_alike():
    scenario = example_scenarios()[0]
    for path in ("raters.per_item", "questions.0.format.kind", "contexts.0.weight", "campaign.budget_cap"):
        assert get_path(scenario, path) == get_path(scenario.to_dict(), path)


# --------------------------------------------------------------------- M as text
@pytest.mark.parametrize("text, bits", [
    ("256", 8.0), ("2^20", 20.0), ("2**20", 20.0), (" 2 ^ 10 ", 10.0), ("1e6", math.log2(1e6)), ("10^3", math.log2(1000)),
])
def test_log2_m_from_text_reads_numbers_and_powers(text, bits):
    assert log2_m_from_text(text) == pytest.approx(bits)


@pytest.mark.parametrize("text, says", [
    ("1", "more than 1 (one hypothesis"), ("0.5", "more than 1"), ("-4", "more than 1"),
    ("abc", "such as 256"), ("", "such as 256"), ("inf", "such as 256"), ("nan", "such as 256"),
    ("2^-3", "more than 1"), ("0^2", "such as 256"), ("1e999999", "such as 256"),
])
def test_log2_m_from_text_says_why_it_refuses(text, says):
    message = log2_m_from_text(text)
    assert isinstance(message, str) and says in message


@pytest.mark.parametrize("log2_m", [1.0, 8.0, 20.0, 30.5, 40.0])
def test_m_text_reads_back(log2_m):
    assert log2_m_from_text(m_text(log2_m)) == pytest.approx(log2_m, rel=1e-6)


def test_m_text_is_exact_for_whole_m_and_a_power_beyond():
    assert m_text(8.0) == "256"
    assert m_text(64.0) == "2^64"


# -------------------------------------------------------------- format switches
@pytest.mark.parametrize("current", [
    ResponseFormat(kind="binary"), ResponseFormat(kind="ordinal", k=7), ResponseFormat(kind="ranking", k=10),
    ResponseFormat(kind="multi_select", k=1), ResponseFormat(kind="free_text", max_chars=80),
])
@pytest.mark.parametrize("kind", FORMAT_KINDS)
def test_a_switched_format_is_valid_and_keeps_k_where_allowed(current, kind):
    switched = switched_format(current, kind)
    assert switched.kind == kind
    if kind == current.kind:
        assert switched is current
    elif kind == "free_text":
        assert switched.max_chars == DEFAULT_FREE_TEXT_CHARS
    elif kind == "scale":
        # An ordered format's levels become the values 1 … k; others get 0–100 in tens.
        assert switched.k == (current.k if current.kind == "ordinal" else 11)
    elif kind != "binary":
        low, high = FORMAT_K_LIMITS[kind]
        kept = current.kind not in ("binary", "free_text") and low <= current.k <= high
        assert switched.k == (current.k if kept else USUAL_K[kind])


def test_span_and_free_text_fields_apply_to_their_formats():
    assert [kind for kind in FORMAT_KINDS if uses_span(ResponseFormat(kind=kind, **_size(kind)))] == [
        "ordinal", "pairwise", "ranking", "best_worst", "scale"]
    assert [kind for kind in FORMAT_KINDS if uses_free_text_fields(ResponseFormat(kind=kind, **_size(kind)))] == [
        "free_text"]


def _size(kind: str) -> dict:
    if kind == "scale":
        return {"minimum": 0, "maximum": 10}
    return {} if kind in ("binary", "free_text") else {"k": FORMAT_K_LIMITS[kind][0]}


def test_free_text_limits_are_the_schemas():
    assert ResponseFormat(kind="free_text", max_chars=MAX_FREE_TEXT_CHARS).max_chars == MAX_FREE_TEXT_CHARS
    with pytest.raises(ValidationError, match=f"from 1 to {MAX_FREE_TEXT_CHARS}"):
        ResponseFormat(kind="free_text", max_chars=MAX_FREE_TEXT_CHARS + 1)


# -------------------------------------------------------------------- messages
def test_field_label_falls_back_to_the_path():
    assert field_label("questions.3.slip_rate") == "Slip rate"
    assert field_label("questions.3.part") == "questions.3.part"


def test_rejection_message_labels_only_the_fields_not_edited():
    scenario = example_scenarios()[0]
    with pytest.raises(ScenarioValidationError) as raised:
        scenario.with_changes({"raters.per_item": 0, "campaign.wage_per_hour": -1})
    message = rejection_message(raised.value, {"raters.per_item": 0})
    lines = message.splitlines()
    assert len(lines) == 2
    assert not lines[0].startswith("Raters per item") and lines[1].startswith("Wage: ")


def test_rejection_message_drops_repeats_and_stands_alone_for_the_whole_scenario():
    error = ScenarioValidationError("x", [("questions", "too many"), ("questions", "too many"), ("", "broken")])
    assert rejection_message(error, {}) == "too many\nbroken"
    assert rejection_message(ScenarioValidationError("no problems listed"), {}) == "no problems listed"


def _table_refusal(changes):
    """What a table shows when the edit ``changes`` of the first example is refused."""
    scenario = example_scenarios()[0]
    with pytest.raises(ScenarioValidationError) as refused:
        scenario.with_changes(changes)
    return rejection_message(refused.value, changes, scenario)


@pytest.mark.parametrize("changes, message", [
    ({"contexts.0.weight": -1.0}, "Weight of context 'general chat' must be more than 0; got -1"),
    ({"contexts.0.name": ""}, "Name of context 'general chat' must not be empty"),
    ({"questions.0.format.k": 1}, "k of ordinal question 'helpfulness' must be an integer from 2 to 50; got 1"),
    ({"questions.0.format.k": 6.5}, "k of question 'helpfulness' must be a whole number; got 6.5"),
    ({"contexts.1.name": "general chat"}, "Context names must be unique; repeated: 'general chat'"),
    ({"questions.0.prior": [0.5, 0.5]}, "Prior of question 'helpfulness' must have one share per answer (7); got 2"),
    ({"questions.0.slip_rate": "abc"}, "Slip rate of question 'helpfulness' must be a number; got 'abc'"),
])
def test_a_table_refusal_names_the_column_and_the_row(changes, message):
    # They read "must be more than 0, got -1.0", "String should have at least 1 character, got ''",
    # "questions.0.format: k for ordinal ...", "contexts names must be unique, repeated: ...".
    assert _table_refusal(changes) == message


def test_two_repeated_names_are_quoted_each_on_its_own():
    """"repeated: a, b" was quoted whole, as if one context were called "a, b"."""
    from advisor.scenario.schema import scenario_from_dict

    contexts = [{"name": name} for name in ("a", "a", "b", "b")]
    with pytest.raises(ScenarioValidationError) as refused:
        scenario_from_dict({"name": "x", "contexts": contexts, "questions": [{"name": "q", "format": {"kind": "binary"}}]})
    assert rejection_message(refused.value, ["contexts"]) == "Context names must be unique; repeated: 'a', 'b'"


def test_a_refused_row_is_one_problem_not_a_list_too_short():
    # pydantic also said "Tuple should have at least 1 item after validation, not 0" of the questions.
    scenario = next(s for s in example_scenarios() if len(s.questions) == 1 and s.questions[0].format.kind == "ordinal")
    with pytest.raises(ScenarioValidationError) as refused:
        scenario.with_changes({"questions.0.prior": [0.5, 0.5]})
    assert len(refused.value.problems) == 2
    message = rejection_message(refused.value, {"questions.0.prior": [0.5, 0.5]})
    assert message == "Prior of question 1 must have one share per answer (4); got 2"


def test_a_refusal_clips_a_long_value():
    # A 227-character name was repeated whole, one unbreakable word as wide as the editor.
    message = _table_refusal({"contexts.0.name": "n" * 227})
    assert message.startswith("Name of context 'general chat' must have at most 200 characters; got 'nnn")
    assert message.endswith("… (227 characters)") and max(len(word) for word in message.split()) <= 42
    repeated = _table_refusal({"contexts.0.name": "m" * 150, "contexts.1.name": "m" * 150})
    assert max(len(word) for word in repeated.split()) <= 42


def test_typed_value_messages_name_the_label_and_the_range():
    assert not_a_number_message("raters.correlation", "", "[0, 1)") == "Enter a number: Correlation ρ must be in [0, 1)."
    assert not_a_number_message("raters.correlation", "x", "[0, 1)") == \
        "'x' is not a number: Correlation ρ must be a number in [0, 1)."
    assert out_of_range_message("raters.per_item", "500", "[1, 100]") == \
        "500 is out of range: Raters per item r must be in [1, 100]."


@pytest.mark.parametrize("path, value, hint_end, refusal", [
    ("campaign.items", 10**13, "10¹²]", "must be at most 10¹², got"),  # the refusal wrote 1,000,000,000,000
    ("contexts.0.weight", 2e6, "10⁶]", "must be at most 10⁶, got"),
    ("campaign.wage_per_hour", 20_000, "10 000]", "must be at most 10,000, got"),
])
def test_a_refusal_names_the_range_end_as_the_form_hint_does(path, value, hint_end, refusal):
    scenario = example_scenarios()[0]
    assert range_text(path.replace(".0.", ".*.")).endswith(hint_end)
    with pytest.raises(ScenarioValidationError) as refused:
        scenario.with_changes({path: value})
    assert refusal in str(refused.value)


@pytest.mark.parametrize("value, text", [
    (1e12, "10¹²"), (2e6, "2·10⁶"), (2_500_000, "2,500,000"), (10_000, "10,000"), (1000, "1000"), (0.5, "0.5"),
    (-1e9, "−10⁹"), (-5, "−5"), (-0.25, "−0.25"), (0, "0"),  # "-1·10⁹" before
])
def test_range_ends_read_as_people_write_them(value, text):
    from advisor.units import range_end_text

    assert range_end_text(value) == text
    assert range_end_text(value, separator=" ") == text.replace(",", " ")
