"""A proportional-odds (cumulative logit) readiness model for ordered levels.

The model is ``P(y <= k | x) = sigmoid(theta_k - x @ beta)`` with increasing thresholds
``theta``; it is fitted by maximum likelihood with scipy's L-BFGS-B on an analytic gradient, in
statsmodels' parameterisation (the first threshold, then the logarithms of the increments), which
keeps the thresholds increasing without constraints.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Self, cast

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import align_rows
from sparkus._errors import EstimationError, SchemaError
from sparkus.triage._estimator import Estimator, feature_matrix, feature_names, fit_target
from sparkus.triage._fitting import (
    check_coefficients,
    check_optimiser_options,
    column_exponents,
    has_recession_direction,
    minimise,
    scaled_columns,
    stable_dot,
    weighted_moments,
    weighted_variance,
)
from sparkus.triage._labels import scalar
from sparkus.triage._order import check_order, encode_ordered

__all__ = ["OrdinalReadinessModel"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def _check_full_rank(X: FloatArray) -> None:
    """EstimationError if a column is constant or the columns are collinear once centred."""
    w = np.full(X.shape[0], 1.0 / X.shape[0])
    mean, scale = weighted_moments(X, w)
    constant = np.nonzero(weighted_variance(X, w, mean) == 0.0)[0]
    if constant.size:
        cols = ", ".join(str(int(c)) for c in constant)
        msg = (
            f"column{'s' if constant.size > 1 else ''} {cols} of `X` "
            f"{'are' if constant.size > 1 else 'is'} constant; the thresholds already play the "
            "intercept's role, so drop constant columns"
        )
        raise EstimationError(msg)
    Z = (X - mean) / scale
    rank = int(np.linalg.matrix_rank(Z))
    if rank < X.shape[1]:
        msg = (
            f"the columns of `X` are collinear (rank {rank} of {X.shape[1]} once centred), so the "
            "coefficients are not identified; drop redundant columns"
        )
        raise EstimationError(msg)


class _LevelCone:
    """Margins of a (quasi-)separation of ordered levels, as constraints on a direction.

    A direction ``d = [d_beta, d_theta]`` separates when no row's probability can fall along
    it: every row's upper bound ``theta[y] - x @ beta`` rises (row numbers 0 .. n_upper-1) and
    its lower bound ``theta[y-1] - x @ beta`` falls (the following rows), while the thresholds
    stay increasing (the fixed rows).
    """

    def __init__(self, Xs: FloatArray, codes: IntArray, n_classes: int) -> None:
        self.X, self.K = Xs, n_classes
        self.p = Xs.shape[1]
        q = self.p + n_classes - 1
        self.upper = np.nonzero(codes < n_classes - 1)[0]
        self.lower = np.nonzero(codes > 0)[0]
        self.upper_level = codes[self.upper]
        self.lower_level = codes[self.lower] - 1
        self.n_rows = self.upper.size + self.lower.size
        total = np.zeros(q)
        total[: self.p] = Xs[self.lower].sum(axis=0) - Xs[self.upper].sum(axis=0)
        total[self.p :] = np.bincount(self.upper_level, minlength=n_classes - 1) - np.bincount(
            self.lower_level, minlength=n_classes - 1
        )
        self.total = total
        self.fixed = np.zeros((n_classes - 2, q))
        k = np.arange(n_classes - 2)
        self.fixed[k, self.p + k + 1] = 1.0  # d_theta[k+1] - d_theta[k] >= 0
        self.fixed[k, self.p + k] = -1.0

    def margins(self, d: FloatArray) -> FloatArray:
        eta = self.X @ d[: self.p]
        d_theta = d[self.p :]
        return np.concatenate(
            [
                d_theta[self.upper_level] - eta[self.upper],
                eta[self.lower] - d_theta[self.lower_level],
            ]
        )

    def rows(self, index: IntArray) -> FloatArray:
        out = np.zeros((index.size, self.p + self.K - 1))
        is_upper = index < self.upper.size
        r = np.nonzero(is_upper)[0]
        u = index[is_upper]
        out[r, : self.p] = -self.X[self.upper[u]]
        out[r, self.p + self.upper_level[u]] = 1.0
        r = np.nonzero(~is_upper)[0]
        b = index[~is_upper] - self.upper.size
        out[r, : self.p] = self.X[self.lower[b]]
        out[r, self.p + self.lower_level[b]] = -1.0
        return out


def _thresholds(params_tail: FloatArray) -> FloatArray:
    """Thresholds from statsmodels' parameters ``[theta_0, log increments...]``."""
    steps = np.concatenate([[0.0], np.cumsum(np.exp(params_tail[1:]))])
    out: FloatArray = params_tail[0] + steps
    return out


class _CumulativeLogitLoss:
    """Mean negative log-likelihood of the proportional-odds model and its gradient.

    The solver's parameters are ``[v, t0, u]``: ``beta = v / scale`` (scaled features),
    ``theta_0 = t0 + mean @ beta`` (centred features) and ``theta_k - theta_(k-1) = exp(u_k)``.
    """

    def __init__(
        self, X: FloatArray, codes: IntArray, n_classes: int, mean: FloatArray, scale: FloatArray
    ) -> None:
        from scipy import special

        self.special = special
        self.X, self.mean, self.scale = X, mean, scale
        self.n, self.p = X.shape
        self.K = n_classes
        self.lo = np.nonzero(codes == 0)[0]
        self.hi = np.nonzero(codes == n_classes - 1)[0]
        self.mid = np.nonzero((codes > 0) & (codes < n_classes - 1))[0]
        self.mid_codes = codes[self.mid]

    def to_statsmodels(self, phi: FloatArray) -> FloatArray:
        """The parameters in statsmodels' parameterisation: ``[beta, theta_0, u]``."""
        beta = phi[: self.p] / self.scale
        out = phi.copy()
        out[: self.p] = beta
        out[self.p] = phi[self.p] + float(self.mean @ beta)
        return out

    def __call__(self, phi: FloatArray) -> tuple[float, FloatArray]:
        expit, logaddexp = self.special.expit, np.logaddexp
        params = self.to_statsmodels(phi)
        beta = params[: self.p]
        increments = np.exp(params[self.p + 1 :])
        theta = params[self.p] + np.concatenate([[0.0], np.cumsum(increments)])
        eta = self.X @ beta
        d_eta = np.empty(self.n)  # d logp / d eta, per row
        g_theta = np.zeros(self.K - 1)  # d (sum logp) / d theta

        a = theta[0] - eta[self.lo]
        total = -float(logaddexp(0.0, -a).sum())
        da = expit(-a)
        d_eta[self.lo] = -da
        g_theta[0] += da.sum()

        b = theta[self.K - 2] - eta[self.hi]
        total -= float(logaddexp(0.0, b).sum())
        db = -expit(b)
        d_eta[self.hi] = -db
        g_theta[self.K - 2] += db.sum()

        if self.mid.size:
            k = self.mid_codes
            e = eta[self.mid]
            a = theta[k] - e
            b = theta[k - 1] - e
            gap = increments[k - 1]  # theta[k] - theta[k-1], exactly
            total += float(
                (a + np.log(-np.expm1(-gap)) - logaddexp(0.0, a) - logaddexp(0.0, b)).sum()
            )
            inv = 1.0 / np.expm1(gap)
            da = expit(-a) + inv
            db = -expit(b) - inv
            d_eta[self.mid] = -(da + db)
            g_theta += np.bincount(k, weights=da, minlength=self.K)[: self.K - 1]
            g_theta += np.bincount(k - 1, weights=db, minlength=self.K - 1)

        # f = -total / n; chain rule from (beta, theta) to the solver's parameters
        g_beta = -(d_eta @ self.X) / self.n
        g_th = -g_theta / self.n
        tail = np.cumsum(g_th[::-1])[::-1]  # sum over k >= j of d f / d theta_k
        grad = np.empty_like(phi)
        grad[self.p] = tail[0]
        grad[self.p + 1 :] = increments * tail[1:]
        grad[: self.p] = (g_beta + tail[0] * self.mean) / self.scale
        return -total / self.n, grad


class OrdinalReadinessModel(Estimator):
    """Proportional-odds (cumulative logit) model of an ordered readiness level.

    The model is ``P(y <= k | x) = sigmoid(theta_k - x @ beta)`` for ``k = 0 .. K-2``, with
    increasing thresholds ``theta`` and one coefficient per feature shared by every level. There
    is no intercept column: the thresholds play that role. It is the model of statsmodels'
    ``OrderedModel(y, X, distr="logit")``, fitted by maximum likelihood.

    .. versionadded:: 0.1

    Parameters
    ----------
    order : sequence, optional
        The levels, lowest first, for labels whose order cannot be read from them (text other
        than readiness levels, say ``["low", "mid", "high"]``, or a categorical's
        ``categories``). Every label of `y` must be one of them. Without it the order is read
        from `y` (see Notes), never guessed.
    tol : float, default 1e-10
        Stop when the largest entry of the gradient of the mean negative log-likelihood falls
        below `tol` (in the centred and scaled coordinates the solver works in).
    max_iter : int, default 1000
        Most L-BFGS-B iterations, at most 1,000,000; a :class:`~sparkus.SparkusWarning` says
        when they ran out.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The levels from the lowest to the highest observed, as spelled in `y`.
    coef_ : ndarray of shape (n_features,)
        ``beta``: a positive coefficient moves rows towards higher levels.
    thresholds_ : ndarray of shape (n_classes - 1,)
        ``theta``, increasing.
    params_ : ndarray of shape (n_features + n_classes - 1,)
        statsmodels' parameters: ``[beta, theta_0, log(theta_1 - theta_0), ...]``.
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : ndarray of str (object dtype), shape (n_features,)
        The column names of a pandas or polars `X` in ``fit``, when all are text; present only
        then. Later calls check a data frame's names against them (SchemaError if they differ).
    n_iter_ : int
        The number of L-BFGS-B iterations ``fit`` took.

    Notes
    -----
    The order of the levels comes from, in turn: `order`, when given; the categories of an
    ordered pandas categorical `y`; the declaration order of an :class:`enum.Enum` whose
    members `y` holds; :class:`ReadinessLevel` for text labels that all name readiness levels
    (``"resistant"`` ... ``"highly_ready"``, in any case, with spaces or hyphens for the
    underscore; ``classes_`` keeps the spelling of `y`, one spelling per level); the integers
    between the smallest and the largest label, for integer labels (so ``[1, 2, 4]`` lacks
    level 3); the numeric order of other numbers. Other text, an unordered categorical
    included, has no order of its own: ``fit`` raises :class:`~sparkus.SchemaError` asking for
    `order` rather than sorting it alphabetically (which puts ``"emerging"`` before
    ``"resistant"``). A level inside the observed range with no rows makes the thresholds
    inestimable, and ``fit`` raises :class:`~sparkus.EstimationError` naming it.

    pandas `X` and `y` are aligned by their index (differing indexes are a SchemaError).

    ``fit`` also refuses, with :class:`~sparkus.EstimationError`, constant or collinear columns
    and data whose levels are separated by the features (checked with a small linear program),
    since then the maximum-likelihood estimate does not exist or is not unique.

    The model follows scikit-learn's estimator protocol (``score`` is the accuracy) without depending on it: it works in
    ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``, and passes scikit-learn's
    ``check_estimator`` but for the checks listed, with the reason, in the triage guide.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 2))
    >>> latent = X @ [1.0, -0.5] + rng.logistic(size=300)
    >>> y = np.digitize(latent, [-1.0, 0.0, 1.5])  # levels 0, 1, 2, 3
    >>> model = OrdinalReadinessModel().fit(X, y)
    >>> model.classes_
    array([0, 1, 2, 3])
    >>> np.round(model.coef_, 2)
    array([ 0.99, -0.44])
    >>> np.round(model.thresholds_, 2)
    array([-1.12,  0.03,  1.57])
    >>> np.round(model.predict_proba(X[:1]), 3)
    array([[0.214, 0.248, 0.338, 0.2  ]])
    >>> model.predict(X[:3])
    array([2, 2, 0])

    Readiness levels are ordered as levels; other text needs its order:

    >>> names = np.array(["resistant", "emerging", "ready", "highly_ready"])
    >>> OrdinalReadinessModel().fit(X, names[y]).classes_.tolist()
    ['resistant', 'emerging', 'ready', 'highly_ready']
    >>> words = np.array(["low", "mid", "high", "top"])
    >>> OrdinalReadinessModel(order=["low", "mid", "high", "top"]).fit(X, words[y]).classes_
    array(['low', 'mid', 'high', 'top'], dtype='<U4')
    """

    _param_names = ("order", "tol", "max_iter")

    def __init__(
        self,
        *,
        order: Sequence[Hashable] | None = None,
        tol: float = 1e-10,
        max_iter: int = 1000,
    ) -> None:
        self.order = order
        self.tol = tol
        self.max_iter = max_iter
        self._fitted = False

    classes_: NDArray[Any]
    coef_: FloatArray
    thresholds_: FloatArray
    params_: FloatArray
    n_features_in_: int
    n_iter_: int

    def fit(self, X: object, y: object) -> Self:
        """Fit the model to features `X` and ordered levels `y`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features, no constant column.
        y : array-like of shape (n_samples,)
            Ordered levels (see Notes of the class for how the order is read); at least two.

        Returns
        -------
        OrdinalReadinessModel
            The fitted model (``self``).

        Raises
        ------
        SchemaError
            If a hyper-parameter or an input is malformed; every problem found is listed. Also
            if `y` holds text with no order of its own and `order` is not given, a label that
            `order` lacks, one readiness level spelled in two ways, a sparse or complex `X`,
            or a missing `y`.
        EstimationError
            If `y` holds a single level (or `X` a single row), a level inside its range has no rows, a column is
            constant or collinear with others, or the levels are separated by the features.
        """
        problems = check_optimiser_options(self.tol, self.max_iter)
        order = None if self.order is None else check_order(self.order)
        if isinstance(order, list):
            problems += order
        if problems:
            raise SchemaError(problems)
        X, y = align_rows(("X", X), ("y", y))
        names = feature_names(X)
        Xc = feature_matrix(X)
        fit_target(y, Xc.shape[0], type(self).__name__)
        classes, codes = encode_ordered(y, Xc.shape[0], cast("tuple[Hashable, ...] | None", order))
        n_classes = classes.shape[0]
        if n_classes < 2:
            msg = (
                f"`y` holds a single level, {scalar(classes[0])!r}; an ordinal model, like any "
                "classifier, needs rows of at least two levels"
            )
            raise EstimationError(msg)
        # columns near the float limits are fitted divided by a power of two (exact)
        exponents = column_exponents(Xc)
        if exponents.any():
            Xc = np.ldexp(Xc, -exponents)
        _check_full_rank(Xc)
        if has_recession_direction(_LevelCone(scaled_columns(Xc), codes, n_classes)):
            msg = (
                "the levels are perfectly (or quasi-perfectly) separated by the features: a "
                "linear score orders the rows so that every level's rows fall between the same "
                "cut points, so the maximum-likelihood coefficients are infinite. Drop the "
                "separating features, merge levels, or collect more varied data"
            )
            raise EstimationError(msg)
        n, p = Xc.shape
        mean, scale = weighted_moments(Xc, np.full(n, 1.0 / n))
        loss = _CumulativeLogitLoss(Xc, codes, n_classes, mean, scale)
        cum = np.cumsum(np.bincount(codes, minlength=n_classes))[:-1] / n
        start_theta = np.log(cum) - np.log1p(-cum)
        phi0 = np.zeros(p + n_classes - 1)
        phi0[p] = start_theta[0]
        phi0[p + 1 :] = np.log(np.diff(start_theta))
        what = f"{type(self).__name__}.fit"
        phi, n_iter = minimise(loss, phi0, float(self.tol), int(self.max_iter), what)
        params = loss.to_statsmodels(phi)
        what = f"{type(self).__name__}.fit"
        with np.errstate(over="ignore"):
            params[:p] = np.ldexp(params[:p], -exponents)
            thresholds = _thresholds(params[p:])
        check_coefficients(params[:p], what)
        if not np.isfinite(thresholds).all():
            msg = (
                f"{what}: the thresholds between levels are beyond the float range (a level "
                "holds almost no rows); merge it with a neighbouring level"
            )
            raise EstimationError(msg)
        self.classes_ = classes
        self.params_ = params
        self.coef_ = params[:p].copy()
        self.thresholds_ = thresholds
        self.n_features_in_ = p
        self._set_feature_names(names)
        self.n_iter_ = n_iter
        self._fitted = True
        return self

    def predict_proba(self, X: object) -> FloatArray:
        """Probability of each level, shape (n_samples, n_classes), columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features, the columns seen in ``fit``.

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)
            Probabilities; each row sums to one.
        """
        return self._proba(self._checked(X))

    def _proba(self, Xc: FloatArray) -> FloatArray:
        """The level probabilities of each row of a checked `Xc`."""
        from scipy import special

        eta = stable_dot(Xc, self.coef_)
        n, k = Xc.shape[0], self.classes_.shape[0]
        cumulative = np.empty((n, k + 1))
        cumulative[:, 0] = 0.0
        cumulative[:, k] = 1.0
        special.expit(self.thresholds_[None, :] - eta[:, None], out=cumulative[:, 1:k])
        return np.diff(cumulative, axis=1)

    def predict(self, X: object) -> NDArray[Any]:
        """The most probable level of each row, shape (n_samples,).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features, the columns seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples,)
            Levels from ``classes_``.
        """
        return self._predicted(self._checked(X))

    def _predicted(self, X: FloatArray) -> NDArray[Any]:
        """The most probable level of each row of a checked `X`."""
        labels: NDArray[Any] = self.classes_[np.argmax(self._proba(X), axis=1)]
        return labels

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's tags, with ``poor_score``: see the class Notes (called by scikit-learn).

        scikit-learn's checks score classifiers on unordered clusters of points, which one
        ordering of levels along one direction cannot fit well; the tag tells them so.
        """
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags
