"""The window's file dialogs never open the files they list: Qt's own read each file's first bytes
for its icon and type, which drops the process's POSIX locks on the database's write-ahead log, and
the next command-line run on the database deleted the log under the window ("database disk image
is malformed" afterwards)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QFileSystemModel

from advisor.storage.store import ScenarioStore
from ui.core.file_dialogs import name_only_icons

REPO = Path(__file__).resolve().parents[2]
CLI = "import sys; from advisor.cli import main; sys.exit(main())"


def test_a_file_dialog_on_the_database_folder_leaves_the_windows_locks(qtbot, tmp_path):
    database = tmp_path / "scenarios.sqlite"
    store = ScenarioStore.open(database)
    first = store.get(store.list()[0].id)
    store.save(first.scenario.with_changes({"raters.per_item": 4}), stored_id=first.id, base_revision=first.revision)
    sidecars = [tmp_path / "scenarios.sqlite-wal", tmp_path / "scenarios.sqlite-shm"]
    assert all(path.exists() for path in sidecars)

    dialog = name_only_icons(QFileDialog(None, "Export", str(tmp_path), "All files (*)"))
    dialog.setViewMode(QFileDialog.ViewMode.Detail)  # the type column too
    model = dialog.findChild(QFileSystemModel)
    with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
        dialog.show()
    qtbot.wait(500)  # the icons and types are gathered after the listing
    dialog.close()

    # Another process opens the database and closes it: were it the last user, SQLite would
    # checkpoint and delete the write-ahead log.
    done = subprocess.run([sys.executable, "-c", CLI, "--db", str(database), "list"], capture_output=True, text=True,
                          timeout=60, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert all(path.exists() for path in sidecars)
    assert store.get(first.id).scenario.raters.per_item == 4
    store.close()
