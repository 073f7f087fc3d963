"""Shared data and helpers of the population tests: a valid organisation as columns."""

import pytest

from sparkus import SchemaError

LEVELS_LISTED = "executive, senior_leader, manager, individual_contributor"
N = 20


def locations(error: pytest.ExceptionInfo[SchemaError]) -> list[str]:
    return [p.location for p in error.value.problems]


def messages(error: pytest.ExceptionInfo[SchemaError]) -> dict[str, str]:
    return {p.location: p.message for p in error.value.problems}


def org(n: int = N, **changes) -> dict[str, list]:
    """A valid chain of command of `n` people as plain columns, with `changes` applied."""
    columns = {
        "id": [f"e{i}" for i in range(n)],
        "level": ["executive"] + ["manager"] * (n - 1),
        "department": ["Board"] + ["Sales", "R&D"] * ((n - 1) // 2) + ["Sales"] * ((n - 1) % 2),
        "tenure_years": [float(i % 7) for i in range(n)],
        "manager_id": [None] + [f"e{i // 2}" for i in range(1, n)],
        "motivation": [1.0 + (i % 5) for i in range(n)],
    }
    return columns | changes


def with_row(column: list, row: int, value: object) -> list:
    out = list(column)
    out[row] = value
    return out
