"""The solver for few providers: a transportation problem solved in the providers' space.

:func:`~sparkus.matching.solve_assignment` uses it when there are few providers (the rule is in
``solve.py``), where the auction is at its weakest: every provider is popular, capacities are
large, and each auction round moves few bidders. Here the persons are not the nodes of the
search; the providers are.

The problem, on integer costs (non-negative int64): assign every person (row) to at most one
object (provider) it lists, at most ``capacity[j]`` persons on object ``j``; first as many
persons as possible, then at the least total cost.

How it works (successive shortest paths, in the space of the ``m`` objects):

* Maximum cardinality first: persons with the same set of allowed objects are interchangeable
  for counting, so a maximum flow (scipy) on the small graph *sets of objects -> objects* gives
  the largest number ``N`` of persons that can be placed. If ``N < n``, an artificial object
  with exactly ``n - N`` places, listed by every person at a cost above every real cost, takes
  the persons left over; every complete assignment then places exactly ``N`` persons, so the
  artificial cost does not change which one is optimal. From here on every person is assigned.
* Prices ``q`` (one per object, non-negative) and the invariant of complementary slackness,
  exactly, with no ε: every person sits on an object of least cost plus price among its
  options. It starts with ``q = 0`` and every person on its cheapest object; objects may then
  hold more persons than their capacity (an *excess*).
* Shedding (Gauss-Seidel, vectorised per object): an object with an excess raises its price
  just enough that only ``capacity`` persons still prefer it; the others move to their next
  best object at the current prices. This keeps the invariant exactly and removes the bulk of
  a large excess in a few passes; it stops when a pass removes less than a tenth of the excess
  (a price war between full objects), and shortest paths finish the work.
* Shortest paths: moving a person from object ``a`` to ``b`` costs ``c_ib - c_ia``; the arc
  ``a -> b`` of the object graph costs the least such difference over the persons on ``a``
  (kept per pair of objects in sorted arrays, with a heap for the persons who arrive later).
  With the prices as potentials (Johnson) every reduced arc cost is non-negative, so Dijkstra
  on the ``m`` (+1) object nodes, from all objects with an excess at once, finds the nearest
  object with room. The prices then rise by ``D - d_v`` on the nodes closer than the distance
  ``D`` of that object, which keeps every reduced cost non-negative and makes the path's arcs
  tight; one person moves along each arc of the path (and again, as long as the path stays
  tight). Each search costs ``O(m**2)`` plain Python steps, each move ``O(m)`` heap pushes.
* Prices only rise, and only on objects at or above their capacity, and an object with an
  excess never falls below its capacity: so an object with room keeps price 0. At the end no
  object has an excess, and the prices certify the optimum exactly (integer arithmetic, Python
  integers in the search: no overflow and no rounding).
"""

from __future__ import annotations

import heapq
from typing import Final

import attrs
import numpy as np
from numpy.typing import NDArray

__all__ = ["COST_LIMIT", "MAX_OBJECTS", "TransportOutcome", "transport"]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]

MAX_OBJECTS: Final = 64
"""Most providers this solver takes: each person's set of allowed providers is the bits of one
64-bit integer. Each shortest-path search costs ``O(m**2)`` Python steps."""

COST_LIMIT: Final = 2**57
"""Costs must stay below this: with prices up to :data:`_PRICE_LIMIT` (plus one step) every
sum of a cost and a price stays far below :data:`_BIG`."""

_BIG: Final = 2**62
"""Cost of a pair that is not allowed, in the dense cost matrix."""

_PRICE_LIMIT: Final = 2**60
"""Prices beyond this leave the int64 shedding phase to the Python-integer search."""

_SHED_PASSES: Final = 64
"""Shedding passes at most before the shortest paths take over."""


@attrs.frozen(eq=False)
class TransportOutcome:
    """What the solver found, in the integer units it was given.

    Attributes
    ----------
    arc : ndarray of intp
        Per person, the index (into the CSR arrays given) of its arc, or -1 when the person is
        left over (on the artificial object).
    prices : list of int
        Per object, its dual price (0 for an object with room left).
    artificial_price : int
        The dual price of the artificial object (0 when every person is placed).
    n_max : int
        The largest number of persons that can be placed at once.
    searches : int
        Shortest-path searches run.
    """

    arc: IndexArray
    prices: list[int]
    artificial_price: int
    n_max: int
    searches: int


def _max_cardinality(indptr: IndexArray, cols: IndexArray, capacity: IntArray) -> int:
    """The largest number of persons that can be placed: a maximum flow over sets of objects."""
    n = indptr.shape[0] - 1
    m = capacity.shape[0]
    degree = np.diff(indptr)
    if cols.shape[0] == n * m and bool(np.all(degree == m)):
        return int(min(n, int(capacity.sum())))
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import maximum_flow

    bits = np.left_shift(np.int64(1), cols.astype(np.int64))
    signature = np.bitwise_or.reduceat(bits, indptr[:-1]) if n else bits[:0]
    kinds, counts = np.unique(signature, return_counts=True)
    t = kinds.shape[0]
    members = (kinds[:, None] >> np.arange(m, dtype=np.int64)[None, :]) & 1
    kind_of, obj = np.nonzero(members)
    source, sink = t + m, t + m + 1
    tails = np.concatenate([np.full(t, source), kind_of, t + np.arange(m)])
    heads = np.concatenate([np.arange(t), t + obj, np.full(m, sink)])
    caps = np.concatenate([counts, counts[kind_of], np.minimum(capacity, n)]).astype(np.int32)
    graph = csr_array((caps, (tails, heads)), shape=(t + m + 2, t + m + 2))
    return int(maximum_flow(graph, source, sink).flow_value)


class _Transport:
    """The mutable state of one solve; see the module docstring for the method."""

    def __init__(self, dense: IntArray, capacity: IntArray) -> None:
        self.c = dense  # (n, k): cost per person and object, _BIG where not allowed
        self.n, self.k = (int(s) for s in dense.shape)
        self.cap: list[int] = [int(v) for v in capacity]
        self.cur: IndexArray = np.argmin(dense, axis=1).astype(np.intp)
        self.q: list[int] = [0] * self.k
        self.load: list[int] = np.bincount(self.cur, minlength=self.k).tolist()
        self.searches = 0

    def excess(self) -> int:
        return sum(max(0, ld - cp) for ld, cp in zip(self.load, self.cap, strict=True))

    # -- shedding -------------------------------------------------------------------------------

    def shed(self) -> None:
        """Raise the prices of objects with an excess until the excess stops falling fast."""
        c, k = self.c, self.k
        before = self.excess()
        for _ in range(_SHED_PASSES):
            if before == 0:
                return
            for j in range(k):
                extra = self.load[j] - self.cap[j]
                if extra <= 0:
                    continue
                if max(self.q) > _PRICE_LIMIT:
                    return
                persons = np.flatnonzero(self.cur == j)
                prices = np.array(self.q, dtype=np.int64)
                values = c[persons] + prices
                values[:, j] = _BIG
                nxt = np.argmin(values, axis=1)
                second = values[np.arange(persons.shape[0]), nxt]
                threshold = second - c[persons, j]  # stays while q_j <= threshold
                out = np.argpartition(threshold, extra - 1)[:extra]
                self.q[j] = max(self.q[j], int(threshold[out].max()))
                self.cur[persons[out]] = nxt[out]
                arrived = np.bincount(nxt[out], minlength=k)
                self.load = [ld + int(a) for ld, a in zip(self.load, arrived, strict=True)]
                self.load[j] -= extra
            after = self.excess()
            if 10 * after > 9 * before:
                return
            before = after

    # -- shortest paths -------------------------------------------------------------------------

    def search(self) -> None:
        """Successive shortest paths from the objects with an excess to objects with room."""
        k, c, n = self.k, self.c, self.n
        cur: list[int] = self.cur.tolist()
        # Stamps count each person's moves: an entry (delta, person, stamp) is valid while the
        # person's stamp is unchanged. Person n is a placeholder that never moves.
        stamp = [0] * (n + 1)
        stamps = np.zeros(n, dtype=np.int64)
        empty = (float("inf"), n, 0)
        # Per pair (a, b): persons on a sorted by c_ib - c_ia (built on first use) with a read
        # pointer, a heap of later arrivals, and the cached least valid entry.
        base: dict[tuple[int, int], tuple[list[int], list[int], list[int]]] = {}
        pointer: dict[tuple[int, int], int] = {}
        arrivals: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        best: list[list[tuple[float, int, int] | None]] = [[None] * k for _ in range(k)]

        def build(a: int, b: int) -> None:
            persons = np.flatnonzero(self.cur == a)
            persons = persons[c[persons, b] < _BIG]
            delta = c[persons, b] - c[persons, a]
            order = np.argsort(delta, kind="stable")
            persons = persons[order]
            base[a, b] = (delta[order].tolist(), persons.tolist(), stamps[persons].tolist())
            pointer[a, b] = 0
            arrivals[a, b] = []

        def refresh(a: int, b: int) -> tuple[float, int, int]:
            """The least valid ``(c_ib - c_ia, i, stamp)`` over persons ``i`` on `a`."""
            if (a, b) not in base:
                build(a, b)
            deltas, persons, marks = base[a, b]
            ptr = pointer[a, b]
            size = len(persons)
            while ptr < size and stamp[persons[ptr]] != marks[ptr]:
                ptr += 1
            pointer[a, b] = ptr
            heap = arrivals[a, b]
            while heap and stamp[heap[0][1]] != heap[0][2]:
                heapq.heappop(heap)
            found: tuple[float, int, int] = empty
            if ptr < size:
                found = (deltas[ptr], persons[ptr], marks[ptr])
            if heap and heap[0][0] < found[0]:
                found = heap[0]
            best[a][b] = found
            return found

        def move(i: int, a: int, b: int) -> None:
            cur[i] = b
            self.cur[i] = b
            mark = stamp[i] + 1
            stamp[i] = mark
            stamps[i] = mark
            self.load[a] -= 1
            self.load[b] += 1
            row = c[i].tolist()
            own = row[b]
            cached = best[b]
            for t in range(k):
                if t != b and row[t] < _BIG and (b, t) in base:
                    entry = (row[t] - own, i, mark)
                    heapq.heappush(arrivals[b, t], entry)
                    old = cached[t]
                    if old is not None and entry[0] < old[0]:
                        cached[t] = entry

        q, load, cap = self.q, self.load, self.cap
        inf = float("inf")
        while True:
            sources = [v for v in range(k) if load[v] > cap[v]]
            if not sources:
                return
            self.searches += 1
            dist: list[float] = [inf] * k
            pred = [-1] * k
            via = [-1] * k
            done = [False] * k
            for s in sources:
                dist[s] = 0
            settled: list[int] = []
            target = -1
            while True:
                u, du = -1, inf
                for v in range(k):
                    if not done[v] and dist[v] < du:
                        u, du = v, dist[v]
                if u < 0:  # pragma: no cover - a complete assignment exists (see N)
                    msg = "the transportation solver found no path to a free place (a sparkus bug)"
                    raise RuntimeError(msg)
                done[u] = True
                settled.append(u)
                if load[u] < cap[u]:
                    target = u
                    break
                base_u = du - q[u]
                row_best = best[u]
                for v in range(k):
                    if done[v]:
                        continue
                    e = row_best[v]
                    if e is None or stamp[e[1]] != e[2]:
                        e = refresh(u, v)
                    nd = base_u + e[0] + q[v]
                    if nd < dist[v]:
                        dist[v], pred[v], via[v] = nd, u, e[1]
            reach = int(dist[target])
            for v in settled:
                q[v] += reach - int(dist[v])
            # Augment along the path, and again while it stays tight.
            path: list[int] = []
            v = target
            while pred[v] >= 0:
                path.append(v)
                v = pred[v]
            origin = v
            first = True
            while load[origin] > cap[origin] and load[target] < cap[target]:
                steps: list[tuple[int, int, int]] = []
                for b in path:
                    a = pred[b]
                    if first:
                        steps.append((via[b], a, b))
                        continue
                    e = best[a][b]
                    if e is None or stamp[e[1]] != e[2]:
                        e = refresh(a, b)
                    if e[1] == n or e[0] + q[b] - q[a] != 0:
                        steps = []
                        break
                    steps.append((e[1], a, b))
                if not steps:
                    break
                for i, a, b in steps:
                    move(i, a, b)
                first = False


def transport(
    indptr: IndexArray, cols: IndexArray, costs: IntArray, capacity: IntArray
) -> TransportOutcome:
    """Solve the capacitated assignment on integer costs (see the module docstring).

    Parameters
    ----------
    indptr, cols, costs : ndarray
        The candidates in CSR form: person ``i`` lists objects ``cols[indptr[i]:indptr[i+1]]``
        at ``costs[...]``. Every person lists at least one object; no object twice. Costs are
        non-negative int64 below :data:`COST_LIMIT`.
    capacity : ndarray of int64
        Per object, at least 1 for every object listed; at most :data:`MAX_OBJECTS` objects.

    Returns
    -------
    TransportOutcome
    """
    n = indptr.shape[0] - 1
    m = capacity.shape[0]
    if n == 0:
        return TransportOutcome(np.zeros(0, dtype=np.intp), [0] * m, 0, 0, 0)
    n_max = _max_cardinality(indptr, cols, capacity)
    artificial = n_max < n
    k = m + 1 if artificial else m
    degree = np.diff(indptr)
    rows = np.repeat(np.arange(n, dtype=np.intp), degree)
    if cols.shape[0] == n * m and bool(np.all(cols.reshape(n, m) == np.arange(m))):
        dense = costs.reshape(n, m)
        if artificial:
            dense = np.column_stack([dense, np.full(n, int(costs.max()) + 1, dtype=np.int64)])
    else:
        dense = np.full((n, k), _BIG, dtype=np.int64)
        dense[rows, cols] = costs
        if artificial:
            dense[:, m] = int(costs.max()) + 1
    caps = capacity.astype(np.int64)
    if artificial:
        caps = np.append(caps, n - n_max)
    state = _Transport(dense, caps)
    state.shed()
    state.search()
    obj = state.cur
    arc = np.full(n, -1, dtype=np.intp)
    match = cols == obj[rows]
    arc[rows[match]] = np.flatnonzero(match)
    return TransportOutcome(
        arc=arc,
        prices=state.q[:m],
        artificial_price=state.q[m] if artificial else 0,
        n_max=n_max,
        searches=state.searches,
    )
