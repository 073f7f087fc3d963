"""Comparisons of two groups or of two measures: t-tests and the difference of two proportions.

Each returns an :class:`~sparkus.metrics.Estimate` of a difference on the outcome's own scale:
``x - y`` for two groups, ``post - pre`` for pairs.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import BoolArray, FloatArray, check_level
from sparkus._checks_effects import indicator, same_length, vector
from sparkus._errors import EstimationError
from sparkus._quantiles import critical_value
from sparkus.metrics._estimate import (
    ConfidenceInterval,
    Estimate,
    normal_pvalue,
    wald_estimate,
)
from sparkus.metrics._rows import paired_rows
from sparkus.metrics._stable import centred, common_scale, constant, representable, unscale

__all__ = ["compare_proportions", "paired_ttest", "welch_ttest"]

_NEWCOMBE: Final = "Newcombe hybrid score"


def _welch_ttest_iv(x: object, y: object, level: object) -> tuple[FloatArray, FloatArray, float]:
    value = check_level(level)
    a, b = two_samples(x, y)
    return a, b, value


def two_samples(x: object, y: object) -> tuple[FloatArray, FloatArray]:
    """Two groups of at least two finite values each, not both constant (named `x` and `y`)."""
    a, b = vector(x, "x", minimum=2), vector(y, "y", minimum=2)
    if constant(a) and constant(b):
        msg = "`x` and `y` are both constant: zero variance, so the t statistic is undefined"
        raise EstimationError(msg)
    return a, b


def welch_ttest(x: npt.ArrayLike, y: npt.ArrayLike, *, level: float = 0.95) -> Estimate:
    """Welch's t-test: the difference in means without assuming equal variances.

    .. versionadded:: 0.1

    The estimate is ``mean(x) - mean(y)`` with standard error ``sqrt(s₁²/n₁ + s₂²/n₂)`` and the
    Welch-Satterthwaite degrees of freedom; it agrees with
    ``scipy.stats.ttest_ind(x, y, equal_var=False)`` and its ``confidence_interval``.

    Parameters
    ----------
    x, y : array-like of float, shape (n1,) and (n2,)
        The two groups (e.g. coached and not), at least two values each, all finite.
    level : float, default 0.95
        The confidence level of the interval.

    Returns
    -------
    Estimate
        The difference ``mean(x) - mean(y)``, its t interval, t statistic, d.f. and two-sided
        p-value.

    Raises
    ------
    EstimationError
        If a group has fewer than two values or a missing value (the rows are named), both
        groups are constant, or the difference, its standard error, the t statistic or an
        interval limit would leave the range of a double (about ±1.8e308; values anywhere in
        that range are computed exactly, scaled before squaring: a constant group beside one
        whose spread is under 2**-1074 of the largest value has a t beyond it).
    SchemaError
        If `level` is not strictly between 0 and 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import welch_ttest
    >>> rng = np.random.default_rng(0)
    >>> result = welch_ttest(rng.normal(3.4, 0.8, 40), rng.normal(3.0, 0.5, 60))
    >>> round(result.estimate, 4), round(result.df, 2), round(result.pvalue, 4)
    (0.2639, 73.03, 0.0337)
    """
    a, b, value = _welch_ttest_iv(x, y, level)
    return welch(a, b, value)


def spread(values: FloatArray, exponent: int) -> float:
    """The standard deviation (``ddof=1``) of `values`, in units of ``2**exponent``.

    Computed at the values' own scale (see ``_stable``), so that neither the squares of values
    near 1e308 overflow nor those of subnormal values underflow, and about their median
    (:func:`centred`), so that no digit of their spread cancels.
    """
    own, (scaled,) = common_scale(values)
    return unscale(float(np.std(centred(scaled)[1], ddof=1)), own - exponent)


def welch(a: FloatArray, b: FloatArray, level: float) -> Estimate:
    """Welch's t-test of groups already checked (by :func:`two_samples`).

    Computed in units of a common power of two (``_stable``): no variance is ever squared, so
    values anywhere in the float range give the exact t, d.f. and p-value; and about a common
    centre (:func:`centred`), so that the difference of the means of values close together
    keeps its digits.
    """
    n1, n2 = len(a), len(b)
    exponent, (sa, sb) = common_scale(a, b)
    centre, _ = centred(np.concatenate([sa, sb]))
    s1, s2 = spread(a, exponent) / math.sqrt(n1), spread(b, exponent) / math.sqrt(n2)
    diff = float(np.mean(sa - centre)) - float(np.mean(sb - centre))
    se = math.hypot(s1, s2)
    # the Welch-Satterthwaite d.f. from the shares of the variance, which cannot overflow
    big, small = max(s1, s2), min(s1, s2)
    if big == 0.0:  # one group constant, the other's spread under 2**-1074 of the largest value
        representable((("the t statistic", math.copysign(math.inf, diff)),),
                      "the spread is almost zero beside the difference")  # fmt: skip
    q = (small / big) ** 2
    share_big, share_small = 1.0 / (1.0 + q), q / (1.0 + q)
    n_big, n_small = (n1, n2) if s1 >= s2 else (n2, n1)
    df = 1.0 / (share_big**2 / (n_big - 1) + share_small**2 / (n_small - 1))
    statistic = diff / se if se > 0 else math.copysign(math.inf, diff)
    return wald_estimate(diff, se, df, level, statistic=statistic, n=n1 + n2,
                         method="Welch's t-test", exponent=exponent)  # fmt: skip


def _paired_ttest_iv(
    pre: object, post: object, level: object
) -> tuple[tuple[FloatArray, int], float]:
    value = check_level(level)
    return paired_changes(pre, post), value


def paired_changes(pre: object, post: object) -> tuple[FloatArray, int]:
    """``post - pre`` for at least two pairs of finite values, not all the same change.

    Returns the changes in units of ``2**exponent`` and the exponent (see ``_stable``): the
    changes of values near 1e308 may themselves exceed the float range.
    """
    pre, post = paired_rows(("pre", pre), ("post", post))
    before, after = vector(pre, "pre"), vector(post, "post")
    same_length(("pre", len(before)), ("post", len(after)))
    if len(before) < 2:
        raise EstimationError(f"`pre` and `post` hold {len(before)} pair; at least 2 are needed")
    first, (b, a) = common_scale(before, after)
    second, (change,) = common_scale(a - b)
    if constant(change):
        msg = "every pair changed by the same amount: zero variance of the changes"
        raise EstimationError(msg)
    return change, first + second


def paired_ttest(pre: npt.ArrayLike, post: npt.ArrayLike, *, level: float = 0.95) -> Estimate:
    """The paired t-test: the mean change from `pre` to `post`.

    .. versionadded:: 0.1

    The estimate is ``mean(post - pre)`` with standard error ``sd(post - pre) / sqrt(n)`` and
    ``n - 1`` d.f.; it agrees with ``scipy.stats.ttest_rel(post, pre)``. A pre/post average says
    how much people changed, not what the program caused: compare with a comparison group
    (:func:`did`, :func:`ancova`) where there is one.

    Parameters
    ----------
    pre, post : array-like of float, shape (n,)
        The measure before and after, one pair per person, at least two pairs.
    level : float, default 0.95
        The confidence level of the interval.

    Returns
    -------
    Estimate
        The mean change, its t interval, t statistic, d.f. and two-sided p-value.

    Raises
    ------
    EstimationError
        If `pre` and `post` differ in length, hold fewer than two pairs or a missing value,
        every pair changed by the same amount, or the mean change, its standard error or an
        interval limit would leave the range of a double (about ±1.8e308).
    SchemaError
        If `level` is not strictly between 0 and 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import paired_ttest
    >>> rng = np.random.default_rng(1)
    >>> pre = rng.normal(3.0, 0.6, 25)
    >>> result = paired_ttest(pre, pre + rng.normal(0.25, 0.4, 25))
    >>> round(result.estimate, 4), result.df
    (0.22, 24)
    """
    (change, exponent), value = _paired_ttest_iv(pre, post, level)
    n = len(change)
    mean = float(np.mean(change))
    se = spread(change, 0) / math.sqrt(n)
    return wald_estimate(mean, se, n - 1, value, statistic=mean / se, n=n,
                         method="paired t-test (post - pre)", exponent=exponent)  # fmt: skip


def _wilson(count: int, n: int, z: float) -> tuple[float, float]:
    """The Wilson score interval of a proportion."""
    p = count / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator
    return centre - half, centre + half


def newcombe_interval(
    count1: int, n1: int, count2: int, n2: int, level: float
) -> ConfidenceInterval:
    """Newcombe's (1998, method 10) hybrid score interval of ``p1 - p2``."""
    z = critical_value(level)
    p1, p2 = count1 / n1, count2 / n2
    low1, high1 = _wilson(count1, n1, z)
    low2, high2 = _wilson(count2, n2, z)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = diff + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    return ConfidenceInterval(max(low, -1.0), min(high, 1.0))  # only rounding can cross ±1


def _compare_proportions_iv(
    x: object, y: object, level: object
) -> tuple[BoolArray, BoolArray, float]:
    value = check_level(level)
    a, b = indicator(x, "x"), indicator(y, "y")
    if len(a) == 0 or len(b) == 0:
        raise EstimationError(f"`{'x' if len(a) == 0 else 'y'}` is empty; pass at least one row")
    return a, b, value


def _pooled_test(c1: int, n1: int, c2: int, n2: int) -> tuple[float | None, float]:
    """The pooled z statistic of equal proportions and its two-sided p-value.

    When every outcome of both groups is the same, z is 0/0: no statistic, and the p-value is
    1, the exact one (every permutation of the outcomes gives the same difference, 0).
    """
    if c1 + c2 in (0, n1 + n2):
        return None, 1.0
    pooled = (c1 + c2) / (n1 + n2)
    z = (c1 / n1 - c2 / n2) / math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    return z, normal_pvalue(z)


def compare_proportions(x: npt.ArrayLike, y: npt.ArrayLike, *, level: float = 0.95) -> Estimate:
    """The difference of two proportions, with Newcombe's hybrid score interval.

    .. versionadded:: 0.1

    For engagement or completion rates: `x` and `y` hold one 0/1 (or boolean) outcome per
    person of each group, and the estimate is ``p_x - p_y``. The interval is Newcombe's (1998)
    method 10, built from the two Wilson score intervals; it stays inside ``[-1, 1]`` and keeps
    its coverage near 0 and 1, where the Wald interval fails. It agrees with
    ``statsmodels.stats.proportion.confint_proportions_2indep(..., method="newcomb")``.

    Parameters
    ----------
    x, y : array-like of bool or {0, 1}, shape (n1,) and (n2,)
        The outcomes of the two groups, at least one each.
    level : float, default 0.95
        The confidence level of the interval.

    Returns
    -------
    Estimate
        `estimate` is ``p_x - p_y``; `se` its unpooled (Wald) standard error; `statistic` the
        pooled z statistic of the test of equal proportions, with its two-sided `pvalue` (as
        ``statsmodels.stats.proportion.proportions_ztest``); `ci` the Newcombe interval.
        When every outcome of both groups is the same (all 0 or all 1), the estimate and `se`
        are 0 and the Newcombe interval still holds (it is wider the fewer people there are);
        the pooled z is then 0/0, so `statistic` is None, and `pvalue` is 1, the exact
        p-value: every permutation of equal outcomes gives the same difference (Fisher's
        exact test gives 1 too).

    Raises
    ------
    EstimationError
        If a group is empty or has a missing value.
    SchemaError
        If an outcome is not 0/1 or boolean, or `level` is not strictly between 0 and 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import compare_proportions
    >>> completed_coached = np.r_[np.ones(45), np.zeros(15)]  # 45 of 60
    >>> completed_others = np.r_[np.ones(30), np.zeros(30)]  # 30 of 60
    >>> result = compare_proportions(completed_coached, completed_others)
    >>> round(result.estimate, 4), [round(v, 4) for v in result.ci]
    (0.25, [0.0768, 0.4035])
    """
    a, b, value = _compare_proportions_iv(x, y, level)
    n1, n2 = len(a), len(b)
    c1, c2 = int(a.sum()), int(b.sum())
    p1, p2 = c1 / n1, c2 / n2
    z, pvalue = _pooled_test(c1, n1, c2, n2)
    interval = partial(newcombe_interval, c1, n1, c2, n2)
    return Estimate(
        estimate=p1 - p2,
        se=math.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2),
        ci=interval(value),
        level=value,
        pvalue=pvalue,
        n=n1 + n2,
        method="difference of proportions (x - y)",
        statistic=z,
        df=None,
        ci_method=_NEWCOMBE,
        measure="difference",
        interval=interval,
    )
