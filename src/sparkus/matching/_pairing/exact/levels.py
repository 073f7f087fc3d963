"""Costs of very different sizes that an optimal placement needs: solved exactly, level by level.

When a big cost must be used (a participant whose only pairs cost ``1e20``, among costs of 1
to 9, and who must be seated for the most participants to be seated), no pair can be set aside
(``scales.py``) and one integer grid cannot hold both sizes: set by ``1e20``, it rounds every
small cost to the same integer, and the small costs were placed by chance (up to 40 above the
optimum on 8 participants). Here the costs are solved exactly, coarse scale first, as integers.

The costs as integers
---------------------
Every finite float is an integer times a power of two, so all the costs are integers ``X`` on
their finest common grid (Python integers: up to 2,100 bits across the whole float range), and
the optimum of ``X`` is the optimum of the costs. A level whose span (largest less least) fits
the exact solvers (:func:`level_bits` bits) is solved directly, exactly.

One level
---------
Otherwise split ``X - min(X) = G * H + lo`` with ``G = 2**s``, ``H`` the top bits (a span the
solvers carry exactly) and ``0 <= lo < G``, and solve ``H``: a placement ``P1`` of the largest
number ``K`` of participants, and prices ``q >= 0``. With ``v_i = min_j (H_ij + q_j)``,
``lam`` the least ``v_i`` of the participants ``P1`` leaves out (none: no term below),
``y_i = max(0, lam - v_i)`` and ``r_ij = H_ij + q_j - min(lam, v_i) >= 0``, every placement
``P`` of ``K`` participants has

    ``H(P) = pen(P) + const``,  ``pen(P) = sum_P r + sum_{i not in P} y_i + sum_j q_j room_j(P)``

(an identity, for any prices: expand ``r``), every term of ``pen`` non-negative. Let
``pi = pen(P1)`` (exact; 0 when the prices certify ``P1``) and ``W = K * (max lo - min lo)``.
An optimum ``P*`` of ``X`` costs no more than ``P1``, so
``G * pen(P*) <= G * pi + lo(P1) - lo(P*) <= G * pi + W =: bound``: every pair it uses has
``G * r <= bound``, every participant it leaves out ``G * y <= bound``, every provider it
leaves room at ``G * q <= bound``. The next level keeps only those pairs, with costs

    ``X' = G * r - min(G * y_i, bound + 1) - min(G * q_j, bound + 1) + lo``,

that is ``X`` less a constant per participant placed and per place taken, the penalties capped
at ``bound + 1``: ``X'(P) = G * pen'(P) + lo(P) + const`` with ``pen'`` the capped ``pen``. A
placement that meets a capped term has ``X'`` above ``X'(P*)`` by at least
``bound + 1 - G * pi - W >= 1``; so an optimum of ``X'`` meets none, where ``X'`` and ``X``
differ by a constant: it is an optimum of ``X``. The pairs kept still seat ``K`` (``P*`` does).

The span of ``X'`` is at most about ``3 * bound + G``, against ``2**bits * G`` for ``X``: each
level takes at least ``bits - log2(3 * (pi + K) + 1)`` bits off. The duals of ``H`` are
exact as a rule (``pi = 0``; when the solver's are not, as the auction's, they are recomputed
by shortest paths from zero), and then where the small costs lie far below ``G`` the next span
is set by them (about ``3 * W``), skipping the empty magnitudes between. A level that takes
nothing off (``3 * (pi + K)`` near ``2**bits``, which the solvers' range makes about
``2**51 / n``) hands the problem back to the single grid (``None``).

The certificate is computed afterwards on the float costs (:func:`certify`): the least prices
that certify the placement (Bellman-Ford, with the participants left out against the level
``lam``), checked, and if float rounding requires corrected, by ``repair.py``; ``gap_bound``
is their duality gap in exact arithmetic, rounded up. Prices that must be as large as a big
cost are floats, rounded at its scale, and ``gap_bound`` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeAlias

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray
from sparkus.matching._pairing.exact.repair import Repaired, repair
from sparkus.matching._pairing.exact.scales import restrict

__all__ = ["certify", "level_bits", "solve_levels"]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]
ObjectArray: TypeAlias = NDArray[np.object_]
Solver: TypeAlias = Callable[[IndexArray, IndexArray, FloatArray, IntArray], Repaired]

_MAX_BITS: Final = 40
"""Most bits a level spans: the repair's rounding tolerance (``2**-46`` of the largest cost)
then stays below one unit, so the slots solver's repair is exact on integers too."""


def level_bits(steps: int) -> int:
    """The bits one level may span, when the solvers carry `steps` grid steps exactly."""
    return min(_MAX_BITS, steps.bit_length() - 1)


def exact_integers(costs: FloatArray) -> ObjectArray:
    """The costs as Python integers on their finest common binary grid (exact)."""
    fraction, exponent = np.frexp(costs)
    mantissa = np.ldexp(fraction, 53).astype(np.int64)  # exact: 53 bits, subnormals included
    nonzero = mantissa != 0
    lowest = mantissa & -mantissa  # the lowest set bit, a power of two below 2**53
    zeros = np.where(nonzero, np.frexp(lowest.astype(np.float64))[1] - 1, 0)
    unit = exponent - 53 + zeros  # the exponent of each cost's lowest set bit
    base = int(unit[nonzero].min()) if nonzero.any() else 0
    odd = (mantissa >> zeros).astype(object)
    shifted: ObjectArray = np.left_shift(odd, np.where(nonzero, unit - base, 0).astype(object))
    return shifted


def solve_levels(
    indptr: IndexArray,
    cols: IndexArray,
    costs: FloatArray,
    caps: IntArray,
    solve: Solver,
    bits: int,
) -> IndexArray | None:
    """An optimal placement on the exact costs, level by level (module notes); None: no progress.

    `indptr`, `cols`, `costs`: the allowed pairs in CSR form (each participant has one, each
    provider positive capacity); `caps`: the capacities; `solve`: the exact solver on costs
    of at most `bits` bits. The answer is per participant its pair (position in `cols`), -1
    when left out.
    """
    n = indptr.shape[0] - 1
    values = exact_integers(costs)
    arcs = np.arange(cols.shape[0], dtype=np.intp)  # the current pairs, in the original arrays
    rows = np.arange(n, dtype=np.intp)  # the current participants, likewise
    span = int(values.max() - values.min())
    while span.bit_length() > bits:
        shift = span.bit_length() - bits
        values -= values.min()  # Python integers: in place, to keep one array of them alive
        top = values >> shift
        coarse = top.astype(np.int64)
        np.left_shift(top, shift, out=top)
        np.subtract(values, top, out=values)  # the fine part, below 2**shift
        del top
        kept, values = _Level(indptr, cols[arcs], coarse, caps, shift, values).finer(solve)
        next_span = int(values.max() - values.min())
        if next_span >= span:
            return None
        span = next_span
        indptr, keeping = restrict(indptr, kept)
        arcs, rows = arcs[kept], rows[keeping]
    fixed = solve(indptr, cols[arcs], (values - values.min()).astype(np.float64), caps)
    out = np.full(n, -1, dtype=np.intp)
    placed = fixed.arc >= 0
    out[rows[placed]] = arcs[fixed.arc[placed]]
    return out


class _Level:
    """One level: the top bits `coarse` solved, and the costs of the next level."""

    def __init__(
        self,
        indptr: IndexArray,
        cols: IndexArray,
        coarse: IntArray,
        caps: IntArray,
        shift: int,
        fine: ObjectArray,
    ) -> None:
        self.indptr, self.cols, self.coarse, self.caps = indptr, cols, coarse, caps
        self.shift, self.fine = shift, fine
        self.rows = np.repeat(np.arange(indptr.shape[0] - 1, dtype=np.intp), np.diff(indptr))

    def finer(self, solve: Solver) -> tuple[IndexArray, ObjectArray]:
        """The pairs kept and their costs at the next level (module notes)."""
        fixed = solve(self.indptr, self.cols, self.coarse.astype(np.float64), self.caps)
        duals = self._duals(fixed)
        if duals[-1] > 0:  # the prices do not certify P1 exactly: shortest paths from zero
            fixed = self._shortest_paths(fixed)
            duals = min(duals, self._duals(fixed), key=lambda d: d[-1])
        q, base, y, pi = duals
        placed = int(np.count_nonzero(fixed.arc >= 0))
        bound = (pi << self.shift) + placed * int(self.fine.max() - self.fine.min())
        r = self.coarse + q[self.cols] - base[self.rows]
        kept = np.flatnonzero(r <= min(bound >> self.shift, 2**62)).astype(np.intp)
        cap = bound + 1
        penalty_row = np.minimum(np.left_shift(y.astype(object), self.shift), cap)
        penalty_col = np.minimum(np.left_shift(q.astype(object), self.shift), cap)
        values = np.left_shift(r[kept].astype(object), self.shift)
        np.subtract(values, penalty_row[self.rows[kept]], out=values)
        np.subtract(values, penalty_col[self.cols[kept]], out=values)
        np.add(values, self.fine[kept], out=values)
        return kept, values

    def _duals(self, fixed: Repaired) -> tuple[IntArray, IntArray, IntArray, int]:
        """Integer prices ``q``, ``min(lam, v)``, ``y`` and ``pi = pen(P1)`` (module notes)."""
        q = np.clip(np.rint(fixed.prices), 0, 2.0**52).astype(np.int64)
        v = np.minimum.reduceat(self.coarse + q[self.cols], self.indptr[:-1])
        placed = fixed.arc >= 0
        if placed.all():
            base, y = v, np.zeros_like(v)
        else:
            lam = v[~placed].min()
            base, y = np.minimum(v, lam), np.maximum(lam - v, 0)
        r = self.coarse[fixed.arc[placed]] + q[self.cols[fixed.arc[placed]]] - base[placed]
        load = np.bincount(self.cols[fixed.arc[placed]], minlength=self.caps.shape[0])
        room = (self.caps - load).tolist()
        pi = sum(r.tolist()) + sum(y[~placed].tolist()) + sum(map(int.__mul__, q.tolist(), room))
        return q, base, y, pi

    def _shortest_paths(self, fixed: Repaired) -> Repaired:
        """Exact prices for the placement (integer costs below ``2**40``), from zero prices."""
        low, high = float(self.coarse.min()), float(self.coarse.max())
        return repair(
            indptr=self.indptr,
            cols=self.cols,
            costs=self.coarse.astype(np.float64),
            capacity=self.caps,
            arc=fixed.arc,
            prices=np.zeros(self.caps.shape[0]),
            artificial_cost=high + max(high - low, 1.0),
            artificial_price=0.0,
            left_over=int(np.count_nonzero(fixed.arc < 0)),
            exact=False,
            integer_violation=None,
            unit=0.0,
        )


def certify(
    indptr: IndexArray, cols: IndexArray, costs: FloatArray, caps: IntArray, arc: IndexArray
) -> Repaired:
    """The certificate of placement `arc` on the float `costs` (module notes).

    Least non-negative prices ``q`` with ``c[i, a] + q[a] <= c[i, j] + q[j]`` for each
    participant ``i`` placed (at ``a``) and allowed ``j``, and ``lam <= c[i, j] + q[j]`` for
    each one left out, ``lam`` the largest ``c[i, a] + q[a]`` (a longest-path computation,
    Bellman-Ford from zero: an optimal placement has no gaining cycle); then ``repair.py``
    checks them (and corrects float rounding), with the participants left out on an artificial
    provider of cost ``lam``.
    """
    n, m = indptr.shape[0] - 1, caps.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
    placed = arc >= 0
    at = np.full(n, m, dtype=np.intp)  # provider m: the level lam of those left out
    at[placed] = cols[arc[placed]]
    own = np.zeros(n)
    own[placed] = costs[arc[placed]]
    low = float(costs.min())
    # the prices of providers 0..m-1, and at m the level lam less `low` (all start from zero)
    keep = (cols != at[rows]) & placed[rows]
    left = ~placed[rows]
    src = np.concatenate([at[rows[keep]], at[placed], np.full(int(left.sum()), m)])
    dst = np.concatenate([cols[keep], np.full(int(placed.sum()), m), cols[left]])
    gain = np.concatenate([own[rows[keep]] - costs[keep], own[placed] - low, low - costs[left]])
    prices = np.zeros(m + 1)
    for _ in range(m + 2):
        bound = np.zeros(m + 1)
        np.maximum.at(bound, dst, prices[src] + gain)
        updated = np.maximum(prices, bound)
        if np.array_equal(updated, prices):
            break
        prices = updated
    return repair(
        indptr=indptr,
        cols=cols,
        costs=costs,
        capacity=caps,
        arc=arc,
        prices=prices[:m],
        artificial_cost=low,
        artificial_price=float(prices[m]),
        left_over=int(np.count_nonzero(~placed)),
        exact=False,
        integer_violation=None,
        unit=0.0,
    )
