"""Planning doors: a key given twice in two spellings, a weight's row by its person, -0.0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.matching import budget_frontier, plan_support
from sparkus.model import Level, SupportType

from .test_plan import make_world

MANAGER = Level.MANAGER


@pytest.mark.parametrize("door", [plan_support, budget_frontier])
@pytest.mark.parametrize(
    ("option", "value", "path", "first", "again"),
    [
        ("min_reach", {"Manager": 0.5, MANAGER: 0.25}, ("min_reach", "manager"), "'Manager'",
         "<Level.MANAGER: 'manager'>"),
        ("min_reach", {"manager": 1.0, "MANAGER": 0.0}, ("min_reach", "MANAGER"), "'manager'",
         "'MANAGER'"),
        ("effects", {"coaching": [0.1] * 4, "mentoring": [0.1] * 4,
                     "self_guided_reflection": [0.1] * 4, "Coaching": [0.2] * 4},
         ("effects", "Coaching"), "'coaching'", "'Coaching'"),
    ],
    ids=["reach Level and its name", "reach two spellings", "effects two spellings"],
)  # fmt: skip
def test_a_key_given_twice_in_two_spellings_is_refused_naming_both(
    door, option, value, path, first, again
):
    """Two keys that read as one level (or type) are refused, naming both, not both applied."""
    world = make_world([0, 2, 2, 3], [2, 3, 2, 3], [4, 0, 6, 4])
    with pytest.raises(SchemaError) as info:
        door(world.population, world.triage, world.program, world.providers,
             priors=world.priors, **{option: value})  # fmt: skip
    (problem,) = info.value.problems
    assert problem.path == path
    assert f"as {first} and as {again}" in problem.message


@pytest.mark.parametrize("door", [plan_support, budget_frontier])
def test_a_bad_weight_in_a_series_names_the_person(door):
    """A Series is read by its ids, so a bad weight names whose it is beside the row."""
    world = make_world([0, 1, 2, 3], [2, 3, 2, 3], [4, 0, 6, 4])
    ids = world.population.ids
    weights = pd.Series([np.nan, 1.0, 1.0, 1.0], index=ids[::-1])  # NaN for the last person
    with pytest.raises(SchemaError) as info:
        door(world.population, world.triage, world.program, world.providers,
             priors=world.priors, weights=weights)  # fmt: skip
    (problem,) = info.value.problems
    assert problem.path == ("weights", 3)
    assert problem.message.endswith("for 'p3'")


def test_a_frontier_budget_of_negative_zero_reads_as_zero():
    """`budgets=[-0.0, ...]` solves a budget of 0, shown as 0, as plan_support reads it."""
    world = make_world([0, 1, 2, 3], [2, 3, 2, 3], [4, 0, 6, 4])
    frontier = budget_frontier(world.population, world.triage, world.program, world.providers,
                               priors=world.priors, budgets=[-0.0, 1_000.0],
                               supports=[SupportType.COACHING])  # fmt: skip
    assert np.signbit(frontier.budgets).tolist() == [False, False]
    assert "-0 " not in frontier.summary()
