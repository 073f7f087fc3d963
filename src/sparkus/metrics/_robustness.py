"""Sensitivity of a regression coefficient to hidden confounding: the robustness value.

**Robustness value** (Cinelli & Hazlett 2020): for a regression coefficient, the partial R²
that a confounder would need with both the treatment and the outcome (given the covariates)
to reduce the estimate by ``100 q %`` (``RV_q``), or to make it no longer significant at
level ``alpha`` after that reduction (``RV_{q,alpha}``). Beside it, the partial R² of the treatment
with the outcome, ``R²_{Y~D|X} = t² / (t² + df)``: a confounder that explained all the residual
variance of the outcome would still need to explain this share of the treatment's to bring the
estimate to zero (the "extreme scenario"). All three follow from the classical t statistic and
its residual degrees of freedom alone. ``RV_{q,alpha}`` needs at least two of those: it tests
the estimate adjusted for the confounder, one more regressor, on the ``df - 1`` that remain; a
fit with one residual degree of freedom has no robustness value (an EstimationError).
"""

from __future__ import annotations

import math
from typing import Any, Final, Self

import attrs

from sparkus._checks import check_choice, check_number, schema_error
from sparkus._errors import EstimationError, shown
from sparkus._results import Result, Table, format_number
from sparkus.metrics._ols_result import OLSResult

__all__ = ["RobustnessValue", "robustness_value"]


# --------------------------------------------------------------------------------------------
# Robustness value
# --------------------------------------------------------------------------------------------

_MIN_DF: Final = 2
"""The fewest residual degrees of freedom: ``RV_{q,alpha}``'s critical t has ``df - 1``."""


def _too_few_df(df: int) -> str:
    """Why a fit with `df` (below 2) residual degrees of freedom has no robustness value."""
    return (
        f"the fit has {df} residual degree{'s' if df != 1 else ''} of freedom (rows minus "
        f"coefficients); the robustness value needs at least {_MIN_DF}: RV_(q,alpha) tests the "
        "estimate adjusted for the confounder, one more regressor, on the df - 1 degrees of "
        "freedom left (Cinelli & Hazlett 2020). Add rows or drop regressors"
    )


def _rv(f_q: float, f_crit: float) -> float:
    """Cinelli & Hazlett's robustness value from Cohen's f (times q) and the critical f."""
    f = f_q - f_crit
    if f <= 0.0:
        return 0.0
    if f_crit > 0.0 and f_q > 1.0 / f_crit:  # the bound on R²_{Y~Z|D,X} does not bind
        # (f_q² - f_crit²) / (1 + f_q²), written so that no square overflows
        r = f_crit / f_q
        return (1.0 - r * r) / (1.0 + (1.0 / f_q) ** 2)
    # ½ (sqrt(f⁴ + 4f²) - f²) = 2 / (1 + sqrt(1 + 4 / f²)): no f⁴ to overflow, no cancellation
    return 2.0 / (1.0 + math.hypot(1.0, 2.0 / f))


def _partial_r2(t: float, df: int) -> float:
    """``t² / (t² + df)``, written so that neither square overflows nor the ratio is 0 / 0."""
    a = abs(t) / math.sqrt(df)
    if a > 1.0:
        return 1.0 / (1.0 + (1.0 / a) ** 2)
    return a * a / (1.0 + a * a)


@attrs.frozen(repr=False, eq=False)
class RobustnessValue(Result):
    """How strong hidden confounding would have to be to overturn a regression estimate.

    .. versionadded:: 0.1

    Attributes
    ----------
    term : str
        The regressor (the treatment).
    estimate, se : float or None
        Its coefficient and classical standard error, when known.
    statistic : float
        Its classical t statistic.
    df : int
        The residual degrees of freedom of the regression.
    partial_r2 : float
        ``R²_{Y~D|X} = t² / (t² + df)``: the share of the outcome's residual variance that the
        treatment explains. A confounder explaining all of the outcome's residual variance would
        need to explain at least this share of the treatment's to bring the estimate to zero.
    rv_q : float
        ``RV_q``: the partial R² a confounder would need with both treatment and outcome to
        reduce the estimate by ``100 q %``.
    rv_qa : float
        ``RV_{q,alpha}``: the same to make the reduced estimate no longer significant at level
        `alpha`
        (0 if it is not significant already).
    q : float
        The share of the estimate to explain away (1: all of it).
    alpha : float
        The significance level of `rv_qa`.

    Examples
    --------
    The Darfur example of Cinelli & Hazlett (2020), ``directlyharmed``: t = 4.18, 783 d.f.
    (:func:`robustness_value` gives one from an :class:`OLSResult`).

    >>> from sparkus.metrics import RobustnessValue
    >>> rv = RobustnessValue.from_statistic(4.18445, 783, term="directlyharmed")
    >>> rv
    RobustnessValue(term='directlyharmed', partial_r2=0.02187, rv_q=0.1388, rv_qa=0.07626)
    >>> rv.q, rv.alpha
    (1.0, 0.05)
    """

    term: str
    estimate: float | None
    se: float | None
    statistic: float
    df: int
    partial_r2: float
    rv_q: float
    rv_qa: float
    q: float
    alpha: float

    @classmethod
    def from_statistic(
        cls, statistic: float, df: int, *, q: float = 1.0, alpha: float = 0.05,
        term: str = "treatment",
    ) -> Self:  # fmt: skip
        """The robustness value from a published t statistic and its residual d.f.

        Parameters
        ----------
        statistic : float
            The classical (not robust) t statistic of the treatment's coefficient.
        df : int
            The regression's residual degrees of freedom, ``n - k``; at least 2.
        q : float, default 1.0
            The share of the estimate to explain away, positive.
        alpha : float, default 0.05
            The significance level of ``rv_qa``.
        term : str, default "treatment"
            A name for the treatment, for the summary.

        Returns
        -------
        RobustnessValue

        Raises
        ------
        SchemaError
            If an argument is out of range.

        Examples
        --------
        The Darfur example of Cinelli & Hazlett (2020), ``directlyharmed``: t = 4.18, 783 d.f.

        >>> from sparkus.metrics import RobustnessValue
        >>> rv = RobustnessValue.from_statistic(4.18445, 783, term="directlyharmed")
        >>> round(100 * rv.partial_r2, 2), round(100 * rv.rv_q, 2), round(100 * rv.rv_qa, 2)
        (2.19, 13.88, 7.63)
        """
        t = check_number(statistic, "statistic", what="a finite t statistic")
        dof = int(check_number(df, "df", low=_MIN_DF, integer=True))
        given_term: object = term
        if not isinstance(given_term, str):
            raise schema_error("term", f"expected a name, got {shown(term)}")
        return cls._build(term, None, None, t, dof, q, alpha)

    @classmethod
    def _build(
        cls, term: str, estimate: float | None, se: float | None, t: float, df: int,
        q: object, alpha: object,
    ) -> Self:  # fmt: skip
        from scipy import special

        share = check_number(q, "q", low=0.0, low_open=True, what="a positive share")
        level = check_number(alpha, "alpha", low=0.0, high=1.0, low_open=True, high_open=True,
                             what="a significance level")  # fmt: skip
        if df < _MIN_DF:  # an OLS fit's own df; from_statistic refuses these as given
            raise EstimationError(_too_few_df(df))
        f_q = share * abs(t) / math.sqrt(df)
        f_crit = abs(float(special.stdtrit(df - 1, level / 2.0))) / math.sqrt(df - 1)
        return cls(
            term=term,
            estimate=estimate,
            se=se,
            statistic=t,
            df=df,
            partial_r2=_partial_r2(t, df),
            rv_q=_rv(f_q, 0.0),
            rv_qa=_rv(f_q, f_crit),
            q=share,
            alpha=level,
        )

    def _headline(self) -> str:
        return (
            f"term={shown(self.term)}, partial_r2={format_number(self.partial_r2)}, "
            f"rv_q={format_number(self.rv_q)}, rv_qa={format_number(self.rv_qa)}"
        )

    def _tables(self) -> list[Table]:
        q = f"{self.q:g}"
        rows = (
            ("estimate", format_number(self.estimate)),
            ("standard error", format_number(self.se)),
            ("t statistic", format_number(self.statistic)),
            ("residual df", format_number(self.df)),
            ("partial R² of treatment with outcome", _pct(self.partial_r2)),
            (f"robustness value RV (q={q})", _pct(self.rv_q)),
            (f"robustness value RV (q={q}, alpha={self.alpha:g})", _pct(self.rv_qa)),
        )
        note = (
            f"A confounder explaining {_pct(self.rv_q)} of the residual variance of both "
            f"treatment and outcome would reduce the estimate by {100 * self.q:g}%; one "
            f"explaining {_pct(self.rv_qa)} of each would leave it not significant at "
            f"{self.alpha:g}. Weaker confounding could not."
        )
        title = f"Sensitivity of `{self.term}` to hidden confounding (Cinelli & Hazlett 2020)"
        return [Table(title, ("quantity", "value"), rows, note)]


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def robustness_value(
    result: OLSResult, term: str, *, q: float = 1.0, alpha: float = 0.05
) -> RobustnessValue:
    """The robustness value and partial R² of a regression coefficient (Cinelli & Hazlett).

    .. versionadded:: 0.1

    How strongly an omitted confounder would have to be associated with the treatment and
    with the outcome, in shares of their residual variance (partial R²), to explain away
    ``100 q %`` of the estimate (``rv_q``), or enough of it that it is no longer significant at
    level `alpha` (``rv_qa``). The formulas need the classical t statistic and the residual
    degrees of freedom, so the fit must have ``cov="nonrobust"``.

    Parameters
    ----------
    result : OLSResult
        A fit from :func:`ols` with ``cov="nonrobust"``.
    term : str
        The treatment: one of ``result.names``.
    q : float, default 1.0
        The share of the estimate to explain away (1: all of it; 0.5: half).
    alpha : float, default 0.05
        The significance level of ``rv_qa``.

    Returns
    -------
    RobustnessValue
        ``partial_r2``, ``rv_q`` and ``rv_qa``, with the estimate they describe.

    Raises
    ------
    SchemaError
        If `result` is not an :class:`OLSResult`, its covariance is not ``"nonrobust"``,
        `term` is not one of its names, or `q` or `alpha` is out of range.
    EstimationError
        If the fit has fewer than 2 residual degrees of freedom (``n - k``): ``rv_qa`` tests
        the estimate adjusted for the confounder, one more regressor, and that test needs
        ``df - 1 >= 1`` degrees of freedom (Cinelli & Hazlett 2020).

    See Also
    --------
    RobustnessValue.from_statistic : The same from a published t statistic and d.f.

    References
    ----------
    Cinelli, C. & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. *Journal of the Royal Statistical Society, Series B* 82(1), 39-67.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import ols, robustness_value
    >>> rng = np.random.default_rng(6)
    >>> readiness = rng.normal(0.0, 1.0, 300)
    >>> coached = (rng.random(300) < 0.4 + 0.2 * (readiness > 0)).astype(float)
    >>> growth = 2.0 * readiness + 0.6 * coached + rng.normal(0.0, 1.5, 300)
    >>> fit = ols(growth, {"coached": coached, "readiness": readiness}, cov="nonrobust")
    >>> rv = robustness_value(fit, "coached")
    >>> round(rv.partial_r2, 4), round(rv.rv_q, 4), round(rv.rv_qa, 4)
    (0.0297, 0.1603, 0.0588)
    """
    given: Any = result
    if not isinstance(given, OLSResult):
        msg = f"expected an OLSResult (from ols(...)), got {type(given).__name__}"
        raise schema_error("result", msg)
    if result.cov != "nonrobust":
        msg = (
            f"was fitted with cov={shown(result.cov)}; the robustness value needs the classical t "
            "statistic: refit with ols(..., cov='nonrobust')"
        )
        raise schema_error("result", msg)
    index = result.names.index(check_choice(term, "term", result.names))
    return RobustnessValue._build(
        term,
        float(result.params[index]),
        float(result.se[index]),
        float(result.statistic[index]),
        result.df_resid,
        q,
        alpha,
    )
