"""Work off the GUI thread: one job runner for every tab, and one-shot jobs.

The window must never freeze, so every computation that can take longer than a
frame runs in a :class:`~PySide6.QtCore.QThreadPool` worker and hands its
result back to the GUI thread through a queued signal.

Every job follows the progress convention of :mod:`advisor.progress`: when the
function has a ``progress`` keyword parameter it receives a
``progress(done, total)`` callable (an :data:`advisor.progress.ProgressCallback`)
that forwards the report to the GUI thread (at most :data:`PROGRESS_INTERVAL_S`
apart) and returns ``False`` once the job is cancelled, so the computations of
``advisor`` are passed it as they are::

    runner = LatestJobRunner(optimize, self, pool=dedicated_pool("optimizer"))
    runner.result_ready.connect(self._on_optimizer_result_ready)
    runner.progress_changed.connect(self._on_optimizer_progress_changed)
    runner.submit_now(scenario, budget_cap=1000.0)  # optimize(scenario, budget_cap=1000.0, progress=...)
    cancel_button.clicked.connect(runner.cancel)

A function with an ``interim`` keyword parameter also receives a callable
taking one value: a result worth showing before the whole one (the headline
numbers before the curves).

:class:`LatestJobRunner`
    Latest request wins: takes requests as fast as the user makes them
    (optionally after a quiet time), runs at most one job at a time, stops the
    running one when a newer request comes, runs only the newest waiting
    request next and never reports the outcome of a superseded one (the
    pattern of napari's histogram). Every tab computes through one.
:class:`DebouncedEvaluator`
    The live results' use of a runner: evaluates the newest scenario, headline
    first.
:func:`run_in_pool`
    One job with callbacks, for a dialog's single computation.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from advisor.errors import Cancelled
from advisor.progress import keeps_going, require
from ui.core.timers import single_shot_timer

if TYPE_CHECKING:
    from advisor.evaluation.results import Evaluation
    from advisor.scenario.schema import Scenario

EVALUATE_DEBOUNCE_MS = 0
"""Quiet time (ms) before the live results evaluate the newest scenario: none
beyond the current turn of the event loop. The several changes of one action (a
load, an undo, a table paste) are emitted in one turn, so they are still
evaluated once; a spin box held down supersedes the running evaluation at each
step (newest wins), so waiting longer would only add latency."""

PROGRESS_INTERVAL_S = 1.0 / 60.0
"""Progress reports are forwarded at most this often: a loop reporting every
iteration must not flood the GUI thread's event queue."""

_ACTIVE: set["WorkerHandle"] = set()
"""Handles of running jobs. Python owns the handles; keeping them here keeps
them (and their queued signals' receivers) alive until the job finishes, even
when the caller drops its reference."""

_DEDICATED_POOLS: dict[str, QThreadPool] = {}
"""The pools made by :func:`dedicated_pool`, by name."""


def dedicated_pool(name: str, threads: int = 1) -> QThreadPool:
    """A thread pool of its own for work that cannot be interrupted.

    A search that does not poll its ``progress`` keeps its thread until it
    ends, however stale its request; in the global pool it would hold up the
    live results. Such jobs run in a pool of their own, made on first use and
    kept for the life of the process (deleting a pool waits for its jobs, which
    must not happen when a widget closes).

    Parameters
    ----------
    name
        The pool's name: the same name is the same pool.
    threads
        Its most threads (≥ 1), set when it is made.
    """
    if threads < 1:
        raise ValueError(f"threads must be ≥ 1, got {threads}")
    if name not in _DEDICATED_POOLS:
        pool = QThreadPool()
        pool.setObjectName(f"{name} jobs")
        pool.setMaxThreadCount(threads)
        _DEDICATED_POOLS[name] = pool
    return _DEDICATED_POOLS[name]


def wait_for_jobs(msecs: int = 30_000) -> bool:
    """Wait until the global pool and every dedicated pool are idle; True if they are.

    Tests call it between tests so that no result of one arrives in the next.
    """
    pools = [QThreadPool.globalInstance(), *_DEDICATED_POOLS.values()]
    return all([pool.waitForDone(msecs) for pool in pools])


def shutdown_workers(timeout_ms: int = 10_000) -> bool:
    """Cancel every running job and wait for the pools to finish.

    Called when the application quits, so that no worker outlives the objects
    it reports to. Returns True when every job finished in time.
    """
    for handle in list(_ACTIVE):
        handle.cancel()
    return wait_for_jobs(timeout_ms)


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


class _JobSignals(QObject):
    """Emitted from the worker thread; they live in the GUI thread."""

    progress = Signal(object, object)
    interim = Signal(object)
    done = Signal(bool, object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], signals: _JobSignals):
        super().__init__()
        # Python keeps the runnable alive (the handle holds it); Qt must not
        # delete it behind Python's back.
        self.setAutoDelete(False)
        self._fn, self._args, self._kwargs, self._signals = fn, args, kwargs, signals

    def run(self) -> None:
        try:
            value = self._fn(*self._args, **self._kwargs)
        except BaseException as error:  # noqa: BLE001 - every failure must reach the GUI, not kill the thread
            _emit(self._signals.done, False, error)
        else:
            _emit(self._signals.done, True, value)


def _emit(signal, *values: Any) -> None:
    try:
        signal.emit(*values)
    except RuntimeError:
        # The receiving side was deleted while the job ran (the app is
        # shutting down): there is nobody left to tell.
        pass


class WorkerHandle(QObject):
    """One job in a thread pool: ``fn(*args, **kwargs)`` (see the module docstring).

    Made and started by :func:`run_in_pool` and :class:`LatestJobRunner`.

    Signals (all delivered on the GUI thread)
    -----------------------------------------
    progress_changed(object, object)
        ``(done, total)`` as the function reported them (throttled); none after :meth:`cancel`.
    interim_ready(object)
        A value the function passed to its ``interim`` callable; none after :meth:`cancel`.
    result_ready(object)
        The function's return value (not emitted after :meth:`cancel`).
    failed(object)
        The exception the function raised (not emitted after :meth:`cancel`).
    cancelled(object)
        After :meth:`cancel`: the function returned (its value, possibly a
        partial result) or raised (None).
    finished()
        Always last, once the function has returned or raised; :attr:`value`
        and :attr:`error` then hold the outcome.
    """

    progress_changed = Signal(object, object)
    interim_ready = Signal(object)
    result_ready = Signal(object)
    failed = Signal(object)
    cancelled = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None, *,
                 pool: QThreadPool | None = None):
        super().__init__()
        self._stop = threading.Event()
        self._running = False
        self._last_progress = 0.0
        self._progress_lock = threading.Lock()
        self.value: Any = None
        """The return value, once finished (None if it raised)."""
        self.error: BaseException | None = None
        """The exception raised, once finished (None if it returned)."""
        self._signals = _JobSignals()
        queued = Qt.ConnectionType.QueuedConnection
        self._signals.progress.connect(self._on_job_progress, queued)
        self._signals.interim.connect(self._on_job_interim, queued)
        self._signals.done.connect(self._on_job_done, queued)
        kwargs = dict(kwargs or {})
        if _accepts(fn, "progress"):
            kwargs["progress"] = self.report_progress
        if _accepts(fn, "interim"):
            kwargs["interim"] = self._report_interim
        self._job = _Job(fn, args, kwargs, self._signals)
        self._pool = pool or QThreadPool.globalInstance()

    # ------------------------------------------------------------- public API
    def cancel(self) -> None:
        """Ask the function to stop: its ``progress`` returns False from now on.

        A function that never reports progress runs to its end; its result is
        then reported through ``cancelled`` instead of ``result_ready``.
        """
        self._stop.set()

    @property
    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    @property
    def is_running(self) -> bool:
        """True from the start until ``finished`` has been emitted."""
        return self._running

    def report_progress(self, done: int, total: int) -> bool:
        """The ``progress`` the function gets (:data:`advisor.progress.ProgressCallback`).

        Called from the worker thread: forwards ``(done, total)`` to
        ``progress_changed`` at most every :data:`PROGRESS_INTERVAL_S` and
        returns False once the job is cancelled.
        """
        if self._stop.is_set():
            return False
        now = time.monotonic()
        with self._progress_lock:
            forward = now - self._last_progress >= PROGRESS_INTERVAL_S
            if forward:
                self._last_progress = now
        if forward:
            _emit(self._signals.progress, done, total)
        return not self._stop.is_set()

    # ------------------------------------------------------------- internals
    def _start(self) -> None:
        self._running = True
        _ACTIVE.add(self)
        self._pool.start(self._job)

    def _report_interim(self, value: Any) -> None:
        # Called from the worker thread.
        if not self._stop.is_set():
            _emit(self._signals.interim, value)

    @Slot(object, object)
    def _on_job_progress(self, done: Any, total: Any) -> None:
        if not self._stop.is_set():
            self.progress_changed.emit(done, total)

    @Slot(object)
    def _on_job_interim(self, value: Any) -> None:
        if not self._stop.is_set():
            self.interim_ready.emit(value)

    @Slot(bool, object)
    def _on_job_done(self, succeeded: bool, payload: Any) -> None:
        self._running = False
        if succeeded:
            self.value = payload
        else:
            self.error = payload
        if self._stop.is_set():
            self.cancelled.emit(payload if succeeded else None)
        elif succeeded:
            self.result_ready.emit(payload)
        else:
            self.failed.emit(payload)
        self.finished.emit()
        # Releasing the last reference here would delete this QObject inside
        # its own queued slot call; let the event loop finish with it first.
        QTimer.singleShot(0, self._release)

    def _release(self) -> None:
        _ACTIVE.discard(self)


def _callback_alive(callback: Callable[..., Any] | None) -> bool:
    # A bound method of a widget that Qt has already deleted would raise
    # "Internal C++ object already deleted": such callbacks are skipped.
    if callback is None:
        return False
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _guarded(callback: Callable[..., Any], context: QObject | None) -> Callable[..., None]:
    def call(*values: Any) -> None:
        if _callback_alive(callback) and (context is None or shiboken6.isValid(context)):
            callback(*values)

    return call


def run_in_pool(
    fn: Callable[..., Any],
    *args: Any,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[Any, Any], None] | None = None,
    on_cancelled: Callable[[Any], None] | None = None,
    pool: QThreadPool | None = None,
    context: QObject | None = None,
) -> WorkerHandle:
    """Run ``fn(*args)`` once in a pool thread; call back on the GUI thread.

    For a computation the user starts and may cancel (a report, a pilot's
    bootstrap); a computation that follows the user's edits runs in a
    :class:`LatestJobRunner`.

    Parameters
    ----------
    fn
        The work. It must not touch widgets. If it has a ``progress`` keyword
        parameter it gets a ``progress(done, total)`` callable
        (:mod:`advisor.progress`) that returns False after
        :meth:`WorkerHandle.cancel`.
    *args
        Positional arguments of ``fn`` (bind keywords with
        :func:`functools.partial`).
    on_result
        Called with the return value, unless the job was cancelled.
    on_error
        Called with the exception ``fn`` raised, unless the job was cancelled.
    on_progress
        Called with each forwarded ``(done, total)``.
    on_cancelled
        Called once the function has returned after :meth:`WorkerHandle.cancel`
        (with its return value, or None if it raised, e.g.
        :class:`advisor.errors.Cancelled`).
    pool
        The thread pool; default :meth:`QThreadPool.globalInstance`.
    context
        A QObject (usually the calling widget): once Qt has deleted it, no
        callback is called. Bound methods of QObjects are checked without it;
        pass it for lambdas and partials.

    Returns
    -------
    WorkerHandle
        Already started. Keep it to cancel the job or to connect more slots;
        callbacks whose owning QObject has been deleted are skipped.
    """
    handle = WorkerHandle(fn, args, pool=pool)
    for signal, callback in (
        (handle.result_ready, on_result),
        (handle.failed, on_error),
        (handle.progress_changed, on_progress),
        (handle.cancelled, on_cancelled),
    ):
        if callback is not None:
            signal.connect(_guarded(callback, context))
    handle._start()
    return handle


_START_EVENT = QEvent.Type(QEvent.registerEventType())
"""Posted to a :class:`LatestJobRunner` without a quiet time to start its newest request."""


class LatestJobRunner(QObject):
    """Run ``job`` on the newest request only, off the GUI thread.

    A request is the arguments of one call of ``job``. :meth:`submit` takes
    requests as fast as the user makes them; each newer request supersedes
    the older ones:

    * at most one job runs at a time;
    * a newer request cancels the running job (its ``progress`` returns
      False, :mod:`advisor.progress`) and only the newest waiting request runs
      once it has returned;
    * the outcome of a superseded request is never reported: every signal
      below is about the newest request.

    Parameters
    ----------
    job
        The computation, called as ``job(*args, **kwargs)`` with the arguments
        of a request, plus ``progress=`` and ``interim=`` when it has those
        keyword parameters (module docstring). It must not touch widgets.
    parent
        Owning QObject (usually the widget that shows the results).
    debounce_ms
        Quiet time after a :meth:`submit` before the request starts, in ms
        (≥ 0): the requests of one user action, or of a spin box held down,
        start one job. :meth:`submit_now` skips it.
    pool
        Where the jobs run: the global pool by default, or a
        :func:`dedicated_pool` for jobs that cannot be interrupted.

    Signals
    -------
    result_ready(object)
        The newest request's return value (after :meth:`cancel` too: then
        usually a partial result that says it was cancelled).
    interim_ready(object)
        A value the newest request's job passed to its ``interim`` callable.
    failed(object)
        The exception the newest request's job raised.
    cancelled()
        The newest request's job stopped after :meth:`cancel` with
        :class:`~advisor.errors.Cancelled` (no partial result).
    progress_changed(object, object)
        ``(done, total)`` reported by the newest request's job (throttled).
    busy(bool)
        True from a first request until the newest one's outcome is
        reported (or it is dropped); emitted only on changes, so once each
        way per burst of requests, and before ``result_ready``.
    """

    result_ready = Signal(object)
    interim_ready = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    progress_changed = Signal(object, object)
    busy = Signal(bool)

    def __init__(self, job: Callable[..., Any], parent: QObject | None = None, *, debounce_ms: int = 0,
                 pool: QThreadPool | None = None):
        super().__init__(parent)
        if debounce_ms < 0:
            raise ValueError(f"debounce_ms must be ≥ 0, got {debounce_ms}")
        self._job = job
        self._pool = pool
        self._timer = single_shot_timer(self, debounce_ms, self._on_timer_timeout)
        self._debounce_ms = debounce_ms
        self._start_posted = False
        self._generation = 0
        self._waiting: tuple[int, tuple[Any, ...], dict[str, Any]] | None = None
        self._running: WorkerHandle | None = None
        self._running_generation = 0
        self._busy = False

    # ------------------------------------------------------------- public API
    @property
    def generation(self) -> int:
        """How many requests have been submitted (and dropped by :meth:`discard`) so far."""
        return self._generation

    @property
    def is_busy(self) -> bool:
        """True while a request waits or runs (the state ``busy`` reports)."""
        return self._busy

    @property
    def is_waiting(self) -> bool:
        """True while a request waits for the quiet time or for the running job."""
        return self._waiting is not None

    @property
    def running_job(self) -> WorkerHandle | None:
        """The job in the pool (perhaps a superseded one still returning), if any."""
        return self._running

    def submit(self, *args: Any, **kwargs: Any) -> int:
        """Run ``job(*args, **kwargs)`` once no newer request comes within the quiet time.

        Returns the request's generation (see :attr:`generation`).
        """
        self._supersede(args, kwargs)
        if self._debounce_ms > 0:
            self._timer.start()
        elif not self._start_posted:
            # Without a quiet time the request starts once the current event's handlers have
            # returned (so the requests of one action still start one job), and ahead of the
            # relayout and repaint the action queued: a zero timer fires only after those, which
            # kept the job from its processor for a repaint's time (~10 ms on an editor's edit).
            self._start_posted = True
            QCoreApplication.postEvent(self, QEvent(_START_EVENT), int(Qt.EventPriority.HighEventPriority.value))
        return self._generation

    def submit_now(self, *args: Any, **kwargs: Any) -> int:
        """Like :meth:`submit` without the quiet time (it still waits for a running job)."""
        self._supersede(args, kwargs)
        self._timer.stop()
        self._start_waiting()
        return self._generation

    def cancel(self) -> None:
        """Drop the waiting request and ask the running job to stop.

        When the running job is the newest request, its outcome is still
        reported: a partial result through ``result_ready``, or ``cancelled``.
        """
        self._timer.stop()
        self._waiting = None
        if self._running is not None:
            self._running.cancel()
        else:
            self._set_busy(False)

    def discard(self) -> None:
        """Forget every request so far: nothing more is reported about them."""
        self._generation += 1
        self.cancel()

    # ------------------------------------------------------------- internals
    def _supersede(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._generation += 1
        self._waiting = (self._generation, args, kwargs)
        if self._running is not None:
            # Its outcome will be dropped: stop spending a processor on it.
            self._running.cancel()
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy.emit(busy)

    def _is_newest(self) -> bool:
        return self._running_generation == self._generation

    def _start_waiting(self) -> None:
        if self._running is not None or self._waiting is None:
            return
        self._running_generation, args, kwargs = self._waiting
        self._waiting = None
        handle = WorkerHandle(self._job, args, kwargs, pool=self._pool)
        handle.progress_changed.connect(self._on_job_progress_changed)
        handle.interim_ready.connect(self._on_job_interim_ready)
        handle.finished.connect(self._on_job_finished)
        # A runner deleted with its widget stops its job rather than leave it computing for nobody.
        self.destroyed.connect(handle.cancel)
        self._running = handle
        handle._start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._start_waiting()

    def event(self, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if event.type() == _START_EVENT:
            self._start_posted = False
            self._start_waiting()
            return True
        return super().event(event)

    @Slot(object, object)
    def _on_job_progress_changed(self, done: Any, total: Any) -> None:
        if shiboken6.isValid(self) and self._is_newest():
            self.progress_changed.emit(done, total)

    @Slot(object)
    def _on_job_interim_ready(self, value: Any) -> None:
        if shiboken6.isValid(self) and self._is_newest():
            self.interim_ready.emit(value)

    @Slot()
    def _on_job_finished(self) -> None:
        if not shiboken6.isValid(self) or self._running is None:
            return
        handle, newest = self._running, self._is_newest()
        self._running = None
        if self._waiting is None:
            self._set_busy(False)
        if newest:
            if handle.error is None:
                self.result_ready.emit(handle.value)
            elif isinstance(handle.error, Cancelled):
                self.cancelled.emit()
            else:
                self.failed.emit(handle.error)
        if self._waiting is not None and not self._timer.isActive():
            self._start_waiting()


def evaluate_headline_first(scenario: Scenario, *, progress, interim) -> Evaluation:
    """The headline numbers first (handed to ``interim``), then everything.

    The headline of a design never seen before takes a few tens of ms, its
    curves several times that; the cards need not wait for the curves. One
    evaluation hands its headline over before it computes the curves
    (``on_headline``; the headline numbers do not depend on whether curves
    are drawn). A scenario superseded in between is not evaluated with its
    curves.

    Raises
    ------
    advisor.errors.Cancelled
        When ``progress`` returned False after the headline.
    """
    # Imported on first use: the numerics load scipy, which the pool thread
    # can pay for rather than the window's start-up.
    from advisor.evaluation.evaluate import evaluate

    def headline(evaluation: Evaluation) -> None:
        interim(evaluation)
        require(keeps_going(progress, 1, 2))

    return evaluate(scenario, on_headline=headline)


class DebouncedEvaluator(QObject):
    """Evaluate the newest scenario after a quiet spell, off the GUI thread.

    A :class:`LatestJobRunner` of the evaluation: at most one evaluation runs,
    only the newest waiting scenario is evaluated after it, and the result of
    a scenario superseded while it was computing is dropped.

    Parameters
    ----------
    parent
        Owning QObject (usually the window or the results widget).
    delay_ms
        Quiet time after the last :meth:`submit` before evaluating, in ms
        (≥ 0; default :data:`EVALUATE_DEBOUNCE_MS`: the edits of one user
        action arrive together and are evaluated once).
    evaluate_fn
        ``Scenario -> Evaluation``, with ``progress`` and ``interim`` keywords
        if it wants them (:class:`LatestJobRunner`); default
        :func:`evaluate_headline_first`.

    Signals
    -------
    headline_ready(object)
        The newest submitted scenario's :class:`~advisor.evaluation.results.Evaluation`
        without curves, before ``result_ready``, when the evaluation function
        hands one to its ``interim`` (the default one does).
    result_ready(object)
        The :class:`~advisor.evaluation.results.Evaluation` of the newest submitted
        scenario.
    failed(str)
        The newest scenario could not be evaluated; the message says why.
    busy(bool)
        True from the first submit until the newest scenario's result (or
        failure) is delivered; emitted only on changes.
    """

    headline_ready = Signal(object)
    result_ready = Signal(object)
    failed = Signal(str)
    busy = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, delay_ms: int | None = None,
                 evaluate_fn: Callable[..., Evaluation] | None = None):
        super().__init__(parent)
        if delay_ms is None:
            delay_ms = EVALUATE_DEBOUNCE_MS
        if delay_ms < 0:
            raise ValueError(f"delay_ms must be ≥ 0, got {delay_ms}")
        self._runner = LatestJobRunner(evaluate_fn or evaluate_headline_first, self, debounce_ms=delay_ms)
        self._runner.interim_ready.connect(self.headline_ready)
        self._runner.result_ready.connect(self._on_runner_result_ready)
        self._runner.failed.connect(self._on_runner_failed)
        self._runner.busy.connect(self.busy)
        self._latest: Evaluation | None = None

    # ------------------------------------------------------------- public API
    @property
    def generation(self) -> int:
        """How many scenarios have been submitted so far."""
        return self._runner.generation

    @property
    def latest(self) -> Evaluation | None:
        """The last evaluation delivered through ``result_ready``."""
        return self._latest

    @property
    def is_busy(self) -> bool:
        return self._runner.is_busy

    def submit(self, scenario: Scenario) -> None:
        """Evaluate ``scenario`` once no newer one arrives within the delay."""
        self._runner.submit(scenario)

    def evaluate_now(self, scenario: Scenario) -> None:
        """Like :meth:`submit` without the debounce (e.g. on loading a scenario)."""
        self._runner.submit_now(scenario)

    # ------------------------------------------------------------- handlers
    @Slot(object)
    def _on_runner_result_ready(self, evaluation: Evaluation) -> None:
        self._latest = evaluation
        self.result_ready.emit(evaluation)

    @Slot(object)
    def _on_runner_failed(self, error: BaseException) -> None:
        message = str(error) or type(error).__name__
        if not isinstance(error, ValueError):
            message = f"{type(error).__name__}: {message}"
        self.failed.emit(message)
