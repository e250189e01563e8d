"""Progress reports and cancellation: one convention for every long computation.

Every computation of ``advisor`` that can take longer than a moment (ranking the
levers, solving for a value, the optimiser, sweeps, reports, pilot calibration)
takes a ``progress`` keyword of type :data:`ProgressCallback`. It is called as
``progress(done, total)`` as the work advances, from the thread the work runs
in, and it is also how a caller cancels: returning ``False`` (exactly ``False``;
``None`` and ``True`` go on) asks the computation to stop at its next check.

What a stopped computation returns is part of its contract: a search returns
the best found so far marked ``cancelled`` (optimiser, sweeps), a computation
with no useful partial result raises :class:`~advisor.errors.Cancelled`
(reports, :func:`advisor.planning.analysis.analyse`).

The window's worker threads pass a callable that forwards the report to the
progress bar and returns ``False`` once the user pressed Cancel or a newer edit
superseded the job; the command line passes one that draws a bar on stderr.
"""

from __future__ import annotations

from collections.abc import Callable

from advisor.errors import Cancelled

ProgressCallback = Callable[[int, int], object]
"""``progress(done, total) -> keep going``: ``done`` and ``total`` are counts of the
computation's own steps (0 ≤ done ≤ total); returning ``False`` asks it to stop."""


def keeps_going(progress: ProgressCallback | None, done: int, total: int) -> bool:
    """Report ``done`` of ``total`` to ``progress`` (if any); False when it asked to stop."""
    return progress is None or progress(done, total) is not False


def require(keep_going: bool) -> None:
    """Raise :class:`~advisor.errors.Cancelled` unless ``keep_going``."""
    if not keep_going:
        raise Cancelled("cancelled")


def within(progress: ProgressCallback | None, start: int, width: int, total: int) -> ProgressCallback:
    """The ``progress`` of a sub-task that fills steps ``start … start + width`` of ``total``.

    Parameters
    ----------
    progress
        The whole task's callback (None: the sub-task's reports go nowhere but it never stops).
    start, width
        Where the sub-task's share begins and how many of the whole task's steps it fills (≥ 0).
    total
        The whole task's number of steps (≥ start + width).

    Returns
    -------
    ProgressCallback
        Maps the sub-task's ``(done, sub_total)`` proportionally into the whole task's range and
        passes on the answer of ``progress``.
    """
    def report(done: int, sub_total: int) -> bool:
        share = min(done, sub_total) / max(sub_total, 1)
        return keeps_going(progress, start + round(width * share), total)

    return report
