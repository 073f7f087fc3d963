"""A logistic regression readiness model: binomial for two classes, multinomial for more.

The objective is scikit-learn's ``LogisticRegression(C=C, solver="lbfgs")``: an L2 penalty on the
coefficients (never on the intercept) plus ``C`` times the weighted sum of the log-losses. It is
minimised with scipy's L-BFGS-B on an analytic gradient, in coordinates where the features are
centred and scaled (which leaves the optimum unchanged and speeds up convergence).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Final, Protocol, Self

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import check_labels, check_matrix, check_sample_weight
from sparkus._errors import EstimationError, Problem, SchemaError, SparkusWarning
from sparkus.triage._estimator import Estimator

__all__ = ["LogisticReadinessModel"]

FloatArray = NDArray[np.float64]

_BLOCK_BYTES: Final = 256 * 1024
"""Rows of X are visited in blocks of about this size, so that a block stays in cache."""

_NEWTON_STEPS: Final = 5
"""Most Newton steps that refine L-BFGS-B's answer when its gradient is still above `tol`."""

_EXACT_TOL: Final = 1e-8
"""A `tol` at or below this asks for the optimum as exactly as float64 resolves it."""

_EXACT_GRADIENT: Final = 1e-14
"""The gradient (max-norm, of the mean loss) Newton steps aim at when `tol <= _EXACT_TOL`."""

_NUMERICAL_FLOOR: Final = 1e-6
"""A gradient (max-norm, of the mean loss) small enough to accept when the line search fails.

L-BFGS-B stops with an abnormal line search when the loss no longer decreases in float64; a
requested `tol` far below what float64 resolves then ends there. Below this floor the optimum is
reached as well as float64 allows, and no warning is raised.
"""


def _positive_number(value: object) -> float | None:
    """`value` as a float if it is a positive finite real number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return number if math.isfinite(number) and number > 0 else None


def _check_hyperparameters(
    C: object, fit_intercept: object, tol: object, max_iter: object
) -> list[Problem]:
    """Problems with the hyper-parameters of a logistic model (empty if they are valid)."""
    problems: list[Problem] = []
    if C is not None and _positive_number(C) is None:
        msg = f"expected a positive finite number or None (no penalty), got {C!r}"
        if isinstance(C, numbers.Real) and math.isinf(float(C)):
            msg += "; for an unpenalised model pass C=None"
        problems.append(Problem(("C",), msg))
    if not isinstance(fit_intercept, bool | np.bool_):
        msg = f"expected True or False, got {fit_intercept!r}"
        problems.append(Problem(("fit_intercept",), msg))
    problems.extend(_check_optimiser_options(tol, max_iter))
    return problems


def _check_optimiser_options(tol: object, max_iter: object) -> list[Problem]:
    """Problems with `tol` and `max_iter` (empty if they are valid)."""
    problems: list[Problem] = []
    if _positive_number(tol) is None:
        problems.append(Problem(("tol",), f"expected a positive finite number, got {tol!r}"))
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        problems.append(Problem(("max_iter",), f"expected an integer >= 1, got {max_iter!r}"))
    return problems


def _encode_classes(y: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """Sorted unique labels and each row's code; SchemaError if labels do not compare."""
    try:
        classes, codes = np.unique(y, return_inverse=True)
    except TypeError:
        msg = (
            "labels must be mutually comparable so that they sort (all numbers or all strings); "
            "encode them as integers or strings"
        )
        raise SchemaError([Problem(("y",), msg)]) from None
    return classes, codes.reshape(-1).astype(np.intp)


def _weighted_variance(X: FloatArray, w: FloatArray, mean: FloatArray) -> FloatArray:
    """Weighted column variances around `mean`, from centred blocks of rows.

    Centring first keeps a constant column at exactly zero, where ``E[x^2] - mean^2`` would
    leave rounding noise; a variance below the rounding of the mean is set to zero.
    """
    var = np.zeros(X.shape[1])
    for rows in _row_blocks(*X.shape):
        centred = X[rows] - mean
        centred *= centred
        var += w[rows] @ centred
    var[var <= (1e-10 * np.maximum(1.0, np.abs(mean))) ** 2] = 0.0
    return var


def _weighted_moments(
    X: FloatArray, w: FloatArray, *, ridge: float = 0.0, center: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Weighted column means (zero unless `center`) and scales for the solver's coordinates.

    The scale of a column is ``sqrt(variance + ridge)``: with an L2 penalty of strength `ridge`
    (on the mean loss) this makes the curvature of every scaled coefficient about one, even for
    columns that hardly vary. A column with no variance and no penalty keeps the scale 1.
    """
    mean = w @ X if center else np.zeros(X.shape[1])
    total = _weighted_variance(X, w, mean) + ridge
    scale = np.sqrt(total)
    scale[total <= 0.0] = 1.0
    return mean, scale


class _Cone(Protocol):
    """Homogeneous linear constraints ``A @ d >= 0`` on a direction ``d``, one row per margin.

    ``A`` is never stored whole: `margins` computes ``A @ d`` from the data and `rows` builds
    the few rows a linear program needs.
    """

    n_rows: int
    total: FloatArray  # the sum of the rows of A
    fixed: FloatArray  # rows always imposed, not counted in the objective

    def margins(self, d: FloatArray) -> FloatArray: ...

    def rows(self, index: NDArray[np.intp]) -> FloatArray: ...


_SEPARATION_MARGIN: Final = 1e-6
"""A total margin above this (features scaled to [-1, 1], directions in the unit box) separates."""


def _has_recession_direction(cone: _Cone) -> bool:
    """Whether some ``d`` in [-1, 1]^q has ``A @ d >= 0`` with a positive total margin.

    This is the linear program of Konis (2007) for (quasi-)separation: maximise the sum of the
    margins ``A @ d`` subject to every margin being non-negative. It is solved by constraint
    generation: impose a subset of the rows, solve, add the rows the answer violates, repeat.
    A subset's optimum bounds the full one from above, so a zero optimum proves at once that
    there is no separation; a positive optimum that violates no row proves that there is. Each
    linear program stays small however many rows the data have.
    """
    from scipy import optimize

    n_rows = cone.n_rows
    start = min(n_rows, 20 * cone.total.shape[0] + 100)
    active = np.unique(np.linspace(0, n_rows - 1, start).astype(np.intp))
    while True:
        constraints = np.vstack([-cone.rows(active), -cone.fixed])
        result = optimize.linprog(
            -cone.total,
            A_ub=constraints,
            b_ub=np.zeros(constraints.shape[0]),
            bounds=(-1.0, 1.0),
            method="highs",
        )
        best = result.fun
        if result.status != 0 or best is None or -float(best) <= _SEPARATION_MARGIN:
            return False
        direction = np.asarray(result.x, dtype=np.float64)
        margins = cone.margins(direction)
        margins[active] = np.inf
        violated = np.nonzero(margins < -1e-9)[0]
        if violated.size == 0:
            return True
        worst = violated[np.argsort(margins[violated])[: max(active.size, 100)]]
        active = np.union1d(active, worst)


def _scaled_columns(X: FloatArray) -> FloatArray:
    """`X` with each column divided by its largest absolute value (all-zero columns kept)."""
    top = np.abs(X).max(axis=0)
    top[top == 0] = 1.0
    scaled: FloatArray = X / top
    return scaled


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


def _row_blocks(n_rows: int, n_features: int) -> list[slice]:
    """Consecutive row ranges whose slice of X takes about `_BLOCK_BYTES` (at least 256 rows)."""
    size = max(256, _BLOCK_BYTES // (8 * max(n_features, 1)))
    return [slice(start, min(start + size, n_rows)) for start in range(0, n_rows, size)]


class _BinomialLoss:
    """Mean binomial log-loss and its gradient, in centred and scaled coordinates.

    Parameters are ``theta = [v, c]`` with ``coef = v / scale`` and
    ``intercept = c - coef @ mean``, so that the linear predictor is
    ``((X - mean) / scale) @ v + c`` without ever forming the centred matrix. Rows are visited
    in cache-sized blocks.
    """

    def __init__(
        self,
        X: FloatArray,
        target: FloatArray,
        w: FloatArray,
        l2: float,
        mean: FloatArray,
        scale: FloatArray,
        fit_intercept: bool,
    ) -> None:
        self.X, self.target, self.w, self.l2 = X, target, w, l2
        self.mean, self.scale, self.fit_intercept = mean, scale, fit_intercept
        self.p = X.shape[1]
        self.blocks = _row_blocks(*X.shape)

    def to_original(self, theta: FloatArray) -> tuple[FloatArray, float]:
        coef = theta[: self.p] / self.scale
        intercept = float(theta[self.p] - coef @ self.mean) if self.fit_intercept else 0.0
        return coef, intercept

    def _to_solver(self, g_coef: FloatArray, g_int: float, like: FloatArray) -> FloatArray:
        """Map a gradient in (coef, intercept) to the solver's coordinates (the chain rule)."""
        out = np.empty_like(like)
        if self.fit_intercept:
            g_coef = g_coef - g_int * self.mean
            out[self.p] = g_int
        out[: self.p] = g_coef / self.scale
        return out

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        from scipy import special

        coef, intercept = self.to_original(theta)
        loss, g_int = 0.0, 0.0
        g_coef = self.l2 * coef
        for rows in self.blocks:
            Xb, wb, tb = self.X[rows], self.w[rows], self.target[rows]
            z = Xb @ coef
            z += intercept
            loss += float(wb @ (np.logaddexp(0.0, z) - tb * z))
            r = special.expit(z)
            r -= tb
            r *= wb
            g_coef += r @ Xb
            g_int += float(r.sum())
        value = loss + 0.5 * self.l2 * float(coef @ coef)
        return value, self._to_solver(g_coef, g_int, theta)

    def project(self, v: FloatArray) -> FloatArray:
        """The binomial model has no redundant direction: the identity."""
        return v

    def hessp_at(self, theta: FloatArray) -> Any:
        """The Hessian-vector product at `theta`, as a function of the vector."""
        from scipy import special

        coef, intercept = self.to_original(theta)
        prob = special.expit(self.X @ coef + intercept)
        curvature = self.w * prob * (1.0 - prob)

        def hessp(d: FloatArray) -> FloatArray:
            d_coef, d_int = self.to_original(d)
            h_coef = self.l2 * d_coef
            h_int = 0.0
            for rows in self.blocks:
                Xb = self.X[rows]
                dr = Xb @ d_coef
                dr += d_int
                dr *= curvature[rows]
                h_coef += dr @ Xb
                h_int += float(dr.sum())
            return self._to_solver(h_coef, h_int, d)

        return hessp


class _MultinomialLoss:
    """Mean multinomial (softmax) log-loss and its gradient, in centred and scaled coordinates.

    Parameters are ``theta = [V.ravel(), c]`` with ``coef = V / scale`` and
    ``intercept = c - coef @ mean``. Rows are visited in cache-sized blocks; each block's scores
    are computed class-major, shape (K, rows), so that the reductions over classes run along
    contiguous memory. No (n, K, p) array is formed.
    """

    def __init__(
        self,
        X: FloatArray,
        codes: NDArray[np.intp],
        n_classes: int,
        w: FloatArray,
        l2: float,
        mean: FloatArray,
        scale: FloatArray,
        fit_intercept: bool,
    ) -> None:
        self.X, self.w, self.l2, self.K = X, w, l2, n_classes
        self.mean, self.scale, self.fit_intercept = mean, scale, fit_intercept
        self.p = X.shape[1]
        self.blocks = _row_blocks(*X.shape)
        # position of each row's own class in its block's (K, rows) score array
        self.own = [
            codes[rows] * (rows.stop - rows.start) + np.arange(rows.stop - rows.start)
            for rows in self.blocks
        ]
        self.n_coef = n_classes * self.p

    def to_original(self, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        coef = theta[: self.n_coef].reshape(self.K, self.p) / self.scale
        if self.fit_intercept:
            intercept = theta[self.n_coef :] - coef @ self.mean
        else:
            intercept = np.zeros(self.K)
        return coef, intercept

    def _to_solver(self, g_coef: FloatArray, g_int: FloatArray, like: FloatArray) -> FloatArray:
        """Map a gradient in (coef, intercept) to the solver's coordinates (the chain rule)."""
        out = np.empty_like(like)
        if self.fit_intercept:
            g_coef = g_coef - np.outer(g_int, self.mean)
            out[self.n_coef :] = g_int
        out[: self.n_coef] = (g_coef / self.scale).ravel()
        return out

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        coef, intercept = self.to_original(theta)
        loss = 0.0
        g_coef = self.l2 * coef
        g_int = np.zeros(self.K)
        for rows, own in zip(self.blocks, self.own, strict=True):
            Xb, wb = self.X[rows], self.w[rows]
            scores = coef @ Xb.T  # (K, rows)
            scores += intercept[:, None]
            scores -= scores.max(axis=0)
            own_score = scores.ravel()[own]
            np.exp(scores, out=scores)
            total = scores.sum(axis=0)
            loss += float(wb @ (np.log(total) - own_score))
            scores *= wb / total  # w * softmax
            scores.ravel()[own] -= wb  # w * (softmax - one-hot)
            g_coef += scores @ Xb
            g_int += scores.sum(axis=1)
        value = loss + 0.5 * self.l2 * float(np.vdot(coef, coef))
        return value, self._to_solver(g_coef, g_int, theta)

    def project(self, v: FloatArray) -> FloatArray:
        """Remove from `v` the directions that leave every probability unchanged.

        Adding the same number to every intercept never changes the softmax; without a
        penalty, neither does adding the same vector to every row of the coefficients.
        """
        out = v.copy()
        if self.fit_intercept:
            out[self.n_coef :] -= out[self.n_coef :].mean()
        if self.l2 == 0.0:
            coef = out[: self.n_coef].reshape(self.K, self.p)
            coef -= coef.mean(axis=0)
        return out

    def hessp_at(self, theta: FloatArray) -> Any:
        """The Hessian-vector product at `theta`, as a function of the vector."""
        coef, intercept = self.to_original(theta)
        prob = np.empty((self.K, self.X.shape[0]))
        for rows in self.blocks:
            scores = coef @ self.X[rows].T
            scores += intercept[:, None]
            scores -= scores.max(axis=0)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=0)
            prob[:, rows] = scores

        def hessp(d: FloatArray) -> FloatArray:
            d_coef, d_int = self.to_original(d)
            h_coef = self.l2 * d_coef
            h_int = np.zeros(self.K)
            for rows in self.blocks:
                Xb, pb = self.X[rows], prob[:, rows]
                dz = d_coef @ Xb.T
                dz += d_int[:, None]
                dz *= pb
                dz -= pb * dz.sum(axis=0)  # d softmax = p * dz - p * (p . dz)
                dz *= self.w[rows]
                h_coef += dz @ Xb
                h_int += dz.sum(axis=1)
            return self._to_solver(h_coef, h_int, d)

        return hessp


def _projected(hessp: Any, project: Any) -> Any:
    """`hessp` restricted to the directions that change the model.

    It takes the vectors of shape (d,) or (d, 1) that scipy's LinearOperator passes.
    """
    return lambda v: project(hessp(project(np.ravel(v))))


def _newton_polish(
    fun: Any, hessp_at: Any, project: Any, theta: FloatArray, grad: FloatArray, tol: float
) -> tuple[FloatArray, FloatArray, int]:
    """Refine a near-optimum with Newton steps (conjugate gradients on Hessian-vector products).

    L-BFGS-B stops once the loss no longer decreases in float64, which can leave the gradient
    above `tol`; Newton steps only need the gradient, which float64 resolves much further. A step
    is kept only if it shrinks the gradient. With ``tol <= _EXACT_TOL`` the steps aim at a
    gradient of ``_EXACT_GRADIENT`` and go on while they halve it: a gradient of `tol` alone does
    not pin the parameters down when the problem is badly conditioned.
    """
    from scipy.sparse.linalg import LinearOperator, cg

    exact = tol <= _EXACT_TOL
    target = _EXACT_GRADIENT if exact else tol
    best = float(np.abs(grad).max())
    steps = 0
    for _ in range(_NEWTON_STEPS):
        if best <= target:
            break
        operator = LinearOperator(
            (theta.size, theta.size), matvec=_projected(hessp_at(theta), project), dtype=np.float64
        )
        rtol = min(1e-4 if exact else 0.1, 0.1 * target / best)
        step, _ = cg(operator, -project(grad), rtol=rtol, atol=0.0, maxiter=4 * theta.size)
        candidate = theta + step
        _, candidate_grad = fun(candidate)
        norm = float(np.abs(candidate_grad).max())
        if not norm < (0.5 * best if exact else best):
            if norm < best:
                theta, grad, best = candidate, candidate_grad, norm
                steps += 1
            break
        theta, grad, best = candidate, candidate_grad, norm
        steps += 1
    return theta, grad, steps


def _minimise(
    fun: Any,
    theta0: FloatArray,
    tol: float,
    max_iter: int,
    what: str,
    hessp_at: Any = None,
    project: Any = None,
) -> tuple[FloatArray, int]:
    """Minimise `fun` (returning value and gradient) with L-BFGS-B; warn if it did not converge.

    With `hessp_at` (a function of the parameters returning the Hessian-vector product there)
    and `project` (removing the directions that leave the model unchanged), a gradient L-BFGS-B
    left above `tol` is refined by a few Newton steps, each counted as an iteration.
    """
    from scipy import optimize

    result = optimize.minimize(
        fun,
        theta0,
        method="L-BFGS-B",
        jac=True,
        options={
            "maxiter": max_iter,
            "maxls": 50,
            "gtol": tol,
            "ftol": 64 * np.finfo(float).eps,
        },
    )
    theta = np.asarray(result.x, dtype=np.float64)
    grad = np.asarray(result.jac, dtype=np.float64)
    n_iter = int(result.nit)
    if hessp_at is not None and n_iter < max_iter and np.isfinite(grad).all():
        theta, grad, steps = _newton_polish(fun, hessp_at, project, theta, grad, tol)
        n_iter += steps
    grad_norm = float(np.abs(grad).max())
    if not grad_norm <= max(tol, _NUMERICAL_FLOOR):
        if n_iter >= max_iter:
            msg = (
                f"{what} did not converge in max_iter={max_iter} iterations (largest gradient "
                f"entry {grad_norm:.2e}, tol={tol:g}); increase max_iter or scale the features"
            )
        else:
            msg = (
                f"{what} stopped before converging: {result.message} (largest gradient entry "
                f"{grad_norm:.2e}, tol={tol:g}); the features may be badly scaled or collinear"
            )
        warnings.warn(msg, SparkusWarning, stacklevel=3)
    return theta, n_iter


def _softmax_rows(scores: FloatArray) -> FloatArray:
    """Turn a (n, K) array of scores into probabilities in place and return it."""
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


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
        Most L-BFGS-B iterations; a :class:`~sparkus.SparkusWarning` says when they ran out.

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
            lengths, ...); every problem found is listed.
        EstimationError
            If `y` holds a single class, or if ``C=None`` and the classes are separable.
        """
        problems = _check_hyperparameters(self.C, self.fit_intercept, self.tol, self.max_iter)
        if problems:
            raise SchemaError(problems)
        Xc = check_matrix(X, copy=False)
        labels = check_labels(y, Xc.shape[0])
        sw = check_sample_weight(sample_weight, Xc.shape[0])
        classes, codes = _encode_classes(labels)
        if classes.shape[0] < 2:
            msg = (
                f"`y` holds a single class, {classes[0]!r}; a classifier needs rows of at least "
                "two classes"
            )
            raise EstimationError(msg)
        n_classes = classes.shape[0]
        fit_intercept = bool(self.fit_intercept)
        if self.C is None:
            self._check_not_separable(Xc, codes, sw, n_classes, fit_intercept)

        total = float(sw.sum())
        w = sw / total
        l2 = 0.0 if self.C is None else 1.0 / (float(self.C) * total)
        mean, scale = _weighted_moments(Xc, w, ridge=l2, center=fit_intercept)
        p = Xc.shape[1]
        freq = np.bincount(codes, weights=w, minlength=n_classes)
        log_freq = np.log(np.clip(freq, 1e-12, None))
        what = f"{type(self).__name__}.fit"
        loss: _BinomialLoss | _MultinomialLoss
        if n_classes == 2:
            loss = _BinomialLoss(
                Xc, (codes == 1).astype(np.float64), w, l2, mean, scale, fit_intercept
            )
            theta0 = np.zeros(p + int(fit_intercept))
            if fit_intercept:
                theta0[p] = log_freq[1] - log_freq[0]
            theta, n_iter = _minimise(
                loss, theta0, float(self.tol), int(self.max_iter), what, loss.hessp_at, loss.project
            )
            coef_b, intercept_b = loss.to_original(theta)
            coef = coef_b.reshape(1, p)
            intercept = np.array([intercept_b])
        else:
            loss = _MultinomialLoss(Xc, codes, n_classes, w, l2, mean, scale, fit_intercept)
            theta0 = np.zeros(n_classes * p + n_classes * int(fit_intercept))
            if fit_intercept:
                theta0[n_classes * p :] = log_freq - log_freq.mean()
            theta, n_iter = _minimise(
                loss, theta0, float(self.tol), int(self.max_iter), what, loss.hessp_at, loss.project
            )
            coef, intercept = loss.to_original(theta)
            coef -= coef.mean(axis=0)
            intercept -= intercept.mean()
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(coef)
        self.intercept_ = intercept
        self.n_features_in_ = p
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
        if _has_recession_direction(_ClassCone(_scaled_columns(Xt), codes[keep], n_classes)):
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
        for rows in _row_blocks(*X.shape):
            block = out[rows]
            np.matmul(X[rows], self.coef_.T, out=block)
            block += self.intercept_
        return out

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
            for rows in _row_blocks(*Xc.shape):
                z = Xc[rows] @ self.coef_[0]
                z += self.intercept_[0]
                special.expit(z, out=out[rows, 1])
                special.expit(-z, out=out[rows, 0])
            return out
        out = np.empty((Xc.shape[0], self.classes_.shape[0]))
        for rows in _row_blocks(*Xc.shape):
            block = out[rows]
            np.matmul(Xc[rows], self.coef_.T, out=block)
            block += self.intercept_
            _softmax_rows(block)
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
        scores = self.decision_function(X)
        index = (scores > 0).astype(np.intp) if scores.ndim == 1 else np.argmax(scores, axis=1)
        labels: NDArray[Any] = self.classes_[index]
        return labels

    def score(self, X: object, y: object, sample_weight: object = None) -> float:
        """Accuracy: the (weighted) share of rows whose predicted class is their label.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features, the columns seen in ``fit``.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), optional
            Weight of each row; None weighs every row 1.

        Returns
        -------
        float
            A number in [0, 1].
        """
        predicted = self.predict(X)
        labels = check_labels(y, predicted.shape[0])
        sw = check_sample_weight(sample_weight, predicted.shape[0])
        return float(sw @ (predicted == labels) / sw.sum())
