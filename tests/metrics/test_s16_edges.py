"""Edges of the smaller statistics: underflowing spreads and numpy booleans as options."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.metrics import e_value, subgroup_effects, welch_ttest


def test_welch_spread_under_the_float_range_is_refused() -> None:
    """A constant group beside one whose spread is 1e-389 of it: a typed error, not 1 / 0."""
    x = [-1e123, -1e123]
    y = [3.8e-266, -5.6e-266, -1.4e-265, 9.5e-266]
    with pytest.raises(EstimationError, match="the t statistic is beyond the range"):
        welch_ttest(x, y)
    with pytest.raises(EstimationError, match="the t statistic is beyond the range"):
        welch_ttest(y, x)


def test_welch_constant_group_beside_a_spread_one_still_runs() -> None:
    """One constant group is fine while the other's spread is representable beside it."""
    result = welch_ttest([1e123, 1e123], [1e122, 3e122, 2e122])
    assert np.isfinite([result.statistic, result.df, result.pvalue, *result.ci]).all()


def test_e_value_reads_a_numpy_bool() -> None:
    """`common_outcome=np.True_` (an element of a mask) is True, not a SchemaError."""
    with_numpy = e_value(2.0, (1.5, 3.0), measure="OR", common_outcome=np.True_)  # type: ignore[arg-type]
    plain = e_value(2.0, (1.5, 3.0), measure="OR", common_outcome=True)
    assert (with_numpy.e_value, with_numpy.e_value_ci) == (plain.e_value, plain.e_value_ci)
    assert with_numpy.common_outcome is True


def test_subgroups_share_the_welch_refusal() -> None:
    """subgroup_effects runs the same Welch helper: no ZeroDivisionError escapes."""
    y = [-1e123, -1e123, 3.8e-266, -5.6e-266, -1.4e-265, 9.5e-266]
    result = subgroup_effects(y, [1, 1, 0, 0, 0, 0], ["a"] * 6, min_group_size=2)
    assert result.n == 6
