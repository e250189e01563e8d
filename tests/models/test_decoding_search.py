"""The exhaustive codebook search of the decodings, computed level by level and through the answers
left out, against the direct search over every subset (itertools)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from models.decoding import (
    _exhaustive_totals,
    _information_moments_many,
    _totals_by_complement,
)
from models.mallows import mallows_kernel
from models.panel import count_kernel


def direct(panel: np.ndarray, size: int) -> float:
    """The best subset total, subset by subset (by the subsets left out when they are fewer)."""
    inputs = panel.shape[0]
    if size > inputs // 2:
        return max(float(np.delete(panel, list(out), axis=0).max(axis=0).sum())
                   for out in itertools.combinations(range(inputs), inputs - size))
    return max(float(panel[list(subset)].max(axis=0).sum()) for subset in itertools.combinations(range(inputs), size))


@pytest.mark.parametrize("seed", range(3))
def test_levels_and_complements_equal_the_direct_search(seed):
    rng = np.random.default_rng(seed)
    stacks = [
        np.stack([count_kernel(rng.dirichlet(np.full(6, 0.4), size=6), 3, correlation=0.1) for _ in range(4)]),
        np.stack([rng.dirichlet(np.full(9, 0.3), size=9) for _ in range(3)]),
        np.stack([mallows_kernel(4, float(phi)) for phi in rng.uniform(0.1, 0.9, 2)]),
    ]
    for stack in stacks:
        inputs = stack.shape[1]
        # the sizes the decodings search exhaustively (few subsets): all of them for few answers,
        # the smallest and the largest for the 24 orderings of 4 items
        sizes = list(range(2, inputs + 1)) if inputs < 12 else [2, inputs - 2, inputs - 1, inputs]
        levels = _exhaustive_totals(stack, sizes)
        complements = _totals_by_complement(stack, [size for size in sizes if inputs - size <= 3])
        for kernel, panel in enumerate(stack):
            for size in sizes:
                expected = direct(panel, size)
                assert levels[size][kernel] == pytest.approx(expected, rel=1e-14, abs=1e-14)
                if size in complements:
                    assert complements[size][kernel] == pytest.approx(expected, rel=1e-14, abs=1e-14)


def test_sizes_after_a_gap_are_gathered_directly():
    rng = np.random.default_rng(4)
    stack = np.stack([rng.dirichlet(np.full(8, 0.5), size=8) for _ in range(3)])
    totals = _exhaustive_totals(stack, [2, 4, 5])  # 3 missing: 4 and 5 are not built from level 3
    for kernel, panel in enumerate(stack):
        for size in (2, 4, 5):
            assert totals[size][kernel] == pytest.approx(direct(panel, size), rel=1e-14)


def test_the_mean_alone_is_the_mean_of_the_moments():
    rng = np.random.default_rng(5)
    stack = np.stack([count_kernel(rng.dirichlet(np.ones(4), size=4), 3) for _ in range(5)])
    laws = rng.dirichlet(np.ones(4), size=5)
    laws[0] = [1.0, 0.0, 0.0, 0.0]
    means, variances = _information_moments_many(stack, laws)
    alone, none = _information_moments_many(stack, laws, variance=False)
    assert none is None and np.array_equal(means, alone)
    assert means[0] == 0.0 and variances[0] == 0.0


@pytest.mark.parametrize("inputs", [2, 3, 5, 7])
def test_each_level_total_is_its_own_subsets_sum(inputs):
    """Every subset of every size, in :func:`_level_subsets` order, gets Σ_c max_{x ∈ S} P(c | x) of
    exactly that subset — with ties in the columns (a repeated row) and a column of zeros."""
    from models.decoding import _level_subsets, _level_totals

    rng = np.random.default_rng(inputs)
    tied = rng.dirichlet(np.full(inputs, 0.5), size=inputs)
    tied[inputs // 2] = tied[0]
    zeros = np.hstack([rng.dirichlet(np.ones(5), size=inputs), np.zeros((inputs, 1))])
    stacks = [np.stack([rng.dirichlet(np.full(inputs, 0.5), size=inputs) for _ in range(4)]), tied[None], zeros[None],
              np.stack([count_kernel(rng.dirichlet(np.ones(inputs), size=inputs), 3, correlation=0.2)
                        for _ in range(3)])]
    for stack in stacks:
        levels = _level_totals(stack, inputs)
        assert set(levels) == set(range(2, inputs + 1))
        for size, totals in levels.items():
            subsets = _level_subsets(inputs, size)
            assert sorted(map(tuple, subsets)) == list(itertools.combinations(range(inputs), size))
            for column, subset in enumerate(subsets):
                assert totals[:, column] == pytest.approx(stack[:, list(subset)].max(axis=1).sum(axis=1), rel=1e-14)


def test_a_fully_searched_kernel_gives_the_best_subset_of_every_size():
    """When every size is searched exhaustively the successes are the best subsets' (no greedy
    codebook can do better: its subset is one of those searched, so it is not built)."""
    from models.decoding import _subset_successes_many

    rng = np.random.default_rng(12)
    stack = np.stack([count_kernel(rng.dirichlet(np.full(5, 0.6), size=5), 3, correlation=0.1) for _ in range(3)])
    successes = _subset_successes_many(stack, symmetric=False)
    for kernel, panel in enumerate(stack):
        for size in range(1, 6):
            assert successes[kernel][size - 1] == pytest.approx(min(1.0, direct(panel, size) / size), rel=1e-14)
