"""The frontier's warm path: each budget started from the last one's end, as good as fresh.

The reference optimum at every budget comes from ``scipy.optimize.milp`` on the per-person
formulation (``per_person`` in ``test_structured.py``, built independently of sparkus's class
formulation); the fresh plans are sparkus's own cold solves at the same budget.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.datasets import synthetic_org
from sparkus.matching import budget_frontier, plan_support
from sparkus.matching._planning.lagrange import solve_plan, solve_structured
from sparkus.triage import triage

from .test_structured import GAP, assert_keeps_constraints, per_person, random_instance

warm_chains = st.builds(
    random_instance,
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    options=st.integers(1, 4),
    pools=st.integers(0, 3),
    groups=st.integers(0, 2),
    budget_share=st.just(0.2),
    reach=st.sampled_from([0.0, 0.3, 0.6]),
)


@settings(max_examples=10, deadline=None)
@given(warm_chains, st.lists(st.floats(0.02, 1.5), min_size=2, max_size=4, unique=True))
def test_each_warm_budget_equals_a_fresh_solve_within_the_gaps(instance, shares):
    """Along sorted budgets, each plan started from the last keeps every constraint, is within
    the gap of milp's optimum, reports a bound no lower than it, and matches the fresh plan at
    that budget within the two plans' gaps."""
    start = None
    for share in sorted(shares):
        at = instance.with_budget(share * instance.n * 5.0)
        best = per_person(at, integral=True)
        if best is None:
            start = None
            continue
        warm = solve_plan(at, mip_rel_gap=GAP, time_limit=30.0, structured=True, start=start)
        fresh = solve_plan(at, mip_rel_gap=GAP, time_limit=30.0, structured=True)
        assert_keeps_constraints(at, warm.choice)
        tol = 1e-7 * max(1.0, abs(best))
        assert warm.bound >= best - tol
        assert warm.objective >= (1 - GAP) * best - 1e-9
        assert warm.gap <= GAP
        assert abs(warm.objective - fresh.objective) <= GAP * max(warm.bound, fresh.bound) + tol
        start = warm.warm


def test_the_warm_path_shares_the_lagrangian_only_with_the_same_people():
    """The next budget reuses the people's arrays; other people (another value array) do not."""
    instance = random_instance(5, 3_000, 6, 5, 2, 0.3, 0.5)
    first = solve_structured(instance, mip_rel_gap=GAP, time_limit=60.0)
    assert first is not None
    assert first.warm is not None
    shared = first.warm.lagrangian_for(instance.with_budget(instance.budget * 1.2))
    assert shared is not None
    assert shared.value is first.warm.lagrangian.value
    assert shared.budget == pytest.approx(first.warm.lagrangian.budget * 1.2)
    other = random_instance(6, 3_000, 6, 5, 2, 0.3, 0.5)
    assert first.warm.lagrangian_for(other) is None
    assert first.warm.lagrangian_for(instance.with_budget(float("inf"))) is None


@pytest.fixture(scope="module")
def large():
    """20,000 people (the structured path's size), each with their own equity weight."""
    org = synthetic_org(20_000, seed=4)
    result = triage(org.population, program=org.program)
    weights = np.random.default_rng(4).uniform(0.5, 1.5, len(org.population))
    return org, result, weights


def test_each_frontier_point_equals_a_fresh_plan_support(large):
    """On the structured path, every frontier point is within the gaps of plan_support at its
    budget, and keeps the budget."""
    org, result, weights = large
    budgets = np.array([0.4, 0.7, 1.0, 1.3]) * org.program.budget
    frontier = budget_frontier(org.population, result, org.program, org.providers,
                               budgets=budgets, weights=weights)  # fmt: skip
    assert np.all(frontier.gap <= GAP)
    assert np.all(frontier.total_cost <= frontier.budgets * (1 + 1e-9))
    for k, b in enumerate(frontier.budgets):
        fresh = plan_support(org.population, result, org.program, org.providers, budget=b,
                             weights=weights)  # fmt: skip
        assert "Lagrangian" in fresh.method
        bound = max(fresh.bound or 0.0, fresh.objective)
        assert abs(frontier.objective[k] - fresh.objective) <= GAP * bound
