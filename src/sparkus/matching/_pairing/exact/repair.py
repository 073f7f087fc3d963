"""The certificate of an assignment, and its repair on the original float costs.

The auction solves the problem on integers. When those integers are the costs themselves
(shifted and scaled), its ε-complementary slackness with ``ε < 1 / (n + 1)`` proves the
optimum, and :func:`repair` only converts the prices. Otherwise the integers are the costs
rounded to a fine grid, and the answer is checked on the original floats:

* Node potentials are read off the auction's prices: ``-u_i`` for participant ``i`` (its own
  cost plus its provider's price), ``-q_j`` for provider ``j``, 0 for the sink. In the residual
  graph of the assignment (participant -> provider for an unused pair, provider -> participant
  for a used one, provider <-> sink for room left and for places taken) only unused pairs can
  have a negative reduced cost, and only by the rounding of the grid.
* A label-correcting shortest-path computation (Bellman-Ford, vectorised over the frontier)
  starts from those potentials. If it settles, the corrected potentials have no negative reduced
  cost beyond float rounding: the assignment is optimal for the floats. If a cycle appears in
  the predecessor graph, it is a negative-cost exchange; it is applied (each participant on it
  moves to the next provider) and the computation starts again.
* The certificate reported is the duality gap of the final prices: with ``q_j >= 0`` and
  ``u_i = min_j (c_ij + q_j)``, ``sum u - sum cap * q`` is a lower bound on every assignment of
  as many participants, so ``total - bound`` bounds the distance to the optimum. It is computed
  in exact arithmetic and rounded up (:func:`_gap_above`): with ``u`` read from rounded sums
  ``c_ij + q_j``, the bound could claim more than the prices prove, and the gap less than the
  true one (0 for a placement ``5e-324`` above the optimum, on costs that span ``2e-300``).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Final

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray
from sparkus.matching._pairing.exact.arcs import ranges

__all__ = ["Repaired", "repair"]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]

_MAX_EXCHANGES: Final = 10_000
"""Negative cycles applied at most; beyond that the certificate reports what remains."""

_MAX_SWEEPS: Final = 100_000
"""Frontier sweeps of one shortest-path computation at most."""

_CYCLE_CHECK_EVERY: Final = 4
"""Sweeps between two searches for a cycle among the predecessors."""


@attrs.frozen(eq=False)
class Repaired:
    """The final assignment and its certificate, in the original cost units."""

    arc: IndexArray
    prices: FloatArray
    max_violation: float
    gap_bound: float


@attrs.define(eq=False)
class _Problem:
    """The float problem around an assignment: persons, providers, the artificial provider."""

    indptr: IndexArray
    cols: IndexArray
    costs: FloatArray
    capacity: IntArray  # m real providers, then the artificial one
    artificial_cost: float
    arc: IndexArray  # per person, -1 on the artificial provider

    @property
    def n(self) -> int:
        return int(self.indptr.shape[0] - 1)

    @property
    def m(self) -> int:
        return int(self.capacity.shape[0] - 1)

    def obj(self) -> IndexArray:
        """Per person, its provider (m for the artificial one)."""
        out = np.full(self.n, self.m, dtype=np.intp)
        real = self.arc >= 0
        out[real] = self.cols[self.arc[real]]
        return out

    def own_cost(self) -> FloatArray:
        out = np.full(self.n, self.artificial_cost, dtype=np.float64)
        real = self.arc >= 0
        out[real] = self.costs[self.arc[real]]
        return out

    def best(self, q: FloatArray) -> FloatArray:
        """Per person, ``min_j (c_ij + q_j)`` over its pairs and the artificial provider."""
        values = self.costs + q[self.cols]
        starts = self.indptr[:-1]
        u = np.minimum.reduceat(values, starts) if values.size else np.zeros(self.n)
        u[np.diff(self.indptr) == 0] = np.inf
        if self.capacity[self.m] > 0:
            u = np.minimum(u, self.artificial_cost + q[self.m])
        return u

    def gap(self, q: FloatArray) -> tuple[float, float]:
        """``(max violation, duality gap)`` of prices `q` (clipped at 0) for the assignment."""
        q = np.maximum(q, 0.0)
        u = self.best(q)
        obj = self.obj()
        own = self.own_cost()
        violation = own + q[obj] - u
        worst = float(violation.max()) if violation.size else 0.0
        return max(worst, 0.0), _gap_above(own, u, self._exact_best(q, u), self.capacity, q)

    def _exact_best(self, q: FloatArray, u: FloatArray) -> FloatArray:
        """Per person, what the rounded `u` (:meth:`best`) lacks: ``u + error`` is exact.

        ``u + error`` is exactly the person's least ``c_ij + q_j``. Rounding to nearest is
        monotone, so the least exact sum is among the pairs whose rounded sum is ``u``; each
        pair's error is exact (Knuth's two-sum, error-free in binary floating point without
        overflow).
        """
        rows = np.repeat(np.arange(self.n, dtype=np.intp), np.diff(self.indptr))
        values = self.costs + q[self.cols]
        hit = np.flatnonzero(values == u[rows])
        error = _sum_error(self.costs[hit], q[self.cols[hit]], values[hit])
        out = np.full(self.n, np.inf)
        np.minimum.at(out, rows[hit], error)
        if self.capacity[self.m] > 0:
            art = np.full(self.n, self.artificial_cost)
            art_error = _sum_error(art, np.full(self.n, q[self.m]), art + q[self.m])
            out = np.where(art + q[self.m] == u, np.minimum(out, art_error), out)
        return out


def _sum_error(a: FloatArray, b: FloatArray, s: FloatArray) -> FloatArray:
    """``a + b - s`` exactly, for ``s`` the rounded ``a + b`` (Knuth's two-sum)."""
    b_part = s - a
    a_part = s - b_part
    error: FloatArray = (a - a_part) + (b - b_part)
    return error


def _exact_sum(values: list[float]) -> Fraction:
    """The exact sum of finite floats: the correctly rounded sum, plus that of what it left over.

    Each round leaves at most half a unit in the last place of the previous one, so the loop
    ends after a few rounds (at most about 40 across the whole float range).
    """
    out = Fraction(0)
    while (head := math.fsum(values)) != 0.0:
        out += Fraction(head)
        values.append(-head)
    return out


def _gap_above(
    own: FloatArray, u: FloatArray, error: FloatArray, capacity: IntArray, q: FloatArray
) -> float:
    """The duality gap ``sum own - (sum (u + error) - sum cap * q)``, rounded up.

    `own` is each person's cost, ``u + error`` exactly its least cost plus price
    (:meth:`_Problem._exact_best`). The float terms are summed without rounding and
    ``cap * q`` in rationals; the result is rounded towards ``+inf`` (Python's float of a
    fraction is correctly rounded, and one step up covers it), so that it is never below the
    distance to the optimum that the prices prove. 0 when the prices prove the optimum.
    """
    terms = np.concatenate([own, -u, -error]).tolist()
    gap = _exact_sum(terms) + sum(
        (int(c) * Fraction(float(p)) for c, p in zip(capacity, q, strict=True) if c and p),
        Fraction(0),
    )
    if gap <= 0:
        return 0.0
    try:
        out = float(gap)
    except OverflowError:
        return math.inf
    return out if Fraction(out) >= gap else math.nextafter(out, math.inf)


def repair(
    *,
    indptr: IndexArray,
    cols: IndexArray,
    costs: FloatArray,
    capacity: IntArray,
    arc: IndexArray,
    prices: FloatArray,
    artificial_cost: float,
    artificial_price: float,
    left_over: int,
    exact: bool,
    integer_violation: IntArray | None,
    unit: float,
) -> Repaired:
    """Certify the auction's assignment on the float costs, repairing it first if needed.

    With `exact`, the integer violations (each at most 1 unit) prove the optimum, and only the
    prices are converted. Otherwise see the module docstring.
    """
    m = capacity.shape[0]
    caps = np.append(capacity, left_over).astype(np.int64)
    q = np.append(prices, artificial_price).astype(np.float64)
    problem = _Problem(indptr, cols, costs, caps, artificial_cost, arc.copy())
    if exact and integer_violation is not None:
        worst = float(integer_violation.max()) * unit if integer_violation.size else 0.0
        return Repaired(problem.arc, q[:m].copy(), worst, 0.0)
    worst, gap = problem.gap(q)
    if worst > 0.0:
        q = _settle(problem, q)
        worst, gap = problem.gap(q)
    return Repaired(problem.arc, np.maximum(q[:m], 0.0), worst, gap)


def _settle(problem: _Problem, q: FloatArray) -> FloatArray:
    """Apply negative exchanges until none is left; return provider prices that certify it."""
    for _ in range(_MAX_EXCHANGES):
        outcome = _shortest_paths(problem, q)
        if isinstance(outcome, list):
            _apply_cycle(problem, outcome)
            continue
        return outcome
    return q  # pragma: no cover - an exchange budget this large is never reached in practice


def _holders(problem: _Problem, obj: IndexArray) -> tuple[IndexArray, IndexArray]:
    """Per provider (the artificial one included) the persons on it, in CSR form."""
    order = np.argsort(obj, kind="stable").astype(np.intp)
    ptr = np.zeros(problem.m + 2, dtype=np.intp)
    np.cumsum(np.bincount(obj, minlength=problem.m + 1), out=ptr[1:])
    return ptr, order


def _shortest_paths(problem: _Problem, q: FloatArray) -> FloatArray | list[int]:
    """Correct the potentials by label-correcting; prices if they settle, else a cycle.

    Nodes: persons ``0..n-1``, providers ``n..n+m`` (the artificial one last), the sink
    ``n+m+1``. The cycle is a list of nodes in residual-arc order.
    """
    n, m = problem.n, problem.m
    sink = n + m + 1
    obj = problem.obj()
    own = problem.own_cost()
    u = own + q[obj]
    load = np.bincount(obj, minlength=m + 1)
    hold_ptr, hold = _holders(problem, obj)
    scale = float(np.abs(problem.costs).max(initial=0.0)) + float(np.abs(q).max(initial=0.0))
    scale += abs(problem.artificial_cost)
    tol = 64 * np.finfo(np.float64).eps * max(scale, 1.0)

    pi = np.concatenate([-u, -q, [0.0]])  # potentials: persons, providers, sink
    d = np.zeros(n + m + 2, dtype=np.float64)
    pred = np.full(n + m + 2, -1, dtype=np.intp)
    pred_arc = np.full(n + m + 2, -1, dtype=np.intp)
    # With d = 0 only the tails of negative arcs can improve anything: persons whose own cost
    # plus price exceeds their best, and providers with room at a positive price.
    slack = u - problem.best(q)
    room = np.flatnonzero((load < problem.capacity) & (q > tol))
    frontier = np.concatenate([np.flatnonzero(slack > tol), n + room]).astype(np.intp)
    touched = np.zeros(n + m + 2, dtype=bool)
    # No correction exceeds the sum of the negative reduced costs (a simple path meets each
    # person once): arcs with a larger reduced cost can never be relaxed, so leave them out.
    reach = float(np.clip(slack, 0.0, None).sum()) + float(q[room].sum()) + tol
    rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(problem.indptr))
    reduced = problem.costs + q[problem.cols] - u[rows]
    near = np.flatnonzero((reduced <= reach) & (np.arange(rows.shape[0]) != problem.arc[rows]))
    near_ptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows[near], minlength=n), out=near_ptr[1:])
    has_art = problem.capacity[m] > 0
    art_near = (problem.artificial_cost + q[m] - u <= reach) & (obj != m) if has_art else None
    for sweep in range(_MAX_SWEEPS):
        heads: list[IndexArray] = []
        tails: list[IndexArray] = []
        vals: list[FloatArray] = []
        arcs: list[IndexArray] = []
        persons = frontier[frontier < n]
        if persons.size:
            deg = near_ptr[persons + 1] - near_ptr[persons]
            a = near[ranges(near_ptr[persons], deg)]
            tail = np.repeat(persons, deg)
            head = n + problem.cols[a]
            heads.append(head)
            tails.append(tail)
            vals.append(d[tail] + problem.costs[a] + pi[tail] - pi[head])
            arcs.append(a)
            if art_near is not None:
                p = persons[art_near[persons]]
                heads.append(np.full(p.shape[0], n + m, dtype=np.intp))
                tails.append(p)
                vals.append(d[p] + problem.artificial_cost + pi[p] - pi[n + m])
                arcs.append(np.full(p.shape[0], -1, dtype=np.intp))
        providers = frontier[(frontier >= n) & (frontier < sink)] - n
        if providers.size:
            cnt = hold_ptr[providers + 1] - hold_ptr[providers]
            h = hold[ranges(hold_ptr[providers], cnt)]
            tail = n + np.repeat(providers, cnt)
            heads.append(h)
            tails.append(tail)
            vals.append(d[tail] - own[h] + pi[tail] - pi[h])
            arcs.append(np.full(h.shape[0], -1, dtype=np.intp))
            room = providers[load[providers] < problem.capacity[providers]]
            heads.append(np.full(room.shape[0], sink, dtype=np.intp))
            tails.append(n + room)
            vals.append(d[n + room] + pi[n + room] - pi[sink])
            arcs.append(np.full(room.shape[0], -1, dtype=np.intp))
        if frontier.size and frontier[-1] == sink:
            taken = np.flatnonzero((load > 0) & (q <= reach))
            heads.append(n + taken)
            tails.append(np.full(taken.shape[0], sink, dtype=np.intp))
            vals.append(d[sink] + pi[sink] - pi[n + taken])
            arcs.append(np.full(taken.shape[0], -1, dtype=np.intp))
        if not heads:
            break
        head = np.concatenate(heads)
        value = np.concatenate(vals)
        better = value < d[head] - tol
        if not better.any():
            break
        head, value = head[better], value[better]
        tail = np.concatenate(tails)[better]
        arc = np.concatenate(arcs)[better]
        order = np.lexsort((value, head))
        head, value, tail, arc = head[order], value[order], tail[order], arc[order]
        first = np.ones(head.shape[0], dtype=bool)
        first[1:] = head[1:] != head[:-1]
        head, value, tail, arc = head[first], value[first], tail[first], arc[first]
        d[head] = value
        pred[head] = tail
        pred_arc[head] = arc
        touched[head] = True
        frontier = head
        if sweep % _CYCLE_CHECK_EVERY == _CYCLE_CHECK_EVERY - 1:
            cycle = _find_cycle(pred, np.flatnonzero(touched))
            if cycle is not None:
                problem_arc = pred_arc
                return [int(v) for v in cycle] + [-1] + [int(problem_arc[v]) for v in cycle]
    else:  # pragma: no cover - the sweep budget is far above any instance's need
        return q
    corrected = pi + d
    prices: FloatArray = corrected[sink] - corrected[n : n + m + 1]
    return prices


def _find_cycle(pred: IndexArray, nodes: IndexArray) -> IndexArray | None:
    """A cycle of the predecessor graph among `nodes`, in residual order, or None."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    size = pred.shape[0]
    has = pred[nodes] >= 0
    src, dst = nodes[has], pred[nodes[has]]
    graph = csr_matrix((np.ones(src.shape[0]), (src, dst)), shape=(size, size))
    _, labels = connected_components(graph, directed=True, connection="strong")
    counts = np.bincount(labels[nodes])
    big = np.flatnonzero(counts > 1)
    if big.size == 0:
        return None
    start = int(nodes[np.flatnonzero(labels[nodes] == big[0])[0]])
    walk = [start]
    v = int(pred[start])
    while v != start:
        walk.append(v)
        v = int(pred[v])
    # pred points backwards along residual arcs: reverse for the residual order.
    return np.array(walk[::-1], dtype=np.intp)


def _apply_cycle(problem: _Problem, encoded: list[int]) -> None:
    """Move each person on the cycle to the provider that follows it on the cycle."""
    cut = encoded.index(-1)
    nodes, arcs = encoded[:cut], encoded[cut + 1 :]
    n, m = problem.n, problem.m
    length = len(nodes)
    for k, v in enumerate(nodes):
        if v >= n:
            continue
        nxt = nodes[(k + 1) % length]
        if not n <= nxt <= n + m:  # pragma: no cover - persons only lead to providers
            msg = "a residual cycle left a participant for a non-provider (a sparkus bug)"
            raise RuntimeError(msg)
        problem.arc[v] = -1 if nxt == n + m else arcs[(k + 1) % length]
