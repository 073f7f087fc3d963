"""`simulate_events` reads `readiness` through the shared array intake.

Issue 16: a numpy masked array was read with ``np.asarray``, so a masked (missing) readiness
became its hidden data and drove that participant's simulated engagement without a word.
"""

import datetime as dt

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import simulate_events
from sparkus.model import Goal, Season, default_journey, schedule_journeys


@pytest.fixture(scope="module")
def schedule():
    template = default_journey(Season.SUMMER, [Goal.TEAM_COLLABORATION])
    return schedule_journeys(template, ["a", "b", "c"], ["peer_support"] * 3,
                             start=dt.datetime(2027, 6, 7, tzinfo=dt.UTC))  # fmt: skip


def test_masked_readiness_is_refused(schedule):
    """A masked cell is missing, not a number: refused, naming `readiness`."""
    readiness = np.ma.masked_array([0.5, 9.0, -0.2], mask=[False, True, False])
    with pytest.raises(SchemaError, match=r"readiness: expected 3 finite numbers"):
        simulate_events(schedule, rng=0, readiness=readiness)
    unmasked = np.ma.masked_array([0.5, 9.0, -0.2])  # nothing masked: read as the numbers
    same = simulate_events(schedule, rng=0, readiness=np.array([0.5, 9.0, -0.2]))
    assert np.array_equal(simulate_events(schedule, rng=0, readiness=unmasked).time, same.time)
