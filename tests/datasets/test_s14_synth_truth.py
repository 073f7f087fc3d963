"""The synthetic organisation's truth is validated whole and cannot be changed after the fact.

Issue 16: `SyntheticTruth` accepted NaN or missing average effects, stages outside `stages`,
propensities outside [0, 1] and loadings that were not numbers, and its arrays were writable, so
``g = truth.individual_effects[s]; g -= g.mean()`` silently rewrote the answer every later check
compares with (the population's arrays were already read-only). `SyntheticOrg` took a truth
drawn for another headcount.
"""

import attrs
import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import SyntheticOrg, synthetic_org
from sparkus.model import SupportType


@pytest.fixture(scope="module")
def org():
    return synthetic_org(60, seed=4)


def test_truth_arrays_and_mappings_cannot_be_changed(org):
    """Every array of the truth is read-only; the caller's own arrays and dicts stay theirs."""
    truth = org.truth
    arrays = [truth.readiness, truth.stage, truth.propensity, *truth.individual_effects.values()]
    for array in arrays:
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    mine = np.zeros(60)
    effects = dict(truth.effects)
    rebuilt = attrs.evolve(truth, readiness=mine, effects=effects)
    mine[0] = 5.0  # the caller's array is not frozen by passing it
    effects[SupportType.COACHING] = 99.0
    assert rebuilt.readiness[0] == 5.0  # a view, not a copy: no memory spent on a million rows
    assert rebuilt.effects[SupportType.COACHING] == truth.effects[SupportType.COACHING]
    with pytest.raises(ValueError, match="read-only"):
        rebuilt.readiness[0] = 1


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"effects": dict.fromkeys(SupportType, float("nan"))}, "effects.coaching"),
        ({"effects": {SupportType.COACHING: 4.0}}, "effects"),
        ({"effects": {"coaching": 4.0, **dict.fromkeys(SupportType, 1.0)}}, "effects.coaching"),
        ({"item_loadings": {"self_motivation": "high"}}, "item_loadings.self_motivation"),
        ({"stage": np.full(60, 5, dtype=np.int8)}, "stage"),
        ({"propensity": np.full(60, 1.5)}, "propensity"),
        ({"propensity": np.full(60, -0.1)}, "propensity"),
    ],
)
def test_malformed_truth_is_refused(org, change, where):
    """NaN or missing effects, non-numeric loadings, stages or propensities out of range."""
    with pytest.raises(SchemaError, match=rf"(?m)^\s*{where}:"):
        attrs.evolve(org.truth, **change)


def test_organisation_refuses_a_truth_of_another_size(org):
    """The truth must describe the population it is paired with, row for row."""
    other = synthetic_org(61, seed=4).truth
    with pytest.raises(SchemaError, match=r"truth: has 61 people, the population 60"):
        SyntheticOrg(org.population, org.providers, org.program, other, org.seed)
