"""Planning over the whole range records allow: fees and budgets from subnormals to 1e15.

Records refuse amounts above ``MAX_AMOUNT`` (1e15; a fee of 1e308 is a SchemaError at the
record, see tests/doors), so the planner is tested from the smallest subnormal to that bound.

A plan's money and effects must stay finite and keep the budget, or the planner refuses with a
SparkusError (a SchemaError naming the cost model when fees times sessions, or everyone's dearest
support together, leave the floats); never a bare exception, NaN or inf.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import Problem, SparkusError, SparkusWarning
from sparkus.matching import budget_frontier, plan_support
from sparkus.model._records import MAX_AMOUNT

from .test_plan import make_world

money = st.one_of(
    st.floats(0.0, MAX_AMOUNT),
    st.sampled_from([0.0, 5e-324, 1e-300, 1.0, 2_000.0, 1e12, MAX_AMOUNT]),
)


@st.composite
def worlds(draw: st.DrawFn):
    """Up to five people, fees and a budget anywhere from 0 to 1e15."""
    n = draw(st.integers(1, 5))
    levels = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    readiness = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    dose = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    fees = tuple(draw(money) for _ in range(3))
    budget = draw(money)
    capacity = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    return make_world(levels, readiness, dose, fees=fees, budget=budget, capacity=capacity)


def _run(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)  # a time limit reached
        try:
            return call()
        except SparkusError:
            return None


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_plans_with_extreme_fees_and_budgets_are_finite_and_keep_the_budget(world):
    """Finite costs and effects within the budget, or a typed refusal."""
    plan = _run(lambda: plan_support(world.population, world.triage, world.program,
                                     world.providers, priors=world.priors, time_limit=5.0))  # fmt: skip
    if plan is None:
        return
    for value in (plan.total_cost, plan.expected_effect, plan.objective, plan.bound):
        assert math.isfinite(value)
    assert np.isfinite(plan.cost).all()
    assert np.isfinite(plan.effect).all()
    # the solver works in units of the dearest option: money below 1e-9 of it counts as free
    dearest = max(world.program.cost_model.session_cost.values()) * 10.0
    dearest = max(dearest, *world.program.cost_model.per_participant_cost.values())
    budget = world.program.budget
    assert plan.total_cost <= budget * (1 + 1e-9) + 1e-9 * dearest * len(plan.cost)


@settings(max_examples=25, deadline=None)
@given(worlds())
def test_frontiers_with_extreme_fees_are_finite(world):
    """Every budget of the frontier, its cost and its effect are finite, or a typed refusal."""
    frontier = _run(lambda: budget_frontier(world.population, world.triage, world.program,
                                            world.providers, priors=world.priors, points=3,
                                            time_limit=5.0))  # fmt: skip
    if frontier is None:
        return
    for array in (frontier.budgets, frontier.total_cost, frontier.expected_effect):
        assert np.isfinite(array).all()


_weight_values = st.sampled_from(
    [0.0, -0.0, 1.0, 0.5, 1e12, 1e12 + 1e6, -1.0, math.nan, math.inf, -math.inf, 3, 1e300]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_weight_values, min_size=1, max_size=12),
    st.sampled_from(["float64", "float32", "float16", "int64", "uint8", "int8"]),
)
def test_equity_weights_fast_path_reads_and_refuses_as_the_row_by_row_one(raw, dtype):
    """Weights in a real dtype go through numpy in one go; the same weights as Python objects
    go row by row through check_number. Both give the same weights, or the same problems."""
    from sparkus.matching._planning.rows import equity_weights

    with np.errstate(all="ignore"):
        typed = np.array(raw, dtype=np.float64).astype(dtype)
    objects = np.array(typed.tolist(), dtype=object)
    fast_problems: list[Problem] = []
    slow_problems: list[Problem] = []
    people = make_world([0] * typed.shape[0], [0] * typed.shape[0], [1] * typed.shape[0])
    fast = equity_weights(typed, people.population, fast_problems)
    slow = equity_weights(objects, people.population, slow_problems)
    assert [(p.path, p.message) for p in fast_problems] == [
        (p.path, p.message) for p in slow_problems
    ]
    np.testing.assert_array_equal(fast, slow)
    assert fast.dtype == np.float64
