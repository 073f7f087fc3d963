"""The fairness audit names the rows of missing groups among float codes, and says how to fix
a column of a dtype that holds no group labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.triage import audit

SELECTED = np.r_[np.arange(20) < 10, np.arange(20) < 5]


def test_an_empty_cell_among_integer_codes_is_named_by_row():
    """Integer codes with an empty cell arrive from pandas as floats with NaN: the row is named."""
    groups = pd.Series([1] * 20 + [2] * 19 + [None])  # float64, NaN in row 39
    with pytest.raises(SchemaError) as info:
        audit(SELECTED, groups)
    assert "groups: is missing in row 39; give every person a group" in str(info.value)
    assert "astype(int)" in str(info.value)


@pytest.mark.parametrize(
    ("groups", "fix"),
    [
        pytest.param(np.repeat([True, False], 20), "name the groups with text", id="bool"),
        pytest.param(np.repeat([1.0, 2.0], 20), "convert them with astype(int)", id="float"),
    ],
)
def test_a_dtype_without_labels_is_refused_saying_how_to_fix_it(groups, fix):
    """A boolean or float column is refused with the fix, not only the dtype that arrived."""
    with pytest.raises(SchemaError, match="got dtype") as info:
        audit(SELECTED, groups)
    assert fix in str(info.value)
