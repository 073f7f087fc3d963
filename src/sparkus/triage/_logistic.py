"""A logistic regression readiness model: binomial for two classes, multinomial for more.

The objective is scikit-learn's ``LogisticRegression(C=C, solver="lbfgs")``: an L2 penalty on the
coefficients (never on the intercept) plus ``C`` times the weighted sum of the log-losses. It is
minimised with scipy's L-BFGS-B on an analytic gradient, in coordinates where the features are
centred and scaled (which leaves the optimum unchanged and speeds up convergence). The losses
and their Hessian-vector products have a module of their own; the minimiser and the separation
check are shared with the ordinal model.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import align_rows
from sparkus._checks_fit import check_sample_weight
from sparkus._errors import EstimationError, Problem, SchemaError, shown
from sparkus._labels import refuse_spellings
from sparkus.triage._estimator import Estimator, feature_matrix, feature_names, fit_target
from sparkus.triage._fitting import (
    check_coefficients,
    check_optimiser_options,
    column_exponents,
    has_recession_direction,
    minimise,
    positive_number,
    row_blocks,
    scaled_columns,
    stable_dot,
    unit_weights,
    weighted_moments,
    weighted_variance,
)
from sparkus.triage._labels import fit_labels
from sparkus.triage._logistic_loss import (
    BinomialLoss,
    MultinomialLoss,
    feature_major,
    softmax_rows,
)

__all__ = ["LogisticReadinessModel"]

FloatArray = NDArray[np.float64]


def _check_hyperparameters(
    C: object, fit_intercept: object, tol: object, max_iter: object
) -> list[Problem]:
    """Problems with the hyper-parameters of a logistic model (empty if they are valid)."""
    problems: list[Problem] = []
    if C is not None and positive_number(C) is None:
        msg = f"expected a positive finite number or None (no penalty), got {C!r}"
        if isinstance(C, numbers.Real) and math.isinf(float(C)):
            msg += "; for an unpenalised model pass C=None"
        problems.append(Problem(("C",), msg))
    if not isinstance(fit_intercept, bool | np.bool_):
        msg = f"expected True or False, got {fit_intercept!r}"
        problems.append(Problem(("fit_intercept",), msg))
    problems.extend(check_optimiser_options(tol, max_iter))
    return problems


_MAX_PENALTY = 1e300
"""The largest L2 strength (per unit of total weight) fitted: the coefficients it leaves are
below 1e-300 times the gradient, zero for any use, and the solver's scales stay finite."""


def _penalty(c_total: float, exponent: int) -> float:
    """``2**-exponent / c_total``, the penalty per unit of weight, within [0, `_MAX_PENALTY`].

    C times the total weight beyond the floats leaves no penalty (0); below them (tiny C or
    tiny weights) a penalty beyond `_MAX_PENALTY`, which holds the coefficients at zero, is
    fitted as `_MAX_PENALTY` rather than as inf (whose product with a zero coefficient is NaN).
    """
    with np.errstate(over="ignore", divide="ignore"):
        strength = float(np.ldexp(1.0 / np.float64(c_total), -exponent))
    return min(strength, _MAX_PENALTY)


def _check_not_continuous(labels: NDArray[Any]) -> None:
    """SchemaError if float labels are not whole numbers: a continuous target, not classes."""
    if labels.dtype.kind == "f":
        fractional = labels[labels != np.round(labels)]
        if fractional.size:
            msg = (
                f"holds continuous values (such as {shown(fractional[0])}), not class labels; a "
                "classifier needs one of a few classes per row: pass integer or text labels, "
                "or bin the values first"
            )
            raise SchemaError([Problem(("y",), msg)])


def _encode_classes(y: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """Sorted unique labels and each row's code.

    SchemaError if labels do not compare, or if one label is written several ways (``"Ready"``
    and ``"ready "``): fitted apart, one class of an export would become several.
    """
    try:
        classes, codes = np.unique(y, return_inverse=True)
    except TypeError:
        msg = (
            "labels must be mutually comparable so that they sort (all numbers or all strings); "
            "encode them as integers or strings"
        )
        raise SchemaError([Problem(("y",), msg)]) from None
    refuse_spellings(classes.tolist(), "y")
    return classes, codes.reshape(-1).astype(np.intp)


def _decoupled(variance: FloatArray, penalty: float | FloatArray) -> NDArray[np.bool_]:
    """The columns whose penalty decouples their coefficients from every other parameter.

    A column whose (weighted, centred) variance is below ``2**-53`` times its penalty has, in
    the solver's coordinates (scaled by ``sqrt(variance + penalty)``), a curvature of one and
    no coupling to the other parameters, to float precision: its optimum is fixed by the
    others alone (:func:`_decoupled_coefficients`).
    """
    decoupled: NDArray[np.bool_] = variance < np.ldexp(penalty, -53)
    return decoupled


def _decoupled_coefficients(
    loss: BinomialLoss | MultinomialLoss,
    theta: FloatArray,
    decoupled: NDArray[np.bool_],
    scale: FloatArray,
    l2: float,
    exponents: NDArray[np.intp],
) -> FloatArray:
    """The coefficients of the `decoupled` columns at the optimum, in the data's units.

    Such a coefficient is tiny (its column hardly varies against the penalty), far below the
    absolute gradient the solver stops at, so the solver leaves it at an arbitrary value
    (wrong even in sign). Its optimum solves its own stationarity condition,
    ``l2 * coef = -d``, with ``d`` the gradient of the mean loss in it (the other parameters
    and the decoupled ones' negligible effect on the scores set at zero); for a column fitted
    divided by ``2**e`` that is ``coef = 2**e * (-d / l2)``, computed without forming the
    column's penalty ``l2 * 4**-e``, which leaves the floats for tiny columns.
    """
    rows = 1 if isinstance(loss, BinomialLoss) else loss.K
    mask = np.zeros(theta.size, dtype=bool)
    mask[: rows * decoupled.size] = np.tile(decoupled, rows)
    theta = theta.copy()
    theta[mask] = 0.0
    _, grad = loss(theta)
    # the solver's gradient of a zeroed decoupled coordinate is d / scale (d centred)
    d = grad[: rows * decoupled.size].reshape(rows, -1)[:, decoupled] * scale[decoupled]
    with np.errstate(under="ignore"):
        out: FloatArray = np.ldexp(-d / l2, exponents)
    return out


class _ClassCone:
    """Margins of a (quasi-)separation of classes: ``(D[y_i] - D[k]) @ x_i >= 0`` for k != y_i.

    ``D`` has one row per class with the last class's row fixed at zero (the others are free,
    flattened into ``d``); a row of the cone is a pair (row i, other class k), numbered
    ``i * (K - 1) + j`` where k is the j-th class other than ``y_i``.
    """

    def __init__(self, Xs: FloatArray, codes: NDArray[np.intp], n_classes: int) -> None:
        self.X, self.codes, self.K = Xs, codes, n_classes
        n, self.q = Xs.shape
        self.n_rows = n * (n_classes - 1)
        j = np.arange(n_classes - 1)
        self.others = j[None, :] + (j[None, :] >= codes[:, None])  # (n, K-1) class numbers
        per_class = np.zeros((n_classes, self.q))
        np.add.at(per_class, codes, Xs)
        self.total = (n_classes * per_class - Xs.sum(axis=0))[:-1].ravel()
        self.fixed = np.zeros((0, (n_classes - 1) * self.q))

    def _full(self, d: FloatArray) -> FloatArray:
        return np.vstack([d.reshape(self.K - 1, self.q), np.zeros((1, self.q))])

    def margins(self, d: FloatArray) -> FloatArray:
        scores = self.X @ self._full(d).T  # (n, K)
        own = np.take_along_axis(scores, self.codes[:, None], axis=1)
        other = np.take_along_axis(scores, self.others, axis=1)
        out: FloatArray = (own - other).ravel()
        return out

    def rows(self, index: NDArray[np.intp]) -> FloatArray:
        i = index // (self.K - 1)
        k = self.others[i, index % (self.K - 1)]
        y = self.codes[i]
        out = np.zeros((index.size, self.K, self.q))
        r = np.arange(index.size)
        out[r, y] = self.X[i]
        out[r, k] = -self.X[i]
        return out[:, :-1].reshape(index.size, -1)


class LogisticReadinessModel(Estimator):
    """Logistic regression of readiness on features, with an L2 penalty.

    Two classes give a binomial model with one row of coefficients; three or more a multinomial
    (softmax) model with one row per class. The fitted coefficients are those of scikit-learn's
    ``LogisticRegression(C=C, solver="lbfgs")``: the model minimises

    ``0.5 * ||coef||**2 + C * sum_i sample_weight_i * log_loss_i``

    where the intercept is never penalised.

    .. versionadded:: 0.1

    Parameters
    ----------
    C : float or None, default 1.0
        Inverse strength of the penalty; larger values penalise less. None fits the unpenalised
        (maximum-likelihood) model, which does not exist when the classes are separable.
    fit_intercept : bool, default True
        Whether to fit one intercept per class (one for two classes).
    tol : float, default 1e-10
        Stop when the largest entry of the gradient of the mean penalised loss (scikit-learn's
        scaling) falls below `tol`, in the centred and scaled coordinates the solver works in.
        L-BFGS-B does most of the work; Newton steps finish it when L-BFGS-B stalls above `tol`.
        A `tol` of 1e-8 or less asks for the optimum as exactly as float64 resolves it (Newton
        steps then run on to a gradient near 1e-14), so that refits agree to many digits.
    max_iter : int, default 1000
        Most L-BFGS-B iterations, at most 1,000,000; a :class:`~sparkus.SparkusWarning` says
        when they ran out.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted distinct labels seen in ``fit``.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients: one row (for ``classes_[1]``) with two classes, one per class otherwise.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts, zero if `fit_intercept` is False.
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : ndarray of str (object dtype), shape (n_features,)
        The column names of a pandas or polars `X` in ``fit``, when all are text; present only
        then. Later calls check a data frame's names against them (SchemaError if they differ).
    n_iter_ : int
        The number of L-BFGS-B iterations ``fit`` took, plus its Newton steps.

    Notes
    -----
    The multinomial model is over-parameterised: adding the same vector to every row of
    ``coef_`` (or the same number to every intercept) leaves the probabilities unchanged. With a
    penalty the optimum's rows of ``coef_`` sum to zero; sparkus also makes the intercepts sum to
    zero, which is where scikit-learn's solver (started at zero) lands. Without a penalty
    (``C=None``) the same convention fixes the solution: the columns of ``coef_`` and the
    intercepts each sum to zero across classes.

    With ``C=None``, ``fit`` first solves a small linear program (Konis, 2007) to check that the
    classes are not separable, since then the maximum-likelihood coefficients are infinite.

    The model follows scikit-learn's estimator protocol without depending on it: it works in
    ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``, and passes scikit-learn's
    ``check_estimator`` but for the checks listed, with the reason, in the triage guide.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = np.where(X[:, 0] - X[:, 1] + rng.normal(size=200) > 0, "ready", "not yet")
    >>> model = LogisticReadinessModel(C=1.0).fit(X, y)
    >>> model.classes_
    array(['not yet', 'ready'], dtype='<U7')
    >>> np.round(model.coef_, 2)
    array([[ 1.7 , -1.71,  0.01]])
    >>> np.round(model.predict_proba(X[:2]), 3)
    array([[0.399, 0.601],
           [0.257, 0.743]])
    >>> model.predict(X[:2])
    array(['ready', 'ready'], dtype='<U7')
    >>> round(model.score(X, y), 2)
    0.82
    """

    _param_names = ("C", "fit_intercept", "tol", "max_iter")

    def __init__(
        self,
        C: float | None = 1.0,
        *,
        fit_intercept: bool = True,
        tol: float = 1e-10,
        max_iter: int = 1000,
    ) -> None:
        self.C = C
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self._fitted = False

    classes_: NDArray[Any]
    coef_: FloatArray
    intercept_: FloatArray
    n_features_in_: int
    n_iter_: int

    # -- fitting ---------------------------------------------------------------------------

    def fit(self, X: object, y: object, sample_weight: object = None) -> Self:
        """Fit the model to features `X` and labels `y`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features.
        y : array-like of shape (n_samples,)
            Labels; at least two distinct values.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weight of each row; None weighs every row 1.

        Returns
        -------
        LogisticReadinessModel
            The fitted model (``self``).

        Raises
        ------
        SchemaError
            If a hyper-parameter or an input is malformed (non-finite features, mismatched
            lengths, `max_iter` above a million, pandas indexes of `X`, `y` and
            `sample_weight` that disagree, a sparse or complex `X`, a missing `y`, float
            labels that are not whole numbers, ...); every problem found is listed.
        EstimationError
            If `y` holds a single class (or `X` a single row), or if ``C=None`` and the
            classes are separable.
        """
        problems = _check_hyperparameters(self.C, self.fit_intercept, self.tol, self.max_iter)
        if problems:
            raise SchemaError(problems)
        X, y, sample_weight = align_rows(("X", X), ("y", y), ("sample_weight", sample_weight))
        names = feature_names(X)
        Xc = feature_matrix(X)
        fit_target(y, Xc.shape[0], type(self).__name__)
        labels = fit_labels(y, Xc.shape[0])
        _check_not_continuous(labels)
        sw = check_sample_weight(sample_weight, Xc.shape[0])
        classes, codes = _encode_classes(labels)
        if classes.shape[0] < 2:
            msg = (
                f"`y` holds a single class, {shown(classes[0])}; a classifier needs rows of at least "
                "two classes"
            )
            raise EstimationError(msg)
        n_classes = classes.shape[0]
        weightless = np.flatnonzero(np.bincount(codes, weights=sw, minlength=n_classes) == 0)
        if weightless.size:
            shown_classes = ", ".join(shown(c) for c in classes[weightless])
            msg = (
                f"every row of class {shown_classes} has sample weight 0: the model cannot learn "
                "a class from no weight (its probability would run to 0); drop its rows or give "
                "them weight"
            )
            raise EstimationError(msg)
        fit_intercept = bool(self.fit_intercept)
        if self.C is None:
            self._check_not_separable(Xc, codes, sw, n_classes, fit_intercept)

        # weights near the float limits (1e308, 5e-324): sum them scaled by 2**-e, exactly; the
        # penalty per unit of total weight, 1 / (C * sum(sw)), then is 2**-e / (C * total)
        unit, e = unit_weights(sw)
        total = float(unit.sum())
        w = unit / total
        l2 = 0.0 if self.C is None else _penalty(float(self.C) * total, e)
        # columns near the float limits are fitted divided by a power of two (exact), with
        # the penalty on the original coefficients kept: l2 * 4**-k per column
        # the losses read X feature-major (see _logistic_loss): one copy here, none for a
        # Fortran-ordered X, and the column statistics below read that copy too
        Xc = feature_major(Xc).T
        exponents = column_exponents(Xc)
        penalty: float | FloatArray = l2
        if exponents.any():
            Xc = np.asfortranarray(np.ldexp(Xc, -exponents))
            with np.errstate(over="ignore"):
                penalty = np.minimum(np.ldexp(l2, -2 * exponents), 1e300)
        p = Xc.shape[1]
        # With an intercept, a constant column's coefficient is 0 at the optimum (the intercept
        # does what it would, unpenalised) and the minimum-norm choice without a penalty; it is
        # left out of the solve, whose coordinates it would make singular.
        kept = np.ones(p, dtype=bool)
        variance = weighted_variance(Xc, w, w @ Xc if fit_intercept else np.zeros(p))
        if fit_intercept:
            kept = variance > 0
            if not kept.all():
                Xc = np.asfortranarray(Xc[:, kept])
                variance = variance[kept]
                if not isinstance(penalty, float):
                    penalty = penalty[kept]
        mean, scale = weighted_moments(
            Xc, w, ridge=penalty, center=fit_intercept, variance=variance
        )
        q = Xc.shape[1]
        freq = np.bincount(codes, weights=w, minlength=n_classes)
        log_freq = np.log(np.clip(freq, 1e-12, None))
        what = f"{type(self).__name__}.fit"
        loss: BinomialLoss | MultinomialLoss
        if n_classes == 2:
            loss = BinomialLoss(
                Xc, (codes == 1).astype(np.float64), w, penalty, mean, scale, fit_intercept
            )
            theta0 = np.zeros(q + int(fit_intercept))
            if fit_intercept:
                theta0[q] = log_freq[1] - log_freq[0]
            theta, n_iter = minimise(
                loss, theta0, float(self.tol), int(self.max_iter), what, loss.hessp_at, loss.project
            )
            coef_b, intercept_b = loss.to_original(theta)
            coef = coef_b.reshape(1, q)
            intercept = np.array([intercept_b])
        else:
            loss = MultinomialLoss(Xc, codes, n_classes, w, penalty, mean, scale, fit_intercept)
            theta0 = np.zeros(n_classes * q + n_classes * int(fit_intercept))
            if fit_intercept:
                theta0[n_classes * q :] = log_freq - log_freq.mean()
            theta, n_iter = minimise(
                loss, theta0, float(self.tol), int(self.max_iter), what, loss.hessp_at, loss.project
            )
            coef, intercept = loss.to_original(theta)
            coef -= coef.mean(axis=0)
            intercept -= intercept.mean()
        if not kept.all():
            full = np.zeros((coef.shape[0], p))
            full[:, kept] = coef
            coef = full
        if exponents.any():
            with np.errstate(over="ignore"):
                coef = np.ldexp(coef, -exponents)
        decoupled = _decoupled(variance, penalty)
        if decoupled.any():
            columns = np.flatnonzero(kept)[decoupled]
            coef[:, columns] = _decoupled_coefficients(
                loss, theta, decoupled, scale, l2, exponents[columns]
            )
        check_coefficients(coef, what)
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(coef)
        self.intercept_ = intercept
        self.n_features_in_ = p
        self._set_feature_names(names)
        self.n_iter_ = n_iter
        self._fitted = True
        return self

    @staticmethod
    def _check_not_separable(
        X: FloatArray, codes: NDArray[np.intp], sw: FloatArray, n_classes: int, intercept: bool
    ) -> None:
        keep = sw > 0
        Xt = X[keep]
        if intercept:
            Xt = np.hstack([Xt, np.ones((Xt.shape[0], 1))])
        if has_recession_direction(_ClassCone(scaled_columns(Xt), codes[keep], n_classes)):
            msg = (
                "the classes are perfectly (or quasi-perfectly) separable: a linear combination "
                "of the features ranks every row's own class first, so the maximum-likelihood "
                "coefficients are infinite and C=None has no solution. Pass a finite C (e.g. "
                "C=1.0) to fit a penalised model, or drop the separating features"
            )
            raise EstimationError(msg)

    # -- prediction ------------------------------------------------------------------------

    def _scores(self, X: FloatArray) -> FloatArray:
        """``X @ coef_.T + intercept_``, shape (n_samples, 1 or n_classes), block by block."""
        out = np.empty((X.shape[0], self.coef_.shape[0]))
        for rows in row_blocks(*X.shape):
            out[rows] = self._block_scores(X[rows])
        return out

    def _block_scores(self, Xb: FloatArray) -> FloatArray:
        """``Xb @ coef_.T + intercept_`` for a block of rows; ±inf, never NaN, on overflow."""
        with np.errstate(over="ignore", invalid="ignore"):
            block = Xb @ self.coef_.T
        if not np.isfinite(block).all():
            for k in range(block.shape[1]):
                block[:, k] = stable_dot(Xb, self.coef_[k])
        block += self.intercept_
        return block

    def _predicted(self, X: FloatArray) -> NDArray[Any]:
        """The most probable class of each row of a checked `X`."""
        scores = self._scores(X)
        if scores.shape[1] == 1:
            index = (scores[:, 0] > 0).astype(np.intp)
        else:
            index = np.argmax(scores, axis=1)
        labels: NDArray[Any] = self.classes_[index]
        return labels

    def decision_function(self, X: object) -> FloatArray:
        """Linear scores of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features, the columns seen in ``fit``.

        Returns
        -------
        ndarray of float64, shape (n_samples,) or (n_samples, n_classes)
            ``X @ coef_.T + intercept_``: one column for two classes (flattened; positive
            favours ``classes_[1]``), one per class otherwise.
        """
        scores = self._scores(self._checked(X))
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X: object) -> FloatArray:
        """Probability of each class, shape (n_samples, n_classes), columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features, the columns seen in ``fit``.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)
            Probabilities; each row sums to one.
        """
        Xc = self._checked(X)
        if self.classes_.shape[0] == 2:
            from scipy import special

            out = np.empty((Xc.shape[0], 2))
            for rows in row_blocks(*Xc.shape):
                z = self._block_scores(Xc[rows])[:, 0]
                special.expit(z, out=out[rows, 1])
                special.expit(-z, out=out[rows, 0])
            return out
        out = np.empty((Xc.shape[0], self.classes_.shape[0]))
        for rows in row_blocks(*Xc.shape):
            out[rows] = softmax_rows(self._block_scores(Xc[rows]))
        return out

    def predict(self, X: object) -> NDArray[Any]:
        """The most probable class of each row, shape (n_samples,).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features, the columns seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        return self._predicted(self._checked(X))
