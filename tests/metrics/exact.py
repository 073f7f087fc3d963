"""Exact references for numbers at the edge of the float range: rational arithmetic.

Every float is a rational number, so means, variances and their ratios computed with
:class:`fractions.Fraction` are exact; only the final square root and conversion round. These
references are independent of the code under test (no numpy reduction, no scaling trick), and
they hold where float64 arithmetic overflows or underflows (values near 1e308, subnormals).
"""

from __future__ import annotations

import math
from fractions import Fraction


def mean(values) -> Fraction:
    """The exact mean."""
    xs = [Fraction(float(v)) for v in values]
    return sum(xs, Fraction(0)) / len(xs)


def var(values, ddof: int = 1) -> Fraction:
    """The exact variance with `ddof` degrees of freedom removed."""
    xs = [Fraction(float(v)) for v in values]
    m = sum(xs, Fraction(0)) / len(xs)
    return sum(((x - m) ** 2 for x in xs), Fraction(0)) / (len(xs) - ddof)


def sqrt(value: Fraction) -> float:
    """The square root of a non-negative rational, correctly scaled (no float overflow)."""
    if value == 0:
        return 0.0
    # value = m * 4**k with m in [1, 4): the root is sqrt(m) * 2**k
    k = (value.numerator.bit_length() - value.denominator.bit_length()) // 2
    m = value / Fraction(4) ** k if k >= 0 else value * Fraction(4) ** (-k)
    return math.ldexp(math.sqrt(float(m)), k)


def ratio(numerator: Fraction, denominator_squared: Fraction) -> float:
    """``numerator / sqrt(denominator_squared)`` as a float, exact until the last rounding."""
    if numerator == 0:
        return 0.0
    q = numerator * numerator / denominator_squared
    return math.copysign(sqrt(q), numerator)


def to_float(value: Fraction) -> float:
    """A rational as the nearest float (inf beyond the range)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
