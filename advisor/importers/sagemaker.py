"""SageMaker Ground Truth ``HumanTaskConfig`` → one question, raters, time and cost.

Reads a ``HumanTaskConfig`` object, alone or inside a ``CreateLabelingJob``
request or ``DescribeLabelingJob`` response (the JSON of ``aws sagemaker
create-labeling-job --cli-input-json``).

- The built-in task type is named by ``PreHumanTaskLambdaArn``
  (``arn:aws:lambda:<region>:<account>:function:PRE-TextMultiClass``), or for
  video and 3D point-cloud jobs by ``UiConfig.HumanTaskUiArn``; it gives the
  response format (:data:`TASK_FORMATS`). Region tasks (boxes, masks, spans,
  cuboids) and custom templates are not mapped.
- The label categories live in the JSON file at ``LabelCategoryConfigS3Uri``,
  in S3, which is not read (no network access); the number of labels is set
  to :data:`PLACEHOLDER_LABELS` with a warning saying where to correct it.
- ``NumberOfHumanWorkersPerDataObject`` → ``raters.per_item``.
- ``TaskTimeLimitInSeconds`` → ``campaign.seconds_per_item``. It is the most
  time a worker may take, not the time used (warned).
- ``PublicWorkforceTaskPrice`` (price per task, paid per worker per object) →
  ``campaign.wage_per_hour = price × 3600 / seconds_per_item``, so that the
  cost per rater per item equals the task price (warned). Currency USD.
- ``StoppingConditions.MaxHumanLabeledObjectCount`` → ``campaign.items`` (a cap).
"""

from __future__ import annotations

import re
from typing import Any

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.importers.common import ImportLog, ImportResult, build_result, multi_select_format, parse_json_config, single_choice_format
from advisor.scenario.schema import MAX_RATERS, Question, ResponseFormat

PLACEHOLDER_LABELS = 5
"""Labels assumed for a classification job; the real list is in S3. A
placeholder, always warned about, to be replaced by the user."""

MAX_SECONDS_PER_ITEM = 86_400
"""Longest ``campaign.seconds_per_item`` a scenario holds, s."""

MAX_PRICE_PART = 1_000_000
"""Largest Dollars, Cents or TenthFractionsOfACent read from a task price (a million dollars per task
is far beyond any labeling job; the bound keeps the price a finite number)."""

TASK_FORMATS: dict[str, str] = {
    "TextMultiClass": "categorical",
    "ImageMultiClass": "categorical",
    "VideoMultiClass": "categorical",
    "TextMultiClassMultiLabel": "multi_select",
    "ImageMultiClassMultiLabel": "multi_select",
    "VerificationBoundingBox": "categorical",
    "VerificationSemanticSegmentation": "categorical",
}
"""Built-in task types with a per-object answer from a list of labels."""

REGION_TASKS: dict[str, str] = {
    "BoundingBox": "drawing boxes around objects",
    "AdjustmentBoundingBox": "adjusting boxes around objects",
    "SemanticSegmentation": "painting segmentation masks",
    "AdjustmentSemanticSegmentation": "adjusting segmentation masks",
    "NamedEntityRecognition": "labelling spans of text",
    "VideoObjectDetection": "drawing boxes in video frames",
    "VideoObjectTracking": "tracking boxes across video frames",
    "AdjustmentVideoObjectDetection": "adjusting boxes in video frames",
    "AdjustmentVideoObjectTracking": "adjusting tracked boxes in video frames",
    "3DPointCloudObjectDetection": "drawing cuboids in a point cloud",
    "3DPointCloudObjectTracking": "tracking cuboids across point-cloud frames",
    "3DPointCloudSemanticSegmentation": "painting points of a point cloud",
    "Adjustment3DPointCloudObjectDetection": "adjusting cuboids in a point cloud",
    "Adjustment3DPointCloudObjectTracking": "adjusting tracked cuboids in a point cloud",
    "Adjustment3DPointCloudSemanticSegmentation": "adjusting painted points of a point cloud",
}
"""Built-in task types whose answer is a set of regions."""

_PRE_LAMBDA = re.compile(r":function:PRE-([A-Za-z0-9]+)$")
_TASK_UI = re.compile(r":human-task-ui/([A-Za-z0-9]+)$")


def import_sagemaker(text: str, *, source: str = "<text>", name: str | None = None) -> ImportResult:
    """Build a scenario from a SageMaker Ground Truth labeling-job config.

    Parameters
    ----------
    text
        JSON of a ``HumanTaskConfig``, or of a ``CreateLabelingJob`` request
        or ``DescribeLabelingJob`` response holding one.
    source
        Where it came from, for messages.
    name
        Scenario name; default ``LabelingJobName``, else ``TaskTitle``.

    Raises
    ------
    ImportFormatError
        For invalid JSON, a missing or mistyped required field (named), and
        task types with no per-object answer (boxes, masks, spans, custom
        templates).
    """
    data = parse_json_config(text, source)
    if not isinstance(data, dict):
        raise ImportFormatError(f"{source}: a SageMaker labeling-job config must be a JSON object")
    job = data
    task = data.get("HumanTaskConfig", data)
    if not isinstance(task, dict):
        raise ImportFormatError(f"{source}: HumanTaskConfig must be an object")
    log = ImportLog()

    task_type = _task_type(task)
    question_name = _text(job.get("LabelAttributeName")) or task_type or "label"
    questions = []
    fmt = _task_format(task_type, task, job, log)
    if fmt is not None:
        log.mapped(f"task type {task_type}", fmt)
        questions.append(Question(name=question_name, format=fmt))

    settings: dict[str, Any] = {}
    workers = _required_int(task, "NumberOfHumanWorkersPerDataObject", source, low=1, high=MAX_RATERS)
    settings["raters.per_item"] = workers
    seconds = _required_int(task, "TaskTimeLimitInSeconds", source, low=1)
    if seconds > MAX_SECONDS_PER_ITEM:
        log.warn(
            "campaign.seconds_per_item",
            f"TaskTimeLimitInSeconds = {seconds} is above the {MAX_SECONDS_PER_ITEM} s a scenario holds; "
            f"{MAX_SECONDS_PER_ITEM} is used",
        )
        seconds = MAX_SECONDS_PER_ITEM
    settings["campaign.seconds_per_item"] = seconds
    log.warn(
        "campaign.seconds_per_item",
        f"set to TaskTimeLimitInSeconds = {seconds} s, which is the most time a worker may take on a task, not "
        f"the time workers use (usually far less); replace it with the median time from a pilot",
        kind="approximation",
    )
    _price(task, seconds, source, settings, log)
    _items(job, source, settings, log)
    if "LabelingJobAlgorithmsConfig" in job:
        log.warn(
            "LabelingJobAlgorithmsConfig",
            "automated data labeling labels part of the objects by machine; only the rest get human raters, "
            "and that share is not known before the job runs",
            kind="ignored",
        )
    default_name = _text(job.get("LabelingJobName")) or _text(task.get("TaskTitle")) or "SageMaker labeling job"
    return build_result(
        format="sagemaker",
        source=source,
        name=name or default_name,
        questions=questions,
        log=log,
        settings=settings,
        notes=f"Imported from a SageMaker Ground Truth labeling-job config ({source}).",
    )


def _task_type(task: dict[str, Any]) -> str | None:
    """The built-in task type named by the pre-annotation Lambda or the task UI, else None (custom)."""
    lambda_arn = _text(task.get("PreHumanTaskLambdaArn"))
    match = _PRE_LAMBDA.search(lambda_arn)
    if match:
        return match.group(1)
    ui_config = task.get("UiConfig")
    ui_arn = _text(ui_config.get("HumanTaskUiArn")) if isinstance(ui_config, dict) else ""
    match = _TASK_UI.search(ui_arn)
    if match:
        # Task UIs name 3D tasks "PointCloud…" where the Lambdas say "3DPointCloud…".
        found = match.group(1)
        return "3D" + found if found.startswith("PointCloud") else found
    return None


def _task_format(task_type: str | None, task: dict[str, Any], job: dict[str, Any], log: ImportLog) -> ResponseFormat | None:
    subject = f"task type {task_type}" if task_type else "custom task"
    if task_type is None:
        ui_config = task.get("UiConfig")
        template = _text(ui_config.get("UiTemplateS3Uri")) if isinstance(ui_config, dict) else ""
        log.unsupported(
            subject,
            f"a custom labeling workflow: its questions are in the worker task template "
            f"({template or 'UiTemplateS3Uri'}), in S3, which is not read; describe its questions by hand",
        )
        return None
    if task_type in REGION_TASKS:
        log.unsupported(
            subject,
            f"span/region annotation ({REGION_TASKS[task_type]}) has no finite per-item alphabet in this model: "
            f"the answer is any number of regions of any position and size",
        )
        return None
    kind = TASK_FORMATS.get(task_type)
    if kind is None:
        log.unsupported(subject, "not a built-in Ground Truth task type this importer knows")
        return None
    uri = _text(job.get("LabelCategoryConfigS3Uri"))
    where = f"the label category file {uri}" if uri else "the label category file (LabelCategoryConfigS3Uri)"
    log.warn(
        "questions.0.format.k",
        f"the labels are in {where}, in S3, which is not read (no network access); {PLACEHOLDER_LABELS} labels "
        f"are assumed as a placeholder — set questions.0.format.k to the number of labels",
        kind="default",
    )
    if task_type.startswith("Verification"):
        log.warn(
            subject,
            "a verification job: raters judge existing labels using the verification options in the label "
            "category file; modelled as one choice among those options",
        )
    if kind == "multi_select":
        return multi_select_format(PLACEHOLDER_LABELS, subject, log)
    return single_choice_format(PLACEHOLDER_LABELS, subject, log)


def _price(task: dict[str, Any], seconds: int, source: str, settings: dict[str, Any], log: ImportLog) -> None:
    price_config = task.get("PublicWorkforceTaskPrice")
    if price_config is None:
        log.warn(
            "campaign.wage_per_hour",
            "no PublicWorkforceTaskPrice (a private or vendor workforce, paid outside Ground Truth); the default "
            "wage is kept",
            kind="default",
        )
        return
    amount = price_config.get("AmountInUsd") if isinstance(price_config, dict) else None
    if not isinstance(amount, dict):
        raise ImportFormatError(f"{source}: PublicWorkforceTaskPrice must hold an AmountInUsd object")
    parts = {}
    for key in ("Dollars", "Cents", "TenthFractionsOfACent"):
        value = amount.get(key, 0)
        # The bound keeps the price a finite float (Cents = 10**400 would overflow the division).
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PRICE_PART:
            raise ImportFormatError(
                f"{source}: PublicWorkforceTaskPrice.AmountInUsd.{key} must be a whole number from 0 to "
                f"{MAX_PRICE_PART:,}, got {quote(value)}"
            )
        parts[key] = value
    price = parts["Dollars"] + parts["Cents"] / 100 + parts["TenthFractionsOfACent"] / 1000
    wage = price * 3600 / seconds
    settings["campaign.wage_per_hour"] = wage
    settings["campaign.currency"] = "USD"
    log.warn(
        "campaign.wage_per_hour",
        f"the job pays {price:.3f} USD per task (one worker, one object); wage_per_hour = price × 3600 / "
        f"seconds_per_item = {wage:.4g} USD makes the cost per rater per item equal that price. Because "
        f"seconds_per_item is the time limit, this is not what workers earn per hour of work; if you change "
        f"seconds_per_item, set wage_per_hour = {price:.3f} × 3600 / seconds to keep the cost",
    )
    log.warn(
        "campaign.platform_fee",
        "the default fee is kept; Ground Truth's per-object charge and Mechanical Turk's fee are not in the "
        "config",
        kind="default",
    )


def _items(job: dict[str, Any], source: str, settings: dict[str, Any], log: ImportLog) -> None:
    stopping = job.get("StoppingConditions")
    cap = stopping.get("MaxHumanLabeledObjectCount") if isinstance(stopping, dict) else None
    if cap is None:
        log.warn(
            "campaign.items",
            "the number of objects is in the input manifest (InputConfig, in S3), which is not read; the default "
            "is kept",
            kind="default",
        )
        return
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise ImportFormatError(
            f"{source}: StoppingConditions.MaxHumanLabeledObjectCount must be a whole number ≥ 1, got {quote(cap)}"
        )
    settings["campaign.items"] = cap
    log.warn(
        "campaign.items",
        f"set to StoppingConditions.MaxHumanLabeledObjectCount = {cap}, the most objects humans label before "
        f"the job stops; the manifest may hold fewer",
    )


def _required_int(task: dict[str, Any], key: str, source: str, *, low: int, high: int | None = None) -> int:
    value = task.get(key)
    valid = not isinstance(value, bool) and isinstance(value, int) and value >= low and (high is None or value <= high)
    if not valid:
        allowed = f"from {low} to {high}" if high is not None else f"≥ {low}"
        missing = "is missing" if value is None else f"must be a whole number {allowed}, got {quote(value)}"
        raise ImportFormatError(f"{source}: HumanTaskConfig.{key} {missing}")
    return value


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
