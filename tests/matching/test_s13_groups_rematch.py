"""Re-matching keeps its promises, checked against every placement of tiny instances.

A re-match places the participants of leaving providers and those who asked for a change in the
places left, with the matcher of `previous` (``"exact"``: the most participants, then the least
cost). Among those placements, a participant who asked for a change and has no alternative keeps
its place rather than lose it to anyone, and otherwise does not get its provider back. The
reference enumerates every placement with :func:`itertools.product` and ranks them by that
order: (placed, released kept in a place, -released back with their provider, -cost).
"""

from __future__ import annotations

import itertools

import numpy as np

from sparkus.matching import assign, rematch

NAN = np.nan


def _rank(
    provider: list[int], cost: np.ndarray, active: list[int], back: list[int], before: np.ndarray
) -> tuple[int, int, int, float]:
    """The order a re-match optimises, larger is better."""
    placed = sum(provider[i] >= 0 for i in active)
    back_placed = sum(provider[i] >= 0 for i in back)
    back_home = sum(provider[i] == before[i] for i in back)
    total = sum(cost[i, j] for i, j in enumerate(provider) if j >= 0)
    return placed, back_placed, -back_home, -round(float(total), 9)


def _best(cost, before, active, back, room) -> tuple[int, int, int, float]:
    """The best rank over every placement of the active participants (the others stay)."""
    n, m = cost.shape
    choices = [
        [-1, *(j for j in range(m) if not np.isnan(cost[i, j]))] if i in active else [before[i]]
        for i in range(n)
    ]
    best = None
    for combo in itertools.product(*choices):
        load = np.bincount([j for j in combo if j >= 0], minlength=m)
        if (load <= room).all():
            rank = _rank(list(combo), cost, active, back, before)
            best = rank if best is None or rank > best else best
    assert best is not None
    return best


def test_a_released_participant_without_alternative_keeps_its_place_from_another_released():
    """Participant 1 can only stay with provider 1; participant 0 may not take it from them."""
    # providers a (0), b (1), L (2, leaving); participants 0 at a, 1 at b, 2 at L
    cost = np.array([[1.0, 0.0, NAN], [NAN, 1.0, NAN], [0.0, NAN, 0.0]])
    before = assign(cost, capacity=[1, 1, 1], fixed={0: 0, 1: 1, 2: 2})
    after = rematch(before, cost, leaving=[2], released=[0, 1])
    assert after.assignment.provider.tolist() == [0, 1, -1]
    assert after.kept == (0, 1)
    assert after.unplaced == {2: "capacity"}


def test_raised_capacities_are_used_and_a_load_cap_stays():
    """Without a load cap in `previous`, a provider fills the capacity it has now; a cap below
    capacity in `previous` stays a cap."""
    # provider 0 opens a place as provider 1 leaves: its participant moves there
    cost = np.array([[0.0, 1.0]])
    after = rematch(assign(cost, capacity=[0, 1]), cost, [1, 0], leaving=[1])
    assert after.assignment.provider.tolist() == [0]
    assert after.unplaced == {}
    # provider 1 opens a second place: the participant who asked for a change takes it
    cost = np.array([[0.0, 1.0], [0.0, 1.0]])
    after = rematch(assign(cost, capacity=[2, 1]), cost, [2, 2], released=[0])
    assert after.assignment.provider.tolist() == [1, 0]
    assert after.assignment.max_load.tolist() == [2, 2]
    # a cap of 1 stays 1
    cost = np.zeros((3, 1))
    after = rematch(assign(cost, capacity=3, max_load=1), cost, [5], released=[0])
    assert after.assignment.max_load.tolist() == [1]
    assert after.assignment.load.tolist() == [1]


def test_rematch_is_optimal_on_every_tiny_instance():
    """Over 300 seeded instances, the re-match ranks first among all placements, keeps the
    other pairs, lists exactly the changed pairs as moves, and a re-match of it changes nothing.
    """
    failures = []
    for seed in range(300):
        rng = np.random.default_rng(seed)
        n, m = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        cost = rng.integers(0, 5, (n, m)).astype(float)
        cost[rng.random((n, m)) < 0.25] = NAN
        capacity = rng.integers(0, 3, m)
        before = assign(cost, capacity=capacity)
        leaving = [j for j in range(m) if rng.random() < 0.3]
        released = [i for i in range(n) if rng.random() < 0.3]
        new_capacity = rng.integers(np.bincount(before.provider[before.provider >= 0],
                                                minlength=m), 3)  # fmt: skip
        after = rematch(before, cost, new_capacity, leaving=leaving, released=released)
        old, new = before.provider, after.assignment.provider
        active = [i for i in range(n) if i in released or (old[i] >= 0 and old[i] in leaving)]
        back = [i for i in released if old[i] >= 0 and old[i] not in leaving]
        room = new_capacity.copy()
        room[leaving] = 0
        got = _rank(new.tolist(), cost, active, back, old)
        changed = {i: (old[i], new[i]) for i in range(n) if old[i] != new[i]}
        moves = {
            mv.participant: (
                -1 if mv.from_provider is None else mv.from_provider,
                -1 if mv.to_provider is None else mv.to_provider,
            )
            for mv in after.moves
        }
        again = rematch(after.assignment, cost, new_capacity)
        if (
            got != _best(cost, old, active, back, room)
            or any(new[i] != old[i] for i in range(n) if i not in active)
            or changed != moves
            or again.moves
            or (again.assignment.provider != new).any()
        ):
            failures.append(seed)
    assert failures == []
