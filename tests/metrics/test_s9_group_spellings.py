"""One group written several ways is refused wherever groups are counted apart.

``"Sales"``, ``"sales "`` and a composed or combining accent are one group of an export written
differently: subgroup effects, rollout strata, the fairness audit and the tracker would each count
them as separate groups (some printed alike). One shared check refuses them, and blank labels.
"""

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import design_rollout, subgroup_effects

SPELLINGS = [("Sales", "sales"), ("Sales", "Sales "), ("Caf\u00e9", "Cafe\u0301")]


def _subgroup_data(one: str, other: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    groups = np.array([one] * 20 + [other] * 20 + ["HR"] * 20, dtype=object)
    treated = np.tile([True, False], 30)
    return rng.normal(size=60), treated, groups


@pytest.mark.parametrize(("one", "other"), SPELLINGS)
def test_subgroup_effects_refuse_one_group_spelled_two_ways(one: str, other: str) -> None:
    y, treated, groups = _subgroup_data(one, other)
    with pytest.raises(SchemaError, match=r"groups: holds labels that differ only in case") as info:
        subgroup_effects(y, treated, groups)
    assert ascii(one) in str(info.value)
    assert ascii(other) in str(info.value)


def test_subgroup_effects_refuse_a_blank_group() -> None:
    y, treated, groups = _subgroup_data("Sales", " ")
    with pytest.raises(SchemaError, match=r"groups: holds the blank label ' '"):
        subgroup_effects(y, treated, groups)


def test_subgroup_effects_keep_groups_that_differ_by_more() -> None:
    y, treated, groups = _subgroup_data("Sales", "Sales 2")
    result = subgroup_effects(y, treated, groups)
    assert set(result.to_frame().index) == {"Sales", "Sales 2", "HR"}


@pytest.mark.parametrize(("one", "other"), SPELLINGS)
def test_rollout_refuses_a_stratum_spelled_two_ways(one: str, other: str) -> None:
    columns = {"site": [one] * 6 + [other] * 6 + ["Paris"] * 6}
    with pytest.raises(SchemaError, match=r"population\['site'\]: holds labels that differ only"):
        design_rollout(columns, waves=2, strata="site", rng=1)
