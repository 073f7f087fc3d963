"""Starts of journeys given as pandas columns with missing or extreme times.

A zoned pandas column of starts holding NaT made ``schedule_journeys`` raise pandas' bare
ValueError (``NaTType does not support utcoffset``), and ``start=pd.NaT`` was called a naive
datetime; pandas' ``Timestamp.min`` (1677) was refused as a start in 2262, numpy's unit
conversion having wrapped it around.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.model import Goal, Season, default_journey, schedule_journeys

TEMPLATE = default_journey(Season.SPRING, (Goal.LEADERSHIP_DEVELOPMENT,))
IDS = pd.Series(["a", "b", "c"])
SUPPORT = pd.Series(["coaching"] * 3)


def test_missing_start_in_a_zoned_column_is_named_by_row() -> None:
    """NaT among zoned starts is a SchemaError naming its row, not pandas' ValueError."""
    start = pd.Series(pd.to_datetime(["2027-01-05 10:00", None, "2027-01-06 09:00"]))
    with pytest.raises(SchemaError) as info:
        schedule_journeys(TEMPLATE, IDS, SUPPORT, start=start.dt.tz_localize("Europe/Paris"))
    assert [p.path for p in info.value.problems] == [("start", 1)]
    assert "is missing" in str(info.value)


def test_one_missing_start_is_not_called_naive() -> None:
    """``start=pd.NaT`` is refused as missing."""
    with pytest.raises(SchemaError, match=r"start: is missing \(NaTType NaT\)"):
        schedule_journeys(TEMPLATE, ["a"], ["coaching"], start=pd.NaT)


def test_earliest_pandas_start_is_named_as_its_own_date() -> None:
    """pandas' Timestamp.min as a start is refused as 1677-09-21, not a time in 2262."""
    start = pd.Series([pd.Timestamp.min, pd.Timestamp("2027-01-01"), pd.Timestamp("2027-01-01")])
    with pytest.raises(SchemaError) as info:
        schedule_journeys(TEMPLATE, IDS, SUPPORT, start=start)
    assert "got 1677-09-21T00:12:43 in row 0" in str(info.value)
    assert "2262" not in str(info.value)


def test_zoned_pandas_starts_read_as_their_instants() -> None:
    """Starts in Tokyo are the same instants as the same starts given in UTC."""
    local = pd.Series(pd.to_datetime(["2027-01-05 10:00"] * 3)).dt.tz_localize("Asia/Tokyo")
    tokyo = schedule_journeys(TEMPLATE, IDS, SUPPORT, start=local)
    utc = schedule_journeys(TEMPLATE, IDS, SUPPORT, start=local.dt.tz_convert("UTC"))
    assert tokyo.to_frame()["start"].tolist() == utc.to_frame()["start"].tolist()
