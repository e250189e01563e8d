"""A cache for functions whose missing values are cheaper to compute together.

:func:`functools.lru_cache` computes one missing value per call. The numerics of a curve need
hundreds of small values of one function at once (a question's channel at every point of the
curve), and computing those together is far cheaper (one vectorised solver run instead of hundreds:
:func:`models.capacity.channel_capacities`). :func:`batch_cached` caches such a function on its
arguments like ``lru_cache`` does, and computes the missing values of a batch in one call.
:func:`with_defaults` reads a request of such a batch as the single call would read its arguments.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

__all__ = ["BatchCache", "RecentValues", "batch_cached", "with_defaults"]

Value = TypeVar("Value")


class RecentValues(Generic[Value]):
    """At most ``maxsize`` values by key, the least recently used dropped first; safe to use from
    several threads.

    For results too costly to compute again and too large to keep without bound: a whole
    optimisation, a rendered figure.
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be >= 1, got {maxsize}")
        self._maxsize = maxsize
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Value) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used beyond ``maxsize``."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._maxsize:
                self._values.popitem(last=False)

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        """How many values are kept."""
        with self._lock:
            return len(self._values)


class BatchCache(Generic[Value]):
    """A least-recently-used cache over ``compute(keys) -> values``, one value per key.

    Call it with one key's arguments (``cache(*key)``) or ask for many keys at once
    (:meth:`many`); either way the keys not held are computed in one call of ``compute``, in the
    order first asked for, and stored. ``compute`` must return, for each key, the value it would
    return for that key alone (the cache then holds the same values whichever batch filled it).
    Safe to use from several threads: two threads missing the same key may both compute it.
    """

    def __init__(self, compute: Callable[[list[tuple]], Sequence[Value]], maxsize: int) -> None:
        self._compute = compute
        self._maxsize = maxsize
        self._values: OrderedDict[tuple, Value] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        functools.update_wrapper(self, compute)

    def __call__(self, *key: Hashable) -> Value:
        return self.many([key])[0]

    def many(self, keys: Sequence[tuple]) -> list[Value]:
        """The values of ``keys`` (each the tuple of one call's arguments), in order."""
        found: list[Any] = [None] * len(keys)
        missing: dict[tuple, list[int]] = {}
        with self._lock:
            for index, key in enumerate(keys):
                if key in self._values:
                    self._values.move_to_end(key)
                    found[index] = self._values[key]
                    self.hits += 1
                else:
                    missing.setdefault(key, []).append(index)
        if missing:
            computed = list(self._compute(list(missing)))
            if len(computed) != len(missing):
                raise RuntimeError(f"{self.__name__} returned {len(computed)} values for {len(missing)} keys")
            with self._lock:
                for (key, indices), value in zip(missing.items(), computed):
                    self._values[key] = value
                    self._values.move_to_end(key)
                    self.misses += 1
                    for index in indices:
                        found[index] = value
                while len(self._values) > self._maxsize:
                    self._values.popitem(last=False)
        return found

    def cache_clear(self) -> None:
        """Forget every value (as ``lru_cache``'s)."""
        with self._lock:
            self._values.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._values)


def batch_cached(maxsize: int) -> Callable[[Callable[[list[tuple]], Sequence[Value]]], BatchCache[Value]]:
    """Decorate ``compute(keys) -> values`` into a :class:`BatchCache` holding at most ``maxsize``
    values (>= 1)."""
    if maxsize < 1:
        raise ValueError(f"maxsize must be >= 1, got {maxsize}")

    def decorate(compute: Callable[[list[tuple]], Sequence[Value]]) -> BatchCache[Value]:
        return BatchCache(compute, maxsize)

    return decorate


_NAMED_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@functools.lru_cache(maxsize=None)
def _parameters(function: Callable[..., Any]) -> tuple[tuple[str, ...], frozenset[str], dict[str, Any]]:
    """``(names in signature order, the same as a set, defaults)`` of ``function``'s parameters."""
    parameters = inspect.signature(function).parameters.values()
    unnamed = [p.name for p in parameters if p.kind not in _NAMED_KINDS]
    if unnamed:
        raise ValueError(f"{function.__name__} has parameters that cannot all be given by name: {', '.join(unnamed)}")
    names = tuple(p.name for p in parameters)
    return names, frozenset(names), {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}


def with_defaults(function: Callable[..., Any], request: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of a call of ``function`` given as the keywords ``request``, its defaults
    filled in: the same mapping ``locals()`` holds at the start of that call.

    The many-at-once form of a cached function (a request per call) and the single call then build
    their cache keys from one mapping, so the function's signature is written once, on the function.

    Parameters
    ----------
    function
        A function whose parameters can all be given by name (no ``*args``, ``**kwargs`` or
        positional-only parameters).
    request
        Keyword arguments of one call.

    Returns
    -------
    dict
        Every parameter's value, by name, in any order.

    Raises
    ------
    TypeError
        An unknown or a missing argument, named as the call would name it (the first in the
        signature's order).
    ValueError
        ``function`` has a parameter that cannot be given by name.
    """
    names, known, defaults = _parameters(function)
    for name in request:
        if name not in known:
            raise TypeError(f"{function.__name__}() got an unexpected keyword argument {name!r}")
    for name in names:
        if name not in request and name not in defaults:
            raise TypeError(f"{function.__name__}() missing required argument {name!r}")
    return {**defaults, **request}
