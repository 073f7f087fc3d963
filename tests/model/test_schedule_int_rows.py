"""Bad input at the schedule's door: integer participant columns, pandas None, unread ids."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.model import (
    EventTable,
    Goal,
    Season,
    SupportType,
    check_events,
    default_journey,
    schedule_journeys,
)

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])


def _schedule(ids):
    return schedule_journeys(TEMPLATE, ids, [SupportType.COACHING] * len(ids), start=START)


def _events(participant):
    return pd.DataFrame({
        "id": ["ev1"], "participant": participant, "kind": ["step_completed"],
        "time": ["2027-01-04T10:00:00+00:00"], "step": ["kickoff"],
    })  # fmt: skip


@pytest.mark.parametrize("ids", [["10", "20", "30", "0", "1"], ["a", "007"], ["x", "-3"]])
def test_integer_participants_are_refused_when_ids_look_like_integers(ids):
    """An int participant column is refused, naming it, when an id is the text of an integer."""
    schedule = _schedule(ids)
    with pytest.raises(SchemaError, match=r"participant: got integers .*astype\(str\)"):
        check_events(schedule, _events(np.array([1])))
    with pytest.raises(SchemaError, match="participant"):
        schedule.rows_of(np.array([0, 1]))


def test_numeric_ids_read_by_pandas_never_credit_another_row():
    """An HR export with numeric ids is refused, and as text it goes to the right person."""
    schedule = _schedule(["10", "20", "30", "0", "1"])
    with pytest.raises(SchemaError, match="participant"):
        check_events(schedule, _events([1]))
    check = check_events(schedule, _events(np.array([1]).astype(str)))
    assert check.accepted == 1
    assert schedule.rows_of(["1"]).tolist() == [4]


def test_integer_rows_stay_the_fast_path_for_text_ids():
    """When no id looks like an integer, ints are rows, as rows_of gives them."""
    schedule = _schedule(["E0000001", "E0000002", "e-3", "1e5"])
    rows = schedule.rows_of(["E0000002"])
    assert schedule.rows_of(rows).tolist() == [1]
    table = EventTable.from_columns(_events(rows))
    assert check_events(schedule, table).accepted == 1
    assert schedule.rows_of(np.zeros(0, dtype=np.int64)).tolist() == []
    assert _schedule(["10"]).rows_of(np.zeros(0, dtype=np.int64)).tolist() == []


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_pandas_missing_support_and_provider_read_as_none(missing):
    """A pandas column's missing value (NaN, NA, None) is None: no support, no provider."""
    support = pd.Series(["peer_support", missing], dtype=object)
    schedule = schedule_journeys(TEMPLATE, ["a", "b"], support, start=START)
    assert schedule.support.tolist() == [list(SupportType).index(SupportType.PEER_SUPPORT), -1]
    text = pd.Series(["coaching", None])  # pandas 3 stores None as NaN in its str dtype
    provider = pd.Series(["c1", None])
    schedule = schedule_journeys(TEMPLATE, ["a", "b"], text, [2, 0], start=START,
                                 provider=provider)  # fmt: skip
    assert schedule.support.tolist()[1] == -1
    assert schedule.provider.tolist() == ["c1", ""]


def test_a_nan_in_a_plain_list_is_still_not_a_support_type():
    """Outside pandas and polars, a NaN support is refused as before."""
    with pytest.raises(SchemaError, match=r"support\[1\].*float nan"):
        schedule_journeys(TEMPLATE, ["a", "b"], ["coaching", float("nan")], start=START)


def test_unread_ids_report_no_phantom_duplicate():
    """Ids that are not text are reported once, with no duplicate of a placeholder."""
    with pytest.raises(SchemaError) as caught:
        schedule_journeys(TEMPLATE, [1, "b", 2], ["peer_support"] * 3, start=START)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 1
    assert "as text" in messages[0]
    assert not any("more than once" in m for m in messages)
