"""The pilot wizard's validation page: the table and plots of ``pilot validate`` on a real pilot.

The controls are reached as a user reaches them: ``QApplication.widgetAt`` at each control's
centre must be the control (nothing laid over it), a real mouse click there, real key events into
the spin boxes. The numbers are checked against an independent call of
:func:`advisor.pilot.validation.validate_pilot` with the same settings (the same seed gives the
same splits, pilots and fits), and the plots against the protocol's per-split measurements.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from advisor.pilot.reading import read_pilot
from advisor.pilot.validation import validate_pilot
from advisor.scenario.schema import Question, ResponseFormat, Scenario
from ui.core.settings import display_settings
from ui.widgets.pilot_validation import COLUMNS, MODELS, PilotValidationWidget

PILOTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pilots"
WSD = PILOTS / "snow2008_wsd.csv"


@pytest.fixture(scope="module")
def wsd():
    return read_pilot(WSD)


def _centre_hit(widget: QWidget) -> QWidget | None:
    return QApplication.widgetAt(widget.mapToGlobal(widget.rect().center()))


def _owns(widget: QWidget, other: QWidget | None) -> bool:
    return other is not None and (other is widget or widget.isAncestorOf(other))


def _click(qtbot, widget: QWidget) -> None:
    """A real mouse click at the widget's centre, on whatever lies there (which must be it)."""
    hit = _centre_hit(widget)
    assert _owns(widget, hit), f"{type(widget).__name__} is covered by {type(hit).__name__ if hit else None}"
    centre = widget.mapToGlobal(widget.rect().center())
    QTest.mouseClick(hit, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, hit.mapFromGlobal(centre))


def _type_into(qtbot, spin, value: int, key: Qt.Key = Qt.Key.Key_Tab) -> None:
    """Click the spin box, select its text, type ``value`` and press ``key`` (Tab moves on, Enter
    also validates), as a user does."""
    _click(qtbot, spin)
    focus = QApplication.focusWidget()
    assert _owns(spin, focus)
    QTest.keyClick(focus, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(focus, str(value))
    QTest.keyClick(focus, key)
    assert spin.value() == value


def _shown(qtbot, show_widget, dataset) -> PilotValidationWidget:
    widget = PilotValidationWidget()
    widget.set_pilot(dataset, scale="nominal")
    show_widget(widget, (1200, 760), activate=True)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=5000)
    return widget


def test_validate_shows_the_rows_and_plots_of_pilot_validate(qtbot, show_widget, wsd):
    widget = _shown(qtbot, show_widget, wsd)
    assert widget._run_button.isEnabled() and not widget._stop_button.isEnabled()
    _type_into(qtbot, widget._splits_spin, 2)
    _type_into(qtbot, widget._seed_spin, 3)
    with qtbot.waitSignal(widget.finished, timeout=120_000) as blocker:
        _click(qtbot, widget._run_button)
    result = blocker.args[0]
    assert widget.result is result and not widget.is_running
    assert widget._progress_bar.text() == "Done"

    # The same numbers as an independent run with the same settings.
    expected = validate_pilot(wsd, splits=2, seed=3, pilot_raters=3, models=MODELS).to_dict()
    rows = expected["rows"]
    table = widget._table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == list(COLUMNS)
    assert table.rowCount() == len(rows) == 10
    for index, row in enumerate(rows):
        cells = [table.item(index, c).text() for c in range(table.columnCount())]
        assert cells[0] == str(row["r"])
        assert float(cells[1]) == pytest.approx(row["empirical_majority"], abs=5e-4)
        assert float(cells[2]) == pytest.approx(row["predicted_majority"], abs=5e-4)
        assert float(cells[6]) == pytest.approx(row["empirical_information_bits"], abs=5e-4)
        low, high = (float(v) for v in cells[7].strip("[]").split(","))
        assert (low, high) == pytest.approx(tuple(row["information_ci_bits"]), abs=5e-4)
        assert float(cells[8]) == pytest.approx(row["predicted_information_bits"], abs=5e-4)
        assert float(cells[9]) == pytest.approx(row["floor"], abs=5e-5)
    assert table.item(0, 4).text().endswith("*")  # one label per item: majority vote stands in
    summary = widget._summary_label.text()
    assert f"mean error {100 * expected['mean_abs_error_majority']:.2f} points" in summary

    # Plots: measured majority vote with the range over the two splits, the predicted curve, and
    # the information with its mean interval as error bars and the credible band.
    r = np.arange(1, 11, dtype=float)
    measured = result.validation.empirical_majority
    xs, ys = widget._mv_measured.getData()
    assert np.allclose(xs, r) and np.allclose(ys, [row["empirical_majority"] for row in rows])
    bars = widget._mv_range.opts
    assert np.allclose(bars["top"], measured.max(axis=0) - measured.mean(axis=0))
    assert np.allclose(bars["bottom"], measured.mean(axis=0) - measured.min(axis=0))
    assert np.allclose(widget._mv_predicted.getData()[1], [row["predicted_majority"] for row in rows])
    info = widget._info_interval.opts
    assert np.allclose(info["y"] + info["top"], [row["information_ci_bits"][1] for row in rows])
    assert np.allclose(info["y"] - info["bottom"], [row["information_ci_bits"][0] for row in rows])
    band_low, band_high = widget._info_low.getData()[1], widget._info_high.getData()[1]
    predicted = widget._info_predicted.getData()[1]
    assert np.all(band_low <= predicted + 1e-12) and np.all(predicted <= band_high + 1e-12)
    # The band has its line's colour (it was the other plot's blue beside an orange line in the legend).
    band = widget._info_band.brush().color()
    line = widget._info_predicted.opts["pen"].color()
    assert (band.red(), band.green(), band.blue()) == (line.red(), line.green(), line.blue())

    # The display unit follows the app's: nats are bits times ln 2.
    display_settings().set_unit("nats")
    assert float(table.item(9, 6).text()) == pytest.approx(rows[9]["empirical_information_bits"] * math.log(2), abs=5e-4)
    assert np.allclose(widget._info_measured.getData()[1],
                       [row["empirical_information_bits"] * math.log(2) for row in rows])


def test_stop_cancels_a_running_validation_and_validate_starts_again(qtbot, show_widget, wsd):
    widget = _shown(qtbot, show_widget, wsd)
    _type_into(qtbot, widget._splits_spin, 40)
    _click(qtbot, widget._run_button)
    assert widget.is_running and widget._stop_button.isEnabled() and not widget._run_button.isEnabled()
    assert not widget._splits_spin.isEnabled()  # settings are fixed while it runs
    _click(qtbot, widget._stop_button)
    qtbot.waitUntil(lambda: not widget.is_running, timeout=120_000)
    assert widget.result is None and widget._table.rowCount() == 0
    assert "Stopped" in widget._status_label.text() and widget._progress_bar.text() == "Stopped"
    assert widget._run_button.isEnabled() and widget._splits_spin.isEnabled()


def test_another_pilot_drops_the_running_validation_of_the_first(qtbot, show_widget, wsd):
    widget = _shown(qtbot, show_widget, wsd)
    _type_into(qtbot, widget._splits_spin, 40)
    _click(qtbot, widget._run_button)
    assert widget.is_running
    toy = read_pilot(PILOTS / "ipeirotis_adultcontent_toy.csv")
    with qtbot.assertNotEmitted(widget.finished):
        widget.set_pilot(toy, scale="nominal")
        qtbot.waitUntil(lambda: not widget.is_running, timeout=120_000)
    assert widget.result is None and widget._table.rowCount() == 0
    assert "Validate to calibrate" in widget._status_label.text()
    assert widget._run_button.isEnabled() and not widget._stop_button.isEnabled()


def test_a_pilot_without_gold_cannot_be_validated(qtbot, show_widget, tmp_path):
    path = tmp_path / "no_gold.csv"
    path.write_text("item,rater,label\n" + "".join(f"i{i},r{j},{(i * j) % 2}\n" for i in range(8) for j in range(5)))
    widget = _shown(qtbot, show_widget, read_pilot(path))
    assert not widget._run_button.isEnabled()
    assert "no gold" in widget._status_label.text()


def _wizard_on_the_summary(qtbot, wizard):
    """``wizard`` with the WSD pilot read and summarised (no resamples), on its summary page."""
    wizard.file_page._resamples_spin.setValue(0)
    wizard.set_path(WSD)
    qtbot.waitUntil(lambda: not wizard.is_busy(), timeout=60_000)
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.is_busy(), timeout=60_000)
    return wizard


def _word_senses() -> Scenario:
    return Scenario(name="Word senses", questions=(
        Question(name="sense", format=ResponseFormat(kind="categorical", k=3)),))


def test_the_wizard_summary_page_offers_the_validation_of_its_pilot(qtbot, empty_store):
    from ui.dialogs.pilot_wizard import PilotWizard

    wizard = PilotWizard(empty_store, _word_senses())
    qtbot.addWidget(wizard)
    wizard.restart()
    _wizard_on_the_summary(qtbot, wizard)
    page = wizard.summary_page
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["Summary", "Validate the model"]
    validation = page.validation
    assert validation._dataset is wizard.loaded.dataset and validation._scale == "nominal"
    assert validation._run_button.isEnabled()
    # A running validation keeps the wizard busy; Back stops it.
    validation._splits_spin.setValue(40)
    validation.run()
    assert wizard.is_busy()
    wizard.back()
    qtbot.waitUntil(lambda: not wizard.is_busy(), timeout=120_000)
    assert validation.result is None and "Stopped" in validation._status_label.text()


def test_the_wizard_opens_wide_enough_for_every_column_and_enter_in_a_setting_validates(qtbot, show_widget, empty_store):
    # On the tests' 1920 × 1200 screen, with no size remembered, the wizard opens at its preferred
    # size, and there the validation table of a real pilot shows every column beside the plots:
    # no column behind the table's horizontal scroll bar (at the former 1000 × 760 the floor column
    # was).
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication

    from ui.core.settings import fitted_size
    from ui.dialogs.pilot_wizard import PREFERRED_SIZE, SMALLEST_SIZE, PilotWizard

    wizard = PilotWizard(empty_store, _word_senses())
    available = QGuiApplication.primaryScreen().availableGeometry().size()
    assert wizard.size() == fitted_size(PREFERRED_SIZE, SMALLEST_SIZE, available) == QSize(1440, 900)
    _wizard_on_the_summary(qtbot, show_widget(wizard, activate=True))
    page = wizard.summary_page
    page.tabs.setCurrentWidget(page.validation)
    validation = page.validation
    validation._seed_spin.setValue(3)
    # Enter in a setting takes the value and validates, and the wizard stays on its page (a spin box
    # passes Enter on, and the wizard's Next used to take it).
    with qtbot.waitSignal(validation.finished, timeout=120_000):
        _type_into(qtbot, validation._splits_spin, 2, Qt.Key.Key_Return)
    assert wizard.currentPage() is page
    table = validation._table
    assert table.rowCount() == 10
    qtbot.waitUntil(lambda: table.horizontalHeader().length() > 0, timeout=5000)
    QApplication.processEvents()
    assert table.horizontalHeader().length() <= table.viewport().width(), (
        f"columns {table.horizontalHeader().length()} px in a {table.viewport().width()} px table")
    assert table.horizontalScrollBar().maximum() == 0
