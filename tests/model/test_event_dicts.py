"""Events as dicts (issue 14): the field names of the event table, one dict or a list of them."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import simulate_events
from sparkus.metrics import Tracker
from sparkus.model import (
    CostModel,
    Event,
    EventKind,
    EventTable,
    Goal,
    Program,
    Season,
    SupportType,
    check_events,
    default_journey,
)
from tests.model.event_data import DAY, SCHEDULE

TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
PROGRAM = Program("Pilot", (Goal.LEADERSHIP_DEVELOPMENT,), Season.WINTER, 1e5, "EUR",
                  CostModel({SupportType.COACHING: 200.0}), TEMPLATE)  # fmt: skip
RATED = {"id": "r1", "participant": "a", "kind": "session_rated", "time": DAY,
         "step": "coaching-1", "value": 8.0}  # fmt: skip
RECORDS = [
    Event("r1", "a", EventKind.SESSION_RATED, DAY, step="coaching-1", value=8.0),
    Event("r2", "b", EventKind.ACTIVITY, DAY),
]
ACTIVE = {"id": "r2", "participant": "b", "kind": "activity", "time": "2027-01-18T10:00:00+00:00"}


def test_event_fields_are_the_table_columns():
    """An Event's field names are the event table's column names, in the same order."""
    assert [f.name for f in attrs.fields(Event)] == [
        "id", "participant", "kind", "time", "step", "value"
    ]  # fmt: skip


def test_tracker_update_takes_a_list_of_dicts():
    """Tracker.update of dicts equals the update of the same events as records."""
    by_dicts = Tracker(PROGRAM, SCHEDULE)
    check = by_dicts.update([RATED, ACTIVE])
    assert (check.accepted, len(check.rejected)) == (2, 0)
    by_records = Tracker(PROGRAM, SCHEDULE)
    by_records.update(RECORDS)
    assert by_dicts == by_records


def test_one_dict_is_one_event():
    """A single dict of scalars is a batch of one event (a webhook's payload)."""
    tracker = Tracker(PROGRAM, SCHEDULE)
    check = tracker.update(RATED)
    assert (check.accepted, len(check.rejected)) == (1, 0)
    assert tracker == _fed([RATED])


def _fed(events: object) -> Tracker:
    tracker = Tracker(PROGRAM, SCHEDULE)
    tracker.update(events)
    return tracker


def test_dicts_records_and_columns_agree():
    """Dicts, Event records and columns of the same events give the same table."""
    dicts = EventTable.from_records([RATED, ACTIVE])
    records = EventTable.from_records(RECORDS)
    for name in ("id", "participant", "kind", "time", "time_flag", "step"):
        assert np.array_equal(getattr(dicts, name), getattr(records, name)), name
    np.testing.assert_array_equal(dicts.value, records.value)


def test_a_bad_dict_is_refused_alone():
    """A dict with an unknown kind is one refused event; the others are applied."""
    check = check_events(SCHEDULE, [RATED, {**ACTIVE, "kind": "logged_in"}])
    assert (check.accepted, len(check.rejected)) == (1, 1)


@pytest.mark.parametrize(
    ("events", "where", "words"),
    [
        (
            [{**RATED, "participant_id": "a"}],
            "events[0].participant_id",
            ("unknown field", "participant"),
        ),
        ([RATED, {**RATED, "step_id": "x"}], "events[1].step_id", ("unknown field",)),
        ([{"id": "x", "kind": "activity", "time": DAY}], "events[0]", ("participant",)),
        ([RATED, 3], "events[1]", ("expected an Event or a dict",)),
        ({**RATED, "value": [1.0]}, "value", ()),
    ],
)
def test_malformed_dicts_are_named(events, where, words):
    """An unknown or missing field, or an item that is no event, raises naming it."""
    with pytest.raises(SchemaError) as error:
        Tracker(PROGRAM, SCHEDULE).update(events)
    assert any(where in str(p) for p in error.value.problems), str(error.value)
    for word in words:
        assert word in str(error.value)


def test_dicts_are_not_mutated():
    """The caller's dicts are left as they were."""
    given_ = [dict(RATED), dict(ACTIVE)]
    Tracker(PROGRAM, SCHEDULE).update(given_)
    assert given_ == [RATED, ACTIVE]


@given(st.permutations(range(30)))
def test_simulated_events_as_dicts_round_trip(order):
    """Simulated events as dicts, in any order, give the tracker of the table itself."""
    table = SIMULATED.take(np.asarray(order, dtype=np.int64))
    assert _fed(_dicts(table)) == _fed(table)


SIMULATED = simulate_events(SCHEDULE, rng=3).take(np.arange(30, dtype=np.int64))


def _dicts(table: EventTable) -> list[dict[str, object]]:
    """The events of a table as dicts with the table's column names (times as aware datetimes)."""
    out = []
    for i in range(len(table)):
        step = table.step[i]
        out.append({
            "id": str(table.id[i]),
            "participant": str(table.participant[i]),
            "kind": list(EventKind)[int(table.kind[i])].value,
            "time": dt.datetime.fromtimestamp(int(table.time[i]), dt.UTC),
            "step": None if step == "" else str(step),
            "value": None if np.isnan(table.value[i]) else float(table.value[i]),
        })  # fmt: skip
    return out
