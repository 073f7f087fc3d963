"""The power of a huge noncentrality is computed, not assumed 1; a power is never below alpha."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from sparkus.metrics import mde, power

ALPHA = 1e-12
# With one d.f. (two pairs) the t is Cauchy: P(|T| > c) = alpha at c = cot(pi alpha / 2), here
# 6.4e11. T = (Z + nc) / |Z'|, and for nc of 1e11 and more Z moves nc by under 1e-10 of itself,
# so the power is P(|Z'| < nc / c) = 2 Phi(nc / c) - 1 (a closed form, to 1e-10).
CRITICAL = 1.0 / math.tan(math.pi * ALPHA / 2.0)


def _closed_form(effect: float) -> float:
    return float(2.0 * stats.norm.cdf(effect * math.sqrt(2.0) / CRITICAL) - 1.0)


@pytest.mark.parametrize("effect", [7.1e11, 2e12])
def test_power_of_a_huge_noncentrality_with_one_df(effect: float) -> None:
    """nc = 1e12 against a critical value of 6.4e11 has a power of 0.885, not 1."""
    value = power(effect, 2, alpha=ALPHA, design="pre-post")
    assert value == pytest.approx(_closed_form(effect), abs=1e-9)


def test_mde_with_one_df_reaches_its_power() -> None:
    """The minimum detectable effect solves the power, nc = c Phi^-1((1 + power) / 2)."""
    target = 0.999999
    effect = mde(2, alpha=ALPHA, power=target, design="pre-post")
    expected = CRITICAL * float(stats.norm.isf((1.0 - target) / 2.0)) / math.sqrt(2.0)
    assert effect == pytest.approx(expected, rel=1e-9)
    assert power(effect, 2, alpha=ALPHA, design="pre-post") == pytest.approx(target, abs=1e-9)


@pytest.mark.parametrize(
    ("effect", "n", "ratio"), [(1e-20, 1e30, 1.0), (1e-8, 1e12, 1e-6), (1e-150, 1e300, 1e-6)]
)
def test_power_is_never_below_alpha(effect: float, n: float, ratio: float) -> None:
    """A two-sided test's power is at least alpha (its value at effect 0), as documented."""
    assert power(effect, n, alpha=ALPHA, ratio=ratio) >= ALPHA
