"""models.memo.BatchCache: missing values of a batch computed in one call, cached like lru_cache."""

from __future__ import annotations

import pytest

from models.memo import batch_cached


def test_missing_keys_are_computed_together_once_and_in_order():
    calls: list[list[tuple]] = []

    @batch_cached(maxsize=100)
    def square(keys: list[tuple]) -> list[int]:
        calls.append(list(keys))
        return [x * x for (x,) in keys]

    assert square.many([(3,), (1,), (3,), (2,)]) == [9, 1, 9, 4]
    assert calls == [[(3,), (1,), (2,)]]
    assert square(2) == 4 and square.many([(1,), (5,)]) == [1, 25]
    assert calls[-1] == [(5,)] and len(calls) == 2
    assert square.many([]) == []
    assert square.__name__ == "square" and len(square) == 4


def test_least_recently_used_values_are_forgotten_and_cache_clear_forgets_all():
    computed: list[tuple] = []

    @batch_cached(maxsize=2)
    def identity(keys: list[tuple]) -> list[tuple]:
        computed.extend(keys)
        return list(keys)

    identity.many([(1,), (2,)])
    identity(1)  # 1 is now the most recent
    identity(3)  # evicts 2
    computed.clear()
    identity.many([(1,), (3,), (2,)])
    assert computed == [(2,)]
    identity.cache_clear()
    assert len(identity) == 0
    identity(1)
    assert computed[-1] == (1,)


def test_a_compute_function_returning_the_wrong_count_is_an_error():
    @batch_cached(maxsize=4)
    def broken(keys: list[tuple]) -> list[int]:
        return [0]

    with pytest.raises(RuntimeError, match="broken"):
        broken.many([(1,), (2,)])
    with pytest.raises(ValueError, match="maxsize"):
        batch_cached(0)
