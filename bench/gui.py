"""GUI responsiveness: cold start to the first painted window, the latency
from an edit to the updated plots, and evaluate() of designs never seen before.

Prints ratios against baselines measured in the same run, so the numbers
compare across machines:

* cold start of the app's main window vs. a bare ``QMainWindow`` (both in a
  fresh subprocess, timed from spawn until the window's first paint event);
* a first evaluate() (with curves) of never-seen designs of each example and
  kind of edit (a new time per item, raters count ±1, a question's k ±1),
  median and p95, beside evaluate() of the same designs revisited (the
  models' caches then hold them), with the process CPU time beside the wall
  time (a machine shared with other work shows wall well above CPU);
* edit-to-cards and edit-to-updated-plot latency (median and p95, debounce
  included) through the real editor widget, for values never seen before and
  for revisited ones, per example and edited field, beside ``evaluate()``
  alone on such designs in the same run.

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
from collections.abc import Callable
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

CHILD_UNTIL_PAINTED = r"""
class UntilPainted(QObject):
    # The first paint of {watched} once {ready}: the child prints {word!r} and quits.
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and {ready}:
            print({word!r}, flush=True)
            QTimer.singleShot(0, app.quit)
            watched.removeEventFilter(self)
        return False

until_painted = UntilPainted()
{watched}.installEventFilter(until_painted)
window.resize(1400, 900)
window.show()
app.exec()
"""

CHILD_PAINT = CHILD_UNTIL_PAINTED.format(watched="window", ready="True", word="painted")
"""The window's first paint (an app's or a bare window's)."""
CHILD_RESULTS = CHILD_UNTIL_PAINTED.format(watched='window.results.curve_plot("raters").viewport()',
                                           ready="window.results.evaluation is not None", word="results")
"""The first paint of a plot after the evaluation with its curves arrived: what a user waits for."""


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def cold_start(code: str, runs: int, env: dict[str, str], expected: str = "painted") -> list[float]:
    """Seconds from spawning a Python process until it prints ``expected`` (its window's first
    paint, or the first results shown)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True, env=env, cwd=REPO)
        line = process.stdout.readline()
        elapsed = time.perf_counter() - start
        process.wait(timeout=60)
        if line.strip() != expected:
            raise RuntimeError(f"the window never {expected} (exit status {process.returncode})")
        times.append(elapsed)
    return times


WARM_UP_EDITS = 10
"""Edits made before timing: the first evaluations fill the models' caches
and tables that depend on a panel's size only, and import lazily loaded
modules (start-up cost, measured by the cold start)."""

EDITED_FIELDS = ("campaign.seconds_per_item", "raters.per_item")
"""Fields the latency edits step through: the time per item and the raters count."""


def _seconds(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), _quantile(values, 0.95)


def _time_values(base: float, edits: int, decimals: int) -> tuple[list[float], list[float]]:
    """Warm-up times per item, then the timed ones: never-seen values (steps of 1.3 %, as a spin
    box's arrows make) alternating with revisits of warm-up values; rounded as the spin box shows
    them (``decimals``)."""
    warm = [round(base * (0.80 - 0.013 * i), decimals) for i in range(WARM_UP_EDITS)]
    timed = [round(base * (1.0 + 0.013 * (i // 2 + 1)), decimals) if i % 2 == 0 else warm[(i // 2) % WARM_UP_EDITS]
             for i in range(edits)]
    return warm, timed


def edit_latency(window, app, field: str, edits: int) -> dict[str, list[float]]:
    """Edit-to-update seconds through the real window on its open scenario, after
    :data:`WARM_UP_EDITS` untimed edits of ``field``, and evaluate() alone on such designs.

    Time per item: never-seen values alternate with revisited ones. Raters count: the count
    alternates between two values (base + 1 and base - 1, or base + 2 at one rater); before each
    timed pair the time per item is nudged by the spin box's resolution (untimed), so that the first
    count is a design never seen (a raters edit at a time per item whose curve over raters is
    known, as when a user changes the count) and the second a revisited one.

    Returned keys: ``cards_new``, ``plots_new``, ``cards_revisited``, ``plots_revisited`` (edit to the
    cards and to the repainted plots), ``evaluate_new`` (a first evaluate() with curves of designs
    made the same way, never evaluated in this process) and ``evaluate_revisited``.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    from advisor.evaluation.evaluate import evaluate
    from ui.widgets.plots import RiskCurvePlotWidget

    results = window.results
    spin = window.editor.field_widget(field)
    seconds_spin = window.editor.field_widget("campaign.seconds_per_item")
    loop = QEventLoop()
    headline_at: list[float] = []

    def on_headline(_evaluation) -> None:
        headline_at.append(time.perf_counter())

    results.headline_updated.connect(on_headline)

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

    # The plots' repaint is counted as it happens: the update may reach the screen in the same pass
    # of the event loop as the new curves or in a later one.
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        count = 0

        def eventFilter(self, watched, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                PaintCounter.count += 1
            return False

    counter = PaintCounter()
    for plot in results.findChildren(RiskCurvePlotWidget):
        plot.viewport().installEventFilter(counter)

    def settle() -> None:
        """Process events until two passes in a row paint no plot (an update posted in one pass is
        painted in the next): the time of the last pass that painted is the update's end."""
        quiet = 0
        while quiet < 2:
            before = PaintCounter.count
            app.processEvents()
            if PaintCounter.count == before:
                quiet += 1
            else:
                quiet = 0
                painted_at[0] = time.perf_counter()

    painted_at = [0.0]

    def set_value(widget, value) -> float:
        """Seconds from setting the value to the repainted plots; the cards' time in headline_at."""
        headline_at.clear()
        start = time.perf_counter()
        widget.setValue(value)
        wait_for_update()
        painted_at[0] = time.perf_counter()
        settle()
        return start

    if results.evaluation is None:
        wait_for_update()
    scenario = window.state.scenario
    t, r = float(scenario.campaign.seconds_per_item), int(scenario.raters.per_item)
    measured: dict[str, list[float]] = {"cards_new": [], "plots_new": [], "cards_revisited": [],
                                        "plots_revisited": []}
    revisited, fresh = [], []

    def record(kind: str, start: float) -> None:
        painted = painted_at[0]
        measured[f"plots_{kind}"].append(painted - start)
        measured[f"cards_{kind}"].append((headline_at[0] if headline_at else painted) - start)

    decimals = seconds_spin.decimals()
    if field == "campaign.seconds_per_item":
        warm, timed = _time_values(t, edits, decimals)
        for value in warm:
            set_value(spin, value)
        seen = set(warm)
        for value in timed:
            start = set_value(spin, value)
            kind = "revisited" if value in seen else "new"
            record(kind, start)
            (revisited if kind == "revisited" else fresh).append(window.state.scenario)
            seen.add(value)
        new_designs = [scenario.with_changes({"campaign.seconds_per_item": t * (1.57 + 0.0131 * step)})
                       for step in range(max(5, len(fresh)))]
    else:
        counts = (r + 1, r - 1) if r > 1 else (r + 1, r + 2)
        for edit in range(WARM_UP_EDITS):
            set_value(spin, counts[edit % 2])
        for pair in range(max(1, edits // 2)):
            set_value(seconds_spin, round(t + 10.0**-decimals * (pair + 1), decimals))
            current = int(window.state.scenario.raters.per_item)
            other = counts[0] if current == counts[1] else counts[1]
            record("new", set_value(spin, other))
            fresh.append(window.state.scenario)
            record("revisited", set_value(spin, current))
            revisited.append(window.state.scenario)
        new_designs = []
        for step in range(max(5, len(fresh))):
            base = scenario.with_changes({"campaign.seconds_per_item": t * (1.57 + 0.0131 * step),
                                          "raters.per_item": counts[step % 2]})
            evaluate(base)  # its curve over raters, as the nudged time's evaluation above
            new_designs.append(base.with_changes({"raters.per_item": counts[(step + 1) % 2]}))
    results.headline_updated.disconnect(on_headline)
    measured["evaluate_revisited"] = []
    for design in revisited:
        started = time.perf_counter()
        evaluate(design)
        measured["evaluate_revisited"].append(time.perf_counter() - started)
    measured["evaluate_new"] = []
    for design in new_designs:
        started = time.perf_counter()
        evaluate(design)
        measured["evaluate_new"].append(time.perf_counter() - started)
    return measured


def gui_latency(edits: int, names: list[str]) -> dict[tuple[str, str], dict[str, list[float]]]:
    """:func:`edit_latency` through one window for each example named and each edited field."""
    from advisor.storage.store import ScenarioStore
    from ui.core.application import create_application
    from ui.main_window import MainWindow

    app = create_application([sys.argv[0]])
    store = ScenarioStore.open()
    window = MainWindow(store, recover_drafts=False)
    window.resize(1400, 900)
    window.show()
    stored = {item.name: item.id for item in store.list(limit=1000)}
    measured = {}
    for name in names:
        window.open_scenario(stored[name], ask=False)
        app.processEvents()
        for field in EDITED_FIELDS:
            measured[(name, field)] = edit_latency(window, app, field, edits)
            # Back to the stored content, so the next field starts from the example.
            window.open_scenario(stored[name], ask=False)
            app.processEvents()
    window.close()
    return measured


def _k_edit(scenario, step: int):
    """The scenario with its first ordinal, pairwise or categorical question's k moved by ``step``
    (None when it has none or the new k is out of range)."""
    from advisor.scenario.schema import scenario_from_dict

    data = scenario.to_dict()
    for question in data["questions"]:
        fmt = question["format"]
        if fmt["kind"] in ("ordinal", "pairwise", "categorical") and fmt.get("k"):
            k = fmt["k"] + step
            if k < 2:
                return None
            fmt["k"] = k
            question.pop("prior", None)
            return scenario_from_dict(data)
    return None


def cold_evaluations(names: list[str], repeats: int) -> dict[tuple[str, str], dict[str, list[float]]]:
    """A first evaluate() (curves included) of never-seen designs of each example, per kind of edit,
    wall and CPU seconds, and evaluate() of the same designs again (revisited).

    Each example is evaluated first (as the window does when it opens one) and so is one design of
    each kind at other values (the warm-up: tables that depend on a panel's size only, lazily
    imported modules). Then ``repeats`` rounds of never-seen designs: the time per item moved by
    1.3 % steps; the raters count +1 and -1; the k of its first ordinal, pairwise or categorical
    question +1 and -1; every design of a round at a time per item not used before (a hundredth of
    a percent apart), so each is new to the caches.
    """
    from advisor.evaluation.evaluate import evaluate
    from advisor.scenario.schema import example_scenarios

    measured: dict[tuple[str, str], dict[str, list[float]]] = {}
    for scenario in example_scenarios():
        if scenario.name not in names:
            continue
        t, r = scenario.campaign.seconds_per_item, scenario.raters.per_item

        def at(seconds: float, design=scenario):
            return design.with_changes({"campaign.seconds_per_item": seconds})

        def designs(round_: int, shift: float) -> dict[str, list]:
            seconds = t * (1.0 + shift)
            kinds = {"time per item": [at(t * (1.0 + 0.013 * (round_ + 1)) * (1.0 + shift))],
                     "raters ±1": [at(seconds, scenario.with_changes({"raters.per_item": count}))
                                   for count in (r + 1, r - 1) if count >= 1]}
            edited = [_k_edit(scenario, step) for step in (1, -1)]
            if any(e is not None for e in edited):
                kinds["k ±1"] = [at(seconds, e) for e in edited if e is not None]
            return kinds

        evaluate(scenario)
        for group in designs(0, 0.5).values():  # the warm-up
            for design in group:
                evaluate(design)
        for round_ in range(repeats):
            for kind, group in designs(round_, 1e-4 * (round_ + 1)).items():
                entry = measured.setdefault((scenario.name, kind), {"wall": [], "cpu": [], "revisited": []})
                for design in group:
                    started, cpu = time.perf_counter(), time.process_time()
                    evaluate(design)
                    entry["wall"].append(time.perf_counter() - started)
                    entry["cpu"].append(time.process_time() - cpu)
                    started = time.perf_counter()
                    evaluate(design)
                    entry["revisited"].append(time.perf_counter() - started)
    return measured


def _print_cold_evaluations(cold: dict[tuple[str, str], dict[str, list[float]]], repeats: int,
                            ms: Callable[[list[float]], str]) -> None:
    """The table of :func:`cold_evaluations`' first and revisited evaluate() times."""
    print(f"\nfirst evaluate() (curves included) of never-seen designs, {repeats} rounds per example "
          "(ms: median p95; CPU: median; ratio: median against evaluate() of the same designs revisited)")
    print(f"{'example':44} {'edit':14} {'wall':>13} {'CPU':>6} {'revisited':>13} {'ratio':>6}")
    worst = []
    for (name, kind), entry in cold.items():
        ratio = statistics.median(entry["wall"]) / statistics.median(entry["revisited"])
        worst.append(_seconds(entry["wall"])[1])
        print(f"{name[:44]:44} {kind:14} {ms(entry['wall'])} {statistics.median(entry['cpu']) * 1000:6.1f} "
              f"{ms(entry['revisited'])} {ratio:6.1f}")
    every = [value for entry in cold.values() for value in entry["wall"]]
    print(f"{'all':44} {'':14} {ms(every)}   (goal: under 50 ms; the slowest p95 {max(worst) * 1000:.0f} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=40,
                        help="timed edits per example and field (default 40: 20 new, 20 revisited; 0 skips)")
    parser.add_argument("--starts", type=int, default=5, help="cold starts of each kind (default 5; 0 skips)")
    parser.add_argument("--repeats", type=int, default=8,
                        help="rounds of never-seen designs per example for evaluate() alone (default 8; 0 skips)")
    parser.add_argument("--examples", default="",
                        help="only the examples whose name contains this text (default: all six)")
    parser.add_argument("--skip-gui", action="store_true", help="only evaluate() (no window)")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="annotation-advisor-bench-"))
    os.environ["ANNOTATION_ADVISOR_DB"] = f"sqlite:///{home / 'scenarios.sqlite'}"
    os.environ["ANNOTATION_ADVISOR_CONFIG_DIR"] = str(home / "config")
    os.environ["ANNOTATION_ADVISOR_DATA_DIR"] = str(home / "data")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
    env = dict(os.environ)

    # This process's evaluate() runs as in the app's processes, whose start keeps freed memory.
    from advisor.allocator import keep_freed_memory
    from advisor.scenario.schema import example_scenarios

    keep_freed_memory()

    names = [s.name for s in example_scenarios() if args.examples.lower() in s.name.lower()]
    print(f"platform: {env['QT_QPA_PLATFORM']}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.starts > 0 and not args.skip_gui:
        # The first start seeds the database; it is not counted.
        cold_start(CHILD_APP.format(repo=str(REPO)) + CHILD_PAINT, 1, env)
        app_times = cold_start(CHILD_APP.format(repo=str(REPO)) + CHILD_PAINT, args.starts, env)
        bare_times = cold_start(CHILD_BARE + CHILD_PAINT, args.starts, env)
        app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
        print(f"cold start to first paint: median {app_median * 1000:.0f} ms over {args.starts} starts "
              f"(bare QMainWindow {bare_median * 1000:.0f} ms; ratio {app_median / bare_median:.2f})")
        results_times = cold_start(CHILD_APP.format(repo=str(REPO)) + CHILD_RESULTS, args.starts, env, "results")
        print(f"cold start to the first results shown (default scenario, curves included): median "
              f"{statistics.median(results_times) * 1000:.0f} ms over {args.starts} starts")

    def ms(values: list[float]) -> str:
        median, p95 = _seconds(values)
        return f"{median * 1000:6.1f} {p95 * 1000:6.1f}"

    cold = cold_evaluations(names, args.repeats) if args.repeats > 0 else {}
    if cold:
        _print_cold_evaluations(cold, args.repeats, ms)
    if args.skip_gui or args.edits <= 0:
        return 0

    from ui.core.workers import EVALUATE_DEBOUNCE_MS

    latency = gui_latency(args.edits, names)
    print(f"\nedit to updated cards and plots through the window, {args.edits} edits per example and field after "
          f"{WARM_UP_EDITS} warm-up edits, the {EVALUATE_DEBOUNCE_MS} ms debounce included "
          "(ms: median p95; ratio: plots median against evaluate() alone, median)")
    print(f"{'example':44} {'field':9} {'values':9} {'cards':>13} {'plots':>13} {'evaluate()':>13} {'ratio':>6}")
    plots = {"new": [], "revisited": []}
    for (name, field), measured in latency.items():
        label = "time" if field == "campaign.seconds_per_item" else "raters"
        for kind in ("new", "revisited"):
            baseline = measured[f"evaluate_{kind}"]
            ratio = statistics.median(measured[f"plots_{kind}"]) / statistics.median(baseline)
            plots[kind].extend(measured[f"plots_{kind}"])
            print(f"{name[:44]:44} {label:9} {kind:9} {ms(measured[f'cards_{kind}'])} "
                  f"{ms(measured[f'plots_{kind}'])} {ms(baseline)} {ratio:6.2f}")
    for kind in ("new", "revisited"):
        print(f"{'all':44} {'':9} {kind:9} {'':13} {ms(plots[kind])}"
              + ("   (goal for new values: p95 under 60 ms)" if kind == "new" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
