"""The exact solver behind :func:`~sparkus.matching.solve_assignment`: an ε-scaling auction.

Held whole (about 860 lines): one algorithm. Its parts (forward rounds, reverse rounds, the
shortest-path drain, ε-scaling) are methods of one mutable state, the prices, copies and
holders they all read and write under one invariant (ε-complementary slackness); apart, each
would need that state and its invariant explained again, and a reader checking the invariant
would have to follow it across files.

The problem, on integer costs: assign every person (row) to at most one object (provider) it
lists, with at most ``capacity[j]`` persons on object ``j``; first as many persons as possible,
then at the least total cost. The solver works on costs already scaled to integers and multiplied
by ``n + 1`` (``n`` persons), so that a final ``ε = 1`` proves optimality: ε-complementary
slackness bounds the gap to the optimum by ``n·ε < n + 1``, one unit of the unscaled integer
costs, and the optimum is a whole number of such units.

How it works (Bertsekas' auction, adapted to capacities and vectorised):

* Each object ``j`` has ``capacity[j]`` *copies*, each with its own price. Its dual price ``q_j``
  is the price of its cheapest copy; a free copy is a copy held by nobody.
* The invariant (ε-CS): every assigned person ``i``, holding a copy of ``s`` at price ``π_i``,
  satisfies ``c_is + π_i <= min over k != s of (c_ik + q_k) + ε``. Since ``q_s <= π_i`` it
  implies the per-object condition ``c_is + q_s <= min_k (c_ik + q_k) + ε``, which is what the
  final certificate needs.
* Forward rounds (Jacobi): every unassigned person bids at once for the cheapest copy of its best
  object, offering ``w - c_ij + ε`` where ``w`` is its best value among *other objects*. Each
  object keeps its ``capacity`` highest offers among its holders and the new bids (free copies
  go first, then the cheapest held copy); the evicted holders bid in the next round.
  Comparing with other objects only, not with the object's second copy, keeps the bids large
  and the invariant intact.
* Prices of all copies of an object may be lowered to the object's cheapest at any time
  ("flattening"): nobody's ε-CS depends on more than the cheapest copy.
* ε-scaling: phases with decreasing ε (first the cost range / 1024 or less, then / 32, or
  straight to the last ε when few persons would be released); each phase starts from the last
  prices, releases the persons who violate ε-CS for the new ε, and reassigns them. A price war
  (many bidders, no progress) raises ε within a phase; later phases shrink it again.
* Asymmetry: there are more copies than persons, so at the end every object with a free copy
  must have price 0 (the dual price of a capacity that is not used). Releasing persons between
  phases can leave a free copy at a positive price. Reverse rounds fix it first: such an object
  lowers its price to attract the persons that gain most from it (Bertsekas and Castañon's
  forward/reverse auction for asymmetric problems). If that drags on, the free copies are
  drained at once by shortest paths (scipy's Dijkstra on reduced costs, a Hungarian step):
  prices fall as far as ε-CS allows and persons move along tight paths. Neither breaks ε-CS.
* Rounds with very few bidders (or free copies) run one at a time in plain Python, which is
  cheaper than a vectorised round of that size and equally correct (Gauss-Seidel order).
* Maximum cardinality: if some persons cannot all be placed, the unassigned count stops falling;
  a maximum flow (scipy) then gives the largest number ``N`` of persons that can be placed, and an
  artificial object with ``n - N`` copies, listed by everyone at a cost above every real cost,
  takes the persons left over. Exactly ``n - N`` persons end on it in any solution, so its cost
  does not change which solution is optimal.

The duals at the end (object prices, and each person's best value) certify the optimum: the total
of the reduced-cost violations is at most ``n·ε``.
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from sparkus._checks import BoolArray
from sparkus._runs import rank_in_runs
from sparkus.matching._pairing.exact.arcs import ranges

__all__ = ["AuctionOutcome", "PriceOverflowError", "auction", "max_cardinality"]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]
BIG: Final = 2**62
"""Value of a padded (absent) candidate; every real value stays below ``LIMIT``."""

LIMIT: Final = 2**61
"""Largest cost or price the integer arithmetic admits: sums of two stay below ``2**62``."""

_CHUNK_ELEMENTS: Final = 1 << 17
"""Rows of a padded candidate array are visited in blocks of about this many entries."""

_STALL_ROUNDS: Final = 60
"""Forward rounds without fewer unassigned persons before the maximum flow is computed."""

_WAR_ROUNDS: Final = 64
"""Forward rounds between two looks for a price war (see :meth:`_Auction.forward`)."""

_SMALL: Final = 8
"""A round with at most this many bidders (or stale objects) runs one at a time, in Python:
cheaper than the vectorised round at that size, and as correct (Gauss-Seidel order)."""

_SINGLE_STEPS: Final = 256
"""Single reverse bids counted as one round."""

_REVERSE_ROUNDS: Final = 24
"""Reverse rounds tried before the free copies are drained by shortest paths instead."""

_DEFAULT_ALPHA: Final = 32
"""Factor by which ε shrinks between phases."""

_EPS0_DIVISOR: Final = 1024
"""The first ε is the cost range divided by this, or by 20 times the mean number of options if
that is larger (more options, finer price differences)."""


class PriceOverflowError(OverflowError):
    """Prices outgrew the exact integer range: the caller retries on a coarser grid."""


@attrs.frozen(eq=False)
class AuctionOutcome:
    """What the auction found, in the solver's own integer units.

    Attributes
    ----------
    arc : ndarray of intp
        Per person, the index (into the CSR arrays given) of its arc, or -1 when the person is on
        the artificial object (left unassigned because capacity ran out).
    prices : ndarray of int64
        Per object, its dual price (the price of its cheapest copy; 0 for an object with a free
        copy).
    artificial_price : int
        The dual price of the artificial object (0 when every person is placed).
    violation : ndarray of int64
        Per person, its cost plus its object's price, less the least cost plus price among its
        options (the artificial object included): at most 1 (the final ε) each.
    n_max : int
        The largest number of persons that can be placed at once.
    phases, rounds, bids : int
        Work done: ε-phases, forward rounds and bids.
    """

    arc: IndexArray
    prices: IntArray
    artificial_price: int
    violation: IntArray
    n_max: int
    phases: int
    rounds: int
    bids: int


@attrs.define(eq=False)
class _Bucket:
    """Persons of similar degree, their candidates padded to a common width."""

    start: int  # first internal person id
    cols: IndexArray  # (rows, width): object ids, the sentinel for padding
    costs: IntArray  # (rows, width): scaled costs, 0 for padding


class _Auction:
    """The mutable state of one solve; see the module docstring for the method."""

    def __init__(
        self,
        indptr: IndexArray,
        cols: IndexArray,
        costs: IntArray,
        capacity: IntArray,
        artificial_cost: int,
    ) -> None:
        n = indptr.shape[0] - 1
        m = capacity.shape[0]
        self.n, self.m = n, m
        self.indptr, self.arc_cols, self.arc_costs = indptr, cols, costs
        self.artificial_cost = np.int64(artificial_cost)
        self.cost_range = int(costs.max()) - int(costs.min()) if costs.size else 0
        degree = np.diff(indptr)

        # Persons in buckets of similar degree (internal ids follow the buckets).
        size_class = np.zeros(n, dtype=np.intp)
        size_class[degree > 1] = np.ceil(np.log2(degree[degree > 1])).astype(np.intp)
        self.order: IndexArray = np.argsort(size_class, kind="stable").astype(np.intp)
        self.inverse: IndexArray = np.empty(n, dtype=np.intp)
        self.inverse[self.order] = np.arange(n, dtype=np.intp)
        self.sentinel = m + 1
        self.buckets: list[_Bucket] = []
        bounds = np.flatnonzero(np.diff(size_class[self.order])) + 1
        for lo, hi in zip(
            np.concatenate([[0], bounds]), np.concatenate([bounds, [n]]), strict=True
        ):
            self.buckets.append(self._pad(int(lo), int(hi), degree))
        self.bucket_starts = np.array([b.start for b in self.buckets] + [n], dtype=np.intp)

        # Objects: 0..m-1 real, m the artificial (capacity 0 until needed), m+1 the sentinel.
        self.capacity: IntArray = np.concatenate([capacity, [0, 0]]).astype(np.int64)
        self.prices: IntArray = np.zeros(m + 2, dtype=np.int64)
        self.prices[self.sentinel] = BIG
        self.offsets: IndexArray = np.zeros(m + 3, dtype=np.intp)
        np.cumsum(self.capacity, out=self.offsets[1:])
        n_slots = int(self.offsets[-1])
        self.slot_price: IntArray = np.zeros(n_slots, dtype=np.int64)
        self.slot_holder: IndexArray = np.full(n_slots, -1, dtype=np.intp)

        # Per (internal) person: object (-1 unassigned), position in its padded row (-1 on the
        # artificial), own cost and the price paid.
        self.obj: IndexArray = np.full(n, -1, dtype=np.intp)
        self.pos: IndexArray = np.full(n, -1, dtype=np.intp)
        self.own: IntArray = np.zeros(n, dtype=np.int64)
        self.paid: IntArray = np.zeros(n, dtype=np.int64)

        self.artificial = False
        self.feasibility_known = False
        self.n_max = n
        self.rounds = 0
        self.bids = 0
        self._transpose: tuple[IndexArray, IndexArray, NDArray[np.signedinteger[Any]]] | None = None

    # -- set-up ---------------------------------------------------------------------------------

    def _pad(self, lo: int, hi: int, degree: IndexArray) -> _Bucket:
        rows = self.order[lo:hi]
        deg = degree[rows]
        width = int(deg.max())
        first, last = int(rows[0]), int(rows[-1])
        if int(deg.min()) == width and last - first == hi - lo - 1 and lo == first:
            # Equal degrees, rows in order: the CSR arrays already are the padded rows.
            span = slice(int(self.indptr[first]), int(self.indptr[last + 1]))
            return _Bucket(
                lo,
                self.arc_cols[span].reshape(hi - lo, width),
                self.arc_costs[span].reshape(hi - lo, width),
            )
        arcs = ranges(self.indptr[rows], deg)
        local = np.repeat(np.arange(hi - lo, dtype=np.intp), deg)
        k = arcs - np.repeat(self.indptr[rows], deg)
        cols = np.full((hi - lo, width), self.m + 1, dtype=np.intp)
        costs = np.zeros((hi - lo, width), dtype=np.int64)
        cols[local, k] = self.arc_cols[arcs]
        costs[local, k] = self.arc_costs[arcs]
        return _Bucket(lo, cols, costs)

    def transpose(self) -> tuple[IndexArray, IndexArray, NDArray[np.signedinteger[Any]]]:
        """Per object, the persons (internal ids) listing it and the arcs: built once, lazily."""
        if self._transpose is None:
            from scipy.sparse import csr_matrix

            n_arcs = self.arc_cols.shape[0]
            index: type[np.signedinteger[Any]] = (
                np.int32 if n_arcs < 2**31 and self.n < 2**31 else np.int64
            )
            by_person: Any = csr_matrix(
                (
                    np.arange(n_arcs, dtype=index),
                    self.arc_cols.astype(index),
                    self.indptr.astype(index),
                ),
                shape=(self.n, self.m),
            )
            by_object = by_person.T.tocsr()
            persons = by_object.indices
            identity = bool(np.array_equal(self.order, np.arange(self.n)))
            self._transpose = (
                by_object.indptr.astype(np.intp),
                (persons if identity else self.inverse[persons]).astype(np.intp, copy=False),
                by_object.data,
            )
        return self._transpose

    # -- prices and slots -----------------------------------------------------------------------

    def flatten(self) -> None:
        """Lower every copy to its object's cheapest and lay out the slots anew from `obj`."""
        objects = self.m + 1
        self.slot_price[:] = np.repeat(self.prices[:objects], self.capacity[:objects])
        self.slot_holder.fill(-1)
        held = np.flatnonzero(self.obj >= 0)
        by_object = np.argsort(self.obj[held], kind="stable")
        persons = held[by_object]
        objs = self.obj[persons]
        self.slot_holder[self.offsets[objs] + rank_in_runs(objs)] = persons
        self.paid[held] = self.prices[self.obj[held]]

    def slack(self) -> IntArray:
        """Per person, ``own + q_own - min over other options``: ε-CS holds when it is <= ε.

        Assumes flat prices (``paid == prices[obj]``); -BIG for unassigned persons.
        """
        out = np.full(self.n, -BIG, dtype=np.int64)
        art_value = self.artificial_cost + self.prices[self.m] if self.artificial else BIG
        for bucket, lo, hi in self._blocks(np.arange(self.n, dtype=np.intp)):
            persons = np.arange(lo, hi, dtype=np.intp)
            obj = self.obj[persons]
            mine = obj >= 0
            if not mine.any():
                continue
            local = persons - bucket.start
            values = bucket.costs[local] + self.prices[bucket.cols[local]]
            pos = self.pos[persons]
            real = mine & (pos >= 0)
            rows = np.flatnonzero(real)
            values[rows, pos[rows]] = BIG
            best_other = values.min(axis=1)
            best_other[real] = np.minimum(best_other[real], art_value)
            own = self.own[persons] + self.prices[np.maximum(obj, 0)]
            d = own - best_other
            d[~mine] = -BIG
            out[persons] = d
        return out

    def _blocks(self, persons: IndexArray) -> list[tuple[_Bucket, int, int]]:
        """Split sorted internal ids into (bucket, lo, hi) blocks of bounded size.

        With `persons` a full range the blocks are contiguous id ranges; the caller passes
        ``arange(n)`` for that case. For a subset, `lo` and `hi` index into `persons`.
        """
        out: list[tuple[_Bucket, int, int]] = []
        cut = np.searchsorted(persons, self.bucket_starts)
        for b, bucket in enumerate(self.buckets):
            lo, hi = int(cut[b]), int(cut[b + 1])
            step = max(1, _CHUNK_ELEMENTS // bucket.cols.shape[1])
            for s in range(lo, hi, step):
                out.append((bucket, s, min(hi, s + step)))
        return out

    # -- forward rounds -------------------------------------------------------------------------

    def bid(self, bidders: IndexArray, eps: int) -> None:
        """One Jacobi round: every person in `bidders` (sorted) bids; objects keep the best."""
        parts_obj: list[IndexArray] = []
        parts_bid: list[IntArray] = []
        parts_pos: list[IndexArray] = []
        parts_cost: list[IntArray] = []
        art_value = self.artificial_cost + self.prices[self.m] if self.artificial else np.int64(BIG)
        for bucket, lo, hi in self._blocks(bidders):
            local = bidders[lo:hi] - bucket.start
            costs = bucket.costs[local]
            cols = bucket.cols[local]
            values = costs + self.prices[cols]
            rows = np.arange(hi - lo)
            k = values.argmin(axis=1)
            best = values[rows, k]
            values[rows, k] = BIG
            other = values.min(axis=1)
            obj = cols[rows, k]
            cost = costs[rows, k]
            if self.artificial:
                to_art = art_value < best
                obj = np.where(to_art, self.m, obj)
                cost = np.where(to_art, self.artificial_cost, cost)
                k = np.where(to_art, -1, k)
                other = np.where(to_art, best, np.minimum(other, art_value))
            # A person with a single option may offer anything above the price: offer a lot.
            other = np.where(other >= LIMIT, best + self.cost_range + eps, other)
            parts_obj.append(obj)
            parts_bid.append(other - cost + eps)
            parts_pos.append(k.astype(np.intp))
            parts_cost.append(cost)
        offers = np.concatenate(parts_bid)
        if offers.size and int(offers.max()) >= LIMIT:
            if not self.feasibility_known:
                self.check_feasibility(eps)
                return
            msg = "auction prices outgrew the exact integer range"
            raise PriceOverflowError(msg)
        self._award(
            bidders,
            np.concatenate(parts_obj),
            offers,
            np.concatenate(parts_pos),
            np.concatenate(parts_cost),
        )
        self.rounds += 1
        self.bids += bidders.shape[0]

    def _award(
        self,
        bidders: IndexArray,
        obj: IndexArray,
        offer: IntArray,
        pos: IndexArray,
        cost: IntArray,
    ) -> None:
        """Each object keeps the highest of its holders' prices and the offers, up to capacity.

        Free copies are given up first; among equal prices a holder stays before a newcomer.
        """
        objects = np.unique(obj)
        sizes = self.capacity[objects]
        slots = ranges(self.offsets[objects], sizes)
        holders = self.slot_holder[slots]
        n_slots = slots.shape[0]
        all_obj = np.concatenate([np.repeat(objects, sizes), obj])
        all_price = np.concatenate([self.slot_price[slots], offer])
        all_who = np.concatenate([holders, bidders])
        is_free = np.concatenate([holders < 0, np.zeros(bidders.shape[0], dtype=bool)])
        is_new = np.concatenate([np.zeros(n_slots, dtype=bool), np.ones(bidders.shape[0], bool)])
        order = np.lexsort((is_new, -all_price, is_free, all_obj))
        sorted_obj = all_obj[order]
        rank = rank_in_runs(sorted_obj)
        keep = rank < self.capacity[sorted_obj]
        kept = order[keep]
        target = self.offsets[sorted_obj[keep]] + rank[keep]
        self.slot_price[target] = all_price[kept]
        self.slot_holder[target] = np.where(is_free[kept], -1, all_who[kept])

        winners = kept[is_new[kept]]
        who = all_who[winners]
        j = winners - n_slots
        self.obj[who] = obj[j]
        self.pos[who] = pos[j]
        self.own[who] = cost[j]
        self.paid[who] = offer[j]

        dropped = order[~keep]
        evicted = dropped[~is_new[dropped] & ~is_free[dropped]]
        self.obj[all_who[evicted]] = -1

        nonempty = sizes > 0
        self.prices[objects[nonempty]] = np.minimum.reduceat(
            self.slot_price[slots], (np.cumsum(sizes) - sizes)[nonempty]
        )

    def forward(self, eps: int) -> int:
        """Forward rounds until every person holds a copy (the artificial one included).

        Returns the ε in force at the end: a price war (many bidders, not halving over
        ``_WAR_ROUNDS`` rounds) raises it, which keeps ε-CS (for the larger ε) and ends the war
        sooner; later phases shrink it again.
        """
        best = self.n + 1
        stalled = 0
        checkpoint, since = self.n + 1, 0
        ceiling = max(eps, self.cost_range // 8)
        while True:
            bidders = np.flatnonzero(self.obj < 0)
            count = bidders.shape[0]
            if count == 0:
                return eps
            if count < best:
                best, stalled = count, 0
            else:
                stalled += 1
            since += 1
            if since >= _WAR_ROUNDS:
                if 2 * count > checkpoint and count > max(4 * _SMALL, self.n // 256):
                    eps = min(ceiling, 4 * eps)
                checkpoint, since = count, 0
            if stalled >= _STALL_ROUNDS and not self.feasibility_known:
                self.check_feasibility(eps)
                best, stalled = self.n + 1, 0
                continue
            if count <= _SMALL:
                for person in bidders.tolist():
                    self.bid_one(person, eps)
                self.rounds += 1
                self.bids += count
            else:
                self.bid(bidders, eps)

    def bid_one(self, person: int, eps: int) -> None:
        """One person bids, alone (the scalar form of :meth:`bid` and :meth:`_award`)."""
        b = int(np.searchsorted(self.bucket_starts, person, side="right")) - 1
        bucket = self.buckets[b]
        costs = bucket.costs[person - bucket.start]
        cols = bucket.cols[person - bucket.start]
        values = costs + self.prices[cols]
        k = int(values.argmin())
        best = int(values[k])
        values[k] = BIG
        other = int(values.min())
        o, cost = int(cols[k]), int(costs[k])
        if self.artificial:
            art_value = int(self.artificial_cost + self.prices[self.m])
            if art_value < best:
                o, cost, k, other = self.m, int(self.artificial_cost), -1, best
            else:
                other = min(other, art_value)
        if other >= LIMIT:
            other = best + self.cost_range + eps
        offer = other - cost + eps
        if offer >= LIMIT:
            if not self.feasibility_known:
                self.check_feasibility(eps)
                return
            msg = "auction prices outgrew the exact integer range"
            raise PriceOverflowError(msg)
        lo, hi = int(self.offsets[o]), int(self.offsets[o + 1])
        holders = self.slot_holder[lo:hi]
        free = np.flatnonzero(holders < 0)
        slot = lo + (int(free[0]) if free.size else int(self.slot_price[lo:hi].argmin()))
        evicted = int(self.slot_holder[slot])
        if evicted >= 0:
            self.obj[evicted] = -1
        self.slot_price[slot] = offer
        self.slot_holder[slot] = person
        self.obj[person], self.pos[person] = o, k
        self.own[person], self.paid[person] = cost, offer
        self.prices[o] = self.slot_price[lo:hi].min()

    # -- maximum cardinality --------------------------------------------------------------------

    def check_feasibility(self, eps: int) -> None:
        """Compute the largest number of persons that can be placed (a maximum flow).

        If fewer than all can, add the artificial object for the rest and release whoever now
        violates ε-CS.
        """
        self.feasibility_known = True
        self.n_max = max_cardinality(self.indptr, self.arc_cols, self.capacity[: self.m])
        spare = self.n - self.n_max
        if spare == 0:
            return
        self.artificial = True
        self.capacity[self.m] = spare
        self.offsets[self.m + 1 :] += spare
        self.slot_price = np.zeros(int(self.offsets[-1]), dtype=np.int64)
        self.slot_holder = np.full(int(self.offsets[-1]), -1, dtype=np.intp)
        self.prices[self.m] = 0
        self.release_violators(eps)

    def release_violators(self, eps: int) -> int:
        """Flatten the prices and unassign every person whose ε-CS fails; return how many."""
        self.flatten()
        violators = np.flatnonzero(self.slack() > eps)
        if violators.size:
            self.obj[violators] = -1
            self.flatten()
        return int(violators.size)

    # -- draining free copies by shortest paths ------------------------------------------------

    def drain(self, eps: int) -> bool:
        """Bring every object with a free copy to price 0 by shortest paths (Hungarian step).

        Prices may fall by ``δ`` as long as ε-CS holds: ``δ_j <= δ_s + w`` for every person on
        ``s`` listing ``j``, where ``w = c_j + q_j - (c_s + q_s) + ε >= 0``, and ``δ <= q``. The
        largest such ``δ`` is the shortest distance from a source linked to every object ``s`` at
        length ``q_s`` (scipy's Dijkstra, capped at the highest price of a free copy). An object
        with a free copy whose price does not reach 0 lies at the end of a tight path from an
        object that does: its persons move one step along it, and the free copy moves to that
        object, at price 0. Repeat until no free copy is priced.

        Returns False, leaving the state valid, when the numbers are too large for Dijkstra's
        float64 distances to be exact (the caller then uses reverse rounds).
        """
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        n, m = self.n, self.m
        load = np.bincount(self.obj[self.obj >= 0], minlength=m + 2)
        holes = np.flatnonzero((load[:m] < self.capacity[:m]) & (self.prices[:m] > 0))
        if holes.size == 0:
            return True
        degree = np.diff(self.indptr)
        rows = np.repeat(np.arange(n, dtype=np.intp), degree)
        objects = m + 1 if self.artificial else m
        source = n + m + 1
        while True:
            holes = np.flatnonzero((load[:m] < self.capacity[:m]) & (self.prices[:m] > 0))
            if holes.size == 0:
                return True
            cap = int(self.prices[holes].max())
            obj = np.empty(n, dtype=np.intp)
            obj[self.order] = self.obj
            own = np.empty(n, dtype=np.int64)
            own[self.order] = self.own
            value = own + self.prices[obj]
            weight = self.arc_costs + self.prices[self.arc_cols] - value[rows] + eps
            largest = max(int(self.prices[: m + 1].max()), int(weight.max(initial=0)))
            if largest >= 1 << 52 or int(weight.min(initial=0)) < 0:
                return False
            # Rows of the graph: persons (their options), objects (their holders), the source.
            extra = np.zeros(n, dtype=np.intp)
            art_weight = np.zeros(0, dtype=np.int64)
            if self.artificial:
                extra[obj != m] = 1
                art_weight = self.artificial_cost + self.prices[m] - value[obj != m] + eps
            by_object = np.argsort(obj, kind="stable").astype(np.intp)
            held = np.bincount(obj, minlength=m + 1)
            counts = np.concatenate([degree + extra, held, [objects]])
            indptr = np.zeros(counts.shape[0] + 1, dtype=np.intp)
            np.cumsum(counts, out=indptr[1:])
            heads = np.empty(int(indptr[-1]), dtype=np.intp)
            lengths = np.empty(int(indptr[-1]), dtype=np.float64)
            person_slots = ranges(indptr[:n], degree)
            heads[person_slots] = n + self.arc_cols
            lengths[person_slots] = weight
            if self.artificial:
                art_slots = indptr[1 : n + 1][obj != m] - 1
                heads[art_slots] = n + m
                lengths[art_slots] = art_weight
            first, last = int(indptr[n]), int(indptr[-2])
            heads[first:last] = by_object
            lengths[first:last] = 0.0
            heads[last:] = n + np.arange(objects, dtype=np.intp)
            lengths[last:] = self.prices[:objects]
            graph = csr_matrix((lengths, heads, indptr), shape=(source + 1, source + 1))
            dist, pred = dijkstra(graph, indices=source, return_predecessors=True, limit=cap)
            drop = dist[n : n + objects]
            drop = np.where(np.isfinite(drop), drop, cap).astype(np.int64)
            self.prices[:objects] -= np.minimum(drop, cap)
            if not self._augment(holes, pred, load, obj):
                return False

    def _augment(
        self, holes: IndexArray, pred: NDArray[np.int32], load: IndexArray, obj: IndexArray
    ) -> bool:
        """Move persons along disjoint tight paths into the objects still priced with room.

        Returns False if none could move (no progress).
        """
        n, m = self.n, self.m
        source = n + m + 1
        used = np.zeros(source + 1, dtype=bool)
        moved = False
        pending = holes[self.prices[holes] > 0]
        if pending.size == 0:
            return True
        for j in pending.tolist():
            path: list[int] = []
            v = n + j
            while v != source and v >= 0 and not used[v]:
                path.append(v)
                v = int(pred[v])
            if v != source or path[-1] == n + m:
                continue
            used[path] = True
            for k in range(1, len(path), 2):  # path: j, person, object, person, ..., object
                row, target = path[k], path[k - 1] - n
                lo, hi = int(self.indptr[row]), int(self.indptr[row + 1])
                arc = lo + int(np.flatnonzero(self.arc_cols[lo:hi] == target)[0])
                who = int(self.inverse[row])
                load[obj[row]] -= 1
                load[target] += 1
                self.obj[who] = target
                self.pos[who] = arc - lo
                self.own[who] = self.arc_costs[arc]
            moved = True
        return moved

    # -- reverse rounds -------------------------------------------------------------------------

    def reverse(self, eps: int, budget: int | None = None) -> bool:
        """Lower the price of every object with a free copy to 0, or refill it (reverse auction).

        Works on flat prices: the state is `obj` and `prices` (slots are rebuilt afterwards).
        Stops after `budget` rounds (a round of single steps counts as one); returns whether
        every free copy is priced 0.
        """
        m = self.m
        load = np.bincount(self.obj[self.obj >= 0], minlength=m + 2)
        rounds = 0
        while True:
            stale = np.flatnonzero((load[:m] < self.capacity[:m]) & (self.prices[:m] > 0))
            if stale.size == 0:
                return True
            if budget is not None and rounds >= budget:
                return False
            rounds += 1
            if stale.size <= _SMALL:
                self._reverse_few(stale.tolist(), eps, load)
                continue
            t_ptr, t_person, t_arc = self.transpose()
            free = self.capacity[stale] - load[stale]
            degree = t_ptr[stale + 1] - t_ptr[stale]
            entries = ranges(t_ptr[stale], degree)
            group = np.repeat(np.arange(stale.shape[0], dtype=np.intp), degree)
            person = t_person[entries]
            arc = t_arc[entries]
            value = self.own[person] + self.prices[self.obj[person]]
            gain = value - self.arc_costs[arc]
            gain[self.obj[person] == stale[group]] = -BIG
            order = np.lexsort((-gain, group))
            group, person, arc, gain = group[order], person[order], arc[order], gain[order]
            rank = rank_in_runs(group)
            # The price: the (free + 1)-th best gain less ε, at least 0.
            nxt = np.full(stale.shape[0], -BIG, dtype=np.int64)
            at = rank == free[group]
            nxt[group[at]] = gain[at]
            new_price = np.maximum(0, nxt - eps)
            p = new_price[group]
            moves = (rank < free[group]) & ((p > 0) | (gain > eps))
            m_group, m_person, m_arc = group[moves], person[moves], arc[moves]
            done = self._independent(stale, m_group, m_person)
            self.prices[stale[done]] = new_price[done]
            go = done[m_group]
            who, arcs, to = m_person[go], m_arc[go], stale[m_group[go]]
            np.subtract.at(load, self.obj[who], 1)
            np.add.at(load, to, 1)
            rows = self.order[who]
            self.obj[who] = to
            self.pos[who] = arcs - self.indptr[rows]
            self.own[who] = self.arc_costs[arcs]

    def _reverse_few(self, work: list[int], eps: int, load: IndexArray) -> None:
        """Reverse bids one object at a time while few objects are stale (Gauss-Seidel)."""
        t_ptr, t_person, t_arc = self.transpose()
        m = self.m
        for _ in range(_SINGLE_STEPS):
            if not work or len(work) > 4 * _SMALL:
                return
            j = work.pop()
            free = int(self.capacity[j] - load[j])
            if free <= 0 or self.prices[j] <= 0:
                continue
            lo, hi = int(t_ptr[j]), int(t_ptr[j + 1])
            person = t_person[lo:hi]
            arc = t_arc[lo:hi]
            gain = self.own[person] + self.prices[self.obj[person]] - self.arc_costs[arc]
            gain[self.obj[person] == j] = -BIG
            top = np.argsort(-gain, kind="stable")[: free + 1]
            nxt = int(gain[top[free]]) if top.shape[0] > free else -BIG
            price = max(0, nxt - eps)
            self.prices[j] = price
            for t in top[:free].tolist():
                if price == 0 and gain[t] <= eps:
                    break
                who, a = int(person[t]), int(arc[t])
                old = int(self.obj[who])
                load[old] -= 1
                load[j] += 1
                self.obj[who] = j
                self.pos[who] = a - int(self.indptr[self.order[who]])
                self.own[who] = self.arc_costs[a]
                if old < m and self.prices[old] > 0:
                    work.append(old)

    def _independent(
        self, stale: IndexArray, m_group: IndexArray, m_person: IndexArray
    ) -> BoolArray:
        """Which stale objects may apply their reverse bids together this round.

        Two rules keep every person's ε-CS: a person wanted by several objects goes to the first
        (the others wait), and an object that a mover leaves keeps its price this round (a price
        cut there would make the move a mistake). If that leaves nothing to do, the first stale
        object goes alone, which is always safe.
        """
        k = stale.shape[0]
        by_person = np.lexsort((m_group, m_person))
        sp = m_person[by_person]
        dup = np.zeros(sp.shape[0], dtype=bool)
        dup[1:] = sp[1:] == sp[:-1]
        blocked = np.zeros(k, dtype=bool)
        blocked[m_group[by_person][dup]] = True
        leaving = ~blocked[m_group]
        source = np.isin(stale, self.obj[m_person[leaving]])
        done = ~blocked & ~source
        if not done.any():
            done[0] = True
        return done

    # -- driver ---------------------------------------------------------------------------------

    def run(self, alpha: int, first_eps: int | None) -> int:
        """Solve; return the number of ε-phases."""
        divisor = max(_EPS0_DIVISOR, 20 * self.arc_cols.shape[0] // max(self.n, 1))
        eps = max(1, first_eps if first_eps is not None else self.cost_range // divisor)
        phases = 0
        slack: IntArray | None = None
        while True:
            phases += 1
            self.flatten()
            if slack is not None:
                violators = np.flatnonzero(slack > eps)
                if violators.size:
                    self.obj[violators] = -1
                    self.flatten()
            eps = self.forward(eps)
            self.flatten()
            if not self.reverse(eps, _REVERSE_ROUNDS) and not self.drain(eps):
                self.reverse(eps)
            if eps == 1:
                return phases
            slack = self.slack()
            few_violate = np.count_nonzero(slack > 1) * 64 <= self.n
            eps = 1 if few_violate else max(1, eps // alpha)

    def outcome(self, phases: int) -> AuctionOutcome:
        """The result in the caller's person order."""
        arc = np.full(self.n, -1, dtype=np.intp)
        real = self.pos >= 0
        assigned = self.obj >= 0
        if not assigned.all():  # pragma: no cover - run() ends with everyone placed
            msg = "the auction ended with persons neither placed nor left over (a sparkus bug)"
            raise RuntimeError(msg)
        rows = self.order[real]
        arc[rows] = self.indptr[rows] + self.pos[real]
        self.flatten()
        violation = np.empty(self.n, dtype=np.int64)
        violation[self.order] = np.maximum(self.slack(), 0)
        return AuctionOutcome(
            arc=arc,
            prices=self.prices[: self.m].copy(),
            artificial_price=int(self.prices[self.m]) if self.artificial else 0,
            violation=violation,
            n_max=self.n_max,
            phases=phases,
            rounds=self.rounds,
            bids=self.bids,
        )


def max_cardinality(indptr: IndexArray, cols: IndexArray, capacity: IntArray) -> int:
    """The largest number of persons that can be placed: a maximum flow, by scipy."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import maximum_flow

    n = indptr.shape[0] - 1
    m = capacity.shape[0]
    source, sink = n + m, n + m + 1
    persons = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
    tails = np.concatenate([np.full(n, source), persons, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + cols, np.full(m, sink)])
    caps = np.concatenate(
        [np.ones(n + cols.shape[0], dtype=np.int32), np.minimum(capacity, n).astype(np.int32)]
    )
    graph = csr_array((caps, (tails, heads)), shape=(n + m + 2, n + m + 2))
    return int(maximum_flow(graph, source, sink).flow_value)


def auction(
    indptr: IndexArray,
    cols: IndexArray,
    costs: IntArray,
    capacity: IntArray,
    *,
    artificial_cost: int,
    alpha: int = _DEFAULT_ALPHA,
    first_eps: int | None = None,
) -> AuctionOutcome:
    """Solve the capacitated assignment on integer costs (see the module docstring).

    Parameters
    ----------
    indptr, cols, costs : ndarray
        The candidates in CSR form: person ``i`` lists objects ``cols[indptr[i]:indptr[i+1]]``
        at ``costs[...]``. Every person lists at least one object; no object twice. Costs are
        non-negative int64, already multiplied by ``n + 1``, and below ``LIMIT / (n + 2)``.
    capacity : ndarray of int64
        Per object, at least 1 for every object listed.
    artificial_cost : int
        The cost of leaving a person over, used only if not everyone can be placed: above every
        real cost.
    alpha : int
        Factor by which ε shrinks between phases.
    first_eps : int, optional
        The first ε (default: the cost range / 1024).

    Returns
    -------
    AuctionOutcome
    """
    if indptr.shape[0] <= 1:
        return AuctionOutcome(
            arc=np.zeros(0, dtype=np.intp),
            prices=np.zeros(capacity.shape[0], dtype=np.int64),
            artificial_price=0,
            violation=np.zeros(0, dtype=np.int64),
            n_max=0,
            phases=0,
            rounds=0,
            bids=0,
        )
    state = _Auction(indptr, cols, costs, capacity, artificial_cost)
    phases = state.run(alpha, first_eps)
    return state.outcome(phases)
