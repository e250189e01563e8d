"""The interface import dialog previews real configs and returns their scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.importers import import_interface
from ui.dialogs.interface_import import InterfaceImportDialog

LABEL_STUDIO = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "interfaces" / "label-studio"


@pytest.fixture
def dialog(qtbot):
    widget = InterfaceImportDialog()
    qtbot.addWidget(widget)
    return widget


def _table_rows(dialog):
    table = dialog._questions_table
    return [(table.item(row, 0).text(), table.item(row, 1).text()) for row in range(table.rowCount())]


def test_previews_a_real_label_studio_config_and_returns_its_scenario(dialog, qtbot):
    path = LABEL_STUDIO / "chat_rlhf.xml"
    with qtbot.waitSignal(dialog.preview_changed) as blocker:
        dialog.set_path(path)
    assert blocker.args == [True]
    expected = import_interface(path)
    assert _table_rows(dialog) == [(q.name, q.format.label()) for q in expected.scenario.questions]
    assert ("rating", "ordinal(5)") in _table_rows(dialog)
    assert dialog._warnings_list.count() == len(expected.warnings) > 0
    assert "Label Studio" in dialog._status_label.text()
    assert dialog._ok_button.isEnabled()

    dialog._name_edit.setText("RLHF chat from Label Studio")
    dialog._ok_button.click()
    scenario = dialog.scenario()
    assert dialog.result() == InterfaceImportDialog.DialogCode.Accepted
    assert scenario is not None and scenario.name == "RLHF chat from Label Studio"
    assert scenario.questions == expected.scenario.questions
    assert scenario.provenance and "label-studio" in scenario.provenance[0].method


@pytest.mark.parametrize("name", sorted(p.name for p in LABEL_STUDIO.glob("*.xml")))
def test_every_shared_config_previews_or_explains(dialog, name):
    dialog.set_path(LABEL_STUDIO / name)
    if dialog.import_result() is None:
        # Span-only configs have no question the model represents: the dialog says why.
        assert "Cannot import" in dialog._status_label.text()
        assert not dialog._ok_button.isEnabled()
    else:
        assert dialog._questions_table.rowCount() == len(dialog.import_result().scenario.questions) > 0


def test_an_unmappable_config_disables_create_and_shows_the_reason(dialog):
    dialog.set_path(LABEL_STUDIO / "named-entity-recognition.xml")
    assert dialog.import_result() is None
    assert "no question this app can model" in dialog._status_label.text()
    assert not dialog._ok_button.isEnabled()
    dialog.accept()
    assert dialog.scenario() is None


def test_hostile_xml_is_rejected_in_the_preview(dialog, tmp_path):
    hostile = tmp_path / "laughs.xml"
    hostile.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
                       '<View><Choices name="c" toName="t"><Choice value="&lol;"/></Choices></View>')
    dialog.set_path(hostile)
    assert dialog.import_result() is None
    assert "Cannot import" in dialog._status_label.text()


def test_forcing_the_wrong_format_reports_an_error(dialog):
    dialog.set_path(LABEL_STUDIO / "text-classification.xml")
    assert dialog.import_result() is not None
    dialog.set_format("argilla")
    assert dialog.import_result() is None
    dialog.set_format("auto")
    assert dialog.import_result().format == "label-studio"


def test_an_argilla_settings_file_is_read(dialog, tmp_path):
    settings = tmp_path / "argilla.json"
    settings.write_text('{"questions": [{"name": "label", "type": "label_selection", '
                        '"settings": {"type": "label_selection", "options": [{"value": "a"}, {"value": "b"}, {"value": "c"}]}}],'
                        ' "distribution": {"strategy": "overlap", "min_submitted": 3}}')
    dialog.set_path(settings)
    result = dialog.import_result()
    assert result is not None and result.format == "argilla"
    assert _table_rows(dialog) == [("label", "categorical(3)")]
    assert result.scenario.raters.per_item == 3


def test_the_preview_opens(qtbot):
    from ui.dialogs.interface_import import preview_interface_import

    dialog = preview_interface_import()
    qtbot.addWidget(dialog)
    assert dialog.import_result() is not None and dialog._questions_table.rowCount() == 7
    assert not dialog.grab().isNull()



def test_typing_a_path_and_return_previews_and_creates_nothing(qtbot, show_widget):
    from PySide6.QtCore import Qt

    dialog = show_widget(InterfaceImportDialog())
    edit = dialog._path_edit
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit, str(LABEL_STUDIO / "chat_rlhf.xml"))
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0 and dialog.scenario() is None
    expected = import_interface(LABEL_STUDIO / "chat_rlhf.xml")
    assert dialog._warnings_list.count() == len(expected.warnings) > 0
    assert _table_rows(dialog) == [(q.name, q.format.label()) for q in expected.scenario.questions]
    # With the preview and its warnings on screen, Return creates the scenario.
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.scenario() == expected.scenario


def test_create_after_changing_the_path_shows_the_new_preview_first(qtbot, show_widget):
    from PySide6.QtCore import Qt

    dialog = show_widget(InterfaceImportDialog())
    dialog.set_path(LABEL_STUDIO / "chat_rlhf.xml")
    edit = dialog._path_edit
    edit.selectAll()
    qtbot.keyClicks(edit, str(LABEL_STUDIO / "pairwise-classification.xml"))
    assert not dialog._ok_button.isEnabled() and "press Enter to preview" in dialog._status_label.text()
    dialog.accept()  # e.g. the Create shortcut: the new file is previewed instead
    assert dialog.result() == 0 and dialog.scenario() is None
    expected = import_interface(LABEL_STUDIO / "pairwise-classification.xml")
    assert _table_rows(dialog) == [(q.name, q.format.label()) for q in expected.scenario.questions]
    qtbot.mouseClick(dialog._ok_button, Qt.MouseButton.LeftButton)
    assert dialog.scenario() == expected.scenario


def test_tab_out_of_a_typed_path_previews_it(qtbot, show_widget):
    """A typed path followed by Tab still said "No file chosen."; only Enter loaded it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    dialog = show_widget(InterfaceImportDialog())
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    edit = dialog._path_edit
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit, str(LABEL_STUDIO / "chat_rlhf.xml"))
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert not edit.hasFocus() and dialog.preview_is_current()
    expected = import_interface(LABEL_STUDIO / "chat_rlhf.xml")
    assert _table_rows(dialog) == [(q.name, q.format.label()) for q in expected.scenario.questions]
    assert dialog.scenario() is None and dialog.isVisible()
