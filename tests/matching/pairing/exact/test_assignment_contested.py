"""Tests of `solve_assignment` on contested instances: few providers, capacity near demand.

These instances go to the transportation solver (`_assignment_transport`). Pinned totals were
computed once with OR-Tools 9.15 (9.15.6755): ``SimpleMinCostFlow`` with
``add_arcs_with_capacity_and_unit_cost`` on source -> participant (capacity 1, cost 0) ->
provider (capacity 1, the integer cost; one arc per finite entry) -> sink (capacity
``capacity[j]``, cost 0), supplies ``n`` and ``-n``, ``solve_max_flow_with_min_cost``, then
``(maximum_flow(), optimal_cost())``. The instances are rebuilt here from their seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from sparkus.matching._pairing.exact import solve as assignment_module
from sparkus.matching._pairing.exact import transport as transport_module
from sparkus.matching._pairing.exact.result import AssignmentResult
from sparkus.matching._pairing.exact.solve import solve_assignment

# -- instances (rebuilt from seeds) and their pinned optima --------------------------------------


def dense_instance() -> tuple[np.ndarray, np.ndarray]:
    """Capacity equals demand: 3,000 participants, 4 providers of 750 places."""
    rng = np.random.default_rng(31)
    return rng.integers(0, 100, (3000, 4)).astype(float), np.full(4, 750)


def skewed_instance() -> tuple[np.ndarray, np.ndarray]:
    """Every participant prefers provider 0, then 1, ...: long chains of displaced people."""
    rng = np.random.default_rng(32)
    cost = rng.integers(0, 200, (2000, 6)) + 60 * np.arange(6)
    return cost.astype(float), np.full(6, 334)


def short_instance() -> tuple[np.ndarray, np.ndarray]:
    """1,500 participants for 1,200 places: 300 must be left out."""
    rng = np.random.default_rng(33)
    cost = rng.integers(0, 1000, (1500, 5)).astype(float)
    return cost, np.array([250, 250, 250, 250, 200])


def sparse_instance() -> tuple[np.ndarray, np.ndarray]:
    """Each pair allowed with probability 0.3: the lists, not only the places, bind."""
    rng = np.random.default_rng(34)
    cost = rng.integers(0, 500, (2000, 8)).astype(float)
    cost[rng.random(cost.shape) < 0.7] = np.nan
    return cost, np.full(8, 250)


def ties_instance() -> tuple[np.ndarray, np.ndarray]:
    """Costs 0-9 only: thousands of ties, capacity equals demand."""
    rng = np.random.default_rng(35)
    return rng.integers(0, 10, (4000, 5)).astype(float), np.full(5, 800)


# OR-Tools 9.15.6755 (see the module docstring): (largest number placed, least total cost).
PINNED = {
    "dense": (3000, 58345),
    "skewed": (2000, 354524),
    "short": (1200, 133484),
    "sparse": (1859, 297973),
    "ties": (4000, 4714),
}
INSTANCES = {
    "dense": dense_instance,
    "skewed": skewed_instance,
    "short": short_instance,
    "sparse": sparse_instance,
    "ties": ties_instance,
}


# -- references ----------------------------------------------------------------------------------


def networkx_optimum(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    """(most placed, least cost for that many) by networkx's max_flow_min_cost."""
    import networkx as nx

    n, m = cost.shape
    graph = nx.DiGraph()
    graph.add_node("s")
    graph.add_node("t")
    for i in range(n):
        graph.add_edge("s", ("p", i), capacity=1, weight=0)
        for j in np.flatnonzero(np.isfinite(cost[i])):
            graph.add_edge(("p", i), ("q", int(j)), capacity=1, weight=int(cost[i, j]))
    for j in range(m):
        graph.add_edge(("q", j), "t", capacity=int(capacity[j]), weight=0)
    flow = nx.max_flow_min_cost(graph, "s", "t")
    return sum(flow["s"].values()), float(nx.cost_of_flow(graph, flow))


def check_certificate(result: AssignmentResult, cost: np.ndarray) -> None:
    """Prices >= 0, 0 where room is left, and no placed participant off its cheapest option."""
    assert np.all(result.prices >= 0)
    assert np.all(result.prices[result.load < result.capacity] == 0)
    placed = np.flatnonzero(result.provider >= 0)
    own = cost[placed, result.provider[placed]] + result.prices[result.provider[placed]]
    best = np.nanmin(np.where(np.isfinite(cost[placed]), cost[placed] + result.prices, np.nan), 1)
    assert np.all(own - best <= result.max_violation)


@st.composite
def contested_problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Up to 14 participants and 4 providers, integer costs, capacities summing near n."""
    n = draw(st.integers(1, 14))
    m = draw(st.integers(1, 4))
    cells = draw(st.lists(st.integers(0, 30), min_size=n * m, max_size=n * m))
    cost = np.array(cells, dtype=float).reshape(n, m)
    skew = draw(st.lists(st.integers(0, 40), min_size=m, max_size=m))
    cost += np.array(skew, dtype=float)  # some providers popular with everyone
    banned = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
    cost[np.array(banned).reshape(n, m) & (draw(st.integers(0, 3)) == 0)] = np.nan
    total = draw(st.integers(max(0, n - 3), n + 2))
    share = draw(st.lists(st.integers(0, 5), min_size=m, max_size=m))
    weights = np.array(share, dtype=float) + 1e-9
    capacity = np.floor(total * weights / weights.sum()).astype(int)
    capacity[0] += total - int(capacity.sum())
    return cost, capacity


# -- exactness -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_optima(name):
    """The placed count and total equal the OR-Tools optimum pinned for each instance."""
    cost, capacity = INSTANCES[name]()
    result = solve_assignment(cost, capacity)
    assert (result.n_assigned, result.total_cost) == PINNED[name]
    assert result.gap_bound == 0.0
    assert result.max_violation == 0.0
    assert np.all(result.load <= capacity)
    check_certificate(result, cost)


@pytest.mark.parametrize("name", ["short", "sparse"])
def test_auction_agrees_on_contested_instances(name, monkeypatch):
    """With the transportation solver switched off, the auction reaches the same optimum."""
    monkeypatch.setattr(assignment_module, "MAX_PROVIDERS", 0)
    monkeypatch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)  # the auction alone
    cost, capacity = INSTANCES[name]()
    result = solve_assignment(cost, capacity)
    assert (result.n_assigned, result.total_cost) == PINNED[name]


def test_shortest_paths_alone_reach_the_optimum(monkeypatch):
    """Without the shedding passes, the shortest paths alone reach the pinned optimum."""
    monkeypatch.setattr(transport_module, "_SHED_PASSES", 0)
    cost, capacity = skewed_instance()
    result = solve_assignment(cost, capacity)
    assert (result.n_assigned, result.total_cost) == PINNED["skewed"]


def test_duality_gap_is_zero():
    """The prices' dual bound equals the total: sum of best cost-plus-price less paid capacity."""
    cost, capacity = dense_instance()
    result = solve_assignment(cost, capacity)
    best = (cost + result.prices).min(axis=1)
    dual = math.fsum(best.tolist()) - math.fsum((capacity * result.prices).tolist())
    assert dual == result.total_cost
    assert np.any(result.prices > 0)  # contested: the certificate is not trivial


def counted_transport(monkeypatch) -> list[int]:
    """Patch the transportation solver to record each call; return the record."""
    calls: list[int] = []
    original = assignment_module.transport

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(assignment_module, "transport", counting)
    return calls


def test_transport_solver_is_used_by_the_measured_rule(monkeypatch):
    """Transport for m <= 32 at any n, or m <= 64 and n * m <= 50,000; the auction otherwise.

    The limits were measured (issue 5; see "Which solver" in `_assignment`): beyond them the
    transportation solver was several times slower than the auction on random costs.
    """
    calls = counted_transport(monkeypatch)
    rng = np.random.default_rng(1)
    few, most = assignment_module.ANY_SIZE_PROVIDERS, assignment_module.MAX_PROVIDERS
    cells = assignment_module.MAX_CELLS
    expected = []
    for n, m in [
        (50, few),  # few providers: transport
        (cells // few + 50, few),  # few providers, many participants: still transport
        (cells // most, most),  # up to 64 providers within the cell limit: transport
        (cells // most + 1, most),  # one participant over the cell limit: auction
        (50, most + 1),  # more than 64 providers: auction
    ]:
        before = len(calls)
        result = solve_assignment(rng.integers(0, 9, (n, m)).astype(float), 2)
        assert result.n_assigned == min(n, 2 * m)
        expected.append(len(calls) - before)
    assert expected == [1, 1, 1, 0, 0]


def mentoring_like_instance() -> tuple[np.ndarray, np.ndarray]:
    """Like the demo's mentoring assignment: 150 x 50, 3 places each, tied float costs.

    Costs are ``1 - score`` from a few participant and provider groups plus a provider
    rating, as `candidate_matrix` builds them: few distinct values, off every binary grid, and
    everyone prefers the same providers (a price war for the auction).
    """
    rng = np.random.default_rng(38)
    group_p, group_q = rng.integers(0, 5, 150), rng.integers(0, 5, 50)
    rating = np.round(rng.random(50) * 8) / 8
    score = 1 - (np.abs(group_p[:, None] - group_q[None, :]) / 4 + rating[None, :]) / 3
    cost = 1 - score
    cost[rng.random(cost.shape) < 0.01] = np.nan  # a few pairs not allowed
    return cost, np.full(50, 3)


# scipy 1.17.1: linear_sum_assignment on np.repeat(np.nan_to_num(cost, nan=1e6), 3, axis=1)
# (each provider repeated for its 3 places), total by math.fsum: all 150 placed at this cost.
MENTORING_TOTAL = 28.333333333333332


def test_mentoring_like_instance_goes_to_transport_and_agrees(monkeypatch):
    """The demo-like 150 x 50 contested instance takes the (faster) transportation solver.

    It was about ten times faster there (0.09 s against 0.96 s for the demo's own instance);
    the auction, forced, reaches the same total, and both equal the pinned optimum.
    """
    cost, capacity = mentoring_like_instance()
    calls = counted_transport(monkeypatch)
    fast = solve_assignment(cost, capacity)
    assert len(calls) == 1
    monkeypatch.setattr(assignment_module, "MAX_PROVIDERS", 0)
    monkeypatch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)  # the auction alone
    slow = solve_assignment(cost, capacity)
    assert len(calls) == 1
    assert fast.n_assigned == slow.n_assigned == 150
    assert fast.total_cost == pytest.approx(slow.total_cost, abs=1e-9)
    assert fast.total_cost == pytest.approx(MENTORING_TOTAL, abs=1e-9)
    assert fast.gap_bound <= 1e-9
    check_certificate(fast, cost)


def test_transport_handles_64_providers_with_binding_lists(monkeypatch):
    """At the 64-provider limit, sparse lists that leave people out agree with the auction."""
    rng = np.random.default_rng(39)
    cost = rng.integers(0, 100, (200, 64)).astype(float)
    cost[rng.random(cost.shape) < 0.95] = np.nan
    cost[:, 63] = np.where(rng.random(200) < 0.5, 5.0, np.nan)  # the last column's bit is used
    capacity = np.full(64, 4)
    calls = counted_transport(monkeypatch)
    fast = solve_assignment(cost, capacity)
    assert len(calls) == 1
    monkeypatch.setattr(assignment_module, "MAX_PROVIDERS", 0)
    monkeypatch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)  # the auction alone
    slow = solve_assignment(cost, capacity)
    assert fast.n_assigned == slow.n_assigned < 200
    assert fast.total_cost == slow.total_cost


def test_random_float_costs_are_exact():
    """Draws of ``Generator.random`` lie on the grid 2**-53: solved exactly, LSA's total."""
    rng = np.random.default_rng(36)
    cost = rng.random((600, 4))
    capacity = np.full(4, 150)
    result = solve_assignment(cost, capacity)
    replicated = np.repeat(cost, capacity, axis=1)
    rows, cols = linear_sum_assignment(replicated)
    assert result.gap_bound == 0.0
    assert result.total_cost == pytest.approx(math.fsum(replicated[rows, cols].tolist()), abs=1e-9)


def test_off_grid_float_costs_are_repaired():
    """Costs off every binary grid (tenths) reach LSA's total with a rounding-sized gap."""
    rng = np.random.default_rng(37)
    cost = rng.integers(0, 1000, (400, 5)) / 10.0
    capacity = np.full(5, 80)
    result = solve_assignment(cost, capacity)
    replicated = np.repeat(cost, capacity, axis=1)
    rows, cols = linear_sum_assignment(replicated)
    assert result.total_cost == pytest.approx(math.fsum(replicated[rows, cols].tolist()), abs=1e-9)
    assert result.gap_bound <= 1e-9


def test_sparse_input_with_few_providers():
    """A sparse matrix with few providers gives the same optimum as its dense form."""
    cost, capacity = sparse_instance()
    rows, cols = np.nonzero(np.isfinite(cost))
    matrix = sp.csr_array((cost[rows, cols], (rows, cols)), shape=cost.shape)
    result = solve_assignment(matrix, capacity)
    assert (result.n_assigned, result.total_cost) == PINNED["sparse"]


@given(contested_problems(), st.data())
def test_contested_equal_networkx(problem, data):
    """On small contested instances the result equals networkx's max-flow min-cost optimum."""
    cost, capacity = problem
    n, m = cost.shape
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)))
    mask = mask.reshape(n, m) & data.draw(st.booleans())
    result = solve_assignment(cost, capacity, forbidden=mask)
    placed = np.flatnonzero(result.provider >= 0)
    assert not mask[placed, result.provider[placed]].any()
    assert np.all(np.isfinite(cost[placed, result.provider[placed]]))
    load = np.bincount(result.provider[placed], minlength=m)
    assert np.all(load <= capacity)
    assert np.array_equal(load, result.load)
    blanked = np.where(mask, np.nan, cost)
    assert (result.n_assigned, result.total_cost) == networkx_optimum(blanked, capacity)
    assert result.gap_bound == 0.0
    check_certificate(result, blanked)
