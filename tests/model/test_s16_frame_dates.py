"""Dates of hire in the forms frames hold them, and column names an export repeats.

A polars column of zoned datetimes gave its days in UTC where the same pandas column gave them
in its zone (a hire at midnight in Tokyo was a day earlier from polars); pandas' ``NaT`` as
``as_of`` escaped as a bare TypeError; numpy's unit conversion turned pandas' ``Timestamp.min``
(1677) into 2262 in the message refusing it; numpy's NaT among dates of an object column was
not a blank. Two columns whose names read alike (the number 1 and the text ``"1"``, or a
pandas label given twice) were read as one, the other silently dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

from sparkus import SchemaError
from sparkus.model import Population

AS_OF = "2025-06-30"
HIRES = ["2020-01-01 00:00", "2010-06-30 00:00", "2024-12-31 00:30"]


def _people(n: int = 3) -> dict[str, list[Any]]:
    return {"id": [f"e{i}" for i in range(n)], "level": ["manager"] * n,
            "department": ["Sales"] * n}  # fmt: skip


def _tenure(frame: Any) -> list[float]:
    return Population.from_frame(frame, as_of=AS_OF)["tenure_years"].tolist()


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_polars_zoned_dates_count_on_their_local_day_like_pandas(zone: str) -> None:
    """A zoned datetime column gives the same tenure from polars, from pandas and naive."""
    naive = pd.DataFrame({**_people(), "tenure_years": pd.to_datetime(HIRES)})
    zoned = naive.assign(tenure_years=naive["tenure_years"].dt.tz_localize(zone))
    polars = pl.DataFrame(_people()).with_columns(
        tenure_years=pl.Series(HIRES).str.to_datetime().dt.replace_time_zone(zone)
    )
    assert _tenure(polars) == _tenure(zoned) == _tenure(naive)


def test_polars_zoned_dates_leave_the_frame_as_it_was() -> None:
    """Reading a zoned polars column does not change the caller's frame."""
    frame = pl.DataFrame(_people()).with_columns(
        tenure_years=pl.Series(HIRES).str.to_datetime().dt.replace_time_zone("Asia/Tokyo")
    )
    before = frame.clone()
    _tenure(frame)
    assert frame.equals(before)
    assert frame.schema == before.schema


@pytest.mark.parametrize("as_of", [pd.NaT, np.datetime64("NaT", "D")])
def test_missing_as_of_is_a_schema_error(as_of: object) -> None:
    """A missing `as_of` (NaT) is refused naming `as_of`, never a bare TypeError."""
    frame = pd.DataFrame({**_people(), "tenure_years": pd.to_datetime(HIRES)})
    with pytest.raises(SchemaError, match=r"as_of: expected a date"):
        Population.from_frame(frame, as_of=as_of)  # type: ignore[arg-type]


def test_earliest_pandas_time_is_named_as_its_own_date() -> None:
    """pandas' Timestamp.min (1677) is refused as 1677-09-21, not as a day in 2262."""
    frame = pd.DataFrame(
        {**_people(2), "tenure_years": [pd.Timestamp.min, pd.Timestamp("2000-01-01")]}
    )
    with pytest.raises(SchemaError) as info:
        Population.from_frame(frame, as_of=AS_OF)
    text = str(info.value)
    assert "participants[0].tenure_years: the date 1677-09-21" in text
    assert "2262" not in text


def test_earliest_numpy_time_as_of_is_not_wrapped() -> None:
    """An `as_of` in the first nanoseconds numpy holds is refused as out of range, as itself."""
    frame = pd.DataFrame({**_people(), "tenure_years": pd.to_datetime(HIRES)})
    earliest = np.datetime64(-(2**63) + 1, "ns")
    with pytest.raises(SchemaError, match=r"as_of: 1677-09-21 is out of range"):
        Population.from_frame(frame, as_of=earliest)  # type: ignore[arg-type]


def test_numpy_nat_among_dates_is_a_blank() -> None:
    """numpy's NaT in an object column of dates is a blank cell, like pandas' NaT and None."""
    cells = [dt.date(2020, 1, 1), np.datetime64("NaT"), dt.date(2010, 1, 1)]
    frame = pd.DataFrame({**_people(), "tenure_years": pd.Series(cells, dtype=object)})
    with pytest.raises(SchemaError) as info:
        Population.from_frame(frame, as_of=AS_OF)
    assert [p.path for p in info.value.problems] == [("participants", 1, "tenure_years")]
    assert "is blank in the export" in str(info.value)


def test_columns_named_alike_are_refused_not_dropped() -> None:
    """The number 1 and the text "1" as column names are refused, naming both."""
    frame = pd.DataFrame({**_people(2), "tenure_years": [1.0, 2.0]})
    frame[1] = [10, 20]
    frame["1"] = ["x", "y"]
    with pytest.raises(SchemaError, match=r"2 columns of the export are named '1' \(1, '1'\)"):
        Population.from_frame(frame)
    with pytest.raises(SchemaError, match=r"named '1'"):
        Population.from_frame({**_people(2), "tenure_years": [1.0, 2.0], 1: [1, 2], "1": [3, 4]})  # type: ignore[arg-type]


def test_a_repeated_pandas_column_is_refused_by_name() -> None:
    """A pandas frame holding two columns of one name is refused naming it."""
    frame = pd.DataFrame({**_people(2), "tenure_years": [1.0, 2.0], "x": [1, 2], "y": [3, 4]})
    frame.columns = ["id", "level", "department", "tenure_years", "x", "x"]
    with pytest.raises(SchemaError, match=r"x: 2 columns of the export are named 'x'"):
        Population.from_frame(frame)
