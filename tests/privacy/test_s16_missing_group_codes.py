"""A missing group label is named by its row in one wording at every door that takes groups.

The subgroup effects and the fairness audit read group labels through one check
(``sparkus._privacy.group_label_problems``): None, NaN, pandas' NA or NaT, in whatever dtype
they arrive (float codes, nullable pandas columns, object arrays, dates), are named by row, by
the pandas label for a Series with its own index; float codes are refused saying how to fix them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import subgroup_effects
from sparkus.triage import audit

N = 12
Y = np.random.default_rng(0).normal(size=N)
TREATED = np.arange(N) % 2 == 0
INDEX = pd.RangeIndex(100, 100 + N)  # its own labels: row 2 is the row labelled 102
FLOATS = (
    "groups: expected group labels as str or int, got dtype float64; pass text or integers "
    "(integer codes read as floats: convert them with astype(int))"
)
DATES = (
    "groups: expected group labels as str or int, got dtype datetime64[D]; pass text or integers"
)


def _missing(where: str) -> str:
    return f"groups: is missing in {where}; give every person a group"


def _objects(missing: object) -> np.ndarray:
    return np.array(["a", "b", missing] + ["a", "b"] * 4 + ["a"], dtype=object)


def _series(dtype: str, a: object = 1, b: object = 2) -> pd.Series:
    return pd.Series([a, b, None] + [a, b] * 4 + [a], index=INDEX, dtype=dtype)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        pytest.param(np.r_[1.0, 2.0, np.nan, [1.0, 2.0] * 4, 1.0], [_missing("row 2"), FLOATS],
                     id="float NaN"),
        pytest.param(np.r_[[1.0, 2.0] * 6], [FLOATS], id="whole floats"),
        pytest.param(_series("float64"), [_missing("the row labelled 102"), FLOATS],
                     id="float Series"),
        pytest.param(_series("Int64"), [_missing("the row labelled 102")], id="Int64"),
        pytest.param(_series("Float64"), [_missing("the row labelled 102"), FLOATS],
                     id="Float64"),
        pytest.param(_series("string[python]", "a", "b"), [_missing("the row labelled 102")],
                     id="string"),
        pytest.param(_series("category", "a", "b"), [_missing("the row labelled 102")],
                     id="category"),
        pytest.param(_objects(None), [_missing("row 2")], id="None"),
        pytest.param(_objects(np.nan), [_missing("row 2")], id="np.nan"),
        pytest.param(_objects(float("nan")), [_missing("row 2")], id="float nan"),
        pytest.param(_objects(pd.NA), [_missing("row 2")], id="pd.NA"),
        pytest.param(_objects(pd.NaT), [_missing("row 2")], id="pd.NaT"),
        pytest.param(
            np.array(["2024-01-01", "2024-01-02", "NaT"] + ["2024-01-01"] * 9, "datetime64[D]"),
            [_missing("row 2"), DATES],
            id="dates with NaT",
        ),
    ],
)  # fmt: skip
def test_both_doors_name_missing_group_codes_by_row_in_one_wording(groups, expected):
    """subgroup_effects and audit refuse the same labels with the same problems."""
    with pytest.raises(SchemaError) as by_subgroups:
        subgroup_effects(Y, TREATED, groups, min_group_size=1)
    with pytest.raises(SchemaError) as by_audit:
        audit(TREATED, groups, min_group_size=1)
    assert [str(p) for p in by_subgroups.value.problems] == expected
    assert [str(p) for p in by_audit.value.problems] == expected
