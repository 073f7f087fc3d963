"""Costs of very different sizes: the pairs no optimal placement uses, set aside before solving.

The integer solvers put every cost on one grid, whose step is set by the span of the costs
(``solve.py``), and the repair's rounding tolerance is relative to the largest cost
(``repair.py``). A "big-M" cost (``1e20`` for a pair one would rather not use) among costs of
1 to 9 makes both far larger than 9: the small costs all round to the same integer and the
placement of the rest was left to chance (a total of 6 for an optimum of 2, with ``1e308``).

Why setting pairs aside is exact
--------------------------------
Write ``low`` for the least cost and ``k`` for ``min(participants, places)``, at least the
number ``K`` of participants any placement seats. Split the pairs at a threshold: ``S`` those of
cost up to it, ``B`` the others. If

* every cost of ``B`` exceeds ``low + k * (max(S) - low)``, and
* the pairs of ``S`` alone seat as many participants as all the pairs do (``K``),

then no optimal placement uses a pair of ``B``. A placement of ``K`` participants with a pair
of ``B`` costs at least ``min(B) + (K - 1) * low``, which is more than
``low + K * (max(S) - low) + (K - 1) * low = K * max(S)``, while some placement of ``K``
participants on ``S`` alone exists and costs at most ``K * max(S)``. So the optimum of the
problem on ``S`` is the optimum of the whole problem, and is solved on a grid set by
``max(S)``, not by the big costs. Its certificate holds for the whole problem: the gap to the
optimum on ``S`` is the gap to the optimum, and the prices are checked against the pairs of
``B`` too (:func:`violation_aside`).

Which threshold
---------------
The least tried that passes both tests (the finest grid). Two consecutive costs (less ``low``) whose
ratio exceeds ``k`` lie in binary exponents at least ``log2(k) - 1`` apart, so only the ends
of such runs of empty exponents are tried, from a histogram of the exponents (a few passes
over the costs); the first test is then checked in exact rational arithmetic, the second by a
maximum flow (scipy), whose answer for all the pairs is computed once, when needed. When the
largest cost is at most ``k`` times the least cost above ``low`` (less ``low``), there is no
such run, and nothing more is done: the common case, in a few passes over the costs (measured
on 5,000,000 pairs: 11 ms for integer costs 0 to 999, 56 ms for ``Generator.random`` costs,
which go on to the histogram; the benchmark ``assignment_sparse`` takes 1.1 to 2.1 s, within
its noise before and after).

When an optimal placement needs a big cost
------------------------------------------
A participant whose only pairs are big, and who must be seated for ``K`` to be reached, makes
every threshold that passes the second test at least that cost: nothing useful is set aside,
and one grid set by the big cost rounds every small cost to the same integer (8 participants
with costs 1 to 9, one with only ``1e20``: up to 40 above the optimum). Then
:func:`relevant_pairs` says that a threshold below the one chosen (or below all, when none is)
passed the first test, with ``max(k, 2**20)`` for ``k``, and failed the second, and the costs
kept are solved exactly, coarse scale first, by ``levels.py``: the costs as exact integers,
the top bits solved, the pairs no optimum of the rest can use dropped by their reduced costs,
and the fine bits solved among the others, with penalties that keep the coarse choice exact
(the argument is in that module).
Otherwise the single grid and its repair solve them, as before: exactly when every cost lies
on a grid it carries (about ``2**51 / n`` steps from the least cost to the largest for the
auction), else up to the rounding of the largest cost (``gap_bound`` says by how much at most):
costs off every short grid (``0.1``), or whose sizes climb by steps of less than ``2**20``
times to more than the grid carries.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Final

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray
from sparkus.matching._pairing.exact.auction import max_cardinality

__all__ = ["relevant_pairs", "restrict", "violation_aside"]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]

_LEVELS: Final = 2**20
"""Big costs the optimum needs go to ``levels.py`` when more than this many times the small
ones (less the least cost). Below, the single grid is kept: integer costs 0 to 999 with such a
cost stay exact on it for up to about a million participants (``2**51 / n`` steps in all), and
small instances with few distinct costs keep their one solve."""


def relevant_pairs(
    indptr: IndexArray, cols: IndexArray, costs: FloatArray, caps: IntArray
) -> tuple[IndexArray | None, bool]:
    """The pairs no optimal placement can do without (see the module notes), and a spread flag.

    `indptr`, `cols`, `costs`: the allowed pairs in CSR form, each with a provider of positive
    capacity; `caps`: each provider's capacity. The answer is the positions of the pairs kept,
    in order (``S`` of the module notes), None when every pair is kept; and whether the costs
    kept still hold a threshold that passes the first test but not the second (a big cost the
    optimum needs: they go to ``levels.py``).
    """
    k = min(indptr.shape[0] - 1, int(caps.sum()))
    low, top = float(costs.min()), float(costs.max())
    second = float(np.min(costs, where=costs > low, initial=top))
    # differences from the least cost, halved where they would overflow (rounding is
    # monotone: the candidates depend on it, the tests below do not)
    scale = 1.0 if math.isfinite(top - low) else 0.5
    least = second * scale - low * scale  # the least positive difference
    if top * scale - low * scale <= k * least:
        return None, False  # the common case: no two costs (less `low`) are more than k times apart
    rise = costs - low if scale == 1.0 else costs * scale - low * scale
    counts = np.bincount(rise.view(np.int64) >> 52, minlength=2047)  # binary exponents
    # exponent 0: zeros (below every threshold) and subnormals, which the least one tells
    counts[0] = least < math.ldexp(1.0, -1022)
    occupied = np.flatnonzero(counts)
    # a difference of exponent e lies in [2**(e - 1023), 2**(e - 1022)) (e > 0): two of
    # exponents a < b are less than 2**(b - a + 1) apart
    ends = occupied[:-1][np.diff(occupied) + 1 > math.log2(k)]
    full: int | None = None
    needed = False  # a big cost the optimum needs, below the threshold chosen
    for end in ends.tolist():
        inside = rise < math.ldexp(1.0, end - 1022)
        if not _far_enough(costs[inside], costs[~inside], low, k):
            continue
        kept = np.flatnonzero(inside).astype(np.intp)
        seated = max_cardinality(restrict(indptr, kept)[0], cols[kept], caps)
        if seated < k:
            full = max_cardinality(indptr, cols, caps) if full is None else full
        if seated in (k, full):
            return kept, needed
        needed = needed or _far_enough(costs[inside], costs[~inside], low, max(k, _LEVELS))
    return None, needed


def _far_enough(small: FloatArray, big: FloatArray, low: float, k: int) -> bool:
    """Whether ``min(big) - low > k * (max(small) - low)``, in exact arithmetic."""
    least, most = Fraction(float(big.min())), Fraction(float(small.max()))
    return least - Fraction(low) > k * (most - Fraction(low))


def restrict(indptr: IndexArray, kept: IndexArray) -> tuple[IndexArray, IndexArray]:
    """The CSR pointers of the pairs `kept`, and the participants (rows) that keep a pair."""
    n = indptr.shape[0] - 1
    rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))[kept]
    degree = np.bincount(rows, minlength=n)
    sub = np.zeros(int(np.count_nonzero(degree)) + 1, dtype=np.intp)
    np.cumsum(degree[degree > 0], out=sub[1:])
    return sub, np.flatnonzero(degree > 0).astype(np.intp)


def violation_aside(
    rows: IndexArray,
    cols: IndexArray,
    costs: FloatArray,
    provider: IndexArray,
    own: FloatArray,
    prices: FloatArray,
) -> float:
    """The prices' largest violation on pairs set aside: ``own + price - (cost + its price)``.

    `rows`, `cols`, `costs`: the pairs set aside (participant, provider, cost); `provider`
    and `own`: each participant's provider (-1 when unplaced) and its cost there; `prices`:
    the providers' prices, in the costs' units. 0 when the prices certify them too.
    """
    placed = provider[rows] >= 0
    r = rows[placed]
    with np.errstate(over="ignore", invalid="ignore"):
        excess = (own[r] + prices[provider[r]]) - (costs[placed] + prices[cols[placed]])
    return float(np.nanmax(excess, initial=0.0))  # NaN: inf less inf, prices beyond floats
