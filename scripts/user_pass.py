"""A user's pass over the real window: real clicks and keys under Xvfb and a window manager.

Starts a virtual X display and openbox, opens the app through its entry point
on a temporary database seeded with the examples (the user's database,
settings and drafts are never touched), and then, with ``xdotool`` sending
real X events, works through the design editor as a user would:

* clicks into every field of the editor (name, tags, notes, each spin box,
  combo and check box, one cell of each table), types a value and checks
  that the scenario took it, then presses Ctrl+Z and checks that it is undone;
* presses Tab in the notes and checks that the focus left them;
* turns the wheel over an unfocused spin box and checks that its value stays;
* resizes the window to 1280 × 800 and to the full screen, and checks that
  no one-line label is clipped and no table column lies behind a scroll bar;
* at 1280 × 700 turns the wheel over a plot of the results page (the page scrolls, the plot
  keeps its range) and Ctrl + wheel (the plot zooms, the page stays);
* opens the X–Y plot with Ctrl+4, clicks Run sweep, hovers over a point of
  the risk plot (the readout), clicks it (the design takes that number of
  raters) and presses Ctrl+Z;
* opens Tools → Calibrate from pilot, types the path of a real pilot with gold, clicks Next for its
  summary, opens "Validate the model", types the number of splits and presses Enter (which
  validates, on the same page), checks that the table fills with one row per number of raters,
  with no column behind a scroll bar and no clipped label, clicks Validate to run it again, then
  closes the wizard with Escape;
* opens the report dialog with Ctrl+E, types a filter and presses Enter (the focus goes to the list,
  no file chooser opens), ticks the scenario with Space and closes it with Escape;
* optionally runs ``probe_window.py`` (hit-tests and wheel checks from inside).

A screenshot of the screen is written at each step. One line per step says
``PASS`` or ``FAIL``; the exit status is 1 when any step failed::

    .venv/bin/python scripts/user_pass.py [-o FOLDER] [--display :95] [--probe ../shared/tools/probe_window.py]

The script reads the window's state through a small dump the app process
writes on request (each field's screen position, value and focus, the
scenario's values, the undo stack, the window title): the app is started as
``annotation-advisor`` is, from ``ui.launcher``, with only that dump added.
Needs ``Xvfb``, ``openbox``, ``xdotool``, ``wmctrl`` and ``scrot`` (Debian
packages of the same names).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PROBE = REPO.parent / "shared" / "tools" / "probe_window.py"
TOOLS = ("Xvfb", "openbox", "xdotool", "wmctrl", "scrot")
WINDOW_TITLE = "Annotation Advisor"
SCREEN = "1920x1080x24"
SMALL_SIZE = (1280, 800)
DUMP_WAIT_S = 20.0
START_WAIT_S = 90.0
NOTES_COMMIT_S = 1.0
"""Longer than the editor's quiet time before typed notes are committed (0.6 s)."""
KEY_DELAY_MS = 25
PILOT = REPO / "resources" / "pilots" / "welinder2010_bluebirds.csv"
"""A real pilot with gold (Welinder et al. 2010), for the pilot wizard's steps."""


# ---------------------------------------------------------------- inside the app
def _scenario_value(scenario: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of a scenario dumped as JSON (None when absent)."""
    value: Any = scenario
    for part in path.split("."):
        if isinstance(value, list):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


def _centre(widget) -> list[int]:
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    point = target.mapToGlobal(target.rect().center())
    return [point.x(), point.y()]


def clipped_texts(root) -> list[str]:
    """One-line labels and buttons whose text does not fit (``scripts/screenshots.py``)."""
    sys.path.insert(0, str(REPO / "scripts"))
    from screenshots import clipped_texts as clipped

    return clipped(root)


def _field_entry(widget, path: str, scenario: dict[str, Any]) -> dict[str, Any]:
    from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

    entry: dict[str, Any] = {
        "centre": _centre(widget), "enabled": widget.isEnabled(), "visible": widget.isVisible(),
        "shown": widget.isVisible() and widget.visibleRegion().contains(widget.rect().center()),
        "scenario": _scenario_value(scenario, path.split(":")[0]) if not path.endswith(":mode") else None,
    }
    if isinstance(widget, QAbstractSpinBox):
        entry.update(kind="spin", text=widget.text(), value=widget.value(), minimum=widget.minimum(),
                     maximum=widget.maximum(), step=widget.singleStep(), decimals=widget.decimals())
    elif isinstance(widget, QComboBox):
        entry.update(kind="combo", text=widget.currentText(), editable=widget.isEditable(),
                     index=widget.currentIndex(), count=widget.count())
    elif isinstance(widget, QCheckBox):
        entry.update(kind="check", checked=widget.isChecked())
    elif isinstance(widget, QPlainTextEdit):
        entry.update(kind="plain", text=widget.toPlainText())
    elif isinstance(widget, QLineEdit):
        entry.update(kind="line", text=widget.text())
    else:
        entry.update(kind="compound")
    return entry


def _hidden_columns(root) -> list[str]:
    """Columns of visible tables that start or end beyond their view's right
    edge with the view scrolled fully left: only a scroll bar reaches them."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    found = []
    for view in root.findChildren(QAbstractItemView):
        header = getattr(view, "horizontalHeader", None) or getattr(view, "header", None)
        header = header() if header is not None else None
        if not view.isVisible() or not isinstance(header, QHeaderView) or view.visibleRegion().isEmpty():
            continue
        width = view.viewport().width()
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            if header.sectionPosition(section) + header.sectionSize(section) > width + 1:
                text = str(header.model().headerData(section, header.orientation()) or section)
                found.append(f"{type(view).__name__} {view.objectName() or view.accessibleName()!r}: "
                             f"column {text.splitlines()[0]!r} ends at "
                             f"{header.sectionPosition(section) + header.sectionSize(section)} px of {width}")
    return found


def snapshot(window) -> dict[str, Any]:
    """What the outside of the pass reads: positions, values, focus, title."""
    from PySide6.QtWidgets import QApplication, QScrollArea

    editor = window.editor
    scenario = window.state.scenario.model_dump(mode="json")
    fields = {path: _field_entry(editor.field_widget(path), path, scenario) for path in editor.field_paths()}
    focus = QApplication.focusWidget()
    # The parent chain, across windows: an open combo list is a popup window whose parent is the combo.
    chain = []
    widget = focus
    while widget is not None:
        chain.append(widget)
        widget = widget.parentWidget()
    # The innermost field holding the focus (the bits box, not the row that holds it).
    by_widget = {id(editor.field_widget(path)): path for path in reversed(editor.field_paths())}
    focus_path = next((by_widget[id(w)] for w in chain if id(w) in by_widget), None)
    tables = {}
    for group, view in (("contexts", editor.contexts_table), ("questions", editor.questions_table)):
        model = view.model()
        cells = []
        for column in range(model.columnCount()):
            index = model.index(0, column)
            rect = view.visualRect(index)
            point = view.viewport().mapToGlobal(rect.center())
            cells.append({"column": column, "key": model.columns[column].key, "centre": [point.x(), point.y()],
                          "shown": view.viewport().visibleRegion().contains(rect.center()),
                          "enabled": bool(model.flags(index) & model.flags(index).ItemIsEditable),
                          "scenario": _scenario_value(scenario, f"{group}.0.{model.columns[column].key}")})
        tables[group] = cells
    scroll = editor.findChild(QScrollArea)
    viewport = scroll.viewport()
    top_left = viewport.mapToGlobal(viewport.rect().topLeft())
    tab_bar = window.tabs.tabBar()
    tabs = {window.tabs.tabText(i): _point(tab_bar, tab_bar.tabRect(i).center()) for i in range(window.tabs.count())}
    geometry = window.geometry()
    return {
        "xy": _xy_entry(window),
        "results_plot": _results_plot_entry(window),
        "wizard": _wizard_entry(),
        "report": _report_entry(),
        "evaluated": window.results.evaluation is not None and not window.results.is_busy_shown(),
        "title": window.windowTitle(), "modified": window.isWindowModified(),
        "size": [geometry.width(), geometry.height()], "minimum": [window.minimumSizeHint().width(),
                                                                   window.minimumSizeHint().height()],
        "focus": focus_path or (f"{type(focus).__name__}:{focus.objectName()}" if focus is not None else None),
        "undo_index": window.undo_stack.index(), "fields": fields, "tables": tables,
        "form": {"left": top_left.x(), "top": top_left.y(), "width": viewport.width(), "height": viewport.height(),
                 "scroll": scroll.verticalScrollBar().value()},
        "tabs": tabs, "current_tab": window.tabs.tabText(window.tabs.currentIndex()),
        "errors": {path: editor.error_text(path) for path in editor.field_paths()
                   if path in fields and ":" not in path and editor.error_text(path)},
        "clipped": clipped_texts(window), "hidden_columns": _hidden_columns(window),
    }


def _results_plot_entry(window) -> dict[str, Any]:
    """The results page's plot over raters: the centre of its part in view, x range, and the page's
    scroll bar."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QAbstractScrollArea

    plot = window.results.curve_plot("raters")
    page = plot.parentWidget()
    while page is not None and not isinstance(page, QAbstractScrollArea):
        page = page.parentWidget()
    bar = page.verticalScrollBar()
    # The part of the plot inside the page's viewport, in the plot's coordinates.
    viewport = page.viewport()
    top_left = plot.mapTo(viewport, plot.rect().topLeft())
    shown = QRect(top_left, plot.size()).intersected(viewport.rect()).translated(-top_left)
    return {"centre": _point(plot, shown.center()), "shown_height": shown.height(),
            "x_range": [round(v, 9) for v in plot.getPlotItem().getViewBox().viewRange()[0]],
            "scroll": bar.value(), "scroll_max": bar.maximum()}


def _xy_entry(window) -> dict[str, Any] | None:
    """The X–Y plot panel once built: its run button, results and where a grid point lies on screen."""
    import math

    import pyqtgraph as pg

    from ui.panels.xy_plot import XYPlotWidget

    panel = window.findChild(XYPlotWidget)
    if panel is None or not panel.isVisible():
        return None
    results = panel.results
    entry: dict[str, Any] = {"run": _centre(panel._run_button), "running": not panel._run_button.isEnabled(),
                             "curves": panel.curve_count("achievable"), "sweeps": len(results),
                             "readout": panel._readout.text(), "message": panel._message.text(),
                             "table_rows": panel.table.model().rowCount() if panel.table.model() else 0,
                             "clipped": clipped_texts(panel.window()), "points": []}
    if results:
        first = results[0][1]
        plot = panel.plot("risk")
        view = plot.getViewBox()
        graphics = panel.layout_widget
        for index, x in enumerate(first.xs):
            x_view = math.log10(float(x)) if panel._log_x else float(x)
            y_view = sum(view.viewRange()[1]) / 2
            scene = view.mapViewToScene(pg.Point(x_view, y_view))
            local = graphics.mapFromScene(scene)
            on_screen = graphics.viewport().mapToGlobal(local)
            entry["points"].append({"x": x, "centre": [on_screen.x(), on_screen.y()]})
    return entry


def _wizard_entry() -> dict[str, Any] | None:
    """The pilot wizard while it is open: its page, controls' centres and the validation's state."""
    from PySide6.QtWidgets import QApplication, QWizard

    from ui.dialogs.pilot_wizard import PilotWizard

    wizard = next((w for w in QApplication.topLevelWidgets() if isinstance(w, PilotWizard) and w.isVisible()), None)
    if wizard is None:
        return None
    page = wizard.summary_page
    validation = page.validation
    tab_bar = page.tabs.tabBar()
    size = wizard.size()
    return {
        "title": wizard.windowTitle(), "size": [size.width(), size.height()],
        "page": wizard.currentPage().title() if wizard.currentPage() is not None else "",
        "busy": wizard.is_busy(), "path": _centre(wizard.file_page._path_edit),
        "status": wizard.file_page._status_label.text(),
        "preview_rows": wizard.file_page._preview_table.rowCount(),
        "next": _centre(wizard.button(QWizard.WizardButton.NextButton)),
        "methods_rows": page._methods_table.rowCount(),
        "tabs": {page.tabs.tabText(i): _point(tab_bar, tab_bar.tabRect(i).center()) for i in range(page.tabs.count())},
        "splits": _centre(validation._splits_spin), "splits_value": validation._splits_spin.value(),
        "run": _centre(validation._run_button), "running": validation.is_running,
        "rows": validation._table.rowCount(), "summary": validation._summary_label.text(),
        "clipped": clipped_texts(wizard), "hidden_columns": _hidden_columns(wizard),
    }


def _report_entry() -> dict[str, Any] | None:
    """The report dialog while it is open: its filter, what holds the focus, the ticked scenarios,
    and whether a file chooser is showing."""
    from PySide6.QtWidgets import QApplication, QFileDialog

    from ui.dialogs.report_dialog import ReportExportDialog

    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    dialog = next((w for w in shown if isinstance(w, ReportExportDialog)), None)
    if dialog is None:
        return None
    focus = QApplication.focusWidget()
    current = dialog._scenario_list.currentItem()
    return {
        "filter": _centre(dialog._filter_edit), "filter_text": dialog._filter_edit.text(),
        "focus_on_list": focus is dialog._scenario_list,
        "current": current.text() if current is not None else None,
        "ticked": dialog.selected_names(),
        "chooser_open": any(isinstance(w, QFileDialog) for w in shown),
        "clipped": clipped_texts(dialog),
    }


def _point(widget, point) -> list[int]:
    mapped = widget.mapToGlobal(point)
    return [mapped.x(), mapped.y()]


def run_app_with_dump(folder: Path) -> int:
    """Run the app as ``annotation-advisor`` does, answering dump requests.

    The outside writes a number to ``folder/request``; on the GUI thread the
    app writes ``folder/dump.json`` with that number and the snapshot.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import ui.launcher
    from ui.core.application import create_application
    from ui.main_window import MainWindow

    app = create_application()
    answered = {"number": None}

    def answer() -> None:
        try:
            number = (folder / "request").read_text().strip()
        except OSError:
            return
        if number == answered["number"]:
            return
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            return
        data = {"request": number, **snapshot(windows[0])}
        partial = folder / "dump.json.part"
        partial.write_text(json.dumps(data))
        partial.replace(folder / "dump.json")
        answered["number"] = number

    timer = QTimer(app)
    timer.timeout.connect(answer)
    timer.start(50)
    return ui.launcher.main([])


# ---------------------------------------------------------------- outside: X and the app
class Session:
    """The display, the window manager, the app and the dumps it writes."""

    def __init__(self, display: str, output: Path):
        self.display = display
        self.output = output
        self.home = Path(tempfile.mkdtemp(prefix="annotation-advisor-user-pass-"))
        self.env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
                    "ANNOTATION_ADVISOR_DB": f"sqlite:///{self.home / 'scenarios.sqlite'}",
                    "ANNOTATION_ADVISOR_DATA_DIR": str(self.home / "data"),
                    "ANNOTATION_ADVISOR_CONFIG_DIR": str(self.home / "config"),
                    "ANNOTATION_ADVISOR_NO_OPEN": "1"}
        self.processes: list[subprocess.Popen] = []
        self.app: subprocess.Popen | None = None
        self.window_id = ""
        self._request = 0
        self._shots = 0
        self.first_results_s = math.nan

    def start(self) -> None:
        log = open(self.home / "x.log", "w")
        self.processes.append(subprocess.Popen(["Xvfb", self.display, "-screen", "0", SCREEN, "-nolisten", "tcp"],
                                               stdout=log, stderr=log))
        self._wait(lambda: subprocess.run(["xdpyinfo"] if shutil.which("xdpyinfo") else ["xdotool", "getmouselocation"],
                                          env=self.env, capture_output=True).returncode == 0, 10, "the X display")
        self.processes.append(subprocess.Popen(["openbox"], env=self.env, stdout=log, stderr=log))
        time.sleep(0.5)
        launched = time.monotonic()
        self.app = subprocess.Popen([sys.executable, __file__, "--inside", str(self.home)], env=self.env,
                                    cwd=REPO, stdout=open(self.home / "app.log", "w"), stderr=subprocess.STDOUT)
        self.processes.append(self.app)
        self._wait(self._find_window, START_WAIT_S, "the main window (wmctrl)")
        self.x("windowactivate", "--sync", self.window_id)
        # The first screenshot shows the window as a user first sees it settled: results drawn.
        self._wait(lambda: self.dump()["evaluated"], START_WAIT_S, "the first results")
        self.first_results_s = time.monotonic() - launched  # an upper bound: the dumps are polled

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _wait(self, condition, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.app is not None and self.app.poll() is not None:
                raise RuntimeError(f"the app exited ({self.app.returncode}): {(self.home / 'app.log').read_text()[-2000:]}")
            if condition():
                return
            time.sleep(0.2)
        raise RuntimeError(f"timed out waiting for {what}")

    def _find_window(self) -> bool:
        listing = subprocess.run(["wmctrl", "-l"], env=self.env, capture_output=True, text=True).stdout
        for line in listing.splitlines():
            if WINDOW_TITLE in line:
                self.window_id = line.split()[0]
                return True
        return False

    def wm_title(self) -> str:
        """The main window's title as the window manager lists it."""
        listing = subprocess.run(["wmctrl", "-l"], env=self.env, capture_output=True, text=True).stdout
        for line in listing.splitlines():
            if line.split()[0] == self.window_id:
                return line.split(None, 3)[3] if len(line.split(None, 3)) > 3 else ""
        return ""

    def x(self, *arguments: str) -> None:
        subprocess.run(["xdotool", *arguments], env=self.env, check=True, capture_output=True)

    def dump(self, settle_s: float = 0.15) -> dict[str, Any]:
        """A fresh snapshot of the window, taken after pending events ran."""
        time.sleep(settle_s)
        self._request += 1
        number = str(self._request)
        (self.home / "request").write_text(number)
        path = self.home / "dump.json"
        deadline = time.monotonic() + DUMP_WAIT_S
        while time.monotonic() < deadline:
            try:
                data = json.loads(path.read_text())
                if data["request"] == number:
                    return data
            except (OSError, ValueError, KeyError):
                pass
            if self.app.poll() is not None:
                raise RuntimeError("the app exited")
            time.sleep(0.05)
        raise RuntimeError("the app did not answer a dump request")

    def click(self, point: list[int], button: int = 1, repeat: int = 1) -> None:
        self.move(point)
        self.x("click", "--repeat", str(repeat), "--delay", "80", str(button))

    def move(self, point: list[int]) -> None:
        # Not --sync: xdotool then waits for a motion event, which never comes
        # when the pointer is already there.
        self.x("mousemove", str(point[0]), str(point[1]))
        time.sleep(0.05)

    def key(self, *keys: str) -> None:
        self.x("key", "--delay", str(KEY_DELAY_MS), *keys)

    def type(self, text: str) -> None:
        self.x("type", "--delay", str(KEY_DELAY_MS), text)

    def screenshot(self, name: str) -> Path:
        self._shots += 1
        path = self.output / f"{self._shots:02d}-{name}.png"
        subprocess.run(["scrot", "--overwrite", str(path)], env=self.env, check=True, capture_output=True)
        return path

    def bring_into_view(self, locate) -> dict[str, Any]:
        """Scroll the form with the wheel (over its left margin, where no input
        lies) until ``locate(dump)``'s centre is inside the form; the dump."""
        data = self.dump()
        for _ in range(80):
            form = data["form"]
            y = locate(data)["centre"][1]
            margin = 30
            if form["top"] + margin <= y <= form["top"] + form["height"] - margin:
                return data
            # Up while the target is above the middle of the form (not only above its top: a target
            # between the top and the margin was scrolled the wrong way).
            self.click([form["left"] + 3, form["top"] + form["height"] // 2],
                       button=4 if y < form["top"] + form["height"] // 2 else 5)
            # Long enough for the scroll to show in the next dump while the window still evaluates
            # the last edit: with 50 ms the loop could run out with the target still out of view.
            data = self.dump(0.15)
        return data


# ---------------------------------------------------------------- the steps
class Report:
    def __init__(self):
        self.failures = 0

    def step(self, name: str, ok: bool, detail: str = "") -> bool:
        self.failures += not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        return ok


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def _number_to_type(entry: dict[str, Any]) -> float:
    """A value in the box's range, different from the current one, on its step."""
    value, step = entry["value"], entry["step"] or 1.0
    candidate = value + step if value + step <= entry["maximum"] else value - step
    if candidate < entry["minimum"]:
        candidate = (entry["minimum"] + entry["maximum"]) / 2
    return round(candidate, entry["decimals"])


def _text_of(number: float, decimals: int) -> str:
    text = f"{number:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def edit_field(session: Session, report: Report, path: str) -> None:
    """Click into one field, type a value, check it took, undo, check it is back."""
    data = session.bring_into_view(lambda d: d["fields"][path])
    entry = data["fields"][path]
    if not entry["visible"]:
        return
    if path.endswith(":enabled"):
        return  # switched on and off with its spin box below
    if entry["kind"] == "compound":
        return  # a row of parts, each a field of its own ("target.log2_m:bits")
    check_path = f"{path}:enabled"
    switched_on = False
    undo_at_start = data["undo_index"]
    if not entry["enabled"] and check_path in data["fields"]:
        if not data["fields"][check_path]["enabled"]:
            # Greyed out with its field: the value does not apply to this design (gold's pool
            # size while no item is gold); a user sees that, and a click rightly does nothing.
            report.step(f"{path}: its check box is greyed out while it does not apply", True)
            return
        session.click(data["fields"][check_path]["centre"])
        data = session.dump()
        entry = data["fields"][path]
        switched_on = entry["enabled"]
        if not report.step(f"{path}: its check box switches it on", switched_on):
            return
    if not entry["enabled"]:
        return
    undo_before = data["undo_index"]
    before = entry["scenario"]
    session.click(entry["centre"])
    data = session.dump()
    if not report.step(f"{path}: a click gives it the focus", data["focus"] == path, f"focus is {data['focus']}"):
        return
    kind = entry["kind"]
    if kind == "combo" and not entry["editable"]:
        # The click opened the list: the next item, then Return.
        session.key("Down", "Return")
        data = session.dump(0.3)
        after = data["fields"][path]
        took = after["index"] != entry["index"]
        report.step(f"{path}: choosing another item takes", took, f"{entry['text']!r} -> {after['text']!r}")
        if path.endswith(":mode"):
            # Not a scenario value (the unit the target is typed in): try the other field, then choose back.
            if after["text"] == "M":
                edit_field(session, report, "target.log2_m:count")
            data = session.bring_into_view(lambda d: d["fields"][path])
            session.click(data["fields"][path]["centre"])
            session.key("Up", "Return")
            back = session.dump(0.3)["fields"][path]
            report.step(f"{path}: choosing the first item again takes", back["index"] == entry["index"])
            return
    else:
        if kind == "spin":
            number = _number_to_type(entry)
            typed, expected = _text_of(number, entry["decimals"]), number
        elif kind == "plain":
            typed = expected = (entry["text"] + " " if entry["text"] else "") + "Checked by a scripted pass"
        elif kind == "combo":
            typed = expected = "EUR" if entry["text"] != "EUR" else "GBP"
        elif path == "tags":
            typed, expected = "pass, scripted", ["pass", "scripted"]
        elif path == "target.log2_m:count":
            typed, expected = "4096", 12.0
        else:
            typed = expected = "Scripted pass scenario"
        session.key("ctrl+a")
        if kind == "plain":
            session.key("End")
            typed = " Checked by a scripted pass" if entry["text"] else typed
        session.type(typed)
        if kind == "plain":
            time.sleep(NOTES_COMMIT_S)
        else:
            session.key("Return")
        data = session.dump(0.3)
        after = data["fields"][path]["scenario"]
        took = _same(after, expected)
        detail = f"typed {typed!r}, scenario has {after!r}"
        if data["errors"].get(path.split(":")[0]):
            detail += f", message {data['errors'][path.split(':')[0]]!r}"
        report.step(f"{path}: typing {typed!r} takes", took, detail)
        if path == "name":
            title = session.wm_title()
            report.step("name: the window title shows it", expected in title, repr(title))
    session.key("ctrl+z")
    data = session.dump(0.3)
    back = data["fields"][path]["scenario"]
    report.step(f"{path}: Ctrl+Z in the field undoes it", _same(back, before) and data["undo_index"] <= undo_before + 1,
                f"back to {back!r}" if _same(back, before) else f"{back!r}, was {before!r}")
    if switched_on:
        session.key("ctrl+z")
        data = session.dump(0.3)
        report.step(f"{path}: a second Ctrl+Z switches it off again",
                    not data["fields"][path]["enabled"] and data["undo_index"] == undo_at_start,
                    f"undo index {data['undo_index']}, was {undo_at_start} before the check box")


def edit_cell(session: Session, report: Report, group: str, key: str, typed: str, expected: Any) -> None:
    """Double-click one cell of a table, type, Return, check; Ctrl+Z, check."""
    def locate(d):
        return next(c for c in d["tables"][group] if c["key"] == key)

    data = session.bring_into_view(locate)
    cell = locate(data)
    before, undo_before = cell["scenario"], data["undo_index"]
    session.click(cell["centre"], repeat=2)
    time.sleep(0.3)
    if key == "format.kind":
        session.key("Down", "Return")
    else:
        session.key("ctrl+a")
        session.type(typed)
        session.key("Return")
    data = session.dump(0.3)
    after = locate(data)["scenario"]
    ok = _same(after, expected) if expected is not None else after != before
    report.step(f"{group} row 1, {key}: typing {typed!r} in the cell takes", ok, f"scenario has {after!r}")
    session.key("ctrl+z")
    data = session.dump(0.3)
    back = locate(data)["scenario"]
    report.step(f"{group} row 1, {key}: Ctrl+Z undoes it", _same(back, before) and data["undo_index"] == undo_before,
                f"{back!r}, was {before!r}")


def notes_tab(session: Session, report: Report) -> None:
    data = session.bring_into_view(lambda d: d["fields"]["notes"])
    session.click(data["fields"]["notes"]["centre"])
    session.key("End")
    session.type("tab test")
    session.key("Tab")
    data = session.dump(NOTES_COMMIT_S)
    text = data["fields"]["notes"]["text"]
    report.step("notes: Tab leaves the notes", data["focus"] != "notes" and "\t" not in text,
                f"focus on {data['focus']}, tab typed: {'yes' if chr(9) in text else 'no'}")
    session.key("ctrl+z")
    data = session.dump(0.3)
    report.step("notes: Ctrl+Z in the next field undoes the typed notes", "tab test" not in data["fields"]["notes"]["text"])


def wheel_over_unfocused(session: Session, report: Report, path: str) -> None:
    data = session.bring_into_view(lambda d: d["fields"][path])
    # The focus goes to another field first, so the box under the mouse has none.
    other = "name" if data["fields"]["name"]["shown"] else "tags"
    if data["fields"][other]["shown"]:
        session.click(data["fields"][other]["centre"])
    data = session.dump()
    entry = data["fields"][path]
    before, scroll_before = entry["scenario"], data["form"]["scroll"]
    session.move(entry["centre"])
    for button in (5, 5, 5, 4):
        session.x("click", str(button))
    data = session.dump(0.3)
    after = data["fields"][path]
    report.step(f"{path}: the wheel over it without focus changes nothing",
                _same(after["scenario"], before) and data["focus"] != path,
                f"{before!r} -> {after['scenario']!r}, form scrolled {scroll_before} -> {data['form']['scroll']} px")
    # With the focus the wheel does change it: the events above did reach the box.
    data = session.bring_into_view(lambda d: d["fields"][path])
    session.click(data["fields"][path]["centre"])
    data = session.dump()
    before = data["fields"][path]["scenario"]
    session.x("click", "4")
    data = session.dump(0.3)
    changed = not _same(data["fields"][path]["scenario"], before)
    report.step(f"{path}: the wheel over it with focus changes it", changed,
                f"{before!r} -> {data['fields'][path]['scenario']!r}")
    if changed:
        session.key("ctrl+z")
        data = session.dump(0.3)
        report.step(f"{path}: Ctrl+Z undoes the wheel's step", _same(data["fields"][path]["scenario"], before))


def wheel_over_a_plot(session: Session, report: Report) -> None:
    """On the results page, at a window size where the page scrolls: the wheel over a plot scrolls
    the page and leaves the plot's range; Ctrl + wheel zooms the plot and leaves the page."""
    session.x("windowsize", session.window_id, "1280", "700")
    data = session.dump(1.5)
    session.click(data["tabs"][next(iter(data["tabs"]))])  # the design tab, beside its results
    data = session.dump(1.0)
    entry = data["results_plot"]
    if entry["scroll_max"] == 0 or entry["shown_height"] < 40:
        report.step("the wheel over a plot scrolls the page", False,
                    f"the results page does not scroll at {data['size'][0]}x{data['size'][1]} "
                    f"(least {data['minimum'][0]}x{data['minimum'][1]}; plot shown {entry['shown_height']} px high)")
        return
    session.move(entry["centre"])
    session.x("click", "5")
    after = session.dump(0.5)["results_plot"]
    report.step("the wheel over a plot scrolls the page and leaves the plot",
                after["scroll"] > entry["scroll"] and after["x_range"] == entry["x_range"],
                f"page {entry['scroll']} -> {after['scroll']} px, x range {entry['x_range']} -> {after['x_range']}")
    session.move(after["centre"])
    session.x("keydown", "ctrl", "click", "4", "keyup", "ctrl")
    zoomed = session.dump(0.5)["results_plot"]
    report.step("Ctrl + wheel over a plot zooms it and leaves the page",
                zoomed["scroll"] == after["scroll"] and zoomed["x_range"] != after["x_range"],
                f"page {after['scroll']} -> {zoomed['scroll']} px, x range {after['x_range']} -> {zoomed['x_range']}")
    session.screenshot("after-plot-wheel")


def resize_and_look(session: Session, report: Report, size: tuple[int, int] | None) -> None:
    """Resize (None: maximise), then look at every tab: clipped text, hidden columns."""
    label = "maximised" if size is None else f"{size[0]}x{size[1]}"
    if size is None:
        subprocess.run(["wmctrl", "-i", "-r", session.window_id, "-b", "add,maximized_vert,maximized_horz"],
                       env=session.env, check=True)
    else:
        subprocess.run(["wmctrl", "-i", "-r", session.window_id, "-b", "remove,maximized_vert,maximized_horz"],
                       env=session.env, check=True)
        session.x("windowsize", session.window_id, str(size[0]), str(size[1]))
        session.x("windowmove", session.window_id, "0", "0")
    data = session.dump(1.5)
    if size is not None:
        report.step(f"{label}: the window takes that size", data["size"] == list(size),
                    f"window is {data['size'][0]}x{data['size'][1]}, needs at least {data['minimum'][0]}x{data['minimum'][1]}")
    for tab, centre in data["tabs"].items():
        session.click(centre)
        shown = session.dump(2.5)
        session.screenshot(f"{label}-{tab.lower().replace(' ', '-')}")
        report.step(f"{label}, {tab} tab: no one-line label or button is clipped", not shown["clipped"],
                    "; ".join(shown["clipped"][:6]))
        report.step(f"{label}, {tab} tab: no table column lies behind a scroll bar", not shown["hidden_columns"],
                    "; ".join(shown["hidden_columns"][:6]))
    session.click(data["tabs"][next(iter(data["tabs"]))])


def _wait_for(session: Session, condition, seconds: float) -> dict[str, Any]:
    """Dumps every half second until ``condition(dump)`` holds or ``seconds`` pass; the last dump."""
    deadline = time.monotonic() + seconds
    data = session.dump()
    while not condition(data) and time.monotonic() < deadline:
        time.sleep(0.5)
        data = session.dump()
    return data


def xy_plot(session: Session, report: Report) -> None:
    """Ctrl+4 opens the X–Y plot; a click on Run sweeps; hovering reads off; a click on a point sets it."""
    session.key("ctrl+4")
    data = session.dump(1.0)
    if not report.step("X–Y plot: Ctrl+4 opens the panel", data["xy"] is not None):
        return
    session.click(data["xy"]["run"])
    data = _wait_for(session, lambda d: d["xy"]["sweeps"] and not d["xy"]["running"], 120)
    xy = data["xy"]
    report.step("X–Y plot: a click on Run sweep draws the curves", xy["sweeps"] >= 1 and xy["curves"] >= 1
                and xy["table_rows"] >= 2, f"{xy['sweeps']} sweep(s), {xy['curves']} curve(s), "
                f"{xy['table_rows']} table rows; {xy['message']!r}")
    session.screenshot("xy-plot")
    report.step("X–Y plot: no one-line label or button is clipped", not xy["clipped"], "; ".join(xy["clipped"][:6]))
    if len(xy["points"]) < 3:
        return
    point = xy["points"][len(xy["points"]) // 3]
    session.move(point["centre"])
    data = session.dump(0.4)
    readout = data["xy"]["readout"]
    report.step("X–Y plot: hovering reads the values off", readout.strip() != "", readout.splitlines()[0] if readout else "")
    session.screenshot("xy-plot-hover")
    before, undo_before = data["fields"]["raters.per_item"]["scenario"], data["undo_index"]
    session.click(point["centre"])
    data = session.dump(0.4)
    after = data["fields"]["raters.per_item"]["scenario"]
    report.step("X–Y plot: a click on a point sets that value in the design", after == point["x"] and after != before,
                f"raters per item {before} -> {after} (point at {point['x']})")
    session.key("ctrl+z")
    data = session.dump(0.4)
    back = data["fields"]["raters.per_item"]["scenario"]
    report.step("X–Y plot: Ctrl+Z undoes it", back == before and data["undo_index"] == undo_before,
                f"back to {back}")


def pilot_wizard(session: Session, report: Report) -> None:
    """Tools → Calibrate from pilot; type a real pilot's path; Next; validate with 2 splits; Escape."""
    session.key("alt+t", "c")
    data = _wait_for(session, lambda d: d["wizard"] is not None, 10)
    if not report.step("pilot wizard: Tools → Calibrate from pilot opens it", data["wizard"] is not None):
        return
    wizard = data["wizard"]
    report.step("pilot wizard: it opens at 1440 × 900 on this screen", wizard["size"] == [1440, 900],
                f"{wizard['size'][0]} × {wizard['size'][1]}")
    session.click(wizard["path"])
    session.type(str(PILOT))
    session.key("Return")
    data = _wait_for(session, lambda d: d["wizard"]["preview_rows"] > 0 and not d["wizard"]["busy"], 30)
    report.step("pilot wizard: typing a pilot's path and Enter reads it", data["wizard"]["preview_rows"] > 0,
                data["wizard"]["status"].splitlines()[0] if data["wizard"]["status"] else "")
    session.click(data["wizard"]["next"])
    data = _wait_for(session, lambda d: d["wizard"]["methods_rows"] > 0 and not d["wizard"]["busy"], 60)
    wizard = data["wizard"]
    report.step("pilot wizard: Next shows the summary", wizard["methods_rows"] > 0,
                f"{wizard['page']!r}, {wizard['methods_rows']} aggregation methods")
    session.screenshot("pilot-wizard-summary")
    report.step("pilot wizard, summary: no one-line label or button is clipped", not wizard["clipped"],
                "; ".join(wizard["clipped"][:6]))
    session.click(wizard["tabs"]["Validate the model"])
    data = session.dump(0.5)
    session.click(data["wizard"]["splits"])
    session.key("ctrl+a")
    session.type("2")
    session.key("Return")
    data = session.dump(0.3)
    report.step("pilot wizard: typing 2 into the splits and Enter takes it and validates, on the same page",
                data["wizard"]["splits_value"] == 2 and data["wizard"]["page"] == "Summary"
                and (data["wizard"]["running"] or data["wizard"]["rows"] > 0),
                f"{data['wizard']['splits_value']} splits, page {data['wizard']['page']!r}")
    data = _wait_for(session, lambda d: d["wizard"]["rows"] > 0 and not d["wizard"]["running"], 120)
    wizard = data["wizard"]
    report.step("pilot wizard: the validation fills the table, a row per number of raters", wizard["rows"] >= 2,
                f"{wizard['rows']} rows; {wizard['summary'].splitlines()[0] if wizard['summary'] else ''}")
    session.click(wizard["run"])
    started = session.dump()
    data = _wait_for(session, lambda d: d["wizard"]["rows"] > 0 and not d["wizard"]["running"], 120)
    report.step("pilot wizard: a click on Validate runs it again",
                started["wizard"]["running"] and data["wizard"]["rows"] == wizard["rows"],
                f"running after the click: {started['wizard']['running']}; {data['wizard']['rows']} rows")
    wizard = data["wizard"]
    session.screenshot("pilot-wizard-validation")
    report.step("pilot wizard, validation: no table column lies behind a scroll bar", not wizard["hidden_columns"],
                "; ".join(wizard["hidden_columns"][:6]))
    report.step("pilot wizard, validation: no one-line label or button is clipped", not wizard["clipped"],
                "; ".join(wizard["clipped"][:6]))
    session.key("Escape")
    data = _wait_for(session, lambda d: d["wizard"] is None, 10)
    report.step("pilot wizard: Escape closes it", data["wizard"] is None)


def report_dialog(session: Session, report: Report) -> None:
    """Ctrl+E; type a filter and Enter (to the list), Space ticks the scenario, Escape closes."""
    session.key("ctrl+e")
    data = _wait_for(session, lambda d: d["report"] is not None, 10)
    if not report.step("report dialog: Ctrl+E opens it", data["report"] is not None):
        return
    ticked_before = data["report"]["ticked"]
    session.click(data["report"]["filter"])
    session.type("chat")
    session.key("Return")
    data = session.dump(0.5)
    shown = data["report"]
    report.step("report dialog: Enter in the filter goes to the list, on the first scenario shown",
                shown["focus_on_list"] and not shown["chooser_open"] and (shown["current"] or "").lower().startswith("chat"),
                f"focus on the list: {shown['focus_on_list']}; current {shown['current']!r}; "
                f"file chooser open: {shown['chooser_open']}")
    session.key("space")
    data = session.dump(0.3)
    report.step("report dialog: Space ticks it", data["report"]["ticked"] != ticked_before
                and shown["current"] in data["report"]["ticked"], f"ticked {data['report']['ticked']}")
    session.screenshot("report-dialog")
    report.step("report dialog: no one-line label or button is clipped", not data["report"]["clipped"],
                "; ".join(data["report"]["clipped"][:6]))
    session.key("Escape")
    data = _wait_for(session, lambda d: d["report"] is None, 10)
    report.step("report dialog: Escape closes it", data["report"] is None)


def run_probe(report: Report, session: Session, probe: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="annotation-advisor-probe-"))
    env = {**session.env, "ANNOTATION_ADVISOR_DB": f"sqlite:///{home / 'scenarios.sqlite'}",
           "ANNOTATION_ADVISOR_DATA_DIR": str(home / "data"), "ANNOTATION_ADVISOR_CONFIG_DIR": str(home / "config"),
           "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, str(probe)], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=180)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    for line in lines[:-1]:
        print(f"     {line}")
    report.step("probe_window.py: every input is hit by its centre and ignores the unfocused wheel",
                result.returncode == 0, lines[-1] if lines else result.stderr[-300:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", help="folder for the screenshots (default: a new temporary folder)")
    parser.add_argument("--display", default=":95", help="X display to start (default :95)")
    parser.add_argument("--probe", default=str(DEFAULT_PROBE) if DEFAULT_PROBE.exists() else "",
                        help="probe_window.py to run on the same display afterwards ('' to skip)")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        return run_app_with_dump(Path(args.inside))
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        print(f"FAIL setup: missing {', '.join(missing)}")
        return 1
    output = Path(args.output) if args.output else Path(tempfile.mkdtemp(prefix="user-pass-"))
    output.mkdir(parents=True, exist_ok=True)
    report = Report()
    session = Session(args.display, output)
    try:
        session.start()
        report.step("the main window opens", True,
                    f"{session.wm_title()!r}, results drawn within {session.first_results_s:.1f} s of the launch")
        session.screenshot("start")
        data = session.dump()
        for path in data["fields"]:
            edit_field(session, report, path)
        session.screenshot("after-fields")
        edit_cell(session, report, "contexts", "weight", "2.5", 2.5)
        edit_cell(session, report, "questions", "slip_rate", "0.07", 0.07)
        edit_cell(session, report, "questions", "format.kind", "(next format)", None)
        notes_tab(session, report)
        wheel_over_unfocused(session, report, "raters.correlation")
        wheel_over_unfocused(session, report, "raters.discriminability")
        session.screenshot("after-keys-and-wheel")
        resize_and_look(session, report, SMALL_SIZE)
        wheel_over_a_plot(session, report)
        resize_and_look(session, report, None)
        xy_plot(session, report)
        pilot_wizard(session, report)
        report_dialog(session, report)
    except (RuntimeError, subprocess.CalledProcessError, StopIteration) as error:
        report.step("the pass ran to the end", False, str(error))
    finally:
        if session.app is not None and session.app.poll() is None:
            session.app.terminate()
            session.app.wait(10)
    try:
        if args.probe:
            run_probe(report, session, Path(args.probe))
    finally:
        session.stop()
    print(f"{report.failures} failed steps; screenshots in {output}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
