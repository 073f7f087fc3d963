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
        Event("r1", "a", EventKind.SESSION_RATED, DAY, step="coaching-1", value=8.0),
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


# -- data frames and the types of ids (issue 12) ----------------------------------------------


def _frame_columns():
    return {
        "id": ["r1", "r2"],
        "participant": ["a", "b"],
        "kind": ["session_rated", "activity"],
        "time": np.array(["2027-01-18T10:00", "2027-01-18T11:00"], dtype="datetime64[ms]"),
        "step": ["coaching-1", None],
        "value": [8.0, np.nan],
    }


def test_pandas_frame_is_a_table():
    """A pandas DataFrame (with its own index, missing steps as None) reads like a mapping."""
    import pandas as pd

    frame = pd.DataFrame(_frame_columns(), index=[17, 4])
    table = EventTable.from_columns(frame)
    assert table.step.tolist() == ["coaching-1", ""]
    assert check_events(SCHEDULE, frame).ok
    assert check_events(SCHEDULE, frame.astype({"step": object}).fillna({"step": np.nan})).ok


def test_polars_frame_is_a_table():
    """A polars DataFrame reads like a mapping of columns."""
    import polars as pl

    frame = pl.DataFrame(_frame_columns())
    assert check_events(SCHEDULE, frame).ok


def test_misaligned_pandas_columns_are_refused():
    """Columns given as pandas Series with different indexes are refused, never paired by row."""
    import pandas as pd

    columns = {k: pd.Series(v, index=[0, 1]) for k, v in _frame_columns().items()}
    columns["value"] = pd.Series([np.nan, 8.0], index=[1, 0])
    aligned = EventTable.from_columns(columns)
    assert aligned.value[0] == 8.0  # put in the order of the first column's index
    columns["value"] = pd.Series([8.0, np.nan], index=[5, 6])
    with pytest.raises(SchemaError, match="value"):
        EventTable.from_columns(columns)


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("id", [1.5, 2.0]),
        ("id", np.array([2**63, 1], dtype=np.uint64)),
        ("id", [True, False]),
        ("id", [b"x", b"y"]),
        ("participant", [1.5, 0.0]),
        ("participant", np.array([2**63, 0], dtype=np.uint64)),
        ("id", np.array([object(), 1], dtype=object)),
    ],
)
def test_ids_must_be_text_or_int64(column, values):
    """Float, bool, bytes or out-of-range ids are refused naming the column and the rows."""
    columns = _frame_columns()
    columns[column] = values
    with pytest.raises(SchemaError, match=rf"{column}.*rows? 0"):
        EventTable.from_columns(columns)


def test_int_ids_of_any_width_are_kept():
    """numpy integer ids of any width, and uint64 ids below 2**63, are kept exactly."""
    columns = _frame_columns()
    columns["id"] = np.array([2**63 - 1, 7], dtype=np.uint64)
    assert EventTable.from_columns(columns).id.tolist() == [2**63 - 1, 7]


def test_events_that_are_not_a_table():
    """Anything that is not a table, columns or records is a SchemaError naming `events`."""
    for bad in (5, "events", None, {"id": 5}):
        with pytest.raises(SchemaError, match=r"events|id"):
            check_events(SCHEDULE, bad)
