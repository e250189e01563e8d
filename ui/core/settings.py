"""Qt-side settings: where the app keeps its files, remembered window state, and
the app-wide display unit (bits or nats).

Paths
-----
Every path comes from :mod:`advisor.files.locations` and can be overridden by an
environment variable, so tests and screenshots never touch the user's files:

``ANNOTATION_ADVISOR_CONFIG_DIR``
    Folder of ``ui.ini`` (window geometry, splitter and dock state, the display
    unit). Default: the platformdirs user config dir of "annotation-advisor".
``ANNOTATION_ADVISOR_DATA_DIR``
    Folder of autosaved drafts. Default: the platformdirs user data dir.

The display unit
----------------
Models compute in nats; the UI converts at the presentation boundary.
:func:`display_settings` returns the one :class:`DisplaySettings` object of the
application. Widgets read ``display_settings().unit`` and connect to
``display_settings().unit_changed`` (``"bits"`` or ``"nats"``) to redraw::

    from ui.core.settings import display_settings

    units = display_settings()
    label.setText(units.format_info(evaluation.capacity_nats))  # "3.21 bits"
    units.unit_changed.connect(self._on_units_unit_changed)
"""

from __future__ import annotations

import weakref
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, QSize, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from advisor.files import locations as paths
from advisor.units import info_from, info_in

APP_NAME = "Annotation Advisor"
ORGANIZATION = "Annotation Advisor"
UNITS: tuple[str, ...] = ("bits", "nats")


def config_dir() -> Path:
    """Folder of the UI settings file (created on demand).

    ``ANNOTATION_ADVISOR_CONFIG_DIR`` overrides the platform default.
    """
    path = paths.user_config_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Folder of autosaved drafts (created on demand).

    ``ANNOTATION_ADVISOR_DATA_DIR`` overrides the platform default.
    """
    path = paths.user_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def ui_settings() -> QSettings:
    """The UI's QSettings: an INI file in :func:`config_dir`.

    An explicit INI file (rather than the platform registry or plist) keeps the
    environment override honest on every platform: tests write into their
    temporary folder and nowhere else.
    """
    return QSettings(str(config_dir() / "ui.ini"), QSettings.Format.IniFormat)


def fitted_size(preferred: QSize, smallest: QSize, available: QSize) -> QSize:
    """A window's first size on a screen whose free area is ``available`` (pixels): ``preferred``
    where nine tenths of that area hold it, else nine tenths of the area, never below ``smallest``
    (the window manager fits a window larger than a small screen into it)."""
    return QSize(max(smallest.width(), min(preferred.width(), int(0.9 * available.width()))),
                 max(smallest.height(), min(preferred.height(), int(0.9 * available.height()))))


def remember_geometry(dialog: QDialog, name: str, preferred: QSize, smallest: QSize | None = None) -> None:
    """Give ``dialog`` the size and place it had when it last finished (closed any way) under
    ``name`` in ``ui.ini``, and keep them again when it finishes; the first time,
    :func:`fitted_size` of ``preferred`` on the screen of its parent (``smallest`` defaults to
    ``preferred``)."""
    key = f"{name}/geometry"
    geometry = ui_settings().value(key)
    if not (isinstance(geometry, QByteArray) and not geometry.isEmpty() and dialog.restoreGeometry(geometry)):
        parent = dialog.parentWidget()
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        available = screen.availableGeometry().size() if screen is not None else preferred
        dialog.resize(fitted_size(preferred, smallest if smallest is not None else preferred, available))
    # A weak reference: the connection must not keep a closed dialog alive.
    kept = weakref.ref(dialog)

    def save(_result: int) -> None:
        if (shown := kept()) is not None:
            ui_settings().setValue(key, shown.saveGeometry())

    dialog.finished.connect(save)


class DisplaySettings(QObject):
    """The unit in which information is shown, shared by every widget.

    Signals
    -------
    unit_changed(str)
        ``"bits"`` or ``"nats"``, emitted only when the unit really changes.

    Notes
    -----
    The unit is remembered in :func:`ui_settings` under ``display/unit``.
    """

    unit_changed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        stored = str(ui_settings().value("display/unit", "bits"))
        self._unit = stored if stored in UNITS else "bits"

    @property
    def unit(self) -> str:
        """``"bits"`` (the default) or ``"nats"``."""
        return self._unit

    def set_unit(self, unit: str) -> None:
        """Switch the unit and tell every widget.

        Raises
        ------
        ValueError
            When ``unit`` is not ``"bits"`` or ``"nats"``.
        """
        if unit not in UNITS:
            raise ValueError(f"unit must be 'bits' or 'nats', got {unit!r}")
        if unit == self._unit:
            return
        self._unit = unit
        settings = ui_settings()
        settings.setValue("display/unit", unit)
        settings.sync()
        self.unit_changed.emit(unit)

    def toggle_unit(self) -> None:
        """Bits → nats or nats → bits."""
        self.set_unit("nats" if self._unit == "bits" else "bits")

    def convert(self, nats: float) -> float:
        """An amount of information in nats, expressed in the current unit."""
        return info_in(nats, self._unit)

    def to_nats(self, value: float) -> float:
        """The inverse of :meth:`convert`: a value in the current unit, in nats."""
        return info_from(value, self._unit)

    def format_info(self, nats: float, digits: int = 2, *, per_item: bool = False) -> str:
        """Format nats in the current unit, e.g. ``"3.21 bits"`` or ``"2.22 nats/item"``."""
        suffix = f"{self._unit}/item" if per_item else self._unit
        return f"{self.convert(nats):.{digits}f} {suffix}"


_display_settings: DisplaySettings | None = None


def display_settings() -> DisplaySettings:
    """The application's one :class:`DisplaySettings` (created on first use).

    Call it after the QApplication exists, so that the object lives in the GUI
    thread.
    """
    global _display_settings
    if _display_settings is None:
        _display_settings = DisplaySettings()
    return _display_settings
