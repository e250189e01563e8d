"""Turn labeling-interface configs people already have into scenarios.

Three formats are read: Label Studio XML labeling configs, Argilla 2.x dataset
settings (``Settings.to_json()``) and SageMaker Ground Truth ``HumanTaskConfig``
(alone, or inside a ``CreateLabelingJob`` request or ``DescribeLabelingJob``
response). Every importer returns the scenario together with warnings: each
control it could not map and why, each number it had to assume, each attribute
that changes what a rater does but has no place in the model. Nothing is
guessed silently. ``docs/importers.md`` has the mapping table.

The shared pieces (result types, the warning log, format builders) are in
:mod:`advisor.importers.common`; each format has its own module.
"""

from __future__ import annotations

from pathlib import Path

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote
from advisor.importers.argilla import import_argilla
from advisor.importers.common import ImportResult, ImportWarning, parse_json_config, read_config
from advisor.importers.label_studio import import_label_studio
from advisor.importers.sagemaker import import_sagemaker

__all__ = [
    "FORMATS",
    "ImportResult",
    "ImportWarning",
    "detect_format",
    "import_interface",
]

FORMATS: tuple[str, ...] = ("label-studio", "argilla", "sagemaker")
"""Formats :func:`import_interface` reads; ``"auto"`` picks one of them."""


def detect_format(text: str, source: str = "<text>") -> str:
    """Which of :data:`FORMATS` a config is in.

    XML is Label Studio; JSON with a ``HumanTaskConfig`` (or its required keys)
    is SageMaker; JSON with a ``questions`` list is Argilla.

    Raises
    ------
    ImportFormatError
        When it is none of them; the message says what was seen.
    """
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "<":
        return "label-studio"
    if not start:
        raise ImportFormatError(f"{source}: the file is empty (or only white space): expected Label Studio XML or "
                                "an Argilla or SageMaker JSON config")
    if start != "{":
        raise ImportFormatError(
            f"{source}: not an interface config: expected Label Studio XML (starting with '<') "
            f"or JSON (starting with '{{'), got {start!r}"
        )
    data = parse_json_config(text, source)
    if isinstance(data, dict):
        if "HumanTaskConfig" in data or "PreHumanTaskLambdaArn" in data or "NumberOfHumanWorkersPerDataObject" in data:
            return "sagemaker"
        if isinstance(data.get("questions"), list):
            return "argilla"
    keys = ", ".join(quote(key, 40) for key in sorted(data)[:10]) if isinstance(data, dict) else type(data).__name__
    raise ImportFormatError(
        f"{source}: JSON that is neither Argilla dataset settings (a 'questions' list) nor a SageMaker "
        f"HumanTaskConfig; top-level keys: {keys or 'none'}. Pass --format to say which it is"
    )


def import_interface(path_or_text: str | Path, *, format: str = "auto", name: str | None = None) -> ImportResult:
    """Build a scenario from a labeling-interface config.

    Parameters
    ----------
    path_or_text
        A file path, or the config text itself (see :func:`read_config`).
    format
        ``"auto"`` (see :func:`detect_format`) or one of :data:`FORMATS`.
    name
        Scenario name; default: the file name without its extension, else a
        name from the config.

    Returns
    -------
    ImportResult
        The scenario and the warnings.

    Raises
    ------
    ImportFormatError
        For an unreadable, malformed or hostile file (XML with a DTD), an
        unknown format, or a config with no question the model can represent.
    """
    text, source, file_stem = read_config(path_or_text)
    if format == "auto":
        format = detect_format(text, source)
    elif format not in FORMATS:
        raise ImportFormatError(f"format must be auto or one of {', '.join(FORMATS)}, got {format!r}")
    scenario_name = name or file_stem
    importer = {"label-studio": import_label_studio, "argilla": import_argilla, "sagemaker": import_sagemaker}[format]
    return importer(text, source=source, name=scenario_name)
