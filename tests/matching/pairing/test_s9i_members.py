"""`members` of numpy integers, with missing entries, or past the int range: read or refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import candidate_matrix, form_peer_circles, team_cohorts

ORG = synthetic_org(n=30, seed=5)
POP = ORG.population

DOORS = {
    "candidate_matrix": lambda members: candidate_matrix(POP, ORG.providers, members=members),
    "form_peer_circles": lambda members: form_peer_circles(POP, members, size=(2, 4), rng=0),
    "team_cohorts": lambda members: team_cohorts(POP, members, size=(2, 4)),
}


@pytest.mark.parametrize("door", sorted(DOORS))
def test_a_list_of_numpy_integers_is_read_as_row_indices(door):
    """Rows as numpy integers (``list(np.flatnonzero(mask))``) give what Python ints give."""
    rows = [1, 2, 3, 4, 5, 6]
    mixed = [np.int64(1), np.int32(2), 3, np.uint8(4), np.intp(5), np.int16(6)]
    by_ints, by_numpy = DOORS[door](rows), DOORS[door](mixed)
    assert by_numpy.to_dict() == by_ints.to_dict()


@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize(
    "members",
    [[0, None, 1, 2], [0, float("nan"), 1], pd.array([0, None, 1, 2], dtype="Int64")],
    ids=["none", "nan", "Int64-NA"],
)
def test_missing_entries_are_named_by_position(door, members):
    """A None, NaN or NA among the members is refused by position, not as a 'mix of' types."""
    with pytest.raises(SchemaError, match=r"members: has missing entries .* at positions 1;"):
        DOORS[door](members)


@pytest.mark.parametrize("door", sorted(DOORS))
def test_a_row_past_the_int_range_is_out_of_range(door):
    """A row of 10**30 is out of range (a SchemaError), not a bare OverflowError."""
    with pytest.raises(SchemaError, match=r"members\[0\]: row 1000000000000000000000000000000 is"):
        DOORS[door]([10**30, 1])


def test_one_kind_of_wrong_value_is_not_called_a_mix():
    """Rows given as floats are refused, naming their type without calling it a mix."""
    with pytest.raises(SchemaError, match=r"or a boolean mask, got values of type float$"):
        form_peer_circles(POP, [1.0, 2.0], size=(2, 4), rng=0)
