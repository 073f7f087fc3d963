"""Column types through the model's doors: -0.0 stored as 0.0, nullable integer ids exact."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus.model import (
    EventTable,
    Population,
    to_json,
)

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

_BIG = 2**53  # beyond it a float64 no longer holds every integer


def _columns(zero: float) -> dict[str, list[object]]:
    return {
        "id": ["a", "b"], "level": ["manager", "manager"], "department": ["S", "S"],
        "tenure_years": [zero, 1.0], "utc_offset": [zero, zero], "score": [zero, 2.0],
    }  # fmt: skip


_DOORS = {
    "from_columns": Population.from_columns,
    "from_frame pandas": lambda cols: Population.from_frame(pd.DataFrame(cols)),
    "from_frame polars": lambda cols: Population.from_frame(pl.DataFrame(cols)),
    "from_records": lambda cols: Population.from_records(
        Population.from_columns(cols).to_records()
    ),
}


@pytest.mark.parametrize("door", list(_DOORS))
def test_negative_zero_is_stored_as_zero(door):
    """-0.0 in any float column is stored as 0.0, so equal populations write equal JSON."""
    negative = _DOORS[door](_columns(-0.0))
    positive = _DOORS[door](_columns(0.0))
    for name in ("tenure_years", "utc_offset", "score"):
        assert not np.signbit(negative[name]).any(), name
    assert [to_json(r) for r in negative.to_records()] == [
        to_json(r) for r in positive.to_records()
    ]


def _export(backend: str) -> object:
    ids = [_BIG + 1, _BIG + 2, _BIG + 3]
    managers = [None, _BIG + 1, _BIG + 1]
    common = {"level": ["manager"] * 3, "department": ["S"] * 3, "tenure_years": [1.0] * 3}
    if backend == "pandas":
        return pd.DataFrame(
            {
                "id": pd.array(ids, dtype="Int64"),
                "manager_id": pd.array(managers, dtype="Int64"),
                **common,
            }
        )
    return pl.DataFrame({"id": ids, "manager_id": managers, **common})


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_nullable_integer_ids_beyond_float_precision_are_read_exactly(backend):
    """Integer ids past 2**53 in a nullable integer column with a blank keep every digit."""
    pop = Population.from_frame(_export(backend))
    assert pop.ids.tolist() == [str(_BIG + 1), str(_BIG + 2), str(_BIG + 3)]
    assert pop.decode("manager_id").tolist() == [None, str(_BIG + 1), str(_BIG + 1)]


def test_nullable_integer_event_ids_beyond_float_precision_are_read_exactly():
    """Event ids past 2**53 in a pandas nullable integer array with a blank keep every digit."""
    table = EventTable.from_columns({
        "id": pd.array([_BIG + 1, None], dtype="Int64"), "participant": ["a", "b"],
        "kind": ["activity", "activity"],
        "time": np.array(["2027-01-05T10:00"] * 2, dtype="datetime64[s]"),
    })  # fmt: skip
    assert table.id.tolist() == [_BIG + 1, -1]


@pytest.mark.parametrize("value", [[-0.0, None], np.array([-0.0, 1.0])])
def test_negative_zero_event_values_are_stored_as_zero(value):
    """An event table stores a value of -0.0 as 0.0, as a population does."""
    table = EventTable.from_columns({
        "id": [1, 2], "participant": ["a", "b"], "kind": ["activity", "activity"],
        "time": np.array(["2027-01-05T10:00"] * 2, dtype="datetime64[s]"), "value": value,
    })  # fmt: skip
    assert not np.signbit(table.value).any()
