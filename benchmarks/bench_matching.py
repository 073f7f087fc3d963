"""Benchmarks of sparkus's exact matching solvers, each against a named peer (see README.md).

Usage: ``python benchmarks/bench_matching.py [--quick] [--repeats N] [--only NAME]``.

The cases (full sizes; ``--quick`` shrinks them):

* ``assignment_sparse``: ``solve_assignment`` on a sparse 100,000 x 5,000 instance (capacity 25
  each, 50 candidates per participant, integer costs 0-999), against OR-Tools'
  ``SimpleMinCostFlow.solve_max_flow_with_min_cost`` on the network source -> participant ->
  provider -> sink. OR-Tools' time covers adding the arcs and solving; its arc arrays are
  built untimed, as sparkus's sparse matrix is.
* ``assignment_sparse_scipy``: the same instance against scipy's
  ``min_weight_full_bipartite_matching`` on the columns repeated ``capacity`` times (building the
  repeated matrix is timed: it is what using scipy for capacities costs). One repeat.
* ``assignment_dense``: a dense 2,000 x 100 instance (capacity 25, integer costs 0-9,999) against
  ``scipy.optimize.linear_sum_assignment`` on the repeated columns.
* ``assignment_contested``: ``solve_assignment`` on a dense, contested 20,000 x 5 instance
  (integer costs 0-1,023, capacity 4,000 each: capacity equals demand, every provider full),
  against OR-Tools' ``SimpleMinCostFlow`` as above (every pair an arc).
* ``assignment_contested_large``: the same at 100,000 x 10 (capacity 10,000 each).
* ``candidate_matrix``: ``candidate_matrix`` from records (a synthetic organisation of 100,000
  people and 5,000 coach ``Provider`` records, default weights, k = 50), against a plain numpy
  peer: the same weighted score written directly (goal bit sets, language bit sets, time-zone
  and seniority arithmetic) over blocks of 420 participants, then ``np.argpartition`` per row.
  The peer breaks ties arbitrarily, skips the reporting-line check (a no-op for external
  coaches) and validates nothing; the check compares the kept scores row by row.
* ``stable_matching``: ``deferred_acceptance`` for 10,000 proposers ranking 10 of 500 reviewers
  (capacity 20; reviewers rank their applicants), from dicts of lists, against the `matching`
  package's ``HospitalResident`` (``create_from_dictionaries`` and ``solve``, resident-optimal).
* ``peer_circles``: ``form_peer_circles`` on the 10,000 people of ``synthetic_org(10_000,
  seed=0)`` (sizes 4 to 6, the default aims, rng 0), against the plain heuristic: sort by time
  zone then level and cut into the same number of near-equal circles. The check reports both
  objectives (the peer's scored as sparkus scores it), the random baseline and the bound.
* ``stable_matching_floor``: the same against a plain queue-based deferred acceptance in pure
  Python, a floor for the algorithm itself.

Before timing, a check child solves each case once with both sides and compares the answers
(totals, or the matchings), so every figure is for the same exact optimum. The parent imports
the standard library only; every measurement runs in a fresh child, sides interleaved.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _harness import Case, Params, Work, agreement_note, main

MATCHING_STACK_BYTES = 512 * 1024 * 1024  # the `matching` package deep-copies recursively


# -- instances (built in the children, untimed) --------------------------------------------------


def sparse_instance(params: Params) -> tuple[Any, Any]:
    """Random sparse costs: every participant lists k distinct providers, costs 0-999."""
    import numpy as np
    from scipy.sparse import csr_array

    n, m, k = params["n"], params["m"], params["k"]
    rng = np.random.default_rng(0)
    cols = rng.integers(0, m, (n, k))
    while True:  # redraw repeated providers within a row
        cols.sort(axis=1)
        repeated = np.zeros(cols.shape, dtype=bool)
        repeated[:, 1:] = cols[:, 1:] == cols[:, :-1]
        if not repeated.any():
            break
        cols[repeated] = rng.integers(0, m, int(repeated.sum()))
    costs = rng.integers(0, 1000, (n, k)).astype(np.float64)
    indptr = np.arange(0, n * k + 1, k)
    matrix = csr_array((costs.ravel(), cols.ravel(), indptr), shape=(n, m))
    return matrix, np.full(m, 25)


def dense_instance(params: Params) -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(1)
    cost = rng.integers(0, 10_000, (params["n"], params["m"])).astype(np.float64)
    return cost, np.full(params["m"], 25)


def contested_instance(params: Params) -> tuple[Any, Any]:
    """Few providers, capacity equal to demand: integer costs 0-1,023, every pair allowed."""
    import numpy as np

    n, m = params["n"], params["m"]
    rng = np.random.default_rng(3)
    return rng.integers(0, 1024, (n, m)).astype(np.float64), np.full(m, n // m)


def market(params: Params) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]]:
    """Proposers rank 10 random reviewers; reviewers rank their applicants at random."""
    import numpy as np

    rng = np.random.default_rng(2)
    n_p, n_r = params["proposers"], params["reviewers"]
    choices = min(10, n_r)
    proposer_prefs = {p: rng.choice(n_r, choices, replace=False).tolist() for p in range(n_p)}
    applicants: dict[int, list[int]] = {r: [] for r in range(n_r)}
    for p, listed in proposer_prefs.items():
        for r in listed:
            applicants[r].append(p)
    reviewer_prefs = {r: rng.permutation(ps).tolist() for r, ps in applicants.items()}
    return proposer_prefs, reviewer_prefs, dict.fromkeys(applicants, 20)


def scoring_instance(params: Params) -> tuple[Any, Any, Any]:
    """A synthetic organisation and `m` coaches drawn like its own (records, untimed)."""
    import numpy as np

    from sparkus.datasets import synthetic_org
    from sparkus.model import Goal, Level, Provider, SupportType

    org = synthetic_org(params["n"], seed=0)
    rng = np.random.default_rng(3)
    sites = ((-5.0, "en"), (0.0, "en"), (1.0, "de"), (1.0, "fr"), (5.5, "hi"), (8.0, "zh"),
             (-3.0, "pt"))  # fmt: skip
    goals, levels = list(Goal), list(Level)
    providers = []
    for j in range(params["m"]):
        offset, language = sites[int(rng.integers(len(sites)))]
        picked = sorted(rng.choice(len(goals), int(rng.integers(1, 3)), replace=False).tolist())
        providers.append(Provider(
            f"C{j:05d}", SupportType.COACHING, 25, 300.0, levels[int(rng.integers(3))],
            tuple(goals[i] for i in picked), ("en",) if language == "en" else ("en", language),
            offset,
        ))  # fmt: skip
    return org.population, providers, org.program


def _dense_top_k(population: Any, providers: Any, program: Any, k: int) -> tuple[Any, Any]:
    """The peer: the default weighted score in plain numpy, ``np.argpartition`` per block."""
    import numpy as np

    from sparkus.model import Goal

    bit = {g.value: 1 << i for i, g in enumerate(Goal)}
    fallback = sum(bit[g.value] for g in program.goals)
    goal_sets = population.schema["focus_goals"].categories
    goals = np.array([sum(bit[g] for g in c) or fallback for c in goal_sets] + [fallback])
    goals = goals[population["focus_goals"]]
    spoken = sorted({x for c in population.schema["languages"].categories for x in c}
                    | {x for p in providers for x in p.languages})  # fmt: skip
    lbit = {x: 1 << i for i, x in enumerate(spoken)}
    lang_sets = population.schema["languages"].categories
    langs = np.array([sum(lbit[x] for x in c) for c in lang_sets] + [0])[population["languages"]]
    offset, level = population["utc_offset"], population["level"]
    specialty = np.array([sum(bit[g.value] for g in p.specialties) for p in providers])
    plang = np.array([sum(lbit[x] for x in p.languages) for p in providers])
    poffset = np.array([p.utc_offset for p in providers])
    prank = np.array([p.seniority.rank for p in providers])
    n, block = len(population), 420
    top = np.empty((n, k), dtype=np.int64)
    values = np.empty((n, k))
    for start in range(0, n, block):
        rows = slice(start, start + block)
        g = goals[rows, None]
        fit = np.bitwise_count(g & specialty) / np.bitwise_count(g)
        shared = ((langs[rows, None] & plang) != 0).astype(np.float64)
        apart = np.abs(offset[rows, None] - poffset) % 24.0
        apart = np.minimum(apart, 24.0 - apart)
        overlap = np.maximum(8.0 - apart, 0.0) / 8.0
        seniority = np.maximum(0.0, 1.0 - np.abs(level[rows, None] - prank - 1) / 3.0)
        total = 0.35 * fit + 0.25 * shared + 0.25 * seniority + 0.15 * overlap
        best = np.argpartition(-total, k - 1, axis=1)[:, :k]
        top[rows] = best
        values[rows] = np.take_along_axis(total, best, axis=1)
    return top, values


def circles_instance(params: Params) -> Any:
    """The population of a synthetic organisation of `n` people (untimed)."""
    from sparkus.datasets import synthetic_org

    return synthetic_org(params["n"], seed=0).population


def _sort_and_chunk(population: Any) -> Any:
    """The peer: sort by time zone, then level; cut into n / 5 near-equal circles (4 to 6)."""
    import numpy as np

    n = len(population)
    k = round(n / 5)
    order = np.lexsort((population["level"], population["utc_offset"]))
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    circle = np.empty(n, dtype=np.intp)
    circle[order] = np.repeat(np.arange(k), sizes)
    return circle


# -- the two sides of each case ------------------------------------------------------------------


def _sparkus_assignment(instance: Callable[[Params], tuple[Any, Any]]) -> Callable[[Params], Work]:
    def setup(params: Params) -> Work:
        import scipy.sparse.csgraph  # noqa: F401 (imported by the solver; untimed, as all imports)

        from sparkus.matching import solve_assignment

        cost, capacity = instance(params)
        return lambda: solve_assignment(cost, capacity)

    return setup


def _flow_arrays(rows: Any, cols: Any, costs: Any, capacity: Any, n: int) -> tuple[Any, ...]:
    """OR-Tools' arc arrays for source -> participant -> provider -> sink (unit supplies)."""
    import numpy as np

    m = capacity.shape[0]
    source, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, source), rows, n + np.arange(m)]).astype(np.int32)
    heads = np.concatenate([np.arange(n), n + cols, np.full(m, sink)]).astype(np.int32)
    caps = np.concatenate([np.ones(n + rows.shape[0], np.int64), capacity.astype(np.int64)])
    arc_costs = np.concatenate([np.zeros(n, np.int64), costs.astype(np.int64),
                                np.zeros(m, np.int64)])  # fmt: skip
    return tails, heads, caps, arc_costs, source, sink, n


def _sparse_flow_arrays(params: Params) -> tuple[Any, ...]:
    """OR-Tools' arc arrays for the sparse instance: one arc per candidate."""
    matrix, capacity = sparse_instance(params)
    coo = matrix.tocoo()
    return _flow_arrays(coo.row, coo.col, coo.data, capacity, matrix.shape[0])


def _dense_flow_arrays(params: Params) -> tuple[Any, ...]:
    """OR-Tools' arc arrays for the contested (dense) instance: every pair an arc."""
    import numpy as np

    cost, capacity = contested_instance(params)
    n, m = cost.shape
    return _flow_arrays(np.repeat(np.arange(n), m), np.tile(np.arange(m), n), cost.ravel(),
                        capacity, n)  # fmt: skip


def _ortools_solve(arrays: tuple[Any, ...]) -> tuple[int, int]:
    from ortools.graph.python import min_cost_flow

    tails, heads, caps, costs, source, sink, n = arrays
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        msg = "OR-Tools did not reach an optimum"
        raise RuntimeError(msg)
    return int(flow.maximum_flow()), int(flow.optimal_cost())


def _ortools(arrays: Callable[[Params], tuple[Any, ...]]) -> Callable[[Params], Work]:
    def setup(params: Params) -> Work:
        from ortools.graph.python import min_cost_flow  # noqa: F401 (untimed import)

        built = arrays(params)
        return lambda: _ortools_solve(built)

    return setup


def _scipy_replicated_solve(matrix: Any, capacity: Any) -> float:
    """scipy's sparse LAPJV on columns repeated `capacity` times; returns the total."""
    import numpy as np
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    copies = np.repeat(np.arange(capacity.shape[0]), capacity)  # column of each copy
    first = np.concatenate([[0], np.cumsum(capacity)[:-1]])
    coo = matrix.tocoo()
    reps = capacity[coo.col]
    rows = np.repeat(coo.row, reps)
    offset = np.arange(rows.shape[0]) - np.repeat(np.cumsum(reps) - reps, reps)
    cols = np.repeat(first[coo.col], reps) + offset
    data = np.repeat(coo.data, reps) + 1.0  # + 1 keeps zero costs as stored edges
    graph = csr_array((data, (rows, cols)), shape=(matrix.shape[0], copies.shape[0]))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    return float(np.asarray(graph[row_ind, col_ind]).sum()) - row_ind.shape[0]


def _scipy_sparse(params: Params) -> Work:
    import scipy.sparse.csgraph  # noqa: F401 (untimed import)

    matrix, capacity = sparse_instance(params)
    return lambda: _scipy_replicated_solve(matrix, capacity)


def _lsa_solve(cost: Any, capacity: Any) -> float:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    replicated = np.repeat(cost, capacity, axis=1)
    rows, cols = linear_sum_assignment(replicated)
    return float(replicated[rows, cols].sum())


def _lsa(params: Params) -> Work:
    import scipy.optimize  # noqa: F401 (untimed import)

    cost, capacity = dense_instance(params)
    return lambda: _lsa_solve(cost, capacity)


def _sparkus_candidates(params: Params) -> Work:
    import scipy.sparse  # noqa: F401 (imported by candidate_matrix; untimed, as all imports)

    from sparkus.matching import candidate_matrix

    population, providers, program = scoring_instance(params)
    k = params["k"]
    return lambda: candidate_matrix(population, providers, k=k, program=program)


def _dense_candidates(params: Params) -> Work:
    population, providers, program = scoring_instance(params)
    k = params["k"]
    return lambda: _dense_top_k(population, providers, program, k)


def _sparkus_circles(params: Params) -> Work:
    from sparkus.matching import form_peer_circles

    population = circles_instance(params)
    return lambda: form_peer_circles(population, size=(4, 6), rng=0)


def _chunk_circles(params: Params) -> Work:
    population = circles_instance(params)
    return lambda: _sort_and_chunk(population)


def _sparkus_stable(params: Params) -> Work:
    from sparkus.matching import deferred_acceptance

    proposers, reviewers, capacity = market(params)
    return lambda: deferred_acceptance(proposers, reviewers, capacity)


def _matching_solve(proposers: Any, reviewers: Any, capacity: Any) -> dict[Any, Any]:
    """The `matching` package, run in a thread with a large stack (it recurses deeply)."""
    import threading
    import warnings

    out: dict[str, Any] = {}

    def run() -> None:
        with warnings.catch_warnings():  # the package alters warning filters on import
            warnings.simplefilter("ignore")
            from matching.games import HospitalResident

            game = HospitalResident.create_from_dictionaries(proposers, reviewers, capacity)
            out["matching"] = game.solve(optimal="resident")

    sys.setrecursionlimit(1_000_000)
    threading.stack_size(MATCHING_STACK_BYTES)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return {r.name: h.name for h, rs in out["matching"].items() for r in rs}


def _matching(params: Params) -> Work:
    import warnings

    with warnings.catch_warnings():  # untimed import; the package alters warning filters
        import matching.games  # noqa: F401

    proposers, reviewers, capacity = market(params)
    return lambda: _matching_solve(proposers, reviewers, capacity)


def _plain_da(proposers: Any, reviewers: Any, capacity: Any) -> dict[Any, Any]:
    """Textbook deferred acceptance: a queue of free proposers, a heap per reviewer."""
    import heapq

    rank = {r: {p: k for k, p in enumerate(ps)} for r, ps in reviewers.items()}
    following = dict.fromkeys(proposers, 0)
    held: dict[Any, list[tuple[int, Any]]] = {r: [] for r in reviewers}
    free = list(proposers)
    while free:
        p = free.pop()
        listed = proposers[p]
        while following[p] < len(listed):
            r = listed[following[p]]
            following[p] += 1
            k = rank[r].get(p)
            if k is None or capacity[r] == 0:
                continue
            heap = held[r]
            if len(heap) < capacity[r]:
                heapq.heappush(heap, (-k, p))
                break
            if -heap[0][0] > k:
                free.append(heapq.heapreplace(heap, (-k, p))[1])
                break
    return {p: r for r, heap in held.items() for _, p in heap}


def _floor(params: Params) -> Work:
    proposers, reviewers, capacity = market(params)
    return lambda: _plain_da(proposers, reviewers, capacity)


# -- the answer checks (one untimed child per case) ---------------------------------------------


def _check_circles(params: Params) -> dict[str, Any]:
    """Both sides' objectives, scored the same way; "agree" means sparkus scores at least as high."""
    import numpy as np

    from sparkus.matching import CircleAims, form_peer_circles
    from sparkus.matching._pairing.circle_search import circle_instance, member_fits

    population = circles_instance(params)
    ours = form_peer_circles(population, size=(4, 6), rng=0)
    circle = _sort_and_chunk(population)
    instance = circle_instance(population, np.arange(len(population)), CircleAims())
    theirs = float(member_fits(instance, circle, np.bincount(circle))[1].mean())
    return {
        "sparkus": round(ours.objective, 4),
        "peer": round(theirs, 4),
        "agree": ours.objective >= theirs,
        "objective_ratio": round(ours.objective / theirs, 4),
        "random": round(ours.random_objective, 4),
        "bound": round(ours.bound, 4),
    }


def _check_flow(
    instance: Callable[[Params], tuple[Any, Any]], arrays: Callable[[Params], tuple[Any, ...]]
) -> Callable[[Params], dict[str, Any]]:
    """Check against OR-Tools: the same number assigned at the same total cost."""

    def check(params: Params) -> dict[str, Any]:
        from sparkus.matching import solve_assignment

        cost_matrix, capacity = instance(params)
        ours = solve_assignment(cost_matrix, capacity)
        flow, cost = _ortools_solve(arrays(params))
        return {
            "sparkus": [ours.n_assigned, ours.total_cost],
            "peer": [flow, cost],
            "agree": [ours.n_assigned, ours.total_cost] == [flow, cost],
            "gap_bound": ours.gap_bound,
        }

    return check


def _check_dense(params: Params) -> dict[str, Any]:
    from sparkus.matching import solve_assignment

    cost_matrix, capacity = dense_instance(params)
    ours = solve_assignment(cost_matrix, capacity)
    theirs = _lsa_solve(cost_matrix, capacity)
    return {"sparkus": ours.total_cost, "peer": theirs, "agree": ours.total_cost == theirs}


def _check_candidates(params: Params) -> dict[str, Any]:
    import numpy as np

    from sparkus.matching import candidate_matrix

    population, providers, program = scoring_instance(params)
    cm = candidate_matrix(population, providers, k=params["k"], program=program)
    _, theirs_values = _dense_top_k(population, providers, program, params["k"])
    ours_values = np.sort(cm.scores.data.reshape(-1, params["k"]), axis=1)
    theirs_sorted = np.sort(theirs_values, axis=1)
    return {
        "sparkus": int(cm.scores.nnz),
        "peer": int(theirs_values.size),
        "agree": bool(np.array_equal(ours_values, theirs_sorted)),
        "max_difference": float(np.abs(ours_values - theirs_sorted).max()),
    }


def _check_stable(peer: Callable[..., dict[Any, Any]]) -> Callable[[Params], dict[str, Any]]:
    """Check against `peer`: the same matching, and stable."""

    def check(params: Params) -> dict[str, Any]:
        from sparkus.matching import deferred_acceptance

        proposers, reviewers, caps = market(params)
        result = deferred_acceptance(proposers, reviewers, caps)
        ours_pairs = {p: r for p, r in result.matches.items() if r is not None}
        theirs_pairs = peer(proposers, reviewers, caps)
        return {
            "sparkus": len(ours_pairs),
            "peer": len(theirs_pairs),
            "agree": ours_pairs == theirs_pairs and result.is_stable(),
        }

    return check


def _answers(check: dict[str, Any]) -> str:
    """The note of every case: do the two sides' answers agree?"""
    verdict = "agree" if check.get("agree") else "DISAGREE"
    return f"answers {verdict} (sparkus {check.get('sparkus')!r}, peer {check.get('peer')!r})"


answers = agreement_note(_answers)


# -- the cases, as the parent sees them ----------------------------------------------------------

_SPARSE = {"n": 100_000, "m": 5_000, "k": 50}
_SPARSE_QUICK = {"n": 10_000, "m": 500, "k": 20}
_SHAPE = "{n:,} x {m:,}, {k} candidates, capacity 25"
_STABLE = {"proposers": 10_000, "reviewers": 500}
_STABLE_QUICK = {"proposers": 1_000, "reviewers": 50}
_STABLE_WHAT = "deferred_acceptance, {proposers:,} x {reviewers}, capacity 20"
_OR_TOOLS = "OR-Tools min cost flow"
_CONTESTED = "solve_assignment, contested dense {n:,} x {m}, capacity = demand"

CASES = [
    Case("assignment_sparse", f"solve_assignment, sparse {_SHAPE}",
         _sparkus_assignment(sparse_instance), _ortools(_sparse_flow_arrays), _OR_TOOLS,
         _SPARSE, _SPARSE_QUICK, check=_check_flow(sparse_instance, _sparse_flow_arrays),
         notes=answers),
    Case("assignment_sparse_scipy", f"solve_assignment, sparse {_SHAPE}",
         _sparkus_assignment(sparse_instance), _scipy_sparse,
         "scipy sparse LAPJV, columns repeated", _SPARSE, _SPARSE_QUICK, repeats=1,
         check=_check_flow(sparse_instance, _sparse_flow_arrays), notes=answers),
    Case("assignment_dense", "solve_assignment, dense {n:,} x {m}, capacity 25",
         _sparkus_assignment(dense_instance), _lsa,
         "scipy linear_sum_assignment, columns repeated", {"n": 2_000, "m": 100},
         {"n": 400, "m": 20}, check=_check_dense, notes=answers),
    Case("assignment_contested", _CONTESTED, _sparkus_assignment(contested_instance),
         _ortools(_dense_flow_arrays), _OR_TOOLS, {"n": 20_000, "m": 5}, {"n": 5_000, "m": 5},
         check=_check_flow(contested_instance, _dense_flow_arrays), notes=answers),
    Case("assignment_contested_large", _CONTESTED, _sparkus_assignment(contested_instance),
         _ortools(_dense_flow_arrays), _OR_TOOLS, {"n": 100_000, "m": 10},
         {"n": 20_000, "m": 10}, check=_check_flow(contested_instance, _dense_flow_arrays),
         notes=answers),
    Case("candidate_matrix", "candidate_matrix from records, {n:,} x {m:,}, k = {k}",
         _sparkus_candidates, _dense_candidates,
         "plain numpy dense score + argpartition per block", _SPARSE, _SPARSE_QUICK,
         check=_check_candidates, notes=answers),
    Case("stable_matching", _STABLE_WHAT, _sparkus_stable, _matching,
         "matching package (HospitalResident)", _STABLE, _STABLE_QUICK,
         check=_check_stable(_matching_solve), notes=answers),
    Case("peer_circles", "form_peer_circles, {n:,} people, sizes 4 to 6", _sparkus_circles,
         _chunk_circles, "sort by time zone and level, cut in chunks", {"n": 10_000},
         {"n": 2_000}, check=_check_circles, notes=answers),
    Case("stable_matching_floor", _STABLE_WHAT, _sparkus_stable, _floor,
         "plain Python deferred acceptance (floor)", _STABLE, _STABLE_QUICK,
         check=_check_stable(_plain_da), notes=answers),
]  # fmt: skip

if __name__ == "__main__":
    sys.exit(main(CASES, title="sparkus matching benchmarks", doc=__doc__, script=__file__,
                  results=Path(__file__).resolve().parent / "results" / "matching"))  # fmt: skip
