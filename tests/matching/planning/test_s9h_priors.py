"""EffectPriors.update: tiny standard errors and support types given in two spellings."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from sparkus import SchemaError
from sparkus.matching import EffectPriors
from sparkus.model import SupportType


def _closed_form(m: float, s0: float, tau: float, y: float, s: float) -> tuple[float, float]:
    """The conjugate posterior's mean and sd, exactly (Fraction), rounded once to float."""
    v0 = Fraction(s0) ** 2 + Fraction(tau) ** 2
    v1 = Fraction(s) ** 2
    precision = 1 / v0 + 1 / v1
    mean = (Fraction(m) / v0 + Fraction(y) / v1) / precision
    variance = 1 / precision
    with localcontext() as ctx:
        ctx.prec = 60
        sd = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    return float(mean), float(sd)


@pytest.mark.parametrize(
    ("prior_se", "tau", "effect", "se"),
    [
        (None, 0.0, 0.3, 1e-160),  # 1/se**2 overflowed: "effect: nan is not finite"
        (None, 0.0, 0.3, 1e-200),  # se**2 underflowed to 0: the update took the estimate as exact
        (None, 0.3, -0.7, 1e-155),
        (1e-170, 0.0, 0.9, 0.05),  # a near-certain prior, the other way round
        (1e-170, 1e-180, 0.9, 1e-175),
        (100.0, 100.0, 99.0, 100.0),
        (None, 0.0, 0.25, 0.05),
    ],
)
def test_update_matches_the_exact_closed_form(
    prior_se: float | None, tau: float, effect: float, se: float
) -> None:
    """The posterior equals the precision-weighted mean computed exactly, for any se."""
    priors = EffectPriors()
    if prior_se is not None:
        priors = priors.with_estimate(SupportType.COACHING, 0.4, prior_se, source="test")
    prior = priors.priors[SupportType.COACHING]
    new = priors.update({SupportType.COACHING: (effect, se)}, tau=tau).priors[SupportType.COACHING]
    mean, sd = _closed_form(prior.effect, prior.se, tau, effect, se)
    assert math.isclose(new.effect, mean, rel_tol=4e-16, abs_tol=1e-300)
    assert math.isclose(new.se, sd, rel_tol=4e-16)
    assert new.se > 0.0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("coaching", SupportType.COACHING),
        ("Coaching", "coaching"),
        (SupportType.COACHING, "COACHING"),
    ],
)
def test_update_refuses_one_support_type_under_two_keys(first: object, second: object) -> None:
    """Two spellings of one support type in `estimates` are refused, naming both keys."""
    estimates = {first: (0.9, 0.05), second: (0.1, 0.05)}
    with pytest.raises(SchemaError, match="both name the support type 'coaching'") as info:
        EffectPriors().update(estimates)
    shown = {
        k: f"SupportType.{k.name}" if isinstance(k, SupportType) else repr(k) for k in estimates
    }
    assert shown[first] in str(info.value)
    assert shown[second] in str(info.value)


def test_tau_mapping_reads_text_keys_and_refuses_two_spellings() -> None:
    """A `tau` mapping keyed by text applies; two keys for one type or an unknown key are refused."""
    priors = EffectPriors()
    estimate = {SupportType.COACHING: (0.1, 0.05)}
    by_member = priors.update(estimate, tau={SupportType.COACHING: 0.3})
    by_text = priors.update(estimate, tau={"Coaching": 0.3})
    assert by_text == by_member
    assert by_text != priors.update(estimate)
    with pytest.raises(SchemaError, match=r"'coaching' and SupportType\.COACHING both name"):
        priors.update(estimate, tau={"coaching": 0.3, SupportType.COACHING: 0.0})
    with pytest.raises(SchemaError, match=r"tau: 'coachnig' is not one of"):
        priors.update(estimate, tau={"coachnig": 0.3})
