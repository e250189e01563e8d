"""The numbers one question's channel takes from a scenario (method §3–§4, §9).

:func:`models.channel.question_channel` takes plain numbers: the format, the judgment
seconds, the rater model, the context's difficulty and the question's slip, span and
free-text settings, and the raters as they are (:class:`models.population_channel.RaterModel`:
the question's response bias, the latent item difficulty classes and the rater types).
:func:`channel_inputs` reads them from a scenario in one place, so the evaluation, the
optimiser and the tests cannot wire a field differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.channel import QuestionChannel, question_channel, question_channels
from models.population_channel import RaterModel, supports

from advisor.scenario.schema import Context, Question, ResponseFormat, Scenario

__all__ = ["ChannelInputs", "channel_inputs", "channels", "rater_model"]


@dataclass(frozen=True, slots=True)
class ChannelInputs:
    """The arguments of :func:`models.channel.question_channel` but the panel size and the
    work cap, as one hashable value (the evaluation caches channels on it).

    Attributes are those of ``question_channel``, with its units and ranges: ``seconds`` is
    the question's judgment time net of reading, ``difficulty`` the context's multiplier.
    """

    kind: str
    k: int | None
    seconds: float
    discriminability: float
    accrual_rate: float
    base_time: float
    difficulty: float
    slip_rate: float
    correlation: float
    span: float
    aspects: int
    max_chars: int | None
    bits_per_char: float
    chars_per_second: float
    rater_model: RaterModel | None = None

    def channel(self, raters: int, *, max_work: float | None = None) -> QuestionChannel:
        """:func:`models.channel.question_channel` of these inputs for ``raters`` raters
        (>= 1) within ``max_work`` kernel entry visits (> 0; None for no cap)."""
        return question_channel(**self.arguments(raters, max_work=max_work))

    def arguments(self, raters: int, *, max_work: float | None = None) -> dict[str, Any]:
        """The keyword arguments of :func:`models.channel.question_channel` for ``raters`` raters
        within ``max_work`` (as :meth:`channel`)."""
        return dict(
            kind=self.kind, k=self.k, seconds=self.seconds, discriminability=self.discriminability,
            accrual_rate=self.accrual_rate, base_time=self.base_time, difficulty=self.difficulty,
            slip_rate=self.slip_rate, raters=raters, correlation=self.correlation, span=self.span,
            aspects=self.aspects, max_chars=self.max_chars, bits_per_char=self.bits_per_char,
            chars_per_second=self.chars_per_second, max_work=max_work, rater_model=self.rater_model,
        )


def channels(requests: Sequence[tuple[ChannelInputs, int, float | None]]) -> list[QuestionChannel]:
    """:meth:`ChannelInputs.channel` of many ``(inputs, raters, max_work)`` at once, computed together
    (:func:`models.channel.question_channels`): each the same value as alone, in order."""
    return question_channels([inputs.arguments(raters, max_work=max_work) for inputs, raters, max_work in requests])


def channel_inputs(scenario: Scenario, question: Question, context: Context, seconds: float, *,
                   response: ResponseFormat | None = None) -> ChannelInputs:
    """The channel inputs of one question in one context of a scenario.

    Parameters
    ----------
    scenario
        Gives the rater model (discriminability, accrual rate, base time, correlation).
    question
        Gives the format, slip rate, span and free-text settings.
    context
        Gives the difficulty.
    seconds
        Judgment time of the question in seconds, >= 0, net of reading and already
        multiplied by its time share (:func:`models.timing.judgment_seconds`).
    response
        A format to use instead of the question's (the optimiser tries others).
    """
    fmt = question.format if response is None else response
    raters = scenario.raters
    return ChannelInputs(
        kind=fmt.kind, k=fmt.k, seconds=float(seconds), discriminability=raters.discriminability,
        accrual_rate=raters.accrual_rate, base_time=raters.base_time, difficulty=context.difficulty,
        slip_rate=question.slip_rate, correlation=raters.correlation, span=question.span,
        aspects=question.aspects, max_chars=fmt.max_chars, bits_per_char=question.bits_per_char,
        chars_per_second=question.chars_per_second, rater_model=rater_model(scenario, question, response=fmt),
    )


def rater_model(scenario: Scenario, question: Question, *, response: ResponseFormat | None = None) -> RaterModel | None:
    """The raters as they are for one question (the method §9), or None where the question's
    channel is the homogeneous, unbiased panel of the method §4 (the defaults: no bias, no
    difficulty classes, one rater type) or its format has no such model (ranking, best–worst scaling, free text).

    ``bias`` enters binary, multi-select, ordinal, pairwise and scale questions; ``option_bias``
    categorical ones whose k it matches (a format the optimiser tries with another k has none);
    the difficulty classes and rater types of ``scenario.raters`` every supported question.
    """
    fmt = question.format if response is None else response
    if not supports(fmt.kind):
        return None
    raters = scenario.raters
    if not (question.bias or question.option_bias or raters.difficulty_classes or raters.rater_types):
        # Nothing set: the homogeneous, unbiased panel (what is_default would conclude, without
        # building and checking a model; an evaluation asks this hundreds of times).
        return None
    option_bias = question.option_bias
    if fmt.kind != "categorical" or option_bias is None or len(option_bias) != fmt.k:
        option_bias = None
    model = RaterModel(
        criterion=float(question.bias) if fmt.kind != "categorical" else 0.0,
        option_bias=None if option_bias is None else tuple(float(v) for v in option_bias),
        difficulty=scenario.raters.difficulty_mixture,
        types=scenario.raters.type_mixture,
    )
    return None if model.is_default(fmt.kind) else model
