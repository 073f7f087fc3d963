"""Tests of the exact capacitated assignment (`solve_assignment`) and its solver internals.

Pinned totals were computed once with OR-Tools 9.15 (``SimpleMinCostFlow``,
``solve_max_flow_with_min_cost`` on source -> participant -> provider -> sink, unit capacities
and ``capacity`` on the provider arcs) and agreed with networkx 3.6.1
(``max_flow_min_cost`` on the same network) wherever networkx was run; the instances are rebuilt
here from their seeds.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from sparkus import SchemaError
from sparkus.matching._pairing.exact import auction as auction_module
from sparkus.matching._pairing.exact import solve as assignment_module
from sparkus.matching._pairing.exact.auction import _Auction, auction
from sparkus.matching._pairing.exact.repair import repair
from sparkus.matching._pairing.exact.result import AssignmentResult
from sparkus.matching._pairing.exact.solve import solve_assignment

# -- instances (rebuilt from seeds) and their pinned optima --------------------------------------


def dense_instance() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2024)
    cost = rng.integers(0, 50, (40, 6)).astype(float)
    cost[rng.random((40, 6)) < 0.2] = np.nan
    return cost, rng.integers(2, 9, 6)


def sparse_instance() -> tuple[sp.csr_array, np.ndarray]:
    rng = np.random.default_rng(7)
    n, m, k = 300, 40, 5
    rows = np.repeat(np.arange(n), k)
    cols = np.concatenate([rng.choice(m, k, replace=False) for _ in range(n)])
    data = rng.integers(0, 1000, n * k).astype(float)
    return sp.csr_array((data, (rows, cols)), shape=(n, m)), rng.integers(0, 11, m)


def short_instance() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    return rng.integers(0, 100, (60, 5)).astype(float), np.full(5, 3)


def medium_instance() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    return rng.integers(0, 10_000, (2000, 100)).astype(float), np.full(100, 25)


def popular_instance() -> tuple[sp.csr_array, np.ndarray]:
    """Everyone wants the same few providers: long exchange chains for the solver."""
    rng = np.random.default_rng(3)
    n, m, k = 3000, 150, 12
    rows = np.repeat(np.arange(n), k)
    cols = np.concatenate([rng.choice(m, k, replace=False) for _ in range(n)])
    quality = (rng.random(m) ** 3 * 1000).astype(int)
    data = (quality[cols] + rng.integers(0, 100, n * k)).astype(float)
    return sp.csr_array((data, (rows, cols)), shape=(n, m)), np.full(m, 25)


# OR-Tools 9.15 (and networkx 3.6.1 for all but the medium instance):
# (largest number placed, least total cost for that number).
PINNED = {
    "dense": (22, 105),  # networkx agrees
    "sparse": (182, 20105),  # networkx agrees
    "short": (15, 40),  # networkx agrees: capacity 15 for 60 participants
    "medium": (2000, 196823),
    "popular": (3000, 420311),  # networkx agrees
}
INSTANCES = {
    "dense": dense_instance,
    "sparse": sparse_instance,
    "short": short_instance,
    "medium": medium_instance,
    "popular": popular_instance,
}


# -- references ----------------------------------------------------------------------------------


def brute_force(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    """(most placed, least cost for that many) by trying every choice of every row."""
    n, m = cost.shape
    options = [[-1, *np.flatnonzero(np.isfinite(cost[i])).tolist()] for i in range(n)]
    best = (-1, math.inf)
    for choice in itertools.product(*options):
        load = np.bincount([j for j in choice if j >= 0], minlength=m)
        if np.any(load > capacity):
            continue
        placed = sum(j >= 0 for j in choice)
        total = math.fsum(cost[i, j] for i, j in enumerate(choice) if j >= 0)
        if placed > best[0] or (placed == best[0] and total < best[1]):
            best = (placed, total)
    return best


def by_replication(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    """The optimum by scipy's linear_sum_assignment on copies of each column (all placeable)."""
    replicated = np.repeat(cost, capacity, axis=1)
    rows, cols = linear_sum_assignment(replicated)
    return len(rows), math.fsum(replicated[rows, cols].tolist())


# -- strategies ----------------------------------------------------------------------------------


@st.composite
def small_problems(draw: st.DrawFn, floats: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A cost matrix of at most 5 x 3 (NaN: not allowed) and capacities 0-3."""
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 3))
    if floats:
        values = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
    else:
        values = st.integers(-20, 20).map(float)
    cells = draw(st.lists(values, min_size=n * m, max_size=n * m))
    cost = np.array(cells, dtype=float).reshape(n, m)
    banned = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)))
    cost[banned.reshape(n, m)] = np.nan
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    return cost, capacity


def check_feasible(result: AssignmentResult, cost: np.ndarray, capacity: np.ndarray) -> None:
    placed = np.flatnonzero(result.provider >= 0)
    assert np.all(np.isfinite(cost[placed, result.provider[placed]]))
    load = np.bincount(result.provider[placed], minlength=cost.shape[1])
    assert np.all(load <= capacity)
    assert np.array_equal(load, result.load)


# -- exactness -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_optima(name):
    """The placed count and total equal the OR-Tools optimum pinned for each instance."""
    cost, capacity = INSTANCES[name]()
    result = solve_assignment(cost, capacity)
    assert (result.n_assigned, result.total_cost) == PINNED[name]
    assert result.gap_bound == 0.0


def test_live_networkx_comparison():
    """On random integer instances the result equals networkx's max-flow min-cost optimum."""
    import networkx as nx

    rng = np.random.default_rng(99)
    for _ in range(5):
        n, m = int(rng.integers(5, 30)), int(rng.integers(2, 8))
        cost = rng.integers(0, 30, (n, m)).astype(float)
        cost[rng.random((n, m)) < 0.3] = np.nan
        capacity = rng.integers(0, 5, m)
        graph = nx.DiGraph()
        for i in range(n):
            graph.add_edge("s", ("p", i), capacity=1, weight=0)
            for j in np.flatnonzero(np.isfinite(cost[i])):
                graph.add_edge(("p", i), ("q", int(j)), capacity=1, weight=int(cost[i, j]))
        for j in range(m):
            graph.add_edge(("q", j), "t", capacity=int(capacity[j]), weight=0)
        flow = nx.max_flow_min_cost(graph, "s", "t")
        result = solve_assignment(cost, capacity)
        assert result.n_assigned == sum(flow["s"].values())
        assert result.total_cost == nx.cost_of_flow(graph, flow)


def test_float_costs_match_linear_sum_assignment():
    """Random float costs give scipy's optimum on replicated columns, with a tiny gap bound."""
    rng = np.random.default_rng(17)
    cost = rng.random((300, 20))
    capacity = np.full(20, 16)
    result = solve_assignment(cost, capacity)
    placed, total = by_replication(cost, capacity)
    assert result.n_assigned == placed
    assert result.total_cost == pytest.approx(total, abs=1e-9)
    assert result.gap_bound <= 1e-9


def test_binary_fraction_costs_are_exact():
    """Costs on a binary grid (quarters) are solved exactly: gap bound 0, LSA's total."""
    rng = np.random.default_rng(23)
    cost = rng.integers(0, 400, (120, 8)) / 4.0
    capacity = np.full(8, 15)
    result = solve_assignment(cost, capacity)
    assert result.gap_bound == 0.0
    assert result.total_cost == by_replication(cost, capacity)[1]


@given(small_problems())
def test_integer_costs_equal_brute_force(problem):
    """On small integer instances the placed count and total equal a brute-force search."""
    cost, capacity = problem
    result = solve_assignment(cost, capacity)
    check_feasible(result, cost, capacity)
    assert (result.n_assigned, result.total_cost) == brute_force(cost, capacity)
    assert result.gap_bound == 0.0


@given(small_problems())
def test_auction_equals_brute_force_on_few_providers(problem):
    """With the transportation solver switched off, the auction alone equals brute force."""
    cost, capacity = problem
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assignment_module, "MAX_PROVIDERS", 0)
        patch.setattr(assignment_module, "MAX_SLOT_CELLS", 0)  # the auction alone
        result = solve_assignment(cost, capacity)
    check_feasible(result, cost, capacity)
    assert (result.n_assigned, result.total_cost) == brute_force(cost, capacity)
    assert result.gap_bound == 0.0


@given(small_problems(floats=True))
def test_float_costs_equal_brute_force(problem):
    """On small float instances the total equals a brute-force search up to rounding."""
    cost, capacity = problem
    result = solve_assignment(cost, capacity)
    check_feasible(result, cost, capacity)
    placed, total = brute_force(cost, capacity)
    assert result.n_assigned == placed
    assert result.total_cost == pytest.approx(total, abs=1e-9)
    assert result.gap_bound <= 1e-9


@given(small_problems(), st.randoms(use_true_random=False))
def test_row_permutation_leaves_the_optimum(problem, random):
    """Permuting the rows changes neither the number placed nor the total cost."""
    cost, capacity = problem
    order = list(range(cost.shape[0]))
    random.shuffle(order)
    first = solve_assignment(cost, capacity)
    second = solve_assignment(cost[order], capacity)
    assert (first.n_assigned, first.total_cost) == (second.n_assigned, second.total_cost)


@given(small_problems(), st.data())
def test_forbidden_pairs_are_never_used(problem, data):
    """A forbidden pair is never used, and forbidding equals marking the cost NaN."""
    cost, capacity = problem
    n, m = cost.shape
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)))
    mask = mask.reshape(n, m)
    result = solve_assignment(cost, capacity, forbidden=mask)
    placed = np.flatnonzero(result.provider >= 0)
    assert not mask[placed, result.provider[placed]].any()
    blanked = np.where(mask, np.nan, cost)
    assert (result.n_assigned, result.total_cost) == brute_force(blanked, capacity)


def test_certificate_prices():
    """Prices are non-negative, zero where room is left, and certify the total."""
    cost, capacity = sparse_instance()
    result = solve_assignment(cost, capacity)
    assert np.all(result.prices >= 0)
    assert np.all(result.prices[result.load < result.capacity] == 0)
    coo = cost.tocoo()
    dense = np.full(cost.shape, np.nan)
    dense[coo.row, coo.col] = coo.data
    placed = np.flatnonzero(result.provider >= 0)
    own = dense[placed, result.provider[placed]] + result.prices[result.provider[placed]]
    best = np.nanmin(dense[placed] + result.prices, axis=1)
    assert np.all(own - best <= result.max_violation + 1e-12)


# -- the solver's paths --------------------------------------------------------------------------


@pytest.mark.parametrize("reverse_rounds", [0, 24])
def test_popular_instance_drains_by_shortest_paths(monkeypatch, reverse_rounds):
    """Priced free places are drained by shortest paths or reverse rounds, still optimally."""
    calls = []
    original = _Auction.drain

    def counting(self, eps):
        calls.append(eps)
        return original(self, eps)

    monkeypatch.setattr(_Auction, "drain", counting)
    monkeypatch.setattr(auction_module, "_REVERSE_ROUNDS", reverse_rounds)
    cost, capacity = popular_instance()
    result = solve_assignment(cost, capacity)
    if reverse_rounds == 0:
        assert calls
    assert (result.n_assigned, result.total_cost) == PINNED["popular"]


def test_reverse_rounds_when_integers_are_too_large_for_dijkstra():
    """With costs near 2**55 the drain declines and reverse rounds reach the optimum."""
    rng = np.random.default_rng(4)
    n, m = 6, 3
    small = rng.integers(0, 20, (n, m))
    cost = small.astype(np.int64) * (1 << 50)
    capacity = np.array([2, 2, 1])
    out = auction(
        np.arange(0, n * m + 1, m, dtype=np.intp),
        np.tile(np.arange(m, dtype=np.intp), n),
        cost.ravel() * (n + 1),
        capacity.astype(np.int64),
        artificial_cost=int(cost.max() + 1) * (n + 1),
    )
    chosen = out.arc >= 0
    total = int(small.ravel()[out.arc[chosen]].sum())
    assert (int(chosen.sum()), total) == brute_force(small.astype(float), capacity)


def test_repair_cancels_a_negative_cycle():
    """Given a worse assignment and no prices, the float repair finds the optimum."""
    cost = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.5]])
    indptr = np.arange(0, 10, 3, dtype=np.intp)
    cols = np.tile(np.arange(3, dtype=np.intp), 3)
    worst = np.array([0, 4, 8], dtype=np.intp)  # the diagonal: 14.5
    fixed = repair(
        indptr=indptr,
        cols=cols,
        costs=cost.ravel(),
        capacity=np.ones(3, dtype=np.int64),
        arc=worst,
        prices=np.zeros(3),
        artificial_cost=100.0,
        artificial_price=0.0,
        left_over=0,
        exact=False,
        integer_violation=None,
        unit=1.0,
    )
    rows, assigned = linear_sum_assignment(cost)
    assert cost.ravel()[fixed.arc].sum() == cost[rows, assigned].sum()
    assert fixed.gap_bound <= 1e-12


# -- semantics of the input ----------------------------------------------------------------------


def test_sparse_explicit_zero_is_allowed_and_missing_is_not():
    """A stored zero is an allowed pair of cost 0; an absent entry is not allowed."""
    cost = sp.csr_array((np.array([0.0, 5.0]), (np.array([0, 1]), np.array([0, 0]))), shape=(3, 2))
    result = solve_assignment(cost, [2, 5])
    assert result.provider.tolist() == [0, 0, -1]
    assert result.total_cost == 5.0
    assert result.unassigned_reason == {2: "no candidate"}


def test_unassigned_reasons():
    """Rows with no allowed provider say 'no candidate'; rows crowded out say 'capacity'."""
    cost = np.array([[1.0, np.nan], [2.0, np.nan], [np.nan, np.inf], [3.0, 9.0]])
    result = solve_assignment(cost, [1, 0])
    assert result.n_assigned == 1
    assert result.unassigned_reason == {1: "capacity", 2: "no candidate", 3: "capacity"}


@pytest.mark.parametrize(
    "forbidden",
    [
        [(0, 0)],
        np.array([[True, False], [False, False]]),
        sp.csr_array(np.array([[1, 0], [0, 0]])),
    ],
)
def test_forbidden_forms(forbidden):
    """Pairs, a boolean mask and a sparse mask all forbid the same pair."""
    cost = np.array([[0.0, 10.0], [1.0, 2.0]])
    result = solve_assignment(cost, 1, forbidden=forbidden)
    assert result.provider.tolist() == [1, 0]


def test_inputs_are_not_mutated():
    """The cost matrix, capacities and mask come back unchanged (dense and sparse)."""
    cost, capacity = dense_instance()
    dense_copy, capacity_copy = cost.copy(), capacity.copy()
    mask = np.zeros(cost.shape, dtype=bool)
    mask[0, 0] = True
    solve_assignment(cost, capacity, forbidden=mask)
    assert np.array_equal(cost, dense_copy, equal_nan=True)
    assert np.array_equal(capacity, capacity_copy)
    coo = sp.coo_array((np.array([3.0, 1.0]), (np.array([0, 0]), np.array([0, 0]))), shape=(2, 2))
    data_before = coo.data.copy()
    result = solve_assignment(coo, [1, 1])
    assert np.array_equal(coo.data, data_before)
    assert result.total_cost == 4.0  # duplicates are summed, as scipy does


def test_empty_problems():
    """No rows, or no providers, give an empty or all-unplaced result."""
    none = solve_assignment(np.zeros((0, 3)), [1, 1, 1])
    assert none.n == 0
    assert none.total_cost == 0.0
    nobody = solve_assignment(np.zeros((2, 0)), [])
    assert nobody.provider.tolist() == [-1, -1]
    assert nobody.unassigned_reason == {0: "no candidate", 1: "no candidate"}


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "capacity", "forbidden", "where"),
    [
        (np.array([[1.0, -np.inf]]), [1, 1], None, "cost"),
        (np.array([1.0, 2.0]), [1, 1], None, "cost"),
        (np.array([["a", "b"]]), [1, 1], None, "cost"),
        (np.array([[True, False]]), [1, 1], None, "cost"),
        (np.ones((2, 2)), [1, -1], None, "capacity"),
        (np.ones((2, 2)), [1, 1.5], None, "capacity"),
        (np.ones((2, 2)), [1, 1, 1], None, "capacity"),
        (np.ones((2, 2)), "two", None, "capacity"),
        (np.ones((2, 2)), 1, [(0, 5)], "forbidden"),
        (np.ones((2, 2)), 1, np.ones((3, 2), dtype=bool), "forbidden"),
        (np.ones((2, 2)), 1, np.ones((2, 2)), "forbidden"),
    ],
)
def test_bad_input_raises_schema_error(cost, capacity, forbidden, where):
    """Malformed input raises SchemaError naming the parameter (never a bare exception)."""
    with pytest.raises(SchemaError) as info:
        solve_assignment(cost, capacity, forbidden=forbidden)
    assert info.value.problems[0].path[0] == where
    assert isinstance(info.value, ValueError)


def test_every_problem_is_reported_at_once():
    """A bad cost and a bad capacity are both listed in one SchemaError."""
    with pytest.raises(SchemaError) as info:
        solve_assignment(np.array([[-np.inf]]), [-2])
    assert [p.path[0] for p in info.value.problems] == ["cost", "capacity"]


# -- the result object ---------------------------------------------------------------------------


def test_result_views():
    """summary, to_dict (JSON-ready), the HTML view and the one-line repr all work."""
    cost, capacity = short_instance()
    result = solve_assignment(cost, capacity)
    text = result.summary()
    assert "unassigned: capacity" in text
    assert "45" in text
    data = json.loads(json.dumps(result.to_dict()))
    assert data["n_assigned"] == 15
    assert len(data["provider"]) == 60
    assert set(data["unassigned_reason"].values()) == {"capacity"}
    assert len(data["unassigned_reason"]) == 45
    assert result._repr_html_().startswith("<div")
    assert repr(result) == "AssignmentResult(n=60, assigned=15, total_cost=40, gap_bound=0)"


def test_no_warnings_on_ordinary_input():
    """Solving an ordinary instance raises no warning at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        solve_assignment(*dense_instance())
