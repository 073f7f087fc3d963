"""A pandas boolean mask is read by its labels whatever its dtype, never by position."""

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
