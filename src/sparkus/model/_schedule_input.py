"""The input of :func:`~sparkus.model.schedule_journeys`, checked at its door.

Ids are text and unique; each person's support type is a :class:`~sparkus.model.SupportType`
(or its value, or None); sessions are integers; starts are aware datetimes (or datetime64 in
UTC) from :data:`EARLIEST_START` to :data:`LATEST_START`; and the whole schedule, from its
first start to the last day its events are accepted, spans at most :data:`MAX_SCHEDULE_DAYS`
days. These limits are checked before anything is allocated: the tracker keeps a bit per
participant and day of the span.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    align_rows,
    as_array,
    check_choice,
    check_number,
    describe,
    is_missing,
    rows_text,
)
from sparkus._errors import Problem, SchemaError, key_text, shown
from sparkus._fields import probably_meant
from sparkus._text_rules import nfc_repeat_message, nfc_repeats, nul_message, nul_rows
from sparkus.model._enums import SupportType
from sparkus.model._event_cells import datetime_seconds, event_cells, years_problems
from sparkus.model._intake import column, text_column
from sparkus.model._records import JourneyTemplate

__all__ = [
    "EARLIEST_START",
    "LATEST_START",
    "MAX_SCHEDULE_DAYS",
    "SECONDS_PER_DAY",
    "SUPPORTS",
    "integer_like",
    "schedule_iv",
    "string_keys",
    "utc_seconds",
]

IntArray: TypeAlias = npt.NDArray[np.int64]
SECONDS_PER_DAY: Final = 86_400
MAX_SCHEDULE_DAYS: Final = 3_660
"""The most days a schedule may span, from its first start to the last day its events are
accepted (about ten years): the tracker keeps a bit per participant and day of it."""
EARLIEST_START: Final = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_START: Final = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
SUPPORTS: Final = tuple(SupportType)
_MAX_SESSIONS: Final = 10_000
_MAX_LISTED: Final = 10


def string_keys(values: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each string of a numpy unicode array, the same whatever its width.

    The characters are read eight bytes at a time and mixed FNV-style (all-zero words, which
    only padding makes, are skipped). Callers confirm a match by comparing the strings
    themselves, so a collision can cost a look-up, never a wrong answer.
    """
    array = np.ascontiguousarray(values)
    if array.dtype.kind != "U":
        array = array.astype(str)
    keys = np.full(len(array), 0xCBF29CE484222325, dtype=np.uint64)
    chars = array.dtype.itemsize // 4
    if chars == 0 or len(array) == 0:
        return keys
    if chars % 2:
        array = array.astype(f"<U{chars + 1}")
    words = array.view(np.uint64).reshape(len(array), -1)
    prime, shift = np.uint64(0x100000001B3), np.uint64(29)
    with np.errstate(over="ignore"):
        for i in range(words.shape[1]):
            word = words[:, i]
            if not word.any():
                break
            mixed = (keys ^ word) * prime
            mixed ^= mixed >> shift
            keys = np.where(word != 0, mixed, keys)
    return keys


def integer_like(ids: npt.NDArray[Any]) -> int:
    """The row of the first id that is the decimal text of an integer (``"7"``, ``"007"``).

    -1 when there is none; otherwise an integer column could mean ids as well as schedule
    rows. One vectorised pass.
    """
    if ids.dtype.kind != "U" or ids.size == 0:
        return -1
    digits = np.strings.isdecimal(np.strings.lstrip(ids, "+-"))
    return int(np.argmax(digits)) if digits.any() else -1


def missing_as_none(values: list[Any], given: object) -> list[Any]:
    """`values` of a pandas or polars column with its missing cells (NaN, NA, NaT) as None."""
    if not type(given).__module__.startswith(("pandas", "polars")):
        return values
    return [None if is_missing(v) else v for v in values]


def utc_seconds(moment: dt.datetime) -> int:
    """An aware datetime as whole seconds since 1970-01-01 UTC."""
    return int((moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() // 1)


def _support_codes(support: object, n: int, problems: list[Problem]) -> npt.NDArray[np.int8]:
    if support is None:
        return np.full(n, -1, dtype=np.int8)
    lookup: dict[object, int] = {None: -1, "none": -1}
    for i, s in enumerate(SUPPORTS):
        lookup[s] = lookup[s.value] = i
    values = missing_as_none(np.asarray(support, dtype=object).ravel().tolist(), support)
    found = [lookup.get(v, -2) if isinstance(v, str | SupportType | None) else -2 for v in values]
    codes = np.array(found, dtype=np.int8)
    bad = np.flatnonzero(codes == -2).tolist()
    if bad:
        known = ", ".join(s.value for s in SUPPORTS)
        problems += [
            Problem(("support", i), f"expected a SupportType (or one of {known}, or None), got "
                                    f"{describe(values[i])}{probably_meant(values[i], SupportType)}")
            for i in bad[:_MAX_LISTED]
        ]  # fmt: skip
    return codes


def _providers(
    provider: object, ids: npt.NDArray[np.str_], codes: npt.NDArray[np.int8],
    problems: list[Problem],
) -> npt.NDArray[np.str_]:  # fmt: skip
    """Each participant's provider id, "" for none: from one per id, or a mapping by id."""
    n = len(ids)
    if provider is None:
        return np.full(n, "", dtype=str)
    found: list[object]
    if isinstance(provider, Mapping):
        where = {v: i for i, v in enumerate(ids.tolist())}
        found = [None] * n
        for key, value in provider.items():
            if not isinstance(key, str) or key not in where:
                msg = (
                    f"{shown(key)} is not one of the scheduled ids; schedule them, or leave it out"
                )
                problems.append(Problem(("provider", key_text(key)), msg))
            else:
                found[where[key]] = value
        paths: list[str | int] = list(ids.tolist())
    else:
        values = as_array(event_cells(provider, "provider"), "provider")  # (NULs kept)
        if values.ndim != 1 or len(values) != n:
            msg = f"expected {n} provider ids or None (one per id), got {describe(provider)}"
            problems.append(Problem(("provider",), msg))
            return np.full(n, "", dtype=str)
        found, paths = missing_as_none(values.tolist(), provider), list(range(n))
    out = np.full(n, "", dtype=object)
    for i, value in enumerate(found):
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip() or value != value.strip():
            msg = f"expected a provider id (non-empty text) or None, got {describe(value)}"
            problems.append(Problem(("provider", paths[i]), msg))
        elif "\x00" in value:  # (a text array would drop a trailing one)
            problems.append(Problem(("provider", paths[i]), nul_message(value)))
        elif len(codes) == n and codes[i] < 0:
            msg = (
                f"{value!r} is given to {str(ids[i])!r}, whose support is None; a provider "
                "delivers a support type"
            )
            problems.append(Problem(("provider", paths[i]), msg))
        else:
            out[i] = value
        if len(problems) > _MAX_LISTED:
            break
    return out.astype(str) if n else np.zeros(0, dtype=str)


def schedule_iv(
    template: object, ids: object, support: object, sessions: object, start: object,
    follow_up_days: object, excess: object, provider: object = None,
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int8], IntArray | None, IntArray,
           npt.NDArray[np.str_]]:  # fmt: skip
    problems: list[Problem] = []
    # pandas inputs are paired by index, never by position when their indexes disagree; a
    # mapping of providers is paired by participant id
    per_row = None if isinstance(provider, Mapping) else provider
    ids, support, sessions, start, per_row = align_rows(
        ("ids", ids),
        ("support", support),
        ("sessions", sessions),
        ("start", start),
        ("provider", per_row),
    )
    if per_row is not None:
        provider = per_row
    if not isinstance(template, JourneyTemplate):
        problems.append(
            Problem(("template",), f"expected a JourneyTemplate, got {describe(template)}")
        )
    ids_read = True
    try:
        cells = column(event_cells(ids, "ids"), "ids")  # a list holding a NUL: its cells
        id_array = text_column(cells, "ids", what="participant ids")
    except SchemaError as error:
        problems += error.problems
        ids_read = False  # placeholders stand in: no more checks of the ids themselves
        id_array = np.full(len(as_array(ids, "ids").reshape(-1)), "x", dtype=str)
    n = len(id_array)
    text_ids = id_array
    bad_ids: list[int] = []
    if ids_read and n:
        bad_ids = _bad_ids(cells.tolist(), id_array, problems)
    if ids_read and not bad_ids and n:
        keys = np.sort(string_keys(text_ids))
        if (keys[1:] == keys[:-1]).any():  # a repeat (or, rarely, a hash collision): check
            uniq, counts = np.unique(text_ids, return_counts=True)
            repeated = uniq[counts > 1][:_MAX_LISTED].tolist()
            problems += [Problem(("ids",), f"{v!r} appears more than once; ids must be unique")
                         for v in repeated]  # fmt: skip
    codes = _support_codes(support, n, problems)
    if len(codes) != n:
        problems.append(Problem(("support",), f"has {len(codes)} entries for {n} ids"))
    counts_array: IntArray | None = None
    if sessions is not None:
        raw = as_array(sessions, "sessions")
        if raw.ndim != 1:
            raw = np.zeros((0, 0))  # not one per id: reported below
        if raw.size == 0 and raw.ndim == 1:
            raw = raw.astype(np.int64)  # an empty list reads as floats
        if raw.dtype.kind == "O" and all(
            isinstance(v, int) and not isinstance(v, bool) for v in raw.tolist()
        ):
            raw = np.array([min(v, _MAX_SESSIONS + 1) for v in raw.tolist()], dtype=np.int64)
        if (
            raw.dtype.kind not in "iu"
            or raw.ndim != 1
            or len(raw) != n
            or (raw < 0).any()
            or (len(raw) and raw.max() > _MAX_SESSIONS)
        ):
            msg = (f"expected {n} integers from 0 to {_MAX_SESSIONS:,} (one per id), got "
                   f"{describe(sessions)}")  # fmt: skip
            problems.append(Problem(("sessions",), msg))
        else:
            counts_array = raw.astype(np.int64)
    starts = np.zeros(n, dtype=np.int64)
    given: object = start
    if is_missing(given):  # pandas' NaT is a datetime that has no offset to ask for
        problems.append(Problem(("start",), f"is missing ({describe(given)}); give a start"))
    elif isinstance(given, dt.datetime):
        if given.tzinfo is None or given.utcoffset() is None:
            problems.append(Problem(("start",), "is a naive datetime; give it a UTC offset"))
        else:
            starts[:] = utc_seconds(given)
    else:
        raw_start = np.asarray(given)
        if raw_start.dtype.kind == "M" and raw_start.shape in ((n,), ()):  # (): for everyone
            flat = raw_start.reshape(-1)
            if np.isnat(flat).any():
                problems.append(Problem(("start",), "holds NaT; every participant needs a start"))
            problems += years_problems(flat, "start")  # checked before converting
            if not problems:  # (not astype: it wraps the first nanoseconds round to 2262)
                starts[:] = datetime_seconds(flat, "start")[0]
        elif raw_start.dtype.kind == "O" and raw_start.shape == (n,):
            for i, v in enumerate(raw_start.tolist()):
                if is_missing(v):
                    msg = f"is missing ({describe(v)}); every participant needs a start"
                    problems.append(Problem(("start", i), msg))
                elif isinstance(v, dt.datetime) and v.utcoffset() is not None:
                    starts[i] = utc_seconds(v)
                elif isinstance(v, np.datetime64):  # read as UTC, as in a datetime64 column
                    cell = np.array([v])
                    far = years_problems(cell, "start", np.array([i], dtype=np.int64))
                    problems += far
                    if not far:
                        starts[i] = int(datetime_seconds(cell, "start")[0][0])
                else:
                    msg = f"expected a datetime with a UTC offset, got {describe(v)}"
                    problems.append(Problem(("start", i), msg))
        else:
            msg = (f"expected one aware datetime, or {n} of them (or datetime64 values in UTC), "
                   f"got {describe(given)}")  # fmt: skip
            problems.append(Problem(("start",), msg))
    follow = check_number(follow_up_days, "follow_up_days", low=0, high=MAX_SCHEDULE_DAYS,
                          integer=True, problems=problems)  # fmt: skip
    if not problems and isinstance(template, JourneyTemplate):
        _span_problems(template, starts, int(follow), problems)
    check_choice(excess, "excess", ("raise", "truncate"), problems=problems)
    providers = _providers(provider, text_ids, codes, problems)
    if problems:
        raise SchemaError(problems)
    return text_ids, codes, counts_array, starts, providers


def _span_problems(
    template: JourneyTemplate, starts: IntArray, follow_up_days: int, problems: list[Problem]
) -> None:
    """Starts inside the supported years, and the whole schedule inside the supported span."""
    journey_days = template.duration_days + follow_up_days + 1
    if journey_days > MAX_SCHEDULE_DAYS:
        msg = (f"a journey of {template.duration_days:,} days plus {follow_up_days:,} follow-up "
               f"days is longer than the {MAX_SCHEDULE_DAYS:,} days a schedule may span")  # fmt: skip
        problems.append(Problem(("template", "duration_days"), msg))
        return
    if len(starts) == 0:
        return
    low, high = utc_seconds(EARLIEST_START), utc_seconds(LATEST_START)
    outside = np.flatnonzero((starts < low) | (starts >= high))
    if len(outside):
        shown = str(np.datetime64(int(starts[outside[0]]), "s"))
        msg = (f"starts must fall from {EARLIEST_START.date()} to {LATEST_START.date()} "
               f"(exclusive), got {shown} in {_rows(outside)}")  # fmt: skip
        problems.append(Problem(("start",), msg))
        return
    span = (int(starts.max()) - int(starts.min())) // SECONDS_PER_DAY + journey_days
    if span > MAX_SCHEDULE_DAYS:
        msg = (f"the journeys span {span:,} days from the first start to the last day events "
               f"are accepted; a schedule may span at most {MAX_SCHEDULE_DAYS:,} days (start "
               "far-apart cohorts as separate schedules)")  # fmt: skip
        problems.append(Problem(("start",), msg))


def _bad_ids(given: list[Any], ids: npt.NDArray[np.str_], problems: list[Problem]) -> list[int]:
    r"""The rows of ids a schedule refuses, each reported as a population reports it.

    Missing, empty, padded or NUL-holding ids (a text array drops a trailing NUL, so that
    ``"e1\x00"`` would read as ``"e1"``), and two ids alike in Unicode normal form C
    (``"caf\u00e9"`` and ``"cafe\u0301"``, which every reader shows alike), naming both rows.
    """
    stripped = np.strings.strip(ids)
    bad = np.flatnonzero((stripped == "") | (stripped != ids)).tolist()
    nul = nul_rows(given)
    for i in sorted({*bad, *nul})[:_MAX_LISTED]:
        value = given[i]
        if is_missing(value):
            msg = f"is missing ({describe(value)}); every participant needs an id"
        elif "\x00" in value:
            msg = nul_message(value)
        else:
            msg = f"expected a non-empty id without surrounding spaces, got {value!r}"
        problems.append(Problem(("ids", i), msg))
    skip = sorted({*bad, *nul})
    repeats = nfc_repeats(ids.tolist(), skip=skip)
    problems += [Problem(("ids", i), nfc_repeat_message(str(ids[i]), str(ids[j]), j))
                 for i, j in repeats[:_MAX_LISTED]]  # fmt: skip
    return skip + [i for i, _ in repeats]


def _rows(rows: npt.NDArray[np.intp]) -> str:
    return rows_text(rows.astype(np.int64))
