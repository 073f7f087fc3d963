"""Why a participant is unplaced: one rule for solve_assignment and assign."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sparkus.matching import assign, solve_assignment

NAN = np.nan


@pytest.mark.parametrize(
    ("cost", "capacity", "expected"),
    [
        # participant 0's only allowed provider has no place; the others fill provider 1
        (np.array([[1.0, NAN], [2.0, 3.0], [4.0, 5.0]]), [0, 2], {0: "no candidate"}),
        # the same, with a place left at provider 1: still no candidate, not "candidates full"
        (np.array([[1.0, NAN], [2.0, 3.0]]), [0, 5], {0: "no candidate"}),
        # every provider of capacity 0: nobody has a candidate
        (np.array([[1.0, 2.0], [3.0, 4.0]]), [0, 0], {0: "no candidate", 1: "no candidate"}),
        # an allowed provider with a place that went to someone else: capacity, as before
        (np.array([[1.0, NAN], [2.0, NAN]]), [1, 0], {1: "capacity"}),
        # sparse input: only stored pairs are allowed
        (sp.csr_array(np.array([[1.0, 0.0], [2.0, 3.0]])), [0, 1], {0: "no candidate"}),
    ],
    ids=["full", "room elsewhere", "no places", "capacity", "sparse"],
)
def test_a_provider_of_capacity_zero_is_no_candidate_for_both_solvers(cost, capacity, expected):
    """A participant allowed only providers without places is "no candidate" in both."""
    solved = solve_assignment(cost, capacity=capacity)
    assigned = assign(cost, capacity=capacity)
    assert solved.unassigned_reason == expected
    assert assigned.unassigned == expected
    np.testing.assert_array_equal(solved.provider, assigned.provider)
