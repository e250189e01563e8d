"""The pieces every interface importer shares: the result types, :class:`ImportLog` that
collects warnings while a config is read, the builders of response formats
that respect the schema's limits, and :func:`build_result`, which validates the
scenario and records where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from advisor.errors import ImportFormatError, ScenarioValidationError
from advisor.files.input_limits import CONFIG_LIMITS, MAX_QUESTIONS, QUOTE_CHARS, load_json
from advisor.scenario.schema import (
    MAX_CATEGORIES,
    MAX_FREE_TEXT_CHARS,
    MAX_MULTI_SELECT,
    MAX_RANKED_ITEMS,
    Provenance,
    Question,
    ResponseFormat,
    Scenario,
    scenario_from_dict,
)

MAX_CONFIG_BYTES = CONFIG_LIMITS.max_bytes
"""Largest config file read, bytes. Real configs are a few kilobytes; the cap
keeps a wrong file (a dataset export, a video) from filling memory."""

MAX_SUBJECT_CHARS = QUOTE_CHARS
"""Longest control name quoted in a warning or error, characters (a name may be any length)."""

MAX_FOUND_LISTED = 10
"""Controls listed when a config has no question the model can represent."""

WarningKind = Literal["unsupported", "default", "approximation", "ignored"]
"""What a warning reports: a control that was not mapped (``unsupported``), a
value the config does not give so one was assumed (``default``), a mapping
that loses something (``approximation``), or config content that was skipped
(``ignored``)."""

_SCENARIO_DEFAULTS: tuple[tuple[str, str], ...] = (
    ("target", "target (value complexity, separation, target risk)"),
    ("contexts", "contexts (one context, no reading time per item)"),
    ("raters.per_item", "raters per item r (raters.per_item)"),
    ("raters.skill", "rater skill (discriminability, accrual rate, base time, correlation)"),
    ("campaign.items", "items m (campaign.items)"),
    ("campaign.seconds_per_item", "time per item T (campaign.seconds_per_item)"),
    ("campaign.wage_per_hour", "wage per hour (campaign.wage_per_hour)"),
    ("campaign.platform_fee", "platform fee (campaign.platform_fee)"),
    ("bounds", "the bounds' settings (ceiling form, confidence, observed risk)"),
)
"""The scenario's parts an importer may leave at their defaults, by path, with the form's words for
them and, for a single field, its path for ``annotation-advisor set`` (a warning that listed only
"campaign.items; campaign.seconds_per_item" spoke the file format's language, not the window's)."""


@dataclass(frozen=True)
class ImportWarning:
    """One thing an importer could not map exactly (not Python's builtin ``ImportWarning``).

    Parameters
    ----------
    subject
        What it concerns: a control (``"Choices 'sentiment'"``), a config field
        (``"TaskTimeLimitInSeconds"``) or a scenario path (``"raters.per_item"``).
    message
        What happened and why, in one or two sentences.
    kind
        See :data:`WarningKind`.
    line
        Line of the config the subject starts on, 1-based, when known (XML).
    """

    subject: str
    message: str
    kind: WarningKind = "approximation"
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {"kind": self.kind, "subject": self.subject, "line": self.line, "message": self.message}

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.subject}{where}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    """A scenario built from an interface config, and what could not be mapped.

    Attributes
    ----------
    scenario
        The validated scenario; questions have automatic time shares.
    warnings
        Every approximation, assumed value and unsupported control, in the
        order met in the config.
    format
        The format read, one of :data:`FORMATS`.
    source
        The file path, or ``"<text>"`` for a config passed as a string.
    """

    scenario: Scenario
    warnings: tuple[ImportWarning, ...]
    format: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The scenario JSON with a ``warnings`` list added (the CLI's ``--json`` shape)."""
        data = self.scenario.to_dict()
        data["warnings"] = [warning.to_dict() for warning in self.warnings]
        return data


@dataclass
class ImportLog:
    """Collects warnings and the controls found while one config is read.

    ``found`` names every control met with what became of it, so that a config
    with no supported question can be reported with everything it contains.
    """

    warnings: list[ImportWarning] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def warn(self, subject: str, message: str, *, kind: WarningKind = "approximation", line: int | None = None) -> None:
        """Record a warning."""
        self.warnings.append(ImportWarning(_truncate(subject, MAX_SUBJECT_CHARS), message, kind, line))

    def unsupported(self, subject: str, reason: str, *, line: int | None = None) -> None:
        """Record a control that is not mapped to a question, with the reason."""
        subject = _truncate(subject, MAX_SUBJECT_CHARS)
        self.warnings.append(ImportWarning(subject, f"not mapped: {reason}", "unsupported", line))
        where = f" (line {line})" if line is not None else ""
        self.found.append(f"{subject}{where}: {reason}")

    def mapped(self, subject: str, fmt: ResponseFormat, *, line: int | None = None) -> None:
        """Record a control that became a question."""
        where = f" (line {line})" if line is not None else ""
        self.found.append(f"{_truncate(subject, MAX_SUBJECT_CHARS)}{where}: {fmt.label()}")

    def has_warning_about(self, subject: str) -> bool:
        return any(warning.subject == subject for warning in self.warnings)


# --------------------------------------------------------------- formats
def single_choice_format(options: int, subject: str, log: ImportLog, *, line: int | None = None) -> ResponseFormat | None:
    """Binary for two options, categorical(k) for more; None (reported) for fewer.

    Parameters
    ----------
    options
        Number of options the rater picks exactly one of, ≥ 0.
    """
    if options < 2:
        log.unsupported(subject, f"a single choice needs at least 2 options, the config gives {options}", line=line)
        return None
    if options == 2:
        return ResponseFormat(kind="binary")
    return ResponseFormat(kind="categorical", k=_capped(options, MAX_CATEGORIES, "options", subject, log, line))


def multi_select_format(options: int, subject: str, log: ImportLog, *, line: int | None = None) -> ResponseFormat | None:
    """multi_select(k) over ``options`` independent ticks; None (reported) for no option."""
    if options < 1:
        log.unsupported(subject, "a multiple choice needs at least 1 option, the config gives none", line=line)
        return None
    return ResponseFormat(kind="multi_select", k=_capped(options, MAX_MULTI_SELECT, "options", subject, log, line))


def ordinal_format(levels: int, subject: str, log: ImportLog, *, line: int | None = None) -> ResponseFormat | None:
    """ordinal(k) over ``levels`` ordered levels; None (reported) for fewer than 2."""
    if levels < 2:
        log.unsupported(subject, f"a scale needs at least 2 levels, the config gives {levels}", line=line)
        return None
    return ResponseFormat(kind="ordinal", k=_capped(levels, MAX_CATEGORIES, "levels", subject, log, line))


def ranking_format(items: int, subject: str, log: ImportLog, *, line: int | None = None) -> ResponseFormat | None:
    """ranking(n) of ``items`` items; None (reported) for fewer than 2."""
    if items < 2:
        log.unsupported(subject, f"a ranking needs at least 2 items, the config gives {items}", line=line)
        return None
    return ResponseFormat(kind="ranking", k=_capped(items, MAX_RANKED_ITEMS, "items", subject, log, line))


def free_text_format(max_chars: int) -> ResponseFormat:
    """free_text with ``max_chars`` kept within the schema's 1 to 100 000 characters."""
    return ResponseFormat(kind="free_text", max_chars=min(max(int(max_chars), 1), MAX_FREE_TEXT_CHARS))


def _capped(count: int, limit: int, noun: str, subject: str, log: ImportLog, line: int | None) -> int:
    if count <= limit:
        return count
    log.warn(
        subject,
        f"{count} {noun} is more than the model handles ({limit}); modelled with {limit}, "
        f"which understates what one answer can carry",
        line=line,
    )
    return limit


# --------------------------------------------------------------- building
def build_result(
    *,
    format: str,
    source: str,
    name: str,
    questions: list[Question],
    log: ImportLog,
    settings: dict[str, Any] | None = None,
    notes: str = "",
) -> ImportResult:
    """Validate the imported questions and settings into an :class:`ImportResult`.

    Parameters
    ----------
    format, source
        As in :class:`ImportResult`.
    name
        Scenario name.
    questions
        Mapped questions in config order; duplicate names get a suffix (warned).
    log
        The warnings collected so far; a summary of the scenario defaults kept
        is added.
    settings
        Dotted scenario paths the config sets (``{"raters.per_item": 3}``).

    Raises
    ------
    ImportFormatError
        When no question could be mapped (the message lists every control
        found and why it was not mapped), when there are more questions than a
        scenario holds, or when a value from the config is out of the
        scenario's range.
    """
    settings = dict(settings or {})
    if not questions:
        found = "; ".join(log.found[:MAX_FOUND_LISTED]) if log.found else "no labeling controls at all"
        if len(log.found) > MAX_FOUND_LISTED:
            found += f"; and {len(log.found) - MAX_FOUND_LISTED:,} more"
        raise ImportFormatError(f"{source}: no question this app can model. Found: {found}")
    if len(questions) > MAX_QUESTIONS:
        raise ImportFormatError(
            f"{source}: the config maps to {len(questions)} questions; a scenario holds at most {MAX_QUESTIONS}"
        )
    questions = _unique_names(questions, log)
    _warn_defaults_kept(settings, log)

    data: dict[str, Any] = {"name": name, "notes": notes, "questions": [q.model_dump() for q in questions]}
    for path, value in settings.items():
        group, key = path.split(".", 1)
        data.setdefault(group, {})[key] = value
    provenance = Provenance(
        source=source[:500],
        method=f"import-interface ({format})",
        fields=("questions", *settings),
        detail=_truncate("\n".join(str(w) for w in log.warnings), 5000),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    data["provenance"] = [provenance.model_dump()]
    try:
        scenario = scenario_from_dict(data)
    except ScenarioValidationError as error:
        raise ImportFormatError(f"{source}: the config's values do not fit a scenario: {error}") from None
    return ImportResult(scenario, tuple(log.warnings), format, source)


def _unique_names(questions: list[Question], log: ImportLog) -> list[Question]:
    seen: set[str] = set()
    unique: list[Question] = []
    for question in questions:
        name = question.name
        if name in seen:
            suffix = 2
            while f"{name} ({suffix})" in seen:
                suffix += 1
            renamed = f"{name} ({suffix})"
            log.warn(f"question '{name}'", f"the name is used twice; the second is called '{renamed}'", kind="ignored")
            question = question.model_copy(update={"name": renamed})
            name = renamed
        seen.add(name)
        unique.append(question)
    return unique


def _warn_defaults_kept(settings: dict[str, Any], log: ImportLog) -> None:
    # Each importer warns about the defaults it knows the reason for; this
    # names the rest in one line, so that no assumed number goes unmentioned.
    kept = [
        label
        for path, label in _SCENARIO_DEFAULTS
        if not any(key == path or key.startswith(path + ".") for key in settings)
        and not log.has_warning_about(path)
    ]
    if kept:
        log.warn(
            "scenario defaults",
            "not described by the config, so the scenario defaults are kept: " + "; ".join(kept)
            + ". Time shares are automatic (water-filling). Set these from a pilot before trusting the numbers.",
            kind="default",
        )


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------- input
def parse_json_config(text: str, source: str) -> Any:
    """Parse JSON text within :data:`advisor.files.input_limits.CONFIG_LIMITS`.

    Raises
    ------
    ImportFormatError
        For a syntax error (naming its line and column), nesting deeper than
        the limit (which would otherwise overflow the parser's stack), an
        overlong string, or a number that is ``NaN``, ``Infinity`` or too large.
    """
    return load_json(text, source=source, limits=CONFIG_LIMITS)


def read_config(path_or_text: str | Path) -> tuple[str, str, str | None]:
    """The config text, where it came from, and a scenario name from the file name.

    A :class:`~pathlib.Path` is always read as a file. A string is taken as
    the config itself when it starts (after white space) with ``<`` or ``{``,
    otherwise as a file path.

    Raises
    ------
    ImportFormatError
        When the file is missing, unreadable, too large or not UTF-8.
    """
    if isinstance(path_or_text, str) and path_or_text.lstrip("\ufeff \t\r\n")[:1] in ("<", "{"):
        return path_or_text.lstrip("\ufeff"), "<text>", None
    path = Path(path_or_text)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportFormatError(f"{path}: cannot read ({error.strerror or 'no such file'})") from None
    if not path.is_file():
        raise ImportFormatError(f"{path}: not a file")
    if size > MAX_CONFIG_BYTES:
        raise ImportFormatError(
            f"{path}: {size} bytes is too large for an interface config (at most {MAX_CONFIG_BYTES} bytes)"
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise ImportFormatError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise ImportFormatError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return text, str(path), path.stem
