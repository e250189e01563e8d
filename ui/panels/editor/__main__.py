"""``python -m ui.panels.editor``: the editor alone on an example scenario."""

from ui.core.preview import preview_widget
from ui.panels.editor.widget import ScenarioEditorWidget

preview_widget(lambda state: ScenarioEditorWidget(state), title="Scenario editor", size=(720, 900))
