"""models.blas.single_threaded: OpenBLAS at one thread while blocks run, restored after the last."""

from __future__ import annotations

import threading

import pytest

from models import blas


def test_blocks_hold_one_thread_and_restore_the_count():
    controls = blas._thread_controls()
    if controls is None:
        pytest.skip("no OpenBLAS thread control here (another BLAS, or a thread count set by the user)")
    get, _ = controls
    before = get()
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with blas.single_threaded():
            entered.set()
            release.wait(5)

    with blas.single_threaded():
        assert get() == 1
        worker = threading.Thread(target=other)
        worker.start()
        entered.wait(5)
        with blas.single_threaded():
            assert get() == 1
        assert get() == 1
    assert get() == 1  # the other thread's block still runs
    release.set()
    worker.join(5)
    assert get() == before


def test_without_controls_the_block_just_runs(monkeypatch):
    monkeypatch.setattr(blas, "_thread_controls", lambda: None)
    with blas.single_threaded():
        pass
