"""Checking events against a schedule: every reason an event is refused."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.model import check_events
from tests.model.event_data import DAY, SCHEDULE, START, event_columns

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
    check = check_events(SCHEDULE, event_columns(**change))
    assert check.accepted == 0
    (rejected,) = check.rejected
    assert rejected.row == 0
    assert any(f == field and message in m for f, m in rejected.reasons), rejected.reasons


def test_good_event_accepted():
    """The unchanged base event, and a scored self-assessment, are accepted."""
    assert check_events(SCHEDULE, event_columns()).ok
    scored = event_columns(step=["self-assessment"], value=[52.5])
    assert check_events(SCHEDULE, scored).ok


def test_negative_integer_id_refused():
    """Integer ids must be non-negative."""
    check = check_events(SCHEDULE, event_columns(id=np.array([-3])))
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
    same = event_columns(id=["e1", "e1"], participant=["a", "a"], kind=["activity"] * 2,
                    time=np.array([DAY, DAY], dtype=object), step=["", ""], value=[None, None])  # fmt: skip
    assert check_events(SCHEDULE, same).accepted == 2
    other = dict(same, participant=["a", "b"])
    check = check_events(SCHEDULE, other)
    assert check.accepted == 0
    assert "repeats with different content" in check.rejected[1].reasons[0][1]


def test_integer_rows_fast_path():
    """Participant rows and step indices are checked like ids."""
    cols = {"id": np.array([1, 2]), "participant": np.array([0, 7]),
            "kind": np.array([5, 5]), "time": np.array(["2027-01-18", "2027-01-18"],
                                                       dtype="datetime64[s]")}  # fmt: skip
    check = check_events(SCHEDULE, cols)
    assert check.accepted == 1
    assert check.rejected[0].reasons[0][0] == "participant"
