"""One BLAS thread while the numerics run.

The kernels of a question are small to medium (7 x 84 to 24 x 98,280 entries), so a BLAS call on
them takes microseconds to a millisecond. OpenBLAS splits such calls (a matrix product of more than
about 2.6e5 multiply-adds, a matrix-vector product of more than about 9,000 entries, a dot product
of more than 10,000) among its threads, and on a machine whose cores other work also uses, every
split call waits until each of its threads gets a core: measured on the 2-core machine the budgets
were set on, under a load of 3, a first evaluate() of a ranking design took 170 ms with two BLAS
threads and 44 ms with one. One thread also makes the numbers independent of the machine's core
count (a split dot product adds its partial sums in another order).

:func:`single_threaded` holds NumPy's bundled OpenBLAS — and SciPy's, a library of its own whose
threads its optimisers' BLAS calls wake (a pilot's speed–accuracy fit, thousands of tiny L-BFGS-B
steps, took 5.4 s with SciPy's threads under load and 0.5 s on one) — at one thread while any block
using it runs
(blocks may nest and run in several threads at once: the count is restored when the last one ends).
OpenBLAS's thread count is a setting of the whole process (its ``openblas_set_num_threads_local``
too, despite the name), so other threads' BLAS calls run on one thread meanwhile; the app's other
BLAS calls are on small arrays. Nothing changes where that setter is not found (another BLAS) or
where the user chose a thread count (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``).
"""

from __future__ import annotations

import ctypes
import glob
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

__all__ = ["single_threaded"]

_lock = threading.Lock()
_holders = 0
_previous: list[int] = []


@lru_cache(maxsize=1)
def _thread_controls():
    """``(get, set)`` of the thread count of NumPy's bundled OpenBLAS, or None."""
    controls = _all_thread_controls()
    return controls[0] if controls else None


@lru_cache(maxsize=1)
def _all_thread_controls() -> tuple[tuple[object, object], ...]:
    """``(get, set)`` of every bundled OpenBLAS found: NumPy's first, then SciPy's."""
    if os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS"):
        return ()
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
    except (AttributeError, KeyError, TypeError):
        return ()
    if "openblas" not in str(blas.get("name", "")).lower():
        return ()
    folders = [os.path.dirname(np.__file__)]
    try:
        import scipy

        folders.append(os.path.dirname(scipy.__file__))
    except ImportError:  # pragma: no cover - scipy is a dependency
        pass
    controls = []
    for folder in folders:
        package = os.path.basename(folder)
        candidates = sorted({path for pattern in (os.path.join(folder, os.pardir, f"{package}.libs", "*openblas*"),
                                                  os.path.join(folder, ".dylibs", "*openblas*"))
                             for path in glob.glob(pattern)})
        found = _controls_of(candidates)
        if found is not None:
            controls.append(found)
    return tuple(controls)


def _controls_of(candidates: list[str]):
    for path in candidates:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "")):
            try:
                get = getattr(library, f"{prefix}_get_num_threads{suffix}")
                set_ = getattr(library, f"{prefix}_set_num_threads{suffix}")
            except AttributeError:
                continue
            get.restype, get.argtypes = ctypes.c_int, []
            set_.restype, set_.argtypes = None, [ctypes.c_int]
            return get, set_
    return None


@contextmanager
def single_threaded() -> Iterator[None]:
    """Run the block with every bundled OpenBLAS at one thread (the previous counts restored after
    the last block ends)."""
    global _holders, _previous
    controls = _all_thread_controls()
    if not controls:
        yield
        return
    with _lock:
        if _holders == 0:
            _previous = [get() for get, _ in controls]
            for (_, set_), count in zip(controls, _previous):
                if count != 1:
                    set_(1)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                for (_, set_), count in zip(controls, _previous):
                    if count != 1:
                        set_(count)
