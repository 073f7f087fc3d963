"""Values that would be read as something else: scored columns of text, dates as numbers.

A column with a declared scale holds scores; one that is not numeric is refused naming its
cells, never stored as category codes that later read as scores. A tenure source read with
``as_of`` holds dates; numbers there (Excel serial dates, compact ``20150121``) are refused
naming the column, never read as years; and a date of hire gives at most 100 years.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pytest

from sparkus import SchemaError
from sparkus.model import Population
from tests.model.populations import org

SCALE = {"motivation": (1, 5)}


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        (["x", "y", "z", "w"], "str 'x'"),
        ([True, False, True, True], "bool True"),
        (np.array(["3", "4", "5", "1"]), "str '3'"),
        ([4.0, "3,5", 2.0, "N/A"], "str '3,5'"),
    ],
)
def test_a_declared_scale_on_a_column_that_is_not_numeric_is_refused(values, shown):
    """Text or bools under a scale: each such cell named by row, the column not coded."""
    columns = org(4, motivation=values)
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns, scales=SCALE)
    found = {p.location: p.message for p in error.value.problems}
    first = next(i for i, v in enumerate(list(values)) if not isinstance(v, float))
    assert found[f"participants[{first}].motivation"] == (
        f"expected a number on the declared scale 1 to 5, got {shown}"
    )
    assert all(location.endswith(".motivation") for location in found)


def test_a_scored_frame_column_with_text_names_the_cells():
    """from_frame, as `sparkus run` reads an export: '3,5' among answers is named by row."""
    frame = pd.DataFrame(org(4, motivation=[4, "3,5", 2, 5]))
    with pytest.raises(SchemaError, match=r"participants\[1\]\.motivation: expected a number"):
        Population.from_frame(frame, scales=SCALE)


def test_carried_blanks_in_a_scored_column_are_not_refused():
    """Missing cells carried as missing stay missing; only real text is refused."""
    frame = pd.DataFrame(org(4, motivation=[4.0, None, 2.0, 5.0]))
    people = Population.from_frame(frame, scales=SCALE, missing={"motivation": "carry"})
    assert people.carried == {"motivation": 1}
    assert people.schema["motivation"].scale == (1.0, 5.0)


# -- tenure from dates --------------------------------------------------------------------------


def _export(hired: object) -> pd.DataFrame:
    return pd.DataFrame({"id": ["a", "b"], "level": ["Executive", "Manager"],
                         "dept": ["Board", "Sales"], "Hire Date": hired})  # fmt: skip


_COLUMNS = {"department": "dept", "tenure_years": "Hire Date"}


@pytest.mark.parametrize(
    "hired",
    [[45123, 44000], [20150121, 20190304], [45123.0, 44000.0], np.array([45123, 44000])],
)
def test_numbers_in_a_date_column_with_as_of_are_refused_naming_the_column(hired):
    """Excel serials or compact dates are not years: the column is named, with what to do."""
    with pytest.raises(SchemaError) as error:
        Population.from_frame(_export(hired), columns=_COLUMNS, as_of="2025-06-30")
    [problem] = error.value.problems
    assert problem.location == "tenure_years"
    assert "the column 'Hire Date' holds numbers" in problem.message
    assert "Excel serial dates" in problem.message
    assert "leave out as_of" in problem.message


def test_numbers_in_an_object_column_with_as_of_are_refused_too():
    """A polars or object column of numbers reads the same way."""
    frame = pl.DataFrame({"id": ["a", "b"], "level": ["Executive", "Manager"],
                          "dept": ["Board", "Sales"], "Hire Date": [45123, 44000]})  # fmt: skip
    with pytest.raises(SchemaError, match="holds numbers"):
        Population.from_frame(frame, columns=_COLUMNS, as_of="2025-06-30")
    columns = {"id": ["a", "b"], "level": ["executive", "manager"], "dept": ["B", "S"],
               "Hire Date": np.array([3, 4.5], dtype=object)}  # fmt: skip
    with pytest.raises(SchemaError, match="holds numbers"):
        Population.from_frame(columns, columns=_COLUMNS, as_of="2025-06-30")


def test_numbers_without_as_of_are_years():
    """Without as_of a number column is tenure in years, as before."""
    people = Population.from_frame(_export([3.5, 12.0]), columns=_COLUMNS)
    assert people["tenure_years"].tolist() == [3.5, 12.0]


@pytest.mark.parametrize("sentinel", ["0001-01-01", "1900-01-01", "1925-06-29"])
def test_a_date_of_hire_more_than_100_years_before_as_of_is_refused(sentinel):
    """A placeholder date of hire would give a tenure no person has: refused by row."""
    frame = _export([sentinel, "2019-03-04"])
    with pytest.raises(SchemaError) as error:
        Population.from_frame(frame, columns=_COLUMNS, as_of="2025-06-30")
    [problem] = error.value.problems
    assert problem.location == "participants[0].tenure_years"
    assert "more than 100 years before as_of, 2025-06-30" in problem.message


def test_a_date_of_hire_exactly_100_years_before_as_of_reads():
    """The bound is inclusive: 100 years (36,525 days) is the longest tenure."""
    as_of = dt.date(2025, 6, 30)
    hired = as_of - dt.timedelta(days=36_525)
    people = Population.from_frame(_export([hired, as_of]), columns=_COLUMNS, as_of=as_of)
    assert people["tenure_years"].tolist() == [100.0, 0.0]


@pytest.mark.parametrize("as_of", ["9999-12-31", "1899-12-31", "2201-01-01"])
def test_as_of_outside_1900_to_2200_is_refused(as_of):
    """as_of lies where journeys start: 1900 to 2200."""
    with pytest.raises(SchemaError, match=r"as_of: .* is out of range; expected a date from 1900"):
        Population.from_frame(_export(["2019-03-04", "2020-01-01"]), columns=_COLUMNS, as_of=as_of)


def test_date_rows_are_still_read():
    """Dates of hire in range give tenure in years over 365.25 days, as documented."""
    columns = org(2, tenure_years=["2024-06-30", "2015-01-21"])
    people = Population.from_frame(pd.DataFrame(columns), as_of="2025-06-30")
    assert people["tenure_years"].tolist() == pytest.approx([365 / 365.25, 3813 / 365.25])


def test_text_that_is_no_number_is_named_before_numbers_written_as_text():
    """'3,5' among '4' and '2' (a CLI column read as text) is the cell named by row."""
    with pytest.raises(SchemaError) as error:
        Population.from_columns(org(4, motivation=["4", "3,5", "2", "5"]), scales=SCALE)
    found = {p.location: p.message for p in error.value.problems}
    assert list(found) == ["participants[1].motivation", "motivation"]
    assert found["motivation"].startswith("3 more cells are numbers written as text")
