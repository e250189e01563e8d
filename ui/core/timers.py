"""A timer that fires once, a set time after it was last started: the quiet
time after an edit, a debounce, a deadline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer


def single_shot_timer(owner: QObject, interval_ms: int, on_timeout: Callable[[], Any]) -> QTimer:
    """A stopped single-shot timer that calls ``on_timeout`` ``interval_ms``
    after its latest ``start()``.

    Unlike ``QTimer.singleShot``, it can be stopped, asked whether it is
    active and restarted (each ``start()`` begins the interval anew).

    Parameters
    ----------
    owner
        The QObject that owns the timer; the timer dies with it.
    interval_ms
        Time from ``start()`` to the call, in milliseconds (≥ 0).
    on_timeout
        Called on the owner's thread when the interval has passed.

    Returns
    -------
    QTimer
        The timer, not yet started.
    """
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(on_timeout)
    return timer
