"""The QApplication shared by the app, the widget previews, the screenshot script and the benchmarks.

:func:`create_application` sets the names, style and plot defaults once, so that
``annotation-advisor``, ``python -m ui.<package>.<module>`` and the scripts all
look the same. It knows nothing of the windows built on it.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

import pyqtgraph as pg

from advisor.allocator import keep_freed_memory
from ui.core.settings import APP_NAME, ORGANIZATION
from ui.core.workers import shutdown_workers

APP_VERSION = "0.1.0"


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, created once, with the app's names, style and plot defaults.

    The names feed QSettings and the window titles; the Fusion style looks the
    same on every platform (and in the screenshots); pyqtgraph draws on white
    with antialiasing, which reads better in reports and on projectors. Freed
    memory is kept for the numerics' next arrays (:func:`advisor.allocator.keep_freed_memory`).
    """
    keep_freed_memory()
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationVersion(APP_VERSION)
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
        app.setStyle("Fusion")
        font = app.font()
        if font.pointSizeF() < 9.5:
            font.setPointSizeF(9.5)
            app.setFont(font)
        # Numbers are typed and shown with a decimal point everywhere (the
        # scenario files and the formulas use points).
        QLocale.setDefault(QLocale.c())
        # No worker may outlive the objects it reports to.
        app.aboutToQuit.connect(shutdown_workers)
    else:
        app.setApplicationName(APP_NAME)
        app.setOrganizationName(ORGANIZATION)
    pg.setConfigOptions(antialias=True, background="w", foreground="#333333")
    return app  # type: ignore[return-value]


_start_up_frozen = False


def freeze_start_up_objects() -> bool:
    """Exempt the objects alive now from the cyclic garbage collector's full passes (once per process).

    A full collection walks every object the collector tracks: about 190,000 once the numerics, the
    Qt bindings and the plots are imported and the window is built, 120–140 ms on the 2-core machine
    in which the window, and the evaluation thread waiting for the interpreter lock, stand still. One
    came every few dozen edits: the slowest edits of ``bench/gui.py`` (150–200 ms against a median of
    30–40). Modules, classes, functions and the window live as long as the process, so moving them
    to the permanent generation (:func:`gc.freeze`, CPython ≥ 3.7) loses nothing, and later full
    passes walk only the objects made since. Objects that are unreachable at that moment are kept
    (about 160 after the first evaluation: not worth a 140 ms collection first).

    Called by the main window when its first evaluation with curves is shown (the lazily imported
    numerics are loaded by then); later calls do nothing.

    Returns
    -------
    bool
        True when this call froze them, False when an earlier one did.
    """
    global _start_up_frozen
    if _start_up_frozen:
        return False
    _start_up_frozen = True
    gc.freeze()
    return True

