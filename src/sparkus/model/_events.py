"""Events as columns, and their validation against a journey schedule.

An :class:`EventTable` holds many events as equal-length arrays (id, participant, kind, time,
step, value); it builds from :class:`~sparkus.model.Event` records or from columns.
:func:`check_events` checks every event against a :class:`~sparkus.model.JourneySchedule` and
splits the batch into the events that can be applied and an :class:`EventCheck` listing each
rejected one with its row, id and reasons. Nothing here loops over events in Python except
over the rejected ones (and over records or non-numpy times on the way in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus._results import Result, Table
from sparkus.model._enums import EventKind, StepKind
from sparkus.model._journeys import JourneySchedule, string_keys
from sparkus.model._records import Event

__all__ = ["EventCheck", "EventTable", "RejectedEvent", "check_events"]

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

_TIME_OK: Final = 0
_TIME_MISSING: Final = 1
_TIME_NAIVE: Final = 2
_TIME_UNREADABLE: Final = 3
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_COLUMNS: Final = ("id", "participant", "kind", "time", "step", "value")


def _strings(values: object, name: str) -> npt.NDArray[np.str_]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise SchemaError([Problem((name,), f"expected a 1-D column, got shape {array.shape}")])
    if array.dtype.kind == "U":
        return array
    return np.array(["" if v is None else str(v) for v in array.tolist()], dtype=str)


def _codes_or_strings(values: object, name: str) -> npt.NDArray[Any]:
    array = np.asarray(values)
    if array.dtype.kind in "iu" and array.ndim == 1:
        return array.astype(np.int64)
    return _strings(array, name)


def _time_column(values: object) -> tuple[IntArray, npt.NDArray[np.int8]]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise SchemaError([Problem(("time",), f"expected a 1-D column, got shape {array.shape}")])
    if array.dtype.kind == "M":
        seconds = array.astype("datetime64[s]").view(np.int64).copy()
        flag = np.where(np.isnat(array), _TIME_MISSING, _TIME_OK).astype(np.int8)
        seconds[flag != _TIME_OK] = 0
        return seconds, flag
    seconds = np.zeros(len(array), dtype=np.int64)
    flag = np.zeros(len(array), dtype=np.int8)
    for i, v in enumerate(array.tolist()):
        moment = v
        if isinstance(v, str):
            try:
                moment = dt.datetime.fromisoformat(v)
            except ValueError:
                flag[i] = _TIME_UNREADABLE
                continue
        if isinstance(moment, dt.datetime):
            if moment.tzinfo is None or moment.utcoffset() is None:
                flag[i] = _TIME_NAIVE
            else:
                seconds[i] = int((moment - _EPOCH).total_seconds() // 1)
        elif moment is None:
            flag[i] = _TIME_MISSING
        else:
            flag[i] = _TIME_UNREADABLE
    return seconds, flag


def _kind_column(values: object) -> npt.NDArray[np.int8]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise SchemaError([Problem(("kind",), f"expected a 1-D column, got shape {array.shape}")])
    if array.dtype.kind in "iu":
        return np.where((array >= 0) & (array < len(KINDS)), array, -1).astype(np.int8)
    if array.dtype.kind == "O":
        array = np.array([v.value if isinstance(v, EventKind) else str(v) for v in array.tolist()],
                         dtype=str)  # fmt: skip
    if array.dtype.kind != "U":
        return np.full(len(array), -1, dtype=np.int8)
    names = np.array([k.value for k in KINDS], dtype=str)
    order = np.argsort(names)
    at = np.minimum(np.searchsorted(names[order], array), len(names) - 1)
    code = order[at]
    return np.where(names[code] == array, code, -1).astype(np.int8)


def _value_column(values: object, n: int) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    array = np.asarray(values)
    if array.dtype.kind in "biuf":
        return array.astype(np.float64)
    out = np.full(len(array), np.nan)
    for i, v in enumerate(array.tolist()):
        if v is not None and not isinstance(v, bool) and isinstance(v, int | float):
            out[i] = float(v)
        elif v is not None:
            out[i] = np.inf  # not a number: refused as "not a finite number"
    return out


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

    def __attrs_post_init__(self) -> None:
        lengths = {name: len(getattr(self, name)) for name in (*_COLUMNS, "time_flag")}
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
        `step` ``""`` or None for none; `value` NaN or None for none.

        Raises
        ------
        SchemaError
            If a required column is missing or the columns differ in length. Problems with
            single events are not raised here: :func:`check_events` reports them.
        """
        given: object = columns
        have = set(getattr(given, "columns", None) or getattr(given, "keys", list)())
        missing = [c for c in ("id", "participant", "kind", "time") if c not in have]
        if missing:
            msg = f"missing required column(s) {', '.join(missing)}; give {', '.join(_COLUMNS)}"
            raise SchemaError([Problem((), msg)])
        ids = np.asarray(columns["id"])
        if ids.dtype.kind in "iu":
            id_array: npt.NDArray[Any] = ids.astype(np.int64)
        else:
            id_array = _strings(ids, "id")
        n = len(id_array)
        time, flag = _time_column(columns["time"])
        step = (_codes_or_strings(columns["step"], "step") if "step" in have
                else np.full(n, "", dtype=str))  # fmt: skip
        value = _value_column(columns["value"] if "value" in have else None, n)
        return cls(id_array, _codes_or_strings(columns["participant"], "participant"),
                   _kind_column(columns["kind"]), time, flag, step, value)  # fmt: skip

    @classmethod
    def from_records(cls, events: Iterable[Event]) -> EventTable:
        """Build from :class:`~sparkus.model.Event` records.

        Raises
        ------
        SchemaError
            If an item is not an :class:`~sparkus.model.Event`.
        """
        records: list[object] = list(events)
        bad = [Problem(("events", i), f"expected an Event, got {describe(e)}")
               for i, e in enumerate(records) if not isinstance(e, Event)]  # fmt: skip
        if bad:
            raise SchemaError(bad)
        events_ = [e for e in records if isinstance(e, Event)]
        return cls.from_columns({
            "id": np.array([e.id for e in events_], dtype=str),
            "participant": np.array([e.participant_id for e in events_], dtype=str),
            "kind": np.array([KINDS.index(e.kind) for e in events_], dtype=np.int8),
            "time": np.array([e.time for e in events_], dtype=object),
            "step": np.array([e.step_id or "" for e in events_], dtype=str),
            "value": np.array([np.nan if e.value is None else e.value for e in events_]),
        })  # fmt: skip

    def take(self, rows: npt.ArrayLike) -> EventTable:
        """The events at `rows` (indices or a boolean mask), in that order."""
        index = np.asarray(rows)
        return EventTable(*(getattr(self, name)[index] for name in
                            ("id", "participant", "kind", "time", "time_flag", "step", "value")))  # fmt: skip


def as_event_table(events: object) -> EventTable:
    """An :class:`EventTable` from a table, a mapping of columns, a DataFrame or records."""
    if isinstance(events, EventTable):
        return events
    if isinstance(events, Mapping) or hasattr(events, "columns"):
        return EventTable.from_columns(events)  # type: ignore[arg-type]
    if isinstance(events, Iterable) and not isinstance(events, str | bytes):
        return EventTable.from_records(events)
    msg = f"expected an EventTable, a mapping of columns or Event records, got {describe(events)}"
    raise SchemaError([Problem(("events",), msg)])


@attrs.frozen
class RejectedEvent:
    """One event refused by :func:`check_events`: where it was and why.

    .. versionadded:: 0.1

    Attributes
    ----------
    row : int
        Its position in the batch.
    id : str or int
        Its id as given.
    reasons : tuple of (field, message) pairs
        Every problem found, each naming the event's field.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.model import (Event, EventKind, Goal, Season, SupportType, check_events,
    ...                            default_journey, schedule_journeys)
    >>> schedule = schedule_journeys(default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]),
    ...                              ["e1"], [SupportType.COACHING], [6],
    ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
    >>> day = dt.datetime(2027, 1, 18, 10, tzinfo=dt.UTC)
    >>> check = check_events(schedule, [Event("a2", "e9", EventKind.ACTIVITY, day)])
    >>> check.rejected[0]
    RejectedEvent(row=0, id='a2', reasons=(('participant', "'e9' is not a participant of the schedule"),))
    """

    row: int
    id: str | int
    reasons: tuple[tuple[str, str], ...]


@attrs.frozen(eq=False)
class Encoded:
    """Accepted events, encoded against a schedule (private to sparkus)."""

    row: IntArray
    slot: IntArray
    kind: npt.NDArray[np.int8]
    time: IntArray
    value: FloatArray
    source: IntArray


@attrs.frozen(repr=False, eq=False)
class EventCheck(Result):
    """What became of a batch of events: how many were accepted, and each one refused.

    .. versionadded:: 0.1

    Attributes
    ----------
    n : int
        Events in the batch.
    accepted : int
        Events that passed every check (and were applied, for :meth:`Tracker.update
        <sparkus.metrics.Tracker.update>`); an exact repeat of an event counts here too, and
        changes nothing.
    rejected : tuple of RejectedEvent
        Each refused event, in batch order.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.model import (Event, EventKind, Goal, Season, SupportType, check_events,
    ...                            default_journey, schedule_journeys)
    >>> schedule = schedule_journeys(default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]),
    ...                              ["e1"], [SupportType.COACHING], [6],
    ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
    >>> day = dt.datetime(2027, 1, 18, 10, tzinfo=dt.UTC)
    >>> check = check_events(schedule, [
    ...     Event("a1", "e1", EventKind.SESSION_RATED, day, step_id="coaching-1", value=9.0),
    ...     Event("a2", "e9", EventKind.ACTIVITY, day)])
    >>> check
    EventCheck(n=2, accepted=1, rejected=1)
    >>> check.ok, check.rejected[0].row
    (False, 1)
    """

    n: int
    accepted: int
    rejected: tuple[RejectedEvent, ...]
    _encoded: Encoded | None = attrs.field(default=None, alias="encoded")

    @property
    def ok(self) -> bool:
        """True when no event was refused."""
        return not self.rejected

    def error(self) -> SchemaError | None:
        """The refused events as one :class:`~sparkus.SchemaError`, or None if there are none.

        Each problem's path is ``events[row].field``.
        """
        problems = [Problem(("events", r.row, f), f"{m} (event id {r.id!r})")
                    for r in self.rejected for f, m in r.reasons]  # fmt: skip
        return SchemaError(problems) if problems else None

    def raise_for_rejected(self) -> None:
        """Raise :meth:`error` if any event was refused."""
        error = self.error()
        if error is not None:
            raise error

    def to_dict(self) -> dict[str, Any]:
        """Counts and each refused event (row, id, reasons) as JSON-ready data."""
        return {
            "n": self.n,
            "accepted": self.accepted,
            "rejected": [
                {"row": r.row, "id": r.id, "reasons": [{"field": f, "message": m}
                                                       for f, m in r.reasons]}
                for r in self.rejected
            ],
        }  # fmt: skip

    def _headline(self) -> str:
        return f"n={self.n}, accepted={self.accepted}, rejected={len(self.rejected)}"

    def _tables(self) -> list[Table]:
        rows = tuple((str(r.row), str(r.id), f, m) for r in self.rejected[:50]
                     for f, m in r.reasons)  # fmt: skip
        note = f"{len(self.rejected) - 50:,} more refused" if len(self.rejected) > 50 else ""
        return [
            Table("Events", ("", "count"), (("in batch", f"{self.n:,}"),
                                             ("accepted", f"{self.accepted:,}"),
                                             ("rejected", f"{len(self.rejected):,}"))),
            Table("Rejected events", ("row", "id", "field", "reason"), rows, note),
        ]  # fmt: skip


def _id_problems(ids: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if ids.dtype.kind == "i":
        return np.asarray(ids < 0)
    if len(ids) == 0:
        return np.zeros(0, dtype=bool)
    stripped = np.strings.strip(ids)
    return np.asarray((stripped == "") | (stripped != ids))


def _conflicting_ids(
    ids: npt.NDArray[Any], fields: tuple[npt.NDArray[Any], ...]
) -> npt.NDArray[np.bool_]:
    """Rows whose id repeats in the batch with different content."""
    n = len(ids)
    if n < 2:
        return np.zeros(n, dtype=bool)
    keys = ids.view(np.uint64) if ids.dtype.kind == "i" else string_keys(ids)
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    same = k[1:] == k[:-1]
    if ids.dtype.kind != "i":
        same &= ids[order][1:] == ids[order][:-1]
    if not same.any():
        return np.zeros(n, dtype=bool)
    differs = np.zeros(n - 1, dtype=bool)
    for f in fields:
        a, b = f[order][1:], f[order][:-1]
        if f.dtype.kind == "f":
            differs |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
        else:
            differs |= a != b
    bad_pairs = same & differs
    if not bad_pairs.any():
        return np.zeros(n, dtype=bool)
    bad_keys = np.unique(k[1:][bad_pairs])
    out = np.isin(keys, bad_keys)
    if ids.dtype.kind != "i":
        bad_ids = np.unique(ids[order][1:][bad_pairs])
        out &= np.isin(ids, bad_ids)
    return np.asarray(out)


def check_events(schedule: JourneySchedule, events: object) -> EventCheck:
    """Check a batch of events against a journey schedule.

    .. versionadded:: 0.1

    Every event is checked; the result counts the accepted ones and lists each refused one
    with its row, id and every reason, naming the field:

    ====================  ==========================================================================
    field                 refused when
    ====================  ==========================================================================
    ``id``                empty, only spaces or padded with spaces (string ids), negative (integer
                          ids); or repeated in the batch with different content (all copies refused)
    ``kind``              not an :class:`~sparkus.model.EventKind`
    ``time``              missing, unreadable, naive (no UTC offset), before the participant's
                          journey starts, or after its end plus the schedule's follow-up days
    ``participant``       not in the schedule
    ``step``              missing on a step event or a rating, not a step of the template, or not
                          on this participant's journey
    ``value``             missing on a rating (needs 0 to 10) or a reschedule (needs the days the
                          due date moves, at most 3,660 either way); outside those ranges; not
                          finite; present on a completion of a step other than an assessment or a
                          checkpoint (where it is a score), or on any other kind
    ====================  ==========================================================================

    An exact repeat of an event (same id and content) is accepted: applying it again changes
    nothing.

    Parameters
    ----------
    schedule : JourneySchedule
        The journeys the events belong to.
    events : EventTable, mapping, or iterable of Event
        The batch: a table, columns (a mapping or a DataFrame), or records.

    Returns
    -------
    EventCheck

    Raises
    ------
    SchemaError
        Only for a batch that cannot be read at all (a missing column, columns of different
        lengths); problems with single events are reported in the result.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.model import (Event, EventKind, Goal, Season, SupportType, check_events,
    ...                            default_journey, schedule_journeys)
    >>> schedule = schedule_journeys(default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]),
    ...                              ["e1"], [SupportType.COACHING], [6],
    ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
    >>> day = dt.datetime(2027, 1, 18, 10, tzinfo=dt.UTC)
    >>> check = check_events(schedule, [
    ...     Event("a1", "e1", EventKind.SESSION_RATED, day, step_id="coaching-1", value=9.0),
    ...     Event("a2", "e9", EventKind.ACTIVITY, day),
    ...     Event("a3", "e1", EventKind.SESSION_RATED, day, step_id="coaching-1", value=11.0)])
    >>> check
    EventCheck(n=3, accepted=1, rejected=2)
    >>> print(check.error())
    2 problems in the input:
      events[1].participant: 'e9' is not a participant of the schedule (event id 'a2')
      events[2].value: a rating must be between 0 and 10, got 11 (event id 'a3')
    """
    table = as_event_table(events)
    return _check(schedule, table)


def _check(schedule: JourneySchedule, table: EventTable) -> EventCheck:
    n = len(table)
    kind = table.kind.astype(np.int64)
    problems: list[tuple[str, npt.NDArray[np.bool_], Any]] = []

    def refuse(field: str, mask: npt.NDArray[np.bool_], message: Any) -> None:
        if mask.any():
            problems.append((field, mask, message))

    id_message = ("must be a non-negative integer" if table.id.dtype.kind == "i"
                  else "is empty or has surrounding spaces")  # fmt: skip
    refuse("id", _id_problems(table.id), id_message)
    refuse("kind", kind < 0, "is not an event kind (one of "
           + ", ".join(k.value for k in KINDS) + ")")  # fmt: skip
    flag = table.time_flag
    refuse("time", flag == _TIME_MISSING, "is missing")
    refuse("time", flag == _TIME_NAIVE, "is naive; give it a UTC offset")
    refuse("time", flag == _TIME_UNREADABLE, "is not a datetime (nor ISO 8601 text)")
    row = schedule.rows_of(table.participant)
    known = row >= 0
    refuse(
        "participant",
        ~known,
        lambda i: f"{str(table.participant[i])!r} is not a participant of the schedule",
    )
    # steps
    step_ids = np.array(schedule.step_ids, dtype=str)
    order = np.argsort(step_ids)
    if table.step.dtype.kind == "i":
        codes: IntArray = table.step.astype(np.int64)
        has_step = codes >= 0
        step = np.where(has_step, codes, 0)
        step_known = has_step & (codes < len(step_ids))
        step = np.where(step_known, step, 0)
    else:
        has_step = table.step != ""
        at = np.minimum(np.searchsorted(step_ids[order], table.step), len(step_ids) - 1)
        step = order[at].astype(np.int64)
        step_known = has_step & (step_ids[step] == table.step)
    needs_step = (kind >= 0) & (kind != ACTIVITY)
    refuse(
        "step", needs_step & ~has_step, lambda i: f"a {KINDS[kind[i]].value} event needs a step id"
    )
    refuse(
        "step",
        has_step & ~step_known,
        lambda i: f"{str(table.step[i])!r} is not a step of the template",
    )
    safe_row = np.where(known, row, 0)
    slot = np.full(n, -1, dtype=np.int64)
    if len(schedule):
        slot = np.where(
            step_known & known, schedule.slots_of(safe_row, np.where(step_known, step, 0)), -1
        )
    refuse(
        "step",
        step_known & known & (slot < 0),
        lambda i: f"{str(table.step[i])!r} is not on {str(table.participant[i])!r}'s journey",
    )
    # times against the journey
    timed = (flag == _TIME_OK) & known
    starts = schedule.start_seconds[safe_row] if len(schedule) else np.zeros(n, np.int64)
    ends = schedule.end_seconds[safe_row] if len(schedule) else np.zeros(n, np.int64)
    refuse(
        "time",
        timed & (table.time < starts),
        lambda i: f"comes before the journey starts ({_iso(starts[i])})",
    )
    refuse(
        "time",
        timed & (table.time >= ends),
        lambda i: (
            f"comes after the journey's end plus {schedule.follow_up_days} follow-up "
            f"days ({_iso(ends[i])})"
        ),
    )
    # values
    value = table.value
    present = ~np.isnan(value)
    finite = np.isfinite(value)
    refuse("value", present & ~finite, "is not a finite number")
    low, high = RATING_SCALE
    refuse("value", (kind == RATED) & ~present, "a session_rated event needs a rating (0 to 10)")
    refuse(
        "value",
        (kind == RATED) & finite & ((value < low) | (value > high)),
        lambda i: f"a rating must be between 0 and 10, got {value[i]:g}",
    )
    refuse(
        "value",
        (kind == RESCHEDULED) & ~present,
        "a step_rescheduled event needs the days the due date moves",
    )
    refuse(
        "value",
        (kind == RESCHEDULED) & finite & (np.abs(value) > MAX_MOVE_DAYS),
        lambda i: f"a move of {value[i]:g} days is beyond {MAX_MOVE_DAYS:,.0f} either way",
    )
    scored = np.array([s.kind in SCORED_STEPS for s in schedule.template.steps])
    can_score = step_known & scored[np.where(step_known, step, 0)]
    refuse(
        "value",
        (kind == COMPLETED) & present & step_known & ~can_score,
        lambda i: (
            f"a completion of {str(table.step[i])!r} carries no value (only assessments "
            "and checkpoints carry a score)"
        ),
    )
    no_value = np.isin(kind, [MISSED, SKIPPED, ACTIVITY])
    refuse(
        "value",
        no_value & present,
        lambda i: f"a {KINDS[kind[i]].value} event carries no value, got {value[i]:g}",
    )
    bad = np.zeros(n, dtype=bool)
    for _, mask, _ in problems:
        bad |= mask
    canon_value = np.where(present, value, np.nan)
    refuse(
        "id",
        _conflicting_ids(table.id, (row, slot, kind, table.time, canon_value, step)),
        "repeats with different content in this batch; give each event its own id",
    )
    for _, mask, _ in problems:
        bad |= mask
    rejected: list[RejectedEvent] = []
    if bad.any():
        reasons: dict[int, list[tuple[str, str]]] = {}
        for field, mask, message in problems:
            for i in np.flatnonzero(mask).tolist():
                text = message(i) if callable(message) else message
                reasons.setdefault(i, []).append((field, text))
        ids = table.id.tolist()
        rejected = [RejectedEvent(i, ids[i], tuple(reasons[i])) for i in sorted(reasons)]
    good = np.flatnonzero(~bad)
    encoded = Encoded(
        row=row[good], slot=slot[good], kind=table.kind[good], time=table.time[good],
        value=value[good], source=good,
    )  # fmt: skip
    return EventCheck(n, len(good), tuple(rejected), encoded=encoded)


def _iso(seconds: Any) -> str:
    return (_EPOCH + dt.timedelta(seconds=int(seconds))).isoformat()
