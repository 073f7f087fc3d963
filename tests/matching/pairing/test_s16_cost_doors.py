"""The doors of assign, solve_assignment and rematch: cells numpy reads silently, labelled tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.matching import assign, rematch, solve_assignment

COST = np.array([[0.1, 0.3], [0.15, 0.5], [0.05, 0.45]])
DOORS = ["solve_assignment", "assign", "rematch"]


def _call(
    door: str, cost: object, capacity: object = 2, *, before: object = COST, **kwargs: object
) -> object:
    """The door's placement; `rematch` starts from an assignment on `before`."""
    if door == "solve_assignment":
        return solve_assignment(cost, capacity, **kwargs)
    if door == "assign":
        return assign(cost, capacity, **kwargs)
    previous = assign(before, 2)
    return rematch(previous, cost, capacity, **kwargs).assignment


@pytest.mark.parametrize("door", DOORS)
def test_nullable_float_costs_with_na_read_na_as_not_allowed(door):
    """A Float64 table with NA had been refused with Python's float() message; NA is NaN."""
    frame = pd.DataFrame(
        {"x": pd.array([0.1, pd.NA, 0.05], dtype="Float64"), "y": [0.3, 0.5, 0.45]}
    )
    before = frame.copy()
    as_nan = frame.astype("float64")
    got = _call(door, frame, before=as_nan.to_numpy())
    want = _call(door, as_nan, before=as_nan.to_numpy())
    np.testing.assert_array_equal(got.provider, want.provider)
    assert got.provider[1] != 0  # the NA pair is not allowed
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    ("cost", "says"),
    [
        (
            pd.DataFrame({"x": ["0.1", "0.15", "0.05"], "y": [0.3, 0.5, 0.45]}),
            r"holds text at \(0, 0\), \(1, 0\), \(2, 0\) \(the first is '0.1'\)",
        ),
        (
            [[True, 0.3], [0.15, 0.5], [0.05, 0.45]],
            r"holds a boolean at \(0, 0\) \(the first is True\)",
        ),
        (
            pd.DataFrame({"x": [True, False, True], "y": [0.3, 0.5, 0.45]}),
            r"holds a boolean at \(0, 0\), \(1, 0\), \(2, 0\)",
        ),
        (
            np.array([[0.1, "0.3"], [0.15, 0.5], [0.05, 0.45]], dtype=object),
            r"holds text at \(0, 1\)",
        ),
    ],
    ids=["text-column", "bool-in-lists", "bool-column", "text-in-object-array"],
)
def test_text_and_booleans_among_costs_are_refused_by_cell(door, cost, says):
    """Text and booleans that numpy turns into numbers had been solved as costs, silently."""
    with pytest.raises(SchemaError, match=r"cost: " + says) as e:
        _call(door, cost)
    assert "convert the column to numbers" in str(e.value)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("capacity", [[True, 2], (2, np.True_)], ids=["list", "tuple"])
def test_booleans_among_capacities_are_refused(door, capacity):
    """``[True, 2]`` had been read as capacities ``[1, 2]``, though a bare True is refused."""
    with pytest.raises(
        SchemaError, match=r"capacity: expected non-negative integers, got booleans \["
    ):
        _call(door, COST, capacity)


@pytest.mark.parametrize("door", DOORS)
def test_a_nullable_boolean_mask_frame_reads_as_its_booleans(door):
    """A mask frame of pandas' nullable "boolean" dtype had been refused as dtype object."""
    mask = pd.DataFrame([[True, False], [False, False], [False, True]], dtype="boolean")
    got = _call(door, COST, forbidden=mask)
    want = _call(door, COST, forbidden=mask.to_numpy(dtype=bool))
    np.testing.assert_array_equal(got.provider, want.provider)
    mask.iloc[1, 0] = pd.NA
    with pytest.raises(
        SchemaError, match=r"forbidden: a pandas DataFrame mask is missing \(NA\) at \(1, 0\)"
    ):
        _call(door, COST, forbidden=mask)


LABELLED = pd.DataFrame(COST, index=[2, 0, 1], columns=[1, 0])


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (lambda: assign(LABELLED, 2, fixed={3: 2}), "fixed"),
        (lambda: assign(LABELLED, 2, forbidden=[(3, 2)]), "forbidden"),
        (lambda: solve_assignment(LABELLED, 2, forbidden=[(3, 2)]), "forbidden"),
        (lambda: rematch(assign(LABELLED, 2), LABELLED, released=[3]), "released"),
        (lambda: rematch(assign(LABELLED, 2), LABELLED, leaving=[2]), "leaving"),
    ],
    ids=[
        "assign-fixed",
        "assign-forbidden",
        "solve-forbidden",
        "rematch-released",
        "rematch-leaving",
    ],
)
def test_numbers_against_a_table_labelled_otherwise_are_refused(call, where):
    """A pair (0, 0) had named the first row of a table whose label 0 is its second row.

    `assign`, `rematch` and `solve_assignment` read the labels now
    (tests/matching/test_s11_labels_everywhere.py, test_s12_solve_labels.py); a number that is
    none of them is still refused.
    """
    with pytest.raises(SchemaError, match=rf"{where}: pairs are read by position") as e:
        call()
    assert "rows 2, 0, 1 and its columns 1, 0" in str(e.value)
    assert "cost.to_numpy()" in str(e.value)


def test_a_table_labelled_by_position_still_takes_numbers():
    """A table with the default labels 0..n-1 and 0..m-1 reads pairs as the array does."""
    frame = pd.DataFrame(COST)
    got = assign(frame, 2, fixed={0: 1}, forbidden=[(2, 0)])
    want = assign(COST, 2, fixed={0: 1}, forbidden=[(2, 0)])
    np.testing.assert_array_equal(got.provider, want.provider)
    after = rematch(got, frame, released=[1])
    again = rematch(want, COST, released=[1])
    np.testing.assert_array_equal(after.assignment.provider, again.assignment.provider)
