"""The frontier's rounding at the dual's prices (``core.fit``): every constraint kept, and a
proven gap without the core's HiGHS calls.

The reference optima come from ``scipy.optimize.milp`` on the per-person formulation
(``per_person`` in ``test_structured.py``, built independently of sparkus's formulation).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.matching._planning.core import fit, value_of
from sparkus.matching._planning.integer_program import Instance
from sparkus.matching._planning.lagrange import Lagrangian, solve_plan

from .test_structured import (
    GAP,
    assert_keeps_constraints,
    instances_of,
    per_person,
    random_instance,
)


def _lagrangian(instance: Instance) -> Lagrangian:
    return Lagrangian(instance.eligible, instance.cost, instance.value, instance.option_pool,
                      instance.capacity, instance.budget, instance.reach,
                      instance.reach_min)  # fmt: skip


def test_an_overfilled_pool_moves_its_least_keen_member_to_the_runner_up():
    """Three people want option 0 (pool 0, one place); option 1 (no pool) is each one's
    runner-up. Worked by hand: the two with the smallest lead over option 1 move there."""
    value = np.array([[5.0, 4.9], [5.0, 3.0], [5.0, 4.0]])
    instance = Instance(np.ones((3, 2), dtype=bool), np.ones((3, 2)), value, value.copy(),
                        np.array([0, -1]), np.array([1.0]), 100.0, np.zeros((0, 3), dtype=bool),
                        np.zeros(0, dtype=np.int64), (), ())  # fmt: skip
    lagrangian = _lagrangian(instance)
    choice, lead, keen, runner = lagrangian.leads(np.zeros(lagrangian.size))
    assert choice.tolist() == [0, 0, 0]
    assert runner.tolist() == [1, 1, 1]
    plan = fit(instance, choice, keen, lead, runner)
    assert plan is not None
    assert plan.tolist() == [1, 0, 1]  # person 1 (lead 2) keeps the place
    assert value_of(instance, plan) == 4.9 + 5.0 + 4.0


def test_an_overspent_budget_drops_the_least_keen_payees():
    """Budget 2, three payees of cost 1 (values 3, 1, 2, no pool): the least keen (value 1)
    goes; worked by hand."""
    value = np.array([[3.0], [1.0], [2.0]])
    instance = Instance(np.ones((3, 1), dtype=bool), np.ones((3, 1)), value, value.copy(),
                        np.array([-1]), np.zeros(0), 2.0, np.zeros((0, 3), dtype=bool),
                        np.zeros(0, dtype=np.int64), (), ())  # fmt: skip
    lagrangian = _lagrangian(instance)
    choice, lead, keen, runner = lagrangian.leads(np.zeros(lagrangian.size))
    plan = fit(instance, choice, keen, lead, runner)
    assert plan is not None
    assert plan.tolist() == [0, -1, 0]


def test_money_left_goes_to_the_idle_nearest_to_indifferent():
    """At a budget price so high that nobody takes the one option (cost 1, values 3, 1, 2,
    budget 2), the fit adds people while the money lasts, nearest to indifferent first: the
    values 3 and 2; worked by hand (scaled values 1.5, 0.5, 1 less 2 give leads 0.5, 1.5, 1)."""
    value = np.array([[3.0], [1.0], [2.0]])
    instance = Instance(np.ones((3, 1), dtype=bool), np.ones((3, 1)), value, value.copy(),
                        np.array([-1]), np.zeros(0), 2.0, np.zeros((0, 3), dtype=bool),
                        np.zeros(0, dtype=np.int64), (), ())  # fmt: skip
    lagrangian = _lagrangian(instance)
    choice, lead, keen, runner = lagrangian.leads(np.array([2.0]))
    assert choice.tolist() == [-1, -1, -1]
    assert lead.tolist() == [0.5, 1.5, 1.0]
    plan = fit(instance, choice, keen, lead, runner)
    assert plan is not None
    assert plan.tolist() == [0, -1, 0]


def test_places_left_go_to_the_idle_nearest_to_indifferent_while_the_pool_has_room():
    """One option in a pool of one place, money for all, a pool price (5) that keeps everyone
    out: the fit adds only the keenest (value 3) and stops at the pool's place."""
    value = np.array([[2.0], [3.0], [1.0]])
    instance = Instance(np.ones((3, 1), dtype=bool), np.ones((3, 1)), value, value.copy(),
                        np.array([0]), np.array([1.0]), 10.0, np.zeros((0, 3), dtype=bool),
                        np.zeros(0, dtype=np.int64), (), ())  # fmt: skip
    lagrangian = _lagrangian(instance)
    choice, lead, keen, runner = lagrangian.leads(np.array([0.0, 5.0]))
    assert choice.tolist() == [-1, -1, -1]
    plan = fit(instance, choice, keen, lead, runner)
    assert plan is not None
    assert plan.tolist() == [-1, 0, -1]


def test_an_unmet_minimum_reach_leaves_it_to_the_core():
    """The group's two members must both be supported; the budget pays for one: no fit."""
    value = np.array([[1.0], [1.0]])
    instance = Instance(np.ones((2, 1), dtype=bool), np.ones((2, 1)), value, value.copy(),
                        np.array([-1]), np.zeros(0), 1.0, np.ones((1, 2), dtype=bool),
                        np.array([2]), (), ("g",))  # fmt: skip
    lagrangian = _lagrangian(instance)
    found = lagrangian.leads(np.zeros(lagrangian.size))
    assert fit(instance, *found[:1], found[2], found[1], found[3]) is None


fits = instances_of(st.floats(0.05, 0.6), st.sampled_from([0.0, 0.3]))


@settings(max_examples=40, deadline=None)
@given(fits, st.lists(st.floats(0.0, 2.0), min_size=6, max_size=6))
def test_a_fit_keeps_every_constraint_and_never_beats_milp(instance, prices):
    """At any prices, a fitted plan keeps budget, pools, reach and eligibility, and its value
    is at most milp's optimum."""
    lagrangian = _lagrangian(instance)
    x = np.asarray(prices[: lagrangian.size])
    choice, lead, keen, runner = lagrangian.leads(x)
    plan = fit(instance, choice, keen, lead, runner)
    if plan is None:
        return
    assert_keeps_constraints(instance, plan)
    best = per_person(instance, integral=True)
    assert best is not None
    assert value_of(instance, plan) <= best + 1e-9 * max(1.0, abs(best))


def test_a_frontier_budget_is_proven_by_the_fit_alone():
    """Along a frontier of 2,000 people the warm budgets' plans mostly come from the fit (the
    method says so), each within the gap of milp's optimum at that budget."""
    instance = random_instance(7, 2_000, 4, 3, 1, 0.2, 0.3)
    start, fitted = None, 0
    for share in (0.2, 0.22, 0.24, 0.26):
        at = instance.with_budget(share * instance.n * 5.0)
        found = solve_plan(at, mip_rel_gap=GAP, time_limit=30.0, structured=True, start=start)
        assert_keeps_constraints(at, found.choice)
        best = per_person(at, integral=True)
        assert best is not None
        assert found.objective >= (1 - GAP) * best - 1e-9
        assert found.bound >= best - 1e-7 * best
        fitted += "dropped to fit" in found.method
        start = found.warm
    assert fitted >= 1


@settings(max_examples=40, deadline=None)
@given(fits, st.lists(st.floats(0.0, 2.0), min_size=6, max_size=6))
def test_leads_are_each_persons_best_and_runner_up_by_hand(instance, prices):
    """Person by person, from the reduced values written out: the best option (first of
    equals; nothing at 0 wins ties), its value, the runner-up (the best option where nothing
    is the best) and the lead over it."""
    lagrangian = _lagrangian(instance)
    x = np.asarray(prices[: lagrangian.size])
    choice, lead, keen, runner = lagrangian.leads(x)
    lam, mu, nu = lagrangian.split(x)
    for i in range(instance.n):
        reduced = [-np.inf] * instance.eligible.shape[1]
        for o in np.flatnonzero(instance.eligible[i]).tolist():
            pool = int(instance.option_pool[o])
            reduced[o] = (instance.value[i, o] / lagrangian.worth
                          - lam * instance.cost[i, o] / lagrangian.money
                          - (mu[pool] if pool >= 0 else 0.0)
                          + float(nu @ instance.reach[:, i]))  # fmt: skip
        ranked = sorted([(0.0, -1, -1)] + [(r, -o, o) for o, r in enumerate(reduced)])[::-1]
        best, runner_up = ranked[0], ranked[1]
        # ties: the first option wins, and nothing (0) wins over an option at 0
        if best[0] == 0.0 and best[2] >= 0:
            best, runner_up = (0.0, -1, -1), best
        assert choice[i] == best[2]
        near = {"rel": 1e-6, "abs": 1e-6}  # the groups' term is summed in float32
        assert keen[i] == pytest.approx(best[0], **near)
        if best[2] >= 0:
            assert lead[i] == pytest.approx(best[0] - runner_up[0], **near)
            assert runner[i] == runner_up[2]
        else:
            top = max(reduced, default=-np.inf)
            assert lead[i] == (pytest.approx(-top, **near) if np.isfinite(top) else np.inf)
            assert runner[i] == (runner_up[2] if np.isfinite(runner_up[0]) else -1)


def test_the_fill_stops_before_the_last_payer_when_the_plans_sum_rounds_over():
    """Costs whose running sum equals the budget exactly while the plan's own (pairwise) sum of
    the same costs is a rounding above it, then many people who cost nothing: the fill keeps
    the plan's sum within the budget by leaving out the last person who pays (and, taking a
    prefix in order, those after), in one step rather than one person at a time."""
    from sparkus.matching._planning.core import _fill

    paying = np.array([0.001, 0.001, 0.3, 0.7, 0.3, 0.7, 0.2, 0.001, 0.1, 0.3, 0.2, 0.001, 0.001,
                       1.1, 3.3, 3.3, 0.2, 0.1, 0.1, 0.001, 3.3, 3.3, 1.1, 3.3, 3.3, 0.1, 0.1,
                       3.3, 0.1, 3.3, 0.001, 3.3, 0.3, 0.2, 0.7, 3.3, 0.3, 3.3, 0.3, 0.001])  # fmt: skip
    budget = float(np.cumsum(paying)[-1])
    assert float(paying.sum()) > budget  # numpy's pairwise sum rounds above the running one
    cost = np.concatenate([paying, np.zeros(20_000)])[:, None]
    n = cost.shape[0]
    instance = Instance(np.ones((n, 1), dtype=bool), cost, np.ones((n, 1)), np.ones((n, 1)),
                        np.array([-1]), np.zeros(0), budget, np.zeros((0, n), dtype=bool),
                        np.zeros(0, dtype=np.int64), (), ())  # fmt: skip
    out = _fill(instance, np.full(n, -1), np.zeros(n), np.arange(n, dtype=np.float64),
                np.zeros(n, dtype=np.int64))  # fmt: skip
    assert out[:39].tolist() == [0] * 39
    assert int(np.count_nonzero(out[39:] >= 0)) == 0
    assert float(np.where(out >= 0, cost[:, 0], 0.0).sum()) <= budget
