"""Expected-effect priors: the default table, its sources, validation and replacement."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# --- update: the normal-normal conjugate combination (issue 15) ---------------------------


def _closed_form(m, se, tau, y, s):
    """Reference: the conjugate normal update written out independently (Gelman et al., BDA3,
    eq. 2.12: posterior precision = prior precision + data precision; mean = their weighted
    average), with the random-effects predictive prior N(m, se^2 + tau^2)."""
    prior_precision = 1 / (se * se + tau * tau)
    data_precision = 1 / (s * s)
    precision = prior_precision + data_precision
    return (prior_precision * m + data_precision * y) / precision, precision**-0.5


@pytest.mark.parametrize(
    ("y", "s", "tau"),
    [(0.25, 0.05, 0.0), (0.25, 0.05, 0.1), (0.9, 0.3, 0.2), (-0.1, 0.02, 0.15)],
)
def test_update_equals_the_conjugate_closed_form(y, s, tau):
    """Posterior precision is the sum of precisions, the mean precision-weighted."""
    priors = EffectPriors()
    coaching = priors.priors[SupportType.COACHING]
    new = priors.update({SupportType.COACHING: (y, s)}, tau=tau).priors[SupportType.COACHING]
    mean, se = _closed_form(coaching.effect, coaching.se, tau, y, s)
    assert new.effect == pytest.approx(mean, rel=1e-12, abs=1e-15)
    assert new.se == pytest.approx(se, rel=1e-12)
    assert new.sessions == coaching.sessions


def test_update_by_hand_numbers():
    """0.40 (se 0.09, tau 0.1) and 0.25 (se 0.05): v0 = 0.0181, v1 = 0.0025; by hand,
    (0.4/0.0181 + 0.25/0.0025) / (1/0.0181 + 400) = 0.26820388..."""
    new = EffectPriors().update({SupportType.COACHING: (0.25, 0.05)}, tau=0.1)
    assert new.priors[SupportType.COACHING].effect == pytest.approx(0.2682038835, abs=1e-10)


def test_update_reads_an_estimate_and_names_both_sources():
    """A metrics Estimate is read by its estimate and se; the source names prior and estimate."""
    from sparkus.metrics import cohens_d

    rng = np.random.default_rng(3)
    est = cohens_d(rng.normal(0.3, 1, 80), rng.normal(0, 1, 80))
    new = EffectPriors().update({SupportType.MENTORING: est}, source="2025 cohort, Cohen's d")
    pair = EffectPriors().update({SupportType.MENTORING: (est.estimate, est.se)})
    assert new.priors[SupportType.MENTORING].effect == pair.priors[SupportType.MENTORING].effect
    text = new.priors[SupportType.MENTORING].source
    assert "Eby" in text
    assert "2025 cohort, Cohen's d" in text


def test_no_estimate_leaves_the_priors_unchanged():
    """An empty mapping returns an equal table; types without an estimate keep their prior."""
    priors = EffectPriors()
    assert priors.update({}) == priors
    new = priors.update({SupportType.COACHING: (0.2, 0.1)})
    assert new.priors[SupportType.MENTORING] == priors.priors[SupportType.MENTORING]
    assert priors.priors[SupportType.COACHING].effect == 0.4


@given(
    y=st.floats(-2, 2),
    s=st.floats(1e-6, 1e-4),
    tau=st.floats(0, 0.5),
)
def test_a_very_precise_estimate_dominates(y, s, tau):
    """With an se far below the prior's spread, the posterior is all but the estimate."""
    new = EffectPriors().update({SupportType.PEER_SUPPORT: (y, s)}, tau=tau)
    post = new.priors[SupportType.PEER_SUPPORT]
    assert post.effect == pytest.approx(y, abs=1e-5)
    assert post.se <= s


@given(y=st.floats(-2, 2), s=st.floats(0.01, 1), tau=st.floats(0, 1))
def test_posterior_lies_between_and_is_tighter(y, s, tau):
    """The posterior mean lies between prior and estimate; its se is below both spreads."""
    prior = EffectPriors().priors[SupportType.TEAM_COACHING]
    post = EffectPriors().update({SupportType.TEAM_COACHING: (y, s)}, tau=tau)
    post = post.priors[SupportType.TEAM_COACHING]
    low, high = sorted((prior.effect, y))
    assert low - 1e-12 <= post.effect <= high + 1e-12
    assert post.se <= min(s, math.hypot(prior.se, tau)) + 1e-15


def test_tau_per_support_type_and_widening():
    """A larger tau widens the prior, so the estimate weighs more."""
    est = {SupportType.COACHING: (0.1, 0.1)}
    narrow = EffectPriors().update(est).priors[SupportType.COACHING].effect
    wide = EffectPriors().update(est, tau={SupportType.COACHING: 0.3})
    assert abs(wide.priors[SupportType.COACHING].effect - 0.1) < abs(narrow - 0.1)


@pytest.mark.parametrize(
    ("estimates", "kwargs", "location"),
    [
        ([(0.1, 0.1)], {}, "estimates"),
        ({"coach": (0.1, 0.1)}, {}, "estimates"),
        ({SupportType.COACHING: 0.1}, {}, "estimates.coaching"),
        ({SupportType.COACHING: (math.nan, 0.1)}, {}, "estimates.coaching.effect"),
        ({SupportType.COACHING: (0.1, -1.0)}, {}, "estimates.coaching.se"),
        ({SupportType.COACHING: (0.1, 0.1)}, {"tau": -0.1}, "tau"),
        ({SupportType.COACHING: (0.1, 0.1)}, {"tau": {SupportType.COACHING: math.inf}}, "tau"),
    ],
)
def test_update_bad_input_is_a_schema_error(estimates, kwargs, location):
    """Bad estimates or tau are refused, naming where."""
    with pytest.raises(SchemaError) as info:
        EffectPriors().update(estimates, **kwargs)
    assert location in str(info.value)


def test_update_refuses_an_estimate_on_the_outcome_scale():
    """An ANCOVA difference is on the outcome's scale, not standardised: refused, named."""
    from sparkus.metrics import welch_ttest

    rng = np.random.default_rng(4)
    raw = welch_ttest(rng.normal(3.5, 1, 50), rng.normal(3.0, 1, 50))
    with pytest.raises(SchemaError, match=r"estimates\.coaching\.measure"):
        EffectPriors().update({SupportType.COACHING: raw})
