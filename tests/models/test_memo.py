"""models.memo: BatchCache (missing values of a batch computed in one call, cached like lru_cache),
RecentValues (a bounded least-recently-used mapping) and with_defaults (a request of a many-at-once
form read as the call would read it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.memo import RecentValues, batch_cached, with_defaults


@given(size=st.integers(1, 4), operations=st.lists(st.tuples(st.booleans(), st.integers(0, 6)), max_size=60))
def test_recent_values_keep_what_a_list_in_order_of_use_keeps(size, operations):
    """The reference: a list of (key, value) in order of last use, cut to its last ``size``."""
    kept = RecentValues(size)
    reference: list[tuple[int, int]] = []
    for step, (is_put, key) in enumerate(operations):
        found = next((value for k, value in reference if k == key), None)
        if is_put:
            kept.put(key, step)
            reference = [(k, v) for k, v in reference if k != key] + [(key, step)]
            reference = reference[-size:]
        else:
            assert kept.get(key) == found
            if found is not None:
                reference = [(k, v) for k, v in reference if k != key] + [(key, found)]
        assert len(kept) == len(reference)
    kept.clear()
    assert len(kept) == 0 and all(kept.get(k) is None for k, _ in reference)


def test_recent_values_need_room_for_one():
    with pytest.raises(ValueError, match="maxsize"):
        RecentValues(0)


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


def _call(kind, k=None, *, seconds, raters=1, rater_model=None):
    return locals()


def test_with_defaults_gives_what_locals_holds_in_the_call_and_refuses_as_the_call_does():
    for request in ({"kind": "binary", "seconds": 3.0}, {"kind": "ordinal", "k": 5, "seconds": 1.5, "raters": 4}):
        assert with_defaults(_call, request) == _call(**request)
    for request in ({"kind": "binary", "seconds": 3.0, "rater": 2}, {"kind": "binary"}):
        with pytest.raises(TypeError) as from_call:
            _call(**request)
        with pytest.raises(TypeError, match=r"^_call\(\) ") as from_request:
            with_defaults(_call, request)
        # The same argument is named ("unexpected keyword argument 'rater'", "missing ... 'seconds'").
        named = str(from_request.value).split()[-1]
        assert named in str(from_call.value)


def test_the_many_at_once_channels_and_decodings_refuse_a_misspelt_argument_by_the_public_name():
    from models.channel import question_channel, question_channels
    from models.decoding import decode_kernel, decode_kernels
    from models.kernels import nominal_kernel

    # Both forms build one key: the many-at-once form finds the single call's channel in the cache.
    request = {"kind": "ordinal", "k": 4, "seconds": 6.0, "raters": 3}
    assert question_channels([request])[0] is question_channel("ordinal", 4, seconds=6.0, raters=3)
    with pytest.raises(TypeError, match=r"question_channel\(\) got an unexpected keyword argument 'rater'"):
        question_channels([{**request, "rater": 2}])
    kernel = nominal_kernel(1.5, 3)
    assert decode_kernels([{"kernel": kernel, "raters": 2, "correlation": 0.0, "prior": None}])[0] is decode_kernel(
        kernel, 2, 0.0, None)
    with pytest.raises(TypeError, match=r"decode_kernel\(\) missing required argument 'prior'"):
        decode_kernels([{"kernel": kernel, "raters": 2, "correlation": 0.0}])


def test_with_defaults_refuses_a_function_whose_parameters_cannot_all_be_named():
    def spread(first, /, *rest, **options):
        return first

    with pytest.raises(ValueError, match="first, rest, options"):
        with_defaults(spread, {"first": 1})
