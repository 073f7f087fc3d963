"""Live tracking of a program: an incremental, mergeable state over events, and its dashboard.

:class:`Tracker` keeps a :class:`~sparkus.model.JourneyProgress` (the facts events establish
about every step and every day) for one :class:`~sparkus.model.JourneySchedule`, and turns it
into a privacy-safe :class:`Dashboard` on demand: engagement, the completion funnel, session
ratings and NPS, and development progress (pre/post change with a confidence interval), in
total and by any configured grouping.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
from collections.abc import Mapping
from typing import Any, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus._privacy import distinct_groups, suppress_small_groups
from sparkus._results import Result, Table, format_number
from sparkus.metrics._tracking.moments import CoMoments
from sparkus.model import (
    EventCheck,
    JourneyProgress,
    JourneySchedule,
    Program,
    StepState,
    check_events,
)

__all__ = ["Dashboard", "Tracker"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]

SCHEMA: Final = "sparkus.dashboard"
SCHEMA_VERSION: Final = 1
_STATE_FORMAT: Final = "sparkus.tracker"
_STATE_VERSION: Final = 1
_CHUNK: Final = 50_000
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SECONDS_PER_DAY: Final = 86_400
NEVER: Final = JourneyProgress.NEVER
NONE: Final = JourneyProgress.UNSET
STATE_CODES: Final = JourneyProgress.STATES

_OPEN: Final = (STATE_CODES.index(StepState.SCHEDULED), STATE_CODES.index(StepState.RESCHEDULED))
_FIGURES: Final = {
    "participation": ("active", "participation_rate"),
    "completion": ("completion_rate",),
    "rating": ("mean_rating", "nps"),
    "progress": ("progress",),
}
_FIGURE_UNITS: Final = {
    "participation": "participants enrolled",
    "completion": "participants with steps due",
    "rating": "participants who rated a session",
    "progress": "participants with a pre and a post score",
}


def _seconds(moment: dt.datetime) -> int:
    return int((moment - _EPOCH).total_seconds() // 1)


def _iso(seconds: int) -> str:
    return (_EPOCH + dt.timedelta(seconds=int(seconds))).isoformat()


def _people(count: int) -> str:
    return f"{count} participant{'' if count == 1 else 's'}"


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 else None


@attrs.frozen(repr=False, eq=False)
class Dashboard(Result):
    """A privacy-safe snapshot of a program for HR: the shape of the dashboard contract.

    Every grouped figure has passed the program's minimum group size and complementary
    suppression; `suppressed` lists each hidden cell with its reason. :meth:`to_dict` (alias
    :meth:`to_json_dict`) gives the JSON document (``"schema": "sparkus.dashboard"``, version 1),
    with ``None`` (JSON ``null``) for a figure that is withheld or cannot be computed.

    .. versionadded:: 0.1

    Attributes
    ----------
    program : str
        The program's name.
    as_of : str
        The moment of the snapshot, ISO 8601 in UTC.
    min_group_size : int
        The smallest group any figure describes.
    totals : dict
        Program-wide figures: participants, active, participation_rate, completion_rate,
        overdue_steps, mean_rating, nps.
    engagement : dict
        ``window_days`` and a daily ``series`` of ``{date, active, enrolled}``.
    funnel : list of dict
        Per step, in journey order: step, kind, due, completed, median_days_to_complete.
    groups : dict of str to list of dict
        Per grouping, one entry per shown group.
    suppressed : list of dict
        Each hidden cell: grouping, group, reason (and ``figure`` when only some figures of a
        shown group are hidden).
    impact : dict or None
        An impact estimate to show beside the tracking figures.
    roi : dict or None
        A return on investment to show beside them.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.datasets import simulate_events, synthetic_org
    >>> from sparkus.metrics import Tracker
    >>> from sparkus.model import schedule_journeys
    >>> org = synthetic_org(200, seed=1)
    >>> ids = org.population["id"]
    >>> schedule = schedule_journeys(org.program.journey, ids, ["coaching"] * len(ids),
    ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
    >>> tracker = Tracker(org.program, schedule)
    >>> tracker.update(simulate_events(schedule, rng=0))
    EventCheck(n=6314, accepted=6314, rejected=0)
    >>> dashboard = tracker.snapshot(as_of=dt.datetime(2027, 4, 1, tzinfo=dt.UTC))
    >>> dashboard
    Dashboard(program='Grow together', as_of=2027-04-01, participants=200, active=175, suppressed=0)
    >>> dashboard.totals["participation_rate"], dashboard.funnel[0]["step"]
    (0.875, 'kickoff')
    >>> dashboard.to_dict()["schema"]
    'sparkus.dashboard'
    """

    program: str
    as_of: str
    min_group_size: int
    totals: dict[str, Any]
    engagement: dict[str, Any]
    funnel: list[dict[str, Any]]
    groups: dict[str, list[dict[str, Any]]]
    suppressed: list[dict[str, Any]]
    impact: dict[str, Any] | None = None
    roi: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The dashboard as a JSON-ready dict (NaN never appears: missing figures are None)."""
        out = super().to_dict()
        return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, **out}

    def to_json_dict(self) -> dict[str, Any]:
        """The same as :meth:`to_dict`."""
        return self.to_dict()

    def _headline(self) -> str:
        t = self.totals
        return (
            f"program={self.program!r}, as_of={self.as_of[:10]}, participants="
            f"{t['participants']}, active={t['active']}, suppressed={len(self.suppressed)}"
        )

    def _tables(self) -> list[Table]:
        tables = [
            Table(f"{self.program} as of {self.as_of}", ("figure", "value"),
                  tuple((k, format_number(v)) for k, v in self.totals.items())),
            Table("Funnel", ("step", "due", "completed", "median days to complete"),
                  tuple((f["step"], format_number(f["due"]), format_number(f["completed"]),
                         format_number(f["median_days_to_complete"])) for f in self.funnel)),
        ]  # fmt: skip
        for grouping, entries in self.groups.items():
            rows = tuple(
                (e["group"], format_number(e["participants"]), format_number(e["participation_rate"]),
                 format_number(e["completion_rate"]), format_number(e["mean_rating"]),
                 format_number(e["nps"]),
                 "-" if e["progress"] is None else format_number(e["progress"]["estimate"]))
                for e in entries
            )  # fmt: skip
            tables.append(Table(f"By {grouping}", ("group", "participants", "participation",
                                                   "completion", "rating", "NPS", "progress"),
                                rows))  # fmt: skip
        if self.suppressed:
            hidden = tuple((str(s["grouping"]), str(s["group"]), str(s.get("figure", "all")),
                            str(s["reason"])) for s in self.suppressed)  # fmt: skip
            note = f"groups of fewer than {self.min_group_size} are hidden, with complements"
            tables.append(
                Table("Suppressed", ("grouping", "group", "figure", "reason"), hidden, note)
            )
        return tables


def _impact_dict(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return dict(value)
    needed = ("method", "estimate", "ci", "level", "n", "pvalue")
    if all(hasattr(value, k) for k in needed):
        estimate: Any = value
        ci = estimate.ci
        return {"method": estimate.method, "estimate": float(estimate.estimate),
                "ci": [float(ci[0]), float(ci[1])], "level": float(estimate.level),
                "n": int(estimate.n), "pvalue": float(estimate.pvalue)}  # fmt: skip
    msg = f"expected an Estimate or a mapping, got {describe(value)}"
    raise SchemaError([Problem(("impact",), msg)])


class Tracker:
    """The live state of a program: update it with events, merge shards, snapshot it.

    .. versionadded:: 0.1

    The state is a :class:`~sparkus.model.JourneyProgress`: for every (participant, step) the
    facts the :class:`~sparkus.model.StepState` rules need, and every participant's active days.
    Each fact is a maximum (or minimum, or set union) over the events that bear on it, so

    - :meth:`update` costs in proportion to the new events (vectorised, no Python loop per event);
    - the same event applied twice, in one batch or two, or seen by two shards, counts once;
    - events may arrive late and in any order: the final state is the same;
    - :meth:`merge` of trackers fed disjoint or overlapping parts of a stream equals one
      tracker fed all of it, exactly.

    Event ids are not stored (an event's effect depends on its content only): a producer must
    not reuse an id for different content, and a correction is a new event.

    Parameters
    ----------
    program : Program
        The program: its name and ``min_group_size`` go into every snapshot.
    schedule : JourneySchedule
        Everyone's journey (:func:`~sparkus.model.schedule_journeys`).
    groups : mapping of str to array-like, optional
        Groupings to report by (department, level, support type, cohort...): one label per
        participant, in the schedule's row order.
    window_days : int, default 14
        A participant is *active* with any activity in the last `window_days` days.
    pre_step, post_step : str
        The steps whose completion scores (the ``value`` of ``step_completed`` events) give
        development progress: ``post - pre`` per participant. Defaults ``"self-assessment"``
        and ``"checkpoint-final"``, the default journey's first assessment and last checkpoint.
    level : float, default 0.95
        Confidence level of the progress intervals.

    Examples
    --------
    >>> import datetime as dt
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.model import schedule_journeys
    >>> from sparkus.metrics import Tracker
    >>> from sparkus.datasets import simulate_events
    >>> org = synthetic_org(300, seed=1)
    >>> ids = org.population["id"]
    >>> schedule = schedule_journeys(org.program.journey, ids, ["coaching"] * len(ids),
    ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
    >>> events = simulate_events(schedule, rng=0)
    >>> tracker = Tracker(org.program, schedule,
    ...                   groups={"department": org.population.decode("department")})
    >>> tracker.update(events)
    EventCheck(n=9276, accepted=9276, rejected=0)
    >>> snap = tracker.snapshot(as_of=dt.datetime(2027, 4, 1, tzinfo=dt.UTC))
    >>> snap.totals["participants"], snap.totals["active"], round(snap.totals["nps"], 1)
    (300, 249, 30.2)
    >>> [(s["group"], s["reason"]) for s in snap.suppressed]
    [('Executive Office', '1 participant, fewer than 5'), ('People', 'complementary: protects Executive Office')]
    """

    def __init__(
        self,
        program: Program,
        schedule: JourneySchedule,
        *,
        groups: Mapping[str, npt.ArrayLike] | None = None,
        window_days: int = 14,
        pre_step: str = "self-assessment",
        post_step: str = "checkpoint-final",
        level: float = 0.95,
    ) -> None:
        _tracker_iv(program, schedule, groups, window_days, pre_step, post_step, level)
        self.program = program
        self.schedule = schedule
        self.window_days = int(window_days)
        self.pre_step = pre_step
        self.post_step = post_step
        self.level = float(level)
        self.groups: dict[str, tuple[list[str], npt.NDArray[np.intp]]] = {}
        for name, labels in (groups or {}).items():
            names, codes = distinct_groups(np.asarray(labels))
            self.groups[name] = ([str(g) for g in names], codes)
        self.progress = JourneyProgress(schedule)

    def __repr__(self) -> str:
        return (
            f"Tracker(program={self.program.name!r}, participants={len(self.schedule)}, "
            f"groupings={list(self.groups)})"
        )

    # -- state -----------------------------------------------------------------------------

    def update(self, events: object) -> EventCheck:
        """Apply a batch of events; return what was accepted and each refused event.

        The accepted events are applied and the refused ones are not: the tracker ends as if
        only the good events had arrived. Call ``.raise_for_rejected()`` on the result to
        turn refusals into a :class:`~sparkus.SchemaError`.

        Parameters
        ----------
        events : EventTable, mapping, or iterable of Event
            The batch: a table, columns (a mapping or a DataFrame), or records (see :func:`~sparkus.model.check_events` for the checks).

        Returns
        -------
        EventCheck
        """
        check = check_events(self.schedule, events)
        self.progress.apply(check)
        return check

    def _config(self) -> dict[str, Any]:
        return {
            "program": self.program.name,
            "min_group_size": self.program.min_group_size,
            "schedule": self.schedule.fingerprint,
            "window_days": self.window_days,
            "pre_step": self.pre_step,
            "post_step": self.post_step,
            "level": self.level,
            "groups": {k: v[0] for k, v in self.groups.items()},
        }

    def _same_config(self, other: Tracker) -> bool:
        return self._config() == other._config() and all(
            np.array_equal(self.groups[k][1], other.groups[k][1]) for k in self.groups
        )

    def merge(self, other: Tracker) -> Tracker:
        """A new tracker holding the events of both: exact, commutative and associative.

        Raises
        ------
        SchemaError
            If the two trackers differ in program, schedule, groupings or options.
        """
        given: object = other
        if not isinstance(given, Tracker) or not self._same_config(given):
            msg = "is not a tracker of the same program, schedule, groupings and options"
            raise SchemaError([Problem(("other",), msg)])
        out = self._empty_like()
        out.progress = self.progress.merge(given.progress)
        return out

    def _empty_like(self) -> Tracker:
        out = Tracker.__new__(Tracker)
        out.program, out.schedule = self.program, self.schedule
        out.window_days, out.pre_step, out.post_step = (
            self.window_days,
            self.pre_step,
            self.post_step,
        )
        out.level, out.groups = self.level, self.groups
        out.progress = JourneyProgress(self.schedule)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tracker):
            return NotImplemented
        return self._same_config(other) and self.progress == other.progress

    __hash__ = None  # type: ignore[assignment]

    def save(self, file: str | os.PathLike[str] | io.IOBase) -> None:
        """Write the state to a numpy ``.npz`` file (arrays, plus the options as JSON).

        The schedule and program are not written: :meth:`load` takes them again and checks
        the schedule's fingerprint.
        """
        arrays = {f"state_{k}": v for k, v in self.progress.arrays().items()}
        arrays.update({f"group_{i}": v[1] for i, v in enumerate(self.groups.values())})
        meta = {"format": _STATE_FORMAT, "version": _STATE_VERSION, **self._config(),
                "grouping_names": list(self.groups)}  # fmt: skip
        np.savez(file, meta=np.array(json.dumps(meta)), **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, file: str | os.PathLike[str] | io.IOBase, program: Program,
             schedule: JourneySchedule) -> Tracker:  # fmt: skip
        """Read a state written by :meth:`save`.

        Raises
        ------
        SchemaError
            If the file is not a tracker state, or was saved for another program or schedule.
        """
        with np.load(file, allow_pickle=False) as data:
            try:
                meta = json.loads(str(data["meta"]))
            except (KeyError, ValueError):
                raise SchemaError([Problem(("file",), "is not a saved Tracker")]) from None
            problems = []
            if meta.get("format") != _STATE_FORMAT or meta.get("version") != _STATE_VERSION:
                problems.append(Problem(("file",), "is not a saved Tracker (version 1)"))
            elif meta["schedule"] != schedule.fingerprint:
                problems.append(
                    Problem(("schedule",), "differs from the one the state was saved with")
                )
            elif (
                meta["program"] != program.name or meta["min_group_size"] != program.min_group_size
            ):
                problems.append(Problem(("program",), f"is not {meta['program']!r} as saved"))
            if problems:
                raise SchemaError(problems)
            out = cls(program, schedule, window_days=meta["window_days"],
                      pre_step=meta["pre_step"], post_step=meta["post_step"], level=meta["level"])  # fmt: skip
            for i, name in enumerate(meta["grouping_names"]):
                out.groups[name] = (list(meta["groups"][name]), data[f"group_{i}"].astype(np.intp))
            arrays = {k[len("state_") :]: data[k] for k in data.files if k.startswith("state_")}
        out.progress = JourneyProgress.from_arrays(schedule, arrays)
        return out

    # -- figures ---------------------------------------------------------------------------

    def latest(self) -> dt.datetime | None:
        """The time of the latest event applied (None before any)."""
        p = self.progress
        candidates = [int(a.max()) for a in (p.rating_time, p.score_time, p.moved_time)
                      if len(a) and a.max() != NONE]  # fmt: skip
        if len(p.status) and p.status.max() != NONE:
            candidates.append(int(p.status.max()) >> 2)
        done = p.first_done[p.first_done != NEVER]
        if len(done):
            candidates.append(int(done.max()))
        if p.active.size:
            word_or = np.bitwise_or.reduce(p.active, axis=0)
            used = np.flatnonzero(word_or)
            if len(used):
                w = int(used[-1])
                last_day = w * 64 + int(word_or[w]).bit_length() - 1
                end = (self.schedule.epoch_day + last_day + 1) * SECONDS_PER_DAY - 1
                candidates.append(end)
        return None if not candidates else dt.datetime.fromtimestamp(max(candidates), dt.UTC)

    def step_states(
        self, as_of: dt.datetime | None = None
    ) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.datetime64]]:
        """Every slot's :class:`~sparkus.model.StepState` and due date (schedule slot order)."""
        return self.progress.states(None if as_of is None else _seconds(as_of))

    def _activity(self, as_of_day: int) -> tuple[npt.NDArray[np.bool_], IntArray]:
        """Who is active in the window ending `as_of_day`, and the daily active series."""
        n, window = len(self.schedule), self.window_days
        days = max(as_of_day + 1, 1)
        active_now = np.zeros(n, dtype=bool)
        series = np.zeros(days, dtype=np.int64)
        width = self.progress.active.shape[1] * 64
        for lo in range(0, n, _CHUNK):
            chunk = self.progress.active[lo : lo + _CHUNK]
            bits = np.unpackbits(chunk.view(np.uint8), axis=1, bitorder="little")
            upto = min(days, width)
            cum = np.zeros((len(chunk), days + 1), dtype=np.int32)
            np.cumsum(bits[:, :upto], axis=1, out=cum[:, 1 : upto + 1])
            cum[:, upto + 1 :] = cum[:, upto : upto + 1]
            ends = np.arange(1, days + 1)
            in_window = cum[:, ends] - cum[:, np.maximum(ends - window, 0)] > 0
            series += in_window.sum(axis=0)
            active_now[lo : lo + len(chunk)] = in_window[:, -1] if as_of_day >= 0 else False
        return active_now, series

    def snapshot(
        self,
        as_of: dt.datetime | None = None,
        *,
        impact: object = None,
        roi: Mapping[str, Any] | None = None,
    ) -> Dashboard:
        """The dashboard at `as_of`, with the privacy rule applied.

        Completions, activity, due and overdue steps count up to `as_of`; the other step
        states reflect every event received (take `as_of` at or after the latest event).

        Privacy: every grouped figure describes at least ``program.min_group_size`` people.
        Per grouping, groups with fewer participants are hidden, and further groups, smallest
        first, until the hidden ones hold at least that many people in at least two groups
        (complementary suppression), so no hidden group can be
        recovered by subtracting shown groups from a total. The same rule runs again for
        each figure on the people it describes (those enrolled, with steps due, who rated, with
        a pre and a post score). A total over fewer than the minimum is withheld, as is a
        funnel row or a day of the series describing fewer. Groupings are published
        independently; do not configure one grouping that refines another (department and
        department-by-level), whose differences could reveal a cell.

        Parameters
        ----------
        as_of : datetime, optional
            An aware datetime; default the latest event applied.
        impact : Estimate or mapping, optional
            An impact estimate to include (e.g. :func:`~sparkus.metrics.ancova`'s result).
        roi : mapping, optional
            A return on investment to include as given.

        Returns
        -------
        Dashboard
        """
        moment = as_of if as_of is not None else self.latest()
        if moment is None:
            moment = _EPOCH + dt.timedelta(days=self.schedule.epoch_day)
        given: object = moment
        if not isinstance(given, dt.datetime) or given.utcoffset() is None:
            msg = f"expected an aware datetime, got {describe(given)}"
            raise SchemaError([Problem(("as_of",), msg)])
        return _snapshot(self, _seconds(moment), _impact_dict(impact),
                         None if roi is None else dict(roi))  # fmt: skip


def _tracker_iv(program: object, schedule: object, groups: object, window_days: object,
                pre_step: object, post_step: object, level: object) -> None:  # fmt: skip
    problems = []
    if not isinstance(program, Program):
        problems.append(Problem(("program",), f"expected a Program, got {describe(program)}"))
    if not isinstance(schedule, JourneySchedule):
        problems.append(
            Problem(("schedule",), f"expected a JourneySchedule, got {describe(schedule)}")
        )
        raise SchemaError(problems)
    n = len(schedule)
    if groups is not None:
        if not isinstance(groups, Mapping):
            problems.append(Problem(("groups",), f"expected a mapping, got {describe(groups)}"))
        else:
            for name, labels in groups.items():
                array = np.asarray(labels)
                if not isinstance(name, str) or not name:
                    problems.append(Problem(("groups",), f"grouping names are text, got {name!r}"))
                elif array.shape != (n,):
                    msg = f"expected {n} labels (one per participant), got shape {array.shape}"
                    problems.append(Problem(("groups", name), msg))
                elif array.dtype.kind == "O" and any(v is None for v in array.tolist()):
                    problems.append(Problem(("groups", name), "holds None; label everyone"))
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
        problems.append(Problem(("window_days",), f"expected an integer >= 1, got {window_days!r}"))
    steps = schedule.step_ids
    for name, value in (("pre_step", pre_step), ("post_step", post_step)):
        if value not in steps:
            problems.append(Problem((name,), f"{value!r} is not a step of the template "
                                             f"(its steps: {', '.join(steps)})"))  # fmt: skip
    if isinstance(level, bool) or not isinstance(level, float | int) or not 0 < level < 1:
        problems.append(
            Problem(("level",), f"expected a number strictly between 0 and 1, got {level!r}")
        )
    if problems:
        raise SchemaError(problems)


def _suppress_figure(c: IntArray, m: int, hidden: set[int]) -> tuple[set[int], set[int]]:
    """Primary and complementary suppressions of one figure whose cells describe `c` people.

    The groups already hidden stay hidden; a shown cell describing 1 to ``m - 1`` people is
    hidden too (a cell describing nobody has no value to hide); then, as in
    :func:`sparkus._privacy.suppress_small_groups`, further cells, smallest first, until the
    hidden cells describe at least `m` people in at least two cells, or every cell is hidden.
    """
    primary = set(hidden) | {int(i) for i in np.flatnonzero((c > 0) & (c < m))}
    extra: set[int] = set()
    if not primary:
        return primary, extra
    order = [int(i) for i in np.argsort(c, kind="stable") if int(i) not in primary and c[i] > 0]
    for i in order:
        cells = sorted(primary | extra)
        if len(cells) >= 2 and int(c[cells].sum()) >= m:
            break
        extra.add(i)
    return primary, extra


def _t_interval(mean: float, var: float, n: int, level: float) -> list[float]:
    from scipy import special

    if n < 2 or not math.isfinite(var):
        return [mean, mean]
    q = float(special.stdtrit(n - 1, (1.0 + level) / 2.0))
    half = q * math.sqrt(var / n)
    return [mean - half, mean + half]


def _snapshot(tracker: Tracker, at: int, impact: dict[str, Any] | None,
              roi: dict[str, Any] | None) -> Dashboard:  # fmt: skip
    schedule, progress = tracker.schedule, tracker.progress
    m = tracker.program.min_group_size
    n = len(schedule)
    steps = schedule.template.steps
    codes, due = progress.state_codes(at)
    row = schedule.row.astype(np.intp)
    step = schedule.step.astype(np.intp)
    required = np.array([s.required for s in steps], dtype=bool)[step]
    due_by = due <= at
    done_by = progress.first_done <= at
    overdue = np.isin(codes, _OPEN) & (due < at) & ~done_by
    req_due = required & due_by
    started = schedule.start_seconds <= at
    at_day = at // SECONDS_PER_DAY - schedule.epoch_day
    active_now, series = tracker._activity(int(at_day))
    active_now &= started
    # per participant
    due_p = np.bincount(row, req_due, minlength=n)
    done_p = np.bincount(row, req_due & done_by, minlength=n)
    overdue_p = np.bincount(row, overdue, minlength=n)
    rated = (progress.rating_time != NONE) & (progress.rating_time <= at)
    r = progress.rating
    rating_n = np.bincount(row, rated, minlength=n)
    rating_sum = np.bincount(row, np.where(rated, r, 0.0), minlength=n)
    promoters = np.bincount(row, rated & (r >= 9), minlength=n)
    detractors = np.bincount(row, rated & (r <= 6), minlength=n)
    step_index = {s.id: i for i, s in enumerate(steps)}
    rows_all = np.arange(n, dtype=np.int64)
    pre = schedule.slots_of(rows_all, np.full(n, step_index[tracker.pre_step]))
    post = schedule.slots_of(rows_all, np.full(n, step_index[tracker.post_step]))

    def score(slots: IntArray) -> tuple[npt.NDArray[np.bool_], FloatArray]:
        safe = np.maximum(slots, 0)
        have = (
            (slots >= 0) & (progress.score_time[safe] != NONE) & (progress.score_time[safe] <= at)
        )
        return have, progress.score[safe]

    has_pre, x = score(pre)
    has_post, y = score(post)
    paired = has_pre & has_post
    suppressed: list[dict[str, Any]] = []

    # per-person figures as one table, summed by group
    person = {
        "participants": np.ones(n), "started": started.astype(float),
        "active": active_now.astype(float), "due": due_p, "done": done_p, "overdue": overdue_p,
        "rating_n": rating_n, "rating_sum": rating_sum, "promoters": promoters,
        "detractors": detractors, "due_people": (due_p > 0).astype(float),
        "raters": (rating_n > 0).astype(float), "paired": paired.astype(float),
    }  # fmt: skip
    contributors = {"participation": "started", "completion": "due_people", "rating": "raters",
                    "progress": "paired"}  # fmt: skip

    def figures(sums: Mapping[str, float], moments: CoMoments, i: int) -> dict[str, Any]:
        raters = sums["rating_n"]
        diff, var = moments.difference()
        k = int(moments.n[i])
        progress_entry = None
        if k >= 1:
            est = float(diff[i])
            progress_entry = {"estimate": est, "ci": _t_interval(est, float(var[i]), k, tracker.level),
                              "level": tracker.level, "n": k}  # fmt: skip
        return {
            "participants": int(sums["participants"]),
            "active": int(sums["active"]),
            "participation_rate": _ratio(sums["active"], sums["started"]),
            "completion_rate": _ratio(sums["done"], sums["due"]),
            "mean_rating": _ratio(sums["rating_sum"], raters),
            "nps": None
            if raters == 0
            else 100.0 * (sums["promoters"] - sums["detractors"]) / raters,
            "progress": progress_entry,
        }

    # totals
    total_sums = {k: float(np.sum(v)) for k, v in person.items()}
    all_moments = CoMoments.of(x[paired], y[paired], np.zeros(int(paired.sum()), np.intp), 1)
    totals_full = figures(total_sums, all_moments, 0)
    totals: dict[str, Any] = {
        "participants": n,
        "active": totals_full["active"],
        "participation_rate": totals_full["participation_rate"],
        "completion_rate": totals_full["completion_rate"],
        "overdue_steps": int(total_sums["overdue"]),
        "mean_rating": totals_full["mean_rating"],
        "nps": totals_full["nps"],
    }
    for figure, unit in contributors.items():
        count = int(total_sums[unit])
        if 0 < count < m:
            for name in _FIGURES[figure]:
                if name in totals:
                    totals[name] = None
            if figure == "completion":
                totals["overdue_steps"] = None
            suppressed.append({"grouping": "total", "group": "all", "figure": figure,
                               "reason": f"{count} {_FIGURE_UNITS[figure]}, fewer than {m}"})  # fmt: skip
    if n < m:
        totals = dict.fromkeys(totals)
        suppressed.append({"grouping": "total", "group": "all",
                           "reason": f"{n} participants, fewer than {m}"})  # fmt: skip

    # engagement series
    enrolled_day = np.bincount(
        np.clip(schedule.start_seconds // SECONDS_PER_DAY - schedule.epoch_day, 0, None),
        minlength=len(series))[: len(series)].cumsum()  # fmt: skip
    points = []
    for d in range(len(series)):
        date = (dt.date(1970, 1, 1) + dt.timedelta(days=schedule.epoch_day + d)).isoformat()
        enrolled = int(enrolled_day[d])
        active = int(series[d]) if enrolled >= m else None
        if enrolled < m and enrolled > 0:
            suppressed.append({"grouping": "engagement", "group": date,
                               "reason": f"{enrolled} enrolled, fewer than {m}"})  # fmt: skip
        points.append({"date": date, "active": active, "enrolled": enrolled})
    engagement = {"window_days": tracker.window_days, "series": points}

    # funnel
    funnel = []
    due_count = np.bincount(step, due_by, minlength=len(steps))
    done_count = np.bincount(step, due_by & done_by, minlength=len(steps))
    present = np.bincount(step, minlength=len(steps))
    finished = np.flatnonzero(due_by & done_by)
    days_taken = (progress.first_done[finished] - due[finished]) / SECONDS_PER_DAY
    order = np.lexsort((days_taken, step[finished]))
    sorted_steps, sorted_days = step[finished][order], days_taken[order]
    bounds = np.searchsorted(sorted_steps, np.arange(len(steps) + 1))
    for i, s in enumerate(steps):
        if present[i] == 0:
            continue
        lo, hi = bounds[i], bounds[i + 1]
        median = float(np.median(sorted_days[lo:hi])) if hi > lo else None
        entry = {"step": s.id, "kind": s.kind.value, "due": int(due_count[i]),
                 "completed": int(done_count[i]), "median_days_to_complete": median}  # fmt: skip
        if 0 < due_count[i] < m:
            entry["completed"] = entry["median_days_to_complete"] = None
            suppressed.append({"grouping": "funnel", "group": s.id,
                               "reason": f"due for {int(due_count[i])} participants, fewer than {m}"})  # fmt: skip
        funnel.append(entry)

    # groups
    grouped: dict[str, list[dict[str, Any]]] = {}
    for grouping, (names, gcodes) in tracker.groups.items():
        k = len(names)
        sums = {key: np.bincount(gcodes, value, minlength=k) for key, value in person.items()}
        moments = CoMoments.of(x[paired], y[paired], gcodes[paired], k)
        counts = sums["participants"].astype(np.int64)
        primary, extra = suppress_small_groups(counts, m)
        hidden = primary | extra
        for i in sorted(primary):
            suppressed.append({"grouping": grouping, "group": names[i],
                               "reason": f"{_people(int(counts[i]))}, fewer than {m}"})  # fmt: skip
        for i in sorted(extra):
            protects = ", ".join(names[j] for j in sorted(primary))
            suppressed.append({"grouping": grouping, "group": names[i],
                               "reason": f"complementary: protects {protects}"})  # fmt: skip
        hidden_figures: dict[int, set[str]] = {}
        for figure, unit in contributors.items():
            c = sums[unit].astype(np.int64)
            p_f, x_f = _suppress_figure(c, m, hidden)
            for i in sorted((p_f | x_f) - hidden):
                hidden_figures.setdefault(i, set()).add(figure)
                if i in p_f:
                    reason = f"{int(c[i])} {_FIGURE_UNITS[figure]}, fewer than {m}"
                else:
                    protects = ", ".join(names[j] for j in sorted(p_f))
                    reason = f"complementary: protects {protects}"
                suppressed.append({"grouping": grouping, "group": names[i], "figure": figure,
                                   "reason": reason})  # fmt: skip
        entries = []
        for i in range(k):
            if i in hidden:
                continue
            entry = {"group": names[i], **figures({kk: float(v[i]) for kk, v in sums.items()},
                                                  moments, i)}  # fmt: skip
            for figure in hidden_figures.get(i, ()):
                for name in _FIGURES[figure]:
                    entry[name] = None
            entries.append(entry)
        grouped[grouping] = entries

    return Dashboard(
        program=tracker.program.name,
        as_of=_iso(at),
        min_group_size=m,
        totals=totals,
        engagement=engagement,
        funnel=funnel,
        groups=grouped,
        suppressed=suppressed,
        impact=impact,
        roi=roi,
    )
