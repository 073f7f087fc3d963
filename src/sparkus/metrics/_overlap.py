"""Overlap and balance under propensity weighting: the fit every weighting door shares.

:func:`~sparkus.metrics.overlap`, :func:`~sparkus.metrics.ipw` and :func:`~sparkus.metrics.aipw`
check the same inputs (:func:`weighting_data`) and fit the same propensity model, a
maximum-likelihood logistic regression on the covariates with an intercept
(:func:`fit_design`). Trimming (Crump et al. 2009) drops units whose estimated propensity lies
outside ``[trim, 1 - trim]`` and refits the model on the rest: the estimate then describes the
units kept, which :func:`kept_note` says in the result. Then the diagnostics: standardised mean
differences before and after weighting, effective sample sizes and the propensity ranges, with
a reason for each sign of poor overlap (:class:`~sparkus.metrics.OverlapDiagnostics`), which
every door also gives as a warning (:func:`warn_overlap`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import BoolArray, FloatArray, check_choice, check_number
from sparkus._checks_effects import indicator, named_matrix, same_length, vector
from sparkus._errors import EstimationError, SparkusWarning
from sparkus._results import Result, Table, format_number
from sparkus.metrics._estimate import frozen
from sparkus.metrics._propensity import LogitFit, dot, fit_logit, times_rows
from sparkus.metrics._rows import paired_rows

__all__ = ["OverlapDiagnostics", "overlap"]

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
# The shared fit
# --------------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class WeightingData:
    """The checked inputs of a weighting door: outcome (None for overlap), groups, covariates."""

    y: FloatArray | None
    treated: BoolArray
    X: FloatArray
    names: tuple[str, ...]
    estimand: Estimand
    trim: float | None


@attrs.frozen(eq=False)
class Design:
    """The inputs, the propensity fit on the units kept, and the balance diagnostics."""

    data: WeightingData
    kept: BoolArray
    fit: LogitFit
    diagnostics: OverlapDiagnostics
    weights: tuple[FloatArray, FloatArray]

    @property
    def estimand(self) -> Estimand:
        """The estimand whose weights were applied."""
        return self.data.estimand

    def on_kept(self, array: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """The rows of `array` (one per unit) that trimming kept: all of it, uncopied, if none."""
        return array if self.kept.all() else array[self.kept]


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
    # back to the units of the first fit's scaling (its columns' powers of two, then its SDs)
    after = gap * np.ldexp(fit.sd / first.sd, fit.exponents - first.exponents) / sd
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


def weighting_data(
    y: object, treated: object, X: object, estimand: object, trim: object, names: object,
) -> WeightingData:  # fmt: skip
    """The checks of every weighting door: options, then the arrays and their lengths."""
    kind = check_choice(estimand, "estimand", ESTIMANDS)
    cut = _trim_check(trim)
    y, treated, X = paired_rows(("y", y), ("treated", treated), ("X", X))
    outcome = None if y is None else vector(y, "y", minimum=2)
    group = indicator(treated, "treated")
    values, labels = named_matrix(X, "X", names=cast("Sequence[str] | None", names))
    lengths = [("treated", len(group)), ("X", values.shape[0])]
    if outcome is not None:
        lengths.insert(0, ("y", len(outcome)))
    same_length(*lengths)
    return WeightingData(outcome, group, values, labels, kind, cut)


def fit_design(data: WeightingData) -> Design:
    """Fit the propensity model (refitted after trimming) and diagnose overlap and balance."""
    group, values, labels, cut = data.treated, data.X, data.names, data.trim
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
            fit = fit_logit(values[kept], group[kept], labels, rows=np.flatnonzero(kept))
    diagnostics, w1, w0 = _diagnostics(group, labels, kept, first, fit, data.estimand, cut)
    return Design(data, kept, fit, diagnostics, (w1, w0))


def warn_overlap(diagnostics: OverlapDiagnostics, stacklevel: int) -> None:
    """A SparkusWarning with every reason for poor overlap, pointing `stacklevel` frames up."""
    if diagnostics.problems:
        msg = "poor overlap: " + "; ".join(diagnostics.problems)
        warnings.warn(msg, SparkusWarning, stacklevel=stacklevel + 1)


def kept_note(d: Design) -> str:
    """What trimming dropped, for the method of a result; empty when nothing was dropped."""
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
    d = fit_design(weighting_data(None, treated, X, estimand, trim, names))
    warn_overlap(d.diagnostics, stacklevel=2)
    return d.diagnostics
