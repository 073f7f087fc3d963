"""What the events say about each step and each day: a mergeable, idempotent state.

:class:`JourneyProgress` keeps, for every (participant, step) slot of a schedule, the facts the
step-state rules of :class:`~sparkus.model.StepState` need, and for every participant the
calendar days they were active. Each fact is the maximum (or minimum) of the events that bear on
it under a fixed total order, and activity days are a set (a bitwise OR), so

- applying an event twice, or merging two states that both saw it, changes nothing;
- the order events arrive in does not matter;
- merging states computed apart (shards of one stream) gives exactly the one-pass state.

Event ids are therefore not stored: an event's effect depends on its content only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._checks import check_number, describe, rows_text
from sparkus._errors import Problem, SchemaError
from sparkus._memory import fresh
from sparkus.model._event_check import MAX_SCORE, Encoded
from sparkus.model._event_table import (
    ACTIVITY,
    COMPLETED,
    KINDS,
    MAX_MOVE_DAYS,
    MISSED,
    RATED,
    RESCHEDULED,
    SCORED_STEPS,
    SKIPPED,
)
from sparkus.model._journeys import JourneySchedule
from sparkus.model._schedule_input import SECONDS_PER_DAY
from sparkus.model._step_state import StepState

__all__ = ["JourneyProgress"]

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]

NEVER: Final = np.iinfo(np.int64).max
NONE: Final = np.iinfo(np.int64).min
# Priority of the open-or-closed events on a tie in time: skipped > missed > rescheduled.
_PRIORITY: Final = {RESCHEDULED: 1, MISSED: 2, SKIPPED: 3}
STATE_CODES: Final = tuple(StepState)
_MARKS_ACTIVE: Final = (ACTIVITY, COMPLETED, RATED)
_BIT: Final = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))
ARRAYS: Final = ("first_done", "status", "moved_time", "moved_days", "rating_time", "rating",
                 "score_time", "score", "active")  # fmt: skip


def _copy(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """An independent copy of `array`, allocated as ``sparkus._memory.fresh`` allocates."""
    out = fresh(array.shape, array.dtype, 0)
    np.copyto(out, array)
    return out


def _mark_days(active: npt.NDArray[np.uint64], marks: list[tuple[IntArray, IntArray]],
               words: int, epoch_day: int) -> None:  # fmt: skip
    """Set the bit of each (row, time) pair's day in the flat bit set `active`.

    Day d (from `epoch_day`) of row r is bit d % 64 of word r * words + d // 64, so the key
    ``r * words * 64 + d`` holds both: sorted, the words come in memory order and each word's
    bits are or'ed together first, so each word is read and written once, without the random
    reads and writes of a scatter per event (and its repeated words, which a scatter loses).
    """
    keys = np.concatenate([row * (words * 64) + (t // SECONDS_PER_DAY - epoch_day)
                           for row, t in marks])  # fmt: skip
    if len(keys) == 0:
        return
    keys.sort()
    word = keys >> 6
    first = np.flatnonzero(np.concatenate(([True], word[1:] != word[:-1])))
    bits = np.bitwise_or.reduceat(_BIT[keys & 63], first)
    word = word[first]
    active[word] |= bits


def _join_latest(times: IntArray, values: FloatArray, slots: IntArray, t: IntArray,
                 v: FloatArray) -> IntArray:  # fmt: skip
    """Keep, per slot, the value of the latest event (ties: the larger value).

    Returns the slots whose value was set again (a value held before, replaced by another: a
    later event's, or a larger one at the same time), each once, in increasing order. A value
    replaced by an equal one is not listed: the figures it counts in did not change.
    """
    if len(slots) == 0:
        return np.zeros(0, dtype=np.int64)
    held_time, held_value = times[slots], values[slots]
    np.maximum.at(times, slots, t)
    after = times[slots]
    values[slots[after > held_time]] = -np.inf
    take = t == after
    np.maximum.at(values, slots[take], v[take])
    changed: IntArray = np.unique(slots[(held_time != NONE) & (values[slots] != held_value)])
    return changed


def _merge_latest(t1: IntArray, v1: FloatArray, t2: IntArray, v2: FloatArray) -> None:
    take = (t2 > t1) | ((t2 == t1) & (v2 > v1))
    t1[take] = t2[take]
    v1[take] = v2[take]


class JourneyProgress:
    """The state of every journey of a schedule after a set of events.

    .. versionadded:: 0.1

    Per slot (arrays of length ``schedule.n_slots``): the first completion time, the latest
    missed / skipped / rescheduled event (time and kind), the latest reschedule's move, the
    latest rating and the latest score (each with its time). Per participant: the calendar days
    (UTC) with activity, as a bit set. ``activity``, ``step_completed`` and ``session_rated``
    events mark their day active; ``step_missed``, ``step_skipped`` and ``step_rescheduled``
    (which HR systems usually log on the participant's behalf) do not.

    Parameters
    ----------
    schedule : JourneySchedule
        The journeys.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.model import (Event, EventKind, Goal, JourneyProgress, Season, SupportType,
    ...                            check_events, default_journey, schedule_journeys)
    >>> schedule = schedule_journeys(default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]),
    ...                              ["e1"], [SupportType.COACHING], [6],
    ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
    >>> t = dt.datetime(2027, 1, 20, tzinfo=dt.UTC)
    >>> progress = JourneyProgress(schedule)
    >>> rated, scored = progress.apply(check_events(schedule, [
    ...     Event("x1", "e1", EventKind.STEP_RESCHEDULED, t, step="coaching-1", value=7.0),
    ...     Event("x2", "e1", EventKind.SESSION_RATED, t, step="coaching-1", value=9.0)]))
    >>> state, due = progress.states()
    >>> slot = schedule.offsets[0] + 4  # coaching-1
    >>> state[slot].value, str(due[slot].astype("datetime64[D]"))
    ('rescheduled', '2027-01-25')
    >>> rated.tolist(), scored.tolist()  # a first rating is not set again
    ([], [])
    >>> rated, _ = progress.apply(check_events(schedule, [
    ...     Event("x3", "e1", EventKind.SESSION_RATED, t, step="coaching-1", value=10.0)]))
    >>> rated.tolist() == [slot]  # a larger rating at the same time replaces it
    True
    """

    NEVER: Final = NEVER
    """The time in ``first_done`` of a step never completed (the largest int64)."""
    UNSET: Final = NONE
    """The time in ``status``, ``moved_time``, ``rating_time`` and ``score_time`` of no event."""
    STATES: Final = STATE_CODES
    """The step states in the order of their codes (``tuple(StepState)``)."""

    def __init__(self, schedule: JourneySchedule) -> None:
        given: object = schedule
        if not isinstance(given, JourneySchedule):
            msg = f"expected a JourneySchedule, got {type(given).__name__}"
            raise SchemaError([Problem(("schedule",), msg)])
        m = schedule.n_slots
        self.schedule = schedule
        # allocated in plain pages, not numpy's huge ones (see sparkus._memory)
        self.first_done = fresh((m,), np.int64, NEVER)
        self.status = fresh((m,), np.int64, NONE)
        self.moved_time = fresh((m,), np.int64, NONE)
        self.moved_days = fresh((m,), np.float64, -np.inf)
        self.rating_time = fresh((m,), np.int64, NONE)
        self.rating = fresh((m,), np.float64, -np.inf)
        self.score_time = fresh((m,), np.int64, NONE)
        self.score = fresh((m,), np.float64, -np.inf)
        self.words = max(1, -(-schedule.n_days // 64))
        self._epoch_day = schedule.epoch_day
        self.active = fresh((len(schedule), self.words), np.uint64, 0)

    def __repr__(self) -> str:
        return f"JourneyProgress(participants={len(self.schedule)}, slots={self.schedule.n_slots})"

    def apply(self, check: Any) -> tuple[IntArray, IntArray]:
        """Apply the accepted events of an :class:`~sparkus.model.EventCheck`.

        The check must come from :func:`~sparkus.model.check_events` on this state's schedule.

        Returns
        -------
        rated, scored : ndarray of int
            The slots whose rating, and whose score, the events set again: a value held before
            replaced by another (a later event's, or a larger one at the same time),
            each once, in increasing order. A first value, an event older than the value held,
            or one that repeats it, is not listed.

        Raises
        ------
        SchemaError
            If `check` is not the result of :func:`~sparkus.model.check_events`, or was made
            against another schedule.
        """
        encoded: object = getattr(check, "_encoded", None)
        if not isinstance(encoded, Encoded):
            msg = f"expected the result of check_events(schedule, events), got {describe(check)}"
            raise SchemaError([Problem(("check",), msg)])
        if encoded.schedule != self.schedule.fingerprint:
            msg = "was made against another journey schedule; check the events on this one"
            raise SchemaError([Problem(("check",), msg)])
        return self._apply(encoded)

    def _apply(self, e: Encoded) -> tuple[IntArray, IntArray]:
        # the events grouped by kind once (a stable radix sort of the int8 codes), so that each
        # fact reads contiguous slices, not a boolean mask and its selections per fact
        order = np.argsort(e.kind, kind="stable")
        counts = [np.count_nonzero(e.kind == k) for k in range(len(KINDS))]  # (no int64 copy)
        edges = np.concatenate(([0], np.cumsum(counts)))
        at = [order[edges[k] : edges[k + 1]] for k in range(len(KINDS))]
        # arrays that came through pickle carry a dtype instance numpy's fast ufunc.at loops
        # do not take as theirs (15x slower): times and values are viewed as plain ones
        times, value = e.time.view(np.int64), e.value.view(np.float64)
        time = [times[i] for i in at]
        slot = {k: e.slot[at[k]] for k in (COMPLETED, *_PRIORITY, RATED)}  # (activity: none)
        done_slot, done_time = slot[COMPLETED], time[COMPLETED]
        # minimum and maximum have numpy's indexed loops: ``ufunc.at`` reads and writes each
        # position once, repeated slots included (bitwise_or has none: see _mark_days)
        np.minimum.at(self.first_done, done_slot, done_time)
        for k, priority in _PRIORITY.items():
            np.maximum.at(self.status, slot[k], time[k] * 4 + priority)
        moved, rated = at[RESCHEDULED], at[RATED]
        _join_latest(self.moved_time, self.moved_days, slot[RESCHEDULED], time[RESCHEDULED],
                     value[moved])  # fmt: skip
        rated_slots = _join_latest(self.rating_time, self.rating, slot[RATED], time[RATED],
                                   value[rated])  # fmt: skip
        done_value = value[at[COMPLETED]]
        scored = ~np.isnan(done_value)
        scored_slots = _join_latest(self.score_time, self.score, done_slot[scored],
                                    done_time[scored], done_value[scored])  # fmt: skip
        _mark_days(self.active.reshape(-1), [(e.row[at[k]], time[k]) for k in _MARKS_ACTIVE],
                   self.words, self._epoch_day)  # fmt: skip
        return rated_slots, scored_slots

    def merge(self, other: JourneyProgress) -> JourneyProgress:
        """A new state holding the events of both (exact, commutative, associative).

        Raises
        ------
        SchemaError
            If the two states belong to different schedules.
        """
        given: object = other
        if not isinstance(given, JourneyProgress):
            raise SchemaError([Problem(("other",), f"expected a JourneyProgress, got "
                                                   f"{describe(given)}")])  # fmt: skip
        if other.schedule.fingerprint != self.schedule.fingerprint:
            msg = "belongs to a different journey schedule; merge states of one schedule only"
            raise SchemaError([Problem(("other",), msg)])
        out = self.copy()
        np.minimum(out.first_done, other.first_done, out=out.first_done)
        np.maximum(out.status, other.status, out=out.status)
        _merge_latest(out.moved_time, out.moved_days, other.moved_time, other.moved_days)
        _merge_latest(out.rating_time, out.rating, other.rating_time, other.rating)
        _merge_latest(out.score_time, out.score, other.score_time, other.score)
        np.bitwise_or(out.active, other.active, out=out.active)
        return out

    def copy(self) -> JourneyProgress:
        """An independent copy."""
        out = JourneyProgress.__new__(JourneyProgress)
        out.schedule, out.words, out._epoch_day = self.schedule, self.words, self._epoch_day
        for name in ARRAYS:
            setattr(out, name, _copy(getattr(self, name)))
        return out

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The state as named arrays (what :meth:`from_arrays` reads back)."""
        return {name: getattr(self, name) for name in ARRAYS}

    @classmethod
    def from_arrays(
        cls, schedule: JourneySchedule, arrays: dict[str, npt.NDArray[Any]]
    ) -> JourneyProgress:
        """Rebuild a state saved with :meth:`arrays`.

        Every value is checked against what events can leave: times inside each journey (its
        start to its end plus follow-up), state codes, reschedules of at most 3,660 days,
        ratings from 0 to 10, scores from -1e12 to 1e12 and only on assessment and checkpoint
        steps, ``-inf`` where no event set a value, and no active day outside a journey.

        Raises
        ------
        SchemaError
            If an array is missing, is not a numpy array of the schedule's shape and dtype, or
            holds a value no events could have left (naming the array and the slots or rows).
        """
        out = cls(schedule)
        given: object = arrays
        if not isinstance(given, Mapping):
            raise SchemaError([Problem(("arrays",), f"expected a mapping, got {describe(given)}")])
        problems = []
        for name in ARRAYS:
            if name not in arrays:
                problems.append(Problem((name,), "is missing"))
                continue
            value: object = arrays[name]
            mine = getattr(out, name)
            if (
                not isinstance(value, np.ndarray)
                or value.shape != mine.shape
                or value.dtype != mine.dtype
            ):
                shown = (f"{value.dtype} of shape {value.shape}" if isinstance(value, np.ndarray)
                         else describe(value))  # fmt: skip
                msg = f"expected {mine.dtype} of shape {mine.shape}, got {shown}"
                problems.append(Problem((name,), msg))
            else:
                np.copyto(mine, value)  # into the fresh state: no second allocation
        if problems:
            raise SchemaError(problems)
        problems = _state_problems(out)
        if problems:
            raise SchemaError(problems)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JourneyProgress):
            return NotImplemented
        return self.schedule.fingerprint == other.schedule.fingerprint and all(
            np.array_equal(getattr(self, n), getattr(other, n)) for n in ARRAYS
        )

    __hash__ = None  # type: ignore[assignment]

    def states(
        self, as_of: int | None = None
    ) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.datetime64]]:
        """Each slot's :class:`~sparkus.model.StepState` and (possibly moved) due date.

        With `as_of` (seconds since 1970 UTC), a completion after it does not count yet.

        Raises
        ------
        SchemaError
            If `as_of` is not None or an integer.
        """
        codes, due = self.state_codes(as_of)
        return np.array(STATE_CODES, dtype=object)[codes], due.astype("datetime64[s]")

    def state_codes(self, as_of: int | None = None) -> tuple[npt.NDArray[np.int8], IntArray]:
        """Each slot's state as an index into ``list(StepState)``, and its due date in seconds."""
        if as_of is not None:
            check_number(as_of, "as_of", integer=True, low=NONE, high=NEVER,
                         what="seconds since 1970 UTC (an integer)")  # fmt: skip
            as_of = int(as_of)
        due = self.schedule.due_seconds.copy()
        moved = self.moved_time != NONE
        due[moved] += np.round(self.moved_days[moved] * SECONDS_PER_DAY).astype(np.int64)
        codes = np.zeros(len(due), dtype=np.int8)
        flow = self.status != NONE
        prio = np.where(flow, self.status & 3, 0)
        codes[prio == _PRIORITY[RESCHEDULED]] = STATE_CODES.index(StepState.RESCHEDULED)
        codes[prio == _PRIORITY[MISSED]] = STATE_CODES.index(StepState.MISSED)
        codes[prio == _PRIORITY[SKIPPED]] = STATE_CODES.index(StepState.SKIPPED)
        limit = NEVER - 1 if as_of is None else as_of
        codes[self.first_done <= limit] = STATE_CODES.index(StepState.COMPLETED)
        return codes, due


_CHUNK: Final = 50_000


def _state_problems(state: JourneyProgress) -> list[Problem]:
    """What in `state` no events on its schedule could have left: each array, with the slots."""
    schedule = state.schedule
    row = schedule.row.astype(np.int64)
    starts, ends = schedule.start_seconds[row], schedule.end_seconds[row]
    problems: list[Problem] = []

    def refuse(name: str, bad: npt.NDArray[np.bool_], what: str) -> None:
        if bad.any():
            where = rows_text(np.flatnonzero(bad)).replace("row", "slot")
            problems.append(Problem((name,), f"{what} in {where}; the file was not written by "
                                             "sparkus for this schedule"))  # fmt: skip

    def outside(times: IntArray) -> npt.NDArray[np.bool_]:
        return np.asarray((times < starts) | (times >= ends))

    refuse("first_done", (state.first_done != NEVER) & outside(state.first_done),
           "holds completion times outside the journey")  # fmt: skip
    flow = state.status != NONE
    priority = state.status & 3
    refuse("status", flow & ((priority == 0) | outside(state.status >> 2)),
           "holds state codes or times no event leaves")  # fmt: skip
    scored = np.array([s.kind in SCORED_STEPS for s in schedule.template.steps], dtype=bool)
    slot_scored = scored[schedule.step.astype(np.intp)] if len(scored) else np.zeros(0, bool)
    latest = (
        ("moved_time", "moved_days", -MAX_MOVE_DAYS, MAX_MOVE_DAYS, None),
        ("rating_time", "rating", 0.0, 10.0, None),
        ("score_time", "score", -MAX_SCORE, MAX_SCORE, slot_scored),
    )
    for time_name, value_name, low, high, allowed in latest:
        times, values = getattr(state, time_name), getattr(state, value_name)
        set_ = times != NONE
        refuse(time_name, set_ & outside(times), "holds event times outside the journey")
        with np.errstate(invalid="ignore"):
            good_value = np.isfinite(values) & (values >= low) & (values <= high)
        refuse(value_name, set_ & ~good_value, f"holds values outside {low:g} to {high:g} or "
                                               "not finite")  # fmt: skip
        refuse(value_name, ~set_ & (values != -np.inf), "holds values without an event time")
        if allowed is not None:
            refuse(value_name, set_ & ~allowed, "holds scores of steps that carry none")
    _active_problems(state, problems)
    return problems


def _active_problems(state: JourneyProgress, problems: list[Problem]) -> None:
    """Active days outside a participant's journey (rows named), block by block."""
    schedule, active = state.schedule, state.active
    n = len(schedule)
    first = schedule.start_seconds // SECONDS_PER_DAY - schedule.epoch_day
    last = (schedule.end_seconds - 1) // SECONDS_PER_DAY - schedule.epoch_day
    bad_rows: list[npt.NDArray[np.int64]] = []
    for lo in range(0, n, _CHUNK):
        chunk = active[lo : lo + _CHUNK]
        bits = np.unpackbits(chunk.view(np.uint8), axis=1, bitorder="little").astype(bool)
        days = np.arange(bits.shape[1])
        allowed = (days >= first[lo : lo + _CHUNK, None]) & (days <= last[lo : lo + _CHUNK, None])
        bad_rows.append(lo + np.flatnonzero((bits & ~allowed).any(axis=1)))
    bad = np.concatenate(bad_rows) if bad_rows else np.zeros(0, np.int64)
    if len(bad):
        msg = (f"marks days outside the journey as active in {rows_text(bad)}; the file was not "
               "written by sparkus for this schedule")  # fmt: skip
        problems.append(Problem(("active",), msg))
