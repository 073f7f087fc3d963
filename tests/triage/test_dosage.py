"""The dosage policy: sessions and reflection per level, with level and goal extras."""

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.model import Goal, Level, from_json, to_json
from sparkus.triage import DosagePolicy, ReadinessLevel


def test_default_policy_follows_the_method():
    """Resistant: nothing; emerging: reflection only; ready 6 and highly ready 4 sessions."""
    sessions, share = DosagePolicy().dose([0, 1, 2, 3, -1], [3, 3, 3, 3, 3])
    assert sessions.tolist() == [0, 0, 6, 4, 0]
    assert share.tolist() == [0.0, 1.0, 0.3, 0.3, 0.0]


def test_extras_apply_only_to_people_with_sessions():
    """Level and goal extras add to a non-zero base; the largest goal extra counts."""
    policy = DosagePolicy(
        level_extra={Level.EXECUTIVE: 2},
        goal_extra={Goal.TRANSFORMATION_READINESS: 1, Goal.LEADERSHIP_DEVELOPMENT: 3},
    )
    goals = (Goal.TRANSFORMATION_READINESS, Goal.LEADERSHIP_DEVELOPMENT)
    sessions, _ = policy.dose([2, 1, 3], [Level.EXECUTIVE.rank, Level.EXECUTIVE.rank, 3], goals)
    assert sessions.tolist() == [6 + 2 + 3, 0, 4 + 3]


def test_policy_must_cover_every_level():
    """A policy table missing a readiness level is an error naming it."""
    with pytest.raises(SchemaError) as info:
        DosagePolicy(sessions={ReadinessLevel.READY: 6})
    assert "sessions.resistant" in [p.location for p in info.value.problems]


def test_policy_rejects_bad_values():
    """Negative sessions and shares outside [0, 1] are errors with their paths."""
    bad = dict.fromkeys(ReadinessLevel, 1)
    bad[ReadinessLevel.READY] = -1
    with pytest.raises(SchemaError, match=r"sessions\.ready"):
        DosagePolicy(sessions=bad)
    with pytest.raises(SchemaError, match=r"reflection_share\.emerging"):
        DosagePolicy(
            reflection_share={**dict.fromkeys(ReadinessLevel, 0.5), ReadinessLevel.EMERGING: 1.5}
        )


def test_policy_round_trips_through_json():
    """The policy is data: it serialises and reads back unchanged."""
    policy = DosagePolicy(level_extra={Level.EXECUTIVE: 2}, full_sessions=8)
    assert from_json(to_json(policy), DosagePolicy) == policy


def test_dose_does_not_mutate_inputs():
    """dose() leaves the caller's arrays alone."""
    readiness = np.array([0, 1, 2, 3])
    level = np.array([0, 1, 2, 3])
    DosagePolicy().dose(readiness, level)
    assert readiness.tolist() == [0, 1, 2, 3]
    assert level.tolist() == [0, 1, 2, 3]
