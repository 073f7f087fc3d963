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

from sparkus._checks import align_rows, as_table

__all__ = ["paired_rows"]


def paired_rows(*inputs: tuple[str, object]) -> list[object]:
    """The inputs, describing the same rows, aligned by pandas index; polars tables by column.

    Each input is ``(name, value)``: a polars DataFrame becomes a mapping of its columns (the
    estimators read tables by column name), then :func:`~sparkus._checks.align_rows` pairs the
    pandas inputs (a mapping of Series column by column) or refuses them naming both.
    """
    return align_rows(*((name, as_table(value)) for name, value in inputs))
