"""Checks of a scenario's design that name the problem and its numbers.

The evaluation gives a number for any valid scenario, but some valid designs
give numbers that mislead without saying why: reading that eats the whole time
per item (every question carries 0 bits), free-text boxes that water-filling
hands the judgment time of the ratings (typed characters count as bits), a
pilot whose classes are not the question's. Each check here returns one
sentence with the numbers involved and what to change, and the scenario path
it concerns, so that the editor can show it beside that field and
:func:`advisor.evaluation.evaluate.evaluate` can list it with its warnings.

Qt-free; only :mod:`models.timing` and the water-filling of
:func:`advisor.evaluation.evaluate.time_shares` are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.timing import reading_seconds

from advisor.scenario.schema import Question, Scenario

NEAR_READING_SHARE = 0.8
"""Reading that takes at least this share of the time per item (but less than
all of it) is reported as leaving little time to judge."""

FREE_TEXT_SHARE_WARN = 0.5
"""Free-text questions with automatic shares that water-filling gives at least
this share of the judgment time (together) are reported."""

SUGGESTED_OPTIONAL_SHARE = 0.05
"""The fixed time share suggested for an optional comment box."""


@dataclass(frozen=True)
class DesignFinding:
    """One problem of a design.

    Attributes
    ----------
    paths
        Scenario fields it concerns, dotted (``"campaign.seconds_per_item"``),
        or a table (``"contexts"``, ``"questions"``); the first is the main one.
    message
        One sentence with the numbers and what to change.
    """

    paths: tuple[str, ...]
    message: str


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


def _reading_findings(scenario: Scenario) -> list[DesignFinding]:
    seconds = scenario.campaign.seconds_per_item
    wpm = scenario.raters.reading_wpm
    findings = []
    for context in scenario.contexts:
        if context.reading_words <= 0:
            continue
        reading = reading_seconds(context.reading_words, wpm)
        where = f"Context {context.name!r}: reading {context.reading_words:g} words at {wpm:g} words per minute takes " \
                f"{_seconds(reading)}"
        if reading >= seconds:
            findings.append(DesignFinding(
                ("campaign.seconds_per_item", "contexts", "raters.reading_wpm"),
                f"{where}, at least the {seconds:g} s per item, so no time is left to judge and every question "
                f"there carries 0 bits; allow more than {reading:.0f} s per item or give fewer words to read.",
            ))
        elif reading >= NEAR_READING_SHARE * seconds:
            findings.append(DesignFinding(
                ("campaign.seconds_per_item", "contexts", "raters.reading_wpm"),
                f"{where} of the {seconds:g} s per item, leaving {_seconds(seconds - reading)} to judge "
                f"({100 * (seconds - reading) / seconds:.0f} %).",
            ))
    return findings


def _mean_judgment_seconds(scenario: Scenario) -> float:
    """Judgment time per item after reading, weighted over the contexts, s."""
    seconds = scenario.campaign.seconds_per_item
    wpm = scenario.raters.reading_wpm
    return sum(w * max(0.0, seconds - reading_seconds(c.reading_words, wpm))
               for c, w in zip(scenario.contexts, scenario.context_weights))


def _free_text_findings(scenario: Scenario) -> list[DesignFinding]:
    questions = scenario.questions
    automatic_text = [i for i, q in enumerate(questions) if q.format.kind == "free_text" and q.time_share is None]
    structured = [i for i, q in enumerate(questions) if q.format.kind != "free_text"]
    if not automatic_text or not structured or scenario.fixed_time_shares:
        return []
    from advisor.evaluation.evaluate import time_shares  # water-filling loads the kernels; only needed here

    shares = time_shares(scenario)
    text_share = sum(shares[i] for i in automatic_text)
    if text_share < FREE_TEXT_SHARE_WARN:
        return []
    judgment = _mean_judgment_seconds(scenario)
    texts = ", ".join(f"{questions[i].name!r} ({100 * shares[i]:.0f} %, {_seconds(shares[i] * judgment)})"
                      for i in automatic_text)
    left = ", ".join(f"{questions[i].name!r} {_seconds(shares[i] * judgment)}" for i in structured)
    rate = questions[automatic_text[0]]
    noun = "question" if len(automatic_text) == 1 else "questions"
    return [DesignFinding(
        ("questions",),
        f"Automatic time shares give the free-text {noun} {texts} of the {_seconds(judgment)} judgment time and "
        f"leave {left}: typed text counts {rate.bits_per_char:g} bit per character at {rate.chars_per_second:g} "
        f"characters per second, so water-filling hands it the time of the ratings. If a comment box is optional, "
        f"give it a fixed time share (e.g. {SUGGESTED_OPTIONAL_SHARE:g}) in the questions table.",
    )]


def _overlap_findings(scenario: Scenario) -> list[DesignFinding]:
    """Adaptive overlap that can never add a rater: no room above the first raters, or one rater's
    vote, which always agrees with itself."""
    overlap = scenario.overlap
    if overlap.mode == "adaptive" and overlap.max_raters <= scenario.raters.per_item:
        return [DesignFinding(
            ("overlap.max_raters", "raters.per_item"),
            f"Adaptive overlap adds no rater: the most raters per item ({overlap.max_raters}) is not above the "
            f"{scenario.raters.per_item} every item gets, so this is the fixed design; raise the most raters.",
        )]
    if overlap.mode == "adaptive" and overlap.stop_rule == "agreement" and scenario.raters.per_item == 1:
        return [DesignFinding(
            ("raters.per_item", "overlap.stop_rule"),
            "Adaptive overlap with the agreement rule stops after the first rater (one vote always agrees with "
            "itself), so every item gets 1 rater: start with 2 raters, or use the posterior rule.",
        )]
    return []


def design_findings(scenario: Scenario) -> list[DesignFinding]:
    """Every design problem of ``scenario``, with the fields it concerns.

    Parameters
    ----------
    scenario
        A valid scenario.

    Returns
    -------
    list of DesignFinding
        Empty when no check applies; reading checks first, then time shares, then overlap.
    """
    return _reading_findings(scenario) + _free_text_findings(scenario) + _overlap_findings(scenario)


def design_warnings(scenario: Scenario) -> list[str]:
    """The messages of :func:`design_findings`: one specific sentence each,
    with the numbers involved and what to change."""
    return [finding.message for finding in design_findings(scenario)]


def pilot_class_warnings(question: Question, classes: Sequence[str]) -> list[str]:
    """Check that a pilot's classes match the question it calibrates.

    Parameters
    ----------
    question
        The scenario question the pilot measured.
    classes
        The distinct labels the pilot gives for it, in its order.

    Returns
    -------
    list of str
        One sentence when the number of classes differs from the question's
        number of alternatives k (free-text questions are not checked), else
        an empty list.
    """
    if question.format.kind == "free_text":
        return []
    k = question.format.alternatives
    if len(classes) == k:
        return []
    shown = ", ".join(repr(str(c)) for c in list(classes)[:8]) + (", …" if len(classes) > 8 else "")
    if len(classes) < k:
        consequence = (f"{k - len(classes)} of the question's answers never occur in the pilot, so its kernel is "
                       "estimated on the others")
    else:
        consequence = "the pilot has answers the question does not offer, so the calibration cannot be read as this format"
    return [f"The pilot has {len(classes)} classes for question {question.name!r} ({shown}), but the question is "
            f"{question.format.label()} with k = {k}: {consequence}; set k to {len(classes)} or check the pilot's "
            f"labels."]
