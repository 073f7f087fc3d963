"""design_rollout's door: columns of one length, pandas paired by index, balance free of scale."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.metrics import design_rollout


@pytest.mark.parametrize(
    ("people", "match"),
    [
        ({"level": ["a"] * 5, "team": np.arange(4)}, r"'level' has 5, 'team' has 4 rows"),
        (
            {"x": np.arange(6.0), "site": ["p", "q"] * 2, "id": list("abcdef")},
            r"'x' has 6, 'site' has 4, 'id' has 6 rows",
        ),
    ],
)
def test_columns_of_different_lengths_are_refused_naming_them(people, match):
    """Columns of different lengths: a SchemaError naming each column and its length."""
    with pytest.raises(SchemaError, match=match) as caught:
        design_rollout(people, waves=2, strata=next(iter(people)), rng=0)
    assert [p.path for p in caught.value.problems] == [("population",)]


@pytest.mark.parametrize("column", [np.ones((6, 2)), 3.0])
def test_a_column_that_is_not_one_value_per_person_is_refused(column):
    """A 2-D or scalar column: a SchemaError naming it, not numpy's or len()'s error."""
    with pytest.raises(SchemaError, match=r"population\['x'\].*one value per person"):
        design_rollout({"site": ["p", "q"] * 3, "x": column}, waves=2, strata="site", rng=0)


def test_a_mapping_of_series_is_paired_by_index():
    """Series in a mapping are paired by their index, not by position: same design."""
    rng = np.random.default_rng(3)
    ids = [f"p{i}" for i in range(30)]
    site = pd.Series(rng.choice(["a", "b"], 30), index=ids)
    tenure = pd.Series(rng.gamma(2.0, 2.0, 30), index=ids)
    shuffled = tenure.sample(frac=1, random_state=1)
    together = design_rollout({"site": site, "tenure": tenure}, waves=3, strata="site", rng=4)
    apart = design_rollout({"site": site, "tenure": shuffled}, waves=3, strata="site", rng=4)
    np.testing.assert_array_equal(apart.wave, together.wave)
    np.testing.assert_array_equal(apart.smd, together.smd)


def test_a_mapping_of_series_with_other_rows_is_refused():
    """Series whose indexes hold different people: a SchemaError naming the column."""
    site = pd.Series(["a", "b"] * 5)
    tenure = pd.Series(np.arange(10.0), index=np.arange(10) + 100)
    with pytest.raises(SchemaError, match=r"population\['tenure'\].*index"):
        design_rollout({"site": site, "tenure": tenure}, waves=2, strata="site", rng=0)


def test_an_infinite_covariate_is_refused_naming_its_rows():
    """An infinite covariate value: a SchemaError naming the column and row, no warning."""
    x = np.arange(8.0)
    x[5] = math.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SchemaError, match=r"population\['x'\].*infinite in row 5"):
            design_rollout({"x": x}, waves=2, rng=0)


def test_a_covariate_near_the_top_of_the_float_range_has_the_smd_of_scale_one():
    """The reproducer: 1e300 times a covariate gives the SMD of the covariate, no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = design_rollout({"x": np.arange(10) * 1e300}, waves=2, covariates=["x"], rng=0)
        tiny = design_rollout({"x": np.arange(10) * 1e-310}, waves=2, covariates=["x"], rng=0)
    unit = design_rollout({"x": np.arange(10) * 1.0}, waves=2, covariates=["x"], rng=0)
    assert abs(unit.smd[0, 0]) > 0.4
    np.testing.assert_allclose(big.smd, unit.smd, rtol=1e-12)
    np.testing.assert_allclose(tiny.smd, unit.smd, rtol=1e-12)


_VALUES = st.floats(-1e3, 1e3, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-3)


@settings(max_examples=80, deadline=None)
@given(st.lists(_VALUES, min_size=4, max_size=40), st.integers(-1040, 1010),
       st.integers(1, 4), st.integers(0, 2**16))  # fmt: skip
def test_smd_is_invariant_to_scaling_a_covariate_by_a_power_of_two(values, k, waves, seed):
    """Any covariate times 2**k, over the whole float range: the same SMD, finite or NaN."""
    x = np.asarray(values)  # |x| < 2**10, so |x| 2**k < 2**1020: finite
    scaled = np.ldexp(x, k)
    if np.any(np.ldexp(scaled, -k) != x):  # subnormals lost bits: not the same data
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        design = design_rollout({"x": x}, waves=waves, rng=seed)
        again = design_rollout({"x": scaled}, waves=waves, rng=seed)
    np.testing.assert_array_equal(again.wave, design.wave)
    np.testing.assert_allclose(again.smd, design.smd, rtol=1e-12, atol=0.0, equal_nan=True)
