"""The support recommender: a policy table that ranks support types per person, with reasons."""

import json

import attrs
import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import (
    SupportPolicy,
    recommend_support,
)
from sparkus.model import Goal, Level, Season, SupportType, from_json, to_json
from sparkus.triage import ReadinessLevel, triage


@pytest.fixture(scope="module")
def org():
    return synthetic_org(800, seed=9)


@pytest.fixture(scope="module")
def triaged(org):
    return triage(org.population)


@pytest.fixture(scope="module")
def rec(org, triaged):
    return recommend_support(org.population, triaged, org.program)


def test_policy_round_trips_through_json():
    """The policy is data: it serialises and reads back unchanged."""
    policy = SupportPolicy()
    assert from_json(to_json(policy), SupportPolicy) == policy


def test_default_policy_follows_the_method():
    """Human support from 'ready' on; self-guided reflection for anyone; every type has a rule."""
    rules = SupportPolicy().rules
    assert set(rules) == set(SupportType)
    for support, rule in rules.items():
        expected = (
            ReadinessLevel.RESISTANT
            if support is SupportType.SELF_GUIDED_REFLECTION
            else ReadinessLevel.READY
        )
        assert rule.min_readiness is expected
        assert rule.rationale


@pytest.mark.parametrize(
    ("field", "missing", "location"),
    [
        ("seasons", Season.WINTER, "seasons.winter"),
        ("goals", Goal.DIVERSITY_INCLUSION, "goals.diversity_inclusion"),
        ("levels", Level.MANAGER, "levels.manager"),
        ("readiness", ReadinessLevel.EMERGING, "readiness.emerging"),
    ],
)
def test_a_rule_must_cover_every_season_goal_level_and_readiness(field, missing, location):
    """A rule that leaves out a season or a goal (or level, readiness) names it."""
    rule = SupportPolicy().rules[SupportType.COACHING]
    table = {k: v for k, v in getattr(rule, field).items() if k is not missing}
    with pytest.raises(SchemaError, match="does not cover") as info:
        attrs.evolve(rule, **{field: table})
    assert [p.location for p in info.value.problems] == [location]


def test_coverage_error_from_json_has_the_full_path():
    """Read from JSON, a policy without a season names rules.<support>.seasons.<season>."""
    data = json.loads(to_json(SupportPolicy()))
    del data["rules"]["mentoring"]["seasons"]["autumn"]
    with pytest.raises(SchemaError) as info:
        from_json(json.dumps(data), SupportPolicy)
    assert "rules.mentoring.seasons.autumn" in [p.location for p in info.value.problems]


def test_unknown_support_type_in_policy_is_refused():
    """A rule keyed by an unknown support type is an error listing the known ones."""
    rule = SupportPolicy().rules[SupportType.COACHING]
    with pytest.raises(SchemaError, match="is not one of coaching"):
        SupportPolicy({"hypnosis": rule})


def test_scores_are_the_policy_sum(org, triaged, rec):
    """A score is the mean goal fit plus season, level and readiness fit."""
    policy = SupportPolicy()
    i = int(np.flatnonzero(triaged.level == ReadinessLevel.READY.rank)[0])
    level = list(Level)[int(org.population["level"][i])]
    for k, support in enumerate(rec.support_types):
        rule = policy.rules[support]
        expected = (
            np.mean([rule.goals[g] for g in org.program.goals])
            + rule.seasons[org.program.season]
            + rule.levels[level]
            + rule.readiness[ReadinessLevel.READY]
        )
        assert rec.scores[i, k] == pytest.approx(expected)


def test_readiness_rules_support_out(triaged, rec):
    """The resistant and the emerging are never recommended human support."""
    human = [
        k for k, s in enumerate(rec.support_types) if s is not SupportType.SELF_GUIDED_REFLECTION
    ]
    unready = triaged.level <= ReadinessLevel.EMERGING.rank
    assert np.all(np.isnan(rec.scores[np.ix_(unready, human)]))
    assert set(rec.top[unready]) == {SupportType.SELF_GUIDED_REFLECTION}


def test_ranking_is_by_score(rec):
    """Rankings list suitable types best first, then -1 for the ruled out."""
    for i in range(0, rec.n, 37):
        ranked = [int(k) for k in rec.ranking[i] if k >= 0]
        scores = rec.scores[i, ranked]
        assert np.all(np.diff(scores) <= 0)
        assert len(ranked) == int(np.sum(~np.isnan(rec.scores[i])))


def test_reasons_explain_each_support_type(rec, triaged):
    """Each person gets reasons for every type: scored parts, or why it is ruled out."""
    ready = rec.ids[triaged.level == ReadinessLevel.READY.rank][0]
    reasons = rec.reasons(str(ready))
    assert list(reasons) == [rec.support_types[k] for k in rec.ranking[rec.ids == ready][0]]
    first = next(iter(reasons.values()))
    assert first[0].startswith("score ")
    assert any(r.startswith("season spring") for r in first)
    resistant = rec.ids[triaged.level == ReadinessLevel.RESISTANT.rank][0]
    why = rec.reasons(str(resistant))[SupportType.COACHING]
    expected = "ruled out: readiness 'resistant' is below the policy's minimum 'ready' for coaching"
    assert why == (expected,)
    with pytest.raises(SchemaError, match="person_id"):
        rec.reasons("nobody")


def test_a_custom_policy_changes_the_ranking(org, triaged):
    """Raising mentoring's fit makes it the first choice of the ready."""
    policy = SupportPolicy()
    mentoring = attrs.evolve(policy.rules[SupportType.MENTORING],
                             seasons=dict.fromkeys(Season, 5.0))  # fmt: skip
    custom = SupportPolicy({**policy.rules, SupportType.MENTORING: mentoring})
    rec = recommend_support(org.population, triaged, org.program, policy=custom)
    ready = triaged.level == ReadinessLevel.READY.rank
    assert set(rec.top[ready]) == {SupportType.MENTORING}


def test_policy_without_a_type_never_recommends_it(org, triaged):
    """A support type without a rule is not ranked."""
    rules = {s: r for s, r in SupportPolicy().rules.items() if s is not SupportType.COACHING}
    rec = recommend_support(org.population, triaged, org.program, policy=SupportPolicy(rules))
    assert SupportType.COACHING not in rec.support_types
    assert SupportType.COACHING not in set(rec.top)


def test_the_policy_table_reads(org):
    """The policy prints as a table for the program's goals and season."""
    text = SupportPolicy().table(org.program)
    assert "min readiness" in text
    assert "self_guided_reflection" in text


def test_result_prints_and_serialises(rec):
    """repr is one line; summary counts first choices; to_dict is JSON."""
    assert repr(rec).startswith(f"SupportRecommendation(n={rec.n}, most often first=")
    assert "Recommended support, by readiness" in rec.summary()
    json.dumps(rec.to_dict())


def test_bad_arguments_are_schema_errors(org, triaged):
    """Wrong types and a triage of another population are SchemaErrors naming the argument."""
    with pytest.raises(SchemaError) as info:
        recommend_support("people", triaged, org.program, policy="default")
    assert {p.location for p in info.value.problems} == {"population", "policy"}
    other = triage(synthetic_org(100, seed=1).population)
    with pytest.raises(SchemaError, match=r"triage\.ids"):
        recommend_support(org.population, other, org.program)
