"""Events as dicts (issue 14): the field names of the event table, one dict or a list of them."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
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


# -- the same batch as columns and as dicts (issue 16) ----------------------------------------


def test_an_int_participant_in_a_dict_is_refused_in_any_batch():
    """An int participant in a dict is refused in any batch; a column of rows is still rows."""
    two = {**ACTIVE, "participant": 1}
    for batch in ([two], [two, ACTIVE], [ACTIVE, two], two):
        with pytest.raises(SchemaError) as error:
            Tracker(PROGRAM, SCHEDULE).update(batch)
        (problem,) = error.value.problems
        assert problem.path[-1] == "participant"
        assert "id as text" in problem.message
    columns = {key: [value] for key, value in two.items()}
    assert check_events(SCHEDULE, columns).ok


_CELLS = {
    "id": st.sampled_from(["e1", "e2", "e3", 1, 2, -3, float("nan"), None, " e4", ""]),
    "participant": st.sampled_from(["a", "b", "nobody", float("nan"), None, ""]),
    "kind": st.sampled_from([k.value for k in EventKind] + ["logged_in", float("nan"), None, 5, 9]),
    "time": st.sampled_from([
        "2027-01-18T10:00:00+00:00", "2027-01-20T09:30:00+01:00", "2026-12-01T00:00:00+00:00",
        "not a time", "2027-01-18T10:00:00", dt.datetime(2027, 1, 19, 8, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 19, 8), np.datetime64("2027-01-19T08:00", "m"),
        np.datetime64("2027-01-21", "D"), np.datetime64("NaT"), float("nan"), None,
    ]),
    "step": st.sampled_from(["coaching-1", "kickoff", "no-such-step", "", None, float("nan"), 0, 3]),
    "value": st.sampled_from([None, float("nan"), 8.0, 9, 11.0, -2.5, True, False, "9", "nan",
                        float("inf")]),
}  # fmt: skip


_UNREADABLE = {  # cells that refuse the whole batch
    "id": st.sampled_from([2**63, 1.0, 2.5, True, b"e1"]),
    "participant": st.sampled_from([1.5, b"a", False]),
    "step": st.sampled_from([2.0, b"kickoff", -(2**64)]),
    "time": st.just(np.datetime64(96290296032926006, "D")),
}


@st.composite
def _batches(draw: st.DrawFn) -> list[dict[str, object]]:
    """A batch of events as dicts: valid and invalid cells (NaN among text, bools, text among
    numbers, datetime64 cells, naive times), every dict with every column; sometimes one cell
    that no batch may hold (a float or bool id, a far datetime64)."""
    n = draw(st.integers(1, 5))
    batch = [{name: draw(cells) for name, cells in _CELLS.items()} for _ in range(n)]
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(_UNREADABLE)))
        batch[draw(st.integers(0, n - 1))][name] = draw(_UNREADABLE[name])
    return batch


def _outcome(events: object) -> object:
    """What a tracker makes of `events`: the problems raised, or the check and the state."""
    tracker = Tracker(PROGRAM, SCHEDULE)
    try:
        check = tracker.update(events)
    except SchemaError as error:
        return [str(p) for p in error.problems]
    return check.accepted, check.rejected, tracker


@settings(max_examples=300)
@given(_batches())
def test_columns_and_dicts_accept_and_refuse_the_same(batch):
    """The same events as lists and as dicts give the same problems, or the same check and state."""
    columns = {name: [event[name] for event in batch] for name in _CELLS}
    by_dicts, by_columns = _outcome(batch), _outcome(columns)
    if isinstance(by_dicts, tuple) and isinstance(by_columns, tuple):
        assert by_dicts[:2] == by_columns[:2]
        assert by_dicts[2] == by_columns[2]
    else:
        assert by_dicts == by_columns


@given(_batches(), st.sampled_from(["id", "participant", "step"]), st.data())
def test_nul_characters_are_refused_in_both_forms(batch, column, data):
    """A NUL in an id, participant or step is refused alike as lists and as dicts, naming the row."""
    row = data.draw(st.integers(0, len(batch) - 1))
    batch[row][column] = data.draw(st.sampled_from(["e1\x00", "a\x00", "\x00", "coa\x00ching-1"]))
    columns = {name: [event[name] for event in batch] for name in _CELLS}
    by_dicts, by_columns = _outcome(batch), _outcome(columns)
    assert by_dicts == by_columns
    assert any(p.startswith(f"{column}: text with a NUL") and f"row {row}" in p
               for p in by_dicts)  # fmt: skip
