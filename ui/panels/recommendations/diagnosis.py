"""The diagnosis panel: which stage binds, the capacity gap, whether labels alone can help.

Shows an :class:`advisor.evaluation.diagnosis.Diagnosis`; the tab computes it
(:func:`advisor.planning.analysis.analyse`) and says here when it is updating.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QGroupBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from advisor.evaluation.diagnosis import Diagnosis
from ui.panels.recommendations.appearance import GAIN_COLOUR, LOSS_COLOUR, MUTED_COLOUR, UNDECIDED_COLOUR

WARNING_COLOUR = "#8a5300"
DECISION_COLOURS = {"meets": GAIN_COLOUR, "cannot": LOSS_COLOUR}
"""The verdict's colour by decision; undecided verdicts are :data:`UNDECIDED_COLOUR`."""


class DiagnosisWidget(QGroupBox):
    """The verdict, the findings and the warnings of a diagnosis, and a status line.

    Parameters
    ----------
    parent
        Owning widget.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Diagnosis", parent)
        self._view = QTextBrowser()
        self._view.setOpenLinks(False)
        self._view.setMinimumHeight(110)
        self._status_label = QLabel()
        self._status_label.setStyleSheet(f"color: {MUTED_COLOUR}")
        layout = QVBoxLayout(self)
        layout.addWidget(self._view, 1)
        layout.addWidget(self._status_label)

    # ------------------------------------------------------------ public API
    def status_text(self) -> str:
        """What the status line says ("" when the diagnosis shown is current)."""
        return self._status_label.text()

    def set_status(self, text: str) -> None:
        """Say what is being computed (e.g. "Updating…"); "" clears it."""
        self._status_label.setText(text)

    def show_diagnosis(self, diagnosis: Diagnosis) -> None:
        """Show ``diagnosis`` and clear the status line."""
        colour = DECISION_COLOURS.get(diagnosis.decision, UNDECIDED_COLOUR)
        parts = [f"<p style='color:{colour}'><b>{html.escape(diagnosis.verdict)}</b></p>", "<ul>"]
        parts += [f"<li>{html.escape(finding)}</li>" for finding in diagnosis.findings]
        parts.append("</ul>")
        if diagnosis.warnings:
            parts.append("<p><b>Warnings</b></p><ul>")
            parts += [f"<li style='color:{WARNING_COLOUR}'>{html.escape(w)}</li>" for w in diagnosis.warnings]
            parts.append("</ul>")
        self._view.setHtml("".join(parts))
        self._status_label.clear()

    def show_error(self, message: str) -> None:
        """Say why nothing can be diagnosed, in place of the diagnosis."""
        self._status_label.clear()
        self._view.setHtml(f"<p style='color:{LOSS_COLOUR}'>Cannot compute the recommendations: "
                           f"{html.escape(message)}</p>")
