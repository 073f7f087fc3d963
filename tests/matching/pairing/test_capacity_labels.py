"""Capacities given as a pandas Series are read by the providers' labels, never by position.

The cost table's columns (or a candidate matrix's provider ids) name the providers; a Series
of capacities in another order of those labels had been paired by position, so a provider
could take more people than its places, and one indexed by labels that name no provider was
accepted.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.matching import assign, solve_assignment

COST = pd.DataFrame(
    [[0.10, 0.30, 0.60], [0.15, 0.50, 0.40], [0.05, 0.45, 0.70],
     [0.20, 0.25, np.nan], [0.12, 0.60, 0.35], [0.30, 0.20, 0.50]],
    index=list("abcdef"), columns=["x", "y", "z"],
)  # fmt: skip
PLACES = np.array([2, 2, 3])  # x, y, z


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(3)))
def test_capacities_in_any_order_of_the_providers_assign_as_the_array(order):
    series = pd.Series(PLACES[list(order)], index=COST.columns[list(order)])
    kept = series.copy()
    for solve in (assign, solve_assignment):
        by_array, by_series = solve(COST, PLACES), solve(COST, series)
        np.testing.assert_array_equal(by_series.load, by_array.load)
        assert by_series.total_cost == by_array.total_cost
        assert np.all(by_series.load <= PLACES)
    pd.testing.assert_series_equal(series, kept)


@pytest.mark.parametrize("solve", [assign, solve_assignment])
@pytest.mark.parametrize(
    ("index", "says"),
    [(["p", "q", "r"], "lacks the providers 'x', 'y', 'z'"), (["x", "x", "y"], "repeats")],
)
def test_capacities_not_labelled_by_the_providers_are_refused(solve, index, says):
    with pytest.raises(SchemaError, match=says) as info:
        solve(COST, pd.Series([3, 2, 2], index=index))
    assert [p.path for p in info.value.problems] == [("capacity",)]


def test_without_labels_a_series_is_read_by_positions_or_refused():
    """A numpy cost table has no provider labels: a Series labelled by the positions 0..m-1
    is read by them (in any order); one labelled otherwise is refused, as a forbidden mask
    is, where it had been paired by position whatever its labels said."""
    by_position = pd.Series(PLACES, index=[0, 1, 2])
    np.testing.assert_array_equal(solve_assignment(COST.to_numpy(), by_position).load,
                                  solve_assignment(COST.to_numpy(), PLACES).load)  # fmt: skip
    shuffled = by_position.iloc[[2, 0, 1]]
    np.testing.assert_array_equal(solve_assignment(COST.to_numpy(), shuffled).load,
                                  solve_assignment(COST.to_numpy(), PLACES).load)  # fmt: skip
    with pytest.raises(SchemaError, match=r"capacity: .*positions of `cost`'s columns"):
        solve_assignment(COST.to_numpy(), pd.Series(PLACES, index=["p", "q", "r"]))
