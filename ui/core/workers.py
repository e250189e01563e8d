"""Work off the GUI thread: one-shot jobs in the thread pool, and the debounced
evaluator behind the live results.

The window must never freeze, so every computation that can take longer than a
frame runs in a :class:`~PySide6.QtCore.QThreadPool` worker and hands its
result back to the GUI thread through a queued signal.

``run_in_pool``
    Run ``fn(*args)`` in the pool; ``on_result(value)`` / ``on_error(exc)`` /
    ``on_progress(value)`` are called on the GUI thread. When ``fn`` accepts a
    ``cancel`` keyword it receives a :class:`threading.Event` that
    :meth:`WorkerHandle.cancel` sets; when it accepts ``progress`` it receives a
    thread-safe callable to report progress with::

        def optimise(scenario, *, cancel, progress):
            for step in range(100):
                if cancel.is_set():
                    return None
                progress(step / 100)
            ...

        handle = run_in_pool(optimise, scenario, on_result=self._on_optimiser_result,
                             on_error=self._on_optimiser_error, on_progress=self._progress_bar_update)
        cancel_button.clicked.connect(handle.cancel)

``DebouncedEvaluator``
    Takes scenarios as fast as the user edits, waits until
    ``EVALUATE_DEBOUNCE_MS`` pass without a new one, evaluates the newest in the pool and emits ``result_ready`` with
    the :class:`~advisor.evaluation.evaluate.Evaluation`. A generation counter drops the
    result of any scenario that was superseded while it was computing (the
    pattern of napari's histogram).
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

if TYPE_CHECKING:
    from advisor.evaluation.evaluate import Evaluation
    from advisor.scenario.schema import Scenario

EVALUATE_DEBOUNCE_MS = 15
"""Quiet time (ms) before the live results evaluate the newest scenario: one
frame, so the several changes of one action (a load, an undo) are evaluated once."""

PROGRESS_INTERVAL_S = 1.0 / 60.0
"""Progress reports are forwarded at most this often: a loop reporting every
iteration must not flood the GUI thread's event queue."""

_ACTIVE: set["WorkerHandle"] = set()
"""Handles of running jobs. Python owns the handles; keeping them here keeps
them (and their queued signals' receivers) alive until the job finishes, even
when the caller drops its reference."""


def _evaluate(scenario: Scenario, *, progress: Callable[[Any], None] | None = None) -> Evaluation:
    """The headline numbers first (handed to ``progress``), then everything.

    The headline of a design never seen before takes a few tens of ms, its
    curves several times that; the cards need not wait for the curves. The
    second call finds the headline's computations in the models' caches, and
    the headline numbers do not depend on whether curves are drawn.
    """
    # Imported on first use: the numerics load scipy, which the pool thread
    # can pay for rather than the window's start-up.
    from advisor.evaluation.evaluate import evaluate

    if progress is not None:
        progress(evaluate(scenario, curves=False))
    return evaluate(scenario)


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def _callback_alive(callback: Callable[..., Any] | None) -> bool:
    # A bound method of a widget that Qt has already deleted would raise
    # "Internal C++ object already deleted": such callbacks are skipped.
    if callback is None:
        return False
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class _RunnerSignals(QObject):
    """Signals emitted from the worker thread; they live in the GUI thread."""

    result = Signal(object)
    error = Signal(object)
    progress = Signal(object)
    done = Signal()


class _Runner(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], signals: _RunnerSignals):
        super().__init__()
        # Python keeps the runnable alive (the handle holds it); Qt must not
        # delete it behind Python's back.
        self.setAutoDelete(False)
        self._fn, self._args, self._kwargs, self._signals = fn, args, kwargs, signals

    def run(self) -> None:
        try:
            value = self._fn(*self._args, **self._kwargs)
        except BaseException as error:  # noqa: BLE001 - every failure must reach the GUI, not kill the thread
            self._emit(self._signals.error, error)
        else:
            self._emit(self._signals.result, value)
        finally:
            self._emit(self._signals.done)

    @staticmethod
    def _emit(signal, *values: Any) -> None:
        try:
            signal.emit(*values)
        except RuntimeError:
            # The receiving side was deleted while the job ran (the app is
            # shutting down): there is nobody left to tell.
            pass


class WorkerHandle(QObject):
    """A job running in the thread pool (returned by :func:`run_in_pool`).

    Signals (all delivered on the GUI thread)
    -----------------------------------------
    result_ready(object)
        The function's return value (not emitted after :meth:`cancel`).
    failed(object)
        The exception the function raised (not emitted after :meth:`cancel`).
    progress_changed(object)
        A value the function passed to its ``progress`` callable.
    cancelled(object)
        After :meth:`cancel`: the function returned (its value, possibly None)
        or raised (None).
    finished()
        Always last, once the function has returned or raised.
    """

    result_ready = Signal(object)
    failed = Signal(object)
    progress_changed = Signal(object)
    cancelled = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], *, pool: QThreadPool | None = None):
        super().__init__()
        self._cancel_event = threading.Event()
        self._running = True
        self._last_progress = 0.0
        self._progress_lock = threading.Lock()
        self._signals = _RunnerSignals()
        queued = Qt.ConnectionType.QueuedConnection
        self._signals.result.connect(self._on_runner_result, queued)
        self._signals.error.connect(self._on_runner_error, queued)
        self._signals.progress.connect(self._on_runner_progress, queued)
        self._signals.done.connect(self._on_runner_done, queued)
        kwargs: dict[str, Any] = {}
        if _accepts(fn, "cancel"):
            kwargs["cancel"] = self._cancel_event
        if _accepts(fn, "progress"):
            kwargs["progress"] = self._report_progress
        self._runner = _Runner(fn, args, kwargs, self._signals)
        self._pool = pool or QThreadPool.globalInstance()

    # ------------------------------------------------------------- public API
    def cancel(self) -> None:
        """Ask the function to stop (sets the ``cancel`` event it was given).

        A function that does not take ``cancel`` runs to its end, but its result
        is then reported through ``cancelled`` instead of ``result_ready``.
        """
        self._cancel_event.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel_event.is_set()

    @property
    def is_running(self) -> bool:
        """True until ``finished`` has been emitted."""
        return self._running

    # ------------------------------------------------------------- internals
    def _start(self) -> None:
        _ACTIVE.add(self)
        self._pool.start(self._runner)

    def _report_progress(self, value: Any) -> None:
        # Called from the worker thread.
        now = time.monotonic()
        with self._progress_lock:
            if now - self._last_progress < PROGRESS_INTERVAL_S:
                return
            self._last_progress = now
        self._signals.progress.emit(value)

    @Slot(object)
    def _on_runner_result(self, value: Any) -> None:
        if self._cancel_event.is_set():
            self.cancelled.emit(value)
        else:
            self.result_ready.emit(value)

    @Slot(object)
    def _on_runner_error(self, error: BaseException) -> None:
        if self._cancel_event.is_set():
            self.cancelled.emit(None)
        else:
            self.failed.emit(error)

    @Slot(object)
    def _on_runner_progress(self, value: Any) -> None:
        if not self._cancel_event.is_set():
            self.progress_changed.emit(value)

    @Slot()
    def _on_runner_done(self) -> None:
        self._running = False
        self.finished.emit()
        # Releasing the last reference here would delete this QObject inside
        # its own queued slot call; let the event loop finish with it first.
        QTimer.singleShot(0, self._release)

    def _release(self) -> None:
        _ACTIVE.discard(self)


def shutdown_workers(timeout_ms: int = 10_000) -> bool:
    """Cancel every running job and wait for the pool to finish.

    Called when the application quits, so that no worker outlives the objects
    it reports to. Returns True when every job finished in time.
    """
    for handle in list(_ACTIVE):
        handle.cancel()
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


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
    on_progress: Callable[[Any], None] | None = None,
    on_cancelled: Callable[[Any], None] | None = None,
    pool: QThreadPool | None = None,
    context: QObject | None = None,
) -> WorkerHandle:
    """Run ``fn(*args)`` in a pool thread; call back on the GUI thread.

    Parameters
    ----------
    fn
        The work. It must not touch widgets. If it has a ``cancel`` keyword
        parameter it gets a :class:`threading.Event` (set by
        :meth:`WorkerHandle.cancel`; poll ``cancel.is_set()``); if it has a
        ``progress`` keyword parameter it gets a callable taking one value
        (e.g. a fraction in [0, 1]) that may be called from the worker thread,
        forwarded at most 60 times a second.
    *args
        Positional arguments of ``fn`` (bind keywords with
        :func:`functools.partial`).
    on_result
        Called with the return value, unless the job was cancelled.
    on_error
        Called with the exception ``fn`` raised, unless the job was cancelled.
    on_progress
        Called with each forwarded progress value.
    on_cancelled
        Called once the function has returned after :meth:`WorkerHandle.cancel`
        (with its return value, or None if it raised).
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


class DebouncedEvaluator(QObject):
    """Evaluate the newest scenario after a quiet spell, off the GUI thread.

    Parameters
    ----------
    parent
        Owning QObject (usually the window or the results widget).
    delay_ms
        Quiet time after the last :meth:`submit` before evaluating, in ms
        (≥ 0; default :data:`EVALUATE_DEBOUNCE_MS`: the edits of one user
        action arrive together and are evaluated once; a spin box held down
        does not queue evaluations either, because at most one runs and only
        the newest waiting scenario is evaluated after it.        box held down does not queue dozens of evaluations).
    evaluate_fn
        ``Scenario -> Evaluation``; default :func:`advisor.evaluation.evaluate.evaluate`.

    Signals
    -------
    headline_ready(object)
        The newest submitted scenario's :class:`~advisor.evaluation.evaluate.Evaluation`
        without curves, before ``result_ready``, when the evaluation function
        reports one through its ``progress`` (the default one does).
    result_ready(object)
        The :class:`~advisor.evaluation.evaluate.Evaluation` of the newest submitted
        scenario. Results of superseded scenarios are dropped.
    failed(str)
        The newest scenario could not be evaluated; the message says why.
    busy(bool)
        True from the first submit until the newest scenario's result (or
        failure) is delivered; emitted only on changes.

    Notes
    -----
    At most one evaluation runs at a time: a scenario submitted while another
    is computing waits for it, and only the newest waiting one is evaluated.
    This keeps a burst of edits from queuing stale work in the pool.
    """

    headline_ready = Signal(object)
    result_ready = Signal(object)
    failed = Signal(str)
    busy = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, delay_ms: int | None = None,
                 evaluate_fn: Callable[[Scenario], Evaluation] | None = None):
        super().__init__(parent)
        if delay_ms is None:
            delay_ms = EVALUATE_DEBOUNCE_MS
        if delay_ms < 0:
            raise ValueError(f"delay_ms must be ≥ 0, got {delay_ms}")
        self._evaluate_fn = evaluate_fn or _evaluate
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._generation = 0
        self._pending: tuple[int, Scenario] | None = None
        self._running: WorkerHandle | None = None
        self._running_generation = 0
        self._busy = False
        self._latest: Evaluation | None = None

    # ------------------------------------------------------------- public API
    @property
    def generation(self) -> int:
        """How many scenarios have been submitted so far."""
        return self._generation

    @property
    def latest(self) -> Evaluation | None:
        """The last evaluation delivered through ``result_ready``."""
        return self._latest

    @property
    def is_busy(self) -> bool:
        return self._busy

    def submit(self, scenario: Scenario) -> None:
        """Evaluate ``scenario`` once no newer one arrives within the delay."""
        self._generation += 1
        self._pending = (self._generation, scenario)
        self._set_busy(True)
        self._timer.start()

    def evaluate_now(self, scenario: Scenario) -> None:
        """Like :meth:`submit` without the debounce (e.g. on loading a scenario)."""
        self.submit(scenario)
        self._timer.stop()
        self._on_timer_timeout()

    # ------------------------------------------------------------- internals
    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy.emit(busy)

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._running is not None or self._pending is None:
            return
        self._running_generation, scenario = self._pending
        self._pending = None
        self._running = run_in_pool(self._evaluate_fn, scenario)
        self._running.progress_changed.connect(self._on_worker_progress)
        self._running.result_ready.connect(self._on_worker_result)
        self._running.failed.connect(self._on_worker_failed)
        self._running.finished.connect(self._on_worker_finished)

    @Slot(object)
    def _on_worker_progress(self, headline: Any) -> None:
        if self._running_generation == self._generation and self._pending is None:
            self.headline_ready.emit(headline)

    @Slot(object)
    def _on_worker_result(self, evaluation: Evaluation) -> None:
        if self._running_generation == self._generation:
            self._latest = evaluation
            if self._pending is None:
                self._set_busy(False)
            self.result_ready.emit(evaluation)

    @Slot(object)
    def _on_worker_failed(self, error: BaseException) -> None:
        if self._running_generation == self._generation:
            message = str(error) or type(error).__name__
            if not isinstance(error, ValueError):
                message = f"{type(error).__name__}: {message}"
            if self._pending is None:
                self._set_busy(False)
            self.failed.emit(message)

    @Slot()
    def _on_worker_finished(self) -> None:
        self._running = None
        if self._pending is not None:
            if not self._timer.isActive():
                self._on_timer_timeout()
        else:
            self._set_busy(False)
