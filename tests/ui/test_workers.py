"""Work off the GUI thread: results, progress and cancellation come back on
the GUI thread; the debounced evaluator keeps only the newest scenario."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from ui.core.workers import DebouncedEvaluator, run_in_pool


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    gui_thread = threading.get_ident()
    seen = []

    def work(x, *, progress):
        seen.append(("worker", threading.get_ident() != gui_thread))
        for step in range(3):
            progress(step, 3)  # the first report is always forwarded; later ones are throttled
        return x * 2

    results, progress = [], []
    handle = run_in_pool(work, 21, on_result=lambda v: results.append((v, threading.get_ident() == gui_thread)),
                         on_progress=lambda done, total: progress.append(threading.get_ident() == gui_thread))
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert seen == [("worker", True)]
    assert results == [(42, True)]
    assert progress and all(progress)
    assert not handle.is_running


def test_errors_are_reported_not_raised(qtbot):
    errors = []

    def fail():
        raise ValueError("bad input: x must be positive")

    handle = run_in_pool(fail, on_result=lambda v: pytest.fail("no result expected"), on_error=errors.append)
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert len(errors) == 1 and isinstance(errors[0], ValueError)
    assert "x must be positive" in str(errors[0])


def test_cancel_stops_a_cooperative_function(qtbot):
    started, asked = threading.Event(), threading.Event()
    iterations = []

    def long_loop(*, progress):
        for i in range(1000):
            if progress(i, 1000) is False:
                return "stopped"
            iterations.append(i)
            if i == 0:
                started.set()
                assert asked.wait(5)  # the next report comes after the test's cancel
        return "finished"

    cancelled, results = [], []
    handle = run_in_pool(long_loop, on_result=results.append, on_cancelled=cancelled.append)
    assert started.wait(5)
    handle.cancel()
    asked.set()
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert cancelled == ["stopped"] and results == []
    assert iterations == [0]


def test_debounce_evaluates_only_the_newest(qtbot):
    calls = []

    def identity(value):
        calls.append(value)
        return value

    evaluator = DebouncedEvaluator(delay_ms=40, evaluate_fn=identity)
    results = []
    evaluator.result_ready.connect(results.append)
    for value in range(5):
        evaluator.submit(value)
    qtbot.waitUntil(lambda: results == [4], timeout=5000)
    assert calls == [4]
    assert evaluator.latest == 4 and evaluator.generation == 5


def test_results_superseded_while_computing_are_dropped(qtbot):
    release, started = threading.Event(), threading.Event()

    def gated(value):
        if value == "first":
            started.set()
            release.wait(5)
        return value

    evaluator = DebouncedEvaluator(delay_ms=0, evaluate_fn=gated)
    results, busy = [], []
    evaluator.result_ready.connect(results.append)
    evaluator.busy.connect(busy.append)
    evaluator.evaluate_now("first")
    assert started.wait(5)  # "first" is computing when "second" arrives
    evaluator.submit("second")
    release.set()
    qtbot.waitUntil(lambda: results == ["second"], timeout=5000)
    qtbot.waitUntil(lambda: busy == [True, False], timeout=5000)
    assert results == ["second"]


def test_failure_is_reported_with_its_message(qtbot):
    def broken(_):
        raise ValueError("log2_m must be positive, got -1")

    evaluator = DebouncedEvaluator(delay_ms=0, evaluate_fn=broken)
    with qtbot.waitSignal(evaluator.failed, timeout=5000) as blocker:
        evaluator.evaluate_now(object())
    assert blocker.args == ["log2_m must be positive, got -1"]


def test_event_loop_turns_during_a_long_computation(qtbot):
    """A QTimer keeps ticking while an evaluation runs: the evaluation does not return until the
    GUI thread has counted 10 ticks of a timer (counted events, no wall-clock threshold)."""
    ticks = []
    ten_ticks = threading.Event()
    timer = QTimer()
    timer.setInterval(20)

    def tick() -> None:
        ticks.append(threading.get_ident())
        if len(ticks) >= 10:
            ten_ticks.set()

    timer.timeout.connect(tick)

    def long_computation(value):
        # Only a GUI thread that turns its event loop while this runs can let it return.
        assert ten_ticks.wait(timeout=30), "the GUI thread's timer did not tick while the worker computed"
        return value

    evaluator = DebouncedEvaluator(delay_ms=0, evaluate_fn=long_computation)
    timer.start()
    with qtbot.waitSignal(evaluator.result_ready, timeout=40_000) as blocker:
        evaluator.evaluate_now("x")
    timer.stop()
    assert blocker.args == ["x"]
    assert len(ticks) >= 10 and set(ticks) == {threading.get_ident()}
