"""Expected-effect priors: the default table, its sources, validation and replacement."""

import math

import pytest

from sparkus import SchemaError
from sparkus.matching import EffectPrior, EffectPriors
from sparkus.model import SupportType, from_json, to_json
from sparkus.triage import ReadinessLevel


def test_default_table_covers_every_support_type_with_a_source():
    """Every support type has a prior, sessions and a source."""
    priors = EffectPriors()
    assert set(priors.priors) == set(SupportType)
    for prior in priors.priors.values():
        assert prior.source
        assert prior.se > 0
    assert priors.priors[SupportType.SELF_GUIDED_REFLECTION].sessions == 0


def test_coaching_prior_rests_on_the_meta_analyses():
    """Coaching sits between Jones et al. (0.36) and de Haan & Nilsson (0.59), citing both."""
    coaching = EffectPriors().priors[SupportType.COACHING]
    assert 0.36 <= coaching.effect <= 0.59
    low, high = coaching.effect - 1.96 * coaching.se, coaching.effect + 1.96 * coaching.se
    assert low <= 0.36
    assert high >= 0.42
    for source in ("Jones", "Burt & Talati", "de Haan & Nilsson"):
        assert source in coaching.source


def test_human_support_ranks_above_self_guided_and_team_evidence_is_called_thin():
    """Self-guided is the smallest effect; team coaching says its evidence is thin."""
    priors = EffectPriors().priors
    smallest = min(priors, key=lambda s: priors[s].effect)
    assert smallest is SupportType.SELF_GUIDED_REFLECTION
    assert "thin" in priors[SupportType.TEAM_COACHING].source
    assert "Eby" in priors[SupportType.MENTORING].source
    assert "No workplace meta-analysis" in priors[SupportType.PEER_SUPPORT].source


@pytest.mark.parametrize(
    ("args", "location"),
    [
        ((math.nan, 0.1, 6, "x"), "effect"),
        ((math.inf, 0.1, 6, "x"), "effect"),
        ((0.3, -0.1, 6, "x"), "se"),
        ((0.3, 0.1, -1, "x"), "sessions"),
        ((0.3, 0.1, 6, ""), "source"),
    ],
)
def test_bad_prior_is_a_schema_error(args, location):
    """NaN or infinite effects, negative se or sessions, empty sources are refused."""
    with pytest.raises(SchemaError) as info:
        EffectPrior(*args)
    assert [p.location for p in info.value.problems] == [location]


def test_modifier_must_cover_every_readiness_level():
    """A readiness modifier missing a level is an error naming it."""
    with pytest.raises(SchemaError) as info:
        EffectPriors(readiness_modifier={ReadinessLevel.READY: 1.0})
    assert "readiness_modifier.resistant" in [p.location for p in info.value.problems]


def test_unknown_support_type_is_refused():
    """A prior keyed by something that is not a SupportType is an error listing the types."""
    with pytest.raises(SchemaError, match="coaching, mentoring"):
        EffectPriors({"hypnosis": EffectPrior(0.3, 0.1, 6, "x")})


def test_with_estimate_replaces_one_prior_and_leaves_the_table():
    """with_estimate returns a new table; the original is unchanged."""
    priors = EffectPriors()
    ours = priors.with_estimate(SupportType.COACHING, 0.25, 0.05, source="2025 cohort")
    assert ours.priors[SupportType.COACHING] == EffectPrior(0.25, 0.05, 6, "2025 cohort")
    assert priors.priors[SupportType.COACHING].effect == 0.4
    assert ours.priors[SupportType.MENTORING] == priors.priors[SupportType.MENTORING]
    with pytest.raises(SchemaError, match="effect"):
        priors.with_estimate(SupportType.COACHING, math.nan, 0.05, source="bad")


def test_priors_round_trip_through_json():
    """The priors are data: they serialise and read back unchanged."""
    priors = EffectPriors(
        readiness_modifier={ReadinessLevel.RESISTANT: 0.0, ReadinessLevel.EMERGING: 0.5,
                            ReadinessLevel.READY: 1.0, ReadinessLevel.HIGHLY_READY: 1.0}
    )  # fmt: skip
    assert from_json(to_json(priors), EffectPriors) == priors


def test_nan_effect_in_json_names_its_path():
    """A NaN effect read from JSON is an error at its path."""
    text = to_json(EffectPriors()).replace('"effect": 0.4', '"effect": NaN')
    with pytest.raises(SchemaError) as info:
        from_json(text, EffectPriors)
    assert "priors.coaching.effect" in [p.location for p in info.value.problems]
