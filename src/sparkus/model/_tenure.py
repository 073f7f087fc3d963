"""Tenure from an export's column: years as numbers, or dates of hire measured on ``as_of``.

:meth:`~sparkus.model.Population.from_frame` reads ``tenure_years`` from a column of numbers
(years, as they are) or of dates (datetime64, ``datetime.date``, pandas ``Timestamp``, ISO
text ``yyyy-mm-dd``, maybe with a time), which become whole days to ``as_of`` over 365.25
days a year. A date must name a day: a month (``datetime64[M]``, ``"2026-03"``, a pandas
``Period``), a week or a year is refused, and so is ISO text other than ``yyyy-mm-dd``
(``"20260304"``, ``"2026-W10-3"``), as ``"03/04/2026"`` is (day or month first?). Passing
``as_of`` says the column holds dates: a column of numbers then is refused naming it (Excel
writes dates as serial numbers, ``45123`` for 2023-07-16, and a compact ``20150121`` is a date
too), never read as years. ``as_of`` lies in the years 1900 to 2200, as journeys start; a date
of hire is neither after ``as_of`` nor more than :data:`MAX_TENURE_YEARS` years before it.

A time with a zone counts on its day in that zone (pandas gives such a column as Timestamps in
their zone, and polars' is read so too, see ``_ingest``); a naive time on its own day. A
missing ``as_of`` (None, NaT) is refused like any other value that is not a date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_missing
from sparkus._errors import Problem
from sparkus.model._event_cells import datetime_seconds, years_problems
from sparkus.model._records import MAX_TENURE_YEARS

__all__ = ["DAYS_PER_YEAR", "MAX_TENURE_YEARS", "as_of_iv", "is_number", "tenure_from"]

DAYS_PER_YEAR: Final = 365.25
"""Tenure from dates: whole days between the date and ``as_of``, over 365.25 days a year."""
"""The longest tenure a date of hire can give: a longer one is not a person's (a placeholder
date such as 0001-01-01 or 1900-01-01, or a mistyped year)."""
_FIRST_AS_OF: Final = np.datetime64("1900-01-01", "D")
_LAST_AS_OF: Final = np.datetime64("2200-12-31", "D")
_ROOT: Final = "participants"
_ROWS_SHOWN: Final = 20
_COARSE: Final = ("Y", "M", "W")  # datetime64 units that name no day
_ISO_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")
_WRITTEN_DATE: Final = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
"""A date as spreadsheets write it in many locales: ``07/01/2016``, ``7.1.2016``, ``2016/01/07``."""
_ISO_HINT: Final = (
    "dates of hire are read as ISO dates such as '2019-03-04'; a date such as '07/01/2016' "
    "is day-first in some locales and month-first in others, so it is never guessed: save the "
    "column as yyyy-mm-dd, or read it as dates first (e.g. pandas.to_datetime(column, "
    "dayfirst=True))"
)


def _day(value: object) -> np.datetime64 | None:
    """A date as numpy's day, or None if `value` is not a date (a datetime gives its day)."""
    if is_missing(value):  # pandas' NaT is a datetime whose .date() fails
        return None
    if isinstance(value, np.datetime64):  # outside the years 1 to 9999: no date (not wrapped)
        if np.datetime_data(value.dtype)[0] in _COARSE:
            return None
        one = np.array([value])
        return None if np.isnat(value) or years_problems(one, "") else _days(one)[0]
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        return np.datetime64(value.date(), "D")
    if isinstance(value, dt.date):
        return np.datetime64(value, "D")
    if isinstance(value, str):
        if not _ISO_DAY.fullmatch(value):
            return None
        try:
            return np.datetime64(dt.date.fromisoformat(value), "D")
        except ValueError:
            pass
        try:
            return np.datetime64(dt.datetime.fromisoformat(value).date(), "D")
        except ValueError:
            return None
    return None


def as_of_iv(as_of: object) -> tuple[np.datetime64 | None, list[Problem]]:
    """The day `as_of` names (None if not given), or the problem with it."""
    if as_of is None:
        return None, []
    day = _day(as_of)
    if day is None:
        shown = repr(as_of) if isinstance(as_of, np.datetime64) else describe(as_of)
        msg = (f"expected a date (datetime.date, an ISO date text like '2025-01-31'), got "
               f"{shown}; a month, a week, a year or a pandas Period is no day: give the "
               "day itself")  # fmt: skip
        return None, [Problem(("as_of",), msg)]
    if not _FIRST_AS_OF <= day <= _LAST_AS_OF:
        msg = f"{day} is out of range; expected a date from 1900-01-01 to 2200-12-31"
        return None, [Problem(("as_of",), msg)]
    return day, []


def _rows_problems(rows: list[int], message: Callable[[int], str]) -> list[Problem]:
    """One problem per row (the first 20), then a count; `message` gives a row's text."""
    problems = [Problem((_ROOT, row, "tenure_years"), message(row)) for row in rows[:_ROWS_SHOWN]]
    if len(rows) > _ROWS_SHOWN:
        more = f"... and {len(rows) - _ROWS_SHOWN:,} more rows with the same problem"
        problems.append(Problem((_ROOT, "tenure_years"), more))
    return problems


def is_number(value: object) -> bool:
    """Whether `value` is a number (a bool is not)."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _written_date(value: object) -> bool:
    """Whether `value` is text written like a date that is not ISO (``07/01/2016``)."""
    return isinstance(value, str) and _WRITTEN_DATE.fullmatch(value.strip()) is not None


def _not_dates(present: list[Any], source: str, as_of: np.datetime64 | None) -> list[Problem]:
    """The problem of a column of text without a single ISO date, if it is one.

    With `as_of` the column must hold dates; without it, a column whose every cell is written
    like a date (say ``07/01/2016``) is said to be dates, rather than each cell not a number.
    """
    written = sum(map(_written_date, present))
    if as_of is None and written < len(present):
        return []
    example = next((v for v in present if _written_date(v)), present[0])
    cells = f"{len(present):,} cell{'s' * (len(present) != 1)}"
    if as_of is None:
        msg = (
            f"the column {source!r} holds dates written as {example!r} ({cells}), not years "
            f"of tenure; {_ISO_HINT}, and pass as_of, the day on which to measure tenure"
        )
    else:
        msg = (
            f"the column {source!r} holds no date (as_of is given, so it should hold dates of "
            f"hire): {example!r}, in {cells}; {_ISO_HINT}"
        )
    return [Problem(("tenure_years",), msg)]


def _numbers_not_dates(
    array: npt.NDArray[Any], blank: npt.NDArray[np.bool_], source: str
) -> Problem:
    """The problem of a column of numbers where `as_of` says dates are meant."""
    present = array[~blank].tolist()
    example = present[0] if present else None
    shown = f"{example:g}" if isinstance(example, float) else repr(example)
    msg = (
        f"the column {source!r} holds numbers (such as {shown}), not dates, but as_of is given: "
        "tenure is measured from dates of hire. Numbers such as 45123 are Excel serial dates "
        "and 20150121 a compact date: read the column as dates first (e.g. pandas.to_datetime("
        "column, unit='D', origin='1899-12-30') for serials, format='%Y%m%d' for compact "
        "dates), or leave out as_of if the numbers are years of tenure"
    )
    return Problem(("tenure_years",), msg)


def _days(array: npt.NDArray[np.datetime64]) -> npt.NDArray[np.datetime64]:
    """The days of datetime64 values of any unit, rounded down; NaT stays NaT.

    Not ``astype("datetime64[D]")``: numpy's conversion wraps around for the earliest
    nanoseconds (pandas' ``Timestamp.min``, 1677-09-21, became 2262-04-10).
    """
    seconds, missing = datetime_seconds(array, "tenure_years")
    days = np.floor_divide(seconds, 86_400).astype("datetime64[D]")
    days[missing] = np.datetime64("NaT")
    return days


def tenure_from(
    array: npt.NDArray[Any], blank: npt.NDArray[np.bool_], source: str, as_of: np.datetime64 | None
) -> tuple[npt.NDArray[Any], list[Problem]]:
    """Years of tenure from a column of dates; numbers pass as they are when `as_of` is None.

    The problems of the column (a number where `as_of` asks for dates, a cell that is not a
    date among dates, a date after `as_of` or too long before it) are returned with it.
    """
    if array.dtype.kind == "M":
        if problems := years_problems(array, "tenure_years"):  # before converting the unit
            return array, problems
        if (unit := np.datetime_data(array.dtype)[0]) in _COARSE:
            coarse = {"Y": "year", "M": "month", "W": "week"}[unit]
            msg = (f"the column {source!r} holds dates to the {coarse} (datetime64[{unit}]), "
                   "which name no day; give the dates of hire as days")  # fmt: skip
            return array, [Problem(("tenure_years",), msg)]
        days = _days(array)
    elif array.dtype.kind in "OU":
        present = [v for v, b in zip(array.tolist(), blank.tolist(), strict=True) if not b]
        dated = [_day(v) is not None for v in present]
        numbers = bool(present) and all(map(is_number, present))
        if numbers and as_of is not None:
            return array, [_numbers_not_dates(array, blank, source)]
        if numbers or not present:
            return array, []
        if not any(dated):
            return array, _not_dates(present, source, as_of)
        if not all(dated):
            values = array.tolist()
            rows = [i for i, v in enumerate(values) if not blank[i] and _day(v) is None]
            return array, _rows_problems(rows, lambda row: (
                f"expected a date like the other rows (an ISO date such as '2019-03-04'), got "
                f"{describe(values[row])}" + (f"; {_ISO_HINT}" if _written_date(values[row])
                                              else "")))  # fmt: skip
        days = np.array(
            [np.datetime64("NaT") if b else _day(v) for v, b in zip(array, blank, strict=True)],
            dtype="datetime64[D]",
        )
    elif array.dtype.kind in "iuf" and as_of is not None and not blank.all():
        return array, [_numbers_not_dates(array, blank, source)]
    else:
        return array, []
    if as_of is None:
        msg = (f"tenure_years comes from dates (the column {source!r}): pass as_of, the date on "
               "which to measure tenure (e.g. as_of='2025-01-31')")  # fmt: skip
        return array, [Problem(("as_of",), msg)]
    elapsed = (as_of - days).astype(np.float64)
    future = np.flatnonzero(~blank & (elapsed < 0)).tolist()
    if future:
        return array, _rows_problems(future, lambda row: (
            f"the date {days[row]} in {source!r} is after as_of, {as_of}; a date of hire "
            "cannot be later"))  # fmt: skip
    longest = MAX_TENURE_YEARS * DAYS_PER_YEAR
    past = np.flatnonzero(~blank & (elapsed > longest)).tolist()
    if past:
        return array, _rows_problems(past, lambda row: (
            f"the date {days[row]} in {source!r} is more than {MAX_TENURE_YEARS} years before "
            f"as_of, {as_of}; a tenure that long is not a person's (a placeholder date, or a "
            "mistyped year?)"))  # fmt: skip
    return elapsed / DAYS_PER_YEAR, []
