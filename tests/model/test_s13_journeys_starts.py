"""Journey starts given as numpy datetime64 values, read as UTC at every door.

The docs read datetime64 starts as UTC, but only a column of them was read: one
``np.datetime64`` for everyone was refused ("expected one aware datetime ... (or datetime64
values in UTC)"), and so was a datetime64 cell in a list, which event times accept.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.model import Goal, Season, default_journey, schedule_journeys

TEMPLATE = default_journey(Season.SPRING, [Goal.LEADERSHIP_DEVELOPMENT])
UTC_START = dt.datetime(2028, 2, 29, 6, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "start",
    [
        np.datetime64("2028-02-29T06:00"),
        np.array("2028-02-29T06:00:00.000", dtype="datetime64[ms]"),
        [np.datetime64("2028-02-29T06", "h"), UTC_START],
    ],
    ids=["scalar", "0-d", "cells"],
)
def test_datetime64_starts_read_as_utc(start: object) -> None:
    """datetime64 starts, one for all or as cells, read as UTC: dues are hand-computed."""
    schedule = schedule_journeys(TEMPLATE, ["a", "b"], ["coaching", "mentoring"], start=start)
    expected = schedule_journeys(TEMPLATE, ["a", "b"], ["coaching", "mentoring"], start=UTC_START)
    assert schedule.fingerprint == expected.fingerprint
    days = [step.day for step in schedule.journey("a").steps]
    hand = [np.datetime64((UTC_START + dt.timedelta(days=d)).replace(tzinfo=None), "s")
            for d in days]  # fmt: skip
    assert schedule.due[: len(days)].tolist() == [h.item() for h in hand]


def test_far_datetime64_start_cell_is_named_by_row() -> None:
    """A datetime64 cell outside the years 1 to 9999 is refused naming its row, not wrapped."""
    far = np.datetime64(10**15, "D")
    with pytest.raises(
        SchemaError, match=r"start: expected times within the years 1 to 9999.*row 1"
    ):
        schedule_journeys(TEMPLATE, ["a", "b"], ["coaching"] * 2, start=[UTC_START, far])
