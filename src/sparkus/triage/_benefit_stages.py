"""The stages of :class:`~sparkus.triage.BenefitModel`: folds, nuisance fits and the final fit.

Plain numpy and scipy, so the doubly robust learner needs no scikit-learn (scipy is imported
when a fit starts, never at ``import sparkus``):

- :func:`stratified_folds`: a fold per row, stratified on the arm, seeded;
- :func:`crossfit_logistic`: unpenalised maximum-likelihood logistic regressions, one without
  each fold (Newton's method with step halving, warm-started from the fit on all rows), the
  built-in propensity model;
- :func:`crossfit_linear`: least squares without each fold, from per-fold Gram matrices (the
  built-in outcome model);
- :func:`clone`: a fresh copy of a plug-in model, as ``sklearn.base.clone`` makes it;
- :func:`plugin_predictions` and :func:`plugin_propensities`: a plug-in's predictions, checked
  (numbers, one per row, finite; probabilities in ``[0, 1]`` for the class 1).

The final stage (least squares or ridge, with its HC1 covariance) and the units the built-in
models are fitted in live in :mod:`sparkus.triage._benefit_final`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from sparkus._checks import FloatArray, IntArray, describe, schema_error

__all__ = [
    "clone",
    "crossfit_linear",
    "crossfit_logistic",
    "expit",
    "plugin_predictions",
    "plugin_propensities",
    "stratified_folds",
    "with_intercept",
]

_MAX_NEWTON: Final = 50
_GRADIENT_TOL: Final = 1e-10
_STEP_TOL: Final = 1e-7


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


def _plugin_array(values: object, name: str, method: str) -> FloatArray:
    """A plug-in's output as float64; a SchemaError naming `name` if it holds no numbers."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):  # ragged sequences
        array = np.asarray(None)
    if array.dtype.kind not in "biuf":
        what = f"an array of {array.dtype}" if array.dtype.kind != "O" else describe(values)
        raise schema_error(name, f"`{method}` returned {what}; it must return numbers")
    return array.astype(np.float64, copy=False)


def _refuse_not_finite(array: FloatArray, name: str, method: str) -> None:
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        msg = (
            f"`{method}` returned {float(array[bad[0]])} for {bad.size:,} of the "
            f"{array.shape[0]:,} rows it was given; it must return a finite number for each"
        )
        raise schema_error(name, msg)


def plugin_predictions(values: object, rows: int, name: str) -> FloatArray:
    """A plug-in regressor's ``predict`` output: one finite number per row (else SchemaError)."""
    array = _plugin_array(values, name, "predict")
    if array.size != rows or (array.ndim > 1 and max(array.shape) != array.size):
        msg = f"`predict` returned shape {array.shape} for {rows:,} rows; expected ({rows},)"
        raise schema_error(name, msg)
    flat = array.reshape(-1)
    _refuse_not_finite(flat, name, "predict")
    return flat


def plugin_propensities(model: object, values: object, rows: int, name: str) -> FloatArray:
    """The class-1 column of a plug-in classifier's ``predict_proba``, checked.

    One column per class of ``classes_`` (``[0, 1]`` when the model has none), one row per row,
    and probabilities in ``[0, 1]``: else a SchemaError naming `name`.
    """
    array = _plugin_array(values, name, "predict_proba")
    classes = np.asarray(getattr(model, "classes_", [0, 1])).tolist()
    if not any(type(c) is not str and c == 1 for c in classes):
        msg = f"has classes_ {classes!r}, without the class 1 (treated) it was fitted on"
        raise schema_error(name, msg)
    if array.shape != (rows, len(classes)):
        msg = (
            f"`predict_proba` returned shape {array.shape} for {rows:,} rows and classes_ "
            f"{classes!r}; expected ({rows}, {len(classes)}), one column per class"
        )
        raise schema_error(name, msg)
    column = array[:, next(k for k, c in enumerate(classes) if type(c) is not str and c == 1)]
    _refuse_not_finite(column, name, "predict_proba")
    outside = np.flatnonzero((column < 0.0) | (column > 1.0))
    if outside.size:
        msg = (
            f"`predict_proba` returned {float(column[outside[0]])} for {outside.size:,} of the "
            f"{rows:,} rows it was given; probabilities lie in [0, 1]"
        )
        raise schema_error(name, msg)
    return column


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


def expit(eta: FloatArray) -> FloatArray:
    """The logistic function ``1 / (1 + exp(-eta))``, without overflow."""
    small = np.exp(-np.abs(eta))
    return np.asarray(np.where(eta >= 0.0, 1.0, small) / (1.0 + small), dtype=np.float64)


def with_intercept(X: FloatArray) -> FloatArray:
    """``[1, X]``: the design of a fit with an intercept."""
    Z = np.empty((X.shape[0], X.shape[1] + 1))
    Z[:, 0] = 1.0
    Z[:, 1:] = X
    return Z


def _excluding(
    Z: FloatArray, y: FloatArray, bounds: Sequence[tuple[int, int]], f: int
) -> tuple[FloatArray, FloatArray]:
    """The rows of every fold but `f` (a copy: only for the rare singular fallback)."""
    keep = np.ones(Z.shape[0], dtype=bool)
    keep[bounds[f][0] : bounds[f][1]] = False
    return Z[keep], y[keep]


def crossfit_linear(
    Z: FloatArray, y: FloatArray, bounds: Sequence[tuple[int, int]]
) -> list[FloatArray]:
    """Least-squares coefficients of `y` on the design `Z` fitted without each fold in turn.

    The rows are sorted by fold (fold ``f`` is ``Z[a:b]`` for ``(a, b) = bounds[f]``), so each
    fold's Gram matrix comes from a view, and each fit subtracts its fold from the whole:
    one pass over the data for every fold's fit.
    """
    import scipy.linalg

    parts = [(Z[a:b].T @ Z[a:b], Z[a:b].T @ y[a:b]) for a, b in bounds]
    gram = sum((g for g, _ in parts), np.zeros((Z.shape[1], Z.shape[1])))
    rhs = sum((r for _, r in parts), np.zeros(Z.shape[1]))
    out = []
    for f, (g, r) in enumerate(parts):
        train_gram, train_rhs = gram - g, rhs - r
        try:
            factor = scipy.linalg.cho_factor(train_gram, check_finite=False)
            ok = np.linalg.cond(train_gram) < 1e10
        except np.linalg.LinAlgError:
            ok = False
        if ok:
            out.append(np.asarray(scipy.linalg.cho_solve(factor, train_rhs, check_finite=False)))
        else:
            Zt, yt = _excluding(Z, y, bounds, f)
            out.append(np.asarray(scipy.linalg.lstsq(Zt, yt, lapack_driver="gelsy")[0]))
    return out


def _newton_logistic(
    Z: FloatArray, t: FloatArray, slices: Sequence[tuple[int, int]], beta: FloatArray
) -> FloatArray:
    """Maximise the log-likelihood over the rows ``Z[a:b]`` of `slices`, from `beta`.

    Newton's method with step halving; under (quasi-)separation the coefficients grow until
    the step limit and the propensities come out near 0 or 1, which the learner's clip and
    overlap warning then handle.
    """
    import scipy.linalg

    n = sum(b - a for a, b in slices)

    def evaluate(b_: FloatArray) -> tuple[float, list[FloatArray]]:
        """The log-likelihood at `b_` and each slice's probabilities, from one ``exp``."""
        value, probs = 0.0, []
        for a, b in slices:
            eta = Z[a:b] @ b_
            small = np.exp(-np.abs(eta))  # in (0, 1]: no overflow either way
            value += float(t[a:b] @ eta - (np.maximum(eta, 0.0) + np.log1p(small)).sum())
            probs.append(np.where(eta >= 0.0, 1.0, small) / (1.0 + small))
        return value, probs

    current, probs = evaluate(beta)
    for _ in range(_MAX_NEWTON):
        gradient = np.zeros(Z.shape[1])
        hessian = np.zeros((Z.shape[1], Z.shape[1]))
        for (a, b), p in zip(slices, probs, strict=True):
            gradient += Z[a:b].T @ (t[a:b] - p)
            root = Z[a:b] * np.sqrt(p * (1.0 - p))[:, None]
            hessian += root.T @ root  # numpy's A.T @ A is a symmetric rank-k update: half the work
        if np.max(np.abs(gradient)) < _GRADIENT_TOL * n:
            break
        step: FloatArray
        try:
            step = scipy.linalg.solve(hessian, gradient, assume_a="pos", check_finite=False)
        except (np.linalg.LinAlgError, ValueError):
            step = np.asarray(np.linalg.lstsq(hessian, gradient, rcond=None)[0], dtype=np.float64)
        size = 1.0
        while size > 1e-8:
            trial = beta + size * step
            value, trial_probs = evaluate(trial)
            if value >= current - 1e-12 * abs(current):
                beta, current, probs = trial, value, trial_probs
                break
            size /= 2.0
        else:
            break
        if size == 1.0 and np.max(np.abs(step)) < _STEP_TOL:
            break  # Newton converges quadratically: the next step would be ~1e-14, not worth a pass
    return beta


def crossfit_logistic(
    Z: FloatArray, t: FloatArray, bounds: Sequence[tuple[int, int]]
) -> list[FloatArray]:
    """Unpenalised logistic coefficients of 0/1 `t` on the design `Z` without each fold.

    Rows sorted by fold as in :func:`crossfit_linear`. One fit on all rows first; each fold's
    fit starts from it, so Newton's method needs only a step or two per fold.
    """
    whole = _newton_logistic(Z, t, [(0, Z.shape[0])], np.zeros(Z.shape[1]))
    out = []
    for f in range(len(bounds)):
        others = [bounds[g] for g in range(len(bounds)) if g != f]
        out.append(_newton_logistic(Z, t, others, whole.copy()))
    return out
