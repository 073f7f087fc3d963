"""gas_tscore refuses booleans as attainment levels instead of reading True as +1."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import gas_tscore


def _pandas_mixed() -> object:
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({"met": [True, False], "level": [1, 0]})


def _polars_mixed() -> object:
    pl = pytest.importorskip("polars")
    return pl.DataFrame({"met": [True, False], "level": [1, 0]})


@pytest.mark.parametrize(
    "make",
    [lambda: [[True, False]], lambda: [[True, 1], [0, -1]], lambda: np.array([[True], [False]]),
     _pandas_mixed, _polars_mixed],
    ids=["list", "list-mixed", "numpy", "pandas-column", "polars-column"],
)  # fmt: skip
def test_booleans_are_no_attainment_level(make: object) -> None:
    """A goal met (True) is not 'much more than expected' (+1): booleans are refused."""
    with pytest.raises(SchemaError, match="holds booleans") as info:
        gas_tscore(make())  # type: ignore[operator]
    assert [p.path for p in info.value.problems] == [("attainment",)]
