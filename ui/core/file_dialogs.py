"""File dialogs that never open the files they list.

Qt's file dialog shows each file's icon and type, and finds them by reading the file's first bytes
(MIME sniffing) when the name's suffix says nothing, as for ``scenarios.sqlite-wal`` and
``-shm``. Opening and closing a file drops every POSIX lock the process holds on it, SQLite's
among them (the "POSIX advisory locking" caveat of SQLite's *How To Corrupt An SQLite Database*):
a dialog shown on the database's folder left the window's connection without its locks, and the
next command-line run on the same database took itself for the last user, checkpointed and
deleted the write-ahead log under the window, which then read "database disk image is malformed".

The dialogs here give the file-system model an icon provider that answers from the name alone.
They stand in for ``QFileDialog.getOpenFileName``, ``getOpenFileNames`` and ``getSaveFileName``.
"""

from __future__ import annotations

from PySide6.QtCore import QFileInfo
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from a file's kind and suffix, never from its content."""

    def icon(self, what):  # noqa: D102 - Qt's overloads: an IconType or a QFileInfo
        if isinstance(what, QFileInfo):
            kind = QFileIconProvider.IconType.Folder if what.isDir() else QFileIconProvider.IconType.File
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:  # noqa: A003 - Qt's name
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


_PROVIDER: NameOnlyIconProvider | None = None


def name_only_icons(dialog: QFileDialog) -> QFileDialog:
    """Make ``dialog`` list files without reading them (see the module docstring); returns it."""
    global _PROVIDER
    if _PROVIDER is None:
        _PROVIDER = NameOnlyIconProvider()
    dialog.setIconProvider(_PROVIDER)
    return dialog


def _run(dialog: QFileDialog) -> list[str]:
    name_only_icons(dialog)
    return dialog.selectedFiles() if dialog.exec() else []


def open_file_name(parent: QWidget | None, caption: str, directory: str = "", filters: str = "") -> str:
    """The file chosen to open, or "" when cancelled (as ``QFileDialog.getOpenFileName``'s path)."""
    dialog = QFileDialog(parent, caption, directory, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    chosen = _run(dialog)
    return chosen[0] if chosen else ""


def open_file_names(parent: QWidget | None, caption: str, directory: str = "", filters: str = "") -> list[str]:
    """The files chosen to open, or [] when cancelled (as ``QFileDialog.getOpenFileNames``'s paths)."""
    dialog = QFileDialog(parent, caption, directory, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    return _run(dialog)


def save_file_name(parent: QWidget | None, caption: str, directory: str = "", filters: str = "") -> str:
    """The file to write, or "" when cancelled (as ``QFileDialog.getSaveFileName``'s path; an
    existing file is confirmed before it is chosen)."""
    dialog = QFileDialog(parent, caption, directory, filters)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    chosen = _run(dialog)
    return chosen[0] if chosen else ""
