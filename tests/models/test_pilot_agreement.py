"""Agreement statistics against published worked examples.

* Fleiss' κ: the worked example of Wikipedia's "Fleiss' kappa" article (10 subjects, 14 raters,
  5 categories): P̄ = 0.378, P_e = 0.213, κ = 0.210.
* Krippendorff's α: Krippendorff (2011) "Computing Krippendorff's alpha-reliability", the 4 observer
  x 12 unit example with missing values: nominal 0.743, ordinal 0.815, interval 0.849; and the
  3 coder x 15 unit example of Wikipedia's "Krippendorff's alpha" article: nominal 0.691,
  interval 0.811.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from models.agreement import fleiss_kappa, krippendorff_alpha, percent_agreement, vote_counts
from models.errors import InvalidArgumentError

FLEISS_EXAMPLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

_ = None
KRIPPENDORFF_2011 = [  # observers x units, values 1..5, None = missing
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
WIKIPEDIA_ALPHA = [  # coders x units, values 1..4
    [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
    [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
    [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
]


def counts_from_reliability_data(matrix: list[list[int | None]], categories: list[int]) -> np.ndarray:
    units, values = [], []
    for row in matrix:
        for unit, value in enumerate(row):
            if value is not None:
                units.append(unit)
                values.append(categories.index(value))
    return vote_counts(np.array(units), np.array(values), n_units=len(matrix[0]), n_categories=len(categories))


def test_fleiss_kappa_wikipedia_worked_example():
    assert percent_agreement(FLEISS_EXAMPLE) == pytest.approx(0.378, abs=5e-4)
    assert fleiss_kappa(FLEISS_EXAMPLE) == pytest.approx(0.210, abs=5e-4)


def test_krippendorff_2011_worked_example():
    counts = counts_from_reliability_data(KRIPPENDORFF_2011, [1, 2, 3, 4, 5])
    assert krippendorff_alpha(counts, "nominal") == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(counts, "ordinal") == pytest.approx(0.815, abs=5e-4)
    assert krippendorff_alpha(counts, "interval") == pytest.approx(0.849, abs=5e-4)


def test_krippendorff_wikipedia_example():
    counts = counts_from_reliability_data(WIKIPEDIA_ALPHA, [1, 2, 3, 4])
    assert krippendorff_alpha(counts, "nominal") == pytest.approx(0.691, abs=5e-4)
    assert krippendorff_alpha(counts, "interval", values=[1, 2, 3, 4]) == pytest.approx(0.811, abs=5e-4)


def test_units_with_one_value_are_not_pairable():
    counts = counts_from_reliability_data(KRIPPENDORFF_2011, [1, 2, 3, 4, 5])
    extra = np.vstack([counts, [[0, 0, 0, 0, 1]] * 5])
    assert krippendorff_alpha(extra) == pytest.approx(krippendorff_alpha(counts))
    assert percent_agreement(extra) == pytest.approx(percent_agreement(counts))


def test_perfect_agreement_and_chance():
    perfect = [[3, 0], [0, 3], [3, 0]]
    assert percent_agreement(perfect) == 1.0
    assert fleiss_kappa(perfect) == pytest.approx(1.0)
    assert krippendorff_alpha(perfect) == pytest.approx(1.0)
    # Each unit split 1-1 between two equally used categories: agreement below chance.
    split = [[1, 1]] * 10
    assert percent_agreement(split) == 0.0
    assert fleiss_kappa(split) < 0 and krippendorff_alpha(split) < 0


def test_undefined_statistics_raise():
    with pytest.raises(InvalidArgumentError, match="kappa is undefined"):
        fleiss_kappa([[3, 0], [2, 0]])
    with pytest.raises(InvalidArgumentError, match="alpha is undefined"):
        krippendorff_alpha([[3, 0], [2, 0]])
    with pytest.raises(InvalidArgumentError, match="two or more ratings"):
        percent_agreement([[1, 0], [0, 1]])
    with pytest.raises(InvalidArgumentError, match="non-negative integer"):
        fleiss_kappa([[1.5, 1]])
    with pytest.raises(InvalidArgumentError, match="metric must be one of"):
        krippendorff_alpha(FLEISS_EXAMPLE, "ratio")
    with pytest.raises(InvalidArgumentError, match="values must be 5"):
        krippendorff_alpha(FLEISS_EXAMPLE, "interval", values=[1, 2])


count_matrices = hnp.arrays(np.int64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=8), elements=st.integers(0, 6))


@settings(max_examples=60, deadline=None)
@given(counts=count_matrices)
def test_statistics_are_bounded_and_order_free(counts):
    if np.sum(counts.sum(axis=1) >= 2) == 0:
        return
    agreement = percent_agreement(counts)
    assert 0.0 <= agreement <= 1.0
    shuffled = counts[::-1, ::-1]
    assert percent_agreement(shuffled) == pytest.approx(agreement)
    try:
        alpha = krippendorff_alpha(counts)
    except InvalidArgumentError:
        return
    assert alpha <= 1.0 + 1e-12
    # Nominal α ignores the category order; with two categories ordinal α equals nominal α.
    assert krippendorff_alpha(counts[:, ::-1]) == pytest.approx(alpha)
    if counts.shape[1] == 2:
        assert krippendorff_alpha(counts, "ordinal") == pytest.approx(alpha)
