"""A float field holds a float, so a record equals what JSON gives back and is written alike.

An integer given to a float field was kept as the integer: ``to_json`` wrote ``10**30`` in full,
``from_json`` read it back as the float ``1e30`` (another number), so the record read back was
not equal to the record written; and ``utc_offset=2`` was written ``2`` but ``2.0`` once read.
"""

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import (
    Assessment,
    AssessmentSource,
    CostModel,
    Event,
    EventKind,
    Level,
    Participant,
    Provider,
    SupportType,
    from_json,
    to_json,
)

WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
integers = st.one_of(st.integers(-(2**80), 2**80), st.sampled_from([10**30, 2**53 + 1, -0]))


def assert_round_trip(record: Any) -> None:
    text = to_json(record)
    back = from_json(text, type(record))
    assert back == record
    assert to_json(back) == text


@settings(max_examples=60, deadline=None)
@given(value=integers)
def test_an_integer_event_value_reads_back_equal(value: int) -> None:
    """Event.value=10**30 was written in full and read back as 1e30, a different number."""
    event = Event("e1", "p1", EventKind.SESSION_RATED, WHEN, step="s", value=value)
    assert type(event.value) is float
    assert_round_trip(event)


@settings(max_examples=60, deadline=None)
@given(score=integers.filter(lambda v: 0 <= v < 10**30))
def test_integer_scores_and_scales_read_back_equal(score: int) -> None:
    """Scores and the scale, given as integers, are floats: equal once read back."""
    record = Assessment("p1", AssessmentSource.SELF, {"x": score}, WHEN, scale=(0, 10**30))
    assert type(record.scores["x"]) is float
    assert [type(v) for v in record.scale] == [float, float]
    assert_round_trip(record)


def test_every_float_field_holds_a_float() -> None:
    """Integers (Python or numpy) in float fields are stored as floats, written as floats."""
    person = Participant("a", Level.MANAGER, "S", np.int64(3), utc_offset=2)
    assert (type(person.tenure_years), type(person.utc_offset)) == (float, float)
    assert '"tenure_years": 3.0' in to_json(person)
    assert_round_trip(person)
    provider = Provider("c", SupportType.COACHING, 3, 250, Level.MANAGER, utc_offset=np.uint8(1))
    assert (type(provider.cost_per_session), type(provider.utc_offset)) == (float, float)
    assert_round_trip(provider)
    costs = CostModel({SupportType.COACHING: 300}, session_hours=1, participant_hourly_cost=60,
                      per_participant_cost={SupportType.MENTORING: 10}, fixed_cost=5)  # fmt: skip
    assert {type(v) for v in costs.session_cost.values()} == {float}
    assert {type(v) for v in costs.per_participant_cost.values()} == {float}
    assert_round_trip(costs)


@pytest.mark.parametrize(("value", "message"), [
    (True, "got bool True"), (10**400, "is too large"), ("3", "got str '3'"),
])  # fmt: skip
def test_what_is_no_float_is_still_refused_by_the_check(value: object, message: str) -> None:
    """A bool, an integer too large for a float and text are left to the check to refuse."""
    with pytest.raises(SchemaError, match=message):
        Participant("a", Level.MANAGER, "S", value)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match=message):
        Event("e1", "p1", EventKind.ACTIVITY, WHEN, value=value)  # type: ignore[arg-type]


def test_integer_attributes_stay_integers() -> None:
    """Free attributes keep their type: only fields declared float hold floats."""
    person = Participant("a", Level.MANAGER, "S", 1, attributes={"n": 3, "big": 10**30})
    assert [type(v) for v in person.attributes.values()] == [int, int]
