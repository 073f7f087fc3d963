"""An HR export's rows as people: written dates, ids from the index, and a missing column.

Dates of hire written ``07/01/2016`` were each "expected a number" (one problem per row, no
word of dates); a frame filtered to its active people gave its leftover row numbers as ids; a
missing required column said only "required column is missing".
"""

from __future__ import annotations

import pytest

from sparkus import SchemaError
from sparkus.model import Population

pd = pytest.importorskip("pandas")


def _export(**changes):
    columns = {
        "Employee ID": ["E1", "E2", "E3", "E4"],
        "level": ["Executive", "Sr. Leader", "Senior leader", "IC"],
        "department": ["Board", "Sales", "Sales", "Sales"],
        "Hire Date": ["07/01/2016", "14/04/2018", "25/09/2018", "01/02/2020"],
        "Status": ["Active", "Terminated", "Active", "Active"],
    }
    return pd.DataFrame(columns | changes)


def _problems(frame, **options):
    with pytest.raises(SchemaError) as caught:
        Population.from_frame(frame, **options)
    return caught.value.problems


def test_day_first_dates_with_as_of_are_one_problem_saying_how_to_read_them():
    """A column of '07/01/2016' dates, as_of given: one problem naming dates, not 4 numbers."""
    columns = {"id": "Employee ID", "tenure_years": "Hire Date"}
    (problem,) = _problems(_export(), columns=columns, as_of="2025-06-30")
    assert problem.path == ("tenure_years",)
    assert "'Hire Date' holds no date" in problem.message
    assert "'07/01/2016', in 4 cells" in problem.message
    assert "yyyy-mm-dd" in problem.message
    assert "dayfirst=True" in problem.message


def test_day_first_dates_without_as_of_are_said_to_be_dates():
    """Without as_of a column of written dates is named as dates and as_of asked for."""
    (problem,) = _problems(_export(), columns={"id": "Employee ID", "tenure_years": "Hire Date"})
    assert problem.path == ("tenure_years",)
    assert "holds dates written as '07/01/2016' (4 cells)" in problem.message
    assert "pass as_of" in problem.message


def test_a_written_date_among_iso_dates_is_named_with_its_value():
    """One '01/02/2020' among ISO dates: its row names the value and the way to read it."""
    frame = _export(**{"Hire Date": ["2016-01-07", "2018-04-14", "2018-09-25", "01/02/2020"]})
    columns = {"id": "Employee ID", "tenure_years": "Hire Date"}
    (problem,) = _problems(frame, columns=columns, as_of="2025-06-30")
    assert problem.path == ("participants", 3, "tenure_years")
    assert "got str '01/02/2020'" in problem.message
    assert "yyyy-mm-dd" in problem.message


def test_years_written_as_text_are_not_called_dates():
    """Text that is neither a number nor a date is not said to be a date."""
    frame = _export(**{"Hire Date": ["3.5", "2", "x", "1"]})
    problems = _problems(frame, columns={"id": "Employee ID", "tenure_years": "Hire Date"})
    assert all("date" not in p.message for p in problems)


def test_a_filtered_frame_does_not_read_its_row_numbers_as_ids():
    """Rows of a frame kept by a filter leave [0, 2, 3] as index: not ids, and it says so."""
    frame = _export(**{"Hire Date": [9.0, 7.0, 6.7, 5.4]}).drop(columns="Employee ID")
    active = frame[frame["Status"] == "Active"]
    (problem,) = _problems(active, columns={"tenure_years": "Hire Date"})
    assert problem.path == ("id",)
    assert "required column is missing" in problem.message
    assert "columns={'id': <column>}" in problem.message
    assert "'level', 'department', 'Hire Date', 'Status'" in problem.message
    assert "rename_axis('id')" in problem.message


def test_a_named_integer_index_still_gives_the_ids():
    """An index set from a column of employee numbers has its name and gives the ids."""
    frame = _export(**{"Hire Date": [9.0, 7.0, 6.7, 5.4], "Employee ID": [11, 12, 13, 14]})
    people = Population.from_frame(
        frame.set_index("Employee ID"), columns={"tenure_years": "Hire Date"}
    )
    assert people.ids.tolist() == ["11", "12", "13", "14"]
    named = frame.drop(columns="Employee ID").set_axis([5, 6, 7, 8]).rename_axis("id")
    people = Population.from_frame(named, columns={"tenure_years": "Hire Date"})
    assert people.ids.tolist() == ["5", "6", "7", "8"]


def test_a_missing_required_column_says_how_to_map_it():
    """A required field no column holds names the mapping that reads it and the columns."""
    (problem,) = _problems(_export(), columns={"id": "Employee ID"})
    assert problem.path == ("tenure_years",)
    assert problem.message.startswith("required column is missing")
    assert "columns={'tenure_years': <column>}" in problem.message
    assert "'Employee ID', 'level', 'department', 'Hire Date', 'Status'" in problem.message
