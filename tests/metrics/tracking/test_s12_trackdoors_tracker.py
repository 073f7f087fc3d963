"""The Tracker's doors: as_of before the program, as_of as numpy datetime64, a load for another rule."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import attrs
import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker, render_html
from tests.metrics.tracking.test_tracker_groups_index import (  # the same 40-person pilot
    EVENTS,
    PROGRAM,
    SCHEDULE,
    START,
    N,
)


def _tracker() -> Tracker:
    tracker = Tracker(PROGRAM, SCHEDULE, groups={"site": np.repeat(["Lyon", "Paris"], N // 2)})
    tracker.update(EVENTS)
    return tracker


@pytest.mark.parametrize(
    "as_of",
    [
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        START - dt.timedelta(seconds=1),
        dt.datetime(2027, 1, 4, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),  # 23:30 UTC
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
    ],
    ids=["2020", "a second before", "just before in UTC+1", "year 1"],
)
def test_a_snapshot_before_the_first_start_shows_no_day_after_its_moment(as_of):
    """Before anyone starts the series is empty: the first day's activity (26 people) is not shown."""
    tracker = _tracker()
    board = tracker.snapshot(as_of=as_of, release=False)
    assert board.engagement.series == ()
    assert board.totals.participants == N
    assert board.totals.active == 0
    assert board.totals.participation_rate is None  # nobody has started: nothing to divide by
    assert all(step.due == 0 for step in board.funnel)
    assert "2027-01-04" not in render_html(board)
    # The first day's point appears once as_of reaches it, counting that whole UTC day: 26 is
    # pandas' count of distinct participants with an activity, step_completed or session_rated
    # event dated 2027-01-04 (UTC) in EVENTS (checked by hand, df[...].participant.nunique()).
    first = tracker.snapshot(as_of=START, release=False)
    assert [(p.date, p.active, p.enrolled) for p in first.engagement.series] == [
        (dt.date(2027, 1, 4), 26, N)
    ]


@pytest.mark.parametrize(
    ("as_of", "shown"),
    [
        (np.datetime64("2027-03-01"), "'2027-03-01'"),
        (np.datetime64("2027-03-01T00:00:00.000000000"), "'2027-03-01T00:00:00.000000000'"),
    ],
)
def test_as_of_in_numpy_datetime64_is_refused_saying_what_to_pass(as_of, shown):
    """A datetime64 has no time zone: refused showing the value as a time and the fix."""
    with pytest.raises(SchemaError, match="as_of: expected an aware datetime") as error:
        _tracker().snapshot(as_of=as_of, release=False)
    assert f"numpy datetime64 {shown}, which carries no time zone" in str(error.value)
    assert "tz='UTC'" in str(error.value)


def test_a_state_loaded_for_another_minimum_group_size_names_it():
    """Loading with the same program name but another min_group_size says which rule was saved."""
    buffer = io.BytesIO()
    _tracker().save(buffer)
    buffer.seek(0)
    other = attrs.evolve(PROGRAM, min_group_size=3)
    with pytest.raises(SchemaError, match=r"program: is not 'Pilot' \(min_group_size 5\) as saved"):
        Tracker.load(buffer, other, SCHEDULE)


def test_labels_that_print_alike_are_refused_at_the_constructor():
    """Decimal('0.1') and 0.1 are two groups both named '0.1': refused naming the grouping."""
    labels = np.array([Decimal("0.1")] * (N // 2) + [0.1] * (N // 2), dtype=object)
    with pytest.raises(SchemaError, match=r"groups\.band: expected a str or number label per "
                                          r"person, got Decimal\('0\.1'\)"):  # fmt: skip
        Tracker(PROGRAM, SCHEDULE, groups={"band": labels})
