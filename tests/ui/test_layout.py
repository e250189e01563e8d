"""The window fits a 1280 × 800 screen and its text fits its room: range
hints on one line, whole scenario names in the library."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QScrollArea, QTableView

from advisor.scenario.schema import example_scenarios
from advisor.scenario.state import ScenarioState
from ui.panels.editor import HINTS_BESIDE_MIN_WIDTH, ScenarioEditorWidget


@pytest.fixture
def window(show_widget, store, monkeypatch):
    from ui.main_window import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    return show_widget(MainWindow(store, recover_drafts=False))


def test_the_window_fits_a_1280_pixel_screen(qtbot, qapp, window):
    assert window.minimumSizeHint().width() <= 1280
    window.resize(1280, 800)
    qapp.processEvents()
    assert (window.width(), window.height()) == (1280, 800)
    # The editor's form fits its pane: no sideways scrolling of the whole form.
    area = window.editor.findChild(QScrollArea)
    assert not area.horizontalScrollBar().isVisible()


@pytest.mark.parametrize("width", [364, 760])
def test_range_hints_take_one_line(qapp, show_widget, width):
    editor = show_widget(ScenarioEditorWidget(ScenarioState(example_scenarios()[0], stored_id=1, revision=1)),
                         (width, 900))
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


def test_library_names_are_whole_in_a_narrow_dock(qapp, show_widget, store):
    from ui.panels.library import TAGS_COLUMN_MIN_WIDTH, ScenarioLibraryWidget

    library = show_widget(ScenarioLibraryWidget(store), (290, 700))
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


def _columns_in_view(table) -> list[str]:
    """Headers of the shown columns that end past the table's viewport."""
    header = table.horizontalHeader()
    model = table.model()
    return [str(model.headerData(c, header.orientation())) for c in range(model.columnCount())
            if not table.isColumnHidden(c) and header.sectionViewportPosition(c) + header.sectionSize(c)
            > table.viewport().width() + 1]


def test_a_1280_pixel_window_keeps_every_table_column_in_view(qtbot, qapp, window):
    """Shrunk from full HD to 1280 × 800, the library gives way first; the
    questions table shows every column its questions use, and the levers'
    numbers are in view because the searches go below them."""
    window.resize(1920, 1080)
    qapp.processEvents()
    window.resize(1280, 800)
    qapp.processEvents()
    qapp.processEvents()  # and what the relayout queued (the panes' re-flow)
    editor = window.editor
    for table in editor.findChildren(QTableView):
        assert _columns_in_view(table) == []
    window.tabs.setCurrentIndex(1)
    qapp.processEvents()
    qapp.processEvents()  # and what the relayout queued (the panes' re-flow)
    recommendations = window.recommendations
    assert recommendations.stacked()
    assert _columns_in_view(recommendations.levers_panel.table) == []
    rows = recommendations.levers_panel.table.verticalHeader().defaultSectionSize()
    assert recommendations.levers_panel.table.viewport().height() >= 8 * rows
    window.resize(1920, 1080)
    qapp.processEvents()
    qapp.processEvents()  # and what the relayout queued (the panes' re-flow)
    assert not recommendations.stacked()
    assert _columns_in_view(recommendations.levers_panel.table) == []


def test_a_long_context_name_leaves_the_numbers_in_view(qtbot, qapp, window, edit_cell):
    """A 100-character name widened its column to the whole text, and Weight, Difficulty and
    Reading could only be reached by scrolling sideways; now the name column takes what the
    numbers leave, the name cut short and whole in its tooltip."""
    window.resize(1280, 800)
    qapp.processEvents()
    editor = window.editor
    table = editor.contexts_table
    name = "Customer support transcripts in German and French, escalated to a supervisor after their first reply"
    assert len(name) == 100
    edit_cell(table, 0, 0, name)
    qapp.processEvents()
    assert editor.state.scenario.contexts[0].name == name
    assert _columns_in_view(table) == []
    assert not table.horizontalScrollBar().isVisible()
    widths = sum(table.columnWidth(c) for c in range(table.model().columnCount()))
    assert widths == table.viewport().width()  # the columns fill the table, no empty space at the right
    assert name in table.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    editor.undo_stack.undo()
    assert not editor.state.dirty


def test_the_questions_table_hides_columns_no_question_uses(qapp, show_widget):
    scenario = next(s for s in example_scenarios() if all(q.format.kind == "ordinal" for q in s.questions))
    editor = show_widget(ScenarioEditorWidget(ScenarioState(scenario, stored_id=1, revision=1)), (700, 900))
    table = next(t for t in editor.findChildren(QTableView) if t.model().columnCount() > 6)
    model = table.model()
    headers = {str(model.headerData(c, Qt.Orientation.Horizontal)).split("\n")[0]: c for c in range(model.columnCount())}
    assert table.isColumnHidden(headers["Bits/char"]) and table.isColumnHidden(headers["Aspects"])
    assert not table.isColumnHidden(headers["Span"]) and not table.isColumnHidden(headers["Slip rate"])
    # A free-text question brings its columns back.
    questions = [q.model_dump() for q in scenario.questions]
    questions[0]["format"] = {"kind": "free_text", "max_chars": 200}
    editor.commit({"questions": questions}, text="free text")
    qapp.processEvents()
    assert not table.isColumnHidden(headers["Bits/char"]) and not table.isColumnHidden(headers["Chars/s"])
