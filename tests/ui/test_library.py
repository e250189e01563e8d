"""The scenario library: search, sort, create, duplicate, rename, delete with
undo, import and export JSON, history and restore."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from advisor.scenario.schema import example_scenarios, load_scenario_file
from ui.panels.library import ScenarioLibraryWidget


@pytest.fixture
def library(show_widget, store):
    return show_widget(ScenarioLibraryWidget(store), (520, 760))


def test_lists_the_examples_with_tags(library):
    names = library.visible_names()
    assert sorted(names) == sorted(e.name for e in example_scenarios())
    model = library.table.model()
    tags = {model.index(row, 0).data(): model.index(row, 1).data() for row in range(model.rowCount())}
    example = example_scenarios()[0]
    assert sorted(tags[example.name].split(", ")) == sorted(example.tags)


def test_search_filters_by_name_tag_and_notes(library):
    example = next(e for e in example_scenarios() if e.tags)
    library.search_field.setText(example.tags[0].upper())
    assert example.name in library.visible_names()
    library.search_field.setText("no scenario mentions this")
    assert library.visible_names() == []
    library.search_field.clear()
    assert len(library.visible_names()) == len(example_scenarios())


def test_search_reads_the_whole_notes_not_only_the_start_a_row_holds(library, store):
    """"MT-Bench" sits past the 160 characters of the chatbot rubric's notes that a row holds: the
    search box found nothing, the command line's list --search found it."""
    chatbot = next(e for e in example_scenarios() if e.name.startswith("Chatbot"))
    word = "MT-Bench"
    assert chatbot.notes.find(word) > 160
    library.search_field.setText(word.lower())
    assert library.visible_names() == [s.name for s in store.list(search=word)] == [chatbot.name]
    # Every word must be found, in any of name, tags and notes.
    library.search_field.setText(f"{word} rubric")
    assert library.visible_names() == [chatbot.name]
    library.search_field.setText(f"{word} no-such-word")
    assert library.visible_names() == []


def test_sort_by_name(library):
    library.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = library.visible_names()
    assert names == sorted(names, key=str.lower)
    library.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert library.visible_names() == sorted(names, key=str.lower, reverse=True)


def test_new_blank_and_from_example_get_free_names(qtbot, library, store):
    with qtbot.waitSignal(library.scenario_created) as created:
        first = library.create_blank()
    assert created.args == [first]
    second = library.create_blank()
    assert store.get(first).name == "Untitled scenario"
    assert store.get(second).name == "Untitled scenario (2)"
    example = example_scenarios()[0]
    copy = library.create_from_example(example)
    assert store.get(copy).name == f"{example.name} (2)"
    assert library.selected_id() == copy


def test_duplicate_and_rename(library, store):
    original = store.list(order_by="name", descending=False)[0]
    library.select(original.id)
    copy_id = library.duplicate_selected()
    copy = store.get(copy_id)
    assert copy.name == f"{original.name} copy"
    assert copy.scenario.with_changes({"name": original.name}) == store.get(original.id).scenario
    assert library.rename_selected("A renamed copy")
    assert store.get(copy_id).name == "A renamed copy"
    assert "A renamed copy" in library.visible_names()


def test_a_duplicate_of_a_long_name_is_still_marked_as_a_copy(library, store):
    """A 198-character name's duplicate was its first 190 characters, with no "copy"."""
    original = store.list(order_by="name", descending=False)[0]
    library.select(original.id)
    long_name = ("A long campaign name " * 10)[:198]
    assert library.rename_selected(long_name)
    library.select(original.id)
    first, second = library.duplicate_selected(), library.duplicate_selected()
    names = [store.get(first).name, store.get(second).name]
    assert names[0].endswith(" copy") and names[1].endswith(" copy (2)")
    assert all(len(name) <= 200 and name.startswith(long_name[:150]) for name in names)


def test_a_long_name_cut_to_fit_its_row_keeps_its_end(show_widget, store):
    """"Search relevance, 4-point scale, 3 …" was all the list showed of the optimiser's saved design,
    the same as of the scenario it came from: Qt cuts a wrapped text at its end."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    library = show_widget(ScenarioLibraryWidget(store), (300, 760))
    original = next(s for s in store.list() if s.name.startswith("Search relevance"))
    store.create(store.get(original.id).scenario.with_changes({"name": f"{original.name} — optimised"}))
    library.refresh()
    view, delegate = library.table, library.table.itemDelegateForColumn(0)
    shown = {}
    for row in range(view.model().rowCount()):
        index = view.model().index(row, 0)
        option = QStyleOptionViewItem()
        option.rect = view.visualRect(index)
        delegate.initStyleOption(option, index)
        shown[index.data()] = option.text
    cut = shown[f"{original.name} — optimised"]
    assert "…" in cut and cut.endswith("— optimised") and cut.startswith("Search relev")
    assert shown[original.name] != cut
    metrics = view.fontMetrics()
    width = view.columnWidth(0) - 8
    assert metrics.boundingRect(0, 0, width, 10_000, int(Qt.TextFlag.TextWordWrap), cut).height() <= (
        view.rowHeight(0) - 2)
    # Whatever the font, a name is cut only as far as its row's two lines need: with the window's
    # 9.5-point font two wrapped lines take a little more than two line spacings, and every name was
    # cut to one line.
    for name, text in shown.items():
        if "…" in text:
            assert metrics.boundingRect(0, 0, width, 10_000, int(Qt.TextFlag.TextWordWrap), text).height() > (
                metrics.lineSpacing() + 2), text


def test_rename_to_a_taken_name_warns_and_keeps_the_name(library, store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    first, second = store.list(order_by="name", descending=False)[:2]
    library.select(second.id)
    assert not library.rename_selected(first.name)
    assert warnings and first.name in warnings[0]
    assert store.get(second.id).name == second.name


def test_delete_is_undoable(qtbot, library, store):
    victim = store.list()[0]
    library.select(victim.id)
    with qtbot.waitSignal(library.scenario_deleted):
        assert library.delete_selected()
    assert victim.name not in library.visible_names()
    assert all(s.id != victim.id for s in store.list())
    assert library.undo_stack.canUndo()
    with qtbot.waitSignal(library.scenario_undeleted):
        library.undo_stack.undo()
    assert victim.name in library.visible_names()
    assert store.get(victim.id).name == victim.name
    library.undo_stack.redo()
    assert victim.name not in library.visible_names()


def test_export_and_import_json(tmp_path, library, store):
    original = store.list(order_by="name", descending=False)[0]
    library.select(original.id)
    path = tmp_path / "exported.json"
    assert library.export_selected(path)
    assert load_scenario_file(path) == store.get(original.id).scenario
    created = library.import_files([path])
    assert len(created) == 1
    imported = store.get(created[0])
    assert imported.name == f"{original.name} (2)"
    assert store.history(created[0])[0].summary == "imported from exported.json"


def test_import_reports_bad_files(tmp_path, library, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps({"name": "x", "questions": []}), encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    assert library.import_files([bad]) == []
    assert shown and "broken.json" in shown[0] and "questions" in shown[0]
    assert "interface config" not in shown[0]  # a scenario JSON gets no pointer to the interface import


def test_history_lists_revisions_and_restores_one(library, store):
    stored = store.list()[0]
    first = store.get(stored.id)
    store.save(first.scenario.with_changes({"raters.per_item": 7}), stored_id=stored.id, base_revision=first.revision)
    library.refresh()
    library.select(stored.id)
    history = library.history_table
    assert history.rowCount() == 2
    assert history.item(0, 0).text() == "2 (current)"
    history.selectRow(1)
    assert library.restore_revision(1)
    restored = store.get(stored.id)
    assert restored.revision == 3
    assert restored.scenario == first.scenario
    assert library.history_table.rowCount() == 3


def test_restoring_a_revision_that_differs_only_by_name_says_why_nothing_changes(library, store, monkeypatch):
    """The restore keeps the current name, so after a rename the first revision's restore stored
    nothing and said nothing."""
    from PySide6.QtWidgets import QMessageBox

    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a, **k: told.append(text))
    stored = store.list()[0]
    library.select(stored.id)
    assert library.rename_selected("Renamed once")
    library.select(stored.id)
    assert library.history_table.rowCount() == 2
    assert not library.restore_revision(1)
    assert store.get(stored.id).revision == 2 and library.history_table.rowCount() == 2
    assert len(told) == 1 and "only its name differs" in told[0] and "“Renamed once”" in told[0]
    # A revision whose content is the current one's, name included, says so instead.
    first = store.get(stored.id)
    store.save(first.scenario.with_changes({"raters.per_item": 7}), stored_id=stored.id, base_revision=first.revision)
    assert library.restore_revision(2)  # revision 2, "Renamed once": revision 4 now
    library.select(stored.id)
    assert not library.restore_revision(2)
    assert "has the same content as the current revision 4; nothing to restore" in told[-1]


def test_f2_in_the_list_renames_the_selected_scenario(show_widget, store, monkeypatch):
    """Only Delete had a key in the list; F2 is where people look for rename."""
    from PySide6.QtTest import QTest

    import ui.panels.library as library_module

    asked = []
    monkeypatch.setattr(library_module, "ask_name", lambda parent, title, label, text: asked.append(text) or "Renamed by F2")
    library = show_widget(ScenarioLibraryWidget(store), (520, 760), activate=True)
    stored = store.list()[0]
    library.select(stored.id)
    library.table.setFocus()
    QTest.keyClick(library.table, Qt.Key.Key_F2)
    assert asked == [stored.name] and store.get(stored.id).name == "Renamed by F2"


def test_the_history_title_cuts_a_long_name_and_keeps_it_in_its_tooltip(library, store):
    stored = store.list()[0]
    library.select(stored.id)
    long_name = ("A long campaign name " * 10)[:198]
    assert library.rename_selected(long_name)
    library.select(stored.id)
    title = library._history_title
    assert title.text().startswith("History of “A long campaign name") and title.text().endswith("…”")
    assert len(title.text()) < 80 and title.toolTip() == long_name.strip()


def test_a_database_that_refuses_the_search_is_said_and_the_rows_are_still_filtered(library, store, monkeypatch):
    """The search's database error was swallowed (the house rule: never)."""
    from advisor.errors import DatabaseError

    def refuse(search):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(store, "ids_matching", refuse)
    chatbot = next(e for e in example_scenarios() if e.name.startswith("Chatbot"))
    library.search_field.setText("rubric")
    assert library.visible_names() == [chatbot.name]
    assert "not searched: database is locked" in library._count.text()


def test_the_search_asks_the_store_for_ids_alone(store):
    for word in ("mt-bench", "RUBRIC", "radiology", "no such word"):
        assert store.ids_matching(word) == {s.id for s in store.list(search=word)}


def test_the_count_says_how_many_of_the_scenarios_the_filters_show(qtbot, library):
    """It said "12 scenarios" beside the one or two rows a search or a tag left."""
    from PySide6.QtWidgets import QApplication, QComboBox

    total = len(example_scenarios())
    assert library._count.text() == f"{total} scenarios"
    library.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is library, timeout=5000)
    search = library.search_field
    assert QApplication.widgetAt(search.mapToGlobal(search.rect().center())) is search
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(search, "rubric")
    shown = len(library.visible_names())
    assert 0 < shown < total and library._count.text() == f"{shown} of {total} scenarios"
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(search, Qt.Key.Key_Delete)
    assert library._count.text() == f"{total} scenarios"
    tag = library.findChild(QComboBox)
    tag.setFocus()
    qtbot.keyClick(tag, Qt.Key.Key_Down)
    shown = len(library.visible_names())
    assert tag.currentData() is not None and 0 < shown < total
    assert library._count.text() == f"{shown} of {total} scenarios"


def test_a_label_studio_config_given_to_import_points_to_the_interface_import(library, monkeypatch):
    """Import… said only "not valid JSON … it looks like XML" of a real Label Studio config, without saying
    where such a file is read; a broken scenario JSON gets no such pointer."""
    from PySide6.QtWidgets import QMessageBox

    from tests.conftest import SHARED
    from ui.panels.library import INTERFACE_CONFIG_HINT

    config = SHARED / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml"
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    assert library.import_files([config]) == []
    assert "chat_rlhf.xml" in shown[0] and INTERFACE_CONFIG_HINT.strip() in shown[0]
    assert "File › New scenario from interface config…" in shown[0]
