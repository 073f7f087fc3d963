"""check_matcher and its strategies at the edges: subtle broken plugins, numpy and huge inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from scipy.sparse import csr_array

from sparkus import SchemaError
from sparkus.matching import get_matcher
from sparkus.testing import (
    AssignmentInstance,
    MatcherCheckError,
    assignment_instances,
    check_matcher,
)


def _greedy(cost, capacity, rng):
    return get_matcher("greedy").match(cost, capacity, rng=rng)


class ReusedBuffer:
    """Returns one array it owns, overwritten on each call, and forgets every other answer."""

    name = "reused-buffer"

    def __init__(self):
        self.calls = 0
        self.buffer = np.zeros(0, dtype=np.intp)

    def match(self, cost, capacity, *, rng):
        self.calls += 1
        answer = _greedy(cost, capacity, rng)
        if self.buffer.shape != answer.shape:
            self.buffer = np.empty_like(answer)
        self.buffer[:] = answer if self.calls % 2 else -1
        return self.buffer


class NarrowsCosts:
    """Replaces the caller's cost data with a float32 copy (the same values)."""

    name = "narrows-costs"

    def match(self, cost, capacity, *, rng):
        answer = _greedy(cost, capacity, rng)
        cost.data = cost.data.astype(np.float32)
        return answer


class MutatesLater:
    """Leaves its input alone on the first call, zeroes the capacities on the second."""

    name = "mutates-later"

    def __init__(self):
        self.calls = 0

    def match(self, cost, capacity, *, rng):
        self.calls += 1
        answer = _greedy(cost, capacity, rng)
        if self.calls % 2 == 0:
            capacity[:] = 0
        return answer


@pytest.mark.parametrize(
    ("matcher", "invariant", "detail"),
    [
        (ReusedBuffer(), "determinism", "two calls with generators of the same seed"),
        (NarrowsCosts(), "inputs unchanged", "cost.data from float64 to float32"),
        (MutatesLater(), "inputs unchanged", "the values of capacity) on the second call"),
    ],
)
def test_subtly_broken_matchers_are_caught(matcher, invariant, detail):
    """A matcher that breaks an invariant only in a way values after one call hide is caught."""
    with pytest.raises(MatcherCheckError) as info:
        check_matcher(matcher, n_examples=40)
    assert info.value.invariant == invariant
    assert detail in str(info.value)


@pytest.mark.parametrize(
    ("n_examples", "seed"),
    [(np.int64(5), 0), (5, np.int64(3)), (5, np.uint64(2**64 - 1)), (5, 10**400)],
    ids=["numpy n_examples", "numpy seed", "2**64 - 1", "10**400"],
)
def test_numpy_and_huge_integers_are_read_as_ints(n_examples, seed):
    """numpy integers and seeds of any size work, as documented for integers."""
    check_matcher("greedy", n_examples=n_examples, seed=seed)


@pytest.mark.parametrize("seed", [-1, True, 1.5, "3"])
def test_bad_seed_message_says_what_is_expected_once(seed):
    """A bad seed is a SchemaError naming `seed`, saying what it expects once."""
    with pytest.raises(SchemaError, match="seed") as info:
        check_matcher("greedy", seed=seed)
    assert "expected None or an integer >= 0, got" in str(info.value)
    assert ">= 0 >= 0" not in str(info.value)


def test_numpy_sizes_are_checked_against_each_other():
    """numpy integer sizes with the smallest above the largest are refused, naming them."""
    with pytest.raises(SchemaError, match="min_participants"):
        assignment_instances(min_participants=np.int64(5), max_participants=np.int64(2))


def _drawn(strategy, n=10):
    shapes = []

    @settings(max_examples=n, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def collect(instance):
        shapes.append(instance.cost.shape)

    collect()
    return shapes


@pytest.mark.parametrize(
    "sizes",
    [
        {"max_participants": 1_000, "max_providers": 1_000},
        {"min_participants": 100, "max_participants": 100, "min_providers": 100,
         "max_providers": 100},
        {"min_providers": 1_000, "max_providers": 1_000, "max_participants": 0},
        {"min_participants": np.int64(3), "max_participants": np.int64(3)},
    ],
)  # fmt: skip
def test_documented_sizes_can_be_generated(sizes):
    """Every size up to the documented limits generates instances of that size."""
    shapes = _drawn(assignment_instances(**sizes), n=5)
    assert shapes
    for n, m in shapes:
        assert sizes.get("min_participants", 0) <= n <= sizes.get("max_participants", 6)
        assert sizes.get("min_providers", 0) <= m <= sizes.get("max_providers", 4)


@given(assignment_instances(min_participants=20, max_participants=30, min_providers=20,
                            max_providers=30, max_capacity=5))  # fmt: skip
@settings(max_examples=10, deadline=None)
def test_large_instances_keep_the_invariants(instance):
    """Instances filled from a seed are canonical, finite, with capacities in range."""
    assert instance.cost.has_canonical_format
    assert np.isfinite(instance.cost.data).all()
    assert ((instance.cost.data >= 0) & (instance.cost.data <= 10)).all()
    assert instance.capacity.dtype == np.int64
    assert ((instance.capacity >= 0) & (instance.capacity <= 5)).all()


@pytest.mark.parametrize(
    ("cost", "capacity", "field"),
    [
        ([[1.0]], np.array([1]), "cost"),
        (csr_array(np.array([[1.0]])), 3, "capacity"),
        (csr_array(np.array([[1.0]])), np.array([1, 1]), "capacity"),
        (csr_array(np.array([[1.0]])), np.array([-1]), "capacity"),
        (csr_array(np.array([[1.0]])), np.array([1], dtype=np.int32), "capacity"),
        (csr_array(np.array([[np.inf]])), np.array([1]), "cost"),
    ],
)
def test_instance_built_directly_is_checked(cost, capacity, field):
    """An AssignmentInstance built from bad parts is a SchemaError naming the part."""
    with pytest.raises(SchemaError, match=field):
        AssignmentInstance(cost, capacity)


def test_capacity_series_follows_the_cost_frame_columns():
    """A capacity Series is put in the order of the cost DataFrame's columns by its labels."""
    cost = pd.DataFrame({"c1": [1.0, 2.0], "c2": [np.nan, 0.0]})
    instance = AssignmentInstance.from_dense(cost, pd.Series([5, 7], index=["c2", "c1"]))
    assert instance.capacity.tolist() == [7, 5]
    with pytest.raises(SchemaError, match="capacity"):
        AssignmentInstance.from_dense(cost, pd.Series([5, 7], index=["c1", "c3"]))


class NameRaises:
    """A plugin whose `name` property raises."""

    @property
    def name(self):
        raise RuntimeError("no name today")

    def match(self, cost, capacity, *, rng):
        return _greedy(cost, capacity, rng)


def test_a_name_that_raises_fails_the_protocol_check():
    """A `name` that raises is reported as a protocol breach, not a bare RuntimeError."""
    with pytest.raises(MatcherCheckError) as info:
        check_matcher(NameRaises())
    assert info.value.invariant == "protocol"
    assert info.value.matcher == "NameRaises"
    assert "RuntimeError: no name today" in str(info.value)
