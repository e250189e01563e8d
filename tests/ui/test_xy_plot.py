"""The X–Y plot panel in the main window: every control is reachable, the range is typed with
real keys, a sweep fills the plot and the table with what advisor.planning.sweep computes, the exports
hold the table's data, a click on a point edits the design (Ctrl+Z undoes it), saved
scenarios overlay as curves of their own, and every plot keeps a readable height."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from advisor.planning.sweep import sweep
from tests.ui.conftest import turn_wheel, type_over
from ui.panels.xy_plot import cell_text


@pytest.fixture
def window(open_panel_window):
    return open_panel_window(Qt.Key.Key_4, "xy_plot")


def _choose_x(qtbot, panel, key: str) -> None:
    """Choose x with the keyboard: focus the combo, step with the arrows until it shows ``key``."""
    combo = panel._x_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == key:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == key


def _run(qtbot, panel):
    with qtbot.waitSignal(panel.sweep_finished, timeout=120_000) as blocker:
        qtbot.keyClick(panel._run_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return blocker.args[0]


def _sweep_raters(qtbot, panel, start="1", stop="6", points="6"):
    _choose_x(qtbot, panel, "raters")
    type_over(qtbot, panel._start_edit, start)
    type_over(qtbot, panel._stop_edit, stop)
    type_over(qtbot, panel._points_spin.lineEdit(), points)
    return _run(qtbot, panel)


def _table(panel) -> list[list]:
    model = panel.table.model()
    return [[model.index(r, c).data(Qt.ItemDataRole.UserRole) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_every_input_is_where_it_is_drawn_and_has_a_tooltip(window):
    panel = window.xy_plot
    inputs = panel.inputs()
    assert len(inputs) >= 18
    for widget in inputs:
        assert widget.isVisible(), type(widget).__name__
        assert widget.toolTip(), f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r} has no tooltip"
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        hit = QApplication.widgetAt(widget.mapToGlobal(widget.rect().center()))
        assert hit is widget or widget.isAncestorOf(hit), (type(widget).__name__, type(hit).__name__)


def test_typed_range_runs_a_sweep_whose_table_is_advisor_sweep(qtbot, window):
    panel = window.xy_plot
    outcome = _sweep_raters(qtbot, panel, "2", "7", "6")
    assert not outcome.problems and not outcome.cancelled
    label, result = panel.results[0]
    assert result.xs == (2, 3, 4, 5, 6, 7)
    expected = sweep(window.state.scenario, "raters", 2, 7, points=6, y=["floor", "achievable"])
    assert result.values == expected.values and result.verdicts == expected.verdicts
    # Every column in view, the verdict's words the widest ("not ruled out, not guaranteed" was cut).
    QApplication.processEvents()
    assert panel.table.horizontalScrollBar().maximum() == 0
    rows = _table(panel)
    assert len(rows) == 6
    for row, want in zip(rows, expected.rows()):
        assert row == [want["scenario"], want["raters"], want["floor"], want["achievable"], want["verdict"]]
    assert label == f"{want['scenario']} (open design)"
    model = panel.table.model()
    assert model.index(0, 2).data() == cell_text("floor", expected.column("floor")[0])
    # The verdict in the cards' words ("not ruled out, not guaranteed"), its key kept for the CSV.
    from advisor.evaluation.evaluate import VERDICT_WORDS

    first = next(iter(expected.rows()))
    assert model.index(0, 4).data() == VERDICT_WORDS[first["verdict"]] != first["verdict"]
    # Both curves drawn on the risk plot, with the data of the sweep; the axes follow it.
    floor = panel.curve(0, "floor")
    assert list(floor.getData()[0]) == [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert list(floor.getData()[1]) == list(expected.column("floor"))
    low, high = panel.plot("risk").getViewBox().viewRange()[0]
    assert low <= 2 and high >= 7 and high < 8


def test_a_bad_range_is_refused_in_the_panel(qtbot, window):
    panel = window.xy_plot
    _choose_x(qtbot, panel, "raters")
    type_over(qtbot, panel._start_edit, "0")
    assert panel.run() is None
    assert "raters per item r must be a whole number from 1 to 100, got 0" in panel._message.text()
    assert panel.results == []


def test_csv_png_and_svg_exports_hold_the_table(qtbot, window, tmp_path):
    panel = window.xy_plot
    _sweep_raters(qtbot, panel)
    panel.export_csv(str(tmp_path / "sweep.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "sweep.csv").read_text(encoding="utf-8"))))
    table = _table(panel)
    assert rows[0] == ["scenario", "raters", "floor", "achievable", "target_risk", "verdict"]
    assert len(rows) - 1 == len(table)
    model = panel.table.model()
    target = panel.results[0][1].target_risk
    assert model.headerData(4, Qt.Orientation.Horizontal) == f"verdict at ε = {target:g}"
    for r, (row, cells) in enumerate(zip(rows[1:], table)):
        assert row[0] == cells[0] and int(row[1]) == cells[1] and float(row[4]) == target
        # The CSV's verdict is in the words the table shows.
        assert row[5] == model.index(r, 4).data() == cell_text("verdict", cells[4])
        assert float(row[2]) == pytest.approx(cells[2], rel=1e-14) and float(row[3]) == pytest.approx(cells[3], rel=1e-14)
        assert model.index(r, 2).data() == cell_text("floor", float(row[2]))
    panel.export_png(str(tmp_path / "sweep.png"))
    data = (tmp_path / "sweep.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage(str(tmp_path / "sweep.png"))
    assert image.width() == 1600 and image.height() > 100
    panel.export_svg(str(tmp_path / "sweep.svg"))
    root = ElementTree.fromstring((tmp_path / "sweep.svg").read_bytes())
    assert root.tag.endswith("svg")
    assert len([e for e in root.iter() if e.tag.endswith(("path", "polyline"))]) > 5
    # A title and a key naming each line (Qt writes a word or a run of words per text element).
    words = "".join(e.text or "" for e in root.iter() if e.tag.endswith("text"))
    assert panel.export_title() in words and "target ε = " in panel.export_title()
    assert "— risk floor (Fano)" in words and "— achievable risk" in words
    # The app's output checks apply: never over the database.
    with pytest.raises(OSError, match="refusing to write there"):
        panel.export_csv(str(window.store.database_path))


def test_clicking_a_point_sets_it_in_the_design_and_ctrl_z_undoes_it(qtbot, window):
    panel = window.xy_plot
    _sweep_raters(qtbot, panel, "1", "8", "8")
    before = window.state.scenario
    target = 6 if before.raters.per_item != 6 else 5
    plot = panel.plot("risk")
    result = panel.results[0][1]
    value = result.column("floor")[result.xs.index(target)]
    view = panel.layout_widget
    scene_point = plot.getViewBox().mapViewToScene(QPointF(target, value))
    pos = view.mapFromScene(scene_point)
    # The hover: the scene's mouse-move signal at the data point (the offscreen platform moves its
    # cursor over the window beneath a floating panel, so a synthetic move would not reach it).
    view.scene().sigMouseMoved.emit(scene_point)
    qtbot.waitUntil(lambda: f"raters per item r = {target}" in panel._readout.text(), timeout=3000)
    assert all(label in panel._readout.text() for label, _ in panel.results)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: window.state.scenario.raters.per_item == target, timeout=3000)
    assert window.state.scenario == before.with_changes({"raters.per_item": target})
    assert window.undo_stack.count() == 1
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.state.scenario == before


def test_two_saved_scenarios_overlay_as_two_more_curves(qtbot, window, store):
    panel = window.xy_plot
    chosen = [s for s in store.list(order_by="name", descending=False) if s.id != window.state.stored_id][:2]
    panel.set_checked([s.id for s in chosen])
    _sweep_raters(qtbot, panel, "1", "5", "5")
    labels = [label for label, _ in panel.results]
    assert labels[1:] == [s.name for s in chosen]
    assert panel.curve_count("floor") == 3 and panel.curve_count("achievable") == 3
    for index, summary in enumerate(chosen, start=1):
        expected = sweep(store.get(summary.id).scenario, "raters", 1, 5, points=5, y=["floor"])
        assert list(panel.curve(index, "floor").getData()[1]) == list(expected.column("floor"))
    assert len(_table(panel)) == 15
    panel.set_checked([])
    _run(qtbot, panel)
    assert panel.curve_count("floor") == 1


def test_k_of_a_question_and_cancel(qtbot, window):
    panel = window.xy_plot
    _choose_x(qtbot, panel, "k")
    assert panel._question_combo.isEnabled()
    outcome = _run(qtbot, panel)
    assert outcome.results and all(isinstance(x, int) for x in panel.results[0][1].xs)
    _choose_x(qtbot, panel, "seconds")
    assert not panel._question_combo.isEnabled()
    type_over(qtbot, panel._points_spin.lineEdit(), "2000")
    with qtbot.waitSignal(panel.sweep_finished, timeout=120_000) as blocker:
        handle = panel.run()
        panel._cancel_button.click()
    assert handle.is_cancelled
    cancelled = blocker.args[0]
    assert cancelled.cancelled and sum(len(r.xs) for _, r in cancelled.results) < 2000
    assert "Cancelled" in panel._message.text()
    qtbot.waitUntil(lambda: panel._run_button.isEnabled(), timeout=5000)



def test_a_crossing_between_grid_points_is_given_as_that_interval_not_a_straight_line_guess(qtbot, window):
    """Over 5–2,000 s in 25 points the panel read the floor's crossing as "≈ 87.28" and the achievable
    risk's as "≈ 166.9": straight lines between points 83 s apart on curves that bend, where Solve
    for finds 74.88 and 140.84 s."""
    import re

    from advisor.planning.solve import solve

    panel = window.xy_plot
    _choose_x(qtbot, panel, "seconds")
    type_over(qtbot, panel._start_edit, "5")
    type_over(qtbot, panel._stop_edit, "2000")
    type_over(qtbot, panel._points_spin.lineEdit(), "25")
    _run(qtbot, panel)
    text = panel._crossings.text()
    assert "≈" not in text
    brackets = [(float(a.replace(",", "")), float(b.replace(",", "")))
                for a, b in re.findall(r"crossed between ([\d.,]+) and ([\d.,]+)", text)]
    assert brackets
    threshold = solve(window.state.scenario, "seconds").at_least  # where the floor first meets
    assert any(low <= threshold <= high for low, high in brackets), (threshold, text)


def test_the_export_dialog_starts_in_the_documents_folder(qtbot, window, monkeypatch, tmp_path):
    """It opened in the program's working folder (a bare file name)."""
    from ui.core.desktop import documents_folder

    asked = []
    monkeypatch.setattr("ui.panels.xy_plot.save_file_name", lambda *args: asked.append(args) or "")
    panel = window.xy_plot
    _sweep_raters(qtbot, panel)
    panel._on_export_clicked("csv")
    start = Path(asked[0][2])
    assert start.parent == documents_folder() and start.name == "sweep_raters.csv"


def test_an_analysis_of_an_earlier_design_says_so(qtbot, window):
    """After a point was clicked (the design changed), the Analysis text still gave the answers
    computed for the design before, unmarked."""
    from ui.panels.xy_plot import ANALYSIS_STALE_TEXT

    panel = window.xy_plot
    before = window.state.scenario
    panel._analysis_button.click()
    qtbot.waitUntil(lambda: panel._analysis_text.text() not in ("", "Computing…"), timeout=60_000)
    shown = panel._analysis_text.text()
    assert ANALYSIS_STALE_TEXT not in shown
    _sweep_raters(qtbot, panel)
    target = 6 if before.raters.per_item != 6 else 5
    assert panel.pick(target)
    assert panel._analysis_text.text() == f"{ANALYSIS_STALE_TEXT}\n{shown}"
    window.undo_stack.undo()  # the same numbers again: the mark goes
    assert panel._analysis_text.text() == shown


READABLE_PLOT_PX = 150
"""A plot at least this high keeps its axes' tick labels apart (its data area is 100 px or more)."""


def _tick_labels(plot, side: str) -> list[str]:
    """The tick labels ``plot``'s axis on ``side`` draws at its present size (pyqtgraph leaves out
    those that do not fit)."""
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        return [text for _, _, text in plot.getAxis(side).generateDrawSpecs(painter)[2]]
    finally:
        painter.end()


def _click(qtbot, widget) -> None:
    """A left click at ``widget``'s centre, where the user sees it (nothing lies over it)."""
    centre = widget.rect().center()
    assert QApplication.widgetAt(widget.mapToGlobal(centre)) is widget, type(widget).__name__
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=centre)


def test_one_plot_takes_the_plots_share_of_the_panel_not_its_least_height(qtbot, open_panel_window):
    """With the two risk outputs alone, the plot was cut to its least height above a table of ten
    rows and a quarter of the panel's height of empty table."""
    from ui.panels.xy_plot import PLOT_PANE_SHARE

    window = open_panel_window(Qt.Key.Key_4, "xy_plot", (1920, 1080))
    panel = window.xy_plot
    with qtbot.waitSignal(panel.sweep_finished, timeout=120_000):
        _click(qtbot, panel._run_button)
    QApplication.processEvents()
    sizes = panel._splitter.sizes()
    assert sizes[0] >= PLOT_PANE_SHARE * sum(sizes) - 1
    assert panel.plot("risk").geometry().height() > 1.5 * READABLE_PLOT_PX


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_with_every_output_ticked_each_plot_keeps_a_readable_height(qtbot, open_panel_window, size):
    """With all five outputs at 1280 × 800, the risk, items and cost plots were squeezed into the
    panel at 93 px each (41 px of data) and the risk axis read only "0.2". Each plot keeps its height
    now; where the panel is too short the plots scroll (the wheel scrolls them, Ctrl + wheel zooms),
    and at 1920 × 1080 the panel is tall enough for all three."""
    window = open_panel_window(Qt.Key.Key_4, "xy_plot", size)
    panel = window.xy_plot
    for box in panel._y_checks.values():
        if not box.isChecked():
            _click(qtbot, box)
    assert all(box.isChecked() for box in panel._y_checks.values())
    with qtbot.waitSignal(panel.sweep_finished, timeout=120_000):
        _click(qtbot, panel._run_button)
    QApplication.processEvents()
    view = panel.layout_widget
    for group in ("risk", "items", "cost"):
        plot = panel.plot(group)
        assert plot.scene() is view.scene(), group
        assert plot.geometry().height() >= READABLE_PLOT_PX, (group, plot.geometry().height())
        assert plot.getViewBox().height() >= 100, (group, plot.getViewBox().height())
    assert len(_tick_labels(panel.plot("risk"), "left")) >= 3
    rows = panel.table.verticalHeader().defaultSectionSize()
    assert panel.table.viewport().height() >= 3 * rows  # the table is not squeezed out instead
    scroll = panel._plots_scroll
    bar = scroll.verticalScrollBar()
    if size == (1920, 1080):
        assert bar.maximum() == 0  # all three in view
        return
    assert bar.maximum() > 0
    risk = panel.plot("risk")
    centre = view.mapFromScene(risk.getViewBox().sceneBoundingRect().center())
    x_range = risk.getViewBox().viewRange()[0]
    # The wheel alone: the plot ignores it and Qt hands it on to the scroll area, which scrolls.
    assert not turn_wheel(view, centre, Qt.KeyboardModifier.NoModifier)
    assert risk.getViewBox().viewRange()[0] == x_range
    while bar.value() < bar.maximum():
        before = bar.value()
        turn_wheel(scroll, view.viewport().mapTo(scroll.viewport(), centre), Qt.KeyboardModifier.NoModifier)
        assert bar.value() > before
    cost = panel.plot("cost")
    bottom = view.mapFromScene(cost.sceneBoundingRect().bottomLeft()).y()
    assert view.viewport().mapTo(scroll.viewport(), QPoint(0, bottom)).y() <= scroll.viewport().height()
    # Ctrl + wheel zooms the plot under the pointer.
    centre = view.mapFromScene(cost.getViewBox().sceneBoundingRect().center())
    x_range = cost.getViewBox().viewRange()[0]
    assert turn_wheel(view, centre, Qt.KeyboardModifier.ControlModifier)
    assert cost.getViewBox().viewRange()[0] != x_range


def _open_example(qtbot, window, store, name_start: str):
    """Open the stored example whose name starts with ``name_start`` in the window."""
    summary = next(s for s in store.list(order_by="name", descending=False) if s.name.startswith(name_start))
    assert window.open_scenario(summary.id, ask=False)
    qtbot.waitUntil(lambda: window.state.scenario.name == summary.name, timeout=5000)
    return summary


def _claimed_sides(text: str, result) -> list[bool | None]:
    """What one curve's sentence says of each grid point: True for "≤ ε", False for "> ε"."""
    import re

    where = {cell_text(result.x, x): i for i, x in enumerate(result.xs)}
    sides: list[bool | None] = [None] * len(result.xs)
    for side, span in re.findall(r"(≤|>) ε (over the whole range|up to [^,(]+|from [^,(]+|at [^,(]+)", text):
        span = span.strip()
        if span == "over the whole range":
            first, last = 0, len(result.xs) - 1
        elif span.startswith("up to "):
            first, last = 0, where[span[6:]]
        elif span.startswith("at "):
            first = last = where[span[3:]]
        elif " to " in span:
            low, high = span[5:].split(" to ")
            first, last = where[low], where[high]
        else:
            first, last = where[span[5:]], len(result.xs) - 1
        for i in range(first, last + 1):
            assert sides[i] is None, f"{result.xs[i]} is claimed twice in {text!r}"
            sides[i] = side == "≤"
    return sides


def _sentences(panel) -> dict[tuple[str, str], str]:
    """The side text's sentence of each (scenario label, output)."""
    import html as html_module
    import re

    found = {}
    for line in panel._crossings.text().split("<br>"):
        label, _, rest = html_module.unescape(line).partition("</b>: ")
        label = label.replace("<b>", "")
        rest = re.sub(r"^\(its own target is [\d.]+\) ", "", rest)
        for part in rest.split("; "):
            for column, name in (("floor", "risk floor "), ("achievable", "achievable risk "),
                                 ("ceiling", "risk ceiling ")):
                if part.startswith(name):
                    found[(label, column)] = part[len(name):]
    return found


def test_the_side_text_says_what_the_table_shows_when_the_risk_rises_with_x(qtbot, window, store):
    """Over log₂ M from 1 to 1.5 the risk rises: the text said "risk floor > ε over the whole range;
    achievable risk > ε from 1", where the table shows the floor at 0–0.055 and the achievable risk
    0.0158 at 1, both below ε = 0.1."""
    panel = window.xy_plot
    _open_example(qtbot, window, store, "Search relevance")
    panel.set_checked([])
    _choose_x(qtbot, panel, "log2_m")
    type_over(qtbot, panel._start_edit, "1")
    type_over(qtbot, panel._stop_edit, "1.5")
    type_over(qtbot, panel._points_spin.lineEdit(), "11")
    _run(qtbot, panel)
    label, result = panel.results[0]
    sentences = _sentences(panel)
    assert sentences[(label, "floor")] == "≤ ε over the whole range"
    assert sentences[(label, "achievable")].startswith("≤ ε up to 1, > ε from 1.05")
    for column in ("floor", "achievable"):
        brute_force = [value <= result.target_risk for value in result.column(column)]
        assert _claimed_sides(sentences[(label, column)], result) == brute_force, column



def test_the_side_text_is_the_table_for_curves_that_fall_or_cross_more_than_once(qtbot, window, store):
    """Every sentence of the side text, read point by point, is the table's side of ε: raters (the
    risk falls) and discriminability λ over a wide range, for the open design and two overlays."""
    panel = window.xy_plot
    others = [s.id for s in store.list(order_by="name", descending=False) if s.id != window.state.stored_id][:2]
    panel.set_checked(others)
    for x, start, stop, points in (("raters", "1", "12", "12"), ("lambda", "0.2", "6", "30")):
        _choose_x(qtbot, panel, x)
        type_over(qtbot, panel._start_edit, start)
        type_over(qtbot, panel._stop_edit, stop)
        type_over(qtbot, panel._points_spin.lineEdit(), points)
        _run(qtbot, panel)
        sentences = _sentences(panel)
        for label, result in panel.results:
            for column in ("floor", "achievable"):
                brute_force = [value <= result.target_risk for value in result.column(column)]
                assert _claimed_sides(sentences[(label, column)], result) == brute_force, (x, label, column)


def test_verdicts_text_and_line_are_all_about_the_panels_target(qtbot, window, store):
    """With overlays whose own targets are 0.05 (Chest X-ray) and 0.15 (RLHF) and the panel's ε = 0.1,
    the text and the line were about 0.1 but the verdict column about each scenario's own target:
    Chest X-ray at r = 1, 2 (achievable 0.0517) read "not ruled out, not guaranteed"."""
    from advisor.evaluation.evaluate import evaluate

    panel = window.xy_plot
    overlays = [s for s in store.list(order_by="name", descending=False)
                if s.name.startswith(("Chest X-ray", "RLHF"))]
    assert len(overlays) == 2
    panel.set_checked([s.id for s in overlays])
    type_over(qtbot, panel._target_edit, "0.1")
    _sweep_raters(qtbot, panel, "1", "6", "6")
    model = panel.table.model()
    verdict_column = model.columnCount() - 1
    assert model.headerData(verdict_column, Qt.Orientation.Horizontal) == "verdict at ε = 0.1"
    assert panel._targets["risk"].value() == 0.1
    assert "target ε = 0.1" in panel._crossings.text()
    own = {s.name: store.get(s.id).scenario for s in overlays}
    row = 0
    for label, result in panel.results:
        assert result.target_risk == 0.1
        for x in result.xs:
            scenario = own.get(label, window.state.scenario)
            expected = evaluate(scenario.with_changes({"target.target_risk": 0.1, "raters.per_item": x}),
                                curves=False).verdict
            assert model.index(row, verdict_column).data() == cell_text("verdict", expected), (label, x)
            row += 1
    for name, scenario in own.items():
        assert f"(its own target is {scenario.target.target_risk:g})" in panel._crossings.text(), name


def test_range_messages_use_the_fields_labels_and_a_refused_run_leaves_no_export(qtbot, window):
    panel = window.xy_plot
    _sweep_raters(qtbot, panel, "1", "6", "6")
    assert panel._csv_button.isEnabled()
    type_over(qtbot, panel._stop_edit, "0")
    qtbot.keyClick(panel._stop_edit, Qt.Key.Key_Return)
    assert "from must be below to, got from 1 and to 0" in panel._message.text()
    assert "start" not in panel._message.text() and "stop" not in panel._message.text()
    # The plot shown is the previous sweep's, said so, and cannot be exported as the fields' sweep.
    assert panel._stale_note.isVisible() and "previous sweep" in panel._stale_note.text()
    for button in (panel._csv_button, panel._png_button, panel._svg_button):
        assert QApplication.widgetAt(button.mapToGlobal(button.rect().center())) is button
        assert not button.isEnabled()
    type_over(qtbot, panel._stop_edit, "6")
    assert not panel._stale_note.isVisible() and panel._csv_button.isEnabled()


def test_letters_in_from_and_a_target_out_of_range_are_refused_with_a_reason(qtbot, window):
    panel = window.xy_plot
    type_over(qtbot, panel._start_edit, "abc")
    assert panel._message.text().startswith("from: only a number can be typed here")
    type_over(qtbot, panel._target_edit, "5")
    qtbot.keyClick(panel._target_edit, Qt.Key.Key_Tab)
    assert panel._message.text() == "target ε must be above 0 and below 1, got 5"
    assert panel.run() is None
    assert panel._message.text() == "target ε must be above 0 and below 1, got 5"


def test_the_target_label_stays_inside_the_plot_near_its_top(qtbot, window):
    panel = window.xy_plot
    type_over(qtbot, panel._target_edit, "0.5")
    _choose_x(qtbot, panel, "seconds")
    _run(qtbot, panel)
    QApplication.processEvents()
    view = panel.plot("risk").getViewBox()
    line = panel._targets["risk"]
    low, high = view.viewRange()[1]
    assert line.value() == 0.5 and line.value() > (low + high) / 2  # the line is in the upper half
    label = line.label.mapRectToScene(line.label.boundingRect())
    assert view.sceneBoundingRect().contains(label), (label, view.sceneBoundingRect())


def test_the_progress_bar_is_wide_enough_for_its_text(qtbot, window):
    """During a long sweep the bar was 94 px wide and "691 / 1500 points" wrapped onto two cut lines."""
    from PySide6.QtWidgets import QStyle, QStyleOptionProgressBar

    panel = window.xy_plot
    _choose_x(qtbot, panel, "seconds")
    type_over(qtbot, panel._points_spin.lineEdit(), "1500")
    with qtbot.waitSignal(panel.sweep_finished, timeout=120_000):
        qtbot.keyClick(panel._run_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        bar = panel._progress
        QApplication.processEvents()
        assert bar.isVisible()
        assert QApplication.widgetAt(bar.mapToGlobal(bar.rect().center())) is bar
        longest = f"{bar.maximum()} / {bar.maximum()} points"
        option = QStyleOptionProgressBar()
        bar.initStyleOption(option)
        label = bar.style().subElementRect(QStyle.SubElement.SE_ProgressBarLabel, option, bar)
        width = bar.fontMetrics().horizontalAdvance(longest)
        assert width <= bar.contentsRect().width() and width <= label.width(), (width, label, bar.contentsRect())
        panel.cancel()


def test_dense_sweeps_are_drawn_without_point_markers(qtbot, window):
    """At 500 points the dots merged into bands where solid and dashed lines looked alike."""
    from ui.panels.xy_plot import MARKER_POINTS_MAX

    panel = window.xy_plot
    _sweep_raters(qtbot, panel, "1", "6", "6")
    assert panel.curve(0, "floor").opts["symbol"] == "o"
    _choose_x(qtbot, panel, "seconds")
    type_over(qtbot, panel._points_spin.lineEdit(), str(MARKER_POINTS_MAX + 10))
    _run(qtbot, panel)
    assert len(panel.results[0][1].xs) > MARKER_POINTS_MAX
    assert panel.curve(0, "floor").opts["symbol"] is None and panel.curve(0, "achievable").opts["symbol"] is None


def test_the_running_message_counts_scenarios_and_points_in_words(qtbot, window, store):
    panel = window.xy_plot
    panel.set_checked([s.id for s in store.list(order_by="name", descending=False)
                       if s.id != window.state.stored_id][:2])
    _choose_x(qtbot, panel, "raters")
    type_over(qtbot, panel._start_edit, "1")
    type_over(qtbot, panel._stop_edit, "6")
    type_over(qtbot, panel._points_spin.lineEdit(), "6")
    with qtbot.waitSignal(panel.sweep_finished, timeout=120_000):
        qtbot.keyClick(panel._run_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert panel._message.text() == "Sweeping 3 scenarios over 6 points…"


def test_before_a_sweep_the_plots_pane_says_what_it_will_show(qtbot, window):
    """Before a sweep the plots' pane was an empty white rectangle; it says what a sweep draws there, and
    the plots take its place."""
    from ui.panels.xy_plot import NOT_RUN_PLOT_TEXT

    panel = window.xy_plot
    assert panel.plot_message == NOT_RUN_PLOT_TEXT
    view = panel.layout_widget
    label = view.ci.getItem(0, 0)
    centre = view.mapFromScene(label.sceneBoundingRect().center())
    assert view.rect().contains(centre) and label.isVisible()
    _sweep_raters(qtbot, panel, points="3")
    assert panel.plot_message == ""
    assert view.ci.getItem(0, 0) is panel.plot("risk")
