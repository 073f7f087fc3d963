"""A released participant with no alternative keeps its place; nobody else takes it from them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.matching import assign, rematch


@pytest.mark.parametrize("matcher", ["exact", "greedy"])
def test_a_leaving_providers_participant_does_not_take_a_released_ones_place(matcher):
    """Participant 0 asks for a change but has no other provider: it keeps provider 0."""
    cost = np.array([[0.0, np.nan], [0.1, 0.0]])
    before = assign(cost, [1, 1], matcher=matcher)
    after = rematch(before, cost, leaving=[1], released=[0])
    assert after.assignment.provider.tolist() == [0, -1]
    assert after.kept == (0,)
    assert [m.participant for m in after.moves] == [1]


def test_a_participant_unassigned_before_does_not_take_a_released_ones_place():
    """Released along with people unassigned before, the only placed one keeps its place."""
    cost = np.zeros((4, 3))
    before = assign(cost, [0, 0, 1])
    assert before.provider.tolist() == [-1, -1, -1, 2]
    after = rematch(before, cost, released=[0, 1, 2, 3])
    assert after.assignment.provider.tolist() == [-1, -1, -1, 2]
    assert after.moves == ()
    assert after.kept == (3,)


@st.composite
def _problems(draw):
    n, m = draw(st.integers(1, 6)), draw(st.integers(1, 3))
    cells = st.sampled_from([0.0, 0.25, 0.5, 1.0, np.nan])
    cost = np.array([[draw(cells) for _ in range(m)] for _ in range(n)])
    capacity = np.array([draw(st.integers(0, 2)) for _ in range(m)])
    leaving = draw(st.sets(st.integers(0, m - 1), max_size=m))
    released = draw(st.sets(st.integers(0, n - 1), max_size=n))
    return cost, capacity, sorted(leaving), sorted(released)


@settings(max_examples=200, deadline=None)
@given(_problems())
def test_no_released_participant_is_dropped_while_another_takes_its_place(problem):
    """A released participant left unplaced never sees a newcomer at its old provider."""
    cost, capacity, leaving, released = problem
    before = assign(cost, capacity)
    after = rematch(before, cost, leaving=leaving, released=released)
    old, new = before.provider, after.assignment.provider
    for i in released:
        j = int(old[i])
        if j >= 0 and j not in leaving and new[i] < 0:
            newcomers = np.flatnonzero((new == j) & (old != j))
            assert newcomers.size == 0, (i, j, newcomers)
