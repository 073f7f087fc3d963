"""The door table of reading real exports: :meth:`sparkus.model.Population.from_frame` with
its column names, label spellings, missing-value policy and dates.

Each case is one bad input, the error it must raise and the names its message must hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sparkus import SchemaError
from sparkus.model import Population

from .table import Door, Entry, case

EXPORT: dict[str, list[Any]] = {
    "employee_id": ["a", "b", "c"],
    "Job Level": ["Senior Leader", "manager", "IC"],
    "Dept": ["R&D", "R&D", "Sales"],
    "hire_date": ["2015-03-01", "2020-09-15", "2024-01-10"],
    "Q1": [4.0, None, 5.0],
}
MAPPED = {"id": "employee_id", "level": "Job Level", "department": "Dept",
          "tenure_years": "hire_date", "self_clarity": "Q1"}  # fmt: skip
AS_OF = dt.date(2025, 1, 1)


def _read(export: dict[str, list[Any]] | None = None, **options: Any) -> Population:
    given = {"columns": MAPPED, "missing": {"self_clarity": "carry"}, "as_of": AS_OF} | options
    return Population.from_frame(EXPORT if export is None else export, **given)


def _pandas(**columns: list[Any]) -> Any:
    import pandas as pd

    return pd.DataFrame(EXPORT | columns)


# fmt: off
DOORS: list[Entry] = [
    Door("sparkus.model.Population.from_frame", (
        case("not a frame", lambda: Population.from_frame(5), SchemaError, "frame"),  # type: ignore[arg-type]
        case("pandas NaN tenure", lambda: Population.from_frame(__import__("pandas").DataFrame(
            {"id": ["a", "b"], "level": ["manager"] * 2, "department": ["S"] * 2,
             "tenure_years": [1.0, None]}, index=[7, 3])), SchemaError,
             "participants[1].tenure_years", "blank"),
        case("polars bad level", lambda: Population.from_frame(__import__("polars").DataFrame(
            {"id": ["a", "b"], "level": ["boss", "manager"], "department": ["S"] * 2,
             "tenure_years": [1.0, 2.0]})), SchemaError, "level", "'boss'", "row 0"),
        case("columns not a mapping", lambda: _read(columns=["id"]), SchemaError, "columns"),
        case("unknown field and absent column", lambda: _read(
            columns=MAPPED | {"tenure": "hire_date", "team": "Team name"}), SchemaError,
             "columns.tenure", "did you mean 'tenure_years'", "columns.team", "'Team name'"),
        case("labels not a mapping", lambda: _read(labels=5), SchemaError, "labels"),
        case("labels of an absent column", lambda: _read(labels={"site": {"x": "y"}}),
             SchemaError, "labels.site"),
        case("label to no level", lambda: _read(labels={"level": {"boss": "chief"}}),
             SchemaError, "labels.level.boss", "'chief'"),
        case("unknown levels", lambda: _read(_pandas(**{"Job Level": ["Boss", "boss", "VP"]})),
             SchemaError, "level", "'Boss'", "'VP'", "rows", "senior_leader"),
        case("departments spelled two ways", lambda: _read(_pandas(Dept=["Sales", "SALES", "R&D"])),
             SchemaError, "department", "'Sales'", "'SALES'"),
        case("missing not a mapping", lambda: _read(missing="carry"), SchemaError, "missing"),
        case("unknown policy", lambda: _read(missing={"self_clarity": "drop"}), SchemaError,
             "missing.self_clarity", "'refuse'", "'carry'"),
        case("carry a required field", lambda: _read(missing={"department": "carry"}),
             SchemaError, "missing.department"),
        case("blank refused", lambda: _read(missing=None), SchemaError,
             "participants[1].self_clarity", "'Q1'", "carry"),
        case("dates without as_of", lambda: _read(as_of=None), SchemaError, "as_of", "hire_date"),
        case("as_of not a date", lambda: _read(as_of="soon"), SchemaError, "as_of"),
        case("date after as_of", lambda: _read(as_of="2020-01-01"), SchemaError,
             "participants[1].tenure_years", "participants[2].tenure_years", "after"),
        case("hire dates past the years numpy converts", lambda: _read(EXPORT | {"hire_date":
             __import__("numpy").array([2015, 2020, 10**17], dtype="datetime64[Y]")}),
             SchemaError, "tenure_years", "years 1 to 9999"),
        case("dates mixed with numbers", lambda: _read(EXPORT | {"hire_date": ["2015-03-01",
             3.0, "2024-01-10"]}), SchemaError, "participants[1].tenure_years"),
        case("blank id", lambda: _read(EXPORT | {"employee_id": ["a", " ", "c"]}), SchemaError,
             "participants[1].id", "blank"),
    )),
]
# fmt: on
