"""Rows that belong together: pandas inputs paired by index, and tables read by column.

Every metrics door that pairs the rows of several inputs (an outcome and its regressors, the
scores before and after, a sample and its clusters, effects and their variances) passes them
through :func:`paired_rows` in its ``_iv`` helper before it reads any of them. pandas Series and
DataFrames given together are aligned by their index, by the shared
:func:`sparkus._checks.align_rows`, which refuses indexes that do not hold the same labels and
names both inputs; the columns of a mapping (``{"hours": series, ...}``) count as inputs of
their own, so a dict of Series is aligned column by column. Everything else (lists, numpy
arrays, polars, which has no index) is paired by position.

Independent samples (the two groups of a Welch test) describe different rows and are never
passed here together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sparkus._checks import align_rows

__all__ = ["as_table", "paired_rows"]


def _is_pandas(value: object) -> bool:
    return type(value).__module__.startswith("pandas")


def as_table(value: object) -> object:
    """A polars DataFrame as a mapping of its columns by name; anything else as it is.

    The checks read a table by ``keys()`` (a mapping, a pandas DataFrame); polars has none, so
    its columns are handed over by name and keep their names in results.
    """
    module = type(value).__module__
    columns = getattr(value, "columns", None)
    if module.startswith("polars") and isinstance(columns, list) and hasattr(value, "get_column"):
        getter: Any = value
        return {str(name): getter.get_column(name) for name in columns}
    return value


def paired_rows(*inputs: tuple[str, object]) -> list[object]:
    """The inputs, describing the same rows, with pandas inputs put in one row order.

    Each input is ``(name, value)``; None passes through. A mapping whose values include
    pandas Series takes part column by column (named ``X['hours']``) and comes back as a new
    dict in the same key order. A SchemaError names both inputs when their indexes differ.
    """
    flat: list[tuple[str, object]] = []
    spans: list[tuple[int, int, list[Any] | None]] = []
    for name, given in inputs:
        value = as_table(given)
        if isinstance(value, Mapping) and any(_is_pandas(v) for v in value.values()):
            keys = list(value.keys())
            spans.append((len(flat), len(keys), keys))
            flat.extend((f"{name}[{key!r}]", value[key]) for key in keys)
        else:
            spans.append((len(flat), 1, None))
            flat.append((name, value))
    aligned = align_rows(*flat)
    out: list[object] = []
    for start, count, columns in spans:
        if columns is None:
            out.append(aligned[start])
        else:
            out.append(dict(zip(columns, aligned[start : start + count], strict=True)))
    return out
