"""What a pilot is compared with in a scenario: the question, its share of time, its contexts.

Calibrating a scenario from a pilot and simulating a pilot from a scenario both need the question
the pilot measures (:func:`question_index`) and that question's share of the judgment time
(:func:`question_share`); a summary made for a scenario takes each context's difficulty and reading
seconds (:func:`scenario_contexts`).
"""

from __future__ import annotations

from models import timing

from advisor.files.input_limits import quote, quote_list
from advisor.scenario.schema import Scenario

__all__ = ["question_index", "question_share", "scenario_contexts"]


def question_index(scenario: Scenario, question: str | None) -> int:
    """Index of the named question; the only question when ``question`` is None.

    Raises
    ------
    ValueError
        When the name is unknown, or None while the scenario has several questions.
    """
    names = [q.name for q in scenario.questions]
    if question is None:
        if len(names) == 1:
            return 0
        raise ValueError(f"question: the scenario has {len(names)} questions ({quote_list(names)}); name the one the pilot measured")
    if question not in names:
        raise ValueError(f"question: the scenario has no question {quote(question)}; it has {quote_list(names)}")
    return names.index(question)


def question_share(scenario: Scenario, index: int) -> float:
    """The question's share of the judgment time, as the evaluation uses it."""
    if len(scenario.questions) == 1:
        return 1.0
    # Fixed shares are normalised and water-filled ones depend on every question's capacity
    # curve: ask the evaluation.
    from advisor.evaluation.evaluate import time_shares

    return float(time_shares(scenario)[index])


def scenario_contexts(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """``{context name: (difficulty, reading seconds)}``, the ``contexts`` argument of
    :func:`~advisor.pilot.summary.summarize`."""
    return {
        c.name: (float(c.difficulty), timing.reading_seconds(c.reading_words, scenario.raters.reading_wpm))
        for c in scenario.contexts
    }
