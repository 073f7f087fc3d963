"""A user's scenario read from pandas holds NaN or NA where a person gets no support.

compare_scenarios took only None as "no support": a Series of support types read from a table
(NaN in its empty cells) was refused cell by cell. Each missing value is now no support, and the
scenario is valued as the same plan written with None (the reference).
"""

import numpy as np
import pandas as pd
import pytest

from sparkus.datasets import synthetic_org
from sparkus.matching import compare_scenarios
from sparkus.triage import triage


@pytest.fixture(scope="module")
def world():
    org = synthetic_org(200, seed=1)
    return org, triage(org.population, program=org.program)


@pytest.mark.parametrize("missing", [np.nan, pd.NA, None])
def test_missing_values_are_no_support(world, missing):
    org, result = world
    plan = np.array(["coaching"] * 10 + [None] * 190, dtype=object)
    given = plan.copy()
    given[10:] = missing
    reference = compare_scenarios(org.population, result, org.program, org.providers,
                                  plans={"x": plan})  # fmt: skip
    read = compare_scenarios(org.population, result, org.program, org.providers,
                             plans={"x": given})  # fmt: skip
    assert read.plan("x").to_dict() == reference.plan("x").to_dict()


def test_a_series_with_nan_by_ids_is_no_support(world):
    org, result = world
    support = pd.Series(["coaching"] * 10 + [np.nan] * 190, index=org.population.ids)[::-1]
    read = compare_scenarios(org.population, result, org.program, org.providers,
                             plans={"x": support})  # fmt: skip
    assert sum(s is not None for s in read.plan("x").support) == 10
