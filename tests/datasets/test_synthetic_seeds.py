"""synthetic_org's seed: every non-negative integer it accepts gives a valid organisation."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import SyntheticOrg, synthetic_org


@pytest.mark.parametrize("seed", [2**64, 2**70, 10**400], ids=["2**64", "2**70", "10**400"])
def test_huge_seeds_draw_a_reproducible_organisation(seed):
    """A seed past 2**64 (and past the float range) is accepted whole, not refused after drawing."""
    org = synthetic_org(20, seed=seed)
    assert org.seed == seed
    again = synthetic_org(20, seed=seed)
    assert org.population == again.population
    assert np.array_equal(org.truth.readiness, again.truth.readiness)


def test_numpy_integer_seed_is_the_int_seed():
    """A numpy integer seed draws the organisation of the same int, and is stored as an int."""
    org = synthetic_org(20, seed=np.uint64(2**64 - 1))
    assert type(org.seed) is int
    assert org.population == synthetic_org(20, seed=2**64 - 1).population


@pytest.mark.parametrize("seed", [-1, True, np.True_, 1.0, None, np.random.default_rng(1)])
def test_bad_seeds_are_refused_before_drawing(seed):
    """A seed that is not a non-negative integer is a SchemaError naming `seed`."""
    with pytest.raises(SchemaError, match="seed"):
        synthetic_org(20, seed=seed)


@pytest.mark.parametrize("seed", [-1, True, 1.5, "3"])
def test_the_record_refuses_what_the_function_refuses(seed):
    """SyntheticOrg checks its seed as synthetic_org does."""
    org = synthetic_org(20, seed=1)
    with pytest.raises(SchemaError, match="seed"):
        SyntheticOrg(org.population, org.providers, org.program, org.truth, seed)
