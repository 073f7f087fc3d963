"""The confidence interval of the noncentrality of a t statistic, for any finite t.

The limits solve ``P(T <= t | nc) = (1 ± level) / 2`` (Steiger & Fouladi, 1997; Cumming &
Finch, 2001). Up to ``|t| = 1e4`` they invert scipy's noncentral t distribution (``nctdtr``,
accurate to about 1e-9 there, its NaN far in a tail read as the tail's limit); beyond, the
inversion is slow and loses its accuracy, and the limits come from the asymptotic form
``P(S > u) - f_S'(u) / (2t²)`` (for ``|t|`` large against ``sqrt(2 df)``) or, with 400,000
d.f. or more, the Cornish-Fisher expansion of the quantile of ``t S - Z``.
Where none of them holds, an error names ``ci_method='normal'``. The tests compare each form
with the inversion, or with a quadrature of ``P(T <= t)``, where both apply.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from sparkus._errors import EstimationError
from sparkus.metrics._estimate import ConfidenceInterval

__all__ = ["asymptotic_limit", "hedges_j", "noncentrality_interval"]

_BRENT_T_MAX: Final = 1e4
"""Up to this |t| the limits invert scipy's ``nctdtr`` (accurate to about 1e-9 there)."""
_BRENT_T_FAR: Final = 3e4
"""Beyond this |t| ``nctdtr`` loses its accuracy altogether; the inversion is not tried."""
_ASYMPTOTIC_RATIO: Final = 30.0
"""The asymptotic limits serve once |t| is this many times ``sqrt(2 df)`` (relative error
below about 1e-8, as the tests check against the inversion)."""
_LARGE_DF: Final = 4e5
"""From this many d.f. the Cornish-Fisher expansion serves beyond ``_BRENT_T_MAX`` (the
probability at its limits within 3e-8 of the target, against a quadrature of ``P(T <= t)``;
the inversion's were up to 2e-6 off there)."""


def _brent_limit(t: float, df: float, p: float) -> float:
    """The noncentrality with ``P(T <= t | nc) = p``: scipy's ``nctdtrinc``, polished by Brent.

    ``nctdtrinc`` alone is accurate to about 1e-8 in probability; Brent's method on ``nctdtr``,
    in a bracket grown around its answer, takes the limit to the precision of ``nctdtr``. Far
    in a tail ``nctdtr`` returns NaN: the probability is then taken as 1 below `t` and 0 above.
    """
    from scipy import optimize, special

    def excess(nc: float) -> float:  # decreasing in nc
        value = float(special.nctdtr(df, nc, t))
        if not 0.0 <= value <= 1.0:
            value = 1.0 if nc < t else 0.0
        return value - p

    start = float(special.nctdtrinc(df, p, t))
    if not math.isfinite(start):
        start = t
    step = 1e-6 * (1.0 + abs(start))
    low, high = start - step, start + step
    for _ in range(200):
        f_low, f_high = excess(low), excess(high)
        if f_low >= 0.0 >= f_high:
            break
        if not f_low >= 0.0:
            low -= step
        if not f_high <= 0.0:
            high += step
        step *= 2.0
    else:  # pragma: no cover - excess is monotone, from 1 - p down to -p
        msg = f"could not invert the noncentral t distribution at t={t:g} with {df:g} d.f."
        raise EstimationError(msg)
    return float(optimize.brentq(excess, low, high, xtol=1e-15, rtol=4 * np.finfo(float).eps))


def asymptotic_limit(t: float, df: float, p: float) -> float | None:
    """The limit for large |t|: ``nc = t u`` with ``P(S > u) - f_S'(u) / (2t²) = p``.

    With ``T = (Z + nc) / S`` and ``S = sqrt(χ²_df / df)``, ``P(T <= t) = E Φ(t (S - u))``,
    which for large ``t sd(S)`` is ``P(S > u) - f_S'(u) / (2t²) + O(t⁻⁴)`` (the next term of the
    expansion of the smoothed step); one Newton step from the quantile ``u₀`` of S solves it.
    None where the expansion does not hold (``t u`` small: an extreme level).
    """
    from scipy import stats

    if t < 0.0:
        mirrored = asymptotic_limit(-t, df, 1.0 - p)
        return None if mirrored is None else -mirrored
    u0 = math.sqrt(float(stats.chi2.isf(p, df)) / df)
    if not (math.isfinite(u0) and u0 > 0.0 and t * u0 >= 30.0):
        return None
    shift = -((df - 1.0) / u0 - df * u0) / (2.0 * t * t)  # -f'(u0) / (2 t² f(u0))
    if not abs(shift) <= 1e-4 * u0:
        return None
    return t * (u0 + shift)


def _cornish_fisher_limit(t: float, df: float, p: float) -> float:
    """The limit for many d.f.: the quantile of ``W = t S - Z`` by its Cornish-Fisher expansion.

    ``P(T <= t | nc) = P(W >= nc)``, so `nc` is the ``1 - p`` quantile of W, whose cumulants
    are ``t E(S)``, ``1 + t² var(S)`` and ``t³ κ₃(S)``, with ``E(S) = 1 - a`` from the series
    ``a = 1/(4 df) - 1/(32 df²) - 5/(128 df³) + 21/(2048 df⁴)``, ``var(S) = a (2 - a)`` and
    ``κ₃(S) = E(S) (1/df - 2 var(S))`` (from ``E(S³) = E(S) (1 + 1/df)``). The plain normal
    approximation ``t - z_p sqrt(1 + t² / (2 df))`` leaves out the shift ``-t a`` and the
    skewness: at 400,000 d.f. and ``t = 2.5e4`` its limits were 0.02 off (5e-4 of the
    interval's width). This expansion's are within 1e-8 of the limits, relatively, against a
    quadrature of ``P(T <= t)`` and against the asymptotic form where both apply.
    """
    from scipy import special

    a = (1.0 / 4.0 - (1.0 / 32.0 + (5.0 / 128.0 - (21.0 / 2048.0) / df) / df) / df) / df
    mean = 1.0 - a
    var = a * (2.0 - a)
    third = mean * (1.0 / df - 2.0 * var)
    sd = math.hypot(1.0, t * math.sqrt(var))
    skew = (t / sd * math.cbrt(third)) ** 3  # no cube of t / sd to overflow
    z = -float(special.ndtri(p))
    return t * mean + sd * (z + (z * z - 1.0) * skew / 6.0)


def _noncentrality_limit(t: float, df: float, p: float) -> float:
    """The noncentrality ``nc`` with ``P(T <= t | nc) = p``, for any finite `t`.

    Up to ``|t| = 1e4``, the inversion of scipy's ``nctdtr``. Beyond, with 400,000 d.f. or
    more, the Cornish-Fisher expansion; with fewer, the asymptotic form when ``|t|`` is large
    against ``sqrt(2 df)``, or the inversion again up to ``|t| = 3e4``. Outside all of them an
    EstimationError names ``ci_method='normal'``.
    """
    if abs(t) <= _BRENT_T_MAX:
        return _brent_limit(t, df, p)
    if df >= _LARGE_DF:
        return _cornish_fisher_limit(t, df, p)
    if abs(t) >= _ASYMPTOTIC_RATIO * math.sqrt(2.0 * df):
        limit = asymptotic_limit(t, df, p)
        if limit is not None:
            return limit
    if abs(t) <= _BRENT_T_FAR:
        return _brent_limit(t, df, p)
    msg = (
        f"the noncentral-t interval cannot be computed accurately at t = {t:.4g} with "
        f"{df:g} d.f. (it is computed for |t| up to 3e4, and beyond when |t| is over 30 "
        "sqrt(2 d.f.)); the groups hardly vary within themselves: use ci_method='normal'"
    )
    raise EstimationError(msg)


def noncentrality_interval(t: float, df: float, level: float) -> ConfidenceInterval:
    """The confidence interval of the noncentrality of a t statistic `t` with `df` d.f.

    The limits solve ``P(T <= t | nc) = (1 ± level) / 2`` (Steiger & Fouladi, 1997).
    """
    tail = (1.0 - level) / 2.0
    return ConfidenceInterval(
        _noncentrality_limit(t, df, 1.0 - tail), _noncentrality_limit(t, df, tail)
    )


_J_DIRECT_DF: Final = 200.0
"""Up to this many d.f. J is a ratio of gamma functions taken directly (both stay below 1e300)."""
_J_SERIES: Final = (1.0, -1.0 / 8, 1.0 / 128, 5.0 / 1024, -21.0 / 32768, -399.0 / 262144,
                    869.0 / 4194304)  # fmt: skip
"""``Γ(x + ½) / (Γ(x) √x)`` in powers of ``1/x`` (to ``x⁻⁶``: below 1e-16 from ``x = 100``)."""


def hedges_j(df: float) -> float:
    """Hedges' J: ``Γ(df/2) / (sqrt(df/2) Γ((df-1)/2))``, ``1 / E(1/S)`` for the S of a t.

    Not a difference of log-gammas: at a million d.f. that loses 1e-10 of J, and past 1e8
    d.f. it gave ``J > 1`` (a g larger than d). Up to 200 d.f. it is the ratio of gamma
    functions itself; beyond, ``sqrt(1 - 1/df)`` times the asymptotic series of
    ``Γ(x + ½) / (Γ(x) √x)`` at ``x = (df - 1) / 2``, both accurate to a few units in the last
    place.
    """
    if df <= _J_DIRECT_DF:
        return math.gamma(df / 2.0) / (math.sqrt(df / 2.0) * math.gamma((df - 1.0) / 2.0))
    x = (df - 1.0) / 2.0
    series = 0.0
    for coefficient in reversed(_J_SERIES):
        series = series / x + coefficient
    return math.sqrt(1.0 - 1.0 / df) * series
