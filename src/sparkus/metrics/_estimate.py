"""The result of every single-number estimator: :class:`Estimate`, and what results share.

Besides the result: the critical values, Wald intervals and two-sided p-values that several
estimators compute (module-level functions, so that results holding them still pickle), a
Wald :class:`Estimate` built from an estimate and its standard error, and read-only arrays for
the fields of result objects.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any, Final, NamedTuple

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    FloatArray,
    check_choice,
    check_level,
    check_number,
    describe,
    schema_error,
)
from sparkus._errors import EstimationError, SchemaError
from sparkus._frames import Framed, FrameSpec
from sparkus._quantiles import critical_value
from sparkus._results import Result, Table, format_number

__all__ = ["MEASURES", "ConfidenceInterval", "Estimate"]


class ConfidenceInterval(NamedTuple):
    """A confidence interval: the pair ``(low, high)``.

    .. versionadded:: 0.1

    Examples
    --------
    >>> from sparkus.metrics import welch_ttest
    >>> ci = welch_ttest([5.1, 6.0, 6.3, 7.2, 5.9], [4.2, 5.0, 4.4, 5.1, 4.8]).ci
    >>> type(ci).__name__, round(ci.low, 3), round(ci.high, 3)
    ('ConfidenceInterval', 0.466, 2.334)
    >>> low, high = ci
    >>> low == ci.low
    True
    """

    low: float
    high: float


MEASURES: Final = ("SMD", "difference", "coefficient", "ICC", "RR", "OR", "HR")
"""What an :class:`Estimate` may say it measures (its `measure`)."""


def _fail(attribute: attrs.Attribute[Any], message: str) -> SchemaError:
    return schema_error(attribute.name, message)


def _check_level(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    check_level(value, attribute.name)


def _check_finite(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    check_number(value, attribute.name, what="a finite number")


def _check_se(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    check_number(value, attribute.name, low=0.0, what="a standard error (finite, >= 0)")


def _check_pvalue(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    check_number(value, attribute.name, low=0.0, high=1.0, what="a p-value")


def _check_n(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    check_number(value, attribute.name, low=1, integer=True, what="a count of rows")


def _check_text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise _fail(attribute, f"expected a str, got {describe(value)}")


def _check_optional_finite(
    _instance: object, attribute: attrs.Attribute[float | None], value: object
) -> None:
    if value is not None:
        check_number(value, attribute.name, what="a finite number or None")


def _check_df(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, tuple):
        if len(value) != 2:
            raise _fail(attribute, f"expected one number or a pair (dfn, dfd), got {value!r}")
        for part in value:
            check_number(part, attribute.name, low=0.0, low_open=True, what="positive d.f.")
        return
    check_number(value, attribute.name, low=0.0, low_open=True, what="positive d.f.")


def _check_clusters(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_number(value, attribute.name, low=1, integer=True, what="a number of clusters")


def _check_measure(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_choice(value, attribute.name, MEASURES)


def _check_ci(
    _instance: object, attribute: attrs.Attribute[ConfidenceInterval], value: object
) -> None:
    if not isinstance(value, ConfidenceInterval):
        msg = f"expected a ConfidenceInterval(low, high), got {describe(value)}"
        raise _fail(attribute, msg)
    low = check_number(value.low, f"{attribute.name}.low", what="a finite limit")
    high = check_number(value.high, f"{attribute.name}.high", what="a finite limit")
    if low > high:
        raise _fail(attribute, f"expected low <= high, got {tuple(value)}")


@attrs.frozen(repr=False, eq=False)
class Estimate(Framed, Result):
    """One estimated quantity with its uncertainty: the result of every metrics estimator.

    .. versionadded:: 0.1

    Attributes
    ----------
    estimate : float
        The point estimate (a difference in means, an effect size, a coefficient...).
    se : float
        Its standard error. For effect sizes whose interval is a noncentral-t inversion this is
        the large-sample (normal) standard error, given for meta-analysis; the interval does
        not use it.
    ci : ConfidenceInterval
        The confidence interval ``(low, high)`` at `level`, computed as `ci_method` says.
    level : float
        The confidence level of `ci`, e.g. 0.95.
    pvalue : float
        The two-sided p-value of the test of `null`.
    n : int
        The number of rows (or pairs) used.
    method : str
        What was estimated and how, in words.
    statistic : float or None
        The test statistic behind `pvalue` (t, z or F), where there is one.
    df : float, pair of float, or None
        Its degrees of freedom where defined: one number for t, the pair ``(dfn, dfd)`` for F.
    ci_method : str
        How `ci` was computed: ``"t"``, ``"normal"``, ``"noncentral t"``, ``"Newcombe hybrid
        score"``, ``"F"``.
    null : float
        The value tested by `pvalue`.
    n_clusters : int or None
        The number of clusters, for cluster-robust estimates.
    measure : str or None
        What `estimate` measures, for the functions that read it (:func:`e_value`):
        ``"SMD"`` (a standardised mean difference: :func:`cohens_d`, :func:`hedges_g`,
        :func:`glass_delta`, :func:`paired_dz`), ``"difference"`` (a difference on the
        outcome's own scale: the t-tests, ANCOVA, DiD, IPW, AIPW, proportions),
        ``"coefficient"`` (an OLS coefficient), ``"ICC"``, or a ratio (``"RR"``, ``"OR"``,
        ``"HR"``) for an Estimate made by hand; None when unknown.

    Notes
    -----
    ``to_frame(backend="pandas")`` gives one row, without an index: ``estimate``, ``se``,
    ``ci_low``, ``ci_high``, ``level``, ``pvalue``, ``n``, ``method``, ``statistic``, ``df``
    (a number, the pair ``(dfn, dfd)``, or missing), ``ci_method``, ``null``, ``n_clusters``
    and ``measure``; ``backend="polars"`` gives the same columns. Missing fields are None (or
    NaN in a pandas number column).

    Raises
    ------
    SchemaError
        When made by hand with a field that is not what it says (a non-finite estimate, a
        negative standard error, a p-value outside [0, 1], an interval with low > high, an
        unknown measure, ...), naming the field.

    See Also
    --------
    Estimate.confidence_interval : The interval at another level.

    Examples
    --------
    >>> from sparkus.metrics import welch_ttest
    >>> result = welch_ttest([5.1, 6.0, 6.3, 7.2, 5.9], [4.2, 5.0, 4.4, 5.1, 4.8])
    >>> result
    Estimate(n=10, estimate=1.4, 95% CI [0.4665, 2.334], pvalue=0.01052, Welch's t-test)
    >>> round(result.ci.low, 4), round(result.ci.high, 4)
    (0.4665, 2.3335)
    >>> result.confidence_interval(0.5).low > result.ci.low
    True
    >>> result.to_frame()[["estimate", "n", "ci_method"]].to_dict("records")
    [{'estimate': 1.4, 'n': 10, 'ci_method': 't'}]
    """

    estimate: float = attrs.field(validator=_check_finite)
    se: float = attrs.field(validator=_check_se)
    ci: ConfidenceInterval = attrs.field(validator=_check_ci)
    level: float = attrs.field(validator=_check_level)
    pvalue: float = attrs.field(validator=_check_pvalue)
    n: int = attrs.field(validator=_check_n)
    method: str = attrs.field(validator=_check_text)
    statistic: float | None = attrs.field(default=None, validator=_check_optional_finite)
    df: float | tuple[float, float] | None = attrs.field(default=None, validator=_check_df)
    ci_method: str = attrs.field(default="t", validator=_check_text)
    null: float = attrs.field(default=0.0, validator=_check_finite)
    n_clusters: int | None = attrs.field(default=None, validator=_check_clusters)
    measure: str | None = attrs.field(default=None, validator=_check_measure)
    _interval: Callable[[float], ConfidenceInterval] | None = attrs.field(
        default=None, alias="interval"
    )

    def confidence_interval(self, level: float = 0.95) -> ConfidenceInterval:
        """The confidence interval at another `level`, by the same method as `ci`.

        Parameters
        ----------
        level : float, default 0.95
            The confidence level, strictly between 0 and 1.

        Returns
        -------
        ConfidenceInterval
            The pair ``(low, high)``.

        Raises
        ------
        SchemaError
            If `level` is not strictly between 0 and 1.
        EstimationError
            If a limit at that level would leave the range of a double (about ±1.8e308), or
            the Estimate was made by hand, without the means to recompute its interval.
        """
        value = check_level(level)
        if self._interval is None:
            msg = (
                f"this Estimate ({self.method}) holds one interval, at level {self.level:g}, "
                "and not the means to compute another: it was not made by a sparkus estimator"
            )
            raise EstimationError(msg)
        return self._interval(value)

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready data; the interval is ``[low, high]``."""
        out = super().to_dict()
        del out["_interval"]
        return out

    def _frame(self) -> FrameSpec:
        return {
            "estimate": [self.estimate], "se": [self.se], "ci_low": [self.ci.low],
            "ci_high": [self.ci.high], "level": [self.level], "pvalue": [self.pvalue],
            "n": [self.n], "method": [self.method], "statistic": [self.statistic],
            "df": [self.df], "ci_method": [self.ci_method], "null": [self.null],
            "n_clusters": [self.n_clusters], "measure": [self.measure],
        }, ()  # fmt: skip

    def _headline(self) -> str:
        low, high = (format_number(v) for v in self.ci)
        return (
            f"n={self.n}, estimate={format_number(self.estimate)}, "
            f"{_percent(self.level)} CI [{low}, {high}], pvalue={format_number(self.pvalue)}, "
            f"{self.method}"
        )

    def _tables(self) -> list[Table]:
        df = self.df
        if isinstance(df, tuple):
            df_text = ", ".join(format_number(float(v)) for v in df)
        else:
            df_text = format_number(df)
        rows: list[tuple[str, str]] = [
            ("estimate", format_number(self.estimate)),
            ("standard error", format_number(self.se)),
            (
                f"{_percent(self.level)} CI ({self.ci_method})",
                f"[{format_number(self.ci.low)}, {format_number(self.ci.high)}]",
            ),
            ("statistic", format_number(self.statistic)),
            ("df", df_text),
            (f"p-value (null {format_number(self.null)})", format_number(self.pvalue)),
            ("n", format_number(self.n)),
        ]
        if self.n_clusters is not None:
            rows.append(("clusters", format_number(self.n_clusters)))
        return [Table(self.method, ("quantity", "value"), tuple(rows))]


def _percent(level: float) -> str:
    text = f"{100 * level:.10g}"
    return f"{text}%"


# --------------------------------------------------------------------------------------------
# Interval and p-value helpers (module-level, so results that hold them still pickle)
# --------------------------------------------------------------------------------------------


def wald_interval(estimate: float, se: float, df: float | None, level: float) -> ConfidenceInterval:
    """``estimate ± q se`` with q the t quantile at `df`, or the normal one if `df` is None."""
    q = critical_value(level, df)
    return ConfidenceInterval(estimate - q * se, estimate + q * se)


def scaled_wald_interval(
    estimate: float, se: float, df: float | None, exponent: int, level: float
) -> ConfidenceInterval:
    """:func:`wald_interval` of an estimate and standard error given in units of ``2**exponent``.

    The limits are computed in those units and multiplied back; a limit beyond the range of a
    double is an EstimationError saying so, never an infinite interval.
    """
    from sparkus.metrics._stable import representable, unscale

    low, high = wald_interval(estimate, se, df, level)
    out = ConfidenceInterval(unscale(low, exponent), unscale(high, exponent))
    representable((("the lower limit of the interval", out.low),
                   ("the upper limit of the interval", out.high)))  # fmt: skip
    return out


def wald_estimate(
    estimate: float,
    se: float,
    df: float | None,
    level: float,
    *,
    statistic: float,
    n: int,
    method: str,
    exponent: int = 0,
    measure: str | None = "difference",
) -> Estimate:
    """An :class:`Estimate` with the Wald interval ``estimate ± q se`` at every level.

    The p-value tests 0 with `statistic`: by t with `df` d.f., or normal when `df` is None.
    `estimate` and `se` may be given in units of ``2**exponent`` (see ``_stable``): they are
    multiplied back, and an EstimationError says so if a reported number leaves the float range.
    """
    from sparkus.metrics._stable import representable, unscale

    representable((("the test statistic", statistic),))
    interval = partial(scaled_wald_interval, estimate, se, df, exponent)
    ci = interval(level)
    estimate, se = unscale(estimate, exponent), unscale(se, exponent)
    representable((("the estimate", estimate), ("its standard error", se)))
    return Estimate(
        estimate=estimate,
        se=se,
        ci=ci,
        level=level,
        pvalue=normal_pvalue(statistic) if df is None else t_pvalue(statistic, df),
        n=n,
        method=method,
        statistic=statistic,
        df=df,
        ci_method="normal" if df is None else "t",
        measure=measure,
        interval=interval,
    )


def t_pvalue(statistic: float, df: float) -> float:
    """The two-sided p-value of a t statistic."""
    from scipy import stats

    return float(2.0 * stats.t.sf(abs(statistic), df))


def normal_pvalue(statistic: float) -> float:
    """The two-sided p-value of a standard normal statistic."""
    from scipy import special

    return float(2.0 * special.ndtr(-abs(statistic)))


def frozen(array: npt.ArrayLike) -> FloatArray:
    """A read-only float64 copy of `array`, for a field of a result object."""
    out = np.array(array, dtype=np.float64)
    out.setflags(write=False)
    return out


def finite_or_raise(values: tuple[float, ...], what: str) -> None:
    """EstimationError if any of `values` is not finite (a degenerate estimate)."""
    if not all(math.isfinite(v) for v in values):
        raise EstimationError(f"{what} is not finite; the data are degenerate")
