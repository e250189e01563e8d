"""Help → Method (the formulas, rendered from ``docs/method.md``) and
Help → About (the app and the versions of what it runs on)."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from ui.core.settings import APP_NAME, remember_geometry

DOCS = Path(__file__).resolve().parents[2] / "docs"
METHOD_PATH = DOCS / "method.md"


def method_markdown(path: Path = METHOD_PATH) -> str:
    """The method document (Markdown) from ``docs/method.md``, or a note
    saying where it should be when the file is missing."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return (f"# The method\n\nThe method document was not found at `{path}`. It ships with the source "
                "checkout as `docs/method.md`.")


def versions() -> list[tuple[str, str]]:
    """(component, version) pairs shown in About and useful in bug reports."""
    import numpy
    import PySide6
    import pyqtgraph
    import scipy

    from ui.core.application import APP_VERSION

    return [
        (APP_NAME, APP_VERSION),
        ("Python", f"{platform.python_version()} ({sys.implementation.name})"),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("pyqtgraph", pyqtgraph.__version__),
        ("numpy", numpy.__version__),
        ("scipy", scipy.__version__),
        ("Platform", platform.platform(terse=True)),
    ]


class MethodDialog(QDialog):
    """The method's formulas, from ``docs/method.md`` (Markdown)."""

    def __init__(self, parent: QWidget | None = None, *, path: Path = METHOD_PATH):
        super().__init__(parent)
        self.setWindowTitle(f"Method — {APP_NAME}")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(method_markdown(path))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        remember_geometry(self, "method_dialog", QSize(820, 760))


class AboutDialog(QDialog):
    """What the app is, and the versions it runs on."""

    def __init__(self, database: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        rows = "".join(f"<tr><td style='padding-right:14px'>{name}</td><td><b>{version}</b></td></tr>"
                       for name, version in versions())
        if database:
            rows += f"<tr><td style='padding-right:14px'>Database</td><td>{database}</td></tr>"
        text = (
            f"<h2>{APP_NAME}</h2>"
            "<p>Plan human-annotation campaigns from the information capacity of the labeling interface: "
            "how much a rater's answers can tell about the target, the risk floor no number of items of a design can cross, "
            "and where to spend time and money to lower it (after Cao, <i>The Alignment Bottleneck</i>, 2025).</p>"
            f"<table>{rows}</table>"
        )
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setFixedWidth(560)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
