"""Arithmetic at the edge of the float range: scale before squaring, and say when a number is out.

Means, variances and sums of squares of values near 1e308 overflow, and those of subnormal
values (below 2.2e-308) underflow, long before the statistic itself leaves the float range. So
the estimators divide their data by a common power of two, :func:`common_scale`, which is exact
(it only moves the exponent) and puts every value below 1 in magnitude; they compute in those
units, where no square overflows, and multiply back with :func:`unscale` only the numbers they
report. Scale-free results (standardised effects, t statistics, p-values) need no multiplying
back at all. A reported number that does not fit a double after all (a difference of means
beyond 1.8e308, say) is refused by :func:`representable` with an error that says the range.
A product of several factors (a count times a value times a share) is taken by :func:`product`,
which multiplies mantissas and adds exponents, so it overflows or underflows only when the
product itself does, never part-way through. Values close together (``1e15`` plus noise) are
taken about their median, :func:`centred`, so that their differences keep every digit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final

import numpy as np

from sparkus._checks import FloatArray
from sparkus._errors import EstimationError

__all__ = [
    "FLOAT_RANGE",
    "centred",
    "common_scale",
    "constant",
    "product",
    "representable",
    "unscale",
    "unscaled",
]

FLOAT_RANGE: Final = (
    "a double holds magnitudes from about 2.2e-308 (4.9e-324 subnormal) to 1.8e308; rescale the "
    "data (to thousands, say) so that the result fits"
)
"""What a message says about the supported range."""


def common_scale(*arrays: FloatArray) -> tuple[int, list[FloatArray]]:
    """The exponent ``e`` and the arrays divided by ``2**e``, every magnitude then below 1.

    ``e`` is the binary exponent of the largest magnitude (0 when every value is 0), so the
    division is exact except for values more than 2**1074 times smaller than the largest,
    which round to the nearest subnormal: they are negligible beside it in any sum.
    """
    tops = [float(np.max(np.abs(a))) for a in arrays if a.size]
    top = max(tops, default=0.0)
    if top == 0.0:
        return 0, list(arrays)
    exponent = math.frexp(top)[1]
    return exponent, [np.ldexp(a, -exponent) for a in arrays]


def centred(values: FloatArray) -> tuple[float, FloatArray]:
    """The median of `values` and their deviations from it (below 2 for values below 1).

    Subtracting a number within a factor of 2 of a value is exact (Sterbenz), so values close
    together (``1e15`` plus noise, ``1 + 1e-15`` noise) keep every digit of their differences
    from the median, where their mean, at the values' own magnitude, is off by a rounding of
    that magnitude: a difference of two such means (or the deviations from one) lost the
    noise to cancellation.
    """
    centre = float(np.median(values))
    return centre, values - centre


def constant(values: FloatArray) -> bool:
    """Whether every value is the same (``np.ptp`` would overflow on ±1.7e308)."""
    return bool(values.min() == values.max())


def product(*factors: Any) -> Any:
    """The product of `factors` (floats or float arrays, broadcast), in any order's result.

    Each factor is split into mantissa and exponent (``frexp``, exact); the mantissas, kept in
    ``[0.5, 1)``, are multiplied and the exponents added, and ``ldexp`` applies the exponent
    once at the end. ``1e200 x 1e200 x 1e-200`` is ``1e200`` (the naive product overflows to
    inf first) and ``1e-200 x 1e-200 x 1e200`` is ``1e-200`` (not 0); a product that itself
    leaves the range is ±inf or 0, as the naive one. Rounding is that of the naive product.
    """
    mantissa: Any = 1.0
    exponent: Any = 0
    for factor in factors:
        m, e = np.frexp(factor)
        m, carry = np.frexp(mantissa * m)
        mantissa, exponent = m, exponent + e + carry
    with np.errstate(over="ignore", under="ignore"):
        out = np.ldexp(mantissa, exponent)
    return float(out) if np.ndim(out) == 0 else out


def unscale(value: float, exponent: int) -> float:
    """``value * 2**exponent``; infinite (with the sign) when it overflows a double."""
    try:
        return math.ldexp(value, exponent)
    except OverflowError:
        return math.copysign(math.inf, value)


def unscaled(values: FloatArray | float, exponent: int, what: str) -> FloatArray:
    """`values` times ``2**exponent``; an EstimationError naming `what` if one overflows.

    NaN (a value that was not computable in the scaled units) stays NaN.
    """
    with np.errstate(over="ignore"):
        out = np.asarray(np.ldexp(values, exponent), dtype=np.float64)
    if np.isinf(out).any():
        representable(((what, math.inf),))
    return out


def representable(values: Iterable[tuple[str, float]], context: str = "") -> None:
    """EstimationError naming the first value that is not finite, and the range of a double.

    Each item is ``(what, value)``, e.g. ``("the difference of means", d)``.
    """
    for what, value in values:
        if not math.isfinite(value):
            where = f" ({context})" if context else ""
            msg = f"{what} is beyond the range of double precision{where}: {FLOAT_RANGE}"
            raise EstimationError(msg)
