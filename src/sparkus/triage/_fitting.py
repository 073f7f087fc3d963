"""The fitting numerics the logistic and the ordinal readiness models share.

Both models minimise a smooth loss in centred and scaled coordinates and refuse data whose
classes are separable, since their maximum-likelihood coefficients are then infinite. This
module holds what they share: the checks of `tol` and `max_iter`, weighted column moments
computed in cache-sized blocks of rows, the linear program that detects (quasi-)separation
(Konis, 2007), and the L-BFGS-B minimiser with its Newton polish.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Final, Protocol

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import check_number
from sparkus._errors import EstimationError, Problem, SparkusWarning

__all__ = [
    "MAX_ITER",
    "Cone",
    "check_coefficients",
    "check_optimiser_options",
    "column_exponents",
    "has_recession_direction",
    "minimise",
    "positive_number",
    "row_blocks",
    "scaled_columns",
    "stable_dot",
    "unit_weights",
    "weighted_moments",
    "weighted_variance",
]

FloatArray = NDArray[np.float64]

MAX_ITER: Final = 1_000_000
"""The most iterations a fitted model's `max_iter` may ask for (the solver's own int limit is far
above; a million L-BFGS-B steps on this loss is a mistyped number, not a plan)."""

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


def positive_number(value: object) -> float | None:
    """`value` as a float if it is a positive finite real number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return number if math.isfinite(number) and number > 0 else None


def check_optimiser_options(tol: object, max_iter: object) -> list[Problem]:
    """Problems with `tol` and `max_iter` (empty if they are valid)."""
    problems: list[Problem] = []
    if positive_number(tol) is None:
        problems.append(Problem(("tol",), f"expected a positive finite number, got {tol!r}"))
    check_number(max_iter, "max_iter", low=1, high=MAX_ITER, integer=True, problems=problems)
    return problems


def unit_weights(sw: FloatArray) -> tuple[FloatArray, int]:
    """`sw` divided by a power of two ``2**e`` (exact) so that its largest is in [0.5, 1), and e.

    Non-negative weights with a positive largest, as ``check_sample_weight`` returns them. Sums
    and weighted means of the scaled weights neither overflow (weights near 1e308) nor lose
    digits among subnormals (weights near 5e-324); only the ratios of the weights remain, and
    ``2**e`` carries their scale to where it matters (a penalty per unit of total weight).
    """
    _, exponent = np.frexp(sw.max())
    scaled: FloatArray = np.ldexp(sw, -exponent)
    return scaled, int(exponent)


def weighted_variance(X: FloatArray, w: FloatArray, mean: FloatArray) -> FloatArray:
    """Weighted column variances around `mean`, from centred blocks of rows.

    Centring first keeps a constant column at exactly zero, where ``E[x^2] - mean^2`` would
    leave rounding noise; a variance below the rounding of the mean (relative to the mean,
    so that a column of small values keeps its variance) is set to zero.
    """
    var = np.zeros(X.shape[1])
    if X.flags.f_contiguous and not X.flags.c_contiguous:  # column by column, each contiguous
        for j in range(X.shape[1]):
            centred = X[:, j] - mean[j]
            centred *= centred
            var[j] = w @ centred
    else:
        for rows in row_blocks(*X.shape):
            centred = X[rows] - mean
            centred *= centred
            var += w[rows] @ centred
    var[var <= (1e-10 * np.abs(mean)) ** 2] = 0.0
    return var


def weighted_moments(
    X: FloatArray,
    w: FloatArray,
    *,
    ridge: float | FloatArray = 0.0,
    center: bool = True,
    variance: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Weighted column means (zero unless `center`) and scales for the solver's coordinates.

    The scale of a column is ``sqrt(variance + ridge)``: with an L2 penalty of strength `ridge`
    (on the mean loss) this makes the curvature of every scaled coefficient about one, even for
    columns that hardly vary. A column with no variance and no penalty keeps the scale 1.
    `variance`, if given, is ``weighted_variance(X, w, mean)`` already computed for this mean.
    """
    mean = w @ X if center else np.zeros(X.shape[1])
    if variance is None:
        variance = weighted_variance(X, w, mean)
    total = variance + ridge
    scale = np.sqrt(total)
    scale[total <= 0.0] = 1.0
    return mean, scale


class Cone(Protocol):
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


def has_recession_direction(cone: Cone) -> bool:
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


def scaled_columns(X: FloatArray) -> FloatArray:
    """`X` with each column divided by its largest absolute value (all-zero columns kept)."""
    top = np.abs(X).max(axis=0)
    top[top == 0] = 1.0
    scaled: FloatArray = X / top
    return scaled


def row_blocks(n_rows: int, n_features: int) -> list[slice]:
    """Consecutive row ranges whose slice of X takes about `_BLOCK_BYTES` (at least 256 rows)."""
    size = max(256, _BLOCK_BYTES // (8 * max(n_features, 1)))
    return [slice(start, min(start + size, n_rows)) for start in range(0, n_rows, size)]


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


def minimise(
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


_SAFE_EXPONENT = 64
"""Columns whose largest magnitude lies within ``2**±64`` are fitted as they are."""


def column_exponents(X: FloatArray) -> NDArray[np.intp]:
    """Per column, the power of two to divide it by before fitting (0 for most columns).

    A column whose largest magnitude is beyond ``2**64`` or below ``2**-64`` (near the float
    limits, where the solver's squares and products overflow or underflow) gets the exponent
    that brings it to ``[0.5, 1)``; dividing by a power of two is exact, and the coefficient is
    multiplied back after the fit. All-zero columns keep 0.
    """
    top = np.maximum(X.max(axis=0), -X.min(axis=0))  # |X|'s column maxima, no |X| formed
    _, exponent = np.frexp(top)
    ordinary = (top == 0) | (np.abs(exponent) <= _SAFE_EXPONENT)
    return np.where(ordinary, 0, exponent).astype(np.intp)


def check_coefficients(coef: FloatArray, what: str) -> None:
    """EstimationError naming the columns whose coefficients are beyond the float range."""
    bad = np.flatnonzero(~np.isfinite(coef).reshape(-1, coef.shape[-1]).all(axis=0))
    if bad.size:
        cols = ", ".join(str(int(c)) for c in bad[:8])
        msg = (
            f"{what}: the coefficients of column(s) {cols} of `X` are beyond the float range: "
            "the column's values are too small (or too large) for any effect on the labels to "
            "be expressed; rescale it (e.g. to thousands) and fit again"
        )
        raise EstimationError(msg)


def stable_dot(X: FloatArray, coef: FloatArray) -> FloatArray:
    """``X @ coef`` for a vector `coef`, never NaN: ±inf where the true value overflows.

    The plain product is used where it is finite; elsewhere (features or coefficients near the
    float limits, where ``inf - inf`` would give NaN) each term is split into a mantissa and a
    power of two, summed at the row's largest power, and scaled back once.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.asarray(X @ coef, dtype=np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        mx, ex = np.frexp(X[bad])
        mc, ec = np.frexp(coef)
        power = ex + ec
        top = power.max(axis=1, keepdims=True)
        total = np.ldexp(mx * mc, power - top).sum(axis=1)
        with np.errstate(over="ignore"):
            out[bad] = np.ldexp(total, top[:, 0])
    return out
