"""Real HR exports into a population: numbers as text, labels to blanks, headers, dtypes, days."""

from __future__ import annotations

import copy
import decimal
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

from sparkus import SchemaError
from sparkus.cli._csv import number as csv_number
from sparkus.model import Population

PEOPLE: dict[str, Any] = {
    "id": ["a", "b", "c", "d"],
    "level": ["manager"] * 4,
    "department": ["Sales"] * 4,
    "tenure_years": [1.0, 2.0, 3.0, 4.0],
}
SCALE = {"q": (1.0, 5.0)}


def _export(**columns: Any) -> dict[str, Any]:
    return {**PEOPLE, **columns}


@pytest.mark.parametrize(
    ("cells", "labels", "scales", "expected"),
    [
        (["3", " 4 ", "3.0", "Agree"], {"q": {"Agree": 4}}, SCALE, [3.0, 4.0, 3.0, 4.0]),
        (["3", "2", "1.5", "5"], None, SCALE, [3.0, 2.0, 1.5, 5.0]),
        (["3", "Agree", "\u00a02\u00a0", "1"], {"q": {"agree": 4}}, None, [3.0, 4.0, 2.0, 1.0]),
        (["1", "Agree", "1", "2"], {"q": {"1": 5, "Agree": 4}}, SCALE, [5.0, 4.0, 5.0, 2.0]),
    ],
)
def test_numbers_written_as_text_in_answers_are_numbers(
    cells: list[str], labels: Any, scales: Any, expected: list[float]
) -> None:
    """Text that is a number in a column of answers is that number, as the CSV reader reads it."""
    people = Population.from_frame(_export(q=cells), labels=labels, scales=scales or {})
    assert people["q"].tolist() == expected
    mapped = {str(k).casefold() for k in (labels or {}).get("q", {})}
    for cell, value in zip(cells, expected, strict=True):  # the same rule as the command line
        if cell.strip().casefold() not in mapped:
            assert csv_number(cell) == value


@pytest.mark.parametrize("cell", ["nan", "-inf", "3_06", "\uff13", "3,5", "75%"])
def test_text_that_is_no_finite_number_is_refused_by_row(cell: str) -> None:
    """Text that is not an ASCII finite number stays text, refused naming its row."""
    with pytest.raises(SchemaError, match=r"participants\[1\]\.q: expected a number") as info:
        Population.from_frame(_export(q=["3", cell, "2", "1"]), scales=SCALE)
    assert len(info.value.problems) == 1


@pytest.mark.parametrize("missing", [None, np.nan, ""])
def test_a_label_can_map_a_value_to_missing(missing: object) -> None:
    """A label mapped to None, NaN or "" is a blank: carried, or refused naming its row."""
    labels = {"q": {"N/A": missing, "Prefer not to say": missing, "Agree": 4}}
    cells = ["3", "n/a", "Prefer not to say", "Agree"]
    people = Population.from_frame(
        _export(q=cells), labels=labels, missing={"q": "carry"}, scales=SCALE
    )
    assert np.isnan(people["q"][[1, 2]]).all()
    assert people["q"][[0, 3]].tolist() == [3.0, 4.0]
    with pytest.raises(SchemaError, match=r"participants\[1\]\.q: is blank") as info:
        Population.from_frame(_export(q=cells), labels=labels, scales=SCALE)
    assert [p.path for p in info.value.problems] == [("participants", 1, "q"),
                                                     ("participants", 2, "q")]  # fmt: skip


@pytest.mark.parametrize("missing", [None, np.nan, ""])
def test_a_level_mapped_to_missing_is_a_blank_level(missing: object) -> None:
    """A level label mapped to None is refused as a blank cell at its row, not as a bad label."""
    export = _export(level=["manager", "N/A", "IC", "manager"])
    with pytest.raises(SchemaError) as info:
        Population.from_frame(export, labels={"level": {"N/A": missing}})
    assert [p.path for p in info.value.problems] == [("participants", 1, "level")]
    assert "is blank in the export" in info.value.problems[0].message


def test_a_header_of_several_rows_is_refused() -> None:
    """A pandas MultiIndex header is refused naming its columns, never read as tuple text."""
    frame = pd.DataFrame(PEOPLE)
    frame.columns = pd.MultiIndex.from_tuples([(c, "") for c in frame.columns])
    with pytest.raises(SchemaError, match=r"frame: .*MultiIndex.*\('id', ''\)") as info:
        Population.from_frame(frame)
    assert len(info.value.problems) == 1


def test_decimal_columns_read_as_numbers() -> None:
    """polars Decimal columns (and Decimal cells) read as floats; a Decimal NaN is a blank."""
    frame = pl.DataFrame(
        _export(
            tenure_years=pl.Series([decimal.Decimal(v) for v in ("1.5", "2", "3", "0.25")]),
            q=pl.Series([decimal.Decimal("1.5"), None, decimal.Decimal(3), decimal.Decimal(4)]),
        )
    )
    people = Population.from_frame(frame, missing={"q": "carry"}, scales=SCALE)
    assert people["tenure_years"].tolist() == [1.5, 2.0, 3.0, 0.25]
    assert np.isnan(people["q"][1])
    assert people["q"][[0, 2, 3]].tolist() == [1.5, 3.0, 4.0]
    cells = [decimal.Decimal(2), decimal.Decimal("NaN"), decimal.Decimal(1), 2]
    carried = Population.from_frame(_export(q=cells), missing={"q": "carry"}, scales=SCALE)
    assert np.isnan(carried["q"][1])
    columns = Population.from_columns(_export(tenure_years=[decimal.Decimal("1.5")] * 4))
    assert columns["tenure_years"].tolist() == [1.5] * 4
    with pytest.raises(SchemaError, match=r"participants\[0\]\.tenure_years"):
        Population.from_columns(_export(tenure_years=[decimal.Decimal("sNaN")] + [1.0] * 3))


@pytest.mark.parametrize(
    "as_of",
    [
        np.datetime64("2026-03", "M"),
        np.datetime64("2026", "Y"),
        np.datetime64("2026-03-02", "W"),
        pd.Period("2026-03", "M"),
        "2026-03",
        "03/04/2026",
        "20260304",
        "2026-W10-3",
    ],
)
def test_as_of_that_names_no_day_is_refused(as_of: object) -> None:
    """`as_of` as a month, a week, a year, a Period or non-ISO text is refused naming it."""
    export = _export(tenure_years=["2020-01-01"] * 4)
    with pytest.raises(SchemaError, match=r"as_of: expected a date .* is no day") as info:
        Population.from_frame(export, as_of=as_of)
    assert len(info.value.problems) == 1


@pytest.mark.parametrize(
    "hires",
    [
        np.array(["2020-01", "2021-02", "2022-03", "2023-04"], dtype="datetime64[M]"),
        ["20200304"] * 4,
        ["2020-W10-3"] * 4,
    ],
)
def test_dates_of_hire_that_name_no_day_are_refused(hires: object) -> None:
    """Dates of hire to the month, or ISO text other than yyyy-mm-dd, are refused naming them."""
    with pytest.raises(SchemaError, match=r"tenure_years: the column 'tenure_years'") as info:
        Population.from_frame(_export(tenure_years=hires), as_of="2026-03-04")
    assert len(info.value.problems) == 1


@pytest.mark.parametrize(
    ("ids", "row", "earlier"),
    [
        (["00123", 123, "x", "y"], 1, 0),
        (["E7", "x", "e7", "y"], 2, 0),
        ([7, "x", "007", "y"], 2, 0),
        (["Caf\u00e9", "x", "cafe\u0301", "y"], 2, 0),
    ],
)
def test_ids_spelled_two_ways_are_refused(ids: list[object], row: int, earlier: int) -> None:
    """Ids that differ only in case or leading zeros are refused naming both rows."""
    with pytest.raises(SchemaError, match=rf"participants\[{row}\]\.id: .*\(participants\[{earlier}\]\)") as info:  # fmt: skip
        Population.from_frame(_export(id=ids))
    assert [p.path for p in info.value.problems] == [("participants", row, "id")]


@pytest.mark.parametrize("name", ["\ufeffscore", "score\u200b"])
def test_column_names_with_invisible_characters_are_refused(name: str) -> None:
    """An export's column named with a byte-order mark or a zero-width space is refused."""
    with pytest.raises(SchemaError, match="invisible character") as info:
        Population.from_frame({**PEOPLE, name: [1, 2, 3, 4]})
    assert [p.path for p in info.value.problems] == [(name,)]


def test_nullable_dtypes_read_and_inputs_are_not_mutated() -> None:
    """pandas' nullable columns read as their values; the caller's frame and labels stay as given."""
    frame = pd.DataFrame(_export(
        tenure_years=pd.array([1.0, 2.0, 3.0, 4.0], dtype="Float64"),
        q=pd.array([1, None, 3, 4], dtype="Int64"),
        flag=pd.array([True, False, True, True], dtype="boolean"),
        department=pd.Categorical(["Sales", "Ops", "Sales", "Ops"], categories=["Ops", "Sales", "X"]),
        text=pd.array([" 3", "Agree", "N/A", "2"], dtype="string"),
    ), index=[10, 3, 7, 1])  # fmt: skip
    kept = frame.copy(deep=True)
    labels = {"text": {"Agree": 4, "N/A": None}}
    labels_kept = copy.deepcopy(labels)
    people = Population.from_frame(frame, labels=labels, missing={"q": "carry", "text": "carry"},
                                   scales={"text": (1, 5)})  # fmt: skip
    assert people["tenure_years"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert np.isnan(people["q"][1])
    assert people["flag"].tolist() == [True, False, True, True]
    assert people.decode("department").tolist() == ["Sales", "Ops", "Sales", "Ops"]
    assert people["text"][[0, 1, 3]].tolist() == [3.0, 4.0, 2.0]
    assert np.isnan(people["text"][2])
    pd.testing.assert_frame_equal(frame, kept)
    assert labels == labels_kept


@pytest.mark.parametrize(
    ("field", "cells", "missing"),
    [
        ("q", [10**400, None, 1, 2], {"q": "carry"}),
        ("q", [10**400, 2, 1, 2], {"q": "carry"}),
        ("tenure_years", [10**400, 1.5, 2, 3], None),
        ("tenure_years", [decimal.Decimal("1e999"), 1.5, 2, 3], None),
    ],
)
def test_a_number_beyond_floats_is_refused_by_row(
    field: str, cells: list[Any], missing: Any
) -> None:
    """A number too large for a float is refused at its row, never a bare OverflowError."""
    match = rf"participants\[0\]\.{field}: inf is not a finite number"
    with pytest.raises(SchemaError, match=match):
        Population.from_frame(_export(**{field: cells}), missing=missing)
