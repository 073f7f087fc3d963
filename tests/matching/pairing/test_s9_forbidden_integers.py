"""A 0/1 integer `forbidden` of a two-column cost is a mask or pairs alike: refused, not guessed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.matching import assign, rematch, solve_assignment

COST = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, 0.4]])
MASK = np.array([[1, 0], [0, 1], [1, 1]])


@pytest.mark.parametrize(
    "forbidden",
    [MASK, MASK.astype(np.uint8), pd.DataFrame(MASK), MASK.tolist()],
    ids=["int64", "uint8", "frame", "nested-lists"],
)
@pytest.mark.parametrize("door", ["solve_assignment", "assign", "rematch"])
def test_a_zero_one_integer_mask_of_two_columns_is_refused(forbidden, door):
    """An integer 0/1 mask of a 3 x 2 cost had been read as 3 (row, col) pairs, silently."""
    calls = {
        "solve_assignment": lambda: solve_assignment(COST, [2, 2], forbidden=forbidden),
        "assign": lambda: assign(COST, [2, 2], forbidden=forbidden),
        "rematch": lambda: rematch(assign(COST, [2, 2]), COST, forbidden=forbidden),
    }
    with pytest.raises(SchemaError, match=r"forbidden: 0/1 integers of the shape of `cost`") as e:
        calls[door]()
    assert "mask.astype(bool)" in str(e.value)


def test_the_mask_as_booleans_and_pairs_as_tuples_still_read():
    """The same mask as booleans, and pairs as a list of tuples, are read as they say."""
    by_mask = solve_assignment(COST, [2, 2], forbidden=MASK.astype(bool))
    pairs = [(int(i), int(j)) for i, j in np.argwhere(MASK)]
    by_pairs = solve_assignment(COST, [2, 2], forbidden=pairs)
    np.testing.assert_array_equal(by_mask.provider, [1, 0, -1])
    np.testing.assert_array_equal(by_pairs.provider, by_mask.provider)
    # integer pairs that are not all 0/1 are pairs whatever their container
    by_array = solve_assignment(COST, [2, 2], forbidden=np.array([[0, 0], [2, 1], [1, 1]]))
    np.testing.assert_array_equal(by_array.provider, [1, 0, 0])


def test_pairs_outside_the_cost_are_each_named_once():
    """A pair repeated outside the cost is listed once in the message."""
    with pytest.raises(SchemaError, match=r"at \(2, 2\) \(shape") as e:
        solve_assignment(COST, [2, 2], forbidden=np.full((3, 2), 2))
    assert str(e.value).count("(2, 2)") == 1
