"""The scenario editor panel: :mod:`ui.panels.editor.widget` (the form and the way an edit reaches
the scenario) and :mod:`ui.panels.editor.tables` (its list tables).

Run ``python -m ui.panels.editor`` to open the editor alone on an example scenario.
"""

from ui.panels.editor.widget import HINTS_BESIDE_MIN_WIDTH, QUESTION_RATERS, ScenarioEditorWidget

__all__ = ["HINTS_BESIDE_MIN_WIDTH", "QUESTION_RATERS", "ScenarioEditorWidget"]
