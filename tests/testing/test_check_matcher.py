"""Tests of sparkus.testing: check_matcher passes good matchers and catches broken ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from sparkus.matching import get_matcher
from sparkus.testing import (
    AssignmentInstance,
    MatcherCheckError,
    assignment_instances,
    check_matcher,
)


def _cheapest(cost):
    """Each participant's cheapest allowed provider, capacities ignored."""
    out = np.full(cost.shape[0], -1, dtype=np.intp)
    for i in range(cost.shape[0]):
        lo, hi = cost.indptr[i], cost.indptr[i + 1]
        if hi > lo:
            out[i] = cost.indices[lo + int(np.argmin(cost.data[lo:hi]))]
    return out


class OverCapacity:
    name = "over-capacity"

    def match(self, cost, capacity, *, rng):
        return _cheapest(cost)


class ForbiddenPair:
    name = "forbidden-pair"

    def match(self, cost, capacity, *, rng):
        greedy = get_matcher("greedy").match(cost, capacity, rng=rng)
        missing = np.flatnonzero(np.diff(cost.indptr) == 0)
        if missing.size and cost.shape[1] and capacity.sum() > np.sum(greedy >= 0):
            greedy[missing[0]] = int(np.argmax(capacity))  # a pair that is not allowed
        return greedy


class Nondeterministic:
    name = "nondeterministic"

    def __init__(self):
        self.calls = 0

    def match(self, cost, capacity, *, rng):
        self.calls += 1
        out = get_matcher("greedy").match(cost, capacity, rng=rng)
        if self.calls % 2 == 0:  # every other call forgets its answer
            out[:] = -1
        return out


class UsesGlobalRandom:
    name = "global-random"

    def match(self, cost, capacity, *, rng):
        out = get_matcher("greedy").match(cost, capacity, rng=rng)
        return out if np.random.default_rng().random() < 0.5 else np.full_like(out, -1)


class Mutating:
    name = "mutating"

    def match(self, cost, capacity, *, rng):
        out = get_matcher("greedy").match(cost, capacity, rng=rng)
        capacity[:] = 0
        return out


class WrongDtype:
    name = "wrong-dtype"

    def match(self, cost, capacity, *, rng):
        return get_matcher("greedy").match(cost, capacity, rng=rng).astype(float)


class Crashes:
    name = "crashes"

    def match(self, cost, capacity, *, rng):
        if cost.shape[1] == 0:
            raise IndexError("no columns")
        return np.full(cost.shape[0], -1, dtype=np.intp)


class NoRng:
    name = "no-rng"

    def match(self, cost, capacity):
        return np.full(cost.shape[0], -1, dtype=np.intp)


class UsesRng:
    """A randomised matcher that uses only its rng: deterministic under a seed."""

    name = "random-order"

    def match(self, cost, capacity, *, rng):
        n = cost.shape[0]
        out = np.full(n, -1, dtype=np.intp)
        room = capacity.copy()
        for i in rng.permutation(n):
            cols = cost.indices[cost.indptr[i] : cost.indptr[i + 1]]
            free = cols[room[cols] > 0]
            if free.size:
                out[i] = free[0]
                room[free[0]] -= 1
        return out


@pytest.mark.parametrize("name", ["exact", "greedy"])
def test_builtin_matchers_pass(name):
    """The built-in matchers keep every invariant."""
    check_matcher(name, n_examples=30)


def test_randomised_matcher_using_rng_passes():
    """A matcher whose randomness comes only from rng is deterministic under a seed."""
    check_matcher(UsesRng(), n_examples=30)


@pytest.mark.parametrize(
    ("matcher", "invariant"),
    [
        (OverCapacity(), "capacity"),
        (ForbiddenPair(), "allowed pairs"),
        (Nondeterministic(), "determinism"),
        (UsesGlobalRandom(), "determinism"),
        (Mutating(), "inputs unchanged"),
        (WrongDtype(), "output type"),
        (Crashes(), "runs"),
        (NoRng(), "protocol"),
    ],
)
def test_broken_matchers_caught(matcher, invariant):
    """A broken matcher fails with its name, the invariant, and an instance that shows it."""
    with pytest.raises(MatcherCheckError) as info:
        check_matcher(matcher, n_examples=40)
    error = info.value
    assert isinstance(error, AssertionError)
    assert error.matcher == matcher.name
    assert error.invariant == invariant
    message = str(error)
    assert f"matcher {matcher.name!r} breaks the invariant {invariant!r}" in message
    if invariant != "protocol":
        assert "instance: AssignmentInstance.from_dense(" in message
        assert isinstance(error.instance, AssignmentInstance)


def test_reproducing_instance_is_small_and_runnable():
    """The reported instance rebuilds from its repr and still shows the breach."""
    with pytest.raises(MatcherCheckError) as info:
        check_matcher(ForbiddenPair(), n_examples=40)
    instance = info.value.instance
    assert instance is not None
    rebuilt = eval(repr(instance), {"AssignmentInstance": AssignmentInstance, "np": np})
    assert np.array_equal(rebuilt.dense(), instance.dense(), equal_nan=True)
    assert rebuilt.cost.shape[0] <= 4
    answer = ForbiddenPair().match(rebuilt.cost, rebuilt.capacity, rng=np.random.default_rng(0))
    placed = np.flatnonzero(answer >= 0)
    assert np.isnan(rebuilt.dense()[placed, answer[placed]]).any()


def test_n_examples_validated():
    """n_examples must be a positive integer."""
    with pytest.raises(ValueError, match="n_examples"):
        check_matcher("exact", n_examples=0)


@given(assignment_instances())
def test_instances_are_canonical(instance):
    """Generated instances are canonical CSR with finite costs and non-negative capacities."""
    cost = instance.cost
    assert cost.has_canonical_format
    assert np.isfinite(cost.data).all()
    assert cost.shape[1] == instance.capacity.shape[0]
    assert instance.capacity.dtype == np.int64
    assert (instance.capacity >= 0).all()
    assert cost.shape[0] <= 6
    assert cost.shape[1] <= 4


def test_instance_round_trip():
    """from_dense and dense invert each other, stored zeros included."""
    dense = np.array([[0.0, np.nan], [2.5, 0.0]])
    instance = AssignmentInstance.from_dense(dense, [1, 2])
    assert instance.cost.nnz == 3
    assert np.array_equal(instance.dense(), dense, equal_nan=True)
