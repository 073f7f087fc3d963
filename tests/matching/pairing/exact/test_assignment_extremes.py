"""`solve_assignment` over the whole float range: finite costs in, an optimal finite answer out.

The reference is a brute-force search in exact rational arithmetic (``fractions.Fraction`` of
each float), so it is independent of float rounding: the solver's placement must place as many
participants as the best one, never exceed a capacity, and cost at most its certified
`gap_bound` more than the exact optimum (plus rounding of the magnitudes involved).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.matching import solve_assignment
from sparkus.matching._pairing.exact import solve as assignment_module

MAX = np.finfo(np.float64).max

# Every magnitude from subnormals to the largest float, of both signs, and the usual suspects.
extreme_floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1.0, -1.0, 1e308, -1e308, MAX, -MAX]),
)


def exact_optimum(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, Fraction]:
    """(most placed, least exact total for that many) by trying every choice of every row."""
    n, m = cost.shape
    options = [[-1, *np.flatnonzero(~np.isnan(cost[i])).tolist()] for i in range(n)]
    best: tuple[int, Fraction | None] = (-1, None)
    for choice in itertools.product(*options):
        load = np.bincount([j for j in choice if j >= 0], minlength=m)
        if np.any(load > capacity):
            continue
        placed = sum(j >= 0 for j in choice)
        total = sum((Fraction(float(cost[i, j])) for i, j in enumerate(choice) if j >= 0),
                    Fraction(0))  # fmt: skip
        if placed > best[0] or (placed == best[0] and (best[1] is None or total < best[1])):
            best = (placed, total)
    return best[0], best[1] if best[1] is not None else Fraction(0)


@st.composite
def extreme_problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """At most 4 x 3 costs drawn over the whole float range (NaN: not allowed), capacity 0-2."""
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 3))
    cost = np.array(draw(st.lists(extreme_floats, min_size=n * m, max_size=n * m)))
    cost = cost.reshape(n, m)
    banned = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)))
    cost[banned.reshape(n, m)] = np.nan
    capacity = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)))
    return cost, capacity


def check_optimal(cost: np.ndarray, capacity: np.ndarray, result) -> None:
    """Feasible, as many placed as possible, finite, and within the certificate of the optimum."""
    placed = np.flatnonzero(result.provider >= 0)
    chosen = cost[placed, result.provider[placed]]
    assert not np.isnan(chosen).any(), "a pair not allowed was used"
    load = np.bincount(result.provider[placed], minlength=cost.shape[1])
    assert np.all(load <= capacity)
    assert np.array_equal(load, result.load)
    most, best = exact_optimum(cost, capacity)
    assert result.n_assigned == most
    for value in (result.total_cost, result.gap_bound, result.max_violation):
        assert math.isfinite(value)
    assert np.isfinite(result.prices[capacity > 0]).all()
    total = sum((Fraction(float(c)) for c in chosen), Fraction(0))
    assert result.total_cost == float(total) or math.isclose(
        result.total_cost, float(total), rel_tol=1e-15, abs_tol=0.0
    )
    magnitude = float(np.nanmax(np.abs(cost))) if np.isfinite(cost).any() else 0.0
    rounding = Fraction(magnitude) * Fraction(2) ** -45 * (cost.shape[0] + cost.shape[1])
    assert total - best <= Fraction(result.gap_bound) + rounding


def solve_or_refuse(cost: np.ndarray, capacity: np.ndarray):
    """The result, or None when it is refused with a SchemaError naming `cost` and the range."""
    try:
        return solve_assignment(cost, capacity)
    except SchemaError as err:
        text = str(err)
        assert "cost" in text
        assert "float range" in text
        return None


@pytest.mark.parametrize(
    "cost",
    [
        [[1e308, -1e308], [0.0, 1.0]],
        [[1e308, 1e308], [1e308, -1e308]],
        [[MAX, -MAX], [-MAX, MAX]],
        [[-MAX, 1.0], [5e-324, -MAX]],
        [[1e308, 1.0], [1.0, 1e308]],
        [[-1e308, 1e-300], [-5e-324, 1e308]],
    ],
)
@pytest.mark.parametrize("solver", ["transport", "slots", "auction"])
def test_extreme_costs_are_solved_exactly_not_overflowed(cost, solver, monkeypatch):
    """±1e308 costs (issue 12: OverflowError) are solved by every solver, optimally."""
    if solver != "transport":
        monkeypatch.setattr(assignment_module, "MAX_PROVIDERS", 0)
    if solver == "auction":
        monkeypatch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)
    cost_array = np.array(cost)
    capacity = np.array([1, 1])
    result = solve_or_refuse(cost_array, capacity)
    if result is None:  # only when the optimal total itself is beyond the float range
        _, best = exact_optimum(cost_array, capacity)
        assert abs(best) > Fraction(MAX)
        return
    check_optimal(cost_array, capacity, result)


def test_a_total_beyond_the_float_range_is_refused_naming_the_range():
    """Two places at -MAX each must total -2 * MAX: refused, saying what range is supported."""
    with pytest.raises(SchemaError, match=r"cost.*float range"):
        solve_assignment(np.array([[-MAX, np.nan], [np.nan, -MAX]]), [1, 1])


@settings(max_examples=150, deadline=None)
@given(extreme_problems())
def test_finite_costs_over_the_whole_float_range_give_an_optimal_finite_answer(problem):
    """Finite in, optimal finite out (or a SchemaError when the total is beyond the floats)."""
    cost, capacity = problem
    result = solve_or_refuse(cost, capacity)
    if result is None:
        _, best = exact_optimum(cost, capacity)
        assert abs(best) > Fraction(MAX) / 2
        return
    check_optimal(cost, capacity, result)


@settings(max_examples=60, deadline=None)
@given(extreme_problems())
def test_the_auction_alone_over_the_whole_float_range(problem):
    """The ε-scaling auction (the large-instance solver) keeps the same contract."""
    cost, capacity = problem
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assignment_module, "MAX_PROVIDERS", 0)
        patch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)
        result = solve_or_refuse(cost, capacity)
    if result is None:
        _, best = exact_optimum(cost, capacity)
        assert abs(best) > Fraction(MAX) / 2
        return
    check_optimal(cost, capacity, result)


@settings(max_examples=80, deadline=None)
@given(extreme_problems(), st.sampled_from([0.0, 0.5, 1e10]), st.data())
def test_assign_and_rematch_over_the_whole_float_range(problem, load_penalty, data):
    """assign (with a load penalty) and rematch (whose surcharge for released participants
    must stay a float): finite totals within capacity, or a SchemaError; never a bare error."""
    from sparkus.matching import assign, rematch

    cost, capacity = problem
    try:
        before = assign(cost, capacity, load_penalty=load_penalty)
    except SchemaError:
        return
    assert math.isfinite(before.total_cost)
    assert math.isfinite(before.penalty)
    assert np.all(before.load <= capacity)
    released = data.draw(st.lists(st.integers(0, cost.shape[0] - 1), unique=True, max_size=3))
    leaving = data.draw(st.lists(st.integers(0, cost.shape[1] - 1), unique=True, max_size=1))
    try:
        after = rematch(before, cost, released=released, leaving=leaving)
    except SchemaError:
        return
    assert math.isfinite(after.assignment.total_cost)
    assert np.all(after.assignment.load <= capacity)
    assert np.all(after.assignment.load[leaving] == 0)
