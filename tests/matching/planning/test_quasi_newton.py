"""The warm quasi-Newton method of the dual (``quasi_newton.descend``).

References: the LP relaxation's optimum from ``scipy.optimize.linprog`` on the per-person
formulation (``per_person`` in ``test_structured.py``, built independently of the Lagrangian),
and scipy's L-BFGS-B on the same ``L`` for the dual's minimum.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from sparkus.matching._planning.lagrange import Lagrangian
from sparkus.matching._planning.passes import Evaluation
from sparkus.matching._planning.quasi_newton import descend

from .test_structured import instances_of, per_person, random_instance


def lagrangian_of(instance):
    return Lagrangian(instance.eligible, instance.cost, instance.value, instance.option_pool,
                      instance.capacity, instance.budget, instance.reach,
                      instance.reach_min)  # fmt: skip


def run(lagrangian, x, *, inverse=None, step=None, precision=1e-10, most=150):
    kept: list[tuple[np.ndarray, Evaluation]] = []
    out = descend(lagrangian.evaluate, x, lagrangian.evaluate(x), inverse=inverse, step=step,
                  precision=precision, most=most, deadline=time.perf_counter() + 60,
                  keep=lambda y, found: kept.append((y.copy(), found)))  # fmt: skip
    return out, kept


def lbfgsb_minimum(lagrangian) -> float:
    def fun(x):
        found = lagrangian.evaluate(np.maximum(x, 0.0))
        return found.value, found.gradient

    res = minimize(fun, np.zeros(lagrangian.size), jac=True, method="L-BFGS-B",
                   bounds=[(0.0, None)] * lagrangian.size,
                   options={"maxiter": 500, "maxfun": 1000, "ftol": 1e-12})  # fmt: skip
    return float(res.fun)


def test_it_reaches_the_lp_optimum_and_scipys_minimum_on_a_fine_dual():
    """Over 3,000 people (fine pieces), from zero and from the identity, it ends within
    1e-5 of the LP relaxation's optimum and no higher than L-BFGS-B's end plus 1e-5."""
    instance = random_instance(3, 3_000, 6, 5, 2, 0.3, 0.5)
    lp = per_person(instance, integral=False)
    assert lp is not None
    lagrangian = lagrangian_of(instance)
    (x, best, count, curvature), kept = run(lagrangian, np.zeros(lagrangian.size))
    bound = best.value * lagrangian.worth
    assert lp - 1e-7 * lp <= bound <= lp * (1 + 1e-5)
    assert best.value <= lbfgsb_minimum(lagrangian) * (1 + 1e-5)
    assert count == len(kept) <= 150
    assert np.all(x >= 0)
    assert np.allclose(curvature, curvature.T)
    assert np.all(np.linalg.eigvalsh(0.5 * (curvature + curvature.T)) > 0)


def test_the_kept_curvature_carries_to_the_next_budget():
    """At a budget 10% higher, starting from the last end and its curvature, it reaches the
    new LP optimum within 1e-5, in fewer passes than from the identity."""
    instance = random_instance(5, 3_000, 6, 5, 2, 0.3, 0.5)
    lagrangian = lagrangian_of(instance)
    (x, _, _, curvature), _ = run(lagrangian, np.zeros(lagrangian.size))
    moved = instance.with_budget(instance.budget * 1.1)
    lp = per_person(moved, integral=False)
    assert lp is not None
    at = lagrangian.at_budget(moved.budget)
    assert at is not None
    (_, warm, warm_count, _), _ = run(at, x, inverse=curvature, precision=1e-9)
    (_, cold, cold_count, _), _ = run(at, x, step=0.1, precision=1e-9)
    assert lp - 1e-7 * lp <= warm.value * at.worth <= lp * (1 + 1e-5)
    assert warm_count < cold_count
    assert warm.value <= cold.value * (1 + 1e-5)


instances = instances_of(st.sampled_from([0.1, 0.3, 2.0]), st.sampled_from([0.0, 0.3]), most=60)


@settings(max_examples=40, deadline=None)
@given(instances, st.lists(st.floats(0.0, 3.0), min_size=8, max_size=8))
def test_every_point_is_a_bound_and_the_end_is_the_best_point(instance, start):
    """On coarse duals too (few people): the value it returns is never below the LP
    relaxation's optimum (linprog), never above the start, and is the least it evaluated;
    every point it evaluates is feasible (x >= 0)."""
    lp = per_person(instance, integral=False)
    lagrangian = lagrangian_of(instance)
    x0 = np.asarray(start[: lagrangian.size])
    first = lagrangian.evaluate(x0).value
    (x, best, _, _), kept = run(lagrangian, x0, most=60)
    assert best.value <= first
    assert all(np.all(y >= 0) for y, _ in kept)
    assert best.value <= min([first] + [found.value for _, found in kept])
    assert lagrangian.evaluate(x).value == pytest.approx(best.value, rel=1e-12, abs=1e-12)
    if lp is not None:
        assert best.value * lagrangian.worth >= lp - 1e-7 * max(1.0, abs(lp))


def test_it_is_deterministic():
    """The same start gives the same points, values and curvature, bit for bit."""
    instance = random_instance(9, 2_000, 5, 4, 1, 0.3, 0.3)
    lagrangian = lagrangian_of(instance)
    (x1, b1, c1, h1), k1 = run(lagrangian, np.zeros(lagrangian.size))
    (x2, b2, c2, h2), k2 = run(lagrangian, np.zeros(lagrangian.size))
    assert c1 == c2
    assert np.array_equal(x1, x2)
    assert b1.value == b2.value
    assert np.array_equal(h1, h2)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(k1, k2, strict=True))
