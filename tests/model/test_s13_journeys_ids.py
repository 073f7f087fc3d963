"""Participant and provider ids of a schedule read by the rules a population keeps.

``schedule_journeys`` read ids through a numpy text array, which drops a trailing NUL: the id
``"e1\\x00"`` was scheduled as ``"e1"`` without a word (and a provider ``"c\\x00"`` as
``"c"``), and two ids alike in Unicode normal form C were scheduled as two people, all of which
a population refuses. A missing id was reported as the text ``''``; and ``journey`` and
``rows_of`` found ``"e1\\x00"`` as ``"e1"``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.model import Goal, Season, default_journey, schedule_journeys

TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("ids", "reason"),
    [
        (["e1\x00", "e2"], r"ids\[0\]: 'e1\\x00' ends in a NUL character"),
        (np.array(["e1\x00b", "e2"]), r"ids\[0\]: 'e1\\x00b' holds a NUL character"),
        (pd.Series(["e2", "e1\x00"], index=[7, 3]), r"ids\[1\]: 'e1\\x00' ends in a NUL"),
        (["caf\u00e9", "cafe\u0301"], r"ids\[1\]: .* repeats participants\[0\], .* Unicode form"),
        (pd.Series(["e1", None], dtype="string"), r"ids\[1\]: is missing \(NAType <NA>\)"),
    ],
    ids=["trailing-nul", "inner-nul", "pandas-nul", "nfc", "missing"],
)  # fmt: skip
def test_ids_a_population_refuses_are_refused_by_row(ids: object, reason: str) -> None:
    """NUL-holding, missing and NFC-twin ids are refused naming the row, never rewritten."""
    with pytest.raises(SchemaError, match=reason):
        schedule_journeys(TEMPLATE, ids, ["coaching", "mentoring"], start=START)


@pytest.mark.parametrize("provider", [["c\x00", None], {"e1": "c\x00"}], ids=["list", "map"])
def test_a_provider_id_with_a_nul_is_refused(provider: object) -> None:
    """A provider ``"c\\x00"`` is refused naming the participant, not read as ``"c"``."""
    with pytest.raises(SchemaError, match=r"provider.*'c\\x00' ends in a NUL character"):
        schedule_journeys(TEMPLATE, ["e1", "e2"], ["coaching", "mentoring"], start=START,
                          provider=provider)  # fmt: skip


def test_lookups_never_read_an_id_with_a_nul_as_another() -> None:
    """``"e1\\x00"`` is not found as ``"e1"`` by ``journey`` or ``rows_of``: it is refused."""
    schedule = schedule_journeys(TEMPLATE, ["e1", "e2"], ["coaching", "mentoring"], start=START)
    with pytest.raises(SchemaError, match=r"participant_id: 'e1\\x00' ends in a NUL"):
        schedule.journey("e1\x00")
    with pytest.raises(SchemaError, match=r"ids: text with a NUL character .* in row 1"):
        schedule.rows_of(["e2", "e1\x00"])
    with pytest.raises(SchemaError, match=r"ids: expected participant ids as text, got int 1"):
        schedule.rows_of(["e2", 1])
