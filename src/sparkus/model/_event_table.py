"""Events as columns: the table a batch of events arrives in, built from records or columns.

An :class:`~sparkus.model.EventTable` holds many events as equal-length arrays (id,
participant, kind, time, step, value). Reading one never refuses a single event: a kind that is
not an :class:`~sparkus.model.EventKind` becomes -1 and a time that cannot be read is flagged,
so that :func:`~sparkus.model.check_events` can report every problem of every event at once.
The codes of the kinds and of the time flags are shared with the check and the progress here.

Columns and event dicts are read by the same rules: a list is read as its cells (see
``_event_cells``), never through numpy's choice of one dtype for all of them,
so a NaN among text is a missing cell and a bool among numbers is not a number, in a list as in
a dict. What cannot be read faithfully at all (ids of the wrong type, text holding a NUL
character, a datetime64 time outside the years 1 to 9999) refuses the batch, naming the column
and the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeAlias, TypeGuard, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_missing, rows_text
from sparkus._errors import Problem, SchemaError
from sparkus._fields import parse_time
from sparkus._json import HALF_PAIR, has_half_pair
from sparkus.model._enums import EventKind, StepKind
from sparkus.model._event_cells import (
    datetime_seconds,
    event_cells,
    id_cells,
    is_one_value,
    nul_problems,
    participant_cells,
)
from sparkus.model._intake import aligned, column, column_names, finite_or_nan
from sparkus.model._records import Event

__all__ = [
    "ACTIVITY",
    "COMPLETED",
    "EPOCH",
    "KINDS",
    "MAX_MOVE_DAYS",
    "MISSED",
    "RATED",
    "RATING_SCALE",
    "RESCHEDULED",
    "SCORED_STEPS",
    "SKIPPED",
    "TIME_MISSING",
    "TIME_NAIVE",
    "TIME_OK",
    "TIME_UNREADABLE",
    "EventTable",
    "as_event_table",
]

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]

KINDS: Final = tuple(EventKind)
COMPLETED: Final = KINDS.index(EventKind.STEP_COMPLETED)
MISSED: Final = KINDS.index(EventKind.STEP_MISSED)
SKIPPED: Final = KINDS.index(EventKind.STEP_SKIPPED)
RESCHEDULED: Final = KINDS.index(EventKind.STEP_RESCHEDULED)
RATED: Final = KINDS.index(EventKind.SESSION_RATED)
ACTIVITY: Final = KINDS.index(EventKind.ACTIVITY)
RATING_SCALE: Final = (0.0, 10.0)
MAX_MOVE_DAYS: Final = 3_660.0
SCORED_STEPS: Final = (StepKind.SELF_ASSESSMENT, StepKind.MANAGER_FEEDBACK, StepKind.CHECKPOINT)

TIME_OK: Final = 0
TIME_MISSING: Final = 1
TIME_NAIVE: Final = 2
TIME_UNREADABLE: Final = 3
EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_COLUMNS: Final = ("id", "participant", "kind", "time", "step", "value")
_FIELD_KINDS: Final = {"id": "Ui", "participant": "Ui", "kind": "i", "time": "i",
                       "time_flag": "i", "step": "Ui", "value": "f"}  # fmt: skip


def _shape(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    return describe(value)


def _step_column(values: object) -> npt.NDArray[Any]:
    """Step ids as text (``""`` for none), or step indices as int64 (-1 for none)."""
    return id_cells(values, "step", what="step ids or step indices")


def _time_column(values: object) -> tuple[IntArray, npt.NDArray[np.int8]]:
    """Seconds since 1970 UTC and the time flags; far datetime64 values are a SchemaError."""
    array = column(values, "time")
    if array.dtype.kind == "M":
        seconds, missing = datetime_seconds(array, "time")
        return seconds, np.where(missing, TIME_MISSING, TIME_OK).astype(np.int8)
    seconds = np.zeros(len(array), dtype=np.int64)
    flag = np.zeros(len(array), dtype=np.int8)
    cells = array.tolist()
    if array.dtype.kind == "O":  # datetime64 cells (read as UTC, like a datetime64 column)
        _datetime64_cells(cells, seconds, flag)
    for i, v in enumerate(cells):
        moment = v
        if is_missing(v):
            flag[i] = TIME_MISSING
            continue
        if isinstance(v, np.datetime64):
            continue  # read above
        if isinstance(v, str):
            try:
                moment = parse_time(v)  # the reader of from_json: "+01:60" is no offset
            except ValueError:
                flag[i] = TIME_UNREADABLE
                continue
        if isinstance(moment, dt.datetime):
            if moment.tzinfo is None or moment.utcoffset() is None:
                flag[i] = TIME_NAIVE
            else:
                seconds[i] = int((moment - EPOCH).total_seconds() // 1)
        else:
            flag[i] = TIME_UNREADABLE
    return seconds, flag


def _datetime64_cells(cells: list[Any], seconds: IntArray, flag: npt.NDArray[np.int8]) -> None:
    """Read the datetime64 cells of an object column into `seconds` and `flag`, by unit."""
    by_unit: dict[np.dtype[Any], list[int]] = {}
    for i, v in enumerate(cells):
        if isinstance(v, np.datetime64):
            by_unit.setdefault(v.dtype, []).append(i)
    for unit, at in by_unit.items():
        rows = np.array(at, dtype=np.int64)
        times = np.array([cells[i] for i in at], dtype=unit)
        seconds[rows], missing = datetime_seconds(times, "time", rows)
        flag[rows] = np.where(missing, TIME_MISSING, TIME_OK)


def _kind_name(value: object) -> str:
    """The name of an event kind given as a member, its name or its index; "" if none."""
    if isinstance(value, EventKind):
        return str(value.value)
    if isinstance(value, str):
        return "" if "\x00" in value else value  # (a 'U' array would drop a trailing NUL)
    if _is_int(value):
        return KINDS[int(value)].value if 0 <= value < len(KINDS) else ""
    return ""


def _kind_column(values: object) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.object_] | None]:
    """The kind codes (-1 for a kind that is not one), and the kinds as given where -1.

    The second array is None when every kind reads: a table keeps what arrived only for the
    check's messages (``'Step Completed' is not an event kind ...``).
    """
    given = column(values, "kind")
    array = given
    if array.dtype.kind in "iu":
        code = np.where((array >= 0) & (array < len(KINDS)), array, -1).astype(np.int8)
    else:
        if array.dtype.kind == "O":
            array = np.array([_kind_name(v) for v in array.tolist()], dtype=str)
        if array.dtype.kind != "U":
            code = np.full(len(array), -1, dtype=np.int8)
        else:
            names = np.array([k.value for k in KINDS], dtype=str)
            order = np.argsort(names)
            at = np.minimum(np.searchsorted(names[order], array), len(names) - 1)
            code = np.where(names[order[at]] == array, order[at], -1).astype(np.int8)
    bad = np.flatnonzero(code < 0)
    if not len(bad):
        return code, None
    unread = np.full(len(code), None, dtype=object)
    unread[bad] = given[bad]  # cell for cell (as Python values), nested cells kept whole
    return code, unread


def _value_column(values: object, n: int) -> FloatArray:
    """Event values as float64, -0.0 as 0.0 (as a record stores it); NaN for none."""
    return _values(values, n) + 0.0  # (IEEE: -0.0 + 0.0 is 0.0)


def _values(values: object, n: int) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    array = column(values, "value")
    if array.dtype.kind in "iuf":
        return array.astype(np.float64)
    if array.dtype.kind != "O":  # bools, text, dates: not numbers (refused as not finite)
        return np.full(len(array), np.inf)
    cells = array.tolist()
    if set(map(type, cells)) <= {float, np.float64}:
        return np.array(cells, dtype=np.float64)
    # cell by cell: missing is NaN, a non-number (a bool, text) inf (refused as not finite)
    return np.array([finite_or_nan(v) for v in cells], dtype=np.float64)


@attrs.frozen(eq=False, repr=False)
class EventTable:
    """Many events as columns: the fast way to hand events to a tracker.

    .. versionadded:: 0.1

    Attributes
    ----------
    id : ndarray of str or int64
        Event ids (strings, or non-negative integers); the same event sent twice counts once.
    participant : ndarray of str or int64
        Participant ids, or (the fast path for large batches) rows of the schedule, as
        :meth:`JourneySchedule.rows_of <sparkus.model.JourneySchedule.rows_of>` gives them.
        Rows are read only against a schedule none of whose ids is the text of an integer
        (``"7"``, ``"007"``); otherwise integers could mean ids, and are refused naming
        ``participant``: pass those ids as text (``.astype(str)``). A column mixing text
        and integers is refused, naming the integer rows.
    kind : ndarray of int8
        Index into ``list(EventKind)``; -1 for a kind that is not an :class:`EventKind`.
    time : ndarray of int64
        Seconds since 1970-01-01 UTC (0 where `time_flag` is set).
    time_flag : ndarray of int8
        0 for a readable aware time; otherwise why not (missing, naive, unreadable).
    step : ndarray of str or int64
        Step ids, ``""`` for none; or indices into the template's steps, -1 for none.
    value : ndarray of float64
        Ratings, moves or scores; NaN for none.
    unread_kind : ndarray of object or None
        The kind as given where `kind` is -1 (None elsewhere), so that the check names the
        value that arrived; None when every kind reads, or when the table was built from
        codes.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.model import EventTable
    >>> table = EventTable.from_columns({
    ...     "id": [1, 2], "participant": ["e1", "e1"], "kind": ["activity", "session_rated"],
    ...     "time": np.array(["2027-01-05T10:00", "2027-01-19T11:00"], dtype="datetime64[s]"),
    ...     "step": ["", "coaching-1"], "value": [np.nan, 9.0]})
    >>> table
    EventTable(n=2)
    >>> table.kind.tolist()
    [5, 4]
    """

    id: npt.NDArray[Any]
    participant: npt.NDArray[np.str_]
    kind: npt.NDArray[np.int8]
    time: IntArray
    time_flag: npt.NDArray[np.int8]
    step: npt.NDArray[np.str_]
    value: FloatArray
    unread_kind: npt.NDArray[np.object_] | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        problems = [
            Problem((name,), f"expected a 1-D numpy array of dtype {kinds}, got {_shape(value)}")
            for name, kinds in _FIELD_KINDS.items()
            if not (
                isinstance(value := getattr(self, name), np.ndarray)
                and value.ndim == 1
                and value.dtype.kind in kinds
            )
        ]
        unread: object = self.unread_kind
        if unread is not None and not (
            isinstance(unread, np.ndarray) and unread.dtype.kind == "O" and unread.ndim == 1
        ):
            msg = f"expected None or a 1-D numpy array of dtype O, got {_shape(unread)}"
            problems.append(Problem(("unread_kind",), msg))
        if problems:
            problems.append(
                Problem((), "build a table with EventTable.from_columns or from_records")
            )
            raise SchemaError(problems)
        lengths = {name: len(getattr(self, name)) for name in _FIELD_KINDS}
        if self.unread_kind is not None:
            lengths["unread_kind"] = len(self.unread_kind)
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{k}: {v}" for k, v in lengths.items())
            raise SchemaError([Problem((), f"columns differ in length ({shown})")])

    def __len__(self) -> int:
        return len(self.kind)

    def __repr__(self) -> str:
        return f"EventTable(n={len(self)})"

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> EventTable:
        """Build from a mapping (or DataFrame) of columns: id, participant, kind, time, step, value.

        `step` and `value` are optional.

        `time` is ``datetime64`` (read as UTC, the fast path) or aware datetimes or ISO 8601
        strings with an offset; `kind` holds :class:`EventKind` values (or their indices);
        `step` ``""`` or None for none; `value` NaN or None for none. A list is read cell by
        cell, like the same values in event dicts: None and NaN are missing in any column, a
        bool or text in `value` is not a number.

        Raises
        ------
        SchemaError
            If a required column is missing or the columns differ in length, an id, participant
            or step is neither text nor a 64-bit integer or its text holds a NUL character, a
            participant column mixes text and integers, a
            ``datetime64`` time lies outside the years 1 to 9999, or a list holds a list where
            one value belongs (naming the column and the rows). Problems with single events
            are not raised here: :func:`check_events` reports them.
        """
        return _read_columns(columns, _present_columns(columns))

    @classmethod
    def from_records(cls, events: Iterable[Event | Mapping[str, Any]]) -> EventTable:
        """Build from :class:`~sparkus.model.Event` records, or dicts with the same fields.

        A dict holds one event under the table's column names, which are also the
        :class:`~sparkus.model.Event` field names: ``id``, ``participant``, ``kind`` and
        ``time`` required, ``step`` and ``value`` optional (None for none). Its values are
        read like the cells of :meth:`from_columns`.

        Raises
        ------
        SchemaError
            If an item is neither an :class:`~sparkus.model.Event` nor a dict, or a dict has
            an unknown field, lacks a required one, holds a list where one value belongs, or
            an integer participant (an id is text; schedule rows, the fast path, come as a
            column to :meth:`from_columns`), naming the item and the field, e.g.
            ``events[3].participant_id``; and for the cells :meth:`from_columns` refuses.

        Examples
        --------
        >>> from sparkus.model import EventTable
        >>> EventTable.from_records([
        ...     {"id": "ev1", "participant": "e1", "kind": "activity",
        ...      "time": "2027-01-05T10:00:00+00:00"}])
        EventTable(n=1)
        """
        return _read_columns(_record_columns(events), set(_COLUMNS))

    def take(self, rows: npt.ArrayLike) -> EventTable:
        """The events at `rows` (indices or a boolean mask), in that order.

        Raises
        ------
        SchemaError
            If `rows` is not a 1-D array of integers from ``-n`` to ``n - 1`` or a boolean
            mask of length ``n``.
        """
        index = column(rows, "rows")
        n = len(self)
        if index.dtype.kind == "b":
            if len(index) != n:
                msg = f"a boolean mask needs {n} entries, one per event, got {len(index)}"
                raise SchemaError([Problem(("rows",), msg)])
        elif index.dtype.kind in "iu" or len(index) == 0:
            index = index.astype(np.int64)
            outside = np.flatnonzero((index < -n) | (index >= n))
            if len(outside):
                msg = (f"{int(index[outside[0]])} is not an event of this table of {n} (in "
                       f"{rows_text(outside)})")  # fmt: skip
                raise SchemaError([Problem(("rows",), msg)])
        else:
            msg = f"expected integer positions or a boolean mask, got dtype {index.dtype}"
            raise SchemaError([Problem(("rows",), msg)])
        unread = None if self.unread_kind is None else self.unread_kind[index]
        return EventTable(*(getattr(self, name)[index] for name in
                            ("id", "participant", "kind", "time", "time_flag", "step", "value")),
                          unread_kind=unread)  # fmt: skip


def as_event_table(events: object) -> EventTable:
    """An :class:`EventTable` from a table, a mapping of columns, a DataFrame, records or dicts.

    A mapping whose ``id`` is one value (text or an integer) is one event; a mapping whose
    ``id`` is a list or an array is columns.
    """
    if isinstance(events, EventTable):
        return events
    if isinstance(events, Mapping) and is_one_value(events.get("id")):
        return _read_columns(_record_columns([events]), set(_COLUMNS))
    if isinstance(events, Mapping) or hasattr(events, "columns"):
        columns: Any = events
        return _read_columns(columns, _present_columns(columns))
    if isinstance(events, Iterable) and not isinstance(events, str | bytes):
        return _read_columns(_record_columns(events), set(_COLUMNS))
    msg = (f"expected an EventTable, a mapping of columns, Event records or dicts with the "
           f"fields {', '.join(_COLUMNS)}, got {describe(events)}")  # fmt: skip
    raise SchemaError([Problem(("events",), msg)])


def _present_columns(columns: Mapping[str, Any]) -> set[str]:
    """The names of the columns given; a SchemaError if a required one is missing.

    A column that is not an event's is one too: a typo such as ``values`` would otherwise
    drop the values without a word.
    """
    names = column_names(columns)
    have = set(names)
    missing = [c for c in ("id", "participant", "kind", "time") if c not in have]
    problems = []
    if missing:
        msg = f"missing required column(s) {', '.join(missing)}; give {', '.join(_COLUMNS)}"
        problems.append(Problem((), msg))
    for name in (n for n in names if n not in _COLUMNS):
        msg = (f"is not an event column (the columns are {', '.join(_COLUMNS)}); select the "
               "event columns of a wider table (`frame[[...]]`)")  # fmt: skip
        problems.append(Problem((name,), msg))
    if problems:
        raise SchemaError(problems)
    return have


def _record_columns(events: Iterable[object]) -> dict[str, npt.NDArray[Any]]:
    """The columns of Event records and dicts; a SchemaError naming each item that is neither.

    A dict has the event table's fields: ``id``, ``participant``, ``kind`` and ``time``
    required, ``step`` and ``value`` optional (None for none). An unknown field, a missing
    required one, a field holding more than one value, or an integer participant (whose
    meaning, a schedule row, belongs to a column of rows) is refused naming the item and the
    field; a value that cannot be read (an unknown kind, a naive time) is left to the check,
    which refuses that event alone.
    """
    given: object = events
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        msg = f"expected an iterable of Event records or dicts, got {describe(given)}"
        raise SchemaError([Problem(("events",), msg)])
    cells: dict[str, list[object]] = {name: [] for name in _COLUMNS}
    problems: list[Problem] = []
    for i, item in enumerate(given):
        if isinstance(item, Event):
            row: Mapping[str, object] = {name: getattr(item, name) for name in _COLUMNS}
        elif isinstance(item, Mapping):
            row = item
            problems += _dict_problems(i, item)
        else:
            msg = f"expected an Event or a dict of the fields {', '.join(_COLUMNS)}, got " + (
                describe(item)
            )
            problems.append(Problem(("events", i), msg))
            continue
        for name in _COLUMNS:
            cells[name].append(row.get(name))
    if problems:
        raise SchemaError(problems)
    out = {}
    for name, values in cells.items():
        out[name] = np.empty(len(values), dtype=object)  # one cell each: no nesting inferred
        out[name][:] = values
    return out


def _is_int(value: object) -> TypeGuard[int | np.integer[Any]]:
    """An int or a numpy integer, not a bool."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _dict_problems(i: int, item: Mapping[Any, object]) -> list[Problem]:
    """What keeps the dict of event `i` from being an event: unknown, missing, non-scalar fields."""
    problems = []
    fields = ", ".join(_COLUMNS)
    for key, value in item.items():
        if key not in _COLUMNS:
            msg = f"unknown field {key!r}; an event's fields are {fields} (the table's columns)"
            problems.append(Problem(("events", i, str(key)), msg))
        elif not is_missing(value) and not is_one_value(value):
            msg = f"expected one value, got {describe(value)}"
            problems.append(Problem(("events", i, key), msg))
        elif key == "participant" and _is_int(value):
            msg = (f"expected the participant's id as text, got {describe(value)}; pass the id "
                   "as text, or schedule rows as a column of integers (the fast path of "
                   "EventTable.from_columns)")  # fmt: skip
            problems.append(Problem(("events", i, key), msg))
    missing = [name for name in ("id", "participant", "kind", "time") if name not in item]
    if missing:
        msg = f"missing field(s) {', '.join(missing)}; an event's fields are {fields}"
        problems.append(Problem(("events", i), msg))
    return problems


def _half_pair_problems(array: npt.NDArray[Any], name: str) -> list[Problem]:
    """The problem of text cells holding half a surrogate pair, which an Event record refuses."""
    if array.dtype.kind == "U":  # code points in one vectorised pass
        points = np.ascontiguousarray(array).view(np.uint32)
        if not ((points >= 0xD800) & (points <= 0xDFFF)).any():
            return []
    elif array.dtype.kind != "O":
        return []
    cells = array.tolist()
    try:
        if not has_half_pair("".join(cells)):  # the usual column: one pass in C
            return []
    except TypeError:  # not all text
        pass
    bad = np.array([i for i, v in enumerate(cells) if isinstance(v, str) and has_half_pair(v)])
    if not len(bad):
        return []
    return [Problem((name,), f"{HALF_PAIR}, in {rows_text(bad)}, e.g. {cells[bad[0]]!r}")]


def _read_columns(columns: Mapping[str, Any], have: set[str]) -> EventTable:
    """The table of columns holding the required ones.

    pandas columns are aligned by index (or refused); every column must be 1-D and ids text
    or 64-bit integers (see :func:`~sparkus.model._intake.id_column`).
    """
    given = {name: event_cells(values, name)  # lists as their cells: no NaN read as "nan"
             for name, values in aligned(columns, [c for c in _COLUMNS if c in have]).items()}  # fmt: skip
    problems = []
    for name in ("id", "participant", "step"):
        if name in given:
            given[name] = array = column(given[name], name)
            problems += nul_problems(array, name)  # (every column's, at once)
            problems += _half_pair_problems(array, name)
    if problems:
        raise SchemaError(problems)
    lengths = {name: len(cast(Any, v)) for name, v in given.items() if np.ndim(cast(Any, v)) == 1}
    if len(set(lengths.values())) > 1:  # named as given: not as the table fills them
        shown = ", ".join(f"{name}: {count:,}" for name, count in lengths.items())
        raise SchemaError([Problem((), f"columns differ in length ({shown}); pass one value "
                                        "per event in each")])  # fmt: skip
    id_array = id_cells(given["id"], "id", what="event ids")
    n = len(id_array)
    time, flag = _time_column(given["time"])
    step = _step_column(given["step"]) if "step" in have else np.full(n, "", dtype=str)
    value = _value_column(given.get("value"), n)
    participant = participant_cells(given["participant"], "participant")
    kind, unread = _kind_column(given["kind"])
    return EventTable(id_array, participant, kind, time, flag, step, value, unread_kind=unread)
