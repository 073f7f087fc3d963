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
* ``stable_matching``: ``deferred_acceptance`` for 10,000 proposers ranking 10 of 500 reviewers
  (capacity 20; reviewers rank their applicants), from dicts of lists, against the `matching`
  package's ``HospitalResident`` (``create_from_dictionaries`` and ``solve``, resident-optimal).
* ``stable_matching_floor``: the same against a plain queue-based deferred acceptance in pure
  Python, a floor for the algorithm itself.

Before timing, a check child solves each case once with both sides and compares the answers
(totals, or the matchings), so every figure is for the same exact optimum. The parent imports
the standard library only; every measurement runs in a fresh child, sides interleaved.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _harness import (
    CaseResult,
    Params,
    Side,
    Work,
    format_seconds,
    format_table,
    machine_facts,
    measure,
    run_interleaved,
    write_json,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "matching"
CHECK_MARKER = "@@sparkus-check@@ "
MATCHING_STACK_BYTES = 512 * 1024 * 1024  # the `matching` package deep-copies recursively


@dataclass(frozen=True)
class Sizes:
    sparse_n: int  # participants of the sparse instance
    sparse_m: int  # providers
    sparse_k: int  # candidates per participant
    dense_n: int
    dense_m: int
    proposers: int
    reviewers: int


FULL = Sizes(100_000, 5_000, 50, 2_000, 100, 10_000, 500)
QUICK = Sizes(10_000, 500, 20, 400, 20, 1_000, 50)


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


# -- the two sides of each case ------------------------------------------------------------------


def _sparkus_assignment(instance: Callable[[Params], tuple[Any, Any]]) -> Callable[[Params], Work]:
    def setup(params: Params) -> Work:
        import scipy.sparse.csgraph  # noqa: F401 (imported by the solver; untimed, as all imports)

        from sparkus.matching._assignment import solve_assignment

        cost, capacity = instance(params)
        return lambda: solve_assignment(cost, capacity)

    return setup


def _ortools_arrays(params: Params) -> tuple[Any, ...]:
    import numpy as np

    matrix, capacity = sparse_instance(params)
    n, m = matrix.shape
    coo = matrix.tocoo()
    source, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, source), coo.row, n + np.arange(m)]).astype(np.int32)
    heads = np.concatenate([np.arange(n), n + coo.col, np.full(m, sink)]).astype(np.int32)
    caps = np.concatenate([np.ones(n + coo.nnz, np.int64), capacity.astype(np.int64)])
    costs = np.concatenate(
        [np.zeros(n, np.int64), coo.data.astype(np.int64), np.zeros(m, np.int64)]
    )
    return tails, heads, caps, costs, source, sink, n


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


def _ortools(params: Params) -> Work:
    from ortools.graph.python import min_cost_flow  # noqa: F401 (untimed import)

    arrays = _ortools_arrays(params)
    return lambda: _ortools_solve(arrays)


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


def _sparkus_stable(params: Params) -> Work:
    from sparkus.matching._stable import deferred_acceptance

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


CHILD_SETUPS: dict[str, Callable[[Params], Work]] = {
    "assignment_sparse:sparkus": _sparkus_assignment(sparse_instance),
    "assignment_sparse:peer": _ortools,
    "assignment_sparse_scipy:sparkus": _sparkus_assignment(sparse_instance),
    "assignment_sparse_scipy:peer": _scipy_sparse,
    "assignment_dense:sparkus": _sparkus_assignment(dense_instance),
    "assignment_dense:peer": _lsa,
    "stable_matching:sparkus": _sparkus_stable,
    "stable_matching:peer": _matching,
    "stable_matching_floor:sparkus": _sparkus_stable,
    "stable_matching_floor:peer": _floor,
}


# -- the answer check (one untimed child per case) -----------------------------------------------


def _check(case: str, params: Params) -> dict[str, Any]:
    """Solve `case` with both sides and say whether the answers agree."""
    from sparkus.matching._assignment import solve_assignment
    from sparkus.matching._stable import deferred_acceptance

    if case in {"assignment_sparse", "assignment_sparse_scipy"}:
        matrix, capacity = sparse_instance(params)
        ours = solve_assignment(matrix, capacity)
        flow, cost = _ortools_solve(_ortools_arrays(params))
        return {
            "sparkus": [ours.n_assigned, ours.total_cost],
            "peer": [flow, cost],
            "agree": [ours.n_assigned, ours.total_cost] == [flow, cost],
            "gap_bound": ours.gap_bound,
        }
    if case == "assignment_dense":
        cost_matrix, capacity = dense_instance(params)
        ours = solve_assignment(cost_matrix, capacity)
        theirs = _lsa_solve(cost_matrix, capacity)
        return {"sparkus": ours.total_cost, "peer": theirs, "agree": ours.total_cost == theirs}
    proposers, reviewers, caps = market(params)
    result = deferred_acceptance(proposers, reviewers, caps)
    ours_pairs = {p: r for p, r in result.matches.items() if r is not None}
    peer = _matching_solve if case == "stable_matching" else _plain_da
    theirs_pairs = peer(proposers, reviewers, caps)
    return {
        "sparkus": len(ours_pairs),
        "peer": len(theirs_pairs),
        "agree": ours_pairs == theirs_pairs and result.is_stable(),
    }


# -- the cases, as the parent sees them ----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    peer_label: str
    params: Params
    repeats: int


def build_cases(sizes: Sizes, repeats: int) -> list[Case]:
    sparse = {"n": sizes.sparse_n, "m": sizes.sparse_m, "k": sizes.sparse_k}
    dense = {"n": sizes.dense_n, "m": sizes.dense_m}
    stable = {"proposers": sizes.proposers, "reviewers": sizes.reviewers}
    shape = f"{sizes.sparse_n:,} x {sizes.sparse_m:,}, {sizes.sparse_k} candidates, capacity 25"
    return [
        Case("assignment_sparse", f"solve_assignment, sparse {shape}", "OR-Tools min cost flow",
             sparse, repeats),
        Case("assignment_sparse_scipy", f"solve_assignment, sparse {shape}",
             "scipy sparse LAPJV, columns repeated", sparse, 1),
        Case("assignment_dense",
             f"solve_assignment, dense {sizes.dense_n:,} x {sizes.dense_m}, capacity 25",
             "scipy linear_sum_assignment, columns repeated", dense, repeats),
        Case("stable_matching",
             f"deferred_acceptance, {sizes.proposers:,} x {sizes.reviewers}, capacity 20",
             "matching package (HospitalResident)", stable, repeats),
        Case("stable_matching_floor",
             f"deferred_acceptance, {sizes.proposers:,} x {sizes.reviewers}, capacity 20",
             "plain Python deferred acceptance (floor)", stable, repeats),
    ]  # fmt: skip


def _child_side(case: Case, side: str, label: str) -> Side:
    command = (
        str(HERE / "bench_matching.py"), "--child", f"{case.name}:{side}",
        "--params", json.dumps(case.params),
    )  # fmt: skip
    return Side(label, command)


def run_check(case: Case) -> dict[str, Any]:
    command = [
        sys.executable, str(HERE / "bench_matching.py"), "--check", case.name,
        "--params", json.dumps(case.params),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith(CHECK_MARKER)]
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-10:])
        return {"agree": False, "error": tail}
    report: dict[str, Any] = ast.literal_eval(lines[-1][len(CHECK_MARKER) :])
    return report


def run_case(case: Case) -> CaseResult:
    print(f"{case.name}: {case.what}", file=sys.stderr)
    check = run_check(case)
    ours, theirs = run_interleaved(
        case.name,
        _child_side(case, "sparkus", "sparkus"),
        _child_side(case, "peer", case.peer_label),
        case.repeats,
    )
    result = CaseResult(case.name, case.what, ours, theirs)
    verdict = "agree" if check.get("agree") else "DISAGREE"
    result.notes.append(
        f"{case.name}: answers {verdict} (sparkus {check.get('sparkus')!r}, "
        f"peer {check.get('peer')!r})"
    )
    return result


# -- command line --------------------------------------------------------------------------------

CASE_NAMES = (
    "assignment_sparse",
    "assignment_sparse_scipy",
    "assignment_dense",
    "stable_matching",
    "stable_matching_floor",
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and 1 repeat")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="repeats per side (default 3; 1 with --quick and for the scipy "
                             "sparse case)")  # fmt: skip
    parser.add_argument("--only", choices=CASE_NAMES, metavar="NAME",
                        help=f"run one case: {', '.join(CASE_NAMES)}")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--check", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


def main(args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    sizes = QUICK if args.quick else FULL
    repeats = args.repeats or (1 if args.quick else 3)
    facts = machine_facts()
    cases = [c for c in build_cases(sizes, repeats) if args.only in (None, c.name)]
    results = [run_case(c) for c in cases]
    elapsed = time.perf_counter() - clock
    facts["load_average_after"] = machine_facts()["load_average"]
    print(
        f"sparkus matching benchmarks, {started:%Y-%m-%d %H:%M} UTC, {facts['cpu_count']} CPUs, "
        f"Python {facts['python']}, numpy {facts['versions']['numpy']}"
        f"{' (--quick)' if args.quick else ''}"
    )
    print(
        "ratio = sparkus median / peer median (interleaved runs, fresh process each); "
        "peak = child's peak RSS (+ increment over its baseline after setup)\n"
    )
    print(format_table(results))
    notes = [note for r in results for note in r.notes]
    if notes:
        print("\n" + "\n".join(f"- {note}" for note in notes))
    record = {
        "started_utc": started.isoformat(),
        "wall_seconds": elapsed,
        "machine": facts,
        "options": {
            "quick": args.quick,
            "repeats": repeats,
            "only": args.only,
            "sizes": asdict(sizes),
        },
        "cases": [r.to_dict() for r in results],
    }
    path = write_json(RESULTS, record)
    print(f"\nwrote {path.relative_to(HERE.parent)} ({format_seconds(elapsed)} in all)")
    return 0


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        measure(CHILD_SETUPS[arguments.child], json.loads(arguments.params))
        sys.exit(0)
    if arguments.check:
        report = _check(arguments.check, json.loads(arguments.params))
        print(CHECK_MARKER + repr(report), flush=True)
        sys.exit(0)
    sys.exit(main(arguments))
