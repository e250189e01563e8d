"""Screenshots of the real app on the shipped examples.

Opens the main window on a fresh database seeded with the examples (in a
temporary folder: the user's database, settings and drafts are never
touched), waits for every computation to finish, and writes one PNG per tab
and major view::

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py -o screenshots
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py --readme

``--readme`` also writes the main window to ``docs/screenshot-main.png``;
``--layout`` writes it at 1280 × 800 and 1920 × 1080 to
``docs/screenshot-1280x800.png`` and ``docs/screenshot-1920x1080.png`` and lists
any text that does not fit its label (run it under a display of at least
1920 × 1080)::

    xvfb-run -a -s "-screen 0 1920x1200x24" .venv/bin/python scripts/screenshots.py --layout -o screenshots
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WAIT_LIMIT_S = 60.0
LAYOUT_SIZES = ((1280, 800), (1920, 1080))
"""Window sizes of the layout screenshots: a small laptop and a full-HD screen."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _isolate() -> Path:
    """Point the database, config and data folders into a temporary folder."""
    home = Path(tempfile.mkdtemp(prefix="annotation-advisor-screenshots-"))
    os.environ["ANNOTATION_ADVISOR_DB"] = f"sqlite:///{home / 'scenarios.sqlite'}"
    os.environ["ANNOTATION_ADVISOR_CONFIG_DIR"] = str(home / "config")
    os.environ["ANNOTATION_ADVISOR_DATA_DIR"] = str(home / "data")
    os.environ.setdefault("ANNOTATION_ADVISOR_NO_OPEN", "1")
    return home


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", default="screenshots", help="folder for the PNGs (default ./screenshots)")
    parser.add_argument("--readme", action="store_true", help="also write docs/screenshot-main.png")
    parser.add_argument("--size", default="1600x1000", help="window size, WIDTHxHEIGHT (default 1600x1000)")
    parser.add_argument("--layout", action="store_true",
                        help="only the layout shots: docs/screenshot-1280x800.png and docs/screenshot-1920x1080.png")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    _isolate()

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

    from advisor.storage.store import ScenarioStore
    from ui.core.application import create_application
    from ui.main_window import MainWindow

    app = create_application([sys.argv[0]])
    store = ScenarioStore.open()
    written: list[Path] = []

    def settle(condition: Callable[[], bool] = lambda: True, extra_ms: int = 250) -> None:
        """Process events until ``condition`` holds and the pool is idle, then a little longer."""
        deadline = time.monotonic() + WAIT_LIMIT_S
        while time.monotonic() < deadline:
            app.processEvents()
            if condition() and QThreadPool.globalInstance().activeThreadCount() == 0:
                break
            time.sleep(0.02)
        end = time.monotonic() + extra_ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def shoot(widget: QWidget, name: str) -> Path:
        path = output / f"{name}.png"
        widget.grab().save(str(path))
        written.append(path)
        return path

    window = MainWindow(store, recover_drafts=False)
    window.resize(width, height)
    window.show()
    results = window.results
    if args.layout:
        for size in LAYOUT_SIZES:
            window.resize(*size)
            settle(extra_ms=600)
            if (window.width(), window.height()) != size:
                raise RuntimeError(f"the window is {window.width()}×{window.height()}, not {size[0]}×{size[1]} "
                                   "(too small a display, or a minimum size above it)")
            settle(lambda: not results.evaluator.is_busy, extra_ms=800)
            target = REPO / "docs" / f"screenshot-{size[0]}x{size[1]}.png"
            window.grab().save(str(target))
            written.append(target)
            for problem in clipped_texts(window):
                print(f"{size[0]}x{size[1]}: {problem}")
        window.close()
        store.close()
        for path in written:
            print(path)
        return 0

    def results_ready() -> bool:
        if results.evaluator.is_busy:
            return False
        if results.error_text():
            return True
        return (results.evaluation is not None
                and results.evaluation.content_hash == window.state.scenario.content_hash())

    # The main view on each example (the first is the README's).
    summaries = sorted(store.list(), key=lambda s: s.name)
    for index, summary in enumerate(summaries):
        window.open_scenario(summary.id, ask=False)
        window.tabs.setCurrentIndex(0)
        results.tabs.setCurrentIndex(0)
        settle(results_ready)
        path = shoot(window, f"main-{index + 1:02d}-{_slug(summary.name)}")
        if index == 0:
            main_path = path
            results.tabs.setCurrentIndex(1)
            settle(results_ready)
            shoot(window, "results-capacity-breakdown")
            results.tabs.setCurrentIndex(0)

    # An invalid entry, marked beside its field.
    window.open_scenario(summaries[0].id, ask=False)
    settle(results_ready)
    editor = window.editor
    correlation = editor.field_widget("raters.correlation")
    correlation.setValue(1.0)
    correlation.setFocus()
    scroll = editor.findChild(QScrollArea)
    scroll.ensureWidgetVisible(editor.field_widget("raters.discriminability"), 50, 200)
    settle(results_ready)
    shoot(window, "editor-invalid-input")
    if window.state.dirty:
        raise RuntimeError("an invalid value reached the scenario state")
    correlation.setValue(window.state.scenario.raters.correlation)
    scroll.verticalScrollBar().setValue(0)

    # Every other tab.
    for tab in range(1, window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        name = window.tabs.tabText(tab)
        if name == "Compare":
            window.compare.set_checked([s.id for s in summaries[:3]])
            settle(lambda: len(window.compare.compared) == 3 or "failed" in window.compare._status.text())
        else:
            settle(extra_ms=1500)
        shoot(window, f"tab-{_slug(name)}")
    window.tabs.setCurrentIndex(0)
    settle(results_ready)

    # Help and the dialogs reachable from the menus, shown without blocking.
    from ui.dialogs.help_dialogs import AboutDialog, MethodDialog

    for dialog, name in ((MethodDialog(window), "help-method"), (AboutDialog(store.url, window), "help-about")):
        dialog.show()
        settle(extra_ms=300)
        shoot(dialog, name)
        dialog.close()
    for module, factory, name in (
        ("ui.dialogs.report_dialog", lambda m: m.ReportExportDialog(store, [window.state.scenario.name], window),
         "dialog-report-export"),
        ("ui.dialogs.interface_import", lambda m: m.InterfaceImportDialog(window), "dialog-interface-import"),
        ("ui.dialogs.pilot_wizard", lambda m: m.PilotWizard(store, window.state.scenario, window), "dialog-pilot-wizard"),
    ):
        dialog = factory(__import__(module, fromlist=["_"]))
        dialog.show()
        settle(extra_ms=800)
        shoot(dialog, name)
        dialog.close()
    window.action("protocol").trigger()
    settle(extra_ms=800)
    shoot(window, "view-export-protocol")

    if args.readme:
        target = REPO / "docs" / "screenshot-main.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(main_path.read_bytes())
        written.append(target)

    if window.state.dirty:
        window.open_scenario(summaries[0].id, ask=False)
    window.close()
    QApplication.processEvents()
    QThreadPool.globalInstance().waitForDone(30_000)
    store.close()
    for path in written:
        print(path)
    return 0


def clipped_texts(root) -> list[str]:
    """Visible one-line labels and buttons below ``root`` whose text needs more
    width than they have, and table columns narrower than their header."""
    from PySide6.QtWidgets import QAbstractButton, QHeaderView, QLabel

    problems = []
    for label in root.findChildren(QLabel):
        if label.isVisible() and label.text() and not label.wordWrap() and "<" not in label.text():
            needed = label.fontMetrics().horizontalAdvance(label.text().split("\n")[0])
            if needed > label.contentsRect().width() + 1:
                problems.append(f"label {label.text()[:50]!r} needs {needed} px, has {label.contentsRect().width()}")
    for button in root.findChildren(QAbstractButton):
        if button.isVisible() and button.text() and button.sizeHint().width() > button.width() + 1:
            problems.append(f"button {button.text()!r} needs {button.sizeHint().width()} px, has {button.width()}")
    for header in root.findChildren(QHeaderView):
        if not header.isVisible() or header.orientation() != header.orientation().Horizontal:
            continue
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            text = str(header.model().headerData(section, header.orientation()) or "")
            needed = max((header.fontMetrics().horizontalAdvance(line) for line in text.splitlines()), default=0)
            if header.sectionSize(section) < needed and header.sectionViewportPosition(section) < header.width():
                problems.append(f"column {text.splitlines()[0] if text else section!r} is {header.sectionSize(section)} "
                                f"px, its header needs {needed}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
