"""Times read from JSON: a lower-case "z" reads, an offset's minutes past 59 do not.

RFC 3339 (and the schema's ``date-time``) allow ``2026-03-02T09:30:00z``, which the reader
refused. Python 3.11 reads ``+01:60`` as ``+02:00`` and ``+01:99`` as ``+02:39``: another
moment than written, taken silently; the schema refuses it.
"""

import json

import jsonschema
import pytest

from sparkus import SchemaError
from sparkus.model import Event, from_json, json_schema, to_json

VALIDATOR = jsonschema.Draft202012Validator(
    json_schema(Event), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def event(time: str) -> str:
    return json.dumps({"id": "e1", "participant": "p1", "kind": "activity", "time": time})


@pytest.mark.parametrize(
    ("time", "written"),
    [
        ("2026-03-02T09:30:00z", "2026-03-02T09:30:00+00:00"),
        ("2026-03-02t09:30:00.5z", "2026-03-02T09:30:00.500000+00:00"),
        ("2026-03-02T09:30:00Z", "2026-03-02T09:30:00+00:00"),
        ("2026-03-02T09:30:00-00:00", "2026-03-02T09:30:00+00:00"),
        ("2026-03-02T09:30:00+23:59", "2026-03-02T09:30:00+23:59"),
    ],
)
def test_rfc_3339_times_read_as_the_schema_accepts_them(time: str, written: str) -> None:
    """What the schema's date-time accepts, the reader reads (a lower-case z too)."""
    assert VALIDATOR.is_valid(json.loads(event(time)))
    read = from_json(event(time), Event)
    assert read.time.isoformat() == written
    assert from_json(to_json(read), Event) == read


@pytest.mark.parametrize(
    "time",
    [
        "2026-03-02T09:30:00+01:60",
        "2026-03-02T09:30:00+0160",
        "2026-03-02T09:30:00+01:99",
        "2026-03-02T09:30:00-00:60",
        "2026-03-02T09:30:00+01:00:60",
    ],
)
def test_an_offset_past_59_minutes_or_seconds_is_refused_not_rolled_over(time: str) -> None:
    """'+01:60' is not read as +02:00: it is refused at its path, as the schema refuses it."""
    assert not VALIDATOR.is_valid(json.loads(event(time)))
    with pytest.raises(SchemaError, match="is not an ISO 8601 date and time") as error:
        from_json(event(time), Event)
    assert [p.location for p in error.value.problems] == ["time"]


def test_a_time_without_offset_still_asks_for_one() -> None:
    """The offset check is not confused by a time without offset, or a date alone."""
    for time in ("2026-03-02T09:30:00", "2026-03-02"):
        with pytest.raises(SchemaError, match="has no UTC offset"):
            from_json(event(time), Event)
