"""Event tables: built from columns or records, and the batches that cannot be read at all."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import Event, EventKind, EventTable, check_events
from tests.model.event_data import DAY, SCHEDULE, event_columns

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
TIME_OK, TIME_MISSING = 0, 1


def test_records_and_columns_agree():
    """Records and columns of the same events give the same encoding."""
    records = [
        Event("r1", "a", EventKind.SESSION_RATED, DAY, step="coaching-1", value=8.0),
        Event("r2", "b", EventKind.ACTIVITY, DAY),
    ]
    table = EventTable.from_records(records)
    cols = EventTable.from_columns({
        "id": ["r1", "r2"], "participant": ["a", "b"],
        "kind": ["session_rated", "activity"],
        "time": np.array(["2027-01-18T10:00", "2027-01-18T10:00"], dtype="datetime64[s]"),
        "step": ["coaching-1", ""], "value": [8.0, np.nan],
    })  # fmt: skip
    for name in ("kind", "time", "step"):
        assert np.array_equal(getattr(table, name), getattr(cols, name))
    np.testing.assert_array_equal(table.value, cols.value)
    assert check_events(SCHEDULE, table).ok


def test_whole_batch_problems_raise():
    """A missing column or columns of different lengths are a SchemaError."""
    with pytest.raises(SchemaError, match="missing required column"):
        EventTable.from_columns({"id": [1]})
    with pytest.raises(SchemaError, match="differ in length"):
        EventTable.from_columns(event_columns(id=["a", "b"]))
    # named as the caller gave them: not the table's own flag column, nor the step and value
    # columns it fills when they are left out
    with pytest.raises(SchemaError, match=r"\(id: 2, participant: 1, kind: 1, time: 1\); pass"):
        EventTable.from_columns({"id": ["a", "b"], "participant": ["e1"], "kind": ["activity"],
                                 "time": np.array(["2027-01-05T10:00"], "datetime64[s]")})  # fmt: skip
    with pytest.raises(SchemaError, match="expected an Event"):
        EventTable.from_records(["not an event"])  # type: ignore[list-item]


# -- data frames and the types of ids (issue 12) ----------------------------------------------


def _frame_columns():
    return {
        "id": ["r1", "r2"],
        "participant": ["a", "b"],
        "kind": ["session_rated", "activity"],
        "time": np.array(["2027-01-18T10:00", "2027-01-18T11:00"], dtype="datetime64[ms]"),
        "step": ["coaching-1", None],
        "value": [8.0, np.nan],
    }


def test_pandas_frame_is_a_table():
    """A pandas DataFrame (with its own index, missing steps as None) reads like a mapping."""
    import pandas as pd

    frame = pd.DataFrame(_frame_columns(), index=[17, 4])
    table = EventTable.from_columns(frame)
    assert table.step.tolist() == ["coaching-1", ""]
    assert check_events(SCHEDULE, frame).ok
    assert check_events(SCHEDULE, frame.astype({"step": object}).fillna({"step": np.nan})).ok


def test_polars_frame_is_a_table():
    """A polars DataFrame reads like a mapping of columns."""
    import polars as pl

    frame = pl.DataFrame(_frame_columns())
    assert check_events(SCHEDULE, frame).ok


@pytest.mark.parametrize("backend", ["dict", "pandas", "polars"])
def test_a_column_that_is_not_an_events_is_refused(backend):
    """A typo (`values`) or a column of a wider table is refused, naming it, as an unknown key
    of an event dict is: ignored, the typo would drop every value without a word."""
    columns = _frame_columns()
    columns["values"] = columns.pop("value")
    columns["source"] = ["hr", "hr"]
    if backend == "pandas":
        columns = __import__("pandas").DataFrame(columns)
    elif backend == "polars":
        columns = __import__("polars").DataFrame(columns)
    with pytest.raises(SchemaError, match="not an event column") as info:
        EventTable.from_columns(columns)
    assert sorted(p.path for p in info.value.problems) == [("source",), ("values",)]


def test_misaligned_pandas_columns_are_refused():
    """Columns given as pandas Series with different indexes are refused, never paired by row."""
    import pandas as pd

    columns = {k: pd.Series(v, index=[0, 1]) for k, v in _frame_columns().items()}
    columns["value"] = pd.Series([np.nan, 8.0], index=[1, 0])
    aligned = EventTable.from_columns(columns)
    assert aligned.value[0] == 8.0  # put in the order of the first column's index
    columns["value"] = pd.Series([8.0, np.nan], index=[5, 6])
    with pytest.raises(SchemaError, match="value"):
        EventTable.from_columns(columns)


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("id", [1.5, 2.0]),
        ("id", np.array([2**63, 1], dtype=np.uint64)),
        ("id", [True, False]),
        ("id", [b"x", b"y"]),
        ("participant", [1.5, 0.0]),
        ("participant", np.array([2**63, 0], dtype=np.uint64)),
        ("id", np.array([object(), 1], dtype=object)),
    ],
)
def test_ids_must_be_text_or_int64(column, values):
    """Float, bool, bytes or out-of-range ids are refused naming the column and the rows."""
    columns = _frame_columns()
    columns[column] = values
    with pytest.raises(SchemaError, match=rf"{column}.*rows? 0"):
        EventTable.from_columns(columns)


def test_int_ids_of_any_width_are_kept():
    """numpy integer ids of any width, and uint64 ids below 2**63, are kept exactly."""
    columns = _frame_columns()
    columns["id"] = np.array([2**63 - 1, 7], dtype=np.uint64)
    assert EventTable.from_columns(columns).id.tolist() == [2**63 - 1, 7]


def test_events_that_are_not_a_table():
    """Anything that is not a table, columns or records is a SchemaError naming `events`."""
    for bad in (5, "events", None, {"id": 5}):
        with pytest.raises(SchemaError, match=r"events|id"):
            check_events(SCHEDULE, bad)


# -- cells numpy would change: far times, NaN among text, bools, NUL characters (issue 16) ----


def _one_event(**change):
    """One activity of participant "a" as columns of lists, with `change` applied."""
    columns = {"id": ["e1"], "participant": ["a"], "kind": ["activity"],
               "time": ["2027-01-18T10:00:00+00:00"]}  # fmt: skip
    columns.update(change)
    return columns


UNITS = ("Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as")
TICK = {"W": 604_800, "D": 86_400, "h": 3_600, "m": 60, "s": 1, "ms": Fraction(1, 10**3),
        "us": Fraction(1, 10**6), "ns": Fraction(1, 10**9), "ps": Fraction(1, 10**12),
        "fs": Fraction(1, 10**15), "as": Fraction(1, 10**18)}  # fmt: skip
FIRST, LAST = -62_135_596_800, 253_402_300_799  # 0001-01-01 and 9999-12-31T23:59:59, UTC


def _exact_seconds(ticks: int, unit: str) -> int | None:
    """The second (rounded down) a datetime64 tick falls in, None outside the years 1 to 9999."""
    if unit in ("Y", "M"):
        months = ticks * 12 if unit == "Y" else ticks
        year, month = 1970 + months // 12, months % 12 + 1
        if not 1 <= year <= 9999:
            return None
        return int((dt.datetime(year, month, 1, tzinfo=dt.UTC) - EPOCH).total_seconds())
    seconds = math.floor(ticks * Fraction(TICK[unit]))
    return seconds if FIRST <= seconds <= LAST else None


@settings(max_examples=300)
@given(st.sampled_from(UNITS), st.integers(-(2**63) + 1, 2**63 - 1) | st.integers(-(10**7), 10**7))
def test_datetime64_times_are_exact_or_refused(unit, ticks):
    """A datetime64 time of any unit is read exactly, or refused naming its row; never wrapped."""
    columns = _one_event(id=["e1", "e2"], participant=["a", "a"], kind=["activity"] * 2,
                         time=np.array([0, ticks], dtype=f"datetime64[{unit}]"))  # fmt: skip
    expected = _exact_seconds(ticks, unit)
    if expected is None:
        with pytest.raises(SchemaError, match=r"time: expected times within the years 1 to "
                                              r"9999, got .* in row 1"):  # fmt: skip
            EventTable.from_columns(columns)
    else:
        table = EventTable.from_columns(columns)
        assert table.time.tolist() == [0, expected]
        assert table.time_flag.tolist() == [TIME_OK, TIME_OK]


@pytest.mark.parametrize("unit", UNITS)
def test_the_years_1_and_9999_are_read_in_every_unit(unit):
    """The first and last ticks within the years 1 to 9999 are read, one beyond is refused."""
    if unit in ("Y", "M"):
        first, last = (1 - 1970, 9999 - 1970) if unit == "Y" else ((1 - 1970) * 12, 8029 * 12 + 11)
    else:
        first, last = math.ceil(FIRST / Fraction(TICK[unit])), math.floor((LAST + 1) / Fraction(
            TICK[unit]) - Fraction(1, 2**64))  # fmt: skip
    for ticks, ok in ((first, True), (first - 1, False), (last, True), (last + 1, False)):
        if not -(2**63) < ticks < 2**63:
            continue
        columns = _one_event(time=np.array([ticks], dtype=f"datetime64[{unit}]"))
        if ok:
            assert EventTable.from_columns(columns).time.tolist() == [_exact_seconds(ticks, unit)]
        else:
            with pytest.raises(SchemaError, match="years 1 to 9999"):
                EventTable.from_columns(columns)


def test_the_far_day_of_the_fuzzer_is_refused():
    """A day in the year 263,633,876,215,515 is refused as a column, a list cell or a dict cell."""
    far = np.datetime64(96290296032926006, "D")
    with pytest.raises(SchemaError, match=r"time.*years 1 to 9999.*row 0"):
        EventTable.from_columns(_one_event(time=np.array([far])))
    mixed = _one_event(id=["e1", "e2"], participant=["a", "a"], kind=["activity"] * 2,
                       time=[np.datetime64(0, "ns"), far])  # fmt: skip
    with pytest.raises(SchemaError, match=r"time.*years 1 to 9999.*row 1"):
        EventTable.from_columns(mixed)
    with pytest.raises(SchemaError, match=r"time.*years 1 to 9999.*row 0"):
        EventTable.from_records([{"id": "e1", "participant": "a", "kind": "activity",
                                  "time": far}])  # fmt: skip


def test_datetime64_cells_read_like_a_datetime64_column():
    """datetime64 cells in a list or an event dict are read as UTC, like a datetime64 column."""
    day = np.datetime64("2027-01-18T10:00", "m")
    column = EventTable.from_columns(_one_event(time=np.array([day])))
    cells = EventTable.from_columns(_one_event(time=[day]))
    record = EventTable.from_records([{"id": "e1", "participant": "a", "kind": "activity",
                                       "time": day}])  # fmt: skip
    assert column.time.tolist() == cells.time.tolist() == record.time.tolist()
    assert record.time_flag.tolist() == [TIME_OK]
    assert check_events(SCHEDULE, [{"id": "e1", "participant": "a", "kind": "activity",
                                    "time": np.datetime64("NaT")}]).rejected[0].reasons == (
        ("time", "is missing"),)  # fmt: skip


@pytest.mark.parametrize("column", ["id", "participant", "step"])
def test_nan_among_text_is_missing(column):
    """A float NaN in a list of text is a missing cell (as in a DataFrame), never "nan"."""
    columns = _one_event(id=["e1", "e2"], participant=["a", "b"], kind=["activity"] * 2,
                         time=["2027-01-18T10:00:00+00:00"] * 2, step=["", ""])  # fmt: skip
    columns[column] = [columns[column][0], float("nan")]
    table = EventTable.from_columns(columns)
    assert getattr(table, column).tolist()[1] == ""
    import pandas as pd

    frame = EventTable.from_columns(pd.DataFrame(columns))
    assert getattr(frame, column).tolist() == getattr(table, column).tolist()


def test_nan_time_in_a_list_is_missing():
    """A NaN among ISO times in a list is a missing time, not unreadable text "nan"."""
    table = EventTable.from_columns(_one_event(id=["e1", "e2"], participant=["a", "a"],
                                               kind=["activity"] * 2,
                                               time=["2027-01-18T10:00:00+00:00", np.nan]))  # fmt: skip
    assert table.time_flag.tolist() == [TIME_OK, TIME_MISSING]


@pytest.mark.parametrize(
    "values",
    [[True, 9], [9.5, True], np.array([True, False]), np.array([True, 9], dtype=object)],
)
def test_bool_values_are_refused_as_in_dicts(values):
    """A bool in a value column is "not a finite number", as in a dict; numbers beside it stay."""
    columns = _one_event(id=["r1", "r2"], participant=["a", "a"], kind=["session_rated"] * 2,
                         time=["2027-01-18T10:00:00+00:00"] * 2, step=["coaching-1"] * 2,
                         value=values)  # fmt: skip
    check = check_events(SCHEDULE, columns)
    bools = [i for i, v in enumerate(list(values)) if isinstance(v, bool | np.bool_)]
    assert [r.row for r in check.rejected] == bools
    assert all(r.reasons == (("value", "is not a finite number"),) for r in check.rejected)
    as_dicts = check_events(SCHEDULE, [
        {k: (v[i].item() if isinstance(v[i], np.generic) else v[i]) for k, v in columns.items()}
        for i in range(2)])  # fmt: skip
    assert as_dicts.rejected == check.rejected


def test_text_values_are_refused_where_they_are_text():
    """Text in a value list is refused in its own row; a NaN beside it stays a missing value."""
    columns = _one_event(id=["a", "b"], participant=["a", "a"], kind=["activity", "session_rated"],
                         time=["2027-01-18T11:00:00+00:00"] * 2, step=["", "coaching-1"],
                         value=[float("nan"), "9"])  # fmt: skip
    check = check_events(SCHEDULE, columns)
    assert [(r.row, r.reasons) for r in check.rejected] == [
        (1, (("value", "is not a finite number"),))]  # fmt: skip


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("id", "e1\x00"),
        ("participant", "a\x00"),
        ("step", "kickoff\x00"),
        ("participant", "a\x00b"),
    ],
)
def test_nul_characters_are_refused(column, text):
    """Text with a NUL in an id, participant or step is refused naming the column and the row."""
    columns = _one_event(id=["e0", "e1"], participant=["a", "a"], kind=["activity"] * 2,
                         time=["2027-01-18T10:00:00+00:00"] * 2, step=["", ""])  # fmt: skip
    columns[column] = [columns[column][0], text]
    for batch in (columns, {**columns, column: np.array(columns[column], dtype=object)}):
        with pytest.raises(SchemaError, match=rf"{column}: text with a NUL.* in row 1"):
            EventTable.from_columns(batch)
    dicts = [{k: v[i] for k, v in columns.items()} for i in range(2)]
    with pytest.raises(SchemaError, match=rf"{column}: text with a NUL.* in row 1"):
        EventTable.from_records(dicts)


def test_ids_differing_by_a_nul_do_not_collide():
    """Event ids "a" and "a\x00" are not read as one id: the batch is refused."""
    with pytest.raises(SchemaError, match=r"id: text with a NUL.*row 1"):
        check_events(SCHEDULE, _one_event(id=["a", "a\x00"], participant=["a", "a"],
                                          kind=["activity"] * 2,
                                          time=["2027-01-18T10:00:00+00:00"] * 2))  # fmt: skip


def test_a_kind_with_a_nul_is_not_a_kind():
    """A kind "activity\x00" is not an event kind (numpy would read it as "activity")."""
    check = check_events(SCHEDULE, _one_event(kind=["activity\x00"]))
    assert check.rejected[0].reasons[0][0] == "kind"


def test_missing_cells_of_a_nullable_integer_column_are_named():
    """Missing cells of a nullable integer column refuse their own rows (a step: none)."""
    import pandas as pd
    import polars as pl

    columns = _one_event(id=pd.Series([1, pd.NA], dtype="Int64"), participant=["a", "a"],
                         kind=["activity"] * 2, time=["2027-01-18T10:00:00+00:00"] * 2)  # fmt: skip
    for ids in (columns["id"], pl.Series([1, None], dtype=pl.Int64)):
        check = check_events(SCHEDULE, {**columns, "id": ids})
        assert [r.row for r in check.rejected] == [1]
        assert check.rejected[0].reasons[0][0] == "id"
    steps = EventTable.from_columns({**columns, "id": ["x", "y"],
                                     "step": pd.Series([3, pd.NA], dtype="Int64")})  # fmt: skip
    assert steps.step.tolist() == [3, -1]


def test_out_of_range_ids_in_a_list_name_their_rows():
    """An id past the int64 range in a list is named with its own row, as an int."""
    columns = _one_event(id=[1, 2**63, -1], participant=["a"] * 3, kind=["activity"] * 3,
                         time=["2027-01-18T10:00:00+00:00"] * 3)  # fmt: skip
    with pytest.raises(SchemaError, match=r"got int 9223372036854775808 in row 1$"):
        EventTable.from_columns(columns)


@pytest.mark.parametrize(
    "values",
    [["a", 1.5], ["a", True], ["a", b"x"]],
)
def test_non_ids_among_text_ids_are_refused(values):
    """A float, a bool or bytes beside text ids in a list is refused, not read as text."""
    columns = _one_event(id=values, participant=["a", "a"], kind=["activity"] * 2,
                         time=["2027-01-18T10:00:00+00:00"] * 2)  # fmt: skip
    with pytest.raises(SchemaError, match=r"id: expected event ids.* in row 1"):
        EventTable.from_columns(columns)


def test_a_list_in_a_list_column_is_named():
    """A list holding a list where one value belongs is refused naming the column and row."""
    columns = _one_event(id=["e0", ["e1", "e2"]], participant=["a", "a"], kind=["activity"] * 2,
                         time=["2027-01-18T10:00:00+00:00"] * 2)  # fmt: skip
    with pytest.raises(SchemaError, match=r"id: expected one value per row, got list.* row 1"):
        EventTable.from_columns(columns)


def test_an_out_of_scale_rating_is_shown_as_given():
    """10.0000001 is outside the 0-10 scale; the message had rounded it to 10."""
    table = EventTable.from_columns(event_columns(kind=["session_rated"], value=[10.0000001]))
    report = check_events(SCHEDULE, table)
    (problem,) = report.rejected
    assert "got 10.0000001" in str(problem)
