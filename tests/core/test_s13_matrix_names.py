"""The columns of an estimator's `X` by name: a named Series keeps its name, a name is used once.

`ols(y, X, names=["a", "a"])` (or a mapping ``{1: .., "1": ..}``, whose keys are one name as
text) fitted, and ``term("a")`` silently gave the first of the two columns; a named pandas
Series was called ``x1``. statsmodels names a Series' column by the Series' name too
(``OLS(y, add_constant(pd.Series(x, name="hours"))).fit().params.index`` is
``["const", "hours"]``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import ipw, ols

_RNG = np.random.default_rng(3)
_X = _RNG.normal(size=40)
_Y = 1.0 + 0.5 * _X + _RNG.normal(size=40)


def test_a_named_series_keeps_its_name():
    fit = ols(_Y, pd.Series(_X, name="hours"))
    assert fit.names == ("intercept", "hours")
    assert fit.term("hours").estimate == pytest.approx(ols(_Y, _X).params[1], rel=1e-15)
    assert ols(_Y, pd.Series(_X)).names == ("intercept", "x1")  # unnamed: as an array


@pytest.mark.parametrize(
    ("X", "names", "where"),
    [
        (np.column_stack([_X, _X**2]), ["a", "a"], "names"),
        ({1: _X, "1": _X**2}, None, "X"),
    ],
)
def test_a_name_for_two_columns_is_refused(X, names, where):
    with pytest.raises(SchemaError, match="names more than one column") as caught:
        ols(_Y, X, names=names)
    assert caught.value.problems[0].path == (where,)


def test_covariates_of_one_name_are_refused_at_every_door():
    treated = np.arange(40) % 2 == 0
    with pytest.raises(SchemaError, match="'1' names more than one column"):
        ipw(_Y, treated, {1: _X, "1": _X**2})
