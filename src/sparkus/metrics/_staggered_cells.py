"""The group-time cells ATT(g, t) of a staggered rollout and their influence functions.

Without covariates each cell is a difference of mean changes; all the cells of a group are
computed at once, as columns of one units x periods array, with no loop over units. With
covariates each cell runs the estimator of :mod:`sparkus.metrics._staggered_dr` on its units.
"""

from __future__ import annotations

from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import BoolArray, FloatArray, IntArray
from sparkus._errors import EstimationError, warn_caller
from sparkus.metrics._staggered_dr import EstMethod, cell_effect

__all__ = [
    "Cells",
    "check_group_sizes",
    "cluster_weights",
    "group_time_cells",
    "refuse_unmeasured_se",
]

_ROUNDING: Final = 256 * float(np.finfo(np.float64).eps)  # an SE of y's rounding, |y| < 1


@attrs.frozen
class Cells:
    """Every cell's group, period, effect, units, and the units x cells influence matrix."""

    group: FloatArray
    period: FloatArray
    att: FloatArray
    inf: FloatArray
    n_treated: npt.NDArray[np.int64]
    n_control: npt.NDArray[np.int64]


def _no_comparison(gv: float, tv: float, control: str, last: float) -> EstimationError:
    if control == "never":
        advice = "use control='not_yet' or add never treated units"
    else:
        advice = (
            f"every unit is treated by then and none is never treated: keep only the periods "
            f"before {last:g}, the last group's first (its units are then the comparison, as "
            "R's did package does), or add never treated units"
        )
    msg = (
        f"no comparison units remain for the group-time cell (g={gv:g}, t={tv:g}) "
        f"with control={control!r}; {advice}"
    )
    return EstimationError(msg)


def _bases(periods: FloatArray, gv: float) -> IntArray:
    """Each cell's base period index: t - 1 before the start, g - 1 from the start on."""
    later = periods[1:]
    start = int(np.searchsorted(periods, gv))
    return np.asarray(np.where(later < gv, np.arange(later.shape[0]), start - 1), dtype=np.int64)


def _never_plain(ymat: FloatArray, periods: FloatArray, g: FloatArray, groups: FloatArray) -> Cells:
    """The cells without covariates against the never treated, all at once.

    Every cell's change is a difference of two periods, so all the changes are one product
    ``ymat @ D`` with a periods x cells matrix of +1 and -1; the never treated are the
    comparison rows of every cell, a group's units the treated rows of its own cells only.
    """
    n, k = ymat.shape
    steps = k - 1
    diff = np.zeros((k, groups.size * steps))
    for j, gv in enumerate(groups):
        index = np.arange(j * steps, (j + 1) * steps)
        diff[np.arange(1, k), index] = 1.0
        diff[_bases(periods, float(gv)), index] -= 1.0
    dy = ymat @ diff
    never = g == 0
    n0 = int(never.sum())
    inf = np.zeros_like(dy)
    mu0 = dy[never].mean(axis=0)
    inf[never] = (dy[never] - mu0) * (-n / n0)
    att = -mu0
    n1s = np.empty(groups.size * steps, dtype=np.int64)
    for j, gv in enumerate(groups):
        cols = slice(j * steps, (j + 1) * steps)
        rows = np.flatnonzero(g == gv)
        block = dy[rows, cols]
        mu1 = block.mean(axis=0)
        inf[rows, cols] = (block - mu1) * (n / rows.shape[0])
        att[cols] += mu1
        n1s[cols] = rows.shape[0]
    n0s = np.full(groups.size * steps, n0, dtype=np.int64)
    later = periods[1:]
    return Cells(
        np.repeat(groups, steps).astype(float), np.tile(later, groups.size), att, inf, n1s, n0s
    )


def _comparison(g: FloatArray, gv: float, later: FloatArray, control: str) -> BoolArray:
    """The comparison units of group `gv`'s cells (units x periods after the first)."""
    out: BoolArray
    if control == "never":
        out = np.broadcast_to((g == 0)[:, None], (g.shape[0], later.shape[0]))
    else:  # R did: never treated, or first treated after t (not g itself)
        out = (g == 0)[:, None] | ((g[:, None] > later[None, :]) & (g != gv)[:, None])
    return out


def cluster_weights(
    g: FloatArray, periods: FloatArray, control: str, codes: IntArray, count: int
) -> FloatArray:
    """Each cluster's (rows) sum of its units' squared weights in each cell (columns).

    A cell is a difference of means: its treated units weigh ``1 / n1``, its comparison units
    ``1 / n0``; the cells are in :func:`group_time_cells`' order. For
    :func:`sparkus.metrics._few_clusters.effective_clusters`.
    """
    later = periods[1:]
    out = []
    for gv in np.unique(g[g != 0]):
        treated = g == gv
        mine = np.bincount(codes[treated], minlength=count) / float(treated.sum()) ** 2
        comp = _comparison(g, float(gv), later, control)
        for i in range(later.shape[0]):
            theirs = np.bincount(codes[comp[:, i]], minlength=count)
            out.append(mine + theirs / max(float(theirs.sum()), 1.0) ** 2)
    return np.column_stack(out)


def check_group_sizes(g: FloatArray, control: str, n_covariates: int) -> None:
    """R ``did``'s rule of small groups: warn of each, refuse a small never treated comparison.

    A group (the units first treated in one period, or the never treated) of fewer than
    ``n_covariates + 5`` units gets a SparkusWarning naming it and its size, as
    ``did::pre_process_did`` warns; the never treated that small with ``control="never"`` is an
    EstimationError, as R stops. Influence-function standard errors are too small with so few
    units in a group: one group among 50 never treated, no effect, was rejected at 5% 35% of
    the time with 2 units, 21% with 3, 14% with 5 and 9% with 8 (the simple ATT, 2,000
    panels each; docs/api/metrics.md).
    """
    required = n_covariates + 5
    values, sizes = np.unique(g, return_counts=True)
    small = sizes < required
    if not small.any():
        return
    never = values == 0
    if control == "never" and np.any(small & never):
        raise EstimationError(
            f"the never treated comparison group has {int(sizes[never][0])} units, fewer than "
            f"the {required} (covariates + 5) below which R's did stops: use "
            "control='not_yet' to compare each group with the not yet treated too, or add "
            "never treated units"
        )
    names = ", ".join(
        f"{'never treated' if v == 0 else f'first treated in {v:g}'} ({c} units)"
        for v, c in zip(values[small], sizes[small], strict=True)
    )
    warn_caller(
        f"small groups: {names}; R's did warns below {required} units (covariates + 5): "
        "the standard errors are too small with so few units in a group (one group of 3 "
        "among 50 never treated, no effect: rejected 21% of the time at 5%); add units to "
        "those groups, or merge or drop them"
    )


def refuse_unmeasured_se(se: FloatArray, cells: Cells) -> None:
    """EstimationError naming the cells whose standard error leaves out a side's variance.

    A side of one unit (the group or its comparison group) has an influence of 0 whatever its
    change, as a row of leverage 1 in least squares: the SE counts none of its variance, at
    least half of the cell's (a single treated unit among 50 never treated, no effect:
    rejected 78% of the time at 5%). R's ``did`` warns of groups under 5 units. And an SE of
    0 up to rounding (`se` is in units where the largest ``|y|`` is below 1): every unit on
    each side changed alike; R's ``did`` reports NA (``se <= sqrt(eps) * 10``), csdid NaN.
    """
    single = (cells.n_treated == 1) | (cells.n_control == 1)
    zero = se <= _ROUNDING
    bad = single | zero
    if not bad.any():
        return
    names = ", ".join(
        f"({g:g}, {t:g})" for g, t in zip(cells.group[bad], cells.period[bad], strict=True)
    )
    if single.any():
        why = (
            "the group or its comparison group is a single unit, whose change is its side's "
            "mean, so the standard error leaves out that side's variance (a single treated "
            "unit among 50 never treated, no effect: rejected 78% of the time at 5%). Add "
            "units to that group, or drop it"
        )
    else:
        why = (
            "every unit of the group and every unit of its comparison group changed alike "
            "between the cell's two periods (an outcome without noise), so an interval would "
            "claim certainty; R's did reports NA there. Add units to those groups"
        )
    raise EstimationError(
        f"the standard error of ATT(g, t) is unmeasured for the cells {names}: {why}"
    )


def group_time_cells(
    ymat: FloatArray,
    periods: FloatArray,
    g: FloatArray,
    control: str,
    xs: FloatArray | None,
    est_method: EstMethod,
) -> Cells:
    """All cells (g, t), t from the second period on, in the order of R ``did``."""
    n, k = ymat.shape
    groups = np.unique(g[g != 0])
    later = periods[1:]
    steps = k - 1
    if xs is None and control == "never" and np.any(g == 0):
        return _never_plain(ymat, periods, g, groups)
    inf = np.zeros((n, groups.size * steps))
    att = np.empty(groups.size * steps)
    n1s = np.empty(groups.size * steps, dtype=np.int64)
    n0s = np.empty(groups.size * steps, dtype=np.int64)
    for j, gv in enumerate(groups):
        treated = g == gv
        bases = _bases(periods, float(gv))
        comp = _comparison(g, float(gv), later, control)
        n1 = int(treated.sum())
        n0 = comp.sum(axis=0)
        if np.any(n0 == 0):
            at = float(later[int(np.argmin(n0))])
            raise _no_comparison(float(gv), at, control, float(groups[-1]))
        cols = slice(j * steps, (j + 1) * steps)
        n1s[cols], n0s[cols] = n1, n0
        rows = np.flatnonzero(treated | comp.any(axis=1))  # the others weigh nothing
        sub = ymat[rows]
        dy = sub[:, 1:] - sub[:, bases]
        mine, theirs = treated[rows], comp[rows]
        if xs is None and control == "never":  # one comparison group for all the cells
            tr, co = rows[mine], rows[~mine]
            mu1, mu0 = dy[mine].mean(axis=0), dy[~mine].mean(axis=0)
            inf[tr, cols] = (dy[mine] - mu1) * (n / n1)
            inf[co, cols] = (dy[~mine] - mu0) * (-n / n0)
            att[cols] = mu1 - mu0
            continue
        if xs is None:
            mu1 = dy[mine].mean(axis=0)
            mu0 = (theirs * dy).sum(axis=0) / n0
            scale = np.where(mine[:, None], n / n1, np.where(theirs, -n / n0, 0.0))
            inf[rows, cols] = (dy - np.where(mine[:, None], mu1, mu0)) * scale
            att[cols] = mu1 - mu0
            continue
        for i in range(steps):
            cell = mine | theirs[:, i]
            name = f"(g={gv:g}, t={later[i]:g})"
            value, part = cell_effect(
                dy[cell, i], mine[cell], xs[rows[cell], bases[i]], est_method, name
            )
            inf[rows[cell], j * steps + i] = n / (n1 + int(n0[i])) * part
            att[j * steps + i] = value
    return Cells(
        np.repeat(groups, steps).astype(float), np.tile(later, groups.size), att, inf, n1s, n0s
    )
