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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, cast

import attrs
import numpy as np

from sparkus._checks import check_level, check_rng, describe
from sparkus._errors import EstimationError, Problem, SchemaError, shown
from sparkus._labels import refuse_spellings
from sparkus._results import Result, Table, to_jsonable
from sparkus.metrics._estimate import ConfidenceInterval
from sparkus.metrics._roi_items import Benefit, Cost
from sparkus.metrics._sizes import MAX_DRAW_CELLS, MAX_DRAWS, check_count
from sparkus.metrics._stable import product

__all__ = ["MAX_PAYBACK_MONTHS", "ROIResult", "roi"]

MAX_PAYBACK_MONTHS: Final = 1200.0
"""The longest payback reported, in months (a century); beyond it `payback_months` is None."""

_MIN_DRAWS: Final = 100


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
        the benefits are not positive (the program never pays back), or would take more than
        1,200 months (a century) to pay it back: a first-year
        benefit under a hundredth of the cost is no payback in any horizon a program is judged
        on, and a tiny benefit would give a number of months beyond the range of a double.
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
        if self.payback_months is not None:
            payback = f"{self.payback_months:.1f} months"
        elif self.benefit > 0:
            payback = f"more than {MAX_PAYBACK_MONTHS:,.0f} months (benefits under 1% of costs)"
        else:
            payback = "never (benefits not positive)"
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
            if not isinstance(key, str):
                msg = f"expected the name of each item (a str) as a key, got {describe(key)}"
                problems.append(Problem(("costs",), msg))
                continue
            try:
                out.append(Cost(key, amount, "other"))
            except SchemaError as exc:
                problems += [p.prefixed(("costs", key)) for p in exc.problems]
        if problems:
            raise SchemaError(problems)
        return tuple(out)
    return cast(tuple[Cost, ...], _items(value, "costs", Cost))


def _distinct_names(items: Sequence[Benefit | Cost], name: str) -> None:
    """SchemaError at `name` when two items are named alike: each would be counted apart.

    Names are compared by the rule for labels (:func:`sparkus._labels.spelling_problem`):
    ``"Coaching"``, ``"coaching "`` and ``"Coaching"`` twice are one item listed twice.
    """
    first: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        if item.name in first:
            msg = (
                f"{shown(item.name)} is also the name of {name}[{first[item.name]}]: each item is "
                "counted, so one listed twice is counted twice; merge them, or name each apart"
            )
            problems.append(Problem((name, i, "name"), msg))
        first.setdefault(item.name, i)
    if problems:
        raise SchemaError(problems)
    refuse_spellings(first, name)


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
    _distinct_names(items, "benefits")
    _distinct_names(loaded, "costs")
    total = _total((c.amount for c in loaded), "costs")
    if total <= 0:
        msg = (
            "add up to 0, so the ROI is undefined; list every cost of the program, fully "
            "loaded (fees, administration, participants' time)"
        )
        raise SchemaError([Problem(("costs",), msg)])
    most = min(MAX_DRAWS, MAX_DRAW_CELLS // len(items))
    why = (
        f"at most {MAX_DRAWS:,}, and draws x benefits at most {MAX_DRAW_CELLS:,}: the draws "
        "are held in memory"
    )
    draws = check_count(n_draws, "n_draws", low=_MIN_DRAWS, high=most, why=why)
    generator = check_rng(rng)
    if not isinstance(currency, str):
        raise SchemaError([Problem(("currency",), f"expected a str, got {shown(currency)}")])
    return items, loaded, value, draws, generator, currency


def _total(amounts: Iterable[float], name: str) -> float:
    """The exact sum of `amounts`; a SchemaError naming `name` if it exceeds a double."""
    try:
        total = math.fsum(amounts)
    except OverflowError:
        total = math.inf
    if not math.isfinite(total):
        msg = "add up to more than the largest number a double holds (1.8e308); use larger units"
        raise SchemaError([Problem((name,), msg)])
    return total


def _draws(benefits: tuple[Benefit, ...], n_draws: int, rng: np.random.Generator) -> Any:
    """Monte Carlo draws of the total counted benefit, shape (n_draws,).

    An EstimationError when a draw leaves the range of a double (a standard error so large
    that improvement ± a few errors, times count and value, exceeds 1.8e308). The benefits
    take their draws in an order of their own (by their ``repr``), so the interval does not
    depend on the order in which they were listed.
    """
    z = rng.standard_normal((n_draws, len(benefits)))
    total = np.zeros(n_draws)
    with np.errstate(over="ignore", invalid="ignore"):
        for j, b in enumerate(sorted(benefits, key=repr)):
            if b.improvement is None:
                continue
            improvement = b.improvement + b.se * z[:, j]
            if b.value_range is not None and b.value_range[0] < b.value_range[1]:
                low, high = b.value_range
                value: Any = rng.triangular(low, b.value, high, size=n_draws)
            else:
                value = b.value
            total += product(improvement, value, b.count, b.isolation, b.confidence)
    if not np.isfinite(total).all():
        msg = (
            "the Monte Carlo draws of the benefits exceed the largest number a double holds "
            "(1.8e308): a standard error or value range so large that the improvement times "
            "count and value leaves the range; state them in larger units"
        )
        raise EstimationError(msg)
    return total


def _payback(benefit: float, cost: float) -> float | None:
    """Months of benefits that pay back `cost`; None beyond `MAX_PAYBACK_MONTHS`."""
    if not benefit > 0 or cost > benefit * (MAX_PAYBACK_MONTHS / 12.0):
        return None
    return cost / (benefit / 12.0)


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
    - payback period, in months, ``costs / (benefits / 12)``; None when the benefits are not
      positive or would take more than 1,200 months (a century) to pay back the costs.

    The interval comes from Monte Carlo draws of the stated uncertainty: each benefit's
    improvement is drawn from a normal distribution with its standard error, and its value per
    unit from a triangular distribution on its `value_range`, independently across benefits.
    Isolation, confidence and costs are held fixed.

    Parameters
    ----------
    benefits : Benefit or sequence of Benefit
        The monetised benefits, each named apart: names that differ only in case, white space
        or Unicode form (``"Coaching"``, ``"coaching "``) are one name, as group labels are
        throughout sparkus, and one benefit listed twice would be counted twice.
    costs : Cost, sequence of Cost, or mapping of str to float
        The items of the fully loaded cost (a mapping gives items of category ``"other"``),
        named apart as the benefits are. Their total must be positive.
    level : float, default 0.95
        The level of the intervals.
    n_draws : int, default 10000
        The number of Monte Carlo draws: at least 100, at most 10,000,000, and at most
        33,554,432 divided by the number of benefits. The Monte Carlo error of a 95% bound
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
        If a benefit or cost is of the wrong type, two benefits (or two costs) share a name,
        the costs add up to 0 (or beyond 1.8e308), or an option is out of range (`n_draws`
        beyond its limit is refused before anything is allocated).
    EstimationError
        If a figure would leave the range of a double: costs tiny beside the benefits, or
        standard errors so large that the Monte Carlo draws overflow. A :class:`Benefit` or :class:`Cost` with a negative amount, a NaN, or an
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
    benefit = _total((b.counted_value for b in items), "benefits")
    cost = _total((c.amount for c in loaded), "costs")
    sample = _draws(items, draws, generator)
    tails = [(1.0 - value) / 2.0, (1.0 + value) / 2.0]
    low, high = (float(q) for q in np.quantile(sample, tails))
    covered = float(np.mean(sample >= cost))
    if not any(b.se > 0 or b.value_range is not None for b in items):
        low = high = benefit  # no stated uncertainty: no rounding noise in the last digits
        covered = float(benefit >= cost)
    net = ConfidenceInterval(low - cost, high - cost)
    with np.errstate(over="ignore"):
        figures = (
            ("the net benefit", benefit - cost), ("the benefit-cost ratio", benefit / cost),
            ("the ROI", (benefit - cost) / cost * 100.0),
            ("the interval of the net benefit", net.low), ("", net.high),
            ("the interval of the ROI", net.low / cost * 100.0), ("", net.high / cost * 100.0),
        )  # fmt: skip
    for what, number in figures:
        if not math.isfinite(number):
            msg = (
                f"{what or 'an interval limit'} exceeds the largest number a double holds "
                "(1.8e308): the costs are tiny beside the benefits; state both in the same units"
            )
            raise EstimationError(msg)
    return ROIResult(
        benefits=items,
        costs=loaded,
        benefit=benefit,
        cost=cost,
        net_benefit=benefit - cost,
        bcr=benefit / cost,
        roi=(benefit - cost) / cost * 100.0,
        payback_months=_payback(benefit, cost),
        level=value,
        benefit_ci=ConfidenceInterval(low, high),
        net_benefit_ci=net,
        bcr_ci=ConfidenceInterval(low / cost, high / cost),
        roi_ci=ConfidenceInterval(net.low / cost * 100.0, net.high / cost * 100.0),
        break_even_probability=covered,
        n_draws=draws,
        currency=cur,
    )
