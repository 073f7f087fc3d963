"""A few people's slots of one step, isolated by the funnel between two releases.

Department ``d0`` (two people, who started on day 6) had two steps fall due between the
releases of days 50.5 and 57.5: the mid checkpoint (day 51) and the fourth coaching session
(day 57). ``d1`` (seven people, day 10) had only the mid checkpoint fall due, ``d2`` and ``d3``
(five each, days 0 and 3) only the fourth session. The total and ``d1`` were published in both
releases, and every step of the funnel: the total's change less ``d1``'s is the new slots of
``d0``, ``d2`` and ``d3``, and less the fourth session's row (all of its slots are new) it is
``d0``'s two mid checkpoints, exactly. The tracker checked ``d0``'s new slots of both steps
together, which the hidden fourth sessions kept wide; it now checks each atom of a class's slots
(its step and its cells, now and before) as a group of its own, as the verifier does.

In one release, a class's required steps are a group of their own too: the total and the groups
count them, and the class's optional steps (in the funnel only) no longer widen them.
"""

from __future__ import annotations

import numpy as np

from sparkus.privacy import verify_disclosure
from tests.privacy.world import day, events, person_range, published, released, tracker_of

SIZES = (2, 7, 5, 5)
STARTS = (6, 10, 0, 3)
RELEASES = (50.5, 57.5)


def _organisation():
    """Each slot completed just after it fell due when its person and step add up even."""
    dept = [f"d{i}" for i, s in enumerate(SIZES) for _ in range(s)]
    starts = [STARTS[i] for i, s in enumerate(SIZES) for _ in range(s)]
    tracker = tracker_of({"dept": dept}, start_days=starts)
    schedule = tracker.schedule
    epoch = np.datetime64("2027-01-04T00:00", "s")
    rows = []
    for slot in range(schedule.n_slots):
        person, step = int(schedule.row[slot]), int(schedule.step[slot])
        if (person + step) % 2 == 0:
            due = float((schedule.due[slot] - epoch) / np.timedelta64(1, "D"))
            rows.append((person, "step_completed", schedule.step_ids[step], due + 0.01, np.nan))
    tracker.update(events(rows))
    return tracker


def _released():
    tracker = _organisation()
    return tracker, [tracker.snapshot(day(d)) for d in RELEASES]


def test_a_small_departments_new_slots_of_one_step_keep_their_width():
    """The independent attacker: one whole-number variable per slot, every published cell."""
    tracker, snaps = _released()
    cells = [(np.asarray(c.members), c.value)
             for r, snap in enumerate(snaps)
             for c in published(tracker, snap, release=r)["completion"].cells
             if c.value is not None]  # fmt: skip
    schedule = tracker.schedule
    step = schedule.step_ids.index("checkpoint-mid")
    target = (schedule.row < SIZES[0]) & (schedule.step == step)
    assert target.sum() == 2
    low, high = person_range(schedule.n_slots, cells, target)
    assert high - low >= 0.5 * 2


def test_the_verifier_finds_the_two_releases_protected():
    """The verifier, which checks each small atom, agrees: nothing of the two releases exposed."""
    tracker, snaps = _released()
    check = verify_disclosure(released(tracker, snaps))
    assert check.protected, check.exposed


def _demo():
    """The tracker ``sparkus demo`` builds (``synthetic_org(5_000, seed=0)``), at its last event."""
    from sparkus.cli._demo import PROGRAM_START, _planning
    from sparkus.datasets import simulate_events, synthetic_org
    from sparkus.metrics import Tracker
    from sparkus.model import schedule_journeys
    from sparkus.triage import triage

    org = synthetic_org(5_000, seed=0)
    triaged = triage(org.population, program=org.program)
    _, plan = _planning(org, triaged)
    kept = np.flatnonzero(np.array([s is not None for s in plan.support]))
    schedule = schedule_journeys(org.program.journey, plan.ids[kept], plan.support[kept],
                                 plan.sessions[kept], start=PROGRAM_START, excess="truncate")  # fmt: skip
    groups = {by: org.population.decode(by).astype(str)[kept] for by in ("department", "level")}
    groups["support_type"] = np.array([s.value for s in plan.support[kept]], dtype=object)
    tracker = Tracker(org.program, schedule, groups=groups)
    tracker.update(simulate_events(schedule, rng=org.seed, readiness=triaged.level[kept]))
    return tracker


def test_a_small_class_keeps_its_width_on_its_required_steps_alone():
    """One release of the demo: three people's 18 required steps keep half their range."""
    # Three Engineering executives on self-guided reflection share every cell. Their class was
    # checked with its optional reflections, which only the funnel counts; its required steps,
    # which the total and the groups count, were left 10 to 18 (the width is 9). The independent
    # attacker (linear programs over every slot; the whole-number programs agree) now finds
    # them 0 to 18.
    tracker = _demo()
    snap = tracker.snapshot(tracker.latest())
    figure = published(tracker, snap)["completion"]
    cells = [(np.asarray(c.members), c.value) for c in figure.cells if c.value is not None]
    schedule = tracker.schedule
    names = {g: (list(n), c) for g, (n, c) in tracker.groups.items()}
    person = np.ones(len(schedule), dtype=bool)
    for grouping, label in (("department", "Engineering"), ("level", "executive"),
                            ("support_type", "self_guided_reflection")):  # fmt: skip
        labels, codes = names[grouping]
        person &= codes == labels.index(label)
    assert person.sum() == 3
    due = np.asarray(figure.cells[0].members)  # the total: the required steps due
    target = due & person[schedule.row.astype(np.intp)]
    assert target.sum() == 18
    low, high = person_range(schedule.n_slots, cells, target, integer=False)
    assert high - low >= 0.5 * 18
