"""`gap_bound` is a true bound: never below the exact distance from the reported placement to
the optimum, for costs at any scale from subnormals to ``1e300``.

The reference is a brute-force search in exact rationals (``fractions.Fraction`` of each float)
for small problems, and ``scipy.optimize.linear_sum_assignment`` on the providers' places for
larger ones (any placement it finds bounds the optimum from above, so the shortfall against it
is at most the true gap). No rounding slack is allowed: the bound is claimed as proven.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.matching import solve_assignment
from sparkus.matching._pairing.exact import solve as assignment_module

SOLVERS = ["transport", "slots", "auction"]


def _use(solver: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every problem to one of the three exact solvers."""
    if solver != "transport":
        monkeypatch.setattr(assignment_module, "MAX_PROVIDERS", 0)
    if solver == "auction":
        monkeypatch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)


def _exact_total(cost: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> Fraction:
    return sum((Fraction(float(c)) for c in cost[rows, cols]), Fraction(0))


def _brute_force(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, Fraction]:
    """(most placed, least exact total for that many), over every choice of every row."""
    n, m = cost.shape
    options = [[-1, *np.flatnonzero(~np.isnan(cost[i])).tolist()] for i in range(n)]
    best: tuple[int, Fraction] = (-1, Fraction(0))
    for choice in itertools.product(*options):
        if np.any(np.bincount([j for j in choice if j >= 0], minlength=m) > capacity):
            continue
        rows = np.array([i for i, j in enumerate(choice) if j >= 0], dtype=np.intp)
        cols = np.array([j for j in choice if j >= 0], dtype=np.intp)
        key = (rows.shape[0], _exact_total(cost, rows, cols))
        if key[0] > best[0] or (key[0] == best[0] and key[1] < best[1]):
            best = key
    return best


def _check(cost: np.ndarray, capacity: np.ndarray) -> None:
    result = solve_assignment(cost, capacity)
    most, optimum = _brute_force(cost, capacity)
    placed = np.flatnonzero(result.provider >= 0)
    assert result.n_assigned == most
    shortfall = _exact_total(cost, placed, result.provider[placed]) - optimum
    assert shortfall <= Fraction(result.gap_bound)


@pytest.mark.parametrize(
    ("cost", "capacity"),
    [
        # the lead's case: two subnormal costs placed, 5e-324 above the optimum, gap 0 claimed
        ([[0.0], [5e-324], [5e-324], [2e-300]], [2]),
        ([[0.0], [5e-324], [1.0], [1.0], [1e-323]], [2]),
        # integers spanning more than 2**53: a cost minus the least one was rounded
        ([[-(2.0**56), -(2.0**56), 3.0], [0.0, 2.0**56 + 16, -1.0]], [2, 0, 2]),
        ([[2.0**56 + 16, 2.0**56, 0.0], [-1.0, -(2.0**56), -(2.0**56)]], [1, 2, 0]),
    ],
)
def test_reported_gap_bounds_the_distance_to_the_optimum(cost, capacity):
    """The placement's exact total exceeds the optimum by at most `gap_bound` (no slack)."""
    _check(np.array(cost), np.array(capacity))


@st.composite
def scaled_problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """At most 5 x 3 costs, each a number near 1 times ``2**k``, k from -1074 to 996."""
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 3))
    size = n * m
    mantissa = np.array(draw(st.lists(st.floats(-2.0, 2.0), min_size=size, max_size=size)))
    exponent = np.array(draw(st.lists(st.integers(-1074, 996), min_size=size, max_size=size)))
    if draw(st.booleans()):  # one scale for the whole matrix, from subnormal to 1e300
        exponent[:] = exponent[0]
    cost = np.ldexp(mantissa, exponent).reshape(n, m)
    banned = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    cost[banned.reshape(n, m)] = np.nan
    capacity = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)))
    return cost, capacity


@pytest.mark.parametrize("solver", SOLVERS)
@settings(max_examples=150, deadline=None)
@given(problem=scaled_problems())
def test_gap_bound_is_true_at_every_scale(problem, solver):
    """Against brute force in rationals, costs from subnormal to 1e300 and mixed scales."""
    with pytest.MonkeyPatch.context() as patch:
        _use(solver, patch)
        _check(*problem)


@pytest.mark.parametrize("exponent", [-1040, -1000, -600, 0, 600, 940])
def test_gap_bound_against_linear_sum_assignment(exponent):
    """40 x 6 mixed-magnitude costs: never more above scipy's placement than `gap_bound`."""
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(exponent + 2000)
    for solver, _ in itertools.product(SOLVERS, range(3)):
        cost = np.ldexp(rng.random((40, 6)), exponent + rng.integers(0, 60, size=(40, 6)))
        capacity = rng.integers(1, 5, size=6)
        with pytest.MonkeyPatch.context() as patch:
            _use(solver, patch)
            result = solve_assignment(cost, capacity)
        owner = np.repeat(np.arange(6), capacity)
        rows, places = linear_sum_assignment(cost[:, owner])
        placed = np.flatnonzero(result.provider >= 0)
        assert result.n_assigned == rows.shape[0]
        ours = _exact_total(cost, placed, result.provider[placed])
        assert ours - _exact_total(cost, rows, owner[places]) <= Fraction(result.gap_bound)
