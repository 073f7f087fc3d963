"""The door table of tables out: ``to_frame(backend=...)`` on the population and the results.

Each case is one bad input, the error it must raise and the names its message must hold.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import numpy as np

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import (
    assign,
    budget_frontier,
    compare_scenarios,
    plan_support,
    solve_assignment,
)
from sparkus.metrics import Tracker
from sparkus.model import schedule_journeys
from sparkus.triage import triage

from .table import Door, Entry, case

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)


@cache
def _made() -> dict[str, Any]:
    """One small organisation's population and results, made once when a case first runs."""
    org = synthetic_org(60, seed=2)
    result = triage(org.population, program=org.program)
    schedule = schedule_journeys(org.program.journey, org.population["id"][:5],
                                 ["coaching"] * 5, start=START)  # fmt: skip
    return {
        "population": org.population,
        "triage": result,
        "plan": plan_support(org.population, result, org.program, org.providers),
        "assignment": assign(np.array([[0.1, 0.5], [0.2, 0.7]]), capacity=1),
        "solved": solve_assignment(np.array([[1.0, 4.0], [2.0, 3.0]]), [1, 1]),
        "schedule": schedule,
        "dashboard": Tracker(org.program, schedule).snapshot(as_of=START),
        "frontier": budget_frontier(
            org.population, result, org.program, org.providers, budgets=[20_000, 40_000]
        ),
        "scenarios": compare_scenarios(org.population, result, org.program, org.providers),
    }


def _frame(what: str, *args: Any, **options: Any) -> object:
    return _made()[what].to_frame(*args, **options)


def _backend_cases(what: str) -> tuple[Any, ...]:
    return (
        case(
            "unknown backend",
            lambda: _frame(what, backend="arrow"),
            SchemaError,
            "backend",
            "'pandas'",
            "'polars'",
        ),
        case("backend not text", lambda: _frame(what, backend=1), SchemaError, "backend"),
    )


# fmt: off
DOORS: list[Entry] = [
    Door("sparkus.model.Population.to_frame", _backend_cases("population")),
    Door("sparkus.triage.TriageResult.to_frame", _backend_cases("triage")),
    Door("sparkus.matching.SupportPlan.to_frame", _backend_cases("plan")),
    Door("sparkus.matching.Assignment.to_frame", _backend_cases("assignment")),
    Door("sparkus.matching.AssignmentResult.to_frame", _backend_cases("solved")),
    Door("sparkus.model.JourneySchedule.to_frame", _backend_cases("schedule")),
    Door("sparkus.matching.BudgetFrontier.to_frame", _backend_cases("frontier")),
    Door("sparkus.matching.ScenarioComparison.to_frame", _backend_cases("scenarios")),
    Door("sparkus.metrics.Dashboard.to_frame", (
        *_backend_cases("dashboard"),
        case("unknown table", lambda: _frame("dashboard", "totals"), SchemaError,
             "table", "'groups'", "'funnel'", "'engagement'", "'suppressed'"),
    )),
]
# fmt: on
