"""The assumptions behind a return on investment, in words, for the report to show beside it.

An ROI is only as good as what it assumes: what one unit of improvement is worth, how much of
the improvement the program caused, how confident the estimate is, and which costs are counted.
The report shows them wherever it shows the ROI.
"""

from __future__ import annotations

from sparkus.metrics._roi import ROIResult

__all__ = ["roi_assumptions"]


def _money(value: float, currency: str) -> str:
    return f"{currency} {value:,.0f}".strip()


def roi_assumptions(result: ROIResult) -> tuple[str, ...]:
    """One sentence per benefit and per cost of `result`, then how the interval was made."""
    cur = result.currency
    out = ["Benefits are counted for the first year only."]
    for b in result.benefits:
        unit = b.unit or "unit"
        if b.improvement is None:
            improvement = "no measured improvement (counted as 0)"
        else:
            improvement = f"an improvement of {b.improvement:.3g} {unit} a person"
        worth = f"valued at {_money(b.value, cur)} a year per {unit.rstrip('s')} of improvement"
        if b.value_range is not None:
            low, high = b.value_range
            worth += f" (between {_money(low, cur)} and {_money(high, cur)})"
        out.append(
            f"{b.name}: {improvement} for {b.count:,.6g} people, {worth}; "
            f"{b.isolation:.0%} of it credited to the program, and {b.confidence:.0%} of that "
            "claimed (confidence in the estimate)."
        )
    for c in result.costs:
        note = f" ({c.note})" if c.note else ""
        out.append(f"Cost, {c.name}: {_money(c.amount, cur)}{note}.")
    return tuple(out)
