"""An assignment flows into the journeys and the dashboard (issue 14).

Before, a ``Journey`` had no provider: who coaches whom never reached the schedule or the
dashboard. Now ``plan.enrolled(assignments)`` carries each supported person's provider into
``schedule_journeys``, each journey knows its provider, and the tracker reports by provider
under the privacy rule (a provider with fewer than ``min_group_size`` participants is hidden).
"""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import simulate_events, synthetic_org
from sparkus.matching import assign, candidate_matrix, plan_support
from sparkus.metrics import Tracker
from sparkus.model import (
    Journey,
    Step,
    StepKind,
    SupportType,
    from_json,
    schedule_journeys,
    to_json,
)
from sparkus.triage import triage

ORG = synthetic_org(1_000, seed=3)
PLAN = plan_support(ORG.population, triage(ORG.population, program=ORG.program), ORG.program,
                    ORG.providers)  # fmt: skip
START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)


def _matched(support: SupportType):
    members = PLAN.support == support
    cm = candidate_matrix(ORG.population, ORG.providers, members=members,
                          support_type=support.value, k=5, program=ORG.program)  # fmt: skip
    return assign(cm)


COACHING = _matched(SupportType.COACHING)
MENTORING = _matched(SupportType.MENTORING)
ENROLLED = PLAN.enrolled([COACHING, MENTORING])
SCHEDULE = schedule_journeys(ORG.program.journey, **ENROLLED, start=START, excess="truncate")


def test_enrolled_carries_each_persons_provider():
    """Every placed pair of both assignments is in `provider`; everyone else has None."""
    pairs = {**COACHING.pairs(), **MENTORING.pairs()}
    assert len(pairs) == COACHING.n_assigned + MENTORING.n_assigned > 0
    got = dict(zip(ENROLLED["ids"].tolist(), ENROLLED["provider"].tolist(), strict=True))
    assert {k: v for k, v in got.items() if v is not None} == pairs
    assert "provider" not in PLAN.enrolled()


def test_each_journey_knows_its_provider():
    """The schedule holds the provider per participant, and each Journey record too."""
    person, coach = next(iter(COACHING.pairs().items()))
    journey = SCHEDULE.journey(str(person))
    assert journey.provider_id == coach
    assert journey.support_type is SupportType.COACHING
    reflecting = ENROLLED["ids"][ENROLLED["support"] == SupportType.SELF_GUIDED_REFLECTION][0]
    assert SCHEDULE.journey(str(reflecting)).provider_id is None
    labels = SCHEDULE.provider_labels()
    assert set(labels.tolist()) == set(pairs_values()) | {"no provider"}


def pairs_values():
    return [*COACHING.pairs().values(), *MENTORING.pairs().values()]


def test_the_dashboard_reports_by_provider_under_the_privacy_rule():
    """A provider grouping appears; providers with fewer than min_group_size are hidden."""
    tracker = Tracker(ORG.program, SCHEDULE)
    assert "provider" in tracker.groups
    tracker.update(simulate_events(SCHEDULE, rng=0))
    snap = tracker.snapshot(as_of=dt.datetime(2027, 4, 1, tzinfo=dt.UTC))
    rows = snap.groups["provider"]
    shown = {r.group: r for r in rows}
    sizes = dict(zip(*np.unique(SCHEDULE.provider_labels(), return_counts=True), strict=True))
    k = ORG.program.min_group_size
    small = {name for name, size in sizes.items() if size < k}
    assert small, "the fixture needs a provider below the minimum group size"
    hidden = {s["group"] for s in snap.suppressed if s["grouping"] == "provider"}
    assert small <= hidden
    for name, row in shown.items():
        if name not in hidden:
            assert row.participants == sizes[name] >= k
    assert not (small & {n for n, r in shown.items() if r.participants is not None})


def test_a_grouping_named_provider_wins():
    """The caller's own "provider" grouping is kept as given."""
    mine = np.where(SCHEDULE.provider == "", "internal", "external")
    tracker = Tracker(ORG.program, SCHEDULE, groups={"provider": mine})
    assert sorted(tracker.groups["provider"][0]) == ["external", "internal"]


def test_a_schedule_without_providers_has_no_provider_grouping():
    """Nothing changes for a schedule made without providers."""
    plain = schedule_journeys(ORG.program.journey, **PLAN.enrolled(), start=START,
                              excess="truncate")  # fmt: skip
    assert "provider" not in Tracker(ORG.program, plain).groups
    assert plain.journey(str(plain.ids[0])).provider_id is None


def test_provider_errors_name_the_field():
    """A provider for someone without support, an unknown id, a bad value: typed errors."""
    template = ORG.program.journey
    with pytest.raises(SchemaError) as error:
        schedule_journeys(template, ["a", "b"], ["coaching", None], start=START,
                          provider=["c1", "c2"])  # fmt: skip
    assert [p.location for p in error.value.problems] == ["provider[1]"]
    with pytest.raises(SchemaError) as error:
        schedule_journeys(template, ["a"], ["coaching"], start=START, provider={"zed": "c1"})
    assert [p.location for p in error.value.problems] == ["provider.zed"]
    with pytest.raises(SchemaError, match=r"provider\[0\]"):
        schedule_journeys(template, ["a"], ["coaching"], start=START, provider=[" c1"])
    with pytest.raises(SchemaError, match="provider"):
        schedule_journeys(template, ["a"], ["coaching"], start=START, provider=["c1", "c2"])
    with pytest.raises(SchemaError, match="provider_id"):
        Journey("e1", START, (Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),),
                provider_id="c1")  # fmt: skip


def test_enrolled_refuses_a_bad_assignment():
    """Someone placed but not supported, placed twice, or a cost-matrix assignment."""
    with pytest.raises(SchemaError, match=r"assignments\[1\]"):
        PLAN.enrolled([COACHING, COACHING])
    with pytest.raises(SchemaError, match="assignments"):
        PLAN.enrolled("coaching")
    with pytest.raises(SchemaError, match="candidate_matrix"):
        PLAN.enrolled(assign(np.array([[0.1]]), capacity=1))
    cm = candidate_matrix(ORG.population, ORG.providers, members=PLAN.support == None,
                          support_type="coaching", k=5, program=ORG.program)  # fmt: skip
    with pytest.raises(SchemaError, match="does not support"):
        PLAN.enrolled(assign(cm))


def test_the_provider_is_in_the_fingerprint_and_json():
    """Two schedules differing only by provider differ; a Journey round-trips its provider."""
    plain = schedule_journeys(ORG.program.journey, **PLAN.enrolled(), start=START,
                              excess="truncate")  # fmt: skip
    assert plain.fingerprint != SCHEDULE.fingerprint
    journey = SCHEDULE.journey(str(next(iter(COACHING.pairs()))))
    assert from_json(to_json(journey), Journey) == journey


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["c1", "c2", "m9"])), min_size=1,
                max_size=12))  # fmt: skip
def test_a_mapping_and_a_list_give_the_same_schedule(providers):
    """provider as one per id or as a mapping by id: the same journeys, in any key order."""
    n = len(providers)
    ids = [f"p{i}" for i in range(n)]
    support = ["coaching"] * n
    as_list = schedule_journeys(ORG.program.journey, ids, support, start=START,
                                provider=providers)  # fmt: skip
    mapping = {i: p for i, p in zip(ids, providers, strict=True) if p is not None}
    reversed_map = dict(reversed(list(mapping.items())))
    as_map = schedule_journeys(ORG.program.journey, ids, support, start=START,
                               provider=reversed_map)  # fmt: skip
    assert as_list.fingerprint == as_map.fingerprint
    assert [as_list.journey(i).provider_id for i in ids] == providers
    given_list = list(providers)
    schedule_journeys(ORG.program.journey, ids, support, start=START, provider=given_list)
    assert given_list == providers  # not mutated


def test_the_journey_record_keeps_its_other_checks():
    """A provider on a journey with support is fine; the record stays frozen and checked."""
    steps = (Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),)
    journey = Journey("e1", START, steps, SupportType.COACHING, "c1")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        journey.provider_id = "c2"  # type: ignore[misc]
