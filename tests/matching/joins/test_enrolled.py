"""Scheduling from a plan enrols only the supported (issue 14)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from sparkus.datasets import synthetic_org
from sparkus.matching import plan_support
from sparkus.model import SupportType, schedule_journeys
from sparkus.triage import triage

ORG = synthetic_org(400, seed=2)
PLAN = plan_support(ORG.population, triage(ORG.population, program=ORG.program), ORG.program,
                    ORG.providers, budget=40_000)  # fmt: skip
START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)


def test_the_plan_excludes_people():
    """The fixture is a real test: the plan leaves people without support."""
    assert 0 < PLAN.supported < PLAN.n


def test_enrolled_schedules_only_the_supported():
    """schedule_journeys(**plan.enrolled()) has a journey for each supported person only."""
    schedule = schedule_journeys(ORG.program.journey, **PLAN.enrolled(), start=START,
                                 excess="truncate")  # fmt: skip
    supported = np.array([s is not None for s in PLAN.support])
    assert len(schedule) == PLAN.supported
    assert set(schedule.ids.tolist()) == set(PLAN.ids[supported].tolist())


def test_enrolled_keeps_each_persons_support_and_sessions():
    """Each enrolled person's support type and sessions are the plan's, in the plan's order."""
    out = PLAN.enrolled()
    assert list(out) == ["ids", "support", "sessions"]
    rows = np.flatnonzero(np.array([s is not None for s in PLAN.support]))
    np.testing.assert_array_equal(out["ids"], PLAN.ids[rows])
    assert all(isinstance(s, SupportType) for s in out["support"].tolist())
    assert out["support"].tolist() == PLAN.support[rows].tolist()
    np.testing.assert_array_equal(out["sessions"], PLAN.sessions[rows])


def test_enrolled_copies():
    """Changing what enrolled() returns leaves the plan alone."""
    out = PLAN.enrolled()
    before = PLAN.sessions.copy()
    out["sessions"][:] = 99
    np.testing.assert_array_equal(PLAN.sessions, before)
