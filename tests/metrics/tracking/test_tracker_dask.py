"""Shard states built with Dask (local scheduler) merge to the one-pass tracker."""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pytest

from sparkus.datasets import simulate_events
from sparkus.metrics import Tracker
from sparkus.model import (
    CostModel,
    Goal,
    Program,
    Season,
    SupportType,
    default_journey,
    schedule_journeys,
)

dask = pytest.importorskip("dask")
dask_bag = pytest.importorskip("dask.bag")

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.SPRING, [Goal.TEAM_COLLABORATION])
PROGRAM = Program("Teams", (Goal.TEAM_COLLABORATION,), Season.SPRING, 1e5, "EUR",
                  CostModel({SupportType.PEER_SUPPORT: 50.0}), TEMPLATE)  # fmt: skip
N = 200
IDS = [f"e{i:03d}" for i in range(N)]
DEPARTMENT = np.array(["Ops", "Sales", "Tech", "HR"])[np.arange(N) % 4]
SCHEDULE = schedule_journeys(TEMPLATE, IDS, ["peer_support"] * N, start=START)
EVENTS = simulate_events(SCHEDULE, rng=5)


def _shard_state(rows: np.ndarray) -> Tracker:
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENT})
    tracker.update(EVENTS.take(rows))
    return tracker


def test_dask_delayed_shards_merge_to_one_pass():
    """dask.delayed shard states, merged pairwise, equal the single pass exactly."""
    shards = np.array_split(np.random.default_rng(0).permutation(len(EVENTS)), 8)
    states = [dask.delayed(_shard_state)(rows) for rows in shards]
    while len(states) > 1:  # a merge tree
        states = [
            dask.delayed(Tracker.merge)(a, b)
            for a, b in zip(states[::2], states[1::2], strict=True)
        ]
    (merged,) = dask.compute(states[0], scheduler="threads")
    one_pass = _shard_state(np.arange(len(EVENTS)))
    assert merged == one_pass
    as_of = START + dt.timedelta(days=100)
    assert merged.snapshot(as_of=as_of).to_dict() == one_pass.snapshot(as_of=as_of).to_dict()


def test_dask_bag_fold():
    """A dask.bag of event chunks folded with update and merge gives the one-pass state."""
    chunks = np.array_split(np.arange(len(EVENTS)), 6)
    bag = dask_bag.from_sequence(chunks, npartitions=3)
    merged = bag.map(_shard_state).fold(Tracker.merge).compute(scheduler="sync")
    assert merged == functools.reduce(Tracker.merge, [_shard_state(c) for c in chunks])
    assert merged == _shard_state(np.arange(len(EVENTS)))
