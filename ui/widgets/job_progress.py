"""A progress bar that follows one job run in a worker: its reports while it
runs, then how it ended."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QPushButton


def show_job_progress(bar: QProgressBar, done: int, total: int) -> None:
    """Show a job's report of ``done`` steps out of ``total``.

    Parameters
    ----------
    bar
        The job's progress bar.
    done
        Steps done, 0 to ``total``.
    total
        Steps in all, ≥ 0. A total of 0 shows an empty bar: Qt draws a
        range of 0 to 0 as "busy", which a job that reported is not.
    """
    bar.setRange(0, max(total, 1))
    bar.setValue(done)


def show_job_outcome(bar: QProgressBar, outcome: str, *, delivered: bool = False) -> None:
    """Show that a job is over: a full bar when it ``delivered`` a result
    (a partial one included), an empty one when it failed or stopped without
    one, labelled ``outcome`` (``"Done"``, ``"Failed"``, …)."""
    bar.setRange(0, 1)
    bar.setValue(1 if delivered else 0)
    bar.setFormat(outcome)


def show_job_idle(run: QPushButton, cancel: QPushButton, bar: QProgressBar) -> None:
    """No job runs: its Run button can start one, its Cancel button has nothing to stop and its
    progress bar is hidden."""
    run.setEnabled(True)
    cancel.setEnabled(False)
    bar.hide()
