"""The one job runner of every tab: the latest request wins.

Jobs here block on events the test sets, so every step happens in a known
order; the tests count what was started, answered and delivered, and never
measure time.
"""

from __future__ import annotations

import threading

import pytest

from advisor.errors import Cancelled
from advisor.progress import keeps_going, require
from ui.core.workers import LatestJobRunner

GATE_TIMEOUT_S = 30
"""Only a safety net: a gate is always opened by the test long before this."""


class GatedJob:
    """A job that blocks until its request's gate opens, then asks ``progress`` once.

    Records which requests started, what ``progress`` answered each, and the
    most jobs that ran at the same moment.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._gates: dict[object, threading.Event] = {}
        self.started: list[object] = []
        self.answers: dict[object, object] = {}
        self._running = 0
        self.most_at_once = 0
        self.first_started = threading.Event()

    def gate(self, request: object) -> threading.Event:
        with self._lock:
            return self._gates.setdefault(request, threading.Event())

    def __call__(self, request: object, *, progress) -> str:
        with self._lock:
            self.started.append(request)
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
        self.first_started.set()
        try:
            assert self.gate(request).wait(GATE_TIMEOUT_S)
            self.answers[request] = progress(1, 2)
            if request == "broken":
                raise ValueError("broken: a request the job refuses")
            return f"result of {request}"
        finally:
            with self._lock:
                self._running -= 1


@pytest.fixture
def job():
    made = GatedJob()
    yield made
    for request in list(made._gates):
        made.gate(request).set()  # never leave a pool thread blocked


def _record(runner: LatestJobRunner) -> dict[str, list]:
    events: dict[str, list] = {"result": [], "failed": [], "cancelled": [], "busy": []}
    runner.result_ready.connect(events["result"].append)
    runner.failed.connect(events["failed"].append)
    runner.cancelled.connect(lambda: events["cancelled"].append(True))
    runner.busy.connect(events["busy"].append)
    return events


def test_the_newest_request_wins_and_a_superseded_result_is_never_delivered(qtbot, job):
    runner = LatestJobRunner(job)
    events = _record(runner)
    runner.submit_now("first")
    assert job.first_started.wait(GATE_TIMEOUT_S)
    runner.submit("second")
    runner.submit("third")
    job.gate("first").set()  # "first" returns a result: it must not be delivered
    job.gate("third").set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=30_000)
    assert events["result"] == ["result of third"]
    assert job.started == ["first", "third"]  # "second" was superseded while it waited
    assert job.answers["first"] is False and job.answers["third"] is True
    assert job.most_at_once == 1
    assert events["busy"] == [True, False] and events["failed"] == [] and events["cancelled"] == []


def test_a_burst_runs_one_job_at_a_time_and_toggles_busy_once(qtbot, job):
    runner = LatestJobRunner(job, debounce_ms=0)
    events = _record(runner)
    progress = []
    runner.progress_changed.connect(lambda done, total: progress.append((done, total)))
    runner.submit_now(0)
    assert job.first_started.wait(GATE_TIMEOUT_S)
    for request in range(1, 20):
        runner.submit(request)
    assert runner.running_job is not None and runner.is_waiting
    job.gate(0).set()
    job.gate(19).set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=30_000)
    assert job.started == [0, 19] and job.most_at_once == 1
    assert events["result"] == ["result of 19"]
    assert events["busy"] == [True, False]
    assert progress == [(1, 2)]  # the superseded job's report is not forwarded
    assert runner.generation == 20


def test_cancel_reaches_the_job_through_progress_and_its_partial_result_is_delivered(qtbot):
    entered, proceed = threading.Event(), threading.Event()
    answers = []

    def search(steps: int, *, progress) -> tuple[str, int]:
        entered.set()
        assert proceed.wait(GATE_TIMEOUT_S)
        for step in range(steps):
            answer = progress(step, steps)
            answers.append(answer)
            if answer is False:
                return ("best so far, cancelled", step)
        return ("finished", steps)

    runner = LatestJobRunner(search)
    events = _record(runner)
    runner.submit_now(1_000_000)
    assert entered.wait(GATE_TIMEOUT_S)
    runner.cancel()
    proceed.set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=30_000)
    assert answers == [False]
    assert events["result"] == [("best so far, cancelled", 0)]
    assert events["busy"] == [True, False] and events["cancelled"] == [] and events["failed"] == []


def test_a_job_with_no_partial_result_reports_cancelled_not_a_failure(qtbot):
    entered, proceed = threading.Event(), threading.Event()

    def report(*, progress) -> str:
        entered.set()
        assert proceed.wait(GATE_TIMEOUT_S)
        require(keeps_going(progress, 1, 3))
        return "a report"

    runner = LatestJobRunner(report)
    events = _record(runner)
    runner.submit_now()
    assert entered.wait(GATE_TIMEOUT_S)
    runner.cancel()
    proceed.set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=30_000)
    assert events["cancelled"] == [True]
    assert events["result"] == [] and events["failed"] == [] and events["busy"] == [True, False]


def test_only_the_newest_failure_is_reported(qtbot, job):
    runner = LatestJobRunner(job)
    events = _record(runner)
    runner.submit_now("broken")
    assert job.first_started.wait(GATE_TIMEOUT_S)
    runner.submit_now("fine")
    job.gate("broken").set()
    job.gate("fine").set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=30_000)
    assert events["failed"] == [] and events["result"] == ["result of fine"]

    with qtbot.waitSignal(runner.failed, timeout=30_000) as blocker:
        runner.submit_now("broken")
    assert isinstance(blocker.args[0], ValueError) and "refuses" in str(blocker.args[0])


def test_discard_forgets_every_request(qtbot, job):
    runner = LatestJobRunner(job, debounce_ms=0)
    events = _record(runner)
    runner.submit_now("running")
    assert job.first_started.wait(GATE_TIMEOUT_S)
    runner.submit("waiting")
    runner.discard()
    assert not runner.is_waiting
    job.gate("running").set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=30_000)
    assert job.started == ["running"] and job.answers["running"] is False
    assert events["result"] == [] and events["failed"] == [] and events["cancelled"] == []
    assert events["busy"] == [True, False]


def test_interim_values_of_the_newest_request_arrive_before_its_result(qtbot):
    def two_steps(value: int, *, interim) -> str:
        interim(f"headline of {value}")
        return f"full {value}"

    runner = LatestJobRunner(two_steps)
    order = []
    runner.interim_ready.connect(lambda value: order.append(("interim", value)))
    runner.result_ready.connect(lambda value: order.append(("result", value)))
    with qtbot.waitSignal(runner.result_ready, timeout=30_000):
        runner.submit_now(7)
    assert order == [("interim", "headline of 7"), ("result", "full 7")]


def test_a_negative_quiet_time_is_refused():
    with pytest.raises(ValueError, match="debounce_ms must be ≥ 0, got -1"):
        LatestJobRunner(lambda: None, debounce_ms=-1)


def test_the_job_gets_no_keywords_it_does_not_take(qtbot):
    runner = LatestJobRunner(lambda a, b=0: a + b)
    with qtbot.waitSignal(runner.result_ready, timeout=30_000) as blocker:
        runner.submit_now(2, b=3)
    assert blocker.args == [5]
    with qtbot.waitSignal(runner.failed, timeout=30_000) as blocker:
        runner.submit_now("text", b=1)
    assert isinstance(blocker.args[0], TypeError)


def test_cancelled_is_the_error_type_of_the_convention():
    # The runner tells a stop from a failure by advisor.errors.Cancelled, which require() raises.
    with pytest.raises(Cancelled):
        require(keeps_going(lambda done, total: False, 0, 1))


def test_without_a_quiet_time_the_requests_of_one_turn_start_one_job_ahead_of_queued_events(qtbot, job):
    """debounce 0: requests made in one turn of the event loop start one job (the newest), and it
    starts before events posted earlier in that turn (a relayout, a repaint) are handled."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    order: list[str] = []

    class Queued(QObject):
        def event(self, event):  # noqa: D102 - Qt override
            if event.type() == QEvent.Type.User:
                order.append(f"queued event, job handed to the pool: {runner.running_job is not None}")
                return True
            return super().event(event)

    queued = Queued()
    runner = LatestJobRunner(job, debounce_ms=0)
    events = _record(runner)
    QCoreApplication.postEvent(queued, QEvent(QEvent.Type.User))  # as a relayout posted by the edit
    for request in ("a", "b", "c"):
        runner.submit(request)
    assert job.started == [] and runner.is_waiting  # nothing starts inside the handler that submits
    qtbot.waitUntil(lambda: bool(order), timeout=30_000)
    assert job.first_started.wait(GATE_TIMEOUT_S)
    assert job.started == ["c"]
    assert order == ["queued event, job handed to the pool: True"]
    job.gate("c").set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=30_000)
    assert events["result"] == ["result of c"]
