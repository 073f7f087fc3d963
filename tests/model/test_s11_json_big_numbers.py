"""Integers too large for a float: refused by from_json and by the JSON Schema alike.

A JSON number has no size limit, and a field holds a float. ``from_json`` refused an integer
past the float range (``10**400`` as a day, an attribute, a rating, a scale's end) while the
schema of a number without bounds of its own accepted it. Every number of a schema now stops
where the reader does: at the first integer that ``float()`` cannot hold.
"""

import json
import sys
from typing import Any

import jsonschema
import pytest

from sparkus import SchemaError
from sparkus.model import Assessment, Event, Participant, Step, from_json, json_schema

_TIME = "2026-03-02T09:30:00Z"
DOCUMENTS = {
    "day": (Step, lambda n: {"id": "k", "kind": "kickoff_webinar", "day": n}),
    "attribute": (
        Participant,
        lambda n: {"id": "e", "level": "manager", "department": "S", "tenure_years": 1,
                   "attributes": {"x": n}},
    ),
    "rating": (
        Event,
        lambda n: {"id": "v", "participant": "p", "kind": "activity", "time": _TIME, "value": n},
    ),
    "scale": (
        Assessment,
        lambda n: {"participant_id": "p", "source": "self", "scores": {"a": 0}, "taken_at": _TIME,
                   "scale": [-n, n]},
    ),
}  # fmt: skip
_MAX = int(sys.float_info.max)
NUMBERS = [10**400, 2**1024 - 2**970, _MAX + 1, _MAX, 10**300]


@pytest.mark.parametrize("number", NUMBERS, ids=["1e400", "overflow", "max+1", "max", "1e300"])
@pytest.mark.parametrize("where", list(DOCUMENTS))
def test_a_large_integer_is_read_exactly_when_the_schema_accepts_it(
    where: str, number: int
) -> None:
    """From 10**300 up to past the float range: read if and only if the schema accepts it."""
    cls, build = DOCUMENTS[where]
    data: Any = build(number)
    validator = jsonschema.Draft202012Validator(json_schema(cls))
    if validator.is_valid(data):
        from_json(json.dumps(data), cls)
    else:
        with pytest.raises(SchemaError, match="too large"):
            from_json(json.dumps(data), cls)
