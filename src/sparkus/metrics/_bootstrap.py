"""The bootstrap: percentile and BCa intervals for any statistic, with a cluster bootstrap.

The resampling follows ``scipy.stats.bootstrap``: `data` is a sequence of samples, each
resampled independently (or, with ``paired=True``, row by row together), and a *vectorised*
statistic (one that takes ``axis=-1``) runs on a whole batch of resamples at once. With the same
`rng`, data and batch size the resamples are the very ones scipy draws, so the bootstrap
distributions are identical and so are the intervals whenever the jackknife is exact.

scipy's BCa interval spends almost all its time in the jackknife behind the acceleration
constant, which evaluates the statistic once per left-out observation on all the other
observations: quadratic in the sample size. For samples of more than 5,000 units
(``EXACT_JACKKNIFE_MAX``), :func:`bootstrap` uses the grouped jackknife of Efron & Narasimhan
(2020) instead.

This module holds the result and the door; the resampling, the jackknife and the intervals are
the engine's, beside it.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Sequence
from typing import Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, IntArray, check_choice, check_level, check_rng, schema_error
from sparkus._checks_effects import cluster_codes, same_length, vector
from sparkus._errors import EstimationError, SparkusWarning, shown
from sparkus._results import Result, Table, format_number
from sparkus.metrics._estimate import ConfidenceInterval
from sparkus.metrics._resampling import (
    BATCH_ELEMENTS,
    Group,
    Statistic,
    acceleration,
    bias_correction,
    draw_distribution,
    evaluate,
    interval,
    jackknife,
)
from sparkus.metrics._rows import paired_rows
from sparkus.metrics._sizes import (
    MAX_BATCH_ELEMENTS,
    MAX_JACKKNIFE_GROUPS,
    MAX_RESAMPLES,
    check_count,
)
from sparkus.metrics._stable import common_scale, representable, unscale

__all__ = ["BootstrapResult", "bootstrap"]

BootstrapMethod = Literal["bca", "percentile"]
METHODS: Final[tuple[BootstrapMethod, ...]] = ("bca", "percentile")

FEW_CLUSTERS: Final = 30
"""Below this many clusters the cluster bootstrap is unreliable: a warning."""


@attrs.frozen(repr=False, eq=False)
class BootstrapResult(Result):
    """A bootstrap estimate: the statistic, its bootstrap standard error and interval.

    .. versionadded:: 0.1

    Attributes
    ----------
    estimate : float
        The statistic on the data as given.
    se : float
        The bootstrap standard error: the standard deviation (``ddof=1``) of
        `bootstrap_distribution`.
    ci : ConfidenceInterval
        The interval ``(low, high)`` at `level`, by `method`.
    level : float
        The confidence level of `ci`.
    method : str
        ``"bca"`` (bias-corrected and accelerated) or ``"percentile"``.
    n_resamples : int
        The number of bootstrap resamples.
    bootstrap_distribution : ndarray of float64, shape (n_resamples,)
        The statistic on each resample, in the order drawn.
    n : tuple of int
        The number of observations in each sample.
    bias : float
        The bootstrap estimate of bias: the mean of `bootstrap_distribution` minus `estimate`.
    bias_correction : float or None
        The BCa bias correction z0 (None for the percentile interval).
    acceleration : float or None
        The BCa acceleration constant a (None for the percentile interval).
    jackknife : str or None
        How the acceleration was computed: ``"leave-one-out"``, ``"grouped (m groups)"`` or
        ``"leave-one-cluster-out"`` (None for the percentile interval).
    n_clusters : int or None
        The number of clusters, for the cluster bootstrap.

    See Also
    --------
    BootstrapResult.confidence_interval : The interval at another level, from the same
        resamples.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import bootstrap
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(1.0, 1.0, 50)
    >>> result = bootstrap((x,), np.mean, n_resamples=999, rng=1)
    >>> result
    BootstrapResult(n=50, estimate=1.129, 95% CI [0.8928, 1.377], se=0.1252, bca, 999 resamples)
    >>> lo, hi = result.confidence_interval(0.8)
    >>> bool(result.ci.low < lo < hi < result.ci.high)
    True
    """

    estimate: float
    se: float
    ci: ConfidenceInterval
    level: float
    method: str
    n_resamples: int
    bootstrap_distribution: FloatArray
    n: tuple[int, ...]
    bias: float
    bias_correction: float | None = None
    acceleration: float | None = None
    jackknife: str | None = None
    n_clusters: int | None = None

    def confidence_interval(self, level: float = 0.95) -> ConfidenceInterval:
        """The interval at another `level`, by the same method and from the same resamples.

        Parameters
        ----------
        level : float, default 0.95
            The confidence level, strictly between 0 and 1.

        Returns
        -------
        ConfidenceInterval
            The pair ``(low, high)``.

        Raises
        ------
        SchemaError
            If `level` is not strictly between 0 and 1.
        """
        value = check_level(level)
        return interval(self.bootstrap_distribution, value, self.bias_correction,
                         self.acceleration)  # fmt: skip

    def _headline(self) -> str:
        low, high = (format_number(v) for v in self.ci)
        return (
            f"n={sum(self.n)}, estimate={format_number(self.estimate)}, "
            f"{100 * self.level:.10g}% CI [{low}, {high}], se={format_number(self.se)}, "
            f"{self.method}, {self.n_resamples} resamples"
        )

    def _tables(self) -> list[Table]:
        pct = f"{100 * self.level:.10g}%"
        rows: list[tuple[str, str]] = [
            ("estimate", format_number(self.estimate)),
            ("bootstrap standard error", format_number(self.se)),
            (f"{pct} CI ({self.method})",
             f"[{format_number(self.ci.low)}, {format_number(self.ci.high)}]"),
            ("bias", format_number(self.bias)),
            ("resamples", format_number(self.n_resamples)),
            ("observations per sample", ", ".join(format_number(k) for k in self.n)),
        ]  # fmt: skip
        if self.n_clusters is not None:
            rows.append(("clusters", format_number(self.n_clusters)))
        if self.method == "bca":
            rows += [
                ("bias correction z0", format_number(self.bias_correction)),
                ("acceleration a", format_number(self.acceleration)),
                ("jackknife", str(self.jackknife)),
            ]
        return [Table("Bootstrap", ("quantity", "value"), tuple(rows))]


# --------------------------------------------------------------------------------------------
# The public function
# --------------------------------------------------------------------------------------------


def bootstrap(
    data: Sequence[npt.ArrayLike],
    statistic: Statistic,
    *,
    n_resamples: int = 2000,
    method: BootstrapMethod = "bca",
    level: float = 0.95,
    paired: bool = False,
    clusters: npt.ArrayLike | None = None,
    vectorized: bool | None = None,
    batch: int | None = None,
    jackknife_groups: int | None = None,
    rng: int | np.random.Generator | None = None,
) -> BootstrapResult:
    """Bootstrap a statistic: its standard error and a percentile or BCa confidence interval.

    .. versionadded:: 0.1

    The semantics follow ``scipy.stats.bootstrap``: each sample in `data` is resampled
    with replacement independently of the others, or, with ``paired=True``, the rows of all
    samples are resampled together. With the same `rng`, data and `batch` the resamples and the
    bootstrap distribution are exactly scipy's.

    Parameters
    ----------
    data : sequence of array_like
        The samples, each a 1-D sequence of numbers, e.g. ``(coached, others)``. A single
        sample is passed as ``(x,)``.
    statistic : callable
        ``statistic(*samples)`` returns one number. If it takes an ``axis`` argument it is
        *vectorised*: called as ``statistic(*samples, axis=-1)`` on arrays of shape
        ``(batch, n)`` it returns one number per row, and runs on a whole batch of resamples
        at once. Otherwise it is called once per resample.
    n_resamples : int, default 2000
        The number of bootstrap resamples, from 2 to 10,000,000.
    method : {"bca", "percentile"}, default "bca"
        The interval: bias-corrected and accelerated (Efron 1987), or the plain percentile
        interval.
    level : float, default 0.95
        The confidence level.
    paired : bool, default False
        Resample the rows of all samples together (they must be of equal length): for
        pre/post scores of the same people, or for columns of one table such as
        ``(outcome, treated)``.
    clusters : array_like, optional
        One cluster label per row (team, cohort, site): whole clusters are resampled with
        replacement, keeping the rows of a cluster together. Needs a single sample or
        ``paired=True``. The BCa acceleration then comes from the leave-one-cluster-out
        jackknife.
    vectorized : bool, optional
        Whether `statistic` is vectorised; by default, whether it takes an ``axis`` argument.
    batch : int, optional
        Resamples per batch given to a vectorised statistic. By default batches hold about
        a million values per sample (8 MiB), which bounds the memory used; at most
        ``16,777,216 // n`` for samples of up to n values (128 MiB).
    jackknife_groups : int, optional
        For the BCa acceleration: split each sample's units at random into this many groups
        and leave out one group at a time (the grouped jackknife of Efron & Narasimhan 2020);
        a value at least the number of units gives the exact leave-one-out jackknife. By
        default the jackknife is exact for samples of up to 5,000 units, and grouped into
        200 groups for larger samples. At most 100,000 (each group costs one evaluation of
        the statistic).
    rng : int or numpy.random.Generator, optional
        The source of randomness; an int seeds ``numpy.random.default_rng``. The result is
        exactly reproducible for the same `rng`, data and `batch`.

    Returns
    -------
    BootstrapResult
        The estimate, bootstrap standard error and bias, the interval, and the bootstrap
        distribution.

    Raises
    ------
    SchemaError
        For a malformed argument (`data` not a sequence of samples, an unknown `method`, a
        statistic that does not return one number per resample, ...), or a size beyond its
        limit (`n_resamples`, `batch`, `jackknife_groups`: see each), checked before any
        memory is allocated.
    EstimationError
        For data that cannot support the interval: a sample with fewer than two observations,
        missing or non-finite values (the rows are named), mismatched lengths with
        ``paired=True``, a single cluster, a statistic that returns NaN on some resamples, or
        (for BCa) a degenerate bootstrap or jackknife distribution.

    Warns
    -----
    SparkusWarning
        With fewer than 30 clusters: the cluster bootstrap is then unreliable.

    Notes
    -----
    The BCa interval takes the bootstrap quantiles at
    ``Φ(z0 + (z0 + z) / (1 - a (z0 + z)))`` for ``z = ±z_{(1-level)/2}``, where the bias
    correction ``z0 = Φ⁻¹(p)`` with p the share of resamples below the estimate (ties count
    half) and the acceleration ``a`` is computed from jackknife values exactly as scipy does
    (Efron & Tibshirani 1993, eq. 14.15, summed over the samples). That map of z rises up to
    its pole at ``z0 + z = 1 / a`` and turns back beyond it; an end past the pole (a wide
    `level` with a large acceleration) is the bootstrap distribution's extreme on its side.
    Jackknife values that are all equal leave ``a`` undefined (0 / 0): an EstimationError.

    With the exact jackknife (the default for samples of up to 5,000 units) the interval
    equals scipy's to rounding, given the same resamples, except past the pole, where scipy
    reads the turned-back value (an upper end at the minimum, say). For larger samples the exact
    jackknife needs n evaluations of the statistic on n rows each, which is what makes
    scipy's BCa interval slow; the grouped jackknife needs 200. It estimates the same
    acceleration, with some sampling noise (Efron & Narasimhan 2020). On the benchmark data
    (a difference of means of two normal samples of 50,000 rows each, 2,000 resamples, the
    case ``bootstrap_bca`` of ``benchmarks/bench_metrics.py``), given the same resamples, the
    interval's ends differed from scipy's (exact jackknife, scipy 1.17.1) by 8.1e-5 and
    2.5e-5 of the interval's width, far below the Monte Carlo error of the ends themselves
    (a few hundredths of the width at 2,000 resamples); the whole call took 0.04 times
    scipy's time (median of five interleaved runs each).

    The cluster bootstrap resamples whole clusters (Cameron, Gelbach & Miller 2008). With
    clusters of unequal size the resamples differ in length, so the statistic is then called
    once per resample even if vectorised.

    References
    ----------
    Efron, B. (1987). Better bootstrap confidence intervals. *JASA* 82(397), 171-185.
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
    Efron, B., & Narasimhan, B. (2020). The automatic construction of bootstrap confidence
    intervals. *J. Computational and Graphical Statistics* 29(3), 608-619.
    Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based improvements for
    inference with clustered errors. *Review of Economics and Statistics* 90(3), 414-427.

    Examples
    --------
    The difference in mean scores of coached and other employees, with a vectorised
    statistic:

    >>> import numpy as np
    >>> from sparkus.metrics import bootstrap
    >>> rng = np.random.default_rng(0)
    >>> coached, others = rng.normal(3.6, 0.8, 60), rng.normal(3.2, 0.8, 80)
    >>> def mean_difference(x, y, axis=-1):
    ...     return np.mean(x, axis=axis) - np.mean(y, axis=axis)
    >>> result = bootstrap((coached, others), mean_difference, rng=2)
    >>> round(result.estimate, 4), round(result.se, 4)
    (0.4111, 0.1283)
    >>> print(f"[{result.ci.low:.3f}, {result.ci.high:.3f}]")
    [0.153, 0.667]

    Whole teams resampled, for a score whose rows are clustered by team:

    >>> team = np.repeat(np.arange(40), 5)
    >>> score = rng.normal(0.0, 0.5, 40)[team] + rng.normal(3.0, 1.0, 200)
    >>> result = bootstrap((score,), np.mean, clusters=team, rng=3)
    >>> result.n_clusters, result.jackknife
    (40, 'leave-one-cluster-out')
    """
    setup = _bootstrap_iv(data, statistic, n_resamples, method, level, paired, clusters,
                          vectorized, batch, jackknife_groups, rng)  # fmt: skip
    samples, groups, stat, is_vectorized, batch_size, n_groups, generator = setup
    n_clusters = None if clusters is None else groups[0].n_units
    if n_clusters is not None and n_clusters < FEW_CLUSTERS:
        msg = (
            f"only {n_clusters} clusters: the cluster bootstrap is unreliable below about "
            f"{FEW_CLUSTERS}; read its interval with caution"
        )
        warnings.warn(msg, SparkusWarning, stacklevel=2)

    estimate = float(evaluate(stat, [s[np.newaxis, :] for s in samples], is_vectorized, 1)[0])
    if not math.isfinite(estimate):
        raise EstimationError(f"the statistic is {estimate} on the data as given")
    distribution = draw_distribution(samples, groups, stat, is_vectorized, n_resamples,
                                 batch_size, generator)  # fmt: skip
    bad = ~np.isfinite(distribution)
    if bad.any():
        msg = (
            f"the statistic is NaN or infinite on {int(bad.sum()):,} of {n_resamples:,} "
            "resamples (a resample may, e.g., hold a single distinct value); use a statistic "
            "defined on every resample"
        )
        raise EstimationError(msg)
    distribution.setflags(write=False)

    z0: float | None = None
    accel: float | None = None
    how: str | None = None
    if method == "bca":
        z0 = bias_correction(distribution, estimate)
        jack, how = jackknife(samples, groups, stat, is_vectorized, batch_size, n_groups,
                               generator, clustered=n_clusters is not None)  # fmt: skip
        accel = acceleration(jack)
    ci = interval(distribution, level, z0, accel)
    return BootstrapResult(
        estimate=estimate,
        se=_spread(distribution),
        ci=ci,
        level=level,
        method=method,
        n_resamples=n_resamples,
        bootstrap_distribution=distribution,
        n=tuple(len(s) for s in samples),
        bias=_bias(distribution, estimate),
        bias_correction=z0,
        acceleration=accel,
        jackknife=how,
        n_clusters=n_clusters,
    )


# --------------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------------


def _spread(distribution: FloatArray) -> float:
    """The standard deviation (ddof=1), computed in units of the largest value.

    Squares of 1e-160 underflow to zero, and of 1e160 overflow. Taken from the first value,
    so that a distribution that is one value throughout has a spread of exactly zero (the mean
    of 2,000 copies of 0.1 is not 0.1).
    """
    exponent, (scaled,) = common_scale(distribution)
    return unscale(float(np.std(scaled - scaled[0], ddof=1)), exponent)


def _bias(distribution: FloatArray, estimate: float) -> float:
    """The mean of `distribution` minus `estimate`, computed in units of the largest value.

    2,000 resamples of 1e308 sum past the largest double; their mean does not. The mean is
    taken from the first resample's value, so a distribution that is the estimate throughout
    has a bias of exactly zero.
    """
    exponent, (scaled,) = common_scale(distribution)
    first = float(scaled[0])
    offset = float(np.mean(scaled - first))
    bias = unscale(offset + (first - math.ldexp(estimate, -exponent)), exponent)
    representable((("the bootstrap estimate of bias", bias),))
    return bias


def _bootstrap_iv(
    data: object,
    statistic: object,
    n_resamples: object,
    method: object,
    level: object,
    paired: object,
    clusters: object,
    vectorized: object,
    batch: object,
    jackknife_groups: object,
    rng: object,
) -> tuple[list[FloatArray], list[Group], Statistic, bool, int, int | None, np.random.Generator]:
    given: object = data
    if (isinstance(given, np.ndarray) and given.ndim == 1) or isinstance(given, str | bytes):
        msg = (
            "expected a sequence of samples, got a single 1-D array; pass one sample as "
            "`(x,)` and two as `(x, y)`"
        )
        raise schema_error("data", msg)
    if not isinstance(given, Sequence | np.ndarray):
        msg = f"expected a sequence of samples such as `(x, y)`, got {type(given).__name__}"
        raise schema_error("data", msg)
    if len(given) == 0:
        raise schema_error("data", "holds no samples; pass at least one, e.g. `(x,)`")
    if not isinstance(paired, bool | np.bool_):
        raise schema_error("paired", f"expected True or False, got {shown(paired)}")
    given = list(given)
    if paired or clusters is not None:  # rows of several inputs that belong together
        *given, clusters = paired_rows(
            *((f"data[{j}]", s) for j, s in enumerate(given)), ("clusters", clusters)
        )
    samples = [vector(s, f"data[{j}]", minimum=2) for j, s in enumerate(given)]
    if not callable(statistic):
        raise schema_error("statistic", f"expected a callable, got {type(statistic).__name__}")
    resamples = check_count(n_resamples, "n_resamples", low=2, high=MAX_RESAMPLES,
                            why="the bootstrap distribution is held in memory")  # fmt: skip
    check_choice(method, "method", METHODS)
    check_level(level)
    if vectorized is None:
        try:
            is_vectorized = "axis" in inspect.signature(statistic).parameters
        except (TypeError, ValueError):  # builtins without a signature
            is_vectorized = False
    elif isinstance(vectorized, bool | np.bool_):
        is_vectorized = bool(vectorized)
    else:
        raise schema_error("vectorized", f"expected None, True or False, got {shown(vectorized)}")
    groups_wanted = None
    if jackknife_groups is not None:
        groups_wanted = check_count(jackknife_groups, "jackknife_groups", low=2,
                                    high=MAX_JACKKNIFE_GROUPS,
                                    why="each group costs one evaluation of the statistic")  # fmt: skip
    generator = check_rng(rng)
    if paired and len(samples) > 1:
        same_length(*((f"data[{j}]", len(s)) for j, s in enumerate(samples)))
    groups = _groups(samples, bool(paired), clusters)
    longest = max(1, *map(len, samples))
    if batch is None:
        batch_size = max(1, min(resamples, BATCH_ELEMENTS // longest))
    else:
        most = max(1, MAX_BATCH_ELEMENTS // longest)
        why = (
            f"a batch holds batch x {longest:,} resampled values per sample, at most "
            f"{MAX_BATCH_ELEMENTS:,}"
        )
        batch_size = check_count(batch, "batch", low=1, high=most, why=why)
    return samples, groups, statistic, is_vectorized, batch_size, groups_wanted, generator


def _groups(samples: list[FloatArray], paired: bool, clusters: object) -> list[Group]:
    """The independently resampled groups of units."""
    if clusters is None:
        if paired:
            return [Group(tuple(range(len(samples))), len(samples[0]))]
        return [Group((j,), len(s)) for j, s in enumerate(samples)]
    if len(samples) > 1 and not paired:
        msg = (
            "needs a single sample or paired=True; to compare groups within clustered data, "
            "pass the columns together, e.g. `data=(outcome, treated), paired=True`, and let "
            "the statistic split them"
        )
        raise schema_error("clusters", msg)
    codes, count = cluster_codes(clusters, "clusters")
    same_length(("data[0]", len(samples[0])), ("clusters", len(codes)))
    if count < 2:
        msg = (
            "`clusters` holds a single cluster; the cluster bootstrap resamples clusters and "
            "needs at least two (and about 30 or more to be reliable)"
        )
        raise EstimationError(msg)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=count)
    unit_rows: IntArray | list[IntArray]
    if np.all(sizes == sizes[0]):
        unit_rows = order.reshape(count, int(sizes[0]))
    else:
        unit_rows = np.split(order, np.cumsum(sizes)[:-1])
    return [Group(tuple(range(len(samples))), count, unit_rows)]
