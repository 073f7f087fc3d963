"""Journeys for many people at once: a program's template instantiated as columns.

A :class:`JourneySchedule` holds one row per (participant, step): the participant's row, the
step's index in the template and its due date. It is built by :func:`schedule_journeys` from
plain arrays (support type and number of sessions per person), so that this package needs
nothing from triage or matching, and gives a :class:`~sparkus.model.Journey` record for one
person on demand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import as_array, describe, rows_text
from sparkus._errors import Problem, SchemaError
from sparkus._frames import Backend, build_frame, check_backend, decoded
from sparkus._ids import near_ids
from sparkus._text_rules import nul_message
from sparkus.model._enums import SupportType
from sparkus.model._event_cells import event_cells, nul_problems, participant_cells
from sparkus.model._event_slots import slot_lookup
from sparkus.model._intake import column
from sparkus.model._records import Journey, JourneyTemplate
from sparkus.model._schedule_input import (
    SECONDS_PER_DAY,
    SUPPORTS,
    integer_like,
    schedule_iv,
    string_keys,
)
from sparkus.model._serialize import json_text

__all__ = ["JourneySchedule", "schedule_journeys"]

IntArray: TypeAlias = npt.NDArray[np.int64]
_SUPPORTS: Final = SUPPORTS
_MAX_SHOWN: Final = 10


def _as_datetime(seconds: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=int(seconds))


_FIELD_KINDS: Final = {"ids": "U", "start": "M", "support": "i", "sessions": "i", "offsets": "i",
                       "row": "i", "step": "i", "due": "M", "_combo": "i",
                       "_combo_position": "i", "provider": "U"}  # fmt: skip


def _schedule_fields_iv(schedule: object) -> None:
    """The fields of a schedule made directly: a template and numpy arrays of the right kinds."""
    problems = []
    template: object = getattr(schedule, "template", None)
    if not isinstance(template, JourneyTemplate):
        problems.append(Problem(("template",), f"expected a JourneyTemplate, got "
                                               f"{describe(template)}"))  # fmt: skip
    for name, kinds in _FIELD_KINDS.items():
        value = getattr(schedule, name)
        if not isinstance(value, np.ndarray) or value.dtype.kind not in kinds:
            problems.append(Problem((name.lstrip("_"),), f"expected a numpy array of kind "
                                                         f"{kinds!r}, got {describe(value)}"))  # fmt: skip
    follow: object = getattr(schedule, "follow_up_days", None)
    if not isinstance(follow, int) or isinstance(follow, bool):
        problems.append(Problem(("follow_up_days",), f"expected an int, got {describe(follow)}"))
    if problems:
        problems.append(Problem((), "build a schedule with schedule_journeys"))
        raise SchemaError(problems)


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
    provider : ndarray of str
        Each participant's provider id (who coaches or mentors them), ``""`` for none.

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
    provider: npt.NDArray[np.str_] = attrs.field(default=None)
    _id_keys: npt.NDArray[np.uint64] = attrs.field(init=False)
    _id_rows: IntArray = attrs.field(init=False)
    _fingerprint: str = attrs.field(init=False)
    _integer_like: int | None = attrs.field(init=False, default=None)  # cached by rows_of

    def __attrs_post_init__(self) -> None:
        given: object = self.provider
        if given is None:  # a schedule without providers
            ids: object = self.ids
            n = len(ids) if isinstance(ids, np.ndarray) else 0
            object.__setattr__(self, "provider", np.full(n, "", dtype=str))
        _schedule_fields_iv(self)
        keys = string_keys(self.ids)
        order = np.argsort(keys, kind="stable")
        object.__setattr__(self, "_id_keys", keys[order])
        object.__setattr__(self, "_id_rows", order.astype(np.int64))
        digest = hashlib.blake2b(digest_size=16)
        digest.update(json_text(self.template).encode("utf-8", "surrogatepass"))
        for array in (self.ids, self.start, self.support, self.sessions, self.offsets):
            digest.update(np.ascontiguousarray(array).tobytes())
        if self.provider.any():  # schedules without providers keep their fingerprint
            digest.update("\x00".join(self.provider.tolist()).encode())
        digest.update(str(self.follow_up_days).encode())
        object.__setattr__(self, "_fingerprint", digest.hexdigest())
        frozen: tuple[npt.NDArray[Any], ...] = (
            self.ids, self.start, self.support, self.sessions, self.offsets, self.row, self.step,
            self.due, self._combo, self._combo_position, self.provider,
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

        Integers are taken as rows already (and checked to be in range), but only when no
        id of the schedule is the text of an integer (``"7"``, ``"007"``): then an integer
        column (numeric employee ids read by pandas, say) could mean ids as well as rows,
        and is refused, never paired by position.

        Raises
        ------
        SchemaError
            If `ids` is not a 1-D column of text ids or int64 rows (floats, bools, bytes,
            integers among text and text holding a NUL character are refused naming the
            rows); at ``participant`` for integers when some id of the schedule looks like an
            integer (pass the ids as text).
        """
        cells = column(event_cells(ids, "ids"), "ids")  # a list holding a NUL: its cells
        nul = nul_problems(cells, "ids")  # ("a\x00" is not "a", which a text array reads)
        if nul:
            raise SchemaError(nul)
        wanted = participant_cells(cells, "ids")
        if wanted.dtype.kind == "i" and len(wanted):
            first = self._integer_like
            if first is None:  # once per schedule: one vectorised pass over the ids
                first = integer_like(self.ids)
                object.__setattr__(self, "_integer_like", first)
            if first >= 0:
                example = str(self.ids[first])
                msg = (f"got integers ({int(wanted[0])} in row 0), read as schedule rows, but "
                       f"this schedule's ids look like integers too ({example!r}), so the rows "
                       "could be misread; pass the participant ids as text "
                       "(`.astype(str)`)")  # fmt: skip
                raise SchemaError([Problem(("participant",), msg)])
        if wanted.dtype.kind == "i":
            rows = wanted.astype(np.int64, copy=False)
            return np.where((rows >= 0) & (rows < len(self)), rows, -1)
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
        """The slot of each (row, step index) pair, -1 where the journey lacks the step.

        Raises
        ------
        SchemaError
            If `rows` and `steps` are not integer arrays of one length, or hold a row or a
            step index outside the schedule.
        """
        rows, steps = self._slots_iv(rows, steps)
        return slot_lookup(self, rows, steps)

    def _slots_iv(self, rows: object, steps: object) -> tuple[IntArray, IntArray]:
        out = []
        problems = []
        for name, value, size in (("rows", rows, len(self)), ("steps", steps, len(self.step_ids))):
            given = as_array(value, name)
            array = given.reshape(-1) if given.ndim <= 1 else None
            if array is None or (array.dtype.kind not in "iu" and array.size):
                problems.append(Problem((name,), f"expected a 1-D array of integers, got "
                                                 f"{describe(value)}"))  # fmt: skip
                out.append(np.zeros(0, np.int64))
                continue
            ints = array.astype(np.int64, copy=False)
            bad = np.flatnonzero((ints < 0) | (ints >= size))
            if len(bad):
                problems.append(Problem((name,), f"{int(ints[bad[0]])} is outside 0 to {size - 1} "
                                                 f"in {rows_text(bad)}"))  # fmt: skip
            out.append(ints)
        if not problems and len(out[0]) != len(out[1]):
            problems.append(
                Problem(("steps",), f"has {len(out[1])} entries for {len(out[0])} rows")
            )
        if problems:
            raise SchemaError(problems)
        return out[0], out[1]

    def to_frame(self, *, backend: Backend = "pandas") -> Any:
        """The schedule as a DataFrame: one row per participant.

        Columns: ``start`` (the journey's start) and ``end`` (start plus the template's
        ``duration_days``; the follow-up is not included), both datetimes in UTC without a
        time zone; ``support`` (the :class:`SupportType` value, None for none);
        ``sessions``; ``steps`` (how many steps the journey holds); and, when the schedule
        has providers, ``provider`` (the provider's id, None for none).

        Parameters
        ----------
        backend : {"pandas", "polars"}
            pandas gets the participant ids as its index (named ``id``); polars, which has no
            index, as its first column. The library is imported only now.

        Returns
        -------
        pandas.DataFrame or polars.DataFrame
            A new frame: changing it never changes the schedule.

        Raises
        ------
        SchemaError
            If `backend` is neither ``"pandas"`` nor ``"polars"``.
        ImportError
            If the library is not installed (the message names the extra to install).

        Examples
        --------
        >>> import datetime as dt
        >>> from sparkus.model import Goal, Season, SupportType, default_journey
        >>> from sparkus.model import schedule_journeys
        >>> template = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
        >>> schedule = schedule_journeys(template, ["e1", "e2"],
        ...                              [SupportType.COACHING, None], [4, 0],
        ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
        >>> frame = schedule.to_frame()
        >>> frame.loc["e1", "support"], int(frame.loc["e1", "sessions"])
        ('coaching', 4)
        >>> frame["steps"].tolist(), str(frame.loc["e2", "start"])
        ([12, 8], '2027-01-04 00:00:00')

        .. versionadded:: 0.1
        """
        chosen = check_backend(backend)
        days = np.timedelta64(self.template.duration_days, "D")
        columns: dict[str, Any] = {
            "id": self.ids,
            "start": self.start,
            "end": self.start + days,
            "support": decoded(self.support, [s.value for s in _SUPPORTS]),
            "sessions": self.sessions,
            "steps": np.diff(self.offsets),
        }
        if self.provider.any():
            columns["provider"] = [p or None for p in self.provider.tolist()]
        return build_frame(columns, ("id",), chosen)

    def journey(self, participant_id: str) -> Journey:
        """The :class:`~sparkus.model.Journey` record of one participant.

        Raises
        ------
        SchemaError
            If `participant_id` is not in the schedule (or holds a NUL character).
        """
        given: object = participant_id
        if isinstance(given, str) and "\x00" in given:  # (a text array drops a trailing one)
            raise SchemaError([Problem(("participant_id",), nul_message(given))])
        row = int(self.rows_of(np.array([given], dtype=str))[0]) if isinstance(given, str) else -1
        if row < 0:  # refused with the id it spells otherwise, if any (never matched)
            msg = (f"{given!r} is not a participant of this schedule" if isinstance(given, str)
                   else f"expected a participant id (text), got {describe(given)}")  # fmt: skip
            raise SchemaError([Problem(("participant_id",), msg + near_ids(self.ids, [given])[0])])
        lo, hi = int(self.offsets[row]), int(self.offsets[row + 1])
        steps = tuple(self.template.steps[int(i)] for i in self.step[lo:hi])
        code = int(self.support[row])
        support = None if code < 0 else _SUPPORTS[code]
        start = _as_datetime(int(self.start_seconds[row]))
        provider = str(self.provider[row]) or None
        return Journey(participant_id, start, steps, support, provider)

    def provider_labels(self, none: str = "no provider") -> npt.NDArray[np.str_]:
        """Each participant's provider id, `none` for a participant without one.

        The labels of the ``"provider"`` grouping a :class:`~sparkus.metrics.Tracker` reports
        by when the schedule has providers.

        Raises
        ------
        SchemaError
            If `none` is not a non-empty text or is some provider's id.
        """
        given: object = none
        if not isinstance(given, str) or not given.strip():
            msg = f"expected a non-empty label, got {describe(given)}"
            raise SchemaError([Problem(("none",), msg)])
        if given in set(self.provider.tolist()):
            msg = f"{given!r} is a provider's id; choose another label for no provider"
            raise SchemaError([Problem(("none",), msg)])
        return np.where(self.provider == "", given, self.provider)


def schedule_journeys(
    template: JourneyTemplate,
    ids: Sequence[str] | npt.ArrayLike,
    support: Sequence[SupportType | str | None] | npt.ArrayLike | None,
    sessions: Sequence[int] | npt.ArrayLike | None = None,
    *,
    start: dt.datetime | npt.ArrayLike,
    follow_up_days: int = 90,
    excess: Literal["raise", "truncate"] = "raise",
    provider: Sequence[str | None] | npt.ArrayLike | Mapping[str, str] | None = None,
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
        Participant ids, unique: text without white space at either end or a NUL character,
        and no two alike in Unicode normal form C (as a population's ids).
    support : sequence of SupportType, str or None, or None
        Each person's support type; None for everyone's shared steps only. A person given
        None is still a participant (enrolled, counted in every rate): from a support plan,
        pass ``**plan.enrolled()`` (:meth:`SupportPlan.enrolled
        <sparkus.matching.SupportPlan.enrolled>`), the people it supports, never every row.
    sessions : sequence of int, optional
        Human sessions per person (e.g. the ``sessions`` of ``plan.enrolled()``, from
        triage's dosage).
    start : datetime or sequence of datetimes
        One start for everyone, or one per person, with a UTC offset (``datetime64`` values,
        one or one per person, whole columns or cells, are read as UTC). A naive datetime
        is refused. Each step's due date is the start plus the step's ``day`` in days of 24
        hours: the same instant of the day in UTC, so a local time of day moves by an hour
        across a daylight saving change.
    follow_up_days : int, default 90
        Days after a journey's end in which its events are still accepted.
    excess : {"raise", "truncate"}, default "raise"
        What to do when someone is given more sessions than the template offers for their
        support type: refuse, or keep the template's sessions.
    provider : sequence of str or None, or mapping of str to str, optional
        Who delivers each participant's support (a :class:`~sparkus.model.Provider`'s id):
        one id or None per participant, or a mapping of participant id to provider id, such
        as an assignment's ``pairs()`` (:meth:`Assignment.pairs
        <sparkus.matching.Assignment.pairs>`) or the ``provider`` of
        ``plan.enrolled(assignments)``. Participants not in the mapping have none. Each
        :class:`~sparkus.model.Journey` then knows its provider, and a
        :class:`~sparkus.metrics.Tracker` of the schedule reports by provider.

    `ids`, `support`, `sessions` and `start` given as pandas Series are paired by their index
    (or refused, naming the input, when their indexes hold different rows).

    Returns
    -------
    JourneySchedule

    Raises
    ------
    SchemaError
        For malformed input, naming each offending entry; with ``excess="raise"``, for more
        sessions than the template offers (saying how many rows and which support type); a
        provider for a participant without support, or a mapping naming someone who is not
        scheduled (``provider[<id>]``).

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

    With who coaches whom, each journey knows its provider:

    >>> schedule = schedule_journeys(
    ...     template, ["a", "b"], [SupportType.COACHING, SupportType.COACHING],
    ...     start=dt.datetime(2027, 3, 1, tzinfo=dt.UTC), provider={"a": "coach-7"})
    >>> schedule.journey("a").provider_id, schedule.journey("b").provider_id
    ('coach-7', None)
    """
    text_ids, codes, counts, starts, providers = schedule_iv(
        template, ids, support, sessions, start, follow_up_days, excess, provider
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
                shown = ", ".join(str(int(r)) for r in rows[:_MAX_SHOWN])
                more = f" ... ({len(rows):,} rows)" if len(rows) > _MAX_SHOWN else ""
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
        provider=providers,
    )
