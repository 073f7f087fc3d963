"""Per-person `weights` and `access` given as pandas Series are read by id, never by position.

`effects` already were (test_effects.py); these two went by position, so a Series in another
order of the ids planned for the wrong people, and one indexed by labels that are not ids was
accepted.
"""

import functools

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import budget_frontier, plan_support
from sparkus.triage import triage


@functools.cache
def _org(n=400, seed=2):
    org = synthetic_org(n, seed=seed)
    return org, triage(org.population, program=org.program)


def _plan(**kwargs):
    org, tri = _org()
    return plan_support(org.population, tri, org.program, org.providers, **kwargs)


def _shuffled(values):
    """`values` (in the population's order) as a Series indexed by id, in a random order."""
    org, _ = _org()
    order = np.random.default_rng(5).permutation(len(org.population))
    return pd.Series(np.asarray(values)[order], index=org.population.ids[order])


def test_weights_in_any_order_of_the_ids_plan_as_the_array():
    org, _ = _org()
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(org.population))
    series = _shuffled(weights)
    kept = series.copy()
    by_array, by_series = _plan(weights=weights), _plan(weights=series)
    assert by_series.support.tolist() == by_array.support.tolist()
    assert by_series.objective == by_array.objective
    pd.testing.assert_series_equal(series, kept)  # the caller's Series is left as it was
    # read by position instead, the shuffled weights plan otherwise
    assert _plan(weights=series.to_numpy()).objective != by_array.objective


def test_access_in_any_order_of_the_ids_plans_as_the_array():
    org, _ = _org()
    allowed = np.arange(len(org.population)) % 3 == 0
    by_array = _plan(access={"coaching": allowed})
    by_series = _plan(access={"coaching": _shuffled(allowed)})
    assert by_series.support.tolist() == by_array.support.tolist()
    coached = by_series.pool == "coaching"
    assert coached.any()
    assert allowed[coached].all()


@pytest.mark.parametrize("name", ["weights", "access"])
def test_a_series_not_indexed_by_the_ids_is_refused(name):
    org, _ = _org()
    n = len(org.population)
    labels = [f"x{i}" for i in range(n)]
    value = pd.Series(np.ones(n), index=labels)
    kwargs = {"weights": value} if name == "weights" else {"access": {"coaching": value}}
    with pytest.raises(SchemaError) as info:
        _plan(**kwargs)
    paths = [p.path for p in info.value.problems]
    assert paths == ([("weights",)] if name == "weights" else [("access", "coaching")])
    assert "x0" in str(info.value)  # names some labels at fault


def test_the_frontier_reads_weights_by_id_too():
    org, tri = _org()
    weights = np.random.default_rng(1).uniform(0.1, 3.0, len(org.population))
    budgets = [org.program.budget * 0.5, org.program.budget]
    fronts = [budget_frontier(org.population, tri, org.program, org.providers, budgets=budgets,
                              weights=w) for w in (weights, _shuffled(weights))]  # fmt: skip
    np.testing.assert_array_equal(fronts[0].objective, fronts[1].objective)
