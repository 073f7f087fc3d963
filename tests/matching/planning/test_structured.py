"""The structured solver (Lagrangian dual + core): same answers as the MIP, constraints kept.

The reference optimum and LP value of every instance come from ``scipy.optimize.milp`` and
``linprog`` on the per-person formulation (a binary variable per person and eligible option),
built here independently of sparkus's class formulation.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from sparkus.matching._planning.integer_program import Instance, Unsolvable, solve
from sparkus.matching._planning.lagrange import (
    Lagrangian,
    minimise_dual,
    solve_plan,
    solve_structured,
)

GAP = 1e-3


def random_instance(
    seed: int, n: int, options: int, pools: int, groups: int, budget_share: float, reach: float
) -> Instance:
    rng = np.random.default_rng(seed)
    eligible = rng.random((n, options)) < 0.8
    cost = rng.uniform(1.0, 10.0, (n, options))
    value = rng.uniform(0.0, 5.0, (n, options))
    pool = rng.integers(-1, pools, options) if pools else np.full(options, -1)
    capacity = np.floor(rng.uniform(0.1, 0.5, pools) * n)
    members = rng.random((groups, n)) < 0.4
    least = np.floor(members.sum(axis=1) * reach).astype(np.int64)
    budget = budget_share * n * 5.0 if budget_share < 1.0 else math.inf
    return Instance(eligible, cost, value, value.copy(), pool.astype(np.int64), capacity,
                    budget, members, least)  # fmt: skip


def per_person(instance: Instance, *, integral: bool) -> float | None:
    """The optimum of the per-person formulation (None: infeasible), by milp or linprog."""
    person, option = np.nonzero(instance.eligible)
    nv = person.shape[0]
    cols = np.arange(nv)
    rows = [person]
    columns = [cols]
    values = [np.ones(nv)]
    upper = [np.ones(instance.n)]
    row = instance.n
    if math.isfinite(instance.budget):
        rows.append(np.full(nv, row))
        columns.append(cols)
        values.append(instance.cost[person, option])
        upper.append(np.array([instance.budget]))
        row += 1
    pool = instance.option_pool[option]
    pooled = pool >= 0
    rows.append(row + pool[pooled])
    columns.append(cols[pooled])
    values.append(np.ones(int(pooled.sum())))
    upper.append(instance.capacity)
    row += instance.capacity.shape[0]
    g, v = np.nonzero(instance.reach[:, person])
    rows.append(row + g)
    columns.append(v)
    values.append(-np.ones(g.shape[0]))
    upper.append(-instance.reach_min.astype(np.float64))
    row += instance.reach.shape[0]
    A = sparse.csr_array(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
        shape=(row, nv),
    )
    b = np.concatenate(upper)
    c = -instance.value[person, option]
    if nv == 0:
        return 0.0 if np.all(instance.reach_min <= 0) else None
    if integral:
        res = milp(c, constraints=LinearConstraint(A, -np.inf, b), bounds=Bounds(0, 1),
                   integrality=np.ones(nv), options={"mip_rel_gap": 0.0})  # fmt: skip
    else:
        res = linprog(c, A_ub=A, b_ub=b, bounds=(0, 1), method="highs")
    return None if res.status == 2 or res.x is None else -float(res.fun)


def assert_keeps_constraints(instance: Instance, choice: np.ndarray) -> None:
    taken = np.flatnonzero(choice >= 0)
    assert np.all(instance.eligible[taken, choice[taken]])
    spent = float(instance.cost[taken, choice[taken]].sum())
    assert spent <= instance.budget * (1 + 1e-9) + 1e-9
    pool = instance.option_pool[choice[taken]]
    used = np.bincount(pool[pool >= 0], minlength=instance.capacity.shape[0])
    assert np.all(used <= instance.capacity + 1e-9)
    reached = instance.reach[:, taken].sum(axis=1)
    assert np.all(reached >= instance.reach_min)


def instances_of(
    budget_share: st.SearchStrategy[float], reach: st.SearchStrategy[float], *, most: int = 40
) -> st.SearchStrategy[Instance]:
    """Random instances of up to `most` people, with the given budgets and minimum reach."""
    return st.builds(random_instance, seed=st.integers(0, 2**32 - 1), n=st.integers(1, most),
                     options=st.integers(1, 4), pools=st.integers(0, 3),
                     groups=st.integers(0, 2), budget_share=budget_share,
                     reach=reach)  # fmt: skip


instances = instances_of(st.sampled_from([0.05, 0.2, 0.5, 2.0]),
                         st.sampled_from([0.0, 0.3, 0.6, 0.95]))  # fmt: skip


@settings(max_examples=25)
@given(instances)
def test_structured_plans_keep_every_constraint_and_are_near_the_milp_optimum(instance):
    """On random instances: capacities, budget and reach kept; within the gap of milp's optimum;
    the reported bound never below it."""
    best = per_person(instance, integral=True)
    if best is None:
        with pytest.raises(Unsolvable):
            solve_plan(instance, mip_rel_gap=GAP, time_limit=30.0, structured=True)
        return
    found = solve_structured(instance, mip_rel_gap=GAP, time_limit=30.0)
    if found is not None:  # None: the caller falls back to the general path
        assert_keeps_constraints(instance, found.choice)
        assert found.bound >= best - 1e-7 * max(1.0, abs(best))
        assert found.objective >= (1 - GAP) * best - 1e-9
        assert found.gap <= GAP
        assert "Lagrangian" in found.method
    plan = solve_plan(instance, mip_rel_gap=GAP, time_limit=30.0, structured=True)
    assert_keeps_constraints(instance, plan.choice)
    assert plan.bound >= best - 1e-7 * max(1.0, abs(best))
    assert plan.objective >= (1 - GAP) * best - 1e-9


@settings(max_examples=30)
@given(instances, st.lists(st.floats(0.0, 3.0), min_size=8, max_size=8))
def test_the_lagrangian_bounds_the_lp_everywhere(instance, point):
    """L(x) >= the LP relaxation's optimum for every x >= 0 (weak duality)."""
    lp = per_person(instance, integral=False)
    if lp is None:
        return
    lagrangian = Lagrangian(instance.eligible, instance.cost, instance.value,
                            instance.option_pool, instance.capacity, instance.budget,
                            instance.reach, instance.reach_min)  # fmt: skip
    x = np.asarray(point[: lagrangian.size])
    assert lagrangian.evaluate(x).value * lagrangian.worth >= lp - 1e-7 * max(1.0, abs(lp))


def test_the_dual_minimum_is_the_lp_optimum():
    """Minimised, L meets the LP relaxation's optimum (no duality gap) to the tolerance asked."""
    instance = random_instance(3, 3_000, 6, 5, 2, 0.3, 0.5)
    lp = per_person(instance, integral=False)
    assert lp is not None
    lagrangian = Lagrangian(instance.eligible, instance.cost, instance.value,
                            instance.option_pool, instance.capacity, instance.budget,
                            instance.reach, instance.reach_min)  # fmt: skip
    dual = minimise_dual(lagrangian, tolerance=1e-6, deadline=time.perf_counter() + 60)
    bound = dual.best.value * lagrangian.worth
    assert lp - 1e-7 * lp <= bound <= lp * (1 + 1e-5)


def test_large_instances_take_the_structured_path_and_match_the_general_one():
    """From STRUCTURED_FROM people: same objective within the gap as the class MIP, and a
    bound at least the general path's proven optimum less its gap."""
    instance = random_instance(7, 25_000, 6, 5, 2, 0.3, 0.5)
    fast = solve_plan(instance, mip_rel_gap=GAP, time_limit=60.0)
    general = solve(instance, mip_rel_gap=GAP, time_limit=60.0)
    assert "Lagrangian" in fast.method
    assert_keeps_constraints(instance, fast.choice)
    assert fast.gap <= GAP
    assert fast.objective >= (1 - GAP) * general.bound
    assert fast.bound >= general.objective
    assert fast.lp_bound >= general.lp_bound - 1e-7 * general.lp_bound
    # the shadow prices agree with the LP's marginals where the row binds (budget here)
    assert fast.budget_price == pytest.approx(general.budget_price, rel=0.05)


def test_a_warm_start_ends_at_the_same_bound():
    """Starting where another budget's solve ended (its cuts moved to the new budget) gives
    the same bound and plan value, within tolerance."""
    instance = random_instance(11, 5_000, 6, 5, 2, 0.3, 0.5)
    first = solve_structured(instance, mip_rel_gap=GAP, time_limit=60.0)
    assert first is not None
    assert first.warm is not None
    cold = solve_structured(instance.with_budget(instance.budget * 1.1), mip_rel_gap=GAP,
                            time_limit=60.0)  # fmt: skip
    warm = solve_structured(instance.with_budget(instance.budget * 1.1), mip_rel_gap=GAP,
                            time_limit=60.0, start=first.warm)  # fmt: skip
    assert cold is not None
    assert warm is not None
    assert warm.bound == pytest.approx(cold.bound, rel=GAP)
    assert warm.objective == pytest.approx(cold.objective, rel=GAP)


def test_a_zero_gap_goes_to_the_general_path():
    """mip_rel_gap=0 asks for a proof the structured path cannot give: the MIP solves it."""
    instance = random_instance(5, 200, 4, 2, 1, 0.3, 0.5)
    plan = solve_plan(instance, mip_rel_gap=0.0, time_limit=30.0, structured=True)
    assert "Lagrangian" not in plan.method
    best = per_person(instance, integral=True)
    assert best is not None
    assert plan.objective == pytest.approx(best, rel=1e-9)
