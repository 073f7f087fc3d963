"""Big-M costs: a few huge costs no optimum uses do not spoil the placement of the rest."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from sparkus import SchemaError
from sparkus.matching import assign, solve_assignment
from sparkus.matching._pairing.exact import solve as solve_module
from tests.matching.pairing.exact_reference import SOLVERS, brute_force, exact_total

NAN = math.nan
_ISSUE = [[0, 0, 0], [0, NAN, 1], [1, 2.5, NAN], [2.5, 1e308, 2.5]]


def _measured_instance(seed: int, big: float) -> np.ndarray:
    """12 participants, 4 providers: integer costs 1-9, a fifth of the pairs at `big`."""
    rng = np.random.default_rng(seed)
    cost = rng.integers(1, 10, size=(12, 4)).astype(float)
    cost[rng.random((12, 4)) < 0.2] = big
    return cost


def test_gap_bound_covers_costs_rounded_by_scaling() -> None:
    """Costs near 1e299 with 5e-324: the optimum (levels.py); gap_bound covers the halving."""
    cost = np.array([[1.6742322e299, 0.0], [3.3484644e299, 0.0], [NAN, 5e-324]])
    seated, optimum = brute_force(cost, [1, 1])
    result = solve_assignment(cost, [1, 1])
    assert (result.n_assigned, exact_total(cost, result.provider)) == (seated, optimum)
    assert result.gap_bound > 0  # certified on the costs halved, where 5e-324 rounds to 0


def test_issue_example() -> None:
    """The reported instance: total 2 (it was 6 with gap_bound 6), certified exactly."""
    result = solve_assignment(_ISSUE, [1, 1, 1])
    assert (result.total_cost, result.gap_bound, result.max_violation) == (2.0, 0.0, 0.0)


@pytest.mark.parametrize("big", [1e17, 3e17, 1e18, 1e20, 1e100, 1.7e308])
def test_measured_instances_match_scipy(big: float) -> None:
    """40 instances of the issue: the total of scipy's assignment on the places, gap_bound 0."""
    for seed in range(40):
        cost = _measured_instance(seed, big)
        places = np.repeat(cost, 2, axis=1)  # each provider's column once per place
        rows, slots = linear_sum_assignment(places)
        reference = sum(
            (Fraction(float(places[r, s])) for r, s in zip(rows, slots, strict=True)), Fraction(0)
        )
        assert reference < big  # the optimum uses no big cost
        result = solve_assignment(cost, 2)
        assert exact_total(cost, result.provider) == reference, seed
        assert result.gap_bound == 0.0
        matched = assign(cost, 2, matcher="exact")
        assert exact_total(cost, matched.provider) == reference, seed


_MAGNITUDE = st.floats(5e-324, 1.7e308, allow_nan=False, allow_infinity=False)


@st.composite
def _bigm_instances(draw: st.DrawFn) -> tuple[np.ndarray, list[int]]:
    """Small instances: costs at one scale (any from 5e-324 up), a few big ones, some NaN."""
    n = draw(st.integers(2, 5))
    m = draw(st.integers(1, 3))
    scale = draw(st.floats(5e-324, 1.7e308 / 9))
    small = st.integers(-9, 9).map(lambda v: v * scale)
    cell = st.one_of(small, small, small, _MAGNITUDE, st.just(NAN))
    cost = np.array(draw(st.lists(cell, min_size=n * m, max_size=n * m)), dtype=float)
    caps = draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    return cost.reshape(n, m), caps


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@given(instance=_bigm_instances())
@example(instance=(np.array(_ISSUE), [1, 1, 1]))
def test_optimal_whatever_the_magnitudes(
    solver: str, instance: tuple[np.ndarray, list[int]]
) -> None:
    """Against brute force in Fractions: optimal up to the rounding of the costs used."""
    cost, caps = instance
    seated, optimum = brute_force(cost, caps)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SOLVERS[solver].items():
            patch.setattr(solve_module, name, value)
        try:
            result = solve_assignment(cost, caps)
        except SchemaError:  # documented: a total or prices beyond the floats, near 1.8e308
            assert float(np.nanmax(np.abs(cost))) > 1e307
            return
        matched = assign(cost, caps, matcher="exact")  # the same solver behind the matcher
    assert result.n_assigned == seated
    found = exact_total(cost, result.provider)
    assert found - optimum <= Fraction(result.gap_bound)
    used = [float(cost[i, j]) for i, j in enumerate(result.provider) if j >= 0]
    finite = cost[~np.isnan(cost)]
    if used:  # the rounding of the grid the used costs need: their span from the least cost
        span = Fraction(max(used)) - Fraction(float(finite.min()))
        assert found - optimum <= span * seated * Fraction(1, 2**30)
    assert exact_total(cost, matched.provider) == found
