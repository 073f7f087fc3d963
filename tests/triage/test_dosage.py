"""The dosage policy: sessions and reflection per level, with level and goal extras."""

import attrs
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


# ---- fuzz report 3: a bound on sessions, and a full dose of at least one session -------------


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"sessions": dict.fromkeys(ReadinessLevel, 10**30)}, "sessions.resistant"),
        ({"sessions": dict.fromkeys(ReadinessLevel, 1_001)}, "sessions.ready"),
        (
            {"level_extra": {Level.INDIVIDUAL_CONTRIBUTOR: 2**62}},
            "level_extra.individual_contributor",
        ),
        ({"goal_extra": {Goal.LEADERSHIP_DEVELOPMENT: 1_001}}, "goal_extra.leadership_development"),
        ({"full_sessions": 1_001}, "full_sessions"),
        ({"full_sessions": 0}, "full_sessions"),
    ],
)
def test_session_counts_beyond_the_limit_are_refused(kwargs, where):
    """Sessions and extras above 1,000, and a full dose outside 1-1,000, are refused by path."""
    with pytest.raises(SchemaError) as info:
        DosagePolicy(**kwargs)
    assert where in [p.location for p in info.value.problems]
    assert "1000" in str(info.value)


def test_the_largest_policy_gives_finite_positive_totals():
    """At the limit (1,000 sessions plus two extras of 1,000) sessions and costs stay positive."""
    from sparkus.datasets import synthetic_org
    from sparkus.triage import triage

    org = synthetic_org(300, seed=2)
    policy = DosagePolicy(
        sessions=dict.fromkeys(ReadinessLevel, 1_000),
        level_extra=dict.fromkeys(Level, 1_000),
        goal_extra=dict.fromkeys(Goal, 1_000),
        full_sessions=1_000,
    )
    result = triage(org.population, policy=policy, program=org.program)
    assessed = result.level >= 0
    assert (result.sessions[assessed] == 3_000).all()
    assert result.sessions_needed == 3_000 * int(assessed.sum())
    assert result.session_saving == pytest.approx(1 - 3 * assessed.mean())
    assert result.cost is not None
    assert result.cost > 0
    assert np.isfinite(result.cost)


def test_the_saving_of_a_full_dose_of_no_sessions_is_not_stated():
    """A hand-built result with full_sessions=0 has no saving (NaN), never a silent 0."""
    from sparkus.datasets import synthetic_org
    from sparkus.triage import triage

    result = triage(synthetic_org(40, seed=2).population)
    assert np.isnan(attrs.evolve(result, full_sessions=0).session_saving)
