"""Costs of tiny magnitude (1e-250 down to subnormals) are solved as exactly as costs near 1."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sparkus.matching import assign, solve_assignment
from sparkus.matching._pairing.exact import solve as assignment_module


def _problem(seed: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cost = rng.normal(size=(n, m))
    cost[rng.random((n, m)) < 0.3] = np.nan
    return cost, rng.integers(0, 3, size=m)


@pytest.mark.parametrize("solver", ["transport", "slots", "auction"])
@pytest.mark.parametrize("exponent", [-1000, -966, -909, -860, -600, -499, -300, -100, -60, -30])
@pytest.mark.parametrize(("n", "m"), [(2, 2), (6, 3), (40, 40)])
def test_tiny_costs_give_the_placement_of_the_same_costs_near_1(solver, exponent, n, m,
                                                                monkeypatch):  # fmt: skip
    """Costs times 2**k (k down to -1000) are placed as the costs themselves, certified at 0.

    The integer grid stopped at 2**-900, so costs below about 1e-260 all rounded alike: the
    placement was a guess, 10% to 200% off the optimum, with `gap_bound` 0 claimed for some.
    """
    if solver != "transport":
        monkeypatch.setattr(assignment_module, "MAX_PROVIDERS", 0)
    if solver == "auction":
        monkeypatch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)
    for seed in range(4):
        cost, capacity = _problem(seed, n, m)
        reference = solve_assignment(cost, capacity)
        tiny = np.ldexp(cost, exponent)
        for result in (solve_assignment(tiny, capacity), assign(tiny, capacity)):
            assert result.n_assigned == reference.n_assigned
            placed = np.flatnonzero(result.provider >= 0)
            total = math.fsum(cost[placed, result.provider[placed]].tolist())
            assert math.isclose(total, reference.total_cost, rel_tol=1e-12, abs_tol=1e-12)
        exact = solve_assignment(tiny, capacity)
        assert exact.gap_bound <= math.ldexp(reference.gap_bound, exponent)
        assert exact.max_violation <= math.ldexp(max(reference.max_violation, 1e-12), exponent)


def test_subnormal_costs_are_told_apart():
    """Two subnormal costs: the smaller is chosen, as 1 and 2 would be."""
    result = solve_assignment(np.array([[2 * 5e-324], [5e-324]]), [1])
    assert result.provider.tolist() == [-1, 0]
    assert result.total_cost == 5e-324
