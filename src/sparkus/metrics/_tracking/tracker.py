"""Live tracking of a program: an incremental, mergeable state over events.

:class:`~sparkus.metrics.Tracker` keeps a :class:`~sparkus.model.JourneyProgress` for one
:class:`~sparkus.model.JourneySchedule`: it takes batches of events, merges shards, saves and
loads its state, and snapshots it into a privacy-safe :class:`~sparkus.metrics.Dashboard`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe
from sparkus._errors import Problem, SchemaError
from sparkus._privacy.dp import DifferentialPrivacy, PrivacyLedger
from sparkus._privacy.dp_release import PrivateRelease
from sparkus.metrics._estimate import Estimate
from sparkus.metrics._roi import ROIResult
from sparkus.metrics._tracking.ledger import (
    FIGURES,
    SLOTS,
    Ledger,
    ledger_problems,
    part_labels,
    rated_slots,
)
from sparkus.metrics._tracking.private import moment_problems, private_problems, release_snapshot
from sparkus.metrics._tracking.protection import record_release, unit_labels
from sparkus.metrics._tracking.reader import as_impact, as_roi
from sparkus.metrics._tracking.resets import from_times, merge_stamped, release_problem
from sparkus.metrics._tracking.schema import Dashboard, Impact, Roi
from sparkus.metrics._tracking.snapshot import EPOCH, dashboard_at, latest_moment, shown_point
from sparkus.metrics._tracking.state_file import (
    FORMAT,
    VERSION,
    file_name,
    read_state,
    slot_figures,
    write_state,
)
from sparkus.metrics._tracking.tracker_checks import (
    config_differences,
    group_codes,
    moment_of,
    program_schedule_iv,
    reserved_names,
    tracker_iv,
)
from sparkus.model import EventCheck, JourneyProgress, JourneySchedule, Program, check_events

__all__ = ["Tracker"]


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
        participant. A pandas Series is read by its index, which must hold the schedule's
        participant ids (``schedule.ids``), each once, in any order (else a SchemaError naming
        ``groups['<name>']`` and some labels at fault); a list, a numpy array or a polars
        Series, which carry no ids, is in the schedule's row order. When the schedule knows
        who delivers each participant's support (``schedule_journeys(..., provider=...)``), a
        ``"provider"`` grouping is added (:meth:`JourneySchedule.provider_labels
        <sparkus.model.JourneySchedule.provider_labels>`: the provider's id, ``"no
        provider"`` for the others) unless `groups` names one: each provider's participants,
        completion and session ratings, under the same privacy rule as every grouping (a
        provider with fewer than ``min_group_size`` participants is hidden). ``"total"``,
        ``"funnel"`` and ``"engagement"`` name parts of the dashboard: refused as groupings.
        A blank label, labels that differ only in case, white space or Unicode form
        (``"Sales"``, ``"sales "``) or print alike (``0.1``, ``Decimal("0.1")``) are refused;
        a missing, blank or mixed label is named by the participant's id (``"the row of
        participant 'E0042'"``), whatever the labels came in.
    window_days : int, default 14
        A participant is *active* with any activity in the last `window_days` days. From 1
        to 3,660 (ten years, the longest a schedule may span).
    pre_step, post_step : str
        The steps whose completion scores (the ``value`` of ``step_completed`` events) give
        development progress: ``post - pre`` per participant. Defaults ``"self-assessment"``
        and ``"checkpoint-final"``, the default journey's first assessment and last checkpoint.
    level : float, default 0.95
        Confidence level of the progress intervals.
    protection_share : float, default 0.5
        The protection width of the dashboard's privacy rule: every hidden cell of `n` people
        keeps a range at least this share of the range of ``min(k, n)`` of its people (a count:
        ``protection_share * min(k, n)``), against everything released. Higher hides more.
        From 0.05 to 1; see the Privacy page of the guide.

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
    >>> sorted({(s["group"], s["reason"]) for s in snap.suppressed if s["grouping"] == "department"})
    [('Executive Office', 'fewer than the minimum group size'), ('Finance', 'complementary: protects other hidden cells'), ('People', 'complementary: protects other hidden cells')]
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
        protection_share: float = 0.5,
    ) -> None:
        options = (window_days, pre_step, post_step, level, protection_share)
        given = tracker_iv(program, schedule, groups, *options)  # pandas put in schedule order
        self._start(program, schedule, *options)
        # `!= ""`: ndarray.any() on text takes about 0.3 s per million rows
        if (schedule.provider != "").any() and "provider" not in given:
            given["provider"] = schedule.provider_labels()
        self.groups.update(group_codes(given, schedule.ids))

    def _start(self, program: Program, schedule: JourneySchedule, window_days: int,
               pre_step: str, post_step: str, level: float,
               protection_share: float) -> None:  # fmt: skip
        """Set checked options, no groupings and an empty state."""
        self.program = program
        self.schedule = schedule
        self.window_days = int(window_days)
        self.pre_step = pre_step
        self.post_step = post_step
        self.level = float(level)
        self.protection_share = float(protection_share)
        self.groups: dict[str, tuple[list[str], npt.NDArray[np.intp]]] = {}
        self.progress = JourneyProgress(schedule)
        self.ledger = Ledger()

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
        events : EventTable, mapping, or iterable of Event or dict
            The batch: a table, columns (a mapping or a DataFrame), :class:`~sparkus.model.Event`
            records, or dicts with the event table's column names (``id``, ``participant``,
            ``kind``, ``time``, optional ``step`` and ``value``), which are also the
            :class:`~sparkus.model.Event` field names. One dict is a batch of one event. See
            :func:`~sparkus.model.check_events` for the checks.

        Returns
        -------
        EventCheck

        Raises
        ------
        SchemaError
            If the batch cannot be read at all (see :func:`~sparkus.model.check_events`): a
            dict with an unknown field (``participant_id``, say) or without a required one is
            refused naming the item and the field.

        Examples
        --------
        >>> import datetime as dt
        >>> from sparkus.datasets import synthetic_org
        >>> from sparkus.metrics import Tracker
        >>> from sparkus.model import schedule_journeys
        >>> org = synthetic_org(300, seed=1)
        >>> schedule = schedule_journeys(org.program.journey, org.population["id"][:2],
        ...                              ["coaching", "coaching"], [6, 6],
        ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
        >>> tracker = Tracker(org.program, schedule)
        >>> tracker.update([
        ...     {"id": "ev1", "participant": schedule.ids[0], "kind": "step_completed",
        ...      "time": "2027-01-04T10:00:00+00:00", "step": "kickoff"},
        ...     {"id": "ev2", "participant": schedule.ids[1], "kind": "activity",
        ...      "time": "2027-01-05T09:00:00+00:00"}])
        EventCheck(n=2, accepted=2, rejected=0)
        """
        check = check_events(self.schedule, events)
        self.ledger.set_again(*self.progress.apply(check))
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
            "protection_share": self.protection_share,
            "groups": {k: v[0] for k, v in self.groups.items()},
        }

    def _differences(self, other: Tracker) -> list[str]:
        return config_differences(self._config(), other._config(), self.groups, other.groups)

    def merge(self, other: Tracker) -> Tracker:
        """A new tracker holding the events of both: exact, commutative and associative.

        Raises
        ------
        SchemaError
            If `other` is not a Tracker, or the two differ in program, schedule, groupings or
            options (naming which).
        InfeasibleError
            If a cell of both would be withheld as more sets than a state file keeps.
        """
        given: object = other
        if not isinstance(given, Tracker):
            raise SchemaError([Problem(("other",), f"expected a Tracker, got {describe(given)}")])
        if differ := self._differences(given):
            msg = ("is not a tracker of the same program, schedule, groupings and options (it "
                   f"differs in: {', '.join(differ)})")  # fmt: skip
            raise SchemaError([Problem(("other",), msg)])
        out = self._empty_like()
        out.progress = self.progress.merge(given.progress)
        out.ledger = self.ledger.merge(given.ledger, self._units(),
                                       lambda f, j: unit_labels(self, f, j))  # fmt: skip
        out.ledger.reset = merge_stamped(out.ledger.reset, [(self.ledger, self.progress),
                                                            (given.ledger, given.progress)],
                                         out.progress)  # fmt: skip
        return out

    def _units(self, slots: frozenset[str] = SLOTS) -> dict[str, int]:
        """Units of each figure in the release ledger: participants, or slots (`slots`)."""
        return {f: self.schedule.n_slots if f in slots else len(self.schedule)
                for f in FIGURES}  # fmt: skip

    def _labels(self) -> dict[str, list[int]]:
        sizes = [len(names) for names, _ in self.groups.values()]
        steps = len(self.schedule.template.steps)
        return {f: part_labels(f, sizes, steps) for f in FIGURES}

    @property
    def releases(self) -> int:
        """How many snapshots this tracker has released (see :meth:`snapshot`)."""
        return self.ledger.releases

    def _empty_like(self) -> Tracker:
        out = Tracker.__new__(Tracker)
        out._start(self.program, self.schedule, self.window_days, self.pre_step,
                   self.post_step, self.level, self.protection_share)  # fmt: skip
        out.groups = self.groups
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tracker):
            return NotImplemented
        return (not self._differences(other) and self.progress == other.progress
                and self.ledger == other.ledger)  # fmt: skip

    __hash__ = None  # type: ignore[assignment]

    def save(self, file: str | os.PathLike[str] | io.IOBase) -> None:
        """Write the state to a numpy ``.npz`` file (arrays, plus the options as JSON).

        The schedule and program are not written: :meth:`load` takes them again and checks
        the schedule's fingerprint. A path is written exactly as given (no ``.npz`` is
        added), so :meth:`load` reads it back from the same path.

        Raises
        ------
        SchemaError
            If `file` is not a path or a binary file object (a text-mode file is refused), is
            a folder, or cannot be written (naming it).
        """
        arrays = {f"state_{k}": v for k, v in self.progress.arrays().items()}
        arrays.update({f"group_{i}": v[1] for i, v in enumerate(self.groups.values())})
        arrays.update(self.ledger.arrays())
        meta = {"format": FORMAT, "version": VERSION, **self._config(),
                "grouping_names": list(self.groups), "ledger": self.ledger.meta()}  # fmt: skip
        write_state(file, meta, arrays)

    @classmethod
    def load(cls, file: str | os.PathLike[str] | io.IOBase, program: Program,
             schedule: JourneySchedule) -> Tracker:  # fmt: skip
        """Read a state written by :meth:`save`.

        The file is not trusted: the archive must hold exactly the members :meth:`save`
        writes, each member's declared size must fit the schedule (a few bytes per slot and
        per participant) and is checked before anything is read, numpy headers are checked
        before their data, nothing is unpickled, and every value is checked against what
        events on `schedule` can leave (see :meth:`JourneyProgress.from_arrays
        <sparkus.model.JourneyProgress.from_arrays>`), grouping codes included.

        Raises
        ------
        SchemaError
            If the file is missing, empty, not a tracker state, larger than the schedule
            allows, or holds values that do not fit (each problem naming the file), or was
            saved for another program or schedule.
        """
        program_schedule_iv(program, schedule, [])
        meta, arrays, codes, ledger_arrays = read_state(file, schedule)
        where = file_name(file)
        options = (meta["window_days"], meta["pre_step"], meta["post_step"], meta["level"],
                   meta["protection_share"])  # fmt: skip
        try:
            tracker_iv(program, schedule, None, *options)
        except SchemaError as error:
            raise SchemaError([Problem(("file",), f"{where}: saved option {p}")
                               for p in error.problems]) from None  # fmt: skip
        if meta["program"] != program.name or meta["min_group_size"] != program.min_group_size:
            msg = f"is not {meta['program']!r} (min_group_size {meta['min_group_size']}) as saved"
            raise SchemaError([Problem(("program",), msg)])
        out = cls.__new__(cls)
        out._start(program, schedule, *options)
        problems = [Problem(("file",), f"{where}: saved {p.message}")
                    for p in reserved_names(meta["grouping_names"])]  # fmt: skip
        n = len(schedule)
        for i, name in enumerate(meta["grouping_names"]):
            names, group = list(meta["groups"][name]), codes[i]
            if group.dtype.kind not in "iu" or group.shape != (n,):
                msg = (f"{where}: group_{i} ({name}): expected {n} integer codes, got "
                       f"{group.dtype} of shape {group.shape}")  # fmt: skip
                problems.append(Problem(("file",), msg))
            elif n and (group.min() < 0 or group.max() >= len(names)):
                msg = f"{where}: group_{i} ({name}): codes outside 0 to {len(names) - 1}"
                problems.append(Problem(("file",), msg))
            else:
                out.groups[name] = (names, group.astype(np.intp))
        if problems:
            raise SchemaError(problems)
        units = out._units(slot_figures(meta["version"]))
        ledger, problems = ledger_problems(meta["ledger"], ledger_arrays, units, out._labels(),
                                           max(schedule.n_days, 1), where, schedule.n_slots)  # fmt: skip
        if problems or ledger is None:
            raise SchemaError(problems)
        try:
            out.progress = JourneyProgress.from_arrays(schedule, arrays)
        except SchemaError as error:
            raise SchemaError([Problem(("file", *p.path), f"{where}: {p.message}")
                               for p in error.problems]) from None  # fmt: skip
        out.ledger = ledger if meta["version"] >= 3 else rated_slots(
            ledger, lambda j: unit_labels(out, "rating", j), schedule.row.astype(np.intp),
            out.progress.rating_time)  # fmt: skip
        if meta["version"] < 4:  # no record of values set again: their times stand in
            out.ledger.reset = from_times(out.ledger, out.progress)
        return out

    # -- figures ---------------------------------------------------------------------------

    def latest(self) -> dt.datetime | None:
        """The time of the latest event applied (None before any)."""
        at = latest_moment(self.progress)
        return None if at is None else dt.datetime.fromtimestamp(at, dt.UTC)

    def step_states(
        self, as_of: dt.datetime | None = None
    ) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.datetime64]]:
        """Every slot's :class:`~sparkus.model.StepState` and due date (schedule slot order).

        Raises
        ------
        SchemaError
            If `as_of` is not None or an aware datetime.
        """
        if as_of is None:
            return self.progress.states(None)
        return self.progress.states(moment_of(as_of))

    def snapshot(
        self,
        as_of: dt.datetime | None = None,
        *,
        impact: Estimate | Mapping[str, Any] | None = None,
        roi: ROIResult | Mapping[str, Any] | None = None,
        release: bool = True,
    ) -> Dashboard:
        """The dashboard at `as_of`, with the privacy rule applied.

        Completions, activity, due and overdue steps count up to `as_of`; the other step
        states reflect every event received (take `as_of` at or after the latest event). The
        state keeps each step's latest rating and score, counted when made by `as_of`: a
        snapshot dated before a re-rating counts neither that rating nor the one it replaced.

        Privacy: every published figure describes at least ``program.min_group_size`` people,
        and is protected against an attacker who knows everything this tracker has released
        for the program (every grouping, figure and earlier release) and everyone's group
        memberships. Cells of fewer than the minimum are hidden; so is a cell whose
        contributors changed by fewer than the minimum since its last release; then further
        cells, across every grouping and figure at once, until every hidden cell, every small
        group that published cells could isolate, and every cell an earlier release withheld
        keeps its protection width (``protection_share`` of ``min(k, n)`` people's range)
        against linear programs over everything published
        (:func:`sparkus.privacy.verify_disclosure` is that attacker). Reasons name the rule,
        never a count. See the Privacy page of the guide.

        A release (the default) is recorded in the tracker's ledger, saved and merged with its
        state; ``release=False`` previews the dashboard without recording it, for a viewer who
        must not see it twice.

        The engagement series runs from the first journey's start (empty before) to `as_of`,
        or to the last day events are accepted if that comes first: a far `as_of` (a mistyped
        year) gives the dashboard at the schedule's end, at the cost of the schedule's own
        span. Activity is kept by UTC day: *active* counts the whole `as_of` day (UTC).

        Parameters
        ----------
        as_of : datetime, optional
            An aware datetime; default the latest event applied.
        impact : Estimate or mapping, optional
            An impact estimate to include (e.g. :func:`~sparkus.metrics.ancova`'s result), or
            the dashboard document's ``impact`` object: method, estimate, ci, level, n and
            pvalue.
        roi : ROIResult or mapping, optional
            A return on investment to include (:func:`~sparkus.metrics.roi`'s result), or the
            document's ``roi`` object: roi_percent, bcr, ci, level and currency.
        release : bool, default True
            Record the dashboard in the release ledger (:attr:`releases` counts them), so the
            next release is protected together with it; False for a preview that nobody else
            sees (it is protected the same way, but not remembered).

        Returns
        -------
        Dashboard

        Raises
        ------
        SchemaError
            If `as_of` is not an aware datetime or, for a release, precedes the last release
            (look back with ``release=False``), or `impact` or `roi` is not an accepted kind or
            does not fit the dashboard contract (each problem named by its path: ``impact.ci``).
        InfeasibleError
            If a cell would be withheld over new people more times than a state file keeps.
        """
        at, figures, returns = self._snapshot_iv(as_of, impact, roi, release)
        dashboard, decision = dashboard_at(self, at, figures, returns)
        if release:
            self.ledger = record_release(self.ledger, decision, self, at, shown_point(dashboard))
        return dashboard

    def private_snapshot(
        self,
        options: DifferentialPrivacy,
        *,
        as_of: dt.datetime | None = None,
        ledger: PrivacyLedger | None = None,
        rng: object = None,
    ) -> PrivateRelease:
        """The dashboard's figures at `as_of`, released with differential privacy.

        For dashboards read continuously: every figure gets noise calibrated to what one
        participant can change in it, and each release spends ``options.epsilon_per_release``
        of the privacy-loss budget ``options.total_epsilon``; the ledger refuses a release past
        it. Each release is ε-differentially private at the person level, and the releases' ε
        add up.

        The mode protects by noise, not by hiding: it publishes **every group** of every
        grouping, the smallest included, with neither the minimum group size nor
        complementary suppression. Four figures, in total (partitions ``"total/<figure>"``,
        group ``"all"``) and per grouping (``"<grouping>/<figure>"``): ``participants``,
        ``participation`` (active of started), ``completion`` (required steps done of due) and
        ``rating`` (the mean session rating). The noise is calibrated to the longest journey
        the template allows, never to the data. The tracker does not keep the ledger: pass each
        release's ``ledger`` to the next call; ``None`` starts a new budget. An exact
        :meth:`snapshot` published beside the private releases undoes their protection. The
        guide's differential privacy page says what the mode guarantees and what it costs.

        .. versionadded:: 0.1

        Parameters
        ----------
        options : DifferentialPrivacy
            The ε of one release and the total budget.
        as_of : datetime
            Required: an aware datetime fixed in advance (a cadence), the release's label in the
            ledger (ISO 8601); the latest event's moment would publish someone's activity.
        ledger : PrivacyLedger, optional
            The releases so far: the previous release's ``ledger``. None starts an empty ledger
            with the options' total; a ledger's total must equal ``options.total_epsilon``.
        rng : None, int or numpy.random.Generator, optional
            None (the default, and the only choice for a release that is published) draws the
            noise from OpenDP's secure sampler, which cannot be seeded. A seed or a generator
            draws the same distributions from numpy, reproducibly, for tests and simulations:
            such a release warns (:class:`~sparkus.SparkusWarning`) and is marked ``seeded``,
            because anyone with the seed can remove the noise.

        Returns
        -------
        PrivateRelease
            The noisy figures by partition and group, the ε each partition spent, and the
            ledger after this release (``spent``, ``remaining``).

        Raises
        ------
        SchemaError
            If `options` is not a DifferentialPrivacy, `ledger` not a PrivacyLedger of the
            same total, `rng` not a seed or generator, or `as_of` not an aware datetime
            (each problem naming the parameter).
        InfeasibleError
            If the release would pass the total budget; nothing is drawn.
        ImportError
            If OpenDP is not installed.

        Examples
        --------
        >>> import datetime as dt
        >>> from sparkus.datasets import simulate_events, synthetic_org
        >>> from sparkus.metrics import Tracker
        >>> from sparkus.model import schedule_journeys
        >>> from sparkus.privacy import DifferentialPrivacy
        >>> org = synthetic_org(300, seed=1)
        >>> schedule = schedule_journeys(org.program.journey, org.population["id"],
        ...                              ["coaching"] * 300,
        ...                              start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
        >>> tracker = Tracker(org.program, schedule,
        ...                   groups={"department": org.population.decode("department")})
        >>> _ = tracker.update(simulate_events(schedule, rng=0))
        >>> options = DifferentialPrivacy(epsilon_per_release=0.5, total_epsilon=1.0)
        >>> first = tracker.private_snapshot(options, as_of=dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
        >>> first.label, first.spent, first.remaining
        ('2027-03-01T00:00:00+00:00', 0.5, 0.5)
        >>> "Executive Office" in first.cells["department/participation"]  # 1 person, shown
        True
        >>> second = tracker.private_snapshot(options, as_of=dt.datetime(2027, 4, 1, tzinfo=dt.UTC),
        ...                                   ledger=first.ledger)
        >>> second.ledger.labels
        ('2027-03-01T00:00:00+00:00', '2027-04-01T00:00:00+00:00')
        >>> tracker.private_snapshot(options, as_of=dt.datetime(2027, 5, 1, tzinfo=dt.UTC),
        ...                          ledger=second.ledger)
        Traceback (most recent call last):
        ...
        sparkus.InfeasibleError: the release '2027-05-01T00:00:00+00:00' needs epsilon 0.5, but only 0 of the total budget 1 remains (1 spent over 2 releases); a new budget is a new policy decision, not a setting to raise
        """
        problems = moment_problems(as_of)  # None would publish the latest event's moment
        try:
            at = 0 if problems else self._snapshot_iv(as_of, None, None, True)[0]
        except SchemaError as error:
            at, problems = 0, list(error.problems)
        problems.extend(private_problems(options, ledger, rng))
        if problems:
            raise SchemaError(problems)
        return release_snapshot(self, at, options, ledger, rng)

    def _snapshot_iv(
        self, as_of: object, impact: object, roi: object, release: object
    ) -> tuple[int, Impact | None, Roi | None]:
        """The moment on the tracker's clock, and the impact and ROI as the document's records."""
        if not isinstance(release, bool):
            msg = f"expected True (a release) or False (a preview), got {describe(release)}"
            raise SchemaError([Problem(("release",), msg)])
        moment = as_of if as_of is not None else self.latest()
        if moment is None:
            moment = EPOCH + dt.timedelta(days=self.schedule.epoch_day)
        at = moment_of(moment)
        led = self.ledger
        if release and (msg := release_problem(led.last, led.releases, at, led.reset)):
            raise SchemaError([Problem(("as_of",), msg)])
        return at, as_impact(impact), as_roi(roi)
