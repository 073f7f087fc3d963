"""Event tables: built from columns or records, and the batches that cannot be read at all."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.model import Event, EventKind, EventTable, check_events
from tests.model.event_data import DAY, SCHEDULE, event_columns


def test_records_and_columns_agree():
    """Records and columns of the same events give the same encoding."""
    records = [
        Event("r1", "a", EventKind.SESSION_RATED, DAY, step_id="coaching-1", value=8.0),
        Event("r2", "b", EventKind.ACTIVITY, DAY),
    ]
    table = EventTable.from_records(records)
    cols = EventTable.from_columns({
        "id": ["r1", "r2"], "participant": ["a", "b"],
        "kind": ["session_rated", "activity"],
        "time": np.array(["2027-01-18T10:00", "2027-01-18T10:00"], dtype="datetime64[s]"),
        "step": ["coaching-1", ""], "value": [8.0, np.nan],
    })  # fmt: skip
    for name in ("kind", "time", "step"):
        assert np.array_equal(getattr(table, name), getattr(cols, name))
    np.testing.assert_array_equal(table.value, cols.value)
    assert check_events(SCHEDULE, table).ok


def test_whole_batch_problems_raise():
    """A missing column or columns of different lengths are a SchemaError."""
    with pytest.raises(SchemaError, match="missing required column"):
        EventTable.from_columns({"id": [1]})
    with pytest.raises(SchemaError, match="differ in length"):
        EventTable.from_columns(event_columns(id=["a", "b"]))
    with pytest.raises(SchemaError, match="expected an Event"):
        EventTable.from_records(["not an event"])  # type: ignore[list-item]
