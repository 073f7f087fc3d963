"""compare_scenarios: a user's plan of the wrong shape, scenario names the tables can show."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import compare_scenarios
from sparkus.model import SupportType
from sparkus.triage import triage


@pytest.fixture(scope="module")
def world():
    org = synthetic_org(60, seed=2)
    return org, triage(org.population, program=org.program)


def _plan(n: int) -> np.ndarray:
    plan = np.empty(n, dtype=object)
    plan[1::2] = SupportType.MENTORING
    return plan


@pytest.mark.parametrize(
    "shape",
    [
        "0-d",  # before: a bare TypeError (iteration over a 0-d array)
        "column",  # before: 60 problems, "array([None]) is not one of ..."
        "frame",  # before: "got 1" (the DataFrame's one column name)
    ],
)
def test_a_plan_not_one_dimensional_is_refused(world, shape: str) -> None:
    """A plan must be one support type or None per person: its shape is named."""
    org, tri = world
    n = len(org.population)
    given = {
        "0-d": np.array(SupportType.MENTORING),
        "column": _plan(n).reshape(-1, 1),
        "frame": pd.DataFrame({"support": _plan(n)}, index=org.population.ids),
    }[shape]
    with pytest.raises(SchemaError) as info:
        compare_scenarios(org.population, tri, org.program, org.providers, plans={"mine": given})
    [problem] = info.value.problems
    assert problem.location == "plans.mine"
    assert "got an array of shape" in problem.message


@pytest.mark.parametrize("name", [" triaged ", "mine\nyours", "mine\t"])
def test_scenario_names_the_tables_cannot_show_are_refused(world, name: str) -> None:
    """A name padded with white space (' triaged ' beside 'triaged') or on two lines is refused."""
    org, tri = world
    plans = {name: _plan(len(org.population))}
    with pytest.raises(SchemaError, match="on one line, without white space"):
        compare_scenarios(org.population, tri, org.program, org.providers, plans=plans)


def test_a_numpy_string_name_is_stored_as_text(world) -> None:
    """A name given as numpy text comes back as a plain str, and its plan as given."""
    org, tri = world
    plan = _plan(len(org.population))
    table = compare_scenarios(org.population, tri, org.program, org.providers,
                              plans={np.str_("mine"): plan})  # fmt: skip
    assert type(table.names[-1]) is str
    assert list(table.plan("mine").support) == list(plan)
