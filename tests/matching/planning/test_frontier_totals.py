"""The frontier's totals, read off each budget's choice without building its plan.

The reference for every total is :func:`plan_from_choice`'s full :class:`SupportPlan` of the same
choice (the path the frontier took before); the reused points beyond a zero budget price are
checked against fresh ``plan_support`` solves at their budgets.
"""

from __future__ import annotations

import functools

import attrs
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.datasets import synthetic_org
from sparkus.matching import budget_frontier, plan_support
from sparkus.matching._planning.engine import PlanOptions, plan_setup, solve_choice
from sparkus.matching._planning.frontier import _LEVELS, _point
from sparkus.matching._planning.support_plan import plan_from_choice
from sparkus.model import SupportType
from sparkus.triage import triage

from .test_structured import GAP


@functools.cache
def _small():
    org = synthetic_org(400, seed=11)
    return org, triage(org.population, program=org.program)


@settings(max_examples=8, deadline=None)
@given(share=st.floats(0.5, 2.0), per_person=st.booleans(), weighted=st.booleans())
def test_each_point_has_the_totals_of_its_full_plan(share, per_person, weighted):
    """Cost, effect and interval, objective, supported and reach equal the full plan's exactly."""
    org, result = _small()
    n = len(org.population)
    rng = np.random.default_rng(int(share * 1e6))
    effects = None
    if per_person:
        effects = {s: np.full(n, 0.1 * (k + 1)) for k, s in enumerate(SupportType)}
    weights = rng.uniform(0.5, 1.5, n) if weighted else None
    options = PlanOptions(effects=effects, weights=weights)
    setup = plan_setup(org.population, result, org.program, org.providers,
                       budget=share * org.program.budget, options=options)  # fmt: skip
    setup = attrs.evolve(
        setup, instance=setup.instance.with_budget(setup.budget - setup.fixed_cost)
    )
    solution, _ = solve_choice(setup, start=None)
    plan = plan_from_choice(setup, solution.choice, solution)
    point = _point(setup, solution, [setup.level == lv.rank for lv in _LEVELS])
    assert point.total_cost == plan.total_cost
    assert point.expected_effect == plan.expected_effect
    np.testing.assert_array_equal(point.confidence_interval, plan.confidence_interval)
    assert point.objective == plan.objective
    assert point.supported == plan.supported
    assert point.gap == plan.gap
    assert point.shadow_price == plan.budget_shadow_price
    for k, lv in enumerate(_LEVELS):
        members = plan.level == lv.rank
        expected = np.mean(plan.support[members] != None) if members.any() else np.nan
        np.testing.assert_equal(point.reach[k], expected)


def test_budgets_beyond_a_zero_budget_price_reuse_its_plan_within_the_gaps():
    """Past the cost of the best plan without a budget, the frontier stops solving: each such
    point is the last solved plan, keeps its budget and is within the gaps of a fresh solve."""
    org = synthetic_org(20_000, seed=5)
    result = triage(org.population, program=org.program)
    budgets = np.array([2.0, 3.0, 4.0]) * org.program.budget
    frontier = budget_frontier(org.population, result, org.program, org.providers,
                               budgets=budgets)  # fmt: skip
    assert np.all(frontier.gap <= GAP)
    assert np.all(frontier.total_cost <= frontier.budgets * (1 + 1e-9))
    assert frontier.shadow_price[0] == 0.0  # so the later budgets reuse the first plan
    assert np.all(frontier.total_cost == frontier.total_cost[0])
    for k, b in enumerate(frontier.budgets):
        fresh = plan_support(org.population, result, org.program, org.providers, budget=b)
        assert "Lagrangian" in fresh.method
        bound = max(fresh.bound or 0.0, fresh.objective)
        assert abs(frontier.objective[k] - fresh.objective) <= GAP * bound
