"""Exact panels of ranking questions from one row and the orbits of the vote histograms under the
relabellings of the items, against Blahut-Arimoto on the whole vote-histogram kernel."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from models.capacity import blahut_arimoto
from models.mallows import kendall_distance, mallows_kernel, mallows_symmetry
from models.panel import _histogram_orbits, _panel_capacity, _symmetric_panel_capacity, compositions, count_kernel


@pytest.mark.parametrize("n", [2, 3, 4])
def test_relabelling_the_items_preserves_kendall_distance_and_reaches_every_order(n):
    orders = list(itertools.permutations(range(n)))
    table = mallows_symmetry(n)
    assert table.shape == (math.factorial(n),) * 2
    for g, perm in enumerate(table):
        assert sorted(perm) == list(range(len(orders)))
        for x, y in itertools.combinations(range(len(orders)), 2):
            assert kendall_distance(orders[perm[x]], orders[perm[y]]) == kendall_distance(orders[x], orders[y])
    assert sorted(table[:, 0]) == list(range(len(orders)))  # transitive
    kernel = mallows_kernel(n, 0.37)
    for perm in table:
        assert np.allclose(kernel[np.ix_(perm, perm)], kernel, atol=1e-15)


@pytest.mark.parametrize("n,raters", [(3, 2), (3, 4), (4, 2), (4, 3)])
def test_orbits_are_those_of_every_group_element(n, raters):
    table = mallows_symmetry(n)
    given, orbit, sizes = _histogram_orbits(raters, table.tobytes(), table.shape)
    histograms = compositions(raters, table.shape[1])
    assert given.shape == (raters, histograms.shape[0])
    # the multisets are the histograms
    for index in range(0, histograms.shape[0], max(1, histograms.shape[0] // 50)):
        assert np.array_equal(np.bincount(given[:, index], minlength=table.shape[1]), histograms[index])
    # brute force: a histogram's orbit is the set of its images under all elements
    keys = {tuple(row): i for i, row in enumerate(histograms.tolist())}
    for index in range(0, histograms.shape[0], max(1, histograms.shape[0] // 40)):
        images = {keys[tuple(histograms[index][np.argsort(perm)].tolist())] for perm in table}
        assert {int(orbit[i]) for i in images} == {int(orbit[index])}
        assert len(images) == sizes[orbit[index]]
    assert sizes.sum() == histograms.shape[0]


@pytest.mark.parametrize("n,raters", [(3, 2), (3, 5), (4, 2), (4, 3), (4, 4)])
@pytest.mark.parametrize("phi", [0.0, 0.05, 0.4, 0.9, 1.0])
@pytest.mark.parametrize("rho", [0.0, 0.3])
def test_symmetric_panel_capacity_equals_blahut_arimoto_on_the_histogram_kernel(n, raters, phi, rho):
    kernel = mallows_kernel(n, phi)
    symmetric = _symmetric_panel_capacity(kernel, raters, rho, mallows_symmetry(n))
    reference = blahut_arimoto(count_kernel(kernel, raters, correlation=rho), tol=1e-12)
    assert symmetric.exact and symmetric.gap == 0.0
    assert symmetric.nats == pytest.approx(reference.nats, abs=1e-11 + reference.gap)
    assert 0.0 <= symmetric.nats <= math.log(math.factorial(n))


def test_the_fallback_bound_of_a_ranking_panel_uses_the_symmetric_reference():
    kernel = mallows_kernel(4, 0.5)
    with_symmetry = _panel_capacity(kernel, 7, 0.2, 20_000, 1e-9, 100_000, uniform_optimal=True,
                                    symmetry=mallows_symmetry(4))
    without = _panel_capacity(kernel, 7, 0.2, 20_000, 1e-9, 100_000, uniform_optimal=True)
    assert not with_symmetry.exact and not without.exact
    assert with_symmetry.nats == pytest.approx(without.nats, abs=1e-9)
