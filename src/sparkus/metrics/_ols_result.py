"""The result of a least-squares fit: :class:`OLSResult`, and one coefficient as an Estimate.

The fit itself is the least-squares core's (``_linalg``); this module turns it into the result:
standard errors, t tests and intervals with the fit's degrees of freedom, for every coefficient
(:class:`OLSResult`) or for the one an estimator reports (an :class:`Estimate`).
"""

from __future__ import annotations

import math
from functools import partial

import attrs
import numpy as np

from sparkus._checks import FloatArray, check_choice, check_level
from sparkus._errors import EstimationError
from sparkus._quantiles import critical_value
from sparkus._results import Result, Table, format_number
from sparkus.metrics._estimate import (
    ConfidenceInterval,
    Estimate,
    frozen,
    wald_interval,
)
from sparkus.metrics._linalg import CovType, LinearFit
from sparkus.metrics._stable import FLOAT_RANGE

__all__ = ["OLSResult", "fit_estimate", "ols_result", "term_estimate"]


@attrs.frozen(repr=False, eq=False)
class OLSResult(Result):
    """An ordinary least-squares fit: coefficients, standard errors, tests and intervals.

    .. versionadded:: 0.1

    Attributes
    ----------
    names : tuple of str
        The name of each coefficient (``"intercept"`` first when one was added).
    params : ndarray of float64, shape (k,)
        The coefficients.
    se : ndarray of float64, shape (k,)
        Their standard errors, of kind `cov`.
    statistic : ndarray of float64, shape (k,)
        ``params / se``, the t statistics of the tests of zero.
    pvalue : ndarray of float64, shape (k,)
        Their two-sided p-values, from the t distribution with `df` degrees of freedom.
    ci : ndarray of float64, shape (k, 2)
        The confidence intervals at `level`, one row ``(low, high)`` per coefficient.
    level : float
        The confidence level of `ci`.
    cov_params : ndarray of float64, shape (k, k)
        The estimated covariance matrix of `params`.
    cov : str
        The kind of covariance: ``"nonrobust"``, ``"HC0"`` to ``"HC3"``, or ``"CR1"``.
    df : int
        The degrees of freedom of the t tests: ``n - k``, or ``G - 1`` for ``"CR1"``.
    df_resid : int
        ``n - k``.
    n : int
        The number of rows.
    n_clusters : int or None
        The number of clusters, for ``"CR1"``.
    rsquared : float
        The coefficient of determination (centred when there is an intercept).

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import ols
    >>> rng = np.random.default_rng(0)
    >>> hours = rng.uniform(0.0, 10.0, 200)
    >>> tenure = rng.uniform(0.0, 20.0, 200)
    >>> score = 2.0 + 0.3 * hours + 0.05 * tenure + rng.normal(0.0, 1.0, 200)
    >>> fit = ols(score, {"hours": hours, "tenure": tenure})
    >>> fit
    OLSResult(n=200, k=3, cov=HC1, rsquared=0.4761)
    >>> fit.names, fit.df, np.round(fit.se, 3)
    (('intercept', 'hours', 'tenure'), 197, array([0.226, 0.024, 0.012]))
    >>> print(fit.summary())
    Ordinary least squares
    term          coef       se      t    p-value  95% low  95% high
    ---------  -------  -------  -----  ---------  -------  --------
    intercept     1.94   0.2261   8.58  2.813e-15    1.494     2.386
    hours       0.2964  0.02425  12.22  6.144e-26   0.2486    0.3442
    tenure     0.06088  0.01249  4.875  2.234e-06  0.03625   0.08551
    200 rows; HC1 standard errors; t tests with 197 d.f.; R² 0.4761
    """

    names: tuple[str, ...]
    params: FloatArray
    se: FloatArray
    statistic: FloatArray
    pvalue: FloatArray
    ci: FloatArray
    level: float
    cov_params: FloatArray
    cov: str
    df: int
    df_resid: int
    n: int
    n_clusters: int | None
    rsquared: float

    def term(self, name: str) -> Estimate:
        """One coefficient as an :class:`Estimate`.

        Parameters
        ----------
        name : str
            One of `names`.

        Returns
        -------
        Estimate
            The coefficient, its standard error, interval, t test and d.f.

        Raises
        ------
        SchemaError
            If `name` is not one of `names` (they are listed).
        """
        index = self.names.index(check_choice(name, "name", self.names))
        method = f"OLS coefficient of `{name}` ({self.cov} SE)"
        return term_estimate(self, index, method, "coefficient")

    def confidence_interval(self, level: float = 0.95) -> FloatArray:
        """The confidence intervals of all coefficients at another `level`, shape (k, 2).

        Parameters
        ----------
        level : float, default 0.95
            The confidence level, strictly between 0 and 1.

        Returns
        -------
        ndarray of float64, shape (k, 2)
            One row ``(low, high)`` per coefficient.

        Raises
        ------
        SchemaError
            If `level` is not strictly between 0 and 1.
        EstimationError
            If a limit at that level would leave the range of a double (about ±1.8e308).
        """
        value = check_level(level)
        with np.errstate(over="ignore"):
            out = _intervals(self.params, self.se, self.df, value)
        if not np.isfinite(out).all():
            row = int(np.flatnonzero(~np.isfinite(out).all(axis=1))[0])
            msg = (
                f"the confidence interval of `{self.names[row]}` at level {value:g} is outside "
                f"the range of double precision: {FLOAT_RANGE}"
            )
            raise EstimationError(msg)
        return out

    def _headline(self) -> str:
        return (
            f"n={self.n}, k={len(self.names)}, cov={self.cov}, "
            f"rsquared={format_number(self.rsquared)}"
        )

    def _tables(self) -> list[Table]:
        pct = f"{100 * self.level:.10g}%"
        rows = tuple(
            (name, *(format_number(float(v)) for v in (b, s, t, p, low, high)))
            for name, b, s, t, p, (low, high) in zip(
                self.names, self.params, self.se, self.statistic, self.pvalue, self.ci,
                strict=True,
            )
        )  # fmt: skip
        clusters = "" if self.n_clusters is None else f", {self.n_clusters:,} clusters"
        note = (
            f"{self.n:,} rows{clusters}; {self.cov} standard errors; t tests with {self.df:,} "
            f"d.f.; R² {format_number(self.rsquared)}"
        )
        headers = ("term", "coef", "se", "t", "p-value", f"{pct} low", f"{pct} high")
        return [Table("Ordinary least squares", headers, rows, note)]


def _intervals(params: FloatArray, se: FloatArray, df: int, level: float) -> FloatArray:
    q = critical_value(level, df)
    return frozen(np.column_stack([params - q * se, params + q * se]))


def term_estimate(
    result: OLSResult, index: int, method: str, measure: str = "difference"
) -> Estimate:
    """One coefficient of `result` as an Estimate; `measure` says what it measures."""
    b, s = float(result.params[index]), float(result.se[index])
    interval = partial(wald_interval, b, s, result.df)
    return Estimate(
        estimate=b,
        se=s,
        ci=ConfidenceInterval(float(result.ci[index, 0]), float(result.ci[index, 1])),
        level=result.level,
        pvalue=float(result.pvalue[index]),
        n=result.n,
        method=method,
        statistic=float(result.statistic[index]),
        df=result.df,
        ci_method="t",
        n_clusters=result.n_clusters,
        measure=measure,
        interval=interval,
    )


def fit_estimate(
    fit: LinearFit, index: int, names: tuple[str, ...], level: float, method: str
) -> Estimate:
    """One coefficient of `fit` as an Estimate, as ``term_estimate(ols_result(fit, ...))``.

    For estimators that report one term (ANCOVA, difference-in-differences): the other
    terms' figures need not fit a double (see ``fit_ols(report=...)``).
    """
    from scipy import stats

    b, s = float(fit.params[index]), float(fit.se[index])
    with np.errstate(over="ignore"):
        t = b / s
        (low, high), *_ = _intervals(np.array([b]), np.array([s]), fit.df_inference, level)
    for value, what in ((t, "t statistic"), (low, "confidence interval"), (high, "")):
        if not math.isfinite(value):
            msg = (
                f"the {what or 'confidence interval'} of `{names[index]}` is outside the range "
                f"of double precision: {FLOAT_RANGE}"
            )
            raise EstimationError(msg)
    return Estimate(
        estimate=b,
        se=s,
        ci=ConfidenceInterval(float(low), float(high)),
        level=level,
        pvalue=float(2.0 * stats.t.sf(abs(t), fit.df_inference)),
        n=fit.n,
        method=method,
        statistic=t,
        df=fit.df_inference,
        ci_method="t",
        n_clusters=fit.n_clusters,
        measure="difference",
        interval=partial(wald_interval, b, s, fit.df_inference),
    )


def ols_result(fit: LinearFit, names: tuple[str, ...], cov: CovType, level: float) -> OLSResult:
    from scipy import stats

    se = fit.se
    with np.errstate(over="ignore"):
        statistic = fit.params / se
        intervals = _intervals(fit.params, se, fit.df_inference, level)
    for values, what in ((statistic, "t statistic"), (intervals, "confidence interval")):
        rows = np.flatnonzero(~np.isfinite(values).reshape(len(names), -1).all(axis=1))
        if len(rows):
            msg = (
                f"the {what} of `{names[int(rows[0])]}` is outside the range of double "
                f"precision: {FLOAT_RANGE}"
            )
            raise EstimationError(msg)
    return OLSResult(
        names=names,
        params=frozen(fit.params),
        se=frozen(se),
        statistic=frozen(statistic),
        pvalue=frozen(2.0 * stats.t.sf(np.abs(statistic), fit.df_inference)),
        ci=intervals,
        level=level,
        cov_params=frozen(fit.cov_params),
        cov=cov,
        df=fit.df_inference,
        df_resid=fit.df_resid,
        n=fit.n,
        n_clusters=fit.n_clusters,
        rsquared=1.0 - fit.ssr / fit.tss if fit.tss > 0 else float("nan"),
    )
