"""Input limits: hostile scenario files and interface configs give one line and exit 2, never a traceback.

Each case is one the command line answered with a Python traceback (RecursionError,
OverflowError, TypeError) or accepted as something else (``Infinity`` stored as
"no budget cap"), or whose message echoed megabytes of the input.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import ImportFormatError, InputLimitError, ScenarioValidationError
from advisor.importers import import_interface
from advisor.files.input_limits import (
    CONFIG_LIMITS,
    SCENARIO_LIMITS,
    load_json,
    quote,
    quote_list,
)
from advisor.scenario.schema import load_scenario_file, scenario_from_dict, scenario_from_json

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "scenarios" / "medical_xray_binary.json"


def _example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _with_budget_cap(written: str) -> str:
    data = _example()
    data["campaign"]["budget_cap"] = "__CAP__"
    return json.dumps(data).replace('"__CAP__"', written)


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _assert_one_line_refusal(status: int, err: str, *, longest: int = 1000) -> str:
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert len(lines[0]) <= longest, f"message of {len(lines[0])} characters"
    return lines[0]


# ------------------------------------------------------------- non-finite numbers
@pytest.mark.parametrize("written", ["Infinity", "-Infinity", "NaN"])
def test_json_constants_are_refused_by_name(written):
    with pytest.raises(InputLimitError) as caught:
        scenario_from_json(_with_budget_cap(written))
    assert str(caught.value) == (
        f"campaign.budget_cap: {written} is not a number; give a finite value or leave it empty"
    )
    assert caught.value.field == "campaign.budget_cap"


def test_a_number_too_large_for_a_float_is_refused_not_stored_as_infinity():
    with pytest.raises(InputLimitError, match=r"campaign\.budget_cap: 1e400 .*not a number"):
        scenario_from_json(_with_budget_cap("1e400"))


@pytest.mark.parametrize("written", ['"inf"', '"Infinity"', '"-1e999"', '"nan"'])
def test_strings_that_pydantic_reads_as_infinity_are_refused(written):
    with pytest.raises(ScenarioValidationError) as caught:
        scenario_from_json(_with_budget_cap(written))
    assert "campaign.budget_cap" in str(caught.value)
    assert "is not a number; give a finite value" in str(caught.value)


def test_a_dict_with_an_infinite_float_is_refused_naming_the_field():
    data = _example()
    data["campaign"]["deadline_hours"] = math.inf
    with pytest.raises(ScenarioValidationError) as caught:
        scenario_from_dict(data)
    assert caught.value.problems == [
        ("campaign.deadline_hours", "campaign.deadline_hours: Infinity is not a number; give a finite value or leave it empty")
    ]


@pytest.mark.parametrize(("path", "value"), [
    (("campaign", "items"), True), (("raters", "per_item"), False), (("target", "log2_m"), True),
])
def test_true_or_false_for_a_number_is_refused_naming_the_field(path, value):
    # Pydantic alone reads true as 1: a scenario file with "items": true stored one item.
    data = _example()
    data[path[0]][path[1]] = value
    with pytest.raises(ScenarioValidationError) as caught:
        scenario_from_dict(data)
    assert caught.value.problems == [(".".join(path), "must be a number, not true or false")]
    assert f"{'.'.join(path)}: must be a number, not true or false" in str(caught.value)


def test_true_or_false_in_a_list_of_numbers_is_refused():
    data = _example()
    data["questions"][0]["prior"] = [True, 0.5]
    with pytest.raises(ScenarioValidationError, match="questions.0.prior: must be a number, not true or false"):
        scenario_from_dict(data)


def test_import_of_infinity_exits_2_and_stores_nothing(tmp_path, capsys):
    database = tmp_path / "db.sqlite"
    path = tmp_path / "inf.json"
    path.write_text(_with_budget_cap("Infinity"), encoding="utf-8")
    assert main(["--db", str(database), "list", "--json"]) == 0
    before = len(json.loads(capsys.readouterr().out))
    status, _, err = _run(["--db", str(database), "import", str(path), "--name", "x"], capsys)
    line = _assert_one_line_refusal(status, err)
    assert "campaign.budget_cap: Infinity is not a number" in line
    assert main(["--db", str(database), "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == before


# ------------------------------------------------------------- sizes and nesting
def test_deeply_nested_json_is_refused_before_parsing(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text('{"name": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    status, _, err = _run(["evaluate", str(path)], capsys)
    line = _assert_one_line_refusal(status, err)
    assert "nested 200,001 levels deep" in line and f"at most {SCENARIO_LIMITS.max_depth}" in line


def test_nesting_inside_strings_does_not_count():
    assert load_json('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ \\" [[[[["}', source="", limits=SCENARIO_LIMITS) == {
        "a": '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ " [[[[['
    }


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys):
    data = _example()
    data["notes"] = "x" * (SCENARIO_LIMITS.max_bytes + 10)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    status, _, err = _run(["evaluate", str(path)], capsys)
    line = _assert_one_line_refusal(status, err, longest=300)
    assert "too large for a scenario file" in line


def test_an_overlong_notes_field_is_not_echoed():
    data = _example()
    data["notes"] = "y" * 60_000
    with pytest.raises(ScenarioValidationError) as caught:
        scenario_from_json(json.dumps(data))
    message = str(caught.value)
    assert "notes" in message and "60,000 characters" in message
    assert len(message) < 400


def test_a_string_over_the_string_limit_is_refused_with_its_length():
    data = _example()
    data["notes"] = "z" * (SCENARIO_LIMITS.max_string_chars + 1)
    with pytest.raises(InputLimitError, match=r"notes: a text of 100,001 characters"):
        scenario_from_json(json.dumps(data))


def test_more_questions_than_a_scenario_holds_is_refused_by_count():
    data = _example()
    data["questions"] = [dict(data["questions"][0], name=f"q{i}") for i in range(51)]
    with pytest.raises(ScenarioValidationError, match="questions: 51 questions; a scenario holds at most 50"):
        scenario_from_dict(data)


def test_an_integer_of_thousands_of_digits_is_refused_without_converting_it():
    text = _with_budget_cap("9" * 5000)
    with pytest.raises(InputLimitError, match="written with 5,000 characters"):
        scenario_from_json(text)


def test_a_fifo_is_not_opened_as_a_scenario_file(tmp_path):
    import os

    fifo = tmp_path / "scenario.json"
    os.mkfifo(fifo)
    with pytest.raises(ImportFormatError, match="not a regular file"):
        load_scenario_file(fifo)


def test_quote_cuts_long_values_and_names_their_length():
    assert quote("abc") == "'abc'"
    shown = quote("q" * 10_000)
    assert len(shown) < 120 and "10,000 characters" in shown
    assert "digits" in quote(10**5000)


def test_the_examples_are_within_the_limits():
    for path in EXAMPLE.parent.glob("*.json"):
        load_scenario_file(path)


# --------------------------------------------------------- interface configs
def _label_studio(body: str) -> str:
    return f'<View>\n  <Text name="text" value="$text"/>\n{body}\n</View>'


def test_six_hundred_nested_view_tags_are_refused(capsys, tmp_path):
    path = tmp_path / "deep.xml"
    choices = '<Choices name="c" toName="text"><Choice value="a"/><Choice value="b"/></Choices>'
    path.write_text('<View><Text name="text" value="$t"/>' + "<View>" * 600 + choices + "</View>" * 601)
    status, _, err = _run(["import-interface", str(path)], capsys)
    line = _assert_one_line_refusal(status, err)
    assert "nested 603 levels deep" in line  # View, 600 Views, Choices, Choice


@pytest.mark.parametrize("attributes", ['min="-1e308" max="1e308"', 'min="0" max="1e308"', 'min="0" max="10" step="1e-320"'])
def test_label_studio_numbers_that_overflow_are_reported_not_raised(attributes):
    config = _label_studio(
        f'  <Number name="n" toName="text" {attributes}/>\n'
        '  <Choices name="c" toName="text"><Choice value="a"/><Choice value="b"/></Choices>'
    )
    result = import_interface(config)
    assert [q.name for q in result.scenario.questions] == ["c"]
    (warning,) = [w for w in result.warnings if w.subject == "Number 'n'"]
    assert "more than a million values" in warning.message


def test_a_label_studio_count_of_thousands_of_digits_is_refused_shortly():
    with pytest.raises(ImportFormatError) as caught:
        import_interface(_label_studio(f'  <Rating name="r" toName="text" maxRating="{"9" * 5000}"/>'))
    assert "must be a whole number below 1,000,000,000" in str(caught.value)
    assert len(str(caught.value)) < 300


def test_deeply_nested_example_task_data_is_ignored_not_raised():
    config = _label_studio('  <Choices name="c" toName="text" value="$options"/>') + (
        '\n<!-- {"data": ' + "[" * 5000 + "]" * 5000 + "} -->"
    )
    with pytest.raises(ImportFormatError, match="no example task"):
        import_interface(config)


def test_argilla_question_type_that_is_not_a_text_is_refused():
    settings = {"questions": [{"name": "q", "settings": {"type": [], "options": [{"value": "a"}, {"value": "b"}]}}]}
    with pytest.raises(ImportFormatError, match=r"questions\[0\] \('q'\): the question type must be a text.*got \[\]"):
        import_interface(json.dumps(settings), format="argilla")


def test_deeply_nested_argilla_json_is_refused():
    text = '{"questions": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(InputLimitError, match=f"at most {CONFIG_LIMITS.max_depth} levels"):
        import_interface(text)


def _sagemaker(cents: str) -> str:
    return (
        '{"HumanTaskConfig": {"PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-TextMultiClass",'
        ' "NumberOfHumanWorkersPerDataObject": 3, "TaskTimeLimitInSeconds": 300,'
        ' "PublicWorkforceTaskPrice": {"AmountInUsd": {"Dollars": 0, "Cents": ' + cents + "}}}}"
    )


def test_sagemaker_cents_of_ten_to_the_400_is_refused(capsys, tmp_path):
    path = tmp_path / "job.json"
    path.write_text(_sagemaker(str(10**400)))
    status, _, err = _run(["import-interface", str(path)], capsys)
    line = _assert_one_line_refusal(status, err)
    assert "Cents" in line and "401 characters" in line


def test_sagemaker_cents_beyond_the_price_bound_are_refused():
    with pytest.raises(ImportFormatError, match=r"AmountInUsd\.Cents must be a whole number from 0 to 1,000,000"):
        import_interface(_sagemaker(str(10**90)))


def test_sagemaker_infinity_is_refused_by_name():
    with pytest.raises(InputLimitError, match=r"HumanTaskConfig\.PublicWorkforceTaskPrice\.AmountInUsd\.Cents: Infinity"):
        import_interface(_sagemaker("Infinity"))


def test_a_config_with_thousands_of_unsupported_controls_lists_only_some():
    body = "\n".join(f'  <Labels name="l{i}" toName="text"><Label value="a"/></Labels>' for i in range(2000))
    with pytest.raises(ImportFormatError) as caught:
        import_interface(_label_studio(body))
    message = str(caught.value)
    assert "and 1,990 more" in message and len(message) < 3000


# ------------------------------------------------------------- echoed values (found by bench/fuzz.py)
def test_an_unknown_argilla_question_type_of_20000_characters_is_quoted_short(capsys, tmp_path):
    settings = {"questions": [{"name": "topic", "settings": {"type": "s" * 20_000,
                                                             "options": [{"value": "a"}, {"value": "b"}]}}]}
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(settings), encoding="utf-8")
    status, _, err = _run(["import-interface", str(path), "--format", "argilla"], capsys)
    line = _assert_one_line_refusal(status, err, longest=400)
    assert "unknown Argilla question type" in line and "20,000 characters" in line


@pytest.mark.parametrize("field,value,shown", [
    ("strategy", "x" * 5000, "5,000 characters"),
    ("min_submitted", "9" * 5000, "5,000 characters"),
])
def test_an_argilla_distribution_of_thousands_of_characters_is_quoted_short(field, value, shown, capsys, tmp_path):
    settings = {"questions": [{"name": "q", "settings": {"type": "label_selection",
                                                         "options": [{"value": "a"}, {"value": "b"}]}}],
                "distribution": {"strategy": "overlap", "min_submitted": 1, field: value}}
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(settings), encoding="utf-8")
    status, _, err = _run(["import-interface", str(path), "--format", "argilla"], capsys)
    line = _assert_one_line_refusal(status, err, longest=400)
    assert f"distribution.{field}" in line and shown in line


@pytest.mark.parametrize("names", [["abnormal", "c" * 1000], [f"question {i}" for i in range(500)]])
def test_a_pilot_of_long_or_many_question_names_lists_them_short(names, capsys, tmp_path):
    """Without --question a pilot of several questions is refused with their names: each quoted to
    40 characters and at most 20 of them, however long or many they are."""
    path = tmp_path / "pilot.csv"
    rows = ["item,rater,label,question"] + [f"i{i},r{r},{'yes' if r else 'no'},{name}"
                                         for i, name in enumerate(names) for r in range(2)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    status, _, err = _run(["pilot", "summary", str(path)], capsys)
    line = _assert_one_line_refusal(status, err, longest=1000)
    assert f"this pilot has {len(names)} questions" in line
    assert ("1,000 characters" in line) if len(names) == 2 else ("and 480 more" in line)


def test_a_sagemaker_object_count_of_thousands_of_characters_is_quoted_short(capsys, tmp_path):
    job = json.loads(_sagemaker("5"))
    job["StoppingConditions"] = {"MaxHumanLabeledObjectCount": "n" * 5000}
    path = tmp_path / "job.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    status, _, err = _run(["import-interface", str(path)], capsys)
    line = _assert_one_line_refusal(status, err, longest=400)
    assert "MaxHumanLabeledObjectCount" in line and "5,000 characters" in line


def test_quote_list_cuts_each_value_and_counts_the_rest():
    assert quote_list(["a", "b"]) == "'a', 'b'"
    listed = quote_list(["x" * 300] + [f"q{i}" for i in range(30)])
    assert "300 characters" in listed and listed.endswith("and 11 more") and "'q18'" in listed and "'q19'" not in listed


def test_a_scenario_of_long_question_names_lists_them_short():
    """Applying a pilot to a scenario of several questions without naming one refuses with the
    scenario's question names, each quoted to 40 characters."""
    from advisor.pilot.scenario_quantities import question_index

    data = _example()
    data["questions"] = [dict(data["questions"][0], name="q" * 200), dict(data["questions"][0], name="short")]
    scenario = scenario_from_dict(data)
    with pytest.raises(ValueError) as caught:
        question_index(scenario, None)
    message = str(caught.value)
    assert "200 characters" in message and "'short'" in message and len(message) < 300
    with pytest.raises(ValueError, match="no question 'x+… \\(5,000 characters\\)"):
        question_index(scenario, "x" * 5000)
