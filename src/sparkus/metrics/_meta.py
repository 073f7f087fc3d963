"""Meta-analysis across cohorts, programs or companies: fixed and random effects.

Inverse-variance pooling of per-study effects with their sampling variances, as in metafor's
``rma(yi, vi, method=...)`` (Viechtbauer 2010): the fixed-effect model, and the random-effects
model with the DerSimonian-Laird or REML estimate of the between-study variance, optionally
with the Hartung-Knapp adjustment, and the prediction interval of Higgins, Thompson &
Spiegelhalter (2009).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    FloatArray,
    as_array,
    check_choice,
    check_level,
    is_missing,
    rows_text,
    schema_error,
)
from sparkus._checks_effects import same_length, vector
from sparkus._errors import EstimationError, name_text, shown
from sparkus._labels import refuse_spellings
from sparkus._quantiles import critical_value
from sparkus._results import Result, Table, format_number
from sparkus.metrics._estimate import (
    ConfidenceInterval,
    frozen,
    normal_pvalue,
    t_pvalue,
    wald_interval,
)
from sparkus.metrics._pooling import (
    Studies,
    pool,
    scale_studies,
    squared_z,
    tau2_dl,
    tau2_reml,
)
from sparkus.metrics._rows import paired_rows
from sparkus.metrics._stable import representable, unscale

__all__ = ["MetaAnalysis", "fixed_effect", "random_effects"]

Tau2Method = Literal["DL", "REML"]
TAU2_METHODS: Final[tuple[Tau2Method, ...]] = ("DL", "REML")


@attrs.frozen(repr=False, eq=False)
class MetaAnalysis(Result):
    """A pooled effect across studies (cohorts, programs, companies) and its heterogeneity.

    .. versionadded:: 0.1

    Attributes
    ----------
    estimate : float
        The pooled effect: the inverse-variance weighted mean of the study effects.
    se : float
        Its standard error (the Hartung-Knapp one when `hartung_knapp`).
    ci : ConfidenceInterval
        The confidence interval of `estimate` at `level`: normal, or t with ``k - 1`` d.f. with
        the Hartung-Knapp adjustment.
    level : float
        The confidence level of `ci`, of `prediction_interval` and of `study_ci`.
    statistic : float
        ``estimate / se``: z, or t with the Hartung-Knapp adjustment.
    pvalue : float
        The two-sided p-value of the test of no effect.
    df : int or None
        The d.f. of the t test (``k - 1``) with the Hartung-Knapp adjustment, else None.
    q : float
        Cochran's Q: the weighted sum of squared deviations from the fixed-effect estimate.
    q_pvalue : float
        The p-value of the test of homogeneity (Q against chi-squared with ``k - 1`` d.f.).
    i2 : float
        I², the share of the total variability due to heterogeneity, between 0 and 1: for a
        random-effects model ``tau2 / (tau2 + s2)`` with s2 the typical within-study variance
        (as metafor computes it); for the fixed-effect model ``max(0, (q - (k - 1)) / q)``.
    h2 : float
        H², the total variability over the sampling variability.
    tau2 : float
        The between-study variance τ² (0 for the fixed-effect model).
    prediction_interval : ConfidenceInterval or None
        Where the true effect of a new, similar study would lie, at `level`:
        ``estimate ± t(k - 2) sqrt(tau2 + se²)`` (Higgins, Thompson & Spiegelhalter 2009).
        None for the fixed-effect model and for fewer than three studies.
    k : int
        The number of studies.
    labels : tuple of str
        A label per study.
    effects : ndarray of float64, shape (k,)
        The study effects, in input order.
    variances : ndarray of float64, shape (k,)
        Their sampling variances.
    study_ci : ndarray of float64, shape (k, 2)
        Each study's normal confidence interval ``effect ± z sqrt(variance)`` at `level`.
    weights : ndarray of float64, shape (k,)
        Each study's share of the total weight (they sum to 1).
    method : str
        ``"fixed effect"``, ``"random effects (DL)"`` or ``"random effects (REML)"``, with
        ``", Hartung-Knapp"`` where adjusted.
    hartung_knapp : bool
        Whether the Hartung-Knapp adjustment was applied.

    Examples
    --------
    >>> from sparkus.metrics import random_effects
    >>> result = random_effects([0.42, 0.31, 0.65, 0.12], [0.010, 0.020, 0.015, 0.030])
    >>> result
    MetaAnalysis(k=4, estimate=0.3972, 95% CI [0.1956, 0.5988], tau2=0.02477, I2=59.5%, random effects (REML))
    >>> print(f"{result.prediction_interval.low:.3f}, {result.prediction_interval.high:.3f}")
    -0.412, 1.206
    """

    estimate: float
    se: float
    ci: ConfidenceInterval
    level: float
    statistic: float
    pvalue: float
    df: int | None
    q: float
    q_pvalue: float
    i2: float
    h2: float
    tau2: float
    prediction_interval: ConfidenceInterval | None
    k: int
    labels: tuple[str, ...]
    effects: FloatArray
    variances: FloatArray
    study_ci: FloatArray
    weights: FloatArray
    method: str
    hartung_knapp: bool = False

    def _headline(self) -> str:
        low, high = (format_number(v) for v in self.ci)
        return (
            f"k={self.k}, estimate={format_number(self.estimate)}, "
            f"{100 * self.level:.10g}% CI [{low}, {high}], tau2={format_number(self.tau2)}, "
            f"I2={100 * self.i2:.1f}%, {self.method}"
        )

    def _tables(self) -> list[Table]:
        pct = f"{100 * self.level:.10g}%"
        test = "z" if self.df is None else f"t ({self.df} d.f.)"
        rows: list[tuple[str, str]] = [
            ("estimate", format_number(self.estimate)),
            ("standard error", format_number(self.se)),
            (f"{pct} CI", f"[{format_number(self.ci.low)}, {format_number(self.ci.high)}]"),
            (test, format_number(self.statistic)),
            ("p-value", format_number(self.pvalue)),
        ]
        if self.prediction_interval is not None:
            pi = self.prediction_interval
            rows.append((f"{pct} prediction interval",
                         f"[{format_number(pi.low)}, {format_number(pi.high)}]"))  # fmt: skip
        rows += [
            (f"Q ({self.k - 1} d.f.)", format_number(self.q)),
            ("Q p-value", format_number(self.q_pvalue)),
            ("tau²", format_number(self.tau2)),
            ("I²", f"{100 * self.i2:.2f}%"),
            ("H²", format_number(self.h2)),
            ("studies", format_number(self.k)),
        ]
        studies = tuple(
            (label, format_number(float(y)), format_number(float(lo)), format_number(float(hi)),
             f"{100 * float(w):.1f}%")
            for label, y, (lo, hi), w in zip(
                self.labels, self.effects, self.study_ci, self.weights, strict=True
            )
        )  # fmt: skip
        headers = ("study", "effect", f"{pct} low", f"{pct} high", "weight")
        return [
            Table(f"Meta-analysis, {self.method}", ("quantity", "value"), tuple(rows)),
            Table("Studies", headers, studies),
        ]


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def fixed_effect(
    effects: npt.ArrayLike,
    variances: npt.ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    level: float = 0.95,
) -> MetaAnalysis:
    """Pool study effects under the fixed-effect (common-effect) model.

    .. versionadded:: 0.1

    The inverse-variance weighted mean, ``sum(y / v) / sum(1 / v)``, with standard error
    ``1 / sqrt(sum(1 / v))``: the right model when the studies estimate one common effect.
    Check `q` and `i2`: heterogeneity calls for :func:`random_effects`.

    Parameters
    ----------
    effects : array_like of float, shape (k,)
        The effect of each study (a mean difference, a standardised mean difference, a log
        risk or odds ratio...), all on the same scale.
    variances : array_like of float, shape (k,)
        The sampling variance of each effect (its squared standard error), positive.
    labels : sequence of str, optional
        A label per study; by default ``"study 1"``, ``"study 2"``, ...
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    MetaAnalysis
        The pooled estimate, its interval and test, Q, I², and the per-study effects,
        intervals and weights.

    Raises
    ------
    SchemaError
        If `labels` is not one string per study, a label is missing (None or NaN), two studies
        share a label (or one label is written two ways, differing only in case, white space or
        Unicode form), or `level` is not in (0, 1).
    EstimationError
        For fewer than two studies, mismatched lengths, missing or non-finite values, or a
        variance that is not positive (the rows are named); or when a result would leave the
        range of a double (a z statistic or Q beyond 1.8e308: effects 1e154 standard errors
        apart). Effects and variances anywhere in the float range are otherwise pooled exactly
        (relative weights, effects scaled by a power of two).

    See Also
    --------
    random_effects : When the true effects differ between studies.

    References
    ----------
    Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009).
    *Introduction to Meta-Analysis*. Wiley, chapters 11 and 16.

    Examples
    --------
    Three cohorts of the same program, each with its effect and squared standard error:

    >>> from sparkus.metrics import fixed_effect
    >>> result = fixed_effect([0.30, 0.45, 0.38], [0.010, 0.020, 0.015],
    ...                       labels=["spring", "summer", "autumn"])
    >>> round(result.estimate, 4), round(result.se, 4)
    (0.3592, 0.0679)
    >>> [round(float(w), 3) for w in result.weights]
    [0.462, 0.231, 0.308]
    """
    y, v, names, lvl = _meta_iv(effects, variances, labels, level)
    studies = scale_studies(y, v)
    return _result(y, v, names, lvl, studies, tau2=0.0, method="fixed effect",
                   hartung_knapp=False)  # fmt: skip


def random_effects(
    effects: npt.ArrayLike,
    variances: npt.ArrayLike,
    *,
    method: Tau2Method = "REML",
    hartung_knapp: bool = False,
    labels: Sequence[str] | None = None,
    level: float = 0.95,
) -> MetaAnalysis:
    """Pool study effects under the random-effects model.

    .. versionadded:: 0.1

    Each study's true effect is drawn from a normal distribution with mean μ and variance τ²;
    the pooled estimate of μ weights study i by ``1 / (v_i + τ²)``. The result agrees with
    metafor's ``rma(yi, vi, method=method)`` (with ``test="knha"`` for the Hartung-Knapp
    adjustment).

    Parameters
    ----------
    effects : array_like of float, shape (k,)
        The effect of each study, all on the same scale.
    variances : array_like of float, shape (k,)
        The sampling variance of each effect, positive.
    method : {"REML", "DL"}, default "REML"
        The estimator of τ²: restricted maximum likelihood (Fisher scoring to 1e-12, as
        metafor's default), or the DerSimonian-Laird moment estimator.
    hartung_knapp : bool, default False
        Use the Hartung-Knapp (Sidik-Jonkman) standard error
        ``sqrt(sum(w (y - μ)²) / ((k - 1) sum(w)))`` and a t distribution with ``k - 1``
        d.f., which keeps closer to the nominal coverage with few studies (IntHout et al.
        2014). As in metafor, the adjustment factor is not truncated at 1.
    labels : sequence of str, optional
        A label per study; by default ``"study 1"``, ``"study 2"``, ...
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    MetaAnalysis
        The pooled estimate, its interval and test, Q, I², τ², the prediction interval, and
        the per-study effects, intervals and weights.

    Raises
    ------
    SchemaError
        For an unknown `method`, `labels` that are not one distinct string per study (a
        missing label, two studies sharing a label, or one label written two ways), or `level`
        not in (0, 1).
    EstimationError
        For fewer than two studies, mismatched lengths, missing or non-finite values, a
        variance that is not positive (the rows are named), or a REML fit that does not
        converge; or when a result would leave the range of a double (τ², H², Q or the z
        statistic beyond 1.8e308). I², H² and τ² are computed from relative weights, so huge
        or tiny variances give them exactly (H² was NaN for variances near 1e308).

    See Also
    --------
    fixed_effect : When the studies share one true effect.

    Notes
    -----
    The prediction interval is ``μ ± t_{k-2} sqrt(τ² + se²)`` (Higgins, Thompson &
    Spiegelhalter 2009), with `se` the reported standard error; metafor's ``predict`` uses the
    normal distribution (or t with ``k - 1`` d.f. under ``test="knha"``) instead.

    References
    ----------
    DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
    Clinical Trials* 7(3), 177-188.
    Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal
    of Statistical Software* 36(3), 1-48.
    Hartung, J., & Knapp, G. (2001). A refined method for the meta-analysis of controlled
    clinical trials with binary outcome. *Statistics in Medicine* 20(24), 3875-3889.
    Higgins, J. P. T., Thompson, S. G., & Spiegelhalter, D. J. (2009). A re-evaluation of
    random-effects meta-analysis. *JRSS A* 172(1), 137-159.
    IntHout, J., Ioannidis, J. P., & Borm, G. F. (2014). The Hartung-Knapp-Sidik-Jonkman
    method for random effects meta-analysis is straightforward and considerably outperforms
    the standard DerSimonian-Laird method. *BMC Medical Research Methodology* 14, 25.

    Examples
    --------
    The effect of coaching in five companies (standardised mean differences):

    >>> from sparkus.metrics import random_effects
    >>> g = [0.59, 0.36, 0.43, 0.74, 0.20]
    >>> v = [0.012, 0.025, 0.018, 0.040, 0.022]
    >>> result = random_effects(g, v, method="DL", hartung_knapp=True)
    >>> round(result.estimate, 4), round(result.tau2, 4), result.df
    (0.4561, 0.0151, 4)
    >>> print(f"[{result.ci.low:.3f}, {result.ci.high:.3f}]")
    [0.215, 0.697]
    """
    y, v, names, lvl = _meta_iv(effects, variances, labels, level)
    kind = check_choice(method, "method", TAU2_METHODS)
    given: object = hartung_knapp
    if not isinstance(given, bool | np.bool_):
        raise schema_error("hartung_knapp", f"expected True or False, got {shown(hartung_knapp)}")
    studies = scale_studies(y, v)
    tau2 = tau2_dl(studies) if kind == "DL" else tau2_reml(studies)
    name = f"random effects ({kind}){', Hartung-Knapp' if hartung_knapp else ''}"
    return _result(y, v, names, lvl, studies, tau2=tau2, method=name,
                   hartung_knapp=bool(hartung_knapp))  # fmt: skip


# --------------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------------


def _meta_iv(
    effects: object, variances: object, labels: object, level: object
) -> tuple[FloatArray, FloatArray, tuple[str, ...], float]:
    effects, variances, labels = paired_rows(
        ("effects", effects), ("variances", variances), ("labels", labels)
    )
    # too few studies are refused below, as such
    y = vector(effects, "effects", minimum=0, no_booleans="effect sizes")
    v = vector(variances, "variances", minimum=0)
    same_length(("effects", len(y)), ("variances", len(v)))
    bad = v <= 0.0
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(f"{x:g}" for x in v[rows[:5]])
        msg = (
            f"`variances` must be positive sampling variances (squared standard errors), got "
            f"{shown} in {rows_text(rows)}; check those studies' standard errors"
        )
        raise EstimationError(msg)
    k = len(y)
    if k < 2:
        msg = f"a meta-analysis needs at least two studies, got {k}"
        raise EstimationError(msg)
    if labels is None:
        names = tuple(f"study {i + 1}" for i in range(k))
    else:
        if isinstance(labels, str | bytes | Mapping) or not hasattr(labels, "__len__"):
            msg = f"expected a sequence of {k} study labels, got {type(labels).__name__}"
            raise schema_error("labels", msg)
        given = as_array(labels, "labels")
        if given.ndim != 1:
            msg = f"expected a 1-D sequence of {k} study labels, got shape {given.shape}"
            raise schema_error("labels", msg)
        cells = given.tolist()
        if len(cells) != k:
            raise schema_error("labels", f"expected {k} labels, one per study, got {len(cells)}")
        missing = np.flatnonzero([is_missing(x) for x in cells])
        if missing.size:  # str() would name the study "None" or "nan"
            msg = f"is missing in {rows_text(missing)}; give each study a label"
            raise schema_error("labels", msg)
        names = tuple(name_text(x, "labels") for x in cells)
        _distinct(names)
    return y, v, names, check_level(level)


def _distinct(names: tuple[str, ...]) -> None:
    """A SchemaError when two studies share a label, or one label is written two ways."""
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in first:
            rows = np.array([first[name], i])
            msg = f"{shown(name)} labels two studies ({rows_text(rows)}); give each study its own label"
            raise schema_error("labels", msg)
        first[name] = i
    refuse_spellings(names, "labels")


# --------------------------------------------------------------------------------------------
# Estimation (in the scaled units of ``_pooling``)
# --------------------------------------------------------------------------------------------


def _result(
    y: FloatArray,
    v: FloatArray,
    labels: tuple[str, ...],
    level: float,
    studies: Studies,
    *,
    tau2: float,
    method: str,
    hartung_knapp: bool,
) -> MetaAnalysis:
    """The meta-analysis of `studies` (`y` and `v` as given) at the between-study `tau2`."""
    from scipy import stats

    k = len(y)
    fixed = pool(studies, 0.0)
    p = fixed if tau2 == 0.0 else pool(studies, tau2)
    # Q and I² come from the fixed-effect weights, whatever the model
    q = squared_z(studies, fixed.mu, 0.0)
    representable((("Cochran's Q", q),), "the effects are too far apart for their errors")
    q_pvalue = float(stats.chi2.sf(q, k - 1))
    estimate = unscale(p.mu + studies.centre, studies.exponent)
    if hartung_knapp:
        if np.all(studies.y == studies.y[0]):  # the weighted mean may round an ulp off them
            msg = "the studies' effects are identical, so the Hartung-Knapp standard error is zero"
            raise EstimationError(msg)
        # sqrt(Σ w (y - mu)²) as the norm of sqrt(w) |y - mu|: a weight of 5e-324 beside 1
        # times a squared residual would underflow to 0, its square root does not
        terms = np.sqrt(p.w) * np.abs(studies.y - p.mu)
        top = float(terms.max())
        root = top * math.sqrt(float(np.sum((terms / top) ** 2))) if top > 0.0 else 0.0
        se = unscale(root / math.sqrt((k - 1) * p.sw), studies.exponent)
        df: int | None = k - 1
    else:
        se = p.inverse_root_sum()
        df = None
    representable((("the pooled estimate", estimate), ("its standard error", se)))
    if not se > 0:
        msg = "the studies' effects are identical, so the Hartung-Knapp standard error is zero"
        raise EstimationError(msg)
    statistic = estimate / se
    representable((("the test statistic", statistic),))
    pvalue = normal_pvalue(statistic) if df is None else t_pvalue(statistic, df)
    prediction = None
    if method == "fixed effect":
        i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
        h2 = q / (k - 1)
    else:
        # the typical within-study variance (Higgins & Thompson 2002), as metafor reports it:
        # (k - 1) Σw / ((Σw)² - Σw²), in relative weights
        s2 = (k - 1) * fixed.minimum() * fixed.sw / fixed.pairs if fixed.pairs > 0 else math.inf
        i2 = tau2 / (tau2 + s2) if math.isfinite(s2) else 0.0
        h2 = 1.0 + tau2 / s2
        representable((("H² (tau² over the typical within-study variance)", h2),),
                      "the variances are almost nothing beside tau²")  # fmt: skip
        if k >= 3:
            half = critical_value(level, k - 2) * math.hypot(math.sqrt(tau2), se)
            prediction = ConfidenceInterval(estimate - half, estimate + half)
            representable((("the lower prediction limit", prediction.low),
                           ("the upper prediction limit", prediction.high)))  # fmt: skip
    ci = wald_interval(estimate, se, df, level)
    representable((("the lower confidence limit", ci.low),
                   ("the upper confidence limit", ci.high)))  # fmt: skip
    half_study = critical_value(level) * np.sqrt(v)
    with np.errstate(over="ignore"):
        study_ci = np.column_stack([y - half_study, y + half_study])
    if not np.isfinite(study_ci).all():
        row = int(np.flatnonzero(~np.isfinite(study_ci).all(axis=1))[0])
        representable(((f"the interval of study {row}", math.inf),))
    return MetaAnalysis(
        estimate=estimate,
        se=se,
        ci=ci,
        level=level,
        statistic=statistic,
        pvalue=pvalue,
        df=df,
        q=q,
        q_pvalue=q_pvalue,
        i2=float(i2),
        h2=float(h2),
        tau2=float(tau2),
        prediction_interval=prediction,
        k=k,
        labels=labels,
        effects=frozen(y),
        variances=frozen(v),
        study_ci=frozen(study_ci),
        weights=frozen(p.w / p.sw),
        method=method,
        hartung_knapp=hartung_knapp,
    )
