"""Costs over the whole float range: scaling them for the solvers, and a certificate that fits.

The integer solvers need the span of the costs, and the certificate and its repair add costs
along paths; for costs near ``±1.8e308`` both overflow. :func:`range_exponent` says by which
power of two to divide the costs first (which changes no optimum), :func:`total` adds the chosen
costs without overflowing an intermediate sum, and :func:`lowest_prices` and
:func:`least_prices` bring the dual prices down to the range of the costs, so that they can be
reported in the caller's units.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import FloatArray, schema_error

__all__ = [
    "MAX_FLOAT",
    "check_representable",
    "least_prices",
    "lowest_prices",
    "range_exponent",
    "scale_up",
    "total",
]

IntArray = NDArray[np.int64]
IndexArray = NDArray[np.intp]

_SAFE_EXPONENT: Final = 1000
"""Costs are scaled (by a power of two) so that their sums along a path stay below ``2**1000``."""

MAX_FLOAT: Final = float(np.finfo(np.float64).max)


def lowest_prices(prices: FloatArray, used: IndexArray, caps: IntArray) -> FloatArray:
    """The prices shifted so that the lowest of the providers with places is 0.

    When every provider with places is full, adding one number to all their prices changes no
    comparison the certificate makes, and the solvers may leave them far above the costs (the
    auction raises prices in steps); the lowest shift keeps them within the range of the costs.
    A provider with room has price 0 already, and then nothing is shifted.
    """
    out = prices.copy()
    open_ = caps > 0
    if not open_.any():
        return out
    load = np.bincount(used, minlength=caps.shape[0])
    if (load[open_] < caps[open_]).any():
        return out
    out[open_] -= out[open_].min()
    return out


def least_prices(
    indptr: IndexArray, cols: IndexArray, costs: FloatArray, arc: IndexArray, caps: IntArray
) -> tuple[FloatArray, float]:
    """The least non-negative prices that certify the placement, and their largest violation.

    The certificate asks ``c[i, a] + q[a] <= c[i, j] + q[j]`` for each placed participant
    ``i`` (at provider ``a``) and each allowed provider ``j``: lower bounds
    ``q[j] >= q[a] + c[i, a] - c[i, j]``, whose least solution from zero is a longest-path
    computation (Bellman-Ford, at most one sweep per provider: an optimal placement has no
    cycle that gains). Used when the solver's own prices are too high for the float range.
    """
    n, m = indptr.shape[0] - 1, caps.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
    at = np.full(n, -1, dtype=np.intp)
    own = np.zeros(n)
    placed = np.flatnonzero(arc >= 0)
    at[placed] = cols[arc[placed]]
    own[placed] = costs[arc[placed]]
    keep = (at[rows] >= 0) & (cols != at[rows]) & (caps[cols] > 0)
    src, dst = at[rows[keep]], cols[keep]
    gain = own[rows[keep]] - costs[keep]
    prices = np.zeros(m)
    for _ in range(m + 1):
        bound = np.zeros(m)
        np.maximum.at(bound, dst, prices[src] + gain)
        updated = np.maximum(prices, bound)
        if np.array_equal(updated, prices):
            break
        prices = updated
    prices[caps == 0] = 0.0
    reduced = own[placed] + prices[at[placed]]
    best = np.full(n, np.inf)
    allowed = caps[cols] > 0
    np.minimum.at(best, rows[allowed], costs[allowed] + prices[cols[allowed]])
    violation = float(np.max(reduced - best[placed], initial=0.0))
    return prices, max(violation, 0.0)


def range_exponent(values: FloatArray, nodes: int) -> int:
    """The power of two to divide the costs by so that sums along the solver's paths stay finite.

    The grid of the integer solvers needs the span of the costs, and the certificate and its
    repair add up costs along paths of up to `nodes` arcs; both overflow for costs near the
    float limit (``1e308 - (-1e308)`` is infinite). Dividing by a power of two changes no
    optimum and is exact for every cost above ``2**-1022`` times the divisor: a cost it rounds
    is below the rounding of the largest cost, and ``solve.py`` adds what it can change to
    `gap_bound`. 0 when no scaling is needed.

    Costs all below 0.5 in magnitude get a negative exponent: they are multiplied by a power of
    two (exactly, subnormal ones included) so that the largest lies in ``[0.5, 1)``, where the
    solvers' tolerances are made for: the grid stops at ``2**-900`` and the repair's rounding
    tolerance at ``2**-46``, absolute, so that tinier costs had been placed by a guess or
    certified with a `gap_bound` as large as the costs themselves.
    """
    top = float(np.abs(values).max(initial=0.0))
    if top == 0.0:
        return 0
    exponent = math.frexp(top)[1]
    if exponent < 0:
        return exponent  # small costs: multiplied up, the largest to [0.5, 1)
    headroom = math.frexp(4.0 * (nodes + 2))[1]  # bits for the sums along a path
    return max(0, exponent + headroom - _SAFE_EXPONENT)


def scale_up(bound: float, shift: int) -> float:
    """An upper bound times ``2**shift``, rounded up: ``2**shift`` times it, or the next float.

    Scaling a bound back from costs multiplied up (``shift < 0``) can fall among the
    subnormals, where it is rounded, possibly down (``2**-1075`` to 0), and a bound rounded
    down is no bound. Scaling up is exact unless it overflows (then inf).
    """
    try:
        out = math.ldexp(bound, shift)
    except OverflowError:
        return math.inf
    if shift < 0 and math.ldexp(out, -shift) < bound:
        out = math.nextafter(out, math.inf)
    return out


def total(chosen: FloatArray, scaled: FloatArray, shift: int) -> float:
    """The exact sum of the `chosen` costs, rounded once; inf when it is beyond the floats.

    ``math.fsum`` overflows on an intermediate sum beyond the floats even when the total is
    not; the costs divided by ``2**shift`` (`scaled`) then give it.
    """
    try:
        return math.fsum(chosen.tolist())
    except OverflowError:
        pass
    try:
        return math.ldexp(math.fsum(scaled.tolist()), shift)
    except OverflowError:
        return math.inf


def check_representable(total_cost: float, prices: FloatArray, certificate: float) -> None:
    """A SchemaError naming `cost` when the total or the certificate is beyond the floats."""
    outside = [
        name
        for name, value in (
            ("total cost", total_cost),
            ("prices", float(np.abs(prices).max(initial=0.0))),
            ("certificate", certificate),
        )
        if not math.isfinite(value)
    ]
    if outside:
        msg = (
            f"the optimal placement's {' and '.join(outside)} "
            f"{'lies' if len(outside) == 1 else 'lie'} beyond the float range (magnitudes up "
            f"to {MAX_FLOAT:.4g}): the costs are solved over the whole float range, but their "
            "total and the dual prices must be floats too; divide the costs by a common factor "
            "(the placement does not change)"
        )
        raise schema_error("cost", msg)
