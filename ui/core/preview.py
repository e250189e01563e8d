"""Open one widget alone on example data: ``python -m ui.<package>.<module>``.

Each major widget's ``if __name__ == "__main__":`` block calls
:func:`preview_widget` (widgets of a scenario state) or
:func:`preview_store` and :func:`run_preview` (widgets of the store), so a
widget can be looked at and tried without the whole window (Orange's
``WidgetPreview``).

``ANNOTATION_ADVISOR_PREVIEW_QUIT_MS``, when set, closes the preview after that
many milliseconds: the smoke tests run every preview as a real
``python -m`` process this way.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from advisor.scenario.schema import Question, ResponseFormat, Scenario, example_scenarios
from advisor.scenario.state import ScenarioState

if TYPE_CHECKING:
    from advisor.storage.store import ScenarioStore

QUIT_ENV = "ANNOTATION_ADVISOR_PREVIEW_QUIT_MS"


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
    widget.show()
    quit_ms = os.environ.get(QUIT_ENV, "")
    if quit_ms.isdigit():
        QTimer.singleShot(int(quit_ms), widget.close)
        QTimer.singleShot(int(quit_ms), app.quit)
    sys.exit(app.exec())


def preview_widget(make: Callable[[ScenarioState], QWidget], *, title: str,
                   size: tuple[int, int] = (1000, 700)) -> NoReturn:
    """Show ``make(state)`` on :func:`preview_scenario` (see :func:`run_preview`)."""
    preview_app()
    widget = make(ScenarioState(preview_scenario()))
    run_preview(widget, title=title, size=size)
