"""Tables out for the planning curves: ``BudgetFrontier`` and ``ScenarioComparison`` ``to_frame``.

Each frame is checked cell by cell against the result's own arrays (one row per budget) or its
``metrics`` (one row per scenario), in pandas and polars, and changing a frame never changes
the result.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import budget_frontier, compare_scenarios
from sparkus.model import Level, SupportType
from sparkus.triage import triage

BACKENDS = ("pandas", "polars")


@cache
def _results() -> dict[str, Any]:
    org = synthetic_org(200, seed=4)
    tri = triage(org.population, program=org.program)
    args = (org.population, tri, org.program, org.providers)
    rng = np.random.default_rng(0)
    # per-person effects: the expected effects have no interval (NaN columns)
    effects = {s: rng.uniform(0.0, 0.5, len(org.population)) for s in SupportType}
    budget = org.program.budget
    return {
        "frontier": budget_frontier(*args, budgets=[budget / 2, budget, 2 * budget]),
        "frontier, effects": budget_frontier(*args, budgets=[budget / 2, budget], effects=effects),
        "scenarios": compare_scenarios(*args, plans={"nobody": [None] * len(org.population)}),
        "scenarios, effects": compare_scenarios(*args, effects=effects),
    }


def _expected(result: Any) -> tuple[str, dict[str, np.ndarray[Any, Any]]]:
    """The index name and the columns, read from the result's arrays or metrics."""
    if result.__class__.__name__ == "BudgetFrontier":
        columns = {
            "budget": result.budgets,
            "total_cost": result.total_cost,
            "expected_effect": result.expected_effect,
            "effect_low": result.confidence_interval[:, 0],
            "effect_high": result.confidence_interval[:, 1],
            "objective": result.objective,
            "supported": result.supported,
            **{f"reach_{lv.value}": result.reach[:, k] for k, lv in enumerate(Level)},
            "shadow_price": result.shadow_price,
            "gap": result.gap,
        }
        return "budget", columns
    metrics = result.metrics
    keys = list(metrics[result.names[0]])
    columns = {"scenario": np.array(result.names)}
    columns |= {key: np.array([metrics[name][key] for name in result.names]) for key in keys}
    return "scenario", columns


def _frame_columns(frame: Any, backend: str) -> dict[str, np.ndarray[Any, Any]]:
    """Every column of the frame, the pandas index first, as numpy arrays."""
    if backend == "pandas":
        frame = frame.reset_index()
    return {name: frame[name].to_numpy() for name in frame.columns}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["frontier", "frontier, effects", "scenarios",
                                  "scenarios, effects"])  # fmt: skip
def test_frame_is_the_results_rows(name: str, backend: str) -> None:
    """One row per budget (scenario), identified by it, each column the result's values."""
    result = _results()[name]
    frame = result.to_frame(backend=backend)
    index, expected = _expected(result)
    if backend == "pandas":
        assert isinstance(frame, pd.DataFrame)
        assert frame.index.name == index
    got = _frame_columns(frame, backend)
    assert list(got) == list(expected)
    assert len(frame) == len(expected[index])
    for column, values in expected.items():
        np.testing.assert_array_equal(got[column], values, err_msg=column)
        assert got[column].dtype.kind == values.dtype.kind or values.dtype.kind == "U", column


def test_effects_frames_have_no_interval() -> None:
    """With per-person effects the interval columns are missing (NaN), as the arrays say."""
    for name in ("frontier, effects", "scenarios, effects"):
        frame = _results()[name].to_frame()
        assert frame[["effect_low", "effect_high"]].isna().all().all(), name


@pytest.mark.parametrize("name", ["frontier", "scenarios"])
def test_changing_the_frame_leaves_the_result(name: str) -> None:
    """No column shares memory with the result; writing into the frame changes nothing."""
    result = _results()[name]
    before = result.to_dict()
    held = list(_expected(result)[1].values())
    if name == "frontier":
        held += [result.budgets, result.confidence_interval, result.reach, result.supported]
    for backend in BACKENDS:
        frame = result.to_frame(backend=backend)
        for column in _frame_columns(frame, backend).values():
            assert not any(np.shares_memory(column, array) for array in held)
    frame = result.to_frame()
    for column in frame.columns:  # every cell changed, in place
        values = frame[column]
        frame.loc[:, column] = ~values if values.dtype == bool else values * 0 + 7
    frame.index = frame.index.map(str)
    assert result.to_dict() == before
    expected = _expected(result)[1]
    again = result.to_frame().reset_index()
    for column, values in expected.items():
        np.testing.assert_array_equal(again[column].to_numpy(), values, err_msg=column)


@pytest.mark.parametrize("name", ["frontier", "scenarios"])
def test_unknown_backend_is_refused(name: str) -> None:
    """A backend other than pandas or polars is a SchemaError naming `backend`."""
    with pytest.raises(SchemaError, match="backend"):
        _results()[name].to_frame(backend="arrow")
