"""Connect the Qt-free state's psygnal signals to widgets safely.

A psygnal signal outlives the widgets that listen to it: the scenario state
belongs to the window, editors and plots come and go. Calling a slot of a
widget whose C++ side Qt has already deleted raises "Internal C++ object
already deleted", so :func:`connect_to_widget` disconnects the slot when its
owner is destroyed and skips the call if the owner is already gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from psygnal import SignalInstance
from PySide6.QtCore import QObject


def connect_to_widget(signal: SignalInstance, slot: Callable[..., Any], owner: QObject) -> Callable[..., Any]:
    """Connect ``signal`` to ``slot`` for as long as ``owner`` lives.

    Parameters
    ----------
    signal
        A psygnal signal instance (e.g. ``state.changed``).
    slot
        The callable to run on the GUI thread; usually a method of ``owner``.
    owner
        The QObject whose lifetime bounds the connection.

    Returns
    -------
    callable
        The connected wrapper (pass it to ``signal.disconnect`` to end the
        connection early).
    """

    def call(*args: Any) -> None:
        if shiboken6.isValid(owner):
            slot(*args)

    # psygnal inspects the slot's signature to decide how many arguments to
    # pass; the wrapper forwards whatever the signal emits.
    signal.connect(call, check_nargs=False)
    owner.destroyed.connect(lambda *_: signal.disconnect(call, missing_ok=True))
    return call
