"""Journeys for many people at once: a program's template instantiated as columns.

A :class:`JourneySchedule` holds one row per (participant, step): the participant's row, the
step's index in the template and its due date. It is built by :func:`schedule_journeys` from
plain arrays (support type and number of sessions per person), so that this package needs
nothing from triage or matching, and gives a :class:`~sparkus.model.Journey` record for one
person on demand.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Sequence
from typing import Any, Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus.model._enums import SupportType
from sparkus.model._records import Journey, JourneyTemplate
from sparkus.model._serialize import json_text

__all__ = ["JourneySchedule", "StepState", "schedule_journeys"]

IntArray: TypeAlias = npt.NDArray[np.int64]
SECONDS_PER_DAY: Final = 86_400
_SUPPORTS: Final = tuple(SupportType)
_MAX_LISTED: Final = 10


class StepState(enum.Enum):
    """The state of one step of one journey, as its events leave it.

    The rules, applied to every event received for the step regardless of arrival order:

    ==================  ===========================================================================
    state               when
    ==================  ===========================================================================
    ``scheduled``       no ``step_completed``, ``step_missed``, ``step_skipped`` or
                        ``step_rescheduled`` event yet
    ``completed``       at least one ``step_completed`` event: completion is final, whatever
                        comes before or after it; the *first* completion time counts
    ``missed``          no completion, and the latest of the missed / skipped / rescheduled
                        events (by event time) is a ``step_missed``
    ``skipped``         the same, and the latest is a ``step_skipped``
    ``rescheduled``     the same, and the latest is a ``step_rescheduled``: the step is open again
    ==================  ===========================================================================

    Ties in event time go to ``skipped`` over ``missed`` over ``rescheduled``. The due date is
    the template's, moved by the ``value`` (in days, negative for earlier) of the latest
    ``step_rescheduled`` event (ties: the larger move). A step is *overdue* at a time when it is
    ``scheduled`` or ``rescheduled`` and its due date has passed. ``session_rated`` events keep
    the latest rating (ties: the higher one) and change no state.

    .. versionadded:: 0.1

    Examples
    --------
    >>> from sparkus.model import StepState
    >>> [s.value for s in StepState]
    ['scheduled', 'completed', 'missed', 'skipped', 'rescheduled']
    """

    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    MISSED = "missed"
    SKIPPED = "skipped"
    RESCHEDULED = "rescheduled"


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


def _utc_seconds(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() // 1)


def _as_datetime(seconds: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=int(seconds))


@attrs.frozen(eq=False, repr=False)
class JourneySchedule:
    """Every participant's journey through a program, as columns.

    One *slot* per (participant, step). Slots are ordered by participant row, then by the
    step's position in the template; the slots of row ``r`` are
    ``offsets[r]:offsets[r + 1]``. Build one with :func:`schedule_journeys`.

    .. versionadded:: 0.1

    Attributes
    ----------
    template : JourneyTemplate
        The program's template; ``step`` indexes its ``steps``.
    ids : ndarray of str
        Participant ids, one per row, unique.
    start : ndarray of datetime64[s]
        Each participant's journey start, in UTC.
    support : ndarray of int8
        Each participant's support type as an index into ``list(SupportType)``, -1 for none.
    sessions : ndarray of int64
        The number of sessions of their support type each participant's journey holds.
    offsets : ndarray of int64
        ``n + 1`` slot offsets, one per row and one past the end.
    row : ndarray of int32
        Each slot's participant row.
    step : ndarray of int16
        Each slot's step, as an index into ``template.steps``.
    due : ndarray of datetime64[s]
        Each slot's due date in UTC (journey start plus the step's day).
    follow_up_days : int
        Days after a journey's end in which its events are still accepted.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.model import Goal, Season, SupportType, default_journey, schedule_journeys
    >>> template = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
    >>> schedule = schedule_journeys(template, ["e1", "e2"],
    ...                              [SupportType.COACHING, SupportType.MENTORING], [4, 6],
    ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
    >>> schedule
    JourneySchedule(participants=2, slots=26, template='winter: leadership_development')
    >>> [s.id for s in schedule.journey("e1").steps][:6]
    ['kickoff', 'vision', 'self-assessment', 'manager-feedback', 'coaching-1', 'coaching-2']
    """

    template: JourneyTemplate
    ids: npt.NDArray[np.str_]
    start: npt.NDArray[np.datetime64]
    support: npt.NDArray[np.int8]
    sessions: IntArray
    offsets: IntArray
    row: npt.NDArray[np.int32]
    step: npt.NDArray[np.int16]
    due: npt.NDArray[np.datetime64]
    follow_up_days: int
    _combo: npt.NDArray[np.int16] = attrs.field(alias="combo")
    _combo_position: npt.NDArray[np.int16] = attrs.field(alias="combo_position")
    _id_keys: npt.NDArray[np.uint64] = attrs.field(init=False)
    _id_rows: IntArray = attrs.field(init=False)
    _fingerprint: str = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        keys = string_keys(self.ids)
        order = np.argsort(keys, kind="stable")
        object.__setattr__(self, "_id_keys", keys[order])
        object.__setattr__(self, "_id_rows", order.astype(np.int64))
        digest = hashlib.blake2b(digest_size=16)
        digest.update(json_text(self.template).encode())
        for array in (self.ids, self.start, self.support, self.sessions, self.offsets):
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(str(self.follow_up_days).encode())
        object.__setattr__(self, "_fingerprint", digest.hexdigest())
        frozen: tuple[npt.NDArray[Any], ...] = (
            self.ids, self.start, self.support, self.sessions, self.offsets, self.row, self.step,
            self.due, self._combo, self._combo_position,
        )  # fmt: skip
        for array in frozen:
            array.flags.writeable = False

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return (
            f"JourneySchedule(participants={len(self)}, slots={self.n_slots}, "
            f"template={self.template.name!r})"
        )

    @property
    def n_slots(self) -> int:
        """The number of (participant, step) slots."""
        return len(self.row)

    @property
    def fingerprint(self) -> str:
        """A digest of the schedule: two schedules with the same one hold the same journeys."""
        return self._fingerprint

    @property
    def step_ids(self) -> tuple[str, ...]:
        """The template's step ids, in template order (``step`` indexes them)."""
        return tuple(s.id for s in self.template.steps)

    @property
    def start_seconds(self) -> IntArray:
        """Journey starts as seconds since 1970-01-01 UTC."""
        return self.start.astype("datetime64[s]").view(np.int64)

    @property
    def due_seconds(self) -> IntArray:
        """Due dates as seconds since 1970-01-01 UTC."""
        return self.due.astype("datetime64[s]").view(np.int64)

    @property
    def end_seconds(self) -> IntArray:
        """The last moment events are accepted for each row: journey end plus follow-up."""
        days = self.template.duration_days + self.follow_up_days + 1
        return self.start_seconds + days * SECONDS_PER_DAY

    @property
    def epoch_day(self) -> int:
        """The first calendar day (days since 1970-01-01 UTC) any journey starts on."""
        if len(self) == 0:
            return 0
        return int(self.start_seconds.min() // SECONDS_PER_DAY)

    @property
    def n_days(self) -> int:
        """Calendar days from :attr:`epoch_day` to the last day any event is accepted."""
        if len(self) == 0:
            return 1
        return int((self.end_seconds.max() - 1) // SECONDS_PER_DAY) - self.epoch_day + 1

    def rows_of(self, ids: npt.ArrayLike) -> IntArray:
        """The row of each participant id, -1 for an id not in the schedule.

        Integers are taken as rows already (and checked to be in range).
        """
        wanted = np.asarray(ids)
        if wanted.dtype.kind in "iu":
            rows = wanted.astype(np.int64)
            return np.where((rows >= 0) & (rows < len(self)), rows, -1)
        if wanted.dtype.kind != "U":
            wanted = np.array(["" if v is None else str(v) for v in wanted.tolist()], dtype=str)
        if len(wanted) == 0:
            return np.zeros(0, dtype=np.int64)
        keys = string_keys(wanted)
        at = np.searchsorted(self._id_keys, keys)
        at = np.minimum(at, max(len(self._id_keys) - 1, 0))
        if len(self._id_keys) == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        rows = self._id_rows[at]
        found = (self._id_keys[at] == keys) & (self.ids[rows] == wanted)
        out = np.where(found, rows, -1)
        # A hash collision (two ids with one key) can hide a match: look those up one by one.
        lost = np.flatnonzero(~found & (self._id_keys[at] == keys))
        if len(lost):
            index = {v: i for i, v in enumerate(self.ids.tolist())}
            out[lost] = [index.get(v, -1) for v in wanted[lost].tolist()]
        return out.astype(np.int64)

    def slots_of(self, rows: IntArray, steps: IntArray) -> IntArray:
        """The slot of each (row, step index) pair, -1 where the journey lacks the step."""
        position = self._combo_position[self._combo[rows], steps].astype(np.int64)
        return np.where(position >= 0, self.offsets[rows] + position, -1)

    def journey(self, participant_id: str) -> Journey:
        """The :class:`~sparkus.model.Journey` record of one participant.

        Raises
        ------
        SchemaError
            If `participant_id` is not in the schedule.
        """
        row = int(self.rows_of(np.array([participant_id], dtype=str))[0])
        if row < 0:
            msg = f"{participant_id!r} is not a participant of this schedule"
            raise SchemaError([Problem(("participant_id",), msg)])
        lo, hi = int(self.offsets[row]), int(self.offsets[row + 1])
        steps = tuple(self.template.steps[int(i)] for i in self.step[lo:hi])
        code = int(self.support[row])
        support = None if code < 0 else _SUPPORTS[code]
        start = _as_datetime(int(self.start_seconds[row]))
        return Journey(participant_id, start, steps, support)


def _support_codes(support: object, n: int, problems: list[Problem]) -> npt.NDArray[np.int8]:
    if support is None:
        return np.full(n, -1, dtype=np.int8)
    lookup: dict[object, int] = {None: -1, "none": -1}
    for i, s in enumerate(_SUPPORTS):
        lookup[s] = lookup[s.value] = i
    values = np.asarray(support, dtype=object).ravel().tolist()
    found = [lookup.get(v, -2) if isinstance(v, str | SupportType | None) else -2 for v in values]
    codes = np.array(found, dtype=np.int8)
    bad = np.flatnonzero(codes == -2).tolist()
    if bad:
        known = ", ".join(s.value for s in _SUPPORTS)
        problems += [
            Problem(("support", i), f"expected a SupportType (or one of {known}, or None), "
                                    f"got {describe(values[i])}")
            for i in bad[:_MAX_LISTED]
        ]  # fmt: skip
    return codes


def _schedule_iv(
    template: object, ids: object, support: object, sessions: object, start: object,
    follow_up_days: object, excess: object,
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int8], IntArray | None, IntArray]:  # fmt: skip
    problems: list[Problem] = []
    if not isinstance(template, JourneyTemplate):
        problems.append(
            Problem(("template",), f"expected a JourneyTemplate, got {describe(template)}")
        )
    id_array = np.asarray(ids)
    if id_array.dtype.kind != "U":
        id_array = np.array(["" if v is None else str(v) if isinstance(v, str) else "\0"
                             for v in np.asarray(ids, dtype=object).ravel().tolist()], dtype=str)  # fmt: skip
    id_array = id_array.ravel()
    n = len(id_array)
    stripped = np.strings.strip(id_array) if n else id_array
    bad_ids = np.flatnonzero((stripped == "") | (stripped != id_array)).tolist()
    problems += [Problem(("ids", i), f"expected a non-empty id without surrounding spaces, got "
                                     f"{str(id_array[i])!r}") for i in bad_ids[:_MAX_LISTED]]  # fmt: skip
    text_ids = id_array
    if not bad_ids and n:
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
        raw = np.asarray(sessions)
        if raw.dtype.kind not in "iub" or raw.ndim != 1 or len(raw) != n or (raw < 0).any():
            msg = f"expected {n} non-negative integers (one per id), got {describe(sessions)}"
            problems.append(Problem(("sessions",), msg))
        else:
            counts_array = raw.astype(np.int64)
    starts = np.zeros(n, dtype=np.int64)
    given: object = start
    if isinstance(given, dt.datetime):
        if given.tzinfo is None or given.utcoffset() is None:
            problems.append(Problem(("start",), "is a naive datetime; give it a UTC offset"))
        else:
            starts[:] = _utc_seconds(given)
    else:
        raw_start = np.asarray(given)
        if raw_start.dtype.kind == "M" and raw_start.shape == (n,):
            if np.isnat(raw_start).any():
                problems.append(Problem(("start",), "holds NaT; every participant needs a start"))
            starts = raw_start.astype("datetime64[s]").view(np.int64).copy()
        elif raw_start.dtype.kind == "O" and raw_start.shape == (n,):
            for i, v in enumerate(raw_start.tolist()):
                if isinstance(v, dt.datetime) and v.utcoffset() is not None:
                    starts[i] = _utc_seconds(v)
                else:
                    msg = f"expected a datetime with a UTC offset, got {describe(v)}"
                    problems.append(Problem(("start", i), msg))
        else:
            msg = (f"expected one aware datetime, or {n} of them (or datetime64 values in UTC), "
                   f"got {describe(given)}")  # fmt: skip
            problems.append(Problem(("start",), msg))
    if (
        isinstance(follow_up_days, bool)
        or not isinstance(follow_up_days, int)
        or follow_up_days < 0
    ):
        msg = f"expected a non-negative integer, got {describe(follow_up_days)}"
        problems.append(Problem(("follow_up_days",), msg))
    if excess not in ("raise", "truncate"):
        problems.append(Problem(("excess",), f"expected 'raise' or 'truncate', got {excess!r}"))
    if problems:
        raise SchemaError(problems)
    return text_ids, codes, counts_array, starts


def schedule_journeys(
    template: JourneyTemplate,
    ids: Sequence[str] | npt.ArrayLike,
    support: Sequence[SupportType | str | None] | npt.ArrayLike | None,
    sessions: Sequence[int] | npt.ArrayLike | None = None,
    *,
    start: dt.datetime | npt.ArrayLike,
    follow_up_days: int = 90,
    excess: Literal["raise", "truncate"] = "raise",
) -> JourneySchedule:
    """Instantiate a journey template for every participant.

    .. versionadded:: 0.1

    Each journey holds the template's shared steps (kickoff, vision setting, assessments,
    checkpoints), the first ``sessions[i]`` session steps of the person's support type (all
    of them when `sessions` is None), and, for self-guided reflection, every reflection
    exercise (exercises are self-paced, not counted as sessions). A person without support
    (None) gets the shared steps only. Due dates are the start plus each step's day.

    Parameters
    ----------
    template : JourneyTemplate
        The program's journey template (``program.journey``).
    ids : sequence of str
        Participant ids, unique.
    support : sequence of SupportType, str or None, or None
        Each person's support type (e.g. a support plan's ``support``); None for everyone's
        shared steps only.
    sessions : sequence of int, optional
        Human sessions per person (e.g. a support plan's ``sessions``, from triage's dosage).
    start : datetime or sequence of datetimes
        One start for everyone, or one per person, with a UTC offset (``datetime64`` values
        are read as UTC).
    follow_up_days : int, default 90
        Days after a journey's end in which its events are still accepted.
    excess : {"raise", "truncate"}, default "raise"
        What to do when someone is given more sessions than the template offers for their
        support type: refuse, or keep the template's sessions.

    Returns
    -------
    JourneySchedule

    Raises
    ------
    SchemaError
        For malformed input, naming each offending entry; with ``excess="raise"``, for more
        sessions than the template offers (saying how many rows and which support type).

    Examples
    --------
    >>> import datetime as dt
    >>> import numpy as np
    >>> from sparkus.model import Goal, Season, SupportType, default_journey, schedule_journeys
    >>> template = default_journey(Season.SPRING, [Goal.LEADERSHIP_DEVELOPMENT])
    >>> schedule = schedule_journeys(
    ...     template, ["a", "b", "c"],
    ...     [SupportType.COACHING, SupportType.SELF_GUIDED_REFLECTION, None], [4, 0, 0],
    ...     start=dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    >>> np.diff(schedule.offsets).tolist()  # 6 shared steps, plus 4 sessions or 10 exercises
    [10, 16, 6]
    >>> str(schedule.due[schedule.offsets[0] + 4])  # a's first coaching session, day 14
    '2027-03-15T00:00:00'
    """
    text_ids, codes, counts, starts = _schedule_iv(
        template, ids, support, sessions, start, follow_up_days, excess
    )
    steps = template.steps
    kinds_support = [s.support_type for s in steps]
    n = len(text_ids)
    # Each (support, sessions) combination is one list of step indices.
    reflection = _SUPPORTS.index(SupportType.SELF_GUIDED_REFLECTION)
    capped = np.zeros(n, dtype=np.int64) if counts is None else counts.copy()
    too_many: list[Problem] = []
    for code in range(-1, len(_SUPPORTS)):
        offered = sum(1 for t in kinds_support if t is not None and code >= 0
                      and t is _SUPPORTS[code])  # fmt: skip
        mask = codes == code
        if code < 0 or code == reflection:
            capped[mask] = offered
            continue
        if counts is None:
            capped[mask] = offered
            continue
        over = mask & (counts > offered)
        if over.any():
            if excess == "raise":
                rows = np.flatnonzero(over)
                shown = ", ".join(str(int(r)) for r in rows[:_MAX_LISTED])
                more = f" ... ({len(rows):,} rows)" if len(rows) > _MAX_LISTED else ""
                msg = (
                    f"rows {shown}{more} ask for up to {int(counts[over].max())} "
                    f"{_SUPPORTS[code].value} sessions, but the template offers {offered}; add "
                    "session steps to the template, or pass excess='truncate'"
                )
                too_many.append(Problem(("sessions",), msg))
            capped[over] = offered
    if too_many:
        raise SchemaError(too_many)
    base = int(capped.max()) + 1 if n else 1
    if n:
        combo_keys, combo = np.unique((codes.astype(np.int64) + 1) * base + capped,
                                      return_inverse=True)  # fmt: skip
        combos = np.stack([combo_keys // base - 1, combo_keys % base])
        combo = combo.reshape(-1)
    else:
        combos, combo = np.zeros((2, 0), dtype=np.int64), np.zeros(0, dtype=np.intp)
    position = np.full((max(combos.shape[1], 1), len(steps)), -1, dtype=np.int16)
    lengths = np.zeros(max(combos.shape[1], 1), dtype=np.int64)
    for c in range(combos.shape[1]):
        code, count = int(combos[0, c]), int(combos[1, c])
        chosen: list[int] = []
        taken = 0
        for i, t in enumerate(kinds_support):
            if t is None:
                chosen.append(i)
            elif code >= 0 and t is _SUPPORTS[code] and taken < count:
                chosen.append(i)
                taken += 1
        position[c, chosen] = np.arange(len(chosen), dtype=np.int16)
        lengths[c] = len(chosen)
    per_row = lengths[combo] if n else np.zeros(0, dtype=np.int64)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_row, out=offsets[1:])
    m = int(offsets[-1])
    row = np.repeat(np.arange(n, dtype=np.int32), per_row)
    step = np.empty(m, dtype=np.int16)
    for c in range(combos.shape[1]):
        members = np.flatnonzero(combo == c)
        chosen_steps = np.flatnonzero(position[c] >= 0).astype(np.int16)
        at = offsets[members][:, None] + np.arange(len(chosen_steps))
        step[at.reshape(-1)] = np.tile(chosen_steps, len(members))
    days = np.array([s.day for s in steps], dtype=np.int64)
    due = (starts[row] + days[step] * SECONDS_PER_DAY).astype("datetime64[s]")
    return JourneySchedule(
        template=template,
        ids=text_ids,
        start=starts.astype("datetime64[s]"),
        support=codes,
        sessions=capped,
        offsets=offsets,
        row=row,
        step=step,
        due=due,
        follow_up_days=int(follow_up_days),
        combo=combo.astype(np.int16),
        combo_position=position,
    )
