"""Planning a study: power, sample size, minimum detectable effect, and the intra-class correlation.

Power is that of the two-sided t-test, from the noncentral t distribution (as statsmodels'
``TTestIndPower`` and ``TTestPower``):

- ``design="two-group"``: two independent groups of ``n₁`` and ``n₂ = ratio · n₁``; the effect is
  Cohen's d; ``n₁ + n₂ - 2`` d.f.
- ``design="pre-post"``: ``n`` people measured twice; the effect is d_z, the mean change over the
  standard deviation of the changes (:func:`paired_dz`); ``n - 1`` d.f.
- ``design="clustered"``: two groups of whole clusters (teams, sites) of ``m = cluster_size``
  people, with intra-class correlation ``icc``. Each person counts for ``1 / deff`` of an
  independent one, with the design effect ``deff = 1 + (m - 1) icc`` (Kish, 1965; Donner & Klar,
  2000), and the two-group formulas apply to the effective sizes ``n / deff``.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    FloatArray,
    IntArray,
    check_choice,
    check_level,
    check_number,
    schema_error,
)
from sparkus._checks_effects import cluster_codes, same_length, vector
from sparkus._errors import EstimationError
from sparkus.metrics._estimate import ConfidenceInterval, Estimate
from sparkus.metrics._rows import paired_rows
from sparkus.metrics._stable import common_scale, constant

__all__ = ["icc", "mde", "power", "sample_size"]

Design: TypeAlias = Literal["two-group", "pre-post", "clustered"]
_DESIGNS: Final[tuple[Design, ...]] = ("two-group", "pre-post", "clustered")
_MAX_N: Final = 1e12
MIN_RATIO: Final = 1e-6
"""The smallest ratio of the second group's size to the first's (and its inverse the largest)."""
MIN_ALPHA: Final = 1e-12
"""The smallest significance level planned for: beyond it the critical values leave the range
in which the noncentral t distribution is computed to the 1e-9 a power needs."""
MAX_POWER: Final = 1.0 - 1e-6
"""The largest power solved for: the power is computed to about 1e-9, so a target closer to 1
has no well-defined solution."""
_MIN_CLUSTERS: Final = 2


def _nct_cdf(x: float, df: float, nc: float) -> float:
    """``P(T <= x)`` for T noncentral t: scipy's ``nctdtr``, and where that fails, its limit.

    ``nctdtr`` (Boost's noncentral t, which statsmodels calls too) is accurate to about 1e-9
    wherever it returns a number (the tests compare it with quadrature over the χ²
    distribution), but returns NaN far in a tail (probabilities under about 1e-13) or for a
    noncentrality beyond about 1e10. There ``T = (Z + nc) / S`` with ``S = sqrt(χ²_df / df)``
    is all but ``nc / S``, and ``P(T <= x) = E Φ(x S - nc)`` is the step's limit, a χ²
    probability: ``P(S > nc / x)`` for ``x > 0``, ``P(S < nc / x)`` for ``x < 0``, off by a
    tail of Z that is far below the 1e-9 that matters for a power.
    """
    from scipy import special, stats

    value = float(special.nctdtr(df, nc, x))
    if 0.0 <= value <= 1.0:
        return value
    if x == 0.0:
        return float(special.ndtr(-nc))
    ratio = nc / x
    if ratio <= 0.0:  # x and nc of opposite signs: the step is at S <= 0, outside the range
        return 1.0 if x > 0.0 else 0.0
    quantile = df * ratio * ratio
    return float(stats.chi2.sf(quantile, df) if x > 0.0 else stats.chi2.cdf(quantile, df))


@attrs.frozen
class _Plan:
    """A validated design: how to turn the first group's size into the t test's terms."""

    design: Design
    alpha: float
    ratio: float
    deff: float
    cluster_size: float

    def minimum_n(self) -> float:
        """The smallest first-group size the design can analyse."""
        if self.design == "pre-post":
            return 2.0
        # at least one d.f. and one (effective) person per group; two clusters per group
        floor = max(2.0, 1.0 / self.ratio) * self.deff
        if self.design == "clustered":
            floor = max(floor, _MIN_CLUSTERS * self.cluster_size * max(1.0, 1.0 / self.ratio))
        return floor

    def terms(self, n: float) -> tuple[float, float]:
        """``(df, nobs)``: the t test's d.f. and the factor with ``nc = effect sqrt(nobs)``."""
        if self.design == "pre-post":
            return n - 1.0, n
        n1 = n / self.deff
        n2 = self.ratio * n1
        return n1 + n2 - 2.0, 1.0 / (1.0 / n1 + 1.0 / n2)

    def power(self, effect: float, n: float) -> float:
        """Both tails of the two-sided test, as statsmodels adds them, each computed directly.

        ``P(T > c | nc) = P(T <= -c | -nc)``, so neither tail is a difference from 1 (which
        loses a tiny `alpha`), and with ``nc = |effect| sqrt(nobs) >= 0`` the lower tail is the
        small one. No noncentrality is taken as certain: with one d.f. and ``alpha = 1e-12``
        the critical value is 6.4e11, and ``nc = 1e12`` has a power of 0.88. The power of a
        two-sided test is at least `alpha` (its value at ``nc = 0``); ``nctdtr``'s relative
        error of about 1e-4 far in a tail could put a tiny effect's just below it.
        """
        from scipy import special

        df, nobs = self.terms(n)
        nc = abs(effect) * math.sqrt(nobs)
        critical = -float(special.stdtrit(df, self.alpha / 2.0))
        value = _nct_cdf(-critical, df, -nc) + _nct_cdf(-critical, df, nc)
        return min(1.0, max(value, self.alpha))

    def check_n(self, n: float, name: str) -> None:
        """EstimationError if `n` leaves too few (effective) units for the design."""
        floor = self.minimum_n()
        if n >= floor * (1.0 - 1e-12):
            return
        if self.design == "pre-post":
            msg = f"`{name}` = {n:g} pairs is too few; a pre-post design needs at least 2"
        elif self.design == "clustered":
            clusters = n / self.cluster_size
            msg = (
                f"`{name}` = {n:g} people in clusters of `cluster_size` = {self.cluster_size:g} "
                f"is {clusters:.3g} clusters, {n / self.deff:.3g} effective people, in the "
                f"first group (design effect {self.deff:.4g} from `icc`); the design needs at "
                f"least {floor:.4g} people in it (two clusters per group)"
            )
        else:
            msg = (
                f"`{name}` = {n:g} with ratio {self.ratio:g} leaves too few people; the first "
                f"group needs at least {floor:.4g}"
            )
        raise EstimationError(msg)


def _plan_check(
    design: object, alpha: object, ratio: object, cluster_size: object, icc: object
) -> _Plan:
    kind = check_choice(design, "design", _DESIGNS)
    a = check_number(alpha, "alpha", low=MIN_ALPHA, high=1.0, high_open=True,
                     what="a significance level")  # fmt: skip
    r = check_number(ratio, "ratio", low=MIN_RATIO, high=1.0 / MIN_RATIO,
                     what="a ratio n2 / n1")  # fmt: skip
    if kind == "pre-post" and r != 1.0:
        raise schema_error("ratio", f"a pre-post design has one group; got ratio={ratio!r}")
    if kind != "clustered":
        for name, value in (("cluster_size", cluster_size), ("icc", icc)):
            if value is not None:
                msg = f"is only used by design='clustered', but design={kind!r}"
                raise schema_error(name, msg)
        return _Plan(kind, a, r, 1.0, 1.0)
    if cluster_size is None or icc is None:
        missing = "cluster_size" if cluster_size is None else "icc"
        msg = "design='clustered' needs both `cluster_size` and `icc`"
        raise schema_error(missing, msg)
    m = check_number(cluster_size, "cluster_size", low=1.0, high=_MAX_N,
                     what="a mean cluster size")  # fmt: skip
    rho = check_number(icc, "icc", low=0.0, high=1.0, what="an intra-class correlation")
    return _Plan(kind, a, r, 1.0 + (m - 1.0) * rho, m)


def _effect_check(effect: object, *, nonzero: bool) -> float:
    value = check_number(effect, "effect", what="a standardised effect size")
    if nonzero and value == 0.0:
        msg = "an effect of 0 cannot be detected at any size; pass the smallest effect that matters"
        raise schema_error("effect", msg)
    return value


def _target_check(power: object, alpha: float) -> float:
    value = check_number(power, "power", low=0.0, high=MAX_POWER, low_open=True,
                         what="a power")  # fmt: skip
    if value <= alpha:
        msg = f"expected a power above alpha = {alpha:g} (the power of a zero effect), got {value}"
        raise schema_error("power", msg)
    return value


def _size_check(n: object, plan: _Plan) -> float:
    size = check_number(n, "n", low=0.0, low_open=True, what="a group size")
    plan.check_n(size, "n")
    return size


def _power_iv(
    effect: object, n: object, alpha: object, ratio: object, design: object,
    cluster_size: object, icc: object,
) -> tuple[float, float, _Plan]:  # fmt: skip
    plan = _plan_check(design, alpha, ratio, cluster_size, icc)
    return _effect_check(effect, nonzero=False), _size_check(n, plan), plan


def power(
    effect: float,
    n: float,
    *,
    alpha: float = 0.05,
    ratio: float = 1.0,
    design: Design = "two-group",
    cluster_size: float | None = None,
    icc: float | None = None,
) -> float:
    """The power of the two-sided t-test to detect a standardised `effect`.

    .. versionadded:: 0.1

    Agrees with statsmodels' ``TTestIndPower().power(effect, n, alpha, ratio)`` (two groups;
    clustered, with ``n / deff``) and ``TTestPower().power(effect, n, alpha)`` (pre-post).

    Parameters
    ----------
    effect : float
        The standardised effect: Cohen's d, or d_z for ``design="pre-post"``.
    n : float
        The size of the first group (people, not clusters), or the number of pairs.
    alpha : float, default 0.05
        The significance level of the two-sided test, in ``[1e-12, 1)``.
    ratio : float, default 1.0
        The second group's size over the first's (two-group and clustered designs), from
        1e-6 to 1e6.
    design : {"two-group", "pre-post", "clustered"}, default "two-group"
        The design; see :mod:`sparkus.metrics` for the formulas.
    cluster_size : float, optional
        The mean number of people per cluster, from 1 to 10¹²; ``design="clustered"`` only.
    icc : float, optional
        The intra-class correlation, in ``[0, 1]`` (estimate it with :func:`icc`);
        ``design="clustered"`` only.

    Returns
    -------
    float
        The probability of a significant result if the true effect is `effect`.

    Raises
    ------
    EstimationError
        If `n` leaves too few (effective) units: fewer than two pairs, no degrees of freedom, or
        fewer than two clusters per group.
    SchemaError
        If an option is out of range or not an allowed value, or the clustered options are
        missing or given to another design.

    Examples
    --------
    >>> from sparkus.metrics import power
    >>> round(power(0.5, 64), 4)
    0.8015
    >>> round(power(0.3, 100, design="pre-post"), 4)
    0.8439
    >>> round(power(0.5, 64, design="clustered", cluster_size=8, icc=0.05), 4)
    0.6733
    """
    d, size, plan = _power_iv(effect, n, alpha, ratio, design, cluster_size, icc)
    return plan.power(d, size)


def _sample_size_iv(
    effect: object, alpha: object, power: object, ratio: object, design: object,
    cluster_size: object, icc: object,
) -> tuple[float, float, _Plan]:  # fmt: skip
    plan = _plan_check(design, alpha, ratio, cluster_size, icc)
    return abs(_effect_check(effect, nonzero=True)), _target_check(power, plan.alpha), plan


def sample_size(
    effect: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    design: Design = "two-group",
    cluster_size: float | None = None,
    icc: float | None = None,
) -> int:
    """The size of the first group needed to detect `effect` with the given power.

    .. versionadded:: 0.1

    The smallest whole number of people (or pairs) in the first group whose power is at least
    `power`: the continuous solution of statsmodels' ``solve_power``, rounded up. The second
    group needs ``ratio`` times as many; for a clustered design, divide by `cluster_size` for
    the number of clusters. Never fewer than the design's minimum (two pairs; two clusters per
    group).

    Parameters
    ----------
    effect : float
        The smallest standardised effect worth detecting (its sign does not matter).
    alpha : float, default 0.05
        The significance level of the two-sided test, in ``[1e-12, 1)``.
    power : float, default 0.8
        The power wanted, above `alpha` and at most ``1 - 1e-6``.
    ratio : float, default 1.0
        The second group's size over the first's.
    design : {"two-group", "pre-post", "clustered"}, default "two-group"
        The design (see :func:`power`).
    cluster_size : float, optional
        The mean cluster size; ``design="clustered"`` only.
    icc : float, optional
        The intra-class correlation; ``design="clustered"`` only.

    Returns
    -------
    int
        The first group's size.

    Raises
    ------
    EstimationError
        If no size up to 10¹² reaches the power.
    SchemaError
        As :func:`power`, or if `effect` is 0 or `power` is not above `alpha`.

    Examples
    --------
    >>> from sparkus.metrics import sample_size
    >>> sample_size(0.5)
    64
    >>> sample_size(0.5, ratio=2.0)
    48
    >>> sample_size(0.3, design="pre-post")
    90
    >>> sample_size(0.3, design="clustered", cluster_size=10, icc=0.05)
    255
    """
    from scipy import optimize

    d, target, plan = _sample_size_iv(effect, alpha, power, ratio, design, cluster_size, icc)
    low = plan.minimum_n()
    if plan.power(d, low) >= target:
        return math.ceil(low - 1e-9)
    high = 2.0 * low
    while plan.power(d, high) < target:
        if high > _MAX_N:
            msg = f"no first-group size up to {_MAX_N:.0e} reaches power {target} for effect {d}"
            raise EstimationError(msg)
        high *= 2.0
    root = optimize.brentq(lambda x: plan.power(d, x) - target, low, high, xtol=1e-10)
    size = math.ceil(root)
    while plan.power(d, size) < target:  # guard the rounding of the root
        size += 1
    return size


def _mde_iv(
    n: object, alpha: object, power: object, ratio: object, design: object,
    cluster_size: object, icc: object,
) -> tuple[float, float, _Plan]:  # fmt: skip
    plan = _plan_check(design, alpha, ratio, cluster_size, icc)
    return _size_check(n, plan), _target_check(power, plan.alpha), plan


def mde(
    n: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    design: Design = "two-group",
    cluster_size: float | None = None,
    icc: float | None = None,
) -> float:
    """The minimum detectable effect: the smallest standardised effect found with that power.

    .. versionadded:: 0.1

    The positive effect whose power at size `n` is `power`, as statsmodels'
    ``solve_power(effect_size=None, nobs1=n, ...)``.

    Parameters
    ----------
    n : float
        The size of the first group (people, not clusters), or the number of pairs.
    alpha : float, default 0.05
        The significance level of the two-sided test, in ``[1e-12, 1)``.
    power : float, default 0.8
        The power wanted, above `alpha` and at most ``1 - 1e-6``.
    ratio : float, default 1.0
        The second group's size over the first's.
    design : {"two-group", "pre-post", "clustered"}, default "two-group"
        The design (see :func:`power`).
    cluster_size : float, optional
        The mean cluster size; ``design="clustered"`` only.
    icc : float, optional
        The intra-class correlation; ``design="clustered"`` only.

    Returns
    -------
    float
        The effect (Cohen's d, or d_z for pre-post), positive.

    Raises
    ------
    EstimationError
        As :func:`power`.
    SchemaError
        As :func:`power`, or if `power` is not above `alpha`.

    Examples
    --------
    >>> from sparkus.metrics import mde
    >>> round(mde(100), 4)
    0.3981
    >>> round(mde(100, design="clustered", cluster_size=10, icc=0.1), 4)
    0.5513
    """
    from scipy import optimize

    size, target, plan = _mde_iv(n, alpha, power, ratio, design, cluster_size, icc)
    # bracket the root from the normal approximation, by doubling and halving: the power
    # rises from alpha (effect 0) to 1, so the bracket exists; then Brent to 1e-13 relative
    _, nobs = plan.terms(size)
    guess = 3.0 / math.sqrt(nobs)
    high = guess
    while plan.power(high, size) < target:
        high *= 2.0
    low = min(high, guess) / 2.0
    while plan.power(low, size) >= target:
        low /= 2.0
    return float(
        optimize.brentq(lambda d: plan.power(d, size) - target, low, high,
                        xtol=1e-300, rtol=1e-13)
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Intra-class correlation
# --------------------------------------------------------------------------------------------


def _icc_interval(f: float, dfn: float, dfd: float, m0: float, level: float) -> ConfidenceInterval:
    tail = (1.0 - level) / 2.0
    f_low = f / _f_upper_quantile(tail, dfn, dfd)
    f_high = f * _f_upper_quantile(tail, dfd, dfn)
    # (F - 1) / (F + m0 - 1) rises to 1 as F grows: an F quantile past the doubles is 1
    high = (f_high - 1.0) / (f_high + m0 - 1.0) if math.isfinite(f_high) else 1.0
    low = (f_low - 1.0) / (f_low + m0 - 1.0)
    # at levels near 0 both limits are the median's: equal, but for the last bit
    return ConfidenceInterval(low, max(high, low))


def _f_upper_quantile(tail: float, dfn: float, dfd: float) -> float:
    """The F(`dfn`, `dfd`) quantile with `tail` above it, accurate for the smallest tails.

    ``scipy.stats.f.isf`` returns inf below tails of about 1e-16 (it works from ``1 - tail``);
    with ``W = dfn X / (dfn X + dfd)`` a Beta(dfn/2, dfd/2) variable, ``1 - W`` is
    Beta(dfd/2, dfn/2) and its lower quantile at `tail` is exact there.
    """
    from scipy import special

    v = float(special.betaincinv(dfd / 2.0, dfn / 2.0, tail))
    return (dfd / dfn) * (1.0 - v) / v if v > 0.0 else math.inf


def _icc_iv(y: object, clusters: object, level: object) -> tuple[FloatArray, IntArray, int, float]:
    value = check_level(level)
    y, clusters = paired_rows(("y", y), ("clusters", clusters))
    outcome = vector(y, "y", minimum=2)
    codes, count = cluster_codes(clusters, "clusters")
    same_length(("y", len(outcome)), ("clusters", len(codes)))
    if count < 2:
        raise EstimationError("`clusters` holds a single cluster; the ICC needs at least two")
    if count == len(outcome):
        msg = "every cluster has a single row, so the variance within clusters is unknown"
        raise EstimationError(msg)
    if constant(outcome):
        raise EstimationError("`y` is constant: zero variance, so the ICC is undefined")
    return outcome, codes, count, value


def icc(y: npt.ArrayLike, clusters: npt.ArrayLike, *, level: float = 0.95) -> Estimate:
    """The intra-class correlation of an outcome within clusters, from earlier data.

    .. versionadded:: 0.1

    The one-way random-effects ANOVA estimator ICC(1):
    ``(MSB - MSW) / (MSB + (m₀ - 1) MSW)``, with the between- and within-cluster mean squares
    and ``m₀ = (N - Σ n_g² / N) / (G - 1)``, the mean cluster size adjusted for unequal sizes
    (equal to the common size in a balanced design). With equal cluster sizes it agrees with
    pingouin's ``intraclass_corr`` "ICC1" ("ICC(1,1)" from pingouin 0.7), including the
    F-based interval (Shrout & Fleiss, 1979); with unequal sizes the interval uses ``m₀``
    (Searle, 1971) and is approximate.
    Negative estimates (less variation between clusters than chance) are returned as they are;
    use 0 for planning.

    Parameters
    ----------
    y : array-like of float, shape (n,)
        The outcome, one row per person.
    clusters : array-like, shape (n,)
        A cluster label per person. At least two clusters, and one with two or more people.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        The ICC; `statistic` and `df` are the F test of no clustering (``MSB / MSW`` with
        ``(G - 1, N - G)`` d.f.) and `pvalue` its p-value; `se` is the large-sample standard
        error ``sqrt(2 (1 - r)² (1 + (m₀ - 1) r)² / (m₀ (m₀ - 1) (G - 1)))`` at ``r = ICC``.

    Raises
    ------
    EstimationError
        If the inputs differ in length or `y` holds a missing value, there is one cluster,
        every cluster has one person, `y` is constant, or nothing varies within clusters.
    SchemaError
        If `level` is not strictly between 0 and 1, or a cluster label is missing, blank,
        a boolean among numbers, text beside numbers, or one cluster written two ways
        (naming the rows).

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import icc, sample_size
    >>> rng = np.random.default_rng(6)
    >>> team = np.repeat(np.arange(60), 8)
    >>> y = rng.normal(0.0, 0.4, 60)[team] + rng.normal(0.0, 1.0, 480)
    >>> rho = icc(y, team)
    >>> round(rho.estimate, 4), [round(v, 4) for v in rho.ci]
    (0.1302, [0.0625, 0.2259])
    >>> sample_size(0.4, design="clustered", cluster_size=8, icc=max(rho.estimate, 0.0))
    190
    """
    from scipy import stats

    given, codes, count, value = _icc_iv(y, clusters, level)
    _, (outcome,) = common_scale(given)  # the ICC is scale-free: no square overflows
    n = len(outcome)
    sizes = np.bincount(codes).astype(np.float64)
    sums = np.bincount(codes, weights=outcome)
    present = sizes > 0
    means = np.zeros_like(sums)
    means[present] = sums[present] / sizes[present]
    grand = float(np.mean(outcome))
    ss_between = float(np.sum(sizes[present] * (means[present] - grand) ** 2))
    ss_within = float(np.sum((outcome - means[codes]) ** 2))
    dfn, dfd = count - 1, n - count
    ms_between, ms_within = ss_between / dfn, ss_within / dfd
    if ms_within <= 1e-28 * (ms_between + ms_within):
        raise EstimationError("nothing varies within clusters: zero within-cluster variance")
    m0 = (n - float(np.sum(sizes[present] ** 2)) / n) / dfn
    rho = (ms_between - ms_within) / (ms_between + (m0 - 1.0) * ms_within)
    f = ms_between / ms_within
    se = math.sqrt(2.0 * (1.0 - rho) ** 2 * (1.0 + (m0 - 1.0) * rho) ** 2 / (m0 * (m0 - 1.0) * dfn))
    interval = partial(_icc_interval, f, dfn, dfd, m0)
    return Estimate(
        estimate=rho,
        se=se,
        ci=interval(value),
        level=value,
        pvalue=float(stats.f.sf(f, dfn, dfd)),
        n=n,
        method="ICC(1), one-way ANOVA estimator",
        statistic=f,
        df=(float(dfn), float(dfd)),
        ci_method="F",
        n_clusters=count,
        measure="ICC",
        interval=interval,
    )
