"""A pandas boolean mask is read by its labels whatever its dtype, never by position."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from tests.matching.pairing.test_s9i_members import DOORS, POP  # the three doors of `members`


@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize("dtype", ["object", "category"])
def test_a_boolean_series_of_another_dtype_is_read_by_its_labels(door, dtype):
    """Booleans of dtype object (as after ``fillna``) or category, labelled by the ids in
    reverse, select the people they label, as a ``bool`` Series does."""
    mask = pd.Series(np.arange(len(POP)) < 8, index=POP.ids)[::-1]
    by_labels = DOORS[door](mask)
    assert by_labels.to_dict() == DOORS[door](POP.ids[:8].tolist()).to_dict()
    assert DOORS[door](mask.astype(dtype)).to_dict() == by_labels.to_dict()


@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize("dtype", ["object", "category"])
def test_a_boolean_series_of_another_dtype_labelled_otherwise_is_refused(door, dtype):
    """Booleans of dtype object or category on a default index are refused, not paired by
    position."""
    mask = pd.Series(np.arange(len(POP)) < 8).astype(dtype)
    with pytest.raises(SchemaError, match="members: its index does not match"):
        DOORS[door](mask)
