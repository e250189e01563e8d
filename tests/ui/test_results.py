"""Live results: every kind of edit reaches the cards, charts and plots, off
the GUI thread, with the event loop turning throughout."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from advisor.evaluation.evaluate import evaluate
from advisor.scenario.schema import example_scenarios
from ui.panels.editor import ScenarioEditorWidget
from ui.panels.results import ResultsWidget
from ui.core.settings import display_settings
from ui.core.workers import DebouncedEvaluator


@pytest.fixture
def scenario():
    """The first example with two contexts, however many questions it has
    (the conftest's ``state`` wraps it)."""
    return next(s for s in example_scenarios() if len(s.contexts) > 1)


@pytest.fixture
def panel(qtbot, state):
    """The editor and the results side by side on one state, as in the window."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    editor = ScenarioEditorWidget(state)
    results = ResultsWidget(state)
    layout.addWidget(editor)
    layout.addWidget(results)
    qtbot.addWidget(holder)
    holder.resize(1500, 950)
    holder.show()
    qtbot.waitUntil(lambda: results.evaluation is not None, timeout=30_000)
    # qtbot holds widgets weakly: the generator keeps the holder alive.
    yield editor, results


def _wait_for(qtbot, results, state):
    """Until the results show the state's current scenario."""
    qtbot.waitUntil(lambda: results.evaluation is not None
                    and results.evaluation.content_hash == state.scenario.content_hash()
                    and not results.evaluator.is_busy, timeout=30_000)


def test_results_show_the_evaluation(panel, state):
    _, results = panel
    expected = evaluate(state.scenario)
    assert results.card("capacity").value_text == f"{expected.capacity_nats / 0.6931471805599453:.2f} bits"
    assert results.card("floor").value_text == f"{expected.floor:.3f}"
    assert results.card("achievable").value_text == f"{expected.achievable:.3f}"
    assert results.card("floor").status == ("good" if expected.floor_meets_target else "bad")
    needed = expected.items_needed
    assert f"{needed.at_least:,} to" in results.card("items").detail_text
    assert expected.verdict_text in results.headline_text()
    for name in ("items", "log2_m", "raters", "seconds"):
        plot = results.curve_plot(name)
        assert plot.curve == expected.curves[name]
        xs, ys = plot._ceiling.getData()
        assert len(xs) == len(expected.curves[name].x) and max(ys) <= 1.0
        # The interval is never inverted: the band runs from the floor up to the achievable risk.
        _, floors = plot._floor.getData()
        _, achieved = plot._achievable.getData()
        assert all(f <= a + 1e-12 for f, a in zip(floors, achieved))
    # Against m the ceiling and the value model's learning error fall.
    items = results.curve_plot("items")
    _, ceiling = items._ceiling.getData()
    assert ceiling[-1] < ceiling[0] and all(b <= a + 1e-12 for a, b in zip(ceiling, ceiling[1:]))
    for line in items._learning:
        _, values = line.getData()
        assert values[-1] < values[0] and all(b <= a + 1e-12 for a, b in zip(values, values[1:]))
    # The breakdown is drawn when its tab is opened (an edit does not pay for a hidden chart).
    results.tabs.setCurrentIndex(1)
    groups = results.breakdown_chart.group_names
    assert len(groups) == sum(len(c.questions) for c in expected.contexts)
    panel_bits = [q.panel_nats / 0.6931471805599453 for c in expected.contexts for q in c.questions]
    assert results.breakdown_chart.bar_values("panel_nats") == pytest.approx(panel_bits, rel=1e-9)
    assert results.warnings() == [f"⚠ {w}" for w in expected.warnings]


def test_spin_edit_updates_state_and_results(qtbot, panel, state):
    editor, results = panel
    before = results.evaluation
    editor.field_widget("raters.per_item").setValue(state.scenario.raters.per_item + 3)
    _wait_for(qtbot, results, state)
    assert results.evaluation.capacity_nats > before.capacity_nats
    assert results.card("cost").value_text != f"{before.currency} {before.cost:,.0f}"
    assert results.curve_plot("raters").curve.current == state.scenario.raters.per_item


def test_combo_edit_updates_state_and_results(qtbot, panel, state):
    editor, results = panel
    combo = editor.field_widget("bounds.ceiling_form")
    combo.setCurrentIndex(combo.findData("mcallester"))
    _wait_for(qtbot, results, state)
    assert results.evaluation.ceiling_form == "mcallester"
    assert results.card("achievable").detail_text.endswith("(mcallester)")


def test_table_cell_edit_updates_state_and_results(qtbot, panel, state, edit_cell):
    editor, results = panel
    words = state.scenario.contexts[0].reading_words + 400
    before = results.evaluation.contexts[0].judgment_seconds
    edit_cell(editor.contexts_table, 0, 3, int(words))
    assert state.scenario.contexts[0].reading_words == words
    _wait_for(qtbot, results, state)
    assert results.evaluation.contexts[0].judgment_seconds < before


def test_checkbox_edit_updates_state_and_results(qtbot, panel, state):
    editor, results = panel
    assert results.card("cost").status == "neutral"
    editor.field_widget("campaign.budget_cap").setValue(1.0)
    editor.field_widget("campaign.budget_cap:enabled").setChecked(True)
    assert state.scenario.campaign.budget_cap == 1.0
    _wait_for(qtbot, results, state)
    assert results.card("cost").status == "bad" and "cap" in results.card("cost").detail_text


def test_card_colour_follows_the_target(qtbot, panel, state):
    editor, results = panel
    editor.field_widget("target.target_risk").setValue(0.999)
    _wait_for(qtbot, results, state)
    assert results.card("floor").status == "good"
    editor.field_widget("target.target_risk").setValue(0.0001)
    _wait_for(qtbot, results, state)
    assert results.card("floor").status == "bad" and results.card("capacity").status == "bad"


def test_a_design_no_items_can_teach_keeps_the_results_as_wide(qtbot, panel, state):
    """A time per item below the reading time leaves the items card without a number: its value
    ("none suffice" in large type) widened the results' least width by 51 px, which the window's
    splitter took from the editor while the user edited."""
    editor, results = panel
    least = results.minimumSizeHint().width()
    editor.field_widget("campaign.seconds_per_item").setValue(1.0)
    _wait_for(qtbot, results, state)
    assert results.evaluation.items_needed.at_least is None
    assert results.card("items").value_text == "none" and "suffices" in results.card("items").detail_text
    assert results.minimumSizeHint().width() <= least
    editor.undo_stack.undo()
    _wait_for(qtbot, results, state)


def test_unit_switch_redraws_in_nats(qtbot, panel, state):
    _, results = panel
    nats = results.evaluation.capacity_nats
    display_settings().set_unit("nats")
    assert results.card("capacity").value_text == f"{nats:.2f} nats"
    results.tabs.setCurrentIndex(1)
    first = results.evaluation.contexts[0].questions[0].panel_nats
    assert results.breakdown_chart.bar_values("panel_nats")[0] == pytest.approx(first)


def test_event_loop_turns_while_evaluating(qtbot, state):
    """A QTimer keeps ticking, and the busy indicator shows, while an
    evaluation runs in the worker: the evaluation does not return until the
    GUI thread has counted 15 ticks of a timer and shown the indicator, so it
    finishes only if the event loop turns throughout."""
    gate_armed = threading.Event()
    evaluating = threading.Event()
    loop_turned = threading.Event()

    def gated_evaluate(scenario):
        if gate_armed.is_set():
            evaluating.set()
            try:
                if not loop_turned.wait(30):
                    raise RuntimeError("the event loop did not turn while the worker evaluated")
            finally:
                evaluating.clear()
        return evaluate(scenario)

    results = ResultsWidget(state, evaluator=DebouncedEvaluator(evaluate_fn=gated_evaluate))
    qtbot.addWidget(results)
    results.show()
    with qtbot.waitSignal(results.updated, timeout=30_000):
        pass
    during: list[int] = []

    def tick() -> None:
        if evaluating.is_set():
            during.append(len(during))
            if len(during) >= 15 and results.is_busy_shown():
                loop_turned.set()

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    timer.start()
    gate_armed.set()
    state.set("raters.per_item", state.scenario.raters.per_item + 1)
    with qtbot.waitSignal(results.updated, timeout=30_000):
        pass
    timer.stop()
    assert loop_turned.is_set()
    assert not results.is_busy_shown()
    assert len(during) >= 15


def test_failed_evaluation_is_shown(qtbot, state):
    def broken(_scenario):
        raise ValueError("seconds_per_item: too short for any judgment")

    results = ResultsWidget(state, evaluator=DebouncedEvaluator(evaluate_fn=broken))
    qtbot.addWidget(results)
    results.show()
    with qtbot.waitSignal(results.evaluator.failed, timeout=5000):
        pass
    assert "too short for any judgment" in results.error_text()


def test_a_zoom_is_of_one_scenario(qtbot, panel, state):
    """A Ctrl + wheel zoom of the plot over items stayed on the next scenario opened, whose curve
    has the same range (the X-ray example's "now: 5,000" label was cut off)."""
    _, results = panel
    plot = results.curve_plot("items")
    view = plot.getPlotItem().getViewBox()
    fitted = view.viewRange()[0]
    low, high = fitted
    view.setXRange(low + 0.3 * (high - low), high - 0.3 * (high - low), padding=0.0)
    assert view.viewRange()[0] != pytest.approx(fitted)
    other = next(s for s in example_scenarios() if s.name != state.scenario.name)
    state.load(other, stored_id=2, revision=1)
    _wait_for(qtbot, results, state)
    assert results.curve_plot("items").getPlotItem().getViewBox().viewRange()[0] == pytest.approx(fitted)
