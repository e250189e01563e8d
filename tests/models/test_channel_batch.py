"""Many questions at once: question_channels and decode_kernels give, for every request, exactly
the value the one-at-a-time functions give with empty caches (the curves' vectorised path and the
headline's point-by-point path must agree to the last bit, so cached values never depend on which
path computed them); the stacked decoding pieces against direct references."""

from __future__ import annotations

import importlib
import itertools
import pkgutil

import numpy as np
import pytest

import models
from models.channel import (
    question_channel,
    question_channels,
    question_codebooks,
    question_decoding,
    question_decodings,
    rater_kernel,
)
from models.decoding import (
    _greedy_totals_many,
    _information_moments_many,
    _map_accuracies,
    _subset_successes_many,
    decode_kernel,
    decode_kernels,
)
from models.panel import count_kernel


def clear_model_caches() -> None:
    for info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"models.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type):
                continue
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == module.__name__:
                value.cache_clear()


def curve_requests() -> list[dict]:
    """The requests of a curve over seconds and one over raters, for every format."""
    requests = []
    for kind, k in (("ordinal", 7), ("pairwise", 3), ("ordinal", 4), ("binary", None), ("categorical", 5),
                    ("multi_select", 3), ("ranking", 3), ("free_text", None)):
        extra = {"max_chars": 200} if kind == "free_text" else {}
        for seconds in np.geomspace(2.0, 120.0, 9):
            requests.append(dict(kind=kind, k=k, seconds=float(seconds), raters=3, correlation=0.1, **extra))
        for raters in (1, 2, 4, 6):
            requests.append(dict(kind=kind, k=k, seconds=30.0, raters=raters, correlation=0.2, **extra))
    # capped computations (a work cap shares the same path)
    requests.append(dict(kind="ordinal", k=12, seconds=12.3, raters=3, correlation=0.15, max_work=5e5))
    requests.append(dict(kind="pairwise", k=20, seconds=20.0, raters=3, correlation=0.1, max_work=2e6))
    return requests


def test_question_channels_equal_question_channel_alone_to_the_last_bit():
    requests = curve_requests()
    clear_model_caches()
    together = question_channels(requests)
    clear_model_caches()
    alone = []
    for request in requests:
        clear_model_caches()
        alone.append(question_channel(**request))
    assert together == alone
    clear_model_caches()
    assert question_channels(requests[::-1]) == alone[::-1]


def test_question_decodings_equal_question_decoding_alone_to_the_last_bit():
    requests = []
    for kind, k in (("ordinal", 7), ("pairwise", 3), ("binary", None), ("categorical", 4), ("multi_select", 3),
                    ("ranking", 3), ("free_text", None)):
        for d in (0.4, 1.3, 2.7):
            for raters, coding_terms in ((1, True), (3, True), (3, False), (5, False)):
                requests.append(dict(kind=kind, k=k, dprime_value=d, raters=raters, correlation=0.1,
                                     coding_terms=coding_terms))
    requests.append(dict(kind="ordinal", k=5, dprime_value=1.0, raters=3, prior=(0.1, 0.2, 0.3, 0.2, 0.2)))
    requests.append(dict(kind="ordinal", k=9, dprime_value=1.0, raters=6, max_work=3e5))
    clear_model_caches()
    together = question_decodings(requests)
    alone = []
    for request in requests:
        clear_model_caches()
        alone.append(question_decoding(**request))
    assert together == alone
    assert sum(result is None for result in together) == 12  # free text has no kernel


def test_decode_kernels_equal_decode_kernel_alone():
    rng = np.random.default_rng(3)
    kernels = [rng.dirichlet(np.ones(4), size=4) for _ in range(6)]
    requests = [dict(kernel=kernel, raters=raters, correlation=0.2, prior=None) for kernel in kernels
                for raters in (1, 2, 4)]
    clear_model_caches()
    together = decode_kernels(requests)
    for request, result in zip(requests, together):
        clear_model_caches()
        assert decode_kernel(**request) == result


def reference_greedy(matrix: np.ndarray) -> list[float]:
    """The nested greedy subsets, one candidate at a time (the first of equal totals: the rows of a
    kernel all total 1, so the first pick is decided by rounding, summed here as the models do)."""
    chosen: list[int] = []
    current = np.zeros(matrix.shape[1])
    totals = []
    for _ in range(matrix.shape[0]):
        best, best_total = -1, -1.0
        for x in range(matrix.shape[0]):
            if x in chosen:
                continue
            total = float(np.maximum(current, matrix[x]).sum())
            if total > best_total:
                best, best_total = x, total
        chosen.append(best)
        current = np.maximum(current, matrix[best])
        totals.append(best_total)
    return totals


def test_stacked_decoding_pieces_against_direct_references():
    rng = np.random.default_rng(11)
    panels = np.stack([count_kernel(rng.dirichlet(np.ones(5), size=5), 3, correlation=0.1) for _ in range(4)])
    priors = rng.dirichlet(np.ones(5), size=4)
    greedy = _greedy_totals_many(panels)
    successes = _subset_successes_many(panels, False)
    accuracies = _map_accuracies(panels, priors)
    means, variances = _information_moments_many(panels, priors)
    for panel, prior, totals, success, accuracy, mean, variance in zip(panels, priors, greedy, successes,
                                                                        accuracies, means, variances):
        assert totals == pytest.approx(reference_greedy(panel), abs=1e-12)
        for size in range(1, 6):
            best = max(sum(max(panel[x, c] for x in subset) for c in range(panel.shape[1]))
                       for subset in itertools.combinations(range(5), size))
            assert success[size - 1] == pytest.approx(best / size, abs=1e-12)
        assert accuracy == pytest.approx(sum(max(prior[x] * panel[x, c] for x in range(5))
                                             for c in range(panel.shape[1])), abs=1e-12)
        joint = prior[:, None] * panel
        output = joint.sum(axis=0)
        density = np.log(panel / output)
        assert mean == pytest.approx(float((joint * density).sum()), abs=1e-12)
        assert variance == pytest.approx(float((joint * (density - mean) ** 2).sum()), abs=1e-12)
        assert mean == pytest.approx(models.mutual_information(prior, panel), abs=1e-12)


def test_a_kernel_without_decoding_is_none_in_a_batch():
    assert rater_kernel("free_text", None, 1.0) is None
    assert question_decodings([dict(kind="free_text", k=None, dprime_value=1.0)]) == [None]
    assert question_decodings([]) == []


def test_question_codebooks_are_the_dimensions_of_the_decodings():
    requests = []
    for kind, k in (("ordinal", 7), ("pairwise", 3), ("binary", None), ("categorical", 4), ("multi_select", 3),
                    ("ranking", 3), ("free_text", None)):
        for d in (0.4, 2.7):
            for raters in (1, 3, 6):
                requests.append(dict(kind=kind, k=k, dprime_value=d, raters=raters, correlation=0.1))
    requests.append(dict(kind="ordinal", k=9, dprime_value=1.0, raters=6, max_work=3e5))
    clear_model_caches()
    codebooks = question_codebooks(requests)
    for request, found in zip(requests, codebooks):
        clear_model_caches()
        decoding = question_decoding(**request, coding_terms=False)
        assert (found is None) == (decoding is None)
        if decoding is not None:
            assert found == decoding.dimensions


def test_a_question_decodes_the_kernel_decode_kernel_would_be_given():
    """The decodings of the models' own kernels take them as they are; they must be the kernels
    decode_kernel makes of the raw ones (rows renormalised once): the greedy codebook search
    breaks near ties by rounding, so the last bits of a ranking kernel move its successes."""
    from models.kernels import _ordinal, _ordinal_slip
    from models.mallows import effective_swap_probability, folded_dispersion, mallows_kernel, ranking_swap_probability

    for d in (0.3, 0.9, 1.7):
        swap = effective_swap_probability(ranking_swap_probability(d, 4, span=3.0), 0.01)
        cases = [(dict(kind="ranking", k=4, dprime_value=d, slip_rate=0.01), mallows_kernel(4, folded_dispersion(swap))),
                 (dict(kind="ordinal", k=7, dprime_value=d, slip_rate=0.02), _ordinal(d, 7, 3.0) @ _ordinal_slip(7, 0.02))]
        for request, raw in cases:
            for raters in (1, 3):
                clear_model_caches()
                ours = question_decoding(**request, raters=raters, correlation=0.1)
                clear_model_caches()
                reference = decode_kernel(raw, raters, 0.1, None)
                assert ours.dimensions == reference.dimensions
                assert ours.label_accuracy == reference.label_accuracy
