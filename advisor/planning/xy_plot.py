"""What the X–Y plot computes: a default range around the design's own value, one grid
swept over the open design and its overlays, and the analyses G*Power names, each as a
sentence.

The window's X–Y plot panel (``ui.panels.xy_plot``) draws and tabulates these;
they run in a worker thread and follow :mod:`advisor.progress`.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.errors import AdvisorError
from advisor.planning import sweep as analyses
from advisor.planning.compromise import compromise as split_budget
from advisor.planning.sweep import ANALYSIS_TITLES, X_VARIABLES, SweepResult, current_value, sweep
from advisor.progress import ProgressCallback, keeps_going, within
from advisor.scenario.schema import FORMAT_K_LIMITS, Scenario, rater_range

DEFAULT_POINTS = 25
"""Points of a range that :func:`default_range` does not fit to whole numbers."""


def default_range(scenario: Scenario, x: str, question_index: int | None = None) -> tuple[float, float, int]:
    """A range around the scenario's own value of ``x``: (start, stop, points), within x's limits.

    Parameters
    ----------
    scenario
        The design.
    x
        What varies: a key of :data:`advisor.planning.sweep.X_VARIABLES`.
    question_index
        The question whose ``k`` varies (``x == "k"``; default the first).
    """
    now = float(current_value(scenario, x, question_index))
    if x == "raters":
        # An adaptive design holds only so many vote histograms: the range stays among valid designs.
        start, stop = rater_range(scenario, max(2 * int(now), 10))
        return start, stop, stop - start + 1
    if x == "k":
        low, high = FORMAT_K_LIMITS[scenario.questions[question_index or 0].format.kind]
        stop = min(high, max(int(now) + 4, low + 6))
        return low, stop, stop - low + 1
    if x == "items":
        return max(1, int(now // 100)), int(now * 10), DEFAULT_POINTS
    if x == "rho":
        return 0.0, 0.9, 19
    if x == "lambda":
        return round(max(0.1, now / 4), 2), round(min(20.0, now * 3), 2), DEFAULT_POINTS
    if x == "log2_m":
        return 0.5, round(min(10_000.0, max(2 * now, now + 8)), 2), DEFAULT_POINTS
    variable = X_VARIABLES[x]
    return round(now / 4, 4), round(min(variable.high, now * 4), 4), DEFAULT_POINTS


@dataclass(frozen=True)
class SweepRequest:
    """What one Run computes: the open design and the overlays over one grid.

    Attributes
    ----------
    x, start, stop, points, log, y, question_index
        As for :func:`advisor.planning.sweep.sweep`.
    scenarios
        ``(label, scenario)`` pairs, the open design first.
    """

    x: str
    start: float
    stop: float
    points: int
    log: bool
    y: tuple[str, ...]
    question_index: int | None
    scenarios: tuple[tuple[str, Scenario], ...]


@dataclass(frozen=True)
class SweepOutcome:
    """The sweeps done (same order as the request) and the scenarios that could not be swept.

    Attributes
    ----------
    results
        ``(label, result)`` of each scenario swept; after a cancel, the points done.
    problems
        ``"label: why"`` of each overlay that could not be swept.
    cancelled
        Whether ``progress`` stopped the sweeps before the end.
    """

    results: tuple[tuple[str, SweepResult], ...]
    problems: tuple[str, ...]
    cancelled: bool


def run_sweeps(request: SweepRequest, *, progress: ProgressCallback | None = None) -> SweepOutcome:
    """Sweep every scenario of ``request``, the open design first.

    Parameters
    ----------
    request
        The grid and the scenarios.
    progress
        ``progress(done, total)`` over every point of every scenario
        (:mod:`advisor.progress`); returning False stops after the current
        point, with the points done so far.

    Returns
    -------
    SweepOutcome

    Raises
    ------
    advisor.errors.AdvisorError
        When the open design itself cannot be swept (its error is the user's
        to fix); an overlay that cannot be swept is listed in ``problems``.
    """
    results: list[tuple[str, SweepResult]] = []
    problems: list[str] = []
    total = len(request.scenarios) * request.points
    stopped = False
    for index, (label, scenario) in enumerate(request.scenarios):
        start = index * request.points
        if not keeps_going(progress, start, total):
            stopped = True
            break
        own = within(progress, start, request.points, total)

        def report(done: int, points: int) -> bool:
            nonlocal stopped
            going = keeps_going(own, done, points)
            stopped = stopped or not going
            return going

        try:
            result = sweep(scenario, request.x, request.start, request.stop, points=request.points,
                           log=request.log, y=request.y, question_index=request.question_index, progress=report)
        except AdvisorError as error:
            if index == 0:
                raise
            problems.append(f"{label}: {error}")
            continue
        results.append((label, result))
        if stopped:
            break
    return SweepOutcome(tuple(results), tuple(problems), stopped)


def analysis_message(name: str, scenario: Scenario, *, progress: ProgressCallback | None = None) -> str:
    """One of the analyses G*Power names, computed for ``scenario``, in words.

    Parameters
    ----------
    name
        A key of :data:`advisor.planning.sweep.ANALYSIS_TITLES`: ``a_priori``
        (the raters and the seconds that meet the target), ``sensitivity``,
        ``post_hoc``, ``compromise`` or ``raters_items`` (the scenario's budget split between raters
        per item and items, :func:`advisor.planning.compromise.compromise`).
    scenario
        The design.
    progress
        Passed to the analyses that search (:mod:`advisor.progress`).
    """
    if name not in ANALYSIS_TITLES:
        raise ValueError(f"analysis must be one of {', '.join(ANALYSIS_TITLES)}, got {name!r}")
    if name == "a_priori":
        parts = []
        for index, unknown in enumerate(("raters", "seconds")):
            result = analyses.a_priori(scenario, unknown, progress=within(progress, index, 1, 2))
            parts.append(f"{unknown}: {result.message}")
        return "\n".join(parts)
    if name == "sensitivity":
        return analyses.sensitivity(scenario).message
    if name == "post_hoc":
        return analyses.post_hoc(scenario).message
    if name == "raters_items":
        return split_budget(scenario, progress=progress).message
    return analyses.compromise(scenario, progress=progress).message
