"""Date-times from JSON: exactly the RFC 3339 texts the schema's ``date-time`` accepts.

``from_json`` read times with Python's ISO 8601 parser, which also takes forms RFC 3339 (the
format of the JSON Schema's ``date-time``) does not: the basic form ``20260302T093000Z``, week
dates, offsets without a colon or without minutes, a space or a line break before the offset,
no seconds, a comma or a bare dot for the fraction. The schema refused these documents and
``from_json`` read them; now both refuse them.
"""

import json

import jsonschema
import pytest

from sparkus import SchemaError
from sparkus.model import Event, from_json, json_schema

VALIDATOR = jsonschema.Draft202012Validator(
    json_schema(Event), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)

TIMES = [
    # read by both
    "2026-03-02T09:30:00+01:00", "2026-03-02t09:30:00z", "2026-03-02T09:30:00.123456789Z",
    "2024-02-29T23:59:59-23:59",
    # refused by both (before: read by from_json only)
    "2026-03-02 09:30:00Z", "2026-03-02T09:30Z", "2026-03-02T09Z", "2026-03-02T09:30:00.Z",
    "2026-03-02T09:30:00,5Z", "2026-03-02T09:30:00+0100", "2026-03-02T09:30:00+01",
    "20260302T093000Z", "2026-W10-1T09:30:00Z", "2026-03-02T093000+01:00",
    "2026-03-02T09:30:00\n+01:00", "2026-03-02T09:30:00 Z",
    # refused by both, as before
    "2026-03-02T09:30:00", "2016-12-31T23:59:60Z", "2026-02-29T09:30:00Z", "yesterday",
]  # fmt: skip


@pytest.mark.parametrize("time", TIMES)
def test_from_json_reads_a_time_exactly_when_the_schema_accepts_it(time: str) -> None:
    """A date-time text is read by from_json if and only if the JSON Schema accepts it."""
    data = {"id": "e1", "participant": "p1", "kind": "activity", "time": time}
    if VALIDATOR.is_valid(data):
        assert from_json(json.dumps(data), Event).time.utcoffset() is not None
    else:
        with pytest.raises(SchemaError) as error:
            from_json(json.dumps(data), Event)
        assert [p.location for p in error.value.problems] == ["time"]
