"""Weighting estimators for programs that were not randomised: IPW and AIPW.

Both weight by a propensity score from :class:`~sparkus.metrics.PropensityModel` (maximum-
likelihood logistic regression on the covariates, with an intercept), fitted, trimmed and
diagnosed as for :func:`~sparkus.metrics.overlap`.

**IPW** uses normalised (Hájek) weights: within each group the weights sum to one, so the
estimate is a difference of two weighted means. For the ATE a treated unit weighs ``1 / e(x)``
and a control ``1 / (1 - e(x))``; for the ATT a treated unit weighs 1 and a control
``e(x) / (1 - e(x))``. Its standard error solves the stacked estimating equations of the two
weighted means and the logistic score (M-estimation, Lunceford & Davidian 2004), so it accounts
for the propensity having been estimated; it is the sandwich that statsmodels'
``TreatmentEffect.ipw`` computes by GMM.

**AIPW** adds a linear outcome model per group, fitted by least squares on the same
covariates. For the ATE it is ``mean(m1 - m0 + t (y - m1) / e - (1 - t) (y - m0) / (1 - e))``
(Robins, Rotnitzky & Zhao 1994), statsmodels' ``TreatmentEffect.aipw``; for the ATT the
normalised form ``mean_t(y - m0) - Σ(1 - t) o (y - m0) / Σ(1 - t) o`` with the odds
``o = e / (1 - e)``. It is consistent if either model is right. Its standard error is the
sample standard deviation of the estimated influence function over ``√n``, which treats the
fitted models as known: valid to first order when both models are right (the efficient
influence function), and usually close otherwise. statsmodels instead stacks every model's
estimating equations into one GMM sandwich; the two agree to a few percent on well-specified
data (see the tests).

Trimming (Crump et al. 2009) drops units whose estimated propensity lies outside
``[trim, 1 - trim]`` and refits every model on the rest: the estimate then describes the units
kept, which is said in the result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus._checks import BoolArray, FloatArray, check_level, schema_error
from sparkus._errors import EstimationError
from sparkus.metrics._estimate import Estimate, finite_or_raise, wald_estimate
from sparkus.metrics._linalg import checked_cholesky
from sparkus.metrics._overlap import (
    Design,
    Estimand,
    WeightingData,
    fit_design,
    kept_note,
    warn_overlap,
    weighting_data,
)
from sparkus.metrics._propensity import LogitFit, combine_rows, dot, times_rows
from sparkus.metrics._stable import centred, common_scale, constant

__all__ = ["aipw", "ipw"]


def _weighted_iv(
    y: object, treated: object, X: object, estimand: object, trim: object, names: object,
    level: object,
) -> tuple[WeightingData, FloatArray, float, int]:  # fmt: skip
    """The checks ipw and aipw share: the level, then those of every weighting door.

    Returns the outcome divided by ``2**exponent`` (see ``_stable``) less its median, and the
    exponent.
    """
    value = check_level(level)
    if y is None:
        raise schema_error("y", "expected the outcome, one value per unit, got None")
    data = weighting_data(y, treated, X, estimand, trim, names)
    if data.y is None:  # pragma: no cover - y was given, so weighting_data read it
        raise schema_error("y", "expected the outcome, one value per unit")
    _estimable(None, data.treated)  # before fitting: a group of one is refused at once
    # the outcome in units of a power of two below 1, so that no square of it overflows, and
    # about its median, so that weighted means of values close together (1e15 plus noise) do
    # not cancel their noise away: both estimators are unchanged by a shift of the outcome
    exponent, (outcome,) = common_scale(data.y)
    return data, centred(outcome)[1], value, exponent


def _weighted_estimate(
    effect: float, se: float, n: int, level: float, d: Design, name: str, how: str,
    exponent: int,
) -> Estimate:  # fmt: skip
    """The result of a weighting estimator: a normal interval, and what was done in words.

    `effect` and `se` are in units of ``2**exponent``.
    """
    finite_or_raise((effect, se), "the estimate or its standard error")
    if not se > 0:
        msg = (
            "the standard error is zero: the outcome is fitted exactly within both groups, so "
            "there is no uncertainty to report"
        )
        raise EstimationError(msg)
    method = f"{name} estimate of the {d.estimand} ({how}{kept_note(d)})"
    return wald_estimate(effect, se, None, level, statistic=effect / se, n=n, method=method,
                         exponent=exponent)  # fmt: skip


# --------------------------------------------------------------------------------------------
# ipw
# --------------------------------------------------------------------------------------------


def _ipw_influence(
    y: FloatArray, t: BoolArray, fit: LogitFit, estimand: Estimand,
    weights: tuple[FloatArray, FloatArray],
) -> tuple[float, FloatArray]:  # fmt: skip
    """The Hájek estimate and its influence function, propensity estimation included."""
    p, Z = fit.propensity, fit.design  # Z by columns: shape (k + 1, n)
    score = t - p  # the logistic score is Z * (t - p)
    w1, w0 = weights  # unnormalised, zero outside each group
    s1, s0 = float(w1.sum()), float(w0.sum())
    mu1, mu0 = dot(w1, y) / s1, dot(w0, y) / s0
    r1, r0 = w1 * (y - mu1), w0 * (y - mu0)
    n = len(y)
    # d/dgamma of each group's estimating function, averaged over rows
    derivatives = np.zeros((len(Z), 2))
    if estimand == "ATE":
        derivatives[:, 0] = times_rows(Z, -r1 * (1.0 - p)) / n
        derivatives[:, 1] = times_rows(Z, r0 * p) / n
    else:
        derivatives[:, 1] = times_rows(Z, r0) / n
    factor = np.linalg.cholesky(fit.hessian)
    correction = np.linalg.solve(factor.T, np.linalg.solve(factor, derivatives))
    # the influence of the difference: (r1 + adjust1 * score) / (s1 / n) - (r0 + ...) / (s0 / n)
    direction = correction[:, 0] / (s1 / n) - correction[:, 1] / (s0 / n)
    influence = r1 / (s1 / n) - r0 / (s0 / n) + combine_rows(direction, Z) * score
    return mu1 - mu0, influence


def ipw(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    X: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any,
    *,
    estimand: Estimand = "ATE",
    trim: float | None = None,
    names: Sequence[str] | None = None,
    level: float = 0.95,
) -> Estimate:
    """The program's effect by inverse probability weighting, with normalised (Hájek) weights.

    .. versionadded:: 0.1

    Fits the propensity model (:class:`PropensityModel`) on `X` and compares the weighted means
    of `y`: for the ATE every unit is weighted by one over the probability of the group it is
    in; for the ATT the treated count once and each control by its odds ``e / (1 - e)`` of
    treatment. Within each group the weights are normalised to sum to one. The standard error
    solves the stacked estimating equations of the weighted means and the logistic score, so
    it accounts for the propensity being estimated; the interval is normal (Wald).

    Parameters
    ----------
    y : array-like of float, shape (n,)
        The outcome.
    treated : array-like of bool or {0, 1}, shape (n,)
        Whether each unit was treated (coached). Both groups must occur.
    X : array-like of shape (n,) or (n, p), or a mapping of name to column
        The covariates that drove selection (see :func:`ols` for the accepted forms).
    estimand : {"ATE", "ATT"}, default "ATE"
        The average effect over everyone (ATE) or over the treated (ATT).
    trim : float, optional
        Drop units whose propensity lies outside ``[trim, 1 - trim]`` and refit on the rest
        (Crump et al. 2009); the estimate then describes the units kept.
    names : sequence of str, optional
        The names of the columns of an array `X`.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        The effect, its standard error, normal interval and z test; `n` counts the units used.

    Raises
    ------
    EstimationError
        As :func:`overlap`; and if a group keeps fewer than two units or the outcome is the
        same for every unit kept, or within each group.
    SchemaError
        As :func:`overlap`.

    Warns
    -----
    SparkusWarning
        When overlap is poor (extreme propensities, a low effective sample size, or a
        covariate left imbalanced by the weights), saying why.

    See Also
    --------
    overlap : The balance and overlap diagnostics behind the warning.
    aipw : The doubly robust estimator.

    References
    ----------
    Lunceford, J. K. & Davidian, M. (2004). Stratification and weighting via the propensity
    score in estimation of causal treatment effects: a comparative study. *Statistics in
    Medicine* 23(19), 2937-2960.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import ipw
    >>> rng = np.random.default_rng(4)
    >>> readiness = rng.normal(0.0, 1.0, 600)
    >>> coached = rng.random(600) < 1.0 / (1.0 + np.exp(0.2 - 1.0 * readiness))
    >>> growth = 1.0 + 2.0 * readiness + 0.5 * coached + rng.normal(0.0, 1.0, 600)
    >>> round(float(growth[coached].mean() - growth[~coached].mean()), 3)  # naive: biased
    2.163
    >>> effect = ipw(growth, coached, {"readiness": readiness})
    >>> round(effect.estimate, 3), round(effect.se, 3), effect.ci_method
    (0.459, 0.153, 'normal')
    """
    data, outcome, value, exponent = _weighted_iv(y, treated, X, estimand, trim, names, level)
    d = fit_design(data)
    warn_overlap(d.diagnostics, stacklevel=2)
    y_kept, t_kept = d.on_kept(outcome), d.on_kept(data.treated)
    _estimable(y_kept, t_kept.astype(bool))
    effect, influence = _ipw_influence(y_kept, t_kept, d.fit, d.estimand, d.weights)
    n = len(y_kept)
    se = _root_sum_squares(influence) / n
    how = "normalised weights, logistic propensity; stacked M-estimation SE"
    return _weighted_estimate(effect, se, n, value, d, "IPW", how, exponent)


def _estimable(outcome: FloatArray | None, treated: BoolArray) -> None:
    """An EstimationError unless each group keeps two units and the outcome varies in one.

    A group of one has no spread of its own: its residual is 0, so the standard error left
    out its uncertainty (one treated unit read p = 1.6e-4 with no effect at all). An outcome
    the same for every unit has an effect of 0 with no uncertainty; computed, it came out as
    rounding noise over a standard error of rounding noise (p = 1e-41). So did an outcome the
    same within each group (a 0/1 outcome, 1 for every treated unit and 0 for every control):
    a standard error of 2e-15 and p = 0, where the t test refuses both groups constant.
    """
    for name, count in (("treated", int(treated.sum())), ("control", int((~treated).sum()))):
        if count < 2:
            what = f"no {name} units" if count == 0 else f"1 {name} unit"
            msg = (f"`treated` has {what} (kept); a weighting estimate and its standard "
                   "error need at least 2 in each group")  # fmt: skip
            raise EstimationError(msg)
    if outcome is not None and len(outcome) and constant(outcome):
        msg = ("the outcome is the same for every unit kept: there is no variation to "
               "estimate an effect or its standard error from")  # fmt: skip
        raise EstimationError(msg)
    if outcome is not None and constant(outcome[treated]) and constant(outcome[~treated]):
        msg = ("the outcome is the same within each group kept (every treated unit's one "
               "value, every control unit's another): the effect is their difference, with no "
               "variation left to estimate its standard error from")  # fmt: skip
        raise EstimationError(msg)


def _root_sum_squares(values: FloatArray) -> float:
    """``sqrt(Σ v²)``, summed at the scale of the largest value.

    Weights up to 1e10 may multiply the influence of a scaled outcome.
    """
    top = float(np.max(np.abs(values))) if len(values) else 0.0
    if top == 0.0 or not math.isfinite(top):
        return top
    scaled = values / top
    return top * math.sqrt(dot(scaled, scaled))


# --------------------------------------------------------------------------------------------
# aipw
# --------------------------------------------------------------------------------------------


def outcome_fit(
    X: FloatArray, y: FloatArray, rows: BoolArray, names: tuple[str, ...], label: str
) -> FloatArray:
    """Least-squares predictions, for every row, of `y` on ``[1, X]`` fitted on `rows`.

    The columns of `X` are first divided by powers of two that put them below 1 (the
    predictions do not depend on the units of the columns).
    """
    tops = np.maximum(np.abs(X.max(axis=0)), np.abs(X.min(axis=0)))
    X = np.ldexp(X, -np.array([math.frexp(float(t))[1] for t in tops], dtype=np.intp))
    Xg, yg = X[rows], y[rows]
    m, k = Xg.shape
    if m <= k + 1:
        msg = (
            f"the {label} group has {m} units; its outcome model (an intercept and {k} "
            f"covariates) needs at least {k + 2}"
        )
        raise EstimationError(msg)
    mean = Xg.mean(axis=0)
    centred = Xg - mean
    length = np.sqrt(np.einsum("ij,ij->j", centred, centred))
    size = np.concatenate([[math.sqrt(m)], length])
    scale = np.where(size > 0, size, 1.0)
    design = np.column_stack([np.ones(m), centred]) / scale
    gram = design.T @ design
    try:
        lower = checked_cholesky(gram, size, np.concatenate([[0.0], mean]), 0,
                                  ("intercept", *names))  # fmt: skip
    except EstimationError as exc:
        raise EstimationError(f"in the {label} group's outcome model, {exc}") from None
    rhs = design.T @ yg
    beta = np.linalg.solve(lower.T, np.linalg.solve(lower, rhs)) / scale
    out: FloatArray = beta[0] + (X - mean) @ beta[1:]
    return out


def aipw(
    y: npt.ArrayLike,
    treated: npt.ArrayLike,
    X: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any,
    *,
    estimand: Estimand = "ATE",
    trim: float | None = None,
    names: Sequence[str] | None = None,
    level: float = 0.95,
) -> Estimate:
    """The program's effect by augmented inverse probability weighting (doubly robust).

    .. versionadded:: 0.1

    Combines a propensity model (:class:`PropensityModel`) with a linear outcome model per
    group (least squares of `y` on an intercept and `X`, fitted on each group alone): the
    estimate is consistent if either model is right. For the ATE it averages
    ``m1 - m0 + t (y - m1) / e - (1 - t) (y - m0) / (1 - e)``; for the ATT it compares the
    treated's mean of ``y - m0`` with the controls', weighted by their odds ``e / (1 - e)`` of
    treatment and normalised. The standard error is that of the mean of the estimated
    influence function (normal interval).

    Parameters
    ----------
    y : array-like of float, shape (n,)
        The outcome.
    treated : array-like of bool or {0, 1}, shape (n,)
        Whether each unit was treated (coached). Both groups must occur.
    X : array-like of shape (n,) or (n, p), or a mapping of name to column
        The covariates, for both models (see :func:`ols` for the accepted forms). Include
        the baseline outcome when there is one.
    estimand : {"ATE", "ATT"}, default "ATE"
        The average effect over everyone (ATE) or over the treated (ATT).
    trim : float, optional
        Drop units whose propensity lies outside ``[trim, 1 - trim]`` and refit both models
        on the rest; the estimate then describes the units kept.
    names : sequence of str, optional
        The names of the columns of an array `X`.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    Estimate
        The effect, its influence-function standard error, normal interval and z test.

    Raises
    ------
    EstimationError
        As :func:`overlap`; and if a group keeps fewer than two units, the outcome is the
        same for every unit kept or within each group, a group has too few units for its
        outcome model, or its covariates are collinear within the group (the columns are
        named).
    SchemaError
        As :func:`overlap`.

    Warns
    -----
    SparkusWarning
        When overlap is poor, as :func:`ipw`.

    Notes
    -----
    The influence-function standard error treats the fitted models as known. It is valid to
    first order when both models are right and usually close otherwise; statsmodels'
    ``TreatmentEffect.aipw`` stacks every model's estimating equations into a GMM sandwich
    instead, and the two agree to within a few percent on well-specified data.

    References
    ----------
    Robins, J. M., Rotnitzky, A. & Zhao, L. P. (1994). Estimation of regression coefficients
    when some regressors are not always observed. *Journal of the American Statistical
    Association* 89(427), 846-866.

    Glynn, A. N. & Quinn, K. M. (2010). An introduction to the augmented inverse propensity
    weighted estimator. *Political Analysis* 18(1), 36-56.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import aipw
    >>> rng = np.random.default_rng(4)
    >>> readiness = rng.normal(0.0, 1.0, 600)
    >>> coached = rng.random(600) < 1.0 / (1.0 + np.exp(0.2 - 1.0 * readiness))
    >>> growth = 1.0 + 2.0 * readiness + 0.5 * coached + rng.normal(0.0, 1.0, 600)
    >>> effect = aipw(growth, coached, {"readiness": readiness})
    >>> round(effect.estimate, 3), round(effect.se, 3)
    (0.564, 0.099)
    >>> [round(v, 3) for v in effect.ci]
    [0.371, 0.757]
    """
    data, outcome, value, exponent = _weighted_iv(y, treated, X, estimand, trim, names, level)
    d = fit_design(data)
    warn_overlap(d.diagnostics, stacklevel=2)
    yk, Xk, t = d.on_kept(outcome), d.on_kept(data.X), d.on_kept(data.treated)
    _estimable(yk, t.astype(bool))
    p = d.fit.propensity
    n = len(yk)
    m0 = outcome_fit(Xk, yk, ~t, data.names, "control")
    if d.estimand == "ATE":
        m1 = outcome_fit(Xk, yk, t, data.names, "treated")
        terms = m1 - m0 + np.where(t, (yk - m1) / p, -(yk - m0) / (1.0 - p))
        effect = float(terms.mean())
        influence = terms - effect
    else:
        odds = np.where(t, 0.0, p / (1.0 - p))
        gap = yk - m0
        n1 = float(t.sum())
        eta1 = float(gap[t].sum() / n1)
        eta0 = float(odds @ gap / odds.sum())
        effect = eta1 - eta0
        influence = np.where(t, gap - eta1, 0.0) / (n1 / n) - odds * (gap - eta0) / (odds.sum() / n)
    se = _root_sum_squares(influence) / n
    how = "logistic propensity, linear outcome model per group; influence-function SE"
    return _weighted_estimate(effect, se, n, value, d, "AIPW", how, exponent)
