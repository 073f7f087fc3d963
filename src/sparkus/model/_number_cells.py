"""The cells of a number column: read as floats, and the ones that are no number named.

A column of numbers may arrive as numbers of any kind (Python's, numpy's, ``Decimal``) or as
the text a spreadsheet export left (pandas reads a whole column as text when one cell is no
number). :func:`numeric` reads it; :func:`not_numbers` checks a column with a declared scale.
Both name the cause before the symptom: the cells that are no number by row, the numbers
written as text counted in one line.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_missing
from sparkus.model._id_columns import Collector
from sparkus.model._intake import finite_or_nan

__all__ = ["is_number_like", "not_numbers", "numeric"]

Scale = tuple[float, float]


def numeric(
    name: str, values: npt.ArrayLike, collector: Collector
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Values as float64, and the rows that were not numbers at all (reported here)."""
    raw = np.asarray(values)
    if raw.dtype.kind in "iuf":
        return raw.astype(np.float64, copy=True), np.zeros(raw.shape[0], dtype=bool)
    items = raw.tolist()
    if set(map(type, items)) == {float}:  # the usual column read from JSON, in one C pass
        return np.array(items, dtype=np.float64), np.zeros(len(items), dtype=bool)
    bad = np.fromiter((not is_number_like(v) for v in items), dtype=bool, count=len(items))
    _name_not_numbers(name, items, np.flatnonzero(bad).tolist(), collector, "expected a number")
    array = np.array([np.nan if b else finite_or_nan(v) for v, b in zip(items, bad, strict=True)])
    return array.astype(np.float64), bad


def is_number_like(value: object) -> bool:
    """A number: Python's, numpy's or a Decimal (polars' decimal column) but a signalling NaN."""
    if isinstance(value, Decimal):
        return not value.is_snan()
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def not_numbers(name: str, raw: npt.NDArray[Any], scale: Scale, collector: Collector) -> bool:
    """Whether a column with a declared scale holds cells that are not numbers (reported by row).

    Missing cells are not reported here: they are the column's own problem (or carried).
    """
    items = raw.tolist()
    bad = [i for i, v in enumerate(items) if not (is_number_like(v) or is_missing(v))]
    low, high = scale
    expected = f"expected a number on the declared scale {low:g} to {high:g}"
    _name_not_numbers(name, items, bad, collector, expected)
    return bool(bad)


def _name_not_numbers(
    name: str, items: list[Any], bad: list[int], collector: Collector, expected: str
) -> None:
    """Report the cells of a number column that are not numbers, the cause before the symptom.

    One cell that is no number (``'N/A'``, ``'3,5'``) makes pandas read the whole column as
    text, so every other cell is then a number written as text (``'5'``). Those that are no
    number are named by row; the numbers written as text are counted in one line, and named
    by row only when nothing else is wrong (a column read as text throughout).
    """
    worst = [i for i in bad if not _number_text(items[i])]
    collector.rows(name, worst or bad, lambda i: f"{expected}, got {describe(items[i])}")
    if worst and len(worst) < len(bad):
        first = next(i for i in bad if _number_text(items[i]))
        collector.column(name, f"{len(bad) - len(worst):,} more cells are numbers written as "
                               f"text (such as {items[first]!r} in row {first}): a cell that is "
                               "no number makes a whole column text; fix the cells above, "
                               "or give the column as numbers")  # fmt: skip


def _number_text(value: object) -> bool:
    try:
        return isinstance(value, str) and math.isfinite(float(value))
    except ValueError:
        return False
