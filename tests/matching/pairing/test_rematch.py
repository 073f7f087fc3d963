"""Tests of `rematch`: only what must move moves, released participants change provider."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import InfeasibleError, SchemaError
from sparkus.matching import Move, Rematch, assign, rematch

from .test_assign import fake_candidates


def test_provider_leaves():
    """The participants of a leaving provider are placed again; everyone else stays."""
    cost = np.array([[1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]])
    before = assign(cost, capacity=2)
    assert before.provider.tolist() == [0, 0, 1, 2]
    after = rematch(before, cost, leaving=[0])
    assert isinstance(after, Rematch)
    assert after.assignment.provider.tolist() == [1, 2, 1, 2]
    assert after.moves == (
        Move(0, 0, 1, "provider left"),
        Move(1, 0, 2, "provider left"),
    )
    assert after.n_kept_pairs == 2
    assert after.assignment.load[0] == 0
    assert after.assignment.capacity[0] == 0


def test_released_gets_another_provider():
    """A released participant does not get its provider back while another has room."""
    cost = np.array([[1.0, 5.0, 9.0], [2.0, 1.0, 9.0]])
    before = assign(cost, capacity=2)
    assert before.provider.tolist() == [0, 1]
    after = rematch(before, cost, released=[0])
    assert after.assignment.provider.tolist() == [1, 1]
    assert after.moves == (Move(0, 0, 1, "released"),)
    assert after.kept == ()


def test_released_keeps_provider_without_alternative():
    """With no other allowed provider with room, a released participant keeps its provider."""
    cost = np.array([[1.0, 5.0], [2.0, 1.0]])
    before = assign(cost, capacity=1)
    after = rematch(before, cost, released=[0])
    assert after.assignment.provider.tolist() == [0, 1]
    assert after.moves == ()
    assert after.kept == (0,)
    assert after.unplaced == {}


def test_could_not_be_placed_again():
    """A participant whose only provider left is reported unplaced with its reason."""
    cost = np.array([[1.0, np.nan], [1.0, 1.0], [np.nan, 1.0]])
    before = assign(cost, capacity=[2, 1])
    assert before.provider.tolist() == [0, 0, 1]
    after = rematch(before, cost, leaving=[0])
    assert after.unplaced == {0: "no candidate", 1: "capacity"}
    assert Move(0, 0, None, "provider left") in after.moves
    assert after.assignment.provider.tolist() == [-1, -1, 1]


def test_previously_unassigned_stay():
    """Participants unassigned before stay unassigned with their reason; kept pairs are fixed."""
    cost = np.array([[1.0, 9.0], [2.0, 9.0], [1.0, 2.0]])
    before = assign(cost, capacity=[1, 1])
    assert before.unassigned == {1: "capacity"}
    after = rematch(before, cost, released=[0])
    assert after.assignment.provider.tolist() == [0, -1, 1]
    assert after.assignment.unassigned == {1: "capacity"}
    assert after.kept == (0,)


def test_rematch_by_id_and_summary():
    """With a candidate matrix, leaving and released are ids, and moves name ids."""
    candidates = fake_candidates()
    before = assign(candidates)
    after = rematch(before, candidates, leaving=["c3"], released=["di"])
    assert all(isinstance(m.participant, str) for m in after.moves)
    assert "bo" in {m.participant for m in after.moves}
    assert after.assignment.pairs().get("di") != before.pairs()["di"] or "di" in after.kept
    text = after.summary()
    assert "Moves" in text
    assert "provider left" in text
    json.dumps(after.assignment.to_dict())


def test_rematch_keeps_options():
    """The load cap and penalty of the previous assignment apply to the re-match."""
    cost = np.array([[0.0, 0.5]] * 4 + [[0.0, np.nan]])
    before = assign(cost, capacity=4, max_load=3)
    after = rematch(before, cost, released=[4])
    assert after.assignment.max_load.tolist() == [3, 3]
    assert np.all(after.assignment.load <= 3)


def test_validation():
    """A re-match on other candidates, unknown ids, or an over-full kept pair is an error."""
    cost = np.ones((3, 2))
    before = assign(cost, capacity=2)
    with pytest.raises(SchemaError, match="same participants and providers"):
        rematch(before, np.ones((4, 2)))
    with pytest.raises(SchemaError, match=r"leaving\[0\]: provider index 7 is outside"):
        rematch(before, cost, leaving=[7])
    with pytest.raises(SchemaError, match="'nobody' is not one of the participant ids"):
        rematch(assign(fake_candidates()), fake_candidates(), released=["nobody"])
    with pytest.raises(SchemaError, match="expected the Assignment"):
        rematch("previous", cost)  # type: ignore[arg-type]
    with pytest.raises(InfeasibleError):
        rematch(before, cost, capacity=[1, 0])
    with pytest.raises(SchemaError, match="no longer allowed"):
        rematch(before, cost, forbidden=np.ones((3, 2), dtype=bool))


def test_a_capacity_lowered_below_the_kept_load_names_capacity_and_the_providers():
    """The error names `capacity` (what the caller passed), each provider and by how much,
    never `fixed` or `max_load`, which the caller did not pass."""
    cost = np.array([[1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]])
    before = assign(cost, capacity=2)
    assert before.provider.tolist() == [0, 0, 1, 2]
    with pytest.raises(InfeasibleError) as info:
        rematch(before, cost, capacity=[1, 0, 2])
    text = str(info.value)
    assert "`capacity`" in text
    assert "`fixed`" not in text
    assert "max_load" not in text
    assert "provider 0: capacity 1 for 2 kept participants (1 too many)" in text
    assert "provider 1: capacity 0 for 1 kept participant (1 too many)" in text
    assert "released" in text  # what to do about it
    by_id = assign(fake_candidates())
    ids = by_id.participant_ids
    crowded = int(np.argmax(by_id.load))
    lowered = by_id.capacity.copy()
    lowered[crowded] = by_id.load[crowded] - 1
    with pytest.raises(InfeasibleError, match=rf"provider {by_id.provider_ids[crowded]!r}"):
        rematch(by_id, fake_candidates(), capacity=lowered)
    assert ids is not None


def test_a_kept_pair_no_longer_allowed_names_forbidden_not_fixed():
    """A kept pair that `forbidden` now rules out is named with the input the caller passed."""
    cost = np.ones((3, 2))
    before = assign(cost, capacity=2)
    with pytest.raises(SchemaError) as info:
        rematch(before, cost, forbidden=[(0, int(before.provider[0]))])
    text = str(info.value)
    assert "fixed" not in text
    assert "forbidden" in text
    assert "released" in text


@st.composite
def rematch_problems(draw):
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 4))
    cost = np.array(
        draw(st.lists(st.integers(0, 9), min_size=n * m, max_size=n * m)), dtype=float
    ).reshape(n, m)
    missing = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)))
    cost[missing.reshape(n, m) & (cost > 5)] = np.nan
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    leaving = draw(st.sets(st.integers(0, m - 1), max_size=m))
    released = draw(st.sets(st.integers(0, n - 1), max_size=n))
    matcher = draw(st.sampled_from(["exact", "greedy"]))
    return cost, capacity, sorted(leaving), sorted(released), matcher


@given(rematch_problems())
def test_moves_only_what_it_must(problem):
    """Every pair without a leaving provider or a released participant is unchanged."""
    cost, capacity, leaving, released, matcher = problem
    before = assign(cost, capacity, matcher=matcher)
    after = rematch(before, cost, leaving=leaving, released=released)
    old, new = before.provider, after.assignment.provider
    must = np.isin(old, leaving) | np.isin(np.arange(len(old)), released)
    keep = ~must
    assert np.array_equal(new[keep], old[keep])
    assert not np.isin(new, leaving).any()
    placed = new >= 0
    assert np.all(np.isfinite(cost[placed.nonzero()[0], new[placed]]))
    load = np.bincount(new[placed], minlength=cost.shape[1])
    assert np.all(load <= capacity)
    moved = {m.participant for m in after.moves}
    assert moved == set(np.flatnonzero(new != old).tolist())
    assert after.n_kept_pairs == int(np.sum((old >= 0) & keep))
    if matcher == "exact":  # a released participant gets its provider back only without choice
        for i in released:
            j = int(old[i])
            if j >= 0 and new[i] == j:
                others = [
                    k for k in np.flatnonzero(np.isfinite(cost[i])) if k != j and k not in leaving
                ]
                assert all(after.assignment.load[k] >= capacity[k] for k in others)
                assert i in after.kept
