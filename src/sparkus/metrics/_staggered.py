"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) group-time effects.

When waves of a rollout start at different times, the two-way fixed-effects regression compares
late starters with early starters already treated and is biased when effects change over time.
Callaway & Sant'Anna estimate one effect per group (the people who started in the same period)
and period, each against a clean comparison group (the never treated, or those not yet
treated), and aggregate those cells by the group, the time since the start, or the calendar
period. Standard errors come from the cells' influence functions, as in R's ``did`` package.
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    FloatArray,
    align_rows,
    as_array,
    check_choice,
    check_level,
    real_array,
    same_length,
    schema_error,
    vector,
)
from sparkus._errors import EstimationError
from sparkus._results import Result, Table, format_number

__all__ = ["DiDAggregation", "StaggeredDiD", "staggered_did"]

Control: TypeAlias = Literal["never", "not_yet"]
_CONTROLS: Final[tuple[Control, ...]] = ("never", "not_yet")
_KINDS: Final[dict[str, str]] = {
    "group": "By group (first treated period)",
    "dynamic": "By event time (periods since the start)",
    "calendar": "By calendar period",
}


def _z(level: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + level / 2.0))


def _ci_rows(
    labels: FloatArray, att: FloatArray, se: FloatArray, z: float
) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            f"{float(label):g}",
            format_number(float(a)),
            format_number(float(s)),
            format_number(float(a - z * s)),
            format_number(float(a + z * s)),
        )
        for label, a, s in zip(labels, att, se, strict=True)
    )


@attrs.frozen(repr=False, eq=False)
class DiDAggregation(Result):
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

    Notes
    -----
    The weights and standard errors follow R's ``did::aggte`` (Callaway & Sant'Anna 2021,
    section 3), including the estimation error of the group-share weights.

    .. versionadded:: 0.1
    """

    kind: str
    labels: FloatArray
    att: FloatArray
    se: FloatArray
    overall: float
    overall_se: float
    level: float

    def _headline(self) -> str:
        return f"kind={self.kind}, overall={self.overall:.4g}, se={self.overall_se:.4g}"

    def _tables(self) -> list[Table]:
        z = _z(self.level)
        pct = f"{self.level:.0%}"
        headers = (self.kind, "ATT", "SE", f"{pct} low", f"{pct} high")
        overall = np.array([self.overall]), np.array([self.overall_se])
        overall_row = _ci_rows(np.array([np.nan]), *overall, z)[0]
        return [
            Table(_KINDS[self.kind], headers, _ci_rows(self.labels, self.att, self.se, z)),
            Table("Overall", headers, (("overall", *overall_row[1:]),)),
        ]


@attrs.frozen(repr=False, eq=False)
class StaggeredDiD(Result):
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

    def _headline(self) -> str:
        return f"n_units={self.n_units}, simple={self.simple:.4g}, se={self.simple_se:.4g}"

    def _tables(self) -> list[Table]:
        z = _z(self.level)
        pct = f"{self.level:.0%}"
        rows = tuple(
            (
                f"{float(g):g}",
                f"{float(t):g}",
                format_number(float(a)),
                format_number(float(s)),
                format_number(float(a - z * s)),
                format_number(float(a + z * s)),
            )
            for g, t, a, s in zip(self.group, self.period, self.att, self.se, strict=True)
        )
        cells = Table(
            "Group-time effects ATT(g, t)",
            ("group", "period", "ATT", "SE", f"{pct} low", f"{pct} high"),
            rows,
            note=f"Comparison group: {self.control.replace('_', ' ')} treated; "
            f"{self.n_units:,} units.",
        )
        simple = Table(
            "Simple average of post-treatment effects",
            ("", "ATT", "SE", f"{pct} low", f"{pct} high"),
            (
                (
                    "simple",
                    format_number(self.simple),
                    format_number(self.simple_se),
                    format_number(self.simple - z * self.simple_se),
                    format_number(self.simple + z * self.simple_se),
                ),
            ),
        )
        return [cells, simple] + [
            t for agg in (self.by_group, self.by_event, self.by_period) for t in agg._tables()
        ]


def _panel(
    y: object, unit: object, time: object, first_treated: object
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The outcome as a units x periods matrix, the periods and each unit's first treated period."""
    y, unit, time, first_treated = align_rows(
        ("y", y), ("unit", unit), ("time", time), ("first_treated", first_treated)
    )
    y_ = vector(y, "y")
    unit_ = as_array(unit, "unit")
    time_ = vector(time, "time")
    first = real_array(first_treated, "first_treated")
    if unit_.ndim != 1:
        raise schema_error("unit", f"expected a 1-D sequence of labels, got shape {unit_.shape}")
    if first.ndim != 1:
        raise schema_error("first_treated", f"expected a 1-D sequence, got shape {first.shape}")
    same_length(("y", y_.shape[0]), ("unit", unit_.shape[0]), ("time", time_.shape[0]))
    same_length(("y", y_.shape[0]), ("first_treated", first.shape[0]))
    first = np.where(np.isnan(first), 0.0, first)
    units, u = np.unique(unit_, return_inverse=True)
    periods, t = np.unique(time_, return_inverse=True)
    n, k = units.shape[0], periods.shape[0]
    if k < 2:
        raise schema_error("time", f"the panel has {k} period; at least 2 are needed")
    counts = np.bincount(u * k + t, minlength=n * k).reshape(n, k)
    twice = np.argwhere(counts > 1)
    if twice.size:
        i, j = twice[0]
        msg = (
            f"unit {units[i]} is observed {counts[i, j]} times in period {periods[j]:g} "
            f"({twice.shape[0]:,} unit-periods repeat); pass one row per unit and period"
        )
        raise schema_error("unit", msg)
    missing = np.argwhere(counts == 0)
    if missing.size:
        i, j = missing[0]
        msg = (
            f"unit {units[i]} is not observed in period {periods[j]:g} ({missing.shape[0]:,} "
            "unit-periods missing); the panel must be balanced"
        )
        raise schema_error("unit", msg)
    g = np.full(n, np.nan)
    g[u] = first
    if not np.array_equal(g[u], first):
        bad = int(np.flatnonzero(g[u] != first)[0])
        msg = f"unit {unit_[bad]} has more than one first treated period; give each unit one"
        raise schema_error("first_treated", msg)
    outside = (g != 0) & ~np.isin(g, periods[1:])
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        msg = (
            f"unit {units[i]} is first treated in {g[i]:g}, outside the panel's periods "
            f"after the first ({periods[1]:g} to {periods[-1]:g}); use 0 or NaN for never "
            "treated"
        )
        raise schema_error("first_treated", msg)
    matrix = np.empty((n, k))
    matrix[u, t] = y_
    return matrix, periods.astype(float), g


def _wif(keep_groups: FloatArray, pg: FloatArray, g: FloatArray) -> FloatArray:
    """The influence function of the group-share weights pg/sum(pg) (R's ``did:::wif``)."""
    share = (g[:, None] == keep_groups[None, :]).astype(float) - pg[None, :]
    total = float(pg.sum())
    out = share / total - share.sum(axis=1, keepdims=True) * (pg / total**2)[None, :]
    return np.asarray(out, dtype=float)


def _aggregate(
    att: FloatArray,
    inf: FloatArray,
    weights: FloatArray,
    wif: FloatArray | None,
) -> tuple[float, FloatArray]:
    value = float(att @ weights)
    func = inf @ weights
    if wif is not None:
        func = func + wif @ att
    return value, func


def _se(func: FloatArray) -> float:
    n = func.shape[0]
    return float(np.sqrt(np.mean(func**2) / n))


def staggered_did(
    y: object,
    unit: object,
    time: object,
    first_treated: object,
    *,
    control: Control = "never",
    covariates: object = None,
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
    covariates : None
        Conditional parallel trends (the doubly robust estimator) are not built yet; anything
        but None is refused.
    level : float
        Confidence level of the intervals in the summary.

    Returns
    -------
    StaggeredDiD
        ATT(g, t) per group and period, and the simple, group, event-time and calendar
        aggregations, with analytic standard errors from the influence functions.

    Raises
    ------
    SchemaError
        A unit observed twice (or not at all) in a period, a first treated period outside
        the panel or changing within a unit, covariates given, an unknown `control`.
    EstimationError
        No comparison unit remains for a group-time cell (named).

    Notes
    -----
    Base periods are R ``did``'s default (``base_period="varying"``): a cell (g, t) with
    t >= g compares t with g - 1; a pre-treatment cell compares t with t - 1. Without
    covariates the estimate of each cell is the difference between the mean change of group g
    and that of its comparison group; the doubly robust, IPW and regression estimators of R
    all reduce to it. Standard errors match ``did::att_gt(..., bstrap=FALSE)`` and
    ``did::aggte(..., bstrap=FALSE)`` on the ``mpdta`` data to 1e-9. Not clustered beyond
    the unit; no multiplier bootstrap or uniform bands yet.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import staggered_did
    >>> unit = np.repeat(np.arange(6), 3)
    >>> time = np.tile([1, 2, 3], 6)
    >>> first = np.repeat([2, 2, 3, 3, 0, 0], 3)
    >>> y = time * 1.0 + (time >= first) * (first > 0) * 2.0 + unit * 0.1
    >>> res = staggered_did(y, unit, time, first)
    >>> round(res.simple, 6)
    2.0

    .. versionadded:: 0.1
    """
    control = check_choice(control, "control", _CONTROLS)
    level = check_level(level)
    if covariates is not None:
        msg = (
            "conditional parallel trends (covariates with the doubly robust estimator) are "
            "not implemented yet; pass covariates=None"
        )
        raise schema_error("covariates", msg)
    ymat, periods, g = _panel(y, unit, time, first_treated)
    n = ymat.shape[0]
    groups = np.unique(g[g != 0])
    if groups.size == 0:
        raise schema_error("first_treated", "no unit is ever treated; nothing to estimate")
    index = {float(p): i for i, p in enumerate(periods)}
    cell_g: list[float] = []
    cell_t: list[float] = []
    atts: list[float] = []
    n1s: list[int] = []
    n0s: list[int] = []
    funcs: list[FloatArray] = []
    for gv in groups:
        treated = g == gv
        for ti in range(1, periods.shape[0]):
            tv = periods[ti]
            base = ti - 1 if tv < gv else index[float(gv)] - 1
            # R did: not yet treated = never treated, or first treated after t (not g itself)
            comp = (g == 0) if control == "never" else (g == 0) | ((g > tv) & (g != gv))
            n1, n0 = int(treated.sum()), int(comp.sum())
            if n0 == 0:
                msg = (
                    f"no comparison units remain for the group-time cell (g={gv:g}, t={tv:g}) "
                    f"with control={control!r}; use control='not_yet' or add never treated units"
                )
                raise EstimationError(msg)
            dy = ymat[:, ti] - ymat[:, base]
            mu1, mu0 = dy[treated].mean(), dy[comp].mean()
            func = np.zeros(n)
            func[treated] = n / n1 * (dy[treated] - mu1)
            func[comp] = -n / n0 * (dy[comp] - mu0)
            cell_g.append(float(gv))
            cell_t.append(float(tv))
            atts.append(float(mu1 - mu0))
            n1s.append(n1)
            n0s.append(n0)
            funcs.append(func)
    group, period = np.array(cell_g), np.array(cell_t)
    att, inf = np.array(atts), np.column_stack(funcs)
    se = np.sqrt(np.sum(inf**2, axis=0)) / n
    pg_group = np.array([np.mean(g == gv) for gv in groups])
    parts = _Parts(att, inf, pg_group[np.searchsorted(groups, group)], group, g)
    post = group <= period
    simple, simple_func = parts.weighted(post)
    by_group = _by_group(parts, groups, pg_group, post, level)
    event = period - group
    by_event = _by_label(parts, event, np.ones_like(post), np.unique(event), "dynamic", level)
    calendar = periods[periods >= groups.min()]
    by_period = _by_label(parts, period, post, calendar, "calendar", level)
    return StaggeredDiD(
        group=group,
        period=period,
        att=att,
        se=se,
        n_treated=np.array(n1s, dtype=np.int64),
        n_control=np.array(n0s, dtype=np.int64),
        simple=simple,
        simple_se=_se(simple_func),
        by_group=by_group,
        by_event=by_event,
        by_period=by_period,
        control=control,
        n_units=n,
        level=level,
    )


def _ses(inf: FloatArray) -> FloatArray:
    n = inf.shape[0]
    return np.asarray(np.sqrt(np.mean(inf**2, axis=0) / n), dtype=float)


@attrs.frozen
class _Parts:
    """The cells' effects, influence functions and group shares, to aggregate."""

    att: FloatArray
    inf: FloatArray
    pg: FloatArray
    group: FloatArray
    g: FloatArray

    def weighted(self, keep: npt.NDArray[np.bool_]) -> tuple[float, FloatArray]:
        """The group-share weighted mean of the kept cells, with the weights' estimation error."""
        w = self.pg[keep] / self.pg[keep].sum()
        wif = _wif(self.group[keep], self.pg[keep], self.g)
        return _aggregate(self.att[keep], self.inf[:, keep], w, wif)


def _by_group(
    parts: _Parts,
    groups: FloatArray,
    pg_group: FloatArray,
    post: npt.NDArray[np.bool_],
    level: float,
) -> DiDAggregation:
    """Each group's mean post-treatment effect; overall, their group-share weighted mean."""
    atts, funcs = [], []
    for gv in groups:
        keep = (parts.group == gv) & post
        k = int(keep.sum())
        value, func = _aggregate(parts.att[keep], parts.inf[:, keep], np.full(k, 1 / k), None)
        atts.append(value)
        funcs.append(func)
    att, inf = np.array(atts), np.column_stack(funcs)
    overall, func = _aggregate(att, inf, pg_group / pg_group.sum(), _wif(groups, pg_group, parts.g))
    return DiDAggregation("group", groups, att, _ses(inf), overall, _se(func), level)


def _by_label(
    parts: _Parts,
    label: FloatArray,
    eligible: npt.NDArray[np.bool_],
    values: FloatArray,
    kind: str,
    level: float,
) -> DiDAggregation:
    """Cells sharing a label (event time or calendar period), weighted by group share.

    The overall is the plain mean over the labels (event times from 0 on), as R's ``aggte``.
    """
    atts, funcs = [], []
    for v in values:
        value, func = parts.weighted((label == v) & eligible)
        atts.append(value)
        funcs.append(func)
    att, inf = np.array(atts), np.column_stack(funcs)
    mask = values >= 0 if kind == "dynamic" else np.ones(values.shape[0], dtype=bool)
    k = int(mask.sum())
    overall, func = _aggregate(att[mask], inf[:, mask], np.full(k, 1 / k), None)
    return DiDAggregation(kind, values.astype(float), att, _ses(inf), overall, _se(func), level)
