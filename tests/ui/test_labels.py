"""Word-wrapped labels of stable height (ui.widgets.labels), and the results pane they keep still:
edits whose verdict wraps to another number of lines, or whose warnings come and go, do not resize
the plots."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from advisor.scenario.schema import example_scenarios
from advisor.scenario.state import ScenarioState
from ui.panels.results import NO_WARNINGS_TEXT, ResultsWidget
from ui.widgets.labels import WrappingLabel

LONG = " ".join(["a rather long verdict that wraps"] * 6)
SHORT = "short"


def _plain_height(text: str, width: int, like: QLabel) -> int:
    """The height a plain word-wrapped QLabel in the same font needs for ``text`` at ``width``."""
    plain = QLabel(text)
    plain.setWordWrap(True)
    plain.setFont(like.font())
    return plain.heightForWidth(width)


def test_a_shorter_text_keeps_the_height_at_the_same_width_and_a_new_width_finds_its_own(qtbot):
    label = WrappingLabel(LONG, min_lines=1)
    qtbot.addWidget(label)
    tall = label.heightForWidth(200)
    assert tall == _plain_height(LONG, 200, label) > 2 * label.fontMetrics().lineSpacing()
    label.setText(SHORT)
    assert label.heightForWidth(200) == tall  # the tallest shown at this width
    # At another width the short text is one line (the reserved minimum).
    assert label.heightForWidth(400) == max(label.fontMetrics().lineSpacing(), _plain_height(SHORT, 400, label))
    assert label.heightForWidth(400) < tall


def test_min_lines_are_reserved_and_the_text_is_whole_when_there_is_room(qtbot):
    reserved = WrappingLabel(SHORT, min_lines=3)
    long = WrappingLabel(LONG, min_lines=1)
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.addWidget(reserved)
    layout.addWidget(long)
    layout.addStretch(1)
    qtbot.addWidget(holder)
    holder.resize(220, 400)
    holder.show()
    qtbot.waitExposed(holder)
    lines = reserved.fontMetrics().lineSpacing()
    assert reserved.minimumSizeHint().height() == 3 * lines <= reserved.height()
    assert long.height() >= _plain_height(LONG, long.width(), long) > 3 * lines


def test_min_lines_below_one_is_refused():
    import pytest

    with pytest.raises(ValueError, match="min_lines"):
        WrappingLabel("x", min_lines=0)


class _Resizes(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.count += 1
        return False


class _Pane:
    """A results pane on its own state, 560 × 820 and shown, for one example."""

    def __init__(self, qtbot, example: str):
        self.qtbot = qtbot
        self.scenario = next(s for s in example_scenarios() if s.name.startswith(example))
        self.state = ScenarioState(self.scenario, stored_id=1, revision=1)
        self.results = ResultsWidget(self.state)
        qtbot.addWidget(self.results)
        self.results.resize(560, 820)
        self.results.show()
        qtbot.waitExposed(self.results)

    def settle(self, design) -> None:
        """Wait for ``design``'s evaluation to be shown, and its layout requests handled."""
        results = self.results
        self.qtbot.waitUntil(lambda: results.evaluation is not None
                             and results.evaluation.content_hash == design.content_hash()
                             and not results.evaluator.is_busy, timeout=30_000)
        # The new texts' layout requests are posted events: handle them (and what they post) here,
        # so that a layout an earlier step asked for is not counted in a later one.
        for _ in range(3):
            QCoreApplication.sendPostedEvents()
            QApplication.processEvents()

    def show(self, design) -> None:
        self.state.replace(design)
        self.settle(design)

    def count_plot_resizes(self) -> _Resizes:
        counter = _Resizes()
        for plot in self.results._plots.values():
            plot.installEventFilter(counter)
        return counter


def test_edits_that_rewrap_the_verdict_do_not_resize_the_plots(qtbot):
    """Two designs whose verdicts differ in length, alternated: after the first round trip the
    headline keeps the taller one's height, so the plots below keep their size."""
    pane = _Pane(qtbot, "Tweet sentiment")
    designs = [pane.scenario.with_changes({"raters.per_item": count}) for count in (2, 4)]
    verdicts = set()
    for design in designs:  # the first round trip: each verdict shown once
        pane.show(design)
        verdicts.add(pane.results.evaluation.verdict_text)
    assert len(verdicts) == 2
    counter = pane.count_plot_resizes()
    for design in designs * 3:
        pane.show(design)
    assert counter.count == 0


def test_edits_that_clear_the_warnings_keep_their_place_until_another_scenario_opens(qtbot):
    """One rater: no warning; three: "more raters buy almost nothing there". Alternating them keeps
    the list, which then says there are none, without moving the plots; another scenario opened
    without warnings, stored or not, gives its place back to the plots."""
    pane = _Pane(qtbot, "Chest X-ray")
    results = pane.results
    warned, quiet = (pane.scenario.with_changes({"raters.per_item": count}) for count in (3, 1))
    pane.show(quiet)
    assert results.warnings() == [] and not results._warnings.isVisible()
    height_without = results._plots["items"].height()
    pane.show(warned)
    assert results.warnings() and "more raters buy almost nothing" in results.warnings()[0]
    assert results._warnings.isVisible()
    height_with = results._plots["items"].height()
    assert height_with < height_without  # the warnings took their place from the plots
    counter = pane.count_plot_resizes()
    for design in (quiet, warned) * 3:
        pane.show(design)
        assert results._warnings.isVisible()
        shown = [results._warnings.item(i).text() for i in range(results._warnings.count())]
        assert shown == ([f"⚠ {text}" for text in results.evaluation.warnings] or [NO_WARNINGS_TEXT])
        assert results.warnings() == shown[:len(results.evaluation.warnings)]
    assert counter.count == 0
    # The warned design opened again as a new, unsaved scenario (the same numbers: no evaluation),
    # then another unsaved one with no warnings: the plots take the place back (its verdict may wrap
    # to another number of lines than the first one's, so the height is not exactly the first).
    pane.state.load(warned)
    pane.settle(warned)
    assert results._warnings.isVisible() and results.warnings()
    other = next(s for s in example_scenarios() if s.name.startswith("RLHF pairwise"))
    pane.state.load(other)
    pane.settle(other)
    assert results.warnings() == [] and not results._warnings.isVisible()
    assert results._plots["items"].height() >= height_with + results._warnings.height() // 2
