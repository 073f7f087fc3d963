"""The check of a batch of events against a journey schedule, and what became of each event.

:func:`~sparkus.model.check_events` checks every event of an
:class:`~sparkus.model.EventTable` against a :class:`~sparkus.model.JourneySchedule` and splits
the batch into the events that can be applied and an :class:`~sparkus.model.EventCheck` listing
each rejected one with its row, id and reasons. Nothing here loops over events in Python except
over the rejected ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_missing
from sparkus._errors import Problem, SchemaError
from sparkus._fields import probably_meant, spelling_key
from sparkus._ids import near_ids
from sparkus._results import Result, Table
from sparkus.model._enums import EventKind
from sparkus.model._event_ids import conflicting_ids
from sparkus.model._event_slots import event_slots, journey_span
from sparkus.model._event_table import (
    ACTIVITY,
    COMPLETED,
    EPOCH,
    KINDS,
    MAX_MOVE_DAYS,
    MISSED,
    RATED,
    RATING_SCALE,
    RESCHEDULED,
    SCORED_STEPS,
    SKIPPED,
    TIME_MISSING,
    TIME_NAIVE,
    TIME_OK,
    TIME_UNREADABLE,
    EventTable,
    as_event_table,
)
from sparkus.model._journeys import JourneySchedule

__all__ = ["MAX_SCORE", "Encoded", "EventCheck", "RejectedEvent", "check_events"]

MAX_SCORE: Final = 1e12
"""The largest score in size (assessments and checkpoints): squares and sums of many stay finite."""

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]


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

    def __attrs_post_init__(self) -> None:
        problems = []
        row: object = self.row
        if not isinstance(row, int) or isinstance(row, bool) or row < 0:
            problems.append(Problem(("row",), f"expected an int >= 0, got {describe(row)}"))
        ident: object = self.id
        if not isinstance(ident, str | int) or isinstance(ident, bool):
            problems.append(Problem(("id",), f"expected a str or int, got {describe(ident)}"))
        reasons: object = self.reasons
        if not isinstance(reasons, tuple) or not all(
            isinstance(r, tuple) and len(r) == 2 and all(isinstance(x, str) for x in r)
            for r in reasons
        ):
            problems.append(Problem(("reasons",), f"expected a tuple of (field, message) "
                                                  f"pairs, got {describe(reasons)}"))  # fmt: skip
        if problems:
            raise SchemaError(problems)


@attrs.frozen(eq=False)
class Encoded:
    """Accepted events, encoded against a schedule (private to sparkus)."""

    row: IntArray
    slot: IntArray
    kind: npt.NDArray[np.int8]
    time: IntArray
    value: FloatArray
    source: IntArray
    schedule: str = ""
    """The fingerprint of the schedule the events were checked against."""


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
    ...     Event("a1", "e1", EventKind.SESSION_RATED, day, step="coaching-1", value=9.0),
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

    def __attrs_post_init__(self) -> None:
        problems = []
        n: object = self.n
        accepted: object = self.accepted
        rejected: object = self.rejected
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            problems.append(Problem(("n",), f"expected an int >= 0, got {describe(n)}"))
        elif not isinstance(accepted, int) or isinstance(accepted, bool) or not 0 <= accepted <= n:
            problems.append(Problem(("accepted",), f"expected an int from 0 to {n}, got "
                                                   f"{describe(accepted)}"))  # fmt: skip
        if not isinstance(rejected, tuple) or not all(
            isinstance(r, RejectedEvent) for r in rejected
        ):
            problems.append(Problem(("rejected",), f"expected a tuple of RejectedEvent, got "
                                                   f"{describe(rejected)}"))  # fmt: skip
        if problems:
            raise SchemaError(problems)

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


_NO_VALUE: Final = np.isin(np.arange(len(KINDS) + 1), [MISSED, SKIPPED, ACTIVITY])
"""Whether each event kind carries no value, by kind code (one more entry, False, for -1)."""


def _id_problems(ids: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if ids.dtype.kind == "i":
        return np.asarray(ids < 0)
    if len(ids) == 0:
        return np.zeros(0, dtype=bool)
    stripped = np.strings.strip(ids)
    return np.asarray((stripped == "") | (stripped != ids))


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
    ``kind``              not an :class:`~sparkus.model.EventKind` (the reason names the value
                          that arrived, and the kind meant when only its spelling differs:
                          ``"Step Completed"``)
    ``time``              missing, unreadable, naive (no UTC offset), before the participant's
                          journey starts, or after its end plus the schedule's follow-up days
    ``participant``       not in the schedule
    ``step``              missing on a step event or a rating, not a step of the template (the
                          reason names the step meant when only case or separators differ), or
                          not on this participant's journey
    ``value``             missing on a rating (needs 0 to 10) or a reschedule (needs the days the
                          due date moves, at most 3,660 either way); outside those ranges; not
                          finite; present on a completion of a step other than an assessment or a
                          checkpoint (where it is a score, at most 10¹² either way), or on any
                          other kind
    ====================  ==========================================================================

    An exact repeat of an event (same id and content) is accepted: applying it again changes
    nothing.

    Parameters
    ----------
    schedule : JourneySchedule
        The journeys the events belong to.
    events : EventTable, mapping, or iterable of Event or dict
        The batch: a table; columns (a mapping or a DataFrame); :class:`Event` records; or
        dicts with the table's column names (``id``, ``participant``, ``kind``, ``time``,
        optional ``step`` and ``value``), as a JSON API receives them. One dict (whose ``id``
        is a single value, not a list) is a batch of one event. A ``participant`` column of
        integers is read as schedule rows (the fast path), unless some id of the schedule is
        the text of an integer: then it is refused, as it could mean those ids (pass them as
        text).

    Returns
    -------
    EventCheck

    Raises
    ------
    SchemaError
        If `schedule` is not a :class:`JourneySchedule`, or for a batch that cannot be read
        at all (a missing column, columns of different lengths, a column of the wrong type,
        ids that are neither text nor 64-bit integers, pandas columns whose indexes differ,
        an item that is neither an Event nor a dict, a dict with an unknown or a missing
        field);
        problems with single events are reported in the result.

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
    ...     Event("a1", "e1", EventKind.SESSION_RATED, day, step="coaching-1", value=9.0),
    ...     Event("a2", "e9", EventKind.ACTIVITY, day),
    ...     Event("a3", "e1", EventKind.SESSION_RATED, day, step="coaching-1", value=11.0)])
    >>> check
    EventCheck(n=3, accepted=1, rejected=2)
    >>> print(check.error())
    2 problems in the input:
      events[1].participant: 'e9' is not a participant of the schedule (event id 'a2')
      events[2].value: a rating must be between 0 and 10, got 11.0 (event id 'a3')
    """
    given: object = schedule
    if not isinstance(given, JourneySchedule):
        msg = f"expected a JourneySchedule, got {describe(given)}"
        raise SchemaError([Problem(("schedule",), msg)])
    table = as_event_table(events)
    return _check(schedule, table)


def _check(schedule: JourneySchedule, table: EventTable) -> EventCheck:
    n = len(table)
    kind = table.kind  # int8 codes, -1 for no kind: compared and looked up as they are
    problems: list[tuple[str, npt.NDArray[np.bool_], Any]] = []

    def refuse(field: str, mask: npt.NDArray[np.bool_], message: Any) -> None:
        if mask.any():
            problems.append((field, mask, message))

    id_message = ("must be a non-negative integer" if table.id.dtype.kind == "i"
                  else "is empty or has surrounding spaces")  # fmt: skip
    refuse("id", _id_problems(table.id), id_message)
    refuse("kind", kind < 0, _kind_reason(table.unread_kind))
    flag = table.time_flag
    time_ok = flag == TIME_OK
    if not time_ok.all():  # one pass when every time reads
        refuse("time", flag == TIME_MISSING, "is missing")
        refuse("time", flag == TIME_NAIVE, "is naive; give it a UTC offset")
        refuse("time", flag == TIME_UNREADABLE, "is not a datetime (nor ISO 8601 text)")
    row = schedule.rows_of(table.participant)
    known = row >= 0
    refuse("participant", ~known, _participant_reason(table.participant, known, schedule.ids))
    # steps
    step_ids = np.array(schedule.step_ids, dtype=str)
    order = np.argsort(step_ids)
    if table.step.dtype.kind == "i":
        codes: IntArray = table.step.astype(np.int64, copy=False)
        has_step = codes >= 0
        step_known = has_step & (codes < len(step_ids))
        step = codes
    else:
        has_step = table.step != ""
        at = np.minimum(np.searchsorted(step_ids[order], table.step), len(step_ids) - 1)
        step = order[at].astype(np.int64)
        step_known = has_step & (step_ids[step] == table.step)
    needs_step = (kind >= 0) & (kind != ACTIVITY)
    refuse(
        "step", needs_step & ~has_step, lambda i: f"a {KINDS[kind[i]].value} event needs a step id"
    )
    refuse("step", has_step & ~step_known, _step_reason(table.step, schedule.step_ids))
    safe_row = np.where(known, row, 0)
    safe_step = np.where(step_known, step, 0)  # (rows and steps in range: no second check)
    # repeated ids compare step codes as given (unknown ones as 0), text steps by their index
    compared_step = safe_step if table.step.dtype.kind == "i" else step
    slot, starts = event_slots(schedule, safe_row, safe_step, step_known & known)
    refuse(
        "step",
        step_known & known & (slot < 0),
        lambda i: f"{str(table.step[i])!r} is not on {str(table.participant[i])!r}'s journey",
    )
    # times against the journey
    timed = time_ok & known
    # every journey accepts events for the same span from its start: one gather, not two
    ends = starts + journey_span(schedule)
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
    # values: one pass finds that every value fits its kind (the usual batch); the rules,
    # each naming its events, run only when one may not
    value = table.value
    scored = np.array([s.kind in SCORED_STEPS for s in schedule.template.steps])
    if not _values_fit(kind, value, step_known, scored, safe_step):
        _value_rules(refuse, table, step_known, scored, safe_step)
    bad = np.zeros(n, dtype=bool)
    for _, mask, _ in problems:
        bad |= mask
    refuse(
        "id",  # (values compare with NaN equal to NaN: no canonical copy needed)
        conflicting_ids(table.id, (row, slot, kind, table.time, value, compared_step)),
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
    if rejected:
        row, slot, kinds, times, value = (row[good], slot[good], table.kind[good],
                                          table.time[good], value[good])  # fmt: skip
    else:  # all accepted: plain copies (the caller may reuse its arrays), no gathers
        kinds, times, value = table.kind.copy(), table.time.copy(), value.copy()
    encoded = Encoded(row=row, slot=slot, kind=kinds, time=times, value=value, source=good,
                      schedule=schedule.fingerprint)  # fmt: skip
    return EventCheck(n, len(good), tuple(rejected), encoded=encoded)


def _value_rules(refuse: Callable[[str, npt.NDArray[np.bool_], Any], None], table: EventTable,
                 step_known: npt.NDArray[np.bool_], scored: npt.NDArray[np.bool_],
                 safe_step: IntArray) -> None:  # fmt: skip
    """Each rule on values (see :func:`check_events`): `refuse` the events that break it."""
    kind, value = table.kind, table.value
    present = ~np.isnan(value)
    finite = np.isfinite(value)
    refuse("value", present & ~finite, "is not a finite number")
    low, high = RATING_SCALE
    rated, moved = kind == RATED, kind == RESCHEDULED
    refuse("value", rated & ~present, "a session_rated event needs a rating (0 to 10)")
    refuse(
        "value",
        rated & finite & ((value < low) | (value > high)),
        lambda i: f"a rating must be between 0 and 10, got {float(value[i])!r}",
    )
    refuse(
        "value",
        moved & ~present,
        "a step_rescheduled event needs the days the due date moves",
    )
    refuse(
        "value",
        moved & finite & (np.abs(value) > MAX_MOVE_DAYS),
        lambda i: f"a move of {value[i]:g} days is beyond {MAX_MOVE_DAYS:,.0f} either way",
    )
    can_score = step_known & scored[safe_step]
    refuse(
        "value",
        (kind == COMPLETED) & present & step_known & ~can_score,
        lambda i: (
            f"a completion of {str(table.step[i])!r} carries no value (only assessments "
            "and checkpoints carry a score)"
        ),
    )
    refuse(
        "value",
        (kind == COMPLETED) & can_score & finite & (np.abs(value) > MAX_SCORE),
        lambda i: f"a score must be between -1e12 and 1e12, got {value[i]:g}",
    )
    no_value = _NO_VALUE[kind]  # kind -1 (not a kind) reads the last entry, False
    refuse(
        "value",
        no_value & present,
        lambda i: f"a {KINDS[kind[i]].value} event carries no value, got {value[i]:g}",
    )


def _value_table() -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Per kind code, the range a value must lie in, and whether the kind may lack one.

    One more entry, the last, for -1 (no kind: any finite value). The kinds that carry no
    value have an empty range.
    """
    low = np.full(len(KINDS) + 1, np.inf)
    high = np.full(len(KINDS) + 1, -np.inf)
    finite = float(np.finfo(np.float64).max)
    ranges = {COMPLETED: (-MAX_SCORE, MAX_SCORE), RATED: RATING_SCALE,
              RESCHEDULED: (-MAX_MOVE_DAYS, MAX_MOVE_DAYS), -1: (-finite, finite)}  # fmt: skip
    for k, (lo, hi) in ranges.items():
        low[k], high[k] = lo, hi
    absent = np.ones(len(KINDS) + 1, dtype=bool)
    absent[[RATED, RESCHEDULED]] = False
    return low, high, absent


_VALUE_LOW, _VALUE_HIGH, _ABSENT_OK = _value_table()


def _values_fit(kind: npt.NDArray[np.int8], value: FloatArray, step_known: npt.NDArray[np.bool_],
                scored: npt.NDArray[np.bool_], safe_step: IntArray) -> bool:  # fmt: skip
    """True only when no rule of :func:`_value_rules` refuses an event of the batch.

    Every value given lies in its kind's range (finite, a rating from 0 to 10, a move of at
    most 3,660 days, a score of at most 1e12 either way and on a step that carries one), and
    every value absent belongs to a kind that may lack it. False sends the batch through the
    rules, which name the events; a batch this does not clear may still break none.
    """
    absent = np.isnan(value)
    inside = (value >= _VALUE_LOW[kind]) & (value <= _VALUE_HIGH[kind])
    if not np.where(absent, _ABSENT_OK[kind], inside).all():
        return False
    scores = np.flatnonzero((kind == COMPLETED) & ~absent)
    return bool((step_known[scores] & scored[safe_step[scores]]).all())


_KIND_NAMES: Final = ", ".join(k.value for k in KINDS)


def _kind_reason(unread: npt.NDArray[np.object_] | None) -> Callable[[int], str]:
    """Why the kind of row `i` is refused, naming the value that arrived and the one meant.

    As the enums' own errors do: ``'Step Completed' is not an event kind (one of ...); did you
    mean 'step_completed'?``. One message per distinct value (a batch may repeat one
    spelling a million times).
    """
    said: dict[tuple[type, object], str] = {}

    def reason(i: int) -> str:
        given: object = None if unread is None else unread[i]
        key = (type(given), given)
        try:
            if key not in said:
                said[key] = _kind_text(given, known=unread is not None)
        except TypeError:  # a list or a dict in an object array: not hashable
            return _kind_text(given, known=True)
        return said[key]

    return reason


def _kind_text(given: object, *, known: bool) -> str:
    if not known:  # a table built from codes: the value that arrived is not known
        return f"is not an event kind (one of {_KIND_NAMES})"
    if is_missing(given):
        return f"is missing; an event needs its kind (one of {_KIND_NAMES})"
    if isinstance(given, int | np.integer) and not isinstance(given, bool | np.bool_):
        return (f"{given} is not an event kind (one of {_KIND_NAMES}) nor the index of one "
                f"(0 to {len(KINDS) - 1})")  # fmt: skip
    return (
        f"{given!r} is not an event kind (one of {_KIND_NAMES}){probably_meant(given, EventKind)}"
    )


def _participant_reason(
    participant: npt.NDArray[Any], known: npt.NDArray[np.bool_], ids: npt.NDArray[np.str_]
) -> Callable[[int], str]:
    """Why row `i`'s participant is refused, with the id it spells otherwise (:func:`near_ids`)."""
    if participant.dtype.kind != "U":  # schedule rows
        return lambda i: f"{str(participant[i])!r} is not a participant of the schedule"
    refused = list(dict.fromkeys(participant[~known].tolist()))  # one message per distinct id
    said = {v: f"{v!r} is not a participant of the schedule{hint}"
            for v, hint in zip(refused, near_ids(ids, refused), strict=True)}  # fmt: skip
    return lambda i: said[participant[i]]


def _step_reason(steps: npt.NDArray[Any], step_ids: tuple[str, ...]) -> Callable[[int], str]:
    """Why the step of row `i` is refused, naming the step meant when only its spelling differs.

    ``'Coaching 1' is not a step of the template; did you mean 'coaching-1'?``: case,
    separators and Unicode forms aside (as labels are compared), never a guess at another step.
    """
    spelled: dict[str, list[str]] = {}
    for step_id in step_ids:
        spelled.setdefault(spelling_key(step_id), []).append(step_id)

    def reason(i: int) -> str:
        given = steps[i].item()
        meant = spelled.get(spelling_key(given), []) if isinstance(given, str) else []
        hint = f"; did you mean {meant[0]!r}?" if len(meant) == 1 else ""
        return f"{str(given)!r} is not a step of the template{hint}"

    return reason


def _iso(seconds: Any) -> str:
    return (EPOCH + dt.timedelta(seconds=int(seconds))).isoformat()
