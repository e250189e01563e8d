"""SageMaker Ground Truth HumanTaskConfig → question, raters, time and cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.errors import ImportFormatError
from advisor.importers import import_interface
from advisor.importers.sagemaker import PLACEHOLDER_LABELS, import_sagemaker

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "interfaces" / "sagemaker"


def _warnings_about(result, subject):
    return [w for w in result.warnings if w.subject == subject]


def test_text_classification_job():
    result = import_interface(FIXTURES / "text-multiclass.create-labeling-job.json")
    scenario = result.scenario
    assert result.format == "sagemaker"
    assert [(q.name, q.format.kind, q.format.k) for q in scenario.questions] == [
        ("intent", "categorical", PLACEHOLDER_LABELS)
    ]
    assert scenario.raters.per_item == 3
    assert scenario.campaign.seconds_per_item == 300
    assert scenario.campaign.items == 5000
    assert scenario.campaign.currency == "USD"
    # 0 dollars, 3 cents, 6 tenths of a cent = 0.036 USD per task; over the
    # 300 s limit that is 0.036 × 3600 / 300 = 0.432 USD per hour.
    assert scenario.campaign.wage_per_hour == pytest.approx(0.432)
    cost_per_rater_item = scenario.campaign.wage_per_hour * scenario.campaign.seconds_per_item / 3600
    assert cost_per_rater_item == pytest.approx(0.036)

    label_warning = _warnings_about(result, "questions.0.format.k")
    assert len(label_warning) == 1 and label_warning[0].kind == "default"
    assert "s3://example-labeling-bucket/support-tickets/label-categories.json" in label_warning[0].message
    time_warning = _warnings_about(result, "campaign.seconds_per_item")
    assert any("most time a worker may take" in w.message and "not the time" in w.message for w in time_warning)
    assert any("cost per rater per item" in w.message for w in _warnings_about(result, "campaign.wage_per_hour"))
    assert _warnings_about(result, "campaign.items")


def test_bare_human_task_config_private_workforce():
    result = import_interface(FIXTURES / "image-multilabel.human-task-config.json")
    scenario = result.scenario
    assert [(q.name, q.format.kind, q.format.k) for q in scenario.questions] == [
        ("ImageMultiClassMultiLabel", "multi_select", PLACEHOLDER_LABELS)
    ]
    assert scenario.raters.per_item == 5
    assert scenario.campaign.seconds_per_item == 600
    wage = _warnings_about(result, "campaign.wage_per_hour")
    assert [w.kind for w in wage] == ["default"] and "PublicWorkforceTaskPrice" in wage[0].message
    assert "campaign.wage_per_hour" not in scenario.provenance[0].fields
    assert "LabelCategoryConfigS3Uri" in _warnings_about(result, "questions.0.format.k")[0].message


def test_region_task_is_an_error_naming_the_task_type():
    with pytest.raises(ImportFormatError, match="task type BoundingBox.*drawing boxes"):
        import_interface(FIXTURES / "bounding-box.create-labeling-job.json")


_MISSING = object()


def _config(**overrides):
    task = {
        "PreHumanTaskLambdaArn": "arn:aws:lambda:eu-west-1:568282634449:function:PRE-TextMultiClass",
        "NumberOfHumanWorkersPerDataObject": 2,
        "TaskTimeLimitInSeconds": 120,
        "TaskTitle": "Tone of a sentence",
    }
    task.update(overrides)
    task = {key: value for key, value in task.items() if value is not _MISSING}
    return json.dumps({"HumanTaskConfig": task})


def test_price_from_all_three_parts():
    price = {"AmountInUsd": {"Dollars": 1, "Cents": 20, "TenthFractionsOfACent": 5}}
    result = import_sagemaker(_config(PublicWorkforceTaskPrice=price))
    assert result.scenario.campaign.wage_per_hour == pytest.approx(1.205 * 3600 / 120)
    assert result.scenario.name == "Tone of a sentence"


def test_task_type_from_the_task_ui_for_video_jobs():
    text = _config(
        PreHumanTaskLambdaArn="arn:aws:lambda:us-east-1:111122223333:function:my-pre-lambda",
        UiConfig={"HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/VideoObjectTracking"},
    )
    with pytest.raises(ImportFormatError, match="task type VideoObjectTracking"):
        import_sagemaker(text)


def test_custom_template_is_reported():
    text = _config(
        PreHumanTaskLambdaArn="arn:aws:lambda:us-east-1:111122223333:function:my-pre-lambda",
        UiConfig={"UiTemplateS3Uri": "s3://bucket/custom.liquid.html"},
    )
    with pytest.raises(ImportFormatError, match=r"custom task.*s3://bucket/custom\.liquid\.html"):
        import_sagemaker(text)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"NumberOfHumanWorkersPerDataObject": _MISSING}, "NumberOfHumanWorkersPerDataObject is missing"),
        ({"NumberOfHumanWorkersPerDataObject": 0}, "NumberOfHumanWorkersPerDataObject must be a whole number from 1"),
        ({"TaskTimeLimitInSeconds": "300"}, "TaskTimeLimitInSeconds must be a whole number"),
        ({"PublicWorkforceTaskPrice": {"AmountInUsd": {"Cents": -1}}}, r"AmountInUsd\.Cents must be a whole number"),
    ],
)
def test_bad_fields_are_errors_naming_the_field(overrides, message):
    text = _config(**overrides)
    with pytest.raises(ImportFormatError, match=message):
        import_sagemaker(text)


def test_time_limit_beyond_a_day_is_capped_with_a_warning():
    result = import_sagemaker(_config(TaskTimeLimitInSeconds=172_800))
    assert result.scenario.campaign.seconds_per_item == 86_400
    assert any("172800" in w.message for w in _warnings_about(result, "campaign.seconds_per_item"))


def test_detected_formats():
    from advisor.importers import detect_format

    assert detect_format(_config()) == "sagemaker"
    assert detect_format('{"questions": []}') == "argilla"
    assert detect_format("  <View/>") == "label-studio"
    with pytest.raises(ImportFormatError, match="Pass --format"):
        detect_format('{"tasks": []}')
    with pytest.raises(ImportFormatError, match="expected Label Studio XML"):
        detect_format("name,value\n")
