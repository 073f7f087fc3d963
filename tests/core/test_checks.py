"""The shared checks at the door: the array intake and the alignment of pandas inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus._checks import align_rows, as_array, as_table, real_array


def test_aligned_by_index():
    """A Series in another row order than the DataFrame is put in the DataFrame's order."""
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=["p", "q", "r"])
    y = pd.Series([30.0, 10.0, 20.0], index=["r", "p", "q"])
    out_X, out_y = align_rows(("X", X), ("y", y))
    assert out_X is X
    assert out_y.tolist() == [10.0, 20.0, 30.0]
    assert y.tolist() == [30.0, 10.0, 20.0]  # the caller's input is not touched


def test_misaligned_index_refused():
    """Indexes with other labels are refused, naming both inputs and the labels."""
    X = pd.DataFrame({"a": [1.0, 2.0]}, index=[0, 1])
    y = pd.Series([1.0, 2.0], index=[1, 2])
    with pytest.raises(SchemaError, match=r"y: its index does not match the index of `X`.*2"):
        align_rows(("X", X), ("y", y))


def test_repeated_labels_refused():
    """Repeated index labels cannot be aligned and are refused."""
    X = pd.Series([1.0, 2.0], index=[0, 0])
    y = pd.Series([1.0, 2.0], index=[0, 1])
    with pytest.raises(SchemaError, match="X: has repeated index labels"):
        align_rows(("X", X), ("y", y))


def test_numpy_and_single_pandas_pair_by_position():
    """Without two pandas inputs there is nothing to align: values come back as given."""
    y = pd.Series([1.0, 2.0], index=[5, 3])
    x = np.array([3.0, 4.0])
    out = align_rows(("y", y), ("x", x))
    assert out[0] is y
    assert out[1] is x


def test_as_array_reads_pandas_and_refuses_mappings():
    """pandas values become arrays; a mapping or a ragged list is a SchemaError naming it."""
    assert as_array(pd.Series([1, 2]), "x").tolist() == [1, 2]
    with pytest.raises(SchemaError, match="x: expected an array-like"):
        as_array({"a": 1}, "x")
    with pytest.raises(SchemaError, match="x: could not be read as an array"):
        as_array([[1, 2], [3]], "x")


def test_pandas_missing_values_are_nan():
    """pandas' NA in a nullable column reads as NaN, not as a non-number."""
    values = real_array(pd.Series([1, None, 3], dtype="Int64"), "x")
    assert np.isnan(values[1])
    assert values[[0, 2]].tolist() == [1.0, 3.0]


def test_mapping_of_series_aligned_column_by_column():
    """A dict of Series takes part column by column and comes back as a new dict."""
    y = pd.Series([1.0, 2.0, 3.0], index=["p", "q", "r"])
    X = {"a": pd.Series([30.0, 10.0, 20.0], index=["r", "p", "q"]), "b": [7.0, 8.0, 9.0]}
    _, out = align_rows(("y", y), ("X", X))
    assert out["a"].tolist() == [10.0, 20.0, 30.0]
    assert out["b"] == [7.0, 8.0, 9.0]
    with pytest.raises(SchemaError, match=r"X\['a'\]: its index does not match"):
        align_rows(("y", y), ("X", {"a": pd.Series([1.0, 2.0, 3.0], index=["p", "q", "z"])}))


def test_polars_table_is_read_by_column_name():
    """A polars DataFrame becomes a mapping of its columns; other values pass as they are."""
    pl = pytest.importorskip("polars")
    table = as_table(pl.DataFrame({"hours": [1.0, 2.0], "tenure": [3.0, 4.0]}))
    assert list(table) == ["hours", "tenure"]
    assert table["tenure"].to_list() == [3.0, 4.0]
    values = [1.0, 2.0]
    assert as_table(values) is values
