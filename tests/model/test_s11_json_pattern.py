"""The schemas' date-time pattern is the reader's rule, for validators that skip ``format``.

The JSON Schemas declared a date-time's ``pattern`` as its offset only (``...Z`` or
``...+01:00`` at the end), so a validator that does not assert ``format`` (JSON Schema
2020-12's default) accepted ``"garbage+01:00"``, which ``from_json`` refuses. The pattern is
now RFC 3339's whole date-time, the one definition ``from_json`` reads by; and an attribute
named as a participant field (``team``, ``Manager ID``), which ``from_json`` refuses, is
refused by the participant schema too.
"""

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import Event, Participant, from_json, json_schema

EVENT = jsonschema.Draft202012Validator(json_schema(Event))  # no format checker: the default
PARTICIPANT = jsonschema.Draft202012Validator(json_schema(Participant))


def _reads(text: str, cls: type[Any]) -> bool:
    try:
        from_json(text, cls)
    except SchemaError:
        return False
    return True


OFFSETS = ["Z", "z", "+01:00", "-00:00", "+23:59", "+24:00", "+01:60", "+0100", "+01", "", " Z",
           "\n", "Z\n", "+01:00:30", "-\u0660\u0661:00"]  # fmt: skip
# Each part of a date-time, in spellings RFC 3339 takes and spellings it does not.
SPELLINGS = st.tuples(
    st.sampled_from(["2026", "2024", "2000", "1900", "0000", "0001", "9999", "26", "+2026"]),
    st.sampled_from(["-", ""]),
    st.sampled_from(["01", "02", "04", "12", "13", "00", "1", "W10"]),
    st.sampled_from(["-", ""]),
    st.sampled_from(["28", "29", "30", "31", "00", "1", "-1"]),
    st.sampled_from(["T", "t", " ", "_", "", "\n"]),
    st.sampled_from(["00", "23", "24", "9", "09:30"]),
    st.sampled_from([":00", ":59", ":60", "", "00"]),
    st.sampled_from([":00", ":59", ":60", "", "00"]),
    st.sampled_from(["", ".1", ".123456789", ".", ",5", ".\u0661"]),
    st.sampled_from(OFFSETS),
).map("".join)


@given(SPELLINGS)
@example("garbage+01:00")
@example("2026-03-02T09:30:00+01:00")
@example("2016-12-31T23:59:60Z")
@example("2026-W10-1T09:30:00Z")
@example("20260302T093000Z")
@example("2026-03-02T09:30:00 +01:00")
@example("x2026-03-02T09:30:00Z")
def test_the_schema_pattern_accepts_a_time_exactly_when_from_json_reads_it(time: str) -> None:
    """Without a format checker, the Event schema accepts a time iff from_json reads it."""
    data = {"id": "e1", "participant": "p1", "kind": "activity", "time": time}
    assert EVENT.is_valid(data) == _reads(json.dumps(data), Event)


def _person(name: str) -> dict[str, Any]:
    return {"id": "e1", "level": "manager", "department": "S", "tenure_years": 2,
            "attributes": {name: 1}}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("team", False), ("attributes", False), ("Team", False), ("Manager ID", False),
        ("manager-id", False), ("FOCUS.GOALS", False), ("_tenure__years_", False),
        ("utc_\u200boffset", False), ("\ufeffteam", False), ("Site", True), ("managerid", True),
        ("utc\u200boffset", True), ("teams", True), ("level 2", True), ("Attributes", True),
    ],
)  # fmt: skip
def test_the_participant_schema_refuses_attributes_named_like_a_field(
    name: str, read: bool
) -> None:
    """An attribute named as a field, in the spellings the schema can say, is refused by both."""
    assert _reads(json.dumps(_person(name)), Participant) is read
    assert PARTICIPANT.is_valid(_person(name)) is read


NAME_PARTS = ["team", "TEAM", "Manager", "ID", "id", "utc", "OFFSET", "focus", "goals", "level",
              "_", " ", "-", ".", "/", "\t", "\x1c", "\u200b", "\ufeff", "x", "\uff54\uff45\uff41\uff4d",
              "\u00a0", "\u3000", "\u212a"]  # fmt: skip


@given(st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=5).map("".join))
def test_the_participant_schema_refuses_only_names_from_json_refuses(name: str) -> None:
    """The schema refuses an attribute's name only if from_json does; over ASCII, iff it does."""
    read, valid = (
        _reads(json.dumps(_person(name)), Participant),
        PARTICIPANT.is_valid(_person(name)),
    )
    if name.translate(dict.fromkeys(map(ord, "\u200b\ufeff"))).isascii():
        assert valid == read
    else:
        assert read <= valid
