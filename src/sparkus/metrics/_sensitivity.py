"""Sensitivity to hidden confounding on the risk-ratio scale: the E-value.

It answers the question a sceptical reader asks of an observational estimate: how strong would
an unmeasured confounder have to be to explain the effect away? (The robustness value, beside it
in ``_robustness``, asks the same of a regression coefficient.)

**E-value** (VanderWeele & Ding 2017): the minimum strength of association, on the risk-ratio
scale, that a confounder would need with both the treatment and the outcome, beyond the
measured covariates, to move the estimate (or its confidence limit nearest the null) to 1.
For ``RR >= 1`` it is ``RR + √(RR (RR - 1))``; for ``RR < 1``, the same of ``1 / RR``. Other
measures are first converted to an approximate risk ratio (VanderWeele & Ding 2017, Table 2;
VanderWeele 2017 for the square root of a common odds ratio).
"""

from __future__ import annotations

import math
from typing import Final, Literal, TypeAlias, cast

import attrs
import numpy as np

from sparkus._checks import check_choice, check_number, schema_error
from sparkus._errors import shown
from sparkus._results import Result, Table, format_number
from sparkus.metrics._estimate import ConfidenceInterval, Estimate

__all__ = ["EValue", "e_value"]

Measure: TypeAlias = Literal["RR", "OR", "HR", "SMD"]
MEASURES: Final[tuple[Measure, ...]] = ("RR", "OR", "HR", "SMD")
_MAX_RR: Final = float(np.finfo(float).max) / 2.0
"""The E-value of a risk ratio is below twice the ratio: it fits a double up to here."""
_SMD_TO_LOG_RR: Final = 0.91
"""``log RR ≈ 0.91 d`` (VanderWeele & Ding 2017, from Hasselblad & Hedges 1995: π / √3 ≈ 1.81
maps d to a log odds ratio, and half of that log odds ratio, as for a common outcome)."""
_MAX_SMD: Final = math.log(_MAX_RR) / _SMD_TO_LOG_RR
"""The largest |d| whose E-value fits a double."""


# --------------------------------------------------------------------------------------------
# E-value
# --------------------------------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class EValue(Result):
    """The E-value of an estimate and of its confidence interval.

    .. versionadded:: 0.1

    Attributes
    ----------
    estimate : float
        The estimate as given, on the scale of `measure`.
    measure : str
        ``"RR"``, ``"OR"``, ``"HR"`` or ``"SMD"``.
    common_outcome : bool
        Whether an odds or hazard ratio was converted as for a common outcome.
    risk_ratio : float
        The estimate as an (approximate) risk ratio.
    ci_risk_ratio : ConfidenceInterval or None
        The interval as risk ratios, if an interval was given.
    e_value : float
        How strongly (as a risk ratio) an unmeasured confounder would have to be associated
        with both treatment and outcome to explain the estimate away. 1 means no confounding
        is needed.
    e_value_ci : float or None
        The same for the confidence limit nearest 1: 1 when the interval already includes 1.
    conversion : str
        How the estimate was turned into a risk ratio.

    Examples
    --------
    >>> from sparkus.metrics import e_value
    >>> result = e_value(3.9, (1.8, 8.7))
    >>> result
    EValue(e_value=7.263, for the CI=3, risk_ratio=3.9)
    >>> result.ci_risk_ratio, result.conversion
    (ConfidenceInterval(low=1.8, high=8.7), 'a risk ratio, used as it is')
    """

    estimate: float
    measure: str
    common_outcome: bool
    risk_ratio: float
    ci_risk_ratio: ConfidenceInterval | None
    e_value: float
    e_value_ci: float | None
    conversion: str

    def _headline(self) -> str:
        ci = "" if self.e_value_ci is None else f", for the CI={format_number(self.e_value_ci)}"
        return (
            f"e_value={format_number(self.e_value)}{ci}, "
            f"risk_ratio={format_number(self.risk_ratio)}"
        )

    def _tables(self) -> list[Table]:
        rows = [
            (f"estimate ({self.measure})", format_number(self.estimate)),
            ("as a risk ratio", format_number(self.risk_ratio)),
            ("E-value of the estimate", format_number(self.e_value)),
        ]
        if self.ci_risk_ratio is not None:
            low, high = (format_number(v) for v in self.ci_risk_ratio)
            rows.append(("interval as risk ratios", f"[{low}, {high}]"))
            rows.append(("E-value of the limit nearest 1", format_number(self.e_value_ci)))
        note = (
            f"{self.conversion}. The E-value is the risk ratio an unmeasured confounder would "
            "need with both treatment and outcome to explain the estimate away."
        )
        return [
            Table("E-value (VanderWeele & Ding 2017)", ("quantity", "value"), tuple(rows), note)
        ]


def _e(rr: float) -> float:
    """``RR + √(RR (RR - 1))`` of RR or 1/RR, whichever is at least 1 (no product overflows)."""
    r = rr if rr >= 1.0 else 1.0 / rr
    return r + math.sqrt(r) * math.sqrt(r - 1.0)


def _to_risk_ratio(value: float, measure: Measure, common: bool) -> float:
    if measure == "RR":
        return value
    if measure == "SMD":
        return math.exp(_SMD_TO_LOG_RR * value)
    if not common:
        return value
    if measure == "OR":
        return math.sqrt(value)
    # (1 - 0.5^√HR) / (1 - 0.5^√(1/HR)), each 1 - 0.5^x as -expm1(x log 0.5): no digits lost
    root = math.sqrt(value)
    half = math.log(0.5)
    return float(math.expm1(root * half) / math.expm1(half / root))


_SMD_NOTE: Final = "RR ≈ exp(0.91 d), VanderWeele & Ding 2017"
_CONVERSIONS: Final = {
    ("RR", False): "a risk ratio, used as it is",
    ("RR", True): "a risk ratio, used as it is",
    ("OR", False): "an odds ratio of a rare outcome (under 15%): RR ≈ OR",
    ("OR", True): "an odds ratio of a common outcome: RR ≈ √OR",
    ("HR", False): "a hazard ratio of a rare outcome (under 15%): RR ≈ HR",
    ("HR", True): "a hazard ratio of a common outcome: RR ≈ (1 - 0.5^√HR) / (1 - 0.5^√(1/HR))",
    ("SMD", False): f"a standardised mean difference d, converted as asked: {_SMD_NOTE}",
    ("SMD", True): f"a standardised mean difference d, converted as asked: {_SMD_NOTE}",
}
_WHAT: Final = {
    "SMD": "a standardised mean difference",
    "RR": "a risk ratio",
    "OR": "an odds ratio",
    "HR": "a hazard ratio",
    "difference": "a difference on the outcome's own scale",
    "coefficient": "a regression coefficient on the outcome's own scale",
    "ICC": "an intra-class correlation",
}


def _estimate_measure(given: Estimate, measure: object) -> Measure:
    """The measure of an Estimate: the one it carries, and the one asked for, must agree.

    An SMD is converted only when asked (``measure="SMD"``); a difference on the outcome's
    scale is no measure the E-value reads.
    """
    carried = given.measure
    if carried is not None and carried not in MEASURES:
        msg = (
            f"is {_WHAT.get(carried, carried)} ({given.method}); the E-value needs a ratio "
            "(RR, OR, HR) or a standardised mean difference: standardise the difference "
            "(hedges_g, or divide by the outcome's SD) and pass measure='SMD', or pass a ratio"
        )
        raise schema_error("estimate", msg)
    if measure is None:
        if carried is None:
            msg = (
                f"an Estimate that does not carry its measure ({given.method}) needs it said: "
                "pass measure='RR', 'OR' or 'HR' for a ratio, or measure='SMD' for a "
                f"standardised mean difference ({_SMD_NOTE})"
            )
            raise schema_error("measure", msg)
        if carried == "SMD":
            msg = (
                f"the Estimate is a standardised mean difference ({given.method}), not a risk "
                f"ratio; it is converted only when asked: pass measure='SMD' ({_SMD_NOTE})"
            )
            raise schema_error("measure", msg)
        return cast(Measure, carried)
    kind = check_choice(measure, "measure", MEASURES)
    if carried is not None and carried != kind:
        msg = (
            f"is {shown(kind)}, but the Estimate is {_WHAT[carried]} ({given.method}); pass "
            f"measure={shown(carried)}"
        )
        raise schema_error("measure", msg)
    return kind


def _range_text(kind: Measure, common: bool) -> str:
    if kind == "SMD":
        return f"|d| at most {_MAX_SMD:.4g}"
    if common and kind in ("OR", "HR"):  # pragma: no cover - their roots always fit
        return "a positive ratio"
    return f"a ratio within [{1.0 / _MAX_RR:.3g}, {_MAX_RR:.3g}]"


def _e_value_iv(
    estimate: object, ci: object, measure: object, common_outcome: object
) -> tuple[float, tuple[float, float] | None, Measure, bool]:
    if not isinstance(common_outcome, bool | np.bool_):  # numpy's own, as a mask's element
        raise schema_error("common_outcome", f"expected True or False, got {shown(common_outcome)}")
    common_outcome = bool(common_outcome)
    given: object = estimate
    if isinstance(given, Estimate):
        kind = _estimate_measure(given, measure)
        if ci is None:
            ci = given.ci
        given = given.estimate
    else:
        kind = "RR" if measure is None else check_choice(measure, "measure", MEASURES)
    positive = kind != "SMD"
    what = "a positive ratio" if positive else "a finite number"
    low = 0.0 if positive else -math.inf
    value = check_number(given, "estimate", low=low, low_open=positive, what=what)
    _check_in_range(value, "estimate", kind, common_outcome)
    if ci is None:
        return value, None, kind, common_outcome
    if isinstance(ci, str | bytes):
        raise schema_error("ci", f"expected a pair (low, high), got {shown(ci)}")
    try:
        pair: tuple[object, ...] = tuple(ci)  # type: ignore[arg-type]
    except TypeError:
        raise schema_error("ci", f"expected a pair (low, high), got {shown(ci)}") from None
    if len(pair) != 2:
        raise schema_error("ci", f"expected a pair (low, high), got {len(pair)} values")
    limits = tuple(
        check_number(v, f"ci[{i}]", low=low, low_open=positive, what=what)
        for i, v in enumerate(pair)
    )
    for i, limit in enumerate(limits):
        _check_in_range(limit, f"ci[{i}]", kind, common_outcome)
    if not limits[0] <= value <= limits[1]:
        msg = f"expected low <= estimate <= high, got ({shown(limits[0])}, {shown(limits[1])}) around {shown(value)}"
        raise schema_error("ci", msg)
    return value, (limits[0], limits[1]), kind, common_outcome


def _check_in_range(value: float, name: str, kind: Measure, common: bool) -> None:
    """A SchemaError naming `name` if the E-value of `value` would not fit a double."""
    try:
        rr = _to_risk_ratio(value, kind, common)
        e = _e(rr) if rr > 0.0 else math.inf
    except (OverflowError, ZeroDivisionError):
        e = math.inf
    if not (math.isfinite(e) and rr > 0.0):
        msg = (
            f"the E-value of {shown(value)} would exceed the range of a double (1.8e308); expected "
            f"{_range_text(kind, common)}"
        )
        raise schema_error(name, msg)


def e_value(
    estimate: float | Estimate,
    ci: tuple[float, float] | None = None,
    *,
    measure: Measure | None = None,
    common_outcome: bool = False,
) -> EValue:
    """The E-value: how strong a hidden confounder would have to be to explain an effect away.

    .. versionadded:: 0.1

    For a risk ratio ``RR >= 1`` the E-value is ``RR + √(RR (RR - 1))`` (for ``RR < 1`` that
    of ``1 / RR``): an unmeasured confounder associated with both treatment and outcome by a
    risk ratio of at least this much each, beyond the measured covariates, could explain the
    estimate away; a weaker one could not. The E-value of the interval is that of the limit
    nearest 1, or 1 if the interval includes 1.

    Parameters
    ----------
    estimate : float or Estimate
        The estimate on the scale of `measure`. An :class:`Estimate` brings its interval too,
        and the measure it carries (its ``measure``): a standardised mean difference (from
        :func:`hedges_g`, :func:`cohens_d`, ...) is converted only when asked, with
        ``measure="SMD"``; a difference on the outcome's own scale (a t-test, ANCOVA, IPW) is
        refused, since the E-value reads ratios.
    ci : pair of float, optional
        The confidence interval ``(low, high)`` on the same scale.
    measure : {"RR", "OR", "HR", "SMD"}, optional
        A risk ratio; an odds ratio or hazard ratio (converted to an approximate risk ratio,
        see `common_outcome`); or a standardised mean difference d, converted by
        ``RR ≈ exp(0.91 d)`` (VanderWeele & Ding 2017), and its interval limit by limit. By
        default ``"RR"`` for a number; an Estimate needs it said unless it carries a ratio.
    common_outcome : bool, default False
        For an odds or hazard ratio: whether the outcome is common (15% or more), in which
        case ``RR ≈ √OR``, or ``RR ≈ (1 - 0.5^√HR) / (1 - 0.5^√(1/HR))``. A rare outcome
        takes the ratio as a risk ratio.

    Returns
    -------
    EValue
        The E-values of the estimate and of the interval, and the risk ratios they came from.

    Raises
    ------
    SchemaError
        If a ratio is not positive, the interval does not hold the estimate, or an option is
        not an allowed value; if an Estimate comes without `measure` and carries none, or
        carries a standardised mean difference (pass ``measure="SMD"``), or another measure
        than `measure`, or a difference on the outcome's scale; or if the E-value would not
        fit a double (a risk ratio beyond about 9e307 or below 1.1e-308, ``|d|`` beyond 779).

    Notes
    -----
    An SMD's interval limits are converted one by one, so an interval ``d ± 1.96 se`` becomes
    ``exp(0.91 d ± 1.78 se)``, as in VanderWeele & Ding (2017). The conversions are
    approximations; the E-value inherits them.

    References
    ----------
    VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research:
    introducing the E-value. *Annals of Internal Medicine* 167(4), 268-274.

    VanderWeele, T. J. (2017). On a square-root transformation of the odds ratio for a
    common outcome. *Epidemiology* 28(6), e58-e60.

    Examples
    --------
    The published example (VanderWeele & Ding 2017): a risk ratio of 3.9 with interval
    1.8 to 8.7.

    >>> from sparkus.metrics import e_value
    >>> result = e_value(3.9, (1.8, 8.7))
    >>> round(result.e_value, 2), round(result.e_value_ci, 2)
    (7.26, 3.0)

    A standardised mean difference of 0.4 with interval 0.2 to 0.6:

    >>> result = e_value(0.4, (0.2, 0.6), measure="SMD")
    >>> round(result.risk_ratio, 3), round(result.e_value, 3), round(result.e_value_ci, 3)
    (1.439, 2.234, 1.689)

    An :class:`Estimate` of a standardised difference says so, and is converted only when
    asked:

    >>> from sparkus.metrics import hedges_g
    >>> g = hedges_g([5.1, 6.0, 6.3, 7.2, 5.9, 6.6], [4.2, 5.0, 4.4, 5.1, 4.8, 5.5])
    >>> e_value(g)
    Traceback (most recent call last):
        ...
    sparkus.SchemaError: 1 problem in the input:
      measure: the Estimate is a standardised mean difference (Hedges' g ...), not a risk ratio; it is converted only when asked: pass measure='SMD' (RR ≈ exp(0.91 d), VanderWeele & Ding 2017)
    >>> result = e_value(g, measure="SMD")
    >>> round(result.risk_ratio, 3), round(result.e_value, 3)
    (6.544, 12.566)
    >>> result.conversion
    'a standardised mean difference d, converted as asked: RR ≈ exp(0.91 d), VanderWeele & Ding 2017'
    """
    value, limits, kind, common = _e_value_iv(estimate, ci, measure, common_outcome)
    rr = _to_risk_ratio(value, kind, common)
    ci_rr = None
    e_ci = None
    if limits is not None:
        low, high = (_to_risk_ratio(v, kind, common) for v in limits)
        ci_rr = ConfidenceInterval(low, high)
        e_ci = 1.0 if low <= 1.0 <= high else _e(low if rr > 1.0 else high)
    return EValue(
        estimate=value,
        measure=kind,
        common_outcome=common,
        risk_ratio=rr,
        ci_risk_ratio=ci_rr,
        e_value=_e(rr),
        e_value_ci=e_ci,
        conversion=_CONVERSIONS[kind, common],
    )
