"""A p-value outside [0, 1] in a pandas Series is named by the Series' own label.

The missing-value error already named the label (``the row labelled 'b'``); the out-of-range one
named the position (``row 1``), which in a Series indexed by outcome names is another row's
number or none at all.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sparkus import EstimationError
from sparkus.metrics import adjust_pvalues


@pytest.mark.parametrize(
    ("p", "where"),
    [
        (pd.Series([0.1, 1.5], index=["engagement", "retention"]), "the row labelled 'retention'"),
        (pd.Series([0.1, -0.2, 0.3], index=[10, 20, 30]), "the row labelled 20"),
        ([0.1, 1.5], "row 1"),
    ],
)
def test_a_p_value_outside_the_unit_interval_is_named_where_the_caller_looks(p, where):
    with pytest.raises(EstimationError, match=f"outside \\[0, 1\\] in {where};"):
        adjust_pvalues(p)
