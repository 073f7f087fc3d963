"""One group-time cell of a staggered rollout with covariates: Sant'Anna & Zhao (2020).

For panel data each cell is a two-period, two-group comparison of the change in the outcome,
``dy``, between the cell's group (``D = 1``) and its comparison group (``D = 0``), on the
covariates ``X`` of the base period. Three estimators, as R's ``DRDID`` (which R's ``did``
calls):

* ``"reg"`` (``reg_did_panel``): the comparison group's change regressed on X (OLS), predicted
  for the treated;
* ``"ipw"`` (``std_ipw_did_panel``): the comparison group reweighted by the odds of a
  logistic propensity score (the weights normalised to one);
* ``"dr"`` (``drdid_panel``, the default): both, doubly robust.

Each returns the effect and its influence function on the cell's units, including the
estimation effect of the nuisance models (the propensity score's and the regression's
asymptotic linear representations). As ``DRDID``, the fitted propensity is capped at
``1 - 1e-6`` and comparison units whose propensity is 0.995 or more are trimmed.
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray
from sparkus._errors import EstimationError

__all__ = ["EST_METHODS", "EstMethod", "cell_effect"]

EstMethod: TypeAlias = Literal["dr", "ipw", "reg"]
EST_METHODS: Final[tuple[EstMethod, ...]] = ("dr", "ipw", "reg")
_CAP: Final = 1.0 - 1e-6
_TRIM: Final = 0.995
_OVERLAP: Final = 0.999  # R did refuses a cell whose largest propensity reaches this


def _logit(design: FloatArray, d: FloatArray, cell: str) -> FloatArray:
    """The maximum-likelihood logistic fit's probabilities (Newton, from the share's logit)."""
    share = float(d.mean())
    beta = np.zeros(design.shape[1])
    beta[0] = np.log(share / (1.0 - share))
    converged = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(100):
            p = 1.0 / (1.0 + np.exp(-(design @ beta)))
            hessian = design.T @ (design * (p * (1.0 - p))[:, None])
            try:
                step = np.linalg.solve(hessian, design.T @ (d - p))
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)):
                break
            beta = beta + step
            if float(np.max(np.abs(step))) < 1e-10:
                converged = True
                break
    if not converged:
        msg = (
            f"the propensity model of the group-time cell {cell} did not converge; the "
            "covariates (almost) separate the group from its comparison group (overlap fails)"
        )
        raise EstimationError(msg)
    return np.asarray(1.0 / (1.0 + np.exp(-(design @ beta))), dtype=float)


def _standardised(x: FloatArray) -> FloatArray:
    """Each covariate centred and in units of its SD over the cell's units; 0 if it is constant.

    The effect and its influence function do not change when a covariate is shifted or scaled
    (with the intercept, the fits only reparametrise), but the rank check and the logistic
    fit's convergence test are absolute: covariates of 1e-20 or 1e20 read as collinear. A
    column whose spread is rounding beside its size is constant for the rank check to refuse.
    """
    tops = np.max(np.abs(x), axis=0, initial=0.0)
    x = np.ldexp(x, -np.frexp(tops)[1])  # exact, every magnitude below 1: no overflow below
    centred = x - x.mean(axis=0)
    spread = np.max(np.abs(centred), axis=0, initial=0.0)
    live = spread > 64 * np.finfo(float).eps * np.max(np.abs(x), axis=0, initial=0.0)
    sd = np.where(live, centred.std(axis=0), 1.0)
    return np.asarray(np.where(live, centred / sd, 0.0), dtype=float)


def _check_design(design: FloatArray, rows: npt.NDArray[np.bool_], cell: str, who: str) -> None:
    """Refuse a rank-deficient design among `rows`: a coefficient would not be identified."""
    sub = design[rows]
    k = design.shape[1]
    if sub.shape[0] <= k or np.linalg.matrix_rank(sub) < k:
        msg = (
            f"the covariates are collinear (or constant) among the {who} of the group-time "
            f"cell {cell} ({sub.shape[0]} units, {k} coefficients with the intercept); drop "
            "or combine columns"
        )
        raise EstimationError(msg)


def _ols_rep(
    design: FloatArray, dy: FloatArray, control: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray]:
    """The comparison group's OLS prediction of dy, and its asymptotic linear representation."""
    n = design.shape[0]
    xc = design[control]
    coef, *_ = np.linalg.lstsq(xc, dy[control], rcond=None)
    fitted = design @ coef
    resid = np.where(control, dy - fitted, 0.0)
    xpx_inv = np.linalg.inv(xc.T @ xc / n)
    return fitted, (design * resid[:, None]) @ xpx_inv


def cell_effect(
    dy: FloatArray, d: npt.NDArray[np.bool_], x: FloatArray, method: EstMethod, cell: str
) -> tuple[float, FloatArray]:
    """The cell's ATT and influence function on its units (R ``DRDID``'s panel estimators).

    `dy` is each unit's change, `d` marks the group (the others are its comparison group), `x`
    the base period's covariates without the intercept; `cell` names the cell in errors.
    """
    n = dy.shape[0]
    design = np.column_stack([np.ones(n), _standardised(x)])
    df = d.astype(float)
    control = ~d
    if method == "reg":
        _check_design(design, control, cell, "comparison units")
        fitted, ols = _ols_rep(design, dy, control)
        eta_treat = float(np.mean(df * dy) / np.mean(df))
        eta_cont = float(np.mean(df * fitted) / np.mean(df))
        inf_treat = df * (dy - eta_treat) / np.mean(df)
        inf_cont = (
            df * (fitted - eta_cont) + ols @ np.mean(df[:, None] * design, axis=0)
        ) / np.mean(df)
        return eta_treat - eta_cont, np.asarray(inf_treat - inf_cont, dtype=float)
    _check_design(design, np.ones(n, dtype=bool), cell, "units")
    ps = _logit(design, df, cell)
    if float(ps.max()) >= _OVERLAP:
        msg = (
            f"the propensity score of the group-time cell {cell} reaches {float(ps.max()):.4g}: "
            "some units of the group have no comparable units in the comparison group "
            "(overlap fails); drop the covariates that separate them"
        )
        raise EstimationError(msg)
    ps = np.minimum(ps, _CAP)
    keep = np.where(d, 1.0, (ps < _TRIM).astype(float))
    w_treat = keep * df
    w_cont = keep * ps * (1.0 - df) / (1.0 - ps)
    info = design.T @ (design * (ps * (1.0 - ps))[:, None])
    ps_rep = (design * (df - ps)[:, None]) @ (np.linalg.inv(info) * n)
    if method == "ipw":
        fitted, ols = np.zeros(n), np.zeros((n, design.shape[1]))
    else:
        _check_design(design, control, cell, "comparison units")
        fitted, ols = _ols_rep(design, dy, control)
    resid = dy - fitted
    eta_treat = float(np.mean(w_treat * resid) / np.mean(w_treat))
    eta_cont = float(np.mean(w_cont * resid) / np.mean(w_cont))
    m1 = np.mean(w_treat[:, None] * design, axis=0)
    inf_treat = (w_treat * (resid - eta_treat) - ols @ m1) / np.mean(w_treat)
    m2 = np.mean((w_cont * (resid - eta_cont))[:, None] * design, axis=0)
    m3 = np.mean(w_cont[:, None] * design, axis=0)
    inf_cont = (w_cont * (resid - eta_cont) + ps_rep @ m2 - ols @ m3) / np.mean(w_cont)
    return eta_treat - eta_cont, np.asarray(inf_treat - inf_cont, dtype=float)
