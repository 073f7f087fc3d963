"""Weighting estimators for programs that were not randomised: IPW, AIPW and overlap diagnostics.

Both estimators weight by a propensity score from :class:`PropensityModel` (maximum-likelihood
logistic regression on the covariates, with an intercept).

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
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    BoolArray,
    FloatArray,
    check_choice,
    check_level,
    check_number,
    indicator,
    named_matrix,
    same_length,
    schema_error,
    vector,
)
from sparkus._errors import EstimationError, SparkusWarning
from sparkus._results import Result, Table, format_number
from sparkus.metrics._estimate import Estimate, finite_or_raise, frozen, wald_estimate
from sparkus.metrics._linalg import checked_cholesky
from sparkus.metrics._propensity import LogitFit, combine_rows, dot, fit_logit, times_rows

__all__ = ["OverlapDiagnostics", "aipw", "ipw", "overlap"]

Estimand: TypeAlias = Literal["ATE", "ATT"]
ESTIMANDS: Final[tuple[Estimand, ...]] = ("ATE", "ATT")

MAX_WEIGHT: Final = 100.0
"""A unit whose (unnormalised) weight exceeds this counts as extreme: for the ATE a treated unit
with a propensity below 0.01 or a control above 0.99."""
LOW_ESS_SHARE: Final = 0.1
"""An effective sample size below this share of its group's units counts as low."""
SMD_THRESHOLD: Final = 0.1
"""An absolute standardised mean difference above this after weighting counts as imbalance
(Austin 2009; Normand et al. 2001)."""


# --------------------------------------------------------------------------------------------
# The result of overlap()
# --------------------------------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class OverlapDiagnostics(Result):
    """How well treated and control units overlap, and how well weighting balances them.

    .. versionadded:: 0.1

    Attributes
    ----------
    covariates : tuple of str
        The covariates' names, in the order of `smd_before` and `smd_after`.
    smd_before : ndarray of float64
        Each covariate's standardised mean difference, treated minus control, in the sample as
        given (before trimming and weighting).
    smd_after : ndarray of float64
        The same after trimming and weighting (the weighted means of the units kept).
    estimand : {"ATE", "ATT"}
        The estimand whose weights were applied.
    n_treated, n_control : int
        The units kept in each group (after trimming).
    ess_treated, ess_control : float
        Kish's effective sample size of each group's weights, ``(Σw)² / Σw²``.
    propensity_treated, propensity_control : tuple of float
        The smallest and largest estimated propensity in each group (of the units kept).
    trim : float or None
        The trimming threshold: units with a propensity outside ``[trim, 1 - trim]`` dropped.
    trimmed_treated, trimmed_control : int
        How many units trimming dropped from each group.
    problems : tuple of str
        Why overlap looks poor, one reason each; empty when nothing is flagged.

    Notes
    -----
    A standardised mean difference is the difference of the group means divided by the
    pooled standard deviation ``√((s²_treated + s²_control) / 2)`` of the sample as given
    (Austin 2009). The same denominator serves before and after weighting, so a change in the
    SMD is a change in the means alone.

    Flagged (each a reason in `problems`): a unit weighing more than 100 before normalisation
    (for the ATE, a treated unit with a propensity below 0.01 or a control above 0.99; for the
    ATT, a control above 100/101), an effective sample size below 10% of its group, and an
    absolute SMD above 0.1 after weighting.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import overlap
    >>> rng = np.random.default_rng(2)
    >>> readiness = rng.normal(0.0, 1.0, 400)
    >>> coached = rng.random(400) < 1.0 / (1.0 + np.exp(0.3 - 0.9 * readiness))
    >>> check = overlap(coached, {"readiness": readiness})
    >>> check
    OverlapDiagnostics(n_treated=178, n_control=222, max |SMD| after=0.03802, no problem flagged)
    >>> np.round(check.smd_before, 3), np.round(check.smd_after, 3), check.problems
    (array([0.809]), array([0.038]), ())
    """

    covariates: tuple[str, ...]
    smd_before: FloatArray
    smd_after: FloatArray
    estimand: str
    n_treated: int
    n_control: int
    ess_treated: float
    ess_control: float
    propensity_treated: tuple[float, float]
    propensity_control: tuple[float, float]
    trim: float | None
    trimmed_treated: int
    trimmed_control: int
    problems: tuple[str, ...]

    def _headline(self) -> str:
        worst = float(np.max(np.abs(self.smd_after)))
        verdict = "poor overlap" if self.problems else "no problem flagged"
        return (
            f"n_treated={self.n_treated}, n_control={self.n_control}, "
            f"max |SMD| after={format_number(worst)}, {verdict}"
        )

    def _tables(self) -> list[Table]:
        balance = tuple(
            (name, format_number(float(b)), format_number(float(a)))
            for name, b, a in zip(self.covariates, self.smd_before, self.smd_after, strict=True)
        )
        groups = tuple(
            (label, format_number(n), format_number(cut), format_number(ess),
             format_number(low), format_number(high))
            for label, n, cut, ess, (low, high) in (
                ("treated", self.n_treated, self.trimmed_treated, self.ess_treated,
                 self.propensity_treated),
                ("control", self.n_control, self.trimmed_control, self.ess_control,
                 self.propensity_control),
            )
        )  # fmt: skip
        trim = (
            "no trimming"
            if self.trim is None
            else f"trimmed outside [{self.trim:g}, {1 - self.trim:g}]"
        )
        note = "; ".join(self.problems) if self.problems else "no sign of poor overlap"
        return [
            Table(
                f"Covariate balance ({self.estimand} weights)",
                ("covariate", "SMD before", "SMD after"),
                balance,
                "standardised mean differences, treated minus control",
            ),
            Table(
                f"Overlap ({trim})",
                ("group", "units", "trimmed", "effective n", "min propensity", "max propensity"),
                groups,
                note,
            ),
        ]


# --------------------------------------------------------------------------------------------
# Shared machinery
# --------------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Design:
    """Checked inputs, the propensity fit on the units kept, and the balance diagnostics."""

    y: FloatArray | None
    treated: BoolArray
    X: FloatArray
    names: tuple[str, ...]
    kept: BoolArray
    fit: LogitFit
    estimand: Estimand
    diagnostics: OverlapDiagnostics
    weights: tuple[FloatArray, FloatArray]


def _trim_check(trim: object) -> float | None:
    if trim is None:
        return None
    return check_number(trim, "trim", low=0.0, high=0.5, low_open=True, high_open=True,
                        what="a propensity threshold")  # fmt: skip


def _weights(p: FloatArray, t: BoolArray, estimand: Estimand) -> tuple[FloatArray, FloatArray]:
    """Unnormalised weights of the treated and of the controls (zero outside each group)."""
    if estimand == "ATE":
        return np.where(t, 1.0 / p, 0.0), np.where(t, 0.0, 1.0 / (1.0 - p))
    return t.astype(np.float64), np.where(t, 0.0, p / (1.0 - p))


def _ess(w: FloatArray) -> float:
    total = float(w.sum())
    return total * total / dot(w, w)


def _diagnostics(
    t: BoolArray, names: tuple[str, ...], kept: BoolArray, first: LogitFit, fit: LogitFit,
    estimand: Estimand, trim: float | None,
) -> tuple[OverlapDiagnostics, FloatArray, FloatArray]:  # fmt: skip
    """Balance and overlap from the scaled designs of the fits (on all rows, and on those kept).

    A standardised mean difference does not change when a column is shifted and scaled, so the
    scaled designs serve: their columns have sum of squares n over their rows and mean 0 up
    to rounding (their sums are taken here, so that rounding does not matter). Also returns
    the weights of the kept units, for the estimators.
    """
    n = len(t)
    n1 = int(np.count_nonzero(t))
    n0 = n - n1
    Z = first.design[1:]  # the covariates' rows
    share = t.astype(np.float64)
    s1 = times_rows(Z, share)
    q1 = np.einsum("ij,ij,j->i", Z, Z, share)
    m1, m0 = s1 / n1, (Z.sum(axis=1) - s1) / n0
    v1 = (q1 - n1 * m1**2) / (n1 - 1) if n1 > 1 else np.zeros_like(m1)
    v0 = (n - q1 - n0 * m0**2) / (n0 - 1) if n0 > 1 else np.zeros_like(m0)
    sd = np.sqrt(np.maximum((v1 + v0) / 2.0, 0.0))
    sd = np.where(sd > 0, sd, np.nan)
    smd_before = (m1 - m0) / sd

    tk, p = t[kept], fit.propensity
    w1, w0 = _weights(p, tk, estimand)
    Zk = fit.design[1:]
    gap = times_rows(Zk, w1) / w1.sum() - times_rows(Zk, w0) / w0.sum()
    after = gap * (fit.sd / first.sd) / sd  # back to the units of the first fit's scaling
    ess1, ess0 = _ess(w1), _ess(w0)  # each is zero outside its group
    k1 = int(np.count_nonzero(tk))
    k0 = len(tk) - k1
    p1, p0 = p[tk], p[~tk]

    problems: list[str] = []
    heavy = int(np.count_nonzero(w1 > MAX_WEIGHT) + np.count_nonzero(w0 > MAX_WEIGHT))
    if heavy:
        where = (
            f"propensity below {1 / MAX_WEIGHT:g} among the treated or above "
            f"{1 - 1 / MAX_WEIGHT:g} among the controls"
            if estimand == "ATE"
            else f"propensity above {MAX_WEIGHT / (1 + MAX_WEIGHT):.3g} among the controls"
        )
        units = "1 unit gets" if heavy == 1 else f"{heavy:,} units get"
        problems.append(f"{units} weights above {MAX_WEIGHT:g} ({where}); consider trim=0.1")
    for label, ess, count in (("treated", ess1, k1), ("control", ess0, k0)):
        if ess < LOW_ESS_SHARE * count:
            problems.append(
                f"the {label} group's effective sample size is {ess:,.1f} of {count:,} units "
                f"(below {LOW_ESS_SHARE:.0%}): a few units carry the weight"
            )
    imbalanced = [f"`{nm}` ({v:+.3g})" for nm, v in zip(names, after, strict=True)
                  if not abs(v) <= SMD_THRESHOLD]  # fmt: skip
    if imbalanced:
        problems.append(
            f"after weighting, |SMD| > {SMD_THRESHOLD:g} for {', '.join(imbalanced)}: the "
            "propensity model does not balance them (add terms or interactions)"
        )
    diagnostics = OverlapDiagnostics(
        covariates=names,
        smd_before=frozen(smd_before),
        smd_after=frozen(after),
        estimand=estimand,
        n_treated=k1,
        n_control=k0,
        ess_treated=ess1,
        ess_control=ess0,
        propensity_treated=(float(p1.min()), float(p1.max())),
        propensity_control=(float(p0.min()), float(p0.max())),
        trim=trim,
        trimmed_treated=n1 - k1,
        trimmed_control=n0 - k0,
        problems=tuple(problems),
    )
    return diagnostics, w1, w0


def _design(
    y: object, treated: object, X: object, estimand: object, trim: object, names: object,
) -> _Design:  # fmt: skip
    """Check the inputs, fit the propensity model (refitted after trimming), diagnose."""
    kind = check_choice(estimand, "estimand", ESTIMANDS)
    cut = _trim_check(trim)
    if names is not None and (isinstance(names, str) or not isinstance(names, Sequence)):
        raise schema_error("names", f"expected a sequence of names, got {type(names).__name__}")
    outcome = None if y is None else vector(y, "y", minimum=2)
    group = indicator(treated, "treated")
    values, labels = named_matrix(X, "X", names=names)
    lengths = [("treated", len(group)), ("X", values.shape[0])]
    if outcome is not None:
        lengths.insert(0, ("y", len(outcome)))
    same_length(*lengths)
    fit = first = fit_logit(values, group, labels)
    kept = np.ones(len(group), dtype=bool)
    if cut is not None:
        kept = (fit.propensity >= cut) & (fit.propensity <= 1.0 - cut)
        if not kept.all():
            left = int(np.count_nonzero(group[kept]))
            if left == 0 or left == int(kept.sum()):
                missing = "treated" if left == 0 else "control"
                msg = (
                    f"trim={cut:g} drops every {missing} unit (their propensities all lie "
                    f"outside [{cut:g}, {1 - cut:g}]); overlap is too poor for any estimate"
                )
                raise EstimationError(msg)
            fit = fit_logit(values[kept], group[kept], labels)
    diagnostics, w1, w0 = _diagnostics(group, labels, kept, first, fit, kind, cut)
    return _Design(outcome, group, values, labels, kept, fit, kind, diagnostics, (w1, w0))


def _warn(diagnostics: OverlapDiagnostics, stacklevel: int) -> None:
    if diagnostics.problems:
        msg = "poor overlap: " + "; ".join(diagnostics.problems)
        warnings.warn(msg, SparkusWarning, stacklevel=stacklevel + 1)


def _estimate(value: float, se: float, n: int, level: float, method: str) -> Estimate:
    finite_or_raise((value, se), "the estimate or its standard error")
    statistic = value / se if se > 0 else math.copysign(math.inf, value)
    return wald_estimate(value, se, None, level, statistic=statistic, n=n, method=method)


def _kept_note(d: _Design) -> str:
    cut = d.diagnostics.trim
    if cut is None or d.kept.all():
        return ""
    dropped = int(np.count_nonzero(~d.kept))
    return f"; {dropped:,} units with propensity outside [{cut:g}, {1 - cut:g}] trimmed"


# --------------------------------------------------------------------------------------------
# overlap
# --------------------------------------------------------------------------------------------


def overlap(
    treated: npt.ArrayLike,
    X: npt.ArrayLike | Mapping[str, npt.ArrayLike] | Any,
    *,
    estimand: Estimand = "ATE",
    trim: float | None = None,
    names: Sequence[str] | None = None,
) -> OverlapDiagnostics:
    """Overlap and covariate balance under propensity weighting.

    .. versionadded:: 0.1

    Fits the propensity model (:class:`PropensityModel`), optionally trims, and reports the
    standardised mean differences before and after weighting, the effective sample sizes and
    the propensity ranges of both groups. Run it before :func:`ipw` or :func:`aipw`: they weight
    the same way and warn about the same problems.

    Parameters
    ----------
    treated : array-like of bool or {0, 1}, shape (n,)
        Whether each unit was treated. Both groups must occur.
    X : array-like of shape (n,) or (n, p), or a mapping of name to column
        The covariates that drove selection (see :func:`ols` for the accepted forms).
    estimand : {"ATE", "ATT"}, default "ATE"
        Whose average effect the weights target: everyone's (ATE) or the treated's (ATT).
    trim : float, optional
        Drop units whose propensity lies outside ``[trim, 1 - trim]`` (0.1 is the usual rule of
        thumb, Crump et al. 2009) and refit the propensity model on the rest.
    names : sequence of str, optional
        The names of the columns of an array `X`.

    Returns
    -------
    OverlapDiagnostics
        Balance and overlap; ``problems`` lists what looks poor.

    Raises
    ------
    EstimationError
        If the inputs differ in length or hold a missing value (the rows are named); a group
        is empty (or emptied by trimming); the design is singular (the dependent columns are
        named); or the covariates separate the groups (propensities of 0 or 1: no overlap).
    SchemaError
        If `treated` is not 0/1 or an option is not an allowed value.

    Warns
    -----
    SparkusWarning
        When overlap is poor, saying why (the reasons are also in ``problems``).

    References
    ----------
    Austin, P. C. (2009). Balance diagnostics for comparing the distribution of baseline
    covariates between treatment groups in propensity-score matched samples. *Statistics in
    Medicine* 28(25), 3083-3107.

    Crump, R. K., Hotz, V. J., Imbens, G. W. & Mitnik, O. A. (2009). Dealing with limited
    overlap in estimation of average treatment effects. *Biometrika* 96(1), 187-199.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import overlap
    >>> rng = np.random.default_rng(2)
    >>> readiness = rng.normal(0.0, 1.0, 400)
    >>> tenure = rng.gamma(2.0, 3.0, 400)
    >>> coached = rng.random(400) < 1.0 / (1.0 + np.exp(0.3 - 0.9 * readiness))
    >>> check = overlap(coached, {"readiness": readiness, "tenure": tenure})
    >>> check.covariates
    ('readiness', 'tenure')
    >>> np.round(check.smd_before, 3), np.round(check.smd_after, 3)
    (array([0.572, 0.101]), array([-0.028,  0.   ]))
    >>> round(check.ess_treated, 1), round(check.ess_control, 1), check.problems
    (149.5, 211.1, ())
    """
    d = _design(None, treated, X, estimand, trim, names)
    _warn(d.diagnostics, stacklevel=2)
    return d.diagnostics


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
        As :func:`overlap`.
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
    value = check_level(level)
    d = _design(y, treated, X, estimand, trim, names)
    _warn(d.diagnostics, stacklevel=2)
    assert d.y is not None  # y was given
    y_kept = d.y if d.kept.all() else d.y[d.kept]
    t_kept = d.treated[d.kept]
    effect, influence = _ipw_influence(y_kept, t_kept, d.fit, d.estimand, d.weights)
    n = len(y_kept)
    se = math.sqrt(dot(influence, influence)) / n
    method = (
        f"IPW estimate of the {d.estimand} (normalised weights, logistic propensity; "
        f"stacked M-estimation SE{_kept_note(d)})"
    )
    return _estimate(effect, se, n, value, method)


# --------------------------------------------------------------------------------------------
# aipw
# --------------------------------------------------------------------------------------------


def _outcome_fit(
    X: FloatArray, y: FloatArray, rows: BoolArray, names: tuple[str, ...], label: str
) -> FloatArray:
    """Least-squares predictions, for every row, of `y` on ``[1, X]`` fitted on `rows`."""
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
        As :func:`overlap`; and if a group has too few units for its outcome model, or its
        covariates are collinear within the group (the columns are named).
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
    value = check_level(level)
    d = _design(y, treated, X, estimand, trim, names)
    _warn(d.diagnostics, stacklevel=2)
    assert d.y is not None  # y was given
    full = d.kept.all()
    yk = d.y if full else d.y[d.kept]
    Xk = d.X if full else d.X[d.kept]
    t = d.treated if full else d.treated[d.kept]
    p = d.fit.propensity
    n = len(yk)
    m0 = _outcome_fit(Xk, yk, ~t, d.names, "control")
    if d.estimand == "ATE":
        m1 = _outcome_fit(Xk, yk, t, d.names, "treated")
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
    se = float(math.sqrt(influence @ influence) / n)
    method = (
        f"AIPW estimate of the {d.estimand} (logistic propensity, linear outcome model per "
        f"group; influence-function SE{_kept_note(d)})"
    )
    return _estimate(effect, se, n, value, method)
