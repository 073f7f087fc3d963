"""Shared data of the event tests: a two-person schedule and one valid event as columns."""

from __future__ import annotations

import datetime as dt

import numpy as np

from sparkus.model import Goal, Season, SupportType, default_journey, schedule_journeys

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
SCHEDULE = schedule_journeys(default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]),
                             ["a", "b"], [SupportType.COACHING, None], [2, 0], start=START)  # fmt: skip
DAY = dt.datetime(2027, 1, 18, 10, tzinfo=dt.UTC)


def event_columns(**change):
    """One valid step completion as columns, with `change` applied."""
    base = {
        "id": ["e1"], "participant": ["a"], "kind": ["step_completed"],
        "time": np.array([DAY], dtype=object), "step": ["coaching-1"], "value": [None],
    }  # fmt: skip
    base.update(change)
    return base
