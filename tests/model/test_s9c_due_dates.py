"""A journey step due past year 9999 is refused naming the step, not a bare OverflowError.

``Journey.due`` added the step's day to the start: a day read from JSON as ``1e300`` (an
integer for JSON), or a start at the end of 9999, raised Python's OverflowError.
"""

import datetime as dt

import pytest

from sparkus import SchemaError
from sparkus.model import Journey, Step, StepKind, from_json


@pytest.mark.parametrize(
    ("start", "day"),
    [("2026-03-02T09:30:00+01:00", "1e300"), ("2026-03-02T09:30:00+01:00", "10000000000"),
     ("9999-12-31T00:00:00Z", "1")],
)  # fmt: skip
def test_a_due_date_past_9999_is_a_schema_error_at_the_step(start: str, day: str) -> None:
    """The JSON reads; asking when the step is due says why there is no such date."""
    text = ('{"participant_id": "a", "start": "' + start + '", "steps": '
            '[{"id": "k", "kind": "kickoff_webinar", "day": ' + day + "}]}")  # fmt: skip
    journey = from_json(text, Journey)
    with pytest.raises(SchemaError, match="past the last date a time can hold") as error:
        journey.due("k")
    assert [p.location for p in error.value.problems] == ["step_id"]


def test_a_due_date_inside_the_range_is_unchanged() -> None:
    """The last day that a time holds is still a due date."""
    start = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
    journey = Journey("a", start, (Step("k", StepKind.KICKOFF_WEBINAR, 1),))
    assert journey.due("k") == dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
