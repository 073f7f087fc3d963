"""Tests of the over-demanded branch of `solve_assignment`: the dense solver on places.

Pinned totals were computed with OR-Tools 9.15.6755 (``SimpleMinCostFlow``,
``solve_max_flow_with_min_cost`` on source -> participant -> provider -> sink, unit capacities,
``capacity`` on the provider arcs, costs ``round(cost * 1e6)`` as int64; the construction of
``/tmp/tied.py`` of the issue). Its optimal flow, read back with ``flows`` and summed with
``math.fsum`` over the original float costs, gives the literals below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from sparkus.datasets import synthetic_org
from sparkus.matching import candidate_matrix, solve_assignment
from sparkus.matching._pairing.exact import solve as assignment_module

# OR-Tools 9.15.6755 on the instances of ``tied_instance`` (see the module docstring):
# support type -> (maximum flow, optimal_cost in micro-units, its flow's float total).
PINNED = {
    "coaching": (929, 26_174_932, 26.175000000000008),
    "mentoring": (597, 45_964_453, 45.964583333333344),
}


def tied_instance(support_type: str) -> tuple[sp.csr_array, np.ndarray]:
    """The issue's instance: 4,000 members of a synthetic organisation, k = 50 candidates."""
    org = synthetic_org(20000, seed=1)
    members = np.zeros(len(org.population), dtype=bool)
    members[:4000] = True
    cm = candidate_matrix(
        org.population,
        org.providers,
        members=members,
        support_type=support_type,
        k=50,
        program=org.program,
    )
    return cm.cost(), cm.capacity


def count_slot_calls(patch: pytest.MonkeyPatch) -> list[int]:
    """Count calls of the dense solver on places (`patch` wraps it)."""
    calls: list[int] = []
    original = assignment_module.solve_slots

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    patch.setattr(assignment_module, "solve_slots", counting)
    return calls


def check_certificate(result, cost: np.ndarray, capacity: np.ndarray) -> None:
    """Capacities hold, and the prices certify the placement up to rounding."""
    assert np.all(result.load <= capacity)
    assert result.max_violation <= 1e-9
    assert result.gap_bound <= 1e-9 * max(1.0, abs(result.total_cost))
    placed = result.provider >= 0
    assert np.all(np.isfinite(cost[np.flatnonzero(placed), result.provider[placed]]))


@pytest.mark.parametrize("support_type", sorted(PINNED))
def test_tied_candidate_instances_match_or_tools(support_type, monkeypatch):
    """The issue's tied instances go to the dense solver and reach OR-Tools' optimum."""
    cost, capacity = tied_instance(support_type)
    calls = count_slot_calls(monkeypatch)
    result = solve_assignment(cost, capacity)
    flow, micro, total = PINNED[support_type]
    assert calls == [1]
    assert result.n_assigned == flow
    assert result.total_cost == pytest.approx(total, abs=1e-12)
    # The integer optimum in micro-units bounds the float total within the rounding of the arcs.
    assert abs(result.total_cost * 1e6 - micro) <= 0.5 * flow
    assert np.all(result.load <= capacity)
    assert result.max_violation <= 1e-12
    assert result.gap_bound <= 1e-12


def test_dispatch_rule():
    """The dense solver takes small problems, and four participants per place up to its limit."""
    use = assignment_module._use_slots
    assert use(4000, 1000)
    assert not use(3999, 1000)  # 3,999,000 cells: too large without the demand
    assert use(2000, 1000)  # 2,000,000 cells: small enough whatever the demand
    assert use(10, 3)
    assert use(20_000, 1000)
    assert not use(20_001, 1000)  # over 20,000,000 cells


def networkx_optimum(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, int]:
    """``(largest number placed, least total cost)`` by networkx's ``max_flow_min_cost``."""
    import networkx as nx

    n, m = cost.shape
    graph = nx.DiGraph()
    for i in range(n):
        graph.add_edge("s", ("p", i), capacity=1, weight=0)
        for j in np.flatnonzero(np.isfinite(cost[i])):
            graph.add_edge(("p", i), ("q", int(j)), capacity=1, weight=int(cost[i, j]))
    for j in range(m):
        graph.add_edge(("q", j), "t", capacity=int(capacity[j]), weight=0)
    flow = nx.max_flow_min_cost(graph, "s", "t")
    return sum(flow["s"].values()), int(nx.cost_of_flow(graph, flow))


@st.composite
def small_instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    """Integer costs (random, or few distinct values: ties), some pairs forbidden, and a scale."""
    n = draw(st.integers(1, 14))
    m = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    top = draw(st.sampled_from([2, 4, 100]))  # 2 and 4: heavily tied
    cost = rng.integers(0, top, (n, m)).astype(float)
    cost[rng.random((n, m)) < draw(st.sampled_from([0.0, 0.3, 0.7]))] = np.nan
    capacity = rng.integers(0, 4, m)
    scale = draw(st.sampled_from([1.0, 0.1, 1e-3]))  # 0.1 and 1e-3: off the binary grid
    return cost, capacity, scale


@given(small_instances())
def test_forced_dense_solver_matches_networkx(instance):
    """Forced on small instances, the dense solver gives networkx's cardinality and total."""
    cost, capacity, scale = instance
    expected_count, expected_total = networkx_optimum(cost, capacity)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assignment_module, "MAX_PROVIDERS", 0)
        patch.setattr(assignment_module, "SLOT_DEMAND", 0)
        calls = count_slot_calls(patch)
        result = solve_assignment(cost * scale, capacity)
    usable = np.isfinite(cost[:, capacity > 0]).any(axis=1).any()
    assert calls == ([1] if usable else [])
    assert result.n_assigned == expected_count
    assert result.total_cost == pytest.approx(expected_total * scale, abs=1e-9)
    check_certificate(result, cost, capacity)


def test_float_costs_agree_with_the_auction():
    """On random float costs with 100 providers the dense solver and the auction agree."""
    rng = np.random.default_rng(3)
    n, m, k = 1200, 100, 20
    rows = np.repeat(np.arange(n), k)
    cols = np.concatenate([rng.choice(m, k, replace=False) for _ in range(n)])
    values = rng.random(n * k)
    cost = sp.csr_array((values, (rows, cols)), shape=(n, m))
    full = np.full((n, m), np.nan)
    full[rows, cols] = values
    capacity = rng.integers(0, 6, m)  # about 250 places for 1,200 participants
    with pytest.MonkeyPatch.context() as patch:
        calls = count_slot_calls(patch)
        dense = solve_assignment(cost, capacity)
        assert calls == [1]
        patch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)
        auction = solve_assignment(cost, capacity)
        assert calls == [1]
    assert dense.n_assigned == auction.n_assigned == int(capacity.sum())
    assert math.isclose(dense.total_cost, auction.total_cost, rel_tol=1e-12)
    check_certificate(dense, full, capacity)
