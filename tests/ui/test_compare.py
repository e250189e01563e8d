"""Comparing saved scenarios: a side-by-side table with the differences
highlighted and the curves overlaid, one colour per scenario."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from advisor.scenario.comparison import input_rows
from ui.panels.compare import CompareWidget


@pytest.fixture
def compare(show_widget, store):
    return show_widget(CompareWidget(store), (1300, 860))


def test_three_scenarios_side_by_side(qtbot, compare, store):
    chosen = store.list(order_by="name", descending=False)[:3]
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    assert [c.name for c in compare.compared] == [s.name for s in chosen]
    table = compare.table
    assert table.columnCount() == 4
    assert [table.horizontalHeaderItem(c).toolTip() for c in range(1, 4)] == [s.name for s in chosen]
    assert all(table.horizontalHeaderItem(c).text().replace("\n", " ") == s.name for c, s in zip(range(1, 4), chosen))
    labels = [table.item(row, 0).text() for row in range(table.rowCount())]
    assert "Risk floor (exact)" in labels and "Raters per item r" in labels
    differing = compare.differing_labels()
    assert "Risk floor (exact)" in differing
    raters = {c.scenario.raters.per_item for c in compare.compared}
    assert ("Raters per item r" in differing) == (len(raters) > 1)
    for name in ("items", "log2_m", "raters", "seconds"):
        assert compare.plot(name).series_count() == 3
    compare.set_checked([s.id for s in chosen[:2]])
    qtbot.waitUntil(lambda: len(compare.compared) == 2, timeout=60_000)
    assert compare.plot("items").series_count() == 2 and compare.table.columnCount() == 3


def test_fewer_than_two_shows_nothing(qtbot, compare, store):
    with qtbot.waitSignal(compare.comparison_ready, timeout=10_000):
        compare.set_checked([store.list()[0].id])
    assert compare.compared == [] and compare.table.rowCount() == 0
    # The plots' place says how to fill it instead of showing empty axes.
    assert compare.plots_hint.isVisible() and not compare.plot("items").isVisible()
    centre = compare.plots_hint.mapToGlobal(compare.plots_hint.rect().center())
    assert QApplication.widgetAt(centre) is compare.plots_hint
    chosen = store.list(order_by="name", descending=False)[:2]
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    assert not compare.plots_hint.isVisible() and compare.plot("items").isVisible()
    with qtbot.waitSignal(compare.comparison_ready, timeout=10_000):
        compare.set_checked([])
    assert compare.plots_hint.isVisible()


def test_only_differences_filter(qtbot, compare, store):
    chosen = store.list(order_by="name", descending=False)[:2]
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    all_rows = compare.table.rowCount()
    compare._only_differences.setChecked(True)
    assert 0 < compare.table.rowCount() < all_rows
    sections = [row for row in range(compare.table.rowCount()) if compare.table.columnSpan(row, 0) > 1]
    assert len(compare.differing_labels()) == compare.table.rowCount() - len(sections)


def test_questions_are_aligned_by_name(store):
    a = store.get(store.list()[0].id).scenario
    b = a.with_changes({"questions.0.name": "renamed question"})
    rows = input_rows([a, b])
    groups = {group for group, _, _ in rows}
    assert f"Question “{a.questions[0].name}”" in groups and "Question “renamed question”" in groups
    missing = [values for group, _, values in rows if group == "Question “renamed question”"]
    assert all(values[0] == "—" for values in missing)


def test_difficulty_classes_and_rater_types_read_by_field_name(store):
    """Compare showed a model's source text: "weight=0.9008862475465118 multiplier=1.1257397138334964"."""
    a = store.get(store.list()[0].id).scenario
    b = a.with_changes({"raters.difficulty_classes": [{"weight": 0.9008862475465118, "multiplier": 1.1257397138334964},
                                                      {"weight": 0.0991137524534882, "multiplier": 0.25}],
                        "raters.rater_types": [{"weight": 0.5, "dprime_multiplier": 1.2, "bias": 0.1},
                                               {"weight": 0.5, "dprime_multiplier": 0.8, "bias": -0.1}]})
    shown = {label: values[1] for group, label, values in input_rows([a, b]) if group == "Raters"}
    # The fields by the form's names for them.
    assert "share 0.900886, d′ × 1.12574; share 0.0991138, d′ × 0.25" in shown.values()
    assert "share 0.5, d′ × 1.2, bias shift 0.1; share 0.5, d′ × 0.8, bias shift -0.1" in shown.values()
    assert not any("=" in value for value in shown.values())


def test_a_rename_or_new_tags_recompute_nothing_and_a_number_edit_only_its_scenario(qtbot, compare, store,
                                                                                      monkeypatch):
    import advisor.evaluation.evaluate as evaluation_module

    chosen = store.list(order_by="name", descending=False)[:2]
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    evaluated = []
    real_evaluate = evaluation_module.evaluate
    monkeypatch.setattr(evaluation_module, "evaluate", lambda scenario, **kw: evaluated.append(scenario.name)
                        or real_evaluate(scenario, **kw))
    first = store.get(chosen[0].id)
    store.rename(first.id, "Renamed for the comparison")
    store.save(store.get(first.id).scenario.with_changes({"tags": ["compared"], "notes": "new notes"}),
               stored_id=first.id, base_revision=store.get(first.id).revision)
    # A rename, new tags and notes: shown at once, no evaluation started.
    with qtbot.waitSignal(compare.comparison_ready, timeout=1000):
        compare.refresh()
    assert evaluated == [] and not compare._runner.is_busy
    column = [c.stored_id for c in compare.compared].index(first.id) + 1
    assert compare.compared[column - 1].name == "Renamed for the comparison"
    assert compare.table.horizontalHeaderItem(column).toolTip() == "Renamed for the comparison"
    tags = next(row for row in range(compare.table.rowCount()) if compare.table.item(row, 0).text() == "Tags")
    assert compare.table.item(tags, column).text() == "compared"
    # A number edit evaluates that scenario only.
    second = store.get(chosen[1].id)
    store.save(second.scenario.with_changes({"raters.per_item": second.scenario.raters.per_item + 1}),
               stored_id=second.id, base_revision=second.revision)
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.refresh()
    assert evaluated == [second.name]
    changed = next(c for c in compare.compared if c.stored_id == second.id)
    assert changed.scenario.raters.per_item == second.scenario.raters.per_item + 1


def test_every_value_is_read_whole_or_in_its_tooltip(qtbot, compare, store):
    """A verdict or a tag list is not cut by its column: each text fits its column as the item view
    draws it (the font's advance plus the style's text margin on both sides); only a text longer
    than a column's most width may be cut, and its tooltip then holds it whole."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle

    from ui.panels.compare import VALUE_COLUMN_WIDTHS

    names = ["Chatbot rubric, three 7-point Likert questions", "RLHF pairwise preference with tie"]
    chosen = [s for s in store.list() if s.name in names]
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    table = compare.table
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    verdicts = []
    for row in range(table.rowCount()):
        if table.columnSpan(row, 0) > 1:
            continue
        for column in range(1, table.columnCount()):
            cell = table.item(row, column)
            needed = QFontMetrics(cell.font()).horizontalAdvance(cell.text()) + 2 * margin
            if table.item(row, 0).text() == "Verdict":
                verdicts.append(cell.text())
            if needed > table.columnWidth(column):
                assert table.columnWidth(column) == VALUE_COLUMN_WIDTHS[1], (cell.text(), table.columnWidth(column))
            assert cell.toolTip().startswith(cell.text())
    assert "not ruled out, not guaranteed" in verdicts


def test_against_items_the_value_models_error_tells_the_designs_apart(qtbot, compare, store):
    """Achievable risk and floor do not change with the number of items; the items overlay also
    draws each scenario's value-model error, point for point the evaluation's learning estimate,
    which falls with m. The other overlays have no such line."""
    chosen = store.list(order_by="name", descending=False)[:2]
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    items = compare.plot("items")
    assert items.learning_count() == 2
    for (achievable, floor, learning), shown in zip(items._pairs, compare.compared):
        curve = shown.evaluation.curves["items"]
        assert len(set(floor.getData()[1])) == 1  # flat: the reason for the third line
        _, ys = learning.getData()
        assert list(ys) == list(curve.learning_estimate)
        assert ys[0] > ys[-1]
    assert all(compare.plot(name).learning_count() == 0 for name in ("log2_m", "raters", "seconds"))
    assert "value model" in compare._legend.text()


def test_rows_of_questions_not_in_every_scenario_are_counted_apart(qtbot, compare, store):
    """Questions are matched by name, so each row of a question only some scenarios ask differs by
    being absent: five examples made "107 rows differ"."""
    chosen = store.list(order_by="name", descending=False)[:3]
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    # From the table alone: a group is absent from a scenario whose column is "—" in all its rows.
    table = compare.table
    groups: dict[str, list[int]] = {}
    group = None
    for row in range(table.rowCount()):
        if table.columnSpan(row, 0) > 1:
            group = table.item(row, 0).text()
        else:
            groups.setdefault(group, []).append(row)
    partial = {name for name, rows in groups.items()
               if any(all(table.item(row, c).text() == "—" for row in rows) for c in range(1, table.columnCount()))}
    assert any(name.startswith("Question") for name in partial), "the examples compared ask different questions"
    absent = differing = 0
    for name, rows in groups.items():
        for row in rows:
            if len({table.item(row, c).text() for c in range(1, table.columnCount())}) > 1:
                absent += name in partial
                differing += name not in partial
    status = compare._status.text()
    assert f"{differing} rows differ, and {absent} rows of questions or contexts not in every scenario" in status


def test_input_rows_carry_their_units_and_read_as_labels(store):
    """Compare rows read "Time per item T 120" (no unit) and "model bits", "format", "part"."""
    a = store.get(store.list()[0].id).scenario
    labels = {label for _, label, _ in input_rows([a, a.with_changes({"campaign.seconds_per_item": 90})])}
    assert {"Time per item T (s)", "Base time δ₀ (s)", "Reading speed (words/min)", "Deadline (h)"} <= labels
    assert "Items m" in labels and "Items m (items)" not in labels
    assert all(label[:1] == label[:1].upper() for label in labels)


def test_a_scenario_keeps_its_colour_when_another_leaves_the_comparison(qtbot, compare, store):
    """Colours went by column: unchecking the first scenario turned the others' colours over."""
    from ui.widgets.plots import series_colour

    chosen = store.list(order_by="name", descending=False)[:3]
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    header = compare.table.horizontalHeaderItem
    before = {header(c).toolTip(): header(c).foreground().color().name() for c in range(1, 4)}
    curve = compare.plot("items")._pairs[2][0].opts["pen"].color().name()
    assert curve == before[chosen[2].name] == series_colour(2)
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen[1:]])
    after = {header(c).toolTip(): header(c).foreground().color().name() for c in range(1, 3)}
    assert after == {name: before[name] for name in after}
    assert compare.plot("items")._pairs[1][0].opts["pen"].color().name() == before[chosen[2].name]
    assert f"color:{before[chosen[2].name]}" in compare._legend.text()
    # A scenario checked next takes the colour left free.
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen[1:]] + [store.list(order_by="name", descending=False)[3].id])
    assert header(3).foreground().color().name() == series_colour(0)


def test_the_fields_column_stays_in_view_while_the_table_scrolls_sideways(qtbot, show_widget, store):
    """With three or more scenarios at 1280 × 800 the table scrolls sideways, and the rows' values
    went on without their fields' names."""
    compare = show_widget(CompareWidget(store), (1000, 700))
    chosen = store.list(order_by="name", descending=False)
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    table, frozen = compare.table, compare._frozen
    bar = table.horizontalScrollBar()
    assert bar.maximum() > 0 and not frozen.isVisible()
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    assert frozen.isVisible() and frozen.width() == table.columnWidth(0)
    table.verticalScrollBar().setValue(5)
    QApplication.processEvents()
    assert frozen.verticalScrollBar().value() == 5
    # What the mouse finds at the left of a row is that row's field name.
    row = table.rowAt(table.viewport().height() // 2)
    point = frozen.viewport().mapToGlobal(frozen.visualRect(frozen.model().index(row, 0)).center())
    assert QApplication.widgetAt(point) is frozen.viewport()
    index = frozen.indexAt(frozen.viewport().mapFromGlobal(point))
    assert (index.row(), index.column()) == (row, 0) and index.data() == table.item(row, 0).text()
    # The same comparison rebuilt (the differences filter, a save elsewhere) stays where it was …
    kept = bar.value()
    compare._only_differences.setChecked(True)
    compare._only_differences.setChecked(False)
    assert kept > 0 and bar.value() == kept
    # … another starts at the fields' column (a kept offset reopened it on values without labels).
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen[1:]])
    assert bar.value() == 0 and not frozen.isVisible()


def test_a_long_summary_wraps_instead_of_widening_the_window(qtbot, show_widget, store, monkeypatch):
    # "2 scenarios; 21 rows differ, and 28 rows of questions or contexts not in every scenario
    # (highlighted)" on one line made the main window's least width 1,335 px, past a 1280 screen.
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QMessageBox

    from ui.main_window import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    window = show_widget(MainWindow(store, recover_drafts=False), (1280, 800))
    compare = window.compare
    window.tabs.setCurrentWidget(compare.parentWidget())
    chosen = [s for s in store.list() if s.name.startswith(("Chest X-ray", "RLHF"))]
    assert len(chosen) == 2
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([s.id for s in chosen])
    for _ in range(4):  # the layouts' posted requests climb one level a pass, up to the window
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()
    status = compare._status
    assert status.fontMetrics().horizontalAdvance(status.text()) > 600
    assert window.minimumSizeHint().width() <= 1280 and window.width() == 1280


@pytest.mark.parametrize("value, shown", [
    (50_000, "50,000"), (5000, "5000"), (86_400.0, "86,400"), (2_500_000.3, "2,500,000"), (1_234_567.0, "1,234,570"),
    (12_345.678, "12,345.7"), (-20_000.5, "-20,000.5"), (0.05, "0.05"), (True, "yes"), (None, "—"),
    (123_456_789_012_345.0, "123,457,000,000,000"), (1e15, "1e+15"), (1e23, "1e+23"), (-1e300, "-1e+300"),
])
def test_compared_numbers_are_written_with_thousands_separators_and_no_exponents(value, shown):
    # "Items m 50000" beside "Cost $45,000", and a budget of 2,500,000.3 written "2.5e+06".
    from advisor.scenario.comparison import value_text

    assert value_text(value) == shown
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # no digit made up past the 15th
        assert float(shown.replace(",", "")) == pytest.approx(value, rel=5e-6)  # six significant digits


def test_the_open_scenario_with_unsaved_edits_is_marked_as_its_saved_revision(qtbot, show_widget, store, monkeypatch):
    # Compare showed the library's copy of the open design (achievable 0.163) while the editor held
    # edits (0.070), and nothing said which one it was.
    from PySide6.QtWidgets import QMessageBox

    from ui.main_window import MainWindow
    from ui.panels.compare import SAVED_REVISION_NOTE

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    window = show_widget(MainWindow(store, recover_drafts=False), (1400, 900))
    open_id = window.state.stored_id
    other = next(s.id for s in store.list() if s.id != open_id)
    compare = window.compare
    with qtbot.waitSignal(compare.comparison_ready, timeout=60_000):
        compare.set_checked([open_id, other])

    def header_of(stored_id: int) -> str:
        column = 1 + [c.stored_id for c in compare.compared].index(stored_id)
        return compare.table.horizontalHeaderItem(column).text()

    assert SAVED_REVISION_NOTE not in header_of(open_id)
    window.editor.field_widget("raters.per_item").setValue(window.state.scenario.raters.per_item + 1)
    assert window.state.dirty
    assert header_of(open_id).endswith(SAVED_REVISION_NOTE) and SAVED_REVISION_NOTE not in header_of(other)
    window.action("save").trigger()
    assert not window.state.dirty
    qtbot.waitUntil(lambda: SAVED_REVISION_NOTE not in header_of(open_id), timeout=60_000)


def test_items_needed_that_do_not_exist_are_a_dash_not_an_approximate_one():
    # Label Studio's chat template (real config): "94 · ≈— · —".
    from advisor.evaluation.evaluate import evaluate
    from advisor.importers import import_interface
    from tests.conftest import SHARED
    from ui.panels.compare import _items_text

    scenario = import_interface(SHARED / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml").scenario
    evaluation = evaluate(scenario, curves=False)
    needed = evaluation.items_needed
    assert needed.at_least is not None and needed.at_most is None
    text = _items_text(evaluation)
    assert "≈—" not in text and text.startswith(f"{needed.at_least:,} · ") and text.endswith(" · —")
    if needed.estimate is not None:
        assert f"≈{needed.estimate:,}" in text


def test_money_inputs_name_their_currency_in_the_row_or_beside_each_value(store):
    # "Wage (per hour) 60" named no currency.
    a = store.get(store.list()[0].id).scenario
    same = {label: values for _, label, values in input_rows([a, a.with_changes({"campaign.wage_per_hour": 61.0})])}
    currency = a.campaign.currency
    assert same[f"Wage ({currency} per hour)"] == [f"{a.campaign.wage_per_hour:g}", "61"]
    assert f"Authoring cost ({currency} per gold item)" in same and f"Budget cap ({currency})" in same
    other = "EUR" if currency != "EUR" else "USD"
    mixed = {label: values for _, label, values in input_rows([a, a.with_changes({"campaign.currency": other})])}
    assert mixed["Wage (per hour)"] == [f"{a.campaign.wage_per_hour:g} {currency}", f"{a.campaign.wage_per_hour:g} {other}"]
