"""Return on investment by the Phillips methodology: adjusted benefits over fully loaded costs.

Phillips' ROI Methodology (Phillips & Phillips, *Return on Investment in Training and Performance
Improvement Programs*, 2nd ed., 2003; *ROI at Work*, ASTD 2005) adds a fifth level, the return
on investment, to Kirkpatrick's four (reaction, learning, behaviour, results). Its guiding
principles make the figure conservative, and :func:`roi` applies each one visibly:

- an improvement is counted only for the share of it that the program caused (*isolation*),
  and only to the degree the person who estimated it is sure (*confidence*);
- no data means no improvement: a benefit without a measured improvement counts as zero;
- for short programs, only the first year of benefits is counted;
- costs are fully loaded, participants' time included;
- intangible benefits are reported but not converted to money (leave them out of `benefits`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, cast

import attrs
import numpy as np

from sparkus._checks import check_level, check_rng
from sparkus._errors import Problem, SchemaError
from sparkus._results import Result, Table, to_jsonable
from sparkus.metrics._estimate import ConfidenceInterval

if TYPE_CHECKING:
    from sparkus.metrics._estimate import Estimate

__all__ = ["Benefit", "Cost", "ROIResult", "roi"]

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
COST_CATEGORIES: Final[tuple[CostCategory, ...]] = (
    "analysis",
    "development",
    "delivery",
    "participant_time",
    "materials_travel",
    "administration",
    "evaluation",
    "other",
)
_MIN_DRAWS: Final = 100


# --------------------------------------------------------------------------------------------
# Validators of the records
# --------------------------------------------------------------------------------------------


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise SchemaError([Problem((name,), f"expected a number, got {value!r}")])
    x = float(value)
    if not math.isfinite(x):
        msg = f"expected a finite number, got {x!r}; state a value (None means no data)"
        raise SchemaError([Problem((name,), msg)])
    return x


def _finite(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    _number(value, attribute.name)


def _finite_or_none(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _number(value, attribute.name)


def _nonnegative(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if _number(value, attribute.name) < 0:
        msg = f"expected a number of at least 0, got {value!r}"
        raise SchemaError([Problem((attribute.name,), msg)])


def _factor(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    x = _number(value, attribute.name)
    if not 0.0 <= x <= 1.0:
        msg = (
            f"expected a share in [0, 1] (e.g. 0.6 for 60%), got {value!r}; a percentage "
            "must be divided by 100"
        )
        raise SchemaError([Problem((attribute.name,), msg)])


def _text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"expected a str, got {type(value).__name__}"
        raise SchemaError([Problem((attribute.name,), msg)])


def _category(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in COST_CATEGORIES or not isinstance(value, str):
        shown = ", ".join(repr(c) for c in COST_CATEGORIES)
        msg = f"expected one of {shown}, got {value!r}"
        raise SchemaError([Problem((attribute.name,), msg)])


def _pair(value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        return cast(tuple[float, float], value)  # rejected by the validator, with its name
    return cast(tuple[float, float], tuple(value))


def _range(instance: Benefit, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or len(value) != 2:
        msg = f"expected a pair (low, high) around `value`, got {value!r}"
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

    Examples
    --------
    >>> from sparkus.metrics import Benefit
    >>> b = Benefit(name="fewer regretted exits", improvement=3.0, value=40_000.0,
    ...             isolation=0.5, confidence=0.8, unit="exits")
    >>> b.gross_value, b.counted_value
    (120000.0, 48000.0)
    """

    name: str = attrs.field(validator=_text)
    improvement: float | None = attrs.field(validator=_finite_or_none)
    value: float = attrs.field(validator=_nonnegative)
    count: float = attrs.field(default=1.0, validator=_nonnegative)
    isolation: float = attrs.field(validator=_factor)
    confidence: float = attrs.field(validator=_factor)
    se: float = attrs.field(default=0.0, validator=_se)
    value_range: tuple[float, float] | None = attrs.field(
        default=None, converter=_pair, validator=_range
    )
    unit: str = attrs.field(default="", validator=_text)
    note: str = attrs.field(default="", validator=_text)

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
        """
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
            note=note or default_note,
        )

    @property
    def gross_value(self) -> float:
        """``improvement x count x value``: the first-year value before the adjustments."""
        return 0.0 if self.improvement is None else self.improvement * self.count * self.value

    @property
    def isolated_value(self) -> float:
        """The gross value times `isolation`: the part the program caused."""
        return self.gross_value * self.isolation

    @property
    def counted_value(self) -> float:
        """The isolated value times `confidence`: what the ROI counts."""
        return self.isolated_value * self.confidence


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

    name: str = attrs.field(validator=_text)
    amount: float = attrs.field(validator=_nonnegative)
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
                msg = f"expected a number of at least 0, got {factor!r}"
                raise SchemaError([Problem((key,), msg)])
        amount = float(people) * float(hours) * float(hourly_cost)
        note = (
            f"{float(people):,.6g} people x {float(hours):,.4g} h x {float(hourly_cost):,.6g} "
            "per hour"
        )
        return cls(name, amount, "participant_time", note)


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


def _money(x: float, currency: str = "") -> str:
    text = f"{x:,.0f}"
    return f"{currency} {text}" if currency else text


def _amount(x: float) -> str:
    """An amount per unit: whole with separators from 1,000, else up to two decimals."""
    if abs(x) >= 1_000:
        return f"{x:,.0f}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _interval_text(ci: ConfidenceInterval, fmt: str) -> str:
    return f"[{format(ci.low, fmt)}, {format(ci.high, fmt)}]"


@attrs.frozen(repr=False, eq=False)
class ROIResult(Result):
    """The return on a program: benefits, costs, ROI %, benefit-cost ratio, payback, intervals.

    .. versionadded:: 0.1

    Attributes
    ----------
    benefits : tuple of Benefit
        The monetised benefits, each with its adjustments.
    costs : tuple of Cost
        The items of the fully loaded cost.
    benefit : float
        The first-year monetary benefits counted: the sum of each benefit's
        :attr:`Benefit.counted_value`.
    cost : float
        The fully loaded cost: the sum of the items.
    net_benefit : float
        ``benefit - cost``.
    bcr : float
        The benefit-cost ratio, ``benefit / cost``.
    roi : float
        The return on investment in percent, ``(benefit - cost) / cost x 100``; a ratio of 2
        is an ROI of 100%.
    payback_months : float or None
        ``cost / (benefit / 12)``: the months of benefits that pay back the cost. None when
        the benefits are not positive (the program never pays back).
    level : float
        The level of the Monte Carlo intervals.
    benefit_ci, net_benefit_ci, bcr_ci, roi_ci : ConfidenceInterval
        The central `level` intervals of the benefits, the net benefit, the ratio and the ROI
        over the Monte Carlo draws of the stated uncertainty (each benefit's standard error
        and monetisation range); a single point when no uncertainty is stated.
    break_even_probability : float
        The share of the draws in which the benefits cover the costs (ROI of at least 0%).
    n_draws : int
        The number of Monte Carlo draws.
    currency : str
        The currency of every amount, for display.

    Examples
    --------
    >>> from sparkus.metrics import Benefit, Cost, roi
    >>> engagement = Benefit(name="team engagement", improvement=4.2, se=1.1, unit="points",
    ...                      value=1000.0, count=40, isolation=1.0, confidence=0.9)
    >>> result = roi(engagement, [Cost("coaching fees", 40 * 6 * 320.0)], rng=1)
    >>> result
    ROIResult(roi=96.9%, 95% interval [-3.6, 196.5], bcr=1.97, benefit=151,200, cost=76,800)
    >>> result.net_benefit, result.n_draws
    (74400.0, 10000)
    """

    benefits: tuple[Benefit, ...]
    costs: tuple[Cost, ...]
    benefit: float
    cost: float
    net_benefit: float
    bcr: float
    roi: float
    payback_months: float | None
    level: float
    benefit_ci: ConfidenceInterval
    net_benefit_ci: ConfidenceInterval
    bcr_ci: ConfidenceInterval
    roi_ci: ConfidenceInterval
    break_even_probability: float
    n_draws: int
    currency: str

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready data; benefits and costs as lists of their fields."""
        out = super().to_dict()
        out["benefits"] = [to_jsonable(attrs.asdict(b)) for b in self.benefits]
        out["costs"] = [to_jsonable(attrs.asdict(c)) for c in self.costs]
        return out

    def _headline(self) -> str:
        pct = f"{100 * self.level:.10g}%"
        return (
            f"roi={self.roi:.1f}%, {pct} interval {_interval_text(self.roi_ci, '.1f')}, "
            f"bcr={self.bcr:.2f}, benefit={_money(self.benefit)}, cost={_money(self.cost)}"
        )

    def _tables(self) -> list[Table]:
        cur = self.currency
        benefit_rows = []
        for b in self.benefits:
            if b.improvement is None:
                improvement = "no data (counted as 0)"
            else:
                unit = f" {b.unit}" if b.unit else ""
                spread = f" ± {b.se:.3g}" if b.se > 0 else ""
                improvement = f"{b.improvement:.4g}{spread}{unit}"
            value = _amount(b.value)
            if b.value_range is not None:
                value += f" ({_amount(b.value_range[0])} to {_amount(b.value_range[1])})"
            benefit_rows.append((
                b.name, improvement, f"{b.count:,.6g}", value, _money(b.gross_value),
                f"{b.isolation:.0%}", f"{b.confidence:.0%}", _money(b.counted_value),
            ))  # fmt: skip
        benefit_rows.append(("total", "", "", "", "", "", "", _money(self.benefit)))
        notes = [
            (
                "counted = improvement x count x value x isolation x confidence; first-year "
                "benefits only; no data counts as no improvement; intangibles not converted"
            ),
        ]
        sources = [f"{b.name}: {b.note}" for b in self.benefits if b.note]
        notes += sources
        benefits = Table(
            f"Monetised benefits, first year ({cur})" if cur else "Monetised benefits, first year",
            ("benefit", "improvement ± se", "count", "value per unit", "gross", "isolation",
             "confidence", "counted"),
            tuple(benefit_rows),
            "\n".join(notes),
        )  # fmt: skip
        cost_rows = [
            (c.name, c.category.replace("_", " "), _money(c.amount), c.note) for c in self.costs
        ]
        cost_rows.append(("total (fully loaded)", "", _money(self.cost), ""))
        cost_note = ""
        if not any(c.category == "participant_time" for c in self.costs):
            cost_note = (
                "caution: no item for participants' time; fully loaded costs include it "
                "(add Cost.participant_time, or an item of 0 if truly none)"
            )
        costs = Table(
            f"Fully loaded costs ({cur})" if cur else "Fully loaded costs",
            ("item", "category", "amount", "how"),
            tuple(cost_rows),
            cost_note,
        )
        pct = f"{100 * self.level:.10g}%"
        payback = (
            "never (benefits not positive)"
            if self.payback_months is None
            else f"{self.payback_months:.1f} months"
        )
        summary_rows = (
            ("benefits", _money(self.benefit, cur), _interval_text(self.benefit_ci, ",.0f")),
            ("costs", _money(self.cost, cur), ""),
            ("net benefit", _money(self.net_benefit, cur),
             _interval_text(self.net_benefit_ci, ",.0f")),
            ("benefit-cost ratio", f"{self.bcr:.2f}", _interval_text(self.bcr_ci, ".2f")),
            ("ROI", f"{self.roi:.1f}%", _interval_text(self.roi_ci, ".1f")),
            ("payback", payback, ""),
            ("chance of breaking even", f"{self.break_even_probability:.1%}", ""),
        )  # fmt: skip
        width = self.roi_ci.high - self.roi_ci.low
        uncertainty = (
            "no uncertainty stated (no standard errors or value ranges): the interval is a point"
            if width == 0
            else f"interval: {self.n_draws:,} Monte Carlo draws of the stated standard errors "
            "and value ranges, independent across benefits; isolation and confidence are fixed"
        )
        summary = Table(
            "Return on investment (Phillips)",
            ("quantity", "value", f"{pct} interval"),
            summary_rows,
            "ROI = (benefits - costs) / costs x 100; ratio = benefits / costs; payback = "
            f"costs / monthly benefits\n{uncertainty}",
        )
        return [summary, benefits, costs]


# --------------------------------------------------------------------------------------------
# roi
# --------------------------------------------------------------------------------------------


def _items(value: object, name: str, kind: type[Any]) -> tuple[Any, ...]:
    if isinstance(value, kind):
        return (value,)
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"expected a sequence of {kind.__name__}, got {type(value).__name__}"
        raise SchemaError([Problem((name,), msg)])
    items = tuple(value)
    problems = [
        Problem((name, i), f"expected a {kind.__name__}, got {type(item).__name__}")
        for i, item in enumerate(items)
        if not isinstance(item, kind)
    ]
    if problems:
        raise SchemaError(problems)
    return items


def _costs(value: object) -> tuple[Cost, ...]:
    if isinstance(value, Mapping):
        problems: list[Problem] = []
        out: list[Cost] = []
        for key, amount in value.items():
            try:
                out.append(Cost(str(key), amount, "other"))
            except SchemaError as exc:
                problems += [p.prefixed(("costs", str(key))) for p in exc.problems]
        if problems:
            raise SchemaError(problems)
        return tuple(out)
    return cast(tuple[Cost, ...], _items(value, "costs", Cost))


def _roi_iv(
    benefits: object, costs: object, level: object, n_draws: object, rng: object,
    currency: object,
) -> tuple[tuple[Benefit, ...], tuple[Cost, ...], float, int, np.random.Generator, str]:  # fmt: skip
    value = check_level(level)
    items = cast(tuple[Benefit, ...], _items(benefits, "benefits", Benefit))
    loaded = _costs(costs)
    if not items:
        msg = "is empty; give at least one Benefit (one with improvement=None counts as 0)"
        raise SchemaError([Problem(("benefits",), msg)])
    total = math.fsum(c.amount for c in loaded)
    if total <= 0:
        msg = (
            "add up to 0, so the ROI is undefined; list every cost of the program, fully "
            "loaded (fees, administration, participants' time)"
        )
        raise SchemaError([Problem(("costs",), msg)])
    if (
        isinstance(n_draws, bool)
        or not isinstance(n_draws, int | np.integer)
        or n_draws < _MIN_DRAWS
    ):
        msg = f"expected an integer of at least {_MIN_DRAWS}, got {n_draws!r}"
        raise SchemaError([Problem(("n_draws",), msg)])
    generator = check_rng(rng)
    if not isinstance(currency, str):
        raise SchemaError([Problem(("currency",), f"expected a str, got {currency!r}")])
    return items, loaded, value, int(n_draws), generator, currency


def _draws(benefits: tuple[Benefit, ...], n_draws: int, rng: np.random.Generator) -> Any:
    """Monte Carlo draws of the total counted benefit, shape (n_draws,)."""
    z = rng.standard_normal((n_draws, len(benefits)))
    total = np.zeros(n_draws)
    for j, b in enumerate(benefits):
        if b.improvement is None:
            continue
        improvement = b.improvement + b.se * z[:, j]
        if b.value_range is not None and b.value_range[0] < b.value_range[1]:
            low, high = b.value_range
            value: Any = rng.triangular(low, b.value, high, size=n_draws)
        else:
            value = b.value
        total += improvement * value * (b.count * b.isolation * b.confidence)
    return total


def roi(
    benefits: Benefit | Iterable[Benefit],
    costs: Cost | Iterable[Cost] | Mapping[str, float],
    *,
    level: float = 0.95,
    n_draws: int = 10_000,
    rng: int | np.random.Generator | None = None,
    currency: str = "",
) -> ROIResult:
    """The return on investment of a program, by the Phillips methodology, with an interval.

    .. versionadded:: 0.1

    Benefits are first-year monetary values, each adjusted for isolation (the share the program
    caused) and confidence (how sure the estimate is); costs are fully loaded. Then

    - benefit-cost ratio ``BCR = benefits / costs`` (a BCR of 2 returns two for one);
    - ``ROI % = (benefits - costs) / costs x 100`` (a BCR of 2 is an ROI of 100%);
    - payback period, in months, ``costs / (benefits / 12)``.

    The interval comes from Monte Carlo draws of the stated uncertainty: each benefit's
    improvement is drawn from a normal distribution with its standard error, and its value per
    unit from a triangular distribution on its `value_range`, independently across benefits.
    Isolation, confidence and costs are held fixed.

    Parameters
    ----------
    benefits : Benefit or sequence of Benefit
        The monetised benefits.
    costs : Cost, sequence of Cost, or mapping of str to float
        The items of the fully loaded cost (a mapping gives items of category ``"other"``).
        Their total must be positive.
    level : float, default 0.95
        The level of the intervals.
    n_draws : int, default 10000
        The number of Monte Carlo draws (at least 100). The Monte Carlo error of a 95% bound
        is about ``0.02 / sqrt(n_draws / 10000)`` of the spread of the ROI.
    rng : int or numpy.random.Generator, optional
        The source of randomness; a seed makes the interval exactly reproducible.
    currency : str, default ""
        The currency, for display.

    Returns
    -------
    ROIResult
        The ROI, ratio, net benefit and payback with their intervals; ``summary()`` shows each
        benefit's adjustments and each cost.

    Raises
    ------
    SchemaError
        If a benefit or cost is of the wrong type, the costs add up to 0, or an option is out
        of range. A :class:`Benefit` or :class:`Cost` with a negative amount, a NaN, or an
        isolation or confidence outside ``[0, 1]`` is refused when it is made.

    Notes
    -----
    The figures follow Phillips' guiding principles (Phillips & Phillips 2003, 2005): the most
    conservative alternative, isolation of the program's effect, adjustment by the estimator's
    confidence, no data meaning no improvement, first-year benefits for short programs and
    fully loaded costs. Kirkpatrick's levels 1-4 (reaction, learning, behaviour, results) come
    first: an ROI without evidence of behaviour change is not credible.

    References
    ----------
    .. [1] J. J. Phillips and P. P. Phillips, *ROI at Work: Best-Practice Case Studies from the
       Real World*, ASTD Press, 2005.
    .. [2] J. J. Phillips, "Measuring the ROI of a coaching intervention, part 2", *Performance
       Improvement* 46(10), 2007, pp. 10-23.

    Examples
    --------
    A coaching program for 40 managers raised their team's engagement index by 4.2 points
    (standard error 1.1) against a comparison group; finance values a point at 1,000 a year per
    manager's team, somewhere between 600 and 1,200:

    >>> from sparkus.metrics import Benefit, Cost, roi
    >>> engagement = Benefit(name="team engagement", improvement=4.2, se=1.1, unit="points",
    ...                      value=1000.0, value_range=(600.0, 1200.0), count=40,
    ...                      isolation=1.0, confidence=0.9)
    >>> costs = [Cost("coaching fees", 40 * 6 * 320.0),
    ...          Cost.participant_time(people=40, hours=8.0, hourly_cost=70.0),
    ...          Cost("administration", 5_000.0, "administration")]
    >>> result = roi(engagement, costs, rng=1)
    >>> round(result.roi, 1), round(result.bcr, 2), round(result.payback_months, 1)
    (45.1, 1.45, 8.3)
    >>> [round(v, 1) for v in result.roi_ci], round(result.break_even_probability, 3)
    ([-39.1, 118.0], 0.806)
    """
    items, loaded, value, draws, generator, cur = _roi_iv(
        benefits, costs, level, n_draws, rng, currency
    )
    benefit = math.fsum(b.counted_value for b in items)
    cost = math.fsum(c.amount for c in loaded)
    sample = _draws(items, draws, generator)
    tails = [(1.0 - value) / 2.0, (1.0 + value) / 2.0]
    low, high = (float(q) for q in np.quantile(sample, tails))
    covered = float(np.mean(sample >= cost))
    if not any(b.se > 0 or b.value_range is not None for b in items):
        low = high = benefit  # no stated uncertainty: no rounding noise in the last digits
        covered = float(benefit >= cost)
    net = ConfidenceInterval(low - cost, high - cost)
    return ROIResult(
        benefits=items,
        costs=loaded,
        benefit=benefit,
        cost=cost,
        net_benefit=benefit - cost,
        bcr=benefit / cost,
        roi=(benefit - cost) / cost * 100.0,
        payback_months=cost / (benefit / 12.0) if benefit > 0 else None,
        level=value,
        benefit_ci=ConfidenceInterval(low, high),
        net_benefit_ci=net,
        bcr_ci=ConfidenceInterval(low / cost, high / cost),
        roi_ci=ConfidenceInterval(net.low / cost * 100.0, net.high / cost * 100.0),
        break_even_probability=covered,
        n_draws=draws,
        currency=cur,
    )
