"""Open one widget alone on example data: ``python -m ui.<package>.<module>``.

Each major widget's ``if __name__ == "__main__":`` block calls
:func:`preview_widget` (widgets of a scenario state),
:func:`preview_in_folder` (widgets that write a database and files of their
own) or :func:`preview_store` and :func:`run_preview` (widgets of the store),
so a widget can be looked at and tried without the whole window (Orange's
``WidgetPreview``).

``ANNOTATION_ADVISOR_PREVIEW_QUIT_MS``, when set, closes the preview after that
many milliseconds. ``ANNOTATION_ADVISOR_PREVIEW_QUIT_ON_PAINT=1`` closes it
right after its first paint instead, once ``preview painted: <title>`` is
printed on standard output (or exits with status 1 when nothing is painted
within a minute).

``python -m ui.core.preview MODULE...`` opens the preview of each module in
turn in one process, each run as ``python -m MODULE`` would run it; the smoke
tests run every preview this way, quitting on the first paint.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
import runpy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from advisor.scenario.schema import Question, ResponseFormat, Scenario, example_scenarios
from advisor.scenario.state import ScenarioState
from ui.core.timers import single_shot_timer

if TYPE_CHECKING:
    from advisor.storage.store import ScenarioStore

QUIT_ENV = "ANNOTATION_ADVISOR_PREVIEW_QUIT_MS"
QUIT_ON_PAINT_ENV = "ANNOTATION_ADVISOR_PREVIEW_QUIT_ON_PAINT"
PAINTED_MARKER = "preview painted:"
"""Printed on standard output, followed by the title, when a preview asked to
quit on its first paint has been painted."""
RUN_MARKER = "preview module:"
"""Printed on standard output and standard error, followed by the module name,
before each preview that ``python -m ui.core.preview`` opens."""
EXIT_MARKER = "preview exit:"
"""Printed on standard output and standard error, followed by the module name
and its exit status, after each preview that ``python -m ui.core.preview``
opens."""
NO_PAINT_TIMEOUT_MS = 60_000
"""How long, in milliseconds, a preview asked to quit on its first paint waits
for that paint before it gives up with status 1."""


def preview_scenario() -> Scenario:
    """The first shipped example, or a small built-in scenario when the
    examples folder is empty (a fresh checkout without resources)."""
    examples = example_scenarios()
    if examples:
        return examples[0]
    return Scenario(
        name="Preview: response quality",
        questions=(
            Question(name="quality", format=ResponseFormat(kind="ordinal", k=5)),
            Question(name="safe", format=ResponseFormat(kind="binary")),
        ),
    )


def preview_app() -> QApplication:
    """The application, configured as the real one."""
    from ui.core.application import create_application

    return create_application(sys.argv)


def preview_store() -> ScenarioStore:
    """A store on a new temporary database, seeded with the examples, unless
    ``ANNOTATION_ADVISOR_DB`` names one."""
    from advisor.storage.store import ScenarioStore

    if os.environ.get("ANNOTATION_ADVISOR_DB"):
        return ScenarioStore.open()
    folder = Path(tempfile.mkdtemp(prefix="annotation-advisor-preview-"))
    return ScenarioStore.open(str(folder / "preview.sqlite"))


def run_preview(widget: QWidget, *, title: str, size: tuple[int, int]) -> NoReturn:
    """Show ``widget`` as a window, run the event loop and exit with its status."""
    app = preview_app()
    widget.setWindowTitle(f"{title} — Annotation Advisor preview")
    widget.resize(*size)
    if os.environ.get(QUIT_ON_PAINT_ENV) == "1":
        widget.installEventFilter(_QuitOnFirstPaint(widget, app, title))
    widget.show()
    quit_ms = os.environ.get(QUIT_ENV, "")
    if quit_ms.isdigit():
        QTimer.singleShot(int(quit_ms), widget.close)
        QTimer.singleShot(int(quit_ms), app.quit)
    sys.exit(app.exec())


class _QuitOnFirstPaint(QObject):
    """Closes ``widget`` and quits ``app`` right after the widget's first
    paint event, printing :data:`PAINTED_MARKER` and ``title``; exits with
    status 1 if no paint comes within :data:`NO_PAINT_TIMEOUT_MS`."""

    def __init__(self, widget: QWidget, app: QApplication, title: str):
        super().__init__(widget)
        self._widget = widget
        self._app = app
        self._title = title
        self._painted = False
        self._deadline = single_shot_timer(self, NO_PAINT_TIMEOUT_MS, self._give_up)
        self._deadline.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self._deadline.stop()
            print(f"{PAINTED_MARKER} {self._title}", flush=True)
            QTimer.singleShot(0, self._quit)
        return False

    def _quit(self) -> None:
        self._widget.close()
        self._app.quit()

    def _give_up(self) -> None:
        print(f"{self._title}: no paint within {NO_PAINT_TIMEOUT_MS / 1000:.0f} s", file=sys.stderr, flush=True)
        self._widget.close()
        self._app.exit(1)


def preview_widget(make: Callable[[ScenarioState], QWidget], *, title: str,
                   size: tuple[int, int] = (1000, 700)) -> NoReturn:
    """Show ``make(state)`` on :func:`preview_scenario` (see :func:`run_preview`)."""
    preview_app()
    widget = make(ScenarioState(preview_scenario()))
    run_preview(widget, title=title, size=size)


def preview_in_folder(make: Callable[[Path], QWidget], *, title: str, size: tuple[int, int]) -> NoReturn:
    """Show ``make(folder)`` with a new temporary folder for the widget's
    database and files (see :func:`run_preview`)."""
    preview_app()
    widget = make(Path(tempfile.mkdtemp(prefix="annotation-advisor-preview-")))
    run_preview(widget, title=title, size=size)


def run_previews(modules: Sequence[str]) -> int:
    """Open the preview of each module in turn, as ``python -m MODULE`` would.

    Each preview runs until it quits; its windows are then closed and its
    workers finished before the next one opens. :data:`RUN_MARKER` and
    :data:`EXIT_MARKER` frame each preview's output on standard output and
    standard error.

    Parameters
    ----------
    modules
        Dotted names of modules whose ``__main__`` block opens a preview.

    Returns
    -------
    int
        0 when every preview exited with status 0, else 1.
    """
    failed = 0
    program = sys.argv[:1]
    for module in modules:
        for stream in (sys.stdout, sys.stderr):
            print(f"{RUN_MARKER} {module}", file=stream, flush=True)
        sys.argv[:] = program
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
            status: object = 0
        except SystemExit as finished:
            status = finished.code if finished.code is not None else 0
        except Exception:  # noqa: BLE001 - reported like an uncaught error, then the next preview opens
            traceback.print_exc()
            status = 1
        _close_all_windows()
        failed += status != 0
        for stream in (sys.stdout, sys.stderr):
            print(f"{EXIT_MARKER} {module} {status}", file=stream, flush=True)
    return 1 if failed else 0


_CLOSED_WINDOWS: list[QWidget] = []
"""The windows of the previews already run: closed, and kept until the process
ends, as a preview's window is when it runs alone."""


def _close_all_windows() -> None:
    """Close every top-level widget and wait for every worker."""
    if QApplication.instance() is None:
        return
    for window in QApplication.topLevelWidgets():
        window.close()
        _CLOSED_WINDOWS.append(window)
    from ui.core.workers import wait_for_jobs

    wait_for_jobs(-1)


if __name__ == "__main__":
    sys.exit(run_previews(sys.argv[1:]))
