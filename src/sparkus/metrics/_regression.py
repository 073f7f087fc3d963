"""Regression estimators of a program's effect: OLS, ANCOVA and difference-in-differences.

All three share one least-squares core (see ``_linalg``) whose standard errors agree with
statsmodels' ``OLS(y, X).fit(cov_type=...)`` under its default corrections: ``"nonrobust"``,
``"HC0"`` to ``"HC3"``, and ``"CR1"`` for statsmodels' ``"cluster"``. Inference uses the t
distribution, with ``n - k`` degrees of freedom, or ``G - 1`` for clustered standard errors
(statsmodels' ``use_t=True``); statsmodels' robust default is the normal distribution instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import BoolArray, FloatArray, IntArray, check_choice, check_level, schema_error
from sparkus._checks_effects import cluster_codes, indicator, named_matrix, same_length, vector
from sparkus._errors import EstimationError, shown
from sparkus.metrics._estimate import Estimate
from sparkus.metrics._linalg import COV_TYPES, CovType, Part, fit_ols
from sparkus.metrics._ols_result import OLSResult, fit_estimate, ols_result
from sparkus.metrics._rows import paired_rows
from sparkus.metrics._stable import constant

__all__ = ["ancova", "did", "ols"]

_Clusters = tuple[IntArray, int]


# --------------------------------------------------------------------------------------------
# Shared checks
# --------------------------------------------------------------------------------------------


def _cov_check(cov: object, clusters: object) -> CovType:
    """The covariance kind: `cov`, or by default CR1 with clusters and HC1 without."""
    if cov is None:
        return "HC1" if clusters is None else "CR1"
    kind = check_choice(cov, "cov", COV_TYPES)
    if kind == "CR1" and clusters is None:
        raise schema_error("clusters", "cov='CR1' needs `clusters`: one cluster label per row")
    if kind != "CR1" and clusters is not None:
        msg = f"is only used by cov='CR1', but cov={shown(kind)}; drop `clusters` or pass cov='CR1'"
        raise schema_error("clusters", msg)
    return kind


def _clusters_check(clusters: object, n: int) -> _Clusters | None:
    """Cluster codes and count; an error for one cluster (fit_ols warns of too few)."""
    if clusters is None:
        return None
    codes, count = cluster_codes(clusters, "clusters")
    same_length(("y", n), ("clusters", len(codes)))
    if count < 2:
        msg = (
            "`clusters` holds a single cluster; cluster-robust standard errors need at least "
            "two (and about 30 or more to be reliable)"
        )
        raise EstimationError(msg)
    return codes, count


def outcome_check(y: object, name: str) -> FloatArray:
    """The outcome as a vector of at least two values that are not all the same."""
    values = vector(y, name, minimum=2)
    if constant(values):
        raise EstimationError(f"`{name}` is constant: zero variance, nothing to explain")
    return values


def _groups_check(treated: BoolArray, name: str, what: tuple[str, str]) -> None:
    count = int(treated.sum())
    if count == 0 or count == len(treated):
        missing = what[0] if count == 0 else what[1]
        msg = f"`{name}` has no {missing}; the comparison needs both"
        raise EstimationError(msg)


def covariates_check(
    covariates: object, n: int, reserved: Sequence[str]
) -> tuple[FloatArray | None, tuple[str, ...]]:
    """Adjustment covariates as a matrix and their names (none of them `reserved`), or None."""
    if covariates is None:
        return None, ()
    values, names = named_matrix(covariates, "covariates")
    same_length(("y", n), ("covariates", values.shape[0]))
    clash = sorted(set(names) & set(reserved))
    if clash:
        msg = f"names {', '.join(map(repr, clash))} are taken by the design; rename them"
        raise schema_error("covariates", msg)
    return values, names


_ANCOVA_TERMS: Final = ("intercept", "treated", "pre")
_DID_TERMS: Final = ("intercept", "treated", "post", "treated:post")


@attrs.frozen(eq=False)
class _Effect:
    """The checked inputs ancova and did share: outcome, columns, covariates, options."""

    outcome: FloatArray
    columns: tuple[FloatArray | BoolArray, ...]  # in the order given
    covariates: FloatArray | None
    names: tuple[str, ...]
    cov: CovType
    level: float


def _effect_iv(
    outcome: str, y: object, columns: Sequence[tuple[str, object, bool]], covariates: object,
    reserved: Sequence[str], cov: object, clusters: object, level: object,
) -> _Effect:  # fmt: skip
    """The check sequence of an effect of `treated` on an outcome by least squares.

    The level, the covariance kind, the outcome, each of `columns` (name, value and whether it
    is a 0/1 indicator; one of them is ``treated``) in order, one length for all, covariates
    whose names are not `reserved`, and both groups present. Clusters are checked last, by the
    caller, so that their warning points at the caller's caller.
    """
    value = check_level(level)
    kind = _cov_check(cov, clusters)
    values = outcome_check(y, outcome)
    arrays = tuple(
        indicator(given, name) if binary else vector(given, name) for name, given, binary in columns
    )
    n = len(values)
    same_length((outcome, n), *((c[0], len(a)) for c, a in zip(columns, arrays, strict=True)))
    extra, extra_names = covariates_check(covariates, n, reserved)
    treated = arrays[[name for name, _, _ in columns].index("treated")]
    _groups_check(
        np.asarray(treated, dtype=np.bool_), "treated", ("treated units", "control units")
    )
    return _Effect(values, arrays, extra, extra_names, kind, value)


# --------------------------------------------------------------------------------------------
# ols
# --------------------------------------------------------------------------------------------


def _ols_iv(
    y: object, X: object, cov: object, clusters: object, intercept: object, names: object,
    level: object,
) -> tuple[FloatArray, tuple[Part, ...], tuple[str, ...], int | None, CovType, _Clusters | None, float]:  # fmt: skip
    value = check_level(level)
    kind = _cov_check(cov, clusters)
    if not isinstance(intercept, bool | np.bool_):
        raise schema_error("intercept", f"expected True or False, got {shown(intercept)}")
    y, X, clusters = paired_rows(("y", y), ("X", X), ("clusters", clusters))
    # a constant `y` is fitted exactly by the intercept: say so rather than ask for more rows
    outcome = outcome_check(y, "y") if intercept else vector(y, "y", minimum=2)
    design, labels = named_matrix(X, "X", names=cast("Sequence[str] | None", names))
    same_length(("y", len(outcome)), ("X", design.shape[0]))
    if intercept:
        if "intercept" in labels:
            msg = "a column is named 'intercept'; rename it or pass intercept=False"
            raise schema_error("X", msg)
        parts: tuple[Part, ...] = (None, design)
        labels = ("intercept", *labels)
    else:
        parts = (design,)
    codes = _clusters_check(clusters, len(outcome))
    return outcome, parts, labels, 0 if intercept else None, kind, codes, value


def ols(
    y: npt.ArrayLike,
    X: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any,
    *,
    cov: CovType | None = None,
    clusters: npt.ArrayLike | None = None,
    intercept: bool = True,
    names: Sequence[str] | None = None,
    level: float = 0.95,
) -> OLSResult:
    """Ordinary least squares with classical, robust or cluster-robust standard errors.

    .. versionadded:: 0.1

    The coefficients and standard errors agree with statsmodels'
    ``OLS(y, add_constant(X)).fit(cov_type=...)`` under its default corrections (``"CR1"`` is
    statsmodels' ``"cluster"``). Tests and intervals use the t distribution with ``n - k``
    d.f., or ``G - 1`` for ``"CR1"`` (statsmodels' ``use_t=True``).

    Parameters
    ----------
    y : array-like of float, shape (n,)
        The outcome.
    X : array-like of shape (n,) or (n, p), or a mapping of name to column
        The regressors: an array (columns named by `names`, else ``x1, x2, ...``) or anything
        with ``keys()`` that yields columns by name (a dict of arrays, a data frame).
    cov : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "CR1"}, optional
        The covariance of the coefficients. By default ``"HC1"``, or ``"CR1"`` (cluster-robust)
        when `clusters` is given.
    clusters : array-like, shape (n,), optional
        A cluster label per row (team, coach, site...), for ``cov="CR1"`` only.
    intercept : bool, default True
        Add a column of ones, named ``"intercept"``, before the columns of `X`.
    names : sequence of str, optional
        The names of the columns of an array `X`.
    level : float, default 0.95
        The confidence level of the intervals.

    Returns
    -------
    OLSResult
        The coefficients, standard errors, t tests and intervals; ``result.term(name)`` gives
        one coefficient as an :class:`Estimate`.

    Raises
    ------
    EstimationError
        If the inputs differ in length or `y` or `X` hold a missing value (the rows are
        named); `y` is constant or fitted exactly; the design is singular (the dependent
        columns are named); there are no more rows than coefficients; there is a single
        cluster; HC2/HC3 meet a row of leverage one; or, for HC0, HC1 and CR1, rows of
        leverage one (fitted exactly, their residuals 0) determine half or more of a
        coefficient's variance, which its standard error would leave out; or, for CR1,
        clusters fitted exactly as wholes (every treated row in one cluster, say) do.
    SchemaError
        If an option is not an allowed value, or `cov` and `clusters` do not go together; or a
        cluster label is missing, blank, no label (a boolean among numbers), text beside
        numbers or one cluster written two ways (the rows are named).

    Warns
    -----
    SparkusWarning
        With fewer than 30 clusters, or an effective number of clusters (Carter, Schnepel &
        Steigerwald 2017) below 12 for a reported coefficient (a few treated teams among
        many: CR1 tests then reject a true null too often); or, for HC0, HC1 and CR1, when
        rows of leverage one (for CR1, clusters fitted exactly as wholes) determine a tenth
        to a half of a coefficient's variance: their residuals are 0, so its standard error
        leaves out their noise (from a half on, it is refused).

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import ols
    >>> rng = np.random.default_rng(0)
    >>> hours = rng.uniform(0.0, 10.0, 200)
    >>> tenure = rng.uniform(0.0, 20.0, 200)
    >>> score = 2.0 + 0.3 * hours + 0.05 * tenure + rng.normal(0.0, 1.0, 200)
    >>> fit = ols(score, {"hours": hours, "tenure": tenure})
    >>> fit.names
    ('intercept', 'hours', 'tenure')
    >>> [round(float(b), 3) for b in fit.params]
    [1.94, 0.296, 0.061]
    >>> fit.term("hours").ci_method
    't'
    """
    outcome, parts, labels, where, kind, codes, value = _ols_iv(
        y, X, cov, clusters, intercept, names, level
    )
    fit = fit_ols(parts, outcome, labels, intercept=where, cov=kind, clusters=codes)
    return ols_result(fit, labels, kind, value)


# --------------------------------------------------------------------------------------------
# ancova
# --------------------------------------------------------------------------------------------


def _ancova_iv(
    post: object, pre: object, treated: object, covariates: object, cov: object,
    clusters: object, level: object,
) -> tuple[_Effect, FloatArray, BoolArray, _Clusters | None]:  # fmt: skip
    post, pre, treated, covariates, clusters = paired_rows(
        ("post", post), ("pre", pre), ("treated", treated), ("covariates", covariates),
        ("clusters", clusters),
    )  # fmt: skip
    columns = (("pre", pre, False), ("treated", treated, True))
    effect = _effect_iv("post", post, columns, covariates, _ANCOVA_TERMS, cov, clusters, level)
    baseline, group = effect.columns
    codes = _clusters_check(clusters, len(effect.outcome))
    return effect, cast(FloatArray, baseline), cast(BoolArray, group), codes


def ancova_fit(
    post: FloatArray,
    pre: FloatArray,
    treated: BoolArray,
    covariates: FloatArray | None,
    names: tuple[str, ...],
    *,
    cov: CovType,
    clusters: _Clusters | None,
    level: float,
) -> Estimate:
    """τ of ANCOVA on arrays already checked at a door (ancova's, or subgroup_effects').

    `covariates` holds the adjustment columns (named `names`), or is None. Only the data's own
    problems raise here: too few rows, a singular design, an exact fit.
    """
    base: tuple[Part, ...] = (None, treated, pre)
    parts = base if covariates is None else (*base, covariates)
    labels = (*_ANCOVA_TERMS, *names)
    fit = fit_ols(parts, post, labels, intercept=0, cov=cov, clusters=clusters, report=1)
    method = f"ANCOVA effect of `treated` on `post`, adjusted for `pre` ({cov} SE)"
    return fit_estimate(fit, 1, labels, level, method)


def ancova(
    post: npt.ArrayLike,
    pre: npt.ArrayLike,
    treated: npt.ArrayLike,
    *,
    covariates: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any = None,
    cov: CovType | None = None,
    clusters: npt.ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    """The program's effect on an outcome, adjusted for its baseline (ANCOVA).

    .. versionadded:: 0.1

    Fits ``post = a + τ treated + b pre (+ g'covariates) + e`` by least squares and returns τ:
    the difference between coached and comparison people with the same baseline. With
    randomised (or as-good-as-random) coaching this is more precise than comparing changes;
    without it, `covariates` should hold what drove selection into coaching.

    Parameters
    ----------
    post : array-like of float, shape (n,)
        The outcome after the program.
    pre : array-like of float, shape (n,)
        The same measure at baseline.
    treated : array-like of bool or {0, 1}, shape (n,)
        Whether each person was coached. Both groups must occur.
    covariates : array-like of shape (n,) or (n, p), or a mapping of name to column, optional
        More adjustment variables (see :func:`ols` for the accepted forms).
    cov : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "CR1"}, optional
        The covariance; by default ``"HC1"``, or ``"CR1"`` when `clusters` is given.
    clusters : array-like, shape (n,), optional
        A cluster label per person (team, coach), for ``cov="CR1"``.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        τ, its standard error, t interval and test (``n - k`` d.f., or ``G - 1`` with clusters).

    Raises
    ------
    EstimationError
        As :func:`ols` (with CR1, every treated or every control person in one cluster), and
        if there are no treated or no control units.
    SchemaError
        As :func:`ols`, and if `treated` is not 0/1.

    Warns
    -----
    SparkusWarning
        With fewer than 30 clusters, or an effective number of clusters (Carter, Schnepel &
        Steigerwald 2017) below 12 for a reported coefficient (a few treated teams among
        many: CR1 tests then reject a true null too often); or, for HC0, HC1 and CR1, when
        rows of leverage one (for CR1, clusters fitted exactly as wholes) determine a tenth
        to a half of a coefficient's variance: their residuals are 0, so its standard error
        leaves out their noise (from a half on, it is refused).

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import ancova
    >>> rng = np.random.default_rng(3)
    >>> pre = rng.normal(3.0, 0.7, 300)
    >>> treated = rng.random(300) < 0.5
    >>> post = 0.8 + 0.7 * pre + 0.35 * treated + rng.normal(0.0, 0.4, 300)
    >>> effect = ancova(post, pre, treated)
    >>> round(effect.estimate, 4), [round(v, 4) for v in effect.ci]
    (0.355, [0.2635, 0.4465])
    """
    effect, baseline, group, codes = _ancova_iv(
        post, pre, treated, covariates, cov, clusters, level
    )
    return ancova_fit(effect.outcome, baseline, group, effect.covariates, effect.names,
                      cov=effect.cov, clusters=codes, level=effect.level)  # fmt: skip


# --------------------------------------------------------------------------------------------
# did
# --------------------------------------------------------------------------------------------


def _did_iv(
    y: object, treated: object, post: object, covariates: object, clusters: object,
    cov: object, level: object,
) -> tuple[FloatArray, tuple[Part, ...], tuple[str, ...], CovType, _Clusters | None, float]:  # fmt: skip
    y, treated, post, covariates, clusters = paired_rows(
        ("y", y), ("treated", treated), ("post", post), ("covariates", covariates),
        ("clusters", clusters),
    )  # fmt: skip
    columns = (("treated", treated, True), ("post", post, True))
    effect = _effect_iv("y", y, columns, covariates, _DID_TERMS, cov, clusters, level)
    group, after = (cast(BoolArray, column) for column in effect.columns)
    _groups_check(after, "post", ("rows after the program", "rows before the program"))
    cells = np.bincount(2 * group.astype(np.intp) + after, minlength=4)
    labels = ("control before", "control after", "treated before", "treated after")
    if not cells.all():
        empty = ", ".join(labels[i] for i in np.flatnonzero(cells == 0))
        msg = f"the 2x2 design has no rows in: {empty}; each group needs rows before and after"
        raise EstimationError(msg)
    if effect.cov != "nonrobust" and (cells == 1).any():
        # The four cells have a mean each, so a cell's only row is fitted exactly: its residual
        # is 0 whatever its value and a robust covariance counts no noise from that cell.
        single = ", ".join(labels[i] for i in np.flatnonzero(cells == 1))
        msg = (
            f"the 2x2 design has a single row in: {single}; the model fits such a row exactly "
            f"(its residual is 0 whatever its value), so there is no residual variance in such a "
            f"cell to estimate the {effect.cov} standard error from; each cell needs at least "
            "two rows (or pass cov='nonrobust', which pools the residual variance of the other "
            "cells)"
        )
        raise EstimationError(msg)
    codes = _clusters_check(clusters, len(effect.outcome))
    base: tuple[Part, ...] = (None, group, after, group & after)
    parts = base if effect.covariates is None else (*base, effect.covariates)
    names = (*_DID_TERMS, *effect.names)
    return effect.outcome, parts, names, effect.cov, codes, effect.level


def did(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    post: npt.ArrayLike,
    *,
    covariates: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any = None,
    clusters: npt.ArrayLike | None = None,
    cov: CovType | None = None,
    level: float = 0.95,
) -> Estimate:
    """The 2x2 difference-in-differences estimate of the program's effect.

    .. versionadded:: 0.1

    Fits ``y = a + b treated + c post + τ treated·post (+ g'covariates) + e`` by least squares
    and returns τ: how much more the coached group's outcome changed than the comparison
    group's. It removes fixed differences between the groups and common trends; it assumes the
    groups would have moved in parallel without the program.

    Parameters
    ----------
    y : array-like of float, shape (n,)
        The outcome, one row per person and period (long format).
    treated : array-like of bool or {0, 1}, shape (n,)
        Whether the row's person is in the coached group.
    post : array-like of bool or {0, 1}, shape (n,)
        Whether the row is from after the program started.
    covariates : array-like of shape (n,) or (n, p), or a mapping of name to column, optional
        More regressors (see :func:`ols` for the accepted forms).
    clusters : array-like, shape (n,), optional
        A cluster label per row. Give the person (repeated measures) or a coarser unit (team,
        coach) so that the standard error allows for correlated rows: it is then cluster-robust.
    cov : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "CR1"}, optional
        The covariance; by default ``"CR1"`` with `clusters`, else ``"HC1"``.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        τ, its standard error, t interval and test (``n - k`` d.f., or ``G - 1`` with clusters).

    Raises
    ------
    EstimationError
        As :func:`ols`; and if there are no treated or no control units, no rows before or
        after, an empty cell of the 2x2 design, or (with a robust `cov`) a cell of one row,
        which the model fits exactly so that no residual variance is left there.
    SchemaError
        As :func:`ols`, and if `treated` or `post` is not 0/1.

    Warns
    -----
    SparkusWarning
        With fewer than 30 clusters, or an effective number of clusters (Carter, Schnepel &
        Steigerwald 2017) below 12 for a reported coefficient (a few treated teams among
        many: CR1 tests then reject a true null too often); or, for HC0, HC1 and CR1, when
        rows of leverage one (for CR1, clusters fitted exactly as wholes) determine a tenth
        to a half of a coefficient's variance: their residuals are 0, so its standard error
        leaves out their noise (from a half on, it is refused).

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import did
    >>> rng = np.random.default_rng(5)
    >>> person = np.repeat(np.arange(400), 2)
    >>> post = np.tile([0, 1], 400)
    >>> treated = (person < 150).astype(int)
    >>> level = rng.normal(0.0, 1.0, 400)[person]  # fixed differences between people
    >>> y = 3.0 + level + 0.2 * post + 0.5 * treated * post + rng.normal(0.0, 0.3, 800)
    >>> effect = did(y, treated, post, clusters=person)
    >>> round(effect.estimate, 4), effect.n_clusters, effect.df
    (0.4619, 400, 399)
    """
    outcome, parts, names, kind, codes, value = _did_iv(
        y, treated, post, covariates, clusters, cov, level
    )
    fit = fit_ols(parts, outcome, names, intercept=0, cov=kind, clusters=codes, report=3)
    method = f"difference-in-differences (treated:post, {kind} SE)"
    return fit_estimate(fit, 3, names, value, method)
