"""A confusion-matrix heatmap: pyqtgraph image, a colour bar and the numbers.

Rows are the true classes, columns the answers given, each cell the share of
answers (rows sum to one), so that a reader sees at once where raters confuse
which classes. Each cell also prints its number: colour alone is hard to read
exactly and fails for colour-blind readers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

COLOUR_MAP = "viridis"
DARK_CELL_BELOW = 0.55
"""Cells whose value is below this (dark end of viridis) get white numbers."""
MAX_LABEL_CHARS = 14


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


class ConfusionHeatmapWidget(QWidget):
    """Shows one row-stochastic matrix as a heatmap with numbers.

    Parameters
    ----------
    parent
        Owning widget.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._view = pg.GraphicsLayoutWidget()
        self._view.setBackground("w")
        self._plot = self._view.addPlot()
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.invertY(True)
        self._plot.setAspectLocked(False)
        self._plot.setLabel("bottom", "answer given")
        self._plot.setLabel("left", "true class")
        self._image = pg.ImageItem()
        self._plot.addItem(self._image)
        colour_map = pg.colormap.get(COLOUR_MAP)
        self._colour_bar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=colour_map, interactive=False,
                                           label="share of answers", width=14)
        self._colour_bar.setImageItem(self._image, insert_in=self._plot)
        self._texts: list[pg.TextItem] = []
        self._matrix = np.zeros((0, 0))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

    @property
    def matrix(self) -> np.ndarray:
        """The matrix shown (rows: true classes; columns: answers)."""
        return self._matrix.copy()

    def cell_texts(self) -> list[str]:
        """The numbers printed in the cells, row by row."""
        return [item.textItem.toPlainText() for item in self._texts]

    def set_matrix(self, matrix: Sequence[Sequence[float]], classes: Sequence[str], title: str = "") -> None:
        """Show a (k, k) matrix of shares in [0, 1].

        Parameters
        ----------
        matrix
            Rows are true classes, columns answers; values in [0, 1].
        classes
            The k class names, in matrix order.
        title
            Shown above the plot.
        """
        values = np.asarray(matrix, dtype=float)
        if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] != len(classes):
            raise ValueError(f"matrix must be square with one row per class ({len(classes)}), got shape {values.shape}")
        self._matrix = values
        k = values.shape[0]
        # ImageItem indexes [x, y]; x is the answer (column), y the true class (row).
        self._image.setImage(values.T, levels=(0.0, 1.0), autoLevels=False)
        self._image.setRect(0.0, 0.0, float(k), float(k))
        for item in self._texts:
            self._plot.removeItem(item)
        self._texts = []
        font = QFont()
        font.setPointSizeF(max(7.0, 11.0 - 0.5 * k))
        for row in range(k):
            for column in range(k):
                value = float(values[row, column])
                colour = QColor("white") if value < DARK_CELL_BELOW else QColor("black")
                text = pg.TextItem(f"{value:.2f}", color=colour, anchor=(0.5, 0.5))
                text.setFont(font)
                text.setPos(column + 0.5, row + 0.5)
                self._plot.addItem(text)
                self._texts.append(text)
        ticks = [[(i + 0.5, _short(str(name))) for i, name in enumerate(classes)]]
        self._plot.getAxis("bottom").setTicks(ticks)
        self._plot.getAxis("left").setTicks(ticks)
        self._plot.setXRange(0, k, padding=0.02)
        self._plot.setYRange(0, k, padding=0.02)
        self._plot.setTitle(title, size="10pt")
