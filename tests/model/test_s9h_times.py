"""Times whose UTC offset JSON cannot write, and one reader of times given as text.

A record took a datetime whose UTC offset has seconds (``+01:00:30``); ``to_json`` wrote it,
and the JSON Schema's date-time (RFC 3339: hours and minutes) refused what sparkus wrote. An
event table read ISO text with Python's ``fromisoformat``, which reads ``+01:60`` as ``+02:00``
(another moment than written), while ``from_json`` refused it: both now read through one parser.
"""

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest

from sparkus import SchemaError
from sparkus.model import (
    Assessment,
    AssessmentSource,
    Event,
    EventKind,
    EventTable,
    Journey,
    Step,
    StepKind,
    from_json,
    json_schema,
    to_json,
)

VALIDATOR = jsonschema.Draft202012Validator(
    json_schema(Event), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def _at(**offset: float) -> dt.datetime:
    return dt.datetime(2027, 1, 5, 10, tzinfo=dt.timezone(dt.timedelta(**offset)))


def _location_and_text(build: Any) -> list[tuple[str, str]]:
    with pytest.raises(SchemaError) as error:
        build()
    return [(p.location, p.message) for p in error.value.problems]


_PART_MINUTE = [
    pytest.param({"hours": 1, "seconds": 30}, id="+01:00:30"),
    pytest.param({"hours": -1, "seconds": -30}, id="-01:00:30"),
    pytest.param({"microseconds": 5}, id="+00:00:00.000005"),
]


@pytest.mark.parametrize("offset", _PART_MINUTE)
@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda t: Event("ev1", "e1", EventKind.ACTIVITY, t), "time"),
        (lambda t: Assessment("e1", AssessmentSource.SELF, {"focus": 3.0}, t), "taken_at"),
        (lambda t: Journey("e1", t, (Step("k", StepKind.KICKOFF_WEBINAR, 0),)), "start"),
    ],
    ids=["event", "assessment", "journey"],
)
def test_an_offset_that_is_not_whole_minutes_is_refused_naming_the_field(
    build: Any, field: str, offset: dict[str, float]
) -> None:
    """Not written late as an offset with seconds that the schema refuses: refused at once."""
    found = _location_and_text(lambda: build(_at(**offset)))
    assert [where for where, _ in found] == [field]
    assert "not whole minutes" in found[0][1]


@pytest.mark.parametrize(
    "offset", [{"hours": 5, "minutes": 45}, {"hours": -9, "minutes": -30}, {"hours": 14}, {}]
)
def test_whole_minute_offsets_are_written_as_the_schema_accepts(offset: dict[str, float]) -> None:
    """Every offset a record takes is written in a form the JSON Schema's date-time accepts."""
    written = to_json(Event("ev1", "e1", EventKind.ACTIVITY, _at(**offset)))
    assert VALIDATOR.is_valid(json.loads(written))
    assert from_json(written, Event).time == _at(**offset)


def test_from_json_refuses_an_offset_with_seconds_as_the_schema_does() -> None:
    """``+01:00:30`` is not an RFC 3339 offset: the schema and the reader both refuse it."""
    data = {
        "id": "e1",
        "participant": "p1",
        "kind": "activity",
        "time": "2027-01-05T10:00+01:00:30",
    }
    assert not VALIDATOR.is_valid(data)
    found = _location_and_text(lambda: from_json(json.dumps(data), Event))
    assert [where for where, _ in found] == ["time"]


def _flags(*times: object) -> list[int]:
    events = [
        {"id": f"ev{i}", "participant": "e1", "kind": "activity", "time": t}
        for i, t in enumerate(times)
    ]
    return list(EventTable.from_records(events).time_flag.tolist())


@pytest.mark.parametrize(
    "time", ["2027-01-05T10:00+01:60", "2027-01-05T10:00:00-00:99", "2027-01-05T10:00+01:00:60"]
)
def test_an_event_time_with_offset_past_59_is_unreadable_not_rolled_over(time: str) -> None:
    """The table flags it as any other unreadable time, as from_json refuses it."""
    unreadable, readable = _flags("not a time", "2027-01-05T10:00+01:00")
    assert _flags(time) == [unreadable] != [readable]
    with pytest.raises(SchemaError):
        from_json(
            json.dumps({"id": "e", "participant": "p", "kind": "activity", "time": time}), Event
        )


def test_an_event_time_with_a_lower_case_z_reads_as_from_json_reads_it() -> None:
    """RFC 3339's ``z``: one parser for the table and for JSON, so both read it as UTC."""
    table = EventTable.from_records(
        [{"id": "ev1", "participant": "e1", "kind": "activity", "time": "2027-01-05T10:00:00z"}]
    )
    expected = dt.datetime(2027, 1, 5, 10, tzinfo=dt.UTC)
    assert table.time_flag.tolist() == [0]
    assert table.time.tolist() == [int(expected.timestamp())]
