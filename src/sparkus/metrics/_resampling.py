"""The bootstrap's engine: resampling units, the statistic on resamples, and the intervals.

Units are rows, rows taken together (paired samples), or whole clusters (:class:`Group`). The
statistic runs on whole batches of resamples when it is vectorised, row by row otherwise;
:func:`draw_distribution` draws the resamples exactly as ``scipy.stats.bootstrap`` does. For the BCa
interval, :func:`bias_correction` and :func:`acceleration` (from :func:`jackknife`, exact,
grouped or leave-one-cluster-out) correct the percentiles that :func:`interval` reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, IntArray, describe, schema_error
from sparkus._errors import EstimationError
from sparkus.metrics._estimate import ConfidenceInterval
from sparkus.metrics._stable import common_scale, constant

__all__ = [
    "BATCH_ELEMENTS",
    "DEFAULT_GROUPS",
    "EXACT_JACKKNIFE_MAX",
    "Group",
    "Statistic",
    "acceleration",
    "bias_correction",
    "draw_distribution",
    "evaluate",
    "interval",
    "jackknife",
]

Statistic = Callable[..., Any]

EXACT_JACKKNIFE_MAX: Final = 5_000
"""Samples of at most this many units get the exact (leave-one-out) jackknife by default."""

DEFAULT_GROUPS: Final = 200
"""Groups per sample of the grouped jackknife used by default for larger samples."""

BATCH_ELEMENTS: Final = 1 << 20
"""The default batch holds about this many resampled values (8 MiB of float64) per array."""

# --------------------------------------------------------------------------------------------
# Resampling units: rows, or whole clusters
# --------------------------------------------------------------------------------------------


@attrs.frozen
class Group:
    """One independently resampled set of units and the samples whose rows it indexes.

    `unit_rows` maps unit to rows: None when each unit is one row (the usual case), a 2-D array
    (units x rows per unit) when clusters are of equal size, a list of row arrays otherwise.
    """

    samples: tuple[int, ...]
    n_units: int
    unit_rows: IntArray | list[IntArray] | None = None

    def rows(self, units: IntArray) -> IntArray | list[IntArray]:
        """The rows of each resample of units (``units`` has shape (b, k))."""
        if self.unit_rows is None:
            return units
        if isinstance(self.unit_rows, np.ndarray):
            return self.unit_rows[units].reshape(units.shape[0], -1)
        table = self.unit_rows
        return [np.concatenate([table[u] for u in row]) for row in units]


# --------------------------------------------------------------------------------------------
# Evaluating the statistic
# --------------------------------------------------------------------------------------------


def _call(stat: Statistic, *arrays: npt.NDArray[Any], **options: Any) -> FloatArray:
    """The caller's statistic on `arrays`, as float64.

    What it raises, or a value that is not numbers, is a SchemaError naming `statistic`, with
    its own exception chained.
    """
    try:
        value = stat(*arrays, **options)
    except Exception as exc:  # the caller's code: any failure is named, never passed bare
        msg = f"raised {type(exc).__name__}: {exc}; the statistic must accept the samples"
        raise schema_error("statistic", msg) from exc
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        msg = f"returned {describe(value)}, not a number; it must return one number"
        raise schema_error("statistic", msg) from None


def evaluate(stat: Statistic, arrays: Sequence[npt.NDArray[Any]], vectorized: bool,
              b: int) -> FloatArray:  # fmt: skip
    """The statistic on `b` resamples; ``arrays[j]`` holds sample j's, shape (b, n_j)."""
    if vectorized:
        out = _call(stat, *arrays, axis=-1)
        if out.size != b or (out.ndim > 1 and out.shape[0] != b):
            shapes = ", ".join(str(a.shape) for a in arrays)
            msg = (
                f"returned an array of shape {out.shape} for arrays of shape {shapes}; a "
                "vectorised statistic must reduce along `axis` to one number per resample "
                "(pass vectorized=False if it takes no `axis`)"
            )
            raise schema_error("statistic", msg)
        return out.reshape(b)
    out = np.empty(b)
    for i in range(b):
        value = _call(stat, *(a[i] for a in arrays))
        if value.size != 1:
            msg = f"returned {value.size} numbers (shape {value.shape}); it must return one"
            raise schema_error("statistic", msg)
        out[i] = value.reshape(())
    return out


def _evaluate_rows(
    samples: list[FloatArray],
    group: Group,
    rows: IntArray | list[IntArray],
    stat: Statistic,
    vectorized: bool,
) -> FloatArray:
    """The statistic with the samples of `group` taken at `rows`, the other samples whole."""
    if isinstance(rows, list):  # ragged: clusters of unequal size, one resample at a time
        out = np.empty(len(rows))
        for i, r in enumerate(rows):
            arrays = [s[np.newaxis, r] for s in samples]
            out[i] = evaluate(stat, arrays, vectorized, 1)[0]
        return out
    b = rows.shape[0]
    arrays = [
        s[rows] if j in group.samples else np.broadcast_to(s, (b, len(s)))
        for j, s in enumerate(samples)
    ]
    return evaluate(stat, arrays, vectorized, b)


def draw_distribution(
    samples: list[FloatArray],
    groups: list[Group],
    stat: Statistic,
    vectorized: bool,
    n_resamples: int,
    batch: int,
    rng: np.random.Generator,
) -> FloatArray:
    """The bootstrap distribution, drawn batch by batch, group by group (scipy's order)."""
    out = np.empty(n_resamples)
    for start in range(0, n_resamples, batch):
        b = min(batch, n_resamples - start)
        arrays: list[npt.NDArray[Any]] = list(samples)
        ragged: list[IntArray] | None = None
        for group in groups:
            units = rng.integers(0, group.n_units, (b, group.n_units))
            rows = group.rows(units)
            if isinstance(rows, list):
                ragged = rows
                continue
            for j in group.samples:
                arrays[j] = samples[j][rows]
        if ragged is not None:
            out[start : start + b] = _evaluate_rows(samples, groups[0], ragged, stat, vectorized)
        else:
            out[start : start + b] = evaluate(stat, arrays, vectorized, b)
    return out


# --------------------------------------------------------------------------------------------
# BCa: bias correction, jackknife, acceleration, interval
# --------------------------------------------------------------------------------------------


def bias_correction(distribution: FloatArray, estimate: float) -> float:
    """z0: the normal quantile of the share of resamples below the estimate (ties half)."""
    from scipy import special

    b = len(distribution)
    if constant(distribution):
        msg = (
            "the bootstrap distribution is degenerate: every resample gives the same value "
            f"({distribution[0]:g}), so the BCa interval is undefined; use method='percentile'"
        )
        raise EstimationError(msg)
    below = np.count_nonzero(distribution < estimate) + np.count_nonzero(distribution <= estimate)
    z0 = float(special.ndtri(below / (2 * b)))
    if not math.isfinite(z0):
        side = "above" if below == 0 else "below"
        msg = (
            f"the bootstrap distribution is degenerate: every resample's statistic lies "
            f"{side} the estimate, so the BCa bias correction is infinite (the statistic may "
            "be a minimum or maximum, or the data nearly constant); use method='percentile' "
            "or another statistic"
        )
        raise EstimationError(msg)
    return z0


def jackknife(
    samples: list[FloatArray],
    groups: list[Group],
    stat: Statistic,
    vectorized: bool,
    batch: int,
    n_groups: int | None,
    rng: np.random.Generator,
    *,
    clustered: bool,
) -> tuple[list[FloatArray], str]:
    """Jackknife values per resampled group: leave one unit (or one group of units) out."""
    values: list[FloatArray] = []
    kinds: set[str] = set()
    for group in groups:
        n = group.n_units
        m = n_groups if n_groups is not None else (n if n <= EXACT_JACKKNIFE_MAX else
                                                    DEFAULT_GROUPS)  # fmt: skip
        step = max(1, min(batch, BATCH_ELEMENTS // max(1, n)))
        if m >= n:
            kinds.add("leave-one-cluster-out" if clustered else "leave-one-out")
            parts = list(_leave_one_out(samples, group, stat, vectorized, step))
        else:
            kinds.add(f"grouped ({m:,} {'cluster ' if clustered else ''}groups)")
            labels = np.empty(n, dtype=np.intp)
            labels[rng.permutation(n)] = np.arange(n) % m
            parts = [
                _evaluate_rows(samples, group, group.rows(units), stat, vectorized)
                for units in _leave_group_out(labels, m, step)
            ]
        values.append(np.concatenate(parts))
    return values, ", ".join(sorted(kinds))


def _leave_one_out(
    samples: list[FloatArray], group: Group, stat: Statistic, vectorized: bool, step: int
) -> Iterator[FloatArray]:
    """The statistic with each unit of `group` left out in turn, a batch at a time."""
    n = group.n_units
    base = np.arange(n - 1)
    for k in range(0, n, step):
        # row r leaves out unit k + r: positions at or after it shift up by one
        shifted = base >= np.arange(k, min(n, k + step))[:, np.newaxis]
        if group.unit_rows is not None:
            units = base + shifted
            yield _evaluate_rows(samples, group, group.rows(units), stat, vectorized)
            continue
        b = shifted.shape[0]
        arrays = [
            np.where(shifted, s[1:], s[:-1]) if j in group.samples
            else np.broadcast_to(s, (b, len(s)))
            for j, s in enumerate(samples)
        ]  # fmt: skip
        yield evaluate(stat, arrays, vectorized, b)


def _leave_group_out(labels: IntArray, m: int, step: int) -> Iterator[IntArray]:
    """Batches of unit indices with one group left out, groups in order 0 .. m-1."""
    n = len(labels)
    sizes = np.bincount(labels, minlength=m)
    units = np.arange(n)
    for k in range(0, m, step):
        gs = np.arange(k, min(m, k + step))
        for size in np.unique(sizes[gs]):  # equal sizes only, so the rows stack
            same = gs[sizes[gs] == size]
            keep = labels[np.newaxis, :] != same[:, np.newaxis]
            yield np.broadcast_to(units, keep.shape)[keep].reshape(len(same), n - size)


def _deviations(values: FloatArray) -> FloatArray:
    """``mean(values) - values``, exactly zero where the values are all equal.

    Taken from the first value: ``v - v[0]`` is exact for equal values, and so is its mean.
    """
    shifted = values - values[0]
    centred: FloatArray = np.mean(shifted) - shifted
    return centred


def acceleration(jackknife: list[FloatArray]) -> float:
    """The BCa acceleration from jackknife values, summed over samples as scipy does.

    Computed in units of the largest value, then of the largest deviation: the acceleration
    does not depend on the statistic's units, while cubes of deviations of 1e103 overflow and
    squares of 1e-160 underflow to zero. The deviations are taken from the first value
    (``_deviations``), so jackknife values that are all equal leave none: the mean of six
    copies of 0.1 is not 0.1, and its rounding gave an acceleration of ``±1 / (6 sqrt(n))``.
    """
    _, scaled = common_scale(*jackknife)
    _, centred = common_scale(*[(len(t) - 1) * _deviations(t) for t in scaled])
    if not any(np.any(u) for u in centred):
        msg = (
            "the jackknife values are all equal (leaving out an observation never changes the "
            "statistic), so the BCa acceleration is undefined; use method='percentile'"
        )
        raise EstimationError(msg)
    nums, dens = [], []
    for u in centred:
        n = float(len(u))
        nums.append(np.sum(u**3) / n**3)
        dens.append(np.sum(u**2) / n**2)
    return float(1 / 6 * sum(nums) / sum(dens) ** (3 / 2))


def interval(
    distribution: FloatArray, level: float, z0: float | None, accel: float | None
) -> ConfidenceInterval:
    """Percentile interval, or BCa when z0 and the acceleration are given.

    BCa reads the quantiles at ``Φ(z0 + w / (1 - a w))`` with ``w = z0 ± z``, which rises with
    w up to its pole at ``w = 1 / a`` and turns back beyond it: an end past the pole (a wide
    `level` with a large acceleration) is the distribution's extreme on its side, where the
    rising branch leads, not the quantile of the turned-back value (which had put the upper
    end at the minimum).
    """
    from scipy import special

    alpha = (1.0 - level) / 2.0
    if z0 is None or accel is None:
        probs = np.array([alpha, 1.0 - alpha])
    else:
        z = float(special.ndtri(alpha))
        w = np.array([z0 + z, z0 - z])
        room = 1.0 - accel * w
        rising = room > 0.0
        adjusted = np.where(rising, z0 + w / np.where(rising, room, 1.0), np.copysign(np.inf, w))
        probs = special.ndtr(adjusted)
        if not np.all(np.isfinite(probs)):
            raise EstimationError("the BCa interval is undefined for these data")
    low, high = np.quantile(distribution, probs)
    return ConfidenceInterval(float(low), float(high))
