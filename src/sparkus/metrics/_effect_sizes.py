"""Standardised effect sizes with confidence intervals, and conversions between their scales.

Every two-group effect size is ``x`` (the treated or coached group) minus ``y`` (the comparison
group), so a positive value favours ``x``; the paired one is ``post`` minus ``pre``. Intervals are
either exact under normality, by inverting the noncentral t distribution of the matching t
statistic (Steiger & Fouladi, 1997; Cumming & Finch, 2001), or the large-sample normal interval
``estimate ± z se`` with the standard errors of Hedges & Olkin (1985).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, check_choice, check_level, check_number, schema_error
from sparkus._checks_effects import vector
from sparkus._errors import EstimationError
from sparkus.metrics._compare import paired_changes, spread
from sparkus.metrics._estimate import ConfidenceInterval, Estimate, t_pvalue, wald_interval
from sparkus.metrics._noncentral import hedges_j, noncentrality_interval
from sparkus.metrics._stable import centred, common_scale, constant, representable

__all__ = ["cohens_d", "convert_effect_size", "glass_delta", "hedges_g", "paired_dz"]

CIMethod: TypeAlias = Literal["noncentral_t", "normal"]
Correction: TypeAlias = Literal["exact", "approximate"]
Scale: TypeAlias = Literal["d", "r", "log_odds_ratio"]

_CI_METHODS: Final[tuple[CIMethod, ...]] = ("noncentral_t", "normal")
_CORRECTIONS: Final[tuple[Correction, ...]] = ("exact", "approximate")
_SCALES: Final[tuple[Scale, ...]] = ("d", "r", "log_odds_ratio")
_CI_NAMES: Final = {"noncentral_t": "noncentral t", "normal": "normal"}
_MAX_D_TO_LOG_OR: Final = float(np.finfo(float).max) / math.pi * math.sqrt(3.0) / (1.0 + 1e-15)


# --------------------------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------------------------


def _effect_interval(
    level: float,
    *,
    method: CIMethod,
    estimate: float,
    se: float,
    t: float,
    df: float,
    scale: float,
    factor: float,
) -> ConfidenceInterval:
    """Noncentral t: the noncentrality limits times ``factor / scale``; normal: ``± z se``."""
    if method == "noncentral_t":
        low, high = noncentrality_interval(t, df, level)
        return ConfidenceInterval(low * factor / scale, high * factor / scale)
    return wald_interval(estimate, se, None, level)


def _build(
    *,
    estimate: float,
    se: float,
    t: float,
    df: float,
    scale: float,
    factor: float,
    n: int,
    ci_method: CIMethod,
    level: float,
    method: str,
) -> Estimate:
    interval = partial(
        _effect_interval,
        method=ci_method,
        estimate=estimate,
        se=se,
        t=t,
        df=df,
        scale=scale,
        factor=factor,
    )
    return Estimate(
        estimate=estimate,
        se=se,
        ci=interval(level),
        level=level,
        pvalue=t_pvalue(t, df),
        n=n,
        method=method,
        statistic=t,
        df=df,
        ci_method=_CI_NAMES[ci_method],
        measure="SMD",
        interval=interval,
    )


# --------------------------------------------------------------------------------------------
# Two independent groups
# --------------------------------------------------------------------------------------------


def _two_group_check(
    x: object, y: object, ci_method: object, level: object, *, minimum_x: int = 2
) -> tuple[FloatArray, FloatArray, CIMethod, float]:
    method = check_choice(ci_method, "ci_method", _CI_METHODS)
    value = check_level(level)
    return vector(x, "x", minimum=minimum_x), vector(y, "y", minimum=2), method, value


def _pooled(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    """The difference in means and the pooled SD, both in units of a common power of two.

    Their ratio, Cohen's d, is all that is used: the units cancel, and no value is squared at
    its own magnitude (see ``_stable``). An error if both groups are constant.
    """
    if constant(x) and constant(y):
        msg = (
            "`x` and `y` are both constant, so the pooled standard deviation is zero and a "
            "standardised difference is undefined"
        )
        raise EstimationError(msg)
    n1, n2 = len(x), len(y)
    exponent, (sx, sy) = common_scale(x, y)
    s1, s2 = spread(x, exponent), spread(y, exponent)
    pooled = math.hypot(math.sqrt(n1 - 1) * s1, math.sqrt(n2 - 1) * s2) / math.sqrt(n1 + n2 - 2)
    return _mean_difference(sx, sy), pooled


def _mean_difference(sx: FloatArray, sy: FloatArray) -> float:
    """``mean(sx) - mean(sy)``, taken about their common median (see ``_stable.centred``).

    Each mean of values close together (``1e15`` plus noise) is rounded at their magnitude;
    about the median, their difference keeps every digit.
    """
    centre, _ = centred(np.concatenate([sx, sy]))
    return float(np.mean(sx - centre)) - float(np.mean(sy - centre))


def _standardised(diff: float, sd: float, what: str) -> float:
    """``diff / sd``, or an EstimationError when it leaves the float range.

    That happens when the spread is almost nothing beside the difference (under 1e-308 of it).
    """
    value = diff / sd if sd > 0.0 else math.copysign(math.inf, diff)
    representable(((what, value),), "the spread is almost zero beside the difference")
    return value


def _cohens_d_iv(
    x: object, y: object, ci_method: object, level: object
) -> tuple[FloatArray, FloatArray, CIMethod, float]:
    return _two_group_check(x, y, ci_method, level)


def cohens_d(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    ci_method: CIMethod = "noncentral_t",
    level: float = 0.95,
) -> Estimate:
    r"""Cohen's d: the difference in means in units of the pooled standard deviation.

    .. versionadded:: 0.1

    ``d = (mean(x) - mean(y)) / s_p`` with ``s_p² = ((n₁ - 1) s₁² + (n₂ - 1) s₂²) / (n₁ + n₂ - 2)``
    (sample variances with ``ddof=1``), as ``pingouin.compute_effsize(x, y, eftype="cohen")``.

    Parameters
    ----------
    x, y : array-like of float, shape (n1,) and (n2,)
        The two groups: `x` the coached (treated) group, `y` the comparison group. At least two
        values each, all finite.
    ci_method : {"noncentral_t", "normal"}, default "noncentral_t"
        ``"noncentral_t"``: the exact interval under normality and equal variances, from the
        noncentral t distribution of ``t = d sqrt(n₁n₂ / (n₁ + n₂))`` with ``n₁ + n₂ - 2`` d.f.
        ``"normal"``: ``d ± z se``.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        `estimate` is d; `se` the large-sample standard error
        ``sqrt((n₁ + n₂) / (n₁n₂) + d² / (2 (n₁ + n₂)))`` (Hedges & Olkin, 1985); `statistic`,
        `df` and `pvalue` those of Student's (pooled) t-test of equal means.

    Raises
    ------
    EstimationError
        If a group has fewer than two values, a value is missing or not finite (the rows are
        named), or both groups are constant. Values anywhere in the float range are computed
        exactly (scaled before squaring); a spread under about 1e-308 of the difference, whose
        standardised difference would not fit a double, is refused, and so is a noncentral-t
        interval none of its methods computes accurately: ``|t|`` beyond 3e4 but under 30
        ``sqrt(2 df)``, with fewer than 400,000 d.f. (the message names
        ``ci_method='normal'``).
    SchemaError
        If `ci_method` or `level` is not an allowed value.

    See Also
    --------
    hedges_g : The same, corrected for its small-sample bias.
    glass_delta : Standardised by the comparison group's standard deviation only.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import cohens_d
    >>> rng = np.random.default_rng(0)
    >>> coached, others = rng.normal(0.5, 1.0, 40), rng.normal(0.0, 1.0, 60)
    >>> d = cohens_d(coached, others)
    >>> round(d.estimate, 4), d.ci_method
    (0.2737, 'noncentral t')
    >>> [round(v, 4) for v in d.ci]
    [-0.1289, 0.6749]
    """
    a, b, method, value = _cohens_d_iv(x, y, ci_method, level)
    return _pooled_effect(a, b, 1.0, method, value, "Cohen's d (x - y, pooled SD)")


def _pooled_effect(
    a: FloatArray, b: FloatArray, j: float, ci_method: CIMethod, level: float, method: str
) -> Estimate:
    """``j d``, d standardised by the pooled SD: Cohen's d (j = 1) or Hedges' g (j = J(df))."""
    diff, sd = _pooled(a, b)
    n1, n2 = len(a), len(b)
    d = _standardised(diff, sd, "the standardised difference")
    g = j * d
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    se = math.hypot(math.sqrt((n1 + n2) / (n1 * n2)), g / math.sqrt(2.0 * (n1 + n2)))
    t = d * scale
    representable((("the t statistic", t),))
    return _build(
        estimate=g,
        se=se,
        t=t,
        df=n1 + n2 - 2,
        scale=scale,
        factor=j,
        n=n1 + n2,
        ci_method=ci_method,
        level=level,
        method=method,
    )


def _hedges_correction(df: float, correction: Correction) -> float:
    """J(df): exactly ``Γ(df/2) / (sqrt(df/2) Γ((df-1)/2))``, or ``1 - 3 / (4 df - 1)``."""
    if correction == "approximate":
        return 1.0 - 3.0 / (4.0 * df - 1.0)
    return hedges_j(df)


def _hedges_g_iv(
    x: object, y: object, ci_method: object, level: object, correction: object
) -> tuple[FloatArray, FloatArray, CIMethod, float, Correction]:
    how = check_choice(correction, "correction", _CORRECTIONS)
    a, b, method, value = _two_group_check(x, y, ci_method, level)
    if len(a) + len(b) < 4:
        msg = f"Hedges' g needs at least 4 values in all (3 d.f. or more), got {len(a) + len(b)}"
        raise EstimationError(msg)
    return a, b, method, value, how


def hedges_g(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    ci_method: CIMethod = "noncentral_t",
    level: float = 0.95,
    correction: Correction = "exact",
) -> Estimate:
    """Hedges' g: Cohen's d corrected for its small-sample upward bias.

    .. versionadded:: 0.1

    ``g = J d`` with ``J = Γ(m/2) / (sqrt(m/2) Γ((m - 1)/2))`` and ``m = n₁ + n₂ - 2`` (Hedges,
    1981), which makes g unbiased under normality; ``correction="approximate"`` uses
    ``J ≈ 1 - 3 / (4m - 1)`` instead, as pingouin does.

    Parameters
    ----------
    x, y : array-like of float, shape (n1,) and (n2,)
        The coached group and the comparison group, at least four values in all and two in each.
    ci_method : {"noncentral_t", "normal"}, default "noncentral_t"
        ``"noncentral_t"``: the noncentral-t interval of d (as in :func:`cohens_d`) times J.
        ``"normal"``: ``g ± z se``.
    level : float, default 0.95
        The confidence level.
    correction : {"exact", "approximate"}, default "exact"
        The bias-correction factor J.

    Returns
    -------
    Estimate
        `estimate` is g; `se` is ``sqrt((n₁ + n₂) / (n₁n₂) + g² / (2 (n₁ + n₂)))``; the test is
        Student's t-test, as for :func:`cohens_d`.

    Raises
    ------
    EstimationError
        As :func:`cohens_d`.
    SchemaError
        If `ci_method`, `level` or `correction` is not an allowed value.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import hedges_g
    >>> rng = np.random.default_rng(1)
    >>> g = hedges_g(rng.normal(0.4, 1.0, 12), rng.normal(0.0, 1.0, 12))
    >>> round(g.estimate, 4), [round(v, 4) for v in g.ci]
    (0.9757, [0.142, 1.7899])
    """
    a, b, method, value, how = _hedges_g_iv(x, y, ci_method, level, correction)
    j = _hedges_correction(len(a) + len(b) - 2, how)
    return _pooled_effect(a, b, j, method, value, f"Hedges' g (x - y, pooled SD, {how} correction)")


def _glass_delta_iv(
    x: object, y: object, ci_method: object, level: object
) -> tuple[FloatArray, FloatArray, CIMethod, float]:
    a, b, method, value = _two_group_check(x, y, ci_method, level, minimum_x=1)
    if constant(b):
        msg = "`y` (the comparison group) is constant, so Glass's delta is undefined"
        raise EstimationError(msg)
    return a, b, method, value


def glass_delta(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    ci_method: CIMethod = "noncentral_t",
    level: float = 0.95,
) -> Estimate:
    """Glass's delta: the difference in means in units of the comparison group's SD.

    .. versionadded:: 0.1

    ``Δ = (mean(x) - mean(y)) / s_y``. Prefer it to d when the program may have changed the
    spread of the coached group, so that only the comparison group measures the natural spread.

    Parameters
    ----------
    x, y : array-like of float, shape (n1,) and (n2,)
        The coached group (at least one value) and the comparison group (at least two, not all
        equal), whose standard deviation is the unit.
    ci_method : {"noncentral_t", "normal"}, default "noncentral_t"
        ``"noncentral_t"``: the interval from the noncentral t distribution of
        ``t = Δ sqrt(n₁n₂ / (n₁ + n₂))`` with ``n₂ - 1`` d.f. (exact under normality with equal
        variances). ``"normal"``: ``Δ ± z se``.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        `estimate` is Δ; `se` is ``sqrt((n₁ + n₂) / (n₁n₂) + Δ² / (2 (n₂ - 1)))`` (Hedges &
        Olkin, 1985); `statistic` is the t above, with `df` ``n₂ - 1`` and its p-value.

    Raises
    ------
    EstimationError
        If `y` has fewer than two values or is constant, or a value is missing or not finite;
        or, as :func:`cohens_d`, at the edge of the float range.
    SchemaError
        If `ci_method` or `level` is not an allowed value.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import glass_delta
    >>> rng = np.random.default_rng(2)
    >>> delta = glass_delta(rng.normal(0.5, 2.0, 50), rng.normal(0.0, 1.0, 50))
    >>> round(delta.estimate, 4), delta.df
    (0.6266, 49)
    """
    a, b, method, value = _glass_delta_iv(x, y, ci_method, level)
    n1, n2 = len(a), len(b)
    exponent, (sa, sb) = common_scale(a, b)
    delta = _standardised(_mean_difference(sa, sb), spread(b, exponent), "Glass's delta")
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    se = math.hypot(math.sqrt((n1 + n2) / (n1 * n2)), delta / math.sqrt(2.0 * (n2 - 1)))
    t = delta * scale
    representable((("the t statistic", t),))
    return _build(
        estimate=delta,
        se=se,
        t=t,
        df=n2 - 1,
        scale=scale,
        factor=1.0,
        n=n1 + n2,
        ci_method=method,
        level=value,
        method="Glass's delta (x - y, SD of y)",
    )


# --------------------------------------------------------------------------------------------
# Paired
# --------------------------------------------------------------------------------------------


def _paired_dz_iv(
    pre: object, post: object, ci_method: object, level: object
) -> tuple[tuple[FloatArray, int], CIMethod, float]:
    method = check_choice(ci_method, "ci_method", _CI_METHODS)
    value = check_level(level)
    return paired_changes(pre, post), method, value


def paired_dz(
    pre: npt.ArrayLike,
    post: npt.ArrayLike,
    *,
    ci_method: CIMethod = "noncentral_t",
    level: float = 0.95,
) -> Estimate:
    """Cohen's d_z for paired measures: the mean change over the SD of the changes.

    .. versionadded:: 0.1

    ``d_z = mean(post - pre) / sd(post - pre)``, as
    ``pingouin.compute_effsize(post, pre, paired=True, eftype="cohen_dz")``. It is the effect
    size of the paired t-test (``t = d_z sqrt(n)``) and the one :func:`power` uses for
    ``design="pre-post"``.

    Parameters
    ----------
    pre, post : array-like of float, shape (n,)
        The measure before and after, one pair per person, at least two pairs.
    ci_method : {"noncentral_t", "normal"}, default "noncentral_t"
        ``"noncentral_t"``: the exact interval under normality, from the noncentral t of
        ``t = d_z sqrt(n)`` with ``n - 1`` d.f. ``"normal"``: ``d_z ± z se``.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        `estimate` is d_z; `se` is ``sqrt(1/n + d_z² / (2n))``; `statistic`, `df` and `pvalue`
        those of the paired t-test.

    Raises
    ------
    EstimationError
        If `pre` and `post` differ in length, hold fewer than two pairs or a missing value, or
        every pair changed by the same amount; or, as :func:`cohens_d`, at the edge of the
        float range.
    SchemaError
        If `ci_method` or `level` is not an allowed value.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import paired_dz
    >>> rng = np.random.default_rng(3)
    >>> pre = rng.normal(3.0, 0.6, 30)
    >>> post = pre + rng.normal(0.3, 0.5, 30)
    >>> dz = paired_dz(pre, post)
    >>> round(dz.estimate, 4), [round(v, 4) for v in dz.ci]
    (0.507, [0.1224, 0.8838])
    """
    (change, _), method, value = _paired_dz_iv(pre, post, ci_method, level)
    n = len(change)  # the changes in units of a power of two, which d_z does not depend on
    dz = _standardised(float(np.mean(change)), spread(change, 0), "d_z")
    scale = math.sqrt(n)
    se = math.hypot(math.sqrt(1.0 / n), dz / math.sqrt(2.0 * n))
    t = dz * scale
    representable((("the t statistic", t),))
    return _build(
        estimate=dz,
        se=se,
        t=t,
        df=n - 1,
        scale=scale,
        factor=1.0,
        n=n,
        ci_method=method,
        level=value,
        method="Cohen's d_z (post - pre)",
    )


# --------------------------------------------------------------------------------------------
# Conversions
# --------------------------------------------------------------------------------------------


def _convert_effect_size_iv(
    value: object, source: object, target: object, n1: object, n2: object
) -> tuple[float, Scale, Scale, float]:
    origin = check_choice(source, "source", _SCALES)
    goal = check_choice(target, "target", _SCALES)
    if (n1 is None) != (n2 is None):
        raise schema_error("n2" if n2 is None else "n1", "pass both `n1` and `n2`, or neither")
    if n1 is None:
        a = 4.0
    else:
        size1 = check_number(n1, "n1", low=1.0, what="a group size of at least 1")
        size2 = check_number(n2, "n2", low=1.0, what="a group size of at least 1")
        if size1 + size2 <= 2.0:
            raise schema_error("n2", f"expected n1 + n2 > 2, got {size1 + size2:g}")
        # (N² - 2N) / (n1 n2) as (N / n1) ((N - 2) / n2): no product of sizes overflows
        a = (1.0 + size2 / size1) * (size1 / size2 + 1.0 - 2.0 / size2)
    if origin == "r":
        x = check_number(value, "value", low=-1.0, high=1.0, low_open=True, high_open=True,
                         what="a correlation")  # fmt: skip
    else:
        x = check_number(value, "value", what="a finite number")
    if origin == "d" and goal == "log_odds_ratio" and abs(x) > _MAX_D_TO_LOG_OR:
        msg = (
            f"expected |value| at most {_MAX_D_TO_LOG_OR:.4g} for a conversion to a log odds "
            f"ratio (d π / √3 must stay within the range of a double), got {value!r}"
        )
        raise schema_error("value", msg)
    return x, origin, goal, a


def convert_effect_size(
    value: float,
    *,
    source: Scale,
    target: Scale,
    n1: float | None = None,
    n2: float | None = None,
) -> float:
    r"""Convert an effect size between Cohen's d, the point-biserial r and the log odds ratio.

    .. versionadded:: 0.1

    - d ↔ r: ``r = d / sqrt(d² + a)`` and ``d = r sqrt(a) / sqrt(1 - r²)``, with
      ``a = (N² - 2N) / (n₁n₂)`` (``N = n₁ + n₂``) when the group sizes are given, which is
      exactly the point-biserial correlation of the same data (McGrath & Meyer, 2006), and
      ``a = 4`` (equal groups, Rosenthal 1994) otherwise.
    - d ↔ log odds ratio: ``log OR = d π / sqrt(3)`` (Hasselblad & Hedges, 1995; Borenstein et
      al., 2009, ch. 7), the logistic approximation.
    - r ↔ log odds ratio: through d.

    Parameters
    ----------
    value : float
        The effect size on the `source` scale (for r, strictly between -1 and 1).
    source, target : {"d", "r", "log_odds_ratio"}
        The scales to convert from and to.
    n1, n2 : float, optional
        The group sizes, for the d ↔ r conversions. Pass both or neither.

    Returns
    -------
    float
        The effect size on the `target` scale.

    Raises
    ------
    SchemaError
        If a scale is not one of the allowed values, only one group size is given, or `value`
        is out of range: a correlation not strictly between -1 and 1, or a d beyond about
        ±9.9e307 converted to a log odds ratio (which would leave the range of a double).

    Examples
    --------
    >>> from sparkus.metrics import convert_effect_size
    >>> round(convert_effect_size(0.5, source="d", target="r"), 6)
    0.242536
    >>> round(convert_effect_size(0.5, source="d", target="log_odds_ratio"), 6)
    0.906900
    >>> round(convert_effect_size(0.242536, source="r", target="d"), 4)
    0.5
    """
    x, origin, goal, a = _convert_effect_size_iv(value, source, target, n1, n2)
    if origin == "r":  # (1 - r)(1 + r) keeps the digits of 1 - r² near |r| = 1
        d = x * math.sqrt(a) / math.sqrt((1.0 - x) * (1.0 + x))
    elif origin == "log_odds_ratio":
        d = x * (math.sqrt(3.0) / math.pi)  # one factor below 1: no intermediate overflow
    else:
        d = x
    if goal == "r":
        return d / math.hypot(d, math.sqrt(a))  # d² + a never overflows
    if goal == "log_odds_ratio":
        return d * (math.pi / math.sqrt(3.0))
    return d
