"""Over-demanded assignments as one dense assignment problem on the providers' places.

When the places are few next to the participants (``4 * C <= n`` for ``C`` places in all), the
problem is solved by :func:`scipy.optimize.linear_sum_assignment` (a shortest augmenting path
method in C) on a dense ``n x C`` matrix: one column per place, provider ``j``'s column
repeated ``capacity[j]`` times. It augments ``C`` times (once per place), which is what makes it
fast here, where the auction meets a price war among many participants for few places.

Cardinality first, then cost
----------------------------
With the costs shifted and scaled to ``w`` in ``[0, 1]``, an allowed pair gets ``w - M`` with
``M = C + 2`` and a forbidden one 0 (a place left to no one, in effect). Every complete
assignment of the places then has value ``sum(w) - k * M`` for its ``k`` allowed pairs. One
with ``k + 1`` allowed pairs is worth at most ``(k + 1) - (k + 1) * M``, one with ``k`` at
least ``-k * M``, and ``k + 1 <= C + 1 < M``: the minimum has the most allowed pairs, which is
the most participants any placement can seat, and among those the least ``sum(w)``, the least
total cost. Each entry is rounded to ``M * 2**-53`` at worst, so the matrix's total is off by at
most ``C * (C + 2) * 2**-53`` (below ``10**-7`` even at ``C = 20,000``): far below the unit
that separates cardinalities, so the cardinality is exact; the cost may be off by that much
times the cost range, which ``repair`` (``repair.py``) then checks and removes on the
original floats (shortest paths on the residual graph, from zero prices; the
resulting prices are the certificate).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray
from sparkus.matching._pairing.exact.arcs import ranges
from sparkus.matching._pairing.exact.repair import Repaired, repair

__all__ = ["solve_slots"]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]


def solve_slots(
    indptr: IndexArray, cols: IndexArray, values: FloatArray, caps: IntArray
) -> Repaired:
    """Solve on the dense participants x places matrix, then certify on the floats.

    `indptr`, `cols`, `values`: the allowed pairs in CSR form (every participant has at least
    one, all with providers of positive capacity); `caps`: each provider's capacity.
    """
    from scipy.optimize import linear_sum_assignment

    n = indptr.shape[0] - 1
    m = caps.shape[0]
    total = int(caps.sum())
    low, high = float(values.min()), float(values.max())
    span = high - low
    weight = (values - low) / span if span > 0 else np.zeros_like(values)
    big = float(total + 2)

    # Provider j's places are the columns first[j] .. first[j] + caps[j] - 1.
    first = np.zeros(m, dtype=np.intp)
    np.cumsum(caps[:-1], out=first[1:])
    rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
    copies = caps[cols].astype(np.intp)
    matrix = np.zeros((n, total), dtype=np.float64)
    matrix[np.repeat(rows, copies), ranges(first[cols], copies)] = np.repeat(weight - big, copies)
    row, slot = linear_sum_assignment(matrix)
    seated = matrix[row, slot] < 0
    row, slot = row[seated], slot[seated]
    del matrix

    # Back to each seated participant's arc (its position in `cols`).
    owner = np.repeat(np.arange(m, dtype=np.intp), caps)
    keys = rows * m + cols
    order = np.argsort(keys, kind="stable")
    found = order[np.searchsorted(keys[order], row * m + owner[slot])]
    arc = np.full(n, -1, dtype=np.intp)
    arc[row] = found
    n_max = int(row.shape[0])
    return repair(
        indptr=indptr,
        cols=cols,
        costs=values,
        capacity=caps,
        arc=arc,
        prices=np.zeros(m, dtype=np.float64),
        artificial_cost=high + max(span, 1.0),
        artificial_price=0.0,
        left_over=n - n_max,
        exact=False,
        integer_violation=None,
        unit=0.0,
    )
