"""Event ingestion: columns and records, and every reason an event is refused."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.model import (
    Event,
    EventKind,
    EventTable,
    Goal,
    Season,
    SupportType,
    check_events,
    default_journey,
    schedule_journeys,
)

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
SCHEDULE = schedule_journeys(default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]),
                             ["a", "b"], [SupportType.COACHING, None], [2, 0], start=START)  # fmt: skip
DAY = dt.datetime(2027, 1, 18, 10, tzinfo=dt.UTC)


def _columns(**change):
    base = {
        "id": ["e1"], "participant": ["a"], "kind": ["step_completed"],
        "time": np.array([DAY], dtype=object), "step": ["coaching-1"], "value": [None],
    }  # fmt: skip
    base.update(change)
    return base


CASES = [
    ({"id": [" "]}, "id", "is empty or has surrounding spaces"),
    ({"kind": ["step_done"]}, "kind", "is not an event kind"),
    ({"time": np.array([dt.datetime(2027, 1, 18)], dtype=object)}, "time", "is naive"),
    ({"time": np.array(["yesterday"], dtype=object)}, "time", "is not a datetime"),
    ({"time": np.array([START - dt.timedelta(days=1)], dtype=object)}, "time",
     "comes before the journey starts (2027-01-04T00:00:00+00:00)"),
    ({"time": np.array([START + dt.timedelta(days=200)], dtype=object)}, "time",
     "comes after the journey's end plus 90 follow-up days"),
    ({"participant": ["zz"]}, "participant", "'zz' is not a participant of the schedule"),
    ({"step": [""]}, "step", "a step_completed event needs a step id"),
    ({"step": ["coaching-9"]}, "step", "'coaching-9' is not a step of the template"),
    ({"step": ["coaching-3"]}, "step", "'coaching-3' is not on 'a''s journey"),
    ({"value": [3.0]}, "value", "a completion of 'coaching-1' carries no value"),
    ({"kind": ["session_rated"]}, "value", "a session_rated event needs a rating"),
    ({"kind": ["session_rated"], "value": [10.5]}, "value", "a rating must be between 0 and 10"),
    ({"kind": ["step_rescheduled"]}, "value", "needs the days the due date moves"),
    ({"kind": ["step_rescheduled"], "value": [1e5]}, "value", "is beyond 3,660 either way"),
    ({"kind": ["activity"], "step": [""], "value": [1.0]}, "value", "carries no value"),
    ({"value": [float("inf")]}, "value", "is not a finite number"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "message"), CASES)
def test_each_reason(change, field, message):
    """A malformed event is refused with its row, id, field and a reason."""
    check = check_events(SCHEDULE, _columns(**change))
    assert check.accepted == 0
    (rejected,) = check.rejected
    assert rejected.row == 0
    assert any(f == field and message in m for f, m in rejected.reasons), rejected.reasons


def test_good_event_accepted():
    """The unchanged base event, and a scored self-assessment, are accepted."""
    assert check_events(SCHEDULE, _columns()).ok
    scored = _columns(step=["self-assessment"], value=[52.5])
    assert check_events(SCHEDULE, scored).ok


def test_negative_integer_id_refused():
    """Integer ids must be non-negative."""
    check = check_events(SCHEDULE, _columns(id=np.array([-3])))
    assert check.rejected[0].reasons == (("id", "must be a non-negative integer"),)


def test_good_and_bad_mixed_and_error_paths():
    """Good events pass while each bad one is listed; the error names events[row].field."""
    cols = {
        "id": ["g1", "b1", "g2", "b2"], "participant": ["a", "a", "b", "nobody"],
        "kind": ["activity", "session_rated", "activity", "activity"],
        "time": np.array([DAY, DAY, DAY, DAY], dtype=object),
        "step": ["", "kickoff", "", ""], "value": [None, 12.0, None, None],
    }  # fmt: skip
    check = check_events(SCHEDULE, cols)
    assert (check.n, check.accepted) == (4, 2)
    assert [r.row for r in check.rejected] == [1, 3]
    error = check.error()
    assert isinstance(error, SchemaError)
    assert [p.location for p in error.problems] == ["events[1].value", "events[3].participant"]
    with pytest.raises(SchemaError):
        check.raise_for_rejected()
    assert check.to_dict()["rejected"][0]["id"] == "b1"


def test_repeated_ids():
    """An exact repeat is accepted; a repeat with other content refuses every copy."""
    same = _columns(id=["e1", "e1"], participant=["a", "a"], kind=["activity"] * 2,
                    time=np.array([DAY, DAY], dtype=object), step=["", ""], value=[None, None])  # fmt: skip
    assert check_events(SCHEDULE, same).accepted == 2
    other = dict(same, participant=["a", "b"])
    check = check_events(SCHEDULE, other)
    assert check.accepted == 0
    assert "repeats with different content" in check.rejected[1].reasons[0][1]


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
        EventTable.from_columns(_columns(id=["a", "b"]))
    with pytest.raises(SchemaError, match="expected an Event"):
        EventTable.from_records(["not an event"])  # type: ignore[list-item]


def test_integer_rows_fast_path():
    """Participant rows and step indices are checked like ids."""
    cols = {"id": np.array([1, 2]), "participant": np.array([0, 7]),
            "kind": np.array([5, 5]), "time": np.array(["2027-01-18", "2027-01-18"],
                                                       dtype="datetime64[s]")}  # fmt: skip
    check = check_events(SCHEDULE, cols)
    assert check.accepted == 1
    assert check.rejected[0].reasons[0][0] == "participant"
