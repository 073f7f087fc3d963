"""Big costs an optimal placement needs: the small costs are still placed exactly (levels.py)."""

from __future__ import annotations

import math
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from sparkus import SchemaError
from sparkus.matching import assign, solve_assignment
from sparkus.matching._pairing.exact import solve as solve_module
from tests.matching.pairing.exact_reference import SOLVERS, allowed, brute_force, exact_total

NAN = math.nan


def _network_optimum(cost: np.ndarray, caps: list[int]) -> tuple[int, Fraction]:
    """Most participants placeable and their least exact total: networkx on exact integers.

    ``max_flow_min_cost`` (network simplex) works in Python integers, so the costs times
    ``2**1074`` (every float is an integer there) are compared without rounding; it is checked
    against enumeration in Fractions in :func:`test_optimal_whatever_the_magnitudes`.
    """
    graph = nx.DiGraph()
    for i in range(cost.shape[0]):
        graph.add_edge("source", ("p", i), capacity=1, weight=0)
    for i, j in allowed(cost, caps):
        weight = int(Fraction(float(cost[i, j])) * 2**1074)
        graph.add_edge(("p", i), ("q", j), capacity=1, weight=weight)
    for j, cap in enumerate(caps):
        graph.add_edge(("q", j), "sink", capacity=cap, weight=0)
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    chosen = [(i, j) for i, j in allowed(cost, caps) if flow[("p", i)][("q", j)]]
    return len(chosen), sum((Fraction(float(cost[i, j])) for i, j in chosen), Fraction(0))


def _must_use_big(seed: int, big: float) -> np.ndarray:
    """8 participants, 4 providers: integer costs 1-9, a fifth at `big`, the first only `big`."""
    rng = np.random.default_rng(seed)
    cost = rng.integers(1, 10, size=(8, 4)).astype(float)
    cost[rng.random((8, 4)) < 0.2] = big
    cost[0] = big
    return cost


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("big", [1e18, 1e20, 1e100, 1.7e308])
def test_big_cost_needed_small_costs_exact(big: float, solver: str) -> None:
    """40 instances whose optimum needs a big cost: exact, certified, and never above scipy's,
    whichever solver places them (each one was above the optimum on every seed before; ten
    seeds for the forced solvers, whose levels at 1.7e308 take about 0.5 s an instance)."""
    for seed in range(40 if solver == "transport" else 10):
        cost = _must_use_big(seed, big)
        seated, optimum = _network_optimum(cost, [2] * 4)
        with pytest.MonkeyPatch.context() as patch:
            for name, value in SOLVERS[solver].items():
                patch.setattr(solve_module, name, value)
            result = solve_assignment(cost, 2)
            matched = assign(cost, 2, matcher="exact")
        assert (result.n_assigned, exact_total(cost, result.provider)) == (seated, optimum)
        assert result.gap_bound == 0.0
        assert exact_total(cost, matched.provider) == optimum
        # scipy on the places (each column twice) works in floats at the big cost's scale: no
        # exact reference here (with 1e17, seed 19 is 2 above the optimum)
        places = np.repeat(cost, 2, axis=1)
        rows, slots = linear_sum_assignment(places)
        assert optimum <= sum(
            (Fraction(float(places[r, s])) for r, s in zip(rows, slots, strict=True)), Fraction(0)
        )


_SMALL = st.integers(-9, 9)


@st.composite
def _mixed_instances(draw: st.DrawFn) -> tuple[np.ndarray, list[int]]:
    """Small costs ``v * 2**e``, big ones ``w * 2**f`` (``f >= e``), rows with only big costs.

    Both on short binary grids, so that the optimum is defined exactly whatever ``e`` and
    ``f`` (5e-324 to 1.8e308): ``v`` from -9 to 9, ``w`` from 1 to 1023.
    """
    n = draw(st.integers(2, 5))
    m = draw(st.integers(1, 3))
    e = draw(st.integers(-1074, 1000))
    big = st.tuples(st.integers(1, 1023), st.integers(e, 1013))
    cells = []
    for _ in range(n):
        only_big = draw(st.booleans())
        for _ in range(m):
            kind = draw(
                st.sampled_from(["big", "nan"] if only_big else ["small"] * 3 + ["big", "nan"])
            )
            if kind == "small":
                cells.append(math.ldexp(draw(_SMALL), e))
            elif kind == "big":
                w, f = draw(big)
                cells.append(math.ldexp(w, f))
            else:
                cells.append(NAN)
    caps = draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    return np.array(cells).reshape(n, m), caps


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@given(instance=_mixed_instances())
@example(instance=(np.array([[2.0**70, NAN, NAN], [2, -2, -3], [-3, 2, -1]]), [1, 1, 1]))
def test_optimal_whatever_the_magnitudes(
    solver: str, instance: tuple[np.ndarray, list[int]]
) -> None:
    """Costs from 5e-324 to 1.7e308 together: exactly the optimum, by both doors, each solver."""
    cost, caps = instance
    reference = brute_force(cost, caps)
    assert _network_optimum(cost, caps) == reference  # the two exact references agree
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SOLVERS[solver].items():
            patch.setattr(solve_module, name, value)
        try:
            result = solve_assignment(cost, caps)
        except SchemaError:  # documented: a total or prices beyond the floats, near 1.8e308
            assert float(np.nanmax(np.abs(cost))) > 1e307
            return
        matched = assign(cost, caps, matcher="exact")
    assert (result.n_assigned, exact_total(cost, result.provider)) == reference
    assert exact_total(cost, matched.provider) == reference[1]
    assert result.gap_bound >= 0.0
