"""The dashboard reader reads a series' dates as its JSON Schema's pattern does.

``date.fromisoformat`` also takes ``"20270104"`` and ``"2027-W01-1"`` (Python 3.11), which the
schema's calendar-date pattern refuses: the reader read dashboards the schema called invalid.
"""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker, dashboard_schema
from sparkus.metrics._tracking.reader import read_dashboard
from tests.metrics.tracking.test_tracker import DEPARTMENTS, PROGRAM, SCHEDULE, START


@pytest.mark.parametrize("text", ["20270104", "2027-W01-1", "2027-004", "2027-01-04 "])
def test_a_date_the_schema_refuses_the_reader_refuses(text):
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    document = tracker.snapshot(as_of=START + dt.timedelta(days=30)).to_json_dict()
    series = document["engagement"]["series"]
    assert series, "the snapshot has an engagement series"
    series[0]["date"] = text
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, dashboard_schema())
    with pytest.raises(SchemaError, match=r"engagement\.series\[0\]\.date: expected an ISO date"):
        read_dashboard(document)
