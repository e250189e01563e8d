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
from ui.core.application import create_application
app = create_application([sys.argv[0]])
from advisor.storage.store import ScenarioStore
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


def edit_latency(edits: int) -> dict[str, list[float]]:
    """Edit-to-update seconds through the real window (after
    :data:`WARM_UP_EDITS` untimed edits), and evaluate() alone on the same
    scenarios.

    The edits step the time per item through ten values, so the first ten
    timed edits are designs never evaluated in this process ("new": their
    channels are computed) and the rest revisit them ("revisited": served
    from the models' caches). Returned keys: ``cards`` and ``plots`` (edit to
    the cards and to the repainted plots) for ``new`` and ``revisited`` edits,
    ``evaluate_new`` (a first evaluate() of a design:
    other times per item, never evaluated in this process) and ``evaluate_revisited``.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    from advisor.evaluation.evaluate import evaluate
    from advisor.storage.store import ScenarioStore
    from ui.core.application import create_application
    from ui.main_window import MainWindow

    app = create_application([sys.argv[0]])
    window = MainWindow(ScenarioStore.open(), recover_drafts=False)
    window.resize(1400, 900)
    window.show()
    results = window.results
    spin = window.editor.field_widget("campaign.seconds_per_item")
    loop = QEventLoop()
    headline_at: list[float] = []
    results.headline_updated.connect(lambda _e: headline_at.append(time.perf_counter()))

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
    measured: dict[str, list[float]] = {"cards_new": [], "plots_new": [], "cards_revisited": [],
                                        "plots_revisited": []}
    seen: set[float] = set()
    scenarios = []
    for edit in range(WARM_UP_EDITS + edits):
        value = base * (1.0 + 0.02 * ((edit % 10) + 1)) + (0.5 if edit < WARM_UP_EDITS else 0.0)
        headline_at.clear()
        start = time.perf_counter()
        spin.setValue(value)
        wait_for_update()
        app.processEvents()  # the repaint of the updated plots
        painted = time.perf_counter()
        if edit >= WARM_UP_EDITS:
            kind = "revisited" if value in seen else "new"
            measured[f"plots_{kind}"].append(painted - start)
            measured[f"cards_{kind}"].append((headline_at[0] if headline_at else painted) - start)
            scenarios.append((kind, window.state.scenario))
        seen.add(value)
    measured["evaluate_revisited"] = []
    for kind, scenario in scenarios:
        if kind == "revisited":
            started = time.perf_counter()
            evaluate(scenario)
            measured["evaluate_revisited"].append(time.perf_counter() - started)
    # evaluate() alone on designs never evaluated in this process: times per item no edit used.
    measured["evaluate_new"] = []
    for step in range(10):
        fresh = window.state.scenario.with_changes({"campaign.seconds_per_item": base * (1.31 + 0.013 * step)})
        started = time.perf_counter()
        evaluate(fresh)
        measured["evaluate_new"].append(time.perf_counter() - started)
    # Back to the stored content, so closing does not ask about the edits.
    window.open_scenario(window.state.stored_id, ask=False)
    window.close()
    return measured


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

    from ui.core.workers import EVALUATE_DEBOUNCE_MS

    measured = edit_latency(args.edits)

    def describe(values: list[float]) -> str:
        return (f"median {statistics.median(values) * 1000:.0f} ms, p95 {_quantile(values, 0.95) * 1000:.0f} ms "
                f"(n = {len(values)})")

    print(f"edit to updated plots, {args.edits} edits after {WARM_UP_EDITS} warm-up edits, "
          f"the {EVALUATE_DEBOUNCE_MS} ms debounce included:")
    for kind in ("new", "revisited"):
        print(f"  {kind:9} values: cards {describe(measured['cards_' + kind])}; "
              f"plots {describe(measured['plots_' + kind])}")
    every = measured["plots_new"] + measured["plots_revisited"]
    print(f"  all edits:        plots {describe(every)}")
    print(f"evaluate() alone:   new {describe(measured['evaluate_new'])}; "
          f"revisited {describe(measured['evaluate_revisited'])}")
    print(f"ratio GUI/evaluate (plots, median): new "
          f"{statistics.median(measured['plots_new']) / statistics.median(measured['evaluate_new']):.2f}, "
          f"revisited {statistics.median(measured['plots_revisited']) / statistics.median(measured['evaluate_revisited']):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
