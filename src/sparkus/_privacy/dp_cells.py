"""The cells of a differentially private release: the exact aggregates in, the noisy figures out.

In: :class:`ExactCount` (people counted), :class:`ExactSum` (a sum of values each person
contributes, clamped to a known range, with how many values), :class:`ExactRate` (a count of
successes out of a count of trials). Each says how much one person can contribute
(`per_person`), which is what the noise is calibrated to.

Out: :class:`NoisyCount`, :class:`NoisySum`, :class:`NoisyRate`: the noisy figures,
post-processed to stay in range (counts at least 0, means inside the clamping range, rates
between 0 and 1), with the ε the cell spent and the scale of each noise drawn.
"""

from __future__ import annotations

import math
from typing import Final, TypeAlias

import attrs

from sparkus._checks import describe
from sparkus._errors import Problem, shown
from sparkus._fields import Declared, Record, checked, declared, number, optional, tuple_of
from sparkus._results import Result, Table, format_number

__all__ = [
    "MAX_BOUND",
    "MAX_COUNT",
    "MAX_PER_PERSON",
    "ExactAggregate",
    "ExactCount",
    "ExactRate",
    "ExactSum",
    "NoisyCell",
    "NoisyCount",
    "NoisyRate",
    "NoisySum",
]

MAX_COUNT: Final = 2**53
"""The largest count a cell may hold: every count up to it is exact as a float."""
MAX_BOUND: Final = 1e12
"""The largest magnitude of a clamping bound: sums of ``MAX_COUNT`` such values stay finite."""
MAX_PER_PERSON: Final = 1_000_000
"""The most values one person may contribute to one cell."""


def _whole(low: int, high: int | None = None) -> Declared:
    """An int inside ``[low, high]``, compared as integers (as floats, ``2**53 + 1`` passes)."""
    bounds = f" >= {low:,}" if high is None else f" from {low:,} to {high:,}"

    def check(value: object) -> list[Problem]:
        if not isinstance(value, int) or isinstance(value, bool):
            return [Problem((), f"expected an integer{bounds}, got {describe(value)}")]
        if value < low or (high is not None and value > high):
            return [Problem((), f"{shown(value)} is out of range; expected an integer{bounds}")]
        return []

    schema = {"type": "integer", "minimum": low} | ({} if high is None else {"maximum": high})
    return declared(check, schema)


def _is_positive(value: object) -> list[Problem]:
    found = _finite(value)
    if not found and not float(value) > 0.0:  # type: ignore[arg-type]
        found = [Problem((), f"{shown(value)} is not positive; expected a number > 0")]
    return found


_count = _whole(0, MAX_COUNT)
_noisy_count = _whole(0)
_per_person = _whole(1, MAX_PER_PERSON)
_bound = number(low=-MAX_BOUND, high=MAX_BOUND)
_total = number()
_finite = number()
_positive = declared(_is_positive, {"type": "number", "exclusiveMinimum": 0})
_scales = tuple_of(_positive)
_rounding: Final = 1e-9
"""Relative slack for a sum checked against ``count * bound`` (float rounding of the sum)."""


@attrs.frozen
class ExactCount(Record):
    """The exact count of one cell: how many people (or items) it holds.

    Parameters
    ----------
    count : int
        The exact count, from 0 to ``2**53``.
    per_person : int, default 1
        How many of the counted items one person can contribute (1 for a count of people;
        the number of required steps for a count of steps due).

    Examples
    --------
    >>> from sparkus._privacy.dp_cells import ExactCount
    >>> ExactCount(12)
    ExactCount(count=12, per_person=1)

    .. versionadded:: 0.1
    """

    count: int = attrs.field(metadata=checked(_count))
    per_person: int = attrs.field(default=1, kw_only=True, metadata=checked(_per_person))


@attrs.frozen
class ExactSum(Record):
    """The exact sum of one cell's values, each clamped to ``[low, high]``, with their count.

    The caller clamps every value to ``[low, high]`` before summing: the noise is calibrated
    to that range, and a value outside it would be protected by less than ε.

    Parameters
    ----------
    total : float
        The exact sum of the clamped values; between ``count * low`` and ``count * high``.
    count : int
        How many values the sum holds, from 0 to ``2**53``.
    low, high : float
        The clamping range (a rating scale, say: 0 and 10), ``low < high``, each within
        ``±1e12``.
    per_person : int, default 1
        How many of the values one person can contribute (the number of sessions a person can
        rate, say).

    Examples
    --------
    >>> from sparkus._privacy.dp_cells import ExactSum
    >>> ExactSum(total=41.0, count=5, low=0.0, high=10.0, per_person=2).mean
    8.2

    .. versionadded:: 0.1
    """

    total: float = attrs.field(metadata=checked(_total))
    count: int = attrs.field(metadata=checked(_count))
    low: float = attrs.field(metadata=checked(_bound))
    high: float = attrs.field(metadata=checked(_bound))
    per_person: int = attrs.field(default=1, kw_only=True, metadata=checked(_per_person))

    def _cross_check(self) -> list[Problem]:
        if not self.low < self.high:
            msg = f"expected high > low ({shown(self.low)}), got {shown(self.high)}"
            return [Problem(("high",), msg)]
        lowest, highest = self.count * self.low, self.count * self.high
        slack = _rounding * max(abs(lowest), abs(highest), 1.0)
        if not lowest - slack <= self.total <= highest + slack:
            msg = (
                f"{shown(self.total)} cannot be a sum of {self.count} values clamped to "
                f"[{self.low:g}, {self.high:g}]; clamp each value before summing"
            )
            return [Problem(("total",), msg)]
        return []

    @property
    def mean(self) -> float | None:
        """The exact mean, ``total / count`` (None for no values)."""
        return self.total / self.count if self.count else None


@attrs.frozen
class ExactRate(Record):
    """The exact numerator and denominator of a rate (completed of due, active of enrolled).

    Parameters
    ----------
    numerator : int
        The successes, from 0 to `denominator`.
    denominator : int
        The trials, from 0 to ``2**53``.
    per_person : int, default 1
        How many trials one person can contribute (1 for a rate of people; the number of
        required steps for a rate of steps).

    Examples
    --------
    >>> from sparkus._privacy.dp_cells import ExactRate
    >>> ExactRate(numerator=30, denominator=40).rate
    0.75

    .. versionadded:: 0.1
    """

    numerator: int = attrs.field(metadata=checked(_count))
    denominator: int = attrs.field(metadata=checked(_count))
    per_person: int = attrs.field(default=1, kw_only=True, metadata=checked(_per_person))

    def _cross_check(self) -> list[Problem]:
        if self.numerator > self.denominator:
            msg = f"expected at most the denominator {self.denominator}, got {self.numerator}"
            return [Problem(("numerator",), msg)]
        return []

    @property
    def rate(self) -> float | None:
        """The exact rate, ``numerator / denominator`` (None for no trials)."""
        return self.numerator / self.denominator if self.denominator else None


ExactAggregate: TypeAlias = ExactCount | ExactSum | ExactRate
"""One cell's exact aggregate."""


class _Cell(Result):
    """What every noisy cell shows: its headline value, ε and noise scales."""

    __slots__ = ()

    def _rows(self) -> tuple[tuple[str, str], ...]:
        raise NotImplementedError

    def _tables(self) -> list[Table]:
        return [Table(type(self).__name__, ("figure", "value"), self._rows())]


def _scales_problems(scales: tuple[float, ...], what: str) -> list[Problem]:
    if len(scales) != 2:
        msg = f"expected two noise scales ({what}), got {len(scales)}"
        return [Problem(("scales",), msg)]
    return []


@attrs.frozen(repr=False)
class NoisyCount(Record, _Cell):
    """A count released with differential privacy.

    Attributes
    ----------
    count : int
        The noisy count, post-processed to at least 0.
    epsilon : float
        The privacy loss this cell's mechanism spent.
    scale : float
        The scale of the discrete Laplace noise added (its standard deviation is about
        ``sqrt(2) * scale``).

    .. versionadded:: 0.1
    """

    count: int = attrs.field(metadata=checked(_noisy_count))
    epsilon: float = attrs.field(metadata=checked(_positive))
    scale: float = attrs.field(metadata=checked(_positive))

    @property
    def value(self) -> float:
        """The headline figure: the count."""
        return float(self.count)

    def _headline(self) -> str:
        return f"count={self.count:,}, epsilon={format_number(self.epsilon)}"

    def _rows(self) -> tuple[tuple[str, str], ...]:
        return (("count", format_number(self.count)), ("epsilon", format_number(self.epsilon)),
                ("noise scale", format_number(self.scale)))  # fmt: skip


@attrs.frozen(repr=False)
class NoisySum(Record, _Cell):
    """A sum and its count released with differential privacy, and the mean they give.

    Attributes
    ----------
    count : int
        The noisy count of values, post-processed to at least 0.
    mean : float or None
        ``middle + (noisy sum of the values' distances from the range's middle) / count``,
        clamped to ``[low, high]``; None when the noisy count is 0.
    total : float
        ``mean * count`` (0 when the count is 0): consistent with the two others.
    low, high : float
        The clamping range the values were held to.
    epsilon : float
        The privacy loss this cell's mechanisms spent (count and sum together).
    scales : tuple of float
        The scale of the noise on the count (discrete Laplace) and on the sum (Laplace).

    .. versionadded:: 0.1
    """

    count: int = attrs.field(metadata=checked(_noisy_count))
    mean: float | None = attrs.field(metadata=checked(optional(_finite)))
    total: float = attrs.field(metadata=checked(_finite))
    low: float = attrs.field(metadata=checked(_bound))
    high: float = attrs.field(metadata=checked(_bound))
    epsilon: float = attrs.field(metadata=checked(_positive))
    scales: tuple[float, float] = attrs.field(metadata=checked(_scales))

    def _cross_check(self) -> list[Problem]:
        if not self.low < self.high:
            return [
                Problem(
                    ("high",), f"expected high > low ({shown(self.low)}), got {shown(self.high)}"
                )
            ]
        if (self.mean is None) != (self.count == 0):
            msg = f"expected None exactly when the count is 0 (count {self.count}), got {shown(self.mean)}"
            return [Problem(("mean",), msg)]
        if self.mean is not None and not self.low <= self.mean <= self.high:
            msg = f"expected a mean in [{self.low:g}, {self.high:g}], got {shown(self.mean)}"
            return [Problem(("mean",), msg)]
        expected = (self.mean or 0.0) * self.count
        if not math.isclose(self.total, expected, rel_tol=_rounding, abs_tol=_rounding):
            msg = f"expected mean * count ({shown(expected)}), got {shown(self.total)}"
            return [Problem(("total",), msg)]
        return _scales_problems(self.scales, "count, sum")

    @property
    def value(self) -> float | None:
        """The headline figure: the mean."""
        return self.mean

    def _headline(self) -> str:
        return f"count={self.count:,}, mean={format_number(self.mean)}"

    def _rows(self) -> tuple[tuple[str, str], ...]:
        return (("count", format_number(self.count)), ("mean", format_number(self.mean)),
                ("total", format_number(self.total)),
                ("epsilon", format_number(self.epsilon)),
                ("noise scales (count, sum)", ", ".join(format_number(s) for s in self.scales)))  # fmt: skip


@attrs.frozen(repr=False)
class NoisyRate(Record, _Cell):
    """A rate released with differential privacy: a noisy numerator over a noisy denominator.

    Attributes
    ----------
    numerator : int
        The noisy numerator, post-processed into ``[0, denominator]``.
    denominator : int
        The noisy denominator, post-processed to at least 0.
    rate : float or None
        ``numerator / denominator``, in ``[0, 1]``; None when the denominator is 0.
    epsilon : float
        The privacy loss this cell's mechanisms spent (both counts together).
    scales : tuple of float
        The scale of the discrete Laplace noise on the numerator and on the denominator.

    .. versionadded:: 0.1
    """

    numerator: int = attrs.field(metadata=checked(_noisy_count))
    denominator: int = attrs.field(metadata=checked(_noisy_count))
    rate: float | None = attrs.field(metadata=checked(optional(_finite)))
    epsilon: float = attrs.field(metadata=checked(_positive))
    scales: tuple[float, float] = attrs.field(metadata=checked(_scales))

    def _cross_check(self) -> list[Problem]:
        if self.numerator > self.denominator:
            msg = f"expected at most the denominator {self.denominator}, got {self.numerator}"
            return [Problem(("numerator",), msg)]
        expected = self.numerator / self.denominator if self.denominator else None
        if (self.rate is None) != (expected is None) or (
            expected is not None and not math.isclose(self.rate or 0.0, expected, rel_tol=_rounding)
        ):
            msg = f"expected numerator / denominator ({shown(expected)}), got {shown(self.rate)}"
            return [Problem(("rate",), msg)]
        return _scales_problems(self.scales, "numerator, denominator")

    @property
    def value(self) -> float | None:
        """The headline figure: the rate."""
        return self.rate

    def _headline(self) -> str:
        return f"denominator={self.denominator:,}, rate={format_number(self.rate)}"

    def _rows(self) -> tuple[tuple[str, str], ...]:
        return (("numerator", format_number(self.numerator)),
                ("denominator", format_number(self.denominator)),
                ("rate", format_number(self.rate)), ("epsilon", format_number(self.epsilon)),
                ("noise scales (numerator, denominator)",
                 ", ".join(format_number(s) for s in self.scales)))  # fmt: skip


NoisyCell: TypeAlias = NoisyCount | NoisySum | NoisyRate
"""One cell's noisy figures."""
