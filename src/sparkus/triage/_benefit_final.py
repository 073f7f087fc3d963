"""The final stage of :class:`~sparkus.triage.BenefitModel` and the units it is fitted in.

- :func:`scaled`: the features and the outcome divided by powers of two that put each column's
  magnitudes in ``[0.5, 1)``. The division is exact (only the exponents move), so the built-in
  models fitted on the scaled data are the fits on the data, multiplied back at the end, and no
  cross product of values near 1e308 overflows nor one of subnormal values underflows;
- :func:`stage_design`: the centred cross products of ``[1, X]`` over a support type's rows,
  whose column-by-column Cholesky factorisation (shared with ``sparkus.metrics``) is the rank
  check: :func:`refuse_singular` names the columns that others reproduce, and
  :func:`nuisance_columns` keeps the others for the nuisance models, whose predictions do not
  depend on the basis;
- :func:`fit_final`: least squares (or ridge, the intercept unpenalised) of the pseudo-outcomes
  on ``[1, X]`` with statsmodels' HC1 covariance, on the centred design (a shift of the
  columns only moves the intercept, and is mapped back exactly, the covariance through the
  triangular factor's inverse). Features that follow each other closely (a pivot below
  ``1e-4``) take a second pass in the coordinates of the bread's Cholesky factor, the penalty
  as extra rows (:func:`~sparkus._linalg_core.refined_factor`), so they keep their digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs
import numpy as np

from sparkus._checks import FloatArray, IntArray
from sparkus._errors import EstimationError
from sparkus._linalg_core import (
    REFINE_BELOW,
    checked_cholesky,
    independent_columns,
    refined_factor,
    unit_exponents,
)

__all__ = [
    "FLOAT_LIMITS",
    "Scale",
    "StageDesign",
    "fit_final",
    "nuisance_columns",
    "refuse_singular",
    "reported_coefficients",
    "scaled",
    "stage_design",
    "unscaled_pseudo",
]

FLOAT_LIMITS: Final = (
    "a double holds magnitudes from about 2.2e-308 to 1.8e308; rescale it (to thousands, say)"
)
"""What a message says about the range of a double."""

_PIVOT_TOLERANCE: Final = 1e-10
_PENALTY_CAP: Final = 1e300  # a penalty this large already sets the slope to 0


@attrs.frozen(eq=False)
class Scale:
    """The powers of two the features (one per column) and the outcome were divided by."""

    x: IntArray
    y: int


def scaled(X: FloatArray, y: FloatArray) -> tuple[Scale, FloatArray, FloatArray]:
    """The exponents, and `X` and `y` divided by ``2**exponent`` (every magnitude below 1).

    Parameters
    ----------
    X : ndarray of float64, shape (n, p)
        The finite features.
    y : ndarray of float64, shape (n,)
        The finite outcome.

    Returns
    -------
    scale : Scale
        Each feature's exponent and the outcome's.
    X_scaled, y_scaled : ndarray of float64
        The divided copies.
    """
    x_exponent = unit_exponents(X)
    y_exponent = int(unit_exponents(y[:, np.newaxis])[0])
    return Scale(x_exponent, y_exponent), np.ldexp(X, -x_exponent), np.ldexp(y, -y_exponent)


@attrs.frozen(eq=False)
class StageDesign:
    """The centred design ``[1, X - shift]`` of a stage's rows and its cross products."""

    centred: FloatArray
    shift: FloatArray  # 0 for the intercept
    gram: FloatArray

    @property
    def length(self) -> FloatArray:
        """Each centred column's length."""
        length: FloatArray = np.sqrt(np.diag(self.gram))
        return length

    def unit_gram(self) -> FloatArray:
        """The cross products of the centred columns, each divided by its length."""
        scale = np.where(self.length > 0, self.length, 1.0)
        unit: FloatArray = self.gram / np.outer(scale, scale)
        return unit


def stage_design(X: FloatArray) -> StageDesign:
    """The centred design of the (scaled) features `X` of one stage's rows.

    Parameters
    ----------
    X : ndarray of float64, shape (n, p)
        The scaled features of the stage's rows.

    Returns
    -------
    StageDesign
    """
    mean = X.mean(axis=0) if X.shape[0] else np.zeros(X.shape[1])
    centred = np.empty((X.shape[0], X.shape[1] + 1))
    centred[:, 0] = 1.0
    np.subtract(X, mean, out=centred[:, 1:])
    return StageDesign(centred, np.concatenate([[0.0], mean]), centred.T @ centred)


def refuse_singular(
    design: StageDesign, names: Sequence[str], what: str, *, ridge: bool = False
) -> None:
    """EstimationError naming the columns of ``[1, X]`` that others reproduce, if any.

    Parameters
    ----------
    design : StageDesign
        The stage's design.
    names : sequence of str
        ``("intercept", *features)``.
    what : str
        Which stage, for the message (``"the final stage for 'coaching'"``).
    ridge : bool, default False
        Whether the stage is a ridge fit whose penalty was too small to tell the columns apart
        (the message then suggests a larger `alpha`, else ``final='ridge'``).

    Raises
    ------
    EstimationError
        When the columns are linearly dependent (a constant or duplicated feature, say).
    """
    try:
        checked_cholesky(design.unit_gram(), design.length, design.shift, 0, names)
    except EstimationError as error:
        fix = "a larger `alpha`" if ridge else "final='ridge'"
        msg = (
            f"{what} cannot be fitted: {error}; or use {fix}, whose penalty shares a "
            "coefficient between dependent columns"
        )
        raise EstimationError(msg) from None


def nuisance_columns(design: StageDesign) -> IntArray:
    """The columns of ``[1, X]`` that no earlier ones reproduce, intercept first.

    Parameters
    ----------
    design : StageDesign
        The stage's design.

    Returns
    -------
    ndarray of intp
        Their indices: unpenalised least-squares and logistic fits on them predict what fits on
        every column would, without a singular system to solve.
    """
    return independent_columns(design.unit_gram(), design.length, design.shift, 0)


def fit_final(
    design: StageDesign,
    pseudo: FloatArray,
    penalty: FloatArray | None,
    names: Sequence[str],
    what: str,
) -> tuple[FloatArray, FloatArray]:
    """``[intercept, slopes]`` of (ridge) least squares of `pseudo` and their HC1 covariance.

    Parameters
    ----------
    design : StageDesign
        The stage's centred design (scaled features).
    pseudo : ndarray of float64, shape (n,)
        The scaled pseudo-outcomes.
    penalty : ndarray of float64, shape (p,), optional
        The ridge penalty on each slope in the scaled units (``alpha * 4**-e``); None for
        least squares.
    names : sequence of str
        ``("intercept", *features)``, for messages.
    what : str
        Which stage, for messages.

    Returns
    -------
    coef : ndarray of float64, shape (p + 1,)
        In the scaled units.
    cov : ndarray of float64, shape (p + 1, p + 1)
        ``n / (n - p - 1) · B⁻¹ Zᵀ diag(e²) Z B⁻¹`` with ``B = ZᵀZ`` plus the penalty on the
        slopes' diagonal: statsmodels' ``OLS(...).fit(cov_type="HC1")`` without a penalty.

    Raises
    ------
    EstimationError
        With no more rows than coefficients, or a singular (penalised) design.
    """
    import scipy.linalg

    n, k = design.centred.shape
    if n <= k:
        msg = f"{what} has {n} rows for {k} coefficients; at least {k + 1} rows are needed"
        raise EstimationError(msg)
    bread = design.gram.copy()
    if penalty is not None:
        bread[np.arange(1, k), np.arange(1, k)] += np.minimum(penalty, _PENALTY_CAP)
    size = np.sqrt(np.diag(bread))
    scale = np.where(size > 0, size, 1.0)
    try:
        lower = np.linalg.cholesky(bread / np.outer(scale, scale))
        smallest = float(np.min(np.diag(lower))) ** 2  # a column's 1 - R² on those before it
    except np.linalg.LinAlgError:
        smallest = 0.0
    if not smallest > _PIVOT_TOLERANCE:
        refuse_singular(design, names, what, ridge=penalty is not None)  # names the columns
        raise EstimationError(f"{what} cannot be fitted: its design is numerically singular")
    centred = design.centred
    upper = lower.T * scale  # upper.T @ upper is the bread
    qty = scipy.linalg.solve_triangular(upper, centred.T @ pseudo, trans="T")
    if smallest < REFINE_BELOW:  # features that follow each other: a second pass (ridge: rows)
        ridge = np.zeros((k - 1, k))
        if penalty is not None:
            ridge[np.arange(k - 1), np.arange(1, k)] = np.sqrt(np.minimum(penalty, _PENALTY_CAP))
        upper, qty = refined_factor([(centred, pseudo), (ridge, np.zeros(k - 1))], upper)
    root = scipy.linalg.solve_triangular(upper, np.eye(k))  # root @ root.T is B⁻¹
    beta = scipy.linalg.solve_triangular(upper, qty)  # by back-substitution, not B⁻¹
    scores = (centred @ root) * (pseudo - centred @ beta)[:, np.newaxis]
    back = np.eye(k)  # the coefficients of [1, X] from those of the centred design
    back[0, 1:] = -design.shift[1:]
    mapped = back @ root  # the covariance maps back through the root: no intercept cancelling
    cov = mapped @ (scores.T @ scores) @ mapped.T * (n / (n - k))
    return back @ beta, (cov + cov.T) / 2.0


def unscaled_pseudo(pseudo: FloatArray, exponent: int, support: str) -> FloatArray:
    """The pseudo-outcomes in the outcome's units, multiplied back from the scaled ones.

    Parameters
    ----------
    pseudo : ndarray of float64
        The pseudo-outcomes in the scaled units of `y`.
    exponent : int
        The outcome's exponent (:attr:`Scale.y`).
    support : str
        The support type's name, for the message.

    Returns
    -------
    ndarray of float64

    Raises
    ------
    EstimationError
        If one is beyond the range of a double.
    """
    with np.errstate(over="ignore", under="ignore"):
        out = np.ldexp(pseudo, exponent)
    if not np.isfinite(out).all():
        msg = (
            f"the pseudo-outcomes of {support!r} (the outcome's residuals divided by "
            f"propensities down to `clip`) are beyond the range of double precision: `y` is too "
            f"large for them; {FLOAT_LIMITS}"
        )
        raise EstimationError(msg)
    return out


def reported_coefficients(
    coef: FloatArray, cov: FloatArray, scale: Scale, terms: Sequence[str], support: str
) -> tuple[FloatArray, FloatArray]:
    """The final stage's coefficients and standard errors in the data's units, checked.

    Parameters
    ----------
    coef, cov : ndarray of float64
        ``[intercept, slopes]`` and their covariance in the scaled units (:func:`fit_final`).
    scale : Scale
        The exponents the data were divided by.
    terms : sequence of str
        ``("intercept", *features)``.
    support : str
        The support type's name, for the message.

    Returns
    -------
    coef, se : ndarray of float64
        In the units of the data.

    Raises
    ------
    EstimationError
        If a coefficient or standard error is beyond the range of a double, or a standard
        error underflows to 0; the feature to rescale is named.
    """
    power = scale.y - np.concatenate([[0], scale.x])
    root = np.sqrt(np.maximum(np.diag(cov), 0.0))
    with np.errstate(over="ignore", under="ignore"):
        coef, se = np.ldexp(coef, power), np.ldexp(root, power)
    bad = ~np.isfinite(coef) | ~np.isfinite(se) | ((se == 0.0) & (root > 0.0))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        which = "`y`" if j == 0 else f"the feature `{terms[j]}` or `y`"
        msg = (
            f"the coefficient of `{terms[j]}` for {support!r} or its standard error is "
            f"beyond the range of double precision; rescale {which}: {FLOAT_LIMITS}"
        )
        raise EstimationError(msg)
    return coef, se
