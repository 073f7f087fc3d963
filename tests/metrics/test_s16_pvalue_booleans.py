"""adjust_pvalues refuses booleans, as the scalar doors and the effect-size doors already do.

True/False given as p-values were read as p-values of 1.0 and 0.0 and adjusted (a mask passed
where the p-values belong); a scalar door such as ``e_value(True)`` already refused a boolean.
"""

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import adjust_pvalues


@pytest.mark.parametrize(
    "p",
    [
        [True, False, True],
        np.array([True, False]),
        np.array([0.01, True], dtype=object),
        pd.Series([False, True], index=["b", "a"]),
    ],
    ids=["list", "bool-array", "mixed-objects", "series"],
)
@pytest.mark.parametrize("method", ["fdr_bh", "holm", "bonferroni"])
def test_booleans_as_pvalues_are_refused(p, method):
    """True/False among the p-values is a SchemaError naming `p`, not p-values of 1 and 0."""
    with pytest.raises(SchemaError, match=r"p: holds booleans"):
        adjust_pvalues(p, method=method)
