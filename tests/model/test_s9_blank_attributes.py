"""A blank in a free attribute is named as a blank, never as a second type of the column.

A pandas ``boolean`` column with ``NA``, or a text column with ``None``, used to add "an
attribute column must hold one type ..., got NoneType, bool" to the blank's own problem, and
a carried bool column was refused with only that message.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sparkus
from sparkus.model import Population


def _frame(**extra):
    return pd.DataFrame({
        "id": ["a", "b", "c", "d"],
        "level": ["manager"] * 4,
        "department": ["Sales"] * 4,
        "tenure_years": [1.0, 2.0, 3.0, 4.0],
    } | extra)  # fmt: skip


@pytest.mark.parametrize(
    "cells",
    [pd.array([True, None, False, True], dtype="boolean"), ["x", None, "y", "x"],
     pd.Series([True, float("nan"), False, True], dtype=object)],
)  # fmt: skip
def test_a_blank_is_one_problem_at_its_row(cells):
    """The blank row is named once; the column is not said to mix types."""
    with pytest.raises(sparkus.SchemaError) as caught:
        Population.from_frame(_frame(flag=cells))
    (problem,) = caught.value.problems
    assert problem.path == ("participants", 1, "flag")
    assert "is blank in the export" in problem.message


def test_from_columns_names_a_missing_attribute_cell_by_row():
    """`from_columns` with a None among text names the row, not a NoneType."""
    columns = dict(_frame().to_dict(orient="list"), note=["x", None, "y", None])
    with pytest.raises(sparkus.SchemaError) as caught:
        Population.from_columns(columns)
    assert [p.path for p in caught.value.problems] == [
        ("participants", 1, "note"), ("participants", 3, "note"),
    ]  # fmt: skip
    assert all("is missing" in p.message for p in caught.value.problems)
    assert not any("NoneType" in p.message for p in caught.value.problems)


def test_a_carried_bool_column_says_what_to_do():
    """A bool column cannot carry a blank: the message says so and how to keep it."""
    flag = pd.array([True, None, False, True], dtype="boolean")
    with pytest.raises(sparkus.SchemaError) as caught:
        Population.from_frame(_frame(flag=flag), missing={"flag": "carry"})
    (problem,) = caught.value.problems
    assert problem.path == ("flag",)
    assert "bool column has no missing value" in problem.message
    assert "NoneType" not in problem.message


def test_mixed_types_beside_a_blank_are_still_named():
    """Numbers and text in one column are refused as before, without the blank as a type."""
    with pytest.raises(sparkus.SchemaError) as caught:
        Population.from_frame(_frame(note=pd.Series([1, None, "x", 2], dtype=object)))
    messages = [p.message for p in caught.value.problems]
    assert messages[-1].endswith("got int, str")
