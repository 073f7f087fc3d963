"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) group-time effects.

When waves of a rollout start at different times, the two-way fixed-effects regression compares
late starters with early starters already treated and is biased when effects change over time.
Callaway & Sant'Anna estimate one effect per group (the people who started in the same period)
and period, each against a clean comparison group (the never treated, or those not yet
treated), and aggregate those cells by the group, the time since the start, or the calendar
period. Standard errors come from the cells' influence functions, as in R's ``did`` package.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    FloatArray,
    IntArray,
    align_rows,
    check_choice,
    check_level,
    check_number,
    check_rng,
    schema_error,
)
from sparkus._errors import EstimationError
from sparkus._frames import Framed, FrameSpec
from sparkus._quantiles import critical_value
from sparkus._results import Result, Table, format_number
from sparkus.metrics._few_clusters import effective_clusters, warn_few_clusters
from sparkus.metrics._stable import common_scale, constant, unscale, unscaled
from sparkus.metrics._staggered_agg import Parts, by_group, by_label
from sparkus.metrics._staggered_boot import MULTIPLIERS, Multipliers, multiplier_bootstrap
from sparkus.metrics._staggered_cells import (
    check_group_sizes,
    cluster_weights,
    group_time_cells,
    refuse_unmeasured_se,
)
from sparkus.metrics._staggered_dr import EST_METHODS, EstMethod
from sparkus.metrics._staggered_panel import balanced_panel, covariate_cube, unit_clusters

__all__ = ["DiDAggregation", "StaggeredDiD", "staggered_did"]

Control: TypeAlias = Literal["never", "not_yet"]
_CONTROLS: Final[tuple[Control, ...]] = ("never", "not_yet")
_KINDS: Final[dict[str, str]] = {
    "group": "By group (first treated period)",
    "dynamic": "By event time (periods since the start)",
    "calendar": "By calendar period",
}


def _rows(
    labels: tuple[FloatArray, ...],
    att: FloatArray,
    se: FloatArray,
    z: float,
    boot_se: FloatArray | None,
    crit: float | None,
) -> tuple[tuple[str, ...], ...]:
    """Table rows: the labels, the effect, its SE and interval, then the bootstrap band."""
    out = []
    for i, (a, s) in enumerate(zip(att, se, strict=True)):
        row = [f"{float(lab[i]):g}" for lab in labels]
        row += [format_number(float(x)) for x in (a, s, a - z * s, a + z * s)]
        if boot_se is not None and crit is not None:
            b = float(boot_se[i])
            row += [format_number(x) for x in (b, a - crit * b, a + crit * b)]
        out.append(tuple(row))
    return tuple(out)


def _headers(first: tuple[str, ...], level: float, boot: bool) -> tuple[str, ...]:
    pct = f"{level:.0%}"
    cols = (*first, "ATT", "SE", f"{pct} low", f"{pct} high")
    return (*cols, "boot SE", "band low", "band high") if boot else cols


def _band_note(crit: float | None, level: float, draws: int) -> str:
    if crit is None:
        return ""
    return (
        f"Bands: uniform {level:.0%} over the rows (multiplier bootstrap, {draws:,} draws; "
        f"critical value {crit:.3f} against the pointwise {critical_value(level):.3f})."
    )


def _frame_columns(
    att: FloatArray, se: FloatArray, level: float, boot_se: FloatArray | None, crit: float | None
) -> dict[str, FloatArray]:
    z = critical_value(level)
    cols = {"att": att, "se": se, "ci_low": att - z * se, "ci_high": att + z * se}
    if boot_se is not None and crit is not None:
        cols |= {"boot_se": boot_se, "band_low": att - crit * boot_se}
        cols["band_high"] = att + crit * boot_se
    return cols


@attrs.frozen(repr=False, eq=False)
class DiDAggregation(Framed, Result):
    """One aggregation of the group-time effects, and its overall average.

    Attributes
    ----------
    kind : str
        ``"group"`` (by first treated period), ``"dynamic"`` (by event time, periods since the
        start; negative event times are the pre-treatment placebo cells) or ``"calendar"``.
    labels : numpy.ndarray
        The group, event time or calendar period of each entry.
    att, se : numpy.ndarray
        The aggregated effect and its analytic standard error, per label.
    overall, overall_se : float
        The overall effect of this aggregation (for ``"dynamic"``, the mean over event times
        from 0 on) and its standard error.
    level : float
        The confidence level of the intervals the summary shows.
    boot_se : numpy.ndarray or None
        With ``bootstrap=``, the multiplier bootstrap standard error per label.
    overall_boot_se : float or None
        With ``bootstrap=``, the overall effect's bootstrap standard error.
    crit : float or None
        With ``bootstrap=``, the uniform critical value over the labels: the band
        ``att +- crit * boot_se`` covers all of them at once with probability `level`.
    bootstrap : int
        The number of bootstrap draws (0 without the bootstrap).

    Notes
    -----
    The weights and standard errors follow R's ``did::aggte`` (Callaway & Sant'Anna 2021,
    section 3), including the estimation error of the group-share weights. ``to_frame()``
    has one row per label: ``att``, ``se``, ``ci_low``, ``ci_high`` and, with the bootstrap,
    ``boot_se``, ``band_low``, ``band_high``.

    .. versionadded:: 0.1
    """

    kind: str
    labels: FloatArray
    att: FloatArray
    se: FloatArray
    overall: float
    overall_se: float
    level: float
    boot_se: FloatArray | None = None
    overall_boot_se: float | None = None
    crit: float | None = None
    bootstrap: int = 0

    def _headline(self) -> str:
        return f"kind={self.kind}, overall={self.overall:.4g}, se={self.overall_se:.4g}"

    def _frame(self) -> FrameSpec:
        cols = _frame_columns(self.att, self.se, self.level, self.boot_se, self.crit)
        return {self.kind: self.labels, **cols}, (self.kind,)

    def _tables(self) -> list[Table]:
        z = critical_value(self.level)
        boot = self.boot_se is not None
        rows = _rows((self.labels,), self.att, self.se, z, self.boot_se, self.crit)
        overall_boot = None if self.overall_boot_se is None else np.array([self.overall_boot_se])
        overall_row = _rows(
            (np.array([np.nan]),),
            np.array([self.overall]),
            np.array([self.overall_se]),
            z,
            overall_boot,
            None if overall_boot is None else critical_value(self.level),
        )[0]
        note = _band_note(self.crit, self.level, self.bootstrap)
        return [
            Table(_KINDS[self.kind], _headers((self.kind,), self.level, boot), rows, note=note),
            Table(
                "Overall",
                _headers((self.kind,), self.level, boot),
                (("overall", *overall_row[1:]),),
            ),
        ]


@attrs.frozen(repr=False, eq=False)
class StaggeredDiD(Framed, Result):
    """Group-time average treatment effects ATT(g, t) and their aggregations.

    Attributes
    ----------
    group, period : numpy.ndarray
        The first treated period g and the period t of each group-time cell.
    att, se : numpy.ndarray
        ATT(g, t) and its analytic standard error, per cell. Cells before g are placebo
        (pre-trend) cells comparing t with t - 1; cells from g on compare t with g - 1.
    n_treated, n_control : numpy.ndarray
        Units in the cell's group and in its comparison group.
    simple, simple_se : float
        The average of the post-treatment cells weighted by group size, and its standard error.
    by_group, by_event, by_period : DiDAggregation
        The effects aggregated by group, by event time and by calendar period.
    control : str
        ``"never"`` or ``"not_yet"``: the comparison group.
    n_units : int
        Units in the (balanced) panel.
    level : float
        The confidence level of the intervals the summary shows.
    est_method : str
        ``"dr"``, ``"ipw"`` or ``"reg"``: the estimator of each cell (all the same without
        covariates).
    n_covariates : int
        The number of covariate columns (0 without covariates).
    boot_se : numpy.ndarray or None
        With ``bootstrap=``, the multiplier bootstrap standard error per cell.
    simple_boot_se : float or None
        With ``bootstrap=``, the simple average's bootstrap standard error.
    crit : float or None
        With ``bootstrap=``, the uniform critical value over all the cells: the band
        ``att +- crit * boot_se`` covers every ATT(g, t) at once with probability `level`.
    bootstrap : int
        The number of bootstrap draws (0 without the bootstrap).
    n_clusters : int
        With ``cluster=``, the number of clusters the standard errors are clustered on; 0
        when they are by unit.

    Notes
    -----
    ``to_frame()`` has one row per cell, indexed by ``group`` and ``period``: ``att``,
    ``se``, ``ci_low``, ``ci_high`` and, with the bootstrap, ``boot_se``, ``band_low``,
    ``band_high``. Each aggregation has its own ``to_frame()``.

    .. versionadded:: 0.1
    """

    group: FloatArray
    period: FloatArray
    att: FloatArray
    se: FloatArray
    n_treated: npt.NDArray[np.int64]
    n_control: npt.NDArray[np.int64]
    simple: float
    simple_se: float
    by_group: DiDAggregation
    by_event: DiDAggregation
    by_period: DiDAggregation
    control: str
    n_units: int
    level: float
    est_method: str = "dr"
    n_covariates: int = 0
    boot_se: FloatArray | None = None
    simple_boot_se: float | None = None
    crit: float | None = None
    bootstrap: int = 0
    n_clusters: int = 0

    def _headline(self) -> str:
        return f"n_units={self.n_units}, simple={self.simple:.4g}, se={self.simple_se:.4g}"

    def _frame(self) -> FrameSpec:
        cols = _frame_columns(self.att, self.se, self.level, self.boot_se, self.crit)
        base = {"group": self.group, "period": self.period}
        extra = {"n_treated": self.n_treated, "n_control": self.n_control}
        return {**base, **cols, **extra}, ("group", "period")

    def _tables(self) -> list[Table]:
        z = critical_value(self.level)
        boot = self.boot_se is not None
        covariates = (
            f"; {self.n_covariates} covariate(s), estimator {self.est_method!r}"
            if self.n_covariates
            else ""
        )
        clustered = (
            f"; standard errors clustered on {self.n_clusters:,} clusters"
            if self.n_clusters
            else ""
        )
        note = (
            f"Comparison group: {self.control.replace('_', ' ')} treated; "
            f"{self.n_units:,} units{covariates}{clustered}. {_band_note(self.crit, self.level, self.bootstrap)}"
        )
        cells = Table(
            "Group-time effects ATT(g, t)",
            _headers(("group", "period"), self.level, boot),
            _rows((self.group, self.period), self.att, self.se, z, self.boot_se, self.crit),
            note=note.strip(),
        )
        simple_boot = None if self.simple_boot_se is None else np.array([self.simple_boot_se])
        simple_row = _rows(
            (np.array([np.nan]),),
            np.array([self.simple]),
            np.array([self.simple_se]),
            z,
            simple_boot,
            None if simple_boot is None else z,
        )[0]
        simple = Table(
            "Simple average of post-treatment effects",
            _headers(("",), self.level, boot),
            (("simple", *simple_row[1:]),),
        )
        return [cells, simple] + [
            t for agg in (self.by_group, self.by_event, self.by_period) for t in agg._tables()
        ]


def _se(func: FloatArray, n: int) -> float:
    """The standard error from an influence function over `n` units (summed by cluster, or not).

    Summed in units of a power of two near the largest value: squares of outcomes of 1e-200
    underflow to zero, and of 1e160 overflow.
    """
    exponent, (scaled,) = common_scale(func)
    return unscale(float(np.sqrt(np.sum(scaled**2)) / n), exponent)


def _ses(inf: FloatArray, n: int) -> FloatArray:
    """:func:`_se` of each column of `inf`, each in its own units."""
    tops = np.max(np.abs(inf), axis=0, initial=0.0)
    exponents = np.frexp(np.where(np.isfinite(tops), tops, 0.0))[1]
    scaled = np.ldexp(inf, -exponents)
    return np.asarray(np.ldexp(np.sqrt(np.einsum("ij,ij->j", scaled, scaled)) / n, exponents),
                      dtype=float)  # fmt: skip


def _cluster_sums(codes: IntArray | None) -> Callable[[FloatArray], FloatArray]:
    """Sum an influence function's unit rows within each cluster (identity without clusters)."""
    if codes is None:
        return lambda inf: inf
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])

    def summed(inf: FloatArray) -> FloatArray:
        return np.asarray(np.add.reduceat(inf[order], starts, axis=0), dtype=float)

    return summed


def staggered_did(
    y: object,
    unit: object,
    time: object,
    first_treated: object,
    *,
    control: Control = "never",
    covariates: object = None,
    est_method: EstMethod = "dr",
    bootstrap: int | None = None,
    multipliers: Multipliers = "rademacher",
    rng: object = None,
    cluster: object = None,
    level: float = 0.95,
) -> StaggeredDiD:
    """Callaway & Sant'Anna (2021) group-time effects of a staggered rollout.

    Parameters
    ----------
    y : array-like of float
        The outcome, one row per unit and period (long format, a balanced panel).
    unit : array-like
        The unit (person or team) of each row.
    time : array-like of number
        The period of each row.
    first_treated : array-like of number
        The period in which the row's unit was first treated, the same on all its rows;
        0 or NaN for never treated. It must be one of the panel's periods after the first.
    control : {"never", "not_yet"}
        The comparison group: the never treated, or the never and not yet treated.
    covariates : array-like of float, optional
        Covariates for conditional parallel trends, one row per row of `y` (1-D for one
        covariate, or rows x columns). As R ``did``, each cell uses every unit's row from the
        cell's base period, so a covariate that changes over time enters at the base period.
    est_method : {"dr", "ipw", "reg"}
        The estimator of each cell with covariates (Sant'Anna & Zhao 2020): doubly robust
        (R's default), inverse probability weighting, or outcome regression.
    bootstrap : int, optional
        The number of multiplier bootstrap draws (at least 100; R uses 999) for bootstrap
        standard errors and uniform bands; None (the default) for analytic standard errors
        only.
    multipliers : {"rademacher", "mammen"}
        The bootstrap multipliers: random signs (as R ``did``'s ``mboot`` and ``csdid``) or
        Mammen's skewed two-point weights (as R ``DRDID``).
    rng : None, int or numpy.random.Generator
        The bootstrap's random numbers (a seed reproduces them exactly).
    cluster : array-like, optional
        The cluster of each row (a team, when whole teams were randomised to waves), the same
        on all the rows of a unit: the standard errors, analytic and bootstrap, are then
        clustered: the units' influence functions are summed within each cluster, and the
        bootstrap draws one multiplier per cluster. At least two clusters; a SparkusWarning
        below 30, or when a cell's effective number of clusters (its treated and comparison
        units weighted ``1 / n1`` and ``1 / n0``, as :func:`ols` with `clusters`) is below 12:
        a few treated teams among many. By default the standard errors are by unit.
    level : float
        Confidence level of the intervals and bands.

    Returns
    -------
    StaggeredDiD
        ATT(g, t) per group and period, and the simple, group, event-time and calendar
        aggregations, with analytic standard errors from the influence functions and, with
        `bootstrap`, bootstrap standard errors and uniform bands.

    Raises
    ------
    SchemaError
        A unit observed twice (or not at all) in a period, a first treated period outside
        the panel or changing within a unit, covariates that are not finite numbers or with a
        column that never varies, a unit in more than one cluster or fewer than two clusters,
        an unknown `control`, `est_method` or `multipliers`.
    EstimationError
        `y` is constant (every effect and standard error would be 0); no comparison unit
        remains for a group-time cell, or the cell's covariates are collinear or separate its
        group from the comparison group; a cell's group or comparison group is a single
        unit, or its standard error is 0 (each unit of both sides changed alike): an
        influence-function SE then counts none of that side's variance (the cells are named);
        with ``control="never"``, fewer never treated units than the covariates + 5.

    Warns
    -----
    SparkusWarning
        A group (the units first treated in one period, or the never treated) has fewer
        units than the covariates + 5; the warning names the groups and their sizes.

    Notes
    -----
    Base periods are R ``did``'s default (``base_period="varying"``): a cell (g, t) with
    t >= g compares t with g - 1; a pre-treatment cell compares t with t - 1. Without
    covariates the estimate of each cell is the difference between the mean change of group g
    and that of its comparison group; the doubly robust, IPW and regression estimators of R
    all reduce to it. Standard errors match ``did::att_gt(..., bstrap=FALSE)`` and
    ``did::aggte(..., bstrap=FALSE)`` on the ``mpdta`` data to 1e-9, and the ``csdid`` port
    with covariates to 1e-6. Where R sets a cell to NA (a singular design, overlap failing:
    a propensity of 0.999 or more, a standard error of 0), this function raises instead,
    naming the cell; so it does for a cell with a single unit on a side, which R estimates
    with a warning of small groups but whose standard error leaves out that unit's variance.
    Where R's ``pre_process_did`` warns of small groups (fewer units than the covariates + 5),
    this function warns; where it stops (the never treated that small, with
    ``control_group="nevertreated"``), it raises. With few units in a group the standard
    errors are too small: one group among 50 never treated, no effect, was rejected at 5% 35%
    of the time with 2 units, 21% with 3, 14% with 5 and 9% with 8.

    The multiplier bootstrap is R's ``mboot``: each draw averages the influence functions
    times the multipliers; the standard error is the draws' interquartile range over the
    normal's; the uniform critical value is the `level` quantile of the largest
    ``|draw / se|`` over the cells (or over an aggregation's labels), so the band
    ``att +- crit * boot_se`` covers all the cells at once.

    With `cluster`, the analytic standard error of an estimate with unit influence functions
    ``psi`` is ``sqrt(sum_c (sum_{i in c} psi_i)**2) / n``, the CR0 cluster-robust sandwich
    (equal to statsmodels' ``cov_type="cluster"`` without its small-sample correction for a
    cell without covariates); R's ``mboot`` with ``clustervars`` scales cluster means
    instead, which agrees when clusters are of equal size.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import staggered_did
    >>> unit = np.repeat(np.arange(15), 3)
    >>> time = np.tile([1, 2, 3], 15)
    >>> first = np.repeat([2, 3, 0], 15)  # groups of 5 units: R's did warns below 5
    >>> noise = np.tile([0.0, 0.1, -0.1], 15) * np.repeat(np.tile([1, -1, 1, -1, 0], 3), 3)
    >>> y = time * 1.0 + (time >= first) * (first > 0) * 2.0 + unit * 0.1 + noise
    >>> res = staggered_did(y, unit, time, first)
    >>> round(res.simple, 6)
    2.0

    With a covariate that shapes the trends, and the bootstrap's uniform bands:

    >>> rng = np.random.default_rng(0)
    >>> unit = np.repeat(np.arange(300), 3)
    >>> time = np.tile([1, 2, 3], 300)
    >>> first = np.repeat(rng.choice([0, 2, 3], size=300), 3)
    >>> x = np.repeat(rng.normal(size=300), 3)
    >>> y = time * (1 + x) + (time >= first) * (first > 0) * 2.0 + rng.normal(0, 0.1, 900)
    >>> res = staggered_did(y, unit, time, first, covariates=x, bootstrap=999, rng=1)
    >>> round(res.simple, 1)
    2.0
    >>> bool(1.96 < res.crit < 2.8)
    True

    .. versionadded:: 0.1
    """
    control = check_choice(control, "control", _CONTROLS)
    est_method = check_choice(est_method, "est_method", EST_METHODS)
    multipliers = check_choice(multipliers, "multipliers", MULTIPLIERS)
    level = check_level(level)
    draws = 0
    if bootstrap is not None:
        draws = int(check_number(bootstrap, "bootstrap", low=100, high=1_000_000, integer=True))
    generator = check_rng(rng)  # checked even unused: a mistyped `rng` is an error, not ignored
    if covariates is not None:
        y, unit, time, first_treated, covariates = align_rows(
            ("y", y),
            ("unit", unit),
            ("time", time),
            ("first_treated", first_treated),
            ("covariates", covariates),
        )
    if cluster is not None:
        y, unit, time, first_treated, cluster = align_rows(
            ("y", y), ("unit", unit), ("time", time), ("first_treated", first_treated),
            ("cluster", cluster),
        )  # fmt: skip
    ymat, periods, g, where = balanced_panel(y, unit, time, first_treated)
    if constant(ymat):  # every effect and standard error 0: an interval [0, 0] claims certainty
        raise EstimationError("`y` is constant: zero variance, nothing to explain")
    exponent, (ymat,) = common_scale(ymat)  # in units of a power of two, back at the end
    up = functools.partial(unscaled, exponent=exponent, what="an effect or standard error")
    codes, count = unit_clusters(cluster, where, ymat.shape[0])
    summed = _cluster_sums(codes)
    xs = None if covariates is None else covariate_cube(covariates, ymat.shape, where)
    n = ymat.shape[0]
    groups = np.unique(g[g != 0])
    if groups.size == 0:
        raise schema_error("first_treated", "no unit is ever treated; nothing to estimate")
    check_group_sizes(g, control, 0 if xs is None else xs.shape[2])
    cells = group_time_cells(ymat, periods, g, control, xs, est_method)
    if codes is not None:
        g_star = effective_clusters(cluster_weights(g, periods, control, codes, count))
        labels = [f"ATT({a:g}, {b:g})" for a, b in zip(cells.group, cells.period, strict=True)]
        warn_few_clusters(count, dict(zip(labels, g_star.tolist(), strict=True)))
    group, period, att, inf = cells.group, cells.period, cells.att, cells.inf
    se = _ses(summed(inf), n)
    unit_group = np.where(g == 0, -1, np.searchsorted(groups, g))
    pg_group = np.bincount(unit_group + 1, minlength=groups.size + 1)[1:] / n
    parts = Parts(att, inf, pg_group[np.searchsorted(groups, group)], group, groups, unit_group)
    post = group <= period
    simple, simple_func = parts.weighted(post)
    event = period - group
    calendar = periods[periods >= groups.min()]
    aggs = (
        by_group(parts, groups, pg_group, post),
        by_label(parts, event, np.ones_like(post), np.unique(event), "dynamic"),
        by_label(parts, period, post, calendar, "calendar"),
    )
    boot: dict[str, object] = {}
    boot_aggs: list[dict[str, object]] = [{}, {}, {}]
    if draws:
        mats = [inf, simple_func[:, None]]
        for agg in aggs:
            mats += [agg.inf, agg.overall_inf[:, None]]
        edges = np.cumsum([0, *(m.shape[1] for m in mats)])
        blocks = [slice(int(a), int(b)) for a, b in itertools.pairwise(edges)]
        boot_se, crits = multiplier_bootstrap(
            summed(np.column_stack(mats)), blocks, draws, generator, multipliers, level, n=n
        )
        parts_se = [up(boot_se[b]) for b in blocks]
        boot = {"boot_se": parts_se[0], "simple_boot_se": float(parts_se[1][0]), "crit": crits[0]}
        for i in range(3):
            boot_aggs[i] = {
                "boot_se": parts_se[2 + 2 * i],
                "overall_boot_se": float(parts_se[3 + 2 * i][0]),
                "crit": crits[2 + 2 * i],
            }
    results = [
        DiDAggregation(
            agg.kind,
            agg.labels,
            up(agg.att),
            up(_ses(summed(agg.inf), n)),
            float(up(agg.overall)),
            float(up(_se(summed(agg.overall_inf[:, None])[:, 0], n))),
            level,
            bootstrap=draws,
            **extra,  # type: ignore[arg-type]
        )
        for agg, extra in zip(aggs, boot_aggs, strict=True)
    ]
    att_out = up(att)  # an effect beyond the range is refused first
    refuse_unmeasured_se(se, cells)
    return StaggeredDiD(
        group=group,
        period=period,
        att=att_out,
        se=up(se),
        n_treated=cells.n_treated,
        n_control=cells.n_control,
        simple=float(up(simple)),
        simple_se=float(up(_se(summed(simple_func[:, None])[:, 0], n))),
        by_group=results[0],
        by_event=results[1],
        by_period=results[2],
        control=control,
        n_units=n,
        level=level,
        est_method=est_method,
        n_covariates=0 if xs is None else xs.shape[2],
        bootstrap=draws,
        n_clusters=0 if codes is None else count,
        **boot,  # type: ignore[arg-type]
    )
