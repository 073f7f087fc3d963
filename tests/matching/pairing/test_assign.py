"""Tests of `assign`: validation, fixed pairs, load caps, the exact load penalty, quality figures.

The pinned optima of the load penalty were computed with OR-Tools 9.15.6755
(``ortools.graph.python.min_cost_flow.SimpleMinCostFlow``, ``solve_max_flow_with_min_cost``) on
source -> participant (capacity 1, cost 0) -> provider (capacity 1, cost = the pair's cost) ->
sink, each provider ``j`` joined to the sink by ``capacity[j]`` parallel unit arcs of costs
``λ (2t - 1) / capacity[j]``, t = 1, 2, ... (a convex cost of the load as parallel arcs); the
instances are rebuilt here from their seeds by `penalty_instance`.
"""

from __future__ import annotations

import itertools
import json
import math

import attrs
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from sparkus import InfeasibleError, SchemaError
from sparkus.matching import Assignment, assign, solve_assignment
from sparkus.matching._pairing.assign_result import gini as _gini


@attrs.frozen(eq=False)
class FakeCandidates:
    """A stand-in for the scoring module's CandidateMatrix (duck-typed by `assign`)."""

    participant_ids: tuple[str, ...]
    provider_ids: tuple[str, ...]
    scores: sp.csr_array
    capacity: np.ndarray

    def cost(self) -> sp.csr_array:
        out = self.scores.copy()
        out.data = 1.0 - out.data
        return out


def fake_candidates() -> FakeCandidates:
    scores = np.array(
        [[0.9, 0.5, 0.0], [0.8, 0.0, 0.6], [0.7, 0.4, 0.0], [0.0, 0.9, 0.3]]
    )  # 0: not a candidate
    rows, cols = np.nonzero(scores)
    matrix = sp.csr_array((scores[rows, cols], (rows, cols)), shape=scores.shape)
    return FakeCandidates(
        ("ana", "bo", "cy", "di"), ("c1", "c2", "c3"), matrix, np.array([1, 2, 1])
    )


def penalty_instance(seed: int, n: int, caps: list[int]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 31, (n, len(caps))).astype(float)
    cost[rng.random((n, len(caps))) < 0.25] = np.nan
    return cost, np.array(caps)


# (seed, n, capacity, λ) -> (largest number placed, least cost + penalty), OR-Tools 9.15.6755
PINNED_PENALTY = {
    (42, 10, (2, 4, 6), 12): (10, 212),
    (43, 14, (2, 4, 6), 12): (12, 288),
    (44, 9, (3, 3, 6), 6): (9, 162),
}


def brute_force(cost, capacity, penalty=0.0, fixed=None):
    """(most placed, least cost + penalty for that many), trying every choice of every row."""
    n, m = cost.shape
    fixed = fixed or {}
    options = [
        [fixed[i]] if i in fixed else [-1, *np.flatnonzero(np.isfinite(cost[i])).tolist()]
        for i in range(n)
    ]
    best = (-1, math.inf)
    for choice in itertools.product(*options):
        load = np.bincount([j for j in choice if j >= 0], minlength=m)
        if np.any(load > capacity):
            continue
        placed = sum(j >= 0 for j in choice)
        positive = capacity > 0
        total = math.fsum(cost[i, j] for i, j in enumerate(choice) if j >= 0) + penalty * float(
            np.sum(load[positive] ** 2 / capacity[positive])
        )
        if placed > best[0] or (placed == best[0] and total < best[1] - 1e-12):
            best = (placed, total)
    return best


# -- the basics ----------------------------------------------------------------------------------


def test_exact_matches_solve_assignment():
    """With the exact matcher and no options, assign agrees with solve_assignment."""
    rng = np.random.default_rng(5)
    cost = rng.integers(0, 50, (40, 6)).astype(float)
    cost[rng.random((40, 6)) < 0.3] = np.nan
    capacity = rng.integers(0, 9, 6)
    reference = solve_assignment(cost, capacity)
    result = assign(cost, capacity)
    assert result.n_assigned == reference.n_assigned
    assert result.total_cost == reference.total_cost
    assert result.matcher == "exact"
    assert np.array_equal(
        result.load, np.bincount(result.provider[result.provider >= 0], minlength=6)
    )


def test_inputs_not_mutated():
    """assign leaves the caller's cost matrix and capacities unchanged."""
    cost = np.array([[1.0, np.nan], [2.0, 3.0]])
    capacity = np.array([1, 1])
    before = cost.copy(), capacity.copy()
    assign(cost, capacity, fixed={0: 0}, load_penalty=1.0)
    assert np.array_equal(cost, before[0], equal_nan=True)
    assert np.array_equal(capacity, before[1])


def test_candidate_matrix_by_id():
    """A candidate matrix: ids in pairs and reasons, compatibility reported, its capacity used."""
    result = assign(fake_candidates())
    assert result.pairs() == {"ana": "c1", "bo": "c3", "cy": "c2", "di": "c2"}
    assert result.mean_compatibility == pytest.approx((0.9 + 0.6 + 0.4 + 0.9) / 4)
    assert result.total_cost == pytest.approx(0.1 + 0.4 + 0.6 + 0.1)
    assert np.array_equal(result.capacity, [1, 2, 1])
    assert result.compatibility is not None
    assert result.compatibility[2] == pytest.approx(0.4)


def test_candidate_matrix_fixed_and_forbidden_by_id():
    """Fixed and forbidden pairs are given by id for a candidate matrix."""
    result = assign(fake_candidates(), fixed={"cy": "c1"}, forbidden=[("di", "c2")])
    # c1 is full with cy, so bo (0.6) and di (0.3) both want c3's one place: bo scores higher
    assert result.pairs() == {"ana": "c2", "bo": "c3", "cy": "c1"}
    # c2 keeps a place (capacity 2, ana alone) that di may not take: di's candidates are full,
    # not the program (issue 14: "capacity" while places were free was untrue)
    assert result.unassigned == {"di": "candidates full"}
    assert result.fixed.tolist() == [False, False, True, False]


def test_unknown_ids_refused():
    """Unknown ids in fixed or forbidden pairs are SchemaErrors naming them."""
    with pytest.raises(SchemaError) as info:
        assign(fake_candidates(), fixed={"zed": "c1"}, forbidden=[("ana", "c9")])
    message = str(info.value)
    assert "'zed' is not one of the participant ids" in message
    assert "'c9' is not one of the provider ids" in message


def test_result_summary_and_json():
    """The result prints a summary and serialises to JSON."""
    result = assign(fake_candidates())
    text = result.summary()
    assert "mean compatibility" in text
    assert "Gini of utilisation" in text
    data = json.loads(json.dumps(result.to_dict()))
    assert data["matcher"] == "exact"
    assert data["unassigned"] == {}
    assert repr(result).startswith("Assignment(n=4, assigned=4")


# -- fixed pairs ---------------------------------------------------------------------------------


def test_fixed_pairs_kept_even_when_costly():
    """A fixed pair is kept, and the rest is solved around it with the remaining capacity."""
    cost = np.array([[1.0, 9.0], [1.0, 9.0], [1.0, 2.0]])
    result = assign(cost, capacity=[1, 2], fixed={0: 1})
    assert result.provider.tolist() == [1, 0, 1]
    assert result.total_cost == 9.0 + 1.0 + 2.0
    assert brute_force(cost, np.array([1, 2]), fixed={0: 1}) == (3, 12.0)


def test_fixed_pair_not_allowed():
    """Fixing a forbidden or missing pair is a SchemaError naming the pair."""
    cost = np.array([[1.0, np.nan], [1.0, 2.0]])
    with pytest.raises(SchemaError, match=r"the pair \(0, 1\) is not allowed"):
        assign(cost, capacity=1, fixed={0: 1})
    with pytest.raises(SchemaError, match=r"the pair \(1, 0\) is not allowed"):
        assign(cost, capacity=1, fixed=[(1, 0)], forbidden=[(1, 0)])


def test_fixed_pair_over_capacity():
    """Fixed pairs beyond a provider's capacity or load cap are an InfeasibleError saying by how much."""
    cost = np.ones((4, 2))
    with pytest.raises(
        InfeasibleError, match=r"1 gets 3 fixed participants for 2 places \(1 too many\)"
    ):
        assign(cost, capacity=2, fixed={0: 1, 1: 1, 2: 1})
    with pytest.raises(InfeasibleError, match="`max_load`"):
        assign(cost, capacity=4, fixed={0: 1, 1: 1}, max_load=1)


def test_fixed_twice_and_bad_index():
    """A participant fixed twice, or an index outside the matrix, is a SchemaError."""
    cost = np.ones((3, 2))
    with pytest.raises(SchemaError, match="fixed twice"):
        assign(cost, capacity=3, fixed=[(0, 0), (0, 1)])
    with pytest.raises(SchemaError, match=r"provider index 5 is outside \[0, 2\)"):
        assign(cost, capacity=3, fixed=[(0, 5)])


# -- load caps and reasons -----------------------------------------------------------------------


def test_max_load_count_and_share():
    """max_load caps each provider: an int as a count, a float as a share of capacity."""
    cost = np.array([[0.0, 5.0]] * 6)
    by_count = assign(cost, capacity=[6, 6], max_load=4)
    assert by_count.load.tolist() == [4, 2]
    assert by_count.max_load.tolist() == [4, 4]
    by_share = assign(cost, capacity=[6, 4], max_load=0.5)
    assert by_share.max_load.tolist() == [3, 2]
    assert by_share.load.tolist() == [3, 2]
    assert list(by_share.unassigned.values()) == ["max_load"]


def test_unassigned_reasons():
    """Each unplaced participant gets its reason: no candidate, capacity, or max_load."""
    cost = np.array([[np.nan, np.nan], [1.0, np.nan], [2.0, np.nan], [np.nan, 1.0]])
    result = assign(cost, capacity=[1, 0])
    assert result.unassigned == {0: "no candidate", 2: "capacity", 3: "no candidate"}


def test_heuristic_that_leaves_room_is_reported():
    """A matcher that leaves a participant out while a provider has room: the reason says so."""

    class Lazy:
        name = "lazy"

        def match(self, cost, capacity, *, rng):
            return np.full(cost.shape[0], -1, dtype=np.intp)

    result = assign(np.ones((2, 1)), capacity=2, matcher=Lazy())
    assert result.unassigned == {0: "not placed by the matcher", 1: "not placed by the matcher"}
    assert result.matcher == "lazy"


def test_load_spread_figures():
    """Gini and peak/mean of utilisation match their closed forms on a small case."""
    cost = np.array([[0.0, 1.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 0.0, 1.0]])
    result = assign(cost, capacity=2)
    assert result.load.tolist() == [2, 2, 0]
    # utilisation (1, 1, 0): sum over pairs |u_i - u_j| = 4, / (2 k^2 mean) = 4 / (2*9*2/3) = 1/3
    assert result.load_gini == pytest.approx(1 / 3)
    assert result.peak_to_mean == pytest.approx(1.5)
    assert result.max_utilisation == 1.0


@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=8))
def test_gini_matches_pairwise_definition(values):
    """The sorted-form Gini equals the mean absolute difference over twice the mean."""
    x = np.array(values)
    expected = (
        0.0
        if x.sum() == 0
        else np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    )
    assert _gini(x) == pytest.approx(expected, abs=1e-12)


# -- the load penalty ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(PINNED_PENALTY))
def test_load_penalty_pinned(key):
    """The exact matcher with a load penalty reaches OR-Tools' convex min-cost-flow optimum."""
    seed, n, caps, lam = key
    cost, capacity = penalty_instance(seed, n, list(caps))
    result = assign(cost, capacity, load_penalty=lam)
    placed, optimum = PINNED_PENALTY[key]
    assert result.n_assigned == placed
    assert result.total_cost + result.penalty == pytest.approx(optimum, abs=1e-9)
    assert result.penalty == pytest.approx(lam * np.sum(result.load**2 / capacity))


def test_load_penalty_pinned_live():
    """A live OR-Tools run agrees with the pinned optimum on the first instance."""
    from ortools.graph.python import min_cost_flow

    cost, capacity = penalty_instance(42, 10, [2, 4, 6])
    n, m = cost.shape
    flow = min_cost_flow.SimpleMinCostFlow()
    for i in range(n):
        flow.add_arc_with_capacity_and_unit_cost(n + m, i, 1, 0)
        for j in np.flatnonzero(np.isfinite(cost[i])):
            flow.add_arc_with_capacity_and_unit_cost(i, n + int(j), 1, int(cost[i, j]))
    for j in range(m):
        for t in range(1, int(capacity[j]) + 1):
            flow.add_arc_with_capacity_and_unit_cost(
                n + j, n + m + 1, 1, int(12 * (2 * t - 1) // capacity[j])
            )
    flow.set_node_supply(n + m, n)
    flow.set_node_supply(n + m + 1, -n)
    assert flow.solve_max_flow_with_min_cost() == flow.OPTIMAL
    assert (flow.maximum_flow(), flow.optimal_cost()) == PINNED_PENALTY[(42, 10, (2, 4, 6), 12)]


def test_load_penalty_spreads_load():
    """A penalty moves participants off the favourite provider, at some cost."""
    cost = np.array([[0.0, 0.2]] * 8)
    plain = assign(cost, capacity=8)
    spread = assign(cost, capacity=8, load_penalty=1.0)
    assert plain.load.tolist() == [8, 0]
    # a**2/8 + b**2/8 + 0.2 b with a + b = 8 is least at a = 4 (4.8; a = 5 gives 4.85)
    assert spread.load.tolist() == [4, 4]
    assert spread.total_cost + spread.penalty == pytest.approx(4.8)
    assert spread.load_gini < plain.load_gini
    assert spread.total_cost + spread.penalty < plain.total_cost + 1.0 * 64 / 8


def test_load_penalty_counts_fixed_pairs():
    """Fixed pairs count in the provider's load, so the penalty's tiers start above them."""
    cost = np.array([[0.0, 0.5]] * 4)
    result = assign(cost, capacity=4, fixed={0: 0, 1: 0}, load_penalty=1.0)
    assert (
        result.n_assigned,
        *brute_force(cost, np.array([4, 4]), 1.0, fixed={0: 0, 1: 0})[1:],
    ) == (
        4,
        pytest.approx(result.total_cost + result.penalty),
    )


@st.composite
def small_problems(draw, max_n=5, max_m=3):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    cost = np.array(
        draw(st.lists(st.integers(0, 9), min_size=n * m, max_size=n * m)), dtype=float
    ).reshape(n, m)
    mask = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))).reshape(n, m)
    cost[mask & (cost > 6)] = np.nan
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    return cost, capacity


@given(small_problems(), st.sampled_from([0.1, 0.7, 2.5]))
def test_load_penalty_optimal_by_brute_force(problem, lam):
    """On small instances the penalised exact answer equals a brute-force optimum."""
    cost, capacity = problem
    result = assign(cost, capacity, load_penalty=lam)
    placed, best = brute_force(cost, capacity, lam)
    assert result.n_assigned == placed
    assert result.total_cost + result.penalty == pytest.approx(best, abs=1e-9)


# -- invariants ----------------------------------------------------------------------------------


@st.composite
def problems_with_options(draw):
    cost, capacity = draw(small_problems(max_n=6, max_m=3))
    n, m = cost.shape
    forbid = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))).reshape(n, m)
    allowed = np.isfinite(cost) & ~forbid
    fixed: dict[int, int] = {}
    room = capacity.copy()
    for i in range(n):
        options = [j for j in range(m) if allowed[i, j] and room[j] > 0]
        if options and draw(st.booleans()):
            j = draw(st.sampled_from(options))
            fixed[i] = j
            room[j] -= 1
    cap = draw(st.one_of(st.none(), st.integers(0, 3)))
    if cap is not None:
        counts = np.bincount(list(fixed.values()), minlength=m) if fixed else np.zeros(m)
        cap = max(cap, int(counts.max()))
    matcher = draw(st.sampled_from(["exact", "greedy"]))
    lam = draw(st.sampled_from([0.0, 0.5]))
    return cost, capacity, forbid, fixed, cap, matcher, lam


@given(problems_with_options())
def test_invariants(problem):
    """Capacities and load caps are never exceeded, forbidden pairs never used, fixed pairs kept."""
    cost, capacity, forbid, fixed, cap, matcher, lam = problem
    result = assign(
        cost, capacity, forbidden=forbid, fixed=fixed, max_load=cap, matcher=matcher,
        load_penalty=lam,
    )  # fmt: skip
    placed = np.flatnonzero(result.provider >= 0)
    load = np.bincount(result.provider[placed], minlength=cost.shape[1])
    assert np.all(load <= capacity)
    assert np.all(load <= result.max_load)
    assert np.array_equal(load, result.load)
    assert np.all(np.isfinite(cost[placed, result.provider[placed]]))
    assert not forbid[placed, result.provider[placed]].any()
    for i, j in fixed.items():
        assert result.provider[i] == j
    assert result.n_assigned == placed.size
    assert set(result.unassigned) == set(np.flatnonzero(result.provider < 0).tolist())
    assert result.total_cost == pytest.approx(float(np.sum(cost[placed, result.provider[placed]])))


# -- matchers that break their contract ----------------------------------------------------------


def _broken(answer_fn, mutate=False):
    class Broken:
        name = "broken-plugin"

        def match(self, cost, capacity, *, rng):
            if mutate:
                capacity[:] = 0
            return answer_fn(cost, capacity)

    return Broken()


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (_broken(lambda c, k: np.zeros(c.shape[0], dtype=np.intp)), "capacity exceeded"),
        (_broken(lambda c, k: np.array([1, -1, -1], dtype=np.intp)), "not allowed"),
        (_broken(lambda c, k: np.zeros(2, dtype=np.intp)), r"shape \(2,\)"),
        (_broken(lambda c, k: np.zeros(3)), "dtype float64"),
        (_broken(lambda c, k: [0, 1, -1]), "returned a list"),
        (_broken(lambda c, k: np.array([5, -1, -1])), "outside"),
        (_broken(lambda c, k: np.full(c.shape[0], -1), mutate=True), "changed its input"),
    ],
)
def test_matcher_breach_names_plugin(plugin, expected):
    """A matcher whose answer breaks the contract raises an error naming it and the breach."""
    cost = np.array([[1.0, np.nan], [1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(
        SchemaError, match=f"matcher 'broken-plugin' broke its contract: .*{expected}"
    ):
        assign(cost, capacity=1, matcher=plugin)


# -- validation ----------------------------------------------------------------------------------


def test_validation_reports_every_problem():
    """Bad options are reported together, each with its parameter and the allowed values."""
    with pytest.raises(SchemaError) as info:
        assign(np.ones((2, 2)), matcher="hungarian", load_penalty=-1.0, rng="seed")
    message = str(info.value)
    assert "capacity: is required with a cost matrix" in message
    assert "no matcher named 'hungarian'" in message
    # each built-in by name: a matcher a doctest registered ("first-choice") may sort between
    assert "'exact'" in message
    assert "'greedy'" in message
    assert "load_penalty: expected a finite number >= 0" in message
    assert "rng: expected None, an int seed" in message


@pytest.mark.parametrize("bad", [-1, 1.5, 0.0, True, "half"])
def test_bad_max_load(bad):
    """max_load must be a non-negative int or a share in (0, 1]."""
    with pytest.raises(SchemaError, match="max_load"):
        assign(np.ones((2, 2)), capacity=1, max_load=bad)


def test_bad_matcher_object():
    """An object that is not a matcher is refused with what it lacks."""
    with pytest.raises(SchemaError, match=r"lacks .*a `match` method"):
        assign(np.ones((2, 2)), capacity=1, matcher=object())  # type: ignore[arg-type]


def test_sparse_and_empty_inputs():
    """Sparse costs and empty problems work; an empty problem assigns nobody."""
    cost = sp.csr_array(([0.0, 1.0, 2.0, 0.0], ([0, 0, 1, 1], [0, 1, 0, 1])), shape=(2, 2))
    assert assign(cost, capacity=1).provider.tolist() == [0, 1]  # stored zeros are allowed
    assert assign(sp.csr_array(np.array([[0.0, 1.0], [2.0, 0.0]])), capacity=1).total_cost == 3
    empty = assign(np.zeros((0, 3)), capacity=1)
    assert isinstance(empty, Assignment)
    assert empty.n_assigned == 0
    assert math.isnan(empty.peak_to_mean)
    assert assign(np.zeros((2, 0)), capacity=[]).unassigned == {
        0: "no candidate",
        1: "no candidate",
    }
