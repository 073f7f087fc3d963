"""Least squares with classical, heteroskedasticity-robust and cluster-robust covariances.

The design is given as parts (a column of ones, 1-D columns, 2-D blocks of columns) and is never
assembled whole: rows are copied, a block of 8,192 at a time, into one reused buffer, so a fit
on a million rows allocates no temporary the size of the design.

The fit works on the shifted and scaled design. First every column and the outcome are divided by a
power of two that puts their values below 1 (an exact division, undone on the coefficients and
covariances at the end), so that no cross product of values near 1e308 overflows and none of
subnormal values underflows; a coefficient that does not fit a double after all is refused, naming
its column. With an intercept, every other column and the outcome are shifted by their means over
the first block, so that raw columns with large means do not add to the condition number; the
shift is a reparametrisation that moves only the intercept, so the coefficients and covariances
are mapped back exactly (the covariances through the triangular factor's inverse, not the inverse
cross products, whose intercept term would cancel digits).

The cross products of the shifted design, each column scaled to unit length, are factored by
Cholesky, column by column, which doubles as the rank check: the pivot of column ``j`` is
``1 - R²`` of its regression on the columns before it, so a pivot below ``1e-10`` names a column
that the others (which are named too) reproduce
(:func:`sparkus._linalg_core.checked_cholesky`, shared with triage). The cross products carry
the square of the design's condition number, so when a pivot is below ``1e-4`` (columns that
follow each other closely, age and tenure say) a second pass takes the rows in the coordinates
of that factor and factors them again (:func:`sparkus._linalg_core.refined_factor`): the
coefficients and covariances then carry the condition number, not its square (at 3e4, 11
digits instead of 6).

Standard errors need residual variance. An exact fit is refused, and so, for the robust kinds,
is a coefficient that only rows of leverage 1 determine (a row alone in its cell, or singled out
by a regressor): their residuals are 0 whatever their values, so its robust variance is 0 up to
rounding. Every variance is checked before its square root is taken.

Cluster sums of the scores use one ``numpy.bincount`` per block over (cluster, column) pairs: no
Python loop over rows or clusters. Conventions follow statsmodels' ``OLS(...).fit(cov_type=...)``
defaults: HC1 scales HC0 by ``n / (n - k)``; HC2 and HC3 weight squared residuals by
``1 / (1 - h)`` and ``1 / (1 - h)²``; CR1 scales the clustered meat by
``G / (G - 1) · (n - 1) / (n - k)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Final, Literal, TypeAlias

import attrs
import numpy as np

from sparkus._checks import BoolArray, FloatArray, IntArray, rows_text
from sparkus._errors import EstimationError, warn_caller
from sparkus._linalg_core import REFINE_BELOW, checked_cholesky, refined_factor, unit_exponents
from sparkus.metrics._few_clusters import effective_clusters, warn_few_clusters
from sparkus.metrics._stable import FLOAT_RANGE, common_scale

__all__ = [
    "COV_TYPES",
    "CovType",
    "LinearFit",
    "Part",
    "checked_cholesky",
    "column_exponents",
    "fit_ols",
    "width",
]

CovType: TypeAlias = Literal["nonrobust", "HC0", "HC1", "HC2", "HC3", "CR1"]
Part: TypeAlias = FloatArray | BoolArray | None
"""A part of a design: None for a column of ones, a 1-D column, or a 2-D block of columns."""
COV_TYPES: Final[tuple[CovType, ...]] = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "CR1")

_BLOCK: Final = 1 << 13
_LEVERAGE_TOLERANCE: Final = 1e-10
_EXACT_WARN: Final = 0.1  # rows fitted exactly behind this share of a coefficient: warned of
_EXACT_REFUSE: Final = 0.5  # and behind this share: its robust standard error is refused
_PERFECT_FIT: Final = 1e-24
_DEGENERATE_VARIANCE: Final = 1e-20


@attrs.frozen(eq=False)
class LinearFit:
    """What a least-squares fit learned (internal; public results are built from it)."""

    params: FloatArray
    se: FloatArray
    cov_params: FloatArray
    n: int
    df_resid: int
    df_inference: int
    n_clusters: int | None
    ssr: float  # the sums of squares in the units of the scaled outcome (their ratio is R²)
    tss: float


def width(parts: Sequence[Part]) -> int:
    """The number of columns of a design given in parts."""
    return sum(1 if part is None or part.ndim == 1 else part.shape[1] for part in parts)


def column_exponents(parts: Sequence[Part]) -> IntArray:
    """Each column's binary exponent: dividing by ``2**e`` puts its values below 1 (exactly).

    0 for the column of ones, for 0/1 columns and for all-zero columns. The fit works on the
    columns so divided, so that no cross product of values near 1e308 overflows and none of
    subnormal values underflows; coefficients and covariances are multiplied back at the end.
    """
    out: list[int] = []
    for part in parts:
        if part is None or part.dtype == np.bool_:
            out.extend([0] * (1 if part is None or part.ndim == 1 else part.shape[1]))
            continue
        out.extend(
            unit_exponents(np.asarray(part, dtype=np.float64).reshape(len(part), -1)).tolist()
        )
    return np.array(out, dtype=np.intp)


def _fill(
    parts: Sequence[Part], start: int, out: FloatArray, exponents: IntArray | None = None
) -> None:
    """Copy rows ``start : start + len(out)`` of the design into `out`.

    Each column is divided by ``2**exponents[j]`` when `exponents` are given.
    """
    stop = start + out.shape[0]
    j = 0
    for part in parts:
        if part is None:
            out[:, j] = 1.0
            j += 1
        elif part.ndim == 1:
            out[:, j] = part[start:stop]
            j += 1
        else:
            out[:, j : j + part.shape[1]] = part[start:stop]
            j += part.shape[1]
    if exponents is not None and exponents.any():
        np.ldexp(out, -exponents, out=out)


def _row_blocks(
    parts: Sequence[Part],
    n: int,
    shift: FloatArray,
    exponents: IntArray | None = None,
    step: int = _BLOCK,
) -> Iterator[tuple[int, FloatArray]]:
    """``(start, rows - shift)`` for consecutive blocks of rows, in one reused buffer."""
    buffer = np.empty((min(step, n), len(shift)))
    for start in range(0, n, step):
        block = buffer[: min(step, n - start)]
        _fill(parts, start, block, exponents)
        block -= shift
        yield start, block


def fit_ols(
    parts: Sequence[Part],
    y: FloatArray,
    names: Sequence[str],
    *,
    intercept: int | None,
    cov: CovType,
    clusters: tuple[IntArray, int] | None = None,
    report: int | None = None,
) -> LinearFit:
    """Least squares of `y` on the design made of `parts`, with covariance `cov`.

    The parts must be finite and as long as `y`; `intercept` is the index of the column of ones,
    if any. For ``"CR1"`` `clusters` holds the cluster code of each row and the number of
    clusters. By default every coefficient and covariance must fit a double; with `report`,
    only that coefficient and its standard error (an estimator that reports one term: the
    other terms' variances, squares in the data's units, may then be ±inf or 0).
    """
    from scipy import linalg

    n, k = len(y), width(parts)
    if n <= k:
        msg = f"{n} rows cannot fit {k} coefficients; at least {k + 1} rows are needed"
        raise EstimationError(msg)
    # every column and the outcome below 1 in magnitude, by exact powers of two
    exponents = column_exponents(parts)
    y_exponent, (y,) = common_scale(y)
    shift = np.zeros(k)
    y_shift = 0.0
    if intercept is not None:
        # Any shift makes an exact reparametrisation; the means of the first block are close
        # enough to the column means to take their size out of the cross products.
        first = np.empty((min(_BLOCK, n), k))
        _fill(parts, 0, first, exponents)
        shift = first.mean(axis=0)
        shift[intercept] = 0.0
        y_shift = float(np.mean(y[: len(first)]))
    gram = np.zeros((k, k))
    xty = np.zeros(k)
    for start, block in _row_blocks(parts, n, shift, exponents):
        gram += block.T @ block
        xty += block.T @ (y[start : start + len(block)] - y_shift)
    length = np.sqrt(np.diag(gram))
    scale = np.where(length > 0, length, 1.0)
    lower = checked_cholesky(gram / np.outer(scale, scale), length, shift, intercept, names)
    upper = lower.T * scale  # upper.T @ upper is the cross products
    qty = linalg.solve_triangular(upper, xty, trans="T")
    if float(np.min(np.diag(lower))) ** 2 < REFINE_BELOW:  # columns that follow each other
        upper, qty = refined_factor(
            ((block, y[start : start + len(block)] - y_shift)
             for start, block in _row_blocks(parts, n, shift, exponents)),
            upper,
        )  # fmt: skip

    root = linalg.solve_triangular(upper, np.eye(k))  # root @ root.T is (X̃'X̃)⁻¹
    beta_s = linalg.solve_triangular(upper, qty)  # not through the inverse: its digits
    back = np.eye(k)  # maps coefficients of the shifted design to the original ones
    params = beta_s.copy()
    if intercept is not None:
        back[intercept] -= shift
        params[intercept] += y_shift - shift @ beta_s
    # The covariances map back through the root: back @ inverse @ back.T would cancel the
    # intercept's variance at the square of the digits a large shift takes
    mapped = back @ root

    codes = None if clusters is None else clusters[0]
    # the coefficients whose standard errors are checked: all, or the one reported (an estimator
    # is not refused over a coefficient it does not report, such as the baseline's)
    kept = list(range(k)) if report is None else [report]
    checked = [names[j] for j in kept]
    weights = mapped.T[:, kept]  # maps a row's root' x̃ to its weight in each coefficient
    resid, meat, exact, cluster_leverage, cluster_weight = _residuals_and_meat(parts, y, shift,
        y_shift, beta_s, root, cov, codes, exponents, weights)  # fmt: skip
    ssr = float(resid @ resid)
    about = y - y_shift  # the mean of values close together (1e12 + noise) rounds at their size
    tss = float(np.sum((about - np.mean(about)) ** 2)) if intercept is not None else float(y @ y)
    if ssr <= _PERFECT_FIT * tss:
        msg = (
            "the regressors fit `y` exactly (every residual is 0): no residual variance to "
            f"estimate a standard error from; with {n} rows for {k} coefficients, more rows "
            "are needed"
        )
        raise EstimationError(msg)
    total = np.sum(mapped * mapped, axis=1)[kept]  # each one's Σ of squared row weights
    warned = False
    if exact is not None:
        warned = _check_exact_rows(exact, weights, total, cov, checked)
    if codes is not None:
        exact_clusters = _exact_clusters(parts, shift, exponents, codes, cluster_leverage, root)
        warned |= _check_exact_clusters(exact_clusters, weights, total,
                                        checked, warn=not warned)  # fmt: skip
        g_star = effective_clusters(cluster_weight).tolist()
        labels = [f"`{name}`" for name in checked]
        warn_few_clusters(len(cluster_weight),
                          {} if warned else dict(zip(labels, g_star, strict=True)))  # fmt: skip

    df_resid = n - k
    df_inference = df_resid
    n_clusters: int | None = None
    if cov == "nonrobust":
        cov_params = (mapped @ mapped.T) * (ssr / df_resid)
    else:
        if cov == "HC1":
            meat *= n / df_resid
        elif cov == "CR1" and clusters is not None:
            n_clusters = clusters[1]
            meat *= (n_clusters / (n_clusters - 1)) * ((n - 1) / df_resid)
            df_inference = n_clusters - 1
        cov_params = mapped @ meat @ mapped.T
    cov_params = (cov_params + cov_params.T) / 2.0
    _check_variances(np.diag(cov_params)[kept], total * (ssr / df_resid), cov, checked)
    # back to the units of the data: β = β' 2**(ey - e_j), cov = cov' 2**(2 ey - e_j - e_k)
    power = y_exponent - exponents
    with np.errstate(over="ignore", invalid="ignore"):  # an unreported variance may be < 0
        se = np.ldexp(np.sqrt(np.diag(cov_params)), power)  # not the root of a subnormal
        params = np.ldexp(params, power)
        cov_params = np.ldexp(cov_params, power[:, np.newaxis] + power[np.newaxis, :])
    if report is None:
        _representable_fit(params, cov_params, names)
    else:
        _representable_term(params, se, names, report)
    return LinearFit(
        params=params,
        se=se,
        cov_params=cov_params,
        n=n,
        df_resid=df_resid,
        df_inference=df_inference,
        n_clusters=n_clusters,
        ssr=ssr,
        tss=tss,
    )


def _representable_fit(params: FloatArray, cov_params: FloatArray, names: Sequence[str]) -> None:
    """EstimationError naming the first coefficient whose value or variance leaves the range.

    A variance that underflows to 0 leaves it as surely as one that overflows: its standard
    error would read 0 and its t statistic NaN.
    """
    variances = np.diag(cov_params)
    bad = ~np.isfinite(params) | ~np.isfinite(variances) | ~(variances > 0)
    what = ""
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        what = f"the coefficient of `{names[j]}` or its variance"
    elif not np.isfinite(cov_params).all():
        j, k = (int(i) for i in np.argwhere(~np.isfinite(cov_params))[0])
        what = f"the covariance of the coefficients of `{names[j]}` and `{names[k]}`"
    if what:
        msg = (
            f"{what} is outside the range of double precision: {FLOAT_RANGE}; rescale that "
            "column or the outcome"
        )
        raise EstimationError(msg)


def _representable_term(params: FloatArray, se: FloatArray, names: Sequence[str], j: int) -> None:
    """EstimationError if coefficient `j` or its standard error leaves the range of a double."""
    if not (math.isfinite(params[j]) and math.isfinite(se[j]) and se[j] > 0.0):
        msg = (
            f"the coefficient of `{names[j]}` or its standard error is outside the range of "
            f"double precision: {FLOAT_RANGE}; rescale that column or the outcome"
        )
        raise EstimationError(msg)


def _check_exact_rows(
    exact: tuple[IntArray, FloatArray],
    weights: FloatArray,
    total: FloatArray,
    cov: CovType,
    names: Sequence[str],
) -> bool:
    """Refuse, or warn of (then True), a coefficient that rows fitted exactly determine in part.

    `exact` holds the rows of leverage 1 and their design rows in the root's coordinates
    (``root' x̃``); `weights` maps such a row to its weight in each coefficient and `total` is
    each coefficient's sum
    of squared weights over all rows. Rows of leverage 1 have residual 0 whatever their values,
    so a robust covariance leaves out their share of a coefficient's variance (under equal
    variances, the share of its squared weights): one treated person among controls, say,
    whose own outcome is most of the effect. From half of it on the standard error is refused
    (a robust SE with no effect at all rejected 64% of the time at 5%; at all of it, it is 0
    up to rounding); from a tenth on, a SparkusWarning says by how much it falls short.
    """
    rows, design = exact
    weights = design @ weights  # each exact row's weight in each coefficient
    rest = total - np.einsum("ij,ij->j", weights, weights)
    share = 1.0 - rest / total
    j = int(np.argmax(share))
    if share[j] < _EXACT_WARN:
        return False
    behind = rows[np.abs(weights[:, j]) > _LEVERAGE_TOLERANCE * math.sqrt(total[j])]
    them, their = ("them", "their") if len(behind) > 1 else ("it", "its")
    why = (
        f"which the model fits exactly whatever {their} value{'s' if len(behind) > 1 else ''} "
        f"(leverage 1: a row alone in its cell, or singled out by a regressor), so {their} "
        f"residual{'s are' if len(behind) > 1 else ' is'} 0"
    )
    remedy = (
        f"more rows like {them} are needed (or cov='nonrobust', which pools the residual "
        "variance of the other rows)"
    )
    if rest[j] <= _LEVERAGE_TOLERANCE * total[j]:
        msg = (
            f"the {cov} standard error of `{names[j]}` is undefined: it rests only on "
            f"{rows_text(behind)}, {why} and there is no residual variance to estimate it "
            f"from; {remedy}"
        )
        raise EstimationError(msg)
    _too_small(f"the {cov} standard error of `{names[j]}`", rows_text(behind), len(behind) > 1,
               float(share[j]), f"{why}: that part is left out; {remedy}")  # fmt: skip
    return True


def _too_small(what: str, them: str, several: bool, share: float, why: str) -> None:
    """Refuse (from half of the variance on) or warn of a standard error that leaves out `them`."""
    # rounded past the arithmetic's last digits first: 39 of 40 reads the same from either side
    msg = (f"{what} is too small: {them} {'determine' if several else 'determines'} "
           f"{round(share, 9):.0%} of its variance (with equal variances), {why}")  # fmt: skip
    if share >= _EXACT_REFUSE:
        raise EstimationError(msg)
    warn_caller(msg)


def _exact_clusters(
    parts: Sequence[Part],
    shift: FloatArray,
    exponents: IntArray,
    codes: IntArray,
    leverage: FloatArray,
    factor: FloatArray,
) -> list[tuple[int, FloatArray]]:
    """The clusters the model fits exactly in some direction: a row of each, and the directions.

    A cluster's block ``H_gg`` of the hat matrix may have an eigenvalue 1 (every treated row in
    one cluster, say, with a treated indicator and an intercept): the cluster's residuals are
    then orthogonal to its eigenvector whatever the data, so its score leaves out that
    direction. Its eigenvalues lie in [0, 1] and sum to the cluster's leverage, so only a
    cluster of leverage 1 or more can have one (at most ``k`` clusters: the leverages sum to
    ``k``). For those, the eigenvalues of ``F' X_g' X_g F`` (``F F'`` the inverse cross
    products) are those of ``H_gg``; each is returned with the columns ``√λ q`` of its
    eigenvalues near 1, in the coordinates in which a coefficient's row weights are ``F' b``.
    """
    candidates = np.flatnonzero(leverage >= 1.0 - _LEVERAGE_TOLERANCE)
    if candidates.size == 0:
        return []
    k = len(shift)
    slot = np.full(leverage.size, -1, dtype=np.intp)
    slot[candidates] = np.arange(candidates.size)
    grams = np.zeros((candidates.size, k, k))
    first = np.full(candidates.size, -1, dtype=np.intp)
    for start, block in _row_blocks(parts, len(codes), shift, exponents):
        where = slot[codes[start : start + len(block)]]
        for c in np.unique(where[where >= 0]).tolist():
            mine = where == c
            grams[c] += block[mine].T @ block[mine]
            if first[c] < 0:
                first[c] = start + int(np.argmax(mine))
    out = []
    for c in range(candidates.size):
        values, vectors = np.linalg.eigh(factor.T @ grams[c] @ factor)
        near = values >= 1.0 - _LEVERAGE_TOLERANCE
        if near.any():
            out.append((int(first[c]), vectors[:, near] * np.sqrt(values[near])))
    return out


def _check_exact_clusters(
    clusters: list[tuple[int, FloatArray]],
    weights: FloatArray,
    total: FloatArray,
    names: Sequence[str],
    *,
    warn: bool,
) -> bool:
    """Refuse, or warn of (then True), a coefficient that clusters fitted exactly determine.

    The cluster analogue of :func:`_check_exact_rows`: a cluster's residuals sum to 0 against
    the directions its block of the hat matrix fits exactly (eigenvalue 1), so CR1 leaves out
    that cluster's share of a coefficient's variance. Every treated row in one cluster (one
    treated team among thirty, say) is the common case: with no effect at all, its CR1 test
    rejected 71% of the time at 5%. The share is refused from a half on, warned of from a tenth
    (unless the row check warned already). `weights` holds each coefficient's ``F' b`` as a
    column, whose squared length is `total`.
    """
    if not clusters:
        return False
    parts = np.array([np.sum((directions.T @ weights) ** 2, axis=0) for _, directions in clusters])
    share = np.minimum(parts.sum(axis=0) / total, 1.0)
    j = int(np.argmax(share))
    if share[j] < _EXACT_WARN or (share[j] < _EXACT_REFUSE and not warn):
        return False
    rows = np.array([row for (row, _), part in zip(clusters, parts, strict=True)
                     if part[j] > _LEVERAGE_TOLERANCE * total[j]], dtype=np.intp)  # fmt: skip
    rows.sort()
    several = len(rows) > 1
    them = f"the clusters of {rows_text(rows)}" if several else f"the cluster of {rows_text(rows)}"
    why = (
        f"which the model fits exactly as {'wholes' if several else 'a whole'} (every row of a "
        "group in one cluster, such as a single treated team), so the residuals of "
        f"{'each' if several else 'that'} cluster sum to 0 against `{names[j]}` whatever the "
        "data and CR1 counts no noise from it"
    )
    remedy = (
        "more clusters on each side are needed (or a cov without clusters, if rows within a "
        "cluster are independent)"
    )
    if share[j] >= 1.0 - _LEVERAGE_TOLERANCE:
        msg = (
            f"the CR1 standard error of `{names[j]}` is undefined: it rests only on {them}, "
            f"{why}; {remedy}"
        )
        raise EstimationError(msg)
    _too_small(f"the CR1 standard error of `{names[j]}`", them, several, float(share[j]),
               f"{why}: that part is left out; {remedy}")  # fmt: skip
    return True


def _check_variances(
    variances: FloatArray, classical: FloatArray, cov: CovType, names: Sequence[str]
) -> None:
    """EstimationError naming a coefficient whose variance (before rescaling) is not positive.

    A robust variance below ``1e-20`` of the classical one is a rounding error of 0: the
    residuals of every row that determines the coefficient are 0 (cluster sums that vanish,
    say). Checked before the square root, which would give NaN for a rounding error below 0.
    """
    floor = 0.0 if cov == "nonrobust" else _DEGENERATE_VARIANCE
    bad = np.flatnonzero(~(variances > floor * classical))
    if bad.size:
        j = int(bad[0])
        msg = (
            f"the {cov} variance of `{names[j]}` is 0: the residuals of the rows (or clusters) "
            "that determine it are all 0, so there is no residual variance to estimate its "
            "standard error from; more rows are needed (or cov='nonrobust', which pools the "
            "residual variance of the other rows)"
        )
        raise EstimationError(msg)


def _residuals_and_meat(
    parts: Sequence[Part],
    y: FloatArray,
    shift: FloatArray,
    y_shift: float,
    beta: FloatArray,
    root: FloatArray,
    cov: CovType,
    codes: IntArray | None,
    exponents: IntArray,
    weights: FloatArray,
) -> tuple[FloatArray, FloatArray, tuple[IntArray, FloatArray] | None, FloatArray, FloatArray]:
    """The residuals, the meat, the rows of leverage 1 and each cluster's leverage, in one pass.

    Every design row is taken in the coordinates of `root` (``root @ root.T`` the inverse
    cross products): ``zᵢ = root' x̃ᵢ``, whose squared length is the row's leverage. The meat is
    in those coordinates too (``root' M root``, so that the sandwich does not cancel digits on
    near-collinear designs). HC: ``Σ ωᵢ eᵢ² zᵢzᵢ'`` with ``ωᵢ`` 1, ``1 / (1 - hᵢ)`` or
    ``1 / (1 - hᵢ)²``. CR1: ``Σ_g s_g s_g'`` (``s_g`` the sum of the scores ``zᵢeᵢ`` over
    cluster ``g``), by one ``bincount`` over (cluster, column) pairs per block at least as long
    as there are clusters. For HC0, HC1 and CR1, the rows of leverage 1 and their ``zᵢ``, or
    None (HC2 and HC3 refuse them here). With clusters, each cluster's sum of its rows'
    leverages (the trace of its block of the hat matrix; else empty) and of their squared
    weights in each column of `weights` (``root' b`` of each coefficient reported).
    """
    n, k = len(y), len(shift)
    resid = np.empty(n)
    meat = np.zeros((k, k))
    w = weights.shape[1]  # the coefficients whose clusters' weights are summed
    size = 0 if codes is None else int(codes.max()) + 1
    step, offsets = max(_BLOCK, size), np.arange(k)
    sums, cluster_leverage, cluster_weight = np.zeros(size * k), np.zeros(size), np.zeros(size * w)
    exact_rows: list[IntArray] = []
    exact_design: list[FloatArray] = []
    joint = np.hstack([root, root @ weights])  # one product a block: each wakes BLAS's threads
    for start, block in _row_blocks(parts, n, shift, exponents, step):
        stop = start + len(block)
        e = (y[start:stop] - y_shift) - block @ beta
        resid[start:stop] = e
        if cov == "nonrobust":
            continue
        product = block @ (joint if codes is not None else root)
        rooted = product[:, :k]
        if cov in ("HC0", "HC1", "CR1"):
            leverage = np.einsum("ij,ij->i", rooted, rooted)
            if codes is not None:
                here = codes[start:stop]
                cluster_leverage += np.bincount(here, weights=leverage, minlength=size)
                cluster_weight += np.bincount((here[:, np.newaxis] * w + np.arange(w)).ravel(),
                                              weights=(product[:, k:] ** 2).ravel(),
                                              minlength=cluster_weight.size)  # fmt: skip
            high = leverage >= 1.0 - _LEVERAGE_TOLERANCE
            if high.any():
                exact_rows.append(np.flatnonzero(high) + start)
                exact_design.append(rooted[high])
        if codes is not None:
            index = (codes[start:stop, np.newaxis] * k + offsets).ravel()
            scores = rooted * e[:, np.newaxis]
            sums += np.bincount(index, weights=scores.ravel(), minlength=sums.size)
            continue
        if cov in ("HC2", "HC3"):
            leverage = np.einsum("ij,ij->i", rooted, rooted)
            high = leverage >= 1.0 - _LEVERAGE_TOLERANCE
            if high.any():
                rows = np.flatnonzero(high) + start
                verb = "has" if len(rows) == 1 else "have"
                msg = (
                    f"{cov} is undefined: {rows_text(rows)} {verb} leverage 1 (fitted exactly "
                    "whatever the data); use cov='HC1', or drop the regressor that singles them out"
                )
                raise EstimationError(msg)
            e = e / (1.0 - leverage) ** (0.5 if cov == "HC2" else 1.0)
        scores = rooted * e[:, np.newaxis]
        meat += scores.T @ scores
    if codes is not None:
        scores = sums.reshape(-1, k)
        meat = scores.T @ scores
    per_cluster = cluster_weight.reshape(-1, w)
    if not exact_rows:
        return resid, meat, None, cluster_leverage, per_cluster
    exact = (np.concatenate(exact_rows), np.concatenate(exact_design))
    return resid, meat, exact, cluster_leverage, per_cluster
