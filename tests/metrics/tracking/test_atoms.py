"""Atoms: units with the same code in every array, numbered in the codes' order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.metrics._tracking.atoms import fold


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 60),
    st.lists(st.integers(1, 40), min_size=1, max_size=7),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 1.0),
)
def test_fold_numbers_the_distinct_code_rows_in_order(units, sizes, seed, share):
    rng = np.random.default_rng(seed)
    codes = [(rng.integers(-1, k, units).astype(np.int32), k) for k in sizes]
    keep = rng.random(units) < share
    atom, count = fold(codes, keep)
    # The reference: np.unique over the kept units' rows of codes, in lexicographic order,
    # which is the order of the codes read as digits (first array most significant).
    rows = np.stack([c[keep] for c, _ in codes], axis=1)
    unique, inverse = np.unique(rows, axis=0, return_inverse=True)
    assert count == len(unique)
    np.testing.assert_array_equal(atom, inverse.reshape(-1))
