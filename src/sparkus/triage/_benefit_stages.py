"""The stages of :class:`~sparkus.triage.BenefitModel`: folds, nuisance fits and the final fit.

Plain numpy and scipy, so the doubly robust learner needs no scikit-learn:

- :func:`stratified_folds`: a fold per row, stratified on the arm, seeded;
- :func:`fit_logistic`: an unpenalised maximum-likelihood logistic regression with an intercept
  (Newton's method with step halving), the built-in propensity model;
- :func:`fit_linear`: least squares with an intercept (the built-in outcome model and the
  "linear" final stage) and ridge with an unpenalised intercept (the "ridge" final stage);
- :func:`sandwich`: the HC1 heteroskedasticity-robust covariance of a (ridge) least-squares fit,
  as statsmodels' ``cov_type="HC1"`` gives for OLS;
- :func:`clone`: a fresh copy of a plug-in model, as ``sklearn.base.clone`` makes it.
"""

from __future__ import annotations

import copy
from typing import Any, Final

import numpy as np
import scipy.linalg
import scipy.special

from sparkus._checks import FloatArray, IntArray

__all__ = ["clone", "fit_linear", "fit_logistic", "sandwich", "stratified_folds"]

_MAX_NEWTON: Final = 50
_GRADIENT_TOL: Final = 1e-10


def clone(model: object) -> Any:
    """A fresh, unfitted copy of a plug-in, as ``sklearn.base.clone`` makes it.

    ``type(m)(**m.get_params())`` when it has ``get_params`` (scikit-learn's convention, without
    importing scikit-learn), else a deep copy.
    """
    get_params = getattr(model, "get_params", None)
    if callable(get_params):
        params = get_params(deep=False)
        return type(model)(**{k: copy.deepcopy(v) for k, v in params.items()})
    return copy.deepcopy(model)


def stratified_folds(codes: IntArray, folds: int, rng: np.random.Generator) -> IntArray:
    """A fold number ``0 .. folds-1`` per row: each arm's rows are shuffled and dealt round.

    Dealing each arm in turn from where the previous one stopped keeps the folds' sizes within
    one row of each other, and every fold holds ``count // folds`` or one more rows of each arm.
    """
    fold = np.empty(codes.shape[0], dtype=np.intp)
    start = 0
    for arm in np.unique(codes):
        rows = np.flatnonzero(codes == arm)
        rows = rows[rng.permutation(rows.shape[0])]
        fold[rows] = (start + np.arange(rows.shape[0])) % folds
        start = (start + rows.shape[0]) % folds
    return fold


def _with_intercept(X: FloatArray) -> FloatArray:
    return np.column_stack([np.ones(X.shape[0]), X])


def fit_logistic(X: FloatArray, t: FloatArray) -> FloatArray:
    """Coefficients ``[intercept, slopes...]`` of the logistic regression of 0/1 `t` on `X`.

    Newton's method from zero with step halving on the log-likelihood; under (quasi-)separation
    the coefficients grow until the step limit and the propensities come out near 0 or 1, which
    the learner's clip and overlap warning then handle.
    """
    Z = _with_intercept(X)
    beta = np.zeros(Z.shape[1])

    def loglik(b: FloatArray) -> float:
        eta = Z @ b
        return float(t @ eta - np.logaddexp(0.0, eta).sum())

    current = loglik(beta)
    for _ in range(_MAX_NEWTON):
        p = scipy.special.expit(Z @ beta)
        gradient = Z.T @ (t - p)
        if np.max(np.abs(gradient)) < _GRADIENT_TOL * Z.shape[0]:
            break
        hessian = np.asarray((Z * (p * (1.0 - p))[:, None]).T @ Z, dtype=np.float64)
        step: FloatArray
        try:
            step = scipy.linalg.solve(hessian, gradient, assume_a="pos")
        except (np.linalg.LinAlgError, ValueError):
            step = np.asarray(np.linalg.lstsq(hessian, gradient, rcond=None)[0], dtype=np.float64)
        size = 1.0
        while size > 1e-8:
            trial = beta + size * step
            value = loglik(trial)
            if value >= current - 1e-12 * abs(current):
                beta, current = trial, value
                break
            size /= 2.0
        else:
            break
    return beta


def predict_logistic(beta: FloatArray, X: FloatArray) -> FloatArray:
    """The probabilities of the logistic regression with coefficients `beta` at `X`."""
    return np.asarray(scipy.special.expit(beta[0] + X @ beta[1:]), dtype=np.float64)


def fit_linear(X: FloatArray, y: FloatArray, alpha: float = 0.0) -> FloatArray:
    """Coefficients ``[intercept, slopes...]`` of least squares of `y` on `X`.

    Ridge with penalty `alpha` on the slopes when it is positive; the intercept is never
    penalised.
    """
    if alpha == 0.0:
        Z = _with_intercept(X)
        beta: FloatArray = scipy.linalg.lstsq(Z, y, lapack_driver="gelsy")[0]
        return beta
    mean_x = X.mean(axis=0)
    Xc = X - mean_x
    gram = Xc.T @ Xc + alpha * np.eye(X.shape[1])
    slopes = scipy.linalg.solve(gram, Xc.T @ (y - y.mean()), assume_a="pos")
    return np.concatenate([[y.mean() - mean_x @ slopes], slopes])


def sandwich(X: FloatArray, y: FloatArray, beta: FloatArray, alpha: float = 0.0) -> FloatArray:
    """The HC1 covariance of `beta` (from :func:`fit_linear` with the same `alpha`).

    ``n / (n - p) · B⁻¹ Zᵀ diag(e²) Z B⁻¹`` with ``Z = [1, X]``, ``e`` the residuals and
    ``B = ZᵀZ`` plus `alpha` on the slopes' diagonal: statsmodels' ``OLS(...).fit(cov_type="HC1")``
    when `alpha` is 0.
    """
    Z = _with_intercept(X)
    n, p = Z.shape
    resid = y - Z @ beta
    bread = Z.T @ Z
    if alpha:
        bread[np.arange(1, p), np.arange(1, p)] += alpha
    inverse = np.linalg.pinv(bread, hermitian=True)
    meat = (Z * (resid**2)[:, None]).T @ Z
    cov: FloatArray = inverse @ meat @ inverse * (n / (n - p))
    return cov
