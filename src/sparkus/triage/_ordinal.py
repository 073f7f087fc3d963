"""A proportional-odds (cumulative logit) readiness model for ordered levels.

The model is ``P(y <= k | x) = sigmoid(theta_k - x @ beta)`` with increasing thresholds
``theta``; it is fitted by maximum likelihood with scipy's L-BFGS-B on an analytic gradient, in
statsmodels' parameterisation (the first threshold, then the logarithms of the increments), which
keeps the thresholds increasing without constraints.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Self, cast

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import align_rows, check_labels, check_matrix, describe
from sparkus._errors import EstimationError, Problem, SchemaError
from sparkus.triage._estimator import Estimator
from sparkus.triage._fitting import (
    check_optimiser_options,
    has_recession_direction,
    minimise,
    scaled_columns,
    weighted_moments,
    weighted_variance,
)
from sparkus.triage._labels import row_problems, scalar, show, unique_labels
from sparkus.triage._levels import ReadinessLevel, readiness_level

__all__ = ["OrdinalReadinessModel"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

_LISTED = 5
"""How many empty categories an error names before it only counts the rest."""


def _categorical_parts(y: object) -> tuple[NDArray[Any], IntArray] | None:
    """Categories and codes of an *ordered* pandas Categorical or categorical Series.

    Read by duck typing. An unordered categorical's categories are merely sorted, so it gives
    None: its values are then read like any other labels.
    """
    if not type(y).__module__.startswith("pandas"):
        return None
    source = getattr(y, "cat", y)
    categories = getattr(source, "categories", None)
    codes = getattr(source, "codes", None)
    if categories is None or codes is None or getattr(source, "ordered", False) is not True:
        return None
    return np.asarray(categories), np.asarray(codes, dtype=np.intp)


def _enum_class(labels: NDArray[Any]) -> type[enum.Enum] | None:
    """The Enum class every label belongs to, if they all belong to one."""
    if labels.dtype.kind != "O" or labels.shape[0] == 0:
        return None
    first = labels[0]
    if not isinstance(first, enum.Enum):
        return None
    cls = type(first)
    if all(isinstance(v, cls) for v in labels):
        return cls
    return None


def _empty_levels_error(
    levels: list[Any], total: int | None = None, hint: str = ""
) -> EstimationError:
    """The error naming the first empty levels (of `total`, by default all of `levels`)."""
    count = len(levels) if total is None else total
    shown = ", ".join(repr(v.value if isinstance(v, enum.Enum) else v) for v in levels[:_LISTED])
    more = f" and {count - min(count, _LISTED)} more" if count > _LISTED else ""
    plural = count > 1
    msg = (
        f"no row has the level{'s' if plural else ''} {shown}{more}, "
        f"{'categories' if plural else 'a category'} inside the observed range of `y`, so "
        f"{'their thresholds' if plural else 'its threshold'} cannot be estimated. Merge "
        f"{'them' if plural else 'it'} with a neighbouring level or collect rows of "
        f"{'them' if plural else 'it'}{hint}"
    )
    return EstimationError(msg)


def _span(codes: IntArray, levels: Sequence[Any]) -> tuple[NDArray[Any], IntArray]:
    """The levels from the lowest to the highest observed code, and the codes shifted to 0.

    A level inside that range with no rows is an EstimationError naming it.
    """
    lo, hi = int(codes.min()), int(codes.max())
    counts = np.bincount(codes - lo, minlength=hi - lo + 1)
    span = _as_labels(levels[lo : hi + 1])
    if (counts == 0).any():
        raise _empty_levels_error(list(span[counts == 0]))
    return span, codes - lo


def _as_labels(values: Sequence[Any]) -> NDArray[Any]:
    """Labels as an array: numpy's own dtype for plain strings or numbers, else objects."""
    items = list(values)
    if items and all(type(v) is str for v in items):
        return np.array(items, dtype=str)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def check_order(order: object) -> tuple[Hashable, ...] | list[Problem]:
    """The explicit order of the levels (lowest first): distinct, hashable, at least two."""
    if isinstance(order, str | bytes | Mapping) or not isinstance(order, Sequence | np.ndarray):
        msg = f"expected None or a sequence of the levels, lowest first, got {describe(order)}"
        return [Problem(("order",), msg)]
    try:
        levels = tuple(scalar(v) for v in order)
        seen = dict.fromkeys(levels)
    except TypeError:
        return [Problem(("order",), "holds a level that cannot be hashed; pass scalar labels")]
    if len(levels) < 2:
        return [Problem(("order",), f"expected at least two levels, got {len(levels)}")]
    if len(seen) != len(levels):
        dupes = [v for v in seen if levels.count(v) > 1]
        return [Problem(("order",), f"lists {show(dupes)} more than once; give each level once")]
    return levels


def _encode_by_order(labels: NDArray[Any], order: tuple[Hashable, ...]) -> IntArray:
    """Each label's position in `order`; a label not in it is a SchemaError naming its rows."""
    index = {v: k for k, v in enumerate(order)}
    values = [scalar(v) for v in labels.tolist()]
    codes = np.fromiter((index.get(v, -1) for v in values), dtype=np.intp, count=len(values))
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        problems = row_problems("y", bad, lambda r: f"{values[r]!r} is not one of `order`")
        problems.append(Problem(("order",), f"lists {show(list(order))}; add the missing levels"))
        raise SchemaError(problems)
    return codes


def _encode_readiness(labels: NDArray[Any], distinct: list[Any]) -> tuple[NDArray[Any], IntArray]:
    """Labels that all name readiness levels, ordered by the levels' ranks."""
    level_of = {v: readiness_level(v) for v in distinct}
    by_level: dict[ReadinessLevel, list[Any]] = {}
    for v, level in level_of.items():
        by_level.setdefault(cast(ReadinessLevel, level), []).append(v)
    clash = {lv: vs for lv, vs in by_level.items() if len(vs) > 1}
    if clash:
        level, spellings = next(iter(clash.items()))
        msg = (
            f"spells the level {level.value!r} in several ways ({show(spellings)}); they would "
            "be separate classes of one level: use one spelling"
        )
        raise SchemaError([Problem(("y",), msg)])
    ranks = np.fromiter(
        (cast(ReadinessLevel, level_of[v]).rank for v in labels.tolist()),
        dtype=np.intp,
        count=labels.shape[0],
    )
    levels: list[Any] = [
        by_level[level][0] if level in by_level else level.value for level in ReadinessLevel
    ]
    return _span(ranks, levels)


def _encode_ordered(
    y: object, n_rows: int, order: tuple[Hashable, ...] | None
) -> tuple[NDArray[Any], IntArray]:
    """The ordered classes (from the lowest to the highest observed) and each row's code.

    The order comes from, in turn: `order` when given; an ordered pandas categorical's
    categories; an Enum's declaration order; :class:`ReadinessLevel` for labels that all name
    readiness levels (in the accepted spellings); the integers between the smallest and the
    largest label; the sorted distinct labels for other numbers. Other text has no order of
    its own and is a SchemaError asking for `order`. A level inside the observed range with no
    rows is an EstimationError.
    """
    parts = _categorical_parts(y)
    if parts is not None and order is None:
        categories, codes = parts
        codes = check_labels(codes, n_rows).astype(np.intp)
        if (codes < 0).any():
            (rows,) = np.nonzero(codes < 0)
            shown = ", ".join(str(r) for r in rows[:_LISTED])
            msg = f"missing label in rows {shown}{' ...' if len(rows) > _LISTED else ''}"
            raise SchemaError([Problem(("y", int(rows[0])), msg)])
        return _span(codes, list(categories))
    labels = check_labels(np.asarray(y) if parts is not None else y, n_rows)
    if order is not None:
        return _span(_encode_by_order(labels, order), list(order))
    enum_cls = _enum_class(labels)
    if enum_cls is not None:
        members = list(enum_cls)
        rank = {m: i for i, m in enumerate(members)}
        codes = np.fromiter((rank[v] for v in labels), dtype=np.intp, count=labels.shape[0])
        return _span(codes, members)
    distinct = unique_labels(labels, "y")
    if all(isinstance(v, str | np.str_) for v in distinct):
        if all(readiness_level(v) is not None for v in distinct):
            return _encode_readiness(labels, distinct)
        msg = (
            f"holds text labels ({show(sorted(str(v) for v in distinct))}) that have no order "
            "of their own, and sparkus does not guess one (alphabetical order is rarely the "
            "order of levels): pass OrdinalReadinessModel(order=[lowest, ..., highest]), an "
            "ordered pandas Categorical, Enum members, ReadinessLevel values or integer levels"
        )
        raise SchemaError([Problem(("y",), msg)])
    if not all(_is_number(v) for v in distinct):
        kinds = sorted({type(v).__name__ for v in distinct})
        msg = (
            f"holds labels of several kinds ({', '.join(kinds)}); pass numbers, text with "
            "`order`, or members of one Enum"
        )
        raise SchemaError([Problem(("y",), msg)])
    classes, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1).astype(np.intp)
    if labels.dtype.kind in "iu" or (
        labels.dtype.kind == "O" and all(isinstance(v, int | np.integer) for v in distinct)
    ):
        steps = np.diff(classes.astype(np.int64))
        if (steps > 1).any():
            gaps = np.nonzero(steps > 1)[0]
            missing: list[Any] = []
            for g in gaps[:_LISTED]:
                start, stop = int(classes[g]) + 1, int(classes[g + 1])
                missing.extend(range(start, min(stop, start + _LISTED)))
            total = int((steps[gaps] - 1).sum())
            hint = (
                " (integer labels are read as a scale from the smallest to the largest; if the "
                "numbers only name the levels, pass consecutive codes 0 .. K-1)"
            )
            raise _empty_levels_error(missing[:_LISTED], total, hint)
    return classes, codes


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating | bool | np.bool_)


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
        than readiness levels, say ``["low", "mid", "high"]``). Every label of `y` must be one
        of them. Without it the order is read from `y` (see Notes), never guessed.
    tol : float, default 1e-10
        Stop when the largest entry of the gradient of the mean negative log-likelihood falls
        below `tol` (in the centred and scaled coordinates the solver works in).
    max_iter : int, default 1000
        Most L-BFGS-B iterations; a :class:`~sparkus.SparkusWarning` says when they ran out.

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
            `order` lacks, or one readiness level spelled in two ways.
        EstimationError
            If `y` holds a single level, a level inside its range has no rows, a column is
            constant or collinear with others, or the levels are separated by the features.
        """
        problems = check_optimiser_options(self.tol, self.max_iter)
        order = None if self.order is None else check_order(self.order)
        if isinstance(order, list):
            problems += order
        if problems:
            raise SchemaError(problems)
        X, y = align_rows(("X", X), ("y", y))
        Xc = check_matrix(X, copy=False)
        classes, codes = _encode_ordered(y, Xc.shape[0], cast("tuple[Hashable, ...] | None", order))
        n_classes = classes.shape[0]
        if n_classes < 2:
            msg = (
                f"`y` holds a single level, {classes[0]!r}; an ordinal model needs rows of at "
                "least two levels"
            )
            raise EstimationError(msg)
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
        self.classes_ = classes
        self.params_ = params
        self.coef_ = params[:p].copy()
        self.thresholds_ = _thresholds(params[p:])
        self.n_features_in_ = p
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

        eta = Xc @ self.coef_
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
        proba = self._proba(self._checked(X))
        labels: NDArray[Any] = self.classes_[np.argmax(proba, axis=1)]
        return labels
