"""The propensity model: unpenalised maximum-likelihood logistic regression, fitted by Newton.

The columns are centred and scaled before the fit (a reparametrisation that moves only the
intercept and rescales the slopes, mapped back exactly afterwards), so that Newton's method meets
a well-conditioned Hessian whatever the units of the covariates. A design whose columns are
linearly dependent is refused before any iteration, with the dependent columns named (the check
of the least-squares core, ``_linalg``). Perfect or quasi-complete separation, where the
likelihood has no finite maximum and some fitted propensities run to 0 or 1, is refused too: a
propensity of 0 or 1 means that some people had no comparable counterpart in the other group
("no overlap"), and no weighting estimator can use them.

The Hessian ``Z'WZ`` is formed as ``B'B`` with ``B = √W Z``, which numpy hands to the
symmetric rank-k BLAS routine. A fit on a large sample starts from the fit on a systematic
subsample of about 20,000 rows, so that the full data see only the last two or three Newton
steps; the answer is the same maximum, to the tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final, Self

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._errors import EstimationError, NotFittedError
from sparkus.metrics._checks import (
    BoolArray,
    FloatArray,
    indicator,
    matrix,
    number_check,
    rows_text,
    same_length,
    schema_error,
)
from sparkus.metrics._linalg import _checked_cholesky

__all__ = ["PropensityModel"]

SEPARATION: Final = 1e-10
"""A fitted propensity below this (or above 1 minus it) counts as 0 (or 1): no overlap."""
_MAX_LOGIT: Final = 30.0
"""A linear predictor beyond ±30 (a propensity within 1e-13 of 0 or 1) stops Newton: separation."""
_SHORT_STEP: Final = 0.5
"""Newton steps shorter than this (in the scaled coordinates) skip the line search."""
_WARM_ROWS: Final = 20_000
_WARM_MIN: Final = 100_000


@attrs.frozen(eq=False)
class LogitFit:
    """A fitted propensity model (internal; the estimators of ``_weighting`` use it).

    `design` is the centred and scaled design, a column of ones first; `hessian` is
    ``design' W design / n`` at the optimum, the average Fisher information in those coordinates,
    which the stacked standard errors of the weighting estimators need.
    """

    intercept: float
    coef: FloatArray
    propensity: FloatArray
    design: FloatArray
    mean: FloatArray
    sd: FloatArray
    hessian: FloatArray
    n_iter: int


def _expit(eta: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * eta))  # exact to rounding, no overflow
    return out


def design_check(X: FloatArray, names: Sequence[str]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``[1, (X - mean) / scale]``, the mean and the scale; an error naming dependent columns."""
    n, k = X.shape
    mean = X.mean(axis=0)
    design = np.empty((n, k + 1))
    design[:, 0] = 1.0
    np.subtract(X, mean, out=design[:, 1:])
    gram = design.T @ design  # one symmetric rank-k update
    length = np.sqrt(np.diag(gram)[1:])
    # the rank check of the least-squares core, on the unit-diagonal cross products
    size = np.concatenate([[math.sqrt(n)], length])
    scale = np.where(size > 0, size, 1.0)
    _checked_cholesky(
        gram / np.outer(scale, scale), size, np.concatenate([[0.0], mean]), 0,
        ("intercept", *names),
    )  # fmt: skip
    sd = length / math.sqrt(n)
    design[:, 1:] /= sd
    return design, mean, sd


def _newton(
    design: FloatArray, treated: FloatArray, start: FloatArray, tol: float, max_iter: int
) -> tuple[FloatArray, FloatArray, FloatArray, int, bool]:
    """Newton's method, halving long steps that would lower the log-likelihood.

    Returns (beta, p, hessian, iterations, converged); the Hessian is the one of the last step,
    which differs from the one at `beta` by the order of `tol`.
    """
    beta = start.copy()
    eta = design @ beta
    p = _expit(eta)
    loglik: float | None = None
    k = len(beta)
    # [√w Z, (t - p) / √w]: one symmetric product gives the Hessian Z'WZ and the gradient Z'(t - p)
    root = np.empty((design.shape[0], k + 1))
    hessian = np.zeros((k, k))
    for iteration in range(1, max_iter + 1):
        sqrt_w = np.sqrt(p * (1.0 - p))
        np.multiply(design, sqrt_w[:, np.newaxis], out=root[:, :k])
        np.divide(treated - p, sqrt_w, out=root[:, k])
        product = root.T @ root
        hessian, gradient = product[:k, :k], product[:k, k]
        try:
            factor = np.linalg.cholesky(hessian)
        except np.linalg.LinAlgError:
            return beta, p, hessian, iteration, False
        step = np.linalg.solve(factor.T, np.linalg.solve(factor, gradient))
        new_eta = design @ (beta + step)
        if np.max(np.abs(step)) > _SHORT_STEP:  # a long step: make sure it climbs
            loglik = _loglik(eta, treated) if loglik is None else loglik
            for _ in range(30):
                new_loglik = _loglik(new_eta, treated)
                if new_loglik >= loglik - 1e-12 * abs(loglik):
                    break
                step /= 2.0
                new_eta = design @ (beta + step)
            loglik = new_loglik
        else:
            loglik = None
        beta += step
        eta = new_eta
        p = _expit(eta)
        if np.max(np.abs(eta)) > _MAX_LOGIT:
            return beta, p, hessian, iteration, False
        if np.max(np.abs(step)) <= tol:
            return beta, p, hessian, iteration, True
    return beta, p, hessian, max_iter, False


def _loglik(eta: FloatArray, treated: FloatArray) -> float:
    # log(1 + exp(eta)) computed stably; the log-likelihood is sum(t * eta - log(1 + e^eta))
    return float(treated @ eta - np.logaddexp(0.0, eta).sum())


def _separation_error(p: FloatArray, treated: BoolArray) -> EstimationError:
    extreme = (p > 1.0 - SEPARATION) | (p < SEPARATION)
    rows = np.flatnonzero(extreme)
    if len(rows):
        n_treated = int(np.count_nonzero(treated[rows]))
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
) -> LogitFit:
    """The maximum-likelihood logistic regression of `treated` on ``[1, X]`` (finite inputs)."""
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
    design, mean, sd = design_check(X, names)
    t = treated.astype(np.float64)
    share = count / n
    start = np.zeros(design.shape[1])
    start[0] = math.log(share / (1.0 - share))
    total = 0
    if n >= _WARM_MIN:  # a subsample brings the start within a few steps of the optimum
        stride = n // _WARM_ROWS
        sub_t = t[::stride]
        if 0.0 < sub_t.mean() < 1.0:
            sub = np.ascontiguousarray(design[::stride])
            warm, _, _, total, ok = _newton(sub, sub_t, start, 1e-6, max_iter)
            if ok:
                start = warm
    beta, p, hessian, iterations, converged = _newton(design, t, start, tol, max_iter)
    total += iterations
    if not converged or p.min() < SEPARATION or p.max() > 1.0 - SEPARATION:
        if not converged and np.max(np.abs(design @ beta)) <= _MAX_LOGIT:
            msg = (
                f"the propensity model did not converge in {max_iter} Newton steps; the data may "
                "be close to separation (the covariates almost split treated from control units)"
            )
            raise EstimationError(msg)
        raise _separation_error(p, treated)
    coef = beta[1:] / sd
    return LogitFit(
        intercept=float(beta[0] - coef @ mean),
        coef=coef,
        propensity=p,
        design=design,
        mean=mean,
        sd=sd,
        hessian=hessian / n,
        n_iter=total,
    )


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise schema_error(name, f"expected a positive integer, got {value!r}")
    return int(value)


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
        convergence is quadratic, so the last step leaves an error far below `tol`.
    max_iter : int, default 100
        The most Newton steps.

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
        The Newton steps taken.
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
            If `treated` is not 0/1, or an option is invalid.
        """
        tol = number_check(self.tol, "tol", low=0.0, low_open=True, what="a positive number")
        max_iter = _positive_int(self.max_iter, "max_iter")
        design, labels = matrix(X, "X", names=names)
        group = indicator(treated, "treated")
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
            If `X` holds a missing value (the rows are named).
        """
        if not self._fitted:
            msg = "this PropensityModel is not fitted yet; call fit(X, treated) first"
            raise NotFittedError(msg)
        values, labels = matrix(X, "X", names=names)
        if values.shape[1] != self.n_features_in_:
            msg = f"expected {self.n_features_in_} columns, as in fit, got {values.shape[1]}"
            raise schema_error("X", msg)
        if (
            names is not None or callable(getattr(X, "keys", None))
        ) and labels != self.feature_names_in_:
            msg = f"expected the columns {list(self.feature_names_in_)} (as in fit), got {list(labels)}"
            raise schema_error("X", msg)
        p = _expit(self.intercept_ + values @ self.coef_)
        return np.column_stack([1.0 - p, p])
