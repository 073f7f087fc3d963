"""EffectPriors.update season after season: a local prior takes no tau twice; tau checked whole."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from sparkus import SchemaError
from sparkus.matching import EffectPrior, EffectPriors
from sparkus.model import SupportType, from_json, to_json

MENTORING = SupportType.MENTORING


def _combined(
    m: float, s0: float, tau: float, estimates: list[tuple[float, float]]
) -> tuple[float, float]:
    """The normal-normal posterior of N(m, s0² + tau²) and every estimate, exactly, rounded once.

    The closed form (Gelman et al., Bayesian Data Analysis, 3rd ed., eq. 2.12 extended to
    several observations): precision ``1 / v0 + sum(1 / s_i²)``, mean the precision-weighted
    mean of the prior mean and the estimates; computed in Fractions, the sd in 60-digit Decimal.
    """
    v0 = Fraction(s0) ** 2 + Fraction(tau) ** 2
    precision = 1 / v0 + sum(1 / Fraction(s) ** 2 for _, s in estimates)
    total = Fraction(m) / v0 + sum(Fraction(y) / Fraction(s) ** 2 for y, s in estimates)
    variance = 1 / precision
    with localcontext() as ctx:
        ctx.prec = 60
        sd = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    return float(total / precision), float(sd)


@pytest.mark.parametrize(
    ("tau", "estimates"),
    [
        (0.1, [(0.27, 0.06), (0.18, 0.09)]),  # before: 0.2098 one way, 0.2542 the other (0.2367)
        (0.3, [(0.9, 0.05), (-0.2, 0.4), (0.35, 0.1)]),
        (0.0, [(0.3, 0.05), (0.2, 0.1)]),
    ],
)
@pytest.mark.parametrize("order", [1, -1])
def test_season_after_season_equals_one_combined_update(
    tau: float, estimates: list[tuple[float, float]], order: int
) -> None:
    """Sequential updates with the same tau give the combined closed form, in any order."""
    published = EffectPriors()
    prior = published.priors[MENTORING]
    priors = published
    for pair in estimates[::order]:
        priors = priors.update({"Mentoring": pair}, tau=tau)
    got = priors.priors[MENTORING]
    mean, sd = _combined(prior.effect, prior.se, tau, estimates)
    assert math.isclose(got.effect, mean, rel_tol=1e-14)
    assert math.isclose(got.se, sd, rel_tol=1e-14)
    assert got.local
    assert from_json(to_json(priors), EffectPriors) == priors


@pytest.mark.parametrize("made", ["record", "with_estimate"])
def test_a_local_prior_takes_no_tau(made: str) -> None:
    """A prior marked local (or one's own estimate) updates with its own se alone."""
    if made == "record":
        local = EffectPrior(0.3, 0.05, 6, "our 2025 cohort", local=True)
        priors = EffectPriors(priors={MENTORING: local})
    else:
        priors = EffectPriors().with_estimate(
            "mentoring", 0.3, 0.05, source="our 2025 cohort", local=True
        )
    got = priors.update({MENTORING: (0.1, 0.05)}, tau=0.5).priors[MENTORING]
    mean, sd = _combined(0.3, 0.05, 0.0, [(0.1, 0.05)])  # equal precisions: the midpoint
    assert (got.effect, got.se) == pytest.approx((mean, sd), rel=1e-15)
    assert "local: no tau" in got.source


@pytest.mark.parametrize(
    ("estimates", "tau", "location"),
    [
        ({}, -1.0, "tau"),  # no estimate: tau was never read
        ({}, "0.1", "tau"),
        ({MENTORING: (0.3, 0.05)}, {"coaching": -0.1}, "tau.coaching"),  # a type not updated
        ({}, {"Peer Support": math.nan}, "tau.peer_support"),
    ],
)
def test_tau_is_checked_whole(
    estimates: dict[SupportType, tuple[float, float]], tau: object, location: str
) -> None:
    """A bad tau, or a bad value of a tau mapping for any type, is refused, not ignored."""
    with pytest.raises(SchemaError) as info:
        EffectPriors().update(estimates, tau=tau)  # type: ignore[arg-type]
    assert [p.location for p in info.value.problems] == [location]
