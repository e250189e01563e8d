"""Comparing saved scenarios: a side-by-side table with the differences
highlighted and the curves overlaid, one colour per scenario."""

from __future__ import annotations

import pytest

from ui.panels.compare import CompareWidget, input_rows


@pytest.fixture
def compare(qtbot, store):
    widget = CompareWidget(store)
    qtbot.addWidget(widget)
    widget.resize(1300, 860)
    widget.show()
    return widget


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
