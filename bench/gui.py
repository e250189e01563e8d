"""GUI responsiveness: cold start to the first painted window, and the latency
from an edit to the updated plots.

Prints ratios against baselines measured in the same run, so the numbers
compare across machines:

* cold start of the app's main window vs. a bare ``QMainWindow`` (both in a
  fresh subprocess, timed from spawn until the window's first paint event);
* edit-to-updated-plot latency (median and p95 over 100 edits through the real
  editor widget, debounce included) vs. ``evaluate()`` alone on the same
  scenarios.

Run offscreen (``QT_QPA_PLATFORM=offscreen``) or under Xvfb. The database,
settings and drafts live in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHILD_APP = r"""
import sys, time
sys.path.insert(0, {repo!r})
from PySide6.QtCore import QEvent, QObject, QTimer
from ui.app import create_application
app = create_application([sys.argv[0]])
from advisor.store import ScenarioStore
from ui.main_window import MainWindow
window = MainWindow(ScenarioStore.open(), recover_drafts=False)
"""

CHILD_BARE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication([sys.argv[0]])
window = QMainWindow()
window.setCentralWidget(QLabel("bare"))
"""

CHILD_PAINT = r"""
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            QTimer.singleShot(0, app.quit)
            watched.removeEventFilter(self)
        return False

painted = FirstPaint()
window.installEventFilter(painted)
window.resize(1400, 900)
window.show()
app.exec()
"""


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def cold_start(code: str, runs: int, env: dict[str, str]) -> list[float]:
    """Seconds from spawning a Python process until its window's first paint."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True, env=env, cwd=REPO)
        line = process.stdout.readline()
        elapsed = time.perf_counter() - start
        process.wait(timeout=60)
        if line.strip() != "painted":
            raise RuntimeError(f"the window never painted (exit status {process.returncode})")
        times.append(elapsed)
    return times


WARM_UP_EDITS = 10
"""Edits made before timing: the first evaluations fill the models' caches
and import lazily loaded modules (start-up cost, measured by the cold start)."""


def edit_latency(edits: int) -> tuple[list[float], list[float]]:
    """Edit-to-updated-plot seconds through the real window (after
    :data:`WARM_UP_EDITS` untimed edits), and evaluate() alone on the same
    scenarios."""
    from PySide6.QtCore import QEventLoop, QTimer

    from advisor.evaluate import evaluate
    from advisor.store import ScenarioStore
    from ui.app import create_application
    from ui.main_window import MainWindow

    app = create_application([sys.argv[0]])
    window = MainWindow(ScenarioStore.open(), recover_drafts=False)
    window.resize(1400, 900)
    window.show()
    results = window.results
    spin = window.editor.field_widget("campaign.seconds_per_item")
    loop = QEventLoop()

    def wait_for_update(timeout_ms: int = 60_000) -> None:
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        results.updated.connect(loop.quit)
        timer.start(timeout_ms)
        loop.exec()
        results.updated.disconnect(loop.quit)
        if not timer.isActive():
            raise RuntimeError("the results did not update within the time limit")
        timer.stop()

    if results.evaluation is None:
        wait_for_update()
    base = window.state.scenario.campaign.seconds_per_item
    latencies, scenarios = [], []
    for edit in range(WARM_UP_EDITS + edits):
        value = base * (1.0 + 0.02 * ((edit % 10) + 1)) + (0.5 if edit < WARM_UP_EDITS else 0.0)
        start = time.perf_counter()
        spin.setValue(value)
        wait_for_update()
        app.processEvents()  # the repaint of the updated plots
        if edit >= WARM_UP_EDITS:
            latencies.append(time.perf_counter() - start)
            scenarios.append(window.state.scenario)
    alone = []
    for scenario in scenarios:
        start = time.perf_counter()
        evaluate(scenario)
        alone.append(time.perf_counter() - start)
    # Back to the stored content, so closing does not ask about the edits.
    window.open_scenario(window.state.stored_id, ask=False)
    window.close()
    return latencies, alone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=100, help="edits for the latency (default 100)")
    parser.add_argument("--starts", type=int, default=5, help="cold starts of each kind (default 5)")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="annotation-advisor-bench-"))
    os.environ["ANNOTATION_ADVISOR_DB"] = f"sqlite:///{home / 'scenarios.sqlite'}"
    os.environ["ANNOTATION_ADVISOR_CONFIG_DIR"] = str(home / "config")
    os.environ["ANNOTATION_ADVISOR_DATA_DIR"] = str(home / "data")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
    env = dict(os.environ)

    # The first start seeds the database; it is not counted.
    cold_start(CHILD_APP.format(repo=str(REPO)) + CHILD_PAINT, 1, env)
    app_times = cold_start(CHILD_APP.format(repo=str(REPO)) + CHILD_PAINT, args.starts, env)
    bare_times = cold_start(CHILD_BARE + CHILD_PAINT, args.starts, env)
    app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
    print(f"platform: {env['QT_QPA_PLATFORM']}")
    print(f"cold start to first paint: median {app_median * 1000:.0f} ms over {args.starts} starts "
          f"(bare QMainWindow {bare_median * 1000:.0f} ms; ratio {app_median / bare_median:.2f})")

    from ui.workers import EVALUATE_DEBOUNCE_MS

    latencies, alone = edit_latency(args.edits)
    median, p95 = statistics.median(latencies), _quantile(latencies, 0.95)
    alone_median, alone_p95 = statistics.median(alone), _quantile(alone, 0.95)
    print(f"edit to updated plots: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms over {args.edits} edits "
          f"after {WARM_UP_EDITS} warm-up edits (includes the {EVALUATE_DEBOUNCE_MS} ms debounce)")
    print(f"evaluate() alone:      median {alone_median * 1000:.0f} ms, p95 {alone_p95 * 1000:.0f} ms; "
          f"ratio GUI/evaluate: median {median / alone_median:.2f}, p95 {p95 / alone_p95:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
