"""What goes into a return on investment: the monetised benefits and the items of cost.

A :class:`~sparkus.metrics.Benefit` carries Phillips' adjustments in the open (the share of the
improvement the program caused, and the confidence of whoever estimated it), and a
:class:`~sparkus.metrics.Cost` is one item of the fully loaded cost in one of Phillips' cost
categories. Both refuse, when they are made, a blank name, a missing or infinite number, a
negative amount and a factor outside ``[0, 1]``, naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any, Final, Literal, TypeAlias, cast, get_args

import attrs
import numpy as np

from sparkus._errors import EstimationError, Problem, SchemaError, shown
from sparkus.metrics._estimate import Estimate
from sparkus.metrics._stable import product

__all__ = ["Benefit", "Cost"]

CostCategory: TypeAlias = Literal[
    "analysis",
    "development",
    "delivery",
    "participant_time",
    "materials_travel",
    "administration",
    "evaluation",
    "other",
]
COST_CATEGORIES: Final[tuple[CostCategory, ...]] = get_args(CostCategory)


# --------------------------------------------------------------------------------------------
# Validators of the records
# --------------------------------------------------------------------------------------------


def _plain(value: object) -> object:
    """A numpy number as a Python float (a float16 would overflow in the products); else as is.

    A float -0.0 becomes 0.0, which the summary would print as "-0".
    """
    if isinstance(value, np.integer | np.floating):  # np.bool_ is neither
        value = float(value)
    return value + 0.0 if isinstance(value, float) else value


def _plain_or_none(value: object) -> object:
    return None if value is None else _plain(value)


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise SchemaError([Problem((name,), f"expected a number, got {shown(value)}")])
    try:
        x = float(value)
    except OverflowError:  # a Python int beyond 1.8e308
        msg = "expected a number within the range of a double (1.8e308), got a larger int"
        raise SchemaError([Problem((name,), msg)]) from None
    if not math.isfinite(x):
        msg = f"expected a finite number, got {shown(x)}; state a value (None means no data)"
        raise SchemaError([Problem((name,), msg)])
    return x


def _finite(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    _number(value, attribute.name)


def _finite_or_none(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _number(value, attribute.name)


def _nonnegative(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if _number(value, attribute.name) < 0:
        msg = f"expected a number of at least 0, got {shown(value)}"
        raise SchemaError([Problem((attribute.name,), msg)])


def _factor(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    x = _number(value, attribute.name)
    if not 0.0 <= x <= 1.0:
        msg = (
            f"expected a share in [0, 1] (e.g. 0.6 for 60%), got {shown(value)}; a percentage "
            "must be divided by 100"
        )
        raise SchemaError([Problem((attribute.name,), msg)])


def _text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"expected a str, got {type(value).__name__}"
        raise SchemaError([Problem((attribute.name,), msg)])


def _name(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    _text(instance, attribute, value)
    if not cast(str, value).strip():
        msg = f"expected a name, got the blank text {shown(value)}; say what the item is"
        raise SchemaError([Problem((attribute.name,), msg)])


def _category(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or value not in COST_CATEGORIES:
        listed = ", ".join(repr(c) for c in COST_CATEGORIES)
        msg = f"expected one of {listed}, got {shown(value)}"
        raise SchemaError([Problem((attribute.name,), msg)])


def _pair(value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, str | Mapping | AbstractSet) or not isinstance(value, Iterable):
        return cast(tuple[float, float], value)  # rejected by the validator, with its name
    return cast(tuple[float, float], tuple(_plain(v) for v in value))


def _range(instance: Benefit, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or len(value) != 2:
        msg = f"expected a pair (low, high) around `value`, got {shown(value)}"
        raise SchemaError([Problem((attribute.name,), msg)])
    low, high = (_number(v, attribute.name) for v in value)
    if not 0.0 <= low <= instance.value <= high:
        msg = (
            f"expected 0 <= low <= value <= high, got ({low:g}, {high:g}) around value "
            f"{instance.value:g}"
        )
        raise SchemaError([Problem((attribute.name,), msg)])


def _se(instance: Benefit, attribute: attrs.Attribute[float], value: object) -> None:
    _nonnegative(instance, attribute, value)
    if instance.improvement is None and float(cast(float, value)) > 0:
        msg = "is given but `improvement` is None (no data); give both, or neither"
        raise SchemaError([Problem((attribute.name,), msg)])


# --------------------------------------------------------------------------------------------
# Benefit and Cost
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Benefit:
    """One monetised benefit of a program, with the adjustments that make it conservative.

    .. versionadded:: 0.1

    The first-year value counted is ``improvement x count x value x isolation x confidence``:
    the measured improvement per person, for `count` people, at `value` money per unit of
    improvement per person and year, times the share of the improvement the program caused,
    times the confidence of whoever estimated it.

    Parameters
    ----------
    name : str
        What improved, as a reader would say it ("sales per account manager").
    improvement : float or None
        The measured improvement per person in the measure's own units (an effect estimate, a
        change in a business measure). None means no data: counted as no improvement.
    value : float
        Money per unit of improvement per person over the first year (at least 0): what the
        finance team agrees one unit is worth.
    count : float, default 1
        How many people (or units) the improvement applies to.
    isolation : float
        The share of the improvement the program caused, in ``[0, 1]``. 1 when `improvement`
        already comes from a comparison with an unsupported group (ANCOVA, AIPW); otherwise the
        share participants or their managers attribute to the program.
    confidence : float
        How sure whoever estimated the improvement (or its value) is, in ``[0, 1]``: Phillips
        multiplies by it so an uncertain claim counts for less.
    se : float, default 0
        The standard error of `improvement` (e.g. an estimator's), for the Monte Carlo interval.
    value_range : pair of float, optional
        ``(low, high)`` around `value` when the monetisation is uncertain: drawn from a
        triangular distribution on ``[low, high]`` with its mode at `value`.
    unit : str, default ""
        The unit of `improvement` ("points", "sales").
    note : str, default ""
        Where the figures come from, for the reader of the summary.

    Raises
    ------
    SchemaError
        For a blank `name`, a field that is missing or not finite, a negative value, count or
        standard error, a factor outside ``[0, 1]``, or an ``improvement x count x value``
        beyond the range of a double; the field is named.

    Examples
    --------
    >>> from sparkus.metrics import Benefit
    >>> b = Benefit(name="fewer regretted exits", improvement=3.0, value=40_000.0,
    ...             isolation=0.5, confidence=0.8, unit="exits")
    >>> b.gross_value, b.counted_value
    (120000.0, 48000.0)
    """

    name: str = attrs.field(validator=_name)
    improvement: float | None = attrs.field(converter=_plain_or_none, validator=_finite_or_none)
    value: float = attrs.field(converter=_plain, validator=_nonnegative)
    count: float = attrs.field(default=1.0, converter=_plain, validator=_nonnegative)
    isolation: float = attrs.field(converter=_plain, validator=_factor)
    confidence: float = attrs.field(converter=_plain, validator=_factor)
    se: float = attrs.field(default=0.0, converter=_plain, validator=_se)
    value_range: tuple[float, float] | None = attrs.field(
        default=None, converter=_pair, validator=_range
    )
    unit: str = attrs.field(default="", validator=_text)
    note: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        if not math.isfinite(self.gross_value):
            msg = (
                f"improvement x count x value = {self.improvement:g} x {self.count:g} x "
                f"{self.value:g} exceeds the largest number a double holds (1.8e308); state "
                "the improvement in larger units (thousands, say)"
            )
            raise SchemaError([Problem(("improvement",), msg)])

    @classmethod
    def from_estimate(
        cls,
        name: str,
        estimate: Estimate,
        *,
        value: float,
        count: float = 1.0,
        isolation: float = 1.0,
        confidence: float = 1.0,
        value_range: tuple[float, float] | None = None,
        unit: str = "",
        note: str = "",
    ) -> Benefit:
        """A benefit whose improvement is an effect estimate, with its standard error.

        The estimate of an estimator that compares with an unsupported group (ANCOVA, AIPW,
        difference-in-differences) is already isolated, so `isolation` defaults to 1; its
        uncertainty enters through the standard error rather than a confidence discount, so
        `confidence` defaults to 1 too. Lower either to be more conservative.

        Parameters
        ----------
        name : str
            What improved.
        estimate : Estimate
            The effect per person, from :func:`ancova` or another estimator.
        value, count, isolation, confidence, value_range, unit, note
            As for :class:`Benefit`.

        Returns
        -------
        Benefit
            With ``improvement = estimate.estimate`` and ``se = estimate.se``.

        Raises
        ------
        SchemaError
            If `estimate` is not an :class:`Estimate`, or a field is invalid (as for
            :class:`Benefit`).
        EstimationError
            If the estimate's standard error is 0 while its interval is not a point
            (:func:`compare_proportions` when every outcome of both groups is the same).
        """
        given: object = estimate
        if not isinstance(given, Estimate):
            msg = f"expected an Estimate (from ancova, aipw, ...), got {type(given).__name__}"
            raise SchemaError([Problem(("estimate",), msg)])
        low, high = estimate.ci
        if estimate.se == 0.0 and high > low:
            msg = (
                f"has standard error 0 but the interval [{low:.6g}, {high:.6g}] "
                f"({estimate.method}): a standard error of 0 would make the ROI certain; give "
                "Benefit(..., se=...) a standard error that describes the uncertainty"
            )
            raise EstimationError(f"`estimate` {msg}")
        given_note: object = note  # "" takes the default; anything else meets the check
        default_note = f"{estimate.method}, n={estimate.n}"
        return cls(
            name=name,
            improvement=estimate.estimate,
            value=value,
            count=count,
            isolation=isolation,
            confidence=confidence,
            se=estimate.se,
            value_range=value_range,
            unit=unit,
            note=default_note if isinstance(given_note, str) and not given_note else note,
        )

    @property
    def gross_value(self) -> float:
        """``improvement x count x value``: the first-year value before the adjustments."""
        return 0.0 if self.improvement is None else self._value()

    def _value(self, *shares: float) -> float:
        """``improvement x count x value`` times `shares`, without a part-way overflow."""
        return cast(float, product(self.improvement, self.count, self.value, *shares))

    @property
    def isolated_value(self) -> float:
        """The gross value times `isolation`: the part the program caused."""
        return 0.0 if self.improvement is None else self._value(self.isolation)

    @property
    def counted_value(self) -> float:
        """The isolated value times `confidence`: what the ROI counts."""
        return 0.0 if self.improvement is None else self._value(self.isolation, self.confidence)


@attrs.frozen
class Cost:
    """One item of a program's fully loaded cost.

    .. versionadded:: 0.1

    Parameters
    ----------
    name : str
        What the money went on ("coaching fees").
    amount : float
        The amount, at least 0.
    category : str, default "delivery"
        Phillips' cost category: ``"analysis"`` (needs assessment), ``"development"``,
        ``"delivery"`` (fees, facilitators), ``"participant_time"`` (salaries and benefits
        for the time spent), ``"materials_travel"``, ``"administration"`` (overhead),
        ``"evaluation"`` or ``"other"``.
    note : str, default ""
        How the amount was worked out.

    Examples
    --------
    >>> from sparkus.metrics import Cost
    >>> Cost.participant_time(people=25, hours=12.0, hourly_cost=150.0)
    Cost(name="participants' time", amount=45000.0, category='participant_time', note='25 people x 12 h x 150 per hour')
    """

    name: str = attrs.field(validator=_name)
    amount: float = attrs.field(converter=_plain, validator=_nonnegative)
    category: CostCategory = attrs.field(default="delivery", validator=_category)
    note: str = attrs.field(default="", validator=_text)

    @classmethod
    def participant_time(
        cls,
        name: str = "participants' time",
        *,
        people: float,
        hours: float,
        hourly_cost: float,
    ) -> Cost:
        """The cost of the time participants spend in the program (Phillips loads it fully).

        Parameters
        ----------
        name : str, default "participants' time"
            The item's name.
        people : float
            How many participants.
        hours : float
            Hours each spends in the program (sessions, exercises, travel).
        hourly_cost : float
            The loaded cost of one hour of their time: salary plus benefits and overhead.

        Returns
        -------
        Cost
            ``people x hours x hourly_cost``, category ``"participant_time"``.
        """
        factors = {"people": people, "hours": hours, "hourly_cost": hourly_cost}
        for key, factor in factors.items():
            if _number(factor, key) < 0:
                msg = f"expected a number of at least 0, got {shown(factor)}"
                raise SchemaError([Problem((key,), msg)])
        amount = cast(float, product(float(people), float(hours), float(hourly_cost)))
        if not math.isfinite(amount):
            msg = (
                f"people x hours x hourly_cost = {float(people):g} x {float(hours):g} x "
                f"{float(hourly_cost):g} exceeds the largest number a double holds (1.8e308)"
            )
            raise SchemaError([Problem(("people",), msg)])
        note = (
            f"{float(people):,.6g} people x {float(hours):,.4g} h x {float(hourly_cost):,.6g} "
            "per hour"
        )
        return cls(name, amount, "participant_time", note)
