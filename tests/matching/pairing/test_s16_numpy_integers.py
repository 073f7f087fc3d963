"""Numpy integers where the matching options take an integer: read as the int they are."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import SeniorityGap, form_peer_circles


@pytest.mark.parametrize("rounds", [np.int64(3), np.int32(3), np.uint8(3)])
def test_max_rounds_takes_a_numpy_integer(rounds):
    """``max_rounds=np.int64(3)`` had been refused as "not a non-negative integer"."""
    pop = synthetic_org(60, seed=3).population
    given = form_peer_circles(pop, rng=0, max_rounds=rounds)
    plain = form_peer_circles(pop, rng=0, max_rounds=3)
    assert given.circles == plain.circles
    assert given.rounds == plain.rounds
    json.dumps(given.to_dict())


@pytest.mark.parametrize("bad", [True, np.bool_(True), 3.0, -1])
def test_max_rounds_still_refuses_booleans_floats_and_negatives(bad):
    """Booleans, floats and negative numbers stay refused, naming `max_rounds`."""
    pop = synthetic_org(60, seed=3).population
    with pytest.raises(SchemaError, match=r"max_rounds: expected a non-negative integer"):
        form_peer_circles(pop, rng=0, max_rounds=bad)


@pytest.mark.parametrize("preferred", [np.int64(2), np.int8(-1)])
def test_seniority_gap_takes_a_numpy_integer_as_a_plain_int(preferred):
    """``SeniorityGap(preferred=np.int64(2))`` had been refused; it is now the int 2."""
    gap = SeniorityGap(preferred=preferred)
    assert gap == SeniorityGap(preferred=int(preferred))
    assert type(gap.preferred) is int


@pytest.mark.parametrize("bad", [True, np.bool_(True), 2.0, "1", 9])
def test_seniority_gap_still_refuses_what_is_no_level_count(bad):
    """Booleans, floats, text and gaps beyond the levels stay refused."""
    with pytest.raises(SchemaError, match=r"seniority_gap.preferred: expected an integer"):
        SeniorityGap(preferred=bad)
