"""A cost table whose columns are named like a candidate matrix's attributes is a table.

pandas makes each column an attribute, so a table with columns ``participant_ids``,
``provider_ids``, ``scores`` and ``cost`` was taken for a candidate matrix: ``assign`` raised
a bare ``TypeError: 'Series' object is not callable``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from sparkus.matching import assign, solve_assignment

NAMES = ["participant_ids", "provider_ids", "scores", "cost"]


@pytest.mark.parametrize("door", [assign, solve_assignment])
def test_table_with_lookalike_columns_is_solved(door):
    cost = np.array([[4.0, 1.0, 3.0, 2.0], [2.0, 0.0, 5.0, 3.0], [3.0, 2.0, 2.0, 1.0],
                     [1.0, 3.0, 4.0, 0.5]])  # fmt: skip
    table = pd.DataFrame(cost, index=list("abcd"), columns=NAMES)
    rows, cols = linear_sum_assignment(cost)  # the reference optimum, one place each
    result = door(table, 1)
    assert result.total_cost == pytest.approx(cost[rows, cols].sum())
