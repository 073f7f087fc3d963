"""The propensity model: unpenalised maximum-likelihood logistic regression, fitted by Newton.

The columns are centred and scaled before the fit (a reparametrisation that moves only the
intercept and rescales the slopes, mapped back exactly afterwards), so that Newton's method meets
a well-conditioned Hessian whatever the units of the covariates. A design whose columns are
linearly dependent is refused before any iteration, with the dependent columns named (the check
of the least-squares core, ``_linalg``). Perfect or quasi-complete separation, where the
likelihood has no finite maximum and some fitted propensities run to 0 or 1, is refused too: a
propensity of 0 or 1 means that some people had no comparable counterpart in the other group
("no overlap"), and no weighting estimator can use them.

Speed, for the weighting estimators on large samples (200,000 rows by 10 covariates in
``bench_metrics.py``):

- the design is stored by columns, shape ``(k + 1, n)``, so that every pass over the data
  reads contiguous memory; it is built once, with the transposition done in cache-sized blocks;
- the Hessian ``Z'WZ`` is formed as ``B B'`` with ``B = Z √W``, which numpy hands to the
  symmetric rank-k BLAS routine; every product of the design with a vector goes through
  numpy's own loops (``einsum``) instead of BLAS, whose threads, on a busy machine, made each
  such call wait for milliseconds;
- a fit on a large sample starts from the fit on a systematic subsample of about 20,000 rows,
  and its steps reuse a Hessian while the steps it gives shrink a hundredfold each (chord
  steps: two products with the design, no new Hessian), computing a new one otherwise and
  always for the last step. So the full data see about four gradients and two Hessians, and
  the answer is a Newton iterate, the same maximum as plain Newton to rounding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final, Self

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    BoolArray,
    FloatArray,
    IntArray,
    as_table,
    check_number,
    rows_text,
    schema_error,
)
from sparkus._checks_effects import indicator, named_matrix, same_length
from sparkus._errors import EstimationError, NotFittedError
from sparkus.metrics._linalg import checked_cholesky
from sparkus.metrics._rows import paired_rows
from sparkus.metrics._sizes import MAX_ITER, check_count
from sparkus.metrics._stable import FLOAT_RANGE

__all__ = ["PropensityModel"]

SEPARATION: Final = 1e-10
"""A fitted propensity below this (or above 1 minus it) counts as 0 (or 1): no overlap."""
_MAX_LOGIT: Final = 30.0
"""A linear predictor beyond ±30 (a propensity within 1e-13 of 0 or 1) stops Newton: separation."""
_SHORT_STEP: Final = 0.5
"""Newton steps shorter than this (in the scaled coordinates) skip the line search."""
_WARM_ROWS: Final = 20_000
_WARM_MIN: Final = 100_000
_BLOCK: Final = 4096
"""Rows per block when the design is laid out by columns (the blocks stay in cache)."""
_MIN_TOL: Final = 1e-14
"""The smallest step tolerance: steps shorter than rounding cannot be asked for."""
_CONTRACTION: Final = 0.01
"""A step with an earlier Hessian is kept only if it is at most this share of the last step."""


@attrs.frozen(eq=False)
class LogitFit:
    """A fitted propensity model (internal; the estimators of ``_weighting`` use it).

    `design` is the centred and scaled design stored by columns, shape ``(k + 1, n)``: a row of
    ones first, then each covariate (divided by ``2**exponents``, then centred on `mean` and
    divided by `sd`) as a row (so that every pass over the data reads contiguous
    memory); `hessian` is ``design W design' / n`` at the optimum, the average Fisher
    information in those coordinates, which the stacked standard errors of the weighting
    estimators need.
    """

    intercept: float
    coef: FloatArray
    propensity: FloatArray
    design: FloatArray
    mean: FloatArray
    sd: FloatArray
    exponents: IntArray
    hessian: FloatArray
    n_iter: int


def _expit(eta: FloatArray) -> FloatArray:
    """``1 / (1 + e^-eta)``; an overflow of ``e^-eta`` gives the right limit, 0."""
    with np.errstate(over="ignore"):
        out = np.exp(-eta)
    out += 1.0
    np.reciprocal(out, out=out)
    return out


def design_check(
    X: FloatArray, names: Sequence[str]
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray]:
    """The design ``[1, (X 2**-e - mean) / scale]`` by columns, with its mean, scale and ``e``.

    The design has shape (k + 1, n). Each column is first divided by a power of two that puts its values below 1 (exact), so
    that neither its mean nor its cross products overflow for values near 1e308 or underflow
    for subnormal ones. An error names linearly dependent columns.
    """
    n, k = X.shape
    tops = np.maximum(np.abs(X.max(axis=0)), np.abs(X.min(axis=0)))
    exponents = np.array([math.frexp(float(t))[1] for t in tops], dtype=np.intp)
    design = np.empty((k + 1, n))
    design[0] = 1.0
    shift = -exponents[:, np.newaxis]
    for start in range(0, n, _BLOCK):  # the transposition in cache-sized blocks
        stop = min(start + _BLOCK, n)
        np.ldexp(X[start:stop].T, shift, out=design[1:, start:stop])
    mean = np.einsum("ij->i", design[1:]) / n  # numpy's loop: .mean is slower, BLAS threaded
    design[1:] -= mean[:, np.newaxis]
    gram = design @ design.T  # one symmetric rank-k update
    length = np.sqrt(np.diag(gram)[1:])
    # the rank check of the least-squares core, on the unit-diagonal cross products
    size = np.concatenate([[math.sqrt(n)], length])
    scale = np.where(size > 0, size, 1.0)
    checked_cholesky(
        gram / np.outer(scale, scale), size, np.concatenate([[0.0], mean]), 0,
        ("intercept", *names),
    )  # fmt: skip
    sd = length / math.sqrt(n)
    design[1:] /= sd[:, np.newaxis]
    return design, mean, sd, exponents


def dot(a: FloatArray, b: FloatArray) -> float:
    """``a @ b`` for two vectors, without BLAS (see :func:`times_rows`)."""
    return float(np.einsum("i,i->", a, b))


def times_rows(rows: FloatArray, v: FloatArray) -> FloatArray:
    """``rows @ v`` for `rows` of shape (k, n): each row's product with `v`, without BLAS.

    numpy's own loops (``einsum``) rather than the BLAS matrix-vector product: a product with
    a long vector is cheap either way, and BLAS, threaded, can make each call wait on busy
    cores (tens of milliseconds on a shared machine) for no gain at this size.
    """
    out: FloatArray = np.einsum("ij,j->i", rows, v)
    return out


def combine_rows(coef: FloatArray, rows: FloatArray) -> FloatArray:
    """``coef @ rows`` for `rows` of shape (k, n): the combination of the rows, without BLAS."""
    out: FloatArray = np.einsum("i,ij->j", coef, rows)
    return out


def _hessian(design: FloatArray, p: FloatArray, root: FloatArray) -> FloatArray:
    """``design W design'`` with ``W = p (1 - p)``, as ``B B'`` for ``B = design √W`` (in `root`)."""
    np.multiply(design, np.sqrt(p * (1.0 - p)), out=root)
    out: FloatArray = root @ root.T  # numpy hands B B' to the symmetric rank-k BLAS routine
    return out


def _newton(
    design: FloatArray,
    treated: FloatArray,
    start: FloatArray,
    tol: float,
    max_iter: int,
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, int, bool]:
    """Newton's method, halving long steps that would lower the log-likelihood.

    `design` is stored by columns (shape (k, n)); `hessian` (a sum over rows, as computed
    here) may seed the iteration, e.g. the one of a fit on a subsample scaled to n rows.

    A Hessian is reused while the steps it gives shrink fast, each at most a hundredth of the
    one before (a chord step: it costs two products with the design and one logistic
    function, where a new Hessian costs a pass that multiplies every element, then the BLAS
    product); otherwise a new one is computed at the current point. The iteration stops on a
    step with a Hessian computed at its start (a Newton step) that moves no coefficient by
    more than `tol`: once a chord step is that short, one Newton step follows, which
    converges quadratically. So the answer is a Newton iterate, as without chord steps, and
    the Hessian returned is the one at the point before it.

    Returns (beta, p, hessian, iterations, converged).
    """
    beta = start.copy()
    eta = combine_rows(beta, design)
    p = _expit(eta)
    loglik: float | None = None
    root = np.empty_like(design)
    fresh = hessian is None
    if hessian is None:
        hessian = _hessian(design, p, root)
    last, finish = math.inf, False
    for iteration in range(1, max_iter + 1):
        gradient = times_rows(design, treated - p)
        if finish:  # a chord step converged: a Newton step, with the Hessian at this point
            hessian, fresh = _hessian(design, p, root), True
        step = _solve(hessian, gradient)
        if step is None:
            return beta, p, hessian, iteration, False
        size = float(np.max(np.abs(step)))
        if not fresh and not size <= _CONTRACTION * last:  # the old Hessian is too far off
            hessian, fresh = _hessian(design, p, root), True
            step = _solve(hessian, gradient)
            if step is None:
                return beta, p, hessian, iteration, False
            size = float(np.max(np.abs(step)))
        new_eta = combine_rows(beta + step, design)
        if size > _SHORT_STEP:  # a long step: make sure it climbs
            loglik = _loglik(eta, treated) if loglik is None else loglik
            for _ in range(30):
                new_loglik = _loglik(new_eta, treated)
                if new_loglik >= loglik - 1e-12 * abs(loglik):
                    break
                step /= 2.0
                new_eta = combine_rows(beta + step, design)
            loglik = new_loglik
            size = float(np.max(np.abs(step)))
        else:
            loglik = None
        beta += step
        eta = new_eta
        p = _expit(eta)
        if np.max(np.abs(eta)) > _MAX_LOGIT:
            return beta, p, hessian, iteration, False
        if size <= tol:
            if fresh:
                return beta, p, hessian, iteration, True
            finish = True
        last = size
        fresh = False
    return beta, p, hessian, max_iter, False


def _solve(hessian: FloatArray, gradient: FloatArray) -> FloatArray | None:
    """``hessian⁻¹ gradient`` by Cholesky (numpy's LAPACK on a (k, k) matrix), or None."""
    try:
        factor = np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        return None
    out: FloatArray = np.linalg.solve(factor.T, np.linalg.solve(factor, gradient))
    return out


def _loglik(eta: FloatArray, treated: FloatArray) -> float:
    # log(1 + exp(eta)) computed stably; the log-likelihood is sum(t * eta - log(1 + e^eta))
    return dot(treated, eta) - float(np.logaddexp(0.0, eta).sum())


def _separation_error(p: FloatArray, treated: BoolArray, given: IntArray | None) -> EstimationError:
    extreme = (p > 1.0 - SEPARATION) | (p < SEPARATION)
    at = np.flatnonzero(extreme)
    rows = at if given is None else given[at]  # numbered as the caller knows the rows
    if len(rows):
        n_treated = int(np.count_nonzero(treated[at]))
        where = (
            f"{len(rows):,} units at 0 or 1, {n_treated:,} treated and "
            f"{len(rows) - n_treated:,} control: {rows_text(rows)}"
        )
    else:
        where = "the coefficients diverge"
    msg = (
        "no overlap: the covariates separate treated from control units (perfect or "
        f"quasi-complete separation), so fitted propensities run to 0 or 1 ({where}). Those "
        "people have no comparable counterpart in the other group; drop them, or the covariate "
        "that separates the groups, or restrict the question to the region of common support"
    )
    return EstimationError(msg)


def fit_logit(
    X: FloatArray,
    treated: BoolArray,
    names: Sequence[str],
    *,
    tol: float = 1e-8,
    max_iter: int = 100,
    rows: IntArray | None = None,
) -> LogitFit:
    """The maximum-likelihood logistic regression of `treated` on ``[1, X]`` (finite inputs).

    `rows`, if given, numbers the rows of `X` as the caller's input does (the units kept by
    trimming, say): an error names those rows.
    """
    n = len(treated)
    count = int(treated.sum())
    if count in (0, n):
        missing = "treated" if count == 0 else "control"
        msg = f"`treated` has no {missing} units; a propensity model needs both groups"
        raise EstimationError(msg)
    if n <= X.shape[1] + 1:
        k = X.shape[1] + 1
        msg = f"{n} rows cannot fit a propensity model with {k} coefficients; at least {k + 1} are needed"
        raise EstimationError(msg)
    design, mean, sd, exponents = design_check(X, names)
    t = treated.astype(np.float64)
    share = count / n
    start = np.zeros(len(design))
    start[0] = math.log(share / (1.0 - share))
    total = 0
    seed: FloatArray | None = None
    if n >= _WARM_MIN:  # a subsample brings the start within a few steps of the optimum
        stride = n // _WARM_ROWS
        sub_t = t[::stride]
        if 0.0 < sub_t.mean() < 1.0:
            sub = np.ascontiguousarray(design[:, ::stride])
            warm, _, sub_hessian, total, ok = _newton(sub, sub_t, start, 1e-6, max_iter)
            if ok:  # its Hessian, scaled to n rows, serves the first steps on the full data
                start, seed = warm, sub_hessian * (n / len(sub_t))
    beta, p, hessian, iterations, converged = _newton(design, t, start, tol, max_iter, seed)
    total += iterations
    if not converged or p.min() < SEPARATION or p.max() > 1.0 - SEPARATION:
        if not converged and np.max(np.abs(combine_rows(beta, design))) <= _MAX_LOGIT:
            msg = (
                f"the propensity model did not converge in {max_iter} Newton steps; the data may "
                "be close to separation (the covariates almost split treated from control units)"
            )
            raise EstimationError(msg)
        raise _separation_error(p, treated, rows)
    scaled = beta[1:] / sd  # per unit of the columns divided by 2**exponents
    with np.errstate(over="ignore"):
        coef = np.ldexp(scaled, -exponents)
    if not np.isfinite(coef).all():
        j = int(np.flatnonzero(~np.isfinite(coef))[0])
        msg = (
            f"the propensity coefficient of `{names[j]}` is beyond the range of double "
            f"precision: {FLOAT_RANGE}; rescale that column"
        )
        raise EstimationError(msg)
    return LogitFit(
        intercept=float(beta[0] - scaled @ mean),
        coef=coef,
        propensity=p,
        design=design,
        mean=mean,
        sd=sd,
        exponents=exponents,
        hessian=hessian / n,
        n_iter=total,
    )


class PropensityModel:
    """The probability of treatment given covariates: maximum-likelihood logistic regression.

    .. versionadded:: 0.1

    An unpenalised logistic regression with an intercept, fitted by Newton's method on centred
    and scaled columns; the same model as statsmodels' ``Logit(treated, add_constant(X))``. It is
    the default propensity model of :func:`ipw`, :func:`aipw` and :func:`overlap`.

    Parameters
    ----------
    tol : float, default 1e-8
        Newton stops once no coefficient (in the scaled coordinates) moves by more than this;
        convergence is quadratic, so the last step leaves an error far below `tol`. At least
        1e-14 (rounding moves the coefficients by about that much).
    max_iter : int, default 100
        The most Newton steps, from 1 to 10,000.

    Attributes
    ----------
    coef_ : ndarray of float64, shape (p,)
        The slope of each covariate on the log-odds of treatment.
    intercept_ : float
        The intercept.
    feature_names_in_ : tuple of str
        The covariates' names (from a mapping or data frame, else ``x1, x2, ...``).
    n_features_in_ : int
        The number of covariates.
    n_iter_ : int
        The steps taken, on a subsample and on all rows (Newton steps, and steps that reuse
        an earlier Hessian while they shrink fast).
    classes_ : tuple of bool
        ``(False, True)``: the columns of :meth:`predict_proba`.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import PropensityModel
    >>> rng = np.random.default_rng(1)
    >>> readiness = rng.normal(0.0, 1.0, 500)
    >>> coached = rng.random(500) < 1.0 / (1.0 + np.exp(0.5 - 0.8 * readiness))
    >>> model = PropensityModel().fit({"readiness": readiness}, coached)
    >>> round(model.intercept_, 4), np.round(model.coef_, 4)
    (-0.6118, array([0.7964]))
    >>> np.round(model.predict_proba({"readiness": [0.0, 2.0]})[:, 1], 4)
    array([0.3516, 0.7273])
    """

    coef_: FloatArray
    intercept_: float
    feature_names_in_: tuple[str, ...]
    n_features_in_: int
    n_iter_: int
    classes_: tuple[bool, bool] = (False, True)

    def __init__(self, *, tol: float = 1e-8, max_iter: int = 100) -> None:
        self.tol = tol
        self.max_iter = max_iter
        self._fitted = False

    def __repr__(self) -> str:
        return f"PropensityModel(tol={self.tol!r}, max_iter={self.max_iter!r})"

    def fit(
        self,
        X: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any,
        treated: npt.ArrayLike,
        *,
        names: Sequence[str] | None = None,
    ) -> Self:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        X : array-like of shape (n,) or (n, p), or a mapping of name to column
            The covariates (see :func:`ols` for the accepted forms).
        treated : array-like of bool or {0, 1}, shape (n,)
            Whether each unit was treated. Both groups must occur.
        names : sequence of str, optional
            The names of the columns of an array `X`.

        Returns
        -------
        PropensityModel
            This model, fitted.

        Raises
        ------
        EstimationError
            If the inputs differ in length or hold a missing value (the rows are named); a group
            is empty; the design is singular (the dependent columns are named); the covariates
            separate the groups, so that fitted propensities reach 0 or 1 (no overlap); or
            Newton does not converge.
        SchemaError
            If `treated` is not 0/1, or an option is invalid (`max_iter` beyond 10,000
            included).
        """
        tol = check_number(self.tol, "tol", low=_MIN_TOL, what="a step tolerance")
        max_iter = check_count(self.max_iter, "max_iter", low=1, high=MAX_ITER,
                               why="each step is a pass over the data")  # fmt: skip
        table, given = paired_rows(("X", X), ("treated", treated))
        design, labels = named_matrix(table, "X", names=names)
        group = indicator(given, "treated")
        same_length(("X", design.shape[0]), ("treated", len(group)))
        fit = fit_logit(design, group, labels, tol=tol, max_iter=max_iter)
        self.coef_ = fit.coef
        self.intercept_ = fit.intercept
        self.feature_names_in_ = labels
        self.n_features_in_ = len(labels)
        self.n_iter_ = fit.n_iter
        self._fitted = True
        return self

    def predict_proba(
        self,
        X: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any,
        *,
        names: Sequence[str] | None = None,
    ) -> FloatArray:
        """The probability of each class, scikit-learn's layout: column 1 is the propensity.

        Parameters
        ----------
        X : array-like of shape (n,) or (n, p), or a mapping of name to column
            Covariates: the columns seen in :meth:`fit`, in the same order (a mapping or data
            frame must hold the same names).
        names : sequence of str, optional
            The names of the columns of an array `X`.

        Returns
        -------
        ndarray of float64, shape (n, 2)
            ``P(control | X)`` and ``P(treated | X)``.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        SchemaError
            If `X` does not have the columns the model was fitted on.
        EstimationError
            If `X` holds a missing value (the rows are named), or values so large that the
            linear predictor overflows to inf - inf.
        """
        if not self._fitted:
            msg = "this PropensityModel is not fitted yet; call fit(X, treated) first"
            raise NotFittedError(msg)
        table = as_table(X)
        values, labels = named_matrix(table, "X", names=names)
        if values.shape[1] != self.n_features_in_:
            msg = f"expected {self.n_features_in_} columns, as in fit, got {values.shape[1]}"
            raise schema_error("X", msg)
        if (
            names is not None or callable(getattr(table, "keys", None))
        ) and labels != self.feature_names_in_:
            msg = f"expected the columns {list(self.feature_names_in_)} (as in fit), got {list(labels)}"
            raise schema_error("X", msg)
        with np.errstate(over="ignore", invalid="ignore"):
            eta = self.intercept_ + values @ self.coef_
        bad = np.isnan(eta)  # +-inf is a propensity of 1 or 0; NaN is inf - inf
        if bad.any():
            msg = (
                f"covariates times coefficients overflow in {rows_text(np.flatnonzero(bad))} "
                f"(values near 1e308 of opposite effects): {FLOAT_RANGE}"
            )
            raise EstimationError(msg)
        p = _expit(eta)
        return np.column_stack([1.0 - p, p])
