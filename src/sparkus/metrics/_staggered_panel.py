"""The staggered rollout's input: a balanced long-format panel, and its covariates.

The outcome becomes a units x periods matrix and the covariates a units x periods x columns
array, so that each group-time cell reads its two periods (and its base period's covariates)
by index, with no loop over units.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, IntArray, align_rows, as_array, real_array, schema_error
from sparkus._checks_effects import same_length, vector
from sparkus._errors import SchemaError, shown
from sparkus._privacy import group_label_problems

__all__ = ["balanced_panel", "covariate_cube"]


def _codes(values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], IntArray]:
    """``np.unique(values, return_inverse=True)``, in linear time for whole numbers.

    Whole numbers in a range not much wider than their count (unit ids, periods) are counted
    per value instead of sorted.
    """
    n = values.shape[0]
    if n and values.dtype.kind in "iuf":
        low, high = values.min(), values.max()
        whole = values.dtype.kind != "f" or (
            np.isfinite(low) and np.isfinite(high) and np.array_equal(values, np.floor(values))
        )
        if whole and float(high) - float(low) <= 4 * n + 1024:
            offset = (values - low).astype(np.int64)
            present = np.bincount(offset) > 0
            rank = np.cumsum(present) - 1
            labels = (np.flatnonzero(present) + low).astype(values.dtype)
            return labels, rank[offset]
    labels, inverse = np.unique(values, return_inverse=True)
    return labels, inverse


def _label_codes(
    values: npt.NDArray[Any], name: str, given: object
) -> tuple[npt.NDArray[Any], IntArray]:
    """:func:`_codes` of labels naming each row's unit or cluster, refusing bad ones.

    Missing, blank, boolean among numbers, mixed or twice-spelled labels are refused by the
    shared rule (:func:`~sparkus._privacy.group_label_problems`), rows named by `given`'s
    index when it is a pandas input with its own.
    """
    if problems := group_label_problems(values, name, given, numbers=True):
        raise SchemaError(problems)
    return _codes(values)


def _unbalanced(counts: IntArray, units: npt.NDArray[Any], periods: npt.NDArray[Any]) -> None:
    """Raise the SchemaError of a unit-period observed twice, or missing."""
    twice = np.argwhere(counts > 1)
    if twice.size:
        i, j = twice[0]
        msg = (
            f"unit {units[i]} is observed {counts[i, j]} times in period {periods[j]:g} "
            f"({twice.shape[0]:,} unit-periods repeat); pass one row per unit and period"
        )
        raise schema_error("unit", msg)
    missing = np.argwhere(counts == 0)
    if missing.size:
        i, j = missing[0]
        msg = (
            f"unit {units[i]} is not observed in period {periods[j]:g} ({missing.shape[0]:,} "
            "unit-periods missing); the panel must be balanced"
        )
        raise schema_error("unit", msg)


def balanced_panel(
    y: object, unit: object, time: object, first_treated: object
) -> tuple[FloatArray, FloatArray, FloatArray, tuple[IntArray, IntArray]]:
    """The outcome as units x periods, the periods, each unit's start, each row's indexes."""
    y, unit, time, first_treated = align_rows(
        ("y", y), ("unit", unit), ("time", time), ("first_treated", first_treated)
    )
    y_ = vector(y, "y")
    unit_ = as_array(unit, "unit")
    time_ = vector(time, "time")
    first = real_array(first_treated, "first_treated")
    if unit_.ndim != 1:
        raise schema_error("unit", f"expected a 1-D sequence of labels, got shape {unit_.shape}")
    if first.ndim != 1:
        raise schema_error("first_treated", f"expected a 1-D sequence, got shape {first.shape}")
    same_length(("y", y_.shape[0]), ("unit", unit_.shape[0]), ("time", time_.shape[0]))
    same_length(("y", y_.shape[0]), ("first_treated", first.shape[0]))
    first = np.where(np.isnan(first), 0.0, first)
    units, u = _label_codes(unit_, "unit", unit)
    periods, t = _codes(time_)
    n, k = units.shape[0], periods.shape[0]
    if k < 2:
        raise schema_error("time", f"the panel has {k} period; at least 2 are needed")
    counts = np.bincount(u * k + t, minlength=n * k).reshape(n, k)
    if u.shape[0] != n * k or counts.max() > 1:  # else every unit-period is there once
        _unbalanced(counts, units, periods)
    g = np.full(n, np.nan)
    g[u] = first
    if not np.array_equal(g[u], first):
        bad = int(np.flatnonzero(g[u] != first)[0])
        msg = f"unit {unit_[bad]} has more than one first treated period; give each unit one"
        raise schema_error("first_treated", msg)
    outside = (g != 0) & ~np.isin(g, periods[1:])
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        msg = (
            f"unit {units[i]} is first treated in {g[i]:g}, outside the panel's periods "
            f"after the first ({periods[1]:g} to {periods[-1]:g}); use 0 or NaN for never "
            "treated"
        )
        raise schema_error("first_treated", msg)
    matrix = np.empty((n, k))
    matrix[u, t] = y_
    return matrix, periods.astype(float), g, (u, t)


def covariate_cube(
    covariates: object, shape: tuple[int, int], where: tuple[IntArray, IntArray]
) -> FloatArray:
    """The covariates as units x periods x columns, checked: finite, each column varying."""
    x = real_array(covariates, "covariates")
    rows = where[0].shape[0]
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] != rows:
        msg = (
            f"expected {rows:,} rows (one per row of y), 1-D or rows x columns; got shape {x.shape}"
        )
        raise schema_error("covariates", msg)
    bad = np.argwhere(~np.isfinite(x))
    if bad.size:
        i, j = bad[0]
        msg = f"row {i}, column {j} is {x[i, j]}; covariates must be finite numbers"
        raise schema_error("covariates", msg)
    constant = np.flatnonzero(np.ptp(x, axis=0) == 0) if x.shape[0] else np.array([], int)
    if constant.size:
        msg = (
            f"column {int(constant[0])} never varies (the intercept is already in the model); "
            "drop it"
        )
        raise schema_error("covariates", msg)
    out = np.empty((*shape, x.shape[1]))
    out[where[0], where[1]] = x
    return out


def unit_clusters(
    cluster: object, where: tuple[IntArray, IntArray], n: int
) -> tuple[IntArray | None, int]:
    """Each unit's cluster as a code 0..count-1 (None without clusters), checked.

    A unit's rows must all name the same cluster, and there must be at least two clusters.
    """
    if cluster is None:
        return None, 0
    labels = as_array(cluster, "cluster")
    rows = where[0].shape[0]
    if labels.ndim != 1 or labels.shape[0] != rows:
        msg = f"expected {rows:,} labels (one per row of y), got shape {labels.shape}"
        raise schema_error("cluster", msg)
    names, codes = _label_codes(labels, "cluster", cluster)
    unit_code = np.full(n, -1, dtype=np.int64)
    unit_code[where[0]] = codes
    if not np.array_equal(unit_code[where[0]], codes):
        bad = int(np.flatnonzero(unit_code[where[0]] != codes)[0])
        msg = (
            f"row {bad} puts its unit in cluster {shown(labels[bad])}, another row of the same "
            f"unit in {shown(names[unit_code[where[0][bad]]])}; a unit belongs to one cluster"
        )
        raise schema_error("cluster", msg)
    if names.shape[0] < 2:
        raise schema_error("cluster", "every unit is in one cluster; at least two are needed")
    return unit_code, int(names.shape[0])
