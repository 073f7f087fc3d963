"""A dashboard document with an integer beyond the floats is refused at its path.

JSON has no limit on integers: ``float(10**400)`` raised a bare OverflowError out of
``read_dashboard`` and ``render_html``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker, render_html
from sparkus.metrics._tracking.reader import read_dashboard
from tests.metrics.tracking.test_tracker import DEPARTMENTS, PROGRAM, SCHEDULE, START


@pytest.mark.parametrize("big", [10**400, -(10**400)])
@pytest.mark.parametrize("field", ["active", "completion_rate"])  # a count, a number
@pytest.mark.parametrize("read", [read_dashboard, render_html])
def test_an_integer_beyond_the_floats_is_refused_naming_its_path(read, field, big):
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"department": DEPARTMENTS})
    document = tracker.snapshot(as_of=START + dt.timedelta(days=30)).to_json_dict()
    document["totals"][field] = big
    with pytest.raises(SchemaError, match=rf"totals\.{field}: .*one beyond the range of floats"):
        read(document)
