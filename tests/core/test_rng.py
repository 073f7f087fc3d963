"""The one ``rng=`` rule: every public door takes None, a seed >= 0 or a Generator, nothing else."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError, SparkusWarning
from sparkus._checks import check_rng
from sparkus.datasets import simulate_events, synthetic_org
from sparkus.matching import assign, form_peer_circles, rematch
from sparkus.metrics import Benefit, Cost, bootstrap, roi
from sparkus.model import Goal, Season, default_journey, schedule_journeys
from sparkus.triage import LogisticReadinessModel, cross_validate

_COST = np.array([[1.0, 2.0], [2.0, 1.0], [1.5, 1.5]])
_ORG = synthetic_org(n=40, seed=1)
_SCHEDULE = schedule_journeys(
    default_journey(Season.SUMMER, [Goal.TEAM_COLLABORATION]),
    [f"p{i}" for i in range(4)],
    ["peer_support"] * 4,
    start=dt.datetime(2027, 6, 7, tzinfo=dt.UTC),
)
_X = np.random.default_rng(0).normal(size=(30, 2))
_Y = np.arange(30) % 2
_BENEFIT = Benefit(name="b", improvement=1.0, value=1.0, isolation=1.0, confidence=1.0)

DOORS: dict[str, Callable[[Any], object]] = {
    "assign": lambda rng: assign(_COST, capacity=2, rng=rng),
    "rematch": lambda rng: rematch(assign(_COST, capacity=2), _COST, released=[0], rng=rng),
    "form_peer_circles": lambda rng: form_peer_circles(_ORG.population, size=(4, 6), rng=rng),
    "bootstrap": lambda rng: bootstrap(([1.0, 2.0, 3.0, 4.0],), np.mean, n_resamples=50, rng=rng),
    "roi": lambda rng: roi(_BENEFIT, [Cost("fees", 1.0)], n_draws=500, rng=rng),
    "cross_validate": lambda rng: cross_validate(LogisticReadinessModel(), _X, _Y, k=3, rng=rng),
    "simulate_events": lambda rng: simulate_events(_SCHEDULE, rng=rng),
}

BAD = [-1, np.int64(-5), 2.5, True, np.bool_(False), "7", [1, 2], object()]


def _label(value):
    """A test id that is the same in every process (an object's repr holds its address)."""
    return type(value).__name__ if type(value) is object else repr(value)


@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize("bad", BAD, ids=_label)
def test_bad_rng_is_a_schema_error(door, bad):
    """A negative seed, a float, a bool or any other type is a SchemaError naming `rng`."""
    with pytest.raises(SchemaError) as info:
        DOORS[door](bad)
    assert any(p.path == ("rng",) for p in info.value.problems)


@pytest.mark.parametrize("door", sorted(DOORS))
def test_good_rng_is_accepted(door):
    """None, a seed, a numpy integer seed and a Generator are all accepted."""
    for rng in (None, 0, np.int64(3), np.random.default_rng(1)):
        with warnings.catch_warnings():  # fresh entropy may draw folds that earn a warning
            warnings.simplefilter("ignore", SparkusWarning)
            DOORS[door](rng)


def test_check_rng_rules():
    """A generator passes through; a seed or None (with its default) starts a new one."""
    generator = np.random.default_rng(3)
    assert check_rng(generator) is generator
    assert check_rng(5).random() == np.random.default_rng(5).random()
    assert check_rng(None, default=7).random() == np.random.default_rng(7).random()
    problems: list = []
    check_rng(-1, problems=problems)
    assert [p.path for p in problems] == [("rng",)]
    assert "non-negative" in problems[0].message


@given(st.integers(min_value=0, max_value=2**64))
def test_seed_reproduces(seed):
    """The same seed gives the same stream, whatever its size."""
    assert check_rng(seed).random(3).tolist() == check_rng(seed).random(3).tolist()


@given(st.integers(max_value=-1))
def test_negative_seed_refused(seed):
    """Every negative seed is refused, not passed to numpy's bare ValueError."""
    with pytest.raises(SchemaError, match="non-negative"):
        check_rng(seed)
