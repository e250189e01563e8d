"""The window fits a 1280 × 800 screen and its text fits its room: range
hints on one line, whole scenario names in the library."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox, QScrollArea

from advisor.scenario import example_scenarios
from advisor.state import ScenarioState
from ui.editor import HINTS_BESIDE_MIN_WIDTH, ScenarioEditorWidget


@pytest.fixture
def window(qtbot, store, monkeypatch):
    from ui.main_window import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    win = MainWindow(store, recover_drafts=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_window_fits_a_1280_pixel_screen(qtbot, qapp, window):
    assert window.minimumSizeHint().width() <= 1280
    window.resize(1280, 800)
    qapp.processEvents()
    assert (window.width(), window.height()) == (1280, 800)
    # The editor's form fits its pane: no sideways scrolling of the whole form.
    area = window.editor.findChild(QScrollArea)
    assert not area.horizontalScrollBar().isVisible()


@pytest.mark.parametrize("width", [364, 760])
def test_range_hints_take_one_line(qtbot, qapp, width):
    editor = ScenarioEditorWidget(ScenarioState(example_scenarios()[0], stored_id=1, revision=1))
    qtbot.addWidget(editor)
    editor.resize(width, 900)
    editor.show()
    qtbot.waitExposed(editor)
    qapp.processEvents()
    assert editor.hints_beside == (width >= HINTS_BESIDE_MIN_WIDTH)
    for path in ("raters.correlation", "campaign.wage_per_hour", "target.log2_m", "raters.reading_wpm"):
        hint = editor._hints[path]
        assert hint.isVisible() and hint.text()
        line = hint.fontMetrics().lineSpacing()
        needed = hint.heightForWidth(hint.contentsRect().width())
        assert needed < 2 * line, f"{path}: {hint.text()!r} wraps to {needed} px"
        field = editor.field_widget(path)
        if editor.hints_beside:
            assert abs(hint.geometry().center().y() - field.geometry().center().y()) < line
        else:
            assert hint.geometry().top() >= field.geometry().bottom()


def test_library_names_are_whole_in_a_narrow_dock(qtbot, qapp, store):
    from ui.library import TAGS_COLUMN_MIN_WIDTH, ScenarioLibraryWidget

    library = ScenarioLibraryWidget(store)
    qtbot.addWidget(library)
    library.resize(290, 700)
    library.show()
    qtbot.waitExposed(library)
    qapp.processEvents()
    view = library.table
    assert view.isColumnHidden(1) and 290 < TAGS_COLUMN_MIN_WIDTH
    metrics = view.fontMetrics()
    for row in range(view.model().rowCount()):
        name = view.model().index(row, 0).data()
        # Wrapped on at most two lines of the column's width.
        assert metrics.horizontalAdvance(name) <= 2 * (view.columnWidth(0) - 8), name
        assert view.rowHeight(row) >= 2 * metrics.lineSpacing()
    library.resize(480, 700)
    qapp.processEvents()
    assert not view.isColumnHidden(1)
