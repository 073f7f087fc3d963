"""Simulated journey events: what a program's HR systems might log, for demos and benchmarks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus._checks import align_rows, as_array, check_number, check_rng, describe
from sparkus._errors import Problem, SchemaError
from sparkus.model import EventKind, EventTable, JourneySchedule, StepKind

__all__ = ["simulate_events"]

_KINDS = tuple(EventKind)
_DAY = 86_400
_SESSIONS = (StepKind.COACHING_SESSION, StepKind.MENTORING_SESSION, StepKind.PEER_SESSION,
             StepKind.TEAM_SESSION, StepKind.KICKOFF_WEBINAR)  # fmt: skip


def _code(kind: EventKind) -> int:
    return _KINDS.index(kind)


def _simulate_iv(
    schedule: object,
    readiness: object,
    as_of: object,
    rates: dict[str, object],
    rng: object,
    encoded: object,
) -> tuple[np.random.Generator, npt.NDArray[np.float64] | None]:
    problems: list[Problem] = []
    if not isinstance(schedule, JourneySchedule):
        problems.append(
            Problem(("schedule",), f"expected a JourneySchedule, got {describe(schedule)}")
        )
        raise SchemaError(problems)
    latent: npt.NDArray[np.float64] | None = None
    if readiness is not None:
        try:
            readiness = _by_ids(readiness, schedule)
        except SchemaError as error:
            problems.extend(error.problems)
            readiness = None
    if readiness is not None:
        try:  # the shared intake: a masked array's masked cells are missing, not their data
            array = as_array(readiness, "readiness")
        except SchemaError:
            array = np.asarray(None)  # refused below, with the value as given
        if (
            array.shape != (len(schedule),)
            or array.dtype.kind not in "iuf"
            or not np.isfinite(array).all()
        ):
            msg = f"expected {len(schedule)} finite numbers (one per participant), got {describe(readiness)}"
            problems.append(Problem(("readiness",), msg))
        else:
            latent = array.astype(np.float64)
    if as_of is not None and (not isinstance(as_of, dt.datetime) or as_of.utcoffset() is None):
        problems.append(Problem(("as_of",), f"expected an aware datetime, got {describe(as_of)}"))
    for name, value in rates.items():
        check_number(value, name, low=0.0, high=1.0, what="a rate", problems=problems)
    if not isinstance(encoded, bool):
        problems.append(Problem(("encoded",), f"expected True or False, got {describe(encoded)}"))
    elif encoded and len(schedule):
        try:  # rows as integers are refused when some id is the text of an integer
            schedule.rows_of(np.zeros(1, dtype=np.int64))
        except SchemaError:
            msg = ("expected False for this schedule: its ids look like integers, so "
                   "check_events would refuse participant rows given as integers; pass "
                   "encoded=False to get the ids as text")  # fmt: skip
            problems.append(Problem(("encoded",), msg))
    generator = check_rng(rng, problems=problems)
    if problems:
        raise SchemaError(problems)
    return generator, latent


def _by_ids(readiness: object, schedule: JourneySchedule) -> object:
    """A pandas Series put in the schedule's order by its index (participant ids), or refused.

    Anything else comes back as it was given, paired with the participants by position.
    """
    if not type(readiness).__module__.startswith("pandas"):
        return readiness
    import pandas as pd  # the caller passed pandas: it is imported already

    ids = pd.Series(np.zeros(len(schedule)), index=pd.Index(schedule.ids, name="id"))
    return align_rows(("schedule.ids", ids), ("readiness", readiness))[1]


def simulate_events(
    schedule: JourneySchedule,
    *,
    rng: int | np.random.Generator | None = None,
    readiness: npt.ArrayLike | None = None,
    as_of: dt.datetime | None = None,
    duplicate_rate: float = 0.01,
    late_rate: float = 0.02,
    encoded: bool = False,
) -> EventTable:
    """Plausible events over a program's journeys, in columns, in arrival order.

    .. versionadded:: 0.1

    Each participant has an engagement propensity ``logistic(0.8 + readiness)`` that decays over
    the journey, faster for the less ready. A step is completed (a little after its due date)
    with that probability; a required step not completed is usually logged missed, an optional
    one sometimes skipped; about 8% of steps are rescheduled by a week first. Completed
    sessions (and the kickoff) are rated 0-10 four times in five, higher by the more ready.
    The self-assessment and the final checkpoint carry a development score (about
    ``N(50, 10)`` before, and a gain of about 3 + 4 x propensity after). Participants also log
    activity on days spread over their journey, earlier for the less ready. A share of events
    arrive late (1 to 14 days after they happened) and a share are sent twice. Every event
    falls inside its participant's journey and follow-up days (``schedule.follow_up_days``),
    so :func:`~sparkus.model.check_events` accepts the whole batch: a completion that would
    come later is not logged. The score after needs a checkpoint: a template without one
    gives completions without scores.

    Parameters
    ----------
    schedule : JourneySchedule
        The journeys.
    rng : int or numpy.random.Generator, optional
        Seed or generator; the same seed gives the same events. A generator is used as
        given, so its state advances (a second call with it gives other events).
    readiness : array-like of float, optional
        Latent readiness per participant (about N(0, 1)); drawn when not given. A pandas
        Series is put in the schedule's order by its index, which must hold the participant
        ids (any order); other array-likes are read in the schedule's row order. A masked
        cell (numpy masked array) or a missing one (pandas, polars) is refused, not read.
    as_of : datetime, optional
        Only events up to this moment; default two weeks after the last journey ends.
    duplicate_rate, late_rate : float
        Shares of events sent twice and arriving late.
    encoded : bool, default False
        Give participant rows and step indices instead of ids (faster to ingest); not for
        a schedule whose ids look like integers, whose rows :func:`check_events
        <sparkus.model.check_events>` refuses as ambiguous.

    Returns
    -------
    EventTable
        Integer event ids, numbered in order of event time.

    Raises
    ------
    SchemaError
        For malformed arguments (naming each): a schedule that is not one, readiness that is
        not one finite number per participant (or a Series whose index is not the
        participant ids), a naive `as_of`, rates outside [0, 1], an
        `rng` that is not a seed or generator, an `encoded` that is not a bool (or True for
        a schedule whose ids look like integers, where rows would be ambiguous).

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.datasets import simulate_events
    >>> from sparkus.model import Goal, Season, default_journey, schedule_journeys
    >>> schedule = schedule_journeys(default_journey(Season.SUMMER, [Goal.TEAM_COLLABORATION]),
    ...                              [f"p{i}" for i in range(50)], ["peer_support"] * 50,
    ...                              start=dt.datetime(2027, 6, 7, tzinfo=dt.UTC))
    >>> events = simulate_events(schedule, rng=3)
    >>> events
    EventTable(n=1387)
    >>> len(events) == len(simulate_events(schedule, rng=3))
    True
    """
    rates: dict[str, object] = {"duplicate_rate": duplicate_rate, "late_rate": late_rate}
    gen, given = _simulate_iv(schedule, readiness, as_of, rates, rng, encoded)
    n, steps = len(schedule), schedule.template.steps
    duration = schedule.template.duration_days
    latent = gen.standard_normal(n) if given is None else given
    base = 0.5 * (1.0 + np.tanh(0.5 * (0.8 + latent)))  # the logistic, without overflow
    row = schedule.row.astype(np.int64)
    step = schedule.step.astype(np.int64)
    m = len(row)
    day = np.array([s.day for s in steps], dtype=np.int64)[step]
    required = np.array([s.required for s in steps])[step]
    is_session = np.array([s.kind in _SESSIONS for s in steps])[step]
    due = schedule.due_seconds
    b = base[row]
    p_done = b * np.exp(-1.5 * (1.0 - b) * day / duration)
    moved = gen.random(m) < 0.08
    move_days = 7.0
    effective_due = due + np.where(moved, int(move_days) * _DAY, 0)
    done = gen.random(m) < p_done
    done_time = effective_due + (gen.exponential(1.5, m) * _DAY).astype(np.int64)
    closed = ~done & (gen.random(m) < np.where(required, 0.6, 0.3))
    close_kind = np.where(required, _code(EventKind.STEP_MISSED), _code(EventKind.STEP_SKIPPED))
    close_time = effective_due + _DAY + (gen.random(m) * _DAY).astype(np.int64)
    move_time = np.maximum(due - 2 * _DAY, schedule.start_seconds[row]) + 3_600
    rated = done & is_session & (gen.random(m) < 0.8)
    rating = np.clip(np.round(6.0 + 3.0 * b + gen.normal(0.0, 1.5, m)), 0, 10)
    pre_kind = np.array([s.kind is StepKind.SELF_ASSESSMENT for s in steps])[step]
    # the final checkpoint carries the score after; a template without checkpoints has none
    last_checkpoint = max((i for i, s in enumerate(steps) if s.kind is StepKind.CHECKPOINT),
                          default=-1)  # fmt: skip
    post_kind = step == last_checkpoint
    pre_score = 50.0 + 10.0 * gen.standard_normal(n)
    gain = 3.0 + 4.0 * base + 5.0 * gen.standard_normal(n)
    score = np.where(pre_kind, pre_score[row], np.where(post_kind, (pre_score + gain)[row], np.nan))

    parts: list[dict[str, npt.NDArray[Any]]] = []

    def add(mask: npt.NDArray[np.bool_], code: Any, time: npt.NDArray[np.int64],
            value: npt.NDArray[np.float64] | float) -> None:  # fmt: skip
        idx = np.flatnonzero(mask)
        parts.append({
            "row": row[idx], "step": step[idx], "kind": np.broadcast_to(code, m)[idx].astype(np.int8),
            "time": time[idx], "value": np.broadcast_to(value, m)[idx].astype(float),
        })  # fmt: skip

    add(moved, _code(EventKind.STEP_RESCHEDULED), move_time, move_days)
    add(done, _code(EventKind.STEP_COMPLETED), done_time, score)
    add(closed, close_kind, close_time, np.nan)
    add(rated, _code(EventKind.SESSION_RATED), done_time + 3_600, rating)
    # activity days, earlier in the journey for the less ready
    counts = gen.poisson(base * duration / 6.0)
    act_row = np.repeat(np.arange(n), counts)
    u = gen.random(len(act_row))
    act_day = np.floor(duration * u ** (1.0 + 2.0 * (1.0 - base[act_row]))).astype(np.int64)
    act_time = (
        schedule.start_seconds[act_row]
        + act_day * _DAY
        + (gen.random(len(act_row)) * _DAY).astype(np.int64)
    )
    parts.append({"row": act_row, "step": np.full(len(act_row), -1, dtype=np.int64),
                  "kind": np.full(len(act_row), _code(EventKind.ACTIVITY), dtype=np.int8),
                  "time": act_time, "value": np.full(len(act_row), np.nan)})  # fmt: skip
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    horizon = (
        (int(schedule.start_seconds.max()) + (duration + 14) * _DAY if n else 0)
        if as_of is None
        else int((as_of - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds())
    )
    # up to `as_of`, and never past a journey's end plus its follow-up days (check_events
    # refuses those): a late completion after the window is an event nobody would accept
    keep = (cols["time"] <= horizon) & (cols["time"] < schedule.end_seconds[cols["row"]])
    cols = {k: v[keep] for k, v in cols.items()}
    order = np.lexsort((cols["kind"], cols["step"], cols["row"], cols["time"]))
    cols = {k: v[order] for k, v in cols.items()}
    ids = np.arange(len(order), dtype=np.int64)
    # duplicates and late arrivals
    dup = np.flatnonzero(gen.random(len(ids)) < duplicate_rate)
    take = np.concatenate([np.arange(len(ids)), dup])
    lag = np.where(gen.random(len(take)) < late_rate,
                   gen.integers(1, 15, len(take)) * _DAY, 0)  # fmt: skip
    arrival = np.argsort(cols["time"][take] + lag, kind="stable")
    take = take[arrival]
    step_out: npt.NDArray[Any] = cols["step"][take]
    participant: npt.NDArray[Any] = cols["row"][take]
    if not encoded:
        step_out = np.where(
            step_out >= 0, np.array(schedule.step_ids, dtype=str)[np.maximum(step_out, 0)], ""
        )
        participant = schedule.ids[participant]
    n_out = len(take)
    return EventTable(ids[take], participant, cols["kind"][take], cols["time"][take],
                      np.zeros(n_out, dtype=np.int8), step_out, cols["value"][take])  # fmt: skip
