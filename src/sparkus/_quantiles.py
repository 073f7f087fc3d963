"""The two-sided critical value of a confidence level, computed from its tail.

``Φ⁻¹(0.5 + level / 2)`` is how a textbook writes it, but in floats ``0.5 + level / 2``
rounds to 1 for levels within 2⁻⁵³ of 1 (0.9999999999999999 is a valid level), where the
quantile is infinite, or an error. The tail ``(1 - level) / 2`` is exact there (Sterbenz), so
every interval of every package takes its critical value from here.
"""

from __future__ import annotations

__all__ = ["critical_value"]


def critical_value(level: float, df: float | None = None) -> float:
    """The two-sided critical value at `level`: of t with `df` d.f., or normal if `df` is None.

    `level` is strictly between 0 and 1 (checked by the caller).

    Examples
    --------
    >>> round(critical_value(0.95), 6), round(critical_value(0.95, 10), 6)
    (1.959964, 2.228139)
    >>> 8.2 < critical_value(0.9999999999999999) < 8.3  # 0.5 + level / 2 would round to 1
    True
    """
    from scipy import special

    tail = (1.0 - level) / 2.0
    quantile = special.ndtri(tail) if df is None else special.stdtrit(df, tail)
    return -float(quantile)
