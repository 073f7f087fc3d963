"""The frontier's warm path: each budget started from the last one's end, as good as fresh.

The reference optimum at every budget comes from ``scipy.optimize.milp`` on the per-person
formulation (``per_person`` in ``test_structured.py``, built independently of sparkus's class
formulation); the fresh plans are sparkus's own cold solves at the same budget.
"""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.datasets import synthetic_org
from sparkus.matching import budget_frontier, plan_support
from sparkus.matching._planning.lagrange import solve_plan, solve_structured
from sparkus.triage import triage

from .test_structured import (
    GAP,
    assert_keeps_constraints,
    instances_of,
    per_person,
    random_instance,
)

warm_chains = instances_of(st.just(0.2), st.sampled_from([0.0, 0.3, 0.6]))


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
    assert shared.blocks is first.warm.lagrangian.blocks
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


def _lagrangian_by_hand(instance, lagrangian, x):
    """L(x) in the Lagrangian's scaled units, person by person in plain Python (no arrays)."""
    lam, mu, nu = lagrangian.split(x)
    total = 0.0
    for i in range(instance.n):
        best = 0.0  # nothing
        for o in range(instance.eligible.shape[1]):
            if not instance.eligible[i, o]:
                continue
            pool = int(instance.option_pool[o])
            reduced = instance.value[i, o] / lagrangian.worth
            reduced -= lam * instance.cost[i, o] / lagrangian.money
            reduced -= float(mu[pool]) if pool >= 0 else 0.0
            reduced += sum(float(nu[g]) for g in range(len(nu)) if instance.reach[g, i])
            best = max(best, reduced)
        total += best
    budget = instance.budget / lagrangian.money if lagrangian.has_budget else 0.0
    return total + lam * budget + float(mu @ instance.capacity) - float(nu @ instance.reach_min)


@settings(max_examples=30, deadline=None)
@given(warm_chains, st.lists(st.floats(0.0, 3.0), min_size=8, max_size=8))
def test_one_pass_over_all_options_is_the_lagrangian(instance, point):
    """The vectorised pass (all options at once) gives L as summed person by person, and a
    subgradient that is the slack of each coupling row at its choices."""
    from sparkus.matching._planning.lagrange import Lagrangian

    lagrangian = Lagrangian(instance.eligible, instance.cost, instance.value,
                            instance.option_pool, instance.capacity, instance.budget,
                            instance.reach, instance.reach_min)  # fmt: skip
    x = np.asarray(point[: lagrangian.size])
    found = lagrangian.evaluate(x)
    by_hand = _lagrangian_by_hand(instance, lagrangian, x)
    assert found.value == pytest.approx(by_hand, rel=1e-6, abs=1e-6)
    taken = found.choice >= 0
    people = np.flatnonzero(taken)
    b = int(lagrangian.has_budget)
    if lagrangian.has_budget:
        spent = float(instance.cost[people, found.choice[people]].sum()) / lagrangian.money
        assert found.gradient[0] == pytest.approx(lagrangian.budget - spent, abs=1e-9)
    pools = instance.option_pool[found.choice[people]]
    for p in range(lagrangian.pools):
        assert found.gradient[b + p] == instance.capacity[p] - np.sum(pools == p)
    choice, lead = lagrangian.margins(x)
    assert np.array_equal(choice, found.choice)
    assert np.all(lead >= 0)


def test_a_warm_start_moves_the_last_value_by_the_budget_term_without_a_pass():
    """L at the last budget's end, moved to the next budget by lam * change, equals a pass
    over the people at the new budget; the extrapolated start costs one pass."""
    instance = random_instance(8, 3_000, 6, 5, 2, 0.2, 0.3)
    first = solve_structured(instance, mip_rel_gap=GAP, time_limit=60.0)
    assert first is not None
    second = solve_structured(instance.with_budget(instance.budget * 1.1), mip_rel_gap=GAP,
                              time_limit=60.0, start=first.warm)  # fmt: skip
    assert second is not None
    at = instance.with_budget(instance.budget * 1.2)
    warm = second.warm
    lagrangian = warm.lagrangian_for(at)
    assert lagrangian is not None
    moved = attrs.evolve(warm, before=None).resume(lagrangian)
    fresh = lagrangian.evaluate(warm.x)
    assert moved.evaluations == 0
    assert moved.best.value == pytest.approx(fresh.value, rel=1e-12)
    np.testing.assert_allclose(moved.best.gradient, fresh.gradient, rtol=1e-12, atol=1e-9)
    extrapolated = warm.resume(lagrangian)
    assert extrapolated.evaluations == 1
    assert extrapolated.best.value <= moved.best.value
    assert extrapolated.warm
    assert extrapolated.step is not None
    assert extrapolated.step > 0


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(1, 5),
       st.lists(st.floats(0.0, 3.0), min_size=12, max_size=12))  # fmt: skip
def test_blocks_of_people_open_to_the_same_options_give_the_same_pass(seed, n, regions, point):
    """People grouped by the options open to them (as regions do): the pass over the blocks
    gives the same choices and leads as one pass over every option, and L as summed by hand."""
    from sparkus.matching._planning.integer_program import Instance
    from sparkus.matching._planning.lagrange import Lagrangian
    from sparkus.matching._planning.passes import Block

    base = random_instance(seed, n, 2 * regions + 1, regions, 1, 0.3, 0.3)
    rng = np.random.default_rng(seed)
    region = rng.integers(0, regions + 1, n)  # region `regions`: open to no pooled option
    options = np.arange(2 * regions + 1)
    eligible = (options[None, :] // 2 == region[:, None]) | (options[None, :] == 2 * regions)
    eligible[rng.random(n) < 0.1] = False  # some open to nothing at all
    instance = Instance(eligible, base.cost, base.value, base.effect, np.where(options < 2 * regions, options // 2, -1),
                        base.capacity, base.budget, base.reach, base.reach_min)  # fmt: skip
    args = (instance.eligible, instance.cost, instance.value, instance.option_pool,
            instance.capacity, instance.budget, instance.reach, instance.reach_min)  # fmt: skip
    blocked = Lagrangian(*args)
    whole = Lagrangian(*args)
    ok = instance.eligible.T
    whole.blocks = (Block(None, np.arange(whole.n_options),
                          np.where(ok, instance.value.T / whole.worth, -np.inf),
                          np.where(ok, instance.cost.T / whole.money, 0.0), whole.reach),)  # fmt: skip
    x = np.asarray(point[: blocked.size])
    a, b = blocked.evaluate(x), whole.evaluate(x)
    assert np.array_equal(a.choice, b.choice)
    assert a.value == pytest.approx(b.value, rel=1e-12, abs=1e-12)
    assert a.value == pytest.approx(_lagrangian_by_hand(instance, blocked, x), rel=1e-6, abs=1e-6)
    np.testing.assert_allclose(a.gradient, b.gradient, rtol=1e-12, atol=1e-9)
    (ca, la), (cb, lb) = blocked.margins(x), whole.margins(x)
    assert np.array_equal(ca, cb)
    assert np.array_equal(la, lb)


def test_people_open_to_few_of_many_options_are_passed_over_in_blocks():
    """Five regions' people, each open to their region's options and one shared: one block per
    region, each holding only its options."""
    from sparkus.matching._planning.lagrange import Lagrangian

    base = random_instance(2, 2_000, 21, 20, 0, 0.3, 0.0)
    region = np.arange(2_000) % 5
    options = np.arange(21)
    eligible = (options[None, :] % 5 == region[:, None]) | (options[None, :] == 20)
    lagrangian = Lagrangian(eligible, base.cost, base.value, base.option_pool, base.capacity,
                            base.budget, base.reach, base.reach_min)  # fmt: skip
    assert len(lagrangian.blocks) == 5
    assert sum(block.value.size for block in lagrangian.blocks) == int(eligible.sum())
